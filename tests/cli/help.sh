# --help and --version: every command's help starts with its usage and
# exits 0, and `help COMMAND` prints the same; `help` of no command is a
# usage error; written to a full disk it exits 74 with a message, as every
# other output does.  The man page of each command names the same options
# as its --help: each option of the man page's synopsis is one the help
# lists, and each option line of the help has a name in the synopsis.
set -eu
BIN=${BIN:-build/ldt-advisor}
RUN=${RUN:-$BIN}
if [ -z "${TMP:-}" ]; then
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT INT TERM
fi
ROOT=$(pwd)
fail() { echo "$*"; exit 1; }
COMMANDS="advise ask explain facts graph lint sessions test"

$RUN --help >"$TMP/out" || fail "--help: exit $?"
grep -q '^Usage: ldt-advisor COMMAND' "$TMP/out" || fail "--help: no usage line"
$RUN --version >"$TMP/out" || fail "--version: exit $?"
grep -q '^ldt-advisor [0-9]' "$TMP/out" || fail "--version: no version"
for c in $COMMANDS; do
    $RUN "$c" --help >"$TMP/out" || fail "$c --help: exit $?"
    grep -q "^Usage: ldt-advisor $c" "$TMP/out" || fail "$c --help: no usage line"
    [ -f "$ROOT/doc/man/ldt-advisor-$c.1" ] || fail "no man page for $c"
    # `help COMMAND` is the same text
    $RUN help "$c" >"$TMP/out2" || fail "help $c: exit $?"
    cmp -s "$TMP/out" "$TMP/out2" || fail "help $c differs from $c --help"
done
$RUN help >"$TMP/out" || fail "help: exit $?"
grep -q '^Usage: ldt-advisor COMMAND' "$TMP/out" || fail "help: no usage line"
st=0
$RUN help nosuch >"$TMP/out" 2>"$TMP/err" || st=$?
[ "$st" -eq 64 ] && [ ! -s "$TMP/out" ] &&
    grep -qF "help: no command 'nosuch' (ask, sessions, advise, test, explain, lint, graph or facts)" "$TMP/err" ||
    fail "help nosuch: exit $st: $(cat "$TMP/err")"
st=0
$RUN help advise lint >"$TMP/out" 2>"$TMP/err" || st=$?
[ "$st" -eq 64 ] && [ ! -s "$TMP/out" ] && grep -qF "help: one command at a time" "$TMP/err" ||
    fail "help with two commands: exit $st: $(cat "$TMP/err")"

# standard output that cannot be written: exit 74 and a message
if [ -w /dev/full ]; then
    for args in "--help" "--version" $(for c in $COMMANDS; do echo "$c,--help"; done); do
        st=0
        $RUN $(echo "$args" | tr ',' ' ') >/dev/full 2>"$TMP/err" || st=$?
        [ "$st" -eq 74 ] || fail "$args >/dev/full: exit $st, expected 74"
        grep -qF "cannot write the output" "$TMP/err" || fail "$args >/dev/full: no message"
    done
fi

# the options of the man page's synopsis against those of --help
for c in $COMMANDS; do
    man="$ROOT/doc/man/ldt-advisor-$c.1"
    # the synopsis, with roff's \- as -
    sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$man" | sed 's/\\-/-/g' |
        grep -oE '(^|[^a-zA-Z-])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[^-]*//' | sort -u >"$TMP/man-$c"
    $RUN "$c" --help >"$TMP/help-$c"
    # the names that start an option line of the help ("  -o, --output FILE")
    grep -E '^  +--?[a-zA-Z]' "$TMP/help-$c" | sed -E 's/^ +//; s/   .*//' |
        grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | sort -u >"$TMP/help-opts-$c"
    while read -r o; do
        grep -qxF -- "$o" "$TMP/help-opts-$c" ||
            fail "$c: the man page's synopsis has $o, which --help does not list"
    done <"$TMP/man-$c"
    grep -E '^  +--?[a-zA-Z]' "$TMP/help-$c" | sed -E 's/^ +//; s/   .*//' | while read -r line; do
        case "$line" in -h,*|--help*) continue ;; esac
        found=0
        for o in $(echo "$line" | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//'); do
            grep -qxF -- "$o" "$TMP/man-$c" && found=1
        done
        [ "$found" -eq 1 ] || fail "$c: --help lists '$line', which the man page's synopsis lacks"
    done
done
echo "ok"
