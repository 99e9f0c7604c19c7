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
/* "; did you mean 'X'?" (or ""), to append to an error: the nearest of cands,
 * or the nearest option (long or short) that the usage text names. */
const char *did_you_mean(const char *word, const char *const *cands, size_t n);
const char *did_you_mean_option(void (*usage)(FILE *f), const char *bad);
/* "blastradius: WHAT: unknown option 'BAD'; did you mean ...? (see --help)", exit 2:
 * for the commands that parse their arguments by hand. */
_Noreturn void bad_option(void (*usage)(FILE *f), const char *what, const char *bad);

/* Suite binaries, sorted; caller frees with free_strv(). */
char **suite_binaries(size_t *n);
void free_strv(char **v);
/* "ns.uts" from ".../suites/ns/uts". Static buffer. */
const char *suite_id(const char *bin);

/* Names that become paths (run ids, cells, kernels, releases, variants):
 * letters, digits and . _ - +, no leading dot, at most BR_NAME_MAX characters.
 * name_problem() says what is wrong (NULL: fine); name_check() exits 2 with it. */
#define BR_NAME_MAX 100
#define BR_STR_(x) #x
#define BR_STR(x) BR_STR_(x)
const char *name_problem(const char *s);
void name_check(const char *what, const char *s);
/* Results: a new run folder base/<id> (refused with exit 2 when it exists), made
 * as base/.<id>.tmp: returns that path, *final_out the one results_commit()
 * renames it to once everything is written. */
char *results_new_run(const char *base, const char *want_id, char **id_out, char **final_out);
void results_commit(const char *tmp, const char *final);
/* The folder or file being filled under a temporary name is removed when the
 * CLI exits before results_commit() (or tmp_guard(NULL)): nothing half-written stays. */
void tmp_guard(const char *path);
int rm_tree(const char *path);
int mkdir_p(const char *path);
/* Write a JSON object to path atomically (tmp + rename). 0 or -errno. */
int json_write_file(const char *path, struct json_object *obj);
char *iso_time_now(void);
/* The facts as one JSON object of strings; caller puts it. */
struct json_object *facts_json(const struct br_facts *f);
/* In a forked child before exec: SIGKILL when the CLI (pid parent) dies, so a
 * killed CLI leaves no suite, guest or command behind; _exit(127) if it is gone. */
void die_with_parent(pid_t parent);
/* Run argv (PATH search) in cwd (NULL: here). With out, stdout is captured into
 * *out (caller frees); quiet sends stderr (and uncaptured stdout) to /dev/null.
 * Returns the exit status, 128+signal, -errno when it could not start, or
 * -EFBIG (the command killed) when it wrote more than BR_MAX_RESULT bytes. */
int run_cmd(char *const argv[], const char *cwd, char **out, bool quiet);
/* One read(2) of fd onto the end of *buf (*len bytes, NUL-terminated, *cap
 * allocated), first growing *buf so that at least room bytes are free.
 * read's result; *buf stays the caller's to free. */
ssize_t read_more(int fd, char **buf, size_t *len, size_t *cap, size_t room);
/* A results file that must hold a JSON object (at most BR_MAX_RESULT bytes, a
 * regular file): the object, or NULL with err = "PATH: why". */
struct json_object *json_read_object(const char *path, char *err, size_t errsize);
/* Write len bytes to path atomically (tmp + rename). 0 or -errno (ENOSPC, ...). */
int write_file(const char *path, const char *data, size_t len);
/* A report written as PATH.tmp and renamed onto PATH by tmp_commit() (which
 * closes f) only when every byte got there: 0 or -errno, and no PATH.tmp left. */
FILE *tmp_open(const char *path);
int tmp_commit(FILE *f, const char *path);
long long mono_ms(void);

/* sha256 of a file as 64 hex digits. 0, or -1 (errno set). */
int sha256_file(const char *path, char hex[65]);

#endif
