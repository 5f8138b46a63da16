#!/bin/sh
# regress.sh DIR -- feeds every input under tests/fuzz/regress/TARGET/ to
# DIR/TARGET: the replay harnesses of `make fuzz-replay` (gcc + ASan/UBSan,
# tests/fuzz/replay.c) or the libFuzzer binaries of `make fuzz-build`.
#
# An input listed in tests/fuzz/regress/KNOWN (TARGET/NAME, one a line) is
# an engine bug found by fuzzing and not fixed yet: it is expected to fail
# (XFAIL) and does not fail the run; once it passes (XPASS) remove it from
# KNOWN.  Any other failing input fails the run.
dir=${1:?usage: regress.sh DIR}
unset LDT_FUZZ_AVOID_KNOWN
here=$(cd "$(dirname "$0")" && pwd)
known="$here/regress/KNOWN"
pass=0; fail=0; xfail=0; xpass=0
for tdir in "$here"/regress/fuzz_*; do
    [ -d "$tdir" ] || continue
    t=$(basename "$tdir")
    bin="$dir/$t"
    for f in "$tdir"/*; do
        [ -f "$f" ] || continue
        name="$t/$(basename "$f")"
        if [ ! -x "$bin" ]; then
            echo "regress: $bin missing (make fuzz-replay)" >&2
            exit 2
        fi
        if "$bin" "$f" > /tmp/ldt-regress.$$ 2>&1; then ok=1; else ok=0; fi
        if grep -qE 'runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' /tmp/ldt-regress.$$; then ok=0; fi
        if [ -f "$known" ] && grep -qxF "$name" "$known"; then
            if [ $ok = 1 ]; then
                echo "XPASS $name (fixed? remove it from tests/fuzz/regress/KNOWN)"; xpass=$((xpass + 1))
            else
                echo "XFAIL $name"; xfail=$((xfail + 1))
            fi
        elif [ $ok = 1 ]; then
            pass=$((pass + 1))
        else
            echo "FAIL  $name"; sed 's/^/    /' /tmp/ldt-regress.$$ | head -n 40
            fail=$((fail + 1))
        fi
    done
done
rm -f /tmp/ldt-regress.$$
echo "fuzz regressions: $pass passed, $fail failed, $xfail known bugs (XFAIL), $xpass fixed (XPASS)"
[ $fail = 0 ]
