/* `blastradius probes`: lib/probe's table of probed syscalls, the names that
 * claims (seccomp.deny, seccomp.allow, syscalls.blocked) and profiles refer to. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "codes.h"
#include "probe.h"

static void usage_probes(FILE *f)
{
	fprintf(f, "usage: blastradius probes [--help]\n\n"
		   "Prints the table of probed syscalls: the names claims take in seccomp.deny,\n"
		   "seccomp.allow and syscalls.blocked; their numbers on x86_64, x32 (ORed with\n"
		   "0x40000000 when called) and i386, - where the ABI has no such call; the errno\n"
		   "their sentinel arguments get once a call is past seccomp (ok: it succeeds);\n"
		   "and whether a capability check comes first (an unprivileged caller then sees\n"
		   "EPERM even unfiltered).\n");
}

static void nr(long n)
{
	if (n < 0)
		printf(" %10s", "-");
	else
		printf(" %10ld", n);
}

int cmd_probes(int argc, char **argv)
{
	size_t count = 0;

	if (argc > 1) {
		int h = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		if (!h)
			fprintf(stderr, "blastradius: probes: unexpected '%s'%s (it takes no arguments)\n", argv[1],
				argv[1][0] == '-' ? did_you_mean_option(usage_probes, argv[1]) : "");
		usage_probes(h ? stdout : stderr);
		return h ? BR_EXIT_PASS : BR_EXIT_USAGE;
	}
	printf("%-22s %10s %10s %10s  %-9s %s\n", "syscall", "x86_64", "x32", "i386", "sentinel", "notes");
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++, count++) {
		const char *alt = sp->alt_sentinel ? strerrorname_np(sp->alt_sentinel) : NULL;

		printf("%-22s", sp->name);
		for (int abi = 0; abi < BR_NABIS; abi++)
			nr(sp->nr[abi]);
		printf(alt || sp->cap_first ? "  %-9s" : "  %s", sp->sentinel ? strerrorname_np(sp->sentinel) : "ok");
		if (alt)
			printf(" or %s on some kernels", alt);
		if (sp->cap_first)
			printf("%scapability checked first", alt ? "; " : " ");
		putchar('\n');
	}
	fprintf(stderr, "%zu probed syscalls\n", count);
	return BR_EXIT_PASS;
}
