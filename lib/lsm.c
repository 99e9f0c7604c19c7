#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"
#include "proc.h"

#define LSM_FILE "/sys/kernel/security/lsm"

static int read_list(char *buf, size_t len)
{
	ssize_t n = br_read_file(LSM_FILE, buf, len);

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Mount securityfs in a private mount namespace of a child; pipe the list back. */
static int read_list_private(char *buf, size_t len)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		char tmp[512];

		close(p[0]);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) ||
		    read_list(tmp, sizeof(tmp)))
			_exit(1);
		_exit(write(p[1], tmp, strlen(tmp)) < 0);
	}
	close(p[1]);
	n = read(p[0], buf, len - 1);
	close(p[0]);
	st = br_wait(pid);
	if (st != 0 || n <= 0)
		return -ENOENT;
	buf[n] = 0;
	return 0;
}

/* LSM_ID_* of include/uapi/linux/lsm.h (Linux 6.8+). */
static const char *const lsm_names[] = {
	[100 - 100] = "capability", [101 - 100] = "selinux",  [102 - 100] = "smack",
	[103 - 100] = "tomoyo",     [104 - 100] = "apparmor", [105 - 100] = "yama",
	[106 - 100] = "loadpin",    [107 - 100] = "safesetid", [108 - 100] = "lockdown",
	[109 - 100] = "bpf",        [LSM_ID_LANDLOCK - 100] = "landlock",
	[111 - 100] = "ima",        [112 - 100] = "evm",      [113 - 100] = "ipe",
};

static int list_modules(char *buf, size_t len)
{
	uint64_t ids[64];
	uint32_t size = sizeof(ids);
	long n = syscall(__NR_lsm_list_modules, ids, &size, 0);
	size_t off = 0;

	if (n < 0)
		return -errno;
	buf[0] = 0;
	for (long i = 0; i < n && off < len; i++) {
		uint64_t k = ids[i] - 100;
		const char *name = k < sizeof(lsm_names) / sizeof(lsm_names[0]) ? lsm_names[k] : NULL;

		if (name)
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		else
			off += snprintf(buf + off, len - off, "%sid%llu", off ? "," : "",
					(unsigned long long)ids[i]);
	}
	return 0;
}

int br_lsm_list(char *buf, size_t len, const char **source)
{
	const char *src = "securityfs";
	int ret = read_list(buf, len);

	if (ret && geteuid() == 0) {
		src = "securityfs-private-mount";
		ret = read_list_private(buf, len);
	}
	if (ret) {
		src = "lsm_list_modules";
		ret = list_modules(buf, len);
	}
	if (source)
		*source = ret ? NULL : src;
	return ret ? -ENOENT : 0;
}

int br_lsm_active(const char *name)
{
	char list[512];
	size_t n = strlen(name);
	int ret = br_lsm_list(list, sizeof(list), NULL);

	if (ret)
		return ret;
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}
