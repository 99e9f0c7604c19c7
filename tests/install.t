#!/usr/bin/env bash
# `make install` honours PREFIX and DESTDIR, and another project can build
# against the installed library through pkg-config.
. "$(dirname "$0")/tap.sh"
dest=$(mktemp -d)
at_exit 'rm -rf "$dest"'
if make -s -C "$top" install DESTDIR="$dest" PREFIX=/opt/br >/dev/null 2>&1; then ok "make install DESTDIR=... PREFIX=/opt/br"; else not_ok "make install"; done_testing; fi
for f in bin/blastradius bin/blastradius-probe lib/libblastradius.a include/blastradius/harness.h lib/pkgconfig/blastradius.pc libexec/blastradius/suites/ns/uts share/blastradius/profiles/strict-agent.profile; do
	[ -e "$dest/opt/br/$f" ] && ok "installed $f" || not_ok "installed $f"
done
cat >"$dest/demo.c" <<'C'
#include <sched.h>
#include <ns.h>
#include <stdio.h>
int main(void) { int r = br_ns_private(CLONE_NEWUTS); printf("%d\n", r); return r != 0; }
C
export PKG_CONFIG_PATH="$dest/opt/br/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs --static blastradius 2>&1) && ok "pkg-config knows blastradius" || not_ok "pkg-config" "$flags"
if cc -static -o "$dest/demo" "$dest/demo.c" $flags 2>"$dest/err"; then ok "a program builds against the installed library"; else not_ok "build against installed library" "$(head -5 "$dest/err")"; fi
"$dest/demo" >/dev/null && ok "and runs" || not_ok "demo runs"
BR_SUITES_DIR= "$dest/opt/br/bin/blastradius" list >/dev/null 2>&1 && ok "the installed CLI finds its installed suites" || not_ok "installed CLI finds suites"
done_testing
