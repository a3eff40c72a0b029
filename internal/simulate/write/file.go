package write

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Stats counts what the writers have written. One Stats is shared by all
// writers of a run; it is not safe for concurrent use.
type Stats struct {
	Files int   // files closed
	Bytes int64 // bytes on disk in those files
}

// file is one output file being written, plain or gzip-compressed.
type file struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	gz   *gzip.Writer
	n    int64 // uncompressed bytes written
}

// bufSize is each open file's write buffer.
const bufSize = 64 << 10

// Writers are reused from one file to the next: a gzip writer holds about
// a megabyte of tables, and a run writes hundreds of files.
var (
	bufWriters  = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, bufSize) }}
	gzipWriters = sync.Pool{New: func() any {
		// BestSpeed: the output is test data. The gzip header carries no
		// time, so the bytes depend on the input alone.
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}}
)

// create opens path for writing, making its directory.
func create(path string, compress bool) (*file, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating directory for %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	out := &file{path: path, f: f, bw: bufWriters.Get().(*bufio.Writer)}
	out.bw.Reset(f)
	if compress {
		out.gz = gzipWriters.Get().(*gzip.Writer)
		out.gz.Reset(out.bw)
	}
	return out, nil
}

func (o *file) write(p []byte) error {
	o.n += int64(len(p))
	var err error
	if o.gz != nil {
		_, err = o.gz.Write(p)
	} else {
		_, err = o.bw.Write(p)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	return nil
}

// close flushes and closes the file and adds it to st.
func (o *file) close(st *Stats) error {
	var err error
	if o.gz != nil {
		err = o.gz.Close()
	}
	if e := o.bw.Flush(); err == nil {
		err = e
	}
	if err == nil {
		if info, e := o.f.Stat(); e == nil {
			st.Bytes += info.Size()
		}
	}
	if e := o.f.Close(); err == nil {
		err = e
	}
	if o.gz != nil {
		o.gz.Reset(nil)
		gzipWriters.Put(o.gz)
		o.gz = nil
	}
	o.bw.Reset(nil)
	bufWriters.Put(o.bw)
	o.bw = nil
	st.Files++
	if err != nil {
		return fmt.Errorf("closing %s: %w", o.path, err)
	}
	return nil
}
