/*
 * The guest's suites as one static binary (README "Architecture"): every
 * suite file's object with its main renamed br_main_<suite>_<file> (objcopy,
 * Makefile), chosen here by argv[0]'s last two components: the initramfs
 * links it as /suites/<suite>/<file>. A re-exec that names it otherwise
 * (/proc/self/exe, a copy in a scratch directory) finds its file in
 * $BR_SUITE_FILE, which is set here for every process the file starts.
 * An argv[0] naming no file runs nothing: exit 127.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* suites.h, made by the Makefile: BR_SUITE_FILE(suite, file, links_probe) a line. */
#define BR_SUITE_FILE(s, f, probe) int br_main_##s##_##f(int argc, char **argv);
#include "suites.h"
#undef BR_SUITE_FILE

static const struct suite_file {
	const char *name; /* "<suite>/<file>" */
	int (*main)(int argc, char **argv);
	bool probe; /* its own binary links lib/probe */
} files[] = {
#define BR_SUITE_FILE(s, f, probe) {#s "/" #f, br_main_##s##_##f, probe},
#include "suites.h"
#undef BR_SUITE_FILE
};

static const struct suite_file *by_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

/* "<suite>/<file>" of a path: its last two components. */
static const char *last_two(const char *path)
{
	const char *p = path + strlen(path);
	int slashes = 0;

	while (p > path && !(p[-1] == '/' && ++slashes == 2))
		p--;
	return p;
}

int main(int argc, char **argv)
{
	const char *env = getenv("BR_SUITE_FILE");
	const struct suite_file *f = argc > 0 ? by_name(last_two(argv[0])) : NULL;

	if (!f)
		f = by_name(env);
	if (!f) {
		fprintf(stderr, "%s: names no suite file: run it as .../<suite>/<file>, or with "
				"BR_SUITE_FILE=<suite>/<file>\n", argc > 0 ? argv[0] : "blastradius-suites");
		return 127;
	}
	if ((!env || strcmp(env, f->name)) && setenv("BR_SUITE_FILE", f->name, 1)) {
		perror("setenv BR_SUITE_FILE");
		return 127;
	}
	br_links_probe = f->probe;
	return f->main(argc, argv);
}
