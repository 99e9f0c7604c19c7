#!/bin/sh
# run.sh BUILD SECONDS: run each libFuzzer harness in BUILD/fuzz for SECONDS
# from its seeds (tests/fuzz/corpus/<harness>/ and the fixtures it reads,
# never written to); what it
# finds new goes to BUILD/fuzz/corpus/<harness>/, a crash to
# BUILD/fuzz/crash-<harness>-*. Prints execs and execs/s per harness; exit 1
# when any harness found a crash, leak, hang (10 s) or sanitizer report.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$(cd "$1" && pwd) || exit 2
secs=$2
rc=0
# The readers' harnesses write files on every input: a tmpfs where there is one.
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$shm/br-fuzz.XXXXXX") || exit 1
for h in "$b"/fuzz/*; do
	[ -x "$h" ] && [ -f "$h" ] || continue
	name=${h##*/}
	mkdir -p "$b/fuzz/corpus/$name"
	case $name in
	profile) fix=$top/fixtures/profiles ;;
	claims) fix=$top/fixtures/claims ;;
	bpf) fix=$top/fixtures/seccomp ;;
	*) fix= ;;
	esac
	seeds=$top/tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=
	# -close_fd_mask=3: the readers' own messages are noise here;
	# libFuzzer and the sanitizers still report on their own stderr.
	TMPDIR=$tmp "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-close_fd_mask=3 -artifact_prefix="$b/fuzz/crash-$name-" \
		"$b/fuzz/corpus/$name" $seeds $fix >"$b/fuzz/$name.log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$b/fuzz/$name.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$b/fuzz/$name.log")
	if [ "$st" = 0 ]; then
		echo "fuzz $name: ok, ${execs:-?} execs in ${secs} s (${rate:-?}/s)"
	else
		echo "fuzz $name: FAILED (exit $st), see $b/fuzz/$name.log:"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
			"$b/fuzz/$name.log" | head -10
		rc=1
	fi
done
rm -rf "$tmp"
exit $rc
