#include "fhandle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int br_fh_encode(int dirfd, const char *path, int flags, struct file_handle **out,
		 int *mount_id)
{
	struct file_handle probe = {.handle_bytes = 0}, *fh;
	int mid;

	/* Ask for the size: a zero-length buffer always gives EOVERFLOW. */
	if (!name_to_handle_at(dirfd, path, &probe, &mid, flags))
		return -EIO;
	if (errno != EOVERFLOW)
		return -errno;
	fh = malloc(sizeof(*fh) + probe.handle_bytes);
	if (!fh)
		return -ENOMEM;
	fh->handle_bytes = probe.handle_bytes;
	if (name_to_handle_at(dirfd, path, fh, &mid, flags)) {
		int e = errno;

		free(fh);
		return -e;
	}
	*out = fh;
	if (mount_id)
		*mount_id = mid;
	return 0;
}

int br_fh_open(int mount_fd, const struct file_handle *fh, int flags)
{
	int fd = open_by_handle_at(mount_fd, (struct file_handle *)fh, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* mountinfo field 5 is the mount point, with ' ', '\t', '\n', '\\' octal-escaped. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

int br_fh_mount_fd(int mount_id)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *mnt = NULL;
	size_t cap = 0;
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char point[4096];
		int id;

		if (sscanf(line, "%d %*d %*s %*s %4095s", &id, point) == 2 && id == mount_id) {
			unescape(point);
			mnt = strdup(point);
			break;
		}
	}
	free(line);
	fclose(f);
	if (mnt) {
		int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		ret = fd < 0 ? -errno : fd;
		free(mnt);
	}
	return ret;
}

int br_fh_reopen(const char *path, int open_flags)
{
	struct file_handle *fh;
	int mid, mfd, ret = br_fh_encode(AT_FDCWD, path, 0, &fh, &mid);

	if (ret)
		return ret;
	mfd = br_fh_mount_fd(mid);
	if (mfd < 0) {
		free(fh);
		return mfd;
	}
	ret = br_fh_open(mfd, fh, open_flags);
	close(mfd);
	free(fh);
	return ret;
}
