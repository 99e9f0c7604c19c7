/*
 * Time namespace (5.6): offsets for CLOCK_MONOTONIC and CLOCK_BOOTTIME,
 * written to /proc/PID/timens_offsets before any process enters; they apply
 * to the children (unshare moves only time_for_children), never to
 * CLOCK_REALTIME, and become read-only (EACCES) once a process is inside.
 * Inside, every way to read the clocks agrees: the vDSO and the raw
 * syscall, /proc/uptime (boottime), and absolute timers, which take the
 * namespace's time.
 */
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"

#define DAY 86400
#define OFFSETS "/proc/self/timens_offsets"

/* report: emit the ns.time fact (one case does, so it appears once). */
static void enter_reporting(bool report)
{
	int ret;

	if (access("/proc/self/ns/time", F_OK)) {
		if (report)
			br_fact("ns.time", "absent");
		SKIP("no time namespaces (CONFIG_TIME_NS, Linux 5.6)");
	}
	if (report)
		br_fact("ns.time", "supported");
	ret = br_ns_private(CLONE_NEWTIME);
	if (ret)
		SKIP("cannot create a time namespace: %s", br_errname(-ret));
}

static void enter(void)
{
	enter_reporting(false);
}

static long long secs(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec;
}

/* Run fn in a forked child (inside the namespace once offsets are set). */
static long long in_child(long long (*fn)(void))
{
	int p[2];
	long long v = 0;
	pid_t pid;

	ASSERT_OK(pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		v = fn();
		_exit(write(p[1], &v, sizeof(v)) != sizeof(v));
	}
	ASSERT_EQ((ssize_t)sizeof(v), read(p[0], &v, sizeof(v)));
	ASSERT_EQ(0, br_wait(pid));
	return v;
}

static clockid_t child_clock;

static long long child_clock_secs(void)
{
	return secs(child_clock);
}

/* The clock as a forked child sees it, minus ours now. */
static long long child_minus_us(clockid_t c)
{
	child_clock = c;
	return in_child(child_clock_secs) - secs(c);
}

static void near(long long want, long long seen)
{
	ASSERT_LE(want - 5, seen);
	ASSERT_GE(want + 5, seen);
}

static void offset(const char *clock, long long s)
{
	char line[64];

	snprintf(line, sizeof(line), "%s %lld 0", clock, s);
	ASSERT_EQ(0, br_write_file(OFFSETS, line));
}

FIXTURE(offset) {
	int unused;
};

FIXTURE_VARIANT(offset) {
	const char *name;
	clockid_t clock;
};

FIXTURE_VARIANT_ADD(offset, monotonic) { "monotonic", CLOCK_MONOTONIC };
FIXTURE_VARIANT_ADD(offset, boottime) { "boottime", CLOCK_BOOTTIME };

FIXTURE_SETUP(offset) {}
FIXTURE_TEARDOWN(offset) {}

TEST_F(offset, applies_to_children_only)
{
	long long before;

	enter();
	before = secs(variant->clock);
	offset(variant->name, DAY);
	near(before, secs(variant->clock)); /* the unsharer: unchanged */
	near(DAY, child_minus_us(variant->clock));
}

TEST_F(offset, no_time_ns_no_offset_control)
{
	near(0, child_minus_us(variant->clock));
}

/* setns into the new namespace: the caller itself moves, offset and all. */
TEST_F(offset, setns_applies_to_caller)
{
	long long before;
	int fd;

	enter();
	offset(variant->name, DAY);
	before = secs(variant->clock);
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(setns(fd, CLONE_NEWTIME));
	near(before + DAY, secs(variant->clock));
}

TEST(realtime_never_offset)
{
	enter_reporting(true);
	offset("monotonic", DAY);
	offset("boottime", DAY);
	near(0, child_minus_us(CLOCK_REALTIME));
}

/* Only monotonic and boottime have offsets: CLOCK_REALTIME (0) is EINVAL. */
TEST(realtime_offset_einval)
{
	enter();
	ASSERT_EQ(-EINVAL, br_write_file(OFFSETS, "0 86400 0"));
	ASSERT_EQ(0, br_write_file(OFFSETS, "1 86400 0")); /* CLOCK_MONOTONIC */
}

TEST(offsets_locked_after_first_entry_eacces)
{
	enter();
	offset("monotonic", DAY);
	near(DAY, child_minus_us(CLOCK_MONOTONIC)); /* a process entered */
	ASSERT_EQ(-EACCES, br_write_file(OFFSETS, "monotonic 0 0"));
}

TEST(offsets_rewritable_before_entry_control)
{
	enter();
	offset("monotonic", DAY);
	offset("monotonic", 2 * DAY);
	near(2 * DAY, child_minus_us(CLOCK_MONOTONIC));
}

/* The resulting clock may not go negative. */
TEST(negative_clock_erange)
{
	char line[64];

	enter();
	snprintf(line, sizeof(line), "monotonic %lld 0", -(secs(CLOCK_MONOTONIC) + DAY));
	ASSERT_EQ(-ERANGE, br_write_file(OFFSETS, line));
}

/* The raw syscall's CLOCK_MONOTONIC minus the vDSO's (libc's) */
static long long syscall_minus_vdso(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts))
		return -1000000;
	return ts.tv_sec - secs(CLOCK_MONOTONIC);
}

static long long uptime_secs(void)
{
	char buf[64];

	if (br_read_file("/proc/uptime", buf, sizeof(buf)) <= 0)
		return -1000000;
	return atoll(buf);
}

TEST(vdso_and_syscall_see_the_offset)
{
	enter();
	offset("monotonic", DAY);
	near(DAY, child_minus_us(CLOCK_MONOTONIC));
	near(0, in_child(syscall_minus_vdso));
}

TEST(uptime_shows_boottime_offset)
{
	long long host = uptime_secs();

	enter();
	offset("boottime", DAY);
	near(host + DAY, in_child(uptime_secs));
}

TEST(uptime_without_time_ns_control)
{
	near(uptime_secs(), in_child(uptime_secs));
}

/* An absolute CLOCK_MONOTONIC timer for the namespace's "now" has expired:
 * it fires at once. Read as host time it would be a day away. 1: fired. */
static long long abs_timer_now_fires(void)
{
	struct itimerspec it = {0};
	struct pollfd p = {.events = POLLIN};

	p.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (p.fd < 0 || clock_gettime(CLOCK_MONOTONIC, &it.it_value) ||
	    timerfd_settime(p.fd, TFD_TIMER_ABSTIME, &it, NULL))
		return -1;
	return poll(&p, 1, 2000);
}

TEST(absolute_timer_uses_namespace_time)
{
	enter();
	offset("monotonic", DAY);
	ASSERT_EQ(1, in_child(abs_timer_now_fires));
}

TEST(absolute_timer_without_time_ns_control)
{
	ASSERT_EQ(1, in_child(abs_timer_now_fires));
}

TEST(unshare_needs_cap, .as = BR_UNPRIV)
{
	if (access("/proc/self/ns/time", F_OK))
		SKIP("no time namespaces (CONFIG_TIME_NS, Linux 5.6)");
	ASSERT_ERRNO(EPERM, unshare(CLONE_NEWTIME));
}

TEST_HARNESS_MAIN
