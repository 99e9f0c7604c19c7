#!/usr/bin/env bash
# `blastradius sandbox`: shipped profiles check and print back; a bad profile
# exits 2 naming FILE:LINE; a command runs inside and its status comes back;
# a layer that cannot be applied exits 1 and the command never starts.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

for p in "$top"/fixtures/profiles/*.profile; do
	name=${p##*/}
	out=$("$cli" sandbox --check "$p" 2>&1) && ok "--check $name" || not_ok "--check $name" "$out"
	"$cli" sandbox --print "$p" >"$tmp/printed.profile" 2>&1 &&
		"$cli" sandbox --check "$tmp/printed.profile" >/dev/null 2>&1 &&
		ok "--print $name parses back" || not_ok "--print $name parses back" "$(head -3 "$tmp/printed.profile")"
done

printf 'userns = on\n# fine\nns = net,bogus\n' >"$tmp/bad.profile"
out=$("$cli" sandbox --check "$tmp/bad.profile" 2>&1)
rc=$?
[ "$rc" = 2 ] && ok "bad profile exits 2" || not_ok "bad profile exits 2" "got $rc"
grep -q "^blastradius: $tmp/bad.profile:3: ns: expected namespace names" <<<"$out" &&
	ok "bad profile names FILE:LINE and what was expected" || not_ok "FILE:LINE message" "$out"
"$cli" sandbox --check "$tmp/none.profile" >/dev/null 2>&1
[ $? = 2 ] && ok "missing profile exits 2" || not_ok "missing profile exits 2"

minimal=$top/fixtures/profiles/minimal.profile
"$cli" sandbox "$minimal" -- /bin/sh -c 'exit 3' 2>/dev/null
rc=$?
[ "$rc" = 3 ] && ok "the command's exit status comes back" || not_ok "exit status" "got $rc"
out=$("$cli" sandbox "$minimal" -- /bin/sh -c 'id -u; grep ^CapEff /proc/self/status' 2>&1)
grep -q '^0$' <<<"$out" && grep -Eq 'CapEff:\s+0+$' <<<"$out" &&
	ok "minimal: root in a user namespace, no effective caps" || not_ok "minimal" "$out"

# A layer that fails: the command must not start (it would print STARTED).
printf 'userns = on\nns = mnt\nroot = tmpfs\nbind = /nonexistent-br-bind\n' >"$tmp/fails.profile"
out=$("$cli" sandbox "$tmp/fails.profile" -- /bin/sh -c 'echo STARTED' 2>&1)
rc=$?
[ "$rc" = 1 ] && ok "a failed layer exits 1" || not_ok "a failed layer exits 1" "got $rc: $out"
grep -q STARTED <<<"$out" && not_ok "fail closed" "the command ran: $out" ||
	ok "fail closed: the command never started"
grep -q "layer 'mounts' could not be applied" <<<"$out" && ok "the failed layer is named" ||
	not_ok "the failed layer is named" "$out"

# apparmor = PROFILE fails closed: a profile that is not loaded (or no AppArmor
# at all) stops the command; apparmor.required = off skips the layer only where
# AppArmor is not active. suites/mac/apparmor enters a loaded one in guests.
printf 'apparmor = blastradius-not-loaded\n' >"$tmp/aa.profile"
out=$("$cli" sandbox "$tmp/aa.profile" -- /bin/sh -c 'echo STARTED' 2>&1)
rc=$?
[ "$rc" = 1 ] && ! grep -q STARTED <<<"$out" && grep -q "layer 'apparmor' could not be applied" <<<"$out" &&
	ok "apparmor: an unloaded profile or no AppArmor exits 1, the command never starts" ||
	not_ok "apparmor fails closed" "got $rc: $out"
printf 'apparmor = blastradius-not-loaded\napparmor.required = off\n' >"$tmp/aa-opt.profile"
if [ -n "$(cat /proc/self/attr/apparmor/current 2>/dev/null)" ]; then
	skip "apparmor.required = off" "AppArmor is active here: the unloaded profile must still fail"
else
	out=$("$cli" sandbox "$tmp/aa-opt.profile" -- /bin/sh -c 'echo STARTED' 2>&1)
	grep -q STARTED <<<"$out" && ok "apparmor.required = off: skipped where AppArmor is not active" ||
		not_ok "apparmor.required = off" "$out"
fi
done_testing
