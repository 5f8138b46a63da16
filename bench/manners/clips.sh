#!/bin/sh
# clips.sh -- run CLIPS 6.30 on the original Miss Manners benchmark.
#
#   sh bench/manners/clips.sh N             N = 8, 16, 32, 64, 128
#   sh bench/manners/clips.sh --seating N   print CLIPS's final seating as facts
#
# Copies manners.clp, mannersN.fct and mannersN.bat from bench-data into a
# temporary directory (nothing is written to bench-data) and runs the
# original .bat there, with two lines around its (run): this CLIPS build
# does not print "Run time is ..." under (watch statistics), so the time is
# taken with CLIPS's (time) before and after (run) (Debian's build reads
# clock(), i.e. CPU seconds).  Prints CLIPS's statistics, then one summary line:
#   manners16: 183 rules fired, run 0.0041 s (CLIPS (time)), process 0.03 s wall
#
# --seating turns the program's output on (?*output* = t, as its comment
# says) and prints `guest ...`, `last_seat ...` and `seated SEAT NAME` lines
# in the form of `ldt-advisor facts`, for bench/manners/check_seating.py:
#   sh bench/manners/clips.sh --seating 16 | python3 bench/manners/check_seating.py
set -u
DATA=${MANNERS_DATA:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench-data/manners}
CLIPS=${CLIPS:-clips}
mode=stats
if [ "${1:-}" = "--seating" ]; then mode=seating; shift; fi
N=${1:-}
case "$N" in
    8|16|32|64|128) ;;
    *) echo "usage: clips.sh [--seating] N   (N = 8, 16, 32, 64, 128)" >&2; exit 64 ;;
esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
cp "$DATA/manners.clp" "$DATA/manners$N.fct" "$DATA/manners$N.bat" "$TMP/" || exit 66
cd "$TMP" || exit 1

if [ "$mode" = seating ]; then
    sed 's/^(defglobal ?\*output\* = nil)/(defglobal ?*output* = t)/' manners.clp >m.clp
    mv m.clp manners.clp
    # After (run): the guests and the seat count, printed as facts.
    cat manners$N.bat - >run.bat <<'EOF'
(do-for-all-facts ((?g guest)) TRUE (printout t "guest " ?g:name " " ?g:sex " " ?g:hobby crlf))
(do-for-all-facts ((?l last_seat)) TRUE (printout t "last_seat " ?l:seat crlf))
(exit)
EOF
    # print_results prints "NAME SEAT" lines after "Yes, we are done!!".
    "$CLIPS" -f2 run.bat </dev/null | awk '
        /^Yes, we are done!!/ { done = 1; next }
        / rules fired$/       { done = 0; next }
        /^(guest|last_seat) / { print; next }
        done && NF == 2       { print "seated " $2 " " $1 }'
    exit 0
fi

awk '$0 == "(run)" {
        print "(defglobal ?*bench-t0* = (time))"
        print "(run)"
        print "(format t \"run time %.4f s%n\" (- (time) ?*bench-t0*))"
        next }
     { print }
     END { print "(exit)" }' manners$N.bat >run.bat
t0=$(date +%s.%N)
"$CLIPS" -f2 run.bat </dev/null >out.txt 2>&1
status=$?
t1=$(date +%s.%N)
cat out.txt
[ $status -eq 0 ] || { echo "clips exited with status $status" >&2; exit 1; }
fired=$(sed -n 's/^\([0-9]*\) rules fired.*/\1/p' out.txt)
run=$(sed -n 's/^run time \([0-9.]*\) s$/\1/p' out.txt)
awk -v n="$N" -v f="$fired" -v r="$run" -v a="$t0" -v b="$t1" 'BEGIN {
    printf "manners%s: %s rules fired, run %s s (CLIPS (time)), process %.2f s wall\n", n, f, r, b - a }'
