//go:build cgo && grammar

package grammar

import "testing"

// The benchmarks measure the cost of checking one realistic file, which is
// what a golden test pays per generated script.

func BenchmarkCheckCmd(b *testing.B) {
	src := fixture(b, "repair.cmd", crlf)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if ps := CheckCmd("repair.cmd", src); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

func BenchmarkCheckPS1(b *testing.B) {
	src := fixture(b, "repair.ps1", ps1)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if ps := CheckPS1("repair.ps1", src, "2.0"); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}
