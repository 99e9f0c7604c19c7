#!/usr/bin/env bash
# `blastradius assess` against real sandboxes: unshare -r, bubblewrap,
# firejail, runc (a rootfs holding only our static probe) and the strict
# agent profile run by `blastradius sandbox`. Each matching claims file in
# fixtures/claims/ must hold (exit 0), a wrong one must fail naming the claim
# (exit 1), bad input exits 2 with file:line, and the evidence bundle verifies.
. "$(dirname "$0")/tap.sh"
# Diagnostics: every line commented, so KTAP in them cannot confuse prove.
diag() { printf '%s\n' "$@" | tail -20 | sed 's/^/# /'; }
cli=$BUILD/blastradius
# BR_PROBE (honoured by assess too): a static probe for a build that has none (make sanitize).
probe=${BR_PROBE:-$BUILD/blastradius-probe}
claims=$top/fixtures/claims
# Outside /tmp: the strict-agent profile pivots into a tmpfs mounted on /tmp.
work=$(mktemp -d /var/tmp/br-assess.XXXXXX)
# firejail hides /tmp (--private-tmp) and refuses programs under /var/tmp, so
# its probe comes from /run, wherever the checkout lives.
fjdir=$(mktemp -d /run/br-assess.XXXXXX)
daemon_pid=
at_exit 'rm -rf "$work" "$fjdir"; [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null'
chmod 755 "$work"
root=false
[ "$(id -u)" = 0 ] && root=true

# Debian packages for the runtimes (installed when root, else skipped).
if $root; then
	sh "$top/runners/deps.sh" bubblewrap:/usr/bin/bwrap firejail:/usr/bin/firejail \
		runc:/usr/sbin/runc util-linux:/usr/bin/unshare >/dev/null 2>&1
fi
have() { command -v "$1" >/dev/null 2>&1; }
# Can this machine start the sandbox at all? (user namespaces may be off.)
starts() { "$@" /bin/true >/dev/null 2>&1; }

# A copy of the CLI and probe every uid can run, and a writable /workspace.
mkdir -p "$work/bin" "$work/ws" "$work/bundles"
cp "$cli" "$probe" "$work/bin/"
chmod -R a+rX "$work/bin"
# ... where the sandboxes below can reach it (they bind $work/bin).
[ -n "${BR_PROBE:-}" ] && export BR_PROBE="$work/bin/blastradius-probe" && probe=$BR_PROBE
chmod 777 "$work/ws" "$work/bundles"
{
	cat "$top/fixtures/profiles/strict-agent.profile"
	for d in "$work/bin" "$BUILD"; do
		echo "bind = $d"
		echo "landlock.allow = $d read_file,execute"
	done
	echo "bind.rw = $work/ws /workspace"
	echo "landlock.allow = /workspace read_file,read_dir,write_file,make_reg,remove_file"
} >"$work/strict-agent.profile"

# A runc bundle: `runc spec` and a rootfs holding only the static probe.
runc_bundle() {
	mkdir -p "$work/runc/rootfs" && cp "$probe" "$work/runc/rootfs/" &&
		(cd "$work/runc" && runc spec) &&
		python3 - "$work/runc/config.json" <<-'EOF'
			import json, sys
			c = json.load(open(sys.argv[1]))
			c["process"]["args"] = ["/blastradius-probe"]
			c["process"]["terminal"] = False
			json.dump(c, open(sys.argv[1], "w"))
		EOF
}

bwrap_all=(bwrap --unshare-all --cap-drop ALL --ro-bind / / --proc /proc --dev /dev)
firejail_cmd=(firejail --quiet --noprofile --seccomp --caps.drop=all --nonewprivs --net=none --private-tmp)

# ---- the probe binary ----
file "$probe" | grep -q 'statically linked' && ok "probe is a static binary (file)" ||
	not_ok "probe is static" "$(file "$probe")"
if have bwrap && starts bwrap --ro-bind / / --dev /dev --proc /proc; then
	check "probe runs inside bwrap" sh -c "bwrap --ro-bind / / --dev /dev --proc /proc '$probe' | grep -qx end"
else
	skip "probe runs inside bwrap" "bubblewrap not installed or cannot start here"
fi
if starts unshare -Ur; then
	check "probe runs inside unshare -Ur" sh -c "unshare -Ur '$probe' | grep -qx end"
else
	skip "probe runs inside unshare -Ur" "unshare -Ur cannot create a user namespace here"
fi

# ---- without CMD, and the claims keys ----
out=$("$cli" assess 2>&1)
[ $? = 0 ] && grep -q '^1\.\.0$' <<<"$out" && grep -q '^# Breach containment:' <<<"$out" &&
	ok "assess without claims probes here and exits 0" || not_ok "assess without claims" "$(diag "$out")"
if $root; then
	out=$(nobody "$work/bin/blastradius" assess 2>&1)
	[ $? = 0 ] && ok "assess without claims works as uid 65534" || not_ok "assess as 65534" "$(diag "$out")"
else
	skip "assess as uid 65534" "needs root to drop privileges"
fi
missing=$("$cli" assess --keys | grep -o '^| `[^`]*` |' | while read -r row; do
	grep -qF "$row" "$top/README.md" || echo "$row"; done)
[ -z "$missing" ] && ok "every claims key has a README row" || not_ok "README claims keys" "$missing"

# ---- bad input: exit 2 with file:line ----
bad() { # content, expected message
	printf '%s\n' "$1" >"$work/bad.claims"
	out=$("$cli" assess --claims "$work/bad.claims" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && grep -qF "$work/bad.claims:$2" <<<"$out" && ok "bad claims exit 2: $2" ||
		not_ok "bad claims: $2" "$(diag "exit $rc: $out")"
}
bad 'ns.foo = isolated' "1: unknown key 'ns.foo'"
bad $'# c\nns.net => isolated' "2: ns.net: expected operator '=', got '=>'"
bad 'caps.bounding = cap_nope' "1: caps.bounding: expected 'none', 'all' or capability names"
bad 'seccomp.deny = mount nosuchcall' "1: seccomp.deny: expected syscall names that blastradius probes"
"$cli" assess --claims "$work/absent.claims" >/dev/null 2>&1
[ $? = 2 ] && ok "missing claims file exits 2" || not_ok "missing claims file exits 2"
"$cli" assess nonsense >/dev/null 2>&1
[ $? = 2 ] && ok "a stray argument exits 2" || not_ok "a stray argument exits 2"

# ---- real runtimes against their claims ----
# run NAME AS(root|nobody) [assess options --] CMD...
assess_ok() {
	local name=$1 as=$2 outdir=$work/bundles/$1-$2 bin=$cli
	shift 2
	# uid 65534 runs the copy it can reach; firejail refuses programs under /var/tmp.
	[ "$as" = nobody ] && bin=$work/bin/blastradius
	local run=("$bin" assess --claims "$claims/$name.claims" --out "$outdir" "$@")
	# A runtime this machine cannot start (no user namespaces, a container
	# host's own filter) is a skip with its error, not a failed claim.
	local launch=() seen=false why
	for a in "$@"; do
		$seen && { [ "$a" = "{}" ] && launch+=(/bin/true) || launch+=("$a"); }
		[ "$a" = -- ] && seen=true
	done
	if [ "${1:-}" != --no-probe-arg ]; then
		[[ " ${launch[*]} " == *" /bin/true "* ]] || launch+=(/bin/true)
		if [ "$as" = nobody ]; then
			why=$(nobody "${launch[@]}" 2>&1 >/dev/null)
		else
			why=$("${launch[@]}" 2>&1 >/dev/null)
		fi
		if [ $? != 0 ]; then
			skip "$name as $as" "cannot start ${launch[0]} here: $(head -1 <<<"$why")"
			skip "$name as $as: bundle" "runtime did not start"
			return
		fi
	fi
	if [ "$as" = nobody ]; then
		out=$(nobody "${run[@]}" 2>&1)
	else
		out=$("${run[@]}" 2>&1)
	fi
	rc=$?
	if [ "$rc" != 0 ]; then
		not_ok "$name as $as: every claim holds" "$(diag "exit $rc" "$(grep -E '^(not ok|# FAIL|blastradius)' <<<"$out" | head -8)")"
		return
	fi
	ok "$name as $as: every claim holds ($(grep -c '^ok ' <<<"$out") cases, $(grep -c '# SKIP' <<<"$out") not tested)"
	(cd "$outdir" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1 &&
		python3 - "$outdir" <<-'EOF' && ok "$name as $as: bundle verifies (sha256sum -c, manifest)" ||
			import hashlib, json, os, sys
			d = sys.argv[1]
			m = json.load(open(os.path.join(d, "manifest.json")))
			for name, digest in m["files"].items():
			    assert hashlib.sha256(open(os.path.join(d, name), "rb").read()).hexdigest() == digest, name
			for k in ("assess.ktap", "facts.json", "observations.json", "report.html", "claims.txt", "blastradius-probe"):
			    assert k in m["files"], k
			assert m["probe"]["sha256"] == m["files"]["blastradius-probe"]
			assert m["claims"]["sha256"] == m["files"]["claims.txt"]
			assert m["kernel"]["release"] and "cmdline" in m["kernel"] and m["time"] and m["command"]
			json.load(open(os.path.join(d, "facts.json")))["kernel.release"]
			assert json.load(open(os.path.join(d, "observations.json")))["inside"]
			html = open(os.path.join(d, "report.html")).read()
			for f in ("report.html", "assess.ktap"):
			    assert "(null)" not in open(os.path.join(d, f)).read(), f
			assert "<h2>Findings</h2>" in html
			for area in ("Namespace isolation", "Seccomp-BPF filters", "Capabilities management",
			             "Landlock integration", "Breach containment"):
			    assert "<h2>%s</h2>" % area in html, area
		EOF
		not_ok "$name as $as: bundle verifies" "$(diag "$(cd "$outdir" && sha256sum -c SHA256SUMS 2>&1 | tail -3)")"
}

if $root; then as_list="root nobody"; else as_list="uid$(id -u)"; fi
for as in $as_list; do
	assess_ok unshare-r "$as" -- unshare -r
	assess_ok unshare-all "$as" -- unshare --user --map-root-user --pid --fork --mount-proc \
		--net --ipc --uts --mount --cgroup
	if [ "$as" = root ]; then
		assess_ok setpriv-nobody root -- setpriv --no-new-privs --bounding-set=-all \
			--inh-caps=-all --ambient-caps=-all --reuid=65534 --regid=65534 --clear-groups --
	else
		skip "setpriv-nobody as $as" "dropping the bounding set needs CAP_SETPCAP: run as root"
	fi
	if have bwrap; then
		assess_ok bwrap-unshare-all "$as" -- "${bwrap_all[@]}"
	else
		skip "bwrap-unshare-all as $as" "bubblewrap not installed (Debian: bubblewrap)"
	fi
	assess_ok strict-agent "$as" -- "$cli" sandbox "$work/strict-agent.profile" -- {}
	if [ "$as" = root ] && have firejail; then
		cp "$probe" "$fjdir/"
		assess_ok firejail root --probe "$fjdir/blastradius-probe" -- "${firejail_cmd[@]}"
	elif [ "$as" = root ]; then
		skip "firejail as root" "firejail not installed (Debian: firejail)"
	else
		skip "firejail as $as" "Debian's firejail.users admits no other user by default"
	fi
	if [ "$as" = root ] && have runc && runc_bundle; then
		assess_ok runc-default root --no-probe-arg -- runc run --bundle "$work/runc" "br-assess-$$"
	elif [ "$as" = root ]; then
		skip "runc as root" "runc not installed (Debian: runc)"
	else
		skip "runc as $as" "rootless runc needs a delegated cgroup; run as root"
	fi
done

# ---- host processes: the outside's /proc, or an intermediate namespace's ----
printf 'host.pids = hidden\n' >"$work/hidden.claims"
if starts unshare -r --pid --fork --mount-proc; then
	out=$("$cli" assess --claims "$work/hidden.claims" -- unshare -r --pid --fork 2>&1)
	[ $? = 1 ] && grep -q 'outside.s pid namespace' <<<"$out" &&
		ok "a new pid namespace under the host's /proc: host processes visible" ||
		not_ok "host /proc visible" "$(diag "$out")"
	out=$("$cli" assess --claims "$work/hidden.claims" -- unshare -r --pid --fork --mount-proc \
		unshare --pid --fork 2>&1)
	[ $? = 0 ] && grep -q '^#   cannot see the host.s processes; sees an intermediate pid namespace.*(unshare)' <<<"$out" &&
		ok "a launcher's own pid namespace is named intermediate, with its processes, not the host's" ||
		not_ok "intermediate pid namespace" "$(diag "$out")"
else
	skip "host /proc visible" "unshare -r --pid cannot start here"
	skip "intermediate pid namespace" "unshare -r --pid cannot start here"
fi

# ---- the shipped profile, unmodified: assess binds the probe in itself ----
printf 'nnp = on\nns.net = isolated\nseccomp.mode = filter\nlandlock = enforced\n' >"$work/shipped.claims"
if starts "$cli" sandbox "$top/fixtures/profiles/strict-agent.profile" --; then
	out=$("$cli" assess --claims "$work/shipped.claims" -- "$cli" sandbox \
		"$top/fixtures/profiles/strict-agent.profile" -- {} 2>&1)
	[ $? = 0 ] && [ "$(grep -c '^ok [0-9]* [^ ]*$' <<<"$out")" = 4 ] &&
		ok "assess -- blastradius sandbox strict-agent.profile: the probe is bound in, every claim holds" ||
		not_ok "shipped strict-agent profile" "$(diag "$out")"
else
	skip "shipped strict-agent profile" "the strict-agent profile cannot start here"
fi

# ---- a sandbox that kills the probe at its first fork ----
{
	grep -v '^seccomp' "$top/fixtures/profiles/strict-agent.profile"
	for d in "$work/bin" "$BUILD"; do
		echo "bind = $d"
		echo "landlock.allow = $d read_file,execute"
	done
	echo "seccomp.deny = clone clone3 fork vfork"
} >"$work/nofork.profile"
printf 'nnp = on\nns.net = isolated\nfhandle = denied\n' >"$work/nofork.claims"
if starts "$cli" sandbox "$work/nofork.profile" --; then
	out=$("$cli" assess --claims "$work/nofork.claims" -- "$cli" sandbox "$work/nofork.profile" -- {} 2>&1)
	rc=$?
	[ "$rc" = 3 ] && grep -q '^# INCOMPLETE evidence: the probe stopped (killed by signal 31 (SIGSYS)).*fork: .*leaves no fork' <<<"$out" &&
		grep -q '^ok 2 assess.namespaces.ns.net # SKIP not tested' <<<"$out" &&
		grep -q '^ok 3 assess.breach.fhandle # SKIP not tested' <<<"$out" &&
		! grep -E '^#   (CAN|cannot|HOLDS|holds)' <<<"$out" &&
		ok "no fork: exit 3, INCOMPLETE names the fork and SIGSYS, every claim not tested, no summary sentence" ||
		not_ok "probe killed part-way" "$(diag "exit $rc" "$out")"
else
	skip "probe killed part-way" "the sandbox profile cannot start here"
fi

# ---- known-bad launchers: each flaw flagged, its fixed twin passes ----
# tests/flawed applies one flawed layer (or, with --fixed, the same layer
# done right) and execs the probe; fixtures/claims/flawed-CLASS.claims is
# what its vendor would claim. want: the flawed run's exit and a line it
# must print (the claim it names, or INCOMPLETE).
flawed=$BUILD/tests/flawed
ia32=$("$cli" facts | sed -n 's/^ia32=//p')
known_bad() { # class, flawed exit, expected line, [skip reason]
	local c=$1 want=$2 line=$3 f=$claims/flawed-$1.claims
	if [ -n "${4:-}" ]; then
		skip "flawed $c: flagged" "$4"
		skip "flawed $c --fixed: passes" "$4"
		return
	fi
	out=$("$cli" assess --claims "$f" -- "$flawed" "$c" -- {} 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && grep -qE -- "$line" <<<"$out" &&
		ok "flawed $c: exit $want, $(grep -oE -- "$line" <<<"$out" | head -1 | cut -c1-60)" ||
		not_ok "flawed $c: flagged" "$(diag "exit $rc, wanted $want" "$out")"
	out=$("$cli" assess --claims "$f" -- "$flawed" "$c" --fixed -- {} 2>&1)
	rc=$?
	[ "$rc" = 0 ] && ! grep -q '# SKIP' <<<"$out" && ! grep -q INCOMPLETE <<<"$out" &&
		ok "flawed $c --fixed: every claim holds on complete evidence" ||
		not_ok "flawed $c --fixed: passes" "$(diag "exit $rc" "$out")"
}
known_bad allowlist 1 '^not ok 3 assess.seccomp.seccomp.denied_by$'
known_bad bare 3 '^# INCOMPLETE evidence: the probe.s identity section was killed\(SIGSYS\) at its attempt: stat '
known_bad trap 1 '^not ok 2 assess.seccomp.seccomp.deny$'
known_bad uring 1 'socket: IORING_OP_SOCKET.* works through io_uring'
known_bad abi 1 'open_by_handle_at ia32: allowed' \
	"$([ "$ia32" = enabled ] || echo "ia32=$ia32: int \$0x80 does not run on this kernel (the QEMU matrix has kernels where it does)")"
llabi=$("$cli" facts | sed -n 's/^landlock.abi=//p')
known_bad landlock 1 'ioctl_dev: allowed' \
	"$([ "${llabi:-0}" -ge 6 ] 2>/dev/null || echo "Landlock ABI ${llabi:-none} here: the claimed rights need ABI 6 (the QEMU matrix has such kernels)")"
known_bad procsys 1 '^not ok 3 assess.breach.procsys.global$' \
	"$($root || echo "needs root to stay the host's uid 0")"
known_bad netsysctl 1 '^not ok 2 assess.breach.procsys.global$' \
	"$($root || echo "needs root to stay the host's uid 0")"
known_bad setgroups 1 '^not ok 2 assess.namespaces.setgroups$' \
	"$($root || echo "needs root to write another process's gid_map")"
# The flawed allow-list's report says the trap is catchable, in plain words.
out=$("$cli" assess -- "$flawed" allowlist -- {} 2>&1)
grep -q '^#   CAN catch the SIGSYS of a denied call and carry on' <<<"$out" &&
	grep -q '^#   default action for a call no rule names: trap' <<<"$out" &&
	ok "TRAP default: told apart from KILL in the summary" ||
	not_ok "TRAP default told apart" "$(diag "$out")"
out=$("$cli" assess -- "$flawed" allowlist --fixed -- {} 2>&1)
grep -q '^#   default action for a call no rule names: kill' <<<"$out" &&
	ok "KILL default: reported as kill" || not_ok "KILL default reported" "$(diag "$out")"
# --strict: what is not tested fails.
out=$("$cli" assess --strict --claims "$claims/flawed-bare.claims" -- "$flawed" bare -- {} 2>&1)
[ $? = 1 ] && grep -q 'not tested, --strict' <<<"$out" && ok "--strict: an untested claim fails (exit 1)" ||
	not_ok "--strict" "$(diag "$out")"
# A pty relay's CRLF records parse (what systemd-nspawn prints).
printf 'nnp = off\n' >"$work/crlf.claims"
out=$("$cli" assess --claims "$work/crlf.claims" -- sh -c '"$@" | sed "s/\$/\r/"' sh {} 2>&1)
[ $? = 0 ] && grep -q '^ok 1 assess.capabilities.nnp$' <<<"$out" && ok "CRLF records are read" ||
	not_ok "CRLF records" "$(diag "$out")"
# No report: exit 3, and the error names the probe path actually given.
out=$("$cli" assess --claims "$work/crlf.claims" -- true 2>&1)
[ $? = 3 ] && grep -q "^# INCOMPLETE evidence: no probe report at all .*probe path given to CMD: $probe" <<<"$out" &&
	ok "no report at all: exit 3, names the probe path given" || not_ok "no report" "$(diag "$out")"
out=$("$cli" assess --no-probe-arg --claims "$work/crlf.claims" -- true 2>&1)
[ $? = 3 ] && grep -q "the probe CMD starts never wrote its header" <<<"$out" && ! grep -q "$probe" <<<"$out" &&
	ok "--no-probe-arg and no report: names CMD's probe, not ours" || not_ok "no report, --no-probe-arg" "$(diag "$out")"

# ---- claim logic against synthetic records (a stand-in probe) ----
# The stand-in prints the outside's records, or the inside's when CMD set
# BR_FAKE_INSIDE: each case pins one classification rule.
cat >"$work/fake-probe" <<'EOF'
#!/bin/sh
t=$(printf '\t')
rec() { printf 'O%s%s%s%s%s%s%sdetail\n' "$t" "$1" "$t" "$2" "$t" "$3" "$t"; }
echo "blastradius-probe 1"
printf 'F%scap_last_cap%s40\n' "$t" "$t"
# Every section ran to its end (S records), or no claim could pass.
for s in identity creds facts seccomp.default syscalls crossings io_uring fhandle fs landlock procsys \
	sockets tiocsti; do printf 'S%s%s\n' "$t" "$s"; done
if [ -n "$BR_FAKE_INSIDE" ]; then
	rec syscall.mount.native 'killed(SIGSYS)' seccomp-kill
	rec syscall.mount.x32 unsupported abi-off
	rec syscall.mount.ia32 'killed(SIGSYS)' seccomp-kill
	rec syscall.bpf.native unsupported kernel-or-seccomp
	rec syscall.bpf.x32 unsupported abi-off
	rec syscall.bpf.ia32 'trapped(nr=357 arch=i386)' seccomp-trap
	rec syscall.reboot.native 'denied(EPERM)' capability-or-seccomp
	rec syscall.keyctl.native 'denied(EPERM)' seccomp-errno
	rec syscall.keyctl.ia32 allowed none
	rec fs.write./workspace allowed none
	rec fs.write./tmp allowed none
	rec fs.write./workspace2 allowed none
	rec nnp on none
	rec seccomp.mode filter none
	rec uid_map '0 100000 1;1 200000 1000' none
	rec landlock none none
	rec caps.bounding 0x0000000000002000 none
	rec caps.effective 0x000001ffffffffff none
else
	rec syscall.bpf.native allowed none
fi
echo end
EOF
chmod 755 "$work/fake-probe"
logic() { # expected exit, claim line, what, [expected output]
	printf '%s\n' "$2" >"$work/logic.claims"
	out=$("$cli" assess --probe "$work/fake-probe" --claims "$work/logic.claims" -- \
		env BR_FAKE_INSIDE=1 {} 2>&1)
	rc=$?
	# A pass must be a pass, not a skip, unless the skip is what is expected.
	[ "$rc" = "$1" ] && grep -qF -- "${4:-}" <<<"$out" &&
		{ [ -n "${4:-}" ] || [ "$1" != 0 ] || ! grep -q '# SKIP' <<<"$out"; } && ok "claim logic: $3" ||
		not_ok "claim logic: $3" "$(diag "exit $rc, wanted $1" "$out")"
}
logic 0 'seccomp.deny = mount' "killed on native and ia32, x32 absent: seccomp denies"
logic 1 'seccomp.deny = bpf' "a trap on ia32 is not a denial: a SIGSYS handler can catch it" \
	'bpf ia32: trapped'
logic 0 $'seccomp.deny = bpf\nseccomp.denied_by = kill trap errno' \
	"ENOSYS inside but implemented outside, and a trap the claims accept: seccomp denies"
logic 1 'seccomp.denied_by = kill errno' "a trap where the claims allow only kill and errno fails" \
	'syscall.bpf.ia32: trapped'
logic 2 'seccomp.denied_by = kill nope' "an unknown action is bad input"
logic 0 'seccomp.deny = reboot' "EPERM before any argument check: not tested, never a pass" \
	'# SKIP not tested: reboot native: denied(EPERM) (EPERM before any argument check'
logic 1 'seccomp.deny = keyctl' "keyctl through int 0x80 gets past the filter: fails" \
	'keyctl ia32: allowed'
logic 1 'landlock.write = /workspace' "a write outside the claimed path fails the claim" \
	'/tmp is writable too'
logic 1 'landlock.write = /workspace /tmp' "a sibling path (/workspace2) is not under /workspace" \
	'/workspace2 is writable too'
logic 0 'landlock.write = /workspace /workspace2 /tmp' "every writable place claimed: holds"
logic 0 'seccomp.mode != disabled' "!= on seccomp.mode holds for another mode"
logic 1 'seccomp.mode != filter' "!= on seccomp.mode fails on the same mode" 'seccomp.mode != filter'
logic 0 'nnp != off' "!= on nnp holds for the other value"
logic 1 'nnp != on' "!= on nnp fails on the same value" 'nnp != on'
logic 1 'nnp = off' "= on nnp fails on the other value" 'nnp = off'
logic 0 'uid_map.root = mapped' "root inside mapped to 100000 is 'mapped'"
logic 1 'uid_map.root = host' "root inside mapped to 100000 is not 'host'" 'uid_map.root = host'
logic 0 'caps.bounding <= cap_net_raw cap_chown' "a subset of the claimed caps holds"
logic 1 'caps.bounding = cap_chown' "a different exact set fails"
logic 0 'caps.effective = all' "all means every cap up to cap_last_cap"
logic 2 'caps.effective = cap_sys_admin cap_nosuch' "an unknown cap is bad input"

# ---- the real probe where the bounding set differs from the permitted one ----
# uid 65534 with no capabilities keeps the full bounding set: a probe that
# reads one set for the other fails here.
bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
if $root && (( (0x$bnd & 0xa1) == 0xa1 )); then
	printf 'caps.permitted = none\ncaps.effective = none\ncaps.bounding >= cap_chown cap_kill cap_setuid\nnnp != on\nseccomp.mode != filter\n' \
		>"$work/bnd.claims"
	chmod 644 "$work/bnd.claims"
	out=$(nobody "$work/bin/blastradius" assess --claims "$work/bnd.claims" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ "$(grep -c '^ok ' <<<"$out")" = 5 ] && ! grep -q '# SKIP' <<<"$out" &&
		ok "uid 65534: permitted none, bounding all, nnp and seccomp.mode != hold (real probe)" ||
		not_ok "bounding differs from permitted" "$(diag "exit $rc" "$out")"
	printf 'caps.bounding = none\n' >"$work/bnd-wrong.claims"
	chmod 644 "$work/bnd-wrong.claims"
	out=$(nobody "$work/bin/blastradius" assess --claims "$work/bnd-wrong.claims" 2>&1)
	[ $? = 1 ] && ok "uid 65534: claiming its bounding set empty fails" ||
		not_ok "bounding none must fail" "$(diag "$out")"
else
	skip "bounding differs from permitted" "needs root (to run the probe as uid 65534) with chown, kill, setuid in its bounding set"
	skip "bounding none must fail" "needs root"
fi

# ---- a wrong claim fails, naming it ----
if starts unshare -r; then
	out=$("$cli" assess --claims "$claims/wrong-unshare-r.claims" -- unshare -r 2>&1)
	rc=$?
	[ "$rc" = 1 ] && grep -q "wrong-unshare-r.claims:3: ns.net = isolated" <<<"$out" &&
		grep -q '^not ok 2 assess.namespaces.ns.net$' <<<"$out" && grep -q '^ok 1 ' <<<"$out" &&
		ok "wrong claim (ns.net = isolated under unshare -r) exits 1 naming it" ||
		not_ok "wrong claim exits 1 naming it" "$(diag "exit $rc" "$out")"
else
	skip "wrong claim exits 1 naming it" "unshare -r cannot create a user namespace here"
fi

# ---- the plain summary says what was measured, both ways ----
if starts unshare -r && starts "$cli" sandbox "$work/strict-agent.profile" --; then
	a=$("$cli" assess -- unshare -r 2>&1)
	b=$("$cli" assess -- "$cli" sandbox "$work/strict-agent.profile" -- {} 2>&1)
	grep -qx "#   CAN see the host's processes" <<<"$a" && grep -qx "#   cannot see the host's processes" <<<"$b" &&
		grep -qx '#   holds no capabilities in effect' <<<"$b" && grep -q '^#   HOLDS capabilities in effect: ' <<<"$a" &&
		ok "summary: unshare -r CAN see host processes and holds caps; the strict agent cannot and holds none" ||
		not_ok "summary lines" "$(diag "$(grep -A8 'In short' <<<"$a")" "$(grep -A8 'In short' <<<"$b")")"
else
	skip "summary lines" "unshare -r or the strict-agent profile cannot start here"
fi

# ---- a daemon socket: reachable through a bind of /, not from a tmpfs root ----
sock=$work/daemon.sock
coproc DAEMON { exec python3 -u -c '
import signal, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(64)
print("ready")
while True:
    s.accept()[0].close()
' "$sock"; }
daemon_pid=$DAEMON_PID
read -r _ <&"${DAEMON[0]}"
chmod 777 "$sock"
printf 'sockets = reachable\n' >"$work/reach.claims"
printf 'sockets = unreachable\n' >"$work/noreach.claims"
if have bwrap && starts "${bwrap_all[@]}"; then
	out=$("$cli" assess --socket "$sock" --claims "$work/reach.claims" -- "${bwrap_all[@]}" 2>&1)
	[ $? = 0 ] && grep -q "connected: $sock" <<<"$out" &&
		ok "bwrap --unshare-all: a daemon's pathname socket stays reachable through --ro-bind / /" ||
		not_ok "bwrap reaches the daemon socket" "$(diag "$out")"
else
	skip "bwrap reaches the daemon socket" "bubblewrap not installed"
fi
if starts "$cli" sandbox "$work/strict-agent.profile" --; then
	out=$("$work/bin/blastradius" assess --socket "$sock" --claims "$work/noreach.claims" -- \
		"$work/bin/blastradius" sandbox "$work/strict-agent.profile" -- {} 2>&1)
	[ $? = 0 ] && ok "strict agent: the same socket is unreachable from its tmpfs root" ||
		not_ok "strict agent: socket unreachable" "$(diag "$out")"
else
	skip "strict agent: socket unreachable" "the strict-agent profile cannot start here"
fi
if starts unshare -r; then
	out=$("$cli" assess --socket "$sock" --claims "$work/noreach.claims" -- unshare -r 2>&1)
	[ $? = 1 ] && grep -q "sockets = unreachable" <<<"$out" &&
		ok "unshare -r: claiming the socket unreachable fails" ||
		not_ok "unshare -r socket claim fails" "$(diag "$out")"
else
	skip "unshare -r socket claim fails" "unshare -r cannot create a user namespace here"
fi

# ---- an abstract unix socket: reachable in a shared network namespace ----
abs=br-assess-$$
kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
daemon_pid=
coproc ABSTRACT { exec python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("\0" + sys.argv[1]); s.listen(64)
print("ready")
while True:
    s.accept()[0].close()
' "$abs"; }
abstract_pid=$ABSTRACT_PID
daemon_pid=$abstract_pid
read -r _ <&"${ABSTRACT[0]}"
if starts unshare -r; then
	out=$("$cli" assess --socket "@$abs" --claims "$work/noreach.claims" -- unshare -r 2>&1)
	[ $? = 1 ] && grep -q "connected: .*@$abs" <<<"$out" &&
		ok "--socket @name: an abstract socket in a shared network namespace is reachable" ||
		not_ok "--socket @name reachable" "$(diag "$out")"
	out=$("$cli" assess --claims "$work/noreach.claims" -- unshare -r 2>&1)
	grep -q "connected: .*@$abs" <<<"$out" &&
		ok "without --socket: the outside's listening abstract socket is tried inside" ||
		not_ok "abstract socket from /proc/net/unix" "$(diag "$out")"
	out=$("$cli" assess --socket "@$abs" --out "$work/bundles/abstract" --claims "$work/noreach.claims" \
		-- unshare -rn 2>&1)
	python3 - "$work/bundles/abstract/observations.json" "@$abs" <<-'EOF' &&
		import json, sys
		o = json.load(open(sys.argv[1]))
		r = [x for x in o["inside"] if x["key"] == "socket." + sys.argv[2]]
		assert r and r[0]["value"] == "denied(ECONNREFUSED)", r
		assert [x for x in o["outside"] if x["key"] == "socket." + sys.argv[2] and x["value"] == "allowed"]
	EOF
		ok "unshare -rn: the same abstract socket is refused inside, live outside" ||
		not_ok "abstract socket in a new network namespace" "$(diag "$out")"
else
	skip "--socket @name reachable" "unshare -r cannot create a user namespace here"
	skip "abstract socket from /proc/net/unix" "unshare -r cannot create a user namespace here"
	skip "abstract socket in a new network namespace" "unshare -r cannot create a user namespace here"
fi
kill "$abstract_pid" 2>/dev/null

# ---- TIOCSTI through a terminal (script(1) gives us one) ----
# Unprivileged: CAP_SYS_ADMIN in the init namespace passes every TIOCSTI check.
legacy=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)
[ "$legacy" = 0 ] && expect=denied || expect=allowed
printf 'tiocsti = %s\n' "$expect" >"$work/tiocsti-same.claims"
printf 'tiocsti = denied\n' >"$work/tiocsti-denied.claims"
chmod 644 "$work"/*.claims
user=()
$root && user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# tiocsti DESC CLAIMS GREP CMD...: assess in a terminal (script(1)) as the
# unprivileged user, CMD launching the probe; GREP must match too.
tiocsti() {
	local desc=$1 claims=$2 want=$3
	shift 3
	out=$(script -qec "$(printf '%q ' "${user[@]}" "$work/bin/blastradius" assess --claims \
		"$work/$claims" -- "$@")" /dev/null | tr -d '\r')
	# -x: a SKIP ("ok 1 ... # SKIP", the probe measured nothing) is no pass.
	grep -qx 'ok 1 assess.breach.tiocsti' <<<"$out" && grep -q "$want" <<<"$out" && ok "$desc" ||
		not_ok "$desc" "$(diag "$out")"
}
if have script && have bwrap && starts "${user[@]}" bwrap --ro-bind / / --dev /dev --proc /proc; then
	tiocsti "bwrap sharing the session: TIOCSTI $expect (legacy_tiocsti=$legacy)" tiocsti-same.claims . \
		bwrap --ro-bind / / --dev /dev --proc /proc
	tiocsti "bwrap --new-session: TIOCSTI on the inherited terminal is denied (CVE-2017-5226)" \
		tiocsti-denied.claims 'not-ctty\|sysctl' bwrap --new-session --ro-bind / / --dev /dev --proc /proc
else
	skip "TIOCSTI through a terminal" "needs script(1) (util-linux) and bwrap"
	skip "TIOCSTI with --new-session" "needs script(1) (util-linux) and bwrap"
fi
# The same two behaviours with nothing optional: env shares the session,
# setsid(1) (util-linux) starts a new one, as --new-session does.
if have script && have setsid; then
	tiocsti "no sandbox, same session: TIOCSTI $expect (legacy_tiocsti=$legacy)" tiocsti-same.claims . env {}
	tiocsti "setsid: TIOCSTI on the inherited terminal is denied" tiocsti-denied.claims 'not-ctty\|sysctl' \
		setsid -w {}
else
	skip "TIOCSTI, same session" "needs script(1) and setsid(1) (util-linux)"
	skip "TIOCSTI with setsid" "needs script(1) and setsid(1) (util-linux)"
fi

done_testing
