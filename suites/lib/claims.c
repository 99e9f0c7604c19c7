/*
 * lib/claims: good files parse to the claims they state; every malformed
 * file is refused with the exact "file:line: what was expected" message.
 */
#include "claims.h"
#include "harness.h"

#define ERRSZ 512

struct bad {
	const char *text;
	const char *err; /* the whole message */
};

static const struct bad bad[] = {
	{"ns.foo = isolated\n", "t:1: unknown key 'ns.foo' (the README table \"Claims keys\" lists them)"},
	{"# c\n\nns.net == isolated\n", "t:3: ns.net: expected operator '=', got '=='"},
	{"ns.net >= isolated\n", "t:1: ns.net: expected operator '=', got '>='"},
	{"ns.net isolated\n", "t:1: ns.net: expected operator '=', got 'isolated'"},
	{"ns.net =\n", "t:1: ns.net: expected a value after '='"},
	{"ns.net = private\n", "t:1: ns.net: expected one of 'isolated', 'shared', got 'private'"},
	{"ns.net = isolated shared\n", "t:1: ns.net: expected one of 'isolated', 'shared', got 'isolated shared'"},
	{"= isolated\n", "t:1: expected a claim key at the start of the line"},
	{"caps.effective = cap_sys_admn\n", "t:1: caps.effective: expected 'none', 'all' or capability names like cap_sys_admin, got 'cap_sys_admn'"},
	{"caps.bounding != none\n", "t:1: caps.bounding: expected operator '=' or '>=' or '<=', got '!='"},
	{"caps.bounding = none all\n", "t:1: caps.bounding: expected 'none', 'all' or capability names like cap_sys_admin, got 'none'"},
	{"nnp = yes\n", "t:1: nnp: expected one of 'on', 'off', got 'yes'"},
	{"seccomp.mode = bpf\n", "t:1: seccomp.mode: expected one of 'disabled', 'strict', 'filter', got 'bpf'"},
	{"seccomp.filters >= -1\n", "t:1: seccomp.filters: expected a non-negative integer, got '-1'"},
	{"seccomp.filters >= 2x\n", "t:1: seccomp.filters: expected a non-negative integer, got '2x'"},
	{"seccomp.deny = mount frobnicate\n", "t:1: seccomp.deny: expected syscall names that blastradius probes ('blastradius probes' lists them), got 'frobnicate'"},
	{"landlock.abi > 3\n", "t:1: landlock.abi: expected operator '=' or '>=' or '<=', got '>'"},
	{"landlock.abi >= three\n", "t:1: landlock.abi: expected a non-negative integer, got 'three'"},
	{"landlock.write = workspace\n", "t:1: landlock.write: expected absolute paths, got 'workspace'"},
	{"procsys.writable = net.*\n", "t:1: procsys.writable: '=' takes 'none'; use '<=' with sysctl globs"},
	{"procsys.writable <= none\n", "t:1: procsys.writable: 'none' goes with '=', got '<='"},
	{"procsys.writable <= net/ipv4\n", "t:1: procsys.writable: expected dotted sysctl globs like net.*, got 'net/ipv4'"},
	{"ns.pid = isolated\nns.pid = shared\n", "t:2: ns.pid =: claimed twice (first at line 1)"},
	{"securebits = noroot root\n", "t:1: securebits: expected 'none' or securebit names like noroot_locked, got 'root'"},
	{"uid = 0x0\n", "t:1: uid: expected a non-negative integer, got '0x0'"},
	{"sockets = closed\n", "t:1: sockets: expected one of 'unreachable', 'reachable', got 'closed'"},
	{"fhandle = denied\nnnp = on\x01\n", "t:2: expected printable text, got byte 0x01"},
	{"tiocsti <= denied\n", "t:1: tiocsti: expected operator '=', got '<='"},
	{"NS.NET = isolated\n", "t:1: unknown key 'NS.NET' (the README table \"Claims keys\" lists them)"},
	{"ns.net => isolated\n", "t:1: ns.net: expected operator '=', got '=>'"},
	{"landlock.abi =< 3\n", "t:1: landlock.abi: expected operator '=' or '>=' or '<=', got '=<'"},
	{"io_uring = off\n", "t:1: io_uring: expected one of 'blocked', 'available', got 'off'"},
	{0},
};

TEST(malformed_files_name_file_line_and_expectation)
{
	for (const struct bad *b = bad; b->text; b++) {
		struct br_claims c = {0};
		char err[ERRSZ];
		int r = br_claims_parse_text("t", b->text, &c, err, sizeof(err));

		EXPECT_EQ(-EINVAL, r);
		EXPECT_STREQ(b->err, err);
		br_claims_free(&c);
	}
}

TEST(good_file_parses_every_claim)
{
	static const char text[] =
		"# acme-agent sandbox claims\n"
		"ns.user        = isolated\n"
		"\tns.net = shared   # trailing comments are not allowed, so no comment here\n";
	static const char good[] =
		"# acme-agent sandbox claims\n"
		"ns.user        = isolated\n"
		"caps.effective = none\n"
		"caps.bounding  <= cap_net_bind_service CAP_CHOWN\n"
		"nnp            = on\n"
		"seccomp.mode   = filter\n"
		"seccomp.deny   = open_by_handle_at   io_uring_setup keyctl\n"
		"landlock.abi   >= 3\n"
		"landlock.abi   <= 9\n"
		"landlock.write = /workspace /tmp\n"
		"procsys.writable <= net.* user.max_*\n"
		"securebits = noroot noroot_locked\n";
	struct br_claims c = {0};
	char err[ERRSZ];

	ASSERT_EQ(0, br_claims_parse_text("good", good, &c, err, sizeof(err)));
	ASSERT_EQ(11, c.n);
	EXPECT_STREQ("ns.user", c.v[0].key->name);
	EXPECT_EQ(2, c.v[0].line);
	EXPECT_EQ(0, c.v[1].mask);
	EXPECT_EQ((1ULL << 10) | (1ULL << 0), c.v[2].mask);
	EXPECT_EQ(BR_OP_LE, c.v[2].op);
	EXPECT_STREQ("open_by_handle_at io_uring_setup keyctl", c.v[5].text);
	EXPECT_EQ(3, c.v[5].nwords);
	EXPECT_EQ(3, c.v[6].num);
	EXPECT_EQ(BR_OP_GE, c.v[6].op);
	EXPECT_EQ(2, c.v[8].nwords);
	EXPECT_EQ(3, c.v[10].mask);
	br_claims_free(&c);
	/* A '#' after a value is part of the value, and is refused as one. */
	EXPECT_EQ(-EINVAL, br_claims_parse_text("t", text, &c, err, sizeof(err)));
	EXPECT_STREQ("t:3: ns.net: expected one of 'isolated', 'shared', got 'shared # trailing "
		     "comments are not allowed, so no comment here'", err);
	br_claims_free(&c);
}

TEST(missing_file_is_an_io_error)
{
	struct br_claims c = {0};
	char err[ERRSZ];

	EXPECT_EQ(-ENOENT, br_claims_parse("/nonexistent/claims", &c, err, sizeof(err)));
	EXPECT_STREQ("/nonexistent/claims: No such file or directory", err);
}

TEST_HARNESS_MAIN
