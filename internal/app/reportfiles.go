package app

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/causeway-soc/causeway/internal/report"
)

// writeReport writes the incident reports into dir: index.html, one HTML
// page per incident, incidents.md and incidents.json.
func writeReport(dir string, a *Analysis) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating report directory: %w", err)
	}
	incs := a.Incidents()
	files := map[string]func(io.Writer) error{
		"index.html":     func(w io.Writer) error { return report.WriteIndexHTML(w, incs) },
		"incidents.md":   func(w io.Writer) error { return report.WriteIncidentsMarkdown(w, incs) },
		"incidents.json": func(w io.Writer) error { return report.WriteIncidentsJSON(w, incs) },
	}
	for _, inc := range incs {
		files[report.IncidentFileName(inc)] = func(w io.Writer) error { return report.WriteIncidentHTML(w, inc, a.Lookup) }
	}
	for name, write := range files {
		if err := writeFile(filepath.Join(dir, name), write); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
