# Limits: a regular expression that backtracks catastrophically gives up
# within its match limit (a warning, the test is false, the run goes on);
# deep nesting is refused with a message; an over-long answer line is an
# error with its line; a file of NUL bytes is refused at once; a 100 MB
# answers file is read in bounded memory.
set -eu
cat >"$TMP/re.ini" <<'INI'
[question name]
text = Name?
type = text

[rule evil]
when = answer name ?n
when = ?n ~ /^(a+)+$/
then = assert matched

[rule next]
when = answer name ?n
then = assert seen
INI
python3 -c "print('[answers x]\nname = ' + 'a' * 3000 + 'b')" >"$TMP/re-a.ini"
timeout 10 $RUN facts "$TMP/re.ini" "$TMP/re-a.ini" >"$TMP/re.out" 2>"$TMP/re.err"
grep -qF "re.ini:7:13: warning: regular expression /^(a+)+\$/ gave up (match limit exceeded); the test counts as false" "$TMP/re.err" \
  || { cat "$TMP/re.err"; exit 1; }
grep -qx 'x seen' "$TMP/re.out"
if grep -q matched "$TMP/re.out"; then echo "a test that gave up counted as true"; exit 1; fi

# 300 nested parentheses
python3 -c "print('[rule deep]\nwhen = answer x ?n\nwhen = ' + '(' * 300 + '?n > 1' + ')' * 300 + '\nthen = halt')" >"$TMP/deep.ini"
status=0
timeout 10 $RUN facts "$TMP/deep.ini" >/dev/null 2>"$TMP/deep.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "expression nested too deeply (more than 200 levels)" "$TMP/deep.err" \
  || { echo "exit $status, expected 65"; cat "$TMP/deep.err"; exit 1; }
# 300 unary minuses and 300 nots: the same limit, at the token past it
# (the whole expression is the first level)
python3 -c "print('[rule deep]\nwhen = answer x ?n\nwhen = ?n > ' + '- ' * 300 + '1' + '\nthen = halt')" >"$TMP/neg.ini"
status=0
timeout 10 $RUN facts "$TMP/neg.ini" >/dev/null 2>"$TMP/neg.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "neg.ini:3:411: error: expression nested too deeply (more than 200 levels)" "$TMP/neg.err" \
  || { echo "exit $status, expected 65"; cat "$TMP/neg.err"; exit 1; }
python3 -c "print('[rule deep]\nwhen = answer x ?n\nwhen = ' + 'not ' * 300 + '?n > 1' + '\nthen = halt')" >"$TMP/not.ini"
status=0
timeout 10 $RUN facts "$TMP/not.ini" >/dev/null 2>"$TMP/not.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "not.ini:3:804: error: expression nested too deeply (more than 200 levels)" "$TMP/not.err" \
  || { echo "exit $status, expected 65"; cat "$TMP/not.err"; exit 1; }

# an answer line longer than 4096 bytes
python3 -c "print('[answers x]\nname = ' + 'a' * 5000)" >"$TMP/long-a.ini"
status=0
$RUN facts "$TMP/re.ini" "$TMP/long-a.ini" >/dev/null 2>"$TMP/long.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "long-a.ini:2:4097: error: line is 5007 bytes long; the limit is 4096" "$TMP/long.err" \
  || { echo "exit $status, expected 65"; cat "$TMP/long.err"; exit 1; }

# 100 MB of NUL bytes is no text file: refused at once, at its first byte
truncate -s 100M "$TMP/huge.ini"
status=0
timeout 10 $RUN facts "$TMP/re.ini" "$TMP/huge.ini" >/dev/null 2>"$TMP/huge.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "huge.ini:1:1: error: the file contains a NUL byte: it is not a text file" "$TMP/huge.err" \
  || { echo "exit $status"; cat "$TMP/huge.err"; exit 1; }
rm -f "$TMP/huge.ini"

# a 100 MB answers file is read as a stream, in bounded memory (a smaller
# one under valgrind or AddressSanitizer, which measure nothing useful here)
plain=1
case "$RUN" in *valgrind*) plain=0 ;; esac
ASAN_OPTIONS=help=1 $BIN --version 2>&1 | grep -q AddressSanitizer && plain=0
lines=$(( plain ? 2900000 : 100000 ))
awk -v n="$lines" 'BEGIN {
    for (i = 0; i < n; i++) print "; a comment line of the answers file"
    print "[answers last]"; print "name = bbb"
}' >"$TMP/big.ini"
[ "$plain" -eq 0 ] || [ "$(wc -c <"$TMP/big.ini")" -gt 100000000 ]
# (advise --stats gives the process's own peak, VmHWM)
status=0
timeout 120 $RUN advise --kb "$TMP/re.ini" --stats --format json "$TMP/big.ini" \
    >"$TMP/big.out" 2>"$TMP/big.err" || status=$?
[ "$status" -eq 0 ] && grep -qF '"respondent":"last"' "$TMP/big.out" \
  || { echo "exit $status"; cat "$TMP/big.err"; exit 1; }
rss=$(sed -n 's/^stats: at the end: .*peak memory \([0-9]*\) KiB$/\1/p' "$TMP/big.err")
if [ "$plain" -eq 1 ] && [ "${rss:-999999}" -gt 16384 ]; then
    echo "a 100 MB answers file took ${rss:-?} KiB (more than 16 MiB)"; cat "$TMP/big.err"; exit 1
fi
rm -f "$TMP/big.ini"
