//go:build linux

package host

import "github.com/causeway-soc/causeway/internal/model/action"

func (c *Connector) kindOps() map[action.Kind]ops {
	return map[action.Kind]ops{
		action.HostIsolate:        {c.isolateCapture, c.isolateApply, c.isolateVerify, c.isolateUndo},
		action.HostKillProcess:    {c.killCapture, c.killApply, c.killVerify, c.killUndo},
		action.HostQuarantineFile: {c.quarantineCapture, c.quarantineApply, c.quarantineVerify, c.quarantineUndo},
		action.HostLockAccount:    {c.lockCapture, c.lockApply, c.lockVerify, c.lockUndo},
		action.HostBlockIP:        {c.blockCapture, c.blockApply, c.blockVerify, c.blockUndo},
	}
}
