/*
 * `blastradius initramfs`: the guest's initramfs, a newc cpio written here so
 * that it holds /dev/console (char 5,1; without it PID 1 has no stdout) with no
 * root or mknod needed, and is reproducible: sorted entries, inode numbers in
 * order, owner root, mtime $SOURCE_DATE_EPOCH (default 0). The suite files
 * are hard links of one multi-call binary (runners/guest/suites.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "proc.h"

struct cpio {
	FILE *f;
	unsigned ino;
	unsigned long mtime;
	size_t off;
};

static void pad4(struct cpio *c)
{
	while (c->off % 4)
		fputc(0, c->f), c->off++;
}

/* One header, name and data; ino 0 takes the next inode number, nlink 0 the
 * usual count (2 for a directory, else 1). */
static void entry_at(struct cpio *c, const char *name, unsigned ino, unsigned nlink, unsigned mode,
		     unsigned rmaj, unsigned rmin, const char *data, size_t len)
{
	size_t nl = strlen(name) + 1;

	c->off += fprintf(c->f, "070701%08X%08X%08X%08X%08X%08lX%08zX%08X%08X%08X%08X%08zX%08X",
			  ino ? ino : c->ino++, mode, 0, 0, nlink ? nlink : S_ISDIR(mode) ? 2 : 1,
			  c->mtime, len, 0, 0, rmaj, rmin, nl, 0);
	fwrite(name, 1, nl, c->f);
	c->off += nl;
	pad4(c);
	if (len) {
		fwrite(data, 1, len, c->f);
		c->off += len;
		pad4(c);
	}
}

static void entry(struct cpio *c, const char *name, unsigned mode, unsigned rmaj, unsigned rmin,
		  const char *data, size_t len)
{
	entry_at(c, name, 0, 0, mode, rmaj, rmin, data, len);
}

static char *read_file(const char *path, size_t *len)
{
	char *data = br_read_regular(path, BR_MAX_IMAGE, len, NULL, 0);

	if (!data)
		die("initramfs: cannot read %s: %s", path, strerror(errno));
	return data;
}

static void usage_initramfs(FILE *f)
{
	fprintf(f, "usage: blastradius initramfs -o FILE [--init FILE] [--suites FILE]\n\n"
		   "Writes the matrix guest's initramfs (newc cpio, reproducible): /init (the\n"
		   "static guest init, default <build>/guest/init), /dev/console and, for every\n"
		   "suite binary <suite>/<file> of the suites directory, /suites/<suite>/<file>:\n"
		   "hard links of one multi-call binary (--suites FILE, default\n"
		   "<build>/guest/blastradius-suites). 'make' builds it as build/initramfs.cpio.\n");
}

int cmd_initramfs(int argc, char **argv)
{
	static const struct option lo[] = {
		{"init", required_argument, 0, 'i'}, {"suites", required_argument, 0, 's'},
		{"help", no_argument, 0, 'h'}, {0},
	};
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
				     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
	static const char group[] = "root:x:0:\nnogroup:x:65534:\n";
	const char *out = NULL, *sde = getenv("SOURCE_DATE_EPOCH");
	char init[PATH_MAX], multi[PATH_MAX], tmp[PATH_MAX + 8], last[256] = "";
	struct cpio c = {.ino = 300000, .mtime = sde ? strtoul(sde, NULL, 10) : 0};
	size_t n, ilen, mlen;
	char **bins, *idata, *mdata;
	unsigned mino;
	int opt, ret;

	init[0] = multi[0] = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'i')
			snprintf(init, sizeof(init), "%s", optarg);
		else if (opt == 's')
			snprintf(multi, sizeof(multi), "%s", optarg);
		else
			return help_or_usage(usage_initramfs, opt);
	}
	if (!out)
		die_usage("initramfs: -o FILE is required");
	if (!init[0] || !multi[0]) {
		char exe[PATH_MAX];
		ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 32);

		if (l < 0)
			die("initramfs: /proc/self/exe: %s", strerror(errno));
		exe[l] = 0;
		*strrchr(exe, '/') = 0;
		if (!init[0])
			snprintf(init, sizeof(init), "%s/guest/init", exe);
		if (!multi[0])
			snprintf(multi, sizeof(multi), "%s/guest/blastradius-suites", exe);
	}
	bins = suite_binaries(&n);
	/* Read before the .tmp exists: a missing input leaves nothing behind. */
	idata = read_file(init, &ilen);
	mdata = read_file(multi, &mlen);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	if (!(c.f = tmp_open(out)))
		die("initramfs: cannot write %s: %s", tmp, strerror(errno));
	tmp_guard(tmp); /* a failed write leaves no .tmp */
	/* Sorted paths, so parents come before children. The usual top-level dirs
	 * of a merged-/usr Debian exist because suites mount on /mnt, look at /etc
	 * and /var/tmp, and sandbox profiles bind /usr, /bin, /lib, /etc/ld.so.cache. */
	entry(&c, "bin", S_IFLNK | 0777, 0, 0, "usr/bin", 7);
	entry(&c, "dev", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	entry(&c, "etc", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "etc/group", S_IFREG | 0644, 0, 0, group, strlen(group));
	entry(&c, "etc/hostname", S_IFREG | 0644, 0, 0, "blastradius\n", 12);
	entry(&c, "etc/ld.so.cache", S_IFREG | 0644, 0, 0, NULL, 0); /* static binaries: empty */
	entry(&c, "etc/passwd", S_IFREG | 0644, 0, 0, passwd, strlen(passwd));
	entry(&c, "home", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "init", S_IFREG | 0755, 0, 0, idata, ilen);
	entry(&c, "lib", S_IFLNK | 0777, 0, 0, "usr/lib", 7);
	entry(&c, "lib64", S_IFLNK | 0777, 0, 0, "usr/lib64", 9);
	entry(&c, "mnt", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "opt", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "proc", S_IFDIR | 0555, 0, 0, NULL, 0);
	entry(&c, "root", S_IFDIR | 0700, 0, 0, NULL, 0);
	entry(&c, "run", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "sbin", S_IFLNK | 0777, 0, 0, "usr/sbin", 8);
	entry(&c, "srv", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "suites", S_IFDIR | 0755, 0, 0, NULL, 0);
	/* The suite files: n names of one inode, its data with the last (as GNU
	 * cpio writes hard links; the kernel links each name to the first). */
	mino = c.ino++;
	for (size_t i = 0; i < n; i++) {
		char name[PATH_MAX], suite[256];
		const char *id = suite_id(bins[i]);

		snprintf(suite, sizeof(suite), "%.*s", (int)strcspn(id, "."), id);
		if (strcmp(suite, last)) {
			snprintf(name, sizeof(name), "suites/%s", suite);
			entry(&c, name, S_IFDIR | 0755, 0, 0, NULL, 0);
			snprintf(last, sizeof(last), "%s", suite);
		}
		snprintf(name, sizeof(name), "suites/%s/%s", suite, id + strlen(suite) + 1);
		entry_at(&c, name, mino, (unsigned)n, S_IFREG | 0755, 0, 0, i + 1 == n ? mdata : NULL,
			 i + 1 == n ? mlen : 0);
	}
	entry(&c, "sys", S_IFDIR | 0555, 0, 0, NULL, 0);
	entry(&c, "tmp", S_IFDIR | 01777, 0, 0, NULL, 0);
	entry(&c, "usr", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "usr/bin", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "usr/lib", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "usr/lib64", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "usr/sbin", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "var", S_IFDIR | 0755, 0, 0, NULL, 0);
	entry(&c, "var/tmp", S_IFDIR | 01777, 0, 0, NULL, 0);
	entry(&c, "TRAILER!!!", 0, 0, 0, NULL, 0);
	if ((ret = tmp_commit(c.f, out)))
		die("initramfs: cannot write %s: %s", out, strerror(-ret));
	tmp_guard(NULL);
	free_strv(bins);
	free(idata);
	free(mdata);
	return BR_EXIT_PASS;
}
