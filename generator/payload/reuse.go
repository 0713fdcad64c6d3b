package payload

import (
	"bufio"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wufix/wufix/generator/verify"
)

// DigestsName is the file at the top of the output folder that records,
// for each payload file a build staged, its digest and what its source
// and the staged copy were like then (see Stage). It is the builder's
// bookkeeping, like the owner record, not part of the build.
const DigestsName = verify.DigestsName

// digestsHeader opens the record and says what it is to whoever finds it.
const digestsHeader = "# wufix: digests of the staged payload files, so a rebuild copies only what changed\n" +
	"# staged path, sha256, staged size, staged mtime (ns), source (ZIP!/MEMBER for a package in a .zip), source size, source mtime (ns), source identity\n"

// settle is how old a source's modification time must be for its digest
// to be recorded: a file written in the same tick as its copy could change
// again without its size or time telling (file systems keep times in
// ticks of up to 2 seconds, FAT's), so such a file is hashed next time.
const settle = 3 * time.Second

// recorded is what one line of the record says about one staged file.
type recorded struct {
	sum              string
	size, time       int64 // the staged file's
	src              string
	srcSize, srcTime int64
	srcID            string
}

// digests is a record: staged slash path (target/packages/name) to line.
type digests map[string]recorded

// readDigests reads dir's record. A missing, unreadable or damaged one
// is an empty one: every file is then hashed again, which is slower and
// never wrong.
func readDigests(dir string) digests {
	f, err := os.Open(filepath.Join(dir, DigestsName))
	if err != nil {
		return nil
	}
	defer f.Close()
	d := digests{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rel, r, ok := parseDigest(line)
		if !ok {
			return nil
		}
		d[rel] = r
	}
	if sc.Err() != nil {
		return nil
	}
	return d
}

// parseDigest reads one tab-separated line of the record.
func parseDigest(line string) (string, recorded, bool) {
	p := strings.Split(line, "\t")
	if len(p) != 8 || !fs.ValidPath(p[0]) || len(p[1]) != 64 {
		return "", recorded{}, false
	}
	var n [4]int64
	for i, s := range []string{p[2], p[3], p[5], p[6]} {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", recorded{}, false
		}
		n[i] = v
	}
	return p[0], recorded{sum: p[1], size: n[0], time: n[1], src: p[4], srcSize: n[2], srcTime: n[3], srcID: p[7]}, true
}

// write puts the record into p. A source path holding a tab or a line
// break cannot be recorded; its file is hashed again next time.
func (d digests) write(p string) error {
	var b strings.Builder
	b.WriteString(digestsHeader)
	for _, rel := range slices.Sorted(maps.Keys(d)) {
		r := d[rel]
		if strings.ContainsAny(r.src, "\t\r\n") {
			continue
		}
		fmt.Fprintf(&b, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\n", rel, r.sum, r.size, r.time, r.src, r.srcSize, r.srcTime, r.srcID)
	}
	return os.WriteFile(p, []byte(b.String()), 0o644)
}

// previous is the earlier build a Stage may take files from.
type previous struct {
	dir, stage string
	rec        digests
	moved      *moves
}

// reuse gives dst, in the staging folder, the file the previous build
// staged from the same source, by a hard link (moved, where the file
// system has none: see MovedName), when the source has the
// size, time and identity recorded and the staged file the size and time
// recorded: the recorded digest then still holds, and nothing is read.
// Anything else (no record, a doubt) returns false, and the file is
// copied and hashed as new.
func (p *previous) reuse(f File, dst string) (string, int64, bool) {
	if p == nil || f.seen == nil {
		return "", 0, false
	}
	rel, err := filepath.Rel(p.stage, dst)
	if err != nil {
		return "", 0, false
	}
	r, ok := p.rec[filepath.ToSlash(rel)]
	if !ok || r.src != f.origin() || !sameSource(f, r) {
		return "", 0, false
	}
	old, err := os.Lstat(filepath.Join(p.dir, rel))
	if err != nil || !old.Mode().IsRegular() || old.Size() != r.size || old.ModTime().UnixNano() != r.time {
		return "", 0, false
	}
	if os.MkdirAll(filepath.Dir(dst), 0o755) != nil {
		return "", 0, false
	}
	from := filepath.Join(p.dir, rel)
	linked := Link(from, dst) == nil
	if !linked && p.moved.move(p.dir, filepath.ToSlash(rel)) != nil {
		return "", 0, false
	}
	// The name could have been given another file between the look and
	// the link: the link must be to the file looked at. A file moved is
	// put back.
	if now, err := os.Lstat(dst); err != nil || !os.SameFile(now, old) {
		if linked {
			os.Remove(dst)
		} else {
			os.Rename(dst, from)
		}
		return "", 0, false
	}
	return r.sum, r.size, true
}

// origin is where f's bytes come from, as the record names it: the source
// path, and for a package in a .zip the member's path after "!/". An
// unchanged .zip (its size, time and identity) has unchanged members, so
// its packages are taken from the previous build without inflating or
// hashing anything.
func (f File) origin() string {
	if f.Member == "" {
		return f.Src
	}
	return f.Src + "!/" + f.Member
}

// sameSource reports whether the source of f is still the file recorded
// in r, and the file Scan saw.
func sameSource(f File, r recorded) bool {
	named, err := os.Lstat(f.Src)
	if err != nil || !named.Mode().IsRegular() || len(drift(f.seen, named, named)) > 0 {
		return false
	}
	if named.Size() != r.srcSize || named.ModTime().UnixNano() != r.srcTime {
		return false
	}
	id, err := fileID(f.Src, named)
	return err == nil && id == r.srcID
}

// note is the record's line for a file just staged at dst (slash path
// rel) from f with digest sum, or false when it is better not recorded.
func note(f File, dst, sum string, now time.Time) (recorded, bool) {
	if f.seen == nil || now.Sub(f.seen.ModTime()) < settle {
		return recorded{}, false
	}
	st, err := os.Lstat(dst)
	if err != nil {
		return recorded{}, false
	}
	id, err := fileID(f.Src, f.seen)
	if err != nil {
		return recorded{}, false
	}
	return recorded{
		sum: sum, size: st.Size(), time: st.ModTime().UnixNano(),
		src: f.origin(), srcSize: f.seen.Size(), srcTime: f.seen.ModTime().UnixNano(), srcID: id,
	}, true
}
