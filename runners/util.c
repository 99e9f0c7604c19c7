/* Shared CLI plumbing: errors, suite discovery, result directories, JSON files. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "proc.h"

static _Noreturn void vdie(int code, const char *fmt, va_list ap)
{
	fputs("blastradius: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	exit(code);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(BR_EXIT_USAGE, fmt, ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(BR_EXIT_FAIL, fmt, ap);
}

char **cli_argv;

/* Edit distance, for "did you mean": insertions, deletions, substitutions and
 * swaps of two neighbours ("--quite" is one from --quiet, two from --suite). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[64][64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		for (size_t j = 0; j <= lb; j++) {
			size_t best;

			if (!i || !j) {
				d[i][j] = i + j;
				continue;
			}
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

static char first_letter(const char *s)
{
	return s[strspn(s, "-")];
}

const char *nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bd = (size_t)-1, limit = strlen(word + strspn(word, "-")) / 3 + 1;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]);

		/* a prefix counts as near too: "--fail" for "--failures" */
		if (!strncmp(cands[i], word, strlen(word)) && strlen(word) > 3)
			d = 1;
		/* a tie goes to the one with the same first letter: --quite is --quiet */
		if (d < bd || (d == bd && best && first_letter(cands[i]) == first_letter(word) &&
			       first_letter(best) != first_letter(word)))
			bd = d, best = cands[i];
	}
	return bd <= limit ? best : NULL;
}

/* "; did you mean 'X'?" for the candidate nearest to word, else "". Static. */
const char *did_you_mean(const char *word, const char *const *cands, size_t n)
{
	static char buf[160];
	const char *near = nearest(word, cands, n);

	buf[0] = 0;
	if (near && strcmp(near, word))
		snprintf(buf, sizeof(buf), "; did you mean '%s'?", near);
	return buf;
}

/* The options a usage text names: --long words, then -x letters. */
static size_t usage_options(void (*usage)(FILE *f), const char **words, size_t max)
{
	char *text = NULL, *p;
	size_t len = 0, n = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return 0;
	usage(m);
	fclose(m);
	if ((words[n] = strdup("--help"))) /* every command takes it, said or not */
		n++;
	for (p = text; p && *p && n < max; p++) {
		size_t l;

		if (p[0] != '-' || (p > text && !strchr(" [(|,\n", p[-1])))
			continue;
		if (p[1] == '-') {
			l = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
			if (l > 3 && (words[n] = strndup(p, l)))
				n++;
			p += l - 1;
		} else if (isalpha((unsigned char)p[1]) && strchr(" ]|,=\n", p[2]) && (words[n] = strndup(p, 2))) {
			n++;
		}
	}
	free(text);
	return n;
}

/* A near option of the usage for bad: "--failrues" -> --failures, "-failures"
 * -> --failures (one dash, four letters or more), "-J" -> -j (case), "-k" -> --kernels (the one long
 * option with that letter). "" when bad is an option of the usage (then getopt
 * refused its missing argument) or nothing is near. Static. */
const char *did_you_mean_option(void (*usage)(FILE *f), const char *bad)
{
	static char buf[160];
	const char *words[256], *longs[256], *hit = NULL;
	char word[64];
	size_t n = usage_options(usage, words, 256), nl = 0, first = 0;

	buf[0] = 0;
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(bad, "="), bad);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(words[i], word))
			goto out; /* known: its argument is what is missing */
		if (words[i][1] == '-')
			longs[nl++] = words[i];
	}
	if (word[0] == '-' && word[1] == '-') {
		hit = nearest(word, longs, nl);
	} else if (word[0] == '-' && strlen(word) > 4) {
		char two[66];

		snprintf(two, sizeof(two), "-%s", word);
		hit = nearest(two, longs, nl);
	} else if (word[0] == '-' && word[1]) {
		char sw[3] = {'-', (char)(islower((unsigned char)word[1]) ? toupper((unsigned char)word[1])
									  : tolower((unsigned char)word[1])), 0};

		for (size_t i = 0; i < n && !hit; i++)
			if (!strcmp(words[i], sw))
				hit = words[i];
		for (size_t i = 0; i < nl && !hit; i++)
			if (longs[i][2] == word[1] && !first++)
				hit = longs[i];
		if (first > 1)
			hit = NULL;
	}
	if (hit)
		snprintf(buf, sizeof(buf), "; did you mean '%s'?", hit);
out:
	while (n)
		free((char *)words[--n]);
	return buf;
}

_Noreturn void bad_option(void (*usage)(FILE *f), const char *what, const char *bad)
{
	die_usage("%s: unknown option '%s'%s (see --help)", what, bad, did_you_mean_option(usage, bad));
}

/* The option getopt just refused: a long one is argv[optind - 1]; a letter is
 * optopt, inside a cluster that may not be finished yet ("-failures"). */
static void suggest_option(void (*usage)(FILE *f))
{
	const char *bad = cli_argv && optind > 1 ? cli_argv[optind - 1] : NULL, *hint;
	char letter[3] = {'-', (char)optopt, 0};

	if (optopt && (!bad || bad[0] != '-' || bad[1] == '-' || bad[strlen(bad) - 1] != optopt)) {
		const char *cur = cli_argv ? cli_argv[optind] : NULL;

		bad = cur && cur[0] == '-' && cur[1] != '-' && strchr(cur + 1, optopt) ? cur : NULL;
	}
	if (!bad || bad[0] != '-')
		return;
	/* a single-dash word may be a long option typed with one dash; else the letter */
	hint = did_you_mean_option(usage, bad[1] != '-' && strlen(bad) > 4 ? bad : optopt ? letter : bad);
	if (!*hint && bad[1] != '-' && strlen(bad) > 4 && optopt)
		hint = did_you_mean_option(usage, letter);
	if (*hint)
		fprintf(stderr, "blastradius: %s\n", hint + 2);
}

int help_or_usage(void (*usage)(FILE *f), int opt)
{
	if (opt != 'h')
		suggest_option(usage);
	usage(opt == 'h' ? stdout : stderr);
	return opt == 'h' ? BR_EXIT_PASS : BR_EXIT_USAGE;
}

void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* $BR_SUITES_DIR, else <exe dir>/suites (build tree), else ../libexec (installed). */
static const char *suites_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;
	struct stat st;

	if (getenv("BR_SUITES_DIR") && *getenv("BR_SUITES_DIR"))
		return getenv("BR_SUITES_DIR");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return "suites";
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(dir, sizeof(dir), "%s/suites", exe);
	if (!stat(dir, &st) && S_ISDIR(st.st_mode))
		return dir;
	snprintf(dir, sizeof(dir), "%s/../libexec/blastradius/suites", exe);
	return dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **suite_binaries(size_t *count)
{
	const char *base = suites_dir();
	DIR *top = opendir(base), *sub;
	struct dirent *d, *e;
	char **v = NULL, path[PATH_MAX];
	size_t n = 0;

	if (!top)
		die("no suite binaries in %s (run make first)", base);
	while ((d = readdir(top))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, d->d_name);
		sub = opendir(path);
		if (!sub)
			continue;
		while ((e = readdir(sub))) {
			char bin[PATH_MAX];
			struct stat st;

			if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
				continue; /* skip .d and other build droppings */
			snprintf(bin, sizeof(bin), "%s/%s", path, e->d_name);
			if (stat(bin, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
				continue;
			v = realloc(v, (n + 2) * sizeof(*v));
			v[n++] = strdup(bin);
		}
		closedir(sub);
	}
	closedir(top);
	if (v)
		qsort(v, n, sizeof(*v), cmp_str), v[n] = NULL;
	*count = n;
	return v;
}

const char *suite_id(const char *bin)
{
	static char id[256];
	const char *file = strrchr(bin, '/');
	const char *suite = file;

	if (!file)
		return bin;
	while (suite > bin && suite[-1] != '/')
		suite--;
	snprintf(id, sizeof(id), "%.*s.%s", (int)(file - suite), suite, file + 1);
	return id;
}

int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

char *iso_time_now(void)
{
	char buf[32];
	time_t t = time(NULL);

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	return strdup(buf);
}

const char *name_problem(const char *s)
{
	if (!s || !*s)
		return "is empty";
	if (strlen(s) > BR_NAME_MAX)
		return "is longer than " BR_STR(BR_NAME_MAX) " characters";
	if (s[0] == '.')
		return "starts with a dot";
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-+", *p))
			return "has a character other than letters, digits and . _ - +";
	return NULL;
}

void name_check(const char *what, const char *s)
{
	const char *why = name_problem(s);

	if (why)
		die_usage("%s '%s' %s (a name that becomes a path: letters, digits, . _ - +, "
			  "no leading dot, at most %d characters)", what, s ? s : "", why, BR_NAME_MAX);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int rm_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}

/* The one folder being filled under a temporary name: removed if we exit first. */
static char *pending;
static pid_t pending_owner; /* not a forked child that happens to exit() */

static void drop_pending(void)
{
	if (pending && getpid() == pending_owner)
		rm_tree(pending);
}

void tmp_guard(const char *path)
{
	static bool registered;

	free(pending);
	pending = path ? strdup(path) : NULL;
	pending_owner = getpid();
	if (path && !registered)
		registered = !atexit(drop_pending);
}

char *results_new_run(const char *base, const char *want_id, char **id_out, char **final_out)
{
	char id[BR_NAME_MAX + 16], path[PATH_MAX], tmp[PATH_MAX];
	time_t t = time(NULL);

	if (want_id) {
		name_check("--id", want_id);
		snprintf(id, sizeof(id), "%s", want_id);
		snprintf(path, sizeof(path), "%s/%s", base, id);
		if (!access(path, F_OK))
			die_usage("%s already exists: pick another --id (a run folder is never reused)", path);
	} else {
		strftime(id, sizeof(id), "%Y%m%dT%H%M%SZ", gmtime(&t));
		/* Two runs in one second get -2, -3, ... */
		for (int i = 2; snprintf(path, sizeof(path), "%s/%s", base, id), !access(path, F_OK); i++) {
			strftime(id, sizeof(id), "%Y%m%dT%H%M%SZ", gmtime(&t));
			snprintf(id + strlen(id), sizeof(id) - strlen(id), "-%d", i);
		}
	}
	if (mkdir_p(base))
		die("cannot create %s: %s", base, strerror(errno));
	/* Filled under a hidden name, renamed into place by results_commit(). */
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", base, id);
	if (mkdir(tmp, 0755))
		die(errno == EEXIST ? "cannot create %s: a run with this id is under way, or was killed "
				      "(remove it)" : "cannot create %s: %s", tmp, strerror(errno));
	tmp_guard(tmp);
	*id_out = strdup(id);
	*final_out = strdup(path);
	return strdup(tmp);
}

void results_commit(const char *tmp, const char *final)
{
	/* rename(2) refuses a non-empty target: a folder that appeared meanwhile is kept. */
	if (rename(tmp, final))
		die("cannot move %s to %s: %s", tmp, final, strerror(errno));
	tmp_guard(NULL);
}

int json_write_file(const char *path, struct json_object *obj)
{
	char *s;
	int ret;

	if (asprintf(&s, "%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		return -ENOMEM;
	ret = write_file(path, s, strlen(s));
	free(s);
	return ret;
}

void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
}

int run_cmd(char *const argv[], const char *cwd, char **out, bool quiet)
{
	int p[2], status;
	pid_t pid, parent = getpid();
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		die_with_parent(parent); /* apt, a sandbox launcher under assess, ... */
		if (out)
			dup2(p[1], 1);
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 2);
			if (!out)
				dup2(null, 1);
		}
		if (cwd && chdir(cwd))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "blastradius: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	do {
		n = read_more(p[0], &buf, &len, &cap, 4096);
	} while ((n > 0 || (n < 0 && errno == EINTR)) && len <= BR_MAX_RESULT);
	close(p[0]);
	buf[len] = 0;
	if (len > BR_MAX_RESULT) /* output is bounded too (probe records, apt's lists) */
		kill(pid, SIGKILL);
	if (out && len <= BR_MAX_RESULT)
		*out = buf;
	else
		free(buf);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (len > BR_MAX_RESULT)
		return -EFBIG;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ssize_t read_more(int fd, char **buf, size_t *len, size_t *cap, size_t room)
{
	ssize_t r;

	if (*len + room > *cap)
		*buf = realloc(*buf, *cap = 2 * *cap + room);
	r = read(fd, *buf + *len, *cap - *len - 1);
	if (r > 0) {
		*len += r;
		(*buf)[*len] = 0;
	}
	return r;
}

int write_file(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd, e = 0;
	size_t done = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (!e && done < len) {
		ssize_t w = write(fd, data + done, len - done);

		if (w < 0 && errno != EINTR)
			e = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e)
		unlink(tmp);
	return -e;
}

FILE *tmp_open(const char *path)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(tmp, "we");
}

int tmp_commit(FILE *f, const char *path)
{
	char tmp[PATH_MAX];
	int e = ferror(f) ? (errno ? errno : EIO) : 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (fclose(f) && !e)
		e = errno ? errno : EIO;
	if (!e && rename(tmp, path))
		e = errno;
	if (e)
		unlink(tmp);
	return -e;
}

json_object *json_read_object(const char *path, char *err, size_t errsize)
{
	size_t len, end;
	char *text = br_read_regular(path, BR_MAX_RESULT, &len, err, errsize);
	json_tokener *tok;
	json_object *o = NULL;
	const char *why = "out of memory";

	if (!text)
		return NULL;
	if ((tok = json_tokener_new())) {
		enum json_tokener_error je;

		o = json_tokener_parse_ex(tok, text, (int)len);
		je = json_tokener_get_error(tok);
		end = json_tokener_get_parse_end(tok);
		why = je == json_tokener_continue ? "truncated" : json_tokener_error_desc(je);
		if (je == json_tokener_success && end + strspn(text + end, " \t\r\n") < len)
			why = "text after the value";
		else if (je == json_tokener_success && !json_object_is_type(o, json_type_object))
			why = "not an object";
		else if (je == json_tokener_success)
			why = NULL;
		json_tokener_free(tok);
	}
	free(text);
	if (why) {
		snprintf(err, errsize, "%s: %s%s%s", path, strcmp(why, "not an object") ? "not valid JSON (" : "",
			 strcmp(why, "not an object") ? why : "not a JSON object", strcmp(why, "not an object") ? ")" : "");
		json_object_put(o);
		errno = EINVAL;
		return NULL;
	}
	return o;
}

long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
