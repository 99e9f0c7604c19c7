/* blastradius: subcommands dispatch from one table. */
#include <json-c/json.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "cli.h"
#include "codes.h"

static const struct br_cmd cmds[] = {
	{"run", cmd_run, "run the suites on this host and write results/"},
	{"list", cmd_list, "print every case id"},
	{"assess", cmd_assess, "check a live sandbox against a claims file; write an evidence bundle"},
	{"gallery", cmd_gallery, "assess many sandboxes and compare them side by side"},
	{"facts", cmd_facts, "print the environment fingerprint (kernel, LSMs, ABIs, sysctls)"},
	{"sandbox", cmd_sandbox, "check a sandbox profile or run a command inside it"},
	{"matrix", cmd_matrix, "run the suites on many kernels in QEMU guests (and the host)"},
	{"report", cmd_report, "build matrix.{json,md,html} and junit.xml from result dirs"},
	{"diff", cmd_diff, "every verdict and fact that changed between two runs or cells"},
	{"bench", cmd_bench, "time the matrix: boot floors, suite cost, -j1 vs -jN"},
	{"initramfs", cmd_initramfs, "write the matrix guest's initramfs (make does this)"},
	{"kernels", cmd_kernels, "list and fetch kernels for the matrix (Debian packages, files)"},
	{"seccomp", cmd_seccomp, "dump a seccomp profile as PFC and BPF; list built-ins and actions"},
	{"probes", cmd_probes, "print the table of probed syscalls that claims and profiles name"},
	{0},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: blastradius COMMAND [ARGS]\n"
		   "       blastradius help COMMAND | --help | --version\n\n"
		   "Linux isolation conformance: tries to cross each kernel boundary and\n"
		   "reports what happened, as KTAP verdicts and facts.\n\ncommands:\n");
	for (const struct br_cmd *c = cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\n'blastradius COMMAND --help' (or 'blastradius help COMMAND') describes each\n"
		   "command; --version prints the version, the git commit and the libseccomp,\n"
		   "libcap and json-c versions built in.\n"
		   "Exit: 0 ok, 1 a verdict or claim failed, 2 bad input.\n");
}

static const struct br_cmd *find(const char *name)
{
	for (const struct br_cmd *c = cmds; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

static _Noreturn void unknown(const char *name)
{
	const char *names[sizeof(cmds) / sizeof(cmds[0])];
	size_t n = 0;
	const char *near;

	for (const struct br_cmd *c = cmds; c->name; c++)
		names[n++] = c->name;
	near = nearest(name, names, n);
	fprintf(stderr, "blastradius: unknown command '%s'", name);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputs("\n\n", stderr);
	usage(stderr);
	exit(BR_EXIT_USAGE);
}

/* The command's own usage, whatever it is asked (every command and action
 * takes --help, wherever it stands before a "--" that starts a command line). */
static int help(const struct br_cmd *c)
{
	char *av[] = {(char *)c->name, "--help", NULL};

	return c->fn(2, av);
}

int main(int argc, char **argv)
{
	const struct br_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return BR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return BR_EXIT_PASS;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return BR_EXIT_PASS;
		}
		if (!(c = find(argv[2])))
			unknown(argv[2]);
		return help(c);
	}
	if (!strcmp(argv[1], "--version")) {
		const struct scmp_version *sv = seccomp_version();

		printf("blastradius %s\ncommit %s\nlibseccomp %u.%u.%u\nlibcap %d.%d\njson-c %s\n", BR_VERSION,
		       BR_COMMIT, sv->major, sv->minor, sv->micro, LIBCAP_MAJOR, LIBCAP_MINOR, json_c_version());
		return BR_EXIT_PASS;
	}
	if (!(c = find(argv[1])))
		unknown(argv[1]);
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return help(c);
	cli_argv = argv + 1;
	return c->fn(argc - 1, argv + 1);
}
