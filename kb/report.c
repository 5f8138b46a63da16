/*
 * report.c -- reads the advice for one respondent out of working memory:
 * the conclusion facts of spec/QUESTIONNAIRE.md, their titles and texts
 * from the catalogue, and their reasons from provenance.  The last stage
 * of the pipeline before cli/ renders it.
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
 * report's own strings and lists live in chunks freed with it.
 *
 * What a report reads of the catalogue (titles, texts, priorities, the
 * personas and units of an advice entry) is the same for every
 * respondent: the first report finds it once for the kb (kb_rcat), by
 * kind and interned name, and every report points at it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

#define MAX_REASONS 16          /* an item's reasons, at most */
#define MAX_DEPTH 2             /* the deepest an item's reasons go */
#define MAX_SHAPE 4             /* facts of each relation that shapes the
                                   journey, at most (the shipped KB: one) */
#define MAX_BECAUSE 2048        /* a sentence is cut to this less one byte */
#define CHUNK 8192              /* bytes a chunk of memory is allocated with */
#define FIRST_CHUNK 24576       /* ... a report's first, allocated with it
                                   (room for most reports' all) */

/* ------------------------------------------------------------ memory */

/* A block of memory handed out front to back and freed whole. */
typedef struct chunk {
    struct chunk *next;     /* the chunk allocated before */
    size_t used, size;      /* bytes of mem handed out, and in all */
    void *mem[];            /* pointer-aligned */
} chunk;

struct kb_rcat;

/* A report and the chunks its strings and lists live in: kb_report comes
 * first, so the caller's pointer is this.  The first chunk is allocated
 * with it, right after it; when the report is freed, the two go back to
 * the kb for the next report (a few of them). */
typedef struct report_mem {
    kb_report r;
    chunk *chunks;          /* newest first */
    struct kb_rcat *cat;    /* the kb's, which takes the memory back */
    struct report_mem *next;    /* in kb_rcat.reports, once freed */
} report_mem;

#define KEEP_REPORTS 4          /* freed reports' memory a kb keeps, at most */

static chunk *first_chunk(report_mem *m)
{
    return (chunk *)(void *)(m + 1);
}

/* SIZE bytes aligned for a pointer (ALIGNED) or not, from the chunks at
 * *HEAD; NULL when out of memory. */
static void *chunk_alloc(chunk **head, size_t size, int aligned)
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
    if (!n)
        return NULL;
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

/* The free end of the chunk at *HEAD, of at least NEED bytes (a new chunk
 * when that one has less), and its size in *ROOM; nothing is handed out
 * until chunk_take.  NULL when out of memory. */
static inline char *chunk_free(chunk **head, size_t need, size_t *room)
{
    chunk *c = *head;
    if (!c || c->size - c->used < need) {
        size_t size = CHUNK - sizeof *c;
        if (need > size)
            size = need;
        if (!(c = malloc(sizeof *c + size)))
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = *head;
        *head = c;
    }
    *room = c->size - c->used;
    return (char *)c->mem + c->used;
}

/* Hands out the first LEN bytes of chunk_free's block. */
static void chunk_take(chunk *head, size_t len)
{
    head->used += len;
}

static void chunks_free(chunk *c)
{
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* ------------------------------------------------------------ catalogue */

/* The catalogue kinds a report reads. */
enum { K_SITUATION, K_BAND, K_MODEL, K_PERSONA, K_FINANCE, K_ADVICE, K_UNIT,
       K_DIMENSION, NKINDS };

static const char *const kind_names[NKINDS] = {
    "situation", "band", "model", "persona", "finance", "advice", "unit", "dimension"};

/* The key of each kind whose value is an item's text (NULL: the text is
 * ""). */
static const char *const kind_texts[NKINDS] = {
    NULL, NULL, "fits", "does", "first_step", "text", "summary", NULL};

/* The relations of the conclusions, as kb_rcat.rel tells them, and after
 * them those of rules/journey.ini that shape the whole journey, in the
 * order the report gives their sentences: where it starts, the loop it
 * does not go on to, how many units it holds. */
enum { R_NONE, R_SITUATION, R_MATURITY, R_MODEL, R_NEED, R_FINANCE, R_ADVICE,
       R_JOURNEY, R_JLOOP, R_JBEYOND, R_JSIZE, NRELS };

#define NSHAPE (NRELS - R_JLOOP)

static const char *const rel_names[NRELS] = {
    NULL, "situation", "maturity", "model", "need", "finance", "advice", "journey",
    "journey.loop", "journey.beyond", "journey.size"};

int kb_is_conclusion(const char *rel)
{
    for (int i = R_NONE + 1; i <= R_JOURNEY; i++)
        if (!strcmp(rel, rel_names[i]))
            return 1;
    return 0;
}

/* The symbols a conclusion's second value is compared with. */
enum { S_PRIMARY, S_SECONDARY, S_TRANSITION, S_SCORE, S_BAND, S_ROLE, S_OPTION,
       S_UNIT, S_JSCORE, S_JPICK, NSYMS };

/* ... and, last, the relations of rules/journey.ini that say why a unit is
 * in the journey: its score, summed by one `add` per reason, and its pick */
static const char *const sym_names[NSYMS] = {
    "primary", "secondary", "transition", "score", "band", "role", "option", "unit",
    "journey.score", "journey.pick"};

static const char *const dims[] = {"strategy", "governance", "data", "technology",
                                   "analytics", "skills", "participation", "finance"};
static const char *const sits[] = {"lab", "studio", "arena", "agora"};

#define NDIMS (sizeof dims / sizeof *dims)
#define NSITS (sizeof sits / sizeof *sits)

/* What a report reads of the catalogue entry [KIND NAME]. */
typedef struct rentry {
    uint32_t atom;          /* NAME, interned */
    int kind;               /* K_* */
    const char *title;      /* "title" as written, or NULL */
    const char *text;       /* the key kind_texts names, or "" */
    const char *summary;    /* situation, band, model: "summary", or "" */
    const char *challenges; /* situation: "challenges", or "" */
    const char *pitfalls;   /* situation: "pitfalls", or "" */
    long rank;              /* advice: "priority", 3 without one; model:
                               "order", 7 without one */
    int dim;                /* advice: "dimension" as an index of dims, or -1 */
    unsigned sits;          /* advice: bit i when "situation" names sits[i] */
    size_t order;           /* its place in the catalogue, in load order */
    double minutes;         /* unit: "minutes", 0 without */
    long eqf;               /* unit: "eqf", 0 without */
    const char *module;     /* unit: "module", or "" */
    kb_strs who;            /* advice: "who" as persona titles, each once */
    kb_strs units;          /* advice: "units", each once */
    kb_strs unit_titles;    /* advice: their titles, one for each */
} rentry;

/* The catalogue as reports read it: made by the first report, freed by
 * kb_close. */
typedef struct kb_rcat {
    rentry *v;              /* an entry of each report kind and name */
    size_t n;
    rentry **slot;          /* v by kind and atom: open addressing, half
                               full at most */
    size_t nslots;          /* a power of two */
    rentry none;            /* the fields of a name with no entry */
    unsigned char *rel;     /* per atom below nrel: its R_* as a relation */
    size_t nrel;
    eng_value sym[NSYMS];   /* sym_names as symbols */
    eng_value dim[NDIMS];   /* dims as symbols */
    eng_value sit[NSITS];   /* sits as symbols */
    chunk *mem;             /* the lists of the entries and their items */
    chunk *spare;           /* the scratch memory of a build, kept for the
                               next one (tmp_alloc) */
    report_mem *reports;    /* freed reports' memory, for the next ones */
    size_t nreports;        /* ... how many (at most KEEP_REPORTS) */
} kb_rcat;

void kb_rcat_free(kb_rcat *c)
{
    if (!c)
        return;
    free(c->v);
    free(c->slot);
    free(c->rel);
    chunks_free(c->mem);
    chunks_free(c->spare);
    while (c->reports) {
        report_mem *m = c->reports;
        c->reports = m->next;
        free(m);
    }
    free(c);
}

static size_t rentry_hash(int kind, uint32_t atom)
{
    uint64_t h = ((uint64_t)atom << 4 | (uint64_t)kind) * 0x9e3779b97f4a7c15u;
    return (size_t)(h >> 32);
}

/* The entry of KIND named by the value NAME; c->none when there is none,
 * or NAME is not a symbol or string. */
static const rentry *rentry_of(const kb_rcat *c, int kind, eng_value name)
{
    if (name.type != ENG_SYMBOL && name.type != ENG_STRING)
        return &c->none;
    size_t mask = c->nslots - 1;
    for (size_t i = rentry_hash(kind, name.u.atom) & mask; c->slot[i]; i = (i + 1) & mask)
        if (c->slot[i]->atom == name.u.atom && c->slot[i]->kind == kind)
            return c->slot[i];
    return &c->none;
}

static double number(const char *s, double dflt)
{
    char *end;
    if (!s)
        return dflt;
    double d = strtod(s, &end);
    return end != s ? d : dflt;
}

/* Adds TEXT to S (of room for more) unless it is there. */
static void strs_add(kb_strs *s, char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (kb_streq(s->v[i], text))
            return;
    s->v[s->n++] = text;
}

/* The items of the comma-separated list KEY of EN, each once, through
 * the titles of the entries of TITLE_OF ("persona") when given; an item
 * is read up to 255 bytes.  -1 when out of memory. */
static int cat_list(kb *k, kb_rcat *c, const eng_entry *en, const char *key,
                    const char *title_of, kb_strs *out)
{
    const char *s = kb_entry_value(en, key);
    size_t max = 1;
    for (const char *p = s; p && *p; p++)
        max += *p == ',';
    if (!s || !*s)
        return 0;
    if (!(out->v = chunk_alloc(&c->mem, max * sizeof *out->v, 1)))
        return -1;
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
            kb_entry_value(kb_catalogue_entry(k, title_of, item), "title") : NULL;
        char *text = (char *)t;     /* read-only, as all of a report */
        if (!t) {
            if (!(text = chunk_alloc(&c->mem, len + 1, 0)))
                return -1;
            memcpy(text, item, len + 1);
        }
        strs_add(out, text);
        s += strcspn(s, ",");
    }
    return 0;
}

/* Fills RE from the catalogue entry EN of KIND, as kb_catalogue gives its
 * keys.  -1 when out of memory. */
static int rentry_fill(kb *k, kb_rcat *c, rentry *re, int kind, const eng_entry *en)
{
    const char *text = kind_texts[kind] ? kb_entry_value(en, kind_texts[kind]) : NULL;
    re->kind = kind;
    re->title = kb_entry_value(en, "title");
    re->text = text ? text : "";
    re->summary = re->challenges = re->pitfalls = "";
    re->rank = 3;
    re->dim = -1;
    re->module = "";
    if (kind == K_SITUATION || kind == K_BAND || kind == K_MODEL) {
        const char *v = kb_entry_value(en, "summary");
        re->summary = v ? v : "";
    }
    if (kind == K_MODEL)
        re->rank = (long)number(kb_entry_value(en, "order"), 7);
    if (kind == K_SITUATION) {
        const char *v = kb_entry_value(en, "challenges");
        re->challenges = v ? v : "";
        v = kb_entry_value(en, "pitfalls");
        re->pitfalls = v ? v : "";
    }
    if (kind == K_ADVICE) {
        re->rank = (long)number(kb_entry_value(en, "priority"), 3);
        const char *v = kb_entry_value(en, "dimension");
        for (size_t i = 0; v && i < NDIMS; i++)
            if (kb_streq(v, dims[i]))
                re->dim = (int)i;
        kb_strs named = {0};
        if (cat_list(k, c, en, "situation", NULL, &named))
            return -1;
        for (size_t i = 0; i < named.n; i++)
            for (size_t j = 0; j < NSITS; j++)
                if (kb_streq(named.v[i], sits[j]))
                    re->sits |= 1u << j;
        if (cat_list(k, c, en, "who", "persona", &re->who) ||
            cat_list(k, c, en, "units", NULL, &re->units))
            return -1;
        /* one title for each unit, even where two units share one */
        kb_strs *t = &re->unit_titles;
        if (re->units.n &&
            !(t->v = chunk_alloc(&c->mem, re->units.n * sizeof *t->v, 1)))
            return -1;
        for (size_t i = 0; i < re->units.n; i++) {
            const char *title = kb_entry_value(
                kb_catalogue_entry(k, "unit", re->units.v[i]), "title");
            t->v[t->n++] = title && *title ? (char *)title : re->units.v[i];
        }
    } else if (kind == K_UNIT) {
        const char *module = kb_entry_value(en, "module");
        re->minutes = number(kb_entry_value(en, "minutes"), 0);
        re->eqf = (long)number(kb_entry_value(en, "eqf"), 0);
        re->module = module ? module : "";
    }
    return 0;
}

static int intern(eng_engine *e, const char *s, eng_value *v)
{
    return eng_intern(e, s, strlen(s), ENG_SYMBOL, v);
}

/* Finds what reports read of K's catalogue, into k->rcat.  ENG_OK or
 * ENG_ENOMEM. */
static int rcat_build(kb *k)
{
    eng_engine *e = k->e;
    kb_rcat *c = calloc(1, sizeof *c);
    if (!c)
        return ENG_ENOMEM;
    c->none.text = c->none.module = "";
    c->none.summary = c->none.challenges = c->none.pitfalls = "";
    c->none.rank = 3;
    c->none.dim = -1;
    c->none.order = SIZE_MAX;
    size_t n = 0;
    for (size_t i = 0; i < k->ncat; i++)
        for (int j = 0; j < NKINDS; j++)
            if (kb_streq(k->cat[i]->kind, kind_names[j]))
                n++;
    c->nslots = 16;
    while (c->nslots < 2 * n)
        c->nslots *= 2;
    if ((n && !(c->v = calloc(n, sizeof *c->v))) ||
        !(c->slot = calloc(c->nslots, sizeof *c->slot)))
        goto oom;
    /* in load order, which makes an entry's place its order */
    for (size_t i = 0; i < k->ncat; i++) {
        const eng_entry *en = eng_entry_at(e, i);
        int kind = -1;
        for (int j = 0; j < NKINDS && kind < 0; j++)
            if (kb_streq(en->kind, kind_names[j]))
                kind = j;
        /* of two entries of one name, the one kb_catalogue_entry finds */
        if (kind < 0 || kb_catalogue_entry(k, en->kind, en->name) != en)
            continue;
        eng_value name;
        rentry *re = &c->v[c->n];
        if (intern(e, en->name, &name) || rentry_fill(k, c, re, kind, en))
            goto oom;
        re->atom = name.u.atom;
        re->order = c->n;
        size_t mask = c->nslots - 1, j = rentry_hash(kind, re->atom) & mask;
        while (c->slot[j])
            j = (j + 1) & mask;
        c->slot[j] = re;
        c->n++;
    }
    eng_value rels[NRELS];
    for (int i = 1; i < NRELS; i++) {
        if (intern(e, rel_names[i], &rels[i]))
            goto oom;
        if (rels[i].u.atom >= c->nrel)
            c->nrel = (size_t)rels[i].u.atom + 1;
    }
    if (!(c->rel = calloc(c->nrel, 1)))
        goto oom;
    for (int i = 1; i < NRELS; i++)
        c->rel[rels[i].u.atom] = (unsigned char)i;
    for (int i = 0; i < NSYMS; i++)
        if (intern(e, sym_names[i], &c->sym[i]))
            goto oom;
    for (size_t i = 0; i < NDIMS; i++)
        if (intern(e, dims[i], &c->dim[i]))
            goto oom;
    for (size_t i = 0; i < NSITS; i++)
        if (intern(e, sits[i], &c->sit[i]))
            goto oom;
    k->rcat = c;
    return ENG_OK;
oom:
    kb_rcat_free(c);
    return ENG_ENOMEM;
}

/* ------------------------------------------------------------ a report */

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
    char **kept[MAX_DEPTH + 1];     /* ... as an item's list in the
                                       report's memory, once one has them */
    unsigned char n[MAX_DEPTH + 1]; /* ... how many (at most MAX_REASONS) */
    unsigned char done;             /* bit D: at[D] is found; bit
                                       MAX_DEPTH + 1: because is */
    unsigned char more;             /* bit D: there are other sentences
                                       than the MAX_REASONS of at[D] */
} fmemo;

#define BECAUSE_DONE (1u << (MAX_DEPTH + 1))

typedef struct rb {
    eng_engine *e;          /* the kb's */
    kb_rcat *cat;           /* the kb's catalogue as reports read it */
    kb_report *r;           /* the report being built */
    chunk **mem;            /* the report's chunks */
    chunk *tmp;             /* scratch chunks, spares once the report is built */
    int oom;                /* an allocation failed: the report is dropped */
    void **facts;           /* fmemo by fact: open addressing, 3/4 full at most */
    size_t nfacts, capfacts;    /* records, slots (a power of two) */
    void **texts;           /* rtext by text: open addressing, 3/4 full at most */
    size_t ntexts, captexts;    /* texts, slots (a power of two) */
} rb;

/* chunk_alloc that marks the report dropped when out of memory. */
static void *rb_alloc(rb *b, chunk **head, size_t size, int aligned)
{
    void *p = chunk_alloc(head, size, aligned);
    if (!p)
        b->oom = 1;
    return p;
}

/* A scratch chunk of at least SIZE bytes for tmp_alloc: a spare one of
 * the builds before (kb_rcat.spare), or a new one.  NULL and b->oom when
 * out of memory. */
static chunk *tmp_chunk(rb *b, size_t size)
{
    chunk **spare = &b->cat->spare, *c;
    if (*spare && (*spare)->size >= size) {
        c = *spare;
        *spare = c->next;
    } else {
        size_t room = CHUNK - sizeof *c;
        if (size > room)
            room = size;
        if (!(c = malloc(sizeof *c + room))) {
            b->oom = 1;
            return NULL;
        }
        c->size = room;
    }
    c->used = 0;
    c->next = b->tmp;
    b->tmp = c;
    return c;
}

/* SIZE bytes, pointer-aligned, of the build's scratch memory.  NULL and
 * b->oom when out of memory. */
static inline void *tmp_alloc(rb *b, size_t size)
{
    chunk *c = b->tmp;
    size = (size + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
    if ((!c || c->size - c->used < size) && !(c = tmp_chunk(b, size)))
        return NULL;
    void *p = (char *)c->mem + c->used;
    c->used += size;
    return p;
}

/* Gives the build's scratch chunks back for the next build. */
static void tmp_release(rb *b)
{
    while (b->tmp) {
        chunk *c = b->tmp;
        b->tmp = c->next;
        c->next = b->cat->spare;
        b->cat->spare = c;
    }
}

/* A copy of the LEN bytes at S in the report's memory. */
static char *keep(rb *b, const char *s, size_t len)
{
    char *p = rb_alloc(b, b->mem, len + 1, 0);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* The text of the number V, which names an item, in the report's
 * memory.  (A symbol's or string's is the engine's, valid until
 * kb_close.) */
static char *number_text(rb *b, eng_value v)
{
    char buf[1024];
    eng_value_format(b->e, v, buf, sizeof buf);
    return keep(b, buf, strlen(buf));
}

static double value_number(eng_value v)
{
    return v.type == ENG_INT ? (double)v.u.i : v.type == ENG_REAL ? v.u.r : 0;
}

/* V as a whole number, toward zero: a journey position that a rule
 * computed.  Past +-1e15 (or not a number) it is held there, since a
 * double beyond a long has no long to convert to. */
static long value_long(eng_value v)
{
    if (v.type == ENG_INT)
        return v.u.i;
    double d = value_number(v);
    return d > 1e15 ? (long)1e15 : d < -1e15 ? (long)-1e15 : d == d ? (long)d : 0;
}

/* Is V the symbol S?  (eng_value_equal, for a symbol S.) */
static int is(eng_value v, eng_value s)
{
    return v.type == s.type && v.u.atom == s.u.atom;
}

/* Is V a symbol or string of the text of the symbol S?  (Texts are
 * interned once, whatever their type.) */
static int is_text(eng_value v, eng_value s)
{
    return (v.type == ENG_SYMBOL || v.type == ENG_STRING) && v.u.atom == s.u.atom;
}

/* V as a name the catalogue is looked up by: the text of a symbol or
 * string up to a NUL byte in it (a string may have one: "\x00"), as a C
 * string reads it.  *TEXT (may be NULL) receives that text, or NULL for
 * a number. */
static eng_value as_name(rb *b, eng_value v, const char **text)
{
    size_t len;
    const char *t = eng_value_text(b->e, v, &len);
    if (t && strlen(t) != len && intern(b->e, t, &v))
        b->oom = 1;
    if (text)
        *text = t;
    return v;
}

/* ------------------------------------------------------------ reasons */

/* Is S the previous total of F, of N values and the relation REL (same
 * relation and leading values)? */
static int is_total_of(const eng_fact *s, const eng_fact *f, size_t n, eng_value rel)
{
    if (eng_fact_size(s) != n || !is(eng_fact_value(s, 0), rel))
        return 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (!eng_value_equal(eng_fact_value(s, i), eng_fact_value(f, i)))
            return 0;
    return 1;
}

/* Doubles the open-addressing table *SLOTS of *CAP slots (a power of two,
 * initially 0), placing its entries again by HASH.  Tables are scratch
 * memory: the old one is left there. */
static int grow(rb *b, void ***slots, size_t *cap, size_t (*hash)(const void *))
{
    size_t ncap = *cap ? 2 * *cap : 256;
    void **v = tmp_alloc(b, ncap * sizeof *v);
    if (!v)
        return -1;
    memset(v, 0, ncap * sizeof *v);
    for (size_t i = 0; i < *cap; i++) {
        void *p = (*slots)[i];
        if (!p)
            continue;
        size_t j = hash(p) & (ncap - 1);
        while (v[j])
            j = (j + 1) & (ncap - 1);
        v[j] = p;
    }
    *slots = v;
    *cap = ncap;
    return 0;
}

/* Mixes in 16 bytes at a time, in two lanes: sentences are long, and a
 * byte at a time would cost more than formatting them.  Each step of a
 * lane is a bijection of the lane (an odd multiplier), so texts that
 * differ anywhere differ in it; the end mixes the high bits down. */
static size_t text_hash(const char *s, size_t len)
{
    const uint64_t k = 0x9e3779b97f4a7c15u, k2 = 0xc2b2ae3d27d4eb4fu;
    const char *end = s + len;
    uint64_t h = len * k, g = ~(uint64_t)len, w = 0, x;
    for (; end - s >= 16; s += 16) {
        memcpy(&w, s, 8);
        memcpy(&x, s + 8, 8);
        h = (h ^ w) * k;
        g = (g ^ x) * k2;
    }
    if (end - s >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        s += 8;
    }
    /* the last bytes: the 8 that end the text when it has them (some
     * mixed in already), else one at a time */
    w = 0;
    if (s < end && len >= 8)
        memcpy(&w, end - 8, 8);
    else
        for (; s < end; s++)
            w = w << 8 | (unsigned char)*s;
    h = (h ^ w ^ (g >> 29 | g << 35)) * k2;
    h ^= h >> 32;
    h *= k;
    return (size_t)(h ^ h >> 29);
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

/* The report's one copy of the sentence S of LEN bytes, which was just
 * written at the free end of the report's newest chunk: it is handed out
 * there unless the report has the sentence already. */
static rtext *text_of(rb *b, char *s, size_t len)
{
    if ((b->ntexts + 1) * 4 > b->captexts * 3 &&
        grow(b, &b->texts, &b->captexts, rtext_hash))
        return NULL;
    size_t h = text_hash(s, len), i = h & (b->captexts - 1);
    for (rtext *t; (t = b->texts[i]); i = (i + 1) & (b->captexts - 1))
        if (t->hash == h && t->len == len && !memcmp(t->s, s, len))
            return t;
    rtext *t = tmp_alloc(b, sizeof *t);
    if (!t)
        return NULL;
    chunk_take(*b->mem, len + 1);
    t->s = s;
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
    fmemo *m = tmp_alloc(b, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->f = f;
    b->facts[i] = m;
    b->nfacts++;
    return m;
}

/* M's own sentence (NULL: none), formatted when first needed: a fact whose
 * supports give more than MAX_REASONS sentences never needs its own.  It
 * is written straight into the report's memory, and kept there when new. */
static rtext *because_of(rb *b, fmemo *m)
{
    if (!(m->done & BECAUSE_DONE)) {
        size_t room;
        char *p = chunk_free(b->mem, 1, &room);
        if (!p) {
            b->oom = 1;
            return NULL;
        }
        size_t size = room < MAX_BECAUSE ? room : MAX_BECAUSE;
        size_t len = eng_fact_because(b->e, m->f, p, size);
        if (len >= size && size < MAX_BECAUSE) {
            /* cut short by the chunk's end: again in a chunk with room */
            size = len < MAX_BECAUSE ? len + 1 : MAX_BECAUSE;
            if (!(p = chunk_free(b->mem, size, &room))) {
                b->oom = 1;
                return NULL;
            }
            eng_fact_because(b->e, m->f, p, size);
        }
        /* the sentence is a C string from here: up to a NUL byte */
        if (p[0] && !(m->because = text_of(b, p, strlen(p))))
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

static int has(const racc *a, const rtext *t)
{
    if (a->mask & (uint64_t)1 << t->bit)
        for (size_t i = 0; i < a->n; i++)
            if (a->v[i] == t)
                return 1;
    return 0;
}

/* Adds T unless A has it; returns 1 when T is new but A is full. */
static int take(racc *a, rtext *t)
{
    if (has(a, t))
        return 0;
    if (a->n == MAX_REASONS)
        return 1;
    a->mask |= (uint64_t)1 << t->bit;
    a->v[a->n++] = t;
    return 0;
}

/* The record of F with its reasons down to DEPTH steps found: the because
 * sentences of F and of the derived facts it rests on; a running total
 * counts as one step with all its parts.  The order is that of a walk of
 * the supports in order, each fact after those it rests on, keeping the
 * first MAX_REASONS different sentences.  The first MAX_REASONS different
 * sentences of a sequence follow from those of its parts, so F's are
 * found once per depth from its supports' (m->at[DEPTH], m->n[DEPTH]).
 * NULL when F was not derived, or out of memory. */
static fmemo *reasons_of(rb *b, const eng_fact *f, int depth)
{
    if (!f || eng_fact_origin(f) != ENG_FROM_RULE)
        return NULL;
    fmemo *m = memo_of(b, f);
    if (!m || ((m->done >> depth) & 1))
        return m;
    racc a;
    a.n = 0;
    a.mask = 0;
    int more = 0;
    size_t ns = eng_fact_support_count(f), nv = eng_fact_size(f);
    eng_value rel = eng_fact_value(f, 0);
    /* once the list is full, the walk goes on only to find one sentence
     * that is not in it */
    for (size_t i = 0; i < ns && !more; i++) {
        const eng_fact *s = eng_fact_support(f, i);
        fmemo *sub = NULL;
        int d = depth;
        if (is_total_of(s, f, nv, rel))
            sub = reasons_of(b, s, d);              /* the same total, earlier */
        else if (depth > 0)
            sub = reasons_of(b, s, --d);
        if (!sub)
            continue;
        rtext **v = sub->at[d];
        for (size_t j = 0, nsub = sub->n[d]; j < nsub && !more; j++)
            more = take(&a, v[j]);
        more |= (sub->more >> d) & 1;
    }
    if (!more) {
        rtext *own = because_of(b, m);
        if (own)
            more = take(&a, own);
    }
    if (b->oom)
        return NULL;
    if (a.n && !(m->at[depth] = tmp_alloc(b, a.n * sizeof *a.v)))
        return NULL;
    if (a.n)
        memcpy(m->at[depth], a.v, a.n * sizeof *a.v);
    m->n[depth] = (unsigned char)a.n;
    m->done |= (unsigned char)(1u << depth);
    m->more |= (unsigned char)(more << depth);
    return m;
}

/* ------------------------------------------------------------ items */

/* The sentences of V[0..N) as an item's list, in the report's memory;
 * NULL when out of memory. */
static char **texts_of(rb *b, rtext *const *v, size_t n)
{
    char **s = rb_alloc(b, b->mem, n * sizeof *s, 1);
    for (size_t i = 0; s && i < n; i++)
        s[i] = v[i]->s;
    return s;
}

/* Fills IT for the catalogue entry NAME of KIND, with F's reasons down to
 * DEPTH (at most MAX_DEPTH) steps; returns the entry for the caller's own
 * fields. */
static const rentry *fill(rb *b, kb_item *it, int kind, eng_value name,
                          const eng_fact *f, int depth)
{
    const char *t;
    name = as_name(b, name, &t);
    const rentry *re = rentry_of(b->cat, kind, name);
    it->id = t ? (char *)t : number_text(b, name);      /* read-only */
    it->title = re->title && re->title[0] ? (char *)re->title : it->id;
    it->text = (char *)re->text;
    it->summary = (char *)re->summary;
    it->challenges = (char *)re->challenges;
    it->pitfalls = (char *)re->pitfalls;
    fmemo *m = reasons_of(b, f, depth);
    size_t n = m ? m->n[depth] : 0;
    if (!n)
        return re;
    /* items with the same fact share the list */
    if (!m->kept[depth])
        m->kept[depth] = texts_of(b, m->at[depth], n);
    if (m->kept[depth]) {
        it->reasons.v = m->kept[depth];
        it->reasons.n = n;
        it->reasons.more = (m->more >> depth) & 1;
    }
    return re;
}

/* A journey unit's reasons are why it suits the respondent, not how the
 * journey was ordered: the sentences of the rules that scored it (its
 * `journey.score U N` total, one `add` per reason, down to the answers
 * they read), then that of the rule that picked it.  The derivation of
 * `journey unit U N` itself runs through the picks of the units before it
 * and would give their reasons.  SCORE is the unit's journey.score fact
 * (unit_score); a knowledge base without one keeps the reasons of the
 * unit's derivation. */
static const eng_fact *unit_score(rb *b, eng_value unit)
{
    const eng_fact *score = NULL;
    eng_value key[2] = {b->cat->sym[S_JSCORE], unit};
    eng_fact_lookup(b->e, key, 2, &score, 1);
    return score;
}

static void unit_reasons(rb *b, kb_item *it, eng_value unit, const eng_fact *score)
{
    const eng_fact *pick = NULL;
    eng_value key[2] = {b->cat->sym[S_JPICK], unit};
    eng_fact_lookup(b->e, key, 2, &pick, 1);
    racc a;
    a.n = 0;
    a.mask = 0;
    int more = 0;
    const eng_fact *from[2] = {score, pick};
    for (size_t i = 0; i < 2; i++) {
        fmemo *m = reasons_of(b, from[i], 0);
        for (size_t j = 0; m && j < m->n[0] && !more; j++)
            more = take(&a, m->at[0][j]);
        if (m)
            more |= m->more & 1;
    }
    char **v;
    if (b->oom || !a.n || !(v = texts_of(b, a.v, a.n)))
        return;
    it->reasons.v = v;
    it->reasons.n = a.n;
    it->reasons.more = more;
}

/* Fills IT for the journey fact F, `journey unit U N`: its own reasons,
 * or those of its derivation when the knowledge base has no
 * journey.score for U. */
static void fill_unit(rb *b, kb_item *it, const eng_fact *f)
{
    eng_value unit = eng_fact_value(f, 2);
    const eng_fact *score = unit_score(b, unit);
    const rentry *re = fill(b, it, K_UNIT, unit, f, score ? 0 : 2);
    if (score)
        unit_reasons(b, it, unit, score);
    it->number = re->minutes;
    it->rank = value_long(eng_fact_value(f, 3));
    it->eqf = re->eqf;
    it->module = (char *)re->module;
}

/* Why the journey has its shape, not why it holds each unit: the
 * sentences of the rules that set where it starts, the loop it does not
 * go on to and its size (FACTS[i] of relation R_JLOOP + i, N[i] of
 * each), each fact's own.  MORE: facts of them were left out. */
static void journey_reasons(rb *b, const eng_fact *facts[NSHAPE][MAX_SHAPE],
                            const size_t n[NSHAPE], int more)
{
    racc a;
    a.n = 0;
    a.mask = 0;
    for (size_t i = 0; i < NSHAPE; i++)
        for (size_t j = 0; j < n[i]; j++) {
            rtext *t;
            fmemo *m = eng_fact_origin(facts[i][j]) == ENG_FROM_RULE ?
                       memo_of(b, facts[i][j]) : NULL;
            if (m && (t = because_of(b, m)))
                more |= take(&a, t);
        }
    char **v;
    if (b->oom || !a.n || !(v = texts_of(b, a.v, a.n)))
        return;
    b->r->journey_reasons.v = v;
    b->r->journey_reasons.n = a.n;
    b->r->journey_reasons.more = more;
}

/* Next steps, most urgent first: by priority; within one, the steps the
 * catalogue gives the primary situation (the situation's own advice),
 * then by the respondent's level in the dimension a step strengthens,
 * weakest first, as the maturity model advises (a step of no dimension
 * after those of one); then in the catalogue's order, which is the
 * author's (a Lab's "tie the pilot to one real decision" before its "agree
 * exit criteria"), and by name for steps with no entry. */
static int cmp_advice(const void *a, const void *b)
{
    const kb_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->own_situation != y->own_situation)
        return x->own_situation ? -1 : 1;
    double lx = x->dimension ? x->number : 5, ly = y->dimension ? y->number : 5;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return kb_strcmp(x->id, y->id);
}

/* Model scores: the chosen model first, then the highest score, then the
 * simpler model (the catalogue's "order"), as the knowledge base breaks
 * ties after situation fit. */
static int cmp_model(const void *a, const void *b)
{
    const kb_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->number != y->number)
        return x->number > y->number ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return kb_strcmp(x->id, y->id);
}

static int cmp_journey(const void *a, const void *b)
{
    const kb_item *x = a, *y = b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int cmp_id(const void *a, const void *b)
{
    return kb_strcmp(((const kb_item *)a)->id, ((const kb_item *)b)->id);
}

/* The lists of a report, as a conclusion's relation gives them. */
static kb_list *list_of(kb_report *r, int rel)
{
    switch (rel) {
    case R_MODEL: return &r->models;
    case R_NEED: return &r->roles;
    case R_FINANCE: return &r->finance;
    case R_ADVICE: return &r->advice;
    default: return &r->journey;
    }
}

/* Room for N items of L in the report's memory, zeroed; L->n counts
 * those filled. */
static void list_alloc(rb *b, kb_list *l, size_t n)
{
    l->n = 0;
    if (n && (l->v = rb_alloc(b, b->mem, n * sizeof *l->v, 1)))
        memset(l->v, 0, n * sizeof *l->v);
}

/* A list item's conclusion, met in working memory. */
typedef struct found {
    const eng_fact *f;
    int rel;                /* R_MODEL (a score), R_NEED, R_FINANCE,
                               R_ADVICE or R_JOURNEY */
} found;

/* One pass over working memory picks up every conclusion; the items of
 * the lists are filled after it, when their number is known. */
static void collect(rb *b)
{
    eng_engine *e = b->e;
    const kb_rcat *c = b->cat;
    kb_report *r = b->r;
    const eng_fact *dimfacts[NDIMS] = {0}, *scorefacts[NSITS] = {0};
    const eng_fact *shape[NSHAPE][MAX_SHAPE] = {{0}};   /* in order */
    size_t nshape[NSHAPE] = {0};
    int more_shape = 0;
    found some[128], *fv = some;
    size_t nf = 0, capf = sizeof some / sizeof *some, count[NRELS] = {0};
    const unsigned char *rels = c->rel;
    size_t nrels = c->nrel;
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        eng_value rel = eng_fact_value(f, 0);
        if (rel.type != ENG_SYMBOL || rel.u.atom >= nrels || !rels[rel.u.atom])
            continue;       /* most facts: not a conclusion */
        if (b->oom)
            break;
        int code = rels[rel.u.atom];
        size_t n = eng_fact_size(f);
        eng_value a1 = eng_fact_value(f, 1);
        eng_value a2 = n > 2 ? eng_fact_value(f, 2) : a1;
        int listed = 0;
        if (code >= R_JLOOP) {
            if (nshape[code - R_JLOOP] < MAX_SHAPE)
                shape[code - R_JLOOP][nshape[code - R_JLOOP]++] = f;
            else
                more_shape = 1;
            continue;
        }
        if (code == R_SITUATION && n == 3) {
            kb_item *it = is(a1, c->sym[S_PRIMARY]) ? &r->situation
                        : is(a1, c->sym[S_SECONDARY]) ? &r->secondary
                        : is(a1, c->sym[S_TRANSITION]) ? &r->transition
                        : NULL;
            if (it && !it->id)
                fill(b, it, K_SITUATION, a2, f, 0);
        } else if (code == R_SITUATION && n == 4 && is(a1, c->sym[S_SCORE])) {
            a2 = as_name(b, a2, NULL);
            for (size_t i = 0; i < NSITS; i++)
                if (is_text(a2, c->sit[i]))
                    scorefacts[i] = f;
        } else if (code == R_MATURITY && n == 3) {
            if (is(a1, c->sym[S_BAND])) {
                if (!r->band.id)
                    fill(b, &r->band, K_BAND, a2, f, 0);
                continue;
            }
            a1 = as_name(b, a1, NULL);
            for (size_t i = 0; i < NDIMS; i++)
                if (is_text(a1, c->dim[i]))
                    dimfacts[i] = f;
        } else if (code == R_MODEL && n == 3 && is(a1, c->sym[S_PRIMARY])) {
            if (!r->model.id)
                fill(b, &r->model, K_MODEL, a2, f, 2);
        } else {
            listed = (code == R_MODEL && n == 4 && is(a1, c->sym[S_SCORE])) ||
                     (code == R_NEED && n == 3 && is(a1, c->sym[S_ROLE])) ||
                     (code == R_FINANCE && n == 3 && is(a1, c->sym[S_OPTION])) ||
                     (code == R_ADVICE && n == 2) ||
                     (code == R_JOURNEY && n == 4 && is(a1, c->sym[S_UNIT]));
        }
        if (!listed)
            continue;
        if (nf == capf) {
            found *v = realloc(fv == some ? NULL : fv, 2 * capf * sizeof *v);
            if (!v) {
                b->oom = 1;
                break;
            }
            if (fv == some)
                memcpy(v, some, sizeof some);
            fv = v;
            capf *= 2;
        }
        fv[nf].f = f;
        fv[nf++].rel = code;
        count[code]++;
    }
    for (int i = R_MODEL; i <= R_JOURNEY && !b->oom; i++)
        list_alloc(b, list_of(r, i), count[i]);
    unsigned primary = 0;   /* the primary situation's bit of rentry.sits */
    for (size_t i = 0; i < NSITS; i++)
        if (r->situation.id && !strcmp(r->situation.id, sits[i]))
            primary = 1u << i;
    for (size_t i = 0; i < nf && !b->oom; i++) {
        const eng_fact *f = fv[i].f;
        kb_list *l = list_of(r, fv[i].rel);
        kb_item *it = &l->v[l->n++];
        const rentry *re;
        switch (fv[i].rel) {
        case R_MODEL:
            re = fill(b, it, K_MODEL, eng_fact_value(f, 2), f, 0);
            it->number = value_number(eng_fact_value(f, 3));
            it->rank = !(r->model.id && !strcmp(it->id, r->model.id));
            it->order = (size_t)(re->rank > 0 ? re->rank : 0);
            break;
        case R_NEED:
            fill(b, it, K_PERSONA, eng_fact_value(f, 2), f, 1);
            break;
        case R_FINANCE:
            fill(b, it, K_FINANCE, eng_fact_value(f, 2), f, 0);
            break;
        case R_ADVICE:
            re = fill(b, it, K_ADVICE, eng_fact_value(f, 1), f, 0);
            it->rank = re->rank;
            it->who = re->who;
            it->units = re->units;
            it->unit_titles = re->unit_titles;
            it->own_situation = (re->sits & primary) != 0;
            it->order = re->order;
            it->number = -1;
            if (re->dim >= 0) {
                it->dimension = (char *)dims[re->dim];
                it->number = dimfacts[re->dim] ?
                    value_number(eng_fact_value(dimfacts[re->dim], 2)) : 0;
            }
            break;
        default:
            fill_unit(b, it, f);
            r->journey_minutes += (long)it->number;
        }
    }
    if (fv != some)
        free(fv);
    list_alloc(b, &r->scores, NSITS);
    for (size_t i = 0; i < NSITS && !b->oom; i++) {
        kb_item *it = &r->scores.v[r->scores.n++];
        fill(b, it, K_SITUATION, c->sit[i], scorefacts[i], 0);
        it->number = scorefacts[i] ? value_number(eng_fact_value(scorefacts[i], 3)) : 0;
        if (primary == 1u << i)
            r->situation.number = it->number;
        if (r->secondary.id && !strcmp(r->secondary.id, sits[i]))
            r->secondary.number = it->number;
    }
    double lo = 5, hi = -1;
    list_alloc(b, &r->dimensions, NDIMS);
    for (size_t i = 0; i < NDIMS && !b->oom; i++) {
        kb_item *it = &r->dimensions.v[r->dimensions.n++];
        fill(b, it, K_DIMENSION, c->dim[i], dimfacts[i], 1);
        it->number = dimfacts[i] ? value_number(eng_fact_value(dimfacts[i], 2)) : 0;
        if (it->number < lo) lo = it->number;
        if (it->number > hi) hi = it->number;
    }
    r->weakest_first = hi - lo >= 2;
    journey_reasons(b, shape, nshape, more_shape);
    if (b->oom)
        return;     /* the report is dropped; an item may lack its id */
    if (r->advice.n)
        qsort(r->advice.v, r->advice.n, sizeof *r->advice.v, cmp_advice);
    if (r->journey.n)
        qsort(r->journey.v, r->journey.n, sizeof *r->journey.v, cmp_journey);
    if (r->models.n)
        qsort(r->models.v, r->models.n, sizeof *r->models.v, cmp_model);
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
    if (!k->rcat && rcat_build(k))
        return ENG_ENOMEM;
    b.e = k->e;
    b.cat = k->rcat;
    report_mem *m = b.cat->reports;
    if (m) {
        b.cat->reports = m->next;
        b.cat->nreports--;
    } else if (!(m = malloc(sizeof *m + sizeof(chunk) + FIRST_CHUNK))) {
        return ENG_ENOMEM;
    }
    memset(m, 0, sizeof *m);
    m->cat = b.cat;
    m->chunks = first_chunk(m);
    m->chunks->next = NULL;
    m->chunks->used = 0;
    m->chunks->size = FIRST_CHUNK;
    b.r = &m->r;
    b.mem = &m->chunks;
    respondent = respondent ? respondent : "";
    b.r->respondent = keep(&b, respondent, strlen(respondent));
    if (!b.oom)
        collect(&b);
    tmp_release(&b);
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
    /* the lists too; a large block may sit behind the first chunk */
    for (chunk *c = m->chunks, *next; c; c = next) {
        next = c->next;
        if (c != first_chunk(m))
            free(c);
    }
    if (m->cat->nreports < KEEP_REPORTS) {
        m->next = m->cat->reports;
        m->cat->reports = m;
        m->cat->nreports++;
    } else {
        free(m);
    }
}
