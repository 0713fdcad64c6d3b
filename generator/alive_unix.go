//go:build !windows

package generator

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this id runs here: signal 0
// checks without signalling, and EPERM means it exists under another user.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
