# `graph`: the rule dependency graph in Graphviz dot -- rules in a cluster
# per file, edges labelled with the relation, questions and [facts] as
# inputs, conclusions as outputs; -o writes a file; a knowledge base with
# errors gives no graph.  When Graphviz is installed, dot must accept it.
set -eu
BIN=${BIN:-build/ldt-advisor}
RUN=${RUN:-$BIN}
if [ -z "${TMP:-}" ]; then
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT INT TERM
fi
cat >"$TMP/g.ini" <<'INI'
[facts start]
fact = session start

[question size]
text = How many residents?
type = number
min = 0

[question partners]
text = How many partners?
type = number
min = 0
ask_if = answer size ?n

[rule big]
when = answer size ?n
when = ?n >= 100000
then = assert scale big

[rule wide]
when = answer partners ?p
when = scale big
then = assert verdict "a big network"

[rule small]
when = session start
when = not scale big
then = assert verdict "a small place"

[test big-town]
answer.size = 200000
expect = scale big
INI
$RUN graph "$TMP/g.ini" >"$TMP/g.dot"
grep -qx 'digraph kb {' "$TMP/g.dot"
grep -qF 'subgraph cluster_0 {' "$TMP/g.dot"
grep -qF "    label=\"$TMP/g.ini\";" "$TMP/g.dot"
grep -qF '    r0 [label="big", shape=box];' "$TMP/g.dot"
grep -qF '    q0 [label="size", shape=box, style="rounded,filled", fillcolor=lightyellow];' "$TMP/g.dot"
grep -qxF '  q0 -> r0;' "$TMP/g.dot"                                   # question -> rule
grep -qxF '  q1 -> r1;' "$TMP/g.dot"
grep -qxF '  q0 -> q1 [style=dotted, label="ask_if"];' "$TMP/g.dot"     # ask_if
grep -qxF '  r0 -> r1 [label="scale"];' "$TMP/g.dot"                    # rule -> rule
grep -qxF '  r0 -> r2 [style=dashed, label="not scale"];' "$TMP/g.dot"  # not
grep -qF ' [label="session\n(facts)", shape=note' "$TMP/g.dot"         # [facts] input
grep -qE '^  i[0-9]+ -> r2;$' "$TMP/g.dot"
grep -qF '[label="verdict", shape=box, style=bold, peripheries=2];' "$TMP/g.dot"   # conclusion
grep -qF '[label="scale", shape=box, style=bold, peripheries=2];' "$TMP/g.dot"     # a [test] expects it
tail -n 1 "$TMP/g.dot" | grep -qx '}'

# -o FILE writes the same graph, stdout stays empty
$RUN graph -o "$TMP/g2.dot" "$TMP/g.ini" >"$TMP/g.out"
[ ! -s "$TMP/g.out" ]
cmp "$TMP/g.dot" "$TMP/g2.dot"
$RUN graph --kb "$TMP/g.ini" --output="$TMP/g3.dot"
cmp "$TMP/g.dot" "$TMP/g3.dot"

# the shipped knowledge base
$RUN graph rules -o "$TMP/rules.dot"
grep -qF 'label="situation.primary", shape=box' "$TMP/rules.dot"
if command -v dot >/dev/null 2>&1; then
    dot -Tsvg "$TMP/g.dot" -o "$TMP/g.svg"
    dot -Tsvg "$TMP/rules.dot" -o "$TMP/rules.svg"
fi

# errors: no graph, exit 65; usage
printf '[rule r]\nwhen = x ?y\n' >"$TMP/bad.ini"
st=0
$RUN graph -o "$TMP/bad.dot" "$TMP/bad.ini" 2>"$TMP/bad.err" || st=$?
[ "$st" -eq 65 ]
[ ! -e "$TMP/bad.dot" ]
grep -qF "has no 'then' line" "$TMP/bad.err"
st=0
$RUN graph -o "$TMP/no/such/dir/g.dot" "$TMP/g.ini" 2>/dev/null || st=$?
[ "$st" -eq 73 ]
st=0
$RUN graph --colour "$TMP/g.ini" 2>/dev/null || st=$?
[ "$st" -eq 64 ]
$RUN graph --help | grep -q '^Usage: ldt-advisor graph'

# bad input: one clear line each, the documented status, an existing
# output left as it was
expect_graph() {   # STATUS PATTERN ARGS...
    want=$1 pat=$2
    shift 2
    st=0
    timeout 60 $RUN graph "$@" >"$TMP/bg.out" 2>"$TMP/bg.err" || st=$?
    [ "$st" -eq "$want" ] || { echo "graph $*: exit $st, expected $want"; cat "$TMP/bg.err"; exit 1; }
    grep -qF -- "$pat" "$TMP/bg.err" || { echo "graph $*: stderr lacks: $pat"; cat "$TMP/bg.err"; exit 1; }
}
expect_graph 64 "graph: -o needs a file name" -o "" "$TMP/g.ini"
expect_graph 64 "graph: --output needs a file name" --output= "$TMP/g.ini"
# an empty name names no file: a usage error, as -o '' (not a file missing)
expect_graph 64 "graph: the knowledge base's name is empty: give a directory or an .ini file" ""
expect_graph 64 "graph: --kb needs a knowledge base (a directory or an .ini file)" --kb ""
expect_graph 64 "graph: --kb needs a knowledge base" --kb=
expect_graph 66 "$TMP/none.ini: error: cannot open: No such file or directory" "$TMP/none.ini"
mkdir -p "$TMP/gdir"
expect_graph 65 "$TMP/gdir: error: no .ini files in this directory" "$TMP/gdir"
expect_graph 73 "cannot create '$TMP/gdir': it is a directory" -o "$TMP/gdir" "$TMP/g.ini"
expect_graph 73 "cannot create '$TMP/no/g.dot': the directory '$TMP/no' does not exist" \
    -o "$TMP/no/g.dot" "$TMP/g.ini"
expect_graph 74 "cannot write '/dev/full': No space left on device" -o /dev/full "$TMP/g.ini"
# a binary file (a sessions database) for a knowledge base
printf 'quit\n' | $RUN ask --kb "$TMP/g.ini" --db "$TMP/g.db" --script >/dev/null 2>&1 || true
expect_graph 65 "$TMP/g.db:1:16: error: the file contains a NUL byte: it is not a text file" "$TMP/g.db"
# a knowledge base with errors leaves an existing output alone
echo keep >"$TMP/keep.dot"
expect_graph 65 "has no 'then' line" -o "$TMP/keep.dot" "$TMP/bad.ini"
[ "$(cat "$TMP/keep.dot")" = keep ] || { echo "graph changed the output of a failed run"; exit 1; }
