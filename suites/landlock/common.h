/*
 * Shared by the landlock suite files: ABI gates, enforcement, the private
 * scratch tree, and outcome checks that print errno names.
 *
 * The scratch tree, on a tmpfs in the case's own mount namespace (and user
 * namespace when not root), so nothing touches the host:
 *
 *   (tmpfs from br_scratch, the working directory)
 *   ├── granted/        a rule grants the right under test beneath here
 *   │   ├── file        "not an executable" 0755 (execve: ENOEXEC = allowed)
 *   │   ├── dir/        empty
 *   │   ├── dev         bind of /dev/null (ioctl_dev)
 *   │   ├── from/moved  (refer: renamed to to/)
 *   │   └── to/
 *   └── denied/         the right is handled and no rule grants it
 *       └── (the same)
 */
#ifndef BR_SUITE_LANDLOCK_COMMON_H
#define BR_SUITE_LANDLOCK_COMMON_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/mount.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "landlock.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"

/* Every case gates on the running ABI, never on uname. */
#define NEED_ABI(n)                                           \
	do {                                                  \
		const char *br__why = br_landlock_missing(n); \
		if (br__why)                                  \
			SKIP("%s", br__why);                  \
	} while (0)

/* got/exp are 0 (allowed) or an errno; failures print names. */
#define ASSERT_OUTCOME(exp, got)                                                      \
	do {                                                                          \
		int br__e = (exp), br__g = (got);                                     \
		if (br__e != br__g) {                                                 \
			br_fail(__FILE__, __LINE__, "%s: expected %s, got %s", #got,  \
				br__e ? br_errname(br__e) : "allowed",                \
				br__g ? br_errname(br__g) : "allowed");               \
			br_fail_now();                                                \
		}                                                                     \
	} while (0)

/* 0 if the call returned >= 0, else errno. */
static inline int outcome(long ret)
{
	return ret < 0 ? errno : 0;
}

/* NNP, then handle `handle` with the rules of a table ending in {0}; the
 * case fails unless every requested right is enforced. */
static inline void enforce_flags(struct br_landlock_access handle,
				 const struct br_landlock_rule *rules, uint32_t flags)
{
	struct br_landlock_report r;
	char text[1024];
	int ret;

	ASSERT_OK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ret = br_landlock_apply(&handle, rules, flags, &r);
	if (ret || !br_landlock_complete(&r)) {
		br_landlock_report_text(&r, text, sizeof(text));
		br_fail(__FILE__, __LINE__, "enforce: %s; %s", ret ? br_errname(-ret) : "ok", text);
		br_fail_now();
	}
}

static inline void enforce(struct br_landlock_access handle, const struct br_landlock_rule *rules)
{
	enforce_flags(handle, rules, 0);
}

/* Build the tree above on a private tmpfs and chdir there: every path the
 * cases use is relative to it. */
static inline void scratch(void)
{
	static const struct {
		const char *name, *content; /* content NULL: a directory */
		mode_t mode;
	} entries[] = {
		{"", NULL, 0755},          {"/file", "not an executable\n", 0755},
		{"/dir", NULL, 0755},      {"/from", NULL, 0755},
		{"/from/moved", "x", 0644}, {"/to", NULL, 0755},
		{"/dev", "", 0644},
	};
	static const char *const sides[] = {"granted", "denied"};
	char dir[64], p[128];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs (user + mount namespace): %s", br_errname(-ret));
	ASSERT_OK(chdir(dir));
	for (int i = 0; i < 2; i++) {
		for (size_t e = 0; e < sizeof(entries) / sizeof(entries[0]); e++) {
			snprintf(p, sizeof(p), "%s%s", sides[i], entries[e].name);
			if (entries[e].content)
				ASSERT_EQ(0, br_make_file(p, entries[e].content, entries[e].mode));
			else
				ASSERT_OK(mkdir(p, entries[e].mode));
		}
		snprintf(p, sizeof(p), "%s/dev", sides[i]);
		ASSERT_OK(mount("/dev/null", p, NULL, MS_BIND, NULL));
	}
}

/* The common probe: open denied/file for writing; 0 or errno. */
static inline int try_write(void)
{
	int fd = open("denied/file", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * A sibling thread: it waits on a pipe for "go", runs try_write() and
 * reports the errno on another pipe, so the main thread can enforce in
 * between and see whether the sibling was covered.
 */
struct sibling {
	int go[2], done[2];
	pthread_t t;
};

static inline void *sibling_main(void *arg)
{
	struct sibling *s = arg;
	char c;
	int e;

	if (read(s->go[0], &c, 1) != 1)
		return NULL;
	e = try_write();
	if (write(s->done[1], &e, sizeof(e)) != sizeof(e))
		return NULL;
	return NULL;
}

static inline void sibling_start(struct sibling *s)
{
	ASSERT_OK(pipe2(s->go, O_CLOEXEC));
	ASSERT_OK(pipe2(s->done, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&s->t, NULL, sibling_main, s));
}

/* Let the sibling try now; its errno (0: allowed). */
static inline int sibling_try(struct sibling *s)
{
	int e = -1;

	ASSERT_EQ(1, write(s->go[1], "g", 1));
	ASSERT_EQ((long)sizeof(e), read(s->done[0], &e, sizeof(e)));
	ASSERT_EQ(0, pthread_join(s->t, NULL));
	return e;
}

/* br_parked(), failing the case if it cannot fork. */
static inline pid_t parked(int *hold)
{
	pid_t pid = br_parked(hold);

	ASSERT_LE(0, pid);
	return pid;
}

/* Loopback address of family (AF_INET or AF_INET6) and port; its length. */
static inline socklen_t loopback(int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_addr = in6addr_loopback;
	return sizeof(*in6);
}

/* SKIP unless the kernel has sockets of this family. */
static inline void need_family(int family)
{
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 && errno == EAFNOSUPPORT)
		SKIP("no IPv6 in this kernel (CONFIG_IPV6 or ipv6.disable=1)");
	close(s);
}

/* A network namespace of our own with lo up, so no host port is touched;
 * SKIP when one cannot be made or the family is not built in. */
static inline void netns_lo(int family)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int ret = br_ns_private(CLONE_NEWNET), s;

	if (ret)
		SKIP("cannot create a network namespace: %s", br_errname(-ret));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_OK(ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	ASSERT_OK(ioctl(s, SIOCSIFFLAGS, &ifr));
	close(s);
	need_family(family);
}

#endif
