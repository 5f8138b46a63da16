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

/* As kb_open, then loads the NPATHS further files or directories PATHS of
 * scenarios (eng_load_tests: [test] sections only), kept outside the
 * knowledge base.  A file that is loaded already (one of PATH's, or one
 * named twice, however it is spelt) is passed over, as eng_load_path
 * does. */
kb *kb_open_paths(const char *path, const char *const *paths, size_t npaths,
                  const eng_config *cfg, int *status);

/* Frees the kb and its engine.  Accepts NULL. */
void kb_close(kb *k);

/* The engine holding the loaded knowledge base (owned by the kb). */
eng_engine *kb_engine(kb *k);

/* The value of KEY in the catalogue entry [KIND NAME] as written (lists
 * comma-separated), or NULL.  Valid until kb_close. */
const char *kb_catalogue(kb *k, const char *kind, const char *name,
                         const char *key);

/* The catalogue section kinds this layer understands, NULL-terminated. */
const char *const *kb_kinds(void);

/* ------------------------------------------------------------ questionnaire */

/* The index behind the questionnaire functions below (which conditions of
 * which rules read each question), built on first use: a command that only
 * runs respondents never pays for it.  A command that asks questions calls
 * it first, to learn of running out of memory: ENG_OK or ENG_ENOMEM (the
 * functions below then find no question).  Built once. */
int kb_questions_index(kb *k);

/* The next question to ask, given the engine's working memory (the
 * answers so far, after a run): the first question, in knowledge-base
 * order, that is unanswered, whose ask_if holds, and whose answer can still
 * matter.  It can when a rule still able to fire reads it, in a pattern,
 * under `exists` or under `not` (the answer can then keep the rule from
 * firing), or when it is read by the ask_if of a question whose answer can
 * still matter (however deep the chain), and that ask_if can still hold.
 * A rule is still able to fire (an ask_if to hold) unless one of its
 * conditions on an answered question matches no answer, or one of its
 * `not` conditions on an answer with only constants matches one.  NULL
 * when nothing more can change the advice. */
const eng_question *kb_next_question(kb *k);

/* How many questions could still be asked now (the same test applied to
 * every question), for showing progress. */
size_t kb_questions_left(kb *k);

/* The rules that read question Q (a condition `answer Q ...`: a pattern,
 * `exists` or `not`), each once, in load order, at most MAX into RULES
 * (RULES may be NULL when MAX is 0); POSSIBLE[i] (may be NULL) tells
 * whether rule i can still fire given the answers in working memory.
 * Returns how many rules there are, however many were stored: call with
 * MAX 0 to size the arrays.  The rules are the kb's. */
size_t kb_question_rules(kb *k, const eng_question *q, const eng_rule **rules,
                         int *possible, size_t max);

/* The condition of rule R (an index for eng_rule_cond) that an answer in
 * working memory fails, which keeps R from firing: the first condition on
 * an answered question that kb_question_rules counts as failing; -1 when
 * there is none (R can still fire, or reads no question). */
long kb_rule_blocker(kb *k, const eng_rule *r);

/* The other questions whose ask_if reads Q's answer (Q gates them), each
 * once, in knowledge-base order, at most MAX into GATED (may be NULL when
 * MAX is 0); WANTED[i] (may be NULL) tells whether question i's answer can
 * still matter and its ask_if can still hold given the answers in working
 * memory (so that Q is worth asking for it).  Returns how many there are.
 * The questions are the kb's. */
size_t kb_question_gates(kb *k, const eng_question *q, const eng_question **gated,
                         int *wanted, size_t max);

/* Marks Q as skipped ("don't know", ON 1) or not (ON 0): a skipped
 * question counts as answered for kb_next_question, with no answer fact.
 * kb_skip_clear unmarks every question. */
void kb_skip(kb *k, const eng_question *q, int on);
void kb_skip_clear(kb *k);

/* 1 if the respondent in working memory has answered Q. */
int kb_answered(kb *k, const eng_question *q);

/* ------------------------------------------------------------ advice */

/* A list of strings of a report.  Read-only: items may share a string or
 * a whole list (a reason several items give, a title that is the id).
 * The report's own are freed by kb_report_free; catalogue titles and
 * texts are the kb's, so a report is freed before its kb is closed. */
typedef struct kb_strs {
    char **v;
    size_t n;
    int more;               /* reasons: nonzero when there are other
                               sentences than these (an item shows at most
                               16; `explain` shows every step) */
} kb_strs;

/* One conclusion with what the catalogue says of it and why it holds. */
typedef struct kb_item {
    char *id;               /* e.g. "arena", "GOV-202", "data_steward" */
    char *title;            /* catalogue title, or the id */
    char *text;             /* longer text where the catalogue has one, or "" */
    char *summary;          /* situation, band, model: what it is, from the
                               catalogue's summary, or "" */
    char *challenges;       /* situation: its typical challenges, or "" */
    char *pitfalls;         /* situation: its pitfalls, or "" */
    double number;          /* situation score, maturity level, unit
                               minutes; advice: the respondent's level in
                               its dimension (-1 without one) */
    long rank;              /* journey position, advice priority, unit
                               loop; models: 0 the chosen one, 1 others */
    long eqf;               /* journey: the unit's EQF level */
    char *module;           /* journey: the unit's module */
    kb_strs reasons;        /* `because` sentences, evidence first */
    kb_strs who;            /* advice: persona titles */
    kb_strs units;          /* advice: unit ids */
    kb_strs unit_titles;    /* advice: each unit's title, in the order of
                               units (its id when the catalogue has none) */
    char *dimension;        /* advice: the maturity dimension it strengthens
                               (its id), or NULL */
    int own_situation;      /* advice: 1 when the catalogue gives it to the
                               primary situation */
    size_t order;           /* advice: its entry's place in the catalogue
                               (load order; SIZE_MAX without one); models:
                               the entry's "order" */
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
    kb_list models;         /* each `model score M N`: number = N, the
                               chosen model first, then highest first */
    kb_list roles;          /* need role P */
    kb_list finance;        /* finance option F */
    kb_list advice;         /* most urgent first: by priority, then the
                               primary situation's own, then the weakest
                               dimension first, then in catalogue order */
    kb_list journey;        /* by position */
    kb_strs journey_reasons;    /* why the journey has its shape: the
                               sentences that set where it starts, the loop
                               it does not go on to and its size
                               (journey.loop, journey.beyond, journey.size
                               of rules/journey.ini) */
    long journey_minutes;
} kb_report;

/* Builds the report of the respondent RESPONDENT (a label, may be NULL)
 * from the engine's working memory.  ENG_OK or ENG_ENOMEM.  Free with
 * kb_report_free before kb_close: the report's memory goes back to its
 * kb for the next report, and its catalogue texts are the kb's (see
 * kb_strs).  The first report also reads the catalogue for every later
 * one. */
int kb_report_build(kb *k, const char *respondent, kb_report **out);
/* 1 when REL is the relation of a conclusion the advice shows (situation,
 * maturity, model, need, finance, advice, journey). */
int kb_is_conclusion(const char *rel);
void kb_report_free(kb_report *r);

/* ------------------------------------------------------------ sessions */

/* The fingerprint of the knowledge base at PATH, as 16 hex digits
 * (NUL-terminated, so BUF needs 17 bytes): FNV-1a 64 of the relative paths
 * and the lines of its .ini files, in load order.  It covers what can
 * change the advice and nothing of the scenario tests: the lines of
 * [test NAME] sections (from the header up to the next one), blank lines
 * and comments are left out, and a file with no line left counts for
 * nothing, its path included (see store.c).  A knowledge base with any
 * of these (the shipped one has all three) had another fingerprint before
 * they were left out: sessions saved then say once that it has changed.
 * ENG_OK, ENG_EIO or ENG_ENOMEM. */
int kb_fingerprint(const char *path, char *buf, size_t size);

/* Saved questionnaire sessions in one SQLite database: every answer is
 * committed in its own transaction (WAL mode) before the next question is
 * shown; conclusions are stored with their derivations.  Only bound
 * parameters reach SQL.  A database that is not ours, or is corrupt, is
 * reported and never written to. */
typedef struct kb_store kb_store;

/* Where the database lives by default: $LDT_ADVISOR_DB, else
 * $XDG_DATA_HOME/ldt-advisor/ldt-advisor.db, else
 * $HOME/.local/share/ldt-advisor/ldt-advisor.db.  Writes it into BUF; returns
 * BUF, or NULL when $HOME is unset or empty too. */
const char *kb_store_default_path(char *buf, size_t size);

/* Opens (creating it and its directory when missing, migrating an older
 * schema forward) the database PATH, which must be a regular file (a
 * directory, a device or a pipe is refused).  On failure returns NULL,
 * writes a message naming PATH and what to do into ERR, and sets errno to
 * ENOMEM when memory ran out, to EINVAL when a file is there that is no
 * usable database of ours (a directory, a device, an unreadable file,
 * another program's database, a damaged one, a newer schema), else to
 * EIO (it could not be created or written). */
kb_store *kb_store_open(const char *path, char *err, size_t errsize);
/* As kb_store_open for a reader: a database that is missing, or an SQLite
 * file without anything in it, is refused and left as it is (errno then
 * ENOENT); an older schema of ours is still migrated forward. */
kb_store *kb_store_open_existing(const char *path, char *err, size_t errsize);
void kb_store_close(kb_store *s);

/* 1 when S could only be opened for reading (a read-only file, directory
 * or file system): it can be read, and every write will fail. */
int kb_store_readonly(const kb_store *s);

typedef struct kb_session_info {
    long long id;
    char *respondent;       /* a label chosen by the user, may be "" */
    char *kb_path;          /* the knowledge base it ran under */
    char *fingerprint;      /* kb_fingerprint of that knowledge base */
    char *created, *updated;    /* ISO 8601, UTC */
    int finished;           /* the questionnaire reached its end */
    long answers;           /* answers given (not the questions skipped) */
} kb_session_info;

typedef struct kb_answer {
    char *question;         /* question id */
    char *value;            /* the answer as typed and checked; NULL: skipped */
    char *at;               /* when, ISO 8601 UTC */
    long seq;               /* order given, from 1 */
} kb_answer;

typedef struct kb_conclusion {
    char *fact;             /* the fact in the language's syntax */
    char *derivation;       /* the explanation tree as text */
} kb_conclusion;

/* All functions below return ENG_OK, ENG_EINVAL (no such session), ENG_EIO
 * (the database failed: ERR says how) or ENG_ENOMEM. */

int kb_store_session_new(kb_store *s, const char *respondent,
                         const char *kb_path, const char *fingerprint,
                         long long *id, char *err, size_t errsize);
/* Records the answer to QUESTION (VALUE NULL: skipped), replacing an
 * earlier one to the same question, in one transaction. */
int kb_store_answer_put(kb_store *s, long long id, const char *question,
                        const char *value, char *err, size_t errsize);
/* Forgets the answer to QUESTION (for going back). */
int kb_store_answer_delete(kb_store *s, long long id, const char *question,
                           char *err, size_t errsize);
/* Replaces the session's conclusions, marks it finished or not, and
 * records the knowledge base they came from (KB_PATH and FINGERPRINT;
 * NULL keeps the one saved), in one transaction. */
int kb_store_conclusions_put(kb_store *s, long long id,
                             const kb_conclusion *c, size_t n, int finished,
                             const char *kb_path, const char *fingerprint,
                             char *err, size_t errsize);
/* Claims session ID for this kb_store until it is closed, so that two
 * `ask` filling the same session at once cannot overwrite each other's
 * answers: ENG_OK, ENG_ESTATE when another kb_store (in this process or
 * another) holds it (ERR says so), ENG_EIO.  On a file system without
 * such locks nothing is claimed, and ENG_OK returned. */
int kb_store_session_claim(kb_store *s, long long id, char *err, size_t errsize);
/* The session ID (0: the most recently updated one). */
int kb_store_session_get(kb_store *s, long long id, kb_session_info *out,
                         char *err, size_t errsize);
/* Every session, newest first. */
int kb_store_sessions(kb_store *s, kb_session_info **out, size_t *n,
                      char *err, size_t errsize);
/* The session's answers in the order given. */
int kb_store_answers(kb_store *s, long long id, kb_answer **out, size_t *n,
                     char *err, size_t errsize);
int kb_store_conclusions(kb_store *s, long long id, kb_conclusion **out,
                         size_t *n, char *err, size_t errsize);
int kb_store_session_delete(kb_store *s, long long id, char *err,
                            size_t errsize);

void kb_session_info_clear(kb_session_info *si);
void kb_sessions_free(kb_session_info *v, size_t n);
void kb_answers_free(kb_answer *v, size_t n);
void kb_conclusions_free(kb_conclusion *v, size_t n);

/* ------------------------------------------------------------ lint */

/* Rule-authoring checks beyond what loading reports (kb/lint.c defines
 * each one): relations read but never asserted (with "did you mean"),
 * rules that can never fire, `not` conditions that always hold, questions
 * no rule reads, catalogue entries nothing refers to, rules that can
 * retrigger each other without end, and rules of equal salience that
 * conclude different values of an "exactly one" conclusion.  Each finding
 * is added to the engine's diagnostics as a warning (with notes for a
 * second place), sorted by file, line and column.  Call on a knowledge
 * base that loaded without errors; resets working memory.  *NWARN (may be
 * NULL) receives the number of warnings added.  ENG_OK or ENG_ENOMEM. */
int kb_lint(kb *k, size_t *nwarn);

/* The rule dependency graph, by relation: a relation is a name and a size
 * (values, the relation included), so `situation primary S` (3) and
 * `situation score S N` (4) are two relations. */
enum { KB_IN_ANSWERS = 1, KB_IN_FACTS = 2, KB_IN_CATALOGUE = 4 };

/* One use of a relation: a rule's condition or action, or a question's
 * ask_if condition. */
typedef struct kb_dep_use {
    size_t owner;           /* rule index (eng_rule_at), or question index
                               (eng_question_at) for ask_if uses */
    size_t item;            /* condition or action index */
} kb_dep_use;

typedef struct kb_dep_rel {
    const char *name;
    size_t size;            /* values, relation included */
    int inputs;             /* KB_IN_* bits: answers (`answer`, size 3,
                               when there are questions), [facts] lines,
                               catalogue entries */
    const kb_dep_use *writers;  /* assert and add actions */
    size_t nwriters;
    const kb_dep_use *readers;  /* positive and exists patterns of rules */
    size_t nreaders;
    const kb_dep_use *negated;  /* not patterns of rules */
    size_t nnegated;
    const kb_dep_use *askers;   /* patterns of ask_if lines (any kind) */
    size_t naskers;
    int expected;           /* a [test] expect or expect_not names it: a
                               conclusion */
} kb_dep_rel;

typedef struct kb_deps kb_deps;

/* Builds the graph of the loaded knowledge base (resets working memory to
 * see the [facts]).  ENG_OK or ENG_ENOMEM.  Free with kb_deps_free. */
int kb_deps_build(kb *k, kb_deps **out);
void kb_deps_free(kb_deps *d);
/* Relations in order of first use (rules in load order, their conditions
 * then their actions; then ask_if lines; then inputs nothing reads). */
size_t kb_deps_count(const kb_deps *d);
const kb_dep_rel *kb_deps_at(const kb_deps *d, size_t i);

#endif
