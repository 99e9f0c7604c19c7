#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h" /* br_errname */

int br_landlock_create_ruleset(const void *attr, size_t size, uint32_t flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

int br_landlock_add_rule(int fd, int type, const void *attr, uint32_t flags)
{
	return (int)syscall(__NR_landlock_add_rule, fd, type, attr, flags);
}

int br_landlock_restrict_self(int fd, uint32_t flags)
{
	return (int)syscall(__NR_landlock_restrict_self, fd, flags);
}

static int forced_abi, cached_abi;

void br_landlock_force_abi(int abi)
{
	forced_abi = abi;
}

int br_landlock_abi(void)
{
	if (forced_abi)
		return forced_abi;
	if (!cached_abi) {
		int v = br_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

		cached_abi = v < 0 ? -errno : v;
	}
	return cached_abi;
}

const char *br_landlock_abi_str(int abi, char *buf, size_t len)
{
	if (abi > 0)
		snprintf(buf, len, "%d", abi);
	else if (abi == -ENOSYS)
		snprintf(buf, len, "none");
	else if (abi == -EOPNOTSUPP)
		snprintf(buf, len, "disabled");
	else
		snprintf(buf, len, "error:%s", br_errname(-abi));
	return buf;
}

long br_landlock_errata(void)
{
	long v = br_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);

	return v < 0 ? -errno : v;
}

/*
 * One row per right: its name and the ABI that added it. This table is the
 * whole downgrade policy: an ABI has exactly the rows with abi <= it.
 */
struct right {
	char kind; /* 'f' fs, 'n' net, 's' scope, 'r' restrict flag */
	uint64_t bit;
	int abi;
	const char *name;
};

static const struct right rights[] = {
	{'f', LANDLOCK_ACCESS_FS_EXECUTE, 1, "execute"},
	{'f', LANDLOCK_ACCESS_FS_WRITE_FILE, 1, "write_file"},
	{'f', LANDLOCK_ACCESS_FS_READ_FILE, 1, "read_file"},
	{'f', LANDLOCK_ACCESS_FS_READ_DIR, 1, "read_dir"},
	{'f', LANDLOCK_ACCESS_FS_REMOVE_DIR, 1, "remove_dir"},
	{'f', LANDLOCK_ACCESS_FS_REMOVE_FILE, 1, "remove_file"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_CHAR, 1, "make_char"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_DIR, 1, "make_dir"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_REG, 1, "make_reg"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_SOCK, 1, "make_sock"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_FIFO, 1, "make_fifo"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_BLOCK, 1, "make_block"},
	{'f', LANDLOCK_ACCESS_FS_MAKE_SYM, 1, "make_sym"},
	{'f', LANDLOCK_ACCESS_FS_REFER, 2, "refer"},
	{'f', LANDLOCK_ACCESS_FS_TRUNCATE, 3, "truncate"},
	{'f', LANDLOCK_ACCESS_FS_IOCTL_DEV, 5, "ioctl_dev"},
	{'f', LANDLOCK_ACCESS_FS_RESOLVE_UNIX, 9, "resolve_unix"},
	{'n', LANDLOCK_ACCESS_NET_BIND_TCP, 4, "bind_tcp"},
	{'n', LANDLOCK_ACCESS_NET_CONNECT_TCP, 4, "connect_tcp"},
	{'n', LANDLOCK_ACCESS_NET_BIND_UDP, 10, "bind_udp"},
	{'n', LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP, 10, "connect_send_udp"},
	{'s', LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, 6, "abstract_unix_socket"},
	{'s', LANDLOCK_SCOPE_SIGNAL, 6, "signal"},
	{'r', LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF, 7, "log_same_exec_off"},
	{'r', LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON, 7, "log_new_exec_on"},
	{'r', LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF, 7, "log_subdomains_off"},
	{'r', LANDLOCK_RESTRICT_SELF_TSYNC, 8, "tsync"},
};

#define NRIGHTS (sizeof(rights) / sizeof(rights[0]))

static uint64_t mask_for(char kind, int abi)
{
	uint64_t m = 0;

	for (size_t i = 0; i < NRIGHTS; i++)
		if (rights[i].kind == kind && rights[i].abi <= abi)
			m |= rights[i].bit;
	return m;
}

struct br_landlock_access br_landlock_access_for_abi(int abi)
{
	return (struct br_landlock_access){
		.fs = mask_for('f', abi), .net = mask_for('n', abi), .scoped = mask_for('s', abi)};
}

uint32_t br_landlock_flags_for_abi(int abi)
{
	return (uint32_t)mask_for('r', abi);
}

int br_landlock_abi_of(char kind, uint64_t bit)
{
	for (size_t i = 0; i < NRIGHTS; i++)
		if (rights[i].kind == kind && rights[i].bit == bit)
			return rights[i].abi;
	return 0;
}

const char *br_landlock_names(char kind, uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	for (int b = 0; b < 64; b++) {
		uint64_t bit = 1ULL << b;
		const char *name = NULL;
		char unknown[16];

		if (!(mask & bit))
			continue;
		for (size_t i = 0; i < NRIGHTS; i++)
			if (rights[i].kind == kind && rights[i].bit == bit)
				name = rights[i].name;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%d", b);
			name = unknown;
		}
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "", name);
		if (n >= len)
			return buf;
	}
	if (!n)
		snprintf(buf, len, "-");
	return buf;
}

void br_landlock_mask(int abi, const struct br_landlock_access *want,
		      struct br_landlock_report *out)
{
	struct br_landlock_access has = br_landlock_access_for_abi(abi);

	memset(out, 0, sizeof(*out));
	out->abi = abi;
	out->requested = *want;
	out->handled.fs = want->fs & has.fs;
	out->handled.net = want->net & has.net;
	out->handled.scoped = want->scoped & has.scoped;
	out->dropped.fs = want->fs & ~has.fs;
	out->dropped.net = want->net & ~has.net;
	out->dropped.scoped = want->scoped & ~has.scoped;
	out->unhandled.fs = has.fs & ~want->fs;
	out->unhandled.net = has.net & ~want->net;
	out->unhandled.scoped = has.scoped & ~want->scoped;
}

int br_landlock_init(struct br_landlock *ll, const struct br_landlock_access *want)
{
	int abi = br_landlock_abi();
	struct br_landlock_ruleset_attr attr = {0};
	size_t size;

	ll->fd = -1;
	br_landlock_mask(abi, want, &ll->report);
	if (abi <= 0)
		return abi;
	attr.handled_access_fs = ll->report.handled.fs;
	attr.handled_access_net = ll->report.handled.net;
	attr.scoped = ll->report.handled.scoped;
	/* The smallest struct that carries the fields in use: 5.13 takes 8 bytes. */
	if (attr.scoped)
		size = BR_LANDLOCK_ATTR_SIZE(scoped);
	else if (attr.handled_access_net)
		size = BR_LANDLOCK_ATTR_SIZE(handled_access_net);
	else
		size = BR_LANDLOCK_ATTR_SIZE(handled_access_fs);
	if (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped)
		return -ENOMSG;
	ll->fd = br_landlock_create_ruleset(&attr, size, 0);
	return ll->fd < 0 ? -errno : 0;
}

/* A rule whose rights were all masked away is counted, not sent: the kernel
 * would answer ENOMSG, and those rights are allowed everywhere anyway. */
static int add_rule(struct br_landlock *ll, int type, const void *attr, uint64_t keep)
{
	if (!keep) {
		ll->report.rules_empty++;
		return 0;
	}
	if (br_landlock_add_rule(ll->fd, type, attr, 0))
		return -errno;
	ll->report.rules_added++;
	return 0;
}

int br_landlock_allow_fd(struct br_landlock *ll, int fd, uint64_t fs)
{
	struct landlock_path_beneath_attr pb = {.parent_fd = fd};
	uint64_t keep = fs & ll->report.handled.fs;
	struct stat st;

	if (ll->fd < 0)
		return -EBADF;
	if (fstat(fd, &st))
		return -errno;
	/* Directory rights on a file are the kernel's EINVAL; masking them
	 * denies nothing more (they only ever apply to directory contents). */
	if (!S_ISDIR(st.st_mode))
		keep &= BR_LANDLOCK_FS_FILE;
	ll->report.rule_fs_masked |= fs & ~keep;
	pb.allowed_access = keep;
	return add_rule(ll, BR_LANDLOCK_RULE_PATH_BENEATH, &pb, keep);
}

int br_landlock_allow_path(struct br_landlock *ll, const char *path, uint64_t fs)
{
	int fd, ret;

	if (ll->fd < 0)
		return -EBADF;
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = br_landlock_allow_fd(ll, fd, fs);
	close(fd);
	return ret;
}

int br_landlock_allow_port(struct br_landlock *ll, uint64_t port, uint64_t net)
{
	struct br_landlock_net_port_attr np = {.port = port};
	uint64_t keep = net & ll->report.handled.net;

	if (ll->fd < 0)
		return -EBADF;
	ll->report.rule_net_masked |= net & ~keep;
	np.allowed_access = keep;
	return add_rule(ll, BR_LANDLOCK_RULE_NET_PORT, &np, keep);
}

int br_landlock_restrict(struct br_landlock *ll, uint32_t flags)
{
	uint32_t has = br_landlock_flags_for_abi(ll->report.abi);
	int ret = 0;

	ll->report.flags_requested = flags;
	ll->report.flags_applied = flags & has;
	ll->report.flags_dropped = flags & ~has;
	if (ll->fd < 0)
		return -EBADF;
	if (br_landlock_restrict_self(ll->fd, ll->report.flags_applied))
		ret = -errno;
	else
		ll->report.enforced = true;
	br_landlock_close(ll);
	return ret;
}

void br_landlock_close(struct br_landlock *ll)
{
	if (ll->fd >= 0)
		close(ll->fd);
	ll->fd = -1;
}

bool br_landlock_complete(const struct br_landlock_report *r)
{
	return r->abi > 0 && !r->dropped.fs && !r->dropped.net && !r->dropped.scoped &&
	       !r->flags_dropped;
}

/* Append "<sep>label fs=.. net=.. scoped=.." at buf+n; returns the new n. */
static int append_set(char *buf, size_t len, int n, const char *label,
		      const struct br_landlock_access *a)
{
	char f[512], t[256], c[128];

	return n + snprintf(buf + n, (size_t)n < len ? len - n : 0, "%s fs=%s net=%s scoped=%s",
			    label, br_landlock_names('f', a->fs, f, sizeof(f)),
			    br_landlock_names('n', a->net, t, sizeof(t)),
			    br_landlock_names('s', a->scoped, c, sizeof(c)));
}

static bool any(const struct br_landlock_access *a)
{
	return a->fs || a->net || a->scoped;
}

int br_landlock_report_text(const struct br_landlock_report *r, char *buf, size_t len)
{
	char abi[32], flags[128];
	int n = snprintf(buf, len, "abi=%s", br_landlock_abi_str(r->abi, abi, sizeof(abi)));

	n = append_set(buf, len, n, " handled", &r->handled);
	if (any(&r->dropped))
		n = append_set(buf, len, n, "; dropped (kernel lacks)", &r->dropped);
	if (any(&r->unhandled))
		n = append_set(buf, len, n, "; left allowed (not requested)", &r->unhandled);
	if (r->flags_dropped)
		n += snprintf(buf + n, (size_t)n < len ? len - n : 0, "; flags dropped=%s",
			      br_landlock_names('r', r->flags_dropped, flags, sizeof(flags)));
	return n;
}

int br_landlock_apply(const struct br_landlock_access *handle,
		      const struct br_landlock_rule *rules, uint32_t flags,
		      struct br_landlock_report *report)
{
	struct br_landlock ll;
	int ret = br_landlock_init(&ll, handle);

	for (const struct br_landlock_rule *r = rules; !ret && r && (r->path || r->net); r++)
		ret = r->path ? br_landlock_allow_path(&ll, r->path, r->fs)
			      : br_landlock_allow_port(&ll, r->port, r->net);
	if (!ret)
		ret = br_landlock_restrict(&ll, flags);
	br_landlock_close(&ll);
	if (report)
		*report = ll.report;
	return ret;
}

const char *br_landlock_missing(int need)
{
	static char why[160];
	int abi = br_landlock_abi();

	if (abi >= need)
		return NULL;
	if (abi == -ENOSYS)
		snprintf(why, sizeof(why),
			 "needs ABI %d: the kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)", need);
	else if (abi == -EOPNOTSUPP)
		snprintf(why, sizeof(why),
			 "needs ABI %d: Landlock is built but not enabled (add landlock to lsm=)", need);
	else if (abi < 0)
		snprintf(why, sizeof(why), "needs ABI %d: the ABI query failed with %s", need,
			 br_errname(-abi));
	else
		snprintf(why, sizeof(why), "needs ABI %d (running Landlock ABI %d)", need, abi);
	return why;
}
