// Package ocsf reads events in the Open Cybersecurity Schema Framework
// (OCSF 1.x) JSON encoding, as written by Amazon Security Lake, Splunk,
// CrowdStrike, Tenzir and other producers.
//
// The common classes map to Causeway's classes and entities:
//
//	1001 File System Activity   file     create, read, update, delete, rename, ...
//	1007 Process Activity       process  start, end, access, inject, setuid
//	2004 Detection Finding      alert    create, update, close
//	3002 Authentication         logon / auth (logon, logoff, tickets)
//	4001 Network Activity       network  connect, close, reset, fail, refuse, flow, listen
//	4002 HTTP Activity          http     request (the method is a field)
//	4003 DNS Activity           dns      query, response
//	6003 API Activity           cloud_api the api.operation
//
// Any other class is kept as an "other" event with the entities the common
// objects give (device, endpoints, actor). The event time is "time"
// (milliseconds since the epoch); the event id hashes the producing product
// and metadata.uid when present.
package ocsf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/timestamp"
)

// FormatName names the format in events and errors.
const FormatName = "ocsf"

// RecordFormat returns the OCSF record format. p resolves principal names;
// it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:      FormatName,
		Match:     match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error { return normalize(p, r, ev) },
	}
}

// match accepts a record with class_uid, one of category_uid, type_uid or
// activity_id, and a metadata object: the attributes every OCSF event has.
func match(r *jsonrec.Record) bool {
	var class, kind, meta bool
	for i := range r.Fields {
		k := r.Fields[i].Key
		switch {
		case k == "class_uid":
			class = true
		case k == "category_uid" || k == "type_uid" || k == "activity_id":
			kind = true
		case strings.HasPrefix(k, "metadata."):
			meta = true
		}
	}
	return class && kind && meta
}

func normalize(p *event.Principals, r *jsonrec.Record, ev *event.Event) error {
	o := obj{r: r}
	class, err := strconv.Atoi(o.get("class_uid"))
	if err != nil {
		return fmt.Errorf("reading class_uid %q: %w", o.get("class_uid"), err)
	}
	activity, _ := strconv.Atoi(o.get("activity_id"))
	t, err := eventTime(o.get("time"), o.get("time_dt"))
	if err != nil {
		return err
	}
	ev.Time = t
	if uid := o.get("metadata.uid"); uid != "" {
		ev.ID = event.NewID(FormatName, o.get("metadata.product.vendor_name"), o.get("metadata.product.name"), uid)
		ev.Source.Record = uid
	}
	switch o.get("status_id") {
	case "1":
		ev.Outcome = event.OutcomeSuccess
	case "2":
		ev.Outcome = event.OutcomeFailure
	}
	m := mapper{p: p, o: o, ev: ev}
	m.host = event.Host(first(o.get("device.hostname"), o.get("device.name"), o.get("device.instance_uid"), o.get("device.ip")))
	m.windows = isWindows(o)
	ev.AddRef(event.RoleHost, m.host)
	switch class {
	case 1001:
		m.file(activity)
	case 1007:
		m.process(activity)
	case 2004:
		m.finding(activity)
	case 3002:
		m.authentication(activity)
	case 4001:
		m.network(activity)
	case 4002:
		m.http()
	case 4003:
		m.dns(activity)
	case 6003:
		m.api()
	default:
		ev.Class = event.ClassOther
		ev.Action = strings.ToLower(strings.ReplaceAll(o.get("activity_name"), " ", "_"))
		m.endpoints()
		m.actor()
		ev.AddRef(event.RoleTargetUser, m.user("user"))
	}
	if ev.Action == "" {
		ev.Action = "activity_" + strconv.Itoa(activity)
	}
	return nil
}

// eventTime reads "time" (epoch milliseconds; some producers write seconds
// or RFC 3339) or, without it, "time_dt".
func eventTime(ms, dt string) (time.Time, error) {
	if ms == "" {
		ms = dt
	}
	if ms == "" {
		return time.Time{}, fmt.Errorf("record has no time")
	}
	// Epoch milliseconds as the schema says (or seconds, micro- or
	// nanoseconds), RFC 3339, or exports that flattened the time to text in
	// UTC ("2022-06-25 00:27:53").
	if t, ok := timestamp.ParseAs(ms, timestamp.Epoch|timestamp.RFC3339|timestamp.Space); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("parsing time %q: not epoch milliseconds, RFC 3339 or a UTC date and time", source.Excerpt(ms, 40))
}

// obj reads fields of the flattened record by key, optionally under a prefix.
type obj struct {
	r *jsonrec.Record
}

func (o obj) get(key string) string { return o.r.Value(key) }

func (o obj) values(key string) []string { return o.r.Values(key) }

func isWindows(o obj) bool {
	if strings.EqualFold(o.get("device.os.type"), "windows") || o.get("device.os.type_id") == "100" {
		return true
	}
	for _, k := range []string{"process.file.path", "file.path", "actor.process.file.path"} {
		if p := o.get(k); len(p) > 2 && (p[1] == ':' || strings.HasPrefix(p, `\\`)) {
			return true
		}
	}
	return false
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
