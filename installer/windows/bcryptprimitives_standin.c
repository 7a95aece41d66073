/* Test prefix only, never in the bundle: Windows 10 has bcryptprimitives.dll, Wine 8.0 does
   not, and Rust's standard library (inside cryptography's _rust.pyd) takes its random bytes
   from its ProcessPrng. Here they come from Wine's BCryptGenRandom, the system's own RNG. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) const char peerdesk_wine_test_standin[] = "PeerDesk Wine test stand-in: never ship this file";

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE buffer, SIZE_T length) {
    while (length > 0) {
        ULONG part = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, buffer, part, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        buffer += part;
        length -= part;
    }
    return TRUE;
}
