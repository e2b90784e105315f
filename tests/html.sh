#!/bin/bash
# html.sh: a results folder's index.html, opened in headless Chromium
# (Debian's chromium package), reads as a user would see it: every image
# loaded, no error, relative links only. Then one chart taken away: the
# page must say an image failed (the check can fail).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BROWSER=$(command -v chromium || command -v chromium-browser)
if [ -z "$BROWSER" ]; then
    fail "chromium is missing (make test installs Debian's chromium package)"
    finish
    exit 1
fi

cp -r "$ROOT/results/example" "$SCRATCH/run"
# The example keeps its charts, not the data they were drawn from: list
# them again (plot/charts.txt) without redrawing.
python3 "$ROOT/scripts/plotdata.py" "$SCRATCH/run" >/dev/null
python3 "$ROOT/scripts/htmlreport.py" "$SCRATCH/run"
expect "htmlreport.py writes index.html" test -s "$SCRATCH/run/index.html"
page="$SCRATCH/run/index.html"
expect "relative links only" bash -c "! grep -Eo '(src|href)=\"[^\"]*\"' '$page' | grep -Eq '=\"(/|[a-z]+:)'"
expect "every chart of the run is on the page" bash -c '
    while read -r _ c; do grep -q "src=\"$c.png\"" "$0" || exit 1; done <"$1"' "$page" "$SCRATCH/run/plot/charts.txt"

# open PAGE [WIDTH]: the DOM once loaded, in a window WIDTH px wide (the
# page writes what it saw on <body>: images loaded, errors, and whether
# anything is wider than the window).
open_page() {
    timeout 60 "$BROWSER" --headless --no-sandbox --disable-gpu --user-data-dir="$SCRATCH/chrome" \
        --disable-background-networking --disable-component-update --disable-sync --no-first-run \
        --window-size="${2:-1280},900" \
        --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom "file://$1" \
        2>"$SCRATCH/chrome.err"
}
images=$(grep -o '<img ' "$page" | wc -l)
for width in 1280 390; do
    dom=$(open_page "$page" $width)
    seen=$(grep -o 'data-images="[0-9]*/[0-9]*"' <<<"$dom")
    errs=$(grep -o 'data-errors="[0-9]*"' <<<"$dom")
    wide=$(grep -o 'data-overflow="[a-z]*"' <<<"$dom")
    echo "  Chromium at $width px: $seen $errs $wide ($images <img> in the page)"
    expect "at $width px Chromium loaded every image ($seen of $images)" \
        test "$seen" = "data-images=\"$images/$images\"" -a "$images" -gt 5
    expect "at $width px Chromium saw no error ($errs)" test "$errs" = 'data-errors="0"'
    expect "at $width px nothing is wider than the window ($wide)" test "$wide" = 'data-overflow="false"'
done
expect "the page has the report, the tables and the machine" \
    bash -c "grep -q 'id=\"report\"' <<<'$(echo "$dom" | tr -d "'")' && grep -q 'id=\"machine\"' '$page' && grep -q '<table>' '$page'"
if [ -f "$SCRATCH/run/lessons.json" ]; then
    expect "the page leads with the lessons" \
        test "$(grep -o 'id="lessons"\|id="report"' "$page" | head -1)" = 'id="lessons"'
    for id in $(jq -r '.lessons[].id' "$SCRATCH/run/lessons.json"); do
        expect "the page shows lesson $id's chart" grep -q "src=\"lessons/$id.png\"" "$page"
    done
fi

rm "$SCRATCH/run/io.png"
dom=$(open_page "$page")
seen=$(grep -o 'data-images="[0-9]*/[0-9]*"' <<<"$dom")
expect "with io.png gone the page says an image failed ($seen)" \
    test "$seen" != "data-images=\"$images/$images\"" -a -n "$seen"
finish
