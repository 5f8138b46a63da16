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

# one respondent, no prefix
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" zeta >"$TMP/one.out" 2>/dev/null || true
printf 'answer kind city\nanswer size 250000\nscale big\n' | diff -u - "$TMP/one.out"

# an unknown respondent is an error naming the file
status=0
$RUN facts "$TMP/kb.ini" "$TMP/answers.ini" nobody >/dev/null 2>"$TMP/nobody.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "no respondent 'nobody'" "$TMP/nobody.err" \
  || { echo "exit $status, expected 65"; cat "$TMP/nobody.err"; exit 1; }

# a missing answers file
status=0
$RUN facts "$TMP/kb.ini" "$TMP/none.ini" >/dev/null 2>"$TMP/none.err" || status=$?
[ "$status" -eq 66 ] && grep -qF "none.ini: error: cannot open" "$TMP/none.err" \
  || { echo "exit $status, expected 66"; cat "$TMP/none.err"; exit 1; }

# breadth and depth give the same final facts here
$RUN facts --strategy breadth "$TMP/kb.ini" "$TMP/answers.ini" zeta >"$TMP/b.out" 2>/dev/null || true
diff -u "$TMP/one.out" "$TMP/b.out"
