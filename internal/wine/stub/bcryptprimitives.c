/*
 * A stand-in for bcryptprimitives.dll, which Wine 8 lacks and Go's Windows
 * runtime loads from System32 at start-up for ProcessPrng, its source of
 * random bytes. ProcessPrng fills the buffer from RtlGenRandom (exported
 * by advapi32 as SystemFunction036), which Wine has. Test support only:
 * it lets a Go-built wufix.exe run under Wine.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	/* RtlGenRandom takes a 32-bit length; ProcessPrng a SIZE_T. */
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
