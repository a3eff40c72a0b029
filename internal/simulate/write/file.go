package write

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
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

// create opens path for writing, making its directory.
func create(path string, compress bool) (*file, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating directory for %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	out := &file{path: path, f: f, bw: bufio.NewWriterSize(f, bufSize)}
	if compress {
		// BestSpeed: the output is test data, and the gzip header carries no
		// time, so the bytes depend on the input alone.
		out.gz, _ = gzip.NewWriterLevel(out.bw, gzip.BestSpeed)
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
	st.Files++
	if err != nil {
		return fmt.Errorf("closing %s: %w", o.path, err)
	}
	return nil
}
