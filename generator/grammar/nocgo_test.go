//go:build !cgo

package grammar

import "testing"

// Without cgo every other file of the package is excluded and `go test ./...`
// would skip the grammar checks without a word; fail loudly instead.
func TestNeedsCgo(t *testing.T) {
	t.Fatal("generator/grammar needs cgo and a C compiler (CGO_ENABLED=1); its checks did not run")
}
