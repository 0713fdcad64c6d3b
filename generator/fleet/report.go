// Package fleet reads back the JSON reports that bundles copy to a share
// (/report:\\server\share) and turns thousands of them into one answer:
// which machines were fixed, need a restart, failed and why, were refused,
// or never reported. Reports are streamed: each file is read, reduced to
// what the summary needs and dropped, so memory follows the number of
// machines (RunsKept runs of each at most), not the number or the size of
// the files.
package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Version is the newest report format this package reads. Bundles write
// it as "report_version"; reports from before the field existed are
// version 0, the same fields without it. docs/report.schema.json is the
// published form of version 1.
const Version = 1

// MaxSize bounds one report file. A bundle's report is a few KiB (one line
// per step); anything larger is not one, and is not read into memory.
const MaxSize = 1 << 20

// Report is one run of one bundle on one machine, as its JSON says.
type Report struct {
	Version   int    `json:"report_version"`
	Generated string `json:"generated"`
	Bundle    string `json:"bundle"`
	BundleVer string `json:"bundle_version"`
	Computer  string `json:"computer"`
	Run       string `json:"run"`
	Mode      string `json:"mode"`
	Plan      string `json:"plan"`
	Build     string `json:"windows_build"`
	Started   string `json:"started"`
	Finished  string `json:"finished"`
	ExitCode  *int   `json:"exit_code"`
	Log       string `json:"log"`
	Steps     []Step `json:"steps"`

	// rawComputer is computer's bytes as the file holds them, when they
	// are not UTF-8 (see Parse); Computer then has U+FFFD for its letters.
	rawComputer string
}

// Step is one step's line in a report.
type Step struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
	Before   string `json:"before"`
	After    string `json:"after"`
}

// Parse reads one report. The error says in plain words why a file is not
// a report this package can use.
func Parse(data []byte) (*Report, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than %d KiB: not a wufix report", MaxSize>>10)
	}
	data, err := text(data)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := decode(data, &r); err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	// run.cmd writes %COMPUTERNAME% in the OEM code page (CP866 on a
	// Russian Windows), so a name beyond ASCII is not UTF-8 and reads
	// with U+FFFD for each letter: "ПК-1" and "ПС-1" would be one machine.
	// Its bytes are kept to tell such machines apart (Collector.Add).
	if strings.ContainsRune(r.Computer, utf8.RuneError) {
		if raw := computerBytes(data); !utf8.ValidString(raw) {
			r.rawComputer = raw
		}
	}
	return &r, nil
}

// text returns data as UTF-8 without a byte-order mark. A report that was
// opened and saved again on Windows may come back as UTF-16 (Notepad,
// PowerShell's Out-File); it is read as such.
func text(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return utf16Text(data[2:], func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 })
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return utf16Text(data[2:], func(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 })
	}
	return data, nil
}

func utf16Text(data []byte, unit func([]byte) uint16) ([]byte, error) {
	if len(data)%2 != 0 {
		return nil, errors.New("UTF-16 text with an odd number of bytes: cut short")
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = unit(data[2*i:])
	}
	return []byte(string(utf16.Decode(units))), nil
}

// position turns a byte offset into line:col, both from 1.
func position(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}

// check refuses what parses as JSON but is no wufix report.
func (r *Report) check() error {
	if r.Generated != "wufix" {
		return errors.New(`no "generated": "wufix": not a wufix report`)
	}
	if r.Version > Version {
		return fmt.Errorf("report version %d, from a newer wufix (this one reads up to %d)", r.Version, Version)
	}
	if r.Version < 0 {
		return fmt.Errorf("report version %d", r.Version)
	}
	var missing []string
	for name, v := range map[string]string{"bundle": r.Bundle, "computer": r.Computer, "run": r.Run, "mode": r.Mode} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if r.ExitCode == nil {
		missing = append(missing, "exit_code")
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("no %s: not a whole wufix report", strings.Join(missing, ", "))
	}
	return nil
}
