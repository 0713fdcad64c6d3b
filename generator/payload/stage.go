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
	"sync/atomic"

	"github.com/wufix/wufix/generator/bundle"
)

// StageOptions tune Stage.
type StageOptions struct {
	// Progress, when set, is told how many bytes were just copied.
	Progress func(n int64)
	// Sign, when set, may rewrite a staged file in place (Authenticode for
	// .cab files) and says whether it did; the file is then hashed again.
	Sign func(path string) (bool, error)
}

// staged is one file already placed in one bundle.
type staged struct {
	rel, path, sum string
	size           int64
}

// Stage copies every file into stage/<target>/packages/<name>, hashing it
// on the way: each source is read once, through a pipeline in which
// reading, writing and hashing overlap, with a fixed 4 MiB of buffers
// whatever the file sizes. A file that several bundles take is written once
// and hard-linked (copied where links are refused). Two files with the same
// name in one bundle (compared without case, as Windows does) must have the
// same contents; the second is then dropped. It returns, per target, the
// entries its manifest.json and SHA256SUMS list.
func Stage(files []File, stage string, opt StageOptions) (map[string][]bundle.Entry, error) {
	files = append([]File{}, files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Rel < files[j].Rel })
	placed := map[string]staged{} // by target + "/" + lower-case name
	out := map[string][]bundle.Entry{}
	for _, f := range files {
		var fresh, again []string
		for _, t := range f.Targets {
			key := t + "/" + strings.ToLower(f.Name)
			if _, ok := placed[key]; ok {
				again = append(again, key)
			} else {
				fresh = append(fresh, t)
			}
		}
		first := filepath.Join(stage, ".payload-compare")
		if len(fresh) > 0 {
			first = filepath.Join(stage, fresh[0], Folder, f.Name)
		}
		sum, size, err := place1(f, first, opt)
		if err != nil {
			return nil, err
		}
		for _, key := range again {
			if p := placed[key]; p.sum != sum {
				return nil, fmt.Errorf("payload: %s and %s have the same name in the %s bundle but different contents", p.rel, f.Rel, path.Dir(key))
			}
		}
		if len(fresh) == 0 {
			if err := os.Remove(first); err != nil {
				return nil, fmt.Errorf("payload: %w", err)
			}
			continue
		}
		for i, t := range fresh {
			dst := filepath.Join(stage, t, Folder, f.Name)
			if i > 0 {
				if err := duplicate(first, dst); err != nil {
					return nil, fmt.Errorf("payload: %s: %w", f.Rel, err)
				}
			}
			placed[t+"/"+strings.ToLower(f.Name)] = staged{rel: f.Rel, path: dst, sum: sum, size: size}
			out[t] = append(out[t], bundle.Entry{Path: Folder + "/" + f.Name, Size: size, SHA256: sum})
		}
	}
	return out, nil
}

// place1 copies one source to dst and returns its digest and size, signing
// the copy when asked.
func place1(f File, dst string, opt StageOptions) (string, int64, error) {
	sum, size, err := copyFile(f.Src, dst, opt.Progress)
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

// copyFile copies src, which must be the regular file Scan saw and not a
// link to one, to a new file dst, hashing it on the way.
func copyFile(src, dst string, progress func(int64)) (string, int64, error) {
	before, err := os.Lstat(src)
	if err != nil {
		return "", 0, err
	}
	in, err := os.Open(src)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	now, err := in.Stat()
	if err != nil {
		return "", 0, err
	}
	if !before.Mode().IsRegular() || !os.SameFile(before, now) {
		return "", 0, errors.New("changed into something other than a regular file while being read")
	}
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
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
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
		sum, size, err := hashFile(f.Src)
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
