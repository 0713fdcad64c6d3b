package fleet

import (
	"cmp"
	"container/heap"
	"slices"
)

// ProblemsListed is how many files that are not usable a summary names:
// the first ones by name. The rest are counted, so a share holding a copy
// of every report, or a folder of something else, costs a bounded amount
// of memory and still says how many files it left out.
const ProblemsListed = 1000

// Problem is a file that was not read as a report, and why.
type Problem struct {
	File   string
	Reason string
}

func compareProblems(a, b Problem) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Reason, b.Reason))
}

// problems keeps the first ProblemsListed problems by name, whatever the
// order they come in, and counts the others.
type problems struct {
	last     lastFirst // a heap whose top is the last name kept
	unlisted int
}

func (p *problems) add(x Problem) {
	if len(p.last) < ProblemsListed {
		heap.Push(&p.last, x)
		return
	}
	p.unlisted++
	if compareProblems(x, p.last[0]) < 0 {
		p.last[0] = x
		heap.Fix(&p.last, 0)
	}
}

// sorted returns the problems kept, by name.
func (p *problems) sorted() []Problem {
	out := slices.Clone([]Problem(p.last))
	slices.SortFunc(out, compareProblems)
	return out
}

// lastFirst is a heap of problems, the one last by name on top.
type lastFirst []Problem

func (h lastFirst) Len() int           { return len(h) }
func (h lastFirst) Less(i, j int) bool { return compareProblems(h[i], h[j]) > 0 }
func (h lastFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *lastFirst) Push(x any)        { *h = append(*h, x.(Problem)) }
func (h *lastFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
