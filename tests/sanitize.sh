#!/bin/sh
# sanitize.sh BUILD TEST.t...: on the sanitized build in BUILD (make
# sanitize), run the probe, then the tests (tests/run.t runs every suite
# with `blastradius run`, as root and as uid 65534). Every ASan, LSan and
# UBSan report goes to a file in one folder; any report fails the run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "$1" && pwd) || exit 2
shift
logs=$(mktemp -d -t br-sanitize.XXXXXX) || exit 1
chmod 1777 "$logs"
# handle_segv=0: a deliberate crash (the harness self-test, a case expecting
# SIGSEGV) must stay a signal for the harness to judge, not become a report.
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="log_path=$logs/lsan"
# Where a static binary is needed (the probe inside foreign sandboxes and a
# runc rootfs, tests/assess.t), the static build's probe stands in.
[ -n "${BR_STATIC_PROBE:-}" ] && export BR_PROBE="$BR_STATIC_PROBE"
t0=$(date +%s)
rc=0
"$b/blastradius-probe" >/dev/null || { echo "sanitized probe failed"; rc=1; }
if unshare -Ur true 2>/dev/null; then
	unshare -Ur "$b/blastradius-probe" >/dev/null || { echo "sanitized probe under unshare -Ur failed"; rc=1; }
fi
sh "$top/tests/prove.sh" "$b" "$@" || rc=1
n=$(ls "$logs" | wc -l)
for f in "$logs"/*; do
	[ -e "$f" ] && { echo "== $f"; head -40 "$f"; }
done
rm -rf "$logs"
echo "sanitize: $n sanitizer report(s), $(($(date +%s) - t0)) s, tests exit $rc"
[ "$n" = 0 ] && exit $rc
exit 1
