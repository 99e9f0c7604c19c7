/*
 * The shipped fixtures/profiles/strict-agent.profile against every target
 * at once: the seed's question ("if the agent is compromised, what keeps it
 * from the host's process table, user sessions, or the orchestration
 * daemon's socket?") answered for one concrete profile. Each target is set
 * up by the case itself, as in the other containment files:
 *
 *   a parked child ........... the host's process table
 *   <tmpfs>/daemon.sock ....... a daemon's pathname socket
 *   @br-strict-daemon ......... an abstract socket, in the case's own netns
 *   a key in a fresh session keyring, a pty as controlling terminal,
 *   an inherited fd on the host's "/" (a shocker mount fd), a copy of this
 *   binary in the tmpfs, and /proc/sys/kernel/core_pattern (opened only)
 *
 * Each case sets up only the target its payload aims at.
 * <target>.control runs the payload with no profile (reachable; the ones
 * only real root reaches SKIP otherwise), <target>.strict_agent inside it.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "fhandle.h"
#include "embed.h"
#include "harness.h"
#include "ns.h"
#include "probe.h"
#include "proc.h"
#include "sandboxed.h"
#include "scratch.h"

#define PROFILE "fixtures/profiles/strict-agent.profile"
BR_INCBIN(strict_agent_profile, PROFILE);

/* Everything the payloads aim at; set up by the fixture, inherited. */
static struct {
	pid_t host_pid;
	int hold;
	struct sockaddr_un path, abstract;
	socklen_t abstract_len;
	long key;
	int tty;
	int root_fd; /* the host's "/", as a container runtime might leak */
	struct file_handle *fh;
	char copy[96];
} w;

static int listen_on(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)a, len) || listen(fd, 8))
		return -1;
	return 0;
}

static int connect_to(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0;

	if (fd < 0)
		return 100;
	if (connect(fd, (const struct sockaddr *)a, len))
		e = errno;
	close(fd);
	return e;
}

/* ---- payloads: 0 when the target is reached, else the errno ---- */

static int signal_host(void *a) { (void)a; return kill(w.host_pid, 0) ? errno : 0; }
static int seize_host(void *a) { (void)a; return ptrace(PTRACE_SEIZE, w.host_pid, 0, 0) ? errno : 0; }
static int daemon_socket(void *a) { (void)a; return connect_to(&w.path, sizeof(w.path)); }
static int abstract_socket(void *a) { (void)a; return connect_to(&w.abstract, w.abstract_len); }
static int write_binary(void *a) { (void)a; return open_for_write(w.copy); }
static int core_pattern(void *a) { (void)a; return open_for_write("/proc/sys/kernel/core_pattern"); }

static int read_key(void *a)
{
	char buf[32];

	(void)a;
	return syscall(SYS_keyctl, KEYCTL_READ, w.key, buf, sizeof(buf), 0) < 0 ? errno : 0;
}

static int inject_tty(void *a)
{
	char c = '\n';

	(void)a;
	return ioctl(w.tty, TIOCSTI, &c) ? errno : 0;
}

static int open_by_handle(void *a)
{
	int fd = br_fh_open(w.root_fd, w.fh, O_RDONLY | O_DIRECTORY);

	(void)a;
	return fd < 0 ? -fd : close(fd);
}

static int bpf_reached(void *a)
{
	const struct br_sysprobe *sp = br_sysprobe_find("bpf");
	long r = br_sys(BR_ABI_NATIVE, sp->nr[BR_ABI_NATIVE], sp->args[0], sp->args[1],
			sp->args[2], sp->args[3], sp->args[4], sp->args[5]);

	(void)a;
	return r >= 0 || r == -sp->sentinel ? 0 : (int)-r;
}

FIXTURE(strict) {
	struct br_sandbox sb;
	bool real_root; /* before the setup's namespaces make us root inside */
};

/* The targets a case sets up: only its payload's, since a sandbox's verdict
 * on one target does not depend on the others being there, and each costs
 * under TCG (a net namespace ~5 ms, the binary copy a few ms). */
enum {
	T_HOST = 1,      /* the parked child */
	T_PATH = 2,      /* the pathname socket, in the tmpfs */
	T_ABSTRACT = 4,  /* the abstract socket, in the case's own netns */
	T_KEY = 8,       /* a key in a fresh session keyring */
	T_TTY = 16,      /* a pty as controlling terminal (in_session) */
	T_HANDLE = 32,   /* fd and handle on the host's "/" */
	T_COPY = 64,     /* a copy of this binary, in the tmpfs */
};

FIXTURE_VARIANT(strict) {
	int (*payload)(void *);
	int closed; /* the errno inside strict-agent */
	bool control_needs_root;
	unsigned targets; /* T_*: what the payload aims at */
};

FIXTURE_VARIANT_ADD(strict, host_process_signal) { signal_host, ESRCH, false, T_HOST };
FIXTURE_VARIANT_ADD(strict, host_process_ptrace) { seize_host, EPERM, false, T_HOST };
FIXTURE_VARIANT_ADD(strict, daemon_pathname_socket) { daemon_socket, ENOENT, false, T_PATH };
FIXTURE_VARIANT_ADD(strict, daemon_abstract_socket) { abstract_socket, ECONNREFUSED, false, T_ABSTRACT };
FIXTURE_VARIANT_ADD(strict, session_keyring) { read_key, EPERM, false, T_KEY };
FIXTURE_VARIANT_ADD(strict, terminal_tiocsti) { inject_tty, EPERM, false, T_TTY };
FIXTURE_VARIANT_ADD(strict, bpf) { bpf_reached, EPERM, false, 0 };
FIXTURE_VARIANT_ADD(strict, running_binary_copy) { write_binary, ENOENT, false, T_COPY };
FIXTURE_VARIANT_ADD(strict, open_by_handle_at) { open_by_handle, EPERM, true, T_HANDLE };
FIXTURE_VARIANT_ADD(strict, core_pattern) { core_pattern, EROFS, true, 0 };

FIXTURE_SETUP(strict)
{
	static const char name[] = "br-strict-daemon";
	unsigned t = variant->targets;
	char err[512], tmp[64];
	int p[2], in, out, ret;
	struct stat st;

	self->real_root = br_is_root();
	w.host_pid = -1;
	if (br_profile_parse(strict_agent_profile, PROFILE, &self->sb, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, br_profile_parse(strict_agent_profile, PROFILE, &self->sb, err, sizeof(err)));

	/* handle and fd on the host's "/" first, before any namespace */
	if (t & T_HANDLE) {
		w.root_fd = open("/", O_RDONLY | O_DIRECTORY); /* inherited on purpose */
		ASSERT_LE(0, w.root_fd);
		if (br_fh_encode(w.root_fd, "", AT_EMPTY_PATH, &w.fh, NULL))
			SKIP("the root filesystem cannot export file handles");
	}

	if ((t & (T_PATH | T_COPY)) && (ret = br_scratch(0, tmp, sizeof(tmp))))
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	if (t & T_PATH) {
		w.path.sun_family = AF_UNIX;
		snprintf(w.path.sun_path, sizeof(w.path.sun_path), "%s/daemon.sock", tmp);
		ASSERT_OK(listen_on(&w.path, sizeof(w.path)));
	}
	if (t & T_ABSTRACT) {
		if ((ret = br_ns_private(CLONE_NEWNET)))
			SKIP("cannot create a network namespace to work in: %s", br_errname(-ret));
		w.abstract.sun_family = AF_UNIX;
		memcpy(w.abstract.sun_path + 1, name, sizeof(name) - 1);
		w.abstract_len = offsetof(struct sockaddr_un, sun_path) + sizeof(name);
		ASSERT_OK(listen_on(&w.abstract, w.abstract_len));
	}

	if (t & T_KEY) {
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0) < 0)
			SKIP("cannot join a private session keyring: %s", br_errname(errno));
		w.key = syscall(SYS_add_key, "user", "br-containment", "s", 1, KEY_SPEC_SESSION_KEYRING);
		ASSERT_LT(0, w.key);
	}

	if (t & T_COPY) {
		snprintf(w.copy, sizeof(w.copy), "%s/copy", tmp);
		in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		out = open(w.copy, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
		ASSERT_LE(0, in);
		ASSERT_LE(0, out);
		ASSERT_OK(fstat(in, &st));
		ASSERT_EQ(st.st_size, sendfile(out, in, NULL, st.st_size));
		close(in);
		close(out);
	}

	if (t & T_HOST) {
		ASSERT_OK(pipe2(p, O_CLOEXEC));
		w.host_pid = fork();
		ASSERT_LE(0, w.host_pid);
		if (w.host_pid == 0) {
			char c;

			close(p[1]);
			_exit(read(p[0], &c, 1) < 0);
		}
		close(p[0]);
		w.hold = p[1];
	}
}

FIXTURE_TEARDOWN(strict)
{
	if (w.host_pid > 0) {
		close(w.hold);
		br_wait(w.host_pid);
	}
	free(w.fh);
}

struct job {
	const struct br_sandbox *sb; /* NULL: no profile */
	int (*payload)(void *);
	int expect;
	bool tty; /* give the session a pty as controlling terminal */
};

/* In a child: a new session, whose controlling terminal is a fresh pty
 * when the payload aims at it. */
static int in_session(void *arg)
{
	const struct job *j = arg;
	struct br_sandbox none;
	int m;

	ASSERT_LE(0, setsid());
	br_sandbox_init(&none);
	if (!j->tty) {
		ASSERT_EQ(j->expect, sandboxed_sb(j->sb ? j->sb : &none, j->payload, NULL));
		return 0;
	}
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		SKIP("no pseudo-terminals: %s (devpts)", br_errname(errno));
	ASSERT_OK(grantpt(m));
	ASSERT_OK(unlockpt(m));
	w.tty = open(ptsname(m), O_RDWR); /* becomes our controlling tty */
	ASSERT_LE(0, w.tty);
	ASSERT_EQ(j->expect, sandboxed_sb(j->sb ? j->sb : &none, j->payload, NULL));
	return 0;
}

static void run(const struct job *j)
{
	int st = br_child(in_session, (void *)j);

	if (st != BR_EXIT_SKIP && st != BR_EXIT_FAIL)
		ASSERT_EQ(0, st);
}

/* dev.tty.legacy_tiocsti=0 (6.2+, the default with CONFIG_LEGACY_TIOCSTI=n):
 * the kernel refuses TIOCSTI with EIO to anyone without CAP_SYS_ADMIN, before
 * the controlling-terminal check (EPERM) a sandbox relies on. */
static bool legacy_tiocsti_off(void)
{
	char v[8];

	return br_read_file("/proc/sys/dev/tty/legacy_tiocsti", v, sizeof(v)) > 0 && v[0] == '0';
}

TEST_F(strict, control)
{
	struct job j = {NULL, variant->payload, 0, variant->targets & T_TTY};
	char v[8];

	if (variant->control_needs_root && !self->real_root)
		SKIP("only real root reaches this target without a sandbox");
	if (br_read_file("/proc/sys/kernel/yama/ptrace_scope", v, sizeof(v)) > 0 && v[0] != '0' &&
	    variant->payload == seize_host)
		SKIP("kernel.yama.ptrace_scope=%c refuses ptrace of a non-descendant anyway", v[0]);
	if (legacy_tiocsti_off() && variant->payload == inject_tty && !self->real_root)
		SKIP("dev.tty.legacy_tiocsti=0 refuses TIOCSTI without CAP_SYS_ADMIN anyway");
	run(&j);
}

TEST_F(strict, strict_agent)
{
	struct job j = {&self->sb, variant->payload, variant->closed, variant->targets & T_TTY};

	if (variant->payload == inject_tty && legacy_tiocsti_off())
		j.expect = EIO; /* closed by the kernel before the sandbox is asked */
	run(&j);
}

TEST_HARNESS_MAIN
