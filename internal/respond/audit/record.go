// Package audit keeps the tamper-evident record of everything Causeway's
// response does: every plan, decision, approval, denial, apply, verify,
// undo and expiry, with who did it and why. The log is a file of JSON
// lines, append-only and hash-chained: each record carries the hash of the
// one before it, so editing, deleting, reordering or cutting records is
// detected by Verify. With a key the chain is an HMAC, which an attacker
// who can rewrite the whole file cannot recompute.
package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Kind is what a record reports.
type Kind string

// Record kinds.
const (
	KindPlan     Kind = "plan"     // the planner proposed actions
	KindDecision Kind = "decision" // the guard decided an action
	KindApproval Kind = "approval" // a person approved an action
	KindDenial   Kind = "denial"   // a person refused an action
	KindApply    Kind = "apply"    // an action was applied
	KindVerify   Kind = "verify"   // its effect was read back
	KindUndo     Kind = "undo"     // it was undone
	KindExpire   Kind = "expire"   // its TTL ran out unconfirmed
	KindError    Kind = "error"    // a step failed
)

func (k Kind) valid() bool {
	switch k {
	case KindPlan, KindDecision, KindApproval, KindDenial, KindApply, KindVerify, KindUndo, KindExpire, KindError:
		return true
	}
	return false
}

// Causeway is the actor of the steps Causeway takes on its own; people
// are named by their user name.
const Causeway = "causeway"

// Hash algorithms of the chain.
const (
	AlgSHA256 = "sha256"      // plain chain: detects edits by anyone who cannot rewrite the whole file
	AlgHMAC   = "hmac-sha256" // keyed chain: needs the key to recompute
)

// maxLine caps a record's encoded size.
const maxLine = 16 << 20

// zeroHash is the prev of the first record.
var zeroHash = strings.Repeat("0", 64)

// Entry is what a caller appends; the log adds the sequence number, the
// time and the chain.
type Entry struct {
	Kind     Kind
	Action   event.ID
	Incident event.ID
	Actor    string // Causeway, or the user name of a person
	Why      string
	// Data is encoded as JSON (a json.RawMessage is kept as is, compacted).
	Data any
}

// Record is one line of the log.
type Record struct {
	Seq      uint64          `json:"seq"`
	Time     time.Time       `json:"time"`
	Kind     Kind            `json:"kind"`
	Action   event.ID        `json:"action,omitzero"`
	Incident event.ID        `json:"incident,omitzero"`
	Actor    string          `json:"actor"`
	Why      string          `json:"why,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	Alg      string          `json:"alg"`
	Prev     string          `json:"prev"`
	Hash     string          `json:"hash"`
}

// Head is the end of a chain: the last record's sequence number and hash.
// Kept somewhere the log's writer cannot change, it lets Verify detect
// records cut from the end.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// canonical is the byte string a record's hash covers: a fixed prefix,
// then every field but the hash, in order, each as an 8-byte big-endian
// length followed by its bytes. Numbers are decimal, times RFC 3339 in
// UTC with nanoseconds, ids lower-case hex (empty when unset).
func (r *Record) canonical() []byte {
	var b bytes.Buffer
	b.WriteString("causeway-audit-v1")
	field := func(s []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		b.Write(n[:])
		b.Write(s)
	}
	id := func(x event.ID) []byte {
		if x.IsZero() {
			return nil
		}
		return []byte(x.String())
	}
	field([]byte(strconv.FormatUint(r.Seq, 10)))
	field([]byte(r.Time.UTC().Format(time.RFC3339Nano)))
	field([]byte(r.Kind))
	field(id(r.Action))
	field(id(r.Incident))
	field([]byte(r.Actor))
	field([]byte(r.Why))
	field(r.Data)
	field([]byte(r.Alg))
	field([]byte(r.Prev))
	return b.Bytes()
}

// sum returns the record's hash with the given algorithm and key.
func (r *Record) sum(key []byte) string {
	var h hash.Hash
	if r.Alg == AlgHMAC {
		h = hmac.New(sha256.New, key)
	} else {
		h = sha256.New()
	}
	h.Write(r.canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// encode returns the record's line, with its newline. The encoding is
// canonical: Verify re-encodes each record and requires the same bytes.
func (r *Record) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("encoding audit record %d: %w", r.Seq, err)
	}
	return b.Bytes(), nil
}

// encodeData turns an entry's data into compact JSON; null becomes empty.
func encodeData(v any) (json.RawMessage, error) {
	var raw []byte
	switch d := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		raw = d
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		raw = b.Bytes()
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return nil, err
	}
	if c.String() == "null" {
		return nil, nil
	}
	return c.Bytes(), nil
}
