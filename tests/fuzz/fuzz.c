/* Helpers for the harnesses in tests/fuzz/ (see fuzz.h). */
#include "fuzz.h"

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

static char scratch[PATH_MAX];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void rm_scratch(void)
{
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(scratch);
}

const char *fuzz_scratch(void)
{
	if (!scratch[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(scratch, sizeof(scratch), "%s/br-fuzz.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(scratch))
			abort();
		atexit(rm_scratch);
	}
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return scratch;
}

int fuzz_write(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t l = (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (l >= sizeof(path))
		return -1;
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0755);
		*p = '/';
	}
	if (!(f = fopen(path, "we")))
		return -1;
	fwrite(data, 1, len, f);
	return fclose(f) ? -1 : 0;
}
