// Package k8saudit reads Kubernetes API server audit events
// (audit.k8s.io/v1 and v1beta1 Event, as log backends, webhooks, EKS
// CloudWatch exports and Falco traces write them) and AKS diagnostic
// settings records that carry one in properties.log, into normalized
// events: who called (user.username, an IAM ARN on EKS), from where
// (sourceIPs), with which AWS credential (user.extra.accessKeyId), on which
// object (objectRef), with which verb and result.
//
// Exec into pods, privileged pods and role bindings keep the fields that
// show them (objectRef.subresource, requestObject.spec.containers.
// securityContext.privileged, requestObject.roleRef); the role bound and
// its subjects also become entity references.
package k8saudit

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
	"github.com/causeway-soc/causeway/internal/source/jsonrec"
)

// Name is the format name events carry in Source.Format.
const Name = "k8saudit"

// RecordFormat returns the Kubernetes audit record format. p resolves user
// names to principals; it must not be nil.
func RecordFormat(p *event.Principals) source.RecordFormat {
	return source.RecordFormat{
		Name:  Name,
		Match: Match,
		Normalize: func(r *jsonrec.Record, ev *event.Event) error {
			return normalize(p, r, ev)
		},
	}
}

// Match reports whether r is an audit Event: kind Event with an audit
// apiVersion, or with none and a request's keys (verb, auditID, user,
// objectRef, ...), not a core Event (involvedObject, reason); or an AKS
// kube-audit diagnostic record.
func Match(r *jsonrec.Record) bool {
	kind, request, aks, log := false, false, false, false
	for i := range r.Fields {
		k, v := r.Fields[i].Key, r.Fields[i].Value
		switch k {
		case "kind":
			if v != "Event" {
				return false
			}
			kind = true
		case "apiVersion":
			if !strings.HasPrefix(v, "audit.k8s.io/") {
				return false
			}
			request = true
		case "verb", "auditID", "stage", "requestURI", "sourceIPs", "user.username",
			"objectRef.resource", "responseStatus.code":
			request = true
		case "category":
			aks = v == "kube-audit" || v == "kube-audit-admin"
		case "properties.log":
			log = true
		case "involvedObject.kind", "reason",
			"eventVersion", "eventSource", "eventName", "EventID", "EventRecordID", "Channel",
			"Computer", "ts", "uid", "id.orig_h", "id_orig_h", "class_uid", "logName",
			"protoPayload.methodName", "Event.System.EventID", "winlog.event_id":
			return false // core Events; other log types
		}
		if kind && request || aks && log {
			return true
		}
	}
	return false
}
