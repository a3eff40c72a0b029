package report

import (
	"encoding/json"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// OCSFVersion is the version of the OCSF schema the JSON report follows.
const OCSFVersion = "1.5.0"

// ocsfIncident is an OCSF Incident Finding (class 2005) with the whole
// incident in the "causeway" object.
type ocsfIncident struct {
	ActivityID      int                `json:"activity_id"`
	ActivityName    string             `json:"activity_name"`
	CategoryUID     int                `json:"category_uid"`
	CategoryName    string             `json:"category_name"`
	ClassUID        int                `json:"class_uid"`
	ClassName       string             `json:"class_name"`
	TypeUID         int                `json:"type_uid"`
	TypeName        string             `json:"type_name"`
	SeverityID      int                `json:"severity_id"`
	Severity        string             `json:"severity"`
	StatusID        int                `json:"status_id"`
	Status          string             `json:"status"`
	Time            int64              `json:"time"`
	StartTime       int64              `json:"start_time,omitempty"`
	EndTime         int64              `json:"end_time,omitempty"`
	Desc            string             `json:"desc,omitempty"`
	Message         string             `json:"message,omitempty"`
	FindingInfoList []ocsfFindingInfo  `json:"finding_info_list"`
	Attacks         []ocsfAttack       `json:"attacks,omitempty"`
	Observables     []ocsfObservable   `json:"observables,omitempty"`
	Metadata        ocsfMetadata       `json:"metadata"`
	Causeway        *incident.Incident `json:"causeway"`
}

type ocsfFindingInfo struct {
	UID                string             `json:"uid"`
	Title              string             `json:"title,omitempty"`
	FirstSeenTime      int64              `json:"first_seen_time,omitempty"`
	LastSeenTime       int64              `json:"last_seen_time,omitempty"`
	Analytic           *ocsfAnalytic      `json:"analytic,omitempty"`
	Attacks            []ocsfAttack       `json:"attacks,omitempty"`
	RelatedEvents      []ocsfRelatedEvent `json:"related_events,omitempty"`
	RelatedEventsCount int                `json:"related_events_count,omitempty"`
}

type ocsfAnalytic struct {
	UID    string `json:"uid,omitempty"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

type ocsfRelatedEvent struct {
	UID string `json:"uid"`
}

type ocsfAttack struct {
	Tactic       *ocsfRef `json:"tactic,omitempty"`
	Technique    *ocsfRef `json:"technique,omitempty"`
	SubTechnique *ocsfRef `json:"sub_technique,omitempty"`
}

type ocsfRef struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
}

type ocsfObservable struct {
	Name   string `json:"name"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
	Value  string `json:"value"`
}

type ocsfMetadata struct {
	UID      string      `json:"uid"`
	Version  string      `json:"version"`
	Profiles []string    `json:"profiles"`
	Product  ocsfProduct `json:"product"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

// WriteIncidentsJSON writes the incidents as a JSON array of OCSF Incident
// Findings (see OCSFVersion): the OCSF attributes where they fit, and the
// whole incident model in a top-level "causeway" object.
func WriteIncidentsJSON(w io.Writer, incs []incident.Incident) error {
	out := make([]ocsfIncident, len(incs))
	for i := range incs {
		out[i] = toOCSF(&incs[i])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toOCSF(inc *incident.Incident) ocsfIncident {
	sevID, sev := ocsfSeverity(inc.Severity)
	o := ocsfIncident{
		ActivityID: 1, ActivityName: "Create",
		CategoryUID: 2, CategoryName: "Findings",
		ClassUID: 2005, ClassName: "Incident Finding",
		TypeUID: 200501, TypeName: "Incident Finding: Create",
		SeverityID: sevID, Severity: sev,
		StatusID: 1, Status: "New",
		// The incident is known once its latest evidence is: that, not
		// the wall clock, keeps the report the same for the same input.
		Time:      millis(inc.Last),
		StartTime: millis(inc.First),
		EndTime:   millis(inc.Last),
		Message:   inc.Title,
		Attacks:   ocsfAttacks(inc.Techniques),
		Metadata: ocsfMetadata{
			UID: inc.ID.String(), Version: OCSFVersion, Profiles: []string{"incident"},
			Product: ocsfProduct{Name: "Causeway", VendorName: "Causeway"},
		},
		Causeway:        inc,
		FindingInfoList: []ocsfFindingInfo{},
	}
	var story []string
	for _, s := range inc.Story {
		story = append(story, s.Text)
	}
	o.Desc = strings.Join(story, " ")
	for _, f := range inc.Findings {
		fi := ocsfFindingInfo{
			UID: f.ID.String(), Title: f.Rule.Title,
			FirstSeenTime: millis(f.Time), LastSeenTime: millis(f.Time),
			Analytic:           &ocsfAnalytic{UID: f.Rule.ID, Name: f.Rule.Title, TypeID: 1, Type: "Rule"},
			RelatedEventsCount: len(f.Events),
		}
		for _, tech := range f.Rule.Techniques {
			fi.Attacks = append(fi.Attacks, ocsfAttackOf(tech, f.Rule.Tactics)...)
		}
		for _, id := range f.Events {
			fi.RelatedEvents = append(fi.RelatedEvents, ocsfRelatedEvent{UID: id.String()})
		}
		o.FindingInfoList = append(o.FindingInfoList, fi)
	}
	for _, m := range inc.Entities {
		if obs, ok := ocsfObservableOf(m.Entity); ok {
			o.Observables = append(o.Observables, obs)
		}
	}
	return o
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// ocsfSeverity maps a Sigma level to OCSF severity_id and its caption.
func ocsfSeverity(level string) (int, string) {
	switch strings.ToLower(level) {
	case "informational":
		return 1, "Informational"
	case "low":
		return 2, "Low"
	case "medium":
		return 3, "Medium"
	case "high":
		return 4, "High"
	case "critical":
		return 5, "Critical"
	}
	return 0, "Unknown"
}

func ocsfAttacks(ts []incident.Technique) []ocsfAttack {
	var out []ocsfAttack
	for _, t := range ts {
		out = append(out, ocsfAttackOf(t.ID, t.Tactics)...)
	}
	return out
}

// ocsfAttackOf is one attack object per tactic of a technique ("T1003.001"
// is technique T1003, sub-technique T1003.001).
func ocsfAttackOf(id string, tactics []string) []ocsfAttack {
	a := ocsfAttack{Technique: &ocsfRef{UID: id}}
	if base, _, ok := strings.Cut(id, "."); ok {
		a.Technique = &ocsfRef{UID: base}
		a.SubTechnique = &ocsfRef{UID: id}
	}
	var out []ocsfAttack
	for _, tac := range tactics {
		uid, name, ok := attackTactic(tac)
		if !ok {
			continue // a group or software tag, not a tactic
		}
		with := a
		with.Tactic = &ocsfRef{UID: uid, Name: name}
		out = append(out, with)
	}
	if len(out) == 0 {
		out = append(out, a)
	}
	return out
}

// attackTactic returns the ATT&CK Enterprise id and name of a tactic tag;
// names the table does not know (such as newer ones) keep no id.
func attackTactic(tag string) (uid, name string, ok bool) {
	tag = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(tag)), "_", "-")
	if tag == "" || (len(tag) > 1 && (tag[0] == 'g' || tag[0] == 's') && tag[1] >= '0' && tag[1] <= '9') {
		return "", "", false
	}
	words := strings.Split(tag, "-")
	for i, w := range words {
		if w != "and" && w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return tacticIDs[tag], strings.Join(words, " "), true
}

var tacticIDs = map[string]string{
	"reconnaissance": "TA0043", "resource-development": "TA0042", "initial-access": "TA0001",
	"execution": "TA0002", "persistence": "TA0003", "privilege-escalation": "TA0004",
	"defense-evasion": "TA0005", "credential-access": "TA0006", "discovery": "TA0007",
	"lateral-movement": "TA0008", "collection": "TA0009", "command-and-control": "TA0011",
	"exfiltration": "TA0010", "impact": "TA0040",
}

// ocsfObservableOf is an entity as an OCSF observable, pointing at its
// place in the causeway object.
func ocsfObservableOf(e event.Entity) (ocsfObservable, bool) {
	o := ocsfObservable{Name: "causeway.entities.entity.name", Value: e.Name}
	switch e.Kind {
	case event.KindHost:
		o.TypeID, o.Type = 1, "Hostname"
	case event.KindEndpoint:
		switch ap, err := netip.ParseAddrPort(e.Name); {
		case strings.HasPrefix(e.ID, "domain:"):
			o.TypeID, o.Type = 1, "Hostname"
		case err == nil:
			o.TypeID, o.Type, o.Value = 2, "IP Address", ap.Addr().String()
		default:
			if _, err := netip.ParseAddr(e.Name); err != nil {
				return o, false // a pseudonymised address is no observable
			}
			o.TypeID, o.Type = 2, "IP Address"
		}
	case event.KindPrincipal:
		o.TypeID, o.Type = 4, "User Name"
	case event.KindFile:
		o.TypeID, o.Type = 7, "File Name"
	case event.KindProcess:
		o.TypeID, o.Type = 9, "Process Name"
	case event.KindResource:
		o.TypeID, o.Type = 10, "Resource UID"
	default:
		return o, false
	}
	if o.Value == "" {
		o.Value = e.ID
	}
	return o, true
}
