/*
 * Capability names and masks without libcap: the static probe links only
 * this half of lib/caps (libcap's constructor calls prctl before main, which
 * a strict seccomp allow-list kills). Declared in caps.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include "caps.h"
#include "proc.h"

/* The UAPI names (include/uapi/linux/capability.h), in number order. */
static const char *const names[BR_CAP_NAMED_LAST + 1] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
	"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
	"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
	"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
	"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
	"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int br_caps_last_cap(void)
{
	char buf[32];
	ssize_t n = br_read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf));
	int c;

	if (n > 0) {
		c = atoi(buf);
		if (c >= 0 && c < 64)
			return c;
	}
	/* No /proc: PR_CAPBSET_READ is EINVAL for a cap the kernel lacks. */
	for (c = 0; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		;
	return c ? c - 1 : -ENOSYS;
}

br_capmask br_caps_all(void)
{
	int last = br_caps_last_cap();

	if (last < 0)
		return 0;
	return last == 63 ? ~(br_capmask)0 : BR_CAP(last + 1) - 1;
}

const char *br_cap_name(int cap)
{
	static _Thread_local char buf[16];

	if (cap >= 0 && cap <= BR_CAP_NAMED_LAST)
		return names[cap];
	snprintf(buf, sizeof(buf), "cap_%d", cap);
	return buf;
}

int br_cap_from_name(const char *name)
{
	char *end;
	long n;

	if (!strncasecmp(name, "cap_", 4))
		name += 4;
	if (!*name)
		return -EINVAL;
	if (isdigit((unsigned char)*name)) {
		n = strtol(name, &end, 10);
		return *end || n > 63 ? -EINVAL : (int)n;
	}
	for (int c = 0; c <= BR_CAP_NAMED_LAST; c++)
		if (!strcasecmp(name, names[c]))
			return c;
	return -EINVAL;
}

int br_caps_parse(const char *list, br_capmask *out)
{
	char word[64];
	br_capmask m = 0;

	while (*list) {
		size_t len = strcspn(list, ", \t\n");
		int c;

		if (len == 0) {
			list++;
			continue;
		}
		if (len >= sizeof(word))
			return -EINVAL;
		memcpy(word, list, len);
		word[len] = 0;
		list += len;
		if (!strcmp(word, "all")) {
			m |= br_caps_all();
			continue;
		}
		if (!strcmp(word, "none"))
			continue;
		c = br_cap_from_name(word);
		if (c < 0)
			return c;
		m |= BR_CAP(c);
	}
	*out = m;
	return 0;
}

/* Append "a,b,c" for the caps in m to buf at *len. */
static void list_names(br_capmask m, char *buf, size_t size, size_t *len)
{
	bool first = true;

	for (int i = 0; i < 64; i++) {
		if (!(m & BR_CAP(i)))
			continue;
		if (*len < size)
			*len += snprintf(buf + *len, size - *len, "%s%s", first ? "" : ",", br_cap_name(i));
		else
			*len += strlen(br_cap_name(i)) + !first;
		first = false;
	}
}

int br_caps_mask_format(br_capmask m, char *buf, size_t size)
{
	br_capmask all = br_caps_all();
	size_t len = 0;

	if (!size)
		return -ENOSPC;
	if (!m)
		len = snprintf(buf, size, "none");
	else if (all && m == all)
		len = snprintf(buf, size, "all");
	else if (all && !(m & ~all) && __builtin_popcountll(m) > __builtin_popcountll(all) / 2) {
		len = snprintf(buf, size, "all-");
		list_names(all & ~m, buf, size, &len);
	} else {
		list_names(m, buf, size, &len);
	}
	return len >= size ? -ENOSPC : (int)len;
}

