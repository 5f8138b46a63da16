# sessions show --format: the advice of a saved session as a report, the
# same as advise gives for the session's exported answers.
set -eu
ROOT=$(pwd)
DB="$TMP/r.db"
printf 'municipality\n45000\n3\nquit\n' | $RUN ask --kb "$ROOT/rules" --db "$DB" --script >/dev/null 2>&1
$RUN sessions --db "$DB" --kb "$ROOT/rules" show 1 --format json >"$TMP/show.json"
$RUN sessions --db "$DB" export 1 -o "$TMP/exp.ini"
$RUN advise --kb "$ROOT/rules" --format json "$TMP/exp.ini" >"$TMP/adv.json"
python3 - "$TMP/show.json" "$TMP/adv.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["respondents"][0]
b = json.load(open(sys.argv[2]))["respondents"][0]
for k in ("situation", "maturity", "model", "roles", "finance", "advice", "journey"):
    assert a[k] == b[k], k
PY
$RUN sessions --db "$DB" --kb "$ROOT/rules" show 1 --format html -o "$TMP/s.html"
grep -q '<svg' "$TMP/s.html"
status=0; $RUN sessions --db "$DB" list --format json >/dev/null 2>&1 || status=$?; [ "$status" -eq 64 ]
