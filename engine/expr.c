/*
 * expr.c -- evaluation of compiled expressions (tests and action terms)
 * and of alpha-memory filters.  Pure functions of the facts they read:
 * the network may run a test earlier than it is written because of that.
 *
 * Semantics: numbers compare numerically; symbols and strings compare by
 * their bytes; a number never equals a text and ordering them is false.
 * Arithmetic is exact on integers (falling back to reals on overflow) and
 * `/` yields an integer when the division is exact.  A test whose
 * arithmetic fails (a symbol added to a number, a division by zero) or
 * whose regular expression hits its match limit is false.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eng_int.h"

enum { EV_OK = 0, EV_TYPE, EV_DIV0, EV_RANGE };

static int ev(eng_engine *e, const expr *x, eng_fact *const *facts,
              const eng_fact *cand, eng_value *out, int *err);

static int ev_bool(eng_engine *e, const expr *x, eng_fact *const *facts,
                   const eng_fact *cand, int *err);

static eng_value ref_value(const expr *x, eng_fact *const *facts,
                           const eng_fact *cand)
{
    const eng_fact *f = x->slot == SLOT_CAND ? cand : facts[x->slot];
    return f->v[x->pos];
}

static int arith(int op, eng_value a, eng_value b, eng_value *out)
{
    if (!eng_is_num(a) || !eng_is_num(b))
        return EV_TYPE;
    if (a.type == ENG_INT && b.type == ENG_INT) {
        int64_t r;
        switch (op) {
        case X_ADD:
            if (!__builtin_add_overflow(a.u.i, b.u.i, &r)) { *out = eng_num_int(r); return EV_OK; }
            break;
        case X_SUB:
            if (!__builtin_sub_overflow(a.u.i, b.u.i, &r)) { *out = eng_num_int(r); return EV_OK; }
            break;
        case X_MUL:
            if (!__builtin_mul_overflow(a.u.i, b.u.i, &r)) { *out = eng_num_int(r); return EV_OK; }
            break;
        case X_DIV:
            if (b.u.i == 0)
                return EV_DIV0;
            if (!(a.u.i == INT64_MIN && b.u.i == -1) && a.u.i % b.u.i == 0) {
                *out = eng_num_int(a.u.i / b.u.i);
                return EV_OK;
            }
            break;
        }
    }
    double x = eng_num_d(a), y = eng_num_d(b), r;
    switch (op) {
    case X_ADD: r = x + y; break;
    case X_SUB: r = x - y; break;
    case X_MUL: r = x * y; break;
    default:
        if (y == 0)
            return EV_DIV0;
        r = x / y;
    }
    if (!isfinite(r))
        return EV_RANGE;
    *out = eng_num_real(r);
    return EV_OK;
}

static int regex_match(eng_engine *e, const expr *x, eng_value v, int *err)
{
    char tmp[48];
    const char *s;
    size_t len;
    if (v.type == ENG_SYMBOL || v.type == ENG_STRING) {
        s = eng_atom(e, v.u.atom, &len);
    } else {
        len = eng_value_format(e, v, tmp, sizeof tmp);
        s = tmp;
    }
    int rc = pcre2_match(x->re->code, (PCRE2_SPTR)s, len, 0, 0, x->re->md,
                         e->mctx);
    if (rc >= 0)
        return 1;
    if (rc != PCRE2_ERROR_NOMATCH) {
        *err = EV_RANGE;
        if (!x->re->warned) {
            PCRE2_UCHAR msg[128];
            pcre2_get_error_message(rc, msg, sizeof msg);
            x->re->warned = 1;
            eng_diagf(e, ENG_WARNING, x->re->path, x->re->line, x->re->col, 1, NULL,
                      "regular expression %s gave up (%s); the test counts as false",
                      x->re->src, (char *)msg);
        }
    }
    return 0;
}

static int ev(eng_engine *e, const expr *x, eng_fact *const *facts,
              const eng_fact *cand, eng_value *out, int *err)
{
    eng_value a, b;
    switch (x->op) {
    case X_CONST:
        *out = x->k;
        return 0;
    case X_REF:
        *out = ref_value(x, facts, cand);
        return 0;
    case X_NEG:
        if (ev(e, x->a, facts, cand, &a, err))
            return -1;
        if (!eng_is_num(a)) {
            *err = EV_TYPE;
            return -1;
        }
        if (a.type == ENG_INT && a.u.i != INT64_MIN)
            *out = eng_num_int(-a.u.i);
        else
            *out = eng_num_real(-eng_num_d(a));
        return 0;
    case X_ADD: case X_SUB: case X_MUL: case X_DIV:
        if (ev(e, x->a, facts, cand, &a, err) || ev(e, x->b, facts, cand, &b, err))
            return -1;
        if ((*err = arith(x->op, a, b, out)) != 0)
            return -1;
        return 0;
    default: {
        int r = ev_bool(e, x, facts, cand, err);
        if (r < 0)
            return -1;
        /* a condition used as a value: yes / no */
        return eng_intern_sym(e, r ? "yes" : "no", out) ? -1 : 0;
    }
    }
}

static int text_equal(const eng_engine *e, eng_value a, eng_value b)
{
    if (eng_val_eq(a, b))
        return 1;
    if ((a.type == ENG_SYMBOL || a.type == ENG_STRING) &&
        (b.type == ENG_SYMBOL || b.type == ENG_STRING)) {
        size_t la, lb;
        const char *sa = eng_atom(e, a.u.atom, &la);
        const char *sb = eng_atom(e, b.u.atom, &lb);
        return la == lb && !memcmp(sa, sb, la);
    }
    if (eng_is_num(a) && eng_is_num(b)) {
        int ok;
        return eng_value_cmp(e, a, b, &ok) == 0;    /* exact, not as doubles */
    }
    return 0;
}

static int ev_bool(eng_engine *e, const expr *x, eng_fact *const *facts,
                   const eng_fact *cand, int *err)
{
    eng_value a, b;
    int r, ok;
    switch (x->op) {
    case X_AND:
        r = ev_bool(e, x->a, facts, cand, err);
        if (r <= 0)
            return r;
        return ev_bool(e, x->b, facts, cand, err);
    case X_OR:
        r = ev_bool(e, x->a, facts, cand, err);
        if (r != 0)
            return r;
        return ev_bool(e, x->b, facts, cand, err);
    case X_NOT:
        r = ev_bool(e, x->a, facts, cand, err);
        return r < 0 ? r : !r;
    case X_EQ: case X_NE:
        if (ev(e, x->a, facts, cand, &a, err) || ev(e, x->b, facts, cand, &b, err))
            return -1;
        r = text_equal(e, a, b);
        return x->op == X_EQ ? r : !r;
    case X_LT: case X_LE: case X_GT: case X_GE:
        if (ev(e, x->a, facts, cand, &a, err) || ev(e, x->b, facts, cand, &b, err))
            return -1;
        r = eng_value_cmp(e, a, b, &ok);
        if (!ok)
            return 0;
        switch (x->op) {
        case X_LT: return r < 0;
        case X_LE: return r <= 0;
        case X_GT: return r > 0;
        default: return r >= 0;
        }
    case X_IN:
        if (ev(e, x->a, facts, cand, &a, err))
            return -1;
        for (size_t i = 0; i < x->nset; i++) {
            if (ev(e, x->set[i], facts, cand, &b, err))
                return -1;
            if (text_equal(e, a, b))
                return 1;
        }
        return 0;
    case X_MATCH:
        if (ev(e, x->a, facts, cand, &a, err))
            return -1;
        r = regex_match(e, x, a, err);
        return *err ? -1 : r;
    default:
        *err = EV_TYPE;
        return -1;
    }
}

/* A constant or a variable: its value without the general evaluator. */
static inline int leaf(const expr *x, eng_fact *const *facts,
                       const eng_fact *cand, eng_value *out)
{
    if (x->op == X_CONST) {
        *out = x->k;
        return 1;
    }
    if (x->op == X_REF) {
        *out = ref_value(x, facts, cand);
        return 1;
    }
    return 0;
}

int eng_test_expr(eng_engine *e, const expr *x, eng_fact *const *facts,
                  const eng_fact *cand)
{
    /* the common shape, `?a OP ?b` or `?a OP 3`, on values of one type,
     * is decided here: tests run once per partial match */
    eng_value a, b;
    if (x->op >= X_EQ && x->op <= X_GE && leaf(x->a, facts, cand, &a) &&
        leaf(x->b, facts, cand, &b)) {
        int r = eng_cmp_fast(x->op, a, b);
        if (r >= 0)
            return r;
    }
    int err = 0;
    int r = ev_bool(e, x, facts, cand, &err);
    return r > 0;
}

int eng_eval(eng_engine *e, const expr *x, eng_fact *const *facts,
             const eng_fact *cand, eng_value *out)
{
    int err = 0;
    if (ev(e, x, facts, cand, out, &err) == 0)
        return 0;
    return err ? err : EV_TYPE;
}

int eng_amem_match(eng_engine *e, const amem *am, const eng_fact *f)
{
    for (size_t i = am->ctskip; i < am->nct; i++)
        if (!eng_val_eq(f->v[am->ct[i].pos], am->ct[i].k))
            return 0;
    for (size_t i = 0; i < am->neq; i++)
        if (!eng_val_eq(f->v[am->eq[i].pos], f->v[am->eq[i].pos0]))
            return 0;
    if (am->st) {
        /* the test kept in the memory: decided here when both values are
         * of one type and no text order is needed, else as an expression */
        int ok = eng_cmp_fast(am->st_op, f->v[am->st_pos], am->st_k);
        if (ok < 0)
            ok = eng_test_expr(e, am->xt[0], NULL, f);
        if (!ok)
            return 0;
    }
    for (size_t i = am->st; i < am->nxt; i++)
        if (!eng_test_expr(e, am->xt[i], NULL, f))
            return 0;
    return 1;
}
