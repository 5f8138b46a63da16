# Text from the knowledge base and the answers is escaped in every format:
# the small KB tests/e2e/odd-kb, whose titles, texts and reasons hold
# <script>, &, |, *, _, backticks, brackets and leading list or heading
# markers.  The HTML page has no element the renderer did not write and
# shows the texts as written; every Markdown table row keeps its cells and
# no markup gets through; the JSON round-trips.
set -eu
fail() { echo "$*"; exit 1; }
K="$(pwd)/tests/e2e/odd-kb"
cp tests/e2e/odd-answers.ini "$TMP/esc-answers.ini"

$RUN advise --kb "$K" --format html -o "$TMP/esc.html" "$TMP/esc-answers.ini"
$RUN advise --kb "$K" --format markdown -o "$TMP/esc.md" "$TMP/esc-answers.ini"
$RUN advise --kb "$K" --format json -o "$TMP/esc.json" "$TMP/esc-answers.ini"

python3 - "$TMP/esc.html" "$TMP/esc.json" <<'PY'
import json, sys
from html.parser import HTMLParser

ALLOWED = set("""html head meta title style body main header footer nav article section
p h1 h2 h3 h4 ol ul li a dl dt dd div strong span figure figcaption table caption
thead tbody tfoot tr th td svg desc g line rect text tspan polygon circle""".split())

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.data, self.attrs = set(), [], []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag == "a":
            assert dict(attrs).get("href", "").startswith("#"), attrs
    def handle_data(self, d):
        self.data.append(d)

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
extra = p.tags - ALLOWED
assert not extra, "elements from the KB's text: %s" % sorted(extra)
for k, v in p.attrs:
    assert not k.startswith("on"), (k, v)
text = "".join(p.data)
rep = json.load(open(sys.argv[2]))["respondents"][0]
# every text shows exactly as written
for want in ('Lab <script>alert("lab")</script> & co', "Studio | pipe *star* _under_ `tick`",
             "# Agora &amp; 1. list", "Band </title><script>x()</script>",
             "Model \"quoted\" 'single' & <i>", "Grant </td></tr> | ok",
             "Step <a href=\"javascript:alert(1)\">click</a>",
             "Advice <script>alert('advice')</script> | *one*",
             "Unit <script>u()</script> | _t_ `c` * & done", "Trainer <u>&</u>",
             'Because <script>alert("why")</script> | * _ ` & [x](y) #hash',
             "Local Digital Twin advice for _resp_one_"):
    assert want in text, want
label = [v for k, v in p.attrs if k == "aria-label" and v.startswith("Maturity")]
assert label and "<img src=x onerror=alert(1)> 1" in label[0], label
# the JSON carries the same texts
assert rep["situation"]["scores"][0]["title"] == 'Lab <script>alert("lab")</script> & co'
assert rep["journey"]["units"][0]["module"] == "M-1"
assert rep["advice"][0]["learn"] == [{"id": "U-1", "title": rep["journey"]["units"][0]["title"],
                                      "journey_position": 1}], rep["advice"][0]["learn"]
assert "<script>" in rep["advice"][0]["learn"][0]["title"]
PY

python3 - "$TMP/esc.md" <<'PY'
import re, sys
md = open(sys.argv[1], encoding="utf-8").read()
lines = md.split("\n")
assert lines[0] == r"# \_resp\_one\_", lines[0]
def cells(line):
    return len(re.findall(r"(?<!\\)\|", line)) - 1
for want in (r"| Studio \| pipe \*star\* \_under\_ \`tick\` | 2 |",
             r"| Lab \<script\>alert(\"lab\")\</script\> \& co | 1 |".replace('\\"', '"'),
             r"| 1 | U-1 | Unit \<script\>u()\</script\> \| \_t\_ \`c\` \* \& done | M-1 | 30 | 4 |",
             r"| \- Skills | 1 | ■□□□ |", r"| \> Participation | 2 | ■■□□ |",
             r"| 1\. Finance \~\~strike\~\~ | 3 | ■■■□ |",
             r"## Situation: \# Agora \&amp; 1. list"):
    assert want in lines, want
for l in lines:
    # no raw markup from the KB: every <, `, [ and & is escaped
    for m in re.finditer(r"[<`\[&]", l):
        assert m.start() > 0 and l[m.start() - 1] == "\\", l
    if l.startswith("|"):
        assert cells(l) in (2, 3, 6), l
PY
if command -v cmark-gfm >/dev/null 2>&1; then
    cmark-gfm -e table -e strikethrough "$TMP/esc.md" >"$TMP/esc-md.html"
    python3 - "$TMP/esc-md.html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
bad = [t for t in re.findall(r"<(script|img|b|i|u|a|del|code|em|h[1-6])\b[^>]*>", h)]
# the only emphasis is ours ("weakest"), the only headings ours
assert set(bad) <= {"em", "h1", "h2", "h3"}, bad
assert set(re.findall(r"<em>(.*?)</em>", h)) == {"weakest"}, h
assert h.count("<table>") == 3
assert "Studio | pipe *star* _under_ `tick`" in h.replace("&lt;", "<").replace("&gt;", ">")
for row in re.findall(r"<tr>(.*?)</tr>", h, re.S):
    assert row.count("<td") + row.count("<th") in (2, 3, 6), row
PY
fi

# Control characters cannot reach a terminal: a text answer holding one is
# an error at its line (naming the byte), and a diagnostic shows such bytes
# of a file as \xHH in its message and '?' in the echoed line (the caret
# keeps its column)
cat >"$TMP/ctl-kb.ini" <<'INI'
[question n]
text = Name?
type = text

[rule r]
when = answer n ?t
then = assert greeting ?t
because = Hello {?t}.
INI
printf '[answers a]\nn = bad\033[2Jname\n\n[answers b]\nn = two\n  lines\there\n' >"$TMP/ctl.ini"
status=0
$RUN facts "$TMP/ctl-kb.ini" "$TMP/ctl.ini" >"$TMP/ctl.out" 2>"$TMP/ctl.err" || status=$?
[ "$status" -eq 65 ] || fail "control character in a text answer: exit $status"
grep -qF "ctl.ini:2:5: error: respondent 'a', question 'n': a text answer may not hold control character 0x1b (at byte 4 of the answer)" "$TMP/ctl.err" ||
    fail "control character: no error at its line: $(cat "$TMP/ctl.err")"
grep -qF '    n = bad?[2Jname' "$TMP/ctl.err" || fail "the echoed line keeps the escape byte"
if LC_ALL=C grep -q "$(printf '\033')" "$TMP/ctl.err" "$TMP/ctl.out"; then fail "an escape byte reached the output"; fi
# (an indented line goes on with the value, joined with a blank)
grep -qF 'b greeting "two lines\there"' "$TMP/ctl.out" || fail "a tab refused: $(cat "$TMP/ctl.out")"
printf '[answers evil\033[31mred]\nn = x\n' >"$TMP/ctl2.ini"
$RUN facts "$TMP/ctl-kb.ini" "$TMP/ctl2.ini" >/dev/null 2>"$TMP/ctl.err" || true
grep -qF "invalid name 'evil\\x1b[31mred'" "$TMP/ctl.err" || fail "message: no \\x1b: $(cat "$TMP/ctl.err")"
grep -qxF '    [answers evil?[31mred]' "$TMP/ctl.err" || fail "source line not made visible"
grep -qxF '             ^^^^^^^^^^^^' "$TMP/ctl.err" || fail "caret moved: $(cat "$TMP/ctl.err")"

# the C1 controls (U+0080 to U+009F; U+009B starts a sequence as ESC [
# does on some terminals) are refused in a text answer too, and shown as
# their bytes' \xHH in a fact
printf '[answers c1]\nn = bad\302\2332Jname\n' >"$TMP/c1.ini"
status=0
$RUN facts "$TMP/ctl-kb.ini" "$TMP/c1.ini" >"$TMP/c1.out" 2>"$TMP/c1.err" || status=$?
[ "$status" -eq 65 ] || fail "C1 control in a text answer: exit $status"
grep -qF "c1.ini:2:5: error: respondent 'c1', question 'n': a text answer may not hold control character U+009B (at byte 4 of the answer)" "$TMP/c1.err" ||
    fail "C1 control: no error at its line: $(cat "$TMP/c1.err")"
grep -qxF '    n = bad?2Jname' "$TMP/c1.err" || fail "the echoed line keeps the C1 control: $(cat -v "$TMP/c1.err")"
cat >"$TMP/c1-kb.ini" <<'INI'
[facts f]
fact = a
INI
cp "$TMP/c1-kb.ini" "$TMP/c1-raw.ini"
printf '[rule r]\nwhen = a\nthen = assert b "x\\xc2\\x9by\302\240z"\n' >>"$TMP/c1-kb.ini"
$RUN facts "$TMP/c1-kb.ini" >"$TMP/c1.out" 2>"$TMP/c1.err" || fail "C1 in a string: $(cat "$TMP/c1.err")"
# U+00A0 (no-break space) is text, kept as it is
nbsp=$(printf '\302\240')
grep -qxF "b \"x\\xc2\\x9by${nbsp}z\"" "$TMP/c1.out" || fail "C1 in a fact: $(cat -v "$TMP/c1.out")"
if LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$TMP/c1.out" "$TMP/c1.err"; then fail "a C1 control reached the output"; fi
# nor can a respondent's name hold one (the report would print it)
printf '[answers evil\302\233' >"$TMP/c1n.ini"
printf '2J]\nn = x\n' >>"$TMP/c1n.ini"
status=0
$RUN facts "$TMP/ctl-kb.ini" "$TMP/c1n.ini" >"$TMP/c1.out" 2>"$TMP/c1.err" || status=$?
[ "$status" -eq 65 ] || fail "C1 control in a respondent's name: exit $status"
grep -qF "c1n.ini:1:10: error: invalid name 'evil\\xc2\\x9b2J'" "$TMP/c1.err" || fail "C1 name: $(cat -v "$TMP/c1.err")"
if LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$TMP/c1.out" "$TMP/c1.err"; then fail "a C1 control reached the output"; fi

# a knowledge base holds none raw, not even in a string or a sentence (it
# would reach the terminal through every report): an error at the byte
printf '[rule r]\nwhen = a\nthen = assert b "x\302\233y"\nbecause = A \033[2J sentence.\n' >>"$TMP/c1-raw.ini"
status=0
$RUN facts "$TMP/c1-raw.ini" >"$TMP/c1.out" 2>"$TMP/c1.err" || status=$?
[ "$status" -eq 65 ] || fail "raw controls in a knowledge base: exit $status"
grep -qF "c1-raw.ini:5:19: error: control character U+009B: a knowledge base's text holds none but tabs (in a string, write \xc2\x9b)" "$TMP/c1.err" &&
    grep -qF "c1-raw.ini:6:13: error: control character 0x1b: a knowledge base's text holds none but tabs (in a string, write \x1b)" "$TMP/c1.err" &&
    [ "$(grep -c 'error:' "$TMP/c1.err")" -eq 2 ] || fail "raw controls: $(cat -v "$TMP/c1.err")"
if LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$TMP/c1.out" "$TMP/c1.err" ||
   LC_ALL=C grep -q "$(printf '\033')" "$TMP/c1.out" "$TMP/c1.err"; then fail "a control reached the output"; fi
