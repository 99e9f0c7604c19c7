/*
 * blastradius test harness: kselftest-shaped, our own code.
 *
 *   TEST(name, opts...)                 a case; opts are designated initialisers
 *   TEST_SIGNAL(name, SIGSYS, opts...)  a case that passes only if killed by SIGSYS
 *   FIXTURE(f) { fields };  FIXTURE_SETUP(f) { self->... }  FIXTURE_TEARDOWN(f) {}
 *   FIXTURE_VARIANT(f) { params };  FIXTURE_VARIANT_ADD(f, v) { .param = 1 };
 *   TEST_F(f, name, opts...) { self->..., variant->... }
 *   TEST_HARNESS_MAIN                   at the end of every suite file
 *
 * Options: .as = BR_ROOT | BR_UNPRIV | BR_EITHER (default), .guest_only = 1,
 * .timeout_ms = N (default 5000, scaled by $BR_TIMEOUT_SCALE),
 * .fixed_by = "linux-git <sha> <subject>": the upstream fix the property
 * depends on; a failure then says "this kernel may lack: <fixed_by>".
 *
 * Every case runs in its own forked child and process group. Its stdout and
 * stderr are captured and re-emitted as "# " diagnostics, so nothing a test
 * prints can forge KTAP. Verdicts and facts travel on a private pipe.
 * Case ids are <suite>.<file>.<case>; for TEST_F the case part is
 * [fixture.][variant.]name, with the fixture omitted when it equals the file.
 */
#ifndef BR_HARNESS_H
#define BR_HARNESS_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "codes.h"

enum br_as { BR_EITHER, BR_ROOT, BR_UNPRIV };

struct br_meta; /* the running case (opaque) */

struct br_test {
	const char *name;    /* case name */
	const char *fixture; /* TEST_F fixture name, or NULL */
	const char *file;    /* __FILE__ */
	const char *prefix;  /* "<suite>.<file>" of the defining file (br_main's filter) */
	int line;            /* __LINE__ (sort key) */
	enum br_as as;
	bool guest_only;
	int timeout_ms;
	int signal; /* TEST_SIGNAL: the expected terminating signal */
	const char *fixed_by; /* "linux-git <sha> <subject>", or NULL */
	void (*fn)(struct br_meta *m, void *self, const void *variant);
	size_t self_size;
	void (*setup)(struct br_meta *m, void *self, const void *variant);
	void (*teardown)(struct br_meta *m, void *self, const void *variant);
};

struct br_variant {
	const char *fixture;
	const char *name;
	const char *prefix; /* as br_test's */
	const void *data;
	int line;
};

void br_register(struct br_test *t);
void br_register_variant(struct br_variant *v);
/* Runs the cases registered with this prefix ("<suite>.<file>") only: the
 * guest's multi-call binary (runners/guest/suites.c) holds every file's. */
int br_main(int argc, char **argv, const char *prefix);
/* Set by that binary, which links lib/probe for every file: whether the
 * running file's own binary would (-K, the shared page); -1 in the others. */
extern int br_links_probe;
/* "BR_SUITE_FILE=<suite>/<file>" from the environment, or NULL: the one
 * variable a re-exec of this binary with an otherwise empty environment
 * keeps, so that the multi-call binary finds the file (caps/sets). */
char *br_suite_file_env(void);

/* Reporting from inside a case (any process of the case). */
void br_fact(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void br_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void br_xfail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void br_fail_now(void);
void br_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void br_log(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool br_is_root(void);
bool br_in_guest(void);

/* errno / signal names for messages ("EPERM", "SIGSYS"); never NULL. */
const char *br_errname(int e);
const char *br_signame(int s);

#ifndef BR_SUITE
#define BR_SUITE "suite"
#endif
#ifndef BR_FILE
#define BR_FILE "file"
#endif
#define BR_PREFIX BR_SUITE "." BR_FILE

#define BR__CAT(a, b) a##b
#define BR__XCAT(a, b) BR__CAT(a, b)

#define BR__TEST(tname, fix, sig, fnname, sz, su, td, ...)                       \
	static void fnname(struct br_meta *, void *, const void *);               \
	static struct br_test BR__CAT(br__t_, fnname) = {                         \
		.name = #tname, .fixture = fix, .file = __FILE__, .prefix = BR_PREFIX, \
		.line = __LINE__,                                                   \
		.signal = sig, .fn = fnname, .self_size = sz, .setup = su,          \
		.teardown = td, __VA_ARGS__};                                       \
	__attribute__((constructor)) static void BR__CAT(br__reg_, fnname)(void) \
	{                                                                         \
		br_register(&BR__CAT(br__t_, fnname));                            \
	}

#define TEST(name, ...)                                                          \
	BR__TEST(name, NULL, 0, br__fn_##name, 0, NULL, NULL, __VA_ARGS__)       \
	static void br__fn_##name(struct br_meta *_m __attribute__((unused)),    \
				  void *_s __attribute__((unused)),              \
				  const void *_v __attribute__((unused)))

#define TEST_SIGNAL(name, sig, ...)                                              \
	BR__TEST(name, NULL, sig, br__fn_##name, 0, NULL, NULL, __VA_ARGS__)     \
	static void br__fn_##name(struct br_meta *_m __attribute__((unused)),    \
				  void *_s __attribute__((unused)),              \
				  const void *_v __attribute__((unused)))

#define FIXTURE(f) struct br__fix_##f
#define FIXTURE_VARIANT(f) struct br__var_##f
/* FIXTURE_SETUP/FIXTURE_TEARDOWN: the typed hook the body becomes, and the
 * untyped br__<kind>_<f>_ the harness calls. */
#define BR__FIXTURE_HOOK(kind, f)                                                \
	static void br__##kind##_##f(struct br_meta *_m, struct br__fix_##f *self, \
				     const struct br__var_##f *variant);         \
	static void br__##kind##_##f##_(struct br_meta *_m, void *s, const void *v) \
	{                                                                         \
		br__##kind##_##f(_m, s, v);                                       \
	}                                                                         \
	static void br__##kind##_##f(struct br_meta *_m __attribute__((unused)), \
				     struct br__fix_##f *self __attribute__((unused)), \
				     const struct br__var_##f *variant __attribute__((unused)))
#define FIXTURE_SETUP(f) BR__FIXTURE_HOOK(setup, f)
#define FIXTURE_TEARDOWN(f) BR__FIXTURE_HOOK(teardown, f)
#define FIXTURE_VARIANT_ADD(f, v)                                                \
	static const struct br__var_##f br__vd_##f##_##v;                        \
	static struct br_variant br__v_##f##_##v = {                             \
		.fixture = #f, .name = #v, .prefix = BR_PREFIX, .data = &br__vd_##f##_##v, \
		.line = __LINE__};                                                  \
	__attribute__((constructor)) static void br__vreg_##f##_##v(void)        \
	{                                                                         \
		br_register_variant(&br__v_##f##_##v);                            \
	}                                                                         \
	static const struct br__var_##f br__vd_##f##_##v =

#define TEST_F(f, tn, ...)                                                     \
	static void br__tf_##f##_##tn(struct br_meta *, struct br__fix_##f *,  \
					const struct br__var_##f *);             \
	static void br__fn_##f##_##tn(struct br_meta *m, void *s, const void *v) \
	{                                                                         \
		br__tf_##f##_##tn(m, s, v);                                     \
	}                                                                         \
	static struct br_test br__t_##f##_##tn = {                             \
		.name = #tn, .fixture = #f, .file = __FILE__, .prefix = BR_PREFIX, \
		.line = __LINE__,                                                   \
		.fn = br__fn_##f##_##tn, .self_size = sizeof(struct br__fix_##f), \
		.setup = br__setup_##f##_, .teardown = br__teardown_##f##_,         \
		__VA_ARGS__};                                                       \
	__attribute__((constructor)) static void br__reg_##f##_##tn(void)      \
	{                                                                         \
		br_register(&br__t_##f##_##tn);                                 \
	}                                                                         \
	static void br__tf_##f##_##tn(struct br_meta *_m __attribute__((unused)), \
					struct br__fix_##f *self __attribute__((unused)), \
					const struct br__var_##f *variant __attribute__((unused)))

#define TEST_HARNESS_MAIN                                                        \
	int main(int argc, char **argv)                                           \
	{                                                                         \
		return br_main(argc, argv, BR_PREFIX);                            \
	}

/* Diagnostics and verdicts. */
#define TH_LOG(...) br_log(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) br_skip(__VA_ARGS__)
#define XFAIL(...) br_xfail(__VA_ARGS__)

/* Comparisons: "expected" first, as in the kernel's selftests. */
#define BR__CMP(is_assert, exp, op, seen)                                        \
	do {                                                                      \
		long long br__e = (long long)(exp), br__s = (long long)(seen);          \
		if (!(br__e op br__s)) {                                                \
			br_fail(__FILE__, __LINE__,                               \
				"%s " #op " %s: expected %lld, got %lld", #exp, #seen, br__e, br__s); \
			if (is_assert)                                            \
				br_fail_now();                                    \
		}                                                                 \
	} while (0)

#define ASSERT_EQ(e, s) BR__CMP(1, e, ==, s)
#define ASSERT_NE(e, s) BR__CMP(1, e, !=, s)
#define ASSERT_LT(e, s) BR__CMP(1, e, <, s)
#define ASSERT_LE(e, s) BR__CMP(1, e, <=, s)
#define ASSERT_GT(e, s) BR__CMP(1, e, >, s)
#define ASSERT_GE(e, s) BR__CMP(1, e, >=, s)
#define EXPECT_EQ(e, s) BR__CMP(0, e, ==, s)
#define EXPECT_NE(e, s) BR__CMP(0, e, !=, s)
#define EXPECT_LT(e, s) BR__CMP(0, e, <, s)
#define EXPECT_LE(e, s) BR__CMP(0, e, <=, s)
#define EXPECT_GT(e, s) BR__CMP(0, e, >, s)
#define EXPECT_GE(e, s) BR__CMP(0, e, >=, s)

#define BR__BOOL(is_assert, want, cond)                                         \
	do {                                                                      \
		if (!(cond) != !(want)) {                                         \
			br_fail(__FILE__, __LINE__, "%s: expected %s", #cond,     \
				(want) ? "true" : "false");                        \
			if (is_assert)                                            \
				br_fail_now();                                    \
		}                                                                 \
	} while (0)
#define ASSERT_TRUE(c) BR__BOOL(1, 1, c)
#define ASSERT_FALSE(c) BR__BOOL(1, 0, c)
#define EXPECT_TRUE(c) BR__BOOL(0, 1, c)
#define EXPECT_FALSE(c) BR__BOOL(0, 0, c)

#define BR__STR(is_assert, exp, seen)                                            \
	do {                                                                      \
		const char *br__e = (exp), *br__s = (seen);                             \
		if (!br__e || !br__s || strcmp(br__e, br__s)) {                               \
			br_fail(__FILE__, __LINE__, "%s == %s: expected \"%s\", got \"%s\"", \
				#exp, #seen, br__e ? br__e : "(null)", br__s ? br__s : "(null)"); \
			if (is_assert)                                            \
				br_fail_now();                                    \
		}                                                                 \
	} while (0)
#define ASSERT_STREQ(e, s) BR__STR(1, e, s)
#define EXPECT_STREQ(e, s) BR__STR(0, e, s)

/*
 * ASSERT_ERRNO(EPERM, call): call must return -1 with errno EPERM.
 * ASSERT_OK(call): call must not return -1 (prints errno by name if it does).
 */
#define BR__ERRNO(is_assert, exp, call)                                          \
	do {                                                                      \
		errno = 0;                                                        \
		long br__r = (long)(call);                                           \
		int br__err = errno, br__e = (exp);                                     \
		if (br__r != -1 || br__err != br__e) {                                     \
			if (br__r != -1)                                             \
				br_fail(__FILE__, __LINE__, "%s: expected -1 %s, got %ld", \
					#call, br_errname(br__e), br__r);               \
			else                                                      \
				br_fail(__FILE__, __LINE__, "%s: expected %s, got %s", \
					#call, br_errname(br__e), br_errname(br__err));  \
			if (is_assert)                                            \
				br_fail_now();                                    \
		}                                                                 \
	} while (0)
#define ASSERT_ERRNO(e, call) BR__ERRNO(1, e, call)
#define EXPECT_ERRNO(e, call) BR__ERRNO(0, e, call)

#define BR__OK(is_assert, call)                                                  \
	do {                                                                      \
		errno = 0;                                                        \
		long br__r = (long)(call);                                           \
		if (br__r == -1) {                                                   \
			br_fail(__FILE__, __LINE__, "%s: expected success, got %s", \
				#call, br_errname(errno));                        \
			if (is_assert)                                            \
				br_fail_now();                                    \
		}                                                                 \
	} while (0)
#define ASSERT_OK(call) BR__OK(1, call)
#define EXPECT_OK(call) BR__OK(0, call)

#endif
