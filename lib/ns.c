#include "ns.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "proc.h"

int br_ns_private(int flags)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int ret;

	if (uid == 0)
		return unshare(flags) ? -errno : 0;
	if (unshare(CLONE_NEWUSER | flags))
		return -errno;
	ret = br_write_file("/proc/self/setgroups", "deny");
	if (!ret) {
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		ret = br_write_file("/proc/self/uid_map", map);
	}
	if (!ret) {
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		ret = br_write_file("/proc/self/gid_map", map);
	}
	return ret;
}
