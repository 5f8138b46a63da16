/*
 * compile.c -- turns parsed rules (and questions' ask_if lines) into the
 * match network that rete.c runs.
 *
 * For each pattern: an alpha memory holding the facts of its relation and
 * arity that pass its constant tests, its repeated-variable tests and the
 * tests that use only its own variables; then a join (or not / exists)
 * node that combines tokens from the previous node with those facts,
 * hashed on the variables the two sides share.  Tests that span patterns
 * are attached to the node of the last pattern they need, as early as they
 * can run.  Alpha memories and nodes are shared between rules whose
 * leading patterns agree (found by a canonical signature), so a thousand
 * rules that start with the same answer test cost one node.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "eng_int.h"

#if UINTPTR_MAX == 0xffffffffffffffffu
/* the layouts that matching relies on (64-bit targets) */
_Static_assert(offsetof(node, am) == 64, "a node's hot fields fill its first cache line");
_Static_assert(sizeof(node) <= 128, "a node takes two cache lines");
_Static_assert(sizeof(eng_rule) <= 128, "a rule takes two cache lines");
_Static_assert(sizeof(cond) <= 56, "a kept condition is small: there are 30,000 in a big KB");
_Static_assert(offsetof(amem, b) == 64, "an alpha memory's tests fill its first cache line");
_Static_assert(offsetof(amem, snap_b) == 128, "an alpha memory's store fills its second line");
#endif

typedef struct var {
    const char *name;
    uint16_t slot, pos;     /* where its value is: token slot, fact field */
    uint8_t isfact;         /* bound with ?f <- */
    uint8_t local;          /* inside the current not/exists pattern */
} var;

typedef struct scope {
    var v[256];
    size_t n;
} scope;

typedef struct plan {       /* one pattern CE, before nodes are built */
    pce *ce;
    int type;               /* N_JOIN, N_NEG, N_EXISTS */
    uint16_t slot;          /* token slot of its fact (JOIN) */
    /* each term of the pattern adds to one of these at most: they have
     * room for its terms (scratch arena, see plan_pattern_in) */
    ctest *ct; size_t nct;
    eqtest *eq; size_t neq;
    uint16_t *keypos;
    keyref *keys; size_t nkey;
    pvec alpha;             /* expr* with CAND refs only */
    pvec beta;              /* expr* */
} plan;

typedef struct cctx {
    eng_engine *e;
    const char *path;
    const char *what;       /* "rule" or "question" for messages */
    scope sc;
    int errors;
    struct {                /* variables a not/exists pattern bound: they */
        const char *name;   /*   stay inside it, and an error using one */
        int line, kind;     /*   later says so */
    } gone[16];
    size_t ngone;
    int scratch;            /* resolve expressions into the scratch arena
                               (the tests of a pattern: see expr_copy) */
} cctx;

/* Starts C for one rule or question.  The scope's variables and the list
 * of those gone are written before they are read (sc.n and ngone count
 * them): left as they are, rather than 4 KB cleared twice a rule. */
static void cctx_init(cctx *c, eng_engine *e, const char *path, const char *what)
{
    c->e = e;
    c->path = path;
    c->what = what;
    c->sc.n = 0;
    c->errors = 0;
    c->ngone = 0;
    c->scratch = 0;
}

static var *lookup(scope *sc, const char *name)
{
    for (size_t i = sc->n; i-- > 0;)
        if (!strcmp(sc->v[i].name, name))
            return &sc->v[i];
    return NULL;
}

static void cerr(cctx *c, int line, int col, int span, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void cerr(cctx *c, int line, int col, int span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(c->e, ENG_ERROR, c->path, line, col, span, NULL, fmt, ap);
    va_end(ap);
    c->errors++;
}

static void unbound(cctx *c, const char *name, int line, int col, int span)
{
    const char *cands[256];
    size_t n = 0;
    for (size_t i = 0; i < c->sc.n; i++)
        if (!c->sc.v[i].local)
            cands[n++] = c->sc.v[i].name;
    const char *dash = strchr(name, '-');
    if (dash) {
        char head[128];
        size_t hl = (size_t)(dash - name);
        if (hl < sizeof head) {
            memcpy(head, name, hl);
            head[hl] = '\0';
            var *v = lookup(&c->sc, head);
            if (v && !v->local) {
                cerr(c, line, col, span,
                     "variable ?%s is not bound; to subtract, write '?%s - %s' with spaces",
                     name, head, dash + 1);
                return;
            }
        }
    }
    for (size_t i = 0; i < c->ngone; i++)
        if (!strcmp(c->gone[i].name, name)) {
            cerr(c, line, col, span,
                 "variable ?%s is bound only inside the '%s' pattern on line %d; "
                 "bind it in a positive pattern to use it here",
                 name, c->gone[i].kind == CE_NOT ? "not" : "exists", c->gone[i].line);
            return;
        }
    const char *dym = eng_did_you_mean(name, cands, n);
    if (dym)
        cerr(c, line, col, span,
             "variable ?%s is used before any pattern binds it (did you mean ?%s?)",
             name, dym);
    else
        cerr(c, line, col, span,
             "variable ?%s is used before any pattern binds it (bind it in a positive pattern first)",
             name);
}

/* Resolves a parsed expression against the scope.  CUR is the slot of the
 * pattern being matched (its refs become SLOT_CAND); *MAXSLOT receives the
 * highest outer slot used (or -1). */
static expr *resolve(cctx *c, const pexpr *px, int cur, int *maxslot,
                     int *usescand)
{
    if (!px)
        return NULL;
    expr *x = c->scratch ? eng_scratch_alloc(c->e, sizeof *x) : eng_arena(c->e, sizeof *x);
    if (!x)
        return NULL;
    x->op = px->op;
    x->isbool = px->isbool;
    x->line = px->line;
    x->col = px->col;
    x->k = px->k;
    x->re = px->re;
    if (px->op == X_REF) {
        var *v = lookup(&c->sc, px->var);
        if (!v) {
            unbound(c, px->var, px->line, px->col, px->span);
            return NULL;
        }
        if (v->isfact) {
            cerr(c, px->line, px->col, px->span,
                 "?%s is bound to a whole fact with '<-'; it can only be retracted, not used as a value",
                 px->var);
            return NULL;
        }
        if (v->local || (int)v->slot == cur) {
            x->slot = SLOT_CAND;
            *usescand = 1;
        } else {
            x->slot = v->slot;
            if ((int)v->slot > *maxslot)
                *maxslot = v->slot;
        }
        x->pos = v->pos;
        return x;
    }
    if (px->a && !(x->a = resolve(c, px->a, cur, maxslot, usescand)))
        return NULL;
    if (px->b && !(x->b = resolve(c, px->b, cur, maxslot, usescand)))
        return NULL;
    if (px->nset) {
        x->set = c->scratch ? eng_scratch_alloc(c->e, px->nset * sizeof *x->set)
                            : eng_arena(c->e, px->nset * sizeof *x->set);
        if (!x->set)
            return NULL;
        for (size_t i = 0; i < px->nset; i++)
            if (!(x->set[i] = resolve(c, px->set[i], cur, maxslot, usescand)))
                return NULL;
        x->nset = px->nset;
    }
    return x;
}

/* Rewrites refs to slot S as refs to the candidate fact (for a test that
 * only reads one pattern and so can run in its alpha memory). */
static void to_cand(expr *x, int s)
{
    if (!x)
        return;
    if (x->op == X_REF && x->slot == s)
        x->slot = SLOT_CAND;
    to_cand(x->a, s);
    to_cand(x->b, s);
    for (size_t i = 0; i < x->nset; i++)
        to_cand(x->set[i], s);
}

/* ------------------------------------------------------------ signatures */

/* Signatures are byte strings, not text: a tag byte, then the raw bytes
 * of a number or a value (type and payload, as eng_value_key gives them).
 * Two memories or nodes with the same signature test the same things. */
static void sig_u32(eng_engine *e, ebuf *b, char tag, uint32_t x)
{
    char k[5];
    k[0] = tag;
    memcpy(k + 1, &x, 4);
    ebuf_add_small(e, b, k, 5);
}

static void sig_value(eng_engine *e, ebuf *b, eng_value v)
{
    char k[9];
    eng_value_key(v, k);
    ebuf_add_small(e, b, k, 9);
}

/* A signature is built in the engine's one signature buffer, which keeps
 * its capacity from one pattern to the next (compiling 10,000 rules made
 * and freed some 100,000 buffers otherwise). */
static ebuf sig_begin(eng_engine *e)
{
    ebuf b = e->sig;
    b.len = 0;
    b.oom = 0;
    memset(&e->sig, 0, sizeof e->sig);
    return b;
}

static void sig_end(eng_engine *e, ebuf *b)
{
    e->sig = *b;
    e->sig.len = 0;
    e->sig.oom = 0;
}

void eng_expr_canon(eng_engine *e, ebuf *b, const expr *x)
{
    sig_u32(e, b, '(', x->op);
    if (x->op == X_CONST)
        sig_value(e, b, x->k);
    else if (x->op == X_REF)
        sig_u32(e, b, '$', (uint32_t)x->slot << 16 | x->pos);
    if (x->a)
        eng_expr_canon(e, b, x->a);
    if (x->b)
        eng_expr_canon(e, b, x->b);
    sig_u32(e, b, '{', (uint32_t)x->nset);
    for (size_t i = 0; i < x->nset; i++)
        eng_expr_canon(e, b, x->set[i]);
    if (x->re)
        ebuf_add(e, b, x->re->src, strlen(x->re->src) + 1);
    ebuf_add_small(e, b, ")", 1);
}

/* ------------------------------------------------------------ alpha */

static reldisp *disp_get(eng_engine *e, eng_value rel, uint16_t arity)
{
    uint32_t h = eng_hash_mix(eng_hash_value(rel), arity);
    if (!e->ndisp) {
        e->disp = eng_calloc(e, 1024 * sizeof *e->disp);
        if (!e->disp)
            return NULL;
        e->ndisp = 1024;
    }
    reldisp **slot = &e->disp[h & (e->ndisp - 1)];
    for (reldisp *d = *slot; d; d = d->next)
        if (d->arity == arity && eng_value_equal(d->rel, rel))
            return d;
    reldisp *d = eng_arena(e, sizeof *d);
    if (!d)
        return NULL;
    d->rel = rel;
    d->arity = arity;
    d->next = *slot;
    *slot = d;
    return d;
}

/* Appends AM to a dispatch list whose last amem is *TAIL: lists keep the
 * order amems were made in (it decides activation order), and some hold
 * hundreds (every threshold tested on one question). */
static void append_amem(amem **head, amem **tail, amem *am)
{
    if (*tail)
        (*tail)->dnext = am;
    else
        *head = am;
    *tail = am;
}

/* Adds V -> HEAD to D's dispatch table (V not in it yet). */
static int disp_add(eng_engine *e, reldisp *d, eng_value v, amem *head)
{
    if ((d->nbyval + 1) * 4 > d->nb * 3) {
        size_t nb = d->nb ? d->nb * 2 : 8;
        vslot *b = eng_calloc(e, nb * sizeof *b);
        if (!b)
            return -1;
        for (size_t i = 0; i < d->nb; i++) {
            if (!d->byval[i].type)
                continue;
            size_t j = d->byval[i].hash & (nb - 1);
            while (b[j].type)
                j = (j + 1) & (nb - 1);
            b[j] = d->byval[i];
        }
        eng_release(e, d->byval);
        d->byval = b;
        d->nb = nb;
    }
    uint32_t h = eng_hash_value(v);
    size_t j = h & (d->nb - 1);
    while (d->byval[j].type)
        j = (j + 1) & (d->nb - 1);
    d->byval[j].hash = h;
    d->byval[j].type = v.type;
    d->byval[j].x = eng_value_bits(v);
    d->byval[j].head = head;
    d->nbyval++;
    return 0;
}

static int amem_register(eng_engine *e, amem *am)
{
    reldisp *d = disp_get(e, am->rel, am->arity);
    if (!d)
        return -1;
    for (size_t i = 0; i < am->nct; i++)
        if (am->ct[i].pos == 1) {
            /* facts reach AM by this constant: its test goes first and
             * is skipped */
            ctest t = am->ct[i];
            am->ct[i] = am->ct[0];
            am->ct[0] = t;
            am->ctskip = 1;
            amem *head = eng_disp_find(d, t.k);
            if (!head) {
                am->dtail = am;
                return disp_add(e, d, t.k, am);
            }
            append_amem(&head, &head->dtail, am);
            return 0;
        }
    append_amem(&d->rest, &d->rest_tail, am);
    return 0;
}

/* Tests are resolved in the scratch arena: only a memory or node that is
 * made keeps a copy of them, in the arena (a shared one has its own). */
static expr *expr_copy(eng_engine *e, const expr *x)
{
    if (!x)
        return NULL;
    expr *y = eng_arena(e, sizeof *y);
    if (!y)
        return NULL;
    *y = *x;
    if ((x->a && !(y->a = expr_copy(e, x->a))) || (x->b && !(y->b = expr_copy(e, x->b))))
        return NULL;
    if (x->nset) {
        if (!(y->set = eng_arena(e, x->nset * sizeof *y->set)))
            return NULL;
        for (size_t i = 0; i < x->nset; i++)
            if (!(y->set[i] = expr_copy(e, x->set[i])))
                return NULL;
    }
    return y;
}

/* Do X and Y test the same thing (their signatures agree)? */
static int expr_same(const expr *x, const expr *y)
{
    if (!x || !y)
        return x == y;
    if (x->op != y->op || x->slot != y->slot || x->pos != y->pos || x->nset != y->nset ||
        (x->op == X_CONST && (x->k.type != y->k.type || !eng_value_equal(x->k, y->k))) ||
        !x->re != !y->re || (x->re && strcmp(x->re->src, y->re->src)) ||
        !expr_same(x->a, y->a) || !expr_same(x->b, y->b))
        return 0;
    for (size_t i = 0; i < x->nset; i++)
        if (!expr_same(x->set[i], y->set[i]))
            return 0;
    return 1;
}

/* Copies a test `field OP constant` (or `constant OP field`) among AM's
 * into AM itself, as its first: a fact offered to the memory is then
 * decided from the memory's first cache line, without walking the test's
 * expression (a question's answer is offered to every memory that tests
 * a threshold on it). */
static void simple_test(amem *am)
{
    static const uint8_t flip[] = {[X_EQ] = X_EQ, [X_NE] = X_NE, [X_LT] = X_GT,
                                   [X_LE] = X_GE, [X_GT] = X_LT, [X_GE] = X_LE};
    for (size_t i = 0; i < am->nxt; i++) {
        const expr *x = am->xt[i];
        if (x->op < X_EQ || x->op > X_GE)
            continue;
        const expr *f = x->a, *k = x->b;
        int swap = 0;
        if (f->op == X_CONST && k->op == X_REF) {
            f = x->b;
            k = x->a;
            swap = 1;
        }
        if (f->op != X_REF || f->slot != SLOT_CAND || k->op != X_CONST)
            continue;
        am->xt[i] = am->xt[0];
        am->xt[0] = (expr *)x;
        am->st = 1;
        am->st_op = swap ? flip[x->op] : x->op;
        am->st_pos = (uint8_t)f->pos;
        am->st_k = k->k;
        return;
    }
}

static amem *amem_get(eng_engine *e, plan *pl, int arity)
{
    ebuf b = sig_begin(e);
    sig_u32(e, &b, 'r', pl->ce->rel.u.atom);
    sig_u32(e, &b, 'a', (uint32_t)arity);
    for (size_t i = 0; i < pl->nct; i++) {
        sig_u32(e, &b, 'c', pl->ct[i].pos);
        sig_value(e, &b, pl->ct[i].k);
    }
    for (size_t i = 0; i < pl->neq; i++)
        sig_u32(e, &b, 'e', (uint32_t)pl->eq[i].pos << 16 | pl->eq[i].pos0);
    for (size_t i = 0; i < pl->alpha.n; i++)
        eng_expr_canon(e, &b, pl->alpha.v[i]);
    for (size_t i = 0; i < pl->nkey; i++)
        sig_u32(e, &b, 'k', pl->keypos[i]);
    if (b.oom) {
        sig_end(e, &b);
        return NULL;
    }
    amem *am = smap_get(&e->amems, b.p, b.len);
    if (am) {
        sig_end(e, &b);
        return am;
    }
    am = eng_arena_line(e, sizeof *am);
    if (!am)
        goto fail;
    am->id = ++e->namems;
    am->rel = pl->ce->rel;
    am->arity = (uint16_t)arity;
    am->ct = eng_arena(e, (pl->nct + 1) * sizeof *am->ct);
    am->eq = eng_arena(e, (pl->neq + 1) * sizeof *am->eq);
    am->xt = eng_arena(e, (pl->alpha.n + 1) * sizeof *am->xt);
    am->keypos = eng_arena(e, (pl->nkey + 1) * sizeof *am->keypos);
    if (!am->ct || !am->eq || !am->xt || !am->keypos)
        goto fail;
    memcpy(am->ct, pl->ct, pl->nct * sizeof *am->ct);
    am->nct = (uint16_t)pl->nct;
    memcpy(am->eq, pl->eq, pl->neq * sizeof *am->eq);
    am->neq = (uint16_t)pl->neq;
    for (size_t i = 0; i < pl->alpha.n; i++)
        if (!(am->xt[i] = expr_copy(e, pl->alpha.v[i])))
            goto fail;
    am->nxt = (uint32_t)pl->alpha.n;
    simple_test(am);
    memcpy(am->keypos, pl->keypos, pl->nkey * sizeof *am->keypos);
    am->nkey = pl->nkey;
    if (smap_put(e, &e->amems, b.p, b.len, am) || pvec_push(e, &e->allamems, am) ||
        amem_register(e, am))
        goto fail;
    sig_end(e, &b);
    return am;
fail:
    sig_end(e, &b);
    return NULL;
}

/* ------------------------------------------------------------ nodes */

static node *node_new(eng_engine *e, int type, node *parent)
{
    node *n = eng_arena_line(e, sizeof *n);
    if (!n)
        return NULL;
    n->type = (uint8_t)type;
    if (parent) {
        n->sib = parent->kid;       /* kids are listed newest first */
        parent->kid = n;
    }
    if (pvec_push(e, &e->allnodes, n))
        return NULL;
    e->nnodes++;
    return n;
}

static node *node_get(eng_engine *e, node *parent, plan *pl, amem *am,
                      uint16_t depth)
{
    ebuf b = sig_begin(e);
    ebuf_add_small(e, &b, (const char *)&parent, sizeof parent);
    sig_u32(e, &b, 'y', (uint32_t)pl->type);
    sig_u32(e, &b, 'm', am->id);
    for (size_t i = 0; i < pl->nkey; i++)
        sig_u32(e, &b, 'k', (uint32_t)pl->keys[i].slot << 16 | pl->keys[i].pos);
    for (size_t i = 0; i < pl->beta.n; i++)
        eng_expr_canon(e, &b, pl->beta.v[i]);
    if (b.oom) {
        sig_end(e, &b);
        return NULL;
    }
    node *n = smap_get(&e->nodes, b.p, b.len);
    if (n) {
        sig_end(e, &b);
        return n;
    }
    n = node_new(e, pl->type, parent);
    if (!n)
        goto fail;
    n->am = am;
    n->depth = depth;
    n->keys = eng_arena(e, (pl->nkey + 1) * sizeof *n->keys);
    n->tests = eng_arena(e, (pl->beta.n + 1) * sizeof *n->tests);
    if (!n->keys || !n->tests)
        goto fail;
    memcpy(n->keys, pl->keys, pl->nkey * sizeof *n->keys);
    n->nkey = pl->nkey;
    for (size_t i = 0; i < pl->beta.n; i++)
        if (!(n->tests[i] = expr_copy(e, pl->beta.v[i])))
            goto fail;
    n->ntests = (uint32_t)pl->beta.n;
    if (n->ntests) {
        const expr *t = n->tests[0];
        if (t->op >= X_EQ && t->op <= X_GE && t->a->op == X_REF &&
            t->b->op == X_REF && t->a->pos < ENG_MAX_ARITY &&
            t->b->pos < ENG_MAX_ARITY) {
            n->ft_op = t->op;
            n->ft_as = t->a->slot;
            n->ft_apos = (uint8_t)t->a->pos;
            n->ft_bs = t->b->slot;
            n->ft_bpos = (uint8_t)t->b->pos;
        }
    }
    /* newest successor first: a node is always made after its ancestors,
     * so descendants are right-activated before ancestors and a fact that
     * feeds two patterns of one rule is paired with itself exactly once */
    n->rnext = am->succ;
    am->succ = n;
    if (smap_put(e, &e->nodes, b.p, b.len, n))
        goto fail;
    sig_end(e, &b);
    return n;
fail:
    sig_end(e, &b);
    return NULL;
}

/* ------------------------------------------------------------ rules */

/* Analyses one pattern CE into PL, binding its new variables; a not or
 * exists pattern leaves its own variables to plan_pattern to drop. */
static int plan_pattern_in(cctx *c, pce *ce, plan *pl, uint16_t slot)
{
    eng_engine *e = c->e;
    int neg = ce->kind != CE_PATTERN;
    pl->ce = ce;
    pl->type = ce->kind == CE_PATTERN ? N_JOIN
             : ce->kind == CE_NOT ? N_NEG : N_EXISTS;
    pl->slot = slot;
    /* room for the pattern's terms, not for the largest arity: a rule's
     * plans then take a few hundred bytes, not 9 KB each, and touch no
     * new page of memory */
    size_t room = ce->nterms ? ce->nterms : 1;
    char *p = eng_scratch_raw(e, room * (sizeof *pl->ct + sizeof *pl->eq + sizeof *pl->keys +
                                         sizeof *pl->keypos));
    if (!p)
        return -1;
    pl->ct = (ctest *)(void *)p;
    pl->eq = (eqtest *)(void *)(p += room * sizeof *pl->ct);
    pl->keys = (keyref *)(void *)(p += room * sizeof *pl->eq);
    pl->keypos = (uint16_t *)(void *)(p + room * sizeof *pl->keys);
    if (ce->factvar) {
        var *v = lookup(&c->sc, ce->factvar);
        if (v) {
            cerr(c, ce->fline, ce->fcol, (int)strlen(ce->factvar) + 1,
                 "?%s is already bound; a fact variable must be new", ce->factvar);
            return -1;
        }
    }
    for (size_t i = 0; i < ce->nterms; i++) {
        pterm *t = &ce->terms[i];
        uint16_t pos = (uint16_t)(i + 1);
        if (t->kind == TERM_CONST) {
            pl->ct[pl->nct].pos = pos;
            pl->ct[pl->nct++].k = t->k;
        } else if (t->kind == TERM_VAR) {
            var *v = lookup(&c->sc, t->var);
            if (ce->factvar && !strcmp(t->var, ce->factvar)) {
                cerr(c, t->line, t->col, t->span,
                     "?%s is bound to this whole fact with '<-'; it cannot also be one of its values (expected another variable name)",
                     t->var);
                continue;   /* ?f stays bound to the fact: no second error */
            }
            if (v && v->isfact) {
                cerr(c, t->line, t->col, t->span,
                     "?%s is bound to a whole fact with '<-'; it cannot be matched as a value",
                     t->var);
                return -1;
            }
            if (v && (v->local || (!neg && v->slot == slot))) {
                /* seen earlier in this same pattern */
                pl->eq[pl->neq].pos = pos;
                pl->eq[pl->neq++].pos0 = v->pos;
            } else if (v) {
                pl->keypos[pl->nkey] = pos;
                pl->keys[pl->nkey].slot = v->slot;
                pl->keys[pl->nkey++].pos = v->pos;
            } else {
                if (c->sc.n >= 256) {
                    cerr(c, t->line, t->col, t->span, "too many variables in one %s (expected at most 256: split it into rules that pass on intermediate facts)",
                         c->what);
                    return -1;
                }
                var *nv = &c->sc.v[c->sc.n++];
                nv->name = t->var;
                nv->slot = slot;
                nv->pos = pos;
                nv->isfact = 0;
                nv->local = (uint8_t)neg;
            }
        }
    }
    for (size_t i = 0; i < ce->ncons; i++) {
        int maxslot = -1, usescand = 0;
        expr *x = resolve(c, ce->cons[i], neg ? -2 : slot, &maxslot, &usescand);
        if (!x)
            return -1;
        if (maxslot < 0) {
            if (pvec_push_scratch(e, &pl->alpha, x))
                return -1;
        } else if (pvec_push_scratch(e, &pl->beta, x)) {
            return -1;
        }
    }
    if (!neg && ce->factvar) {
        var *nv = &c->sc.v[c->sc.n++];
        nv->name = ce->factvar;
        nv->slot = slot;
        nv->pos = 0;
        nv->isfact = 1;
        nv->local = 0;
    }
    return 0;
}

/* Analyses one pattern CE into PL.  The variables a not or exists pattern
 * binds stay inside it, also when it has an error: a later test must not
 * find them (it would read a fact that no token holds). */
static int plan_pattern(cctx *c, pce *ce, plan *pl, uint16_t slot)
{
    size_t outer = c->sc.n;
    int rc = plan_pattern_in(c, ce, pl, slot);
    if (ce->kind == CE_PATTERN)
        return rc;
    for (size_t i = outer; i < c->sc.n && c->ngone < sizeof c->gone / sizeof c->gone[0]; i++) {
        c->gone[c->ngone].name = c->sc.v[i].name;
        c->gone[c->ngone].line = ce->line;
        c->gone[c->ngone++].kind = ce->kind;
    }
    c->sc.n = outer;
    return rc;
}

/* Builds the network for CES under a terminal of TYPE; returns it. */
static node *build(cctx *c, pce **ces, size_t nces, int type, uint16_t *npos,
                   int *never, int check_only, cond *conds)
{
    eng_engine *e = c->e;
    size_t npat = 0;
    for (size_t i = 0; i < nces; i++)
        if (ces[i]->kind != CE_TEST)
            npat++;
    /* a plan's arrays are made for its pattern (plan_pattern_in) */
    plan *pl = eng_scratch_raw(e, (npat + 1) * sizeof *pl);
    for (size_t i = 0; pl && i <= npat; i++) {
        pl[i].ce = NULL;
        pl[i].type = 0;
        pl[i].slot = 0;
        pl[i].ct = NULL;
        pl[i].eq = NULL;
        pl[i].keypos = NULL;
        pl[i].keys = NULL;
        pl[i].nct = pl[i].neq = pl[i].nkey = 0;
        memset(&pl[i].alpha, 0, sizeof pl[i].alpha);
        memset(&pl[i].beta, 0, sizeof pl[i].beta);
    }
    int *slotplan = eng_scratch_alloc(e, (npat + 1) * sizeof *slotplan);
    /* each test as resolved (in the scratch arena, see expr_copy) */
    expr **tx = eng_scratch_alloc(e, (nces + 1) * sizeof *tx);
    node *term = NULL;
    int was_scratch = c->scratch;
    c->scratch = 1;
    if (!pl || !slotplan || !tx)
        goto done;
    size_t k = 0;
    uint16_t slot = 0;
    for (size_t i = 0; i < nces; i++) {
        pce *ce = ces[i];
        if (ce->kind == CE_TEST) {
            int maxslot = -1, usescand = 0;
            expr *x = resolve(c, ce->cons[0], -1, &maxslot, &usescand);
            if (!x)
                continue;
            if (maxslot < 0) {
                /* no variables: the same answer every time */
                int r = eng_test_expr(e, x, NULL, NULL);
                if (!r) {
                    eng_diagf(e, ENG_WARNING, c->path, ce->line, ce->col, 1,
                              NULL, "this test is always false: the %s can never %s",
                              c->what, type == N_TERM ? "fire" : "be asked");
                    *never = 1;
                }
                continue;
            }
            /* does it read a single pattern?  then it filters that
             * pattern's alpha memory; else it joins at its last slot */
            int single = 1;
            {
                int lo = maxslot;
                expr *stack[ENG_MAX_DEPTH * 4];
                size_t sp = 0;
                stack[sp++] = x;
                while (sp) {
                    expr *y = stack[--sp];
                    if (y->op == X_REF && y->slot != maxslot)
                        single = 0;
                    (void)lo;
                    if (y->a && sp < sizeof stack / sizeof *stack) stack[sp++] = y->a;
                    if (y->b && sp < sizeof stack / sizeof *stack) stack[sp++] = y->b;
                    for (size_t j = 0; j < y->nset && sp < sizeof stack / sizeof *stack; j++)
                        stack[sp++] = y->set[j];
                }
            }
            plan *target = &pl[slotplan[maxslot]];
            tx[i] = x;
            conds[i].x = NULL;
            conds[i].alpha = (uint8_t)single;
            conds[i].onpat = -1;
            for (size_t j = 0; j < nces; j++)
                if (ces[j] == target->ce)
                    conds[i].onpat = (int)j;
            if (single) {
                to_cand(x, maxslot);
                if (pvec_push_scratch(e, &target->alpha, x))
                    goto done;
            } else {
                to_cand(x, maxslot);
                if (pvec_push_scratch(e, &target->beta, x))
                    goto done;
            }
            continue;
        }
        if (plan_pattern(c, ce, &pl[k], slot))
            goto next;
        if (ce->kind == CE_PATTERN) {
            slotplan[slot] = (int)k;
            slot++;
        }
    next:
        k++;
    }
    *npos = slot;
    /* (out of memory, a plan may lack its arrays) */
    if (c->errors || check_only || e->oom)
        goto done;
    node *parent = e->top;
    uint16_t depth = 0;
    for (size_t i = 0; i < k; i++) {
        amem *am = amem_get(e, &pl[i], (int)pl[i].ce->nterms + 1);
        if (!am)
            goto done;
        node *n = node_get(e, parent, &pl[i], am, depth);
        if (!n)
            goto done;
        for (size_t j = 0; j < nces; j++)
            if (ces[j] == pl[i].ce) {
                conds[j].am = am;
                conds[j].node = n;
            }
        if (pl[i].type == N_JOIN)
            depth++;
        parent = n;
    }
    /* a test's condition points at the copy its memory or node keeps */
    for (size_t i = 0; i < nces; i++) {
        if (!tx[i] || conds[i].onpat < 0)
            continue;
        const cond *at = &conds[conds[i].onpat];
        expr *const *v = conds[i].alpha ? at->am->xt : at->node->tests;
        size_t nv = conds[i].alpha ? at->am->nxt : at->node->ntests;
        for (size_t j = 0; j < nv && !conds[i].x; j++)
            if (expr_same(v[j], tx[i]))
                conds[i].x = v[j];
    }
    if (*never)
        goto done;
    term = node_new(e, type, parent);
    if (term)
        term->depth = depth;
done:
    c->scratch = was_scratch;
    return term;    /* the plans and tests are in the scratch arena */
}

static int compile_because(cctx *c, eng_rule *r, const srcmap *bmap,
                           const char *s, size_t n)
{
    eng_engine *e = c->e;
    /* a literal before each {?var}, the {?var}, and a literal at the end */
    size_t cap = 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '{' && s[i + 1] == '?')
            cap += 2;
    btpl *parts = eng_arena(e, cap * sizeof *parts);
    if (!parts)
        return -1;
    size_t np = 0, lit = 0;
    r->has_because = 1;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !(s[i] == '{' && i + 1 < n && s[i + 1] == '?'))
            continue;
        if (i > lit)
            parts[np++] = (btpl){s + lit, i - lit, 0, 0, {0}, 0, 0, 0, 0, 0};
        if (i == n)
            break;
        size_t j = i + 2;
        while (j < n && s[j] != '}')
            j++;
        int line, col;
        eng_srcmap_pos(bmap, i, &line, &col, NULL);
        if (j >= n) {
            cerr(c, line, col, 2, "'{?' without a closing '}' in 'because'");
            return -1;
        }
        /* {?var}, {?var|REL} or {?var|,} */
        size_t bar = i + 2;
        while (bar < j && s[bar] != '|')
            bar++;
        char name[128];
        size_t nl = bar - i - 2;
        if (nl == 0 || nl >= sizeof name) {
            cerr(c, line, col, (int)(j - i + 1), "expected a variable name inside '{?...}'");
            return -1;
        }
        size_t good = eng_symbol_len(s + i + 2, nl);
        if (good < nl) {
            if (good)
                cerr(c, line, col + 2 + (int)good, 1,
                     "expected '}' or '|REL' after '{?%.*s', found '%c'",
                     (int)good, s + i + 2, s[i + 2 + good]);
            else
                cerr(c, line, col + 2, 1,
                     "expected a variable name (a letter or '_' first) after '{?', found '%c'",
                     s[i + 2]);
            return -1;
        }
        memcpy(name, s + i + 2, nl);
        name[nl] = '\0';
        var *v = lookup(&c->sc, name);
        if (!v || v->local) {
            unbound(c, name, line, col + 1, (int)nl + 1);
            return -1;
        }
        if (v->isfact) {
            cerr(c, line, col, (int)nl + 3,
                 "?%s is a whole fact; 'because' can show the values a pattern binds",
                 name);
            return -1;
        }
        btpl piece = {NULL, 0, v->slot, v->pos, {0}, 0, 0, 0, line, col};
        if (bar + 2 == j && s[bar + 1] == ',') {
            piece.grouped = 1;      /* {?var|,}: 1,200,000 */
        } else if (bar < j) {
            size_t rl = j - bar - 1;
            int rline, rcol;
            eng_srcmap_pos(bmap, bar + 1, &rline, &rcol, NULL);
            if (!rl || eng_symbol_len(s + bar + 1, rl) != rl) {
                cerr(c, rline, rcol, rl ? (int)rl : 1,
                     "expected a relation name after '|' in '{?%s|REL}', or ',' as in "
                     "'{?%s|,}'", name, name);
                return -1;
            }
            if (eng_intern(e, s + bar + 1, rl, ENG_SYMBOL, &piece.label))
                return -1;
            piece.line = rline;
            piece.col = rcol;
        }
        parts[np++] = piece;
        lit = j + 1;
        i = j;
    }
    for (size_t i = 0; i < np; i++)
        if (parts[i].text &&
            !(parts[i].text = eng_arena_str(e, parts[i].text, parts[i].len)))
            return -1;
    r->because = parts;
    r->nbecause = np;
    return 0;
}

static int compile_actions(cctx *c, eng_rule *r, pact **acts, size_t nacts)
{
    eng_engine *e = c->e;
    r->acts = eng_arena(e, (nacts ? nacts : 1) * sizeof *r->acts);
    if (!r->acts)
        return -1;
    for (size_t i = 0; i < nacts; i++) {
        pact *pa = acts[i];
        cact *ca = &r->acts[i];
        ca->kind = pa->kind;
        ca->rel = pa->rel;
        ca->line = pa->line;
        ca->col = pa->col;
        if (pa->kind == ACT_HALT)
            continue;
        ca->terms = eng_arena(e, (pa->nterms ? pa->nterms : 1) * sizeof *ca->terms);
        if (!ca->terms)
            return -1;
        ca->nterms = pa->nterms;
        for (size_t j = 0; j < pa->nterms; j++) {
            pterm *t = &pa->terms[j];
            cterm *ct = &ca->terms[j];
            if (pa->kind == ACT_RETRACT) {
                var *v = lookup(&c->sc, t->var);
                if (!v) {
                    unbound(c, t->var, t->line, t->col, t->span);
                } else if (!v->isfact) {
                    cerr(c, t->line, t->col, t->span,
                         "?%s is a value, not a fact: bind the fact to retract with '?%s <- pattern'",
                         t->var, t->var);
                } else {
                    ct->kind = TERM_VAR;
                    ct->x = NULL;
                    ct->k.type = 0;
                    ct->k.u.i = v->slot;
                }
                continue;
            }
            if (t->kind == TERM_CONST) {
                ct->kind = TERM_CONST;
                ct->k = t->k;
                continue;
            }
            pexpr tmp, *px = t->x;
            if (t->kind == TERM_VAR) {
                memset(&tmp, 0, sizeof tmp);
                tmp.op = X_REF;
                tmp.var = t->var;
                tmp.line = t->line;
                tmp.col = t->col;
                tmp.span = t->span;
                px = &tmp;
            }
            int maxslot = -1, usescand = 0;
            ct->kind = TERM_EXPR;
            ct->x = resolve(c, px, -1, &maxslot, &usescand);
        }
    }
    r->nacts = nacts;
    return 0;
}

/* What a condition keeps of its parse tree for introspection, which
 * outlives the tree (see eng_scratch_alloc). */
static int cond_keep(eng_engine *e, cond *c, const pce *ce)
{
    c->kind = (uint8_t)ce->kind;
    c->line = ce->line;
    c->col = ce->col;
    eng_value t;
    if (eng_intern(e, ce->text, strlen(ce->text), ENG_STRING, &t))
        return ENG_ENOMEM;
    c->text = eng_atom(e, t.u.atom, NULL);
    if (ce->kind == CE_TEST)
        return ENG_OK;
    c->size = (uint16_t)(ce->nterms + 1);
    c->k = eng_arena(e, c->size * (sizeof *c->k + 1));
    if (!c->k)
        return ENG_ENOMEM;
    uint8_t *isk = COND_ISK(c);
    c->k[0] = ce->rel;
    isk[0] = 1;
    for (size_t i = 0; i < ce->nterms; i++)
        if (ce->terms[i].kind == TERM_CONST) {
            c->k[i + 1] = ce->terms[i].k;
            isk[i + 1] = 1;
        }
    return ENG_OK;
}


static int compile_rule(eng_engine *e, eng_rule *r, pce **ces, size_t nces,
                        const srcmap *bmap, const char *because, size_t blen,
                        pact **acts, size_t nacts, int check_only)
{
    cctx c;
    cctx_init(&c, e, r->path, "rule");
    int never = 0;
    r->conds = eng_arena(e, (nces ? nces : 1) * sizeof *r->conds);
    if (!r->conds)
        return ENG_ENOMEM;
    for (size_t i = 0; i < nces; i++)
        if (cond_keep(e, &r->conds[i], ces[i]))
            return ENG_ENOMEM;
    r->nconds = nces;
    /* First the analysis alone: the conditions bind the variables that
     * the actions and `because` use, and all three are checked (even when
     * the conditions had errors, so that one pass reports everything).
     * Only a rule without errors gets nodes: a half-built rule left in the
     * network would activate with nothing to fire. */
    build(&c, ces, nces, N_TERM, &r->npos, &never, 1, r->conds);
    if (!c.errors && e->oom)
        return ENG_ENOMEM;
    if (compile_actions(&c, r, acts, nacts))
        return ENG_ENOMEM;
    if (because && compile_because(&c, r, bmap, because, blen) && !c.errors)
        return ENG_ENOMEM;
    if (c.errors)
        return ENG_EINVAL;
    if (never || check_only)
        return ENG_OK;
    cctx c2;
    cctx_init(&c2, e, r->path, "rule");
    node *term = build(&c2, ces, nces, N_TERM, &r->npos, &never, 0, r->conds);
    if (!term)
        return ENG_ENOMEM;
    term->u.rule = r;
    r->term = term;
    return ENG_OK;
}

int eng_compile_rule(eng_engine *e, eng_rule *r, pce **ces, size_t nces,
                     const srcmap *bmap, const char *because, size_t blen,
                     pact **acts, size_t nacts, int check_only)
{
    return compile_rule(e, r, ces, nces, bmap, because, blen, acts, nacts, check_only);
}

int eng_compile_query(eng_engine *e, eng_question *q, pce **ces, size_t n)
{
    cctx c;
    cctx_init(&c, e, q->path, "question");
    int never = 0;
    uint16_t npos = 0;
    q->conds = eng_arena(e, (n + 1) * sizeof *q->conds);
    if (!q->conds)
        return ENG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (cond_keep(e, &q->conds[i], ces[i]))
            return ENG_ENOMEM;
    q->nconds = n;
    node *term = build(&c, ces, n, N_QUERY, &npos, &never, 0, q->conds);
    if (c.errors)
        return ENG_EINVAL;
    if (never) {
        q->never = 1;
        return ENG_OK;
    }
    if (!term)
        return ENG_ENOMEM;
    term->q = q;
    q->query = term;
    return ENG_OK;
}

/* ------------------------------------------------------------ introspection */

static int cond_info(const cond *cs, size_t n, size_t i, eng_cond_info *out)
{
    if (i >= n)
        return ENG_EINVAL;
    const cond *c = &cs[i];
    out->kind = c->kind == CE_PATTERN ? ENG_CE_PATTERN
              : c->kind == CE_NOT ? ENG_CE_NOT
              : c->kind == CE_EXISTS ? ENG_CE_EXISTS : ENG_CE_TEST;
    out->text = c->text;
    out->line = c->line;
    out->col = c->col;
    out->size = c->kind == CE_TEST ? 0 : c->size;
    out->alpha = cs[i].am ? (long)cs[i].am->count : -1;
    return ENG_OK;
}

static int cond_const(const cond *cs, size_t n, size_t i, size_t pos,
                      eng_value *out)
{
    if (i >= n || cs[i].kind == CE_TEST || pos >= cs[i].size || !COND_ISK(&cs[i])[pos])
        return 0;
    *out = cs[i].k[pos];
    return 1;
}

size_t eng_rule_cond_count(const eng_rule *r) { return r->nconds; }

int eng_rule_cond(const eng_rule *r, size_t i, eng_cond_info *out)
{
    return cond_info(r->conds, r->nconds, i, out);
}

int eng_rule_cond_const(const eng_rule *r, size_t i, size_t pos,
                        eng_value *out)
{
    return cond_const(r->conds, r->nconds, i, pos, out);
}

size_t eng_question_cond_count(const eng_question *q) { return q->nconds; }

int eng_question_cond(const eng_question *q, size_t i, eng_cond_info *out)
{
    return cond_info(q->conds, q->nconds, i, out);
}

int eng_question_cond_const(const eng_question *q, size_t i, size_t pos,
                            eng_value *out)
{
    return cond_const(q->conds, q->nconds, i, pos, out);
}

size_t eng_rule_action_count(const eng_rule *r) { return r->nacts; }

eng_act_kind eng_rule_action_kind(const eng_rule *r, size_t i)
{
    switch (r->acts[i].kind) {
    case ACT_ASSERT: return ENG_ACT_ASSERT;
    case ACT_RETRACT: return ENG_ACT_RETRACT;
    case ACT_ADD: return ENG_ACT_ADD;
    default: return ENG_ACT_HALT;
    }
}

int eng_rule_action_line(const eng_rule *r, size_t i)
{
    return i < r->nacts ? r->acts[i].line : 0;
}

int eng_rule_action_col(const eng_rule *r, size_t i)
{
    return i < r->nacts ? r->acts[i].col : 0;
}

size_t eng_rule_action_size(const eng_rule *r, size_t i)
{
    if (i >= r->nacts || (r->acts[i].kind != ACT_ASSERT && r->acts[i].kind != ACT_ADD))
        return 0;
    return r->acts[i].nterms + 1;
}

int eng_rule_action_const(const eng_rule *r, size_t i, size_t pos,
                          eng_value *out)
{
    if (i >= r->nacts || pos >= eng_rule_action_size(r, i))
        return 0;
    if (pos == 0) {
        *out = r->acts[i].rel;
        return 1;
    }
    const cterm *t = &r->acts[i].terms[pos - 1];
    if (t->kind != TERM_CONST)
        return 0;
    *out = t->k;
    return 1;
}
