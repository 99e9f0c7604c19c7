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

TEST(pathname_control)
{
	pathname_listener();
	ASSERT_EQ(0, sandboxed(NO_PROFILE, connect_daemon, NULL));
}

TEST(pathname_pivot_root)
{
	pathname_listener();
	ASSERT_EQ(ENOENT, sandboxed(PIVOTED, connect_daemon, NULL));
}

/* A mount namespace copies the tree: the socket is still there. */
TEST(pathname_mntns_without_pivot_control)
{
	pathname_listener();
	ASSERT_EQ(0, sandboxed(MNTNS_ONLY, connect_daemon, NULL));
}

/* A network namespace does not cover pathname sockets. */
TEST(pathname_netns_only_control)
{
	pathname_listener();
	ASSERT_EQ(0, sandboxed(NETNS, connect_daemon, NULL));
}

TEST(pathname_strict)
{
	pathname_listener();
	ASSERT_EQ(ENOENT, sandboxed(STRICT, connect_daemon, NULL));
}

TEST(abstract_control)
{
	abstract_listener();
	ASSERT_EQ(0, sandboxed(NO_PROFILE, connect_daemon, NULL));
}

TEST(abstract_netns)
{
	abstract_listener();
	ASSERT_EQ(ECONNREFUSED, sandboxed(NETNS, connect_daemon, NULL));
}

/* pivot_root does not cover abstract names: they are not files. */
TEST(abstract_pivot_root_only_control)
{
	abstract_listener();
	ASSERT_EQ(0, sandboxed(PIVOTED, connect_daemon, NULL));
}

TEST(abstract_strict)
{
	abstract_listener();
	ASSERT_EQ(ECONNREFUSED, sandboxed(STRICT, connect_daemon, NULL));
}

TEST(abstract_landlock_scope)
{
	const char *missing = br_landlock_missing(6);

	if (missing)
		SKIP("Landlock scopes: %s", missing);
	abstract_listener();
	ASSERT_EQ(EPERM, sandboxed(SCOPED, connect_daemon, NULL));
}

TEST_HARNESS_MAIN
