/*
 * User-namespace id maps: /proc/PID/{uid_map,gid_map,setgroups}.
 *
 * pid 0 means the calling process ("/proc/self"). Every call returns 0 (or
 * a count) on success and -errno on failure, the errno the kernel gave for
 * the write, so tests can assert on it (EPERM for a second write, EINVAL for
 * overlapping lines, ...). Nothing here allocates.
 */
#ifndef BR_IDMAP_H
#define BR_IDMAP_H

#include <stddef.h>
#include <sys/types.h>

/* One map line: ids [inside, inside+count) are [outside, outside+count). */
struct br_idmap {
	unsigned inside, outside, count;
};

/* Write n lines to pid's "uid_map" or "gid_map" in one write() (the kernel
 * takes a map only whole, once). 0 or -errno (-E2BIG if n lines do not fit
 * the 64 KiB buffer used here). */
int br_idmap_write(pid_t pid, const char *file, const struct br_idmap *lines, size_t n);
/* Write text as it is (for malformed-input tests). 0 or -errno. */
int br_idmap_write_text(pid_t pid, const char *file, const char *text);
/* Write "deny" to pid's setgroups (needed before an unprivileged gid_map). */
int br_idmap_deny_setgroups(pid_t pid);
/* Map root inside pid's user namespace to uid/gid outside, one line each,
 * setgroups denied first. 0 or -errno. */
int br_idmap_map_root(pid_t pid, uid_t uid, gid_t gid);
/* Read pid's map back: up to max lines into lines. Number of lines or -errno. */
int br_idmap_read(pid_t pid, const char *file, struct br_idmap *lines, size_t max);

/*
 * The parent/child dance. A child is created in a new user namespace (plus
 * `flags`, through br_ns_clone3, so CLONE_NEWPID makes it pid 1) and blocks
 * until the parent has run maps(child_pid, arg); then it runs fn(arg) and
 * _exits with its return value. maps NULL maps root to the caller's
 * euid/egid (br_idmap_map_root).
 * Returns the child's pid (reap it with br_wait), or -errno: when maps fails
 * the child is killed and reaped and maps' error returned. If pidfd is not
 * NULL it receives a pidfd for the child (-1 if unsupported).
 */
pid_t br_idmap_spawn(int flags, int (*maps)(pid_t child, void *arg),
		     int (*fn)(void *arg), void *arg, int *pidfd);

#endif
