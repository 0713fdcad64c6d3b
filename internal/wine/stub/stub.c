/*
 * Recording stub for tests run under Wine. Copied over a system tool
 * (C:\windows\system32\NAME.exe), it records the call instead of doing the
 * work, so a test can assert what a generated script asked Windows to do.
 *
 * Each call appends one record to the file named by WUFIX_STUB_LOG:
 *   name US raw-command-line US arg1 US arg2 ... RS LF
 * (US = 0x1f, RS = 0x1e, all UTF-8). Those separators cannot come out of a
 * batch file, so no escaping is needed. The process then exits with the
 * number in WUFIX_STUB_EXIT_<NAME> (upper-case base name), default 0.
 *
 * As certutil, "-hashfile FILE SHA256" also prints the file's digest the
 * way Windows does, so the bundles' check against SHA256SUMS runs for real:
 * a header line, then the digest, with a space between bytes when
 * WUFIX_STUB_CERTUTIL_SPACES=1 (Windows 7 and 8), without otherwise
 * (Windows 10 and later), then a status line. Wine's own certutil prints
 * nothing.
 *
 * WUFIX_STUB_APPEND_<NAME>=PATH|LINE makes the stub append LINE and CRLF
 * to the file PATH, as the real tool writes its own log: an sfc stub can
 * leave the [SR] line that a real scan writes to CBS.log.
 *
 * WUFIX_STUB_PRINT_<NAME>=PATH makes the stub print the file PATH, byte
 * for byte, to its standard output: a wevtutil stub answers a query with
 * the events a test seeded, in wevtutil's XML form (Wine has no event log).
 *
 * Build: x86_64-w64-mingw32-gcc -Os -s -municode -o stub.exe stub.c
 * Only kernel32, advapi32's CryptoAPI and the CRT are used: Wine 8 runs
 * those reliably.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define US L"\x1f"

static wchar_t record[32768];

/* base_name lower-cases the module's file name without folder and .exe. */
static void base_name(wchar_t *out, size_t cap)
{
	wchar_t path[MAX_PATH];
	wchar_t *p, *dot;
	DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);

	path[n < MAX_PATH ? n : MAX_PATH - 1] = 0;
	p = wcsrchr(path, L'\\');
	p = p ? p + 1 : path;
	dot = wcsrchr(p, L'.');
	if (dot)
		*dot = 0;
	wcsncpy(out, p, cap - 1);
	out[cap - 1] = 0;
	_wcslwr(out);
}

/* append writes the record as UTF-8 in one WriteFile, so that a log shared
 * by several stubs never interleaves parts of two records. */
static void append(const wchar_t *text)
{
	static char utf8[sizeof(record) * 2];
	wchar_t log[MAX_PATH];
	HANDLE h;
	DWORD written;
	int n;

	if (!GetEnvironmentVariableW(L"WUFIX_STUB_LOG", log, MAX_PATH))
		return;
	n = WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof(utf8), NULL, NULL);
	if (n <= 1)
		return;
	h = CreateFileW(log, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
			NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return;
	WriteFile(h, utf8, (DWORD)(n - 1), &written, NULL);
	CloseHandle(h);
}

/* exit_code reads WUFIX_STUB_EXIT_<NAME>; base 0 accepts 3010 and
 * 0x80070005 alike, and the cast keeps HRESULT-style codes intact. */
static int exit_code(const wchar_t *name)
{
	wchar_t var[MAX_PATH], val[64];

	_snwprintf(var, MAX_PATH, L"WUFIX_STUB_EXIT_%ls", name);
	var[MAX_PATH - 1] = 0;
	_wcsupr(var);
	if (!GetEnvironmentVariableW(var, val, 64))
		return 0;
	return (int)(unsigned long)wcstoul(val, NULL, 0);
}

/* add appends s to the record, truncating rather than overflowing: a
 * command line longer than 32000 characters is not one a script makes. */
static void add(const wchar_t *s)
{
	size_t used = wcslen(record);

	if (used < 32000)
		wcsncat(record, s, 32000 - used);
}

/* hashfile prints what certutil -hashfile FILE SHA256 prints; 2 when the
 * file cannot be read, as certutil fails then. */
static int hashfile(const wchar_t *file)
{
	static BYTE buf[1 << 16];
	HCRYPTPROV prov;
	HCRYPTHASH hash;
	BYTE digest[32];
	DWORD n, len = sizeof(digest);
	wchar_t spaces[4];
	int i, sep;
	HANDLE h = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);

	if (h == INVALID_HANDLE_VALUE) {
		printf("CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\n");
		return 2;
	}
	if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) ||
	    !CryptCreateHash(prov, CALG_SHA_256, 0, 0, &hash)) {
		CloseHandle(h);
		return 3;
	}
	while (ReadFile(h, buf, sizeof(buf), &n, NULL) && n > 0)
		CryptHashData(hash, buf, n, 0);
	CloseHandle(h);
	CryptGetHashParam(hash, HP_HASHVAL, digest, &len, 0);
	sep = GetEnvironmentVariableW(L"WUFIX_STUB_CERTUTIL_SPACES", spaces, 4) && spaces[0] == L'1';
	printf("SHA256 hash of %ls:\n", file);
	for (i = 0; i < 32; i++)
		printf(sep && i ? " %02x" : "%02x", digest[i]);
	printf("\nCertUtil: -hashfile command completed successfully.\n");
	return 0;
}

/* append_line carries out WUFIX_STUB_APPEND_<NAME>, if set. */
static void append_line(const wchar_t *name)
{
	wchar_t var[MAX_PATH], val[4096], *bar;
	FILE *f;

	_snwprintf(var, MAX_PATH, L"WUFIX_STUB_APPEND_%ls", name);
	var[MAX_PATH - 1] = 0;
	_wcsupr(var);
	if (!GetEnvironmentVariableW(var, val, 4096) || !(bar = wcschr(val, L'|')))
		return;
	*bar = 0;
	if ((f = _wfopen(val, L"ab"))) {
		fprintf(f, "%ls\r\n", bar + 1);
		fclose(f);
	}
}

/* print_file carries out WUFIX_STUB_PRINT_<NAME>, if set. */
static void print_file(const wchar_t *name)
{
	wchar_t var[MAX_PATH], path[MAX_PATH];
	char buf[4096];
	size_t n;
	FILE *f;

	_snwprintf(var, MAX_PATH, L"WUFIX_STUB_PRINT_%ls", name);
	var[MAX_PATH - 1] = 0;
	_wcsupr(var);
	if (!GetEnvironmentVariableW(var, path, MAX_PATH) || !(f = _wfopen(path, L"rb")))
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
}

int wmain(int argc, wchar_t **argv)
{
	wchar_t name[MAX_PATH];
	int i;

	base_name(name, MAX_PATH);
	add(name);
	add(US);
	add(GetCommandLineW());
	for (i = 1; i < argc; i++) {
		add(US);
		add(argv[i]);
	}
	wcscat(record, L"\x1e\n");
	append(record);
	append_line(name);
	print_file(name);
	if (!wcscmp(name, L"certutil") && argc == 4 && !_wcsicmp(argv[1], L"-hashfile") && !_wcsicmp(argv[3], L"SHA256"))
		return hashfile(argv[2]);
	return exit_code(name);
}
