/* Test prefix only, never in the bundle: Windows 10 (1903 and later) has an icuuc.dll of its
   own, Wine 8.0 does not, and Qt 6.10+'s Qt6Core.dll links to its ucnv_* converter functions
   (used only for text encodings beyond UTF and Latin-1, which PeerDesk never asks for).
   Here every converter is unknown: opening one fails, which Qt reports as "no such codec".
   build_windows.sh checks that this exports every icuuc function Qt6Core.dll imports. */
#include <stddef.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)
#define UNUSED(x) (void)(x)

typedef int32_t UErrorCode; /* > 0 is a failure */
enum { U_FILE_ACCESS_ERROR = 4 };

EXPORT const char peerdesk_wine_test_standin[] = "PeerDesk Wine test stand-in: never ship this file";

static void refuse(UErrorCode *status) {
    if (status != NULL && *status <= 0) *status = U_FILE_ACCESS_ERROR;
}

EXPORT void *ucnv_open(const char *name, UErrorCode *status) { UNUSED(name); refuse(status); return NULL; }
EXPORT void ucnv_close(void *cnv) { UNUSED(cnv); }
EXPORT void ucnv_reset(void *cnv) { UNUSED(cnv); }
EXPORT int8_t ucnv_getMaxCharSize(const void *cnv) { UNUSED(cnv); return 1; }
EXPORT const char *ucnv_getName(const void *cnv, UErrorCode *status) { UNUSED(cnv); refuse(status); return ""; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { UNUSED(n); return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *status) {
    UNUSED(name); UNUSED(standard); UNUSED(status); return NULL;
}

/* Callbacks: there is never a converter to attach them to. */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
static void no_callback(void **action, const void **context) {
    if (action != NULL) *action = NULL;
    if (context != NULL) *context = NULL;
}
EXPORT void ucnv_getToUCallBack(const void *cnv, void **action, const void **context) { UNUSED(cnv); no_callback(action, context); }
EXPORT void ucnv_getFromUCallBack(const void *cnv, void **action, const void **context) { UNUSED(cnv); no_callback(action, context); }
EXPORT void ucnv_setToUCallBack(void *cnv, void *action, const void *context, void **old_action, const void **old_context, UErrorCode *status) {
    UNUSED(cnv); UNUSED(action); UNUSED(context); no_callback(old_action, old_context); refuse(status);
}
EXPORT void ucnv_setFromUCallBack(void *cnv, void *action, const void *context, void **old_action, const void **old_context, UErrorCode *status) {
    UNUSED(cnv); UNUSED(action); UNUSED(context); no_callback(old_action, old_context); refuse(status);
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const uint16_t *source, int32_t length, int32_t offset, UErrorCode *status) {
    UNUSED(args); UNUSED(source); UNUSED(length); UNUSED(offset); refuse(status);
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const uint16_t **source, const uint16_t *limit, int32_t offset, UErrorCode *status) {
    UNUSED(args); UNUSED(source); UNUSED(limit); UNUSED(offset); refuse(status);
}

/* Conversion itself: nothing is converted. */
EXPORT void ucnv_toUnicode(void *cnv, uint16_t **target, const uint16_t *target_limit, const char **source, const char *source_limit, int32_t *offsets, int8_t flush, UErrorCode *status) {
    UNUSED(cnv); UNUSED(target); UNUSED(target_limit); UNUSED(source); UNUSED(source_limit); UNUSED(offsets); UNUSED(flush); refuse(status);
}
EXPORT void ucnv_fromUnicode(void *cnv, char **target, const char *target_limit, const uint16_t **source, const uint16_t *source_limit, int32_t *offsets, int8_t flush, UErrorCode *status) {
    UNUSED(cnv); UNUSED(target); UNUSED(target_limit); UNUSED(source); UNUSED(source_limit); UNUSED(offsets); UNUSED(flush); refuse(status);
}
EXPORT int32_t ucnv_toUCountPending(const void *cnv, UErrorCode *status) { UNUSED(cnv); UNUSED(status); return 0; }
EXPORT int32_t ucnv_fromUCountPending(const void *cnv, UErrorCode *status) { UNUSED(cnv); UNUSED(status); return 0; }
