/*
 * suites/mac/assess_selinux: the probe assess runs reports the SELinux
 * domain it runs in, under our policy (fixtures/selinux, loaded by the
 * guest's init in the matrix's selinux cell). Executed from a br_exec_t
 * file it enters br_trans_t, a domain that may read almost nothing: the
 * probe must still name its context (attr/current is SELinux's when
 * selinuxfs is mounted and AppArmor and Smack are not active), and never
 * call SELinux disabled. The control runs it from a plain file:
 * br_unconfined_t, enforcing. Elsewhere the cases SKIP.
 */
#include "assess.h"
#include "mac.h"

#define CTX(type) "br_u:br_r:" type

static void need_policy(void)
{
	int vers, r;

	if (!br_mac_selinux_mode(&vers))
		SKIP("SELinux is not active (no selinuxfs): the matrix's selinux cell runs this");
	r = br_mac_selinux_valid(CTX("br_trans_t"));
	if (r != 1 && !br_in_guest())
		SKIP("SELinux runs another policy here: this needs blastradius's (the matrix guest's)");
	ASSERT_EQ(1, r); /* in a guest, the init loaded our policy */
}

static int label_entry(const char *path, void *arg)
{
	(void)arg;
	return br_mac_selinux_label_file(path, "br_u:object_r:br_exec_t");
}

TEST(probe_reports_selinux_domain, .as = BR_ROOT, .timeout_ms = 20000)
{
	char out[8192], v[256];

	need_policy();
	/* Control: a plain file keeps the caller's domain; selinuxfs readable. */
	probe_mac(BR_SCRATCH_SUID, "plain", NULL, NULL, out, sizeof(out));
	ASSERT_STREQ(CTX("br_unconfined_t"), probe_rec(out, "mac.label.selinux", v, sizeof(v)));
	ASSERT_STREQ("enforcing", probe_rec(out, "mac.selinux", v, sizeof(v)));
	ASSERT_STREQ("absent", probe_rec(out, "mac.apparmor", v, sizeof(v)));
	/* type_transition br_unconfined_t br_exec_t : process br_trans_t */
	probe_mac(BR_SCRATCH_SUID, "entry", label_entry, NULL, out, sizeof(out));
	TH_LOG("the probe in br_trans_t: %s", out);
	ASSERT_STREQ(CTX("br_trans_t"), probe_rec(out, "mac.label.selinux", v, sizeof(v)));
	/* Its mode: enforcing, or unknown where br_trans_t cannot read selinuxfs
	 * (assess then takes the outside's); never disabled or permissive. */
	ASSERT_TRUE(probe_rec(out, "mac.selinux", v, sizeof(v)) != NULL);
	if (strcmp(v, "enforcing"))
		ASSERT_STREQ("unknown", v);
}

TEST_HARNESS_MAIN
