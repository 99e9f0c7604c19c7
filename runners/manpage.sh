#!/bin/sh
# Write blastradius.1 (roff) from the CLI's own --help texts, so the man page
# says what --help says: `sh runners/manpage.sh build/blastradius > blastradius.1`.
set -eu
cli=$1
ver=$("$cli" --version | head -1 | cut -d' ' -f2)
# Text as roff: backslashes doubled, a leading dot or quote made literal.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
cat <<EOT
.TH BLASTRADIUS 1 "" "blastradius $ver" "User Commands"
.SH NAME
blastradius \\- Linux isolation conformance: try to cross each kernel boundary and report what happened
.SH SYNOPSIS
.B blastradius
.I COMMAND
.RI [ ARGS ]
.br
.B blastradius help
.I COMMAND
.br
.B blastradius
.BR \\-\\-help " | " \\-\\-version
.SH DESCRIPTION
EOT
echo ".nf"
"$cli" --help | roff
echo ".fi"
echo ".SH COMMANDS"
for c in $("$cli" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'); do
	echo ".SS $c"
	echo ".nf"
	"$cli" "$c" --help | roff
	echo ".fi"
done
cat <<'EOT'
.SH EXIT STATUS
0 nothing failed; 1 a verdict failed or a claim did not hold; 2 bad input
(usage, a claims or profile file, with FILE:LINE); 3 assess only: no claim
failed but the evidence is incomplete.
.SH FILES
.TP
.I ~/.cache/blastradius
kernels fetched for the matrix
.TP
.I results/<run-id>/
run output: run.json, host/*.ktap, facts.json, the matrix reports
.SH SEE ALSO
.BR prove (1),
the README of the blastradius source tree
EOT
