# ldt-advisor -- settings first; nothing below them needs editing.
#
#   make            build build/ldt-advisor
#   make setup      install the Debian packages the build needs (as root)
#   make check      build and run every test
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the tests under valgrind (no leaks, no errors)
#   make install    PREFIX=/usr/local DESTDIR=
#   make example    run the advisor on the bundled example

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
WERROR   ?= $(if $(CI),-Werror,)
OPT      ?= -O2 -g
PKGS      = libpcre2-8 inih sqlite3
TESTPKGS  = cmocka
DEBS      = libpcre2-dev libinih-dev libsqlite3-dev libcmocka-dev pkg-config python3 sqlite3

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wpointer-arith -Wcast-align -Wundef -Wvla $(WERROR)
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
             -DLDT_DATADIR='"$(PREFIX)/share/ldt-advisor"' \
             $(shell pkg-config --cflags $(PKGS)) -MMD -MP
LIBS     = $(shell pkg-config --libs $(PKGS)) -lm
TESTLIBS = $(shell pkg-config --libs $(TESTPKGS))

ENGINE_SRC = engine/value.c engine/parse.c engine/compile.c engine/expr.c \
             engine/rete.c engine/load.c engine/explain.c
KB_SRC     = kb/kb.c kb/check.c kb/questionnaire.c kb/report.c kb/store.c kb/lint.c
CLI_SRC    = cli/main.c cli/util.c cli/facts.c cli/advise.c cli/report_md.c cli/report_html.c cli/test.c cli/explain.c \
             cli/respondent.c cli/ask.c cli/sessions.c cli/lint.c cli/graph.c
TEST_SRC   = $(wildcard tests/test_*.c)

ENGINE_OBJ = $(ENGINE_SRC:%.c=$(BUILD)/%.o)
KB_OBJ     = $(KB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN   = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BIN        = $(BUILD)/ldt-advisor

.PHONY: all setup check test unit asan valgrind install uninstall clean example bench

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libldtengine.a: $(ENGINE_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/libldtkb.a: $(KB_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libldtkb.a $(BUILD)/libldtengine.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libldtkb.a $(BUILD)/libldtengine.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags $(TESTPKGS)) -o $@ $(filter %.c %.a,$^) $(LIBS) $(TESTLIBS)

# Installs what the build and the tests need on Debian 12 (run as root).
setup:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "all build packages present"; fi

unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $(TEST_WRAP) $$t; done

check: all unit
	@sh tests/run_cli_tests.sh $(BIN)
	@sh tests/manners.sh $(BIN)

test: check

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check

valgrind: all $(TEST_BIN)
	$(MAKE) unit TEST_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all"
	@VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all" sh tests/run_cli_tests.sh $(BIN)

example: all
	$(BIN) advise --kb rules examples/answers.ini

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ldt-advisor/rules \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ldt-advisor
	cp -R rules/. $(DESTDIR)$(PREFIX)/share/ldt-advisor/rules/
	install -m 644 doc/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ldt-advisor $(DESTDIR)$(PREFIX)/share/man/man1/ldt-advisor*.1
	rm -rf $(DESTDIR)$(PREFIX)/share/ldt-advisor

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
