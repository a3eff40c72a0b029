// Package demo holds the telemetry that ships inside the binary for
// "causeway demo": one small company, several log sources, one attack.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed data
var data embed.FS

// Year is the year of the demo's syslog stamps, which have none.
const Year = 2026

// Domains maps the demo company's Windows domain to its DNS suffix.
var Domains = map[string]string{"ACME": "acme.com"}

// Data is the demo telemetry, in the native formats of its sources.
var Data fs.FS = mustSub(data, "data")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the embedded directory is fixed at build time
	}
	return sub
}
