#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int br_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int br_child(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg));
	return br_wait(pid);
}

pid_t br_parked(int *hold)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(p[0]);
		close(p[1]);
		return pid;
	}
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	*hold = p[1];
	return pid;
}

int br_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	size_t len = strlen(s);

	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != (ssize_t)len)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

ssize_t br_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return total;
}

static char *read_fail(int e, const char *path, const char *why, char *err, size_t errsize)
{
	if (err && errsize)
		snprintf(err, errsize, "%s: %s", path, why ? why : strerror(e));
	errno = e;
	return NULL;
}

char *br_read_regular(const char *path, size_t max, size_t *len, char *err, size_t errsize)
{
	struct stat st;
	char *buf = NULL, why[64];
	size_t n = 0, cap;
	int fd, e = 0;

	snprintf(why, sizeof(why), "larger than the %zu-byte limit", max);
	/* stat first: opening a FIFO or a device can block or do something. */
	if (stat(path, &st))
		return read_fail(errno, path, NULL, err, errsize);
	if (S_ISDIR(st.st_mode))
		return read_fail(EISDIR, path, "is a directory, not a file", err, errsize);
	if (!S_ISREG(st.st_mode))
		return read_fail(ENODEV, path, "not a regular file (a FIFO, socket or device)", err, errsize);
	if ((unsigned long long)st.st_size > max)
		return read_fail(EFBIG, path, why, err, errsize);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return read_fail(errno, path, NULL, err, errsize);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { /* swapped since the stat */
		close(fd);
		return read_fail(ENODEV, path, "not a regular file", err, errsize);
	}
	/* st_size can be stale (or 0 in /proc): read until EOF, at most max + 1. */
	cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	buf = malloc(cap + 1);
	while (buf) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				e = EFBIG;
				break;
			}
			cap = 2 * cap > max + 1 ? max + 1 : 2 * cap;
			if (!(nb = realloc(buf, cap + 1))) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		e = ENOMEM;
	if (!e && n > max)
		e = EFBIG;
	if (e) {
		free(buf);
		return read_fail(e, path, e == EFBIG ? why : NULL, err, errsize);
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

char *br_read_text(const char *path, size_t max, char *err, size_t errsize)
{
	size_t len;
	char *text = br_read_regular(path, max, &len, err, errsize);

	if (text && memchr(text, 0, len)) {
		free(text);
		return read_fail(EINVAL, path, "not a text file (NUL byte)", err, errsize);
	}
	return text;
}
