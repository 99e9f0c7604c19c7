/*
 * SELinux under our own policy (fixtures/selinux/blastradius.cil), which the
 * guest's init loads wherever SELinux is active: the matrix's selinux cell
 * boots lsm= with SELinux in AppArmor's place and enforcing=1. Everything
 * else runs in br_unconfined_t; a case enters a test domain in a child (a
 * dyntransition through /proc/self/attr/current, or an exec) and tries what
 * the domain is denied, and the same in br_allowed_t, the control. Root does
 * all of it, so DAC and capabilities allow what SELinux refuses.
 *
 * They need the policy the guest's init loads, so they skip elsewhere;
 * permissive_mode (it switches SELinux to permissive for a moment) is
 * guest-only.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "mac.h"
#include "proc.h"
#include "scratch.h"

#define CTX(type) "br_u:br_r:" type
#define FILE_CTX(type) "br_u:object_r:" type
#define LABEL_ARG "--selinux-label"

/* Skip where SELinux is not active or (outside a guest) runs another
 * policy; in a guest, fail where it is active but enforces nothing of ours
 * (not enforcing, or the init did not load our policy). */
static void need_policy(void)
{
	int vers, r;
	const char *mode = br_mac_selinux_mode(&vers);

	if (!mode)
		SKIP("SELinux is not active (no selinuxfs): it needs lsm= with selinux before "
		     "apparmor, as in the matrix's selinux cell");
	r = br_mac_selinux_valid(CTX("br_denied_t"));
	if (r != 1 && !br_in_guest())
		SKIP("SELinux runs another policy here: these cases need blastradius's, which the "
		     "matrix guest loads");
	if (r != 1) {
		TH_LOG("SELinux is active but blastradius's policy is not loaded (%s)",
		       r < 0 ? br_errname(-r) : "br_denied_t unknown");
		br_fail_now();
	}
	ASSERT_STREQ("enforcing", mode);
}

/* In a private tmpfs (flags: BR_SCRATCH_*): ./secret (br_secret_t) and
 * ./data (br_data_t). */
static void workspace_on(unsigned flags)
{
	char dir[64];
	int r = br_scratch(flags, dir, sizeof(dir));

	if (r)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-r));
	ASSERT_OK(chdir(dir));
	ASSERT_EQ(0, br_make_file("secret", "secret\n", 0644));
	ASSERT_EQ(0, br_make_file("data", "data\n", 0644));
	ASSERT_EQ(0, br_mac_selinux_label_file("secret", FILE_CTX("br_secret_t")));
	ASSERT_EQ(0, br_mac_selinux_label_file("data", FILE_CTX("br_data_t")));
}

static void workspace(void)
{
	workspace_on(0);
}

struct job {
	const char *domain;  /* type to enter, or NULL: stay */
	int (*op)(const char *arg);
	const char *arg;
};

static int op_read(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	if (read(fd, &c, 1) != 1)
		e = errno ? errno : EIO;
	close(fd);
	return e;
}

static int op_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* CAP_SYS_ADMIN's most harmless use: a UTS namespace of this child's own. */
static int op_sys_admin(const char *unused)
{
	(void)unused;
	return unshare(CLONE_NEWUTS) ? errno : 0;
}

static int op_socket(const char *type)
{
	int fd = socket(AF_INET, !strcmp(type, "udp") ? SOCK_DGRAM : SOCK_STREAM, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Switch to another domain now (a dyntransition). */
static int op_switch(const char *ctx)
{
	return -br_mac_selinux_set("current", ctx);
}

/* The op again, in a forked child: the domain is inherited. */
static int op_forked(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(op_read(path));
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return EIO;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

static int enter_then(void *arg)
{
	const struct job *j = arg;

	if (j->domain)
		ASSERT_EQ(0, br_mac_selinux_set("current", j->domain));
	return j->op(j->arg);
}

/* op(arg) in a child that first enters domain: its errno, 0 on success. */
static int in_domain(const char *domain, int (*op)(const char *), const char *arg)
{
	struct job j = {domain, op, arg};
	int r = br_child(enter_then, &j);

	ASSERT_LE(0, r);
	return r;
}

TEST(policy_loaded_and_enforcing, .as = BR_ROOT)
{
	char label[256];

	need_policy();
	ASSERT_EQ(0, br_mac_label("selinux", 1, label, sizeof(label)));
	EXPECT_STREQ(CTX("br_unconfined_t"), label);
	/* The validity check itself: a type the policy lacks is refused. */
	EXPECT_EQ(0, br_mac_selinux_valid(CTX("br_no_such_t")));
}

TEST(file_read_denied, .as = BR_ROOT)
{
	need_policy();
	workspace();
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_read, "secret"));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_read, "secret"));
}

TEST(file_write_denied_read_allowed, .as = BR_ROOT)
{
	need_policy();
	workspace();
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_write, "data"));
	EXPECT_EQ(0, in_domain(CTX("br_denied_t"), op_read, "data"));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_write, "data"));
}

TEST(capability_denied_to_root, .as = BR_ROOT)
{
	need_policy();
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_sys_admin, NULL));
	EXPECT_EQ(EPERM, in_domain(CTX("br_denied_t"), op_sys_admin, NULL));
}

TEST(socket_class_denied, .as = BR_ROOT)
{
	need_policy();
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_socket, "udp"));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_socket, "udp"));
	/* Per class: the policy declares no tcp_socket, so the kernel allows it. */
	EXPECT_EQ(0, in_domain(CTX("br_denied_t"), op_socket, "tcp"));
}

/* Exec of a file the domain may not execute (br_secret_t). */
static int op_exec(const char *path)
{
	char *argv[] = {(char *)path, LABEL_ARG, NULL};
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(null, 1);
		execv(path, argv);
		_exit(errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return EIO;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

TEST(exec_denied, .as = BR_ROOT)
{
	need_policy();
	workspace();
	ASSERT_EQ(0, br_copy_file("/proc/self/exe", "prog", 0755));
	ASSERT_EQ(0, br_mac_selinux_label_file("prog", FILE_CTX("br_secret_t")));
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_exec, "./prog"));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_exec, "./prog"));
}

/* ptrace and signals to a br_unconfined_t process (parked: it only waits). */
static pid_t target;

static int op_ptrace(const char *unused)
{
	(void)unused;
	return ptrace(PTRACE_SEIZE, target, 0, 0) ? errno : 0;
}

static int op_signal(const char *unused)
{
	(void)unused;
	return kill(target, SIGCONT) ? errno : 0;
}

TEST(ptrace_of_unconfined_denied, .as = BR_ROOT)
{
	int hold;

	need_policy();
	target = br_parked(&hold);
	ASSERT_LT(0, target);
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_ptrace, NULL));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_ptrace, NULL));
	close(hold);
	br_wait(target);
}

TEST(signal_to_unconfined_denied, .as = BR_ROOT)
{
	int hold;

	need_policy();
	target = br_parked(&hold);
	ASSERT_LT(0, target);
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_signal, NULL));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_signal, NULL));
	close(hold);
	br_wait(target);
}

TEST(confined_cannot_leave_its_domain, .as = BR_ROOT)
{
	need_policy();
	/* br_unconfined_t may enter any domain; br_denied_t may not leave. */
	EXPECT_EQ(0, in_domain(NULL, op_switch, CTX("br_denied_t")));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_switch, CTX("br_unconfined_t")));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_switch, CTX("br_allowed_t")));
}

TEST(domain_inherited_across_fork, .as = BR_ROOT)
{
	need_policy();
	workspace();
	EXPECT_EQ(0, in_domain(CTX("br_allowed_t"), op_forked, "secret"));
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_forked, "secret"));
}

/* ---- exec: the helper side prints its label ---- */

static int label_main(void)
{
	char label[256];

	if (br_mac_label("selinux", 1, label, sizeof(label)))
		_exit(1);
	printf("%s\n", label);
	fflush(stdout);
	_exit(ferror(stdout) ? 1 : 0);
}

/* Exec ./path (after setting the exec context, unless NULL) and return the
 * label the new program reports, or "" with *err the execve errno. */
static void exec_label(const char *path, const char *exec_ctx, char *label, size_t size, int *err)
{
	int p[2], e[2], st;
	pid_t pid;
	ssize_t n;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	ASSERT_OK(pipe2(e, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = {(char *)path, LABEL_ARG, NULL};
		int x;

		dup2(p[1], 1);
		if (exec_ctx && br_mac_selinux_set("exec", exec_ctx))
			_exit(2);
		execv(path, argv);
		x = errno;
		if (write(e[1], &x, sizeof(x)) < 0)
			_exit(3);
		_exit(4);
	}
	close(p[1]);
	close(e[1]);
	n = read(p[0], label, size - 1);
	label[n > 0 ? n : 0] = 0;
	label[strcspn(label, "\n")] = 0;
	*err = 0;
	if (read(e[0], err, sizeof(*err)) != sizeof(*err))
		*err = 0;
	close(p[0]);
	close(e[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_NE(2, WEXITSTATUS(st)); /* setting the exec context failed */
}

/* ./entry (br_exec_t, the entry point of br_trans_t) and ./plain (br_file_t),
 * on a mount without nosuid unless nosuid: SELinux makes no domain
 * transition on exec from a nosuid mount. */
static void exec_workspace(bool nosuid)
{
	workspace_on(nosuid ? 0 : BR_SCRATCH_SUID);
	ASSERT_EQ(0, br_copy_file("/proc/self/exe", "entry", 0755));
	ASSERT_EQ(0, br_copy_file("/proc/self/exe", "plain", 0755));
	ASSERT_EQ(0, br_mac_selinux_label_file("entry", FILE_CTX("br_exec_t")));
}

TEST(domain_transition_on_exec, .as = BR_ROOT)
{
	char label[256];
	int err;

	need_policy();
	exec_workspace(false);
	exec_label("./plain", NULL, label, sizeof(label), &err);
	EXPECT_EQ(0, err);
	EXPECT_STREQ(CTX("br_unconfined_t"), label);
	/* type_transition br_unconfined_t br_exec_t : process br_trans_t */
	exec_label("./entry", NULL, label, sizeof(label), &err);
	EXPECT_EQ(0, err);
	EXPECT_STREQ(CTX("br_trans_t"), label);
}

TEST(exec_into_domain_without_entrypoint_refused, .as = BR_ROOT)
{
	char label[256];
	int err;

	need_policy();
	exec_workspace(false);
	exec_label("./entry", CTX("br_trans_t"), label, sizeof(label), &err);
	EXPECT_EQ(0, err);
	EXPECT_STREQ(CTX("br_trans_t"), label);
	/* br_denied_t has no entrypoint on br_exec_t: the execve fails. */
	exec_label("./entry", CTX("br_denied_t"), label, sizeof(label), &err);
	EXPECT_EQ(EACCES, err);
	EXPECT_STREQ("", label);
}

/* nosuid stops transitions: the automatic one falls back to the old domain,
 * an explicit one fails (the kernel's check_nnp_nosuid; our policy has no
 * nosuid_transition and no bounded types). The control is the case above. */
TEST(no_transition_from_nosuid_mount, .as = BR_ROOT)
{
	char label[256];
	int err;

	need_policy();
	exec_workspace(true);
	exec_label("./entry", NULL, label, sizeof(label), &err);
	EXPECT_EQ(0, err);
	EXPECT_STREQ(CTX("br_unconfined_t"), label);
	exec_label("./entry", CTX("br_trans_t"), label, sizeof(label), &err);
	EXPECT_EQ(EACCES, err);
}

/* ---- permissive: allows, and logs the denial it would have made ---- */

/* Audit's read-only multicast group (3.16+): every record, where the printk
 * copy is rate-limited. -1 when it cannot be joined (then nothing is said
 * about auditing). */
static int audit_listen(void)
{
	struct sockaddr_nl a = {.nl_family = AF_NETLINK,
				.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1)};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		TH_LOG("cannot join audit's multicast group: %s", br_errname(errno));
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Whether an AVC record of scontext with permissive=1 arrives within a
 * deadline (kauditd sends records asynchronously). */
static bool audited(int fd, const char *scontext)
{
	static char buf[16384];
	char text[8192];
	long long left = 3000;
	const char *scale = getenv("BR_TIMEOUT_SCALE");

	if (fd < 0)
		return false;
	if (scale)
		left = (long long)(left * atof(scale));
	for (; left > 0; left -= 100) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0 || (n = recv(fd, buf, sizeof(buf), 0)) <= 0)
			continue;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			size_t len = NLMSG_PAYLOAD(h, 0);

			if (h->nlmsg_type != AUDIT_AVC)
				continue;
			snprintf(text, sizeof(text), "%.*s", (int)len, (char *)NLMSG_DATA(h));
			if (strstr(text, scontext) && strstr(text, "permissive=1"))
				return true;
		}
	}
	return false;
}

TEST(permissive_domain_allows_and_audits, .as = BR_ROOT)
{
	int fd, r;

	need_policy();
	workspace();
	/* The control: the same rules, enforced. */
	ASSERT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_read, "secret"));
	fd = audit_listen();
	r = in_domain(CTX("br_permissive_t"), op_read, "secret");
	br_fact("selinux.permissive_domain", "%s%s", r ? "denies" : "allows",
		r ? "" : audited(fd, "br_permissive_t") ? ", audits" : ", no audit record seen");
	if (fd >= 0)
		close(fd);
}

TEST(permissive_mode_allows_and_audits, .guest_only = 1, .as = BR_ROOT)
{
	int fd, r, restore;

	need_policy();
	workspace();
	ASSERT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_read, "secret"));
	fd = audit_listen();
	/* Global: the guest runs one case at a time, and enforcing is restored
	 * before anything is asserted. */
	ASSERT_EQ(0, br_write_file("/sys/fs/selinux/enforce", "0"));
	r = in_domain(CTX("br_denied_t"), op_read, "secret");
	restore = br_write_file("/sys/fs/selinux/enforce", "1");
	ASSERT_EQ(0, restore);
	ASSERT_LE(0, r);
	br_fact("selinux.permissive_mode", "%s%s", r ? "denies" : "allows",
		r ? "" : audited(fd, "br_denied_t") ? ", audits" : ", no audit record seen");
	if (fd >= 0)
		close(fd);
	/* And enforcing again: the control, after. */
	EXPECT_EQ(EACCES, in_domain(CTX("br_denied_t"), op_read, "secret"));
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], LABEL_ARG))
		return label_main();
	return br_main(argc, argv, BR_SUITE "." BR_FILE);
}
