/* assess --redact (redact.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "proc.h"
#include "redact.h"

static void add(struct redact *r, const char *name, const char *tag)
{
	size_t n = name ? strcspn(name, "\n") : 0;
	static const char *const keep[] = {"localhost", "(none)", "root", NULL};

	if (!n || r->n == REDACT_MAX)
		return;
	for (const char *const *k = keep; *k; k++)
		if (strlen(*k) == n && !strncmp(name, *k, n))
			return;
	for (int i = 0; i < r->n; i++)
		if (strlen(r->names[i]) == n && !strncmp(r->names[i], name, n))
			return;
	r->names[r->n] = strndup(name, n);
	r->tags[r->n++] = tag;
	if (tag[1] == 'h')
		r->hosts++;
	else
		r->users++;
}

void redact_init(struct redact *r)
{
	char host[256], *text;
	const char *env[] = {"SUDO_USER", "USER", "LOGNAME"};

	memset(r, 0, sizeof(*r));
	if ((text = br_read_regular("/proc/cmdline", 1 << 16, NULL, NULL, 0))) {
		text[strcspn(text, "\n")] = 0;
		r->cmdline = text;
	}
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = 0;
		add(r, host, "[host]");
	}
	if ((text = br_read_regular("/etc/hostname", 1 << 12, NULL, NULL, 0))) {
		add(r, text, "[host]");
		free(text);
	}
	for (size_t i = 0; i < sizeof(env) / sizeof(*env); i++)
		add(r, getenv(env[i]), "[user]");
	/* name:x:uid:...: the caller's own name, and every account of a person. */
	if ((text = br_read_regular("/etc/passwd", 1 << 24, NULL, NULL, 0))) {
		for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
			char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			long uid = c2 ? strtol(c2 + 1, NULL, 10) : -1;

			if (c1 && ((uid >= 1000 && uid < 65534) || (uid == (long)getuid() && uid))) {
				*c1 = 0;
				add(r, l, "[user]");
			}
		}
		free(text);
	}
}

void redact_free(struct redact *r)
{
	free(r->cmdline);
	for (int i = 0; i < r->n; i++)
		free(r->names[i]);
	memset(r, 0, sizeof(*r));
}

static bool tokch(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A name that is also a directory of /proc/sys, followed by ".x", is a
 * sysctl ("vm.swappiness" on a host named vm): kept. */
static bool sysctl_prefix(const char *tok, size_t n)
{
	static const char *const top[] = {"abi", "crypto", "debug", "dev", "fs", "kernel", "net",
					  "sunrpc", "user", "vm", NULL};

	if (tok[n] != '.' || !islower((unsigned char)tok[n + 1]))
		return false;
	for (const char *const *t = top; *t; t++)
		if (strlen(*t) == n && !strncmp(tok, *t, n))
			return true;
	return false;
}

char *redact_str(const struct redact *r, const char *s)
{
	char *out = NULL;
	size_t len = 0, cl = r->cmdline ? strlen(r->cmdline) : 0;
	FILE *f = open_memstream(&out, &len);

	while (*s) {
		size_t t = 0;
		bool done = false;

		if (cl && !strncmp(s, r->cmdline, cl)) {
			fputs("[redacted]", f);
			s += cl;
			continue;
		}
		if (!tokch(*s)) {
			fputc(*s++, f);
			continue;
		}
		while (tokch(s[t]))
			t++;
		for (int i = 0; i < r->n && !done && !sysctl_prefix(s, t); i++)
			if (strlen(r->names[i]) == t && !strncmp(s, r->names[i], t)) {
				fputs(r->tags[i], f);
				done = true;
			}
		if (!done)
			fwrite(s, 1, t, f);
		s += t;
	}
	fclose(f);
	return out;
}

static void redact_field(const struct redact *r, char **field)
{
	char *s = redact_str(r, *field);

	free(*field);
	*field = s;
}

void redact_recs(const struct redact *r, struct recs *recs)
{
	for (size_t i = 0; i < recs->n; i++) {
		struct rec *x = &recs->v[i];

		if (x->kind == 'F' && !strcmp(x->key, "kernel.cmdline")) {
			free(x->value);
			x->value = strdup("[redacted]");
		}
		redact_field(r, &x->key);
		redact_field(r, &x->value);
		redact_field(r, &x->cause);
		redact_field(r, &x->detail);
	}
}

int redact_file(const struct redact *r, const char *path)
{
	size_t len;
	char *text = br_read_regular(path, 1 << 30, &len, NULL, 0), *out;
	int rc = 0;

	if (!text)
		return -errno;
	if (strlen(text) != len) { /* binary: nothing of ours to redact */
		free(text);
		return 0;
	}
	out = redact_str(r, text);
	if (strcmp(out, text))
		rc = write_file(path, out, strlen(out));
	free(out);
	free(text);
	return rc;
}
