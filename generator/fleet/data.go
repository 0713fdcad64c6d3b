package fleet

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Row is one machine as CSV, JSON and the HTML page show it.
type Row struct {
	Computer      string  `json:"computer"`
	Outcome       Outcome `json:"outcome"`
	Bundle        string  `json:"bundle"`
	BundleVersion string  `json:"bundle_version"`
	Plan          string  `json:"plan"`
	Mode          string  `json:"mode"`
	Run           string  `json:"run"`
	Finished      string  `json:"finished"`
	ExitCode      int     `json:"exit_code"`
	ExitMeaning   string  `json:"exit_meaning"`
	WindowsBuild  string  `json:"windows_build"`
	FailedSteps   string  `json:"failed_steps"`
	Runs          int     `json:"runs"`
	History       string  `json:"history"` // earlier outcomes, oldest first
	Log           string  `json:"log"`

	// Runs older than the ones kept in detail (RunsKept), by outcome.
	OlderRuns     int             `json:"older_runs,omitempty"`
	OlderOutcomes map[Outcome]int `json:"older_outcomes,omitempty"`
}

// Rows returns one row per machine, in name order.
func (s *Summary) Rows() []Row {
	rows := make([]Row, len(s.Machines))
	for i, m := range s.Machines {
		r := m.Newest
		var failed []string
		for _, st := range r.Steps {
			if st.Status == "failed" {
				failed = append(failed, st.ID)
			}
		}
		rows[i] = Row{
			Computer: m.Name, Outcome: m.Outcome, Bundle: r.Bundle, BundleVersion: r.BundleVer,
			Plan: r.Plan, Mode: r.Mode, Run: r.Run, Finished: r.Finished,
			ExitCode: *r.ExitCode, ExitMeaning: ExitMeaning(*r.ExitCode), WindowsBuild: r.Build,
			FailedSteps: strings.Join(failed, " "), Runs: m.Runs(), History: m.history(), Log: r.Log,
			OlderRuns: m.Older, OlderOutcomes: m.OlderOutcomes(),
		}
	}
	return rows
}

// history says the earlier runs' outcomes, oldest first; runs older than
// the kept ones lead, counted: "12 older (3 failed, 9 fixed); failed fixed".
func (m *Machine) history() string {
	var b strings.Builder
	if m.Older > 0 {
		fmt.Fprintf(&b, "%d older (", m.Older)
		sep := ""
		for i, o := range Outcomes {
			if n := m.olderBy[i]; n > 0 {
				fmt.Fprintf(&b, "%s%d %s", sep, n, o)
				sep = ", "
			}
		}
		b.WriteString(")")
		if len(m.History) > 0 {
			b.WriteString("; ")
		}
	}
	for i, p := range m.History {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(p.Outcome))
	}
	return b.String()
}

// csvHeader names the CSV columns, in Row's order.
var csvHeader = []string{"computer", "outcome", "bundle", "bundle_version", "plan", "mode", "run", "finished",
	"exit_code", "exit_meaning", "windows_build", "failed_steps", "runs", "history", "log"}

// CSV writes one line per machine, with a header line.
func (s *Summary) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, r := range s.Rows() {
		cw.Write([]string{r.Computer, string(r.Outcome), r.Bundle, r.BundleVersion, r.Plan, r.Mode, r.Run,
			r.Finished, strconv.Itoa(r.ExitCode), r.ExitMeaning, r.WindowsBuild, r.FailedSteps,
			strconv.Itoa(r.Runs), r.History, r.Log})
	}
	cw.Flush()
	return cw.Error()
}

// jsonSummary is the JSON form of a summary, for other tools.
type jsonSummary struct {
	Reports  int                  `json:"reports"`
	Others   int                  `json:"other_files"`
	Outcomes map[Outcome][]string `json:"outcomes"`
	Bundles  []jsonGroup          `json:"bundles"`
	Plans    []jsonGroup          `json:"plans"`
	Steps    []jsonStep           `json:"steps"`
	Failures []jsonFailure        `json:"failures"`
	Machines []Row                `json:"machines"`
	Old      []string             `json:"no_recent_report,omitempty"`
	Missing  []string             `json:"never_reported,omitempty"`
	Problems []jsonProblem        `json:"not_usable"`
	Unlisted int                  `json:"not_usable_unlisted,omitempty"` // beyond the first ProblemsListed
}

type jsonGroup struct {
	Name   string          `json:"name"`
	Counts map[Outcome]int `json:"counts"`
}

type jsonStep struct {
	ID     string         `json:"id"`
	Status map[string]int `json:"status"`
}

type jsonFailure struct {
	Step     string   `json:"step,omitempty"`
	ExitCode int      `json:"exit_code"`
	Reason   string   `json:"reason"`
	Machines []string `json:"machines"`
}

type jsonProblem struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// JSON writes the whole summary as one JSON object.
func (s *Summary) JSON(w io.Writer) error {
	out := jsonSummary{Reports: s.Reports, Others: s.Others, Outcomes: s.Outcomes, Machines: s.Rows(),
		Missing: s.Missing, Bundles: []jsonGroup{}, Plans: []jsonGroup{}, Steps: []jsonStep{},
		Failures: []jsonFailure{}, Problems: []jsonProblem{},
		Unlisted: s.ProblemsUnlisted}
	for _, g := range s.Bundles {
		out.Bundles = append(out.Bundles, jsonGroup(g))
	}
	for _, g := range s.Plans {
		out.Plans = append(out.Plans, jsonGroup(g))
	}
	for _, st := range s.Steps {
		out.Steps = append(out.Steps, jsonStep(st))
	}
	for _, f := range s.Failures {
		out.Failures = append(out.Failures, jsonFailure(f))
	}
	for _, m := range s.Old {
		out.Old = append(out.Old, m.Name)
	}
	for _, p := range s.Problems {
		out.Problems = append(out.Problems, jsonProblem(p))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
