/*
 * vDSO: clock_gettime, gettimeofday, time and getcpu are usually answered
 * in user space from the vDSO, without entering the kernel, so a filter
 * cannot stop them. That is a fact about the platform (seccomp.vdso_unfiltered),
 * not a failure. Clocks the vDSO cannot serve (CLOCK_PROCESS_CPUTIME_ID)
 * take the syscall, and the filter stops those.
 */
#include <string.h>
#include <time.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "seccomp.h"

#define KILL_CLOCK_GETTIME "ld nr\njeq clock_gettime 0 1\nret KILL_PROCESS\nret ALLOW\n"

static long libc_clock(void *clock)
{
	struct timespec ts;
	long r = br_seccomp_load_text(KILL_CLOCK_GETTIME, BR_SECCOMP_NNP);

	if (r)
		return errno = (int)-r, BR_PROBE_BROKEN;
	return clock_gettime((clockid_t)(long)clock, &ts) ? -errno : 1;
}

TEST(cputime_clock_takes_the_syscall_and_is_killed)
{
	struct br_outcome o;

	br_probe(&o, libc_clock, (void *)(long)CLOCK_PROCESS_CPUTIME_ID, 0, 0);
	ASSERT_EQ(BR_KILLED, o.kind);
	ASSERT_EQ(SIGSYS, o.sig);
}

TEST(vdso_clock_gettime_unfiltered)
{
	struct br_outcome o;
	char buf[64], cs[64] = "unknown";

	br_probe(&o, libc_clock, (void *)(long)CLOCK_MONOTONIC, 0, 0);
	if (br_read_file("/sys/devices/system/clocksource/clocksource0/current_clocksource", cs,
			 sizeof(cs)) > 0) {
		cs[strcspn(cs, "\n")] = 0;
		br_fact("clocksource", "%s", cs);
	}
	if (o.kind == BR_KILLED && o.sig == SIGSYS) {
		br_fact("seccomp.vdso_unfiltered", "no");
		SKIP("clock_gettime(CLOCK_MONOTONIC) entered the kernel here: no vDSO, or a clocksource "
		     "the vDSO cannot read (clocksource=%s; e.g. hpet or acpi_pm under TCG)", cs);
	}
	br_fact("seccomp.vdso_unfiltered", "%s", o.kind == BR_ALLOWED ? "yes" : br_outcome_str(&o, buf, sizeof(buf)));
	ASSERT_EQ(BR_ALLOWED, o.kind);
	ASSERT_EQ(1, o.ret);
}

TEST_HARNESS_MAIN
