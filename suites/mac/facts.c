/*
 * suites/mac/facts: the MAC facts of the running task (lib/facts' mac.*
 * keys and the MAC sysctls), so guest cells record them too, and checks that
 * each one is what its source file says.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "harness.h"
#include "mac.h"

static const char *const sysctls[] = {
	"sysctl.kernel.yama.ptrace_scope",
	"sysctl.kernel.apparmor_restrict_unprivileged_userns",
};

/* Every mac.* key and the MAC sysctls, as facts. */
TEST(mac_facts)
{
	struct br_facts f = {0};

	ASSERT_EQ(0, br_facts_gather(&f));
	ASSERT_TRUE(br_facts_get(&f, "mac.active") != NULL);
	for (size_t i = 0; i < f.n; i++)
		if (!strncmp(f.kv[i].key, "mac.", 4))
			br_fact(f.kv[i].key, "%s", f.kv[i].value);
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(*sysctls); i++)
		if (br_facts_get(&f, sysctls[i]))
			br_fact(sysctls[i], "%s", br_facts_get(&f, sysctls[i]));
	br_facts_free(&f);
}

/* Each readable label fact is what its attr file says, and mac.active lists
 * exactly the LSMs that have one. AppArmor's own file, read directly, is the
 * control for its fact. */
TEST(label_facts_match_attr_files)
{
	static const char *const lsms[] = {"apparmor", "selinux", "smack"};
	struct br_facts f = {0};
	char active[64] = "", label[512];

	ASSERT_EQ(0, br_facts_gather(&f));
	for (size_t i = 0; i < sizeof(lsms) / sizeof(*lsms); i++) {
		char key[64];
		const char *v;

		snprintf(key, sizeof(key), "mac.%s.label", lsms[i]);
		if (!(v = br_facts_get(&f, key)) || !strncmp(v, "unreadable(", 11))
			continue;
		snprintf(active + strlen(active), sizeof(active) - strlen(active), "%s%s",
			 *active ? "," : "", lsms[i]);
		ASSERT_EQ(0, br_mac_label(lsms[i], 1, label, sizeof(label)));
		EXPECT_STREQ(label, v);
	}
	EXPECT_STREQ(*active ? active : "none", br_facts_get(&f, "mac.active"));
	if (br_mac_label("apparmor", 0, label, sizeof(label)) == 0)
		EXPECT_STREQ(label, br_facts_get(&f, "mac.apparmor.label"));
	else
		EXPECT_TRUE(br_facts_get(&f, "mac.apparmor.label") == NULL ||
			    !strncmp(br_facts_get(&f, "mac.apparmor.label"), "unreadable(", 11));
	br_facts_free(&f);
}

/* AppArmor's mode fact is the mode in its label; SELinux's is selinuxfs's. */
TEST(mode_facts_match_labels)
{
	struct br_facts f = {0};
	const char *label, *mode;
	char name[256];
	int pv;

	ASSERT_EQ(0, br_facts_gather(&f));
	label = br_facts_get(&f, "mac.apparmor.label");
	mode = label ? br_mac_aa_mode(label, name, sizeof(name)) : NULL;
	if (mode)
		EXPECT_STREQ(mode, br_facts_get(&f, "mac.apparmor.mode"));
	else
		EXPECT_TRUE(br_facts_get(&f, "mac.apparmor.mode") == NULL);
	mode = br_mac_selinux_mode(&pv);
	if (mode)
		EXPECT_STREQ(mode, br_facts_get(&f, "mac.selinux.mode"));
	else
		EXPECT_TRUE(br_facts_get(&f, "mac.selinux.mode") == NULL);
	br_facts_free(&f);
}

/* The label parser on the forms the kernel prints. */
TEST(aa_mode_parses_labels)
{
	char name[64];

	EXPECT_STREQ("unconfined", br_mac_aa_mode("unconfined", name, sizeof(name)));
	EXPECT_STREQ("enforce", br_mac_aa_mode("blastradius-deny (enforce)", name, sizeof(name)));
	EXPECT_STREQ("blastradius-deny", name);
	EXPECT_STREQ("complain", br_mac_aa_mode("/usr/bin/x (complain)", name, sizeof(name)));
	EXPECT_STREQ("/usr/bin/x", name);
	EXPECT_TRUE(br_mac_aa_mode("x (bogus)", name, sizeof(name)) == NULL);
	EXPECT_TRUE(br_mac_aa_mode("no-mode", name, sizeof(name)) == NULL);
}

TEST_HARNESS_MAIN
