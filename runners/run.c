/*
 * `blastradius run` and `blastradius list`: the host runner. Suite binaries
 * run in parallel; their KTAP is nested, in order, as indented subtests.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "facts.h"
#include "probe.h"
#include "proc.h"

struct job {
	const char *bin;
	char id[128];
	pid_t pid;
	int fd;
	char *out;
	size_t len, cap;
	int status;
	bool started, eof, reaped, printed;
	long long t0, ms, cpu_ms;
	unsigned pass, fail, skip, xfail, error;
	char **fails; /* "FAIL id: reason" / "ERROR id: reason", for --failures and --quiet */
	size_t nfails;
};

struct run_opts {
	char **suites, **pats;
	int nsuites, npats, jobs;
	const char *results;
	const char *id;
	bool no_results, quiet, failures;
};

static bool suite_wanted(const char *id, const struct run_opts *o)
{
	size_t sl;

	if (!o->nsuites)
		return true;
	sl = strcspn(id, ".");
	for (int i = 0; i < o->nsuites; i++)
		if (!strcmp(o->suites[i], id) ||
		    (strlen(o->suites[i]) == sl && !strncmp(o->suites[i], id, sl)))
			return true;
	return false;
}

/* argv for a suite binary: bin [-l] [-r pat]... */
static char **bin_argv(const char *bin, const struct run_opts *o, bool list)
{
	char **av = calloc(2 * o->npats + 3, sizeof(*av));
	int n = 0;

	av[n++] = (char *)bin;
	if (list)
		av[n++] = "-l";
	for (int i = 0; i < o->npats; i++) {
		av[n++] = "-r";
		av[n++] = o->pats[i];
	}
	return av;
}

/* Run a binary to completion and return its stdout (for -l). */
static char *capture(char **av)
{
	char *out = NULL;
	int rc = run_cmd(av, NULL, &out, false);

	if (rc < 0)
		die("cannot run %s: %s", av[0], strerror(-rc));
	return out;
}

static void start(struct job *j, const struct run_opts *o)
{
	int p[2];
	char **av = bin_argv(j->bin, o, false);
	pid_t parent = getpid();

	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	j->t0 = mono_ms();
	j->pid = fork();
	if (j->pid < 0)
		die("fork: %s", strerror(errno));
	if (j->pid == 0) {
		die_with_parent(parent); /* the harness gives their cases the same */
		dup2(p[1], 1);
		execv(av[0], av);
		fprintf(stderr, "blastradius: exec %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	free(av);
	close(p[1]);
	j->fd = p[0];
	j->started = true;
}

static void count_line(struct job *j, const char *line, json_object *facts)
{
	const char *dir;

	if (!strncmp(line, "# fact ", 7)) {
		const char *kv = line + 7, *eq = strchr(kv, '=');

		if (eq && facts) {
			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
			if (!json_object_object_get_ex(facts, key, NULL))
				json_object_object_add(facts, key, json_object_new_string(eq + 1));
		}
		return;
	}
	if (!strncmp(line, "# FAIL ", 7) || !strncmp(line, "# ERROR ", 8)) {
		j->fails = realloc(j->fails, (j->nfails + 1) * sizeof(*j->fails));
		if (!j->fails || !(j->fails[j->nfails++] = strdup(line + 2)))
			die("run: out of memory");
		return;
	}
	if (strncmp(line, "ok ", 3) && strncmp(line, "not ok ", 7))
		return;
	dir = strstr(line, " # ");
	if (!strncmp(line, "not ok ", 7))
		(dir && !strncmp(dir, " # ERROR", 8)) ? j->error++ : j->fail++;
	else if (dir && !strncmp(dir, " # SKIP", 7))
		j->skip++;
	else if (dir && !strncmp(dir, " # XFAIL", 8))
		j->xfail++;
	else
		j->pass++;
}

static void for_lines(struct job *j, json_object *facts, FILE *nest)
{
	char *s = j->out;

	while (s && *s) {
		char *nl = strchr(s, '\n');

		if (nl)
			*nl = 0;
		count_line(j, s, facts);
		if (nest)
			fprintf(nest, "    %s\n", s);
		if (!nl)
			break;
		*nl = '\n';
		s = nl + 1;
	}
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

static void progress(bool tty, size_t done, size_t total, const char *what)
{
	if (!tty)
		return;
	if (what)
		fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, what);
	else
		fprintf(stderr, "\r\033[K");
}

static void usage_run(FILE *f)
{
	fprintf(f,
		"usage: blastradius run [--suite NAME]... [-r GLOB]... [-j N] [--results DIR]\n"
		"                       [--id RUN_ID] [--no-results] [--quiet | --failures]\n\n"
		"Runs every suite binary on this host (root covers both privilege levels)\n"
		"and prints nested KTAP, then 'blastradius: N passed, N failed, N skipped'.\n\n"
		"  --suite NAME   only this suite (ns) or binary (ns.uts); repeatable\n"
		"  -r GLOB        only cases whose id matches (ns.uts.*); repeatable\n"
		"  -j N           suite binaries in parallel (default: online cpus)\n"
		"  --results DIR  where run folders go (default: results)\n"
		"  --id RUN_ID    name of the run folder (default: UTC time)\n"
		"  --no-results   write nothing, print only\n"
		"  --quiet        print only the totals and the ids of failing cases\n"
		"  --failures     print only failing cases, with their reasons, and the summary\n\n"
		"After the KTAP: a table per suite (pass, fail, skip, ms), then boundary\n"
		"verdicts and library self-tests (the lib.* cases) counted apart.\n"
		"Writes DIR/<run-id>/run.json and host/{<suite>.<file>.ktap,facts.json}.\n"
		"Exit: 0 when nothing failed, 1 otherwise, 2 on bad usage.\n");
}

static void usage_list(FILE *f)
{
	fprintf(f, "usage: blastradius list [--suite NAME]... [-r GLOB]...\n\n"
		   "Prints every case id (<suite>.<file>.<case>), one per line, in run order.\n"
		   "  --suite NAME   only this suite (ns) or binary (ns.uts); repeatable\n"
		   "  -r GLOB        only ids matching GLOB; repeatable\n");
}

static void parse_run_opts(int argc, char **argv, struct run_opts *o, void (*usage)(FILE *))
{
	static const struct option lo[] = {
		{"suite", required_argument, 0, 's'}, {"results", required_argument, 0, 'R'},
		{"id", required_argument, 0, 'i'},    {"no-results", no_argument, 0, 'n'},
		{"quiet", no_argument, 0, 'q'},       {"help", no_argument, 0, 'h'},
		{"failures", no_argument, 0, 'F'},
		{0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->suites = calloc(argc, sizeof(char *));
	o->pats = calloc(argc, sizeof(char *));
	o->results = "results";
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:j:hq", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->suites[o->nsuites++] = optarg;
			break;
		case 'r':
			o->pats[o->npats++] = optarg;
			break;
		case 'j':
			o->jobs = atoi(optarg);
			if (o->jobs < 1)
				die_usage("-j wants a positive number, got '%s'", optarg);
			break;
		case 'R':
			o->results = optarg;
			break;
		case 'i':
			o->id = optarg;
			break;
		case 'n':
			o->no_results = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'F':
			o->failures = true;
			break;
		default:
			exit(help_or_usage(usage, c));
		}
	}
	if (optind < argc)
		die_usage("%s: unexpected argument '%s' (see --help)", argv[0], argv[optind]);
	if (o->quiet && o->failures)
		die_usage("%s: --quiet and --failures are two different views; pick one", argv[0]);
}

/* Select binaries: by --suite, then (with -r) only those with a matching case. */
static struct job *select_jobs(const struct run_opts *o, size_t *njobs, char ***bins_out)
{
	size_t nbins, n = 0;
	char **bins = suite_binaries(&nbins);
	struct job *jobs = calloc(nbins + 1, sizeof(*jobs));

	for (size_t i = 0; i < nbins; i++) {
		const char *id = suite_id(bins[i]);

		if (!suite_wanted(id, o))
			continue;
		if (o->npats) {
			char **av = bin_argv(bins[i], o, true);
			char *ids = capture(av);
			bool any = ids[0] != 0;

			free(av);
			free(ids);
			if (!any)
				continue;
		}
		jobs[n].bin = bins[i];
		snprintf(jobs[n].id, sizeof(jobs[n].id), "%s", id);
		n++;
	}
	*njobs = n;
	*bins_out = bins;
	return jobs;
}

/* A results file that cannot be written: exit drops the half-written folder. */
static _Noreturn void fail_results(const char *path, int e)
{
	die("cannot write %s: %s (no results kept)", path, strerror(e));
}

static void write_results(char *dir, char *final, char *id, struct job *jobs, size_t n,
			  json_object *facts, const char *started, int argc, char **argv, unsigned tot[5])
{
	char path[PATH_MAX];
	json_object *run = json_object_new_object(), *suites = json_object_new_array();
	json_object *cmd = json_object_new_array(), *totals = json_object_new_object();
	struct utsname u;
	char *finished = iso_time_now();
	int e;

	snprintf(path, sizeof(path), "%s/host", dir);
	if (mkdir(path, 0755))
		fail_results(path, errno);
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_new_object();

		snprintf(path, sizeof(path), "%s/host/%s.ktap", dir, jobs[i].id);
		if ((e = write_file(path, jobs[i].out ? jobs[i].out : "", jobs[i].len)))
			fail_results(path, -e);
		json_object_object_add(s, "id", json_object_new_string(jobs[i].id));
		json_object_object_add(s, "exit", json_object_new_int(
			WIFEXITED(jobs[i].status) ? WEXITSTATUS(jobs[i].status) : 128 + WTERMSIG(jobs[i].status)));
		json_object_object_add(s, "ms", json_object_new_int64(jobs[i].ms));
		json_object_object_add(s, "cpu_ms", json_object_new_int64(jobs[i].cpu_ms));
		json_object_object_add(s, "pass", json_object_new_int(jobs[i].pass));
		json_object_object_add(s, "fail", json_object_new_int(jobs[i].fail + jobs[i].error));
		json_object_object_add(s, "skip", json_object_new_int(jobs[i].skip));
		json_object_object_add(s, "xfail", json_object_new_int(jobs[i].xfail));
		json_object_array_add(suites, s);
	}
	snprintf(path, sizeof(path), "%s/host/facts.json", dir);
	if ((e = json_write_file(path, facts)))
		fail_results(path, -e);
	for (int i = 0; i < argc; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	uname(&u);
	json_object_object_add(run, "id", json_object_new_string(id));
	json_object_object_add(run, "tool", json_object_new_string("blastradius"));
	json_object_object_add(run, "version", json_object_new_string(BR_VERSION));
	json_object_object_add(run, "kind", json_object_new_string("host"));
	json_object_object_add(run, "command", cmd);
	json_object_object_add(run, "started", json_object_new_string(started));
	json_object_object_add(run, "finished", json_object_new_string(finished));
	json_object_object_add(run, "uid", json_object_new_int((int)geteuid()));
	json_object_object_add(run, "kernel", json_object_new_string(u.release));
	json_object_object_add(run, "targets", json_object_new_array_ext(1));
	json_object_array_add(json_object_object_get(run, "targets"), json_object_new_string("host"));
	json_object_object_add(totals, "pass", json_object_new_int(tot[0]));
	json_object_object_add(totals, "fail", json_object_new_int(tot[1]));
	json_object_object_add(totals, "skip", json_object_new_int(tot[2]));
	json_object_object_add(totals, "xfail", json_object_new_int(tot[3]));
	json_object_object_add(totals, "error", json_object_new_int(tot[4]));
	json_object_object_add(run, "totals", totals);
	json_object_object_add(run, "suites", suites);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	if ((e = json_write_file(path, run)))
		fail_results(path, -e);
	results_commit(dir, final);
	fprintf(stderr, "blastradius: results in %s\n", final);
	json_object_put(run);
	free(finished);
	free(final);
	free(dir);
	free(id);
}

/* Library self-tests (suites/lib: the lib.* cases) check our own code, not a
 * kernel boundary: they are counted apart from the boundary verdicts. */
static bool is_selftest(const char *id)
{
	return !strncmp(id, "lib.", 4);
}

/* The summary after the KTAP, as diagnostics: one row per suite (its binaries
 * added up, ms their wall times), then boundary verdicts and self-tests. */
static void print_summary(const struct job *jobs, size_t n, bool table)
{
	unsigned part[2][3] = {{0}};

	if (table)
		printf("# %-14s %6s %6s %6s %8s\n", "suite", "pass", "fail", "skip", "ms");
	for (size_t i = 0; i < n;) {
		size_t sl = strcspn(jobs[i].id, ".");
		unsigned pass = 0, fail = 0, skip = 0;
		long long ms = 0;
		size_t k = i;

		for (; k < n && strcspn(jobs[k].id, ".") == sl && !strncmp(jobs[k].id, jobs[i].id, sl); k++) {
			pass += jobs[k].pass + jobs[k].xfail;
			fail += jobs[k].fail + jobs[k].error;
			skip += jobs[k].skip;
			ms += jobs[k].ms;
		}
		if (table)
			printf("# %-14.*s %6u %6u %6u %8lld\n", (int)sl, jobs[i].id, pass, fail, skip, ms);
		part[is_selftest(jobs[i].id)][0] += pass;
		part[is_selftest(jobs[i].id)][1] += fail;
		part[is_selftest(jobs[i].id)][2] += skip;
		i = k;
	}
	printf("# boundary verdicts: %u passed, %u failed, %u skipped\n", part[0][0], part[0][1], part[0][2]);
	printf("# library self-tests (lib.*): %u passed, %u failed, %u skipped\n", part[1][0], part[1][1],
	       part[1][2]);
}

/* The runner's own fingerprint fills in the keys no suite reported: a suite's
 * "# fact" line wins (ns.cgroup=hybrid, not the runner's namespace identity),
 * so a host cell has the same facts a guest cell has. */
static void gather_host_facts(json_object *facts)
{
	struct br_facts f = {0};

	if (br_facts_gather(&f))
		die("run: out of memory gathering facts");
	for (size_t i = 0; i < f.n; i++)
		if (!json_object_object_get_ex(facts, f.kv[i].key, NULL))
			json_object_object_add(facts, f.kv[i].key, json_object_new_string(f.kv[i].value));
	br_facts_free(&f);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	size_t n, next = 0, done = 0, printed = 0;
	char **bins;
	struct job *jobs;
	json_object *facts = json_object_new_object();
	bool tty = isatty(2);
	unsigned tot[5] = {0};
	int running = 0;
	char *started = iso_time_now(), *dir = NULL, *final = NULL, *id = NULL;

	parse_run_opts(argc, argv, &o, usage_run);
	jobs = select_jobs(&o, &n, &bins);
	if (!n)
		die_usage("run: no suite binary matches the selection");
	/* The run folder first: a taken --id is refused before anything runs. */
	if (!o.no_results)
		dir = results_new_run(o.results, o.id, &id, &final);
	{
		/* No SA_RESTART: poll returns, the suites are stopped, and nothing half-written stays. */
		struct sigaction sa = {.sa_handler = on_interrupt};

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	{
		/* kallsyms read once for every binary of the run (lib/probe.h); after
		 * the handlers: a signal meanwhile still removes the run folder. */
		const char *k = br_probe_ksyms();

		if (k)
			setenv("BR_KSYMS", k, 1);
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!o.quiet && !o.failures)
		printf(BR_TAP_VERSION "\n1..%zu\n", n);

	while (done < n) {
		struct pollfd *p = calloc(n, sizeof(*p));
		size_t np = 0;

		while (running < o.jobs && next < n)
			start(&jobs[next++], &o), running++;
		for (size_t i = 0; i < n; i++)
			if (jobs[i].started && !jobs[i].eof)
				p[np++] = (struct pollfd){jobs[i].fd, POLLIN, 0};
		progress(tty, done, n, jobs[printed < n ? printed : n - 1].id);
		if (np && poll(p, np, -1) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		free(p);
		if (interrupted) {
			for (size_t i = 0; i < n; i++)
				if (jobs[i].started && !jobs[i].reaped)
					kill(jobs[i].pid, SIGKILL), waitpid(jobs[i].pid, NULL, 0);
			fprintf(stderr, "\nblastradius: run: interrupted by SIG%s; no results kept\n",
				sigabbrev_np(interrupted));
			exit(128 + interrupted); /* the half-filled run folder goes with the exit */
		}
		for (size_t i = 0; i < n; i++) {
			struct job *j = &jobs[i];
			ssize_t r;

			if (!j->started || j->eof)
				continue;
			r = read_more(j->fd, &j->out, &j->len, &j->cap, 8192);
			if (j->len > BR_MAX_RESULT) /* a binary that floods: its KTAP is bounded too */
				kill(j->pid, SIGKILL);
			if (r == 0 || (r < 0 && errno != EINTR)) {
				j->eof = true;
				close(j->fd);
				{
					struct rusage ru;

					/* CPU of the binary and its cases: make bench's host figure. */
					if (wait4(j->pid, &j->status, 0, &ru) == j->pid)
						j->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000LL +
							    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
				}
				j->ms = mono_ms() - j->t0;
				j->reaped = true;
				running--;
				done++;
			}
		}
		/* Print finished binaries in order, so output does not interleave. */
		while (printed < n && jobs[printed].reaped) {
			struct job *j = &jobs[printed++];
			int code = WIFEXITED(j->status) ? WEXITSTATUS(j->status) : -1;

			progress(tty, done, n, NULL);
			for_lines(j, facts, o.quiet || o.failures ? NULL : stdout);
			if (code != BR_EXIT_PASS && code != BR_EXIT_SKIP && !j->fail && !j->error) {
				/* crashed or exited oddly without a failing case */
				char why[160];

				j->error++;
				snprintf(why, sizeof(why), "ERROR %s: %s %d with no failing case", j->id,
					 WIFSIGNALED(j->status) ? "killed by signal" : "exit status",
					 WIFSIGNALED(j->status) ? WTERMSIG(j->status) : code);
				j->fails = realloc(j->fails, (j->nfails + 1) * sizeof(*j->fails));
				if (!j->fails || !(j->fails[j->nfails++] = strdup(why)))
					die("run: out of memory");
			}
			tot[0] += j->pass, tot[1] += j->fail, tot[2] += j->skip, tot[3] += j->xfail,
				tot[4] += j->error;
			if (o.quiet || o.failures) {
				/* --failures: each reason; --quiet: the ids alone */
				for (size_t f = 0; f < j->nfails; f++)
					if (o.failures)
						printf("%s\n", j->fails[f]);
					else
						printf("# failed: %.*s\n", (int)strcspn(strchr(j->fails[f], ' ') + 1, ":"),
						       strchr(j->fails[f], ' ') + 1);
				continue;
			}
			if ((code == BR_EXIT_PASS || code == BR_EXIT_SKIP) && !j->pass && !j->xfail && j->skip)
				printf("ok %zu %s # SKIP every case skipped\n", printed, j->id);
			else if (code == BR_EXIT_PASS || code == BR_EXIT_SKIP)
				printf("ok %zu %s\n", printed, j->id);
			else if (code == BR_EXIT_FAIL)
				printf("not ok %zu %s\n", printed, j->id);
			else if (WIFSIGNALED(j->status))
				printf("not ok %zu %s # ERROR killed by signal %d\n", printed, j->id,
				       WTERMSIG(j->status));
			else
				printf("not ok %zu %s # ERROR exit status %d\n", printed, j->id, code);
			fflush(stdout);
		}
	}
	progress(tty, done, n, NULL);
	gather_host_facts(facts);
	if (!o.no_results)
		write_results(dir, final, id, jobs, n, facts, started, argc, argv, tot);
	print_summary(jobs, n, !o.quiet);
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:0 skip:%u error:%u\n", tot[0], tot[1],
	       tot[3], tot[2], tot[4]);
	/* "blastradius: " keeps tappy, whose plan regex has unescaped dots, from
	 * reading "1123 passed" as a plan "1..3". */
	printf("blastradius: %u passed, %u failed, %u skipped\n", tot[0] + tot[3], tot[1] + tot[4], tot[2]);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		free(jobs[i].out);
		for (size_t f = 0; f < jobs[i].nfails; f++)
			free(jobs[i].fails[f]);
		free(jobs[i].fails);
	}
	free(jobs);
	free_strv(bins);
	json_object_put(facts);
	free(started);
	free(o.suites);
	free(o.pats);
	return tot[1] || tot[4] ? BR_EXIT_FAIL : BR_EXIT_PASS;
}

int cmd_list(int argc, char **argv)
{
	struct run_opts o;
	size_t n;
	char **bins;
	struct job *jobs;

	parse_run_opts(argc, argv, &o, usage_list);
	jobs = select_jobs(&o, &n, &bins);
	if (!n) {
		free(jobs);
		free_strv(bins);
		die_usage("list: no suite binary matches the selection");
	}
	for (size_t i = 0; i < n; i++) {
		char **av = bin_argv(jobs[i].bin, &o, true);
		char *ids = capture(av);

		fputs(ids, stdout);
		free(ids);
		free(av);
	}
	free(jobs);
	free_strv(bins);
	free(o.suites);
	free(o.pats);
	return BR_EXIT_PASS;
}
