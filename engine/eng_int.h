/*
 * eng_int.h -- internals shared between the engine's files.  Nothing here
 * is part of the public contract (engine.h).
 *
 * Files: value.c (atoms, values, numbers, diagnostics, memory),
 * parse.c (lexer and parser of CE / action / expression text),
 * compile.c (rules -> match network), rete.c (working memory, matching,
 * agenda, firing), load.c (INI files, questions, facts, tests, answers).
 */
#ifndef LDT_ENG_INT_H
#define LDT_ENG_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "engine.h"

#define ENG_TOKPOOL 64              /* token free lists by fact count */
#define ENG_MAX_ARITY 255           /* values in one fact, relation included */
#define ENG_DEFAULT_FIRINGS 100000L
#define ENG_MAX_DIAGS 500           /* then one "too many" note */
#define ENG_MAX_DEPTH 200           /* expression nesting */
#define ENG_MAX_SALIENCE 10000
#define ENG_MAX_KB_FILE ((size_t)16 << 20)      /* bytes in one KB file */
/* Answers files are streamed and have no size limit; what one respondent
 * may hold is limited instead, so that memory stays bounded. */
#define ENG_MAX_ANSWER ((size_t)1 << 20)        /* bytes in one answer */
#define ENG_MAX_RESPONDENT ((size_t)4 << 20)    /* in all of a respondent's */

/* ------------------------------------------------------------ memory */

typedef struct eng_scratch {
    char *p, *end;
    char *chunks;               /* newest first: next pointer, then size */
} eng_scratch;
typedef eng_scratch eng_scratch_mark;

void *eng_mem(eng_engine *e, void *p, size_t n);   /* realloc; n==0 frees */
void *eng_malloc(eng_engine *e, size_t n);
void *eng_calloc(eng_engine *e, size_t n);
void eng_release(eng_engine *e, void *p);
char *eng_strndup(eng_engine *e, const char *s, size_t n);

/* A growable byte buffer. */
typedef struct ebuf {
    char *p;            /* NUL-terminated when len > 0 or after ebuf_str */
    size_t len, cap;
    int oom;            /* an append failed: contents are incomplete */
} ebuf;
void ebuf_add(eng_engine *e, ebuf *b, const char *s, size_t n);
/* ebuf_add for the few bytes of a signature: the copy is inlined while the
 * buffer has room */
static inline void ebuf_add_small(eng_engine *e, ebuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 <= b->cap && !b->oom) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
    } else {
        ebuf_add(e, b, s, n);
    }
}
void ebuf_puts(eng_engine *e, ebuf *b, const char *s);
void ebuf_printf(eng_engine *e, ebuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void ebuf_free(eng_engine *e, ebuf *b);

/* A growable array of pointers. */
typedef struct pvec {
    void **v;
    size_t n, cap;
} pvec;
int pvec_push(eng_engine *e, pvec *pv, void *p);   /* 0 ok, -1 oom */
int pvec_push_scratch(eng_engine *e, pvec *pv, void *p);  /* in the scratch arena */
void pvec_free(eng_engine *e, pvec *pv);

/* A string -> pointer hash map (keys copied): open addressing, each slot
 * keeping its key's hash, so a probe touches an entry only when the hashes
 * agree (a missing key costs one read of the slot array). */
typedef struct smap_ent {
    size_t len;                 /* keys may hold NUL bytes */
    void *val;
    char key[];
} smap_ent;
typedef struct smap_slot {
    uint32_t hash;
    smap_ent *x;                /* NULL: empty */
} smap_slot;
typedef struct smap {
    smap_slot *b;
    size_t nb, n;               /* nb a power of two, n <= nb * 3 / 4 */
    int arena;                  /* entries live in the engine's arena */
    /* otherwise in blocks of the map's own, freed together: a map of
     * 25,000 signatures makes 20 allocations, not 25,000 */
    char *blk;                  /* the newest; its first word the one before */
    size_t blkused, blkcap;
} smap;
void *smap_get(const smap *m, const char *key, size_t len);
int smap_put(eng_engine *e, smap *m, const char *key, size_t len, void *val);
void smap_free(eng_engine *e, smap *m);

uint32_t eng_hash_bytes(const char *s, size_t n);
/* Writes a 9-byte key that identifies V (type + payload, padding zeroed). */
static inline uint64_t eng_value_bits(eng_value v)
{
    uint64_t x = 0;
    if (v.type == ENG_INT) x = (uint64_t)v.u.i;
    else if (v.type == ENG_REAL) __builtin_memcpy(&x, &v.u.r, 8);
    else x = v.u.atom;
    return x;
}
static inline void eng_value_key(eng_value v, char key[9])
{
    uint64_t x = eng_value_bits(v);
    key[0] = (char)v.type;
    __builtin_memcpy(key + 1, &x, 8);
}
/* A value's hash (type and payload through a 64-bit finaliser); inline:
 * every join hashes its keys with it. */
static inline uint32_t eng_hash_value(eng_value v)
{
    uint64_t x = eng_value_bits(v);
    x ^= (uint64_t)v.type << 56;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (uint32_t)x;
}
/* The hash of a sequence of values (a fact, a join key): each value is
 * folded in with one multiply and the sum mixed once at the end, which
 * costs a third of a finaliser per value. */
static inline uint64_t eng_hash_fold(uint64_t h, eng_value v)
{
    return (h ^ eng_value_bits(v) ^ ((uint64_t)v.type << 56)) * 0x9e3779b97f4a7c15ULL;
}
static inline uint32_t eng_hash_end(uint64_t h)
{
    h ^= h >> 31;
    h *= 0xd6e8feb86659fd93ULL;
    return (uint32_t)(h >> 32);
}
/* eng_value_equal, inline for the match's inner loops. */
static inline int eng_val_eq(eng_value a, eng_value b)
{
    if (a.type != b.type)
        return 0;
    if (a.type == ENG_REAL)
        return a.u.r == b.u.r;
    return a.type == ENG_INT ? a.u.i == b.u.i : a.u.atom == b.u.atom;
}
static inline uint32_t eng_hash_mix(uint32_t h, uint32_t x)
{
    h ^= x + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

/* ------------------------------------------------------------ atoms */

typedef struct atom {
    uint32_t hash, len, id;
    struct atom *next;      /* hash chain */
    char text[];
} atom;

const char *eng_atom(const eng_engine *e, uint32_t id, size_t *len);
int eng_intern_sym(eng_engine *e, const char *s, eng_value *out); /* NUL-terminated */

/* numbers */
eng_value eng_num_real(double d);   /* normalises integral values to ints */
static inline eng_value eng_num_int(int64_t i)
{
    eng_value v;
    v.type = ENG_INT;
    v.u.i = i;
    return v;
}
static inline int eng_is_num(eng_value v)
{
    return v.type == ENG_INT || v.type == ENG_REAL;
}
static inline double eng_num_d(eng_value v)
{
    return v.type == ENG_INT ? (double)v.u.i : v.u.r;
}
/* Parses a number literal of N bytes; 0 ok, -1 not a number. */
int eng_parse_number(const char *s, size_t n, eng_value *out);
/* Compares numbers or texts: <0, 0, >0; *ok=0 when kinds do not compare. */
int eng_value_cmp(const eng_engine *e, eng_value a, eng_value b, int *ok);

/* ------------------------------------------------------------ diagnostics */

void eng_diagv(eng_engine *e, eng_severity sev, const char *path, int line,
               int col, int span, const char *src, const char *fmt,
               va_list ap);
void eng_diagf(eng_engine *e, eng_severity sev, const char *path, int line,
               int col, int span, const char *src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;
const char *eng_path_intern(eng_engine *e, const char *path);
void eng_diag_truncate(eng_engine *e, size_t n);
/* The closest of CANDS to WORD within a small edit distance, or NULL. */
const char *eng_did_you_mean(const char *word, const char *const *cands,
                             size_t n);

/* ------------------------------------------------------------ expressions */

enum {
    X_CONST, X_REF, X_ADD, X_SUB, X_MUL, X_DIV, X_NEG,
    X_EQ, X_NE, X_LT, X_LE, X_GT, X_GE, X_IN, X_MATCH,
    X_AND, X_OR, X_NOT
};

#define SLOT_CAND 0xffff    /* X_REF slot meaning "the fact being matched" */

typedef struct regex {
    pcre2_code *code;
    pcre2_match_data *md;
    char *src;                  /* the /pattern/flags text, for messages */
    const char *path;           /* where it was written */
    int line, col;
    int warned;                 /* a limit warning was already given */
} regex;

typedef struct expr {
    uint8_t op;
    uint8_t isbool;             /* yields true/false rather than a value */
    uint16_t slot, pos;         /* X_REF: pattern slot, field index */
    int line, col;              /* for runtime error messages */
    eng_value k;                /* X_CONST */
    struct expr *a, *b;         /* operands */
    struct expr **set;          /* X_IN: members */
    size_t nset;
    regex *re;                  /* X_MATCH */
} expr;

/* ------------------------------------------------------------ parse trees */

enum { TERM_CONST, TERM_VAR, TERM_WILD, TERM_EXPR };

typedef struct pterm {
    int kind;
    eng_value k;                /* TERM_CONST */
    const char *var;            /* TERM_VAR: name without '?' (arena) */
    struct pexpr *x;            /* TERM_EXPR */
    int line, col, span;
} pterm;

/* Expression as parsed, with variable names still unresolved. */
typedef struct pexpr {
    uint8_t op;
    uint8_t isbool;
    const char *var;            /* X_REF: name */
    eng_value k;
    struct pexpr *a, *b;
    struct pexpr **set;
    size_t nset;
    regex *re;
    int line, col, span;
} pexpr;

enum { CE_PATTERN, CE_NOT, CE_EXISTS, CE_TEST };

typedef struct pce {
    int kind;
    const char *factvar;        /* ?f <- ... (name), or NULL */
    int fline, fcol;
    eng_value rel;
    int rline, rcol, rspan;
    pterm *terms;               /* after the relation */
    size_t nterms;
    pexpr **cons;               /* trailing (EXPR) constraints / the test */
    size_t ncons;
    int line, col;
    const char *text;           /* as written */
} pce;

typedef struct cond {           /* a rule's or question's condition, kept */
    const char *text;           /* as written (interned: conditions repeat) */
    eng_value *k;               /* patterns: k[i] is the constant at place i
                                   when isk[i], the bytes after k[size - 1] */
    struct amem *am;            /* patterns: the alpha memory it reads */
    struct node *node;          /* patterns: its join / not / exists node */
    struct expr *x;             /* tests: as compiled (refs to the pattern
                                   it runs at are SLOT_CAND) */
    int line, col;
    int onpat;                  /* tests: the condition it runs at, or -1 */
    uint8_t kind;               /* CE_* */
    uint8_t alpha;              /* tests: folded into that pattern's alpha */
    uint16_t size;              /* patterns: values, relation included */
} cond;
#define COND_ISK(c) ((uint8_t *)((c)->k + (c)->size))

enum { ACT_ASSERT, ACT_RETRACT, ACT_ADD, ACT_HALT };

typedef struct pact {
    int kind;
    eng_value rel;
    pterm *terms;
    size_t nterms;
    int line, col;
} pact;

/* Where parsed text came from: maps byte offsets of a (possibly joined)
 * value back to file positions. */
typedef struct seg {
    size_t off;                 /* offset in the joined value */
    int line, col;
    const char *text;           /* the physical line (for carets) */
} seg;

typedef struct srcmap {
    const char *path;
    const seg *segs;
    size_t nsegs;
} srcmap;

/* The offset of the first byte of S (N bytes) that is not UTF-8, or -1. */
long eng_utf8_bad(const unsigned char *s, size_t n);
/* Length of the symbol that starts S (at most N bytes), 0 if none does. */
/* Whether the N bytes of U hold a C1 control (U+0080..U+009F: 0xc2 then
 * 0x80..0x9f) at byte I, I < N.  Text treats one as a C0 control: no
 * symbol or text answer holds one, and output shows it as \xHH. */
static inline int eng_c1_at(const unsigned char *u, size_t i, size_t n)
{
    return u[i] == 0xc2 && i + 1 < n && (u[i + 1] & 0xe0) == 0x80;
}
size_t eng_symbol_len(const char *s, size_t n);
void eng_srcmap_pos(const srcmap *m, size_t off, int *line, int *col,
                    const char **text);

/* An arena: many small allocations freed together with the engine.
 * eng_arena and eng_arena_line (64-byte aligned) give zeroed memory and
 * are inline (below struct eng_engine); eng_arena_more takes a chunk for
 * what does not fit in the current one. */
void *eng_arena_more(eng_engine *e, size_t n, size_t align);
char *eng_arena_str(eng_engine *e, const char *s, size_t n);

/* The scratch arena holds parse trees, which live only until what was
 * parsed is compiled: a caller marks it, parses and compiles, and rewinds
 * it to the mark, giving back every chunk taken since.  So a big
 * knowledge base never holds its parse trees all at once, and parsing at
 * run time (queries, explanations) takes no memory for good. */
void *eng_scratch_more(eng_engine *e, size_t n);   /* eng_scratch_raw's new chunk */
void eng_prefault(void *p, size_t n);
char *eng_scratch_str(eng_engine *e, const char *s, size_t n);
eng_scratch_mark eng_scratch_get(const eng_engine *e);
void eng_scratch_rewind(eng_engine *e, eng_scratch_mark m);
void eng_scratch_free(eng_engine *e);

/* Parsers: return NULL after reporting a diagnostic through M. */
pce *eng_parse_ce(eng_engine *e, const srcmap *m, const char *s, size_t n);
pact *eng_parse_action(eng_engine *e, const srcmap *m, const char *s,
                       size_t n);
/* A fact's values (constants only): returns count or -1 (diagnostic when
 * M is non-NULL). */
long eng_parse_fact(eng_engine *e, const srcmap *m, const char *s, size_t n,
                    eng_value *out, size_t max);
void eng_regex_free(eng_engine *e, regex *re);

/* ------------------------------------------------------------ network */

/* Working memory has an arena of its own: facts, alpha memory entries,
 * tokens and the bucket arrays of memories.  A reset either rewinds it
 * whole, or copies back the bytes saved right after the first reset (the
 * snapshot), which gives back the [facts] facts and every partial match
 * and activation on them exactly as a fresh reset builds them. */
typedef struct wm_chunk {
    char *p;
    size_t cap, used;
    char *snap;                 /* the first snap_used bytes at snapshot */
    size_t snap_used;
} wm_chunk;

typedef struct fact_ent fact_ent;
typedef struct tok tok;
typedef struct node node;
typedef struct amem amem;

struct eng_fact {
    uint64_t id;                /* time tag, 1.. since reset */
    uint32_t hash;              /* of all values */
    uint32_t phash;             /* of all values but the last (for add) */
    eng_fact *hnext;            /* fact set chain */
    eng_fact *pnext;            /* prefix index chain */
    eng_fact *lnext, *lprev;    /* live list in assertion order */
    eng_fact *anext;            /* every fact since reset (to free) */
    fact_ent *ents;             /* alpha memory entries holding this fact */
    tok *toks;                  /* tokens whose newest fact is this one */
    const eng_rule *rule;       /* deriving rule (ENG_FROM_RULE) */
    eng_fact **support;         /* matched facts (ENG_FROM_RULE) */
    const char *src;            /* source path (ENG_FROM_FACTS) */
    int srcline;
    uint16_t nsupport;
    uint8_t origin;             /* eng_origin */
    uint8_t live;
    uint16_t n;                 /* values, relation included */
    eng_value v[];
};

/* An alpha memory entry: one fact in one alpha memory's hash bucket. */
struct fact_ent {
    eng_fact *f;
    amem *am;
    fact_ent *bnext, *bprev;    /* bucket */
    fact_ent *fnext;            /* next entry of the same fact */
    uint32_t key;               /* hash of the join key fields */
};

typedef struct ctest {          /* constant test on a field */
    uint16_t pos;
    eng_value k;
} ctest;

typedef struct eqtest {         /* two fields of one fact are equal */
    uint16_t pos, pos0;
} eqtest;

/* Facts of one relation and arity that pass constant tests, local
 * equality tests and local expressions; hashed on KEYPOS fields.  The
 * fields are in the order a fact meets them: the tests (every fact of the
 * relation, or with its first value, runs them), then the memory and its
 * successors (the facts that pass); the rest is read at load and reset.
 * Memories start on a cache line of their own (see eng_arena_line). */
struct amem {
    amem *dnext;                /* next in the dispatch list */
    ctest *ct;  eqtest *eq;
    expr **xt;                  /* tests with refs to SLOT_CAND only */
    uint16_t nct, neq;
    uint32_t nxt;
    uint32_t gen;               /* = e->wm_gen: changed since the snapshot */
    uint8_t ctskip;             /* ct[0] is the dispatch key: always holds */
    uint8_t st;                 /* xt[0] is `field OP constant`: */
    uint8_t st_op;              /*   OP (X_EQ..X_GE), the field on the left */
    uint8_t st_pos;             /*   the field (below ENG_MAX_ARITY) */
    eng_value st_k;             /*   the constant */
    /* second line */
    fact_ent **b;               /* buckets */
    size_t nb, count;
    uint16_t *keypos;
    uint32_t nkey;
    uint8_t snap0;              /* empty, with no buckets, at the snapshot */
    node **sv;                  /* successors, newest (deepest) first (built at reset) */
    uint8_t *live;              /* sv[i] has tokens in its left memory */
    size_t nsv;
    /* cold */
    fact_ent **snap_b; size_t snap_nb, snap_count;
    uint32_t id;
    uint16_t arity;
    eng_value rel;
    node *succ;                 /* successors as a list, while compiling */
    amem *dtail;                /* the list's last (on its first amem only) */
};

enum { N_TOP, N_JOIN, N_NEG, N_EXISTS, N_TERM, N_QUERY };

typedef struct keyref {         /* join key: left value <-> fact field */
    uint16_t slot, pos;         /* in the token */
} keyref;

/* A node's first cache line has what every activation reads, and all a
 * reset needs for a memory that was empty at the snapshot; the second what
 * a join reads, the rest of the snapshot, and what load and explanations
 * use.  Nodes take two cache lines, starting on one of their own. */
struct node {
    uint8_t type;
    uint8_t snap0;              /* empty, with no buckets, at the snapshot */
    uint16_t depth;             /* facts in tokens held by this node */
    uint32_t gen;               /* = e->wm_gen: changed since the snapshot */
    tok **b; uint32_t nb, count;    /* left memory (hashed on keys) */
    keyref *keys;               /* same order as am->keypos */
    uint16_t nkey;
    uint32_t ntests;            /* beta tests */
    node *kid;                  /* the newest kid; it links the older ones */
    node *sib;                  /* the parent's next older kid */
    uint8_t *live;              /* &am->live[si] (JOIN/NEG/EXISTS, after the first reset) */
    /* second line */
    amem *am;                   /* JOIN/NEG/EXISTS */
    expr **tests;
    union {
        eng_rule *rule;         /* TERM */
        long snap_matches;      /* QUERY: q->matches at snapshot */
    } u;
    tok **snap_b; uint32_t snap_nb, snap_count;     /* the memory at snapshot */
    eng_question *q;            /* QUERY */
    node *rnext;                /* next successor of am */
    /* tests[0] when it is `?a OP ?b` (X_EQ..X_GE in ft_op, else 0): where
     * its two values are, so that a join reads them without walking the
     * expression (ft_as, ft_bs: token slots, or SLOT_CAND for the fact) */
    uint8_t ft_op, ft_apos, ft_bpos;
    uint16_t ft_as, ft_bs;
};

struct tok {
    tok *parent;                /* token this one extends */
    node *node;                 /* node whose left memory holds it */
    tok *kid, *knext, *kprev;   /* children tokens */
    tok *fnext, *fprev;         /* tokens of the same newest fact */
    tok *bnext, *bprev;         /* left memory bucket / terminal list */
    union {
        struct { tok *anext, *aprev; };     /* agenda (TERM, unfired) */
        /* NEG/EXISTS: a fact of the memory that matches, or NULL.  Only
         * a change to this fact can unblock the token, so the others
         * that come and go are not tested against it. */
        eng_fact *match;
    };
    uint32_t hash;              /* key hash in node's memory */
    uint8_t onagenda;
    uint8_t inmem;              /* linked into node's memory */
    uint8_t hasf;               /* facts[n - 1] is new in this token (a join's
                                   fact; not so for NEG/EXISTS/TOP) */
    uint16_t n;
    eng_fact *facts[];          /* facts of the positive patterns */
};

/* ------------------------------------------------------------ rules */

typedef struct cterm {          /* compiled action term */
    uint8_t kind;               /* TERM_CONST, TERM_EXPR (with refs) */
    eng_value k;
    expr *x;
} cterm;

typedef struct cact {
    int kind;
    eng_value rel;
    cterm *terms; size_t nterms;
    uint16_t slot;              /* ACT_RETRACT: fact slot */
    int line, col;
} cact;

typedef struct btpl {           /* because template piece */
    const char *text; size_t len;   /* literal, or NULL for a ref */
    uint16_t slot, pos;
    eng_value label;                /* {?var|REL}: REL, else type 0 */
    int grouped;                    /* {?var|,}: digits in groups of three */
    int line, col;                  /* of REL, for lint */
    int vline, vcol;                /* of the '{', for lint */
} btpl;

typedef struct level level;

/* What a firing reads comes first, on a cache line of its own; rules take
 * two lines. */
struct eng_rule {
    level *lvl;
    cact *acts; size_t nacts;
    long fired;                 /* since eng_new */
    long run_fired;             /* in the current run */
    uint32_t run_gen;
    int salience;
    node *term;
    size_t index;
    /* cold */
    const char *name, *path;
    btpl *because;
    cond *conds;                /* the when lines, for introspection */
    int line;                   /* of the [rule NAME] header */
    int col;                    /*   and of NAME in it */
    uint8_t has_because;
    uint16_t npos;              /* positive patterns */
    uint32_t nbecause;
    uint32_t nconds;
};

struct level {
    int salience;
    uint32_t idx;               /* its place in e->levels */
    tok *head, *tail;           /* activations, in firing order */
};

typedef struct qopt {
    const char *value, *label;
    size_t len;                 /* of VALUE */
    const eng_engine *sym_e;    /* VALUE is interned in this engine, as */
    uint32_t sym;               /*   atom SYM (set when first interned) */
} qopt;

struct eng_question {
    const char *id, *group, *text, *help, *path;
    int line;
    eng_qtype type;
    qopt *opts; size_t nopts;
    int has_min, has_max;
    int integer;                /* whole numbers only */
    double min, max;
    regex *pattern;
    node *query;                /* ask_if network, or NULL */
    cond *conds; size_t nconds; /* the ask_if lines */
    int never;                  /* ask_if can never hold */
    long matches;               /* tokens at the query node */
    size_t index;               /* in eng_question_at order */
    eng_value idv;              /* the id as a symbol */
};

typedef struct tanswer {
    const eng_question *q;
    eng_value *vals; size_t nvals;
    int line;
} tanswer;

typedef struct texpect {
    int negate;
    const char *text;           /* the pattern as written */
    int line;
} texpect;

struct eng_test {
    const char *name, *path;
    int line;
    tanswer *ans; size_t nans;
    texpect *exp; size_t nexp;
};

typedef struct rfact {          /* a fact asserted at reset */
    eng_value *v;
    size_t n;
    const char *path;
    int line;
} rfact;

typedef struct vslot {          /* a dispatch list by its first value */
    uint64_t x;                 /* the value's payload (eng_value_key) */
    uint32_t hash;              /* eng_hash_value of the value */
    uint8_t type;               /* 0: empty slot */
    amem *head;
} vslot;

typedef struct reldisp {        /* alpha dispatch for one relation/arity */
    eng_value rel;
    uint16_t arity;
    vslot *byval;               /* field-1 constant -> amem list: open */
    size_t nbyval, nb;          /*   addressing, at most 3/4 full */
    amem *rest;                 /* amems without a constant in field 1 */
    amem *rest_tail;
    struct reldisp *next;
} reldisp;

/* The dispatch list of D for first value V (by type and payload), or NULL. */
static inline amem *eng_disp_find(const reldisp *d, eng_value v)
{
    if (!d->nb)
        return NULL;
    uint64_t x = eng_value_bits(v);
    size_t mask = d->nb - 1;
    for (size_t i = eng_hash_value(v) & mask;; i = (i + 1) & mask) {
        const vslot *sl = &d->byval[i];
        if (!sl->type)
            return NULL;
        if (sl->type == v.type && sl->x == x)
            return sl->head;
    }
}

struct eng_engine {
    eng_config cfg;
    /* atoms */
    atom **atoms; size_t natoms, capatoms;
    atom **abuckets; size_t nabuckets;
    /* arena */
    char *arena, *arena_end;
    void *arena_chunks;
    eng_scratch scratch;        /* parse trees: see eng_scratch */
    char *scratch_spare;        /* free chunks kept for the next section */
    const eng_rule *xrule;      /* the rule eng_rule_why_not explains, and */
    pce **xtrees;               /*   its conditions parsed again (scratch) */
    size_t nscratch_spare;
    int transient;              /* parsing again what was compiled */
    /* diagnostics */
    eng_diag *diags; size_t ndiags, capdiags, nerrors;
    int diag_overflow;
    smap paths;
    const char *path_last;      /* the copy eng_path_intern gave last */
    smap files;                 /* device + inode of each KB file read: a
                                   file is loaded once however it is named */
    /* knowledge base */
    pvec rules, questions, tests, entries;
    smap rule_names, question_names, test_names, fact_names, entry_names;
    smap question_ids;          /* id -> eng_question*, the valid ones */
    smap kinds;
    pvec kindlist;              /* declared catalogue kinds, in order */
    pvec pending_tests;         /* tests whose answers await checking */
    pvec rfacts;                /* rfact* */
    pvec levels;                /* level*, salience descending */
    node *top;
    pvec allnodes;              /* node*, for freeing their arrays */
    pvec allamems;              /* amem*, in the order made */
    smap amems, nodes;          /* sharing by signature */
    ebuf sig;                   /* scratch for building signatures */
    reldisp **disp; size_t ndisp;   /* hash table of reldisp chains */
    uint32_t namems, nnodes;
    pvec regexes;               /* regex*, freed with the engine */
    pcre2_general_context *gctx;
    pcre2_compile_context *cctx;
    pcre2_match_context *mctx;
    /* working memory */
    int ready;                  /* eng_reset has run */
    int tests_only;             /* loading a file of scenarios (eng_load_tests):
                                   1, or 2 once it is refused */
    const char *tests_path;     /* ... the path given to eng_load_tests */
    int linked;                 /* successor arrays are built */
    eng_fact **fset; size_t nfset, nfacts;
    size_t peak_facts;          /* most live facts in any run so far */
    eng_fact **pset;            /* prefix index, same size as fset */
    eng_fact *lhead, *ltail;    /* live facts */
    eng_fact *all;              /* all facts since reset */
    uint64_t next_id;
    tok *root;
    pvec inputs;                /* eng_fact* asserted by eng_assert */
    tok *tokpool[ENG_TOKPOOL];  /* free tokens by fact count */
    tok *bigpool;               /* free tokens of more facts */
    fact_ent *entpool;          /* free alpha memory entries */
    size_t nagenda;
    /* the working-memory arena and its snapshot */
    wm_chunk *wm; size_t nwm, capwm, wmcur, wmtotal;
    struct wm_saved *snap;      /* engine fields at snapshot, or NULL */
    int snap_ok;                /* reset may restore the snapshot */
    unsigned nbuilds;           /* resets built afresh */
    uint32_t wm_gen;
    node **dirty_n; size_t ndirty_n;    /* changed since the snapshot */
    amem **dirty_a; size_t ndirty_a;
    eng_strategy strategy;
    size_t agenda_top;          /* every level before this one is empty */
    int halted;
    uint32_t run_gen;
    pvec run_rules;             /* rules fired in this run */
    eng_listener listener;
    void *listener_ud;
    int runtime_error;          /* set by actions; checked by eng_run */
    int oom;                    /* an allocation failed during propagation */
    eng_value sym_answer;
};

/* The arenas' allocations, inline: most are small, of a size known where
 * they are made, so that clearing one takes a few stores rather than a
 * call to memset, and taking it a compare and an add. */
static inline void *eng_arena_align(eng_engine *e, size_t n, size_t align)
{
    n = (n + 15) & ~(size_t)15;
    size_t pad = (size_t)(-(uintptr_t)e->arena & (align - 1));
    if (!e->arena || (size_t)(e->arena_end - e->arena) < pad + n)
        return eng_arena_more(e, n, align);
    char *p = e->arena + pad;
    e->arena = p + n;
    memset(p, 0, n);
    return p;
}

static inline void *eng_arena(eng_engine *e, size_t n)
{
    return eng_arena_align(e, n, 16);
}

/* For the network's nodes and memories, whose hot fields are laid out to
 * fill one cache line. */
static inline void *eng_arena_line(eng_engine *e, size_t n)
{
    return eng_arena_align(e, n, 64);
}

/* N bytes of the scratch arena, not zeroed. */
static inline void *eng_scratch_raw(eng_engine *e, size_t n)
{
    eng_scratch *a = &e->scratch;
    size_t m = (n + 15) & ~(size_t)15;
    if ((size_t)(a->end - a->p) < m)
        return eng_scratch_more(e, m);
    void *p = a->p;
    a->p += m;
    return p;
}

/* N bytes of the scratch arena, zeroed. */
static inline void *eng_scratch_alloc(eng_engine *e, size_t n)
{
    void *p = eng_scratch_raw(e, n);
    if (p)
        memset(p, 0, n);
    return p;
}

/* compile.c */
int eng_compile_rule(eng_engine *e, eng_rule *r, pce **ces, size_t nces,
                     const srcmap *bmap, const char *because, size_t blen,
                     pact **acts, size_t nacts, int check_only);
int eng_compile_query(eng_engine *e, eng_question *q, pce **ces, size_t n);
/* Appends X's signature (for sharing nodes) to B. */
void eng_expr_canon(eng_engine *e, ebuf *b, const expr *x);
/* expressions */
/* `A OP B` (X_EQ..X_GE) decided without the general evaluator when the
 * values are of one type and no text order is needed: 1 true, 0 false,
 * -1 undecided (eng_test_expr decides). */
static inline int eng_cmp_fast(int op, eng_value a, eng_value b)
{
    /* bit c + 1 is set when OP holds for a comparison that gives c */
    static const uint8_t holds[X_GE + 1] = {
        [X_EQ] = 2, [X_NE] = 5, [X_LT] = 1, [X_LE] = 3, [X_GT] = 4, [X_GE] = 6
    };
    int c;
    if (a.type != b.type)
        return -1;
    if (a.type == ENG_INT)
        c = (a.u.i > b.u.i) - (a.u.i < b.u.i);
    else if (a.type == ENG_REAL)
        c = (a.u.r > b.u.r) - (a.u.r < b.u.r);
    else if (a.u.atom == b.u.atom)
        c = 0;
    else if (op == X_EQ || op == X_NE)
        c = 1;      /* different atoms of one kind: different texts */
    else
        return -1;
    return (holds[op] >> (c + 1)) & 1;
}
int eng_eval(eng_engine *e, const expr *x, eng_fact *const *facts,
             const eng_fact *cand, eng_value *out);
int eng_test_expr(eng_engine *e, const expr *x, eng_fact *const *facts,
                  const eng_fact *cand);    /* 1 true, 0 false/error */
int eng_amem_match(eng_engine *e, const amem *am, const eng_fact *f);
void eng_amem_register(eng_engine *e, amem *am);   /* into dispatch */

/* rete.c */
int eng_beta_ok(eng_engine *e, const node *n, const tok *t, const eng_fact *f);
int eng_keys_equal(const node *n, const tok *t, const eng_fact *f);
void eng_wm_free(eng_engine *e);
int eng_assert_fact(eng_engine *e, const eng_value *v, size_t n,
                    eng_origin origin, const eng_rule *r,
                    eng_fact *const *support, size_t nsupport,
                    const eng_fact *extra, const char *src, int srcline,
                    const eng_fact **out);
void eng_retract_fact(eng_engine *e, eng_fact *f);
void eng_node_left(eng_engine *e, node *n, tok *t);
void eng_rule_runtime_error(eng_engine *e, const eng_rule *r, int line,
                            int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

#endif
