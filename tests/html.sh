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

# open PAGE: the DOM once loaded (the page writes what it saw on <body>).
open_page() {
    timeout 60 "$BROWSER" --headless --no-sandbox --disable-gpu --user-data-dir="$SCRATCH/chrome" \
        --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom "file://$1" \
        2>"$SCRATCH/chrome.err"
}
images=$(grep -o '<img ' "$page" | wc -l)
dom=$(open_page "$page")
seen=$(grep -o 'data-images="[0-9]*/[0-9]*"' <<<"$dom")
errs=$(grep -o 'data-errors="[0-9]*"' <<<"$dom")
echo "  Chromium: $seen $errs ($images <img> in the page)"
expect "Chromium loaded every image ($seen of $images)" test "$seen" = "data-images=\"$images/$images\"" -a "$images" -gt 5
expect "Chromium saw no error ($errs)" test "$errs" = 'data-errors="0"'
expect "the page has the report, the tables and the machine" \
    bash -c "grep -q 'id=\"report\"' <<<'$(echo "$dom" | tr -d "'")' && grep -q 'id=\"machine\"' '$page' && grep -q '<table>' '$page'"

rm "$SCRATCH/run/io.png"
dom=$(open_page "$page")
seen=$(grep -o 'data-images="[0-9]*/[0-9]*"' <<<"$dom")
expect "with io.png gone the page says an image failed ($seen)" \
    test "$seen" != "data-images=\"$images/$images\"" -a -n "$seen"
finish
