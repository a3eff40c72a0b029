package host

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/causeway-soc/causeway/internal/model/action"
	"github.com/causeway-soc/causeway/internal/model/event"
)

// Parameters the host actions read. Every target comes from the action
// (these parameters, or the target entity's name where the kind allows
// it) and is validated before anything is touched.
const (
	// ParamManagement is the management channel host.isolate keeps open:
	// "IP:PORT", the engine's address and the TCP port of the channel
	// (the agent's listening port, or the engine's when the agent dials).
	ParamManagement = "management"
	// ParamPID is the process host.kill_process kills.
	ParamPID = "pid"
	// ParamStart, when set, pins the process instance: its start time in
	// clock ticks after boot (field 22 of /proc/PID/stat). Capture refuses
	// a process that started at another time.
	ParamStart = "start"
	// ParamPath is the file host.quarantine_file moves (else the name of a
	// file target).
	ParamPath = "path"
	// ParamAccount is the local account host.lock_account locks (else the
	// name of a principal target).
	ParamAccount = "account"
	// ParamIP is the address host.block_ip blocks (else the name of an
	// endpoint target).
	ParamIP = "ip"
)

// ErrInvalid is wrapped by every refusal of an action's target.
var ErrInvalid = errors.New("invalid target")

// shellMeta are the characters a shell would give a meaning to: word
// separators, operators, quotes, expansions and globs. Nothing here runs
// a shell, but a target holding one is refused all the same: it is not a
// value a planner should have produced.
const shellMeta = "|&;()<> \t\r\n$`\\\"'*?[]{}!"

// accountName is a conservative local account name: lower case, digits,
// underscore, dash and dot, starting with a letter or underscore.
var accountName = regexp.MustCompile(`^[a-z_][a-z0-9_.-]{0,31}$`)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// checkText refuses empty values, control characters and shell
// metacharacters.
func checkText(name, v string) error {
	if v == "" {
		return invalid("%s is empty", name)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return invalid("%s %q has a control character", name, v)
		}
	}
	if i := strings.IndexAny(v, shellMeta); i >= 0 {
		return invalid("%s %q has the shell metacharacter %q", name, v, v[i])
	}
	return nil
}

// param returns an action parameter, or the target's name when the
// parameter is absent and the target is of the given entity kind.
func param(a *action.Action, key string, fallback event.Kind) (string, error) {
	if v, ok := a.Params[key]; ok {
		return v, nil
	}
	if fallback != "" && a.Target.Kind == fallback && a.Target.Name != "" {
		return a.Target.Name, nil
	}
	return "", invalid("parameter %q missing", key)
}

// cleanPath accepts an absolute, already clean path that is not the root.
func cleanPath(name, v string) (string, error) {
	if err := checkText(name, v); err != nil {
		return "", err
	}
	if !filepath.IsAbs(v) {
		return "", invalid("%s %q is not absolute", name, v)
	}
	if filepath.Clean(v) != v {
		return "", invalid("%s %q is not clean", name, v)
	}
	if v == "/" {
		return "", invalid("%s is the root", name)
	}
	return v, nil
}

// parsePID accepts decimal digits without sign or leading zero, greater
// than 1 (init is never a target).
func parsePID(v string) (int, error) {
	if err := checkText("pid", v); err != nil {
		return 0, err
	}
	if len(v) > 10 || v[0] == '0' || strings.Trim(v, "0123456789") != "" {
		return 0, invalid("pid %q is not a process id", v)
	}
	pid, err := strconv.Atoi(v)
	if err != nil || pid <= 1 || pid > 1<<22 {
		return 0, invalid("pid %q is out of range", v)
	}
	return pid, nil
}

// parseTicks accepts a start time in clock ticks.
func parseTicks(v string) (uint64, error) {
	if err := checkText("start", v); err != nil {
		return 0, err
	}
	if strings.Trim(v, "0123456789") != "" {
		return 0, invalid("start %q is not a number of clock ticks", v)
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, invalid("start %q: %v", v, err)
	}
	return n, nil
}

// parseAddr accepts a unicast IP address that is neither unspecified nor
// loopback, without a zone.
func parseAddr(name, v string) (netip.Addr, error) {
	if err := checkText(name, v); err != nil {
		return netip.Addr{}, err
	}
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, invalid("%s %q is not an IP address", name, v)
	}
	addr = addr.Unmap()
	if addr.Zone() != "" || addr.IsUnspecified() || addr.IsLoopback() || addr.IsMulticast() {
		return netip.Addr{}, invalid("%s %q is not a usable unicast address", name, v)
	}
	return addr, nil
}

// parseAddrPort accepts "IP:PORT" with a usable address and a port.
func parseAddrPort(name, v string) (netip.AddrPort, error) {
	// An IPv6 address is written in brackets; any other bracket is then
	// refused by the parser.
	if err := checkText(name, strings.NewReplacer("[", "", "]", "").Replace(v)); err != nil {
		return netip.AddrPort{}, err
	}
	ap, err := netip.ParseAddrPort(v)
	if err != nil {
		return netip.AddrPort{}, invalid("%s %q is not IP:PORT", name, v)
	}
	addr, err := parseAddr(name, ap.Addr().String())
	if err != nil {
		return netip.AddrPort{}, err
	}
	if ap.Port() == 0 {
		return netip.AddrPort{}, invalid("%s %q has no port", name, v)
	}
	return netip.AddrPortFrom(addr, ap.Port()), nil
}

// parseAccount accepts a conservative local account name, never root.
func parseAccount(v string) (string, error) {
	if err := checkText("account", v); err != nil {
		return "", err
	}
	if !accountName.MatchString(v) {
		return "", invalid("account %q is not a local account name", v)
	}
	if v == "root" {
		return "", invalid("account root is never locked")
	}
	return v, nil
}

// The targets of each kind, read from an action and validated.

func isolateTarget(a *action.Action) (netip.AddrPort, error) {
	v, err := param(a, ParamManagement, "")
	if err != nil {
		return netip.AddrPort{}, err
	}
	return parseAddrPort(ParamManagement, v)
}

type processTarget struct {
	pid      int
	start    uint64
	hasStart bool
}

func killTarget(a *action.Action) (processTarget, error) {
	v, err := param(a, ParamPID, "")
	if err != nil {
		return processTarget{}, err
	}
	pid, err := parsePID(v)
	if err != nil {
		return processTarget{}, err
	}
	t := processTarget{pid: pid}
	if s, ok := a.Params[ParamStart]; ok {
		if t.start, err = parseTicks(s); err != nil {
			return processTarget{}, err
		}
		t.hasStart = true
	}
	return t, nil
}

func fileTarget(a *action.Action) (string, error) {
	v, err := param(a, ParamPath, event.KindFile)
	if err != nil {
		return "", err
	}
	return cleanPath(ParamPath, v)
}

func accountTarget(a *action.Action) (string, error) {
	v, err := param(a, ParamAccount, event.KindPrincipal)
	if err != nil {
		return "", err
	}
	return parseAccount(v)
}

func blockTarget(a *action.Action) (netip.Addr, error) {
	v, err := param(a, ParamIP, event.KindEndpoint)
	if err != nil {
		return netip.Addr{}, err
	}
	return parseAddr(ParamIP, v)
}
