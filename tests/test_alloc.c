/*
 * test_alloc.c -- allocation failure: making an engine, loading a
 * knowledge base, resetting and running, reading an answers file and
 * asserting its respondents, while the 1st, 2nd, 3rd ... allocation
 * fails.  Every failure must give a clean status (never a
 * crash, never success with half a knowledge base) and leak nothing: the
 * counting allocator below checks that every block is returned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/engine.h"

typedef struct counter {
    long calls;     /* allocations (not frees) so far */
    long fail_at;   /* the allocation number that fails; 0 never */
    long live;      /* blocks not yet freed */
    int failed;     /* the planned failure happened */
} counter;

/* A realloc that also counts blocks; header keeps nothing, so track by
 * counting transitions NULL -> block and block -> NULL. */
static void *counting_alloc(void *ud, void *ptr, size_t n)
{
    counter *c = ud;
    if (n == 0) {
        if (ptr) {
            c->live--;
            free(ptr);
        }
        return NULL;
    }
    c->calls++;
    if (c->fail_at && c->calls == c->fail_at) {
        c->failed = 1;
        return NULL;
    }
    void *p = realloc(ptr, n);
    if (p && !ptr)
        c->live++;
    return p;
}

static const char kb_text[] =
    "[facts start]\n"
    "fact = item a 3\n"
    "fact = item b 5\n"
    "fact = label \"a string\" 1.5\n"
    "\n"
    "[question org.type]\n"
    "group = Organisation\n"
    "text = What kind of organisation?\n"
    "type = one\n"
    "option = municipality : Municipality\n"
    "option = region : Region\n"
    "\n"
    "[question org.name]\n"
    "text = Name?\n"
    "type = text\n"
    "pattern = ^[A-Za-z ]+$\n"
    "ask_if = answer org.type ?t\n"
    "ask_if = ?t != region\n"
    "\n"
    "[rule big]\n"
    "salience = 5\n"
    "when = item ?x ?n\n"
    "when = ?n > 4\n"
    "then = add total ?n\n"
    "then = assert big ?x\n"
    "because = {?x} is big ({?n})\n"
    "\n"
    "[rule none]\n"
    "when = not item ?x 1\n"
    "when = exists item ?y ?z\n"
    "when = answer org.type ?t\n"
    "when = ?t ~ /^mun/i\n"
    "then = assert no-ones ?t\n"
    "\n"
    "[rule chain]\n"
    "when = ?f <- big ?x\n"
    "when = item ?x ?n (?n * 2 > 9)\n"
    "then = retract ?f\n"
    "then = assert doubled ?x (?n * 2)\n"
    "\n"
    "[test municipality]\n"
    "answer.org.type = municipality\n"
    "expect = no-ones municipality\n";

/* One attempt with allocation FAIL_AT failing; returns 1 when everything
 * succeeded (no failure was hit). */
static int attempt(long fail_at)
{
    counter c = {0, fail_at, 0, 0};
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.alloc = counting_alloc;
    cfg.alloc_ud = &c;
    eng_engine *e = eng_new(&cfg);
    int done = 0;
    if (!e) {
        assert_true(c.failed);
        assert_int_equal(c.live, 0);
        return 0;
    }
    int rc = eng_load_buffer(e, "alloc.ini", kb_text, strlen(kb_text));
    if (rc == ENG_OK) {
        assert_int_equal(eng_rule_count(e), 3);
        assert_int_equal(eng_question_count(e), 2);
        rc = eng_reset(e);
    }
    if (rc == ENG_OK)
        rc = eng_assert_text(e, "answer org.type municipality", NULL);
    if (rc == ENG_OK)
        rc = eng_run(e, 0, NULL);
    if (rc == ENG_OK) {
        eng_value v[2];
        assert_int_equal(eng_intern(e, "doubled", 7, ENG_SYMBOL, &v[0]), ENG_OK);
        assert_int_equal(eng_query(e, "no-ones municipality", NULL, NULL), 1);
        assert_int_equal(eng_query(e, "doubled b 10", NULL, NULL), 1);
        assert_int_equal(eng_query(e, "total 5", NULL, NULL), 1);
        done = !c.failed;
    }
    /* A failure may also be absorbed where the allocation was optional
     * (PCRE2's JIT falls back to its interpreter): then every call said
     * ENG_OK and the results above were checked in full. */
    if (!c.failed)
        assert_int_equal(rc, ENG_OK);
    else if (rc != ENG_OK)
        assert_true(rc == ENG_ENOMEM || rc == ENG_EINVAL);
    eng_free(e);
    assert_int_equal(c.live, 0);
    return done;
}

static void test_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    long n;
    for (n = 1; n < 100000; n++)
        if (attempt(n))
            break;
    /* the loop ended because an attempt got through without a failure */
    assert_true(n > 50);
    assert_true(n < 100000);
}

static void test_no_failure_no_leak(void **state)
{
    (void)state;
    assert_true(attempt(0));
}

/* ------------------------------------------------------------ answers */

static const char answers_text[] =
    "; two respondents and one with an error\n"
    "[answers first]\n"
    "org.type = Municipality\n"
    "org.name = Harbour\n"
    "   Town\n"
    "\n"
    "[answers broken]\n"
    "org.type = castle\n"
    "\n"
    "[answers second]\n"
    "org.type = region\n";

static char answers_path[64];

/* 1 if the fact written TEXT is in working memory (without allocating:
 * eng_query would, and could meet the failing allocation itself). */
static int has_fact(eng_engine *e, const char *text)
{
    char buf[128];
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f))
        if (eng_fact_format(e, f, buf, sizeof buf) < sizeof buf && !strcmp(buf, text))
            return 1;
    return 0;
}

/* Reads the answers file and asserts each respondent with allocation
 * FAIL_AT failing: a call fails with ENG_ENOMEM (NULL from
 * eng_answers_read), or else every answer is there: a failure never loses
 * an answer silently.  Returns 1 when no failure was hit. */
static int attempt_answers(long fail_at)
{
    counter c = {0, 0, 0, 0};
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.alloc = counting_alloc;
    cfg.alloc_ud = &c;
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    assert_int_equal(eng_load_buffer(e, "alloc.ini", kb_text, strlen(kb_text)), ENG_OK);
    c.fail_at = c.calls + fail_at;      /* count from here on */
    int rc = ENG_OK;
    eng_answers *a = eng_answers_read(e, answers_path);
    if (!a) {
        assert_true(c.failed);
        rc = ENG_ENOMEM;
    } else {
        assert_int_equal(eng_answers_count(a), 3);
        assert_string_equal(eng_answers_name(a, 2), "second");
        assert_true(eng_answers_valid(a, 0));
        assert_false(eng_answers_valid(a, 1));
        assert_true(eng_answers_valid(a, 2));
    }
    for (size_t i = 0; a && i < 3 && rc == ENG_OK; i += 2) {
        rc = eng_reset(e);
        if (rc == ENG_OK)
            rc = eng_answers_assert(e, a, i);
        if (rc == ENG_OK && i == 0) {
            assert_int_equal(eng_fact_count(e), 5);     /* 3 [facts] + 2 answers */
            assert_true(has_fact(e, "answer org.type municipality"));
            assert_true(has_fact(e, "answer org.name \"Harbour Town\""));
        } else if (rc == ENG_OK) {
            assert_int_equal(eng_fact_count(e), 4);
            assert_true(has_fact(e, "answer org.type region"));
        }
    }
    if (rc != ENG_OK)
        assert_int_equal(rc, ENG_ENOMEM);
    eng_answers_free(a);
    eng_free(e);
    assert_int_equal(c.live, 0);
    return !c.failed;
}

static void test_answers_allocation_fails_cleanly(void **state)
{
    (void)state;
    strcpy(answers_path, "/tmp/ldt-test-alloc-XXXXXX");
    int fd = mkstemp(answers_path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(answers_text, fp);
    assert_int_equal(fclose(fp), 0);
    assert_true(attempt_answers(0));
    long n;
    for (n = 1; n < 10000; n++)
        if (attempt_answers(n))
            break;
    unlink(answers_path);
    assert_true(n > 20);
    assert_true(n < 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_failure_no_leak),
        cmocka_unit_test(test_every_allocation_fails_cleanly),
        cmocka_unit_test(test_answers_allocation_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
