// Package winjson reads Windows event log records rendered as JSON by the
// tools that ship them: evtx_dump (the XML tree as nested objects with
// "#attributes"), Winlogbeat (ECS "winlog.*" and the 6.x flat shape),
// nxlog (flat EventData beside nxlog's own fields) and Microsoft Sentinel
// table exports (SecurityEvent, Event, WindowsEvent). Each shape becomes a
// winevent.Record, so the same record normalizes to the same event
// whichever shape, or the EVTX file itself, it was read from.
//
// Record identity: evtx_dump, Winlogbeat and nxlog before 2020 keep the
// EventRecordID; the nxlog exports with TimeCreated and the Sentinel tables
// do not. For those the event id is left zero, and the source package hashes
// the raw record instead.
package winjson

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
	"github.com/causeway-soc/causeway/internal/source/winevent"
)

// Format names, as they appear in event sources and errors.
const (
	NameEvtxDump   = "winjson-evtxdump"
	NameWinlogbeat = "winjson-winlogbeat"
	NameNxlog      = "winjson-nxlog"
	NameSentinel   = "winjson-sentinel"
)

// RecordFormats returns one RecordFormat per Windows JSON shape. Their
// Match functions exclude each other; the most common shapes come first.
func RecordFormats(n *winevent.Normalizer) []source.RecordFormat {
	return []source.RecordFormat{
		{Name: NameEvtxDump, Match: matchEvtxDump, Normalize: normalize(n, readEvtxDump)},
		{Name: NameNxlog, Match: matchNxlog, Normalize: normalize(n, readNxlog)},
		{Name: NameWinlogbeat, Match: matchWinlogbeat, Normalize: normalize(n, readWinlogbeat)},
		{Name: NameSentinel, Match: matchSentinel, Normalize: normalize(n, readSentinel)},
	}
}

// reader fills a Record from one shape.
type reader func(r *jsonrec.Record, rec *winevent.Record) error

func normalize(n *winevent.Normalizer, read reader) func(*jsonrec.Record, *event.Event) error {
	// Records are scratch: the normalizer copies what it keeps into the
	// event, so their buffers are reused.
	pool := sync.Pool{New: func() any { return new(winevent.Record) }}
	return func(r *jsonrec.Record, ev *event.Event) error {
		rec := pool.Get().(*winevent.Record)
		defer pool.Put(rec)
		*rec = winevent.Record{Data: rec.Data[:0], Extra: rec.Extra[:0]}
		if err := read(r, rec); err != nil {
			return err
		}
		n.Fill(rec, ev.Source, ev)
		return nil
	}
}

var errNoEventID = errors.New("record has no EventID")

func parseEventID(s string) (int, error) {
	if s == "" {
		return 0, errNoEventID
	}
	id, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || id < 0 || id > 0xffff {
		return 0, fmt.Errorf("reading EventID %q: not an event id", s)
	}
	return id, nil
}

// parseRecordID reads an EventRecordID; anything unreadable counts as lost
// (0), with a note.
func parseRecordID(s string, rec *winevent.Record) {
	if s == "" {
		return
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		rec.Notes = append(rec.Notes, "unreadable record id "+strconv.Quote(s))
		return
	}
	rec.RecordID = v
}

// parseTime reads an RFC 3339 time (any number of fractional digits). A
// record without a readable time is kept with a zero time and a note.
func parseTime(s, field string, rec *winevent.Record) {
	if s == "" {
		rec.Notes = append(rec.Notes, "no event time ("+field+" missing)")
		return
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		rec.Notes = append(rec.Notes, "unreadable event time "+field+"="+strconv.Quote(s))
		return
	}
	rec.Time = t.UTC()
}

// unnamed gives the name of the n-th unnamed Data element (1-based): Data,
// Data_2, Data_3, ...
func unnamed(n int) string {
	if n <= 1 {
		return "Data"
	}
	return "Data_" + strconv.Itoa(n)
}

// keywordsHex writes a Keywords bit mask given in decimal (nxlog writes it
// signed) as EVTX renders it: "0x8020000000000000".
func keywordsHex(s string) string {
	if s == "" || strings.HasPrefix(s, "0x") {
		return s
	}
	var v uint64
	if s[0] == '-' {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return s
		}
		v = uint64(i)
	} else {
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return s
		}
		v = u
	}
	return "0x" + strconv.FormatUint(v, 16)
}
