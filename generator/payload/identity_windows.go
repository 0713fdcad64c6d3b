package payload

import (
	"fmt"
	"os"
	"syscall"
)

// fileID is the identity of the file p (volume serial number and file
// index): a file replaced under its name, even with the same size and
// time, has another. os.FileInfo keeps these to itself, so the file is
// opened (not read) to ask for them.
func fileID(p string, _ os.FileInfo) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var info syscall.ByHandleFileInformation
	if err := syscall.GetFileInformationByHandle(syscall.Handle(f.Fd()), &info); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d", info.VolumeSerialNumber, uint64(info.FileIndexHigh)<<32|uint64(info.FileIndexLow)), nil
}
