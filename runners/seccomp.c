/* `blastradius seccomp`: show filters as an assessor needs to audit them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codes.h"
#include "profile.h"
#include "seccomp.h"

static void usage_seccomp(FILE *f)
{
	fprintf(f,
		"usage: blastradius seccomp dump [--pfc | --bpf] PROFILE\n"
		"       blastradius seccomp list\n"
		"       blastradius seccomp actions\n\n"
		"dump     print PROFILE's filter as libseccomp PFC text and as the raw BPF\n"
		"         program (BPF text, one instruction per line, with the raw\n"
		"         {code, jt, jf, k} of each). PROFILE is a built-in profile name\n"
		"         (see 'list'), a sandbox profile (*.profile, its seccomp keys) or\n"
		"         a BPF text file (*.bpf, e.g. fixtures/seccomp/); a BPF file has\n"
		"         no PFC form.\n"
		"list     the built-in profiles\n"
		"actions  the actions this kernel offers (SECCOMP_GET_ACTION_AVAIL)\n\n"
		"Exit: 0 ok, 2 bad input (FILE:LINE for BPF text), 1 the filter could not\n"
		"be built.\n");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int dump_bpf_file(const char *path, bool want_pfc, bool want_bpf)
{
	struct sock_filter *prog;
	size_t len;
	char err[512];

	if (br_bpf_parse_file(path, &prog, &len, err, sizeof(err)))
		die_usage("%s", err);
	printf("# %s: raw BPF program, %zu instructions\n", path, len);
	if (want_pfc)
		printf("## PFC: not available (libseccomp builds PFC only from its own rules)\n");
	if (want_bpf) {
		printf("## BPF\n");
		br_bpf_print(stdout, prog, len);
	}
	free(prog);
	return BR_EXIT_PASS;
}

static int dump_profile(const struct br_seccomp_profile *p, bool want_pfc, bool want_bpf)
{
	struct sock_filter *prog;
	size_t len;
	int ret;

	printf("# profile %s: %s\n", p->name, p->summary ? p->summary : "");
	if (want_pfc) {
		printf("## PFC\n");
		ret = br_seccomp_pfc(p, stdout);
		if (ret)
			die("seccomp: cannot build '%s': %s", p->name, strerror(-ret));
		/* libseccomp 2.5's PFC leaves out its own x32 check. */
		printf("# note: the BPF program also sends x32 numbers (nr >= 0x40000000) to the\n"
		       "# invalid architecture action; PFC does not show that check.\n");
	}
	if (want_bpf) {
		ret = br_seccomp_bpf(p, &prog, &len);
		if (ret)
			die("seccomp: cannot build '%s': %s", p->name, strerror(-ret));
		printf("## BPF (%zu instructions)\n", len);
		br_bpf_print(stdout, prog, len);
		free(prog);
	}
	return BR_EXIT_PASS;
}

/* A sandbox profile's seccomp keys: a built-in name, or a deny-list. */
static int dump_sandbox_profile(const char *path, bool want_pfc, bool want_bpf)
{
	static struct br_sandbox sb;
	const char *calls[BR_SB_MAX + 1];
	struct br_seccomp_profile deny;
	char err[512];

	if (br_profile_load(path, &sb, err, sizeof(err)))
		die_usage("%s", err);
	if (sb.seccomp[0])
		return dump_profile(br_seccomp_builtin(sb.seccomp), want_pfc, want_bpf);
	if (!sb.nseccomp_deny)
		die_usage("%s: the profile sets no seccomp filter", path);
	br_sandbox_deny_list(&sb, &deny, calls);
	deny.name = path;
	deny.summary = "deny-list from seccomp.deny";
	return dump_profile(&deny, want_pfc, want_bpf);
}

static int do_dump(int argc, char **argv)
{
	bool pfc = true, bpf = true;
	const struct br_seccomp_profile *p;
	const char *what = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pfc"))
			bpf = false;
		else if (!strcmp(argv[i], "--bpf"))
			pfc = false;
		else if (argv[i][0] == '-' && argv[i][1])
			bad_option(usage_seccomp, "seccomp dump", argv[i]);
		else if (what)
			die_usage("seccomp dump: unexpected '%s' (one PROFILE; see --help)", argv[i]);
		else
			what = argv[i];
	}
	if (!what)
		die_usage("seccomp dump: expected a PROFILE (see --help)");
	p = br_seccomp_builtin(what);
	if (p)
		return dump_profile(p, pfc, bpf);
	if (ends_with(what, ".bpf"))
		return dump_bpf_file(what, pfc, bpf);
	if (ends_with(what, ".profile"))
		return dump_sandbox_profile(what, pfc, bpf);
	{
		const char *names[64];
		size_t n = 0;

		for (p = br_seccomp_builtins; p->name && n < 64; p++)
			names[n++] = p->name;
		die_usage("seccomp dump: '%s' is not a built-in profile, a .profile or a .bpf file%s "
			  "('blastradius seccomp list' names the built-ins)", what, did_you_mean(what, names, n));
	}
}

static int do_list(void)
{
	for (const struct br_seccomp_profile *p = br_seccomp_builtins; p->name; p++)
		printf("%-14s %s\n", p->name, p->summary);
	return BR_EXIT_PASS;
}

static int do_actions(void)
{
	for (const struct br_seccomp_action *a = br_seccomp_actions; a->name; a++) {
		int r = br_seccomp_action_avail(a->action);

		printf("%-13s %s\n", a->name, r ? strerror(-r) : "available");
	}
	return BR_EXIT_PASS;
}

int cmd_seccomp(int argc, char **argv)
{
	if (argc < 2) {
		usage_seccomp(stderr);
		return BR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_seccomp(stdout);
		return BR_EXIT_PASS;
	}
	if (!strcmp(argv[1], "dump"))
		return do_dump(argc - 1, argv + 1);
	if ((!strcmp(argv[1], "list") || !strcmp(argv[1], "actions")) && argc > 2) {
		char what[32];

		snprintf(what, sizeof(what), "seccomp %s", argv[1]);
		argv[2][0] == '-' ? bad_option(usage_seccomp, what, argv[2])
				  : die_usage("%s: unexpected argument '%s'", what, argv[2]);
	}
	if (!strcmp(argv[1], "list"))
		return do_list();
	if (!strcmp(argv[1], "actions"))
		return do_actions();
	die_usage("seccomp: unknown subcommand '%s'%s (dump, list, actions)", argv[1],
		  argv[1][0] == '-' ? did_you_mean_option(usage_seccomp, argv[1])
				    : did_you_mean(argv[1], (const char *[]){"dump", "list", "actions"}, 3));
}
