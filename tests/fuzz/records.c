/*
 * Probe records as assess reads them (runners/check.c): the input is the
 * probe's output inside the sandbox, then after a form feed (if any) the
 * reference run outside. Every claims key with each of its operators is
 * checked against them, and the summaries are written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "fuzz.h"

static struct br_claims claims;

/* A value of each type that parses, for the claim lines built below. */
static const char *const sample[] = {
	[BR_CV_INT] = "3",
	[BR_CV_CAPS] = "cap_net_raw cap_chown",
	[BR_CV_SECBITS] = "noroot",
	[BR_CV_SYSCALLS] = "mount bpf keyctl",
	[BR_CV_PATHS] = "/tmp /workspace",
	[BR_CV_GLOBS] = "net.*",
	[BR_CV_IDS] = "0 65534",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* One claim per key and operator; a combination the parser refuses
	 * (its value does not suit that key) is left out. */
	for (const struct br_claim_key *k = br_claim_keys; k->name; k++)
		for (int op = 0; op < BR_NOPS; op++) {
			char line[256], err[256];
			struct br_claims one = {0};
			struct br_claim *v;

			const char *value = k->choices ? k->choices[0]
				: k->type < sizeof(sample) / sizeof(*sample) ? sample[k->type] : NULL;

			if (!(k->ops & (1U << op)) || !value)
				continue;
			snprintf(line, sizeof(line), "%s %s %s\n", k->name, br_claim_op_str(op), value);
			if (br_claims_parse_text("init", line, &one, err, sizeof(err)) || one.n != 1) {
				br_claims_free(&one);
				continue;
			}
			v = realloc(claims.v, (claims.n + 1) * sizeof(*v));
			if (!v)
				abort();
			claims.v = v;
			claims.v[claims.n++] = one.v[0];
			free(one.v);
		}
	/* A harness that checks no claim would pass in silence. */
	fprintf(stderr, "records: %zu claims\n", claims.n);
	if (claims.n < 20)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *ff = strchr(text, '\f'), msg[1024], *s;
	struct recs in, ref;

	if (ff)
		*ff++ = 0;
	recs_parse(&in, text);
	recs_parse(&ref, ff ? ff : "");
	for (size_t i = 0; i < claims.n; i++)
		claim_check(&claims.v[i], &in, ff ? &ref : NULL, msg, sizeof(msg));
	for (int a = 0; a < BR_NAREAS; a++)
		free(reach_summary(&in, ff ? &ref : NULL, a));
	s = plain_summary(&in, ff ? &ref : NULL);
	free(s);
	recs_free(&in);
	recs_free(&ref);
	free(text);
	return 0;
}
