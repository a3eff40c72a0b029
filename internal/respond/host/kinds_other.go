//go:build !linux

package host

import (
	"context"
	"errors"

	"github.com/causeway-soc/causeway/internal/model/action"
)

var errUnsupported = errors.New("host actions need Linux")

// kindOps refuses every kind: the host connector drives nftables, /proc
// and the shadow file of Linux.
func (c *Connector) kindOps() map[action.Kind]ops {
	o := ops{
		capture: func(context.Context, *action.Action) ([]byte, error) { return nil, errUnsupported },
		apply:   func(context.Context, *action.Action) error { return errUnsupported },
		verify:  func(context.Context, *action.Action) error { return errUnsupported },
		undo:    func(context.Context, *action.Action, []byte) error { return errUnsupported },
	}
	m := map[action.Kind]ops{}
	for _, k := range c.Kinds() {
		m[k] = o
	}
	return m
}
