/* Kernels for the matrix: Debian packages by name, local images, the host. */
#ifndef BR_KERNELS_H
#define BR_KERNELS_H

#include <limits.h>
#include <stdbool.h>

struct json_object;

struct kernel {
	char name[128];      /* what cells are called: an alias, a release, or "host" */
	char release[128];   /* the kernel's uname -r */
	char image[PATH_MAX];   /* bzImage (vmlinuz); "" for the host */
	char vmlinux[PATH_MAX]; /* uncompressed ELF with a PVH entry, or "" */
	char config[PATH_MAX];  /* its .config, or "" when unknown */
	char source[512];    /* "bookworm linux-image-... 6.1.192-2", a path, or "host" */
	bool host;
};

/* A named Debian kernel: alias -> suite + package (read through apt). */
struct kernel_alias {
	const char *name, *suite, *package, *note;
	bool is_default;
};
extern const struct kernel_alias kernel_aliases[];

/*
 * Resolve SPEC: an alias, [SUITE:]PACKAGE, a .deb, a vmlinuz/bzImage path, a
 * release already in the cache, or "host". With fetch, downloads what is
 * missing (never twice); with update, refreshes the private apt lists first.
 * Returns 0, or -errno after printing why on stderr.
 */
int kernel_resolve(const char *spec, bool fetch, bool update, struct kernel *k);
/* CONFIG_opt's value in k's config: "y", "m", a string with its quotes, or "n"
 * for "is not set". NULL when the config is unknown or lacks the option. Caller frees. */
char *kernel_config(const struct kernel *k, const char *opt);
/* Facts for a kernel: kernel.release, kernel.source and the relevant
 * kconfig.CONFIG_* values. Caller puts the object. */
struct json_object *kernel_facts(const struct kernel *k);
/* $XDG_CACHE_HOME/blastradius (or ~/.cache/blastradius), created. Static buffer. */
const char *cache_dir(void);

#endif
