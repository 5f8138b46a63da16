# `test`: the shipped knowledge base's scenarios pass; a failing scenario
# says what was expected and what was found, ends with the summary line and
# exits 1; coverage names rules no scenario fired.
set -eu
ROOT=$(pwd)
$RUN test --kb "$ROOT/rules" >"$TMP/t.out"
tail -n 1 "$TMP/t.out" | grep -Eq '^[0-9]+ passed, 0 failed$'
cat >"$TMP/extra.ini" <<'INI'
[test wrong-expectation]
answer.twin.stage = exploring
expect = situation primary agora
expect_not = situation primary lab
INI
status=0
$RUN test --kb "$ROOT/rules" "$TMP/extra.ini" wrong-expectation >"$TMP/f.out" || status=$?
[ "$status" -eq 1 ] || { echo "exit $status"; cat "$TMP/f.out"; exit 1; }
grep -qF "FAIL wrong-expectation" "$TMP/f.out"
grep -qF "expected a fact matching 'situation primary agora', found none; facts of that relation:" "$TMP/f.out"
grep -qF "expected no fact matching 'situation primary lab', found situation primary lab" "$TMP/f.out"
tail -n 1 "$TMP/f.out" | grep -qx '0 passed, 1 failed'
$RUN test --kb "$ROOT/rules" --coverage | grep -qE '^ +[0-9]+  situation\.primary  \('

# the verdicts are the output: when standard output cannot be written the
# command says so and exits 74, as every command does
if [ -w /dev/full ]; then
    status=0
    $RUN test --kb "$ROOT/rules" >/dev/full 2>"$TMP/full.err" || status=$?
    [ "$status" -eq 74 ] || { echo "test >/dev/full: exit $status, expected 74"; exit 1; }
    grep -qF "cannot write the output: No space left on device" "$TMP/full.err" ||
        { cat "$TMP/full.err"; exit 1; }
    status=0
    $RUN test --help >/dev/full 2>"$TMP/full.err" || status=$?
    [ "$status" -eq 74 ] || { echo "test --help >/dev/full: exit $status, expected 74"; exit 1; }
fi

# a scenario answering a question whose section has errors: the question's
# errors say what is wrong, not "answers unknown question" besides
mkdir -p "$TMP/brokenq"
printf '[question q]\ntext = Q?\ntype = one\n\n[rule r]\nwhen = answer q a\nthen = assert x\n\n[test t]\nanswer.q = a\nexpect = x\n' \
    >"$TMP/brokenq/kb.ini"
status=0
$RUN test --kb "$TMP/brokenq" >"$TMP/bq.out" 2>"$TMP/bq.err" || status=$?
[ "$status" -eq 65 ] || { echo "broken question: exit $status"; cat "$TMP/bq.err"; exit 1; }
grep -qF "question 'q' of type one needs at least one 'option = VALUE : Label'" "$TMP/bq.err" ||
    { cat "$TMP/bq.err"; exit 1; }
[ "$(grep -c 'error:' "$TMP/bq.err")" -eq 1 ] || { echo "knock-on errors:"; cat "$TMP/bq.err"; exit 1; }

# the rules no scenario fired are listed, but not with -q, which keeps the
# line that counts them
mkdir -p "$TMP/untested"
printf '[question q]\ntext = Q?\ntype = one\noption = a : A\noption = b : B\n\n[rule used]\nwhen = answer q a\nthen = assert x\n\n[rule unused]\nwhen = answer q b\nthen = assert y\n\n[test t]\nanswer.q = a\nexpect = x\n' \
    >"$TMP/untested/kb.ini"
$RUN test --kb "$TMP/untested" >"$TMP/u.out"
grep -qF '1 of 2 rules were fired by no scenario (untested):' "$TMP/u.out"
grep -qE 'kb\.ini:11: unused$' "$TMP/u.out"
grep -qx 'ok   t' "$TMP/u.out"
$RUN test --kb "$TMP/untested" -q >"$TMP/uq.out"
if grep -qE 'untested|unused|^ok' "$TMP/uq.out"; then echo "-q printed more than failures and the summary"; cat "$TMP/uq.out"; exit 1; fi
grep -qx 'rule coverage: 1 of 2 rules fired by at least one scenario' "$TMP/uq.out"
tail -n 1 "$TMP/uq.out" | grep -qx '1 passed, 0 failed'
