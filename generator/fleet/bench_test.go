package fleet

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkRead reads 2,000 reports from 200 machines; bench/fleet
// measures a fleet's worth against jq.
func BenchmarkRead(b *testing.B) {
	dir := b.TempDir()
	for i := range 2000 {
		pc := fmt.Sprintf("PC%03d", i%200)
		run := fmt.Sprintf("win10-%04d", i/200+1)
		exit := []int{0, 3010, 1}[i%3]
		write(b, dir, filepath.Join(pc+"-"+run+".json"), report(pc, run, fmt.Sprintf("2026-11-%02dT08:10:00", 1+i/200), exit,
			"clock-check=not needed", "service-health=not needed", "component-reset=done", "proxy-reset-winhttp=skipped",
			"dll-reregister=skipped", "service-security=skipped", "wsus-client-reset=skipped", "winsock-reset=skipped",
			"offline-install-msu=not needed", "offline-install-cab=not needed", "system-files-dism=done"))
	}
	b.ResetTimer()
	for b.Loop() {
		c := NewCollector()
		if err := Read([]string{dir}, 2, c); err != nil {
			b.Fatal(err)
		}
		c.Summary()
	}
}
