# The tree-sitter PowerShell grammar's Go binding does not put its own src/
# folder on the C include path; the tests that parse .ps1 need it.
PS_GRAMMAR := $(shell go list -m -f '{{.Dir}}' github.com/airbus-cert/tree-sitter-powershell 2>/dev/null)
export CGO_CFLAGS := -I$(PS_GRAMMAR)/src

.PHONY: build test golden bench check vet

build:
	go run ./cmd/wufix build

test:
	go vet ./...
	go test ./...

# Rewrites golden/ from the embedded catalog (and removes stale files).
# Read `git diff golden/` before committing.
golden:
	WUFIX_UPDATE_GOLDEN=1 go test ./generator/ -run TestGoldenBundles
	go test ./generator/ -run TestGoldenBundles

bench:
	go test -run '^$$' -bench . -benchmem ./generator/

check:
	go run ./cmd/wufix check

vet:
	go vet ./...
