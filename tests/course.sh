#!/bin/bash
# course.sh: the course's own programs (tests/course/notebooks.py: ports
# written for the project, making the notebooks' calls with their
# parameters) against `concbench serve`, only the base URL changed: the
# imgur downloader sequential, on Pool(8) and on 8 threads and a Queue;
# the flags downloader sequential, with executor.map and with submit +
# as_completed; Fluent Python 2e's flags2 clients (httpx: sequential,
# a thread pool, asyncio), 404s counted "not found"; Spotify's 20 albums
# with as_completed; notebook 4's 120
# pages with one session, 5 threads and asyncio. What they save is
# byte-identical to what the server serves, every image decodes as its
# type, a missing token gets 401, and concbench itself downloads and
# verifies the very same files, and the 120 pages.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
start_server --delay-ms 2
BASE=$URL
curl -s "$BASE/course/index.json" >"$SCRATCH/course.json"
expect "the course index lists the flags and the gallery's images" \
    jqe '(.data | length) > 200 and all(.data[]; .size > 0 and (.checksum | startswith("xxh3:")))' "$SCRATCH/course.json"
# name -> size checksum, for the saved files.
jq -r '.data[] | "\(.link | split("/") | last) \(.size) \(.checksum)"' "$SCRATCH/course.json" >"$SCRATCH/want.txt"

# same_as_served FILE...: every file has the size and xxh3 the server lists.
same_as_served() {
    "$PY" - "$SCRATCH/want.txt" "$@" <<'PY'
import sys, os, xxhash
want = {}
for line in open(sys.argv[1]):
    name, size, sumv = line.split()
    want[name.lower()] = (int(size), sumv)
bad = [p for p in sys.argv[2:]
       if want.get(os.path.basename(p).lower()) != (os.path.getsize(p), "xxh3:" + xxhash.xxh3_64_hexdigest(open(p, "rb").read()))]
sys.exit(1 if bad or len(sys.argv) < 3 else 0)
PY
}

for how in sequential pool queue; do
    "$PY" "$HERE/course/notebooks.py" imgur-$how "$BASE" "$SCRATCH/imgur-$how" >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
    expect "imgur $how: ran ($(tail -1 "$SCRATCH/r.err"))" test $? -eq 0
    n=$(jq '.links' "$SCRATCH/r.json")
    expect "imgur $how: the filter kept only images, and every one was saved ($n)" \
        jqe '.links > 40 and .links < 60 and (.saved | length) == .links' "$SCRATCH/r.json"
    # shellcheck disable=SC2046
    expect "imgur $how: every file byte-identical to the server's" same_as_served $(jq -r '.saved[]' "$SCRATCH/r.json")
done
if "$PY" -c 'import PIL' 2>/dev/null; then
    expect "every image the gallery lists decodes as its type and size" "$PY" - "$BASE" <<'PY'
import io, json, sys, urllib.request
from PIL import Image
req = urllib.request.Request(sys.argv[1] + "/3/gallery/random/random/", headers={"Authorization": "Client-ID x"})
fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
for it in json.load(urllib.request.urlopen(req))["data"]:
    if it.get("type") in fmt:
        im = Image.open(io.BytesIO(urllib.request.urlopen(it["link"]).read()))
        im.load()
        assert im.format == fmt[it["type"]] and im.size == (it["width"], it["height"]), it
PY
else
    fail "python3-pil is missing (make test installs it): the images were not decoded"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/3/gallery/random/random/")
expect "the gallery without a Client-ID: 401 ($code)" test "$code" = 401

for how in sequential map futures; do
    "$PY" "$HERE/course/notebooks.py" flags-$how "$BASE" "$SCRATCH/flags-$how" >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
    expect "flags $how: ran ($(tail -1 "$SCRATCH/r.err"))" test $? -eq 0
    want=20
    [ $how = futures ] && want=5
    expect "flags $how: $want flags downloaded and saved" \
        jqe --argjson n $want '.downloaded == $n and (.saved | length) == $n' "$SCRATCH/r.json"
    # shellcheck disable=SC2046
    expect "flags $how: every GIF byte-identical to the server's" same_as_served $(jq -r '.saved[]' "$SCRATCH/r.json")
done
# Fluent Python 2e's flags2 clients (httpx): the 20 codes and BA..BZ, each
# code the server lists downloaded, the others "not found", no error.
jq -r '.data[].link | capture("/flags/(?<cc>[a-z]{2})/[a-z]{2}[.]gif$").cc | ascii_upcase' \
    "$SCRATCH/course.json" | sort -u >"$SCRATCH/served-codes.txt"
for how in sequential threadpool asyncio; do
    "$PY" "$HERE/course/notebooks.py" flags2-$how "$BASE" "$SCRATCH/flags2-$how" >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
    expect "flags2 $how: ran ($(tail -1 "$SCRATCH/r.err" | tr '\r' '\n' | tail -1))" test $? -eq 0
    found=$(jq -r '.codes[]' "$SCRATCH/r.json" | sort | comm -12 - "$SCRATCH/served-codes.txt" | wc -l)
    expect "flags2 $how: the $found codes served downloaded, the rest not found, no error" \
        jqe --argjson n "$found" '.downloaded == $n and (.saved | length) == $n and $n >= 30
            and .not_found == (.codes | length) - $n and .errors == 0' "$SCRATCH/r.json"
    # shellcheck disable=SC2046
    expect "flags2 $how: every GIF byte-identical to the server's" same_as_served $(jq -r '.saved[]' "$SCRATCH/r.json")
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/flags/zz/zz.gif")
expect "an unknown country code: 404 ($code)" test "$code" = 404

"$PY" "$HERE/course/notebooks.py" spotify "$BASE" "$SCRATCH/sp" >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
expect "spotify: ran ($(tail -1 "$SCRATCH/r.err"))" test $? -eq 0
expect "spotify: 20 albums' tracks collected as they completed" jqe '.albums == 20 and .tracks >= 100' "$SCRATCH/r.json"
expect "spotify: no token, 401" jqe '.without_token == 401' "$SCRATCH/r.json"
"$PY" "$HERE/course/notebooks.py" spotify "$BASE" "$SCRATCH/sp" >"$SCRATCH/r2.json"
expect "spotify: the same names for the same albums, whatever order they completed in" \
    test "$(jq -c .names "$SCRATCH/r.json")" = "$(jq -c .names "$SCRATCH/r2.json")"

for how in sequential threads asyncio; do
    "$PY" "$HERE/course/notebooks.py" pages-$how "$BASE" "$SCRATCH/p" >"$SCRATCH/r.json" 2>"$SCRATCH/r.err"
    expect "120 pages, $how: all read ($(tail -1 "$SCRATCH/r.err"))" jqe '.pages == 120 and .read == 120' "$SCRATCH/r.json"
done

# concbench itself: the course's files, verified; the 120 pages as a list.
"$CONCBENCH" run --workload io --strategy threads --workers 8 --url "$BASE/course/index.json" \
    --out "$SCRATCH/cb" --json >"$SCRATCH/cb.json"
expect "concbench downloads and verifies every course file" \
    jqe '.failed == 0 and .verified == true and .ok == (.tasks)' "$SCRATCH/cb.json"
"$CONCBENCH" run --workload io --strategy threads --workers 4 --url "$BASE/3/gallery/random/random/" \
    --header 'Authorization: Client-ID x' --filter 'type=image/*' --out "$SCRATCH/gal" --json >"$SCRATCH/gal.json"
expect "concbench reads imgur's gallery as the notebook does (Client-ID, type filter), verified" \
    jqe '.failed == 0 and .verified == true and .ok > 40' "$SCRATCH/gal.json"
for k in $(seq 1 60); do echo "$BASE/flags/br/br.gif"; echo "$BASE/course/index.json"; done >"$SCRATCH/pages.txt"
"$CONCBENCH" run --workload io --strategy threads --workers 5 --links "$SCRATCH/pages.txt" --discard --json >"$SCRATCH/pg.json"
expect "concbench run --links of the 120 pages: 120 ok" jqe '.ok == 120 and .failed == 0' "$SCRATCH/pg.json"
finish
