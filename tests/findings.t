#!/usr/bin/env bash
# assess findings: ranked rules over probe records (synthetic records pin the
# rules), --fail-on against real sandboxes (bwrap and firejail as root must
# fail, the strict agent profile must pass), report.html in headless chromium
# at 1400x900, --redact over the whole bundle, and SARIF for assess and report
# validated by the SARIF multitool from npm.
. "$(dirname "$0")/tap.sh"
diag() { printf '%s\n' "$@" | tail -20 | sed 's/^/# /'; }
cli=$BUILD/blastradius
probe=$BUILD/blastradius-probe
work=$(mktemp -d /var/tmp/br-findings.XXXXXX)
fjdir=$(mktemp -d /run/br-findings.XXXXXX)
at_exit 'rm -rf "$work" "$fjdir"'
chmod 755 "$work"
root=false
[ "$(id -u)" = 0 ] && root=true
if $root; then
	sh "$top/runners/deps.sh" bubblewrap:/usr/bin/bwrap firejail:/usr/bin/firejail \
		util-linux:/usr/bin/unshare >/dev/null 2>&1
fi
have() { command -v "$1" >/dev/null 2>&1; }
starts() { "$@" /bin/true >/dev/null 2>&1; }

# ---- the README's rules table is the code's ----
missing=$("$cli" assess --rules | tail -n +3 | while IFS= read -r row; do
	grep -qxF "$row" "$top/README.md" || echo "$row"; done)
[ -z "$missing" ] && ok "every findings rule has its README row, word for word" ||
	not_ok "README findings table" "$missing"
"$cli" assess --fail-on severe >/dev/null 2>&1
[ $? = 2 ] && ok "--fail-on with an unknown severity exits 2" || not_ok "--fail-on severe exits 2"

# ---- rules against synthetic records (a stand-in probe) ----
# FAKE names a set of records; the outside gets the host's identities.
cat >"$work/fake-probe" <<'EOF'
#!/bin/sh
t=$(printf '\t')
rec() { printf 'O%s%s%s%s%s%s%s%s\n' "$t" "$1" "$t" "$2" "$t" "$3" "$t" "${4:-detail}"; }
echo "blastradius-probe 1"
printf 'F%scap_last_cap%s40\n' "$t" "$t"
case "${BR_FAKE:-outside}" in
outside)
	rec ns.user 4:1 none; rec ns.net 4:2 none; rec uid 0 none ;;
rootsysctl)
	rec ns.user 4:9 none; rec ns.net 4:8 none; rec uid 0 none; rec uid_map '0 0 1' none
	rec procsys.writable 3 none 'net.ipv4.ip_forward vm.swappiness kernel.core_pattern'
	rec procsys.host 2 none 'kernel.core_pattern vm.swappiness'; rec procsys.ns.net 1 none net.ipv4.ip_forward ;;
mapped)
	rec ns.user 4:9 none; rec ns.net 4:8 none; rec uid 0 none; rec uid_map '0 100000 65536' none
	rec procsys.writable 1 none 'net.ipv4.ip_forward'
	rec procsys.host 0 none ''; rec procsys.ns.net 1 none net.ipv4.ip_forward ;;
hostcaps)
	rec ns.user 4:1 none; rec uid 0 none; rec uid_map '0 0 4294967295' none
	rec caps.effective 0x000001ffffffffff none all ;;
filtered)
	rec seccomp.mode filter none
	rec syscall.keyctl.native 'denied(EPERM)' seccomp-errno
	rec syscall.keyctl.ia32 allowed none
	rec syscall.socket.native allowed none ;;
stopped)
	rec ns.user 4:9 none; rec uid 0 none; rec uid_map '0 0 1' none
	exit 0 ;;
esac
echo end
EOF
chmod 755 "$work/fake-probe"
fake() { # RECORDS, then assess options
	local set=$1
	shift
	out=$("$cli" assess --probe "$work/fake-probe" "$@" -- env BR_FAKE="$set" {} 2>&1)
}
fake rootsysctl --fail-on critical
rc=$?
[ "$rc" = 1 ] && grep -q '^# finding critical host-root-sysctl: uid 0 inside is uid 0 on the host, and global kernel settings under /proc/sys open for writing: kernel.core_pattern, vm.swappiness$' <<<"$out" &&
	grep -q '^# finding info own-sysctl: 1 settings' <<<"$out" &&
	grep -q 'fail-on critical: critical finding host-root-sysctl' <<<"$out" &&
	ok "root mapped to host root with global sysctls writable: critical, naming them as the probe ranked them" ||
	not_ok "host-root-sysctl" "$(diag "exit $rc" "$out")"
fake mapped
! grep -q 'host-root-sysctl:\|root-is-host-root:\|global-sysctl:' <<<"$out" && grep -q '^# finding info own-sysctl:' <<<"$out" &&
	ok "root mapped to uid 100000: no host-root finding" || not_ok "mapped root" "$(diag "$out")"
fake hostcaps
grep -q '^# finding critical host-root-caps: the process is root on the host .* with capabilities in effect: all$' <<<"$out" &&
	ok "host user namespace with every capability: critical host-root-caps" || not_ok "host-root-caps" "$(diag "$out")"
fake filtered
grep -q '^# finding high seccomp-arch: .*: keyctl through ia32$' <<<"$out" &&
	grep -q '^# finding high seccomp-gaps: the seccomp filter lets 1 calls used in escapes through: keyctl (ia32)$' <<<"$out" &&
	grep -q '^# finding low seccomp-surface: .*socket (native)$' <<<"$out" &&
	ok "a filter without an arch check: seccomp-arch and seccomp-gaps name keyctl through ia32" ||
	not_ok "seccomp rules" "$(diag "$out")"
fake stopped --fail-on critical
rc=$?
grep -q '^# Not measured (no finding can be drawn):.* host-root-sysctl;' <<<"$out" && [ "$rc" != 0 ] &&
	grep -q 'cannot rule out host-root-sysctl' <<<"$out" && ! grep -q '^# finding critical' <<<"$out" &&
	ok "a probe that stopped early: host-root-sysctl is not measured, and --fail-on critical does not pass (exit $rc)" ||
	not_ok "stopped probe" "$(diag "exit $rc" "$out")"

# ---- real sandboxes, as root ----
bwrap_all=(bwrap --unshare-all --cap-drop ALL --ro-bind / / --dev /dev --proc /proc)
bundle=$work/bwrap
if $root && have bwrap && starts "${bwrap_all[@]}"; then
	out=$("$cli" assess --fail-on high --sarif "$work/assess.sarif" --out "$bundle" -- "${bwrap_all[@]}" 2>&1)
	rc=$?
	[ "$rc" = 1 ] && grep -q '^# finding critical host-root-sysctl: uid 0 inside is uid 0 on the host, and global kernel settings under /proc/sys open for writing: kernel.core_pattern' <<<"$out" &&
		ok "bwrap --unshare-all --cap-drop ALL as root: --fail-on high exits 1 on host root with writable global sysctls" ||
		not_ok "bwrap --fail-on high" "$(diag "exit $rc" "$out")"
else
	skip "bwrap --fail-on high" "needs root and bubblewrap (Debian: bubblewrap)"
	bundle=
fi
if $root && have firejail; then
	cp "$probe" "$fjdir/"
	out=$("$cli" assess --fail-on high --probe "$fjdir/blastradius-probe" -- firejail --quiet --noprofile 2>&1)
	rc=$?
	[ "$rc" = 1 ] && grep -q '^# finding critical host-root-caps:' <<<"$out" &&
		ok "firejail --noprofile as root: --fail-on high exits 1 (root on the host with capabilities)" ||
		not_ok "firejail --fail-on high" "$(diag "exit $rc" "$out")"
else
	skip "firejail --fail-on high" "needs root and firejail (Debian: firejail)"
fi
# The strict agent profile, with the probe bound in (read-only, Landlock: execute).
mkdir -p "$work/bin" && cp "$cli" "$probe" "$work/bin/" && chmod -R a+rX "$work/bin"
{
	cat "$top/fixtures/profiles/strict-agent.profile"
	echo "bind = $work/bin"
	echo "landlock.allow = $work/bin read_file,execute"
} >"$work/strict.profile"
if starts "$work/bin/blastradius" sandbox "$work/strict.profile" --; then
	out=$("$work/bin/blastradius" assess --fail-on high -- "$work/bin/blastradius" sandbox "$work/strict.profile" -- {} 2>&1)
	rc=$?
	[ "$rc" = 0 ] && grep -q '^# Findings, worst first: 0 critical, 0 high,' <<<"$out" &&
		ok "blastradius sandbox strict-agent.profile: --fail-on high exits 0 ($(grep '^# Findings' <<<"$out" | cut -c26-))" ||
		not_ok "strict-agent --fail-on high" "$(diag "exit $rc" "$(grep '^# \(finding\|Findings\|Not\)' <<<"$out")")"
else
	skip "strict-agent --fail-on high" "the strict-agent profile cannot start here"
fi

# ---- report.html: findings first, in headless chromium at 1400x900 ----
if [ -n "$bundle" ]; then
	python3 - "$bundle/report.html" <<-'EOF' && ok "report.html: header (version, probe sha256, kernel, time, command), findings, then the five areas with their questions" ||
		import re, sys
		h = open(sys.argv[1]).read()
		for k in ("<th>blastradius</th>", "<th>probe sha256</th>", "<th>kernel</th>", "<th>time</th>", "<th>sandbox</th>"):
		    assert k in h, k
		f = h.index("<h2>Findings</h2>")
		first = h.index("<span class=\"sev critical\">", f)
		assert h.index("host-root-sysctl", first) < h.index("<h2>Namespace isolation</h2>"), "critical first"
		areas = ["Namespace isolation", "Seccomp-BPF filters", "Capabilities management", "Landlock integration", "Breach containment"]
		pos = [h.index("<h2>%s</h2>" % a) for a in areas]
		assert f < pos[0] and pos == sorted(pos), pos
		assert h.count("<blockquote>") == 5 and "process table, user sessions, or container orchestration daemon socket" in h
		for item in ("The host's process table", "User sessions", "The container orchestration daemon socket", "The mandatory access control layers"):
		    assert item in h, item
		assert "root inside is host root" in h and re.search(r"shared with the host</b>: <span[^>]*>time<", h)
		assert "not measured" in h and "(null)" not in h
		assert "opens any file of a mounted file system by handle" in h
	EOF
		not_ok "report.html structure" "$bundle/report.html"
	if sh "$top/runners/deps.sh" chromium:chromium >"$work/chr.log" 2>&1; then
		mkdir -p "$BUILD/check"
		png=$BUILD/check/report-bwrap.png
		shot "file://$bundle/report.html" "$png" 1400x900 >"$work/chr.out" 2>&1
		red=$(png_count "$png" b00020 2>&1)
		# The critical badge (#b00020) is only in the findings table, whose first row is the critical one.
		[ "${red:-0}" -gt 300 ] 2>/dev/null &&
			ok "chromium at 1400x900: the critical finding is above the fold ($red badge pixels; screenshot $png)" ||
			not_ok "report.html screenshot" "$red" "$(tail -3 "$work/chr.out")"
	else
		skip "report.html screenshot" "Debian's chromium is not installable: $(tail -1 "$work/chr.log")"
	fi
else
	skip "report.html structure" "no bwrap bundle"
	skip "report.html screenshot" "no bwrap bundle"
fi

# ---- --redact: no cmdline, hostname or user name anywhere in the bundle ----
if $root && have bwrap && starts "${bwrap_all[@]}"; then
	cmdl=$(cut -c1-40 /proc/cmdline)
	unshare --uts sh -c 'hostname brredacthost && USER=brredactuser "$@"' sh "$cli" assess --redact \
		--socket /run/brredacthost/brredactuser.sock --out "$work/red" -- "${bwrap_all[@]}" >"$work/red.out" 2>&1
	leaks=$(grep -rlF -e brredacthost -e brredactuser -e "$cmdl" "$work/red" "$work/red.out")
	[ -z "$leaks" ] && grep -q '"redacted"' "$work/red/manifest.json" && grep -q '\[host\]/\[user\].sock' "$work/red/observations.json" &&
		grep -q '"cmdline":"\[redacted\]"' "$work/red/manifest.json" && (cd "$work/red" && sha256sum --quiet -c SHA256SUMS) &&
		ok "--redact: no kernel cmdline, hostname or user name in any file; manifest.json says so; SHA256SUMS verifies" ||
		not_ok "--redact" "leaks: $leaks" "$(grep -rhoF -e brredacthost -e brredactuser "$work/red" | head -3)"
	"$cli" assess --socket /run/brredacthost.sock --out "$work/nored" -- "${bwrap_all[@]}" >/dev/null 2>&1
	grep -qF "$cmdl" "$work/nored/manifest.json" && grep -q brredacthost "$work/nored/observations.json" &&
		ok "control: without --redact the cmdline and the names are there" || not_ok "redact control"
else
	skip "--redact" "needs root (unshare --uts) and bwrap"
	skip "redact control" "needs root and bwrap"
fi

# ---- SARIF: validated by the SARIF multitool (npm, pinned) ----
# A cell that fails one case and errors another, for report --sarif.
mkdir -p "$work/run/cell-a"
printf 'KTAP version 1\n1..3\nok 1 ns.uts.a\n# FAIL ns.uts.b: uts.c:12: expected EPERM, got 0\nnot ok 2 ns.uts.b\nnot ok 3 ns.uts.c # ERROR timed out\n' \
	>"$work/run/cell-a/ns.uts.ktap"
"$cli" report "$work/run" -o "$work/rep" --sarif "$work/report.sarif" >/dev/null 2>&1
python3 - "$work/report.sarif" <<'EOF' && ok "report --sarif: one result per failing cell, with the case id and the reason" || not_ok "report --sarif contents"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
res = {(x["ruleId"], x["message"]["text"]) for x in r["results"]}
assert res == {("ns.uts.b", "fail on cell-a: uts.c:12: expected EPERM, got 0"), ("ns.uts.c", "error on cell-a: timed out")}, res
assert r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "suites/ns/uts.c"
EOF
mtver=5.7.0
mtdir=${XDG_CACHE_HOME:-$HOME/.cache}/blastradius/npm
mt=$mtdir/node_modules/.bin/sarif-multitool
if [ ! -x "$mt" ] || ! grep -q "\"version\": \"$mtver\"" "$mtdir/node_modules/@microsoft/sarif-multitool/package.json" 2>/dev/null; then
	sh "$top/runners/deps.sh" npm:/usr/bin/npm >"$work/npm.log" 2>&1
	mkdir -p "$mtdir" && npm install --no-audit --no-fund --prefix "$mtdir" "@microsoft/sarif-multitool@$mtver" >>"$work/npm.log" 2>&1
fi
# validate FILE: the number of errors the multitool reports.
validate() {
	rm -f "$work/v.sarif"
	"$mt" validate "$1" -o "$work/v.sarif" >"$work/v.log" 2>&1 &&
		python3 -c 'import json, sys
print(sum(1 for r in json.load(open(sys.argv[1]))["runs"][0].get("results", []) if r.get("level", "warning") == "error"))' "$work/v.sarif"
}
if [ -x "$mt" ]; then
	echo '{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"message":{}}]}]}' >"$work/bad.sarif"
	n=$(validate "$work/bad.sarif")
	[ "${n:-0}" -gt 0 ] && ok "control: the multitool finds $n errors in a broken SARIF log" ||
		not_ok "multitool control" "$n" "$(tail -5 "$work/v.log")"
	n=$(validate "$work/report.sarif")
	[ "$n" = 0 ] && ok "report --sarif: sarif-multitool $mtver validate, 0 errors" ||
		not_ok "report --sarif validates" "errors: $n" "$(grep -i error "$work/v.log" | head -5)"
	if [ -s "$work/assess.sarif" ]; then
		n=$(validate "$work/assess.sarif")
		[ "$n" = 0 ] && python3 - "$work/assess.sarif" <<-'EOF' && ok "assess --sarif: sarif-multitool $mtver validate, 0 errors; findings as results with rule ids, help and levels" ||
			import json, sys
			r = json.load(open(sys.argv[1]))["runs"][0]
			rules = {x["id"]: x for x in r["tool"]["driver"]["rules"]}
			res = [x for x in r["results"] if x["ruleId"] == "host-root-sysctl"]
			assert res and res[0]["level"] == "error" and rules["host-root-sysctl"]["help"]["text"]
			assert rules["host-root-sysctl"]["properties"]["security-severity"] == "9.5"
		EOF
			not_ok "assess --sarif validates" "errors: $n" "$(grep -i error "$work/v.log" | head -5)"
	else
		skip "assess --sarif validates" "no bwrap run"
	fi
else
	not_ok "SARIF multitool" "cannot install @microsoft/sarif-multitool@$mtver with npm into $mtdir:" "$(tail -3 "$work/npm.log")"
fi
done_testing
