package write

import (
	"path/filepath"
	"time"
)

// Series writes records into files that rotate by time: each key (a host,
// an account and region) has one open file per period, as log shippers and
// cloud services deliver them. Records of one key must come in time order.
type Series struct {
	dir    string
	period time.Duration
	st     *Stats
	layout Layout
	open   map[string]*seriesFile
}

// Layout says how a series names and frames its files.
type Layout struct {
	// Name is the file's path under the series' directory for key and the
	// period starting at start.
	Name func(key string, start time.Time) string
	// Gzip compresses the files.
	Gzip bool
	// Header and Footer, when set, open and close each file (the period's
	// start and end are given).
	Header, Footer func(b []byte, start, end time.Time) []byte
	// Sep goes between two records of one file.
	Sep string
}

type seriesFile struct {
	out   *file
	start time.Time
	n     int
	buf   []byte
}

// NewSeries returns a series of files under dir rotating every period.
func NewSeries(dir string, period time.Duration, layout Layout, st *Stats) *Series {
	return &Series{dir: dir, period: period, st: st, layout: layout, open: map[string]*seriesFile{}}
}

// Write appends rec, stamped t, to key's file for t's period.
func (s *Series) Write(key string, t time.Time, rec []byte) error {
	start := t.UTC().Truncate(s.period)
	f := s.open[key]
	if f != nil && !f.start.Equal(start) {
		if err := s.finish(f); err != nil {
			return err
		}
		f = nil
	}
	if f == nil {
		out, err := create(filepath.Join(s.dir, s.layout.Name(key, start)), s.layout.Gzip)
		if err != nil {
			return err
		}
		f = &seriesFile{out: out, start: start}
		s.open[key] = f
		if s.layout.Header != nil {
			if err := out.write(s.layout.Header(f.buf[:0], start, start.Add(s.period))); err != nil {
				return err
			}
		}
	}
	if f.n > 0 && s.layout.Sep != "" {
		if err := f.out.write([]byte(s.layout.Sep)); err != nil {
			return err
		}
	}
	f.n++
	return f.out.write(rec)
}

func (s *Series) finish(f *seriesFile) error {
	if s.layout.Footer != nil {
		if err := f.out.write(s.layout.Footer(f.buf[:0], f.start, f.start.Add(s.period))); err != nil {
			return err
		}
	}
	return f.out.close(s.st)
}

// Close finishes every open file.
func (s *Series) Close() error {
	var first error
	for k, f := range s.open {
		if err := s.finish(f); err != nil && first == nil {
			first = err
		}
		delete(s.open, k)
	}
	return first
}
