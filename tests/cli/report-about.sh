# What the catalogue says of the advice's situation, band and model is in
# the report, in every format: the situation's summary, challenges and
# pitfalls (a close second's too, in JSON), the maturity
# band's summary, the model's summary and when it fits.  The texts are read
# from the knowledge base's own catalogue, so a reworded catalogue does not
# break the test and a report that shows another entry's text fails it.
# Catalogue text is escaped in HTML and Markdown like any other.
#
# A next step's units are shown with their titles, and those that the
# respondent's learning journey holds say where: "(unit N of your
# journey)" in text and Markdown, a link to the journey's row in HTML,
# "learn": [{"id", "title", "journey_position"}] in JSON (null when the
# journey does not have it).  Positions come from the report's own
# journey.  A title many lines long is wrapped, with its mark.  A unit's
# minutes must be whole and at most a day's; a journey position a rule
# computes past 1e15 is held there.
set -eu
ROOT=$(pwd)
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }

for f in text markdown html json; do
    $RUN advise --kb "$ROOT/rules" --format $f "$EX" >"$TMP/all.$f"
done

python3 - "$ROOT/rules/catalogue" "$TMP/all" <<'PY'
import html, json, os, re, sys
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "cli"))
from kbcat import catalogue, flat


cat = catalogue(sys.argv[1])
base = sys.argv[2]
reps = json.load(open(base + ".json"))["respondents"]
assert len(reps) == 5, len(reps)
# each respondent's part starts at "@@ NAME": its heading in each format
text = flat(re.sub(r"(?m)^== (.*) ==$", r"@@ \1", open(base + ".text", encoding="utf-8").read()))
md = flat(re.sub(r"(?m)^# ", "@@ ", open(base + ".markdown", encoding="utf-8").read()))
raw = open(base + ".html", encoding="utf-8").read()
ids = set(re.findall(r'\sid="([^"]+)"', raw))
for href in re.findall(r'href="#([^"]+)"', raw):
    assert href in ids, "a link to nothing: " + href
page = flat(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'<h2 id="r\d+-name">', "@@ ", raw))))

def part(doc, who):
    at = doc.index("@@ " + who + " ")
    end = doc.find("@@ ", at + 1)
    return doc[at:end if end > 0 else len(doc)]

for r in reps:
    sit, band, model = r["situation"]["primary"], r["maturity"]["band"], r["model"]
    s, b, m = (cat[("situation", sit["id"])], cat[("band", band["id"])],
               cat[("model", model["id"])])
    # JSON: the catalogue's texts, word for word
    for k in ("summary", "challenges", "pitfalls"):
        assert sit[k] == s[k], (r["respondent"], k, sit[k], s[k])
    assert band["summary"] == b["summary"], (band["summary"], b["summary"])
    assert model["summary"] == m["summary"] and model["fits"] == m["fits"], model
    if r["situation"]["secondary"]:
        sec = r["situation"]["secondary"]
        assert sec["summary"] == cat[("situation", sec["id"])]["summary"], sec
    # the scores list stays short: the four situations without their texts
    assert all("summary" not in x for x in r["situation"]["scores"])
    # text, Markdown and HTML: the same words, wrapped and marked up
    # their own way, and each under its own respondent
    for name, doc in (("text", text), ("markdown", md), ("html", page)):
        sect = part(doc, r["respondent"])
        for k, label in (("summary", ""), ("challenges", "Challenges"),
                         ("pitfalls", "Pitfalls")):
            want = flat(s[k])
            assert want in sect, (name, r["respondent"], k)
            if label:
                assert re.search(re.escape(label) + r":? ?\**:?\** " + re.escape(want[:20]),
                                 sect), (name, label)
        assert flat(b["summary"]) in sect, (name, r["respondent"], "band")
        assert flat(m["summary"]) in sect, (name, r["respondent"], "model")
        assert re.search(r"Fits:?\**:? ?\**:? " + re.escape(flat(m["fits"])[:20]), sect), \
            (name, r["respondent"], "fits")
        # the situation's texts come before its evidence, the band's before
        # the dimensions, the model's before its signals
        assert sect.index(flat(s["pitfalls"])) < sect.index("Evidence"), name
        assert sect.index(flat(m["summary"])) < sect.index("Signals"), name

# the units of the next steps
marked = unmarked = 0
for k, r in enumerate(reps, 1):
    where = {u["id"]: u["position"] for u in r["journey"]["units"]}
    t, md_r, h = (part(doc, r["respondent"]) for doc in (text, md, page))
    for a in r["advice"]:
        learn = a["learn"]
        assert [u["id"] for u in learn] == a["units"], (a["id"], learn)
        for u in learn:
            assert u["title"] == cat[("unit", u["id"])]["title"], u
            assert u["journey_position"] == where.get(u["id"]), (r["respondent"], u)
            mark = f" (unit {u['journey_position']} of your journey)" if u["journey_position"] else ""
            marked += bool(mark)
            unmarked += not mark
            shown = f"{u['id']} {u['title']}"
            for name, doc in (("text", t), ("markdown", md_r), ("html", h)):
                assert shown + mark in doc, (name, r["respondent"], shown + mark)
                if not mark:
                    assert shown + " (unit" not in doc, (name, shown)
            if mark:
                # the link goes to the journey row of that unit
                row = re.search(r'<a href="#(r%d-unit-\d+)">%s ' % (k, re.escape(u["id"])), raw)
                assert row, (r["respondent"], u["id"])
                tr = re.search(r'<tr id="%s"><td class="n">(\d+)</td><td class="id">([^<]+)<'
                               % row.group(1), raw)
                assert tr and tr.group(2) == u["id"] and int(tr.group(1)) == u["journey_position"], \
                    (row.group(1), tr and tr.groups())
assert marked and unmarked, (marked, unmarked)
PY

# catalogue text with markup characters: escaped in HTML, Markdown's
# specials taken literally
mkdir "$TMP/kb"
cat >"$TMP/kb/r.ini" <<'INI'
[question org.type]
text = Type?
type = one
option = municipality : A municipality

[rule lab]
when = answer org.type municipality
then = assert situation primary lab
then = assert situation secondary studio
because = A municipality starts in a Lab, or a Studio.

[situation lab]
title = DT Lab
openness = 1
summary = A <b>team</b> & *one* domain | no more.
actors = -
data = -
citizens = -
money = -
challenges = Choosing <i>one</i> use case.
decisions = -
pitfalls = Pilots that never end_or_do.
modules = EDU-100

[situation studio]
title = DT Studio
openness = 2
summary = Several departments share the twin.
actors = -
data = -
citizens = -
money = -
challenges = Silos.
decisions = -
pitfalls = Upkeep.
modules = EDU-100

[module EDU-100]
track = edu
title = Basics
summary = -

[track edu]
title = Education
INI
printf '[answers one]\norg.type = municipality\n' >"$TMP/one.ini"
$RUN advise --kb "$TMP/kb" --format html "$TMP/one.ini" >"$TMP/one.html"
grep -qF '<dt>What it is</dt><dd>A &lt;b&gt;team&lt;/b&gt; &amp; *one* domain | no more.</dd>' \
    "$TMP/one.html" || fail "html summary: $(grep -F 'What it is' "$TMP/one.html")"
grep -qF '<dt>Challenges</dt><dd>Choosing &lt;i&gt;one&lt;/i&gt; use case.</dd>' "$TMP/one.html" ||
    fail "html challenges: $(grep -F 'Challenges' "$TMP/one.html")"
if grep -qF '<b>team' "$TMP/one.html"; then fail "catalogue markup reached the page"; fi
$RUN advise --kb "$TMP/kb" --format markdown "$TMP/one.ini" >"$TMP/one.md"
grep -qxF 'A \<b\>team\</b\> \& \*one\* domain \| no more.' "$TMP/one.md" ||
    fail "markdown summary: $(sed -n '/^## Situation/,/^## /p' "$TMP/one.md")"
grep -qxF '**Pitfalls:** Pilots that never end\_or\_do.' "$TMP/one.md" || fail "markdown pitfalls"
$RUN advise --kb "$TMP/kb" "$TMP/one.ini" >"$TMP/one.txt"
grep -qxF '  A <b>team</b> & *one* domain | no more.' "$TMP/one.txt" ||
    fail "text summary: $(sed -n '/^Situation/,/^$/p' "$TMP/one.txt")"
grep -qxF '  Pitfalls: Pilots that never end_or_do.' "$TMP/one.txt" || fail "text pitfalls"
$RUN advise --kb "$TMP/kb" --format json "$TMP/one.ini" >"$TMP/one.json"
python3 - "$TMP/one.json" <<'PY'
import json, sys
sit = json.load(open(sys.argv[1]))["respondents"][0]["situation"]
assert sit["secondary"]["summary"] == "Several departments share the twin.", sit["secondary"]
assert sit["secondary"]["pitfalls"] == "Upkeep.", sit["secondary"]
assert sit["primary"]["challenges"] == "Choosing <i>one</i> use case.", sit["primary"]
PY
# no band and no model concluded: no text of theirs, and no empty lines for them
if grep -q "Fits:" "$TMP/one.txt"; then fail "a model text without a model"; fi

# a unit title many lines long: wrapped in the next step and in the
# journey, every line within 76 columns, the mark at the end
mkdir "$TMP/long"
long=$(python3 -c 'print(" ".join(["Governance"] * 60))')
cat >"$TMP/long/r.ini" <<INI
[question org.type]
text = Type?
type = one
option = municipality : A municipality

[rule step]
when = answer org.type municipality
then = assert advice start
then = assert journey unit X-101 1
because = Everyone starts.

[advice start]
title = Start
text = Begin with the basics.
who = director
units = X-101
priority = 1

[unit X-101]
title = $long
module = X-100
loop = 1
eqf = 4
minutes = 20
personas = director
situations = lab
dimensions = governance
rank = 1
summary = Where to begin.

[module X-100]
track = x
title = Basics
summary = -

[track x]
title = X

[persona director]
title = Director
eqf = 6
group = stakeholder
track = x
does = Decides.
needs = Advice.

[situation lab]
title = DT Lab
openness = 1
summary = -
actors = -
data = -
citizens = -
money = -
challenges = -
decisions = -
pitfalls = -
modules = X-100

[dimension governance]
title = Governance
summary = -
INI
$RUN advise --kb "$TMP/long" "$TMP/one.ini" >"$TMP/long.txt" || fail "advise: $(cat "$TMP/long.txt")"
grep -qxF '                      (unit 1 of your journey)' "$TMP/long.txt" ||
    fail "long title: $(sed -n '/Learn:/,/Because/p' "$TMP/long.txt")"
awk 'length > 76 { bad = 1 } END { exit bad }' "$TMP/long.txt" || fail "a line past 76 columns"
[ "$(grep -c 'Governance Governance' "$TMP/long.txt")" -gt 5 ] || fail "title not wrapped"

# a unit's minutes are whole and within a day: a length the journey's total
# can hold, so 1e30 is an error at its place, not a garbled total
sed 's/^minutes = 20$/minutes = 1e30/' "$TMP/long/r.ini" >"$TMP/r-big.ini"
mkdir "$TMP/big" && mv "$TMP/r-big.ini" "$TMP/big/r.ini"
line=$(grep -n '^minutes = 1e30$' "$TMP/big/r.ini" | cut -d: -f1)
if $RUN advise --kb "$TMP/big" "$TMP/one.ini" >"$TMP/big.out" 2>&1; then fail "minutes 1e30 accepted"; fi
grep -qF "$TMP/big/r.ini:$line:11: error: unit 'X-101', key 'minutes': expected a whole number from 1 to 1440, found '1e30'" \
    "$TMP/big.out" || fail "minutes 1e30: $(cat "$TMP/big.out")"
# a position a rule computed past what a whole number holds is held at
# 1e15, in every format, not converted into anything
mkdir "$TMP/far"
sed 's/^then = assert journey unit X-101 1$/then = assert journey unit X-101 1e30/' \
    "$TMP/long/r.ini" >"$TMP/far/r.ini"
grep -q '^then = assert journey unit X-101 1e30$' "$TMP/far/r.ini" || fail "no 1e30 rule"
$RUN advise --kb "$TMP/far" --format json "$TMP/one.ini" >"$TMP/far.json" || fail "1e30 position"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["respondents"][0]
assert r["journey"]["units"][0]["position"] == 10**15, r["journey"]
assert r["advice"][0]["learn"][0]["journey_position"] == 10**15, r["advice"]' "$TMP/far.json"
