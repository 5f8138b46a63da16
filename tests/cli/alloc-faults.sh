# alloc-faults: allocation failure in advise (text, JSON, Markdown and
# HTML to a file), ask (a new session, a resumed one), sessions show and
# explain (a how-tree, --why).
# BUILD/tests/ldt-advisor-faults is the command with a counting allocator
# (tests/faults/inject.c); tests/faults/sweep.py fails its allocations one
# at a time: the first of every allocation site and a spread of others
# (`make faults` fails every one).  Each run must end cleanly (exit 71,
# "out of memory"), or exactly as without the failure; a session database
# stays intact with every answer committed before, readable, resumable.
# Under ASan the runs are leak-checked too; under valgrind (make
# valgrind) a few runs per scenario go through valgrind.
set -eu
FAULT_BIN="$(dirname "$BIN")/tests/ldt-advisor-faults"
[ -x "$FAULT_BIN" ] || { echo "missing $FAULT_BIN: 'make check' builds it"; exit 1; }
python3 tests/faults/sweep.py "$FAULT_BIN" "$BIN"
