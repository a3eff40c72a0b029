package simulate_test

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

// Windows events are compared on three kinds of real data:
//   - SigmaHQ's regression data, EVTX records rendered by evtx_dump (the
//     shape the simulator writes): System fields and the JSON types of
//     EventData values;
//   - the EVTX samples, read with the EVTX reader, and OTRF's LSASS
//     campaign (nxlog JSON): which EventData names each event id has, and
//     their values, which bound the JSON type (a value that is not a
//     decimal number in a real event cannot be a JSON number).
func TestShapeWindows(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)

	system := shape{}                         // System and attribute paths of real evtx_dump output
	dataTypes := map[string]map[string]bool{} // provider/name -> JSON types in evtx_dump output
	names := map[string]map[string]bool{}     // channel/event id -> EventData names
	values := map[string][]string{}           // channel/event id/name -> real values (a sample)
	addName := func(key, name, value string) {
		if names[key] == nil {
			names[key] = map[string]bool{}
		}
		names[key][name] = true
		if v := values[key+"/"+name]; len(v) < 200 {
			values[key+"/"+name] = append(v, value)
		}
	}
	for _, f := range files(t, filepath.Join(corpora, "sigma", "regression_data"), ".json") {
		r := openMaybeGzip(t, f)
		decodeAll(t, r, func(v any) {
			ev, _ := v.(map[string]any)["Event"].(map[string]any)
			sys, _ := ev["System"].(map[string]any)
			if sys == nil {
				return
			}
			flatten(map[string]any{"#attributes": ev["#attributes"], "System": sys}, "Event", system)
			provider := sys["Provider"].(map[string]any)["#attributes"].(map[string]any)["Name"].(string)
			key := winKey(sys["Channel"], sys["EventID"])
			data, _ := ev["EventData"].(map[string]any)
			for name, val := range data {
				tv := shape{}
				flatten(val, "", tv)
				for typ := range tv[""] {
					if dataTypes[provider+"/"+name] == nil {
						dataTypes[provider+"/"+name] = map[string]bool{}
					}
					dataTypes[provider+"/"+name][typ] = true
				}
				addName(key, name, jsonText(val))
			}
		})
		r.Close()
	}
	real, errs := readPaths([]string{
		filepath.Join(corpora, "evtx-attack-samples"),
		filepath.Join(corpora, "otrf-compound", "LSASS_campaign_01", "metasploit_logonpasswords_lsass_memory_dump.zip"),
	}, 2026)
	_ = errs // damaged EVTX samples are reported and skipped; the events read are what counts
	for _, ev := range real {
		if ev.Source.Format != "evtx" && ev.Source.Format != "winjson-nxlog" {
			continue
		}
		key := winKey(ev.Value("Channel"), ev.Value("EventID"))
		for _, f := range ev.Fields {
			addName(key, f.Key, f.Value)
		}
	}

	typed, untyped := 0, map[string]bool{}
	for _, f := range files(t, filepath.Join(dir, simulate.DirWindows), ".json") {
		r := openMaybeGzip(t, f)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var v map[string]any
			dec := json.NewDecoder(strings.NewReader(sc.Text()))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			ev := v["Event"].(map[string]any)
			sys := ev["System"].(map[string]any)
			sim := shape{}
			flatten(map[string]any{"#attributes": ev["#attributes"], "System": sys}, "Event", sim)
			if bad := subset(sim, system); len(bad) > 0 {
				t.Fatalf("System fields unlike evtx_dump's: %v", bad)
			}
			provider := sys["Provider"].(map[string]any)["#attributes"].(map[string]any)["Name"].(string)
			key := winKey(sys["Channel"], sys["EventID"])
			if names[key] == nil {
				t.Fatalf("no real %s event to compare with", key)
			}
			for name, val := range ev["EventData"].(map[string]any) {
				if !names[key][name] {
					t.Fatalf("%s has EventData %s, real ones do not", key, name)
				}
				tv := shape{}
				flatten(val, "", tv)
				for typ := range tv[""] {
					if want, ok := dataTypes[provider+"/"+name]; ok {
						typed++
						if !want[typ] {
							t.Fatalf("%s %s is a JSON %s, evtx_dump writes %v", key, name, typ, keys(want))
						}
						continue
					}
					untyped[provider+"/"+name] = true
					if bad := typeBound(typ, values[key+"/"+name]); bad != "" {
						t.Fatalf("%s %s is a JSON %s, but a real one is %q", key, name, typ, bad)
					}
				}
			}
		}
		r.Close()
	}
	t.Logf("%d EventData values type-checked against evtx_dump output; bounded by real values only: %v", typed, keys(untyped))
}

func winKey(channel, id any) string {
	return strings.ToLower(jsonText(channel)) + "/" + jsonText(id)
}

func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case map[string]any: // EventID with Qualifiers
		return jsonText(x["#text"])
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var decimal = regexp.MustCompile(`^-?[0-9]+$`)

// typeBound returns a real value that the simulated JSON type cannot
// render, or "".
func typeBound(typ string, real []string) string {
	for _, v := range real {
		switch typ {
		case "number":
			if !decimal.MatchString(v) {
				return v
			}
		case "bool":
			if v != "true" && v != "false" {
				return v
			}
		}
	}
	return ""
}
