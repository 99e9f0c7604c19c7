/*
 * File handles: name_to_handle_at / open_by_handle_at (the "shocker" pair).
 * name_to_handle_at needs no privilege; open_by_handle_at needs
 * CAP_DAC_READ_SEARCH in the initial user namespace (since 6.10 a directory
 * handle opened with O_DIRECTORY may also be decoded by a namespace that can
 * mount the filesystem: see suites/fhandle).
 */
#ifndef BR_FHANDLE_H
#define BR_FHANDLE_H

#include <fcntl.h>

/* Encode path (relative to dirfd, flags as for name_to_handle_at, e.g.
 * AT_EMPTY_PATH or AT_SYMLINK_FOLLOW). The buffer is sized by asking the
 * kernel first (handle_bytes = 0 gives EOVERFLOW with the needed size).
 * On success *out is a malloc'd handle the caller frees, and *mount_id (if
 * not NULL) the mount it was encoded from. 0 or -errno (EOPNOTSUPP: the
 * filesystem cannot export handles). */
int br_fh_encode(int dirfd, const char *path, int flags, struct file_handle **out,
		 int *mount_id);

/* open_by_handle_at(mount_fd, fh, flags). An fd (caller closes) or -errno. */
int br_fh_open(int mount_fd, const struct file_handle *fh, int flags);

/* Open the mount point of mount id (from /proc/self/mountinfo) as an
 * O_RDONLY|O_DIRECTORY fd usable as open_by_handle_at's mount_fd.
 * An fd (caller closes) or -errno (ENOENT: no such mount in our view). */
int br_fh_mount_fd(int mount_id);

/* Encode path, then decode it again through its own mount: the whole
 * crossing in one call. The opened fd (caller closes) or -errno; an error
 * from the encode step is reported as is, so callers needing to tell the
 * two steps apart use br_fh_encode and br_fh_open. */
int br_fh_reopen(const char *path, int open_flags);

#endif
