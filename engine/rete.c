/*
 * rete.c -- working memory, incremental matching, the agenda and firing.
 *
 * A fact enters the alpha memories its relation, arity and field-1
 * constant dispatch it to; each memory right-activates its join nodes,
 * which look up partner tokens in their left memory by the hash of the
 * shared variables only.  Tokens form a tree (a token extends its parent
 * by one fact), so retracting a fact deletes exactly the tokens built on
 * it; `not`/`exists` nodes keep a count of matching facts per token.
 * Tokens reaching a rule's terminal are activations on the agenda: a list
 * per salience, newest first (depth) or oldest first (breadth).  A fired
 * activation stays in the terminal's memory until its facts go, which is
 * refraction.  Reset deletes the root token, and with it every token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_int.h"

#define LIST_APPEND(head, x) do {                                       \
        if (!(head)) { (head) = (x); (x)->bprev = (x); }                \
        else { (x)->bprev = (head)->bprev; (head)->bprev->bnext = (x);  \
               (head)->bprev = (x); }                                   \
        (x)->bnext = NULL;                                              \
    } while (0)
#define LIST_UNLINK(head, x) do {                                       \
        if ((x) == (head)) {                                            \
            (head) = (x)->bnext;                                        \
            if (head) (head)->bprev = (x)->bprev;                       \
        } else {                                                        \
            (x)->bprev->bnext = (x)->bnext;                             \
            if ((x)->bnext) (x)->bnext->bprev = (x)->bprev;             \
            else (head)->bprev = (x)->bprev;                            \
        }                                                               \
    } while (0)

/* ------------------------------------------------------------ tokens */

static void *wm_alloc_slow(eng_engine *e, size_t n);

/* Bump allocation in the working-memory arena.  Nothing is freed one by
 * one: tokens and alpha memory entries go back to free lists, facts and
 * outgrown bucket arrays stay until the next reset rewinds the arena. */
static inline void *wm_alloc(eng_engine *e, size_t n)
{
    n = (n + 7) & ~(size_t)7;       /* facts, tokens, pointers: 8 is enough */
    if (e->nwm) {
        wm_chunk *c = &e->wm[e->wmcur];
        if (c->cap - c->used >= n) {
            void *p = c->p + c->used;
            c->used += n;
            return p;
        }
    }
    return wm_alloc_slow(e, n);
}

/* Tokens come from the working-memory arena and go back to a free list
 * per fact count; tokens of ENG_TOKPOOL facts or more (rare: rules that
 * long) share one list searched for the right size. */
static tok *tok_alloc(eng_engine *e, size_t n)
{
    tok *t = NULL;
    if (n < ENG_TOKPOOL) {
        if ((t = e->tokpool[n]) != NULL)
            e->tokpool[n] = t->parent;
    } else {
        for (tok **p = &e->bigpool; *p; p = &(*p)->parent)
            if ((*p)->n == n) {
                t = *p;
                *p = t->parent;
                break;
            }
    }
    if (!t && !(t = wm_alloc(e, sizeof *t + n * sizeof(eng_fact *))))
        return NULL;
    memset(t, 0, sizeof *t);
    t->n = (uint16_t)n;
    return t;
}

static void tok_release(eng_engine *e, tok *t)
{
    tok **pool = t->n < ENG_TOKPOOL ? &e->tokpool[t->n] : &e->bigpool;
    t->parent = *pool;
    *pool = t;
}

static tok *tok_new(eng_engine *e, tok *parent, eng_fact *f, node *n)
{
    size_t pn = parent ? parent->n : 0;
    tok *t = tok_alloc(e, pn + (f != NULL));
    if (!t)
        return NULL;
    if (pn)
        memcpy(t->facts, parent->facts, pn * sizeof *t->facts);
    if (f) {
        t->facts[pn] = f;
        t->hasf = 1;
        t->fnext = f->toks;
        if (f->toks)
            f->toks->fprev = t;
        f->toks = t;
    }
    t->parent = parent;
    t->node = n;
    if (parent) {
        t->knext = parent->kid;
        if (parent->kid)
            parent->kid->kprev = t;
        parent->kid = t;
    }
    return t;
}

/* A memory about to change is listed once, so that a reset to the
 * snapshot puts back exactly the memories that changed. */
static inline void node_touch(eng_engine *e, node *n)
{
    if (e->snap_ok && n->gen != e->wm_gen) {
        n->gen = e->wm_gen;
        e->dirty_n[e->ndirty_n++] = n;
    }
}

static inline void amem_touch(eng_engine *e, amem *am)
{
    if (e->snap_ok && am->gen != e->wm_gen) {
        am->gen = e->wm_gen;
        e->dirty_a[e->ndirty_a++] = am;
    }
}

static void emit(eng_engine *e, const eng_event *ev)
{
    if (e->listener)
        e->listener(e->listener_ud, ev);
}

static void agenda_remove(eng_engine *e, tok *t)
{
    level *lv = t->node->u.rule->lvl;
    if (t->aprev) t->aprev->anext = t->anext; else lv->head = t->anext;
    if (t->anext) t->anext->aprev = t->aprev; else lv->tail = t->aprev;
    t->onagenda = 0;
    e->nagenda--;
}

static void mem_unlink(eng_engine *e, node *n, tok *t)
{
    node_touch(e, n);
    LIST_UNLINK(n->b[t->hash & (n->nb - 1)], t);
    if (--n->count == 0 && n->live)
        *n->live = 0;
}

static void tok_delete(eng_engine *e, tok *t)
{
    while (t->kid)
        tok_delete(e, t->kid);
    node *n = t->node;
    if (t->inmem)
        mem_unlink(e, n, t);
    if (n->type == N_TERM && t->onagenda) {
        agenda_remove(e, t);
        if (e->listener) {
            eng_event ev = {ENG_EV_DEACTIVATE, NULL, n->u.rule,
                            (const eng_fact *const *)t->facts, t->n};
            emit(e, &ev);
        }
    } else if (n->type == N_QUERY && t->inmem) {
        n->q->matches--;
    }
    if (t->parent) {
        if (t->kprev) t->kprev->knext = t->knext; else t->parent->kid = t->knext;
        if (t->knext) t->knext->kprev = t->kprev;
    }
    if (t->hasf) {
        if (t->fprev) t->fprev->fnext = t->fnext; else t->facts[t->n - 1]->toks = t->fnext;
        if (t->fnext) t->fnext->fprev = t->fprev;
    }
    tok_release(e, t);
}

/* ------------------------------------------------------------ memories */

/* A memory's key: 0 without join variables, else the hash of their
 * values; a token's and a fact's keys are equal when the values are. */
static uint32_t left_key(const node *n, const tok *t)
{
    if (!n->nkey)
        return 0;
    uint64_t h = 0;
    for (size_t i = 0; i < n->nkey; i++)
        h = eng_hash_fold(h, t->facts[n->keys[i].slot]->v[n->keys[i].pos]);
    return eng_hash_end(h);
}

static uint32_t right_key(const amem *am, const eng_fact *f)
{
    if (!am->nkey)
        return 0;
    uint64_t h = 0;
    for (size_t i = 0; i < am->nkey; i++)
        h = eng_hash_fold(h, f->v[am->keypos[i]]);
    return eng_hash_end(h);
}

int eng_keys_equal(const node *n, const tok *t, const eng_fact *f)
{
    for (size_t i = 0; i < n->nkey; i++)
        if (!eng_val_eq(t->facts[n->keys[i].slot]->v[n->keys[i].pos],
                             f->v[n->am->keypos[i]]))
            return 0;
    return 1;
}

/* Does fact F join token T at N: its keys, then its tests, the first
 * read in line when it compares two values (see node.ft_op).  Inlined in
 * each loop that joins: a respondent of the shipped KB tests some 1,700
 * joins, and the calls and the walk over each test's expression took
 * 3.5 % of its instructions. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int beta_ok(eng_engine *e, const node *n, const tok *t,
                          const eng_fact *f)
{
    for (size_t i = 0; i < n->nkey; i++)
        if (!eng_val_eq(t->facts[n->keys[i].slot]->v[n->keys[i].pos],
                        f->v[n->am->keypos[i]]))
            return 0;
    size_t i = 0;
    if (n->ft_op) {
        eng_value a = (n->ft_as == SLOT_CAND ? f : t->facts[n->ft_as])->v[n->ft_apos];
        eng_value b = (n->ft_bs == SLOT_CAND ? f : t->facts[n->ft_bs])->v[n->ft_bpos];
        int r = eng_cmp_fast(n->ft_op, a, b);
        if (r < 0)
            r = eng_test_expr(e, n->tests[0], t->facts, f);
        if (!r)
            return 0;
        i = 1;
    }
    for (; i < n->ntests; i++)
        if (!eng_test_expr(e, n->tests[i], t->facts, f))
            return 0;
    return 1;
}

int eng_beta_ok(eng_engine *e, const node *n, const tok *t, const eng_fact *f)
{
    return beta_ok(e, n, t, f);
}

static int mem_insert(eng_engine *e, node *n, tok *t)
{
    node_touch(e, n);
    if (n->count >= n->nb * 2 && n->nkey) {
        size_t nb = n->nb ? n->nb * 4 : 8;
        tok **b = wm_alloc(e, nb * sizeof *b);
        if (!b)
            return -1;
        memset(b, 0, nb * sizeof *b);
        for (size_t i = 0; i < n->nb; i++) {
            tok *x = n->b[i], *nx;
            for (; x; x = nx) {
                nx = x->bnext;
                LIST_APPEND(b[x->hash & (nb - 1)], x);
            }
        }
        n->b = b;           /* the old array stays in the arena */
        n->nb = nb;
    }
    if (!n->nb) {
        n->b = wm_alloc(e, sizeof *n->b);
        if (!n->b)
            return -1;
        n->b[0] = NULL;
        n->nb = 1;
    }
    LIST_APPEND(n->b[t->hash & (n->nb - 1)], t);
    t->inmem = 1;
    if (n->count++ == 0 && n->live)
        *n->live = 1;
    return 0;
}

/* Kids are visited newest first: when one change activates several rules
 * through a shared node, the rule written first gets its activation made
 * last, so under the depth strategy it fires first. */
static void emit_kids(eng_engine *e, node *n, tok *t, eng_fact *f)
{
    for (node *kid = n->kid, *next; kid; kid = next) {
        /* the next kid's first line is fetched while this one is matched */
        next = kid->sib;
        if (next)
            __builtin_prefetch(next);
        tok *k = tok_new(e, t, f, kid);
        if (!k)
            return;
        eng_node_left(e, kid, k);
    }
}

static void activate(eng_engine *e, node *n, tok *t)
{
    eng_rule *r = n->u.rule;
    level *lv = r->lvl;
    t->onagenda = 1;
    e->nagenda++;
    if (lv->idx < e->agenda_top)
        e->agenda_top = lv->idx;
    if (e->strategy == ENG_DEPTH) {
        t->aprev = NULL;
        t->anext = lv->head;
        if (lv->head) lv->head->aprev = t; else lv->tail = t;
        lv->head = t;
    } else {
        t->anext = NULL;
        t->aprev = lv->tail;
        if (lv->tail) lv->tail->anext = t; else lv->head = t;
        lv->tail = t;
    }
    if (e->listener) {
        eng_event ev = {ENG_EV_ACTIVATE, NULL, r,
                        (const eng_fact *const *)t->facts, t->n};
        emit(e, &ev);
    }
}

/* The first fact of N's alpha memory from entry X on that matches token
 * T, or NULL.  `not` and `exists` need only one, not a count: stopping at
 * the first keeps a `not` over many facts (find the largest, find the
 * first) linear instead of quadratic. */
static eng_fact *first_match(eng_engine *e, const node *n, const tok *t,
                             const fact_ent *x)
{
    if (!n->nkey && n->ntests == 1 && n->ft_op &&
        (n->ft_as == SLOT_CAND) != (n->ft_bs == SLOT_CAND)) {
        /* one test between a field of the fact and a value of the token
         * (`not journey.cand ? ?k2 (?k2 > ?k)`): the token's value is
         * read once, not once a fact */
        int op = n->ft_op, right = n->ft_bs == SLOT_CAND;
        eng_value k = right ? t->facts[n->ft_as]->v[n->ft_apos]
                            : t->facts[n->ft_bs]->v[n->ft_bpos];
        uint8_t pos = right ? n->ft_bpos : n->ft_apos;
        for (; x; x = x->bnext) {
            if (x->key != t->hash)
                continue;
            eng_value v = x->f->v[pos];
            int r = right ? eng_cmp_fast(op, k, v) : eng_cmp_fast(op, v, k);
            if (r < 0)
                r = eng_test_expr(e, n->tests[0], t->facts, x->f);
            if (r)
                return x->f;
        }
        return NULL;
    }
    for (; x; x = x->bnext)
        if (x->key == t->hash && beta_ok(e, n, t, x->f))
            return x->f;
    return NULL;
}

void eng_node_left(eng_engine *e, node *n, tok *t)
{
    switch (n->type) {
    case N_JOIN: {
        t->hash = left_key(n, t);
        if (mem_insert(e, n, t))
            return;
        amem *am = n->am;
        if (!am->nb)
            return;
        for (fact_ent *x = am->b[t->hash & (am->nb - 1)]; x; x = x->bnext)
            if (x->key == t->hash && beta_ok(e, n, t, x->f))
                emit_kids(e, n, t, x->f);
        return;
    }
    case N_NEG: case N_EXISTS: {
        t->hash = left_key(n, t);
        if (mem_insert(e, n, t))
            return;
        t->match = n->am->nb ? first_match(e, n, t, n->am->b[t->hash & (n->am->nb - 1)])
                             : NULL;
        if ((n->type == N_NEG) == (t->match == NULL))
            emit_kids(e, n, t, NULL);
        return;
    }
    case N_TERM:
        t->hash = 0;
        if (mem_insert(e, n, t))
            return;
        activate(e, n, t);
        return;
    case N_QUERY:
        t->hash = 0;
        if (mem_insert(e, n, t))
            return;
        n->q->matches++;
        return;
    default:
        return;
    }
}

static void right_activate(eng_engine *e, node *n, eng_fact *f, uint32_t key)
{
    if (!n->nb)
        return;
    tok *x = n->b[key & (n->nb - 1)], *nx;
    if (n->type == N_JOIN) {
        for (; x; x = nx) {
            nx = x->bnext;
            if (x->hash == key && beta_ok(e, n, x, f))
                emit_kids(e, n, x, f);
        }
        return;
    }
    /* a token that some fact matches already stays as it is */
    for (; x; x = nx) {
        nx = x->bnext;
        if (x->match || x->hash != key || !beta_ok(e, n, x, f))
            continue;
        x->match = f;
        if (n->type == N_NEG)
            while (x->kid)
                tok_delete(e, x->kid);
        else
            emit_kids(e, n, x, NULL);
    }
}

/* Fact F, whose entry came before AFTER in its bucket, has left N's alpha
 * memory.  The tokens it matched look for another match from AFTER on:
 * every fact before F has been tried against them and failed (a token's
 * match is the first that fits; facts join a bucket at its end). */
static void right_retract(eng_engine *e, node *n, eng_fact *f, uint32_t key,
                          const fact_ent *after)
{
    if (!n->nb)
        return;
    tok *x = n->b[key & (n->nb - 1)], *nx;
    for (; x; x = nx) {
        nx = x->bnext;
        if (x->match != f)
            continue;
        if (!(x->match = first_match(e, n, x, after))) {
            if (n->type == N_NEG)
                emit_kids(e, n, x, NULL);
            else
                while (x->kid)
                    tok_delete(e, x->kid);
        }
    }
}

static int amem_insert(eng_engine *e, amem *am, eng_fact *f)
{
    amem_touch(e, am);
    if (am->count >= am->nb * 2 && (am->nkey || !am->nb)) {
        size_t nb = am->nb ? am->nb * 4 : (am->nkey ? 8 : 1);
        fact_ent **b = wm_alloc(e, nb * sizeof *b);
        if (!b)
            return -1;
        memset(b, 0, nb * sizeof *b);
        for (size_t i = 0; i < am->nb; i++) {
            fact_ent *x = am->b[i], *nx;
            for (; x; x = nx) {
                nx = x->bnext;
                LIST_APPEND(b[x->key & (nb - 1)], x);
            }
        }
        am->b = b;
        am->nb = nb;
    }
    fact_ent *x = e->entpool;
    if (x)
        e->entpool = x->fnext;
    else if (!(x = wm_alloc(e, sizeof *x)))
        return -1;
    x->f = f;
    x->am = am;
    x->key = right_key(am, f);
    LIST_APPEND(am->b[x->key & (am->nb - 1)], x);
    x->fnext = f->ents;
    f->ents = x;
    am->count++;
    /* only successors with partial matches to meet: a compact flag array
     * spares touching the nodes of the many rules still waiting for an
     * earlier condition (right unlinking, in effect) */
    for (size_t i = 0; i < am->nsv; i++)
        if (am->live[i])
            right_activate(e, am->sv[i], f, x->key);
    return 0;
}

static void ent_unlink(eng_engine *e, fact_ent *x)
{
    amem *am = x->am;
    amem_touch(e, am);
    LIST_UNLINK(am->b[x->key & (am->nb - 1)], x);
    am->count--;
}

/* ------------------------------------------------------------ facts */

/* A fact's hash, and the hash of all its values but the last (the
 * facts that `add` updates are found by it). */
static uint64_t fold_vals(const eng_value *v, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = eng_hash_fold(h, v[i]);
    return h;
}

static uint32_t hash_vals(const eng_value *v, size_t n)
{
    return eng_hash_end(fold_vals(v, n, n));
}

/* The prefix hash from the fold of a fact's first N - 1 values. */
static uint32_t prefix_end(uint64_t h)
{
    return eng_hash_end(h + 0x51ed27u);
}

static uint32_t hash_prefix(const eng_value *v, size_t n)
{
    return prefix_end(fold_vals(v, n - 1, n));
}

static int vals_equal(const eng_value *a, const eng_value *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!eng_val_eq(a[i], b[i]))
            return 0;
    return 1;
}

static eng_fact *fset_find(const eng_engine *e, const eng_value *v, size_t n,
                           uint32_t h)
{
    if (!e->nfset)
        return NULL;
    for (eng_fact *f = e->fset[h & (e->nfset - 1)]; f; f = f->hnext)
        if (f->hash == h && f->n == n && vals_equal(f->v, v, n))
            return f;
    return NULL;
}

/* The fact set and prefix index grown to at least NEED buckets (a power
 * of two, doubled at least once). */
static int fset_grow(eng_engine *e, size_t need)
{
    size_t nb = e->nfset ? e->nfset * 2 : 256;
    while (nb < need)
        nb *= 2;
    eng_fact **fs = wm_alloc(e, nb * sizeof *fs);
    eng_fact **ps = wm_alloc(e, nb * sizeof *ps);
    if (!fs || !ps)
        return -1;
    memset(fs, 0, nb * sizeof *fs);
    memset(ps, 0, nb * sizeof *ps);
    for (eng_fact *f = e->lhead; f; f = f->lnext) {
        f->hnext = fs[f->hash & (nb - 1)];
        fs[f->hash & (nb - 1)] = f;
        f->pnext = ps[f->phash & (nb - 1)];
        ps[f->phash & (nb - 1)] = f;
    }
    e->fset = fs;       /* the old tables stay in the arena */
    e->pset = ps;
    e->nfset = nb;
    return 0;
}

static void chain_remove(eng_fact **head, eng_fact *f, int prefix)
{
    for (eng_fact **p = head; *p; p = prefix ? &(*p)->pnext : &(*p)->hnext)
        if (*p == f) {
            *p = prefix ? f->pnext : f->hnext;
            return;
        }
}

int eng_assert_fact(eng_engine *e, const eng_value *v, size_t n,
                    eng_origin origin, const eng_rule *r,
                    eng_fact *const *support, size_t nsupport,
                    const eng_fact *extra, const char *src, int srcline,
                    const eng_fact **out)
{
    if (n < 1 || n > ENG_MAX_ARITY || v[0].type != ENG_SYMBOL)
        return ENG_EINVAL;
    uint64_t hp = fold_vals(v, n - 1, n);
    uint32_t h = eng_hash_end(eng_hash_fold(hp, v[n - 1]));
    eng_fact *f = fset_find(e, v, n, h);
    if (f) {
        if (out)
            *out = f;
        return ENG_OK;
    }
    if (e->nfacts + 1 > e->nfset && fset_grow(e, 0))
        return ENG_ENOMEM;
    /* one block: the fact, its values, then its support pointers */
    size_t ns = nsupport + (extra != NULL);
    f = wm_alloc(e, sizeof *f + n * sizeof *v + ns * sizeof *f->support);
    if (!f)
        return ENG_ENOMEM;
    memset(f, 0, sizeof *f);
    if (ns) {
        f->support = (eng_fact **)(void *)((char *)f + sizeof *f + n * sizeof *v);
        if (nsupport)
            memcpy(f->support, support, nsupport * sizeof *support);
        if (extra)
            f->support[nsupport] = (eng_fact *)extra;
        f->nsupport = (uint16_t)ns;
    }
    memcpy(f->v, v, n * sizeof *v);
    f->n = (uint16_t)n;
    f->hash = h;
    f->phash = n > 1 ? prefix_end(hp) : 0;
    f->id = ++e->next_id;
    f->origin = (uint8_t)origin;
    f->rule = r;
    f->src = src;
    f->srcline = srcline;
    f->live = 1;
    f->hnext = e->fset[h & (e->nfset - 1)];
    e->fset[h & (e->nfset - 1)] = f;
    f->pnext = e->pset[f->phash & (e->nfset - 1)];
    e->pset[f->phash & (e->nfset - 1)] = f;
    f->lprev = e->ltail;
    if (e->ltail) e->ltail->lnext = f; else e->lhead = f;
    e->ltail = f;
    f->anext = e->all;
    e->all = f;
    if (++e->nfacts > e->peak_facts)
        e->peak_facts = e->nfacts;
    if (out)
        *out = f;
    if (e->listener) {
        eng_event ev = {ENG_EV_ASSERT, f, NULL, NULL, 0};
        emit(e, &ev);
    }
    reldisp *d = NULL;
    if (e->ndisp) {
        uint32_t dh = eng_hash_mix(eng_hash_value(v[0]), (uint32_t)n);
        for (d = e->disp[dh & (e->ndisp - 1)]; d; d = d->next)
            if (d->arity == n && eng_val_eq(d->rel, v[0]))
                break;
    }
    if (d) {
        if (n > 1) {
            for (amem *am = eng_disp_find(d, v[1]); am; am = am->dnext)
                if (eng_amem_match(e, am, f) && amem_insert(e, am, f))
                    return ENG_ENOMEM;
        }
        for (amem *am = d->rest; am; am = am->dnext)
            if (eng_amem_match(e, am, f) && amem_insert(e, am, f))
                return ENG_ENOMEM;
    }
    return e->oom ? ENG_ENOMEM : ENG_OK;
}

void eng_retract_fact(eng_engine *e, eng_fact *f)
{
    if (!f->live)
        return;
    f->live = 0;
    chain_remove(&e->fset[f->hash & (e->nfset - 1)], f, 0);
    chain_remove(&e->pset[f->phash & (e->nfset - 1)], f, 1);
    if (f->lprev) f->lprev->lnext = f->lnext; else e->lhead = f->lnext;
    if (f->lnext) f->lnext->lprev = f->lprev; else e->ltail = f->lprev;
    f->lnext = f->lprev = NULL;
    e->nfacts--;
    if (e->listener) {
        eng_event ev = {ENG_EV_RETRACT, f, NULL, NULL, 0};
        emit(e, &ev);
    }
    while (f->toks)
        tok_delete(e, f->toks);
    fact_ent *x = f->ents, *nx;
    f->ents = NULL;
    for (; x; x = nx) {
        nx = x->fnext;
        ent_unlink(e, x);
        amem *am = x->am;
        for (size_t i = 0; i < am->nsv; i++)
            if (am->live[i] && am->sv[i]->type != N_JOIN)
                right_retract(e, am->sv[i], f, x->key, x->bnext);
        x->fnext = e->entpool;
        e->entpool = x;
    }
}

/* ------------------------------------------------------------ arena */

#define WM_CHUNK_MIN ((size_t)64 << 10)
#define WM_CHUNK_MAX ((size_t)8 << 20)
#define WM_PREFAULT  ((size_t)256 << 10)

/* wm_alloc's current chunk is full (or there is none yet). */
static void *wm_alloc_slow(eng_engine *e, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (e->nwm) {
        /* later chunks are empty (rewound): use the first big enough */
        for (size_t i = e->wmcur + 1; i < e->nwm; i++)
            if (e->wm[i].cap >= n) {
                e->wmcur = i;
                e->wm[i].used = n;
                return e->wm[i].p;
            }
    }
    if (e->nwm == e->capwm) {
        size_t cap = e->capwm ? e->capwm * 2 : 8;
        wm_chunk *v = eng_mem(e, e->wm, cap * sizeof *v);
        if (!v)
            return NULL;
        e->wm = v;
        e->capwm = cap;
    }
    /* chunks grow with the arena, so that a big working memory takes few */
    size_t sz = e->wmtotal / 2;
    sz = sz < WM_CHUNK_MIN ? WM_CHUNK_MIN : sz > WM_CHUNK_MAX ? WM_CHUNK_MAX : sz;
    if (sz < n)
        sz = n;
    char *p = eng_malloc(e, sz);
    if (!p)
        return NULL;
    /* filled from its start: its first pages mapped at once (not all of
     * a big chunk, which would count in the peak before it is used) */
    eng_prefault(p, sz < WM_PREFAULT ? sz : WM_PREFAULT);
    wm_chunk *c = &e->wm[e->nwm];
    memset(c, 0, sizeof *c);
    c->p = p;
    c->cap = sz;
    c->used = n;
    e->wmtotal += sz;
    /* keep the chunk in use last: the ones skipped stay for the next reset */
    if (e->nwm > e->wmcur + 1) {
        wm_chunk t = *c;
        memmove(&e->wm[e->wmcur + 2], &e->wm[e->wmcur + 1],
                (e->nwm - e->wmcur - 1) * sizeof *c);
        e->wm[e->wmcur + 1] = t;
    }
    e->wmcur = e->nwm ? e->wmcur + 1 : 0;
    e->nwm++;
    return p;
}

/* The engine fields that a reset to the snapshot puts back. */
typedef struct wm_saved {
    eng_fact **fset, **pset;
    size_t nfset, nfacts;
    eng_fact *lhead, *ltail, *all;
    uint64_t next_id;
    tok *root;
    tok *tokpool[ENG_TOKPOOL];
    tok *bigpool;
    fact_ent *entpool;
    size_t nagenda;
    size_t wmcur;
    tok **levels;               /* head and tail of each salience level */
} wm_saved;

static void wm_fields(eng_engine *e, wm_saved *s, int save)
{
#define WM_FIELD(x) do { if (save) s->x = e->x; else e->x = s->x; } while (0)
    WM_FIELD(fset); WM_FIELD(pset); WM_FIELD(nfset); WM_FIELD(nfacts);
    WM_FIELD(lhead); WM_FIELD(ltail); WM_FIELD(all);
    WM_FIELD(next_id); WM_FIELD(root);
    WM_FIELD(bigpool); WM_FIELD(entpool); WM_FIELD(nagenda); WM_FIELD(wmcur);
#undef WM_FIELD
    if (save)
        memcpy(s->tokpool, e->tokpool, sizeof s->tokpool);
    else
        memcpy(e->tokpool, s->tokpool, sizeof s->tokpool);
    for (size_t i = 0; i < e->levels.n; i++) {
        level *lv = e->levels.v[i];
        if (save) {
            s->levels[2 * i] = lv->head;
            s->levels[2 * i + 1] = lv->tail;
        } else {
            lv->head = s->levels[2 * i];
            lv->tail = s->levels[2 * i + 1];
        }
    }
}

static void snap_drop(eng_engine *e)
{
    e->snap_ok = 0;
    e->ndirty_n = e->ndirty_a = 0;
}

/* Empties working memory without visiting its tokens: the arena rewinds
 * and every memory of the network forgets its contents. */
static void wm_rewind(eng_engine *e)
{
    if (e->root && e->listener) {
        tok_delete(e, e->root);     /* the deactivation events */
    }
    for (size_t i = 0; i < e->nwm; i++)
        e->wm[i].used = 0;
    e->wmcur = 0;
    for (size_t i = 0; i < e->allnodes.n; i++) {
        node *n = e->allnodes.v[i];
        n->b = NULL;
        n->nb = n->count = 0;
        if (n->type == N_QUERY)
            n->q->matches = 0;
    }
    for (size_t i = 0; i < e->allamems.n; i++) {
        amem *am = e->allamems.v[i];
        am->b = NULL;
        am->nb = am->count = 0;
        if (am->live)
            memset(am->live, 0, am->nsv);
    }
    e->root = NULL;
    e->fset = e->pset = NULL;
    e->nfset = e->nfacts = 0;
    e->all = e->lhead = e->ltail = NULL;
    e->next_id = 0;
    e->nagenda = 0;
    memset(e->tokpool, 0, sizeof e->tokpool);
    e->bigpool = NULL;
    e->entpool = NULL;
    for (size_t i = 0; i < e->levels.n; i++) {
        level *lv = e->levels.v[i];
        lv->head = lv->tail = NULL;
    }
    snap_drop(e);
}

static void snap_free(eng_engine *e)
{
    if (e->snap)
        eng_release(e, e->snap->levels);
    eng_release(e, e->snap);
    eng_release(e, e->dirty_n);
    eng_release(e, e->dirty_a);
    e->snap = NULL;
    e->dirty_n = NULL;
    e->dirty_a = NULL;
    e->snap_ok = 0;
}

/* Saves the state a fresh reset has just built.  Failing to is not an
 * error: resets then rebuild from scratch. */
static void wm_snapshot(eng_engine *e)
{
    if (!e->snap) {
        e->snap = eng_calloc(e, sizeof *e->snap);
        if (!e->snap)
            return;
        e->snap->levels = eng_calloc(e, (2 * e->levels.n + 1) * sizeof(tok *));
        e->dirty_n = eng_malloc(e, (e->allnodes.n + 1) * sizeof *e->dirty_n);
        e->dirty_a = eng_malloc(e, (e->allamems.n + 1) * sizeof *e->dirty_a);
        if (!e->snap->levels || !e->dirty_n || !e->dirty_a) {
            snap_free(e);
            return;
        }
    }
    for (size_t i = 0; i < e->nwm; i++) {
        wm_chunk *c = &e->wm[i];
        size_t used = i <= e->wmcur ? c->used : 0;
        if (used > c->snap_used || !c->snap) {
            char *p = eng_mem(e, c->snap, used ? used : 1);
            if (!p)
                return;
            c->snap = p;
        }
        memcpy(c->snap, c->p, used);
        c->snap_used = used;
    }
    for (size_t i = 0; i < e->allnodes.n; i++) {
        node *n = e->allnodes.v[i];
        n->snap_b = n->b;
        n->snap_nb = n->nb;
        n->snap_count = n->count;
        n->snap0 = !n->b && !n->count;
        if (n->type == N_QUERY)
            n->u.snap_matches = n->q->matches;
        n->gen = 0;
    }
    for (size_t i = 0; i < e->allamems.n; i++) {
        amem *am = e->allamems.v[i];
        am->snap_b = am->b;
        am->snap_nb = am->nb;
        am->snap_count = am->count;
        am->snap0 = !am->b && !am->count;
        am->gen = 0;
    }
    wm_fields(e, e->snap, 1);
    e->wm_gen = 1;
    e->ndirty_n = e->ndirty_a = 0;
    e->snap_ok = 1;
}

/* Puts working memory back as the snapshot has it: the arena's bytes,
 * then the memories that changed since. */
static void wm_restore(eng_engine *e)
{
    wm_saved *s = e->snap;
    for (size_t i = 0; i < e->nwm; i++) {
        wm_chunk *c = &e->wm[i];
        if (c->snap_used)
            memcpy(c->p, c->snap, c->snap_used);
        c->used = c->snap_used;
    }
    /* most memories were empty at the snapshot: they are put back from
     * their first cache line alone */
    for (size_t i = 0; i < e->ndirty_n; i++) {
        node *n = e->dirty_n[i];
        if (n->snap0 && n->type != N_QUERY) {
            n->b = NULL;
            n->nb = n->count = 0;
        } else {
            n->b = n->snap_b;
            n->nb = n->snap_nb;
            n->count = n->snap_count;
            if (n->type == N_QUERY)
                n->q->matches = n->u.snap_matches;
        }
        if (n->live)
            *n->live = n->count > 0;
    }
    for (size_t i = 0; i < e->ndirty_a; i++) {
        amem *am = e->dirty_a[i];
        if (am->snap0) {
            am->b = NULL;
            am->nb = am->count = 0;
        } else {
            am->b = am->snap_b;
            am->nb = am->snap_nb;
            am->count = am->snap_count;
        }
    }
    e->ndirty_n = e->ndirty_a = 0;
    if (++e->wm_gen == 0) {     /* wrapped: no memory may look clean */
        for (size_t i = 0; i < e->allnodes.n; i++)
            ((node *)e->allnodes.v[i])->gen = 0;
        for (size_t i = 0; i < e->allamems.n; i++)
            ((amem *)e->allamems.v[i])->gen = 0;
        e->wm_gen = 1;
    }
    wm_fields(e, s, 0);
}

/* Frees working memory and its arena (the engine is going away). */
void eng_wm_free(eng_engine *e)
{
    if (e->root && e->listener)
        tok_delete(e, e->root);
    e->root = NULL;
    for (size_t i = 0; i < e->nwm; i++) {
        eng_release(e, e->wm[i].p);
        eng_release(e, e->wm[i].snap);
    }
    eng_release(e, e->wm);
    e->wm = NULL;
    e->nwm = e->capwm = e->wmcur = e->wmtotal = 0;
    snap_free(e);
}

/* Builds every alpha memory's successor array, once: the network is
 * complete when the first reset comes. */
static int link_network(eng_engine *e)
{
    for (size_t i = 0; i < e->allamems.n; i++) {
        amem *am = e->allamems.v[i];
        size_t n = 0;
        for (node *s = am->succ; s; s = s->rnext)
            n++;
        am->sv = eng_arena(e, (n + 1) * sizeof *am->sv);
        am->live = eng_arena(e, n + 1);     /* zeroed */
        if (!am->sv || !am->live)
            return ENG_ENOMEM;
        n = 0;
        for (node *s = am->succ; s; s = s->rnext) {
            s->live = &am->live[n];
            am->live[n] = s->count > 0;
            am->sv[n++] = s;
        }
        am->nsv = n;
    }
    /* no rule comes after the first reset: the maps that found nodes and
     * memories to share go */
    smap_free(e, &e->nodes);
    smap_free(e, &e->amems);
    e->linked = 1;
    return ENG_OK;
}

/* A reset gives the state of the [facts] facts asserted into an empty
 * working memory.  The first two build it, the second saves it; the next
 * ones copy it back, which costs a memcpy of the arena and a look at the memories the
 * run changed, instead of asserting every fact again.  With a listener the
 * reset is built afresh, so that it sees every event. */
int eng_reset(eng_engine *e)
{
    if (!e->linked && link_network(e))
        return ENG_ENOMEM;
    e->inputs.n = 0;
    e->oom = 0;
    e->halted = 0;
    e->ready = 1;
    if (e->snap_ok && !e->listener) {
        wm_restore(e);
        return ENG_OK;
    }
    wm_rewind(e);
    e->root = tok_alloc(e, 0);
    if (!e->root)
        return ENG_ENOMEM;
    e->root->node = e->top;
    emit_kids(e, e->top, e->root, NULL);
    if (e->oom)
        return ENG_ENOMEM;
    /* the fact set made once at the size the facts and the runs so far
     * need: the snapshot copies no outgrown tables, and the next runs do
     * not grow it again */
    size_t need = e->rfacts.n > e->peak_facts ? e->rfacts.n : e->peak_facts;
    if (need > 256 && fset_grow(e, need))
        return ENG_ENOMEM;
    for (size_t i = 0; i < e->rfacts.n; i++) {
        rfact *rf = e->rfacts.v[i];
        int rc = eng_assert_fact(e, rf->v, rf->n, ENG_FROM_FACTS, NULL, NULL, 0,
                                 NULL, rf->path, rf->line, NULL);
        if (rc)
            return rc;
    }
    /* saved from the second reset on: a program that resets once (one
     * run over its own facts) never pays for the copy */
    if (!e->listener && e->nbuilds++ > 0)
        wm_snapshot(e);
    return ENG_OK;
}

/* ------------------------------------------------------------ running */

void eng_rule_runtime_error(eng_engine *e, const eng_rule *r, int line,
                            int col, const char *fmt, ...)
{
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    eng_diagf(e, ENG_ERROR, r->path, line, col, 1, NULL, "in rule '%s': %s",
              r->name, msg);
    e->runtime_error = 1;
}

static const char *ev_error(int err)
{
    switch (err) {
    case 2: return "division by zero";
    case 3: return "the result is out of range";
    default: return "arithmetic needs numbers";
    }
}

static int build_values(eng_engine *e, const eng_rule *r, const cact *a,
                        eng_fact *const *facts, eng_value *vals)
{
    vals[0] = a->rel;
    for (size_t i = 0; i < a->nterms; i++) {
        const cterm *t = &a->terms[i];
        if (t->kind == TERM_CONST) {
            vals[i + 1] = t->k;
            continue;
        }
        if (t->x->op == X_REF) {
            /* most terms name a variable: read without the evaluator */
            vals[i + 1] = facts[t->x->slot]->v[t->x->pos];
            continue;
        }
        int err = eng_eval(e, t->x, facts, NULL, &vals[i + 1]);
        if (err) {
            eng_rule_runtime_error(e, r, t->x->line, t->x->col, "%s",
                                   ev_error(err));
            return -1;
        }
    }
    return 0;
}

static int do_add(eng_engine *e, const eng_rule *r, const cact *a,
                  eng_fact *const *facts, size_t nf, eng_value *vals)
{
    size_t n = a->nterms + 1;
    eng_value delta = vals[n - 1];
    if (!eng_is_num(delta)) {
        char tmp[64];
        eng_value_format(e, delta, tmp, sizeof tmp);
        eng_rule_runtime_error(e, r, a->line, a->col,
                               "'add' needs a number to add, found %s", tmp);
        return ENG_ERUNTIME;
    }
    /* the oldest live fact with the same leading values and a number last */
    uint32_t ph = hash_prefix(vals, n);
    eng_fact *old = NULL;
    if (e->nfset)
        for (eng_fact *f = e->pset[ph & (e->nfset - 1)]; f; f = f->pnext)
            if (f->phash == ph && f->n == n && vals_equal(f->v, vals, n - 1) &&
                eng_is_num(f->v[n - 1]) && (!old || f->id < old->id))
                old = f;
    if (old) {
        eng_value sum;
        if (delta.type == ENG_INT && old->v[n - 1].type == ENG_INT &&
            !__builtin_add_overflow(old->v[n - 1].u.i, delta.u.i, &sum.u.i))
            sum.type = ENG_INT;
        else
            sum = eng_num_real(eng_num_d(old->v[n - 1]) + eng_num_d(delta));
        vals[n - 1] = sum;
        eng_retract_fact(e, old);
    }
    return eng_assert_fact(e, vals, n, ENG_FROM_RULE, r, facts, nf, old, NULL,
                           0, NULL);
}

static int fire(eng_engine *e, tok *t)
{
    eng_rule *r = t->node->u.rule;
    eng_fact *local[32];
    eng_fact **facts = local;
    size_t nf = t->n;
    int rc = ENG_OK;
    if (nf > 32) {
        facts = eng_malloc(e, nf * sizeof *facts);
        if (!facts)
            return ENG_ENOMEM;
    }
    /* the token may die during the actions (retract): work on a copy */
    memcpy(facts, t->facts, nf * sizeof *facts);
    agenda_remove(e, t);
    r->fired++;
    if (r->run_gen != e->run_gen) {
        r->run_gen = e->run_gen;
        r->run_fired = 0;
        if (pvec_push(e, &e->run_rules, r)) {
            rc = ENG_ENOMEM;
            goto done;
        }
    }
    r->run_fired++;
    if (e->listener) {
        eng_event ev = {ENG_EV_FIRE, NULL, r, (const eng_fact *const *)facts, nf};
        emit(e, &ev);
    }
    eng_value vals[ENG_MAX_ARITY];
    for (size_t i = 0; i < r->nacts && rc == ENG_OK; i++) {
        const cact *a = &r->acts[i];
        switch (a->kind) {
        case ACT_ASSERT:
            if (build_values(e, r, a, facts, vals)) {
                rc = ENG_ERUNTIME;
                break;
            }
            rc = eng_assert_fact(e, vals, a->nterms + 1, ENG_FROM_RULE, r,
                                 facts, nf, NULL, NULL, 0, NULL);
            break;
        case ACT_ADD:
            if (build_values(e, r, a, facts, vals)) {
                rc = ENG_ERUNTIME;
                break;
            }
            rc = do_add(e, r, a, facts, nf, vals);
            break;
        case ACT_RETRACT:
            for (size_t j = 0; j < a->nterms; j++)
                eng_retract_fact(e, facts[a->terms[j].k.u.i]);
            break;
        case ACT_HALT:
            e->halted = 1;
            break;
        }
        if (e->oom && rc == ENG_OK)
            rc = ENG_ENOMEM;
    }
done:
    if (facts != local)
        eng_release(e, facts);
    return rc;
}

static int cmp_fired(const void *a, const void *b)
{
    const eng_rule *x = *(const eng_rule *const *)a;
    const eng_rule *y = *(const eng_rule *const *)b;
    if (x->run_fired != y->run_fired)
        return x->run_fired > y->run_fired ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void report_limit(eng_engine *e, long limit)
{
    qsort(e->run_rules.v, e->run_rules.n, sizeof *e->run_rules.v, cmp_fired);
    char list[600];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < e->run_rules.n && i < 3; i++) {
        const eng_rule *r = e->run_rules.v[i];
        int w = snprintf(list + o, sizeof list - o, "%s'%s' (%ld time%s, %s:%d)",
                         i ? ", " : "", r->name, r->run_fired,
                         r->run_fired == 1 ? "" : "s", r->path, r->line);
        if (w < 0 || (size_t)w >= sizeof list - o)
            break;
        o += (size_t)w;
    }
    const eng_rule *top = e->run_rules.n ? e->run_rules.v[0] : NULL;
    eng_diagf(e, ENG_ERROR, top ? top->path : NULL, top ? top->line : 0,
              top ? top->col : 0, (int)(top ? strlen(top->name) : 1),
              NULL,
              "firing limit of %ld reached: this is almost always a loop in the knowledge base; the rules that fired most: %s",
              limit, list);
}

int eng_run(eng_engine *e, long max_firings, long *fired)
{
    long n = 0;
    int rc = ENG_OK;
    if (!e->ready)
        return ENG_ESTATE;
    if (max_firings <= 0)
        max_firings = e->cfg.max_firings;
    e->halted = 0;
    e->runtime_error = 0;
    e->run_gen++;
    e->run_rules.n = 0;
    e->agenda_top = 0;
    while (e->nagenda) {
        if (n >= max_firings) {
            report_limit(e, max_firings);
            rc = ENG_ELIMIT;
            break;
        }
        /* the highest level with an activation: none before agenda_top */
        tok *t = NULL;
        size_t i = e->agenda_top;
        for (; i < e->levels.n && !(t = ((level *)e->levels.v[i])->head); i++)
            ;
        e->agenda_top = i;
        rc = fire(e, t);
        n++;
        if (rc != ENG_OK || e->halted)
            break;
    }
    if (fired)
        *fired = n;
    return rc;
}

int eng_halted(const eng_engine *e)
{
    return e->halted;
}

size_t eng_agenda_count(const eng_engine *e)
{
    return e->nagenda;
}

int eng_set_strategy(eng_engine *e, eng_strategy s)
{
    if (e->nagenda)
        return ENG_ESTATE;
    if (s != e->strategy)
        snap_drop(e);       /* the saved agenda is in the old order */
    e->strategy = s;
    return ENG_OK;
}

void eng_set_listener(eng_engine *e, eng_listener fn, void *ud)
{
    e->listener = fn;
    e->listener_ud = ud;
}

int eng_assert(eng_engine *e, const eng_value *vals, size_t n,
               const eng_fact **out)
{
    if (!e->ready)
        return ENG_ESTATE;
    const eng_fact *f = NULL;
    uint64_t before = e->next_id;
    int rc = eng_assert_fact(e, vals, n, ENG_FROM_ASSERT, NULL, NULL, 0, NULL,
                             NULL, 0, &f);
    if (out)
        *out = f;
    /* a new fact (not one that was there already) is an input */
    if (f && f->id > before && pvec_push(e, &e->inputs, (void *)f))
        return ENG_ENOMEM;
    return rc;
}

static long input_index(const eng_engine *e, const eng_fact *f)
{
    for (size_t i = 0; i < e->inputs.n; i++)
        if (e->inputs.v[i] == f)
            return (long)i;
    return -1;
}

int eng_input_retract(eng_engine *e, const eng_fact *f)
{
    long at = input_index(e, f);
    if (at < 0)
        return ENG_EINVAL;
    /* copy the other inputs' values: reset frees the facts */
    size_t total = 0, n = 0;
    for (size_t i = 0; i < e->inputs.n; i++)
        if ((long)i != at)
            total += ((eng_fact *)e->inputs.v[i])->n + 1;
    eng_value *buf = eng_malloc(e, (total + 1) * sizeof *buf);
    if (!buf)
        return ENG_ENOMEM;
    for (size_t i = 0; i < e->inputs.n; i++) {
        const eng_fact *x = e->inputs.v[i];
        if ((long)i == at)
            continue;
        buf[n].type = ENG_INT;
        buf[n++].u.i = x->n;
        memcpy(&buf[n], x->v, x->n * sizeof *buf);
        n += x->n;
    }
    int rc = eng_reset(e);
    for (size_t i = 0; i < n && rc == ENG_OK;) {
        size_t k = (size_t)buf[i].u.i;
        rc = eng_assert(e, &buf[i + 1], k, NULL);
        i += k + 1;
    }
    eng_release(e, buf);
    return rc;
}

int eng_assert_text(eng_engine *e, const char *text, const eng_fact **out)
{
    eng_value vals[ENG_MAX_ARITY];
    long n = eng_parse_fact(e, NULL, text, strlen(text), vals, ENG_MAX_ARITY);
    if (n < 1)
        return e->oom ? ENG_ENOMEM : ENG_EINVAL;
    return eng_assert(e, vals, (size_t)n, out);
}

int eng_retract(eng_engine *e, const eng_fact *f)
{
    if (!e->ready)
        return ENG_ESTATE;
    long at = input_index(e, f);
    if (at >= 0) {
        memmove(&e->inputs.v[at], &e->inputs.v[at + 1],
                (e->inputs.n - (size_t)at - 1) * sizeof *e->inputs.v);
        e->inputs.n--;
    }
    eng_retract_fact(e, (eng_fact *)f);
    return e->oom ? ENG_ENOMEM : ENG_OK;
}

/* ------------------------------------------------------------ accessors */

const eng_fact *eng_fact_next(const eng_engine *e, const eng_fact *prev)
{
    return prev ? prev->lnext : e->lhead;
}

size_t eng_fact_count(const eng_engine *e) { return e->nfacts; }

const eng_fact *eng_fact_find(const eng_engine *e, const eng_value *vals,
                              size_t n)
{
    if (n < 1)
        return NULL;
    return fset_find(e, vals, n, hash_vals(vals, n));
}

size_t eng_fact_lookup(const eng_engine *e, const eng_value *prefix,
                       size_t nprefix, const eng_fact **out, size_t max)
{
    size_t n = nprefix + 1, found = 0;
    if (!e->nfset || nprefix < 1 || n > ENG_MAX_ARITY)
        return 0;
    uint32_t ph = hash_prefix(prefix, n);
    for (eng_fact *f = e->pset[ph & (e->nfset - 1)]; f; f = f->pnext) {
        if (f->phash != ph || f->n != n || !vals_equal(f->v, prefix, nprefix))
            continue;
        /* keep OUT sorted by age: chains are in no particular order */
        if (found < max) {
            size_t j = found;
            while (j > 0 && out[j - 1]->id > f->id) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = f;
        } else if (max && out[max - 1]->id > f->id) {
            size_t j = max - 1;
            while (j > 0 && out[j - 1]->id > f->id) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = f;
        }
        found++;
    }
    return found;
}

uint64_t eng_fact_id(const eng_fact *f) { return f->id; }
size_t eng_fact_size(const eng_fact *f) { return f->n; }
int eng_fact_live(const eng_fact *f) { return f->live; }
eng_origin eng_fact_origin(const eng_fact *f) { return (eng_origin)f->origin; }
const eng_rule *eng_fact_rule(const eng_fact *f) { return f->rule; }
size_t eng_fact_support_count(const eng_fact *f) { return f->nsupport; }

eng_value eng_fact_value(const eng_fact *f, size_t i)
{
    if (i < f->n)
        return f->v[i];
    eng_value none;
    memset(&none, 0, sizeof none);
    return none;
}

const eng_fact *eng_fact_support(const eng_fact *f, size_t i)
{
    return i < f->nsupport ? f->support[i] : NULL;
}

const char *eng_fact_source(const eng_fact *f, int *line)
{
    if (line)
        *line = f->srcline;
    return f->src;
}

size_t eng_fact_format(const eng_engine *e, const eng_fact *f, char *buf,
                       size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (i) {
            if (o + 1 < size)
                buf[o] = ' ';
            o++;
        }
        o += eng_value_format(e, f->v[i], o < size ? buf + o : NULL,
                              o < size ? size - o : 0);
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
    return o;
}

/* The label of option V of the question whose id is the symbol QID, or
 * NULL (no such question, or V is not one of its options). */
static const char *option_label(const eng_engine *e, eng_value qid, eng_value v)
{
    if (qid.type != ENG_SYMBOL || v.type != ENG_SYMBOL)
        return NULL;
    size_t qlen, vlen;
    const char *qs = eng_atom(e, qid.u.atom, &qlen);
    const char *vs = eng_atom(e, v.u.atom, &vlen);
    const eng_question *q = smap_get(&e->question_ids, qs, qlen);
    for (size_t i = 0; q && i < q->nopts; i++)
        if (q->opts[i].len == vlen && !memcmp(q->opts[i].value, vs, vlen))
            return q->opts[i].label;
    return NULL;
}

/* {?var|,}: the digits before the point of the number in BUF (LEN bytes
 * of SIZE) in groups of three, split by commas: 1200000 as 1,200,000,
 * -12345.5 as -12,345.5.  A number in exponent form stays as it is.  The
 * new length. */
static size_t group_digits(char *buf, size_t len, size_t size)
{
    size_t st = buf[0] == '-', end = st;
    while (end < len && buf[end] >= '0' && buf[end] <= '9')
        end++;
    if (memchr(buf, 'e', len) || end - st <= 3)
        return len;
    size_t commas = (end - st - 1) / 3;
    if (len + commas >= size)
        return len;
    /* from the end: the tail, then each digit, a comma before every third */
    memmove(buf + end + commas, buf + end, len - end + 1);
    size_t to = end + commas;
    for (size_t k = 0; k < end - st; k++) {
        buf[--to] = buf[end - 1 - k];
        if (k % 3 == 2 && k + 1 < end - st)
            buf[--to] = ',';
    }
    return len + commas;
}

size_t eng_fact_because(const eng_engine *e, const eng_fact *f, char *buf,
                        size_t size)
{
    size_t o = 0;
    if (size)
        buf[0] = '\0';
    const eng_rule *r = f->rule;
    if (!r || !r->has_because)
        return 0;
    for (size_t i = 0; i < r->nbecause; i++) {
        const btpl *p = &r->because[i];
        const char *s;
        size_t len;
        char tmp[64];
        if (p->text) {
            s = p->text;
            len = p->len;
        } else if (p->slot < f->nsupport) {
            eng_value v = f->support[p->slot]->v[p->pos];
            const char *ol = NULL;
            if (p->label.type) {
                /* {?var|REL}: the label of the oldest fact `REL v LABEL`,
                 * else, when REL is a question, that of its option v */
                eng_value key[2] = {p->label, v};
                const eng_fact *lf;
                if (eng_fact_lookup(e, key, 2, &lf, 1))
                    v = lf->v[2];
                else
                    ol = option_label(e, p->label, v);
            }
            if (ol) {
                s = ol;
                len = strlen(ol);
            } else if (v.type == ENG_SYMBOL || v.type == ENG_STRING) {
                s = eng_atom(e, v.u.atom, &len);
            } else {
                len = eng_value_format(e, v, tmp, sizeof tmp);
                if (p->grouped)
                    len = group_digits(tmp, len, sizeof tmp);
                s = tmp;
            }
        } else {
            continue;
        }
        if (o < size) {
            size_t c = len < size - o - 1 ? len : size - o - 1;
            memcpy(buf + o, s, c);
            buf[o + c] = '\0';
        }
        o += len;
    }
    return o;
}

int eng_rule_shown(const eng_rule *r, size_t i, size_t *ci, size_t *pos,
                   eng_value *rel, int *line, int *col)
{
    for (size_t k = 0; k < r->nbecause; k++) {
        const btpl *p = &r->because[k];
        if (p->text || i--)
            continue;
        /* slots are the positive patterns in the order written */
        size_t c = 0, slot = p->slot;
        for (; c < r->nconds; c++)
            if (r->conds[c].kind == CE_PATTERN && !slot--)
                break;
        *ci = c;
        *pos = p->pos;
        *rel = p->label;
        *line = p->vline;
        *col = p->vcol;
        return 0;
    }
    return -1;
}

int eng_rule_label(const eng_rule *r, size_t i, eng_value *rel, int *line,
                   int *col)
{
    for (size_t k = 0; k < r->nbecause; k++) {
        const btpl *p = &r->because[k];
        if (!p->label.type || i--)
            continue;
        *rel = p->label;
        if (line)
            *line = p->line;
        if (col)
            *col = p->col;
        return 0;
    }
    return -1;
}

size_t eng_rule_count(const eng_engine *e) { return e->rules.n; }

const eng_rule *eng_rule_at(const eng_engine *e, size_t i)
{
    return i < e->rules.n ? e->rules.v[i] : NULL;
}

const eng_rule *eng_rule_find(const eng_engine *e, const char *name)
{
    for (size_t i = 0; i < e->rules.n; i++) {
        const eng_rule *rule = e->rules.v[i];
        if (!strcmp(rule->name, name))
            return rule;
    }
    return NULL;
}

const char *eng_rule_name(const eng_rule *r) { return r->name; }
const char *eng_rule_path(const eng_rule *r) { return r->path; }
int eng_rule_line(const eng_rule *r) { return r->line; }
int eng_rule_salience(const eng_rule *r) { return r->salience; }
int eng_rule_has_because(const eng_rule *r) { return r->has_because; }
long eng_rule_fired(const eng_rule *r) { return r->fired; }

/* ------------------------------------------------------------ query */

typedef struct qterm {
    int kind;               /* TERM_CONST, TERM_VAR, TERM_WILD */
    eng_value k;            /* TERM_CONST */
    const char *name;       /* TERM_VAR: its name in the pattern, after '?' */
    size_t len;             /*   of NAME */
} qterm;

/* Splits a query pattern into at most MAX terms; -1 if it is not a pattern
 * (or has more terms: no fact has more than ENG_MAX_ARITY values), or when
 * memory runs out.  Names and values are taken whole, however long (a
 * [test] expects a fact with a long string as its pattern reads it). */
const char *eng_pattern_term(const char **p, size_t *len, int *closed)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) {
        *p = s;
        return NULL;
    }
    const char *st = s;
    *closed = 1;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++)
            if (*s == '\\' && s[1])
                s++;
        if (*s)
            s++;
        else
            *closed = 0;
    } else {
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    *len = (size_t)(s - st);
    *p = s;
    return st;
}

/* Reads pattern S into OUT (at most MAX terms); -1 when it is no pattern,
 * with why in ERR (ERRSIZE bytes; ERR may be NULL). */
static long qparse(eng_engine *e, const char *s, qterm *out, size_t max, char *err,
                   size_t errsize)
{
    size_t n = 0, len;
    const char *st;
    int closed;
    char dummy[1];
    if (!err) {
        err = dummy;
        errsize = sizeof dummy;
    }
    err[0] = '\0';
    while ((st = eng_pattern_term(&s, &len, &closed))) {
        int shown = len > 60 ? 60 : (int)len;
        if (n == max) {
            snprintf(err, errsize, "it has more than %zu values, as no fact has", max);
            return -1;
        }
        if (!closed) {
            snprintf(err, errsize, "the string %.*s%s has no closing '\"'", shown, st,
                     shown < (int)len ? "..." : "");
            return -1;
        }
        qterm *q = &out[n++];
        if (st[0] == '?' && len == 1) {
            q->kind = TERM_WILD;
        } else if (st[0] == '?') {
            /* a variable is named as in rules: a letter or '_', then
             * letters, digits and _ . : - */
            if (eng_symbol_len(st + 1, len - 1) != len - 1) {
                snprintf(err, errsize, "'%.*s%s' is no variable: after '?' comes a name of "
                         "letters, digits and _ . : - that starts with a letter or '_'", shown, st, shown < (int)len ? "..." : "");
                return -1;
            }
            q->kind = TERM_VAR;
            q->name = st + 1;
            q->len = len - 1;
        } else {
            /* eng_value_parse reads a NUL-terminated text: most terms fit
             * the buffer, a long string is copied */
            char tmp[1024], *t = tmp;
            if (len >= sizeof tmp && !(t = eng_strndup(e, st, len))) {
                snprintf(err, errsize, "out of memory");
                return -1;
            }
            if (t == tmp) {
                memcpy(tmp, st, len);
                tmp[len] = '\0';
            }
            q->kind = TERM_CONST;
            int rc = eng_value_parse(e, t, &q->k);
            if (t != tmp)
                eng_release(e, t);
            if (rc) {
                snprintf(err, errsize, "'%.*s%s' is not a value (a symbol, a number or a "
                         "\"string\")", shown, st, shown < (int)len ? "..." : "");
                return -1;
            }
        }
    }
    if (n == 0) {
        snprintf(err, errsize, "it is empty");
        return -1;
    }
    if (out[0].kind != TERM_CONST || out[0].k.type != ENG_SYMBOL) {
        snprintf(err, errsize, "it does not start with a relation's name (a symbol)");
        return -1;
    }
    return (long)n;
}

int eng_pattern_check(eng_engine *e, const char *pattern, char *err, size_t errsize)
{
    qterm q[ENG_MAX_ARITY];
    return qparse(e, pattern, q, ENG_MAX_ARITY, err, errsize) < 0 ? ENG_EINVAL : ENG_OK;
}

static int qmatch(const qterm *q, size_t n, const eng_fact *f)
{
    if (f->n != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (q[i].kind == TERM_CONST && !eng_val_eq(q[i].k, f->v[i]))
            return 0;
        if (q[i].kind == TERM_VAR)
            for (size_t j = 0; j < i; j++)
                if (q[j].kind == TERM_VAR && q[j].len == q[i].len &&
                    !memcmp(q[j].name, q[i].name, q[i].len) &&
                    !eng_val_eq(f->v[j], f->v[i]))
                    return 0;
    }
    return 1;
}

long eng_query(eng_engine *e, const char *pattern,
               int (*fn)(void *ud, const eng_fact *f), void *ud)
{
    /* as many terms as a fact has values at most */
    qterm q[ENG_MAX_ARITY];
    long n = qparse(e, pattern, q, ENG_MAX_ARITY, NULL, 0);
    if (n < 0)
        return -1;
    long seen = 0;
    for (const eng_fact *f = e->lhead; f; f = f->lnext)
        if (qmatch(q, (size_t)n, f)) {
            seen++;
            if (fn && fn(ud, f))
                break;
        }
    return seen;
}
