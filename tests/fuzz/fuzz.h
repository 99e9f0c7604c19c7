/*
 * libFuzzer harnesses (make fuzz): each file defines LLVMFuzzerTestOneInput
 * for one parser or reader. Helpers shared by them.
 */
#ifndef BR_FUZZ_H
#define BR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (an embedded NUL ends it, as it
 * would for a reader of a text file). Caller frees. */
char *fuzz_text(const uint8_t *data, size_t size);
/* A private scratch folder for this process (made once, under $TMPDIR and
 * removed at exit), emptied on every call. */
const char *fuzz_scratch(void);
/* Write len bytes to dir/name, making name's folders. 0 or -1. */
int fuzz_write(const char *dir, const char *name, const char *data, size_t len);

#endif
