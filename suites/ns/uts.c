/*
 * UTS namespace: hostname and domainname are private to the namespace.
 * Every case first enters a private UTS namespace of its own (the "outside"),
 * so no host name is ever changed. The control shares that namespace with a
 * child and shows the child's change is seen; the enforcement case gives the
 * child a namespace of its own and shows the change is not.
 */
#include <sched.h>
#include <unistd.h>

#include "harness.h"
#include "ns.h"
#include "proc.h"

#define SENTINEL "br-sentinel-uts"

static int set_host(void *nested)
{
	if (nested && unshare(CLONE_NEWUTS))
		return 10;
	return sethostname(SENTINEL, sizeof(SENTINEL) - 1) ? 11 : 0;
}

static int set_domain(void *nested)
{
	if (nested && unshare(CLONE_NEWUTS))
		return 10;
	return setdomainname(SENTINEL, sizeof(SENTINEL) - 1) ? 11 : 0;
}

static void outside(void)
{
	int ret = br_ns_private(CLONE_NEWUTS);

	if (ret)
		br_require_userns();
	ASSERT_EQ(0, ret);
}

TEST(hostname_private)
{
	char name[256];

	outside();
	ASSERT_OK(gethostname(name, sizeof(name)));
	ASSERT_EQ(0, br_child(set_host, (void *)1));
	ASSERT_OK(gethostname(name, sizeof(name)));
	EXPECT_NE(0, strcmp(name, SENTINEL));
}

TEST(hostname_shared_control)
{
	char name[256];

	outside();
	ASSERT_EQ(0, br_child(set_host, NULL));
	ASSERT_OK(gethostname(name, sizeof(name)));
	EXPECT_STREQ(SENTINEL, name);
}

TEST(domainname_private)
{
	char name[256];

	outside();
	ASSERT_EQ(0, br_child(set_domain, (void *)1));
	ASSERT_OK(getdomainname(name, sizeof(name)));
	EXPECT_NE(0, strcmp(name, SENTINEL));
}

TEST(domainname_shared_control)
{
	char name[256];

	outside();
	ASSERT_EQ(0, br_child(set_domain, NULL));
	ASSERT_OK(getdomainname(name, sizeof(name)));
	EXPECT_STREQ(SENTINEL, name);
}

/* Without CAP_SYS_ADMIN over the UTS namespace's owner, sethostname is EPERM. */
TEST(sethostname_needs_cap, .as = BR_UNPRIV)
{
	char name[256];

	ASSERT_OK(gethostname(name, sizeof(name)));
	ASSERT_ERRNO(EPERM, sethostname(name, strlen(name)));
}

/* The same call in a UTS namespace of one's own (under a user namespace). */
TEST(sethostname_own_ns_control, .as = BR_UNPRIV)
{
	outside();
	ASSERT_EQ(0, set_host(NULL));
}

TEST(setdomainname_needs_cap, .as = BR_UNPRIV)
{
	char name[256];

	ASSERT_OK(getdomainname(name, sizeof(name)));
	ASSERT_ERRNO(EPERM, setdomainname(name, strlen(name)));
}

TEST_HARNESS_MAIN
