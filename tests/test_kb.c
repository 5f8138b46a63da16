/*
 * test_kb.c -- the kb layer: catalogue entries become facts, references
 * from rules to questions and catalogue entries are checked, the next
 * question follows ask_if and what rules can still use (under `not` too,
 * and through the ask_if of the questions an answer opens), and the report
 * reads conclusions with their titles and reasons.
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

#include "../kb/kb.h"

static char dir[64];

/* Writes TEXT as DIR/NAME. */
static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/ldt-kb-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char questions[] =
    "[question stage]\n"
    "text = Stage?\n"
    "type = one\n"
    "option = none : None\n"
    "option = running : Running\n"
    "\n"
    "[question users]\n"
    "text = Who uses it?\n"
    "type = many\n"
    "option = team : Team\n"
    "option = public : Public\n"
    "ask_if = answer stage running\n"
    "\n"
    "[question budget]\n"
    "text = Budget?\n"
    "type = number\n"
    "min = 0\n"
    "\n"
    "[question unused]\n"
    "text = Nobody reads this\n"
    "type = yesno\n";

static const char rules[] =
    "[rule public-twin]\n"
    "when = answer stage running\n"
    "when = answer users public\n"
    "then = assert situation primary agora\n"
    "because = The public uses the running twin.\n"
    "\n"
    "[rule funded]\n"
    "when = answer stage running\n"
    "when = answer budget ?b\n"
    "when = ?b > 1000\n"
    "then = add situation score agora 2\n"
    "because = A budget of {?b} keeps it running.\n"
    "\n"
    "[rule no-twin]\n"
    "when = answer stage none\n"
    "then = assert situation primary lab\n"
    "because = There is no twin yet.\n";

/* The same rules concluding relations the kb does not check, for the
 * questionnaire tests. */
static const char plain_rules[] =
    "[rule public-twin]\n"
    "when = answer stage running\n"
    "when = answer users public\n"
    "then = assert public-twin yes\n"
    "\n"
    "[rule funded]\n"
    "when = answer stage running\n"
    "when = answer budget ?b\n"
    "when = ?b > 1000\n"
    "then = add funding 2\n"
    "\n"
    "[rule no-twin]\n"
    "when = answer stage none\n"
    "then = assert no-twin yes\n";

static kb *open_kb(int *status)
{
    kb *k = kb_open(dir, NULL, status);
    assert_non_null(k);
    return k;
}

static void answer(kb *k, const char *text)
{
    assert_int_equal(eng_assert_text(kb_engine(k), text, NULL), ENG_OK);
}

static const char *next_id(kb *k)
{
    assert_int_equal(eng_run(kb_engine(k), 0, NULL), ENG_OK);
    const eng_question *q = kb_next_question(k);
    return q ? eng_question_id(q) : "(none)";
}

static void test_next_question_follows_what_can_matter(void **state)
{
    (void)state;
    put("q.ini", questions);
    put("r.ini", plain_rules);
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    assert_int_equal(eng_reset(kb_engine(k)), ENG_OK);
    /* "unused" is read by no rule: never asked */
    assert_string_equal(next_id(k), "stage");
    assert_int_equal(kb_questions_left(k), 2);      /* stage, budget */
    answer(k, "answer stage running");
    /* users' ask_if now holds */
    assert_string_equal(next_id(k), "users");
    assert_int_equal(kb_questions_left(k), 2);
    answer(k, "answer users team");
    assert_string_equal(next_id(k), "budget");
    answer(k, "answer budget 5000");
    assert_string_equal(next_id(k), "(none)");
    assert_int_equal(kb_questions_left(k), 0);
    kb_close(k);
}

static void test_answers_that_close_a_branch_ask_fewer(void **state)
{
    (void)state;
    put("q.ini", questions);
    put("r.ini", plain_rules);
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    assert_int_equal(eng_reset(kb_engine(k)), ENG_OK);
    answer(k, "answer stage none");
    /* users is not askable (ask_if fails), and budget only matters for a
     * running twin: nothing more to ask */
    assert_string_equal(next_id(k), "(none)");
    assert_int_equal(kb_questions_left(k), 0);
    assert_true(kb_answered(k, eng_question_find(kb_engine(k), "stage")));
    assert_false(kb_answered(k, eng_question_find(kb_engine(k), "budget")));
    kb_close(k);
}

/* A rule that reads an answer only under `not`: the answer can keep it
 * from firing, so the question is asked; once the answer blocks the rule,
 * nothing more is. */
static const char negated_kb[] =
    "[facts session]\n"
    "fact = session start\n"
    "\n"
    "[question steward]\n"
    "text = Is there a data steward?\n"
    "type = yesno\n"
    "\n"
    "[question size]\n"
    "text = How big?\n"
    "type = number\n"
    "\n"
    "[rule no-steward]\n"
    "when = session start\n"
    "when = not answer steward yes\n"
    "then = assert need-steward yes\n"
    "\n"
    "[rule sized]\n"
    "when = session start\n"
    "when = not answer steward yes\n"
    "when = exists answer size ?n (?n > 10)\n"
    "then = assert big yes\n";

static void test_questions_read_under_not_are_asked(void **state)
{
    (void)state;
    put("kb.ini", negated_kb);
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    eng_engine *e = kb_engine(k);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_string_equal(next_id(k), "steward");
    assert_int_equal(kb_questions_left(k), 2);
    const eng_rule *rd[4];
    int possible[4];
    assert_int_equal(kb_question_rules(k, eng_question_find(e, "steward"), rd, possible, 4), 2);
    assert_string_equal(eng_rule_name(rd[0]), "no-steward");
    assert_string_equal(eng_rule_name(rd[1]), "sized");
    assert_true(possible[0] && possible[1]);
    /* "yes" blocks both rules that read size: it is not asked */
    answer(k, "answer steward yes");
    assert_string_equal(next_id(k), "(none)");
    assert_int_equal(kb_questions_left(k), 0);
    assert_int_equal(kb_question_rules(k, eng_question_find(e, "steward"), rd, possible, 4), 2);
    assert_false(possible[0] || possible[1]);
    /* "no" leaves them able to fire (one has fired): size is asked */
    assert_int_equal(eng_reset(e), ENG_OK);
    answer(k, "answer steward no");
    assert_string_equal(next_id(k), "size");
    assert_int_equal(kb_questions_left(k), 1);
    answer(k, "answer size 20");
    assert_string_equal(next_id(k), "(none)");
    kb_close(k);
}

/* A question no rule reads, but whose answer opens another question (its
 * ask_if): asked while what it opens can still matter, however long the
 * chain, and not once another answer closes the chain. */
static const char gate_kb[] =
    "[question region]\n"
    "text = Is it a region?\n"
    "type = yesno\n"
    "\n"
    "[question has_twin]\n"
    "text = Do you have a twin?\n"
    "type = yesno\n"
    "\n"
    "[question public]\n"
    "text = Is it public?\n"
    "type = yesno\n"
    "ask_if = answer has_twin yes\n"
    "ask_if = not answer has_twin no\n"
    "ask_if = not answer region yes\n"
    "\n"
    "[question twin_size]\n"
    "text = How big is it?\n"
    "type = number\n"
    "ask_if = answer public yes\n"
    "\n"
    "[rule big]\n"
    "when = answer twin_size ?s\n"
    "when = ?s > 10\n"
    "then = assert big-twin yes\n";

static void test_questions_that_open_others_are_asked(void **state)
{
    (void)state;
    put("kb.ini", gate_kb);
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    eng_engine *e = kb_engine(k);
    const eng_question *gated[4];
    int wanted[4];
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_string_equal(next_id(k), "region");
    assert_int_equal(kb_questions_left(k), 2);      /* region, has_twin */
    assert_int_equal(kb_question_rules(k, eng_question_find(e, "has_twin"), NULL, NULL, 0), 0);
    /* has_twin opens public (once, for all the lines reading it), which
     * opens twin_size */
    assert_int_equal(kb_question_gates(k, eng_question_find(e, "has_twin"), gated, wanted, 4), 1);
    assert_string_equal(eng_question_id(gated[0]), "public");
    assert_true(wanted[0]);
    assert_int_equal(kb_question_gates(k, eng_question_find(e, "public"), gated, wanted, 4), 1);
    assert_string_equal(eng_question_id(gated[0]), "twin_size");
    assert_true(wanted[0]);
    assert_int_equal(kb_question_gates(k, eng_question_find(e, "twin_size"), gated, wanted, 4), 0);
    answer(k, "answer region no");
    assert_string_equal(next_id(k), "has_twin");
    answer(k, "answer has_twin yes");
    assert_string_equal(next_id(k), "public");
    answer(k, "answer public yes");
    assert_string_equal(next_id(k), "twin_size");
    answer(k, "answer twin_size 20");
    assert_string_equal(next_id(k), "(none)");

    /* no twin: nothing it opens is asked */
    assert_int_equal(eng_reset(e), ENG_OK);
    answer(k, "answer region no");
    answer(k, "answer has_twin no");
    assert_string_equal(next_id(k), "(none)");
    assert_int_equal(kb_question_gates(k, eng_question_find(e, "region"), gated, wanted, 4), 1);
    assert_false(wanted[0]);

    /* a region is never asked about public, so has_twin, which only
     * opens public, is not worth asking */
    assert_int_equal(eng_reset(e), ENG_OK);
    answer(k, "answer region yes");
    assert_string_equal(next_id(k), "(none)");
    assert_int_equal(kb_questions_left(k), 0);
    assert_int_equal(kb_question_gates(k, eng_question_find(e, "has_twin"), gated, wanted, 4), 1);
    assert_false(wanted[0]);

    /* skipping what a gate opens makes the gate not worth asking */
    assert_int_equal(eng_reset(e), ENG_OK);
    kb_skip(k, eng_question_find(e, "twin_size"), 1);
    assert_string_equal(next_id(k), "(none)");
    kb_skip_clear(k);
    assert_string_equal(next_id(k), "region");
    kb_close(k);
}

/* A rule reading a question twice is one rule, wherever it falls in the
 * list and however few places the caller has. */
static void test_question_rules_are_counted_once(void **state)
{
    (void)state;
    char text[64 * 1024];
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "[question q]\ntext = Q?\ntype = yesno\n");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "\n[rule r%d]\nwhen = answer q ?v\nwhen = exists answer q yes\n"
                                "when = not answer q no\n"
                                "then = assert seen r%d\n", i, i);
    assert_true(len < sizeof text);
    put("kb.ini", text);
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    eng_engine *e = kb_engine(k);
    assert_int_equal(eng_reset(e), ENG_OK);
    const eng_question *q = eng_question_find(e, "q");
    const eng_rule *rd[300];
    int possible[300];
    assert_int_equal(kb_question_rules(k, q, NULL, NULL, 0), 300);
    assert_int_equal(kb_question_rules(k, q, rd, possible, 10), 300);
    assert_int_equal(kb_question_rules(k, q, rd, possible, 300), 300);
    for (size_t i = 0; i < 300; i++) {
        assert_ptr_equal(rd[i], eng_rule_at(e, i));
        assert_true(possible[i]);
    }
    answer(k, "answer q no");
    assert_int_equal(eng_run(e, 0, NULL), ENG_OK);
    assert_int_equal(kb_question_rules(k, q, rd, possible, 300), 300);
    for (size_t i = 0; i < 300; i++)
        assert_false(possible[i]);
    kb_close(k);
}

static void test_references_are_checked(void **state)
{
    (void)state;
    put("q.ini", questions);
    put("r.ini",
        "[unit EDU-101]\n"
        "title = Imagining innovation agency\n"
        "module = EDU-100\nloop = 1\neqf = 4\nminutes = 20\n"
        "personas = director\nsituations = lab\ndimensions = skills\n"
        "rank = 1\nsummary = What agency means.\n"
        "\n"
        "[rule typo-question]\n"
        "when = answer stge running\n"
        "then = halt\n"
        "\n"
        "[rule typo-option]\n"
        "when = answer stage runing\n"
        "then = halt\n"
        "\n"
        "[rule typo-unit]\n"
        "when = answer stage none\n"
        "then = assert journey unit EDU-110 1\n"
        "\n"
        "[rule good-unit]\n"
        "when = answer stage none\n"
        "then = assert journey unit EDU-101 1\n"
        "\n"
        "[rule typo-continued]\n"
        "when = ?f <- answer stage\n"
        "    runnin\n"
        "then = halt\n"
        "\n"
        "[rule typo-not]\n"
        "when = not answer stage  idle\n"
        "then = halt\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_EINVAL);
    int seen = 0;
    for (size_t i = 0; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        /* PATH:LINE:COLUMN, as every diagnostic: the misspelt name's */
        if (strstr(d->message, "reads question 'stge'")) {
            assert_int_equal(d->line, 14);
            assert_int_equal(d->col, 15);
            assert_non_null(strstr(d->message, "did you mean 'stage'"));
            seen |= 1;
        } else if (strstr(d->message, "for 'runing'")) {
            assert_int_equal(d->line, 18);
            assert_int_equal(d->col, 21);
            assert_non_null(strstr(d->message, "not one of its options (none, running)"));
            seen |= 2;
        } else if (strstr(d->message, "unit 'EDU-110'")) {
            assert_non_null(strstr(d->message, "did you mean 'EDU-101'"));
            assert_int_equal(d->line, 23);
            assert_int_equal(d->col, 28);
            seen |= 4;
        } else if (strstr(d->message, "for 'runnin'")) {
            /* on the indented line that continues the condition */
            assert_int_equal(d->line, 31);
            assert_int_equal(d->col, 5);
            seen |= 8;
        } else if (strstr(d->message, "for 'idle'")) {
            assert_int_equal(d->line, 35);
            assert_int_equal(d->col, 26);
            seen |= 16;
        } else if (strstr(d->message, "EDU-101")) {
            fail_msg("unexpected diagnostic on the good rule: %s", d->message);
        }
    }
    assert_int_equal(seen, 31);
    kb_close(k);
}

/* A persona entry with every key, for the catalogue tests. */
#define STEWARD \
    "[persona data_steward]\n" \
    "title = Data steward\n" \
    "eqf = 6\ngroup = user\ntrack = gov\n" \
    "does = Keeps data fit for use.\n" \
    "needs = A mandate.\n" \
    "\n"

static void test_catalogue_becomes_facts(void **state)
{
    (void)state;
    put("c.ini",
        STEWARD
        "[persona director]\n"
        "title = Director\neqf = 7\ngroup = stakeholder\ntrack = gov\n"
        "does = Decides.\nneeds = Results.\n"
        "\n"
        "[advice gov.steward]\n"
        "title = Name a steward\n"
        "text = Give each data set an owner.\n"
        "who = data_steward, director\n"
        "units = GOV-205\n"
        "priority = 1\n"
        "\n"
        "[rule reads]\n"
        "when = persona ?p\n"
        "when = persona.eqf ?p ?n\n"
        "when = persona.title ?p ?t\n"
        "when = advice.who ?a ?w\n"
        "when = advice.entry ?a\n"
        "then = halt\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_OK);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_query(e, "persona data_steward", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "persona.eqf data_steward 6", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "persona.title data_steward \"Data steward\"", NULL, NULL), 1);
    /* lists give one fact per item */
    assert_int_equal(eng_query(e, "advice.who gov.steward ?", NULL, NULL), 2);
    /* advice entries are advice.entry: `advice A` means "A applies" */
    assert_int_equal(eng_query(e, "advice.entry gov.steward", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "advice ?", NULL, NULL), 0);
    /* what no rule reads stays out of working memory, but the catalogue
     * keeps it for reports */
    assert_int_equal(eng_query(e, "persona.does ? ?", NULL, NULL), 0);
    assert_string_equal(kb_catalogue(k, "persona", "data_steward", "does"),
                        "Keeps data fit for use.");
    assert_null(kb_catalogue(k, "persona", "nobody", "does"));
    kb_close(k);
}

/* A title that only a because shows ({?p|persona.title}) is loaded: the
 * sentence names the persona by its title, and no rule reads it. */
static void test_because_shows_catalogue_titles(void **state)
{
    (void)state;
    put("c.ini",
        STEWARD
        "[rule named]\n"
        "when = persona ?p\n"
        "then = assert named ?p\n"
        "because = A {?p|persona.title} ({?p}) keeps the data; no {?p|persona.needs}\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_OK);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_run(e, 0, NULL), ENG_OK);
    assert_int_equal(eng_query(e, "persona.title data_steward ?", NULL, NULL), 1);
    assert_int_equal(eng_query(e, "persona.needs data_steward ?", NULL, NULL), 1);
    /* a key that neither a rule nor a because names stays out */
    assert_int_equal(eng_query(e, "persona.does ? ?", NULL, NULL), 0);
    eng_value v[2];
    assert_int_equal(eng_value_parse(e, "named", &v[0]), ENG_OK);
    assert_int_equal(eng_value_parse(e, "data_steward", &v[1]), ENG_OK);
    const eng_fact *f = eng_fact_find(e, v, 2);
    assert_non_null(f);
    char buf[128];
    eng_fact_because(e, f, buf, sizeof buf);
    assert_string_equal(buf, "A Data steward (data_steward) keeps the data; no A mandate.");
    kb_close(k);
}

static void test_catalogue_errors(void **state)
{
    (void)state;
    put("c.ini",
        "[persona data_steward]\n"
        "title = Data steward\n"
        "eqf = six\n"
        "colour = blue\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_EINVAL);
    int seen = 0;
    for (size_t i = 0; i < eng_diag_count(e); i++) {
        const char *m = eng_diag_at(e, i)->message;
        if (strstr(m, "lacks required keys: group, track, does, needs"))
            seen |= 1;
        if (strstr(m, "key 'eqf': expected a number, found 'six'"))
            seen |= 2;
        if (strstr(m, "unknown key 'colour' in a persona entry"))
            seen |= 4;
    }
    assert_int_equal(seen, 7);
    kb_close(k);
}

/* The names a catalogue key gives for other entries, and the numbers the
 * schema bounds, are checked at the place of each item. */
static void test_catalogue_references(void **state)
{
    (void)state;
    put("c.ini",
        "[persona trainer]\n"
        "title = Trainer\neqf = 5\ngroup = user\ntrack = edu\ndoes = d\nneeds = n\n"
        "[track edu.]\ntitle = Education\n"
        "[advice a.one]\n"
        "title = One\ntext = Do it.\n"
        "who = trainer, trainr,\n"
        "  trainerr\n"
        "units = EDU-101\n"
        "priority = 7\n"
        "titel = One\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_EINVAL);
    int seen = 0;
    for (size_t i = 0; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        const char *m = d->message;
        if (strstr(m, "persona 'trainer', key 'track': no track 'edu' in the catalogue "
                      "(did you mean 'edu.'?)") && d->line == 5 && d->col == 9)
            seen |= 1;
        if (strstr(m, "advice 'a.one', key 'who': no persona 'trainr' in the catalogue "
                      "(did you mean 'trainer'?)") && d->line == 13 && d->col == 16)
            seen |= 2;
        if (strstr(m, "no persona 'trainerr'") && d->line == 14 && d->col == 3)
            seen |= 4;
        if (strstr(m, "advice 'a.one', key 'priority': expected a whole number from 1 to 3, "
                      "found '7'") && d->line == 16)
            seen |= 8;
        if (strstr(m, "unknown key 'titel' in an advice entry (expected title, "))
            seen |= 16;
        /* no unit at all: a part of a knowledge base is not held to it */
        assert_null(strstr(m, "EDU-101"));
        assert_null(strstr(m, "'trainer' in"));
    }
    assert_int_equal(seen, 31);
    kb_close(k);
}

static void test_report_reads_conclusions_and_reasons(void **state)
{
    (void)state;
    put("q.ini", questions);
    put("r.ini", rules);
    put("c.ini",
        "[situation agora]\n"
        "title = DT Agora\nopenness = 4\nsummary = s\nactors = a\ndata = d\n"
        "citizens = c\nmoney = m\nchallenges = c\ndecisions = d\npitfalls = p\n"
        "modules = EID-300\n"
        "[situation lab]\n"
        "title = DT Lab\nopenness = 1\nsummary = s\nactors = a\ndata = d\n"
        "citizens = c\nmoney = m\nchallenges = c\ndecisions = d\npitfalls = p\n"
        "modules = EDU-100\n"
        "[facts scores]\n"
        "fact = situation score agora 1\n");
    int st;
    kb *k = open_kb(&st);
    eng_engine *e = kb_engine(k);
    assert_int_equal(st, ENG_OK);
    assert_int_equal(eng_reset(e), ENG_OK);
    answer(k, "answer stage running");
    answer(k, "answer users public");
    answer(k, "answer budget 5000");
    assert_int_equal(eng_run(e, 0, NULL), ENG_OK);
    kb_report *r = NULL;
    assert_int_equal(kb_report_build(k, "someone", &r), ENG_OK);
    assert_string_equal(r->respondent, "someone");
    assert_string_equal(r->situation.id, "agora");
    assert_string_equal(r->situation.title, "DT Agora");
    assert_int_equal(r->situation.reasons.n, 1);
    assert_string_equal(r->situation.reasons.v[0], "The public uses the running twin.");
    assert_null(r->secondary.id);
    /* the agora score: 1 from the facts, 2 from the rule, with its reason */
    assert_int_equal(r->scores.n, 4);
    assert_string_equal(r->scores.v[3].id, "agora");
    assert_true(r->scores.v[3].number == 3);
    assert_int_equal(r->scores.v[3].reasons.n, 1);
    assert_string_equal(r->scores.v[3].reasons.v[0], "A budget of 5000 keeps it running.");
    assert_int_equal(r->dimensions.n, 8);
    assert_int_equal(r->journey.n, 0);
    kb_report_free(r);
    kb_close(k);
}

/* The report of a KB whose rule `each` adds to the Agora's score for
 * each of the N facts `ev I`, with the sentence "Evidence number I/M
 * counts." (I/M: I modulo M, so M different sentences at most); in *R,
 * from a fresh run.  The caller frees *R, then K. */
static kb *many_reasons(int n, int m, kb_report **r)
{
    size_t cap = 64 * (size_t)n + 1024, len = 0;
    char *facts = malloc(cap);
    assert_non_null(facts);
    len += (size_t)snprintf(facts + len, cap - len, "[facts evidence]\n");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(facts + len, cap - len, "fact = ev %d %d\n", i, i % m);
    put("f.ini", facts);
    free(facts);
    put("r.ini",
        "[rule each]\nwhen = ev ? ?j\nthen = add situation score agora 1\n"
        "because = Evidence number {?j} counts.\n"
        "[rule primary]\nsalience = -10\nwhen = situation score agora ?n\n"
        "then = assert situation primary agora\nbecause = It scores {?n}.\n");
    put("c.ini",
        "[situation agora]\n"
        "title = DT Agora\nopenness = 4\nsummary = s\nactors = a\ndata = d\n"
        "citizens = c\nmoney = m\nchallenges = c\ndecisions = d\npitfalls = p\n"
        "modules = EDU-100\n");
    int st;
    kb *k = open_kb(&st);
    assert_int_equal(st, ENG_OK);
    eng_engine *e = kb_engine(k);
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_run(e, 0, NULL), ENG_OK);
    assert_int_equal(kb_report_build(k, NULL, r), ENG_OK);
    assert_string_equal((*r)->situation.id, "agora");
    assert_true((*r)->scores.v[3].number == n);
    return k;
}

/* Checks that the reasons are WANT different well-formed sentences. */
static void check_reasons(const kb_strs *why, size_t want, int m)
{
    assert_int_equal(why->n, want);
    char *seen = calloc((size_t)m, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < why->n; i++) {
        int j = -1;
        char tail[16] = "";
        if (sscanf(why->v[i], "Evidence number %d %15s", &j, tail) != 2 ||
            j < 0 || j >= m || strcmp(tail, "counts.") || seen[j])
            fail_msg("reason %zu: '%s'", i, why->v[i]);
        seen[j] = 1;
    }
    free(seen);
}

/* An item shows at most 16 different sentences, each once, and says when
 * there are more: hundreds of different ones (past the sizes the report's
 * tables start with), seventeen, exactly sixteen given many times (no
 * more), a few. */
static void test_report_many_reasons(void **state)
{
    (void)state;
    static const struct { int n, m; size_t shown; int more; } cases[] = {
        {700, 700, 16, 1}, {17, 17, 16, 1}, {400, 16, 16, 0}, {40, 3, 3, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kb_report *r = NULL;
        kb *k = many_reasons(cases[i].n, cases[i].m, &r);
        const kb_strs *why = &r->scores.v[3].reasons;
        check_reasons(why, cases[i].shown, cases[i].m);
        if (why->more != cases[i].more)
            fail_msg("%d facts, %d sentences: more is %d", cases[i].n, cases[i].m, why->more);
        /* the decision has its own sentence alone; other scores none */
        assert_int_equal(r->situation.reasons.n, 1);
        assert_int_equal(r->situation.reasons.more, 0);
        assert_int_equal(r->scores.v[0].reasons.n, 0);
        assert_int_equal(r->scores.v[0].reasons.more, 0);
        kb_report_free(r);
        kb_close(k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_next_question_follows_what_can_matter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_that_close_a_branch_ask_fewer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_questions_read_under_not_are_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_questions_that_open_others_are_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_question_rules_are_counted_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_are_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_becomes_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_because_shows_catalogue_titles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_reads_conclusions_and_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_many_reasons, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
