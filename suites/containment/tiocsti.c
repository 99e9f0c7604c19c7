/*
 * TIOCSTI pushes bytes into a terminal's input queue, as if typed: a
 * sandboxed process sharing the user's terminal could type commands into
 * the user's shell. The case creates its own ptys; a child becomes a session
 * leader with the first pty as its controlling terminal, and the payload
 * (inheriting it) tries TIOCSTI.
 *
 * The kernel refuses TIOCSTI without CAP_SYS_ADMIN on a tty that is not the
 * caller's controlling one (EPERM), and everywhere when
 * dev.tty.legacy_tiocsti=0 (EIO, checked first; 6.2+). A new session
 * (setsid) detaches the payload from the terminal.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"
#include "sandboxed.h"

/* No CAP_SYS_ADMIN in the initial namespace in any of these. */
#define NEW_SESSION "userns = on\nsession = new\ncaps = none\nnnp = on\n"
#define SAME_SESSION "userns = on\ncaps = none\nnnp = on\n"

/* 1, 0, or -1 when the sysctl does not exist (before 6.2: always legacy). */
static int legacy_tiocsti(void)
{
	char buf[8];

	if (br_read_file("/proc/sys/dev/tty/legacy_tiocsti", buf, sizeof(buf)) <= 0)
		return -1;
	return buf[0] == '1';
}

/* The errno a caller without CAP_SYS_ADMIN gets on a tty not its own. */
static int denial(void)
{
	return legacy_tiocsti() == 0 ? EIO : EPERM;
}

static int open_pty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;

	if (m < 0)
		SKIP("no pseudo-terminals: %s (devpts)", br_errname(errno));
	ASSERT_OK(grantpt(m));
	ASSERT_OK(unlockpt(m));
	s = open(ptsname(m), O_RDWR | O_NOCTTY); /* inherited by the payload */
	ASSERT_LE(0, s);
	return s;
}

struct job {
	const char *profile;
	bool other_tty; /* inject into a second pty, not the controlling one */
	int expect;     /* errno, 0, or -1 to record a fact instead */
	const char *fact;
};

static int inject(void *fd)
{
	char c = '\n';

	return ioctl(*(int *)fd, TIOCSTI, &c) ? errno : 0;
}

/* In a child: a new session whose controlling terminal is the first pty. */
static int in_session(void *arg)
{
	const struct job *j = arg;
	int ctty, other, e;

	ASSERT_LE(0, setsid());
	ctty = open_pty();
	ASSERT_OK(ioctl(ctty, TIOCSCTTY, 0));
	other = j->other_tty ? open_pty() : ctty;
	e = sandboxed(j->profile, inject, &other);
	if (j->expect < 0)
		br_fact(j->fact, "%s", e ? br_errname(e) : "allowed");
	else
		ASSERT_EQ(j->expect, e);
	return 0;
}

static void run(const struct job *j)
{
	int st = br_child(in_session, (void *)j);

	/* a SKIP or FAIL in the child has already been reported */
	if (st != BR_EXIT_SKIP && st != BR_EXIT_FAIL)
		ASSERT_EQ(0, st);
}

TEST(legacy_tiocsti_sysctl)
{
	int v = legacy_tiocsti();

	br_fact("sysctl.dev.tty.legacy_tiocsti", "%s", v < 0 ? "absent" : v ? "1" : "0");
}

/* Control: the payload types into its own controlling terminal. */
TEST(ctty_control)
{
	struct job j = {NO_PROFILE, false, 0, NULL};

	if (legacy_tiocsti() == 0 && !br_is_root())
		SKIP("dev.tty.legacy_tiocsti=0: TIOCSTI needs CAP_SYS_ADMIN even on the own terminal");
	run(&j);
}

/* A new session leaves the terminal behind: it is no longer the payload's
 * controlling one. */
TEST(ctty_new_session)
{
	struct job j = {NEW_SESSION, false, denial(), NULL};

	run(&j);
}

/* A user namespace alone keeps the controlling terminal: recorded, since
 * it is allowed exactly when dev.tty.legacy_tiocsti allows it. */
TEST(ctty_userns_only)
{
	struct job j = {SAME_SESSION, false, -1, "containment.tiocsti_userns_same_session"};

	run(&j);
}

/* Another tty, not the controlling one: EPERM (verdict). */
TEST(other_tty)
{
	struct job j = {SAME_SESSION, true, denial(), NULL};

	run(&j);
}

/* Real root keeps CAP_SYS_ADMIN without a profile: even another tty. */
TEST(other_tty_cap_sys_admin_control, .as = BR_ROOT)
{
	struct job j = {NO_PROFILE, true, 0, NULL};

	run(&j);
}

TEST_HARNESS_MAIN
