/*
 * test_load.c -- reading knowledge-base and answers files (engine/load.c):
 * INI-level problems (unknown section kinds, duplicates, empty sections,
 * over-long lines, bytes that are not UTF-8, lines without '=', indented
 * keys, NUL bytes), directories (sorted order, empty, missing), catalogue
 * entries, questions (types, options, bounds, patterns, ask_if), answers
 * files read with eng_answers_read, a file loaded once however it is
 * named, and [test] scenarios run with eng_test_run (answers of up to
 * ENG_MAX_VALUES values, expectations matched and reported whole).
 *
 * Files on disk live in a fresh temporary directory per test, removed by
 * the teardown.
 */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

/* ------------------------------------------------------------ fixture */

typedef struct fx {
    eng_engine *e;
    char dir[64];           /* a temporary directory */
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->e = eng_new(NULL);
    strcpy(f->dir, "/tmp/ldt-test-load-XXXXXX");
    if (!f->e || !mkdtemp(f->dir)) {
        eng_free(f->e);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fx *f = *state;
    eng_free(f->e);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

#define FX(state) ((fx *)*(state))

/* Writes TEXT to DIR/NAME (sub-directories must exist); returns the path
 * in a static buffer. */
static const char *write_file(fx *f, const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
    return path;
}

static void make_dir(fx *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    assert_int_equal(mkdir(path, 0700), 0);
}

/* ------------------------------------------------------------ sections */

static void unknown_kind_with_suggestion(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[rul x]\n"
        "then = halt\n"), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 1, 2, "unknown section kind 'rul'");
    assert_non_null(strstr(tu_find_diag(e, "'rul'")->message, "did you mean 'rule'"));
    assert_int_equal(eng_rule_count(e), 0);
}

static void unknown_kind_lists_declared_kinds(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(eng_kind_allow(e, "unit"), ENG_OK);
    assert_int_equal(eng_kind_allow(e, "advice"), ENG_OK);
    assert_int_equal(tu_load(e,
        "[unti EDU-101]\n"
        "title = x\n"
        "\n"
        "[widget w]\n"
        "a = b\n"), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 2);
    assert_diag(e, ENG_ERROR, 1, 2, "unknown section kind 'unti'");
    assert_non_null(strstr(tu_find_diag(e, "'unti'")->message, "did you mean 'unit'"));
    assert_diag(e, ENG_ERROR, 4, 2, "unknown section kind 'widget'");
    const char *m = tu_find_diag(e, "'widget'")->message;
    assert_non_null(strstr(m, "rule"));
    assert_non_null(strstr(m, "unit"));
    assert_non_null(strstr(m, "advice"));
    assert_int_equal(eng_entry_count(e), 0);
}

static void undeclared_kind_is_an_error(void **state)
{
    eng_engine *e = FX(state)->e;
    /* without eng_kind_allow, [unit X] is unknown */
    assert_int_equal(tu_load(e, "[unit EDU-101]\ntitle = Data\n"), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 1, 2, "unknown section kind 'unit'");
}

static void catalogue_entries(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(eng_kind_allow(e, "unit"), ENG_OK);
    assert_int_equal(tu_load(e,
        "[unit EDU-101]\n"
        "title = Intro\n"
        "  to data\n"
        "tag = a\n"
        "tag = b\n"
        "[unit EDU-102]\n"
        "title = Next\n"), ENG_OK);
    assert_int_equal(eng_entry_count(e), 2);
    const eng_entry *en = eng_entry_at(e, 0);
    assert_string_equal(en->kind, "unit");
    assert_string_equal(en->name, "EDU-101");
    assert_string_equal(en->path, "t.ini");
    assert_int_equal(en->line, 1);
    assert_int_equal(en->nfields, 3);
    assert_string_equal(en->fields[0].key, "title");
    /* continuation lines are joined with a space */
    assert_string_equal(en->fields[0].value, "Intro to data");
    assert_int_equal(en->fields[0].line, 2);
    assert_int_equal(en->fields[0].col, 9);
    /* repeated keys are kept, in order */
    assert_string_equal(en->fields[1].value, "a");
    assert_string_equal(en->fields[2].value, "b");
    assert_string_equal(eng_entry_at(e, 1)->name, "EDU-102");
    assert_null(eng_entry_at(e, 2));
}

static void duplicate_rule_names_both_places(void **state)
{
    eng_engine *e = FX(state)->e;
    const char *a = "[rule dup]\nthen = halt\n";
    const char *b = "; another file\n\n[rule dup]\nthen = halt\n";
    assert_int_equal(eng_load_buffer(e, "a.ini", a, strlen(a)), ENG_OK);
    assert_int_equal(eng_load_buffer(e, "b.ini", b, strlen(b)), ENG_EINVAL);
    const eng_diag *d = tu_find_diag(e, "duplicate rule 'dup'");
    assert_non_null(d);
    /* reported at the second, naming the first */
    assert_string_equal(d->path, "b.ini");
    assert_int_equal(d->line, 3);
    assert_int_equal(d->col, 7);
    assert_non_null(strstr(d->message, "a.ini:1"));
    assert_int_equal(eng_rule_count(e), 1);
}

static void duplicates_of_other_kinds(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(eng_kind_allow(e, "unit"), ENG_OK);
    assert_int_equal(tu_load(e,
        "[question q]\ntext = Q?\ntype = yesno\n"      /* 1 */
        "[question q]\ntext = Q?\ntype = yesno\n"      /* 4 */
        "[unit U]\nt = 1\n"                            /* 7 */
        "[unit U]\nt = 2\n"                            /* 9 */
        "[facts f]\nfact = a 1\n"                      /* 11 */
        "[facts f]\nfact = a 2\n"                      /* 13 */
        "[rule r]\nthen = halt\n"                      /* 15 */
        "[test r]\nexpect = a 1\n"                     /* 17: other kind, same name */
        ), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 3);
    assert_diag(e, ENG_ERROR, 4, 11, "duplicate question 'q' (first defined at t.ini:1)");
    assert_diag(e, ENG_ERROR, 9, 7, "duplicate unit 'U' (first defined at t.ini:7)");
    assert_diag(e, ENG_ERROR, 13, 8, "first defined at t.ini:11");
    assert_int_equal(eng_question_count(e), 1);
    assert_int_equal(eng_entry_count(e), 1);
    assert_int_equal(eng_test_count(e), 1);
}

static void empty_section_warning(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[facts nothing]\n"
        "; only a comment\n"
        "\n"
        "[rule r]\n"
        "then = halt\n"), ENG_OK);
    assert_int_equal(eng_error_count(e), 0);
    assert_diag(e, ENG_WARNING, 1, 1, "empty section [facts nothing]");
    assert_int_equal(eng_rule_count(e), 1);
}

static void over_long_line(void **state)
{
    (void)state;
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_line = 40;
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    int rc = tu_load(e,
        "[rule r]\n"
        "then = halt\n"
        "because = this sentence is much longer than forty bytes\n"
        "salience = 1\n");
    assert_int_equal(rc, ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 3, 41, "line is 55 bytes long; the limit is 40");
    /* the lines around it were read */
    assert_int_equal(eng_rule_count(e), 1);
    assert_int_equal(eng_rule_salience(eng_rule_at(e, 0)), 1);
    eng_free(e);
}

static void line_of_exactly_max_length_is_fine(void **state)
{
    (void)state;
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_line = 20;
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    /* "because = 0123456789" is 20 bytes */
    assert_int_equal(tu_load(e, "[rule r]\nthen = halt\nbecause = 0123456789\n"), ENG_OK);
    eng_free(e);
}

static void default_max_line_is_4096(void **state)
{
    eng_engine *e = FX(state)->e;
    char *text = malloc(6000);
    assert_non_null(text);
    strcpy(text, "[rule r]\nthen = halt\nbecause = ");
    size_t o = strlen(text);
    memset(text + o, 'x', 4100);
    strcpy(text + o + 4100, "\n");
    assert_int_equal(tu_load(e, text), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 3, 4097, "limit is 4096");
    free(text);
}

static void invalid_utf8_byte(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[rule r]\n"
        "then = halt\n"
        "because = caf\xe9 au lait\n"), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 3, 14, "invalid UTF-8 byte 0xe9");
    /* valid multi-byte UTF-8 is fine; an overlong encoding is not */
    eng_diag_clear(e);
    assert_int_equal(tu_load(e,
        "[rule s]\n"
        "then = halt\n"
        "because = caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"
        "[rule t]\n"
        "then = halt\n"
        "because = \xc0\xaf\n"), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 1);
    assert_diag(e, ENG_ERROR, 6, 11, "invalid UTF-8 byte 0xc0");
}

/* A control character but tab is an error at its byte wherever it sits in
 * a line, whatever is around it: the reader looks at sixteen bytes at a
 * time, so each is tried at every offset of a long line, after and before
 * tabs, CR LF ends and UTF-8 past ASCII (which must not count). */
static void control_character_at_every_offset(void **state)
{
    (void)state;
    static const struct { const char *bytes, *msg; } bad[] = {
        {"\x01", "control character 0x01: a knowledge base's text holds none but tabs "
                 "(in a string, write \\x01)"},
        {"\x1b", "control character 0x1b"},
        {"\x0b", "control character 0x0b"},
        {"\x0c", "control character 0x0c"},
        {"\x7f", "control character 0x7f"},
        {"\xc2\x85", "control character U+0085: a knowledge base's text holds none but "
                     "tabs (in a string, write \\xc2\\x85)"},
        {"\xc2\x9f", "control character U+009F"},
        {"\xc2\x80", "control character U+0080"},
        {"\xff", "invalid UTF-8 byte 0xff"},
        {"\xc2" "A", "invalid UTF-8 byte 0xc2"},
    };
    /* what must pass: tabs, a CR LF end, and letters past ASCII */
    static const char *fill[] = {"x", "\t", "\xc2\xa0", "\xc3\xa9", "\xe2\x82\xac"};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
        for (size_t f = 0; f < sizeof fill / sizeof *fill; f++)
            for (int k = 0; k < 40; k++) {
                char text[512];
                int o = snprintf(text, sizeof text, "[rule r]\r\nthen = halt\r\nbecause = ");
                int col = 11;
                for (int j = 0; j < k; j++, col += (int)strlen(fill[f]))
                    o += snprintf(text + o, sizeof text - (size_t)o, "%s", fill[f]);
                snprintf(text + o, sizeof text - (size_t)o, "%s%s tail\t\r\n",
                         bad[b].bytes, fill[f]);
                eng_engine *e = eng_new(NULL);      /* one a file: rule r each */
                assert_non_null(e);
                assert_int_equal(tu_load(e, text), ENG_EINVAL);
                assert_int_equal(eng_error_count(e), 1);
                assert_diag(e, ENG_ERROR, 3, col, bad[b].msg);
                eng_free(e);
            }
    for (size_t f = 0; f < sizeof fill / sizeof *fill; f++) {
        char text[512];
        int o = snprintf(text, sizeof text, "[rule r]\r\nthen = halt\r\nbecause = ");
        for (int j = 0; j < 40; j++)
            o += snprintf(text + o, sizeof text - (size_t)o, "%s", fill[f]);
        snprintf(text + o, sizeof text - (size_t)o, " tail\t\r\n; a comment \t\n");
        eng_engine *e = eng_new(NULL);
        assert_non_null(e);
        load_ok(e, text);
        eng_free(e);
    }
}

static void line_without_equals(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[rule r]\n"
        "when answer q\n"
        "then = halt\n"), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 2, 1, "expected 'key = value' or a '[section]' header");
}

static void missing_key_and_key_before_section(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "orphan = 1\n"
        "[rule r]\n"
        "  = value\n"
        "then = halt\n"), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 1, 1, "before any [section] header");
    assert_diag(e, ENG_ERROR, 3, 3, "missing key before '='");
}

static void bad_section_headers(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[rule r\n"
        "[rule]\n"
        "[rule a b]\n"
        "[]\n"
        "[rule 1.5]\n"
        "[rule ok] trailing\n"), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 6);
    assert_diag(e, ENG_ERROR, 1, 8, "expected ']'");
    assert_diag(e, ENG_ERROR, 2, 6, "expected a name after 'rule'");
    assert_diag(e, ENG_ERROR, 3, 9, "cannot contain blanks");
    assert_diag(e, ENG_ERROR, 4, 1, "empty section header");
    assert_diag(e, ENG_ERROR, 5, 7, "invalid name '1.5'");
    assert_diag(e, ENG_ERROR, 6, 11, "unexpected text after ']'");
}

static void indented_key_warning(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[rule r]\n"
        "when = go\n"
        "then = assert done\n"
        "because = it is time\n"
        "  salience = 5\n"), ENG_OK);
    assert_diag(e, ENG_WARNING, 5, 3, "continues the previous value");
    assert_non_null(strstr(tu_find_diag(e, "continues")->message, "'salience'"));
    /* inih joined it to `because`: the salience did not change */
    assert_int_equal(eng_rule_salience(eng_rule_at(e, 0)), 0);
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "go");
    run(e);
    char buf[128];
    eng_fact_because(e, tu_find(e, "done"), buf, sizeof buf);
    assert_string_equal(buf, "it is time salience = 5");
}

static void continuation_lines_join(void **state)
{
    eng_engine *e = FX(state)->e;
    /* a long `when` continued on an indented line: no warning */
    load_ok(e,
        "[rule r]\n"
        "when = answer q ?n\n"
        "when = ?n > 1 and\n"
        "    ?n < 10\n"
        "then = assert mid ?n\n");
    assert_int_equal(eng_diag_count(e), 0);
    fact(e, "answer q 5");
    fact(e, "answer q 50");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "mid 5"));
}

/* An indented line that starts with '[' is a header, as inih reads it,
 * not the next line of a value: a warning says so where it is, and the
 * lines after it are read in the new section, passed over or not. */
static void indented_header_ends_the_value(void **state)
{
    (void)state;
    const char *text =
        "[rule r]\n"
        "when = go\n"
        "then = assert done\n"
        "because = it is\n"
        "  [test t]\n"                     /* 5 */
        "  time\n";                        /* 6 */
    for (int skip = 0; skip <= 1; skip++) {
        eng_config cfg = {.skip_tests = skip};
        eng_engine *e = eng_new(&cfg);
        assert_non_null(e);
        assert_int_equal(eng_load_buffer(e, "t.ini", text, strlen(text)), ENG_EINVAL);
        assert_diag(e, ENG_WARNING, 5, 3, "is a section header, not part of the value above");
        assert_diag(e, ENG_ERROR, 6, 3, "expected 'key = value' or a '[section]' header");
        assert_int_equal(eng_error_count(e), 1);
        eng_free(e);
    }
    /* a header after a key, not indented: no warning */
    eng_engine *e = eng_new(NULL);
    assert_non_null(e);
    const char *plain = "[rule r]\nwhen = go\nthen = assert done\n[rule s]\nwhen = done\nthen = halt\n";
    assert_int_equal(eng_load_buffer(e, "t.ini", plain, strlen(plain)), ENG_OK);
    assert_int_equal(eng_diag_count(e), 0);
    eng_free(e);
}

static void nul_byte(void **state)
{
    eng_engine *e = FX(state)->e;
    static const char text[] = "[rule r]\nwhen = a\0b\nthen = halt\n";
    assert_int_equal(eng_load_buffer(e, "t.ini", text, sizeof text - 1), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 2, 9, "NUL byte");
}

static void comments_and_crlf(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "; comment\r\n"
        "  # an indented comment\r\n"
        "[rule r]\r\n"
        "when = answer q ?n\r\n"
        "then = assert got ?n\r\n"
        "because = got {?n}; really # not a comment\r\n");
    fact(e, "answer q 1");
    assert_int_equal(run(e), 1);
    /* ';' and '#' inside a value are part of it; CR is not */
    char buf[64];
    eng_fact_because(e, tu_find(e, "got 1"), buf, sizeof buf);
    assert_string_equal(buf, "got 1; really # not a comment");
}

/* A byte-order mark at the start of a file is passed over (columns count
 * from after it); elsewhere the same bytes are text like any other. */
static void byte_order_mark(void **state)
{
    eng_engine *e = FX(state)->e;
    static const char bad[] = "\xEF\xBB\xBFwhen = x\n";
    assert_int_equal(eng_load_buffer(e, "b.ini", bad, sizeof bad - 1), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 1, 1, "before any [section] header");
    eng_diag_clear(e);
    load_ok(e,
        "\xEF\xBB\xBF[rule r]\n"
        "when = answer q ?n\n"
        "then = assert got ?n\n");
    fact(e, "answer q 1");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "got 1"));
}

/* {?var|,} shows a number with its whole digits in groups of three, and
 * any other value as {?var} would. */
static void because_grouped_digits(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "[rule r]\n"
        "when = n ?k ?x\n"
        "then = assert shown ?k ?x\n"
        "because = {?x|,} ({?x}).\n");
    assert_int_equal(eng_reset(e), ENG_OK);
    static const struct { const char *fact, *shown, *want; } cases[] = {
        {"n a 1200000", "shown a 1200000", "1,200,000 (1200000)."},
        {"n b 4800", "shown b 4800", "4,800 (4800)."},
        {"n c 999", "shown c 999", "999 (999)."},
        {"n d 0", "shown d 0", "0 (0)."},
        {"n e -12345.5", "shown e -12345.5", "-12,345.5 (-12345.5)."},
        {"n f 100000", "shown f 100000", "100,000 (100000)."},
        {"n g -9223372036854775808", "shown g -9223372036854775808",
         "-9,223,372,036,854,775,808 (-9223372036854775808)."},
        {"n h 1e300", "shown h 1e300", "1e+300 (1e+300)."},
        {"n i \"12345\"", "shown i \"12345\"", "12345 (12345)."},
        {"n j x12345", "shown j x12345", "x12345 (x12345)."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        fact(e, cases[i].fact);
    run(e);
    char buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const eng_fact *f = tu_find(e, cases[i].shown);
        assert_non_null(f);
        eng_fact_because(e, f, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
}

/* {?var|REL} shows the label of the value: the last value of the oldest
 * live fact `REL value LABEL`, whatever its type, or the value itself. */
static void because_labels(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "[facts labels]\n"
        "fact = name ann \"Ann Smith\"\n"
        "fact = name ann \"A. Smith\"\n"
        "fact = name 7 seven\n"
        "fact = level ann 3\n"
        "[rule r]\n"
        "when = who ?p ?n\n"
        "then = assert seen ?p ?n\n"
        "because = {?p|name} ({?p}), {?n|name}, level {?p|level}, {?n|level}\n");
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "who ann 7");
    fact(e, "who bob 8");
    run(e);
    char buf[128];
    eng_fact_because(e, tu_find(e, "seen ann 7"), buf, sizeof buf);
    assert_string_equal(buf, "Ann Smith (ann), seven, level 3, 7");
    /* no label: the value itself */
    eng_fact_because(e, tu_find(e, "seen bob 8"), buf, sizeof buf);
    assert_string_equal(buf, "bob (bob), 8, level bob, 8");
    /* the label is read when the sentence is made: the oldest live fact */
    assert_int_equal(eng_retract(e, tu_find(e, "name ann \"Ann Smith\"")), ENG_OK);
    eng_fact_because(e, tu_find(e, "seen ann 7"), buf, sizeof buf);
    assert_string_equal(buf, "A. Smith (ann), seven, level 3, 7");
    /* the length without room to write it, as snprintf */
    assert_int_equal(eng_fact_because(e, tu_find(e, "seen ann 7"), buf, 4), 33);
    assert_string_equal(buf, "A. ");
}

/* {?var|Q} with Q a question shows the label of the option the value
 * names, when no fact `Q value LABEL` does; a fact still comes first, and
 * a value that is no option of Q, or a Q that is no question, shows the
 * value itself.  eng_rule_shown says where each shown value comes from. */
static void because_option_labels(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "[question stage]\ntext = Stage?\ntype = one\n"
        "option = none : Nothing yet\noption = pilot : A pilot\n"
        "option = live : In daily use\n"
        "[facts f]\nfact = stage live \"Live, by a fact\"\n"
        "[rule r]\n"
        "when = answer stage ?s\n"
        "when = other ?o\n"
        "then = assert seen ?s ?o\n"
        "because = {?s|stage} ({?s}), {?o|stage}, {?s|nostage}\n");
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "answer stage pilot");
    fact(e, "other elsewhere");
    run(e);
    char buf[128];
    eng_fact_because(e, tu_find(e, "seen pilot elsewhere"), buf, sizeof buf);
    assert_string_equal(buf, "A pilot (pilot), elsewhere, pilot");
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "answer stage live");
    fact(e, "other none");
    run(e);
    eng_fact_because(e, tu_find(e, "seen live none"), buf, sizeof buf);
    assert_string_equal(buf, "Live, by a fact (live), Nothing yet, live");

    const eng_rule *r = eng_rule_find(e, "r");
    size_t c, pos;
    eng_value rel;
    int line, col;
    assert_int_equal(eng_rule_shown(r, 0, &c, &pos, &rel, &line, &col), 0);
    assert_int_equal(c, 0);
    assert_int_equal(pos, 2);
    assert_int_equal(rel.type, ENG_SYMBOL);
    assert_int_equal(line, 13);
    assert_int_equal(col, 11);
    assert_int_equal(eng_rule_shown(r, 1, &c, &pos, &rel, &line, &col), 0);
    assert_int_equal(rel.type, 0);
    assert_int_equal(col, 23);
    assert_int_equal(eng_rule_shown(r, 2, &c, &pos, &rel, &line, &col), 0);
    assert_int_equal(c, 1);
    assert_int_equal(pos, 1);
    assert_int_equal(eng_rule_shown(r, 3, &c, &pos, &rel, &line, &col), 0);
    assert_int_equal(eng_rule_shown(r, 4, &c, &pos, &rel, &line, &col), -1);
}

/* A because shows every value it names, however many (it kept the first
 * 256 pieces of the sentence and dropped the rest without a word). */
static void because_many_values(void **state)
{
    eng_engine *e = FX(state)->e;
    char kb[8192];
    int o = snprintf(kb, sizeof kb, "[rule r]\nwhen = x ?a\nthen = assert y ?a\nbecause =");
    for (int i = 0; i < 300; i++)
        o += snprintf(kb + o, sizeof kb - (size_t)o, " %d:{?a}", i);
    snprintf(kb + o, sizeof kb - (size_t)o, " end\n");
    load_ok(e, kb);
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "x q");
    run(e);
    char buf[8192];
    size_t n = eng_fact_because(e, tu_find(e, "y q"), buf, sizeof buf);
    assert_true(n < sizeof buf);
    assert_int_equal(strncmp(buf, "0:q 1:q ", 8), 0);
    assert_non_null(strstr(buf, " 299:q end"));
}

/* ------------------------------------------------------------ paths */

static void directory_in_sorted_order(void **state)
{
    fx *f = FX(state);
    make_dir(f, "sub");
    write_file(f, "b.ini", "[rule mmm]\nthen = halt\n");
    write_file(f, "a.ini", "[rule zzz]\nthen = halt\n");
    write_file(f, "sub/c.ini", "[rule aaa]\nthen = halt\n");
    write_file(f, "notes.txt", "this is not an ini file\n");
    write_file(f, ".hidden.ini", "garbage\n");
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_OK);
    assert_int_equal(eng_rule_count(f->e), 3);
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 0)), "zzz");
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 1)), "mmm");
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 2)), "aaa");
    char want[128];
    snprintf(want, sizeof want, "%s/sub/c.ini", f->dir);
    assert_string_equal(eng_rule_path(eng_rule_at(f->e, 2)), want);
}

/* Sorted path order holds across sub-directories: a-b.ini, a.ini, then
 * a/x.ini (as "a/" sorts after "a-" and "a."), not the sub-directory
 * first because its name "a" is shorter. */
static void directory_sorted_by_whole_path(void **state)
{
    fx *f = FX(state);
    make_dir(f, "a");
    write_file(f, "a/x.ini", "[rule third]\nthen = halt\n");
    write_file(f, "a.ini", "[rule second]\nthen = halt\n");
    write_file(f, "a-b.ini", "[rule first]\nthen = halt\n");
    write_file(f, "b.ini", "[rule fourth]\nthen = halt\n");
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_OK);
    assert_int_equal(eng_rule_count(f->e), 4);
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 0)), "first");
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 1)), "second");
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 2)), "third");
    assert_string_equal(eng_rule_name(eng_rule_at(f->e, 3)), "fourth");
}

static void directory_duplicate_across_files(void **state)
{
    fx *f = FX(state);
    write_file(f, "a.ini", "[rule dup]\nthen = halt\n");
    write_file(f, "b.ini", "\n\n[rule dup]\nthen = halt\n");
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_EINVAL);
    const eng_diag *d = tu_find_diag(f->e, "duplicate rule 'dup'");
    assert_non_null(d);
    char first[128], second[128];
    snprintf(first, sizeof first, "%s/a.ini:1", f->dir);
    snprintf(second, sizeof second, "%s/b.ini", f->dir);
    assert_string_equal(d->path, second);
    assert_int_equal(d->line, 3);
    assert_non_null(strstr(d->message, first));
}

/* A symbolic link back to a directory being read is one error, at the
 * link, naming the directory; what is beside it is still read. */
static void directory_link_loop(void **state)
{
    fx *f = FX(state);
    make_dir(f, "sub");
    write_file(f, "a.ini", "[rule a]\nthen = halt\n");
    write_file(f, "sub/b.ini", "[rule b]\nthen = halt\n");
    char link[128], back[128];
    snprintf(link, sizeof link, "%s/sub/again", f->dir);
    assert_int_equal(symlink("..", link), 0);
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_EINVAL);
    assert_int_equal(eng_error_count(f->e), 1);
    const eng_diag *d = tu_find_diag(f->e, "symbolic link loop");
    assert_non_null(d);
    assert_string_equal(d->path, link);
    snprintf(back, sizeof back, "the directory %s again", f->dir);
    assert_non_null(strstr(d->message, back));
    assert_int_equal(eng_rule_count(f->e), 2);
    /* two links to one directory that is not above them are no loop */
    eng_free(f->e);
    f->e = eng_new(NULL);
    assert_non_null(f->e);
    assert_int_equal(unlink(link), 0);
    make_dir(f, "sub/notes");
    write_file(f, "sub/notes/readme.txt", "not a rule file\n");
    snprintf(link, sizeof link, "%s/notes", f->dir);
    assert_int_equal(symlink("sub/notes", link), 0);
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_OK);
    assert_int_equal(eng_rule_count(f->e), 2);
    assert_null(tu_find_diag(f->e, "loop"));
}

static void single_file_path(void **state)
{
    fx *f = FX(state);
    const char *p = write_file(f, "one.ini", "[rule r]\nthen = halt\n");
    assert_int_equal(eng_load_path(f->e, p), ENG_OK);
    assert_int_equal(eng_rule_count(f->e), 1);
}

static void empty_directory(void **state)
{
    fx *f = FX(state);
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_EINVAL);
    const eng_diag *d = tu_find_diag(f->e, "no .ini files");
    assert_non_null(d);
    assert_int_equal(d->severity, ENG_ERROR);
    assert_string_equal(d->path, f->dir);
}

static void missing_path(void **state)
{
    fx *f = FX(state);
    char p[128];
    snprintf(p, sizeof p, "%s/does-not-exist", f->dir);
    assert_int_equal(eng_load_path(f->e, p), ENG_EIO);
    assert_int_equal(eng_error_count(f->e), 1);
    const eng_diag *d = eng_diag_at(f->e, 0);
    assert_string_equal(d->path, p);
    assert_non_null(strstr(d->message, "cannot open"));
}

static void load_after_reset(void **state)
{
    fx *f = FX(state);
    write_file(f, "a.ini", "[rule r]\nthen = halt\n");
    assert_int_equal(eng_reset(f->e), ENG_OK);
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_ESTATE);
    assert_int_equal(eng_rule_count(f->e), 0);
}

/* ------------------------------------------------------------ questions */

static const char *const Q_KB =
    "[question org.type]\n"                         /* 1 */
    "group = Organisation\n"
    "text = What kind of organisation?\n"
    "help = Pick the closest.\n"
    "type = one\n"
    "option = municipality : Municipality\n"
    "option = research : Research institute\n"
    "\n"
    "[question roles.present]\n"                    /* 9 */
    "text = Which roles exist?\n"
    "type = many\n"
    "option = gis_analyst : GIS analyst\n"
    "option = data_steward : Data steward\n"
    "option = cdo\n"
    "\n"
    "[question org.population]\n"                   /* 16 */
    "text = Population?\n"
    "type = number\n"
    "min = 0\n"
    "max = 10000000\n"
    "\n"
    "[question twin.ready]\n"                       /* 22 */
    "text = Ready?\n"
    "type = yesno\n"
    "\n"
    "[question contact]\n"                          /* 26 */
    "text = Contact code?\n"
    "type = text\n"
    "pattern = ^[A-Z]{3}-[0-9]+$\n";

static void question_fields(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e, Q_KB);
    assert_int_equal(eng_question_count(e), 5);
    const eng_question *q = eng_question_find(e, "org.type");
    assert_non_null(q);
    assert_ptr_equal(q, eng_question_at(e, 0));
    assert_string_equal(eng_question_id(q), "org.type");
    assert_string_equal(eng_question_group(q), "Organisation");
    assert_string_equal(eng_question_text(q), "What kind of organisation?");
    assert_string_equal(eng_question_help(q), "Pick the closest.");
    assert_int_equal(eng_question_type(q), ENG_Q_ONE);
    assert_int_equal(eng_question_option_count(q), 2);
    const char *label = NULL;
    assert_string_equal(eng_question_option(q, 1, &label), "research");
    assert_string_equal(label, "Research institute");
    assert_null(eng_question_option(q, 2, &label));
    assert_string_equal(eng_question_path(q), "t.ini");
    assert_int_equal(eng_question_line(q), 1);

    q = eng_question_find(e, "roles.present");
    assert_int_equal(eng_question_type(q), ENG_Q_MANY);
    assert_int_equal(eng_question_option_count(q), 3);
    /* an option without a label is labelled by its value */
    assert_string_equal(eng_question_option(q, 2, &label), "cdo");
    assert_string_equal(label, "cdo");
    assert_string_equal(eng_question_group(q), "");
    assert_string_equal(eng_question_help(q), "");
    assert_int_equal(eng_question_type(eng_question_find(e, "org.population")), ENG_Q_NUMBER);
    assert_int_equal(eng_question_type(eng_question_find(e, "twin.ready")), ENG_Q_YESNO);
    assert_int_equal(eng_question_type(eng_question_find(e, "contact")), ENG_Q_TEXT);
    assert_int_equal(eng_question_line(eng_question_find(e, "contact")), 26);
    assert_null(eng_question_find(e, "nope"));
    assert_null(eng_question_find(e, "org.typ"));
    /* every question is found by its id, at its index */
    for (size_t i = 0; i < eng_question_count(e); i++) {
        const eng_question *qi = eng_question_at(e, i);
        assert_int_equal(eng_question_index(qi), i);
        assert_ptr_equal(eng_question_find(e, eng_question_id(qi)), qi);
    }
}

/* eng_answer_parse on question ID; returns the status, values in VALS. */
static int parse_answer(eng_engine *e, const char *id, const char *text,
                        eng_value *vals, size_t *n, char *err)
{
    const eng_question *q = eng_question_find(e, id);
    assert_non_null(q);
    err[0] = '\0';
    return eng_answer_parse(e, q, text, vals, 8, n, err, 256);
}

static const char *val_text(eng_engine *e, eng_value v)
{
    static char buf[64];
    eng_value_format(e, v, buf, sizeof buf);
    return buf;
}

static void answer_parse_by_type(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e, Q_KB);
    eng_value v[8];
    size_t n;
    char err[256];
    /* one: case and blanks do not matter; the value is the option */
    assert_int_equal(parse_answer(e, "org.type", "  Municipality ", v, &n, err), ENG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].type, ENG_SYMBOL);
    assert_string_equal(val_text(e, v[0]), "municipality");
    assert_int_equal(parse_answer(e, "org.type", "castle", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "municipality"));
    assert_non_null(strstr(err, "research"));
    assert_non_null(strstr(err, "castle"));
    /* one takes one */
    assert_int_equal(parse_answer(e, "org.type", "municipality, research", v, &n, err), ENG_EINVAL);
    /* many: comma-separated, duplicates collapse */
    assert_int_equal(parse_answer(e, "roles.present", "gis_analyst, DATA_STEWARD,cdo", v, &n, err), ENG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(val_text(e, v[1]), "data_steward");
    assert_int_equal(parse_answer(e, "roles.present", "cdo, CDO", v, &n, err), ENG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(parse_answer(e, "roles.present", "cdo, , gis_analyst", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "empty"));
    /* number: bounds */
    assert_int_equal(parse_answer(e, "org.population", "45000", v, &n, err), ENG_OK);
    assert_int_equal(v[0].type, ENG_INT);
    assert_int_equal(v[0].u.i, 45000);
    assert_int_equal(parse_answer(e, "org.population", "0", v, &n, err), ENG_OK);
    assert_int_equal(parse_answer(e, "org.population", "10000000", v, &n, err), ENG_OK);
    assert_int_equal(parse_answer(e, "org.population", "-1", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "from 0 to"));
    assert_int_equal(parse_answer(e, "org.population", "10000001", v, &n, err), ENG_EINVAL);
    assert_int_equal(parse_answer(e, "org.population", "many", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "expected a number"));
    /* yesno: the symbols yes and no */
    assert_int_equal(parse_answer(e, "twin.ready", "YES", v, &n, err), ENG_OK);
    assert_int_equal(v[0].type, ENG_SYMBOL);
    assert_string_equal(val_text(e, v[0]), "yes");
    assert_int_equal(parse_answer(e, "twin.ready", "No", v, &n, err), ENG_OK);
    assert_string_equal(val_text(e, v[0]), "no");
    assert_int_equal(parse_answer(e, "twin.ready", "maybe", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "yes or no"));
    /* text: a string, checked against the pattern */
    assert_int_equal(parse_answer(e, "contact", "ABC-12", v, &n, err), ENG_OK);
    assert_int_equal(v[0].type, ENG_STRING);
    assert_string_equal(val_text(e, v[0]), "\"ABC-12\"");
    assert_int_equal(parse_answer(e, "contact", "abc-12", v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "^[A-Z]{3}-[0-9]+$"));
    /* empty answers are refused for every type */
    assert_int_equal(parse_answer(e, "contact", "  ", v, &n, err), ENG_EINVAL);
    assert_int_equal(parse_answer(e, "org.type", "", v, &n, err), ENG_EINVAL);
}

/* A number answer out of range, or no number, is told the question's
 * bounds as the prompt states them, whichever bounds it has. */
static void number_answer_states_the_range(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "[question lo]\ntext = L?\ntype = number\nmin = 1\n"
        "[question hi]\ntext = H?\ntype = number\nmax = 0.123456789\n"
        "[question free]\ntext = F?\ntype = number\n");
    eng_value v[8];
    size_t n;
    char err[256], range[120];
    assert_int_equal(parse_answer(e, "lo", "abc", v, &n, err), ENG_EINVAL);
    assert_string_equal(err, "expected a number of at least 1, found 'abc'");
    assert_int_equal(parse_answer(e, "lo", "0", v, &n, err), ENG_EINVAL);
    assert_string_equal(err, "expected a number of at least 1, found 0");
    assert_int_equal(parse_answer(e, "hi", "0.2", v, &n, err), ENG_EINVAL);
    assert_string_equal(err, "expected a number of at most 0.123456789, found 0.2");
    assert_int_equal(parse_answer(e, "hi", "0.123456789", v, &n, err), ENG_OK);
    assert_int_equal(parse_answer(e, "free", "x", v, &n, err), ENG_EINVAL);
    assert_string_equal(err, "expected a number, found 'x'");
    assert_string_equal(eng_question_range_text(eng_question_find(e, "free"), range,
                                                sizeof range), "");
    assert_string_equal(eng_question_range_text(eng_question_find(e, "lo"), range,
                                                sizeof range), "of at least 1");
}

/* A long answer is quoted in its error up to 80 bytes, cut where a
 * character starts and marked as cut; a short one is quoted whole. */
static void long_answer_quoted_cut(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e, Q_KB);
    eng_value v[8];
    size_t n;
    char err[256], text[200];
    /* 79 ASCII bytes, then 'é' (2 bytes) across the 80-byte mark */
    memset(text, 'a', 79);
    strcpy(text + 79, "\xc3\xa9tail");
    assert_int_equal(parse_answer(e, "twin.ready", text, v, &n, err), ENG_EINVAL);
    const char *q = strchr(err, '\'');
    assert_non_null(q);
    char want[100];
    memset(want, 'a', 79);
    strcpy(want + 79, "...'");
    assert_string_equal(q + 1, want);
    /* 80 bytes exactly are the whole answer: no mark */
    memset(text, 'b', 80);
    text[80] = '\0';
    assert_int_equal(parse_answer(e, "org.type", text, v, &n, err), ENG_EINVAL);
    assert_null(strstr(err, "..."));
    assert_non_null(strstr(err, "found 'bbbb"));
    /* the item of a list is quoted, not the list */
    memset(text, 'c', 120);
    strcpy(text + 120, ", cdo");
    assert_int_equal(parse_answer(e, "roles.present", text, v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "ccc...'"));
    /* a digit string too long to be a number (64 bytes or more) */
    memset(text, '9', 100);
    text[100] = '\0';
    assert_int_equal(parse_answer(e, "org.population", text, v, &n, err), ENG_EINVAL);
    assert_non_null(strstr(err, "999...'"));
}

static void question_errors(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[question a]\n"                    /* 1 */
        "text = A?\n"
        "type = numbr\n"                    /* 3: did you mean */
        "[question b]\n"                    /* 4 */
        "text = B?\n"
        "type = one\n"                      /* no options */
        "[question c]\n"                    /* 7 */
        "text = C?\n"
        "type = number\n"
        "option = x\n"                      /* 10: not for numbers */
        "min = 10\n"
        "max = 5\n"                         /* 12: below min */
        "[question d]\n"                    /* 13 */
        "type = text\n"                     /* no text */
        "pattern = a(b\n"                   /* 15: bad regex */
        "[question e]\n"                    /* 16 */
        "text = E?\n"
        "type = yesno\n"
        "optoin = x\n"                      /* 19: unknown key */
        "[question f]\n"                    /* 20 */
        "text = F?\n"
        "type = one\n"
        "option = x\n"
        "option = x\n"                      /* 24: twice */
        "min = 1\n"                         /* 25: not for one */
        "[question g]\n"                    /* 26 */
        "text = G?\n"
        "type = yesno\n"
        "ask_if = answer a ?x >\n"          /* 29 */
        ), ENG_EINVAL);
    assert_diag(e, ENG_ERROR, 3, 8, "unknown question type 'numbr'");
    assert_non_null(strstr(tu_find_diag(e, "'numbr'")->message, "did you mean 'number'"));
    assert_diag(e, ENG_ERROR, 4, 11, "needs at least one 'option");
    assert_diag(e, ENG_ERROR, 10, 10, "'option' belongs to questions of type one or many");
    assert_diag(e, ENG_ERROR, 12, 7, "'max' is below 'min'");
    assert_diag(e, ENG_ERROR, 13, 11, "has no 'text'");
    assert_diag(e, ENG_ERROR, 15, 14, "invalid regular expression");
    assert_diag(e, ENG_ERROR, 19, 1, "unknown key 'optoin'");
    assert_non_null(strstr(tu_find_diag(e, "'optoin'")->message, "did you mean 'option'"));
    assert_diag(e, ENG_ERROR, 24, 10, "option 'x' is listed twice");
    assert_diag(e, ENG_ERROR, 25, 7, "'min' belongs to questions of type number");
    assert_diag(e, ENG_ERROR, 29, 22, "expected a value, a variable or '?'");
    assert_int_equal(eng_question_count(e), 0);
}

static const char *const ASK_KB =
    "[question twin.stage]\n"
    "text = Stage?\n"
    "type = one\n"
    "option = idea\n"
    "option = pilot\n"
    "option = running\n"
    "\n"
    "[question partners.count]\n"
    "text = How many partners?\n"
    "type = number\n"
    "ask_if = answer twin.stage ?s\n"
    "ask_if = ?s != idea\n"
    "\n"
    "[question budget]\n"
    "text = Budget?\n"
    "type = number\n"
    "ask_if = not answer twin.stage idea\n";

static void ask_if_follows_the_facts(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e, ASK_KB);
    const eng_question *stage = eng_question_find(e, "twin.stage");
    const eng_question *partners = eng_question_find(e, "partners.count");
    const eng_question *budget = eng_question_find(e, "budget");
    assert_non_null(partners);
    assert_non_null(budget);
    /* without ask_if: always askable */
    assert_true(eng_question_askable(e, stage));
    assert_false(eng_question_askable(e, partners));
    assert_true(eng_question_askable(e, budget));
    const eng_fact *pilot = fact(e, "answer twin.stage pilot");
    assert_true(eng_question_askable(e, partners));
    assert_true(eng_question_askable(e, budget));
    eng_retract(e, pilot);
    assert_false(eng_question_askable(e, partners));
    const eng_fact *idea = fact(e, "answer twin.stage idea");
    assert_false(eng_question_askable(e, partners));
    assert_false(eng_question_askable(e, budget));
    /* two answers at once: the pilot one makes it askable */
    fact(e, "answer twin.stage pilot");
    assert_true(eng_question_askable(e, partners));
    eng_retract(e, idea);
    assert_true(eng_question_askable(e, budget));
    /* reset forgets it all */
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_false(eng_question_askable(e, partners));
    assert_true(eng_question_askable(e, budget));
}

static void ask_if_always_false(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e,
        "[question never]\n"
        "text = Never?\n"
        "type = yesno\n"
        "ask_if = 1 > 2\n"), ENG_OK);
    assert_diag(e, ENG_WARNING, 4, 10, "always false");
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_false(eng_question_askable(e, eng_question_find(e, "never")));
}

/* ------------------------------------------------------------ answers */

static const char *const ANSWERS =
    "[answers harbour-city]\n"                          /* 1 */
    "org.type = Municipality\n"                         /* 2 */
    "org.population = 45000\n"                          /* 3 */
    "roles.present = gis_analyst, DATA_STEWARD\n"       /* 4 */
    "twin.ready = YES\n"                                /* 5 */
    "contact = ABC-12\n"                                /* 6 */
    "\n"
    "[answers broken]\n"                                /* 8 */
    "org.type = castle\n"                               /* 9 */
    "org.population = 20000000\n"                       /* 10 */
    "twin.ready = yes\n"                                /* 11 */
    "\n"
    "[answers typo]\n"                                  /* 13 */
    "org.tpye = research\n"                             /* 14 */
    "\n"
    "[answers quiet]\n"                                 /* 16 */
    "org.type = research\n";                            /* 17 */

static void answers_file_valid_and_invalid(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    load_ok(e, Q_KB);
    char path[128];
    strcpy(path, write_file(f, "answers.ini", ANSWERS));
    eng_answers *a = eng_answers_read(e, path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 4);
    assert_string_equal(eng_answers_name(a, 0), "harbour-city");
    assert_string_equal(eng_answers_name(a, 1), "broken");
    assert_string_equal(eng_answers_name(a, 3), "quiet");
    assert_null(eng_answers_name(a, 4));
    assert_true(eng_answers_valid(a, 0));
    assert_false(eng_answers_valid(a, 1));
    assert_false(eng_answers_valid(a, 2));
    assert_true(eng_answers_valid(a, 3));
    assert_false(eng_answers_valid(a, 4));

    /* errors name the file, line and question, and what was expected */
    assert_int_equal(eng_error_count(e), 3);
    const eng_diag *d = tu_find_diag(e, "'castle'");
    assert_non_null(d);
    assert_string_equal(d->path, path);
    assert_int_equal(d->line, 9);
    assert_int_equal(d->col, 12);
    assert_non_null(strstr(d->message, "broken"));
    assert_non_null(strstr(d->message, "org.type"));
    assert_non_null(strstr(d->message, "expected one of"));
    d = tu_find_diag(e, "20000000");
    assert_non_null(d);
    assert_int_equal(d->line, 10);
    assert_non_null(strstr(d->message, "org.population"));
    assert_non_null(strstr(d->message, "from 0 to 1e+07") ||
                    strstr(d->message, "from 0 to 10000000"));
    d = tu_find_diag(e, "unknown question 'org.tpye'");
    assert_non_null(d);
    assert_int_equal(d->line, 14);
    assert_non_null(strstr(d->message, "did you mean 'org.type'"));

    /* a valid respondent's answers become facts */
    assert_int_equal(eng_answers_assert(e, a, 0), ENG_OK);
    assert_non_null(tu_find(e, "answer org.type municipality"));
    assert_non_null(tu_find(e, "answer org.population 45000"));
    assert_non_null(tu_find(e, "answer roles.present gis_analyst"));
    assert_non_null(tu_find(e, "answer roles.present data_steward"));
    assert_non_null(tu_find(e, "answer twin.ready yes"));
    assert_non_null(tu_find(e, "answer contact \"ABC-12\""));
    assert_int_equal(eng_fact_count(e), 6);
    /* an invalid one asserts nothing */
    assert_int_equal(eng_answers_assert(e, a, 1), ENG_EINVAL);
    assert_int_equal(eng_fact_count(e), 6);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_answers_assert(e, a, 3), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    eng_answers_free(a);
}

/* Symbols, and so question IDs and option values, may hold ':'.  A key
 * ends at '=' (or at a ':' with a blank after it, inih's other
 * separator), so `iso:27001 = yes` answers the question iso:27001 in an
 * answers file and in a scenario test; an option's label follows the
 * first ':' with a blank beside it. */
static void colons_in_question_ids_and_options(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    load_ok(e,
        "[question iso:27001]\n"
        "text: Certified?\n"
        "type = one\n"
        "option = iso:yes\n"
        "option = iso:no : Not: yet\n"
        "option = maybe: Perhaps\n"
        "[rule r]\n"
        "when = answer iso:27001 iso:yes\n"
        "then = assert certified\n"
        "[test t]\n"
        "answer.iso:27001 = iso:yes\n"
        "expect = certified\n");
    const eng_question *q = eng_question_find(e, "iso:27001");
    assert_non_null(q);
    assert_string_equal(eng_question_text(q), "Certified?");
    assert_int_equal(eng_question_option_count(q), 3);
    const char *label = NULL;
    assert_string_equal(eng_question_option(q, 0, &label), "iso:yes");
    assert_string_equal(label, "iso:yes");
    assert_string_equal(eng_question_option(q, 1, &label), "iso:no");
    assert_string_equal(label, "Not: yet");
    assert_string_equal(eng_question_option(q, 2, &label), "maybe");
    assert_string_equal(label, "Perhaps");
    assert_int_equal(eng_test_run(e, eng_test_at(e, 0), NULL, NULL), 1);

    char path[128];
    strcpy(path, write_file(f, "answers.ini",
                            "[answers a]\n"
                            "iso:27001 = iso:yes\n"
                            "[answers b]\n"
                            "  iso:27001: iso:no\n"));
    eng_answers *a = eng_answers_read(e, path);
    assert_non_null(a);
    if (eng_error_count(e))
        tu_dump_diags(e);
    assert_int_equal(eng_error_count(e), 0);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_answers_assert(e, a, 0), ENG_OK);
    assert_non_null(tu_find(e, "answer iso:27001 iso:yes"));
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_answers_assert(e, a, 1), ENG_OK);
    assert_non_null(tu_find(e, "answer iso:27001 iso:no"));
    eng_answers_free(a);
}

static void answers_file_problems(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    load_ok(e, Q_KB);
    const char *path = write_file(f, "bad.ini",
        "[answers one]\n"
        "twin.ready = yes\n"
        "twin.ready = no\n"                     /* 3: answered twice */
        "[answers one]\n"                       /* 4: duplicate respondent */
        "[respondent two]\n"                    /* 5: wrong kind */
        "org.type = \n");                       /* 6: empty; also ignored */
    eng_answers *a = eng_answers_read(e, path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, 3, 1, "answered twice");
    assert_diag(e, ENG_ERROR, 4, 10, "duplicate respondent 'one'");
    assert_diag(e, ENG_ERROR, 5, 2, "expected '[answers NAME]'");
    assert_int_equal(eng_answers_count(a), 1);
    assert_false(eng_answers_valid(a, 0));
    eng_answers_free(a);
}

static void answers_file_missing(void **state)
{
    fx *f = FX(state);
    load_ok(f->e, Q_KB);
    char p[128];
    snprintf(p, sizeof p, "%s/none.ini", f->dir);
    assert_null(eng_answers_read(f->e, p));
    const eng_diag *d = tu_find_diag(f->e, "cannot open");
    assert_non_null(d);
    assert_string_equal(d->path, p);
}

static void answers_to_unaskable_question_still_asserted(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    load_ok(e, ASK_KB);
    const char *path = write_file(f, "a.ini",
        "[answers early]\n"
        "twin.stage = idea\n"
        "partners.count = 3\n");
    eng_answers *a = eng_answers_read(e, path);
    assert_non_null(a);
    assert_int_equal(eng_error_count(e), 0);
    assert_true(eng_answers_valid(a, 0));
    assert_int_equal(eng_answers_assert(e, a, 0), ENG_OK);
    assert_non_null(tu_find(e, "answer partners.count 3"));
    eng_answers_free(a);
}

/* ------------------------------------------------------------ [test] */

static const char *const TEST_KB =
    "[question org.type]\n"                 /* 1 */
    "text = Type?\n"
    "type = one\n"
    "option = municipality\n"
    "option = research\n"
    "[question roles]\n"                    /* 6 */
    "text = Roles?\n"
    "type = many\n"
    "option = a\n"
    "option = b\n"
    "[rule lab]\n"                          /* 11 */
    "when = answer org.type municipality\n"
    "then = assert situation lab\n"
    "[rule both]\n"                         /* 14 */
    "when = answer roles a\n"
    "when = answer roles b\n"
    "then = assert situation arena\n"
    "[test passes]\n"                       /* 18 */
    "answer.org.type = municipality\n"
    "expect = situation lab\n"
    "expect = situation ?s\n"
    "expect_not = situation arena\n"
    "[test fails]\n"                        /* 23 */
    "answer.org.type = research\n"
    "answer.roles = a, B\n"
    "expect = situation lab\n"              /* 26 */
    "expect_not = situation arena\n";      /* 27 */

typedef struct failures {
    int n;
    int lines[8];
    char msgs[8][512];
} failures;

static void on_failure(void *ud, const eng_test *t, int line, const char *message)
{
    failures *fl = ud;
    (void)t;
    if (fl->n < 8) {
        fl->lines[fl->n] = line;
        snprintf(fl->msgs[fl->n], sizeof fl->msgs[0], "%s", message);
    }
    fl->n++;
}

static void scenario_tests_pass_and_fail(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e, TEST_KB), ENG_OK);
    assert_int_equal(eng_test_count(e), 2);
    const eng_test *pass = eng_test_at(e, 0), *fail = eng_test_at(e, 1);
    assert_string_equal(eng_test_name(pass), "passes");
    assert_string_equal(eng_test_path(pass), "t.ini");
    assert_int_equal(eng_test_line(pass), 18);
    assert_string_equal(eng_test_name(fail), "fails");

    failures fl;
    memset(&fl, 0, sizeof fl);
    assert_int_equal(eng_test_run(e, pass, on_failure, &fl), 1);
    assert_int_equal(fl.n, 0);

    assert_int_equal(eng_test_run(e, fail, on_failure, &fl), 0);
    assert_int_equal(fl.n, 2);
    /* what was expected, and where */
    assert_int_equal(fl.lines[0], 26);
    assert_non_null(strstr(fl.msgs[0], "expected a fact matching 'situation lab'"));
    /* and what was found instead */
    assert_non_null(strstr(fl.msgs[0], "situation arena"));
    assert_int_equal(fl.lines[1], 27);
    assert_non_null(strstr(fl.msgs[1], "expected no fact matching 'situation arena'"));
    /* the failing test left its facts: the run really happened */
    assert_non_null(tu_find(e, "answer roles b"));
    assert_null(tu_find(e, "answer org.type municipality"));
    /* and the passing one passes again after it (each run resets) */
    assert_int_equal(eng_test_run(e, pass, NULL, NULL), 1);
}

static const char *const BAD_TESTS_KB =
    "[question q]\n"
    "text = Q?\n"
    "type = yesno\n"
    "[test t1]\n"                       /* 4 */
    "answer.nope = yes\n"               /* 5: unknown question */
    "answer.q = perhaps\n"              /* 6: bad answer */
    "expect = situation (\n"            /* 7: bad pattern */
    "expect = ?x > 3\n"                 /* 8: not a pattern */
    "expected = a\n"                    /* 9: unknown key */
    "[test t2]\n"                       /* 10 */
    "answer.q = yes\n";

static void scenario_test_errors(void **state)
{
    eng_engine *e = FX(state)->e;
    /* (the status is checked by load_buffer_status_counts_test_errors) */
    tu_load(e, BAD_TESTS_KB);
    assert_int_equal(eng_error_count(e), 5);
    assert_diag(e, ENG_ERROR, 5, 1, "unknown question 'nope'");
    assert_null(tu_find_diag(e, "did you mean 'answer.q'"));   /* not close */
    assert_diag(e, ENG_ERROR, 6, 12, "yes or no");
    assert_non_null(tu_find_diag(e, "question 'q'"));
    assert_diag(e, ENG_ERROR, 7, 21, "expected a value");
    assert_diag(e, ENG_ERROR, 8, 10, "takes a plain pattern");
    assert_diag(e, ENG_ERROR, 9, 1, "unknown key 'expected'");
    /* t2 cannot fail: a warning */
    assert_diag(e, ENG_WARNING, 10, 1, "no 'expect'");
    assert_int_equal(eng_test_count(e), 1);
}

/* A misspelt question in a [test] is named with the closest one, written
 * as the key to use. */
static void scenario_unknown_question_suggests(void **state)
{
    eng_engine *e = FX(state)->e;
    tu_load(e,
        "[question org.stage]\ntext = Stage?\ntype = yesno\n"
        "[test t]\n"
        "answer.org.stag = yes\n"         /* 5 */
        "expect = answer org.stage yes\n");
    assert_int_equal(eng_error_count(e), 1);
    assert_diag(e, ENG_ERROR, 5, 1,
                "test 't' answers unknown question 'org.stag' (did you mean 'answer.org.stage'?)");
}

/* A scenario answers like a respondent: a many answer may be split over
 * two lines (the values add up), but a second answer to a one, yesno,
 * number or text question is a warning, since no respondent can give it;
 * an empty [test] gets one warning, not two. */
static void scenario_answers_given_twice(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e,
        "[question one]\ntext = One?\ntype = one\noption = a\noption = b\n"
        "[question many]\ntext = Many?\ntype = many\noption = a\noption = b\n"
        "[test t]\n"                   /* 11 */
        "answer.many = a\n"
        "answer.many = b\n"
        "answer.one = a\n"             /* 14 */
        "answer.one = b\n"             /* 15 */
        "expect = answer many a\n"
        "expect = answer many b\n"
        "expect = answer one b\n"
        "[test empty]\n");             /* 19 */
    assert_int_equal(tu_count_sev(e, ENG_WARNING), 2);
    assert_diag(e, ENG_WARNING, 15, 1,
                "test 't' answers one question 'one' twice (first at line 14)");
    assert_diag(e, ENG_WARNING, 19, 1, "empty section [test empty]");
    assert_int_equal(eng_test_run(e, eng_test_at(e, 0), NULL, NULL), 1);
}

static void load_path_test_errors(void **state)
{
    fx *f = FX(state);
    const char *p = write_file(f, "t.ini", BAD_TESTS_KB);
    assert_int_equal(eng_load_path(f->e, p), ENG_EINVAL);
    assert_int_equal(eng_error_count(f->e), 5);
    const eng_diag *d = tu_find_diag(f->e, "unknown question 'nope'");
    assert_non_null(d);
    assert_int_equal(d->line, 5);
    assert_non_null(d->source);
    assert_string_equal(d->source, "answer.nope = yes");
    d = tu_find_diag(f->e, "takes a plain pattern");
    assert_non_null(d);
    assert_string_equal(d->source, "expect = ?x > 3");
}

static void load_buffer_status_counts_test_errors(void **state)
{
    eng_engine *e = FX(state)->e;
    assert_int_equal(tu_load(e, BAD_TESTS_KB), ENG_EINVAL);
}

static void scenario_test_before_its_questions(void **state)
{
    fx *f = FX(state);
    /* tests are checked once every file is read: a test may come first */
    write_file(f, "a-tests.ini",
        "[test t]\n"
        "answer.z.q = yes\n"
        "expect = answer z.q yes\n");
    write_file(f, "z-questions.ini",
        "[question z.q]\n"
        "text = Q?\n"
        "type = yesno\n");
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_OK);
    assert_int_equal(eng_test_count(f->e), 1);
    assert_int_equal(eng_test_run(f->e, eng_test_at(f->e, 0), NULL, NULL), 1);
}

/* skip_tests: what [test] sections hold is passed over unread, and what
 * comes after them is read as always; only their lines are checked as
 * lines (text, 'key = value' or a header), so that a file that does not
 * load for `lint` or `test` does not load for `advise` either */
static void skip_tests_passes_over_test_sections(void **state)
{
    (void)state;
    eng_config cfg = {.skip_tests = 1};
    eng_engine *e = eng_new(&cfg);
    assert_non_null(e);
    const char *text =
        "[question q]\n"
        "text = Q?\n"
        "type = yesno\n"
        "[test broken]\n"                  /* 4 */
        "answer.nope = yes\n"              /* unknown question */
        "not a key line\n"                 /* no '=' */
        "  expect = situation (\n"         /* an indented key */
        "\xff\n"                           /* not UTF-8 */
        "[rule after]\n"                   /* 9: read as always */
        "when = answer q yes\n"
        "then = assert seen\n"
        "[test broken]\n"                  /* a duplicate name: unread too */
        "expect = seen\n"
        "[rule bad\n";                     /* 14: still an error */
    assert_int_equal(eng_load_buffer(e, "t.ini", text, strlen(text)), ENG_EINVAL);
    assert_int_equal(eng_test_count(e), 0);
    assert_int_equal(eng_rule_count(e), 1);
    /* what is left: a line that is not 'key = value', bytes that are not
     * UTF-8 (the file must be text, whatever section they are in) and the
     * header after the tests */
    assert_int_equal(eng_error_count(e), 3);
    assert_diag(e, ENG_ERROR, 6, 1, "expected 'key = value' or a '[section]' header");
    assert_diag(e, ENG_ERROR, 8, 1, "invalid UTF-8");
    assert_null(tu_find_diag(e, "unknown question"));
    assert_null(tu_find_diag(e, "duplicate"));
    assert_null(tu_find_diag(e, "continues the previous value"));
    assert_diag(e, ENG_ERROR, 14, 10, "expected ']'");
    /* the rule after the passed-over section works */
    assert_int_equal(eng_reset(e), ENG_OK);
    fact(e, "answer q yes");
    assert_int_equal(run(e), 1);
    assert_non_null(tu_find(e, "seen"));
    eng_free(e);

    /* the same text read in full: the tests and their errors are there */
    e = eng_new(NULL);
    assert_non_null(e);
    assert_int_equal(eng_load_buffer(e, "t.ini", text, strlen(text)), ENG_EINVAL);
    assert_non_null(tu_find_diag(e, "unknown question 'nope'"));
    assert_non_null(tu_find_diag(e, "expected 'key = value'"));
    eng_free(e);
}

/* ------------------------------------------------------------ loaded once */

/* A file loaded already is passed over, however it is named: the KB's
 * rules/tests/x.ini given again on the command line of `test` made every
 * scenario a duplicate of itself. */
static void same_file_loaded_once(void **state)
{
    fx *f = FX(state);
    char p[256], q[256];
    make_dir(f, "kb");
    make_dir(f, "kb/tests");
    write_file(f, "kb/rules.ini", "[rule r]\nthen = assert seen\n");
    write_file(f, "kb/tests/t.ini", "[test t]\nexpect = seen\n");
    write_file(f, "extra.ini", "[test extra]\nexpect = seen\n");
    snprintf(p, sizeof p, "%s/kb", f->dir);
    assert_int_equal(eng_load_path(f->e, p), ENG_OK);
    /* a directory and a file of it, spelt in other ways */
    snprintf(p, sizeof p, "%s/kb/tests/", f->dir);
    assert_int_equal(eng_load_path(f->e, p), ENG_OK);
    snprintf(p, sizeof p, "%s/kb/./tests/../tests/t.ini", f->dir);
    assert_int_equal(eng_load_path(f->e, p), ENG_OK);
    /* a symbolic link and a hard link to the file */
    snprintf(p, sizeof p, "%s/kb/tests/t.ini", f->dir);
    snprintf(q, sizeof q, "%s/sym.ini", f->dir);
    assert_int_equal(symlink(p, q), 0);
    assert_int_equal(eng_load_path(f->e, q), ENG_OK);
    snprintf(q, sizeof q, "%s/hard.ini", f->dir);
    assert_int_equal(link(p, q), 0);
    assert_int_equal(eng_load_path(f->e, q), ENG_OK);
    /* a directory holding the knowledge base, both links and one new
     * file: the new file alone is read */
    assert_int_equal(eng_load_path(f->e, f->dir), ENG_OK);
    /* and a file given twice */
    snprintf(p, sizeof p, "%s/extra.ini", f->dir);
    assert_int_equal(eng_load_path(f->e, p), ENG_OK);
    if (eng_diag_count(f->e))
        tu_dump_diags(f->e);
    assert_int_equal(eng_diag_count(f->e), 0);
    assert_int_equal(eng_rule_count(f->e), 1);
    assert_int_equal(eng_test_count(f->e), 2);
    assert_string_equal(eng_test_name(eng_test_at(f->e, 0)), "t");
    assert_string_equal(eng_test_name(eng_test_at(f->e, 1)), "extra");
}

/* Two files defining one test are still an error that names both. */
static void same_test_in_another_file_is_a_duplicate(void **state)
{
    fx *f = FX(state);
    char kb[256], copy[256], first[256];
    make_dir(f, "kb");
    write_file(f, "kb/t.ini", "[rule r]\nthen = assert seen\n[test t]\nexpect = seen\n");
    snprintf(copy, sizeof copy, "%s", write_file(f, "copy.ini", "\n[test t]\nexpect = seen\n"));
    snprintf(kb, sizeof kb, "%s/kb", f->dir);
    assert_int_equal(eng_load_path(f->e, kb), ENG_OK);
    assert_int_equal(eng_load_path(f->e, copy), ENG_EINVAL);
    assert_int_equal(eng_error_count(f->e), 1);
    const eng_diag *d = tu_find_diag(f->e, "duplicate test 't'");
    assert_non_null(d);
    assert_string_equal(d->path, copy);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->col, 7);
    snprintf(first, sizeof first, "(first defined at %s/kb/t.ini:3)", f->dir);
    assert_non_null(strstr(d->message, first));
}

/* ------------------------------------------------------------ [test] limits */

/* Appends "oFROM, ..., oTO" to B (of SIZE bytes). */
static void values_list(char *b, size_t size, int from, int to)
{
    size_t o = strlen(b);
    for (int i = from; i <= to; i++)
        o += (size_t)snprintf(b + o, size - o, "%so%d", i > from ? ", " : "", i);
}

/* A `many` question of 300 options o1 ... o300 (lines 1-303) and a rule
 * that copies each answer (304-306). */
static char *many_kb(void)
{
    size_t size = 16384;
    char *b = malloc(size);
    assert_non_null(b);
    size_t o = (size_t)snprintf(b, size, "[question pick]\ntext = Pick?\ntype = many\n");
    for (int i = 1; i <= 300; i++)
        o += (size_t)snprintf(b + o, size - o, "option = o%d\n", i);
    snprintf(b + o, size - o, "[rule seen]\nwhen = answer pick ?v\nthen = assert picked ?v\n");
    return b;
}

/* A [test] answer takes as many values as an answers file or `ask`
 * (ENG_MAX_VALUES; it took 64), and beyond them gives the same error. */
static void scenario_answer_takes_max_values(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char *kb = many_kb();
    write_file(f, "kb.ini", kb);
    free(kb);
    char b[4096] = "[test hundred]\nanswer.pick = ";
    values_list(b, sizeof b, 1, 100);
    strcat(b, "\nexpect = picked o100\nexpect_not = picked o101\n[test all]\nanswer.pick = ");
    values_list(b, sizeof b, 1, 256);
    strcat(b, "\nexpect = picked o1\nexpect = picked o256\n");
    write_file(f, "tests.ini", b);
    char kbpath[256], too[256], ans[256];
    snprintf(kbpath, sizeof kbpath, "%s/kb.ini", f->dir);
    assert_int_equal(eng_load_path(e, kbpath), ENG_OK);
    snprintf(kbpath, sizeof kbpath, "%s/tests.ini", f->dir);
    assert_int_equal(eng_load_path(e, kbpath), ENG_OK);
    /* 257 values: an error at the value, as in an answers file */
    strcpy(b, "[test too-many]\nanswer.pick = ");
    values_list(b, sizeof b, 1, 257);
    strcat(b, "\nexpect = picked o1\n");
    snprintf(too, sizeof too, "%s", write_file(f, "too-many.ini", b));
    assert_int_equal(eng_load_path(e, too), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 1);
    const eng_diag *d = eng_diag_at(e, 0);
    assert_string_equal(d->path, too);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->col, 15);
    assert_string_equal(d->message, "question 'pick': too many values (at most 256)");

    assert_int_equal(eng_test_count(e), 2);
    assert_int_equal(eng_test_run(e, eng_test_at(e, 0), NULL, NULL), 1);
    assert_int_equal(tu_count(e, "picked ?"), 100);
    assert_int_equal(eng_test_run(e, eng_test_at(e, 1), NULL, NULL), 1);
    assert_int_equal(tu_count(e, "picked ?"), 256);

    strcpy(b, "[answers r]\npick = ");
    values_list(b, sizeof b, 1, 257);
    strcat(b, "\n");
    snprintf(ans, sizeof ans, "%s", write_file(f, "answers.ini", b));
    eng_answers *a = eng_answers_read(e, ans);
    assert_non_null(a);
    assert_false(eng_answers_valid(a, 0));
    d = tu_find_diag(e, "respondent 'r'");
    assert_non_null(d);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->col, 8);
    assert_string_equal(d->message,
                        "respondent 'r', question 'pick': too many values (at most 256)");
    eng_answers_free(a);

    /* the limit counts the values given, a repeated one too: 256 values
     * that name 2 options are fine, 257 are too many */
    eng_diag_clear(e);
    for (int n = 256; n <= 257; n++) {
        strcpy(b, "[answers r]\npick = o1");
        for (int i = 1; i < n; i++)
            strcat(b, i % 2 ? ",o2" : ",o1");
        strcat(b, "\n");
        snprintf(ans, sizeof ans, "%s", write_file(f, "answers.ini", b));
        a = eng_answers_read(e, ans);
        assert_non_null(a);
        assert_int_equal(eng_answers_valid(a, 0), n == 256);
        assert_int_equal(tu_find_diag(e, "too many values (at most 256)") != NULL, n == 257);
        eng_answers_free(a);
    }
}

/* An answer that names no option says what it found, whole, after the
 * options: a long list is shortened after its last whole option (it was
 * cut in the middle of one, and a [test]'s message before the answer). */
static void long_options_list_ends_whole(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char *kb = many_kb();
    char b[20000];
    snprintf(b, sizeof b, "%s[test bad]\nanswer.pick = o1, bogus\nexpect = picked o1\n", kb);
    free(kb);
    const char *p = write_file(f, "kb.ini", b);
    assert_int_equal(eng_load_path(e, p), ENG_EINVAL);
    const eng_diag *d = tu_find_diag(e, "question 'pick'");
    assert_non_null(d);
    assert_int_equal(d->line, 308);
    const char *tail = strstr(d->message, " more); found 'bogus'");
    assert_non_null(tail);
    assert_string_equal(tail, " more); found 'bogus'");
    /* "..., oK, ... (N more)": every option is there or counted */
    const char *dots = strstr(d->message, ", ... (");
    assert_non_null(dots);
    const char *last = dots;
    while (last > d->message && last[-1] != 'o')
        last--;
    int k = atoi(last), more = atoi(dots + 7);
    assert_true(k > 50);
    assert_int_equal(k + more, 300);
    assert_non_null(strstr(d->message, "expected a comma-separated list of: o1, o2, o3, "));

    char err[ENG_ANSWER_ERR_SIZE];
    eng_value vals[ENG_MAX_VALUES];
    size_t n;
    assert_int_equal(eng_answer_parse(e, eng_question_find(e, "pick"), "nope", vals,
                                      ENG_MAX_VALUES, &n, err, sizeof err),
                     ENG_EINVAL);
    assert_non_null(strstr(err, " more); found 'nope'"));
}

/* eng_load_tests: a file of scenarios keeps the [test] sections before
 * its first section of another kind, which is the one error; nothing
 * after it is read, nor the files of its directory after it. */
static void load_tests_only_scenarios(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    assert_int_equal(tu_load(e, "[question q]\ntext = Q?\ntype = yesno\n"), ENG_OK);
    make_dir(f, "s");
    write_file(f, "s/a.ini",
               "[test first]\nanswer.q = yes\nexpect = answer q yes\n"
               "[rule r]\n"                          /* 4 */
               "when = answer q yes\nthen = assert x 1\n"
               "[test after]\nexpect = x 1\n");
    write_file(f, "s/b.ini", "[test other]\nexpect = answer q no\n[rule r2]\nwhen = x\n");
    char dir[600];
    snprintf(dir, sizeof dir, "%s/s", f->dir);
    assert_int_equal(eng_load_tests(e, dir), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 1);
    assert_diag(e, ENG_ERROR, 4, 2, "[rule r] is not a scenario: a file or directory of "
                "scenarios adds only [test] sections to the knowledge base, so the rest of '");
    assert_int_equal(eng_test_count(e), 1);
    assert_string_equal(eng_test_name(eng_test_at(e, 0)), "first");
    assert_int_equal(eng_rule_count(e), 0);
    /* the next load is an ordinary one again */
    write_file(f, "more.ini", "[rule r3]\nwhen = answer q no\nthen = assert y 1\n");
    snprintf(dir, sizeof dir, "%s/more.ini", f->dir);
    assert_int_equal(eng_load_path(e, dir), ENG_EINVAL);     /* the error above counts */
    assert_int_equal(eng_error_count(e), 1);
    assert_int_equal(eng_rule_count(e), 1);
}

/* A load with more diagnostics than are kept (500) says so in its last
 * place, where the first of those not shown is, instead of stopping in
 * silence; every error still counts. */
static void too_many_diagnostics_say_so(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char b[64 * 700];
    size_t len = 0;
    for (int i = 0; i < 600; i++)
        len += (size_t)snprintf(b + len, sizeof b - len,
                                "[rule r%d]\nwhen = x ?a\nthen = assert y ?b\n\n", i);
    const char *p = write_file(f, "kb.ini", b);
    assert_int_equal(eng_load_path(e, p), ENG_EINVAL);
    assert_int_equal(eng_error_count(e), 600);
    assert_int_equal(eng_diag_count(e), 500);
    for (size_t i = 0; i < 499; i++)
        assert_int_equal(eng_diag_at(e, i)->severity, ENG_ERROR);
    const eng_diag *d = eng_diag_at(e, 499);
    assert_int_equal(d->severity, ENG_NOTE);
    assert_non_null(strstr(d->message, "too many diagnostics: the first 499 are shown"));
    /* rule r499's unbound ?b, at its action's line */
    assert_int_equal(d->line, 499 * 4 + 3);
    assert_string_equal(d->path, p);

    /* cleared, the next load has its places again */
    eng_diag_clear(e);
    assert_int_equal(eng_diag_add(e, ENG_ERROR, p, 1, 1, "one"), ENG_OK);
    assert_int_equal(eng_diag_count(e), 1);
    assert_int_equal(eng_diag_at(e, 0)->severity, ENG_ERROR);
}

typedef struct messages {
    int n;
    int lines[8];
    char *msgs[8];          /* whole, malloc'd */
} messages;

static void on_message(void *ud, const eng_test *t, int line, const char *message)
{
    messages *m = ud;
    (void)t;
    if (m->n < 8) {
        m->lines[m->n] = line;
        m->msgs[m->n] = strdup(message);
    }
    m->n++;
}

/* Expectations are matched and reported whole: a pattern of 100 terms, a
 * long string, long variable names (eng_query took 64 terms, strings of
 * 1023 bytes, names of 63), a long relation and facts of more than 8
 * values among "facts of that relation", long facts and patterns in the
 * messages (cut at 256 and 700 bytes). */
static void scenario_expectations_taken_whole(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    size_t size = 65536, o = 0;
    char *b = malloc(size), rel[151], var[101], str[2001], str2[1201];
    assert_non_null(b);
    memset(rel, 'r', 150);
    rel[150] = '\0';
    memset(var, 'v', 100);
    var[100] = '\0';
    memset(str, 'x', 2000);
    str[2000] = '\0';
    memset(str2, 'y', 1200);
    str2[1200] = '\0';
    o += (size_t)snprintf(b + o, size - o, "[facts start]\nfact = wide");        /* 1, 2 */
    for (int i = 1; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " w%d", i);
    o += (size_t)snprintf(b + o, size - o, "\nfact = note \"%s\"\n", str);       /* 3 */
    o += (size_t)snprintf(b + o, size - o, "fact = %s 1 2 3 4 5 6 7 8 9 10\n", rel); /* 4 */
    o += (size_t)snprintf(b + o, size - o, "[test whole]\nexpect = wide");       /* 5, 6 */
    for (int i = 1; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " w%d", i);
    o += (size_t)snprintf(b + o, size - o, "\nexpect = wide ?%s w2", var);       /* 7 */
    for (int i = 3; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " ?");
    /* a long name used twice: w1 and w2 differ */
    o += (size_t)snprintf(b + o, size - o, "\nexpect_not = wide ?%s ?%s", var, var); /* 8 */
    for (int i = 3; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " ?");
    o += (size_t)snprintf(b + o, size - o, "\nexpect = note \"%s\"\n", str);     /* 9 */
    o += (size_t)snprintf(b + o, size - o, "expect = note ?%s\n", var);          /* 10 */
    o += (size_t)snprintf(b + o, size - o, "expect = %s ? ? ? ? ? ? ? ? ? ?\n", rel); /* 11 */
    o += (size_t)snprintf(b + o, size - o, "[test failing]\nexpect_not = wide"); /* 12, 13 */
    for (int i = 1; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " ?");
    o += (size_t)snprintf(b + o, size - o, "\nexpect_not = note \"%s\"\n", str); /* 14 */
    o += (size_t)snprintf(b + o, size - o, "expect = %s 1 2\n", rel);            /* 15 */
    snprintf(b + o, size - o, "expect = note \"%s\"\n", str2);                   /* 16 */
    const char *p = write_file(f, "t.ini", b);
    assert_int_equal(eng_load_path(e, p), ENG_OK);
    assert_int_equal(eng_test_count(e), 2);

    messages m;
    memset(&m, 0, sizeof m);
    assert_int_equal(eng_test_run(e, eng_test_at(e, 0), on_message, &m), 1);
    assert_int_equal(m.n, 0);
    assert_int_equal(eng_test_run(e, eng_test_at(e, 1), on_message, &m), 0);
    assert_int_equal(m.n, 4);
    /* the facts found, whole */
    assert_int_equal(m.lines[0], 13);
    o = (size_t)snprintf(b, size, "found wide");
    for (int i = 1; i < 100; i++)
        o += (size_t)snprintf(b + o, size - o, " w%d", i);
    assert_non_null(strstr(m.msgs[0], b));
    assert_int_equal(m.lines[1], 14);
    snprintf(b, size, "expected no fact matching 'note \"%s\"', found note \"%s\"", str, str);
    assert_string_equal(m.msgs[1], b);
    /* the relation whole, and its facts of 11 values */
    assert_int_equal(m.lines[2], 15);
    snprintf(b, size,
             "expected a fact matching '%s 1 2', found none; facts of that relation: %s 1 2 3 4 5 6 7 8 9 10",
             rel, rel);
    assert_string_equal(m.msgs[2], b);
    /* a long pattern, and the long fact of that relation */
    assert_int_equal(m.lines[3], 16);
    snprintf(b, size,
             "expected a fact matching 'note \"%s\"', found none; facts of that relation: note \"%s\"",
             str2, str);
    assert_string_equal(m.msgs[3], b);
    for (int i = 0; i < 4; i++)
        free(m.msgs[i]);
    free(b);
}

/* "Facts of that relation" are those of the pattern's size when there are
 * some, and at most three are shown, with how many more there are. */
static void scenario_failure_shows_facts_of_the_relation(void **state)
{
    eng_engine *e = FX(state)->e;
    load_ok(e, "[facts start]\n"
               "fact = score total\n"
               "fact = score arena 1\n"
               "fact = score lab 2\n"
               "fact = score agora 3\n"
               "fact = score forum 4\n"
               "fact = score club 5\n"
               "[test t]\n"                     /* 8 */
               "expect = score arena 9\n"       /* 9 */
               "expect_not = score ? ?\n"       /* 10 */
               "expect = level ?\n");           /* 11 */
    messages m;
    memset(&m, 0, sizeof m);
    assert_int_equal(eng_test_run(e, eng_test_at(e, 0), on_message, &m), 0);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.msgs[0],
                        "expected a fact matching 'score arena 9', found none; facts of that "
                        "relation: score arena 1; score lab 2; score agora 3; and 2 more");
    assert_string_equal(m.msgs[1],
                        "expected no fact matching 'score ? ?', found score arena 1; "
                        "score lab 2; score agora 3; and 2 more");
    assert_string_equal(m.msgs[2], "expected a fact matching 'level ?', found none of that relation");
    for (int i = 0; i < 3; i++)
        free(m.msgs[i]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(unknown_kind_with_suggestion),
        T(unknown_kind_lists_declared_kinds),
        T(undeclared_kind_is_an_error),
        T(catalogue_entries),
        T(duplicate_rule_names_both_places),
        T(duplicates_of_other_kinds),
        T(empty_section_warning),
        T(over_long_line),
        T(line_of_exactly_max_length_is_fine),
        T(default_max_line_is_4096),
        T(invalid_utf8_byte),
        T(control_character_at_every_offset),
        T(line_without_equals),
        T(missing_key_and_key_before_section),
        T(bad_section_headers),
        T(indented_key_warning),
        T(continuation_lines_join),
        T(indented_header_ends_the_value),
        T(nul_byte),
        T(comments_and_crlf),
        T(byte_order_mark),
        T(because_labels),
        T(because_grouped_digits),
        T(because_option_labels),
        T(because_many_values),
        T(directory_in_sorted_order),
        T(directory_sorted_by_whole_path),
        T(directory_duplicate_across_files),
        T(directory_link_loop),
    T(single_file_path),
        T(empty_directory),
        T(missing_path),
        T(load_after_reset),
        T(question_fields),
        T(answer_parse_by_type),
        T(long_answer_quoted_cut),
        T(number_answer_states_the_range),
        T(question_errors),
        T(ask_if_follows_the_facts),
        T(ask_if_always_false),
        T(answers_file_valid_and_invalid),
        T(colons_in_question_ids_and_options),
        T(answers_file_problems),
        T(answers_file_missing),
        T(answers_to_unaskable_question_still_asserted),
        T(scenario_tests_pass_and_fail),
        T(scenario_test_errors),
        T(scenario_unknown_question_suggests),
        T(load_tests_only_scenarios),
        T(scenario_answers_given_twice),
        T(load_path_test_errors),
        T(load_buffer_status_counts_test_errors),
        T(scenario_test_before_its_questions),
        T(skip_tests_passes_over_test_sections),
        T(same_file_loaded_once),
        T(same_test_in_another_file_is_a_duplicate),
        T(scenario_answer_takes_max_values),
        T(long_options_list_ends_whole),
        T(too_many_diagnostics_say_so),
        T(scenario_expectations_taken_whole),
        T(scenario_failure_shows_facts_of_the_relation),
    };
#undef T
    return cmocka_run_group_tests_name("load", tests, NULL, NULL);
}
