#!/usr/bin/env bash
# The CLI for people: --help everywhere (and help CMD), "did you mean",
# --version, the man page and bash completion in step with --help, the probe
# table, claims' cap spellings, kernel names.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
tmp=$(mktemp -d "${TMPDIR:-/tmp}/br-cli.XXXXXX")
at_exit 'rm -rf "$tmp"'
cmds=$("$cli" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')

bad=
for c in $cmds; do
	h=$("$cli" "$c" --help 2>&1) && grep -q '^usage: blastradius' <<<"$h" || bad="$bad $c"
	[ "$("$cli" help "$c" 2>&1)" = "$h" ] || bad="$bad help-$c"
done
for a in "seccomp dump" "seccomp list" "kernels fetch" "kernels list" "matrix --kernels x"; do
	$cli $a --help 2>&1 | grep -q '^usage: blastradius' || bad="$bad '$a --help'"
done
[ -z "$bad" ] && ok "every command ($(wc -w <<<"$cmds")) and action takes --help and 'help CMD' (exit 0)" || not_ok "--help" "failed:$bad"

e=$("$cli" rnu 2>&1); rc=$?
[ $rc = 2 ] && grep -q "unknown command 'rnu'; did you mean 'run'?" <<<"$e" && ok "a near-miss command: exit 2, did you mean 'run'" || not_ok "did you mean (command)" "rc=$rc $e"
e=$("$cli" run --failrues 2>&1); rc=$?
[ $rc = 2 ] && grep -q "did you mean '--failures'?" <<<"$e" && ok "a near-miss option: exit 2, did you mean '--failures'" || not_ok "did you mean (option)" "rc=$rc $(head -3 <<<"$e")"
e=$("$cli" diff --ingore x a b 2>&1); grep -q "did you mean '--ignore'?" <<<"$e" && ok "diff --ingore: did you mean '--ignore'" || not_ok "did you mean (diff)" "$(head -3 <<<"$e")"
# ... and in the hand-parsed commands, for short options, kernel and variant names.
# Each: exit 2 and the suggestion; a known option whose argument is missing gets none.
bad=
while IFS='|' read -r args want; do
	e=$("$cli" $args 2>&1 </dev/null); rc=$?
	{ [ $rc = 2 ] && grep -qF "did you mean '$want'?" <<<"$e"; } || bad="$bad [$args: rc=$rc $(head -1 <<<"$e")]"
done <<'EOF'
kernels fecth|fetch
kernels fetch --updat|--update
kernels fetch -u|--update
kernels list --dryrun|--dry-run
seccomp dmup|dump
seccomp dump --pcf allow-stdio|--pfc
seccomp dump allow-stdi|allow-stdio
seccomp --hepl|--help
probes --hlep|--help
run -J 2|-j
run -failures|--failures
run --quite|--quiet
matrix -k bookworm-cloud|--kernels
matrix --kernels bokworm-cloud --no-fetch|bookworm-cloud
matrix --kernels bookworm-cloud,sid-clod --no-fetch|sid-cloud
matrix --variants nouser --no-fetch|nouserns
kernels fetch --dry-run bullseye-clod|bullseye-cloud
EOF
[ -z "$bad" ] && ok "did you mean: kernels, seccomp and probes options and actions, short options, kernel and variant names" ||
	not_ok "did you mean (hand-parsed, short, names)" "$bad"
e=$("$cli" matrix --kernels 2>&1); rc=$?
[ $rc = 2 ] && ! grep -q 'did you mean' <<<"$e" && grep -q "requires an argument" <<<"$e" &&
	ok "a known option missing its argument: exit 2, no suggestion" || not_ok "missing argument" "rc=$rc $(head -2 <<<"$e")"
e=$("$cli" run -qZ 2>&1); rc=$?
[ $rc = 2 ] && ! grep -q 'did you mean' <<<"$e" && ok "an unknown letter with nothing near: exit 2, no guess" || not_ok "no guess" "rc=$rc $(head -2 <<<"$e")"

v=$("$cli" --version)
grep -Eq '^commit [0-9a-f]{7,}' <<<"$v" && grep -Eq '^libseccomp [0-9]+\.[0-9]+\.[0-9]+$' <<<"$v" && grep -Eq '^libcap [0-9]+\.[0-9]+$' <<<"$v" &&
	"$cli" --help | grep -q -- '--version' && ok "--version: $(tr '\n' ' ' <<<"$v")" || not_ok "--version" "$v"

# The man page is made from --help: every command has a section with all its options.
man=$BUILD/blastradius.1
if [ -s "$man" ] && txt=$(MANWIDTH=200 man -l "$man" 2>/dev/null) && [ -n "$txt" ]; then
	miss=
	for c in $cmds; do
		for w in $("$cli" "$c" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
			grep -q -- "$w" <<<"$txt" || miss="$miss $c:$w"
		done
		grep -q "^   $c\$" <<<"$txt" || miss="$miss section:$c"
	done
	[ -z "$miss" ] && ok "blastradius.1 renders with man and holds every command and option of --help" || not_ok "man page in step" "missing:$miss"
else
	not_ok "man -l renders build/blastradius.1"
fi

# Bash completion: commands, then a command's options.
comp() { # WORDS...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _blastradius; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$top/runners/blastradius.bash" "$@"
}
r=$(PATH="$BUILD:$PATH" comp blastradius re)
r2=$(PATH="$BUILD:$PATH" comp blastradius run --fa)
grep -qx report <<<"$r" && grep -qx -- --failures <<<"$r2" && ok "bash completion: 're' -> report, 'run --fa' -> --failures" || not_ok "completion" "$r / $r2"

p=$("$cli" probes 2>/dev/null)
grep -Eq '^open_by_handle_at +304 +304 +342 +EFAULT' <<<"$p" && [ "$(grep -c . <<<"$p")" -gt 20 ] &&
	ok "probes prints the probe table ($(($(grep -c . <<<"$p") - 1)) syscalls)" || not_ok "probes" "$(head -3 <<<"$p")"

# Claims take caps the way profiles do.
printf 'caps.bounding >= net_raw\ncaps.permitted >= cap_net_raw sys_admin\n' >"$tmp/spell.claims"
"$cli" assess --claims "$tmp/spell.claims" >"$tmp/spell.out" 2>&1; rc=$?
[ $rc != 2 ] && ! grep -q 'expected' "$tmp/spell.out" && ok "claims accept net_raw and cap_net_raw (exit $rc)" || not_ok "cap spellings" "$(tail -3 "$tmp/spell.out")"
printf 'caps.bounding >= net_rawr\n' >"$tmp/bad.claims"
"$cli" assess --claims "$tmp/bad.claims" >/dev/null 2>&1; [ $? = 2 ] && ok "an unknown cap in a claim is exit 2" || not_ok "bad cap exit 2"

"$cli" kernels fetch no-such-kernel >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok "kernels fetch of an unknown kernel name: exit 2" || not_ok "unknown kernel exit" "rc=$rc"
d=$("$cli" kernels fetch --dry-run)
[ "$(tr '\n' ' ' <<<"$d")" = "bullseye-cloud bookworm-cloud bookworm-bpo-cloud sid-cloud bookworm-generic " ] &&
	ok "kernels fetch with no KERNEL fetches all five default kernels (--dry-run)" || not_ok "kernels fetch default set" "$d"
done_testing
