/* blastradius: subcommands dispatch from one table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codes.h"

static const struct br_cmd cmds[] = {
	{"run", cmd_run, "run the suites on this host and write results/"},
	{"list", cmd_list, "print every case id"},
	{"assess", cmd_assess, "check a live sandbox against a claims file; write an evidence bundle"},
	{"facts", cmd_facts, "print the environment fingerprint (kernel, LSMs, ABIs, sysctls)"},
	{"sandbox", cmd_sandbox, "check a sandbox profile or run a command inside it"},
	{"matrix", cmd_matrix, "run the suites on many kernels in QEMU guests (and the host)"},
	{"report", cmd_report, "build matrix.{json,md,html} and junit.xml from result dirs"},
	{"diff", cmd_diff, "every verdict and fact that changed between two runs or cells"},
	{"bench", cmd_bench, "time the matrix: boot floors, suite cost, -j1 vs -jN"},
	{"initramfs", cmd_initramfs, "write the matrix guest's initramfs (make does this)"},
	{"kernels", cmd_kernels, "list and fetch kernels for the matrix (Debian packages, files)"},
	{"seccomp", cmd_seccomp, "dump a seccomp profile as PFC and BPF; list built-ins and actions"},
	{0},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: blastradius COMMAND [ARGS]\n\n"
		   "Linux isolation conformance: tries to cross each kernel boundary and\n"
		   "reports what happened, as KTAP verdicts and facts.\n\ncommands:\n");
	for (const struct br_cmd *c = cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'blastradius COMMAND --help' describes each command.\n"
		   "Exit: 0 ok, 1 a verdict or claim failed, 2 bad input.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return BR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return BR_EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("blastradius %s\n", BR_VERSION);
		return BR_EXIT_PASS;
	}
	for (const struct br_cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "blastradius: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return BR_EXIT_USAGE;
}
