/*
 * lib/profile: the shipped profiles parse, print and parse back the same;
 * every malformed input names its file and line and what was expected.
 */
#include <dirent.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "profile.h"

static int parse(const char *text, struct br_sandbox *sb, char *err, size_t size)
{
	return br_profile_parse(text, "t.profile", sb, err, size);
}

/* Every shipped profile parses, and printing it gives text that parses to
 * the same struct. */
TEST(shipped_profiles_parse_and_round_trip)
{
	const char *dir = br_profile_dir();
	struct dirent *e;
	int n = 0;
	DIR *d;

	if (!dir)
		SKIP("fixtures/profiles not found (set BR_FIXTURES)");
	ASSERT_TRUE((d = opendir(dir)) != NULL);
	while ((e = readdir(d))) {
		struct br_sandbox a, b;
		char path[PATH_MAX + 256], err[512], *text = NULL;
		size_t len = 0;
		FILE *f;

		if (!strstr(e->d_name, ".profile"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (br_profile_load(path, &a, err, sizeof(err)))
			TH_LOG("%s", err);
		ASSERT_EQ(0, br_profile_load(path, &a, err, sizeof(err)));
		f = open_memstream(&text, &len);
		br_profile_print(f, &a);
		fclose(f);
		if (parse(text, &b, err, sizeof(err)))
			TH_LOG("%s\n%s", err, text);
		ASSERT_EQ(0, parse(text, &b, err, sizeof(err)));
		EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
		free(text);
		n++;
	}
	closedir(d);
	EXPECT_LE(3, n);
}

TEST(good_text)
{
	struct br_sandbox sb;
	char err[256];

	ASSERT_EQ(0, parse("# comment only\n\n  name = x # trailing\n"
			   "userns=on\nns = net, pid ,mnt\nroot = tmpfs\nbind = /usr\n"
			   "bind.rw = /tmp /work\nbind.try = /lib64\nproc = on\nproc.hidepid = invisible\n"
			   "caps = chown,net_raw\nnnp = on\nlandlock = best-effort\n"
			   "landlock.handle = read_file,write_file\nlandlock.allow = /usr read_file\n"
			   "seccomp.deny = keyctl, add_key\nseccomp.deny = bpf\nseccomp.errno = 13\n",
			   &sb, err, sizeof(err)));
	EXPECT_STREQ("x", sb.name);
	EXPECT_TRUE(sb.userns);
	EXPECT_EQ(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS, sb.ns);
	EXPECT_EQ(3, sb.nbinds);
	EXPECT_STREQ("/work", sb.binds[1].dst);
	EXPECT_TRUE(sb.binds[1].rw);
	EXPECT_TRUE(sb.binds[2].optional && !sb.binds[2].rw);
	EXPECT_EQ(2, sb.hidepid);
	EXPECT_EQ(BR_CAP(CAP_CHOWN) | BR_CAP(CAP_NET_RAW), sb.caps);
	EXPECT_EQ(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE, sb.ll_handle.fs);
	EXPECT_EQ(3, sb.nseccomp_deny);
	EXPECT_EQ(EACCES, sb.seccomp_errno);
}

TEST(empty_profile_changes_nothing)
{
	struct br_sandbox sb;
	char err[256];

	ASSERT_EQ(0, parse("", &sb, err, sizeof(err)));
	EXPECT_FALSE(sb.userns);
	EXPECT_EQ(0, sb.ns);
	EXPECT_TRUE(sb.caps == BR_SB_CAPS_UNCHANGED);
}

/* Each bad input and the start of the message it must give. */
static const struct {
	const char *text, *error;
} bad[] = {
	{"userns\n", "t.profile:1: expected 'key = value'"},
	{"\n\n= on\n", "t.profile:3: expected a key before '='"},
	{"userns =\n", "t.profile:1: userns: expected a value"},
	{"colour = blue\n", "t.profile:1: unknown key 'colour'"},
	{"userns = yes\n", "t.profile:1: userns: expected on or off"},
	{"userns = on\nuserns = off\n", "t.profile:2: userns: expected once, already given on line 1"},
	{"ns = net,bogus\n", "t.profile:1: ns: expected namespace names"},
	{"userns = on\nns = user,net\n", "t.profile:2: ns: expected no 'user' here"},
	{"root = chroot\n", "t.profile:1: root: expected host or tmpfs"},
	{"ns = mnt\nroot = tmpfs\nbind = usr\n", "t.profile:3: bind: expected an absolute path"},
	{"ns = mnt\nroot = tmpfs\nbind = /a /b /c\n", "t.profile:3: bind: expected SRC [DST], got more"},
	{"bind = /usr\n", "t.profile:1: binds need root = tmpfs"},
	{"# x\nroot = tmpfs\n", "t.profile:2: root = tmpfs needs a mount namespace"},
	{"proc = on\n", "t.profile:1: proc = on needs a mount namespace"},
	{"userns = on\nns = mnt\nproc = on\n", "t.profile:3: proc in a user namespace needs a pid namespace"},
	{"proc = rw\n", "t.profile:1: proc: expected on, ro or off"},
	{"proc.hidepid = 3\n", "t.profile:1: proc.hidepid: expected 0, 1, 2"},
	{"hostname = a_b\n", "t.profile:1: hostname: expected letters"},
	{"hostname = box\n", "t.profile:1: hostname needs a uts namespace"},
	{"session = detached\n", "t.profile:1: session: expected new or inherit"},
	{"caps = net_raw,cap_fly\n", "t.profile:1: caps: expected none, all or capability names"},
	{"nnp = 1\n", "t.profile:1: nnp: expected on or off"},
	{"landlock = strict\n", "t.profile:1: landlock: expected off, required or best-effort"},
	{"landlock.handle = read_file,fly\n", "t.profile:1: landlock.handle: expected Landlock access right names"},
	{"landlock.scope = signal,pipes\n", "t.profile:1: landlock.scope: expected Landlock scope names"},
	{"landlock.allow = /usr\n", "t.profile:1: landlock.allow: expected PATH RIGHTS"},
	{"landlock.allow = usr read_file\n", "t.profile:1: landlock.allow: expected an absolute path"},
	{"landlock.allow = /usr read_file\n", "t.profile:1: landlock.allow needs landlock = required"},
	{"nnp = on\nlandlock = required\n", "t.profile:2: landlock needs landlock.handle or landlock.scope"},
	{"caps = none\nlandlock = required\nlandlock.handle = all\n", "t.profile:2: landlock needs nnp = on"},
	{"seccomp = allow-everything\n", "t.profile:1: seccomp: expected none or a built-in profile"},
	{"seccomp.deny = keyctl frobnicate\n", "t.profile:1: seccomp.deny: expected syscall names, got 'frobnicate'"},
	{"seccomp.errno = EWHAT\n", "t.profile:1: seccomp.errno: expected an errno name"},
	{"seccomp.errno = 5000\n", "t.profile:1: seccomp.errno: expected an errno between 1 and 4095"},
	{"nnp = on\nseccomp.errno = EPERM\n", "t.profile:2: seccomp.errno needs seccomp.deny"},
	{"nnp = on\nseccomp = deny-escapes\nseccomp.deny = bpf\n", "t.profile:3: seccomp and seccomp.deny exclude each other"},
	{"seccomp.deny = bpf\n", "t.profile:1: seccomp sets no_new_privs: it needs nnp = on"},
	{"name = a b\n", "t.profile:1: name: expected letters"},
	{"name = 0123456789012345678901234567890123456789012345678901234567890123456789\n",
	 "t.profile:1: name: expected at most 63 characters"},
};

TEST(bad_inputs_name_file_and_line)
{
	struct br_sandbox sb;
	char err[512];

	EXPECT_LE(20, (int)(sizeof(bad) / sizeof(*bad)));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(err, 0, sizeof(err));
		EXPECT_EQ(-EINVAL, parse(bad[i].text, &sb, err, sizeof(err)));
		if (strncmp(err, bad[i].error, strlen(bad[i].error)))
			br_fail(__FILE__, __LINE__, "input %zu: expected \"%s...\", got \"%s\"", i,
				bad[i].error, err);
	}
}

TEST(too_many_binds)
{
	struct br_sandbox sb;
	char text[4096] = "ns = mnt\nroot = tmpfs\n", err[256];

	for (int i = 0; i <= BR_SB_MAX; i++)
		strcat(text, "bind = /usr\n");
	ASSERT_EQ(-EINVAL, parse(text, &sb, err, sizeof(err)));
	EXPECT_STREQ("t.profile:19: bind: at most 16 binds", err);
}

TEST(unreadable_file)
{
	struct br_sandbox sb;
	char err[256];

	ASSERT_EQ(-ENOENT, br_profile_load("/nonexistent.profile", &sb, err, sizeof(err)));
	EXPECT_STREQ("/nonexistent.profile: No such file or directory", err);
}

TEST_HARNESS_MAIN
