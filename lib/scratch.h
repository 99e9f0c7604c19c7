/*
 * A private tmpfs to work in. Everything a test creates lives on a tmpfs
 * mounted in the test process's own mount namespace, so nothing is ever
 * written to the host's filesystems and nothing outlives the process.
 */
#ifndef BR_SCRATCH_H
#define BR_SCRATCH_H

#include <stddef.h>

enum br_scratch_flags {
	/* Own the mount namespace (and so the tmpfs) from a user namespace,
	 * even when root: root first drops to uid/gid 65534 with no caps. */
	BR_SCRATCH_USERNS = 1 << 0,
	/* Mount the tmpfs without nosuid, for setuid and file-caps helpers
	 * (it stays nodev). */
	BR_SCRATCH_SUID = 1 << 1,
};

/* Enter a private mount namespace (plus a user namespace mapping us to root
 * when not root, or with BR_SCRATCH_USERNS), make the tree private and mount a
 * fresh tmpfs on an existing directory (/tmp, else /mnt, /run, /var/tmp;
 * never one that holds the running binary).
 * dir (size bytes) receives the mount point. 0 or -errno. */
int br_scratch(unsigned flags, char *dir, size_t size);

/* An existing directory to mount over in a private mount namespace:
 * /tmp, else /mnt, /run, /var/tmp, skipping any that would hide one of
 * the paths in keep (NULL-terminated, may be NULL). NULL if none is left. */
const char *br_scratch_point(const char *const *keep);

/* Drop the calling process to uid/gid 65534 with no capabilities in any set
 * and stay dumpable (so /proc/self stays ours). 0 or -errno. */
int br_drop_to_nobody(void);

/* Write a file of the given content and mode (creating it). 0 or -errno. */
int br_make_file(const char *path, const char *content, unsigned mode);

/* Copy a file (e.g. /proc/self/exe, to exec under another label or mode)
 * to a new path of the given mode. 0 or -errno. */
int br_copy_file(const char *from, const char *to, unsigned mode);

/* Pass one fd over a unix socket (SCM_RIGHTS). send: 0 or -errno;
 * recv: the fd (caller closes) or -errno. */
int br_send_fd(int sock, int fd);
int br_recv_fd(int sock);

#endif
