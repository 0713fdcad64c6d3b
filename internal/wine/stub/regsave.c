/*
 * Saves registry branches for tests run under Wine, as a test's before and
 * after picture. "reg export HKLM\SOFTWARE" takes Wine's reg.exe seconds
 * (about twenty times a trivial program's start): it walks the branch one
 * key and one value at a time, each a round trip to the wineserver.
 * RegSaveKey asks the wineserver to write the branch itself, in one call,
 * in its own text format (the one of system.reg).
 *
 * Usage: regsave.exe SUBKEY FILE [SUBKEY FILE]...
 * Each SUBKEY is under HKEY_LOCAL_MACHINE (e.g. SOFTWARE). FILE is
 * replaced if it exists. Exit 0, or 1 naming the branch that failed, or 2
 * when the backup privilege that RegSaveKey needs cannot be enabled.
 *
 * Build: x86_64-w64-mingw32-gcc -Os -s -municode -o regsave.exe regsave.c
 */
#include <windows.h>
#include <stdio.h>

static BOOL enable_backup_privilege(void)
{
    HANDLE token;
    TOKEN_PRIVILEGES tp;
    BOOL ok;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token))
        return FALSE;
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    ok = LookupPrivilegeValueW(NULL, L"SeBackupPrivilege", &tp.Privileges[0].Luid) &&
         AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL) &&
         GetLastError() == ERROR_SUCCESS;
    CloseHandle(token);
    return ok;
}

static LONG save(const wchar_t *subkey, const wchar_t *file)
{
    HKEY key;
    LONG rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, subkey, 0, KEY_READ, &key);

    if (rc != ERROR_SUCCESS)
        return rc;
    /* RegSaveKey refuses an existing file; a harness retry may leave one. */
    DeleteFileW(file);
    rc = RegSaveKeyW(key, file, NULL);
    RegCloseKey(key);
    return rc;
}

int wmain(int argc, wchar_t **argv)
{
    int i;

    if (argc < 3 || argc % 2 == 0) {
        fwprintf(stderr, L"usage: regsave SUBKEY FILE [SUBKEY FILE]...\n");
        return 2;
    }
    if (!enable_backup_privilege()) {
        fwprintf(stderr, L"regsave: cannot enable SeBackupPrivilege\n");
        return 2;
    }
    for (i = 1; i + 1 < argc; i += 2) {
        LONG rc = save(argv[i], argv[i + 1]);
        if (rc != ERROR_SUCCESS) {
            fwprintf(stderr, L"regsave: HKEY_LOCAL_MACHINE\\%ls: error %ld\n", argv[i], rc);
            return 1;
        }
    }
    return 0;
}
