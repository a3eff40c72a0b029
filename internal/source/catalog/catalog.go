// Package catalog lists every reader Causeway has, in the order their
// sniffers are tried: the one place that knows them all, for the commands
// and for tests that read real data the way the commands do.
package catalog

import (
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/auditd"
	"github.com/causeway-soc/causeway/internal/source/cloudtrail"
	"github.com/causeway-soc/causeway/internal/source/entra"
	"github.com/causeway-soc/causeway/internal/source/evtx"
	"github.com/causeway-soc/causeway/internal/source/gcpaudit"
	"github.com/causeway-soc/causeway/internal/source/k8saudit"
	"github.com/causeway-soc/causeway/internal/source/m365"
	"github.com/causeway-soc/causeway/internal/source/mde"
	"github.com/causeway-soc/causeway/internal/source/ocsf"
	"github.com/causeway-soc/causeway/internal/source/okta"
	"github.com/causeway-soc/causeway/internal/source/syslog"
	"github.com/causeway-soc/causeway/internal/source/vpcflow"
	"github.com/causeway-soc/causeway/internal/source/winevent"
	"github.com/causeway-soc/causeway/internal/source/winjson"
	"github.com/causeway-soc/causeway/internal/source/zeek"
)

// Config is what the readers need to know beyond the data.
type Config struct {
	Principals *event.Principals
	// Year is the year of syslog stamps that have none (RFC 3164); 0 takes
	// it from Now, rolling back a year for dates in the future.
	Year int
	Now  func() time.Time
}

// Formats lists every reader, in the order their Sniff functions are tried:
// binary and text formats with unmistakable headers first, generic syslog
// last but one, and JSON, whose records go to the JSON log types in order.
func Formats(rc Config) []source.Format {
	p := rc.Principals
	win := &winevent.Normalizer{Principals: p}
	sc := syslog.Config{Year: rc.Year, Now: rc.Now}
	// Sentinel's Syslog rows come before the Windows shapes, which also
	// know Sentinel's column names.
	records := append([]source.RecordFormat{syslog.Record(p, win, sc)}, winjson.RecordFormats(win)...)
	records = append(records,
		cloudtrail.RecordFormat(p),
		okta.RecordFormat(p),
		entra.SignInFormat(p),
		entra.AuditFormat(p),
		m365.RecordFormat(p),
		mde.RecordFormat(p),
		k8saudit.RecordFormat(p),
		gcpaudit.RecordFormat(p),
		zeek.RecordFormat(),
		vpcflow.RecordFormat(),
		ocsf.RecordFormat(p),
	)
	return []source.Format{
		evtx.Format(win),
		zeek.Format(),
		vpcflow.Format(),
		auditd.Format(p, auditd.Config{}),
		syslog.Format(p, win, sc),
		source.JSONFormat(records),
	}
}
