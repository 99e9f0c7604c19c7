#!/bin/bash
# `blastradius facts --json` is valid JSON (checked by a real parser) and has
# every fact this kernel offers; also as an unprivileged user.
set -u
cd "$(dirname "$0")/.." || exit 1
BR=${BR:-${BUILD:-build}/blastradius}
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# Keys expected on this kernel, derived from what /proc and /sys offer.
expected_keys() {
	echo kernel.release kernel.version kernel.cmdline arch landlock.abi x32 ia32 cap_last_cap
	echo self.CapEff self.CapBnd self.NoNewPrivs self.Seccomp
	[ -e /proc/sys/kernel/seccomp/actions_avail ] && echo seccomp.actions_avail
	for s in user/max_user_namespaces kernel/unprivileged_userns_clone \
		kernel/apparmor_restrict_unprivileged_userns kernel/yama/ptrace_scope \
		kernel/unprivileged_bpf_disabled vm/unprivileged_userfaultfd \
		kernel/perf_event_paranoid kernel/io_uring_disabled dev/tty/legacy_tiocsti; do
		[ -e "/proc/sys/$s" ] && echo "sysctl.$(echo "$s" | tr / .)"
	done
	for t in /proc/self/ns/*; do
		t=${t##*/}
		[ "$t" = pid_for_children ] || echo "ns.$t"
	done
}

check() { # $1: label, rest: command prefix
	local label=$1 out
	shift
	out=$("$@" "$BR" facts --json)
	ok $? "$label: facts --json exits 0"
	# shellcheck disable=SC2046
	printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, dict) and d, "not a JSON object"
missing = [k for k in sys.argv[1:] if k not in d]
assert not missing, "missing keys: %s" % missing
assert all(isinstance(v, str) for v in d.values())
' $(expected_keys)
	ok $? "$label: valid JSON with every key this kernel has"
	"$@" "$BR" facts | grep -q '^kernel.release=' 
	ok $? "$label: text output is key=value"
}

echo "TAP version 13"
echo "1..9"
check "as $(id -un)"
if [ "$(id -u)" = 0 ]; then
	check "as uid 65534" setpriv --reuid=65534 --regid=65534 --clear-groups
	"$BR" facts --json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit("lsm" not in d)'
	ok $? "root: lsm is reported (securityfs, private mount or lsm_list_modules)"
else
	for i in 4 5 6 7; do echo "ok $i # SKIP needs root to drop to uid 65534"; done
	n=7
fi
res=$(mktemp -d)
"$BR" run --suite ns.uts --results "$res" --id facts --quiet >/dev/null 2>&1
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kernel.release"] and d["kernel.cmdline"] and "self.CapEff" in d and "ns.user" in d
' "$res/facts/host/facts.json"
ok $? "run writes the gathered facts into host/facts.json"
rm -rf "$res"
"$BR" facts --bogus >/dev/null 2>&1
[ $? = 2 ]
ok $? "bad option exits 2"
