package eval

import (
	"fmt"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
	"github.com/causeway-soc/causeway/internal/model/incident"
)

// scoreStory checks every sentence of every incident's story: it is
// grounded when it cites at least one event, every cited event exists, and
// every entity it names is referred to by at least one cited event.
func scoreStory(r *Result, incs []incident.Incident, lookup func(event.ID) *event.Event) {
	r.Ungrounded = []Ungrounded{}
	for i := range incs {
		for j, s := range incs[i].Story {
			r.Sentences++
			if reason := ungrounded(s, lookup); reason != "" {
				r.Ungrounded = append(r.Ungrounded, Ungrounded{Incident: i, Sentence: j, Text: s.Text, Reason: reason})
			}
		}
	}
	r.StoryGrounded = value(ratio(r.Sentences-len(r.Ungrounded), r.Sentences))
}

// ungrounded returns why a sentence is not grounded, or "".
func ungrounded(s incident.Sentence, lookup func(event.ID) *event.Event) string {
	if len(s.Events) == 0 {
		return "cites no event"
	}
	var reasons []string
	refs := map[string]bool{}
	for _, id := range s.Events {
		ev := lookup(id)
		if ev == nil {
			reasons = append(reasons, fmt.Sprintf("cites missing event %s", id))
			continue
		}
		for _, ref := range ev.Refs {
			refs[ref.Entity.ID] = true
		}
	}
	for _, id := range s.Entities {
		if !refs[id] {
			reasons = append(reasons, fmt.Sprintf("names %s, which no cited event refers to", id))
		}
	}
	return strings.Join(reasons, "; ")
}
