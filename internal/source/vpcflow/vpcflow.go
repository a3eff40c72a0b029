// Package vpcflow reads AWS VPC Flow Logs: the space-separated text that
// flow logs deliver to S3 and CloudWatch Logs (versions 2 to 5, in the
// default order or a custom order named by a header line), and the JSON
// rendering some pipelines store (srcAddr, dstPort, ...).
//
// Each flow record becomes a network event: action "flow" with source and
// destination endpoints, the bytes sent from the source address, the
// outcome of the security group / ACL decision (ACCEPT or REJECT), the time
// the capture window started, and the instance and network interface as
// host references. NODATA windows become "nodata" network events and
// SKIPDATA windows (records lost) audit events, so gaps stay visible.
package vpcflow

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// Name is the format name events carry in Source.Format.
const Name = "vpcflow"

// defaultColumns is the version 2 default format, used until a header line
// names another order.
var defaultColumns = [...]string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "action", "log-status",
}

// Format returns the text flow log format.
func Format() source.Format {
	return source.Format{Name: Name, Sniff: Sniff, Decode: Decode}
}

// Sniff reports whether head starts with a flow log header line, or with a
// record in the default version 2 order.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil // a partial last line is still worth a look
		}
		toks := strings.Fields(string(line))
		if len(toks) == 0 {
			continue
		}
		if isHeader(toks) {
			return true
		}
		cols := columnsOf(defaultColumns[:])
		return len(toks) == len(cols.names) && toks[0] == "2" && cols.check(toks) == nil
	}
	return false
}

// columns is a record layout: the names as written and their canonical keys.
type columns struct {
	names []string
	keys  []string
}

func columnsOf(names []string) columns {
	c := columns{names: names, keys: make([]string, len(names))}
	for i, n := range names {
		c.keys[i] = canonicalKey(n)
	}
	return c
}

// Decode reads a text flow log. Every record line becomes an event; lines
// that do not fit the current layout are reported and skipped. A header
// line anywhere (concatenated files) switches the layout.
func Decode(ctx context.Context, in *source.Input, sink source.Sink) error {
	cols := columnsOf(defaultColumns[:])
	lines := source.NewLines(in, Name, 0)
	var toks []string
	for n := 0; lines.Next(sink); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw := string(bytes.TrimSpace(lines.Bytes()))
		if raw == "" {
			continue
		}
		toks = split(toks[:0], raw)
		if isHeader(toks) {
			cols = columnsOf(append([]string(nil), toks...))
			continue
		}
		if len(toks) != len(cols.names) {
			sink.Error(in.Errorf(Name, lines.Offset(), fmt.Errorf("decoding line %d: %d fields, the layout has %d", lines.Number(), len(toks), len(cols.names))))
			continue
		}
		if err := cols.check(toks); err != nil {
			sink.Error(in.Errorf(Name, lines.Offset(), fmt.Errorf("decoding line %d: %w", lines.Number(), err)))
			continue
		}
		sink.Event(cols.event(raw, toks, event.Source{Format: Name, Path: in.Path, Offset: lines.Offset()}))
	}
	return nil
}

// split appends the space- or tab-separated words of s to dst.
func split(dst []string, s string) []string {
	start := -1
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' {
			if start >= 0 {
				dst = append(dst, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// check rejects lines that are not flow records: the columns every record
// fills with a fixed vocabulary or a number must hold one (or "-").
func (c columns) check(toks []string) error {
	for i, k := range c.keys {
		v := toks[i]
		if v == "-" {
			continue
		}
		switch k {
		case "version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "tcpflags":
			if _, err := strconv.ParseUint(v, 10, 64); err != nil {
				return fmt.Errorf("%s %q is not a number", c.names[i], v)
			}
		case "action":
			if v != "ACCEPT" && v != "REJECT" {
				return fmt.Errorf("action %q is not ACCEPT or REJECT", v)
			}
		case "logstatus":
			if v != "OK" && v != "NODATA" && v != "SKIPDATA" {
				return fmt.Errorf("log-status %q is not OK, NODATA or SKIPDATA", v)
			}
		}
	}
	return nil
}

// event builds the event of one record line.
func (c columns) event(raw string, toks []string, src event.Source) *event.Event {
	ev := &event.Event{Source: src, ID: event.NewID(Name, raw)}
	ev.Fields = make([]event.Field, 0, len(toks))
	var f flow
	for i, v := range toks {
		if v == "-" {
			continue
		}
		ev.Fields = append(ev.Fields, event.Field{Key: c.names[i], Value: v})
		f.set(c.keys[i], v)
	}
	f.fill(ev)
	return ev
}

// isHeader reports whether toks name flow log fields only, as the header
// line of a delivered file does.
func isHeader(toks []string) bool {
	if len(toks) < 3 {
		return false
	}
	addr := false
	for _, t := range toks {
		if !knownField(t) {
			return false
		}
		addr = addr || t == "srcaddr" || t == "dstaddr" || t == "interface-id" || t == "log-status"
	}
	return addr
}

// knownField reports whether name is a VPC flow log field (versions 2-8).
func knownField(name string) bool {
	switch name {
	case "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
		"protocol", "packets", "bytes", "start", "end", "action", "log-status",
		"vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
		"region", "az-id", "sublocation-type", "sublocation-id",
		"pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
		"ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
		"ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
		"ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
		"reject-reason", "resource-id", "encryption-status":
		return true
	}
	return false
}
