package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// listed is how many names a text summary prints in one line before it
// says how many more there are; CSV and JSON list every one.
const listed = 8

// Text writes the summary for a terminal.
func (s *Summary) Text(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%d machines, %d reports", len(s.Machines), s.Reports)
	if n := s.NotUsable(); n > 0 {
		fmt.Fprintf(ew, ", %d files not usable", n)
	}
	if s.Others > 0 {
		fmt.Fprintf(ew, ", %d other files skipped", s.Others)
	}
	fmt.Fprintln(ew)
	s.textOutcomes(ew)
	s.textGroups(ew, "bundle", s.Bundles)
	s.textGroups(ew, "plan", s.Plans)
	s.textFailures(ew)
	s.textSteps(ew)
	s.textTail(ew)
	return ew.err
}

func (s *Summary) textOutcomes(w io.Writer) {
	fmt.Fprintln(w, "\nOutcome of each machine's newest run")
	for _, o := range Outcomes {
		if names := s.Outcomes[o]; len(names) > 0 {
			fmt.Fprintf(w, "  %-24s %6d  %s\n", o.Title(), len(names), some(names))
		}
	}
}

func (s *Summary) textGroups(w io.Writer, by string, groups []Group) {
	fmt.Fprintf(w, "\nBy %s\n", by)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  %s\t", by)
	for _, o := range Outcomes {
		fmt.Fprintf(tw, "%s\t", o)
	}
	fmt.Fprintln(tw)
	for _, g := range groups {
		fmt.Fprintf(tw, "  %s\t", g.Name)
		for _, o := range Outcomes {
			fmt.Fprintf(tw, "%d\t", g.Counts[o])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func (s *Summary) textFailures(w io.Writer) {
	if len(s.Failures) == 0 {
		return
	}
	fmt.Fprintln(w, "\nWhy machines failed or were refused, most machines first")
	for _, f := range s.Failures {
		fmt.Fprintf(w, "  %s: %d machines: %s\n", f.Title(), len(f.Machines), some(f.Machines))
	}
}

// Title says a failure in one line.
func (f Failure) Title() string {
	if f.Step == "" {
		return fmt.Sprintf("refused, exit %d (%s)", f.ExitCode, f.Reason)
	}
	t := fmt.Sprintf("step %s failed, exit %d", f.Step, f.ExitCode)
	if f.Reason != "" {
		t += " (" + f.Reason + ")"
	}
	return t
}

// StepStatuses are the statuses a report gives a step, in column order.
var StepStatuses = []string{"done", "not needed", "failed", "skipped", "deferred", "undone"}

func (s *Summary) textSteps(w io.Writer) {
	if len(s.Steps) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSteps in the newest runs")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  step\t%s\t\n", strings.Join(StepStatuses, "\t"))
	for _, st := range s.Steps {
		fmt.Fprintf(tw, "  %s\t", st.ID)
		for _, status := range StepStatuses {
			fmt.Fprintf(tw, "%d\t", st.Status[status])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func (s *Summary) textTail(w io.Writer) {
	if s.Age > 0 {
		names := make([]string, len(s.Old))
		for i, m := range s.Old {
			names[i] = m.Name
		}
		fmt.Fprintf(w, "\nNo report for more than %s: %d machines %s\n", AgeText(s.Age), len(names), some(names))
	}
	if s.Missing != nil {
		fmt.Fprintf(w, "\nNever reported: %d machines %s\n", len(s.Missing), some(s.Missing))
	}
	if len(s.Problems) > 0 {
		fmt.Fprintln(w, "\nFiles not usable")
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.File, p.Reason)
		}
		if s.ProblemsUnlisted > 0 {
			fmt.Fprintf(w, "  and %d more, not listed (the first %d by name are)\n", s.ProblemsUnlisted, len(s.Problems))
		}
	}
}

// AgeText says an age in days when it is whole days (30 days), else as
// Go writes durations (12h0m0s).
func AgeText(d time.Duration) string {
	const day = 24 * time.Hour
	if d > 0 && d%day == 0 {
		return fmt.Sprintf("%d days", d/day)
	}
	return d.String()
}

// some lists the first names and says how many more there are.
func some(names []string) string {
	if len(names) <= listed {
		return strings.Join(names, " ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:listed], " "), len(names)-listed)
}

// errWriter keeps the first write error, so a summary written to a closed
// pipe fails instead of looking done.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
