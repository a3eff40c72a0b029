package cloudtrail

import (
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// created adds what a call issued: the temporary credentials and session of
// AssumeRole*, GetSessionToken and GetFederationToken, and the key of
// CreateAccessKey. callerSession is the caller's session name (see actor).
func (n normalizer) created(v *view, ev *event.Event, callerSession string) {
	if v.newKey != "" {
		var name string
		switch {
		case strings.HasPrefix(v.eventName, "AssumeRole"):
			role, session := v.roleARN, v.roleSession
			if session == "" || role == "" {
				if r, s := AssumedRoleARN(v.assumedARN); r != "" {
					if role == "" {
						role = r
					}
					if session == "" {
						session = s
					}
				}
			}
			name = role + "/" + session
			if isInstanceID(session) {
				addUnique(ev, event.RoleTarget, event.Host(session))
			}
		case v.eventName == "GetFederationToken":
			name = v.federatedARN
		default: // GetSessionToken
			name = callerSession
		}
		if plausibleKey(v.newKey) {
			addUnique(ev, event.RoleTarget, event.Session("aws", v.newKey, name))
			addUnique(ev, event.RoleTarget, event.Credential(v.newKey))
		} else {
			ev.Notes = append(ev.Notes, "responseElements.credentials.accessKeyId "+strconv.Quote(v.newKey)+" is not an access key id")
		}
	}
	if v.createdKey != "" {
		if plausibleKey(v.createdKey) {
			addUnique(ev, event.RoleTarget, event.Credential(v.createdKey))
		} else {
			ev.Notes = append(ev.Notes, "responseElements.accessKey.accessKeyId "+strconv.Quote(v.createdKey)+" is not an access key id")
		}
		if v.keyUser == "" && (strings.Contains(callerSession, ":user/") || strings.HasSuffix(callerSession, ":root")) {
			// A key created without userName belongs to the calling user.
			addUnique(ev, event.RoleTargetUser, n.p.Cloud(callerSession))
		}
	}
	if v.keyUser != "" {
		v.add(itemUser, v.keyUser)
	}
}

// AssumedRoleARN splits "arn:aws:sts::123:assumed-role/Role/Session" into
// the role ARN (without its path, which this ARN does not carry) and the
// session name; it returns "" for other ARNs. Readers of other logs that
// carry AWS identities (Kubernetes audit on EKS) use it to name roles as
// CloudTrail does.
func AssumedRoleARN(arn string) (role, session string) {
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

// targets adds what the call acted on.
func (n normalizer) targets(v *view, ev *event.Event) {
	account := v.recipient
	if account == "" {
		account = v.idAccount
	}
	partition := partitionOf(v.region)
	if v.bucket != "" {
		addUnique(ev, event.RoleTarget, event.Resource("", "arn:"+partition+":s3:::"+v.bucket, v.bucket))
		if v.objectKey != "" {
			obj := v.bucket + "/" + v.objectKey
			addUnique(ev, event.RoleTarget, event.Resource("", "arn:"+partition+":s3:::"+obj, obj))
		}
	}
	iam := v.eventSource == "iam.amazonaws.com"
	for _, it := range v.items {
		switch it.kind {
		case itemResource:
			if strings.HasPrefix(it.v, "arn:") {
				addUnique(ev, event.RoleTarget, event.Resource("", it.v, ""))
			} else {
				addUnique(ev, event.RoleTarget, event.Resource(scope(account, v.region, v.eventSource), it.v, ""))
			}
		case itemName, itemFunction:
			if arn := v.arnOf(it, partition, account); arn != "" {
				addUnique(ev, event.RoleTarget, event.Resource("", arn, it.v))
			} else if v.eventSource != "sts.amazonaws.com" { // GetFederationToken's name is the federated user's
				addUnique(ev, event.RoleTarget, event.Resource(scope(account, v.region, v.eventSource), it.v, ""))
			}
		case itemInstance:
			addUnique(ev, event.RoleTarget, event.Host(it.v))
		case itemENI:
			addUnique(ev, event.RoleTarget, event.Resource("", it.v, ""))
		case itemCommand:
			addUnique(ev, event.RoleTarget, event.Resource("aws/ssm/command", it.v, ""))
		case itemPrincipal:
			if strings.HasPrefix(it.v, "arn:") {
				addUnique(ev, event.RoleTargetUser, n.p.Cloud(it.v))
			}
		case itemUser, itemRole:
			if !iam || account == "" || v.namedByARN(it) {
				continue
			}
			kind := "user/"
			if it.kind == itemRole {
				kind = "role/"
			}
			addUnique(ev, event.RoleTargetUser, n.p.Cloud("arn:"+partition+":iam::"+account+":"+kind+it.v))
		}
	}
}

// arnOf returns the ARN a name stands for where the service's ARN format
// allows building it, so that calls naming a parameter, trail or function
// and the resources[] of other calls resolve to one entity; "" otherwise.
func (v *view) arnOf(it item, partition, account string) string {
	name := it.v
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	if account == "" || v.region == "" || strings.IndexByte(name, ':') >= 0 {
		return ""
	}
	prefix := "arn:" + partition + ":"
	switch {
	case it.kind == itemFunction:
		return prefix + "lambda:" + v.region + ":" + account + ":function:" + name
	case v.eventSource == "ssm.amazonaws.com":
		return prefix + "ssm:" + v.region + ":" + account + ":parameter/" + strings.TrimPrefix(name, "/")
	case v.eventSource == "cloudtrail.amazonaws.com":
		return prefix + "cloudtrail:" + v.region + ":" + account + ":trail/" + name
	}
	return ""
}

// namedByARN reports whether a user or role name is also given as a full
// ARN (which carries the path) among the record's targets.
func (v *view) namedByARN(it item) bool {
	kind := ":user/"
	if it.kind == itemRole {
		kind = ":role/"
	}
	for _, o := range v.items {
		if o.kind == itemPrincipal && strings.Contains(o.v, kind) && strings.HasSuffix(o.v, "/"+it.v) {
			return true
		}
	}
	return false
}

// scope keeps names that are unique only within an account, region and
// service apart: "aws/123456789012/us-east-1/secretsmanager".
func scope(account, region, eventSource string) string {
	svc := strings.TrimSuffix(eventSource, ".amazonaws.com")
	return "aws/" + account + "/" + region + "/" + svc
}

// addUnique adds a reference unless the event already has it.
func addUnique(ev *event.Event, role event.Role, ent event.Entity) {
	if ent.ID == "" {
		return
	}
	for i := range ev.Refs {
		if ev.Refs[i].Role == role && ev.Refs[i].Entity.ID == ent.ID {
			return
		}
	}
	ev.Refs = append(ev.Refs, event.Ref{Role: role, Entity: ent})
}
