package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func TestWriteIncidentsJSON(t *testing.T) {
	p := newPhishing()
	var buf bytes.Buffer
	if err := WriteIncidentsJSON(&buf, []incident.Incident{p.inc}); err != nil {
		t.Fatal(err)
	}
	sourcetest.Golden(t, "testdata/incidents.json", buf.Bytes())

	var got []struct {
		ActivityID  int    `json:"activity_id"`
		CategoryUID int    `json:"category_uid"`
		ClassUID    int    `json:"class_uid"`
		TypeUID     int    `json:"type_uid"`
		SeverityID  int    `json:"severity_id"`
		StatusID    int    `json:"status_id"`
		Time        int64  `json:"time"`
		StartTime   int64  `json:"start_time"`
		EndTime     int64  `json:"end_time"`
		Desc        string `json:"desc"`
		Metadata    struct {
			UID      string   `json:"uid"`
			Version  string   `json:"version"`
			Profiles []string `json:"profiles"`
			Product  struct {
				Name       string `json:"name"`
				VendorName string `json:"vendor_name"`
			} `json:"product"`
		} `json:"metadata"`
		FindingInfoList []struct {
			UID           string `json:"uid"`
			Title         string `json:"title"`
			FirstSeenTime int64  `json:"first_seen_time"`
			Analytic      struct {
				UID    string `json:"uid"`
				TypeID int    `json:"type_id"`
			} `json:"analytic"`
			RelatedEvents []struct {
				UID string `json:"uid"`
			} `json:"related_events"`
		} `json:"finding_info_list"`
		Attacks     []ocsfAttack       `json:"attacks"`
		Observables []ocsfObservable   `json:"observables"`
		Causeway    *incident.Incident `json:"causeway"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d incidents", len(got))
	}
	o := got[0]
	if o.ClassUID != 2005 || o.CategoryUID != 2 || o.ActivityID != 1 || o.TypeUID != 200501 || o.SeverityID != 5 || o.StatusID != 1 {
		t.Errorf("class, category, activity, type, severity, status: %d %d %d %d %d %d", o.ClassUID, o.CategoryUID, o.ActivityID, o.TypeUID, o.SeverityID, o.StatusID)
	}
	if o.Time != p.inc.Last.UnixMilli() || o.StartTime != p.inc.First.UnixMilli() || o.EndTime != p.inc.Last.UnixMilli() {
		t.Errorf("times %d %d %d", o.Time, o.StartTime, o.EndTime)
	}
	if m := o.Metadata; m.Product.Name != "Causeway" || m.Product.VendorName != "Causeway" || m.Version != OCSFVersion || m.UID != p.inc.ID.String() || len(m.Profiles) != 1 {
		t.Errorf("metadata %+v", m)
	}
	if len(o.FindingInfoList) != len(p.inc.Findings) {
		t.Fatalf("%d finding infos", len(o.FindingInfoList))
	}
	for i, fi := range o.FindingInfoList {
		f := p.inc.Findings[i]
		if fi.UID != f.ID.String() || fi.Title != f.Rule.Title || fi.Analytic.UID != f.Rule.ID || fi.Analytic.TypeID != 1 ||
			fi.FirstSeenTime != f.Time.UnixMilli() || len(fi.RelatedEvents) != len(f.Events) || fi.RelatedEvents[0].UID != f.Events[0].String() {
			t.Errorf("finding info %d: %+v", i, fi)
		}
	}
	var lsass *ocsfAttack
	for i, a := range o.Attacks {
		if a.SubTechnique != nil && a.SubTechnique.UID == "T1003.001" {
			lsass = &o.Attacks[i]
		}
	}
	if lsass == nil || lsass.Technique.UID != "T1003" || lsass.Tactic.UID != "TA0006" || lsass.Tactic.Name != "Credential Access" {
		t.Errorf("attack for T1003.001: %+v", lsass)
	}
	obs := map[string]ocsfObservable{}
	for _, ob := range o.Observables {
		obs[ob.Value] = ob
	}
	if ob := obs["203.0.113.80"]; ob.TypeID != 2 {
		t.Errorf("the C2 address as an observable: %+v (all: %+v)", ob, o.Observables)
	}
	if ob := obs["WS1.corp.com"]; ob.TypeID != 1 {
		t.Errorf("the host as an observable: %+v", ob)
	}
	// The causeway object is the incident, whole.
	if !reflect.DeepEqual(o.Causeway, &p.inc) {
		a, _ := json.Marshal(o.Causeway)
		b, _ := json.Marshal(p.inc)
		t.Errorf("causeway object does not round-trip:\n%s\n%s", a, b)
	}
}

func TestOCSFMappings(t *testing.T) {
	for level, want := range map[string]int{"informational": 1, "low": 2, "medium": 3, "high": 4, "Critical": 5, "": 0, "bogus": 0} {
		if got, _ := ocsfSeverity(level); got != want {
			t.Errorf("severity %q: %d, want %d", level, got, want)
		}
	}
	tactics := []struct {
		tag, uid, name string
		ok             bool
	}{
		{"command-and-control", "TA0011", "Command and Control", true},
		{"initial_access", "TA0001", "Initial Access", true},
		{"stealth", "", "Stealth", true},
		{"g0016", "", "", false},
		{"s0002", "", "", false},
	}
	for _, tt := range tactics {
		uid, name, ok := attackTactic(tt.tag)
		if uid != tt.uid || name != tt.name || ok != tt.ok {
			t.Errorf("tactic %q: %q %q %v", tt.tag, uid, name, ok)
		}
	}
	for _, tt := range []struct {
		e    event.Entity
		typ  int
		val  string
		keep bool
	}{
		{event.Endpoint("2001:db8::1", 443), 2, "2001:db8::1", true},
		{event.IP("198.51.100.7"), 2, "198.51.100.7", true},
		{event.Domain("Evil.Example."), 1, "evil.example", true},
		{event.IP("ip-pseudonym-17"), 0, "", false},
		{event.Credential("AKIAEXAMPLE"), 0, "", false},
		{event.Resource("", "arn:aws:s3:::bucket", ""), 10, "arn:aws:s3:::bucket", true},
	} {
		ob, ok := ocsfObservableOf(tt.e)
		if ok != tt.keep || (ok && (ob.TypeID != tt.typ || ob.Value != tt.val)) {
			t.Errorf("observable of %+v: %+v %v", tt.e, ob, ok)
		}
	}
}
