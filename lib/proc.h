/* Small process helpers shared by suites and probes. */
#ifndef BR_PROC_H
#define BR_PROC_H

#include <sys/types.h>

/* Fork, run fn(arg) in the child, _exit with its return value; wait.
 * Returns the exit status, 128+signal if killed, or -errno if fork failed. */
int br_child(int (*fn)(void *arg), void *arg);

/* Fork a child that waits until *hold (the write end of its pipe, set
 * here) is closed, then exits 0: a process to signal, trace or look at that
 * changes nothing. Its pid, or -errno. */
pid_t br_parked(int *hold);

/* Wait for pid; same return convention as br_child. */
int br_wait(pid_t pid);

/* Write a whole string to a file (e.g. /proc/self/uid_map). 0 or -errno. */
int br_write_file(const char *path, const char *s);

/* Read up to size-1 bytes of a file, NUL-terminated. Bytes read or -errno. */
ssize_t br_read_file(const char *path, char *buf, size_t size);

/* Size bounds for every input read whole (checked before it is held in memory). */
#define BR_MAX_TEXT (1u << 20)       /* profiles, claims, BPF text */
#define BR_MAX_RESULT (64u << 20)    /* KTAP, JSON results, probe records */
#define BR_MAX_IMAGE (512u << 20)    /* kernel images, suite binaries */

/*
 * The whole of a REGULAR file of at most max bytes, NUL-terminated (caller
 * frees), *len its size. NULL with errno set and err = "PATH: reason" when it
 * is missing or unreadable, a directory (EISDIR), a FIFO, socket or device
 * (ENODEV: never opened, so nothing blocks), or larger than max (EFBIG).
 */
char *br_read_regular(const char *path, size_t max, size_t *len, char *err, size_t errsize);
/* br_read_regular() of a text file: a NUL byte in it is EINVAL ("not a text file"). */
char *br_read_text(const char *path, size_t max, char *err, size_t errsize);

#endif
