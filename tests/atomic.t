#!/usr/bin/env bash
# Output is atomic and children die with their parent: a full disk (ENOSPC) or a
# read-only one (EROFS) gives the path and strerror, exit 1 and nothing
# half-written, for a run folder, reports, an evidence bundle and the initramfs;
# SIGKILL of `run` or `matrix` leaves no process of theirs alive 1 s later; a
# Ctrl-C of `run` leaves no half-filled run folder.
# The small filesystems are tmpfs mounts in this test's own mount namespace.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
if [ -z "${BR_ATOMIC_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	unshare -m --propagation private true 2>/dev/null; then
	BR_ATOMIC_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/br-atomic.XXXXXX")
at_exit 'umount "$w/full" "$w/ro" 2>/dev/null; rm -rf "$w"'
cd "$w" || exit 1
"$cli" run --suite ns.uts --results . --id good -q >/dev/null 2>&1
[ -s good/run.json ] && [ -z "$(ls -A . | grep -v '^good$')" ] &&
	ok "a complete run leaves its folder and no temporary one" || not_ok "good run" "$(ls -A .)"

# expect WHAT CMD...: exit 1 naming the error; $w/full (or ro) holds nothing new.
expect() {
	local what=$1 fs=$2 err=$3; shift 3
	local before after out rc
	before=$(cd "$w/$fs" && find . | sort)
	out=$("$@" 2>&1 >"$w/stdout")
	rc=$?
	after=$(cd "$w/$fs" && find . | sort)
	if [ "$rc" != 1 ]; then not_ok "$what: exit 1" "exit $rc" "$out"
	elif ! grep -q "$err" <<<"$out"; then not_ok "$what: names '$err'" "$out"
	elif [ "$before" != "$after" ]; then not_ok "$what: nothing half-written" "$(diff <(echo "$before") <(echo "$after"))"
	elif grep -q matrix.html "$w/stdout"; then not_ok "$what: prints no path it did not write" "$(cat "$w/stdout")"
	else ok "$what: exit 1, '$(grep -m1 "$err" <<<"$out" | cut -c1-90)', nothing left"; fi
}

if [ -z "${BR_ATOMIC_NS:-}" ]; then
	skip "ENOSPC and EROFS" "needs root and a private mount namespace (unshare -m)"
else
	mkdir -p full ro
	mount -t tmpfs -o size=256k tmpfs full && mount -t tmpfs -o size=64k,ro tmpfs ro
	mkdir full/o full/res
	head -c 1M /dev/zero >full/filler 2>/dev/null # fill it up: every write is ENOSPC
	expect "run --results on a full disk" full "No space left on device" \
		"$cli" run --suite ns.uts --results full/res --id r1 -q
	expect "report -o on a full disk" full "No space left on device" "$cli" report good -o full/o
	expect "report -o on a read-only disk" ro "Read-only file system" "$cli" report good -o ro/o
	expect "assess --out on a full disk" full "No space left on device" \
		"$cli" assess --out full/o/bundle
	if [ -x "$BUILD/guest/init" ]; then
		expect "initramfs -o on a full disk" full "No space left on device" \
			"$cli" initramfs --init "$BUILD/guest/init" -o full/o/i.cpio
	else
		skip "initramfs -o on a full disk" "this build has no guest files (make sanitize builds none)"
	fi
fi

# ---- SIGKILL: suite binaries, the host cell and guests go with their parent ----
# A stand-in suite that never ends (real ones finish too fast to catch): it must
# die with the runner that started it.
# Its sleep is this test's own (300.PID s): a host-wide pgrep below must not see another one.
forever="sleep 300.$$"
mkdir -p fake/hang && printf '#!/bin/sh\necho "KTAP version 1"\nexec %s\n' "$forever" >fake/hang/forever
chmod +x fake/hang/forever
orph() { python3 "$top/tests/orphans.py" "$@"; }
out=$(orph "$BUILD/suites/" 2 -- "$cli" run --no-results -q) && ok "SIGKILL of run: $(tail -1 <<<"$out" | cut -c3-)" ||
	not_ok "SIGKILL of run leaves nothing" "$out"
out=$(BR_SUITES_DIR=$w/fake orph "$forever" 1 -- "$cli" run --no-results -q) &&
	ok "SIGKILL of run takes a hanging suite binary with it" || not_ok "SIGKILL of run, hanging suite" "$out"
out=$(BR_SUITES_DIR=$w/fake orph "$forever" 1 -- "$cli" matrix --kernels host --results "$w/m") &&
	ok "SIGKILL of matrix takes its host cell and its suites with it" || not_ok "SIGKILL of matrix, host cell" "$out"
# Ctrl-C or SIGTERM of run: the suites stop and the half-filled folder goes.
for sig in INT TERM; do
	BR_SUITES_DIR=$w/fake "$cli" run --results "$w/intr" --id i -q >/dev/null 2>"$w/intr.err" &
	pid=$!
	for _ in $(seq 200); do pgrep -P "$pid" >/dev/null && break; sleep 0.05; done
	kill -$sig $pid; wait $pid; rc=$?
	[ "$rc" = $((128 + $(kill -l $sig))) ] && [ -z "$(ls -A "$w/intr" 2>/dev/null)" ] && ! pgrep -fx "$forever" >/dev/null &&
		ok "SIG$sig of run: exit $rc, no run folder and no suite left" ||
		not_ok "SIG$sig of run" "rc=$rc" "$(ls -A "$w/intr")" "$(cat "$w/intr.err")"
done
done_testing
