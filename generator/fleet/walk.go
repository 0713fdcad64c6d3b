package fleet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// walk sends every .json file under path (a folder, a .zip or one file)
// to items. A path that cannot be read at all is an error; a file or
// folder under it that cannot be read is a problem of its own.
func walk(path string, send func(item), zips *[]io.Closer) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		walkFile(path, send, zips)
		return nil
	}
	walkDir(path, send, zips)
	return nil
}

// walkDir goes through a folder in name order, as filepath.WalkDir does,
// following no links. A share keeps every report in one folder, so the
// folder's names are held packed in one buffer (the name and two numbers
// each), not as a list of entries: 200,000 reports are a few MB, not tens.
func walkDir(dir string, send func(item), zips *[]io.Closer) {
	names, err := listDir(dir)
	if err != nil {
		send(item{name: dir, problem: err})
	}
	for _, e := range names.sorted() {
		p := filepath.Join(dir, names.name(e))
		switch names.kind[e] {
		case kindDir:
			walkDir(p, send, zips)
		case kindFile:
			walkFile(p, send, zips)
		}
	}
}

// The kinds of entry walkDir tells apart; links and devices are skipped.
const (
	kindOther byte = iota
	kindDir
	kindFile
)

// dirNames is a folder's entries: their names one after another in text,
// where each starts in start, and what each is in kind.
type dirNames struct {
	text  []byte
	start []uint32
	kind  []byte
}

func (d *dirNames) name(i uint32) string { return string(d.raw(i)) }

func (d *dirNames) raw(i uint32) []byte {
	end := uint32(len(d.text))
	if int(i)+1 < len(d.start) {
		end = d.start[i+1]
	}
	return d.text[d.start[i]:end]
}

// sorted returns the entries' numbers in name order.
func (d *dirNames) sorted() []uint32 {
	order := make([]uint32, len(d.start))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return bytes.Compare(d.raw(a), d.raw(b)) })
	return order
}

// listDir reads a folder's entries a batch at a time; what it read before
// an error is kept.
func listDir(dir string) (*dirNames, error) {
	d := &dirNames{}
	f, err := os.Open(dir)
	if err != nil {
		return d, err
	}
	defer f.Close()
	for {
		batch, err := f.ReadDir(1024)
		for _, e := range batch {
			d.start = append(d.start, uint32(len(d.text)))
			d.text = append(d.text, e.Name()...)
			switch {
			case e.IsDir():
				d.kind = append(d.kind, kindDir)
			case e.Type().IsRegular():
				d.kind = append(d.kind, kindFile)
			default:
				d.kind = append(d.kind, kindOther)
			}
		}
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return d, err
		}
	}
}

func walkFile(p string, send func(item), zips *[]io.Closer) {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".json":
		send(item{name: p, open: func() (io.ReadCloser, error) { return os.Open(p) }})
	case ".zip":
		walkZip(p, send, zips)
	default:
		send(item{name: p, other: true})
	}
}

// walkZip sends the .json entries of a zip of a share (or of a copy). The
// zip stays open until Read has read every entry.
func walkZip(p string, send func(item), zips *[]io.Closer) {
	z, err := zip.OpenReader(p)
	if err != nil {
		send(item{name: p, problem: fmt.Errorf("not a readable .zip: %w", err)})
		return
	}
	*zips = append(*zips, z)
	for _, f := range z.File {
		switch {
		case f.FileInfo().IsDir():
		case strings.EqualFold(filepath.Ext(f.Name), ".json"):
			send(item{name: p + "!" + f.Name, open: f.Open})
		default:
			send(item{name: p + "!" + f.Name, other: true})
		}
	}
}
