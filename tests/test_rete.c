/*
 * test_rete.c -- matching, the agenda and firing (engine/rete.c, with the
 * expressions of engine/expr.c and the network of engine/compile.c): one
 * test per construct of the rule language in spec/RULES.md -- joins,
 * `?f <-` and retract, `not`, `exists`, tests and arithmetic, assert with
 * expressions, `add`, halt, salience, depth and breadth strategies,
 * refraction, facts as a set, determinism, the firing limit, provenance
 * and `because`, reset, node sharing and self-joins.
 *
 * Firing order is observed through eng_set_listener (ENG_EV_FIRE events,
 * recorded as "rule:fact,fact" by test_util.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

/* The firings recorded by R, joined with " | ". */
static const char *fires(const tu_rec *r)
{
    static char buf[8192];
    return tu_fires(r, buf, sizeof buf);
}

/* Asserts that the firings recorded in R are exactly WANT. */
#define assert_fires(r, want) do { \
        const char *got_ = fires(r); \
        if (strcmp(got_, (want))) \
            fprintf(stderr, "fired: %s\nwanted: %s\n", got_, (want)); \
        assert_string_equal(got_, (want)); \
    } while (0)

/* ------------------------------------------------------------ joins */

static void join_on_shared_variable(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule near]\n"
        "when = person ?p ?city\n"
        "when = office ?city ?o\n"
        "then = assert works-near ?p ?o\n");
    fact(e, "person ann paris");
    fact(e, "person bob rome");
    fact(e, "office paris hq");
    fact(e, "office berlin b2");
    assert_int_equal(run(e), 1);
    assert_int_equal(tu_count(e, "works-near ? ?"), 1);
    assert_non_null(tu_find(e, "works-near ann hq"));
}

static void join_in_any_assertion_order(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule chain]\n"
        "when = a ?x ?y\n"
        "when = b ?y ?z\n"
        "when = c ?z ?x\n"
        "then = assert cycle ?x ?y ?z\n");
    /* right side first, then the left, then the middle */
    fact(e, "c 3 1");
    fact(e, "c 3 9");
    fact(e, "a 1 2");
    fact(e, "a 9 8");
    fact(e, "b 2 3");
    fact(e, "b 8 4");
    assert_int_equal(run(e), 1);
    assert_int_equal(tu_count(e, "cycle ? ? ?"), 1);
    assert_non_null(tu_find(e, "cycle 1 2 3"));
    /* a fact added after the run joins incrementally */
    fact(e, "c 4 9");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "cycle 9 8 4"));
}

static void repeated_variable_in_one_pattern(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule same]\n"
        "when = pair ?x ?x\n"
        "then = assert twin ?x\n");
    fact(e, "pair 1 1");
    fact(e, "pair 1 2");
    fact(e, "pair a a");
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "twin 1"));
    assert_non_null(tu_find(e, "twin a"));
    assert_int_equal(tu_count(e, "twin ?"), 2);
}

static void pattern_arity_must_match(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule two]\n"
        "when = answer q ?v\n"
        "then = assert got ?v\n");
    fact(e, "answer q");
    fact(e, "answer q 1 2");
    fact(e, "answer r 3");
    fact(e, "answer q 4");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "got 4"));
}

static void patterns_compare_values_exactly(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule sym]\n"
        "when = answer kind arena\n"
        "then = assert matched symbol\n"
        "[rule str]\n"
        "when = answer kind \"arena\"\n"
        "then = assert matched string\n"
        "[rule num]\n"
        "when = answer n 3\n"
        "then = assert matched three\n");
    fact(e, "answer kind \"arena\"");
    fact(e, "answer n 3.0");
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "matched string"));
    assert_non_null(tu_find(e, "matched three"));
    assert_null(tu_find(e, "matched symbol"));
}

static void many_constants_in_first_field(void **state)
{
    eng_engine *e = ENG(state);
    /* rules told apart by the constant after the relation (the alpha
     * dispatch on field 1) */
    char kb[8192];
    size_t o = 0;
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(kb + o, sizeof kb - o,
                              "[rule r%d]\nwhen = answer q%d ?v\nthen = assert got q%d ?v\n",
                              i, i, i);
    load_ok(e, kb);
    fact(e, "answer q7 yes");
    fact(e, "answer q31 no");
    fact(e, "answer q99 no");
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "got q7 yes"));
    assert_non_null(tu_find(e, "got q31 no"));
    assert_int_equal(tu_count(e, "got ? ?"), 2);
}

/* ------------------------------------------------------------ ?f <- */

static void fact_binding_and_retract(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule done]\n"
        "when = ?t <- todo ?x\n"
        "when = finished ?x\n"
        "then = retract ?t\n"
        "then = assert done ?x\n");
    const eng_fact *t1 = fact(e, "todo a");
    const eng_fact *t2 = fact(e, "todo b");
    fact(e, "finished a");
    assert_int_equal(run(e), 1);
    assert_false(eng_fact_live(t1));
    assert_true(eng_fact_live(t2));
    assert_null(tu_find(e, "todo a"));
    assert_non_null(tu_find(e, "done a"));
    assert_null(tu_find(e, "done b"));
    /* a retracted fact stays readable until reset */
    assert_string_equal(tu_fmt(e, t1), "todo a");
}

static void retract_two_facts_at_once(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule merge]\n"
        "when = ?a <- part ?x 1\n"
        "when = ?b <- part ?x 2\n"
        "then = retract ?a ?b\n"
        "then = assert whole ?x\n");
    fact(e, "part p 1");
    fact(e, "part p 2");
    fact(e, "part q 1");
    assert_int_equal(run(e), 1);
    assert_int_equal(tu_count(e, "part ? ?"), 1);
    assert_non_null(tu_find(e, "part q 1"));
    assert_non_null(tu_find(e, "whole p"));
}

/* ------------------------------------------------------------ not */

static const char *const NOT_KB =
    "[rule free]\n"
    "when = a ?x\n"
    "when = not b ?x\n"
    "then = assert c ?x\n";

static void not_true_when_absent(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, NOT_KB);
    fact(e, "a 1");
    fact(e, "a 2");
    fact(e, "b 2");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "c 1"));
    assert_null(tu_find(e, "c 2"));
}

static void not_turning_false_withdraws_activation(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e, NOT_KB);
    tu_record(e, &r);
    fact(e, "a 1");
    assert_int_equal(eng_agenda_count(e), 1);
    assert_int_equal(r.activations, 1);
    fact(e, "b 1");
    assert_int_equal(eng_agenda_count(e), 0);
    assert_int_equal(r.deactivations, 1);
    assert_int_equal(run(e), 0);
    assert_null(tu_find(e, "c 1"));
    /* an unrelated b does not matter */
    fact(e, "a 5");
    fact(e, "b 6");
    assert_int_equal(eng_agenda_count(e), 1);
}

static void not_turning_true_again(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, NOT_KB);
    fact(e, "a 1");
    const eng_fact *b = fact(e, "b 1");
    assert_int_equal(eng_agenda_count(e), 0);
    assert_int_equal(eng_retract(e, b), ENG_OK);
    assert_int_equal(eng_agenda_count(e), 1);
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "c 1"));
}

/* Refraction is per activation, as in CLIPS: an activation that fired,
 * was withdrawn when its `not` stopped holding and is made again when it
 * holds again is a new one, and fires again (README, the language). */
static void not_turning_true_after_firing_fires_again(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, NOT_KB);
    fact(e, "a 1");
    assert_int_equal(run(e), 1);
    const eng_fact *b = fact(e, "b 1");
    assert_int_equal(eng_agenda_count(e), 0);
    assert_int_equal(eng_retract(e, b), ENG_OK);
    assert_int_equal(eng_agenda_count(e), 1);
    assert_int_equal(run(e), 1);
}

static void not_with_two_blockers(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule free]\n"
        "when = a ?x\n"
        "when = not b ?x ?\n"
        "then = assert c ?x\n");
    fact(e, "a 1");
    const eng_fact *b1 = fact(e, "b 1 x");
    const eng_fact *b2 = fact(e, "b 1 y");
    eng_retract(e, b1);
    /* one blocker left */
    assert_int_equal(eng_agenda_count(e), 0);
    eng_retract(e, b2);
    assert_int_equal(eng_agenda_count(e), 1);
}

static void not_without_positive_patterns(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule empty]\n"
        "when = not blocker\n"
        "then = assert nothing-blocks\n"
        "[rule always]\n"
        "then = assert always-ran\n");
    /* rules without positive patterns are active after reset */
    assert_int_equal(eng_agenda_count(e), 2);
    const eng_fact *b = fact(e, "blocker");
    assert_int_equal(eng_agenda_count(e), 1);
    eng_retract(e, b);
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "nothing-blocks"));
    assert_non_null(tu_find(e, "always-ran"));
}

static void not_with_constraint_on_outer_variable(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule smallest]\n"
        "when = item ?x ?n\n"
        "when = not item ?y ?k (?k < ?n)\n"
        "then = assert smallest ?x\n");
    fact(e, "item a 3");
    fact(e, "item b 1");
    fact(e, "item c 2");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "smallest b"));
    assert_int_equal(tu_count(e, "smallest ?"), 1);
}

/* ------------------------------------------------------------ exists */

static void exists_fires_once(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule any]\n"
        "when = exists item ?\n"
        "then = add items-seen 1\n");
    tu_record(e, &r);
    fact(e, "item a");
    fact(e, "item b");
    fact(e, "item c");
    assert_int_equal(eng_agenda_count(e), 1);
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "items-seen 1"));
    /* more matching facts do not make it fire again */
    fact(e, "item d");
    assert_int_equal(run(e), 0);
    assert_int_equal(r.n, 1);
}

static void exists_per_outer_binding(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule full]\n"
        "when = box ?b\n"
        "when = exists item ?b ?\n"
        "then = assert not-empty ?b\n");
    fact(e, "box 1");
    fact(e, "box 2");
    fact(e, "box 3");
    fact(e, "item 1 x");
    fact(e, "item 1 y");
    fact(e, "item 3 z");
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "not-empty 1"));
    assert_non_null(tu_find(e, "not-empty 3"));
    assert_null(tu_find(e, "not-empty 2"));
}

static void exists_withdrawn_when_last_match_goes(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule any]\n"
        "when = exists item ?\n"
        "then = assert some\n");
    const eng_fact *a = fact(e, "item a");
    const eng_fact *b = fact(e, "item b");
    eng_retract(e, a);
    assert_int_equal(eng_agenda_count(e), 1);
    eng_retract(e, b);
    assert_int_equal(eng_agenda_count(e), 0);
    assert_int_equal(run(e), 0);
}

/* ------------------------------------------------------------ tests */

typedef struct trow {
    const char *x;      /* the value of ?x (?y is always 3) */
    const char *test;   /* the `when` test */
    int fires;
} trow;

static const trow TESTS[] = {
    {"5", "?x = 5", 1},             {"6", "?x = 5", 0},
    {"5.0", "?x = 5", 1},           {"5", "?x = 5.0", 1},
    {"5", "?x != 5", 0},            {"6", "?x != 5", 1},
    {"4", "?x < 5", 1},             {"5", "?x < 5", 0},
    {"5", "?x <= 5", 1},            {"6", "?x <= 5", 0},
    {"6", "?x > 5", 1},             {"5", "?x > 5", 0},
    {"5", "?x >= 5", 1},            {"4", "?x >= 5", 0},
    {"2", "?x < 2.5", 1},           {"-3", "?x < -2", 1},
    {"10", "?x > 9", 1},            {"0.5", "?x > 0.25", 1},
    /* symbols and strings: by their bytes */
    {"arena", "?x = arena", 1},     {"arena", "?x = \"arena\"", 1},
    {"\"arena\"", "?x = arena", 1}, {"arena", "?x != lab", 1},
    {"apple", "?x < banana", 1},    {"banana", "?x < apple", 0},
    {"Zebra", "?x < apple", 1},     {"ab", "?x < abc", 1},
    /* a number never equals a symbol; ordering them is false */
    {"b", "?x < 5", 0},             {"b", "?x >= 5", 0},
    {"5", "?x = five", 0},          {"5", "?x != five", 1},
    /* membership */
    {"partners", "?x in {open, partners}", 1},
    {"closed", "?x in {open, partners}", 0},
    {"2", "?x in {1, 2, 3}", 1},    {"2.0", "?x in {1, 2, 3}", 1},
    {"4", "?x in {1, 2, 3}", 0},    {"4", "?x in {?y + 1, 9}", 1},
    {"\"open\"", "?x in {open}", 1},
    /* regular expressions */
    {"arena", "?x ~ /^ar/", 1},     {"Arena", "?x ~ /^ar/", 0},
    {"Arena", "?x ~ /^ar/i", 1},    {"lab", "?x ~ /^ar/", 0},
    {"\"Data steward\"", "?x ~ /steward$/", 1},
    {"arena", "?x ~ /a r e n a/x", 1},
    {"org.size", "?x ~ /^org\\.[a-z]+$/", 1},
    {"\"caf\xc3\xa9\"", "?x ~ /^caf.$/u", 1},
    /* arithmetic and precedence */
    {"5", "?x + 2 * 3 = 11", 1},    {"5", "(?x + 2) * 3 = 21", 1},
    {"5", "?x - 2 - 1 = 2", 1},     {"8", "?x / 2 / 2 = 2", 1},
    {"5", "?x / 2 = 2.5", 1},       {"6", "?x / 2 = 3", 1},
    {"5", "-?x = -5", 1},           {"5", "?x * -1 = -5", 1},
    {"5", "?x - ?y = 2", 1},        {"5", "?x = ?y + 2", 1},
    {"5", "?x + 1 > ?y * 2", 0},    {"0.1", "?x + 0.2 > 0.3", 1},
    {"5", "?x / 0 = 1", 0},         {"a", "?x + 1 = 2", 0},
    /* and, or, not, parentheses */
    {"5", "?x > 1 and ?x < 10", 1}, {"5", "?x > 6 and ?x < 10", 0},
    {"5", "?x > 6 or ?x = 5", 1},   {"5", "?x > 6 or ?x < 2", 0},
    {"5", "not ?x = 5", 0},         {"5", "not ?x = 6", 1},
    {"7", "?x > 6 or ?x > 1 and ?x < 3", 1},
    {"7", "(?x > 6 or ?x > 1) and ?x < 3", 0},
    {"5", "not (?x > 6 or ?x < 2)", 1},
    {"5", "not not ?x = 5", 1},
    /* the three ways to write a test */
    {"5", "test ?x = 5", 1},        {"5", "(?x = 5)", 1},
    {"5", "?x > ?y", 1},            {"2", "?x > ?y", 0},
};

static void tests_and_expressions(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof TESTS / sizeof *TESTS; i++) {
        const trow *t = &TESTS[i];
        eng_engine *e = eng_new(NULL);
        assert_non_null(e);
        char kb[512], f[128];
        snprintf(kb, sizeof kb,
                 "[rule t]\nwhen = v ?x\nwhen = w ?y\nwhen = %s\nthen = assert hit\n",
                 t->test);
        int rc = tu_load(e, kb);
        if (rc != ENG_OK) {
            fprintf(stderr, "'%s' does not load:\n", t->test);
            tu_dump_diags(e);
            bad++;
            eng_free(e);
            continue;
        }
        assert_int_equal(eng_reset(e), ENG_OK);
        snprintf(f, sizeof f, "v %s", t->x);
        fact(e, f);
        fact(e, "w 3");
        long fired = 0;
        rc = eng_run(e, 0, &fired);
        int hit = tu_find(e, "hit") != NULL;
        if (rc != ENG_OK || hit != t->fires) {
            fprintf(stderr, "?x = %s, when = %s: %s (rc %d)\n", t->x, t->test,
                    hit ? "fired" : "did not fire", rc);
            tu_dump_diags(e);
            bad++;
        }
        eng_free(e);
    }
    assert_int_equal(bad, 0);
}

static void pattern_constraints(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule over]\n"
        "when = limit ?max\n"
        "when = item ?name ?v (?v > ?max) (?name != skip)\n"
        "then = assert over ?name\n");
    fact(e, "limit 10");
    fact(e, "item a 5");
    fact(e, "item b 15");
    fact(e, "item skip 20");
    fact(e, "item c 11");
    assert_int_equal(run(e), 2);
    assert_non_null(tu_find(e, "over b"));
    assert_non_null(tu_find(e, "over c"));
    assert_int_equal(tu_count(e, "over ?"), 2);
}

static void test_across_patterns_retracts_cleanly(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule bigger]\n"
        "when = a ?x\n"
        "when = b ?y\n"
        "when = ?x > ?y\n"
        "then = assert bigger ?x ?y\n");
    fact(e, "a 5");
    const eng_fact *b = fact(e, "b 3");
    fact(e, "b 7");
    assert_int_equal(eng_agenda_count(e), 1);
    eng_retract(e, b);
    assert_int_equal(eng_agenda_count(e), 0);
    assert_int_equal(run(e), 0);
}

/* ------------------------------------------------------------ assert */

static void assert_with_expression_terms(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule calc]\n"
        "when = n ?x\n"
        "then = assert calc ?x (?x * 2) (?x / 2) ((?x + 1) * 2) (-?x) (?x - 0.5)\n");
    fact(e, "n 4");
    fact(e, "n 7");
    assert_int_equal(run(e), 2);
    /* exact division gives an integer, inexact a real */
    const eng_fact *a = tu_find(e, "calc 4 8 2 10 -4 3.5");
    const eng_fact *b = tu_find(e, "calc 7 14 3.5 16 -7 6.5");
    if (!a || !b) {
        for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f))
            fprintf(stderr, "  %s\n", tu_fmt(e, f));
    }
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(eng_fact_value(a, 3).type, ENG_INT);
    assert_int_equal(eng_fact_value(b, 3).type, ENG_REAL);
}

static void assert_normalises_integral_reals(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule sum]\n"
        "when = n ?x\n"
        "then = assert sum (?x + ?x)\n");
    fact(e, "n 1.5");
    assert_int_equal(run(e), 1);
    const eng_fact *f = tu_find(e, "sum 3");
    assert_non_null(f);
    assert_int_equal(eng_fact_value(f, 1).type, ENG_INT);
    assert_string_equal(tu_fmt(e, f), "sum 3");
}

static void assert_constants_and_strings(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule say]\n"
        "when = answer q ?v\n"
        "then = assert reason arena \"{?v} partners\" ?v -2 0.75\n");
    fact(e, "answer q \"x y\"");
    assert_int_equal(run(e), 1);
    const eng_fact *f = tu_get(e, "reason ? ? ? ? ?");
    assert_non_null(f);
    /* {?v} is not interpolated in a string fact: only `because` does that */
    assert_string_equal(tu_fmt(e, f), "reason arena \"{?v} partners\" \"x y\" -2 0.75");
}

static void runtime_error_in_action(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule bad]\n"
        "when = n ?x\n"
        "then = assert half (?x + 1)\n");
    fact(e, "n abc");
    long fired = 0;
    assert_int_equal(eng_run(e, 0, &fired), ENG_ERUNTIME);
    const eng_diag *d = tu_find_diag(e, "in rule 'bad'");
    assert_non_null(d);
    assert_int_equal(d->severity, ENG_ERROR);
    assert_int_equal(d->line, 3);
    assert_non_null(strstr(d->message, "number"));
    assert_null(tu_find(e, "half ?"));
}

static void runtime_error_division_by_zero(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule bad]\n"
        "when = n ?x\n"
        "then = assert inv (1 / ?x)\n");
    fact(e, "n 0");
    assert_int_equal(eng_run(e, 0, NULL), ENG_ERUNTIME);
    assert_non_null(tu_find_diag(e, "division by zero"));
}

/* Integer arithmetic that would overflow is done in floating point, as
 * the language's numbers are one kind; a result past the doubles is an
 * error, not an infinity; a regular expression reads a number as written. */
static void arithmetic_at_the_edges(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule add]\nwhen = max ?x\nthen = assert add (?x + 1)\n"
        "[rule mul]\nwhen = max ?x\nthen = assert mul (?x * 2)\n"
        "[rule neg]\nwhen = min ?x\nthen = assert neg (- ?x)\n"
        "[rule div]\nwhen = max ?x\nthen = assert div (?x / 2)\n"
        "[rule re]\nwhen = max ?x\nwhen = ?x ~ /^92.*7$/\nthen = assert re\n");
    fact(e, "max 9223372036854775807");
    fact(e, "min -9223372036854775808");
    run(e);
    assert_non_null(tu_find(e, "add 9223372036854775808.0"));
    assert_non_null(tu_find(e, "mul 18446744073709551614.0"));
    assert_non_null(tu_find(e, "neg 9223372036854775808.0"));
    assert_non_null(tu_find(e, "div 4611686018427387903.5"));
    assert_non_null(tu_find(e, "re"));
    const eng_fact *f = tu_find(e, "add ?");
    assert_int_equal(eng_fact_value(f, 1).type, ENG_REAL);

    eng_engine *e2 = eng_new(NULL);
    assert_non_null(e2);
    load_ok(e2, "[rule sq]\nwhen = big ?x\nthen = assert sq (?x * ?x)\n");
    fact(e2, "big 1e300");
    assert_int_equal(eng_run(e2, 0, NULL), ENG_ERUNTIME);
    assert_non_null(tu_find_diag(e2, "in rule 'sq': the result is out of range"));
    assert_null(tu_find(e2, "sq ?"));
    eng_free(e2);
}

/* ------------------------------------------------------------ add */

static const char *const ADD_KB =
    "[rule s1]\n"
    "when = answer a yes\n"
    "then = add score arena 3\n"
    "[rule s2]\n"
    "when = answer b yes\n"
    "then = add score arena 2\n"
    "[rule s3]\n"
    "when = answer c yes\n"
    "then = add score lab 1\n";

static void add_creates_at_zero(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, ADD_KB);
    const eng_fact *a = fact(e, "answer a yes");
    assert_int_equal(run(e), 1);
    const eng_fact *s = tu_find(e, "score arena 3");
    assert_non_null(s);
    assert_int_equal(tu_count(e, "score ? ?"), 1);
    /* created at 0: no previous total among its supports */
    assert_int_equal(eng_fact_origin(s), ENG_FROM_RULE);
    assert_ptr_equal(eng_fact_rule(s), tu_rule(e, "s1"));
    assert_int_equal(eng_fact_support_count(s), 1);
    assert_ptr_equal(eng_fact_support(s, 0), a);
}

static void add_accumulates_with_provenance(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, ADD_KB);
    fact(e, "answer a yes");
    fact(e, "answer b yes");
    fact(e, "answer c yes");
    assert_int_equal(run(e), 3);
    /* one total per leading terms */
    assert_int_equal(tu_count(e, "score arena ?"), 1);
    assert_int_equal(tu_count(e, "score lab ?"), 1);
    const eng_fact *total = tu_find(e, "score arena 5");
    assert_non_null(total);
    assert_non_null(tu_find(e, "score lab 1"));
    /* the previous total is the last support, and no longer live */
    assert_int_equal(eng_fact_support_count(total), 2);
    const eng_fact *prev = eng_fact_support(total, 1);
    assert_non_null(prev);
    assert_false(eng_fact_live(prev));
    const eng_rule *r = eng_fact_rule(total);
    int64_t delta = r == tu_rule(e, "s1") ? 3 : 2;
    assert_true(r == tu_rule(e, "s1") || r == tu_rule(e, "s2"));
    assert_int_equal(eng_fact_value(prev, 2).type, ENG_INT);
    assert_int_equal(eng_fact_value(prev, 2).u.i, 5 - delta);
    /* and the first total was created at 0 */
    assert_int_equal(eng_fact_support_count(prev), 1);
    assert_ptr_not_equal(eng_fact_rule(prev), r);
}

static void add_reals_and_negatives(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule half]\n"
        "when = tick ?t\n"
        "then = add total 0.5\n"
        "[rule minus]\n"
        "when = debit ?d\n"
        "then = add balance (0 - ?d)\n");
    fact(e, "tick 1");
    fact(e, "tick 2");
    fact(e, "debit 4");
    fact(e, "debit 1.5");
    assert_int_equal(run(e), 4);
    const eng_fact *t = tu_find(e, "total 1");
    assert_non_null(t);
    assert_int_equal(eng_fact_value(t, 1).type, ENG_INT);
    assert_non_null(tu_find(e, "balance -5.5"));
}

static void add_seen_by_other_rules(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule point]\n"
        "salience = 10\n"
        "when = answer ?q yes\n"
        "then = add score 1\n"
        "[rule enough]\n"
        "when = score ?n\n"
        "when = ?n >= 3\n"
        "then = assert enough ?n\n");
    fact(e, "answer a yes");
    fact(e, "answer b yes");
    fact(e, "answer c yes");
    run(e);
    /* the intermediate totals 1 and 2 were retracted before `enough` saw
     * them; only the final one is live */
    assert_non_null(tu_find(e, "score 3"));
    assert_int_equal(tu_count(e, "score ?"), 1);
    assert_non_null(tu_find(e, "enough 3"));
    assert_int_equal(tu_count(e, "enough ?"), 1);
}

/* Adding 0 to a total is a contribution like any other: the total is
 * asserted anew with the previous one and the firing in its provenance,
 * so an explanation lists the reason (rules/journey.ini adds 0 to say why
 * a unit is in reach). */
static void add_zero_is_a_contribution(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule base]\n"
        "when = unit u\n"
        "then = add score u 3\n"
        "[rule in-reach]\n"
        "salience = -1\n"
        "when = unit u\n"
        "then = add score u 0\n");
    fact(e, "unit u");
    assert_int_equal(run(e), 2);
    assert_int_equal(tu_count(e, "score u ?"), 1);
    const eng_fact *total = tu_find(e, "score u 3");
    assert_non_null(total);
    assert_string_equal(eng_rule_name(eng_fact_rule(total)), "in-reach");
    /* the previous total, of rule base, is in its provenance */
    int prev = 0;
    for (size_t i = 0; i < eng_fact_support_count(total); i++) {
        const eng_fact *f = eng_fact_support(total, i);
        if (eng_fact_rule(f) && !strcmp(eng_rule_name(eng_fact_rule(f)), "base"))
            prev = 1;
    }
    assert_true(prev);
}

/* ------------------------------------------------------------ halt */

static void halt_stops_the_run(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule stop]\n"
        "salience = 10\n"
        "when = go\n"
        "then = assert stopped\n"
        "then = halt\n"
        "then = assert after-halt\n"
        "[rule later]\n"
        "when = go\n"
        "then = assert later\n");
    fact(e, "go");
    long fired = 0;
    assert_int_equal(eng_run(e, 0, &fired), ENG_OK);
    assert_int_equal(fired, 1);
    assert_true(eng_halted(e));
    /* the run stops after the rule: its remaining actions still run */
    assert_non_null(tu_find(e, "stopped"));
    assert_non_null(tu_find(e, "after-halt"));
    assert_null(tu_find(e, "later"));
    assert_int_equal(eng_agenda_count(e), 1);
    /* the next run carries on */
    assert_int_equal(run(e), 1);
    assert_false(eng_halted(e));
    assert_non_null(tu_find(e, "later"));
}

/* ------------------------------------------------------------ order */

static void salience_orders_firings(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule low]\n"
        "salience = -5\n"
        "when = go\n"
        "then = assert did low\n"
        "[rule mid]\n"
        "when = go\n"
        "then = assert did mid\n"
        "[rule high]\n"
        "salience = 10\n"
        "when = go\n"
        "then = assert did high\n"
        "[rule top]\n"
        "salience = 10000\n"
        "when = did low\n"
        "then = assert finished\n");
    tu_record(e, &r);
    fact(e, "go");
    assert_int_equal(run(e), 4);
    assert_fires(&r, "high:go | mid:go | low:go | top:did low");
}

static const char *const ORDER_KB =
    "[rule r1]\n"
    "when = item ?x\n"
    "then = assert derived ?x\n"
    "[rule r2]\n"
    "when = derived ?x\n"
    "then = assert final ?x\n";

static void depth_strategy_newest_first(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e, ORDER_KB);
    assert_int_equal(eng_set_strategy(e, ENG_DEPTH), ENG_OK);
    tu_record(e, &r);
    fact(e, "item 1");
    fact(e, "item 2");
    fact(e, "item 3");
    assert_int_equal(run(e), 6);
    assert_fires(&r, "r1:item 3 | r2:derived 3 | r1:item 2 | r2:derived 2 | "
                     "r1:item 1 | r2:derived 1");
}

static void breadth_strategy_oldest_first(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e, ORDER_KB);
    assert_int_equal(eng_set_strategy(e, ENG_BREADTH), ENG_OK);
    tu_record(e, &r);
    fact(e, "item 1");
    fact(e, "item 2");
    fact(e, "item 3");
    assert_int_equal(run(e), 6);
    assert_fires(&r, "r1:item 1 | r1:item 2 | r1:item 3 | r2:derived 1 | "
                     "r2:derived 2 | r2:derived 3");
}

static void depth_is_the_default(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e, ORDER_KB);
    tu_record(e, &r);
    fact(e, "item 1");
    fact(e, "item 2");
    run(e);
    assert_fires(&r, "r1:item 2 | r2:derived 2 | r1:item 1 | r2:derived 1");
}

static void strategy_only_with_empty_agenda(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, ORDER_KB);
    fact(e, "item 1");
    assert_int_equal(eng_set_strategy(e, ENG_BREADTH), ENG_ESTATE);
    run(e);
    assert_int_equal(eng_set_strategy(e, ENG_BREADTH), ENG_OK);
}

static void salience_beats_strategy(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule first]\n"
        "salience = 5\n"
        "when = item ?x\n"
        "then = assert a ?x\n"
        "[rule second]\n"
        "when = item ?x\n"
        "then = assert b ?x\n");
    assert_int_equal(eng_set_strategy(e, ENG_BREADTH), ENG_OK);
    tu_record(e, &r);
    fact(e, "item 1");
    fact(e, "item 2");
    run(e);
    assert_fires(&r, "first:item 1 | first:item 2 | second:item 1 | second:item 2");
}

/* ------------------------------------------------------------ refraction */

static void refraction_fires_once_per_combination(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule seen]\n"
        "when = a ?x\n"
        "then = assert seen ?x\n"
        "[rule again]\n"
        "when = a ?x\n"
        "then = assert a ?x\n");
    fact(e, "a 1");
    /* `again` asserts a fact that exists: no new activation, no loop */
    assert_int_equal(run(e), 2);
    assert_int_equal(run(e), 0);
    assert_int_equal(eng_rule_fired(tu_rule(e, "seen")), 1);
    assert_int_equal(eng_rule_fired(tu_rule(e, "again")), 1);
}

static void refraction_ends_with_retract(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule seen]\n"
        "when = a ?x\n"
        "then = add count ?x 1\n");
    const eng_fact *a = fact(e, "a 1");
    assert_int_equal(run(e), 1);
    eng_retract(e, a);
    assert_int_equal(run(e), 0);
    fact(e, "a 1");
    /* the same values, but a new fact: it fires again */
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "count 1 2"));
}

/* ------------------------------------------------------------ retract */

static void retract_withdraws_pending_activation(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule killer]\n"
        "salience = 10\n"
        "when = trigger\n"
        "when = ?f <- a ?x\n"
        "then = retract ?f\n"
        "[rule user]\n"
        "when = a ?x\n"
        "then = assert used ?x\n");
    tu_record(e, &r);
    const eng_fact *a = fact(e, "a 1");
    fact(e, "trigger");
    assert_int_equal(eng_agenda_count(e), 2);
    assert_int_equal(run(e), 1);
    assert_fires(&r, "killer:trigger,a 1");
    assert_false(eng_fact_live(a));
    assert_null(tu_find(e, "used 1"));
    assert_int_equal(r.deactivations, 1);
    assert_int_equal(eng_agenda_count(e), 0);
}

static void retract_through_api(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule user]\n"
        "when = a ?x\n"
        "when = b ?x\n"
        "then = assert used ?x\n");
    const eng_fact *a = fact(e, "a 1");
    fact(e, "b 1");
    assert_int_equal(eng_agenda_count(e), 1);
    assert_int_equal(eng_retract(e, a), ENG_OK);
    assert_int_equal(eng_agenda_count(e), 0);
    assert_false(eng_fact_live(a));
    assert_int_equal(eng_fact_count(e), 1);
    /* retracting twice is harmless */
    assert_int_equal(eng_retract(e, a), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    assert_int_equal(run(e), 0);
}

/* ------------------------------------------------------------ facts */

static void facts_are_a_set(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule one]\n"
        "when = go\n"
        "then = assert same 1\n"
        "[rule two]\n"
        "when = go\n"
        "then = assert same 1.0\n"
        "[rule count]\n"
        "when = same ?x\n"
        "then = add seen 1\n");
    tu_record(e, &r);
    const eng_fact *a = fact(e, "x 1 arena");
    const eng_fact *b = fact(e, "x 1 arena");
    assert_ptr_equal(a, b);
    assert_int_equal(r.asserts, 1);
    assert_int_equal(eng_fact_count(e), 1);
    /* a string and a symbol of the same text are different facts */
    assert_ptr_not_equal(fact(e, "x 1 \"arena\""), a);
    assert_int_equal(eng_fact_count(e), 2);
    fact(e, "go");
    run(e);
    assert_int_equal(tu_count(e, "same ?"), 1);
    /* `count` fired once: the second assert added nothing */
    assert_non_null(tu_find(e, "seen 1"));
}

static void fact_accessors(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, "");
    const eng_fact *f = fact(e, "answer org.size 45000");
    const eng_fact *g = fact(e, "answer org.type municipality");
    assert_int_equal(eng_fact_id(f), 1);
    assert_int_equal(eng_fact_id(g), 2);
    assert_int_equal(eng_fact_size(f), 3);
    assert_int_equal(eng_fact_value(f, 2).type, ENG_INT);
    assert_int_equal(eng_fact_value(f, 2).u.i, 45000);
    assert_int_equal(eng_fact_origin(f), ENG_FROM_ASSERT);
    assert_ptr_equal(eng_fact_next(e, NULL), f);
    assert_ptr_equal(eng_fact_next(e, f), g);
    assert_null(eng_fact_next(e, g));
    eng_value v[3];
    assert_int_equal(eng_value_parse(e, "answer", &v[0]), ENG_OK);
    assert_int_equal(eng_value_parse(e, "org.size", &v[1]), ENG_OK);
    assert_int_equal(eng_value_parse(e, "45000", &v[2]), ENG_OK);
    assert_ptr_equal(eng_fact_find(e, v, 3), f);
    assert_null(eng_fact_find(e, v, 2));
    eng_retract(e, f);
    assert_null(eng_fact_find(e, v, 3));
    /* the format is the language's */
    char buf[8];
    assert_int_equal(eng_fact_format(e, g, buf, sizeof buf), strlen("answer org.type municipality"));
    assert_string_equal(buf, "answer ");
}

static void assert_rejects_non_facts(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, "");
    assert_int_equal(eng_assert_text(e, "", NULL), ENG_EINVAL);
    assert_int_equal(eng_assert_text(e, "3 a", NULL), ENG_EINVAL);
    assert_int_equal(eng_assert_text(e, "\"s\" a", NULL), ENG_EINVAL);
    assert_int_equal(eng_assert_text(e, "a ?x", NULL), ENG_EINVAL);
    eng_value v;
    assert_int_equal(eng_value_parse(e, "1", &v), ENG_OK);
    assert_int_equal(eng_assert(e, &v, 1, NULL), ENG_EINVAL);
    assert_int_equal(eng_assert(e, &v, 0, NULL), ENG_EINVAL);
    assert_int_equal(eng_fact_count(e), 0);
    assert_int_equal(eng_diag_count(e), 0);
}

static void query_patterns(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, "");
    fact(e, "p 1 1");
    fact(e, "p 1 2");
    fact(e, "p \"s t\" 3");
    fact(e, "q 1 1");
    assert_int_equal(eng_query(e, "p ? ?", NULL, NULL), 3);
    assert_int_equal(eng_query(e, "p ?a ?a", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "p 1 ?", NULL, NULL), 2);
    assert_int_equal(eng_query(e, "p \"s t\" ?n", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "p ?", NULL, NULL), 0);
    assert_int_equal(eng_query(e, "?x 1 1", NULL, NULL), -1);
    assert_int_equal(eng_query(e, "", NULL, NULL), -1);
}

static void calls_before_reset(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(tu_load(e, "[rule r]\nthen = halt\n"), ENG_OK);
    assert_int_equal(eng_assert_text(e, "a 1", NULL), ENG_ESTATE);
    assert_int_equal(eng_run(e, 0, NULL), ENG_ESTATE);
    assert_int_equal(eng_reset(e), ENG_OK);
    /* no loading once running */
    assert_int_equal(tu_load(e, "[rule s]\nthen = halt\n"), ENG_ESTATE);
}

/* ------------------------------------------------------------ determinism */

static const char *const DET_KB =
    "[rule pair]\n"
    "when = p ?x\n"
    "when = q ?y\n"
    "then = assert pair ?x ?y\n"
    "[rule mark]\n"
    "when = p ?x\n"
    "then = add marks ?x 1\n"
    "[rule echo]\n"
    "when = pair ?x ?y\n"
    "when = not q ?x\n"
    "then = assert echo ?y\n"
    "[rule last]\n"
    "salience = -1\n"
    "when = exists pair ? ?\n"
    "then = assert last\n";

static void run_det(eng_engine *e, tu_rec *r)
{
    static const char *facts[] = {"p 1", "q a", "p 2", "q b", "p 3", "q c"};
    tu_record(e, r);
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        fact(e, facts[i]);
    run(e);
    eng_set_listener(e, NULL, NULL);
}

static void deterministic_firing_order(void **state)
{
    eng_engine *e = ENG(state);
    static tu_rec r1, r2, r3;
    static char s1[8192], s2[8192], s3[8192];
    load_ok(e, DET_KB);
    run_det(e, &r1);
    assert_true(r1.n > 10);
    /* the same engine after a reset */
    assert_int_equal(eng_reset(e), ENG_OK);
    run_det(e, &r2);
    /* a fresh engine */
    eng_engine *f = eng_new(NULL);
    assert_non_null(f);
    load_ok(f, DET_KB);
    run_det(f, &r3);
    tu_fires(&r1, s1, sizeof s1);
    tu_fires(&r2, s2, sizeof s2);
    tu_fires(&r3, s3, sizeof s3);
    eng_free(f);
    assert_string_equal(s1, s2);
    assert_string_equal(s1, s3);
}

/* A condition that starts with a symbol is a pattern (RULES.md: tests
 * start with a variable, '(' or `test`), also when its next value is one
 * of the words `in`, `and`, `or`; `b in {...}` with a constant on the
 * left stays a test (an extension). */
static void patterns_may_hold_in_and_or(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule in]\nwhen = flow in ?n\nthen = assert got in ?n\n"
        "[rule and]\nwhen = gate and ?x\nwhen = not gate or ?\nthen = assert got and ?x\n"
        "[rule exists]\nwhen = exists flow in ?\nthen = assert got exists\n"
        "[rule bind]\nsalience = -1\nwhen = ?f <- flow in 3\nthen = retract ?f\n"
        "[rule set]\nwhen = v ?x\nwhen = b in {a, b}\nthen = assert got set ?x\n");
    fact(e, "flow in 3");
    fact(e, "flow in 4");
    fact(e, "gate and 1");
    fact(e, "v 1");
    run(e);
    assert_non_null(tu_find(e, "got in 3"));
    assert_non_null(tu_find(e, "got in 4"));
    assert_non_null(tu_find(e, "got and 1"));
    assert_non_null(tu_find(e, "got exists"));
    assert_non_null(tu_find(e, "got set 1"));
    assert_null(tu_find(e, "flow in 3"));
}

/* A number may start with a sign and a '.', as it may with '.' alone:
 * -.5 and +.5 in facts, tests, sets and actions. */
static void signed_fractions_without_leading_digit(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[facts f]\nfact = v -.5 +.5\n"
        "[rule r]\nwhen = v ?a ?b\n"
        "when = ?a = -.5 and ?b = +.5 and ?a in {.5,-.5} and ?a = (-.5)\n"
        "then = assert ok (?b - -.5) -.5\n");
    run(e);
    assert_non_null(tu_find(e, "v -0.5 0.5"));
    assert_non_null(tu_find(e, "ok 1 -0.5"));
}

/* ------------------------------------------------------------ limit */

static const char *const LOOP_KB =
    "[rule quiet]\n"
    "when = counter 0\n"
    "then = assert started\n"
    "\n"
    "[rule loop]\n"
    "when = ?f <- counter ?n\n"
    "then = retract ?f\n"
    "then = assert counter (?n + 1)\n";

static void firing_limit_names_the_loop(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, LOOP_KB);
    fact(e, "counter 0");
    long fired = 0;
    assert_int_equal(eng_run(e, 50, &fired), ENG_ELIMIT);
    assert_int_equal(fired, 50);
    const eng_diag *d = tu_find_diag(e, "'loop'");
    if (!d)
        tu_dump_diags(e);
    assert_non_null(d);
    assert_int_equal(d->severity, ENG_ERROR);
    assert_non_null(strstr(d->message, "50"));
    /* it points at the looping rule: path, line and column of its name */
    assert_string_equal(d->path, "t.ini");
    assert_int_equal(d->line, 5);
    assert_int_equal(d->col, 7);
    assert_int_equal(d->span, 4);
    /* the most frequent rule is named first */
    const char *q = strstr(d->message, "'quiet'");
    assert_true(q == NULL || q > strstr(d->message, "'loop'"));
}

static void firing_limit_from_config(void **state)
{
    (void)state;
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_firings = 30;
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    load_ok(e, LOOP_KB);
    fact(e, "counter 0");
    long fired = 0;
    assert_int_equal(eng_run(e, 0, &fired), ENG_ELIMIT);
    assert_int_equal(fired, 30);
    assert_non_null(tu_find_diag(e, "'loop'"));
    eng_free(e);
}

static void firing_limit_not_hit_by_finite_run(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule up]\n"
        "when = ?f <- counter ?n (?n < 10)\n"
        "then = retract ?f\n"
        "then = assert counter (?n + 1)\n");
    fact(e, "counter 0");
    long fired = 0;
    /* exactly as many firings as allowed is not an error */
    assert_int_equal(eng_run(e, 10, &fired), ENG_OK);
    assert_int_equal(fired, 10);
    assert_non_null(tu_find(e, "counter 10"));
    assert_int_equal(eng_error_count(e), 0);
}

/* ------------------------------------------------------------ provenance */

static void provenance_of_derived_facts(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule both]\n"
        "when = a ?x\n"
        "when = not blocked ?x\n"
        "when = b ?x ?label\n"
        "then = assert c ?x ?label\n"
        "because = {?x} is in a and b ({?label}), so c.\n");
    const eng_fact *a = fact(e, "a 7");
    const eng_fact *b = fact(e, "b 7 \"seven\"");
    assert_int_equal(run(e), 1);
    const eng_fact *c = tu_find(e, "c 7 \"seven\"");
    assert_non_null(c);
    assert_int_equal(eng_fact_origin(c), ENG_FROM_RULE);
    assert_ptr_equal(eng_fact_rule(c), tu_rule(e, "both"));
    /* the facts of the positive patterns, in pattern order */
    assert_int_equal(eng_fact_support_count(c), 2);
    assert_ptr_equal(eng_fact_support(c, 0), a);
    assert_ptr_equal(eng_fact_support(c, 1), b);
    assert_null(eng_fact_support(c, 2));
    char buf[256];
    size_t n = eng_fact_because(e, c, buf, sizeof buf);
    assert_string_equal(buf, "7 is in a and b (seven), so c.");
    assert_int_equal(n, strlen(buf));
    /* snprintf semantics */
    char small[6];
    assert_int_equal(eng_fact_because(e, c, small, sizeof small), n);
    assert_string_equal(small, "7 is ");
}

static void provenance_of_other_facts(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "; the base facts\n"
        "[facts base]\n"
        "fact = base 1\n"
        "fact = base 2\n"
        "[rule plain]\n"
        "when = base ?x\n"
        "then = assert seen ?x\n");
    const eng_fact *base2 = tu_find(e, "base 2");
    assert_non_null(base2);
    assert_int_equal(eng_fact_origin(base2), ENG_FROM_FACTS);
    assert_null(eng_fact_rule(base2));
    int line = 0;
    assert_string_equal(eng_fact_source(base2, &line), "t.ini");
    assert_int_equal(line, 4);
    const eng_fact *u = fact(e, "user 1");
    assert_int_equal(eng_fact_origin(u), ENG_FROM_ASSERT);
    assert_null(eng_fact_rule(u));
    assert_int_equal(eng_fact_support_count(u), 0);
    assert_null(eng_fact_source(u, NULL));
    char buf[64] = "junk";
    assert_int_equal(eng_fact_because(e, u, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    /* derived by a rule without `because` */
    run(e);
    const eng_fact *s = tu_find(e, "seen 1");
    assert_non_null(s);
    strcpy(buf, "junk");
    assert_int_equal(eng_fact_because(e, s, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

/* ------------------------------------------------------------ reset */

static void reset_reasserts_facts_and_clears_the_rest(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[facts base]\n"
        "fact = base 1\n"
        "fact = base 2\n"
        "[rule derive]\n"
        "when = base ?x\n"
        "then = assert derived ?x\n"
        "[rule stop]\n"
        "salience = -1\n"
        "when = extra ?x\n"
        "then = halt\n");
    assert_int_equal(eng_fact_count(e), 2);
    assert_int_equal(eng_agenda_count(e), 2);
    fact(e, "extra 1");
    run(e);
    assert_true(eng_halted(e));
    assert_true(eng_fact_count(e) > 3);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_fact_count(e), 2);
    assert_non_null(tu_find(e, "base 1"));
    assert_non_null(tu_find(e, "base 2"));
    assert_null(tu_find(e, "extra 1"));
    assert_int_equal(tu_count(e, "derived ?"), 0);
    assert_int_equal(eng_agenda_count(e), 2);
    assert_false(eng_halted(e));
    /* time tags start again */
    assert_int_equal(eng_fact_id(tu_find(e, "base 1")), 1);
    assert_int_equal(eng_fact_id(tu_find(e, "base 2")), 2);
    /* and the rules fire again on the re-asserted facts */
    assert_int_equal(run(e), 2);
    assert_int_equal(tu_count(e, "derived ?"), 2);
}

/* ------------------------------------------------------------ sharing */

static void shared_nodes_do_not_change_results(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule a]\n"
        "when = answer q ?x\n"
        "when = answer r ?y\n"
        "then = assert from-a ?x ?y\n"
        "[rule b]\n"
        "when = answer q ?x\n"
        "when = answer r ?y\n"
        "when = ?x < ?y\n"
        "then = assert from-b ?x ?y\n"
        "[rule c]\n"
        "when = answer q ?x\n"
        "when = answer r ?y\n"
        "then = assert from-c ?x ?y\n"
        "[rule d]\n"
        "when = answer q ?x\n"
        "when = not answer r ?\n"
        "then = assert from-d ?x\n");
    fact(e, "answer q 1");
    fact(e, "answer r 2");
    fact(e, "answer r 0");
    assert_int_equal(run(e), 5);
    assert_int_equal(tu_count(e, "from-a ? ?"), 2);
    assert_int_equal(tu_count(e, "from-c ? ?"), 2);
    assert_int_equal(tu_count(e, "from-b ? ?"), 1);
    assert_non_null(tu_find(e, "from-b 1 2"));
    assert_int_equal(tu_count(e, "from-d ?"), 0);
    assert_int_equal(eng_rule_fired(tu_rule(e, "a")), 2);
    assert_int_equal(eng_rule_fired(tu_rule(e, "c")), 2);
}

static void self_join_pairs_a_fact_with_itself_once(void **state)
{
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e,
        "[rule pair]\n"
        "when = p ?x\n"
        "when = p ?y\n"
        "then = assert pair ?x ?y\n");
    tu_record(e, &r);
    fact(e, "p 1");
    assert_int_equal(run(e), 1);
    assert_fires(&r, "pair:p 1,p 1");
    fact(e, "p 2");
    /* (1,2), (2,1), (2,2): each once */
    assert_int_equal(run(e), 3);
    assert_int_equal(tu_count(e, "pair ? ?"), 4);
}

static void self_join_same_variable(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule same]\n"
        "when = p ?x\n"
        "when = q ?z\n"
        "when = p ?x\n"
        "then = add hits 1\n");
    fact(e, "q 0");
    fact(e, "p 1");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "hits 1"));
}

/* ------------------------------------------------------------ answers */

static int cmp_rows(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The live facts of E, formatted and sorted, into OUT. */
static int collect_facts(eng_engine *e, char out[][96], int max)
{
    int n = 0;
    for (const eng_fact *f = eng_fact_next(e, NULL); f && n < max; f = eng_fact_next(e, f))
        eng_fact_format(e, f, out[n++], 96);
    qsort(out, (size_t)n, sizeof *out, cmp_rows);
    return n;
}

static const char *const CHANGE_KB =
    "[rule big]\n"
    "when = answer size ?n\n"
    "when = ?n > 100\n"
    "then = assert situation arena\n"
    "[rule small]\n"
    "when = answer size ?n\n"
    "when = ?n <= 100\n"
    "then = assert situation lab\n";

/* Spec "Running": changing an answer and running again gives exactly the
 * conclusions of a fresh run.  An answer is changed with eng_input_retract
 * (eng_retract alone keeps what was derived: no truth maintenance). */
static void changing_an_answer_equals_a_fresh_run(void **state)
{
    eng_engine *e = ENG(state);
    static char got[32][96], want[32][96];
    load_ok(e, CHANGE_KB);
    const eng_fact *a = fact(e, "answer size 500");
    run(e);
    assert_int_equal(eng_input_retract(e, a), ENG_OK);
    fact(e, "answer size 50");
    run(e);
    int ng = collect_facts(e, got, 32);

    eng_engine *f = eng_new(NULL);
    load_ok(f, CHANGE_KB);
    fact(f, "answer size 50");
    run(f);
    int nw = collect_facts(f, want, 32);
    eng_free(f);
    for (int i = 0; i < ng; i++)
        fprintf(stderr, "  after change: %s\n", got[i]);
    assert_int_equal(ng, nw);
    for (int i = 0; i < nw; i++)
        assert_string_equal(got[i], want[i]);
}

static void fresh_run_after_reset_matches(void **state)
{
    /* what the spec's guarantee reduces to with reset: re-asserting the
     * new answers after eng_reset gives the fresh run's conclusions */
    eng_engine *e = ENG(state);
    static char got[32][96], want[32][96];
    load_ok(e, CHANGE_KB);
    fact(e, "answer size 500");
    run(e);
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "answer size 50");
    run(e);
    int ng = collect_facts(e, got, 32);
    eng_engine *f = eng_new(NULL);
    load_ok(f, CHANGE_KB);
    fact(f, "answer size 50");
    run(f);
    int nw = collect_facts(f, want, 32);
    eng_free(f);
    assert_int_equal(ng, nw);
    for (int i = 0; i < nw; i++)
        assert_string_equal(got[i], want[i]);
}

/* Reset after the first copies back the state the first one built (a
 * snapshot of working memory): it must be indistinguishable from a fresh
 * reset, whatever the run before did to the [facts] facts -- retract
 * them, `add` to them, make a `not` fail -- and whatever order the
 * activations on them come in.  Each run is compared, fact by fact with
 * time tags (which give the firing order) and deriving rules, with the
 * same answers on a fresh engine. */
static const char *const SNAP_KB =
    "[facts base]\n"
    "fact = item a 1\n"
    "fact = item b 2\n"
    "fact = item c 3\n"
    "fact = score total 0\n"
    "fact = gate open\n"
    "[rule weigh]\n"
    "when = item ?n ?w\n"
    "when = gate open\n"
    "then = add weight ?w\n"
    "[rule pick-first]\n"
    "when = item ?n ?w\n"
    "when = not picked ?\n"
    "then = assert picked ?n\n"
    "[rule close]\n"
    "salience = 10\n"
    "when = answer close yes\n"
    "when = ?g <- gate open\n"
    "then = retract ?g\n"
    "[rule bump]\n"
    "when = answer bump ?k\n"
    "then = add score total ?k\n"
    "[rule drop]\n"
    "salience = 5\n"
    "when = answer drop ?n\n"
    "when = ?i <- item ?n ?\n"
    "then = retract ?i\n"
    "[rule big]\n"
    "salience = -5\n"
    "when = exists item c ?\n"
    "when = score total ?t\n"
    "then = assert big ?t\n";

static const char *const SNAP_ANSWERS[] = {
    "",
    "answer close yes",
    "answer bump 5|answer drop a",
    "answer drop b|answer close yes|answer bump 2",
    "answer drop c|answer drop a",
};
#define NSNAP (sizeof SNAP_ANSWERS / sizeof *SNAP_ANSWERS)

/* Asserts the answers of ANS ('|'-separated), runs, and writes every live
 * fact in assertion order with its time tag and deriving rule to OUT. */
static void snap_trace(eng_engine *e, const char *ans, char *out, size_t size)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", ans);
    for (char *a = strtok_r(buf, "|", &save); a; a = strtok_r(NULL, "|", &save))
        assert_int_equal(eng_assert_text(e, a, NULL), ENG_OK);
    run(e);
    size_t o = 0;
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        char fb[96];
        eng_fact_format(e, f, fb, sizeof fb);
        const eng_rule *r = eng_fact_rule(f);
        int w = snprintf(out + o, size - o, "%llu %s <%s>\n",
                         (unsigned long long)eng_fact_id(f), fb,
                         r ? eng_rule_name(r) : "-");
        assert_true(w > 0 && (size_t)w < size - o);
        o += (size_t)w;
    }
}

static void snap_fresh(const char *ans, eng_strategy s, char *out, size_t size)
{
    eng_engine *f = eng_new(NULL);
    assert_non_null(f);
    assert_int_equal(eng_set_strategy(f, s), ENG_OK);
    load_ok(f, SNAP_KB);
    snap_trace(f, ans, out, size);
    eng_free(f);
}

static void reset_equals_a_fresh_engine(void **state)
{
    eng_engine *e = ENG(state);
    static char got[4096], want[4096];
    load_ok(e, SNAP_KB);
    /* forwards, then backwards: each set follows a different run */
    for (size_t k = 0; k < 2 * NSNAP; k++) {
        size_t i = k < NSNAP ? k : 2 * NSNAP - 1 - k;
        if (k)
            assert_int_equal(eng_reset(e), ENG_OK);
        snap_trace(e, SNAP_ANSWERS[i], got, sizeof got);
        snap_fresh(SNAP_ANSWERS[i], ENG_DEPTH, want, sizeof want);
        if (strcmp(got, want))
            fprintf(stderr, "answers '%s' after reset:\n%s\nfresh:\n%s\n",
                    SNAP_ANSWERS[i], got, want);
        assert_string_equal(got, want);
    }
    /* another strategy orders the saved agenda differently: the next
     * reset must build it anew */
    assert_int_equal(eng_set_strategy(e, ENG_BREADTH), ENG_OK);
    for (size_t i = 0; i < NSNAP; i++) {
        assert_int_equal(eng_reset(e), ENG_OK);
        snap_trace(e, SNAP_ANSWERS[i], got, sizeof got);
        snap_fresh(SNAP_ANSWERS[i], ENG_BREADTH, want, sizeof want);
        assert_string_equal(got, want);
    }
}

static void reset_with_a_listener_sees_every_event(void **state)
{
    /* with a listener, a reset is built afresh: the [facts] facts are
     * asserted again and their activations made again, as events */
    eng_engine *e = ENG(state);
    tu_rec r;
    load_ok(e, SNAP_KB);
    run(e);
    tu_record(e, &r);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(run(e), 5);
    assert_fires(&r, "weigh:item c 3,gate open | weigh:item b 2,gate open | "
                     "weigh:item a 1,gate open | pick-first:item c 3 | "
                     "big:score total 0");
    eng_set_listener(e, NULL, NULL);
}

/* Parse trees are dropped once compiled: explanations parse a condition
 * again, and parsing at run time keeps no memory.  Counted with an
 * allocator that knows how many blocks are live. */
static void *live_alloc(void *ud, void *ptr, size_t n)
{
    long *live = ud;
    if (n == 0) {
        if (ptr) {
            --*live;
            free(ptr);
        }
        return NULL;
    }
    void *p = realloc(ptr, n);
    if (p && !ptr)
        ++*live;
    return p;
}

static void explanations_and_runtime_parses_keep_no_memory(void **state)
{
    (void)state;
    long live = 0;
    eng_config cfg = {0};
    cfg.alloc = live_alloc;
    cfg.alloc_ud = &live;
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    load_ok(e,
        "[rule named]\n"
        "when = person ?p ?n\n"
        "when = ?n ~ /^[a-z]+-[0-9]+$/\n"
        "when = not blocked ?p\n"
        "when = ?n != \"x\"\n"
        "then = assert ok ?p\n");
    const eng_rule *r = tu_rule(e, "named");
    assert_non_null(r);
    long before = 0;
    for (int i = 0; i < 200; i++) {
        const eng_fact *f = NULL;
        assert_int_equal(eng_assert_text(e, "person ann \"Ann\"", &f), ENG_OK);
        eng_why_not w;
        assert_int_equal(eng_rule_why_not(e, r, NULL, NULL, 0, &w), ENG_OK);
        assert_int_equal(w.result, ENG_WHY_FAILED);
        if (i == 0)
            fprintf(stderr, "why not: %s\n", w.detail);
        /* the regular expression runs in the pattern's alpha memory: the
         * pattern fails, and its test names its variable, which only the
         * condition parsed again knows */
        assert_int_equal(w.cond, 0);
        assert_non_null(strstr(w.detail, "?n = \"Ann\""));
        /* a long variable name is a token the lexer copies */
        char var[256];
        memset(var, 'v', sizeof var - 1);
        var[0] = '?';
        var[sizeof var - 1] = '\0';
        for (int k = 0; k < 10; k++) {
            eng_value v;
            assert_int_equal(eng_value_parse(e, var, &v), ENG_EINVAL);
        }
        assert_int_equal(eng_retract(e, f), ENG_OK);
        if (i == 0)
            before = live;
    }
    assert_int_equal(live, before);
    assert_int_equal(eng_error_count(e), 0);
    eng_free(e);
    assert_int_equal(live, 0);
}

/* A memory keeps a `field OP constant` test in its first cache line and
 * decides it there; it must agree with the expression in every case: the
 * constant on either side, numbers of two types, a number against a text,
 * a symbol against a string (equal when their bytes are), texts in order
 * (which the memory leaves to the expression).  The expected facts are
 * those of the engine before the memory kept its test. */
static void memory_tests_agree_with_expressions(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule ge]\nwhen = v ?x\nwhen = ?x >= 3\nthen = assert ge ?x\n"
        "[rule le-rev]\nwhen = v ?x\nwhen = 3 >= ?x\nthen = assert le ?x\n"
        "[rule lt-real]\nwhen = v ?x\nwhen = ?x < 2.5\nthen = assert lt ?x\n"
        "[rule ne]\nwhen = v ?x\nwhen = ?x != b\nthen = assert ne ?x\n"
        "[rule eq-rev]\nwhen = v ?x\nwhen = b = ?x\nthen = assert eq ?x\n"
        "[rule text-gt]\nwhen = v ?x\nwhen = ?x > \"a\"\nthen = assert tg ?x\n"
        "[rule two]\nwhen = v ?x\nwhen = ?x > 1\nwhen = ?x != 4\nthen = assert two ?x\n");
    const char *vals[] = {"v 2", "v 3", "v 4", "v 2.5", "v 2.0", "v 3.5", "v b", "v c",
                          "v \"b\"", "v \"c\"", "v \"a\""};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
        fact(e, vals[i]);
    run(e);
    const char *want[] = {
        "ge 3", "ge 4", "ge 3.5",
        "le 2", "le 3", "le 2.5",
        "lt 2",
        "ne 2", "ne 3", "ne 4", "ne 2.5", "ne 3.5", "ne c", "ne \"c\"", "ne \"a\"",
        "eq b", "eq \"b\"",
        "tg \"b\"", "tg \"c\"", "tg b", "tg c",
        "two 2", "two 3", "two 2.5", "two 3.5"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!tu_find(e, want[i]))
            fail_msg("missing %s", want[i]);
    assert_int_equal(tu_count(e, "ge ?"), 3);
    assert_int_equal(tu_count(e, "le ?"), 3);
    assert_int_equal(tu_count(e, "lt ?"), 1);
    assert_int_equal(tu_count(e, "ne ?"), 8);
    assert_int_equal(tu_count(e, "eq ?"), 2);
    assert_int_equal(tu_count(e, "tg ?"), 4);
    assert_int_equal(tu_count(e, "two ?"), 4);
}

/* Rules whose first conditions agree share memories and nodes, and the
 * tests in them are kept once; each rule's explanation still reads its
 * own test, with its own variable's value. */
static void shared_tests_explain_each_rule(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule first]\n"
        "when = answer q1 ?a\nwhen = ?a >= 10\n"
        "when = answer q2 ?b\nwhen = ?b > ?a\n"
        "then = assert one\n"
        "[rule second]\n"
        "when = answer q1 ?x\nwhen = ?x >= 10\n"
        "when = answer q2 ?y\nwhen = ?y > ?x\n"
        "when = flag on\n"
        "then = assert two\n"
        "[rule third]\n"
        "when = answer q1 ?n\nwhen = ?n >= 10\n"
        "then = assert three\n");
    fact(e, "answer q1 5");
    fact(e, "answer q2 7");
    run(e);
    assert_int_equal(tu_count(e, "one"), 0);
    const char *names[] = {"first", "second", "third"};
    const char *vars[] = {"?a = 5", "?x = 5", "?n = 5"};
    for (size_t i = 0; i < 3; i++) {
        eng_why_not w;
        assert_int_equal(eng_rule_why_not(e, tu_rule(e, names[i]), NULL, NULL, 0, &w), ENG_OK);
        assert_int_equal(w.result, ENG_WHY_FAILED);
        if (!strstr(w.detail, vars[i]))
            fail_msg("%s: '%s' lacks %s", names[i], w.detail, vars[i]);
    }
    /* past the shared test: the join test fails the same way for both */
    fact(e, "answer q1 12");
    run(e);
    for (size_t i = 0; i < 2; i++) {
        eng_why_not w;
        assert_int_equal(eng_rule_why_not(e, tu_rule(e, names[i]), NULL, NULL, 0, &w), ENG_OK);
        assert_int_equal(w.result, ENG_WHY_FAILED);
        if (!strstr(w.detail, i ? "?y = 7" : "?b = 7"))
            fail_msg("%s: '%s' lacks the value of its own variable", names[i], w.detail);
    }
    assert_int_equal(tu_count(e, "three"), 1);
}

/* Why-not names, for each way a condition can fail, what it expected in
 * the rule's own words: the variables by name with their values, the
 * pattern a `not` forbids (without the `not`), and the fact it found. */
static void why_not_names_variables_and_facts(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule neg]\nwhen = a ?x\nwhen = not b ?x\nthen = assert neg ?x\n"
        "[rule same]\nwhen = a ?x\nwhen = b ?x\nthen = assert same ?x\n"
        "[rule bigger]\nwhen = a ?x\nwhen = b ?y\nwhen = ?y > ?x\nthen = assert bigger ?y\n"
        "[rule pair]\nwhen = a ?x\nthen = assert pair ?x done\n"
        "[rule gone]\nwhen = a ?x\nthen = assert gone ?x\n"
        "[rule take]\nwhen = ?g <- gone ?x\nthen = retract ?g\n"
        "[rule never]\nwhen = a ?x\nwhen = 1 > 2\nthen = assert never\n");
    fact(e, "a 5");
    fact(e, "b 3");
    run(e);
    static const struct { const char *rule, *want; eng_why_result result; size_t cond;
                          const char *detail; } cases[] = {
        {"same", NULL, ENG_WHY_FAILED, 1,
         "it expected a fact 'b ?x' agreeing with the values bound before (?x = 5), "
         "and found 'b 3'"},
        {"same", "same 7", ENG_WHY_FAILED, 0,
         "it expected a fact 'a ?x' with the values of the conclusion asked about (?x = 7), "
         "and found 'a 5'"},
        {"pair", "pair 5 later", ENG_WHY_MATCHED, 0, "all its conditions hold"},
        {"bigger", NULL, ENG_WHY_FAILED, 1, "the test '?y > ?x' is false (?y = 3, ?x = 5)"},
        {"gone", "gone 5", ENG_WHY_MATCHED, 0, "all its conditions hold"},
        {"never", NULL, ENG_WHY_NEVER, 0, "a test of this rule is always false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        eng_value want[4];
        int wantconst[4] = {1, 1, 1, 1};
        size_t nwant = 0;
        if (cases[i].want) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s", cases[i].want);
            for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "))
                assert_int_equal(eng_value_parse(e, w, &want[nwant++]), ENG_OK);
        }
        eng_why_not w;
        assert_int_equal(eng_rule_why_not(e, tu_rule(e, cases[i].rule), nwant ? want : NULL,
                                          nwant ? wantconst : NULL, nwant, &w), ENG_OK);
        if (w.result != cases[i].result || w.cond != cases[i].cond ||
            strcmp(w.detail, cases[i].detail))
            fail_msg("%s: result %d at %zu, '%s'", cases[i].rule, (int)w.result, w.cond, w.detail);
    }
    /* a `not` that a fact with the joined value blocks */
    fact(e, "b 5");
    run(e);
    eng_why_not w;
    assert_int_equal(eng_rule_why_not(e, tu_rule(e, "neg"), NULL, NULL, 0, &w), ENG_OK);
    assert_int_equal(w.result, ENG_WHY_FAILED);
    assert_int_equal(w.cond, 1);
    assert_string_equal(w.detail, "it requires that no fact matches 'b ?x' with ?x = 5, but 'b 5' does");
}

static void why_not_rule(eng_engine *e, const char *rule, const char *want, eng_why_not *w)
{
    eng_value v[4];
    int vc[4] = {1, 1, 1, 1};
    size_t nv = 0;
    if (want) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", want);
        for (char *s = strtok(buf, " "); s && nv < 4; s = strtok(NULL, " "))
            assert_int_equal(eng_value_parse(e, s, &v[nv++]), ENG_OK);
    }
    assert_int_equal(eng_rule_why_not(e, tu_rule(e, rule), nv ? v : NULL, nv ? vc : NULL,
                                      nv, w), ENG_OK);
    assert_int_equal(w->result, ENG_WHY_FAILED);
}

/* A `not` that a fact blocks (or an `exists` that finds none) hides what
 * comes after it: the network passes nothing on.  Why-not goes on by hand
 * as though the condition held, and says where the furthest partial match
 * would fail next, or that nothing else stands in the way. */
static void why_not_looks_past_a_blocking_not(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule pick]\nwhen = p ?x\nwhen = not q ?x\nwhen = c ?y\nwhen = ?y > ?x\n"
        "then = assert pick ?x\n"
        "[rule chain]\nwhen = a ?x\nwhen = not b ?x\nwhen = c ?x\nwhen = ?h <- d ?x\n"
        "then = assert chain ?x\n"
        "[rule twice]\nwhen = a ?x\nwhen = not b ?x\nwhen = not f ?x\nthen = assert twice ?x\n"
        "[rule ex]\nwhen = a ?x\nwhen = exists g ?x\nwhen = h ?x\nthen = assert ex ?x\n"
        "[rule plain]\nwhen = a ?x\nwhen = d ?x\nthen = assert plain ?x\n");
    fact(e, "a 1");
    fact(e, "a 2");
    fact(e, "b 1");
    fact(e, "b 2");
    fact(e, "c 2");
    fact(e, "f 2");
    fact(e, "p 5");
    fact(e, "q 5");
    run(e);
    eng_why_not w;
    /* past the `not`, the test fails */
    why_not_rule(e, "pick", NULL, &w);
    assert_int_equal(w.cond, 1);
    assert_int_equal(w.past, 1);
    assert_int_equal(w.past_result, ENG_WHY_FAILED);
    assert_int_equal(w.past_cond, 2);
    assert_string_equal(w.past_detail, "the test '?y > ?x' is false (?y = 2, ?x = 5)");
    /* the furthest of them is the one followed: ?x = 2 gets to `d`, the
     * pattern named without its `?h <-` */
    why_not_rule(e, "chain", NULL, &w);
    assert_int_equal(w.past_cond, 3);
    assert_string_equal(w.past_detail, "it expected a fact 'd ?x'; there is no 'd' fact of 2 values");
    /* a second `not` blocks it too */
    why_not_rule(e, "twice", "twice 2", &w);
    assert_int_equal(w.past_result, ENG_WHY_FAILED);
    assert_int_equal(w.past_cond, 2);
    assert_string_equal(w.past_detail,
                        "it requires that no fact matches 'f ?x' with ?x = 2, but 'f 2' does");
    /* asked about ?x = 1, which `f` does not block: the `not b` alone */
    why_not_rule(e, "twice", "twice 1", &w);
    assert_int_equal(w.past_result, ENG_WHY_MATCHED);
    /* an `exists` that finds nothing, then a pattern */
    why_not_rule(e, "ex", NULL, &w);
    assert_int_equal(w.cond, 1);
    /* the pattern as written, without its `exists` (nor a `?h <-`, above) */
    assert_string_equal(w.detail, "it expected a fact 'g ?x'; there is no 'g' fact of 2 values");
    assert_int_equal(w.past_result, ENG_WHY_FAILED);
    assert_int_equal(w.past_cond, 2);
    fact(e, "h 1");
    run(e);
    why_not_rule(e, "ex", NULL, &w);
    assert_int_equal(w.past, 1);
    assert_int_equal(w.past_result, ENG_WHY_MATCHED);
    /* with a bigger c, the test holds: only the `not` is left */
    fact(e, "c 9");
    run(e);
    why_not_rule(e, "pick", NULL, &w);
    assert_int_equal(w.past_result, ENG_WHY_MATCHED);
    /* a pattern that fails is no `not`: nothing past it */
    why_not_rule(e, "plain", NULL, &w);
    assert_int_equal(w.cond, 1);
    assert_int_equal(w.past, 0);
}

/* Too many partial matches past a `not` to try them all: nothing is
 * said of what lies past it rather than a guess, and it ends soon. */
static void why_not_past_gives_up_rather_than_guess(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, "[rule wide]\nwhen = a ?x\nwhen = not b\nwhen = c ?y\nwhen = d ?x ?y\n"
               "then = assert wide ?x ?y\n");
    char buf[32];
    for (int i = 0; i < 600; i++) {
        snprintf(buf, sizeof buf, "a %d", i);
        fact(e, buf);
        snprintf(buf, sizeof buf, "c %d", i);
        fact(e, buf);
    }
    fact(e, "b");
    fact(e, "d 0 1000");
    run(e);
    eng_why_not w;
    why_not_rule(e, "wide", NULL, &w);
    assert_int_equal(w.cond, 1);
    assert_int_equal(w.past, 0);
    /* a whole match ends the search before the budget does */
    fact(e, "d 0 0");
    run(e);
    why_not_rule(e, "wide", NULL, &w);
    assert_int_equal(w.past, 1);
    assert_int_equal(w.past_result, ENG_WHY_MATCHED);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)
    const struct CMUnitTest tests[] = {
        T(join_on_shared_variable),
        T(reset_equals_a_fresh_engine),
        T(reset_with_a_listener_sees_every_event),
        T(explanations_and_runtime_parses_keep_no_memory),
        T(why_not_names_variables_and_facts),
        T(why_not_looks_past_a_blocking_not),
        T(why_not_past_gives_up_rather_than_guess),
        T(memory_tests_agree_with_expressions),
        T(shared_tests_explain_each_rule),
        T(join_in_any_assertion_order),
        T(repeated_variable_in_one_pattern),
        T(pattern_arity_must_match),
        T(patterns_compare_values_exactly),
        T(many_constants_in_first_field),
        T(fact_binding_and_retract),
        T(retract_two_facts_at_once),
        T(not_true_when_absent),
        T(not_turning_false_withdraws_activation),
        T(not_turning_true_again),
        T(not_turning_true_after_firing_fires_again),
        T(not_with_two_blockers),
        T(not_without_positive_patterns),
        T(not_with_constraint_on_outer_variable),
        T(exists_fires_once),
        T(exists_per_outer_binding),
        T(exists_withdrawn_when_last_match_goes),
        T(tests_and_expressions),
        T(pattern_constraints),
        T(test_across_patterns_retracts_cleanly),
        T(assert_with_expression_terms),
        T(assert_normalises_integral_reals),
        T(assert_constants_and_strings),
        T(runtime_error_in_action),
        T(runtime_error_division_by_zero),
        T(arithmetic_at_the_edges),
        T(add_creates_at_zero),
        T(add_accumulates_with_provenance),
        T(add_reals_and_negatives),
        T(add_seen_by_other_rules),
        T(add_zero_is_a_contribution),
        T(patterns_may_hold_in_and_or),
        T(signed_fractions_without_leading_digit),
        T(halt_stops_the_run),
        T(salience_orders_firings),
        T(depth_strategy_newest_first),
        T(breadth_strategy_oldest_first),
        T(depth_is_the_default),
        T(strategy_only_with_empty_agenda),
        T(salience_beats_strategy),
        T(refraction_fires_once_per_combination),
        T(refraction_ends_with_retract),
        T(retract_withdraws_pending_activation),
        T(retract_through_api),
        T(facts_are_a_set),
        T(fact_accessors),
        T(assert_rejects_non_facts),
        T(query_patterns),
        T(calls_before_reset),
        T(deterministic_firing_order),
        T(firing_limit_names_the_loop),
        T(firing_limit_from_config),
        T(firing_limit_not_hit_by_finite_run),
        T(provenance_of_derived_facts),
        T(provenance_of_other_facts),
        T(reset_reasserts_facts_and_clears_the_rest),
        T(shared_nodes_do_not_change_results),
        T(self_join_pairs_a_fact_with_itself_once),
        T(self_join_same_variable),
        T(changing_an_answer_equals_a_fresh_run),
        T(fresh_run_after_reset_matches),
    };
#undef T
    return cmocka_run_group_tests_name("rete", tests, NULL, NULL);
}
