package bundle

import (
	"fmt"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/generator/plan"
	"github.com/wufix/wufix/generator/render"
)

// ChangesName is the change inventory: every command of run.cmd that
// changes the computer, read off run.cmd as rendered.
const ChangesName = "CHANGES.txt"

// addChanges renders CHANGES.txt from the bundle's final run.cmd, so that
// it lists what the bundle really runs, line numbers included.
func addChanges(cl *render.Clones, c *catalog.Catalog, b *plan.Bundle, files Files, runCmd string, extra map[string]any) error {
	text, err := render.Changes(cl, c, b, runCmd, extra)
	if err != nil {
		return fmt.Errorf("render %s/%s: %w", b.Target.ID.Value, ChangesName, err)
	}
	return files.add(b, ChangesName, text)
}

// add encodes text through the dialect of the file's name.
func (f Files) add(b *plan.Bundle, name, text string) error {
	data, err := dialect.ForFile(name).Encode(text)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", b.Target.ID.Value, name, err)
	}
	f[name] = data
	return nil
}
