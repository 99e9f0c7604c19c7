/*
 * Capability facts: how many caps this kernel has, which of them libcap and
 * our headers cannot name, and the sets the run itself holds.
 *
 *   caps.last_cap        /proc/sys/kernel/cap_last_cap
 *   caps.libcap_last     the last cap libcap's name table knows (cap_max_bits()
 *                        is the kernel's count, not libcap's table)
 *   caps.beyond_libcap   caps the kernel has and libcap cannot name
 *   caps.beyond_headers  caps the kernel has and our UAPI headers cannot name
 *   caps.run             the run's own state (br_caps_format)
 */
#include <sys/prctl.h>

#include "caps.h"
#include "harness.h"

/* "none", or the names of caps first..last, comma-separated. */
static void list_range(int first, int last, char *buf, size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "none");
	for (int c = first; c <= last && len < size; c++)
		len += snprintf(buf + len, size - len, "%s%s", len ? "," : "", br_cap_name(c));
}

/* The number the kernel reports must agree with what PR_CAPBSET_READ accepts. */
TEST(last_cap)
{
	int last = br_caps_last_cap();

	ASSERT_LE(0, last);
	br_fact("caps.last_cap", "%d", last);
	EXPECT_LE(0, prctl(PR_CAPBSET_READ, last, 0, 0, 0));
	EXPECT_ERRNO(EINVAL, prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0));
}

/* libcap names a cap it does not know by its number ("41"). */
static int libcap_last(void)
{
	int c;

	for (c = 0; c < 64; c++) {
		char *n = cap_to_name(c);
		bool numeric = !n || (*n >= '0' && *n <= '9');

		cap_free(n);
		if (numeric)
			break;
	}
	return c - 1;
}

TEST(beyond_libcap)
{
	int last = br_caps_last_cap(), lib_last = libcap_last();
	char buf[1024];

	ASSERT_LE(0, last);
	br_fact("caps.libcap_last", "%d", lib_last);
	list_range(lib_last + 1, last, buf, sizeof(buf));
	br_fact("caps.beyond_libcap", "%s", buf);
	list_range(BR_CAP_NAMED_LAST + 1, last, buf, sizeof(buf));
	br_fact("caps.beyond_headers", "%s", buf);
}

TEST(run_state)
{
	struct br_caps c;
	char text[1024];

	ASSERT_EQ(0, br_caps_get(&c));
	ASSERT_LE(0, br_caps_format(&c, text, sizeof(text)));
	br_fact("caps.run", "%s", text);
}

TEST_HARNESS_MAIN
