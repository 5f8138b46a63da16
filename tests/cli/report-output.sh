# advise -o FILE: the file is replaced only once it was written whole.  A
# missing directory, a path under a file, a directory as the file, a
# directory or file without write permission: exit 73 with the path and
# the reason, nothing created.  A write that fails half-way (a file size
# limit) or a full standard output: exit 74, the old file untouched, no
# temporary file left.  A knowledge base that fails: no file.  A signal
# while writing removes the temporary file.  Symbolic links and pipes are
# written through, and a replaced file keeps its permissions.
set -eu
ROOT=$(pwd)
KB="--kb $ROOT/rules"
EX="$ROOT/examples/answers.ini"
fail() { echo "$*"; exit 1; }
D="$TMP/out"
mkdir -p "$D"
# leftovers: no temporary file may stay in D
clean() { if ls -A "$D" | grep -q '^\.'; then ls -lA "$D"; fail "temporary file left: $1"; fi; }

# expect_exit NAME STATUS PATTERN CMD...: exit status and a stderr phrase
expect_exit() {
    name=$1 want=$2 pat=$3
    shift 3
    status=0
    "$@" >"$TMP/o.out" 2>"$TMP/o.err" || status=$?
    [ "$status" -eq "$want" ] || { cat "$TMP/o.err"; fail "$name: exit $status, expected $want"; }
    grep -qF -- "$pat" "$TMP/o.err" || { cat "$TMP/o.err"; fail "$name: stderr lacks: $pat"; }
}

# a missing directory
expect_exit "missing dir" 73 "cannot create '$D/nodir/r.html': the directory '$D/nodir' does not exist" \
    $RUN advise $KB --format html -o "$D/nodir/r.html" "$EX"
[ ! -e "$D/nodir" ] || fail "missing dir: created"
# a path under a regular file
: >"$D/plain"
expect_exit "under a file" 73 "cannot create '$D/plain/r.md': '$D/plain' is not a directory" \
    $RUN advise $KB --format markdown -o "$D/plain/r.md" "$EX"
# a directory as the output
mkdir -p "$D/adir"
expect_exit "a directory" 73 "cannot create '$D/adir': it is a directory" \
    $RUN advise $KB -o "$D/adir" "$EX"
expect_exit "trailing slash" 73 "cannot create '$D/new/'" \
    $RUN advise $KB -o "$D/new/" "$EX"
rm -f "$D/plain"
rmdir "$D/adir"
clean "bad paths"

# no write permission: as an ordinary user (root may write anywhere, so
# root runs these as nobody when it can)
AS=""
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
        AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    else
        AS="skip"
    fi
fi
if [ "$AS" != skip ]; then
    P=$(mktemp -d /tmp/ldt-perm.XXXXXX)
    mkdir "$P/ro"
    echo "old report" >"$P/ro-file.html"
    chmod 555 "$P/ro"
    chmod 444 "$P/ro-file.html"
    chmod 755 "$P"
    # nobody must be able to read the KB and the binary for this to mean anything
    if $AS sh -c "test -r '$EX' && test -x '$BIN'" 2>/dev/null; then
        expect_exit "read-only dir" 73 "cannot create '$P/ro/r.html': no permission to write in the directory '$P/ro'" \
            $AS $RUN advise $KB --format html -o "$P/ro/r.html" "$EX"
        [ -z "$(ls -A "$P/ro")" ] || fail "read-only dir: something was written"
        expect_exit "read-only file" 73 "cannot write '$P/ro-file.html': Permission denied" \
            $AS $RUN advise $KB --format html -o "$P/ro-file.html" "$EX"
        [ "$(cat "$P/ro-file.html")" = "old report" ] || fail "read-only file was changed"
    else
        echo "note: nobody cannot reach the build; permission cases not run"
    fi
    chmod -R u+w "$P"
    rm -rf "$P"
fi

# a write that fails half-way: a file size limit of 8 KB (SIGXFSZ ignored,
# so write() fails with EFBIG); the old report stays as it was
echo "old report" >"$D/big.html"
status=0
sh -c 'trap "" XFSZ; ulimit -f 16; exec "$@"' sh \
    $RUN advise $KB --format html -o "$D/big.html" "$EX" >/dev/null 2>"$TMP/o.err" || status=$?
[ "$status" -eq 74 ] || { cat "$TMP/o.err"; fail "size limit: exit $status, expected 74"; }
grep -qF "cannot write '$D/big.html': File too large" "$TMP/o.err" || { cat "$TMP/o.err"; fail "size limit: message"; }
grep -qF "'$D/big.html' is unchanged" "$TMP/o.err" || { cat "$TMP/o.err"; fail "size limit: unchanged"; }
[ "$(cat "$D/big.html")" = "old report" ] || fail "size limit: the old report was changed"
clean "size limit"
rm -f "$D/big.html"

# a full standard output
if [ -w /dev/full ]; then
    expect_exit "full stdout" 74 "cannot write to standard output: No space left on device" \
        sh -c 'exec "$@" >/dev/full' sh $RUN advise $KB --format html "$EX"
fi

# the answers file itself as the output: refused, left as it was
cp "$EX" "$D/answers.ini"
expect_exit "answers file as output" 64 "is the answers file" \
    $RUN advise $KB -o "$D/answers.ini" "$D/answers.ini"
cmp -s "$EX" "$D/answers.ini" || fail "the answers file was changed"
rm -f "$D/answers.ini"

# a knowledge base or answers file that cannot be read: no file at all
expect_exit "missing kb" 66 "" $RUN advise --kb "$TMP/no-kb" -o "$D/r.txt" "$EX"
expect_exit "missing answers" 66 "" $RUN advise $KB -o "$D/r.txt" "$TMP/no-answers.ini"
[ ! -e "$D/r.txt" ] || fail "a report was written after a failure"
clean "failed input"

# an invalid respondent: the others are advised and the file is written
printf '[answers good]\norg.type = municipality\n\n[answers bad]\norg.type = village\n' >"$TMP/mixed.ini"
expect_exit "mixed respondents" 65 "respondent 'bad'" \
    $RUN advise $KB --format json -o "$D/mixed.json" "$TMP/mixed.ini"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert [r['respondent'] for r in d['respondents']] == ['good']" "$D/mixed.json"

# replacing a file keeps its mode; the new content is complete
echo "old" >"$D/keep.md"
chmod 640 "$D/keep.md"
$RUN advise $KB --format markdown -o "$D/keep.md" "$EX" big-city-platform
[ "$(stat -c %a "$D/keep.md")" = 640 ] || fail "mode not kept: $(stat -c %a "$D/keep.md")"
head -1 "$D/keep.md" | grep -qx "# big-city-platform" || fail "keep.md not replaced"
tail -2 "$D/keep.md" | grep -qF "TEC-305 is the best remaining unit" || fail "keep.md not complete"
# a new file gets the usual mode (0666 less the umask)
(umask 022 && $RUN advise $KB -o "$D/new.txt" "$EX" big-city-platform)
[ "$(stat -c %a "$D/new.txt")" = 644 ] || fail "new file mode: $(stat -c %a "$D/new.txt")"

# a symbolic link: the file it names is replaced, the link stays
echo "old" >"$D/target.html"
ln -s target.html "$D/link.html"
$RUN advise $KB --format html -o "$D/link.html" "$EX" big-city-platform
[ -L "$D/link.html" ] || fail "the link was replaced"
grep -q "big-city-platform" "$D/target.html" || fail "the link's target was not written"
# ... also a link to a file not made yet, relative to the link's directory
mkdir "$D/sub"
ln -s ../made.txt "$D/sub/later.txt"
$RUN advise $KB -o "$D/sub/later.txt" "$EX" big-city-platform
[ -L "$D/sub/later.txt" ] || fail "a link to a missing file was replaced"
grep -q "big-city-platform" "$D/made.txt" || fail "the missing file a link names was not made"
# a link into a directory that does not exist, and a loop: 73, links kept
ln -s nodir/x.txt "$D/dangling.txt"
status=0; $RUN advise $KB -o "$D/dangling.txt" "$EX" big-city-platform >/dev/null 2>"$TMP/dl.err" || status=$?
[ "$status" -eq 73 ] && grep -qF "the directory '$D/nodir' does not exist" "$TMP/dl.err" ||
    fail "a dangling link: exit $status, $(cat "$TMP/dl.err")"
[ -L "$D/dangling.txt" ] || fail "a dangling link was replaced"
ln -s loop-b "$D/loop-a"
ln -s loop-a "$D/loop-b"
status=0; $RUN advise $KB -o "$D/loop-a" "$EX" big-city-platform >/dev/null 2>"$TMP/dl.err" || status=$?
[ "$status" -eq 73 ] && grep -qF "cannot write '$D/loop-a': Too many levels of symbolic links" "$TMP/dl.err" ||
    fail "a link loop: exit $status, $(cat "$TMP/dl.err")"
[ -L "$D/loop-a" ] || fail "a link in a loop was replaced"

# a full disk is said as such, for every format, to a file and to stdout
if [ -w /dev/full ]; then
    for f in text markdown html json; do
        status=0; $RUN advise $KB --format $f -o /dev/full "$EX" 2>"$TMP/full.err" || status=$?
        [ "$status" -eq 74 ] && grep -qxF "ldt-advisor: cannot write '/dev/full': No space left on device" \
            "$TMP/full.err" || fail "$f to /dev/full: exit $status, $(cat "$TMP/full.err")"
    done
    status=0; $RUN advise $KB "$EX" >/dev/full 2>"$TMP/full.err" || status=$?
    [ "$status" -eq 74 ] && grep -qxF "ldt-advisor: cannot write to standard output: No space left on device" \
        "$TMP/full.err" || fail "text to a full stdout: exit $status, $(cat "$TMP/full.err")"
fi

# nobody advised (the one respondent's answers are wrong): the report
# named with -o is left as it was
echo "keep me" >"$D/kept.txt"
printf '[answers bad]\norg.type = nowhere\n' >"$TMP/bad.ini"
status=0; $RUN advise $KB -o "$D/kept.txt" "$TMP/bad.ini" >/dev/null 2>"$TMP/kept.err" || status=$?
[ "$status" -eq 65 ] || fail "nobody advised: exit $status"
grep -qx "keep me" "$D/kept.txt" || fail "a report was emptied when nobody could be advised"
grep -qF "nobody was advised, so '$D/kept.txt' is unchanged" "$TMP/kept.err" || fail "not said: $(cat "$TMP/kept.err")"

# a pipe is written to, not replaced
mkfifo "$D/fifo"
cat "$D/fifo" >"$TMP/fifo.out" &
reader=$!
$RUN advise $KB --format json -o "$D/fifo" "$EX" big-city-platform
wait "$reader"
[ -p "$D/fifo" ] || fail "the pipe was replaced"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/fifo.out"
# -o /dev/stdout and /dev/stderr when they are pipes: links to
# /proc/self/fd/N, which link to "pipe:[N]", a name of no file
status=0
$RUN advise $KB --format json -o /dev/stdout "$EX" big-city-platform 2>"$TMP/so.err" | cat >"$TMP/so.out" ||
    status=$?
[ "$status" -eq 0 ] && [ ! -s "$TMP/so.err" ] || fail "-o /dev/stdout to a pipe: $(cat "$TMP/so.err")"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/so.out"
{ $RUN advise $KB -o /dev/stderr "$EX" big-city-platform 2>&1 >/dev/null | cat >"$TMP/se.out"; } ||
    fail "-o /dev/stderr to a pipe"
grep -qF "== big-city-platform ==" "$TMP/se.out" || fail "-o /dev/stderr: $(cat "$TMP/se.out")"
rm -f "$D/fifo" "$D/link.html" "$D/target.html" "$D/keep.md" "$D/new.txt" "$D/mixed.json"
clean "links and pipes"

# a signal while writing: the temporary file is removed (only checked
# when the run was caught in the act)
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "[answers r%04d]\norg.type = municipality\ntwin.stage = exploring\n\n", i }' >"$TMP/many.ini"
$RUN advise $KB --format html -o "$D/many.html" "$TMP/many.ini" >/dev/null 2>&1 &
pid=$!
caught=0
i=0
while [ $i -lt 200 ]; do
    if ls -A "$D" | grep -q '^\.many\.html\.'; then
        kill -TERM "$pid" 2>/dev/null && caught=1
        break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
done
wait "$pid" 2>/dev/null || true
if [ "$caught" = 1 ]; then
    clean "signal"
    # the signal may come just after the finished file was renamed into
    # place: then it is whole, never a part
    if [ -e "$D/many.html" ]; then
        tail -c 200 "$D/many.html" | grep -q '</html>' || fail "signal: a partial report was put in place"
    fi
fi
rm -f "$D/many.html"
exit 0
