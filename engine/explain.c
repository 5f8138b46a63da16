/*
 * explain.c -- why a rule has not fired.  The match network already holds
 * the answer: each node's memory is the set of partial matches of the
 * conditions before it, so the first condition whose node passes nothing
 * on is the one that fails.  This file finds it and says, in words, what
 * the condition expected and what working memory holds instead: the facts
 * of the same relation, the value a test saw, or the fact a `not` found.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eng_int.h"

typedef struct bind {           /* a variable held to a value */
    uint16_t slot, pos;
    eng_value v;
} bind;

typedef struct binds {
    bind v[ENG_MAX_ARITY];
    size_t n;
} binds;

/* Does token T agree with the bindings it has the facts for? */
static int tok_ok(const tok *t, const binds *bs)
{
    for (size_t i = 0; bs && i < bs->n; i++)
        if (bs->v[i].slot < t->n &&
            !eng_value_equal(t->facts[bs->v[i].slot]->v[bs->v[i].pos], bs->v[i].v))
            return 0;
    return 1;
}

/* The first token in N's memory that agrees with BS, or NULL. */
static const tok *first_tok(const node *n, const binds *bs)
{
    for (size_t k = 0; k < n->nb; k++)
        for (const tok *t = n->b[k]; t; t = t->bnext)
            if (tok_ok(t, bs))
                return t;
    return NULL;
}

/* Does fact F, as the pattern at SLOT, agree with BS? */
static int fact_ok(const eng_fact *f, uint16_t slot, const binds *bs)
{
    for (size_t i = 0; bs && i < bs->n; i++)
        if (bs->v[i].slot == slot && !eng_value_equal(f->v[bs->v[i].pos], bs->v[i].v))
            return 0;
    return 1;
}

typedef struct wbuf {
    char *p;
    size_t size, len;
} wbuf;

static void wput(wbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void wput(wbuf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = b->len + (size_t)n < b->size ? b->len + (size_t)n : b->size - 1;
}

static void wfact(eng_engine *e, wbuf *b, const eng_fact *f)
{
    char tmp[512];
    eng_fact_format(e, f, tmp, sizeof tmp);
    wput(b, "%s", tmp);
}

static void wvalue(eng_engine *e, wbuf *b, eng_value v)
{
    char tmp[256];
    eng_value_format(e, v, tmp, sizeof tmp);
    wput(b, "%s", tmp);
}

/* Lists the variables of test X (parsed form P, same shape) with the
 * values they have for the token T and candidate fact F. */
static void wvars(eng_engine *e, wbuf *b, const pexpr *p, const expr *x,
                  eng_fact *const *facts, const eng_fact *f, int *first)
{
    if (!p || !x)
        return;
    if (x->op == X_REF) {
        const eng_fact *src = x->slot == SLOT_CAND ? f : facts ? facts[x->slot] : NULL;
        if (src) {
            wput(b, "%s?%s = ", *first ? "" : ", ", p->var);
            wvalue(e, b, src->v[x->pos]);
            *first = 0;
        }
        return;
    }
    wvars(e, b, p->a, x->a, facts, f, first);
    wvars(e, b, p->b, x->b, facts, f, first);
    for (size_t i = 0; i < x->nset && i < p->nset; i++)
        wvars(e, b, p->set[i], x->set[i], facts, f, first);
}

/* Condition I of R as a parse tree.  Trees are not kept after loading:
 * the condition's text is parsed again (it parsed before, so without
 * diagnostics) into the scratch arena, which eng_rule_why_not rewinds. */
static const pce *cond_tree(eng_engine *e, const eng_rule *r, size_t i)
{
    const cond *c = &r->conds[i];
    pce **slot = e->xrule == r && e->xtrees ? &e->xtrees[i] : NULL;
    if (slot && *slot)
        return *slot;
    seg sg = {0, c->line, c->col, c->text};
    srcmap m = {r->path, &sg, 1};
    size_t nd = eng_diag_count(e);
    e->transient = 1;
    pce *ce = eng_parse_ce(e, &m, c->text, strlen(c->text));
    e->transient = 0;
    eng_diag_truncate(e, nd);
    if (slot)
        *slot = ce;
    return ce;
}

/* The live facts of the relation and arity of pattern CE (and with its
 * first constant, when it has one there). */
static size_t near_facts(eng_engine *e, const pce *ce, const eng_fact **out,
                         size_t max)
{
    size_t n = 0, arity = ce->nterms + 1;
    for (const eng_fact *f = e->lhead; f && n < max; f = f->lnext) {
        if (f->n != arity || !eng_value_equal(f->v[0], ce->rel))
            continue;
        if (ce->nterms && ce->terms[0].kind == TERM_CONST &&
            !eng_value_equal(f->v[1], ce->terms[0].k))
            continue;
        out[n++] = f;
    }
    return n;
}

/* The first test of R running at condition I (in its alpha memory when
 * ALPHA) that is false for token T and fact F, or -1. */
static long failing_test(eng_engine *e, const eng_rule *r, size_t i, int alpha,
                         const tok *t, const eng_fact *f)
{
    for (size_t j = 0; j < r->nconds; j++) {
        const cond *c = &r->conds[j];
        if (c->kind != CE_TEST || c->onpat != (int)i || c->alpha != alpha || !c->x)
            continue;
        if (!eng_test_expr(e, c->x, t ? t->facts : NULL, f))
            return (long)j;
    }
    return -1;
}

/* Why fact F does not pass the pattern's own tests. */
static void why_rejected(eng_engine *e, const eng_rule *r, size_t i,
                         const eng_fact *f, wbuf *b)
{
    const pce *ce = cond_tree(e, r, i);
    for (size_t k = 0; ce && k < ce->nterms; k++) {
        const pterm *t = &ce->terms[k];
        if (t->kind == TERM_CONST && !eng_value_equal(f->v[k + 1], t->k)) {
            wput(b, "it expected ");
            wvalue(e, b, t->k);
            wput(b, " at place %zu and found ", k + 1);
            wvalue(e, b, f->v[k + 1]);
            wput(b, " in '");
            wfact(e, b, f);
            wput(b, "'");
            return;
        }
    }
    long j = failing_test(e, r, i, 1, NULL, f);
    if (j >= 0) {
        int first = 1;
        const pce *tc = cond_tree(e, r, (size_t)j);
        wput(b, "the test '%s' is false for '", r->conds[j].text);
        wfact(e, b, f);
        wput(b, "' (");
        if (tc)
            wvars(e, b, tc->cons[0], r->conds[j].x, NULL, f, &first);
        wput(b, ")");
        return;
    }
    wput(b, "'");
    wfact(e, b, f);
    wput(b, "' does not satisfy the pattern's own constraints");
}

/* The pattern of CE as written, without the `not` or `exists` before it
 * or the `?f <-` that names its fact. */
static const char *pattern_text(const pce *ce)
{
    const char *s = ce->text;
    if (*s == '?') {
        const char *a = strstr(s, "<-");
        if (a) {
            for (s = a + 2; *s == ' ' || *s == '\t'; s++)
                ;
        }
    }
    if (ce->kind == CE_NOT || ce->kind == CE_EXISTS) {
        while (*s && *s != ' ' && *s != '\t')
            s++;
        while (*s == ' ' || *s == '\t')
            s++;
    }
    return s;
}

/* Writes value V that pattern CE needs at place POS of its fact: as the
 * variable written there (`?x = 5`) when there is one, else by place. */
static void wplace(eng_engine *e, wbuf *b, const pce *ce, size_t pos, eng_value v)
{
    if (pos >= 1 && pos <= ce->nterms && ce->terms[pos - 1].kind == TERM_VAR) {
        wput(b, "?%s = ", ce->terms[pos - 1].var);
        wvalue(e, b, v);
    } else {
        wvalue(e, b, v);
        wput(b, " at place %zu", pos);
    }
}

/* Writes the values that partial match T holds for the variables node N
 * joins pattern CE on, as `?x = 5, ?y = b`. */
static void wkeys(eng_engine *e, wbuf *b, const node *n, const pce *ce, const tok *t)
{
    for (size_t q = 0; q < n->nkey; q++) {
        if (q)
            wput(b, ", ");
        wplace(e, b, ce, n->am->keypos[q], t->facts[n->keys[q].slot]->v[n->keys[q].pos]);
    }
}

static size_t count_ok(const node *n, const binds *bs)
{
    size_t c = 0;
    for (size_t k = 0; k < n->nb; k++)
        for (const tok *t = n->b[k]; t; t = t->bnext)
            c += (size_t)tok_ok(t, bs);
    return c;
}

/* Fills OUT->need with the fact that pattern I of R needed: its
 * constants, the values BS holds at its slot, and those the partial match
 * T binds its joined variables to when T is the only one agreeing with BS
 * (with several, which one to follow is a guess: any value will do). */
static void needed_fact(const eng_rule *r, size_t i, const tok *t,
                        const binds *bs, eng_why_not *out)
{
    const node *n = r->conds[i].node;
    const amem *am = n->am;
    out->nneed = 0;
    if (am->arity > ENG_WHY_MAX)
        return;
    memset(out->needconst, 0, sizeof out->needconst);
    out->need[0] = am->rel;
    out->needconst[0] = 1;
    for (size_t k = 0; k < am->nct; k++)
        if (am->ct[k].pos < am->arity) {
            out->need[am->ct[k].pos] = am->ct[k].k;
            out->needconst[am->ct[k].pos] = 1;
        }
    if (count_ok(n, bs) != 1)
        t = NULL;
    for (size_t k = 0; t && k < n->nkey; k++)
        if (n->keys[k].slot < t->n && am->keypos[k] < am->arity) {
            out->need[am->keypos[k]] = t->facts[n->keys[k].slot]->v[n->keys[k].pos];
            out->needconst[am->keypos[k]] = 1;
        }
    for (size_t k = 0; bs && k < bs->n; k++)
        if (bs->v[k].slot == n->depth && bs->v[k].pos < am->arity) {
            out->need[bs->v[k].pos] = bs->v[k].v;
            out->needconst[bs->v[k].pos] = 1;
        }
    out->nneed = am->arity;
}

/* Says in B why condition I of R passes nothing on for partial match T
 * (NULL: the first in its node's memory that agrees with BS).  With OUT,
 * fills its NEED when the condition needed a fact that is not there. */
static void diagnose(eng_engine *e, const eng_rule *r, size_t i, const tok *t,
                     wbuf *b, const binds *bs, eng_why_not *out)
{
    const cond *c = &r->conds[i];
    const node *n = c->node;
    const pce *ce = cond_tree(e, r, i);
    const eng_fact *near[4];
    if (!ce) {
        wput(b, "no fact matches '%s' together with the conditions before it", c->text);
        return;
    }
    if (!t)
        t = first_tok(n, bs);
    uint16_t slot = (uint16_t)n->depth;
    if (n->type == N_NEG) {
        /* some fact matches what must not exist */
        for (size_t k = 0; t && k < n->am->nb; k++)
            for (const fact_ent *x = n->am->b[k]; x; x = x->bnext)
                if (eng_beta_ok(e, n, t, x->f)) {
                    wput(b, "it requires that no fact matches '%s'", pattern_text(ce));
                    if (n->nkey) {
                        wput(b, " with ");
                        wkeys(e, b, n, ce, t);
                    }
                    wput(b, ", but '");
                    wfact(e, b, x->f);
                    wput(b, "' does");
                    return;
                }
        wput(b, "it requires that no fact matches '%s', but one does", pattern_text(ce));
        return;
    }
    if (n->am->count == 0) {
        if (out)
            needed_fact(r, i, t, bs, out);
        size_t nn = near_facts(e, ce, near, 4);
        if (!nn) {
            char rel[128];
            eng_value_format(e, ce->rel, rel, sizeof rel);
            if (ce->nterms && ce->terms[0].kind == TERM_CONST) {
                char k1[128];
                eng_value_format(e, ce->terms[0].k, k1, sizeof k1);
                wput(b, "it expected a fact '%s'; there is no '%s %s ...' fact at all%s",
                     pattern_text(ce), rel, k1,
                     !strcmp(rel, "answer") ? " (the question was not answered)" : "");
            } else {
                wput(b, "it expected a fact '%s'; there is no '%s' fact of %zu values",
                     pattern_text(ce), rel, ce->nterms + 1);
            }
            return;
        }
        wput(b, "it expected a fact '%s': ", pattern_text(ce));
        for (size_t k = 0; k < nn && k < 3; k++) {
            if (k)
                wput(b, "; ");
            why_rejected(e, r, i, near[k], b);
        }
        return;
    }
    /* facts pass the pattern, but not with the values bound before */
    for (size_t k = 0; t && k < n->am->nb; k++)
        for (const fact_ent *x = n->am->b[k]; x; x = x->bnext) {
            if (n->type == N_JOIN && !fact_ok(x->f, slot, bs)) {
                if (out)
                    needed_fact(r, i, t, bs, out);
                wput(b, "it expected a fact '%s' with the values of the conclusion asked about (", pattern_text(ce));
                int first = 1;
                for (size_t q = 0; bs && q < bs->n; q++)
                    if (bs->v[q].slot == slot) {
                        wput(b, "%s", first ? "" : ", ");
                        wplace(e, b, ce, bs->v[q].pos, bs->v[q].v);
                        first = 0;
                    }
                wput(b, "), and found '");
                wfact(e, b, x->f);
                wput(b, "'");
                return;
            }
            if (!eng_keys_equal(n, t, x->f)) {
                if (out)
                    needed_fact(r, i, t, bs, out);
                wput(b, "it expected a fact '%s' agreeing with the values bound before (", pattern_text(ce));
                wkeys(e, b, n, ce, t);
                wput(b, "), and found '");
                wfact(e, b, x->f);
                wput(b, "'");
                return;
            }
            long j = failing_test(e, r, i, 0, t, x->f);
            if (j >= 0) {
                int first = 1;
                const pce *tc = cond_tree(e, r, (size_t)j);
                wput(b, "the test '%s' is false (", r->conds[j].text);
                if (tc)
                    wvars(e, b, tc->cons[0], r->conds[j].x, t->facts, x->f, &first);
                wput(b, ")");
                return;
            }
        }
    wput(b, "no fact matches '%s' together with the conditions before it", pattern_text(ce));
}

/* Past a `not` that blocks (or an `exists` that finds nothing): the
 * conditions after it, matched by hand against their alpha memories for
 * each partial match the network stopped there, as though the condition
 * held.  The network cannot say this: it passes nothing on past the
 * condition, so the nodes after it are empty for those partial matches. */
#define PAST_BUDGET 200000      /* facts tried before giving up */

typedef struct past {
    eng_engine *e;
    const eng_rule *r;
    const binds *bs;
    tok *t;                     /* the partial match being extended */
    tok *best;                  /* the one that got furthest */
    size_t bestc;               /* the condition it fails at, nconds: none */
    int found;                  /* BEST is set */
    long budget;
} past;

static size_t next_pattern(const eng_rule *r, size_t j)
{
    while (j < r->nconds && r->conds[j].kind == CE_TEST)
        j++;
    return j;
}

static void past_stop(past *p, size_t j)
{
    if (p->found && j <= p->bestc)
        return;
    p->found = 1;
    p->bestc = j;
    p->best->n = p->t->n;
    memcpy(p->best->facts, p->t->facts, p->t->n * sizeof *p->t->facts);
    if (j >= p->r->nconds)
        p->budget = 0;          /* a whole match: nothing goes further */
}

static void past_extend(past *p, size_t j)
{
    j = next_pattern(p->r, j);
    if (j >= p->r->nconds) {
        past_stop(p, j);
        return;
    }
    const node *n = p->r->conds[j].node;
    int any = 0;
    for (size_t k = 0; k < n->am->nb && p->budget > 0; k++)
        for (const fact_ent *x = n->am->b[k]; x && p->budget > 0; x = x->bnext) {
            p->budget--;
            if (!eng_beta_ok(p->e, n, p->t, x->f))
                continue;
            if (n->type != N_JOIN) {
                any = 1;
                goto decided;
            }
            if (!fact_ok(x->f, n->depth, p->bs))
                continue;
            any = 1;
            p->t->facts[n->depth] = x->f;
            p->t->n = (uint16_t)(n->depth + 1);
            past_extend(p, j + 1);
            p->t->n = n->depth;
        }
decided:
    if (p->budget <= 0)
        return;
    if (n->type == N_NEG ? any : !any)
        past_stop(p, j);
    else if (n->type != N_JOIN)
        past_extend(p, j + 1);
}

/* Fills OUT's PAST fields for condition I of R, a `not` or `exists` that
 * the partial matches in its node's memory agreeing with BS stop at. */
static void look_past(eng_engine *e, const eng_rule *r, size_t i, const binds *bs,
                      eng_why_not *out)
{
    const node *n = r->conds[i].node;
    size_t depth = r->term->depth + 1;
    past p = {e, r, bs, NULL, NULL, 0, 0, PAST_BUDGET};
    p.t = eng_scratch_alloc(e, sizeof *p.t + depth * sizeof *p.t->facts);
    p.best = eng_scratch_alloc(e, sizeof *p.best + depth * sizeof *p.best->facts);
    if (!p.t || !p.best)
        return;
    memset(p.t, 0, sizeof *p.t);
    memset(p.best, 0, sizeof *p.best);
    for (size_t k = 0; k < n->nb && p.budget > 0; k++)
        for (const tok *t0 = n->b[k]; t0 && p.budget > 0; t0 = t0->bnext) {
            if (!tok_ok(t0, bs))
                continue;
            p.t->n = t0->n;
            memcpy(p.t->facts, t0->facts, t0->n * sizeof *t0->facts);
            past_extend(&p, i + 1);
        }
    /* out of budget without a whole match: the furthest so far may not
     * be the furthest there is */
    if (!p.found || (p.budget <= 0 && p.bestc < r->nconds))
        return;
    out->past = 1;
    if (p.bestc >= r->nconds) {
        out->past_result = ENG_WHY_MATCHED;
        return;
    }
    wbuf b = {out->past_detail, sizeof out->past_detail, 0};
    out->past_result = ENG_WHY_FAILED;
    out->past_cond = p.bestc;
    diagnose(e, r, p.bestc, p.best, &b, bs, NULL);
}

/* Holds the variables of R's action that could assert WANT to its values. */
static void want_binds(const eng_rule *r, const eng_value *want,
                       const int *wantconst, size_t n, binds *bs)
{
    bs->n = 0;
    for (size_t a = 0; a < r->nacts; a++) {
        const cact *ca = &r->acts[a];
        if ((ca->kind != ACT_ASSERT && ca->kind != ACT_ADD) || ca->nterms + 1 != n ||
            !eng_value_equal(ca->rel, want[0]))
            continue;
        int fits = 1;
        for (size_t i = 0; i < ca->nterms && fits; i++)
            if (wantconst[i + 1] && ca->terms[i].kind == TERM_CONST &&
                !eng_value_equal(ca->terms[i].k, want[i + 1]))
                fits = 0;
        if (!fits)
            continue;
        for (size_t i = 0; i < ca->nterms; i++) {
            const cterm *t = &ca->terms[i];
            /* an add's last value is the amount, not the total wanted */
            if (ca->kind == ACT_ADD && i + 1 == ca->nterms)
                continue;
            if (wantconst[i + 1] && t->kind == TERM_EXPR && t->x->op == X_REF &&
                t->x->slot != SLOT_CAND && bs->n < ENG_MAX_ARITY) {
                bs->v[bs->n].slot = t->x->slot;
                bs->v[bs->n].pos = t->x->pos;
                bs->v[bs->n++].v = want[i + 1];
            }
        }
        return;
    }
}

static int why_not(eng_engine *e, const eng_rule *r, const eng_value *want,
                   const int *wantconst, size_t nwant, eng_why_not *out)
{
    wbuf b = {out->detail, sizeof out->detail, 0};
    binds bs;
    bs.n = 0;
    out->detail[0] = '\0';
    out->cond = 0;
    out->nneed = 0;
    out->past = 0;
    out->past_detail[0] = '\0';
    if (!r->term) {
        out->result = ENG_WHY_NEVER;
        wput(&b, "a test of this rule is always false");
        return ENG_OK;
    }
    if (want && wantconst && nwant)
        want_binds(r, want, wantconst, nwant, &bs);
    /* the pattern conditions in order, each with the node after it */
    for (size_t i = 0; i < r->nconds; i++) {
        const cond *c = &r->conds[i];
        if (c->kind == CE_TEST)
            continue;
        const node *next = r->term;
        for (size_t j = i + 1; j < r->nconds; j++)
            if (r->conds[j].kind != CE_TEST) {
                next = r->conds[j].node;
                break;
            }
        if (!c->node || !count_ok(c->node, &bs))
            continue;       /* nothing reached it: an earlier one failed */
        if (!count_ok(next, &bs)) {
            out->result = ENG_WHY_FAILED;
            out->cond = i;
            diagnose(e, r, i, NULL, &b, &bs, out);
            if (c->node->type == N_NEG || c->node->type == N_EXISTS)
                look_past(e, r, i, &bs, out);
            return ENG_OK;
        }
    }
    if (!count_ok(r->term, &bs)) {
        out->result = ENG_WHY_FAILED;
        wput(&b, "working memory was not reset");
        return ENG_OK;
    }
    out->result = ENG_WHY_MATCHED;
    wput(&b, "all its conditions hold");
    return ENG_OK;
}

int eng_rule_why_not(eng_engine *e, const eng_rule *r, const eng_value *want,
                     const int *wantconst, size_t nwant, eng_why_not *out)
{
    eng_scratch_mark mark = eng_scratch_get(e);
    size_t nre = e->regexes.n;
    e->xrule = r;
    e->xtrees = eng_scratch_alloc(e, (r->nconds + 1) * sizeof *e->xtrees);
    int rc = why_not(e, r, want, wantconst, nwant, out);
    e->xrule = NULL;
    e->xtrees = NULL;
    /* regular expressions compiled again went into the scratch arena */
    for (size_t i = nre; i < e->regexes.n; i++) {
        regex *re = e->regexes.v[i];
        pcre2_code_free(re->code);
        pcre2_match_data_free(re->md);
    }
    e->regexes.n = nre;
    eng_scratch_rewind(e, mark);
    return rc;
}
