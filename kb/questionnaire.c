/*
 * questionnaire.c -- which question comes next.  At load, every rule
 * condition `answer Q ...` with a constant Q is indexed under Q.  During a
 * session, a question is worth asking when it is unanswered, its ask_if
 * holds, and one of the rules reading it can still fire: none of that
 * rule's conditions on already answered questions has failed.  Whether a
 * condition holds is read from the engine's alpha memories (the facts that
 * pass the pattern's own tests), so the check costs a few lookups per rule.
 * Which questions are answered is a prefix lookup (`answer ID ?`) per
 * question, not a walk over working memory: a session's cost does not grow
 * with the catalogue facts.
 */
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"

/* The index of the question ID, or -1 (the engine finds ids by hash). */
static long qindex(kb *k, const char *id)
{
    const eng_question *q = eng_question_find(k->e, id);
    return q ? (long)eng_question_index(q) : -1;
}

/* The question a condition reads, or -1. */
static long cond_question(kb *k, const eng_rule *r, size_t c, size_t *size,
                          eng_ce_kind *kind)
{
    eng_cond_info ci;
    eng_value rel, q;
    if (eng_rule_cond(r, c, &ci) || ci.kind == ENG_CE_TEST || ci.size != 3)
        return -1;
    if (!eng_rule_cond_const(r, c, 0, &rel) || !eng_rule_cond_const(r, c, 1, &q))
        return -1;
    const char *rt = eng_value_text(k->e, rel, NULL);
    const char *qt = eng_value_text(k->e, q, NULL);
    if (!rt || strcmp(rt, "answer") || !qt)
        return -1;
    *size = ci.size;
    *kind = ci.kind;
    return qindex(k, qt);
}

/* Finds RULE's conditions on questions (K->rinfo[K->nrinfo] on success). */
static int index_rule(kb *k, const eng_rule *rule, kb_rinfo *ri)
{
    memset(ri, 0, sizeof *ri);
    ri->rule = rule;
    size_t nc = eng_rule_cond_count(rule);
    for (size_t c = 0; c < nc; c++) {
        size_t size;
        eng_ce_kind kind;
        long q = cond_question(k, rule, c, &size, &kind);
        if (q < 0)
            continue;
        if (!ri->c && !(ri->c = calloc(nc, sizeof *ri->c)))
            return ENG_ENOMEM;
        kb_qcond *qc = &ri->c[ri->n++];
        eng_value v;
        qc->cond = c;
        qc->q = (size_t)q;
        qc->neg = kind == ENG_CE_NOT;
        qc->negconst = qc->neg && eng_rule_cond_const(rule, c, 2, &v);
    }
    return ENG_OK;
}

static int index_readers(kb *k)
{
    k->nq = eng_question_count(k->e);
    k->readers = calloc(k->nq + 1, sizeof *k->readers);
    k->nreaders = calloc(k->nq + 1, sizeof *k->nreaders);
    k->answered = calloc(k->nq + 1, 1);
    k->skipped = calloc(k->nq + 1, 1);
    k->qsym = calloc(k->nq + 1, sizeof *k->qsym);
    k->qstr = calloc(k->nq + 1, sizeof *k->qstr);
    k->rinfo = calloc(eng_rule_count(k->e) + 1, sizeof *k->rinfo);
    if (!k->readers || !k->nreaders || !k->answered || !k->skipped ||
        !k->qsym || !k->qstr || !k->rinfo)
        return ENG_ENOMEM;
    for (size_t i = 0; i < k->nq; i++) {
        const char *id = eng_question_id(eng_question_at(k->e, i));
        if (eng_intern(k->e, id, strlen(id), ENG_SYMBOL, &k->qsym[i]) ||
            eng_intern(k->e, id, strlen(id), ENG_STRING, &k->qstr[i]))
            return ENG_ENOMEM;
    }
    if (eng_intern(k->e, "answer", 6, ENG_SYMBOL, &k->sym_answer))
        return ENG_ENOMEM;
    for (size_t r = 0; r < eng_rule_count(k->e); r++) {
        const eng_rule *rule = eng_rule_at(k->e, r);
        kb_rinfo *ri = &k->rinfo[k->nrinfo];
        if (index_rule(k, rule, ri)) {
            free(ri->c);
            ri->c = NULL;
            return ENG_ENOMEM;
        }
        if (!ri->n)
            continue;
        k->nrinfo++;
        for (size_t j = 0; j < ri->n; j++)
            if (!ri->c[j].neg)
                k->nreaders[ri->c[j].q]++;
    }
    /* then each question's readers, in rule order, in one array each */
    for (size_t q = 0; q < k->nq; q++) {
        if (k->nreaders[q] && !(k->readers[q] = malloc(k->nreaders[q] * sizeof **k->readers)))
            return ENG_ENOMEM;
        k->nreaders[q] = 0;
    }
    for (size_t r = 0; r < k->nrinfo; r++) {
        kb_rinfo *ri = &k->rinfo[r];
        for (size_t j = 0; j < ri->n; j++) {
            size_t q = ri->c[j].q;
            if (ri->c[j].neg)
                continue;
            kb_reader *v = &k->readers[q][k->nreaders[q]++];
            v->rule = ri->rule;
            v->cond = ri->c[j].cond;
            v->ri = ri;
        }
    }
    return ENG_OK;
}

void kb_index_free(kb *k)
{
    for (size_t i = 0; i < k->nq && k->readers; i++)
        free(k->readers[i]);
    free(k->readers);
    free(k->nreaders);
    free(k->answered);
    free(k->skipped);
    for (size_t i = 0; i < k->nrinfo; i++)
        free(k->rinfo[i].c);
    free(k->rinfo);
    free(k->qsym);
    free(k->qstr);
    k->readers = NULL;
    k->nreaders = NULL;
    k->answered = k->skipped = NULL;
    k->rinfo = NULL;
    k->nrinfo = 0;
    k->qsym = k->qstr = NULL;
    k->nq = 0;
}

int kb_questions_index(kb *k)
{
    if (k->answered)
        return ENG_OK;
    int rc = index_readers(k);
    if (rc)
        kb_index_free(k);     /* the next call tries again */
    return rc;
}

/* A question is answered when working memory holds `answer ID VALUE` (ID
 * the question's id as a symbol, or as a string): a prefix lookup per
 * question instead of a walk over working memory. */
static void mark_answered(kb *k)
{
    for (size_t i = 0; i < k->nq; i++) {
        eng_value p[2] = {k->sym_answer, k->qsym[i]};
        size_t n = eng_fact_lookup(k->e, p, 2, NULL, 0);
        if (!n) {
            p[1] = k->qstr[i];
            n = eng_fact_lookup(k->e, p, 2, NULL, 0);
        }
        k->answered[i] = n > 0;
    }
}

/* Can the rule of RI still fire, as far as the answers given so far tell? */
static int still_possible(kb *k, const kb_rinfo *ri)
{
    for (size_t j = 0; j < ri->n; j++) {
        const kb_qcond *qc = &ri->c[j];
        if (!k->answered[qc->q])
            continue;
        eng_cond_info ci;
        eng_rule_cond(ri->rule, qc->cond, &ci);
        if (!qc->neg && ci.alpha == 0)
            return 0;       /* answered, and not as this rule needs */
        if (qc->neg && ci.alpha > 0 && qc->negconst)
            return 0;       /* the very answer it must not see was given */
    }
    return 1;
}

static int worth_asking(kb *k, size_t i)
{
    const eng_question *q = eng_question_at(k->e, i);
    if (k->answered[i] || k->skipped[i] || !eng_question_askable(k->e, q))
        return 0;
    for (size_t j = 0; j < k->nreaders[i]; j++)
        if (still_possible(k, k->readers[i][j].ri))
            return 1;
    return 0;
}

const eng_question *kb_next_question(kb *k)
{
    if (kb_questions_index(k))
        return NULL;
    mark_answered(k);
    for (size_t i = 0; i < k->nq; i++)
        if (worth_asking(k, i))
            return eng_question_at(k->e, i);
    return NULL;
}

size_t kb_questions_left(kb *k)
{
    size_t n = 0;
    if (kb_questions_index(k))
        return 0;
    mark_answered(k);
    for (size_t i = 0; i < k->nq; i++)
        n += (size_t)worth_asking(k, i);
    return n;
}

int kb_answered(kb *k, const eng_question *q)
{
    if (kb_questions_index(k))
        return 0;
    mark_answered(k);
    long i = qindex(k, eng_question_id(q));
    return i >= 0 && k->answered[i];
}

size_t kb_question_rules(kb *k, const eng_question *q, const eng_rule **rules,
                         int *possible, size_t max)
{
    long qi = kb_questions_index(k) ? -1 : qindex(k, eng_question_id(q));
    size_t n = 0;
    if (qi < 0)
        return 0;
    mark_answered(k);
    for (size_t j = 0; j < k->nreaders[qi]; j++) {
        const eng_rule *r = k->readers[qi][j].rule;
        size_t m = 0;
        while (m < n && m < max && rules[m] != r)
            m++;
        if (m < n && m < max)
            continue;       /* a rule reading the question twice */
        if (n < max) {
            rules[n] = r;
            if (possible)
                possible[n] = still_possible(k, k->readers[qi][j].ri);
        }
        n++;
    }
    return n;
}

void kb_skip(kb *k, const eng_question *q, int on)
{
    long i = kb_questions_index(k) ? -1 : qindex(k, eng_question_id(q));
    if (i >= 0)
        k->skipped[i] = (char)(on != 0);
}

void kb_skip_clear(kb *k)
{
    if (k->skipped)
        memset(k->skipped, 0, k->nq);
}
