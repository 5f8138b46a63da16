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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

#define MAX_REASONS 16

typedef struct rb {
    kb *k;
    eng_engine *e;
    kb_report *r;
    int oom;
    /* the relations read, interned once per build */
    eng_value rel_situation, rel_maturity, rel_model, rel_need, rel_finance,
        rel_advice, rel_journey, sym_primary, sym_secondary, sym_score,
        sym_band, sym_role, sym_option, sym_unit, sym_transition;
} rb;

static char *dupstr(rb *b, const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        b->oom = 1;
    return p;
}

static void strs_add(rb *b, kb_strs *s, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], text))
            return;
    char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) {
        b->oom = 1;
        return;
    }
    s->v = v;
    if ((s->v[s->n] = dupstr(b, text)))
        s->n++;
}

static void strs_free(kb_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static void item_free(kb_item *it)
{
    free(it->id);
    free(it->title);
    free(it->text);
    free(it->module);
    strs_free(&it->reasons);
    strs_free(&it->who);
    strs_free(&it->units);
    memset(it, 0, sizeof *it);
}

static void list_free(kb_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        item_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static kb_item *list_add(rb *b, kb_list *l)
{
    kb_item *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) {
        b->oom = 1;
        return NULL;
    }
    l->v = v;
    memset(&v[l->n], 0, sizeof *v);
    return &v[l->n++];
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

/* A catalogue value, from the entry itself: REL is "kind.key". */
static const char *cat(rb *b, const char *rel, eng_value name)
{
    char kind[64];
    const char *dot = strchr(rel, '.');
    const char *nm = eng_value_text(b->e, name, NULL);
    if (!dot || !nm || (size_t)(dot - rel) >= sizeof kind)
        return NULL;
    memcpy(kind, rel, (size_t)(dot - rel));
    kind[dot - rel] = '\0';
    return kb_catalogue(b->k, kind, nm, dot + 1);
}

static char *cat_text(rb *b, const char *rel, eng_value name)
{
    return dupstr(b, cat(b, rel, name));
}

static double cat_number(rb *b, const char *rel, eng_value name, double dflt)
{
    const char *s = cat(b, rel, name);
    char *end;
    if (!s)
        return dflt;
    double d = strtod(s, &end);
    return end != s ? d : dflt;
}

/* Adds each item of the comma-separated catalogue list REL of NAME to OUT,
 * through TITLE_OF ("persona.title") when given. */
static void cat_list(rb *b, const char *rel, eng_value name, const char *title_of,
                     kb_strs *out)
{
    const char *s = cat(b, rel, name);
    while (s && *s) {
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
        const char *t = NULL;
        if (title_of) {
            eng_value v;
            if (!eng_intern(b->e, item, len, ENG_SYMBOL, &v))
                t = cat(b, title_of, v);
        }
        strs_add(b, out, t ? t : item);
        s += strcspn(s, ",");
    }
}

static char *value_text(rb *b, eng_value v)
{
    char buf[1024];
    const char *t = eng_value_text(b->e, v, NULL);
    if (t)
        return dupstr(b, t);
    eng_value_format(b->e, v, buf, sizeof buf);
    return dupstr(b, buf);
}

static double value_number(eng_value v)
{
    return v.type == ENG_INT ? (double)v.u.i : v.type == ENG_REAL ? v.u.r : 0;
}

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

/* The because sentences of F and of the derived facts it rests on, down
 * to DEPTH steps; a running total counts as one step with all its parts. */
static void reasons_of(rb *b, const eng_fact *f, kb_strs *out, int depth)
{
    if (!f || eng_fact_origin(f) != ENG_FROM_RULE || out->n >= MAX_REASONS)
        return;
    for (size_t i = 0; i < eng_fact_support_count(f); i++) {
        const eng_fact *s = eng_fact_support(f, i);
        if (is_total_of(s, f))
            reasons_of(b, s, out, depth);       /* the same total, earlier */
        else if (depth > 0)
            reasons_of(b, s, out, depth - 1);
    }
    char buf[2048];
    if (eng_fact_because(b->e, f, buf, sizeof buf) && buf[0] && out->n < MAX_REASONS)
        strs_add(b, out, buf);
}

/* Fills IT for the catalogue entry NAME of KIND, with F's reasons. */
static void fill(rb *b, kb_item *it, const char *kind, eng_value name,
                 const eng_fact *f, int depth)
{
    char rel[64];
    it->id = value_text(b, name);
    snprintf(rel, sizeof rel, "%s.title", kind);
    it->title = cat_text(b, rel, name);
    if (it->title && !it->title[0]) {
        free(it->title);
        it->title = dupstr(b, it->id);
    }
    it->text = dupstr(b, "");
    if (f)
        reasons_of(b, f, &it->reasons, depth);
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

static void text_from(rb *b, kb_item *it, const char *rel, eng_value name)
{
    free(it->text);
    it->text = cat_text(b, rel, name);
}

/* One pass over working memory picks up every conclusion. */
static void collect(rb *b)
{
    eng_engine *e = b->e;
    kb_report *r = b->r;
    const eng_fact *dimfacts[8] = {0}, *scorefacts[4] = {0};
    for (const eng_fact *f = eng_fact_next(e, NULL); f && !b->oom;
         f = eng_fact_next(e, f)) {
        size_t n = eng_fact_size(f);
        eng_value rel = eng_fact_value(f, 0);
        eng_value a1 = eng_fact_value(f, 1);
        eng_value a2 = n > 2 ? eng_fact_value(f, 2) : a1;
        if (eng_value_equal(rel, b->rel_situation) && n == 3) {
            kb_item *it = eng_value_equal(a1, b->sym_primary) ? &r->situation
                        : eng_value_equal(a1, b->sym_secondary) ? &r->secondary
                        : eng_value_equal(a1, b->sym_transition) ? &r->transition
                        : NULL;
            if (it && !it->id)
                fill(b, it, "situation", a2, f, 0);
        } else if (eng_value_equal(rel, b->rel_situation) && n == 4 &&
                   eng_value_equal(a1, b->sym_score)) {
            const char *s = eng_value_text(e, a2, NULL);
            for (int i = 0; s && i < 4; i++)
                if (!strcmp(s, sits[i]))
                    scorefacts[i] = f;
        } else if (eng_value_equal(rel, b->rel_maturity) && n == 3) {
            if (eng_value_equal(a1, b->sym_band)) {
                if (!r->band.id)
                    fill(b, &r->band, "band", a2, f, 0);
                continue;
            }
            const char *s = eng_value_text(e, a1, NULL);
            for (int i = 0; s && i < 8; i++)
                if (!strcmp(s, dims[i]))
                    dimfacts[i] = f;
        } else if (eng_value_equal(rel, b->rel_model) && n == 3 &&
                   eng_value_equal(a1, b->sym_primary)) {
            if (!r->model.id) {
                fill(b, &r->model, "model", a2, f, 2);
                text_from(b, &r->model, "model.fits", a2);
            }
        } else if (eng_value_equal(rel, b->rel_need) && n == 3 &&
                   eng_value_equal(a1, b->sym_role)) {
            kb_item *it = list_add(b, &r->roles);
            if (it) {
                fill(b, it, "persona", a2, f, 1);
                text_from(b, it, "persona.does", a2);
            }
        } else if (eng_value_equal(rel, b->rel_finance) && n == 3 &&
                   eng_value_equal(a1, b->sym_option)) {
            kb_item *it = list_add(b, &r->finance);
            if (it) {
                fill(b, it, "finance", a2, f, 0);
                text_from(b, it, "finance.first_step", a2);
            }
        } else if (eng_value_equal(rel, b->rel_advice) && n == 2) {
            kb_item *it = list_add(b, &r->advice);
            if (!it)
                continue;
            fill(b, it, "advice", a1, f, 0);
            text_from(b, it, "advice.text", a1);
            it->rank = (long)cat_number(b, "advice.priority", a1, 3);
            cat_list(b, "advice.who", a1, "persona.title", &it->who);
            cat_list(b, "advice.units", a1, NULL, &it->units);
        } else if (eng_value_equal(rel, b->rel_journey) && n == 4 &&
                   eng_value_equal(a1, b->sym_unit)) {
            kb_item *it = list_add(b, &r->journey);
            if (!it)
                continue;
            fill(b, it, "unit", a2, f, 2);
            text_from(b, it, "unit.summary", a2);
            it->number = cat_number(b, "unit.minutes", a2, 0);
            it->rank = (long)value_number(eng_fact_value(f, 3));
            it->eqf = (long)cat_number(b, "unit.eqf", a2, 0);
            it->module = cat_text(b, "unit.module", a2);
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
    b.r = calloc(1, sizeof *b.r);
    if (!b.r)
        return ENG_ENOMEM;
    b.r->respondent = dupstr(&b, respondent ? respondent : "");
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
    free(r->respondent);
    item_free(&r->situation);
    item_free(&r->secondary);
    item_free(&r->transition);
    item_free(&r->band);
    item_free(&r->model);
    list_free(&r->scores);
    list_free(&r->dimensions);
    list_free(&r->roles);
    list_free(&r->finance);
    list_free(&r->advice);
    list_free(&r->journey);
    free(r);
}
