package generator_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
)

// overlay is the default catalog with some files replaced; a "" value
// removes the file.
func overlay(t *testing.T, changes map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(wufix.Catalog, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(wufix.Catalog, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	require.NoError(t, err)
	for p, text := range changes {
		if text == "" {
			delete(m, p)
			continue
		}
		m[p] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// edit returns a catalog file with one substring replaced, failing the test
// when the substring is not there (so the case cannot pass vacuously).
func edit(t *testing.T, file, old, new string) string {
	t.Helper()
	data, err := fs.ReadFile(wufix.Catalog, file)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "test setup: %s no longer holds the text to edit", file)
	return strings.Replace(string(data), old, new, 1)
}

func TestCatalogErrors(t *testing.T) {
	cases := []struct {
		name    string
		changes func(t *testing.T) map[string]string
		want    []string // exact lines of the error, in order
	}{
		{
			name: "unknown key",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"targets/win7.yaml": edit(t, "targets/win7.yaml", "sysnative: true\n", "sysnative: true\nsysnativ: true\n")}
			},
			want: []string{`targets/win7.yaml:13:1: unknown key "sysnativ"`},
		},
		{
			name: "missing template",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/steps/component-reset/cmd.tmpl": ""}
			},
			want: []string{`templates/steps/component-reset/step.yaml:1:1: step "component-reset" has no cmd.tmpl`},
		},
		{
			name: "a PowerShell twin of a step",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/steps/component-reset/ps1.tmpl": "{{define \"do\"}}{{end}}"}
			},
			want: []string{`templates/steps/component-reset/ps1.tmpl:1:1: steps and libs have cmd.tmpl only: run.ps1 runs run.cmd, so this file would never be used`},
		},
		{
			name: "tool missing on a target",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/steps/component-reset/step.yaml": edit(t,
					"templates/steps/component-reset/step.yaml", "tools: [sc, ping]", "tools: [sc, ping, icacls]")}
			},
			want: []string{
				`templates/steps/component-reset/step.yaml:12:21: step "component-reset" uses "icacls", which targets xp, server2003 lack`,
			},
		},
		{
			name: "duplicate id",
			changes: func(t *testing.T) map[string]string {
				data, err := fs.ReadFile(wufix.Catalog, "templates/steps/component-reset/step.yaml")
				require.NoError(t, err)
				cmd, err := fs.ReadFile(wufix.Catalog, "templates/steps/component-reset/cmd.tmpl")
				require.NoError(t, err)
				return map[string]string{
					"templates/steps/zz-copy/step.yaml": string(data),
					"templates/steps/zz-copy/cmd.tmpl":  string(cmd),
				}
			},
			want: []string{`templates/steps/zz-copy/step.yaml:1:5: duplicate step id "component-reset" (first in templates/steps/component-reset/step.yaml)`},
		},
		{
			name: "plan names an unknown step",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/plans/service-disabled.yaml": edit(t,
					"templates/plans/service-disabled.yaml", "  - service-health\n", "  - service-health\n  - service-heal\n")}
			},
			want: []string{`templates/plans/service-disabled.yaml:10:5: plan "service-disabled" names unknown step "service-heal"`},
		},
		{
			name: "plan names a step not valid on a target",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/plans/service-disabled.yaml": edit(t,
					"templates/plans/service-disabled.yaml", "  - service-health\n", "  - service-health\n  - wimmount-repair\n")}
			},
			want: []string{`templates/plans/service-disabled.yaml:10:5: plan "service-disabled" names step "wimmount-repair", which does not apply to Windows XP SP3 (target xp): wimmount-repair needs feature wimmount, which Windows XP SP3 lacks`},
		},
		{
			name: "change inventory names an unknown program",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{"templates/changes.yaml": edit(t, "templates/changes.yaml",
					"  takeown: makes", "  bcdedit /set: changes a boot setting\n  takeown: makes")}
			},
			want: []string{`templates/changes.yaml:51:3: "bcdedit" is neither a program in templates/tools.yaml, a cmd builtin that changes files nor a %VARIABLE%`},
		},
		{
			name: "every problem at once, sorted",
			changes: func(t *testing.T) map[string]string {
				return map[string]string{
					"targets/xp.yaml":   edit(t, "targets/xp.yaml", "nt: \"5.1\"\n", "nt: \"5.1\"\ncolour: blue\n"),
					"targets/win7.yaml": edit(t, "targets/win7.yaml", "sysnative: true\n", "sysnative: true\nsysnativ: true\n"),
				}
			},
			want: []string{
				`targets/win7.yaml:13:1: unknown key "sysnativ"`,
				`targets/xp.yaml:8:1: unknown key "colour"`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generator.Build(overlay(t, tc.changes(t)), generator.Options{})
			require.Error(t, err)
			assert.Equal(t, tc.want, strings.Split(err.Error(), "\n"))
		})
	}
}
