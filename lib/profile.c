#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "proc.h"
#include "seccomp.h"

#define PROFILE_MAX_BYTES (256 * 1024) /* below BR_MAX_TEXT: profiles are short */
#define SEP " \t,"

struct parser {
	struct br_sandbox *sb;
	const char *name;
	int line;
	char *err;
	size_t errsize;
};

/* Record "NAME:LINE: message"; always returns -EINVAL. */
static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errsize, "%s:%d: %s", p->name, p->line, msg);
	return -EINVAL;
}

static int on_off(struct parser *p, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "off"))
		*out = false;
	else
		return bad(p, "%s: expected on or off, got '%s'", key, v);
	return 0;
}

static int copy(struct parser *p, const char *key, char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return bad(p, "%s: expected at most %zu characters", key, size - 1);
	strcpy(dst, v);
	return 0;
}

static int path(struct parser *p, const char *key, char *dst, const char *v)
{
	if (v[0] != '/')
		return bad(p, "%s: expected an absolute path, got '%s'", key, v);
	return copy(p, key, dst, BR_SB_PATH, v);
}

/* One Landlock right or scope by its lib/landlock name; kind 'f' or 's'. */
static int ll_bits(struct parser *p, const char *key, char kind, char *list, uint64_t *out)
{
	uint64_t all = kind == 'f' ? br_landlock_access_for_abi(BR_LANDLOCK_ABI_MAX).fs
				   : br_landlock_access_for_abi(BR_LANDLOCK_ABI_MAX).scoped;
	char *save, name[64];

	*out = 0;
	for (char *t = strtok_r(list, SEP, &save); t; t = strtok_r(NULL, SEP, &save)) {
		uint64_t bit = 0;

		if (!strcmp(t, "all")) {
			*out |= all;
			continue;
		}
		for (int b = 0; b < 64 && !bit; b++)
			if ((all & (1ULL << b)) &&
			    !strcmp(t, br_landlock_names(kind, 1ULL << b, name, sizeof(name))))
				bit = 1ULL << b;
		if (!bit)
			return bad(p, "%s: expected Landlock %s names (%s), got '%s'", key,
				   kind == 'f' ? "access right" : "scope",
				   br_landlock_names(kind, all, name, sizeof(name)), t);
		*out |= bit;
	}
	if (!*out)
		return bad(p, "%s: expected at least one name", key);
	return 0;
}

static int errno_value(struct parser *p, const char *key, const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v && !*end) {
		if (n < 1 || n > 4095)
			return bad(p, "%s: expected an errno between 1 and 4095, got %ld", key, n);
		*out = (int)n;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, v)) {
			*out = e;
			return 0;
		}
	}
	return bad(p, "%s: expected an errno name such as EPERM, got '%s'", key, v);
}

static int set_bind(struct parser *p, const char *key, char *v, bool rw, bool optional)
{
	struct br_sandbox *sb = p->sb;
	char *save, *src = strtok_r(v, " \t", &save), *dst = strtok_r(NULL, " \t", &save);
	struct br_sb_bind *b;
	int ret;

	if (strtok_r(NULL, " \t", &save))
		return bad(p, "%s: expected SRC [DST], got more", key);
	if (sb->nbinds == BR_SB_MAX)
		return bad(p, "%s: at most %d binds", key, BR_SB_MAX);
	b = &sb->binds[sb->nbinds];
	if ((ret = path(p, key, b->src, src)) || (dst && (ret = path(p, key, b->dst, dst))))
		return ret;
	b->rw = rw;
	b->optional = optional;
	sb->nbinds++;
	return 0;
}

static int set(struct parser *p, const char *key, char *v)
{
	struct br_sandbox *sb = p->sb;
	char *save;
	int ret;

	if (!strcmp(key, "name")) {
		for (const char *c = v; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
				return bad(p, "name: expected letters, digits, '.', '_' or '-', got '%s'", v);
		return copy(p, key, sb->name, sizeof(sb->name), v);
	}
	if (!strcmp(key, "userns"))
		return on_off(p, key, v, &sb->userns);
	if (!strcmp(key, "ns")) {
		if (!strcmp(v, "none")) {
			sb->ns = 0;
			return 0;
		}
		if (br_ns_parse(v, &sb->ns))
			return bad(p, "ns: expected namespace names (mnt,uts,ipc,net,pid,cgroup,time), got '%s'", v);
		if (sb->ns & CLONE_NEWUSER)
			return bad(p, "ns: expected no 'user' here (write 'userns = on')");
		return 0;
	}
	if (!strcmp(key, "root")) {
		if (strcmp(v, "host") && strcmp(v, "tmpfs"))
			return bad(p, "root: expected host or tmpfs, got '%s'", v);
		sb->tmpfs_root = !strcmp(v, "tmpfs");
		return 0;
	}
	if (!strcmp(key, "bind") || !strcmp(key, "bind.rw") || !strcmp(key, "bind.try"))
		return set_bind(p, key, v, !strcmp(key, "bind.rw"), !strcmp(key, "bind.try"));
	if (!strcmp(key, "proc")) {
		if (strcmp(v, "on") && strcmp(v, "ro") && strcmp(v, "off"))
			return bad(p, "proc: expected on, ro or off, got '%s'", v);
		sb->proc = strcmp(v, "off");
		sb->proc_ro = !strcmp(v, "ro");
		return 0;
	}
	if (!strcmp(key, "proc.hidepid")) {
		static const char *const modes[] = {"off", "noaccess", "invisible"};

		for (int i = 0; i < 3; i++)
			if (!strcmp(v, modes[i]) || (v[0] == '0' + i && !v[1])) {
				sb->hidepid = i;
				return 0;
			}
		return bad(p, "proc.hidepid: expected 0, 1, 2, off, noaccess or invisible, got '%s'", v);
	}
	if (!strcmp(key, "hostname")) {
		for (const char *c = v; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
				return bad(p, "hostname: expected letters, digits, '-' or '.', got '%s'", v);
		return copy(p, key, sb->hostname, sizeof(sb->hostname), v);
	}
	if (!strcmp(key, "session")) {
		if (strcmp(v, "new") && strcmp(v, "inherit"))
			return bad(p, "session: expected new or inherit, got '%s'", v);
		sb->new_session = !strcmp(v, "new");
		return 0;
	}
	if (!strcmp(key, "caps")) {
		if (br_caps_parse(v, &sb->caps))
			return bad(p, "caps: expected none, all or capability names (e.g. net_raw), got '%s'", v);
		return 0;
	}
	if (!strcmp(key, "nnp"))
		return on_off(p, key, v, &sb->nnp);
	if (!strcmp(key, "landlock")) {
		static const char *const modes[] = {"off", "required", "best-effort"};

		for (int i = 0; i < 3; i++)
			if (!strcmp(v, modes[i])) {
				sb->landlock = i;
				return 0;
			}
		return bad(p, "landlock: expected off, required or best-effort, got '%s'", v);
	}
	if (!strcmp(key, "landlock.handle"))
		return ll_bits(p, key, 'f', v, &sb->ll_handle.fs);
	if (!strcmp(key, "landlock.scope"))
		return ll_bits(p, key, 's', v, &sb->ll_handle.scoped);
	if (!strcmp(key, "landlock.allow")) {
		struct br_sb_rule *r = &sb->ll_rules[sb->nll_rules];
		char *where = strtok_r(v, " \t", &save), *rights = strtok_r(NULL, "", &save);

		if (sb->nll_rules == BR_SB_MAX)
			return bad(p, "landlock.allow: at most %d rules", BR_SB_MAX);
		if (!rights)
			return bad(p, "landlock.allow: expected PATH RIGHTS, got no rights");
		if ((ret = path(p, key, r->path, where)) || (ret = ll_bits(p, key, 'f', rights, &r->fs)))
			return ret;
		sb->nll_rules++;
		return 0;
	}
	if (!strcmp(key, "apparmor")) {
		/* A profile name as the kernel takes it: no blanks, no control characters. */
		for (const char *c = v; *c; c++)
			if (!isgraph((unsigned char)*c))
				return bad(p, "apparmor: expected off or a profile name, got '%s'", v);
		return copy(p, key, sb->apparmor, sizeof(sb->apparmor), strcmp(v, "off") ? v : "");
	}
	if (!strcmp(key, "apparmor.required")) {
		bool req = true;
		int r = on_off(p, key, v, &req);

		sb->apparmor_optional = !req;
		return r;
	}
	if (!strcmp(key, "seccomp")) {
		if (strcmp(v, "none") && !br_seccomp_builtin(v))
			return bad(p, "seccomp: expected none or a built-in profile (deny-escapes, allow-minimal, allow-stdio), got '%s'", v);
		return copy(p, key, sb->seccomp, sizeof(sb->seccomp), strcmp(v, "none") ? v : "");
	}
	if (!strcmp(key, "seccomp.deny")) {
		for (char *t = strtok_r(v, SEP, &save); t; t = strtok_r(NULL, SEP, &save)) {
			if (sb->nseccomp_deny == BR_SB_MAX)
				return bad(p, "seccomp.deny: at most %d syscalls", BR_SB_MAX);
			if (seccomp_syscall_resolve_name(t) == __NR_SCMP_ERROR)
				return bad(p, "seccomp.deny: expected syscall names, got '%s'", t);
			if ((ret = copy(p, key, sb->seccomp_deny[sb->nseccomp_deny], 32, t)))
				return ret;
			sb->nseccomp_deny++;
		}
		return 0;
	}
	if (!strcmp(key, "seccomp.errno"))
		return errno_value(p, key, v, &sb->seccomp_errno);
	return bad(p, "unknown key '%s' (the keys are listed in lib/profile.h and the README)", key);
}

static const char *const repeatable[] = {"bind", "bind.rw", "bind.try", "landlock.allow",
					 "seccomp.deny", NULL};

/* Lines where each key was seen, for "given twice" and the final check. */
struct seen {
	char key[32];
	int line;
};

static int seen_line(const struct seen *s, int n, const char *key)
{
	for (int i = n - 1; i >= 0; i--)
		if (!strcmp(s[i].key, key))
			return s[i].line;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int br_profile_parse(const char *text, const char *name, struct br_sandbox *sb, char *err,
		     size_t errsize)
{
	struct parser p = {.sb = sb, .name = name, .err = err, .errsize = errsize};
	struct seen seen[64];
	char *copy_text = strdup(text), *save, *raw;
	const char *key_at_fault, *why;
	int nseen = 0, ret = 0, last = 0;

	br_sandbox_init(sb);
	if (!copy_text)
		return -ENOMEM;
	/* strtok would merge blank lines and lose the line count: walk by hand. */
	for (raw = copy_text; raw && !ret; raw = save) {
		char *nl = strchr(raw, '\n'), *hash, *eq, *key, *val;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		p.line = ++last;
		if ((hash = strchr(raw, '#')))
			*hash = 0;
		key = trim(raw);
		if (!*key)
			continue;
		if (!(eq = strchr(key, '='))) {
			ret = bad(&p, "expected 'key = value', got '%s'", key);
			break;
		}
		*eq = 0;
		val = trim(eq + 1);
		key = trim(key);
		if (!*key) {
			ret = bad(&p, "expected a key before '='");
			break;
		}
		if (!*val) {
			ret = bad(&p, "%s: expected a value after '='", key);
			break;
		}
		if (strlen(key) >= sizeof(seen[0].key)) {
			ret = bad(&p, "unknown key '%.40s...'", key);
			break;
		}
		bool rep = false;

		for (const char *const *r = repeatable; *r; r++)
			rep |= !strcmp(*r, key);
		if (!rep && seen_line(seen, nseen, key)) {
			ret = bad(&p, "%s: expected once, already given on line %d", key,
				  seen_line(seen, nseen, key));
			break;
		}
		ret = set(&p, key, val);
		if (!ret && nseen < (int)(sizeof(seen) / sizeof(*seen))) {
			strcpy(seen[nseen].key, key);
			seen[nseen++].line = p.line;
		}
	}
	free(copy_text);
	if (ret)
		return ret;
	if (br_sandbox_check(sb, &key_at_fault, &why)) {
		p.line = seen_line(seen, nseen, key_at_fault);
		if (!p.line)
			p.line = last;
		return bad(&p, "%s", why);
	}
	return 0;
}

int br_profile_load(const char *path, struct br_sandbox *sb, char *err, size_t errsize)
{
	char *buf = br_read_text(path, PROFILE_MAX_BYTES, err, errsize);
	int ret;

	if (!buf)
		return -errno;
	ret = br_profile_parse(buf, path, sb, err, errsize);
	free(buf);
	return ret;
}

void br_profile_print(FILE *f, const struct br_sandbox *sb)
{
	static const char *const ll[] = {"off", "required", "best-effort"};
	char buf[1024];

	if (sb->name[0])
		fprintf(f, "name = %s\n", sb->name);
	fprintf(f, "userns = %s\n", sb->userns ? "on" : "off");
	if (sb->ns && br_ns_format(sb->ns, buf, sizeof(buf)) >= 0)
		fprintf(f, "ns = %s\n", buf);
	else
		fprintf(f, "ns = none\n");
	fprintf(f, "root = %s\n", sb->tmpfs_root ? "tmpfs" : "host");
	for (int i = 0; i < sb->nbinds; i++)
		fprintf(f, "bind%s = %s%s%s\n",
			sb->binds[i].rw ? ".rw" : sb->binds[i].optional ? ".try" : "", sb->binds[i].src,
			sb->binds[i].dst[0] ? " " : "", sb->binds[i].dst);
	fprintf(f, "proc = %s\n", sb->proc_ro ? "ro" : sb->proc ? "on" : "off");
	if (sb->hidepid)
		fprintf(f, "proc.hidepid = %d\n", sb->hidepid);
	if (sb->hostname[0])
		fprintf(f, "hostname = %s\n", sb->hostname);
	fprintf(f, "session = %s\n", sb->new_session ? "new" : "inherit");
	if (sb->caps != BR_SB_CAPS_UNCHANGED && br_caps_mask_format(sb->caps, buf, sizeof(buf)) >= 0)
		fprintf(f, "caps = %s\n", buf);
	fprintf(f, "nnp = %s\n", sb->nnp ? "on" : "off");
	fprintf(f, "landlock = %s\n", ll[sb->landlock]);
	if (sb->ll_handle.fs)
		fprintf(f, "landlock.handle = %s\n", br_landlock_names('f', sb->ll_handle.fs, buf, sizeof(buf)));
	if (sb->ll_handle.scoped)
		fprintf(f, "landlock.scope = %s\n", br_landlock_names('s', sb->ll_handle.scoped, buf, sizeof(buf)));
	for (int i = 0; i < sb->nll_rules; i++)
		fprintf(f, "landlock.allow = %s %s\n", sb->ll_rules[i].path,
			br_landlock_names('f', sb->ll_rules[i].fs, buf, sizeof(buf)));
	fprintf(f, "apparmor = %s\n", sb->apparmor[0] ? sb->apparmor : "off");
	if (sb->apparmor[0])
		fprintf(f, "apparmor.required = %s\n", sb->apparmor_optional ? "off" : "on");
	fprintf(f, "seccomp = %s\n", sb->seccomp[0] ? sb->seccomp : "none");
	for (int i = 0; i < sb->nseccomp_deny; i++)
		fprintf(f, "seccomp.deny = %s\n", sb->seccomp_deny[i]);
	if (sb->seccomp_errno && strerrorname_np(sb->seccomp_errno))
		fprintf(f, "seccomp.errno = %s\n", strerrorname_np(sb->seccomp_errno));
	else if (sb->seccomp_errno)
		fprintf(f, "seccomp.errno = %d\n", sb->seccomp_errno);
}

const char *br_profile_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("BR_FIXTURES");
	char exe[PATH_MAX];

	if (env) {
		snprintf(dir, sizeof(dir), "%s/profiles", env);
		return access(dir, R_OK) ? NULL : dir;
	}
	if (!realpath("/proc/self/exe", exe))
		return NULL;
	for (int i = 0; i < 4; i++)
		dirname(exe);
	snprintf(dir, sizeof(dir), "%s/fixtures/profiles", exe);
	return access(dir, R_OK) ? NULL : dir;
}
