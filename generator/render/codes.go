package render

import (
	"strings"
	"unicode"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/plan"
)

// CodeView is one row of the table run.cmd /diagnose embeds: an error
// code the catalog explains, the plan of this bundle that answers it ("" when
// none does), what it means in one sentence, and the advice that follows.
type CodeView struct {
	Code, Name, Plan, Meaning, Advice string
}

// codeTable lists every code of templates/errors.yaml in file order with
// the plan of this bundle that answers it. A code whose plan this bundle
// lacks (Windows Backup's on XP) keeps its meaning and says so as advice.
func codeTable(c *catalog.Catalog, b *plan.Bundle) []CodeView {
	planOf := map[string]string{}
	for _, p := range b.Plans {
		for _, code := range p.Plan.Codes {
			planOf[code.Value] = p.Plan.ID.Value
		}
	}
	rows := make([]CodeView, 0, len(c.Errors))
	for _, e := range c.Errors {
		// cmd takes no double quote inside set "NAME=...".
		first, rest := firstSentence(strings.ReplaceAll(e.Meaning, `"`, "'"))
		row := CodeView{Code: e.Code.Value, Name: e.Name, Plan: planOf[e.Code.Value], Meaning: first, Advice: rest}
		if p := catalog.PlanFor(c, row.Code); p != nil && row.Plan == "" {
			row.Advice = "plan " + p.ID.Value + " answers it, but this bundle does not carry it (not for this Windows version, or left out of the build)"
		}
		rows = append(rows, row)
	}
	return rows
}

// firstSentence splits text, with its line breaks folded, after the first
// full stop that a space and a capital letter follow.
func firstSentence(text string) (first, rest string) {
	t := strings.Join(strings.Fields(text), " ")
	for i := 0; i+2 < len(t); i++ {
		if t[i] == '.' && t[i+1] == ' ' && unicode.IsUpper(rune(t[i+2])) {
			return t[:i+1], t[i+2:]
		}
	}
	return t, ""
}
