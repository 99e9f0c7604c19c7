#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h" /* br_skip, br_errname */
#include "idmap.h"
#include "proc.h"

const struct br_ns_type br_ns_types[] = {
	{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},   {"uts", CLONE_NEWUTS},
	{"ipc", CLONE_NEWIPC},   {"net", CLONE_NEWNET},  {"pid", CLONE_NEWPID},
	{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}, {0},
};

int br_ns_flag(const char *name)
{
	if (!strcmp(name, "mount"))
		return CLONE_NEWNS;
	for (const struct br_ns_type *t = br_ns_types; t->name; t++)
		if (!strcmp(name, t->name))
			return t->flag;
	return -EINVAL;
}

const char *br_ns_name(int flag)
{
	for (const struct br_ns_type *t = br_ns_types; t->name; t++)
		if (flag == t->flag)
			return t->name;
	return NULL;
}

int br_ns_parse(const char *list, int *flags)
{
	char buf[256], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	*flags = 0;
	for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		int f = strcmp(tok, "all") ? br_ns_flag(tok) : BR_NS_ALL;

		if (f < 0)
			return f;
		*flags |= f;
	}
	return 0;
}

int br_ns_format(int flags, char *buf, size_t size)
{
	size_t len = 0;

	if (!size)
		return -ENOSPC;
	buf[0] = 0;
	if (flags & ~BR_NS_ALL)
		return -EINVAL;
	for (const struct br_ns_type *t = br_ns_types; t->name; t++) {
		int n;

		if (!(flags & t->flag))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", t->name);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += n;
	}
	return (int)len;
}

int br_ns_unshare(int flags)
{
	return unshare(flags) ? -errno : 0;
}

int br_ns_private(int flags)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid == 0)
		return br_ns_unshare(flags);
	if (unshare(CLONE_NEWUSER | flags))
		return -errno;
	return br_idmap_map_root(0, uid, gid);
}

int br_userns_unavailable(void)
{
	static int cached = -1;
	int status;
	pid_t pid;

	if (cached >= 0)
		return cached;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? errno : 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 0;
	cached = WEXITSTATUS(status);
	return cached;
}

void br_require_userns(void)
{
	int err = br_userns_unavailable();
	char max[32] = "?";

	if (!err)
		return;
	if (err != ENOSPC)
		br_skip("needs user namespaces: unshare(CLONE_NEWUSER) gives %s", br_errname(err));
	if (br_read_file("/proc/sys/user/max_user_namespaces", max, sizeof(max)) > 0)
		max[strcspn(max, "\n")] = 0;
	br_skip("needs user namespaces: unshare(CLONE_NEWUSER) gives ENOSPC (user.max_user_namespaces=%s)",
		max);
}

pid_t br_ns_clone3(int flags, int *pidfd)
{
	struct clone_args args = {.flags = (unsigned)flags, .exit_signal = SIGCHLD};
	int fd = -1;
	long ret;

	if (pidfd) {
		args.flags |= CLONE_PIDFD;
		args.pidfd = (unsigned long)&fd;
	}
	ret = syscall(SYS_clone3, &args, sizeof(args));
	if (ret < 0 && errno == ENOSYS) {
		if (flags & CLONE_NEWTIME)
			return -ENOSYS; /* its bit is CSIGNAL's in clone() */
		ret = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
		if (ret > 0 && pidfd)
			fd = (int)syscall(SYS_pidfd_open, (pid_t)ret, 0);
	}
	if (ret < 0)
		return -errno;
	if (ret > 0 && pidfd)
		*pidfd = fd;
	return (pid_t)ret;
}

int br_ns_setns_path(const char *path, int nstype)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (setns(fd, nstype))
		ret = -errno;
	close(fd);
	return ret;
}

/* The pid behind a pidfd, from its fdinfo. */
static pid_t pidfd_pid(int pidfd)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = 0;
	p = strstr(buf, "\nPid:");
	return p ? (pid_t)atoi(p + 5) : -EINVAL;
}

int br_ns_setns_pidfd(int pidfd, int flags)
{
	char path[64];
	pid_t pid;

	if (!setns(pidfd, flags))
		return 0;
	/* Before 5.8 a pidfd is not a namespace file: EINVAL. */
	if (errno != EINVAL)
		return -errno;
	pid = pidfd_pid(pidfd);
	if (pid <= 0)
		return pid ? pid : -ESRCH;
	for (const struct br_ns_type *t = br_ns_types; t->name; t++) {
		int ret;

		if (!(flags & t->flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, t->name);
		ret = br_ns_setns_path(path, t->flag);
		if (ret)
			return ret;
	}
	return 1;
}

int br_ns_id(pid_t pid, const char *name, struct br_ns_id *id)
{
	char path[96];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &st))
		return -errno;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

int br_ns_id_fd(int fd, struct br_ns_id *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

bool br_ns_id_eq(const struct br_ns_id *a, const struct br_ns_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

int br_ns_is(pid_t pid, const char *name, const struct br_ns_id *ref)
{
	struct br_ns_id id;
	int ret = br_ns_id(pid, name, &id);

	return ret ? ret : br_ns_id_eq(&id, ref);
}
