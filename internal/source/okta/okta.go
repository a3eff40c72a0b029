// Package okta reads the Okta System Log (the /api/v1/logs LogEvent shape,
// as the API, log streams and SIEM exports write it) into normalized events:
// the acting user, the Okta session, the client's origin and the apps,
// users and other objects an event targets.
//
// Entities: actor.alternateId is the RoleUser principal (p.Name, so the
// same login in Entra or M365 is the same principal; non-human actors are
// RoleActor), authenticationContext.externalSessionId the session
// ("session:okta/<id>"), client.ipAddress the origin (RoleSrc); target
// users and app users are RoleTargetUser principals, other targets
// resources ("resource:okta/<id>"). User agent and geography stay in the
// fields. Keys are matched without regard to case (some exports lower-case
// them), and published is read in RFC 3339 or as "2006-01-02 15:04:05.000".
package okta

import (
	"errors"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// Name is the format name events carry in Source.Format.
const Name = "okta"

// RecordFormat returns the Okta System Log record format. p resolves user
// names to principals; it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  Name,
		Match: Match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalize(p, r, ev)
		},
	}
}

// Match reports whether r is an Okta LogEvent: a dotted eventType
// ("user.session.start") next to one of Okta's own keys, and none of
// CloudTrail's. Exports that lower-cased the top-level keys are accepted.
func Match(r *jsonrec.Record) bool {
	typ, okta := false, false
	for i := range r.Fields {
		switch r.Fields[i].Key {
		case "eventType", "eventtype":
			if !dottedType(r.Fields[i].Value) {
				return false
			}
			typ = true
		case "legacyEventType", "legacyeventtype", "displayMessage", "displaymessage",
			"actor.alternateId", "authenticationContext.externalSessionId",
			"authenticationcontext.externalSessionId", "debugContext.debugData.requestId":
			okta = true
		case "eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // other log types: CloudTrail, Windows, Zeek, OCSF, GCP
		}
		if typ && okta {
			return true
		}
	}
	return false
}

// dottedType reports whether v looks like an Okta event type:
// identifier characters with at least one dot, no spaces.
func dottedType(v string) bool {
	dot := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '.':
			dot = true
		case c == '_' || c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9'):
		default:
			return false
		}
	}
	return dot && v[0] != '.'
}

// maxTargets bounds how many target objects become entity references.
const maxTargets = 16

// target is one element of the LogEvent's target list.
type target struct {
	id, typ, alternateID, displayName string
}

// logEvent holds the values Normalize uses, read in one pass.
type logEvent struct {
	uuid, published, eventType, result      string
	actorID, actorType, actorAlt, actorName string
	session, ip                             string
	targets                                 [maxTargets]target
	nTargets                                int
	cur                                     target // target being read
	curSet                                  bool
}

func (e *logEvent) read(fields []event.Field) {
	var kb jsonrec.KeyBuf
	for i := range fields {
		f := &fields[i]
		k := kb.Lower(f.Key)
		if k == nil || f.Value == "" {
			continue
		}
		switch string(k) {
		case "uuid":
			e.uuid = f.Value
		case "published":
			e.published = f.Value
		case "eventtype":
			e.eventType = f.Value
		case "outcome.result":
			e.result = f.Value
		case "actor.id":
			e.actorID = f.Value
		case "actor.type":
			e.actorType = f.Value
		case "actor.alternateid":
			e.actorAlt = f.Value
		case "actor.displayname":
			e.actorName = f.Value
		case "authenticationcontext.externalsessionid":
			e.session = f.Value
		case "client.ipaddress":
			e.ip = f.Value
		case "target.id":
			e.targetField(&e.cur.id, f.Value)
		case "target.type":
			e.targetField(&e.cur.typ, f.Value)
		case "target.alternateid":
			e.targetField(&e.cur.alternateID, f.Value)
		case "target.displayname":
			e.targetField(&e.cur.displayName, f.Value)
		}
	}
	e.flushTarget()
}

// targetField sets one field of the current target. Lists flatten to
// repeated keys, so a key seen twice starts the next element.
func (e *logEvent) targetField(dst *string, v string) {
	if *dst != "" {
		e.flushTarget()
	}
	*dst = v
	e.curSet = true
}

func (e *logEvent) flushTarget() {
	if e.curSet && e.nTargets < maxTargets {
		e.targets[e.nTargets] = e.cur
		e.nTargets++
	}
	e.cur, e.curSet = target{}, false
}

// errNoEventType is returned for a record that has lost its eventType.
var errNoEventType = errors.New("okta record without eventType")

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	var e logEvent
	e.read(r.Fields)
	if e.eventType == "" {
		return errNoEventType
	}
	if e.uuid != "" {
		ev.Source.Record = e.uuid
		ev.ID = event.NewID(Name, e.uuid)
	}
	if t, ok := timestamp.Parse(e.published); ok {
		ev.Time = t
	} else if e.published == "" {
		ev.Notes = append(ev.Notes, "no published time")
	} else {
		ev.Notes = append(ev.Notes, "unparsable published time "+timestamp.Quote(e.published))
	}
	ev.Class, ev.Action = classify(e.eventType)
	ev.Outcome = outcome(e.result)

	// People are users; Okta itself (SystemPrincipal) and OAuth clients
	// are actors, as non-human principals are in CloudTrail.
	role := event.RoleUser
	if e.actorType != "" && e.actorType != "User" {
		role = event.RoleActor
	}
	if alt := e.actorAlt; alt != "" && !strings.EqualFold(alt, "unknown") {
		ev.AddRef(role, p.Name(alt))
	} else if e.actorID != "" && !strings.EqualFold(e.actorID, "unknown") {
		ev.AddRef(role, p.Cloud("okta:"+e.actorID))
	}
	if s := e.session; s != "" && !strings.EqualFold(s, "unknown") {
		ev.AddRef(event.RoleSession, event.Session(Name, s, ""))
	}
	ev.AddRef(event.RoleSrc, event.IP(e.ip))
	for i := 0; i < e.nTargets; i++ {
		addTarget(p, ev, &e.targets[i])
	}
	return nil
}

// addTarget turns a target into a reference: users (and app users, whose
// login is how SSO sessions in the app are named) become principals,
// everything else a resource in Okta's scope.
func addTarget(p *event.Principals, ev *event.Event, t *target) {
	switch t.typ {
	case "User", "AppUser":
		if t.alternateID != "" && !strings.EqualFold(t.alternateID, "unknown") {
			ev.AddRef(event.RoleTargetUser, p.Name(t.alternateID))
			return
		}
	}
	id := t.id
	if id == "" {
		id = t.alternateID
	}
	name := t.displayName
	if name == "" {
		name = t.alternateID
	}
	if id == "" {
		return
	}
	ev.AddRef(event.RoleTarget, event.Resource(Name, id, name))
}

// outcome maps outcome.result: SUCCESS and ALLOW succeed, FAILURE and DENY
// fail; CHALLENGE, SKIPPED and UNKNOWN say nothing yet.
func outcome(result string) event.Outcome {
	switch strings.ToUpper(result) {
	case "SUCCESS", "ALLOW":
		return event.OutcomeSuccess
	case "FAILURE", "DENY":
		return event.OutcomeFailure
	}
	return event.OutcomeUnknown
}
