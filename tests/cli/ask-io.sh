# ask when the database fails during a session:
#   - a full disk: a limit on file size (ulimit -f; the program ignores
#     SIGXFSZ itself), and a small tmpfs filled up mid-session (as root, or
#     as root of a user namespace; else skipped with a note);
#   - a database made read-only mid-session (chattr +i on the database and
#     its WAL, where the file system and the user allow it; else skipped
#     with a note);
#   - a database that is read-only when a session is resumed (a read-only
#     bind mount as root, file permissions otherwise).
# Each time: exit 74 with a message naming the database and what failed;
# every answer committed before (in this run and earlier ones) is intact
# (integrity_check) and readable with `sessions show`, even while the
# problem lasts; and once space is freed or write access is back, the next
# run resumes the session and finishes it.
set -eu
ROOT=$(pwd)
KB="--kb $ROOT/rules"
fail() { echo "FAIL: $*"; exit 1; }

MOUNTS=""
cleanup() {
    for m in $MOUNTS; do umount "$m" 2>/dev/null || true; done
    chattr -i "$TMP"/*/s.db "$TMP"/*/s.db-wal 2>/dev/null || true
}
trap cleanup EXIT

# new_session DIR: a session (1) with three answers in DIR/s.db
new_session() {
    mkdir -p "$1"
    printf 'municipality\n30000\n2\nquit\n' | $RUN ask $KB --db "$1/s.db" --script >/dev/null 2>&1 \
        || fail "new session in $1"
}

# answers_in DB: how many answers session 1 has, read by `sessions show`
answers_in() {
    $RUN sessions --db "$1" show 1 >"$TMP/show.out" 2>"$TMP/show.err" \
        || { cat "$TMP/show.err"; fail "sessions show $1 failed"; }
    sed -n 's/^Answers (\([0-9]*\)):$/\1/p' "$TMP/show.out"
}

# intact DB [immutable]: integrity_check says ok (read-only, changes
# nothing; "immutable" for a file on a read-only file system, which
# SQLite can only read so when it has no WAL)
intact() {
    r=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro%s" % (sys.argv[1], sys.argv[2]), uri=True)
print(c.execute("PRAGMA integrity_check").fetchone()[0])' "$1" "${2:+&immutable=1}") \
        || fail "integrity_check $1"
    [ "$r" = ok ] || fail "integrity_check $1: $r"
}

# The session resumed in the background, reading answers from a FIFO:
# start DB [PREFIX...], then give (one answer, and the count it should
# reach), then finish_bg.
start() {
    db=$1
    shift
    rm -f "$TMP/fifo" "$TMP/bg.out" "$TMP/bg.err"
    mkfifo "$TMP/fifo"
    "$@" $RUN ask $KB --db "$db" --script --resume <"$TMP/fifo" >"$TMP/bg.out" 2>"$TMP/bg.err" &
    bgpid=$!
    exec 3>"$TMP/fifo"
}
# wait_for TEXT: until the session printed it or ended (60 s at most)
wait_for() {
    i=0
    while ! grep -qF -- "$1" "$TMP/bg.out" && kill -0 "$bgpid" 2>/dev/null && [ "$i" -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    grep -qF -- "$1" "$TMP/bg.out"
}
# give: answer the question with its first option (the session may have
# ended: a write to the FIFO then fails, which is not an error here)
give() {
    ( echo 1 >&3 ) 2>/dev/null || true
}
finish_bg() {
    exec 3>&-
    status=0
    wait "$bgpid" || status=$?
}
# answered: the last "[N answered" the session showed
answered() {
    sed -n 's/^\[\([0-9]*\) answered.*/\1/p' "$TMP/bg.out" | tail -n 1
}

# failed_cleanly DB WHAT: exit 74, and the message names the database and WHAT
failed_cleanly() {
    [ "$status" -eq 74 ] || { cat "$TMP/bg.err"; fail "exit $status, expected 74"; }
    grep -qF "$1: cannot save the answer: $2" "$TMP/bg.err" \
        || { cat "$TMP/bg.err"; fail "the message lacks '$1: cannot save the answer: $2'"; }
    grep -qF "ask --resume 1" "$TMP/bg.err" || fail "the message does not say how to continue"
}

# resume_to_end DB: the next run resumes the session and finishes it
resume_to_end() {
    yes 1 | head -n 80 | $RUN ask $KB --db "$1" --script --resume >"$TMP/end.out" 2>"$TMP/end.err" \
        || { cat "$TMP/end.err"; fail "the next run failed"; }
    grep -qF "Resuming session 1" "$TMP/end.out" || fail "the next run did not resume session 1"
    grep -qF "This advice is saved as session 1" "$TMP/end.out" || fail "the next run did not finish"
    $RUN sessions --db "$1" show 1 >"$TMP/fin.out" || fail "sessions show after the end"
    grep -q ', finished$' "$TMP/fin.out" || fail "session 1 is not finished"
    intact "$1"
}

# tmpfs_case: a full tmpfs (mounted here; 1 when it cannot be)
tmpfs_case() {
    M="$TMP/small"
    mkdir -p "$M"
    mount -t tmpfs -o size=4m tmpfs "$M" || return 1
    MOUNTS="$MOUNTS $M"
    new_session "$M"
    start "$M/s.db"
    wait_for "[3 answered" || fail "tmpfs: the session did not start"
    give
    wait_for "[4 answered" || fail "tmpfs: the 4th answer was not taken"
    # the disk fills up (dd stops at ENOSPC)
    dd if=/dev/zero of="$M/filler" bs=4096 2>/dev/null || true
    give
    i=0
    while kill -0 "$bgpid" 2>/dev/null && [ "$i" -lt 20 ]; do give; sleep 0.1; i=$((i + 1)); done
    finish_bg
    failed_cleanly "$M/s.db" "the disk is full"
    got=$(answered)
    # readable while the disk is still full
    [ "$(answers_in "$M/s.db")" -eq "$got" ] || fail "tmpfs: $got answers shown committed, $(answers_in "$M/s.db") saved"
    intact "$M/s.db"
    rm -f "$M/filler"
    resume_to_end "$M/s.db"
    umount "$M"
    echo "full tmpfs: $got answers kept, exit 74, resumed after freeing space"
}
# in a user namespace (see below): only the tmpfs case
if [ "${ASK_IO_PART:-}" = tmpfs ]; then
    tmpfs_case || fail "cannot mount a tmpfs in the user namespace"
    exit 0
fi

# ------------------------------------------------------------ file size limit
D="$TMP/fsize"
new_session "$D"
# 32 KiB at most per file (dash counts ulimit -f in 512-byte blocks, bash
# in 1024: either way a few answers fit in the WAL, then a write fails)
start "$D/s.db" sh -c 'ulimit -f 64; exec "$@"' sh
wait_for "[3 answered" || fail "fsize: the session did not start"
n=3
while kill -0 "$bgpid" 2>/dev/null && [ "$n" -lt 30 ]; do
    give
    n=$((n + 1))
    wait_for "[$n answered" || break
done
finish_bg
failed_cleanly "$D/s.db" "the file would grow past the limit on file size"
got=$(answered)
[ "$got" -gt 3 ] || fail "fsize: no answer was committed before the limit was reached"
[ "$(answers_in "$D/s.db")" -eq "$got" ] || fail "fsize: $got answers shown committed, $(answers_in "$D/s.db") saved"
intact "$D/s.db"
resume_to_end "$D/s.db"
echo "file size limit: $got answers kept, exit 74, resumed"

# ------------------------------------------------------------ a full tmpfs
if [ "$(id -u)" = 0 ] && tmpfs_case; then
    :
elif [ "$(id -u)" != 0 ] && unshare -rm true 2>/dev/null; then
    # root of a user namespace may mount a tmpfs
    ASK_IO_PART=tmpfs unshare -rm sh "$0"
else
    echo "note: no tmpfs can be mounted here: the file size limit above stands for a full disk"
fi

# ------------------------------------------------------------ read-only mid-session
D="$TMP/immutable"
new_session "$D"
touch "$D/probe"
if chattr +i "$D/probe" 2>/dev/null; then
    chattr -i "$D/probe"
    start "$D/s.db"
    wait_for "[3 answered" || fail "immutable: the session did not start"
    give
    wait_for "[4 answered" || fail "immutable: the 4th answer was not taken"
    # the database and its WAL become read-only under the running session
    chattr +i "$D/s.db" "$D/s.db-wal"
    give
    finish_bg
    failed_cleanly "$D/s.db" "Operation not permitted (the file or its directory is read-only"
    [ "$(answered)" -eq 4 ] || fail "immutable: expected 4 answers shown"
    [ "$(answers_in "$D/s.db")" -eq 4 ] || fail "immutable: 4 answers shown committed, $(answers_in "$D/s.db") saved"
    intact "$D/s.db"
    chattr -i "$D/s.db" "$D/s.db-wal"
    resume_to_end "$D/s.db"
    echo "made read-only mid-session: 4 answers kept, exit 74, resumed"
else
    echo "note: chattr +i is not possible here (not root, or the file system has no immutable files): the database is not made read-only mid-session"
fi

# ------------------------------------------------------------ deleted mid-session
# `sessions delete` in another terminal: exit 66, said so, and no resuming
# of a session that is gone suggested
G="$TMP/gone"
new_session "$G"
start "$G/s.db"
wait_for "[3 answered" || fail "deleted: the session did not start"
$RUN sessions --db "$G/s.db" delete 1 >/dev/null || fail "deleted: sessions delete failed"
give
finish_bg
[ "$status" -eq 66 ] || { cat "$TMP/bg.err"; fail "deleted: exit $status, expected 66"; }
grep -qF "ldt-advisor: the answer could not be saved: session 1 was deleted while it was being answered" \
    "$TMP/bg.err" || { cat "$TMP/bg.err"; fail "deleted: unclear message"; }
if grep -qF -- "--resume" "$TMP/bg.err"; then
    cat "$TMP/bg.err"; fail "deleted: resuming a session that is gone suggested"
fi
[ "$($RUN sessions --db "$G/s.db" list | wc -l)" -le 1 ] || fail "deleted: a session came back"
echo "deleted mid-session: exit 66, said so"

# ------------------------------------------------------------ read-only at resume
D="$TMP/ro-src"
V="$TMP/ro"
new_session "$D"
mkdir -p "$V"
AS=""
if [ "$(id -u)" = 0 ] && mount --bind "$D" "$V" 2>/dev/null; then
    MOUNTS="$MOUNTS $V"
    mount -o remount,ro,bind "$V" || fail "cannot make the bind mount read-only"
    how="a read-only bind mount"
    ro_off() { mount -o remount,rw,bind "$V"; }
elif [ "$(id -u)" != 0 ]; then
    rmdir "$V"
    V=$D
    chmod 444 "$D/s.db"
    chmod 555 "$D"
    how="file permissions"
    ro_off() { chmod 755 "$D"; chmod 644 "$D/s.db"; }
else
    echo "note: as root without mount, a read-only database cannot be made here"
    exit 0
fi
status=0
printf '1\n' | $RUN ask $KB --db "$V/s.db" --script --resume >"$TMP/ro.out" 2>"$TMP/ro.err" || status=$?
[ "$status" -eq 74 ] || { cat "$TMP/ro.err"; fail "read-only: exit $status, expected 74"; }
grep -qF "$V/s.db is read-only" "$TMP/ro.err" || { cat "$TMP/ro.err"; fail "read-only: unclear message"; }
[ "$(answers_in "$V/s.db")" -eq 3 ] || fail "read-only: the 3 answers are not readable"
[ ! -e "$V/s.db-wal" ] || fail "read-only: a WAL file appeared"
intact "$V/s.db" immutable
ro_off
resume_to_end "$V/s.db"
echo "read-only at resume ($how): 3 answers readable, exit 74, resumed once writable"

# standard output that cannot be written (a full device, a closed one):
# nobody sees the questions, so no line read is taken as an answer to one;
# exit 74, and what the session held before is still there
O="$TMP/out"
new_session "$O"
status=0
printf '5\n5\n5\n' | $RUN ask $KB --db "$O/s.db" --script --resume 1 >/dev/full 2>"$O/err" || status=$?
[ "$status" -eq 74 ] && grep -qF "cannot write to standard output: No space left on device" "$O/err" ||
    fail "ask to /dev/full: exit $status: $(cat "$O/err")"
status=0
printf '5\n5\n5\n' | $RUN ask $KB --db "$O/s.db" --script --resume 1 >&- 2>"$O/err" || status=$?
[ "$status" -eq 74 ] && grep -qF "cannot write to standard output" "$O/err" ||
    fail "ask with stdout closed: exit $status: $(cat "$O/err")"
$RUN sessions --db "$O/s.db" show 1 >"$O/show"
grep -qF "Answers (3):" "$O/show" || fail "answers changed: $(cat "$O/show")"
