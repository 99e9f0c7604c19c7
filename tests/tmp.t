#!/usr/bin/env bash
# Tests clean up after themselves: at_exit calls compose (a second `trap ...
# EXIT` used to replace the first and leave a folder behind on every run), and
# under `make check`, which gives every test one private TMPDIR and runs this
# file last, that folder is empty at the end. Private, so other processes'
# use of /tmp cannot make this flaky.
. "$(dirname "$0")/tap.sh"
mine=$(mktemp -d)
# Two cleanups in one script, the second from nobody_build: both must run.
cat >"$mine/two.sh" <<'SH'
. "$1/tests/tap.sh"
a=$(mktemp -d)
at_exit 'rm -rf "$a"'
BUILD=$2 nobody_build
echo "$a $NBUILD"
SH
mkdir -p "$mine/build" "$mine/tmp"
left=$(TMPDIR=$mine/tmp bash "$mine/two.sh" "$top" "$mine/build")
[ -n "$left" ] && [ -z "$(ls -A "$mine/tmp")" ] && ok "at_exit cleanups compose (mktemp -d and nobody_build)" ||
	not_ok "at_exit cleanups compose" "left: $(ls -A "$mine/tmp")"
rm -rf "$mine"
# A plain EXIT trap in a test would replace (or be replaced by) at_exit's.
traps=$(grep -n "^[[:space:]]*trap .*EXIT" "$top"/tests/*.t)
[ -z "$traps" ] && ok "no test sets its own EXIT trap (at_exit composes)" || not_ok "tests use at_exit, not trap EXIT" "$traps"
if [ -z "${BR_CHECK_TMP:-}" ]; then
	skip "make check leaves its TMPDIR empty" "run through make check (a private TMPDIR for every test)"
elif [ -z "$(ls -A "$BR_CHECK_TMP")" ]; then
	ok "make check leaves its TMPDIR empty"
else
	not_ok "make check leaves its TMPDIR empty" "$(ls -A "$BR_CHECK_TMP" | head)"
fi
done_testing
