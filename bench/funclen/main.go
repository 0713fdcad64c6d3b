// Command funclen prints the median and 90th percentile length, in lines
// from "func" to the closing brace, of the Go functions and methods under
// a folder (generated files and golden/ left out), and the files over a
// line limit: the figures the design review tracks.
//
//	go run ./bench/funclen [-tests=false] [-limit 400] [dir]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	tests := flag.Bool("tests", true, "count _test.go files too")
	limit := flag.Int("limit", 400, "report files longer than this many lines")
	flag.Parse()
	dir := "."
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	lengths, long, err := measure(dir, *tests, *limit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "funclen:", err)
		os.Exit(1)
	}
	fmt.Printf("functions %d, median %d, p90 %d lines\n", len(lengths), percentile(lengths, 50), percentile(lengths, 90))
	for _, f := range long {
		fmt.Println("over the limit:", f)
	}
}

// measure parses every Go file under dir that is hand-written.
func measure(dir string, tests bool, limit int) (lengths []int, long []string, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "golden" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != dir {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || (!tests && strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil || bytes.Contains(src, []byte("Code generated")) {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		if n := bytes.Count(src, []byte("\n")); n > limit {
			long = append(long, fmt.Sprintf("%s (%d)", path, n))
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
				lengths = append(lengths, fset.Position(fn.End()).Line-fset.Position(fn.Pos()).Line+1)
			}
		}
		return nil
	})
	return lengths, long, err
}

// percentile is the nearest-rank percentile p of values.
func percentile(values []int, p int) int {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return s[max(rank, 1)-1]
}
