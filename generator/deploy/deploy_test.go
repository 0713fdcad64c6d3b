package deploy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wufix "github.com/wufix/wufix"
	"github.com/wufix/wufix/generator"
	"github.com/wufix/wufix/generator/bundle"
	"github.com/wufix/wufix/generator/deploy"
)

func TestIntuneServesClientsOfWindows10AndLater(t *testing.T) {
	c, err := generator.Load(wufix.Catalog)
	require.NoError(t, err)
	var served []string
	for _, tg := range c.Targets {
		if deploy.IntuneServes(tg) {
			served = append(served, tg.ID.Value)
		}
	}
	assert.Equal(t, []string{"win10", "win11"}, served)
}

func TestSealTiesTheBundlesTogether(t *testing.T) {
	files := bundle.Files{
		"win7/run.cmd":    []byte("a"),
		"win7/SHA256SUMS": []byte("sums of win7\n"),
		"wufix.cmd":       []byte("b"),
		"gpo/startup.cmd": []byte("c"),
	}
	require.NoError(t, deploy.Seal(files, []string{"win7"}))
	sums := string(files["SHA256SUMS"])
	assert.True(t, strings.HasPrefix(sums, "# "+bundle.Header+"\n"))
	assert.Contains(t, sums, "  win7/SHA256SUMS\n", "each bundle's SHA256SUMS is listed")
	assert.NotContains(t, sums, "win7/run.cmd", "its files hang from it")
	assert.Contains(t, sums, "  wufix.cmd\n")
	assert.Contains(t, sums, "  manifest.json\n")
	assert.Contains(t, string(files["manifest.json"]), `"targets": [
    "win7"
  ],`)
	assert.Equal(t, []string{"SHA256SUMS", "gpo", "manifest.json", "wufix.cmd"}, deploy.TopEntries(files, []string{"win7"}))
}

func TestRefusesUnsafeSettings(t *testing.T) {
	for _, v := range []string{`\\srv\a"b`, `\\srv\100%`, `\\srv\x!`, "a\nb"} {
		_, err := generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win10"}, Deploy: deploy.Options{Report: v}})
		assert.ErrorContains(t, err, "cannot be passed safely to run.cmd", v)
		_, err = generator.Build(wufix.Catalog, generator.Options{Targets: []string{"win10"}, Deploy: deploy.Options{IntuneRoot: v}})
		assert.ErrorContains(t, err, "--intune-root", v)
	}
}
