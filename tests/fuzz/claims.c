/* Claims files (lib/claims): parse from text; errors name file:line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), err[512];
	struct br_claims c = {0};

	if (br_claims_parse_text("fuzz", text, &c, err, sizeof(err)) == -EINVAL && !strstr(err, "fuzz:"))
		abort(); /* a syntax error that does not name the file */
	br_claims_free(&c);
	free(text);
	return 0;
}
