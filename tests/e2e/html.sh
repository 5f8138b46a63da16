#!/bin/sh
# html.sh -- end-to-end test of the HTML report in a real browser.
#
#   sh tests/e2e/html.sh BUILD/ldt-advisor
#
# Renders the report of examples/answers.ini (big-city-platform) and loads
# it in headless Chromium (Debian package `chromium`, installed here with
# apt-get when missing and allowed):
#   - a screenshot at 1200x3000 that shows a page (not blank, the accent
#     colour of the headings and the primary bar present);
#   - the DOM after the page was loaded: the summary first, the bar chart
#     with 4 bars, the radar with 8 axes and 4 rings, their text
#     alternatives, the journey table with a row per unit of the JSON
#     output and the total time;
#   - one page for all five respondents, with a table of contents;
#   - the layout, measured by a script in a test copy of the page: no chart
#     text outside its chart, bars proportional to the scores, on a desktop,
#     on a phone (no sideways scrolling) and with the print stylesheet
#     (charts of fixed size, side by side);
#   - the report of tests/e2e/odd-kb, whose texts are full of HTML and
#     Markdown specials: shown as written, charts whole on a phone;
#   - printing to PDF; the Content-Security-Policy stopping a script added
#     to the page; the Markdown report rendered by cmark-gfm (GitHub's
#     renderer) with its four tables intact.
# Ends with "N passed, N failed"; exits 1 on a failure.  When Chromium is
# missing and cannot be installed it says so and exits 0 (skipped).
set -u
BIN=${1:-build/ldt-advisor}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHECK="python3 $HERE/html_check.py"
pass=0
fail=0
skip=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2"; }

# ------------------------------------------------------------ Chromium

# apt-get as root, or through sudo without a password
install() {
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        sudo -n true 2>/dev/null || return 1
        SUDO="sudo -n"
    fi
    command -v apt-get >/dev/null 2>&1 || return 1
    echo "installing $* (apt-get)"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >"$T/apt.log" 2>&1 ||
        { $SUDO apt-get update -qq >>"$T/apt.log" 2>&1 &&
          DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >>"$T/apt.log" 2>&1; }
}

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    install chromium fonts-liberation || true
    CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: headless Chromium is not installed and could not be installed"
    echo "      (as root: apt-get install chromium); the HTML report was not tested in a browser"
    [ -f "$T/apt.log" ] && tail -5 "$T/apt.log" | sed 's/^/      /'
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
command -v cmark-gfm >/dev/null 2>&1 || install cmark-gfm || true
echo "using $("$CHROMIUM" --version 2>/dev/null | head -1)"

# chrome FLAGS... URL: one headless run with a profile of its own, no
# network services, within two minutes
chrome() {
    profile=$(mktemp -d "$T/profile.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-dev-shm-usage --hide-scrollbars \
        --user-data-dir="$profile" "$@" 2>>"$T/chromium.log"
}

# ------------------------------------------------------------ reports

KB="--kb $ROOT/rules"
EX="$ROOT/examples/answers.ini"
if ! "$BIN" advise $KB --format html -o "$T/report.html" "$EX" big-city-platform ||
   ! "$BIN" advise $KB --format json -o "$T/report.json" "$EX" big-city-platform ||
   ! "$BIN" advise $KB --format html -o "$T/all.html" "$EX" ||
   ! "$BIN" advise $KB --format markdown -o "$T/report.md" "$EX" big-city-platform ||
   ! "$BIN" advise --kb "$HERE/odd-kb" --format html -o "$T/odd.html" "$HERE/odd-answers.ini"; then
    bad "render the reports"
    echo "$pass passed, $fail failed"
    exit 1
fi
URL="file://$T/report.html"

# run NAME CMD...: a check; its output explains a failure
run() {
    name=$1
    shift
    if "$@" >"$T/why" 2>&1; then ok "$name"; else bad "$name" "$T/why"; fi
}

# 1. screenshot
chrome --screenshot="$T/report.png" --window-size=1200,3000 "$URL" >/dev/null
if [ -s "$T/report.png" ]; then
    run "screenshot shows the report" $CHECK png "$T/report.png"
    [ -n "${KEEP_SCREENSHOT:-}" ] && cp "$T/report.png" "$KEEP_SCREENSHOT"
else
    tail -5 "$T/chromium.log" >"$T/why"
    bad "screenshot shows the report" "$T/why"
fi

# 2. the DOM the browser built
chrome --dump-dom --window-size=1200,3000 "$URL" >"$T/dom.html"
run "charts and journey table in the browser's DOM" $CHECK dom "$T/dom.html" "$T/report.json"

# 3. all respondents on one page
chrome --dump-dom --window-size=1200,3000 "file://$T/all.html" >"$T/all-dom.html"
run "five respondents on one page with contents" $CHECK many "$T/all-dom.html" 5

# 4. layout on a desktop, a phone and paper
for mode in desktop phone print; do
    $CHECK prepare "$T/report.html" "$T/$mode.html" $mode
    chrome --dump-dom --window-size=1200,2400 "file://$T/$mode.html" >"$T/$mode-dom.html"
done
run "layout on a desktop: charts whole, bars to scale" $CHECK layout "$T/desktop-dom.html" desktop
run "layout on a phone: no sideways scrolling" $CHECK layout "$T/phone-dom.html" phone
run "print stylesheet: charts of fixed size side by side" $CHECK layout "$T/print-dom.html" print

# 5. odd texts: escaped in the browser's DOM, laid out whole on a phone
chrome --dump-dom "file://$T/odd.html" >"$T/odd-dom.html"
run "odd KB texts shown as written, no markup from them" $CHECK odd "$T/odd-dom.html"
$CHECK prepare "$T/odd.html" "$T/odd-phone.html" phone
chrome --dump-dom --window-size=1200,2400 "file://$T/odd-phone.html" >"$T/odd-phone-dom.html"
run "odd KB texts on a phone: charts whole" $CHECK layout "$T/odd-phone-dom.html" phone

# 6. printing
chrome --no-pdf-header-footer --print-to-pdf="$T/report.pdf" "$URL" >/dev/null
run "prints to PDF" $CHECK pdf "$T/report.pdf"

# 7. the Content-Security-Policy stops scripts
$CHECK prepare "$T/report.html" "$T/inject.html" inject
chrome --dump-dom "file://$T/inject.html" >"$T/inject-dom.html"
run "no script runs in the report" $CHECK csp "$T/inject-dom.html"

# 8. the Markdown report as GitHub renders it
if command -v cmark-gfm >/dev/null 2>&1; then
    { printf '<!DOCTYPE html><meta charset="utf-8"><title>md</title>\n'
      cmark-gfm -e table -e strikethrough -e autolink -e tagfilter "$T/report.md"; } >"$T/md.html"
    chrome --dump-dom "file://$T/md.html" >"$T/md-dom.html"
    run "Markdown through cmark-gfm: headings and four tables" $CHECK md "$T/md-dom.html"
else
    skip=$((skip + 1))
    echo "skip Markdown through cmark-gfm (not installed)"
fi

if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
