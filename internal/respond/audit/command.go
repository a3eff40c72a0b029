package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// ErrChainBroken is returned by VerifyCommand when the log does not
// verify, after the report is printed.
var ErrChainBroken = errors.New("audit log does not verify")

// VerifyCommand verifies the log at path and prints a summary to w: the
// records, their first and last time, and whether the chain holds or
// where it first breaks. jsonOut prints the Report as JSON instead. key
// is the chain's key, nil for a plain chain. It returns an error wrapping
// ErrChainBroken when the log does not verify.
func VerifyCommand(w io.Writer, path string, key []byte, jsonOut bool) error {
	var opts []VerifyOption
	if key != nil {
		opts = append(opts, WithKey(key))
	}
	rep, err := Verify(path, opts...)
	if err != nil {
		return err
	}
	if jsonOut {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
	} else {
		printReport(w, rep)
	}
	if !rep.OK {
		return fmt.Errorf("%w: %s at seq %d", ErrChainBroken, rep.Problem, rep.BadSeq)
	}
	return nil
}

func printReport(w io.Writer, rep Report) {
	chain := "plain SHA-256"
	if rep.Keyed {
		chain = "keyed HMAC-SHA256"
	}
	fmt.Fprintf(w, "audit log  %s\n", rep.Path)
	if rep.Records > 0 {
		fmt.Fprintf(w, "records    %d verified (seq 1 to %d), %s chain\n", rep.Records, rep.Head.Seq, chain)
		fmt.Fprintf(w, "first      %s\n", rep.First.Format(time.RFC3339))
		fmt.Fprintf(w, "last       %s\n", rep.Last.Format(time.RFC3339))
	} else {
		fmt.Fprintf(w, "records    none verified, %s chain\n", chain)
	}
	if rep.OK {
		fmt.Fprintf(w, "chain      OK, head seq %d %s\n", rep.Head.Seq, rep.Head.Hash)
		return
	}
	fmt.Fprintf(w, "chain      BROKEN at seq %d (line %d): %s: %s\n", rep.BadSeq, rep.Line, rep.Problem, rep.Detail)
	if rep.Lines > rep.Records {
		fmt.Fprintf(w, "           %d of %d complete lines are not covered by the chain from the start\n", rep.Lines-rep.Records, rep.Lines)
	}
}

// LoadKey reads a chain key from a file: its bytes less trailing
// whitespace, at least 16 of them.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading audit key: %w", err)
	}
	b = bytes.TrimRight(b, " \t\r\n")
	if len(b) < 16 {
		return nil, fmt.Errorf("reading audit key %s: %d bytes, want at least 16", path, len(b))
	}
	return b, nil
}
