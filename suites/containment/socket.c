/*
 * A daemon's unix socket (a container runtime's, say). The case plays the
 * host: it starts a listener of its own, on a pathname in its private tmpfs
 * or on an abstract name in a network namespace of its own, so no host
 * socket is ever touched. The payload then tries to connect from inside a
 * sandbox.
 *
 *   pathname: closed by a mount namespace plus pivot_root into a root that
 *             does not hold the socket; a mount or network namespace alone
 *             does not close it (controls).
 *   abstract: closed by a network namespace (the abstract namespace belongs
 *             to it), or by a Landlock abstract-unix scope (ABI 6).
 */
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "landlock.h"
#include "ns.h"
#include "sandboxed.h"
#include "scratch.h"

#define PIVOTED "userns = on\nns = mnt\nroot = tmpfs\ncaps = none\nnnp = on\n"
#define MNTNS_ONLY "userns = on\nns = mnt\ncaps = none\nnnp = on\n"
#define NETNS "userns = on\nns = net\ncaps = none\nnnp = on\n"
#define STRICT "userns = on\nns = mnt,net,pid\nroot = tmpfs\nproc = on\ncaps = none\nnnp = on\n"
#define SCOPED "caps = none\nnnp = on\nlandlock = required\nlandlock.scope = abstract_unix_socket\n"

static struct sockaddr_un addr;
static socklen_t addrlen;

/* Listen on a pathname socket in a private tmpfs. */
static void pathname_listener(void)
{
	char dir[64];
	int fd, ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/daemon.sock", dir);
	addrlen = sizeof(addr);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	ASSERT_OK(bind(fd, (struct sockaddr *)&addr, addrlen));
	ASSERT_OK(listen(fd, 8));
}

/* Listen on an abstract name, in a network namespace of the case's own. */
static void abstract_listener(void)
{
	static const char name[] = "br-containment-daemon";
	int fd, ret = br_ns_private(CLONE_NEWNET);

	if (ret)
		SKIP("cannot create a network namespace to work in: %s", br_errname(-ret));
	addr.sun_family = AF_UNIX;
	addr.sun_path[0] = 0;
	memcpy(addr.sun_path + 1, name, sizeof(name) - 1);
	addrlen = offsetof(struct sockaddr_un, sun_path) + sizeof(name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	ASSERT_OK(bind(fd, (struct sockaddr *)&addr, addrlen));
	ASSERT_OK(listen(fd, 8));
}

static int connect_daemon(void *arg)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0;

	(void)arg;
	if (fd < 0)
		return 100;
	if (connect(fd, (struct sockaddr *)&addr, addrlen))
		e = errno;
	close(fd);
	return e;
}

/*
 * One row per listener: what connect() gives inside each profile. 0 means
 * the daemon is reached: the profile does not cover that kind of socket.
 */
FIXTURE(socket) {
	int unused;
};

FIXTURE_VARIANT(socket) {
	void (*listen)(void);
	int pivot_root, mntns_only, netns_only, strict, landlock_scope;
};

FIXTURE_VARIANT_ADD(socket, pathname) {
	.listen = pathname_listener,
	.pivot_root = ENOENT,   /* not in the new root */
	.mntns_only = 0,        /* a mount namespace copies the tree */
	.netns_only = 0,        /* files are not in the network namespace */
	.strict = ENOENT,
	.landlock_scope = 0,    /* scopes cover abstract names only */
};

FIXTURE_VARIANT_ADD(socket, abstract) {
	.listen = abstract_listener,
	.pivot_root = 0,        /* abstract names are not files */
	.mntns_only = 0,
	.netns_only = ECONNREFUSED,
	.strict = ECONNREFUSED,
	.landlock_scope = EPERM,
};

FIXTURE_SETUP(socket)
{
	variant->listen();
}

FIXTURE_TEARDOWN(socket) {}

TEST_F(socket, control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, connect_daemon, NULL));
}

TEST_F(socket, pivot_root)
{
	ASSERT_EQ(variant->pivot_root, sandboxed(PIVOTED, connect_daemon, NULL));
}

TEST_F(socket, mntns_only)
{
	ASSERT_EQ(variant->mntns_only, sandboxed(MNTNS_ONLY, connect_daemon, NULL));
}

TEST_F(socket, netns_only)
{
	ASSERT_EQ(variant->netns_only, sandboxed(NETNS, connect_daemon, NULL));
}

TEST_F(socket, strict)
{
	ASSERT_EQ(variant->strict, sandboxed(STRICT, connect_daemon, NULL));
}

TEST_F(socket, landlock_abstract_scope)
{
	const char *missing = br_landlock_missing(6);

	if (missing)
		SKIP("Landlock scopes: %s", missing);
	ASSERT_EQ(variant->landlock_scope, sandboxed(SCOPED, connect_daemon, NULL));
}

TEST_HARNESS_MAIN
