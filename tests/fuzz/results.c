/*
 * The results readers: report (with --check-baseline) and diff, on a run
 * folder made from the input. The input is files, each started by a line
 * "@@ PATH" (PATH under run/ or base/, e.g. run/run.json, run/host/cell.json,
 * run/host/ns.uts.ktap, base/bookworm-cloud.json); bytes before the first
 * such line are ignored, and so is a file whose PATH does not fit the rule.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fuzz.h"

/* run/ or base/, then up to two more parts of letters, digits, . _ - +, none
 * of them starting with a dot. */
static bool fair_path(const char *p, size_t len)
{
	int parts = 0;

	if (len > 128 || !((len > 4 && !strncmp(p, "run/", 4)) || (len > 5 && !strncmp(p, "base/", 5))))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i == 0 || p[i - 1] == '/') {
			if (p[i] == '.' || p[i] == '/' || ++parts > 3)
				return false;
		}
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+/", p[i]))
			return false;
	}
	return p[len - 1] != '/';
}

static void write_files(const char *dir, const char *s, size_t size)
{
	const char *end = s + size, *at = memmem(s, size, "@@ ", 3);

	while (at && (at == s || at[-1] == '\n')) {
		const char *name = at + 3, *nl = memchr(name, '\n', (size_t)(end - name));
		const char *body = nl ? nl + 1 : end;
		/* the next "\n@@ " ends this file */
		const char *next = memmem(body, (size_t)(end - body), "\n@@ ", 4);
		char path[160];

		if (nl && fair_path(name, (size_t)(nl - name))) {
			snprintf(path, sizeof(path), "%.*s", (int)(nl - name), name);
			fuzz_write(dir, path, body, next ? (size_t)(next - body) + 1 : (size_t)(end - body));
		}
		at = next ? next + 1 : NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	char run[PATH_MAX], base[PATH_MAX], out[PATH_MAX], cell[PATH_MAX];
	struct stat st;

	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(base, sizeof(base), "%s/base", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(cell, sizeof(cell), "%s/run/host", dir);
	write_files(dir, (const char *)data, size);
	mkdir(run, 0755);
	mkdir(base, 0755);
	{
		char *report[] = {"report", run, "-o", out, "--check-baseline", base, NULL};
		char *diff[] = {"diff", "--json", run, run, NULL};
		char *cells[] = {"diff", cell, cell, NULL};

		cmd_report(6, report);
		cmd_diff(4, diff);
		if (!stat(cell, &st) && S_ISDIR(st.st_mode))
			cmd_diff(3, cells);
	}
	return 0;
}
