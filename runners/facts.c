/* `blastradius facts`: the environment fingerprint, as text or JSON. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codes.h"
#include "facts.h"

static void usage_facts(FILE *f)
{
	fprintf(f,
		"usage: blastradius facts [--json]\n\n"
		"Prints what this kernel and this process look like: kernel release,\n"
		"version and cmdline, arch, LSMs, Landlock ABI and errata, x32/ia32,\n"
		"seccomp actions, cap_last_cap, the sysctls that shape unprivileged\n"
		"reach, our namespace identities and /proc/self/status cap/seccomp\n"
		"fields. One key=value per line, or one JSON object with --json.\n"
		"Keys a kernel lacks are omitted. Exit: 0, or 1 when out of memory.\n");
}

json_object *facts_json(const struct br_facts *f)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < f->n; i++)
		json_object_object_add(o, f->kv[i].key, json_object_new_string(f->kv[i].value));
	return o;
}

int cmd_facts(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0},
	};
	struct br_facts f = {0};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			return help_or_usage(usage_facts, c);
	}
	if (optind < argc)
		die_usage("facts: unexpected argument '%s'", argv[optind]);
	if (br_facts_gather(&f))
		die("facts: out of memory");
	if (json) {
		json_object *o = facts_json(&f);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		for (size_t i = 0; i < f.n; i++)
			printf("%s=%s\n", f.kv[i].key, f.kv[i].value);
	}
	br_facts_free(&f);
	return BR_EXIT_PASS;
}
