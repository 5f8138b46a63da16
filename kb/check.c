/*
 * check.c -- what the engine alone cannot check: that the names a rule
 * writes refer to something.  After loading, every constant in a rule's
 * conditions and assert actions, and in a question's ask_if lines, is
 * checked where its place means a question or a catalogue entry:
 *
 *     answer Q V             Q a question, V one of its options (or yes/no,
 *                            or a number in its range, as its type says)
 *     journey unit U N       U a unit          advice A        A an advice
 *     need role P            P a persona       model primary M  M a model
 *     situation primary|secondary|transition|score S ...       S a situation
 *     maturity band B        B a band          maturity D N    D a dimension
 *     finance option F       F a finance route
 *
 * A misspelt name is reported where it is written (its line and column)
 * with the closest known name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

typedef struct names {
    const char **v;         /* "kind name" strings, sorted */
    size_t n;
} names;

typedef struct ck {
    kb *k;
    eng_engine *e;
    const eng_rule *rule;       /* whose conditions are checked: a rule */
    const eng_question *q;      /* or a question's ask_if */
    char who[300];              /* their name in messages (see who()) */
    const char *path;           /* the condition or action checked: where */
    int line, col;
    int act;                    /* an action (its first word is the verb) */
    names entries;
    int bad;
    int oom;
} ck;

static int cmp_str(const void *a, const void *b)
{
    return kb_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "KIND NAME" into BUF of SIZE bytes (cut to fit); its length. */
static size_t kind_name(char *buf, size_t size, const char *kind, const char *name)
{
    size_t kl = strlen(kind), nl = strlen(name);
    if (kl > size - 1)
        kl = size - 1;
    memcpy(buf, kind, kl);
    size_t n = kl;
    if (n < size - 1)
        buf[n++] = ' ';
    if (nl > size - 1 - n)
        nl = size - 1 - n;
    memcpy(buf + n, name, nl);
    buf[n + nl] = '\0';
    return n + nl;
}

static int names_build(ck *c)
{
    size_t n = eng_entry_count(c->e);
    c->entries.v = calloc(n + 1, sizeof *c->entries.v);
    if (!c->entries.v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const eng_entry *en = eng_entry_at(c->e, i);
        size_t len = strlen(en->kind) + strlen(en->name) + 2;
        char *s = malloc(len);
        if (!s)
            return -1;
        kind_name(s, len, en->kind, en->name);
        c->entries.v[c->entries.n++] = s;
    }
    qsort(c->entries.v, c->entries.n, sizeof *c->entries.v, cmp_str);
    return 0;
}

static void names_free(names *nm)
{
    for (size_t i = 0; i < nm->n; i++)
        free((void *)nm->v[i]);
    free(nm->v);
}

static int has_entry(ck *c, const char *kind, const char *name)
{
    char key[512];
    const char *p = key;
    kind_name(key, sizeof key, kind, name);
    return bsearch(&p, c->entries.v, c->entries.n, sizeof *c->entries.v, cmp_str) != NULL;
}

/* The closest entry name of KIND to NAME, for "did you mean". */
static const char *closest(ck *c, const char *kind, const char *name)
{
    size_t kl = strlen(kind), n = 0;
    const char **cands = malloc((c->entries.n + 1) * sizeof *cands);
    if (!cands)
        return NULL;
    for (size_t i = 0; i < c->entries.n; i++)
        if (!strncmp(c->entries.v[i], kind, kl) && c->entries.v[i][kl] == ' ')
            cands[n++] = c->entries.v[i] + kl + 1;
    const char *best = eng_suggest(name, cands, n);
    free(cands);
    return best;
}

typedef int (*getter)(const void *owner, size_t i, size_t pos, eng_value *out);

static int rule_cond_get(const void *o, size_t i, size_t pos, eng_value *out)
{
    return eng_rule_cond_const(o, i, pos, out);
}

static int rule_act_get(const void *o, size_t i, size_t pos, eng_value *out)
{
    return eng_rule_action_const(o, i, pos, out);
}

static int q_cond_get(const void *o, size_t i, size_t pos, eng_value *out)
{
    return eng_question_cond_const(o, i, pos, out);
}

/* "rule 'NAME'" or "question 'ID' (ask_if)": formatted only for a
 * message, not for each of the thousands of rules that pass. */
static const char *who(ck *c)
{
    if (c->rule)
        snprintf(c->who, sizeof c->who, "rule '%s'", eng_rule_name(c->rule));
    else
        snprintf(c->who, sizeof c->who, "question '%s' (ask_if)", eng_question_id(c->q));
    return c->who;
}

static const char *text(ck *c, eng_value v)
{
    return eng_value_text(c->e, v, NULL);
}

static int is(ck *c, eng_value v, const char *s)
{
    const char *t = text(c, v);
    return v.type == ENG_SYMBOL && t && kb_streq(t, s);
}

/* Where place POS (1 or more) of the pattern written from PATH:*LINE:*COL
 * is, read again from the file for a message: its terms are read as the
 * engine reads them, on the condition's line and on the indented lines
 * that continue it, after a leading `not`, `exists` or `?f <-` (ACT: after
 * the action's verb).  *LINE and *COL move there only when the term found
 * reads WANT; otherwise they stay at the condition, which is never wrong,
 * only less precise.  Only for a message: it reads the file. */
static void place_of(const char *path, int *line, int *col, int act, size_t pos,
                     const char *want)
{
    enum { MAXT = 8 };
    struct { int line, col; char text[64]; } t[MAXT];
    size_t nt = 0, need = pos + 3;
    FILE *fp = path && *line > 0 && *col > 0 && need <= MAXT ? fopen(path, "rb") : NULL;
    if (!fp)
        return;
    char buf[1024];
    int l = 0;
    while (nt < need && fgets(buf, sizeof buf, fp)) {
        size_t bl = strlen(buf);
        if (bl == sizeof buf - 1 && buf[bl - 1] != '\n')
            break;              /* a line this long: not worth reading on */
        if (++l < *line)
            continue;
        buf[strcspn(buf, "\r\n")] = '\0';
        const char *p = buf;
        if (l == *line) {
            if ((size_t)*col > bl)
                break;
            p = buf + *col - 1;
        } else if (buf[0] != ' ' && buf[0] != '\t') {
            break;              /* the value ends: no continuation */
        }
        const char *s;
        size_t len;
        int closed;
        while (nt < need && (s = eng_pattern_term(&p, &len, &closed))) {
            t[nt].line = l;
            t[nt].col = (int)(s - buf) + 1;
            snprintf(t[nt].text, sizeof t[nt].text, "%.*s", (int)len, s);
            nt++;
        }
    }
    fclose(fp);
    size_t skip = 0;
    if (act)
        skip = 1;
    else if (nt && (!strcmp(t[0].text, "not") || !strcmp(t[0].text, "exists")))
        skip = 1;
    else if (nt > 1 && t[0].text[0] == '?' && !strcmp(t[1].text, "<-"))
        skip = 2;
    if (skip + pos < nt && !strcmp(t[skip + pos].text, want)) {
        *line = t[skip + pos].line;
        *col = t[skip + pos].col;
    }
}

/* Where the value V at place POS of the condition or action being checked
 * is written: its own column when the file shows it there. */
static void where(ck *c, size_t pos, eng_value v, int *line, int *col)
{
    char want[256];
    eng_value_format(c->e, v, want, sizeof want);
    *line = c->line;
    *col = c->col;
    place_of(c->path, line, col, c->act, pos, want);
}

static void need_entry(ck *c, size_t pos, const char *kind, eng_value v)
{
    const char *name = text(c, v);
    if (!name || v.type != ENG_SYMBOL || has_entry(c, kind, name))
        return;
    const char *dym = closest(c, kind, name);
    int line, col;
    where(c, pos, v, &line, &col);
    eng_diag_add(c->e, ENG_ERROR, c->path, line, col,
                 "%s names %s '%s', which is not in the catalogue%s%s%s", who(c), kind,
                 name, dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
    c->bad = 1;
}

static void check_answer(ck *c, eng_value q, int hasv, eng_value v)
{
    int line, col;
    const char *qid = text(c, q);
    if (!qid || q.type != ENG_SYMBOL)
        return;
    const eng_question *qq = eng_question_find(c->e, qid);
    if (!qq && eng_question_declared(c->e, qid)) {
        c->bad = 1;         /* the question's own errors say what is wrong */
        return;
    }
    if (!qq) {
        const char *dym = eng_question_suggest(c->e, qid);
        where(c, 1, q, &line, &col);
        eng_diag_add(c->e, ENG_ERROR, c->path, line, col,
                     "%s reads question '%s', which no [question] defines%s%s%s", who(c), qid,
                     dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
        c->bad = 1;
        return;
    }
    if (!hasv)
        return;
    /* the message first: the value's place is looked up in the file only
     * for a value that is wrong */
    eng_qtype t = eng_question_type(qq);
    char msg[1200] = "", vb[256] = "";
    if (t == ENG_Q_ONE || t == ENG_Q_MANY) {
        const char *val = text(c, v);
        for (size_t i = 0; val && i < eng_question_option_count(qq); i++)
            if (!strcmp(eng_question_option(qq, i, NULL), val))
                return;
        char opts[600] = "";
        for (size_t i = 0; i < eng_question_option_count(qq); i++) {
            strncat(opts, i ? ", " : "", sizeof opts - strlen(opts) - 1);
            strncat(opts, eng_question_option(qq, i, NULL), sizeof opts - strlen(opts) - 1);
        }
        eng_value_format(c->e, v, vb, sizeof vb);
        snprintf(msg, sizeof msg,
                 "%s tests question '%s' for '%s', which is not one of its options (%s)",
                 who(c), qid, vb, opts);
    } else if (t == ENG_Q_YESNO && !is(c, v, "yes") && !is(c, v, "no")) {
        eng_value_format(c->e, v, vb, sizeof vb);
        snprintf(msg, sizeof msg, "%s tests yes/no question '%s' for '%s' (expected yes or no)",
                 who(c), qid, vb);
    } else if (t == ENG_Q_NUMBER && v.type != ENG_INT && v.type != ENG_REAL) {
        snprintf(msg, sizeof msg,
                 "%s tests number question '%s' for a value that is not a number", who(c), qid);
    } else if (t == ENG_Q_NUMBER) {
        double lo, hi, d = v.type == ENG_INT ? (double)v.u.i : v.u.r;
        int has = eng_question_range(qq, &lo, &hi);
        if (((has & 1) && d < lo) || ((has & 2) && d > hi) ||
            (eng_question_integer(qq) && v.type != ENG_INT)) {
            char what[160];
            eng_value_format(c->e, v, vb, sizeof vb);
            eng_question_number_text(qq, what, sizeof what);
            snprintf(msg, sizeof msg,
                     "%s tests number question '%s' for %s, which no answer can be "
                     "(it takes %s)", who(c), qid, vb, what);
        }
    }
    if (!msg[0])
        return;
    where(c, 2, v, &line, &col);
    eng_diag_add(c->e, ENG_ERROR, c->path, line, col, "%s", msg);
    c->bad = 1;
}

/* Checks one pattern or assert of SIZE values read through GET. */
static void check_one(ck *c, const void *owner, size_t i, size_t size, getter get)
{
    eng_value rel, a1, a2;
    if (!get(owner, i, 0, &rel) || rel.type != ENG_SYMBOL)
        return;
    int h1 = size > 1 && get(owner, i, 1, &a1);
    int h2 = size > 2 && get(owner, i, 2, &a2);
    const char *r = text(c, rel);
    if (kb_streq(r, "answer") && size == 3) {
        if (h1)
            check_answer(c, a1, h2, a2);
    } else if (kb_streq(r, "advice") && size == 2 && h1) {
        need_entry(c, 1, "advice", a1);
    } else if (!h1 || !h2) {
        return;
    } else if (kb_streq(r, "journey") && size == 4 && is(c, a1, "unit")) {
        need_entry(c, 2, "unit", a2);
    } else if (kb_streq(r, "need") && size == 3 && is(c, a1, "role")) {
        need_entry(c, 2, "persona", a2);
    } else if (kb_streq(r, "model") && size == 3 && is(c, a1, "primary")) {
        need_entry(c, 2, "model", a2);
    } else if (kb_streq(r, "situation") &&
               ((size == 3 && (is(c, a1, "primary") || is(c, a1, "secondary") ||
                               is(c, a1, "transition"))) ||
                (size == 4 && is(c, a1, "score")))) {
        need_entry(c, 2, "situation", a2);
    } else if (kb_streq(r, "maturity") && size == 3 && is(c, a1, "band")) {
        need_entry(c, 2, "band", a2);
    } else if (kb_streq(r, "finance") && size == 3 && is(c, a1, "option")) {
        need_entry(c, 2, "finance", a2);
    }
}

static void check_dimension(ck *c, const void *owner, size_t i, size_t size,
                            getter get)
{
    eng_value rel, a1;
    if (size == 3 && get(owner, i, 0, &rel) && is(c, rel, "maturity") &&
        get(owner, i, 1, &a1) && !is(c, a1, "band"))
        need_entry(c, 1, "dimension", a1);
}

static void at(ck *c, const char *path, int line, int col, int act)
{
    c->path = path;
    c->line = line;
    c->col = col;
    c->act = act;
}

int kb_check_refs(kb *k)
{
    ck c;
    memset(&c, 0, sizeof c);
    c.k = k;
    c.e = kb_engine(k);
    if (names_build(&c)) {
        names_free(&c.entries);
        return ENG_ENOMEM;
    }
    for (size_t r = 0; r < eng_rule_count(c.e); r++) {
        const eng_rule *rule = eng_rule_at(c.e, r);
        c.rule = rule;
        for (size_t i = 0; i < eng_rule_cond_count(rule); i++) {
            eng_cond_info ci;
            eng_rule_cond(rule, i, &ci);
            if (ci.kind == ENG_CE_TEST)
                continue;
            at(&c, eng_rule_path(rule), ci.line, ci.col, 0);
            check_one(&c, rule, i, ci.size, rule_cond_get);
            check_dimension(&c, rule, i, ci.size, rule_cond_get);
        }
        for (size_t i = 0; i < eng_rule_action_count(rule); i++) {
            size_t size = eng_rule_action_size(rule, i);
            if (!size)
                continue;
            at(&c, eng_rule_path(rule), eng_rule_action_line(rule, i),
               eng_rule_action_col(rule, i), 1);
            check_one(&c, rule, i, size, rule_act_get);
            check_dimension(&c, rule, i, size, rule_act_get);
        }
    }
    for (size_t q = 0; q < eng_question_count(c.e); q++) {
        const eng_question *qq = eng_question_at(c.e, q);
        c.rule = NULL;
        c.q = qq;
        for (size_t i = 0; i < eng_question_cond_count(qq); i++) {
            eng_cond_info ci;
            eng_question_cond(qq, i, &ci);
            if (ci.kind != ENG_CE_TEST) {
                at(&c, eng_question_path(qq), ci.line, ci.col, 0);
                check_one(&c, qq, i, ci.size, q_cond_get);
            }
        }
    }
    names_free(&c.entries);
    return c.bad ? ENG_EINVAL : ENG_OK;
}
