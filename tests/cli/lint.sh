# `lint`: every knowledge base in tests/lint-kb/ (a NAME/ directory) gives
# exactly NAME.expected: first line "exit N", then stderr.  Also --strict,
# usage, the shipped knowledge base, and a generated 10,000-rule knowledge
# base that must finish within 20 seconds.
#
# Run by tests/run_cli_tests.sh (with BIN, RUN and TMP set), or alone:
#   sh tests/cli/lint.sh [--update]      (BIN defaults to build/ldt-advisor)
# --update rewrites the .expected files: review the diff before committing.
set -u
UPDATE=${1:-}
BIN=${BIN:-build/ldt-advisor}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
RUN=${RUN:-$BIN}
if [ -z "${TMP:-}" ]; then
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT INT TERM
fi
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# status WANT CMD...: runs CMD (stdout and stderr into $TMP/lint.out and
# $TMP/lint.err) and checks its exit status.
status() {
    want=$1
    shift
    "$@" >"$TMP/lint.out" 2>"$TMP/lint.err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$* exited $got, expected $want"
        sed 's/^/     /' "$TMP/lint.err"
    fi
}

# 1. fixtures with their exact diagnostics
for kb in tests/lint-kb/*/; do
    kb=${kb%/}
    exp=$kb.expected
    $RUN lint "$kb" >/dev/null 2>"$TMP/lint.err"
    st=$?
    { echo "exit $st"; cat "$TMP/lint.err"; } >"$TMP/lint.got"
    [ "$UPDATE" = "--update" ] && cp "$TMP/lint.got" "$exp"
    if ! cmp -s "$TMP/lint.got" "$exp"; then
        fail "lint $kb"
        diff -u "$exp" "$TMP/lint.got" | sed 's/^/     /'
    fi
done

# 2. --strict: warnings make the exit status 1; a clean KB stays 0; errors
# stay 65
status 1 $RUN lint --strict tests/lint-kb/loops
status 1 $RUN lint --strict tests/lint-kb/always-false
status 0 $RUN lint --strict tests/lint-kb/clean
status 65 $RUN lint --strict tests/lint-kb/bad-option
status 0 $RUN lint --kb tests/lint-kb/clean --strict
[ -s "$TMP/lint.err" ] && fail "a clean knowledge base printed something"

# 3. usage
status 0 $RUN lint --help
grep -q '^Usage: ldt-advisor lint' "$TMP/lint.out" || fail "lint --help"
status 64 $RUN lint --pedantic tests/lint-kb/clean
grep -qF "unknown option '--pedantic'" "$TMP/lint.err" || fail "unknown option message"
status 64 $RUN lint tests/lint-kb/clean tests/lint-kb/loops
grep -qF "too many arguments" "$TMP/lint.err" || fail "too many arguments message"
status 66 $RUN lint "$TMP/nowhere"
# standard output that cannot be written: 74 and a message, as every command
if [ -w /dev/full ]; then
    st=0
    $RUN lint --help >/dev/full 2>"$TMP/lint.err" || st=$?
    [ "$st" -eq 74 ] || fail "lint --help >/dev/full: exit $st, expected 74"
    grep -qF "cannot write the output: No space left on device" "$TMP/lint.err" ||
        fail "lint --help >/dev/full: no message"
    # its findings go to standard error: a full standard output loses nothing
    st=0
    $RUN lint --strict tests/lint-kb/clean >/dev/full 2>"$TMP/lint.err" || st=$?
    [ "$st" -eq 0 ] || fail "lint >/dev/full: exit $st, expected 0"
fi

# 4. the shipped knowledge base is clean: no error, no warning (its
# journey loop uses up candidates and prerequisites, which lint recognises)
status 0 $RUN lint --strict rules
[ -s "$TMP/lint.err" ] && fail "lint rules reports: $(head -c 300 "$TMP/lint.err")"

# 5. 10,000 rules: finishes in seconds (the checks index relations rather
# than comparing rules with rules); two findings planted in it
awk 'BEGIN {
    for (q = 0; q < 100; q++)
        printf "[question q%02d]\ntext = Question %d?\ntype = number\nmin = 0\n\n", q, q
    print "[question sel]\ntext = Which?\ntype = one\noption = a : A\noption = b : B\noption = c : C\n"
    for (m = 0; m < 3; m++)
        printf "[model m%d]\ntitle = Model %d\norder = %d\nsummary = S.\nfits = F.\n\n", m, m, m + 1
    print "[facts start]\nfact = session start\nfact = counter 0\n"
    split("a b c", opt, " ")
    for (i = 0; i < 10000; i++) {
        printf "[rule r%05d]\nsalience = %d\nwhen = answer q%02d ?x\nwhen = ?x > %d\n", i, i % 10, i % 100, i
        if (i % 10 == 1)
            printf "when = level%d ?y\nwhen = not block%d ?y\n", (i + 7) % 50, (i + 2) % 50
        if (i % 100 == 5)
            printf "when = answer sel %s\nthen = assert model primary m%d\nbecause = Rule %d.\n", opt[i % 3 + 1], i % 3, i
        printf "then = assert level%d ?x\n", i % 50
        if (i % 10 == 3)
            printf "then = add block%d 1\n", i % 50
        print ""
    }
    print "[rule typo]\nwhen = levle7 ?y\nthen = assert done yes\n"
    print "[rule loop]\nwhen = ?c <- counter ?n\nthen = retract ?c\nthen = assert counter (?n + 1)\n"
}' >"$TMP/many-rules.ini"
limit=20
[ -n "${VALGRIND:-}" ] && limit=600
timeout $limit $RUN lint --strict "$TMP/many-rules.ini" >/dev/null 2>"$TMP/lint.err"
st=$?
if [ "$st" -ne 1 ]; then
    fail "10000 rules: exit $st, expected 1 (124: timed out after ${limit}s)"
    head -n 20 "$TMP/lint.err" | sed 's/^/     /'
fi
n=$(grep -c ': warning: ' "$TMP/lint.err")
[ "$n" -eq 2 ] || fail "10000 rules: $n warnings, expected 2"
grep -qF "rule 'typo' can never fire: nothing asserts 'levle7 ?' (did you mean 'level7'?)" \
    "$TMP/lint.err" || fail "10000 rules: the misspelt relation"
grep -qF "rule 'loop' may retrigger itself without end through 'counter ?'" \
    "$TMP/lint.err" || fail "10000 rules: the loop"

exit $failed
