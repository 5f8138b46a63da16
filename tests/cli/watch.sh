# --watch prints each firing to stderr with the rule and the facts matched,
# in firing order; stdout keeps only the facts.
set -eu
cat >"$TMP/w.ini" <<'INI'
[facts start]
fact = item a 1
fact = item b 2

[rule double]
when = item ?x ?n
then = assert twice ?x (?n * 2)
INI
$RUN facts --watch "$TMP/w.ini" >"$TMP/w.out" 2>"$TMP/w.err"
grep -c '^FIRE' "$TMP/w.err" | grep -qx 2
grep -qF 'double: f-2 (item b 2)' "$TMP/w.err"
grep -qF 'double: f-1 (item a 1)' "$TMP/w.err"
! grep -q FIRE "$TMP/w.out"
grep -qx 'twice b 4' "$TMP/w.out"
