/*
 * test_parse.c -- syntax and binding errors in the text of rules
 * (engine/parse.c and the checks of engine/compile.c): every bad `when`,
 * `then`, `salience` or `because` makes loading return ENG_EINVAL with a
 * diagnostic at the exact line and column of the culprit, whose message
 * says what was expected; all the errors of a file are found in one pass.
 *
 * Columns are 1-based byte columns; in `when = X` the value X starts at
 * column 8, in `then = X` too, in `because = X` at column 11.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

/* Loads TEXT expecting errors; returns the number of error diagnostics. */
static size_t load_bad(eng_engine *e, const char *text)
{
    int rc = tu_load(e, text);
    if (rc != ENG_EINVAL)
        tu_dump_diags(e);
    assert_int_equal(rc, ENG_EINVAL);
    assert_true(eng_error_count(e) > 0);
    return eng_error_count(e);
}

/* Every diagnostic names the file and carries its source line. */
static void assert_diag_source(const eng_engine *e, const char *frag,
                               const char *line_text)
{
    const eng_diag *d = tu_find_diag(e, frag);
    assert_non_null(d);
    assert_string_equal(d->path, "t.ini");
    assert_non_null(d->source);
    assert_string_equal(d->source, line_text);
    assert_true(d->span >= 1);
}

/* ------------------------------------------------------------ CEs */

static void ce_missing_operand(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n >\n"
        "then = halt\n"), 1);
    /* "?n >" ends at column 11; the value is missing at column 12 */
    assert_diag(e, ENG_ERROR, 3, 12, "expected a value");
    assert_non_null(strstr(tu_find_diag(e, "expected a value")->message, "end of line"));
    assert_diag_source(e, "expected a value", "when = ?n >");
    assert_int_equal(eng_rule_count(e), 0);
}

static void ce_unclosed_paren_and_stray_tokens(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r1]\n"
        "when = answer q ?n\n"
        "when = (?n > 3\n"
        "then = halt\n"
        "[rule r2]\n"
        "when = answer q ?n\n"
        "when = ?n > 3 (\n"
        "then = halt\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 3, 15, "expected ')'");
    assert_diag(e, ENG_ERROR, 7, 15, "expected the end of the condition");
}

static void ce_set_not_closed(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n in {a, b\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 19, "expected ',' or '}'");
    /* the message points back at the '{' */
    assert_non_null(strstr(tu_find_diag(e, "expected ','")->message, "column 14"));
}

static void ce_empty_set(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n in {}\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 15, "empty set");
}

static void ce_wildcard_in_test(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ? > 3\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 8, "name a variable");
}

static void ce_empty_condition(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when =\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 7, "empty condition");
}

static void ce_value_where_condition_expected(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n + 1\n"
        "then = halt\n");
    const eng_diag *d = tu_find_diag(e, "expected a condition");
    if (!d)
        tu_dump_diags(e);
    assert_non_null(d);
    assert_int_equal(d->line, 3);
    assert_int_equal(d->col, 8);
}

static void ce_bad_variable_name(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?1x\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 17, "variable name must start with a letter");
}

static void ce_number_glued_to_letters(void **state)
{
    eng_engine *e = ENG(state);
    /* (a word such as 3rd is a symbol by the engine's digit-led extension;
     * with a sign it is neither) */
    load_bad(e,
        "[rule r]\n"
        "when = answer -3rd ?n\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 15, "neither a number nor a symbol");
}

static void ce_fact_binding_on_not(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- not answer q ?n\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 14, "cannot bind a 'not' pattern");
}

static void ce_fact_variable_as_its_own_value(void **state)
{
    eng_engine *e = ENG(state);
    /* one error, at the inner ?f; the retract below it raises none */
    assert_int_equal(load_bad(e,
        "[rule r]\n"
        "when = ?f <- todo ?f\n"
        "then = retract ?f\n"), 1);
    assert_diag(e, ENG_ERROR, 2, 19, "bound to this whole fact");
    assert_non_null(strstr(tu_find_diag(e, "whole fact")->message, "expected"));
}

static void ce_not_and_exists_do_not_stack(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(load_bad(e,
        "[rule a]\n"
        "when = p ?x\n"
        "when = exists not q\n"
        "then = halt\n"
        "[rule b]\n"
        "when = p ?x\n"
        "when = not exists q\n"
        "then = halt\n"
        "[rule c]\n"
        "when = p ?x\n"
        "when = not\n"
        "then = halt\n"), 3);
    assert_diag(e, ENG_ERROR, 3, 15, "after 'exists', found 'not'");
    assert_diag(e, ENG_ERROR, 7, 12, "after 'not', found 'exists'");
    assert_diag(e, ENG_ERROR, 11, 11, "expected a pattern (REL TERM ...) or a condition after 'not', found end of line");
}

static void ce_not_twice_is_a_test(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule d]\n"
        "when = p ?x\n"
        "when = not not (?x > 1)\n"
        "then = assert q ?x\n");
}

/* 'and', 'or' and 'in' are the language's words, and values where no
 * operand can follow them: in a set, before ')' or at the end. */
static void ce_keywords_as_set_values(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule r]\n"
        "when = p ?x\n"
        "when = (?x in {and, or, in})\n"
        "then = assert word ?x\n"
        "[rule s]\n"
        "when = p ?x\n"
        "when = ?x = or\n"
        "then = assert or-seen\n");
    fact(e, "p and");
    fact(e, "p or");
    fact(e, "p but");
    run(e);
    assert_non_null(tu_find(e, "word and"));
    assert_non_null(tu_find(e, "word or"));
    assert_null(tu_find(e, "word but"));
    assert_non_null(tu_find(e, "or-seen"));
}

/* ... but not where an operand can follow */
static void ce_keyword_before_operand_is_an_operator(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule t]\n"
        "when = p ?x\n"
        "when = (?x in {a, and b})\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 19, "expected a value before 'and'");
}

/* A word that starts with a digit is a symbol (the 2_to_8 extension); in
 * an expression, one that reads as a sum is refused with the fix. */
static void ce_digit_led_sum_in_expression(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(load_bad(e,
        "[rule r]\n"
        "when = p ?x\n"
        "when = (?x - 1 = 10-1)\n"
        "then = halt\n"
        "[rule s]\n"
        "when = p ?x\n"
        "when = ?x in {2_to_8, 2.5-1}\n"
        "then = halt\n"), 2);
    assert_diag(e, ENG_ERROR, 3, 18, "'10-1' reads as one symbol");
    assert_diag(e, ENG_ERROR, 7, 23, "'2.5-1' reads as one symbol");
}

/* the extension itself still holds, in patterns and in expressions */
static void ce_digit_led_symbols_still_symbols(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule r]\n"
        "when = p 10-1 ?x\n"
        "when = ?x in {2_to_8, 3D, 1e3x}\n"
        "then = assert q ?x\n");
}

/* A knowledge base's text holds no control character but tabs, C1
 * (U+0080..U+009F) included, wherever it is: each is an error at its
 * byte that says how a string would hold it.  (The lexer refuses one in a
 * symbol too, for what is not read from a file: see echo-escape.sh.) */
static void file_no_control_characters(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(load_bad(e,
        "[rule r]\n"
        "when = p a\xc2\x9b" "b\n"
        "when = q ?x\xc2\x85\n"
        "when = s \x1b" "c\n"
        "; a comment \f\n"
        "then = assert t \"2\xc2\x80\"\n"), 5);
    assert_diag(e, ENG_ERROR, 2, 11, "control character U+009B: a knowledge base's text holds "
                "none but tabs (in a string, write \\xc2\\x9b)");
    assert_diag(e, ENG_ERROR, 3, 12, "control character U+0085");
    assert_diag(e, ENG_ERROR, 4, 10, "control character 0x1b: a knowledge base's text holds "
                "none but tabs (in a string, write \\x1b)");
    assert_diag(e, ENG_ERROR, 5, 13, "control character 0x0c");
    assert_diag(e, ENG_ERROR, 6, 19, "control character U+0080");
}

/* A symbol or a variable's name may hold any UTF-8 letter (bytes from
 * 0x80), U+00A0 and above; a string holds a control character written as
 * \xHH. */
static void ce_letters_past_ascii_in_symbols(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule r\xc2\xb7x]\n"
        "when = p caf\xc3\xa9 l\xc2\xb7l \xc2\xa0x ?\xc3\xa9t\xc3\xa9\t\n"
        "then = assert q \"\\xc2\\x9b\\x1b\"\n");
}

static void because_variable_name_ends_at_brace(void **state)
{
    eng_engine *e = ENG(state);
    assert_int_equal(load_bad(e,
        "[rule r]\n"
        "when = p ?x\n"
        "then = halt\n"
        "because = see {?x y}\n"
        "[rule s]\n"
        "when = p ?x\n"
        "then = halt\n"
        "because = see {?1}\n"), 2);
    assert_diag(e, ENG_ERROR, 4, 18, "expected '}' or '|REL' after '{?x', found ' '");
    assert_diag(e, ENG_ERROR, 8, 17, "expected a variable name (a letter or '_' first) after '{?', found '1'");
}

/* ------------------------------------------------------------ regex */

static void regex_bad_at_its_column(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n ~ /a(b/\n"
        "then = halt\n");
    /* "a(b" starts at column 14; PCRE2 reports the error at its end, 17 */
    assert_diag(e, ENG_ERROR, 3, 17, "invalid regular expression");
    assert_non_null(strstr(tu_find_diag(e, "invalid regular")->message, "parenthesis"));
}

static void regex_bad_char_class(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n (?n ~ /x[b/i)\n"
        "then = halt\n");
    /* ( at 20, ?n 21, ~ 24, / 26, x 27: the error is at the end, 30 */
    assert_diag(e, ENG_ERROR, 2, 30, "invalid regular expression");
}

static void regex_unknown_flag(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n ~ /abc/iz\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 19, "unknown regular expression flag 'z'");
}

static void regex_unterminated(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n ~ /abc\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 13, "unterminated regular expression");
}

static void regex_missing(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n ~ abc\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 13, "expected a regular expression");
}

/* ------------------------------------------------------------ actions */

static void action_unknown_with_suggestion(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = asert x ?n\n");
    assert_diag(e, ENG_ERROR, 3, 8, "unknown action 'asert'");
    assert_non_null(strstr(tu_find_diag(e, "unknown action")->message, "did you mean 'assert'"));
}

static void action_unknown_without_suggestion(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = print ?n\n");
    assert_diag(e, ENG_ERROR, 3, 8, "unknown action 'print'");
    assert_non_null(strstr(tu_find_diag(e, "unknown action")->message,
                           "expected assert, retract, add or halt"));
}

static void action_missing_relation(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert \"x\" 1\n"
        "then = assert\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 3, 15, "expected a relation name");
    const eng_diag *d = eng_diag_at(e, 1);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 14);
    assert_non_null(strstr(d->message, "after 'assert'"));
}

static void action_add_needs_number(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = add score\n"
        "then = add score x y\n");
    assert_diag(e, ENG_ERROR, 3, 17, "'add' needs the number to add");
    assert_diag(e, ENG_ERROR, 4, 20, "'add' needs a number as its last value");
}

static void action_halt_takes_nothing(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = halt now\n");
    assert_diag(e, ENG_ERROR, 3, 13, "'halt' takes nothing");
}

static void action_wildcard_cannot_be_asserted(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x ?\n");
    assert_diag(e, ENG_ERROR, 3, 17, "'?' cannot be asserted");
}

static void action_unclosed_expression(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x (?n + 1\n");
    assert_diag(e, ENG_ERROR, 3, 24, "expected ')' to close the expression");
}

static void action_condition_as_term_is_a_value_error(void **state)
{
    eng_engine *e = ENG(state);
    /* a stray ')' after a term */
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x ?n extra)\n");
    assert_diag(e, ENG_ERROR, 3, 25, "expected a value, a variable or '(expression)'");
}

static void action_empty(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = \n");
    assert_diag(e, ENG_ERROR, 3, 8, "expected an action");
}

static void rule_without_then(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule lonely]\n"
        "when = answer q ?n\n");
    /* reported at the rule's name in the header */
    assert_diag(e, ENG_ERROR, 1, 7, "has no 'then'");
}

/* ------------------------------------------------------------ salience */

static void salience_out_of_range(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule hi]\n"
        "salience = 10001\n"
        "then = halt\n"
        "[rule lo]\n"
        "salience = -20000\n"
        "then = halt\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 2, 12, "salience 10001 is out of range");
    assert_diag(e, ENG_ERROR, 5, 12, "salience -20000 is out of range");
    assert_non_null(strstr(tu_find_diag(e, "10001")->message, "-10000 to 10000"));
}

static void salience_bounds_accepted(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule hi]\n"
        "salience = 10000\n"
        "then = halt\n"
        "[rule lo]\n"
        "salience = -10000\n"
        "then = halt\n");
    assert_int_equal(eng_rule_salience(tu_rule(e, "hi")), 10000);
    assert_int_equal(eng_rule_salience(tu_rule(e, "lo")), -10000);
}

static void rule_find_returns_the_rule(void **state)
{
    eng_engine *e = ENG(state);
    tu_load(e,
        "[rule hi]\n"
        "salience = 10000\n"
        "then = halt\n"
        "[rule broken]\n"
        "then = asert x\n");
    const eng_rule *r = eng_rule_find(e, "hi");
    assert_ptr_equal(r, tu_rule(e, "hi"));
    assert_string_equal(eng_rule_name(r), "hi");
    assert_int_equal(eng_rule_salience(r), 10000);
    assert_int_equal(eng_rule_line(r), 1);
    /* a rejected rule is not a rule of the knowledge base */
    assert_null(eng_rule_find(e, "broken"));
    assert_null(eng_rule_find(e, "nothing"));
}

static void salience_not_a_whole_number(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule a]\n"
        "salience = high\n"
        "then = halt\n"
        "[rule b]\n"
        "salience = 2.5\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 12, "salience must be a whole number");
    const eng_diag *d = eng_diag_at(e, 1);
    assert_int_equal(d->line, 5);
    assert_int_equal(d->col, 12);
    assert_non_null(strstr(d->message, "'2.5'"));
}

/* ------------------------------------------------------------ binding */

static void unbound_variable_in_test(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?count > 3\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 8, "variable ?count is used before any pattern binds it");
}

static void variable_bound_later_is_unbound_in_earlier_test(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?n > 3\n"
        "when = answer q ?n\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 8, "variable ?n is used before any pattern binds it");
}

static void unbound_variable_in_action(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x ?n ?y\n"
        "then = assert z (?n + ?w)\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 3, 20, "variable ?y is used before");
    assert_diag(e, ENG_ERROR, 4, 23, "variable ?w is used before");
}

static void unbound_variable_in_because(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = halt\n"
        "because = value {?z} and {?n}\n");
    assert_int_equal(eng_error_count(e), 1);
    /* '{' at 17, the variable at 18 */
    assert_diag(e, ENG_ERROR, 4, 18, "variable ?z is used before");
}

static void because_unclosed_brace(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = halt\n"
        "because = value {?n\n");
    assert_diag(e, ENG_ERROR, 4, 17, "without a closing '}'");
}

static void not_variables_stay_local(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = not blocked ?n ?why\n"
        "then = assert x ?why\n");
    assert_diag(e, ENG_ERROR, 4, 17,
                "variable ?why is bound only inside the 'not' pattern on line 3");
}

/* The same when the exists pattern has an error of its own: its variables
 * leave scope all the same (a test reading them was once evaluated at load
 * with no fact behind it). */
static void exists_variables_stay_local_after_an_error(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = exists u ?s (?m in {w})\n"
        "when = ?s in {t}\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 21, "variable ?m is used before any pattern binds it");
    assert_diag(e, ENG_ERROR, 3, 8,
                "variable ?s is bound only inside the 'exists' pattern on line 2");
}

static void dashed_variable_hint(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n-1 > 3\n"
        "then = halt\n");
    /* ?n-1 is a variable named n-1, which nothing binds */
    assert_diag(e, ENG_ERROR, 3, 8, "variable ?n-1 is not bound");
    assert_non_null(strstr(tu_find_diag(e, "?n-1")->message, "'?n - 1'"));
}

static void dashed_variable_is_one_name(void **state)
{
    eng_engine *e = ENG(state);
    /* bound by a pattern, ?n-1 is an ordinary variable */
    load_ok(e,
        "[rule r]\n"
        "when = answer q ?n-1\n"
        "when = ?n-1 > 3\n"
        "then = assert big ?n-1\n");
    fact(e, "answer q 5");
    fact(e, "answer q 2");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "big 5"));
}

static void negative_literal_after_variable(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n -1 > 3\n"
        "then = assert x (?n -1)\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 3, 11, "expected an operator before '-1'");
    assert_non_null(strstr(tu_find_diag(e, "before '-1'")->message, "'- 1'"));
    const eng_diag *d = eng_diag_at(e, 1);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 21);
}

static void spaced_subtraction_is_fine(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n - 1 > 3\n"
        "then = assert x (?n - 1)\n");
    fact(e, "answer q 5");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "x 4"));
}

/* ------------------------------------------------------------ ?f misuse */

static void fact_variable_used_as_value(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- answer q ?n\n"
        "when = ?f > 3\n"
        "then = assert x ?f\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 3, 8, "bound to a whole fact");
    const eng_diag *d = eng_diag_at(e, 1);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 17);
    assert_non_null(strstr(d->message, "bound to a whole fact"));
}

static void fact_variable_in_pattern(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- answer q ?n\n"
        "when = seen ?f\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 3, 13, "cannot be matched as a value");
}

static void retract_of_a_value_variable(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- answer q ?n\n"
        "then = retract ?n\n");
    assert_diag(e, ENG_ERROR, 3, 16, "?n is a value, not a fact");
}

static void retract_of_unbound_or_constant(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = retract ?g\n"
        "then = retract answer\n"
        "then = retract\n");
    assert_int_equal(eng_error_count(e), 3);
    assert_diag(e, ENG_ERROR, 3, 16, "variable ?g is used before");
    assert_diag(e, ENG_ERROR, 4, 16, "'retract' takes fact variables");
    assert_diag(e, ENG_ERROR, 5, 15, "expected a fact variable after 'retract'");
}

static void fact_variable_bound_twice(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- answer q ?n\n"
        "when = ?f <- answer r ?m\n"
        "then = retract ?f\n");
    assert_diag(e, ENG_ERROR, 3, 8, "?f is already bound");
}

static void fact_variable_in_because(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = ?f <- answer q ?n\n"
        "then = retract ?f\n"
        "because = gone: {?f}\n");
    const eng_diag *d = tu_find_diag(e, "whole fact");
    assert_non_null(d);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 17);
}

/* ------------------------------------------------------------ strings */

static void unterminated_string_in_action(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x \"abc\n");
    assert_diag(e, ENG_ERROR, 3, 17, "unterminated string");
}

static void unterminated_string_in_pattern(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q \"open\n"
        "then = halt\n");
    assert_diag(e, ENG_ERROR, 2, 17, "unterminated string");
}

static void unknown_escape_in_string(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x \"a\\qb\"\n");
    assert_diag(e, ENG_ERROR, 3, 19, "unknown escape");
}

/* ------------------------------------------------------------ chains */

static void chained_comparisons(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer a ?a\n"
        "when = answer b ?b\n"
        "when = answer c ?c\n"
        "when = ?a < ?b < ?c\n"
        "when = ?a = 1 = 2\n"
        "when = ?a < 1 ~ /x/\n"
        "then = halt\n");
    assert_int_equal(eng_error_count(e), 3);
    /* at the second operator: ?a 8, < 11, ?b 13, < 16 */
    assert_diag(e, ENG_ERROR, 5, 16, "comparisons do not chain");
    assert_non_null(strstr(tu_find_diag(e, "do not chain")->message, "'and'"));
    const eng_diag *d = eng_diag_at(e, 1);
    assert_int_equal(d->line, 6);
    assert_int_equal(d->col, 15);
    d = eng_diag_at(e, 2);
    assert_int_equal(d->line, 7);
    assert_int_equal(d->col, 15);
    assert_non_null(strstr(d->message, "do not chain"));
}

static void comparisons_joined_with_and_are_fine(void **state)
{
    eng_engine *e = ENG(state);
    load_ok(e,
        "[rule r]\n"
        "when = answer a ?a\n"
        "when = answer b ?b\n"
        "when = answer c ?c\n"
        "when = ?a < ?b and ?b < ?c\n"
        "then = assert ordered\n");
    fact(e, "answer a 1");
    fact(e, "answer b 2");
    fact(e, "answer c 3");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "ordered"));
}

/* ------------------------------------------------------------ one pass */

static void three_bad_rules_three_errors(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule one]\n"
        "when = answer q ?n\n"
        "when = ?n >= \n"
        "then = halt\n"
        "\n"
        "[rule good]\n"
        "when = answer q ?n\n"
        "then = assert fine ?n\n"
        "\n"
        "[rule two]\n"
        "when = answer q ?n\n"
        "then = asert x\n"
        "\n"
        "[rule three]\n"
        "when = answer q ?n\n"
        "then = assert x ?nn\n");
    assert_int_equal(eng_error_count(e), 3);
    assert_int_equal(tu_count_sev(e, ENG_ERROR), 3);
    assert_diag(e, ENG_ERROR, 3, 13, "expected a value");
    assert_diag(e, ENG_ERROR, 12, 8, "unknown action");
    assert_diag(e, ENG_ERROR, 16, 17, "variable ?nn");
    /* diagnostics come in line order */
    assert_int_equal(eng_diag_at(e, 0)->line, 3);
    assert_int_equal(eng_diag_at(e, 1)->line, 12);
    assert_int_equal(eng_diag_at(e, 2)->line, 16);
    /* the good rule was still loaded */
    assert_int_equal(eng_rule_count(e), 1);
    assert_string_equal(eng_rule_name(eng_rule_at(e, 0)), "good");
}

static void bad_condition_and_bad_action_in_one_rule(void **state)
{
    eng_engine *e = ENG(state);
    load_bad(e,
        "[rule r]\n"
        "when = answer q (\n"
        "then = assert x \"oops\n"
        "salience = 99999\n");
    assert_int_equal(eng_error_count(e), 3);
    assert_diag(e, ENG_ERROR, 2, 18, "expected a value");
    assert_diag(e, ENG_ERROR, 3, 17, "unterminated string");
    assert_diag(e, ENG_ERROR, 4, 12, "out of range");
}

static void binding_errors_reported_beside_syntax_errors(void **state)
{
    eng_engine *e = ENG(state);
    /* the salience is bad, yet the variables are still checked */
    load_bad(e,
        "[rule r]\n"
        "salience = lots\n"
        "when = answer q ?n\n"
        "then = assert x ?m\n");
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 2, 12, "salience must be");
    assert_diag(e, ENG_ERROR, 4, 17, "variable ?m");
}

static void continuation_line_positions(void **state)
{
    eng_engine *e = ENG(state);
    /* an error on the indented continuation of a value is reported on
     * that physical line and column */
    load_bad(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "then = assert x ?n\n"
        "    ?oops\n");
    assert_diag(e, ENG_ERROR, 4, 5, "variable ?oops");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)
    const struct CMUnitTest tests[] = {
        T(ce_missing_operand),
        T(ce_unclosed_paren_and_stray_tokens),
        T(ce_set_not_closed),
        T(ce_empty_set),
        T(ce_wildcard_in_test),
        T(ce_empty_condition),
        T(ce_value_where_condition_expected),
        T(ce_bad_variable_name),
        T(ce_number_glued_to_letters),
        T(ce_fact_binding_on_not),
        T(ce_fact_variable_as_its_own_value),
        T(ce_not_and_exists_do_not_stack),
        T(ce_not_twice_is_a_test),
        T(ce_keywords_as_set_values),
        T(ce_keyword_before_operand_is_an_operator),
        T(ce_digit_led_sum_in_expression),
        T(ce_digit_led_symbols_still_symbols),
        T(file_no_control_characters),
        T(ce_letters_past_ascii_in_symbols),
        T(because_variable_name_ends_at_brace),
        T(regex_bad_at_its_column),
        T(regex_bad_char_class),
        T(regex_unknown_flag),
        T(regex_unterminated),
        T(regex_missing),
        T(action_unknown_with_suggestion),
        T(action_unknown_without_suggestion),
        T(action_missing_relation),
        T(action_add_needs_number),
        T(action_halt_takes_nothing),
        T(action_wildcard_cannot_be_asserted),
        T(action_unclosed_expression),
        T(action_condition_as_term_is_a_value_error),
        T(action_empty),
        T(rule_without_then),
        T(salience_out_of_range),
        T(salience_bounds_accepted),
        T(salience_not_a_whole_number),
        T(rule_find_returns_the_rule),
        T(unbound_variable_in_test),
        T(variable_bound_later_is_unbound_in_earlier_test),
        T(unbound_variable_in_action),
        T(unbound_variable_in_because),
        T(because_unclosed_brace),
        T(not_variables_stay_local),
        T(exists_variables_stay_local_after_an_error),
        T(dashed_variable_hint),
        T(dashed_variable_is_one_name),
        T(negative_literal_after_variable),
        T(spaced_subtraction_is_fine),
        T(fact_variable_used_as_value),
        T(fact_variable_in_pattern),
        T(retract_of_a_value_variable),
        T(retract_of_unbound_or_constant),
        T(fact_variable_bound_twice),
        T(fact_variable_in_because),
        T(unterminated_string_in_action),
        T(unterminated_string_in_pattern),
        T(unknown_escape_in_string),
        T(chained_comparisons),
        T(comparisons_joined_with_and_are_fine),
        T(three_bad_rules_three_errors),
        T(bad_condition_and_bad_action_in_one_rule),
        T(binding_errors_reported_beside_syntax_errors),
        T(continuation_line_positions),
    };
#undef T
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
