#!/usr/bin/env bash
# Bad input, as a table (issue 15's scripted list): each row is the exit code a
# command must give, a pattern its message must match, what it may leave behind
# in the scratch tree (an ERE over new paths; empty: nothing), and the command,
# separated by '~'.
# A crash (exit >= 128), a hang (20 s: exit 124), another exit code, a missing
# message or any other new file (a write outside its folder lands in the
# scratch tree too: every folder used is two levels below it) fails the row.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
w=$(mktemp -d "${TMPDIR:-/tmp}/br-badinput.XXXXXX")
at_exit 'rm -rf "$w"'
mkdir -p "$w/a/b" && cd "$w/a/b" || exit 1
export XDG_CACHE_HOME=$w/a/b/cache

# ---- fixtures: a good run folder, then broken copies of it ----
"$cli" run --suite ns.uts --results . --id good -q >/dev/null 2>&1 || { not_ok "fixture run"; done_testing; }
mk() { cp -r good "$1"; }
mk facts-missing && rm facts-missing/host/facts.json
mk facts-trunc && head -c 20 good/host/facts.json >facts-trunc/host/facts.json
mk facts-array && echo '[1, 2]' >facts-array/host/facts.json
mk facts-dir && rm facts-dir/host/facts.json && mkdir facts-dir/host/facts.json
mk facts-fifo && rm facts-fifo/host/facts.json && mkfifo facts-fifo/host/facts.json
mk cell-array && echo '[]' >cell-array/host/cell.json
mk cell-trunc && printf '{"status":"complete","kernel":"bookworm-cl' >cell-trunc/host/cell.json
mk targets-null && python3 -c 'import json,sys; p=sys.argv[1]; r=json.load(open(p)); r["targets"]=[None]; json.dump(r, open(p, "w"))' targets-null/run.json
mk ktap-trunc && head -c 120 good/host/ns.uts.ktap >ktap-trunc/host/ns.uts.ktap
mk ktap-garbage && printf 'garbage\n\x01\x02\n' >ktap-garbage/host/ns.uts.ktap
mk ktap-fifo && mkfifo ktap-fifo/host/zz.ktap
# A guest-like cell (a kernel name makes it checkable against baselines).
mkdir -p guest/k1 && cp good/host/* guest/k1/
echo '{"cell":"k1","kernel":"bookworm-cloud","status":"complete","reason":"","suites":[{"id":"ns.uts","exit":0}]}' >guest/k1/cell.json
mkdir -p evilk/k1 && cp good/host/* evilk/k1/
echo '{"cell":"k1","kernel":"../../x","status":"complete","reason":"","suites":[]}' >evilk/k1/cell.json
mkdir -p bl-trunc bl-empty bl-list bl-none
"$cli" report guest -o fixture-o --write-baselines bl-good >/dev/null 2>&1; rm -rf fixture-o
head -c 30 bl-good/bookworm-cloud.json >bl-trunc/bookworm-cloud.json
echo '{"cells":{"k1":{}}}' >bl-empty/bookworm-cloud.json
echo '{"cells":{"k1":{"cases":[]}}}' >bl-list/bookworm-cloud.json
# A probe report whose cap_last_cap is 76: (2ULL << 76) was undefined and let a
# 13-capability bounding set pass "caps.bounding = all".
"$BUILD/blastradius-probe" 2>/dev/null | sed -e 's/^F\tcap_last_cap\t.*/F\tcap_last_cap\t76/' \
	-e 's/^O\tcaps\.bounding\t[^\t]*\t/O\tcaps.bounding\t0x0000000000001fff\t/' >cap76.rec
printf '#!/bin/sh\ncat "%s/cap76.rec"\n' "$PWD" >cap76-probe && chmod +x cap76-probe
echo 'caps.bounding = all' >all.claims
touch plainfile && mkdir -p adir && mkfifo afifo
head -c 2000000 /dev/zero | tr '\0' 'x' | fold -w 100 >big.claims
{ echo 'ld nr'; yes 'ret ALLOW' | head -c 2000000; } >big.bpf
ln -s /dev/zero zero.bpf
# Gallery files, each with one bad line (the first line is good).
for g in 'no equals sign here' 'two names = true' '../up = true' 'a = true' 'x = --no-probe-arg true {}' \
	'x = --jobs true' 'x =' "x = sh -c 'unterminated" 'x = ${BR_UNSET_VARIABLE}/true' 'x = ${' \
	'.hidden = true'; do
	n=$((${n:-0} + 1))
	printf '# a comment\na = true\n%s\n' "$g" >"bad$n.gallery"
done
: >empty.gallery
# Kernel images: a 4 KiB file with only a HdrS header, and a well-formed one
# whose version string climbs out of the cache.
python3 - <<'EOF'
import struct
def bz(ver, size=8192):
    b = bytearray(size)
    b[0x1f1] = 1; b[0x1fe:0x200] = b'\x55\xaa'; b[0x202:0x206] = b'HdrS'
    struct.pack_into('<HxxxxxxH', b, 0x206, 0x020f, 0x100)
    struct.pack_into('<I', b, 0x1f4, (size - 1024) // 16); struct.pack_into('<II', b, 0x248, 0, 64)
    v = ver.encode() + b' (x@y) #1\0'; b[0x300:0x300 + len(v)] = v
    return bytes(b)
open('evil.bzImage', 'wb').write(bz('../../../escape'))
open('sane.bzImage', 'wb').write(bz('6.1.0-br-test'))
open('hdrs.bin', 'wb').write(bytes(0x202) + b'HdrS' + bytes(4096 - 0x206))
EOF

reports='^o(/(matrix\.(json|md|html)|junit\.xml))?$'
rows=(
# rc ~ message (ERE) ~ may leave behind (ERE) ~ command
# Controls first: good input passes the same readers.
"0~0 incomplete~$reports~$cli report good -o o"
"0~0 regression~$reports~$cli report guest -o o --check-baseline bl-good"
"0~6\.1\.0-br-test~~$cli kernels fetch ./sane.bzImage"
"1~facts\.json: No such file or directory~$reports~$cli report facts-missing -o o"
"1~facts\.json: not valid JSON \(truncated\)~$reports~$cli report facts-trunc -o o"
"1~facts\.json: not a JSON object~$reports~$cli report facts-array -o o"
"1~facts\.json: is a directory~$reports~$cli report facts-dir -o o"
"1~facts\.json: not a regular file~$reports~$cli report facts-fifo -o o"
"1~cell\.json: not a JSON object~$reports~$cli report cell-array -o o"
"1~cell\.json: not valid JSON \(truncated\)~$reports~$cli report cell-trunc -o o"
"1~run\.json: targets\[0\] is not a sane cell name~$reports~$cli report targets-null -o o"
"1~ns\.uts\.ktap: truncated or garbled: [0-9]+ of 7 planned~$reports~$cli report ktap-trunc -o o"
"1~ns\.uts\.ktap: not KTAP~$reports~$cli report ktap-garbage -o o"
"1~zz\.ktap: not a regular file~$reports~$cli report ktap-fifo -o o"
"1~facts\.json: not valid JSON \(truncated\)~~$cli diff good facts-trunc"
"1~cell\.json: not a JSON object~~$cli diff good cell-array"
"1~run\.json: targets\[0\]~~$cli diff targets-null good"
"2~baselines /no/such: No such file or directory~~$cli report guest -o o --check-baseline /no/such"
"2~baselines plainfile: not a directory~~$cli report guest -o o --check-baseline plainfile"
"2~bl-trunc/bookworm-cloud\.json: not valid JSON~$reports~$cli report guest -o o --check-baseline bl-trunc"
"2~cell 'k1' has no \"cases\" object~$reports~$cli report guest -o o --check-baseline bl-empty"
"2~cell 'k1' has no \"cases\" object~$reports~$cli report guest -o o --check-baseline bl-list"
"1~NO-BASELINE k1: no bl-none/bookworm-cloud\.json~$reports~$cli report guest -o o --check-baseline bl-none"
"1~\"kernel\" is not a sane name~$reports|^bl$~$cli report evilk -o o --write-baselines bl"
"2~baselines /no/such: No such file or directory~~$cli matrix --kernels host --baselines /no/such"
"2~adir: is a directory~~$cli sandbox adir -- touch ran"
"2~afifo: not a regular file~~$cli sandbox afifo -- touch ran"
"2~adir: is a directory~~$cli assess --claims adir"
"2~not a regular file~~yes | $cli assess --claims /dev/stdin"
"2~big\.claims: larger than the [0-9]+-byte limit~~$cli assess --claims big.claims"
"2~zero\.bpf: not a regular file~~$cli seccomp dump zero.bpf"
"0~SKIP not tested: cap_last_cap '76' is not a capability number~~$cli assess --probe ./cap76-probe --claims all.claims"
"2~big\.bpf: larger than the [0-9]+-byte limit~~$cli seccomp dump big.bpf"
"2~--id '\.\./escape' starts with a dot~~$cli run --suite ns.uts --results r --id ../escape"
"2~--id 'a/b' has a character~~$cli run --suite ns.uts --results r --id a/b"
"2~--id '\.' starts with a dot~~$cli run --suite ns.uts --results r --id ."
"2~--id '\.\.' starts with a dot~~$cli run --suite ns.uts --results r --id .."
"2~--id '' is empty~~$cli run --suite ns.uts --results r --id ''"
"2~good already exists~~$cli run --suite ns.uts --results . --id good"
"2~--id '\.\./escape' starts with a dot~~$cli matrix --kernels host --results r --id ../escape"
"2~not a kernel image: its version string is not a sane release name~~$cli kernels fetch ./evil.bzImage"
"2~not a kernel image: no bzImage header~~$cli kernels fetch ./hdrs.bin"
"2~kernel 'foo' is not a kernel~~$cli matrix --kernels foo"
"2~list: no suite binary matches~~$cli list --suite nosuch"
"2~bench: unexpected argument 'extra'~~$cli bench extra"
"2~bench: matrix refused~~$cli bench --kernels foo --results r"
"2~bad1.gallery:3: expected NAME = COMMAND~~$cli gallery --results r bad1.gallery"
"2~bad2.gallery:3: expected one NAME before~~$cli gallery --results r bad2.gallery"
"2~bad3.gallery:3: entry name '\.\./up'~~$cli gallery --results r bad3.gallery"
"2~bad4.gallery:3: entry 'a' is already on line 2~~$cli gallery --results r bad4.gallery"
"2~bad5.gallery:3: '\{\}' with --no-probe-arg~~$cli gallery --results r bad5.gallery"
"2~bad6.gallery:3: '--jobs': the only option~~$cli gallery --results r bad6.gallery"
"2~bad7.gallery:3: entry 'x' has no command~~$cli gallery --results r bad7.gallery"
"2~bad8.gallery:3: unterminated ' quote~~$cli gallery --results r bad8.gallery"
"2~bad9.gallery:3: \\$\\{BR_UNSET_VARIABLE\\} is not set~~$cli gallery --results r bad9.gallery"
"2~bad10.gallery:3: '\\$\\{' without a variable name~~$cli gallery --results r bad10.gallery"
"2~bad11.gallery:3: entry name '\.hidden'~~$cli gallery --results r bad11.gallery"
"2~empty.gallery: no entries~~$cli gallery --results r empty.gallery"
"2~adir: not a regular file~~$cli gallery --results r adir"
"2~nosuch.gallery: No such file~~$cli gallery --results r nosuch.gallery"
"2~gallery: expected one FILE~~$cli gallery --results r"
"2~gallery: -j 0: expected 1 to~~$cli gallery -j 0 --results r bad1.gallery"
"2~gallery: --timeout x: expected~~$cli gallery --timeout x --results r bad1.gallery"
)

for row in "${rows[@]}"; do
	IFS='~' read -r want msg allow cmd <<<"$row"
	before=$(cd "$w/a/b" && find . -mindepth 1 | sed 's|^\./||' | sort)
	out=$(timeout 20 bash -c "$cmd" 2>&1 </dev/null)
	rc=$?
	after=$(cd "$w/a/b" && find . -mindepth 1 | sed 's|^\./||' | sort)
	new=$(comm -13 <(echo "$before") <(echo "$after") | grep -Ev "${allow:-^$}" | grep -v '^cache')
	outside=$(find "$w" "$w/a" -maxdepth 1 -mindepth 1 ! -name a ! -name b)
	label="${cmd#"$cli "}: exit $want"
	if [ "$rc" != "$want" ]; then not_ok "$label" "exit $rc" "$out"
	elif ! grep -Eq -- "$msg" <<<"$out"; then not_ok "$label" "no message matching: $msg" "$out"
	elif [ -n "$new" ]; then not_ok "$label" "left behind: $new"
	elif [ -n "$outside" ]; then not_ok "$label" "wrote outside its folder: $outside"
	else ok "$label: $(grep -Em1 -- "$msg" <<<"$out" | cut -c1-100)"; fi
	rm -rf o r bl ran "$w/escape" "$w/a/escape"
done
# Only the sane image (the control) landed in the cache.
[ "$(cd cache && find . -name kernel.json)" = ./blastradius/kernels/local-6.1.0-br-test/kernel.json ] &&
	ok "only the sane image has a kernel.json in the cache" || not_ok "cache" "$(find cache -name kernel.json)"
done_testing
