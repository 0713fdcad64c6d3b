//go:build !(cgo && grammar)

package grammar

import (
	"os"
	"testing"
)

// The grammar checks need cgo, a C compiler and the build tag "grammar"
// (with the PowerShell grammar's include path in CGO_CFLAGS, which `make
// test` sets), so that a plain `go vet ./...` or `go test ./...` builds
// without them. Without them every other file of the package is excluded,
// and the checks would vanish without a word: say so, and fail where CI
// demands the checks (WUFIX_REQUIRE_GRAMMAR=1).
func TestNeedsCgo(t *testing.T) {
	const msg = "internal/grammar needs cgo, a C compiler and -tags grammar (make test); the grammar checks did not run"
	if os.Getenv("WUFIX_REQUIRE_GRAMMAR") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
