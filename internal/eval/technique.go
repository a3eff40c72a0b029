package eval

import (
	"strings"

	"github.com/causeway-soc/causeway/internal/model/incident"
)

// scoreTechniques sets technique precision and recall. A predicted
// technique matches a true one when the ids are equal or one is the parent
// technique of the other (T1003 and T1003.001; not T1003.001 and
// T1003.002). Recall counts each true technique once, however many
// predicted ones match it; precision counts each distinct predicted
// technique that matches some true one. With no true techniques both are
// undefined and nothing is listed; with true techniques but none
// predicted, precision is 0.
func scoreTechniques(r *Result, truth []string, inc *incident.Incident) {
	r.MissedTechniques, r.ExtraTechniques = []string{}, []string{}
	if len(truth) == 0 {
		return
	}
	got := techniqueIDs(inc)
	found := 0
	for _, t := range truth {
		if matchesAny(t, got) {
			found++
		} else {
			r.MissedTechniques = append(r.MissedTechniques, t)
		}
	}
	right := 0
	for _, p := range got {
		if matchesAny(p, truth) {
			right++
		} else {
			r.ExtraTechniques = append(r.ExtraTechniques, p)
		}
	}
	r.TechniqueRecall = ratio(found, len(truth))
	r.TechniquePrecision = ratio(right, len(got))
}

// techniqueIDs returns the incident's technique ids, upper case, once
// each, in order of first use.
func techniqueIDs(inc *incident.Incident) []string {
	if inc == nil {
		return nil
	}
	ids := make([]string, 0, len(inc.Techniques))
	seen := map[string]bool{}
	for _, t := range inc.Techniques {
		id := strings.ToUpper(strings.TrimSpace(t.ID))
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// matchesAny reports whether id matches one of ids.
func matchesAny(id string, ids []string) bool {
	for _, o := range ids {
		if techniqueMatch(id, o) {
			return true
		}
	}
	return false
}

// techniqueMatch reports whether two technique ids are equal or one is the
// parent of the other.
func techniqueMatch(a, b string) bool {
	return a == b || parentTechnique(a) == b || parentTechnique(b) == a
}

// parentTechnique returns "T1003" for "T1003.001", and the id itself for a
// technique without a sub-technique.
func parentTechnique(id string) string {
	if i := strings.IndexByte(id, '.'); i > 0 {
		return id[:i]
	}
	return id
}
