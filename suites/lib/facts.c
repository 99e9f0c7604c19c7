/*
 * lib/facts: the fingerprint reports what is there, tracks changes made to
 * the calling process, and never mistakes a filtered ABI for a missing one.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "facts.h"
#include "harness.h"
#include "probe.h"
#include "ns.h"

static struct br_facts gather(void)
{
	struct br_facts f = {0};

	ASSERT_EQ(0, br_facts_gather(&f));
	return f;
}

TEST(kernel_release_matches_uname)
{
	struct br_facts f = gather();
	struct utsname u;

	ASSERT_OK(uname(&u));
	EXPECT_STREQ(u.release, br_facts_get(&f, "kernel.release"));
	EXPECT_STREQ(u.machine, br_facts_get(&f, "arch"));
	ASSERT_TRUE(br_facts_get(&f, "kernel.cmdline") != NULL);
	br_facts_free(&f);
}

/* x32 and ia32 are each their own ABI's state (on x86_64 hosts with ia32
 * and no x32 a swap shows; the check holds wherever it runs). */
TEST(abi_facts_are_their_own_abis)
{
	struct br_facts f = gather();

	EXPECT_STREQ(br_abi_state_name(br_abi_state(BR_ABI_X32)), br_facts_get(&f, "x32"));
	EXPECT_STREQ(br_abi_state_name(br_abi_state(BR_ABI_IA32)), br_facts_get(&f, "ia32"));
	br_facts_free(&f);
}

TEST(add_replaces_existing_key)
{
	struct br_facts f = {0};

	ASSERT_EQ(0, br_facts_add(&f, "k", "%d", 1));
	ASSERT_EQ(0, br_facts_add(&f, "k", "%d", 2));
	ASSERT_EQ(1, f.n);
	EXPECT_STREQ("2", br_facts_get(&f, "k"));
	EXPECT_TRUE(br_facts_get(&f, "absent") == NULL);
	br_facts_free(&f);
}

/* Every sysctl the kernel has is reported, and none it lacks is invented. */
TEST(sysctl_present_exactly_when_the_file_exists)
{
	static const char *const names[] = {
		"user/max_user_namespaces", "kernel/unprivileged_userns_clone",
		"kernel/apparmor_restrict_unprivileged_userns", "kernel/yama/ptrace_scope",
		"kernel/unprivileged_bpf_disabled", "vm/unprivileged_userfaultfd",
		"kernel/perf_event_paranoid", "kernel/io_uring_disabled", "dev/tty/legacy_tiocsti",
	};
	struct br_facts f = gather();

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char path[128], key[128];

		snprintf(path, sizeof(path), "/proc/sys/%s", names[i]);
		snprintf(key, sizeof(key), "sysctl.%s", names[i]);
		for (char *p = key; *p; p++)
			if (*p == '/')
				*p = '.';
		if (access(path, F_OK) == 0)
			EXPECT_TRUE(br_facts_get(&f, key) != NULL);
		else
			EXPECT_TRUE(br_facts_get(&f, key) == NULL);
	}
	br_facts_free(&f);
}

static char *ns_user(void)
{
	struct br_facts f = gather();
	char *v = strdup(br_facts_get(&f, "ns.user"));

	br_facts_free(&f);
	return v;
}

TEST(ns_user_changes_after_unshare)
{
	char *before = ns_user(), *after;

	br_require_userns();
	ASSERT_OK(unshare(CLONE_NEWUSER));
	after = ns_user();
	EXPECT_NE(0, strcmp(before, after));
	free(before);
	free(after);
}

TEST(ns_user_stable_without_unshare_control)
{
	char *before = ns_user(), *after = ns_user();
	struct stat st;
	char want[64];

	EXPECT_STREQ(before, after);
	ASSERT_OK(stat("/proc/self/ns/user", &st));
	snprintf(want, sizeof(want), "%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	EXPECT_STREQ(want, before);
	free(before);
	free(after);
}

TEST(nnp_tracks_prctl)
{
	struct br_facts f = gather();

	EXPECT_STREQ("0", br_facts_get(&f, "self.NoNewPrivs"));
	br_facts_free(&f);
	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	f = gather();
	EXPECT_STREQ("1", br_facts_get(&f, "self.NoNewPrivs"));
	br_facts_free(&f);
}

/* The private securityfs mount and lsm_list_modules(2) must agree. */
TEST(lsm_sources_agree, .as = BR_ROOT)
{
	char a[1024], b[1024];
	const char *src = br_fact_lsm(a, sizeof(a));

	if (!src)
		SKIP("no LSM source: securityfs unmountable and no lsm_list_modules (6.8)");
	br_fact("lsm", "%s", a);
	ASSERT_OK(setresuid(65534, 65534, 65534)); /* forces the syscall source */
	src = br_fact_lsm(b, sizeof(b));
	if (!src || strcmp(src, "lsm_list_modules"))
		SKIP("lsm_list_modules(2) unavailable (6.8+), nothing to compare");
	/* securityfs lists only LSMs with hooks; lsm_list_modules all active. */
	EXPECT_STREQ(a, b);
}

TEST_HARNESS_MAIN
