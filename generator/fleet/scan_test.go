package fleet

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The report reader accepts exactly what encoding/json accepts into a
// Report, with the same result: encoding/json is the reference, the
// reader is only faster.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "wine", "*.json"))
	require.NoError(f, err)
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, seed := range []string{
		`{}`, `null`, `[]`, `{"steps": null}`, `{"exit_code": null}`, `{"exit_code": 1.5}`, `{"exit_code": 1e2}`,
		`{"EXIT_CODE": 3, "Computer": "A"}`, `{"ſtatus": 1}`, `{"steps": [{"id": "a", "status": "x"}], "steps": [{"id": "b"}]}`,
		`{"steps": [null, {"exit_code": null}]}`, `{"computer": "\u00e9\ud83d\ude00\ud800x\\\"\/\b\f\n\r\t"}`,
		"{\"computer\": \"\xff\xfe\"}", `{"x": [1, {"y": [true, false, null, -0.5e+3]}]}`, `{"run": "a"} {}`,
		`{"exit_code": 99999999999999999999}`, `{"exit_code": -0}`, `{"a":1,}`, `{"a" 1}`, "{\"a\": \"\x01\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Report
		gotErr := decode(data, &got)
		wantErr := json.Unmarshal(data, &want)
		// encoding/json decodes a top-level null, or a value of another type,
		// without filling anything; the reader wants an object. Neither is
		// a report, and Parse refuses both alike (no "generated").
		var top any
		if json.Unmarshal(data, &top) == nil {
			if _, isObject := top.(map[string]any); !isObject {
				assert.Error(t, gotErr)
				return
			}
		}
		if wantErr != nil {
			assert.Error(t, gotErr, "encoding/json refuses it: %v", wantErr)
			return
		}
		require.NoError(t, gotErr)
		assert.Equal(t, want, got)
	})
}

func TestDecodeSaysWhere(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\n  \"run\" 1}", `2:9: broken JSON: invalid character '1' after an object key`},
		{`{"run": "a`, `1:11: cut short: the JSON ends in the middle of a value`},
		{`{"run": "\q"}`, `1:11: broken JSON: invalid character 'q' in string escape code`},
		{`{"exit_code": 1.5}`, `1:15: field "exit_code" holds a JSON number 1.5`},
		{`{"steps": [{"id": 5}]}`, `1:19: field "steps.id" holds a JSON number`},
		{`{"run": "a"} x`, `1:14: broken JSON: invalid character 'x' after the report`},
	} {
		var r Report
		assert.EqualError(t, decode([]byte(c.in), &r), c.want, c.in)
	}
}
