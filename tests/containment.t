#!/usr/bin/env bash
# suites/fhandle and suites/containment pass as root and as uid 65534, and
# leave nothing behind: no mount, link, key, unix listener, pty holder or
# process of theirs outlives the run.
. "$(dirname "$0")/tap.sh"
export BR_FIXTURES="$top/fixtures" # containment.strict loads strict-agent.profile

suites() { ls "$1"/suites/fhandle/* "$1"/suites/containment/* 2>/dev/null | grep -v '\.d$'; }

# Host state a leak would show in. Keys and sockets are matched by the names
# the suites use, since other programs may add their own meanwhile.
snapshot() {
	echo "== mounts"; sort /proc/self/mountinfo
	echo "== links"; ip -o link 2>/dev/null | sed 's/ state [A-Z]*//'
	echo "== keys"; grep -E 'br-(containment|added)' /proc/keys
	echo "== unix"; grep -E 'br-(containment|strict)-daemon|daemon\.sock' /proc/net/unix
}

# Processes still running one of the suite binaries, or the exe.c copy.
leftovers() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in
		*/suites/fhandle/* | */suites/containment/* | /tmp/copy* | /mnt/copy*) echo "${p#/proc/} $exe" ;;
		esac
	done
}

run_all() { # LABEL PREFIX... : run every suite binary, 0 fail expected
	local label=$1 bin out rc
	shift
	for bin in $(suites "$BIN"); do
		out=$("$@" "$bin" 2>&1)
		rc=$?
		if [ "$rc" = 0 ] || [ "$rc" = 4 ]; then
			ok "$label: ${bin#"$BIN"/suites/} ($(grep -Eo 'pass:[0-9]+.*skip:[0-9]+' <<<"$out"))"
		else
			not_ok "$label: ${bin#"$BIN"/suites/} exits $rc" "$(grep -E '^# FAIL' <<<"$out" | head -5 | tr '\n' ' ')"
		fi
	done
}

[ -n "$(suites "$BUILD")" ] || { not_ok "suite binaries built" "run make first"; done_testing; }
before=$(snapshot)

BIN=$BUILD
if [ "$(id -u)" = 0 ]; then
	run_all root
	nobody_build
	BIN=$NBUILD
	run_all "uid 65534" nobody
else
	run_all "uid $(id -u)"
fi

after=$(snapshot)
if [ "$before" = "$after" ]; then
	ok "mounts, links, keys and unix listeners are as before"
else
	not_ok "host state unchanged" "$(diff <(echo "$before") <(echo "$after") | head -10 | tr '\n' ' ')"
fi
left=$(leftovers)
[ -z "$left" ] && ok "no process of the suites outlives them" || not_ok "no leftover processes" "$(tr '\n' ' ' <<<"$left")"
count=$(for b in $(suites "$BUILD"); do "$b" -l; done | grep -Ec '^(fhandle|containment)\.')
[ "$count" -ge 60 ] && ok "$count cases under fhandle. and containment." || not_ok ">= 60 cases" "only $count"
done_testing
