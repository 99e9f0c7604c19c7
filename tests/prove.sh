#!/bin/sh
# prove.sh BUILD [TEST.t...]: run the tests (default: every tests/*.t) on the
# build in BUILD, with one private TMPDIR (1777: uid 65534 runs some) and
# tests/tmp.t last, which checks that the folder was left empty.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd) || exit 2
shift
[ $# -gt 0 ] || set -- "$top"/tests/*.t
list=
for t in "$@"; do
	case $t in */tmp.t) ;; *) list="$list $t" ;; esac
done
t=$(mktemp -d -t br-check.XXXXXX) || exit 1
chmod 1777 "$t"
# shellcheck disable=SC2086
BUILD=$BUILD TMPDIR=$t BR_CHECK_TMP=$t prove -f $list "$top/tests/tmp.t"
rc=$?
rm -rf "$t"
exit $rc
