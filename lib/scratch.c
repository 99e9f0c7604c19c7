#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount.h"
#include "ns.h"

int br_drop_to_nobody(void)
{
	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534)))
		return -errno;
	/* From uid 0 without KEEP_CAPS this clears every capability set. */
	if (setresuid(65534, 65534, 65534))
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	/* setuid made us non-dumpable, which makes /proc/self root-owned. */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ? -errno : 0;
}

/* True if path is dir or lies beneath it. */
static bool beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

const char *br_scratch_point(const char *const *keep)
{
	static const char *const points[] = {"/tmp", "/mnt", "/run", "/var/tmp", NULL};
	struct stat st;

	for (const char *const *p = points; *p; p++) {
		bool hides = false;

		for (const char *const *k = keep; k && *k; k++)
			hides |= beneath(*k, *p);
		if (!hides && !stat(*p, &st) && S_ISDIR(st.st_mode))
			return *p;
	}
	return NULL;
}

int br_scratch(unsigned flags, char *dir, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *keep[] = {n > 0 ? exe : NULL, NULL};
	const char *point;
	int ret;

	/* Never hide the running binary (tests may run from a copy in /tmp). */
	if (n > 0)
		exe[n] = 0;
	point = br_scratch_point(keep);

	if ((flags & BR_SCRATCH_USERNS) && geteuid() == 0 && (ret = br_drop_to_nobody()))
		return ret;
	/* A user namespace first when unprivileged, then a private tree:
	 * nothing we mount may propagate back to the host's peer group. */
	if (geteuid() && (ret = br_ns_private(0)))
		return ret;
	if ((ret = br_mount_private()))
		return ret;
	if (!point)
		return -ENOENT;
	if (mount("br-scratch", point, "tmpfs", MS_NODEV | (flags & BR_SCRATCH_SUID ? 0 : MS_NOSUID),
		  "mode=0755,size=16m"))
		return -errno;
	snprintf(dir, size, "%s", point);
	return 0;
}

int br_make_file(const char *path, const char *content, unsigned mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode), ret = 0;
	size_t len = strlen(content);

	if (fd < 0)
		return -errno;
	if (write(fd, content, len) != (ssize_t)len)
		ret = -EIO;
	if (fchmod(fd, mode) && !ret)
		ret = -errno;
	close(fd);
	return ret;
}

int br_copy_file(const char *from, const char *to, unsigned mode)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, ret = 0;
	struct stat st;

	if (in < 0)
		return -errno;
	if (fstat(in, &st) ||
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700)) < 0)
		ret = -errno;
	for (off_t off = 0; !ret && off < st.st_size;)
		if (sendfile(out, in, &off, st.st_size - off) <= 0)
			ret = errno ? -errno : -EIO;
	if (!ret && fchmod(out, mode))
		ret = -errno;
	close(in);
	if (out >= 0)
		close(out);
	return ret;
}

int br_send_fd(int sock, int fd)
{
	char data = 'F';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int br_recv_fd(int sock)
{
	char data;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	int fd;

	if (n < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (n != 1 || !c || c->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
