#!/usr/bin/env bash
# The harness turns every fault class into the right verdict, with a reason,
# and carries on with the run.
. "$(dirname "$0")/tap.sh"
bin=$BUILD/tests/faults
nobody_build
nbin=$NBUILD/tests/faults
# Bounded: the binary takes ~1 s; a timeout that fires late must not stall make check.
out=$(timeout 60 "$bin" 2>&1)
rc=$?

expect() { # DESC, then an extended regex that must match one line of the output
	if grep -Eq -- "$2" <<<"$out"; then ok "$1"; else not_ok "$1" "no line matches: $2"; fi
}
expect "segfault is a failure naming the signal" '^# FAIL selftest\.faults\.segfaults: killed by SIGSEGV$'
expect "abort is a failure naming the signal" '^# FAIL selftest\.faults\.aborts: killed by SIGABRT$'
expect "exit(0) before reporting is a failure" '^# FAIL selftest\.faults\.exit0_before_reporting: exited with status 0 before reporting'
expect "a hang is killed at its timeout" '^# FAIL selftest\.faults\.hangs: TIMEOUT after 200 ms'
expect "an orphan holding stdout does not stall the run" '^ok [0-9]+ selftest\.faults\.orphan_outlives_case$'
expect "a bounded fork bomb is cleaned up" '^ok [0-9]+ selftest\.faults\.fork_bomb_bounded$'
expect "closing stdout does not lose the verdict" '^ok [0-9]+ selftest\.faults\.closes_stdout$'
expect "KTAP-looking output is quoted as diagnostics" '^# \| ok 99 forged$'
expect "a forged fact is not a fact" '^# \| # fact forged=1$'
expect "a forged Subtest header is quoted" '^# \| Subtest: forged$'
expect "a forged failure reason is quoted" '^# \| FAIL selftest\.faults\.fact_and_pass: forged$'
expect "a timeout carries the KTAP TIMEOUT directive" '^not ok [0-9]+ selftest\.faults\.hangs # TIMEOUT 200 ms$'
expect "killing its own process group is a failure" '^# FAIL selftest\.faults\.kills_own_group: killed by SIGKILL$'
expect "SKIP carries its reason" '^ok [0-9]+ selftest\.faults\.skip_with_reason # SKIP needs CONFIG_BR_NOTHING$'
expect "XFAIL is an ok line with its reason" '^ok [0-9]+ selftest\.faults\.xfail_with_reason # XFAIL documented gap$'
expect "errno assertions print names and file:line" '^# tests/faults\.c:[0-9]+: close\(-1\): expected EPERM, got EBADF$'
expect "facts are emitted" '^# fact selftest\.key=value$'
expect "TEST_SIGNAL passes on the declared signal" '^ok [0-9]+ selftest\.faults\.dies_as_declared$'
expect "TEST_SIGNAL fails when the signal never comes" 'survives_signal_test: expected death by SIGSYS, exited with status 0'
expect "TEST_SIGNAL fails on another signal" '^# FAIL selftest\.faults\.dies_by_other_signal: expected death by SIGSYS, killed by SIGSEGV$'
expect "TEST_SIGNAL's other-signal case is not ok" '^not ok [0-9]+ selftest\.faults\.dies_by_other_signal$'
expect "an ASSERT in a subprocess fails the case" '^# FAIL selftest\.faults\.subprocess_assert: tests/faults\.c:[0-9]+: 3 == 4'
expect "string comparisons show both strings" 'expected "expected", got "seen"'
expect "guest-only cases skip on a host" 'guest_only_case # SKIP guest-only'
expect "a failing case names the fix it depends on" '^# FAIL selftest\.faults\.fails_with_fix_hint: tests/faults\.c:[0-9]+: .*; this kernel may lack: linux-git 0123456789ab selftest: the fix$'
expect "a passing case with a fix hint is a plain ok" '^ok [0-9]+ selftest\.faults\.passes_with_fix_hint$'
expect "Totals line" '^# Totals: pass:[0-9]+ fail:[0-9]+ xfail:1 xpass:0 skip:[0-9]+ error:0$'

# The timeout fires on time: the 200 ms case takes at least 200 ms and far
# less than 1000x that (outer limit 20 s, so a late timeout cannot hang make check).
t0=$(date +%s%N)
h=$(timeout 20 "$bin" -r '*.hangs' 2>&1)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if grep -q 'TIMEOUT after 200 ms' <<<"$h" && [ "$ms" -ge 200 ] && [ "$ms" -lt 5000 ]; then
	ok "a 200 ms timeout fires on time (${ms} ms wall)"
else
	not_ok "timeout fires on time" "${ms} ms wall (want 200..5000)" "$h"
fi

plan=$(grep -Ec '^(ok|not ok) ' <<<"$out")
if grep -q "^1\.\.$plan\$" <<<"$out"; then ok "every case reported ($plan), the run carried on"; else not_ok "plan matches results" "$plan results"; fi
[ "$rc" = 1 ] && ok "exit code 1 (kselftest fail) when a case failed" || not_ok "exit code is 1" "got $rc"

if [ "$(id -u)" = 0 ]; then
	expect "a root run drops BR_UNPRIV cases to 65534 without capabilities" '^ok [0-9]+ selftest\.faults\.unpriv_drop$'
	u=$(nobody "$nbin" -r '*root_only' 2>&1)
	grep -q '# SKIP needs root (running as uid 65534)' <<<"$u" && ok "root-only cases skip with a reason when unprivileged" || not_ok "root-only skip" "$u"
	sk=$(nobody "$nbin" -r '*skip_with_reason' >/dev/null 2>&1; echo $?)
	[ "$sk" = 0 ] && ok "all-skipped run exits 0 (as kselftest_harness.h; prove reads 4 as a failure)" || not_ok "all-skipped exit 0" "got $sk"
else
	skip "root drop of BR_UNPRIV cases" "not root"
fi

left=$(pgrep -f "$bin" | wc -l)
[ "$left" = 0 ] && ok "no process of the self-test outlives it" || not_ok "leftover processes" "$(pgrep -af "$bin")"

# Every suite binary's KTAP parses under prove.
p=$(prove --exec '' "$BUILD"/suites/*/* 2>&1)
if grep -q 'Parse errors' <<<"$p"; then not_ok "prove parses every suite binary" "$(grep -A2 'Parse errors' <<<"$p")"; else ok "prove parses every suite binary with no parse errors"; fi
p=$(timeout 60 prove --exec '' "$bin" 2>&1)
if grep -q 'Parse errors' <<<"$p"; then not_ok "prove parses the fault self-test" "$(grep -A2 'Parse errors' <<<"$p")"; else ok "prove parses the fault self-test's KTAP"; fi
done_testing
