# A sessions database without sessions (all deleted, or a fresh one):
# every command that takes 'latest' says plainly that there are none,
# with the exit status of a missing session (66, from every command, ask
# --resume too), while an ID that does not exist is still named as such.  ask --resume on a
# database that does not exist creates nothing.
set -eu
ROOT=$(pwd)
T="$TMP/empty"
mkdir -p "$T"
unset LDT_ADVISOR_DB

# expect STATUS LINE CMD...: the exit status is STATUS and stderr has the
# whole line LINE.
expect() {
    want=$1 line=$2
    shift 2
    st=0
    "$@" </dev/null >"$T/out" 2>"$T/err" || st=$?
    if [ "$st" -ne "$want" ]; then
        echo "exit $st, expected $want: $*"; cat "$T/err"; exit 1
    fi
    grep -qxF -- "$line" "$T/err" || { echo "stderr lacks the line: $line ($*)"; cat "$T/err"; exit 1; }
}

# a database that held one session, now deleted
DB="$T/s.db"
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$DB" --script --respondent x >/dev/null
$RUN sessions --db "$DB" delete latest >/dev/null
# a fresh one (an empty file the store made into a database, no session)
FRESH="$T/fresh.db"
: >"$FRESH"
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$FRESH" --script --resume >/dev/null 2>&1 || true
[ "$(sqlite3 "$FRESH" 'SELECT count(*) FROM sessions')" -eq 0 ]

for db in "$DB" "$FRESH"; do
    none="ldt-advisor: there are no sessions in $db, so none is the latest ('ldt-advisor ask' saves sessions there)"
    expect 66 "$none" $RUN sessions --db "$db" show latest
    expect 66 "$none" $RUN sessions --db "$db" --kb "$ROOT/rules" show latest --format json
    expect 66 "$none" $RUN sessions --db "$db" export latest
    expect 66 "$none" $RUN sessions --db "$db" export latest -o "$T/x.ini"
    [ ! -e "$T/x.ini" ]
    expect 66 "$none" $RUN sessions --db "$db" compare latest latest
    expect 66 "$none" $RUN sessions --db "$db" delete latest
    expect 66 "$none" $RUN explain --kb "$ROOT/rules" --db "$db" --session latest 'situation primary ?'
    expect 66 "$none" $RUN explain --kb "$ROOT/rules" --db "$db" --session latest --why org.type
    resume="ldt-advisor: there are no sessions in $db, so none to resume ('ldt-advisor ask' without --resume starts one)"
    expect 66 "$resume" $RUN ask --kb "$ROOT/rules" --db "$db" --script --resume
    expect 66 "$resume" $RUN ask --kb "$ROOT/rules" --db "$db" --script --resume latest
    # a numeric ID that does not exist keeps its own message
    one="ldt-advisor: no session 1 in $db (see 'ldt-advisor sessions list')"
    expect 66 "$one" $RUN sessions --db "$db" show 1
    expect 66 "$one" $RUN sessions --db "$db" compare 1 latest
    expect 66 "$one" $RUN explain --kb "$ROOT/rules" --db "$db" --session 1 'situation primary ?'
    expect 66 "$one" $RUN ask --kb "$ROOT/rules" --db "$db" --script --resume 1
    $RUN sessions --db "$db" list >"$T/out"
    grep -qxF "no sessions in $db" "$T/out"
done

# ask --resume where there is no database: said so, nothing made
expect 66 "ldt-advisor: no sessions database at $T/none/x.db, so no session to resume ('ldt-advisor ask' without --resume starts one there)" \
    $RUN ask --kb "$ROOT/rules" --db "$T/none/x.db" --script --resume
[ ! -e "$T/none" ] || { echo "ask --resume made the database's directory"; exit 1; }

# with sessions, 'latest' is the most recently updated one, also for ask
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$DB" --script --respondent y >/dev/null
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$DB" --script --resume latest >"$T/out"
grep -qF "Resuming session 2 (y)" "$T/out"

# an SQLite database with nothing in it yet (another program's, say):
# reading commands leave it byte for byte, and list says there are none
BARE="$T/bare.db"
sqlite3 "$BARE" 'PRAGMA user_version = 0;'
[ -s "$BARE" ] || { echo "sqlite3 made no database"; exit 1; }
sum0=$(cksum <"$BARE")
bare="ldt-advisor: no sessions database at $BARE: it is an empty SQLite database ('ldt-advisor ask' saves sessions there); choose another with --db"
expect 66 "$bare" $RUN sessions --db "$BARE" show 1
expect 66 "$bare" $RUN sessions --db "$BARE" export latest
expect 66 "$bare" $RUN sessions --db "$BARE" compare 1 2
expect 66 "$bare" $RUN sessions --db "$BARE" delete 1
expect 66 "$bare" $RUN explain --kb "$ROOT/rules" --db "$BARE" --session 1 'situation primary ?'
$RUN sessions --db "$BARE" list >"$T/out"
grep -qxF "no sessions in $BARE" "$T/out" || { cat "$T/out"; exit 1; }
[ "$(cksum <"$BARE")" = "$sum0" ] || { echo "a reading command wrote into $BARE"; exit 1; }
[ "$(sqlite3 "$BARE" 'SELECT count(*) FROM sqlite_schema')" -eq 0 ] ||
    { echo "a reading command made tables in $BARE"; exit 1; }
