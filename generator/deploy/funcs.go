package deploy

import (
	"text/template"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/render"
)

// funcs are the top-level templates' functions: the catalog's one function
// map, bound to the set of built targets rather than to one target,
// because a top-level script runs on any of them. tool gives cmd's form
// of a path and pstool PowerShell's, whatever the file.
func funcs(c *catalog.Catalog, built []*catalog.Target) template.FuncMap {
	return render.TopFuncs(c, built, "cmd")
}
