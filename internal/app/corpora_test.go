package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/source"
)

// corpora returns the real-telemetry folder, or skips the test.
func corpora(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CAUSEWAY_CORPORA")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared", "corpora")
				break
			}
		}
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpora not found at %q (set CAUSEWAY_CORPORA): %v", dir, err)
	}
	return dir
}

// explained lists the errors reading the corpora is expected to give, each
// with its reason. Any other error fails the test.
var explained = []struct {
	path, message *regexp.Regexp
	reason        string
}{
	{regexp.MustCompile(`^panther/rule_tests/(AWS\.(BedrockModelInvocation|GuardDuty|S3ServerAccess|SecurityFindingFormat|VPCDns|WAFWebACL)|Auth0|Azure\.MonitorActivity|Box|Cloudflare|Crowdstrike|Duo|GCP\.HTTPLoadBalancer|GSuite|GitHub|Gravitational|OneLogin|Osquery|Slack|Zendesk|Zoom|Notion|Tines|Snyk|Salesforce|Asana|Atlassian|1Password|Tailscale|Wiz|Dropbox|Mongo|Push|Teleport|Sentinel)`),
		regexp.MustCompile(`unrecognized JSON log type`), "Panther fixtures of log types Causeway does not read"},
	{regexp.MustCompile(`^linux/izysec-linux-audit/LogSamples/(UC006_enriched|UC014)\.log$`),
		regexp.MustCompile(`not an audit record: no type= field`), "the analyst's shell prompts pasted between ausearch outputs"},
	{regexp.MustCompile(`^panther/rule_tests/`),
		regexp.MustCompile(`unrecognized JSON log type \(keys: ((p_[a-z0-9_]+|methodName|operation|category|operationName|status_code|dst_endpoint|src_endpoint)(, )?)+\)`),
		"Panther fixture fragments: a few fields of a record for one rule's test, not a whole record"},
}

// TestCorporaRead reads every corpus folder with every reader and checks that
// each error is an explained one.
func TestCorporaRead(t *testing.T) {
	root := corpora(t)
	if testing.Short() {
		t.Skip("reads every corpus; skipped with -short")
	}
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			var sink collectSink
			w := source.NewWalker(source.Config{}, Formats(ReadConfig{Principals: &event.Principals{}, Now: time.Now}))
			if err := w.Read(context.Background(), []string{filepath.Join(root, d.Name())}, &sink); err != nil {
				t.Fatal(err)
			}
			unexplained := 0
			for _, err := range sink.errs {
				var se *source.Error
				if !errors.As(err, &se) {
					t.Errorf("untyped error: %v", err)
					continue
				}
				if errors.Is(err, source.ErrUnknownFormat) {
					continue // listed as skipped, not an error
				}
				rel, _ := filepath.Rel(root, se.Path)
				ok := false
				for _, e := range explained {
					if e.path.MatchString(rel) && e.message.MatchString(se.Err.Error()) {
						ok = true
						break
					}
				}
				if !ok {
					unexplained++
					if unexplained <= 20 {
						t.Errorf("unexplained: %v", err)
					}
				}
			}
			t.Logf("%s: %d streams, %d events, %d errors (%d unexplained)", d.Name(), w.Stats().Files.Load(), sink.events, len(sink.errs), unexplained)
		})
	}
}

type collectSink struct {
	events int
	errs   []error
}

func (c *collectSink) Event(*event.Event) { c.events++ }
func (c *collectSink) Error(err error)    { c.errs = append(c.errs, err) }
