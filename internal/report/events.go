package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/event"
)

// WriteEventsText writes events in time order, one line each: time, source,
// class/action, outcome, and the entities in their roles.
func WriteEventsText(w io.Writer, events []*event.Event) error {
	sorted := append([]*event.Event(nil), events...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	ew := &errWriter{w: w}
	for _, ev := range sorted {
		what := string(ev.Class)
		if ev.Action != "" {
			what += "/" + ev.Action
		}
		if ev.Outcome == event.OutcomeFailure {
			what += " (failed)"
		}
		ew.printf("%s  %-16s %-28s %s\n", ev.Time.Format("2006-01-02 15:04:05"), ev.Source.Format, what, refsText(ev))
	}
	return ew.err
}

// roleOrder is the order roles are shown in.
var roleOrder = []event.Role{
	event.RoleHost, event.RoleUser, event.RoleSession, event.RoleCredential, event.RoleSrc,
	event.RoleParent, event.RoleActor, event.RoleTarget, event.RoleTargetUser, event.RoleDst,
}

func refsText(ev *event.Event) string {
	var parts []string
	for _, role := range roleOrder {
		for _, r := range ev.Refs {
			if r.Role == role {
				parts = append(parts, fmt.Sprintf("%s=%s", role, shortName(r.Entity)))
			}
		}
	}
	return strings.Join(parts, " ")
}

// shortName is an entity's name without long directory prefixes.
func shortName(e event.Entity) string {
	name := e.Name
	if name == "" {
		name = e.ID
	}
	if e.Kind == event.KindFile || e.Kind == event.KindProcess {
		if i := strings.LastIndexAny(name, `\/`); i >= 0 && i < len(name)-1 {
			name = name[i+1:]
		}
	}
	if strings.ContainsAny(name, " \t") {
		name = fmt.Sprintf("%q", name)
	}
	return name
}
