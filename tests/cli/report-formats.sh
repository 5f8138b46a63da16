# advise --format markdown|html|json|text, to standard output and with -o:
# the HTML page has its summary, both charts (4 bars, 8 axes, 4 rings) with
# text alternatives and the journey table with one row per unit of the JSON;
# one page for several respondents with a table of contents; Markdown
# tables have as many cells in every row as in their header; -o writes the
# same bytes as standard output, never with colour; a report that decides
# nothing says so in every format.
set -eu
ROOT=$(pwd)
KB="--kb $ROOT/rules"
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }

$RUN advise $KB --format json "$EX" big-city-platform >"$TMP/f.json"
$RUN advise $KB --format html "$EX" big-city-platform >"$TMP/f.html"
$RUN advise $KB --format html -o "$TMP/f-o.html" "$EX" big-city-platform
cmp -s "$TMP/f.html" "$TMP/f-o.html" || fail "-o html differs from standard output"
$RUN advise $KB --format html "$EX" >"$TMP/all.html"
$RUN advise $KB --format markdown "$EX" big-city-platform >"$TMP/f.md"
$RUN advise $KB --format md --output="$TMP/f-o.md" "$EX" big-city-platform
cmp -s "$TMP/f.md" "$TMP/f-o.md" || fail "-o markdown differs from standard output"
$RUN advise $KB --format markdown "$EX" >"$TMP/all.md"
$RUN advise $KB --format json -o "$TMP/f-o.json" "$EX" big-city-platform
cmp -s "$TMP/f.json" "$TMP/f-o.json" || fail "-o json differs from standard output"
$RUN advise $KB "$EX" big-city-platform >"$TMP/f.txt"
$RUN advise $KB -o "$TMP/f-o.txt" "$EX" big-city-platform
cmp -s "$TMP/f.txt" "$TMP/f-o.txt" || fail "-o text differs from standard output"
if grep -q "$(printf '\033')" "$TMP/f-o.txt"; then fail "colour codes in a text file"; fi
# -o - is standard output
$RUN advise $KB --format json -o - "$EX" big-city-platform >"$TMP/f-dash.json"
cmp -s "$TMP/f.json" "$TMP/f-dash.json" || fail "-o - differs from standard output"

python3 - "$TMP/f.json" "$TMP/f.html" "$TMP/all.html" <<'PY'
import json, sys
from html.parser import HTMLParser

class Page(HTMLParser):
    """Elements with their classes, parents, text; the page's structure."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.els, self.text = [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        el = {"tag": tag, "attrs": a, "cls": set((a.get("class") or "").split()),
              "path": [e["tag"] for e in self.stack], "pcls": [e["cls"] for e in self.stack],
              "text": ""}
        self.els.append(el)
        if tag not in ("meta", "link", "br", "img", "input", "hr", "col", "wbr"):
            self.stack.append(el)       # HTML's void elements have no end
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)
    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break
    def handle_data(self, data):
        self.text.append(data)
        for e in self.stack:
            e["text"] += data
    def find(self, tag=None, cls=None, inside=None):
        return [e for e in self.els if (tag is None or e["tag"] == tag)
                and (cls is None or cls in e["cls"])
                and (inside is None or any(inside in c for c in e["pcls"]))]

def parse(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    return p

rep = json.load(open(sys.argv[1]))["respondents"][0]
p = parse(sys.argv[2])
text = " ".join(p.text)
assert not p.find("script"), "a script in the page"
assert not p.find("link") and not p.find("img"), "an external resource"
for e in p.els:
    for k, v in e["attrs"].items():
        assert not (v or "").startswith(("http:", "https:", "//")) or k == "xmlns", (k, v)
assert any(e["attrs"].get("name") == "viewport" for e in p.find("meta")), "no viewport"
style = "".join(e["text"] for e in p.find("style"))
assert "@media print" in style, "no print stylesheet"
# the summary comes first, with situation, band, model and three steps
summ = p.find("section", "summary")
assert len(summ) == 1
for want in (rep["situation"]["primary"]["title"], rep["maturity"]["band"]["title"],
             rep["model"]["title"]):
    assert want in summ[0]["text"], want
top = p.find("li", inside="top-steps")
assert len(top) == 3 and all(e["text"].strip().startswith(a["title"])
                             for e, a in zip(top, rep["advice"])), top
assert p.els.index(summ[0]) < p.els.index(p.find("svg")[0]), "summary after the charts"
# the bar chart: 4 bars with titles, labelled, and a table of the values
bars = p.find("rect", "bar")
assert len(bars) == 4, len(bars)
scores = {s["id"]: s["score"] for s in rep["situation"]["scores"]}
for b in bars:
    assert float(b["attrs"]["data-value"]) == scores[b["attrs"]["data-id"]], b["attrs"]
    assert b["text"], "bar without a title"
prim = [b for b in bars if "primary" in b["cls"]]
assert len(prim) == 1 and prim[0]["attrs"]["data-id"] == rep["situation"]["primary"]["id"]
svgs = p.find("svg")
barsvg = [s for s in svgs if "bars" in s["cls"]][0]
assert barsvg["attrs"].get("role") == "img" and barsvg["attrs"].get("aria-labelledby")
assert p.find("desc"), "bar chart without a description"
alt = p.find("table", inside="sr-only")
assert len(alt) == 1 and len(p.find("tr", inside="sr-only")) == 5, "no table of the scores"
# the radar: 8 axes, 4 rings, one polygon of levels, 8 labels, 8 points
radar = [s for s in svgs if "radar" in s["cls"]][0]
label = radar["attrs"].get("aria-label", "")
assert radar["attrs"].get("role") == "img"
assert len(p.find("line", "axis")) == 8
assert len(p.find("polygon", "ring")) == 4
assert len(p.find("polygon", "level-area")) == 1
assert len(p.find("text", "axis-label")) == 8
assert len(p.find("circle", "point")) == 8
for d in rep["maturity"]["dimensions"]:
    assert "%s %d" % (d["title"], d["level"]) in label, (d["title"], label)
# the journey table: a row per unit, the total in the footer
jt = p.find("table", "journey")
assert len(jt) == 1
rows = [e for e in p.find("tr") if any("journey" in c for c in e["pcls"]) and "tbody" in e["path"]]
units = rep["journey"]["units"]
assert len(rows) == len(units), (len(rows), len(units))
for row, u in zip(rows, units):
    assert u["id"] in row["text"] and u["title"] in row["text"], (row["text"], u)
foot = [e for e in p.find("tr") if "tfoot" in e["path"]]
assert len(foot) == 1 and str(rep["journey"]["total_minutes"]) in foot[0]["text"]
# why each unit: its own reasons (how it was scored for this respondent,
# then how it was picked), about itself, not about the units before it
others = {u["id"] for u in units}
for u in units:
    assert u["reasons"], ("a unit without reasons", u["id"])
    for why in u["reasons"]:
        assert why.startswith(u["id"] + " ") or "so %s comes in first" % u["id"] in why, (u["id"], why)
    assert any("the respondent's role" in w or "situation" in w or "weakest" in w
               or "track" in w for w in u["reasons"]), ("no reason about the respondent", u)
after = p.els.index(jt[0])      # the boxes after the journey's table
whys = [e for e in p.find("div", inside="evidence") if p.els.index(e) > after]
assert len(whys) == len(units), (len(whys), len(units))
for box, u in zip(whys, units):
    assert box["text"].strip().startswith(u["id"]), box["text"][:40]
    assert all(w in box["text"] for w in u["reasons"]), u["id"]
# every section with its reasons
for h in ("Situation:", "Maturity:", "Governance model:", "Roles the twin needs",
          "Financing and procurement", "Next steps", "Learning journey"):
    assert any(h in e["text"] for e in p.find("h3")), h
assert len(p.find("li", inside="steps")) >= len(rep["advice"])
assert not p.find("nav"), "a table of contents for one respondent"

# several respondents: one page, one article each, a table of contents
q = parse(sys.argv[3])
arts = q.find("article", "respondent")
assert len(arts) == 5, len(arts)
toc = q.find("a", inside="toc")
assert [a["attrs"]["href"] for a in toc] == ["#" + a["attrs"]["id"] for a in arts]
assert len(q.find("rect", "bar")) == 20 and len(q.find("line", "axis")) == 40
ids = [e["attrs"]["id"] for e in q.els if "id" in e["attrs"]]
assert len(ids) == len(set(ids)), "duplicate ids"
PY

# Markdown: headings, tables whose rows have the header's number of cells
python3 - "$TMP/f.md" "$TMP/all.md" <<'PY'
import re, sys
def cells(line):
    # cells of a table row: split at pipes that are not escaped
    return len(re.findall(r"(?<!\\)\|", line)) - 1
md = open(sys.argv[1], encoding="utf-8").read()
lines = md.split("\n")
assert lines[0] == "# big-city-platform", lines[0]
for h in ("## Situation: DT Studio", "## Maturity: ", "## Governance model: ",
          "## Roles the twin needs", "## Financing and procurement",
          "## Next steps, most urgent first", "## Learning journey: "):
    assert any(l.startswith(h) for l in lines), h
tables, i = 0, 0
while i < len(lines):
    if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|( -+:? \|)+$|^\|( ---:? \|)+$", lines[i + 1]):
        n = cells(lines[i])
        assert cells(lines[i + 1]) == n, lines[i + 1]
        i += 2
        body = 0
        while i < len(lines) and lines[i].startswith("|"):
            assert cells(lines[i]) == n, (lines[i], n)
            body += 1
            i += 1
        assert body, "an empty table"
        tables += 1
    else:
        i += 1
assert tables == 4, tables   # situation scores, maturity, model scores, journey
# why each unit: one item per row of the journey table, its reasons nested
why = md[md.index("**Why these units**"):]
journey_rows = [l for l in md[md.index("## Learning journey"):].split("\n") if re.match(r"^\| \d+ \| ", l)]
items = [l for l in why.split("\n") if l.startswith("- **")]
assert journey_rows and len(items) == len(journey_rows), (len(items), len(journey_rows))
assert all(l.startswith("  - ") for l in why.split("\n")[2:] if l and not l.startswith("- **")), why
assert "| | | **Total** | | **420** | |" in md
assert md.count("\n# ") + md.startswith("# ") == 1
allmd = open(sys.argv[2], encoding="utf-8").read()
assert allmd.startswith("# small-town-exploring\n") and allmd.count("\n# ") == 4
PY
# with a real GFM renderer when there is one (the e2e test installs it)
if command -v cmark-gfm >/dev/null 2>&1; then
    cmark-gfm -e table "$TMP/f.md" >"$TMP/f-md.html"
    [ "$(grep -c '<table>' "$TMP/f-md.html")" -eq 4 ] || fail "cmark-gfm: not 4 tables"
fi

# a knowledge base that decides nothing: every format says so, section by
# section, instead of leaving the section out
mkdir "$TMP/bare"
printf '[question org.type]\ntext = Type?\ntype = one\noption = municipality : A municipality\n' \
    >"$TMP/bare/q.ini"
printf '[answers bare]\norg.type = municipality\n' >"$TMP/bare.ini"
$RUN advise --kb "$TMP/bare" "$TMP/bare.ini" >"$TMP/bare.txt"
for line in "Situation: not determined" "Maturity: not determined" \
        "Governance model: not determined" "Roles the twin needs that you lack (none)" \
        "Financing and procurement (none found)" "Next steps, most urgent first (none)" \
        "Learning journey: 0 units, 0 h 00 min in all"; do
    grep -qxF "$line" "$TMP/bare.txt" || fail "text of a bare report lacks '$line'"
done
$RUN advise --kb "$TMP/bare" --format html "$TMP/bare.ini" >"$TMP/bare.html"
for none in "None: every role the twin needs is there." "No route found." \
        "No further steps." "No units were chosen."; do
    grep -qF "<p class=\"none\">$none</p>" "$TMP/bare.html" || fail "HTML of a bare report lacks '$none'"
done
[ "$(grep -c '<section' "$TMP/bare.html")" -eq "$(grep -c '</section>' "$TMP/bare.html")" ] ||
    fail "HTML of a bare report: sections not closed"
$RUN advise --kb "$TMP/bare" --format markdown "$TMP/bare.ini" >"$TMP/bare.md"
[ "$(grep -c 'not determined' "$TMP/bare.md")" -eq 3 ] || fail "Markdown of a bare report: $(cat "$TMP/bare.md")"
grep -qxF "No units were chosen." "$TMP/bare.md" || fail "Markdown of a bare report lacks the empty journey"

# a journey of a knowledge base of its own, without journey.score: a
# unit's reasons are those of the rule that put it in the journey
mkdir "$TMP/own"
cp "$TMP/bare/q.ini" "$TMP/own/q.ini"
cat >>"$TMP/own/q.ini" <<'INI'

[unit X-1]
title = First Steps
module = X-0
loop = 1
eqf = 4
minutes = 20
personas = director
situations = lab
dimensions = governance
rank = 1
summary = Where to begin.

[rule first-unit]
when = answer org.type municipality
then = assert journey unit X-1 1
because = Every municipality starts with X-1.
INI
$RUN advise --kb "$TMP/own" "$TMP/bare.ini" >"$TMP/own.txt"
grep -A1 -F "1. X-1" "$TMP/own.txt" | grep -qxF "        - Every municipality starts with X-1." ||
    fail "own journey: $(cat "$TMP/own.txt")"

# next steps: each with its priority in text; the people who act on it
# separated by ';' in every format (role titles hold commas: "Director,
# CDO or CIO"); the option's label, never its identifier, in the reasons
$RUN advise $KB "$EX" small-town-exploring >"$TMP/st.txt"
grep -qE '^ +1\. .*  \[do first\]$' "$TMP/st.txt" || fail "no priority: $(grep -m1 ' 1\. ' "$TMP/st.txt")"
grep -qE '  \[when there is room\]$' "$TMP/st.txt" || fail "no third priority"
grep -qxF "      Who: Director, CDO or CIO; LDT programme manager" "$TMP/st.txt" ||
    fail "who: $(grep -m3 'Who:' "$TMP/st.txt")"
grep -qF "(stage: Exploring the idea)" "$TMP/st.txt" || fail "twin.stage label missing"
if grep -qE 'open_tender|one_year|open_source|[(]exploring[)]|stage: exploring[)]' "$TMP/all.md"; then
    fail "an option identifier in the advice: $(grep -m1 -E 'open_tender|one_year|open_source' "$TMP/all.md")"
fi
grep -qF -- "- **Who:** Director, CDO or CIO; LDT programme manager" "$TMP/all.md" || fail "markdown who"
grep -qF "<dt>Who</dt><dd>Director, CDO or CIO; LDT programme manager</dd>" "$TMP/all.html" || fail "html who"

# an item with more reasons than it shows (16) says so in every format,
# and one with no more does not
mkdir "$TMP/more"
{
    echo "[facts evidence]"
    i=0; while [ $i -lt 20 ]; do echo "fact = ev $i"; i=$((i + 1)); done
    echo "[rule each]"
    echo "when = ev ?i"
    echo "then = add situation score agora 1"
    echo "because = Evidence number {?i} counts."
    echo "[rule primary]"
    echo "when = situation score agora ?n"
    echo "then = assert situation primary agora"
    echo "because = It scores {?n}."
    echo "[situation agora]"
    echo "title = DT Agora"
    echo "openness = 4"
    for k in summary actors data citizens money challenges decisions pitfalls; do
        echo "$k = -"
    done
    echo "modules = EDU-100"
} >"$TMP/more/r.ini"
printf '[answers one]\n' >"$TMP/more.ini"
MORE="... and more: 'ldt-advisor explain' shows every step"
for f in text markdown html json; do
    $RUN advise --kb "$TMP/more/r.ini" --format $f "$TMP/more.ini" >"$TMP/more.$f" ||
        fail "advise --format $f of 20 reasons failed"
done
grep -qxF "    - $MORE" "$TMP/more.text" || fail "text: no line saying there is more"
grep -qxF -- "- ... and more: 'ldt-advisor explain' shows every step" "$TMP/more.markdown" ||
    fail "markdown: no line saying there is more"
grep -qF "<li class=\"more\">... and more: &#39;ldt-advisor explain&#39; shows every step</li>" "$TMP/more.html" ||
    fail "html: no item saying there is more"
python3 - "$TMP/more.json" <<'PY' || fail "json: more_reasons"
import json, sys
d = json.load(open(sys.argv[1]))["respondents"][0]
agora = [s for s in d["situation"]["scores"] if s["id"] == "agora"][0]
assert len(agora["reasons"]) == 16 and agora.get("more_reasons") is True, agora
assert "more_reasons" not in d["situation"]["primary"], d["situation"]["primary"]
PY
[ "$(grep -c 'and more' "$TMP/more.text")" -eq 1 ] || fail "text: 'and more' where there is no more"

# Each situation's evidence under its own name in every format, the primary
# situation's first, then the others by score (highest first): checked for
# every example respondent against the JSON's scores and their reasons.
$RUN advise $KB --format json "$EX" >"$TMP/ev.json"
$RUN advise $KB "$EX" >"$TMP/ev.txt"
python3 - "$TMP/ev.json" "$TMP/ev.txt" "$TMP/all.md" "$TMP/all.html" <<'PY' || fail "evidence by situation"
import html, json, re, sys
reps = json.load(open(sys.argv[1]))["respondents"]
def expected(r):
    s = r["situation"]
    top = s["primary"]["id"]
    order = sorted(enumerate(s["scores"]), key=lambda x: (x[1]["id"] != top, -x[1]["score"], x[0]))
    return [(x["title"], x["score"], x["reasons"]) for _, x in order if x["reasons"]]
# text: "  Evidence for TITLE (N):" then bullets, a bullet's wrapped lines joined
blocks = open(sys.argv[2]).read().split("\n== ")[0:]
assert len(blocks) == len(reps), (len(blocks), len(reps))
for r, b in zip(reps, blocks):
    got, cur = [], None
    for line in b.splitlines():
        m = re.fullmatch(r"  Evidence for (.+) \((-?[0-9.]+)\):", line)
        if m:
            cur = [m.group(1), float(m.group(2)), []]
            got.append(cur)
        elif cur and line.startswith("    - "):
            cur[2].append(line[6:])
        elif cur and line.startswith("      "):
            cur[2][-1] += " " + line.strip()
        elif cur:
            cur = None
    want = [[t, float(n), rs] for t, n, rs in expected(r)]
    assert got == want, (r["respondent"], got, want)
    assert "  Evidence:" not in b
# markdown and html: the headings in the same order
sits = re.findall(r"^## Situation.*?(?=^## )", open(sys.argv[3]).read(), re.M | re.S)
heads = [re.findall(r"^\*\*Evidence for (.+)\*\*$", part, re.M) for part in sits]
assert heads == [[t for t, _, _ in expected(r)] for r in reps], heads
page = open(sys.argv[4]).read()
hh = [[html.unescape(t) for t in re.findall(r"<div><h4>(.*?) <span class=\"score\">", sec)]
      for sec in (x.split("</div>\n</div>")[0]
                  for x in page.split('<p class="why">Evidence</p>\n<div class="evidence">')[1:])]
assert hh == [[t for t, _, _ in expected(r)] for r in reps], hh
PY

# usage
status=0; $RUN advise --format pdf x >/dev/null 2>"$TMP/u.err" || status=$?
[ "$status" -eq 64 ] || fail "--format pdf: exit $status"
grep -qF "takes text, markdown, html or json, not 'pdf'" "$TMP/u.err" || fail "$(cat "$TMP/u.err")"
status=0; $RUN advise -o "" x >/dev/null 2>&1 || status=$?
[ "$status" -eq 64 ] || fail "-o '': exit $status"
$RUN advise --help | grep -q -- "--output FILE" || fail "--help lacks -o"

# colour: on a terminal (script gives one), not with NO_COLOR or TERM=dumb
esc=$(printf '\033[')
if command -v script >/dev/null 2>&1 &&
    TERM=xterm script -qec "$RUN advise $ROOT/examples/answers.ini small-town-exploring" /dev/null \
        >"$TMP/tty.out" 2>&1 && grep -q "Situation" "$TMP/tty.out"; then
    grep -qF "$esc" "$TMP/tty.out" || { echo "no colour on a terminal"; exit 1; }
    for env in "TERM=dumb" "TERM=xterm NO_COLOR=1"; do
        env $env script -qec "$RUN advise $ROOT/examples/answers.ini small-town-exploring" /dev/null \
            >"$TMP/tty.out" 2>&1
        grep -q "Situation" "$TMP/tty.out" || { cat "$TMP/tty.out"; exit 1; }
        if grep -qF "$esc" "$TMP/tty.out"; then echo "colour with $env"; exit 1; fi
    done
else
    echo "note: no pseudo-terminal here (script): colour is not checked"
fi
exit 0
