//go:build unix

package payload

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// fileID is the identity of the file p (device and inode), which Lstat
// gave as fi: a file replaced under its name, even with the same size and
// time, has another.
func fileID(_ string, fi os.FileInfo) (string, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", errNoID
	}
	return fmt.Sprintf("%d:%d", uint64(st.Dev), uint64(st.Ino)), nil
}

var errNoID = errors.New("no file identity")
