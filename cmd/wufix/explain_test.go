package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExplainAcceptsEveryForm(t *testing.T) {
	code, want, errOut := runCLI("explain", "0x80070003")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, want, "code      0x80070003 (-2147024893, 2147942403)\n")
	assert.Contains(t, want, "win32     3 ERROR_PATH_NOT_FOUND\n")
	assert.Contains(t, want, "plan windows-update: ")
	for _, form := range []string{"80070003", "-2147024893", "2147942403", " 0X80070003 "} {
		code, out, errOut := runCLI("explain", form)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, want, out, form)
	}
}

func TestExplainUnknownAndMalformed(t *testing.T) {
	code, out, errOut := runCLI("explain", "0x80240FFF")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "facility  36 FACILITY_WINDOWSUPDATE\n")
	assert.Contains(t, out, "no plan in this catalog answers 0x80240FFF\n")

	code, out, errOut = runCLI("explain", "0x8007000G")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "wufix: explain: not an error code \"0x8007000G\"")
	assert.Contains(t, errOut, "accepted: 0x80070003")

	code, _, errOut = runCLI("explain")
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: explain takes one error code, got 0 arguments\n", errOut)
}

func TestBuildForOneError(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI("build", "--out", dir, "--target", "win7", "--error", "-2147024894")
	require.Equal(t, 0, code, errOut)
	code, _, errOut = runCLI("build", "--out", dir, "--error", "0x80240FFF")
	assert.Equal(t, 2, code)
	assert.Equal(t, "wufix: no plan in the catalog answers 0x80240FFF\n", errOut)
}

func TestExplainInRussian(t *testing.T) {
	code, en, errOut := runCLI("explain", "0x80070422")
	require.Equal(t, 0, code, errOut)
	code, en2, errOut := runCLI("explain", "--lang", "en", "0x80070422")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, en, en2, "en is the default")
	assert.Contains(t, en, "plan service-disabled: Enable the update services again (least invasive first; run.cmd 0x80070422)\n")

	for _, args := range [][]string{{"--lang", "ru", "0x80070422"}, {"--lang=RU", "0x80070422"}, {"0x80070422", "--lang", "ru"}} {
		code, ru, errOut := runCLI(append([]string{"explain"}, args...)...)
		require.Equal(t, 0, code, errOut)
		// The decoded fields stay as the SDK names them.
		assert.Contains(t, ru, "win32     1058 ERROR_SERVICE_DISABLED\n")
		assert.Contains(t, ru, "ERROR_SERVICE_DISABLED (Центр обновления)\n  Служба, нужная Центру обновления, отключена")
		assert.Contains(t, ru, "  источник: MS-CWE\n")
		assert.Contains(t, ru, "план service-disabled: Снова включить службы обновления (сначала самое щадящее; run.cmd 0x80070422)\n")
		assert.Contains(t, ru, "    1. service-health: Включить отключённые службы обновления\n")
		assert.NotContains(t, ru, "Enable the update services again")
	}

	code, ru, errOut := runCLI("explain", "--lang", "ru", "0x80070002")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, ru, "    7. service-security [только с /aggressive]: Сбросить дескрипторы безопасности")
	assert.Contains(t, ru, "[только с /with:winsock-reset]: Сбросить каталог Winsock\n")

	code, ru, errOut = runCLI("explain", "--lang", "ru", "0x80240FFF")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, ru, "в этом каталоге нет плана для 0x80240FFF\n")

	code, _, errOut = runCLI("explain", "--lang", "de", "0x80070422")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `wufix: explain: unknown language "de" (en, ru)`)
}
