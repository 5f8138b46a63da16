# explain --why-not past a `not` that blocks: a short list of the best
# candidates, filled greedily, as the learning journey is.  A candidate
# left out is blocked by a better one still waiting, and that one by the
# full list; why-not says both, the second as what would still fail were
# there no better candidate.  Then an `exists` that finds nothing, and a
# `not` that is all that stands in the way.
set -eu
cat >"$TMP/kb.ini" <<'INI'
[question room]
text = How many can the list hold?
type = number
min = 0

[question wanted]
text = Is a place wanted?
type = one
option = yes : Yes
option = no : No

[rule start]
when = answer room ?m
then = assert list.count 0
then = assert list.size ?m

[rule pick]
salience = 10
when = ?f <- cand ?u ?k
when = not cand ? ?k2 (?k2 > ?k)
when = ?c <- list.count ?n
when = list.size ?max
when = ?n < ?max
then = retract ?f
then = retract ?c
then = assert list.count (?n + 1)
then = assert picked ?u
because = {?u} is the best remaining, and the list has room for {?max}.

[rule seat]
when = picked ?u
when = exists seat ?u
then = assert seated ?u

[rule place]
when = answer wanted yes
when = not placed
then = assert place-wanted
INI
cat >"$TMP/facts.ini" <<'INI'
[facts candidates]
fact = cand ada 9
fact = cand bob 7
fact = cand cyd 5
fact = cand dee 3
fact = placed
INI
cat >"$TMP/a.ini" <<'INI'
[answers two]
room = 2
wanted = yes
INI
cat "$TMP/kb.ini" "$TMP/facts.ini" >"$TMP/kb2.ini"
E="$RUN explain --kb $TMP/kb2.ini $TMP/a.ini two"
$RUN facts "$TMP/kb2.ini" "$TMP/a.ini" two >"$TMP/facts.out"
grep -qxF "picked ada" "$TMP/facts.out" && grep -qxF "picked bob" "$TMP/facts.out" &&
    ! grep -q "picked cyd\|picked dee" "$TMP/facts.out" || { cat "$TMP/facts.out"; exit 1; }

# dee: cyd, still a candidate, ranks above it; and were cyd not there,
# the full list would stop it
status=0
$E --why-not 'picked dee' >"$TMP/dee.out" || status=$?
[ "$status" -eq 1 ] || { echo "why-not dee: exit $status"; cat "$TMP/dee.out"; exit 1; }
grep -qxF "    fails at 'when = not cand ? ?k2 (?k2 > ?k)' (line 20): it requires that no fact matches 'cand ? ?k2 (?k2 > ?k)', but 'cand cyd 5' does" "$TMP/dee.out" ||
    { cat "$TMP/dee.out"; exit 1; }
grep -qxF "    without such facts, it would still fail, at 'when = list.size ?max' (line 22): the test '?n < ?max' is false (?n = 2, ?max = 2)" "$TMP/dee.out" ||
    { cat "$TMP/dee.out"; exit 1; }
# cyd, the best left: the full list alone, and nothing about a `not`
status=0
$E --why-not 'picked cyd' >"$TMP/cyd.out" || status=$?
[ "$status" -eq 1 ]
grep -qxF "    fails at 'when = list.size ?max' (line 22): the test '?n < ?max' is false (?n = 2, ?max = 2)" "$TMP/cyd.out" ||
    { cat "$TMP/cyd.out"; exit 1; }
if grep -q "without such facts\|with such a fact" "$TMP/cyd.out"; then cat "$TMP/cyd.out"; exit 1; fi

# an `exists` that finds no seat: the rule has nothing after it
$E --why-not 'seated ada' >"$TMP/seat.out" || true
grep -qxF "    with such a fact, all its other conditions hold: this one alone stands in the way" "$TMP/seat.out" ||
    { cat "$TMP/seat.out"; exit 1; }
# a `not` with nothing after it either
$E --why-not 'place-wanted' >"$TMP/place.out" || true
grep -qF "it requires that no fact matches 'placed', but 'placed' does" "$TMP/place.out" &&
    grep -qxF "    without such facts, all its other conditions hold: this one alone stands in the way" "$TMP/place.out" ||
    { cat "$TMP/place.out"; exit 1; }


# the shipped knowledge base: a unit the learning journey left out while
# eligible (still a candidate, not the best) is explained down to the
# rule that picks units: a better one waits, and past it the journey is
# full, at the size the run concluded
ROOT=$(pwd)
$RUN facts "$ROOT/rules" "$ROOT/examples/answers.ini" big-city-platform >"$TMP/big.facts"
size=$(awk '$1 == "journey.size" { print $2 }' "$TMP/big.facts")
unit=$(awk '$1 == "journey.cand" { print $3, $2 }' "$TMP/big.facts" | sort -n | head -1 | cut -d' ' -f2)
[ -n "$size" ] && [ -n "$unit" ] || { echo "no journey size or candidate"; grep journey "$TMP/big.facts"; exit 1; }
$RUN explain --kb "$ROOT/rules" "$ROOT/examples/answers.ini" big-city-platform \
    --why-not "journey unit $unit ?" >"$TMP/big.out" || true
grep -qF "'journey.pick $unit ?' is not concluded either:" "$TMP/big.out" &&
    grep -qE "^ +fails at 'when = not journey.cand \? \?k2 \(\?k2 > \?k\)' \(line [0-9]+\): it requires that no fact matches 'journey.cand \? \?k2 \(\?k2 > \?k\)', but 'journey.cand [A-Z]+-[0-9]+ [0-9]+' does$" "$TMP/big.out" &&
    grep -qE "^ +without such facts, it would still fail, at 'when = journey.size \?max' \(line [0-9]+\): the test '\?n < \?max' is false \(\?n = $size, \?max = $size\)$" "$TMP/big.out" ||
    { echo "unit $unit, size $size"; cat "$TMP/big.out"; exit 1; }
