/*
 * test_util.h -- small helpers shared by the engine's cmocka tests
 * (tests/test_*.c): a fresh engine per test, loading KB text, looking up
 * diagnostics and facts, and recording firings through the listener.
 *
 * Everything is static inline so that a test file that does not use a
 * helper gets no unused-function warning.  The header includes cmocka
 * itself, so that it also compiles on its own (the Makefile's test rule
 * passes every prerequisite, headers included, to the compiler).
 */
#ifndef LDT_TEST_UTIL_H
#define LDT_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/engine.h"

/* ------------------------------------------------------------ fixtures */

static inline int tu_setup(void **state)
{
    eng_engine *e = eng_new(NULL);
    if (!e)
        return -1;
    *state = e;
    return 0;
}

static inline int tu_teardown(void **state)
{
    /* a test's recorder (tu_rec) lives on its stack: stop listening before
     * eng_free, which withdraws the remaining activations */
    if (*state)
        eng_set_listener(*state, NULL, NULL);
    eng_free(*state);
    *state = NULL;
    return 0;
}

#define ENG(state) ((eng_engine *)*(state))

/* ------------------------------------------------------------ diagnostics */

static inline const char *tu_sev(eng_severity s)
{
    return s == ENG_ERROR ? "error" : s == ENG_WARNING ? "warning" : "note";
}

/* Prints every diagnostic, to make a failing assertion understandable. */
static inline void tu_dump_diags(const eng_engine *e)
{
    for (size_t i = 0; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        fprintf(stderr, "    diag %zu: %s:%d:%d: %s: %s\n", i, d->path, d->line,
                d->col, tu_sev(d->severity), d->message);
    }
}

/* The first diagnostic whose message contains FRAG, or NULL. */
static inline const eng_diag *tu_find_diag(const eng_engine *e, const char *frag)
{
    for (size_t i = 0; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        if (strstr(d->message, frag))
            return d;
    }
    return NULL;
}

/* Number of diagnostics of severity SEV. */
static inline size_t tu_count_sev(const eng_engine *e, eng_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < eng_diag_count(e); i++)
        n += eng_diag_at(e, i)->severity == sev;
    return n;
}

/* Asserts that a diagnostic of severity SEV at LINE:COL mentions FRAG. */
#define assert_diag(e, sev, line, col, frag) \
    tu_assert_diag((e), (sev), (line), (col), (frag), __FILE__, __LINE__)

static inline void tu_assert_diag(const eng_engine *e, eng_severity sev,
                                  int line, int col, const char *frag,
                                  const char *file, int fline)
{
    const eng_diag *d = tu_find_diag(e, frag);
    if (!d || d->severity != sev || d->line != line || d->col != col) {
        fprintf(stderr, "%s:%d: expected %s at %d:%d containing \"%s\"; have:\n",
                file, fline, tu_sev(sev), line, col, frag);
        tu_dump_diags(e);
    }
    _assert_true(d != NULL, "diagnostic found", file, fline);
    _assert_int_equal(d->severity, sev, file, fline);
    _assert_int_equal(d->line, line, file, fline);
    _assert_int_equal(d->col, col, file, fline);
}

/* ------------------------------------------------------------ loading */

/* Loads TEXT as the file "t.ini"; returns the status. */
static inline int tu_load(eng_engine *e, const char *text)
{
    return eng_load_buffer(e, "t.ini", text, strlen(text));
}

/* Loads TEXT, which must be free of errors, then resets the engine. */
#define load_ok(e, text) tu_load_ok((e), (text), __FILE__, __LINE__)

static inline void tu_load_ok(eng_engine *e, const char *text, const char *file,
                              int line)
{
    int rc = tu_load(e, text);
    if (rc != ENG_OK || eng_error_count(e)) {
        fprintf(stderr, "%s:%d: loading failed (%d):\n", file, line, rc);
        tu_dump_diags(e);
    }
    _assert_int_equal(rc, ENG_OK, file, line);
    _assert_int_equal(eng_reset(e), ENG_OK, file, line);
}

/* The loaded rule named NAME, found by walking eng_rule_at (so that tests
 * not about eng_rule_find do not depend on it), or NULL. */
static inline const eng_rule *tu_rule(const eng_engine *e, const char *name)
{
    for (size_t i = 0; i < eng_rule_count(e); i++)
        if (!strcmp(eng_rule_name(eng_rule_at(e, i)), name))
            return eng_rule_at(e, i);
    return NULL;
}

/* ------------------------------------------------------------ facts */

/* Asserts the fact written as TEXT; returns it. */
#define fact(e, text) tu_fact((e), (text), __FILE__, __LINE__)

static inline const eng_fact *tu_fact(eng_engine *e, const char *text,
                                      const char *file, int line)
{
    const eng_fact *f = NULL;
    _assert_int_equal(eng_assert_text(e, text, &f), ENG_OK, file, line);
    _assert_true(f != NULL, "fact returned", file, line);
    return f;
}

/* Number of live facts matching PATTERN (eng_query syntax). */
static inline long tu_count(eng_engine *e, const char *pattern)
{
    return eng_query(e, pattern, NULL, NULL);
}

static inline int tu_first_cb(void *ud, const eng_fact *f)
{
    *(const eng_fact **)ud = f;
    return 1;
}

/* The first live fact matching PATTERN, or NULL. */
static inline const eng_fact *tu_get(eng_engine *e, const char *pattern)
{
    const eng_fact *f = NULL;
    eng_query(e, pattern, tu_first_cb, &f);
    return f;
}

/* The live fact exactly equal to TEXT, or NULL. */
static inline const eng_fact *tu_find(eng_engine *e, const char *text)
{
    return tu_get(e, text);
}

/* Formats F into a static buffer (one at a time). */
static inline const char *tu_fmt(const eng_engine *e, const eng_fact *f)
{
    static char buf[512];
    eng_fact_format(e, f, buf, sizeof buf);
    return buf;
}

/* Runs to completion, asserting STATUS; returns the number of firings. */
#define run(e) tu_run((e), ENG_OK, __FILE__, __LINE__)

static inline long tu_run(eng_engine *e, int status, const char *file, int line)
{
    long fired = -1;
    int rc = eng_run(e, 0, &fired);
    if (rc != status)
        tu_dump_diags(e);
    _assert_int_equal(rc, status, file, line);
    return fired;
}

/* ------------------------------------------------------------ firings */

/* Records every ENG_EV_FIRE as "rule:fact1,fact2" (fact text) and every
 * other event kind as counts. */
#define TU_MAXREC 256

typedef struct tu_rec {
    eng_engine *e;
    int n;
    char fires[TU_MAXREC][128];
    int activations, deactivations, asserts, retracts;
} tu_rec;

static inline void tu_listener(void *ud, const eng_event *ev)
{
    tu_rec *r = ud;
    switch (ev->kind) {
    case ENG_EV_FIRE:
        if (r->n < TU_MAXREC) {
            char *p = r->fires[r->n++];
            size_t o = (size_t)snprintf(p, 128, "%s:", eng_rule_name(ev->rule));
            for (size_t i = 0; i < ev->nfacts && o < 120; i++) {
                char tmp[64];
                eng_fact_format(r->e, ev->facts[i], tmp, sizeof tmp);
                o += (size_t)snprintf(p + o, 128 - o, "%s%s", i ? "," : "", tmp);
            }
        }
        break;
    case ENG_EV_ACTIVATE: r->activations++; break;
    case ENG_EV_DEACTIVATE: r->deactivations++; break;
    case ENG_EV_ASSERT: r->asserts++; break;
    case ENG_EV_RETRACT: r->retracts++; break;
    }
}

static inline void tu_record(eng_engine *e, tu_rec *r)
{
    memset(r, 0, sizeof *r);
    r->e = e;
    eng_set_listener(e, tu_listener, r);
}

/* All firings joined with " | ", into BUF. */
static inline const char *tu_fires(const tu_rec *r, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " | " : "",
                              r->fires[i]);
    return buf;
}

#endif
