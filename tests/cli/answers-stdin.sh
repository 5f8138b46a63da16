# facts and explain read their answers file from standard input ('-') and
# from a pipe given by name, as advise does: the messages name '<stdin>',
# the respondent is found and run, a bad answer is an error at its line.
set -eu
cd "$TMP"
cat >kb.ini <<'INI'
[question size]
text = How many residents?
type = number
min = 0
max = 1000000

[rule big]
when = answer size ?n
when = ?n >= 100000
then = assert scale big
because = {?n} residents make a big place.
INI
printf '[answers alpha]\nsize = 5\n\n[answers beta]\nsize = 200000\n' >a.ini

# facts: every respondent, one, and a bad answer
$RUN facts kb.ini a.ini >want.txt
$RUN facts kb.ini - <a.ini >got.txt
cmp -s want.txt got.txt || { echo "facts -: other facts"; diff want.txt got.txt; exit 1; }
$RUN facts kb.ini - beta <a.ini >got.txt
grep -qx "scale big" got.txt || { echo "facts - beta: no 'scale big'"; cat got.txt; exit 1; }
status=0
printf '[answers x]\nsize = lots\n' | $RUN facts kb.ini - x >got.txt 2>err.txt || status=$?
[ "$status" -eq 65 ] || { echo "facts -, invalid: exit $status"; cat err.txt; exit 1; }
grep -qF "<stdin>:2:8: error: respondent 'x', question 'size': expected a number from 0 to 1000000, found 'lots'" err.txt ||
    { echo "facts -: no error naming <stdin>"; cat err.txt; exit 1; }
status=0
$RUN facts kb.ini - gamma <a.ini >got.txt 2>err.txt || status=$?
[ "$status" -eq 66 ] && grep -qF "<stdin>: error: no respondent 'gamma' in this file (it has 2)" err.txt ||
    { echo "facts -, no such respondent: exit $status"; cat err.txt; exit 1; }

# explain: how, from standard input and from a named pipe
$RUN explain --kb kb.ini - beta 'scale big' <a.ini >got.txt
grep -qF "Respondent: beta (from <stdin>)" got.txt &&
    grep -qF "200000 residents make a big place." got.txt ||
    { echo "explain -: not explained"; cat got.txt; exit 1; }
rm -f fifo; mkfifo fifo
cat a.ini >fifo &
status=0
$RUN explain --kb kb.ini fifo beta 'scale big' >got.txt 2>err.txt || status=$?
wait
[ "$status" -eq 0 ] && grep -qF "200000 residents make a big place." got.txt ||
    { echo "explain pipe: exit $status"; cat got.txt err.txt; exit 1; }
status=0
$RUN explain --kb kb.ini - gamma 'scale big' <a.ini >got.txt 2>err.txt || status=$?
[ "$status" -eq 66 ] && grep -qF "<stdin>: error: no respondent 'gamma' in this file" err.txt ||
    { echo "explain -, no such respondent: exit $status"; cat err.txt; exit 1; }

# a closed standard input is no empty file (the program's own temporary
# copy must not take its number and be read back as the answers), and a
# closed standard output is no silent success (a report must not go into
# a file the program opened)
status=0
$RUN advise --kb kb.ini - <&- >got.txt 2>err.txt || status=$?
[ "$status" -eq 66 ] && grep -qxF "<stdin>: error: cannot read: standard input is closed" err.txt ||
    { echo "advise - with stdin closed: exit $status"; cat err.txt; exit 1; }
status=0
$RUN ask --kb kb.ini --db closed.db --script <&- >got.txt 2>err.txt || status=$?
[ "$status" -eq 66 ] && grep -qF "cannot read the answers: standard input is closed" err.txt &&
    [ ! -e closed.db ] || { echo "ask with stdin closed: exit $status"; cat err.txt; exit 1; }
status=0
$RUN advise --kb kb.ini - <a.ini >&- 2>err.txt || status=$?
[ "$status" -eq 74 ] && grep -qF "cannot write to standard output" err.txt ||
    { echo "advise - with stdout closed: exit $status"; cat err.txt; exit 1; }
