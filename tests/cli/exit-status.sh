# Exit statuses of "what you named is not there" (README "Exit
# statuses"): a session ID, 'latest' without sessions, a respondent the
# answers file does not have, a question the knowledge base does not have,
# a test that is neither a scenario nor a file all exit 66, as a missing
# file does, from every command; data that is there but wrong stays 65.
# (sessions.sh, sessions-empty.sh and sessions-bad-input.sh check the
# sessions commands and ask --resume in more detail.)
set -eu
T="$TMP/exit-status"
mkdir -p "$T"
unset LDT_ADVISOR_DB

# expect STATUS PATTERN CMD...: the exit status is STATUS and stderr holds
# PATTERN (a fixed string; "" for any).
expect() {
    want=$1 pat=$2
    shift 2
    st=0
    "$@" </dev/null >"$T/out" 2>"$T/err" || st=$?
    if [ "$st" -ne "$want" ]; then
        echo "exit $st, expected $want: $*"; cat "$T/err"; exit 1
    fi
    if [ -n "$pat" ] && ! grep -qF -- "$pat" "$T/err"; then
        echo "stderr lacks: $pat ($*)"; cat "$T/err"; exit 1
    fi
}

cat >"$T/kb.ini" <<'INI'
[question size]
text = How many residents?
type = number
min = 0
max = 1000000

[rule big]
when = answer size ?n
when = ?n >= 100000
then = assert scale big

[rule small]
when = answer size ?n
when = ?n < 100000
then = assert scale small

[test small-town]
answer.size = 5000
expect = scale small

[test wrong]
answer.size = 5000
expect = scale big
INI
cat >"$T/answers.ini" <<'INI'
[answers zeta]
size = 250000

[answers broken]
size = lots
INI
K="--kb $T/kb.ini"
A="$T/answers.ini"
nobody="$A: error: no respondent 'nobody' in this file"

# --- a respondent named that the answers file does not have: 66
expect 66 "$nobody" $RUN advise $K "$A" nobody
expect 66 "$nobody" $RUN advise $K --format json "$A" zeta nobody
grep -qF '"respondent":"zeta"' "$T/out" || { echo "zeta not advised beside nobody"; cat "$T/out"; exit 1; }
# it stays 66 when a named respondent also has invalid answers (65)
expect 66 "$nobody" $RUN advise $K "$A" broken nobody
grep -qF "respondent 'broken' is not advised" "$T/err" || { cat "$T/err"; exit 1; }
expect 66 "$nobody (it has 2)" $RUN facts "$T/kb.ini" "$A" nobody
expect 66 "$nobody" $RUN explain $K "$A" nobody 'scale ?'
expect 66 "$nobody" $RUN explain $K "$A" nobody --why size
# ... while invalid answers, there but wrong, are 65
expect 65 "respondent 'broken' is not advised" $RUN advise $K "$A" broken
expect 65 "respondent 'broken' is left out" $RUN facts "$T/kb.ini" "$A" broken
expect 65 "respondent 'broken' has invalid answers" $RUN explain $K "$A" broken 'scale ?'
# and a missing answers file is 66 too
expect 66 "none.ini: error: cannot open" $RUN advise $K "$T/none.ini"
expect 66 "none.ini: error: cannot open" $RUN explain $K "$T/none.ini" zeta 'scale ?'
# a link that leads nowhere, or round in a loop, says so: the link itself
# is there to be seen, so "No such file" would mislead
ln -s gone.ini "$T/dangling.ini"
ln -s "$T/loop-b.ini" "$T/loop-a.ini"
ln -s "$T/loop-a.ini" "$T/loop-b.ini"
expect 66 "dangling.ini: error: cannot open: it is a symbolic link to 'gone.ini', which does not exist" \
    $RUN advise $K "$T/dangling.ini"
expect 66 "loop-a.ini: error: cannot open: its symbolic links lead round in a loop" \
    $RUN advise $K "$T/loop-a.ini"
expect 66 "dangling.ini: error: cannot open: it is a symbolic link to 'gone.ini'" \
    $RUN lint "$T/dangling.ini"

# --- a question the knowledge base does not have: 66
expect 66 "explain: no question 'nosuch' in the knowledge base" \
    $RUN explain $K "$A" zeta --why nosuch
# ... said before the respondent is read (nothing on standard output, and
# not hidden behind a respondent that is missing too)
[ ! -s "$T/out" ] || { echo "explain --why nosuch wrote:"; cat "$T/out"; exit 1; }
expect 66 "explain: no question 'nosuch' in the knowledge base" \
    $RUN explain $K "$A" nobody --why nosuch
expect 66 "explain: no question 'sise' in the knowledge base (did you mean 'size'?)" \
    $RUN explain $K "$A" zeta --why sise
# an empty question ID is no name at all: 64
expect 64 "explain: --why needs a question ID" $RUN explain $K "$A" zeta --why ''
# (nothing matching a conclusion is a verdict, 1, not a missing thing)
expect 1 "" $RUN explain $K "$A" zeta 'nosuch ?'

# --- a test that is neither a scenario nor a file: 66, the others still run
expect 66 "test: no scenario named 'nosuch', nor a file or directory" \
    $RUN test $K small-town nosuch
grep -qx "ok   small-town" "$T/out" || { echo "small-town did not run"; cat "$T/out"; exit 1; }
expect 66 "test: no scenario named '$T/none.ini', nor a file or directory" \
    $RUN test $K "$T/none.ini"
# a failing scenario beside it does not hide it (66, not 1)
expect 66 "no scenario named 'nosuch'" $RUN test $K wrong nosuch
grep -qx "0 passed, 1 failed" "$T/out" || { cat "$T/out"; exit 1; }
expect 1 "" $RUN test $K wrong

# --- sessions: an ID that does not exist, 'latest' without sessions: 66
DB="$T/s.db"
printf 'quit\n' | $RUN ask $K --db "$DB" --script --respondent x >/dev/null
no99="no session 99 in $DB (see 'ldt-advisor sessions list')"
for sub in show export delete; do
    expect 66 "$no99" $RUN sessions --db "$DB" $sub 99
done
expect 66 "$no99" $RUN sessions --db "$DB" compare latest 99
expect 66 "$no99" $RUN sessions --db "$DB" $K show 99 --format json
expect 66 "$no99" $RUN explain $K --db "$DB" --session 99 'scale ?'
expect 66 "$no99" $RUN ask $K --db "$DB" --script --resume 99
$RUN sessions --db "$DB" delete latest >/dev/null
none="there are no sessions in $DB, so none is the latest"
expect 66 "$none" $RUN sessions --db "$DB" show latest
expect 66 "$none" $RUN explain $K --db "$DB" --session latest 'scale ?'
expect 66 "there are no sessions in $DB, so none to resume" \
    $RUN ask $K --db "$DB" --script --resume
# and no database at all: 66 as well
expect 66 "no sessions database at $T/none.db" $RUN sessions --db "$T/none.db" show 1

# --- the help of each command says so
for cmd in advise facts explain; do
    $RUN $cmd --help | tr '\n' ' ' | grep -qE '66 [^0-9]*RESPONDENT|66 [^0-9]*respondent' ||
        { echo "$cmd --help does not give 66 for a missing respondent"; exit 1; }
done
$RUN sessions --help | tr '\n' ' ' | grep -qF '66 no such session' ||
    { echo "sessions --help does not give 66 for a missing session"; exit 1; }
$RUN ask --help | tr '\n' ' ' | grep -qF '66 no session to resume' ||
    { echo "ask --help does not give 66 for a missing session"; exit 1; }
$RUN test --help | tr '\n' ' ' | grep -qF 'a TEST that is neither a scenario nor a file' ||
    { echo "test --help does not give 66 for a missing scenario"; exit 1; }
