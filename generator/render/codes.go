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
// the plan of this bundle that answers it. A code whose plan this target
// lacks (Windows Backup's on XP) keeps its meaning and gets no plan.
func codeTable(c *catalog.Catalog, b *plan.Bundle) []CodeView {
	planOf := map[string]string{}
	for _, p := range b.Plans {
		for _, code := range p.Plan.Codes {
			planOf[code.Value] = p.Plan.ID.Value
		}
	}
	rows := make([]CodeView, 0, len(c.Errors))
	for _, e := range c.Errors {
		first, rest := firstSentence(e.Meaning)
		rows = append(rows, CodeView{Code: e.Code.Value, Name: e.Name, Plan: planOf[e.Code.Value], Meaning: first, Advice: rest})
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
