/*
 * report.c -- reads the advice for one respondent out of working memory:
 * the conclusion facts of spec/QUESTIONNAIRE.md, their titles and texts
 * from the catalogue facts, and their reasons from provenance.  The last
 * stage of the pipeline before cli/ renders it.
 *
 * Reasons: the `because` sentences of the rules that derived a conclusion
 * and, through the facts those rules matched, of the rules before them,
 * evidence first.  A running total built by `add` is followed to every
 * contribution without counting as a step, so a situation's score lists
 * each piece of evidence behind it.
 *
 * Items share much of their provenance (every journey unit rests on the
 * same picks), so a fact's sentence is formatted once per report and its
 * reasons at each depth are found once, from those of its supports.  The
 * report's strings and string lists live in chunks freed with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

#define MAX_REASONS 16          /* an item's reasons, at most */
#define MAX_DEPTH 2             /* the deepest an item's reasons go */
#define CHUNK 8192              /* bytes a chunk of memory is allocated with */

/* ------------------------------------------------------------ memory */

/* A block of memory handed out front to back and freed whole. */
typedef struct chunk {
    struct chunk *next;     /* the chunk allocated before */
    size_t used, size;      /* bytes of mem handed out, and in all */
    void *mem[];            /* pointer-aligned */
} chunk;

/* A report and the chunks its strings and lists of strings live in:
 * kb_report comes first, so the caller's pointer is this. */
typedef struct report_mem {
    kb_report r;
    chunk *chunks;          /* newest first */
} report_mem;

/* A because sentence, kept once per report whatever number of facts and
 * items give it. */
typedef struct rtext {
    char *s;                /* in the report's memory */
    size_t len;             /* strlen(s) */
    size_t hash;            /* text_hash(s, len) */
    unsigned char bit;      /* its bit in a list's mask (from the hash) */
} rtext;

/* A derived fact met while reading reasons, with what it contributes. */
typedef struct fmemo {
    const eng_fact *f;              /* the key */
    rtext *because;                 /* its own sentence, or NULL */
    rtext **at[MAX_DEPTH + 1];      /* its reasons down to each depth */
    unsigned char n[MAX_DEPTH + 1]; /* ... how many (at most MAX_REASONS) */
    unsigned char done;             /* bit D: at[D] is found; bit
                                       MAX_DEPTH + 1: because is */
} fmemo;

#define BECAUSE_DONE (1u << (MAX_DEPTH + 1))

typedef struct rb {
    kb *k;
    eng_engine *e;          /* the kb's */
    kb_report *r;           /* the report being built */
    chunk **mem;            /* the report's chunks */
    chunk *tmp;             /* chunks freed when the report is built */
    char *empty;            /* the report's "", shared */
    int oom;                /* an allocation failed: the report is dropped */
    void **facts;           /* fmemo by fact: open addressing, 3/4 full at most */
    size_t nfacts, capfacts;    /* records, slots (a power of two) */
    void **texts;           /* rtext by text: open addressing, 3/4 full at most */
    size_t ntexts, captexts;    /* texts, slots (a power of two) */
    /* the relations read, interned once per build */
    eng_value rel_situation, rel_maturity, rel_model, rel_need, rel_finance,
        rel_advice, rel_journey, sym_primary, sym_secondary, sym_score,
        sym_band, sym_role, sym_option, sym_unit, sym_transition;
} rb;

/* SIZE bytes aligned for a pointer (ALIGNED) or not, from the chunks at
 * *HEAD; NULL and b->oom when out of memory. */
static void *chunk_alloc(rb *b, chunk **head, size_t size, int aligned)
{
    chunk *c = *head;
    if (c) {
        size_t at = c->used;
        if (aligned)
            at = (at + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
        if (at <= c->size && size <= c->size - at) {
            c->used = at + size;
            return (char *)c->mem + at;
        }
    }
    size_t room = CHUNK - sizeof *c;
    /* a large block gets a chunk of its own, behind the one being filled */
    int own = size > room / 4;
    if (size > room)
        room = size;
    chunk *n = malloc(sizeof *n + room);
    if (!n) {
        b->oom = 1;
        return NULL;
    }
    n->size = room;
    n->used = size;
    if (own && c) {
        n->next = c->next;
        c->next = n;
    } else {
        n->next = c;
        *head = n;
    }
    return n->mem;
}

static void chunks_free(chunk *c)
{
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* A copy of the LEN bytes at S in the report's memory (one "" for all). */
static char *keep(rb *b, const char *s, size_t len)
{
    if (!len && b->empty)
        return b->empty;
    char *p = chunk_alloc(b, b->mem, len + 1, 0);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static char *keep_str(rb *b, const char *s)
{
    s = s ? s : "";
    return keep(b, s, strlen(s));
}

/* A list of N strings in the report's memory, filled by the caller. */
static char **keep_list(rb *b, size_t n)
{
    return n ? chunk_alloc(b, b->mem, n * sizeof(char *), 1) : NULL;
}

/* Adds TEXT to S (of room for more) unless it is there. */
static void strs_add(rb *b, kb_strs *s, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], text))
            return;
    if ((s->v[s->n] = keep_str(b, text)))
        s->n++;
}

/* A new item at the end of L.  The array grows by doubling: it is full
 * whenever its length is a power of two. */
static kb_item *list_add(rb *b, kb_list *l)
{
    if (!(l->n & (l->n - 1))) {
        size_t cap = l->n ? 2 * l->n : 1;
        kb_item *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            b->oom = 1;
            return NULL;
        }
        l->v = v;
    }
    memset(&l->v[l->n], 0, sizeof *l->v);
    return &l->v[l->n++];
}

static void list_free(kb_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static eng_value sym(rb *b, const char *s)
{
    eng_value v;
    if (eng_intern(b->e, s, strlen(s), ENG_SYMBOL, &v)) {
        b->oom = 1;
        memset(&v, 0, sizeof v);
    }
    return v;
}

/* Is V the symbol S?  (eng_value_equal, for a symbol S.) */
static int is(eng_value v, eng_value s)
{
    return v.type == s.type && v.u.atom == s.u.atom;
}

/* ------------------------------------------------------------ catalogue */

/* The catalogue entry [KIND NAME], or NULL. */
static const eng_entry *entry(rb *b, const char *kind, eng_value name)
{
    const char *nm = eng_value_text(b->e, name, NULL);
    return nm ? kb_catalogue_entry(b->k, kind, nm) : NULL;
}

static double number(const char *s, double dflt)
{
    char *end;
    if (!s)
        return dflt;
    double d = strtod(s, &end);
    return end != s ? d : dflt;
}

/* The items of the comma-separated list KEY of EN, each once, through
 * the titles of the entries of TITLE_OF ("persona") when given. */
static void cat_list(rb *b, const eng_entry *en, const char *key,
                     const char *title_of, kb_strs *out)
{
    const char *s = kb_entry_value(en, key);
    size_t max = 1;
    for (const char *c = s; c && *c; c++)
        max += *c == ',';
    if (!s || !*s || !(out->v = keep_list(b, max)))
        return;
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        size_t len = strcspn(s, ",");
        while (len && s[len - 1] == ' ')
            len--;
        if (!len)
            break;
        char item[256];
        if (len >= sizeof item)
            len = sizeof item - 1;
        memcpy(item, s, len);
        item[len] = '\0';
        const char *t = title_of ?
            kb_entry_value(kb_catalogue_entry(b->k, title_of, item), "title") : NULL;
        strs_add(b, out, t ? t : item);
        s += strcspn(s, ",");
    }
}

static char *value_text(rb *b, eng_value v)
{
    char buf[1024];
    const char *t = eng_value_text(b->e, v, NULL);
    if (t)
        return keep_str(b, t);
    eng_value_format(b->e, v, buf, sizeof buf);
    return keep_str(b, buf);
}

static double value_number(eng_value v)
{
    return v.type == ENG_INT ? (double)v.u.i : v.type == ENG_REAL ? v.u.r : 0;
}

/* ------------------------------------------------------------ reasons */

/* Is S the previous total of F (same relation and leading values)? */
static int is_total_of(const eng_fact *s, const eng_fact *f)
{
    size_t n = eng_fact_size(f);
    if (eng_fact_size(s) != n)
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (!eng_value_equal(eng_fact_value(s, i), eng_fact_value(f, i)))
            return 0;
    return 1;
}

/* Doubles the open-addressing table *SLOTS of *CAP slots (a power of two,
 * initially 0), placing its entries again by HASH. */
static int grow(rb *b, void ***slots, size_t *cap, size_t (*hash)(const void *))
{
    size_t ncap = *cap ? 2 * *cap : 256;
    void **v = calloc(ncap, sizeof *v);
    if (!v) {
        b->oom = 1;
        return -1;
    }
    for (size_t i = 0; i < *cap; i++) {
        void *p = (*slots)[i];
        if (!p)
            continue;
        size_t j = hash(p) & (ncap - 1);
        while (v[j])
            j = (j + 1) & (ncap - 1);
        v[j] = p;
    }
    free(*slots);
    *slots = v;
    *cap = ncap;
    return 0;
}

/* Mixes in 8 bytes at a time: sentences are long, and a byte at a time
 * would cost more than formatting them. */
static size_t text_hash(const char *s, size_t len)
{
    const uint64_t k = 0x9e3779b97f4a7c15u;
    uint64_t h = len * k, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * k;
    return (size_t)(h ^ h >> 32);
}

static size_t rtext_hash(const void *p)
{
    return ((const rtext *)p)->hash;
}

static size_t fact_hash(const eng_fact *f)
{
    uint64_t h = (uint64_t)(uintptr_t)f * 0x9e3779b97f4a7c15u;
    return (size_t)(h ^ h >> 29);
}

static size_t fmemo_hash(const void *p)
{
    return fact_hash(((const fmemo *)p)->f);
}

/* The report's one copy of the sentence S. */
static rtext *text_of(rb *b, const char *s)
{
    if ((b->ntexts + 1) * 4 > b->captexts * 3 &&
        grow(b, &b->texts, &b->captexts, rtext_hash))
        return NULL;
    size_t len = strlen(s), h = text_hash(s, len), i = h & (b->captexts - 1);
    for (rtext *t; (t = b->texts[i]); i = (i + 1) & (b->captexts - 1))
        if (t->hash == h && t->len == len && !memcmp(t->s, s, len))
            return t;
    rtext *t = chunk_alloc(b, &b->tmp, sizeof *t, 1);
    if (!t || !(t->s = keep(b, s, len)))
        return NULL;
    t->len = len;
    t->hash = h;
    t->bit = (unsigned char)((h >> 7) & 63);
    b->texts[i] = t;
    b->ntexts++;
    return t;
}

/* F's record, made when F is first met.  Facts stay in place while the
 * report is read, so the address is the key. */
static fmemo *memo_of(rb *b, const eng_fact *f)
{
    if ((b->nfacts + 1) * 4 > b->capfacts * 3 &&
        grow(b, &b->facts, &b->capfacts, fmemo_hash))
        return NULL;
    size_t i = fact_hash(f) & (b->capfacts - 1);
    for (fmemo *m; (m = b->facts[i]); i = (i + 1) & (b->capfacts - 1))
        if (m->f == f)
            return m;
    fmemo *m = chunk_alloc(b, &b->tmp, sizeof *m, 1);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->f = f;
    b->facts[i] = m;
    b->nfacts++;
    return m;
}

/* M's own sentence (NULL: none), formatted when first needed: a fact whose
 * supports give MAX_REASONS sentences never needs its own. */
static rtext *because_of(rb *b, fmemo *m)
{
    if (!(m->done & BECAUSE_DONE)) {
        char buf[2048];
        if (eng_fact_because(b->e, m->f, buf, sizeof buf) && buf[0] &&
            !(m->because = text_of(b, buf)))
            return NULL;
        m->done |= BECAUSE_DONE;
    }
    return m->because;
}

/* A list of reasons being put together: each sentence once. */
typedef struct racc {
    rtext *v[MAX_REASONS];
    size_t n;
    uint64_t mask;          /* the bits of the sentences in v: a sentence
                               whose bit is clear is not there */
} racc;

static void take(racc *a, rtext *t)
{
    uint64_t bit = (uint64_t)1 << t->bit;
    if (a->mask & bit)
        for (size_t i = 0; i < a->n; i++)
            if (a->v[i] == t)
                return;
    a->mask |= bit;
    a->v[a->n++] = t;
}

/* The because sentences of F and of the derived facts it rests on, down
 * to DEPTH steps; a running total counts as one step with all its parts.
 * The order is that of a walk of the supports in order, each fact after
 * those it rests on, keeping the first MAX_REASONS different sentences.
 * The first MAX_REASONS different sentences of a sequence follow from
 * those of its parts, so F's are found once per depth from its supports'
 * and kept in its record (*N of them at the result). */
static rtext **reasons_of(rb *b, const eng_fact *f, int depth, size_t *n)
{
    *n = 0;
    if (!f || eng_fact_origin(f) != ENG_FROM_RULE)
        return NULL;
    fmemo *m = memo_of(b, f);
    if (!m)
        return NULL;
    if (!((m->done >> depth) & 1)) {
        racc a;
        a.n = 0;
        a.mask = 0;
        size_t ns = eng_fact_support_count(f);
        for (size_t i = 0; i < ns && a.n < MAX_REASONS; i++) {
            const eng_fact *s = eng_fact_support(f, i);
            size_t k = 0;
            rtext **sub = NULL;
            if (is_total_of(s, f))
                sub = reasons_of(b, s, depth, &k);      /* the same total, earlier */
            else if (depth > 0)
                sub = reasons_of(b, s, depth - 1, &k);
            for (size_t j = 0; j < k && a.n < MAX_REASONS; j++)
                take(&a, sub[j]);
        }
        rtext *own = a.n < MAX_REASONS ? because_of(b, m) : NULL;
        if (own)
            take(&a, own);
        if (b->oom)
            return NULL;
        if (a.n && !(m->at[depth] = chunk_alloc(b, &b->tmp, a.n * sizeof *a.v, 1)))
            return NULL;
        if (a.n)
            memcpy(m->at[depth], a.v, a.n * sizeof *a.v);
        m->n[depth] = (unsigned char)a.n;
        m->done |= (unsigned char)(1u << depth);
    }
    *n = m->n[depth];
    return m->at[depth];
}

/* ------------------------------------------------------------ items */

/* Fills IT for the catalogue entry NAME of KIND, with F's reasons down to
 * DEPTH (at most MAX_DEPTH) steps; returns the entry (NULL: none) for the
 * caller's own keys. */
static const eng_entry *fill(rb *b, kb_item *it, const char *kind, eng_value name,
                             const eng_fact *f, int depth)
{
    const eng_entry *en = entry(b, kind, name);
    const char *title = kb_entry_value(en, "title");
    it->id = value_text(b, name);
    it->title = title && title[0] ? keep_str(b, title) : it->id;
    it->text = keep_str(b, "");
    size_t n;
    rtext **v = reasons_of(b, f, depth, &n);
    if (n && (it->reasons.v = keep_list(b, n))) {
        for (size_t i = 0; i < n; i++)
            it->reasons.v[i] = v[i]->s;
        it->reasons.n = n;
    }
    return en;
}

static const char *const dims[] = {"strategy", "governance", "data", "technology",
                                   "analytics", "skills", "participation", "finance"};
static const char *const sits[] = {"lab", "studio", "arena", "agora"};

static int cmp_advice(const void *a, const void *b)
{
    const kb_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_journey(const void *a, const void *b)
{
    const kb_item *x = a, *y = b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(((const kb_item *)a)->id, ((const kb_item *)b)->id);
}

/* IT's text: KEY of its entry EN, or "". */
static void text_from(rb *b, kb_item *it, const eng_entry *en, const char *key)
{
    it->text = keep_str(b, kb_entry_value(en, key));
}

/* One pass over working memory picks up every conclusion. */
static void collect(rb *b)
{
    eng_engine *e = b->e;
    kb_report *r = b->r;
    const eng_fact *dimfacts[8] = {0}, *scorefacts[4] = {0};
    for (const eng_fact *f = eng_fact_next(e, NULL); f && !b->oom;
         f = eng_fact_next(e, f)) {
        eng_value rel = eng_fact_value(f, 0);
        if (!is(rel, b->rel_situation) && !is(rel, b->rel_maturity) &&
            !is(rel, b->rel_model) && !is(rel, b->rel_need) && !is(rel, b->rel_finance) &&
            !is(rel, b->rel_advice) && !is(rel, b->rel_journey))
            continue;       /* most facts: not a conclusion */
        size_t n = eng_fact_size(f);
        eng_value a1 = eng_fact_value(f, 1);
        eng_value a2 = n > 2 ? eng_fact_value(f, 2) : a1;
        if (is(rel, b->rel_situation) && n == 3) {
            kb_item *it = is(a1, b->sym_primary) ? &r->situation
                        : is(a1, b->sym_secondary) ? &r->secondary
                        : is(a1, b->sym_transition) ? &r->transition
                        : NULL;
            if (it && !it->id)
                fill(b, it, "situation", a2, f, 0);
        } else if (is(rel, b->rel_situation) && n == 4 && is(a1, b->sym_score)) {
            const char *s = eng_value_text(e, a2, NULL);
            for (int i = 0; s && i < 4; i++)
                if (!strcmp(s, sits[i]))
                    scorefacts[i] = f;
        } else if (is(rel, b->rel_maturity) && n == 3) {
            if (is(a1, b->sym_band)) {
                if (!r->band.id)
                    fill(b, &r->band, "band", a2, f, 0);
                continue;
            }
            const char *s = eng_value_text(e, a1, NULL);
            for (int i = 0; s && i < 8; i++)
                if (!strcmp(s, dims[i]))
                    dimfacts[i] = f;
        } else if (is(rel, b->rel_model) && n == 3 && is(a1, b->sym_primary)) {
            if (!r->model.id)
                text_from(b, &r->model, fill(b, &r->model, "model", a2, f, 2), "fits");
        } else if (is(rel, b->rel_need) && n == 3 && is(a1, b->sym_role)) {
            kb_item *it = list_add(b, &r->roles);
            if (it)
                text_from(b, it, fill(b, it, "persona", a2, f, 1), "does");
        } else if (is(rel, b->rel_finance) && n == 3 && is(a1, b->sym_option)) {
            kb_item *it = list_add(b, &r->finance);
            if (it)
                text_from(b, it, fill(b, it, "finance", a2, f, 0), "first_step");
        } else if (is(rel, b->rel_advice) && n == 2) {
            kb_item *it = list_add(b, &r->advice);
            if (!it)
                continue;
            const eng_entry *en = fill(b, it, "advice", a1, f, 0);
            text_from(b, it, en, "text");
            it->rank = (long)number(kb_entry_value(en, "priority"), 3);
            cat_list(b, en, "who", "persona", &it->who);
            cat_list(b, en, "units", NULL, &it->units);
        } else if (is(rel, b->rel_journey) && n == 4 && is(a1, b->sym_unit)) {
            kb_item *it = list_add(b, &r->journey);
            if (!it)
                continue;
            const eng_entry *en = fill(b, it, "unit", a2, f, 2);
            text_from(b, it, en, "summary");
            it->number = number(kb_entry_value(en, "minutes"), 0);
            it->rank = (long)value_number(eng_fact_value(f, 3));
            it->eqf = (long)number(kb_entry_value(en, "eqf"), 0);
            it->module = keep_str(b, kb_entry_value(en, "module"));
            r->journey_minutes += (long)it->number;
        }
    }
    for (int i = 0; i < 4 && !b->oom; i++) {
        kb_item *it = list_add(b, &r->scores);
        if (!it)
            break;
        fill(b, it, "situation", sym(b, sits[i]), scorefacts[i], 0);
        it->number = scorefacts[i] ? value_number(eng_fact_value(scorefacts[i], 3)) : 0;
        if (r->situation.id && !strcmp(r->situation.id, sits[i]))
            r->situation.number = it->number;
        if (r->secondary.id && !strcmp(r->secondary.id, sits[i]))
            r->secondary.number = it->number;
    }
    double lo = 5, hi = -1;
    for (int i = 0; i < 8 && !b->oom; i++) {
        kb_item *it = list_add(b, &r->dimensions);
        if (!it)
            break;
        fill(b, it, "dimension", sym(b, dims[i]), dimfacts[i], 1);
        it->number = dimfacts[i] ? value_number(eng_fact_value(dimfacts[i], 2)) : 0;
        if (it->number < lo) lo = it->number;
        if (it->number > hi) hi = it->number;
    }
    r->weakest_first = hi - lo >= 2;
    if (b->oom)
        return;     /* the report is dropped; an item may lack its id */
    if (r->advice.n)
        qsort(r->advice.v, r->advice.n, sizeof *r->advice.v, cmp_advice);
    if (r->journey.n)
        qsort(r->journey.v, r->journey.n, sizeof *r->journey.v, cmp_journey);
    if (r->roles.n)
        qsort(r->roles.v, r->roles.n, sizeof *r->roles.v, cmp_id);
    if (r->finance.n)
        qsort(r->finance.v, r->finance.n, sizeof *r->finance.v, cmp_id);
}

int kb_report_build(kb *k, const char *respondent, kb_report **out)
{
    rb b;
    memset(&b, 0, sizeof b);
    *out = NULL;
    b.k = k;
    b.e = kb_engine(k);
    report_mem *m = calloc(1, sizeof *m);
    if (!m)
        return ENG_ENOMEM;
    b.r = &m->r;
    b.mem = &m->chunks;
    b.empty = keep(&b, "", 0);
    b.r->respondent = keep_str(&b, respondent);
    b.rel_situation = sym(&b, "situation");
    b.rel_maturity = sym(&b, "maturity");
    b.rel_model = sym(&b, "model");
    b.rel_need = sym(&b, "need");
    b.rel_finance = sym(&b, "finance");
    b.rel_advice = sym(&b, "advice");
    b.rel_journey = sym(&b, "journey");
    b.sym_primary = sym(&b, "primary");
    b.sym_secondary = sym(&b, "secondary");
    b.sym_transition = sym(&b, "transition");
    b.sym_score = sym(&b, "score");
    b.sym_band = sym(&b, "band");
    b.sym_role = sym(&b, "role");
    b.sym_option = sym(&b, "option");
    b.sym_unit = sym(&b, "unit");
    if (!b.oom)
        collect(&b);
    free(b.facts);
    free(b.texts);
    chunks_free(b.tmp);
    if (b.oom) {
        kb_report_free(b.r);
        return ENG_ENOMEM;
    }
    *out = b.r;
    return ENG_OK;
}

void kb_report_free(kb_report *r)
{
    if (!r)
        return;
    report_mem *m = (report_mem *)r;
    list_free(&r->scores);
    list_free(&r->dimensions);
    list_free(&r->roles);
    list_free(&r->finance);
    list_free(&r->advice);
    list_free(&r->journey);
    chunks_free(m->chunks);
    free(m);
}
