package payload

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wufix/wufix/generator/bundle"
)

// StageOptions tune Stage.
type StageOptions struct {
	// Progress, when set, is told how many bytes were just copied.
	Progress func(n int64)
	// Sign, when set, may rewrite a staged file in place (Authenticode for
	// .cab files) and says whether it did; the file is then hashed again.
	// A signed build takes nothing from the previous one: the signature
	// depends on the certificate, and signing a linked file in place would
	// change the previous build's copy too.
	Sign func(path string) (bool, error)
	// Previous, when set, is the output folder the staging folder is in:
	// files staged there by the previous build from sources that did not
	// change are linked (moved where the file system has no links: see
	// MovedName), not copied (see DigestsName).
	Previous string
	// now is the clock, for the record.
	now func() time.Time
}

// staged is one file already placed in one bundle.
type staged struct {
	rel, path, sum string
	size           int64
}

// Stage copies every file into stage/<target>/packages/<name>, hashing it
// on the way: each source is read once, through a pipeline in which
// reading, writing and hashing overlap, with a fixed 4 MiB of buffers per
// file being copied, and two files copied at a time (SHA-256 is serial
// within a file, so the second core hashes another), whatever the sizes. A
// file that several bundles take is written once and hard-linked (copied
// where links are refused). Two files with the same name in one bundle
// (compared without case, as Windows does) must have the same contents;
// the second is then dropped. It returns, per target, the entries its
// manifest.json and SHA256SUMS list.
func Stage(files []File, stage string, opt StageOptions) (map[string][]bundle.Entry, error) {
	jobs := claim(files, stage)
	var prev *previous
	if opt.Previous != "" && opt.Sign == nil {
		prev = &previous{dir: opt.Previous, stage: stage, rec: readDigests(opt.Previous), moved: &moves{stage: stage}}
	}
	if opt.Progress != nil {
		var mu sync.Mutex
		progress := opt.Progress
		opt.Progress = func(n int64) { mu.Lock(); progress(n); mu.Unlock() }
	}
	if err := copyAll(jobs, prev, opt); err != nil {
		return nil, err
	}
	if err := record(jobs, stage, opt); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	placed := map[string]*job{}
	out := map[string][]bundle.Entry{}
	for _, j := range jobs {
		for _, key := range j.again {
			if p := placed[key]; p.sum != j.sum {
				return nil, fmt.Errorf("payload: %s and %s have the same name in the %s bundle but different contents", p.file.Rel, j.file.Rel, path.Dir(key))
			}
		}
		if len(j.fresh) == 0 {
			if err := os.Remove(j.dst); err != nil {
				return nil, fmt.Errorf("payload: %w", err)
			}
			continue
		}
		for i, t := range j.fresh {
			if i > 0 {
				if err := duplicate(j.dst, filepath.Join(stage, t, Folder, j.file.Name)); err != nil {
					return nil, fmt.Errorf("payload: %s: %w", j.file.Rel, err)
				}
			}
			placed[t+"/"+strings.ToLower(j.file.Name)] = j
			out[t] = append(out[t], bundle.Entry{Path: Folder + "/" + j.file.Name, Size: j.size, SHA256: j.sum})
		}
	}
	return out, nil
}

// record writes the staging folder's DigestsName for the files it gives
// the bundles, which the build moves beside its owner record; an unsigned
// build only.
func record(jobs []*job, stage string, opt StageOptions) error {
	if opt.Sign != nil {
		return nil
	}
	now := time.Now
	if opt.now != nil {
		now = opt.now
	}
	d := digests{}
	for _, j := range jobs {
		rel, err := filepath.Rel(stage, j.dst)
		if err != nil || len(j.fresh) == 0 {
			continue
		}
		if r, ok := note(j.file, j.dst, j.sum, now()); ok {
			d[filepath.ToSlash(rel)] = r
		}
	}
	return d.write(filepath.Join(stage, DigestsName))
}

// job is one source to copy: the bundles it is the first to give its name
// (fresh), those where an earlier file has the name already (again, to
// compare), and where it is copied first.
type job struct {
	file         File
	fresh, again []string
	dst, sum     string
	size         int64
}

// claim decides, before anything is read, which file gives each bundle
// each name: the first by path. A file that gives none is copied aside
// only to be compared.
func claim(files []File, stage string) []*job {
	files = append([]File{}, files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Rel < files[j].Rel })
	claimed := map[string]bool{}
	var jobs []*job
	for i, f := range files {
		j := &job{file: f}
		for _, t := range f.Targets {
			key := t + "/" + strings.ToLower(f.Name)
			if claimed[key] {
				j.again = append(j.again, key)
			} else {
				claimed[key] = true
				j.fresh = append(j.fresh, t)
			}
		}
		j.dst = filepath.Join(stage, fmt.Sprintf(".payload-compare-%d", i))
		if len(j.fresh) > 0 {
			j.dst = filepath.Join(stage, j.fresh[0], Folder, f.Name)
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// workers is how many files are copied at once: three keep both cores
// hashing while a copy waits for the disk to take its writes (a payload
// larger than the page cache: 20 GiB staged in 0.8x the time two took).
const workers = 3

// copyAll copies every job, workers at a time, or takes it from the previous
// build; the first error stops the rest.
func copyAll(jobs []*job, prev *previous, opt StageOptions) error {
	next := make(chan *job)
	errs := make(chan error, len(jobs))
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if failed.Load() {
					continue
				}
				var ok bool
				if j.sum, j.size, ok = prev.reuse(j.file, j.dst); ok {
					continue
				}
				var err error
				if j.sum, j.size, err = place1(j.file, j.dst, opt); err != nil {
					failed.Store(true)
					errs <- err
				}
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

// place1 copies one source to dst and returns its digest and size, signing
// the copy when asked.
func place1(f File, dst string, opt StageOptions) (string, int64, error) {
	sum, size, err := copyFile(f, dst, opt.Progress)
	if err != nil {
		return "", 0, fmt.Errorf("payload: %s: %w", f.Rel, err)
	}
	if opt.Sign == nil {
		return sum, size, nil
	}
	changed, err := opt.Sign(dst)
	if err != nil || !changed {
		return sum, size, err
	}
	return hashFile(dst)
}

// copyFile copies the source of f, which must be the regular file Scan
// saw and not a link to one, to a new file dst, hashing it on the way; a
// source that changes meanwhile is refused.
func copyFile(f File, dst string, progress func(int64)) (string, int64, error) {
	in, err := open(f)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", 0, err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := pipe(in, out, h, progress)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err = in.done(n, err); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// hashSource digests the source of f in place, refusing it when it changes
// meanwhile, as copyFile does.
func hashSource(f File) (string, int64, error) {
	in, err := open(f)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, in, make([]byte, chunkSize))
	return hex.EncodeToString(h.Sum(nil)), n, in.done(n, err)
}

// hashFile digests a file already staged (after signing changed it).
func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, chunkSize))
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// duplicate gives a second bundle the same staged file: a hard link where
// the file system has them, a copy otherwise.
func duplicate(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in) // copy_file_range where the kernel has it
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

const (
	chunkSize = 1 << 20
	chunks    = 4
)

// pipe copies r to w and feeds the same bytes to h. Three goroutines hand
// a fixed set of buffers round: the reader fills one, the writer writes it,
// the hasher (the caller) digests it and hands it back, so reading, writing
// and hashing overlap on different chunks while each chunk is read once.
func pipe(r io.Reader, w io.Writer, h hash.Hash, progress func(int64)) (int64, error) {
	free := make(chan []byte, chunks)
	for range chunks {
		free <- make([]byte, chunkSize)
	}
	filled := make(chan []byte, chunks)
	written := make(chan []byte, chunks)
	var stop atomic.Bool
	var readErr, writeErr error
	go func() {
		defer close(filled)
		for buf := range free {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				filled <- buf[:n]
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			if stop.Load() {
				return
			}
		}
	}()
	go func() {
		defer close(written)
		for buf := range filled {
			if writeErr == nil {
				if _, err := w.Write(buf); err != nil {
					writeErr = err
					stop.Store(true)
				}
			}
			written <- buf
		}
	}()
	var total int64
	for buf := range written {
		h.Write(buf)
		total += int64(len(buf))
		if progress != nil {
			progress(int64(len(buf)))
		}
		free <- buf[:cap(buf)]
	}
	return total, errors.Join(readErr, writeErr)
}

// Digests returns the entries Stage would return, by hashing the sources
// in place: what `wufix check` compares a written build with. Signing
// cannot be predicted without signing, so it refuses a signer's work.
func Digests(files []File) (map[string][]bundle.Entry, error) {
	files = append([]File{}, files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Rel < files[j].Rel })
	placed := map[string]staged{}
	out := map[string][]bundle.Entry{}
	for _, f := range files {
		sum, size, err := hashSource(f)
		if err != nil {
			return nil, fmt.Errorf("payload: %s: %w", f.Rel, err)
		}
		for _, t := range f.Targets {
			key := t + "/" + strings.ToLower(f.Name)
			if p, ok := placed[key]; ok {
				if p.sum != sum {
					return nil, fmt.Errorf("payload: %s and %s have the same name in the %s bundle but different contents", p.rel, f.Rel, t)
				}
				continue
			}
			placed[key] = staged{rel: f.Rel, sum: sum, size: size}
			out[t] = append(out[t], bundle.Entry{Path: Folder + "/" + f.Name, Size: size, SHA256: sum})
		}
	}
	return out, nil
}
