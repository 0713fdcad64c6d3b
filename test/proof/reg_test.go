package proof

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wufix/wufix/generator/catalog"
	"github.com/wufix/wufix/generator/dialect"
	"github.com/wufix/wufix/internal/regread"
)

// regFile is one .reg file of the build and the step it came from.
type regFile struct {
	path string
	data []byte
	step *catalog.Step
}

// regFiles lists every .reg file of every bundle. The default catalog has
// registry steps, so an empty list is itself a failure: the tests below
// must not pass for want of input.
func regFiles(t *testing.T) []regFile {
	t.Helper()
	out, c := bundles(t)
	var files []regFile
	for name, data := range out.Files {
		if !strings.HasSuffix(name, ".reg") {
			continue
		}
		id := strings.TrimSuffix(filepath.Base(name), ".reg")
		step := c.Steps[id]
		require.NotNil(t, step, "%s: no step %q", name, id)
		files = append(files, regFile{name, data, step})
	}
	require.NotEmpty(t, files, "the build has no .reg file")
	return files
}

// intended is the catalog's registry data in the reader's terms, built
// here from step.yaml directly rather than through the generator's code.
func intended(t *testing.T, s *catalog.Step) []dialect.RegKey {
	t.Helper()
	var keys []dialect.RegKey
	for _, k := range s.Registry {
		key := dialect.RegKey{Path: k.Key}
		for _, v := range k.Values {
			rv := dialect.RegValue{Name: v.Name, Type: dialect.RegType(v.Type), Data: v.Data, Multi: v.Multi}
			if v.Type == "dword" {
				var n uint32
				_, err := fmt.Sscan(v.Data, &n)
				if strings.HasPrefix(v.Data, "0x") {
					_, err = fmt.Sscanf(v.Data, "0x%x", &n)
				}
				require.NoError(t, err)
				rv.DWORD, rv.Data = n, ""
			}
			key.Values = append(key.Values, rv)
		}
		keys = append(keys, key)
	}
	return keys
}

func TestRegFilesReadBackAsIntended(t *testing.T) {
	for _, f := range regFiles(t) {
		keys, err := regread.Parse(f.data)
		require.NoError(t, err, f.path)
		assert.Equal(t, intended(t, f.step), normalize(keys), f.path)
		assert.Equal(t, []byte{0xff, 0xfe}, f.data[:2], "%s: UTF-16LE with BOM", f.path)
	}
}

// normalize drops what the reader fills in beyond the writer's input.
func normalize(keys []dialect.RegKey) []dialect.RegKey {
	for i := range keys {
		for j := range keys[i].Values {
			if keys[i].Values[j].Type == dialect.RegDWORD {
				keys[i].Values[j].Data = ""
			}
		}
	}
	return keys
}

// Each .reg is imported into a fresh Windows registry (Wine's) and read
// back the way Windows writes it: names, types and data must be the
// catalog's, and the import must print nothing.
func TestRegFilesImportUnderWine(t *testing.T) {
	t.Parallel() // its scenarios fill the -parallel slots beside the other tests', no test waits for another to end
	files := regFiles(t)
	p := machine(t, "win10")
	for _, f := range files {
		copied := p.HostPath(`C:\import\` + filepath.Base(f.path))
		require.NoError(t, os.MkdirAll(filepath.Dir(copied), 0o755))
		require.NoError(t, os.WriteFile(copied, f.data, 0o644))
		out, err := p.ImportReg(copied)
		require.NoError(t, err, "%s: %s", f.path, out)
		for _, want := range intended(t, f.step) {
			data, err := p.ExportKey(want.Path)
			require.NoError(t, err, want.Path)
			got, err := regread.Parse(data)
			require.NoError(t, err, want.Path)
			require.NotEmpty(t, got, want.Path)
			byName := map[string]dialect.RegValue{}
			for _, v := range got[0].Values {
				byName[v.Name] = v
			}
			for _, v := range want.Values {
				g, ok := byName[v.Name]
				if assert.True(t, ok, "%s: %s\\%s not imported", f.path, want.Path, v.Name) {
					g.Data = map[bool]string{true: "", false: g.Data}[g.Type == dialect.RegDWORD]
					assert.Equal(t, v, g, "%s: %s\\%s", f.path, want.Path, v.Name)
				}
			}
		}
	}
}
