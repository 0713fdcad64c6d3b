package deploy

import (
	"fmt"

	"github.com/wufix/wufix/generator/catalog"
)

// What keeps the Intune pair from resetting a machine every day: detection
// runs daily and its criteria persist on machines a reset cannot fix.
const (
	// CooldownDays is how long after a remediation detection reports no
	// problem, whatever it finds.
	CooldownDays = 7
	// MaxFailedRemediations in a row stop remediation until one succeeds
	// (a run on the device by an administrator, which clears the count).
	MaxFailedRemediations = 3
)

// unfixable are the steps whose failure a component reset cannot cure:
// the clock (the machine's or its time source's), system files and
// offline installs (repair media or packages missing or not applicable).
// A failed wufix run counts as a problem for detection only when another
// step failed.
var unfixable = []string{
	"clock-check",
	"offline-install-cab",
	"offline-install-msu",
	"system-files-dism",
}

// UnfixableSteps returns the steps detection does not count as failures,
// refusing an id the catalog lacks so the list cannot go stale.
func UnfixableSteps(c *catalog.Catalog) ([]string, error) {
	for _, id := range unfixable {
		if c.Steps[id] == nil {
			return nil, fmt.Errorf("intune: unfixable step %q is not in the catalog", id)
		}
	}
	return unfixable, nil
}
