/*
 * Renames, links and whiteouts (tree: common.h):
 *   whiteouts    a whiteout (char device 0:0, made by mknod, RENAME_WHITEOUT
 *                or link) is a regular-file creation: MAKE_REG guards it
 *                (erratum 4), in the directory where it appears;
 *   reparenting  RENAME_EXCHANGE and link(2) need REFER on both sides, and
 *                a move that would gain a right in any layer is EXDEV;
 *   mounts       the same through a bind mount, and after a directory was
 *                renamed out of the bind mount's view (a disconnected fd):
 *                reads, and renames and links through that fd.
 * Every denial has its control in the same case or a _control twin.
 */
#include <sys/sysmacros.h>

#include "common.h"

#define WHITEOUT_FIX "mic/next 72f9428f76ff landlock: Require LANDLOCK_ACCESS_FS_MAKE_REG for whiteout creation"

static const uint64_t make_reg = LANDLOCK_ACCESS_FS_MAKE_REG;
static const uint64_t refer = LANDLOCK_ACCESS_FS_REFER;

static char pbuf[2][256];

static const char *at(int slot, const char *side, const char *name)
{
	snprintf(pbuf[slot], sizeof(pbuf[slot]), "%s/%s", side, name);
	return pbuf[slot];
}

static bool is_whiteout(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

static void make_whiteout(const char *path)
{
	ASSERT_OK(mknod(path, S_IFCHR | 0600, makedev(0, 0)));
}

/* A right handled, granted beneath the listed paths only. */
static void grant(uint64_t handled, uint64_t right, const char *p1, const char *p2)
{
	struct br_landlock_rule rules[] = {{.path = p1, .fs = right}, {.path = p2, .fs = right}, {0}};

	if (!p1)
		rules[0] = (struct br_landlock_rule){0};
	else if (!p2)
		rules[1] = (struct br_landlock_rule){0};
	enforce((struct br_landlock_access){.fs = handled}, rules);
}

/* ---- whiteouts: the three ways to make one, under MAKE_REG ---- */

static void prep_none(const char *side) { (void)side; }

static void prep_fifo(const char *side)
{
	ASSERT_OK(mkfifo(at(0, side, "fifo"), 0600));
}

static void prep_whiteout(const char *side)
{
	make_whiteout(at(0, side, "wh"));
}

static int op_mknod(const char *side)
{
	return outcome(mknod(at(0, side, "wh"), S_IFCHR | 0600, makedev(0, 0)));
}

/* The fifo moves within its directory (no reparenting); a whiteout takes
 * its old name. */
static int op_rename(const char *side)
{
	int e = outcome(renameat2(AT_FDCWD, at(0, side, "fifo"), AT_FDCWD, at(1, side, "moved"),
				  RENAME_WHITEOUT));

	if (!e)
		ASSERT_TRUE(is_whiteout(at(0, side, "fifo")));
	return e;
}

static int op_link(const char *side)
{
	return outcome(link(at(0, side, "wh"), at(1, side, "wh2")));
}

FIXTURE(whiteout) {
	int unused;
};

FIXTURE_VARIANT(whiteout) {
	void (*prep)(const char *side);
	int (*op)(const char *side);
};

FIXTURE_VARIANT_ADD(whiteout, mknod) { .prep = prep_none, .op = op_mknod };
FIXTURE_VARIANT_ADD(whiteout, rename) { .prep = prep_fifo, .op = op_rename };
FIXTURE_VARIANT_ADD(whiteout, link) { .prep = prep_whiteout, .op = op_link };

FIXTURE_SETUP(whiteout)
{
	int e;

	NEED_ABI(1);
	scratch();
	/* The filesystem must make whiteouts at all (tmpfs does). */
	e = outcome(mknod("probe-wh", S_IFCHR | 0600, makedev(0, 0)));
	if (e)
		SKIP("this tmpfs cannot make a whiteout: %s", br_errname(e));
	ASSERT_OK(unlink("probe-wh"));
	variant->prep("granted");
	variant->prep("denied");
}

FIXTURE_TEARDOWN(whiteout) {}

TEST_F(whiteout, denied, .fixed_by = WHITEOUT_FIX)
{
	grant(make_reg, make_reg, "granted", NULL);
	ASSERT_OUTCOME(EACCES, variant->op("denied"));
}

TEST_F(whiteout, granted)
{
	grant(make_reg, make_reg, "granted", NULL);
	ASSERT_OUTCOME(0, variant->op("granted"));
}

TEST_F(whiteout, control)
{
	ASSERT_OUTCOME(0, variant->op("denied"));
}

/* Which right guards whiteouts here: a domain handling MAKE_CHAR alone
 * lets one be made where erratum 4 is fixed, not before. The erratum bit,
 * where the kernel can be asked, must agree. */
TEST(whiteout_right)
{
	long errata;
	int e;

	NEED_ABI(1);
	scratch();
	grant(LANDLOCK_ACCESS_FS_MAKE_CHAR, LANDLOCK_ACCESS_FS_MAKE_CHAR, "granted", NULL);
	e = op_mknod("denied");
	br_fact("landlock.fs.whiteout_right", "%s", e == EACCES ? "make_char" : e ? br_errname(e) : "make_reg");
	errata = br_landlock_errata();
	if (errata >= 0)
		ASSERT_OUTCOME((errata & (1 << 3)) ? 0 : EACCES, e);
	else
		ASSERT_TRUE(e == 0 || e == EACCES);
}

/* A fifo in granted/ and in denied/, granted/sub/ (holding a whiteout wh
 * when asked), then REFER granted everywhere and MAKE_REG beneath granted/
 * only, so MAKE_REG alone decides. */
static void whiteout_moves(bool with_whiteout)
{
	struct br_landlock_rule rules[] = {{.path = ".", .fs = refer},
					   {.path = "granted", .fs = make_reg}, {0}};

	NEED_ABI(2);
	scratch();
	prep_fifo("granted");
	prep_fifo("denied");
	ASSERT_OK(mkdir("granted/sub", 0755));
	if (with_whiteout)
		make_whiteout("granted/sub/wh");
	enforce((struct br_landlock_access){.fs = make_reg | refer}, rules);
}

/* The whiteout appears in the source directory: moving a fifo out of
 * denied/ into granted/ needs MAKE_REG in denied/, and the other way round
 * works. */
TEST(whiteout_in_source_directory, .fixed_by = WHITEOUT_FIX)
{
	whiteout_moves(false);
	ASSERT_OUTCOME(EACCES, outcome(renameat2(AT_FDCWD, "denied/fifo", AT_FDCWD,
						 "granted/sub/fifo", RENAME_WHITEOUT)));
	ASSERT_OUTCOME(0, outcome(renameat2(AT_FDCWD, "granted/fifo", AT_FDCWD, "denied/fifo2",
					    RENAME_WHITEOUT)));
	ASSERT_TRUE(is_whiteout("granted/fifo"));
}

/* RENAME_EXCHANGE moves an existing whiteout into the other directory:
 * MAKE_REG is needed where it lands. */
TEST(whiteout_exchange, .fixed_by = WHITEOUT_FIX)
{
	whiteout_moves(true);
	ASSERT_OUTCOME(EACCES, outcome(renameat2(AT_FDCWD, "denied/fifo", AT_FDCWD, "granted/sub/wh",
						 RENAME_EXCHANGE)));
	ASSERT_OUTCOME(0, outcome(renameat2(AT_FDCWD, "granted/fifo", AT_FDCWD, "granted/sub/wh",
					    RENAME_EXCHANGE)));
	ASSERT_TRUE(is_whiteout("granted/fifo"));
}

/* ---- reparenting ---- */

/* An exchange moves both ends: REFER granted beneath granted/ only, so an
 * exchange with denied/ is EXDEV; within granted/ it works. */
TEST(exchange_needs_refer_both_ways)
{
	NEED_ABI(2);
	scratch();
	grant(refer, refer, "granted", NULL);
	ASSERT_OUTCOME(EXDEV, outcome(renameat2(AT_FDCWD, "granted/from/moved", AT_FDCWD,
						"denied/from/moved", RENAME_EXCHANGE)));
	ASSERT_OUTCOME(0, outcome(renameat2(AT_FDCWD, "granted/from/moved", AT_FDCWD, "granted/file",
					    RENAME_EXCHANGE)));
}

/* A hard link into another directory is reparenting too. */
TEST(link_needs_refer)
{
	NEED_ABI(2);
	scratch();
	grant(refer, refer, "granted", NULL);
	ASSERT_OUTCOME(EXDEV, outcome(link("granted/from/moved", "denied/to/moved")));
	ASSERT_OUTCOME(0, outcome(link("granted/from/moved", "granted/to/moved")));
}

/* REFER everywhere, EXECUTE beneath granted/ only: moving a file into
 * granted/ would give it EXECUTE (EXDEV); moving one out of granted/ only
 * loses a right and is allowed. With `layers`, the widening layer is a
 * second one on top of a first that grants REFER alone: EXDEV still. */
static void widening(bool layered)
{
	const uint64_t exec = LANDLOCK_ACCESS_FS_EXECUTE;
	struct br_landlock_rule rules[] = {{.path = ".", .fs = refer},
					   {.path = "granted", .fs = exec}, {0}};

	NEED_ABI(2);
	scratch();
	if (layered)
		grant(refer, refer, ".", NULL);
	enforce((struct br_landlock_access){.fs = refer | exec}, rules);
	ASSERT_OUTCOME(EXDEV, outcome(rename("denied/from/moved", "granted/to/moved")));
	ASSERT_OUTCOME(0, outcome(rename("granted/from/moved", "denied/to/moved")));
}

TEST(refer_cannot_widen)
{
	widening(false);
}

TEST(refer_cannot_widen_in_any_layer)
{
	widening(true);
}

/* The same first layer alone: REFER everywhere, the move into granted/ is
 * allowed (nothing is gained in a layer that handles REFER only). */
TEST(refer_cannot_widen_control)
{
	NEED_ABI(2);
	scratch();
	grant(refer, refer, ".", NULL);
	ASSERT_OUTCOME(0, outcome(rename("denied/from/moved", "granted/to/moved")));
}

/* Two layers that both handle REFER: one grants it everywhere, the other
 * beneath granted/ only. A move out of granted/ needs REFER in every
 * layer: EXDEV; within granted/ both layers grant it. */
TEST(refer_layers_intersect)
{
	NEED_ABI(2);
	scratch();
	grant(refer, refer, ".", NULL);
	grant(refer, refer, "granted", NULL);
	ASSERT_OUTCOME(EXDEV, outcome(rename("granted/from/moved", "denied/to/moved")));
	ASSERT_OUTCOME(0, outcome(rename("granted/from/moved", "granted/to/moved")));
}

/* ---- through a bind mount ---- */

/*
 * src/ bind-mounted on view/. REFER is granted beneath the directory that
 * holds view/ (".") and EXECUTE beneath view/sub: inside the mount a move
 * into view/sub gains EXECUTE (EXDEV), the move out of it does not; a
 * move between src/ and view/ is another mount (EXDEV from the VFS).
 */
static void bind_tree(void)
{
	scratch();
	ASSERT_OK(mkdir("src", 0755));
	ASSERT_OK(mkdir("src/sub", 0755));
	ASSERT_EQ(0, br_make_file("src/f", "x", 0644));
	ASSERT_EQ(0, br_make_file("src/sub/g", "x", 0644));
	ASSERT_OK(mkdir("view", 0755));
	ASSERT_OK(mount("src", "view", NULL, MS_BIND, NULL));
}

TEST(refer_through_bind_mount)
{
	const uint64_t exec = LANDLOCK_ACCESS_FS_EXECUTE;
	struct br_landlock_rule rules[] = {{.path = ".", .fs = refer},
					   {.path = "view/sub", .fs = exec}, {0}};

	NEED_ABI(2);
	bind_tree();
	enforce((struct br_landlock_access){.fs = refer | exec}, rules);
	ASSERT_OUTCOME(EXDEV, outcome(rename("view/f", "view/sub/f")));
	ASSERT_OUTCOME(EXDEV, outcome(rename("src/f", "view/sub/f")));
	ASSERT_OUTCOME(0, outcome(rename("view/sub/g", "view/g")));
}

/* No Landlock: the same move into view/sub works. */
TEST(refer_through_bind_mount_control)
{
	NEED_ABI(2);
	bind_tree();
	ASSERT_OUTCOME(0, outcome(rename("view/f", "view/sub/f")));
}

/*
 * Disconnected: view/sub is opened (O_PATH) through the bind mount, then
 * src/sub is renamed to away/ (outside src/), so the fd's directory is no
 * longer beneath the mount's root. A domain granting READ_FILE on the file
 * g alone must still deny its sibling h through that fd, and one granting
 * READ_FILE beneath src/ must deny away/ by its path.
 */
static int disconnect(void)
{
	int fd;

	bind_tree();
	ASSERT_EQ(0, br_make_file("src/sub/h", "x", 0644));
	fd = open("view/sub", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(rename("src/sub", "away"));
	/* Not Landlock: the fd's parent is out of the mount's view. */
	ASSERT_OUTCOME(ENOENT, outcome(openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
	return fd;
}

static const uint64_t read_file = LANDLOCK_ACCESS_FS_READ_FILE;

TEST(disconnected_rule_on_file)
{
	int fd;

	NEED_ABI(1);
	fd = disconnect();
	grant(read_file, read_file, "away/g", NULL);
	ASSERT_OUTCOME(0, outcome(openat(fd, "g", O_RDONLY | O_CLOEXEC)));
	ASSERT_OUTCOME(EACCES, outcome(openat(fd, "h", O_RDONLY | O_CLOEXEC)));
}

TEST(disconnected_rule_on_file_control)
{
	int fd;

	NEED_ABI(1);
	fd = disconnect();
	ASSERT_OUTCOME(0, outcome(openat(fd, "h", O_RDONLY | O_CLOEXEC)));
}

/* The rule on src/ (the bind mount's source) does not cover away/ by path.
 * Through the disconnected fd the mount's own hierarchy is evaluated too
 * where erratum 3 is fixed (allowed), before it only the path to the
 * filesystem root (denied): a fact, checked against the erratum bit. */
TEST(disconnected_rule_on_mount_source)
{
	long errata;
	int fd, e;

	NEED_ABI(1);
	fd = disconnect();
	grant(read_file, read_file, "src", NULL);
	ASSERT_OUTCOME(EACCES, outcome(open("away/g", O_RDONLY | O_CLOEXEC)));
	e = outcome(openat(fd, "g", O_RDONLY | O_CLOEXEC));
	br_fact("landlock.fs.disconnected_fd", "%s", e ? br_errname(e) : "mount rules apply");
	errata = br_landlock_errata();
	if (errata >= 0 && (errata & (1 << 2)))
		ASSERT_OUTCOME(0, e);
	else
		ASSERT_TRUE(e == 0 || e == EACCES);
}

/*
 * Moves through the disconnected fd, on the bind mount (same mount: the VFS
 * allows them). The destination view/x (src/x) has MAKE_REG and REMOVE_FILE
 * but no REFER: a move between away/ and it is EXDEV both ways, a link lacking
 * MAKE_REG there is EACCES; the rename inside away/ needs no REFER. The
 * controls: no Landlock, and the link with MAKE_REG granted.
 */
static const uint64_t mk_rm = LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE;

static int disconnect_with_dest(void)
{
	int fd = disconnect();

	ASSERT_OK(mkdir("src/x", 0755));
	ASSERT_EQ(0, br_make_file("src/x/h", "x", 0644));
	return fd;
}

TEST(disconnected_rename_to_view_needs_refer)
{
	struct br_landlock_rule rules[] = {{.path = "away", .fs = refer | mk_rm},
					   {.path = "src/x", .fs = mk_rm}, {0}};
	int fd;

	NEED_ABI(2);
	fd = disconnect_with_dest();
	enforce((struct br_landlock_access){.fs = refer | mk_rm}, rules);
	ASSERT_OUTCOME(EXDEV, outcome(renameat(fd, "g", AT_FDCWD, "view/x/g")));
	ASSERT_OUTCOME(EXDEV, outcome(renameat(AT_FDCWD, "view/x/h", fd, "h")));
	ASSERT_OUTCOME(0, outcome(renameat(fd, "g", fd, "g2"))); /* same directory */
	ASSERT_OUTCOME(0, outcome(access("away/g2", F_OK)));
}

TEST(disconnected_rename_to_view_control)
{
	int fd;

	NEED_ABI(2);
	fd = disconnect_with_dest();
	ASSERT_OUTCOME(0, outcome(renameat(fd, "g", AT_FDCWD, "view/x/g")));
	ASSERT_OUTCOME(0, outcome(renameat(AT_FDCWD, "view/x/h", fd, "h")));
}

static void disconnected_link(uint64_t dest, int want)
{
	const uint64_t mk = LANDLOCK_ACCESS_FS_MAKE_REG;
	struct br_landlock_rule rules[] = {{.path = "away", .fs = refer | mk},
					   {.path = "src/x", .fs = dest}, {0}};
	int fd;

	NEED_ABI(2);
	fd = disconnect_with_dest();
	enforce((struct br_landlock_access){.fs = refer | mk}, rules);
	ASSERT_OUTCOME(want, outcome(linkat(fd, "g", AT_FDCWD, "view/x/g", 0)));
}

TEST(disconnected_link_to_view_needs_make_reg)
{
	disconnected_link(refer, EACCES);
}

TEST(disconnected_link_to_view_granted_control)
{
	disconnected_link(refer | LANDLOCK_ACCESS_FS_MAKE_REG, 0);
}

TEST_HARNESS_MAIN
