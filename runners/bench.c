/*
 * `blastradius bench`: where the matrix's time goes. Runs the matrix three
 * times (trivial init -j1, full -j1 with the harness floor, full -jN) and
 * prints the tables; nothing in it is an assertion.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "report.h"

#define FLOOR_CASES 100 /* empty cases per harness-floor measurement */
#define POLE_SHARE 0.05 /* a long pole: a binary over 5 % of its cell's suite time */

struct bench_opts {
	const char *kernels, *variants, *results;
	int jobs;
	char stamp[32]; /* this bench's own run ids: never an older run's table */
};

/* Run `blastradius matrix` with extra args into results/bench-<stamp>-<what>; its wall ms. */
static long long run_matrix(const struct bench_opts *o, const char *what, int jobs, bool trivial, bool floor)
{
	char floor_arg[64];

	char exe[PATH_MAX], j[16], *av[24], id[128];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int n = 0, rc;
	long long t0 = mono_ms();

	if (l < 0)
		die("/proc/self/exe: %s", strerror(errno));
	exe[l] = 0;
	snprintf(j, sizeof(j), "%d", jobs);
	snprintf(id, sizeof(id), "bench-%s-%s", o->stamp, what);
	av[n++] = exe, av[n++] = "matrix", av[n++] = "-j", av[n++] = j;
	av[n++] = "--results", av[n++] = (char *)o->results, av[n++] = "--id", av[n++] = (char *)id;
	if (o->kernels)
		av[n++] = "--kernels", av[n++] = (char *)o->kernels;
	if (o->variants)
		av[n++] = "--variants", av[n++] = (char *)o->variants;
	if (trivial)
		av[n++] = "--trivial";
	if (floor) {
		/* The harness floor (FLOOR_CASES empty cases) in the same boot, under the
		 * same load, as the suites it is compared with; its time is subtracted. */
		snprintf(floor_arg, sizeof(floor_arg), "blastradius.floor=%d", FLOOR_CASES);
		av[n++] = "--append", av[n++] = floor_arg;
	}
	av[n] = NULL;
	fprintf(stderr, "[bench] matrix -j%d%s ...\n", jobs, trivial ? " --trivial" : "");
	rc = run_cmd(av, NULL, NULL, false);
	if (rc == BR_EXIT_USAGE)
		die_usage("bench: matrix refused these arguments (its message is above)");
	{
		char path[PATH_MAX];

		/* Only this run's own folder is read: never a table from an older one. */
		snprintf(path, sizeof(path), "%s/%s/run.json", o->results, id);
		if (rc < 0 || access(path, F_OK))
			die("bench: matrix -j%d wrote no results (exit %d)", jobs, rc);
	}
	return mono_ms() - t0;
}

static json_object *cell_json(const struct bench_opts *o, const char *what, const char *cell)
{
	char path[PATH_MAX], err[PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/bench-%s-%s/%s/cell.json", o->results, o->stamp, what, cell);
	return json_read_object(path, err, sizeof(err));
}

static long long jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

/* Cases a binary ran in a cell: the plan of its KTAP (0 when unreadable). */
static int ktap_cases(const struct bench_opts *o, const char *cell, const char *id)
{
	char path[PATH_MAX], buf[4096];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/bench-%s-j1/%s/%s.ktap", o->results, o->stamp, cell, id);
	if (!(f = fopen(path, "re")))
		return 0;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "1..%d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The host's harness floor in CPU ms per empty case: the median of three
 * `SUITE -F N` runs (CPU, not wall: the machine may be shared). -1: none. */
static double host_floor_ms(void)
{
	size_t nb;
	char **bins = suite_binaries(&nb), cases[16];
	double v[3];
	int got = 0;

	snprintf(cases, sizeof(cases), "%d", FLOOR_CASES * 2);
	for (int i = 0; nb && i < 3; i++) {
		char *out = NULL, *f;
		long long n, wall, cpu;

		if (run_cmd((char *[]){bins[0], "-F", cases, NULL}, NULL, &out, true) == 0 && out &&
		    (f = strstr(out, "# floor ")) &&
		    sscanf(f, "# floor cases=%lld wall_us=%lld cpu_us=%lld", &n, &wall, &cpu) == 3 && n > 0)
			v[got++] = cpu / 1000.0 / n;
		free(out);
	}
	free_strv(bins);
	if (!got)
		return -1;
	for (int i = 0; i < got; i++) /* sort the (at most three) samples */
		for (int j = i + 1; j < got; j++)
			if (v[j] < v[i]) {
				double t = v[i];

				v[i] = v[j], v[j] = t;
			}
	return v[got / 2];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One cell of the -j1 run, per suite binary: ms (guest wall, or host CPU), cases. */
struct cell_cost {
	const char *cell;
	bool host;
	char partial[512]; /* a variant's cell of some suite files only: its globs; "": every file */
	double floor_ms;  /* per empty case; -1 unknown */
	double total_ms;  /* sum over its binaries */
	int ncases, nbin;
	struct {
		char id[128];
		double ms;
		int cases;
	} bin[512];
	double median_x; /* median over binaries of (ms per case / floor); -1 unknown */
};

static void cell_cost(const struct bench_opts *o, const char *cell, json_object *fu, double floor_ms,
		      struct cell_cost *cc)
{
	json_object *suites;
	double x[512];
	int nx = 0;

	memset(cc, 0, sizeof(*cc));
	cc->cell = cell;
	cc->host = !strcmp(json_object_get_string(json_object_object_get(fu, "machine")), "host");
	{
		const char *g = json_object_get_string(json_object_object_get(fu, "suite_files"));

		snprintf(cc->partial, sizeof(cc->partial), "%s", g && strcmp(g, "all") ? g : "");
	}
	cc->floor_ms = floor_ms;
	cc->median_x = -1;
	if (!json_object_object_get_ex(fu, "suites", &suites) || !json_object_is_type(suites, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(suites) && cc->nbin < 512; i++) {
		json_object *js = json_object_array_get_idx(suites, i);
		const char *id = json_object_get_string(json_object_object_get(js, "id"));
		long long ms = jint(js, cc->host ? "cpu_ms" : "ms");

		if (!id || ms < 0)
			continue;
		snprintf(cc->bin[cc->nbin].id, sizeof(cc->bin[0].id), "%s", id);
		cc->bin[cc->nbin].ms = (double)ms;
		cc->bin[cc->nbin].cases = ktap_cases(o, cell, id);
		cc->total_ms += (double)ms;
		cc->ncases += cc->bin[cc->nbin].cases;
		if (floor_ms > 0 && cc->bin[cc->nbin].cases)
			x[nx++] = (double)ms / cc->bin[cc->nbin].cases / floor_ms;
		cc->nbin++;
	}
	if (nx) {
		qsort(x, nx, sizeof(*x), cmp_double);
		cc->median_x = nx % 2 ? x[nx / 2] : (x[nx / 2 - 1] + x[nx / 2]) / 2;
	}
}

/* The newest results/kselftest/<id>/compare.json, or NULL. */
static json_object *newest_compare(const struct bench_opts *o, char *path, size_t size)
{
	char dir[PATH_MAX], err[PATH_MAX + 128], p[PATH_MAX];
	DIR *d;
	struct dirent *e;
	struct stat st;
	time_t best = 0;

	path[0] = 0;
	snprintf(dir, sizeof(dir), "%s/kselftest", o->results);
	if (!(d = opendir(dir)))
		return NULL;
	while ((e = readdir(d))) {
		snprintf(p, sizeof(p), "%s/%s/compare.json", dir, e->d_name);
		if (e->d_name[0] != '.' && !stat(p, &st) && st.st_mtime >= best) {
			best = st.st_mtime;
			snprintf(path, size, "%s", p);
		}
	}
	closedir(d);
	return path[0] ? json_read_object(path, err, sizeof(err)) : NULL;
}

/* Does our binary (suite/file) belong to a collection's "ours" list (suite or suite/file)? */
static bool ours_in(const char *bin, const char *ours)
{
	char list[512];

	snprintf(list, sizeof(list), "%s", ours ? ours : "");
	for (char *save = NULL, *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!strcmp(bin, t) || (!strncmp(bin, t, strlen(t)) && bin[strlen(t)] == '/'))
			return true;
	return false;
}

/* Peers: per collection, the selftests' and our ms per case from compare.json's
 * binaries (ours are listed without a collection: its "ours" list places them). */
static void print_peers(const struct bench_opts *o)
{
	char path[PATH_MAX];
	json_object *c = newest_compare(o, path, sizeof(path)), *bins, *colls;

	if (!c || !json_object_object_get_ex(c, "binaries", &bins) || !json_object_is_type(bins, json_type_array) ||
	    !json_object_object_get_ex(c, "collections", &colls) || !json_object_is_type(colls, json_type_array)) {
		printf("\npeers: no %s/kselftest/<id>/compare.json (make compare-kselftest first)\n", o->results);
		json_object_put(c);
		return;
	}
	printf("\npeers (%s: host wall ms per case, each side's binaries for that collection):\n", path);
	printf("%-18s %8s %8s %8s %8s %12s\n", "collection", "st cases", "st ms/c", "br cases", "br ms/c",
	       "selftests/br");
	for (size_t k = 0; k < json_object_array_length(colls); k++) {
		json_object *row = json_object_array_get_idx(colls, k);
		const char *coll = json_object_get_string(json_object_object_get(row, "collection"));
		const char *ours = json_object_get_string(json_object_object_get(row, "ours"));
		double ms[2] = {0, 0}, a, b;
		int cases[2] = {0, 0};

		if (!coll)
			continue;
		for (size_t i = 0; i < json_object_array_length(bins); i++) {
			json_object *x = json_object_array_get_idx(bins, i);
			const char *side = json_object_get_string(json_object_object_get(x, "side"));
			const char *bc = json_object_get_string(json_object_object_get(x, "collection"));
			const char *bn = json_object_get_string(json_object_object_get(x, "binary"));
			int sd = side && !strcmp(side, "blastradius");

			if (jint(x, "cases") <= 0 || jint(x, "ms") < 0 || !bn ||
			    !(sd ? ours_in(bn, ours) : bc && !strcmp(bc, coll)))
				continue;
			ms[sd] += (double)jint(x, "ms");
			cases[sd] += (int)jint(x, "cases");
		}
		a = cases[0] ? ms[0] / cases[0] : -1, b = cases[1] ? ms[1] / cases[1] : -1;
		printf("%-18s %8d ", coll, cases[0]);
		a >= 0 ? printf("%8.2f ", a) : printf("%8s ", "-");
		printf("%8d ", cases[1]);
		b >= 0 ? printf("%8.2f ", b) : printf("%8s ", "-");
		if (a > 0 && b > 0)
			printf("%11.1fx\n", a / b);
		else
			printf("%12s\n", "-");
	}
	json_object_put(c);
}

static void usage_bench(FILE *f)
{
	fprintf(f, "usage: blastradius bench [--kernels LIST] [--variants LIST] [-j N] [--results DIR]\n\n"
		   "Runs the matrix with a trivial init (-j1: the boot floor), the full suites (-j1,\n"
		   "with the harness floor first in each boot: empty cases; and -jN) and prints per\n"
		   "cell: boot to first KTAP line and to poweroff, the full/floor ratio, cost against\n"
		   "floor + suite time; per cell the harness floor (ms per empty case: guest wall,\n"
		   "host CPU) and the median binary's ms per case over it; the long poles (a binary\n"
		   "over 5%% of its cell's suite time); every binary's ms per case over its cell's\n"
		   "floor; the matrix wall time -j1 vs -jN; the host run; the peer comparison from\n"
		   "the newest DIR/kselftest/<id>/compare.json (make compare-kselftest); and the\n"
		   "performance targets as figures of this run. Nothing in it is an assertion.\n"
		   "Results go to DIR/bench-<UTC time>-{floor,j1,jN} (default DIR: results).\n");
}

int cmd_bench(int argc, char **argv)
{
	static const struct option lo[] = {
		{"kernels", required_argument, 0, 'k'}, {"variants", required_argument, 0, 'v'},
		{"results", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'}, {0},
	};
	struct bench_opts o = {.results = "results", .jobs = (int)sysconf(_SC_NPROCESSORS_ONLN)};
	long long w_floor, w_1, w_n;
	char dir[PATH_MAX], *dirs[1] = {dir};
	json_object *m;
	const char **cells;
	int n, c, ncc = 0, ref = 0, poles = 0, guest_cells = 0;
	struct cell_cost *cc;
	double host_ms, worst_median = -1, worst_partial = -1;
	long long host_wall = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", lo, NULL)) != -1) {
		if (c == 'k')
			o.kernels = optarg;
		else if (c == 'v')
			o.variants = optarg;
		else if (c == 'R')
			o.results = optarg;
		else if (c == 'j')
			o.jobs = atoi(optarg) > 0 ? atoi(optarg) : 1;
		else
			return help_or_usage(usage_bench, c);
	}
	if (optind < argc)
		die_usage("bench: unexpected argument '%s' (see blastradius bench --help)", argv[optind]);
	{
		time_t t = time(NULL);

		strftime(o.stamp, sizeof(o.stamp), "%Y%m%dT%H%M%SZ", gmtime(&t));
	}
	w_floor = run_matrix(&o, "floor", 1, true, false);
	fprintf(stderr, "[bench] the host's harness floor ...\n");
	host_ms = host_floor_ms();
	w_1 = run_matrix(&o, "j1", 1, false, true);
	w_n = run_matrix(&o, "jN", o.jobs, false, false);
	snprintf(dir, sizeof(dir), "%s/bench-%s-j1", o.results, o.stamp);
	m = matrix_load(dirs, 1);
	if (!m)
		die("bench: no results in %s", dir);
	cells = matrix_cells(m, &n);
	cc = calloc(n ? n : 1, sizeof(*cc));
	if (!cc)
		die("bench: out of memory");
	printf("%-24s %9s %9s %9s %9s %9s %7s %10s\n", "cell (-j1, seconds)", "floor:ktap", "floor:off",
	       "full:ktap", "full:off", "suites", "full/fl", "off/(fl+s)");
	for (int i = 0; i < n; i++) {
		json_object *fl = cell_json(&o, "floor", cells[i]), *fu = cell_json(&o, "j1", cells[i]);
		json_object *suites, *hf;
		long long sum = 0, fo = jint(fl, "wall_ms"), uo = jint(fu, "wall_ms");
		double ratio, floor_ms = -1;

		if (!fu) {
			json_object_put(fl);
			continue;
		}
		/* The -j1 boots also ran the harness floor first: not part of the cell's
		 * time, nor (cells one at a time) of the -j1 matrix's. */
		if (json_object_object_get_ex(fu, "harness_floor", &hf) && jint(hf, "cases") > 0) {
			floor_ms = jint(hf, "wall_us") / 1000.0 / (double)jint(hf, "cases");
			uo -= jint(hf, "wall_us") / 1000;
			w_1 -= jint(hf, "wall_us") / 1000;
		}
		if (!strcmp(json_object_get_string(json_object_object_get(fu, "machine")), "host"))
			floor_ms = host_ms;
		cell_cost(&o, cells[i], fu, floor_ms, &cc[ncc++]);
		if (json_object_object_get_ex(fu, "suites", &suites) && json_object_is_type(suites, json_type_array))
			for (size_t s = 0; s < json_object_array_length(suites); s++)
				sum += jint(json_object_array_get_idx(suites, s), "ms");
		if (!fl || cc[ncc - 1].host) {
			/* the host cell has no boot */
			printf("%-24s %9s %9s %9s %9.2f %9s %7s %10s\n", cells[i], "-", "-", "-", uo / 1000.0, "-", "-", "-");
			json_object_put(fl);
			json_object_put(fu);
			continue;
		}
		ratio = (double)uo / (double)(fo + sum);
		printf("%-24s %9.2f %9.2f %9.2f %9.2f %9.2f %6.1fx %10.2f\n", cells[i],
		       jint(fl, "first_ktap_ms") / 1000.0, fo / 1000.0, jint(fu, "first_ktap_ms") / 1000.0,
		       uo / 1000.0, sum / 1000.0, (double)uo / (double)fo, ratio);
		if (ratio > 1.2 || getenv("BR_BENCH_VERBOSE"))
			printf("    unaccounted %.2fs (boot, console, poweroff)\n", (uo - fo - sum) / 1000.0);
		json_object_put(fl);
		json_object_put(fu);
	}

	/* The harness floor and what each cell's cases cost over it. */
	printf("\nper-case cost (-j1 run; guests: guest wall ms, host: CPU ms; floor: an empty case,\n"
	       "fork + record + reap; median: over the cell's binaries of ms per case / floor):\n");
	printf("%-24s %6s %9s %9s %8s  %s\n", "cell", "cases", "suites s", "floor ms", "median", "largest binary (share)");
	for (int i = 0; i < ncc; i++) {
		int big = 0;

		for (int b = 1; b < cc[i].nbin; b++)
			if (cc[i].bin[b].ms > cc[i].bin[big].ms)
				big = b;
		printf("%-24s %6d %9.2f ", cc[i].cell, cc[i].ncases, cc[i].total_ms / 1000.0);
		if (cc[i].floor_ms > 0)
			printf("%9.2f ", cc[i].floor_ms);
		else
			printf("%9s ", "-");
		if (cc[i].median_x >= 0)
			printf("%7.1fx  ", cc[i].median_x);
		else
			printf("%8s  ", "-");
		if (cc[i].nbin && cc[i].total_ms > 0)
			printf("%s %.1f%%", cc[i].bin[big].id, 100 * cc[i].bin[big].ms / cc[i].total_ms);
		putchar('\n');
		if (!cc[i].host && !cc[i].partial[0]) {
			guest_cells++;
			if (cc[i].median_x > worst_median)
				worst_median = cc[i].median_x;
		} else if (!cc[i].host && cc[i].median_x > worst_partial) {
			worst_partial = cc[i].median_x;
		}
	}

	printf("\nlong poles (a binary over %.0f%% of its cell's suite time; x: ms per case / floor;\n"
	       "a variant's cell that runs some suite files only is not a cell's suite time):\n",
	       POLE_SHARE * 100);
	for (int i = 0; i < ncc; i++) {
		if (cc[i].partial[0]) {
			printf("  %-24s (runs %s only: not counted)\n", cc[i].cell, cc[i].partial);
			continue;
		}
		for (int b = 0; b < cc[i].nbin; b++) {
			double share = cc[i].total_ms > 0 ? cc[i].bin[b].ms / cc[i].total_ms : 0;

			if (share <= POLE_SHARE)
				continue;
			printf("  %-24s %-22s %5.1f%% (%.2fs, %d cases", cc[i].cell, cc[i].bin[b].id, 100 * share,
			       cc[i].bin[b].ms / 1000.0, cc[i].bin[b].cases);
			if (cc[i].floor_ms > 0 && cc[i].bin[b].cases)
				printf(", %.1fx", cc[i].bin[b].ms / cc[i].bin[b].cases / cc[i].floor_ms);
			printf(")\n");
			poles += !cc[i].host;
		}
	}
	if (!poles)
		printf("  none in a guest cell\n");

	/* Every binary, every cell: ms per case as a multiple of that cell's floor. */
	printf("\nper binary: ms per case / the cell's floor (cells:");
	for (int i = 0; i < ncc; i++)
		printf(" c%d=%s", i + 1, cc[i].cell);
	printf(")\n%-28s %5s", "binary", "cases");
	for (int i = 0; i < ncc; i++)
		printf(" %6s%d", "c", i + 1);
	putchar('\n');
	for (int i = 1; i < ncc; i++) /* rows: the cell with the most binaries */
		if (cc[i].nbin > cc[ref].nbin)
			ref = i;
	for (int b = 0; ncc && b < cc[ref].nbin; b++) {
		printf("%-28s %5d", cc[ref].bin[b].id, cc[ref].bin[b].cases);
		for (int i = 0; i < ncc; i++) {
			int k = 0;

			while (k < cc[i].nbin && strcmp(cc[i].bin[k].id, cc[ref].bin[b].id))
				k++;
			if (k < cc[i].nbin && cc[i].floor_ms > 0 && cc[i].bin[k].cases)
				printf(" %6.1fx", cc[i].bin[k].ms / cc[i].bin[k].cases / cc[i].floor_ms);
			else
				printf(" %7s", "-");
		}
		putchar('\n');
	}

	printf("\nmatrix wall: trivial -j1 %.1fs, full -j1 %.1fs, full -j%d %.1fs (%.2fx)\n", w_floor / 1000.0,
	       w_1 / 1000.0, o.jobs, w_n / 1000.0, (double)w_1 / (double)w_n);
	{
		json_object *h = cell_json(&o, "j1", "host"), *cases = json_object_object_get(m, "cases");
		int nh = 0;
		double cpu = 0;

		json_object_object_foreach(cases, k, row) {
			(void)k;
			nh += json_object_object_get_ex(row, "host", NULL);
		}
		for (int i = 0; i < ncc; i++)
			if (cc[i].host)
				cpu = cc[i].total_ms;
		if (h && nh) {
			host_wall = jint(h, "wall_ms");
			printf("host: %d cases in %.2fs wall (blastradius run -j%ld) = %.2f ms per case; %.2fs CPU "
			       "in the suite binaries\n",
			       nh, host_wall / 1000.0, sysconf(_SC_NPROCESSORS_ONLN), (double)host_wall / nh,
			       cpu / 1000.0);
		}
		json_object_put(h);
	}
	print_peers(&o);

	/* The targets, as figures of this run (never an assertion). */
	printf("\ntargets (figures of this run%s):\n", o.kernels || o.variants ? "; not the default matrix" : "");
	printf("  no suite binary above %.0f%% of a guest cell's suite time: %s (%d long poles in %d full guest cells)\n",
	       POLE_SHARE * 100, poles ? "does not hold" : "holds", poles, guest_cells);
	if (worst_median >= 0)
		printf("  median guest cost <= 3x the guest harness floor per case: %s (worst full cell %.1fx;"
		       " variants' cells of some files: up to %.1fx)\n",
		       worst_median <= 3 ? "holds" : "does not hold", worst_median, worst_partial);
	if (host_wall >= 0)
		printf("  host run of every case <= 1.0 s wall: %s (%.2fs)\n", host_wall <= 1000 ? "holds" : "does not hold",
		       host_wall / 1000.0);
	printf("  matrix <= 40 s wall at -j%d: %s (%.1fs)\n", o.jobs, w_n <= 40000 ? "holds" : "does not hold",
	       w_n / 1000.0);
	printf("  -j%d at least 1.8x faster than -j1: %s (%.2fx)\n", o.jobs,
	       (double)w_1 / (double)w_n >= 1.8 ? "holds" : "does not hold", (double)w_1 / (double)w_n);
	printf("Timings are wall clock on a shared machine (host figures: CPU): other load inflates them.\n");
	free(cc);
	free(cells);
	json_object_put(m);
	return BR_EXIT_PASS;
}
