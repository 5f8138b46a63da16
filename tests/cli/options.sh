# Option parsing, the same in every command (README "Options"): every
# option that takes a value takes it as `--opt VALUE` and `--opt=VALUE`
# alike; ask --resume takes an optional ID either way; a value left out
# (at the end of the line, or before another option), a value given to a
# flag, an unknown option (also with =VALUE), an option with a value given
# twice are usage errors (64) with a message naming the option, and
# nothing is done; after `--` everything is an argument.
set -eu
ROOT=$(pwd)
T="$TMP/options"
mkdir -p "$T"
unset LDT_ADVISOR_DB LDT_ADVISOR_KB

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

# first CMD... then same CMD...: the second command exits as the first
# did, with the same output
first() {
    st1=0
    "$@" </dev/null >"$T/same1" 2>"$T/same1.err" || st1=$?
}
same() {
    st2=0
    "$@" </dev/null >"$T/same2" 2>"$T/same2.err" || st2=$?
    if [ "$st1" -ne "$st2" ] || ! cmp -s "$T/same1" "$T/same2"; then
        echo "exit $st2 (and not $st1 as the spaced form), or another output: $*"
        cat "$T/same1.err" "$T/same2.err"; diff "$T/same1" "$T/same2" | head; exit 1
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
INI
printf '[answers zeta]\nsize = 250000\n\n[answers alpha]\nsize = 5000\n' >"$T/a.ini"
KB="$T/kb.ini"
A="$T/a.ini"
DB="$T/s.db"
printf '5000\n' | $RUN ask --kb "$KB" --db "$DB" --script --respondent one >/dev/null
printf 'quit\n' | $RUN ask --kb "$KB" --db "$DB" --script --respondent two >/dev/null

# --- --opt=VALUE is --opt VALUE, for every option of every command
first $RUN advise --kb "$KB" --format json --max-firings 50 "$A"
same $RUN advise --kb="$KB" --format=json --max-firings=50 "$A"
first $RUN advise --kb "$KB" --watch rules "$A" zeta
same $RUN advise --kb="$KB" --watch=rules "$A" zeta
cmp -s "$T/same1.err" "$T/same2.err" || { echo "advise --watch=rules traced otherwise"; exit 1; }
$RUN advise --kb "$KB" --output "$T/o1.txt" "$A"
$RUN advise --kb "$KB" --output="$T/o2.txt" "$A"
$RUN advise --kb "$KB" -o "$T/o3.txt" "$A"
cmp -s "$T/o1.txt" "$T/o2.txt" && cmp -s "$T/o1.txt" "$T/o3.txt" ||
    { echo "advise --output=FILE wrote otherwise"; exit 1; }
first $RUN facts --strategy breadth --max-firings 50 "$KB" "$A"
same $RUN facts --strategy=breadth --max-firings=50 "$KB" "$A"
first $RUN explain --kb "$KB" "$A" zeta --why size
same $RUN explain --kb="$KB" "$A" zeta --why=size
first $RUN explain --kb "$KB" "$A" zeta --why-not 'scale small'
same $RUN explain --kb="$KB" "$A" zeta --why-not='scale small'
first $RUN explain --kb "$KB" --db "$DB" --session 1 'scale ?'
same $RUN explain --kb="$KB" --db="$DB" --session=1 'scale ?'
first $RUN sessions --db "$DB" --kb "$KB" show 1 --format json
same $RUN sessions --db="$DB" --kb="$KB" show 1 --format=json
$RUN sessions --db "$DB" export 1 --output "$T/e1.ini"
$RUN sessions --db="$DB" export 1 --output="$T/e2.ini"
cmp -s "$T/e1.ini" "$T/e2.ini" || { echo "sessions --output=FILE wrote otherwise"; exit 1; }
first $RUN test --kb "$KB"
same $RUN test --kb="$KB"
first $RUN lint --kb "$KB"
same $RUN lint --kb="$KB"
first $RUN graph --kb "$KB"
same $RUN graph --kb="$KB"
$RUN graph --kb="$KB" --output="$T/g.dot"
cmp -s "$T/same1" "$T/g.dot" || { echo "graph --output=FILE wrote otherwise"; exit 1; }
# ask: --kb= --db= --respondent= --watch= start a session as the spaced forms do
printf 'quit\n' | $RUN ask --kb="$KB" --db="$DB" --script --respondent=three --watch=questions \
    >"$T/out" 2>"$T/err"
grep -qF "Session 3 started" "$T/out" || { cat "$T/out" "$T/err"; exit 1; }
[ "$(sqlite3 "$DB" 'SELECT respondent FROM sessions WHERE id = 3')" = three ]

# --- ask --resume [ID]: --resume=ID, --resume ID, and alone the latest
for form in "--resume=1" "--resume 1"; do
    printf 'quit\n' | $RUN ask --kb "$KB" --db "$DB" --script $form >"$T/out" 2>"$T/err" ||
        { echo "ask $form failed"; cat "$T/err"; exit 1; }
    grep -qF "Resuming session 1 (one)" "$T/out" || { echo "ask $form:"; cat "$T/out"; exit 1; }
done
printf 'quit\n' | $RUN ask --kb "$KB" --db "$DB" --script --resume=2 >"$T/out"
grep -qF "Resuming session 2 (two)" "$T/out" || { cat "$T/out"; exit 1; }
# (session 2 is now the latest: it was resumed last)
for form in "--resume" "--resume=latest" "--resume latest"; do
    printf 'quit\n' | $RUN ask --kb "$KB" --db "$DB" --script $form >"$T/out"
    grep -qF "Resuming session 2 (two)" "$T/out" || { echo "ask $form:"; cat "$T/out"; exit 1; }
done
# a bad ID is a usage error, whichever way it is given
bad="ask: --resume takes a session number or 'latest', not"
for id in abc "" 0 -1 99999999999999999999 1x " 1" +1; do
    expect 64 "$bad '$id'" $RUN ask --kb "$KB" --db "$DB" --script "--resume=$id"
done
for id in abc 0 -1 99999999999999999999; do
    expect 64 "$bad '$id'" $RUN ask --kb "$KB" --db "$DB" --script --resume "$id"
done
# an ID that does not exist: not there (66)
expect 66 "no session 99 in $DB" $RUN ask --kb "$KB" --db "$DB" --script --resume=99
# one ID only; --resume once
expect 64 "ask: unexpected argument '2'" $RUN ask --kb "$KB" --db "$DB" --script --resume=1 2
expect 64 "ask: unexpected argument '2'" $RUN ask --kb "$KB" --db "$DB" --script --resume 1 2
expect 64 "ask: option '--resume' is given twice" \
    $RUN ask --kb "$KB" --db "$DB" --script --resume=1 --resume=2
expect 64 "ask: option '--resume' is given twice" \
    $RUN ask --kb "$KB" --db "$DB" --script --resume --resume 2
# after --, the ID is an argument like any other: ask takes none
expect 64 "ask: unexpected argument '1'" $RUN ask --kb "$KB" --db "$DB" --script --resume -- 1
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM sessions')" -eq 3 ] || { echo "a session was made"; exit 1; }

# --- a flag given a value; an unknown option, also with a value
for cf in "advise --stats" "advise --help" "ask --script" "ask -h" "explain --help" \
          "sessions --help" "test --coverage" "test --quiet" "test -q" "lint --strict" \
          "graph --help" "facts --unsorted" "facts --help"; do
    set -- $cf
    expect 64 "$1: option '$2' takes no value" $RUN $1 "$2=yes"
done
for cmd in advise ask explain sessions test lint graph facts; do
    expect 64 "$cmd: unknown option '--nosuch'" $RUN $cmd --nosuch=1
    expect 64 "$cmd: unknown option '--nosuch'" $RUN $cmd --nosuch
done
# before the command
expect 64 "unknown option '--kb' (a command's options go after it" $RUN --kb "$KB" advise "$A"
expect 64 "unknown command 'advice'" $RUN advice "$A"

# --- an option with a value given twice (the same or not): which counts would be a guess
twice() {   # CMD OPTION ARGS...: OPTION (with a value) given twice
    cmd=$1 o=$2
    shift 2
    expect 64 "$cmd: option '$o' is given twice; give it once" $RUN $cmd "$@"
}
twice advise --kb --kb "$KB" --kb "$KB" "$A"
twice advise --format --format json --format=html --kb "$KB" "$A"
twice advise --max-firings --max-firings 5 --max-firings 5 --kb "$KB" "$A"
twice advise --watch --watch rules --watch facts --kb "$KB" "$A"
expect 64 "advise: option '-o' or '--output' is given twice" \
    $RUN advise --kb "$KB" -o "$T/x1" --output "$T/x2" "$A"
[ ! -e "$T/x1" ] && [ ! -e "$T/x2" ] || { echo "advise wrote a file after a usage error"; exit 1; }
twice ask --kb --kb "$KB" --kb "$KB" --db "$DB" --script
twice ask --db --kb "$KB" --db "$DB" --db "$DB" --script
twice ask --respondent --kb "$KB" --db "$DB" --script --respondent a --respondent b
twice ask --watch --kb "$KB" --db "$DB" --script --watch rules --watch=facts
twice explain --kb --kb "$KB" --kb "$KB" "$A" zeta 'scale ?'
twice explain --why --kb "$KB" "$A" zeta --why size --why size
twice explain --why-not --kb "$KB" "$A" zeta --why-not 'scale big' --why-not 'scale small'
twice explain --session --kb "$KB" --db "$DB" --session 1 --session=2 'scale ?'
twice explain --db --kb "$KB" --db "$DB" --db "$DB" --session 1 'scale ?'
twice sessions --db --db "$DB" --db "$DB" list
twice sessions --format --db "$DB" --kb "$KB" show 1 --format json --format text
twice sessions --kb --db "$DB" --kb "$KB" --kb "$KB" show 1 --format json
expect 64 "sessions: option '-o' or '--output' is given twice" \
    $RUN sessions --db "$DB" export 1 --output "$T/y1" -o "$T/y2"
[ ! -e "$T/y1" ] && [ ! -e "$T/y2" ] || { echo "export wrote a file after a usage error"; exit 1; }
twice test --kb --kb "$KB" --kb "$KB"
twice lint --kb --kb "$KB" --kb "$KB"
twice graph --kb --kb "$KB" --kb "$KB"
expect 64 "graph: option '-o' or '--output' is given twice" \
    $RUN graph --kb "$KB" -o "$T/z1" -o "$T/z2"
twice facts --strategy --strategy depth --strategy breadth "$KB"
twice facts --max-firings --max-firings 5 --max-firings=5 "$KB"
twice facts --watch --watch --watch=facts "$KB"
# a flag may repeat
expect 0 "" $RUN test --kb "$KB" -q --quiet
expect 0 "" $RUN lint --kb "$KB" --strict --strict
# lint and graph: the KB as argument and as --kb is one too many
expect 64 "lint: too many arguments: one knowledge base at a time" $RUN lint --kb "$KB" "$KB"
expect 64 "graph: too many arguments: one knowledge base at a time" $RUN graph "$KB" --kb "$KB"

# --- a value left out: at the end of the line, or before the next option
for co in "advise --kb" "advise --format" "advise --max-firings" "advise -o" "advise --output" \
          "advise --watch" "ask --kb" "ask --db" "ask --respondent" "ask --watch" \
          "explain --kb" "explain --why" "explain --why-not" "explain --session" "explain --db" \
          "sessions --db" "sessions -o" "sessions --output" "sessions --format" "sessions --kb" \
          "test --kb" "lint --kb" "graph --kb" "graph -o" "graph --output" \
          "facts --strategy" "facts --max-firings"; do
    set -- $co
    expect 64 "$1: option '$2' needs a value" $RUN $1 "$2"
    expect 64 "$1: option '$2' needs a value before '--help' (a value that starts with '--' is written $2=VALUE)" \
        $RUN $1 "$2" --help
done
expect 64 "advise: option '--kb' needs a value before '--format'" $RUN advise --kb --format json "$A"
expect 64 "advise: option '-o' needs a value before '--'" $RUN advise -o -- "$A"
[ ! -e ./--format ] && [ ! -e "$T/--format" ] || { echo "a file named --format was made"; exit 1; }
# such a value is given with =
expect 66 "--nokb: error: cannot open" $RUN advise --kb=--nokb "$A"
# a value that starts with a single '-' is a value: '-' is standard output
$RUN advise --kb "$KB" -o - "$A" zeta >"$T/out"
grep -qF "zeta" "$T/out" || { echo "advise -o - wrote nothing"; exit 1; }
expect 64 "advise: --max-firings takes a positive whole number, not '-5'" \
    $RUN advise --kb "$KB" --max-firings -5 "$A"

# --- after --, everything is an argument
expect 66 "--format: error: cannot open" $RUN advise --kb "$KB" -- --format
expect 66 "--strict: error: cannot open" $RUN lint -- --strict
expect 64 "sessions: unknown command '--help'" $RUN sessions --db "$DB" -- --help
expect 64 "ask: unexpected argument '--script'" $RUN ask --kb "$KB" --db "$DB" -- --script
expect 64 "sessions: '-1' is not a session ID" $RUN sessions --db "$DB" show -- -1

# --- explain with --session takes the CONCLUSION only
expect 64 "explain: too many arguments: with --session the respondent is the session" \
    $RUN explain --kb "$KB" --db "$DB" --session 1 "$A" zeta 'scale ?'
expect 64 "explain: too many arguments: with --session" \
    $RUN explain --kb "$KB" --db "$DB" --session 1 zeta 'scale ?'

# --- an option that this use of the command would ignore is refused, not
# passed over: which one was meant would be a guess
# explain: --db is the database of --session; an answers file has none
expect 64 "explain: --db is for --session; an answers file needs no database" \
    $RUN explain --kb "$KB" --db "$DB" "$A" zeta 'scale ?'
expect 64 "explain: --db is for --session" \
    $RUN explain --kb "$KB" --db="$DB" "$A" zeta --why size
# ask: --respondent labels a new session; a resumed one keeps its own
for form in "--resume 1" "--resume=1" "--resume" "--resume latest"; do
    expect 64 "ask: --respondent is for a new session; a resumed session keeps its own label" \
        $RUN ask --kb "$KB" --db "$DB" --script $form --respondent renamed
done
[ "$(sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE respondent = 'one'")" -eq 1 ] ||
    { echo "ask --resume --respondent changed the label"; exit 1; }
# sessions: --kb is the knowledge base of show --format (the answers are
# run under it); the others read what was saved
expect 64 "sessions show: --kb is for show with --format; without it the session is shown as saved" \
    $RUN sessions --db "$DB" --kb "$KB" show 1
for sub in "list" "export 1" "compare 1 2" "delete 1"; do
    expect 64 "sessions ${sub%% *}: --kb is for show with --format" \
        $RUN sessions --db "$DB" --kb "$KB" $sub
done
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM sessions WHERE id = 1')" -eq 1 ] ||
    { echo "sessions delete --kb deleted"; exit 1; }
expect 0 "" $RUN sessions --db "$DB" --kb "$KB" show 1 --format text

# --- an empty name names no file: a usage error (as --db '' and -o ''),
# not a file that is missing
for ca in "advise|$A" "explain|$A zeta scale" "test|" "lint|" "graph|"; do
    cmd=${ca%%|*}
    expect 64 "$cmd: --kb needs a knowledge base (a directory or an .ini file)" \
        $RUN $cmd --kb "" ${ca#*|}
    expect 64 "$cmd: --kb needs a knowledge base" $RUN $cmd --kb= ${ca#*|}
done
expect 64 "ask: --kb needs a knowledge base" $RUN ask --kb "" --db "$DB" --script
expect 64 "sessions: --kb needs a knowledge base" \
    $RUN sessions --db "$DB" --kb "" show 1 --format json
kbname="the knowledge base's name is empty: give a directory or an .ini file"
expect 64 "lint: $kbname" $RUN lint ""
expect 64 "graph: $kbname" $RUN graph ""
expect 64 "facts: $kbname" $RUN facts "" "$A"
ansname="the answers file's name is empty: give an answers file"
expect 64 "advise: $ansname" $RUN advise --kb "$KB" ""
expect 64 "facts: $ansname" $RUN facts "$KB" "" zeta
expect 64 "explain: $ansname" $RUN explain --kb "$KB" "" zeta 'scale ?'
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM sessions')" -eq 3 ] || { echo "a session was made"; exit 1; }
