#!/bin/bash
# `blastradius seccomp`: dump prints PFC and BPF for built-ins, sandbox
# profiles and BPF text files; the BPF it prints loads back identically;
# bad input exits 2 with FILE:LINE.
set -u
. "$(dirname "$0")/tap.sh"
BR=$BUILD/blastradius
tmp=$(mktemp -d "${TMPDIR:-/tmp}/br-seccomp-t.XXXXXX")
at_exit 'rm -rf "$tmp"'

for p in $("$BR" seccomp list | awk '{print $1}'); do
	out=$("$BR" seccomp dump "$p")
	rc=$?
	if [ $rc = 0 ] && grep -q '^## PFC' <<<"$out" && grep -q '^## BPF' <<<"$out" &&
		grep -q 'ret KILL_PROCESS' <<<"$out"; then
		ok "dump $p: PFC and BPF"
	else
		not_ok "dump $p: PFC and BPF" "exit $rc" "$out"
	fi
	# The printed BPF text is a program the parser reads back unchanged.
	"$BR" seccomp dump --bpf "$p" | sed -n '/^## BPF/,$p' | tail -n +2 >"$tmp/$p.bpf"
	again=$("$BR" seccomp dump --bpf "$tmp/$p.bpf" | sed -n '/^## BPF/,$p' | tail -n +2)
	if [ "$again" = "$(cat "$tmp/$p.bpf")" ] && [ -s "$tmp/$p.bpf" ]; then
		ok "dump $p: BPF text round-trips"
	else
		not_ok "dump $p: BPF text round-trips" "$(diff <(echo "$again") "$tmp/$p.bpf" | head)"
	fi
done

for f in "$top"/fixtures/seccomp/*.bpf; do
	check "dump ${f##*/}" "$BR" seccomp dump "$f"
done

for f in "$top"/fixtures/profiles/*.profile; do
	if grep -q '^ *seccomp' "$f"; then
		check "dump ${f##*/} (its seccomp keys)" "$BR" seccomp dump "$f"
	fi
done

printf 'ld nr\njeq read 0 0\nret MAYBE\n' >"$tmp/bad.bpf"
err=$("$BR" seccomp dump "$tmp/bad.bpf" 2>&1 >/dev/null)
rc=$?
if [ $rc = 2 ] && grep -q "bad.bpf:3:" <<<"$err"; then
	ok "bad BPF text: exit 2 with FILE:LINE"
else
	not_ok "bad BPF text: exit 2 with FILE:LINE" "exit $rc" "$err"
fi

"$BR" seccomp dump no-such-profile >/dev/null 2>&1
[ $? = 2 ] && ok "unknown profile: exit 2" || not_ok "unknown profile: exit 2"

n=$("$BR" seccomp actions | grep -c .)
[ "$n" = 8 ] && ok "actions: one line per action" || not_ok "actions: one line per action" "$n lines"

done_testing
