package source

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
)

// Config tunes a Walker.
type Config struct {
	// MaxArchiveMember caps how much of a zip nested inside another archive
	// or read from standard input is buffered in memory (zip needs random
	// access). 0 means 1 GiB.
	MaxArchiveMember int64
}

// Walker walks inputs and decodes every stream it finds. Files, directories
// (recursively, in name order), gzip, zip and tar archives (nested too) and
// standard input ("-") are read transparently; each stream's format is
// recognized from its content.
//
// A Walker is used by one goroutine at a time; its Stats may be read
// concurrently (for progress display).
type Walker struct {
	cfg     Config
	formats []Format
	stats   Stats
}

// Stats counts what a Walker has done so far. Fields are updated atomically.
type Stats struct {
	Files atomic.Int64 // streams read (archive members count one each)
	Bytes atomic.Int64 // input bytes read from disk or standard input
}

// NewWalker returns a Walker that tries formats in order; the first whose
// Sniff accepts a stream decodes it.
func NewWalker(cfg Config, formats []Format) *Walker {
	if cfg.MaxArchiveMember <= 0 {
		cfg.MaxArchiveMember = 1 << 30
	}
	return &Walker{cfg: cfg, formats: formats}
}

// Stats returns the live counters.
func (r *Walker) Stats() *Stats { return &r.stats }

// Read decodes every path in turn. Unreadable paths and unknown formats are
// reported to sink as *Error and skipped; Read returns only ctx's error.
func (r *Walker) Read(ctx context.Context, paths []string, sink Sink) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "-" {
			r.stream(ctx, "-", r.count(os.Stdin), sink, 0)
			continue
		}
		if err := r.walk(ctx, p, sink); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (r *Walker) walk(ctx context.Context, root string, sink Sink) error {
	return r.tree(ctx, func(fn fs.WalkDirFunc) error { return filepath.WalkDir(root, fn) },
		func(p string) (fs.File, error) { return os.Open(p) }, sink)
}

// ReadFS decodes every file under root in fsys (for data embedded in the
// binary). Paths in events and errors are fsys paths.
func (r *Walker) ReadFS(ctx context.Context, fsys fs.FS, root string, sink Sink) error {
	return r.tree(ctx, func(fn fs.WalkDirFunc) error { return fs.WalkDir(fsys, root, fn) }, fsys.Open, sink)
}

// tree reads every regular file a walk visits, in name order.
func (r *Walker) tree(ctx context.Context, walk func(fs.WalkDirFunc) error, open func(string) (fs.File, error), sink Sink) error {
	return walk(func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			sink.Error(&Error{Path: path, Offset: -1, Err: err})
			return nil //nolint:nilerr // reported; the rest of the tree is still read
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		f, err := open(path)
		if err != nil {
			sink.Error(&Error{Path: path, Offset: -1, Err: err})
			return nil
		}
		defer f.Close()
		r.open(ctx, path, f, sink)
		return nil
	})
}

// open reads one file. Zip archives that allow random access are read in
// place; everything else is streamed.
func (r *Walker) open(ctx context.Context, path string, f fs.File, sink Sink) {
	ra, isRA := f.(interface {
		io.ReaderAt
		io.Seeker
	})
	if isRA {
		var magic [4]byte
		n, _ := ra.ReadAt(magic[:], 0)
		if st, err := f.Stat(); err == nil && n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")) {
			r.stats.Bytes.Add(st.Size())
			r.zip(ctx, path, ra, st.Size(), sink)
			return
		}
	}
	r.stream(ctx, path, r.count(f), sink, 0)
}

// maxNesting bounds archives inside archives.
const maxNesting = 4

// stream identifies one stream (archive or telemetry) and processes it.
func (r *Walker) stream(ctx context.Context, path string, rd io.Reader, sink Sink, depth int) {
	br := bufio.NewReaderSize(rd, SniffSize)
	head, err := br.Peek(SniffSize)
	if len(head) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			sink.Error(&Error{Path: path, Offset: 0, Err: fmt.Errorf("reading: %w", err)})
		}
		return // empty stream: nothing to read, nothing lost
	}
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		if depth >= maxNesting {
			break
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			sink.Error(&Error{Path: path, Offset: 0, Format: "gzip", Err: err})
			return
		}
		zr.Multistream(true)
		r.stream(ctx, path, zr, sink, depth+1)
		return
	case len(head) >= 4 && bytes.Equal(head[:4], []byte("PK\x03\x04")):
		if depth >= maxNesting {
			break
		}
		buf, err := io.ReadAll(io.LimitReader(br, r.cfg.MaxArchiveMember+1))
		if err != nil {
			sink.Error(&Error{Path: path, Offset: int64(len(buf)), Format: "zip", Err: fmt.Errorf("reading: %w", err)})
			return
		}
		if int64(len(buf)) > r.cfg.MaxArchiveMember {
			sink.Error(&Error{Path: path, Offset: 0, Format: "zip", Err: fmt.Errorf("nested zip over %d bytes: skipped", r.cfg.MaxArchiveMember)})
			return
		}
		r.zip(ctx, path, bytes.NewReader(buf), int64(len(buf)), sink)
		return
	case len(head) >= 2 && (head[0] == 0xff && head[1] == 0xfe || head[0] == 0xfe && head[1] == 0xff):
		var order binary.ByteOrder = binary.LittleEndian
		if head[0] == 0xfe {
			order = binary.BigEndian
		}
		_, _ = br.Discard(2) // the byte order mark, already peeked
		r.stream(ctx, path, newUTF16Reader(br, order), sink, depth+1)
		return
	case isTar(head):
		if depth >= maxNesting {
			break
		}
		r.tar(ctx, path, br, sink, depth)
		return
	}
	for i := range r.formats {
		f := &r.formats[i]
		if !f.Sniff(head) {
			continue
		}
		r.stats.Files.Add(1)
		in := &Input{Path: path, R: &offsetReader{r: br}}
		if err := f.Decode(ctx, in, sink); err != nil && !errors.Is(err, context.Canceled) {
			var se *Error
			if !errors.As(err, &se) {
				err = in.Errorf(f.Name, in.R.Offset(), err)
			}
			sink.Error(err)
		}
		return
	}
	r.stats.Files.Add(1)
	sink.Error(&Error{Path: path, Offset: 0, Err: ErrUnknownFormat})
}

func (r *Walker) zip(ctx context.Context, path string, ra io.ReaderAt, size int64, sink Sink) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		sink.Error(&Error{Path: path, Offset: -1, Err: err}) // archive/zip names itself
		return
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, zf := range files {
		if ctx.Err() != nil {
			return
		}
		if zf.FileInfo().IsDir() {
			continue
		}
		member := path + "!" + zf.Name
		rc, err := zf.Open()
		if err != nil {
			sink.Error(&Error{Path: member, Offset: -1, Format: "zip", Err: err})
			continue
		}
		r.stream(ctx, member, rc, sink, 1)
		rc.Close()
	}
}

func (r *Walker) tar(ctx context.Context, path string, rd io.Reader, sink Sink, depth int) {
	tr := tar.NewReader(rd)
	for ctx.Err() == nil {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			sink.Error(&Error{Path: path, Offset: -1, Format: "tar", Err: err})
			return
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		r.stream(ctx, path+"!"+h.Name, tr, sink, depth+1)
	}
}

func isTar(head []byte) bool {
	return len(head) >= 262 && string(head[257:262]) == "ustar"
}

// count wraps a raw input so that Stats.Bytes follows it.
func (r *Walker) count(rd io.Reader) io.Reader { return &countingReader{r: rd, n: &r.stats.Bytes} }

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// offsetReader tracks the offset in a decompressed stream.
type offsetReader struct {
	r   io.Reader
	off int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetReader) Offset() int64 { return o.off }
