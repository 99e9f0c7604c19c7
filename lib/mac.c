/* MAC labels and modes (see mac.h). */
#include "mac.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

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

const char *const br_mac_labelling[] = {"apparmor", "selinux", "smack", NULL};

bool br_mac_active(const char *lsms, const char *lsm)
{
	size_t n = strlen(lsm);

	for (const char *p = lsms; p && *p; p += strcspn(p, ","), p += *p == ',')
		if (!strncmp(p, lsm, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

int br_mac_task_label(const char *lsms, const char *lsm, char *buf, size_t size)
{
	int others = 0;

	if (lsms && !br_mac_active(lsms, lsm))
		return -ENOENT;
	for (const char *const *l = br_mac_labelling; lsms && *l; l++)
		others += strcmp(*l, lsm) && br_mac_active(lsms, *l);
	return br_mac_label(lsm, lsms && !others, buf, size);
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

int br_mac_aa_active(const char **why)
{
	char label[256];
	struct stat st;
	int r = br_mac_label("apparmor", 0, label, sizeof(label));

	/* 5.1+ has attr/apparmor/; its read is EINVAL or empty when AppArmor is
	 * not in lsm=. The guests' kernels are all newer: no attr/current fallback. */
	if (r < 0) {
		*why = r == -EINVAL || r == -ENOENT || r == -ENODATA
			       ? "AppArmor is not active (not in lsm=, or not built)"
			       : "AppArmor label unreadable";
		return r;
	}
	if (stat(BR_AA_FS "/.replace", &st)) {
		*why = "AppArmor's securityfs interface (" BR_AA_FS ") is not mounted";
		return -errno;
	}
	*why = NULL;
	return 0;
}

/* One write(2) of the whole buffer: securityfs takes a policy or a command in one piece. */
static int write_whole(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

int br_mac_aa_load(const void *blob, size_t len)
{
	return write_whole(BR_AA_FS "/.replace", blob, len);
}

int br_mac_aa_remove(const char *profile)
{
	return write_whole(BR_AA_FS "/.remove", profile, strlen(profile));
}

int br_mac_aa_loaded_all(const char *const *profiles)
{
	FILE *f = fopen(BR_AA_FS "/profiles", "re");
	char line[512];
	size_t n = 0, left;
	bool found[16] = {false};

	while (profiles[n])
		n++;
	if (n > sizeof(found) / sizeof(*found))
		return -E2BIG;
	if (!f)
		return -errno;
	/* Lines are "NAME (MODE)": one read of the list for every name. */
	for (left = n; left && fgets(line, sizeof(line), f);)
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(profiles[i]);

			if (!found[i] && !strncmp(line, profiles[i], l) && !strncmp(line + l, " (", 2))
				found[i] = true, left--;
		}
	fclose(f);
	return !left;
}

int br_mac_aa_loaded(const char *profile)
{
	return br_mac_aa_loaded_all((const char *const[]){profile, NULL});
}

/* Write a command to this thread's AppArmor attr file (AppArmor refuses
 * another thread's), 5.1+ path first. */
static int aa_attr(const char *attr, const char *fmt, const char *profile)
{
	char path[64], cmd[512];
	int r;

	if ((size_t)snprintf(cmd, sizeof(cmd), fmt, profile) >= sizeof(cmd))
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "/proc/thread-self/attr/apparmor/%s", attr);
	r = write_whole(path, cmd, strlen(cmd));
	if (r == -ENOENT) {
		snprintf(path, sizeof(path), "/proc/thread-self/attr/%s", attr);
		r = write_whole(path, cmd, strlen(cmd));
	}
	return r;
}

int br_mac_aa_change_onexec(const char *profile)
{
	return aa_attr("exec", "exec %s", profile);
}

int br_mac_aa_change_profile(const char *profile)
{
	return aa_attr("current", "changeprofile %s", profile);
}

/* ---- SELinux: entering domains, labelling files ---- */

int br_mac_selinux_set(const char *attr, const char *ctx)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/attr/%s", attr);
	return br_write_file(path, ctx);
}

int br_mac_selinux_valid(const char *ctx)
{
	int fd = open("/sys/fs/selinux/context", O_RDWR | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	/* The kernel answers EINVAL for a context the policy does not have. */
	r = write(fd, ctx, strlen(ctx) + 1) >= 0 ? 1 : errno == EINVAL ? 0 : -errno;
	close(fd);
	return r;
}

int br_mac_selinux_label_file(const char *path, const char *ctx)
{
	return setxattr(path, "security.selinux", ctx, strlen(ctx) + 1, 0) ? -errno : 0;
}

/* ---- Yama ---- */

int br_mac_yama_set_scope(int scope)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%d", scope);
	return br_write_file("/proc/sys/kernel/yama/ptrace_scope", buf);
}
