#!/bin/sh
# Ensure Debian packages are present: each argument is PACKAGE:FILE, where FILE
# proves the package is installed. Missing ones are installed when we are
# root; otherwise we stop with one line naming them.
set -eu
missing=
for spec in "$@"; do
	pkg=${spec%%:*}
	file=${spec#*:}
	[ -e "$file" ] || command -v "$file" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "blastradius: missing Debian packages:$missing (run: apt-get install --no-install-recommends$missing)" >&2
	exit 1
fi
echo "blastradius: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the lists only when the packages are unknown to apt.
# shellcheck disable=SC2086
apt-cache show $missing >/dev/null 2>&1 || apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 ||
	{ apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends $missing >&2; }
