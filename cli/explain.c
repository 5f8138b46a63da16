/*
 * explain.c -- `ldt-advisor explain`: why the advisor says what it says.
 *
 *   explain CONCLUSION          how it was reached: a tree of rules with
 *                               their `because` sentences, down to answers
 *   explain --why QUESTION      why the question matters: the rules that
 *                               read it and the conclusions they can change
 *   explain --why-not CONCLUSION  for a conclusion not reached: the rules
 *                               that could reach it and, for each, the
 *                               first condition that fails, with what it
 *                               expected and what it found (and past a
 *                               `not` that blocks, what would fail next)
 *
 * The respondent comes from an answers file (ANSWERS_FILE RESPONDENT) or a
 * saved session (--session ID); either way the answers are replayed from a
 * reset, so the explanation is that of a fresh run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

static const char explain_help[] =
    "Usage: " PROG " explain [OPTIONS] SOURCE CONCLUSION\n"
    "       " PROG " explain [OPTIONS] SOURCE --why QUESTION\n"
    "       " PROG " explain [OPTIONS] SOURCE --why-not CONCLUSION\n"
    "\n"
    "SOURCE is ANSWERS_FILE RESPONDENT, or --session ID for a saved session;\n"
    "ANSWERS_FILE '-' is standard input, and a pipe is read too.\n"
    "A CONCLUSION is a fact pattern such as 'situation primary arena' or\n"
    "'model primary ?m' (quote it; ? matches anything).\n"
    "\n"
    "  CONCLUSION          how it was reached, rule by rule, down to the answers\n"
    "  --why QUESTION      why the question is asked: the rules that read it,\n"
    "                      whether they can still fire, what they can change\n"
    "  --why-not CONCLUSION\n"
    "                      why a conclusion was not reached: each rule that\n"
    "                      could reach it and the first condition that fails\n"
    "                      (past a `not` that blocks it, where it would fail\n"
    "                      next), then the rules that could have made the\n"
    "                      fact it needed, two levels down\n"
    "\n"
    "Options:\n"
    "  --kb DIR            the knowledge base (default as for advise)\n"
    "  --session ID        explain a saved session (see 'sessions list')\n"
    "  --db PATH           the sessions database of --session\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 explained, 1 nothing matches, 64 usage, 65 errors in the\n"
    "knowledge base or answers, 66 what SOURCE or --why names is not there (a\n"
    "file that cannot be read, a respondent the file does not have, no such\n"
    "session, a sessions database that is missing or unusable, a question\n"
    "the knowledge base does not have), 70 a run that did not finish, 71 out\n"
    "of memory, 74 the sessions database failed, or the output could not be\n"
    "written.\n";

/* ------------------------------------------------------------ how */

typedef struct seen {
    const eng_fact **v;
    size_t n, cap;
    int oom;                /* the tree is cut short: out of memory */
} seen;

static int seen_has(seen *s, const eng_fact *f)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == f)
            return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        const eng_fact **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;     /* stop descending; the caller says why */
            return 1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = f;
    return 0;
}

static void fact_line(FILE *fp, eng_engine *e, const eng_fact *f, int depth)
{
    char buf[1024];
    eng_fact_format(e, f, buf, sizeof buf);
    fprintf(fp, "%*s%s", depth * 2, "", buf);
}

static int is_total_of(const eng_fact *s, const eng_fact *f)
{
    size_t n = eng_fact_size(f);
    if (eng_fact_size(s) != n || eng_fact_origin(f) != ENG_FROM_RULE)
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (!eng_value_equal(eng_fact_value(s, i), eng_fact_value(f, i)))
            return 0;
    return 1;
}

static void how(FILE *fp, eng_engine *e, const eng_fact *f, int depth, seen *s)
{
    fact_line(fp, e, f, depth);
    if (depth > 40) {
        fputs("  ...\n", fp);
        return;
    }
    switch (eng_fact_origin(f)) {
    case ENG_FROM_ASSERT:
        fputs("   [an answer]\n", fp);
        return;
    case ENG_FROM_FACTS: {
        int line;
        const char *src = eng_fact_source(f, &line);
        fprintf(fp, "   [knowledge base, %s:%d]\n", src ? src : "?", line);
        return;
    }
    case ENG_FROM_RULE:
        break;
    }
    if (seen_has(s, f)) {
        fputs("   [explained above]\n", fp);
        return;
    }
    fputc('\n', fp);
    const eng_rule *r = eng_fact_rule(f);
    char because[2048];
    eng_fact_because(e, f, because, sizeof because);
    fprintf(fp, "%*s<- rule %s (%s:%d)%s%s\n", depth * 2 + 2, "", eng_rule_name(r),
            eng_rule_path(r), eng_rule_line(r), because[0] ? ": " : "", because);
    /* a running total built by `add`: its earlier value is shown at the
     * same depth, so the contributions read as a list, not a staircase */
    const eng_fact *total = NULL;
    for (size_t i = 0; i < eng_fact_support_count(f); i++) {
        const eng_fact *x = eng_fact_support(f, i);
        if (is_total_of(x, f))
            total = x;
        else
            how(fp, e, x, depth + 2, s);
    }
    if (total)
        how(fp, e, total, depth, s);
}

int cli_how(FILE *fp, eng_engine *e, const eng_fact *f)
{
    seen s = {0};
    how(fp, e, f, 0, &s);
    free(s.v);
    return s.oom ? ENG_ENOMEM : ENG_OK;
}

/* The facts a query matched, every one of them. */
typedef struct found {
    const eng_fact **v;     /* the matches, in the query's order */
    size_t n, cap;
    int oom;                /* some were left out: out of memory */
} found;

static int collect(void *ud, const eng_fact *f)
{
    found *fd = ud;
    if (fd->n == fd->cap) {
        size_t cap = fd->cap ? fd->cap * 2 : 64;
        const eng_fact **v = realloc(fd->v, cap * sizeof *v);
        if (!v) {
            fd->oom = 1;
            return 1;       /* stop the query; the caller says why */
        }
        fd->v = v;
        fd->cap = cap;
    }
    fd->v[fd->n++] = f;
    return 0;
}

/* Adds TEXT to the N names of *V without looking for it first. */
static int rel_add_any(const char ***v, size_t *n, size_t *cap, const char *text)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        const char **g = realloc(*v, c * sizeof *g);
        if (!g)
            return -1;
        *v = g;
        *cap = c;
    }
    (*v)[(*n)++] = text;
    return 0;
}

/* Adds relation REL to the N names of *V (capacity *CAP) unless there;
 * -1 when memory ran out. */
static int rel_add(const char ***v, size_t *n, size_t *cap, const char *rel)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], rel))
            return 0;
    return rel_add_any(v, n, cap, rel);
}

/* Adds to *V the texts of the values at place POS of the constants of
 * the rules' assert and add actions, then of working memory's facts: of
 * every fact when REL is NULL, else of those with relation REL and SIZE
 * values.  -1 when memory ran out. */
static int texts_at(eng_engine *e, const eng_value *rel, size_t size, size_t pos,
                    const char ***v, size_t *n, size_t *cap)
{
    int oom = 0;
    const char *t;
    for (size_t i = 0; i < eng_rule_count(e) && !oom; i++) {
        const eng_rule *r = eng_rule_at(e, i);
        for (size_t a = 0; a < eng_rule_action_count(r) && !oom; a++) {
            eng_act_kind k = eng_rule_action_kind(r, a);
            size_t as = eng_rule_action_size(r, a);
            eng_value c, r0;
            if ((k == ENG_ACT_ASSERT || k == ENG_ACT_ADD) && pos < as &&
                (!rel || (as == size && eng_rule_action_const(r, a, 0, &r0) &&
                          eng_value_equal(r0, *rel))) &&
                eng_rule_action_const(r, a, pos, &c) && (t = eng_value_text(e, c, NULL)))
                oom = rel_add(v, n, cap, t);
        }
    }
    for (const eng_fact *f = eng_fact_next(e, NULL); f && !oom; f = eng_fact_next(e, f))
        if (pos < eng_fact_size(f) &&
            (!rel || (eng_fact_size(f) == size && eng_value_equal(eng_fact_value(f, 0), *rel))) &&
            (t = eng_value_text(e, eng_fact_value(f, pos), NULL)))
            oom = rel_add(v, n, cap, t);
    return oom ? -1 : 0;
}

/* For a pattern whose relation (its first word, into REL of 128 bytes)
 * no rule asserts and no fact has: 1, and in BUF " (did you mean 'R'?)"
 * for the closest relation that is, or "".  0 for a relation that is
 * known (or a variable), and when memory runs out (the hint is left out
 * then). */
static int relation_unknown(eng_engine *e, const char *pattern, char *rel, char *buf,
                            size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    while (*pattern == ' ' || *pattern == '\t')
        pattern++;
    while (pattern[len] && pattern[len] != ' ' && pattern[len] != '\t' && len < 127)
        len++;
    if (!len || pattern[0] == '?')
        return 0;
    memcpy(rel, pattern, len);
    rel[len] = '\0';
    const char **v = NULL;
    size_t n = 0, cap = 0;
    int known = 0, oom = texts_at(e, NULL, 0, 0, &v, &n, &cap);
    for (size_t i = 0; i < n && !known; i++)
        known = !strcmp(v[i], rel);
    if (!known && !oom) {
        const char *dym = eng_suggest(rel, v, n);
        if (dym)
            snprintf(buf, size, " (did you mean '%s'?)", dym);
    }
    free(v);
    return !known && !oom;
}

static long split_pattern(eng_engine *e, const char *pattern, eng_value *q,
                          int *qconst, size_t max);

/* The symbols a fact can hold, as sorted atoms: those of working
 * memory's facts, of the constants of the rules' assert and add actions,
 * and the options of the questions. */
typedef struct atoms {
    uint32_t *v;
    size_t n, cap;
} atoms;

static int atoms_add(atoms *a, eng_value v)
{
    if (v.type != ENG_SYMBOL)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        uint32_t *g = realloc(a->v, cap * sizeof *g);
        if (!g)
            return -1;
        a->v = g;
        a->cap = cap;
    }
    a->v[a->n++] = v.u.atom;
    return 0;
}

static int cmp_atom(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static int atoms_has(const atoms *a, eng_value v)
{
    return bsearch(&v.u.atom, a->v, a->n, sizeof *a->v, cmp_atom) != NULL;
}

static int atoms_build(eng_engine *e, atoms *a)
{
    int oom = 0;
    for (const eng_fact *f = eng_fact_next(e, NULL); f && !oom; f = eng_fact_next(e, f))
        for (size_t i = 0; i < eng_fact_size(f) && !oom; i++)
            oom = atoms_add(a, eng_fact_value(f, i));
    for (size_t i = 0; i < eng_rule_count(e) && !oom; i++) {
        const eng_rule *r = eng_rule_at(e, i);
        for (size_t k = 0; k < eng_rule_action_count(r) && !oom; k++) {
            eng_act_kind kind = eng_rule_action_kind(r, k);
            eng_value c;
            if (kind == ENG_ACT_ASSERT || kind == ENG_ACT_ADD)
                for (size_t j = 0; j < eng_rule_action_size(r, k) && !oom; j++)
                    if (eng_rule_action_const(r, k, j, &c))
                        oom = atoms_add(a, c);
        }
    }
    for (size_t i = 0; i < eng_question_count(e) && !oom; i++) {
        const eng_question *qq = eng_question_at(e, i);
        for (size_t o = 0; o < eng_question_option_count(qq) && !oom; o++) {
            const char *t = eng_question_option(qq, o, NULL);
            eng_value v;
            oom = eng_intern(e, t, strlen(t), ENG_SYMBOL, &v) || atoms_add(a, v);
        }
    }
    if (!oom && a->n) {
        qsort(a->v, a->n, sizeof *a->v, cmp_atom);
        size_t w = 1;
        for (size_t i = 1; i < a->n; i++)
            if (a->v[i] != a->v[w - 1])
                a->v[w++] = a->v[i];
        a->n = w;
    }
    return oom ? -1 : 0;
}

/* For a pattern (Q, QC, QN values, constant where QC) with a symbol after
 * its relation that no fact can hold (see atoms): 1, its index in *AT, and
 * in BUF " (did you mean 'S'?)" for the closest symbol that a fact of the
 * same relation holds at that place (or, failing that, any such symbol),
 * or "".  0 when every symbol can be held, and when memory runs out (the
 * hint is left out, not the answer). */
static int value_unknown(eng_engine *e, const eng_value *q, const int *qc, size_t qn,
                         size_t *at, char *buf, size_t size)
{
    atoms a = {NULL, 0, 0};
    int hit = 0;
    buf[0] = '\0';
    if (atoms_build(e, &a) == 0)
        for (size_t i = 1; i < qn && !hit; i++)
            if (qc[i] && q[i].type == ENG_SYMBOL && !atoms_has(&a, q[i])) {
                *at = i;
                hit = 1;
            }
    if (hit) {
        /* the same relation's values at that place first, then all */
        const char **v = NULL;
        size_t n = 0, cap = 0, i = *at;
        int oom = texts_at(e, &q[0], qn, i, &v, &n, &cap);
        const char *word = eng_value_text(e, q[i], NULL);
        const char *dym = oom ? NULL : eng_suggest(word, v, n);
        if (!dym && !oom) {
            n = 0;
            for (size_t j = 0; j < a.n && !oom; j++) {
                eng_value x = {.type = ENG_SYMBOL, .u.atom = a.v[j]};
                oom = rel_add_any(&v, &n, &cap, eng_value_text(e, x, NULL));
            }
            dym = oom ? NULL : eng_suggest(word, v, n);
        }
        if (dym)
            snprintf(buf, size, " (did you mean '%s'?)", dym);
        free(v);
    }
    free(a.v);
    return hit;
}

static int explain_how(eng_engine *e, const char *pattern)
{
    found fd = {NULL, 0, 0, 0};
    long n = eng_query(e, pattern, collect, &fd);
    if (n < 0) {
        free(fd.v);
        cli_usage("explain: '%s' is not a fact pattern (e.g. 'situation primary ?s')", pattern);
        return EX_USAGE;
    }
    if (fd.oom) {
        free(fd.v);
        return cli_exit(ENG_ENOMEM);
    }
    if (n == 0) {
        char rel[128], dym[200];
        eng_value q[ENG_WHY_MAX];
        int qc[ENG_WHY_MAX];
        long qn;
        size_t at;
        if (relation_unknown(e, pattern, rel, dym, sizeof dym))
            cli_printf("No fact matches '%s': no rule asserts a '%s' fact, and no fact has "
                       "that relation%s.", pattern, rel, dym);
        else if ((qn = split_pattern(e, pattern, q, qc, ENG_WHY_MAX)) > 0 &&
                 value_unknown(e, q, qc, (size_t)qn, &at, dym, sizeof dym))
            cli_printf("No fact matches '%s': no fact, rule conclusion or question option of "
                       "the knowledge base has the value '%s'%s.", pattern,
                       eng_value_text(e, q[at], NULL), dym);
        else {
            cli_printf("No fact matches '%s': it was not concluded.", pattern);
            cli_printf("Try: " PROG " explain ... --why-not '%s'", pattern);
        }
        return 1;
    }
    seen s = {0};
    for (size_t i = 0; i < fd.n && !s.oom; i++) {
        if (i)
            putchar('\n');
        how(stdout, e, fd.v[i], 0, &s);
    }
    free(s.v);
    free(fd.v);
    return s.oom ? cli_exit(ENG_ENOMEM) : 0;
}

/* ------------------------------------------------------------ why-not */

/* Keeps the first fact a query matches, and stops it. */
static int first_match(void *ud, const eng_fact *f)
{
    *(const eng_fact **)ud = f;
    return 1;
}

/* Could action A of rule R assert a fact matching the query Q? */
static int could_make(eng_engine *e, const eng_rule *r, size_t a,
                      const eng_value *q, const int *qconst, size_t qn)
{
    size_t n = eng_rule_action_size(r, a);
    if (n != qn)
        return 0;
    /* an add's last value is what it adds, not the total the fact holds */
    if (eng_rule_action_kind(r, a) == ENG_ACT_ADD)
        n--;
    for (size_t i = 0; i < n; i++) {
        eng_value v;
        if (qconst[i] && eng_rule_action_const(r, a, i, &v) &&
            !eng_value_equal(v, q[i]))
            return 0;
    }
    (void)e;
    return 1;
}

/* Splits PATTERN into values (qconst[i] = 0 for ? and ?var). */
static long split_pattern(eng_engine *e, const char *pattern, eng_value *q,
                          int *qconst, size_t max)
{
    char buf[1024];
    size_t n = 0, len;
    const char *p = pattern, *st;
    int closed;
    while ((st = eng_pattern_term(&p, &len, &closed))) {
        if (n == max || len >= sizeof buf)
            return -1;
        memcpy(buf, st, len);
        buf[len] = '\0';
        if (buf[0] == '?') {
            qconst[n] = 0;
            memset(&q[n], 0, sizeof q[n]);
        } else {
            qconst[n] = 1;
            if (eng_value_parse(e, buf, &q[n]))
                return -1;
        }
        n++;
    }
    return n && qconst[0] ? (long)n : -1;
}

/* The facts a why-not has explained, so that a chain that comes back to
 * one (or reaches it twice) says so instead of explaining it again. */
typedef struct seen_facts {
    char **v;
    size_t n, cap;
} seen_facts;

/* 1 when TEXT was seen before; else remembers it and gives 0 (-1 when
 * out of memory). */
static int seen_before(seen_facts *s, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], text))
            return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    if (!(s->v[s->n] = strdup(text)))
        return -1;
    s->n++;
    return 0;
}

/* The pattern of N values Q (QC[i] 0: any value) as text, '?' for any. */
static void pattern_text(eng_engine *e, const eng_value *q, const int *qc,
                         size_t n, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o + 1 < size; i++) {
        if (i)
            buf[o++] = ' ';
        if (qc[i])
            o += eng_value_format(e, q[i], buf + o, size - o);
        else
            buf[o++] = '?';
        if (o >= size)
            o = size - 1;
        buf[o] = '\0';
    }
}

/* How deep why-not follows a missing fact to the rules that could have
 * made it: the conclusion's rules, then two levels below them. */
#define WHY_NOT_DEPTH 3

/* Prints, indented by DEPTH, each rule that could assert a fact matching
 * Q (QN values, QC[i] 0 where any value will do) and the first condition
 * that fails for it; a condition that needed a fact no rule made is
 * followed in turn (not for answers, which no rule makes).  Gives the
 * number of rules listed, or -1 when out of memory. */
/* What the rule would do past the `not` (or `exists`) W fails at, had it
 * held: fail later too, and where, or nothing more in the way. */
static void print_past(const eng_rule *r, const eng_why_not *w, int ind)
{
    eng_cond_info ci, pi;
    if (!w->past || eng_rule_cond(r, w->cond, &ci) != ENG_OK)
        return;
    const char *if_held = ci.kind == ENG_CE_EXISTS ? "with such a fact" : "without such facts";
    if (w->past_result == ENG_WHY_MATCHED)
        printf("%*s  %s, all its other conditions hold: this one alone stands in the way\n",
               ind, "", if_held);
    else if (eng_rule_cond(r, w->past_cond, &pi) == ENG_OK)
        printf("%*s  %s, it would still fail, at 'when = %s' (line %d): %s\n", ind, "",
               if_held, pi.text, pi.line, w->past_detail);
}

static long why_not_rules(eng_engine *e, const eng_value *q, const int *qc,
                          size_t qn, int depth, seen_facts *sf)
{
    int ind = 2 + 4 * depth;
    long nrules = 0;
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *r = eng_rule_at(e, i);
        int can = 0, adds = 0;
        for (size_t a = 0; a < eng_rule_action_count(r) && !can; a++) {
            eng_act_kind k = eng_rule_action_kind(r, a);
            can = (k == ENG_ACT_ASSERT || k == ENG_ACT_ADD) && could_make(e, r, a, q, qc, qn);
            adds = can && k == ENG_ACT_ADD;
        }
        if (!can)
            continue;
        nrules++;
        eng_why_not *w = malloc(sizeof *w);
        if (!w)
            return -1;
        eng_rule_why_not(e, r, q, qc, qn, w);
        printf("\n%*srule %s (%s:%d)\n", ind, "", eng_rule_name(r), eng_rule_path(r),
               eng_rule_line(r));
        if (w->result == ENG_WHY_FAILED) {
            eng_cond_info ci;
            if (eng_rule_cond(r, w->cond, &ci) == ENG_OK)
                printf("%*s  fails at 'when = %s' (line %d): %s\n", ind, "", ci.text,
                       ci.line, w->detail);
            else
                printf("%*s  fails: %s\n", ind, "", w->detail);
            print_past(r, w, ind);
        } else if (w->result == ENG_WHY_MATCHED && adds) {
            printf("%*s  all its conditions hold: it adds to a total, which came to\n"
                   "%*s  another value (or went to other values than the pattern's)\n",
                   ind, "", ind, "");
        } else if (w->result == ENG_WHY_MATCHED) {
            printf("%*s  all its conditions hold, but it concluded something else (its\n"
                   "%*s  values differ from the pattern), or a later rule retracted it\n",
                   ind, "", ind, "");
        } else {
            printf("%*s  can never fire: %s\n", ind, "", w->detail);
        }
        char need[1024], rel[64];
        const eng_fact *holds = NULL;
        if (w->result == ENG_WHY_FAILED && w->nneed) {
            pattern_text(e, w->need, w->needconst, w->nneed, need, sizeof need);
            eng_value_format(e, w->need[0], rel, sizeof rel);
        }
        if (w->result != ENG_WHY_FAILED || !w->nneed || !strcmp(rel, "answer") ||
            (eng_query(e, need, first_match, &holds) > 0 && holds)) {
            free(w);
            continue;
        }
        int sb = seen_before(sf, need);
        if (sb < 0) {
            free(w);
            return -1;
        }
        if (sb) {
            printf("%*s  '%s' is not concluded (see above)\n", ind, "", need);
        } else if (depth + 1 >= WHY_NOT_DEPTH) {
            printf("%*s  '%s' is not concluded either (run explain --why-not '%s' to go on)\n",
                   ind, "", need, need);
        } else {
            printf("%*s  '%s' is not concluded either:\n", ind, "", need);
            long sub = why_not_rules(e, w->need, w->needconst, w->nneed, depth + 1, sf);
            if (sub < 0) {
                free(w);
                return -1;
            }
            if (!sub)
                printf("%*s    no rule asserts a fact of that form: it comes from the\n"
                       "%*s    knowledge base's facts and catalogue, or nowhere\n",
                       ind, "", ind, "");
        }
        free(w);
    }
    return nrules;
}

/* " (did you mean 'Q'?)" for the question closest to QID, or "". */
static const char *suggest(eng_engine *e, const char *qid, char *buf, size_t size)
{
    const char *dym = eng_question_suggest(e, qid);
    if (!dym)
        return "";
    snprintf(buf, size, " (did you mean '%s'?)", dym);
    return buf;
}

/* An answer the respondent did not give is no conclusion to trace: what
 * they answered instead.  1 (nothing matched). */
static int why_not_answer(eng_engine *e, const eng_value *q)
{
    char qid[256];
    eng_value_format(e, q[1], qid, sizeof qid);
    if (!eng_question_find(e, qid)) {
        char dym[300];
        cli_printf("It is an answer, and the knowledge base has no question '%s'%s.", qid,
                   suggest(e, qid, dym, sizeof dym));
        return 1;
    }
    const eng_fact *f[16];
    size_t n = eng_fact_lookup(e, q, 2, f, 16);
    if (!n) {
        printf("It is an answer, not a conclusion: the respondent gave no answer to %s.\n",
               qid);
        return 1;
    }
    printf("It is an answer, not a conclusion: the respondent answered %s with ", qid);
    for (size_t i = 0; i < n && i < 16; i++) {
        char buf[256];
        eng_value_format(e, eng_fact_value(f[i], 2), buf, sizeof buf);
        printf("%s%s", i ? ", " : "", buf);
    }
    printf("%s.\n", n > 16 ? ", ..." : "");
    return 1;
}

static int explain_why_not(eng_engine *e, const char *pattern)
{
    eng_value q[ENG_WHY_MAX];
    int qc[ENG_WHY_MAX];
    long qn = split_pattern(e, pattern, q, qc, ENG_WHY_MAX);
    if (qn < 0) {
        cli_usage("explain: '%s' is not a fact pattern (e.g. 'model primary federated')", pattern);
        return EX_USAGE;
    }
    const eng_fact *holds = NULL;
    if (eng_query(e, pattern, first_match, &holds) > 0 && holds) {
        char buf[1024];
        eng_fact_format(e, holds, buf, sizeof buf);
        cli_printf("'%s' holds (as '%s'); see how with: " PROG " explain ... '%s'",
                   pattern, buf, buf);
        return 0;
    }
    cli_printf("'%s' was not concluded.", pattern);
    const char *rel = eng_value_text(e, q[0], NULL);
    if (qn >= 2 && qc[1] && rel && !strcmp(rel, "answer"))
        return why_not_answer(e, q);
    size_t at;
    char name[128], dym[200];
    if (relation_unknown(e, pattern, name, dym, sizeof dym)) {
        cli_printf("No rule of the knowledge base asserts a '%s' fact%s.", name, dym);
        return 1;
    }
    if (value_unknown(e, q, qc, (size_t)qn, &at, dym, sizeof dym)) {
        cli_printf("No fact, rule conclusion or question option of the knowledge base has the "
                   "value '%s'%s, so no rule can conclude it.", eng_value_text(e, q[at], NULL), dym);
        return 1;
    }
    seen_facts sf = {NULL, 0, 0};
    char text[1024];
    pattern_text(e, q, qc, (size_t)qn, text, sizeof text);
    long nrules = seen_before(&sf, text) < 0 ? -1
                                             : why_not_rules(e, q, qc, (size_t)qn, 0, &sf);
    for (size_t i = 0; i < sf.n; i++)
        free(sf.v[i]);
    free(sf.v);
    if (nrules < 0) {
        fprintf(stderr, PROG ": out of memory\n");
        return 71;
    }
    if (!nrules)
        printf("No rule of the knowledge base asserts a fact of that form.\n");
    return 1;
}

/* ------------------------------------------------------------ why */

/* What counts as a conclusion in a knowledge base: the relations of the
 * advice when its rules assert any of them; otherwise (a knowledge base of
 * its own) the relations that rules assert and no rule reads. */
typedef struct ends {
    eng_value *read;            /* relations some condition names */
    size_t nread;
    int advice;                 /* the rules assert a relation of the advice */
    eng_value *shown;           /* conclusions printed for the current rule */
    size_t nshown;
} ends;

static int has_value(const eng_value *v, size_t n, eng_value x)
{
    for (size_t i = 0; i < n; i++)
        if (eng_value_equal(v[i], x))
            return 1;
    return 0;
}

static int ends_init(ends *c, eng_engine *e)
{
    size_t nr = eng_rule_count(e), ncond = 0, nact = 0;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < nr; i++) {
        ncond += eng_rule_cond_count(eng_rule_at(e, i));
        nact += eng_rule_action_count(eng_rule_at(e, i));
    }
    c->read = malloc((ncond + 1) * sizeof *c->read);
    c->shown = malloc((nact + 1) * sizeof *c->shown);
    if (!c->read || !c->shown)
        return ENG_ENOMEM;
    for (size_t i = 0; i < nr; i++) {
        const eng_rule *r = eng_rule_at(e, i);
        for (size_t j = 0; j < eng_rule_cond_count(r); j++) {
            eng_value v;
            if (eng_rule_cond_const(r, j, 0, &v) && !has_value(c->read, c->nread, v))
                c->read[c->nread++] = v;
        }
        for (size_t j = 0; j < eng_rule_action_count(r) && !c->advice; j++) {
            eng_value v;
            const char *t;
            if (eng_rule_action_size(r, j) && eng_rule_action_const(r, j, 0, &v) &&
                (t = eng_value_text(e, v, NULL)) != NULL)
                c->advice = kb_is_conclusion(t);
        }
    }
    return ENG_OK;
}

static void ends_free(ends *c)
{
    free(c->read);
    free(c->shown);
}

static int is_end(const ends *c, const char *text, eng_value rel)
{
    return c->advice ? kb_is_conclusion(text) : !has_value(c->read, c->nread, rel);
}

/* Does rule R read relation REL in one of its conditions? */
static int reads_rel(const eng_rule *r, eng_value rel)
{
    for (size_t c = 0; c < eng_rule_cond_count(r); c++) {
        eng_value v;
        if (eng_rule_cond_const(r, c, 0, &v) && eng_value_equal(v, rel))
            return 1;
    }
    return 0;
}

/* From rule START, the conclusions (as C has them) its assertions can
 * reach, each printed once with the chain of rules that leads there.
 * ENG_OK or ENG_ENOMEM (nothing printed). */
static int reach(FILE *fp, eng_engine *e, const eng_rule *start, ends *c)
{
    size_t nr = eng_rule_count(e);
    long *from = malloc((nr + 1) * sizeof *from);
    size_t *queue = malloc((nr + 1) * sizeof *queue);
    int rc = ENG_OK;
    c->nshown = 0;
    if (!from || !queue) {
        rc = ENG_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < nr; i++)
        from[i] = -2;
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < nr; i++)
        if (eng_rule_at(e, i) == start) {
            from[i] = -1;
            queue[tail++] = i;
        }
    while (head < tail) {
        size_t ri = queue[head++];
        const eng_rule *r = eng_rule_at(e, ri);
        for (size_t a = 0; a < eng_rule_action_count(r); a++) {
            eng_value rel;
            if (!eng_rule_action_size(r, a) || !eng_rule_action_const(r, a, 0, &rel))
                continue;
            const char *rt = eng_value_text(e, rel, NULL);
            if (rt && is_end(c, rt, rel) && !has_value(c->shown, c->nshown, rel)) {
                c->shown[c->nshown++] = rel;
                fprintf(fp, "      can change '%s' (", rt);
                /* the chain from the question's rule to this one */
                size_t chain[64], nc = 0;
                for (long k = (long)ri; k >= 0 && nc < 64; k = from[k])
                    chain[nc++] = (size_t)k;
                for (size_t c2 = nc; c2-- > 0;)
                    fprintf(fp, "%s%s", c2 + 1 == nc ? "" : " -> ",
                            eng_rule_name(eng_rule_at(e, chain[c2])));
                fputs(")\n", fp);
            }
            if (rt && kb_is_conclusion(rt) && strcmp(rt, "situation") && strcmp(rt, "model"))
                continue;   /* final conclusions: no need to go further */
            for (size_t j = 0; j < nr; j++)
                if (from[j] == -2 && reads_rel(eng_rule_at(e, j), rel)) {
                    from[j] = (long)ri;
                    queue[tail++] = j;
                }
        }
    }
done:
    free(from);
    free(queue);
    return rc;
}

/* Do the constants V0 and V1 of a condition read question QID's answer? */
static int reads_answer(eng_engine *e, eng_value v0, eng_value v1, const char *qid)
{
    const char *rt = eng_value_text(e, v0, NULL);
    const char *qt = eng_value_text(e, v1, NULL);
    return rt && qt && !strcmp(rt, "answer") && !strcmp(qt, qid);
}

/* Rule R's `not` conditions on Q's answer, one line each: the answer
 * blocks it rather than lets it fire. */
static void print_negated(FILE *fp, eng_engine *e, const eng_rule *r, const eng_question *q)
{
    for (size_t c = 0; c < eng_rule_cond_count(r); c++) {
        eng_cond_info ci;
        eng_value v0, v1;
        if (eng_rule_cond(r, c, &ci) || ci.kind != ENG_CE_NOT ||
            !eng_rule_cond_const(r, c, 0, &v0) || !eng_rule_cond_const(r, c, 1, &v1) ||
            !reads_answer(e, v0, v1, eng_question_id(q)))
            continue;
        fprintf(fp, "      reads it under not: 'when = %s' (line %d): "
                    "a matching answer keeps it from firing\n", ci.text, ci.line);
    }
}

/* The condition C of rule R that an answer given fails (kb_rule_blocker),
 * with that answer.  Not the engine's first failing condition: with Q's
 * own answer left out, that is most often R's pattern on Q itself. */
static void print_blocker(FILE *fp, eng_engine *e, const eng_rule *r, long c)
{
    eng_cond_info ci;
    eng_value p[2];
    if (c < 0 || eng_rule_cond(r, (size_t)c, &ci) ||
        !eng_rule_cond_const(r, (size_t)c, 0, &p[0]) ||
        !eng_rule_cond_const(r, (size_t)c, 1, &p[1]))
        return;
    const eng_fact *f[16];
    size_t n = eng_fact_lookup(e, p, 2, f, 16);
    fprintf(fp, "      blocked by another answer: 'when = %s' (line %d) does not hold: "
                "%s is answered ", ci.text, ci.line, eng_value_text(e, p[1], NULL));
    for (size_t i = 0; i < n && i < 16; i++) {
        char buf[256];
        eng_value_format(e, eng_fact_value(f[i], 2), buf, sizeof buf);
        fprintf(fp, "%s%s", i ? ", " : "", buf);
    }
    fprintf(fp, "%s\n", n > 16 ? ", ..." : "");
}

/* The questions whose ask_if reads Q, with the lines that do. */
static int print_gates(FILE *fp, kb *k, const eng_question *q, int rules_shown)
{
    eng_engine *e = kb_engine(k);
    size_t n = kb_question_gates(k, q, NULL, NULL, 0);
    if (!n)
        return ENG_OK;
    const eng_question **gated = malloc(n * sizeof *gated);
    int *wanted = malloc(n * sizeof *wanted);
    if (!gated || !wanted) {
        free(gated);
        free(wanted);
        return ENG_ENOMEM;
    }
    kb_question_gates(k, q, gated, wanted, n);
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += (size_t)wanted[i];
    fprintf(fp, "%sIts answer decides whether %zu other question%s %s asked (%s ask_if "
                "read%s it); %zu can still matter with the other answers:\n",
            rules_shown ? "\n" : "", n, n == 1 ? "" : "s", n == 1 ? "is" : "are",
            n == 1 ? "its" : "their", n == 1 ? "s" : "", live);
    for (size_t i = 0; i < n; i++) {
        const eng_question *g = gated[i];
        fprintf(fp, "\n  %s %s (%s:%d): %s\n", wanted[i] ? "[can matter]" : "[settled]   ",
                eng_question_id(g), eng_question_path(g), eng_question_line(g),
                eng_question_text(g));
        for (size_t c = 0; c < eng_question_cond_count(g); c++) {
            eng_cond_info ci;
            eng_value v0, v1;
            if (!eng_question_cond(g, c, &ci) && eng_question_cond_const(g, c, 0, &v0) &&
                eng_question_cond_const(g, c, 1, &v1) &&
                reads_answer(e, v0, v1, eng_question_id(q)))
                fprintf(fp, "      ask_if = %s (line %d)\n", ci.text, ci.line);
        }
    }
    free(gated);
    free(wanted);
    return ENG_OK;
}

int cli_why(FILE *fp, kb *k, const eng_question *q)
{
    int rc = kb_questions_index(k);
    if (rc)
        return rc;
    eng_engine *e = kb_engine(k);
    fprintf(fp, "Question %s", eng_question_id(q));
    if (eng_question_group(q)[0])
        fprintf(fp, " (%s)", eng_question_group(q));
    fprintf(fp, ": %s\n", eng_question_text(q));
    if (!eng_question_askable(e, q))
        fprintf(fp, "Its ask_if conditions do not hold for this respondent: it would not be asked.\n");
    size_t n = kb_question_rules(k, q, NULL, NULL, 0);
    if (!n) {
        if (!kb_question_gates(k, q, NULL, NULL, 0)) {
            fprintf(fp, "No rule reads it: its answer changes nothing.\n");
            return ENG_OK;
        }
        fprintf(fp, "No rule reads it, but other questions' ask_if do.\n");
        return print_gates(fp, k, q, 0);
    }
    const eng_rule **rules = malloc(n * sizeof *rules);
    int *possible = malloc(n * sizeof *possible);
    ends c;
    int ends_ok = 0;
    rc = ENG_ENOMEM;
    if (!rules || !possible)
        goto done;
    kb_question_rules(k, q, rules, possible, n);
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += (size_t)possible[i];
    fprintf(fp, "%zu rule%s read%s it; %zu can still fire with the other answers:\n", n,
            n == 1 ? "" : "s", n == 1 ? "s" : "", live);
    ends_ok = 1;
    if (ends_init(&c, e))
        goto done;
    for (size_t i = 0; i < n; i++) {
        const eng_rule *r = rules[i];
        fprintf(fp, "\n  %s %s (%s:%d)\n", possible[i] ? "[can fire]" : "[blocked] ",
                eng_rule_name(r), eng_rule_path(r), eng_rule_line(r));
        print_negated(fp, e, r, q);
        if (!possible[i])
            print_blocker(fp, e, r, kb_rule_blocker(k, r));
        if (reach(fp, e, r, &c))
            goto done;
    }
    rc = print_gates(fp, k, q, 1);
done:
    if (ends_ok)
        ends_free(&c);
    free(rules);
    free(possible);
    return rc;
}

/* The question --why asks about, or NULL after saying it is not there. */
static const eng_question *why_question(eng_engine *e, const char *qid)
{
    const eng_question *q = eng_question_find(e, qid);
    if (!q) {
        char dym[300];
        cli_errorf(PROG ": explain: no question '%s' in the knowledge base%s", qid,
                suggest(e, qid, dym, sizeof dym));
    }
    return q;
}

/* ------------------------------------------------------------ command */

int cmd_explain(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", "--why", "--why-not", "--session",
                                             "--db", NULL};
    static const char *const flags[] = {"-h|--help", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "explain", .with_value = with_value,
                  .flags = flags};
    const char *kbdir = NULL, *why = NULL, *whynot = NULL, *session = NULL, *db = NULL;
    const char *pos[3] = {NULL, NULL, NULL}, *opt, *val;
    int npos = 0, r;
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG) {
            if (npos == 3) {
                cli_usage("explain: too many arguments (starting at '%s')", val);
                return EX_USAGE;
            }
            pos[npos++] = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(explain_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "--kb")) {
            if (cli_name_given("explain", opt, CLI_NAME_KB, val))
                return EX_USAGE;
            kbdir = val;
        } else if (!strcmp(opt, "--why")) {
            if (!*val) {
                cli_usage("explain: --why needs a question ID, such as org.ldt_staff");
                return EX_USAGE;
            }
            why = val;
        } else if (!strcmp(opt, "--why-not")) {
            whynot = val;
        } else if (!strcmp(opt, "--session")) {
            session = val;
        } else if (!strcmp(opt, "--db")) {
            if (!*val) {
                cli_usage("explain: --db needs a file name");
                return EX_USAGE;
            }
            db = val;
        } else {
            cli_usage("explain: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    int nsrc = session ? 0 : 2;
    if (session && npos > 1) {
        /* else ANSWERS_FILE would be taken for the conclusion */
        cli_usage("explain: too many arguments: with --session the respondent is the "
                  "session, and the one argument is the CONCLUSION (not '%s' and '%s')",
                  pos[0], pos[1]);
        return EX_USAGE;
    }
    if ((why != NULL) + (whynot != NULL) + (npos > nsrc) != 1 || npos < nsrc) {
        cli_usage("explain: give the respondent (ANSWERS_FILE RESPONDENT or --session ID) "
                  "and one of CONCLUSION, --why QUESTION or --why-not CONCLUSION");
        return EX_USAGE;
    }
    if (db && !session) {
        cli_usage("explain: --db is for --session; an answers file needs no database");
        return EX_USAGE;
    }
    if (!session && cli_name_given("explain", NULL, CLI_NAME_ANSWERS, pos[0]))
        return EX_USAGE;
    int status;
    kb *k = kb_open(cli_kb_path(kbdir), &cli_advice_config, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    eng_engine *e = kb_engine(k);
    cli_diags(e, 0);
    int exitc = 0;
    if (status) {
        exitc = cli_exit(status);
        goto done;
    }
    /* the conclusion is read before the respondent is: a usage error
     * comes first and alone, */
    const char *pat = whynot ? whynot : why ? NULL : pos[nsrc];
    char perr[256];
    if (pat && eng_pattern_check(e, pat, perr, sizeof perr)) {
        cli_usage("explain: '%s' is not a fact pattern: %s (e.g. 'situation primary ?s')",
                  pat, perr);
        exitc = EX_USAGE;
        goto done;
    }
    /* and so is the question: what was asked about is not there */
    const eng_question *wq = why ? why_question(e, why) : NULL;
    if (why && !wq) {
        exitc = EX_NOINPUT;
        goto done;
    }
    char who[512];
    size_t file_errors = 0;
    exitc = session ? cli_load_session(k, cli_kb_path(kbdir), db, session, why, "explained",
                                       who, sizeof who)
                    : cli_load_answers(k, pos[0], pos[1], why, "explained", who, sizeof who,
                                       &file_errors);
    if (exitc)
        goto done;
    cli_printf("Respondent: %s", who);
    putchar('\n');
    if (wq)
        exitc = cli_exit(cli_why(stdout, k, wq));
    else if (whynot)
        exitc = explain_why_not(e, whynot);
    else
        exitc = explain_how(e, pos[nsrc]);
    /* explained from the first section, yet the file has an error of this
     * respondent's (a second section with its name): as advise and facts */
    if (file_errors && (exitc == 0 || exitc == 1))
        exitc = EX_DATAERR;
    if (cli_flush_stdout())
        exitc = EX_IOERR;
done:
    kb_close(k);
    return exitc;
}
