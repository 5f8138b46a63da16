/*
 * questionnaire.c -- which question comes next.  At load, every rule
 * condition `answer Q ...` with a constant Q is indexed under Q, whether a
 * pattern, `exists` or `not` (an answer a rule must not see blocks it, which
 * changes the advice too), and so is every such ask_if line: Q then gates
 * the question the ask_if belongs to.  During a session, a question is
 * worth asking when it is unanswered, its ask_if holds, and its answer can
 * still matter: one of the rules reading it can still fire (none of that
 * rule's conditions on already answered questions has failed), or it gates
 * a question whose answer can still matter, and whose ask_if can still
 * hold.  Whether a condition holds is read from the engine's alpha
 * memories (the facts that pass the pattern's own tests), so the check
 * costs a few lookups per rule.  Which questions are answered is a prefix
 * lookup (`answer ID ?`) per question, not a walk over working memory: a
 * session's cost does not grow with the catalogue facts.
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

/* Condition C of RI's rule, or of its question's ask_if. */
static int ri_cond(const kb_rinfo *ri, size_t c, eng_cond_info *ci)
{
    return ri->rule ? eng_rule_cond(ri->rule, c, ci) : eng_question_cond(ri->asker, c, ci);
}

static int ri_const(const kb_rinfo *ri, size_t c, size_t pos, eng_value *v)
{
    return ri->rule ? eng_rule_cond_const(ri->rule, c, pos, v)
                    : eng_question_cond_const(ri->asker, c, pos, v);
}

static size_t ri_count(const kb_rinfo *ri)
{
    return ri->rule ? eng_rule_cond_count(ri->rule) : eng_question_cond_count(ri->asker);
}

/* The question condition C of RI reads, or -1. */
static long cond_question(kb *k, const kb_rinfo *ri, size_t c, eng_ce_kind *kind)
{
    eng_cond_info ci;
    eng_value rel, q;
    if (ri_cond(ri, c, &ci) || ci.kind == ENG_CE_TEST || ci.size != 3)
        return -1;
    if (!ri_const(ri, c, 0, &rel) || !ri_const(ri, c, 1, &q))
        return -1;
    const char *rt = eng_value_text(k->e, rel, NULL);
    const char *qt = eng_value_text(k->e, q, NULL);
    if (!rt || strcmp(rt, "answer") || !qt)
        return -1;
    *kind = ci.kind;
    return qindex(k, qt);
}

/* Finds the conditions on questions of RULE, or of ASKER's ask_if when
 * RULE is NULL, into *RI.  Every kind counts: a pattern or `exists` needs
 * an answer, a `not` is blocked by one, so the answer matters either way. */
static int index_conds(kb *k, const eng_rule *rule, const eng_question *asker,
                       kb_rinfo *ri)
{
    memset(ri, 0, sizeof *ri);
    ri->rule = rule;
    ri->asker = asker;
    size_t nc = ri_count(ri);
    for (size_t c = 0; c < nc; c++) {
        eng_ce_kind kind;
        long q = cond_question(k, ri, c, &kind);
        if (q < 0)
            continue;
        if (!ri->c && !(ri->c = calloc(nc, sizeof *ri->c)))
            return ENG_ENOMEM;
        kb_qcond *qc = &ri->c[ri->n++];
        eng_value v;
        qc->cond = c;
        qc->q = (size_t)q;
        qc->neg = kind == ENG_CE_NOT;
        qc->negconst = qc->neg && ri_const(ri, c, 2, &v);
    }
    return ENG_OK;
}

/* Question I's gates: the other questions its ask_if reads.  Adds I to
 * each one's list (K->gates), once however many lines read it; COUNT only
 * counts (K->ngates), for sizing the lists first. */
static void add_gates(kb *k, size_t i, int count)
{
    const kb_rinfo *gi = &k->qinfo[i];
    for (size_t j = 0; j < gi->n; j++) {
        size_t g = gi->c[j].q;
        int dup = g == i;       /* an ask_if on its own answer gates nothing */
        for (size_t m = 0; m < j && !dup; m++)
            dup = gi->c[m].q == g;
        if (dup)
            continue;
        if (!count)
            k->gates[g][k->ngates[g]] = i;
        k->ngates[g]++;
    }
}

static int index_readers(kb *k)
{
    k->nq = eng_question_count(k->e);
    k->readers = calloc(k->nq + 1, sizeof *k->readers);
    k->nreaders = calloc(k->nq + 1, sizeof *k->nreaders);
    k->gates = calloc(k->nq + 1, sizeof *k->gates);
    k->ngates = calloc(k->nq + 1, sizeof *k->ngates);
    k->qinfo = calloc(k->nq + 1, sizeof *k->qinfo);
    k->answered = calloc(k->nq + 1, 1);
    k->wanted = calloc(k->nq + 1, 1);
    k->stack = calloc(k->nq + 1, sizeof *k->stack);
    k->skipped = calloc(k->nq + 1, 1);
    k->qsym = calloc(k->nq + 1, sizeof *k->qsym);
    k->qstr = calloc(k->nq + 1, sizeof *k->qstr);
    k->rinfo = calloc(eng_rule_count(k->e) + 1, sizeof *k->rinfo);
    if (!k->readers || !k->nreaders || !k->gates || !k->ngates || !k->qinfo ||
        !k->answered || !k->wanted || !k->stack || !k->skipped ||
        !k->qsym || !k->qstr || !k->rinfo)
        return ENG_ENOMEM;
    for (size_t i = 0; i < k->nq; i++) {
        const eng_question *q = eng_question_at(k->e, i);
        const char *id = eng_question_id(q);
        if (eng_intern(k->e, id, strlen(id), ENG_SYMBOL, &k->qsym[i]) ||
            eng_intern(k->e, id, strlen(id), ENG_STRING, &k->qstr[i]) ||
            index_conds(k, NULL, q, &k->qinfo[i]))
            return ENG_ENOMEM;
    }
    if (eng_intern(k->e, "answer", 6, ENG_SYMBOL, &k->sym_answer))
        return ENG_ENOMEM;
    for (size_t r = 0; r < eng_rule_count(k->e); r++) {
        const eng_rule *rule = eng_rule_at(k->e, r);
        kb_rinfo *ri = &k->rinfo[k->nrinfo];
        if (index_conds(k, rule, NULL, ri)) {
            free(ri->c);
            ri->c = NULL;
            return ENG_ENOMEM;
        }
        if (!ri->n)
            continue;
        k->nrinfo++;
        for (size_t j = 0; j < ri->n; j++)
            k->nreaders[ri->c[j].q]++;
    }
    for (size_t i = 0; i < k->nq; i++)
        add_gates(k, i, 1);
    /* then each question's readers, in rule order, in one array each, and
     * the questions it gates */
    for (size_t q = 0; q < k->nq; q++) {
        if (k->nreaders[q] && !(k->readers[q] = malloc(k->nreaders[q] * sizeof **k->readers)))
            return ENG_ENOMEM;
        if (k->ngates[q] && !(k->gates[q] = malloc(k->ngates[q] * sizeof **k->gates)))
            return ENG_ENOMEM;
        k->nreaders[q] = 0;
        k->ngates[q] = 0;
    }
    for (size_t r = 0; r < k->nrinfo; r++) {
        kb_rinfo *ri = &k->rinfo[r];
        for (size_t j = 0; j < ri->n; j++) {
            size_t q = ri->c[j].q;
            kb_reader *v = &k->readers[q][k->nreaders[q]++];
            v->rule = ri->rule;
            v->cond = ri->c[j].cond;
            v->ri = ri;
        }
    }
    for (size_t i = 0; i < k->nq; i++)
        add_gates(k, i, 0);
    return ENG_OK;
}

void kb_index_free(kb *k)
{
    for (size_t i = 0; i < k->nq && k->readers; i++)
        free(k->readers[i]);
    for (size_t i = 0; i < k->nq && k->gates; i++)
        free(k->gates[i]);
    for (size_t i = 0; i < k->nq && k->qinfo; i++)
        free(k->qinfo[i].c);
    free(k->readers);
    free(k->nreaders);
    free(k->gates);
    free(k->ngates);
    free(k->qinfo);
    free(k->answered);
    free(k->wanted);
    free(k->stack);
    free(k->skipped);
    for (size_t i = 0; i < k->nrinfo; i++)
        free(k->rinfo[i].c);
    free(k->rinfo);
    free(k->qsym);
    free(k->qstr);
    k->readers = NULL;
    k->nreaders = NULL;
    k->gates = NULL;
    k->ngates = NULL;
    k->qinfo = NULL;
    k->answered = k->wanted = k->skipped = NULL;
    k->stack = NULL;
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

/* The condition of RI that an answer given so far fails: its index in
 * the rule (or ask_if), or -1 when there is none. */
static long blocker(kb *k, const kb_rinfo *ri)
{
    for (size_t j = 0; j < ri->n; j++) {
        const kb_qcond *qc = &ri->c[j];
        if (!k->answered[qc->q])
            continue;
        eng_cond_info ci;
        ri_cond(ri, qc->cond, &ci);
        if (!qc->neg && ci.alpha == 0)
            return (long)qc->cond;      /* answered, and not as this rule needs */
        if (qc->neg && ci.alpha > 0 && qc->negconst)
            return (long)qc->cond;      /* the very answer it must not see was given */
    }
    return -1;
}

/* Can the rule of RI still fire (or RI's ask_if still hold), as far as
 * the answers given so far tell?  A rule that has fired can: its
 * conditions hold. */
static int still_possible(kb *k, const kb_rinfo *ri)
{
    return blocker(k, ri) < 0;
}

/* Marks (K->wanted) the questions whose answer can still matter: the
 * unanswered, unskipped ones that a rule still able to fire reads (under
 * `not` too: that answer can keep the rule from firing, which changes the
 * advice as much as letting one fire does), then, as long as there are
 * more, the unanswered ones read by the ask_if of a question marked, if
 * that ask_if can still hold: answering them decides whether it is asked.
 * Whether a question can be asked now (its own ask_if) is worth_asking's
 * business: a question gated by an unanswered one is not askable yet, and
 * still makes the gate worth asking. */
static void mark_wanted(kb *k)
{
    size_t top = 0;
    for (size_t i = 0; i < k->nq; i++) {
        k->wanted[i] = 0;
        if (k->answered[i] || k->skipped[i])
            continue;
        for (size_t j = 0; j < k->nreaders[i] && !k->wanted[i]; j++)
            k->wanted[i] = (char)still_possible(k, k->readers[i][j].ri);
        if (k->wanted[i])
            k->stack[top++] = i;
    }
    while (top) {
        const kb_rinfo *gi = &k->qinfo[k->stack[--top]];
        if (!gi->n || !still_possible(k, gi))
            continue;
        for (size_t j = 0; j < gi->n; j++) {
            size_t g = gi->c[j].q;
            if (k->wanted[g] || k->answered[g] || k->skipped[g])
                continue;
            k->wanted[g] = 1;       /* each question is stacked once */
            k->stack[top++] = g;
        }
    }
}

static int worth_asking(kb *k, size_t i)
{
    return k->wanted[i] && eng_question_askable(k->e, eng_question_at(k->e, i));
}

/* The answers in working memory, and what they leave worth asking. */
static void mark(kb *k)
{
    mark_answered(k);
    mark_wanted(k);
}

const eng_question *kb_next_question(kb *k)
{
    if (kb_questions_index(k))
        return NULL;
    mark(k);
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
    mark(k);
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
    const kb_reader *v = k->readers[qi];
    for (size_t j = 0; j < k->nreaders[qi]; j++) {
        /* a rule reading the question twice: its conditions are next to
         * each other in the list */
        if (j && v[j].rule == v[j - 1].rule)
            continue;
        if (n < max) {
            rules[n] = v[j].rule;
            if (possible)
                possible[n] = still_possible(k, v[j].ri);
        }
        n++;
    }
    return n;
}

long kb_rule_blocker(kb *k, const eng_rule *r)
{
    if (kb_questions_index(k))
        return -1;
    mark_answered(k);
    for (size_t i = 0; i < k->nrinfo; i++)
        if (k->rinfo[i].rule == r)
            return blocker(k, &k->rinfo[i]);
    return -1;
}

size_t kb_question_gates(kb *k, const eng_question *q, const eng_question **gated,
                         int *wanted, size_t max)
{
    long qi = kb_questions_index(k) ? -1 : qindex(k, eng_question_id(q));
    if (qi < 0)
        return 0;
    mark(k);
    for (size_t j = 0; j < k->ngates[qi] && j < max; j++) {
        size_t g = k->gates[qi][j];
        gated[j] = eng_question_at(k->e, g);
        if (wanted)
            wanted[j] = k->wanted[g] && still_possible(k, &k->qinfo[g]);
    }
    return k->ngates[qi];
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
