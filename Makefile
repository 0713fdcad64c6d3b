# The PowerShell grammar's Go binding leaves its src/ off the C include path
# (airbus-cert/tree-sitter-powershell#42), and only CGO_CFLAGS can add it.
# Setting CGO_CFLAGS replaces Go's default "-O2 -g", so that is kept.
PS_GRAMMAR := $(shell go mod download github.com/airbus-cert/tree-sitter-powershell && go list -m -f '{{.Dir}}' github.com/airbus-cert/tree-sitter-powershell)
export CGO_CFLAGS := -O2 -g -I$(PS_GRAMMAR)/src

.PHONY: build test golden bench bench-payload bench-fleet check vet

build:
	go run ./cmd/wufix build

# WUFIX_WINE_PROOF=1 adds the Wine proofs (every bundle, every plan) to
# the quick tests a plain go test ./... runs. One package at a time (-p 1):
# Wine fails to start programs more often the busier the two cores are.
# Within a package four tests at a time (-parallel 4): a Wine test spends
# a third of its time waiting on the wineserver, so two left the cores
# about 35% idle, three 7% in test/proof and 23% in generator/deploy
# (test/proof: 515 s with two, 360 s with three, 293 s with four).
test:
	go vet -tags grammar ./...
	WUFIX_WINE_PROOF=1 go test -p 1 -parallel 4 -tags grammar -timeout 60m ./...
	go test -run '^$$' -fuzz FuzzLoad -fuzztime 700x -fuzzminimizetime 10x ./generator/catalog/

# Rewrites golden/ from the embedded catalog (and removes stale files).
# Read `git diff golden/` before committing.
golden:
	WUFIX_UPDATE_GOLDEN=1 go test ./generator/ -run TestGoldenBundles
	go test ./generator/ -run TestGoldenBundles

bench:
	go test -run '^$$' -bench . -benchmem ./generator/

# Stages 2 GiB of generated payload in /tmp against cp -r and sha256sum,
# and times a build of every target; removes its data afterwards. Slow and
# disk-hungry: not part of make test or CI.
bench-payload:
	go run ./bench/payload

# Writes 100,000 generated reports (about 160 MB) to /tmp and measures
# wufix report against jq -s on them; removes them afterwards.
bench-fleet:
	go run ./bench/fleet

check:
	go run ./cmd/wufix check

vet:
	go vet -tags grammar ./...
