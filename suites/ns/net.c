/*
 * Network namespace: a new one holds only `lo`, down; sockets bound in one
 * namespace (abstract unix names, TCP ports) do not exist in another.
 * Every case first enters a network namespace of its own (the "outside"),
 * so nothing is ever bound or changed in the host's; a child then either
 * shares it (control) or gets a new one (enforcement).
 * Pathname unix sockets are files: reachable through any shared filesystem,
 * whatever the network namespace (a fact, by design).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

#define ABSTRACT "\0br-sentinel-net"

static void outside(void)
{
	int ret = br_ns_private(CLONE_NEWNET | CLONE_NEWNS);

	if (ret)
		SKIP("cannot create a network namespace to work in: %s", br_errname(-ret));
}

static int lo_flags(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr) ? -errno : ifr.ifr_flags;
	close(fd);
	return ret;
}

static int lo_up(void)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!ret)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* Names of all interfaces, space-separated. */
static void links(char *buf, size_t size)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	size_t len = 0;

	buf[0] = 0;
	ASSERT_TRUE(ifs != NULL);
	for (i = ifs; i->if_index; i++)
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? " " : "",
				i->if_name);
	if_freenameindex(ifs);
}

TEST(only_lo_in_new_ns)
{
	char names[512];

	outside();
	links(names, sizeof(names));
	ASSERT_STREQ("lo", names);
}

/* Without a new namespace the host's links are all there. */
TEST(host_links_visible_control)
{
	char names[512];

	links(names, sizeof(names));
	if (!strcmp(names, "lo"))
		SKIP("the host itself has only lo: a new namespace would look the same");
	ASSERT_TRUE(strchr(names, ' ') != NULL);
}

TEST(lo_down_in_new_ns)
{
	int flags;

	outside();
	flags = lo_flags();
	ASSERT_LE(0, flags);
	ASSERT_FALSE(flags & IFF_UP);
}

/* The ns root may bring its own lo up: the capability acts on what it owns. */
TEST(lo_up_by_ns_root_control)
{
	outside();
	ASSERT_EQ(0, lo_up());
	ASSERT_TRUE(lo_flags() & IFF_UP);
}

/* From a user namespace, the host's interfaces stay out of reach. SIOCSIFFLAGS
 * with lo's current flags would change nothing if it were (wrongly) allowed. */
TEST(host_link_change_from_userns_eperm, .as = BR_UNPRIV)
{
	struct ifreq ifr = {0};
	int fd, ret = br_ns_private(0);

	if (ret)
		br_require_userns();
	ASSERT_EQ(0, ret);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	strcpy(ifr.ifr_name, "lo");
	ASSERT_OK(ioctl(fd, SIOCGIFFLAGS, &ifr));
	ASSERT_ERRNO(EPERM, ioctl(fd, SIOCSIFFLAGS, &ifr));
}

/* ---- a child looks for something bound outside ---- */

struct look {
	bool nested, up;
	int (*try_it)(void *arg);
	void *arg;
};

static int look(void *arg)
{
	struct look *l = arg;

	if (l->nested && unshare(CLONE_NEWNET))
		return 200;
	if (l->up && lo_up())
		return 201;
	return l->try_it(l->arg);
}

static int unix_connect(void *arg)
{
	struct sockaddr_un *sa = arg;
	socklen_t len = sa->sun_path[0] ? sizeof(*sa) : offsetof(struct sockaddr_un, sun_path) + sizeof(ABSTRACT) - 1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 202;
	return connect(fd, (struct sockaddr *)sa, len) ? errno : 0;
}

static void bind_abstract(struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + sizeof(ABSTRACT) - 1;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, ABSTRACT, sizeof(ABSTRACT) - 1);
	ASSERT_LE(0, fd);
	ASSERT_OK(bind(fd, (struct sockaddr *)sa, len));
	ASSERT_OK(listen(fd, 4));
}

TEST(abstract_unix_unreachable)
{
	struct sockaddr_un sa;
	struct look l = {.nested = true, .try_it = unix_connect, .arg = &sa};

	outside();
	bind_abstract(&sa);
	ASSERT_EQ(ECONNREFUSED, br_child(look, &l));
}

TEST(abstract_unix_reachable_control)
{
	struct sockaddr_un sa;
	struct look l = {.nested = false, .try_it = unix_connect, .arg = &sa};

	outside();
	bind_abstract(&sa);
	ASSERT_EQ(0, br_child(look, &l));
}

/* /proc/net/unix lists the sockets of the reader's namespace only. */
static int listed(void *arg)
{
	char buf[65536];

	(void)arg;
	if (br_read_file("/proc/self/net/unix", buf, sizeof(buf)) < 0)
		return 203;
	return strstr(buf, "@br-sentinel-net") ? 0 : 1;
}

TEST(abstract_name_unlisted_in_new_ns)
{
	struct sockaddr_un sa;
	struct look l = {.nested = true, .try_it = listed};

	outside();
	bind_abstract(&sa);
	ASSERT_EQ(1, br_child(look, &l));
}

TEST(abstract_name_listed_control)
{
	struct sockaddr_un sa;
	struct look l = {.nested = false, .try_it = listed};

	outside();
	bind_abstract(&sa);
	ASSERT_EQ(0, br_child(look, &l));
}

/* A TCP listener on 127.0.0.1 in the outside namespace. */
static void tcp_listen(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd;

	ASSERT_EQ(0, lo_up());
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_OK(bind(fd, (struct sockaddr *)sa, sizeof(*sa)));
	ASSERT_OK(getsockname(fd, (struct sockaddr *)sa, &len));
	ASSERT_OK(listen(fd, 4));
}

static int tcp_connect(void *arg)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 202;
	return connect(fd, arg, sizeof(struct sockaddr_in)) ? errno : 0;
}

/* In the new namespace lo is down: no route to 127.0.0.1 at all. */
TEST(tcp_loopback_unreachable_lo_down)
{
	struct sockaddr_in sa;
	struct look l = {.nested = true, .try_it = tcp_connect, .arg = &sa};

	outside();
	tcp_listen(&sa);
	ASSERT_EQ(ENETUNREACH, br_child(look, &l));
}

/* With its own lo up, 127.0.0.1 is its own: nobody listens there. */
TEST(tcp_loopback_unreachable_lo_up)
{
	struct sockaddr_in sa;
	struct look l = {.nested = true, .up = true, .try_it = tcp_connect, .arg = &sa};

	outside();
	tcp_listen(&sa);
	ASSERT_EQ(ECONNREFUSED, br_child(look, &l));
}

TEST(tcp_loopback_reachable_control)
{
	struct sockaddr_in sa;
	struct look l = {.nested = false, .try_it = tcp_connect, .arg = &sa};

	outside();
	tcp_listen(&sa);
	ASSERT_EQ(0, br_child(look, &l));
}

/* Ports are per namespace: the same port binds again in a new one. */
static int tcp_bind(void *arg)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 202;
	return bind(fd, arg, sizeof(struct sockaddr_in)) ? errno : 0;
}

TEST(port_free_in_new_ns)
{
	struct sockaddr_in sa;
	struct look l = {.nested = true, .up = true, .try_it = tcp_bind, .arg = &sa};

	outside();
	tcp_listen(&sa);
	ASSERT_EQ(0, br_child(look, &l));
}

TEST(port_in_use_same_ns_control)
{
	struct sockaddr_in sa;
	struct look l = {.nested = false, .try_it = tcp_bind, .arg = &sa};

	outside();
	tcp_listen(&sa);
	ASSERT_EQ(EADDRINUSE, br_child(look, &l));
}

/* Per-namespace sysctls: a value set outside is not the new namespace's. */
#define TTL "/proc/sys/net/ipv4/ip_default_ttl"

static int ttl_is_77(void *arg)
{
	char buf[16];

	(void)arg;
	if (br_read_file(TTL, buf, sizeof(buf)) <= 0)
		return 203;
	return strcmp(buf, "77\n") ? 1 : 0;
}

TEST(net_sysctl_private)
{
	struct look l = {.nested = true, .try_it = ttl_is_77};

	outside();
	ASSERT_EQ(0, br_write_file(TTL, "77"));
	ASSERT_EQ(1, br_child(look, &l));
}

TEST(net_sysctl_shared_control)
{
	struct look l = {.nested = false, .try_it = ttl_is_77};

	outside();
	ASSERT_EQ(0, br_write_file(TTL, "77"));
	ASSERT_EQ(0, br_child(look, &l));
}

/* A pathname socket on a filesystem both share: reachable (fact). The
 * same connect from the same namespace is the control. */
TEST(pathname_unix_across_ns)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct look same = {.nested = false, .try_it = unix_connect, .arg = &sa};
	struct look other = {.nested = true, .try_it = unix_connect, .arg = &sa};
	char dir[64];
	int fd, ret = br_scratch(0, dir, sizeof(dir)), seen;

	if (ret)
		SKIP("cannot make a private tmpfs: %s", br_errname(-ret));
	outside();
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	ASSERT_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_OK(listen(fd, 4));
	ASSERT_EQ(0, br_child(look, &same));
	seen = br_child(look, &other);
	br_fact("ns.net.pathname_unix", "%s", seen ? br_errname(seen) : "reachable");
	/* Reachable by design; anything but a refusal means the probe broke. */
	ASSERT_TRUE(seen == 0 || seen == ECONNREFUSED || seen == EACCES);
}

TEST_HARNESS_MAIN
