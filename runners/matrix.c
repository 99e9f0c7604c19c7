/*
 * `blastradius matrix`: the suites on many kernels, one QEMU guest per cell.
 *
 * A cell is a kernel plus an optional boot-parameter variant ("bookworm-generic+x32").
 * Guests boot our initramfs (runners/guest/init.c) with no disk and no modules,
 * print KTAP between nonce markers on the serial console, and power off. The
 * fastest boot under TCG is -machine microvm with the PVH vmlinux, which needs
 * tsc_early_khz= or timer calibration can hang; kernels without a PVH entry boot
 * their bzImage on -machine pc. The "host" cell runs `blastradius run` directly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "cli.h"
#include "codes.h"
#include "kernels.h"
#include "proc.h"
#include "report.h"

/* ---- variants: named boot-parameter sets ---- */

struct variant {
	const char *name, *desc;
	bool in_all;
	/* Without --variants, the one kernel it runs on (NULL: see the default list). */
	const char *default_on;
	/* Fills the extra cmdline for k; false when the variant does not apply to k. */
	bool (*applies)(const struct kernel *k, char *append, size_t len);
	/* The suite files its boot parameter can change (globs over <suite>.<file>, comma
	 * separated); its cell runs only those unless --all-suites. NULL: every file. */
	const char *suites;
};

/* The facts files run in every cell: a restricted cell still has its key facts. */
#define V_FACTS "*.facts,"

static bool config_is(const struct kernel *k, const char *opt, const char *want)
{
	char *v = kernel_config(k, opt);
	bool yes = v && (!want ? true : !strcmp(v, want));

	free(v);
	return yes;
}

static bool v_x32(const struct kernel *k, char *a, size_t l)
{
	/* Generic Debian kernels build x32 in but keep it off unless booted with this. */
	snprintf(a, l, "syscall.x32=y");
	return config_is(k, "CONFIG_X86_X32_ABI", "y");
}

static bool v_noia32(const struct kernel *k, char *a, size_t l)
{
	/* ia32_emulation= exists since 6.7, which added CONFIG_IA32_EMULATION_DEFAULT_DISABLED. */
	snprintf(a, l, "ia32_emulation=0");
	return config_is(k, "CONFIG_IA32_EMULATION", "y") &&
	       config_is(k, "CONFIG_IA32_EMULATION_DEFAULT_DISABLED", NULL);
}

/* lsm= the kernel's default CONFIG_LSM order without drop (a comma list);
 * false when the kernel has no CONFIG_LSM. */
static bool lsm_without(const struct kernel *k, const char *drop, char *a, size_t l)
{
	char *lsm = kernel_config(k, "CONFIG_LSM"), *out, key[64];
	size_t n = 0;

	if (!lsm)
		return false;
	out = calloc(1, strlen(lsm) + 1);
	for (char *t = strtok(lsm, "\","); t; t = strtok(NULL, "\",")) {
		snprintf(key, sizeof(key), ",%s,", t);
		if (!strstr(drop, key))
			n += sprintf(out + n, "%s%s", n ? "," : "", t);
	}
	snprintf(a, l, "lsm=%s", out);
	free(out);
	free(lsm);
	return true;
}

static bool v_nolandlock(const struct kernel *k, char *a, size_t l)
{
	return config_is(k, "CONFIG_SECURITY_LANDLOCK", "y") && lsm_without(k, ",landlock,", a, l);
}

/* Without AppArmor the next exclusive LSM in the list (SELinux, else Smack)
 * would lead instead; this cell has no labelling MAC at all, as on a host
 * without one (the SELinux cases belong to the selinux cell). */
static bool v_noapparmor(const struct kernel *k, char *a, size_t l)
{
	return config_is(k, "CONFIG_SECURITY_APPARMOR", "y") &&
	       lsm_without(k, ",apparmor,selinux,smack,", a, l);
}

static bool v_selinux(const struct kernel *k, char *a, size_t l)
{
	size_t n;

	/* AppArmor comes first in Debian's list and is exclusive like SELinux:
	 * without it SELinux is the major LSM. Our policy is loaded by the init. */
	if (!config_is(k, "CONFIG_SECURITY_SELINUX", "y") || !lsm_without(k, ",apparmor,", a, l))
		return false;
	n = strlen(a);
	snprintf(a + n, l - n, " enforcing=1");
	return true;
}

static bool v_nouserns(const struct kernel *k, char *a, size_t l)
{
	snprintf(a, l, "sysctl.user.max_user_namespaces=0");
	return config_is(k, "CONFIG_USER_NS", "y");
}

static bool v_badinit(const struct kernel *k, char *a, size_t l)
{
	(void)k;
	/* No init anywhere: the kernel panics. Proves a broken cell ends "incomplete". */
	snprintf(a, l, "rdinit=/nonexistent init=/nonexistent");
	return true;
}

static const struct variant variants[] = {
	{"x32", "syscall.x32=y where x32 is built in (the generic kernel)", true, NULL, v_x32,
	 V_FACTS "lib.probe,lib.seccomp,seccomp.*"},
	{"noia32", "ia32_emulation=0 where the kernel knows it (6.7+)", true, NULL, v_noia32,
	 V_FACTS "lib.probe,lib.seccomp,seccomp.*"},
	{"nolandlock", "lsm= without landlock", true, NULL, v_nolandlock, NULL}, /* any Landlock user */
	{"noapparmor", "lsm= without apparmor, selinux, smack: no labelling MAC", true, "bookworm-generic",
	 v_noapparmor, V_FACTS "mac.*"},
	{"nouserns", "sysctl.user.max_user_namespaces=0", true, NULL, v_nouserns, NULL}, /* most cases */
	{"selinux", "lsm= without AppArmor (SELinux leads), enforcing=1", true,
	 "bookworm-cloud", v_selinux, V_FACTS "mac.*"},
	{"badinit", "rdinit= that does not exist: a forced panic (tests the incomplete path)", false,
	 NULL, v_badinit, NULL},
	{0},
};

/* ---- cells ---- */

enum cell_state { C_WAIT, C_RUN, C_DONE };

struct cell {
	char name[200];
	struct kernel *k;
	const struct variant *v;
	char append[512];
	char accel[8];
	const char *machine; /* "microvm" or "pc", as booted */
	const char *suites;  /* the variant's suite files (blastradius.suites=); NULL: all */
	char cmdline[1100];  /* the kernel command line, as booted */
	enum cell_state state;
	pid_t pid;
	int fd;
	char *out;
	size_t len, cap;
	long long t0, t_begin, t_end, t_exit;
	int status;
	bool complete, killed, timed_out, retried;
	char reason[256];
	char nonce[24];
	unsigned npass, nfail, nskip;
	long long est_ms; /* its wall time in the last run, for the estimate; 0: unknown */
};

struct mopts {
	const char *kernels, *variants, *results, *id, *initramfs, *baselines, *shard;
	const char *accel, *cpu, *machine, *append;
	int jobs, timeout, memory, shard_i, shard_n;
	bool check_baseline, trivial, no_fetch, update, variants_given, all_suites;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The host's TSC frequency in kHz: TCG guests see the host TSC, and microvm needs
 * tsc_early_khz= to skip a calibration that can hang without a PIT. */
static unsigned long tsc_khz(void)
{
	struct timespec a, b;
	unsigned long long c0, c1;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	c0 = __rdtsc();
	do {
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	} while (ns < 20000000); /* a 20 ms spin: measurement, not synchronisation */
	c1 = __rdtsc();
	return (unsigned long)((c1 - c0) * 1000000ULL / (unsigned long long)ns);
}

static const char *self_exe(void)
{
	static char exe[PATH_MAX];
	ssize_t n;

	if (!exe[0]) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			die("/proc/self/exe: %s", strerror(errno));
		exe[n] = 0;
	}
	return exe;
}

/* Strings the QEMU argv points into. */
struct qemu_bufs {
	char mem[16], machine[64], cmdline[1100];
};

static void qemu_argv(struct cell *c, const struct mopts *o, unsigned long khz, char **av,
		      struct qemu_bufs *b)
{
	int n = 0;
	bool micro = c->k->vmlinux[0] && strcmp(o->machine, "pc");
	char *cmdline = b->cmdline;

	snprintf(b->mem, sizeof(b->mem), "%d", o->memory);
	snprintf(b->machine, sizeof(b->machine), "%s,accel=%s", micro ? "microvm" : "pc", c->accel);
	snprintf(cmdline, sizeof(b->cmdline),
		 "console=ttyS0 loglevel=1 panic=-1 rdinit=/init blastradius.guest=1 blastradius.nonce=%s%s%s%s%s",
		 c->nonce, o->trivial ? " blastradius.trivial=1" : "",
		 strcmp(c->accel, "tcg") ? "" : " blastradius.timeout_scale=10", c->append[0] ? " " : "",
		 c->append);
	if (c->suites)
		snprintf(cmdline + strlen(cmdline), sizeof(b->cmdline) - strlen(cmdline), " blastradius.suites=%s",
			 c->suites);
	if (o->append)
		snprintf(cmdline + strlen(cmdline), sizeof(b->cmdline) - strlen(cmdline), " %s", o->append);
	if (micro && !strcmp(c->accel, "tcg"))
		snprintf(cmdline + strlen(cmdline), sizeof(b->cmdline) - strlen(cmdline), " tsc_early_khz=%lu", khz);
	/* A loaded host stalls TCG guests long enough for the clocksource watchdog to
	 * drop the TSC (vDSO facts then flip between runs): trust it. */
	if (!strcmp(c->accel, "tcg"))
		snprintf(cmdline + strlen(cmdline), sizeof(b->cmdline) - strlen(cmdline), " tsc=reliable");
	c->machine = micro ? "microvm" : "pc";
	snprintf(c->cmdline, sizeof(c->cmdline), "%s", cmdline);
	av[n++] = "qemu-system-x86_64";
	av[n++] = "-machine", av[n++] = b->machine;
	/*
	 * TCG: a plain qemu64 runs the suites ~1.3x faster than "max" (glibc picks
	 * SSE2 string functions over AVX ones that TCG emulates slowly). Without CX16
	 * because QEMU 7.2's cmpxchg16b emulation breaks SLUB's per-cpu fast path on
	 * 6.12 (double faults in kmem_cache_alloc in 3 of 6 boots, 0 of 6 without).
	 */
	av[n++] = "-cpu";
	av[n++] = (char *)(o->cpu ? o->cpu : strcmp(c->accel, "kvm") ? "qemu64,-cx16" : "host");
	av[n++] = "-m", av[n++] = b->mem;
	av[n++] = "-smp", av[n++] = "1";
	av[n++] = "-nodefaults", av[n++] = "-no-user-config", av[n++] = "-display", av[n++] = "none";
	av[n++] = "-no-reboot"; /* panic=-1 reboots at once; -no-reboot turns that into an exit */
	av[n++] = "-serial", av[n++] = "stdio";
	av[n++] = "-kernel", av[n++] = micro ? c->k->vmlinux : c->k->image;
	av[n++] = "-initrd", av[n++] = (char *)o->initramfs;
	av[n++] = "-append", av[n++] = cmdline;
	av[n] = NULL;
}

static void start_guest(struct cell *c, const struct mopts *o, unsigned long khz)
{
	pid_t parent = getpid();
	char *av[40];
	struct qemu_bufs bufs;
	int p[2];

	snprintf(c->nonce, sizeof(c->nonce), "%08lx%04x", (unsigned long)time(NULL) ^ (unsigned long)getpid(),
		 (unsigned)(mono_ms() & 0xffff));
	qemu_argv(c, o, khz, av, &bufs);
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	c->len = 0;
	c->t0 = mono_ms();
	c->t_begin = c->t_end = c->t_exit = 0;
	c->pid = fork();
	if (c->pid < 0)
		die("fork: %s", strerror(errno));
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		die_with_parent(parent); /* a killed matrix takes its guests along */
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(av[0], av);
		fprintf(stderr, "blastradius: exec %s: %s (install qemu-system-x86)\n", av[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(c->pid, c->pid); /* also here: a Ctrl-C right after fork must find the group */
	close(p[1]);
	c->fd = p[0];
	c->state = C_RUN;
}

/* The host cell: `blastradius run` into a scratch dir, then moved under the run. */
static void start_host(struct cell *c, const char *rundir)
{
	pid_t parent = getpid();
	char dir[PATH_MAX];
	int p[2];

	snprintf(dir, sizeof(dir), "%s/.host", rundir);
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	c->len = 0;
	c->t0 = mono_ms();
	c->pid = fork();
	if (c->pid == 0) {
		char *av[] = {(char *)self_exe(), "run", "--results", dir, "--id", "run", NULL};
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		die_with_parent(parent);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(av[0], av);
		_exit(127);
	}
	setpgid(c->pid, c->pid);
	close(p[1]);
	c->fd = p[0];
	c->state = C_RUN;
	snprintf(c->accel, sizeof(c->accel), "none");
}

static char *marker(struct cell *c, const char *what, char *from)
{
	char m[96];

	snprintf(m, sizeof(m), "@@BR:%s:%s", c->nonce, what);
	return from ? strstr(from, m) : NULL;
}

static void write_text(const char *dir, const char *name, const char *data, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_file(path, data, len))
		die("cannot write %s: %s", path, strerror(errno));
}

/* Split a finished guest's console into per-suite KTAP, facts.json and cell.json. */
static void finish_guest(struct cell *c, const char *celldir)
{
	char *begin, *end, *s;
	json_object *facts = kernel_facts(c->k), *suites = json_object_new_array();
	long long guest_begin = -1, guest_end = -1, mem_free = -1, floor_n = 0, floor_wall = -1, floor_cpu = -1;

	mkdir_p(celldir);
	write_text(celldir, "console.log", c->out ? c->out : "", c->len);
	begin = marker(c, "BEGIN", c->out);
	end = marker(c, "END", begin);
	if (begin) {
		sscanf(strstr(begin, "uptime_ms=") + 10, "%lld", &guest_begin);
		if (strstr(begin, "mem_free_kb="))
			sscanf(strstr(begin, "mem_free_kb=") + 12, "%lld", &mem_free);
	}
	if (end)
		sscanf(strstr(end, "uptime_ms=") + 10, "%lld", &guest_end);
	/* The harness floor (make bench): before and after the suites, summed. */
	for (s = marker(c, "FLOOR ", begin); s && (!end || s < end); s = marker(c, "FLOOR ", s + 1)) {
		long long fn, fw, fc;

		if (sscanf(s, "%*[^ ] cases=%lld wall_us=%lld cpu_us=%lld", &fn, &fw, &fc) == 3 && fn > 0)
			floor_n += fn, floor_wall = (floor_wall < 0 ? 0 : floor_wall) + fw,
			floor_cpu = (floor_cpu < 0 ? 0 : floor_cpu) + fc;
	}
	for (s = marker(c, "SUITE ", begin); s && (!end || s < end);) {
		char id[256], *ktap = strstr(s, "@@\n"), *exit_m, *next;
		int st = -1;
		long long ms = -1;

		if (!ktap || sscanf(s + strlen("@@BR::SUITE ") + strlen(c->nonce), "%255[^@]", id) != 1)
			break;
		ktap += 3;
		exit_m = marker(c, "EXIT ", ktap);
		next = marker(c, "SUITE ", ktap);
		if (exit_m && (!end || exit_m < end) && (!next || exit_m < next)) {
			char *p = strstr(exit_m, "status=");

			if (p)
				sscanf(p, "status=%d ms=%lld", &st, &ms);
		} else {
			exit_m = next ? next : (end ? end : c->out + c->len);
		}
		{
			char name[300];
			json_object *js = json_object_new_object();

			snprintf(name, sizeof(name), "%s.ktap", id);
			write_text(celldir, name, ktap, exit_m - ktap);
			/* Facts: "# fact k=v" lines of the KTAP. */
			for (char *l = ktap; l && l < exit_m; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
				if (!strncmp(l, "# fact ", 7)) {
					char *eq = strchr(l + 7, '='), *nl = strchr(l, '\n');
					char key[256];

					if (!eq || (nl && eq > nl))
						continue;
					snprintf(key, sizeof(key), "%.*s", (int)(eq - l - 7), l + 7);
					if (!json_object_object_get_ex(facts, key, NULL))
						json_object_object_add(facts, key,
							json_object_new_string_len(eq + 1, nl ? (int)(nl - eq - 1) : (int)strlen(eq + 1)));
				}
			}
			json_object_object_add(js, "id", json_object_new_string(id));
			json_object_object_add(js, "exit", json_object_new_int(st));
			json_object_object_add(js, "ms", json_object_new_int64(ms));
			json_object_array_add(suites, js);
		}
		s = next;
	}
	c->complete = begin && end && !c->killed;
	/* A truncated initramfs leaves suites missing or crashing: not a result to trust. */
	if (c->complete && strstr(c->out, "Initramfs unpacking failed")) {
		c->complete = false;
		snprintf(c->reason, sizeof(c->reason),
			 "the initramfs did not fit in guest memory (raise --memory)");
	}
	if (!c->complete && !c->reason[0]) {
		if (c->timed_out)
			snprintf(c->reason, sizeof(c->reason), "timeout: no end marker after the per-cell limit");
		else if (c->killed)
			snprintf(c->reason, sizeof(c->reason), "interrupted");
		else if (c->out && strstr(c->out, "Kernel panic"))
			snprintf(c->reason, sizeof(c->reason), "kernel panic (see console.log)");
		else if (!begin)
			snprintf(c->reason, sizeof(c->reason), "guest exited before the start marker (qemu status %d)",
				 c->status);
		else
			snprintf(c->reason, sizeof(c->reason), "guest exited before the end marker");
	}
	json_object_object_add(facts, "guest.accel", json_object_new_string(c->accel));
	json_object_object_add(facts, "guest.machine",
			       json_object_new_string(c->machine));
	if (c->v)
		json_object_object_add(facts, "guest.variant", json_object_new_string(c->v->name));
	json_object_object_add(facts, "guest.suites", json_object_new_string(c->suites ? c->suites : "all"));
	{
		char path[PATH_MAX];
		json_object *cj = json_object_new_object();

		snprintf(path, sizeof(path), "%s/facts.json", celldir);
		json_write_file(path, facts);
		json_object_object_add(cj, "cell", json_object_new_string(c->name));
		json_object_object_add(cj, "kernel", json_object_new_string(c->k->name));
		json_object_object_add(cj, "release", json_object_new_string(c->k->release));
		json_object_object_add(cj, "variant", json_object_new_string(c->v ? c->v->name : ""));
		json_object_object_add(cj, "append", json_object_new_string(c->append));
		json_object_object_add(cj, "suite_files", json_object_new_string(c->suites ? c->suites : "all"));
		json_object_object_add(cj, "cmdline", json_object_new_string(c->cmdline));
		json_object_object_add(cj, "accel", json_object_new_string(c->accel));
		json_object_object_add(cj, "machine", json_object_new_string(c->machine));
		json_object_object_add(cj, "status", json_object_new_string(c->complete ? "complete" : "incomplete"));
		json_object_object_add(cj, "reason", json_object_new_string(c->reason));
		json_object_object_add(cj, "retried", json_object_new_boolean(c->retried));
		json_object_object_add(cj, "wall_ms", json_object_new_int64(c->t_exit - c->t0));
		json_object_object_add(cj, "first_ktap_ms", json_object_new_int64(c->t_begin ? c->t_begin - c->t0 : -1));
		json_object_object_add(cj, "end_marker_ms", json_object_new_int64(c->t_end ? c->t_end - c->t0 : -1));
		json_object_object_add(cj, "guest_init_uptime_ms", json_object_new_int64(guest_begin));
		json_object_object_add(cj, "guest_end_uptime_ms", json_object_new_int64(guest_end));
		json_object_object_add(cj, "guest_mem_free_kb", json_object_new_int64(mem_free));
		if (floor_n > 0) {
			/* The harness floor (guest init, `SUITE -F N`): for make bench. */
			json_object *fl = json_object_new_object();

			json_object_object_add(fl, "cases", json_object_new_int64(floor_n));
			json_object_object_add(fl, "wall_us", json_object_new_int64(floor_wall));
			json_object_object_add(fl, "cpu_us", json_object_new_int64(floor_cpu));
			json_object_object_add(cj, "harness_floor", fl);
		}
		json_object_object_add(cj, "suites", suites);
		snprintf(path, sizeof(path), "%s/cell.json", celldir);
		json_write_file(path, cj);
		json_object_put(cj);
	}
	json_object_put(facts);
}

static void finish_host(struct cell *c, const char *rundir, const char *celldir)
{
	char from[PATH_MAX], scratch[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 128];
	json_object *cj = json_object_new_object(), *facts;
	int code = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);

	snprintf(scratch, sizeof(scratch), "%s/.host", rundir);
	snprintf(from, sizeof(from), "%s/run/host", scratch);
	c->complete = !c->killed && (code == BR_EXIT_PASS || code == BR_EXIT_FAIL || code == BR_EXIT_SKIP) &&
		      !rename(from, celldir);
	if (!c->complete && !c->reason[0])
		snprintf(c->reason, sizeof(c->reason), c->killed ? "interrupted" : "blastradius run exited %d", code);
	mkdir_p(celldir);
	write_text(celldir, "console.log", c->out ? c->out : "", c->len);
	{
		/* Per suite binary ms and cpu_ms from the run's run.json, as a guest cell has them. */
		json_object *run, *suites;

		snprintf(path, sizeof(path), "%s/run/run.json", scratch);
		if ((run = json_read_object(path, err, sizeof(err))) &&
		    json_object_object_get_ex(run, "suites", &suites))
			json_object_object_add(cj, "suites", json_object_get(suites));
		json_object_put(run);
	}
	run_cmd((char *[]){"rm", "-rf", scratch, NULL}, NULL, NULL, true);
	/* Add the kernel's config facts next to what the suites reported. */
	snprintf(path, sizeof(path), "%s/facts.json", celldir);
	if (!(facts = json_read_object(path, err, sizeof(err))))
		facts = json_object_new_object(); /* the run failed: the cell is incomplete anyway */
	{
		json_object *kf = kernel_facts(c->k);

		json_object_object_foreach(kf, key, val)
			if (!json_object_object_get_ex(facts, key, NULL))
				json_object_object_add(facts, key, json_object_get(val));
		json_object_put(kf);
	}
	json_object_object_add(facts, "guest.accel", json_object_new_string("none"));
	json_object_object_add(facts, "guest.suites", json_object_new_string("all"));
	json_write_file(path, facts);
	json_object_put(facts);
	json_object_object_add(cj, "cell", json_object_new_string("host"));
	json_object_object_add(cj, "kernel", json_object_new_string("host"));
	json_object_object_add(cj, "release", json_object_new_string(c->k->release));
	json_object_object_add(cj, "variant", json_object_new_string(""));
	json_object_object_add(cj, "suite_files", json_object_new_string("all"));
	json_object_object_add(cj, "accel", json_object_new_string("none"));
	json_object_object_add(cj, "machine", json_object_new_string("host"));
	json_object_object_add(cj, "status", json_object_new_string(c->complete ? "complete" : "incomplete"));
	json_object_object_add(cj, "reason", json_object_new_string(c->reason));
	json_object_object_add(cj, "wall_ms", json_object_new_int64(c->t_exit - c->t0));
	snprintf(path, sizeof(path), "%s/cell.json", celldir);
	json_write_file(path, cj);
	json_object_put(cj);
}

/* ---- KVM: only after a short, bounded check that a guest really runs ---- */

static bool kvm_works(struct kernel *k, const struct mopts *o)
{
	struct mopts q = *o;
	struct cell c = {.k = k};
	long long deadline;
	bool ok = false;

	if (access("/dev/kvm", R_OK | W_OK))
		return false;
	q.trivial = true;
	snprintf(c.accel, sizeof(c.accel), "kvm");
	start_guest(&c, &q, 0);
	deadline = mono_ms() + 4000;
	fcntl(c.fd, F_SETFL, O_NONBLOCK);
	while (mono_ms() < deadline && !ok) {
		struct pollfd p = {c.fd, POLLIN, 0};
		ssize_t r;

		poll(&p, 1, 100);
		r = read_more(c.fd, &c.out, &c.len, &c.cap, 8192);
		if (r == 0)
			break;
		if (r > 0)
			ok = marker(&c, "END", c.out) != NULL;
	}
	kill(-c.pid, SIGKILL);
	waitpid(c.pid, NULL, 0);
	close(c.fd);
	free(c.out);
	return ok;
}

/* ---- the run ---- */

static void usage_matrix(FILE *f)
{
	fprintf(f,
		"usage: blastradius matrix [--kernels LIST] [--variants LIST|all|none] [-j N]\n"
		"         [--accel kvm|tcg|auto] [--timeout SEC] [--memory MIB] [--shard I/N]\n"
		"         [--results DIR] [--id RUN_ID] [--initramfs FILE] [--check-baseline]\n"
		"         [--baselines DIR] [--no-fetch] [--update] [--trivial] [--cpu MODEL]\n"
		"         [--machine auto|pc] [--append ARGS] [--all-suites]\n\n"
		"Runs every suite binary on each kernel in a QEMU guest (and on the host), one\n"
		"cell per kernel and boot-parameter variant, then writes the reports.\n\n"
		"  --kernels LIST   comma-separated kernels (see 'blastradius kernels --help');\n"
		"                   default: the default aliases and host\n"
		"  --variants LIST  comma-separated variants, 'all' or 'none' (default: x32,\n"
		"                   and each one marked 'default on K' on that kernel only);\n"
		"                   a variant makes an extra column wherever it applies:\n");
	for (const struct variant *v = variants; v->name; v++)
		fprintf(f, "                     %-11s %s%s%s%s%s\n", v->name, v->desc,
			v->in_all ? "" : " (not in all)", v->default_on ? " (default on " : "",
			v->default_on ? v->default_on : "", v->default_on ? ")" : "");
	fprintf(f, "                   a variant's cell runs only the suite files its boot\n"
		   "                   parameter can change:\n");
	for (const struct variant *v = variants; v->name; v++)
		if (v->suites)
			fprintf(f, "                     %-11s %s\n", v->name, v->suites);
	fprintf(f,
		"  -j N             guests in parallel (default: online cpus)\n"
		"  --accel A        kvm, tcg or auto (default): auto uses KVM only after a\n"
		"                   bounded check boots a guest, and reruns under TCG any cell\n"
		"                   that KVM leaves incomplete\n"
		"  --timeout SEC    per-cell limit (default 120); then the cell is incomplete\n"
		"  --memory MIB     guest memory (default 256)\n"
		"  --cpu MODEL      QEMU -cpu (default: qemu64,-cx16 under TCG, host under KVM)\n"
		"  --append ARGS    more kernel command line for every guest (e.g. loglevel=7,\n"
		"                   blastradius.suite_timeout=SEC: per suite binary, default 60)\n"
		"  --machine M      auto (microvm with the PVH vmlinux when the kernel has one,\n"
		"                   else pc with the bzImage) or pc (always the bzImage)\n"
		"  --shard I/N      run only cells I, I+N, ... (1-based) for CI fan-out;\n"
		"                   'blastradius report' merges the shards' result dirs\n"
		"  --check-baseline fail when a verdict regressed from fixtures/baselines/<kernel>.json\n"
		"  --baselines DIR  where baselines live (default fixtures/baselines, else the\n"
		"                   installed share/blastradius/baselines); implies --check-baseline\n"
		"  --no-fetch       use only cached kernels; --update refreshes apt lists\n"
		"  --trivial        boot without suites (the boot-time floor; for make bench)\n"
		"  --all-suites     every suite file in every cell, variants' cells included\n\n"
		"Writes DIR/<run-id>/<cell>/{<suite>.<file>.ktap,facts.json,cell.json,console.log},\n"
		"run.json and matrix.{json,md,html}, junit.xml. A panic, hang or missing end\n"
		"marker makes a cell 'incomplete' and keeps its console.log. Ctrl-C stops every\n"
		"guest and keeps what finished.\n"
		"Exit: 0 all complete and nothing failed, 1 a failure, an incomplete cell or a\n"
		"baseline regression, 2 bad usage.\n");
}

static void parse_opts(int argc, char **argv, struct mopts *o)
{
	static const struct option lo[] = {
		{"kernels", required_argument, 0, 'k'}, {"variants", required_argument, 0, 'v'},
		{"accel", required_argument, 0, 'a'},   {"timeout", required_argument, 0, 't'},
		{"memory", required_argument, 0, 'm'},  {"shard", required_argument, 0, 's'},
		{"results", required_argument, 0, 'R'}, {"id", required_argument, 0, 'i'},
		{"initramfs", required_argument, 0, 'I'}, {"check-baseline", no_argument, 0, 'c'},
		{"baselines", required_argument, 0, 'B'}, {"no-fetch", no_argument, 0, 'n'},
		{"update", no_argument, 0, 'u'},        {"trivial", no_argument, 0, 'T'},
		{"cpu", required_argument, 0, 'C'},     {"machine", required_argument, 0, 'M'},
		{"append", required_argument, 0, 'A'},  {"all-suites", no_argument, 0, 'S'},
		{"help", no_argument, 0, 'h'},          {0},
	};
	static char initrd[PATH_MAX];
	int c;

	*o = (struct mopts){.variants = "x32", .results = "results", .accel = "auto", .machine = "auto",
			    .timeout = 120,
			    .memory = 256, .baselines = "fixtures/baselines", .shard_i = 1, .shard_n = 1};
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:h", lo, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernels = optarg; break;
		case 'v': o->variants = optarg, o->variants_given = true; break;
		case 'a':
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg") && strcmp(optarg, "auto"))
				die_usage("--accel wants kvm, tcg or auto, got '%s'", optarg);
			o->accel = optarg;
			break;
		case 't': o->timeout = atoi(optarg); break;
		case 'm': o->memory = atoi(optarg); break;
		case 'j': o->jobs = atoi(optarg); break;
		case 's':
			if (sscanf(optarg, "%d/%d", &o->shard_i, &o->shard_n) != 2 || o->shard_n < 1 ||
			    o->shard_i < 1 || o->shard_i > o->shard_n)
				die_usage("--shard wants I/N with 1 <= I <= N, got '%s'", optarg);
			break;
		case 'R': o->results = optarg; break;
		case 'i': o->id = optarg; break;
		case 'I': o->initramfs = optarg; break;
		case 'c': o->check_baseline = true; break;
		case 'B': o->baselines = optarg, o->check_baseline = true; break;
		case 'n': o->no_fetch = true; break;
		case 'u': o->update = true; break;
		case 'T': o->trivial = true; break;
		case 'C': o->cpu = optarg; break;
		case 'A': o->append = optarg; break;
		case 'S': o->all_suites = true; break;
		case 'M':
			if (strcmp(optarg, "auto") && strcmp(optarg, "pc"))
				die_usage("--machine wants auto or pc, got '%s'", optarg);
			o->machine = optarg;
			break;
		default: exit(help_or_usage(usage_matrix, c));
		}
	}
	if (optind < argc)
		die_usage("matrix: unexpected argument '%s' (see blastradius matrix --help)", argv[optind]);
	if (o->jobs < 1 || o->timeout < 1 || o->memory < 64)
		die_usage("matrix: -j, --timeout and --memory want positive numbers (memory >= 64)");
	if (!o->initramfs) {
		/* Next to the CLI in the build tree, else where make install puts it. */
		snprintf(initrd, sizeof(initrd), "%s", self_exe());
		strcpy(strrchr(initrd, '/') + 1, "initramfs.cpio");
		if (access(initrd, R_OK)) {
			snprintf(initrd, sizeof(initrd), "%s", self_exe());
			snprintf(strrchr(initrd, '/') + 1, sizeof(initrd) - (strrchr(initrd, '/') + 1 - initrd),
				 "../libexec/blastradius/initramfs.cpio");
		}
		o->initramfs = initrd;
	}
}

static bool variant_selected(const struct mopts *o, const struct variant *v, const struct kernel *k)
{
	char list[512];

	/* The default set keeps such a variant to one kernel: a column, not a row per kernel. */
	if (!o->variants_given && v->default_on)
		return !strcmp(k->name, v->default_on);
	if (!strcmp(o->variants, "none"))
		return false;
	if (!strcmp(o->variants, "all"))
		return v->in_all;
	snprintf(list, sizeof(list), ",%s,", o->variants);
	{
		char key[64];

		snprintf(key, sizeof(key), ",%s,", v->name);
		return strstr(list, key) != NULL;
	}
}

/* Kernels, then cells: each kernel bare, then with each selected variant that applies. */
static struct cell *plan(const struct mopts *o, size_t *ncells, struct kernel **ks_out)
{
	char list[2048], *save = NULL;
	struct kernel *ks = calloc(64, sizeof(*ks));
	struct cell *cells = calloc(64 * 8, sizeof(*cells));
	size_t nk = 0, n = 0, all = 0;

	if (o->kernels) {
		snprintf(list, sizeof(list), "%s", o->kernels);
	} else {
		list[0] = 0;
		for (int i = 0; kernel_aliases[i].name; i++)
			if (kernel_aliases[i].is_default)
				strcat(strcat(list, kernel_aliases[i].name), ",");
		strcat(list, "host");
	}
	if (strcmp(o->variants, "all") && strcmp(o->variants, "none")) {
		char vl[512], *vs = NULL;

		snprintf(vl, sizeof(vl), "%s", o->variants);
		for (char *t = strtok_r(vl, ",", &vs); t; t = strtok_r(NULL, ",", &vs)) {
			const struct variant *v = variants;

			while (v->name && strcmp(v->name, t))
				v++;
			if (!v->name) {
				const char *names[32] = {"all", "none"};
				size_t nv = 2;

				for (v = variants; v->name && nv < 32; v++)
					names[nv++] = v->name;
				die_usage("matrix: unknown variant '%s'%s (see blastradius matrix --help)", t,
					  did_you_mean(t, names, nv));
			}
		}
	}
	for (char *t = strtok_r(list, ",", &save); t && nk < 64; t = strtok_r(NULL, ",", &save)) {
		struct kernel *k = &ks[nk];
		int rc = kernel_resolve(t, !o->no_fetch, o->update, k);

		if (rc == -EINVAL)
			die_usage("matrix: kernel '%s' is not a kernel (see blastradius kernels --help)", t);
		if (rc)
			die("matrix: kernel '%s' is not available%s", t,
			    o->no_fetch ? " (not cached; drop --no-fetch)" : "");
		/* The name makes cell folders and baseline files: SUITE:PACKAGE gets a '_'. */
		for (char *q = k->name; *q; q++)
			if (*q == ':')
				*q = '_';
		name_check("matrix: kernel name", k->name);
		nk++;
		for (int vi = -1; vi < 0 || variants[vi].name; vi++) {
			const struct variant *v = vi < 0 ? NULL : &variants[vi];
			struct cell *c = &cells[n];

			if (v && (k->host || !variant_selected(o, v, k)))
				continue;
			memset(c, 0, sizeof(*c));
			if (v && !v->applies(k, c->append, sizeof(c->append))) {
				/* Asked for by name (not just "all"): say why there is no such column. */
				if (o->variants_given && strcmp(o->variants, "all"))
					fprintf(stderr, "[matrix] no %s+%s: the kernel lacks what it needs (%s)\n",
						k->name, v->name, v->desc);
				continue;
			}
			c->k = k, c->v = v;
			c->suites = v && v->suites && !o->all_suites ? v->suites : NULL;
			snprintf(c->name, sizeof(c->name), "%s%s%s", k->name, v ? "+" : "", v ? v->name : "");
			name_check("matrix: cell", c->name);
			for (size_t d = 0; d < n; d++)
				if (!strcmp(cells[d].name, c->name))
					die_usage("matrix: cell '%s' is listed twice", c->name);
			/* Shards take every N-th cell of the full plan. */
			if ((int)(all++ % o->shard_n) == o->shard_i - 1)
				n++;
		}
	}
	*ncells = n;
	*ks_out = ks;
	return cells;
}

/*
 * Guests first, longest first by the last run's cell times (a cell with none
 * known counts as the longest known; ties keep the plan's order), so -jN ends
 * when the total work is done instead of when the last long cell to start
 * does; the host cell last: it is short and uses every core, so it fills the
 * tail instead of stretching it.
 */
static struct cell *pick_next(struct cell *cells, size_t n)
{
	long long longest = 0;

	for (size_t i = 0; i < n; i++)
		if (cells[i].est_ms > longest)
			longest = cells[i].est_ms;
	for (int host = 0; host < 2; host++) {
		struct cell *best = NULL;
		long long best_ms = -1;

		for (size_t i = 0; i < n; i++) {
			long long ms = cells[i].est_ms ? cells[i].est_ms : longest;

			if (cells[i].state == C_WAIT && cells[i].k->host == host && ms > best_ms)
				best = &cells[i], best_ms = ms;
		}
		if (best)
			return best;
	}
	return NULL;
}

/* Each cell's wall time in the newest other run of the same kind (trivial or
 * not) under results/: what the progress line's estimate and the order of the
 * cells are made of. */
static void last_run_times(struct cell *cells, size_t n, const char *results, const char *rundir, bool trivial)
{
	struct dirent **ents;
	int ne = scandir(results, &ents, NULL, alphasort);
	char best[PATH_MAX] = "", path[PATH_MAX];
	time_t best_t = 0;
	struct stat st;

	for (int e = 0; e < ne; e++) {
		snprintf(path, sizeof(path), "%s/%s/run.json", results, ents[e]->d_name);
		if (ents[e]->d_name[0] != '.' && !stat(path, &st) && st.st_mtime >= best_t &&
		    strcmp(strrchr(rundir, '/') ? strrchr(rundir, '/') + 1 : rundir, ents[e]->d_name)) {
			json_object *run = json_object_from_file(path), *kind, *intr;

			/* An interrupted run's cells stopped early: not their time. */
			if (run && json_object_object_get_ex(run, "kind", &kind) &&
			    !strcmp(json_object_get_string(kind), trivial ? "matrix-trivial" : "matrix") &&
			    !(json_object_object_get_ex(run, "interrupted", &intr) && json_object_get_boolean(intr))) {
				best_t = st.st_mtime;
				snprintf(best, sizeof(best), "%s/%s", results, ents[e]->d_name);
			}
			json_object_put(run);
		}
		free(ents[e]);
	}
	if (ne >= 0)
		free(ents);
	for (size_t i = 0; best[0] && i < n; i++) {
		json_object *cj, *ms;

		snprintf(path, sizeof(path), "%s/%s/cell.json", best, cells[i].name);
		if ((cj = json_object_from_file(path)) && json_object_object_get_ex(cj, "wall_ms", &ms))
			cells[i].est_ms = json_object_get_int64(ms);
		json_object_put(cj);
	}
}

/* Seconds left by the last run's cell times (-1: none known), spread over the jobs. */
static long long seconds_left(struct cell *cells, size_t n, int jobs)
{
	long long left = 0, now = mono_ms();
	bool known = false;

	for (size_t i = 0; i < n; i++) {
		if (cells[i].state == C_DONE || !cells[i].est_ms)
			continue;
		known = true;
		left += cells[i].state == C_RUN ? (cells[i].est_ms > now - cells[i].t0 ? cells[i].est_ms - (now - cells[i].t0) : 0)
						: cells[i].est_ms;
	}
	return known ? left / 1000 / (jobs > 0 ? jobs : 1) : -1;
}

/* "[matrix] 3/7 done, 2 running, ... ~40 s left (last run's cell times)" */
static void progress(bool tty, struct cell *cells, size_t n, long long t0, int jobs)
{
	size_t done = 0, run = 0, bad = 0, failed = 0;
	long long left = seconds_left(cells, n, jobs);

	for (size_t i = 0; i < n; i++) {
		done += cells[i].state == C_DONE;
		run += cells[i].state == C_RUN;
		bad += cells[i].state == C_DONE && !cells[i].complete;
		failed += cells[i].state == C_DONE && cells[i].nfail;
	}
	fprintf(stderr, "%s[matrix] %zu/%zu done, %zu running, %zu with failures, %zu incomplete  %.1fs",
		tty ? "\r\033[K" : "", done, n, run, failed, bad, (mono_ms() - t0) / 1000.0);
	if (left >= 0 && done < n)
		fprintf(stderr, ", ~%llds left (the last run's cell times)", left);
	if (!tty)
		fputc('\n', stderr);
}

static void reap(struct cell *c, const char *rundir, bool tty, const struct mopts *o, unsigned long khz,
		 bool kvm_fallback)
{
	char celldir[PATH_MAX];
	bool guest = !c->k->host;

	waitpid(c->pid, &c->status, 0);
	close(c->fd);
	c->t_exit = mono_ms();
	snprintf(celldir, sizeof(celldir), "%s/%s", rundir, c->name);
	/* A boot that died before our init ran (TCG and KVM both flake now and then):
	 * one more try, under TCG when KVM was the accelerator. */
	if (guest && !c->killed && !c->retried && !marker(c, "BEGIN", c->out) &&
	    !(c->v && !strcmp(c->v->name, "badinit"))) {
		c->retried = true;
		if (!strcmp(c->accel, "kvm") && kvm_fallback)
			snprintf(c->accel, sizeof(c->accel), "tcg");
		start_guest(c, o, khz);
		return;
	}
	if (guest && kvm_fallback && !strcmp(c->accel, "kvm") && !c->killed && !marker(c, "END", c->out)) {
		snprintf(c->accel, sizeof(c->accel), "tcg");
		c->retried = true;
		start_guest(c, o, khz);
		return;
	}
	if (guest)
		finish_guest(c, celldir);
	else
		finish_host(c, rundir, celldir);
	c->state = C_DONE;
	{
		json_object *cases = cell_cases(celldir);

		json_object_object_foreach(cases, id, v) {
			const char *verdict = json_object_get_string(json_object_object_get(v, "verdict"));

			(void)id;
			c->npass += !strcmp(verdict, "pass") || !strcmp(verdict, "xfail");
			c->nfail += !strcmp(verdict, "fail") || !strcmp(verdict, "error");
			c->nskip += !strcmp(verdict, "skip");
		}
		json_object_put(cases);
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "[matrix] %-30s %-10s %5.1fs %-4s %4u pass %3u fail %3u skip%s%s\n", c->name,
		c->complete ? "complete" : "INCOMPLETE", (c->t_exit - c->t0) / 1000.0, c->accel, c->npass,
		c->nfail, c->nskip, c->complete ? "" : ": ", c->complete ? "" : c->reason);
}

static void write_run_json(const char *rundir, const char *id, struct cell *cells, size_t n, int argc,
			   char **argv, const char *started, const struct mopts *o, long long wall,
			   json_object *totals, long long probe_ms)
{
	json_object *run = json_object_new_object(), *cmd = json_object_new_array(),
		    *targets = json_object_new_array();
	char path[PATH_MAX], *fin = iso_time_now(), shard[32];
	struct utsname u;

	for (int i = 0; i < argc; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(targets, json_object_new_string(cells[i].name));
	uname(&u);
	snprintf(shard, sizeof(shard), "%d/%d", o->shard_i, o->shard_n);
	json_object_object_add(run, "id", json_object_new_string(id));
	json_object_object_add(run, "tool", json_object_new_string("blastradius"));
	json_object_object_add(run, "version", json_object_new_string(BR_VERSION));
	json_object_object_add(run, "kind", json_object_new_string(o->trivial ? "matrix-trivial" : "matrix"));
	json_object_object_add(run, "command", cmd);
	json_object_object_add(run, "started", json_object_new_string(started));
	json_object_object_add(run, "finished", json_object_new_string(fin));
	json_object_object_add(run, "wall_ms", json_object_new_int64(wall));
	json_object_object_add(run, "jobs", json_object_new_int(o->jobs));
	json_object_object_add(run, "accel", json_object_new_string(o->accel));
	json_object_object_add(run, "kvm_probe_ms", json_object_new_int64(probe_ms));
	json_object_object_add(run, "shard", json_object_new_string(shard));
	json_object_object_add(run, "host_kernel", json_object_new_string(u.release));
	json_object_object_add(run, "interrupted", json_object_new_boolean(interrupted));
	json_object_object_add(run, "targets", targets);
	if (totals)
		json_object_object_add(run, "totals", json_object_get(totals));
	snprintf(path, sizeof(path), "%s/run.json", rundir);
	json_write_file(path, run);
	json_object_put(run);
	free(fin);
}

int cmd_matrix(int argc, char **argv)
{
	struct mopts o;
	struct kernel *ks;
	size_t n, next = 0, done = 0;
	struct cell *cells;
	char *id, *rundir, *final, *started = iso_time_now();
	unsigned long khz = tsc_khz();
	bool tty = isatty(2), kvm_fallback = false;
	long long probe_ms = -1;
	int running = 0, rc = BR_EXIT_PASS, bc;
	long long t0 = mono_ms();
	json_object *m;

	parse_opts(argc, argv, &o);
	if (o.check_baseline && access(o.baselines, F_OK) && !strcmp(o.baselines, "fixtures/baselines")) {
		/* Outside a checkout: the installed copy. */
		static char inst[PATH_MAX];

		snprintf(inst, sizeof(inst), "%s", self_exe());
		snprintf(strrchr(inst, '/') + 1, sizeof(inst) - (strrchr(inst, '/') + 1 - inst),
			 "../share/blastradius/baselines");
		o.baselines = inst;
	}
	/* A gate without its input fails before any guest boots. */
	if (o.check_baseline && baseline_dir_check(o.baselines)) {
		free(started);
		return BR_EXIT_USAGE;
	}
	cells = plan(&o, &n, &ks);
	if (!n && o.shard_n > 1) {
		fprintf(stderr, "[matrix] shard %d/%d has no cells (fewer cells than shards)\n", o.shard_i, o.shard_n);
		return BR_EXIT_PASS;
	}
	if (!n)
		die_usage("matrix: no cell to run (check --kernels and --variants)");
	for (size_t i = 0; i < n; i++) {
		char *path = NULL;

		if (cells[i].k->host)
			continue;
		if (access(o.initramfs, R_OK))
			die("matrix: no initramfs at %s (run make, or pass --initramfs)", o.initramfs);
		if (run_cmd((char *[]){"sh", "-c", "command -v qemu-system-x86_64", NULL}, NULL, &path, true))
			die("matrix: no qemu-system-x86_64 (make matrix-deps, or apt-get install "
			    "--no-install-recommends qemu-system-x86)");
		free(path);
		break;
	}
	/* Accelerator: decided once, with a bounded probe, before the cells start. */
	{
		const char *accel = o.accel;

		if (!strcmp(accel, "auto")) {
			struct kernel *probe = NULL;

			for (size_t i = 0; i < n && !probe; i++)
				if (!cells[i].k->host)
					probe = cells[i].k;
			probe_ms = mono_ms();
			accel = probe && kvm_works(probe, &o) ? "kvm" : "tcg";
			probe_ms = mono_ms() - probe_ms;
			kvm_fallback = !strcmp(accel, "kvm");
			fprintf(stderr, "[matrix] accel auto: %s (checked in %lld ms)\n",
				kvm_fallback ? "KVM booted a guest; cells fall back to TCG if KVM leaves them incomplete"
					     : "KVM unusable or absent, using TCG", probe_ms);
		}
		for (size_t i = 0; i < n; i++)
			snprintf(cells[i].accel, sizeof(cells[i].accel), "%s", accel);
	}
	rundir = results_new_run(o.results, o.id, &id, &final);
	last_run_times(cells, n, o.results, rundir, o.trivial);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	while (done < n) {
		struct pollfd p[512];
		size_t idx[512], np = 0;

		if (interrupted) {
			for (size_t i = 0; i < n; i++)
				if (cells[i].state == C_RUN) {
					cells[i].killed = true;
					cells[i].retried = true;
					kill(-cells[i].pid, SIGKILL);
				}
		}
		while (!interrupted && running < o.jobs && next < n) {
			struct cell *c = pick_next(cells, n);

			next++;

			if (c->k->host)
				start_host(c, rundir);
			else
				start_guest(c, &o, khz);
			running++;
		}
		for (size_t i = 0; i < n; i++)
			if (cells[i].state == C_RUN) {
				p[np] = (struct pollfd){cells[i].fd, POLLIN, 0};
				idx[np++] = i;
			}
		if (!np && interrupted)
			break;
		if (tty)
			progress(tty, cells, n, t0, o.jobs);
		if (poll(p, np, 250) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (size_t j = 0; j < np; j++) {
			struct cell *c = &cells[idx[j]];
			ssize_t r = 0;

			if (p[j].revents) {
				r = read_more(c->fd, &c->out, &c->len, &c->cap, 65536);
				if (r > 0) {
					/* The serial line's tty turns \n into \r\n: store plain lines. */
					char *w = c->out + c->len - r;

					for (const char *q = w; q < c->out + c->len; q++)
						if (*q != '\r')
							*w++ = *q;
					c->len = w - c->out;
					c->out[c->len] = 0;
					if (!c->t_begin && marker(c, "BEGIN", c->out))
						c->t_begin = mono_ms();
					if (!c->t_end && marker(c, "END", c->out))
						c->t_end = mono_ms();
				}
			}
			if (c->len > BR_MAX_RESULT && !c->killed) { /* the console is bounded too */
				snprintf(c->reason, sizeof(c->reason), "console output over %u bytes", BR_MAX_RESULT);
				c->killed = c->retried = true;
				kill(-c->pid, SIGKILL);
			}
			if (!c->timed_out && mono_ms() - c->t0 > o.timeout * 1000LL) {
				c->timed_out = true;
				c->retried = true;
				kill(-c->pid, SIGKILL);
			}
			if (p[j].revents && (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))) {
				reap(c, rundir, tty, &o, khz, kvm_fallback);
				if (c->state == C_DONE) {
					running--;
					done++;
					if (!tty) /* a log gets one progress line per finished cell */
						progress(tty, cells, n, t0, o.jobs);
				}
			}
		}
	}
	/* Ctrl-C before a cell started: it is still a cell of this run, and incomplete,
	 * never a cell the reports silently leave out. */
	for (size_t i = 0; i < n; i++)
		if (cells[i].state == C_WAIT) {
			char celldir[PATH_MAX];

			cells[i].killed = true;
			cells[i].machine = "none";
			snprintf(cells[i].reason, sizeof(cells[i].reason), "interrupted");
			snprintf(celldir, sizeof(celldir), "%s/%s", rundir, cells[i].name);
			finish_guest(&cells[i], celldir);
			cells[i].state = C_DONE;
		}
	if (tty) {
		progress(tty, cells, n, t0, o.jobs);
		fprintf(stderr, "\r\033[K");
	}
	write_run_json(rundir, id, cells, n, argc, argv, started, &o, mono_ms() - t0, NULL, probe_ms);
	m = matrix_load(&rundir, 1);
	if (m) {
		write_run_json(rundir, id, cells, n, argc, argv, started, &o, mono_ms() - t0,
			       json_object_object_get(m, "totals"), probe_ms);
		if (matrix_write_reports(m, rundir))
			rc = BR_EXIT_FAIL;
		json_object_object_foreach(json_object_object_get(m, "totals"), key, val)
			if ((!strcmp(key, "fail") || !strcmp(key, "error") || !strcmp(key, "incomplete")) &&
			    json_object_get_int(val))
				rc = BR_EXIT_FAIL;
		if (o.check_baseline && (bc = baseline_check(m, o.baselines)))
			rc = bc < 0 ? BR_EXIT_USAGE : BR_EXIT_FAIL;
		json_object_put(m);
	}
	fprintf(stderr, "[matrix] %zu cells in %.1fs (-j%d); results in %s\n", n, (mono_ms() - t0) / 1000.0,
		o.jobs, final);
	/* Into place once every file is written (after an interrupt too: that is a result). */
	results_commit(rundir, final);
	printf("%s/matrix.html\n", final);
	if (interrupted) {
		fprintf(stderr, "[matrix] interrupted: unfinished cells are incomplete\n");
		rc = 130;
	}
	for (size_t i = 0; i < n; i++)
		free(cells[i].out);
	free(cells);
	free(ks);
	free(rundir);
	free(final);
	free(id);
	free(started);
	return rc;
}
