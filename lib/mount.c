#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The namespace br_mount_private*() made; dev 0 means none. */
static struct br_ns_id owned;

static int make_private(void)
{
	int ret;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	ret = br_ns_id(0, "mnt", &owned);
	return ret;
}

int br_mount_private(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	return make_private();
}

int br_mount_private_here(const struct br_ns_id *before)
{
	struct br_ns_id mine;
	int ret = br_ns_id(0, "mnt", &mine);

	if (ret)
		return ret;
	if (br_ns_id_eq(&mine, before))
		return -EBUSY;
	return make_private();
}

bool br_mount_is_private(void)
{
	struct br_ns_id mine;
	int ret;

	if (!owned.dev)
		return false;
	ret = br_ns_id(0, "mnt", &mine);
	/* No /proc in a fresh root (before br_mount_proc): only setns or
	 * unshare could have moved us, and both would need /proc or a new
	 * namespace the caller made on purpose. */
	if (ret == -ENOENT)
		return true;
	return !ret && br_ns_id_eq(&mine, &owned);
}

/* Create path (a directory, or an empty file when is_dir is false). */
static int make_point(const char *path, bool is_dir)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (is_dir) {
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
	} else {
		int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

/* Remount one mount read-only, carrying the locked flags of flags_of (a
 * user namespace may not clear them: EPERM). */
static int remount_ro(const char *path, const char *flags_of)
{
	struct statvfs sv;
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;

	if (statvfs(flags_of, &sv))
		return -errno;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	return mount(NULL, path, NULL, flags, NULL) ? -errno : 0;
}

/* Read-only, recursively: mount_setattr (5.12+), else a remount of the top
 * mount and then of every mount below it (mountinfo lists parents first). */
static int make_readonly(const char *path, const char *src)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	char top[PATH_MAX], *line = NULL;
	size_t n, cap = 0;
	FILE *f;
	int ret;

	if (!syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)))
		return 0;
	if (errno != ENOSYS)
		return -errno;
	if ((ret = remount_ro(path, src)))
		return ret;
	/* mountinfo names it without "//" or symlinks. */
	if (!realpath(path, top))
		return -errno;
	n = strlen(top);
	if (!(f = fopen("/proc/self/mountinfo", "re")))
		return -errno;
	while (!ret && getline(&line, &cap, f) > 0) {
		char point[PATH_MAX];

		if (sscanf(line, "%*d %*d %*s %*s %4095s", point) != 1 || strncmp(point, top, n) ||
		    point[n] != '/')
			continue;
		/* An octal-escaped name cannot be remounted by it: fail closed. */
		ret = strchr(point, '\\') ? -EINVAL : remount_ro(point, point);
	}
	free(line);
	fclose(f);
	return ret;
}

int br_mount_tmpfs_root(const char *dir, const struct br_bind *binds)
{
	char path[PATH_MAX];

	if (!br_mount_is_private())
		return -EPERM;
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
		return -errno;
	for (const struct br_bind *b = binds; b && b->src; b++) {
		const char *dst = b->dst ? b->dst : b->src;
		struct stat st;
		int ret;

		if (stat(b->src, &st))
			return -errno;
		if (snprintf(path, sizeof(path), "%s/%s", dir, dst) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		ret = make_point(path, S_ISDIR(st.st_mode));
		if (ret)
			return ret;
		if (mount(b->src, path, NULL, MS_BIND | MS_REC, NULL))
			return -errno;
		if (!b->rw && (ret = make_readonly(path, b->src)))
			return ret;
	}
	return 0;
}

int br_mount_pivot(const char *newroot)
{
	if (!br_mount_is_private())
		return -EPERM;
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * "." then drops it, without needing a put_old directory. */
	if (chdir(newroot))
		return -errno;
	if (syscall(SYS_pivot_root, ".", "."))
		return -errno;
	if (umount2(".", MNT_DETACH))
		return -errno;
	return chdir("/") ? -errno : 0;
}

int br_mount_proc(const char *target)
{
	if (!br_mount_is_private())
		return -EPERM;
	if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}
