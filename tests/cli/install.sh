# make install with PREFIX and DESTDIR: the binary, the knowledge base and
# the man pages land there, and the installed binary finds its knowledge
# base without --kb.
set -eu
ROOT=$(pwd)
make -s install PREFIX=/opt/ldt DESTDIR="$TMP/dest" >/dev/null
[ -x "$TMP/dest/opt/ldt/bin/ldt-advisor" ]
[ -f "$TMP/dest/opt/ldt/share/ldt-advisor/rules/questions.ini" ]
[ -f "$TMP/dest/opt/ldt/share/man/man1/ldt-advisor.1" ]
[ -f "$TMP/dest/opt/ldt/share/man/man1/ldt-advisor-ask.1" ]
# the installed binary finds PREFIX/share/ldt-advisor/rules beside itself,
# wherever DESTDIR put it
(cd "$TMP" && "$TMP/dest/opt/ldt/bin/ldt-advisor" advise "$ROOT/examples/answers.ini" big-city-platform) >"$TMP/inst.out"
grep -qF "== big-city-platform ==" "$TMP/inst.out"
