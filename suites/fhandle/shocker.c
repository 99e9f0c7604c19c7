/*
 * The "shocker" escape (2014): a container that kept CAP_DAC_READ_SEARCH
 * opened host files by handle, through an fd on a file bind-mounted into the
 * container, because a handle is resolved on the whole filesystem, not under
 * the caller's root. Reproduced here entirely inside a tmpfs the case mounts
 * in its own mount namespace:
 *
 *   <scratch>/             tmpfs, private mount namespace
 *   |-- host/              "the host": never reachable by path from the jail
 *   |   `-- secret         the file the attacker wants
 *   `-- jail/              bind-mounted onto itself, then pivot_root'ed into
 *
 * The handles for host/ and host/secret are taken before pivot_root (an
 * attacker brute-forces them; tmpfs handles are just inode numbers). After
 * pivot_root the jail's "/" is the mount fd.
 */
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "fhandle.h"
#include "harness.h"
#include "mount.h"
#include "scratch.h"

#define SECRET "host-secret"

FIXTURE(shocker) {
	struct file_handle *secret, *hostdir;
	int jail_fd;
};

FIXTURE_VARIANT(shocker) {
	int unused;
};

FIXTURE_SETUP(shocker)
{
	char dir[64], p[128];
	int ret = br_scratch(0, dir, sizeof(dir));

	if (ret)
		SKIP("cannot mount a private tmpfs to work in: %s", br_errname(-ret));
	snprintf(p, sizeof(p), "%s/host", dir);
	ASSERT_OK(mkdir(p, 0700));
	snprintf(p, sizeof(p), "%s/host/secret", dir);
	ASSERT_EQ(0, br_make_file(p, SECRET, 0600));
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, p, 0, &self->secret, NULL));
	snprintf(p, sizeof(p), "%s/host", dir);
	ASSERT_EQ(0, br_fh_encode(AT_FDCWD, p, 0, &self->hostdir, NULL));

	snprintf(p, sizeof(p), "%s/jail", dir);
	ASSERT_OK(mkdir(p, 0755));
	ASSERT_OK(mount(p, p, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, br_mount_pivot(p));
	/* The jail holds: the host is out of reach by path. */
	ASSERT_ERRNO(ENOENT, access("/host/secret", F_OK));
	ASSERT_ERRNO(ENOENT, access("/../host/secret", F_OK));
	self->jail_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->jail_fd);
}

FIXTURE_TEARDOWN(shocker)
{
	free(self->secret);
	free(self->hostdir);
}

/* The escape works while the capability is kept: the secret is read. */
TEST_F(shocker, escape_with_cap_control, .as = BR_ROOT)
{
	char buf[32] = {0};
	int fd = br_fh_open(self->jail_fd, self->secret, O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(SECRET), read(fd, buf, sizeof(buf) - 1));
	EXPECT_STREQ(SECRET, buf);
	close(fd);
}

TEST_F(shocker, escape_dir_with_cap_control, .as = BR_ROOT)
{
	int fd = br_fh_open(self->jail_fd, self->hostdir, O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_OK(faccessat(fd, "secret", F_OK, 0));
	close(fd);
}

/* Exactly the shocker condition: only CAP_DAC_READ_SEARCH is gone. */
TEST_F(shocker, escape_dac_read_search_dropped, .as = BR_ROOT)
{
	struct br_caps c;

	ASSERT_EQ(0, br_caps_get(&c));
	c.eff = c.prm = c.bnd = c.prm & ~BR_CAP(CAP_DAC_READ_SEARCH);
	ASSERT_EQ(0, br_caps_set(&c));
	ASSERT_EQ(-EPERM, br_fh_open(self->jail_fd, self->secret, O_RDONLY));
}

/* A sandbox that drops every capability. Unprivileged, the case already
 * runs as root of a user namespace: never capable in the initial one. */
TEST_F(shocker, escape_caps_dropped)
{
	if (br_is_root())
		ASSERT_EQ(0, br_caps_drop_all());
	ASSERT_EQ(-EPERM, br_fh_open(self->jail_fd, self->secret, O_RDONLY));
}

/* The directory handle as well, with O_DIRECTORY, from real root without
 * capabilities (in a user namespace that owns the tmpfs this is the fact
 * fhandle.userns_dir instead: see userns.c). */
TEST_F(shocker, escape_dir_caps_dropped, .as = BR_ROOT)
{
	ASSERT_EQ(0, br_caps_drop_all());
	ASSERT_EQ(-EPERM, br_fh_open(self->jail_fd, self->hostdir, O_RDONLY | O_DIRECTORY));
}

TEST_HARNESS_MAIN
