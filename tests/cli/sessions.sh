# `sessions`: list, show, export, compare and delete sessions in a
# database built here with the sqlite3 tool from the documented schema
# (version 1; README "Sessions"), holding the big-city-platform respondent
# of examples/answers.ini.  export -> advise gives the same advice as the
# original answers; a session saved under a copy of the shipped KB stays
# "unchanged since" when scenario tests are added or edited, not when a
# rule is; unknown IDs, missing, foreign, corrupt and locked databases get
# clear messages and their exit codes, and are left as they were.
set -eu
ROOT=$(pwd)
T="$TMP/sessions"
mkdir -p "$T"
DB="$T/s.db"
unset LDT_ADVISOR_DB LDT_ADVISOR_BUSY_MS

status=0
$RUN sessions --help >"$T/help" 2>&1 || status=$?
[ "$status" -eq 0 ] || { cat "$T/help"; exit 1; }
grep -qF "Usage: ldt-advisor sessions" "$T/help"

command -v sqlite3 >/dev/null || { echo "the sqlite3 tool is needed (Debian package sqlite3)"; exit 1; }

# expect STATUS PATTERN CMD...: the exit status is STATUS and stderr holds
# PATTERN (a fixed string).
expect() {
    want=$1 pat=$2
    shift 2
    st=0
    "$@" >"$T/out" 2>"$T/err" || st=$?
    if [ "$st" -ne "$want" ]; then
        echo "exit $st, expected $want: $*"; cat "$T/err"; exit 1
    fi
    if [ -n "$pat" ] && ! grep -qF -- "$pat" "$T/err"; then
        echo "stderr lacks: $pat ($*)"; cat "$T/err"; exit 1
    fi
}

# --- the database, as kb/store.c makes it (schema version 1)
sqlite3 "$DB" >/dev/null <<'SQL'
PRAGMA journal_mode = WAL;
BEGIN;
PRAGMA application_id = 1279546433;
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  respondent TEXT NOT NULL DEFAULT '',
  kb_path TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
  touched INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_touched ON sessions (touched);
CREATE TABLE answers (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  question TEXT NOT NULL,
  value TEXT,
  at TEXT NOT NULL,
  seq INTEGER NOT NULL,
  UNIQUE (session_id, question)
);
CREATE INDEX answers_seq ON answers (session_id, seq);
CREATE TABLE conclusions (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  fact TEXT NOT NULL,
  derivation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX conclusions_session ON conclusions (session_id, id);
PRAGMA user_version = 1;
COMMIT;
SQL

# the respondent's answers as SQL rows for session $1 (quotes doubled)
answers_sql() {
    awk -v sid="$1" '
        /^\[answers / { on = ($0 == "[answers big-city-platform]"); next }
        /^\[/ { on = 0 }
        on && /^[a-z]/ {
            k = $0; sub(/ *=.*/, "", k)
            v = $0; sub(/^[^=]*= */, "", v)
            gsub(/\047/, "\047\047", v)
            n++
            printf "INSERT INTO answers VALUES (%s, \047%s\047, \047%s\047, \0472024-05-01T10:00:%02dZ\047, %d);\n", sid, k, v, n % 60, n
        }' "$ROOT/examples/answers.ini"
}
{
    echo "BEGIN;"
    echo "INSERT INTO sessions VALUES (1, 'big-city-platform', 'rules', '00000000000000aa', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z', 1, 1);"
    echo "INSERT INTO sessions VALUES (2, 'big-city-platform', 'rules', '00000000000000bb', '2025-05-01T10:00:00Z', '2025-05-01T11:00:00Z', 1, 2);"
    echo "INSERT INTO sessions VALUES (3, 'it''s; odd', '', '', '2025-06-01T10:00:00Z', '2025-06-01T10:00:00Z', 0, 3);"
    answers_sql 1
    answers_sql 2
    # last year: a smaller city, one answer skipped, one not asked yet
    echo "UPDATE answers SET value = '800000' WHERE session_id = 1 AND question = 'org.population';"
    echo "UPDATE answers SET value = NULL WHERE session_id = 1 AND question = 'ethics.accessibility';"
    echo "DELETE FROM answers WHERE session_id = 1 AND question = 'tech.sourcing';"
    echo "INSERT INTO conclusions (session_id, fact, derivation) VALUES (1, 'situation primary studio', 'situation primary studio' || char(10) || '  because the twin is a prototype');"
    echo "INSERT INTO conclusions (session_id, fact, derivation) VALUES (1, 'model federated', '');"
    echo "INSERT INTO conclusions (session_id, fact, derivation) VALUES (2, 'situation primary arena', 'situation primary arena' || char(10) || '  because many departments use it');"
    echo "INSERT INTO conclusions (session_id, fact, derivation) VALUES (2, 'model federated', '');"
    echo "INSERT INTO answers VALUES (3, 'org.type', 'it''s \"quoted\"; DROP TABLE answers; --', '2025-06-01T10:00:00Z', 1);"
    echo "INSERT INTO answers VALUES (3, 'org.notes', 'two' || char(10) || 'lines', '2025-06-01T10:00:01Z', 2);"
    echo "COMMIT;"
} >"$T/rows.sql"
sqlite3 "$DB" <"$T/rows.sql"
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM answers WHERE session_id = 2')" -ge 30 ]

# --- list: newest first, one row each
expect 0 "" $RUN sessions --db "$DB" list
head -n 1 "$T/out" | grep -q '^ID  RESPONDENT  *UPDATED  *ANSWERS  FINISHED  KB$'
[ "$(wc -l <"$T/out")" -eq 4 ]
sed -n 2p "$T/out" | grep -q "^ 3  it's; odd "
sed -n 3p "$T/out" | grep -q '^ 2  big-city-platform  2025-05-01T11:00:00Z .* yes  *00000000$'
sed -n 4p "$T/out" | grep -q '^ 1  big-city-platform  2024-05-01T11:00:00Z'
# the database named by the environment, and the default place
LDT_ADVISOR_DB="$DB" $RUN sessions list >"$T/env.out"
cmp -s "$T/out" "$T/env.out"
XDG_DATA_HOME="$T/xdg" $RUN sessions list >"$T/xdg.out"
grep -qxF "no sessions: there is no database at $T/xdg/ldt-advisor/ldt-advisor.db yet ('ldt-advisor ask' saves sessions there)" "$T/xdg.out"
[ ! -e "$T/xdg" ]     # reading never creates the database

# --- show
expect 0 "" $RUN sessions --db "$DB" show 1
grep -qF "Session 1: big-city-platform" "$T/out"
grep -qF "knowledge base: rules, fingerprint 00000000000000aa" "$T/out"
grep -Eq '^  org\.population +800000$' "$T/out"
grep -Eq '^  ethics\.accessibility +\(skipped\)$' "$T/out"
grep -qxF "  situation primary studio" "$T/out"
grep -qxF "      because the twin is a prototype" "$T/out"
expect 0 "" $RUN sessions show latest --db "$DB"
grep -qF "Session 3: it's; odd" "$T/out"
grep -qF "it's \"quoted\"; DROP TABLE answers; --" "$T/out"
grep -qF 'two\nlines' "$T/out"          # shown escaped, on one line

# --- export -> advise gives the same advice as the original answers
expect 0 "" $RUN sessions --db "$DB" export 2 -o "$T/e2.ini"
grep -qxF "[answers big-city-platform]" "$T/e2.ini"
grep -qxF "roles.present = director, programme_manager, gis_specialist, data_steward, data_scientist, it_architect, urban_planner, policy_officer" "$T/e2.ini"
ls "$T" | grep -q '\.tmp\.' && { echo "temporary file left behind"; exit 1; }
$RUN sessions --db "$DB" export 2 >"$T/e2-stdout.ini"
cmp "$T/e2.ini" "$T/e2-stdout.ini"
$RUN advise --kb "$ROOT/rules" --format json "$ROOT/examples/answers.ini" big-city-platform >"$T/orig.json"
$RUN advise --kb "$ROOT/rules" --format json "$T/e2.ini" >"$T/export.json"
cmp "$T/orig.json" "$T/export.json"
$RUN advise --kb "$ROOT/rules" "$T/e2.ini" >"$T/export.txt"
grep -qF "== big-city-platform ==" "$T/export.txt"
# a skipped answer is left out; the rest still advises
expect 0 "" $RUN sessions --db "$DB" export 1 --output "$T/e1.ini"
if grep -q '^ethics.accessibility' "$T/e1.ini"; then echo "skipped answer exported"; exit 1; fi
grep -qxF "org.population = 800000" "$T/e1.ini"
$RUN advise --kb "$ROOT/rules" --format json "$T/e1.ini" >"$T/e1.json"
# an answer with a line break cannot be exported: nothing is written, an
# existing file stays as it was
echo "keep me" >"$T/e3.ini"
expect 65 "session 3, question 'org.notes': the answer contains a line break" \
    $RUN sessions --db "$DB" export 3 -o "$T/e3.ini"
grep -qF "nothing was written" "$T/err"
[ "$(cat "$T/e3.ini")" = "keep me" ]
[ ! -s "$T/out" ]
# an output that cannot be written
expect 73 "cannot create '$T/no/such/dir/e.ini': the directory '$T/no/such/dir' does not exist" \
    $RUN sessions --db "$DB" export 2 -o "$T/no/such/dir/e.ini"

# --- compare: last year's session with this year's
expect 0 "" $RUN sessions --db "$DB" compare 1 2
grep -qF "Knowledge base: different (fingerprint 00000000000000aa -> 00000000000000bb)" "$T/out"
grep -qxF "  changed  org.population: 800000 -> 900000" "$T/out"
grep -qxF "  changed  ethics.accessibility: (skipped) -> partly" "$T/out"
grep -qxF "  added    tech.sourcing: mixed" "$T/out"
grep -qxF "  only in 1: situation primary studio" "$T/out"
grep -qxF "  only in 2: situation primary arena" "$T/out"
if grep -q "model federated" "$T/out"; then echo "a shared conclusion shown"; exit 1; fi
expect 0 "" $RUN sessions --db "$DB" compare 2 2
grep -qF "Knowledge base: the same (fingerprint 00000000000000bb)" "$T/out"
[ "$(grep -c '^  the same' "$T/out")" -eq 2 ]
expect 0 "" $RUN sessions --db "$DB" compare 2 1
grep -qxF "  removed  tech.sourcing: mixed" "$T/out"

# --- the fingerprint leaves the scenario tests out: a session saved under a
# copy of the knowledge base is "unchanged since" after scenarios are
# added or edited, in files of their own or among the rules, and resumes
# without a word of it; a rule edited, and it has changed
K="$T/kb"
cp -R "$ROOT/rules" "$K"
printf 'quit\n' | $RUN ask --kb "$K" --db "$T/fp.db" --script >"$T/fp.out" 2>&1 \
    || { cat "$T/fp.out"; exit 1; }
unchanged_since() {
    expect 0 "" $RUN sessions --db "$T/fp.db" show 1
    grep -qF "knowledge base: $K, fingerprint " "$T/out" || { cat "$T/out"; exit 1; }
    grep -qF "(unchanged since)" "$T/out" \
        || { echo "$1: the knowledge base is said to have changed"; cat "$T/out"; exit 1; }
}
unchanged_since "as saved"
printf '; A scenario added after the session was saved.\n\n[test zz-added]\nanswer.twin.stage = prototype\nexpect_not = model primary central_platform\n' \
    >"$K/tests/zz-added.ini"
unchanged_since "a file of scenarios added"
printf '\n; and one among the rules\n[test zz-among-rules]\nanswer.twin.stage = prototype\nexpect_not = model primary central_platform\n' \
    >>"$K/model.ini"
unchanged_since "a scenario added to a rule file"
sed 's/^expect = model primary project_led$/expect_not = model primary federated/' \
    "$K/tests/models.ini" >"$T/models.ini"
! cmp -s "$K/tests/models.ini" "$T/models.ini" || { echo "no scenario was edited"; exit 1; }
mv "$T/models.ini" "$K/tests/models.ini"
unchanged_since "a scenario edited"
# real scenarios: the loader takes them for tests, and they pass
$RUN test --kb "$ROOT/rules" >"$T/fp-test0.out" 2>&1 || { cat "$T/fp-test0.out"; exit 1; }
$RUN test --kb "$K" >"$T/fp-test.out" 2>&1 || { cat "$T/fp-test.out"; exit 1; }
n0=$(tail -n 1 "$T/fp-test0.out" | cut -d' ' -f1)
grep -qxF "$((n0 + 2)) passed, 0 failed" "$T/fp-test.out" \
    || { echo "the scenarios added were not run"; cat "$T/fp-test.out"; exit 1; }
printf 'quit\n' | $RUN ask --kb "$K" --db "$T/fp.db" --script --resume 1 >"$T/fp.out" 2>&1 \
    || { cat "$T/fp.out"; exit 1; }
grep -qF "Resuming session 1" "$T/fp.out"
if grep -qF "has changed" "$T/fp.out"; then
    echo "ask --resume: the knowledge base is said to have changed"; cat "$T/fp.out"; exit 1
fi
sed 's/^because = The organisation already has someone in this role/because = Someone already holds this role/' \
    "$K/profile.ini" >"$T/profile.ini"
! cmp -s "$K/profile.ini" "$T/profile.ini" || { echo "no rule was edited"; exit 1; }
mv "$T/profile.ini" "$K/profile.ini"
expect 0 "" $RUN sessions --db "$T/fp.db" show 1
grep -qF "(it has changed since: now " "$T/out" \
    || { echo "a rule edited: the knowledge base is said to be unchanged"; cat "$T/out"; exit 1; }

# --- the session keeps its knowledge base's absolute path, so that it is
# found from any directory; resumed under another, it keeps that one; one
# moved away cannot be read now
mkdir "$T/elsewhere"
(cd "$T" && printf 'quit\n' | $RUN ask --kb kb --db "$T/abs.db" --script >/dev/null 2>&1) \
    || { echo "ask with a relative --kb failed"; exit 1; }
KABS=$(cd "$K" && pwd -P)
(cd "$T/elsewhere" && $RUN sessions --db "$T/abs.db" show 1) >"$T/out" 2>&1
grep -qF "knowledge base: $KABS, fingerprint " "$T/out" && grep -qF "(unchanged since)" "$T/out" \
    || { echo "a relative --kb was saved as typed"; cat "$T/out"; exit 1; }
printf 'quit\n' | $RUN ask --kb "$ROOT/rules" --db "$T/abs.db" --script --resume 1 >"$T/fp.out" 2>&1 \
    || { cat "$T/fp.out"; exit 1; }
grep -qF "The knowledge base has changed since this session was saved" "$T/fp.out" \
    || { echo "resumed under another knowledge base without a word"; cat "$T/fp.out"; exit 1; }
expect 0 "" $RUN sessions --db "$T/abs.db" show 1
grep -qF "knowledge base: $(cd "$ROOT/rules" && pwd -P), fingerprint " "$T/out" && grep -qF "(unchanged since)" "$T/out" \
    || { echo "a session resumed under another knowledge base still names the first"; cat "$T/out"; exit 1; }
(cd "$T" && printf 'quit\n' | $RUN ask --kb kb --db "$T/abs.db" --script --resume 1 >/dev/null 2>&1) \
    || { echo "ask --resume with a relative --kb failed"; exit 1; }
mv "$K" "$T/kb-moved"
expect 0 "" $RUN sessions --db "$T/abs.db" show 1
grep -qF "knowledge base: $KABS, fingerprint " "$T/out" && grep -qF "(it cannot be read now)" "$T/out" \
    || { echo "a knowledge base moved away: not said"; cat "$T/out"; exit 1; }
mv "$T/kb-moved" "$K"

# --- unknown sessions: not there, so 66 (as a missing database)
expect 66 "ldt-advisor: no session 42 in $DB (see 'ldt-advisor sessions list')" \
    $RUN sessions --db "$DB" show 42
expect 66 "no session 42 in $DB" $RUN sessions --db "$DB" export 42
expect 66 "no session 42 in $DB" $RUN sessions --db "$DB" compare 1 42
expect 66 "no session 42 in $DB" $RUN sessions --db "$DB" delete 42

# --- delete, with its answers and conclusions
expect 0 "" $RUN sessions --db "$DB" delete 1
grep -qxF "deleted session 1 (big-city-platform) from $DB" "$T/out"
expect 66 "no session 1 in" $RUN sessions --db "$DB" show 1
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM answers WHERE session_id = 1')" -eq 0 ]
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM conclusions WHERE session_id = 1')" -eq 0 ]
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
$RUN sessions --db "$DB" list >"$T/out"
[ "$(wc -l <"$T/out")" -eq 3 ]

# --- a database locked by another process for longer than the timeout
( sqlite3 "$DB" <<SQL
BEGIN EXCLUSIVE;
UPDATE sessions SET respondent = respondent;
.shell touch "$T/locked"; i=0; while [ ! -e "$T/release" ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
COMMIT;
SQL
) >"$T/holder.out" 2>&1 &
holder=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$T/locked" ] || { echo "the lock holder did not start"; cat "$T/holder.out"; exit 1; }
export LDT_ADVISOR_BUSY_MS=100
expect 74 "the database is locked by another process (waited 100 ms)" \
    $RUN sessions --db "$DB" delete 2
unset LDT_ADVISOR_BUSY_MS
touch "$T/release"
wait $holder
$RUN sessions --db "$DB" show 2 >/dev/null

# --- databases that are missing, not ours, or not databases: refused, untouched
expect 66 "no sessions database at $T/none.db" $RUN sessions --db "$T/none.db" show 1
[ ! -e "$T/none.db" ]
expect 0 "" $RUN sessions --db "$T/none.db" list
grep -qxF "no sessions: there is no database at $T/none.db yet ('ldt-advisor ask' saves sessions there)" "$T/out"
[ ! -e "$T/none.db" ]
# every reading command, also those that replay a session under the
# knowledge base (show --format, explain --session), refuses a missing
# database the same way and creates neither it nor its directories
expect 66 "no sessions database at $T/none.db" \
    $RUN sessions --db "$T/none.db" --kb "$ROOT/rules" show latest --format json
[ ! -e "$T/none.db" ] || { echo "sessions show --format created the database"; exit 1; }
expect 66 "no sessions database at $T/none.db" \
    $RUN explain --kb "$ROOT/rules" --session 1 --db "$T/none.db" 'situation primary ?'
[ ! -e "$T/none.db" ] || { echo "explain --session created the database"; exit 1; }
expect 66 "no sessions database at $T/newdir/sub/x.db" \
    $RUN explain --kb "$ROOT/rules" --session latest --db "$T/newdir/sub/x.db" --why org.type
[ ! -e "$T/newdir" ] || { echo "explain --session made the database's directories"; exit 1; }
LDT_ADVISOR_DB="$T/none.db" expect 66 "no sessions database at $T/none.db" \
    $RUN explain --kb "$ROOT/rules" --session latest 'situation primary ?'
[ ! -e "$T/none.db" ] || { echo "explain --session created the default database"; exit 1; }
sqlite3 "$T/foreign.db" "CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (1);"
cp "$T/foreign.db" "$T/foreign.copy"
expect 66 "not an ldt-advisor database: $T/foreign.db (it belongs to another program); choose another file with --db" \
    $RUN sessions --db "$T/foreign.db" list
cmp "$T/foreign.db" "$T/foreign.copy"
head -c 4096 /dev/urandom >"$T/junk.db"
cp "$T/junk.db" "$T/junk.copy"
expect 66 "file is not a database" $RUN sessions --db "$T/junk.db" list
cmp "$T/junk.db" "$T/junk.copy"
# the same code from every command that reads sessions (their --help says 66)
expect 66 "file is not a database" \
    $RUN sessions --db "$T/junk.db" --kb "$ROOT/rules" show 1 --format json
expect 66 "file is not a database" \
    $RUN explain --kb "$ROOT/rules" --session 1 --db "$T/junk.db" 'situation primary ?'
expect 66 "not an ldt-advisor database: $T/foreign.db" \
    $RUN explain --kb "$ROOT/rules" --session 1 --db "$T/foreign.db" 'situation primary ?'
expect 66 "not an ldt-advisor database: $T/foreign.db" \
    $RUN ask --kb "$ROOT/rules" --db "$T/foreign.db" --script
cmp "$T/junk.db" "$T/junk.copy"
cmp "$T/foreign.db" "$T/foreign.copy"
sqlite3 "$DB" "PRAGMA user_version = 99"
expect 66 "written by a newer ldt-advisor" $RUN sessions --db "$DB" list
expect 66 "written by a newer ldt-advisor" $RUN ask --kb "$ROOT/rules" --db "$DB" --script --resume
sqlite3 "$DB" "PRAGMA user_version = 1"
expect 66 "is a directory" $RUN sessions --db "$T" list

# --- usage
expect 64 "missing the command" $RUN sessions --db "$DB"
expect 64 "unknown command 'frob'" $RUN sessions --db "$DB" frob
expect 64 "missing the session ID" $RUN sessions --db "$DB" show
expect 64 "sessions compare: give two session IDs (only '1' was given), e.g. 'sessions compare 1 latest'" \
    $RUN sessions --db "$DB" compare 1
expect 64 "sessions compare: missing the session IDs (a number, or latest)" \
    $RUN sessions --db "$DB" compare
expect 64 "'abc' is not a session ID" $RUN sessions --db "$DB" show abc
expect 64 "'0' is not a session ID" $RUN sessions --db "$DB" delete 0
expect 64 "sessions show: too many arguments: it takes one session ID (not '2')" \
    $RUN sessions --db "$DB" show 1 2
expect 64 "sessions list: too many arguments: it takes none (not 'all')" \
    $RUN sessions --db "$DB" list all
expect 64 "-o is for export" $RUN sessions --db "$DB" show 2 -o x
expect 64 "unknown option '--frob'" $RUN sessions --frob list
expect 64 "needs a value" $RUN sessions list --db
