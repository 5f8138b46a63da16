/*
 * test_value.c -- the engine's values (engine/value.c and the value parser):
 * interning of symbols and strings, eng_value_equal, eng_value_format
 * (symbols bare, strings quoted with \" and \\ escapes, integers without a
 * point, reals in the shortest form that reads back), eng_value_parse, and
 * number normalisation (an integral number is an integer: 3.0 is 3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "test_util.h"

/* ------------------------------------------------------------ helpers */

static eng_value sym(eng_engine *e, const char *s)
{
    eng_value v;
    assert_int_equal(eng_intern(e, s, strlen(s), ENG_SYMBOL, &v), ENG_OK);
    return v;
}

static eng_value str(eng_engine *e, const char *s)
{
    eng_value v;
    assert_int_equal(eng_intern(e, s, strlen(s), ENG_STRING, &v), ENG_OK);
    return v;
}

static eng_value ival(int64_t i)
{
    eng_value v;
    memset(&v, 0, sizeof v);
    v.type = ENG_INT;
    v.u.i = i;
    return v;
}

static eng_value rval(double d)
{
    eng_value v;
    memset(&v, 0, sizeof v);
    v.type = ENG_REAL;
    v.u.r = d;
    return v;
}

static const char *fmt(eng_engine *e, eng_value v)
{
    static char buf[256];
    size_t n = eng_value_format(e, v, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static eng_value parse(eng_engine *e, const char *text)
{
    eng_value v;
    memset(&v, 0, sizeof v);
    int rc = eng_value_parse(e, text, &v);
    if (rc != ENG_OK)
        fprintf(stderr, "eng_value_parse(%s) -> %d\n", text, rc);
    assert_int_equal(rc, ENG_OK);
    return v;
}

/* ------------------------------------------------------------ interning */

static void intern_same_text_same_atom(void **state)
{
    eng_engine *e = ENG(state);
    eng_value a = sym(e, "arena"), b = sym(e, "arena"), c = sym(e, "lab");
    assert_int_equal(a.type, ENG_SYMBOL);
    assert_int_equal(a.u.atom, b.u.atom);
    assert_int_not_equal(a.u.atom, c.u.atom);
    assert_true(eng_value_equal(a, b));
    assert_false(eng_value_equal(a, c));
}

static void intern_copies_text(void **state)
{
    eng_engine *e = ENG(state);
    char buf[16];
    strcpy(buf, "org.size");
    eng_value v = sym(e, buf);
    strcpy(buf, "XXXXXXXX");
    size_t len = 0;
    assert_string_equal(eng_value_text(e, v, &len), "org.size");
    assert_int_equal(len, 8);
    /* interning the same text from another buffer finds the same atom */
    assert_true(eng_value_equal(v, sym(e, "org.size")));
}

static void intern_uses_length_not_nul(void **state)
{
    eng_engine *e = ENG(state);
    eng_value ab, abc;
    assert_int_equal(eng_intern(e, "abc", 2, ENG_SYMBOL, &ab), ENG_OK);
    assert_int_equal(eng_intern(e, "abc", 3, ENG_SYMBOL, &abc), ENG_OK);
    assert_false(eng_value_equal(ab, abc));
    size_t len;
    assert_string_equal(eng_value_text(e, ab, &len), "ab");
    assert_int_equal(len, 2);
    /* the empty text is a value too */
    eng_value empty;
    assert_int_equal(eng_intern(e, "", 0, ENG_STRING, &empty), ENG_OK);
    assert_string_equal(eng_value_text(e, empty, &len), "");
    assert_int_equal(len, 0);
    assert_string_equal(fmt(e, empty), "\"\"");
}

static void symbol_and_string_differ(void **state)
{
    eng_engine *e = ENG(state);
    eng_value s = sym(e, "arena"), q = str(e, "arena");
    assert_int_equal(q.type, ENG_STRING);
    /* same text, but a symbol is not a string */
    assert_false(eng_value_equal(s, q));
    assert_string_equal(eng_value_text(e, s, NULL), eng_value_text(e, q, NULL));
}

static void value_text_null_for_numbers(void **state)
{
    eng_engine *e = ENG(state);
    size_t len = 99;
    assert_null(eng_value_text(e, ival(3), &len));
    assert_null(eng_value_text(e, rval(0.5), NULL));
}

static void many_atoms_stay_distinct(void **state)
{
    /* enough atoms to make the intern table grow several times */
    eng_engine *e = ENG(state);
    enum { N = 5000 };
    static uint32_t ids[N];
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "sym%d", i);
        ids[i] = sym(e, name).u.atom;
    }
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "sym%d", i);
        eng_value v = sym(e, name);
        assert_int_equal(v.u.atom, ids[i]);
        assert_string_equal(eng_value_text(e, v, NULL), name);
    }
}

/* ------------------------------------------------------------ equality */

static void equality_of_numbers(void **state)
{
    (void)state;
    assert_true(eng_value_equal(ival(3), ival(3)));
    assert_false(eng_value_equal(ival(3), ival(4)));
    assert_true(eng_value_equal(rval(0.5), rval(0.5)));
    assert_false(eng_value_equal(rval(0.5), rval(0.25)));
    /* an integer and a real are different values (3.5 vs 3) */
    assert_false(eng_value_equal(ival(3), rval(3.5)));
    assert_false(eng_value_equal(ival(0), rval(0.5)));
}

static void equality_across_types(void **state)
{
    eng_engine *e = ENG(state);
    /* a symbol whose atom index happens to equal an integer is not it */
    eng_value s = sym(e, "x");
    assert_false(eng_value_equal(s, ival((int64_t)s.u.atom)));
    assert_false(eng_value_equal(ival((int64_t)s.u.atom), s));
}

/* ------------------------------------------------------------ format */

static void format_symbols_bare(void **state)
{
    eng_engine *e = ENG(state);
    assert_string_equal(fmt(e, sym(e, "arena")), "arena");
    assert_string_equal(fmt(e, sym(e, "EDU-101")), "EDU-101");
    assert_string_equal(fmt(e, sym(e, "org.size")), "org.size");
}

static void format_strings_quoted_and_escaped(void **state)
{
    eng_engine *e = ENG(state);
    assert_string_equal(fmt(e, str(e, "Data steward")), "\"Data steward\"");
    assert_string_equal(fmt(e, str(e, "say \"hi\"")), "\"say \\\"hi\\\"\"");
    assert_string_equal(fmt(e, str(e, "a\\b")), "\"a\\\\b\"");
    assert_string_equal(fmt(e, str(e, "\\\"")), "\"\\\\\\\"\"");
    /* non-ASCII UTF-8 passes through untouched */
    assert_string_equal(fmt(e, str(e, "caf\xc3\xa9")), "\"caf\xc3\xa9\"");
    /* control characters, C0 and C1 (U+0080..U+009F), as \xHH, which
     * reads back as the same bytes; U+00A0 is text; a lone 0xc2 at the
     * end is no C1 control (the count fmt checks must match) */
    assert_string_equal(fmt(e, str(e, "a\x1b[1m\x7f")), "\"a\\x1b[1m\\x7f\"");
    assert_string_equal(fmt(e, str(e, "a\xc2\x9b" "1m\xc2\x80\xc2\x9f\xc2\xa0")),
                        "\"a\\xc2\\x9b" "1m\\xc2\\x80\\xc2\\x9f\xc2\xa0\"");
    assert_string_equal(fmt(e, str(e, "\xc2")), "\"\xc2\"");
    assert_true(eng_value_equal(parse(e, "\"a\\xc2\\x9b\""), str(e, "a\xc2\x9b")));
}

static void format_integers(void **state)
{
    eng_engine *e = ENG(state);
    assert_string_equal(fmt(e, ival(0)), "0");
    assert_string_equal(fmt(e, ival(42)), "42");
    assert_string_equal(fmt(e, ival(-7)), "-7");
    assert_string_equal(fmt(e, ival(10)), "10");
    assert_string_equal(fmt(e, ival(-1000000)), "-1000000");
    char buf[4];        /* cut to the buffer, the full length returned */
    assert_int_equal(eng_value_format(e, ival(-12345), buf, sizeof buf), 6);
    assert_string_equal(buf, "-12");
    assert_string_equal(fmt(e, ival(INT64_MAX)), "9223372036854775807");
    assert_string_equal(fmt(e, ival(INT64_MIN)), "-9223372036854775808");
}

static void format_reals_shortest(void **state)
{
    eng_engine *e = ENG(state);
    assert_string_equal(fmt(e, rval(0.1)), "0.1");
    assert_string_equal(fmt(e, rval(1.5)), "1.5");
    assert_string_equal(fmt(e, rval(-2.25)), "-2.25");
    assert_string_equal(fmt(e, rval(0.75)), "0.75");
    assert_string_equal(fmt(e, rval(0.1 + 0.2)), "0.30000000000000004");
    assert_string_equal(fmt(e, rval(1.0 / 3.0)), "0.3333333333333333");
    /* 1e300: an exponent form, short, and not mistaken for an integer */
    const char *big = fmt(e, rval(1e300));
    assert_true(!strcmp(big, "1e+300") || !strcmp(big, "1e300"));
}

static void format_reals_read_back(void **state)
{
    eng_engine *e = ENG(state);
    const double ds[] = {0.1, 1.5, -2.25, 1e300, -1e-300, 2.5e-7, 1e20,
                         123456.789, 0.1 + 0.2, 1.0 / 3.0,
                         1.7976931348623157e308, 2.2250738585072014e-308};
    for (size_t i = 0; i < sizeof ds / sizeof *ds; i++) {
        eng_value v = parse(e, fmt(e, rval(ds[i])));
        if (v.type != ENG_REAL || v.u.r != ds[i])
            fprintf(stderr, "%.17g formatted as '%s' does not read back\n", ds[i],
                    fmt(e, rval(ds[i])));
        assert_int_equal(v.type, ENG_REAL);
        assert_true(v.u.r == ds[i]);
    }
}

static void format_snprintf_semantics(void **state)
{
    eng_engine *e = ENG(state);
    char buf[4];
    /* truncated, NUL-terminated, returns the full length */
    assert_int_equal(eng_value_format(e, sym(e, "arena"), buf, sizeof buf), 5);
    assert_string_equal(buf, "are");
    assert_int_equal(eng_value_format(e, str(e, "ab\"c"), buf, sizeof buf), 7);
    assert_string_equal(buf, "\"ab");
    assert_int_equal(eng_value_format(e, ival(123456), buf, sizeof buf), 6);
    assert_string_equal(buf, "123");
    assert_int_equal(eng_value_format(e, rval(0.125), buf, sizeof buf), 5);
    assert_string_equal(buf, "0.1");
    /* size 0: nothing written, length still reported */
    assert_int_equal(eng_value_format(e, sym(e, "arena"), NULL, 0), 5);
    assert_int_equal(eng_value_format(e, str(e, "x"), NULL, 0), 3);
}

/* ------------------------------------------------------------ parse */

static void parse_symbols(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "arena");
    assert_int_equal(v.type, ENG_SYMBOL);
    assert_true(eng_value_equal(v, sym(e, "arena")));
    v = parse(e, "  org.size  ");
    assert_true(eng_value_equal(v, sym(e, "org.size")));
    v = parse(e, "_x:y-z.1");
    assert_true(eng_value_equal(v, sym(e, "_x:y-z.1")));
    v = parse(e, "EDU-101");
    assert_true(eng_value_equal(v, sym(e, "EDU-101")));
}

static void parse_numbers(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "3");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 3);
    v = parse(e, "-2");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, -2);
    v = parse(e, "\t45000 ");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 45000);
    v = parse(e, "0.75");
    assert_int_equal(v.type, ENG_REAL);
    assert_true(v.u.r == 0.75);
    v = parse(e, "-2.25");
    assert_int_equal(v.type, ENG_REAL);
    assert_true(v.u.r == -2.25);
    v = parse(e, "9223372036854775807");
    assert_int_equal(v.type, ENG_INT);
    assert_true(v.u.i == INT64_MAX);
}

static void parse_strings(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "\"Data steward\"");
    assert_int_equal(v.type, ENG_STRING);
    assert_string_equal(eng_value_text(e, v, NULL), "Data steward");
    v = parse(e, "\"say \\\"hi\\\" \\\\ ok\"");
    assert_string_equal(eng_value_text(e, v, NULL), "say \"hi\" \\ ok");
    v = parse(e, "\"\"");
    assert_int_equal(v.type, ENG_STRING);
    assert_string_equal(eng_value_text(e, v, NULL), "");
    /* a quoted word is a string, not the symbol of the same text */
    assert_false(eng_value_equal(parse(e, "\"arena\""), parse(e, "arena")));
}

/* plain words and whole numbers (read without the lexer) come out as the
 * lexer makes them */
static void parse_plain_words_and_numbers(void **state)
{
    eng_engine *e = ENG(state);
    static const char *syms[] = {"arena", "a-b.c:d_9", "_x", "\xc3\xa9t\xc3\xa9",
                                 "2_to_8", "over_8"};
    for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
        eng_value v = parse(e, syms[i]);
        assert_int_equal(v.type, ENG_SYMBOL);
        assert_string_equal(eng_value_text(e, v, NULL), syms[i]);
        assert_true(eng_value_equal(v, sym(e, syms[i])));
    }
    /* blanks around a word: the lexer's way, the same symbol */
    assert_true(eng_value_equal(parse(e, "  arena "), sym(e, "arena")));
    static const struct { const char *text; int64_t want; } ints[] = {
        {"-12", -12}, {"007", 7}, {"-0", 0}, {"9223372036854775807", INT64_MAX},
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        eng_value v = parse(e, ints[i].text);
        assert_int_equal(v.type, ENG_INT);
        assert_true(v.u.i == ints[i].want);
    }
    /* past the integers: what the lexer makes of it (a leading blank takes
     * the lexer's way) */
    eng_value got, lexed;
    int rc = eng_value_parse(e, "99999999999999999999", &got);
    assert_int_equal(eng_value_parse(e, " 99999999999999999999", &lexed), rc);
    if (rc == ENG_OK) {
        assert_int_equal(got.type, lexed.type);
        assert_true(eng_value_equal(got, lexed));
    }
    assert_int_equal(eng_diag_count(e), 0);
}

static void parse_rejects_non_values(void **state)
{
    eng_engine *e = ENG(state);
    static const char *bad[] = {
        "", "   ", "a b", "?x", "?", "\"unterminated", "-1abc", "-", "3 4",
        "(", "a)", "\"a\" b", "1.", ".", "\"bad \\q escape\"", "<-", "{a}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        eng_value v;
        int rc = eng_value_parse(e, bad[i], &v);
        if (rc != ENG_EINVAL)
            fprintf(stderr, "eng_value_parse('%s') gave %d, expected EINVAL\n", bad[i], rc);
        assert_int_equal(rc, ENG_EINVAL);
    }
    /* no diagnostics for a rejected value */
    assert_int_equal(eng_diag_count(e), 0);
}

static void format_then_parse_round_trips(void **state)
{
    eng_engine *e = ENG(state);
    eng_value vals[] = {
        sym(e, "arena"), sym(e, "EDU-101"), str(e, "Data steward"),
        str(e, "quote \" and backslash \\"), str(e, ""), str(e, "semi;colon # hash"),
        ival(0), ival(-17), ival(INT64_MIN), rval(0.1), rval(-2.25), rval(1e300),
    };
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        const char *text = fmt(e, vals[i]);
        eng_value back;
        int rc = eng_value_parse(e, text, &back);
        if (rc != ENG_OK || !eng_value_equal(back, vals[i]))
            fprintf(stderr, "'%s' does not read back (%d)\n", text, rc);
        assert_int_equal(rc, ENG_OK);
        assert_true(eng_value_equal(back, vals[i]));
    }
}

static void format_subnormal_reads_back(void **state)
{
    eng_engine *e = ENG(state);
    eng_value back;
    assert_int_equal(eng_value_parse(e, fmt(e, rval(5e-324)), &back), ENG_OK);
    assert_true(eng_value_equal(back, rval(5e-324)));
    assert_int_equal(eng_value_parse(e, fmt(e, rval(1e-310)), &back), ENG_OK);
    assert_true(eng_value_equal(back, rval(1e-310)));
}

static void format_control_chars_round_trip(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = str(e, "a\x01" "b\x7f");
    eng_value back;
    assert_int_equal(eng_value_parse(e, fmt(e, v), &back), ENG_OK);
    assert_true(eng_value_equal(back, v));
}

/* ------------------------------------------------------------ normalisation */

static void integral_numbers_are_integers(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "3.0");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 3);
    assert_true(eng_value_equal(v, parse(e, "3")));
    assert_string_equal(fmt(e, v), "3");
    v = parse(e, "-2.000");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, -2);
    v = parse(e, "0.0");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 0);
    v = parse(e, "-0.0");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 0);
    assert_string_equal(fmt(e, v), "0");
}

static void exponents_normalise(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "1e3");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 1000);
    v = parse(e, "2.5e1");
    assert_int_equal(v.type, ENG_INT);
    assert_int_equal(v.u.i, 25);
    v = parse(e, "25e-1");
    assert_int_equal(v.type, ENG_REAL);
    assert_true(v.u.r == 2.5);
    /* beyond 64-bit integers: a real, printed so it reads back as one */
    v = parse(e, "1e20");
    assert_int_equal(v.type, ENG_REAL);
    assert_true(v.u.r == 1e20);
    eng_value back = parse(e, fmt(e, v));
    assert_true(eng_value_equal(back, v));
}

static void numbers_held_exactly_or_refused(void **state)
{
    eng_engine *e = ENG(state);
    eng_value v = parse(e, "9223372036854775807");
    assert_int_equal(v.type, ENG_INT);
    assert_true(v.u.i == INT64_MAX);
    v = parse(e, "-9223372036854775808");
    assert_int_equal(v.type, ENG_INT);
    assert_true(v.u.i == INT64_MIN);
    /* one past the range would be a rounded double: refused, as is a
     * fraction so small that it would read as 0 */
    assert_int_equal(eng_value_parse(e, "9223372036854775808", &v), ENG_EINVAL);
    assert_int_equal(eng_value_parse(e, "-9223372036854775809", &v), ENG_EINVAL);
    assert_int_equal(eng_value_parse(e, "1e-400", &v), ENG_EINVAL);
    assert_int_equal(eng_value_parse(e, "1e400", &v), ENG_EINVAL);
    /* a subnormal is held, and so are huge values written as reals */
    v = parse(e, "4.9e-324");
    assert_int_equal(v.type, ENG_REAL);
    assert_true(v.u.r > 0);
    v = parse(e, "1e20");
    assert_int_equal(v.type, ENG_REAL);
    assert_int_equal(eng_diag_count(e), 0);
}

/* An integer and a real compare by their exact values: 2^63 - 1 is less
 * than the real 2^63 although converting it to a double gives 2^63, and
 * 2^53 + 1 is more than 2^53 + 0.5 would be. */
static void integers_and_reals_compare_exactly(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule below]\n"
        "when = n ?x\n"
        "when = (?x < 9.2233720368547758e18)\n"
        "then = assert below ?x\n"
        "[rule equal]\n"
        "when = n ?x\n"
        "when = (?x = 9.2233720368547758e18)\n"
        "then = assert equal ?x\n"
        "[rule half]\n"
        "when = n ?x\n"
        "when = (?x > 4503599627370495.5)\n"
        "then = assert half ?x\n");
    fact(e, "n 9223372036854775807");
    fact(e, "n -9223372036854775808");
    fact(e, "n 4503599627370496");
    fact(e, "n 4503599627370495");
    run(e);
    assert_non_null(tu_find(e, "below 9223372036854775807"));
    assert_int_equal(tu_count(e, "equal ?"), 0);
    assert_non_null(tu_find(e, "half 4503599627370496"));
    assert_null(tu_find(e, "half 4503599627370495"));
    assert_non_null(tu_find(e, "half 9223372036854775807"));
}

static void normalised_numbers_are_one_fact(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e, "");
    const eng_fact *a = fact(e, "n 3.0");
    const eng_fact *b = fact(e, "n 3");
    assert_ptr_equal(a, b);
    assert_int_equal(eng_fact_count(e), 1);
    assert_int_equal(eng_fact_value(a, 1).type, ENG_INT);
    assert_string_equal(tu_fmt(e, a), "n 3");
    /* 0.5 and 0.50 are the same real */
    assert_ptr_equal(fact(e, "n 0.5"), fact(e, "n 0.50"));
    assert_int_equal(eng_fact_count(e), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(intern_same_text_same_atom, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(intern_copies_text, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(intern_uses_length_not_nul, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(symbol_and_string_differ, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(value_text_null_for_numbers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(many_atoms_stay_distinct, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(equality_of_numbers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(equality_across_types, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_symbols_bare, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_strings_quoted_and_escaped, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_integers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_reals_shortest, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_reals_read_back, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_snprintf_semantics, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(parse_symbols, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(parse_numbers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(parse_strings, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(parse_plain_words_and_numbers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_non_values, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_then_parse_round_trips, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_subnormal_reads_back, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(format_control_chars_round_trip, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(integral_numbers_are_integers, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(exponents_normalise, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(numbers_held_exactly_or_refused, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(integers_and_reals_compare_exactly, tu_setup, tu_teardown),
        cmocka_unit_test_setup_teardown(normalised_numbers_are_one_fact, tu_setup, tu_teardown),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
