/* BPF text (lib/seccomp): parse; a parsed program prints as text that parses
 * to the same instructions (seccomp dump --bpf round-trips). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), err[512], *out = NULL;
	struct sock_filter *prog, *again;
	size_t len, len2, n = 0;
	FILE *f;

	if (br_bpf_parse(text, "fuzz", &prog, &len, err, sizeof(err))) {
		free(text);
		return 0;
	}
	if (!(f = open_memstream(&out, &n)))
		abort();
	br_bpf_print(f, prog, len);
	fclose(f);
	if (br_bpf_parse(out, "printed", &again, &len2, err, sizeof(err))) {
		fprintf(stderr, "printed BPF does not parse back: %s\n%s", err, out);
		abort();
	}
	if (len2 != len || memcmp(prog, again, len * sizeof(*prog))) {
		fprintf(stderr, "BPF text round trip changed the program:\n%s", out);
		abort();
	}
	free(again);
	free(prog);
	free(out);
	free(text);
	return 0;
}
