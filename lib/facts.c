/*
 * Environment facts. Everything here only reads, except the securityfs
 * fallback, which mounts in a forked child's private mount namespace.
 */
#include "facts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"
#include "landlock.h"
#include "mac.h"
#include "probe.h"
#include "proc.h"


int br_facts_add(struct br_facts *f, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *val;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].key, key)) {
			free(f->kv[i].value);
			f->kv[i].value = val;
			return 0;
		}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct br_fact_kv *kv = realloc(f->kv, cap * sizeof(*kv));

		if (!kv)
			goto err_free_val;
		f->kv = kv;
		f->cap = cap;
	}
	f->kv[f->n].key = strdup(key);
	if (!f->kv[f->n].key)
		goto err_free_val;
	f->kv[f->n++].value = val;
	return 0;
err_free_val:
	free(val);
	return -ENOMEM;
}

const char *br_facts_get(const struct br_facts *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].key, key))
			return f->kv[i].value;
	return NULL;
}

void br_facts_free(struct br_facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->kv[i].key);
		free(f->kv[i].value);
	}
	free(f->kv);
	memset(f, 0, sizeof(*f));
}

/* Read a one-line file, trimmed. 1 when read, 0 when absent, -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n = br_read_file(path, buf, size);

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return 1;
}

/* Add a file's content as a fact when the file exists. */
static int add_file(struct br_facts *f, const char *key, const char *path)
{
	char buf[4096];
	int r = read_line(path, buf, sizeof(buf));

	if (r == 0)
		return 0;
	if (r < 0)
		return br_facts_add(f, key, "unreadable(%s)", strerrorname_np(-r));
	return br_facts_add(f, key, "%s", buf);
}

/* Run fn in a forked child with an alarm; status as br_wait(). */
static int child_status(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		alarm(5);
		_exit(fn(arg));
	}
	return br_wait(pid);
}

struct lsm_pipe {
	int fd;
};

/* Root only: securityfs is not mountable from a user namespace. */
static int lsm_private_mount(void *arg)
{
	struct lsm_pipe *p = arg;
	char buf[1024];
	ssize_t n;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 1;
	if (mount("securityfs", "/sys/kernel/security", "securityfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return 2;
	n = br_read_file("/sys/kernel/security/lsm", buf, sizeof(buf));
	if (n <= 0)
		return 3;
	return write(p->fd, buf, n) == n ? 0 : 4;
}

static const char *lsm_name(uint64_t id)
{
	static const char *const names[] = {
		"capability", "selinux", "smack", "tomoyo", "apparmor", "yama", "loadpin",
		"safesetid", "lockdown", "bpf", "landlock", "ima", "evm", "ipe",
	};

	return id >= 100 && id - 100 < sizeof(names) / sizeof(*names) ? names[id - 100] : NULL;
}

struct lsm_ids {
	uint64_t *ids; /* shared with the parent */
	uint32_t bytes;
};

static long lsm_list(void *arg)
{
	struct lsm_ids *l = arg;
	long n = syscall(__NR_lsm_list_modules, l->ids, &l->bytes, 0);

	return n < 0 ? -errno : n;
}

const char *br_fact_lsm(char *buf, size_t size)
{
	int p[2];
	uint64_t *ids = mmap(NULL, 64 * sizeof(*ids), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct lsm_ids ll = {ids, 64 * sizeof(*ids)};
	struct br_outcome o;
	long n;

	if (ids == MAP_FAILED)
		return NULL;

	if (read_line("/sys/kernel/security/lsm", buf, size) > 0) {
		munmap(ids, 64 * sizeof(*ids));
		return "securityfs";
	}
	if (geteuid() == 0 && !pipe2(p, O_CLOEXEC)) {
		struct lsm_pipe lp = {p[1]};
		int st = child_status(lsm_private_mount, &lp);
		ssize_t r;

		close(p[1]);
		r = st == 0 ? read(p[0], buf, size - 1) : -1;
		close(p[0]);
		if (r > 0) {
			buf[r] = 0;
			buf[strcspn(buf, "\n")] = 0;
			munmap(ids, 64 * sizeof(*ids));
			return "securityfs-private";
		}
	}
	/* In a child: a seccomp allow-list may kill a call it does not know. */
	n = br_probe(&o, lsm_list, &ll, 0, 0) == BR_ALLOWED ? o.ret : 0;
	if (n <= 0) {
		munmap(ids, 64 * sizeof(*ids));
		return NULL;
	}
	buf[0] = 0;
	for (long i = 0; i < n && i < 64; i++) {
		const char *name = lsm_name(ids[i]);
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, "%s%s", i ? "," : "",
			 name ? name : "unknown");
	}
	munmap(ids, 64 * sizeof(*ids));
	return "lsm_list_modules";
}

static long landlock_abi(void *arg)
{
	(void)arg;
	return br_landlock_abi();
}

static long landlock_errata(void *arg)
{
	(void)arg;
	return br_landlock_errata();
}

static int add_landlock(struct br_facts *f)
{
	char abi[32];
	long errata;
	int r;

	/* "none": not built (CONFIG_SECURITY_LANDLOCK); "disabled": not in lsm=. */
	struct br_outcome o;

	/* landlock_create_ruleset in a child: a seccomp allow-list may kill it. */
	br_probe(&o, landlock_abi, NULL, 0, 0);
	if (o.kind != BR_ALLOWED && o.kind != BR_DENIED && o.kind != BR_UNSUPPORTED) {
		char buf[160];

		return br_facts_add(f, "landlock.abi", "unknown(%s)", br_outcome_str(&o, buf, sizeof(buf)));
	}
	r = br_facts_add(f, "landlock.abi", "%s", br_landlock_abi_str((int)o.ret, abi, sizeof(abi)));
	errata = br_probe(&o, landlock_errata, NULL, 0, 0) == BR_ALLOWED ? o.ret : -1;
	/* the query exists from ABI 7 */
	if (!r && errata >= 0)
		r = br_facts_add(f, "landlock.errata", "0x%lx", errata);
	return r;
}

/* Our namespace identities, "dev:inode", as the kernel's nsfs shows them. */
static int add_ns(struct br_facts *f)
{
	static const char *const types[] = {
		"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
		"time", "time_for_children", "user", "uts",
	};
	int r = 0;

	for (size_t i = 0; !r && i < sizeof(types) / sizeof(*types); i++) {
		char path[64], key[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
		snprintf(key, sizeof(key), "ns.%s", types[i]);
		if (stat(path, &st))
			continue; /* absent type, or pid_for_children before a fork */
		r = br_facts_add(f, key, "%lu:%lu", (unsigned long)st.st_dev,
				 (unsigned long)st.st_ino);
	}
	return r;
}

static int add_status(struct br_facts *f)
{
	static const char *const fields[] = {
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
		"NoNewPrivs", "Seccomp", "Seccomp_filters",
	};
	char buf[8192];
	int r = 0;

	if (br_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	for (size_t i = 0; !r && i < sizeof(fields) / sizeof(*fields); i++) {
		size_t len = strlen(fields[i]);
		char key[64];

		for (char *line = buf; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			if (strncmp(line, fields[i], len) || line[len] != ':')
				continue;
			line += len + 1;
			line += strspn(line, " \t");
			snprintf(key, sizeof(key), "self.%s", fields[i]);
			r = br_facts_add(f, key, "%.*s", (int)strcspn(line, "\n"), line);
			break;
		}
	}
	if (!r)
		r = br_facts_add(f, "self.uid", "%u", (unsigned)getuid());
	if (!r)
		r = br_facts_add(f, "self.euid", "%u", (unsigned)geteuid());
	return r;
}

/* Sysctls that shape what an unprivileged process can reach; the fact key is
 * "sysctl." plus the dotted name. Only those this kernel has are reported. */
static const char *const sysctls[] = {
	"user.max_user_namespaces",
	"kernel.unprivileged_userns_clone",           /* Debian/Ubuntu patch */
	"kernel.apparmor_restrict_unprivileged_userns", /* Ubuntu 23.10+ */
	"kernel.yama.ptrace_scope",
	"kernel.unprivileged_bpf_disabled",
	"vm.unprivileged_userfaultfd",
	"kernel.perf_event_paranoid",
	"kernel.io_uring_disabled",                   /* 6.6 */
	"dev.tty.legacy_tiocsti",                     /* 6.2 */
	"kernel.dmesg_restrict",
	"kernel.kptr_restrict",
	"fs.protected_symlinks",
	"fs.protected_hardlinks",
	"kernel.modules_disabled",
	"kernel.kexec_load_disabled",
};

/* The task's label under each LSM that keeps one (mac.<lsm>.label), AppArmor's
 * mode for it, SELinux's mode and policy version. lsm is the LSM list or NULL.
 * An LSM not in the list is not reported (with no list: only if its own attr
 * file answers); the shared attr/current (kernels before 5.1) only when one
 * labelling LSM is listed (br_mac_task_label). */
static int add_mac(struct br_facts *f, const char *lsm)
{
	char label[512], key[64], name[256];
	char active[64] = "";
	int r = 0, pv;
	const char *mode;

	for (const char *const *l = br_mac_labelling; !r && *l; l++) {
		int e = br_mac_task_label(lsm, *l, label, sizeof(label));

		snprintf(key, sizeof(key), "mac.%s.label", *l);
		/* ENOENT: not listed or no such attr file; EINVAL or an empty read
		 * (ENODATA, 6.1 without AppArmor in lsm=): not active */
		if (e == -ENOENT || e == -EINVAL || e == -ENODATA) {
			if (lsm && br_mac_active(lsm, *l)) /* listed, yet it answers nothing: say so */
				r = br_facts_add(f, key, "unreadable(%s)", strerrorname_np(-e));
			continue;
		}
		if (e < 0) {
			r = br_facts_add(f, key, "unreadable(%s)", strerrorname_np(-e));
			continue;
		}
		r = br_facts_add(f, key, "%s", label);
		snprintf(active + strlen(active), sizeof(active) - strlen(active), "%s%s",
			 *active ? "," : "", *l);
		if (!r && !strcmp(*l, "apparmor") && (mode = br_mac_aa_mode(label, name, sizeof(name))))
			r = br_facts_add(f, "mac.apparmor.mode", "%s", mode);
	}
	/* mac.active: the labelling LSMs that answered for this task, or "none". */
	if (!r)
		r = br_facts_add(f, "mac.active", "%s", *active ? active : "none");
	if (!r && (mode = br_mac_selinux_mode(&pv))) {
		r = br_facts_add(f, "mac.selinux.mode", "%s", mode);
		if (!r && pv >= 0)
			r = br_facts_add(f, "mac.selinux.policyvers", "%d", pv);
	}
	return r;
}

int br_facts_gather(struct br_facts *f)
{
	struct utsname u;
	char buf[4096], key[128], path[160];
	const char *src;
	int r = 0;

	if (!uname(&u)) {
		r = br_facts_add(f, "kernel.release", "%s", u.release);
		if (!r)
			r = br_facts_add(f, "kernel.version", "%s", u.version);
		if (!r)
			r = br_facts_add(f, "arch", "%s", u.machine);
	}
	if (!r)
		r = add_file(f, "kernel.cmdline", "/proc/cmdline");
	src = br_fact_lsm(buf, sizeof(buf));
	if (!r && src) {
		r = br_facts_add(f, "lsm", "%s", buf);
		if (!r)
			r = br_facts_add(f, "lsm.source", "%s", src);
	}
	if (!r)
		r = add_mac(f, src ? buf : NULL);
	if (!r)
		r = add_landlock(f);
	if (!r)
		r = br_facts_add(f, "x32", "%s", br_abi_state_name(br_abi_state(BR_ABI_X32)));
	if (!r)
		r = br_facts_add(f, "ia32", "%s", br_abi_state_name(br_abi_state(BR_ABI_IA32)));
	if (!r)
		r = add_file(f, "seccomp.actions_avail", "/proc/sys/kernel/seccomp/actions_avail");
	if (!r)
		r = add_file(f, "cap_last_cap", "/proc/sys/kernel/cap_last_cap");
	for (size_t i = 0; !r && i < sizeof(sysctls) / sizeof(*sysctls); i++) {
		snprintf(key, sizeof(key), "sysctl.%s", sysctls[i]);
		snprintf(path, sizeof(path), "/proc/sys/%s", sysctls[i]);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		r = add_file(f, key, path);
	}
	if (!r)
		r = add_ns(f);
	if (!r)
		r = add_status(f);
	return r;
}
