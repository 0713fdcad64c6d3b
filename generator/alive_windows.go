package generator

import (
	"errors"
	"syscall"
)

// stillActive is what GetExitCodeProcess reports for a running process.
const stillActive = 259

// processAlive reports whether a process with this id runs here. A process
// we may not open (another user's, access denied) exists.
func processAlive(pid int) bool {
	h, err := syscall.OpenProcess(syscall.PROCESS_QUERY_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, syscall.ERROR_ACCESS_DENIED)
	}
	defer syscall.CloseHandle(h)
	var code uint32
	if err := syscall.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}
