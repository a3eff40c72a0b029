// Package winevent holds the Windows event record that every Windows reader
// produces (EVTX, the JSON shapes of evtx_dump, Winlogbeat, nxlog and
// Sentinel, and Sysmon for Linux), and turns it into a normalized event.
// Whatever the encoding, the same record gives the same event.
//
// The Normalizer keeps the record's fields under the names Sigma rules use
// and classifies the events that matter for causal reasoning (Sysmon,
// Security logons, processes, object access, services, tasks, accounts,
// shares, the filtering platform, log clearing, PowerShell) from a table of
// (log, event id) -> class, action and the fields each entity comes from
// (table.go). Entities follow the joins in reference/linking-keys.md:
// processes by host + ProcessGuid, or host + pid + creation time for 4688
// (never by pid alone); logon sessions by host + LogonId; files by host +
// case-folded path.
package winevent

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// Record is one Windows event as the System and EventData sections of its
// XML describe it, independent of how it was encoded.
type Record struct {
	Provider string    // System/Provider/@Name
	EventID  int       // System/EventID
	Channel  string    // System/Channel as written ("Security", "Microsoft-Windows-Sysmon/Operational")
	Computer string    // System/Computer
	RecordID uint64    // System/EventRecordID; 0 when the encoding lost it
	Time     time.Time // System/TimeCreated/@SystemTime, UTC
	Level    string    // System/Level
	Task     string    // System/Task
	Opcode   string    // System/Opcode
	Keywords string    // System/Keywords
	// ProcessID and ThreadID are System/Execution; UserID is System/Security/@UserID.
	ProcessID, ThreadID string
	UserID              string
	// Data holds EventData (or UserData) values by name, in document order.
	// Unnamed <Data> elements get the names Data, Data_2, ...
	Data []event.Field
	// Extra holds what a collector added beside the event's own XML (nxlog's
	// Message and Severity, Sentinel's TenantId, Winlogbeat's agent fields),
	// under the collector's names. EVTX records have none.
	Extra []event.Field
	// Notes flag odd but kept content found while reading the record (a time
	// converted from local time, a channel inferred from the event id).
	Notes []string
}
