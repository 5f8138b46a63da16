# Answers files are streamed: advise on 1,200 respondents (the examples
# replicated, each after 4 KB of comments: a 6 MB file) gives every copy
# the advice of its original, and its peak memory is that of a file of
# five respondents plus a small index: the whole file is never held (the
# old reader held it, parsed, and exceeded the bound by several MB).  The
# peak after the first 1,000 respondents is the peak at the end.  Under
# valgrind or AddressSanitizer (whose memory means nothing here) a smaller
# file is used and memory is not checked.
#
# Bad input through the command: an answer over 1 MiB, a section without
# a name and a duplicate respondent are errors with file:line:col, the
# others are advised (exit 65).
set -eu
plain=1
case "$RUN" in *valgrind*) plain=0 ;; esac
ASAN_OPTIONS=help=1 $BIN --version 2>&1 | grep -q AddressSanitizer && plain=0
copies=$(( plain ? 240 : 4 ))

# examples/answers.ini COPIES times, names numbered, 4 KB of comments before
# each respondent
awk -v copies="$copies" -v pad=4000 '
    FNR == 1 { fill = "; "; while (length(fill) < pad) fill = fill "padding " }
    { lines[++n] = $0 }
    END {
        for (c = 1; c <= copies; c++)
            for (i = 1; i <= n; i++) {
                if (lines[i] ~ /^\[answers /) {
                    print fill
                    name = lines[i]; sub(/^\[answers /, "", name); sub(/\].*$/, "", name)
                    printf "[answers %s-%04d]\n", name, c
                } else print lines[i]
            }
    }' examples/answers.ini >"$TMP/many.ini"
awk -v copies=1 '{ print }' examples/answers.ini >"$TMP/few.ini"
[ "$plain" -eq 0 ] || [ "$(wc -c <"$TMP/many.ini")" -gt 5000000 ]

status=0
$RUN advise --kb rules --format json --stats "$TMP/many.ini" >"$TMP/many.json" 2>"$TMP/many.err" \
    || status=$?
[ "$status" -eq 0 ] || { echo "advise many: exit $status"; cat "$TMP/many.err"; exit 1; }
$RUN advise --kb rules --format json --stats "$TMP/few.ini" >"$TMP/few.json" 2>"$TMP/few.err"

python3 - "$TMP/few.json" "$TMP/many.json" "$copies" <<'PY'
import json, sys
few = {r["respondent"]: r for r in json.load(open(sys.argv[1]))["respondents"]}
many = json.load(open(sys.argv[2]))["respondents"]
copies = int(sys.argv[3])
assert len(many) == len(few) * copies, (len(many), len(few), copies)
for r in many:
    base, _, n = r.pop("respondent").rpartition("-")
    want = dict(few[base]); want.pop("respondent")
    assert r == want, f"{base}-{n} differs from {base}"
PY

peak() { sed -n "s/^stats: $2: .*peak memory \([0-9]*\) KiB$/\1/p" "$1"; }
if [ "$plain" -eq 1 ]; then
    few=$(peak "$TMP/few.err" "at the end")
    first=$(peak "$TMP/many.err" "after the first 1000")
    end=$(peak "$TMP/many.err" "at the end")
    echo "peak KiB: 5 respondents $few, 1200: after 1000 $first, at the end $end"
    [ -n "$few" ] && [ -n "$first" ] && [ -n "$end" ] ||
        { echo "no peak memory in --stats"; cat "$TMP/few.err" "$TMP/many.err"; exit 1; }
    # the index of 1,200 respondents and the JSON of one are far below 3 MiB;
    # the 6 MB file, had it been held, is not
    [ "$end" -lt $(( few + 3072 )) ] || { echo "peak $end KiB, 5 respondents: $few KiB"; exit 1; }
    [ "$end" -le $(( first + first / 10 )) ] || { echo "grew from $first to $end KiB"; exit 1; }
fi

# bad input, each named with its place; the others are advised
awk 'BEGIN {
    print "[answers]"                                   # 1: no name
    print "org.type = municipality"
    print "[answers ok]"                                # 3
    print "org.type = municipality"
    print "[answers long]"                              # 5
    line = "x"; while (length(line) < 4000) line = line line
    line = substr(line, 1, 4000)
    print "me.role = " line                             # 6
    for (i = 0; i < 300; i++) print "    " line        # 7 ..
    print "[answers ok]"                                # 307: duplicate
    print "org.type = region"
}' >"$TMP/bad.ini"
status=0
$RUN advise --kb rules --format json "$TMP/bad.ini" >"$TMP/bad.json" 2>"$TMP/bad.err" || status=$?
[ "$status" -eq 65 ] || { echo "bad: exit $status, expected 65"; cat "$TMP/bad.err"; exit 1; }
for want in \
    "bad.ini:1:9: error: expected a name after 'answers' in the section header, e.g. '[answers NAME]'" \
    "bad.ini:268:5: error: respondent 'long', question 'me.role': the answer is longer than 1 MiB, the limit for one answer" \
    "bad.ini:307:10: error: duplicate respondent 'ok' (first at line 3)" \
    "bad.ini: note: respondent 'long' is not advised because of the errors above"
do
    grep -qF "$want" "$TMP/bad.err" || { echo "missing: $want"; cat "$TMP/bad.err"; exit 1; }
done
python3 - "$TMP/bad.json" <<'PY'
import json, sys
names = [r["respondent"] for r in json.load(open(sys.argv[1]))["respondents"]]
assert names == ["ok"], names
PY
