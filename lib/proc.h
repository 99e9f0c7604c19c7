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

#endif
