package generator

import (
	"path/filepath"

	"github.com/wufix/wufix/generator/archive"
)

// Archive writes reproducible archives of the build written in dir beside
// it: <dir>.zip with everything and <dir>-<target>.zip per bundle, dated
// with the catalog's date. It returns <dir> as an absolute path.
func (o *Output) Archive(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := archive.Write(abs+".zip", abs, o.Entries(), o.date); err != nil {
		return "", err
	}
	for _, t := range o.Targets {
		if err := archive.Write(abs+"-"+t+".zip", abs, []string{t}, o.date); err != nil {
			return "", err
		}
	}
	return abs, nil
}
