/*
 * Keyrings are not namespaced: key serials are global and a process finds
 * keys through the keyrings it inherits. The case first joins a fresh
 * anonymous session keyring of its own (so nothing is added to any keyring
 * the host has, and the key dies with the case), adds a key there, and the
 * payload tries to read it and to add keys from inside a sandbox.
 *
 * A sandbox without a user namespace shares the key (fact, and the control);
 * a seccomp deny-list of keyctl/add_key/request_key closes it (verdict).
 */
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "sandboxed.h"

#define SECRET "br-key-secret"

/* No user namespace: as root, every other namespace and no capabilities;
 * unprivileged, only no_new_privs (without CAP_SETPCAP the bounding set
 * cannot be cleared, so "caps = none" would fail closed). */
#define NO_USERNS_ROOT "ns = pid,ipc,uts,net,mnt\nproc = on\ncaps = none\nnnp = on\n"
#define NO_USERNS "nnp = on\n"
#define USERNS "userns = on\nns = pid,ipc,uts,net,mnt\nproc = on\ncaps = none\nnnp = on\n"
#define KEYS_DENIED "nnp = on\nseccomp.deny = keyctl add_key request_key\nseccomp.errno = EPERM\n"
#define DENY_ESCAPES "nnp = on\nseccomp = deny-escapes\n"

static long key;

static long sys_keyctl(int op, long a2, long a3, long a4)
{
	return syscall(SYS_keyctl, op, a2, a3, a4, 0);
}

FIXTURE(keyring) {
	int unused;
};

FIXTURE_VARIANT(keyring) {
	int unused;
};

FIXTURE_SETUP(keyring)
{
	if (sys_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0) < 0)
		SKIP("cannot join a private session keyring: %s (CONFIG_KEYS?)", br_errname(errno));
	key = syscall(SYS_add_key, "user", "br-containment", SECRET, strlen(SECRET),
		      KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, key);
}

FIXTURE_TEARDOWN(keyring)
{
	sys_keyctl(KEYCTL_INVALIDATE, key, 0, 0);
}

/* 0 when the secret is read back by serial; else the errno. */
static int read_key(void *arg)
{
	char buf[64] = {0};
	long n;

	(void)arg;
	n = sys_keyctl(KEYCTL_READ, key, (long)buf, sizeof(buf) - 1);
	if (n < 0)
		return errno;
	return strcmp(buf, SECRET) ? 100 : 0;
}

/* 0 when a key can be found by description in the inherited keyrings. */
static int search_key(void *arg)
{
	(void)arg;
	return sys_keyctl(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user",
			  (long)"br-containment") < 0 ? errno : 0;
}

static int add_a_key(void *arg)
{
	(void)arg;
	return syscall(SYS_add_key, "user", "br-added", "x", 1, KEY_SPEC_SESSION_KEYRING) < 0 ? errno : 0;
}

static const char *shared(int e)
{
	return e ? br_errname(e) : "readable";
}

TEST_F(keyring, read_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, read_key, NULL));
}

TEST_F(keyring, search_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, search_key, NULL));
}

TEST_F(keyring, add_control)
{
	ASSERT_EQ(0, sandboxed(NO_PROFILE, add_a_key, NULL));
}

/* Namespaces without a user namespace leave the keyrings shared. */
TEST_F(keyring, shared_without_userns)
{
	int e = sandboxed(br_is_root() ? NO_USERNS_ROOT : NO_USERNS, read_key, NULL);

	br_fact("containment.keyring_without_userns", "%s", shared(e));
}

/* With a user namespace the inherited session keyring is still possessed. */
TEST_F(keyring, shared_with_userns)
{
	int e = sandboxed(USERNS, read_key, NULL);

	br_fact("containment.keyring_with_userns", "%s", shared(e));
}

TEST_F(keyring, read_seccomp_denied)
{
	ASSERT_EQ(EPERM, sandboxed(KEYS_DENIED, read_key, NULL));
}

TEST_F(keyring, search_seccomp_denied)
{
	ASSERT_EQ(EPERM, sandboxed(KEYS_DENIED, search_key, NULL));
}

TEST_F(keyring, add_seccomp_denied)
{
	ASSERT_EQ(EPERM, sandboxed(KEYS_DENIED, add_a_key, NULL));
}

/* lib/seccomp's built-in deny-escapes profile covers keyrings too. */
TEST_F(keyring, read_deny_escapes)
{
	ASSERT_EQ(EPERM, sandboxed(DENY_ESCAPES, read_key, NULL));
}

TEST_HARNESS_MAIN
