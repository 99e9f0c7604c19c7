/* SARIF 2.1.0 (sarif.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "findings.h"
#include "sarif.h"

#define jadd json_object_object_add
#define jstr json_object_new_string

static json_object *text(const char *s)
{
	json_object *o = json_object_new_object();

	jadd(o, "text", jstr(s));
	return o;
}

/* SARIF levels; GitHub ranks security results by "security-severity". */
static const char *level(enum fsev s)
{
	return s <= SEV_HIGH ? "error" : s == SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(enum fsev s)
{
	static const char *const v[] = {"9.5", "8.0", "5.5", "3.0", "0.0"};

	return s < SEV_N ? v[s] : "0.0";
}

/* A URI reference for a path: relative stays relative, absolute gets file://,
 * bytes outside the unreserved set and '/' are percent-encoded. */
static json_object *location(const char *path, const char *logical)
{
	json_object *loc = json_object_new_object(), *phys = json_object_new_object(),
		    *art = json_object_new_object();
	char *uri = malloc(3 * strlen(path) + 8), *u = uri;

	if (path[0] == '/')
		u += sprintf(u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			*u++ = (char)*p;
		else
			u += sprintf(u, "%%%02X", *p);
	*u = 0;
	jadd(art, "uri", jstr(uri));
	jadd(phys, "artifactLocation", art);
	jadd(loc, "physicalLocation", phys);
	if (logical) {
		json_object *l = json_object_new_object(), *arr = json_object_new_array();

		jadd(l, "name", jstr(logical));
		json_object_array_add(arr, l);
		jadd(loc, "logicalLocations", arr);
	}
	free(uri);
	return loc;
}

static json_object *log_with(json_object *rules, json_object *results, json_object *props)
{
	json_object *log = json_object_new_object(), *runs = json_object_new_array(),
		    *run = json_object_new_object(), *tool = json_object_new_object(),
		    *driver = json_object_new_object();

	jadd(driver, "name", jstr("blastradius"));
	jadd(driver, "version", jstr(BR_VERSION));
	jadd(driver, "rules", rules);
	jadd(tool, "driver", driver);
	jadd(run, "tool", tool);
	jadd(run, "results", results);
	if (props)
		jadd(run, "properties", props);
	json_object_array_add(runs, run);
	jadd(log, "$schema", jstr("https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"));
	jadd(log, "version", jstr("2.1.0"));
	jadd(log, "runs", runs);
	return log;
}

static int write_log(const char *path, json_object *log)
{
	int rc = json_write_file(path, log);

	json_object_put(log);
	return rc;
}

int sarif_findings(const char *path, const struct assess *a, const char *where)
{
	json_object *rules = json_object_new_array(), *results = json_object_new_array(),
		    *props = json_object_new_object();
	char *cmd = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&cmd, &len);
	int idx = 0;

	for (int i = 0; i < a->ncmd; i++)
		fprintf(m, "%s%s", i ? " " : "", a->cmd[i]);
	fclose(m);
	for (const struct finding_rule *r = finding_rules; r->id; r++, idx++) {
		json_object *o = json_object_new_object(), *cfg = json_object_new_object(),
			    *p = json_object_new_object(), *tags = json_object_new_array();
		char full[1024];

		snprintf(full, sizeof(full), "%s: found when %s. Answers \"%s\" (%s).", sev_name(r->sev), r->when,
			 qitems[r->item].text, br_area_name(qitems[r->item].area));
		jadd(o, "id", jstr(r->id));
		jadd(o, "shortDescription", text(r->what));
		jadd(o, "fullDescription", text(full));
		jadd(o, "help", text(r->fix));
		jadd(cfg, "level", jstr(level(r->sev)));
		jadd(o, "defaultConfiguration", cfg);
		json_object_array_add(tags, jstr("security"));
		jadd(p, "tags", tags);
		jadd(p, "security-severity", jstr(security_severity(r->sev)));
		jadd(p, "severity", jstr(sev_name(r->sev)));
		jadd(o, "properties", p);
		json_object_array_add(rules, o);
	}
	for (size_t i = 0; i < a->findings->n; i++) {
		const struct finding *f = &a->findings->v[i];
		json_object *o, *locs, *p;
		char ev[2048];

		if (f->state != F_FOUND)
			continue;
		o = json_object_new_object();
		locs = json_object_new_array();
		p = json_object_new_object();
		finding_evidence(f, &a->in, ev, sizeof(ev));
		jadd(o, "ruleId", jstr(f->rule->id));
		jadd(o, "ruleIndex", json_object_new_int((int)(f->rule - finding_rules)));
		jadd(o, "level", jstr(level(f->rule->sev)));
		jadd(o, "message", text(f->title));
		json_object_array_add(locs, location(a->claims_path ? a->claims_path : where ? where :
						     a->ncmd ? a->cmd[0] : a->probe, a->ncmd ? cmd : NULL));
		jadd(o, "locations", locs);
		jadd(p, "evidence", jstr(ev));
		jadd(p, "severity", jstr(sev_name(f->rule->sev)));
		jadd(o, "properties", p);
		json_object_array_add(results, o);
	}
	jadd(props, "sandbox_command", jstr(cmd ? cmd : ""));
	jadd(props, "evidence", jstr(a->in.complete ? "complete" : "incomplete"));
	free(cmd);
	return write_log(path, log_with(rules, results, props));
}

int sarif_matrix(const char *path, json_object *m)
{
	json_object *rules = json_object_new_array(), *results = json_object_new_array(), *cases = NULL;
	int idx = 0;

	json_object_object_get_ex(m, "cases", &cases);
	json_object_object_foreach(cases, id, cells) {
		bool rule = false;
		char src[512];
		const char *dot = strchr(id, '.'), *dot2 = dot ? strchr(dot + 1, '.') : NULL;

		/* <suite>.<file>.<case> is suites/<suite>/<file>.c */
		if (dot && dot2)
			snprintf(src, sizeof(src), "suites/%.*s/%.*s.c", (int)(dot - id), id,
				 (int)(dot2 - dot - 1), dot + 1);
		else
			snprintf(src, sizeof(src), "suites");
		json_object_object_foreach(cells, cell, c) {
			json_object *v = NULL, *why = NULL, *o, *locs, *p;
			const char *verdict, *reason;
			char msg[2048];

			json_object_object_get_ex(c, "verdict", &v);
			json_object_object_get_ex(c, "reason", &why);
			verdict = v ? json_object_get_string(v) : "";
			reason = why ? json_object_get_string(why) : "";
			if (strcmp(verdict, "fail") && strcmp(verdict, "error"))
				continue;
			if (!rule) {
				json_object *r = json_object_new_object(), *cfg = json_object_new_object();
				char full[600];

				snprintf(full, sizeof(full), "the blastradius case %s: a boundary property "
					 "that must hold on every kernel", id);
				jadd(r, "id", jstr(id));
				jadd(r, "shortDescription", text(id));
				jadd(r, "fullDescription", text(full));
				jadd(r, "help", text("Read the case's failure reason and its source; a failure "
						     "on one kernel is a broken boundary on that kernel (README "
						     "\"Output contract\")."));
				jadd(cfg, "level", jstr("error"));
				jadd(r, "defaultConfiguration", cfg);
				json_object_array_add(rules, r);
				rule = true;
				idx++;
			}
			snprintf(msg, sizeof(msg), "%s on %s: %s", verdict, cell, *reason ? reason : "no reason given");
			o = json_object_new_object();
			locs = json_object_new_array();
			p = json_object_new_object();
			jadd(o, "ruleId", jstr(id));
			jadd(o, "ruleIndex", json_object_new_int(idx - 1));
			jadd(o, "level", jstr("error"));
			jadd(o, "message", text(msg));
			json_object_array_add(locs, location(src, cell));
			jadd(o, "locations", locs);
			jadd(p, "cell", jstr(cell));
			jadd(p, "verdict", jstr(verdict));
			jadd(o, "properties", p);
			json_object_array_add(results, o);
		}
	}
	return write_log(path, log_with(rules, results, NULL));
}
