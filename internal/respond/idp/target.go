package idp

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// Provider names, as used in the idp parameter and in principal ids
// ("principal:okta:00u...", "principal:entra:<object id>").
const (
	Okta  = "okta"
	Entra = "entra"
)

// Action parameters the connector reads.
const (
	ParamIdP  = "idp"  // okta or entra
	ParamUser = "user" // the provider's user id, or a login / user principal name
)

var (
	oktaIDRE = regexp.MustCompile(`^[0-9A-Za-z]{20}$`)
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// A login or user principal name: local part and domain, as the
	// providers allow them; Entra guests carry #EXT# in the local part.
	loginRE = regexp.MustCompile(`^[A-Za-z0-9._%+'#-]{1,64}@[A-Za-z0-9.-]{1,253}$`)
)

// target finds the provider and the user reference of an action: the
// user parameter or the principal target, and the provider from the
// idp parameter, the principal's prefix, or the only one configured.
func (c *Connector) target(a *action.Action) (idp, ref string, err error) {
	var fromTarget, targetIdP string
	if a.Target.Kind == event.KindPrincipal {
		fromTarget = strings.TrimPrefix(a.Target.ID, "principal:")
		for _, p := range []string{Okta, Entra} {
			if rest, ok := strings.CutPrefix(fromTarget, p+":"); ok {
				targetIdP, fromTarget = p, rest
			}
		}
	}
	ref = a.Params[ParamUser]
	switch {
	case ref != "" && fromTarget != "" && !strings.EqualFold(ref, fromTarget):
		return "", "", fmt.Errorf("parameter names user %q but the target names %q", ref, fromTarget)
	case ref == "":
		ref = fromTarget
	}
	if ref == "" {
		return "", "", fmt.Errorf("target %q names no user", a.Target.ID)
	}
	idp = a.Params[ParamIdP]
	switch {
	case idp != "" && targetIdP != "" && idp != targetIdP:
		return "", "", fmt.Errorf("parameter names %s but the target is an %s user", idp, targetIdP)
	case idp == "":
		idp = targetIdP
	}
	if idp == "" {
		if len(c.providers) != 1 {
			return "", "", fmt.Errorf("user %q could be in either provider: set the %s parameter", ref, ParamIdP)
		}
		for name := range c.providers {
			idp = name
		}
	}
	if _, ok := c.providers[idp]; !ok {
		known := []string{}
		for name := range c.providers {
			known = append(known, name)
		}
		slices.Sort(known)
		return "", "", fmt.Errorf("provider %q is not configured (have %v)", idp, known)
	}
	if !validRef(idp, ref) {
		return "", "", fmt.Errorf("%q is not a valid %s user id or login", ref, idp)
	}
	return idp, ref, nil
}

func validRef(idp, ref string) bool {
	if loginRE.MatchString(ref) && !strings.Contains(ref, "..") {
		return idp == Entra || !strings.Contains(ref, "#")
	}
	if idp == Okta {
		return oktaIDRE.MatchString(ref)
	}
	return guidRE.MatchString(ref)
}
