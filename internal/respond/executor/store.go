package executor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
)

// record is what the executor keeps on disk for one action: the action
// itself (state, capture, times) and the bookkeeping the action type does
// not carry.
type record struct {
	Version int           `json:"version"`
	Action  action.Action `json:"action"`
	// CaptureDone says Capture returned and its result is in
	// Action.Captured (which may be empty): Apply is only ever called
	// after this is on disk.
	CaptureDone bool   `json:"capture_done,omitempty"`
	ApprovedBy  string `json:"approved_by,omitempty"`
	ConfirmedBy string `json:"confirmed_by,omitempty"`
	// UndoBy and UndoFrom say who asked for the undo in progress and the
	// state to return to if the connector refuses it.
	UndoBy   string       `json:"undo_by,omitempty"`
	UndoFrom action.State `json:"undo_from,omitempty"`
}

const recordVersion = 1

// store keeps one JSON file per action in a directory. Every write goes to
// a temporary file in the same directory, is synced, renamed over the
// action's file and the directory is synced: a crash leaves either the old
// or the new record, never a torn one. Leftover temporary files are
// removed when the store opens. The store does no locking of its own; the
// executor serializes writes of one action.
type store struct {
	dir string
}

const (
	recordSuffix = ".json"
	tempPrefix   = ".tmp-"
)

func openStore(dir string) (*store, error) {
	if dir == "" {
		return nil, fmt.Errorf("opening action store: no directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening action store: %w", err)
	}
	return &store{dir: dir}, nil
}

// load reads every record in the directory and removes leftover
// temporary files.
func (s *store) load() ([]record, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("reading action store: %w", err)
	}
	var recs []record
	for _, de := range entries {
		name := de.Name()
		if strings.HasPrefix(name, tempPrefix) {
			if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
				return nil, fmt.Errorf("removing leftover %s: %w", name, err)
			}
			continue
		}
		if de.IsDir() || !strings.HasSuffix(name, recordSuffix) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			return nil, fmt.Errorf("reading action record %s: %w", name, err)
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("decoding action record %s: %w", name, err)
		}
		if r.Action.ID.String()+recordSuffix != name {
			return nil, fmt.Errorf("decoding action record %s: holds action %s", name, r.Action.ID)
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// save writes a record atomically and durably.
func (s *store) save(r *record) error {
	r.Version = recordVersion
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding action %s: %w", r.Action.ID, err)
	}
	name := r.Action.ID.String() + recordSuffix
	if err := writeAtomic(s.dir, name, b); err != nil {
		return fmt.Errorf("saving action %s: %w", r.Action.ID, err)
	}
	return nil
}

// writeAtomic replaces dir/name with data: temp file, fsync, rename,
// fsync of the directory.
func writeAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
