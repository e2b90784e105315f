#!/bin/bash
# lesson.sh: `concbench lesson`, its machinery and not the speed of the
# hour: the declared lessons, the verdict rules on recorded samples
# (--replay: nothing runs, so nothing can flake), the JSON a run writes,
# a budget that stops the rounds, and the errors.
. "$(dirname "$0")/lib.sh"
B=$CONCBENCH

# The lessons the course needs are declared, each complete.
"$B" lesson list --json >"$SCRATCH/list.json"
expect "lesson list --json exits 0 and parses" jqe '.lessons | length > 0' "$SCRATCH/list.json"
for id in completion-order threads-io gil-cpu gil-io race chunks pool-makespan gather pool-map \
          process-memory message-passing memory-wall hybrid; do
    expect "lesson $id is declared" jqe --arg id "$id" '.lessons[] | select(.id == $id)' "$SCRATCH/list.json"
done
incomplete=$(jq -r '.lessons[] | select((.claim | length) == 0 or (.notebook | length) == 0
                     or (.parts | length) == 0 or (.series | length) == 0 or .seed == null) | .id' "$SCRATCH/list.json")
expect "every lesson has a claim, a notebook, series, parts and a seed ($incomplete)" test -z "$incomplete"
expect "lesson list names them all" \
    test "$("$B" lesson list | awk '{print $1}')" = "$(jq -r '.lessons[].id' "$SCRATCH/list.json")"

# Errors: one line, exit 2.
"$B" lesson chunk 2>"$SCRATCH/err"; rc=$?
expect "an unknown lesson exits 2 with a did-you-mean ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -eq 2 ] && grep -q 'did you mean chunks' '$SCRATCH/err'"
"$B" lesson race --budget 0 2>"$SCRATCH/err"; rc=$?
expect "--budget 0 is refused" test $rc -eq 2
"$B" lesson race --frob 2>"$SCRATCH/err"; rc=$?
expect "an unknown option is refused" test $rc -eq 2
"$B" lesson --replay "$SCRATCH/none.json" 2>"$SCRATCH/err"; rc=$?
expect "--replay of a missing file exits 2" test $rc -eq 2

# A real run of a lesson that cannot be contradicted (a race that did not
# show is no evidence it is absent): the JSON's shape, and --out.
"$B" lesson race --json --quiet --out "$SCRATCH/out" >"$SCRATCH/race.json"; rc=$?
expect "lesson race exits 0 (it cannot be contradicted): $rc" test $rc -eq 0
expect "race's JSON has what the issue names" jqe '
    .rounds as $n | (.id == "race") and (.claim | length > 0) and (.seed == 1)
    and (.verdict | IN("holds", "inconclusive")) and (.statistic | length > 0)
    and (.ci | length == 2) and ($n >= 1) and (.load.per_round | length == $n)
    and (.parts | length == 2) and (.parts[0].values | length == $n)' "$SCRATCH/race.json"
expect "--out wrote the same lesson" jqe '.id == "race"' "$SCRATCH/out/race.json"
expect "--out left no temporary file ($(ls -A "$SCRATCH/out" | tr '\n' ' '))" \
    test -z "$(ls -A "$SCRATCH/out" | grep -vxE 'race\.(json|png|svg)')"
if command -v gnuplot >/dev/null; then
    expect "--out drew race.png" test "$(head -c 4 "$SCRATCH/out/race.png" | od -An -c | tr -d ' \n')" = 211PNG
    expect "--out drew race.svg" grep -q '<svg' "$SCRATCH/out/race.svg"
    # The PNG header's width and height (big-endian, bytes 16..23).
    size=$(od -An -tu1 -j16 -N8 "$SCRATCH/out/race.png" | awk '{print ($3 * 256 + $4) "x" ($7 * 256 + $8)}')
    expect "the chart is 1280 x 720 ($size)" test "$size" = 1280x720
fi

# Replaying what was recorded gives the recorded verdict, bit for bit:
# the run judged the values as its file carries them.
"$B" lesson --replay "$SCRATCH/race.json" --json >"$SCRATCH/replayed.json"
judged='[.verdict, .estimate, .ci, [.parts[] | .estimate, .ci]]'
expect "replay: same verdict, estimate and interval, part by part" \
    test "$(jq -c "$judged" "$SCRATCH/replayed.json")" = "$(jq -c "$judged" "$SCRATCH/race.json")"

# The rules, on crafted samples. replay_with FILE JQ-FILTER: the verdict
# and exit status of the recorded lesson with its values rewritten.
replay_with() {
    jq "$2" "$1" >"$SCRATCH/crafted.json"
    "$B" lesson --replay "$SCRATCH/crafted.json" --json >"$SCRATCH/crafted.out" 2>"$SCRATCH/crafted.err"
    echo "$? $(jq -r .verdict "$SCRATCH/crafted.out" 2>/dev/null)"
}
quiet='.load.per_round = [range(.rounds) | {"loadavg_1m": 0, "runnable": 1}]'
six='.rounds = 6'
# race: part 0 "updates lost" holds above 0; part 1 "lost with an atomic
# add" holds below 1e-9, contradicted above 0.
expect "all rounds lose updates, the atomic add none: holds, exit 0" \
    test "$(replay_with "$SCRATCH/race.json" "$six | .parts[0].values = [3,4,5,6,7,8] | .parts[1].values = [0,0,0,0,0,0] | $quiet")" = "0 holds"
expect "an atomic add that loses updates: contradicted, exit 1" \
    test "$(replay_with "$SCRATCH/race.json" "$six | .parts[0].values = [3,4,5,6,7,8] | .parts[1].values = [1,2,1,2,1,2] | $quiet")" = "1 contradicted"
expect "a race that never showed is inconclusive, never contradicted" \
    test "$(replay_with "$SCRATCH/race.json" "$six | .parts[0].values = [0,0,0,0,0,0] | .parts[1].values = [0,0,0,0,0,0] | $quiet")" = "0 inconclusive"
expect "five rounds decide nothing (no 95 % interval)" \
    test "$(replay_with "$SCRATCH/race.json" ".rounds = 5 | .parts[0].values = [3,4,5,6,7] | .parts[1].values = [0,0,0,0,0] | .load.per_round = [range(5) | {\"runnable\": 1}]")" = "0 inconclusive"
expect "... and the reason says so" grep -q 'a 95 % interval needs 6' "$SCRATCH/crafted.out"
expect "one round straddling the line keeps it open" \
    test "$(replay_with "$SCRATCH/race.json" "$six | .parts[0].values = [0,4,5,6,7,8] | .parts[1].values = [0,0,0,0,0,0] | $quiet")" = "0 inconclusive"

# A claim that needs free cores is not contradicted by rounds a
# neighbour shared; the same rounds on a quiet machine contradict it.
hyb='{"id":"hybrid","seed":1,"rounds":6,"parts":[{"values":[0.8,0.82,0.79,0.81,0.8,0.83]}]}'
echo "$hyb" | jq '.load.per_round = [range(6) | {"runnable": 1}]' >"$SCRATCH/hyb-quiet.json"
echo "$hyb" | jq '.load.per_round = [range(6) | {"runnable": 2}]' >"$SCRATCH/hyb-busy.json"
"$B" lesson --replay "$SCRATCH/hyb-quiet.json" --json >"$SCRATCH/hq.out"; rc=$?
expect "hybrid 0.8x on a quiet machine: contradicted, exit 1" \
    test "$rc $(jq -r .verdict "$SCRATCH/hq.out")" = "1 contradicted"
"$B" lesson --replay "$SCRATCH/hyb-busy.json" --json >"$SCRATCH/hb.out"; rc=$?
expect "hybrid 0.8x with a neighbour running: inconclusive, and why" \
    bash -c "[ '$rc $(jq -r .verdict "$SCRATCH/hb.out")' = '0 inconclusive' ] && jq -e '.reason | test(\"needs the cores free\")' '$SCRATCH/hb.out' >/dev/null"

# all: a list of lessons, and a contradicted one makes the exit 1.
jq -n --slurpfile a "$SCRATCH/hq.out" --slurpfile b "$SCRATCH/race.json" '{"lessons": [$b[0], $a[0]]}' >"$SCRATCH/all.json"
"$B" lesson --replay "$SCRATCH/all.json" --json >"$SCRATCH/all.out"; rc=$?
expect "replay of a list with a contradicted lesson: exit 1, both judged" \
    test "$rc $(jq -r '[.lessons[].verdict] | join(",")' "$SCRATCH/all.out")" = "1 $(jq -r .verdict "$SCRATCH/race.json"),contradicted"

# The budget ends the rounds: pool-makespan's rounds take over a second
# each, so a 1 s budget stops it long before the six rounds an interval
# needs, and it says so instead of guessing.
"$B" lesson pool-makespan --budget 1 --json --quiet >"$SCRATCH/short.json"; rc=$?
expect "a lesson out of budget exits 0" test $rc -eq 0
expect "a lesson out of budget is inconclusive, with fewer than 6 rounds: $(jq -c '[.verdict,.rounds]' "$SCRATCH/short.json")" \
    jqe '.verdict == "inconclusive" and .rounds < 6 and (.reason | test("time budget"))' "$SCRATCH/short.json"

# Output that cannot be written is an error, not silence.
"$B" lesson --replay "$SCRATCH/race.json" --json >/dev/full 2>"$SCRATCH/err"; rc=$?
expect "--json to a full disk exits non-zero and says so ($(cat "$SCRATCH/err"))" \
    bash -c "[ $rc -ne 0 ] && grep -q 'write error' '$SCRATCH/err'"
finish
