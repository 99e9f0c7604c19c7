/*
 * The seccomp action cache (5.11) remembers "always allowed" per syscall
 * number and arch, for filters whose answer does not depend on arguments.
 * An argument-dependent rule must never be cached: write on fd 1 is allowed,
 * write on fd 2 denied, however often and in whatever order they come.
 * The cache is per arch: a native call allowed many times says nothing
 * about the same number on ia32.
 */
#include <sys/syscall.h>

#include "harness.h"
#include "probe.h"
#include "seccomp.h"

/* write(2, ...) gets EXDEV; write(1, ...) and everything else run. */
#define WRITE_FD2_DENIED                                                                           \
	"ld nr\njeq write 0 3\nld arg0\njeq 2 0 1\nret ERRNO(18)\nret ALLOW\n"

static long write0(int fd)
{
	/* A zero-length write: harmless, returns 0 when allowed. */
	return br_sys(BR_ABI_NATIVE, SYS_write, fd, 0, 0, 0, 0, 0);
}

/* Returns 1 when every fd-1 write ran and every fd-2 write was denied. */
static long alternate(void *arg)
{
	long r = br_seccomp_load_text(WRITE_FD2_DENIED, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	for (int i = 0; i < 1000; i++) {
		if (write0(1) != 0)
			return -1000 - i;
		if (write0(2) != -EXDEV)
			return -2000 - i;
	}
	for (int i = 0; i < 1000; i++)
		if (write0(1) != 0)
			return -3000 - i;
	return write0(2) == -EXDEV ? 1 : -4000;
}

TEST(arg_rule_fd1_allowed_fd2_denied_every_time)
{
	struct br_outcome o;

	br_probe(&o, alternate, NULL, 0, 0);
	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(1, o.ret);
}

TEST(fd2_write_allowed_without_filter_control)
{
	ASSERT_EQ(0, write0(2));
	ASSERT_EQ(0, write0(1));
}

/* Deny getpid only for the i386 arch, after many native getpids. */
#define IA32_GETPID_DENIED                                                                         \
	"ld arch\njeq AUDIT_ARCH_I386 0 3\nld nr\njeq i386:getpid 0 1\nret ERRNO(18)\nret ALLOW\n"

static long native_then_ia32(void *arg)
{
	long r = br_seccomp_load_text(IA32_GETPID_DENIED, BR_SECCOMP_NNP);

	(void)arg;
	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	for (int i = 0; i < 1000; i++)
		if (br_sys(BR_ABI_NATIVE, SYS_getpid, 0, 0, 0, 0, 0, 0) <= 0)
			return -1000;
	return br_sys(BR_ABI_IA32, 20, 0, 0, 0, 0, 0, 0);
}

TEST(cache_is_per_arch)
{
	struct br_outcome o;

	br_require_abi(BR_ABI_IA32);
	br_probe(&o, native_then_ia32, NULL, 0, 0);
	ASSERT_EQ(BR_DENIED, o.kind);
	ASSERT_EQ(EXDEV, o.err);
}

TEST_HARNESS_MAIN
