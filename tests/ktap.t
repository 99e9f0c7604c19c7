#!/usr/bin/env bash
# Other people's parsers read our output with our counts: the kernel's
# kunit_parser (from Debian's linux-source), prove (TAP::Parser), tappy
# (python3-tap) over every suite binary, the fault self-test (which forges
# KTAP, a Subtest header, a failure reason, and times out) and `blastradius
# run`; junitparser over junit.xml. And prove over the suite binaries passes
# as root and as uid 65534.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
py=/usr/bin/python3 # Debian's, where python3-tap and python3-junitparser live
tmp=$(mktemp -d "${TMPDIR:-/tmp}/br-ktap.XXXXXX")
at_exit 'rm -rf "$tmp"'

# kunit_parser.py and kunit_printer.py, taken once from the linux-source tarball.
kdir=$BUILD/kunit
if [ ! -s "$kdir/kunit_parser.py" ]; then
	src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -1)
	if [ -n "$src" ]; then
		mkdir -p "$tmp/k" "$kdir"
		tar -xJf "$src" -C "$tmp/k" --wildcards '*/tools/testing/kunit/kunit_parser.py' \
			'*/tools/testing/kunit/kunit_printer.py' &&
			cp "$tmp"/k/*/tools/testing/kunit/kunit_p*.py "$kdir"/
	fi
fi
[ -s "$kdir/kunit_parser.py" ] && ok "kunit_parser.py from $(ls /usr/src/linux-source-*.tar.xz | head -1)" ||
	not_ok "kunit_parser.py extracted" "no /usr/src/linux-source-*.tar.xz (Debian package linux-source)"

consumers() { # MODE FILE...: every consumer agrees with our counts
	local desc=$1 mode=$2 out
	shift 2
	if out=$("$py" "$top/tests/consumers.py" "$kdir" "$mode" "$@" 2>&1); then
		ok "$desc ($(grep -c '^ok' <<<"$out") parser runs agree)"
	else
		not_ok "$desc" "$(grep -v '^ok' <<<"$out" | head -20)"
	fi
}

"$BUILD/tests/faults" >"$tmp/faults.ktap" 2>&1
consumers "the fault self-test (forged KTAP, Subtest, FAIL, a TIMEOUT) parses with our counts" ktap "$tmp/faults.ktap"

"$cli" run --results "$tmp" --id root >"$tmp/run.ktap" 2>/dev/null
consumers "every suite binary's KTAP as root parses with our counts" ktap "$tmp"/root/host/*.ktap
consumers "blastradius run's nested KTAP parses with our counts" nested "$tmp/run.ktap"

nobody_build
mkdir -m 1777 "$NBUILD/res"
nobody env BR_SUITES_DIR="$NBUILD/suites" "$NBUILD/blastradius" run --results "$NBUILD/res" --id nobody \
	>"$tmp/nobody.ktap" 2>/dev/null
cp -r "$NBUILD/res/nobody" "$tmp/"
consumers "every suite binary's KTAP as uid 65534 parses with our counts" ktap "$tmp"/nobody/host/*.ktap
consumers "blastradius run as uid 65534 parses with our counts" nested "$tmp/nobody.ktap"

# prove runs the binaries itself: an all-skipped binary must not read as a
# failure. A binary whose only failures are fixtures/known-failures (real
# kernel breaks on this machine: tests/run.t judges them) is left out.
known=$(grep -Ev '^[[:space:]]*(#|$)' "$top/fixtures/known-failures" | awk '{print $1}')
prove_bins() { # RUN_DIR BUILD_DIR: the binaries with no failure, or only known ones
	local k id
	for k in "$1"/host/*.ktap; do
		id=$(basename "$k" .ktap)
		if grep -E '^not ok ' "$k" | awk '{print $4}' | grep -qvxF -f <(echo "$known"); then
			echo "$2/suites/${id%%.*}/${id#*.}" # an unknown failure: prove must say FAIL
		elif ! grep -qE '^not ok ' "$k"; then
			echo "$2/suites/${id%%.*}/${id#*.}"
		fi
	done
}
bins=$(prove_bins "$tmp/root" "$BUILD")
p=$(prove --exec '' $bins 2>&1)
grep -q '^Result: PASS' <<<"$p" && ok "prove over $(wc -l <<<"$bins") suite binaries as root: PASS" || not_ok "prove as root" "$(tail -15 <<<"$p")"
bins=$(prove_bins "$tmp/nobody" "$NBUILD")
p=$(nobody prove --exec '' $bins 2>&1)
grep -q '^Result: PASS' <<<"$p" && ok "prove over $(wc -l <<<"$bins") suite binaries as uid 65534: PASS" || not_ok "prove as uid 65534" "$(tail -15 <<<"$p")"

"$cli" report -o "$tmp/rep" "$tmp/root" >/dev/null 2>&1
[ -s "$tmp/rep/junit.xml" ] && consumers "junitparser reads junit.xml with our counts per cell" junit \
	"$tmp/rep/junit.xml" "$tmp/rep/matrix.json" || not_ok "report wrote junit.xml"
done_testing
