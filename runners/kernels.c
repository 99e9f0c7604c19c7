/*
 * `blastradius kernels list|fetch`: Debian kernels by package name, cached.
 *
 * Every Debian suite gets a private apt state under the cache dir (lists,
 * archives, a sources.list derived from this machine's configured Debian
 * source), so nothing here touches the system's apt state or needs a host
 * name. Packages are found by walking Depends from the named package and by
 * reading each .deb's contents: sid splits the image (linux-binary-*: vmlinuz)
 * from its config (linux-base-*) and leaves linux-image-* an empty meta package.
 *
 * Cache: <cache>/apt/<suite>/, <cache>/debs/<package>.deb, <cache>/kernels/<release>/
 * {vmlinuz,vmlinux,config,kernel.json}, and <cache>/kernels/<alias>.ref naming
 * the release an alias resolved to (so a second run downloads nothing).
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "kernels.h"
#include "proc.h"

const struct kernel_alias kernel_aliases[] = {
	{"bullseye-cloud", "bullseye", "linux-image-cloud-amd64", "5.10 cloud", true},
	{"bookworm-cloud", "bookworm", "linux-image-cloud-amd64", "6.1 cloud", true},
	/* 6.12 reaches bookworm through backports. */
	{"bookworm-bpo-cloud", "bookworm-backports", "linux-image-cloud-amd64", "6.12 cloud", true},
	{"sid-cloud", "sid", "linux-image-cloud-amd64", "newest cloud", true},
	/* Cloud flavours leave x32 out; the generic one builds it in (off unless syscall.x32=y). */
	{"bookworm-generic", "bookworm", "linux-image-amd64", "6.1 generic, has x32", true},
	{0},
};

/* The kconfig options worth seeing next to verdicts. */
static const char *const config_facts[] = {
	"CONFIG_X86_X32_ABI", "CONFIG_IA32_EMULATION", "CONFIG_IA32_EMULATION_DEFAULT_DISABLED",
	"CONFIG_SECURITY_LANDLOCK", "CONFIG_LSM", "CONFIG_USER_NS", "CONFIG_SECCOMP_FILTER",
	"CONFIG_IO_URING", "CONFIG_BPF_SYSCALL", "CONFIG_BPF_UNPRIV_DEFAULT_OFF",
	"CONFIG_USERFAULTFD", "CONFIG_CHECKPOINT_RESTORE", "CONFIG_TIME_NS", "CONFIG_FHANDLE",
	"CONFIG_LEGACY_TIOCSTI", "CONFIG_SECURITY_YAMA", "CONFIG_SECURITY_APPARMOR",
	"CONFIG_SECURITY_SELINUX", "CONFIG_KEYS", "CONFIG_CGROUPS", "CONFIG_PVH", NULL,
};

const char *cache_dir(void)
{
	static char dir[PATH_MAX];
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (!dir[0]) {
		if (x && *x)
			snprintf(dir, sizeof(dir), "%s/blastradius", x);
		else
			snprintf(dir, sizeof(dir), "%s/.cache/blastradius", home ? home : "/tmp");
		if (mkdir_p(dir))
			die("cannot create cache dir %s: %s", dir, strerror(errno));
	}
	return dir;
}

/* ---- this machine's Debian sources ---- */

/* The machine's codename (VERSION_CODENAME in /etc/os-release). */
static const char *own_codename(void)
{
	static char name[64];
	char *s = br_read_regular("/etc/os-release", BR_MAX_TEXT, NULL, NULL, 0), *p;

	if (!name[0] && s && (p = strstr(s, "VERSION_CODENAME=")))
		sscanf(p + 17, "%63[^\n\"]", name);
	free(s);
	return name;
}

/* Append n bytes of s to *buf, a string *len long (NULL when 0). */
static void append(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
}

/* Append a deb822 entry (one line per suite) to *lines as one-line "deb" sources. */
static void add_entry(char **lines, size_t *len, const char *uri, const char *suites,
		      const char *comps, const char *signed_by)
{
	char suite[128];
	const char *s = suites;
	int n;

	while (sscanf(s, " %127s%n", suite, &n) == 1) {
		char *line;
		/* asprintf: a long Signed-By or URI must not be cut (or over-read). */
		int m = asprintf(&line, "deb %s%s%s %s %s %s\n", signed_by ? "[signed-by=" : "",
				 signed_by ? signed_by : "", signed_by ? "] " : "", uri, suite,
				 comps ? comps : "main");

		if (m < 0)
			die("out of memory");
		append(lines, len, line, m);
		free(line);
		s += n;
	}
}

/* A deb822 paragraph's KEY value (caller frees), or NULL. */
static char *field(const char *para, const char *key)
{
	const char *p = para;
	size_t kl = strlen(key);

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncasecmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1;

			v += strspn(v, " \t");
			return strndup(v, strcspn(v, "\n"));
		}
	return NULL;
}

/* Every enabled "deb" entry of /etc/apt/sources.list and sources.list.d (.list and
 * deb822 .sources), in one-line form. */
static char *machine_sources(void)
{
	char *out = NULL, *names = NULL;
	size_t len = 0;
	char *av[] = {"sh", "-c", "ls -1 /etc/apt/sources.list /etc/apt/sources.list.d/*.list "
				   "/etc/apt/sources.list.d/*.sources 2>/dev/null", NULL};

	run_cmd(av, NULL, &names, true);
	for (char *f = strtok(names ? names : "", "\n"); f; f = strtok(NULL, "\n")) {
		char *text = br_read_regular(f, BR_MAX_TEXT, NULL, NULL, 0);
		size_t fl = strlen(f);

		if (!text)
			continue;
		if (fl > 8 && !strcmp(f + fl - 8, ".sources")) {
			/* deb822: paragraphs separated by blank lines. */
			for (char *para = text; para && *para;) {
				char *end = strstr(para, "\n\n");
				char *types, *uris, *suites, *comps, *sb, *en;

				if (end)
					*end = 0;
				types = field(para, "Types"), uris = field(para, "URIs");
				suites = field(para, "Suites"), comps = field(para, "Components");
				sb = field(para, "Signed-By"), en = field(para, "Enabled");
				if (types && strstr(types, "deb") && strncmp(types, "deb-src", 7) && uris &&
				    suites && !(en && !strcasecmp(en, "no")))
					add_entry(&out, &len, strtok(uris, " "), suites, comps,
						  sb && *sb == '/' ? sb : NULL);
				free(types), free(uris), free(suites), free(comps), free(sb), free(en);
				para = end ? end + 2 : NULL;
			}
		} else {
			for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
				l += strspn(l, " \t");
				if (!strncmp(l, "deb ", 4)) {
					append(&out, &len, l, strlen(l));
					append(&out, &len, "\n", 1);
				}
			}
		}
		free(text);
	}
	free(names);
	return out ? out : strdup("");
}

/* Split a one-line source into its URI and suite (after any [options]). */
static bool parse_line(const char *line, char *opts, char *uri, char *suite)
{
	const char *p = line + 4;

	opts[0] = 0;
	if (*p == '[') {
		const char *e = strchr(p, ']');

		if (!e)
			return false;
		snprintf(opts, 512, "%.*s ", (int)(e - p + 1), p);
		p = e + 1;
	}
	return sscanf(p, " %511s %127s", uri, suite) == 2;
}

/*
 * sources.list for a private apt state: for the machine's own suite, its own
 * lines (with -updates and -security); for any other suite, the machine's
 * main Debian archive line with the suite swapped in.
 */
static char *derived_sources(const char *suite)
{
	char *all = machine_sources(), *out = calloc(1, 1), *save = NULL;
	const char *own = own_codename();
	char main_line[1200] = "";
	size_t len = 0, ol = strlen(own);

	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char opts[512], uri[512], s[128];

		if (!parse_line(l, opts, uri, s))
			continue;
		if (ol && !strncmp(s, own, ol) && (!s[ol] || s[ol] == '-') && !strcmp(suite, own)) {
			append(&out, &len, l, strlen(l));
			append(&out, &len, "\n", 1);
		}
		/* The main archive: the entry for the bare codename (not -security/-updates),
		 * else (sid calls itself by the next release's codename) any bare suite
		 * of an archive whose path ends in /debian. */
		if (ol && !strcmp(s, own))
			snprintf(main_line, sizeof(main_line), "deb %s%s %s main\n", opts, uri, suite);
		else if (!main_line[0] && !strchr(s, '-') && strlen(uri) > 7 &&
			 (!strcmp(uri + strlen(uri) - 7, "/debian") || !strcmp(uri + strlen(uri) - 8, "/debian/")))
			snprintf(main_line, sizeof(main_line), "deb %s%s %s main\n", opts, uri, suite);
	}
	free(all);
	if (!len && main_line[0]) {
		free(out);
		out = strdup(main_line);
	}
	if (!out[0]) {
		free(out);
		return NULL;
	}
	return out;
}

/* Run apt-get/apt-cache with SUITE's private state plus args (NULL-terminated). */
static int apt_run(const char *tool, const char *suite, const char *cwd, char **out,
		   const char *const args[])
{
	char opt[7][PATH_MAX + 64], *av[64];
	const char *c = cache_dir();
	int n = 0, i = 0;

	av[n++] = (char *)tool;
	snprintf(opt[i++], sizeof(opt[0]), "Dir::State=%s/apt/%s", c, suite);
	snprintf(opt[i++], sizeof(opt[0]), "Dir::State::status=/dev/null");
	snprintf(opt[i++], sizeof(opt[0]), "Dir::Cache=%s/apt/%s/cache", c, suite);
	snprintf(opt[i++], sizeof(opt[0]), "Dir::Etc::SourceList=%s/apt/%s/sources.list", c, suite);
	snprintf(opt[i++], sizeof(opt[0]), "Dir::Etc::SourceParts=/nonexistent");
	snprintf(opt[i++], sizeof(opt[0]), "Acquire::Languages=none");
	/* root downloading into a root-owned cache: the _apt sandbox cannot write there. */
	snprintf(opt[i++], sizeof(opt[0]), "APT::Sandbox::User=%s", geteuid() ? "_apt" : "root");
	for (int j = 0; j < i; j++) {
		av[n++] = "-o";
		av[n++] = opt[j];
	}
	av[n++] = "-q";
	for (int j = 0; args[j] && n < 62; j++)
		av[n++] = (char *)args[j];
	av[n] = NULL;
	if (!out) {
		/* apt's progress goes to stderr: stdout is for what fetch resolved. */
		char *text = NULL;
		int rc = run_cmd(av, cwd, &text, false);

		fputs(text ? text : "", stderr);
		free(text);
		return rc;
	}
	return run_cmd(av, cwd, out, true);
}

/* Make SUITE's private apt state; fetch its lists when absent or asked to. */
static int apt_prepare(const char *suite, bool update)
{
	static char done[16][64];
	char dir[PATH_MAX], path[PATH_MAX], *src;
	struct stat st;
	int rc;

	snprintf(dir, sizeof(dir), "%s/apt/%s", cache_dir(), suite);
	snprintf(path, sizeof(path), "%s/lists/partial", dir);
	if (mkdir_p(path))
		return -errno;
	snprintf(path, sizeof(path), "%s/cache/archives/partial", dir);
	if (mkdir_p(path))
		return -errno;
	snprintf(path, sizeof(path), "%s/updated.stamp", dir);
	if (!update && !stat(path, &st))
		return 0;
	for (int i = 0; i < 16 && done[i][0]; i++)
		if (!strcmp(done[i], suite))
			return 0; /* --update: once per suite per run */
	src = derived_sources(suite);
	if (!src) {
		fprintf(stderr, "blastradius: no Debian source in /etc/apt/sources.list* "
				"to derive a '%s' source from\n", suite);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/sources.list", dir);
	write_file(path, src, strlen(src));
	free(src);
	fprintf(stderr, "blastradius: apt-get update for %s (private state in %s)\n", suite, dir);
	rc = apt_run("apt-get", suite, NULL, NULL, (const char *[]){"update", NULL});
	if (rc) {
		fprintf(stderr, "blastradius: apt-get update for %s failed (exit %d)\n", suite, rc);
		return -EIO;
	}
	for (int i = 0; i < 16; i++)
		if (!done[i][0]) {
			snprintf(done[i], sizeof(done[i]), "%s", suite);
			break;
		}
	snprintf(path, sizeof(path), "%s/updated.stamp", dir);
	return write_file(path, "", 0);
}

/* ---- packages ---- */

static bool kernel_package(const char *name)
{
	/* linux-modules-* hold no image and are large; "linux-base" alone is a tool. */
	return !strncmp(name, "linux-image-", 12) || !strncmp(name, "linux-binary-", 13) ||
	       !strncmp(name, "linux-base-", 11);
}

/* PKG and the kernel packages it depends on, transitively (space-separated list). */
static int walk_depends(const char *suite, const char *pkg, char **list, int depth)
{
	char *out = NULL, *save = NULL;
	int rc;

	if (depth > 4)
		return 0;
	{
		char key[300];

		snprintf(key, sizeof(key), " %s ", pkg);
		if (strstr(*list, key))
			return 0;
		*list = realloc(*list, strlen(*list) + strlen(pkg) + 2);
		strcat(strcat(*list, pkg), " ");
	}
	rc = apt_run("apt-cache", suite, NULL, &out,
		     (const char *[]){"depends", "--no-recommends", "--no-suggests", "--no-conflicts",
				      "--no-breaks", "--no-replaces", "--no-enhances", pkg, NULL});
	if (rc) {
		free(out);
		fprintf(stderr, "blastradius: %s has no package '%s' (apt-cache depends: exit %d)\n",
			suite, pkg, rc);
		return -ENOENT;
	}
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char dep[256];

		/* "  Depends: x" only: "|Depends:" lines are alternatives (initramfs tools). */
		if ((sscanf(l, "  Depends: %255s", dep) == 1 || sscanf(l, "  PreDepends: %255s", dep) == 1) &&
		    kernel_package(dep) && (rc = walk_depends(suite, dep, list, depth + 1)))
			break;
	}
	free(out);
	return rc;
}

static char *deb_dir(void)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/debs", cache_dir());
	if (mkdir_p(dir))
		die("cannot create %s: %s", dir, strerror(errno));
	return dir;
}

/* Download the packages in LIST (space-separated) that are not cached; paths out. */
static int download(const char *suite, char *list, char ***debs, size_t *ndebs)
{
	const char *args[40] = {"--print-uris", "download"};
	char *out = NULL, *save = NULL, *dl[40], where[PATH_MAX];
	int n = 2, ndl = 0, rc;

	for (char *p = strtok_r(list, " ", &save); p && n < 38; p = strtok_r(NULL, " ", &save))
		args[n++] = p;
	args[n] = NULL;
	/* Not in deb_dir(): apt leaves out files already present in its cwd. */
	snprintf(where, sizeof(where), "%s/apt/%s", cache_dir(), suite);
	rc = apt_run("apt-get", suite, where, &out, args);
	if (rc) {
		fprintf(stderr, "blastradius: apt-get --print-uris download failed for %s\n", suite);
		free(out);
		return -EIO;
	}
	save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char file[512], path[PATH_MAX];

		if (sscanf(l, "'%*[^']' %511s", file) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", deb_dir(), file);
		*debs = realloc(*debs, (*ndebs + 1) * sizeof(**debs));
		(*debs)[(*ndebs)++] = strdup(path);
		if (access(path, F_OK) && ndl < 38)
			dl[ndl++] = strndup(file, strcspn(file, "_"));
	}
	free(out);
	if (ndl) {
		const char *a[42] = {"download"};

		for (int i = 0; i < ndl; i++)
			a[i + 1] = dl[i];
		a[ndl + 1] = NULL;
		fprintf(stderr, "blastradius: downloading %d package(s) from %s\n", ndl, suite);
		rc = apt_run("apt-get", suite, deb_dir(), NULL, a);
		for (int i = 0; i < ndl; i++)
			free(dl[i]);
		if (rc)
			return -EIO;
	}
	return 0;
}

/* ---- files inside .debs ---- */

/* Is package member M the WHAT ("vmlinuz", "config") of a kernel? Then its release goes to release. */
static bool member_kind(const char *m, const char *what, char *release)
{
	char pat[64];
	size_t wl = strlen(what);
	const char *b;

	/* ./boot/vmlinuz-<release>, or ./usr/lib/modules/<release>/vmlinuz (sid's split) */
	snprintf(pat, sizeof(pat), "./boot/%s-", what);
	if (!strncmp(m, pat, strlen(pat)) && !strchr(m + strlen(pat), '/')) {
		snprintf(release, 128, "%s", m + strlen(pat));
		return true;
	}
	b = strrchr(m, '/');
	if (!strncmp(m, "./usr/lib/modules/", 18) && b && !strcmp(b + 1, what) &&
	    strlen(b + 1) == wl && b > m + 18 && !memchr(m + 18, '/', b - m - 18)) {
		snprintf(release, 128, "%.*s", (int)(b - m - 18), m + 18);
		return true;
	}
	return false;
}

static int extract_member(const char *deb, const char *member, const char *dest)
{
	char cmd[] = "dpkg-deb --fsys-tarfile \"$1\" | tar -xO \"$2\" > \"$3.$$\" && mv \"$3.$$\" \"$3\"";
	char *av[] = {"sh", "-c", cmd, "sh", (char *)deb, (char *)member, (char *)dest, NULL};

	return run_cmd(av, NULL, NULL, false) ? -EIO : 0;
}

/* <cache>/kernels/<release> into out (PATH_MAX). */
static void kdir(const char *release, char *out)
{
	snprintf(out, PATH_MAX, "%s/kernels/%s", cache_dir(), release);
}

/* Pull vmlinuz and config out of DEBS into the release's cache dir. */
static int unpack_debs(char **debs, size_t n, struct kernel *k)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	bool have_image = false;

	k->release[0] = 0;
	for (size_t i = 0; i < n; i++) {
		char *list = NULL, *save = NULL;
		char *tav[] = {"sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", debs[i], NULL};

		if (run_cmd(tav, NULL, &list, false)) {
			fprintf(stderr, "blastradius: cannot read %s\n", debs[i]);
			free(list);
			return -EIO;
		}
		for (char *m = strtok_r(list, "\n", &save); m; m = strtok_r(NULL, "\n", &save)) {
			char rel[128];
			const char *what = NULL;

			if (member_kind(m, "vmlinuz", rel))
				what = "vmlinuz";
			else if (member_kind(m, "config", rel))
				what = "config";
			if (!what)
				continue;
			if (k->release[0] && strcmp(k->release, rel))
				continue; /* another release in the same set: keep the first */
			if (name_problem(rel)) {
				fprintf(stderr, "blastradius: %s: release '%s' %s\n", debs[i], rel, name_problem(rel));
				free(list);
				return -EINVAL;
			}
			snprintf(k->release, sizeof(k->release), "%s", rel);
			kdir(rel, dir);
			mkdir_p(dir);
			snprintf(path, sizeof(path), "%s/%s", dir, what);
			if (extract_member(debs[i], m, path)) {
				free(list);
				return -EIO;
			}
			if (!strcmp(what, "vmlinuz"))
				have_image = true;
		}
		free(list);
	}
	if (!have_image) {
		fprintf(stderr, "blastradius: no vmlinuz in the package(s) (%s...)\n", n ? debs[0] : "none");
		return -ENOENT;
	}
	return 0;
}

/* ---- the image: bzImage header, PVH vmlinux ---- */

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Does this ELF vmlinux carry a PVH entry (Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY)? */
static bool elf_has_pvh(const unsigned char *e, size_t len)
{
	uint64_t phoff;
	unsigned phent, phnum;

	if (len < 64 || memcmp(e, "\177ELF\2\1", 6))
		return false;
	phoff = le64(e + 0x20), phent = e[0x36] | e[0x37] << 8, phnum = e[0x38] | e[0x39] << 8;
	for (unsigned i = 0; i < phnum && phoff + (uint64_t)(i + 1) * phent <= len; i++) {
		const unsigned char *ph = e + phoff + (uint64_t)i * phent;
		uint64_t off = le64(ph + 8), sz = le64(ph + 0x20);

		if (le32(ph) != 4 /* PT_NOTE */ || off + sz > len)
			continue;
		for (uint64_t p = off; p + 12 <= off + sz;) {
			uint32_t nsz = le32(e + p), dsz = le32(e + p + 4), type = le32(e + p + 8);

			if (type == 18 && nsz == 4 && !memcmp(e + p + 12, "Xen", 4))
				return true;
			p += 12 + ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u);
		}
	}
	return false;
}

/* The release string a bzImage carries (header kernel_version), or "". */
/*
 * The release of a bzImage (boot protocol, Documentation/arch/x86/boot.rst), or
 * NULL with *why set: boot flag 0xAA55, "HdrS", protocol >= 2.08 (payload
 * fields), a setup and a payload that lie inside the file, and a version
 * string inside the setup whose first word is a sane name (it becomes a path).
 */
static const char *bzimage_release(const unsigned char *b, size_t len, char *out, size_t outlen,
				   const char **why)
{
	size_t setup, voff, plen, poff, vl;
	const char *bad;

	out[0] = 0;
	*why = "no bzImage header (boot flag, HdrS)";
	if (len < 0x268 || b[0x1fe] != 0x55 || b[0x1ff] != 0xaa || memcmp(b + 0x202, "HdrS", 4))
		return NULL;
	*why = "boot protocol older than 2.08";
	if ((b[0x206] | b[0x207] << 8) < 0x0208)
		return NULL;
	setup = ((size_t)(b[0x1f1] ? b[0x1f1] : 4) + 1) * 512;
	voff = (size_t)(b[0x20e] | b[0x20f] << 8) + 0x200;
	poff = setup + le32(b + 0x248), plen = le32(b + 0x24c);
	*why = "setup or payload outside the file (truncated?)";
	if (setup >= len || !le32(b + 0x1f4) || setup + (size_t)le32(b + 0x1f4) * 16 > len || !plen ||
	    poff + plen > len)
		return NULL;
	*why = "no version string in the setup";
	if (voff < 0x200 || voff >= setup)
		return NULL;
	vl = strcspn((const char *)b + voff, " ");
	if (!memchr(b + voff, 0, setup - voff) || !vl || vl >= outlen)
		return NULL;
	snprintf(out, outlen, "%.*s", (int)vl, (const char *)b + voff);
	out[strcspn(out, "\n")] = 0;
	if ((bad = name_problem(out))) {
		*why = "its version string is not a sane release name";
		out[0] = 0;
		return NULL;
	}
	return out;
}

/*
 * Decompress the bzImage payload into DIR/vmlinux when it has a PVH entry
 * (-machine microvm boots it directly, the fastest path under TCG).
 */
static void make_vmlinux(const char *image, const char *dir, char *vmlinux)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *cmd;
	} fmts[] = {
		{"\x1f\x8b", 2, "gzip -dc"},	{"\xfd" "7zXZ", 5, "xz -dc --single-stream"},
		{"\x02\x21\x4c\x18", 4, "lz4 -dc"}, {"\x28\xb5\x2f\xfd", 4, "zstd -dcq"},
		{"BZh", 3, "bzip2 -dc"},	{"\x5d\x00\x00", 3, "xz --format=lzma -dc"},
		{"\x89LZO", 4, "lzop -dc"},
	};
	size_t len, elen = 0;
	unsigned char *b, *elf;
	char out[PATH_MAX], pay[PATH_MAX], tmp[PATH_MAX], cmd[256];

	vmlinux[0] = 0;
	snprintf(out, sizeof(out), "%s/vmlinux", dir);
	snprintf(pay, sizeof(pay), "%s/vmlinux.nopvh", dir);
	if (!access(out, R_OK)) {
		snprintf(vmlinux, PATH_MAX, "%s", out);
		return;
	}
	if (!access(pay, F_OK))
		return; /* looked before: no PVH entry */
	b = (unsigned char *)br_read_regular(image, BR_MAX_IMAGE, &len, NULL, 0);
	if (!b || len < 0x300 || memcmp(b + 0x202, "HdrS", 4))
		goto out_free;
	{
		size_t setup = (b[0x1f1] ? b[0x1f1] : 4) + 1;
		size_t off = setup * 512 + le32(b + 0x248), plen = le32(b + 0x24c);
		const char *dc = NULL;

		if (off + plen > len)
			goto out_free;
		for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
			if (plen > fmts[i].len && !memcmp(b + off, fmts[i].magic, fmts[i].len))
				dc = fmts[i].cmd;
		if (!dc)
			goto out_free;
		/* Private names, renamed into place: concurrent runs share the cache. */
		snprintf(pay, sizeof(pay), "%s/payload.%d", dir, (int)getpid());
		snprintf(tmp, sizeof(tmp), "%s/vmlinux.%d", dir, (int)getpid());
		write_file(pay, (char *)b + off, plen);
		/* The payload ends in the 4-byte decompressed size, which some tools call
		 * trailing garbage: judge the result by its ELF header, not the exit code. */
		snprintf(cmd, sizeof(cmd), "command -v %.*s >/dev/null || exit 127; %s < \"$1\" > \"$2\" 2>/dev/null; true",
			 (int)strcspn(dc, " "), dc, dc);
		if (run_cmd((char *[]){"sh", "-c", cmd, "sh", pay, tmp, NULL}, NULL, NULL, true) == 127) {
			/* Not cached as "no PVH": the next fetch with the tool installed gets it. */
			fprintf(stderr, "blastradius: no '%.*s' to unpack %s for the faster microvm boot "
					"(make matrix-deps installs it); it boots on -machine pc\n",
				(int)strcspn(dc, " "), dc, image);
			unlink(pay);
			goto out_free;
		}
		unlink(pay);
	}
	elf = (unsigned char *)br_read_regular(tmp, BR_MAX_IMAGE, &elen, NULL, 0);
	if (elf && elf_has_pvh(elf, elen) && !rename(tmp, out)) {
		snprintf(vmlinux, PATH_MAX, "%s", out);
	} else {
		unlink(tmp);
		snprintf(pay, sizeof(pay), "%s/vmlinux.nopvh", dir);
		write_file(pay, "", 0); /* remember: boot the bzImage on -machine pc */
	}
	free(elf);
out_free:
	free(b);
}

/* ---- resolving a spec ---- */

static void finish(struct kernel *k, const char *name, const char *dir)
{
	char path[PATH_MAX + 16];
	json_object *j = json_object_new_object();

	snprintf(k->name, sizeof(k->name), "%s", name);
	snprintf(path, sizeof(path), "%s/config", dir);
	if (!k->config[0] && !access(path, R_OK))
		snprintf(k->config, sizeof(k->config), "%s", path);
	if (!k->vmlinux[0])
		make_vmlinux(k->image, dir, k->vmlinux);
	json_object_object_add(j, "release", json_object_new_string(k->release));
	json_object_object_add(j, "source", json_object_new_string(k->source));
	json_object_object_add(j, "image", json_object_new_string(k->image));
	json_object_object_add(j, "vmlinux", json_object_new_string(k->vmlinux));
	json_object_object_add(j, "config", json_object_new_string(k->config));
	snprintf(path, sizeof(path), "%s/kernel.json", dir);
	json_write_file(path, j);
	json_object_put(j);
}

/* A release already in the cache: fill k from its kernel.json. */
static bool from_cache(const char *release, struct kernel *k)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], err[PATH_MAX + 80];
	json_object *j, *v;

	kdir(release, dir);
	snprintf(path, sizeof(path), "%s/kernel.json", dir);
	j = json_read_object(path, err, sizeof(err));
	if (!j)
		return false;
#define GET(f)                                                                                     \
	if (json_object_object_get_ex(j, #f, &v))                                                  \
		snprintf(k->f, sizeof(k->f), "%s", json_object_get_string(v));
	GET(release) GET(source) GET(image) GET(vmlinux) GET(config)
#undef GET
	json_object_put(j);
	if (!k->vmlinux[0] && k->image[0])
		make_vmlinux(k->image, dir, k->vmlinux); /* a decompressor may have arrived since */
	return k->image[0] && !access(k->image, R_OK);
}

/* <cache>/kernels/<name>.ref: which release an alias or package spec resolved to. */
static void ref_path(const char *name, char *out)
{
	char safe[256];

	snprintf(safe, sizeof(safe), "%s", name);
	for (char *p = safe; *p; p++)
		if (*p == '/')
			*p = '_';
	snprintf(out, PATH_MAX, "%s/kernels/%s.ref", cache_dir(), safe);
}

static int from_debs(char **debs, size_t n, const char *name, const char *source, struct kernel *k)
{
	char dir[PATH_MAX];
	int rc = unpack_debs(debs, n, k);

	if (rc)
		return rc;
	kdir(k->release, dir);
	snprintf(k->image, sizeof(k->image), "%s/vmlinuz", dir);
	snprintf(k->source, sizeof(k->source), "%s", source);
	finish(k, name, dir);
	return 0;
}

static int from_apt(const char *name, const char *suite, const char *pkg, bool fetch, bool update,
		    struct kernel *k)
{
	char ref[PATH_MAX], *rel, *list = strdup(" "), **debs = NULL, source[512];
	size_t ndebs = 0;
	int rc;

	ref_path(name, ref);
	rel = br_read_regular(ref, BR_MAX_TEXT, NULL, NULL, 0);
	if (!update && rel && !name_problem(rel) && from_cache(rel, k)) {
		snprintf(k->name, sizeof(k->name), "%s", name);
		free(rel), free(list);
		return 0;
	}
	free(rel);
	if (!fetch) {
		free(list);
		return -ENOENT;
	}
	rc = apt_prepare(suite, update);
	if (!rc)
		rc = walk_depends(suite, pkg, &list, 0);
	if (!rc)
		rc = download(suite, list, &debs, &ndebs);
	snprintf(source, sizeof(source), "%s %s", suite, pkg);
	if (!rc) {
		/* The deb file names carry the versions: name them in the source. */
		for (size_t i = 0; i < ndebs; i++) {
			const char *b = strrchr(debs[i], '/') + 1;

			if (strlen(source) + strlen(b) + 2 < sizeof(source))
				strcat(strcat(source, " "), b);
		}
		rc = from_debs(debs, ndebs, name, source, k);
	}
	if (!rc)
		write_file(ref, k->release, strlen(k->release));
	for (size_t i = 0; i < ndebs; i++)
		free(debs[i]);
	free(debs);
	free(list);
	return rc;
}

static int from_image(const char *path, struct kernel *k)
{
	size_t len;
	char dir[PATH_MAX], cfg[PATH_MAX + 160], real[PATH_MAX], err[PATH_MAX + 80];
	unsigned char *b = (unsigned char *)br_read_regular(path, BR_MAX_IMAGE, &len, err, sizeof(err));
	const char *why;

	if (!b) {
		fprintf(stderr, "blastradius: %s\n", err);
		return -errno;
	}
	if (!bzimage_release(b, len, k->release, sizeof(k->release), &why)) {
		free(b);
		fprintf(stderr, "blastradius: %s is not a kernel image: %s\n", path, why);
		return -EINVAL;
	}
	free(b);
	if (!realpath(path, real))
		return -errno;
	snprintf(k->image, sizeof(k->image), "%s", real);
	snprintf(k->source, sizeof(k->source), "%s", real);
	/* The config next to it: config-<release> (a /boot layout), config (this cache's
	 * layout) or a build tree's .config (arch/x86/boot/bzImage). */
	*strrchr(real, '/') = 0;
	snprintf(cfg, sizeof(cfg), "%s/config-%s", real, k->release);
	if (access(cfg, R_OK))
		snprintf(cfg, sizeof(cfg), "%s/config", real);
	if (access(cfg, R_OK))
		snprintf(cfg, sizeof(cfg), "%s/../../../.config", real);
	if (!access(cfg, R_OK) && realpath(cfg, k->config) == NULL)
		k->config[0] = 0;
	/* Its own cache dir: a local build may share a Debian kernel's release string. */
	snprintf(real, sizeof(real), "local-%s", k->release);
	kdir(real, dir);
	mkdir_p(dir);
	finish(k, k->release, dir);
	return 0;
}

int kernel_resolve(const char *spec, bool fetch, bool update, struct kernel *k)
{
	const char *colon = strchr(spec, ':'), *own = own_codename();
	size_t sl = strlen(spec);
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (!strcmp(spec, "host")) {
		struct utsname u;
		char cfg[PATH_MAX];

		uname(&u);
		k->host = true;
		snprintf(k->name, sizeof(k->name), "host");
		snprintf(k->release, sizeof(k->release), "%s", u.release);
		snprintf(k->source, sizeof(k->source), "host");
		snprintf(cfg, sizeof(cfg), "/boot/config-%s", u.release);
		if (!access(cfg, R_OK)) {
			snprintf(k->config, sizeof(k->config), "%s", cfg);
		} else if (!access("/proc/config.gz", R_OK)) {
			/* CONFIG_IKCONFIG_PROC kernels carry their own config. */
			char dir[PATH_MAX], *text = NULL;

			snprintf(dir, sizeof(dir), "%s/kernels/host-%s", cache_dir(), u.release);
			snprintf(cfg, sizeof(cfg), "%s/config", dir);
			if (!mkdir_p(dir) && !run_cmd((char *[]){"gzip", "-dc", "/proc/config.gz", NULL}, NULL, &text, true) &&
			    !write_file(cfg, text, strlen(text)))
				snprintf(k->config, sizeof(k->config), "%s", cfg);
			free(text);
		}
		return 0;
	}
	for (int i = 0; kernel_aliases[i].name; i++)
		if (!strcmp(spec, kernel_aliases[i].name))
			return from_apt(spec, kernel_aliases[i].suite, kernel_aliases[i].package, fetch,
					update, k);
	if (!stat(spec, &st) && S_ISREG(st.st_mode)) {
		if (sl > 4 && !strcmp(spec + sl - 4, ".deb")) {
			char *debs[] = {(char *)spec};
			char real[PATH_MAX];

			if (!realpath(spec, real))
				return -errno;
			return from_debs(debs, 1, "", real, k) ?: (snprintf(k->name, sizeof(k->name), "%s",
									    k->release), 0);
		}
		return from_image(spec, k);
	}
	if (!name_problem(spec) && from_cache(spec, k)) {
		snprintf(k->name, sizeof(k->name), "%s", spec);
		return 0;
	}
	if (colon && !strchr(spec, '/')) {
		char suite[64];

		snprintf(suite, sizeof(suite), "%.*s", (int)(colon - spec), spec);
		return from_apt(spec, suite, colon + 1, fetch, update, k);
	}
	if (!strncmp(spec, "linux-", 6) && own[0])
		return from_apt(spec, own, spec, fetch, update, k);
	{
		const char *names[64] = {"host"};
		size_t n = 1;

		for (int i = 0; kernel_aliases[i].name && n < 64; i++)
			names[n++] = kernel_aliases[i].name;
		fprintf(stderr, "blastradius: unknown kernel '%s'%s (want an alias from 'blastradius kernels list', "
				"SUITE:PACKAGE, a package name, a .deb, a vmlinuz/bzImage, or host)\n",
			spec, did_you_mean(spec, names, n));
	}
	return -EINVAL;
}

char *kernel_config(const struct kernel *k, const char *opt)
{
	char *text, *p, *val = NULL, pat[128];
	size_t ol = strlen(opt);

	if (!k->config[0] || !(text = br_read_regular(k->config, BR_MAX_TEXT, NULL, NULL, 0)))
		return NULL;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, opt, ol) && p[ol] == '=') {
			val = strndup(p + ol + 1, strcspn(p + ol + 1, "\n"));
			break;
		}
		snprintf(pat, sizeof(pat), "# %s is not set", opt);
		if (!strncmp(p, pat, strlen(pat))) {
			val = strdup("n");
			break;
		}
	}
	free(text);
	return val;
}

json_object *kernel_facts(const struct kernel *k)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "kernel.release", json_object_new_string(k->release));
	json_object_object_add(f, "kernel.source", json_object_new_string(k->source));
	for (int i = 0; config_facts[i]; i++) {
		char *v = kernel_config(k, config_facts[i]), key[128];

		if (!v)
			continue;
		snprintf(key, sizeof(key), "kconfig.%s", config_facts[i]);
		if (v[0] == '"' && strlen(v) > 1)
			json_object_object_add(f, key, json_object_new_string_len(v + 1, (int)strlen(v) - 2));
		else
			json_object_object_add(f, key, json_object_new_string(v));
		free(v);
	}
	return f;
}

/* ---- the subcommand ---- */

static void usage_kernels(FILE *f)
{
	fprintf(f,
		"usage: blastradius kernels list\n"
		"       blastradius kernels fetch [--update] [--dry-run] [KERNEL...]\n\n"
		"Kernels for 'blastradius matrix', cached in %s.\n"
		"KERNEL is one of:\n"
		"  an alias below               a Debian kernel by package name, read through apt\n"
		"  SUITE:PACKAGE                e.g. sid:linux-image-amd64 (any Debian suite)\n"
		"  PACKAGE                      in this machine's suite\n"
		"  FILE.deb, vmlinuz, bzImage   a local kernel (its config is looked for next to it)\n"
		"  host                         the running kernel, run directly without a VM\n\n"
		"fetch downloads what is missing (default: the default kernels) and prints\n"
		"name, release and image; a second fetch downloads nothing. --update refreshes\n"
		"the private apt lists (derived from this machine's Debian sources) first;\n"
		"--dry-run only prints the names it would fetch. An unknown KERNEL is exit 2.\n\naliases:\n",
		cache_dir());
	for (int i = 0; kernel_aliases[i].name; i++)
		fprintf(f, "  %-20s %-20s %-24s %s%s\n", kernel_aliases[i].name, kernel_aliases[i].suite,
			kernel_aliases[i].package, kernel_aliases[i].note,
			kernel_aliases[i].is_default ? " (default)" : "");
}

static void print_kernel(const struct kernel *k)
{
	printf("%-20s %-32s %s%s\n", k->name, k->release, k->host ? "(runs directly)" : k->image,
	       k->vmlinux[0] ? " (+PVH vmlinux)" : "");
}

int cmd_kernels(int argc, char **argv)
{
	bool update = false;
	int rc = BR_EXIT_PASS;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_kernels(argc < 2 ? stderr : stdout);
		return argc < 2 ? BR_EXIT_USAGE : BR_EXIT_PASS;
	}
	if (!strcmp(argv[1], "list")) {
		struct kernel k;

		if (argc > 2)
			argv[2][0] == '-' ? bad_option(usage_kernels, "kernels list", argv[2])
					  : die_usage("kernels list: unexpected argument '%s'", argv[2]);

		printf("%-20s %-32s %s\n", "NAME", "RELEASE", "IMAGE (cached) / SOURCE");
		for (int i = 0; kernel_aliases[i].name; i++) {
			if (!kernel_resolve(kernel_aliases[i].name, false, false, &k))
				print_kernel(&k);
			else
				printf("%-20s %-32s %s %s (not fetched)\n", kernel_aliases[i].name, "-",
				       kernel_aliases[i].suite, kernel_aliases[i].package);
		}
		kernel_resolve("host", false, false, &k);
		print_kernel(&k);
		return BR_EXIT_PASS;
	}
	if (strcmp(argv[1], "fetch"))
		die_usage("kernels: unknown action '%s'%s (list or fetch)", argv[1],
			  argv[1][0] == '-' ? did_you_mean_option(usage_kernels, argv[1])
					    : did_you_mean(argv[1], (const char *[]){"list", "fetch"}, 2));
	{
		const char *specs[64];
		int n = 0;
		bool dry = false;

		for (int i = 2; i < argc; i++)
			if (!strcmp(argv[i], "--update"))
				update = true;
			else if (!strcmp(argv[i], "--dry-run"))
				dry = true;
			else if (argv[i][0] == '-' && argv[i][1])
				bad_option(usage_kernels, "kernels fetch", argv[i]);
			else if (n < 64)
				specs[n++] = argv[i];
		/* No KERNEL: all the default ones (the loop must not stop at the first). */
		for (int a = 0, none = !n; none && kernel_aliases[a].name; a++)
			if (kernel_aliases[a].is_default)
				specs[n++] = kernel_aliases[a].name;
		for (int i = 0; dry && i < n; i++) {
			struct kernel k; /* a name that is no kernel is refused here too */

			if (kernel_resolve(specs[i], false, false, &k) == -EINVAL)
				rc = BR_EXIT_USAGE;
			else
				printf("%s\n", specs[i]);
		}
		for (int i = 0; !dry && i < n; i++) {
			struct kernel k;
			int r = kernel_resolve(specs[i], true, update, &k);

			if (r == -EINVAL) /* not a kernel (a bad image, an unknown name): bad input */
				rc = BR_EXIT_USAGE;
			else if (r && rc != BR_EXIT_USAGE)
				rc = BR_EXIT_FAIL;
			else if (!r)
				print_kernel(&k);
		}
	}
	return rc;
}
