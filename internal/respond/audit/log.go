package audit

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Errors Open and Append return.
var (
	// ErrTruncated: the file ends in an incomplete record (a write cut
	// short by a crash). Open with Config.Repair to drop it.
	ErrTruncated = errors.New("audit log ends in an incomplete record")
	// ErrTampered: the last records do not verify; run Verify.
	ErrTampered = errors.New("audit log tail does not verify")
	// ErrKey: the configured key does not fit the log: it is keyed and
	// no key was given, or the other way round.
	ErrKey = errors.New("audit log key does not fit the log")
	// ErrBroken: an earlier append failed part way; reopen the log.
	ErrBroken = errors.New("audit log is unusable after a failed write")
)

// Config configures a Log.
type Config struct {
	Path string
	// Key makes the chain an HMAC-SHA256 with this key (at least 16
	// bytes); nil keeps a plain SHA-256 chain. A log keeps the mode it was
	// created with.
	Key []byte
	// Repair drops an incomplete last record instead of failing. Only a
	// cut-short write is repaired; records that fail to verify never are.
	Repair bool
}

// Deps are a Log's collaborators.
type Deps struct {
	Now    func() time.Time // nil means time.Now
	Logger *slog.Logger     // nil discards
}

// Log appends records to an audit file. It is safe for concurrent use by
// the goroutines of one process; only one process may write a file.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	key    []byte
	alg    string
	head   Head
	now    func() time.Time
	broken error
}

// Open opens or creates the log at cfg.Path, checks its last records and
// continues their chain.
func Open(cfg Config, deps Deps) (*Log, error) {
	if cfg.Key != nil && len(cfg.Key) < 16 {
		return nil, fmt.Errorf("opening audit log: the key has %d bytes, want at least 16", len(cfg.Key))
	}
	l := &Log{key: cfg.Key, alg: AlgSHA256, head: Head{Hash: zeroHash}, now: deps.Now}
	if cfg.Key != nil {
		l.alg = AlgHMAC
	}
	if l.now == nil {
		l.now = time.Now
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	_, statErr := os.Stat(cfg.Path)
	f, err := os.OpenFile(cfg.Path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening audit log: %w", err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(filepath.Dir(cfg.Path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("creating audit log: %w", err)
		}
	}
	l.f = f
	if err := l.resume(cfg, log); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening audit log %s: %w", cfg.Path, err)
	}
	return l, nil
}

// resume reads the tail, repairs a torn write when asked, and sets the
// head from the last record.
func (l *Log) resume(cfg Config, log *slog.Logger) error {
	t, err := readTail(l.f)
	if err != nil {
		return err
	}
	if t.torn > 0 {
		if !cfg.Repair {
			return fmt.Errorf("%w: %d bytes after the last complete record at offset %d", ErrTruncated, t.torn, t.end)
		}
		if err := l.f.Truncate(t.end); err != nil {
			return fmt.Errorf("repairing: %w", err)
		}
		if err := l.f.Sync(); err != nil {
			return fmt.Errorf("repairing: %w", err)
		}
		log.Warn("audit log: dropped an incomplete last record", "path", cfg.Path, "bytes", t.torn, "offset", t.end)
	}
	if t.last == nil {
		return nil
	}
	// Check the last record, and its link to the one before when there is
	// one; Verify checks the whole file.
	c := checker{key: cfg.Key}
	lines := [][]byte{t.prev, t.last}
	if t.prev == nil {
		lines = lines[1:]
	}
	var last *Record
	for i, line := range lines {
		r, why := c.decode(line)
		if why != "" {
			return fmt.Errorf("%w: %s", ErrTampered, why)
		}
		if i == 0 {
			c.expect, c.prevHash = r.Seq, r.Prev
		}
		if p, why := c.check(r, line); p == KeyNeeded {
			return fmt.Errorf("%w: %s", ErrKey, why)
		} else if p != "" {
			return fmt.Errorf("%w: seq %d: %s", ErrTampered, r.Seq, why)
		}
		last = r
	}
	l.head = Head{Seq: last.Seq, Hash: last.Hash}
	return nil
}

// Append adds a record and syncs it to disk before returning it.
func (l *Log) Append(e Entry) (Record, error) {
	if !e.Kind.valid() {
		return Record{}, fmt.Errorf("appending audit record: unknown kind %q", e.Kind)
	}
	if e.Actor == "" {
		return Record{}, errors.New("appending audit record: no actor")
	}
	data, err := encodeData(e.Data)
	if err != nil {
		return Record{}, fmt.Errorf("appending audit record: encoding data: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.broken != nil {
		return Record{}, fmt.Errorf("%w: %w", ErrBroken, l.broken)
	}
	if l.f == nil {
		return Record{}, errors.New("appending audit record: the log is closed")
	}
	r := Record{
		Seq:      l.head.Seq + 1,
		Time:     l.now().UTC(),
		Kind:     e.Kind,
		Action:   e.Action,
		Incident: e.Incident,
		Actor:    strings.ToValidUTF8(e.Actor, "\uFFFD"),
		Why:      strings.ToValidUTF8(e.Why, "\uFFFD"),
		Data:     data,
		Alg:      l.alg,
		Prev:     l.head.Hash,
	}
	r.Hash = r.sum(l.key)
	line, err := r.encode()
	if err != nil {
		return Record{}, err
	}
	if len(line) > maxLine {
		return Record{}, fmt.Errorf("appending audit record: %d bytes, more than %d", len(line), maxLine)
	}
	if _, err := l.f.Write(line); err != nil {
		l.broken = err
		return Record{}, fmt.Errorf("appending audit record %d: %w", r.Seq, err)
	}
	if err := l.f.Sync(); err != nil {
		l.broken = err
		return Record{}, fmt.Errorf("syncing audit record %d: %w", r.Seq, err)
	}
	l.head = Head{Seq: r.Seq, Hash: r.Hash}
	return r, nil
}

// Head returns the last record's sequence number and hash.
func (l *Log) Head() Head {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Close closes the file. Appends after Close fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// syncDir makes a new file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
