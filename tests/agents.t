#!/usr/bin/env bash
# Real agent sandboxes as assess targets: Anthropic's sandbox runtime (srt)
# and OpenAI's Codex CLI (codex sandbox), installed pinned by
# runners/agents.sh. As root and as uid 65534, each one's claims file in
# fixtures/claims/ must hold (exit 0), and a wrong line appended to it must
# fail naming that claim (exit 1). A setup that cannot install them fails.
. "$(dirname "$0")/tap.sh"
diag() { printf '%s\n' "$@" | tail -20 | sed 's/^/# /'; }
claims=$top/fixtures/claims
if [ "$(id -u)" != 0 ]; then
	skip "agent sandboxes" "the claims are for uid 0 and uid 65534: run as root"
	done_testing
fi
setup=$(sh "$top/runners/agents.sh" 2>&1)
rc=$?
bin=$(tail -1 <<<"$setup")
if [ "$rc" != 0 ] || [ ! -x "$bin/srt" ] || [ ! -x "$bin/codex" ]; then
	not_ok "runners/agents.sh installs srt and codex" "$(tail -5 <<<"$setup")"
	done_testing
fi
ok "runners/agents.sh installs srt and codex"
again=$(sh "$top/runners/agents.sh" 2>&1)
[ "$again" = "$bin" ] && ok "a second runners/agents.sh installs nothing" ||
	not_ok "second setup run" "$again"

# Everything the sandboxes see lives in one folder uid 65534 can reach: the
# CLI and probe, a hard-linked copy of the install (the user's cache may sit
# under a private home), a home and a small working directory per uid (srt
# scans its working directory; codex writes its state under HOME), and TMPDIR.
work=$(mktemp -d /var/tmp/br-agents.XXXXXX)
# codex makes /tmp/codex-daemon-UID whatever TMPDIR says: remove it if it is ours.
new_daemon_dirs=$(for u in 0 65534; do [ -e "/tmp/codex-daemon-$u" ] || echo "/tmp/codex-daemon-$u"; done)
at_exit 'rm -rf "$work"; for d in $new_daemon_dirs; do rmdir "$d" 2>/dev/null; done'
chmod 755 "$work"
mkdir -p "$work/bin" "$work/tmp"
cp "$BUILD/blastradius" "$BUILD/blastradius-probe" "$work/bin/"
cp -al "${bin%/node_modules/.bin}" "$work/agents" 2>/dev/null || cp -a "${bin%/node_modules/.bin}" "$work/agents"
chmod 1777 "$work/tmp"
for u in 0 65534; do
	mkdir -p "$work/home-$u" "$work/ws-$u" && chown "$u:$u" "$work/home-$u" "$work/ws-$u"
done
bin=$work/agents/node_modules/.bin

# assess_agent NAME UID CLAIMS LAUNCHER...: exit code and output in $rc, $out.
assess_agent() {
	local name=$1 u=$2 c=$3
	shift 3
	out=$(cd "$work/ws-$u" && setpriv --reuid="$u" --regid="$u" --clear-groups \
		env HOME="$work/home-$u" TMPDIR="$work/tmp" \
		"$work/bin/blastradius" assess --claims "$c" -- "$@" 2>&1)
	rc=$?
}
# agent NAME UID WRONG-LINE LAUNCHER...
agent() {
	local name=$1 u=$2 wrong=$3 key
	shift 3
	assess_agent "$name" "$u" "$claims/$name.claims" "$@"
	held=$out
	[ "$rc" = 0 ] && ! grep -q '# SKIP' <<<"$out" && ! grep -q INCOMPLETE <<<"$out" &&
		ok "$name as uid $u: every claim holds ($(grep -c '^ok ' <<<"$out") cases)" ||
		not_ok "$name as uid $u: every claim holds" "$(diag "exit $rc" "$(grep -E '^(not ok|# FAIL|# INCOMPLETE|blastradius)' <<<"$out" | head -8)")"
	cp "$claims/$name.claims" "$work/wrong.claims"
	echo "$wrong" >>"$work/wrong.claims"
	chmod 644 "$work/wrong.claims"
	key=${wrong%% *}
	assess_agent "$name" "$u" "$work/wrong.claims" "$@"
	[ "$rc" = 1 ] && grep -qE "^not ok [0-9]+ assess\.[a-z]+\.$key$" <<<"$out" &&
		ok "$name as uid $u: '$wrong' fails, named" ||
		not_ok "$name as uid $u: '$wrong' must fail (exit 1)" "$(diag "exit $rc" "$(grep -E '^(not ok|# FAIL|# INCOMPLETE|blastradius)' <<<"$out" | head -8)")"
}
# Root: uid 0 inside is the host's, and global sysctls open for writing.
agent srt 0 'procsys.global = none' "$bin/srt" --
# srt's /proc belongs to bubblewrap's own pid namespace (its PID 1's links
# unreadable): named intermediate, with its processes, never "the host's".
! grep -q "CAN see the host's processes" <<<"$held" &&
	grep -q "^#   cannot see the host's processes; sees an intermediate pid namespace.*(bwrap)" <<<"$held" &&
	ok "srt as root: /proc is bubblewrap's intermediate pid namespace, not the host's" ||
	not_ok "srt: host processes reported visible" "$(diag "$(grep 'process' <<<"$held")")"
agent codex 0 'procsys.global = none' "$bin/codex" sandbox --
agent srt-user 65534 'procsys.writable = none' "$bin/srt" --
agent codex-user 65534 'seccomp.allow = socket' "$bin/codex" sandbox --
done_testing
