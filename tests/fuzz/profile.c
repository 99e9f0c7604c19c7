/* Sandbox profile text (lib/profile): parse; what parses prints back as text
 * that parses to the same print (blastradius sandbox --print relies on it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "profile.h"

static char *print(const struct br_sandbox *sb)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	if (!f)
		abort();
	br_profile_print(f, sb);
	fclose(f);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), err[512], *once, *twice;
	struct br_sandbox sb, again;
	const char *key, *why;

	if (br_profile_parse(text, "fuzz", &sb, err, sizeof(err))) {
		if (!strstr(err, "fuzz:"))
			abort(); /* an error that does not name the file */
		free(text);
		return 0;
	}
	br_sandbox_check(&sb, &key, &why);
	once = print(&sb);
	if (br_profile_parse(once, "printed", &again, err, sizeof(err))) {
		fprintf(stderr, "printed profile does not parse back: %s\n%s", err, once);
		abort();
	}
	twice = print(&again);
	if (strcmp(once, twice)) {
		fprintf(stderr, "print is not stable:\n%s---\n%s", once, twice);
		abort();
	}
	free(once);
	free(twice);
	free(text);
	return 0;
}
