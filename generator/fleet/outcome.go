package fleet

// Outcome is what a run means for its machine.
type Outcome string

// The outcomes, in the order a summary lists them: what needs attention
// first.
const (
	Failed  Outcome = "failed"  // a step failed (exit 1)
	Refused Outcome = "refused" // the bundle changed nothing: not elevated, wrong Windows, damaged...
	Pending Outcome = "pending" // long steps handed to a task that has not reported yet (/gpo)
	Restart Outcome = "restart" // fixed, and a restart is needed to finish (3010)
	Fixed   Outcome = "fixed"   // at least one step changed something, none failed
	Nothing Outcome = "nothing" // every step found nothing to do
	Undone  Outcome = "undone"  // an /undo run put back an earlier run
)

// Outcomes lists every outcome in summary order.
var Outcomes = outcomes[:]

var outcomes = [...]Outcome{Failed, Refused, Pending, Restart, Fixed, Nothing, Undone}

// Title is an outcome as a summary heads it.
func (o Outcome) Title() string {
	return map[Outcome]string{
		Failed: "failed", Refused: "refused", Pending: "deferred, not finished", Restart: "fixed, restart needed",
		Fixed: "fixed", Nothing: "nothing to do", Undone: "undone",
	}[o]
}

// exitMeanings are run.cmd's exit codes other than 0, 1 and 3010 (the
// table in every bundle's README): the reasons a run is refused.
var exitMeanings = map[int]string{
	2:  "bad argument",
	3:  "nothing to undo",
	4:  "not elevated",
	5:  "wrong Windows version for this bundle",
	6:  "damaged bundle (SHA256SUMS)",
	7:  "32-bit prompt with no way to 64-bit",
	8:  "another wufix run was working",
	9:  "restart first: a restart is pending",
	10: "no protected local copy could be made",
	11: "no plan answers the failing codes found (/auto)",
}

// ExitMeaning names an exit code as the bundle README does.
func ExitMeaning(code int) string {
	switch code {
	case 0:
		return "done"
	case 1:
		return "a step failed"
	case 3010:
		return "done, restart needed"
	}
	if m, ok := exitMeanings[code]; ok {
		return m
	}
	return "unknown exit code"
}

// Outcome classifies a report by its exit code, its mode and its steps.
func (r *Report) Outcome() Outcome {
	code := *r.ExitCode
	switch {
	case code == 1:
		return Failed
	case code == 3010:
		return Restart
	case code != 0:
		return Refused
	case r.Mode == "undo":
		return Undone
	}
	outcome := Nothing
	for _, s := range r.Steps {
		switch s.Status {
		case "deferred":
			return Pending
		case "done":
			outcome = Fixed
		}
	}
	return outcome
}
