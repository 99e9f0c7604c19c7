#!/usr/bin/env bash
# report, diff and --check-baseline on synthetic run dirs (no QEMU): a
# changed fact is a change, a regression is exit 1 (pass -> fail and
# pass -> skip), no regression is exit 0. tests/matrix.t does the same on a
# real guest cell when QEMU can run.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
tmp=$(mktemp -d "${TMPDIR:-/tmp}/br-report.XXXXXX")
at_exit 'rm -rf "$tmp"'

# cell RUN NAME VERDICT_OF_b FACT_VALUE: one guest-like cell with three cases.
cell() {
	local d=$tmp/$1/$2
	mkdir -p "$d"
	printf '{"status":"complete","kernel":"fake-6.1","accel":"tcg"}\n' >"$d/cell.json"
	printf '{"landlock.abi":"%s","kernel.release":"6.1.0"}\n' "$4" >"$d/facts.json"
	{
		echo 'KTAP version 1'
		echo '1..3'
		echo 'ok 1 x.y.a'
		echo "$3"
		echo 'ok 3 x.y.c # SKIP not here'
		echo '# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0'
	} >"$d/x.y.ktap"
}
cell base fake 'ok 2 x.y.b' 6
cell same fake 'ok 2 x.y.b' 6
cell fact fake 'ok 2 x.y.b' 7
cell fail fake 'not ok 2 x.y.b' 6
cell skip fake 'ok 2 x.y.b # SKIP gone' 6

"$cli" diff "$tmp/base" "$tmp/same" >"$tmp/d0"
[ $? = 0 ] && [ "$(cat "$tmp/d0")" = "no differences" ] && ok "diff: no change, 'no differences', exit 0" || not_ok "diff no change" "$(cat "$tmp/d0")"
"$cli" diff "$tmp/base" "$tmp/fact" >"$tmp/d1"
rc=$?
[ "$rc" = 1 ] && grep -qx 'fake: fact landlock.abi: 6 -> 7' "$tmp/d1" && [ "$(grep -c '^fake: ' "$tmp/d1")" = 1 ] &&
	ok "diff: a changed fact is the one change, exit 1" || not_ok "diff on a changed fact" "exit $rc" "$(cat "$tmp/d1")"
"$cli" diff "$tmp/base" "$tmp/fail" >"$tmp/d2"
rc=$?
[ "$rc" = 1 ] && grep -qx 'fake: verdict x.y.b: pass -> fail (regressed)' "$tmp/d2" &&
	ok "diff: a changed verdict, exit 1" || not_ok "diff on a changed verdict" "exit $rc" "$(cat "$tmp/d2")"

"$cli" report "$tmp/base" -o "$tmp/rep" --write-baselines "$tmp/bl" >/dev/null 2>&1
[ -s "$tmp/bl/fake-6.1.json" ] && ok "baselines written for the cell's kernel" || not_ok "write baselines" "$(ls "$tmp/bl" 2>&1)"
baseline() { # RUN, expected exit, expected REGRESSION line or '' for none
	"$cli" report "$tmp/$1" -o "$tmp/rep-$1" --check-baseline "$tmp/bl" >"$tmp/bl-$1.out" 2>&1
	local rc=$? n
	n=$(grep -c '^REGRESSION' "$tmp/bl-$1.out")
	if [ "$rc" = "$2" ] && { [ -z "$3" ] && [ "$n" = 0 ] || grep -qx "$3" "$tmp/bl-$1.out"; }; then
		ok "--check-baseline on '$1': exit $2${3:+, $3}"
	else
		not_ok "--check-baseline on '$1': exit $2" "exit $rc" "$(cat "$tmp/bl-$1.out")"
	fi
}
baseline same 0 ''
baseline fact 0 ''
baseline fail 1 'REGRESSION fake x.y.b: pass -> fail'
baseline skip 1 'REGRESSION fake x.y.b: pass -> skip: gone'
# skip -> pass is progress, not a regression
"$cli" report "$tmp/skip" -o "$tmp/rep2" --write-baselines "$tmp/bl2" >/dev/null 2>&1
"$cli" report "$tmp/base" -o "$tmp/rep3" --check-baseline "$tmp/bl2" >"$tmp/bl3.out" 2>&1
[ $? = 0 ] && ! grep -q REGRESSION "$tmp/bl3.out" && ok "--check-baseline: skip -> pass is no regression (exit 0)" ||
	not_ok "skip -> pass" "$(cat "$tmp/bl3.out")"
# matrix.md has matrix.html's sections: the heatmap, key facts, then what differs
# grouped with counts (failing cases, security facts, by suite, other facts), a
# failing row tagged `fails` and a pass/skip row `capability`, then every row.
mdcell() { # NAME B_LINE A_LINE USERNS_DIR CONFIG_X
	local d=$tmp/md/$1
	mkdir -p "$d"
	printf '{"status":"complete","kernel":"fake-%s","accel":"tcg"}\n' "$1" >"$d/cell.json"
	printf '{"kernel.release":"6.1.0","fhandle.userns_dir":"%s","kconfig.CONFIG_X":"%s"}\n' "$4" "$5" >"$d/facts.json"
	printf 'KTAP version 1\n1..3\n%s\n%s\nok 3 x.y.c # SKIP not here\n' "$3" "$2" >"$d/x.y.ktap"
	printf 'KTAP version 1\n1..1\nok 1 lib.z.q\n' >"$d/lib.z.ktap"
}
mdcell a 'ok 2 x.y.b' 'ok 1 x.y.a' denied y
mdcell b $'# FAIL x.y.b: got a|b\nnot ok 2 x.y.b' 'ok 1 x.y.a' denied y
mdcell c 'ok 2 x.y.b # SKIP gone' 'ok 1 x.y.a # SKIP no feature' allowed n
"$cli" report "$tmp/md" >/dev/null 2>&1
md=$tmp/md/matrix.md
order=$(grep -n -e '^## Verdicts per suite and cell' -e '^## Key facts' -e '^## What differs' -e '^### Failing cases (1 case)$' \
	-e '^### Security-relevant facts (1 differ)$' -e '^### x (2 differ: 1 failing, 1 capability)$' -e '^### Other facts (1 differ)$' \
	-e '^## Every case (4)$' -e '^## Every fact (3)$' "$md" | cut -d: -f1 | tr '\n' ' ')
[ "$(wc -w <<<"$order")" = 9 ] && [ "$(tr ' ' '\n' <<<"$order" | grep . | sort -n | tr '\n' ' ')" = "$order" ] &&
	ok "matrix.md: heatmap, key facts, what differs (failing, security facts, by suite, other facts), every row, in that order" ||
	not_ok "matrix.md sections" "lines: $order" "$(grep -n '^#' "$md")"
grep -qxF '| x | 2 / 0 / 1 | 1 / **1** / 1 | 0 / 0 / 3 |' "$md" && grep -qxF '| **boundary verdicts** | 2 / 0 / 1 | 1 / **1** / 1 | 0 / 0 / 3 |' "$md" &&
	grep -qxF '| lib (library self-tests, not a kernel boundary) | 1 / 0 / 0 | 1 / 0 / 0 | 1 / 0 / 0 |' "$md" &&
	ok "matrix.md heatmap: pass / fail / skip per suite and cell, failures bold, lib.* apart" || not_ok "matrix.md heatmap" "$(sed -n 1,16p "$md")"
grep -qxF '| x.y.b `fails` | pass | **fail**: got a\|b | skip |' "$md" && grep -qxF '| x.y.a `capability` | pass | pass | skip |' "$md" &&
	grep -qxF '| fhandle.userns_dir | denied | denied | **allowed** |' "$md" &&
	ok "matrix.md: a failing case (with its reason) and a capability are tagged apart; the odd fact value is bold" ||
	not_ok "matrix.md rows" "$(grep -e 'x.y.[ab]' -e userns_dir "$md")"
# matrix.html: the reason of a case skipped in every cell (in no group) is in the page too.
grep -q '<div class="why">not here</div>' "$tmp/md/matrix.html" && ok "matrix.html prints the reason of a case skipped everywhere, not only on hover" ||
	not_ok "skip reason in the page"

# A plain run's host folder against a matrix's host cell: the facts only the
# matrix adds (kconfig.*, guest.*, kernel.source) are no difference; others are.
mkdir -p "$tmp/hr/host" "$tmp/hm/host"
printf 'KTAP version 1\n1..1\nok 1 x.y.a\n' | tee "$tmp/hr/host/x.y.ktap" >"$tmp/hm/host/x.y.ktap"
printf '{"kernel.release":"6.1.0","ns.time":"supported"}\n' >"$tmp/hr/host/facts.json"
printf '{"status":"complete","accel":"none"}\n' >"$tmp/hm/host/cell.json"
printf '{"kernel.release":"6.1.0","ns.time":"supported","kernel.source":"host","kconfig.CONFIG_X":"y","guest.accel":"none"}\n' >"$tmp/hm/host/facts.json"
d=$("$cli" diff "$tmp/hr/host" "$tmp/hm/host"); rc=$?
sed -i 's/"supported"/"unsupported"/' "$tmp/hm/host/facts.json"
d2=$("$cli" diff "$tmp/hr/host" "$tmp/hm/host")
[ $rc = 0 ] && [ "$d" = "no differences" ] && grep -qx 'host..host: fact ns.time: supported -> unsupported' <<<"$d2" &&
	ok "diff host run vs matrix host cell: kconfig.*, guest.*, kernel.source left out; a real fact change is kept" ||
	not_ok "host pair" "rc=$rc $d" "$d2"
done_testing
