/*
 * suites/mac/apparmor: shared helpers (and for any suite that runs a payload
 * under our AppArmor policy).
 *
 * The policy (fixtures/apparmor/blastradius.aa, compiled by the Makefile
 * against a pinned features ABI) is embedded and loaded with .replace. A
 * case runs an operation in a payload: a forked child that sets up what the
 * case needs (unconfined), enters a profile and does OP, writing
 * "ERRNO TEXT" lines to a pipe (TEXT: its AppArmor label, unless the op says
 * otherwise). AA_NOW enters with change_profile (immediate) and does OP in
 * the child, after checking its label names the profile: what a profile
 * allows or denies needs no exec. AA_ONEXEC, for the cases about exec,
 * enters with change_onexec and re-executes this binary as
 * `--aa-op FD OP ARGS...`. The control runs the same payload without a
 * profile.
 */
#ifndef BR_MAC_AA_H
#define BR_MAC_AA_H

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embed.h"
#include "facts.h"
#include "harness.h"
#include "mac.h"
#include "proc.h"
#include "scratch.h"

BR_INCBIN_SIZED(br_aa_policy, BR_BUILD_DIR "/apparmor/policy.bin");

#define AA_OP "--aa-op"
#define AA_DENY "blastradius-deny"
#define AA_ALLOW "blastradius-allow"
#define AA_COMPLAIN "blastradius-complain"
#define AA_PARENT "blastradius-parent"
#define AA_CHILD "blastradius-child"
#define AA_MAX 4 /* result lines kept */

struct aa_res {
	int err;        /* the op's errno, 0 when it succeeded */
	char text[256]; /* the payload's label, or what the op reports */
};

/* SKIP unless AppArmor is active here; then load our policy unless every
 * profile of it is loaded already (each load logs a STATUS record per
 * profile, and audit's printk is rate-limited: the complain case's record
 * would be suppressed). The guest runs one build, so a loaded profile is ours. */
static __attribute__((unused)) void aa_require(void)
{
	static const char *const names[] = {AA_DENY, AA_ALLOW, AA_COMPLAIN, AA_PARENT, AA_CHILD, NULL};
	const char *why;
	int r;

	if (br_mac_aa_active(&why))
		SKIP("%s", why);
	if (br_mac_aa_loaded_all(names) == 1)
		return;
	r = br_mac_aa_load(br_aa_policy, (size_t)(br_aa_policy_end - br_aa_policy));
	if (r)
		TH_LOG("loading %zu bytes of policy through " BR_AA_FS "/.replace: %s",
		       (size_t)(br_aa_policy_end - br_aa_policy), br_errname(-r));
	ASSERT_EQ(0, r);
}

/* ---- the payload side (this binary, re-executed) ---- */

static void aa_label_text(char *buf, size_t size)
{
	if (br_mac_label("apparmor", 0, buf, size))
		snprintf(buf, size, "?");
}

static int aa_do(int fd, const char *op, char **a, int na, char *text, size_t tsz)
{
	int s, r;

#define NEED(n)                                                                                    \
	do {                                                                                       \
		if (na < (n))                                                                      \
			return EINVAL;                                                             \
	} while (0)
	if (!strcmp(op, "label"))
		return 0;
	if (!strcmp(op, "read")) {
		char c;

		NEED(1);
		if ((s = open(a[0], O_RDONLY | O_CLOEXEC)) < 0)
			return errno;
		r = read(s, &c, 1) < 0 ? errno : 0;
		close(s);
		return r;
	}
	if (!strcmp(op, "write")) {
		NEED(1);
		if ((s = open(a[0], O_WRONLY | O_CLOEXEC)) < 0)
			return errno;
		r = write(s, "x", 1) < 0 ? errno : 0;
		close(s);
		return r;
	}
	if (!strcmp(op, "exec")) { /* exec PATH [OP ARGS...]: the new image runs OP (label) */
		char fds[16], *argv[16] = {0};
		int n = 0;

		NEED(1);
		snprintf(fds, sizeof(fds), "%d", fd);
		argv[n++] = a[0], argv[n++] = AA_OP, argv[n++] = fds;
		argv[n++] = na > 1 ? a[1] : "label";
		for (int i = 2; i < na && n < 15; i++)
			argv[n++] = a[i];
		execv(a[0], argv);
		return errno;
	}
	if (!strcmp(op, "chroot")) {
		/* text: CAP_SYS_CHROOT in the cred's effective set (/proc/self/status)
		 * and as capget(2) shows it (AppArmor masks capget by the profile). */
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct d[2];
		char st[4096], *eff;
		int got = -1;

		NEED(1);
		if (syscall(SYS_capget, &h, d) == 0)
			got = !!(d[0].effective & (1u << CAP_SYS_CHROOT));
		if (br_read_file("/proc/self/status", st, sizeof(st)) > 0 && (eff = strstr(st, "CapEff:")))
			snprintf(text, tsz, "eff=%d capget=%d",
				 !!(strtoull(eff + 7, NULL, 16) & (1ull << CAP_SYS_CHROOT)), got);
		return chroot(a[0]) ? errno : 0; /* last: /proc is gone after it */
	}
	if (!strcmp(op, "socket")) { /* socket FAMILY TYPE PROTO */
		NEED(3);
		if ((s = socket(atoi(a[0]), atoi(a[1]), atoi(a[2]))) < 0)
			return errno;
		close(s);
		return 0;
	}
	if (!strcmp(op, "connect") || !strcmp(op, "connectfd")) { /* [FD] PATH */
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		int own = !strcmp(op, "connect");

		NEED(own ? 1 : 2);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a[own ? 0 : 1]);
		s = own ? socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) : atoi(a[0]);
		if (s < 0)
			return errno;
		return connect(s, (struct sockaddr *)&sun, sizeof(sun)) ? errno : 0;
	}
	if (!strcmp(op, "mount")) {
		NEED(1);
		return mount("br-aa", a[0], "tmpfs", 0, "size=64k") ? errno : 0;
	}
	if (!strcmp(op, "umount")) {
		NEED(1);
		return umount2(a[0], 0) ? errno : 0;
	}
	if (!strcmp(op, "pivot")) { /* pivot NEW OLD */
		NEED(2);
		return syscall(SYS_pivot_root, a[0], a[1]) ? errno : 0;
	}
	if (!strcmp(op, "ptrace")) { /* the tracer's exit detaches */
		NEED(1);
		return ptrace(PTRACE_SEIZE, atoi(a[0]), 0, 0) ? errno : 0;
	}
	if (!strcmp(op, "kill")) { /* kill PID SIG */
		NEED(2);
		return kill(atoi(a[0]), atoi(a[1])) ? errno : 0;
	}
	if (!strcmp(op, "killself")) /* SIGURG: ignored by default */
		return kill(getpid(), SIGURG) ? errno : 0;
	if (!strcmp(op, "fork")) { /* the child's line first, then ours */
		pid_t pid = fork();

		if (pid < 0)
			return errno;
		if (pid == 0) {
			aa_label_text(text, tsz);
			dprintf(fd, "0 %s\n", text);
			_exit(0);
		}
		return br_wait(pid) ? ECHILD : 0;
	}
	if (!strcmp(op, "facts")) { /* text: lib/facts' mac.apparmor.mode|mac.apparmor.label */
		struct br_facts f = {0};
		const char *m, *l;

		if (br_facts_gather(&f))
			return ENOMEM;
		m = br_facts_get(&f, "mac.apparmor.mode"), l = br_facts_get(&f, "mac.apparmor.label");
		snprintf(text, tsz, "%s|%s", m ? m : "-", l ? l : "-");
		br_facts_free(&f);
		return 0;
	}
	if (!strcmp(op, "unshare-user"))
		return unshare(CLONE_NEWUSER) ? errno : 0;
	return ENOSYS;
#undef NEED
}

/* Do op (a NULL-terminated list: OP ARGS...) and report on fd; label: the
 * profile the payload must be in before it operates (NULL: not checked). */
static __attribute__((noreturn)) void aa_payload(int fd, const char *label, char **op)
{
	char text[256];
	int n = 0, err;
	size_t len = label ? strlen(label) : 0;

	while (op[n])
		n++;
	aa_label_text(text, sizeof(text));
	if (label && (strncmp(text, label, len) || strncmp(text + len, " (", 2))) {
		dprintf(fd, "%d setup:label (is %s)\n", EPROTO, text);
		_exit(1);
	}
	err = aa_do(fd, op[0], op + 1, n - 1, text, sizeof(text));
	dprintf(fd, "%d %s\n", err, text);
	_exit(0);
}

/* argv: this binary, AA_OP, FD, OP, ARGS... */
static __attribute__((unused)) int aa_op_main(int argc, char **argv)
{
	(void)argc;
	aa_payload(atoi(argv[2]), NULL, argv + 3);
}

#define AA_HARNESS_MAIN                                                                            \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		if (argc >= 4 && !strcmp(argv[1], AA_OP))                                          \
			return aa_op_main(argc, argv);                                             \
		return br_main(argc, argv, BR_SUITE "." BR_FILE);                                  \
	}

/* ---- the case side ---- */

/* Setup in the forked child before it enters the profile: 0 or -errno. */
typedef int (*aa_pre_fn)(void *arg);

/* How the payload enters its profile (see the top of this file). */
enum aa_how { AA_NOW, AA_ONEXEC };

/*
 * Run OP (NULL-terminated) in a child: pre(arg) if given, then, unless
 * profile is NULL, change_profile (AA_NOW: OP runs in this child once its
 * label names the profile) or change_onexec and an exec of this binary as
 * the payload (AA_ONEXEC). Fills up to AA_MAX lines of res; returns how
 * many. A failed setup step fails the case (a skip is the caller's to
 * decide before).
 */
static int aa_run_how(enum aa_how how, const char *profile, aa_pre_fn pre, void *arg,
		      const char *const *op, struct aa_res *res)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int p[2], count = 0, st;
	pid_t pid;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char fds[16], *argv[16] = {0};
		int w = dup(p[1]), r = 0, k = 0; /* dup: not close-on-exec */
		const char *step = "dup";

		if (w >= 0 && pre && (r = pre(arg)))
			step = "pre";
		else if (w >= 0 && profile && how == AA_NOW && (r = br_mac_aa_change_profile(profile)))
			step = "change_profile";
		else if (w >= 0 && profile && how == AA_ONEXEC &&
			 (r = br_mac_aa_change_onexec(profile)))
			step = "change_onexec";
		if (w < 0 || r) {
			dprintf(p[1], "%d setup:%s\n", w < 0 ? errno : -r, step);
			_exit(1);
		}
		if (how == AA_NOW)
			aa_payload(w, profile, (char **)op);
		snprintf(fds, sizeof(fds), "%d", w);
		argv[k++] = "/proc/self/exe", argv[k++] = AA_OP, argv[k++] = fds;
		for (int i = 0; op[i] && k < 15; i++)
			argv[k++] = (char *)op[i];
		execv("/proc/self/exe", argv);
		dprintf(w, "%d setup:execv\n", errno);
		_exit(1);
	}
	close(p[1]);
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(p[0]);
	st = br_wait(pid);
	for (char *line = buf, *nl; *line && count < AA_MAX; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		*nl = 0;
		res[count].text[0] = 0;
		if (sscanf(line, "%d %255[^\n]", &res[count].err, res[count].text) < 1)
			continue;
		if (!strncmp(res[count].text, "setup:", 6)) {
			br_fail(__FILE__, __LINE__, "payload %s failed: %s", res[count].text + 6,
				br_errname(res[count].err));
			br_fail_now();
		}
		count++;
	}
	if (!count) {
		br_fail(__FILE__, __LINE__, "payload %s reported nothing (status %d)", op[0], st);
		br_fail_now();
	}
	return count;
}

static __attribute__((unused)) int aa_run(const char *profile, aa_pre_fn pre, void *arg,
					  const char *const *op, struct aa_res *res)
{
	return aa_run_how(AA_NOW, profile, pre, arg, op, res);
}

/* One op, one result: its errno; *out (may be NULL) gets the payload's text. */
static __attribute__((unused)) int aa_op_how(enum aa_how how, const char *profile, aa_pre_fn pre,
					     void *arg, const char *const *op, struct aa_res *out)
{
	struct aa_res res[AA_MAX];
	int n = aa_run_how(how, profile, pre, arg, op, res);

	if (out)
		*out = res[n - 1];
	return res[n - 1].err;
}

/* The same, entering the profile at once (AA_NOW) or at an exec (AA_ONEXEC). */
#define aa_op(...) aa_op_how(AA_NOW, __VA_ARGS__)
#define aa_op_exec(...) aa_op_how(AA_ONEXEC, __VA_ARGS__)

/* The label a payload in profile (enforce mode) shows. */
static __attribute__((unused)) const char *aa_enforced(const char *profile)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s (enforce)", profile);
	return buf;
}

/* A private scratch tmpfs (own mount namespace) holding name with content. */
static __attribute__((unused)) void aa_scratch_file(char *dir, size_t size, char *path, size_t psize, const char *name,
			    unsigned mode)
{
	ASSERT_EQ(0, br_scratch(0, dir, size));
	snprintf(path, psize, "%s/%s", dir, name);
	ASSERT_EQ(0, br_make_file(path, "blastradius\n", mode));
}

/* This binary at dir/name (in the case's scratch, its own mount namespace):
 * its path bound onto an empty file there, no copy; AppArmor's rules see
 * dir/name. (/proc/self/exe itself is a mount of the namespace we left.) */
static __attribute__((unused)) void aa_bind_self(const char *dir, const char *name, char *path, size_t psize)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ASSERT_GT(n, 0);
	self[n] = 0;
	snprintf(path, psize, "%s/%s", dir, name);
	ASSERT_EQ(0, br_make_file(path, "", 0755));
	ASSERT_OK(mount(self, path, NULL, MS_BIND, NULL));
}

/* Skip the case when the unconfined control does not succeed: nothing to
 * deny. AA_CONTROL_HOW: the control of an AA_ONEXEC case runs its payload. */
#define AA_CONTROL(pre, arg, ...) AA_CONTROL_HOW(AA_NOW, pre, arg, __VA_ARGS__)
#define AA_CONTROL_HOW(how, pre, arg, ...)                                                         \
	do {                                                                                       \
		struct aa_res br__c;                                                               \
		int br__e = aa_op_how(how, NULL, pre, arg, (const char *const[]){__VA_ARGS__, NULL}, \
				      &br__c);                                                     \
		if (br__e)                                                                         \
			SKIP("unconfined control failed (%s): nothing for AppArmor to deny",       \
			     br_errname(br__e));                                                   \
	} while (0)

#endif
