/*
 * Scopes (ABI 6): a domain cannot reach abstract unix sockets or signal
 * processes outside itself (EPERM); within the domain both still work.
 * Each case runs in a private network namespace (abstract names belong to
 * it), the "outside" peer is the case process, and the sandboxed side is a
 * forked child that enforces the scope.
 */
#include <sched.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "common.h"
#include "ns.h"
#include "proc.h"

static socklen_t abstract(const char *name, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* sun_path[0] = 0: the abstract namespace. */
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s", name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static void serve(int type, const char *name)
{
	struct sockaddr_un a;
	socklen_t len = abstract(name, &a);
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ASSERT_OK(bind(s, (struct sockaddr *)&a, len));
	if (type != SOCK_DGRAM)
		ASSERT_OK(listen(s, 4));
}

/* Stream/seqpacket: connect; datagram: sendto, the way a client reaches it. */
static int reach(int type, const char *name)
{
	struct sockaddr_un a;
	socklen_t len = abstract(name, &a);
	int s = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (type == SOCK_DGRAM)
		return outcome(sendto(s, "x", 1, 0, (struct sockaddr *)&a, len));
	return outcome(connect(s, (struct sockaddr *)&a, len));
}

static void scope_self(uint64_t scope)
{
	enforce((struct br_landlock_access){.scoped = scope}, NULL);
}

static void netns(void)
{
	int ret = br_ns_private(CLONE_NEWNET);

	if (ret)
		SKIP("cannot create a network namespace for private abstract names: %s",
		     br_errname(-ret));
}

FIXTURE(abstract_unix) {
	int unused;
};

FIXTURE_VARIANT(abstract_unix) {
	int type;
};

FIXTURE_VARIANT_ADD(abstract_unix, stream) { .type = SOCK_STREAM };
FIXTURE_VARIANT_ADD(abstract_unix, dgram) { .type = SOCK_DGRAM };
FIXTURE_VARIANT_ADD(abstract_unix, seqpacket) { .type = SOCK_SEQPACKET };

FIXTURE_SETUP(abstract_unix)
{
	NEED_ABI(6);
	netns();
	serve(variant->type, "br-outside");
}

FIXTURE_TEARDOWN(abstract_unix) {}

struct job {
	int type;
	bool scoped;
	const char *name;
	int expect;
};

static int client(void *arg)
{
	const struct job *j = arg;

	if (j->scoped)
		scope_self(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
	if (!strcmp(j->name, "br-inside"))
		serve(j->type, j->name); /* made after enforcement: in the domain */
	ASSERT_OUTCOME(j->expect, reach(j->type, j->name));
	return 0;
}

TEST_F(abstract_unix, outside_denied)
{
	struct job j = {variant->type, true, "br-outside", EPERM};

	ASSERT_EQ(0, br_child(client, &j));
}

TEST_F(abstract_unix, inside_allowed)
{
	struct job j = {variant->type, true, "br-inside", 0};

	ASSERT_EQ(0, br_child(client, &j));
}

TEST_F(abstract_unix, control)
{
	struct job j = {variant->type, false, "br-outside", 0};

	ASSERT_EQ(0, br_child(client, &j));
}

/* Pathname sockets are not covered by the scope (RESOLVE_UNIX, ABI 9, is
 * the filesystem right for them): reachable from inside. A fact. */
static int pathname_client(void *arg)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)arg;
	scope_self(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
	snprintf(a.sun_path, sizeof(a.sun_path), "granted/sock");
	ASSERT_OUTCOME(0, outcome(connect(s, (struct sockaddr *)&a, sizeof(a))));
	return 0;
}

TEST(pathname_socket_not_scoped)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s;

	NEED_ABI(6);
	scratch();
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "granted/sock");
	ASSERT_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_OK(listen(s, 4));
	ASSERT_EQ(0, br_child(pathname_client, NULL));
	br_fact("landlock.scope.pathname_unix", "not covered");
}

/* Signals. The target waits on a pipe; SIGURG is ignored by default, so a
 * delivered signal changes nothing but is still checked by Landlock. */
struct sig_job {
	pid_t target;
	bool scoped, own_child;
	int expect;
};

static int signaller(void *arg)
{
	const struct sig_job *j = arg;
	pid_t target = j->target;

	if (j->scoped)
		scope_self(LANDLOCK_SCOPE_SIGNAL);
	if (j->own_child) {
		int hold;

		target = parked(&hold);
	}
	ASSERT_OUTCOME(j->expect, outcome(kill(target, SIGURG)));
	return 0;
}

static void signal_case(bool scoped, bool own_child, int expect)
{
	struct sig_job j = {.scoped = scoped, .own_child = own_child, .expect = expect};
	int hold;

	NEED_ABI(6);
	j.target = parked(&hold);
	ASSERT_EQ(0, br_child(signaller, &j));
	close(hold);
	ASSERT_EQ(0, br_wait(j.target));
}

TEST(signal_outside_denied)
{
	signal_case(true, false, EPERM);
}

TEST(signal_inside_allowed)
{
	signal_case(true, true, 0);
}

TEST(signal_control)
{
	signal_case(false, false, 0);
}

/* The domain's own process may always signal itself. */
TEST(signal_self_allowed)
{
	NEED_ABI(6);
	scope_self(LANDLOCK_SCOPE_SIGNAL);
	ASSERT_OUTCOME(0, outcome(kill(getpid(), SIGURG)));
}

TEST_HARNESS_MAIN
