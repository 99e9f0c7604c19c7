/*
 * io_uring: submission-queue operations are not syscalls, so seccomp never
 * sees them. A filter that denies open/openat/openat2 but allows io_uring
 * is bypassed by IORING_OP_OPENAT (a demonstrated bypass: the detection
 * case passes when the bypass works). The library's profiles deny
 * io_uring_setup. Fact: sysctl.kernel.io_uring_disabled.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

/* Opening by syscall is EACCES; everything else, io_uring included, runs. */
#define DENY_OPEN_ALLOW_URING                                                                      \
	"ld arch\njeq AUDIT_ARCH_X86_64 1 0\nret KILL_PROCESS\nld nr\n"                            \
	"jge X32_SYSCALL_BIT 0 1\nret KILL_PROCESS\n"                                             \
	"jeq open 2 0\njeq openat 1 0\njeq openat2 0 1\nret ERRNO(13)\nret ALLOW\n"

static void uring_fact(void)
{
	char v[16];

	if (br_read_file("/proc/sys/kernel/io_uring_disabled", v, sizeof(v)) > 0) {
		v[strcspn(v, "\n")] = 0;
		br_fact("sysctl.kernel.io_uring_disabled", "%s", v);
	}
}

/* Skip unless io_uring can open files here at all (the bypass's control). */
static void need_uring_openat(void)
{
	long fd = br_uring_openat("/", O_DIRECTORY);

	uring_fact();
	if (fd == -ENOSYS)
		SKIP("io_uring is not built (CONFIG_IO_URING)");
	if (fd == -EPERM)
		SKIP("io_uring_setup gives EPERM: kernel.io_uring_disabled forbids it here");
	if (fd == -EINVAL)
		SKIP("IORING_OP_OPENAT needs Linux 5.6");
	if (fd < 0)
		br_fail(__FILE__, __LINE__, "io_uring openat without a filter: %s",
			br_errname((int)-fd));
	ASSERT_LE(0, fd);
	close((int)fd);
}

/* 1: opened a directory through the ring; -errno otherwise. */
static long uring_open_under_filter(void *arg)
{
	long r = br_seccomp_load_text(DENY_OPEN_ALLOW_URING, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_uring_open_root();
}

static long openat_under_filter(void *arg)
{
	long r = br_seccomp_load_text(DENY_OPEN_ALLOW_URING, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY) < 0 ? -errno : 1;
}

TEST(openat_denied_by_filter_control)
{
	struct br_outcome o;

	br_probe(&o, openat_under_filter, NULL, 0, 0);
	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EACCES, o.err);
}

TEST(uring_openat_without_filter_control)
{
	need_uring_openat();
}

TEST(uring_openat_bypasses_openat_deny_filter)
{
	struct br_outcome o;
	char buf[96];

	need_uring_openat();
	br_probe(&o, uring_open_under_filter, NULL, 0, 0);
	br_fact("seccomp.io_uring_bypass", "%s",
		o.kind == BR_ALLOWED && o.ret == 1 ? "demonstrated" : br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(1, o.ret);
}

/* ---- the library's profiles ---- */

FIXTURE(profile) {
	int unused;
};

FIXTURE_VARIANT(profile) {
	const char *name;
};

FIXTURE_VARIANT_ADD(profile, deny_escapes) { "deny-escapes" };
FIXTURE_VARIANT_ADD(profile, allow_minimal) { "allow-minimal" };
FIXTURE_VARIANT_ADD(profile, allow_stdio) { "allow-stdio" };

FIXTURE_SETUP(profile) {}
FIXTURE_TEARDOWN(profile) {}

struct in_profile {
	const char *profile;
	const char *call;
};

static long call_in_profile(void *arg)
{
	const struct in_profile *p = arg;
	long r = br_seccomp_apply(br_seccomp_builtin(p->profile));

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return br_sysprobe_call(br_sysprobe_find(p->call), BR_ABI_NATIVE);
}

TEST_F(profile, denies_io_uring)
{
	static const char *const calls[] = {"io_uring_setup", "io_uring_enter", "io_uring_register"};
	struct br_outcome o;
	char buf[96];

	uring_fact();
	for (size_t i = 0; i < 3; i++) {
		struct in_profile p = {variant->name, calls[i]};

		br_probe_sys(&o, br_sysprobe_find(calls[i]), BR_ABI_NATIVE, 0);
		TH_LOG("%s without a filter: %s", calls[i], br_outcome_str(&o, buf, sizeof(buf)));
		if (o.kind != BR_ALLOWED)
			SKIP("control: %s is %s without a filter (io_uring off or not built)",
			     calls[i], buf);
		br_probe(&o, call_in_profile, &p, br_sysprobe_find(calls[i])->sentinel, 0);
		TH_LOG("%s under %s: %s", calls[i], variant->name, br_outcome_str(&o, buf, sizeof(buf)));
		EXPECT_TRUE(o.kind == BR_DENIED || o.kind == BR_KILLED);
	}
}

/* The control: unfiltered, io_uring_setup gets past entry (EFAULT sentinel). */
TEST(io_uring_setup_allowed_without_filter_control)
{
	struct br_outcome o;
	char buf[96];

	uring_fact();
	br_probe_sys(&o, br_sysprobe_find("io_uring_setup"), BR_ABI_NATIVE, 0);
	if (o.kind == BR_UNSUPPORTED)
		SKIP("io_uring is not built (CONFIG_IO_URING)");
	if (o.kind == BR_DENIED && o.err == EPERM)
		SKIP("kernel.io_uring_disabled denies io_uring_setup here");
	ASSERT_STREQ("allowed", br_outcome_str(&o, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
