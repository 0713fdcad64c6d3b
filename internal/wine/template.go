package wine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// templateFormat is part of the cache key: change it whenever
// prepareTemplate changes, so that old cached templates are not reused.
const templateFormat = "t1"

// CacheEnv overrides where templates and the stub are cached.
const CacheEnv = "WUFIX_WINE_CACHE"

type template struct {
	dir   string
	built bool // false when an earlier run's cached template was reused
	took  time.Duration
	err   error
}

var (
	tmplOnce sync.Once
	tmplVal  template
)

// template returns the shared, read-only template prefix, building it on
// first use in this process unless an earlier run cached one.
func (e *Env) template() template {
	tmplOnce.Do(func() {
		start := time.Now()
		tmplVal.dir, tmplVal.built, tmplVal.err = e.cachedTemplate()
		tmplVal.took = time.Since(start)
	})
	return tmplVal
}

// cacheRoot is $WUFIX_WINE_CACHE, else $XDG_CACHE_HOME/wufix-wine (or
// ~/.cache/wufix-wine), else a folder in the temp dir.
func cacheRoot() string {
	if dir := os.Getenv(CacheEnv); dir != "" {
		return dir
	}
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "wufix-wine")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("wufix-wine-%d", os.Getuid()))
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (e *Env) cachedTemplate() (dir string, built bool, err error) {
	root := cacheRoot()
	dir = filepath.Join(root, unsafeName.ReplaceAllString(e.Version, "_")+"-"+templateFormat)
	if _, err := os.Stat(dir); err == nil {
		return dir, false, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", false, fmt.Errorf("wine template: %w", err)
	}
	// Build in this process's run folder (on the same file system) and
	// rename: the rename is atomic, so a template that exists is complete,
	// and go test's parallel package processes never see a half-built one.
	// Two racing builders waste one build; the loser removes its copy. A
	// process killed while building leaves its wineserver to the watchdog.
	run, err := e.runDir()
	if err != nil {
		return "", false, fmt.Errorf("wine template: %w", err)
	}
	tmp, err := os.MkdirTemp(run, "template-")
	if err != nil {
		return "", false, fmt.Errorf("wine template: %w", err)
	}
	if err := e.buildTemplate(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", false, fmt.Errorf("wine template: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, statErr := os.Stat(dir); statErr != nil {
			return "", false, fmt.Errorf("wine template: %w", err)
		}
	}
	return dir, true, nil
}

func (e *Env) buildTemplate(dir string) error {
	env := baseEnv(dir, "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, args := range [][]string{{e.Wine, "wineboot", "-i"}, {e.Wineserver, "-w"}} {
		cmd := command(ctx, args[0], args[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	return prepareTemplate(dir)
}

// baseEnv is the environment of every Wine process: the host's PATH, HOME
// and USER, a fixed locale (Wine derives the code pages and the language of
// its messages from it) and no display, so nothing tries to open a window.
func baseEnv(prefix, overrides string) []string {
	env := []string{
		"WINEPREFIX=" + prefix,
		"WINEDEBUG=-all", // also silences Debian's "wine32 is missing" hint
		"WINEDLLOVERRIDES=mscoree,mshtml=" + overrides,
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
	}
	for _, name := range []string{"PATH", "HOME", "USER", "LOGNAME", "TMPDIR"} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// prepareTemplate makes a booted prefix safe to copy:
//   - the user folders (Desktop, Documents...) are symlinks to the host's
//     home; real folders keep scripts from writing outside the prefix;
//   - Debian's Wine records its server socket folder in the file
//     "wineserver"; without it each copy gets a server folder of its own;
//   - Windows binaries become read-only: copies hard-link them (see
//     copyPrefix), and for a user other than root the kernel then refuses
//     a script that writes to one. Root writes anyway; checkShared catches
//     that afterwards.
func prepareTemplate(dir string) error {
	removeServerDir(dir)
	if err := os.Remove(filepath.Join(dir, "wineserver")); err != nil && !os.IsNotExist(err) {
		return err
	}
	users := filepath.Join(dir, "drive_c", "users")
	err := filepath.WalkDir(users, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		return os.Mkdir(path, 0o755)
	})
	if err != nil {
		return err
	}
	return filepath.WalkDir(filepath.Join(dir, "drive_c", "windows"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !shareable(path) {
			return err
		}
		return os.Chmod(path, 0o444)
	})
}

// shareable reports whether a prefix file is a Windows binary: 630 of the
// prefix's 700 MB, and never written by Wine after wineboot.
func shareable(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".dll", ".exe", ".drv", ".sys", ".ocx", ".cpl", ".acm", ".tlb", ".ax", ".ds":
		return true
	}
	return false
}
