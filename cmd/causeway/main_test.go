package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInvestigateJSON(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("just notes\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{\"a\":\n"), 0o644)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"investigate", dir, "--output", "json", "--progress", "never"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum map[string]any
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	for _, k := range []string{"files", "events", "errors"} {
		v, ok := sum[k].(float64)
		if !ok || v != float64(int64(v)) {
			t.Errorf("%s = %v, want an integer", k, sum[k])
		}
	}
	if sum["errors"].(float64) != 1 || len(sum["skipped_paths"].([]any)) != 1 {
		t.Errorf("want one error (broken.json) and one skipped file (notes.txt): %s", out.String())
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"investigate"}, {"investigate", "x", "--output", "yaml"}, {"investigate", "--domain", "bad"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code == 0 {
			t.Errorf("run(%q) exit 0, want an error", args)
		} else if errb.Len() == 0 {
			t.Errorf("run(%q): no message on stderr", args)
		}
	}
}

func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	report := t.TempDir()
	if code := run(context.Background(), []string{"demo", "--progress", "never", "--report", report}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "events") || strings.Contains(out.String(), "Errors (") {
		t.Errorf("demo output:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(report, "index.html")); err != nil {
		t.Errorf("demo wrote no report: %v", err)
	}
}

func TestInvestigateStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	go func() {
		// A gzip-compressed CloudTrail export on standard input.
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(`{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-06T10:20:00Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","eventID":"a7d0e1f2-3b4c-4d5e-8f60-718293a4b5c6","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accessKeyId":"AKIA2EXAMPLEALICE001"}}]}`))
		zw.Close()
		w.Write(buf.Bytes())
		w.Close()
	}()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"investigate", "-", "--output", "json", "--progress", "never"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum struct {
		Events, Errors int
		Formats        []struct{ Name string } `json:"by_format"`
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Events != 1 || sum.Errors != 0 || len(sum.Formats) != 1 || sum.Formats[0].Name != "cloudtrail" {
		t.Errorf("reading standard input: %s", out.String())
	}
}
