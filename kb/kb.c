/*
 * kb.c -- loading an LDT knowledge base: declares the catalogue kinds to
 * the engine, loads the directory, and turns each catalogue entry
 * `[KIND NAME]` into facts asserted at every reset:
 *
 *     KIND NAME                  e.g.  unit EDU-101 (advice: advice.entry)
 *     KIND.KEY NAME VALUE        e.g.  unit.eqf EDU-101 4
 *                                      unit.personas EDU-101 data_steward
 *
 * Each key has a type in the schema below: text keys give strings, symbol
 * and number keys give that value, list keys (comma-separated symbols)
 * give one fact per item.  Keys outside the schema are errors, so that a
 * misspelt key is found instead of silently ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

enum { F_TEXT, F_SYMBOL, F_NUMBER, F_LIST };

typedef struct fdef {
    const char *key;
    int type;
    int required;
    const char *ref;            /* symbol, list: each value names an entry
                                   of this kind */
    int lo, hi;                 /* number: a whole number from LO to HI
                                   (when HI > 0) */
} fdef;

typedef struct kdef {
    const char *kind;
    const char *entry;          /* relation of the entry fact */
    const fdef *fields;
} kdef;

/* The schema of rules/README.md (Catalogue schema): a name the report
 * shows a title for, a number it maps to words or the rules rank by, must
 * be one it knows, or the advice shows an identifier, a step nobody
 * takes, a unit that does not exist. */
#define TEXT(k) {.key = k, .type = F_TEXT, .required = 1}
#define NUM(k) {.key = k, .type = F_NUMBER, .required = 1}
#define RANGE(k, a, b) {.key = k, .type = F_NUMBER, .required = 1, .lo = a, .hi = b}
#define REF(k, t, req, kind) {.key = k, .type = t, .required = req, .ref = kind}
#define SYM(k) {.key = k, .type = F_SYMBOL, .required = 1}
#define END {.key = NULL}

static const fdef f_track[] = {TEXT("title"), END};
static const fdef f_titled[] = {TEXT("title"), TEXT("summary"), END};
static const fdef f_module[] = {
    REF("track", F_SYMBOL, 1, "track"), TEXT("title"), TEXT("summary"), END};
static const fdef f_unit[] = {
    TEXT("title"), REF("module", F_SYMBOL, 1, "module"), RANGE("loop", 1, 3),
    RANGE("eqf", 4, 6), RANGE("minutes", 1, 1440), REF("personas", F_LIST, 1, "persona"),
    REF("situations", F_LIST, 1, "situation"), REF("dimensions", F_LIST, 1, "dimension"),
    REF("requires", F_LIST, 0, "unit"), NUM("rank"), TEXT("summary"), END};
static const fdef f_persona[] = {
    TEXT("title"), NUM("eqf"), SYM("group"),
    REF("track", F_SYMBOL, 1, "track"), TEXT("does"), TEXT("needs"), END};
static const fdef f_situation[] = {
    TEXT("title"), RANGE("openness", 1, 4), TEXT("summary"), TEXT("actors"),
    TEXT("data"), TEXT("citizens"), TEXT("money"), TEXT("challenges"),
    TEXT("decisions"), TEXT("pitfalls"), REF("modules", F_LIST, 1, "module"), END};
static const fdef f_model[] = {
    TEXT("title"), RANGE("order", 1, 6), TEXT("summary"), TEXT("fits"), END};
static const fdef f_finance[] = {
    TEXT("title"), SYM("kind"), TEXT("summary"),
    TEXT("first_step"), END};
static const fdef f_advice[] = {
    TEXT("title"), TEXT("text"), REF("who", F_LIST, 1, "persona"),
    REF("units", F_LIST, 1, "unit"), REF("dimension", F_SYMBOL, 0, "dimension"),
    REF("situation", F_LIST, 0, "situation"), RANGE("priority", 1, 3), END};

#undef TEXT
#undef NUM
#undef RANGE
#undef REF
#undef SYM
#undef END

/* The entry fact is `KIND NAME` except for advice, whose `advice NAME` is
 * the conclusion "this advice applies": its entries are `advice.entry`. */
static const kdef kinds[] = {
    {"track", "track", f_track},
    {"module", "module", f_module},
    {"unit", "unit", f_unit},
    {"persona", "persona", f_persona},
    {"situation", "situation", f_situation},
    {"dimension", "dimension", f_titled},
    {"band", "band", f_titled},
    {"model", "model", f_model},
    {"finance", "finance", f_finance},
    {"advice", "advice.entry", f_advice},
};

#define NKINDS (sizeof kinds / sizeof *kinds)

const char *const *kb_kinds(void)
{
    static const char *names[NKINDS + 1];
    for (size_t i = 0; i < NKINDS; i++)
        names[i] = kinds[i].kind;
    return names;
}

static const kdef *kind_find(const char *kind)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kb_streq(kinds[i].kind, kind))
            return &kinds[i];
    return NULL;
}

/* The relations (with their sizes) that some rule condition, ask_if line
 * or test expectation reads: only those catalogue facts go into working
 * memory, since the others cannot change a conclusion.  The report reads
 * titles and texts from the catalogue entries themselves. */
typedef struct rs_ent {
    eng_value rel;
    size_t size;                /* 0: the slot is free (sizes are >= 1) */
} rs_ent;

typedef struct readset {
    rs_ent *slot;               /* open addressing by (relation, size) */
    size_t nslots, n;           /* at most half full */
    int oom;
} readset;

static size_t rs_find(const rs_ent *slot, size_t nslots, eng_value rel,
                      size_t size)
{
    uint64_t x;
    if (rel.type == ENG_INT)
        x = (uint64_t)rel.u.i;
    else if (rel.type == ENG_REAL)
        memcpy(&x, &rel.u.r, sizeof x);
    else
        x = rel.u.atom;
    x = (x ^ ((uint64_t)rel.type << 56) ^ ((uint64_t)size << 40)) * 0x9e3779b97f4a7c15ULL;
    size_t i = (size_t)(x >> 32) & (nslots - 1);
    while (slot[i].size && !(slot[i].size == size && eng_value_equal(slot[i].rel, rel)))
        i = (i + 1) & (nslots - 1);
    return i;
}

static void rs_add(readset *rs, eng_value rel, size_t size)
{
    if (!size || rs->oom)
        return;
    if (2 * (rs->n + 1) > rs->nslots) {
        size_t ns = rs->nslots ? 2 * rs->nslots : 256;
        rs_ent *t = calloc(ns, sizeof *t);
        if (!t) {
            rs->oom = 1;
            return;
        }
        for (size_t i = 0; i < rs->nslots; i++)
            if (rs->slot[i].size)
                t[rs_find(t, ns, rs->slot[i].rel, rs->slot[i].size)] = rs->slot[i];
        free(rs->slot);
        rs->slot = t;
        rs->nslots = ns;
    }
    rs_ent *x = &rs->slot[rs_find(rs->slot, rs->nslots, rel, size)];
    if (!x->size) {
        x->rel = rel;
        x->size = size;
        rs->n++;
    }
}

static int rs_has(const readset *rs, eng_value rel, size_t size)
{
    return rs->nslots && rs->slot[rs_find(rs->slot, rs->nslots, rel, size)].size;
}

static void rs_build(eng_engine *e, readset *rs)
{
    eng_value rel;
    eng_cond_info ci;
    for (size_t r = 0; r < eng_rule_count(e); r++) {
        const eng_rule *rule = eng_rule_at(e, r);
        for (size_t c = 0; c < eng_rule_cond_count(rule); c++)
            if (!eng_rule_cond(rule, c, &ci) && ci.kind != ENG_CE_TEST &&
                eng_rule_cond_const(rule, c, 0, &rel))
                rs_add(rs, rel, ci.size);
        /* the labels its because shows: `REL NAME LABEL` */
        for (size_t l = 0; !eng_rule_label(rule, l, &rel, NULL, NULL); l++)
            rs_add(rs, rel, 3);
    }
    for (size_t q = 0; q < eng_question_count(e); q++) {
        const eng_question *qq = eng_question_at(e, q);
        for (size_t c = 0; c < eng_question_cond_count(qq); c++)
            if (!eng_question_cond(qq, c, &ci) && ci.kind != ENG_CE_TEST &&
                eng_question_cond_const(qq, c, 0, &rel))
                rs_add(rs, rel, ci.size);
    }
    for (size_t t = 0; t < eng_test_count(e); t++) {
        const eng_test *tt = eng_test_at(e, t);
        for (size_t x = 0; x < eng_test_expect_count(tt); x++) {
            const char *p = eng_test_expect(tt, x, NULL);
            size_t len = strcspn(p, " \t"), size = 0, tl;
            int closed;
            for (const char *s = p; eng_pattern_term(&s, &tl, &closed);)
                size++;
            if (!eng_intern(e, p, len, ENG_SYMBOL, &rel))
                rs_add(rs, rel, size);
        }
    }
}

/* What converting the catalogue works out once per kind rather than once
 * per entry or key: the relations of the entry fact and of each key
 * (KIND.KEY), interned when the first entry needs them (so atoms are made
 * in the same order as they would be entry by entry), and the address of
 * each key's name as the first entry had it: an entry's keys are the
 * engine's interned names, so most are found by address. */
#define CONV_FIELDS 16          /* keys of a kind kept (the schema has 11 at most) */

typedef struct conv_kind {
    int has_rel;                /* rel is interned */
    eng_value rel;              /* of the entry fact */
    const char *key[CONV_FIELDS];   /* its keys' names as met, or NULL */
    int has_krel[CONV_FIELDS];      /* krel[i] is interned */
    eng_value krel[CONV_FIELDS];    /* KIND.KEY */
} conv_kind;

typedef struct conv {
    const readset *rs;          /* the relations the rules read */
    const kdef *last;           /* the kind of the entry before */
    conv_kind kind[NKINDS];     /* by index in kinds[] */
} conv;

static int add_fact(eng_engine *e, const readset *rs, const eng_entry *en,
                    int line, eng_value rel, eng_value name, const eng_value *v)
{
    eng_value f[3] = {rel, name, v ? *v : name};
    if (!rs_has(rs, rel, v ? 3 : 2))
        return ENG_OK;
    return eng_facts_add(e, f, v ? 3 : 2, en->path, line);
}

/* The schema's key of KD that FL is, its index in KD->fields, or -1.
 * Entries mostly give their keys in the schema's order: HINT, the index
 * after the key before, is tried first. */
static int field_find(conv_kind *ck, const kdef *kd, const eng_field *fl, int hint)
{
    if (hint < CONV_FIELDS && ck->key[hint] == fl->key)
        return hint;
    int i = 0;
    for (const fdef *fd = kd->fields; fd->key && i < CONV_FIELDS; fd++, i++)
        if (ck->key[i] == fl->key)
            return i;
    i = 0;
    for (const fdef *fd = kd->fields; fd->key; fd++, i++)
        if (kb_streq(fd->key, fl->key)) {
            if (i < CONV_FIELDS)
                ck->key[i] = fl->key;
            return i;
        }
    return -1;
}

/* Converts field FL of entry EN (NAME interned), whose key is FI in the
 * schema or -1: ENG_OK, with *BAD set when its key or value is in error,
 * or ENG_EINVAL or ENG_ENOMEM. */
static int convert_field(eng_engine *e, conv *cv, conv_kind *ck, const kdef *kd,
                         const eng_entry *en, const eng_field *fl, int fi,
                         eng_value name, int *bad)
{
    const readset *rs = cv->rs;
    if (fi < 0) {
        char list[300] = "";
        for (const fdef *x = kd->fields; x->key; x++) {
            strncat(list, x == kd->fields ? "" : ", ", sizeof list - strlen(list) - 1);
            strncat(list, x->key, sizeof list - strlen(list) - 1);
        }
        eng_diag_add(e, ENG_ERROR, en->path, fl->line, 1,
                     "unknown key '%s' in %s %s entry (expected %s)", fl->key,
                     en->kind[0] && strchr("aeiou", en->kind[0]) ? "an" : "a", en->kind, list);
        *bad = 1;
        return ENG_OK;
    }
    const fdef *fd = &kd->fields[fi];
    eng_value krel, v;
    if (fi < CONV_FIELDS && ck->has_krel[fi]) {
        krel = ck->krel[fi];
    } else {
        char relname[128];     /* KIND.KEY: both come from the schema above */
        size_t kl = strlen(en->kind), fk = strlen(fl->key);
        if (kl + 1 + fk >= sizeof relname)
            return ENG_EINVAL;
        memcpy(relname, en->kind, kl);
        relname[kl] = '.';
        memcpy(relname + kl + 1, fl->key, fk);
        if (eng_intern(e, relname, kl + 1 + fk, ENG_SYMBOL, &krel))
            return ENG_ENOMEM;
        if (fi < CONV_FIELDS) {
            ck->krel[fi] = krel;
            ck->has_krel[fi] = 1;
        }
    }
    if (fd->type == F_TEXT) {
        /* a text no rule reads is neither checked nor kept: skip it
         * before interning it (the report reads the entry itself) */
        if (!rs_has(rs, krel, 3))
            return ENG_OK;
        if (eng_intern(e, fl->value, strlen(fl->value), ENG_STRING, &v) ||
            add_fact(e, rs, en, fl->line, krel, name, &v))
            return ENG_ENOMEM;
        return ENG_OK;
    }
    /* symbols, numbers and lists of symbols */
    const char *p = fl->value;
    for (;;) {
        const char *c = fd->type == F_LIST ? strchr(p, ',') : NULL;
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char item[256];
        while (len && (*p == ' ' || *p == '\t')) { p++; len--; }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        if (len >= sizeof item)
            len = sizeof item - 1;
        memcpy(item, p, len);
        item[len] = '\0';
        int rc = len ? eng_value_parse(e, item, &v) : ENG_EINVAL;
        if (rc == ENG_ENOMEM)
            return rc;
        int ok = rc == ENG_OK &&
                 (fd->type == F_NUMBER ? (v.type == ENG_INT || v.type == ENG_REAL)
                                       : v.type == ENG_SYMBOL);
        int at, col;
        eng_field_where(fl, (size_t)(p - fl->value), &at, &col);
        if (!ok) {
            eng_diag_add(e, ENG_ERROR, en->path, at, col,
                         "%s '%s', key '%s': expected %s, found '%s'", en->kind,
                         en->name, fl->key,
                         fd->type == F_NUMBER ? "a number"
                         : fd->type == F_LIST ? "a comma-separated list of names"
                                              : "a name (a symbol)",
                         item);
            *bad = 1;
        } else if (fd->hi && (v.type != ENG_INT || v.u.i < fd->lo || v.u.i > fd->hi)) {
            eng_diag_add(e, ENG_ERROR, en->path, at, col,
                         "%s '%s', key '%s': expected a whole number from %d to %d, "
                         "found '%s'", en->kind, en->name, fl->key, fd->lo, fd->hi, item);
            *bad = 1;
        } else if (add_fact(e, rs, en, fl->line, krel, name, &v)) {
            return ENG_ENOMEM;
        }
        if (!c)
            break;
        p = c + 1;
    }
    return ENG_OK;
}

/* Converts one catalogue entry; returns ENG_OK, ENG_EINVAL or ENG_ENOMEM. */
static int convert(eng_engine *e, conv *cv, const eng_entry *en)
{
    /* entries of a kind mostly follow each other (a file a kind) */
    const kdef *kd = cv->last && kb_streq(cv->last->kind, en->kind) ? cv->last
                                                                   : kind_find(en->kind);
    eng_value name;
    int bad = 0;
    if (!kd)
        return ENG_OK;
    cv->last = kd;
    conv_kind *ck = &cv->kind[kd - kinds];
    if (!ck->has_rel) {
        if (eng_intern(e, kd->entry, strlen(kd->entry), ENG_SYMBOL, &ck->rel))
            return ENG_ENOMEM;
        ck->has_rel = 1;
    }
    if (eng_intern(e, en->name, strlen(en->name), ENG_SYMBOL, &name))
        return ENG_ENOMEM;
    if (add_fact(e, cv->rs, en, en->line, ck->rel, name, NULL))
        return ENG_ENOMEM;
    size_t given[CONV_FIELDS] = {0};
    int fi = -1;
    for (size_t i = 0; i < en->nfields; i++) {
        fi = field_find(ck, kd, &en->fields[i], fi + 1);
        if (fi >= 0 && fi < CONV_FIELDS)
            given[fi]++;
    }
    char missing[300] = "";
    fi = 0;
    for (const fdef *fd = kd->fields; fd->key; fd++, fi++) {
        size_t n = 0;
        if (fi < CONV_FIELDS)
            n = given[fi];
        else
            for (size_t i = 0; i < en->nfields; i++)
                n += field_find(ck, kd, &en->fields[i], 0) == fi;
        if (fd->required && !n) {
            strncat(missing, missing[0] ? ", " : "", sizeof missing - strlen(missing) - 1);
            strncat(missing, fd->key, sizeof missing - strlen(missing) - 1);
        }
    }
    if (missing[0]) {
        eng_diag_add(e, ENG_ERROR, en->path, en->line, 1,
                     "%s '%s' lacks required keys: %s (see rules/README.md, Catalogue schema)",
                     en->kind, en->name, missing);
        bad = 1;
    }
    fi = -1;
    for (size_t i = 0; i < en->nfields; i++) {
        const eng_field *fl = &en->fields[i];
        fi = field_find(ck, kd, fl, fi + 1);
        int rc = convert_field(e, cv, ck, kd, en, fl, fi, name, &bad);
        if (rc)
            return rc;
    }
    return bad ? ENG_EINVAL : ENG_OK;
}

static int cmp_entry(const void *a, const void *b)
{
    const eng_entry *x = *(const eng_entry *const *)a, *y = *(const eng_entry *const *)b;
    int c = kb_strcmp(x->kind, y->kind);
    return c ? c : kb_strcmp(x->name, y->name);
}

static int cat_index(kb *k)
{
    k->ncat = eng_entry_count(k->e);
    k->cat = calloc(k->ncat + 1, sizeof *k->cat);
    if (!k->cat)
        return -1;
    for (size_t i = 0; i < k->ncat; i++)
        k->cat[i] = eng_entry_at(k->e, i);
    qsort(k->cat, k->ncat, sizeof *k->cat, cmp_entry);
    return 0;
}

/* The closest name of an entry of KIND to NAME, or NULL. */
static const char *closest_entry(kb *k, const char *kind, const char *name)
{
    const char **cands = malloc((k->ncat + 1) * sizeof *cands);
    size_t n = 0;
    if (!cands)
        return NULL;
    for (size_t i = 0; i < k->ncat; i++)
        if (!strcmp(k->cat[i]->kind, kind))
            cands[n++] = k->cat[i]->name;
    const char *best = eng_suggest(name, cands, n);
    free(cands);
    return best;
}

/* Does the catalogue have an entry of KIND?  (K->cat is sorted by kind.) */
static int kind_has_entries(kb *k, const char *kind)
{
    size_t lo = 0, hi = k->ncat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(k->cat[mid]->kind, kind);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Each name that a key of an entry gives for another entry (advice.who,
 * unit.requires...) must be one: the report shows its title, and a unit
 * that does not exist would be recommended.  A catalogue with no entry
 * of the kind named at all (a part of a knowledge base, for a test) is
 * not held to it.  ENG_OK or ENG_EINVAL. */
static int check_entry_refs(kb *k)
{
    int bad = 0;
    for (size_t i = 0; i < eng_entry_count(k->e); i++) {
        const eng_entry *en = eng_entry_at(k->e, i);
        const kdef *kd = kind_find(en->kind);
        for (size_t f = 0; kd && f < en->nfields; f++) {
            const eng_field *fl = &en->fields[f];
            const fdef *fd = kd->fields;
            while (fd->key && strcmp(fd->key, fl->key))
                fd++;
            if (!fd->key || !fd->ref)
                continue;
            for (const char *p = fl->value;;) {
                const char *c = fd->type == F_LIST ? strchr(p, ',') : NULL;
                size_t len = c ? (size_t)(c - p) : strlen(p);
                char item[256];
                while (len && (*p == ' ' || *p == '\t')) { p++; len--; }
                while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
                eng_value v;
                if (len >= sizeof item)
                    len = sizeof item - 1;
                memcpy(item, p, len);
                item[len] = '\0';
                /* a value that is not a name: convert() said so */
                if (len && eng_value_parse(k->e, item, &v) == ENG_OK && v.type == ENG_SYMBOL &&
                    kind_has_entries(k, fd->ref)) {
                    if (!kb_catalogue_entry(k, fd->ref, item)) {
                        const char *dym = closest_entry(k, fd->ref, item);
                        int at, col;
                        eng_field_where(fl, (size_t)(p - fl->value), &at, &col);
                        eng_diag_add(k->e, ENG_ERROR, en->path, at, col,
                                     "%s '%s', key '%s': no %s '%s' in the catalogue%s%s%s",
                                     en->kind, en->name, fl->key, fd->ref, item,
                                     dym ? " (did you mean '" : "", dym ? dym : "",
                                     dym ? "'?)" : "");
                        bad = 1;
                    }
                }
                if (!c)
                    break;
                p = c + 1;
            }
        }
    }
    return bad ? ENG_EINVAL : ENG_OK;
}

const eng_entry *kb_catalogue_entry(kb *k, const char *kind, const char *name)
{
    eng_entry probe;
    const eng_entry *pp = &probe;
    probe.kind = kind;
    probe.name = name;
    const eng_entry **hit = k->cat ? bsearch(&pp, k->cat, k->ncat, sizeof *k->cat, cmp_entry) : NULL;
    return hit ? *hit : NULL;
}

const char *kb_entry_value(const eng_entry *en, const char *key)
{
    for (size_t i = 0; en && i < en->nfields; i++)
        if (kb_streq(en->fields[i].key, key))
            return en->fields[i].value;
    return NULL;
}

const char *kb_catalogue(kb *k, const char *kind, const char *name,
                         const char *key)
{
    return kb_entry_value(kb_catalogue_entry(k, kind, name), key);
}

kb *kb_open_paths(const char *path, const char *const *paths, size_t npaths,
                  const eng_config *cfg, int *status)
{
    kb *k = calloc(1, sizeof *k);
    int rc = ENG_ENOMEM;
    if (!k)
        goto done;
    k->e = eng_new(cfg);
    if (!k->e) {
        free(k);
        k = NULL;
        goto done;
    }
    for (size_t i = 0; i < NKINDS; i++)
        if ((rc = eng_kind_allow(k->e, kinds[i].kind)))
            goto done;
    rc = eng_load_path(k->e, path);
    for (size_t i = 0; i < npaths && rc != ENG_ENOMEM; i++) {
        int r2 = eng_load_tests(k->e, paths[i]);
        if (r2 && (rc == ENG_OK || r2 == ENG_ENOMEM))
            rc = r2;
    }
    if (rc == ENG_ENOMEM || rc == ENG_EIO)
        goto done;
    /* which relations the rules read: walked only for a catalogue to
     * convert (a big knowledge base of rules alone is spared the walk) */
    readset rs = {0};
    if (eng_entry_count(k->e))
        rs_build(k->e, &rs);
    if (rs.oom)
        rc = ENG_ENOMEM;
    conv cv;
    memset(&cv, 0, sizeof cv);
    cv.rs = &rs;
    for (size_t i = 0; i < eng_entry_count(k->e) && rc != ENG_ENOMEM; i++) {
        int r2 = convert(k->e, &cv, eng_entry_at(k->e, i));
        if (r2 == ENG_ENOMEM || (r2 && !rc))
            rc = r2;
    }
    free(rs.slot);
    if (rc == ENG_ENOMEM)
        goto done;
    if (cat_index(k) && rc != ENG_ENOMEM)
        rc = ENG_ENOMEM;
    if (rc == ENG_OK || rc == ENG_EINVAL) {
        int r2 = kb_check_refs(k);
        if (r2 && rc == ENG_OK)
            rc = r2;
        r2 = check_entry_refs(k);
        if (r2 && rc == ENG_OK)
            rc = r2;
    }
done:
    if (status)
        *status = rc;
    return k;
}

kb *kb_open(const char *path, const eng_config *cfg, int *status)
{
    return kb_open_paths(path, NULL, 0, cfg, status);
}

void kb_close(kb *k)
{
    if (!k)
        return;
    kb_index_free(k);
    kb_rcat_free(k->rcat);
    free(k->cat);
    eng_free(k->e);
    free(k);
}

eng_engine *kb_engine(kb *k)
{
    return k->e;
}
