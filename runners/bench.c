/*
 * `blastradius bench`: where the matrix's time goes. Runs the matrix three
 * times (trivial init -j1, full -j1, full -jN) and prints one table; nothing
 * in it is an assertion.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "codes.h"
#include "report.h"

struct bench_opts {
	const char *kernels, *variants, *results;
	int jobs;
	char stamp[32]; /* this bench's own run ids: never an older run's table */
};

/* Run `blastradius matrix` with extra args into results/bench-<stamp>-<what>; its wall ms. */
static long long run_matrix(const struct bench_opts *o, const char *what, int jobs, bool trivial)
{
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

static void usage_bench(FILE *f)
{
	fprintf(f, "usage: blastradius bench [--kernels LIST] [--variants LIST] [-j N] [--results DIR]\n\n"
		   "Runs the matrix with a trivial init (-j1: the boot floor), the full suites\n"
		   "(-j1 and -jN) and prints per cell: boot to first KTAP line and to poweroff,\n"
		   "the full/floor ratio, cost against floor + suite time, the slowest suites\n"
		   "where that exceeds 1.2, the matrix wall time -j1 vs -jN, and host ms per case.\n"
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
	int n, c;

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
	w_floor = run_matrix(&o, "floor", 1, true);
	w_1 = run_matrix(&o, "j1", 1, false);
	w_n = run_matrix(&o, "jN", o.jobs, false);
	snprintf(dir, sizeof(dir), "%s/bench-%s-j1", o.results, o.stamp);
	m = matrix_load(dirs, 1);
	if (!m)
		die("bench: no results in %s", dir);
	cells = matrix_cells(m, &n);
	printf("%-24s %9s %9s %9s %9s %9s %7s %10s\n", "cell (-j1, seconds)", "floor:ktap", "floor:off",
	       "full:ktap", "full:off", "suites", "full/fl", "off/(fl+s)");
	for (int i = 0; i < n; i++) {
		json_object *fl = cell_json(&o, "floor", cells[i]), *fu = cell_json(&o, "j1", cells[i]);
		json_object *suites;
		long long sum = 0, fo = jint(fl, "wall_ms"), uo = jint(fu, "wall_ms");
		double ratio;

		if (!fu)
			continue;
		if (json_object_object_get_ex(fu, "suites", &suites) && json_object_is_type(suites, json_type_array))
			for (size_t s = 0; s < json_object_array_length(suites); s++)
				sum += jint(json_object_array_get_idx(suites, s), "ms");
		if (!fl || !strcmp(json_object_get_string(json_object_object_get(fu, "machine")), "host")) {
			/* the host cell has no boot */
			printf("%-24s %9s %9s %9s %9.2f %9s %7s %10s\n", cells[i], "-", "-", "-", uo / 1000.0, "-", "-", "-");
			continue;
		}
		ratio = (double)uo / (double)(fo + sum);
		printf("%-24s %9.2f %9.2f %9.2f %9.2f %9.2f %6.1fx %10.2f\n", cells[i],
		       jint(fl, "first_ktap_ms") / 1000.0, fo / 1000.0, jint(fu, "first_ktap_ms") / 1000.0,
		       uo / 1000.0, sum / 1000.0, (double)uo / (double)fo, ratio);
		if (ratio > 1.2 || getenv("BR_BENCH_VERBOSE")) {
			/* Where the time goes: the three slowest suites in that guest. */
			json_object *top[3] = {0};

			for (size_t s = 0; s < json_object_array_length(suites); s++) {
				json_object *x = json_object_array_get_idx(suites, s);

				for (int t = 0; t < 3; t++)
					if (!top[t] || jint(x, "ms") > jint(top[t], "ms")) {
						memmove(top + t + 1, top + t, (2 - t) * sizeof(*top));
						top[t] = x;
						break;
					}
			}
			printf("    slowest suites:");
			for (int t = 0; t < 3 && top[t]; t++)
				printf(" %s %.2fs", json_object_get_string(json_object_object_get(top[t], "id")),
				       jint(top[t], "ms") / 1000.0);
			printf("; unaccounted %.2fs (boot, console, poweroff)\n", (uo - fo - sum) / 1000.0);
		}
		json_object_put(fl);
		json_object_put(fu);
	}
	printf("\nmatrix wall: trivial -j1 %.1fs, full -j1 %.1fs, full -j%d %.1fs (%.2fx)\n", w_floor / 1000.0,
	       w_1 / 1000.0, o.jobs, w_n / 1000.0, (double)w_1 / (double)w_n);
	{
		json_object *h = cell_json(&o, "j1", "host"), *cases = json_object_object_get(m, "cases");
		int nh = 0;

		json_object_object_foreach(cases, k, row) {
			(void)k;
			nh += json_object_object_get_ex(row, "host", NULL);
		}
		if (h && nh)
			printf("host: %d cases in %.2fs = %.2f ms per case (suite binaries in parallel)\n", nh,
			       jint(h, "wall_ms") / 1000.0, (double)jint(h, "wall_ms") / nh);
		json_object_put(h);
	}
	printf("Timings are wall clock on a shared machine: other load inflates them.\n");
	free(cells);
	json_object_put(m);
	return BR_EXIT_PASS;
}
