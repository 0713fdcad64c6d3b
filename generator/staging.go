package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wufix/wufix/generator/payload"
	"github.com/wufix/wufix/generator/verify"
)

// markerName is the file inside a staging folder that says wufix made it,
// which build, and what it was swapping when it stopped.
const markerName = ".wufix-build"

// marker is a staging folder's marker.
type marker struct {
	PID  int    `json:"pid"`
	Host string `json:"host"`
	// Swap, once the swap has begun, are the top-level names being
	// swapped in (staged under their own name, the old ones moved aside
	// as .old-NAME); Retire are the names only moved aside. A staging
	// folder left with these set is rolled back by the next build.
	Swap   []string `json:"swap,omitempty"`
	Retire []string `json:"retire,omitempty"`
}

// readMarker reads the marker of the staging folder stage.
func readMarker(stage string) (marker, error) {
	var m marker
	data, err := os.ReadFile(filepath.Join(stage, markerName))
	if err == nil {
		err = json.Unmarshal(data, &m)
	}
	if err == nil && m.PID <= 0 {
		err = errors.New("no pid")
	}
	return m, err
}

// writeMarker replaces the marker through a rename, so a stopped build
// leaves either the old marker or the new one, never half of one.
func writeMarker(stage string, m marker) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	name := filepath.Join(stage, markerName)
	if err := os.WriteFile(name+".new", data, 0o644); err != nil {
		return err
	}
	return os.Rename(name+".new", name)
}

// newStaging makes this build's staging folder in dir, marked as ours.
func newStaging(dir string) (string, error) {
	stage, err := os.MkdirTemp(dir, verify.StagingPrefix)
	if err != nil {
		return "", err
	}
	host, _ := os.Hostname()
	if err := writeMarker(stage, marker{PID: os.Getpid(), Host: host}); err != nil {
		return "", errors.Join(err, removeStaging(stage))
	}
	return stage, nil
}

// clearStale removes the staging folders other builds left in dir, after
// putting back what a build stopped in the middle of its swap had moved,
// and refuses to go on while another build is writing to dir. Folders
// without a marker are not wufix's; refuseForeign names them.
func clearStale(dir, own string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	for _, e := range entries {
		stage := filepath.Join(dir, e.Name())
		if !e.IsDir() || stage == own || !strings.HasPrefix(e.Name(), verify.StagingPrefix) {
			continue
		}
		m, err := readMarker(stage)
		if err != nil {
			continue
		}
		if m.Host != host || processAlive(m.PID) {
			return fmt.Errorf("another build (pid %d on %s) is writing to %s; wait for it, or remove %s if no build is running",
				m.PID, m.Host, dir, stage)
		}
		if err := errors.Join(rollback(stage, dir, m.Swap, m.Retire), payload.RestoreMoved(dir, stage)); err != nil {
			return fmt.Errorf("putting back what a stopped build moved into %s: %w", stage, err)
		}
		if err := removeStaging(stage); err != nil {
			return err
		}
	}
	return nil
}

// removeStaging removes a staging folder, its marker last: a removal cut
// short leaves a folder the next build still knows as wufix's.
func removeStaging(stage string) error {
	entries, err := os.ReadDir(stage)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != markerName {
			if err := removeTree(filepath.Join(stage, e.Name())); err != nil {
				return err
			}
		}
	}
	return removeTree(stage)
}

// removeTree removes a folder and everything in it, entry by entry, and
// never follows a link. It stands in for os.RemoveAll, which on Windows
// deletes through FILE_DISPOSITION_POSIX_SEMANTICS and fails outright
// ("Invalid function") where that is not implemented, as under Wine,
// while os.Remove's DeleteFile and RemoveDirectory work everywhere.
func removeTree(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := removeTree(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.Remove(dir)
}
