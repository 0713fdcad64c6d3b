package fleet

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed page.html
var pageText string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"join": func(v any) string {
		switch v := v.(type) {
		case []string:
			return strings.Join(v, " ")
		case []*Machine:
			names := make([]string, len(v))
			for i, m := range v {
				names[i] = m.Name
			}
			return strings.Join(names, " ")
		}
		return fmt.Sprint(v)
	},
}).Parse(pageText))

// outcomeCard is one count at the top of the page.
type outcomeCard struct {
	Outcome Outcome
	Title   string
	Count   int
}

// HTML writes the summary as one self-contained page: its styles, script
// and data inline, nothing fetched from anywhere, so it opens from a share
// or a mail attachment on a machine with no network.
func (s *Summary) HTML(w io.Writer) error {
	var cards []outcomeCard
	for _, o := range Outcomes {
		cards = append(cards, outcomeCard{o, o.Title(), len(s.Outcomes[o])})
	}
	return page.Execute(w, map[string]any{
		"Machines": s.Machines, "Reports": s.Reports, "Problems": s.Problems, "NotUsable": s.NotUsable(),
		"Unlisted": s.ProblemsUnlisted, "Missing": s.Missing,
		"Old": s.Old, "Age": AgeText(s.Age), "Failures": s.Failures, "Outcomes": cards,
		"Chart": s.chart(), "Rows": s.Rows(),
	})
}

// colors are the outcomes' colors in the chart, matching the page's styles.
var colors = map[Outcome]string{
	Failed: "#b00020", Refused: "#a05a00", Pending: "#6a4c93", Restart: "#00639b",
	Fixed: "#1b7f3b", Nothing: "#9e9e9e", Undone: "#cfcfcf",
}

// chart draws one stacked bar per bundle, as inline SVG.
func (s *Summary) chart() template.HTML {
	const barW, rowH, label = 480.0, 22, 110
	most := 1
	for _, g := range s.Bundles {
		n := 0
		for _, c := range g.Counts {
			n += c
		}
		most = max(most, n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="chart" role="img" aria-label="outcomes per bundle" width="%d" height="%d">`,
		label+int(barW)+60, rowH*len(s.Bundles)+rowH)
	for i, g := range s.Bundles {
		y := i * rowH
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, y+15, template.HTMLEscapeString(g.Name))
		x, total := float64(label), 0
		for _, o := range Outcomes {
			n := g.Counts[o]
			if n == 0 {
				continue
			}
			w := barW * float64(n) / float64(most)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="16" fill="%s"><title>%s: %d %s</title></rect>`,
				x, y+2, w, colors[o], template.HTMLEscapeString(g.Name), n, o.Title())
			x += w
			total += n
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%d</text>`, x+6, y+15, total)
	}
	legend := float64(label)
	for _, o := range Outcomes {
		fmt.Fprintf(&b, `<rect x="%.0f" y="%d" width="10" height="10" fill="%s"></rect><text x="%.0f" y="%d">%s</text>`,
			legend, rowH*len(s.Bundles)+6, colors[o], legend+13, rowH*len(s.Bundles)+15, o)
		legend += 13 + 7.5*float64(len(o)) + 12
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
