#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap.h"
#include "mac.h"
#include "mount.h"
#include "ns.h"
#include "proc.h"
#include "scratch.h"
#include "seccomp.h"

static const char *const step_names[] = {
	[BR_SB_OK] = "ok",
	[BR_SB_STEP_CHECK] = "check",
	[BR_SB_STEP_CLONE] = "clone",
	[BR_SB_STEP_MOUNTS] = "mounts",
	[BR_SB_STEP_PROC] = "proc",
	[BR_SB_STEP_HOSTNAME] = "hostname",
	[BR_SB_STEP_SESSION] = "session",
	[BR_SB_STEP_CAPS] = "caps",
	[BR_SB_STEP_NNP] = "nnp",
	[BR_SB_STEP_LANDLOCK] = "landlock",
	[BR_SB_STEP_APPARMOR] = "apparmor",
	[BR_SB_STEP_SECCOMP] = "seccomp",
	[BR_SB_STEP_EXEC] = "exec",
};

const char *br_sb_step_name(enum br_sb_step s)
{
	return (unsigned)s < sizeof(step_names) / sizeof(*step_names) ? step_names[s] : "?";
}

void br_sandbox_init(struct br_sandbox *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->caps = BR_SB_CAPS_UNCHANGED;
}

int br_sandbox_check(const struct br_sandbox *sb, const char **key, const char **why)
{
	bool mnt = sb->ns & CLONE_NEWNS;
	bool sys_admin = sb->caps & BR_CAP(CAP_SYS_ADMIN);
	const char *k = NULL, *w = NULL;

	if (sb->ns & CLONE_NEWUSER)
		k = "ns", w = "the user namespace is 'userns = on', not part of ns";
	else if (sb->tmpfs_root && !mnt)
		k = "root", w = "root = tmpfs needs a mount namespace (add mnt to ns)";
	else if (sb->nbinds && !sb->tmpfs_root)
		k = "bind", w = "binds need root = tmpfs";
	else if (sb->proc && !mnt)
		k = "proc", w = "proc = on needs a mount namespace (add mnt to ns)";
	else if (sb->proc && sb->userns && !(sb->ns & CLONE_NEWPID))
		k = "proc", w = "proc in a user namespace needs a pid namespace (add pid to ns)";
	else if (sb->hidepid && !sb->proc)
		k = "proc.hidepid", w = "proc.hidepid needs proc = on";
	else if (sb->hostname[0] && !(sb->ns & CLONE_NEWUTS))
		k = "hostname", w = "hostname needs a uts namespace (add uts to ns)";
	else if (sb->landlock && !sb->ll_handle.fs && !sb->ll_handle.net && !sb->ll_handle.scoped)
		k = "landlock", w = "landlock needs landlock.handle or landlock.scope";
	else if (!sb->landlock && sb->nll_rules)
		k = "landlock.allow", w = "landlock.allow needs landlock = required or best-effort";
	else if (sb->landlock && !sb->nnp && !sys_admin)
		k = "landlock", w = "landlock needs nnp = on (or caps keeping sys_admin)";
	else if (sb->seccomp[0] && sb->nseccomp_deny)
		k = "seccomp.deny", w = "seccomp and seccomp.deny exclude each other";
	else if (sb->seccomp_errno && !sb->nseccomp_deny)
		k = "seccomp.errno", w = "seccomp.errno needs seccomp.deny";
	else if ((sb->seccomp[0] || sb->nseccomp_deny) && !sb->nnp)
		k = sb->seccomp[0] ? "seccomp" : "seccomp.deny",
		w = "seccomp sets no_new_privs: it needs nnp = on";
	else if (sb->seccomp[0] && !br_seccomp_builtin(sb->seccomp))
		k = "seccomp", w = "unknown built-in seccomp profile";
	if (key)
		*key = k;
	if (why)
		*why = w;
	return w ? -EINVAL : 0;
}

/* ---- the child: apply every layer, in order, or report and stop ---- */

struct ctx {
	const struct br_sandbox *sb;
	int (*fn)(void *);
	void *arg;
	char *const *argv;
	int status_fd; /* write end: a record on failure, EOF on success */
	int parent_fd; /* the parent's read end, closed in the child */
	struct br_ns_id mnt_before;
};

struct record {
	enum br_sb_step step;
	int err;
};

/* A fresh proc on target. In a user namespace the kernel mounts proc only
 * while a fully visible proc is still in the mount namespace, so with a
 * tmpfs root this runs before pivot_root drops the host's. */
static int mount_proc(const struct br_sandbox *sb, const char *target)
{
	char opts[32] = "";

	if (sb->hidepid)
		snprintf(opts, sizeof(opts), "hidepid=%d", sb->hidepid);
	if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | (sb->proc_ro ? MS_RDONLY : 0),
		  opts[0] ? opts : NULL))
		return -errno;
	return 0;
}

static int apply_mounts(const struct ctx *c, enum br_sb_step *step)
{
	const struct br_sandbox *sb = c->sb;
	struct br_bind binds[BR_SB_MAX + 1] = {{0}};
	const char *point, *keep[BR_SB_MAX + 1] = {0};
	char path[BR_SB_PATH + 16];
	int ret;

	if ((ret = br_mount_private_here(&c->mnt_before)))
		return ret;
	if (!sb->tmpfs_root) {
		*step = BR_SB_STEP_PROC;
		return sb->proc ? mount_proc(sb, "/proc") : 0;
	}
	for (int i = 0; i < sb->nbinds; i++)
		keep[i] = sb->binds[i].src;
	/* The new root is built on a directory that hides no bind source. */
	if (!(point = br_scratch_point(keep)))
		return -ENOENT;
	for (int i = 0, n = 0; i < sb->nbinds; i++) {
		const struct br_sb_bind *b = &sb->binds[i];

		if (b->optional && access(b->src, F_OK) && errno == ENOENT)
			continue;
		binds[n].src = b->src;
		binds[n].dst = b->dst[0] ? b->dst : NULL;
		binds[n++].rw = b->rw;
	}
	if ((ret = br_mount_tmpfs_root(point, binds)))
		return ret;
	if (sb->proc) {
		snprintf(path, sizeof(path), "%s/proc", point);
		if (mkdir(path, 0555) && errno != EEXIST)
			return -errno;
		*step = BR_SB_STEP_PROC;
		if ((ret = mount_proc(sb, path)))
			return ret;
		*step = BR_SB_STEP_MOUNTS;
	}
	return br_mount_pivot(point);
}

bool br_sandbox_landlock_preview(const struct br_sandbox *sb, struct br_landlock_report *r)
{
	br_landlock_mask(br_landlock_abi(), &sb->ll_handle, r);
	return !sb->landlock || br_landlock_complete(r);
}

static int apply_landlock(const struct br_sandbox *sb)
{
	struct br_landlock_rule rules[BR_SB_MAX + 1] = {{0}};
	struct br_landlock_report r;
	int abi = br_landlock_abi();

	/* Decide before enforcing anything: a required right this kernel
	 * lacks fails closed; best-effort goes on without it. */
	if (!br_sandbox_landlock_preview(sb, &r) && sb->landlock == BR_SB_LANDLOCK_REQUIRED)
		return abi > 0 ? -EOPNOTSUPP : abi;
	if (abi <= 0)
		return 0;
	for (int i = 0; i < sb->nll_rules; i++) {
		rules[i].path = sb->ll_rules[i].path;
		rules[i].fs = sb->ll_rules[i].fs;
	}
	return br_landlock_apply(&sb->ll_handle, rules, 0, &r);
}

void br_sandbox_deny_list(const struct br_sandbox *sb, struct br_seccomp_profile *p,
			  const char *calls[BR_SB_MAX + 1])
{
	for (int i = 0; i < sb->nseccomp_deny; i++)
		calls[i] = sb->seccomp_deny[i];
	calls[sb->nseccomp_deny] = NULL;
	*p = (struct br_seccomp_profile){.name = sb->name, .mode = BR_SECCOMP_DENY_LIST,
					 .syscalls = calls, .deny_errno = sb->seccomp_errno};
}

static int apply_seccomp(const struct br_sandbox *sb)
{
	const char *calls[BR_SB_MAX + 1];
	struct br_seccomp_profile custom;

	if (sb->seccomp[0]) {
		const struct br_seccomp_profile *p = br_seccomp_builtin(sb->seccomp);

		return p ? br_seccomp_apply(p) : -EINVAL;
	}
	if (!sb->nseccomp_deny)
		return 0;
	br_sandbox_deny_list(sb, &custom, calls);
	return br_seccomp_apply(&custom);
}

/* Fail closed: a required profile where AppArmor is not active, or one that is
 * not loaded (the kernel refuses the change), stops the payload. A program
 * enters the profile at its exec; a function at once (nothing after this
 * step but seccomp, which AppArmor does not mediate). */
static int apply_apparmor(const struct ctx *c)
{
	const char *why;
	int r;

	if (br_mac_aa_active(&why))
		return c->sb->apparmor_optional ? 0 : -EOPNOTSUPP;
	if ((r = br_mac_aa_loaded(c->sb->apparmor)) <= 0)
		return r ? r : -ENOENT;
	return c->argv ? br_mac_aa_change_onexec(c->sb->apparmor)
		       : br_mac_aa_change_profile(c->sb->apparmor);
}

static int apply(const struct ctx *c, enum br_sb_step *step)
{
	const struct br_sandbox *sb = c->sb;
	int ret = 0;

	if (sb->ns & CLONE_NEWNS) {
		*step = BR_SB_STEP_MOUNTS;
		if ((ret = apply_mounts(c, step)))
			return ret;
	}
	*step = BR_SB_STEP_HOSTNAME;
	if (sb->hostname[0] && sethostname(sb->hostname, strlen(sb->hostname)))
		return -errno;
	*step = BR_SB_STEP_SESSION;
	if (sb->new_session && setsid() < 0)
		return -errno;
	*step = BR_SB_STEP_CAPS;
	if (sb->caps != BR_SB_CAPS_UNCHANGED &&
	    (ret = sb->caps ? br_caps_keep_mask(sb->caps) : br_caps_drop_all()))
		return ret;
	*step = BR_SB_STEP_NNP;
	if (sb->nnp && (ret = br_caps_set_nnp()))
		return ret;
	*step = BR_SB_STEP_LANDLOCK;
	if (sb->landlock && (ret = apply_landlock(sb)))
		return ret;
	*step = BR_SB_STEP_APPARMOR;
	if (sb->apparmor[0] && (ret = apply_apparmor(c)))
		return ret;
	*step = BR_SB_STEP_SECCOMP;
	return apply_seccomp(sb);
}

static int child_main(void *p)
{
	const struct ctx *c = p;
	struct record rec = {BR_SB_STEP_CLONE, 0};
	int ret;

	close(c->parent_fd);
	ret = apply(c, &rec.step);

	if (!ret && c->argv) {
		execvp(c->argv[0], c->argv);
		rec.step = BR_SB_STEP_EXEC;
		ret = -errno;
	}
	if (ret) {
		rec.err = -ret;
		if (write(c->status_fd, &rec, sizeof(rec)) < 0)
			_exit(126);
		_exit(126);
	}
	close(c->status_fd);
	return c->fn(c->arg);
}

/* False when a built-in allow-list would kill execve itself. */
static bool exec_allowed(const struct br_sandbox *sb)
{
	const struct br_seccomp_profile *p = sb->seccomp[0] ? br_seccomp_builtin(sb->seccomp) : NULL;

	return !p || p->mode != BR_SECCOMP_ALLOW_LIST || br_seccomp_lists(p, "execve");
}

static int spawn(struct ctx *c, struct br_sb_child *out)
{
	const struct br_sandbox *sb = c->sb;
	int flags = sb->ns & ~CLONE_NEWUSER, sv[2], ret;
	struct record rec;
	ssize_t n;
	pid_t pid;

	out->pid = -1;
	out->pidfd = -1;
	out->failed = BR_SB_STEP_CHECK;
	if ((ret = br_sandbox_check(sb, NULL, NULL)))
		return ret;
	if (c->argv && !exec_allowed(sb))
		return -EINVAL;
	out->failed = BR_SB_STEP_CLONE;
	if ((ret = br_ns_id(0, "mnt", &c->mnt_before)))
		return ret;
	if (pipe2(sv, O_CLOEXEC))
		return -errno;
	c->status_fd = sv[1];
	c->parent_fd = sv[0];
	fflush(NULL);
	if (sb->userns) {
		pid = br_idmap_spawn(flags, NULL, child_main, c, &out->pidfd);
	} else {
		pid = br_ns_clone3(flags, &out->pidfd);
		if (pid == 0)
			_exit(child_main(c));
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return pid;
	}
	out->pid = pid;
	/* EOF: every layer is on and the payload runs (or exec'd). */
	do
		n = read(sv[0], &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	close(sv[0]);
	if (n == 0) {
		out->failed = BR_SB_OK;
		return 0;
	}
	br_sandbox_wait(out);
	if (n != sizeof(rec))
		return -EIO;
	out->failed = rec.step;
	return -rec.err;
}

int br_sandbox_spawn(const struct br_sandbox *sb, int (*fn)(void *), void *arg,
		     struct br_sb_child *out)
{
	struct ctx c = {.sb = sb, .fn = fn, .arg = arg};

	return spawn(&c, out);
}

int br_sandbox_exec(const struct br_sandbox *sb, char *const argv[], struct br_sb_child *out)
{
	struct ctx c = {.sb = sb, .argv = argv};

	return spawn(&c, out);
}

int br_sandbox_wait(struct br_sb_child *c)
{
	int st = c->pid > 0 ? br_wait(c->pid) : -ECHILD;

	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pid = -1;
	c->pidfd = -1;
	return st;
}

int br_sandbox_run(const struct br_sandbox *sb, int (*fn)(void *), void *arg,
		   enum br_sb_step *failed)
{
	struct br_sb_child c;
	int ret = br_sandbox_spawn(sb, fn, arg, &c);

	if (failed)
		*failed = c.failed;
	return ret ? ret : br_sandbox_wait(&c);
}
