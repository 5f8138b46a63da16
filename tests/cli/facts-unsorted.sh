# facts --unsorted prints the same facts as the sorted default, in the
# order they were asserted: the [facts] facts first, in file order, then
# the answers, then what the rules derived, each respondent in turn.
set -eu
cat >"$TMP/kb.ini" <<'INI'
[facts base]
fact = zone north
fact = zone east

[question size]
text = How many residents?
type = number

[rule big]
when = answer size ?n
when = ?n >= 100000
then = assert scale big

[rule small]
when = answer size ?n
when = ?n < 100000
then = assert scale small
INI
cat >"$TMP/answers.ini" <<'INI'
[answers b-town]
size = 5000

[answers a-city]
size = 500000
INI
$BIN facts "$TMP/kb.ini" "$TMP/answers.ini" >"$TMP/sorted"
$BIN facts --unsorted "$TMP/kb.ini" "$TMP/answers.ini" >"$TMP/unsorted"
# the same lines
LC_ALL=C sort "$TMP/unsorted" | cmp - "$TMP/sorted"
# in time-tag order, respondents in name order
cat >"$TMP/want" <<'OUT'
a-city zone north
a-city zone east
a-city answer size 500000
a-city scale big
b-town zone north
b-town zone east
b-town answer size 5000
b-town scale small
OUT
cmp "$TMP/unsorted" "$TMP/want"
