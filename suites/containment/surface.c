/*
 * Kernel attack surface a compromised process reaches for: bpf(),
 * userfaultfd() (holds a kernel thread at a page fault: a race-widening
 * primitive) and perf_event_open(). Two layers, each with its control:
 *
 *   seccomp: the syscall is reached at all (lib/probe's sentinel arguments:
 *            an allowed call fails harmlessly with the sentinel errno);
 *            deny-escapes denies it (EPERM), an allow-list kills (SIGSYS).
 *   sysctl:  the call's own gate, kernel.unprivileged_bpf_disabled,
 *            vm.unprivileged_userfaultfd and kernel.perf_event_paranoid
 *            (facts), must hold for root inside a user namespace too.
 *
 * The gate probes create a map, a userfaultfd or a self-monitoring counter
 * and close it at once.
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "probe.h"
#include "proc.h"
#include "sandboxed.h"

#define USERNS "userns = on\nns = pid,mnt,net\nproc = on\n"
#define DENY_ESCAPES "nnp = on\nseccomp = deny-escapes\n"
#define ALLOW_STDIO "nnp = on\nseccomp = allow-stdio\n"

/* A sysctl's value, or -1 when the kernel has no such sysctl. */
static long sysctl(const char *path)
{
	char buf[32];

	return br_read_file(path, buf, sizeof(buf)) > 0 ? atol(buf) : -1;
}

/* Gates: 0 or the errno; the object made is closed at once. */
static int bpf_map(void)
{
	union bpf_attr a = {.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
			    .max_entries = 1};
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));

	return fd < 0 ? errno : close((int)fd);
}

/* Without UFFD_USER_MODE_ONLY: may handle kernel-mode faults (5.11+ gate). */
static int uffd_kernel_faults(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	return fd < 0 ? errno : close((int)fd);
}

/* Counting in the kernel too (exclude_kernel = 0): paranoid >= 2 refuses it. */
static int perf_kernel(void)
{
	struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
				    .config = PERF_COUNT_SW_TASK_CLOCK, .disabled = 1};
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? errno : close((int)fd);
}

FIXTURE(surface) {
	const struct br_sysprobe *sp;
};

FIXTURE_VARIANT(surface) {
	const char *name;
	int (*gate)(void);
	const char *sysctl;
	/* the gate's denial for root in a user namespace at this sysctl value,
	 * 0 when the value lets it through */
	int (*expect)(long value);
};

static int bpf_expect(long v) { return v > 0 ? EPERM : 0; }
static int uffd_expect(long v) { return v == 0 ? EPERM : 0; }
static int perf_expect(long v) { return v >= 2 ? EACCES : 0; }

FIXTURE_VARIANT_ADD(surface, bpf) {
	"bpf", bpf_map, "/proc/sys/kernel/unprivileged_bpf_disabled", bpf_expect};
FIXTURE_VARIANT_ADD(surface, userfaultfd) {
	"userfaultfd", uffd_kernel_faults, "/proc/sys/vm/unprivileged_userfaultfd", uffd_expect};
FIXTURE_VARIANT_ADD(surface, perf_event_open) {
	"perf_event_open", perf_kernel, "/proc/sys/kernel/perf_event_paranoid", perf_expect};

FIXTURE_SETUP(surface)
{
	self->sp = br_sysprobe_find(variant->name);
	ASSERT_TRUE(self->sp != NULL);
}

FIXTURE_TEARDOWN(surface) {}

/* 0 when the call got past seccomp (its sentinel or success), else errno. */
static int reach(void *arg)
{
	const struct br_sysprobe *sp = arg;
	long r = br_sys(BR_ABI_NATIVE, sp->nr[BR_ABI_NATIVE], sp->args[0], sp->args[1],
			sp->args[2], sp->args[3], sp->args[4], sp->args[5]);

	return r >= 0 || r == -sp->sentinel ? 0 : (int)-r;
}

static int gate(void *fn)
{
	return ((int (*)(void))fn)();
}

TEST_F(surface, reachable_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, reach, (void *)self->sp));
}

TEST_F(surface, deny_escapes)
{
	ASSERT_EQ(EPERM, sandboxed(DENY_ESCAPES, reach, (void *)self->sp));
}

TEST_F(surface, allow_list_kills)
{
	ASSERT_EQ(128 + SIGSYS, sandboxed(ALLOW_STDIO, reach, (void *)self->sp));
}

TEST_F(surface, gate_root_control, .as = BR_ROOT)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, gate, (void *)variant->gate));
}

/* The sysctl gate holds for root of a user namespace. */
TEST_F(surface, gate_userns)
{
	long v = sysctl(variant->sysctl);
	int e;

	if (v < 0)
		SKIP("%s does not exist on this kernel", variant->sysctl);
	e = sandboxed(USERNS, gate, (void *)variant->gate);
	TH_LOG("%s=%ld: %s from a user namespace: %s", variant->sysctl, v, variant->name,
	       e ? br_errname(e) : "allowed");
	ASSERT_EQ(variant->expect(v), e);
}

TEST(sysctls)
{
	static const char *const keys[][2] = {
		{"sysctl.kernel.unprivileged_bpf_disabled", "/proc/sys/kernel/unprivileged_bpf_disabled"},
		{"sysctl.vm.unprivileged_userfaultfd", "/proc/sys/vm/unprivileged_userfaultfd"},
		{"sysctl.kernel.perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid"},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		long v = sysctl(keys[i][1]);

		if (v < 0)
			br_fact(keys[i][0], "absent");
		else
			br_fact(keys[i][0], "%ld", v);
	}
}

TEST_HARNESS_MAIN
