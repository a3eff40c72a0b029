// Package winevent holds the Windows event record that every Windows reader
// produces (EVTX, the JSON shapes of evtx_dump, Winlogbeat, nxlog and
// Sentinel, and Sysmon for Linux), and turns it into a normalized event.
// Whatever the encoding, the same record gives the same event.
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
	RecordID uint64    // System/EventRecordID
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
}
