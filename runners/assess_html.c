/*
 * report.html of an assess evidence bundle, for an auditor: what was run and
 * where on top, the findings worst first, then the questionnaire's five
 * areas with the question quoted and each of its items answered in plain
 * words from the records ("not measured" where no record says).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "cli.h"
#include "findings.h"
#include "probe.h"

static const char *const abis[] = {"native", "x32", "ia32"};

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
}

/* printf, escaped. */
static void hp(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hp(FILE *f, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	esc(f, s ? s : "?");
	free(s);
}

static const char *ov(const struct recs *r, const char *key)
{
	const struct rec *x = recs_get(r, 'O', key);

	return x ? x->value : NULL;
}

static const char *fact(const struct assess *a, const char *key)
{
	const struct rec *x = recs_get(&a->in, 'F', key);

	return x ? x->value : NULL;
}

static const struct recs *refp(const struct assess *a)
{
	return a->ncmd ? &a->ref : NULL;
}

static void meta_row(FILE *f, const char *name, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td><code>", name);
	esc(f, value && *value ? value : "not recorded");
	fputs("</code></td></tr>\n", f);
}

static char *joined(char **v, int n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	for (int i = 0; i < n; i++)
		fprintf(m, "%s%s", i ? " " : "", v[i]);
	fclose(m);
	return s;
}

static void header(FILE *f, const struct assess *a)
{
	char *cmd = joined(a->cmd, a->ncmd), *argv = joined(a->argv, a->argc), *why = incomplete_why(a);

	fputs("<table class=\"meta\">\n", f);
	meta_row(f, "sandbox", a->ncmd ? cmd : "(none: the environment assess ran in)");
	meta_row(f, "assess command", argv);
	meta_row(f, "time", a->time);
	meta_row(f, "kernel", fact(a, "kernel.release"));
	meta_row(f, "blastradius", BR_VERSION);
	meta_row(f, "probe sha256", a->probe_sha);
	meta_row(f, "claims", a->claims_path ? a->claims_path : "(none)");
	fputs("<tr><th>evidence</th><td>", f);
	if (why) {
		fputs("<b class=\"critical\">INCOMPLETE evidence</b>: ", f);
		esc(f, why);
		fputs(". Claims the probe did not reach are not tested; nothing here is said about what it "
		      "did not measure", f);
	} else {
		fputs("complete: the probe reported every record", f);
	}
	fprintf(f, "%s</td></tr>\n", a->redact ? "; kernel cmdline, hostnames and user names redacted "
						  "(--redact)" : "");
	fputs("</table>\n", f);
	free(cmd);
	free(argv);
	free(why);
}

static void badge(FILE *f, enum fsev s)
{
	fprintf(f, "<span class=\"sev %s\">%s</span>", sev_name(s), sev_name(s));
}

static void findings_section(FILE *f, const struct assess *a)
{
	const struct findings *fs = a->findings;
	bool any = false;

	fputs("<h2>Findings</h2>\n<p>", f);
	for (int s = 0; s < SEV_N; s++)
		fprintf(f, "%s%u %s", s ? ", " : "", fs->count[s], sev_name(s));
	fputs(". Each is drawn from the records named beside it, whatever the claims.</p>\n", f);
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *x = &fs->v[i];
		char ev[2048];

		if (x->state != F_FOUND)
			continue;
		if (!any)
			fputs("<table class=\"findings\"><tr><th>severity</th><th>finding</th><th>answers</th>"
			      "<th>close it</th></tr>\n", f);
		any = true;
		finding_evidence(x, &a->in, ev, sizeof(ev));
		fputs("<tr><td>", f);
		badge(f, x->rule->sev);
		fputs("</td><td><b>", f);
		esc(f, x->title);
		fprintf(f, "</b><br><small><code>%s</code> &middot; evidence: ", x->rule->id);
		esc(f, ev);
		fputs("</small></td><td>", f);
		hp(f, "%s: %s", br_area_name(qitems[x->rule->item].area), qitems[x->rule->item].text);
		fputs("</td><td>", f);
		esc(f, x->rule->fix);
		fputs("</td></tr>\n", f);
	}
	fputs(any ? "</table>\n" : "<p>No finding.</p>\n", f);
	any = false;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].state == F_UNMEASURED) {
			if (!any)
				fputs("<p class=\"unmeasured\">Not measured, so no finding can be drawn: ", f);
			hp(f, "%s%s (%s)", any ? "; " : "", fs->v[i].rule->what, fs->v[i].rule->id);
			any = true;
		}
	if (any)
		fputs("</p>\n", f);
}

/* ---- the questionnaire items, answered ---- */

static void ns_answer(FILE *f, const struct assess *a)
{
	static const char *const types[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup", "time"};
	const char *labels[] = {"new", "shared with the host", "not measured"};
	bool printed = false;

	for (int want = 0; want < 3; want++) {
		bool first = true;

		for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
			char why[512];
			const char *v = ns_state(&a->in, refp(a), types[i], why, sizeof(why));
			int is = !v ? 2 : !strcmp(v, "isolated") ? 0 : 1;

			if (is != want)
				continue;
			if (first)
				fprintf(f, "%s<b>%s</b>: ", printed ? "<br>" : "", labels[want]);
			else
				fputs(", ", f);
			fputs("<span title=\"", f);
			esc(f, why);
			fprintf(f, "\">%s</span>", types[i]);
			first = false;
			printed = true;
		}
	}
}

static void map_answer(FILE *f, const struct assess *a)
{
	const char *map = ov(&a->in, "uid_map"), *uid = ov(&a->in, "uid"), *gid = ov(&a->in, "gid_map");
	char why[512];
	const char *user = ns_state(&a->in, refp(a), "user", why, sizeof(why));

	if (!map || !strncmp(map, "unreadable", 10)) {
		fputs("not measured (uid_map unreadable)", f);
		return;
	}
	if (user && !strcmp(user, "shared"))
		hp(f, "no user namespace of its own: uid %s inside is uid %s on the host", uid ? uid : "?",
		   uid ? uid : "?");
	else if (!strcmp(root_map(map), "host"))
		fputs("<b>root inside is host root</b>", f);
	else if (!strcmp(root_map(map), "mapped")) {
		unsigned long in, out, n;

		if (sscanf(map, "%lu %lu %lu", &in, &out, &n) == 3 && in == 0)
			hp(f, "root inside is mapped to host uid %lu", out);
		else
			fputs("root inside is mapped to another host uid", f);
	} else {
		fputs("root is not mapped inside", f);
	}
	fputs("<br><small>", f);
	hp(f, "uid %s inside; uid_map %s; gid_map %s", uid ? uid : "?", map, gid ? gid : "?");
	fputs("</small>", f);
}

static void caps_set(FILE *f, const struct assess *a, const char *key)
{
	const struct rec *x = recs_get(&a->in, 'O', key);
	char plain[1024];

	caps_plain(x ? x->detail : NULL, plain, sizeof(plain));
	esc(f, plain);
}

static void caps_answer(FILE *f, const struct assess *a, bool userns)
{
	char why[512];
	const char *user = ns_state(&a->in, refp(a), "user", why, sizeof(why));

	if (userns) {
		fputs("in effect: ", f);
		caps_set(f, a, "caps.effective");
		fprintf(f, ", over %s", !user ? "a user namespace not measured" : !strcmp(user, "shared")
			? "the host (no user namespace of its own)" : "its own user namespace only");
		hp(f, "; new user namespaces: %s", ov(&a->in, "unshare.user") ? ov(&a->in, "unshare.user")
									: "not measured");
		return;
	}
	static const char *const sets[] = {"effective", "permitted", "bounding", "inheritable", "ambient"};
	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
		char key[32];

		snprintf(key, sizeof(key), "caps.%s", sets[i]);
		fprintf(f, "%s%s: ", i ? "<br>" : "", sets[i]);
		caps_set(f, a, key);
	}
	hp(f, "\nno_new_privs %s; raw sockets: AF_PACKET %s, AF_INET/SOCK_RAW %s",
	   ov(&a->in, "nnp") ? ov(&a->in, "nnp") : "not measured",
	   ov(&a->in, "rawsock.packet") ? ov(&a->in, "rawsock.packet") : "not measured",
	   ov(&a->in, "rawsock.inet") ? ov(&a->in, "rawsock.inet") : "not measured");
}

static void seccomp_answer(FILE *f, const struct assess *a)
{
	const char *mode = ov(&a->in, "seccomp.mode"), *n = ov(&a->in, "seccomp.filters");

	if (!mode)
		fputs("not measured", f);
	else if (!strcmp(mode, "disabled"))
		fputs("<b>no seccomp filter</b>", f);
	else
		hp(f, "seccomp mode %s, %s filter(s) stacked", mode, n ? n : "an unknown number of");
	hp(f, "; getpid through x32: %s, through ia32 (int $0x80): %s; io_uring IORING_OP_OPENAT: %s",
	   ov(&a->in, "syscall.getpid.x32") ? ov(&a->in, "syscall.getpid.x32") : "not measured",
	   ov(&a->in, "syscall.getpid.ia32") ? ov(&a->in, "syscall.getpid.ia32") : "not measured",
	   ov(&a->in, "io_uring.openat") ? ov(&a->in, "io_uring.openat") : "not measured");
}

static void syscall_table(FILE *f, const struct assess *a)
{
	fputs("<table class=\"sys\"><tr><th>syscall</th><th>why it matters</th><th>native</th><th>x32</th>"
	      "<th>ia32</th></tr>\n", f);
	for (const struct br_sysprobe *sp = br_sysprobes; sp->name; sp++) {
		const char *why = syscall_why(sp->name, NULL);

		if (!why)
			continue;
		fprintf(f, "<tr><td><code>%s</code></td><td>", sp->name);
		esc(f, why);
		fputs("</td>", f);
		for (int i = 0; i < BR_NABIS; i++) {
			char key[96];
			const struct rec *x;

			snprintf(key, sizeof(key), "syscall.%s.%s", sp->name, abis[i]);
			x = recs_get(&a->in, 'O', key);
			if (!x) {
				fputs("<td class=\"nm\">not measured</td>", f);
				continue;
			}
			fprintf(f, "<td class=\"%s\">%s", !strcmp(x->value, "allowed") ? "open" : "shut",
				!strcmp(x->value, "allowed") ? "gets through" : "");
			if (strcmp(x->value, "allowed"))
				hp(f, "%s (%s)", x->value, x->cause);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void landlock_answer(FILE *f, const struct assess *a)
{
	const struct rec *x = recs_get(&a->in, 'O', "landlock");
	char list[4096];
	int n = family(&a->in, "fs.write.", list, sizeof(list));

	hp(f, "kernel Landlock ABI %s; ", fact(a, "landlock.abi") ? fact(a, "landlock.abi") : "not recorded");
	if (!x)
		fputs("domain: not measured", f);
	else
		hp(f, "domain: %s (%s)", !strcmp(x->value, "enforced") ? "enforced" : "none", x->detail);
	hp(f, "; can create files in: %s", n < 0 ? "not measured" : n ? list : "none of the places probed");
}

static void pids_answer(FILE *f, const struct assess *a)
{
	char why[512];
	const char *v = host_pids(&a->in, refp(a), why, sizeof(why));

	hp(f, "%s (%s)", !v ? "not measured" : !strcmp(v, "visible") ? "VISIBLE" : "hidden", why);
}

/* Sockets of one class (findings.h socket_class): how many were probed,
 * and which connected. */
static void socket_answer(FILE *f, const struct assess *a, int class, const char *what)
{
	char list[4096];
	size_t len = 0;
	int probed = 0;

	list[0] = 0;
	for (size_t i = 0; i < a->in.n; i++) {
		const struct rec *x = &a->in.v[i];
		int n;

		if (x->kind != 'O' || strncmp(x->key, "socket.", 7) || socket_class(x->key + 7) != class)
			continue;
		probed++;
		if (!strcmp(x->value, "allowed") && len < sizeof(list)) {
			n = snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", x->key + 7);
			len += n > 0 ? (size_t)n : 0;
		}
	}
	if (!probed)
		hp(f, "%s: not measured", what);
	else if (len)
		hp(f, "%s: CONNECTS to %s", what, list);
	else
		hp(f, "%s: none of the %d probed accepts a connection", what, probed);
}

static void sessions_answer(FILE *f, const struct assess *a)
{
	const struct rec *t = recs_get(&a->in, 'O', "tiocsti");

	if (!t)
		fputs("keystrokes into the user's terminal (TIOCSTI): not measured", f);
	else if (!strcmp(t->value, "untested"))
		hp(f, "keystrokes into the user's terminal (TIOCSTI): no terminal to push into (%s)", t->detail);
	else
		hp(f, "keystrokes into the user's terminal (TIOCSTI): %s (%s)",
		   !strcmp(t->value, "allowed") ? "POSSIBLE" : "refused", t->cause);
	fputs("<br>", f);
	socket_answer(f, a, 1, "session sockets (bus, X11, agents)");
	fputs("<br>session keyrings: <span class=\"nm\">not measured</span>", f);
}

static void daemon_answer(FILE *f, const struct assess *a)
{
	socket_answer(f, a, 0, "container daemon sockets");
	fputs("<br>", f);
	socket_answer(f, a, 2, "other host unix sockets");
}

/* The mac section, as runners/assess_mac.c reads it, inside against outside. */
static void mac_item(FILE *f, const struct assess *a)
{
	struct mac_view m;
	char s[1600], gap[1024];

	if (section_gap(&a->in, "mac", gap, sizeof(gap))) {
		fputs("<span class=\"nm\">not measured</span> (", f);
		hp(f, "%s)", gap);
		return;
	}
	mac_view(&a->in, refp(a), &m);
	fputs("<b>", f);
	hp(f, "%s", mac_sentence(&m, s, sizeof(s)));
	fputs("</b>", f);
	if (m.compared)
		hp(f, "; inside against outside: %s%s%s", m.same_as_outside ? "the same label" :
		   "a different label", m.outside[0] ? ", " : "", m.outside);
	hp(f, "; Yama ptrace_scope: %s%s", !m.yama ? "not measured" : !strcmp(m.yama, "absent") ?
	   "Yama is not active" : m.yama, m.yama_outside ? " (measured outside)" : "");
}

static void mac_answer(FILE *f, const struct assess *a)
{
	static const char *const types[] = {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup", "time"};
	const char *mode = ov(&a->in, "seccomp.mode"), *ll = ov(&a->in, "landlock");
	int isolated = 0, known = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		char why[512];
		const char *v = ns_state(&a->in, refp(a), types[i], why, sizeof(why));

		known += v != NULL;
		isolated += v && !strcmp(v, "isolated");
	}
	hp(f, "seccomp: %s; namespaces: %d of 8 new (%d measured); Landlock: %s; LSMs in the kernel: %s",
	   !mode ? "not measured" : !strcmp(mode, "disabled") ? "none" : "a filter", isolated, known,
	   ll ? ll : "not measured", fact(a, "lsm") ? fact(a, "lsm") : "not recorded");
	fputs("<br>the AppArmor or SELinux profile confining the process: ", f);
	mac_item(f, a);
}

static void answer(FILE *f, const struct assess *a, enum qitem q)
{
	switch (q) {
	case Q_NS_WHICH:
		ns_answer(f, a);
		break;
	case Q_NS_MAP:
		map_answer(f, a);
		break;
	case Q_NS_CAPS:
		caps_answer(f, a, true);
		break;
	case Q_SC_POLICY:
		seccomp_answer(f, a);
		break;
	case Q_SC_SYSCALLS:
		fputs("see the table below", f);
		break;
	case Q_CAPS_RETAINED:
		caps_answer(f, a, false);
		break;
	case Q_LL_USED:
		landlock_answer(f, a);
		break;
	case Q_BR_PIDS:
		pids_answer(f, a);
		break;
	case Q_BR_SESSIONS:
		sessions_answer(f, a);
		break;
	case Q_BR_DAEMON:
		daemon_answer(f, a);
		break;
	case Q_BR_MAC:
		mac_answer(f, a);
		break;
	default:
		fputs("not measured", f);
	}
}

static void claims_table(FILE *f, const struct assess *a, int area)
{
	bool any = false;

	for (size_t i = 0; i < a->claims.n; i++) {
		const struct br_claim *c = &a->claims.v[i];
		char msg[2048];
		enum br_verdict v;

		if (c->key->area != (enum br_area)area)
			continue;
		if (!any)
			fputs("<table><tr><th>line</th><th>claim</th><th>verdict</th><th>measured</th></tr>\n", f);
		any = true;
		v = claim_check(c, &a->in, refp(a), msg, sizeof(msg));
		if (v == BR_SKIP && a->strict)
			v = BR_FAIL;
		fprintf(f, "<tr><td>%d</td><td><code>%s %s ", c->line, c->key->name, br_claim_op_str(c->op));
		esc(f, c->text);
		fprintf(f, "</code></td><td class=\"%s\">%s</td><td>",
			v == BR_PASS ? "pass" : v == BR_FAIL ? "fail" : "skip",
			v == BR_PASS ? "holds" : v == BR_FAIL ? "DOES NOT HOLD" : "not tested");
		esc(f, msg);
		fputs("</td></tr>\n", f);
	}
	fputs(any ? "</table>\n" : "<p>No claim in this area.</p>\n", f);
}

static void area_section(FILE *f, const struct assess *a, int area)
{
	const struct findings *fs = a->findings;
	char *s;

	fprintf(f, "<h2>%s</h2>\n<blockquote>", br_area_name(area));
	esc(f, area_question(area));
	fputs("</blockquote>\n<table class=\"items\"><tr><th>item</th><th>answer, as measured</th>"
	      "<th>findings</th></tr>\n", f);
	for (int q = 0; q < Q_N; q++) {
		bool any = false;

		if (qitems[q].area != (enum br_area)area)
			continue;
		fputs("<tr><td>", f);
		esc(f, qitems[q].text);
		fputs("</td><td>", f);
		answer(f, a, q);
		fputs("</td><td>", f);
		for (size_t i = 0; i < fs->n; i++)
			if (fs->v[i].rule->item == (enum qitem)q && fs->v[i].state == F_FOUND) {
				badge(f, fs->v[i].rule->sev);
				fprintf(f, " <code>%s</code><br>", fs->v[i].rule->id);
				any = true;
			}
		if (!any)
			fputs("none", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (area == BR_AREA_SECCOMP)
		syscall_table(f, a);
	fputs("<p>Measured:</p>\n<ul>\n", f);
	s = reach_summary(&a->in, refp(a), area);
	for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n")) {
		fputs("<li>", f);
		esc(f, l);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	free(s);
	claims_table(f, a, area);
}

void assess_html(const struct assess *a, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die("assess: cannot write %s: %s", path, strerror(errno));
	fputs("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>blastradius assess</title>\n"
	      "<style>body{font-family:sans-serif;max-width:90em;margin:0 auto;padding:0 1em;font-size:14px}"
	      "h1{font-size:20px;margin:8px 0}h2{font-size:17px;margin:14px 0 6px}"
	      "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
	      "table{border-collapse:collapse;margin:4px 0}table.meta th{background:#f4f4f4;width:9em}"
	      "table.meta td,table.meta th{padding:1px 6px}"
	      ".sev{display:inline-block;min-width:5.5em;text-align:center;font-weight:bold;color:#fff;"
	      "padding:2px 4px;border-radius:3px;text-transform:uppercase;font-size:12px}"
	      ".sev.critical{background:#b00020}.sev.high{background:#e65100}.sev.medium{background:#b08800}"
	      ".sev.low{background:#546e7a}.sev.info{background:#90a4ae}b.critical{color:#b00020}"
	      "blockquote{margin:4px 0 8px;padding:4px 10px;border-left:4px solid #9ab;background:#f6f8fa;"
	      "font-style:italic}.open{background:#fde0e0}.shut{color:#070}.nm{color:#a60}"
	      ".pass{color:#070}.fail{color:#b00;font-weight:bold}.skip{color:#a60}"
	      ".unmeasured{color:#a60}</style></head><body>\n<h1>blastradius assess: what a compromised "
	      "process in this sandbox could reach</h1>\n", f);
	header(f, a);
	findings_section(f, a);
	for (int area = 0; area < BR_NAREAS; area++)
		area_section(f, a, area);
	fprintf(f, "<p>Claims: %u held, %u failed, %u not tested. Evidence: assess.ktap, facts.json, "
		"observations.json, manifest.json; verify with <code>sha256sum -c SHA256SUMS</code> in this "
		"directory.</p>\n</body></html>\n", a->tot[BR_PASS], a->tot[BR_FAIL], a->tot[BR_SKIP]);
	if (fclose(f))
		die("assess: cannot write %s", path);
}
