# The summary at the top of each respondent's report, and the order of the
# next steps it quotes.
#
# Text, Markdown and HTML open with the conclusions by name (situation,
# maturity band, governance model), the roles to fill, the journey's size
# and the first three next steps; the text's lines are checked against the
# JSON report of the same respondents, every line within 76 columns.
#
# Next steps are ordered by priority; within a priority the steps the
# catalogue gives the primary situation come first, then the step of the
# dimension where the respondent is weakest, a step of no dimension after
# those of one, then in the catalogue's order (the author's).  The JSON says why: each step's `dimension`
# and `situation_step`, checked against the catalogue, which is read here.
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
text = open(base + ".text", encoding="utf-8").read()
md = open(base + ".markdown", encoding="utf-8").read()
page = open(base + ".html", encoding="utf-8").read()
assert len(reps) == 5 and text.count("\nSummary\n") == 5, "a summary per respondent"
assert all(len(line) <= 76 for line in text.splitlines()), "a line past 76 columns"

def duration(m):
    return "%d h %02d min" % (m // 60, m % 60)

# the order of the next steps, and what it rests on; the catalogue's own
# order last (its entries in the order of the files and within each)
order = {name: i for i, (kind, name) in enumerate(cat) if kind == "advice"}
moved = 0
for r in reps:
    primary = r["situation"]["primary"]["id"]
    level = {d["id"]: d["level"] for d in r["maturity"]["dimensions"]}
    for a in r["advice"]:
        entry = cat[("advice", a["id"])]
        assert a["dimension"] == entry.get("dimension"), (a["id"], a["dimension"])
        sits = [s.strip() for s in entry.get("situation", "").split(",") if s.strip()]
        assert a["situation_step"] == (primary in sits), (r["respondent"], a["id"])
    want = sorted(r["advice"], key=lambda a: (
        a["priority"], not a["situation_step"],
        level[a["dimension"]] if a["dimension"] else 5, order[a["id"]]))
    assert [a["id"] for a in r["advice"]] == [a["id"] for a in want], \
        (r["respondent"], [a["id"] for a in r["advice"]])
    moved += [a["id"] for a in want] != [a["id"] for a in
                                          sorted(r["advice"], key=lambda a: (a["priority"], a["id"]))]
assert moved >= 4, "the order within a priority is the names' for most respondents"

# the text's summary: its lines between "Summary" and the blank line after,
# a line continued under the value's column (20) joined to the one before
for r, part in zip(reps, re.split(r"(?m)^== .* ==$", text)[1:]):
    block = part.split("\nSummary\n", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in block.split("\n"):
        if line.startswith(" " * 20) and not re.match(r" {20}\d\. ", line):
            rows[-1][1] += " " + line.strip()
        else:
            label, value = line[:20].strip(), line[20:]
            rows.append([label, value])
    got = {}
    steps = []
    for label, value in rows:
        if label in ("Start with", ""):
            steps.append(value)
        else:
            got[label] = value
    sit = r["situation"]
    want = sit["primary"]["title"]
    if sit["secondary"]:
        want += "; close second: " + sit["secondary"]["title"]
    if sit["transition"]:
        want += "; in transition to " + sit["transition"]["title"]
    assert got["Situation"] == want, (got["Situation"], want)
    band = r["maturity"]["band"]["title"]
    if r["maturity"]["weakest_first"]:
        band += "; work on the weakest dimensions first"
    assert got["Maturity"] == band, (got["Maturity"], band)
    assert got["Governance model"] == r["model"]["title"], got
    assert got["Roles to fill"] == "; ".join(x["title"] for x in r["roles"]), got
    j = r["journey"]
    assert got["Learning journey"] == "%d units, %s" % (len(j["units"]), duration(j["total_minutes"])), got
    top = ["%d. %s" % (i + 1, a["title"]) for i, a in enumerate(r["advice"][:3])]
    assert [re.sub(r"\s+", " ", s) for s in steps] == top, (steps, top)
    # numbered as in the list of next steps below, in the same order
    steps = part.split("\nNext steps, most urgent first\n", 1)[1].split("\nLearning journey")[0]
    firsts = [re.sub(r"  \[[a-z ]+\]$", "", x)
              for x in re.findall(r"(?m)^  [ \d]\d\. (.+)$", steps)]
    assert len(firsts) == len(r["advice"]) and all(
        x and a["title"].startswith(x) for x, a in zip(firsts, r["advice"])), firsts

# Markdown and HTML: the same roles and first steps
for r, part in zip(reps, re.split(r"(?m)^# ", md)[1:]):
    roles = "; ".join(x["title"] for x in r["roles"]) or "none"
    assert "\n- **Roles to fill:** %s\n" % roles in part, (r["respondent"], roles)
    top = "".join("%d. %s\n" % (i + 1, a["title"]) for i, a in enumerate(r["advice"][:3]))
    assert "**Start with these steps**\n\n" + top in part, r["respondent"]
boxes = re.findall(r'<section class="summary".*?</section>', page, re.S)
assert len(boxes) == 5
for r, box in zip(reps, boxes):
    dd = re.search(r"<dt>Roles to fill</dt><dd><strong>(\d+) roles?</strong>"
                   r"<span class=\"note\">(.*?)</span></dd>", box)
    assert dd and int(dd.group(1)) == len(r["roles"]), r["respondent"]
    assert html.unescape(dd.group(2)) == "; ".join(x["title"] for x in r["roles"]), r["respondent"]
    lis = re.findall(r"<li><strong>(.*?)</strong>", box)
    assert [html.unescape(t) for t in lis] == [a["title"] for a in r["advice"][:3]], lis
PY

# each tie-break alone, in a knowledge base of its own: the Lab's own
# step first though its dimension is strong, then the weakest dimension's
# step, the two stronger ones in the catalogue's order, one of no
# dimension, and a priority-2 step last though it is the Lab's own and of
# the weakest dimension; by name they would come a, b, c, y, z, d
mkdir "$TMP/kb"
cat >"$TMP/kb/r.ini" <<'INI'
[question org.type]
text = Type?
type = one
option = municipality : A municipality

[rule everything]
when = answer org.type municipality
then = assert situation primary lab
then = assert maturity data 3
then = assert maturity skills 0
then = assert advice a.weak
then = assert advice b.strong
then = assert advice c.none
then = assert advice d.later
then = assert advice z.own
then = assert advice y.same
because = A municipality gets every step.

[track edu]
title = Education

[module EDU-100]
track = edu
title = Basics
summary = -

[unit EDU-101]
title = First Unit
module = EDU-100
loop = 1
eqf = 4
minutes = 20
personas = director
situations = lab
dimensions = data
rank = 100
summary = -

[persona director]
title = Director
eqf = 7
group = management
track = edu
does = Decides.
needs = Overview.

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
modules = EDU-100

[dimension data]
title = Data
summary = -

[dimension skills]
title = Skills
summary = -

[advice z.own]
title = Own step
text = Z.
who = director
units = EDU-101
dimension = data
situation = studio, lab
priority = 1

[advice a.weak]
title = Weak step
text = A.
who = director
units = EDU-101
dimension = skills
priority = 1

[advice y.same]
title = Same level, written first
text = Y.
who = director
units = EDU-101
dimension = data
priority = 1

[advice b.strong]
title = Strong step
text = B.
who = director
units = EDU-101
dimension = data
priority = 1

[advice c.none]
title = General step
text = C.
who = director
units = EDU-101
priority = 1

[advice d.later]
title = Later step
text = D.
who = director
units = EDU-101
dimension = skills
situation = lab
priority = 2

[situation studio]
title = DT Studio
openness = 2
summary = -
actors = -
data = -
citizens = -
money = -
challenges = -
decisions = -
pitfalls = -
modules = EDU-100
INI
printf '[answers one]\norg.type = municipality\n' >"$TMP/one.ini"
$RUN advise --kb "$TMP/kb" "$TMP/one.ini" >"$TMP/one.txt"
order=$(sed -n 's/^ *[0-9]*\. \(.*\)  \[.*\]$/\1/p' "$TMP/one.txt" | tr '\n' '|')
[ "$order" = "Own step|Weak step|Same level, written first|Strong step|General step|Later step|" ] ||
    fail "text order: $order"
sed -n '/^Summary$/,/^$/p' "$TMP/one.txt" >"$TMP/one.summary"
printf '%s\n' "Summary" "  Situation         DT Lab" \
    "  Maturity          not determined; work on the weakest dimensions first" \
    "  Governance model  not determined" "  Roles to fill     none" \
    "  Learning journey  0 units, 0 h 00 min" "  Start with        1. Own step" \
    "                    2. Weak step" "                    3. Same level, written first" "" \
    >"$TMP/want.summary"
cmp -s "$TMP/one.summary" "$TMP/want.summary" || fail "summary: $(cat "$TMP/one.summary")"
$RUN advise --kb "$TMP/kb" --format json "$TMP/one.ini" >"$TMP/one.json"
python3 - "$TMP/one.json" <<'PY'
import json, sys
adv = json.load(open(sys.argv[1]))["respondents"][0]["advice"]
got = [(a["id"], a["dimension"], a["situation_step"]) for a in adv]
assert got == [("z.own", "data", True), ("a.weak", "skills", False), ("y.same", "data", False),
               ("b.strong", "data", False), ("c.none", None, False),
               ("d.later", "skills", True)], got
PY

# a knowledge base that decides nothing: the summary says so, line by line,
# and quotes no step
mkdir "$TMP/bare"
head -4 "$TMP/kb/r.ini" >"$TMP/bare/q.ini"
$RUN advise --kb "$TMP/bare" "$TMP/one.ini" >"$TMP/bare.txt"
sed -n '/^Summary$/,/^$/p' "$TMP/bare.txt" >"$TMP/bare.summary"
printf '%s\n' "Summary" "  Situation         not determined" "  Maturity          not determined" \
    "  Governance model  not determined" "  Roles to fill     none" \
    "  Learning journey  0 units, 0 h 00 min" "" >"$TMP/want.summary"
cmp -s "$TMP/bare.summary" "$TMP/want.summary" || fail "bare summary: $(cat "$TMP/bare.summary")"
$RUN advise --kb "$TMP/bare" --format markdown "$TMP/one.ini" >"$TMP/bare.md"
grep -qxF -- "- **Roles to fill:** none" "$TMP/bare.md" || fail "bare markdown: $(cat "$TMP/bare.md")"
$RUN advise --kb "$TMP/bare" --format html "$TMP/one.ini" >"$TMP/bare.html"
grep -qF "<dt>Roles to fill</dt><dd><strong>None</strong></dd>" "$TMP/bare.html" ||
    fail "bare html: $(grep -F 'Roles to fill' "$TMP/bare.html")"
if grep -q "Start with" "$TMP/bare.md" "$TMP/bare.txt" "$TMP/bare.html"; then
    fail "a first step with no steps"
fi
