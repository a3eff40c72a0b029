package cloudtrail

import (
	"strconv"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// normalizer turns CloudTrail records into events. It holds no mutable
// state and is safe for concurrent use.
type normalizer struct {
	p *event.Principals
}

// normalize fills ev from r. It never fails: odd content (fake regions,
// invalid addresses, missing clocks) is kept and flagged in ev.Notes.
func (n normalizer) normalize(r *jsonrec.Record, ev *event.Event) error {
	var itemBuf [16]item
	v := view{items: itemBuf[:0]}
	v.read(r)

	ev.Source.Record = v.eventID
	if isUUID(v.eventID) {
		ev.ID = event.NewID(Name, v.eventID)
	} else if v.eventID != "" {
		ev.Notes = append(ev.Notes, "eventID "+strconv.Quote(v.eventID)+" is not a UUID: the event id hashes the record instead")
	}
	n.setTime(&v, ev)
	ev.Class, ev.Action = classify(&v)
	ev.Outcome = outcome(&v)
	if v.region != "" && !knownRegion(v.region) {
		ev.Notes = append(ev.Notes, "awsRegion "+strconv.Quote(v.region)+" is not a known AWS region")
	}
	// S3 counts from its own side: bytesTransferredOut went to the caller.
	if v.bytesOut != "" {
		ev.BytesIn = parseBytes(v.bytesOut)
	}
	if v.bytesIn != "" {
		ev.BytesOut = parseBytes(v.bytesIn)
	}
	ev.Refs = make([]event.Ref, 0, 8)
	caller := n.actor(&v, ev)
	n.origin(&v, ev)
	n.created(&v, ev, caller)
	n.targets(&v, ev)
	return nil
}

// setTime takes eventTime, falling back to the clocks exporters add.
func (n normalizer) setTime(v *view, ev *event.Event) {
	if v.eventTime != "" {
		if t, ok := parseTime(v.eventTime); ok {
			ev.Time = t
			return
		}
		ev.Notes = append(ev.Notes, "eventTime "+strconv.Quote(v.eventTime)+" is not a time")
	}
	for _, alt := range [...]struct{ key, val string }{{"@timestamp", v.timestamp}, {"p_event_time", v.pantherTime}} {
		if alt.val == "" {
			continue
		}
		if t, ok := parseTime(alt.val); ok {
			ev.Time = t
			ev.Notes = append(ev.Notes, "no valid eventTime: time taken from "+alt.key)
			return
		}
	}
	ev.Notes = append(ev.Notes, "no event time")
}

// parseTime reads CloudTrail's RFC 3339 times and the space-separated forms
// exports write ("2024-06-02 19:41:40.000000000", "2020-11-05 21:21:46Z").
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if len(s) >= 19 && s[10] == ' ' {
		b := []byte(s)
		b[10] = 'T'
		s = string(b)
		if !strings.HasSuffix(s, "Z") && !strings.ContainsAny(s[19:], "+-") {
			s += "Z"
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// classify picks the class: console sign-ins are logons, changes to trails
// and other logs are audit events, the rest are cloud API calls. The action
// is always the eventName, which is what cloud detections key on.
func classify(v *view) (event.Class, string) {
	switch {
	case v.eventName == "ConsoleLogin":
		return event.ClassLogon, v.eventName
	case isLogTamper(v.eventSource, v.eventName):
		return event.ClassAudit, v.eventName
	}
	return event.ClassCloudAPI, v.eventName
}

// isLogTamper reports calls that stop, delete or narrow logging.
func isLogTamper(src, name string) bool {
	switch src {
	case "cloudtrail.amazonaws.com":
		return name == "StopLogging" || name == "DeleteTrail" || name == "UpdateTrail" ||
			name == "PutEventSelectors" || name == "PutInsightSelectors" || name == "DeleteEventDataStore"
	case "ec2.amazonaws.com":
		return name == "DeleteFlowLogs"
	case "logs.amazonaws.com":
		return name == "DeleteLogGroup" || name == "DeleteLogStream" || name == "PutRetentionPolicy"
	case "route53resolver.amazonaws.com":
		return name == "DeleteResolverQueryLogConfig" || name == "DisassociateResolverQueryLogConfig"
	case "guardduty.amazonaws.com":
		return name == "DeleteDetector" || name == "UpdateDetector"
	case "config.amazonaws.com":
		return name == "StopConfigurationRecorder" || name == "DeleteConfigurationRecorder" || name == "DeleteDeliveryChannel"
	}
	return false
}

// outcome is failure when the call returned an error code or a console
// sign-in failed; CloudTrail records only completed calls otherwise.
func outcome(v *view) event.Outcome {
	if v.errorCode != "" || v.consoleLogin == "Failure" {
		return event.OutcomeFailure
	}
	return event.OutcomeSuccess
}

func parseBytes(s string) int64 {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 1e18 {
		return int64(f)
	}
	return 0
}

// isUUID reports whether s has the 8-4-4-4-12 hex shape of CloudTrail's
// eventID. Test data often carries ids like "1" or "abc-123" that repeat
// across records; those are not identities.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
