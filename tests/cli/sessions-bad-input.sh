# Bad input to the commands that read the sessions database: session IDs
# that are no IDs, databases that are not usable, outputs that cannot be
# written.  Each gets one clear line naming what was wrong, its documented
# exit status, and the saved sessions stay as they were.
set -eu
ROOT=$(pwd)
T="$TMP/bad"
mkdir -p "$T"
unset LDT_ADVISOR_DB
DB="$T/s.db"

# expect STATUS PATTERN CMD...: the exit status is STATUS and stderr holds
# PATTERN (a fixed string).
expect() {
    want=$1 pat=$2
    shift 2
    st=0
    timeout 60 "$@" </dev/null >"$T/out" 2>"$T/err" || st=$?
    if [ "$st" -ne "$want" ]; then
        echo "exit $st, expected $want: $*"; cat "$T/err"; exit 1
    fi
    if [ -n "$pat" ] && ! grep -qF -- "$pat" "$T/err"; then
        echo "stderr lacks: $pat ($*)"; cat "$T/err"; exit 1
    fi
}

# two sessions, one answer each
for r in one two; do
    printf '1\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$DB" --script --respondent $r >/dev/null
done
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$DB" "$T/s.copy"
# the sessions are as they were, byte for byte
unchanged() {
    sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
    cmp -s "$DB" "$T/s.copy" || { echo "the database changed: $1"; exit 1; }
}

# --- session IDs: the same rules for every command (digits, or 'latest')
for id in 1x -1 0 99999999999999999999 "" " 1" "+1" 0x1 1.0 LATEST "latest "; do
    for sub in show export delete; do
        expect 64 "sessions: '$id' is not a session ID (a number from 'ldt-advisor sessions list', or 'latest')" \
            $RUN sessions --db "$DB" $sub -- "$id"
    done
    expect 64 "sessions: '$id' is not a session ID" $RUN sessions --db "$DB" compare 1 -- "$id"
    expect 64 "sessions: '$id' is not a session ID" \
        $RUN sessions --db "$DB" --kb "$ROOT/rules" show --format json -- "$id"
    expect 64 "--session takes a session number or 'latest', not '$id'" \
        $RUN explain --kb "$ROOT/rules" --db "$DB" --session "$id" 'situation primary ?'
    expect 64 "ask: --resume takes a session number or 'latest', not '$id'" \
        $RUN ask --kb "$ROOT/rules" --db "$DB" --script --resume "$id"
done
# a negative number where an ID goes is not taken for an option
expect 64 "sessions: '-1' is not a session ID" $RUN sessions --db "$DB" show -1
expect 64 "sessions: '-5' is not a session ID" $RUN sessions --db "$DB" compare 1 -5
# the largest ID there can be is an ID, of no session
expect 66 "no session 9223372036854775807 in $DB (see 'ldt-advisor sessions list')" \
    $RUN sessions --db "$DB" show 9223372036854775807
expect 66 "no session 9223372036854775807 in $DB" \
    $RUN explain --kb "$ROOT/rules" --db "$DB" --session 9223372036854775807 'situation primary ?'
unchanged "bad IDs"

# --- databases that are not usable: refused with exit 66, never written
echo "[answers x]" >"$T/text.db"
head -c 4096 /dev/urandom >"$T/junk.db"
for f in text junk; do
    cp "$T/$f.db" "$T/$f.copy"
    for sub in list "show 1" "export 1" "compare 1 2" "delete 1"; do
        expect 66 "$T/$f.db: file is not a database: it is not an ldt-advisor database, or it is damaged; it was left as it is" \
            $RUN sessions --db "$T/$f.db" $sub
    done
    expect 66 "$T/$f.db: file is not a database" \
        $RUN explain --kb "$ROOT/rules" --db "$T/$f.db" --session 1 'situation primary ?'
    cmp -s "$T/$f.db" "$T/$f.copy" || { echo "$f.db was changed"; exit 1; }
done
mkdir -p "$T/dir.db"
for sub in list "show 1" "delete latest"; do
    expect 66 "$T/dir.db is a directory: the database is a file (choose one with --db)" \
        $RUN sessions --db "$T/dir.db" $sub
done
expect 66 "$T/dir.db is a directory" \
    $RUN explain --kb "$ROOT/rules" --db "$T/dir.db" --session latest 'situation primary ?'
# a pipe or a device is no database: said at once, no wait on the pipe
mkfifo "$T/fifo.db"
for sub in list "show 1" "export latest"; do
    expect 66 "$T/fifo.db is not a regular file (a device, a pipe or a socket): the database is a file" \
        $RUN sessions --db "$T/fifo.db" $sub
done
expect 66 "$T/fifo.db is not a regular file" \
    $RUN explain --kb "$ROOT/rules" --db "$T/fifo.db" --session 1 'situation primary ?'
# ask, which writes the database, says 66 for the same files as the
# readers: they are there and no database of ours (74 is for a write that
# failed)
expect 66 "$T/fifo.db is not a regular file" \
    $RUN ask --kb "$ROOT/rules" --db "$T/fifo.db" --script
expect 66 "$T/dir.db is a directory" \
    $RUN ask --kb "$ROOT/rules" --db "$T/dir.db" --script
for f in text junk; do
    expect 66 "$T/$f.db: file is not a database" \
        $RUN ask --kb "$ROOT/rules" --db "$T/$f.db" --script
    cmp -s "$T/$f.db" "$T/$f.copy" || { echo "ask changed $f.db"; exit 1; }
done
expect 66 "/dev/null is not a regular file" $RUN sessions --db /dev/null list
# an empty file is no database yet: a reading command does not make it one
: >"$T/zero.db"
expect 0 "" $RUN sessions --db "$T/zero.db" list
grep -qxF "no sessions in $T/zero.db" "$T/out"
expect 66 "no sessions database at $T/zero.db: the file is empty ('ldt-advisor ask' saves sessions there)" \
    $RUN sessions --db "$T/zero.db" show latest
expect 66 "no sessions database at $T/zero.db: the file is empty" \
    $RUN explain --kb "$ROOT/rules" --db "$T/zero.db" --session 1 'situation primary ?'
[ ! -s "$T/zero.db" ] || { echo "a reading command wrote into an empty file"; exit 1; }
# no file name at all
expect 64 "sessions: --db needs a file name" $RUN sessions --db "" list
expect 64 "explain: --db needs a file name" \
    $RUN explain --kb "$ROOT/rules" --db "" --session 1 'situation primary ?'
expect 64 "ask: --db needs a file name" $RUN ask --kb "$ROOT/rules" --db "" --script

# --- a read-only database: everything reads it; delete fails, nothing lost
RO="$T/ro"
mkdir -p "$RO/d" "$RO/v"
cp "$DB" "$RO/d/s.db"
ro_off() { :; }
if [ "$(id -u)" = 0 ] && mount --bind "$RO/d" "$RO/v" 2>/dev/null; then
    ro_off() { umount "$RO/v"; }
    mount -o remount,ro,bind "$RO/v" || { ro_off; echo "cannot make the bind mount read-only"; exit 1; }
elif [ "$(id -u)" != 0 ]; then
    rmdir "$RO/v"
    ln -s d "$RO/v"
    chmod 444 "$RO/d/s.db"
    chmod 555 "$RO/d"
    ro_off() { chmod 755 "$RO/d"; chmod 644 "$RO/d/s.db"; }
else
    ro_off() { :; }
    echo "note: as root without mount, a read-only database cannot be made here"
    RO=
fi
if [ -n "$RO" ]; then
    ok=1
    for sub in list "show 1" "export 2" "compare 1 2"; do
        $RUN sessions --db "$RO/v/s.db" $sub >/dev/null 2>"$T/err" || { ok=0; cat "$T/err"; }
    done
    $RUN sessions --db "$RO/v/s.db" --kb "$ROOT/rules" show 1 --format json >/dev/null 2>"$T/err" ||
        { ok=0; cat "$T/err"; }
    $RUN explain --kb "$ROOT/rules" --db "$RO/v/s.db" --session 1 --why org.type >/dev/null 2>"$T/err" ||
        { ok=0; cat "$T/err"; }
    st=0
    $RUN sessions --db "$RO/v/s.db" delete 1 >/dev/null 2>"$T/err" || st=$?
    n=$(sqlite3 "file:$RO/v/s.db?immutable=1" 'SELECT count(*) FROM sessions')
    ro_off
    [ "$ok" -eq 1 ] || { echo "a read-only database could not be read"; exit 1; }
    [ "$st" -eq 74 ] || { echo "delete on a read-only database: exit $st, expected 74"; cat "$T/err"; exit 1; }
    grep -qF "$RO/v/s.db: cannot delete the session: " "$T/err" && grep -qF "read-only" "$T/err" ||
        { cat "$T/err"; exit 1; }
    [ "$n" -eq 2 ] || { echo "a session was lost from the read-only database"; exit 1; }
fi

# --- respondent labels: ask takes printable UTF-8 only; a label saved
# otherwise (before ask refused it) reaches no report as it is
for bad in "$(printf 'a\nb')" "$(printf 'red\033[31m')" "$(printf '\377\376')" "$(printf 'red\302\23331m')"; do
    expect 64 "ask: --respondent takes a name as printable text (UTF-8, without control characters such as line breaks)" \
        $RUN ask --kb "$ROOT/rules" --db "$DB" --script --respondent "$bad"
done
expect 64 "ask: --respondent needs a name (leave it out for a session without one)" \
    $RUN ask --kb "$ROOT/rules" --db "$DB" --script --respondent ""
unchanged "a bad --respondent"
LDB="$T/labels.db"
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$LDB" --script --respondent x >/dev/null
sqlite3 "$LDB" "UPDATE sessions SET respondent = CAST(x'ff0a1b5b33316d' AS TEXT)"
$RUN sessions --db "$LDB" --kb "$ROOT/rules" show 1 --format json >"$T/l.json"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1], encoding="utf-8"))["respondents"][0]; assert r["respondent"] == "session-1", r' "$T/l.json" ||
    { echo "a saved label that is not printable UTF-8 reached the JSON"; exit 1; }
$RUN sessions --db "$LDB" --kb "$ROOT/rules" show 1 --format text | head -n 1 | grep -qx '== session-1 ==' ||
    { echo "a saved label that is not printable UTF-8 reached the text report"; exit 1; }
# the list shows such bytes as escapes, and lines up names that are not
# ASCII by their characters
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$LDB" --script --respondent "Zoë Ørsted" >/dev/null
sqlite3 "$LDB" "UPDATE sessions SET respondent = CAST(x'41ff42c29b43' AS TEXT) WHERE id = 1"
$RUN sessions --db "$LDB" list >"$T/list" || { echo "sessions list failed"; exit 1; }
python3 - "$T/list" <<'PY' || { cat "$T/list"; exit 1; }
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[0].startswith("ID  RESPONDENT"), lines
col = lines[0].index("UPDATED")
rows = {l.split()[0]: l for l in lines[1:]}
assert rows["1"].split()[1] == "A\\xffB\\xc2\\x9bC", rows
assert rows["2"][4:].startswith("Zoë Ørsted"), rows
for r in rows.values():
    assert r[col - 2:col] == "  " and r[col:col + 4].isdigit(), (r, col)
PY

# --- -o: never over the database, through links, not in place of a pipe
expect 73 "cannot write '$DB': it would replace the sessions database $DB (or a file SQLite keeps beside it); choose another file with -o" \
    $RUN sessions --db "$DB" export 1 -o "$DB"
expect 73 "it would replace the sessions database $DB" \
    $RUN sessions --db "$DB" --kb "$ROOT/rules" show 1 --format json -o "$DB"
ln -s s.db "$T/db-link"
expect 73 "cannot write '$T/db-link': it would replace the sessions database" \
    $RUN sessions --db "$DB" export 1 -o "$T/db-link"
for f in -wal -shm -journal; do
    expect 73 "cannot write '$DB$f': it would replace the sessions database" \
        $RUN sessions --db "$DB" export 1 -o "$DB$f"
    [ ! -e "$DB$f" ] || { echo "export wrote $DB$f"; exit 1; }
done
unchanged "-o naming the database"
# nor over another sessions database (or any SQLite file), with any command
cp "$T/s.copy" "$T/other.db"
expect 73 "cannot write '$T/other.db': it is an SQLite database, such as saved sessions are kept in; choose another file with -o" \
    $RUN sessions --db "$DB" export 1 -o "$T/other.db"
expect 73 "cannot write '$T/other.db': it is an SQLite database" \
    $RUN sessions --db "$DB" --kb "$ROOT/rules" show 1 --format html -o "$T/other.db"
expect 73 "cannot write '$T/other.db': it is an SQLite database" \
    $RUN advise --kb "$ROOT/rules" -o "$T/other.db" "$ROOT/examples/answers.ini"
# nor under the name of its journal or log before there is one: SQLite
# would take the report for one when it next opens the database
for f in -wal -shm -journal; do
    rm -f "$T/other.db$f"
    expect 73 "cannot write '$T/other.db$f': it is the name of a file SQLite keeps beside a database" \
        $RUN advise --kb "$ROOT/rules" -o "$T/other.db$f" "$ROOT/examples/answers.ini"
    [ ! -e "$T/other.db$f" ] || { echo "advise wrote $T/other.db$f"; exit 1; }
done
cmp -s "$T/other.db" "$T/s.copy" || { echo "another sessions database was written over"; exit 1; }
[ "$(sqlite3 "$T/other.db" 'SELECT count(*) FROM sessions')" -eq 2 ] || { echo "sessions lost"; exit 1; }
expect 64 "sessions: -o needs a file name" $RUN sessions --db "$DB" export 1 -o ""
mkdir -p "$T/outdir"
expect 73 "cannot create '$T/outdir': it is a directory" $RUN sessions --db "$DB" export 1 -o "$T/outdir"
expect 73 "cannot create '$T/none/e.ini': the directory '$T/none' does not exist" \
    $RUN sessions --db "$DB" export 1 -o "$T/none/e.ini"
expect 73 "cannot create '$T/none/e.json': the directory '$T/none' does not exist" \
    $RUN sessions --db "$DB" --kb "$ROOT/rules" show 1 --format json -o "$T/none/e.json"
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$T/locked" && chmod 555 "$T/locked"
    expect 73 "cannot create '$T/locked/e.ini': no permission to write in the directory '$T/locked'" \
        $RUN sessions --db "$DB" export 1 -o "$T/locked/e.ini"
    chmod 755 "$T/locked"
fi
# a link is written through: the file it names gets the export
echo old >"$T/target.ini"
ln -s target.ini "$T/link.ini"
expect 0 "" $RUN sessions --db "$DB" export 1 -o "$T/link.ini"
[ -L "$T/link.ini" ] || { echo "the link was replaced by a file"; exit 1; }
grep -qxF "[answers one]" "$T/target.ini"
# a pipe stays a pipe, and the export goes through it
mkfifo "$T/out.fifo"
timeout 20 cat "$T/out.fifo" >"$T/fifo.got" &
reader=$!
expect 0 "" $RUN sessions --db "$DB" export 1 -o "$T/out.fifo"
wait $reader
[ -p "$T/out.fifo" ] || { echo "the pipe was replaced by a file"; exit 1; }
cmp -s "$T/fifo.got" "$T/target.ini" || { echo "the export did not go through the pipe"; exit 1; }
# standard output that cannot be written
st=0
$RUN sessions --db "$DB" export 1 >/dev/full 2>"$T/err" || st=$?
[ "$st" -eq 74 ] && grep -qF "cannot write to standard output: No space left on device" "$T/err" ||
    { echo "export to a full stdout: exit $st"; cat "$T/err"; exit 1; }
unchanged "the end"
