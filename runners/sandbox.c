/* `blastradius sandbox`: check a profile, print it, or run a command in it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "codes.h"
#include "profile.h"

static void usage_sandbox(FILE *f)
{
	fprintf(f,
		"usage: blastradius sandbox [--check | --print] PROFILE [-- COMMAND [ARG]...]\n\n"
		"Reads a sandbox profile (see fixtures/profiles/*.profile and the README's\n"
		"profile keys) and runs COMMAND inside it: user namespace and maps, the\n"
		"other namespaces, mounts, session, capabilities, no_new_privs, Landlock\n"
		"and seccomp, in that order. If any layer cannot be applied, COMMAND is\n"
		"never started.\n\n"
		"  --check   only parse and check the profile\n"
		"  --print   parse it and print it back in full (defaults spelled out)\n\n"
		"Exit: COMMAND's status (128+N if killed by signal N); 0 for --check/--print;\n"
		"2 for a bad profile (FILE:LINE: what was expected); 1 when the sandbox\n"
		"could not be applied (the layer is named).\n");
}

int cmd_sandbox(int argc, char **argv)
{
	static const struct option lo[] = {
		{"check", no_argument, 0, 'c'}, {"print", no_argument, 0, 'p'},
		{"help", no_argument, 0, 'h'}, {0},
	};
	struct br_sandbox sb;
	struct br_sb_child child;
	struct br_landlock_report ll;
	char err[512];
	int c, mode = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		if (c == 'c' || c == 'p')
			mode = c;
		else
			return help_or_usage(usage_sandbox, c);
	}
	if (optind >= argc)
		die_usage("sandbox: expected a PROFILE (see --help)");
	if (br_profile_load(argv[optind], &sb, err, sizeof(err)))
		die_usage("%s", err);
	if (mode == 'c')
		return BR_EXIT_PASS;
	if (mode == 'p') {
		br_profile_print(stdout, &sb);
		return BR_EXIT_PASS;
	}
	/* Best-effort Landlock never downgrades in silence. */
	if (!br_sandbox_landlock_preview(&sb, &ll)) {
		br_landlock_report_text(&ll, err, sizeof(err));
		fprintf(stderr, "blastradius: sandbox: landlock %s: %s\n",
			sb.landlock == BR_SB_LANDLOCK_REQUIRED ? "required, cannot run" : "best-effort", err);
	}
	if (++optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		die_usage("sandbox: expected -- COMMAND after the profile (or --check)");
	ret = br_sandbox_exec(&sb, argv + optind, &child);
	if (ret)
		die("sandbox: %s: layer '%s' could not be applied: %s; '%s' was not started",
		    sb.name[0] ? sb.name : argv[optind - 1], br_sb_step_name(child.failed),
		    strerror(-ret), argv[optind]);
	ret = br_sandbox_wait(&child);
	return ret < 0 ? BR_EXIT_FAIL : ret;
}
