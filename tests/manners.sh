#!/bin/sh
# manners.sh -- end-to-end test: the Miss Manners benchmark seats its guests.
#
#   sh tests/manners.sh [BUILD/ldt-advisor]     (default build/ldt-advisor)
#
# For N = 16 and 32: converts bench-data's mannersN.fct with bench/fct2ini.py
# into a temporary KB directory next to a copy of bench/manners/manners.ini,
# runs `ldt-advisor facts DIR` and checks the final seating with
# bench/manners/check_seating.py.  Prints `ok manners N` or
# `FAIL manners N: why` (with the evidence indented below), then the line
# "N passed, N failed"; exits 1 on any failure.
# MANNERS_DATA overrides where mannersN.fct is read from.
set -u
BIN=${1:-build/ldt-advisor}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${MANNERS_DATA:-$ROOT/../shared/bench-data/manners}
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok manners $1"; }
bad() { fail=$((fail + 1)); echo "FAIL manners $1: $2"; [ -n "${3:-}" ] && head -n 20 "$3" | sed 's/^/     /'; }

for n in 16 32; do
    kb="$TMP/kb$n"
    mkdir "$kb"
    cp "$ROOT/bench/manners/manners.ini" "$kb/manners.ini"
    if ! python3 "$ROOT/bench/fct2ini.py" "$DATA/manners.clp" "$DATA/manners$n.fct" \
            >"$kb/manners$n.ini" 2>"$TMP/err$n"; then
        bad "$n" "fct2ini.py failed" "$TMP/err$n"
        continue
    fi
    timeout 120 "$BIN" facts "$kb" >"$TMP/out$n" 2>"$TMP/err$n"
    status=$?
    if [ "$status" -ne 0 ]; then
        bad "$n" "ldt-advisor facts exited with status $status" "$TMP/err$n"
    elif ! python3 "$ROOT/bench/manners/check_seating.py" "$TMP/out$n" >"$TMP/chk$n" 2>&1; then
        bad "$n" "$(tail -n 1 "$TMP/chk$n")"
    else
        ok "$n"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
