#include "caps.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "proc.h"

static br_capmask flag_mask(cap_t c, cap_flag_t flag, int last)
{
	br_capmask m = 0;

	for (int i = 0; i <= last; i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (!cap_get_flag(c, i, flag, &v) && v == CAP_SET)
			m |= BR_CAP(i);
	}
	return m;
}

int br_caps_get(struct br_caps *out)
{
	int last = br_caps_last_cap(), r;
	cap_t c;

	if (last < 0)
		return last;
	c = cap_get_proc();
	if (!c)
		return -errno;
	memset(out, 0, sizeof(*out));
	out->eff = flag_mask(c, CAP_EFFECTIVE, last);
	out->prm = flag_mask(c, CAP_PERMITTED, last);
	out->inh = flag_mask(c, CAP_INHERITABLE, last);
	cap_free(c);
	for (int i = 0; i <= last; i++) {
		if (cap_get_bound(i) > 0)
			out->bnd |= BR_CAP(i);
		/* Ambient is EINVAL before 4.3: report it as empty. */
		if (cap_get_ambient(i) > 0)
			out->amb |= BR_CAP(i);
	}
	out->securebits = cap_get_secbits();
	r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (r < 0)
		return -errno;
	out->nnp = r;
	return 0;
}

/* capset of eff/prm/inh through libcap. */
static int set_proc(br_capmask eff, br_capmask prm, br_capmask inh, int last)
{
	cap_t c = cap_init();
	int ret = 0;

	if (!c)
		return -errno;
	for (cap_value_t i = 0; i <= last && !ret; i++) {
		if ((eff & BR_CAP(i)) && cap_set_flag(c, CAP_EFFECTIVE, 1, &i, CAP_SET))
			ret = -errno;
		if ((prm & BR_CAP(i)) && cap_set_flag(c, CAP_PERMITTED, 1, &i, CAP_SET))
			ret = -errno;
		if ((inh & BR_CAP(i)) && cap_set_flag(c, CAP_INHERITABLE, 1, &i, CAP_SET))
			ret = -errno;
	}
	if (!ret && cap_set_proc(c))
		ret = -errno;
	cap_free(c);
	return ret;
}

int br_caps_set(const struct br_caps *want)
{
	int last = br_caps_last_cap(), ret;
	br_capmask all = br_caps_all();
	struct br_caps cur, got;

	if (last < 0)
		return last;
	if ((want->eff & ~want->prm) || (want->amb & ~(want->prm & want->inh)) ||
	    ((want->eff | want->prm | want->inh | want->bnd | want->amb) & ~all))
		return -EINVAL;
	ret = br_caps_get(&cur);
	if (ret)
		return ret;
	if ((want->prm & ~cur.prm) || (want->bnd & ~cur.bnd))
		return -EPERM;

	if (cur.bnd & ~want->bnd) {
		/* PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set. */
		if ((cur.prm & BR_CAP(CAP_SETPCAP)) && !(cur.eff & BR_CAP(CAP_SETPCAP))) {
			ret = set_proc(cur.eff | BR_CAP(CAP_SETPCAP), cur.prm, cur.inh, last);
			if (ret)
				return ret;
		}
		for (int i = 0; i <= last; i++)
			if ((cur.bnd & ~want->bnd & BR_CAP(i)) && cap_drop_bound(i))
				return -errno;
	}
	if (cur.amb && cap_reset_ambient())
		return -errno;
	/* The kernel checks inh against the old effective set's CAP_SETPCAP,
	 * so one capset can both raise inh and drop CAP_SETPCAP. */
	ret = set_proc(want->eff, want->prm, want->inh, last);
	if (ret)
		return ret;
	for (int i = 0; i <= last; i++)
		if ((want->amb & BR_CAP(i)) && cap_set_ambient(i, CAP_SET))
			return -errno;

	ret = br_caps_get(&got);
	if (ret)
		return ret;
	if (got.eff != want->eff || got.prm != want->prm || got.inh != want->inh ||
	    got.bnd != want->bnd || got.amb != want->amb)
		return -EIO;
	return 0;
}

static _Noreturn void die_errno(const char *what, int neg)
{
	fprintf(stderr, "blastradius: caps: %s: %s\n", what, strerror(-neg));
	_exit(1);
}

void br_caps_set_or_die(const struct br_caps *want)
{
	int ret = br_caps_set(want);

	if (ret)
		die_errno("cannot set the capability sets", ret);
}

int br_caps_keep_mask(br_capmask keep)
{
	struct br_caps want = {.eff = keep, .prm = keep, .inh = keep, .bnd = keep, .amb = keep};

	return br_caps_set(&want);
}

int br_caps_keep_only(const cap_value_t *keep, size_t n)
{
	br_capmask m = 0;

	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || keep[i] > 63)
			return -EINVAL;
		m |= BR_CAP(keep[i]);
	}
	return br_caps_keep_mask(m);
}

int br_caps_keep_names(const char *list)
{
	br_capmask m;
	int ret = br_caps_parse(list, &m);

	return ret ? ret : br_caps_keep_mask(m);
}

void br_caps_keep_names_or_die(const char *list)
{
	int ret = br_caps_keep_names(list);

	if (ret)
		die_errno(list, ret);
}

int br_caps_drop_all(void)
{
	return br_caps_keep_mask(0);
}

void br_caps_drop_all_or_die(void)
{
	int ret = br_caps_drop_all();

	if (ret)
		die_errno("cannot drop every capability", ret);
}

int br_caps_set_securebits(unsigned int bits)
{
	return cap_set_secbits(bits) ? -errno : 0;
}

int br_caps_lock_securebits(unsigned int bits)
{
	/* Each SECBIT_x has its lock at x+1 (linux/securebits.h). */
	return br_caps_set_securebits(cap_get_secbits() | bits | (bits << 1));
}

void br_caps_lock_securebits_or_die(unsigned int bits)
{
	int ret = br_caps_lock_securebits(bits);

	if (ret)
		die_errno("cannot lock securebits", ret);
}

int br_caps_set_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
}

void br_caps_set_nnp_or_die(void)
{
	int ret = br_caps_set_nnp();

	if (ret)
		die_errno("cannot set no_new_privs", ret);
}

int br_caps_format(const struct br_caps *c, char *buf, size_t size)
{
	const br_capmask sets[] = {c->eff, c->prm, c->inh, c->bnd, c->amb};
	const char *keys[] = {"eff", "prm", "inh", "bnd", "amb"};
	size_t len = 0;

	if (!size)
		return -ENOSPC;
	buf[0] = 0;
	for (int i = 0; i < 5; i++) {
		int n;

		if (len + 5 >= size)
			return -ENOSPC;
		len += snprintf(buf + len, size - len, "%s%s=", i ? " " : "", keys[i]);
		n = br_caps_mask_format(sets[i], buf + len, size - len);
		if (n < 0)
			return n;
		len += n;
	}
	len += snprintf(buf + len, size - len, " securebits=0x%x nnp=%d", c->securebits, c->nnp);
	return len >= size ? -ENOSPC : (int)len;
}
