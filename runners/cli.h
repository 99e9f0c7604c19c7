/* The blastradius CLI: one table of subcommands, one file each. */
#ifndef BR_CLI_H
#define BR_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct json_object;
struct br_facts;

struct br_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_facts(int argc, char **argv);
int cmd_sandbox(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_initramfs(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_seccomp(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_probes(int argc, char **argv);

/* Prints "blastradius: <msg>" and exits 2 (bad input) or 1 (failure). */
_Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt's 'h' (--help): usage to stdout, returns 0; any other option (a bad
 * one): usage to stderr, returns 2. The caller returns or exits with it. */
int help_or_usage(void (*usage)(FILE *f), int opt);
/* The subcommand's argv (main sets it), so help_or_usage can name the refused
 * option and suggest the nearest one in the usage text. */
extern char **cli_argv;
/* The candidate nearest to word (edit distance, or word is its prefix), or NULL
 * when none is close: for "did you mean". */
const char *nearest(const char *word, const char *const *cands, size_t n);

/* Suite binaries, sorted; caller frees with free_strv(). */
char **suite_binaries(size_t *n);
void free_strv(char **v);
/* "ns.uts" from ".../suites/ns/uts". Static buffer. */
const char *suite_id(const char *bin);

/* Results: make results/<run-id>/ (or opts' dir) and return its path. */
char *results_new_run(const char *base, const char *want_id, char **id_out);
int mkdir_p(const char *path);
/* Write a JSON object to path atomically (tmp + rename). 0 or -errno. */
int json_write_file(const char *path, struct json_object *obj);
char *iso_time_now(void);
/* The facts as one JSON object of strings; caller puts it. */
struct json_object *facts_json(const struct br_facts *f);
/* Run argv (PATH search) in cwd (NULL: here). With out, stdout is captured into
 * *out (caller frees); quiet sends stderr (and uncaptured stdout) to /dev/null.
 * Returns the exit status, 128+signal, or -errno when it could not start. */
int run_cmd(char *const argv[], const char *cwd, char **out, bool quiet);
/* One read(2) of fd onto the end of *buf (*len bytes, NUL-terminated, *cap
 * allocated), first growing *buf so that at least room bytes are free.
 * read's result; *buf stays the caller's to free. */
ssize_t read_more(int fd, char **buf, size_t *len, size_t *cap, size_t room);
/* Whole file, NUL-terminated (caller frees), or NULL with errno set. */
char *read_file(const char *path, size_t *len);
/* Write len bytes to path atomically (tmp + rename). 0 or -errno. */
int write_file(const char *path, const char *data, size_t len);
long long mono_ms(void);

/* sha256 of a file as 64 hex digits. 0, or -1 (errno set). */
int sha256_file(const char *path, char hex[65]);

#endif
