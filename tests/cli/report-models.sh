# Every governance model's score in the report, not only the chosen one's,
# and the signals of the others: a city choosing its governance sees the
# runner-up and what speaks for it.  The scores are checked against the
# `model score M N` facts of the same run (`facts`), the order (the chosen
# model first, then the highest score, then the catalogue's "order",
# simpler first) against the catalogue, which is read here; text,
# Markdown and HTML show the same scores and the same signals as JSON.
set -eu
ROOT=$(pwd)
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }

for f in text markdown html json; do
    $RUN advise --kb "$ROOT/rules" --format $f "$EX" >"$TMP/all.$f"
done
for who in small-town-exploring big-city-platform intermunicipal-flood \
        city-participation region-energy-partnership; do
    $RUN facts "$ROOT/rules" "$EX" $who | grep '^model score ' >"$TMP/facts.$who"
done

python3 - "$ROOT/rules/catalogue/models.ini" "$TMP" <<'PY'
import html, json, re, sys
order, cur = {}, None
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\[model (\S+)\]", line)
    if m:
        cur = m.group(1)
    m = re.match(r"^order\s*=\s*(\d+)", line)
    if m and cur:
        order[cur] = int(m.group(1))
tmp = sys.argv[2]
reps = json.load(open(tmp + "/all.json"))["respondents"]
text = open(tmp + "/all.text", encoding="utf-8").read()
md = open(tmp + "/all.markdown", encoding="utf-8").read()
page = open(tmp + "/all.html", encoding="utf-8").read()
flat = lambda s: " ".join(s.split())
texts = re.split(r"(?m)^== .* ==$", text)[1:]
mds = re.split(r"(?m)^# ", md)[1:]
pages = re.split(r'<h2 id="r\d+-name">', page)[1:]
runner_ups = 0
for r, t, m, h in zip(reps, texts, mds, pages):
    who, ms = r["respondent"], r["model_scores"]
    facts = {}
    for line in open("%s/facts.%s" % (tmp, who)):
        _, _, model, n = line.split()
        facts[model] = float(n)
    assert {x["id"]: x["score"] for x in ms} == facts, (who, ms, facts)
    assert ms[0]["id"] == r["model"]["id"], who
    rest = ms[1:]
    assert rest == sorted(rest, key=lambda x: (-x["score"], order[x["id"]])), (who, rest)
    others = [x for x in rest if x["score"] > 0 and x["reasons"]]
    runner_ups += len(others)
    # text: the scores line, then the chosen model's signals, then the others'
    sect = t[t.index("\nGovernance model: "):t.index("\nRoles the twin needs")]
    line = flat(re.search(r"\n  Scores: (.*?)\n  Signals:", sect, re.S).group(1))
    assert line == ", ".join("%s %g" % (x["title"], x["score"]) for x in ms), (who, line)
    heads = re.findall(r"(?m)^  Signals for (.+) \((\d+)\):$", sect)
    assert heads == [(x["title"], "%g" % x["score"]) for x in others], (who, heads)
    for x in others:
        part = flat(sect[sect.index("Signals for " + x["title"]):])
        for why in x["reasons"]:
            assert flat(why) in part, (who, x["id"], why)
    # Markdown: a table of the scores, the chosen model's row in bold
    rows = re.findall(r"(?m)^\| (\*\*)?(.+?)(?:\*\*)? \| (?:\*\*)?(\d+)(?:\*\*)? \|$",
                      m[m.index("## Governance model"):m.index("## Roles")])
    assert [(b, int(c)) for a, b, c in rows] == [(x["title"], x["score"]) for x in ms], rows
    assert rows[0][0] == "**" and not any(a for a, b, c in rows[1:]), rows
    assert re.findall(r"(?m)^\*\*Signals for (.+) \((\d+)\)\*\*$", m) == \
        [(x["title"], "%g" % x["score"]) for x in others], who
    # HTML: the scores, the chosen one in bold; a box of signals for each other
    dd = re.search(r"<dt>Scores</dt><dd>(.*?)</dd>", h).group(1)
    assert html.unescape(re.sub(r"</?strong>", "", dd)) == \
        ", ".join("%s %g" % (x["title"], x["score"]) for x in ms), dd
    assert dd.startswith("<strong>%s " % html.escape(ms[0]["title"])), dd
    after = h.find("Signals for the other models")
    boxes = re.findall(r'<div><h4>([^<]+) <span class="score">&middot; (\d+)</span></h4>',
                       h[after:h.index("-roles")]) if after > 0 else []
    assert [(html.unescape(a), b) for a, b in boxes] == \
        [(x["title"], "%g" % x["score"]) for x in others], (who, boxes)
assert runner_ups >= 5, runner_ups
PY

# a knowledge base of its own: two models tied, the simpler (lower
# "order") first although its name comes later; a model of score 0 has no
# signals shown; with no model chosen every format still gives the scores
# and the signals
mkdir "$TMP/kb"
cat >"$TMP/kb/r.ini" <<'INI'
[question org.type]
text = Type?
type = one
option = municipality : A municipality
option = region : A region

[rule scores]
when = answer org.type ?t
then = assert model score beta 3
then = assert model score alpha 3
then = assert model score gamma 0
because = Every organisation has the same signals.

[rule chosen]
when = answer org.type municipality
then = assert model primary beta
because = A municipality takes beta.

[model alpha]
title = Alpha model
order = 2
summary = -
fits = -

[model beta]
title = Beta model
order = 3
summary = -
fits = -

[model gamma]
title = Gamma model
order = 1
summary = -
fits = -
INI
printf '[answers town]\norg.type = municipality\n\n[answers region]\norg.type = region\n' >"$TMP/two.ini"
$RUN advise --kb "$TMP/kb" "$TMP/two.ini" town >"$TMP/town.txt"
grep -qxF "  Scores: Beta model 3, Alpha model 3, Gamma model 0" "$TMP/town.txt" ||
    fail "town: $(sed -n '/^Governance/,/^$/p' "$TMP/town.txt")"
grep -qxF "  Signals for Alpha model (3):" "$TMP/town.txt" || fail "no signals for Alpha"
if grep -q "Signals for Gamma" "$TMP/town.txt"; then fail "signals for a model of score 0"; fi
$RUN advise --kb "$TMP/kb" "$TMP/two.ini" region >"$TMP/region.txt"
sed -n '/^Governance model/,/^$/p' "$TMP/region.txt" >"$TMP/region.model"
printf '%s\n' "Governance model: not determined" "  Scores: Alpha model 3, Beta model 3, Gamma model 0" \
    "  Signals for Alpha model (3):" "    - Every organisation has the same signals." \
    "  Signals for Beta model (3):" "    - Every organisation has the same signals." "" >"$TMP/want.model"
cmp -s "$TMP/region.model" "$TMP/want.model" || fail "region: $(cat "$TMP/region.model")"
# Markdown and HTML say "not determined" with the same scores and signals
$RUN advise --kb "$TMP/kb" --format markdown "$TMP/two.ini" region >"$TMP/region.md"
sed -n '/^## Governance model/,/^## Roles/p' "$TMP/region.md" | sed '$d' >"$TMP/region.md.model"
printf '%s\n' "## Governance model: not determined" "" "| Model | Score |" "| --- | ---: |" \
    "| Alpha model | 3 |" "| Beta model | 3 |" "| Gamma model | 0 |" "" \
    "**Signals for Alpha model (3)**" "" "- Every organisation has the same signals." "" \
    "**Signals for Beta model (3)**" "" "- Every organisation has the same signals." "" \
    >"$TMP/want.md.model"
cmp -s "$TMP/region.md.model" "$TMP/want.md.model" || fail "region markdown: $(cat "$TMP/region.md.model")"
$RUN advise --kb "$TMP/kb" --format html "$TMP/two.ini" region >"$TMP/region.html"
python3 - "$TMP/region.html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
sect = h[h.index('<h3 id="r1-model">'):]
sect = sect[:sect.index("</section>")]
assert sect.startswith('<h3 id="r1-model">Governance model: not determined</h3>'), sect
assert "<dt>Scores</dt><dd>Alpha model 3, Beta model 3, Gamma model 0</dd>" in sect, sect
assert "<strong>" not in sect, sect
assert '<p class="why">Signals for each model</p>' in sect, sect
boxes = re.findall(r'<h4>([^<]+) <span class="score">&middot; (\d+)</span></h4>', sect)
assert boxes == [("Alpha model", "3"), ("Beta model", "3")], boxes
PY
# a knowledge base that scores no model has no model section in Markdown
# or HTML (the summary says "not determined")
sed -i 's/^then = assert model score \([a-z]*\) [0-9]*$/then = assert noted \1/' "$TMP/kb/r.ini"
$RUN advise --kb "$TMP/kb" --format markdown "$TMP/two.ini" region >"$TMP/none.md"
grep -qxF -- "- **Governance model:** not determined" "$TMP/none.md" || fail "summary: $(cat "$TMP/none.md")"
if grep -q "^## Governance model" "$TMP/none.md"; then fail "a model section without scores"; fi
$RUN advise --kb "$TMP/kb" --format html "$TMP/two.ini" region >"$TMP/none.html"
grep -q '<dt>Governance model</dt><dd><strong>Not determined' "$TMP/none.html" || fail "html summary"
if grep -q 'id="r1-model"' "$TMP/none.html"; then fail "an html model section without scores"; fi
