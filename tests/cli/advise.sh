# advise on the bundled examples: every respondent gets exactly one primary
# situation, band and model; JSON parses and carries reasons; the text
# report has its sections; an invalid respondent is skipped with an error
# while the others are advised.
set -eu
ROOT=$(pwd)
$RUN advise --kb "$ROOT/rules" --format json "$ROOT/examples/answers.ini" >"$TMP/a.json"
python3 - "$TMP/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rs = d["respondents"]
assert len(rs) == 5, len(rs)
sits = {"lab", "studio", "arena", "agora"}
for r in rs:
    s = r["situation"]
    assert s["primary"]["id"] in sits, r["respondent"]
    assert s["primary"]["reasons"], r["respondent"]
    assert len(s["scores"]) == 4
    assert r["maturity"]["band"]["id"] in {"explore", "foundation", "growth", "accelerate"}
    assert len(r["maturity"]["dimensions"]) == 8
    assert r["model"]["id"] in {"project_led", "central_platform", "federated",
                                "shared_service", "ppp", "civic_commons"}
    assert r["model"]["reasons"]
    assert r["advice"], r["respondent"]
    for a in r["advice"]:
        assert a["title"] and a["text"] and a["priority"] in (1, 2, 3)
    j = r["journey"]
    assert j["units"], r["respondent"]
    assert [u["position"] for u in j["units"]] == list(range(1, len(j["units"]) + 1))
    assert sum(u["minutes"] for u in j["units"]) == j["total_minutes"]
by = {r["respondent"]: r for r in rs}
assert by["small-town-exploring"]["situation"]["primary"]["id"] == "lab"
assert by["city-participation"]["situation"]["primary"]["id"] == "agora"
# a short learning budget gives a short journey
assert len(by["small-town-exploring"]["journey"]["units"]) <= 4
PY
$RUN advise --kb "$ROOT/rules" "$ROOT/examples/answers.ini" big-city-platform >"$TMP/a.txt"
for h in "== big-city-platform ==" "Situation:" "Maturity:" "Governance model:" \
         "Roles the twin needs" "Financing and procurement" "Next steps" "Learning journey:"; do
    grep -qF "$h" "$TMP/a.txt" || { echo "text report lacks '$h'"; exit 1; }
done
# a required role that is the respondent's own but not among the present
# ones: a reason that says so (roles.need-own), and only that rule's
cat >"$TMP/own.ini" <<'INI'
[answers planner]
ambition.objectives = housing
me.role = urban_planner
roles.present = policy_officer
INI
$RUN advise --kb "$ROOT/rules" "$TMP/own.ini" | tr -s ' \n' ' ' >"$TMP/own.txt"
grep -qF "Urban planner (spatial objectives need planning expertise). It is your own role" "$TMP/own.txt" ||
    { echo "own role: no reason of its own"; exit 1; }
grep -qF "Urban planner (spatial objectives need planning expertise); the organisation has not named" "$TMP/own.txt" &&
    { echo "own role: the general reason too"; exit 1; }
grep -qF "LDT programme manager (someone must run the pilot and report on it); the organisation has not named" "$TMP/own.txt" ||
    { echo "own role: another role lost its reason"; exit 1; }
# an invalid respondent: error with file:line, others still advised, exit 65
cat >"$TMP/mixed.ini" <<'INI'
[answers good]
org.type = municipality
twin.stage = exploring

[answers bad]
org.type = village

[answers half-level]
data.catalogue = 2.5
org.ldt_staff = 1.5
org.population = 4.5e4
INI
status=0
$RUN advise --kb "$ROOT/rules" --format json "$TMP/mixed.ini" >"$TMP/m.json" 2>"$TMP/m.err" || status=$?
[ "$status" -eq 65 ] || { echo "exit $status, expected 65"; exit 1; }
grep -qF "mixed.ini:6:12: error: respondent 'bad', question 'org.type': expected one of:" "$TMP/m.err" \
    || { cat "$TMP/m.err"; exit 1; }
# a maturity level is a whole number (integer = yes); a full-time
# equivalent may be a fraction, and 4.5e4 residents are 45000
grep -qF "mixed.ini:9:18: error: respondent 'half-level', question 'data.catalogue': expected a whole number from 0 to 4, found 2.5" "$TMP/m.err" \
    || { cat "$TMP/m.err"; exit 1; }
[ "$(grep -c "error:" "$TMP/m.err")" -eq 2 ] || { echo "other answers refused"; cat "$TMP/m.err"; exit 1; }
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert [r['respondent'] for r in d['respondents']] == ['good']" "$TMP/m.json"
# usage
status=0; $RUN advise >/dev/null 2>&1 || status=$?; [ "$status" -eq 64 ]
status=0; $RUN advise --format xml x >/dev/null 2>&1 || status=$?; [ "$status" -eq 64 ]

# Errors that belong to no respondent (a key before any section, a
# duplicate respondent whose second section is dropped) are printed and
# make the exit status 65, while the valid respondents are still advised:
# neither advise nor facts may exit 0 after printing an error.
cat >"$TMP/file-errors.ini" <<'INI'
stray = 1
[answers a]
org.type = municipality
[answers a]
org.type = region
INI
for cmd in "advise --kb $ROOT/rules" "facts $ROOT/rules"; do
    status=0
    $RUN $cmd "$TMP/file-errors.ini" >"$TMP/fe.out" 2>"$TMP/fe.err" || status=$?
    [ "$status" -eq 65 ] || { echo "$cmd: exit $status, expected 65"; cat "$TMP/fe.err"; exit 1; }
    grep -qF "file-errors.ini:1:1: error: 'key = value' before any [section] header" "$TMP/fe.err" ||
        { echo "$cmd: no error for the stray key"; cat "$TMP/fe.err"; exit 1; }
    grep -qF "file-errors.ini:4:10: error: duplicate respondent 'a' (first at line 2)" "$TMP/fe.err" ||
        { echo "$cmd: no error for the duplicate"; cat "$TMP/fe.err"; exit 1; }
    grep -qE "^(== a ==|a )" "$TMP/fe.out" || { echo "$cmd: respondent a not processed"; exit 1; }
done

# the knowledge base's scenario tests are not read by advise (nothing there
# runs them): a broken test file leaves the advice as it was, while `test`
# and `lint` still report it
mkdir -p "$TMP/kb-badtest"
cp -r "$ROOT/rules/." "$TMP/kb-badtest/"
cat >>"$TMP/kb-badtest/tests/journeys.ini" <<'INI'

[test broken-scenario]
answer.no.such.question = yes
expect = situation (
INI
$RUN advise --kb "$ROOT/rules" "$ROOT/examples/answers.ini" >"$TMP/bt-ref.out"
$RUN advise --kb "$TMP/kb-badtest" "$ROOT/examples/answers.ini" >"$TMP/bt.out" 2>"$TMP/bt.err" ||
    { echo "advise failed on a KB whose only fault is a test"; cat "$TMP/bt.err"; exit 1; }
[ ! -s "$TMP/bt.err" ] || { echo "advise reported the tests"; cat "$TMP/bt.err"; exit 1; }
cmp -s "$TMP/bt-ref.out" "$TMP/bt.out" || { echo "advice changed"; exit 1; }
for cmd in "test --kb" "lint"; do
    status=0
    $RUN $cmd "$TMP/kb-badtest" >"$TMP/bt2.out" 2>&1 || status=$?
    [ "$status" -eq 65 ] || { echo "$cmd: exit $status, expected 65"; cat "$TMP/bt2.out"; exit 1; }
    grep -qF "unknown question 'no.such.question'" "$TMP/bt2.out" ||
        { echo "$cmd: the broken test is not reported"; cat "$TMP/bt2.out"; exit 1; }
done

# A runtime error in one respondent's run (a division by zero) names the
# rule; a note names the respondent who is not advised, as for invalid
# answers, and the others are advised (exit 70).  The caret stays under
# the culprit after UTF-8 text on its line.
cat >"$TMP/divide.ini" <<'INI'
[question n]
text = How many?
type = number

[rule ratio]
when = answer n ?n
then = assert größe "Zürich" (10 / ?n)
INI
printf '[answers ok]\nn = 5\n\n[answers zero]\nn = 0\n\n[answers two]\nn = 2\n' >"$TMP/divide-answers.ini"
status=0
$RUN advise --kb "$TMP/divide.ini" "$TMP/divide-answers.ini" >"$TMP/d.out" 2>"$TMP/d.err" || status=$?
[ "$status" -eq 70 ] || { echo "exit $status, expected 70"; cat "$TMP/d.err"; exit 1; }
grep -qF "divide.ini:7:37: error: in rule 'ratio': division by zero" "$TMP/d.err" ||
    { cat "$TMP/d.err"; exit 1; }
grep -qxF "$TMP/divide-answers.ini: note: respondent 'zero' is not advised because of the error above" \
    "$TMP/d.err" || { echo "no note naming the respondent"; cat "$TMP/d.err"; exit 1; }
[ "$(grep -c 'not advised' "$TMP/d.err")" -eq 1 ] || { cat "$TMP/d.err"; exit 1; }
# 4 spaces of indent, then one a character before the '/' (33; 36 bytes)
grep -qxF "$(printf '%37s' '')^" "$TMP/d.err" ||
    { echo "the caret is not under '/'"; cat "$TMP/d.err"; exit 1; }
[ "$(grep -c '^== ' "$TMP/d.out")" -eq 2 ] && grep -qxF '== ok ==' "$TMP/d.out" &&
    grep -qxF '== two ==' "$TMP/d.out" || { echo "the others were not advised"; cat "$TMP/d.out"; exit 1; }

# facts and explain name the respondent a runtime error leaves out the
# same way (exit 70); facts goes on with the others, and so does the note
# for a respondent with invalid answers.
status=0
$RUN facts "$TMP/divide.ini" "$TMP/divide-answers.ini" >"$TMP/f.out" 2>"$TMP/f.err" || status=$?
[ "$status" -eq 70 ] || { echo "facts: exit $status, expected 70"; cat "$TMP/f.err"; exit 1; }
grep -qF "divide.ini:7:37: error: in rule 'ratio': division by zero" "$TMP/f.err" ||
    { cat "$TMP/f.err"; exit 1; }
grep -qxF "$TMP/divide-answers.ini: note: respondent 'zero' is left out because of the error above" \
    "$TMP/f.err" || { echo "facts: no note naming the respondent"; cat "$TMP/f.err"; exit 1; }
[ "$(grep -c 'left out' "$TMP/f.err")" -eq 1 ] || { cat "$TMP/f.err"; exit 1; }
grep -q '^ok ' "$TMP/f.out" && grep -q '^two ' "$TMP/f.out" && ! grep -q '^zero ' "$TMP/f.out" ||
    { echo "facts: the others were not run"; cat "$TMP/f.out"; exit 1; }
status=0
$RUN facts "$TMP/divide.ini" "$TMP/divide-answers.ini" zero >"$TMP/f.out" 2>"$TMP/f.err" || status=$?
[ "$status" -eq 70 ] && [ ! -s "$TMP/f.out" ] ||
    { echo "facts zero: exit $status, expected 70 and no output"; cat "$TMP/f.err"; exit 1; }
grep -qxF "$TMP/divide-answers.ini: note: respondent 'zero' is left out because of the error above" \
    "$TMP/f.err" || { echo "facts zero: no note"; cat "$TMP/f.err"; exit 1; }
printf '[answers fine]\nn = 1\n\n[answers wrong]\nn = many\n' >"$TMP/divide-bad.ini"
status=0
$RUN facts "$TMP/divide.ini" "$TMP/divide-bad.ini" >"$TMP/f.out" 2>"$TMP/f.err" || status=$?
[ "$status" -eq 65 ] || { echo "facts: exit $status, expected 65"; cat "$TMP/f.err"; exit 1; }
grep -qxF "$TMP/divide-bad.ini: note: respondent 'wrong' is left out because of the errors above" \
    "$TMP/f.err" || { echo "facts: no note for the invalid respondent"; cat "$TMP/f.err"; exit 1; }
for q in "größe ? ?" "--why-not=größe ? 3"; do
    status=0
    $RUN explain --kb "$TMP/divide.ini" "$TMP/divide-answers.ini" zero "$q" \
        >"$TMP/x.out" 2>"$TMP/x.err" || status=$?
    [ "$status" -eq 70 ] || { echo "explain $q: exit $status, expected 70"; cat "$TMP/x.err"; exit 1; }
    grep -qF "in rule 'ratio': division by zero" "$TMP/x.err" || { cat "$TMP/x.err"; exit 1; }
    grep -qxF "$TMP/divide-answers.ini: note: respondent 'zero' is not explained because of the error above" \
        "$TMP/x.err" || { echo "explain $q: no note naming the respondent"; cat "$TMP/x.err"; exit 1; }
done
# the same from a saved session (explain --session, sessions show --format)
printf '0\n' | $RUN ask --kb "$TMP/divide.ini" --db "$TMP/divide.db" --script --respondent zed \
    >/dev/null 2>&1 || true
session_note() {
    verb=$1
    shift
    status=0
    "$@" >"$TMP/x.out" 2>"$TMP/x.err" || status=$?
    [ "$status" -eq 70 ] || { echo "$*: exit $status, expected 70"; cat "$TMP/x.err"; exit 1; }
    grep -qF "in rule 'ratio': division by zero" "$TMP/x.err" || { cat "$TMP/x.err"; exit 1; }
    grep -qxF "ldt-advisor: note: session 1 (zed) is not $verb because of the error above" \
        "$TMP/x.err" || { echo "$*: no note naming the session"; cat "$TMP/x.err"; exit 1; }
}
session_note explained $RUN explain --kb "$TMP/divide.ini" --db "$TMP/divide.db" --session latest 'größe ? ?'
session_note advised $RUN sessions --kb "$TMP/divide.ini" --db "$TMP/divide.db" show latest --format json
