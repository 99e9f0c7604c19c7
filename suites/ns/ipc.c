/*
 * IPC namespace: System V keys and POSIX message-queue names are per
 * namespace. Each case works in a private IPC namespace of its own (the
 * "outside"), creates one object there, then looks it up from a child that
 * either shares that namespace (control) or has its own (enforcement).
 */
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"

#define KEY ((key_t)0x62720001)
#define MQ "/br-sentinel-mq"

enum { FOUND = 0, ABSENT = 1, OTHER = 2, NO_NS = 3 };

struct lookup {
	bool nested;
	int (*find)(void);
};

static int find_shm(void) { return shmget(KEY, 0, 0); }
static int find_msg(void) { return msgget(KEY, 0); }
static int find_sem(void) { return semget(KEY, 0, 0); }
static int find_mq(void) { return (int)mq_open(MQ, O_RDONLY); }

static int look(void *arg)
{
	const struct lookup *l = arg;

	if (l->nested && unshare(CLONE_NEWIPC))
		return NO_NS;
	if (l->find() >= 0)
		return FOUND;
	return errno == ENOENT ? ABSENT : OTHER;
}

static void outside(void)
{
	int ret = br_ns_private(CLONE_NEWIPC);

	if (ret)
		SKIP("cannot create an IPC namespace to work in: %s", br_errname(-ret));
}

FIXTURE(ipc) {
	int unused;
};

FIXTURE_VARIANT(ipc) {
	int (*make)(void);
	int (*find)(void);
};

static int make_shm(void) { return shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0600); }
static int make_msg(void) { return msgget(KEY, IPC_CREAT | IPC_EXCL | 0600); }
static int make_sem(void) { return semget(KEY, 1, IPC_CREAT | IPC_EXCL | 0600); }
static int make_mq(void)
{
	struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};

	return (int)mq_open(MQ, O_CREAT | O_EXCL | O_RDONLY, 0600, &a);
}

FIXTURE_VARIANT_ADD(ipc, shm) { .make = make_shm, .find = find_shm };
FIXTURE_VARIANT_ADD(ipc, msg) { .make = make_msg, .find = find_msg };
FIXTURE_VARIANT_ADD(ipc, sem) { .make = make_sem, .find = find_sem };
FIXTURE_VARIANT_ADD(ipc, mqueue) { .make = make_mq, .find = find_mq };

/* Objects die with the namespace, which dies with the case. */
FIXTURE_SETUP(ipc)
{
	outside();
	ASSERT_OK(variant->make());
}

FIXTURE_TEARDOWN(ipc) {}

TEST_F(ipc, invisible_in_new_ns)
{
	struct lookup l = {.nested = true, .find = variant->find};

	ASSERT_EQ(ABSENT, br_child(look, &l));
}

TEST_F(ipc, visible_in_same_ns_control)
{
	struct lookup l = {.nested = false, .find = variant->find};

	ASSERT_EQ(FOUND, br_child(look, &l));
}

/* The IPC sysctls (msgmax, shmmax, ...) are per namespace too. */
#define MSGMAX "/proc/sys/kernel/msgmax"

static int msgmax_is_4321(void *nested)
{
	char buf[32];

	if (nested && unshare(CLONE_NEWIPC))
		return NO_NS;
	if (br_read_file(MSGMAX, buf, sizeof(buf)) <= 0)
		return OTHER;
	return strcmp(buf, "4321\n") ? ABSENT : FOUND;
}

static void set_msgmax(void)
{
	int ret;

	outside();
	ret = br_write_file(MSGMAX, "4321");
	/* Before 5.17 these files belong to the initial namespace's root. */
	if (ret == -EACCES && !br_is_root())
		SKIP("ipc sysctls not writable from a user namespace (before 5.17)");
	ASSERT_EQ(0, ret);
}

TEST(sysctl_private_to_ns)
{
	set_msgmax();
	ASSERT_EQ(ABSENT, br_child(msgmax_is_4321, (void *)1));
}

TEST(sysctl_same_ns_control)
{
	set_msgmax();
	ASSERT_EQ(FOUND, br_child(msgmax_is_4321, NULL));
}

TEST_HARNESS_MAIN
