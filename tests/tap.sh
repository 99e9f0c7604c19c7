# Tiny TAP emitter for tests/*.t (bash). Source it, call ok/fail/skip, then done_testing.
_tap_n=0
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# check DESC CMD...: ok when CMD exits 0
check() { local d=$1 o=${TMPDIR:-/tmp}/br-tap.$$; shift; if "$@" >"$o" 2>&1; then ok "$d"; else not_ok "$d" "$(tail -5 "$o")"; fi; rm -f "$o"; }
done_testing() { echo "1..$_tap_n"; exit 0; }
# at_exit CMD: run the shell text CMD when the script exits. Calls compose (the
# latest runs first): a second `trap ... EXIT` would replace the first.
_tap_at_exit=:
at_exit() { _tap_at_exit="$1; $_tap_at_exit"; trap "$_tap_at_exit" EXIT; }
# The repository root and its build dir, whatever the cwd.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
nobody() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"); }
# A copy of the build that uid 65534 can execute, wherever the checkout lives.
nobody_build() {
	if [ -z "${NBUILD:-}" ]; then
		NBUILD=$(mktemp -d "${TMPDIR:-/tmp}/br-nobody.XXXXXX")
		at_exit 'rm -rf "$NBUILD"'
		cp -a "$BUILD"/. "$NBUILD"/
		chmod -R a+rX "$NBUILD"
	fi
}
