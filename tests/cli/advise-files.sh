# advise with several answers files (a survey tool's export of a file a
# respondent): every respondent of each, file after file; a later
# argument is a file when there is one of that name, else a respondent's
# name, and -r names one whatever files there are; a name given in two
# files is an error at the second's header, the first advised; a file that
# cannot be read or a name no file has is 66, the rest still advised; the
# same file twice and -o onto any of them are usage errors.
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
INI
printf '[answers alpha]\nsize = 5\n\n[answers beta]\nsize = 200000\n' >a.ini
printf '[answers gamma]\nsize = 7\n\n[answers delta]\nsize = 9\n' >b.ini
# a respondent called like a file in the current directory
printf '[answers a.ini]\nsize = 8\n' >c.ini
names() {
    python3 -c 'import json,sys; print(" ".join(r["respondent"] for r in json.load(open(sys.argv[1]))["respondents"]))' "$1"
}
expect() {      # expect STATUS WANT-NAMES ARGS...: advise's status and who was advised
    want_status=$1 want=$2
    shift 2
    status=0
    $RUN advise --kb kb.ini --format json "$@" >out.json 2>err.txt || status=$?
    [ "$status" -eq "$want_status" ] || { echo "advise $*: exit $status, expected $want_status"; cat err.txt; exit 1; }
    got=$(names out.json)
    [ "$got" = "$want" ] || { echo "advise $*: advised '$got', expected '$want'"; cat err.txt; exit 1; }
}

# every respondent, in the order of the files
expect 0 "alpha beta gamma delta a.ini" a.ini b.ini c.ini
[ ! -s err.txt ] || { echo "clean run said something"; cat err.txt; exit 1; }
expect 0 "gamma delta alpha beta" b.ini a.ini
# one file and a name, as before
expect 0 "beta" a.ini beta
# names across files, in the files' order, not the arguments'
expect 0 "beta delta" a.ini b.ini delta beta
# 'a.ini' as an argument is the file; with -r it is c.ini's respondent
expect 0 "a.ini alpha beta gamma delta" c.ini a.ini b.ini
expect 0 "gamma a.ini" b.ini c.ini -r a.ini gamma

# a name no file has: 66, the others named still advised; an argument
# that is neither a file nor a respondent says both
expect 66 "alpha" a.ini b.ini alpha nobody.ini
grep -qxF "ldt-advisor: error: no respondent 'nobody.ini' in the 2 answers files, and there is no file of that name" err.txt ||
    { echo "no message for the missing name"; cat err.txt; exit 1; }
expect 66 "beta" a.ini -r nobody beta
grep -qxF "a.ini: error: no respondent 'nobody' in this file" err.txt ||
    { echo "no message for the name given with -r"; cat err.txt; exit 1; }

# a name given in two files: an error at the second's header, with the
# first's place; the first advised, the rest of the second file too
printf '[answers gamma]\nsize = 1\n\n[answers   alpha]\nsize = 2\n' >dup.ini
expect 65 "alpha beta gamma" a.ini dup.ini
grep -qF "dup.ini:4:12: error: duplicate respondent 'alpha' (first in a.ini at line 1)" err.txt ||
    { echo "no error for the name given in two files"; cat err.txt; exit 1; }
# ... also when it is named: the first is advised, once
expect 65 "alpha" a.ini dup.ini alpha
grep -qF "dup.ini:4:12: error: duplicate respondent 'alpha'" err.txt ||
    { echo "named: no error for the name given in two files"; cat err.txt; exit 1; }
# ... and not when only the other respondents are named
expect 0 "gamma" a.ini dup.ini gamma
[ ! -s err.txt ] || { echo "a duplicate not named was reported"; cat err.txt; exit 1; }

# a file that cannot be read: said, the others advised, 66
mkdir -p adir
expect 66 "alpha beta gamma delta" a.ini adir b.ini
grep -qF "adir: error: not a regular file" err.txt || { echo "no error for the directory"; cat err.txt; exit 1; }
# an invalid respondent in one file does not stop the next file
printf '[answers bad]\nsize = lots\n' >bad.ini
expect 65 "gamma delta" bad.ini b.ini
grep -qF "bad.ini:2:8: error: respondent 'bad', question 'size'" err.txt ||
    { echo "no error for the invalid respondent"; cat err.txt; exit 1; }

# usage errors, before any work: the same file twice; -o onto an answers
# file other than the first (left as it was); an empty -r
cp b.ini b.keep
for args in "a.ini b.ini ./a.ini" "-o b.ini a.ini b.ini" "-r '' a.ini"; do
    status=0
    eval "\$RUN advise --kb kb.ini $args" >out.txt 2>err.txt || status=$?
    [ "$status" -eq 64 ] || { echo "advise $args: exit $status, expected 64"; cat err.txt; exit 1; }
    [ ! -s out.txt ] || { echo "advise $args: wrote advice"; exit 1; }
done
cmp -s b.ini b.keep || { echo "-o replaced an answers file"; exit 1; }
$RUN advise --kb kb.ini a.ini b.ini ./a.ini 2>&1 | grep -qF "'a.ini' and './a.ini' are the same answers file" ||
    { echo "no message for the same file twice"; exit 1; }

# one HTML page for all the files, titled by its respondents
$RUN advise --kb kb.ini --format html a.ini b.ini >page.html
grep -qF "<title>Local Digital Twin advice for 4 respondents</title>" page.html ||
    { echo "HTML title"; grep -F "<title>" page.html; exit 1; }
for who in alpha beta gamma delta; do
    grep -qF ">$who<" page.html || { echo "HTML: $who missing"; exit 1; }
done

# no file could be read: no page and no empty document, only the errors
for fmt in json html markdown text; do
    status=0
    $RUN advise --kb kb.ini --format $fmt nothere.ini adir >out.txt 2>err.txt || status=$?
    [ "$status" -eq 66 ] || { echo "$fmt, nothing readable: exit $status, expected 66"; exit 1; }
    [ ! -s out.txt ] || { echo "$fmt, nothing readable: wrote"; cat out.txt; exit 1; }
    grep -qF "nothere.ini: error: cannot open: No such file or directory" err.txt ||
        { echo "$fmt: no error for the missing file"; cat err.txt; exit 1; }
done

# standard input as '-', and a pipe given by name, are read like files
# (copied first, since a respondent's section is read again): the
# messages name '<stdin>' and the pipe
status=0
$RUN advise --kb kb.ini --format json - b.ini <a.ini >out.json 2>err.txt || status=$?
[ "$status" -eq 0 ] || { echo "stdin: exit $status"; cat err.txt; exit 1; }
[ "$(names out.json)" = "alpha beta gamma delta" ] || { echo "stdin: advised $(names out.json)"; exit 1; }
status=0
printf '[answers x]\nsize = lots\n' | $RUN advise --kb kb.ini - >out.txt 2>err.txt || status=$?
[ "$status" -eq 65 ] || { echo "stdin, invalid: exit $status"; exit 1; }
grep -qF "<stdin>:2:8: error: respondent 'x', question 'size': expected a number from 0 to 1000000, found 'lots'" err.txt ||
    { echo "stdin: no error naming <stdin>"; cat err.txt; exit 1; }
$RUN advise --kb kb.ini - a.ini <a.ini >/dev/null 2>err.txt || true
grep -qF "a.ini:1:10: error: duplicate respondent 'alpha' (first in <stdin> at line 1)" err.txt ||
    { echo "stdin: duplicate not named so"; cat err.txt; exit 1; }
rm -f fifo; mkfifo fifo
cat b.ini >fifo &
status=0
$RUN advise --kb kb.ini --format json fifo >out.json 2>err.txt || status=$?
wait
[ "$status" -eq 0 ] && [ "$(names out.json)" = "gamma delta" ] ||
    { echo "pipe: exit $status, advised $(names out.json)"; cat err.txt; exit 1; }
status=0
$RUN advise --kb kb.ini - a.ini - </dev/null >/dev/null 2>err.txt || status=$?
[ "$status" -eq 64 ] && grep -qF "'-' (standard input) is given twice" err.txt ||
    { echo "'-' twice: exit $status"; cat err.txt; exit 1; }
