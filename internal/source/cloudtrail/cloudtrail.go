// Package cloudtrail reads AWS CloudTrail records: it recognizes them among
// JSON records and normalizes each into an event.Event of class cloud_api,
// with the entities CloudTrail joins on (see reference/linking-keys.md): the
// acting principal, its role session, the access key it used, the source
// address, and what the call created or touched (sessions and keys, roles
// and users, instances, buckets and objects, secrets, ARNs).
//
// Session scheme. A role session is identified by its temporary access key
// id whenever the record has one: AssumeRole's response names the new key
// (responseElements.credentials.accessKeyId) and every later call made with
// the session carries it as userIdentity.accessKeyId, so both resolve to
// event.Session("aws", key) and event.Credential(key) exactly. The session's
// name is "<role arn>/<session name>" in both places. Only when a call has no
// key (console and some service calls) is the session identified by
// "<role arn>/<session name>@<creationDate>", which joins calls of the same
// session with each other but not with the AssumeRole that created it.
package cloudtrail

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Name is the format name events carry in Source.Format.
const Name = "cloudtrail"

// RecordFormat returns the CloudTrail log type. p resolves user names (SSO
// session names) to principals; nil means the zero Principals.
func RecordFormat(p *event.Principals) source.RecordFormat {
	if p == nil {
		p = &event.Principals{}
	}
	n := normalizer{p: p}
	return source.RecordFormat{
		Name:      Name,
		Match:     Match,
		Normalize: n.normalize,
	}
}

// Match reports whether r is a CloudTrail record: it has an eventName and
// either an eventSource of an AWS service, an eventVersion, or an awsRegion.
// Exports that lower-case every key (Athena, some SIEMs) are recognized too.
func Match(r *jsonrec.Record) bool {
	var name, aws, lower bool
	for i := range r.Fields {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		switch k {
		case "eventName":
			name = v != ""
		case "eventSource":
			aws = aws || hasSuffix(v, ".amazonaws.com")
		case "eventVersion", "awsRegion":
			aws = true
		case "eventname":
			lower = v != ""
		case "eventsource":
			aws = aws || hasSuffix(v, ".amazonaws.com")
		case "eventversion", "awsregion":
			aws = true
		}
		if aws && (name || lower) {
			return true
		}
	}
	return false
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}
