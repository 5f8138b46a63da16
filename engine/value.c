/*
 * value.c -- the engine's ground floor: memory (through the configured
 * allocator), small containers, interned atoms, numbers, value formatting,
 * and the diagnostics list.  Everything above builds on these.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "eng_int.h"

/* ------------------------------------------------------------ memory */

void *eng_mem(eng_engine *e, void *p, size_t n)
{
    if (e->cfg.alloc)
        return e->cfg.alloc(e->cfg.alloc_ud, p, n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, n);
}

void *eng_malloc(eng_engine *e, size_t n)
{
    void *p = eng_mem(e, NULL, n ? n : 1);
    if (!p)
        e->oom = 1;
    return p;
}

void *eng_calloc(eng_engine *e, size_t n)
{
    void *p = eng_malloc(e, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void eng_release(eng_engine *e, void *p)
{
    if (p)
        eng_mem(e, p, 0);
}

char *eng_strndup(eng_engine *e, const char *s, size_t n)
{
    char *p = eng_malloc(e, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Asks the kernel to map the whole pages of [P, P+N) now, in one call,
 * rather than one page fault at a time as they are first written: a chunk
 * the arena or working memory takes is about to be filled.  Advice only:
 * without MADV_POPULATE_WRITE (Linux 5.14) or when it fails, nothing
 * changes. */
void eng_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (b > a)
        (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

/* The arena holds everything that lives as long as the knowledge base:
 * parse trees, compiled rules, names.  Chunks are chained through their
 * first word and freed by eng_free. */
#define ARENA_CHUNK 65536

/* N bytes (a multiple of 16), zeroed, aligned to ALIGN, from a new chunk:
 * eng_arena_align's slow path. */
void *eng_arena_more(eng_engine *e, size_t n, size_t align)
{
    size_t sz = n + 16 + align > ARENA_CHUNK ? n + 16 + align : ARENA_CHUNK;
    char *c = eng_malloc(e, sz);
    if (!c)
        return NULL;
    eng_prefault(c, sz);
    *(void **)c = e->arena_chunks;
    e->arena_chunks = c;
    e->arena = c + 16;
    e->arena_end = c + sz;
    size_t pad = (size_t)(-(uintptr_t)e->arena & (align - 1));
    char *p = e->arena + pad;
    e->arena = p + n;
    memset(p, 0, n);
    return p;
}

/* Scratch chunks start with the next chunk's address and their own size. */
#define SCRATCH_HDR 16

/* N bytes (a multiple of 16) from a new chunk: eng_scratch_raw's slow
 * path. */
void *eng_scratch_more(eng_engine *e, size_t n)
{
    eng_scratch *a = &e->scratch;
    size_t sz = n + SCRATCH_HDR > ARENA_CHUNK ? n + SCRATCH_HDR : ARENA_CHUNK;
    char *c;
    if (sz == ARENA_CHUNK && e->scratch_spare) {
        c = e->scratch_spare;
        memcpy(&e->scratch_spare, c, sizeof e->scratch_spare);
        e->nscratch_spare--;
    } else if (!(c = eng_malloc(e, sz))) {
        return NULL;
    }
    memcpy(c, &a->chunks, sizeof a->chunks);
    memcpy(c + sizeof a->chunks, &sz, sizeof sz);
    a->chunks = c;
    a->p = c + SCRATCH_HDR + n;
    a->end = c + sz;
    return c + SCRATCH_HDR;
}

char *eng_scratch_str(eng_engine *e, const char *s, size_t n)
{
    char *p = eng_scratch_alloc(e, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

eng_scratch_mark eng_scratch_get(const eng_engine *e)
{
    return e->scratch;
}

void eng_scratch_rewind(eng_engine *e, eng_scratch_mark m)
{
    eng_scratch *a = &e->scratch;
    while (a->chunks && a->chunks != m.chunks) {
        char *next;
        size_t sz;
        memcpy(&next, a->chunks, sizeof next);
        memcpy(&sz, a->chunks + sizeof next, sizeof sz);
        /* a few chunks are kept for the next section: rewinding once per
         * section would otherwise free and allocate 64 KB each time */
        if (sz == ARENA_CHUNK && e->nscratch_spare < 8) {
            memcpy(a->chunks, &e->scratch_spare, sizeof next);
            e->scratch_spare = a->chunks;
            e->nscratch_spare++;
        } else {
            eng_release(e, a->chunks);
        }
        a->chunks = next;
    }
    *a = m;
}

void eng_scratch_free(eng_engine *e)
{
    eng_scratch_mark none = {NULL, NULL, NULL};
    eng_scratch_rewind(e, none);
    while (e->scratch_spare) {
        char *next;
        memcpy(&next, e->scratch_spare, sizeof next);
        eng_release(e, e->scratch_spare);
        e->scratch_spare = next;
    }
    e->nscratch_spare = 0;
}

char *eng_arena_str(eng_engine *e, const char *s, size_t n)
{
    char *p = eng_arena(e, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ------------------------------------------------------------ containers */

void ebuf_add(eng_engine *e, ebuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = eng_mem(e, b->p, cap);
        if (!p) {
            e->oom = 1;
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ebuf_puts(eng_engine *e, ebuf *b, const char *s)
{
    ebuf_add(e, b, s, strlen(s));
}

void ebuf_printf(eng_engine *e, ebuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        ebuf_add(e, b, tmp, (size_t)n);
        return;
    }
    char *big = eng_malloc(e, (size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ebuf_add(e, b, big, (size_t)n);
    eng_release(e, big);
}

void ebuf_free(eng_engine *e, ebuf *b)
{
    eng_release(e, b->p);
    memset(b, 0, sizeof *b);
}

int pvec_push(eng_engine *e, pvec *pv, void *p)
{
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 8;
        void **v = eng_mem(e, pv->v, cap * sizeof *v);
        if (!v) {
            e->oom = 1;
            return -1;
        }
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = p;
    return 0;
}

/* The same for a vector in the scratch arena: it grows by copying and is
 * never freed, but goes when the scratch arena is rewound (a parse, a
 * compiled section), with no malloc and free per element list. */
int pvec_push_scratch(eng_engine *e, pvec *pv, void *p)
{
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 8;
        void **v = eng_scratch_raw(e, cap * sizeof *v);
        if (!v) {
            e->oom = 1;
            return -1;
        }
        if (pv->n)
            memcpy(v, pv->v, pv->n * sizeof *v);
        pv->v = v;
        pv->cap = cap;
    }
    pv->v[pv->n++] = p;
    return 0;
}

void pvec_free(eng_engine *e, pvec *pv)
{
    eng_release(e, pv->v);
    memset(pv, 0, sizeof *pv);
}

/* Eight bytes a step, each step a multiply and a shift that spread every
 * input bit over the word; the last, partial word is read as two
 * overlapping loads rather than byte by byte, and the length is mixed in
 * first so that such overlaps cannot make two texts collide.  Not kept
 * anywhere: only the tables of this process use it. */
static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n);           /* n is a constant at every call */
    return w;
}

uint32_t eng_hash_bytes(const char *s, size_t n)
{
    const uint64_t m = 0xbf58476d1ce4e5b9ULL;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * m), w;
    if (n > 8) {
        const unsigned char *end = p + n;
        for (; end - p > 8; p += 8) {
            h = (h ^ load_le(p, 8)) * m;
            h ^= h >> 31;
        }
        w = load_le(end - 8, 8);
    } else if (n >= 4) {
        w = load_le(p, 4) | load_le(p + n - 4, 4) << 32;
    } else if (n) {
        w = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
    } else {
        w = 0;
    }
    h = (h ^ w) * m;
    h ^= h >> 31;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

static smap_slot *smap_find(const smap *m, const char *key, size_t len,
                            uint32_t h)
{
    size_t mask = m->nb - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        smap_slot *sl = &m->b[i];
        if (!sl->x || (sl->hash == h && sl->x->len == len && !memcmp(sl->x->key, key, len)))
            return sl;
    }
}

void *smap_get(const smap *m, const char *key, size_t len)
{
    if (!m->nb)
        return NULL;
    smap_slot *sl = smap_find(m, key, len, eng_hash_bytes(key, len));
    return sl->x ? sl->x->val : NULL;
}

#define SMAP_BLOCK ((size_t)16 << 10)

/* N bytes for an entry of a map that is not in the arena. */
static void *smap_alloc(eng_engine *e, smap *m, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!m->blk || m->blkcap - m->blkused < n) {
        size_t cap = n + sizeof(char *) > SMAP_BLOCK ? n + sizeof(char *) : SMAP_BLOCK;
        char *b = eng_malloc(e, cap);
        if (!b)
            return NULL;
        memcpy(b, &m->blk, sizeof m->blk);
        m->blk = b;
        m->blkused = sizeof(char *);
        m->blkcap = cap;
    }
    void *p = m->blk + m->blkused;
    m->blkused += n;
    return p;
}

int smap_put(eng_engine *e, smap *m, const char *key, size_t len, void *val)
{
    if ((m->n + 1) * 4 > m->nb * 3) {     /* at most 3/4 full */
        size_t nb = m->nb ? m->nb * 2 : 16;
        smap_slot *b = eng_calloc(e, nb * sizeof *b);
        if (!b)
            return -1;
        for (size_t i = 0; i < m->nb; i++)
            if (m->b[i].x) {
                size_t j = m->b[i].hash & (nb - 1);
                while (b[j].x)
                    j = (j + 1) & (nb - 1);
                b[j] = m->b[i];
            }
        eng_release(e, m->b);
        m->b = b;
        m->nb = nb;
    }
    uint32_t h = eng_hash_bytes(key, len);
    smap_slot *sl = smap_find(m, key, len, h);
    if (sl->x) {
        sl->x->val = val;
        return 0;
    }
    smap_ent *x = m->arena ? eng_arena(e, sizeof *x + len + 1)
                           : smap_alloc(e, m, sizeof *x + len + 1);
    if (!x)
        return -1;
    x->len = len;
    x->val = val;
    memcpy(x->key, key, len);
    x->key[len] = '\0';
    sl->hash = h;
    sl->x = x;
    m->n++;
    return 0;
}

void smap_free(eng_engine *e, smap *m)
{
    for (char *b = m->blk, *prev; b; b = prev) {
        memcpy(&prev, b, sizeof prev);
        eng_release(e, b);
    }
    eng_release(e, m->b);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ text */

long eng_utf8_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII, the common case, sixteen bytes at a time */
        if (n - i >= 16) {
            uint64_t w[2];
            memcpy(w, s + i, 16);
            if (!((w[0] | w[1]) & 0x8080808080808080ULL)) {
                i += 16;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
        else return (long)i;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return (long)i;
        i += need + 1;
    }
    return -1;
}

/* ------------------------------------------------------------ atoms */

const char *eng_atom(const eng_engine *e, uint32_t id, size_t *len)
{
    const atom *a = e->atoms[id];
    if (len)
        *len = a->len;
    return a->text;
}

static int atoms_grow(eng_engine *e)
{
    size_t nb = e->nabuckets ? e->nabuckets * 2 : 256;
    atom **b = eng_calloc(e, nb * sizeof *b);
    if (!b)
        return -1;
    for (size_t i = 0; i < e->natoms; i++) {
        atom *a = e->atoms[i];
        a->next = b[a->hash & (nb - 1)];
        b[a->hash & (nb - 1)] = a;
    }
    eng_release(e, e->abuckets);
    e->abuckets = b;
    e->nabuckets = nb;
    return 0;
}

int eng_intern(eng_engine *e, const char *s, size_t len, eng_type type,
               eng_value *out)
{
    uint32_t h = eng_hash_bytes(s, len);
    if (e->nabuckets) {
        for (atom *a = e->abuckets[h & (e->nabuckets - 1)]; a; a = a->next)
            if (a->hash == h && a->len == len && !memcmp(a->text, s, len)) {
                out->type = (uint8_t)type;
                out->u.atom = a->id;
                return ENG_OK;
            }
    }
    if (len > UINT32_MAX - 16 || e->natoms >= UINT32_MAX - 1)
        return ENG_ENOMEM;
    if (e->natoms + 1 > e->nabuckets && atoms_grow(e))
        return ENG_ENOMEM;
    if (e->natoms == e->capatoms) {
        size_t cap = e->capatoms ? e->capatoms * 2 : 256;
        atom **v = eng_mem(e, e->atoms, cap * sizeof *v);
        if (!v) {
            e->oom = 1;
            return ENG_ENOMEM;
        }
        e->atoms = v;
        e->capatoms = cap;
    }
    /* the text is zero-padded to 16 bytes past its end: the regular
     * expression JIT may read a word beyond the subject it matches */
    size_t room = (len + 1 + 15) & ~(size_t)15;
    atom *a = eng_arena(e, sizeof *a + room + 16);  /* zeroed */
    if (!a)
        return ENG_ENOMEM;
    uint32_t id = (uint32_t)e->natoms;
    a->hash = h;
    a->len = (uint32_t)len;
    memcpy(a->text, s, len);
    a->id = id;
    a->next = e->abuckets[h & (e->nabuckets - 1)];
    e->abuckets[h & (e->nabuckets - 1)] = a;
    e->atoms[e->natoms++] = a;
    out->type = (uint8_t)type;
    out->u.atom = id;
    return ENG_OK;
}

int eng_intern_sym(eng_engine *e, const char *s, eng_value *out)
{
    return eng_intern(e, s, strlen(s), ENG_SYMBOL, out);
}

const char *eng_value_text(const eng_engine *e, eng_value v, size_t *len)
{
    if (v.type != ENG_SYMBOL && v.type != ENG_STRING)
        return NULL;
    return eng_atom(e, v.u.atom, len);
}

int eng_value_equal(eng_value a, eng_value b)
{
    return eng_val_eq(a, b);
}

/* ------------------------------------------------------------ numbers */

eng_value eng_num_real(double d)
{
    eng_value v;
    /* Integral values within range are integers, so that 3 and 3.0 are one
     * value (facts are a set) and print as "3". */
    if (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18 &&
        d == floor(d)) {
        v.type = ENG_INT;
        v.u.i = (int64_t)d;
    } else {
        v.type = ENG_REAL;
        v.u.r = d;
    }
    return v;
}

int eng_parse_number(const char *s, size_t n, eng_value *out)
{
    char buf[64];
    size_t i = 0;
    int digits = 0, frac = 0, expo = 0;
    if (n == 0 || n >= sizeof buf)
        return -1;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.') {
        i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            frac++;
        if (!frac)
            return -1;
    }
    if (!digits && !frac)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            expo++;
        if (!expo)
            return -1;
    }
    if (i != n)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!frac && !expo) {
        /* a whole number is held exactly or not at all: one past the
         * 64-bit range would otherwise become a rounded double */
        errno = 0;
        long long ll = strtoll(buf, NULL, 10);
        if (errno == ERANGE)
            return -1;
        *out = eng_num_int(ll);
        return 0;
    }
    errno = 0;
    double d = strtod(buf, NULL);
    /* a subnormal is a number we can hold; overflow is not, nor a value
     * so small that it reads as 0 although its digits are not all 0 */
    if (!isfinite(d) || (errno == ERANGE && (fabs(d) >= 1.0 || d == 0)))
        return -1;
    *out = eng_num_real(d);
    return 0;
}

/* I against D exactly: converting I to a double would round every
 * integer past 2^53, so 2^63 - 1 would equal the real 2^63. */
static int cmp_int_real(int64_t i, double d)
{
    if (d >= 9.2233720368547758e18)
        return -1;
    if (d < -9.2233720368547758e18)
        return 1;
    double w = trunc(d);            /* within range: exact as an integer */
    int64_t wi = (int64_t)w;
    if (i != wi)
        return (i > wi) - (i < wi);
    return (d < w) - (d > w);
}

int eng_value_cmp(const eng_engine *e, eng_value a, eng_value b, int *ok)
{
    *ok = 1;
    if (eng_is_num(a) && eng_is_num(b)) {
        if (a.type == ENG_INT && b.type == ENG_INT)
            return (a.u.i > b.u.i) - (a.u.i < b.u.i);
        if (a.type == ENG_INT)
            return cmp_int_real(a.u.i, b.u.r);
        if (b.type == ENG_INT)
            return -cmp_int_real(b.u.i, a.u.r);
        double x = a.u.r, y = b.u.r;
        return (x > y) - (x < y);
    }
    if (eng_is_num(a) || eng_is_num(b)) {
        *ok = 0;
        return eng_is_num(a) ? -1 : 1;
    }
    /* Symbols and strings compare by their bytes. */
    size_t la, lb;
    const char *sa = eng_atom(e, a.u.atom, &la);
    const char *sb = eng_atom(e, b.u.atom, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c)
        return c < 0 ? -1 : 1;
    return (la > lb) - (la < lb);
}

static size_t fmt_real(double d, char *out)
{
    /* Shortest %.Ng that reads back to the same double. */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            break;
    }
    /* "1e+20" reads back; make sure an integral-looking real keeps a
     * point so that it is not mistaken for an integer literal. */
    if (!strpbrk(out, ".eEn"))
        strcat(out, ".0");
    return strlen(out);
}

size_t eng_value_format(const eng_engine *e, eng_value v, char *buf,
                        size_t size)
{
    char tmp[48];
    size_t n = 0;
    const char *src = tmp;
    switch (v.type) {
    case ENG_INT: {
        /* digits from the end: integers are most of what is formatted
         * (scores, counts in sentences), and printf is slow at them */
        uint64_t u = v.u.i < 0 ? 0 - (uint64_t)v.u.i : (uint64_t)v.u.i;
        char *p = tmp + sizeof tmp;
        do
            *--p = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (v.u.i < 0)
            *--p = '-';
        src = p;
        n = (size_t)(tmp + sizeof tmp - p);
        break;
    }
    case ENG_REAL:
        n = fmt_real(v.u.r, tmp);
        break;
    case ENG_SYMBOL:
        src = eng_atom(e, v.u.atom, &n);
        break;
    case ENG_STRING: {
        size_t len;
        const char *s = eng_atom(e, v.u.atom, &len);
        /* a C1 control (U+0080 to U+009F, 0xc2 0x80..0x9f in UTF-8) is
         * shown as its two bytes' \xHH, as C0 controls are: it too could
         * drive a terminal, and the parser reads it back the same */
#define C1_AT(i) eng_c1_at((const unsigned char *)s, i, len)
        size_t need = 2;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            need += (c == '"' || c == '\\' || c == '\n' || c == '\t' ||
                     c == '\r') ? 2 : (c < 0x20 || c == 0x7f || C1_AT(i)) ? 4 : 1;
            if (C1_AT(i))
                need += 4, i++;
        }
        size_t o = 0;
#define PUT(ch) do { if (o + 1 < size) buf[o] = (char)(ch); o++; } while (0)
        PUT('"');
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\') { PUT('\\'); PUT(c); }
            else if (c == '\n') { PUT('\\'); PUT('n'); }
            else if (c == '\t') { PUT('\\'); PUT('t'); }
            else if (c == '\r') { PUT('\\'); PUT('r'); }
            else if (c < 0x20 || c == 0x7f || C1_AT(i)) {
                static const char hx[] = "0123456789abcdef";
                PUT('\\'); PUT('x'); PUT(hx[c >> 4]); PUT(hx[c & 15]);
                if (C1_AT(i)) {
                    c = (unsigned char)s[++i];
                    PUT('\\'); PUT('x'); PUT(hx[c >> 4]); PUT(hx[c & 15]);
                }
            } else PUT(c);
        }
        PUT('"');
#undef PUT
#undef C1_AT
        if (size)
            buf[o < size ? o : size - 1] = '\0';
        return need;
    }
    default:
        n = (size_t)snprintf(tmp, sizeof tmp, "<bad value>");
    }
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, src, c);
        buf[c] = '\0';
    }
    return n;
}

/* ------------------------------------------------------------ diagnostics */

const char *eng_path_intern(eng_engine *e, const char *path)
{
    /* most callers pass a copy this gave them (a fact's, a rule's path):
     * the last one is known by its address, without hashing the path */
    if (path == e->path_last)
        return path;
    size_t len = strlen(path);
    const char *p = smap_get(&e->paths, path, len);
    if (p)
        return e->path_last = p;
    char *c = eng_arena_str(e, path, len);
    if (!c)
        return "";
    if (smap_put(e, &e->paths, path, len, c))
        return c;
    return e->path_last = c;
}

void eng_diagv(eng_engine *e, eng_severity sev, const char *path, int line,
               int col, int span, const char *src, const char *fmt,
               va_list ap)
{
    if (sev == ENG_ERROR)
        e->nerrors++;
    if (e->diag_overflow)
        return;
    char msg[1024];
    if (e->ndiags + 1 >= ENG_MAX_DIAGS) {
        /* the last place says that the rest are not shown, where the
         * first of them is: never a silent cut */
        e->diag_overflow = 1;
        sev = ENG_NOTE;
        snprintf(msg, sizeof msg, "too many diagnostics: the first %d are shown, "
                 "the rest from here on are not (their errors still count)",
                 ENG_MAX_DIAGS - 1);
        src = NULL;
        span = 1;
    } else {
        vsnprintf(msg, sizeof msg, fmt, ap);
    }
    if (e->ndiags == e->capdiags) {
        size_t cap = e->capdiags ? e->capdiags * 2 : 16;
        eng_diag *d = eng_mem(e, e->diags, cap * sizeof *d);
        if (!d) {
            e->oom = 1;
            return;
        }
        e->diags = d;
        e->capdiags = cap;
    }
    eng_diag *d = &e->diags[e->ndiags];
    d->severity = sev;
    d->path = path ? eng_path_intern(e, path) : "";
    d->line = line;
    d->col = col;
    d->span = span > 0 ? span : 1;
    d->message = eng_strndup(e, msg, strlen(msg));
    d->source = NULL;
    if (!d->message)
        return;
    if (src) {
        size_t n = strcspn(src, "\r\n");
        if (n > 1000)
            n = 1000;       /* a caret under a huge line helps nobody */
        d->source = eng_strndup(e, src, n);
    }
    e->ndiags++;
}

void eng_diagf(eng_engine *e, eng_severity sev, const char *path, int line,
               int col, int span, const char *src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(e, sev, path, line, col, span, src, fmt, ap);
    va_end(ap);
}

int eng_diag_add(eng_engine *e, eng_severity sev, const char *path, int line,
                 int col, const char *fmt, ...)
{
    size_t before = e->ndiags;
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(e, sev, path, line, col, 1, NULL, fmt, ap);
    va_end(ap);
    return (e->ndiags > before || e->diag_overflow) ? ENG_OK : ENG_ENOMEM;
}

size_t eng_diag_count(const eng_engine *e)
{
    return e->ndiags;
}

const eng_diag *eng_diag_at(const eng_engine *e, size_t i)
{
    return i < e->ndiags ? &e->diags[i] : NULL;
}

size_t eng_error_count(const eng_engine *e)
{
    return e->nerrors;
}

void eng_diag_clear(eng_engine *e)
{
    for (size_t i = 0; i < e->ndiags; i++) {
        eng_release(e, (void *)e->diags[i].message);
        eng_release(e, (void *)e->diags[i].source);
    }
    e->ndiags = 0;
    e->nerrors = 0;
    e->diag_overflow = 0;
}

/* Drops the diagnostics after the first N. */
void eng_diag_truncate(eng_engine *e, size_t n)
{
    if (n >= e->ndiags)
        return;
    for (size_t i = n; i < e->ndiags; i++) {
        eng_release(e, (void *)e->diags[i].message);
        eng_release(e, (void *)e->diags[i].source);
    }
    e->ndiags = n;
    e->nerrors = 0;
    for (size_t i = 0; i < n; i++)
        e->nerrors += e->diags[i].severity == ENG_ERROR;
    e->diag_overflow = 0;
}

static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
        return limit + 1;       /* the distance is at least the difference */
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best;
        row[0] = i;
        best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t c = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < c) c = up + 1;
            if (row[j - 1] + 1 < c) c = row[j - 1] + 1;
            row[j] = c;
            diag = up;
            if (c < best) best = c;
        }
        if (best > limit)
            return limit + 1;
    }
    return row[lb];
}

const char *eng_did_you_mean(const char *word, const char *const *cands,
                             size_t n)
{
    const char *best = NULL;
    size_t len = strlen(word);
    size_t bestd = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cands[i], bestd);
        if (d <= bestd && d > 0 && (!best || d < bestd)) {
            best = cands[i];
            bestd = d;
        }
    }
    return best;
}

const char *eng_suggest(const char *word, const char *const *cands, size_t n)
{
    return eng_did_you_mean(word, cands, n);
}

const char *eng_status_text(int status)
{
    switch (status) {
    case ENG_OK: return "success";
    case ENG_ENOMEM: return "out of memory";
    case ENG_EINVAL: return "invalid input";
    case ENG_EIO: return "input/output error";
    case ENG_ELIMIT: return "firing limit reached";
    case ENG_ERUNTIME: return "runtime error in a rule";
    case ENG_ESTATE: return "not allowed in the engine's current state";
    default: return "unknown status";
    }
}
