# A next step's units are shown with their titles, and those that the
# respondent's learning journey holds say where: "(unit N of your
# journey)" in text and Markdown, a link to the journey's row in HTML,
# "learn": [{"id", "title", "journey_position"}] in JSON (null when the
# journey does not have it).  Titles come from the catalogue; positions
# from the report's own journey.  A title too long for a line still gets
# its mark.
set -eu
ROOT=$(pwd)
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }

for f in text markdown html json; do
    $RUN advise --kb "$ROOT/rules" --format $f "$EX" >"$TMP/all.$f"
done

python3 - "$ROOT/rules/catalogue" "$TMP/all" <<'PY'
import html, json, os, re, sys

titles = {}
for name in os.listdir(sys.argv[1]):
    unit = None
    for line in open(os.path.join(sys.argv[1], name), encoding="utf-8"):
        m = re.match(r"^\[unit (\S+)\]", line)
        if m:
            unit = m.group(1)
        elif line.startswith("[") :
            unit = None
        elif unit and line.startswith("title ="):
            titles[unit] = line.split("=", 1)[1].strip()
assert len(titles) == 72, len(titles)

def flat(s):
    return " ".join(s.split())

base = sys.argv[2]
reps = json.load(open(base + ".json"))["respondents"]
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

marked = unmarked = 0
for k, r in enumerate(reps, 1):
    where = {u["id"]: u["position"] for u in r["journey"]["units"]}
    t, m, h = part(text, r["respondent"]), part(md, r["respondent"]), part(page, r["respondent"])
    for a in r["advice"]:
        learn = a["learn"]
        assert [u["id"] for u in learn] == a["units"], (a["id"], learn)
        for u in learn:
            assert u["title"] == titles[u["id"]], u
            assert u["journey_position"] == where.get(u["id"]), (r["respondent"], u)
            mark = f" (unit {u['journey_position']} of your journey)" if u["journey_position"] else ""
            marked += bool(mark)
            unmarked += not mark
            for name, doc, shown in (("text", t, f"{u['id']} {u['title']}"),
                                     ("markdown", m, f"{u['id']} {u['title']}"),
                                     ("html", h, f"{u['id']} {u['title']}")):
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

# a unit title many lines long: wrapped in the next step and in the
# journey, every line within 76 columns, the mark at the end
mkdir "$TMP/kb"
long=$(python3 -c 'print(" ".join(["Governance"] * 60))')
cat >"$TMP/kb/r.ini" <<INI
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
printf '[answers one]\norg.type = municipality\n' >"$TMP/one.ini"
$RUN advise --kb "$TMP/kb" "$TMP/one.ini" >"$TMP/one.txt" || fail "advise: $(cat "$TMP/one.txt")"
grep -qxF '                      (unit 1 of your journey)' "$TMP/one.txt" ||
    fail "long title: $(sed -n '/Learn:/,/Because/p' "$TMP/one.txt")"
awk 'length > 76 { bad = 1 } END { exit bad }' "$TMP/one.txt" || fail "a line past 76 columns"
[ "$(grep -c 'Governance Governance' "$TMP/one.txt")" -gt 5 ] || fail "title not wrapped"
