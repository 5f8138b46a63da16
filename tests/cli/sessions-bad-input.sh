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
expect 65 "no session 9223372036854775807 in $DB (see 'ldt-advisor sessions list')" \
    $RUN sessions --db "$DB" show 9223372036854775807
expect 65 "no session 9223372036854775807 in $DB" \
    $RUN explain --kb "$ROOT/rules" --db "$DB" --session 9223372036854775807 'situation primary ?'
unchanged "bad IDs"
