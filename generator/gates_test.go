package generator_test

import (
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
)

// versionGate is a template action that branches on the target's NT
// version, build range or architecture.
var versionGate = regexp.MustCompile(`\{\{-?\s*(?:if|else if|with|range)\b[^}]*\.Target\.(?:NT|Builds|Arch)\b`)

// TestTemplatesBranchOnNamedFactsOnly: templates pick by named facts
// (has "tool" or has "feature"), never by comparing versions, builds or
// architectures, so a new target file with its facts is rendered right
// without a template edit.
func TestTemplatesBranchOnNamedFactsOnly(t *testing.T) {
	var found []string
	err := fs.WalkDir(wufix.Catalog, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tmpl") {
			return err
		}
		data, err := fs.ReadFile(wufix.Catalog, p)
		for i, line := range strings.Split(string(data), "\n") {
			if versionGate.MatchString(line) {
				found = append(found, p+":"+strings.TrimSpace(line)+" (line "+strconv.Itoa(i+1)+")")
			}
		}
		return err
	})
	require.NoError(t, err)
	assert.Empty(t, found)
	assert.True(t, versionGate.MatchString(`{{- if lt .Target.Builds.Min 14393}}`), "the pattern finds a build gate")
	assert.True(t, versionGate.MatchString(`{{- else if eq .Target.NT "6.0"}}`), "the pattern finds an NT gate")
}
