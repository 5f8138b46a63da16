# Limits: a regular expression that backtracks catastrophically gives up
# within its match limit (a warning, the test is false, the run goes on);
# deep nesting is refused with a message; an over-long answer line is an
# error with its line; an answers file over the size limit is refused
# before it is read into memory.
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
! grep -q matched "$TMP/re.out"

# 300 nested parentheses
python3 -c "print('[rule deep]\nwhen = answer x ?n\nwhen = ' + '(' * 300 + '?n > 1' + ')' * 300 + '\nthen = halt')" >"$TMP/deep.ini"
status=0
timeout 10 $RUN facts "$TMP/deep.ini" >/dev/null 2>"$TMP/deep.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "expression nested too deeply (more than 200 levels)" "$TMP/deep.err"

# an answer line longer than 4096 bytes
python3 -c "print('[answers x]\nname = ' + 'a' * 5000)" >"$TMP/long-a.ini"
status=0
$RUN facts "$TMP/re.ini" "$TMP/long-a.ini" >/dev/null 2>"$TMP/long.err" || status=$?
[ "$status" -eq 65 ] && grep -qF "long-a.ini:2:4097: error: line is 5007 bytes long; the limit is 4096" "$TMP/long.err"

# a 100 MB answers file is refused at once, with a message
truncate -s 100M "$TMP/huge.ini"
status=0
timeout 10 $RUN facts "$TMP/re.ini" "$TMP/huge.ini" >/dev/null 2>"$TMP/huge.err" || status=$?
[ "$status" -eq 66 ] && grep -qF "huge.ini: error: the file is 104857600 bytes; the limit is 64 MiB" "$TMP/huge.err" \
  || { echo "exit $status"; cat "$TMP/huge.err"; exit 1; }
