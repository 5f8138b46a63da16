#!/bin/sh
# seed.sh OUT -- writes the seed corpora of the fuzz targets into
# OUT/fuzz_parse, OUT/fuzz_kb, OUT/fuzz_answers and OUT/fuzz_session from
# the shipped knowledge base (rules/), the example answers (examples/) and
# the bad-KB fixtures (tests/bad-kb/).  Run from the source tree's top.
# Generated, never committed; a few hundred KB in all.
set -e
out=${1:-build-fuzz/corpus}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rm -rf "$out"
mkdir -p "$out/fuzz_parse" "$out/fuzz_kb" "$out/fuzz_answers" "$out/fuzz_session"

# names are content hashes, as libFuzzer's own
put() {     # put DIR  (content on stdin)
    tmp="$1/.tmp"
    cat > "$tmp"
    h=$(sha1sum "$tmp" | cut -c1-40)
    mv "$tmp" "$1/$h"
}

# fuzz_parse: every distinct when / then / ask_if value, one line each
# (continuation lines joined), plus a few hand-written ones.
find rules tests/bad-kb -name '*.ini' 2>/dev/null | sort | xargs awk '
    /^(when|then|ask_if|expect|expect_not)[ \t]*=/ {
        if (v != "") print v; sub(/^[a-z_]+[ \t]*=[ \t]*/, ""); v = $0; next }
    /^[ \t]+[^ \t;]/ && v != "" { sub(/^[ \t]+/, ""); v = v " " $0; next }
    { if (v != "") print v; v = "" }
    END { if (v != "") print v }' | sort -u | while IFS= read -r l; do
    printf '%s' "$l" | put "$out/fuzz_parse"
done
for l in 'not journey.pick ?u ?r (?r < ?max)' 'exists a ?x' 'test (?n + 1) * 2 >= 3' \
         '?s ~ "^[a-z]+$"' '?x in {a, b, "c", 1, 2.5}' 'add score ?t (?n / 3)' \
         'retract 1' 'halt' 'assert d ?n "x\"y" -0.5 1e300' 'a ?x' \
         '(((((((((((1)))))))))))' '?n-1 > 0'; do
    printf '%s' "$l" | put "$out/fuzz_parse"
done

# fuzz_kb: every knowledge-base file, and each section of the rule files
# on its own (small inputs mutate better); files over max_len are cut
# into sections only.
for f in $(find rules tests/bad-kb tests/lint-kb tests/fuzz/session-kb bench/manners bench/waltz -name '*.ini' 2>/dev/null | sort); do
    if [ "$(wc -c < "$f")" -le 4096 ]; then put "$out/fuzz_kb" < "$f"; fi
    awk -v dir="$out/fuzz_kb/.sec" '
        /^\[/ { n++ } { print > (dir "." n) }' "$f"
    for s in "$out"/fuzz_kb/.sec.*; do
        [ -e "$s" ] || continue
        if [ "$(wc -c < "$s")" -le 4096 ] && grep -q '^\[' "$s"; then put "$out/fuzz_kb" < "$s"; fi
        rm -f "$s"
    done
done

# fuzz_answers: the example answers, one respondent each, and a few
# written for the fixed KB of fuzz_answers.c.
put "$out/fuzz_answers" < examples/answers.ini
awk -v dir="$out/fuzz_answers/.sec" '/^\[answers/ { n++ } n { print > (dir "." n) }' examples/answers.ini
for s in "$out"/fuzz_answers/.sec.*; do put "$out/fuzz_answers" < "$s"; rm -f "$s"; done
printf '[answers a]\nq.kind = municipality\nq.topics = climate, energy\nq.pop = 250000\nq.ratio = 0.5\nq.ok = yes\nq.name = Leiedal\nq.free = "anything"\n' | put "$out/fuzz_answers"
printf '[answers a]\nq.kind = REGION\n\n[answers b]\nq.pop = -1\nq.ok = maybe\n[answers c]\nq.topics = climate,climate, nope\nq.name = 1abc\n' | put "$out/fuzz_answers"
printf '[answers x]\nq.kind = 2_to_8\nq.pop = 1e9\nq.ratio = 1.5\nq.unknown = 1\n' | put "$out/fuzz_answers"
# more respondents' errors than are reported (their problems on request)
i=0; while [ $i -lt 60 ]; do printf '[answers r%d]\nq.pop = x\n' $i; i=$((i + 1)); done |
    put "$out/fuzz_answers"
# sections that are not a respondent's own: a key before any, a second
# section of a name, a header without a name, another kind
printf 'q.ok = yes\n[answers a]\nq.ok = no\n[answers b]\nq.pop = 3\n[answers a]\nq.ok = yes\n[answers]\nq.ok = no\n[other c]\nq.pop = 1\n[answers c]\nq.pop = 2\n' | put "$out/fuzz_answers"

# fuzz_session: sessions of its own knowledge base (tests/fuzz/session-kb,
# questions in asking order: kind, pop, topics, ok, name, stage, staff,
# budget, note); then, for $LDT_FUZZ_KB=rules, each example respondent's
# values as an answer sequence (their asking order is not known here).
printf 'region\n250000\nclimate, energy\nyes\nTexel\npilot\n2.5\ngrant\nurgent please\n' | put "$out/fuzz_session"
printf 'municipality\n45000\nhealth\nno\nxeno\nnone\n0\nsomething\n' | put "$out/fuzz_session"
printf 'other\nskip\nRx\nlive\n1.5\nown\nstop\n' | put "$out/fuzz_session"
printf 'agency\n1e7\nmobility,mobility, energy\nskip\n9 lives\nscaling\n100.5\nnone\n' | put "$out/fuzz_session"
printf 'skip\nskip\nskip\nskip\nskip\nskip\nskip\nskip\nskip\n' | put "$out/fuzz_session"
awk -v dir="$out/fuzz_session/.sec" '
    /^\[answers/ { n++; next }
    n && /=/ { sub(/^[^=]*=[ \t]*/, ""); print > (dir "." n) }' examples/answers.ini
for s in "$out"/fuzz_session/.sec.*; do put "$out/fuzz_session" < "$s"; rm -f "$s"; done
printf 'municipality\n45000\n2\nclimate_adaptation, energy\ntwo_three\nidea\nexploring\n' | put "$out/fuzz_session"
printf 'region\nskip\n1\nskip\nfour_plus\nskip\noperational\n' | put "$out/fuzz_session"
printf '1\n2\n3\n4\n5\n6\n7\n8\n9\nyes\nno\n0\n' | put "$out/fuzz_session"
printf 'MUNICIPALITY \n -3\n1e99\nnan\n\n,\n' | put "$out/fuzz_session"

for t in fuzz_parse fuzz_kb fuzz_answers fuzz_session; do
    echo "$t: $(ls "$out/$t" | wc -l) seeds, $(du -sk "$out/$t" | cut -f1) KB"
done
