package simulate_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/causeway-soc/causeway/internal/simulate"
	"github.com/causeway-soc/causeway/internal/source/sourcetest"
)

func TestShapeCloudTrail(t *testing.T) {
	corpora := sourcetest.Corpora(t)
	dir, _, _ := run(t)
	// Parameters are compared with real records of the same API call. S3's
	// object-level calls share one schema (bucketName, key, the bytes
	// transferred), and the corpora hold few of them, so an S3 call is
	// compared with every real S3 call.
	all, byName := shape{}, map[string]shape{}
	addReal := func(v any) {
		rec, ok := v.(map[string]any)
		name, _ := rec["eventName"].(string)
		if !ok || name == "" {
			return
		}
		s := shape{}
		flatten(rec, "", s)
		all.merge(s)
		for _, k := range []string{name, groupOf(rec)} {
			if k == "" {
				continue
			}
			if byName[k] == nil {
				byName[k] = shape{}
			}
			byName[k].merge(s)
		}
	}
	for _, f := range files(t, filepath.Join(corpora, "stratus-red-team", "detonation-logs"), ".json") {
		r := openMaybeGzip(t, f)
		decodeAll(t, r, func(v any) {
			switch x := v.(type) {
			case map[string]any:
				recs, _ := x["Records"].([]any)
				for _, e := range recs {
					addReal(e)
				}
			case []any:
				for _, e := range x {
					addReal(e)
				}
			}
		})
		r.Close()
	}
	readPantherLogs(t, filepath.Join(corpora, "panther", "rule_tests", "AWS.CloudTrail.jsonl"), addReal)

	covered, uncovered := map[string]int{}, map[string]int{}
	for _, f := range files(t, filepath.Join(dir, simulate.DirCloudTrail), ".json.gz") {
		r := openMaybeGzip(t, f)
		decodeAll(t, r, func(v any) {
			recs, _ := v.(map[string]any)["Records"].([]any)
			for _, e := range recs {
				rec := e.(map[string]any)
				name := rec["eventName"].(string)
				sim := shape{}
				flatten(rec, "", sim)
				envelope, params := shape{}, shape{}
				for p, ts := range sim {
					if isParam(p) {
						params[p] = ts
					} else {
						envelope[p] = ts
					}
				}
				if bad := subset(envelope, all); len(bad) > 0 {
					t.Fatalf("%s record fields unlike real CloudTrail: %v", name, bad)
				}
				real, ok := byName[name]
				if g := groupOf(rec); ok && g != "" {
					real = shape{}
					real.merge(byName[name])
					real.merge(byName[g])
				}
				if !ok {
					uncovered[name]++
					continue
				}
				covered[name]++
				if bad := subset(params, real); len(bad) > 0 {
					t.Fatalf("%s parameters unlike real %s records: %v", name, name, bad)
				}
			}
		})
		r.Close()
	}
	for _, name := range []string{"AssumeRole", "CreateAccessKey", "StopLogging", "GetObject", "PutObject", "GetCallerIdentity", "DescribeInstances"} {
		if covered[name] == 0 {
			t.Errorf("no simulated %s compared with a real one", name)
		}
	}
	t.Logf("parameters compared for %v; envelope only for %v (no real record of that name)", covered, uncovered)
}

// groupOf is the schema group of a record's parameters: S3 calls.
func groupOf(rec map[string]any) string {
	if rec["eventSource"] == "s3.amazonaws.com" {
		return "s3:*"
	}
	return ""
}

func isParam(p string) bool {
	for _, pre := range []string{"requestParameters", "responseElements", "additionalEventData"} {
		if p == pre || strings.HasPrefix(p, pre+".") {
			return true
		}
	}
	return false
}
