package vpcflow

import (
	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// RecordFormat returns the JSON rendering of flow records, with camel-case
// keys (srcAddr, dstPort, interfaceId, logStatus, ...) as Panther, Firehose
// transforms and several SIEMs store them.
func RecordFormat() source.RecordFormat {
	return source.RecordFormat{Name: Name, Match: Match, Normalize: normalizeJSON}
}

// Match reports whether r is a JSON flow record: it has srcAddr or dstAddr,
// an interfaceId with a logStatus, or Panther's AWS.VPCFlow tag.
func Match(r *jsonrec.Record) bool {
	iface, status := false, false
	for i := range r.Fields {
		switch r.Fields[i].Key {
		case "srcAddr", "dstAddr":
			return true
		case "interfaceId":
			iface = true
		case "logStatus":
			status = true
		case "p_log_type":
			if r.Fields[i].Value == "AWS.VPCFlow" {
				return true
			}
		}
	}
	return iface && status
}

// normalizeJSON fills ev from a JSON flow record. The event id is left zero
// (flow records have no identity of their own): the record's bytes are hashed.
func normalizeJSON(r *jsonrec.Record, ev *event.Event) error {
	var f flow
	for i := range r.Fields {
		f.set(canonicalKey(r.Fields[i].Key), r.Fields[i].Value)
	}
	f.fill(ev)
	return nil
}
