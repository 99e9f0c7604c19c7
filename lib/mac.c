/* MAC labels and modes (see mac.h). */
#include "mac.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

static int read_trimmed(const char *path, char *buf, size_t size)
{
	ssize_t n = br_read_file(path, buf, size);

	if (n < 0)
		return (int)n;
	/* Labels end in "\n" or "\0" depending on the LSM. */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		buf[--n] = '\0';
	return n ? 0 : -ENODATA;
}

int br_mac_label(const char *lsm, int fallback, char *buf, size_t size)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/self/attr/%s/current", lsm);
	r = read_trimmed(path, buf, size);
	if (r == -ENOENT && fallback)
		r = read_trimmed("/proc/self/attr/current", buf, size);
	return r;
}

const char *br_mac_aa_mode(const char *label, char *name, size_t size)
{
	static const char *const modes[] = {"enforce", "complain", "kill", "unconfined",
					    "prompt", "user"};
	const char *open = strrchr(label, '(');
	size_t n;

	if (!strcmp(label, "unconfined")) {
		snprintf(name, size, "unconfined");
		return "unconfined";
	}
	if (!open || open == label || open[-1] != ' ' || label[strlen(label) - 1] != ')')
		return NULL;
	n = (size_t)(open - 1 - label);
	snprintf(name, size, "%.*s", (int)n, label);
	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++)
		if (!strncmp(open + 1, modes[i], strlen(modes[i])) &&
		    open[1 + strlen(modes[i])] == ')')
			return modes[i];
	return NULL;
}

const char *br_mac_selinux_mode(int *policyvers)
{
	char buf[16], vers[16];

	*policyvers = -1;
	if (read_trimmed("/sys/fs/selinux/enforce", buf, sizeof(buf)) < 0)
		return NULL;
	if (read_trimmed("/sys/fs/selinux/policyvers", vers, sizeof(vers)) == 0)
		*policyvers = atoi(vers);
	return buf[0] == '1' ? "enforcing" : "permissive";
}

int br_mac_yama_scope(void)
{
	char buf[16];
	int r = read_trimmed("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof(buf));

	return r < 0 ? r : atoi(buf);
}
