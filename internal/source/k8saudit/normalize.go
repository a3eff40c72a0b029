package k8saudit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/cloudtrail"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// expand appends the fields of properties.log, the audit event AKS writes
// as JSON text, at the top level, where a native audit event has them
// ("verb", "objectRef.resource", ...). The record is nothing without them,
// so a log that is not JSON is an error.
func expand(r *jsonrec.Record, ev *event.Event) error {
	log := r.Value("properties.log")
	if log == "" {
		return nil
	}
	if err := r.Expand(log, ""); err != nil {
		return fmt.Errorf("parsing properties.log: %w", err)
	}
	ev.Fields = r.Fields
	return nil
}

// subject is one of a role binding's subjects; the first 16 become
// references.
type subject struct{ kind, name, namespace string }

// view holds the values Normalize uses, read in one pass.
type view struct {
	auditID, stage, verb                           string
	stageTime, received, stamp, created, outerTime string
	user, arn, canonicalARN, accessKey             string
	credentialID, impersonate                      string
	sourceIP                                       string
	resource, namespace, name, subresource         string
	requestName, responseName, cluster             string
	code, status, decision                         string
	roleKind, roleName                             string
	subjects                                       jsonrec.List[subject]
}

func (w *view) read(fields []event.Field) {
	for i := range fields {
		v := fields[i].Value
		if v == "" {
			continue
		}
		switch fields[i].Key {
		case "auditID":
			jsonrec.SetFirst(&w.auditID, v)
		case "stage":
			jsonrec.SetFirst(&w.stage, v)
		case "verb":
			jsonrec.SetFirst(&w.verb, v)
		case "stageTimestamp":
			jsonrec.SetFirst(&w.stageTime, v)
		case "requestReceivedTimestamp":
			jsonrec.SetFirst(&w.received, v)
		case "timestamp":
			jsonrec.SetFirst(&w.stamp, v)
		case "metadata.creationTimestamp":
			jsonrec.SetFirst(&w.created, v)
		case "time":
			jsonrec.SetFirst(&w.outerTime, v)
		case "user.username":
			jsonrec.SetFirst(&w.user, v)
		case "user.extra.arn":
			jsonrec.SetFirst(&w.arn, v)
		case "user.extra.canonicalArn":
			jsonrec.SetFirst(&w.canonicalARN, v)
		case "user.extra.accessKeyId":
			jsonrec.SetFirst(&w.accessKey, v)
		case "user.extra.authentication.kubernetes.io/credential-id":
			jsonrec.SetFirst(&w.credentialID, v)
		case "impersonatedUser.username":
			jsonrec.SetFirst(&w.impersonate, v)
		case "sourceIPs":
			jsonrec.SetFirst(&w.sourceIP, v)
		case "objectRef.resource":
			jsonrec.SetFirst(&w.resource, v)
		case "objectRef.namespace":
			jsonrec.SetFirst(&w.namespace, v)
		case "objectRef.name":
			jsonrec.SetFirst(&w.name, v)
		case "objectRef.subresource":
			jsonrec.SetFirst(&w.subresource, v)
		case "requestObject.metadata.name":
			jsonrec.SetFirst(&w.requestName, v)
		case "responseObject.metadata.name":
			jsonrec.SetFirst(&w.responseName, v)
		case "resourceId":
			jsonrec.SetFirst(&w.cluster, v)
		case "responseStatus.code":
			jsonrec.SetFirst(&w.code, v)
		case "responseStatus.status":
			jsonrec.SetFirst(&w.status, v)
		case "annotations.authorization.k8s.io/decision":
			jsonrec.SetFirst(&w.decision, v)
		case "requestObject.roleRef.kind":
			jsonrec.SetFirst(&w.roleKind, v)
		case "requestObject.roleRef.name":
			jsonrec.SetFirst(&w.roleName, v)
		case "requestObject.subjects.kind":
			w.subjects.Set(&w.subjects.Cur.kind, v)
		case "requestObject.subjects.name":
			w.subjects.Set(&w.subjects.Cur.name, v)
		case "requestObject.subjects.namespace":
			w.subjects.Set(&w.subjects.Cur.namespace, v)
		}
	}
	w.subjects.Flush()
}

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	if err := expand(r, ev); err != nil {
		return err
	}
	var w view
	w.read(ev.Fields)
	if w.auditID != "" {
		// One request gives an event per stage (RequestReceived,
		// ResponseStarted, ResponseComplete), all with its auditID.
		ev.Source.Record = w.auditID
		if w.stage != "" {
			ev.Source.Record += "/" + w.stage
		}
		ev.ID = event.NewID(Name, w.auditID, w.stage)
	}
	timestamp.SetTime(ev, w.stageTime, w.received, w.stamp, w.created, w.outerTime)
	ev.Class, ev.Action = classify(w.verb, w.resource, w.subresource)
	ev.Outcome = outcome(w.code, w.status, w.decision)

	// As in CloudTrail: the IAM role (or user) is the actor, a person's
	// login the user, the temporary key both credential and session.
	iam := w.canonicalARN
	if iam == "" {
		iam = w.arn
	}
	if strings.HasPrefix(w.user, "arn:") {
		iam = w.user
	} else {
		ev.AddRef(event.RoleUser, p.Name(w.user))
	}
	if role, session := cloudtrail.AssumedRoleARN(iam); role != "" {
		ev.AddRef(event.RoleActor, p.Cloud(role))
		if looksLikeLogin(session) {
			ev.AddRef(event.RoleUser, p.Name(session))
		}
	} else {
		ev.AddRef(event.RoleActor, p.Cloud(iam))
	}
	if w.accessKey != "" {
		ev.AddRef(event.RoleCredential, event.Credential(w.accessKey))
		if strings.HasPrefix(w.accessKey, "ASIA") {
			ev.AddRef(event.RoleSession, event.Session("aws", w.accessKey, iam))
		}
	} else {
		ev.AddRef(event.RoleCredential, event.Credential(w.credentialID))
	}
	ev.AddRef(event.RoleSrc, event.IP(w.sourceIP))
	ev.AddRef(event.RoleTargetUser, p.Name(w.impersonate))

	scope := "k8s"
	if w.cluster != "" {
		scope = "k8s:" + strings.ToLower(w.cluster)
	}
	name := w.name
	if name == "" && w.verb == "create" {
		name = w.responseName
		if name == "" {
			name = w.requestName
		}
	}
	ev.AddRef(event.RoleTarget, object(scope, w.namespace, w.resource, name))
	if w.roleName != "" && isBinding(w.resource) {
		roles := "clusterroles"
		ns := ""
		if w.roleKind == "Role" {
			roles, ns = "roles", w.namespace
		}
		ev.AddRef(event.RoleTarget, object(scope, ns, roles, w.roleName))
		for i := range w.subjects.Items() {
			addSubject(p, ev, scope, &w.subjects.Items()[i])
		}
	}
	return nil
}

// looksLikeLogin reports whether a session name is a person's login (an
// email address), as SSO and SAML federation name sessions.
func looksLikeLogin(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " /:")
}

// object identifies an API object by its REST path below the cluster:
// "namespaces/default/pods/nginx", "clusterrolebindings/admins".
func object(scope, namespace, resource, name string) event.Entity {
	if resource == "" {
		return event.Entity{}
	}
	path := resource
	if namespace != "" && resource != "namespaces" {
		path = "namespaces/" + namespace + "/" + resource
	}
	if name != "" {
		path += "/" + name
	}
	return event.Resource(scope, path, path)
}

// addSubject references a subject of a role binding: users and service
// accounts as principals (as they appear in user.username), groups as
// resources.
func addSubject(p *event.Principals, ev *event.Event, scope string, s *subject) {
	switch s.kind {
	case "User":
		ev.AddRef(event.RoleTargetUser, p.Name(s.name))
	case "ServiceAccount":
		if s.name != "" {
			ev.AddRef(event.RoleTargetUser, p.Name("system:serviceaccount:"+s.namespace+":"+s.name))
		}
	case "Group":
		if s.name != "" {
			ev.AddRef(event.RoleTarget, event.Resource(scope, "groups/"+s.name, s.name))
		}
	}
}

func isBinding(resource string) bool {
	return resource == "rolebindings" || resource == "clusterrolebindings"
}

// classify returns the class and action of a request: an API call whose
// action is the verb, except exec, attach and port-forward into pods
// (named by the subresource) and changes to role bindings (privilege).
func classify(verb, resource, subresource string) (event.Class, string) {
	switch subresource {
	case "exec", "attach", "proxy":
		return event.ClassCloudAPI, subresource
	case "portforward":
		return event.ClassCloudAPI, "port-forward"
	}
	if isBinding(resource) {
		switch verb {
		case "create", "update", "patch":
			return event.ClassAccount, "grant-privilege"
		case "delete", "deletecollection":
			return event.ClassAccount, "revoke-privilege"
		}
	}
	if verb == "" {
		return event.ClassCloudAPI, "call"
	}
	return event.ClassCloudAPI, verb
}

// outcome reads the response code (2xx and 101 Switching Protocols for
// exec succeed, 4xx and 5xx fail), the response status and the
// authorizer's decision. A RequestReceived stage has none of them yet.
func outcome(code, status, decision string) event.Outcome {
	if decision == "forbid" || status == "Failure" {
		return event.OutcomeFailure
	}
	if c, err := strconv.Atoi(code); err == nil {
		switch {
		case c >= 400:
			return event.OutcomeFailure
		case c >= 100:
			return event.OutcomeSuccess
		}
	}
	return event.OutcomeUnknown
}
