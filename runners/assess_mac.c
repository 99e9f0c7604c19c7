/*
 * assess: what the mandatory access control layer does for the process,
 * from the probe's mac section (mac.lsm, mac.label.<lsm>, mac.apparmor,
 * mac.selinux, mac.yama). One reading feeds the claims, the findings, the
 * summaries and report.html (README "Decisions": MAC).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "assess.h"
#include "mac.h"

static const struct rec *mrec(const struct recs *r, const char *key)
{
	return r ? recs_get(r, 'O', key) : NULL;
}

static bool known(const struct rec *x)
{
	return x && strcmp(x->value, "unknown");
}

/* Append to buf, "; " between parts. */
static void vadd(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);

	if (len + 3 >= size)
		return;
	if (len)
		len += (size_t)snprintf(buf + len, size - len, "; ");
	vsnprintf(buf + len, size - len, fmt, ap);
}

/* One LSM's part of the view: s is what it does for the process (the
 * worst-informed wins, but one that confines beats every other). */
static void part(struct mac_view *m, enum mac_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void part(struct mac_view *m, enum mac_state s, const char *fmt, ...)
{
	va_list ap;

	if (s < m->state)
		m->state = s;
	va_start(ap, fmt);
	vadd(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
	if (s != MAC_CONFINED)
		return;
	va_start(ap, fmt);
	vadd(m->confined_by, sizeof(m->confined_by), fmt, ap);
	va_end(ap);
}

/* SELinux's mode and Yama's scope are system-wide: when the inside cannot
 * read them (selinuxfs or /proc/sys hidden), the outside's answer is the
 * same kernel's. */
static const struct rec *global(const struct recs *in, const struct recs *ref, const char *key,
				bool *outside)
{
	const struct rec *x = mrec(in, key), *o = mrec(ref, key);

	*outside = x && !known(x) && known(o);
	return *outside ? o : x;
}

static void apparmor(struct mac_view *m, const struct recs *in)
{
	const struct rec *x = mrec(in, "mac.apparmor");

	m->aa = x ? x->value : NULL;
	if (!known(x)) {
		part(m, MAC_UNKNOWN, "AppArmor: not measured%s%s%s", x ? " (" : "", x ? x->detail : "",
		     x ? ")" : "");
		return;
	}
	snprintf(m->aa_profile, sizeof(m->aa_profile), "%s", x->detail + (strncmp(x->detail, "profile ", 8) ? 0 : 8));
	if (!strcmp(x->value, "absent"))
		part(m, MAC_NONE, "AppArmor is not active");
	else if (!strcmp(x->value, "unconfined"))
		part(m, MAC_NONE, "AppArmor is active, but no profile confines the process (unconfined)");
	else if (!strcmp(x->value, "complain"))
		part(m, MAC_LOGGING, "AppArmor profile %s in complain mode (it logs what the profile "
		     "would deny, and allows it)", m->aa_profile);
	else
		part(m, MAC_CONFINED, "AppArmor profile %s in %s mode", m->aa_profile, x->value);
}

static void selinux(struct mac_view *m, const struct recs *in, const struct recs *ref)
{
	const struct rec *x = global(in, ref, "mac.selinux", &m->se_outside);
	const struct rec *l = mrec(in, "mac.label.selinux");
	const char *ctx = known(l) ? l->value : NULL;
	const char *where = m->se_outside ? " (measured outside: selinuxfs is hidden inside)" : "";

	m->se = x ? x->value : NULL;
	m->se_ctx = ctx;
	if (!known(x))
		part(m, MAC_UNKNOWN, "SELinux: not measured%s%s%s", x ? " (" : "", x ? x->detail : "",
		     x ? ")" : "");
	else if (!strcmp(x->value, "disabled"))
		part(m, MAC_NONE, "SELinux is not active");
	else if (!ctx)
		part(m, MAC_UNKNOWN, "SELinux %s%s, the process's context not measured", x->value, where);
	else if (!strcmp(x->value, "permissive"))
		part(m, MAC_LOGGING, "SELinux permissive%s (it logs denials, and allows), context %s",
		     where, ctx);
	else if (strstr(ctx, "unconfined"))
		part(m, MAC_NONE, "SELinux enforcing%s, but in an unconfined domain: %s", where, ctx);
	else
		part(m, MAC_CONFINED, "SELinux domain %s, enforcing%s", ctx, where);
}

void mac_view(const struct recs *in, const struct recs *ref, struct mac_view *m)
{
	const struct rec *lsm = mrec(in, "mac.lsm"), *smack = mrec(in, "mac.label.smack"), *y;

	memset(m, 0, sizeof(*m));
	m->state = MAC_NONE;
	m->lsm = known(lsm) ? lsm->value : NULL;
	if (!lsm) { /* no mac section: an older probe, or it never ran */
		m->state = MAC_UNKNOWN;
		snprintf(m->what, sizeof(m->what), "not measured (no mac records)");
		return;
	}
	apparmor(m, in);
	selinux(m, in, ref);
	if (smack && !known(smack))
		part(m, MAC_UNKNOWN, "Smack: not measured (%s)", smack->detail);
	else if (smack && !strcmp(smack->value, "_"))
		part(m, MAC_NONE, "Smack label _ (the floor: unconfined)");
	else if (smack)
		part(m, MAC_CONFINED, "Smack label %s", smack->value);
	/* The label a claim names: the labelling LSM's, AppArmor's without its mode. */
	for (const char *const *l = br_mac_labelling; *l && !m->label; l++) {
		char key[64];
		const struct rec *x;

		snprintf(key, sizeof(key), "mac.label.%s", *l);
		if (!known(x = mrec(in, key)))
			continue;
		m->label_lsm = *l;
		m->label = !strcmp(*l, "apparmor") && m->aa_profile[0] ? m->aa_profile : x->value;
	}
	y = global(in, ref, "mac.yama", &m->yama_outside);
	m->yama = y ? y->value : NULL;
	/* The labels inside against the outside's: the same ones are the
	 * launcher's own confinement, not the sandbox's. */
	if (ref && mrec(ref, "mac.lsm")) {
		m->compared = true;
		m->same_as_outside = true;
		for (size_t i = 0; i < in->n; i++) {
			const struct rec *a = &in->v[i], *b;

			if (a->kind != 'O' || strncmp(a->key, "mac.label.", 10))
				continue;
			if (!known(a)) { /* an unreadable label is compared with nothing */
				m->compared = false;
				m->outside[0] = 0;
				break;
			}
			b = mrec(ref, a->key);
			if (!b || strcmp(a->value, b->value))
				m->same_as_outside = false;
			snprintf(m->outside + strlen(m->outside), sizeof(m->outside) - strlen(m->outside),
				 "%s%s label outside: %s", m->outside[0] ? "; " : "", a->key + 10,
				 b ? b->value : "none");
		}
	}
}

const char *mac_sentence(const struct mac_view *m, char *buf, size_t size)
{
	switch (m->state) {
	case MAC_CONFINED:
		snprintf(buf, size, "confined by %s", m->confined_by);
		break;
	case MAC_LOGGING:
		snprintf(buf, size, "no MAC policy denies anything: %s", m->what);
		break;
	case MAC_NONE:
		snprintf(buf, size, "no MAC policy confines this process (%s; active LSMs: %s)", m->what,
			 m->lsm ? m->lsm : "unknown");
		break;
	default:
		snprintf(buf, size, "MAC confinement not measured: %s", m->what);
	}
	return buf;
}
