#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ns.h"
#include "proc.h"

#define BR_IDMAP_BUF 65536

static void path_of(char *path, size_t size, pid_t pid, const char *file)
{
	if (pid)
		snprintf(path, size, "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, size, "/proc/self/%s", file);
}

int br_idmap_write_text(pid_t pid, const char *file, const char *text)
{
	char path[64];

	path_of(path, sizeof(path), pid, file);
	return br_write_file(path, text);
}

int br_idmap_write(pid_t pid, const char *file, const struct br_idmap *lines, size_t n)
{
	static _Thread_local char buf[BR_IDMAP_BUF];
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", lines[i].inside,
				 lines[i].outside, lines[i].count);

		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return -E2BIG;
		len += w;
	}
	return br_idmap_write_text(pid, file, buf);
}

int br_idmap_deny_setgroups(pid_t pid)
{
	return br_idmap_write_text(pid, "setgroups", "deny");
}

int br_idmap_map_root(pid_t pid, uid_t uid, gid_t gid)
{
	struct br_idmap u = {0, uid, 1}, g = {0, gid, 1};
	int ret = br_idmap_deny_setgroups(pid);

	if (!ret)
		ret = br_idmap_write(pid, "uid_map", &u, 1);
	if (!ret)
		ret = br_idmap_write(pid, "gid_map", &g, 1);
	return ret;
}

int br_idmap_read(pid_t pid, const char *file, struct br_idmap *lines, size_t max)
{
	static _Thread_local char buf[BR_IDMAP_BUF];
	char path[64], *p = buf;
	ssize_t len;
	int n = 0;

	path_of(path, sizeof(path), pid, file);
	len = br_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	while ((size_t)n < max) {
		unsigned in, out, count;
		int used;

		if (sscanf(p, "%u %u %u%n", &in, &out, &count, &used) != 3)
			break;
		lines[n++] = (struct br_idmap){in, out, count};
		p += used;
	}
	return n;
}

static int map_root_of_caller(pid_t child, void *arg)
{
	(void)arg;
	return br_idmap_map_root(child, geteuid(), getegid());
}

pid_t br_idmap_spawn(int flags, int (*maps)(pid_t child, void *arg),
		     int (*fn)(void *arg), void *arg, int *pidfd)
{
	int go[2], ret;
	char c = 0;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	pid = br_ns_clone3(CLONE_NEWUSER | flags, pidfd);
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return pid;
	}
	if (pid == 0) {
		close(go[1]);
		/* EOF without a byte: the parent failed or died; do not run. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		close(go[0]);
		_exit(fn(arg));
	}
	close(go[0]);
	ret = (maps ? maps : map_root_of_caller)(pid, arg);
	if (ret) {
		close(go[1]);
		kill(pid, SIGKILL);
		br_wait(pid);
		if (pidfd && *pidfd >= 0) {
			close(*pidfd);
			*pidfd = -1;
		}
		return ret < 0 ? ret : -EINVAL;
	}
	if (write(go[1], &c, 1) != 1)
		ret = -errno;
	close(go[1]);
	return ret ? ret : pid;
}
