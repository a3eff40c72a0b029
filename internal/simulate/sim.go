package simulate

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/causeway-soc/causeway/internal/simulate/write"
)

// actor is a scheduled activity: a user's working day, a server's cron, a
// campaign. step runs at now, emits records stamped now or later, and says
// when the actor wants to run next (false: never again).
type actor interface {
	step(s *sim, now time.Time) (time.Time, bool)
}

// item is a pending record or a scheduled actor.
type item struct {
	at  int64 // unix nanoseconds
	seq uint64
	rec any // *write.WinEvent, *ctRecord, *oktaRecord, *syslogLine, *auditEvent, *write.Conn, *write.DNS, *write.HTTP, *write.SSL, *write.Flow, *entraRecord
	act actor
}

// queue orders items by time, then by the order they were pushed, so that
// a run is deterministic.
type queue []*item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return it
}

// Source names, as counted in Summary.Sources.
const (
	srcWindows    = "windows"
	srcCloudTrail = "cloudtrail"
	srcOkta       = "okta"
	srcSyslog     = "syslog"
	srcAuditd     = "auditd"
	srcZeek       = "zeek" // conn, dns, http and ssl
	srcVPCFlow    = "vpcflow"
	srcEntra      = "entra"
)

// winWriter writes Windows events in one of the formats of
// Config.WindowsFormat.
type winWriter interface {
	Write(e *write.WinEvent) error
	Close() error
}

// sim is one run.
type sim struct {
	cfg        Config
	env        *Environment
	out        string
	start, end time.Time
	now        time.Time
	q          queue
	seq        uint64
	progress   io.Writer
	nextReport int64

	st       write.Stats
	windows  winWriter
	trail    *write.Series
	okta     *write.Series
	auth     *write.Series
	auditLog *write.Series
	zeek     *write.Series
	dns      *write.Series
	http     *write.Series
	ssl      *write.Series
	flows    *write.Series
	entra    *write.Series
	buf      []byte

	// serials are the last audit serial of each Linux host.
	serials map[string]uint64
	// flowKey is the series key of the account's VPC flow log.
	flowKey string
	// proto draws the details of the Zeek protocol logs, so that the other
	// sources do not depend on them.
	proto *rand.Rand
	vpc   *vpcState
	ent   *entraState

	counts    map[string]int64
	events    int64
	world     *world
	campaigns []*campaignRun
}

func newSim(cfg Config, out string, progress io.Writer) *sim {
	s := &sim{
		cfg: cfg, env: cfg.Environment, out: out, progress: progress,
		start: cfg.Start, end: cfg.Start.Add(cfg.Duration), now: cfg.Start,
		counts: map[string]int64{}, nextReport: progressEvery, serials: map[string]uint64{},
	}
	s.proto = s.rng("zeek/protocols")
	if cfg.WindowsFormat == WindowsEVTX {
		s.windows = write.NewEVTX(filepath.Join(out, DirWindows), cfg.MaxFileBytes, &s.st)
	} else {
		s.windows = write.NewWindows(filepath.Join(out, DirWindows), cfg.MaxFileBytes, &s.st)
	}
	s.trail = write.NewSeries(filepath.Join(out, DirCloudTrail), write.CloudTrailPeriod, write.CloudTrailLayout, &s.st)
	s.okta = write.NewSeries(filepath.Join(out, DirOkta), 24*time.Hour, write.OktaLayout, &s.st)
	s.auth = write.NewSeries(filepath.Join(out, DirLinux), 24*time.Hour, write.AuthLogLayout, &s.st)
	s.auditLog = write.NewSeries(filepath.Join(out, DirLinux), 24*time.Hour, write.AuditLayout, &s.st)
	s.zeek = write.NewSeries(filepath.Join(out, DirZeek), time.Hour, write.ZeekConnLayout, &s.st)
	s.dns = write.NewSeries(filepath.Join(out, DirZeek), time.Hour, write.ZeekDNSLayout, &s.st)
	s.http = write.NewSeries(filepath.Join(out, DirZeek), time.Hour, write.ZeekHTTPLayout, &s.st)
	s.ssl = write.NewSeries(filepath.Join(out, DirZeek), time.Hour, write.ZeekSSLLayout, &s.st)
	s.flows = write.NewSeries(filepath.Join(out, DirCloudTrail), write.VPCFlowPeriod, write.VPCFlowLayout, &s.st)
	s.entra = write.NewSeries(filepath.Join(out, DirEntra), 24*time.Hour, write.EntraSignInLayout, &s.st)
	return s
}

// progressEvery is how many events pass between progress lines.
const progressEvery = 1_000_000

// schedule runs a at t.
func (s *sim) schedule(a actor, t time.Time) {
	s.seq++
	heap.Push(&s.q, &item{at: t.UnixNano(), seq: s.seq, act: a})
}

// emit queues a record for time t. Records are written in time order; one
// stamped before the current step is moved to it.
func (s *sim) emit(t time.Time, rec any) {
	if t.Before(s.now) {
		t = s.now
	}
	s.seq++
	heap.Push(&s.q, &item{at: t.UnixNano(), seq: s.seq, rec: rec})
}

// run drains the queue until the end of the period.
func (s *sim) run(ctx context.Context) error {
	end := s.end.UnixNano()
	for n := 0; s.q.Len() > 0; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		it := heap.Pop(&s.q).(*item)
		if it.at >= end {
			continue
		}
		s.now = time.Unix(0, it.at).UTC()
		if it.rec != nil {
			if err := s.write(s.now, it.rec); err != nil {
				return err
			}
			continue
		}
		if next, ok := it.act.step(s, s.now); ok && next.UnixNano() < end {
			if !next.After(s.now) {
				next = s.now.Add(time.Millisecond)
			}
			s.schedule(it.act, next)
		}
	}
	return nil
}

// write serializes one record into its source's files.
func (s *sim) write(t time.Time, rec any) error {
	var err error
	var src string
	switch r := rec.(type) {
	case *write.WinEvent:
		src, err = srcWindows, s.windows.Write(r)
	case *ctRecord:
		s.buf = r.v.Append(s.buf[:0])
		src, err = srcCloudTrail, s.trail.Write(write.CloudTrailKey(r.account, r.region), t, s.buf)
	case *oktaRecord:
		s.buf = append(r.v.Append(s.buf[:0]), '\n')
		src, err = srcOkta, s.okta.Write("okta", t, s.buf)
	case *syslogLine:
		s.buf = write.AppendSyslog(s.buf[:0], t, r.host, r.program, r.pid, r.msg)
		src, err = srcSyslog, s.auth.Write(r.host, t, s.buf)
	case *auditEvent:
		serial, ok := s.serials[r.host]
		if !ok {
			serial = firstSerial(r.host)
		}
		serial++
		s.serials[r.host] = serial
		s.buf = write.AppendAudit(s.buf[:0], r.host, t, serial, r.recs)
		src, err = srcAuditd, s.auditLog.Write(r.host, t, s.buf)
	case *write.Conn:
		s.buf = write.AppendConn(s.buf[:0], r)
		src, err = srcZeek, s.zeek.Write("conn", t, s.buf)
	case *write.DNS:
		s.buf = write.AppendDNS(s.buf[:0], r)
		src, err = srcZeek, s.dns.Write("dns", t, s.buf)
	case *write.HTTP:
		s.buf = write.AppendHTTP(s.buf[:0], r)
		src, err = srcZeek, s.http.Write("http", t, s.buf)
	case *write.SSL:
		s.buf = write.AppendSSL(s.buf[:0], r)
		src, err = srcZeek, s.ssl.Write("ssl", t, s.buf)
	case *write.Flow:
		s.buf = write.AppendFlow(s.buf[:0], r)
		src, err = srcVPCFlow, s.flows.Write(s.flowKey, t, s.buf)
	case *entraRecord:
		s.buf = r.v.Append(s.buf[:0])
		src, err = srcEntra, s.entra.Write("entra", t, s.buf)
	default:
		return fmt.Errorf("writing record: unknown type %T", rec)
	}
	if err != nil {
		return err
	}
	s.counts[src]++
	s.events++
	if s.events >= s.nextReport {
		s.nextReport += progressEvery
		fmt.Fprintf(s.progress, "%s: %d events\n", t.Format(time.RFC3339), s.events)
	}
	return nil
}

func (s *sim) close() error {
	var first error
	for _, c := range []interface{ Close() error }{s.windows, s.trail, s.okta, s.auth, s.auditLog, s.zeek, s.dns, s.http, s.ssl, s.flows, s.entra} {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *sim) summary() Summary {
	sum := Summary{Start: s.start, End: s.end, Events: s.events, Sources: s.counts, Files: s.st.Files, Bytes: s.st.Bytes}
	for _, c := range s.campaigns {
		sum.Scenarios = append(sum.Scenarios, ScenarioSummary{Name: c.name, Path: c.path, Start: c.first, End: c.last})
	}
	return sum
}

// ctRecord is a CloudTrail record of an account and region.
type ctRecord struct {
	account, region string
	v               write.Value
}

// oktaRecord is an Okta System Log event.
type oktaRecord struct{ v write.Value }

// firstSerial is a host's first audit serial: audit logs on real hosts
// are at different points of their lives.
func firstSerial(host string) uint64 {
	h := fnv.New32a()
	h.Write([]byte(host))
	return 1000 + uint64(h.Sum32()%400000)
}

// syslogLine is one line of a host's auth.log.
type syslogLine struct {
	host, program string
	pid           int
	msg           string
}
