#!/bin/sh
# make compare-kselftest: the kernel's own selftests beside our suites, on this
# kernel, in one go.
#
# The selftests are GPL code that never enters this repository: they are built
# at run time from Debian's linux-source-<version> package (installed by apt),
# extracted into the cache with only the parts their build needs, and run from
# there. Then our corresponding suites run, and one table compares the two per
# collection (cases, pass/fail/skip, ms per case), followed by every selftest
# failure with the verdicts of our cases for the same behaviour
# (fixtures/kselftest-map). Output: results/kselftest/<id>/ (results/README.md).
#
# Environment: BUILD (our build dir), KSELFTEST_VERSION (e.g. 6.12; default:
# the newest linux-source-X.Y apt knows), BR_CACHE (default
# $XDG_CACHE_HOME/blastradius), RESULTS (default results), KSELFTEST_ID.
# Exit: 0 when no selftest failure is left without a failing case of ours or
# a reviewed explanation, 1 otherwise, 2 when the selftests cannot be built.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
RESULTS=${RESULTS:-$top/results}
cache=${BR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blastradius}/kselftest
map=$top/fixtures/kselftest-map
die() { echo "compare-kselftest: $*" >&2; exit 2; }

# Collections compared, and the suite binaries of ours that test the same
# boundaries (suite/file; a directory means all of its files).
COLLECTIONS="seccomp landlock capabilities clone3 pidfd timens mount_setattr filesystems/nsfs"
ours_for() {
	case $1 in
	seccomp) echo seccomp ;;
	landlock) echo landlock ;;
	capabilities) echo caps ;;
	clone3) echo ns/pid ns/user ;;
	pidfd) echo ns/setns ns/pid ;;
	timens) echo ns/time ;;
	mount_setattr) echo ns/mnt lib/mount userns/maps ;;
	filesystems/nsfs) echo ns/setns ns/user fhandle/nsfs ;;
	esac
}
# Benchmarks measure speed, not a boundary.
not_a_boundary() { case $1 in *benchmark* | *gettime_perf*) return 0 ;; esac; return 1; }

# ---- the source: the newest linux-source-X.Y unless told ----
if [ -z "${KSELFTEST_VERSION:-}" ]; then
	KSELFTEST_VERSION=$(apt-cache search --names-only '^linux-source-[0-9]+\.[0-9]+$' |
		sed -n 's/^linux-source-\([0-9.]*\) .*/\1/p' | sort -V | tail -1)
	[ -n "$KSELFTEST_VERSION" ] || die "apt knows no linux-source-X.Y package (apt-get update?)"
fi
pkg=linux-source-$KSELFTEST_VERSION
tarball=/usr/src/$pkg.tar.xz
sh "$top/runners/deps.sh" "$pkg:$tarball" libcap-dev:/usr/include/sys/capability.h \
	libcap-ng-dev:/usr/include/cap-ng.h libmount-dev:/usr/include/libmount/libmount.h \
	make:make xz-utils:xz rsync:rsync || die "cannot install $pkg and the selftests' build dependencies"
pkgver=$(dpkg-query -W -f '${Version}' "$pkg")
src=$cache/$pkgver/$pkg
inst=$cache/$pkgver/install

# ---- extract only what `make headers` and the selftests' build read ----
if [ ! -e "$src/.extracted" ]; then
	rm -rf "$src" && mkdir -p "$cache/$pkgver"
	echo "compare-kselftest: extracting $pkg $pkgver" >&2
	tar -xJf "$tarball" -C "$cache/$pkgver" "$pkg/Makefile" "$pkg/Kbuild" "$pkg/Kconfig" \
		"$pkg/scripts" "$pkg/include" "$pkg/arch/x86" "$pkg/arch/Kconfig" "$pkg/usr" "$pkg/tools" ||
		die "cannot extract $tarball"
	touch "$src/.extracted"
fi
if [ ! -e "$src/.headers" ]; then
	echo "compare-kselftest: make headers" >&2
	make -s -C "$src" -j2 headers >"$cache/$pkgver/headers.log" 2>&1 ||
		die "make headers failed: $cache/$pkgver/headers.log"
	touch "$src/.headers"
fi

# ---- build and install the selftests (a collection may have moved: nsfs) ----
targets=
for c in $COLLECTIONS; do
	if [ -d "$src/tools/testing/selftests/$c" ]; then t=$c
	elif [ -d "$src/tools/testing/selftests/${c##*/}" ]; then t=${c##*/}
	else echo "compare-kselftest: $pkg has no selftests/$c" >&2; continue; fi
	targets="$targets $t"
done
if [ ! -e "$inst/.built" ] || [ "$(cat "$inst/.built")" != "$targets" ]; then
	echo "compare-kselftest: building selftests:$targets" >&2
	rm -rf "$inst"
	make -C "$src/tools/testing/selftests" -j2 TARGETS="$targets" install INSTALL_PATH="$inst" \
		>"$cache/$pkgver/build.log" 2>&1 || die "selftests build failed: $cache/$pkgver/build.log"
	echo "$targets" >"$inst/.built"
fi
# the top-level make goes on when one collection's install fails
[ -s "$inst/kselftest-list.txt" ] || die "no selftest built: $cache/$pkgver/build.log"
for t in $(tr ':' '/' <"$inst/kselftest-list.txt"); do
	[ -x "$inst/$t" ] || die "selftest $t was not built or installed: $cache/$pkgver/build.log"
done

# ---- results dir ----
id=${KSELFTEST_ID:-$(date -u +%Y%m%dT%H%M%SZ)}
out=$RESULTS/kselftest/$id
mkdir -p "$out/selftests" "$out/ours"
rows=$out/.cases.tsv # side collection binary case verdict binary_ms
: >"$rows"
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# KTAP/TAP result lines of one binary's output -> rows. A binary that prints
# no result line counts as one case named after itself, from its exit status.
collect() { # SIDE COLLECTION BINARY FILE RC MS
	awk -v side="$1" -v coll="$2" -v bin="$3" -v rc="$5" -v ms="$6" '
		/^(not )?ok [0-9]+ / {
			v = /^not ok/ ? "fail" : "pass"
			line = $0; sub(/^(not )?ok [0-9]+ /, "", line)
			name = line; sub(/ *#.*/, "", name)
			if (line ~ /# *(SKIP|skip)/) v = "skip"
			else if (line ~ /# *XFAIL/) v = "pass"
			else if (line ~ /# *ERROR/) v = "fail"
			print side "\t" coll "\t" bin "\t" name "\t" v "\t" ms; n++
		}
		END { if (!n) print side "\t" coll "\t" bin "\t" bin "\t" (rc == 0 ? "pass" : rc == 4 ? "skip" : "fail") "\t" ms }
	' "$4" >>"$rows"
}

# ---- run the selftests, each binary from its own installed directory ----
for c in $targets; do
	coll=$c
	case " $COLLECTIONS " in *" $c "*) ;; *) coll=filesystems/$c ;; esac
	for b in $(sed -n "s|^$c:||p" "$inst/kselftest-list.txt"); do
		not_a_boundary "$b" && continue
		f=$out/selftests/$(echo "$c" | tr / _).$b.tap
		t0=$(now_ms)
		rc=0
		(cd "$inst/$c" && timeout 300 "./$b") >"$f" 2>&1 </dev/null || rc=$?
		collect selftest "$coll" "$b" "$f" "$rc" $(($(now_ms) - t0))
	done
done

# ---- run ours (each binary once, even when two collections share it) ----
done_bins=
for c in $COLLECTIONS; do
	for o in $(ours_for "$c"); do
		for bin in "$BUILD/suites/$o" "$BUILD"/suites/"$o"/*; do
			[ -f "$bin" ] && [ -x "$bin" ] || continue
			name=${bin#"$BUILD/suites/"}
			f=$out/ours/$(echo "$name" | tr / .).ktap
			case " $done_bins " in *" $name "*) continue ;; esac
			done_bins="$done_bins $name"
			t0=$(now_ms)
			rc=0
			"$bin" >"$f" 2>&1 </dev/null || rc=$?
			collect ours "-" "$name" "$f" "$rc" $(($(now_ms) - t0))
		done
	done
done
for c in $COLLECTIONS; do echo "$c $(ours_for "$c")"; done >"$out/.ours-map"

# ---- the table, the disagreements and compare.json ----
awk -F '\t' -v out="$out" -v kernel="$(uname -r)" -v src="$pkg $pkgver" -v id="$id" '
	function jesc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); return s }
	function glob2re(g) { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); gsub(/\?/, ".", g); return "^" g "$" }
	FILENAME ~ /\.ours-map$/ { split($0, w, " "); for (i = 2; i in w; i++) mapped[w[1]] = mapped[w[1]] " " w[i]; ncoll++; colls[ncoll] = w[1]; next }
	FILENAME ~ /kselftest-map$/ {
		if ($0 ~ /^[ \t]*(#|$)/) next
		n = split($0, w, /[ \t]+/); nm++
		msel[nm] = w[1]; mours[nm] = w[2]; mnote[nm] = ""
		for (i = 3; i <= n; i++) mnote[nm] = mnote[nm] (i > 3 ? " " : "") w[i]
		next
	}
	{
		side = $1; coll = $2; bin = $3; cas = $4; v = $5; ms = $6
		nr++; S[nr] = side; C[nr] = coll; B[nr] = bin; K[nr] = cas; V[nr] = v
		key = side SUBSEP bin
		if (!(key in bcases)) { nb++; border[nb] = key; bms[key] = ms; bcoll[key] = coll }
		bcases[key]++; bv[key, v]++
		if (side == "ours") { ourv[cas] = v; ourbin[cas] = bin }
	}
	END {
		# per collection: the selftests binaries of that collection; ours: its mapped suites
		printf "%-18s | %-32s | %-32s\n", "collection", "kernel selftests (" src ")", "blastradius suites"
		printf "%-18s | %6s %5s %5s %5s %7s | %6s %5s %5s %5s %7s\n", "", "cases", "pass", "fail", "skip", "ms/case", "cases", "pass", "fail", "skip", "ms/case"
		for (ci = 1; ci <= ncoll; ci++) {
			c = colls[ci]
			for (s = 0; s < 2; s++) { N[s] = P[s] = F[s] = SK[s] = M[s] = 0 }
			for (i = 1; i <= nb; i++) {
				split(border[i], kk, SUBSEP); sd = kk[1]; b = kk[2]
				s = -1
				if (sd == "selftest" && bcoll[border[i]] == c) s = 0
				if (sd == "ours") { split(mapped[c], ob, " "); for (j in ob) if (b == ob[j] || index(b, ob[j] "/") == 1) s = 1 }
				if (s < 0) continue
				N[s] += bcases[border[i]]; P[s] += bv[border[i], "pass"]; F[s] += bv[border[i], "fail"]
				SK[s] += bv[border[i], "skip"]; M[s] += bms[border[i]]
			}
			printf "%-18s | %6d %5d %5d %5d %7.2f | %6d %5d %5d %5d %7.2f\n", c, N[0], P[0], F[0], SK[0], N[0] ? M[0] / N[0] : 0, N[1], P[1], F[1], SK[1], N[1] ? M[1] / N[1] : 0
			rowj = rowj (rowj ? ",\n" : "") sprintf("  {\"collection\":\"%s\",\"ours\":\"%s\",\"selftests\":{\"cases\":%d,\"pass\":%d,\"fail\":%d,\"skip\":%d,\"ms\":%d},\"blastradius\":{\"cases\":%d,\"pass\":%d,\"fail\":%d,\"skip\":%d,\"ms\":%d}}", c, jesc(substr(mapped[c], 2)), N[0], P[0], F[0], SK[0], M[0], N[1], P[1], F[1], SK[1], M[1])
		}
		for (i = 1; i <= nb; i++) {
			split(border[i], kk, SUBSEP)
			binj = binj (binj ? ",\n" : "") sprintf("  {\"side\":\"%s\",\"collection\":\"%s\",\"binary\":\"%s\",\"cases\":%d,\"pass\":%d,\"fail\":%d,\"skip\":%d,\"ms\":%d,\"ms_per_case\":%.3f}", kk[1] == "ours" ? "blastradius" : "selftests", bcoll[border[i]], jesc(kk[2]), bcases[border[i]], bv[border[i], "pass"], bv[border[i], "fail"], bv[border[i], "skip"], bms[border[i]], bms[border[i]] / bcases[border[i]])
		}
		# every selftest failure, judged against fixtures/kselftest-map
		print "\nselftest failures and our verdicts for the same behaviour:"
		bad = 0
		for (i = 1; i <= nr; i++) {
			if (S[i] != "selftest" || V[i] != "fail") continue
			sel = C[i] ":" B[i] ":" K[i]; status = "unmapped"; note = "no case of ours checks this behaviour"; ours = ""
			for (m = 1; m <= nm; m++) {
				if (sel !~ glob2re(msel[m])) continue
				note = mnote[m]
				if (mours[m] == "-") { status = "explained"; break }
				status = "DISAGREE"
				re = glob2re(mours[m]); nother = 0; shown = ""
				for (o in ourv) if (o ~ re) {
					ours = ours (ours ? " " : "") o "=" ourv[o]
					if (ourv[o] == "fail") { status = "agree"; shown = shown (shown ? " " : "") o; answered[o] = 1 }
					else nother++
				}
				if (ours == "") note = "mapped to " mours[m] ", but no such case ran; " note
				break
			}
			if (status == "unmapped" || status == "DISAGREE") bad++
			if (status == "agree") shown = "fail: " shown (nother ? sprintf(" (+%d related that pass or skip)", nother) : "")
			else shown = ours
			printf "  %-9s %s\n            ours: %s\n            %s\n", status, sel, shown ? shown : "(none)", note
			disj = disj (disj ? ",\n" : "") sprintf("  {\"selftest\":\"%s\",\"status\":\"%s\",\"ours\":\"%s\",\"note\":\"%s\"}", jesc(sel), status == "DISAGREE" ? "disagree" : status, jesc(ours), jesc(note))
		}
		print "\nour failures (\"ours only\": no selftest failure above answers to it):"
		for (o in ourv) if (ourv[o] == "fail") printf "  %s%s\n", o, (o in answered) ? "" : "   ours only"
		printf "\n%d selftest failure(s) that our suites pass, skip or do not test\n", bad
		j = out "/compare.json.tmp"
		printf "{\"id\":\"%s\",\"kernel\":\"%s\",\"selftests_source\":\"%s\",\n\"collections\":[\n%s\n],\n\"binaries\":[\n%s\n],\n\"selftest_failures\":[\n%s\n],\n\"unresolved\":%d}\n", id, jesc(kernel), jesc(src), rowj, binj, disj, bad > j
		close(j)
		exit(bad ? 1 : 0)
	}
' "$out/.ours-map" "$map" "$rows" >"$out/table.txt.tmp" && rc=0 || rc=$?
# awk's "for in" order is arbitrary: our failures sorted for stable output
awk '/^our failures/ { print; f = 1; next } f && /^  / { print | "sort"; next } { if (f) { close("sort"); f = 0 } print }' \
	"$out/table.txt.tmp" >"$out/table.txt.sorted" && mv "$out/table.txt.sorted" "$out/table.txt.tmp"
mv "$out/compare.json.tmp" "$out/compare.json"
mv "$out/table.txt.tmp" "$out/table.txt"
mv "$rows" "$out/cases.tsv"
rm -f "$out/.ours-map"
cat "$out/table.txt"
echo "compare-kselftest: $out/compare.json" >&2
exit "$rc"
