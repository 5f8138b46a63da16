# `test` with files and directories on the command line: one that is part
# of the knowledge base already (rules/tests, however it is spelt: relative,
# ./, absolute, through a symbolic link) or that is given twice is loaded
# once, not reported as a duplicate of itself; two different files defining
# one scenario are still an error naming both places; a file or directory
# with other sections than [test] (a copy of a knowledge base) is one error.
set -eu
ROOT=$(pwd)
$RUN test --kb rules >"$TMP/all.out"
summary=$(tail -n 1 "$TMP/all.out")
echo "$summary" | grep -Eq '^[1-9][0-9]* passed, 0 failed$' || { cat "$TMP/all.out"; exit 1; }

# each must run the same scenarios, once, with nothing on stderr
same() {
    status=0
    $RUN test --kb "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
    if [ "$status" -ne 0 ] || [ -s "$TMP/err" ] ||
        [ "$(tail -n 1 "$TMP/out")" != "$summary" ]; then
        echo "test --kb $*: exit $status, expected 0 and '$summary'"
        cat "$TMP/err"
        tail -n 3 "$TMP/out"
        exit 1
    fi
}
same rules rules/tests
same rules rules/tests/situations.ini
same rules ./rules/tests/situations.ini
same rules "$ROOT/rules/tests/"
same "$ROOT/rules" rules/tests rules/tests/../tests/maturity.ini
same rules rules
ln -s "$ROOT/rules/tests/situations.ini" "$TMP/link.ini"
ln -s "$ROOT/rules/tests" "$TMP/linkdir"
same rules "$TMP/link.ini" "$TMP/linkdir"
# from inside the knowledge base, a relative path
(cd rules && same . tests/journeys.ini "$ROOT/rules/tests/journeys.ini") || exit 1

# a file of its own, given twice, counts once
cat >"$TMP/extra.ini" <<'INI'
[test extra-lab]
answer.twin.stage = exploring
expect_not = situation primary agora
INI
$RUN test --kb rules "$TMP/extra.ini" "$TMP/./extra.ini" "$TMP/link.ini" \
    extra-lab >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; exit 1; }
grep -qx 'ok   extra-lab' "$TMP/out"
tail -n 1 "$TMP/out" | grep -qx '1 passed, 0 failed'

# a genuine duplicate: another file with a scenario of the same name
line=$(grep -n '^\[test secondary-too-far\]' rules/tests/situations.ini | cut -d: -f1)
printf '; a copy\n[test secondary-too-far]\nexpect = situation primary agora\n' >"$TMP/dup.ini"
status=0
$RUN test --kb rules "$TMP/dup.ini" >"$TMP/out" 2>"$TMP/err" || status=$?
[ "$status" -eq 65 ] || { echo "duplicate: exit $status, expected 65"; cat "$TMP/err"; exit 1; }
grep -qF "$TMP/dup.ini:2:7: error: duplicate test 'secondary-too-far' (first defined at rules/tests/situations.ini:$line)" "$TMP/err" ||
    { cat "$TMP/err"; exit 1; }
[ "$(grep -c 'error:' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; exit 1; }

# a copy of a whole knowledge base given as scenarios (as to lint): one
# error at its first section that is no [test], nothing more of it read,
# and a note pointing to --kb; the copy itself tests fine with --kb
cp -r rules "$TMP/copy"
status=0
$RUN test --kb rules "$TMP/copy" >"$TMP/out" 2>"$TMP/err" || status=$?
[ "$status" -eq 65 ] || { echo "a copy as scenarios: exit $status, expected 65"; cat "$TMP/err"; exit 1; }
grep -qF "$TMP/copy/advice.ini:" "$TMP/err" ||  { cat "$TMP/err"; exit 1; }
grep -qF "is not a scenario: a file or directory of scenarios adds only [test] sections to the knowledge base, so the rest of '$TMP/copy' is not read" "$TMP/err" ||
    { cat "$TMP/err"; exit 1; }
[ "$(grep -c 'error:' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; exit 1; }
grep -qx "note: to run the scenarios of another knowledge base, give it with --kb DIR" "$TMP/err" ||
    { cat "$TMP/err"; exit 1; }
[ ! -s "$TMP/out" ] || { cat "$TMP/out"; exit 1; }
$RUN test --kb "$TMP/copy" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
[ "$(tail -n 1 "$TMP/out")" = "$summary" ] || { tail -n 1 "$TMP/out"; exit 1; }

# a scenario file with a rule after its scenario: the scenario before is
# read, the rule is the one error, and what follows is not read
cat >"$TMP/mixed.ini" <<'INI'
[test mixed-first]
answer.twin.stage = exploring
expect_not = situation primary agora

[rule sneaked-in]
when = answer twin.stage exploring
then = assert situation primary agora

[test mixed-later]
expect = situation primary agora
INI
status=0
$RUN test --kb rules "$TMP/mixed.ini" >"$TMP/out" 2>"$TMP/err" || status=$?
[ "$status" -eq 65 ] || { echo "mixed: exit $status, expected 65"; cat "$TMP/err"; exit 1; }
grep -qF "$TMP/mixed.ini:5:2: error: [rule sneaked-in] is not a scenario" "$TMP/err" || { cat "$TMP/err"; exit 1; }
[ "$(grep -c 'error:' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; exit 1; }
