package k8saudit

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// expander parses the audit event AKS writes as JSON text in
// properties.log. It keeps Flatteners in a pool, so a RecordFormat may be
// used from many goroutines.
type expander struct {
	pool sync.Pool
}

func newExpander() *expander {
	return &expander{pool: sync.Pool{New: func() any { return jsonrec.NewFlattener() }}}
}

// expand appends the fields of properties.log at the top level, where a
// native audit event has them ("verb", "objectRef.resource", ...). The
// record is nothing without them, so a log that is not JSON is an error.
func (x *expander) expand(ev *event.Event) error {
	log := ev.Value("properties.log")
	if log == "" {
		return nil
	}
	fl := x.pool.Get().(*jsonrec.Flattener)
	defer x.pool.Put(fl)
	before := len(ev.Fields)
	out, err := fl.AppendFields(ev.Fields, log, "")
	if err != nil {
		ev.Fields = out[:before]
		return fmt.Errorf("parsing properties.log: %w", err)
	}
	ev.Fields = out
	return nil
}

// maxSubjects bounds how many role binding subjects become references.
const maxSubjects = 16

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
	subjects                                       [maxSubjects]subject
	nSubjects                                      int
	cur                                            subject
	curSet                                         bool
}

func set(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func (w *view) read(fields []event.Field) {
	for i := range fields {
		v := fields[i].Value
		if v == "" {
			continue
		}
		switch fields[i].Key {
		case "auditID":
			set(&w.auditID, v)
		case "stage":
			set(&w.stage, v)
		case "verb":
			set(&w.verb, v)
		case "stageTimestamp":
			set(&w.stageTime, v)
		case "requestReceivedTimestamp":
			set(&w.received, v)
		case "timestamp":
			set(&w.stamp, v)
		case "metadata.creationTimestamp":
			set(&w.created, v)
		case "time":
			set(&w.outerTime, v)
		case "user.username":
			set(&w.user, v)
		case "user.extra.arn":
			set(&w.arn, v)
		case "user.extra.canonicalArn":
			set(&w.canonicalARN, v)
		case "user.extra.accessKeyId":
			set(&w.accessKey, v)
		case "user.extra.authentication.kubernetes.io/credential-id":
			set(&w.credentialID, v)
		case "impersonatedUser.username":
			set(&w.impersonate, v)
		case "sourceIPs":
			set(&w.sourceIP, v)
		case "objectRef.resource":
			set(&w.resource, v)
		case "objectRef.namespace":
			set(&w.namespace, v)
		case "objectRef.name":
			set(&w.name, v)
		case "objectRef.subresource":
			set(&w.subresource, v)
		case "requestObject.metadata.name":
			set(&w.requestName, v)
		case "responseObject.metadata.name":
			set(&w.responseName, v)
		case "resourceId":
			set(&w.cluster, v)
		case "responseStatus.code":
			set(&w.code, v)
		case "responseStatus.status":
			set(&w.status, v)
		case "annotations.authorization.k8s.io/decision":
			set(&w.decision, v)
		case "requestObject.roleRef.kind":
			set(&w.roleKind, v)
		case "requestObject.roleRef.name":
			set(&w.roleName, v)
		case "requestObject.subjects.kind":
			w.subjectField(&w.cur.kind, v)
		case "requestObject.subjects.name":
			w.subjectField(&w.cur.name, v)
		case "requestObject.subjects.namespace":
			w.subjectField(&w.cur.namespace, v)
		}
	}
	w.flushSubject()
}

// subjectField sets one field of the current subject. Lists flatten to
// repeated keys, so a key seen twice starts the next element.
func (w *view) subjectField(dst *string, v string) {
	if *dst != "" {
		w.flushSubject()
	}
	*dst = v
	w.curSet = true
}

func (w *view) flushSubject() {
	if w.curSet && w.nSubjects < maxSubjects {
		w.subjects[w.nSubjects] = w.cur
		w.nSubjects++
	}
	w.cur, w.curSet = subject{}, false
}

func normalize(p *event.Principals, x *expander, ev *event.Event) error {
	if err := x.expand(ev); err != nil {
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
	recordTime(ev, w.stageTime, w.received, w.stamp, w.created, w.outerTime)
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
	if role, session := assumedRoleARN(iam); role != "" {
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
		for i := 0; i < w.nSubjects; i++ {
			addSubject(p, ev, scope, &w.subjects[i])
		}
	}
	return nil
}

// assumedRoleARN returns the role ARN and session name of an assumed-role
// ARN ("arn:aws:sts::1:assumed-role/R/s" gives "arn:aws:iam::1:role/R"
// and "s"), as package cloudtrail names them; "" for other ARNs.
func assumedRoleARN(arn string) (role, session string) {
	const marker = ":assumed-role/"
	i := strings.Index(arn, marker)
	if i < 0 || !strings.HasPrefix(arn, "arn:") {
		return "", ""
	}
	rest := arn[i+len(marker):]
	j := strings.LastIndexByte(rest, '/')
	parts := strings.SplitN(arn[:i], ":", 5) // arn, partition, service, region, account
	if j < 0 || len(parts) != 5 {
		return "", ""
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + rest[:j], rest[j+1:]
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

// recordTime sets ev.Time from the first parsable of times.
func recordTime(ev *event.Event, times ...string) {
	for _, s := range times {
		if s == "" {
			continue
		}
		if t, ok := parseTime(s); ok {
			ev.Time = t
			return
		}
		ev.Notes = append(ev.Notes, "unparsable time "+quote(s))
	}
	if ev.Time.IsZero() {
		ev.Notes = append(ev.Notes, "no record time")
	}
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return `"` + s + `"`
}
