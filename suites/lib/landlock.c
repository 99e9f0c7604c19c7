/*
 * lib/landlock: the builder reports exactly what it handled on this kernel,
 * and its masking by ABI is checked at every level with a forced ABI.
 * Expected masks are written out as numbers here, independently of the
 * library's own table, so a wrong row there cannot pass by agreeing.
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "harness.h"
#include "landlock.h"

static void need_abi(int n)
{
	const char *why = br_landlock_missing(n);

	if (why)
		SKIP("%s", why);
}

static const struct br_landlock_access everything = {.fs = ~0ULL, .net = ~0ULL, .scoped = ~0ULL};

FIXTURE(mask) {
	int unused;
};

/* What each ABI adds, from Documentation/userspace-api/landlock.rst. */
FIXTURE_VARIANT(mask) {
	int abi;
	uint64_t fs, net, scoped;
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(mask, abi1) { .abi = 1, .fs = 0x1fff };
FIXTURE_VARIANT_ADD(mask, abi2) { .abi = 2, .fs = 0x3fff };               /* refer */
FIXTURE_VARIANT_ADD(mask, abi3) { .abi = 3, .fs = 0x7fff };               /* truncate */
FIXTURE_VARIANT_ADD(mask, abi4) { .abi = 4, .fs = 0x7fff, .net = 0x3 };   /* tcp */
FIXTURE_VARIANT_ADD(mask, abi5) { .abi = 5, .fs = 0xffff, .net = 0x3 };   /* ioctl_dev */
FIXTURE_VARIANT_ADD(mask, abi6) { .abi = 6, .fs = 0xffff, .net = 0x3, .scoped = 0x3 };
FIXTURE_VARIANT_ADD(mask, abi7) { .abi = 7, .fs = 0xffff, .net = 0x3, .scoped = 0x3, .flags = 0x7 };
FIXTURE_VARIANT_ADD(mask, abi8) { .abi = 8, .fs = 0xffff, .net = 0x3, .scoped = 0x3, .flags = 0xf };
FIXTURE_VARIANT_ADD(mask, abi9) { .abi = 9, .fs = 0x1ffff, .net = 0x3, .scoped = 0x3, .flags = 0xf };
FIXTURE_VARIANT_ADD(mask, abi10) { .abi = 10, .fs = 0x1ffff, .net = 0xf, .scoped = 0x3, .flags = 0xf };

FIXTURE_SETUP(mask) {}
FIXTURE_TEARDOWN(mask) {}

/* Pure masking: asked for everything, a kernel at this ABI gets exactly its
 * rights, and every other requested bit is reported as dropped. */
TEST_F(mask, masks_to_abi)
{
	struct br_landlock_report r;

	br_landlock_mask(variant->abi, &everything, &r);
	ASSERT_EQ(variant->fs, r.handled.fs);
	ASSERT_EQ(variant->net, r.handled.net);
	ASSERT_EQ(variant->scoped, r.handled.scoped);
	ASSERT_EQ(~variant->fs, r.dropped.fs);
	ASSERT_EQ(~variant->net, r.dropped.net);
	ASSERT_EQ(~variant->scoped, r.dropped.scoped);
	ASSERT_EQ(variant->flags, br_landlock_flags_for_abi(variant->abi));
	ASSERT_FALSE(br_landlock_complete(&r));
}

/* Through the real kernel, with the ABI forced down to this level: the
 * ruleset is accepted and the report names what the kernel could have done. */
TEST_F(mask, forced_abi_builds_on_kernel)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = 0x1ffff, .net = 0xf, .scoped = 0x3};
	char text[1024];

	need_abi(variant->abi);
	br_landlock_force_abi(variant->abi);
	ASSERT_EQ(0, br_landlock_init(&ll, &want));
	ASSERT_LE(0, ll.fd);
	ASSERT_EQ(variant->fs, ll.report.handled.fs);
	ASSERT_EQ(variant->net, ll.report.handled.net);
	ASSERT_EQ(variant->scoped, ll.report.handled.scoped);
	ASSERT_EQ(0x1ffff & ~variant->fs, ll.report.dropped.fs);
	ASSERT_EQ(0xf & ~variant->net, ll.report.dropped.net);
	br_landlock_report_text(&ll.report, text, sizeof(text));
	TH_LOG("%s", text);
	br_landlock_close(&ll);
}

/* On this kernel, asked for every right the library knows: handled is
 * exactly the running ABI's set, dropped exactly the rest, nothing left
 * allowed by choice. */
TEST(builder_reports_handled_on_this_kernel)
{
	struct br_landlock ll;
	struct br_landlock_access all = br_landlock_access_for_abi(BR_LANDLOCK_ABI_MAX);
	struct br_landlock_access has;
	char text[1024];
	int abi = br_landlock_abi();

	need_abi(1);
	has = br_landlock_access_for_abi(abi);
	ASSERT_EQ(0, br_landlock_init(&ll, &all));
	br_landlock_report_text(&ll.report, text, sizeof(text));
	br_fact("landlock.builder", "%s", text);
	ASSERT_EQ(abi, ll.report.abi);
	ASSERT_EQ(has.fs, ll.report.handled.fs);
	ASSERT_EQ(has.net, ll.report.handled.net);
	ASSERT_EQ(has.scoped, ll.report.handled.scoped);
	ASSERT_EQ(all.fs & ~has.fs, ll.report.dropped.fs);
	ASSERT_EQ(all.net & ~has.net, ll.report.dropped.net);
	ASSERT_EQ(0, ll.report.unhandled.fs | ll.report.unhandled.net | ll.report.unhandled.scoped);
	ASSERT_EQ(abi >= BR_LANDLOCK_ABI_MAX, br_landlock_complete(&ll.report));
	br_landlock_close(&ll);
}

/* Forcing an ABI above the kernel's shows why masking matters: the kernel
 * refuses rights it does not know with EINVAL. */
TEST(unknown_right_is_einval)
{
	struct br_landlock ll;
	struct br_landlock_access all = br_landlock_access_for_abi(BR_LANDLOCK_ABI_MAX);
	int abi = br_landlock_abi();

	struct br_landlock_access has;
	int next;

	need_abi(1);
	/* The first newer ABI that adds a right (8 adds only a flag). */
	has = br_landlock_access_for_abi(abi);
	for (next = abi + 1; next <= BR_LANDLOCK_ABI_MAX; next++) {
		struct br_landlock_access more = br_landlock_access_for_abi(next);

		if (more.fs != has.fs || more.net != has.net || more.scoped != has.scoped)
			break;
	}
	if (next > BR_LANDLOCK_ABI_MAX)
		SKIP("running ABI %d has every right the library knows", abi);
	br_landlock_force_abi(next);
	ASSERT_EQ(-EINVAL, br_landlock_init(&ll, &all));
}

static void check_none(int forced, const char *word)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = LANDLOCK_ACCESS_FS_READ_FILE};
	char text[512];

	br_landlock_force_abi(forced);
	ASSERT_EQ(forced, br_landlock_init(&ll, &want));
	ASSERT_EQ(-1, ll.fd);
	ASSERT_EQ(want.fs, ll.report.dropped.fs);
	ASSERT_EQ(0, ll.report.handled.fs);
	ASSERT_FALSE(br_landlock_complete(&ll.report));
	ASSERT_EQ(-EBADF, br_landlock_allow_path(&ll, "/", want.fs));
	ASSERT_EQ(-EBADF, br_landlock_restrict(&ll, 0));
	ASSERT_FALSE(ll.report.enforced);
	br_landlock_report_text(&ll.report, text, sizeof(text));
	ASSERT_TRUE(strstr(text, word) != NULL);
	ASSERT_TRUE(strstr(text, "dropped (kernel lacks) fs=read_file") != NULL);
}

/* No Landlock at all: an error and a report that drops everything, never a
 * quiet success. */
TEST(no_landlock_drops_everything)
{
	check_none(-ENOSYS, "abi=none");
}

TEST(disabled_landlock_drops_everything)
{
	check_none(-EOPNOTSUPP, "abi=disabled");
}

/* A request that masks down to nothing is ENOMSG, not an empty ruleset. */
TEST(nothing_left_is_enomsg)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = LANDLOCK_ACCESS_FS_TRUNCATE};

	need_abi(1);
	br_landlock_force_abi(2);
	ASSERT_EQ(-ENOMSG, br_landlock_init(&ll, &want));
	ASSERT_EQ(LANDLOCK_ACCESS_FS_TRUNCATE, ll.report.dropped.fs);
}

/* Rule rights the ruleset does not handle are masked out of the rule, and a
 * rule left empty is counted, not sent (the kernel would say ENOMSG). */
TEST(rule_rights_masked_by_handled)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE};

	need_abi(2);
	br_landlock_force_abi(2);
	ASSERT_EQ(0, br_landlock_init(&ll, &want));
	ASSERT_EQ(0, br_landlock_allow_path(&ll, "/", LANDLOCK_ACCESS_FS_READ_FILE |
							     LANDLOCK_ACCESS_FS_TRUNCATE));
	ASSERT_EQ(0, br_landlock_allow_path(&ll, "/", LANDLOCK_ACCESS_FS_TRUNCATE));
	ASSERT_EQ(1, ll.report.rules_added);
	ASSERT_EQ(1, ll.report.rules_empty);
	ASSERT_EQ(LANDLOCK_ACCESS_FS_TRUNCATE, ll.report.rule_fs_masked);
	br_landlock_close(&ll);
}

/* Directory-only rights on a regular file would be EINVAL: they are masked. */
TEST(dir_rights_masked_on_file)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR};

	need_abi(1);
	ASSERT_EQ(0, br_landlock_init(&ll, &want));
	ASSERT_EQ(0, br_landlock_allow_path(&ll, "/proc/self/exe", want.fs));
	ASSERT_EQ(1, ll.report.rules_added);
	ASSERT_EQ(LANDLOCK_ACCESS_FS_READ_DIR, ll.report.rule_fs_masked);
	br_landlock_close(&ll);
}

/* TSYNC asked of an ABI without it is dropped and reported: sibling threads
 * would stay unrestricted, and the caller must be told. */
TEST(tsync_dropped_below_abi8)
{
	struct br_landlock ll;
	struct br_landlock_access want = {.fs = LANDLOCK_ACCESS_FS_MAKE_DIR};
	char text[512];

	need_abi(7);
	br_landlock_force_abi(7);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, br_landlock_init(&ll, &want));
	ASSERT_EQ(0, br_landlock_restrict(&ll, LANDLOCK_RESTRICT_SELF_TSYNC |
						       LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON));
	ASSERT_TRUE(ll.report.enforced);
	ASSERT_EQ(LANDLOCK_RESTRICT_SELF_TSYNC, ll.report.flags_dropped);
	ASSERT_EQ(LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON, ll.report.flags_applied);
	ASSERT_FALSE(br_landlock_complete(&ll.report));
	br_landlock_report_text(&ll.report, text, sizeof(text));
	ASSERT_TRUE(strstr(text, "flags dropped=tsync") != NULL);
}

/* The primitive applied: a handled, ungranted right is denied. */
TEST(apply_denies_ungranted)
{
	struct br_landlock_access h = {.fs = LANDLOCK_ACCESS_FS_READ_FILE};
	struct br_landlock_rule rules[] = {{.path = "/proc", .fs = LANDLOCK_ACCESS_FS_READ_FILE}, {0}};
	struct br_landlock_report r;

	need_abi(1);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, br_landlock_apply(&h, rules, 0, &r));
	ASSERT_TRUE(r.enforced);
	ASSERT_EQ(1, r.rules_added);
	ASSERT_ERRNO(EACCES, open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
	ASSERT_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
}

/* ... and without it, the same open works. */
TEST(apply_denies_ungranted_control)
{
	need_abi(1);
	ASSERT_OK(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
}

TEST(names_and_abi_table)
{
	char buf[256];

	ASSERT_STREQ("read_file,truncate",
		     br_landlock_names('f', LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE,
				       buf, sizeof(buf)));
	ASSERT_STREQ("-", br_landlock_names('n', 0, buf, sizeof(buf)));
	ASSERT_STREQ("signal,bit5", br_landlock_names('s', LANDLOCK_SCOPE_SIGNAL | 1ULL << 5, buf,
						     sizeof(buf)));
	ASSERT_EQ(3, br_landlock_abi_of('f', LANDLOCK_ACCESS_FS_TRUNCATE));
	ASSERT_EQ(8, br_landlock_abi_of('r', LANDLOCK_RESTRICT_SELF_TSYNC));
	ASSERT_EQ(9, br_landlock_abi_of('f', LANDLOCK_ACCESS_FS_RESOLVE_UNIX));
	ASSERT_EQ(0, br_landlock_abi_of('f', 1ULL << 40));
	ASSERT_STREQ("none", br_landlock_abi_str(-ENOSYS, buf, sizeof(buf)));
	ASSERT_STREQ("disabled", br_landlock_abi_str(-EOPNOTSUPP, buf, sizeof(buf)));
	ASSERT_STREQ("error:EPERM", br_landlock_abi_str(-EPERM, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
