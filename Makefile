# ldt-advisor -- settings first; nothing below them needs editing.
#
#   make            build build/ldt-advisor
#   make setup      install the Debian packages the build needs (as root)
#   make check      build and run every test
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   the tests under valgrind (no leaks, no errors)
#   make faults     fail every allocation of advise, ask and sessions in
#                   turn (make check fails the first of each site)
#   make install    PREFIX=/usr/local DESTDIR=
#   make example    run the advisor on the bundled example
#   make bench      every benchmark against CLIPS, then the soak (long)
#   make soak       100,000 respondents through advise in one process

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
WERROR   ?= $(if $(CI),-Werror,)
OPT      ?= -O2 -g
PKGS      = libpcre2-8 inih sqlite3
TESTPKGS  = cmocka
DEBS      = libpcre2-dev libinih-dev libsqlite3-dev libcmocka-dev pkg-config python3 sqlite3 clips

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wpointer-arith -Wcast-align -Wundef -Wvla $(WERROR)
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
             -DLDT_DATADIR='"$(PREFIX)/share/ldt-advisor"' \
             $(shell pkg-config --cflags $(PKGS)) -MMD -MP
# How the command is linked.  LINK=static (the default): one static PIE
# holding PCRE2, inih, SQLite and the C library, so that no dynamic loader
# maps and relocates shared libraries when it starts: a command starts in
# about two thirds of the time and a whole questionnaire takes an eighth
# less (README, Performance).  SQLite's call to dlopen (for loadable
# extensions, never turned on here) goes to cli/static_dl.c, which loads
# nothing.
# LINK=shared links Debian's shared libraries instead (for a distribution
# that updates them on its own); the AddressSanitizer and valgrind builds
# use it, as do the tests, which link cmocka's shared library.
LINK     ?= static
LIBS_SHARED = $(shell pkg-config --libs $(PKGS)) -lm
ifeq ($(LINK),static)
BIN_LDFLAGS = -static-pie -Wl,--wrap=dlopen
BIN_LIBS    = $(shell pkg-config --libs libpcre2-8 inih sqlite3) -lm
BIN_EXTRA   = $(BUILD)/cli/static_dl.o
else ifeq ($(LINK),shared)
BIN_LDFLAGS =
BIN_LIBS    = $(LIBS_SHARED)
BIN_EXTRA   =
else
$(error LINK must be static or shared, not '$(LINK)')
endif
LIBS     = $(LIBS_SHARED)
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
# the command with allocation-failure injection (tests only, never installed)
FAULT_BIN  = $(BUILD)/tests/ldt-advisor-faults
FAULT_WRAP = malloc calloc realloc free strdup strndup getline open_memstream realpath

.PHONY: all setup check test unit asan valgrind valgrind-run faults install uninstall clean example bench soak

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libldtengine.a: $(ENGINE_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/libldtkb.a: $(KB_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(BIN_EXTRA) $(BUILD)/libldtkb.a $(BUILD)/libldtengine.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(BIN_LIBS)

$(FAULT_BIN): tests/faults/inject.c $(CLI_OBJ) $(BUILD)/libldtkb.a $(BUILD)/libldtengine.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(FAULT_WRAP:%=-Wl,--wrap=%) -o $@ $^ $(LIBS_SHARED)

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

RUNSTAT = $(BUILD)/bench/runstat

$(RUNSTAT): bench/runstat.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) $(CFLAGS) -o $@ $<

check: all unit $(FAULT_BIN) $(RUNSTAT)
	@sh tests/run_cli_tests.sh $(BIN)
	@sh tests/manners.sh $(BIN)
	@python3 bench/run.py --quick --bin $(BIN) --runstat $(RUNSTAT)
	@python3 bench/phases.py --copies 1 --rounds 1 --bin $(BIN) >/dev/null

test: check

asan:
	$(MAKE) BUILD=build-asan LINK=shared OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check

# valgrind finds leaks only where it can replace malloc: in a shared C library
valgrind:
	$(MAKE) BUILD=build-valgrind LINK=shared valgrind-run

valgrind-run: all $(TEST_BIN) $(FAULT_BIN)
	$(MAKE) unit TEST_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all"
	@VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all" sh tests/run_cli_tests.sh $(BIN)

# Every allocation of each scenario of tests/faults/sweep.py fails in turn
# (hours; FAULT_JOBS processes at once).  make check runs a subset.
FAULT_JOBS ?= 2
faults: all $(FAULT_BIN)
	python3 tests/faults/sweep.py $(FAULT_BIN) $(BIN) --full --jobs $(FAULT_JOBS)

example: all
	$(BIN) advise --kb rules examples/answers.ini

# Every workload on both engines, side by side (installs CLIPS when missing);
# writes bench/RESULTS.md, bench/results.json and the plot bench/advisory.svg;
# then the soak.
bench: all $(RUNSTAT)
	@command -v clips >/dev/null 2>&1 || $(MAKE) -s setup
	python3 bench/run.py --bin $(BIN) --runstat $(RUNSTAT)
	python3 bench/plot.py
	python3 bench/soak.py --bin $(BIN)

# 100,000 respondents (a 114 MB answers file it generates) through advise in
# one process: respondents a second and peak memory after the first 1,000
# and at the end, which must be within 10 %; writes bench/soak.json and the
# soak section of bench/RESULTS.md.
soak: all
	python3 bench/soak.py --bin $(BIN)

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
	rm -rf build build-asan build-valgrind build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- fuzzing
#   make fuzz          build the libFuzzer targets (clang) and fuzz each one
#                      for FUZZ_SECONDS; corpus seeded from rules/, examples/
#   make fuzz-check    each target once over its corpus and the regression
#                      inputs, no fuzzing (for CI; needs clang)
#   make fuzz-replay   the regression inputs tests/fuzz/regress/ under gcc +
#                      ASan/UBSan, without libFuzzer (part of make check)
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZ_TARGETS  = fuzz_parse fuzz_kb fuzz_answers fuzz_session
FUZZ_FLAGS   ?= -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g -O1 \
                -ftrivial-auto-var-init=pattern
FUZZ_OPTS    ?= -max_len=4096 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_DEFS     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -DLDT_DATADIR='"$(PREFIX)/share/ldt-advisor"' \
                -DFUZZ_SESSION_KB='"$(CURDIR)/tests/fuzz/session-kb"' \
                $(shell pkg-config --cflags $(PKGS))
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
REPLAY_DIR    = $(BUILD)/fuzz-replay
REPLAY_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
                -ftrivial-auto-var-init=pattern
REPLAY_OBJ    = $(ENGINE_SRC:%.c=$(REPLAY_DIR)/obj/%.o) $(KB_SRC:%.c=$(REPLAY_DIR)/obj/%.o)

.PHONY: fuzz fuzz-build fuzz-corpus fuzz-check fuzz-replay

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(ENGINE_SRC) $(KB_SRC) engine/engine.h engine/eng_int.h kb/kb.h kb/kb_int.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_DEFS) $(FUZZ_FLAGS) -o $@ $< $(ENGINE_SRC) $(KB_SRC) $(LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz-corpus:
	@sh tests/fuzz/seed.sh $(FUZZ_BUILD)/corpus

fuzz: fuzz-build fuzz-corpus
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  mkdir -p $(FUZZ_BUILD)/artifacts/$$t $(FUZZ_BUILD)/work/$$t; \
	  if ! $(FUZZ_BUILD)/$$t $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	       -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
	       $(FUZZ_BUILD)/work/$$t $(FUZZ_BUILD)/corpus/$$t > $(FUZZ_BUILD)/$$t.log 2>&1; then \
	    tail -n 60 $(FUZZ_BUILD)/$$t.log; \
	    echo "$$t: a finding in $(FUZZ_BUILD)/artifacts/$$t/ (log: $(FUZZ_BUILD)/$$t.log)"; exit 1; \
	  fi; \
	  grep -E '^Done [0-9]+ runs' $(FUZZ_BUILD)/$$t.log | sed "s/^/$$t: /"; \
	done

fuzz-check: fuzz-build fuzz-corpus
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/artifacts/$$t; \
	  $(FUZZ_BUILD)/$$t -runs=0 $(FUZZ_OPTS) -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ \
	    $(FUZZ_BUILD)/corpus/$$t > $(FUZZ_BUILD)/$$t-check.log 2>&1 \
	    || { tail -n 60 $(FUZZ_BUILD)/$$t-check.log; exit 1; }; \
	  echo "$$t: $$(ls $(FUZZ_BUILD)/corpus/$$t | wc -l) corpus inputs, no finding"; \
	done
	@sh tests/fuzz/regress.sh $(FUZZ_BUILD)

$(REPLAY_DIR)/obj/%.o: %.c engine/engine.h engine/eng_int.h kb/kb.h kb/kb_int.h
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_DEFS) $(REPLAY_CFLAGS) -c $< -o $@

$(REPLAY_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(REPLAY_OBJ) engine/engine.h kb/kb.h
	$(CC) $(FUZZ_DEFS) $(REPLAY_CFLAGS) -o $@ $< tests/fuzz/replay.c $(REPLAY_OBJ) $(LIBS)

fuzz-replay: $(FUZZ_TARGETS:%=$(REPLAY_DIR)/%)
	@sh tests/fuzz/regress.sh $(REPLAY_DIR)

check: fuzz-replay
