/*
 * kb_int.h -- internals shared between the kb layer's files (kb.c,
 * check.c, questionnaire.c, report.c).  Not part of the contract (kb.h).
 */
#ifndef LDT_KB_INT_H
#define LDT_KB_INT_H

#include <string.h>

#include "kb.h"

/* strcmp, and whether two strings are equal, with the first bytes
 * compared inline: the names the kb layer compares (kinds, keys,
 * relations, entry names) mostly differ there, and then no call is made
 * (a report compares a few thousand). */
static inline int kb_strcmp(const char *a, const char *b)
{
    return a[0] != b[0] ? (unsigned char)a[0] - (unsigned char)b[0] : strcmp(a, b);
}

static inline int kb_streq(const char *a, const char *b)
{
    return a[0] == b[0] && !strcmp(a, b);
}

/* A rule condition or an ask_if line that reads a question: `answer Q
 * ...` with Q constant, as a pattern, under `not` or under `exists`. */
typedef struct kb_qcond {
    size_t cond;                /* condition index in its rule or ask_if */
    size_t q;                   /* question index */
    int neg;                    /* a `not` condition */
    int negconst;               /* ... whose answer value is a constant */
} kb_qcond;

/* A rule's (or a question's ask_if) conditions on questions, found once
 * at load so that asking "can it still fire" (or "can it still hold")
 * costs no string comparisons. */
typedef struct kb_rinfo {
    const eng_rule *rule;       /* the rule, or NULL for an ask_if */
    const eng_question *asker;  /* the question of an ask_if (RULE NULL) */
    kb_qcond *c;                /* its conditions on questions */
    size_t n;
} kb_rinfo;

/* A rule condition reading a question.  A question's readers are in rule
 * order, a rule's conditions next to each other. */
typedef struct kb_reader {
    const eng_rule *rule;
    size_t cond;                /* the condition's index in RULE */
    const kb_rinfo *ri;         /* the rule's conditions on questions */
} kb_reader;

struct kb {
    eng_engine *e;
    size_t nq;                  /* questions */
    kb_reader **readers;        /* per question: the conditions reading it */
    size_t *nreaders;
    size_t **gates;             /* per question: the other questions whose
                                   ask_if reads it, each once, in order */
    size_t *ngates;
    kb_rinfo *qinfo;            /* per question: its ask_if's conditions
                                   on questions */
    char *answered;             /* scratch: per question, answered now */
    char *wanted;               /* scratch: per question, its answer can
                                   still matter (see mark_wanted) */
    size_t *stack;              /* scratch for mark_wanted */
    kb_rinfo *rinfo;            /* rules reading some question */
    size_t nrinfo;
    eng_value *qsym, *qstr;     /* per question: its id as symbol, string */
    eng_value sym_answer;
    char *skipped;              /* per question: skipped in this session */
    const eng_entry **cat;      /* catalogue entries sorted by kind, name */
    size_t ncat;
    struct kb_rcat *rcat;       /* the catalogue as reports read it, made
                                   by the first report (report.c) */
};

/* Checks that every question and catalogue entry a rule or an ask_if
 * names exists, and that answer values tested are options of their
 * question.  Reports diagnostics; returns ENG_OK, ENG_EINVAL or
 * ENG_ENOMEM. */
int kb_check_refs(kb *k);

/* The catalogue entry [KIND NAME], or NULL; then the value of KEY in EN
 * (NULL: none), as kb_catalogue gives it.  Read a few keys of one entry
 * this way to look it up once.  Valid until kb_close. */
const eng_entry *kb_catalogue_entry(kb *k, const char *kind, const char *name);
const char *kb_entry_value(const eng_entry *en, const char *key);

/* Frees the questionnaire index (see kb_questions_index). */
void kb_index_free(kb *k);

/* Frees what the reports read of the catalogue (k->rcat).  Accepts NULL. */
void kb_rcat_free(struct kb_rcat *c);

#endif
