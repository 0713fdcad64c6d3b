package generator

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/wufix/wufix/generator/compare"
)

// Write puts the build under dir, one folder per target, so that dir never
// holds half a bundle: every target is first written in full to a staging
// folder beside it, and only when all are written is each swapped in for
// the old one. Folders of targets not in this build are left alone.
func (o *Output) Write(dir string) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	stage, err := os.MkdirTemp(dir, ".wufix-staging-")
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	defer func() {
		if rmErr := os.RemoveAll(stage); err == nil && rmErr != nil {
			err = fmt.Errorf("write: %w", rmErr)
		}
	}()
	for name, data := range o.Files {
		p := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	for _, t := range o.Targets {
		if err := swap(filepath.Join(stage, t), filepath.Join(dir, t), stage); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}

// swap replaces dst with the staged src; the old dst is moved into the
// staging folder, which is removed afterwards.
func swap(src, dst, stage string) error {
	if _, err := os.Lstat(dst); err == nil {
		if err := os.Rename(dst, filepath.Join(stage, ".old-"+filepath.Base(dst))); err != nil {
			return err
		}
	}
	return os.Rename(src, dst)
}

// Check compares the build with what dir holds for the same targets.
func (o *Output) Check(dir string) ([]compare.Difference, error) {
	return compare.Dir(o.Files, dir, o.Targets)
}
