package deploy

import (
	"fmt"
	"text/template"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
)

// funcs are the top-level templates' functions: the bundle templates'
// names for the same jobs, bound to the set of built targets rather than
// to one target, because a top-level script runs on any of them.
func funcs(c *catalog.Catalog, built []*catalog.Target) template.FuncMap {
	return template.FuncMap{
		"tool":        func(name string) (string, error) { return tool(c, built, name, `"%SystemRoot%\`) },
		"pstool":      func(name string) (string, error) { return tool(c, built, name, `"${env:SystemRoot}\`) },
		"cmdset":      dialect.CmdSet,
		"cmdecho":     dialect.CmdEcho,
		"cmdesc":      func(v string) (string, error) { return dialect.CmdEscape(v, false) },
		"psq":         func(v any) (string, error) { return dialect.PSQuote(fmt.Sprint(v)) },
		"productType": catalog.ProductType,
		"fill":        dialect.Fill,
	}
}

// tool is the absolute, quoted path of a program every built target has:
// a top-level script cannot know in advance which Windows runs it.
func tool(c *catalog.Catalog, built []*catalog.Target, name, root string) (string, error) {
	t := c.Tools[name]
	if t == nil {
		return "", fmt.Errorf("unknown tool %q", name)
	}
	for _, target := range built {
		if target.Tools[name] == nil {
			return "", fmt.Errorf("top-level script uses %q, which %s lacks (target %s)", name, target.Name, target.ID.Value)
		}
	}
	return root + t.Path + `"`, nil
}
