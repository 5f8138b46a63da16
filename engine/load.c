/*
 * load.c -- reading knowledge-base and answers files: the first stage of
 * the pipeline, plus the engine's life cycle (eng_new / eng_free).
 *
 * inih splits lines into sections and key/value pairs; a reader of our own
 * feeds it the file line by line, so that every value is known with its
 * line and column, and so that what inih would silently do wrong is caught
 * first: over-long lines (Debian's inih cuts them at ini_max_line), bytes
 * that are not UTF-8, lines that are neither a header nor `key = value`,
 * indented `key = value` lines that inih joins to the previous value, and
 * duplicate or empty sections (which inih merges or never reports).  The
 * values of one section are collected, then the section is compiled as a
 * whole; every problem becomes a diagnostic and reading goes on.
 */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eng_int.h"

#define MAX_FILE_ERRORS 50      /* per file, before giving up on it */
#define MAX_DIR_DEPTH 32

/* ------------------------------------------------------------ sections */

typedef struct kv {
    const char *key;            /* arena (KB files), or malloc'd (answers) */
    int ownkey;                 /* key is malloc'd: freed with the section */
    ebuf val;                   /* joined value */
    seg *segs; size_t nsegs, capsegs;
    int line, col;
} kv;

typedef struct sect {
    char *kind, *name;          /* malloc'd */
    int line, col, namecol;
    const char *text;           /* header line */
    int valid;
    kv *kvs; size_t nkvs, capkvs;
} sect;

enum { MODE_KB, MODE_ANSWERS };

typedef struct rdr {
    eng_engine *e;
    const char *path;           /* interned */
    const char *buf;
    size_t len, pos;
    int line;
    const char *cur;            /* raw current line */
    size_t curlen;
    int cont;                   /* current line continues the last key */
    int haskey;                 /* the current section has had a key */
    int errors;                 /* in this file */
    int gaveup;
    int mode;
    sect s;
    int insect;
    char *out;                  /* buffer given to inih */
    eng_answers *ans;           /* MODE_ANSWERS */
} rdr;

struct eng_answers {
    eng_engine *e;
    char *path;
    pvec resp;                  /* resp* */
    smap names;                 /* respondent name -> resp*, for duplicates */
};

typedef struct resp {
    char *name;
    int line;
    int valid;
    eng_value *vals;            /* answer facts: pairs (question id, value) */
    size_t nvals, capvals;
} resp;

static void rerr(rdr *r, eng_severity sev, int line, int col, int span,
                 const char *src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

static void rerr(rdr *r, eng_severity sev, int line, int col, int span,
                 const char *src, const char *fmt, ...)
{
    if (r->gaveup)
        return;
    if (sev == ENG_ERROR && ++r->errors > MAX_FILE_ERRORS) {
        r->gaveup = 1;
        eng_diagf(r->e, ENG_ERROR, r->path, line, 0, 1, NULL,
                  "too many errors in this file (more than %d); is it a knowledge-base INI file?",
                  MAX_FILE_ERRORS);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(r->e, sev, r->path, line, col, span, src, fmt, ap);
    va_end(ap);
}

static const char *kv_text(const kv *k, int line)
{
    for (size_t i = 0; i < k->nsegs; i++)
        if (k->segs[i].line == line)
            return k->segs[i].text;
    return k->nsegs ? k->segs[0].text : NULL;
}

static void kv_err(rdr *r, const kv *k, size_t off, int span, const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void kv_err(rdr *r, const kv *k, size_t off, int span, const char *fmt,
                   ...)
{
    srcmap m = {r->path, k->segs, k->nsegs};
    int line, col;
    const char *text;
    eng_srcmap_pos(&m, off, &line, &col, &text);
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rerr(r, ENG_ERROR, line, col, span, text, "%s", msg);
}

static void sect_clear(eng_engine *e, sect *s)
{
    for (size_t i = 0; i < s->nkvs; i++) {
        if (s->kvs[i].ownkey)
            eng_release(e, (void *)s->kvs[i].key);
        ebuf_free(e, &s->kvs[i].val);
        eng_release(e, s->kvs[i].segs);
    }
    eng_release(e, s->kvs);
    eng_release(e, s->kind);
    eng_release(e, s->name);
    memset(s, 0, sizeof *s);
}

static int is_symbol(const char *s)
{
    unsigned char c = (unsigned char)*s;
    eng_value num;
    /* a letter or '_' first; or a digit, when the word is not a number
     * (the extension that makes option values such as 2_to_8 symbols) */
    if (c >= '0' && c <= '9') {
        if (!eng_parse_number(s, strlen(s), &num))
            return 0;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80)) {
        return 0;
    }
    for (s++; *s; s++) {
        c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c >= 0x80 || (c >= '0' && c <= '9') || c == '.' || c == ':' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ kinds */

static const char *const builtin_kinds[] = {"rule", "question", "facts", "test"};

static int key_in(const char *key, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(key, keys[i]))
            return 1;
    return 0;
}

static void unknown_key(rdr *r, const kv *k, const char *kind,
                        const char *const *keys, size_t n)
{
    const char *dym = eng_did_you_mean(k->key, keys, n);
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, i ? (i + 1 == n ? " or " : ", ") : "", sizeof list - strlen(list) - 1);
        strncat(list, keys[i], sizeof list - strlen(list) - 1);
    }
    int col = k->col;
    const char *text = kv_text(k, k->line);
    /* point at the key, which starts the line */
    if (text) {
        col = 1;
        while (text[col - 1] == ' ' || text[col - 1] == '\t')
            col++;
    }
    if (dym)
        rerr(r, ENG_ERROR, k->line, col, (int)strlen(k->key), text,
             "unknown key '%s' in a %s section (did you mean '%s'?)", k->key,
             kind, dym);
    else
        rerr(r, ENG_ERROR, k->line, col, (int)strlen(k->key), text,
             "unknown key '%s' in a %s section (expected %s)", k->key, kind, list);
}

static int single(rdr *r, sect *s, const char *key, kv **out)
{
    *out = NULL;
    for (size_t i = 0; i < s->nkvs; i++)
        if (!strcmp(s->kvs[i].key, key)) {
            if (*out) {
                rerr(r, ENG_ERROR, s->kvs[i].line, 1, (int)strlen(key),
                     kv_text(&s->kvs[i], s->kvs[i].line),
                     "'%s' is given twice (first at line %d); continue a long value on an indented line",
                     key, (*out)->line);
                return -1;
            }
            *out = &s->kvs[i];
        }
    return 0;
}

static int dup_name(rdr *r, smap *names, sect *s, const char *what)
{
    const char *prev = smap_get(names, s->name, strlen(s->name));
    if (prev) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "duplicate %s '%s' (first defined at %s)", what, s->name, prev);
        return 1;
    }
    char where[1200];
    snprintf(where, sizeof where, "%s:%d", r->path, s->line);
    char *w = eng_arena_str(r->e, where, strlen(where));
    if (!w || smap_put(r->e, names, s->name, strlen(s->name), w))
        return -1;
    return 0;
}

static level *level_get(eng_engine *e, int sal)
{
    size_t i = 0;
    for (; i < e->levels.n; i++) {
        level *lv = e->levels.v[i];
        if (lv->salience == sal)
            return lv;
        if (lv->salience < sal)
            break;
    }
    level *lv = eng_arena(e, sizeof *lv);
    if (!lv || pvec_push(e, &e->levels, NULL))
        return NULL;
    memmove(&e->levels.v[i + 1], &e->levels.v[i],
            (e->levels.n - 1 - i) * sizeof *e->levels.v);
    lv->salience = sal;
    e->levels.v[i] = lv;
    return lv;
}

static void do_rule(rdr *r, sect *s)
{
    static const char *const keys[] = {"when", "then", "salience", "because"};
    eng_engine *e = r->e;
    eng_rule *rule = eng_arena(e, sizeof *rule);
    if (!rule)
        return;
    rule->name = eng_arena_str(e, s->name, strlen(s->name));
    rule->path = r->path;
    rule->line = s->line;
    int dup = dup_name(r, &e->rule_names, s, "rule");
    if (dup < 0)
        return;
    size_t nwhen = 0, nthen = 0;
    int bad = 0;
    for (size_t i = 0; i < s->nkvs; i++) {
        if (!key_in(s->kvs[i].key, keys, 4)) {
            unknown_key(r, &s->kvs[i], "rule", keys, 4);
            bad = 1;
        }
        nwhen += !strcmp(s->kvs[i].key, "when");
        nthen += !strcmp(s->kvs[i].key, "then");
    }
    kv *sal, *bec;
    /* both are looked up (not ||): each sets its pointer, errors or not */
    if (single(r, s, "salience", &sal) | single(r, s, "because", &bec))
        bad = 1;
    if (sal) {
        eng_value v;
        const char *t = sal->val.p ? sal->val.p : "";
        if (eng_parse_number(t, strlen(t), &v) || v.type != ENG_INT) {
            kv_err(r, sal, 0, (int)sal->val.len,
                   "salience must be a whole number from %d to %d, found '%s'",
                   -ENG_MAX_SALIENCE, ENG_MAX_SALIENCE, t);
            bad = 1;
        } else if (v.u.i < -ENG_MAX_SALIENCE || v.u.i > ENG_MAX_SALIENCE) {
            kv_err(r, sal, 0, (int)sal->val.len,
                   "salience %lld is out of range (expected %d to %d)",
                   (long long)v.u.i, -ENG_MAX_SALIENCE, ENG_MAX_SALIENCE);
            bad = 1;
        } else {
            rule->salience = (int)v.u.i;
        }
    }
    if (!nthen) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "rule '%s' has no 'then' line: what should it do when it fires?",
             s->name);
        bad = 1;
    }
    pce **ces = eng_calloc(e, (nwhen + 1) * sizeof *ces);
    pact **acts = eng_calloc(e, (nthen + 1) * sizeof *acts);
    size_t nc = 0, na = 0;
    int cebad = 0;
    if (!ces || !acts)
        goto done;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        srcmap m = {r->path, k->segs, k->nsegs};
        const char *t = k->val.p ? k->val.p : "";
        if (!strcmp(k->key, "when")) {
            pce *c = eng_parse_ce(e, &m, t, k->val.len);
            if (c) ces[nc++] = c; else bad = cebad = 1;
        } else if (!strcmp(k->key, "then")) {
            pact *a = eng_parse_action(e, &m, t, k->val.len);
            if (a) acts[na++] = a; else bad = 1;
        }
    }
    if (cebad)
        goto done;
    /* with other errors, still check variables to report all in one pass,
     * but build nothing */
    int check_only = bad || dup;
    if (!check_only && !(rule->lvl = level_get(e, rule->salience)))
        goto done;
    srcmap bm = {r->path, bec ? bec->segs : NULL, bec ? bec->nsegs : 0};
    int rc = eng_compile_rule(e, rule, ces, nc, &bm,
                              bec ? (bec->val.p ? bec->val.p : "") : NULL,
                              bec ? bec->val.len : 0, acts, na, check_only);
    if (rc == ENG_OK && !check_only) {
        rule->index = e->rules.n;
        pvec_push(e, &e->rules, rule);
    }
done:
    eng_release(e, ces);
    eng_release(e, acts);
}

static const char *const qtypes[] = {"one", "many", "number", "yesno", "text"};

static regex *compile_pattern(rdr *r, kv *k)
{
    eng_engine *e = r->e;
    int err;
    PCRE2_SIZE eoff;
    const char *t = k->val.p ? k->val.p : "";
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)t, k->val.len, 0, &err, &eoff,
                                     e->cctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (err == PCRE2_ERROR_HEAP_FAILED) {
            e->oom = 1;
            return NULL;
        }
        pcre2_get_error_message(err, msg, sizeof msg);
        kv_err(r, k, eoff, 1, "invalid regular expression: %s", (char *)msg);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    regex *re = eng_arena(e, sizeof *re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, e->gctx);
    if (!re || !md || pvec_push(e, &e->regexes, re)) {
        pcre2_code_free(code);
        pcre2_match_data_free(md);
        e->oom = 1;
        return NULL;
    }
    re->code = code;
    re->md = md;
    re->src = eng_arena_str(e, t, k->val.len);
    re->path = r->path;
    re->line = k->line;
    re->col = k->col;
    return re;
}

static void do_question(rdr *r, sect *s)
{
    static const char *const keys[] = {"group", "text", "help", "type", "option",
                                       "pattern", "min", "max", "ask_if"};
    eng_engine *e = r->e;
    eng_question *q = eng_arena(e, sizeof *q);
    if (!q)
        return;
    int dup = dup_name(r, &e->question_names, s, "question");
    if (dup < 0)
        return;
    int bad = dup;
    q->id = eng_arena_str(e, s->name, strlen(s->name));
    q->path = r->path;
    q->line = s->line;
    q->group = q->help = "";
    if (!q->id || eng_intern_sym(e, q->id, &q->idv))
        return;
    size_t nopts = 0, nask = 0;
    for (size_t i = 0; i < s->nkvs; i++) {
        if (!key_in(s->kvs[i].key, keys, 9)) {
            unknown_key(r, &s->kvs[i], "question", keys, 9);
            bad = 1;
        }
        nopts += !strcmp(s->kvs[i].key, "option");
        nask += !strcmp(s->kvs[i].key, "ask_if");
    }
    kv *group, *text, *help, *type, *pattern, *min, *max;
    if (single(r, s, "group", &group) | single(r, s, "text", &text) |
        single(r, s, "help", &help) | single(r, s, "type", &type) |
        single(r, s, "pattern", &pattern) | single(r, s, "min", &min) |
        single(r, s, "max", &max))
        bad = 1;
    if (group) q->group = eng_arena_str(e, group->val.p ? group->val.p : "", group->val.len);
    if (help) q->help = eng_arena_str(e, help->val.p ? help->val.p : "", help->val.len);
    if (text) {
        q->text = eng_arena_str(e, text->val.p ? text->val.p : "", text->val.len);
    } else {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' has no 'text': what should the respondent be asked?",
             s->name);
        bad = 1;
    }
    int qt = -1;
    if (!type) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' has no 'type' (expected one, many, number, yesno or text)",
             s->name);
        bad = 1;
    } else {
        for (int i = 0; i < 5; i++)
            if (type->val.p && !strcmp(type->val.p, qtypes[i]))
                qt = i;
        if (qt < 0) {
            const char *dym = eng_did_you_mean(type->val.p ? type->val.p : "", qtypes, 5);
            kv_err(r, type, 0, (int)type->val.len,
                   "unknown question type '%s' (%s%s%s)", type->val.p ? type->val.p : "",
                   dym ? "did you mean '" : "expected one, many, number, yesno or text",
                   dym ? dym : "", dym ? "'?" : "");
            bad = 1;
        }
    }
    q->type = qt < 0 ? ENG_Q_TEXT : (eng_qtype)qt;
    q->opts = eng_arena(e, (nopts + 1) * sizeof *q->opts);
    if (!q->opts)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (strcmp(k->key, "option"))
            continue;
        if (qt >= 0 && qt != ENG_Q_ONE && qt != ENG_Q_MANY) {
            kv_err(r, k, 0, (int)k->val.len,
                   "'option' belongs to questions of type one or many, not %s",
                   qtypes[qt]);
            bad = 1;
            continue;
        }
        const char *t = k->val.p ? k->val.p : "";
        const char *colon = strchr(t, ':');
        size_t vl = colon ? (size_t)(colon - t) : strlen(t);
        while (vl && (t[vl - 1] == ' ' || t[vl - 1] == '\t'))
            vl--;
        char *val = eng_arena_str(e, t, vl);
        if (!val)
            return;
        if (!vl || !is_symbol(val)) {
            kv_err(r, k, 0, (int)(vl ? vl : 1),
                   "expected 'VALUE : Label' with VALUE a symbol (a letter or '_', then letters, digits, _ . : -), found '%s'",
                   val);
            bad = 1;
            continue;
        }
        for (size_t j = 0; j < q->nopts; j++)
            if (!strcmp(q->opts[j].value, val)) {
                kv_err(r, k, 0, (int)vl, "option '%s' is listed twice", val);
                bad = 1;
            }
        const char *label = colon ? colon + 1 : val;
        while (*label == ' ' || *label == '\t')
            label++;
        q->opts[q->nopts].value = val;
        q->opts[q->nopts++].label = eng_arena_str(e, *label ? label : val,
                                                  strlen(*label ? label : val));
    }
    if ((qt == ENG_Q_ONE || qt == ENG_Q_MANY) && !q->nopts) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' of type %s needs at least one 'option = VALUE : Label'",
             s->name, qtypes[qt]);
        bad = 1;
    }
    kv *bounds[2] = {min, max};
    for (int i = 0; i < 2; i++) {
        kv *k = bounds[i];
        if (!k)
            continue;
        eng_value v;
        const char *t = k->val.p ? k->val.p : "";
        if (qt >= 0 && qt != ENG_Q_NUMBER) {
            kv_err(r, k, 0, (int)k->val.len,
                   "'%s' belongs to questions of type number, not %s", k->key, qtypes[qt]);
            bad = 1;
        } else if (eng_parse_number(t, strlen(t), &v)) {
            kv_err(r, k, 0, (int)k->val.len, "'%s' must be a number, found '%s'",
                   k->key, t);
            bad = 1;
        } else if (i == 0) {
            q->has_min = 1;
            q->min = eng_num_d(v);
        } else {
            q->has_max = 1;
            q->max = eng_num_d(v);
        }
    }
    if (q->has_min && q->has_max && q->min > q->max) {
        kv_err(r, max, 0, (int)max->val.len, "'max' is below 'min' (%g > %g)",
               q->min, q->max);
        bad = 1;
    }
    if (pattern) {
        if (qt >= 0 && qt != ENG_Q_TEXT) {
            kv_err(r, pattern, 0, (int)pattern->val.len,
                   "'pattern' belongs to questions of type text, not %s", qtypes[qt]);
            bad = 1;
        } else if (!(q->pattern = compile_pattern(r, pattern))) {
            bad = 1;
        }
    }
    pce **ces = eng_calloc(e, (nask + 1) * sizeof *ces);
    size_t nc = 0;
    if (!ces)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (strcmp(k->key, "ask_if"))
            continue;
        srcmap m = {r->path, k->segs, k->nsegs};
        pce *c = eng_parse_ce(e, &m, k->val.p ? k->val.p : "", k->val.len);
        if (c) ces[nc++] = c; else bad = 1;
    }
    if (!bad && nc && eng_compile_query(e, q, ces, nc) != ENG_OK)
        bad = 1;
    eng_release(e, ces);
    if (!bad)
        pvec_push(e, &e->questions, q);
}

static void do_facts(rdr *r, sect *s)
{
    static const char *const keys[] = {"fact"};
    eng_engine *e = r->e;
    if (dup_name(r, &e->fact_names, s, "facts section"))
        return;
    eng_value vals[ENG_MAX_ARITY];
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (strcmp(k->key, "fact")) {
            unknown_key(r, k, "facts", keys, 1);
            continue;
        }
        srcmap m = {r->path, k->segs, k->nsegs};
        long n = eng_parse_fact(e, &m, k->val.p ? k->val.p : "", k->val.len, vals,
                                ENG_MAX_ARITY);
        if (n < 1) {
            if (n == 0)
                kv_err(r, k, 0, 1, "empty fact: expected a relation name and its values");
            continue;
        }
        rfact *rf = eng_arena(e, sizeof *rf);
        if (!rf || !(rf->v = eng_arena(e, (size_t)n * sizeof *vals)))
            return;
        memcpy(rf->v, vals, (size_t)n * sizeof *vals);
        rf->n = (size_t)n;
        rf->path = r->path;
        rf->line = k->line;
        pvec_push(e, &e->rfacts, rf);
    }
}

/* A test's answers are checked once all questions are known: kept raw. */
typedef struct rawtest {
    eng_test *t;
    sect s;
} rawtest;

static void do_test(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    if (dup_name(r, &e->test_names, s, "test"))
        return;
    eng_test *t = eng_arena(e, sizeof *t);
    rawtest *rt = eng_calloc(e, sizeof *rt);
    if (!t || !rt) {
        eng_release(e, rt);
        return;
    }
    t->name = eng_arena_str(e, s->name, strlen(s->name));
    t->path = r->path;
    t->line = s->line;
    rt->t = t;
    rt->s = *s;             /* takes over the section's memory */
    memset(s, 0, sizeof *s);
    /* its answers are checked after the whole directory is read, when the
     * file's text is gone: keep copies of the lines for the diagnostics */
    for (size_t i = 0; i < rt->s.nkvs; i++)
        for (size_t j = 0; j < rt->s.kvs[i].nsegs; j++) {
            seg *sg = &rt->s.kvs[i].segs[j];
            if (sg->text)
                sg->text = eng_arena_str(e, sg->text, strcspn(sg->text, "\r\n"));
        }
    if (pvec_push(e, &e->pending_tests, rt)) {
        sect_clear(e, &rt->s);
        eng_release(e, rt);
    }
}

static void do_entry(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    char key[300];
    snprintf(key, sizeof key, "%s %s", s->kind, s->name);
    const char *prev = smap_get(&e->entry_names, key, strlen(key));
    if (prev) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "duplicate %s '%s' (first defined at %s)", s->kind, s->name, prev);
        return;
    }
    char where[1200];
    snprintf(where, sizeof where, "%s:%d", r->path, s->line);
    char *w = eng_arena_str(e, where, strlen(where));
    eng_entry *en = eng_arena(e, sizeof *en);
    if (!w || !en || smap_put(e, &e->entry_names, key, strlen(key), w))
        return;
    en->kind = eng_arena_str(e, s->kind, strlen(s->kind));
    en->name = eng_arena_str(e, s->name, strlen(s->name));
    en->path = r->path;
    en->line = s->line;
    eng_field *f = eng_arena(e, (s->nkvs + 1) * sizeof *f);
    if (!f)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        f[i].key = s->kvs[i].key;
        f[i].value = eng_arena_str(e, s->kvs[i].val.p ? s->kvs[i].val.p : "",
                                   s->kvs[i].val.len);
        f[i].line = s->kvs[i].line;
        f[i].col = s->kvs[i].col;
    }
    en->fields = f;
    en->nfields = s->nkvs;
    pvec_push(e, &e->entries, en);
}

static void do_answers(rdr *r, sect *s);

static void sect_finish(rdr *r)
{
    sect *s = &r->s;
    if (!r->insect)
        return;
    r->insect = 0;
    /* an empty [answers] section is a respondent who knows no answer */
    if (s->valid && !s->nkvs && strcmp(s->kind, "rule") &&
        strcmp(s->kind, "question") && r->mode != MODE_ANSWERS)
        rerr(r, ENG_WARNING, s->line, 1, 1, s->text,
             "empty section [%s %s]: it has no keys, so it does nothing",
             s->kind, s->name);
    if (s->valid && !r->e->oom) {
        if (r->mode == MODE_ANSWERS) {
            do_answers(r, s);
        } else if (!strcmp(s->kind, "rule")) {
            do_rule(r, s);
        } else if (!strcmp(s->kind, "question")) {
            do_question(r, s);
        } else if (!strcmp(s->kind, "facts")) {
            do_facts(r, s);
        } else if (!strcmp(s->kind, "test")) {
            do_test(r, s);
        } else {
            do_entry(r, s);
        }
    }
    sect_clear(r->e, s);
}

/* Starts a section from a header line; returns 0 if it is valid. */
static void sect_start(rdr *r, const char *line, size_t len, size_t lead)
{
    eng_engine *e = r->e;
    sect_finish(r);
    sect *s = &r->s;
    memset(s, 0, sizeof *s);
    r->insect = 1;
    r->haskey = 0;
    s->line = r->line;
    s->text = line;
    s->col = (int)lead + 1;
    const char *close = memchr(line, ']', len);
    if (!close) {
        rerr(r, ENG_ERROR, r->line, (int)len + 1, 1, line,
             "expected ']' to close the section header");
        return;
    }
    for (const char *p = close + 1; p < line + len; p++)
        if (*p != ' ' && *p != '\t') {
            rerr(r, ENG_ERROR, r->line, (int)(p - line) + 1, 1, line,
                 "unexpected text after ']' (comments go on lines of their own)");
            return;
        }
    /* words inside the brackets */
    const char *p = line + lead + 1;
    const char *w[3];
    size_t wl[3];
    int nw = 0;
    while (p < close) {
        while (p < close && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= close)
            break;
        const char *st = p;
        while (p < close && *p != ' ' && *p != '\t')
            p++;
        if (nw < 3) {
            w[nw] = st;
            wl[nw] = (size_t)(p - st);
        }
        nw++;
    }
    if (nw == 0) {
        rerr(r, ENG_ERROR, r->line, s->col, 2, line,
             "empty section header: expected '[KIND NAME]', e.g. '[rule arena.many-partners]'");
        return;
    }
    s->kind = eng_strndup(e, w[0], wl[0]);
    if (!s->kind)
        return;
    int kcol = (int)(w[0] - line) + 1;
    if (nw == 1) {
        rerr(r, ENG_ERROR, r->line, (int)(close - line) + 1, 1, line,
             "expected a name after '%s' in the section header, e.g. '[%s NAME]'",
             s->kind, s->kind);
        return;
    }
    if (nw > 2) {
        rerr(r, ENG_ERROR, r->line, (int)(w[2] - line) + 1, (int)wl[2], line,
             "expected '[KIND NAME]'; a name cannot contain blanks");
        return;
    }
    s->name = eng_strndup(e, w[1], wl[1]);
    if (!s->name)
        return;
    s->namecol = (int)(w[1] - line) + 1;
    if (!is_symbol(s->kind)) {
        rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
             "invalid section kind '%s': expected a word such as rule, question, facts or test",
             s->kind);
        return;
    }
    if (!is_symbol(s->name)) {
        rerr(r, ENG_ERROR, r->line, s->namecol, (int)wl[1], line,
             "invalid name '%s': a name starts with a letter or '_', then letters, digits, _ . : -",
             s->name);
        return;
    }
    if (r->mode == MODE_ANSWERS) {
        if (strcmp(s->kind, "answers")) {
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' in an answers file (expected '[answers NAME]')",
                 s->kind);
            return;
        }
    } else if (!key_in(s->kind, builtin_kinds, 4) &&
               !smap_get(&e->kinds, s->kind, strlen(s->kind))) {
        const char *cands[64];
        size_t nc = 0;
        for (int i = 0; i < 4; i++)
            cands[nc++] = builtin_kinds[i];
        char list[512] = "rule, question, facts, test";
        for (size_t i = 0; i < e->kindlist.n && nc < 64; i++) {
            cands[nc++] = e->kindlist.v[i];
            strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, e->kindlist.v[i], sizeof list - strlen(list) - 1);
        }
        const char *dym = eng_did_you_mean(s->kind, cands, nc);
        if (!strcmp(s->kind, "answers"))
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "[answers ...] sections belong in an answers file, not in the knowledge base");
        else if (dym)
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' (did you mean '%s'?)", s->kind, dym);
        else
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' (expected %s)", s->kind, list);
        return;
    }
    s->valid = 1;
}

static int looks_like_key(const char *s, size_t n)
{
    size_t i = 0;
    if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
        return 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.'))
        i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < n && s[i] == '=' && (i + 1 >= n || s[i + 1] != '=');
}

/* Checks UTF-8; returns the offset of the first bad byte or -1. */
static long utf8_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
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

/* A header line that cannot be read still ends the section before it, so
 * that the keys after it are not blamed on the wrong section. */
static void skip_header(rdr *r, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] == '[') {
        sect_finish(r);
        memset(&r->s, 0, sizeof r->s);
        r->insect = 1;
        r->haskey = 0;
    }
}

/* inih's reader: hands it one checked line at a time. */
static char *reader(char *str, int num, void *stream)
{
    rdr *r = stream;
    (void)num;
    for (;;) {
        if (r->pos >= r->len)
            return NULL;
        const char *line = r->buf + r->pos;
        const char *nl = memchr(line, '\n', r->len - r->pos);
        size_t len = nl ? (size_t)(nl - line) : r->len - r->pos;
        r->pos += len + (nl != NULL);
        r->line++;
        if (len && line[len - 1] == '\r')
            len--;
        r->cur = line;
        r->curlen = len;
        r->cont = 0;
        if (r->gaveup)
            continue;
        if (len > r->e->cfg.max_line) {
            rerr(r, ENG_ERROR, r->line, (int)r->e->cfg.max_line + 1, 1, NULL,
                 "line is %zu bytes long; the limit is %zu (continue a long value on indented lines)",
                 len, r->e->cfg.max_line);
            skip_header(r, line, len);
            continue;
        }
        long bad = utf8_bad((const unsigned char *)line, len);
        if (bad >= 0) {
            rerr(r, ENG_ERROR, r->line, (int)bad + 1, 1, NULL,
                 "invalid UTF-8 byte 0x%02x: files must be UTF-8 text",
                 (unsigned char)line[bad]);
            skip_header(r, line, len);
            continue;
        }
        size_t lead = 0;
        while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == len || line[lead] == ';' || line[lead] == '#')
            continue;       /* blank or comment: inih would skip it too */
        if (line[lead] == '[') {
            sect_start(r, line, len, lead);
            memcpy(str, "[s]\n", 5);    /* inih resets its last key */
            return str;
        }
        if (lead > 0 && r->haskey) {
            /* inih joins an indented line to the previous key */
            r->cont = 1;
            if (looks_like_key(line + lead, len - lead) && r->insect && r->s.valid) {
                size_t kl = 0;
                while (lead + kl < len && line[lead + kl] != ' ' && line[lead + kl] != '=' &&
                       line[lead + kl] != '\t')
                    kl++;
                rerr(r, ENG_WARNING, r->line, (int)lead + 1, (int)kl, line,
                     "this indented line continues the previous value; if '%.*s' is meant as a new key, remove the indentation",
                     (int)kl, line + lead);
            }
            memcpy(str, line, len);
            str[len] = '\n';
            str[len + 1] = '\0';
            return str;
        }
        const char *eq = NULL;
        for (size_t i = lead; i < len; i++)
            if (line[i] == '=' || line[i] == ':') {
                eq = line + i;
                break;
            }
        if (!eq) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, (int)(len - lead), line,
                 "expected 'key = value' or a '[section]' header");
            continue;
        }
        if (eq == line + lead) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, 1, line,
                 "missing key before '%c'", *eq);
            continue;
        }
        if (!r->insect) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, 1, line,
                 "'key = value' before any [section] header");
            continue;
        }
        r->haskey = 1;
        memcpy(str, line, len);
        str[len] = '\n';
        str[len + 1] = '\0';
        return str;
    }
}

static int add_seg(rdr *r, kv *k, int line, int col)
{
    if (k->nsegs == k->capsegs) {
        size_t cap = k->capsegs ? k->capsegs * 2 : 2;
        seg *s = eng_mem(r->e, k->segs, cap * sizeof *s);
        if (!s) {
            r->e->oom = 1;
            return -1;
        }
        k->segs = s;
        k->capsegs = cap;
    }
    seg *s = &k->segs[k->nsegs++];
    s->off = k->val.len;
    s->line = line;
    s->col = col;
    s->text = r->cur;
    return 0;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    rdr *r = user;
    sect *s = &r->s;
    (void)section;
    if (!r->insect || !s->valid || !name)
        return 1;
    /* column of the value in the raw line */
    const char *line = r->cur;
    size_t len = r->curlen, i = 0;
    if (!r->cont) {
        while (i < len && line[i] != '=' && line[i] != ':')
            i++;
        i++;
    }
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    int col = (int)i + 1;
    size_t vlen = strlen(value);
    kv *k;
    /* a continuation extends the last value, except for `fact`, whose
     * indented lines are facts of their own */
    if (r->cont && s->nkvs && strcmp(s->kvs[s->nkvs - 1].key, "fact")) {
        k = &s->kvs[s->nkvs - 1];
        if (vlen) {
            if (k->val.len)
                ebuf_add(r->e, &k->val, " ", 1);
            if (add_seg(r, k, r->line, col))
                return 1;
            ebuf_add(r->e, &k->val, value, vlen);
        }
        return 1;
    }
    if (s->nkvs == s->capkvs) {
        size_t cap = s->capkvs ? s->capkvs * 2 : 8;
        kv *v = eng_mem(r->e, s->kvs, cap * sizeof *v);
        if (!v) {
            r->e->oom = 1;
            return 1;
        }
        s->kvs = v;
        s->capkvs = cap;
    }
    k = &s->kvs[s->nkvs];
    memset(k, 0, sizeof *k);
    /* an answers file's keys live only as long as their section: the
     * arena (freed with the engine) would grow with every file read */
    if (r->mode == MODE_ANSWERS) {
        k->key = eng_strndup(r->e, name, strlen(name));
        k->ownkey = 1;
    } else {
        k->key = eng_arena_str(r->e, name, strlen(name));
    }
    if (!k->key)
        return 1;
    s->nkvs++;
    k->line = r->line;
    k->col = col;
    if (add_seg(r, k, r->line, col))
        return 1;
    ebuf_add(r->e, &k->val, value, vlen);
    if (!k->val.p)
        ebuf_add(r->e, &k->val, "", 0);
    return 1;
}

/* Gives diagnostics made without their source line (by the compiler,
 * which sees parse trees, not text) the line from the file. */
static void fill_sources(eng_engine *e, size_t first, const char *path,
                         const char *buf, size_t len)
{
    for (size_t i = first; i < e->ndiags; i++) {
        eng_diag *d = &e->diags[i];
        if (d->source || d->line <= 0 || d->path != path)
            continue;
        const char *p = buf, *end = buf + len;
        for (int ln = 1; ln < d->line && p < end; ln++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        if (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (n > 1000)
                n = 1000;
            d->source = eng_strndup(e, p, n);
        }
    }
}

/* Diagnostics of one file in line and column order (insertion sort keeps
 * it stable; the lists are short). */
static void sort_diags(eng_engine *e, size_t first)
{
    for (size_t i = first + 1; i < e->ndiags; i++) {
        eng_diag d = e->diags[i];
        size_t j = i;
        while (j > first && (e->diags[j - 1].line > d.line ||
                             (e->diags[j - 1].line == d.line &&
                              e->diags[j - 1].col > d.col))) {
            e->diags[j] = e->diags[j - 1];
            j--;
        }
        e->diags[j] = d;
    }
}

static int parse_text_nul(eng_engine *e, const char *path, const char *buf,
                          size_t len, int mode, eng_answers *ans);

/* The reader and the diagnostics treat a line as a C string: work on a
 * NUL-terminated copy (a caller's buffer need not end in one). */
static int parse_text(eng_engine *e, const char *path, const char *buf,
                      size_t len, int mode, eng_answers *ans)
{
    if (mode == MODE_ANSWERS && buf[len] == '\0')
        return parse_text_nul(e, path, buf, len, mode, ans);   /* read_file's */
    char *copy = eng_malloc(e, len + 1);
    if (!copy)
        return ENG_ENOMEM;
    memcpy(copy, buf, len);
    copy[len] = '\0';
    int rc = parse_text_nul(e, path, copy, len, mode, ans);
    eng_release(e, copy);
    return rc;
}

static int parse_text_nul(eng_engine *e, const char *path, const char *buf,
                          size_t len, int mode, eng_answers *ans)
{
    rdr r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.path = eng_path_intern(e, path);
    r.buf = buf;
    r.len = len;
    r.mode = mode;
    r.ans = ans;
    size_t nerr = e->nerrors;
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        int line = 1;
        const char *ls = buf;
        for (const char *p = buf; p < nul; p++)
            if (*p == '\n') {
                line++;
                ls = p + 1;
            }
        eng_diagf(e, ENG_ERROR, r.path, line, (int)(nul - ls) + 1, 1, NULL,
                  "the file contains a NUL byte: it is not a text file");
        return ENG_EINVAL;
    }
    r.out = eng_malloc(e, e->cfg.max_line + 8);
    if (!r.out)
        return ENG_ENOMEM;
    /* Debian's inih reads these at run time: lines up to our own limit
     * (which the reader enforces with a diagnostic), no inline comments
     * (a ';' may be part of a regex or a sentence), multi-line values on. */
    ini_max_line = (int)e->cfg.max_line + 8;
    ini_allow_inline_comments = 0;
    ini_allow_multiline = 1;
    ini_stop_on_first_error = 0;
    size_t first = e->ndiags;
    ini_parse_stream(reader, &r, handler, &r);
    sect_finish(&r);
    sect_clear(e, &r.s);
    eng_release(e, r.out);
    fill_sources(e, first, r.path, buf, len);
    sort_diags(e, first);
    if (e->oom)
        return ENG_ENOMEM;
    return e->nerrors > nerr ? ENG_EINVAL : ENG_OK;
}

/* ------------------------------------------------------------ tests */

static void check_tests(eng_engine *e)
{
    for (size_t i = 0; i < e->pending_tests.n; i++) {
        rawtest *rt = e->pending_tests.v[i];
        eng_test *t = rt->t;
        sect *s = &rt->s;
        rdr r;
        memset(&r, 0, sizeof r);
        r.e = e;
        r.path = t->path;
        int bad = 0;
        t->ans = eng_arena(e, (s->nkvs + 1) * sizeof *t->ans);
        t->exp = eng_arena(e, (s->nkvs + 1) * sizeof *t->exp);
        if (!t->ans || !t->exp) {
            /* out of memory: this test is dropped with its section (a
             * break here leaked the tests still pending) */
            e->oom = 1;
            sect_clear(e, s);
            eng_release(e, rt);
            continue;
        }
        for (size_t j = 0; j < s->nkvs; j++) {
            kv *k = &s->kvs[j];
            const char *v = k->val.p ? k->val.p : "";
            if (!strncmp(k->key, "answer.", 7)) {
                const eng_question *q = eng_question_find(e, k->key + 7);
                if (!q) {
                    rerr(&r, ENG_ERROR, k->line, 1, (int)strlen(k->key), kv_text(k, k->line),
                         "test '%s' answers unknown question '%s'", t->name, k->key + 7);
                    bad = 1;
                    continue;
                }
                eng_value vals[64];
                size_t n;
                char err[512];
                int rc = eng_answer_parse(e, q, v, vals, 64, &n, err, sizeof err);
                if (rc == ENG_ENOMEM) {
                    e->oom = 1;
                    bad = 1;
                    break;
                }
                if (rc) {
                    kv_err(&r, k, 0, (int)k->val.len, "question '%s': %s", q->id, err);
                    bad = 1;
                    continue;
                }
                tanswer *a = &t->ans[t->nans++];
                a->q = q;
                a->line = k->line;
                a->vals = eng_arena(e, (n + 1) * sizeof *vals);
                if (!a->vals) {
                    e->oom = 1;     /* not a test with an answer left out */
                    bad = 1;
                    break;
                }
                memcpy(a->vals, vals, n * sizeof *vals);
                a->nvals = n;
            } else if (!strcmp(k->key, "expect") || !strcmp(k->key, "expect_not")) {
                srcmap m = {t->path, k->segs, k->nsegs};
                pce *c = eng_parse_ce(e, &m, v, k->val.len);
                if (!c) {
                    bad = 1;
                    continue;
                }
                if (c->kind != CE_PATTERN || c->factvar || c->ncons) {
                    kv_err(&r, k, 0, (int)k->val.len,
                           "'%s' takes a plain pattern such as 'situation primary lab' (variables and ? allowed)",
                           k->key);
                    bad = 1;
                    continue;
                }
                texpect *x = &t->exp[t->nexp++];
                x->negate = k->key[6] == '_';
                x->text = eng_arena_str(e, v, k->val.len);
                x->line = k->line;
            } else if (strcmp(k->key, "description")) {
                static const char *const keys[] = {"answer.ID", "expect", "expect_not",
                                                   "description"};
                unknown_key(&r, k, "test", keys, 4);
                bad = 1;
            }
        }
        if (!bad && !t->nexp) {
            eng_diagf(e, ENG_WARNING, t->path, t->line, 1, 1, NULL,
                      "test '%s' has no 'expect' or 'expect_not': it cannot fail", t->name);
        }
        if (!bad)
            pvec_push(e, &e->tests, t);
        sect_clear(e, s);
        eng_release(e, rt);
    }
    e->pending_tests.n = 0;
}

/* ------------------------------------------------------------ files */

/* Reads PATH whole; files larger than LIMIT bytes are refused, so that a
 * huge input cannot exhaust memory. */
static int read_file(eng_engine *e, const char *path, char **buf, size_t *len,
                     size_t limit)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot open: %s",
                  strerror(errno));
        return ENG_EIO;
    }
    if (fstat(fileno(fp), &st) == 0 && (unsigned long long)st.st_size > limit) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "the file is %llu bytes; the limit is %zu MiB: split it into smaller files",
                  (unsigned long long)st.st_size, limit >> 20);
        fclose(fp);
        return ENG_EIO;
    }
    ebuf b = {0};
    char chunk[65536];
    size_t n;
    /* one allocation of the right size where the size is known */
    if (fstat(fileno(fp), &st) == 0 && st.st_size > 0) {
        b.p = eng_malloc(e, (size_t)st.st_size + 1);
        if (b.p) {
            b.cap = (size_t)st.st_size + 1;
            b.p[0] = '\0';
        }
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len <= limit)
        ebuf_add(e, &b, chunk, n);
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        ebuf_free(e, &b);
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot read: %s",
                  strerror(EIO));
        return ENG_EIO;
    }
    if (b.oom) {
        ebuf_free(e, &b);
        return ENG_ENOMEM;
    }
    *buf = b.p;
    *len = b.len;
    return ENG_OK;
}

static int load_file(eng_engine *e, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = read_file(e, path, &buf, &len, ENG_MAX_KB_FILE);
    if (rc)
        return rc;
    rc = parse_text(e, path, buf ? buf : "", len, MODE_KB, NULL);
    eng_release(e, buf);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(eng_engine *e, const char *dir, int depth, size_t *nfiles)
{
    if (depth > MAX_DIR_DEPTH) {
        eng_diagf(e, ENG_ERROR, dir, 0, 0, 1, NULL,
                  "directories nested more than %d deep (a symbolic link loop?)",
                  MAX_DIR_DEPTH);
        return ENG_EINVAL;
    }
    DIR *d = opendir(dir);
    if (!d) {
        eng_diagf(e, ENG_ERROR, dir, 0, 0, 1, NULL, "cannot open directory: %s",
                  strerror(errno));
        return ENG_EIO;
    }
    pvec names = {0};
    struct dirent *de;
    int rc = ENG_OK;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;       /* ., .., and hidden files such as editor swaps */
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *p = eng_malloc(e, len);
        if (!p || pvec_push(e, &names, p)) {
            eng_release(e, p);
            rc = ENG_ENOMEM;
            break;
        }
        snprintf(p, len, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n && rc != ENG_ENOMEM; i++) {
        const char *p = names.v[i];
        struct stat st;
        int r2 = ENG_OK;
        if (stat(p, &st)) {
            eng_diagf(e, ENG_ERROR, p, 0, 0, 1, NULL, "cannot read: %s",
                      strerror(errno));
            r2 = ENG_EIO;
        } else if (S_ISDIR(st.st_mode)) {
            r2 = load_dir(e, p, depth + 1, nfiles);
        } else if (strlen(p) > 4 && !strcmp(p + strlen(p) - 4, ".ini")) {
            if (!S_ISREG(st.st_mode)) {
                /* a FIFO or device would block or never end */
                eng_diagf(e, ENG_ERROR, p, 0, 0, 1, NULL,
                          "not a regular file: a knowledge base holds plain .ini files");
                r2 = ENG_EIO;
            } else {
                (*nfiles)++;
                r2 = load_file(e, p);
            }
        }
        if (r2 == ENG_ENOMEM || r2 == ENG_EIO || (r2 && rc == ENG_OK))
            rc = rc == ENG_OK || r2 == ENG_ENOMEM ? r2 : rc;
    }
    for (size_t i = 0; i < names.n; i++)
        eng_release(e, names.v[i]);
    pvec_free(e, &names);
    return rc;
}

int eng_load_path(eng_engine *e, const char *path)
{
    if (e->ready)
        return ENG_ESTATE;
    struct stat st;
    if (stat(path, &st)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot open: %s",
                  strerror(errno));
        return ENG_EIO;
    }
    int rc;
    if (S_ISDIR(st.st_mode)) {
        size_t nfiles = 0;
        rc = load_dir(e, path, 0, &nfiles);
        if (rc == ENG_OK && !nfiles) {
            eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                      "no .ini files in this directory: it is not a knowledge base");
            rc = ENG_EINVAL;
        }
    } else if (!S_ISREG(st.st_mode)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "not a regular file or directory: give a directory of .ini files or one .ini file");
        rc = ENG_EIO;
    } else {
        rc = load_file(e, path);
    }
    check_tests(e);
    if (e->oom)
        return ENG_ENOMEM;
    if (rc == ENG_OK && e->nerrors)
        rc = ENG_EINVAL;
    return rc;
}

int eng_load_buffer(eng_engine *e, const char *path, const char *text,
                    size_t len)
{
    if (e->ready)
        return ENG_ESTATE;
    size_t nerr = e->nerrors;
    int rc = parse_text(e, path, text, len, MODE_KB, NULL);
    check_tests(e);
    if (e->oom)
        return ENG_ENOMEM;
    if (rc == ENG_OK && e->nerrors > nerr)
        rc = ENG_EINVAL;
    return rc;
}

int eng_kind_allow(eng_engine *e, const char *kind)
{
    if (smap_get(&e->kinds, kind, strlen(kind)))
        return ENG_OK;
    char *k = eng_arena_str(e, kind, strlen(kind));
    if (!k || smap_put(e, &e->kinds, kind, strlen(kind), k) ||
        pvec_push(e, &e->kindlist, k))
        return ENG_ENOMEM;
    return ENG_OK;
}

size_t eng_entry_count(const eng_engine *e) { return e->entries.n; }

const eng_entry *eng_entry_at(const eng_engine *e, size_t i)
{
    return i < e->entries.n ? e->entries.v[i] : NULL;
}

int eng_facts_add(eng_engine *e, const eng_value *vals, size_t n,
                  const char *path, int line)
{
    if (e->ready)
        return ENG_ESTATE;
    if (n < 1 || n > ENG_MAX_ARITY || vals[0].type != ENG_SYMBOL)
        return ENG_EINVAL;
    rfact *rf = eng_arena(e, sizeof *rf);
    if (!rf || !(rf->v = eng_arena(e, n * sizeof *vals)))
        return ENG_ENOMEM;
    memcpy(rf->v, vals, n * sizeof *vals);
    rf->n = n;
    rf->path = path ? eng_path_intern(e, path) : NULL;
    rf->line = line;
    return pvec_push(e, &e->rfacts, rf) ? ENG_ENOMEM : ENG_OK;
}

/* ------------------------------------------------------------ questions */

size_t eng_question_count(const eng_engine *e) { return e->questions.n; }

const eng_question *eng_question_at(const eng_engine *e, size_t i)
{
    return i < e->questions.n ? e->questions.v[i] : NULL;
}

const eng_question *eng_question_find(const eng_engine *e, const char *id)
{
    for (size_t i = 0; i < e->questions.n; i++) {
        const eng_question *q = e->questions.v[i];
        if (!strcmp(q->id, id))
            return q;
    }
    return NULL;
}

const char *eng_question_id(const eng_question *q) { return q->id; }
const char *eng_question_group(const eng_question *q) { return q->group; }
const char *eng_question_text(const eng_question *q) { return q->text; }
const char *eng_question_help(const eng_question *q) { return q->help; }
eng_qtype eng_question_type(const eng_question *q) { return q->type; }
size_t eng_question_option_count(const eng_question *q) { return q->nopts; }
const char *eng_question_path(const eng_question *q) { return q->path; }

int eng_question_range(const eng_question *q, double *min, double *max)
{
    *min = q->min;
    *max = q->max;
    return (q->has_min ? 1 : 0) | (q->has_max ? 2 : 0);
}
int eng_question_line(const eng_question *q) { return q->line; }

const char *eng_question_option(const eng_question *q, size_t i,
                                const char **label)
{
    if (i >= q->nopts)
        return NULL;
    if (label)
        *label = q->opts[i].label;
    return q->opts[i].value;
}

int eng_question_askable(const eng_engine *e, const eng_question *q)
{
    (void)e;
    if (q->never)
        return 0;
    return !q->query || q->matches > 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
                  (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
        (*n)--;
}

static int ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

/* A bound as people write it: 10000000, not 1e+07. */
static const char *num_text(double d, char *buf, size_t size)
{
    eng_value v = eng_num_real(d);
    if (v.type == ENG_INT)
        snprintf(buf, size, "%lld", (long long)v.u.i);
    else
        snprintf(buf, size, "%g", d);
    return buf;
}

static void options_list(const eng_question *q, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < q->nopts && o + 1 < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", q->opts[i].value);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

int eng_answer_parse(eng_engine *e, const eng_question *q, const char *text,
                     eng_value *vals, size_t max, size_t *n, char *err,
                     size_t errsize)
{
    const char *s = text;
    size_t len = strlen(text);
    char opts[600];
    *n = 0;
    if (errsize)
        err[0] = '\0';
    trim(&s, &len);
    if (!len) {
        snprintf(err, errsize, "the answer is empty; leave the question out when the answer is not known");
        return ENG_EINVAL;
    }
    switch (q->type) {
    case ENG_Q_YESNO:
        if (ieq(s, len, "yes") || ieq(s, len, "no")) {
            if (eng_intern_sym(e, ieq(s, len, "yes") ? "yes" : "no", &vals[0]))
                return ENG_ENOMEM;
            *n = 1;
            return ENG_OK;
        }
        snprintf(err, errsize, "expected yes or no, found '%.*s'", (int)(len > 80 ? 80 : len), s);
        return ENG_EINVAL;
    case ENG_Q_NUMBER: {
        eng_value v;
        char lo[48], hi[48];
        if (eng_parse_number(s, len, &v)) {
            snprintf(err, errsize, "expected a number%s, found '%.*s'",
                     q->has_min || q->has_max ? " in range" : "",
                     (int)(len > 80 ? 80 : len), s);
            if (q->has_min && q->has_max)
                snprintf(err, errsize, "expected a number from %s to %s, found '%.*s'",
                         num_text(q->min, lo, sizeof lo), num_text(q->max, hi, sizeof hi),
                         (int)(len > 80 ? 80 : len), s);
            return ENG_EINVAL;
        }
        double d = eng_num_d(v);
        if ((q->has_min && d < q->min) || (q->has_max && d > q->max)) {
            if (q->has_min && q->has_max)
                snprintf(err, errsize, "expected a number from %s to %s, found %.*s",
                         num_text(q->min, lo, sizeof lo), num_text(q->max, hi, sizeof hi),
                         (int)(len > 80 ? 80 : len), s);
            else if (q->has_min)
                snprintf(err, errsize, "expected a number of at least %s, found %.*s",
                         num_text(q->min, lo, sizeof lo), (int)(len > 80 ? 80 : len), s);
            else
                snprintf(err, errsize, "expected a number of at most %s, found %.*s",
                         num_text(q->max, hi, sizeof hi), (int)(len > 80 ? 80 : len), s);
            return ENG_EINVAL;
        }
        vals[0] = v;
        *n = 1;
        return ENG_OK;
    }
    case ENG_Q_TEXT:
        if (q->pattern) {
            int rc = pcre2_match(q->pattern->code, (PCRE2_SPTR)s, len, 0, 0,
                                 q->pattern->md, e->mctx);
            if (rc < 0) {
                snprintf(err, errsize, "expected text matching /%s/, found '%.*s'",
                         q->pattern->src, (int)(len > 80 ? 80 : len), s);
                return ENG_EINVAL;
            }
        }
        if (eng_intern(e, s, len, ENG_STRING, &vals[0]))
            return ENG_ENOMEM;
        *n = 1;
        return ENG_OK;
    case ENG_Q_ONE:
    case ENG_Q_MANY: {
        const char *p = s, *end = s + len;
        while (p <= end) {
            const char *c = q->type == ENG_Q_MANY ? memchr(p, ',', (size_t)(end - p)) : NULL;
            const char *ie = c ? c : end;
            const char *is = p;
            size_t il = (size_t)(ie - is);
            trim(&is, &il);
            size_t k = 0;
            for (; k < q->nopts; k++)
                if (ieq(is, il, q->opts[k].value))
                    break;
            if (k == q->nopts) {
                options_list(q, opts, sizeof opts);
                if (!il)
                    snprintf(err, errsize, "an empty item in the list (expected %s of: %s)",
                             q->type == ENG_Q_MANY ? "any" : "one", opts);
                else
                    snprintf(err, errsize, "expected %s: %s; found '%.*s'",
                             q->type == ENG_Q_MANY ? "a comma-separated list of" : "one of",
                             opts, (int)(il > 80 ? 80 : il), is);
                return ENG_EINVAL;
            }
            size_t j = 0;
            eng_value v;
            if (eng_intern_sym(e, q->opts[k].value, &v))
                return ENG_ENOMEM;
            for (; j < *n; j++)
                if (eng_value_equal(vals[j], v))
                    break;
            if (j == *n) {
                if (*n == max) {
                    snprintf(err, errsize, "too many values (at most %zu)", max);
                    return ENG_EINVAL;
                }
                vals[(*n)++] = v;
            }
            if (!c)
                break;
            p = c + 1;
        }
        return ENG_OK;
    }
    }
    return ENG_EINVAL;
}

/* ------------------------------------------------------------ answers */

static void do_answers(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    eng_answers *a = r->ans;
    const resp *first = smap_get(&a->names, s->name, strlen(s->name));
    if (first) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "duplicate respondent '%s' (first at line %d)", s->name, first->line);
        return;
    }
    resp *p = eng_calloc(e, sizeof *p);
    if (!p)
        return;
    p->name = eng_strndup(e, s->name, strlen(s->name));
    p->line = s->line;
    p->valid = 1;
    if (!p->name || pvec_push(e, &a->resp, p)) {
        eng_release(e, p->name);
        eng_release(e, p);
        return;
    }
    if (smap_put(e, &a->names, p->name, strlen(p->name), p))
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        const eng_question *q = eng_question_find(e, k->key);
        const char *line = kv_text(k, k->line);
        if (!q) {
            const char *cands[1024];
            size_t nc = 0;
            for (size_t j = 0; j < e->questions.n && nc < 1024; j++)
                cands[nc++] = ((eng_question *)e->questions.v[j])->id;
            const char *dym = eng_did_you_mean(k->key, cands, nc);
            rerr(r, ENG_ERROR, k->line, 1, (int)strlen(k->key), line,
                 "respondent '%s': unknown question '%s'%s%s%s", s->name, k->key,
                 dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
            p->valid = 0;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->kvs[j].key, k->key)) {
                rerr(r, ENG_ERROR, k->line, 1, (int)strlen(k->key), line,
                     "respondent '%s': question '%s' is answered twice (first at line %d)",
                     s->name, k->key, s->kvs[j].line);
                p->valid = 0;
            }
        eng_value vals[256];
        size_t n;
        char err[700];
        int rc = eng_answer_parse(e, q, k->val.p ? k->val.p : "", vals, 256, &n,
                                  err, sizeof err);
        if (rc == ENG_ENOMEM)
            return;
        if (rc) {
            kv_err(r, k, 0, (int)(k->val.len ? k->val.len : 1),
                   "respondent '%s', question '%s': %s", s->name, k->key, err);
            p->valid = 0;
            continue;
        }
        if (p->nvals + 2 * n > p->capvals) {
            size_t cap = (p->capvals ? p->capvals * 2 : 32) + 2 * n;
            eng_value *v = eng_mem(e, p->vals, cap * sizeof *v);
            if (!v) {
                e->oom = 1;
                return;
            }
            p->vals = v;
            p->capvals = cap;
        }
        for (size_t j = 0; j < n; j++) {
            p->vals[p->nvals++] = q->idv;
            p->vals[p->nvals++] = vals[j];
        }
    }
}

eng_answers *eng_answers_read(eng_engine *e, const char *path)
{
    eng_answers *a = eng_calloc(e, sizeof *a);
    if (!a) {
        errno = ENOMEM;
        return NULL;
    }
    a->e = e;
    a->path = eng_strndup(e, path, strlen(path));
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    if (a->path && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "not a regular file: an answers file is a plain INI file");
        eng_answers_free(a);
        errno = EIO;
        return NULL;
    }
    int rc = a->path ? read_file(e, path, &buf, &len, ENG_MAX_ANSWERS_FILE) : ENG_ENOMEM;
    if (rc) {
        eng_answers_free(a);
        errno = rc == ENG_ENOMEM ? ENOMEM : EIO;
        return NULL;
    }
    rc = parse_text(e, path, buf ? buf : "", len, MODE_ANSWERS, a);
    eng_release(e, buf);
    if (rc == ENG_ENOMEM) {
        eng_answers_free(a);
        errno = ENOMEM;
        return NULL;
    }
    if (!a->resp.n && rc == ENG_OK)
        eng_diagf(e, ENG_WARNING, path, 0, 0, 1, NULL,
                  "no [answers NAME] sections: there is nobody to advise");
    return a;
}

void eng_answers_free(eng_answers *a)
{
    if (!a)
        return;
    eng_engine *e = a->e;
    for (size_t i = 0; i < a->resp.n; i++) {
        resp *p = a->resp.v[i];
        eng_release(e, p->name);
        eng_release(e, p->vals);
        eng_release(e, p);
    }
    pvec_free(e, &a->resp);
    smap_free(e, &a->names);
    eng_release(e, a->path);
    eng_release(e, a);
}

size_t eng_answers_count(const eng_answers *a) { return a->resp.n; }

const char *eng_answers_name(const eng_answers *a, size_t i)
{
    return i < a->resp.n ? ((resp *)a->resp.v[i])->name : NULL;
}

int eng_answers_valid(const eng_answers *a, size_t i)
{
    return i < a->resp.n && ((resp *)a->resp.v[i])->valid;
}

int eng_answers_assert(eng_engine *e, const eng_answers *a, size_t i)
{
    if (i >= a->resp.n || !((resp *)a->resp.v[i])->valid)
        return ENG_EINVAL;
    const resp *p = a->resp.v[i];
    for (size_t j = 0; j + 1 < p->nvals; j += 2) {
        eng_value f[3] = {e->sym_answer, p->vals[j], p->vals[j + 1]};
        int rc = eng_assert(e, f, 3, NULL);
        if (rc)
            return rc;
    }
    return ENG_OK;
}

/* ------------------------------------------------------------ tests */

size_t eng_test_count(const eng_engine *e) { return e->tests.n; }

const eng_test *eng_test_at(const eng_engine *e, size_t i)
{
    return i < e->tests.n ? e->tests.v[i] : NULL;
}

const char *eng_test_name(const eng_test *t) { return t->name; }
const char *eng_test_path(const eng_test *t) { return t->path; }
int eng_test_line(const eng_test *t) { return t->line; }
size_t eng_test_expect_count(const eng_test *t) { return t->nexp; }

const char *eng_test_expect(const eng_test *t, size_t i, int *negate)
{
    if (i >= t->nexp)
        return NULL;
    if (negate)
        *negate = t->exp[i].negate;
    return t->exp[i].text;
}

typedef struct tfound {
    eng_engine *e;
    char buf[400];
    size_t o;
    int n;
} tfound;

static int collect(void *ud, const eng_fact *f)
{
    tfound *tf = ud;
    char tmp[256];
    eng_fact_format(tf->e, f, tmp, sizeof tmp);
    if (tf->n < 3 && tf->o + strlen(tmp) + 4 < sizeof tf->buf) {
        tf->o += (size_t)snprintf(tf->buf + tf->o, sizeof tf->buf - tf->o, "%s%s",
                                  tf->n ? "; " : "", tmp);
    }
    tf->n++;
    return 0;
}

int eng_test_run(eng_engine *e, const eng_test *t,
                 void (*fn)(void *ud, const eng_test *t, int line,
                            const char *message),
                 void *ud)
{
    int rc = eng_reset(e);
    if (rc)
        return -rc;
    for (size_t i = 0; i < t->nans; i++)
        for (size_t j = 0; j < t->ans[i].nvals; j++) {
            eng_value f[3] = {e->sym_answer, t->ans[i].q->idv, t->ans[i].vals[j]};
            if ((rc = eng_assert(e, f, 3, NULL)))
                return -rc;
        }
    rc = eng_run(e, 0, NULL);
    if (rc)
        return -rc;
    int pass = 1;
    for (size_t i = 0; i < t->nexp; i++) {
        const texpect *x = &t->exp[i];
        tfound tf;
        memset(&tf, 0, sizeof tf);
        tf.e = e;
        long n = eng_query(e, x->text, collect, &tf);
        char msg[700];
        if (!x->negate && n <= 0) {
            char rel[128];
            size_t rl = strcspn(x->text, " \t");
            snprintf(rel, sizeof rel, "%.*s ?", (int)(rl < 100 ? rl : 100), x->text);
            /* show what there is of the same relation, to help see why */
            tfound near;
            memset(&near, 0, sizeof near);
            near.e = e;
            for (int k = 0; k < 8 && near.n == 0; k++) {
                char pat[160];
                size_t o = (size_t)snprintf(pat, sizeof pat, "%.*s", (int)(rl < 100 ? rl : 100), x->text);
                for (int j = 0; j < k; j++)
                    o += (size_t)snprintf(pat + o, sizeof pat - o, " ?");
                eng_query(e, pat, collect, &near);
            }
            snprintf(msg, sizeof msg, "expected a fact matching '%s', found none%s%s",
                     x->text, near.n ? "; facts of that relation: " : " of that relation",
                     near.n ? near.buf : "");
            pass = 0;
            if (fn)
                fn(ud, t, x->line, msg);
        } else if (x->negate && n > 0) {
            snprintf(msg, sizeof msg, "expected no fact matching '%s', found %s", x->text,
                     tf.buf);
            pass = 0;
            if (fn)
                fn(ud, t, x->line, msg);
        }
    }
    return pass;
}

/* ------------------------------------------------------------ life cycle */

static void *pcre_alloc(size_t n, void *ud)
{
    return eng_mem(ud, NULL, n);
}

static void pcre_free(void *p, void *ud)
{
    if (p)
        eng_mem(ud, p, 0);
}

eng_engine *eng_new(const eng_config *cfg)
{
    eng_config c;
    memset(&c, 0, sizeof c);
    if (cfg)
        c = *cfg;
    if (c.max_firings <= 0)
        c.max_firings = ENG_DEFAULT_FIRINGS;
    if (!c.regex_match_limit)
        c.regex_match_limit = 100000;
    if (!c.regex_depth_limit)
        c.regex_depth_limit = 1000;
    if (!c.max_line)
        c.max_line = 4096;
    eng_engine *e = c.alloc ? c.alloc(c.alloc_ud, NULL, sizeof *e)
                            : malloc(sizeof *e);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->cfg = c;
    e->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, e);
    if (!e->gctx)
        goto fail;
    e->cctx = pcre2_compile_context_create(e->gctx);
    e->mctx = pcre2_match_context_create(e->gctx);
    if (!e->cctx || !e->mctx)
        goto fail;
    pcre2_set_match_limit(e->mctx, c.regex_match_limit);
    pcre2_set_depth_limit(e->mctx, c.regex_depth_limit);
    e->top = eng_arena(e, sizeof *e->top);
    if (!e->top || pvec_push(e, &e->allnodes, e->top))
        goto fail;
    e->top->type = N_TOP;
    if (eng_intern_sym(e, "answer", &e->sym_answer))
        goto fail;
    return e;
fail:
    eng_free(e);
    return NULL;
}

void eng_free(eng_engine *e)
{
    if (!e)
        return;
    e->listener = NULL;     /* no events from the teardown */
    eng_wm_free(e);
    for (size_t i = 0; i < 24; i++) {
        tok *t = e->tokpool[i], *nt;
        for (; t; t = nt) {
            nt = t->parent;
            eng_release(e, t);
        }
    }
    for (fact_ent *x = e->entpool, *nx; x; x = nx) {
        nx = x->fnext;
        eng_release(e, x);
    }
    for (size_t i = 0; i < e->allnodes.n; i++) {
        node *n = e->allnodes.v[i];
        eng_release(e, n->kids);
        eng_release(e, n->b);
    }
    pvec_free(e, &e->allnodes);
    for (size_t i = 0; i < e->amems.nb; i++)
        for (smap_ent *x = e->amems.b[i]; x; x = x->next) {
            amem *am = x->val;
            eng_release(e, am->b);
            eng_release(e, am->sv);
            eng_release(e, am->live);
        }
    for (size_t i = 0; i < e->ndisp; i++)
        for (reldisp *d = e->disp[i]; d; d = d->next)
            smap_free(e, &d->byval);
    eng_release(e, e->disp);
    for (size_t i = 0; i < e->regexes.n; i++) {
        regex *re = e->regexes.v[i];
        pcre2_code_free(re->code);
        pcre2_match_data_free(re->md);
    }
    pvec_free(e, &e->regexes);
    for (size_t i = 0; i < e->pending_tests.n; i++) {
        rawtest *rt = e->pending_tests.v[i];
        sect_clear(e, &rt->s);
        eng_release(e, rt);
    }
    pvec_free(e, &e->pending_tests);
    pvec *vecs[] = {&e->rules, &e->questions, &e->tests, &e->entries,
                    &e->rfacts, &e->levels, &e->run_rules, &e->kindlist,
                    &e->inputs};
    for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
        pvec_free(e, vecs[i]);
    smap *maps[] = {&e->rule_names, &e->question_names, &e->test_names,
                    &e->fact_names, &e->entry_names, &e->kinds, &e->amems,
                    &e->nodes, &e->paths};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        smap_free(e, maps[i]);
    eng_diag_clear(e);
    eng_release(e, e->diags);
    eng_release(e, e->fset);
    eng_release(e, e->pset);
    for (size_t i = 0; i < e->natoms; i++)
        eng_release(e, e->atoms[i]);
    eng_release(e, e->atoms);
    eng_release(e, e->abuckets);
    void *c = e->arena_chunks;
    while (c) {
        void *next = *(void **)c;
        eng_release(e, c);
        c = next;
    }
    pcre2_match_context_free(e->mctx);
    pcre2_compile_context_free(e->cctx);
    pcre2_general_context_free(e->gctx);
    if (e->cfg.alloc)
        e->cfg.alloc(e->cfg.alloc_ud, e, 0);
    else
        free(e);
}
