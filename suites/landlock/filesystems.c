/*
 * Rules on other filesystems (ABI 1): a READ_FILE rule tags an inode, and
 * covers what lies beneath it by path, whatever the filesystem: tmpfs,
 * ramfs, proc, sysfs, cgroup2, each mounted by the case in its own mount
 * namespace on top/fs/. And overlayfs: its files are other inodes than those
 * of its layers, so a rule on a layer does not reach them through the
 * merged view, and a rule on the merged view does not reach the layers.
 * Every case reads its files before enforcing (the control) and checks a
 * file the rule does not cover (the denial).
 */
#include "common.h"

static const uint64_t read_file = LANDLOCK_ACCESS_FS_READ_FILE;

static int read_it(const char *p)
{
	return outcome(open(p, O_RDONLY | O_CLOEXEC));
}

static void allow_read(const char *path)
{
	struct br_landlock_rule rules[] = {{.path = path, .fs = read_file}, {0}};

	enforce((struct br_landlock_access){.fs = read_file}, path ? rules : NULL);
}

FIXTURE(pseudo) {
	char file[64];
};

FIXTURE_VARIANT(pseudo) {
	const char *type, *data;
	const char *const files[4]; /* the first that exists, beneath top/fs/ */
	bool make; /* create top/fs/dir/file (a filesystem we may write) */
};

FIXTURE_VARIANT_ADD(pseudo, tmpfs) { .type = "tmpfs", .files = {"dir/file"}, .make = true };
FIXTURE_VARIANT_ADD(pseudo, ramfs) { .type = "ramfs", .files = {"dir/file"}, .make = true };
FIXTURE_VARIANT_ADD(pseudo, proc) { .type = "proc", .files = {"self/status"} };
FIXTURE_VARIANT_ADD(pseudo, sysfs) {
	.type = "sysfs", .files = {"kernel/notes", "kernel/uevent_seqnum", "kernel/mm"},
};
FIXTURE_VARIANT_ADD(pseudo, cgroup2) { .type = "cgroup2", .files = {"cgroup.controllers"} };

FIXTURE_SETUP(pseudo)
{
	int e;

	NEED_ABI(1);
	scratch();
	ASSERT_OK(mkdir("top", 0755));
	ASSERT_OK(mkdir("top/fs", 0755));
	e = outcome(mount("br-fs", "top/fs", variant->type, MS_NOSUID | MS_NODEV, variant->data));
	if (e)
		SKIP("cannot mount %s here: %s", variant->type, br_errname(e));
	if (variant->make) {
		ASSERT_OK(mkdir("top/fs/dir", 0755));
		ASSERT_EQ(0, br_make_file("top/fs/dir/file", "x", 0644));
	}
	self->file[0] = 0;
	for (int i = 0; i < 4 && variant->files[i] && !self->file[0]; i++) {
		snprintf(self->file, sizeof(self->file), "top/fs/%s", variant->files[i]);
		if (access(self->file, R_OK))
			self->file[0] = 0;
	}
	if (!self->file[0])
		SKIP("no readable file to test in this %s", variant->type);
	ASSERT_OUTCOME(0, read_it(self->file));
	ASSERT_OUTCOME(0, read_it("granted/file"));
}

FIXTURE_TEARDOWN(pseudo) {}

/* One layer granting beneath `rule`: the file is readable, granted/file
 * (outside the rule) is not; a second layer granting nothing denies it. */
static void tagged(const char *file, const char *rule)
{
	allow_read(rule);
	ASSERT_OUTCOME(0, read_it(file));
	ASSERT_OUTCOME(EACCES, read_it("granted/file"));
	allow_read(NULL);
	ASSERT_OUTCOME(EACCES, read_it(file));
}

TEST_F(pseudo, rule_on_mount_point) { tagged(self->file, "top/fs"); }
TEST_F(pseudo, rule_on_parent_of_mount) { tagged(self->file, "top"); }

TEST_F(pseudo, rule_on_file)
{
	allow_read(self->file);
	ASSERT_OUTCOME(0, read_it(self->file));
	ASSERT_OUTCOME(EACCES, read_it("granted/file"));
}

/* lower/ and upper/ on tmpfs, merged/ the overlay of the two. */
static void overlay(void)
{
	int e;

	scratch();
	ASSERT_OK(mkdir("lower", 0755));
	ASSERT_OK(mkdir("upper", 0755));
	ASSERT_OK(mkdir("work", 0755));
	ASSERT_OK(mkdir("merged", 0755));
	ASSERT_EQ(0, br_make_file("lower/lf", "x", 0644));
	ASSERT_EQ(0, br_make_file("upper/uf", "x", 0644));
	e = outcome(mount("br-ovl", "merged", "overlay", 0, "lowerdir=lower,upperdir=upper,workdir=work"));
	if (e)
		SKIP("cannot mount an overlay here: %s", br_errname(e));
	ASSERT_OUTCOME(0, read_it("merged/lf"));
	ASSERT_OUTCOME(0, read_it("merged/uf"));
}

TEST(overlay_layer_rules_do_not_reach_merged)
{
	struct br_landlock_rule rules[] = {{.path = "lower", .fs = read_file},
					   {.path = "upper", .fs = read_file}, {0}};

	NEED_ABI(1);
	overlay();
	enforce((struct br_landlock_access){.fs = read_file}, rules);
	ASSERT_OUTCOME(0, read_it("lower/lf"));
	ASSERT_OUTCOME(0, read_it("upper/uf"));
	ASSERT_OUTCOME(EACCES, read_it("merged/lf"));
	ASSERT_OUTCOME(EACCES, read_it("merged/uf"));
}

TEST(overlay_merged_rule_does_not_reach_layers)
{
	NEED_ABI(1);
	overlay();
	allow_read("merged");
	ASSERT_OUTCOME(0, read_it("merged/lf"));
	ASSERT_OUTCOME(0, read_it("merged/uf"));
	ASSERT_OUTCOME(EACCES, read_it("lower/lf"));
	ASSERT_OUTCOME(EACCES, read_it("upper/uf"));
}

TEST_HARNESS_MAIN
