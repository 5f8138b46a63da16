# Why the learning journey has its shape: each report says, above the
# units, where the journey starts, the loop it does not go on to (when the
# loop after the start is above the typical EQF level of the respondent's
# role) and how many units it holds, in that order.  The sentences are
# checked against the answers and the catalogue (knowledge, time budget,
# the role's "eqf"), which are read here, and against the facts of the same
# run; text, Markdown and HTML give the same sentences as JSON.  A
# knowledge base without rules/journey.ini gives none; one that concludes
# more of these facts than a report reads says there is more.
set -eu
ROOT=$(pwd)
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }

# The examples, and variants of the first: an elected official (EQF 4) new
# to twins, who keeps to loop 1; a policy officer (EQF 5) with working
# knowledge, who keeps to loop 2; an elected official who rates themselves
# advanced and starts at loop 3, which has no loop after it; a director
# (EQF 7), whom no loop is above; no time budget and no knowledge given.
python3 - "$EX" "$TMP/answers.ini" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
first = re.search(r"(?ms)^\[answers small-town-exploring\]\n(.*?)(?=^\[|\Z)", text).group(1)
def variant(name, **set_):
    set_ = {k.replace("_", ".", 1): v for k, v in set_.items()}  # me_role: me.role
    body = [l for l in first.splitlines()
            if l.split("=")[0].strip() not in set_ and not l.startswith(";")]
    body += ["%s = %s" % (k, v) for k, v in set_.items() if v]
    return "[answers %s]\n%s\n" % (name, "\n".join(b for b in body if b.strip()))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(text + "\n")
    f.write(variant("official-new", me_role="elected_official", me_ldt_knowledge="none",
                    me_learning_hours="over_8"))
    f.write(variant("officer-working", me_role="policy_officer", me_ldt_knowledge="working"))
    f.write(variant("official-advanced", me_role="elected_official",
                    me_ldt_knowledge="advanced"))
    f.write(variant("director-new", me_role="director", me_ldt_knowledge="none"))
    f.write(variant("nothing-said", me_ldt_knowledge="", me_learning_hours=""))
PY

A="$TMP/answers.ini"
for f in text markdown html json; do
    $RUN advise --kb "$ROOT/rules" --format $f "$A" >"$TMP/all.$f"
done
for who in $(sed -n 's/^\[answers \(.*\)\]$/\1/p' "$A"); do
    $RUN facts "$ROOT/rules" "$A" $who | grep '^journey\.\(loop\|beyond\|size\) ' \
        >"$TMP/facts.$who" || true
done

python3 - "$ROOT/rules/catalogue" "$A" "$TMP" <<'PY'
import html, json, os, re, sys
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "cli"))
from kbcat import catalogue, flat

cat = catalogue(sys.argv[1])
tmp = sys.argv[3]
answers, cur = {}, None
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"^\[answers (\S+)\]", line)
    if m:
        cur = answers.setdefault(m.group(1), {})
    elif cur is not None and "=" in line and not line.startswith(";"):
        k, v = (s.strip() for s in line.split("=", 1))
        cur[k] = v

reps = json.load(open(tmp + "/all.json"))["respondents"]
texts = re.split(r"(?m)^== .* ==$", open(tmp + "/all.text", encoding="utf-8").read())[1:]
mds = re.split(r"(?m)^# ", open(tmp + "/all.markdown", encoding="utf-8").read())[1:]
pages = re.split(r'<h2 id="r\d+-name">',
                 open(tmp + "/all.html", encoding="utf-8").read())[1:]
assert len(reps) == len(texts) == len(mds) == len(pages) == len(answers) == 10, len(reps)

LOOP = {"none": 1, "basic": 1, "working": 2, "advanced": 3, "expert": 3}
WORD = {1: "first", 2: "second", 3: "third"}
SIZE = {"under_2": "about four units", "2_to_8": "about eight units",
        "over_8": "about twelve units"}
stops = 0
for r, t, m, h in zip(reps, texts, mds, pages):
    who, a = r["respondent"], answers[r["respondent"]]
    why = r["journey"]["reasons"]
    start = LOOP.get(a.get("me.ldt_knowledge"), 1)
    role = a["me.role"]
    eqf = int(cat[("persona", role)]["eqf"])
    stop = start + 1 if start < 3 and start + 4 > eqf else None
    assert len(why) == 3 if stop else len(why) == 2, (who, why)
    assert "starts with the %s loop (EQF %d)" % (WORD[start], start + 3) in why[0], (who, why)
    if stop:
        stops += 1
        title = cat[("persona", role)]["title"]
        assert why[1] == ("Loop %d (EQF %d) is above the level the respondent's role, %s, "
                          "typically works at (EQF %d), so the journey does not go on to it."
                          % (stop, stop + 3, title, eqf)), (who, why)
    size = SIZE.get(a.get("me.learning_hours"), "medium length of eight units")
    assert size in why[-1], (who, why)
    # the facts of the same run: one of each, the loop the journey does not
    # go on to only when the sentence is there
    facts = open("%s/facts.%s" % (tmp, who)).read().split("\n")
    assert "journey.loop %d" % start in facts, (who, facts)
    assert [f for f in facts if f.startswith("journey.beyond")] == \
        (["journey.beyond %d" % stop] if stop else []), (who, facts)
    # the units never go past the loop the journey stops before
    loops = {u["id"]: int(cat[("unit", u["id"])]["loop"]) for u in r["journey"]["units"]}
    assert r["journey"]["units"], who
    assert max(loops.values()) <= (stop - 1 if stop else 3), (who, loops)
    # text: "  Why:" right under the heading, before the first unit
    sect = t[t.index("\nLearning journey: "):]
    got = re.search(r"\n  Why:\n(.*?)\n   1\. ", sect, re.S)
    assert got, (who, sect[:400])
    items = [flat(x) for x in re.split(r"(?m)^    - ", got.group(1)) if x.strip()]
    assert items == why, (who, items, why)
    # Markdown: under the heading, before the table
    sect = m[m.index("## Learning journey: "):]
    got = re.search(r"\*\*Why this journey\*\*\n\n(.*?)\n\n\| # \|", sect, re.S)
    assert got, (who, sect[:400])
    items = [flat(x) for x in re.split(r"(?m)^- ", got.group(1)) if x.strip()]
    assert items == why, (who, items, why)
    # HTML: under the lede, before the table
    sect = h[h.index('id="r'):]
    sect = sect[sect.index(">Learning journey</h3>"):]
    got = re.search(r'<p class="why">Why this journey</p>\n<ul class="reasons">\n(.*?)</ul>'
                    r'\n<div class="table-wrap"><table class="journey">', sect, re.S)
    assert got, (who, sect[:600])
    items = [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", got.group(1))]
    assert items == why, (who, items, why)
assert stops == 2, stops        # official-new and officer-working
PY

# A knowledge base without the journey's rules: no sentences, in any
# format, and an empty list in JSON.
cp -R "$ROOT/rules" "$TMP/kb"
rm "$TMP/kb/journey.ini"
rm -rf "$TMP/kb/tests"
for f in text markdown html json; do
    $RUN advise --kb "$TMP/kb" --format $f "$EX" small-town-exploring >"$TMP/nj.$f"
done
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
j = json.load(open(tmp + "/nj.json"))["respondents"][0]["journey"]
assert j["reasons"] == [] and j["units"] == [], j
t = open(tmp + "/nj.text", encoding="utf-8").read()
assert t.rstrip().endswith("Learning journey: 0 units, 0 h 00 min in all"), t[-300:]
for f in ("markdown", "html"):
    assert "Why this journey" not in open("%s/nj.%s" % (tmp, f), encoding="utf-8").read(), f
PY

# ... and one whose rules conclude more of these facts than a report
# reads (four of each): the sentences come in the order loop, size, each
# once, and the report says there is more.
cat >"$TMP/kb/shape.ini" <<'INI'
[rule shape.sizes]
when = session start
then = assert journey.size 1
then = assert journey.size 2
then = assert journey.size 3
then = assert journey.size 4
then = assert journey.size 5
because = Five sizes at once.

[rule shape.loop]
when = session start
then = assert journey.loop 1
because = It starts at loop one.
INI
for f in text json; do
    $RUN advise --kb "$TMP/kb" --format $f "$EX" small-town-exploring >"$TMP/many.$f"
done
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
j = json.load(open(tmp + "/many.json"))["respondents"][0]["journey"]
assert j["reasons"] == ["It starts at loop one.", "Five sizes at once."], j
assert j["more_reasons"] is True, j
t = open(tmp + "/many.text", encoding="utf-8").read()
tail = t[t.index("\nLearning journey: "):]
want = "  Why:\n    - It starts at loop one.\n    - Five sizes at once.\n    - ... and more"
assert want in tail, tail
PY
