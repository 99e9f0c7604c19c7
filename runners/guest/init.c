/*
 * PID 1 of a blastradius matrix guest (static, no libc extras, no modules).
 *
 * Mounts what the suites need (and loads our SELinux policy where SELinux is
 * active), runs every /suites/<suite>/<file> as root in order (names ending
 * "_last" after all the others; blastradius.suites=GLOB,... keeps only the
 * <suite>.<file> names that match, for a variant's cell), and streams their KTAP on the console
 * between markers that carry the run's nonce from the kernel command line
 * (blastradius.nonce=...), because the serial line also carries firmware and
 * kernel noise:
 *
 *   @@BR:<nonce>:BEGIN uptime_ms=N mem_free_kb=N@@
 *   @@BR:<nonce>:FLOOR cases=N wall_us=N cpu_us=N@@   with blastradius.floor=N, also
 *                                         after the last suite
 *   @@BR:<nonce>:SUITE ns.uts@@        then that binary's KTAP
 *   @@BR:<nonce>:EXIT ns.uts status=S ms=N@@
 *   @@BR:<nonce>:END uptime_ms=N@@
 *
 * then powers off (blastradius.trivial=1: no suites, to measure the boot floor).
 * A suite binary's stderr is re-emitted after its EXIT marker
 * as "# stderr: " lines, so it cannot break the KTAP stream.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "embed.h"
#include "../globs.h"

/* Our SELinux policy (fixtures/selinux), loaded when SELinux is active. */
BR_INCBIN_SIZED(br_selinux_policy, BR_SELINUX_POLICY);

static char nonce[64] = "0";
static long long suite_timeout_ms = 60000;

static long long uptime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * The initramfs is the rootfs mount, which has no parent: pivot_root(2) refuses
 * to move it (EINVAL), so suites that pivot would fail only in guests. Make /
 * an ordinary mount: bind it onto itself elsewhere, move that over /, chroot.
 */
static void leave_rootfs(void)
{
	mkdir("/.root", 0700);
	if (mount("/", "/.root", NULL, MS_BIND | MS_REC, NULL) || chdir("/.root") ||
	    mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		printf("# init: cannot leave the rootfs mount: %s\n", strerror(errno));
}

static void mnt(const char *src, const char *dir, const char *type, unsigned long flags)
{
	mkdir(dir, 0755);
	/* A filesystem the kernel lacks is not fatal: the suites SKIP what needs it. */
	if (mount(src, dir, type, flags, NULL) && errno != EBUSY && errno != ENODEV)
		printf("# init: mount %s on %s: %s\n", type, dir, strerror(errno));
}

/*
 * SELinux enforces nothing until a policy is loaded (enforcing=1 takes effect
 * then). Where it is active (selinuxfs exists: the matrix's selinux cell),
 * load ours: every process stays in br_unconfined_t, which may do anything,
 * and suites/mac/selinux.c enters the test domains.
 */
static void selinux_load(void)
{
	size_t len = (size_t)(br_selinux_policy_end - br_selinux_policy);
	int fd;

	if (access("/sys/fs/selinux", F_OK))
		return;
	mnt("selinuxfs", "/sys/fs/selinux", "selinuxfs", MS_NOSUID | MS_NOEXEC);
	fd = open("/sys/fs/selinux/load", O_WRONLY | O_CLOEXEC);
	/* The kernel takes the whole policy in one write. */
	if (fd < 0 || write(fd, br_selinux_policy, len) != (ssize_t)len)
		printf("# init: cannot load the SELinux policy: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* blastradius.<key>=VALUE from /proc/cmdline into out (unchanged when absent). */
static void cmdline_param(const char *key, char *out, size_t len)
{
	char buf[4096], pat[64];
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	snprintf(pat, sizeof(pat), "blastradius.%s=", key);
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
		if (!strncmp(tok, pat, strlen(pat)))
			snprintf(out, len, "%s", tok + strlen(pat));
}

/* A file named *_last: it changes something no later case may see (Yama's
 * ptrace_scope 3 cannot be lowered until reboot). */
static int is_last(const char *rel)
{
	size_t n = strlen(rel);

	return n >= 5 && !strcmp(rel + n - 5, "_last");
}

/* By name, the *_last files after all others. */
static int cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return is_last(x) != is_last(y) ? is_last(x) - is_last(y) : strcmp(x, y);
}

/* Whether blastradius.suites= selects <suite>.<file> (empty: every file). */
static int wanted(const char *suite, const char *file, const char *globs)
{
	char id[512];

	snprintf(id, sizeof(id), "%s.%s", suite, file);
	return globs_match(globs, id);
}

/* Sorted "<suite>/<file>" names under /suites that blastradius.suites= selects. */
static char **suite_list(size_t *n, const char *globs)
{
	DIR *top = opendir("/suites"), *sub;
	struct dirent *d, *e;
	char **v = NULL, path[512];

	*n = 0;
	while (top && (d = readdir(top))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/suites/%s", d->d_name);
		if (!(sub = opendir(path)))
			continue;
		while ((e = readdir(sub))) {
			if (e->d_name[0] == '.' || !wanted(d->d_name, e->d_name, globs))
				continue;
			v = realloc(v, (*n + 1) * sizeof(*v));
			if (asprintf(&v[*n], "%s/%s", d->d_name, e->d_name) < 0)
				exit(1);
			(*n)++;
		}
		closedir(sub);
	}
	if (top)
		closedir(top);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp);
	return v;
}

static void run_suite(const char *rel)
{
	char bin[512], id[512], *slash;
	long long t0 = uptime_ms();
	int status = 0, err;
	pid_t pid;

	snprintf(bin, sizeof(bin), "/suites/%s", rel);
	snprintf(id, sizeof(id), "%s", rel);
	if ((slash = strchr(id, '/')))
		*slash = '.';
	printf("@@BR:%s:SUITE %s@@\n", nonce, id);
	fflush(stdout);
	err = open("/tmp/.suite-stderr", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {bin, NULL};
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (err >= 0)
			dup2(err, 2);
		execv(bin, argv);
		printf("Bail out! exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	/* SIGCHLD is blocked in PID 1: wait for it with a deadline. */
	while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
		long long left = suite_timeout_ms - (uptime_ms() - t0);
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};
		sigset_t chld;

		if (left <= 0) {
			/* Every process but PID 1: the suite and whatever its cases left behind. */
			kill(-1, SIGKILL);
			waitpid(pid, &status, 0);
			printf("Bail out! %s did not finish within %lld s (blastradius.suite_timeout)\n", id,
			       suite_timeout_ms / 1000);
			break;
		}
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigtimedwait(&chld, NULL, &ts);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* orphans of the suite's cases, reparented to us */
	printf("@@BR:%s:EXIT %s status=%d ms=%lld@@\n", nonce, id,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), uptime_ms() - t0);
	if (err >= 0) {
		FILE *f = fdopen(err, "r");
		char line[1024];

		rewind(f);
		while (fgets(line, sizeof(line), f))
			printf("# stderr: %s%s", line, strchr(line, '\n') ? "" : "\n");
		fclose(f);
	}
	fflush(stdout);
}

/* The first line a suite binary prints with these arguments (stdout to a file). */
static void first_line(char *const argv[], char *line, size_t size)
{
	int out = open("/tmp/.line", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n = 0;
	pid_t pid;

	line[0] = 0;
	if (out < 0)
		return;
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(out, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	n = pread(out, line, size - 1, 0);
	line[n > 0 ? n : 0] = 0;
	line[strcspn(line, "\n")] = 0;
	close(out);
}

/*
 * blastradius.floor=N (make bench): the harness floor here, before and after
 * the suites of the same boot, N empty cases (fork, record, reap) of one
 * binary's -F mode.
 */
static void run_floor(const char *rel, char *cases)
{
	char bin[512], line[256];

	snprintf(bin, sizeof(bin), "/suites/%s", rel);
	first_line((char *[]){bin, "-F", cases, NULL}, line, sizeof(line));
	if (!strncmp(line, "# floor ", 8))
		printf("@@BR:%s:FLOOR %s@@\n", nonce, line + 8);
	fflush(stdout);
}

int main(void)
{
	char scale[16] = "1", trivial[8] = "0", suite_timeout[16] = "60", floor[16] = "0", globs[512] = "";
	sigset_t chld;
	size_t n;
	char **suites;
	long long t_init;

	leave_rootfs();
	mnt("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	t_init = uptime_ms();
	mnt("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	selinux_load();
	mnt("devtmpfs", "/dev", "devtmpfs", MS_NOSUID);
	mnt("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC);
	mnt("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	mnt("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV);
	mnt("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV);
	mnt("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV);
	mnt("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	mnt("securityfs", "/sys/kernel/security", "securityfs", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	{
		/* Plain \n on the serial line: no \r\n translation in the KTAP. */
		struct termios t;

		if (!tcgetattr(1, &t)) {
			t.c_oflag &= ~(tcflag_t)OPOST;
			tcsetattr(1, TCSANOW, &t);
		}
	}
	cmdline_param("nonce", nonce, sizeof(nonce));
	cmdline_param("timeout_scale", scale, sizeof(scale));
	/* blastradius.trivial=1 boots and powers off without suites: the boot floor. */
	cmdline_param("trivial", trivial, sizeof(trivial));
	/* A suite binary that hangs is killed after this many seconds and the next one
	 * runs, so one hang costs its own results, not the cell's. */
	cmdline_param("suite_timeout", suite_timeout, sizeof(suite_timeout));
	cmdline_param("floor", floor, sizeof(floor));
	/* A variant's cell runs only the files its boot parameter can change. */
	cmdline_param("suites", globs, sizeof(globs));
	suite_timeout_ms = atoll(suite_timeout) * 1000;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	/* The host passes blastradius.timeout_scale=10 under TCG (~10x slower than a host). */
	setenv("BR_TIMEOUT_SCALE", scale, 1);
	setenv("PATH", "/suites:/", 1);
	setenv("HOME", "/tmp", 1);
	{
		/* Memory left after unpacking the initramfs: the headroom the suites have. */
		struct sysinfo si;

		sysinfo(&si);
		printf("\n@@BR:%s:BEGIN uptime_ms=%lld mem_free_kb=%llu@@\n", nonce, t_init,
		       (unsigned long long)si.freeram * si.mem_unit / 1024);
	}
	fflush(stdout);

	suites = strcmp(trivial, "1") || atoi(floor) > 0 ? suite_list(&n, globs) : (n = 0, NULL);
	if (n && atoi(floor) > 0)
		run_floor(suites[0], floor);
	if (!strcmp(trivial, "1"))
		n = 0;
	if (n) {
		/* lib/probe reads kallsyms once for every binary of the boot ($BR_KSYMS). */
		char line[128];

		first_line((char *[]){"/suites/lib/probe", "-K", NULL}, line, sizeof(line));
		if (!strncmp(line, "BR_KSYMS=", 9))
			setenv("BR_KSYMS", line + 9, 1);
	}
	for (size_t i = 0; i < n; i++)
		run_suite(suites[i]);
	if (n && atoi(floor) > 0)
		run_floor(suites[0], floor); /* again after: the load may have changed */
	printf("@@BR:%s:END uptime_ms=%lld@@\n", nonce, uptime_ms());
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 1; /* not reached: PID 1 exiting panics, which the host reads as incomplete */
}
