#!/bin/sh
# run_cli_tests.sh -- end-to-end tests of the ldt-advisor command.
#
#   sh tests/run_cli_tests.sh BUILD/ldt-advisor [--update]
#
# 1. Every knowledge base in tests/bad-kb/ (a NAME.ini file or a NAME/
#    directory) is loaded with `facts`; its exit status and stderr must be
#    exactly NAME.expected (first line "exit N", then the diagnostics).
#    --update rewrites the .expected files: review the diff before
#    committing it.
# 2. Cases in tests/cli/ (NAME.sh scripts run with $BIN set) and the
#    generated bad inputs below: missing and empty KBs, a 1 MB line,
#    10,000 rules, a rule that loops forever, usage errors.
# Ends with the line "N passed, N failed"; exits 1 on any failure.
# With VALGRIND set (a valgrind command line), each run goes through it.
set -u
BIN=${1:-build/ldt-advisor}
UPDATE=${2:-}
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
RUN="${VALGRIND:-} $BIN"
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2"; }

# expect NAME STATUS PATTERN CMD... : the command exits with STATUS and its
# stderr contains PATTERN (a fixed string; "" for any).
expect() {
    name=$1 want=$2 pat=$3
    shift 3
    timeout 60 "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "exit $got, expected $want" >"$TMP/why"
        cat "$TMP/err" >>"$TMP/why"
        bad "$name" "$TMP/why"
    elif [ -n "$pat" ] && ! grep -qF -- "$pat" "$TMP/err"; then
        { echo "stderr lacks: $pat"; cat "$TMP/err"; } >"$TMP/why"
        bad "$name" "$TMP/why"
    else
        ok "$name"
    fi
}

# 1. bad knowledge bases with their exact diagnostics
for kb in tests/bad-kb/*.ini tests/bad-kb/*/; do
    [ -e "$kb" ] || continue
    kb=${kb%/}
    exp=${kb%.ini}.expected
    $RUN facts "$kb" >/dev/null 2>"$TMP/err"
    status=$?
    { echo "exit $status"; cat "$TMP/err"; } >"$TMP/got"
    if [ "$UPDATE" = "--update" ]; then
        cp "$TMP/got" "$exp"
    fi
    if cmp -s "$TMP/got" "$exp"; then
        ok "bad-kb $(basename "$kb")"
    else
        diff -u "$exp" "$TMP/got" >"$TMP/why" 2>&1
        bad "bad-kb $(basename "$kb")" "$TMP/why"
    fi
done

# 2. generated bad inputs
expect "missing kb directory" 66 "cannot open: No such file or directory" \
    $RUN facts "$TMP/nowhere"
mkdir -p "$TMP/empty"
expect "empty kb directory" 65 "no .ini files in this directory" \
    $RUN facts "$TMP/empty"
mkdir -p "$TMP/unreadable" && printf '[rule r]\nthen = halt\n' >"$TMP/unreadable/r.ini"
chmod 000 "$TMP/unreadable/r.ini"
if [ "$(id -u)" != 0 ]; then
    expect "unreadable kb file" 66 "cannot open: Permission denied" \
        $RUN facts "$TMP/unreadable"
fi
chmod 644 "$TMP/unreadable/r.ini"

# a FIFO in a knowledge-base directory must not hang the loader; a FIFO
# named as the answers file is read as a pipe (tests/cli/answers-stdin.sh),
# and one whose writer leaves without writing is an empty file
mkdir -p "$TMP/fifo-kb" && printf '[rule r]\nthen = halt\n' >"$TMP/fifo-kb/a.ini"
mkfifo "$TMP/fifo-kb/b.ini"
expect "fifo in a kb directory" 66 "b.ini: error: not a regular file" \
    $RUN facts "$TMP/fifo-kb"
mkfifo "$TMP/answers-fifo.ini"
(: >"$TMP/answers-fifo.ini") &
expect "fifo as answers file, nothing written" 0 "answers-fifo.ini: warning: no [answers NAME] sections" \
    $RUN facts "$TMP/fifo-kb/a.ini" "$TMP/answers-fifo.ini"
wait

# a 1 MB line
{ printf '[rule long]\nwhen = answer x ?y\nbecause = '
  head -c 1048576 /dev/zero | tr '\0' 'a'
  printf '\nthen = halt\n'; } >"$TMP/long.ini"
expect "1 MB line" 65 "long.ini:3:4097: error: line is 1048586 bytes long; the limit is 4096" \
    $RUN facts "$TMP/long.ini"
# an answers file whose lines end with CR alone is one line, and says so
printf '[answers a]\rorg.type = region\r' >"$TMP/cr-answers.ini"
expect "CR line ends in answers" 65 "cr-answers.ini:1:12: error: a carriage return (CR) inside the line: expected lines ended by LF or CR LF" \
    $RUN advise --kb rules "$TMP/cr-answers.ini"
# a section whose only key is on a line too long, or not UTF-8, lost that
# key: it is not "empty", and the error is all that is said
{ printf '[facts long]\nfact = p '
  head -c 5000 /dev/zero | tr '\0' 'a'
  printf '\n[facts latin1]\nfact = p caf\351\n'; } >"$TMP/lost-key.ini"
$RUN facts "$TMP/lost-key.ini" >/dev/null 2>"$TMP/lost-key.err"
if grep -q "empty section" "$TMP/lost-key.err" ||
   [ "$(grep -c ': error: ' "$TMP/lost-key.err")" -ne 2 ]; then
    bad "lost key, no empty-section warning" "$TMP/lost-key.err"
else
    ok "lost key, no empty-section warning"
fi

# 10,000 rules load and run
awk 'BEGIN {
    print "[facts start]"; print "fact = n 0"
    for (i = 0; i < 10000; i++) {
        printf "[rule r%05d]\nwhen = n ?x\nwhen = ?x = %d\nthen = assert seen %d\n\n", i, i % 7, i
    }
}' >"$TMP/many.ini"
timeout 60 $RUN facts "$TMP/many.ini" >"$TMP/out" 2>"$TMP/err"
status=$?
count=$(grep -c '^seen ' "$TMP/out")
if [ "$status" -eq 0 ] && [ "$count" -eq 1429 ]; then
    ok "10000 rules"
else
    echo "exit $status, $count 'seen' facts (expected 1429)" >"$TMP/why"
    bad "10000 rules" "$TMP/why"
fi

# a rule that loops forever stops at the firing limit, naming the rule
cat >"$TMP/loop.ini" <<'EOF'
[facts start]
fact = counter 0

[rule count-up]
when = ?c <- counter ?n
then = retract ?c
then = assert counter (?n + 1)
EOF
expect "endless loop hits the firing limit" 70 "the rules that fired most: 'count-up' (1000 times" \
    $RUN facts --max-firings 1000 "$TMP/loop.ini"
expect "default firing limit" 70 "firing limit of 100000 reached" \
    $RUN facts "$TMP/loop.ini"

# usage
expect "no arguments" 64 "" $RUN
expect "unknown command" 64 "unknown command 'fcats'" $RUN fcats
expect "facts without kb" 64 "missing the knowledge base" $RUN facts
expect "bad strategy" 64 "--strategy takes depth or breadth" $RUN facts --strategy wide x
expect "bad max firings" 64 "--max-firings takes a positive whole number" \
    $RUN facts --max-firings 0 x
expect "unknown option" 64 "unknown option '--colour'" $RUN facts --colour x
expect "too many arguments" 64 "too many arguments" $RUN facts a b c d
expect "--help" 0 "" $RUN --help
expect "facts --help" 0 "" $RUN facts --help
expect "--version" 0 "" $RUN --version

# 3. scripted cases
for t in tests/cli/*.sh; do
    [ -e "$t" ] || continue
    case_tmp="$TMP/case-$(basename "$t" .sh)"
    mkdir -p "$case_tmp"
    if BIN="$BIN" RUN="$RUN" TMP="$case_tmp" sh "$t" >"$TMP/why" 2>&1; then
        ok "$(basename "$t" .sh)"
    else
        bad "$(basename "$t" .sh)" "$TMP/why"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
