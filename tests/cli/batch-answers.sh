# facts with an answers file: every respondent runs from a reset in one
# process, lines are prefixed with the respondent's name and sorted; one
# respondent can be picked; an invalid respondent is reported with its
# file:line and skipped while the others still run (exit 65).
set -eu
cat >"$TMP/kb.ini" <<'INI'
[question size]
text = How many residents?
type = number
min = 0
max = 1000000

[question kind]
text = Which kind?
type = one
option = city : City
option = region : Region

[rule big]
when = answer size ?n
when = ?n >= 100000
then = assert scale big

[rule small]
when = answer size ?n
when = ?n < 100000
then = assert scale small
INI
cat >"$TMP/answers.ini" <<'INI'
[answers zeta]
size = 250000
kind = City

[answers alpha]
size = 5000

[answers broken]
size = lots
kind = region
INI
status=0
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" >"$TMP/batch.out" 2>"$TMP/batch.err" || status=$?
[ "$status" -eq 65 ] || { echo "exit $status, expected 65"; exit 1; }
cat >"$TMP/batch.want" <<'OUT'
alpha answer size 5000
alpha scale small
zeta answer kind city
zeta answer size 250000
zeta scale big
OUT
diff -u "$TMP/batch.want" "$TMP/batch.out"
grep -qF "answers.ini:9:8: error: respondent 'broken', question 'size': expected a number from 0 to 1000000, found 'lots'" "$TMP/batch.err" \
    || { cat "$TMP/batch.err"; exit 1; }

# one respondent, no prefix; the errors of another respondent's section
# are not this command's: not shown, exit 0
status=0
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" zeta >"$TMP/one.out" 2>"$TMP/one.err" || status=$?
[ "$status" -eq 0 ] || { echo "zeta: exit $status, expected 0"; cat "$TMP/one.err"; exit 1; }
[ ! -s "$TMP/one.err" ] || { echo "zeta: another respondent's errors shown"; cat "$TMP/one.err"; exit 1; }
printf 'answer kind city\nanswer size 250000\nscale big\n' | diff -u - "$TMP/one.out"
# ... and naming the invalid respondent shows its errors, exit 65
status=0
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" broken >/dev/null 2>"$TMP/broken.err" || status=$?
[ "$status" -eq 65 ] || { echo "broken: exit $status, expected 65"; exit 1; }
grep -qF "answers.ini:9:8: error: respondent 'broken'" "$TMP/broken.err" ||
    { echo "broken: its error not shown"; cat "$TMP/broken.err"; exit 1; }

# a second section of a respondent belongs to it (its lines end at the next
# header); errors outside any respondent's section belong to the file
cat >"$TMP/dup.ini" <<'INI'
[answers zeta]
size = 250000

[answers broken]
size = lots

[answers zeta]
size = 3

[answers alpha]
size = 5000
INI
named() {   # EXPECTED-STATUS COMMAND... : runs it, stderr in $TMP/named.err
    want=$1; shift
    status=0
    $RUN "$@" >"$TMP/named.out" 2>"$TMP/named.err" || status=$?
    [ "$status" -eq "$want" ] ||
        { echo "$*: exit $status, expected $want"; cat "$TMP/named.err"; exit 1; }
}
for cmd in "facts $TMP/kb.ini" "advise --kb $TMP/kb.ini"; do
    # shellcheck disable=SC2086
    named 0 $cmd "$TMP/dup.ini" alpha
    [ ! -s "$TMP/named.err" ] || { echo "$cmd alpha: errors shown"; cat "$TMP/named.err"; exit 1; }
    # shellcheck disable=SC2086
    named 65 $cmd "$TMP/dup.ini" zeta
    grep -qF "dup.ini:7:10: error: duplicate respondent 'zeta' (first at line 1)" "$TMP/named.err" ||
        { echo "$cmd zeta: its duplicate not shown"; cat "$TMP/named.err"; exit 1; }
    if grep -qF "'broken'" "$TMP/named.err"; then
        echo "$cmd zeta: another respondent's error shown"; cat "$TMP/named.err"; exit 1
    fi
    # every respondent: every error, exit 65
    # shellcheck disable=SC2086
    named 65 $cmd "$TMP/dup.ini"
    [ "$(grep -c ': error: ' "$TMP/named.err")" -eq 2 ] ||
        { echo "$cmd: expected 2 errors"; cat "$TMP/named.err"; exit 1; }
done
# a key before any section is the file's: it counts for any respondent
{ echo 'size = 1'; cat "$TMP/dup.ini"; } >"$TMP/stray.ini"
named 65 advise --kb "$TMP/kb.ini" "$TMP/stray.ini" alpha
grep -qF "stray.ini:1:1: error:" "$TMP/named.err" ||
    { echo "stray key not shown"; cat "$TMP/named.err"; exit 1; }
# explain of one respondent shows its own problems only
named 0 explain --kb "$TMP/kb.ini" "$TMP/dup.ini" alpha --why size
[ ! -s "$TMP/named.err" ] || { echo "explain alpha: errors shown"; cat "$TMP/named.err"; exit 1; }
# a second section with the named respondent's name: the first is
# explained, and the error makes the exit status 65, as advise and facts
named 65 explain --kb "$TMP/kb.ini" "$TMP/dup.ini" zeta --why size
grep -qF "duplicate respondent 'zeta'" "$TMP/named.err" ||
    { echo "explain zeta: its duplicate not shown"; cat "$TMP/named.err"; exit 1; }
grep -qF "Respondent: zeta (from" "$TMP/named.out" ||
    { echo "explain zeta: not explained"; cat "$TMP/named.out"; exit 1; }
named 65 explain --kb "$TMP/kb.ini" "$TMP/dup.ini" zeta "scale big"
grep -qF "<- rule big (" "$TMP/named.out" ||
    { echo "explain zeta scale big: no how"; cat "$TMP/named.out"; exit 1; }

# an unknown respondent is an error naming the file; it is not there: 66
status=0
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" nobody >/dev/null 2>"$TMP/nobody.err" || status=$?
[ "$status" -eq 66 ] && grep -qF "no respondent 'nobody'" "$TMP/nobody.err" \
  || { echo "exit $status, expected 66"; cat "$TMP/nobody.err"; exit 1; }

# a missing answers file
status=0
$RUN facts "$TMP/kb.ini" "$TMP/none.ini" >/dev/null 2>"$TMP/none.err" || status=$?
[ "$status" -eq 66 ] && grep -qF "none.ini: error: cannot open" "$TMP/none.err" \
  || { echo "exit $status, expected 66"; cat "$TMP/none.err"; exit 1; }

# breadth and depth give the same final facts here
$RUN facts --strategy breadth "$TMP/kb.ini" "$TMP/answers.ini" zeta >"$TMP/b.out" 2>/dev/null || true
diff -u "$TMP/one.out" "$TMP/b.out"

# more than 50 respondents with errors: the first 50 errors are shown and
# a note counts the rest; every respondent is still checked, so the valid
# ones after them are advised; a respondent named has its own errors shown
# wherever they are in the file
i=0
: >"$TMP/many.ini"
while [ $i -lt 55 ]; do
    printf '[answers bad%02d]\nsize = 12\nkind = town\n' $i >>"$TMP/many.ini"
    i=$((i + 1))
done
printf '[answers good]\nsize = 250000\n' >>"$TMP/many.ini"
named 65 facts "$TMP/kb.ini" "$TMP/many.ini"
[ "$(grep -c ': error: ' "$TMP/named.err")" -eq 50 ] ||
    { echo "many: not 50 errors shown"; cat "$TMP/named.err"; exit 1; }
grep -qF "many.ini:153: note: at least 5 more errors from here on are not shown" "$TMP/named.err" ||
    { echo "many: no note of the errors not shown"; cat "$TMP/named.err"; exit 1; }
grep -qxF "good scale big" "$TMP/named.out" ||
    { echo "many: the valid respondent after them not run"; cat "$TMP/named.out"; exit 1; }
named 65 advise --kb "$TMP/kb.ini" "$TMP/many.ini"
grep -qF "== good ==" "$TMP/named.out" ||
    { echo "many: advise left out the valid respondent"; cat "$TMP/named.out"; exit 1; }
grep -qF "note: respondent 'bad53' is not advised because of errors in its answers (not all shown)" "$TMP/named.err" ||
    { echo "many: no note for a respondent whose errors are not shown"; cat "$TMP/named.err"; exit 1; }
for cmd in "facts $TMP/kb.ini" "advise --kb $TMP/kb.ini" "explain --kb $TMP/kb.ini"; do
    extra=""
    [ "${cmd%% *}" = explain ] && extra="--why size"
    # shellcheck disable=SC2086
    named 65 $cmd "$TMP/many.ini" bad53 $extra
    grep -qF "many.ini:162:8: error: respondent 'bad53', question 'kind': expected one of" "$TMP/named.err" ||
        { echo "$cmd bad53: its error not shown"; cat "$TMP/named.err"; exit 1; }
    if grep -F "error: respondent 'bad0" "$TMP/named.err"; then
        echo "$cmd bad53: other respondents' errors shown"; exit 1
    fi
done

# a respondent with more errors than the file shows, its last lines bad
# too (no newline at the end): named, every one of its errors is shown,
# each once, from its first to the file's last line
{ printf '[answers fine]\nsize = 10\n\n[answers noisy]\n'
  i=0; while [ $i -lt 119 ]; do echo "bad line $i"; i=$((i + 1)); done
  printf 'last bad line'
} >"$TMP/noisy.ini"
named 65 facts "$TMP/kb.ini" "$TMP/noisy.ini"
[ "$(grep -c 'error:' "$TMP/named.err")" -eq 50 ] || { echo "noisy: not 50 shown"; exit 1; }
grep -qF "noisy.ini:55: note: at least 70 more errors from here on are not shown" "$TMP/named.err" ||
    { echo "noisy: no note"; cat "$TMP/named.err"; exit 1; }
for cmd in "facts $TMP/kb.ini" "advise --kb $TMP/kb.ini"; do
    # shellcheck disable=SC2086
    named 65 $cmd "$TMP/noisy.ini" noisy
    [ "$(grep -c 'error:' "$TMP/named.err")" -eq 120 ] ||
        { echo "$cmd noisy: $(grep -c 'error:' "$TMP/named.err") errors shown, expected 120"; exit 1; }
    [ "$(grep 'error:' "$TMP/named.err" | cut -d: -f2 | sort | uniq -d | wc -l)" -eq 0 ] ||
        { echo "$cmd noisy: an error shown twice"; exit 1; }
    grep -qF "noisy.ini:124:1: error: expected 'key = value'" "$TMP/named.err" ||
        { echo "$cmd noisy: the last line's error not shown"; exit 1; }
    if grep -qF "not shown" "$TMP/named.err"; then echo "$cmd noisy: still errors not shown"; exit 1; fi
done

# a respondent whose section ends at an indented header (" [answers ...]"),
# with errors past the file's first 50: the warning about that header line
# is not one of the section's problems, so naming the respondent shows
# every error the reading left out (the last one was lost)
{ printf '[answers first]\n'
  i=0; while [ $i -lt 40 ]; do echo "bad line $i"; i=$((i + 1)); done
  printf '[answers tail]\n'
  i=0; while [ $i -lt 8 ]; do echo "bad line $i"; i=$((i + 1)); done
  printf 'colour = red\nshape = round\nweight = 3\n  [answers after]\nsize = 10\n'
} >"$TMP/indented.ini"
named 65 facts "$TMP/kb.ini" "$TMP/indented.ini"
grep -qF "indented.ini:54:3: warning: this indented line is a section header" "$TMP/named.err" ||
    { echo "indented: no warning for the header"; cat "$TMP/named.err"; exit 1; }
grep -qF "at least 1 more errors from here on are not shown" "$TMP/named.err" ||
    { echo "indented: no note"; cat "$TMP/named.err"; exit 1; }
named 65 facts "$TMP/kb.ini" "$TMP/indented.ini" tail
for q in colour shape weight; do
    grep -qF "error: respondent 'tail': unknown question '$q'" "$TMP/named.err" ||
        { echo "indented: the error of '$q' not shown"; cat "$TMP/named.err"; exit 1; }
done
[ "$(grep -c 'error:' "$TMP/named.err")" -eq 11 ] ||
    { echo "indented: $(grep -c 'error:' "$TMP/named.err") errors shown, expected 11"; cat "$TMP/named.err"; exit 1; }
