// Package event defines the normalized Event that every telemetry source is
// turned into, and the entities (hosts, processes, files, principals, ...)
// that events relate. It depends on the standard library only: every stage
// exchanges these values and nothing else.
package event

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Event is one normalized record from any source.
//
// An Event keeps the source's original fields (Fields, which rules match on)
// and adds a typed, source-independent core: time, class and action, outcome,
// and references to the entities it relates (Refs). Events are values: once a
// reader hands one on, nobody mutates it.
type Event struct {
	ID      ID        `json:"id"`   // stable: same record read again gives the same ID
	Time    time.Time `json:"time"` // when the source recorded the event, UTC
	Source  Source    `json:"source"`
	Class   Class     `json:"class"`
	Action  string    `json:"action,omitempty"`  // verb within the class: "start", "write", "connect", "call", ...
	Outcome Outcome   `json:"outcome,omitempty"` // success, failure or unknown
	Refs    []Ref     `json:"refs,omitempty"`    // entities with the role they play in this event
	Fields  []Field   `json:"fields,omitempty"`  // original fields, flattened; list values repeat the key
	// BytesIn and BytesOut are data volumes the event reports, seen from
	// the actor (the flow's originator, the API caller): BytesIn is what it
	// received (a download, S3 GetObject's bytesTransferredOut, a flow's
	// responder bytes), BytesOut what it sent. 0 when unknown.
	BytesIn  int64 `json:"bytes_in,omitempty"`
	BytesOut int64 `json:"bytes_out,omitempty"`
	// Notes flag odd but kept content: an invalid IP string, a fake region,
	// a time that disagrees with another clock in the record.
	Notes []string `json:"notes,omitempty"`
}

// Source says where an event was read.
type Source struct {
	Format string `json:"format"`           // reader that decoded it: "evtx", "winjson", "cloudtrail", ...
	Path   string `json:"path"`             // file, "archive.zip!member", or "-" for standard input
	Offset int64  `json:"offset"`           // byte offset of the record in the (decompressed) stream
	Record string `json:"record,omitempty"` // record identity inside the source (EventRecordID, eventID, uuid, ...)
}

// Field is one original key and value. Nested objects flatten to dotted keys
// ("userIdentity.arn"); each element of a list is a Field of its own with the
// same key.
type Field struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Get returns the first value of key and whether it was present.
func (e *Event) Get(key string) (string, bool) {
	for i := range e.Fields {
		if e.Fields[i].Key == key {
			return e.Fields[i].Value, true
		}
	}
	return "", false
}

// Value returns the first value of key, or "".
func (e *Event) Value(key string) string {
	v, _ := e.Get(key)
	return v
}

// Ref returns the first entity playing role, if any.
func (e *Event) Ref(role Role) (Entity, bool) {
	for _, r := range e.Refs {
		if r.Role == role {
			return r.Entity, true
		}
	}
	return Entity{}, false
}

// AddRef appends an entity reference, skipping zero entities so that
// normalizers can pass the result of a constructor that found nothing.
func (e *Event) AddRef(role Role, ent Entity) {
	if ent.ID == "" {
		return
	}
	e.Refs = append(e.Refs, Ref{Role: role, Entity: ent})
}

// Class is the kind of activity an event records.
type Class string

// Classes. A reader picks the most specific one; Other keeps everything else.
const (
	ClassProcess  Class = "process"  // start, end, access, inject, tamper
	ClassFile     Class = "file"     // create, write, read, delete, rename, stream
	ClassModule   Class = "module"   // load
	ClassNetwork  Class = "network"  // connect, accept, flow, listen
	ClassDNS      Class = "dns"      // query
	ClassHTTP     Class = "http"     // request
	ClassLogon    Class = "logon"    // logon, logoff, elevate
	ClassAuth     Class = "auth"     // authenticate (Kerberos, NTLM, SSH, SSO, MFA)
	ClassAccount  Class = "account"  // create, change, delete, add-member, reset-password
	ClassRegistry Class = "registry" // create, set, delete, rename
	ClassService  Class = "service"  // install, change, start, stop (services, tasks, WMI subscriptions)
	ClassScript   Class = "script"   // execute (script block, command line text)
	ClassCloudAPI Class = "cloud_api"
	ClassAudit    Class = "audit" // changes to logging itself: log cleared, trail stopped
	ClassAlert    Class = "alert" // a finding written by another product
	ClassOther    Class = "other"
)

// Outcome of the recorded activity.
type Outcome string

// Outcomes.
const (
	OutcomeUnknown Outcome = ""
	OutcomeSuccess Outcome = "success"
	OutcomeFailure Outcome = "failure"
)

// ID identifies an event. It is a hash of the record's identity in its source
// (for Windows: computer, channel, record id; for CloudTrail: eventID; else
// the format and the record's bytes), so the same record always gets the same
// ID whichever file or encoding it is read from.
type ID [16]byte

// NewID hashes the parts of a record's identity into an ID.
func NewID(parts ...string) ID {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var id ID
	copy(id[:], h.Sum(nil))
	return id
}

// String returns the ID in hex.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether the ID is unset.
func (id ID) IsZero() bool { return id == ID{} }

// MarshalText encodes the ID as hex.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText decodes a hex ID.
func (id *ID) UnmarshalText(b []byte) error {
	if hex.DecodedLen(len(b)) != len(id) {
		return errors.New("event id: want 32 hex digits")
	}
	_, err := hex.Decode(id[:], b)
	return err
}
