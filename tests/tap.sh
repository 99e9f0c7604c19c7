# Tiny TAP emitter for tests/*.t (bash). Source it, call ok/fail/skip, then done_testing.
_tap_n=0
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# check DESC CMD...: ok when CMD exits 0
check() { local d=$1 o=${TMPDIR:-/tmp}/br-tap.$$; shift; if "$@" >"$o" 2>&1; then ok "$d"; else not_ok "$d" "$(tail -5 "$o")"; fi; rm -f "$o"; }
done_testing() { echo "1..$_tap_n"; exit 0; }
# at_exit CMD: run the shell text CMD when the script exits. Calls compose (the
# latest runs first): a second `trap ... EXIT` would replace the first.
_tap_at_exit=:
at_exit() { _tap_at_exit="$1; $_tap_at_exit"; trap "$_tap_at_exit" EXIT; }
# The repository root and its build dir, whatever the cwd.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
nobody() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"); }
# A copy of the build that uid 65534 can execute, wherever the checkout lives.
nobody_build() {
	if [ -z "${NBUILD:-}" ]; then
		NBUILD=$(mktemp -d "${TMPDIR:-/tmp}/br-nobody.XXXXXX")
		at_exit 'rm -rf "$NBUILD"'
		cp -a "$BUILD"/. "$NBUILD"/
		chmod -R a+rX "$NBUILD"
	fi
}
# shot URL PNG WxH: a screenshot by Debian's headless chromium (a fresh profile each time).
shot() {
	local prof rc
	prof=$(mktemp -d "${TMPDIR:-/tmp}/br-chromium.XXXXXX")
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --hide-scrollbars --window-size="${3/x/,}" --screenshot="$2" "$1"
	rc=$?
	rm -rf "$prof"
	return $rc
}
# png_count PNG RRGGBB: how many pixels of the PNG (8-bit RGB/RGBA) have that colour.
png_count() {
	python3 - "$@" <<'EOF'
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read(); assert d[:8] == b'\x89PNG\r\n\x1a\n'
want = bytes.fromhex(sys.argv[2])
pos, idat = 8, b''
while pos < len(d):
    n, t = struct.unpack('>I4s', d[pos:pos + 8]); body = d[pos + 8:pos + 8 + n]; pos += 12 + n
    if t == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif t == b'IDAT': idat += body
bpp = {2: 3, 6: 4}[ctype]; raw = zlib.decompress(idat); stride = w * bpp
prev = bytearray(stride); count = 0; i = 0
for y in range(h):
    f = raw[i]; row = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = row[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: row[x] = (row[x] + a) & 255
        elif f == 2: row[x] = (row[x] + b) & 255
        elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    count += sum(1 for x in range(0, stride, bpp) if bytes(row[x:x + 3]) == want)
    prev = row
print(count)
EOF
}
