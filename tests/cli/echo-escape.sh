# A message that quotes what was typed (a respondent's name, a path, a
# question ID, a scenario's name, a pattern) shows its control characters
# as \xHH, the C1 controls of UTF-8 (U+0080 to U+009F) included: none of
# them reaches the terminal raw, on stdout or on stderr, so an argument
# cannot retitle the window, recolour it or move the cursor.  Every usage
# message is one line.
set -eu
ROOT=$(pwd)
T="$TMP/echo"
mkdir -p "$T"
unset LDT_ADVISOR_DB LDT_ADVISOR_KB
KB="$ROOT/rules"
A="$ROOT/examples/answers.ini"
WHO=small-town-exploring
# ESC ] 0 ; t BEL (set the window title), then CSI as U+009B
E=$(printf 'x\033]0;t\007\302\233')
SHOWN='x\x1b]0;t\x07\xc2\x9b'

# quoted STATUS WANT CMD...: CMD exits STATUS, its output holds WANT
# (a fixed string) and no control character but newline and tab
quoted() {
    want_st=$1 want=$2
    shift 2
    st=0
    (cd "$T" && "$@") </dev/null >"$T/out" 2>&1 || st=$?
    if [ "$st" -ne "$want_st" ]; then
        echo "exit $st, expected $want_st: $*"; cat -v "$T/out"; exit 1
    fi
    grep -qF -- "$want" "$T/out" || { echo "output lacks: $want ($*)"; cat -v "$T/out"; exit 1; }
    if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$T/out" ||
       LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$T/out"; then
        echo "a control character reached the output: $*"; cat -v "$T/out"; exit 1
    fi
}

quoted 66 "$A: error: no respondent '$SHOWN' in this file" \
    "$BIN" advise --kb "$KB" --respondent "$E" "$A"
quoted 66 "-: error: no respondent '$SHOWN' in this file, and there is no file of that name" \
    sh -c '"$0" advise --kb "$1" - "$2" < "$3"' "$BIN" "$KB" "$E" "$A"
quoted 66 "$A: error: no respondent '$SHOWN' in this file (it has 5)" \
    "$BIN" facts "$KB" "$A" "$E"
quoted 66 "$A: error: no respondent '$SHOWN' in this file" \
    "$BIN" explain --kb "$KB" "$A" "$E" 'situation primary ?s'
quoted 73 "cannot create '$SHOWN/out.txt': the directory '$SHOWN' does not exist" \
    "$BIN" advise --kb "$KB" -o "$E/out.txt" "$A"
quoted 66 "explain: no question '$SHOWN' in the knowledge base" \
    "$BIN" explain --kb "$KB" --why "$E" "$A" "$WHO"
quoted 66 "test: no scenario named '$SHOWN', nor a file or directory" \
    "$BIN" test --kb "$KB" "$E"
quoted 0 "no sessions: there is no database at $SHOWN yet" \
    "$BIN" sessions --db "$E" list
quoted 64 "unknown command '$SHOWN'" "$BIN" "$E"
# a string value may hold a control character (the language allows it):
# the pattern is echoed with it shown, as the fact would be
quoted 1 "No fact matches 'situation \"\\x1b]0;t\\x07\"': it was not concluded." \
    "$BIN" explain --kb "$KB" "$A" "$WHO" "$(printf 'situation "\033]0;t\007"')"
quoted 1 "'situation primary \"\\x1b\"' was not concluded." \
    "$BIN" explain --kb "$KB" --why-not "$(printf 'situation primary "\033"')" "$A" "$WHO"

# a usage message is one line, then the pointer to --help
st=0
"$BIN" explain </dev/null >"$T/out" 2>"$T/err" || st=$?
[ "$st" -eq 64 ] || { echo "explain without arguments: exit $st"; exit 1; }
[ "$(wc -l <"$T/err")" -eq 2 ] && ! grep -qF '\x0a' "$T/err" &&
    grep -qF "explain: give the respondent (ANSWERS_FILE RESPONDENT or --session ID) and one of" "$T/err" ||
    { cat "$T/err"; exit 1; }

# a symbol cannot hold a control character, C1 included: a pattern typed
# with one is a usage error that shows it
quoted 64 "'situation a\\xc2\\x9bb' is not a fact pattern: 'a\\xc2\\x9bb' is not a value" \
    "$BIN" explain --kb "$KB" "$A" "$WHO" "$(printf 'situation a\302\233b')"
