//go:build ignore

// mkcodes writes sdk_gen.go, the names of every error code the Windows SDK
// headers define, from the MinGW-w64 copies of those headers (Debian's
// mingw-w64-common package). Run it with go generate when the headers
// change; TestSDKTablesMatchHeaders checks the committed file against them.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/wufix/wufix/generator/hresult/sdk"
)

func main() {
	data, err := sdk.Generate(sdk.MinGWInclude)
	if err == nil {
		err = os.WriteFile("sdk_gen.go", data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkcodes:", err)
		os.Exit(1)
	}
	fmt.Println("mkcodes: wrote sdk_gen.go from", filepath.Join(sdk.MinGWInclude, "{winerror,wuerror,bitsmsg}.h"))
}
