/*
 * lint.c -- rule-authoring checks on a loaded knowledge base, and the rule
 * dependency graph they (and `ldt-advisor graph`) are built on.
 *
 * A relation is a name and a size (values, the relation included):
 * `situation primary S` (3) and `situation score S N` (4) are two
 * relations.  The shape `situation ? ?` names a relation in messages.
 *
 * Definitions:
 *
 * - asserted: a relation is asserted when it is the relation of an assert
 *   or add action of some rule, of a [facts] line (seen as the facts a
 *   reset asserts), of a catalogue entry fact (the kb layer turns
 *   [KIND NAME] into `KIND NAME` -- `advice.entry NAME` for advice -- and
 *   `KIND.KEY NAME VALUE` for each key), or is `answer` of size 3 when the
 *   knowledge base has questions.  "Nothing asserts" means none of these.
 *
 * - read but never asserted / can never fire: a positive or exists
 *   pattern of a rule on a relation nothing asserts means the rule can
 *   never fire; in an ask_if, that the question can never be asked.  The
 *   warning is at the pattern's relation, with the sizes the name is
 *   asserted with when only the size differs, else "did you mean" the
 *   closest asserted relation of the same size.  A rule whose
 *   `answer Q V` names no option of Q (an error of the loader) or that has
 *   a test the engine finds always false (a warning of the loader) can
 *   never fire either; lint adds nothing to those.  Rules that can never
 *   fire only because they read what such a rule asserts are not reported
 *   again: the cause is.
 *
 * - `not` on a relation nothing asserts: the condition always holds;
 *   warning at the relation.
 *
 * - labels nothing provides: a `because` showing {?var|REL} when nothing
 *   asserts REL of size 3 (`REL NAME LABEL`) and REL is no question shows
 *   the bare value; warning at REL, with the same hint as a read never
 *   asserted.
 *
 * - variables of a `not` or `exists` that no condition before it binds are
 *   its own; when a later positive pattern binds the same name, the
 *   condition does not see that value, which is rarely what was meant:
 *   warning at the condition, naming the pattern.
 *
 * - answers shown by their value: a `because` showing {?var}, bare, where
 *   ?var is bound by `answer Q ?var` for a `one` or `many` question Q,
 *   shows an option's identifier to the reader; warning at the '{', with
 *   {?var|Q} (the option's label) as the fix.
 *
 * - answers out of range: a rule binding the answer to a number question
 *   with a range (`answer pop ?p`, pop from 0 to 50,000,000) whose tests
 *   on that variable allow none of its numbers (`?p > 60000000`) can never
 *   fire; for a question of whole numbers (`integer = yes`), none of its
 *   whole numbers (`?n > 3` and `?n < 4`).  Warning at the variable.  (A
 *   constant out of range, `answer pop 60000000`, is an error of the
 *   reference checks, see check.c.)
 *
 * - conclusions without a reason: a rule with no `because` whose assert or
 *   add action writes a relation the advice shows (situation, maturity,
 *   model, need, finance, advice, journey): the advice gives no reason of
 *   that rule for it.  Warning at the action (the first such of the rule).
 *
 * - questions no rule reads: no rule condition (of any kind) and no ask_if
 *   line has the pattern `answer Q ...` with Q constant; warning at the
 *   question's header.  A pattern `answer ?q ...` with a variable reads
 *   every question, and then none is reported.
 *
 * - catalogue entries nothing refers to: [KIND NAME] whose NAME is no
 *   symbol in a rule's conditions (their text: patterns, constraints and
 *   tests such as `?s in {lab, studio}`) or in the constants of its assert
 *   and add actions, in an ask_if line, in a question's option values, in
 *   a [facts] line, or in a key of another catalogue entry (lists are
 *   split at commas: advice.units lists units, unit.requires units,
 *   unit.personas personas, module.track tracks).  Rules may also select
 *   entries generically, by attribute: when some rule or ask_if has a
 *   positive or exists pattern on the entry relation of KIND or on a
 *   `KIND.KEY` relation with a variable (not a constant) as the entry
 *   name -- `unit.personas ?u ?p` -- any entry of KIND can be picked, and
 *   none of that kind is reported.  Warning at the entry's header.
 *
 * - rules that can retrigger each other without end: the graph rule ->
 *   relation it asserts or adds -> rule that reads it in a positive or
 *   exists pattern; its strongly connected components with a cycle (two
 *   rules or more, or one rule that reads what it asserts).  Facts are a
 *   set and refraction fires an activation once per combination of facts,
 *   so a cycle that only asserts facts built from the values it matched
 *   ends by itself.  One is reported when a rule in it retracts a fact it
 *   matched on a relation of the cycle (an equal fact asserted again is
 *   new), `add`s to a relation of the cycle, or asserts into one a value
 *   computed by an expression; warning at that action, naming the rules.
 *   Not when every rule of the cycle retracts a fact it matched of a
 *   relation that no rule of the cycle asserts or adds to: each firing
 *   uses up one of a finite supply.  A condition that bounds the cycle
 *   (`?n < ?max`) is not recognised: check it by reading the rules named.
 *
 * - contradictory values of an "exactly one" conclusion: the conclusions
 *   `situation primary S`, `maturity band B` and `model primary M` must
 *   have one value.  Two rules of the same salience that assert one of
 *   them with different constant values are reported (warning at the
 *   later rule's action, a note at the other's) unless one of them has a
 *   `not` on that conclusion, or their conditions exclude each other in
 *   an obvious way: the same all-constant pattern positive in one and
 *   under `not` in the other; `answer Q A` and `answer Q B` for a `one`
 *   or `yesno` question Q and A != B; or a variable bound by the same
 *   pattern (all its other places constants) whose numeric tests
 *   (`?t < 8`, `?t >= 8`, also as pattern constraints) give disjoint
 *   ranges.
 *
 * Cost: one pass over the conditions and actions of every rule builds an
 * index from relation to its writers and readers; every check walks that
 * index or one rule at a time, so a knowledge base of 10,000 rules takes
 * well under a second.  The two pairwise parts are bounded: "did you mean"
 * stops suggesting after comparing 20 million pairs of names, and the
 * contradiction check compares pairs only within a group of rules of one
 * conclusion and salience, at most 2 million pairs in all (a note says
 * when it stopped).
 *
 * Source positions: conditions carry their line and column; for actions
 * (text, column, the fact a retract removes) and header columns the line
 * is read from the file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"

/* ------------------------------------------------------------ vectors */

typedef struct usevec {
    kb_dep_use *v;
    size_t n, cap;
} usevec;

static int use_push(usevec *u, size_t owner, size_t item)
{
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 4;
        kb_dep_use *v = realloc(u->v, cap * sizeof *v);
        if (!v)
            return -1;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n].owner = owner;
    u->v[u->n++].item = item;
    return 0;
}

/* ------------------------------------------------------------ the graph */

typedef struct rel {
    kb_dep_rel pub;
    eng_value sym;
    usevec w, r, ng, ask;
    const char *catkind;        /* catalogue relation: the entry kind */
    size_t nextname;            /* next relation with this name, + 1 */
    const char *dym;            /* lint: cached suggestion */
    int dymdone;
} rel;

struct kb_deps {
    eng_engine *e;
    rel *rels;
    size_t n, cap;
    size_t *slots;              /* (name, size) -> index + 1 */
    size_t *nslots_name;        /* name -> first index + 1 */
    size_t nslots;
};

static size_t hash_key(uint32_t atom, size_t size)
{
    uint64_t h = (uint64_t)atom * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)size * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)h;
}

static int deps_grow(kb_deps *d)
{
    size_t ns = d->nslots ? d->nslots * 2 : 256;
    size_t *s1 = calloc(ns, sizeof *s1), *s2 = calloc(ns, sizeof *s2);
    if (!s1 || !s2) {
        free(s1);
        free(s2);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        const rel *r = &d->rels[i];
        size_t h = hash_key(r->sym.u.atom, r->pub.size) & (ns - 1);
        while (s1[h])
            h = (h + 1) & (ns - 1);
        s1[h] = i + 1;
    }
    /* names: the first relation of each chain */
    for (size_t i = 0; i < d->n; i++) {
        const rel *r = &d->rels[i];
        size_t h = hash_key(r->sym.u.atom, 0) & (ns - 1);
        int seen = 0;
        while (s2[h]) {
            if (d->rels[s2[h] - 1].sym.u.atom == r->sym.u.atom) {
                seen = 1;
                break;
            }
            h = (h + 1) & (ns - 1);
        }
        if (!seen)
            s2[h] = i + 1;
    }
    free(d->slots);
    free(d->nslots_name);
    d->slots = s1;
    d->nslots_name = s2;
    d->nslots = ns;
    return 0;
}

static size_t *name_slot(kb_deps *d, uint32_t atom)
{
    size_t h = hash_key(atom, 0) & (d->nslots - 1);
    while (d->nslots_name[h] && d->rels[d->nslots_name[h] - 1].sym.u.atom != atom)
        h = (h + 1) & (d->nslots - 1);
    return &d->nslots_name[h];
}

static rel *rel_find(const kb_deps *d, eng_value sym, size_t size)
{
    if (!d->nslots || sym.type != ENG_SYMBOL)
        return NULL;
    size_t h = hash_key(sym.u.atom, size) & (d->nslots - 1);
    while (d->slots[h]) {
        rel *r = &d->rels[d->slots[h] - 1];
        if (r->sym.u.atom == sym.u.atom && r->pub.size == size)
            return r;
        h = (h + 1) & (d->nslots - 1);
    }
    return NULL;
}

/* The relation SYM/SIZE, added when new; NULL when out of memory. */
static rel *rel_get(kb_deps *d, eng_value sym, size_t size)
{
    rel *r = rel_find(d, sym, size);
    if (r)
        return r;
    if ((d->n + 1) * 2 > d->nslots && deps_grow(d))
        return NULL;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        rel *v = realloc(d->rels, cap * sizeof *v);
        if (!v)
            return NULL;
        d->rels = v;
        d->cap = cap;
    }
    size_t idx = d->n++;
    r = &d->rels[idx];
    memset(r, 0, sizeof *r);
    r->sym = sym;
    r->pub.name = eng_value_text(d->e, sym, NULL);
    r->pub.size = size;
    size_t h = hash_key(sym.u.atom, size) & (d->nslots - 1);
    while (d->slots[h])
        h = (h + 1) & (d->nslots - 1);
    d->slots[h] = idx + 1;
    size_t *ns = name_slot(d, sym.u.atom);
    if (!*ns) {
        *ns = idx + 1;
    } else {
        size_t j = *ns - 1;
        while (d->rels[j].nextname)
            j = d->rels[j].nextname - 1;
        d->rels[j].nextname = idx + 1;
    }
    return r;
}

static int sym_of(eng_engine *e, const char *s, eng_value *out)
{
    return eng_intern(e, s, strlen(s), ENG_SYMBOL, out);
}

/* Words of TEXT: a quoted string, a parenthesised group, or a run of other
 * non-blank characters.  Returns how many (at most MAX are stored). */
typedef struct word {
    const char *p;
    size_t n;
} word;

static const char *skip_group(const char *s)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++)
                if (*s == '\\' && s[1])
                    s++;
            if (!*s)
                return s;
        } else if (*s == '(') {
            depth++;
        } else if (*s == ')' && --depth == 0) {
            return s + 1;
        }
    }
    return s;
}

static size_t words(const char *s, word *out, size_t max)
{
    size_t n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            return n;
        const char *st = s;
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++)
                if (*s == '\\' && s[1])
                    s++;
            if (*s)
                s++;
        } else if (*s == '(') {
            s = skip_group(s);
        } else {
            while (*s && *s != ' ' && *s != '\t' && *s != '(' && *s != '"')
                s++;
        }
        if (n < max) {
            out[n].p = st;
            out[n].n = (size_t)(s - st);
        }
        n++;
    }
}

static int word_is(word w, const char *s)
{
    return strlen(s) == w.n && !memcmp(w.p, s, w.n);
}

/* Offset in a pattern condition's TEXT of its relation: after `?f <-`,
 * `not`, `exists`. */
static size_t rel_offset(const char *t)
{
    size_t i = 0;
    while (t[i] == ' ' || t[i] == '\t')
        i++;
    if (t[i] == '?') {
        size_t j = i;
        while (t[j] && t[j] != ' ' && t[j] != '\t' && t[j] != '<')
            j++;
        while (t[j] == ' ' || t[j] == '\t')
            j++;
        if (t[j] == '<' && t[j + 1] == '-') {
            i = j + 2;
            while (t[i] == ' ' || t[i] == '\t')
                i++;
        }
    }
    if (!strncmp(t + i, "not", 3) && (t[i + 3] == ' ' || t[i + 3] == '\t'))
        i += 3;
    else if (!strncmp(t + i, "exists", 6) && (t[i + 6] == ' ' || t[i + 6] == '\t'))
        i += 6;
    while (t[i] == ' ' || t[i] == '\t')
        i++;
    return i;
}

/* The column of the relation of the pattern CI. */
static int rel_col(const eng_cond_info *ci)
{
    size_t lead = 0;
    while (ci->text[lead] == ' ' || ci->text[lead] == '\t')
        lead++;
    return ci->col + (int)(rel_offset(ci->text) - lead);
}

int kb_deps_build(kb *k, kb_deps **out)
{
    eng_engine *e = kb_engine(k);
    kb_deps *d = calloc(1, sizeof *d);
    *out = NULL;
    if (!d)
        return ENG_ENOMEM;
    d->e = e;
    eng_value sym;
    eng_cond_info ci;
    rel *r;
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t c = 0; c < eng_rule_cond_count(rl); c++) {
            if (eng_rule_cond(rl, c, &ci) || ci.kind == ENG_CE_TEST ||
                !eng_rule_cond_const(rl, c, 0, &sym))
                continue;
            if (!(r = rel_get(d, sym, ci.size)) ||
                use_push(ci.kind == ENG_CE_NOT ? &r->ng : &r->r, i, c))
                goto oom;
        }
        for (size_t a = 0; a < eng_rule_action_count(rl); a++) {
            size_t size = eng_rule_action_size(rl, a);
            if (!size || !eng_rule_action_const(rl, a, 0, &sym))
                continue;
            if (!(r = rel_get(d, sym, size)) || use_push(&r->w, i, a))
                goto oom;
        }
    }
    for (size_t i = 0; i < eng_question_count(e); i++) {
        const eng_question *q = eng_question_at(e, i);
        for (size_t c = 0; c < eng_question_cond_count(q); c++) {
            if (eng_question_cond(q, c, &ci) || ci.kind == ENG_CE_TEST ||
                !eng_question_cond_const(q, c, 0, &sym))
                continue;
            if (!(r = rel_get(d, sym, ci.size)) || use_push(&r->ask, i, c))
                goto oom;
        }
    }
    if (eng_question_count(e)) {
        if (sym_of(e, "answer", &sym) || !(r = rel_get(d, sym, 3)))
            goto oom;
        r->pub.inputs |= KB_IN_ANSWERS;
    }
    for (size_t i = 0; i < eng_entry_count(e); i++) {
        const eng_entry *en = eng_entry_at(e, i);
        char buf[256];
        /* as kb.c: the entry fact of advice is advice.entry */
        snprintf(buf, sizeof buf, "%s", strcmp(en->kind, "advice") ? en->kind : "advice.entry");
        if (sym_of(e, buf, &sym) || !(r = rel_get(d, sym, 2)))
            goto oom;
        r->pub.inputs |= KB_IN_CATALOGUE;
        r->catkind = en->kind;
        for (size_t f = 0; f < en->nfields; f++) {
            snprintf(buf, sizeof buf, "%s.%s", en->kind, en->fields[f].key);
            if (sym_of(e, buf, &sym) || !(r = rel_get(d, sym, 3)))
                goto oom;
            r->pub.inputs |= KB_IN_CATALOGUE;
            r->catkind = en->kind;
        }
    }
    int rc = eng_reset(e);
    if (rc)
        goto fail;
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        if (eng_fact_origin(f) != ENG_FROM_FACTS)
            continue;
        if (!(r = rel_get(d, eng_fact_value(f, 0), eng_fact_size(f))))
            goto oom;
        if (!(r->pub.inputs & KB_IN_CATALOGUE))
            r->pub.inputs |= KB_IN_FACTS;
    }
    for (size_t i = 0; i < eng_test_count(e); i++) {
        const eng_test *t = eng_test_at(e, i);
        for (size_t x = 0; x < eng_test_expect_count(t); x++) {
            const char *p = eng_test_expect(t, x, NULL);
            word w[1];
            size_t n = words(p, w, 1);
            if (!n || eng_intern(e, w[0].p, w[0].n, ENG_SYMBOL, &sym))
                continue;
            if ((r = rel_find(d, sym, n)))
                r->pub.expected = 1;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        r = &d->rels[i];
        r->pub.writers = r->w.v;
        r->pub.nwriters = r->w.n;
        r->pub.readers = r->r.v;
        r->pub.nreaders = r->r.n;
        r->pub.negated = r->ng.v;
        r->pub.nnegated = r->ng.n;
        r->pub.askers = r->ask.v;
        r->pub.naskers = r->ask.n;
    }
    *out = d;
    return ENG_OK;
oom:
    rc = ENG_ENOMEM;
fail:
    kb_deps_free(d);
    return rc;
}

void kb_deps_free(kb_deps *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->rels[i].w.v);
        free(d->rels[i].r.v);
        free(d->rels[i].ng.v);
        free(d->rels[i].ask.v);
    }
    free(d->rels);
    free(d->slots);
    free(d->nslots_name);
    free(d);
}

size_t kb_deps_count(const kb_deps *d)
{
    return d->n;
}

const kb_dep_rel *kb_deps_at(const kb_deps *d, size_t i)
{
    return i < d->n ? &d->rels[i].pub : NULL;
}

/* ------------------------------------------------------------ source lines */

typedef struct srcfile {
    char *path;
    char *buf;
    size_t *lines;              /* offsets of line starts */
    size_t nlines;
} srcfile;

typedef struct srccache {
    srcfile *v;
    size_t n, cap;
} srccache;

static void src_free(srccache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].path);
        free(c->v[i].buf);
        free(c->v[i].lines);
    }
    free(c->v);
}

/* Line LINE of PATH (not NUL-terminated: *LEN bytes), or NULL. */
static const char *src_line(srccache *c, const char *path, int line, size_t *len)
{
    srcfile *f = NULL;
    for (size_t i = 0; i < c->n && !f; i++)
        if (!strcmp(c->v[i].path, path))
            f = &c->v[i];
    if (!f) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 8;
            srcfile *v = realloc(c->v, cap * sizeof *v);
            if (!v)
                return NULL;
            c->v = v;
            c->cap = cap;
        }
        f = &c->v[c->n];
        memset(f, 0, sizeof *f);
        if (!(f->path = strdup(path)))
            return NULL;
        c->n++;
        FILE *fp = fopen(path, "rb");
        if (fp) {
            size_t cap = 0, n = 0, got;
            char *buf = NULL;
            do {
                if (n + 4096 + 1 > cap) {
                    size_t ncap = cap ? cap * 2 : 65536;
                    char *nb = realloc(buf, ncap);
                    if (!nb)
                        break;
                    buf = nb;
                    cap = ncap;
                }
                got = fread(buf + n, 1, cap - n - 1, fp);
                n += got;
            } while (got > 0);
            fclose(fp);
            if (buf) {
                buf[n] = '\0';
                size_t nl = 1;
                for (size_t i = 0; i < n; i++)
                    nl += buf[i] == '\n';
                f->lines = malloc((nl + 1) * sizeof *f->lines);
                if (f->lines) {
                    f->lines[f->nlines++] = 0;
                    for (size_t i = 0; i < n; i++)
                        if (buf[i] == '\n')
                            f->lines[f->nlines++] = i + 1;
                    f->lines[f->nlines] = n + 1;
                    f->buf = buf;
                } else {
                    free(buf);
                }
            }
        }
    }
    if (!f->buf || line < 1 || (size_t)line > f->nlines)
        return NULL;
    const char *s = f->buf + f->lines[line - 1];
    size_t n = f->lines[line] - f->lines[line - 1] - 1;
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    *len = n;
    return s;
}

/* ------------------------------------------------------------ findings */

typedef struct finding {
    const char *path;
    int line, col;
    eng_severity sev;
    char *msg;
    const char *kpath;          /* sort key: the group's warning */
    int kline, kcol;
    size_t seq;
} finding;

typedef struct lint {
    kb *k;
    eng_engine *e;
    kb_deps *d;
    srccache src;
    finding *f;
    size_t nf, capf;
    size_t group;               /* the warning that notes attach to */
    int oom;
    const char **cands;         /* asserted relation names, distinct */
    size_t *candsize;           /* a size each is asserted with (first) */
    size_t ncands;
    long long budget;           /* name comparisons left for suggestions */
} lint;

static void add(lint *L, eng_severity sev, const char *path, int line, int col,
                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void add(lint *L, eng_severity sev, const char *path, int line, int col,
                const char *fmt, ...)
{
    if (L->oom)
        return;
    if (L->nf == L->capf) {
        size_t cap = L->capf ? L->capf * 2 : 64;
        finding *v = realloc(L->f, cap * sizeof *v);
        if (!v) {
            L->oom = 1;
            return;
        }
        L->f = v;
        L->capf = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = malloc((size_t)(n > 0 ? n : 0) + 1);
    if (!msg) {
        L->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    finding *f = &L->f[L->nf];
    f->path = path ? path : "";
    f->line = line;
    f->col = col;
    f->sev = sev;
    f->msg = msg;
    f->seq = L->nf;
    if (sev != ENG_NOTE || !L->nf || !f->path[0]) {
        L->group = L->nf;
        f->kpath = f->path;
        f->kline = line;
        f->kcol = col;
    } else {
        const finding *g = &L->f[L->group];
        f->kpath = g->kpath;
        f->kline = g->kline;
        f->kcol = g->kcol;
        f->seq = g->seq;
    }
    L->nf++;
}

static int cmp_finding(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    int c = strcmp(x->kpath, y->kpath);
    if (c)
        return c;
    if (x->kline != y->kline)
        return x->kline < y->kline ? -1 : 1;
    if (x->kcol != y->kcol)
        return x->kcol < y->kcol ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    /* a warning before its notes, the notes in order */
    if (x->sev != y->sev)
        return x->sev == ENG_NOTE ? 1 : -1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* The column where NAME appears in the header [KIND NAME] at PATH:LINE. */
static int header_col(lint *L, const char *path, int line, const char *name)
{
    size_t len, nl = strlen(name);
    const char *s = src_line(&L->src, path, line, &len);
    if (!s)
        return 1;
    for (size_t i = 0; i + nl <= len; i++)
        if (!memcmp(s + i, name, nl) && i && (s[i - 1] == ' ' || s[i - 1] == '\t'))
            return (int)i + 1;
    return 1;
}

/* The text of action A of rule R as written (copied into BUF), and the
 * column where it starts; "" and 0 when the line cannot be read. */
static const char *action_text(lint *L, const eng_rule *r, size_t a, int *col,
                               char *buf, size_t size)
{
    size_t len;
    const char *s = src_line(&L->src, eng_rule_path(r), eng_rule_action_line(r, a), &len);
    *col = 0;
    buf[0] = '\0';
    if (!s)
        return buf;
    const char *eq = memchr(s, '=', len);
    if (!eq)
        return buf;
    size_t i = (size_t)(eq - s) + 1;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t n = len - i;
    while (n && (s[i + n - 1] == ' ' || s[i + n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(buf, s + i, n);
    buf[n] = '\0';
    *col = (int)i + 1;
    return buf;
}

static const char *rule_path(const eng_rule *r) { return eng_rule_path(r); }

/* `name ? ?`: the shape of relation R. */
static const char *shape(const kb_dep_rel *r, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s", r->name);
    for (size_t i = 1; i < r->size && n + 3 < size; i++) {
        buf[n++] = ' ';
        buf[n++] = '?';
        buf[n] = '\0';
    }
    return buf;
}

static int asserted(const rel *r)
{
    return r->w.n || r->pub.inputs;
}

/* ------------------------------------------------------------ read, never asserted */

static int cands_build(lint *L)
{
    kb_deps *d = L->d;
    L->cands = malloc((d->n + 1) * sizeof *L->cands);
    L->candsize = malloc((d->n + 1) * sizeof *L->candsize);
    if (!L->cands || !L->candsize)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        const rel *r = &d->rels[i];
        if (!asserted(r))
            continue;
        /* once per name: skip when an earlier relation of the name counts */
        size_t first = *name_slot(d, r->sym.u.atom) - 1;
        int dup = 0;
        for (size_t j = first; j != i; j = d->rels[j].nextname - 1) {
            if (asserted(&d->rels[j])) {
                dup = 1;
                break;
            }
            if (!d->rels[j].nextname)
                break;
        }
        if (dup)
            continue;
        L->cands[L->ncands] = r->pub.name;
        L->candsize[L->ncands++] = r->pub.size;
    }
    return 0;
}

/* What to add to "nothing asserts 'SHAPE'": the sizes the name is
 * asserted with, or the closest asserted name. */
static void never_hint(lint *L, rel *r, char *buf, size_t size)
{
    char sh[256];
    size_t n = 0, count = 0;
    buf[0] = '\0';
    size_t j = *name_slot(L->d, r->sym.u.atom) - 1;
    for (;;) {
        rel *o = &L->d->rels[j];
        if (o != r && asserted(o)) {
            n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s'%s'",
                                  !count ? ", only " : ", ", shape(&o->pub, sh, sizeof sh));
            count++;
            if (n >= size)
                break;
        }
        if (!o->nextname)
            break;
        j = o->nextname - 1;
    }
    if (count || n >= size)
        return;
    if (!r->dymdone) {
        r->dymdone = 1;
        if (L->budget >= (long long)L->ncands) {
            const char **same = malloc((L->ncands + 1) * sizeof *same);
            size_t ns = 0;
            if (!same) {
                L->oom = 1;
                return;
            }
            for (size_t i = 0; i < L->ncands; i++)
                if (L->candsize[i] == r->pub.size)
                    same[ns++] = L->cands[i];
            r->dym = eng_suggest(r->pub.name, same, ns);
            L->budget -= (long long)(L->ncands + ns);
            free(same);
        }
    }
    if (r->dym)
        snprintf(buf, size, " (did you mean '%s'?)", r->dym);
}

/* Warns when condition CI, whose relation is SYM, reads a relation nothing
 * asserts.  KIND is "rule" or "question", NAME its name; NOT_MSG and
 * NEVER_MSG end the sentence for a 'not' (which then always holds) and for
 * a pattern. */
static void check_read(lint *L, const eng_cond_info *ci, eng_value sym,
                       const char *path, const char *kind, const char *name,
                       const char *not_msg, const char *never_msg)
{
    char sh[256], hint[512];
    rel *r = rel_find(L->d, sym, ci->size);
    if (!r || asserted(r))
        return;
    never_hint(L, r, hint, sizeof hint);
    shape(&r->pub, sh, sizeof sh);
    add(L, ENG_WARNING, path, ci->line, rel_col(ci), "%s '%s'%s: nothing asserts '%s'%s",
        kind, name, ci->kind == ENG_CE_NOT ? not_msg : never_msg, sh, hint);
}

static void check_reads(lint *L)
{
    eng_engine *e = L->e;
    eng_cond_info ci;
    eng_value sym;
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t c = 0; c < eng_rule_cond_count(rl); c++)
            if (!eng_rule_cond(rl, c, &ci) && ci.kind != ENG_CE_TEST &&
                eng_rule_cond_const(rl, c, 0, &sym))
                check_read(L, &ci, sym, rule_path(rl), "rule", eng_rule_name(rl),
                           ": this 'not' always holds", " can never fire");
    }
    for (size_t i = 0; i < eng_question_count(e); i++) {
        const eng_question *q = eng_question_at(e, i);
        for (size_t c = 0; c < eng_question_cond_count(q); c++)
            if (!eng_question_cond(q, c, &ci) && ci.kind != ENG_CE_TEST &&
                eng_question_cond_const(q, c, 0, &sym))
                check_read(L, &ci, sym, eng_question_path(q), "question",
                           eng_question_id(q),
                           ": this 'not' in its ask_if always holds",
                           " can never be asked");
    }
}

/* The question whose id is the symbol V, or NULL. */
static const eng_question *question_of(eng_engine *e, eng_value v)
{
    char id[256];
    size_t len;
    const char *s = v.type == ENG_SYMBOL ? eng_value_text(e, v, &len) : NULL;
    if (!s || len >= sizeof id)
        return NULL;
    memcpy(id, s, len);
    id[len] = '\0';
    return eng_question_find(e, id);
}

/* A label a because shows, {?var|REL}, with nothing asserting `REL ? ?`
 * and REL no question: every sentence shows the value itself. */
static void check_labels(lint *L)
{
    eng_engine *e = L->e;
    eng_value sym;
    int line, col;
    char sh[256], hint[512];
    for (size_t i = 0; i < eng_rule_count(e) && !L->oom; i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t l = 0; !eng_rule_label(rl, l, &sym, &line, &col); l++) {
            if (question_of(e, sym))
                continue;
            rel *r = rel_get(L->d, sym, 3);
            if (!r) {
                L->oom = 1;
                return;
            }
            if (asserted(r))
                continue;
            never_hint(L, r, hint, sizeof hint);
            add(L, ENG_WARNING, rule_path(rl), line, col,
                "rule '%s' shows labels from '%s' in its because, but nothing asserts it%s: the value itself is shown",
                eng_rule_name(rl), shape(&r->pub, sh, sizeof sh), hint);
        }
    }
}

/* Rules without a `because` that conclude what the advice shows. */
static void check_reasons(lint *L)
{
    eng_engine *e = L->e;
    char buf[512];
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        if (eng_rule_has_because(rl))
            continue;
        for (size_t a = 0; a < eng_rule_action_count(rl); a++) {
            eng_value rv;
            const char *name;
            if (!eng_rule_action_size(rl, a) || !eng_rule_action_const(rl, a, 0, &rv) ||
                !(name = eng_value_text(e, rv, NULL)))
                continue;
            if (!kb_is_conclusion(name))
                continue;
            /* the fact as written, after the action's verb */
            int col;
            const char *text = action_text(L, rl, a, &col, buf, sizeof buf);
            size_t verb = strcspn(text, " \t");
            if (text[verb]) {
                size_t gap = strspn(text + verb, " \t");
                col += (int)(verb + gap);
                text += verb + gap;
            }
            add(L, ENG_WARNING, rule_path(rl), eng_rule_action_line(rl, a),
                col > 0 ? col : 1,
                "rule '%s' concludes '%s', which the advice shows, but has no 'because': "
                "the advice gives no reason of this rule for it",
                eng_rule_name(rl), *text ? text : name);
            break;
        }
    }
}

static int symch(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '-' || (unsigned char)c >= 0x80;
}

/* The length of the variable name (a symbol) that S (N bytes) starts
 * with; 0 when it starts with none. */
static size_t name_len(const char *s, size_t n)
{
    unsigned char c = n ? (unsigned char)s[0] : 0;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80))
        return 0;
    size_t i = 1;
    while (i < n && symch(s[i]))
        i++;
    return i;
}

/* A string asserted by a rule that holds {?var}: only `because` puts
 * values into text, so the fact keeps the braces as written, which a
 * rule author reading RULES.md's reasons may not expect. */
static void check_string_templates(lint *L)
{
    eng_engine *e = L->e;
    char buf[512];
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t a = 0; a < eng_rule_action_count(rl); a++) {
            size_t n = eng_rule_action_size(rl, a);
            for (size_t pos = 1; pos < n; pos++) {
                eng_value v;
                size_t len;
                const char *t;
                if (!eng_rule_action_const(rl, a, pos, &v) || v.type != ENG_STRING ||
                    !(t = eng_value_text(e, v, &len)))
                    continue;
                const char *brace = NULL;
                for (size_t k = 0; k + 2 < len && !brace; k++)
                    if (t[k] == '{' && t[k + 1] == '?' && name_len(t + k + 2, len - k - 2))
                        brace = t + k;
                if (!brace)
                    continue;
                size_t rest = len - (size_t)(brace - t);
                size_t nl = 2 + name_len(brace + 2, rest - 2);
                const char *close = memchr(brace, '}', rest);
                size_t shown = close && close - brace < 80 ? (size_t)(close - brace) + 1 : nl;
                /* the column of the braces in the line as written */
                int col;
                const char *text = action_text(L, rl, a, &col, buf, sizeof buf);
                const char *at = col > 0 ? strstr(text, "{?") : NULL;
                add(L, ENG_WARNING, rule_path(rl), eng_rule_action_line(rl, a),
                    at ? col + (int)(at - text) : (col > 0 ? col : 1),
                    "the string asserted here keeps '%.*s' as written: only 'because' "
                    "replaces {?var} by its value (to carry the value, make ?%.*s a "
                    "term of its own)",
                    (int)shown, brace, (int)nl - 2, brace + 2);
                break;
            }
        }
    }
}

/* A bare {?var} in a because bound to the answer of a `one` or `many`
 * question (`answer Q ?var`, Q constant) shows the option's value, an
 * identifier such as open_tender, to the people who read the advice;
 * {?var|Q} shows its label. */
static void check_shown_answers(lint *L)
{
    eng_engine *e = L->e;
    for (size_t i = 0; i < eng_rule_count(e) && !L->oom; i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        size_t c, pos;
        eng_value label, v;
        int line, col;
        for (size_t k = 0; !eng_rule_shown(rl, k, &c, &pos, &label, &line, &col); k++) {
            const eng_question *q;
            size_t len;
            const char *rn;
            if (label.type || pos != 2 ||
                !eng_rule_cond_const(rl, c, 0, &v) || v.type != ENG_SYMBOL ||
                !(rn = eng_value_text(e, v, &len)) || len != 6 ||
                memcmp(rn, "answer", 6) ||
                !eng_rule_cond_const(rl, c, 1, &v) || !(q = question_of(e, v)) ||
                (eng_question_type(q) != ENG_Q_ONE && eng_question_type(q) != ENG_Q_MANY))
                continue;
            const char *ex = NULL;
            eng_question_option(q, 0, &ex);
            add(L, ENG_WARNING, rule_path(rl), line, col,
                "rule '%s' shows an answer to '%s' as the option's value; '|%s' after the variable shows the option's label (such as '%s')",
                eng_rule_name(rl), eng_question_id(q), eng_question_id(q), ex ? ex : "");
        }
    }
}

/* The variables of condition text T, in order, each once, into V (names
 * without '?', NUL-terminated in BUF); quoted strings and /regular
 * expressions/ are passed over.  Returns how many. */
static size_t cond_vars(const char *t, const char **v, size_t max, char *buf, size_t size)
{
    size_t n = 0, o = 0;
    for (const char *p = t; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
            continue;
        }
        if (*p == '~') {
            while (*++p == ' ' || *p == '\t')
                ;
            if (*p == '/') {
                for (p++; *p && *p != '/'; p++)
                    if (*p == '\\' && p[1])
                        p++;
                if (*p)
                    p++;
            }
            continue;
        }
        /* a variable is '?' and a symbol: a letter (UTF-8 ones too) or
         * '_', then letters, digits and _ . : - */
        unsigned char c1 = (unsigned char)p[1];
        if (*p != '?' || !(c1 == '_' || c1 >= 0x80 || (c1 >= 'a' && c1 <= 'z') ||
                           (c1 >= 'A' && c1 <= 'Z'))) {
            p++;
            continue;
        }
        const char *st = ++p;
        while (*p == '_' || *p == '-' || *p == '.' || *p == ':' || (unsigned char)*p >= 0x80 ||
               (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            p++;
        size_t len = (size_t)(p - st);
        int dup = 0;
        for (size_t i = 0; i < n && !dup; i++)
            dup = strlen(v[i]) == len && !memcmp(v[i], st, len);
        if (dup || n == max || o + len + 1 > size)
            continue;
        memcpy(buf + o, st, len);
        buf[o + len] = '\0';
        v[n++] = buf + o;
        o += len + 1;
    }
    return n;
}

static int has_var(const char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], name))
            return 1;
    return 0;
}

/* A variable of a `not` or `exists` that no condition before it binds is
 * its own (it matches anything there); when a later pattern binds the same
 * name, the author most likely meant the later value, which the condition
 * does not see: warning at the condition, naming the pattern. */
static void check_local_vars(lint *L)
{
    eng_engine *e = L->e;
    enum { MAXV = 64 };
    for (size_t i = 0; i < eng_rule_count(e) && !L->oom; i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        size_t nc = eng_rule_cond_count(rl);
        const char *bound[MAXV];
        char bbuf[2048];
        size_t nb = 0, bo = 0;
        for (size_t c = 0; c < nc; c++) {
            eng_cond_info ci;
            if (eng_rule_cond(rl, c, &ci) != ENG_OK)
                continue;
            const char *v[MAXV];
            char vbuf[1024];
            size_t nv = cond_vars(ci.text, v, MAXV, vbuf, sizeof vbuf);
            if (ci.kind == ENG_CE_PATTERN) {
                for (size_t k = 0; k < nv && nb < MAXV; k++) {
                    size_t len = strlen(v[k]);
                    if (has_var(bound, nb, v[k]) || bo + len + 1 > sizeof bbuf)
                        continue;
                    memcpy(bbuf + bo, v[k], len + 1);
                    bound[nb++] = bbuf + bo;
                    bo += len + 1;
                }
                continue;
            }
            if (ci.kind != ENG_CE_NOT && ci.kind != ENG_CE_EXISTS)
                continue;
            for (size_t k = 0; k < nv; k++) {
                if (has_var(bound, nb, v[k]))
                    continue;
                /* its own: does a later pattern bind the name? */
                for (size_t d = c + 1; d < nc; d++) {
                    eng_cond_info di;
                    const char *w[MAXV];
                    char wbuf[1024];
                    if (eng_rule_cond(rl, d, &di) != ENG_OK || di.kind != ENG_CE_PATTERN ||
                        !has_var(w, cond_vars(di.text, w, MAXV, wbuf, sizeof wbuf), v[k]))
                        continue;
                    add(L, ENG_WARNING, rule_path(rl), ci.line, ci.col,
                        "rule '%s': ?%s in this '%s' is its own (no condition before it binds ?%s), "
                        "not the ?%s that 'when = %s' binds on line %d; move the '%s' after that "
                        "pattern if it should see that value",
                        eng_rule_name(rl), v[k], ci.kind == ENG_CE_NOT ? "not" : "exists", v[k],
                        v[k], di.text, di.line, ci.kind == ENG_CE_NOT ? "not" : "exists");
                    break;
                }
            }
        }
    }
}

/* ------------------------------------------------------------ string map */

typedef struct sent {
    const char *s;
    size_t len;
    size_t val;
} sent;

typedef struct smap {
    sent *v;
    size_t n, cap;              /* cap: a power of two */
} smap;

static size_t hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 31));
}

static sent *smap_find(const smap *m, const char *s, size_t n)
{
    if (!m->cap)
        return NULL;
    size_t h = hash_str(s, n) & (m->cap - 1);
    while (m->v[h].s) {
        if (m->v[h].len == n && !memcmp(m->v[h].s, s, n))
            return &m->v[h];
        h = (h + 1) & (m->cap - 1);
    }
    return NULL;
}

/* Adds S (kept by pointer) with VAL, or returns the entry already there
 * (*NEW 0).  NULL when out of memory. */
static sent *smap_put(smap *m, const char *s, size_t n, size_t val, int *isnew)
{
    sent *x = smap_find(m, s, n);
    *isnew = 0;
    if (x)
        return x;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        sent *v = calloc(cap, sizeof *v);
        if (!v)
            return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].s) {
                size_t h = hash_str(m->v[i].s, m->v[i].len) & (cap - 1);
                while (v[h].s)
                    h = (h + 1) & (cap - 1);
                v[h] = m->v[i];
            }
        free(m->v);
        m->v = v;
        m->cap = cap;
    }
    size_t h = hash_str(s, n) & (m->cap - 1);
    while (m->v[h].s)
        h = (h + 1) & (m->cap - 1);
    m->v[h].s = s;
    m->v[h].len = n;
    m->v[h].val = val;
    m->n++;
    *isnew = 1;
    return &m->v[h];
}

/* ------------------------------------------------------------ questions */

static void check_questions(lint *L)
{
    eng_engine *e = L->e;
    size_t nq = eng_question_count(e);
    if (!nq)
        return;
    smap ids = {0};
    char *read = calloc(nq, 1);
    int isnew, all = 0;
    if (!read) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < nq; i++) {
        const char *id = eng_question_id(eng_question_at(e, i));
        if (!smap_put(&ids, id, strlen(id), i, &isnew)) {
            L->oom = 1;
            goto out;
        }
    }
    eng_value sym;
    if (sym_of(e, "answer", &sym)) {
        L->oom = 1;
        goto out;
    }
    rel *ans = rel_find(L->d, sym, 3);
    if (!ans)
        goto report;
    for (int pass = 0; pass < 3; pass++) {
        const usevec *u = pass == 0 ? &ans->r : pass == 1 ? &ans->ng : &ans->ask;
        for (size_t i = 0; i < u->n; i++) {
            eng_value q;
            int has = pass < 2
                ? eng_rule_cond_const(eng_rule_at(e, u->v[i].owner), u->v[i].item, 1, &q)
                : eng_question_cond_const(eng_question_at(e, u->v[i].owner), u->v[i].item, 1, &q);
            size_t len;
            const char *t = has ? eng_value_text(e, q, &len) : NULL;
            if (!has) {
                all = 1;
            } else if (t && q.type == ENG_SYMBOL) {
                const sent *x = smap_find(&ids, t, len);
                if (x)
                    read[x->val] = 1;
            }
        }
    }
report:
    for (size_t i = 0; i < nq && !all; i++) {
        if (read[i])
            continue;
        const eng_question *q = eng_question_at(e, i);
        add(L, ENG_WARNING, eng_question_path(q), eng_question_line(q),
            header_col(L, eng_question_path(q), eng_question_line(q), eng_question_id(q)),
            "question '%s' is read by no rule and no ask_if: its answer changes nothing",
            eng_question_id(q));
    }
out:
    free(ids.v);
    free(read);
}

/* ------------------------------------------------------------ expectations */

/* A scenario's `expect` on a relation nothing asserts can never pass, and
 * its `expect_not` can never fail: a misspelt relation or a wrong number
 * of values makes a test that checks nothing.  Warning at the relation. */
#define EXPECT_MAX 512

static void check_expects(lint *L)
{
    eng_engine *e = L->e;
    for (size_t i = 0; i < eng_test_count(e) && !L->oom; i++) {
        const eng_test *t = eng_test_at(e, i);
        for (size_t x = 0; x < eng_test_expect_count(t); x++) {
            int neg;
            const char *p = eng_test_expect(t, x, &neg);
            word w[EXPECT_MAX];
            size_t n = words(p, w, EXPECT_MAX), size = 0;
            /* the values, not the parenthesised tests that may end it */
            while (size < n && size < EXPECT_MAX && w[size].p[0] != '(')
                size++;
            if (size == EXPECT_MAX)
                continue;       /* too long to tell: no guess */
            eng_value sym;
            if (!size || eng_intern(e, w[0].p, w[0].n, ENG_SYMBOL, &sym)) {
                if (size)
                    L->oom = 1;
                continue;
            }
            rel *r = rel_get(L->d, sym, size);
            if (!r) {
                L->oom = 1;
                return;
            }
            if (asserted(r))
                continue;
            char sh[256], hint[512];
            never_hint(L, r, hint, sizeof hint);
            shape(&r->pub, sh, sizeof sh);
            int line = eng_test_expect_line(t, x), col = 1;
            size_t len;
            const char *src = src_line(&L->src, eng_test_path(t), line, &len);
            const char *eq = src ? memchr(src, '=', len) : NULL;
            if (eq) {
                size_t c = (size_t)(eq - src) + 1;
                while (c < len && (src[c] == ' ' || src[c] == '\t'))
                    c++;
                col = (int)c + 1;
            }
            add(L, ENG_WARNING, eng_test_path(t), line, col,
                "test '%s' expects %s'%s', which nothing asserts: %s%s", eng_test_name(t),
                neg ? "no " : "", sh, neg ? "this expect_not always holds" :
                "this expect can never hold", hint);
        }
    }
}

/* ------------------------------------------------------------ catalogue */

#define ANYONE ((size_t)-1)

static void ref(lint *L, smap *m, const char *s, size_t n, size_t who)
{
    int isnew;
    if (!n)
        return;
    sent *x = smap_put(m, s, n, who, &isnew);
    if (!x)
        L->oom = 1;
    else if (!isnew && x->val != who)
        x->val = ANYONE;
}

/* Every symbol in the condition TEXT (not variables, strings, regexes). */
static void ref_text(lint *L, smap *m, const char *t)
{
    int tilde = 0;
    while (*t) {
        if (*t == '"') {
            for (t++; *t && *t != '"'; t++)
                if (*t == '\\' && t[1])
                    t++;
            if (*t)
                t++;
        } else if (*t == '/' && tilde) {
            for (t++; *t && *t != '/'; t++)
                if (*t == '\\' && t[1])
                    t++;
            if (*t)
                t++;
            tilde = 0;
        } else if (*t == '?') {
            for (t++; symch(*t); t++)
                ;
        } else if (symch(*t)) {
            const char *s = t;
            while (symch(*t))
                t++;
            ref(L, m, s, (size_t)(t - s), ANYONE);
            tilde = 0;
        } else {
            if (*t == '~')
                tilde = 1;
            else if (*t != ' ' && *t != '\t')
                tilde = 0;
            t++;
        }
    }
}

static void check_catalogue(lint *L)
{
    eng_engine *e = L->e;
    size_t ne = eng_entry_count(e);
    if (!ne)
        return;
    smap refs = {0};
    const char **generic = calloc(L->d->n + 1, sizeof *generic);
    size_t ngeneric = 0;
    eng_cond_info ci;
    eng_value v;
    if (!generic) {
        L->oom = 1;
        return;
    }
    /* kinds whose entries rules select by attribute */
    for (size_t i = 0; i < L->d->n; i++) {
        const rel *r = &L->d->rels[i];
        if (!r->catkind)
            continue;
        int any = 0;
        for (size_t j = 0; j < r->r.n && !any; j++)
            any = !eng_rule_cond_const(eng_rule_at(e, r->r.v[j].owner), r->r.v[j].item, 1, &v);
        for (size_t j = 0; j < r->ask.n && !any; j++) {
            const eng_question *q = eng_question_at(e, r->ask.v[j].owner);
            any = !eng_question_cond(q, r->ask.v[j].item, &ci) && ci.kind != ENG_CE_NOT &&
                  !eng_question_cond_const(q, r->ask.v[j].item, 1, &v);
        }
        if (!any)
            continue;
        size_t g = 0;
        while (g < ngeneric && strcmp(generic[g], r->catkind))
            g++;
        if (g == ngeneric)
            generic[ngeneric++] = r->catkind;
    }
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t c = 0; c < eng_rule_cond_count(rl); c++)
            if (!eng_rule_cond(rl, c, &ci))
                ref_text(L, &refs, ci.text);
        for (size_t a = 0; a < eng_rule_action_count(rl); a++)
            for (size_t p = 1; p < eng_rule_action_size(rl, a); p++) {
                size_t len;
                const char *t;
                if (eng_rule_action_const(rl, a, p, &v) && v.type == ENG_SYMBOL &&
                    (t = eng_value_text(e, v, &len)))
                    ref(L, &refs, t, len, ANYONE);
            }
    }
    for (size_t i = 0; i < eng_question_count(e); i++) {
        const eng_question *q = eng_question_at(e, i);
        for (size_t c = 0; c < eng_question_cond_count(q); c++)
            if (!eng_question_cond(q, c, &ci))
                ref_text(L, &refs, ci.text);
        for (size_t o = 0; o < eng_question_option_count(q); o++) {
            const char *t = eng_question_option(q, o, NULL);
            ref(L, &refs, t, strlen(t), ANYONE);
        }
    }
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        const rel *r;
        if (eng_fact_origin(f) != ENG_FROM_FACTS ||
            ((r = rel_find(L->d, eng_fact_value(f, 0), eng_fact_size(f))) && r->catkind))
            continue;
        for (size_t p = 1; p < eng_fact_size(f); p++) {
            size_t len;
            const char *t;
            v = eng_fact_value(f, p);
            if (v.type == ENG_SYMBOL && (t = eng_value_text(e, v, &len)))
                ref(L, &refs, t, len, ANYONE);
        }
    }
    for (size_t i = 0; i < ne; i++) {
        const eng_entry *en = eng_entry_at(e, i);
        for (size_t f = 0; f < en->nfields; f++) {
            const char *s = en->fields[f].value;
            for (;;) {
                const char *c = strchr(s, ',');
                size_t len = c ? (size_t)(c - s) : strlen(s);
                while (len && (*s == ' ' || *s == '\t')) {
                    s++;
                    len--;
                }
                while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                    len--;
                ref(L, &refs, s, len, i);
                if (!c)
                    break;
                s = c + 1;
            }
        }
    }
    for (size_t i = 0; i < ne && !L->oom; i++) {
        const eng_entry *en = eng_entry_at(e, i);
        size_t g = 0;
        while (g < ngeneric && strcmp(generic[g], en->kind))
            g++;
        if (g < ngeneric)
            continue;
        const sent *x = smap_find(&refs, en->name, strlen(en->name));
        if (x && (x->val == ANYONE || x->val != i))
            continue;
        add(L, ENG_WARNING, en->path, en->line, header_col(L, en->path, en->line, en->name),
            "%s '%s' is referred to by no rule, question option or other catalogue entry: nothing can select it",
            en->kind, en->name);
    }
    free(refs.v);
    free(generic);
}

/* ------------------------------------------------------------ loops */

/* Up to 4 quoted names joined with commas and "and", then "and N more". */
typedef struct namelist {
    char item[4][256];
    size_t count;
    char buf[1200];
} namelist;

static void nl_add(namelist *nl, const char *name)
{
    if (nl->count < 4)
        snprintf(nl->item[nl->count], sizeof nl->item[0], "%s", name);
    nl->count++;
}

static const char *nl_done(namelist *nl)
{
    size_t shown = nl->count < 4 ? nl->count : 4, n = 0;
    nl->buf[0] = '\0';
    for (size_t i = 0; i < shown; i++) {
        const char *sep = !i ? "" : (i + 1 == shown && nl->count <= 4) ? " and " : ", ";
        n += (size_t)snprintf(nl->buf + n, sizeof nl->buf - n, "%s'%s'", sep, nl->item[i]);
        if (n >= sizeof nl->buf)
            return nl->buf;
    }
    if (nl->count > 4)
        snprintf(nl->buf + n, sizeof nl->buf - n, " and %zu more", nl->count - 4);
    return nl->buf;
}

/* Does action text T (an assert) compute a value: an expression in
 * parentheses outside strings? */
static int computes(const char *t)
{
    for (; *t; t++) {
        if (*t == '"') {
            for (t++; *t && *t != '"'; t++)
                if (*t == '\\' && t[1])
                    t++;
            if (!*t)
                return 0;
        } else if (*t == '(') {
            return 1;
        }
    }
    return 0;
}

/* The relation of the pattern whose fact a `retract ?f` removes. */
static const rel *retract_target(lint *L, const eng_rule *rl, const char *t)
{
    word w[2];
    eng_cond_info ci;
    eng_value sym;
    if (words(t, w, 2) < 2 || !word_is(w[0], "retract"))
        return NULL;
    for (size_t c = 0; c < eng_rule_cond_count(rl); c++) {
        if (eng_rule_cond(rl, c, &ci) || ci.kind != ENG_CE_PATTERN)
            continue;
        const char *s = ci.text;
        while (*s == ' ' || *s == '\t')
            s++;
        if (strncmp(s, w[1].p, w[1].n) || symch(s[w[1].n]))
            continue;
        s += w[1].n;
        while (*s == ' ' || *s == '\t')
            s++;
        if (s[0] != '<' || s[1] != '-' || !eng_rule_cond_const(rl, c, 0, &sym))
            continue;
        return rel_find(L->d, sym, ci.size);
    }
    return NULL;
}

/* Does RL retract a fact it matched of a relation that no rule of the
 * component (INCOMP) asserts or adds to?  Each firing then uses up a fact
 * the cycle cannot make again. */
static int consumes(lint *L, const eng_rule *rl, const char *incomp, size_t nr)
{
    char tbuf[1024];
    int col;
    for (size_t a = 0; a < eng_rule_action_count(rl); a++) {
        if (eng_rule_action_kind(rl, a) != ENG_ACT_RETRACT)
            continue;
        const rel *r = retract_target(L, rl, action_text(L, rl, a, &col, tbuf, sizeof tbuf));
        if (r && !incomp[nr + (size_t)(r - L->d->rels)])
            return 1;
    }
    return 0;
}

static void check_loops(lint *L)
{
    eng_engine *e = L->e;
    kb_deps *d = L->d;
    size_t nr = eng_rule_count(e), nv = nr + d->n;
    /* rule -> relations it asserts or adds, as adjacency lists */
    size_t *ostart = calloc(nr + 1, sizeof *ostart);
    size_t *oedge = NULL;
    size_t *index = malloc((nv + 1) * sizeof *index), *low = malloc((nv + 1) * sizeof *low);
    size_t *stack = malloc((nv + 1) * sizeof *stack), *call = malloc((nv + 1) * sizeof *call);
    size_t *iter = calloc(nv + 1, sizeof *iter), *comp = malloc((nv + 1) * sizeof *comp);
    char *onstack = calloc(nv + 1, 1);
    char *incomp = calloc(nv + 1, 1);
    size_t nedges = 0;
    if (!ostart || !index || !low || !stack || !call || !iter || !comp || !onstack || !incomp)
        goto oom;
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = 0; j < d->rels[i].w.n; j++)
            ostart[d->rels[i].w.v[j].owner + 1]++;
    for (size_t i = 0; i < nr; i++)
        ostart[i + 1] += ostart[i];
    nedges = ostart[nr];
    oedge = malloc((nedges + 1) * sizeof *oedge);
    if (!oedge)
        goto oom;
    {
        size_t *fill = calloc(nr + 1, sizeof *fill);
        if (!fill)
            goto oom;
        for (size_t i = 0; i < d->n; i++)
            for (size_t j = 0; j < d->rels[i].w.n; j++) {
                size_t o = d->rels[i].w.v[j].owner;
                oedge[ostart[o] + fill[o]++] = nr + i;
            }
        free(fill);
    }
    /* Tarjan's algorithm without recursion; nodes 0..nr-1 are rules,
     * nr.. relations (a relation's successors are the rules that read it
     * in positive and exists patterns) */
    for (size_t i = 0; i < nv; i++)
        index[i] = SIZE_MAX;
    size_t counter = 0, sp = 0, cp = 0;
    for (size_t root = 0; root < nv; root++) {
        if (index[root] != SIZE_MAX)
            continue;
        call[cp++] = root;
        index[root] = low[root] = counter++;
        stack[sp++] = root;
        onstack[root] = 1;
        while (cp) {
            size_t v = call[cp - 1], w = SIZE_MAX;
            if (v < nr) {
                if (ostart[v] + iter[v] < ostart[v + 1])
                    w = oedge[ostart[v] + iter[v]++];
            } else {
                const rel *r = &d->rels[v - nr];
                if (iter[v] < r->r.n)
                    w = r->r.v[iter[v]++].owner;
            }
            if (w != SIZE_MAX) {
                if (index[w] == SIZE_MAX) {
                    index[w] = low[w] = counter++;
                    stack[sp++] = w;
                    onstack[w] = 1;
                    call[cp++] = w;
                } else if (onstack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            cp--;
            if (cp && low[v] < low[call[cp - 1]])
                low[call[cp - 1]] = low[v];
            if (low[v] != index[v])
                continue;
            /* V roots a component: pop it */
            size_t bottom = sp;
            do
                bottom--;
            while (stack[bottom] != v);
            size_t n = sp - bottom;
            for (size_t i = bottom; i < sp; i++) {
                comp[i - bottom] = stack[i];
                onstack[stack[i]] = 0;
            }
            sp = bottom;
            if (n < 2)
                continue;
            /* a cycle: in load order, rules first */
            size_t ncomp = n;
            for (size_t i = 1; i < ncomp; i++) {
                size_t x = comp[i], j = i;
                while (j && comp[j - 1] > x) {
                    comp[j] = comp[j - 1];
                    j--;
                }
                comp[j] = x;
            }
            for (size_t i = 0; i < ncomp; i++)
                incomp[comp[i]] = 1;
            size_t nrules = 0;
            while (nrules < ncomp && comp[nrules] < nr)
                nrules++;
            const eng_rule *culprit = NULL;
            size_t cact = 0;
            int why = 0;
            const rel *crel = NULL;
            char tbuf[1024];
            int col = 0;
            for (size_t i = 0; i < nrules && !culprit; i++) {
                const eng_rule *rl = eng_rule_at(e, comp[i]);
                for (size_t a = 0; a < eng_rule_action_count(rl) && !culprit; a++) {
                    eng_act_kind kind = eng_rule_action_kind(rl, a);
                    eng_value sym;
                    const rel *r = NULL;
                    if (kind == ENG_ACT_HALT)
                        continue;
                    if (kind != ENG_ACT_RETRACT) {
                        if (!eng_rule_action_const(rl, a, 0, &sym) ||
                            !(r = rel_find(d, sym, eng_rule_action_size(rl, a))) ||
                            !incomp[nr + (size_t)(r - d->rels)])
                            continue;
                    }
                    const char *t = action_text(L, rl, a, &col, tbuf, sizeof tbuf);
                    if (kind == ENG_ACT_ADD) {
                        why = 1;
                    } else if (kind == ENG_ACT_RETRACT) {
                        r = retract_target(L, rl, t);
                        if (!r || !incomp[nr + (size_t)(r - d->rels)])
                            continue;
                        why = 2;
                    } else if (computes(t)) {
                        why = 3;
                    } else {
                        continue;
                    }
                    culprit = rl;
                    cact = a;
                    crel = r;
                }
            }
            /* every rule of the cycle using up a fact it cannot make again
             * bounds it: the supply is finite */
            if (culprit) {
                size_t i = 0;
                while (i < nrules && consumes(L, eng_rule_at(e, comp[i]), incomp, nr))
                    i++;
                if (i == nrules)
                    culprit = NULL;
            }
            if (culprit) {
                namelist rules, rels;
                char sh[256], what[512];
                rules.count = rels.count = 0;
                for (size_t i = 0; i < nrules; i++)
                    nl_add(&rules, eng_rule_name(eng_rule_at(e, comp[i])));
                for (size_t i = nrules; i < ncomp; i++)
                    nl_add(&rels, shape(&d->rels[comp[i] - nr].pub, sh, sizeof sh));
                shape(&crel->pub, sh, sizeof sh);
                if (why == 1)
                    snprintf(what, sizeof what, "adds to '%s'", sh);
                else if (why == 2)
                    snprintf(what, sizeof what, "retracts the '%s' fact it matched", sh);
                else
                    snprintf(what, sizeof what, "asserts '%s' facts with a computed value", sh);
                if (nrules == 1)
                    add(L, ENG_WARNING, eng_rule_path(culprit), eng_rule_action_line(culprit, cact),
                        col, "rule '%s' may retrigger itself without end through %s: it %s, "
                        "and refraction stops only a cycle whose facts stay the same; "
                        "check that a condition ends it",
                        eng_rule_name(culprit), nl_done(&rels), what);
                else
                    add(L, ENG_WARNING, eng_rule_path(culprit), eng_rule_action_line(culprit, cact),
                        col, "rules %s may retrigger each other without end through %s: '%s' %s, "
                        "and refraction stops only a cycle whose facts stay the same; "
                        "check that a condition ends it",
                        nl_done(&rules), nl_done(&rels), eng_rule_name(culprit), what);
            }
            for (size_t i = 0; i < ncomp; i++)
                incomp[comp[i]] = 0;
        }
    }
    goto out;
oom:
    L->oom = 1;
out:
    free(ostart);
    free(oedge);
    free(index);
    free(low);
    free(stack);
    free(call);
    free(iter);
    free(comp);
    free(onstack);
    free(incomp);
}

/* ------------------------------------------------------------ exactly one */

typedef struct concl {
    size_t which;               /* index into ONE[] */
    int salience;
    size_t rule, act;
    eng_value value;
} concl;

static const char *const ONE[][2] = {
    {"situation", "primary"}, {"maturity", "band"}, {"model", "primary"}};
#define NONE (sizeof ONE / sizeof *ONE)

static int cmp_concl(const void *a, const void *b)
{
    const concl *x = a, *y = b;
    if (x->which != y->which)
        return x->which < y->which ? -1 : 1;
    if (x->salience != y->salience)
        return x->salience < y->salience ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int is_sym(lint *L, eng_value v, const char *s)
{
    const char *t = v.type == ENG_SYMBOL ? eng_value_text(L->e, v, NULL) : NULL;
    return t && !strcmp(t, s);
}

/* Does rule R have a `not` on conclusion W? */
static int negates(lint *L, const eng_rule *r, size_t w)
{
    eng_cond_info ci;
    eng_value v;
    for (size_t c = 0; c < eng_rule_cond_count(r); c++) {
        if (eng_rule_cond(r, c, &ci) || ci.kind != ENG_CE_NOT || ci.size != 3 ||
            !eng_rule_cond_const(r, c, 0, &v) || !is_sym(L, v, ONE[w][0]))
            continue;
        if (!eng_rule_cond_const(r, c, 1, &v) || is_sym(L, v, ONE[w][1]))
            return 1;
    }
    return 0;
}

/* A range of numbers: lo < x < hi, or <= where closed. */
typedef struct range {
    double lo, hi;
    int loclosed, hiclosed;
} range;

static void range_cut(range *r, const char *op, double k)
{
    if (!strcmp(op, ">") || !strcmp(op, ">=")) {
        int closed = op[1] == '=';
        if (k > r->lo || (k == r->lo && !closed)) {
            r->lo = k;
            r->loclosed = closed;
        }
    } else if (!strcmp(op, "<") || !strcmp(op, "<=")) {
        int closed = op[1] == '=';
        if (k < r->hi || (k == r->hi && !closed)) {
            r->hi = k;
            r->hiclosed = closed;
        }
    } else if (!strcmp(op, "=")) {
        range_cut(r, ">=", k);
        range_cut(r, "<=", k);
    }
}

static int range_empty(const range *r)
{
    return r->lo > r->hi || (r->lo == r->hi && !(r->loclosed && r->hiclosed));
}

/* Narrows R to the whole numbers it holds, as closed bounds: 3 < x < 4
 * holds none, 2.5 <= x holds 3 and up. */
static void range_whole(range *r)
{
    if (isfinite(r->lo)) {
        double f = floor(r->lo);
        r->lo = f == r->lo && r->loclosed ? f : f + 1;
        r->loclosed = 1;
    }
    if (isfinite(r->hi)) {
        double c = ceil(r->hi);
        r->hi = c == r->hi && r->hiclosed ? c : c - 1;
        r->hiclosed = 1;
    }
}

static int number(word w, double *out)
{
    char buf[64];
    if (!w.n || w.n >= sizeof buf)
        return 0;
    memcpy(buf, w.p, w.n);
    buf[w.n] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return *end == '\0' && end != buf && isfinite(*out);
}

/* Narrows R by the test T ("?x OP NUMBER" or "NUMBER OP ?x", maybe in
 * parentheses or after `test`) when it is about VAR. */
static void range_test(const char *t, word var, range *r)
{
    char buf[512];
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    while (*t == ' ' || *t == '\t') {
        t++;
        n--;
    }
    if (n >= 5 && !strncmp(t, "test", 4) && (t[4] == ' ' || t[4] == '(')) {
        t += 4;
        n -= 4;
        while (n && (*t == ' ' || *t == '\t')) {
            t++;
            n--;
        }
    }
    if (n >= 2 && t[0] == '(' && t[n - 1] == ')' && skip_group(t) == t + n) {
        t++;
        n -= 2;
    }
    if (n >= sizeof buf)
        return;
    memcpy(buf, t, n);
    buf[n] = '\0';
    word w[4];
    if (words(buf, w, 4) != 3)
        return;
    static const char *const ops[] = {"<", "<=", ">", ">=", "=", NULL};
    static const char *const flip[] = {">", ">=", "<", "<=", "="};
    size_t o = 0;
    while (ops[o] && !word_is(w[1], ops[o]))
        o++;
    if (!ops[o])
        return;
    double k;
    if (w[0].n == var.n && !memcmp(w[0].p, var.p, var.n) && number(w[2], &k))
        range_cut(r, ops[o], k);
    else if (w[2].n == var.n && !memcmp(w[2].p, var.p, var.n) && number(w[0], &k))
        range_cut(r, flip[o], k);
}

/* The range rule RL allows for variable VAR. */
static range var_range(const eng_rule *rl, word var)
{
    range r = {-INFINITY, INFINITY, 0, 0};
    eng_cond_info ci;
    word w[64];
    for (size_t c = 0; c < eng_rule_cond_count(rl); c++) {
        if (eng_rule_cond(rl, c, &ci))
            continue;
        if (ci.kind == ENG_CE_TEST) {
            range_test(ci.text, var, &r);
            continue;
        }
        if (ci.kind != ENG_CE_PATTERN)
            continue;
        size_t n = words(ci.text + rel_offset(ci.text), w, 64);
        for (size_t i = 1; i < n && i < 64; i++)
            if (w[i].p[0] == '(') {
                char buf[512];
                if (w[i].n < sizeof buf) {
                    memcpy(buf, w[i].p, w[i].n);
                    buf[w[i].n] = '\0';
                    range_test(buf, var, &r);
                }
            }
    }
    return r;
}

/* Is pattern C of RL all constants except one variable?  *POS and *VAR
 * receive where it is and its name; without a variable, *POS is 0. */
static int one_var(const eng_rule *rl, size_t c, const eng_cond_info *ci,
                   size_t *pos, word *var)
{
    word w[64];
    eng_value v;
    size_t n = words(ci->text + rel_offset(ci->text), w, 64);
    *pos = 0;
    for (size_t p = 1; p < ci->size; p++) {
        if (eng_rule_cond_const(rl, c, p, &v))
            continue;
        if (*pos || p >= n || w[p].p[0] != '?' || w[p].n < 2)
            return 0;
        *pos = p;
        *var = w[p];
    }
    return 1;
}

static int same_pattern(const eng_rule *a, size_t ca, const eng_rule *b, size_t cb,
                        size_t size, size_t skip)
{
    eng_value x, y;
    for (size_t p = 0; p < size; p++) {
        if (p == skip)
            continue;
        int hx = eng_rule_cond_const(a, ca, p, &x), hy = eng_rule_cond_const(b, cb, p, &y);
        if (hx != hy || (hx && !eng_value_equal(x, y)))
            return 0;
    }
    return 1;
}

/* Do the conditions of A and B obviously exclude each other? */
static int exclusive(lint *L, const eng_rule *a, const eng_rule *b)
{
    eng_cond_info ca, cb;
    eng_value v;
    for (size_t i = 0; i < eng_rule_cond_count(a); i++) {
        if (eng_rule_cond(a, i, &ca) || ca.kind == ENG_CE_TEST)
            continue;
        for (size_t j = 0; j < eng_rule_cond_count(b); j++) {
            if (eng_rule_cond(b, j, &cb) || cb.kind == ENG_CE_TEST || ca.size != cb.size)
                continue;
            size_t pa, pb;
            word va, vb;
            if (!one_var(a, i, &ca, &pa, &va) || !one_var(b, j, &cb, &pb, &vb))
                continue;
            int pos_a = ca.kind != ENG_CE_NOT, pos_b = cb.kind != ENG_CE_NOT;
            /* the same constant pattern, positive in one, not in the other */
            if (!pa && !pb && pos_a != pos_b && same_pattern(a, i, b, j, ca.size, SIZE_MAX) &&
                !strchr(ca.text + rel_offset(ca.text), '(') &&
                !strchr(cb.text + rel_offset(cb.text), '('))
                return 1;
            if (!pos_a || !pos_b)
                continue;
            /* answer Q A and answer Q B for a question with one answer */
            if (!pa && !pb && ca.size == 3 && eng_rule_cond_const(a, i, 0, &v) &&
                is_sym(L, v, "answer") && same_pattern(a, i, b, j, 3, 2)) {
                eng_value q, x, y;
                const char *qid;
                const eng_question *qq;
                if (eng_rule_cond_const(a, i, 1, &q) && (qid = eng_value_text(L->e, q, NULL)) &&
                    (qq = eng_question_find(L->e, qid)) &&
                    (eng_question_type(qq) == ENG_Q_ONE || eng_question_type(qq) == ENG_Q_YESNO) &&
                    eng_rule_cond_const(a, i, 2, &x) && eng_rule_cond_const(b, j, 2, &y) &&
                    !eng_value_equal(x, y))
                    return 1;
            }
            /* one variable of the same pattern in disjoint ranges */
            if (pa && pa == pb && same_pattern(a, i, b, j, ca.size, pa)) {
                range ra = var_range(a, va), rb = var_range(b, vb);
                range both = ra;
                range_cut(&both, rb.loclosed ? ">=" : ">", rb.lo);
                range_cut(&both, rb.hiclosed ? "<=" : "<", rb.hi);
                if (range_empty(&both))
                    return 1;
            }
        }
    }
    return 0;
}

/* The column of the last word of action A of rule R (the value an
 * `assert REL KEY VALUE` concludes), or of the action, or 0. */
static int value_col(lint *L, const eng_rule *r, size_t a)
{
    char buf[1024];
    word w[8];
    int col;
    const char *t = action_text(L, r, a, &col, buf, sizeof buf);
    size_t n = words(t, w, 8);
    if (!col || !n || n > 8)
        return col;
    return col + (int)(w[n - 1].p - t);
}

/* Rules whose tests on the answer to a number question allow no number
 * of the question's range: `answer pop ?p` with `?p > 60000000` when pop
 * takes 0 to 50,000,000; for a question of whole numbers (`integer`), no
 * whole number: `?n > 3` and `?n < 4`. */
static void check_answer_ranges(lint *L)
{
    eng_engine *e = L->e;
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t c = 0; c < eng_rule_cond_count(rl); c++) {
            eng_cond_info ci;
            eng_value v;
            const eng_question *q;
            size_t pos;
            word var;
            double lo, hi;
            int has;
            if (eng_rule_cond(rl, c, &ci) || ci.kind != ENG_CE_PATTERN || ci.size != 3 ||
                !eng_rule_cond_const(rl, c, 0, &v) || !is_sym(L, v, "answer") ||
                !eng_rule_cond_const(rl, c, 1, &v) || !(q = question_of(e, v)) ||
                eng_question_type(q) != ENG_Q_NUMBER ||
                !((has = eng_question_range(q, &lo, &hi)) || eng_question_integer(q)) ||
                !one_var(rl, c, &ci, &pos, &var) || pos != 2)
                continue;
            range r = var_range(rl, var);
            if (r.lo == -INFINITY && r.hi == INFINITY)
                continue;           /* no test on it */
            if (has & 1)
                range_cut(&r, ">=", lo);
            if (has & 2)
                range_cut(&r, "<=", hi);
            if (eng_question_integer(q))
                range_whole(&r);
            if (!range_empty(&r))
                continue;
            char span[120];
            eng_question_range_text(q, span, sizeof span);
            add(L, ENG_WARNING, rule_path(rl), ci.line,
                ci.col + (int)(var.p - ci.text),
                "rule '%s' can never fire: question '%s' takes %s%s%s, and none of "
                "them passes the rule's tests on %.*s",
                eng_rule_name(rl), eng_question_id(q),
                eng_question_integer(q) ? "whole numbers" : "numbers", *span ? " " : "", span,
                (int)var.n, var.p);
        }
    }
}

static void check_exactly_one(lint *L)
{
    eng_engine *e = L->e;
    concl *v = NULL;
    size_t n = 0, cap = 0;
    eng_value x;
    for (size_t i = 0; i < eng_rule_count(e); i++) {
        const eng_rule *rl = eng_rule_at(e, i);
        for (size_t a = 0; a < eng_rule_action_count(rl); a++) {
            if (eng_rule_action_kind(rl, a) != ENG_ACT_ASSERT || eng_rule_action_size(rl, a) != 3 ||
                !eng_rule_action_const(rl, a, 0, &x))
                continue;
            size_t w = 0;
            while (w < NONE && !is_sym(L, x, ONE[w][0]))
                w++;
            eng_value k, val;
            if (w == NONE || !eng_rule_action_const(rl, a, 1, &k) || !is_sym(L, k, ONE[w][1]) ||
                !eng_rule_action_const(rl, a, 2, &val))
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 32;
                concl *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    L->oom = 1;
                    free(v);
                    return;
                }
                v = nv;
                cap = nc;
            }
            v[n].which = w;
            v[n].salience = eng_rule_salience(rl);
            v[n].rule = i;
            v[n].act = a;
            v[n++].value = val;
        }
    }
    if (v)
        qsort(v, n, sizeof *v, cmp_concl);
    long budget = 2000000;
    for (size_t g = 0; g < n && budget > 0;) {
        size_t end = g;
        while (end < n && v[end].which == v[g].which && v[end].salience == v[g].salience)
            end++;
        for (size_t j = g + 1; j < end && budget > 0; j++) {
            const eng_rule *b = eng_rule_at(e, v[j].rule);
            if (negates(L, b, v[j].which))
                continue;
            for (size_t i = g; i < j && budget > 0; i++) {
                const eng_rule *a = eng_rule_at(e, v[i].rule);
                if (v[i].rule == v[j].rule || eng_value_equal(v[i].value, v[j].value) ||
                    negates(L, a, v[i].which))
                    continue;
                budget--;
                if (exclusive(L, a, b))
                    continue;
                char va[256], vb[256];
                int ca, cb;
                eng_value_format(e, v[i].value, va, sizeof va);
                eng_value_format(e, v[j].value, vb, sizeof vb);
                ca = value_col(L, a, v[i].act);
                cb = value_col(L, b, v[j].act);
                add(L, ENG_WARNING, eng_rule_path(b), eng_rule_action_line(b, v[j].act), cb,
                    "rule '%s' concludes '%s %s %s', but rule '%s' of the same salience (%d) "
                    "concludes '%s %s %s' and nothing obviously keeps both from firing: "
                    "'%s %s' should have exactly one value",
                    eng_rule_name(b), ONE[v[j].which][0], ONE[v[j].which][1], vb,
                    eng_rule_name(a), v[j].salience, ONE[v[i].which][0], ONE[v[i].which][1], va,
                    ONE[v[j].which][0], ONE[v[j].which][1]);
                add(L, ENG_NOTE, eng_rule_path(a), eng_rule_action_line(a, v[i].act), ca,
                    "rule '%s' concludes '%s %s %s' here", eng_rule_name(a),
                    ONE[v[i].which][0], ONE[v[i].which][1], va);
            }
        }
        g = end;
    }
    if (budget <= 0)
        add(L, ENG_NOTE, "", 0, 0,
            "lint stopped looking for contradictory conclusions after 2000000 pairs of rules");
    free(v);
}

/* ------------------------------------------------------------ kb_lint */

int kb_lint(kb *k, size_t *nwarn)
{
    lint L;
    memset(&L, 0, sizeof L);
    L.k = k;
    L.e = kb_engine(k);
    L.budget = 20000000;
    if (nwarn)
        *nwarn = 0;
    int rc = kb_deps_build(k, &L.d);
    if (rc)
        return rc;
    if (cands_build(&L))
        L.oom = 1;
    if (!L.oom)
        check_reads(&L);
    if (!L.oom)
        check_labels(&L);
    if (!L.oom)
        check_shown_answers(&L);
    if (!L.oom)
        check_reasons(&L);
    if (!L.oom)
        check_string_templates(&L);
    if (!L.oom)
        check_answer_ranges(&L);
    if (!L.oom)
        check_local_vars(&L);
    if (!L.oom)
        check_questions(&L);
    if (!L.oom)
        check_expects(&L);
    if (!L.oom)
        check_catalogue(&L);
    if (!L.oom)
        check_loops(&L);
    if (!L.oom)
        check_exactly_one(&L);
    if (!L.oom && L.nf) {
        qsort(L.f, L.nf, sizeof *L.f, cmp_finding);
        for (size_t i = 0; i < L.nf && !L.oom; i++) {
            const finding *f = &L.f[i];
            if (eng_diag_add(L.e, f->sev, f->path, f->line, f->col, "%s", f->msg))
                L.oom = 1;
            else if (nwarn && f->sev == ENG_WARNING)
                (*nwarn)++;
        }
    }
    for (size_t i = 0; i < L.nf; i++)
        free(L.f[i].msg);
    free(L.f);
    free(L.cands);
    free(L.candsize);
    src_free(&L.src);
    kb_deps_free(L.d);
    return L.oom ? ENG_ENOMEM : ENG_OK;
}
