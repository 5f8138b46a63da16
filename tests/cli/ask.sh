# ask: refuses to hang without a terminal; asks fewer questions when the
# answers make whole groups irrelevant; accepts numbers, values, stray
# spaces and wrong case; re-asks on invalid answers (a number past the
# options says how they are numbered); back and skip; quit
# and Ctrl-D save; a questionnaire killed with SIGKILL resumes with every
# answer given before the kill; long option values, long lines and 256
# values are kept whole; a question read only under `not`, or only by
# another question's ask_if, is asked.
set -eu
ROOT=$(pwd)
DB="$TMP/ask.db"
A="$RUN ask --kb $ROOT/rules --db $DB --script"

# no terminal, no --script: a clear error, not a hang
status=0
timeout 10 $RUN ask --kb "$ROOT/rules" --db "$DB" </dev/null >/dev/null 2>"$TMP/tty.err" || status=$?
[ "$status" -eq 64 ] || { echo "exit $status"; exit 1; }
grep -qF "standard input is not a terminal" "$TMP/tty.err"

# answer every question with the first option / a number / yes, except
# the stage, until the advice comes; count the questions asked
run_all() {   # $1 = answer for twin.stage, $2 = db
    awk -v stage="$1" 'BEGIN { for (i = 0; i < 80; i++) print "" }' >/dev/null
    out="$TMP/run-$1.out"
    : >"$out"
    # feed answers by reading the prompts: a small loop over a fifo
    rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
    $RUN ask --kb "$ROOT/rules" --db "$2" --script <"$TMP/fifo" >"$out" 2>&1 &
    pid=$!
    exec 3>"$TMP/fifo"
    asked=0
    while kill -0 "$pid" 2>/dev/null && [ "$asked" -lt 60 ]; do
        n=$(grep -c '^> ' "$out" || true)
        if [ "$n" -gt "$asked" ]; then
            q=$(grep -A1 '^\[[0-9]* answered' "$out" | tail -n 1)
            kind=$(grep '^(.*; ? help' "$out" | tail -n 1)
            case "$q" in
                *"How far along is your twin"*) echo "$1" >&3 ;;
                *) case "$kind" in
                       "(a number"*) echo 1 >&3 ;;
                       "(yes or no"*) echo no >&3 ;;
                       "(text"*) echo x >&3 ;;
                       *) echo 1 >&3 ;;
                   esac ;;
            esac
            asked=$n
        fi
        sleep 0.05
    done
    exec 3>&-
    wait "$pid" || true
    echo "$asked"
}
grep -q 'twin.stage' "$ROOT/rules/questions.ini"
few=$(run_all none "$TMP/few.db")
many=$(run_all operational "$TMP/many.db")
grep -qF "That was the last question" "$TMP/run-none.out" || { tail -n 20 "$TMP/run-none.out"; exit 1; }
grep -qF "That was the last question" "$TMP/run-operational.out"
echo "asked $few questions for no twin, $many for an operational one"
[ "$few" -lt "$many" ] || { echo "expected fewer questions without a twin"; exit 1; }

# wrong case and stray spaces, a number, invalid answers re-asked (out of
# range, not whole), back, skip, then quit: the session keeps exactly what
# was given
printf '  MUNICIPALITY  \n-5\n1200.5\n12000\nback\n15000\nskip\nquit\n' | $A --respondent Case >"$TMP/c.out" 2>&1
grep -qF "Not an answer to this question: expected a whole number from 0 to 50000000, found -5" "$TMP/c.out" \
  || { cat "$TMP/c.out"; exit 1; }
grep -qF "Not an answer to this question: expected a whole number from 0 to 50000000, found 1200.5" "$TMP/c.out" \
  || { cat "$TMP/c.out"; exit 1; }
grep -qF "Back to 'org.population' (it was: 12000;" "$TMP/c.out"
# a skipped question is no answer: counted apart, here and in the list
grep -qF "[2 answered, 1 skipped, about" "$TMP/c.out" || { cat "$TMP/c.out"; exit 1; }
grep -qF "Saved as session 1 (2 answers, 1 skipped)" "$TMP/c.out" || { tail "$TMP/c.out"; exit 1; }
$RUN sessions --db "$DB" list | grep -qE "^ +1 +Case +.* 2 +no " ||
    { echo "sessions list counts the skipped question"; $RUN sessions --db "$DB" list; exit 1; }
# resume: the next question is the one after the skipped one
printf 'quit\n' | $A --resume 1 >"$TMP/r.out" 2>&1
grep -qF "Resuming session 1 (Case)" "$TMP/r.out"
grep -qF "[2 answered, 1 skipped," "$TMP/r.out"
# Ctrl-D saves too
: | $A --resume >"$TMP/d.out" 2>&1
grep -qF "Saved as session 1 (2 answers, 1 skipped)" "$TMP/d.out"
# an unknown session
status=0
printf 'quit\n' | $A --resume 99 >/dev/null 2>"$TMP/u.err" || status=$?
[ "$status" -eq 66 ] && grep -qF "no session 99 in" "$TMP/u.err" \
  || { echo "exit $status, expected 66"; cat "$TMP/u.err"; exit 1; }

# back only asks again: leaving before another answer (quit, Ctrl-D,
# several steps back) keeps the answers it went past, in the session's
# answers and in the conclusions saved with them
B="$TMP/back.db"
printf 'municipality\n12000\n3\nback\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$B" --script >"$TMP/b.out" 2>&1
grep -qF "Back to 'org.ldt_staff' (it was: 3; that answer stays saved until you give another)" "$TMP/b.out" ||
    { cat "$TMP/b.out"; exit 1; }
grep -qF "Saved as session 1 (3 answers)" "$TMP/b.out" || { tail "$TMP/b.out"; exit 1; }
$RUN sessions --db "$B" show 1 >"$TMP/b.show"
grep -qE "^ +org.ldt_staff +3$" "$TMP/b.show" || { cat "$TMP/b.show"; exit 1; }
printf 'municipality\n12000\n3\nback\nback\nback\n' | $RUN ask --kb "$ROOT/rules" --db "$B" --script >"$TMP/b2.out" 2>&1
$RUN sessions --db "$B" show 2 >"$TMP/b2.show"
for qa in "org.type +municipality" "org.population +12000" "org.ldt_staff +3"; do
    grep -qE "^ +$qa$" "$TMP/b2.show" || { echo "lost $qa"; cat "$TMP/b2.show"; exit 1; }
done
# the conclusions saved are those of the three answers: the same as a
# session that never went back
printf 'municipality\n12000\n3\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$B" --script >/dev/null 2>&1
$RUN sessions --db "$B" compare 2 3 >"$TMP/b.cmp"
grep -qF "the same (3)" "$TMP/b.cmp" && grep -qE "^  the same \([0-9]+\)$" "$TMP/b.cmp" &&
    [ "$(grep -c "the same" "$TMP/b.cmp")" -eq 3 ] || { cat "$TMP/b.cmp"; exit 1; }
# answered again after going back: the new answer replaces the old one
printf 'municipality\n12000\n3\nback\n7\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$B" --script >/dev/null 2>&1
$RUN sessions --db "$B" show 4 | grep -qE "^ +org.ldt_staff +7$" || { $RUN sessions --db "$B" show 4; exit 1; }

# SIGKILL in the middle: every answer given before the kill is kept
K="$TMP/kill.db"
rm -f "$TMP/kf"; mkfifo "$TMP/kf"
$RUN ask --kb "$ROOT/rules" --db "$K" --script <"$TMP/kf" >"$TMP/k.out" 2>&1 &
pid=$!
exec 4>"$TMP/kf"
for a in municipality 30000 2; do
    echo "$a" >&4
done
i=0
while ! grep -qF "[3 answered," "$TMP/k.out" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep -qF "[3 answered," "$TMP/k.out"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
exec 4>&-
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$K" --script --resume >"$TMP/k2.out" 2>&1
grep -qF "Saved as session 1 (3 answers)" "$TMP/k2.out" || { cat "$TMP/k2.out"; exit 1; }

# Ctrl-C at the prompt: exit 130, every answer given is saved
C="$TMP/int.db"
rm -f "$TMP/if"; mkfifo "$TMP/if"
$RUN ask --kb "$ROOT/rules" --db "$C" --script <"$TMP/if" >"$TMP/i.out" 2>&1 &
pid=$!
exec 5>"$TMP/if"
printf 'region\n400000\n' >&5
i=0
while ! grep -qF "[2 answered," "$TMP/i.out" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
exec 5>&-
[ "$status" -eq 130 ] || { echo "exit $status after SIGINT"; cat "$TMP/i.out"; exit 1; }
grep -qF "Interrupted." "$TMP/i.out"
grep -qF "Saved as session 1 (2 answers)" "$TMP/i.out"

# long option values and long lines are kept whole, never cut at a
# buffer's size: a 104-character option value goes through ask, sessions
# export and advise unchanged; a 'many' answer takes as many values as an
# answers file does (256)
L=$(awk 'BEGIN { for (i = 0; i < 104; i++) printf "a" }')
mkdir -p "$TMP/longkb"
{ printf '[question q]\ntext = Pick\ntype = many\n'
  printf 'option = %s : Long one\noption = b : B\n\n' "$L"
  printf '[question r]\ntext = Pick more\ntype = many\n'
  awk 'BEGIN { for (i = 1; i <= 260; i++) printf "option = o%d : O %d\n", i, i }'
  printf '\n[rule r]\nwhen = answer q ?x\nwhen = answer r ?y\nthen = assert seen ?x ?y\n'
} >"$TMP/longkb/kb.ini"
LDB="$TMP/long.db"
all=$(awk 'BEGIN { for (i = 1; i <= 256; i++) printf "%s%d", (i > 1 ? "," : ""), i }')
over=$(awk 'BEGIN { for (i = 1; i <= 257; i++) printf "%s%d", (i > 1 ? "," : ""), i }')
printf '1 1 2 1\n%s\n%s\n' "$over" "$all" \
  | $RUN ask --kb "$TMP/longkb" --db "$LDB" --script >"$TMP/long.out" 2>&1 \
  || { cat "$TMP/long.out"; exit 1; }
grep -qF "Not an answer to this question: too many values (at most 256)" "$TMP/long.out" \
  || { cat "$TMP/long.out"; exit 1; }
grep -qF "That was the last question" "$TMP/long.out" || { tail "$TMP/long.out"; exit 1; }
$RUN sessions --db "$LDB" export 1 -o "$TMP/long.ini"
grep -qxF "q = $L, b" "$TMP/long.ini" || { cat "$TMP/long.ini"; exit 1; }
grep -qF "o1, o2, o3, " "$TMP/long.ini"
grep -qF ", o255, o256" "$TMP/long.ini"
$RUN advise --kb "$TMP/longkb" "$TMP/long.ini" >"$TMP/long-advise.out" 2>&1 \
  || { cat "$TMP/long-advise.out"; exit 1; }
# resumed, the saved answers still fit: nothing is asked again
printf 'quit\n' | $RUN ask --kb "$TMP/longkb" --db "$LDB" --script --resume >"$TMP/long-r.out" 2>&1
grep -qF "no longer fits" "$TMP/long-r.out" && { cat "$TMP/long-r.out"; exit 1; }
grep -qF "That was the last question" "$TMP/long-r.out"

# a number past the options says how they are numbered, and is not saved;
# a word is refused without that hint
NDB="$TMP/numbers.db"
printf '9\n0\nmunicipalty\n2\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$NDB" --script >"$TMP/n.out" 2>&1
[ "$(grep -c "Not an answer to this question: the options are numbered 1 to 5; expected one of: municipality," "$TMP/n.out")" -eq 2 ] \
  || { cat "$TMP/n.out"; exit 1; }
grep -qF "found '9'" "$TMP/n.out" && grep -qF "found '0'" "$TMP/n.out"
grep -qF "Not an answer to this question: expected one of: municipality, region, agency, intermunicipal, other; found 'municipalty'" "$TMP/n.out"
grep -qF "Saved as session 1 (1 answer)" "$TMP/n.out" || { tail "$TMP/n.out"; exit 1; }
$RUN sessions show 1 --db "$NDB" | grep -q "org.type.*region" || { $RUN sessions show 1 --db "$NDB"; exit 1; }

# an over-long item is checked whole: the garbage after 250 blanks is
# seen and the answer refused, not saved as its first 255 bytes; so is a
# line with a NUL byte in it
GDB="$TMP/garbage.db"
{ printf 'municipality'
  awk 'BEGIN { for (i = 0; i < 250; i++) printf " " }'
  printf 'xyz\nmunicipality\000xyz\nquit\n'
} | $RUN ask --kb "$ROOT/rules" --db "$GDB" --script >"$TMP/g.out" 2>&1
grep -qF "Not an answer to this question: expected one of: municipality," "$TMP/g.out" \
  || { cat "$TMP/g.out"; exit 1; }
grep -qF "Not an answer to this question: the line holds a NUL byte" "$TMP/g.out"
grep -qF "Saved as session 1 (0 answers)" "$TMP/g.out" || { tail "$TMP/g.out"; exit 1; }

# a line that is not UTF-8 is refused, and its bytes are not echoed back:
# a text answer would otherwise be saved as it was typed, and the session
# could not be exported (an answers file must be UTF-8) nor its answer
# shown as text
mkdir -p "$TMP/textkb"
cat >"$TMP/textkb/kb.ini" <<'INI'
[question city]
text = Which city?
type = text

[rule named]
when = answer city ?c
then = assert named ?c
because = The city is {?c}.
INI
printf 'Caf\351\n\377\376\nCaf\303\251\n' |
    $RUN ask --kb "$TMP/textkb" --db "$TMP/text.db" --script >"$TMP/t8.out" 2>&1
[ "$(grep -c 'Not an answer to this question: the answer is not UTF-8 text' "$TMP/t8.out")" -eq 2 ] ||
    { cat "$TMP/t8.out"; exit 1; }
if LC_ALL=C grep -q "$(printf '[\351\377]')" "$TMP/t8.out"; then cat "$TMP/t8.out"; exit 1; fi
$RUN sessions --db "$TMP/text.db" export 1 -o "$TMP/t8.ini"
grep -qxF "city = Caf$(printf '\303\251')" "$TMP/t8.ini" || { cat "$TMP/t8.ini"; exit 1; }
# the same at a question with options: refused, not echoed
printf '\377municipality\nquit\n' |
    $RUN ask --kb "$ROOT/rules" --db "$TMP/t8b.db" --script >"$TMP/t8b.out" 2>&1
grep -qF "Not an answer to this question: the answer is not UTF-8 text" "$TMP/t8b.out" ||
    { cat "$TMP/t8b.out"; exit 1; }
# one answer is "1 answer"
printf 'municipality\nquit\n' |
    $RUN ask --kb "$ROOT/rules" --db "$TMP/one.db" --script >"$TMP/one.out" 2>&1
grep -qF "Saved as session 1 (1 answer).  Continue with:" "$TMP/one.out" ||
    { tail "$TMP/one.out"; exit 1; }

# a question read only under `not`: asked, and its answer decides the rule
mkdir -p "$TMP/notkb"
cat >"$TMP/notkb/kb.ini" <<'INI'
[facts session]
fact = session start

[question steward]
text = Is there a data steward?
type = yesno

[rule no-steward]
when = session start
when = not answer steward yes
then = assert need steward
INI
printf 'yes\n' | $RUN ask --kb "$TMP/notkb" --db "$TMP/not.db" --script >"$TMP/not-yes.out" 2>&1
grep -qF "Is there a data steward?" "$TMP/not-yes.out" || { cat "$TMP/not-yes.out"; exit 1; }
status=0
$RUN explain --kb "$TMP/notkb" --db "$TMP/not.db" --session 1 'need steward' >/dev/null 2>&1 || status=$?
[ "$status" -eq 1 ] || { echo "need steward concluded for a steward: exit $status"; exit 1; }
printf 'no\n' | $RUN ask --kb "$TMP/notkb" --db "$TMP/not.db" --script >"$TMP/not-no.out" 2>&1
grep -qF "Is there a data steward?" "$TMP/not-no.out"
$RUN explain --kb "$TMP/notkb" --db "$TMP/not.db" --session 2 'need steward' >/dev/null

# a question no rule reads but whose answer opens another (its ask_if)
mkdir -p "$TMP/gatekb"
cat >"$TMP/gatekb/kb.ini" <<'INI'
[question has_twin]
text = Do you have a twin?
type = yesno

[question twin_size]
text = How many datasets does it hold?
type = number
ask_if = answer has_twin yes

[rule big]
when = answer twin_size ?s
when = ?s > 10
then = assert need platform
INI
printf 'yes\n20\n' | $RUN ask --kb "$TMP/gatekb" --db "$TMP/gate.db" --script >"$TMP/gate-yes.out" 2>&1
grep -qF "Do you have a twin?" "$TMP/gate-yes.out" || { cat "$TMP/gate-yes.out"; exit 1; }
grep -qF "How many datasets does it hold?" "$TMP/gate-yes.out" || { cat "$TMP/gate-yes.out"; exit 1; }
grep -qF "This advice is saved as session 1" "$TMP/gate-yes.out" || { cat "$TMP/gate-yes.out"; exit 1; }
$RUN explain --kb "$TMP/gatekb" --db "$TMP/gate.db" --session 1 'need platform' >/dev/null
printf 'no\n' | $RUN ask --kb "$TMP/gatekb" --db "$TMP/gate.db" --script >"$TMP/gate-no.out" 2>&1
grep -qF "That was the last question" "$TMP/gate-no.out" || { cat "$TMP/gate-no.out"; exit 1; }
if grep -qF "How many datasets" "$TMP/gate-no.out"; then
    echo "twin_size asked without a twin"; exit 1
fi

# a runtime error in the rules (a division by zero on the answer given):
# exit 70, the error names the rule, the answers are saved and the way
# back is named; the error starts on a line of its own
mkdir -p "$TMP/divkb"
cat >"$TMP/divkb/kb.ini" <<'INI'
[question n]
text = How many?
type = number

[question m]
text = More?
type = number

[rule ratio]
when = answer n ?n
then = assert ratio (10 / ?n)

[rule more]
when = answer m ?m
then = assert more ?m
INI
status=0
printf '0\n' | $RUN ask --kb "$TMP/divkb" --db "$TMP/div.db" --script >"$TMP/div.out" 2>"$TMP/div.err" || status=$?
[ "$status" -eq 70 ] || { echo "runtime error in ask: exit $status"; cat "$TMP/div.err"; exit 1; }
grep -qF "error: in rule 'ratio': division by zero" "$TMP/div.err" || { cat "$TMP/div.err"; exit 1; }
grep -qF "the answers given so far are saved in session 1" "$TMP/div.err" || { cat "$TMP/div.err"; exit 1; }
grep -qxF "  ldt-advisor ask --resume 1" "$TMP/div.err" || { cat "$TMP/div.err"; exit 1; }
[ "$(tail -c 1 "$TMP/div.out" | od -An -c | tr -d ' ')" = '\n' ] || { echo "the prompt's line is not ended"; exit 1; }
$RUN sessions --db "$TMP/div.db" export 1 | grep -qxF "n = 0" || { echo "the answer was not saved"; exit 1; }

# an empty item in a list is refused as an answers file refuses it, not
# passed over: "1,,2", "1," and ", 1" are asked again, "1, 2" is saved
mkdir -p "$TMP/emptykb"
cat >"$TMP/emptykb/kb.ini" <<'INI'
[question q]
text = Pick
type = many
option = a : A
option = b : B

[rule r]
when = answer q ?x
then = assert seen ?x
INI
printf '1,,2\n1,\n , 1\n1, 2\n' \
  | $RUN ask --kb "$TMP/emptykb" --db "$TMP/empty.db" --script >"$TMP/empty.out" 2>&1 \
  || { cat "$TMP/empty.out"; exit 1; }
[ "$(grep -c "Not an answer to this question: an empty item in the list (expected any of: a, b)" "$TMP/empty.out")" -eq 3 ] \
  || { cat "$TMP/empty.out"; exit 1; }
$RUN sessions --db "$TMP/empty.db" export 1 | grep -qxF "q = a, b" \
  || { $RUN sessions --db "$TMP/empty.db" export 1; exit 1; }

# what was typed is quoted with its control characters shown as \xHH:
# an escape sequence typed as an answer does not reach the terminal
printf '\033[31mred\nquit\n' \
  | $RUN ask --kb "$TMP/emptykb" --db "$TMP/esc.db" --script >"$TMP/esc.out" 2>&1 \
  || { cat -A "$TMP/esc.out"; exit 1; }
grep -qF "found '\x1b[31mred'" "$TMP/esc.out" || { cat -A "$TMP/esc.out"; exit 1; }
if LC_ALL=C grep -q "$(printf '\033')" "$TMP/esc.out"; then
    echo "a raw escape reached the terminal"; cat -A "$TMP/esc.out"; exit 1
fi

# two `ask` on one session at once: the second is refused (75) before it
# asks or saves anything, while the first goes on; once the first has
# quit, or was killed with SIGKILL, the session can be resumed again
CDB="$TMP/claim.db"
printf '1\nquit\n' | $RUN ask --kb "$TMP/emptykb" --db "$CDB" --script >/dev/null 2>&1
rm -f "$TMP/cfifo"; mkfifo "$TMP/cfifo"
$RUN ask --kb "$ROOT/rules" --db "$CDB" --script --resume 1 <"$TMP/cfifo" >"$TMP/c1.out" 2>&1 &
holder=$!
exec 6>"$TMP/cfifo"
i=0
while ! grep -qF "Resuming session 1" "$TMP/c1.out" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
for which in 1 latest; do
    status=0
    printf 'region\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$CDB" --script --resume $which \
        >"$TMP/c2.out" 2>"$TMP/c2.err" || status=$?
    [ "$status" -eq 75 ] || { echo "second ask on a claimed session ($which): exit $status"; cat "$TMP/c2.err"; exit 1; }
    grep -qF "session 1 is being answered right now by another 'ldt-advisor ask'" "$TMP/c2.err" \
        || { cat "$TMP/c2.err"; exit 1; }
    grep -qF "Resuming" "$TMP/c2.out" && { echo "the refused ask resumed"; exit 1; }
done
$RUN sessions --db "$CDB" export 1 | grep -q "region" && { echo "the refused ask saved an answer"; exit 1; }
# a new session is not held up by it
printf 'quit\n' | $RUN ask --kb "$TMP/emptykb" --db "$CDB" --script >/dev/null 2>&1 \
    || { echo "a new session was refused while session 1 is claimed"; exit 1; }
kill -KILL "$holder"
wait "$holder" 2>/dev/null || true
exec 6>&-
printf 'quit\n' | $RUN ask --kb "$TMP/emptykb" --db "$CDB" --script --resume 1 >"$TMP/c3.out" 2>&1 \
    || { echo "not resumed after the holder was killed"; cat "$TMP/c3.out"; exit 1; }
grep -qF "Resuming session 1" "$TMP/c3.out"
