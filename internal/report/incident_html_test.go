package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// element is a parsed element: its name and attributes.
type element struct {
	Name string
	Attr map[string]string
}

// parsePage parses a page as strict XML: the pages are written to be
// well-formed, so this checks that every tag is closed and every
// attribute quoted. It returns the elements and the text content.
func parsePage(t *testing.T, page []byte) ([]element, string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	var els []element
	var text strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("page is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			el := element{Name: tok.Name.Local, Attr: map[string]string{}}
			for _, a := range tok.Attr {
				name := a.Name.Local
				if a.Name.Space != "" {
					name = a.Name.Space + ":" + name
				}
				el.Attr[name] = a.Value
			}
			els = append(els, el)
		case xml.CharData:
			text.Write(tok)
		}
	}
	return els, text.String()
}

// checkSelfContained fails if the page could load or run anything: no
// scripts, no external resources, no event handlers, and links only to
// anchors in the page or to the other report files.
func checkSelfContained(t *testing.T, els []element) {
	t.Helper()
	local := regexp.MustCompile(`^(#[a-z0-9-]+|index\.html|incident-[0-9a-f]{12}\.html)$`)
	for _, el := range els {
		switch el.Name {
		case "script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject", "base", "form":
			t.Errorf("page has a <%s> element", el.Name)
		}
		for name, v := range el.Attr {
			low := strings.ToLower(v)
			switch {
			case strings.HasPrefix(strings.ToLower(name), "on"):
				t.Errorf("<%s> has an event handler %s=%q", el.Name, name, v)
			case name == "href" || name == "src" || strings.HasSuffix(name, ":href"):
				if !local.MatchString(v) {
					t.Errorf("<%s %s=%q> points outside the report", el.Name, name, v)
				}
			case strings.Contains(low, "http:") || strings.Contains(low, "https:") || strings.Contains(low, "javascript:"):
				t.Errorf("<%s %s=%q> names a URL", el.Name, name, v)
			}
		}
	}
}

func count(els []element, name, classPrefix string) int {
	n := 0
	for _, el := range els {
		if el.Name == name && strings.HasPrefix(el.Attr["class"], classPrefix) {
			n++
		}
	}
	return n
}

func TestWriteIncidentHTML(t *testing.T) {
	p := newPhishing()
	var buf bytes.Buffer
	if err := WriteIncidentHTML(&buf, p.inc, p.lookup); err != nil {
		t.Fatal(err)
	}
	sourcetest.Golden(t, "testdata/incident.html", buf.Bytes())
	els, text := parsePage(t, buf.Bytes())
	checkSelfContained(t, els)

	if n := count(els, "svg", "attack-graph"); n != 1 {
		t.Fatalf("%d attack graphs, want 1", n)
	}
	if got, want := count(els, "g", "node "), len(p.inc.Graph.Nodes); got != want {
		t.Errorf("%d nodes drawn, want %d", got, want)
	}
	if got, want := count(els, "g", "edge "), len(p.inc.Graph.Edges); got != want {
		t.Errorf("%d edges drawn, want %d", got, want)
	}
	if got := count(els, "g", "fcount"); got != 2 {
		t.Errorf("findings marked on %d nodes, want 2 (powershell.exe, update.exe)", got)
	}
	for _, want := range []string{"ROOT CAUSE 78%", "ROOT CAUSE #2 12%", "FIRST COMPROMISED", "connect ×42", "48.0 MiB",
		"earliest ancestor of 3 findings via a file written by OUTLOOK.EXE", "T1003.001", "credential-access",
		"update.exe → 203.0.113.80:443", "not available to this report", "GrantedAccess", "0x1fffff"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// Every citation links to the evidence row of its event, and every
	// event the incident cites has a row.
	ids := map[string]bool{}
	for _, el := range els {
		if id := el.Attr["id"]; id != "" {
			if ids[id] {
				t.Errorf("id %q used twice", id)
			}
			ids[id] = true
		}
	}
	cites := 0
	for _, el := range els {
		if href := el.Attr["href"]; strings.HasPrefix(href, "#") {
			if !ids[href[1:]] {
				t.Errorf("link %s has no target", href)
			}
			if el.Attr["class"] == "cite" {
				cites++
			}
		}
	}
	if cites < 2*len(p.inc.Story) {
		t.Errorf("only %d citation links", cites)
	}
	for _, c := range citedEvents(&p.inc) {
		if !ids["ev-"+c.ID.String()] {
			t.Errorf("cited event %s has no evidence row", c.ID)
		}
	}
	for i := range p.inc.Timeline {
		if !ids["step-"+string(rune('1'+i))] {
			t.Errorf("timeline step %d has no row", i+1)
		}
	}
}

func TestWriteIncidentHTMLUntrusted(t *testing.T) {
	p := newPhishing()
	const script, shell = "<script>alert(1)</script>", `"; rm -rf /`
	for i, n := range p.inc.Graph.Nodes {
		switch displayName(n.Entity) {
		case "lsass.dmp":
			p.inc.Graph.Nodes[i].Entity.Name = script
		case "update.exe":
			p.inc.Graph.Nodes[i].Entity.Name = `C:\ProgramData\update.exe` + shell
			old := n.Entity.ID
			p.inc.Graph.Nodes[i].Entity.ID += `" onmouseover="alert(2)`
			for j, e := range p.inc.Graph.Edges {
				if e.From == old {
					p.inc.Graph.Edges[j].From = p.inc.Graph.Nodes[i].Entity.ID
				}
				if e.To == old {
					p.inc.Graph.Edges[j].To = p.inc.Graph.Nodes[i].Entity.ID
				}
			}
		}
	}
	p.inc.Title = script + shell
	p.inc.Severity = `high" onclick="alert(3)`
	p.inc.Story[0].Text = `<img src=x onerror=alert(4)> see <a href="https://evil.example/x">this</a>`
	p.inc.RootCauses[0].Reason = "javascript:alert(5)"
	ev := *p.evs[p.inc.Story[0].Events[0]]
	ev.Fields = append(ev.Fields, event.Field{Key: "Url", Value: "https://evil.example/payload"})
	p.evs[ev.ID] = &ev

	var buf bytes.Buffer
	if err := WriteIncidentHTML(&buf, p.inc, p.lookup); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, raw := range []string{script, shell, "<img", `<a href="https://evil`} {
		if strings.Contains(page, raw) {
			t.Errorf("page holds %q unescaped", raw)
		}
	}
	els, text := parsePage(t, buf.Bytes())
	checkSelfContained(t, els)
	if got, want := count(els, "g", "node "), len(p.inc.Graph.Nodes); got != want {
		t.Errorf("%d nodes drawn, want %d", got, want)
	}
	// The names are shown as text, in full where there is room.
	for _, want := range []string{script + shell, shell, "https://evil.example/payload", `<img src=x onerror=alert(4)>`} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
}

func TestWriteIncidentHTMLWithoutEvents(t *testing.T) {
	p := newPhishing()
	var buf bytes.Buffer
	if err := WriteIncidentHTML(&buf, p.inc, nil); err != nil {
		t.Fatal(err)
	}
	els, text := parsePage(t, buf.Bytes())
	checkSelfContained(t, els)
	if got, want := strings.Count(text, "not available to this report"), len(citedEvents(&p.inc)); got != want {
		t.Errorf("%d events listed as unavailable, want %d", got, want)
	}

	buf.Reset()
	if err := WriteIncidentHTML(&buf, incident.Incident{Title: "empty"}, nil); err != nil {
		t.Fatal(err)
	}
	if els, text := parsePage(t, buf.Bytes()); count(els, "svg", "attack-graph") != 0 || !strings.Contains(text, "no graph") {
		t.Error("an incident without a graph must say so")
	}
}

func TestWriteIndexHTML(t *testing.T) {
	p := newPhishing()
	other := p.inc
	other.ID = event.NewID("another incident")
	other.Title = "<b>second</b>"
	other.RootCauses = nil
	var buf bytes.Buffer
	if err := WriteIndexHTML(&buf, []incident.Incident{p.inc, other}); err != nil {
		t.Fatal(err)
	}
	els, text := parsePage(t, buf.Bytes())
	checkSelfContained(t, els)
	var links []string
	for _, el := range els {
		if el.Name == "a" {
			links = append(links, el.Attr["href"])
		}
	}
	want := []string{"incident-" + p.inc.ID.String()[:12] + ".html", "incident-" + other.ID.String()[:12] + ".html"}
	if strings.Join(links, " ") != strings.Join(want, " ") || want[0] != IncidentFileName(p.inc) {
		t.Errorf("links %v, want %v", links, want)
	}
	if !strings.Contains(text, "<b>second</b>") || strings.Contains(buf.String(), "<b>second") {
		t.Error("the title must be shown as text")
	}

	buf.Reset()
	if err := WriteIndexHTML(&buf, nil); err != nil || !strings.Contains(buf.String(), "No incidents.") {
		t.Errorf("empty index: %v", err)
	}
}
