# timing.sh: comparisons of speed that hold on a busy machine. Source it
# after lib.sh.
#
# The contenders run in turn, A B C A B C ..., for ROUNDS rounds, so a
# neighbour's burst of load lands on all of them alike. Each sample is one
# `concbench run --json`, timed by its own in-process clock (wall_s), and
# sized by the caller to last at least 0.3 s. A claim is checked on the
# median of the per-round ratios, never on one sample, and every sample is
# printed. When a claim falls short, the whole comparison is measured
# again, up to three times, before the test fails.

ROUNDS=${ROUNDS:-5}

# interleave NAME... : run the shell function run_NAME for each NAME in
# turn, ROUNDS times; each prints one JSON result. The samples go to
# $SCRATCH/t-NAME, one wall_s a line.
interleave() {
    local name round
    for name in "$@"; do : >"$SCRATCH/t-$name"; done
    for round in $(seq 1 "$ROUNDS"); do
        local line="round $round:"
        for name in "$@"; do
            if ! "run_$name" >"$SCRATCH/r-$name.json"; then
                echo "  $name failed: $(head -c 300 "$SCRATCH/r-$name.json")"
                echo nan >>"$SCRATCH/t-$name"
                continue
            fi
            local w
            w=$(jq -r .wall_s "$SCRATCH/r-$name.json")
            echo "$w" >>"$SCRATCH/t-$name"
            line="$line $name $w s"
        done
        echo "  $line"
    done
}

# median_ratio A B: the median over rounds of (A's sample / B's sample).
median_ratio() {
    paste "$SCRATCH/t-$1" "$SCRATCH/t-$2" |
        awk '$1 != "nan" && $2 != "nan" && $2 > 0 { print $1 / $2 }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
              else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# claim WHAT A B OP LIMIT: the median of A/B against LIMIT (OP is >= or
# <=). Prints the ratio; true when it holds.
claim() {
    local what=$1 r
    r=$(median_ratio "$2" "$3")
    echo "  $what: median $2/$3 = $r (want $4 $5)"
    awk -v r="$r" -v op="$4" -v lim="$5" \
        'BEGIN { if (r == "nan") exit 1; exit !(op == ">=" ? r >= lim : r <= lim) }'
}

# measure_until_holds: call `measure` then `claims` (both defined by the
# test) up to three times, until every claim holds; then count the claims
# of the last attempt with expect.
measure_until_holds() {
    local attempt
    for attempt in 1 2 3; do
        echo "attempt $attempt of 3:"
        measure
        if claims >/dev/null 2>&1; then
            break
        fi
        claims
        echo "  a claim fell short; measuring again"
    done
    CLAIM_EXPECT=1 claims
}

# check WHAT A B OP LIMIT: inside claims(): a claim, counted by expect on
# the final pass.
check() {
    if [ "${CLAIM_EXPECT:-0}" = 1 ]; then
        expect "$1" claim "$@"
    else
        claim "$@"
    fi
}
