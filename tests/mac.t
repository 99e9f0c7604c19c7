#!/usr/bin/env bash
# assess and the MAC layer: the probe's mac section on this machine (the
# LSM list it reports is the kernel's; "no MAC policy confines this process"
# where none does), inside unshare against outside, and the claims keys
# (mac.apparmor, mac.selinux, mac.label, mac.yama) and findings (mac-none,
# mac-logging, mac-confined, ptrace-scope) pinned by synthetic records. The
# QEMU guests load a real AppArmor profile (suites/mac).
. "$(dirname "$0")/tap.sh"
diag() { printf '%s\n' "$@" | tail -20 | sed 's/^/# /'; }
cli=$BUILD/blastradius
probe=${BR_PROBE:-$BUILD/blastradius-probe}
work=$(mktemp -d "${TMPDIR:-/tmp}/br-mac.XXXXXX")
at_exit 'rm -rf "$work"'
tab=$(printf '\t')

# ---- the probe on this machine ----
recs=$("$probe")
field() { awk -F'\t' -v k="$1" '$1 == "O" && $2 == k { print $3; exit }' <<<"$recs"; }
lsm=$(field mac.lsm)
kernel_lsm=$(cat /sys/kernel/security/lsm 2>/dev/null || "$cli" facts | sed -n 's/^lsm=//p')
grep -qx "S${tab}mac" <<<"$recs" && [ -n "$lsm" ] && [ "$lsm" = "$kernel_lsm" ] &&
	ok "probe: the mac section ran to its end; mac.lsm is the kernel's list ($lsm)" ||
	not_ok "probe mac section" "mac.lsm '$lsm', kernel '$kernel_lsm'" "$(grep 'mac' <<<"$recs")"
only=$("$probe" --section mac)
[ "$(grep -c "^S$tab" <<<"$only")" = 1 ] && grep -qx "S${tab}mac" <<<"$only" && ! grep -q "^D$tab" <<<"$only" &&
	[ "$(grep "^O${tab}mac\." <<<"$only")" = "$(grep "^O${tab}mac\." <<<"$recs")" ] &&
	ok "probe --section mac: that section only, with the same records" ||
	not_ok "probe --section mac" "$(diag "$only")"
has() { case ",$kernel_lsm," in *",$1,"*) return 0 ;; esac; return 1; }
want_aa=absent want_se=disabled want_yama=absent
has apparmor && want_aa=$(sed -n 's/.*(\([a-z]*\))$/\1/p; s/^unconfined$/unconfined/p' /proc/self/attr/apparmor/current)
has selinux && want_se=$([ "$(cat /sys/fs/selinux/enforce 2>/dev/null)" = 1 ] && echo enforcing || echo permissive)
has yama && want_yama=$(cat /proc/sys/kernel/yama/ptrace_scope)
[ "$(field mac.apparmor)" = "$want_aa" ] && [ "$(field mac.selinux)" = "$want_se" ] &&
	[ "$(field mac.yama)" = "$want_yama" ] &&
	ok "probe: mac.apparmor $want_aa, mac.selinux $want_se, mac.yama $want_yama, as /proc and /sys say" ||
	not_ok "probe mac modes" "want $want_aa $want_se $want_yama" "$(grep 'mac\.' <<<"$recs")"
if ! has apparmor && ! has selinux && ! has smack; then
	out=$("$cli" assess 2>&1)
	grep -q '^# finding low mac-none: no MAC policy confines this process (AppArmor is not active; SELinux is not active; active LSMs: ' <<<"$out" &&
		grep -q '^#   runs unconfined by any MAC policy' <<<"$out" && ! grep -q 'mac-confined:' <<<"$out" &&
		ok "assess here: \"no MAC policy confines this process\" (no AppArmor, SELinux or Smack in $lsm)" ||
		not_ok "assess here: mac-none" "$(diag "$(grep -i 'mac' <<<"$out")")"
	printf 'mac.apparmor = absent\nmac.selinux = disabled\n' >"$work/host.claims"
	printf 'mac.apparmor = enforce\n' >"$work/host-wrong.claims"
	"$cli" assess --claims "$work/host.claims" >"$work/out" 2>&1
	rc=$?
	"$cli" assess --claims "$work/host-wrong.claims" >"$work/out2" 2>&1
	rc2=$?
	[ "$rc" = 0 ] && [ "$rc2" = 1 ] && grep -q 'claim does not hold: .*mac.apparmor = enforce (measured absent' "$work/out2" &&
		ok "claims here: mac.apparmor = absent and mac.selinux = disabled hold; mac.apparmor = enforce fails (exit 1)" ||
		not_ok "host claims" "exit $rc" "$(diag "$(cat "$work/out" "$work/out2")")"
else
	skip "assess here: mac-none" "this kernel has a MAC LSM ($lsm): the guests cover both cases"
	skip "host claims" "this kernel has a MAC LSM ($lsm)"
fi
# Inside a user namespace: the same kernel, the same labels as outside.
if unshare -Ur true 2>/dev/null; then
	out=$("$cli" assess --out "$work/bundle" -- unshare -Ur {} 2>&1)
	grep -q '^#   mandatory access control: .*; active LSMs: '"$lsm"'; Yama ptrace_scope ' <<<"$out" &&
		grep -q 'report.html' <<<"$(ls "$work/bundle")" &&
		python3 - "$work/bundle/report.html" <<-'EOF' &&
			import sys
			h = open(sys.argv[1]).read()
			i = h.index("the AppArmor or SELinux profile confining the process: ")
			item = h[i:h.index("</td>", i)]
			assert "not measured" not in item and "<b>" in item and "Yama ptrace_scope" in item, item
			assert "MAC policy confines this process" in item or "confined by" in item, item
		EOF
		ok "assess -- unshare -Ur: the MAC line names the same LSMs; report.html's MAC item is measured" ||
		not_ok "unshare -Ur MAC" "$(diag "$(grep -i 'mac\|LSM' <<<"$out")")"
else
	skip "unshare -Ur MAC" "unshare -Ur cannot create a user namespace here"
fi

# ---- claims and findings against synthetic records (a stand-in probe) ----
# Outside: AppArmor active, the launcher unconfined, Yama 1, the host's pid
# namespace (4:1). BR_FAKE picks
# the inside's records; every section is reported finished unless the set
# says otherwise.
cat >"$work/fake-probe" <<'EOF'
#!/bin/sh
t=$(printf '\t')
rec() { printf 'O%s%s%s%s%s%s%s%s\n' "$t" "$1" "$t" "$2" "$t" "$3" "$t" "${4:-detail}"; }
aa() { rec mac.lsm capability,yama,apparmor none; rec mac.label.apparmor "$1" none
	rec mac.apparmor "$2" none "${3:-profile ${1% (*}}"; rec mac.selinux disabled none
	rec mac.yama "${4:-1}" none; }
se() { rec mac.lsm capability,selinux none; rec mac.label.selinux "$1" none
	rec mac.apparmor absent none; rec mac.selinux "$2" none 'policy version 33'; rec mac.yama absent none; }
echo "blastradius-probe 1"
for s in identity syscalls; do printf 'S%s%s\n' "$t" "$s"; done
[ "$BR_FAKE" = died ] || printf 'S%smac\n' "$t"
case "${BR_FAKE:-${BR_FAKE_OUT:-outside}}" in
outside) aa unconfined unconfined 'no AppArmor profile confines this process' ;;
se-outside) se br_u:br_r:br_unconfined_t enforcing ;;
se-trans) # as suites/mac/assess sees it in br_trans_t: no LSM list, no selinuxfs
	rec mac.lsm unknown probe-error; rec mac.label.selinux br_u:br_r:br_trans_t none
	rec mac.apparmor absent none; rec mac.selinux unknown probe-error 'selinuxfs unreadable'
	rec mac.yama unknown probe-error ;;
enforce) aa 'br-agent (enforce)' enforce; rec ns.pid 4:2 none ;;
complain) aa 'br-agent (complain)' complain; rec ns.pid 4:2 none ;;
same) aa unconfined unconfined 'no AppArmor profile confines this process' 0 ;;
unreadable) rec mac.lsm capability,yama,apparmor none; rec mac.label.apparmor unknown probe-error
	rec mac.apparmor unknown probe-error 'unreadable (EACCES)'; rec mac.selinux disabled none
	rec mac.yama unknown probe-error 'unreadable (ENOENT)'; rec ns.pid 4:2 none ;;
se-confined) se system_u:system_r:br_agent_t:s0 enforcing ;;
se-unconfined) se unconfined_u:unconfined_r:unconfined_t:s0 enforcing ;;
se-permissive) se system_u:system_r:br_agent_t:s0 permissive ;;
se-hidden) rec mac.lsm capability,selinux none; rec mac.label.selinux system_u:system_r:br_agent_t:s0 none
	rec mac.apparmor absent none; rec mac.selinux unknown probe-error 'selinuxfs unreadable'
	rec mac.yama absent none ;;
died) rec mac.lsm capability,yama,apparmor none; rec ns.pid 4:2 none
	printf 'A%sread /proc/self/attr/apparmor/current\nD%smac%skilled(SIGSYS)\n' "$t" "$t" "$t" ;;
esac
rec ns.pid 4:1 none; rec syscall.ptrace.native allowed none # the first record of a key counts
echo end
EOF
chmod 755 "$work/fake-probe"
# fake SET [CLAIMS-LINES]: assess the stand-in; $out, $rc.
fake() {
	printf '%b' "${2:-}" >"$work/c.claims"
	out=$("$cli" assess --probe "$work/fake-probe" ${2:+--claims "$work/c.claims"} ${3:-} \
		-- env BR_FAKE="$1" {} 2>&1)
	rc=$?
}
verdict() { grep -q "^$1 [0-9]* assess.breach.$2\( #\|$\)" <<<"$out"; }

fake enforce 'mac.apparmor = enforce\nmac.label = br-agent\nmac.yama >= 1\n'
[ "$rc" = 0 ] && verdict ok mac.apparmor && verdict ok mac.label && verdict ok mac.yama &&
	grep -q '^# finding info mac-confined: confined by AppArmor profile br-agent in enforce mode (apparmor label outside: unconfined)$' <<<"$out" &&
	! grep -q 'mac-none:\|ptrace-scope:' <<<"$out" &&
	ok "AppArmor enforce inside, unconfined outside: claims hold; mac-confined names the profile and the outside's label" ||
	not_ok "enforce" "$(diag "exit $rc" "$out")"
fake enforce 'mac.label = other\n'
[ "$rc" = 1 ] && verdict 'not ok' mac.label && grep -q 'mac.label = other (measured br-agent (the apparmor label))' <<<"$out" &&
	ok "mac.label = other against profile br-agent: fails, naming the label measured" ||
	not_ok "mac.label other" "$(diag "exit $rc" "$out")"
fake complain 'mac.apparmor = enforce\n'
[ "$rc" = 1 ] && grep -q '^# finding low mac-logging: no MAC policy denies anything: AppArmor profile br-agent in complain mode' <<<"$out" &&
	! grep -q 'mac-confined:\|mac-none:' <<<"$out" &&
	ok "complain mode: mac.apparmor = enforce fails; mac-logging, neither confined nor none" ||
	not_ok "complain" "$(diag "exit $rc" "$out")"
fake same 'mac.apparmor = unconfined\nmac.yama = 0\n' '--fail-on low'
[ "$rc" = 1 ] && verdict ok mac.apparmor && verdict ok mac.yama &&
	grep -q '^# finding low mac-none: no MAC policy confines this process (AppArmor is active, but no profile confines the process (unconfined); SELinux is not active; active LSMs: capability,yama,apparmor)$' <<<"$out" &&
	grep -q '^# finding low ptrace-scope: Yama.s ptrace_scope is 0, in the host.s pid namespace' <<<"$out" &&
	grep -q '^#   MAC label inside against outside: the same' <<<"$out" &&
	ok "unconfined, Yama 0 in the host's pid namespace: mac-none and ptrace-scope (--fail-on low exits 1)" ||
	not_ok "unconfined" "$(diag "exit $rc" "$out")"
fake unreadable 'mac.label = br-agent\nmac.apparmor = enforce\nmac.yama >= 1\n' '--fail-on low'
[ "$rc" = 3 ] && verdict ok mac.label && verdict ok mac.apparmor && grep -q '# SKIP not tested: unreadable (EACCES)' <<<"$out" &&
	verdict ok mac.yama && grep -q 'mac.yama >= 1: measured 1 (detail; measured outside' <<<"$out" &&
	grep -q "cannot rule out mac-none" <<<"$out" && ! grep -q 'finding [a-z]* mac-' <<<"$out" &&
	! grep -q 'MAC label inside against outside' <<<"$out" &&
	ok "a label unreadable inside: its claims are not tested, mac-none not measured (exit 3); Yama's scope from outside" ||
	not_ok "unreadable" "$(diag "exit $rc" "$out")"
fake se-confined 'mac.selinux = enforcing\nmac.label = system_u:system_r:br_agent_t:s0\n'
[ "$rc" = 0 ] && grep -q '^# finding info mac-confined: confined by SELinux domain system_u:system_r:br_agent_t:s0, enforcing (' <<<"$out" &&
	ok "SELinux enforcing in a confined domain: claims hold, mac-confined names the context" ||
	not_ok "se-confined" "$(diag "exit $rc" "$out")"
fake se-unconfined 'mac.selinux = enforcing\n'
[ "$rc" = 0 ] && grep -q '^# finding low mac-none: .*SELinux enforcing, but in an unconfined domain: unconfined_u:unconfined_r:unconfined_t:s0' <<<"$out" &&
	ok "SELinux enforcing in unconfined_t: mac-none (enforcing confines nothing there)" ||
	not_ok "se-unconfined" "$(diag "exit $rc" "$out")"
fake se-permissive 'mac.selinux = enforcing\n'
[ "$rc" = 1 ] && grep -q '^# finding low mac-logging: .*SELinux permissive' <<<"$out" &&
	ok "SELinux permissive: mac.selinux = enforcing fails; mac-logging" || not_ok "se-permissive" "$(diag "exit $rc" "$out")"
fake se-hidden 'mac.selinux = disabled\n'
[ "$rc" = 1 ] || [ "$rc" = 0 ]
# The outside of the stand-in has SELinux disabled: the inside's unknown mode is the outside's.
grep -q 'mac.selinux = disabled: measured disabled (detail; measured outside' <<<"$out" &&
	ok "selinuxfs hidden inside: mac.selinux is the outside's (system-wide), and says so" ||
	not_ok "se-hidden" "$(diag "exit $rc" "$out")"
out=$(printf 'mac.selinux = enforcing\nmac.label = br_u:br_r:br_trans_t\n' >"$work/c.claims" &&
	BR_FAKE_OUT=se-outside "$cli" assess --probe "$work/fake-probe" --claims "$work/c.claims" \
		-- env BR_FAKE=se-trans {} 2>&1)
rc=$?
[ "$rc" = 0 ] && verdict ok mac.selinux && verdict ok mac.label &&
	grep -q '^# finding info mac-confined: confined by SELinux domain br_u:br_r:br_trans_t, enforcing (measured outside: selinuxfs is hidden inside) (selinux label outside: br_u:br_r:br_unconfined_t)$' <<<"$out" &&
	ok "a domain that cannot read selinuxfs or the LSM list: confined by its context, enforcing as measured outside" ||
	not_ok "se-trans" "$(diag "exit $rc" "$out")"
fake died 'mac.apparmor = unconfined\n' '--fail-on low'
[ "$rc" = 3 ] && grep -q "SKIP not tested: the probe's mac section was killed(SIGSYS) at its attempt: read /proc/self/attr/apparmor/current" <<<"$out" &&
	grep -q '^#   mandatory access control: not measured (' <<<"$out" && ! grep -q 'finding [a-z]* mac-' <<<"$out" &&
	ok "the mac section killed: its claims are not tested, no MAC finding or summary line, exit 3" ||
	not_ok "died" "$(diag "exit $rc" "$out")"

# ---- bad input: file:line, exit 2 ----
for bad in 'mac.label = a b' 'mac.apparmor = enforced' 'mac.selinux != enforcing' 'mac.yama >= one'; do
	printf '# x\n%s\n' "$bad" >"$work/bad.claims"
	msg=$("$cli" assess --claims "$work/bad.claims" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && grep -q "bad.claims:2: mac\." <<<"$msg" && ok "bad claim '$bad': exit 2, file:line" ||
		not_ok "bad claim '$bad'" "exit $rc: $msg"
done
done_testing
