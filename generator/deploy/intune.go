package deploy

import (
	"github.com/wufix/wufix/generator/catalog"
)

// intuneData is what the Intune scripts and README say about run.cmd
// /intune's brakes: the catalog's values (templates/catalog.yaml, intune),
// which run.cmd applies. The catalog checks that each unfixable step
// exists, so the list cannot go stale.
func intuneData(c *catalog.Catalog) map[string]any {
	r := c.Info.Intune
	skip := make([]string, 0, len(r.Unfixable))
	for _, id := range r.Unfixable {
		skip = append(skip, id.Value)
	}
	return map[string]any{"CooldownDays": r.CooldownDays, "MaxFailed": r.MaxFailed, "Unfixable": skip}
}
