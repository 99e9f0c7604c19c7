#!/bin/sh
# Install the agent sandboxes assess is tested against, pinned, once, into the
# user's cache: Anthropic's sandbox runtime (`srt -- CMD`) and OpenAI's Codex
# CLI (`codex sandbox -- CMD`; its linux-x64 build is an optional dependency).
# Their system needs come from Debian through deps.sh. Prints the directory
# holding the `srt` and `codex` commands; a second run installs nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PKGS="@anthropic-ai/sandbox-runtime@0.0.83 @openai/codex@0.171.0"
# srt refuses to start without socat and rg; both run bubblewrap.
sh "$here/deps.sh" bubblewrap:/usr/bin/bwrap socat:/usr/bin/socat ripgrep:/usr/bin/rg \
	nodejs:/usr/bin/node npm:/usr/bin/npm >&2
cache=${XDG_CACHE_HOME:-$HOME/.cache}/blastradius/agents
# One folder per pinned set, e.g. sandbox-runtime-0.0.83+codex-0.171.0.
dir=$cache/$(echo "$PKGS" | sed 's|@[^/ ]*/||g; s|@|-|g; s| |+|g')
if [ ! -x "$dir/node_modules/.bin/srt" ] || [ ! -x "$dir/node_modules/.bin/codex" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.install.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	chmod 755 "$tmp" # mktemp makes it 0700: let other uids run the copy
	echo "blastradius: installing $PKGS" >&2
	# shellcheck disable=SC2086
	npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error $PKGS >&2 || {
		echo "blastradius: npm could not install $PKGS" >&2
		exit 1
	}
	[ -x "$tmp/node_modules/.bin/srt" ] && [ -x "$tmp/node_modules/.bin/codex" ] || {
		echo "blastradius: npm installed no srt or codex command" >&2
		exit 1
	}
	# Complete or absent: a concurrent run may have won the rename.
	mv -T "$tmp" "$dir" 2>/dev/null || [ -x "$dir/node_modules/.bin/codex" ] ||
		{ echo "blastradius: cannot move the install into $dir" >&2; exit 1; }
fi
echo "$dir/node_modules/.bin"
