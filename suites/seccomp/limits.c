/*
 * Program limits: BPF_MAXINSNS (4096) instructions per filter, and a path
 * budget of MAX_INSNS_PER_PATH (32768) over the whole stack, where each
 * earlier filter costs its length plus 4. The kernel's checker also refuses
 * empty programs and loads outside struct seccomp_data.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#include "harness.h"
#include "proc.h"
#include "seccomp.h"

#define MAXINSNS 4096

/*
 * n-1 loads of args[0], then ret ALLOW. Caller frees. The limits count
 * instructions, whatever they load; an argument load keeps the load cheap:
 * for a filter that reads only nr and arch, the kernel's action cache (5.11+)
 * emulates it at load time for every syscall number of every arch, about
 * 20 ms per 4096-instruction filter under TCG, where an argument load ends
 * that emulation at the first instruction.
 */
static struct sock_filter *allow_prog(size_t n)
{
	struct sock_filter *p = calloc(n, sizeof(*p));

	if (!p)
		br_fail_now();
	for (size_t i = 0; i + 1 < n; i++)
		p[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    offsetof(struct seccomp_data, args[0]));
	p[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return p;
}

static int load_n(void *n)
{
	struct sock_filter *p = allow_prog((size_t)n);
	long r = br_seccomp_load(p, (size_t)n, BR_SECCOMP_NNP);

	free(p);
	return r < 0 ? (int)-r : 0;
}

TEST(prog_of_4096_loads_control)
{
	ASSERT_EQ(0, br_child(load_n, (void *)MAXINSNS));
}

TEST(prog_of_4097_einval)
{
	ASSERT_EQ(EINVAL, br_child(load_n, (void *)(MAXINSNS + 1)));
}

static int load_empty(void *arg)
{
	struct sock_filter one = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	(void)arg;
	return (int)-br_seccomp_load(&one, 0, BR_SECCOMP_NNP);
}

TEST(empty_prog_einval)
{
	ASSERT_EQ(EINVAL, br_child(load_empty, NULL));
}

static int load_raw(void *which)
{
	struct sock_filter past[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
				     BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_filter odd[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
				    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_filter noret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};

	switch ((long)which) {
	case 0:
		return (int)-br_seccomp_load(past, 2, BR_SECCOMP_NNP);
	case 1:
		return (int)-br_seccomp_load(odd, 2, BR_SECCOMP_NNP);
	default:
		return (int)-br_seccomp_load(noret, 1, BR_SECCOMP_NNP);
	}
}

TEST(load_past_seccomp_data_einval)
{
	ASSERT_EQ(EINVAL, br_child(load_raw, (void *)0));
}

TEST(misaligned_load_einval)
{
	ASSERT_EQ(EINVAL, br_child(load_raw, (void *)1));
}

TEST(prog_without_ret_einval)
{
	ASSERT_EQ(EINVAL, br_child(load_raw, (void *)2));
}

/*
 * Budget: loading a filter of length L costs L + sum(earlier + 4). With
 * L = 4096 the 8th load would need 4096 + 7 * 4100 = 32796 > 32768.
 * Returns 200 + the number of loads that succeeded before ENOMEM.
 */
static int fill_budget(void *arg)
{
	struct sock_filter *p = allow_prog(MAXINSNS);
	int loaded = 0;

	(void)arg;
	for (;;) {
		long r = br_seccomp_load(p, MAXINSNS, BR_SECCOMP_NNP);

		if (r == -ENOMEM)
			return 200 + loaded;
		if (r < 0 || ++loaded > 20)
			return 1;
	}
}

TEST(path_budget_enomem_after_7_full_filters)
{
	/* 200 + 7: ENOMEM after exactly seven 4096-instruction filters */
	ASSERT_EQ(207, br_child(fill_budget, NULL));
}

static int small_after_budget(void *arg)
{
	struct sock_filter *p = allow_prog(MAXINSNS);
	struct sock_filter *small = allow_prog(8);

	(void)arg;
	for (int i = 0; i < 7; i++)
		if (br_seccomp_load(p, MAXINSNS, BR_SECCOMP_NNP))
			return 10;
	/* 7 * 4100 + 8 = 28708 still fits: the limit counts instructions */
	return (int)-br_seccomp_load(small, 8, 0);
}

TEST(path_budget_counts_instructions_control)
{
	ASSERT_EQ(0, br_child(small_after_budget, NULL));
}

TEST_HARNESS_MAIN
