/* Exit codes and verdicts: part of the public contract (README "Output contract"). */
#ifndef BR_CODES_H
#define BR_CODES_H

/* Process exit statuses. Suite binaries use the kselftest values. */
enum br_exit {
	BR_EXIT_PASS = 0,  /* everything held / nothing failed */
	BR_EXIT_FAIL = 1,  /* a verdict failed, a claim did not hold, or an assess
			    * finding reached --fail-on */
	BR_EXIT_USAGE = 2, /* bad input: usage, claims or profile syntax */
	BR_EXIT_INCOMPLETE = 3, /* assess: no claim failed, but the evidence is incomplete
				 * (no probe report, or it stopped early), or --fail-on
				 * cannot rule a finding out (its records are missing) */
	BR_EXIT_SKIP = 4,  /* a case's own process: it skipped (never a binary's status) */
};

/* The first line of every KTAP stream we print: the KTAP spec's accepted
 * "TAP version 13" (kselftest's), the one version line that kunit_parser,
 * prove and tappy all accept (after "KTAP version 1" tappy rejects the plan). */
#define BR_TAP_VERSION "TAP version 13"

/* Verdict of one test case. */
enum br_verdict {
	BR_PASS,
	BR_FAIL,
	BR_SKIP,
	BR_XFAIL,
	BR_XPASS,
	BR_ERROR, /* the harness could not run the case */
	BR_NVERDICTS
};

#endif
