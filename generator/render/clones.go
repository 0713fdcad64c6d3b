package render

import "text/template"

// Clones holds one clone of each catalog template a goroutine renders,
// bound to functions that read a scope it sets before each render. A
// template's clone copies its function maps (some two hundred functions
// with sprig's), and a build renders every step and lib template once per
// bundle: one clone per template and goroutine instead of one per bundle
// takes most of that work out of a build. A Clones is for one goroutine
// at a time; a nil *Clones clones on every render.
type Clones struct {
	bound map[*template.Template]bound
}

type bound struct {
	tmpl *template.Template
	sc   *scope
}

// NewClones starts an empty set, for one goroutine's renders.
func NewClones() *Clones {
	return &Clones{bound: map[*template.Template]bound{}}
}

// bind returns a clone of t whose functions use sc: its own clone, kept
// for the next render, or a fresh one when cl is nil.
func (cl *Clones) bind(t *template.Template, sc scope) (*template.Template, error) {
	if cl != nil {
		if b, ok := cl.bound[t]; ok {
			*b.sc = sc
			return b.tmpl, nil
		}
	}
	clone, err := t.Clone()
	if err != nil {
		return nil, err
	}
	s := &sc
	clone.Funcs(s.funcs())
	if cl != nil {
		cl.bound[t] = bound{clone, s}
	}
	return clone, nil
}
