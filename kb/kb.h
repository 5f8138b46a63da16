/*
 * kb.h -- the knowledge-base layer of ldt-advisor: its whole public
 * contract.  Sits between the command line (cli/) and the inference engine
 * (engine/): it loads a knowledge-base directory, knows the catalogue
 * kinds of the LDT domain (units, personas, advice, ...) and turns their
 * entries into facts, and checks what the engine alone cannot (that every
 * catalogue reference resolves).
 *
 * Ownership: a kb owns its engine; pointers it returns stay valid until
 * kb_close.
 */
#ifndef LDT_KB_H
#define LDT_KB_H

#include "../engine/engine.h"

#define KB_VERSION "0.1.0"

typedef struct kb kb;

/* Opens the knowledge base at PATH (a directory of .ini files, or one
 * file) with engine configuration CFG (NULL: defaults).  Always returns a
 * kb unless out of memory (NULL), so that its diagnostics can be read;
 * *STATUS receives ENG_OK, or the eng_status of the first failure
 * (ENG_EINVAL: see the diagnostics; ENG_EIO: PATH could not be read).
 * Close with kb_close. */
kb *kb_open(const char *path, const eng_config *cfg, int *status);

/* As kb_open, then loads the NPATHS further files or directories PATHS
 * (scenario tests kept outside the knowledge base, for instance). */
kb *kb_open_paths(const char *path, const char *const *paths, size_t npaths,
                  const eng_config *cfg, int *status);

/* Frees the kb and its engine.  Accepts NULL. */
void kb_close(kb *k);

/* The engine holding the loaded knowledge base (owned by the kb). */
eng_engine *kb_engine(kb *k);

/* The catalogue section kinds this layer understands, NULL-terminated. */
const char *const *kb_kinds(void);

/* ------------------------------------------------------------ questionnaire */

/* The next question to ask, given the engine's working memory (the
 * answers so far, after a run): the first question, in knowledge-base
 * order, that is unanswered, whose ask_if holds, and that some rule still
 * able to fire reads.  A rule is still able to fire unless one of its
 * conditions on an answered question matches no answer, or one of its
 * `not` conditions on an answer with only constants matches one.  NULL
 * when nothing more can change the advice. */
const eng_question *kb_next_question(kb *k);

/* How many questions could still be asked now (the same test applied to
 * every question), for showing progress. */
size_t kb_questions_left(kb *k);

/* 1 if the respondent in working memory has answered Q. */
int kb_answered(kb *k, const eng_question *q);

/* ------------------------------------------------------------ advice */

/* A list of strings owned by its report. */
typedef struct kb_strs {
    char **v;
    size_t n;
} kb_strs;

/* One conclusion with what the catalogue says of it and why it holds. */
typedef struct kb_item {
    char *id;               /* e.g. "arena", "GOV-202", "data_steward" */
    char *title;            /* catalogue title, or the id */
    char *text;             /* longer text where the catalogue has one, or "" */
    double number;          /* situation score, maturity level, unit minutes */
    long rank;              /* journey position, advice priority, unit loop */
    long eqf;               /* journey: the unit's EQF level */
    char *module;           /* journey: the unit's module */
    kb_strs reasons;        /* `because` sentences, evidence first */
    kb_strs who;            /* advice: persona titles */
    kb_strs units;          /* advice: unit ids */
} kb_item;

typedef struct kb_list {
    kb_item *v;
    size_t n;
} kb_list;

/* The advice for one respondent, read from working memory after a run:
 * the conclusions of spec/QUESTIONNAIRE.md with catalogue titles. */
typedef struct kb_report {
    char *respondent;
    kb_item situation;      /* primary; number = its score (id NULL: none) */
    kb_item secondary;      /* id NULL when there is none */
    kb_item transition;     /* id NULL unless the top two tie */
    kb_list scores;         /* lab, studio, arena, agora */
    kb_list dimensions;     /* the eight maturity dimensions; number = 0-4 */
    kb_item band;
    int weakest_first;      /* spread of 2 or more: work on the weakest */
    kb_item model;
    kb_list roles;          /* need role P */
    kb_list finance;        /* finance option F */
    kb_list advice;         /* by priority, then id */
    kb_list journey;        /* by position */
    long journey_minutes;
} kb_report;

/* Builds the report of the respondent RESPONDENT (a label, may be NULL)
 * from the engine's working memory.  ENG_OK or ENG_ENOMEM.  Free with
 * kb_report_free. */
int kb_report_build(kb *k, const char *respondent, kb_report **out);
void kb_report_free(kb_report *r);

#endif
