package generator

import (
	"fmt"
	"strings"

	"github.com/wufix/wufix/generator/catalog"
)

// Lang is a language wufix explains in: the catalog carries English and
// Russian text for what a technician reads.
type Lang string

const (
	English Lang = "en"
	Russian Lang = "ru"
)

// Langs are the languages ParseLang accepts, in the order help lists them.
var Langs = []Lang{English, Russian}

// ParseLang reads a --lang value (en, ru; any case).
func ParseLang(s string) (Lang, error) {
	l := Lang(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := words[l]; ok {
		return l, nil
	}
	return "", fmt.Errorf("unknown language %q (en, ru)", s)
}

// pick is the text in lang: the Russian one for Russian, else the English.
func pick(lang Lang, en, ru string) string {
	if lang == Russian {
		return strings.TrimSpace(ru)
	}
	return strings.TrimSpace(en)
}

// phrases are the fixed words of explain's output in one language.
type phrases struct {
	source, noPlan, plan string
	aggressive, optIn    string
	areas                map[string]string
}

var words = map[Lang]phrases{
	English: {
		source:     "source: ",
		noPlan:     "no plan in this catalog answers %s",
		plan:       "plan %s: %s (least invasive first; run.cmd %s)",
		aggressive: " [with /aggressive]",
		optIn:      " [with /with:%s]",
	},
	Russian: {
		source:     "источник: ",
		noPlan:     "в этом каталоге нет плана для %s",
		plan:       "план %s: %s (сначала самое щадящее; run.cmd %s)",
		aggressive: " [только с /aggressive]",
		optIn:      " [только с /with:%s]",
		areas:      map[string]string{"update": "Центр обновления", "backup": "архивация Windows", "servicing": "обслуживание"},
	},
}

// area names an error's area; English keeps the catalog's word.
func (p phrases) area(a string) string {
	if name, ok := p.areas[a]; ok {
		return name
	}
	return a
}

func (p phrases) level(s *catalog.Step) string {
	switch s.Level {
	case "aggressive":
		return p.aggressive
	case "optin":
		return fmt.Sprintf(p.optIn, s.ID.Value)
	}
	return ""
}
