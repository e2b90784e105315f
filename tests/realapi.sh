#!/bin/bash
# realapi.sh: an API shaped like the course's (tests/gallery.py): every
# request needs 'Authorization: Client-ID ...', the links sit at
# data.items[].media.href, and only the images are wanted. For every
# strategy:
#  - with --header, --links-path and --filter type=image/*: exactly the 6
#    images of 9 items saved, each request carrying the header;
#  - the token appears nowhere in the result or on stderr, only
#    "Authorization: <hidden>"; with --show-headers the result records it;
#  - without the header: the index gets 401, exit 2 naming the status;
#  - a malformed header, path or filter: exit 2, the token not echoed.
. "$(dirname "$0")/lib.sh"
TOKEN=s3cr3t-t0ken-4711
python3 "$(dirname "$0")/gallery.py" --token $TOKEN --items 9 --log "$SCRATCH/requests.log" \
    >"$SCRATCH/gallery.out" 2>"$SCRATCH/gallery.err" &
GALLERY_PID=$!
trap 'kill $GALLERY_PID 2>/dev/null; wait $GALLERY_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do
    API=$(sed -n 's/^listening on //p' "$SCRATCH/gallery.out")
    [ -n "$API" ] && break
    sleep 0.05
done
[ -n "$API" ] || { echo "gallery.py did not start:"; cat "$SCRATCH/gallery.err"; exit 1; }

shape=(--url "$API/3/gallery" --links-path 'data.items[].media.href' --filter 'type=image/*')
for st in $(jq -r '.strategies[].name' "$LIST_JSON"); do
    : >"$SCRATCH/requests.log"
    "$CONCBENCH" run --workload io --strategy "$st" --workers 3 "${shape[@]}" \
        --header "Authorization: Client-ID $TOKEN" --out "$SCRATCH/dl-$st" --json \
        >"$SCRATCH/$st.json" 2>"$SCRATCH/$st.err"
    rc=$?
    expect "$st: exit 0 with the header (rc $rc: $(head -c 300 "$SCRATCH/$st.err"))" test $rc -eq 0
    expect "$st: the 6 images of 9 items, all ok" jq_true '.tasks == 6 and .ok == 6' "$SCRATCH/$st.json"
    expect "$st: no video saved" bash -c "[ \$(ls '$SCRATCH/dl-$st' | wc -l) -eq 6 ] && ! ls '$SCRATCH/dl-$st' | grep -Eq 'm(2|5|8)\\.bin'"
    # (The index once per process that reads it: an mpi rank reads its own.)
    expect "$st: every request carried the header, 6 files fetched" \
        bash -c "[ \$(grep -vc 'Client-ID $TOKEN\$' '$SCRATCH/requests.log') -eq 0 ] &&
                 [ \$(grep -c '^/media/' '$SCRATCH/requests.log') -eq 6 ]"
    expect "$st: the token is nowhere in the result or on stderr" \
        bash -c "! grep -q '$TOKEN' '$SCRATCH/$st.json' '$SCRATCH/$st.err'"
    expect "$st: the result shows the header's name only" \
        jq_true '.params.header == ["Authorization: <hidden>"]' "$SCRATCH/$st.json"
done
"$CONCBENCH" run --workload io --strategy threads --workers 2 "${shape[@]}" \
    --header "Authorization: Client-ID $TOKEN" --show-headers --out "$SCRATCH/dl-show" --json >"$SCRATCH/show.json"
expect "--show-headers: the result records the header as given" \
    test "$(jq -r '.params.header[0]' "$SCRATCH/show.json")" = "Authorization: Client-ID $TOKEN"
"$CONCBENCH" run --workload io --strategy threads "${shape[@]}" --out "$SCRATCH/dl-none" \
    >/dev/null 2>"$SCRATCH/none.err"
rc=$?
expect "no header: exit 2 naming HTTP 401 (rc $rc: $(cat "$SCRATCH/none.err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'HTTP status 401' '$SCRATCH/none.err'"
"$CONCBENCH" run --workload io --strategy threads --url "$API/3/gallery" \
    --header "Authorization: Client-ID $TOKEN" --out "$SCRATCH/dl-shape" >/dev/null 2>"$SCRATCH/shape.err"
expect "the default shape on another API: exit 2, no \"data\" array named" \
    bash -c "[ $? -eq 2 ] && grep -q 'data' '$SCRATCH/shape.err'"
for bad in "--header Authorization" "--header 'X-Token'\$'\\n''evil: 1'" "--links-path data.items.media" \
    "--filter type" "--filter type=image/gif"; do
    eval "args=($bad)"
    "$CONCBENCH" run --workload io --strategy threads --url "$API/3/gallery" \
        --links-path 'data.items[].media.href' --header "Authorization: Client-ID $TOKEN" \
        "${args[@]}" --out "$SCRATCH/dl-bad" >/dev/null 2>"$SCRATCH/bad.err"
    rc=$?
    expect "$bad: exit 2 with a message (rc $rc: $(head -1 "$SCRATCH/bad.err"))" \
        bash -c "[ $rc -eq 2 ] && [ -s '$SCRATCH/bad.err' ] && ! grep -q '$TOKEN' '$SCRATCH/bad.err'"
done
finish
