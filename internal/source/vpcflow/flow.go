package vpcflow

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// flow holds the values of one flow record the normalizer reads, whatever
// the column order or key spelling. Missing values are "".
type flow struct {
	interfaceID, instanceID                string
	srcAddr, dstAddr, srcPort, dstPort     string
	bytes, start, action, logStatus        string
	accountID, vpcID, protocol, flowDirect string
}

// set stores value under its canonical key (lower case, without '-' or
// '_'); "-" and "null" mean missing.
func (f *flow) set(key, value string) {
	if value == "-" || value == "null" {
		return
	}
	switch key {
	case "interfaceid":
		f.interfaceID = value
	case "instanceid":
		f.instanceID = value
	case "srcaddr":
		f.srcAddr = value
	case "dstaddr":
		f.dstAddr = value
	case "srcport":
		f.srcPort = value
	case "dstport":
		f.dstPort = value
	case "bytes":
		f.bytes = value
	case "start":
		f.start = value
	case "action":
		f.action = value
	case "logstatus", "status":
		f.logStatus = value
	case "accountid":
		f.accountID = value
	case "vpcid":
		f.vpcID = value
	case "protocol":
		f.protocol = value
	case "flowdirection":
		f.flowDirect = value
	}
}

// canonicalKey folds a column name or JSON key: "interface-id" and
// "interfaceId" both become "interfaceid". Keys that need no folding are
// returned without allocating.
func canonicalKey(k string) string {
	clean := true
	for i := 0; i < len(k); i++ {
		if c := k[i]; c == '-' || c == '_' || c >= 'A' && c <= 'Z' {
			clean = false
			break
		}
	}
	if clean {
		return k
	}
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-' || c == '_':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// fill sets the normalized core of ev from f: time is the flow's start,
// bytes are counted from the source address's side.
func (f *flow) fill(ev *event.Event) {
	ev.Class, ev.Action = event.ClassNetwork, "flow"
	switch f.logStatus {
	case "NODATA":
		ev.Action = "nodata"
	case "SKIPDATA":
		ev.Class, ev.Action = event.ClassAudit, "skipdata"
		ev.Notes = append(ev.Notes, "flow records were skipped in this capture window (SKIPDATA)")
	}
	switch f.action {
	case "ACCEPT":
		ev.Outcome = event.OutcomeSuccess
	case "REJECT":
		ev.Outcome = event.OutcomeFailure
	}
	if f.start != "" {
		if sec, err := strconv.ParseInt(f.start, 10, 64); err == nil && sec > 0 && sec < 1<<40 {
			ev.Time = time.Unix(sec, 0).UTC()
		} else {
			ev.Notes = append(ev.Notes, "start "+strconv.Quote(f.start)+" is not a Unix time")
		}
	}
	if f.bytes != "" {
		if n, err := strconv.ParseInt(f.bytes, 10, 64); err == nil && n > 0 {
			ev.BytesOut = n
		}
	}
	ev.Refs = make([]event.Ref, 0, 4)
	if f.instanceID != "" {
		ev.AddRef(event.RoleHost, event.Host(f.instanceID))
	}
	if f.interfaceID != "" {
		// The interface is a resource: the EC2 API events that create it
		// (RunInstances, CreateNetworkInterface) name the same id.
		ev.AddRef(event.RoleHost, event.Resource("", f.interfaceID, ""))
	}
	ev.AddRef(event.RoleSrc, endpoint(ev, "srcaddr", f.srcAddr, f.srcPort))
	ev.AddRef(event.RoleDst, endpoint(ev, "dstaddr", f.dstAddr, f.dstPort))
}

// endpoint is the address and port; odd values are kept with a note.
func endpoint(ev *event.Event, key, addr, port string) event.Entity {
	if addr == "" {
		return event.Entity{}
	}
	if _, err := netip.ParseAddr(addr); err != nil {
		ev.Notes = append(ev.Notes, key+" "+strconv.Quote(addr)+" is not an IP address")
		return event.IP(addr)
	}
	if port == "" {
		return event.IP(addr)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		ev.Notes = append(ev.Notes, key+" port "+strconv.Quote(port)+" is not a port number")
		return event.IP(addr)
	}
	return event.Endpoint(addr, p)
}
