package compare

import (
	"fmt"
	"strings"
)

// maxShown bounds how many differing lines one file's report shows.
const maxShown = 40

// Lines is a small unified-style line diff: the common prefix and suffix
// are skipped and the middle is aligned by longest common subsequence,
// which is plenty for the size of generated scripts.
func Lines(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	pre := 0
	for pre < len(w) && pre < len(g) && w[pre] == g[pre] {
		pre++
	}
	suf := 0
	for suf < len(w)-pre && suf < len(g)-pre && w[len(w)-1-suf] == g[len(g)-1-suf] {
		suf++
	}
	wm, gm := w[pre:len(w)-suf], g[pre:len(g)-suf]
	var out []string
	out = append(out, fmt.Sprintf("@@ line %d (- want, + have) @@", pre+1))
	for _, op := range lcsOps(wm, gm) {
		if len(out) > maxShown {
			out = append(out, "... (more differences)")
			break
		}
		out = append(out, op)
	}
	return strings.Join(out, "\n")
}

// lcsOps turns two line slices into " ", "-" and "+" lines.
func lcsOps(a, b []string) []string {
	if len(a)*len(b) > 4_000_000 {
		// Too large to align: show both sides plainly.
		var out []string
		for _, l := range a {
			out = append(out, "-"+l)
		}
		for _, l := range b {
			out = append(out, "+"+l)
		}
		return out
	}
	n, m := len(a), len(b)
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, " "+a[i])
			i, j = i+1, j+1
		case i < n && (j == m || dp[i+1][j] >= dp[i][j+1]):
			out = append(out, "-"+a[i])
			i++
		default:
			out = append(out, "+"+b[j])
			j++
		}
	}
	return out
}
