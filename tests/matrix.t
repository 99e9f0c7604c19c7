#!/usr/bin/env bash
# The QEMU matrix end to end under TCG on one Debian kernel (bookworm-cloud):
# initramfs reproducibility, kernel cache, a complete cell, a forced panic
# that ends incomplete, reports, diff, baselines, shards, Ctrl-C; then the
# default matrix (every default cell), and the HTML rendered by Debian's
# headless chromium: the default matrix's page is the acceptance screenshot.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
tmp=$(mktemp -d "${TMPDIR:-/tmp}/br-matrix.XXXXXX")
at_exit 'rm -rf "$tmp"'

# ---- the initramfs: reproducible, with /dev/console ----
"$cli" initramfs --init "$BUILD/guest/init" -o "$tmp/a.cpio" &&
	"$cli" initramfs --init "$BUILD/guest/init" -o "$tmp/b.cpio" &&
	cmp -s "$tmp/a.cpio" "$tmp/b.cpio" && ok "initramfs is byte-for-byte reproducible" ||
	not_ok "initramfs reproducible"
python3 - "$tmp/a.cpio" <<'EOF' && ok "initramfs holds /dev/console (char 5,1), /init and every suite file, hard links of one binary" || not_ok "initramfs contents"
import sys
d = open(sys.argv[1], 'rb').read(); off = 0; names = {}
while True:
    h = d[off:off + 110]; f = [int(h[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
    name = d[off + 110:off + 110 + f[11] - 1].decode(); off = (off + 110 + f[11] + 3) & ~3
    names[name] = f; off = (off + f[6] + 3) & ~3
    if name == 'TRAILER!!!': break
c = names['dev/console']; assert c[1] == 0o20600 and (c[9], c[10]) == (5, 1), c
assert 'init' in names and any(n.startswith('suites/') for n in names)
# The suite files: hard links of one multi-call binary, its data with the last name.
links = [f for n, f in sorted(names.items()) if n.startswith('suites/') and f[1] & 0o170000 == 0o100000]
assert len({f[0] for f in links}) == 1 and all(f[4] == len(links) for f in links), links[:2]
assert [f[6] > 0 for f in links] == [False] * (len(links) - 1) + [True], [f[6] for f in links]
EOF
size=$(wc -c <"$BUILD/initramfs.cpio")
[ "$size" -lt 16000000 ] && ! gzip -t "$BUILD/initramfs.cpio" 2>/dev/null &&
	ok "build/initramfs.cpio is raw, under 16 MB ($size bytes)" || not_ok "initramfs size or compression" "$size bytes"

# ---- the guest's multi-call binary: the same answers as each separate binary ----
mc=$BUILD/guest/blastradius-suites
diffs= nb=0
for b in $(cd "$BUILD/suites" && ls -d */* | grep -v '\.d$'); do
	mkdir -p "$tmp/mc/${b%/*}" && ln -sf "$mc" "$tmp/mc/$b" && nb=$((nb + 1))
	for args in -l "-r *_control -l" -K; do
		[ "$("$BUILD/suites/$b" $args 2>&1; echo "rc=$?")" = "$("$tmp/mc/$b" $args 2>&1; echo "rc=$?")" ] ||
			diffs="$diffs $b($args)"
	done
done
[ -z "$diffs" ] && ok "the multi-call binary lists, filters and answers -K as each of the $nb separate binaries" ||
	not_ok "multi-call vs separate binaries" "differ:$diffs"
out=$("$mc" -l 2>&1); rc=$?
ln -sf "$mc" "$tmp/mc/ns/nosuch"
out2=$(BR_SUITE_FILE=ns/uts "$tmp/mc/ns/nosuch" -l 2>&1)
[ "$rc" = 127 ] && case $out in *"names no suite file"*) true;; *) false;; esac &&
	[ "$out2" = "$("$BUILD/suites/ns/uts" -l)" ] &&
	ok "the multi-call binary runs nothing for an argv[0] naming no file (127); \$BR_SUITE_FILE selects one" ||
	not_ok "multi-call dispatch" "rc=$rc: $out" "$out2"

# ---- dependencies and the kernel ----
if ! make -s -C "$top" matrix-deps >"$tmp/deps.log" 2>&1; then
	skip "matrix smoke test" "qemu-system-x86 and decompressors not installable: $(tail -1 "$tmp/deps.log")"
	done_testing
fi
if ! "$cli" kernels fetch bookworm-cloud >"$tmp/fetch1.out" 2>"$tmp/fetch1.err"; then
	skip "matrix smoke test" "cannot fetch bookworm-cloud from Debian: $(tail -1 "$tmp/fetch1.err")"
	done_testing
fi
"$cli" kernels fetch bookworm-cloud >"$tmp/fetch2.out" 2>"$tmp/fetch2.err"
! grep -Eq 'apt-get update|downloading' "$tmp/fetch2.err" && cmp -s "$tmp/fetch1.out" "$tmp/fetch2.out" &&
	ok "a second fetch downloads nothing: $(cat "$tmp/fetch2.out")" || not_ok "second fetch" "$(cat "$tmp/fetch2.err")"

"$cli" kernels fetch --update bookworm-cloud >"$tmp/fetch3.out" 2>"$tmp/fetch3.err" && cmp -s "$tmp/fetch1.out" "$tmp/fetch3.out" &&
	ok "fetch --update refreshes the lists and resolves the same kernel" || not_ok "fetch --update" "$(tail -3 "$tmp/fetch3.err")"

# ---- one kernel plus a forced panic ----
t0=$(date +%s%N)
# --timeout 400: on a loaded 2-core host (other matrices running) one TCG cell
# can pass the default 120 s; the panic cell ends at once either way.
"$cli" matrix --kernels bookworm-cloud --variants badinit --accel tcg --timeout 400 --results "$tmp" --id smoke \
	>"$tmp/smoke.out" 2>"$tmp/smoke.err"
rc=$?
t1=$(date +%s%N)
run=$tmp/smoke
[ "$rc" = 1 ] && ok "matrix exits 1 when a cell is incomplete ($(( (t1 - t0) / 1000000 )) ms)" ||
	not_ok "matrix exit code" "rc=$rc" "$(tail -5 "$tmp/smoke.err")"
grep -q '"status":"complete"' "$run/bookworm-cloud/cell.json" && grep -q '"accel":"tcg"' "$run/bookworm-cloud/cell.json" &&
	ok "bookworm-cloud is complete under TCG" || not_ok "complete cell" "$(cat "$run/bookworm-cloud/cell.json")" "$(tail -20 "$run/bookworm-cloud/console.log")"
nk=$(ls "$run"/bookworm-cloud/*.ktap 2>/dev/null | wc -l); nb=$(ls "$BUILD"/suites/*/* | grep -vc '\.d$')
[ "$nk" = "$nb" ] && ok "one KTAP file per suite binary in the guest ($nk)" || not_ok "guest KTAP files" "$nk for $nb binaries"
! grep -q '@@BR:' "$run"/bookworm-cloud/*.ktap && ok "no marker or console noise inside the KTAP files" || not_ok "KTAP files carry markers"
python3 - "$run/bookworm-cloud/facts.json" <<'EOF' && ok "guest facts: kconfig values and the suites' x32, ia32, landlock.abi" || not_ok "guest facts"
import json, sys
f = json.load(open(sys.argv[1]))
assert f['kconfig.CONFIG_SECURITY_LANDLOCK'] == 'y' and f['kernel.release'].startswith('6.1'), f
assert f['guest.accel'] == 'tcg' and len(f) > 20, f
assert f['x32'] == 'absent' and f['ia32'] == 'enabled' and f['landlock.abi'].isdigit(), f
EOF
grep -q '"status":"incomplete"' "$run/bookworm-cloud+badinit/cell.json" &&
	grep -q 'Kernel panic' "$run/bookworm-cloud+badinit/console.log" &&
	ok "a forced panic gives an incomplete cell and keeps its console.log" || not_ok "badinit cell" "$(cat "$run/bookworm-cloud+badinit/cell.json")"
for f in matrix.json matrix.md matrix.html junit.xml run.json; do [ -s "$run/$f" ] || missing="$missing $f"; done
[ -z "${missing:-}" ] && ok "reports written: matrix.json matrix.md matrix.html junit.xml run.json" || not_ok "reports" "missing:$missing"
python3 - "$run" <<'EOF' && ok "matrix.json has verdicts and facts per cell; junit.xml has a testsuite per cell and one for its lib.* self-tests" || not_ok "report contents"
import json, sys, xml.etree.ElementTree as ET
m = json.load(open(sys.argv[1] + '/matrix.json'))
assert [c['name'] for c in m['cells']] == ['bookworm-cloud', 'bookworm-cloud+badinit'], m['cells']
assert m['totals']['incomplete'] == 1 and m['totals']['pass'] > 0
assert all('bookworm-cloud' in row for row in m['cases'].values())
assert m['facts']['kconfig.CONFIG_LSM']['bookworm-cloud']
j = ET.parse(sys.argv[1] + '/junit.xml').getroot()
assert [s.get('name') for s in j] == ['bookworm-cloud', 'bookworm-cloud lib.*', 'bookworm-cloud+badinit'], [s.get('name') for s in j]
EOF

# ---- report, diff, baselines ----
"$cli" report "$run" -o "$tmp/rep" >/dev/null 2>&1
[ $? = 1 ] && [ -s "$tmp/rep/matrix.html" ] && ok "report rebuilds the matrix from a run dir (exit 1: incomplete cell)" || not_ok "report"
"$cli" diff "$run" "$run" >"$tmp/diff0" && [ "$(cat "$tmp/diff0")" = "no differences" ] && ok "diff of a run with itself: 'no differences', exit 0" || not_ok "diff same" "$(head -5 "$tmp/diff0")"
"$cli" diff "$run" "$run/bookworm-cloud" >/dev/null 2>"$tmp/diffrc"; [ $? = 2 ] && grep -q 'compare two runs, or two cells' "$tmp/diffrc" &&
	ok "diff refuses a run against a cell (exit 2)" || not_ok "diff run vs cell" "$(cat "$tmp/diffrc")"
cp -r "$run" "$tmp/changed"
k=$(ls "$tmp/changed/bookworm-cloud/"*.ktap | head -1)
first=$(grep -m1 '^ok [0-9]* [^ ]*$' "$k" | awk '{print $3}')
sed -i "0,/^ok \([0-9]*\) $first\$/s//not ok \1 $first/" "$k"
"$cli" diff "$run" "$tmp/changed" >"$tmp/diff1"
[ $? = 1 ] && grep -q "bookworm-cloud: verdict $first: pass -> fail (regressed)" "$tmp/diff1" &&
	grep -Eq "^${first%%.*} +0 +1 +0 +0 +0 +0$" "$tmp/diff1" && [ "$(head -1 "$tmp/diff1" | awk '{print $1}')" = suite ] &&
	ok "diff prints the counts by suite first, then the regressed verdict, and exits 1" ||
	not_ok "diff change" "$(cat "$tmp/diff1")"
"$cli" diff --json "$run/bookworm-cloud" "$tmp/changed/bookworm-cloud" | python3 -c '
import json, sys; c = json.load(sys.stdin); assert len(c) == 1 and c[0]["a"] == "pass" and c[0]["b"] == "fail", c' &&
	ok "diff --json of two cell dirs" || not_ok "diff --json"
"$cli" report "$run" -o "$tmp/rep" --write-baselines "$tmp/baselines" >/dev/null 2>&1
[ -s "$tmp/baselines/bookworm-cloud.json" ] && ok "baselines written per kernel" || not_ok "write baselines"
"$cli" report "$tmp/changed" -o "$tmp/rep2" --check-baseline "$tmp/baselines" >"$tmp/bl.out" 2>&1
grep -q "REGRESSION bookworm-cloud $first: pass -> fail" "$tmp/bl.out" && ok "--check-baseline reports the regression" ||
	not_ok "check-baseline" "$(cat "$tmp/bl.out")"
# A variant's cell runs some files only (suite_files): the others' cases are not regressions.
mkdir -p "$tmp/part" && cp -r "$run/bookworm-cloud" "$tmp/part/" && find "$tmp/part/bookworm-cloud" -name '*.ktap' ! -name 'mac.*' -delete
sed -i 's/"suite_files":"all"/"suite_files":"mac.*"/' "$tmp/part/bookworm-cloud/cell.json"
"$cli" report "$tmp/part" -o "$tmp/part" --check-baseline "$tmp/baselines" >"$tmp/blp.out" 2>&1; prc=$?
sed -i 's/"suite_files":"mac\.\*"/"suite_files":"all"/' "$tmp/part/bookworm-cloud/cell.json"
"$cli" report "$tmp/part" -o "$tmp/part" --check-baseline "$tmp/baselines" >"$tmp/blq.out" 2>&1; qrc=$?
[ "$prc" = 0 ] && grep -q '0 regression' "$tmp/blp.out" && [ "$qrc" = 1 ] && grep -q '^REGRESSION bookworm-cloud ns\.' "$tmp/blq.out" &&
	ok "--check-baseline: a cell that ran mac.* only is checked on mac.*; the same cell claiming every file regresses" ||
	not_ok "check-baseline with suite_files" "rc=$prc/$qrc" "$(tail -2 "$tmp/blp.out")" "$(head -2 "$tmp/blq.out")"

# ---- shards merge; Ctrl-C keeps what finished ----
"$cli" matrix --kernels bookworm-cloud --variants badinit --trivial --shard 1/2 --results "$tmp" --id s1 >/dev/null 2>&1
"$cli" matrix --kernels bookworm-cloud --variants badinit --trivial --shard 2/2 --results "$tmp" --id s2 >/dev/null 2>&1
"$cli" report "$tmp/s1" "$tmp/s2" -o "$tmp/merged" >/dev/null 2>&1
[ -d "$tmp/s1/bookworm-cloud" ] && [ ! -d "$tmp/s1/bookworm-cloud+badinit" ] && [ -d "$tmp/s2/bookworm-cloud+badinit" ] &&
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert len(m["cells"]) == 2' "$tmp/merged/matrix.json" &&
	ok "--shard 1/2 and 2/2 split the cells; report merges the two dirs" || not_ok "shards"
"$cli" matrix --kernels bookworm-cloud --variants nouserns -j1 --timeout 400 --results "$tmp" --id int >/dev/null 2>&1 &
pid=$!
# A run folder is filled as .ID.tmp and renamed into place when the run ends.
# Bounded by the cell's own --timeout (400 s); stop waiting if the matrix ended.
for _ in $(seq 4000); do [ -s "$tmp/.int.tmp/bookworm-cloud/cell.json" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?
[ "$rc" = 130 ] && grep -q '"interrupted":true' "$tmp/int/run.json" && [ -s "$tmp/int/matrix.html" ] &&
	grep -q '"status":"complete"' "$tmp/int/bookworm-cloud/cell.json" &&
	grep -q '"reason":"interrupted"' "$tmp/int/bookworm-cloud+nouserns/cell.json" &&
	ok "Ctrl-C stops the running guest, keeps the finished cell, exits 130 and writes the reports" ||
	not_ok "interrupt" "rc=$rc" "$(cat "$tmp/int/bookworm-cloud+nouserns/cell.json" 2>&1)"

# SIGKILL (no handler runs): the guest must go too (PR_SET_PDEATHSIG), not run on.
out=$(python3 "$top/tests/orphans.py" qemu-system 1 -- "$cli" matrix --kernels bookworm-cloud --variants none \
	--accel tcg --results "$tmp" --id killed) && ok "SIGKILL of matrix leaves no guest: $(tail -1 <<<"$out" | cut -c3-)" ||
	not_ok "SIGKILL of matrix leaves no guest" "$out"

# ---- the default matrix: every default cell, as `make matrix` runs it ----
# Its matrix.html is the acceptance view below. --timeout 900: a cell takes
# about 40 s on a quiet 2-core machine, but over 400 s on one whose load is 16
# from other matrices (seen here); a hung cell still ends the run.
t0=$(date +%s%N)
"$cli" matrix --timeout 900 --results "$tmp" --id default >"$tmp/default.out" 2>"$tmp/default.err"
rc=$?
t1=$(date +%s%N)
def=$tmp/default
if grep -q 'is not available' "$tmp/default.err"; then
	skip "default matrix" "a default kernel cannot be fetched: $(grep -m1 'is not available' "$tmp/default.err")"
	def=
else
	want=$("$cli" kernels fetch --dry-run | tr '\n' ' ')
	python3 - "$def" "$want" <<'EOF' && ok "the default matrix: every default kernel, its default variant cells, and host; all complete (exit $rc, $(( (t1 - t0) / 1000000 )) ms)" ||
import json, sys
r = json.load(open(sys.argv[1] + '/run.json'))
kernels = sys.argv[2].split()
assert [t for t in r['targets'] if '+' not in t] == kernels + ['host'], r['targets']
assert all(t.split('+')[0] in kernels for t in r['targets'] if '+' in t), r['targets']
assert any(t.endswith('+x32') for t in r['targets']), r['targets']
for t in r['targets']:
    c = json.load(open(sys.argv[1] + '/' + t + '/cell.json'))
    assert c['status'] == 'complete', (t, c.get('reason'))
EOF
		not_ok "default matrix" "rc=$rc" "$(tail -5 "$tmp/default.err")"
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || not_ok "default matrix exit" "rc=$rc"
	# A variant's cell runs the suite files its boot parameter can change, and says so.
	python3 - "$def" "$BUILD/suites" <<'EOF' && ok "variant cells run only their suite files (+x32: the seccomp ones, +selinux/+noapparmor: mac.*) and the facts; every other cell runs every file" ||
import fnmatch, json, os, sys
d, bins = sys.argv[1], sys.argv[2]
every = sorted(f'{s}.{f}' for s in os.listdir(bins) for f in os.listdir(f'{bins}/{s}') if not f.endswith('.d'))
for t in json.load(open(d + '/run.json'))['targets']:
    c = json.load(open(f'{d}/{t}/cell.json')); facts = json.load(open(f'{d}/{t}/facts.json'))
    ran = sorted(f[:-5] for f in os.listdir(f'{d}/{t}') if f.endswith('.ktap'))
    want = every if c['suite_files'] == 'all' else [i for i in every if any(fnmatch.fnmatch(i, g) for g in c['suite_files'].split(','))]
    assert facts['guest.suites'] == c['suite_files'] and ran == want, (t, c['suite_files'], set(ran) ^ set(want))
    v = t.partition('+')[2]
    assert (c['suite_files'] == 'all') == (v not in ('x32', 'selinux', 'noapparmor')), (t, c['suite_files'])
    assert v not in ('x32',) or 'lib.probe' in ran and 'seccomp.arch' in ran and 'lib.facts' in ran, ran
    assert v not in ('selinux', 'noapparmor') or 'mac.apparmor' in ran and 'ns.uts' not in ran, ran
    if c['suite_files'] != 'all':
        assert 'blastradius.suites=' + c['suite_files'] in c['cmdline'], c['cmdline']
EOF
		not_ok "variant cells' suite files" "$(tail -3 "$tmp/default.err")"
	"$cli" matrix --kernels bookworm-cloud --variants selinux --all-suites --trivial --results "$tmp" --id allsuites >/dev/null 2>&1
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["suite_files"] == "all" and "blastradius.suites" not in c["cmdline"], c' \
		"$tmp/allsuites/bookworm-cloud+selinux/cell.json" && ok "--all-suites: a variant's cell runs every suite file" ||
		not_ok "--all-suites" "$(cat "$tmp/allsuites/bookworm-cloud+selinux/cell.json" 2>&1)"
fi

# ---- the HTML in headless chromium ----
if ! sh "$top/runners/deps.sh" chromium:chromium >"$tmp/chr.log" 2>&1; then
	skip "HTML screenshot" "Debian's chromium is not installable: $(tail -1 "$tmp/chr.log")"
	done_testing
fi
# Two cells that differ: the smoke cell and a copy with one verdict flipped.
mkdir -p "$tmp/two" && cp -r "$run/bookworm-cloud" "$tmp/two/" && cp -r "$tmp/changed/bookworm-cloud" "$tmp/two/bookworm-cloud-flipped"
"$cli" report "$tmp/two" >/dev/null 2>&1
grep -q '<details><summary>Failing cases' "$tmp/two/matrix.html" && grep -q '<table id="heatmap">' "$tmp/two/matrix.html" &&
	ok "matrix.html: a heatmap, then the differing groups, collapsed" || not_ok "matrix.html sections"
# The acceptance view: 1400x900, the heatmap's pass-green and a group header
# (#e9eef7) above the fold; the picture stays in build/ to look at.
shot "file://$tmp/two/matrix.html" "$tmp/shot.png" 1400x900 >"$tmp/chr.out" 2>&1
cp "$tmp/shot.png" "$BUILD/matrix-screenshot-two.png" 2>/dev/null
green=$(png_count "$tmp/shot.png" c8efc8 2>&1)
group=$(png_count "$tmp/shot.png" e9eef7 2>&1)
[ "${green:-0}" -gt 1000 ] 2>/dev/null && [ "${group:-0}" -gt 1000 ] 2>/dev/null &&
	ok "chromium at 1400x900, two cells: heatmap ($green green pixels) and a group header ($group) above the fold" ||
	not_ok "screenshot" "green=$green group=$group" "$(tail -3 "$tmp/chr.out")"
# The acceptance view: the default matrix's own matrix.html (from `report`,
# as a CI job rebuilds it) at 1400x900. Above the fold: the whole heatmap, down
# to its lib.* separator row (#e8e8f4) below the boundary total, and the first
# differing group's header (#e9eef7; the groups come right after the key facts).
if [ -n "$def" ]; then
	"$cli" report "$def" -o "$tmp/defrep" >/dev/null 2>&1
	python3 - "$def/run.json" "$tmp/defrep/matrix.html" <<'EOF' && ok "default matrix.html: the heatmap with a column per cell, then the key facts, then what differs in groups" || not_ok "default matrix.html sections"
import json, re, sys
cells = json.load(open(sys.argv[1]))['targets']; h = open(sys.argv[2]).read()
hm, kf, grp = h.find('<table id="heatmap">'), h.find('<table id="keyfacts">'), h.find('<details><summary>')
assert 0 <= hm < kf < grp, (hm, kf, grp)
head = re.search(r'<thead><tr>(.*?)</tr></thead>', h[hm:]).group(1)
# A variant sits on its own header line (<br>) so every column fits 1400 px.
assert [t.replace('<br>', '') for t in re.findall(r'<th>(.*?)</th>', head)] == ['suite'] + cells, head
EOF
	shot "file://$tmp/defrep/matrix.html" "$tmp/defshot.png" 1400x900 >"$tmp/chr2.out" 2>&1
	cp "$tmp/defshot.png" "$BUILD/matrix-screenshot.png" 2>/dev/null
	green=$(png_count "$tmp/defshot.png" c8efc8 2>&1)
	sep=$(png_count "$tmp/defshot.png" e8e8f4 2>&1)
	group=$(png_count "$tmp/defshot.png" e9eef7 2>&1)
	[ "${green:-0}" -gt 1000 ] 2>/dev/null && [ "${sep:-0}" -gt 1000 ] 2>/dev/null && [ "${group:-0}" -gt 1000 ] 2>/dev/null &&
		ok "chromium at 1400x900, the default matrix: the heatmap ($green green pixels, its lib.* row: $sep) and the first differing group ($group) above the fold (build/matrix-screenshot.png)" ||
		not_ok "default matrix screenshot" "green=$green sep=$sep group=$group" "$(tail -3 "$tmp/chr2.out")"
fi
done_testing
