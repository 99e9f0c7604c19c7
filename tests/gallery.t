#!/usr/bin/env bash
# `blastradius gallery`: a small gallery (three sandboxes that need no network
# and no npm) gives three complete columns, rows grouped by questionnaire area
# with every finding rule once, worst first, differing rows marked; a sandbox
# that cannot start, or hangs, is an incomplete column with its reason while
# the others carry on (exit 1); gallery.html in headless chromium.
. "$(dirname "$0")/tap.sh"
cli=$BUILD/blastradius
# Outside /tmp: the strict-agent profile pivots into a tmpfs mounted on /tmp.
work=$(mktemp -d /var/tmp/br-gallery.XXXXXX)
at_exit 'rm -rf "$work"'
if [ "$(id -u)" != 0 ]; then
	skip "gallery" "bubblewrap and the strict-agent profile are assessed as root here: run as root"
	done_testing
fi
sh "$top/runners/deps.sh" bubblewrap:/usr/bin/bwrap util-linux:/usr/bin/unshare >/dev/null 2>&1
cat >"$work/small.gallery" <<EOF
# three sandboxes of this host
unshare-all = unshare --user --map-root-user --pid --fork --mount-proc --net --ipc --uts --mount --cgroup
bwrap = bwrap --unshare-all --cap-drop ALL --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp --die-with-parent
strict-agent = $cli sandbox \${BR_GALLERY_DIR}/strict-agent.profile -- {}
EOF
cp "$top/fixtures/profiles/strict-agent.profile" "$work/"

out=$("$cli" gallery --results "$work/r" --id small -j 3 "$work/small.gallery" 2>&1)
rc=$?
g=$work/r/small
[ "$rc" = 0 ] && [ -s "$g/gallery.json" ] && [ -s "$g/gallery.md" ] && [ -s "$g/gallery.html" ] &&
	[ -z "$(find "$work/r" -maxdepth 1 -name '.*')" ] && [ ! -e "$g/.cwd" ] &&
	ok "three sandboxes: exit 0, gallery.{json,md,html}, no temporary folder left" ||
	not_ok "small gallery" "exit $rc" "$out"
bundles_ok=true
for n in unshare-all bwrap strict-agent; do
	(cd "$g/$n/evidence" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1 || bundles_ok=false
done
$bundles_ok && ok "each column has its evidence bundle, and it verifies" || not_ok "evidence bundles"

# The layout: areas in the questionnaire's order, measured rows first, then
# every finding rule exactly once, worst first; cells hold a value and a cause.
nrules=$("$cli" assess --rules | tail -n +3 | wc -l)
python3 - "$g/gallery.json" "$nrules" <<'EOF' && ok "gallery.json: 3 complete columns, 5 areas, each of the $nrules rules once, worst first, rows that differ marked" || not_ok "gallery.json layout"
import json, sys
g = json.load(open(sys.argv[1])); nrules = int(sys.argv[2])
cols = [c["name"] for c in g["columns"]]
assert cols == ["unshare-all", "bwrap", "strict-agent"], cols
assert all(c["status"] == "complete" and not c["reason"] for c in g["columns"]), g["columns"]
assert [a["id"] for a in g["areas"]] == ["namespaces", "seccomp", "capabilities", "landlock", "breach"]
sev = ["critical", "high", "medium", "low", "info"]
rules = []
for a in g["areas"]:
    kinds = [r["kind"] for r in a["rows"]]
    assert kinds == sorted(kinds, key=lambda k: k != "measured"), kinds
    f = [sev.index(r["severity"]) for r in a["rows"] if r["kind"] == "finding"]
    assert f == sorted(f), (a["id"], f)
    rules += [r["id"] for r in a["rows"] if r["kind"] == "finding"]
    for r in a["rows"]:
        assert set(r["cells"]) == set(cols)
        for c in r["cells"].values():
            assert c["value"] and c["state"] in ("measured", "found", "clear", "not measured"), c
        vals = {c["value"] for c in r["cells"].values()}
        assert r["differs"] == (len(vals) > 1), r
assert len(rules) == len(set(rules)) == nrules, (len(rules), nrules)
rows = {r["id"]: r for a in g["areas"] for r in a["rows"]}
# bwrap unshares all but time; it drops every capability, unshare keeps them.
assert rows["namespaces"]["cells"]["bwrap"]["value"] == "user pid net mnt ipc uts cgroup", rows["namespaces"]
assert rows["caps.effective"]["cells"]["bwrap"]["value"] == "none", rows["caps.effective"]
assert rows["caps.effective"]["differs"], rows["caps.effective"]
assert rows["seccomp-none"]["cells"]["strict-agent"]["state"] == "clear"
assert rows["seccomp-none"]["cells"]["bwrap"]["state"] == "found"
assert rows["landlock"]["cells"]["strict-agent"]["value"] != "none"
# As root, bwrap's /proc/sys is writable: the global settings are named.
assert rows["host-root-sysctl"]["cells"]["bwrap"]["state"] == "found", rows["host-root-sysctl"]["cells"]["bwrap"]
assert "kernel.core_pattern" in rows["procsys.global"]["cells"]["bwrap"]["cause"], rows["procsys.global"]
EOF
grep -q '^## Breach containment' "$g/gallery.md" && grep -q '| critical `host-root-sysctl`' "$g/gallery.md" &&
	grep -q '\*\*differs\*\*' "$g/gallery.md" &&
	ok "gallery.md: a table per area, finding rows by severity and id, differing rows marked" ||
	not_ok "gallery.md" "$(head -20 "$g/gallery.md")"
python3 - "$g/gallery.html" <<'EOF' && ok "gallery.html: matrix.html's heatmap and styles, one column per sandbox, each area's question" || not_ok "gallery.html"
import sys
h = open(sys.argv[1]).read()
assert '<table id="heatmap">' in h and "td.hm" in h and "thead th{position:sticky" in h
assert h.count("<th>strict-agent</th>") == 6, h.count("<th>strict-agent</th>")
for a in ("Namespace isolation", "Seccomp-BPF filters", "Capabilities management", "Landlock integration", "Breach containment"):
    assert "<h2>%s</h2>" % a in h, a
assert 'href="bwrap/evidence/report.html"' in h and "(null)" not in h
EOF

# One that cannot start and one that hangs: incomplete, with the reason; the
# others carry on; exit 1. A fifo nobody writes holds the second (killed at
# its 8 s --timeout, its process group with it).
cat >"$work/broken.gallery" <<EOF
unshare-r = unshare -r
missing = /nonexistent/launcher --flag
hangs = --no-probe-arg sh -c 'mkfifo f && read x <f'
EOF
out=$("$cli" gallery --results "$work/r" --id broken --timeout 8 "$work/broken.gallery" 2>&1)
rc=$?
python3 - "$work/r/broken/gallery.json" <<'EOF' && [ "$rc" = 1 ] &&
import json, sys
c = {x["name"]: x for x in json.load(open(sys.argv[1]))["columns"]}
assert c["unshare-r"]["status"] == "complete", c["unshare-r"]
assert c["missing"]["status"] == "incomplete" and "/nonexistent/launcher" in c["missing"]["reason"], c["missing"]
assert c["hangs"]["status"] == "incomplete" and "--timeout" in c["hangs"]["reason"], c["hangs"]
EOF
	grep -q 'missing (.*broken.gallery:2) is incomplete' <<<"$out" &&
	ok "a launcher that cannot start and one that hangs are incomplete columns with their reasons; exit 1" ||
	not_ok "incomplete columns" "exit $rc" "$out"
pgrep -f "read x <f" >/dev/null && not_ok "the hung entry's processes are gone" "$(pgrep -af 'read x <f')" ||
	ok "the hung entry's processes are gone"

# ---- the HTML in headless chromium ----
if ! sh "$top/runners/deps.sh" chromium:chromium >"$work/chr.log" 2>&1; then
	skip "gallery.html screenshot" "Debian's chromium is not installable: $(tail -1 "$work/chr.log")"
	done_testing
fi
mkdir -p "$BUILD/check"
png=$BUILD/check/gallery.png
shot "file://$g/gallery.html" "$png" 1400x900 >"$work/chr.out" 2>&1
green=$(png_count "$png" c8efc8 2>&1)
red=$(png_count "$png" f7b0b0 2>&1)
# The heatmap (pass green and fail red cells) is above the fold.
[ "${green:-0}" -gt 1000 ] 2>/dev/null && [ "${red:-0}" -gt 1000 ] 2>/dev/null &&
	ok "chromium at 1400x900: the heatmap above the fold ($green green, $red red pixels; screenshot $png)" ||
	not_ok "gallery.html screenshot" "green=$green red=$red" "$(tail -3 "$work/chr.out")"
done_testing
