/*
 * A comma-separated list of globs over "<suite>.<file>" names: what a variant's
 * cell runs (blastradius.suites=, cell.json suite_files). Header-only: the guest
 * init links libc alone.
 */
#ifndef BR_GLOBS_H
#define BR_GLOBS_H

#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether name matches one of globs; an empty list or "all" matches every name. */
static inline bool globs_match(const char *globs, const char *name)
{
	char list[512], *save;

	if (!*globs || !strcmp(globs, "all"))
		return true;
	snprintf(list, sizeof(list), "%s", globs);
	for (char *g = strtok_r(list, ",", &save); g; g = strtok_r(NULL, ",", &save))
		if (!fnmatch(g, name, 0))
			return true;
	return false;
}

#endif
