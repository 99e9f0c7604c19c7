/*
 * The harness runner: one fork and one process group per case, captured
 * output, a private verdict pipe, timeouts that kill every descendant.
 */
#include "harness.h"

#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BR_DEFAULT_TIMEOUT_MS 5000
#define BR_NOBODY 65534
#define BR_REC_MAX 1024       /* < PIPE_BUF: one record is one atomic write */
#define BR_DIAG_LINE_MAX 2000
#define BR_DIAG_TOTAL_MAX (64 * 1024)

static struct br_test **tests;
static size_t ntests, captests;
static struct br_variant **variants;
static size_t nvariants, capvariants;

void br_register(struct br_test *t)
{
	if (ntests == captests) {
		captests = captests ? 2 * captests : 64;
		tests = realloc(tests, captests * sizeof(*tests));
		if (!tests)
			abort();
	}
	tests[ntests++] = t;
}

void br_register_variant(struct br_variant *v)
{
	if (nvariants == capvariants) {
		capvariants = capvariants ? 2 * capvariants : 16;
		variants = realloc(variants, capvariants * sizeof(*variants));
		if (!variants)
			abort();
	}
	variants[nvariants++] = v;
}

/* ---- state of the running case, valid in the case's processes ---- */

struct br_meta {
	const struct br_test *t;
	void *self;
	const void *variant;
	bool setup_done, in_teardown;
};

static int rec_fd = -1;    /* write end of the verdict pipe */
static pid_t case_pid;     /* the case's main process */
static struct br_meta cur; /* copy for br_fail_now() */

const char *br_errname(int e)
{
	static _Thread_local char buf[16];
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* Four buffers in turn: one message may name two signals. */
const char *br_signame(int s)
{
	static _Thread_local char bufs[4][24];
	static _Thread_local unsigned next;
	char *buf = bufs[next++ % 4];
	const char *n = sigabbrev_np(s);

	if (n)
		snprintf(buf, sizeof(bufs[0]), "SIG%s", n);
	else
		snprintf(buf, sizeof(bufs[0]), "SIG%d", s);
	return buf;
}

static void record(char kind, const char *fmt, va_list ap)
{
	char buf[BR_REC_MAX];
	int saved = errno;
	int n = snprintf(buf, sizeof(buf), "%c\t", kind);

	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	for (char *p = buf + n; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	strcat(buf, "\n");
	if (rec_fd >= 0) {
		ssize_t w = write(rec_fd, buf, strlen(buf));
		(void)w;
	} else {
		fputs(buf, stderr);
	}
	errno = saved;
}

static void record_f(char kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record_f(char kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(kind, fmt, ap);
	va_end(ap);
}

void br_fact(const char *key, const char *fmt, ...)
{
	char val[BR_REC_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	record_f('F', "%s=%s", key, val);
}

void br_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[BR_REC_MAX - 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record_f('E', "%s:%d: %s", file, line, msg);
}

void br_log(const char *file, int line, const char *fmt, ...)
{
	char msg[BR_REC_MAX - 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record_f('L', "%s:%d: %s", file, line, msg);
}

/* Leave the case: teardown first when the main process leaves after setup. */
static _Noreturn void leave(int status)
{
	if (getpid() == case_pid && cur.setup_done && !cur.in_teardown && cur.t->teardown) {
		cur.in_teardown = true;
		cur.t->teardown(&cur, cur.self, cur.variant);
	}
	_exit(status);
}

_Noreturn void br_fail_now(void)
{
	leave(BR_EXIT_FAIL);
}

_Noreturn void br_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record('S', fmt, ap);
	va_end(ap);
	leave(BR_EXIT_SKIP);
}

_Noreturn void br_xfail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record('X', fmt, ap);
	va_end(ap);
	leave(BR_EXIT_PASS);
}

bool br_is_root(void)
{
	return geteuid() == 0;
}

bool br_in_guest(void)
{
	static int cached = -1;
	char buf[4096];
	int fd;
	ssize_t n;

	if (cached >= 0)
		return cached;
	cached = 0;
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
			if (!strcmp(tok, "blastradius.guest=1"))
				cached = 1;
	}
	return cached;
}

/* ---- the runner (parent side) ---- */

struct br_case {
	const struct br_test *t;
	const struct br_variant *v;
	char id[256];
};

struct outcome {
	enum br_verdict verdict;
	char reason[BR_REC_MAX];
	bool has_fail, done, timed_out;
	size_t diag_bytes;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int cmp_line(const void *a, const void *b)
{
	const struct br_test *x = *(struct br_test *const *)a, *y = *(struct br_test *const *)b;

	return x->line - y->line;
}

static int cmp_vline(const void *a, const void *b)
{
	const struct br_variant *x = *(struct br_variant *const *)a;
	const struct br_variant *y = *(struct br_variant *const *)b;

	return x->line - y->line;
}

/* Kill every remaining descendant: we are their subreaper. */
static void kill_descendants(pid_t pgid)
{
	char path[64], buf[4096];

	if (pgid > 0)
		kill(-pgid, SIGKILL);
	for (int round = 0; round < 1000; round++) {
		bool any = false;
		int fd;
		ssize_t n;
		pid_t r;

		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		/* No child left, not even a zombie: an orphan of the case would have
		 * been reparented to us, so nothing is left to kill (the usual case;
		 * it spares a /proc read per case, dear under TCG). */
		if (r < 0 && errno == ECHILD)
			return;
		snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)syscall(SYS_gettid));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return;
		buf[n] = 0;
		for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
			kill(atoi(tok), SIGKILL);
			any = true;
		}
		if (!any)
			return;
		/* Reap at least one killed child before looking again. */
		waitpid(-1, NULL, 0);
	}
}

/*
 * Would "# LINE" read as structure to some consumer? kunit_parser takes
 * "# Subtest:" as a test header; our own readers take "# FAIL id:",
 * "# ERROR id:", "# fact k=v" and "# Totals:"; a line that is TAP once its
 * "# " is lost (a log re-indented, a nested stream) must stay inert too. Such
 * lines, and anything starting with '#' or a plan's digits, are quoted as
 * "# | LINE". Matching is by prefix and ignores case: quoting too much is harmless.
 */
static bool looks_structural(const char *s)
{
	static const char *const words[] = {"ok",    "not ok", "KTAP",   "TAP version", "Subtest",
					    "Bail out", "pragma", "FAIL",  "ERROR",       "fact",
					    "Totals", "---",    "...",    "|"};

	s += strspn(s, " \t");
	if (*s == '#' || (*s >= '0' && *s <= '9'))
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		/* A whole word: "ok" quotes "ok 1" and "OK", not "okay". */
		if (!strncasecmp(s, words[i], n) && !isalnum((unsigned char)s[n]))
			return true;
	}
	return false;
}

static void emit_diag(struct outcome *o, const char *line)
{
	if (o->diag_bytes > BR_DIAG_TOTAL_MAX)
		return;
	o->diag_bytes += strlen(line);
	if (o->diag_bytes > BR_DIAG_TOTAL_MAX)
		printf("# (output truncated)\n");
	else
		printf(looks_structural(line) ? "# | %s\n" : "# %s\n", line);
}

static void handle_record(struct outcome *o, char *line)
{
	char kind = line[0];
	const char *payload = line[0] && line[1] == '\t' ? line + 2 : line;

	switch (kind) {
	case 'F':
		printf("# fact %s\n", payload);
		break;
	case 'L':
		emit_diag(o, payload);
		break;
	case 'E':
		printf(looks_structural(payload) ? "# | %s\n" : "# %s\n", payload);
		if (!o->has_fail)
			snprintf(o->reason, sizeof(o->reason), "%s", payload);
		o->has_fail = true;
		break;
	case 'S':
	case 'X':
		if (o->verdict == BR_PASS) {
			o->verdict = kind == 'S' ? BR_SKIP : BR_XFAIL;
			snprintf(o->reason, sizeof(o->reason), "%s", payload);
		}
		break;
	case 'P':
		o->done = true;
		break;
	default:
		emit_diag(o, line);
	}
}

/* Split a pipe's bytes into lines; flush a partial line when eof. */
struct linebuf {
	char buf[BR_DIAG_LINE_MAX + 1];
	size_t len;
};

static void feed(struct linebuf *lb, const char *data, size_t n, bool eof,
		 void (*fn)(struct outcome *, char *), struct outcome *o)
{
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\n' || lb->len == BR_DIAG_LINE_MAX) {
			lb->buf[lb->len] = 0;
			fn(o, lb->buf);
			lb->len = 0;
			if (c == '\n')
				continue;
		}
		lb->buf[lb->len++] = (c == '\r' || c == 0) ? ' ' : c;
	}
	if (eof && lb->len) {
		lb->buf[lb->len] = 0;
		fn(o, lb->buf);
		lb->len = 0;
	}
}

static void on_output(struct outcome *o, char *line)
{
	emit_diag(o, line);
}

/* Read what is there; return false at eof. */
static bool drain(int fd, struct linebuf *lb, void (*fn)(struct outcome *, char *),
		  struct outcome *o)
{
	char data[4096];

	for (;;) {
		ssize_t n = read(fd, data, sizeof(data));

		if (n > 0) {
			feed(lb, data, n, false, fn, o);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		feed(lb, NULL, 0, true, fn, o);
		return false;
	}
}

static void drop_to_nobody(void)
{
	/* setuid from 0 clears every capability set (no KEEP_CAPS). */
	if (setgroups(0, NULL) || setresgid(BR_NOBODY, BR_NOBODY, BR_NOBODY) ||
	    setresuid(BR_NOBODY, BR_NOBODY, BR_NOBODY)) {
		record_f('E', "harness: cannot drop to uid %d: %s", BR_NOBODY, br_errname(errno));
		_exit(BR_EXIT_FAIL);
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* setuid made us non-dumpable, which would make /proc/self root-owned. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static _Noreturn void child_main(const struct br_case *c, int outw, int recw)
{
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (null >= 0)
		dup2(null, 0);
	dup2(outw, 1);
	dup2(outw, 2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
	rec_fd = recw;
	case_pid = getpid();
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (c->t->as == BR_UNPRIV && geteuid() == 0)
		drop_to_nobody();

	cur.t = c->t;
	cur.variant = c->v ? c->v->data : NULL;
	cur.self = c->t->self_size ? calloc(1, c->t->self_size) : NULL;
	if (c->t->setup)
		c->t->setup(&cur, cur.self, cur.variant);
	cur.setup_done = true;
	c->t->fn(&cur, cur.self, cur.variant);
	if (c->t->teardown) {
		cur.in_teardown = true;
		c->t->teardown(&cur, cur.self, cur.variant);
	}
	record_f('P', "done");
	_exit(BR_EXIT_PASS);
}

static int timeout_for(const struct br_test *t)
{
	int ms = t->timeout_ms > 0 ? t->timeout_ms : BR_DEFAULT_TIMEOUT_MS;
	const char *scale = getenv("BR_TIMEOUT_SCALE");

	if (scale && atof(scale) > 0)
		ms = (int)(ms * atof(scale));
	return ms;
}

static void run_case(const struct br_case *c, struct outcome *o)
{
	int out[2], rec[2], pidfd, status = 0;
	int tmo = timeout_for(c->t);
	long long deadline;
	bool out_open = true, rec_open = true, exited = false, timed_out = false;
	struct linebuf outlb = {0}, reclb = {0};
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->verdict = BR_PASS;
	if (c->t->guest_only && !br_in_guest()) {
		o->verdict = BR_SKIP;
		snprintf(o->reason, sizeof(o->reason),
			 "guest-only: changes global state; runs in the QEMU matrix (blastradius.guest=1)");
		return;
	}
	if (c->t->as == BR_ROOT && geteuid() != 0) {
		o->verdict = BR_SKIP;
		snprintf(o->reason, sizeof(o->reason), "needs root (running as uid %d)", (int)geteuid());
		return;
	}
	if (pipe2(out, O_CLOEXEC) || pipe2(rec, O_CLOEXEC)) {
		o->verdict = BR_ERROR;
		snprintf(o->reason, sizeof(o->reason), "pipe: %s", br_errname(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		o->verdict = BR_ERROR;
		snprintf(o->reason, sizeof(o->reason), "fork: %s", br_errname(errno));
		close(out[0]), close(out[1]), close(rec[0]), close(rec[1]);
		return;
	}
	if (pid == 0) {
		close(out[0]);
		close(rec[0]);
		child_main(c, out[1], rec[1]);
	}
	setpgid(pid, pid);
	close(out[1]);
	close(rec[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(rec[0], F_SETFL, O_NONBLOCK);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	deadline = now_ms() + tmo;

	while (!exited) {
		struct pollfd p[3] = {{out_open ? out[0] : -1, POLLIN, 0},
				      {rec_open ? rec[0] : -1, POLLIN, 0},
				      {pidfd, POLLIN, 0}};
		long long left = deadline - now_ms();
		/* Without pidfds (pre-5.3 kernels) poll in short steps. */
		int wait_ms = left < 0 ? 0 : (pidfd < 0 && left > 10 ? 10 : (int)left);

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(p, 3, wait_ms) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			out_open = drain(out[0], &outlb, on_output, o);
		if (p[1].revents)
			rec_open = drain(rec[0], &reclb, handle_record, o);
		if (waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
	}
	kill_descendants(pid);
	if (!exited)
		waitpid(pid, &status, 0);
	/* Every writer is gone now: read to eof. */
	fcntl(out[0], F_SETFL, 0);
	fcntl(rec[0], F_SETFL, 0);
	while (out_open && drain(out[0], &outlb, on_output, o))
		;
	while (rec_open && drain(rec[0], &reclb, handle_record, o))
		;
	close(out[0]);
	close(rec[0]);
	if (pidfd >= 0)
		close(pidfd);

	if (timed_out) {
		o->verdict = BR_FAIL;
		o->timed_out = true;
		snprintf(o->reason, sizeof(o->reason), "TIMEOUT after %d ms; process group killed", tmo);
	} else if (o->has_fail) {
		o->verdict = BR_FAIL;
	} else if (o->verdict == BR_SKIP || o->verdict == BR_XFAIL) {
		/* reason already set */
	} else if (c->t->signal) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == c->t->signal)
			o->verdict = BR_PASS;
		else {
			o->verdict = BR_FAIL;
			if (WIFSIGNALED(status))
				snprintf(o->reason, sizeof(o->reason), "expected death by %s, killed by %s",
					 br_signame(c->t->signal), br_signame(WTERMSIG(status)));
			else
				snprintf(o->reason, sizeof(o->reason), "expected death by %s, exited with status %d",
					 br_signame(c->t->signal), WEXITSTATUS(status));
		}
	} else if (WIFSIGNALED(status)) {
		o->verdict = BR_FAIL;
		snprintf(o->reason, sizeof(o->reason), "killed by %s", br_signame(WTERMSIG(status)));
	} else if (!o->done) {
		o->verdict = BR_FAIL;
		snprintf(o->reason, sizeof(o->reason),
			 "exited with status %d before reporting a result", WEXITSTATUS(status));
	}
}

static const char *file_part(const char *prefix)
{
	const char *dot = strrchr(prefix, '.');

	return dot ? dot + 1 : prefix;
}

static struct br_case *expand(const char *prefix, size_t *ncases)
{
	struct br_case *cs = NULL;
	size_t n = 0;

	/* This file's tests and variants only (one binary may hold several files'),
	 * in source order: lines are unique within a file. */
	for (size_t i = 0; i < ntests; i++)
		if (!strcmp(tests[i]->prefix, prefix))
			tests[n++] = tests[i];
	ntests = n, n = 0;
	for (size_t i = 0; i < nvariants; i++)
		if (!strcmp(variants[i]->prefix, prefix))
			variants[n++] = variants[i];
	nvariants = n, n = 0;
	if (ntests) /* qsort(NULL, 0) is undefined */
		qsort(tests, ntests, sizeof(*tests), cmp_line);
	if (nvariants)
		qsort(variants, nvariants, sizeof(*variants), cmp_vline);
	for (size_t i = 0; i < ntests; i++) {
		const struct br_test *t = tests[i];
		const char *fix = t->fixture && strcmp(t->fixture, file_part(prefix)) ? t->fixture : NULL;
		bool any = false;

		for (size_t j = 0; j <= nvariants; j++) {
			const struct br_variant *v = j < nvariants ? variants[j] : NULL;
			struct br_case *c;

			if (v && (!t->fixture || strcmp(v->fixture, t->fixture)))
				continue;
			if (!v && any)
				break;
			any = true;
			cs = realloc(cs, (n + 1) * sizeof(*cs));
			if (!cs)
				abort();
			c = &cs[n++];
			c->t = t;
			c->v = v;
			snprintf(c->id, sizeof(c->id), "%s.%s%s%s%s%s", prefix, fix ? fix : "",
				 fix ? "." : "", v ? v->name : "", v ? "." : "", t->name);
		}
	}
	*ncases = n;
	return cs;
}

static bool selected(const char *id, char **pats, int npats)
{
	if (!npats)
		return true;
	for (int i = 0; i < npats; i++)
		if (!fnmatch(pats[i], id, 0) || !strcmp(pats[i], id))
			return true;
	return false;
}

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [-l] [-r ID|GLOB]... | -F N | -K\n"
		"  -l        list case ids and exit\n"
		"  -r PAT    run only cases whose id matches PAT (repeatable)\n"
		"  -F N      the harness floor: run N empty cases (fork, record, reap), print\n"
		"            \"# floor cases=N wall_us=W cpu_us=C\" and no KTAP (make bench)\n"
		"  -K        print BR_KSYMS=... (is the x32/ia32 entry code built) and exit,\n"
		"            for a runner to pass to every binary (binaries linking lib/probe)\n"
		"Prints KTAP on stdout; exit 1 when a case failed, else 0.\n",
		argv0);
}

static void br__fn_floor(struct br_meta *m, void *self, const void *variant)
{
	(void)m, (void)self, (void)variant;
}

/* What every case costs before its body runs: n empty cases through run_case,
 * timed as wall and as CPU of this process and its reaped children. */
static int floor_run(long n)
{
	static const struct br_test t = {.name = "floor", .file = __FILE__, .fn = br__fn_floor};
	struct br_case c = {.t = &t, .id = "floor"};
	struct timespec a, b;
	struct rusage self, kids;
	long failed = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		struct outcome o;

		run_case(&c, &o);
		failed += o.verdict != BR_PASS;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	if (failed) {
		printf("# floor: %ld of %ld empty cases did not pass\n", failed, n);
		return BR_EXIT_FAIL;
	}
#define BR__US(tv) ((long long)(tv).tv_sec * 1000000 + (tv).tv_usec)
	printf("# floor cases=%ld wall_us=%lld cpu_us=%lld\n", n,
	       (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000,
	       BR__US(self.ru_utime) + BR__US(self.ru_stime) + BR__US(kids.ru_utime) + BR__US(kids.ru_stime));
#undef BR__US
	return BR_EXIT_PASS;
}

/* lib/probe's once-per-binary kallsyms reading, when the binary links lib/probe
 * (weak: the other suites do not pull it in). Mapped here, in the parent, not
 * in a constructor: the static probe runs under foreign filters that may kill
 * any call made before its main. */
void br_probe_share(void) __attribute__((weak));
const char *br_probe_ksyms(void) __attribute__((weak));
int br_links_probe = -1;

static bool links_probe(void)
{
	return br_links_probe < 0 ? br_probe_share != NULL : br_links_probe && br_probe_share;
}

char *br_suite_file_env(void)
{
	extern char **environ;

	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, "BR_SUITE_FILE=", 14))
			return *e;
	return NULL;
}

int br_main(int argc, char **argv, const char *prefix)
{
	size_t ncases, nsel = 0, idx = 0;
	struct br_case *cs;
	char **pats = calloc(argc, sizeof(*pats));
	int npats = 0, opt;
	bool list = false;
	unsigned counts[BR_NVERDICTS] = {0};
	long floor_n = 0;
	char *end;

	while ((opt = getopt(argc, argv, "lr:F:Kh")) != -1) {
		switch (opt) {
		case 'K': {
			/* For the guest init: lib/probe's kallsyms answer, as $BR_KSYMS. */
			const char *v = links_probe() ? br_probe_ksyms() : NULL;

			free(pats);
			if (v)
				printf("BR_KSYMS=%s\n", v);
			return v ? BR_EXIT_PASS : BR_EXIT_FAIL;
		}
		case 'F':
			floor_n = strtol(optarg, &end, 10);
			if (*end || floor_n < 1 || floor_n > 100000) {
				usage(stderr, argv[0]);
				free(pats);
				return BR_EXIT_USAGE;
			}
			break;
		case 'l':
			list = true;
			break;
		case 'r':
			pats[npats++] = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			free(pats);
			return BR_EXIT_PASS;
		default:
			usage(stderr, argv[0]);
			free(pats);
			return BR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr, argv[0]);
		free(pats);
		return BR_EXIT_USAGE;
	}
	if (floor_n) {
		free(pats);
		setvbuf(stdout, NULL, _IOLBF, 0);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		return floor_run(floor_n);
	}
	cs = expand(prefix, &ncases);
	for (size_t i = 0; i < ncases; i++)
		if (selected(cs[i].id, pats, npats)) {
			if (list)
				printf("%s\n", cs[i].id);
			nsel++;
		}
	if (list) {
		free(pats);
		free(cs);
		return BR_EXIT_PASS;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (links_probe())
		br_probe_share();
	printf(BR_TAP_VERSION "\n1..%zu\n", nsel);
	for (size_t i = 0; i < ncases; i++) {
		struct outcome o;

		if (!selected(cs[i].id, pats, npats))
			continue;
		run_case(&cs[i], &o);
		counts[o.verdict]++;
		idx++;
		switch (o.verdict) {
		case BR_PASS:
			printf("ok %zu %s\n", idx, cs[i].id);
			break;
		case BR_SKIP:
			printf("ok %zu %s # SKIP %s\n", idx, cs[i].id, o.reason);
			break;
		case BR_XFAIL:
			printf("ok %zu %s # XFAIL %s\n", idx, cs[i].id, o.reason);
			break;
		case BR_ERROR:
			printf("# ERROR %s: %s\nnot ok %zu %s # ERROR %s\n", cs[i].id, o.reason, idx,
			       cs[i].id, o.reason);
			break;
		default:
			printf("# FAIL %s: %s%s%s\nnot ok %zu %s", cs[i].id, o.reason,
			       cs[i].t->fixed_by ? "; this kernel may lack: " : "",
			       cs[i].t->fixed_by ? cs[i].t->fixed_by : "", idx, cs[i].id);
			/* The KTAP spec's directive for a case that ran out of time. */
			if (o.timed_out)
				printf(" # TIMEOUT %d ms", timeout_for(cs[i].t));
			putchar('\n');
		}
	}
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n", counts[BR_PASS],
	       counts[BR_FAIL], counts[BR_XFAIL], counts[BR_XPASS], counts[BR_SKIP], counts[BR_ERROR]);
	free(pats);
	free(cs);
	/* As kselftest_harness.h: 1 when a case failed, else 0, even when every
	 * case skipped (TAP consumers such as prove read any other status as a
	 * failure; the SKIP lines say what did not run). */
	return counts[BR_FAIL] || counts[BR_ERROR] ? BR_EXIT_FAIL : BR_EXIT_PASS;
}
