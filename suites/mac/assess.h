/*
 * suites/mac/assess*: the probe blastradius assess runs in a sandbox
 * (blastradius-probe, stripped and embedded here by the Makefile) must
 * report the MAC label and mode it runs under. A case writes the probe into
 * a private scratch tmpfs, prepares its exec (a file label, an exec
 * context, change_onexec), runs `blastradius-probe --section mac` and reads
 * the records; the control runs it without the preparation.
 */
#ifndef BR_MAC_ASSESS_H
#define BR_MAC_ASSESS_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "harness.h"
#include "proc.h"
#include "scratch.h"

BR_INCBIN_SIZED(br_probe_bin, BR_GUEST_PROBE);

/* In the child, before the exec: 0 or -errno. */
typedef int (*probe_pre_fn)(const char *path, void *arg);

/*
 * Write the probe as NAME in a scratch tmpfs mounted with flags
 * (BR_SCRATCH_*), run pre (unless NULL), exec it with --section mac and
 * collect its stdout in out. A failed step fails the case.
 */
static __attribute__((unused)) void probe_mac(unsigned flags, const char *name, probe_pre_fn pre,
					      void *arg, char *out, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int p[2], st;
	pid_t pid;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		const size_t bytes = (size_t)(br_probe_bin_end - br_probe_bin);
		char dir[256], path[300];
		const char *step = "scratch";
		int fd = -1, r = br_scratch(flags, dir, sizeof(dir));

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (!r && (step = "write", fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755)) < 0)
			r = -errno;
		if (!r && write(fd, br_probe_bin, bytes) != (ssize_t)bytes)
			r = -EIO;
		if (fd >= 0 && close(fd) && !r)
			r = -errno;
		if (!r && pre)
			step = "prepare", r = pre(path, arg);
		if (!r && dup2(p[1], 1) < 0)
			step = "dup2", r = -errno;
		if (!r) {
			step = "execv";
			execv(path, (char *[]){path, "--section", "mac", NULL});
			r = -errno;
		}
		dprintf(p[1], "setup %s: %s\n", step, br_errname(-r));
		_exit(125);
	}
	close(p[1]);
	while (len < size - 1 && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = 0;
	close(p[0]);
	st = br_wait(pid);
	if (!strncmp(out, "setup ", 6) || st) {
		TH_LOG("the probe (exit %d): %s", st, out);
		br_fail_now();
	}
	ASSERT_TRUE(strstr(out, "\nS\tmac\n") != NULL); /* the section ran to its end */
}

/* The value of the probe's observation key, or NULL. */
static __attribute__((unused)) const char *probe_rec(const char *out, const char *key, char *buf,
						     size_t size)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "\nO\t%s\t", key);
	if (!(p = strstr(out, pat)))
		return NULL;
	p += strlen(pat);
	snprintf(buf, size, "%.*s", (int)strcspn(p, "\t\n"), p);
	return buf;
}

#endif
