# --watch prints each firing to stderr with the rule and the facts matched,
# in firing order; stdout keeps only the facts.
set -eu
cat >"$TMP/w.ini" <<'INI'
[facts start]
fact = item a 1
fact = item b 2

[rule double]
when = item ?x ?n
then = assert twice ?x (?n * 2)
INI
$RUN facts --watch "$TMP/w.ini" >"$TMP/w.out" 2>"$TMP/w.err"
grep -c '^FIRE' "$TMP/w.err" | grep -qx 2
grep -qF 'double: f-2 (item b 2)' "$TMP/w.err"
grep -qF 'double: f-1 (item a 1)' "$TMP/w.err"
if grep -q FIRE "$TMP/w.out"; then echo "the trace went to standard output"; exit 1; fi
grep -qx 'twice b 4' "$TMP/w.out"

# --watch=LIST: facts and activations in CLIPS's style; a bad list is a
# usage error; ask traces its questions
$RUN facts --watch=facts,activations "$TMP/w.ini" >/dev/null 2>"$TMP/w2.err"
grep -qF '==> f-1     item a 1' "$TMP/w2.err"
grep -qF '==> Activation 0 double: f-1 (item a 1)' "$TMP/w2.err"
grep -qF '==> f-3     twice' "$TMP/w2.err"
if grep -q '^FIRE' "$TMP/w2.err"; then echo "rules traced without being asked for"; exit 1; fi
status=0; $RUN facts --watch=everything "$TMP/w.ini" >/dev/null 2>&1 || status=$?; [ "$status" -eq 64 ]
printf 'municipality\nquit\n' | $RUN ask --kb "$(pwd)/rules" --db "$TMP/w.db" --script --watch questions,rules \
    >/dev/null 2>"$TMP/w3.err"
grep -qF 'QUESTION org.type: the first unanswered question' "$TMP/w3.err"
grep -q '^FIRE' "$TMP/w3.err"
# advise --watch questions: the state of each question for the respondent
$RUN advise --kb "$(pwd)/rules" --watch questions "$(pwd)/examples/answers.ini" small-town-exploring \
    >/dev/null 2>"$TMP/w4.err"
grep -qF '== respondent small-town-exploring' "$TMP/w4.err"
grep -qF 'QUESTION org.type: answered' "$TMP/w4.err"
grep -q 'QUESTION .*: not asked: its ask_if does not hold' "$TMP/w4.err"
# facts runs no questionnaire: asking it to trace questions is refused (it
# traced nothing before), and its "all" is what it can trace
status=0; $RUN facts --watch=questions "$TMP/w.ini" >/dev/null 2>"$TMP/w5.err" || status=$?
[ "$status" -eq 64 ]
grep -qF 'facts: --watch cannot trace questions here' "$TMP/w5.err"
$RUN facts --watch=all "$TMP/w.ini" >/dev/null 2>"$TMP/w6.err"
grep -q '^FIRE' "$TMP/w6.err"
grep -qF '==> f-1     item a 1' "$TMP/w6.err"
