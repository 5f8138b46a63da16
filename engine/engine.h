/*
 * engine.h -- the ldt-advisor inference engine: its whole public contract.
 *
 * A forward-chaining production system for the knowledge-base language of
 * spec/RULES.md (v1).  The pipeline is
 *
 *     load (INI) -> compile (match network) -> reset -> assert answers
 *       -> match (incremental) -> agenda -> fire -> provenance
 *
 * The engine knows nothing of Local Digital Twins, SQLite or terminals: it
 * never prints and never exits.  Functions that can fail return an
 * eng_status; problems in a knowledge-base or answers file are collected as
 * diagnostics (file, line, column, message) and loading carries on to find
 * the next one.
 *
 * Ownership: every pointer returned by an eng_* function is owned by the
 * engine (or by the eng_answers it came from) and stays valid until the
 * call named in its comment; callers never free them.  Facts stay valid
 * until the next eng_reset or eng_free, even after they are retracted, so
 * that explanations can walk old derivations.
 */
#ifndef LDT_ENGINE_H
#define LDT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#define ENG_VERSION "0.1.0"

typedef struct eng_engine eng_engine;       /* one knowledge base + working memory */
typedef struct eng_fact eng_fact;           /* a fact in (or once in) working memory */
typedef struct eng_rule eng_rule;           /* a compiled [rule] */
typedef struct eng_question eng_question;   /* a compiled [question] */
typedef struct eng_test eng_test;           /* a compiled [test] scenario */
typedef struct eng_answers eng_answers;     /* a parsed answers file */

typedef enum eng_status {
    ENG_OK = 0,
    ENG_ENOMEM,     /* an allocation failed; the engine is still usable */
    ENG_EINVAL,     /* bad input: see the diagnostics */
    ENG_EIO,        /* a file or directory could not be read */
    ENG_ELIMIT,     /* the firing limit was reached (likely a loop) */
    ENG_ERUNTIME,   /* a rule's action failed (e.g. arithmetic on a symbol) */
    ENG_ESTATE      /* the call is not allowed now (e.g. loading after reset) */
} eng_status;

/* Human-readable name of a status, e.g. "out of memory".  Static string. */
const char *eng_status_text(int status);

/* ---------------------------------------------------------------- values */

typedef enum eng_type {
    ENG_SYMBOL = 1, /* interned, printed bare */
    ENG_STRING,     /* interned, printed in double quotes with escapes */
    ENG_INT,        /* 64-bit integer */
    ENG_REAL        /* double; never integral (those are stored as ENG_INT) */
} eng_type;

typedef struct eng_value {
    uint8_t type;           /* an eng_type */
    union {
        int64_t i;          /* ENG_INT */
        double r;           /* ENG_REAL */
        uint32_t atom;      /* ENG_SYMBOL, ENG_STRING: index of interned text */
    } u;
} eng_value;

/* Interns TEXT (LEN bytes) as a symbol or string.  Returns ENG_OK or
 * ENG_ENOMEM.  The text is copied. */
int eng_intern(eng_engine *e, const char *text, size_t len, eng_type type,
               eng_value *out);

/* The text of a symbol or string value, NUL-terminated; *LEN (may be NULL)
 * receives its length.  NULL for numbers.  Valid until eng_free. */
const char *eng_value_text(const eng_engine *e, eng_value v, size_t *len);

/* 1 if A and B are the same value (type and content), else 0. */
int eng_value_equal(eng_value a, eng_value b);

/* Writes V in the language's syntax (symbols bare, strings quoted with
 * escapes, integers without a decimal point, other numbers in the shortest
 * form that reads back the same).  snprintf semantics: returns the length
 * the full text needs. */
size_t eng_value_format(const eng_engine *e, eng_value v, char *buf,
                        size_t size);

/* Parses one value in the language's syntax from TEXT (a symbol, number or
 * quoted string, surrounding blanks allowed).  ENG_OK, ENG_EINVAL if TEXT is
 * not exactly one value, ENG_ENOMEM. */
int eng_value_parse(eng_engine *e, const char *text, eng_value *out);

/* ----------------------------------------------------------- diagnostics */

/* The candidate closest to WORD within a small edit distance (for "did
 * you mean"), or NULL.  Returns one of CANDS. */
const char *eng_suggest(const char *word, const char *const *cands, size_t n);

typedef enum eng_severity { ENG_ERROR, ENG_WARNING, ENG_NOTE } eng_severity;

typedef struct eng_diag {
    eng_severity severity;
    const char *path;       /* file the problem is in ("" if none) */
    int line, col;          /* 1-based; 0 when not known */
    int span;               /* length of the culprit in bytes (>= 1) */
    const char *message;    /* without location or severity prefix */
    const char *source;     /* the source line (no newline), or NULL */
} eng_diag;

/* Diagnostics collected since the engine was made or last cleared, in the
 * order found.  Pointers valid until eng_diag_clear or eng_free. */
size_t eng_diag_count(const eng_engine *e);
const eng_diag *eng_diag_at(const eng_engine *e, size_t i);
size_t eng_error_count(const eng_engine *e);   /* ENG_ERROR ones only */
void eng_diag_clear(eng_engine *e);

/* -------------------------------------------------------------- the engine */

typedef enum eng_strategy { ENG_DEPTH = 0, ENG_BREADTH = 1 } eng_strategy;

/* Allocator in the style of Lua's lua_Alloc: with NSIZE 0 frees PTR and
 * returns NULL; otherwise behaves as realloc.  May return NULL (the engine
 * then fails the call cleanly with ENG_ENOMEM). */
typedef void *(*eng_alloc_fn)(void *ud, void *ptr, size_t nsize);

typedef struct eng_config {
    eng_alloc_fn alloc;         /* NULL: the C library's */
    void *alloc_ud;             /* passed to ALLOC */
    long max_firings;           /* default firing limit; 0: 100000 */
    uint32_t regex_match_limit; /* PCRE2 match limit; 0: 100000 */
    uint32_t regex_depth_limit; /* PCRE2 depth limit; 0: 1000 */
    size_t max_line;            /* longest line in a file; 0: 4096 bytes */
    int skip_tests;             /* nonzero: what [test] sections hold is
                                   passed over unread; only their lines are
                                   checked as lines (for users that never
                                   run them; eng_test_count is then 0) */
} eng_config;

/* Makes an empty engine.  CFG may be NULL for defaults.  NULL when out of
 * memory.  Free with eng_free. */
eng_engine *eng_new(const eng_config *cfg);
/* Frees the engine and everything it returned.  Accepts NULL. */
void eng_free(eng_engine *e);

/* ------------------------------------------------------------------ loading */

/* Declares a catalogue section kind (e.g. "unit") that this engine's user
 * understands; sections of kinds not declared are reported as errors.  Call
 * before loading.  ENG_OK or ENG_ENOMEM. */
int eng_kind_allow(eng_engine *e, const char *kind);

/* Loads PATH: one .ini file, or a directory whose *.ini files (recursively)
 * are read in sorted path order.  A file this engine has loaded before
 * (known by device and inode, so under any name: another spelling of the
 * path, a symbolic or hard link, a file of a directory loaded earlier) is
 * passed over, not loaded twice.  Every problem becomes a diagnostic.
 * Returns ENG_OK, ENG_EINVAL (some file had errors), ENG_EIO (PATH, or a
 * file in it, could not be read; also a diagnostic), ENG_ENOMEM, or
 * ENG_ESTATE after the first eng_reset. */
int eng_load_path(eng_engine *e, const char *path);
/* As eng_load_path, for a file or directory of scenarios added to a
 * knowledge base: a section of another kind than [test] is an error, and
 * nothing more of PATH is read (a copy of a whole knowledge base gets one
 * error, not one at each of its sections). */
int eng_load_tests(eng_engine *e, const char *path);

/* Loads the KB text TEXT of LEN bytes as if it were the file PATH. */
int eng_load_buffer(eng_engine *e, const char *path, const char *text,
                    size_t len);

/* A catalogue section of a declared kind, kept for the engine's user. */
typedef struct eng_field {
    const char *key, *value;    /* continuation lines joined with a space */
    int line, col;              /* where the value starts */
    const struct eng_span *spans;   /* where each line of the value is */
    size_t nspans;
} eng_field;

/* A line of a field's value: the bytes from OFF (up to the next span's
 * OFF, less the space that joined them) are at LINE, from column COL. */
typedef struct eng_span {
    size_t off;
    int line, col;
} eng_span;

/* Where the byte at offset OFF of F's value is in its file. */
void eng_field_where(const eng_field *f, size_t off, int *line, int *col);

typedef struct eng_entry {
    const char *kind, *name;    /* [KIND NAME] */
    const char *path;
    int line;                   /* of the section header */
    size_t nfields;
    const eng_field *fields;    /* in file order */
} eng_entry;

/* Catalogue entries in load order.  Valid until eng_free. */
size_t eng_entry_count(const eng_engine *e);
const eng_entry *eng_entry_at(const eng_engine *e, size_t i);

/* Adds a fact to those asserted at every reset (as a [facts] line would),
 * remembering PATH:LINE as its source.  Before the first reset only.
 * ENG_OK, ENG_EINVAL (N < 1 or VALS[0] not a symbol), ENG_ENOMEM,
 * ENG_ESTATE. */
int eng_facts_add(eng_engine *e, const eng_value *vals, size_t n,
                  const char *path, int line);

/* Adds a diagnostic of the engine user's own (e.g. a catalogue check) so
 * that it is reported with the others.  ENG_OK or ENG_ENOMEM. */
int eng_diag_add(eng_engine *e, eng_severity sev, const char *path, int line,
                 int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* ------------------------------------------------------------------ running */

/* Empties working memory and the agenda, then asserts the [facts] of the
 * knowledge base.  Rules without positive patterns become active.  Must be
 * called once before asserting.  ENG_OK or ENG_ENOMEM. */
int eng_reset(eng_engine *e);

/* Strategy for activations of equal salience; only while the agenda is
 * empty (else ENG_ESTATE). */
int eng_set_strategy(eng_engine *e, eng_strategy s);

/* Asserts the fact VALS[0..N-1] (VALS[0] a symbol).  *OUT (may be NULL)
 * receives the fact, or the equal fact already present (facts are a set).
 * ENG_OK, ENG_EINVAL, ENG_ENOMEM, ENG_ESTATE (before eng_reset). */
int eng_assert(eng_engine *e, const eng_value *vals, size_t n,
               const eng_fact **out);

/* Parses TEXT ("rel a 1 \"s\"") and asserts it.  ENG_EINVAL if TEXT is not
 * a fact (no diagnostic is recorded). */
int eng_assert_text(eng_engine *e, const char *text, const eng_fact **out);

/* Retracts F if it is still in working memory.  What rules derived from F
 * stays (there is no truth maintenance: rules may retract their own
 * triggers).  ENG_OK or ENG_ENOMEM. */
int eng_retract(eng_engine *e, const eng_fact *f);

/* Withdraws the input F (a fact asserted with eng_assert since the last
 * reset) together with everything derived from it: working memory becomes
 * that of a reset followed by the other inputs, in their order, so that
 * asserting a changed answer and running gives exactly the conclusions of
 * a fresh run with the new answers.  The agenda holds the activations of
 * that state; call eng_run.  ENG_OK, ENG_EINVAL (F is not an input), or
 * ENG_ENOMEM.  F and every fact pointer taken before are invalid after. */
int eng_input_retract(eng_engine *e, const eng_fact *f);

/* Fires activations until the agenda is empty, a rule halts, or MAX_FIRINGS
 * (0: the configured limit) is reached.  *FIRED (may be NULL) receives the
 * number of firings.  Returns ENG_OK (also after halt), ENG_ELIMIT with a
 * diagnostic naming the rules that fired most, ENG_ERUNTIME with a
 * diagnostic at the failing action, or ENG_ENOMEM. */
int eng_run(eng_engine *e, long max_firings, long *fired);

/* 1 if the last eng_run stopped at a halt action. */
int eng_halted(const eng_engine *e);

/* Number of activations waiting on the agenda. */
size_t eng_agenda_count(const eng_engine *e);

/* ---------------------------------------------------------------- watching */

typedef enum eng_event_kind {
    ENG_EV_ASSERT,      /* FACT entered working memory */
    ENG_EV_RETRACT,     /* FACT left working memory */
    ENG_EV_ACTIVATE,    /* RULE got an activation for FACTS */
    ENG_EV_DEACTIVATE,  /* an unfired activation of RULE was withdrawn */
    ENG_EV_FIRE         /* RULE fires on FACTS (its positive patterns) */
} eng_event_kind;

typedef struct eng_event {
    eng_event_kind kind;
    const eng_fact *fact;           /* ASSERT, RETRACT */
    const eng_rule *rule;           /* ACTIVATE, DEACTIVATE, FIRE */
    const eng_fact *const *facts;   /* ACTIVATE, DEACTIVATE, FIRE */
    size_t nfacts;
} eng_event;

typedef void (*eng_listener)(void *ud, const eng_event *ev);

/* Calls FN for every event from now on (NULL to stop).  FN must not call
 * back into the engine except for read-only accessors. */
void eng_set_listener(eng_engine *e, eng_listener fn, void *ud);

/* ------------------------------------------------------------------- facts */

typedef enum eng_origin {
    ENG_FROM_ASSERT,    /* eng_assert / answers */
    ENG_FROM_FACTS,     /* a [facts] line or eng_facts_add, at reset */
    ENG_FROM_RULE       /* a rule's assert or add action */
} eng_origin;

/* Live facts in assertion order: pass NULL for the first.  A fact retracted
 * during iteration ends it; collect first when acting on them. */
const eng_fact *eng_fact_next(const eng_engine *e, const eng_fact *prev);
size_t eng_fact_count(const eng_engine *e);     /* live facts */

/* The live fact equal to VALS[0..N-1], or NULL. */
const eng_fact *eng_fact_find(const eng_engine *e, const eng_value *vals,
                              size_t n);

/* The live facts of NPREFIX + 1 values whose first NPREFIX values are
 * PREFIX (the facts "unit.title EDU-101 ?" for PREFIX unit.title EDU-101),
 * oldest first, at most MAX of them into OUT.  Returns how many there are
 * (which may exceed MAX).  Costs the matches, not the working memory. */
size_t eng_fact_lookup(const eng_engine *e, const eng_value *prefix,
                       size_t nprefix, const eng_fact **out, size_t max);

uint64_t eng_fact_id(const eng_fact *f);        /* 1, 2, ... since reset */
size_t eng_fact_size(const eng_fact *f);        /* values incl. relation */
eng_value eng_fact_value(const eng_fact *f, size_t i);
int eng_fact_live(const eng_fact *f);           /* still in working memory */
size_t eng_fact_format(const eng_engine *e, const eng_fact *f, char *buf,
                       size_t size);            /* snprintf semantics */

/* Provenance.  For ENG_FROM_RULE: the rule and the facts that matched its
 * positive patterns, in pattern order (for an `add`, the previous total is
 * the last one).  For ENG_FROM_FACTS: the source file and line. */
eng_origin eng_fact_origin(const eng_fact *f);
const eng_rule *eng_fact_rule(const eng_fact *f);          /* or NULL */
size_t eng_fact_support_count(const eng_fact *f);
const eng_fact *eng_fact_support(const eng_fact *f, size_t i);
const char *eng_fact_source(const eng_fact *f, int *line); /* or NULL */

/* The `because` sentence of the rule that derived F, with {?var} filled in
 * from F's supports (snprintf semantics).  {?var|REL} shows the label of
 * the value instead: the last value of the oldest live fact `REL value
 * LABEL`, or the value itself when there is none.  0 and an empty BUF when
 * F was not derived or the rule has no `because`. */
size_t eng_fact_because(const eng_engine *e, const eng_fact *f, char *buf,
                        size_t size);

/* Calls FN for every live fact matching PATTERN ("situation score ?s ?n",
 * variables and ? wildcards allowed), in assertion order; FN returns
 * nonzero to stop.  Returns the number of matches seen, or -1 when PATTERN
 * is not a valid pattern (no diagnostic; also when memory runs out).  The
 * pattern may be as long as a fact: up to ENG_MAX_ARITY terms of any
 * length. */
long eng_query(eng_engine *e, const char *pattern,
               int (*fn)(void *ud, const eng_fact *f), void *ud);
/* The next term of a pattern as eng_query reads them from *P: a quoted
 * string with its escapes, or a run of bytes other than blanks and tabs,
 * after the blanks before it.  Returns its start, with its length in *LEN
 * and *P past it, or NULL when no term is left; *CLOSED is 0 for a string
 * that lacks its closing quote (it runs to the end). */
const char *eng_pattern_term(const char **p, size_t *len, int *closed);
/* ENG_OK when eng_query takes PATTERN; else ENG_EINVAL, with what is
 * wrong in ERR (ERRSIZE bytes): an unclosed string, a term that is no
 * value, a variable named otherwise than in rules (?1, ?s,), no relation
 * first. */
int eng_pattern_check(eng_engine *e, const char *pattern, char *err, size_t errsize);

/* ------------------------------------------------------------------- rules */

size_t eng_rule_count(const eng_engine *e);
const eng_rule *eng_rule_at(const eng_engine *e, size_t i);  /* load order */
const eng_rule *eng_rule_find(const eng_engine *e, const char *name);
const char *eng_rule_name(const eng_rule *r);
const char *eng_rule_path(const eng_rule *r);
int eng_rule_line(const eng_rule *r);
int eng_rule_salience(const eng_rule *r);
int eng_rule_has_because(const eng_rule *r);    /* 1 when it has a `because` */
long eng_rule_fired(const eng_rule *r);     /* firings since eng_new */
/* The I-th label a rule's `because` shows ({?var|REL}): its relation REL
 * and its place in the file; 0, or -1 when there are no more (I counts
 * from 0).  What a knowledge base must load for them: facts of REL with
 * three values, unless REL names a question (its options' labels). */
int eng_rule_label(const eng_rule *r, size_t i, eng_value *rel, int *line,
                   int *col);
/* The I-th value a rule's `because` shows, {?var} or {?var|REL}: the
 * condition that binds it, CI (an index for eng_rule_cond), its
 * place POS in that pattern (0: the relation), REL (type 0 for a bare
 * {?var}) and the place of the '{' in the file; 0, or -1 when there are
 * no more. */
int eng_rule_shown(const eng_rule *r, size_t i, size_t *ci, size_t *pos,
                   eng_value *rel, int *line, int *col);

/* ----------------------------------------------------------- introspection */

/* A rule's `when` lines and a question's `ask_if` lines, and a rule's
 * `then` lines, as tools see them (next question, why, why-not, lint). */

typedef enum eng_ce_kind {
    ENG_CE_PATTERN, ENG_CE_NOT, ENG_CE_EXISTS, ENG_CE_TEST
} eng_ce_kind;

typedef struct eng_cond_info {
    eng_ce_kind kind;
    const char *text;       /* the condition as written */
    int line, col;
    size_t size;            /* patterns: values, relation included; else 0 */
    long alpha;             /* patterns: live facts that pass the pattern's
                               own tests (constants, repeated variables,
                               tests on its own variables); else -1 */
} eng_cond_info;

size_t eng_rule_cond_count(const eng_rule *r);
/* Fills *OUT for condition I; ENG_OK or ENG_EINVAL (I out of range). */
int eng_rule_cond(const eng_rule *r, size_t i, eng_cond_info *out);
/* 1 and *OUT when place POS (0: the relation) of pattern I holds a
 * constant; 0 for a variable, a wildcard, a test or POS out of range. */
int eng_rule_cond_const(const eng_rule *r, size_t i, size_t pos,
                        eng_value *out);

size_t eng_question_cond_count(const eng_question *q);
int eng_question_cond(const eng_question *q, size_t i, eng_cond_info *out);
int eng_question_cond_const(const eng_question *q, size_t i, size_t pos,
                            eng_value *out);

typedef enum eng_act_kind {
    ENG_ACT_ASSERT, ENG_ACT_RETRACT, ENG_ACT_ADD, ENG_ACT_HALT
} eng_act_kind;

size_t eng_rule_action_count(const eng_rule *r);
eng_act_kind eng_rule_action_kind(const eng_rule *r, size_t i);
int eng_rule_action_line(const eng_rule *r, size_t i);
/* The column where action I starts on its line (0 when I is out of range). */
int eng_rule_action_col(const eng_rule *r, size_t i);
/* Values of an assert or add action, relation included (0 otherwise). */
size_t eng_rule_action_size(const eng_rule *r, size_t i);
/* 1 and *OUT when place POS of action I is a constant. */
int eng_rule_action_const(const eng_rule *r, size_t i, size_t pos,
                          eng_value *out);

/* Why a rule has not fired (for "why not" explanations), read from the
 * match network's memories as they are now. */
typedef enum eng_why_result {
    ENG_WHY_FAILED,     /* condition COND fails: DETAIL says how */
    ENG_WHY_MATCHED,    /* every condition holds: it fired or will fire */
    ENG_WHY_NEVER       /* a test that is always false: it can never fire */
} eng_why_result;

#define ENG_WHY_MAX 64    /* values of a fact in eng_why_not.need */

typedef struct eng_why_not {
    eng_why_result result;
    size_t cond;            /* ENG_WHY_FAILED: the first condition that fails */
    char detail[1024];      /* what it expected and what it found */
    /* ENG_WHY_FAILED at a pattern (positive or `exists`) that no fact
     * matches with the values bound before it: the fact it needed, as far
     * as the network knows it (NNEED values, the relation first; NEEDCONST[i]
     * 0 where any value would do), to ask why-not of it in turn; else
     * NNEED is 0.  With several partial matches before the pattern, the
     * first one's values. */
    size_t nneed;
    eng_value need[ENG_WHY_MAX];
    int needconst[ENG_WHY_MAX];
    /* ENG_WHY_FAILED at a `not` that a fact blocks, or an `exists` that
     * none satisfies: what the conditions after it make of the partial
     * matches it stops, as though it held.  PAST is 0 when not looked at
     * (another kind of condition failed, or the partial matches were too
     * many to try), else PAST_RESULT is ENG_WHY_MATCHED (that condition is
     * all that stands in the way) or ENG_WHY_FAILED (every one of them
     * fails later too; PAST_COND is the condition the furthest one fails
     * at, PAST_DETAIL says how). */
    int past;
    eng_why_result past_result;
    size_t past_cond;
    char past_detail[1024];
} eng_why_not;

/* Fills *OUT for rule R in the current working memory.  With WANT (N
 * values, a fact the caller hoped R would assert; WANTCONST[i] 0 where any
 * value will do), the variables of R's matching action are held to the
 * wanted values, so that the answer is about that fact: why is there no
 * `situation primary arena`, not why R did not fire at all.  ENG_OK. */
int eng_rule_why_not(eng_engine *e, const eng_rule *r, const eng_value *want,
                     const int *wantconst, size_t n, eng_why_not *out);

/* --------------------------------------------------------------- questions */

typedef enum eng_qtype {
    ENG_Q_ONE, ENG_Q_MANY, ENG_Q_NUMBER, ENG_Q_YESNO, ENG_Q_TEXT
} eng_qtype;

size_t eng_question_count(const eng_engine *e);
const eng_question *eng_question_at(const eng_engine *e, size_t i);
const eng_question *eng_question_find(const eng_engine *e, const char *id);
/* 1 when a [question ID] section was read, also one that had errors and
 * so was not defined (eng_question_find gives NULL for it). */
int eng_question_declared(const eng_engine *e, const char *id);
/* The defined question whose ID is closest to ID (for "did you mean"), or
 * NULL when none is close. */
const char *eng_question_suggest(eng_engine *e, const char *id);
/* Q's position: eng_question_at(e, eng_question_index(q)) == q. */
size_t eng_question_index(const eng_question *q);
const char *eng_question_id(const eng_question *q);
const char *eng_question_group(const eng_question *q);  /* "" if none */
const char *eng_question_text(const eng_question *q);
const char *eng_question_help(const eng_question *q);   /* "" if none */
eng_qtype eng_question_type(const eng_question *q);
size_t eng_question_option_count(const eng_question *q);
const char *eng_question_option(const eng_question *q, size_t i,
                                const char **label);
/* A number question's bounds: bit 1 set when *MIN holds one, bit 2 when
 * *MAX does. */
int eng_question_range(const eng_question *q, double *min, double *max);
/* The bounds as messages state them: "from 0 to 100", "of at least 1",
 * "of at most 5", or "" without bounds; into BUF of SIZE bytes. */
const char *eng_question_range_text(const eng_question *q, char *buf, size_t size);
/* 1 if a number question takes whole numbers only (`integer = yes`). */
int eng_question_integer(const eng_question *q);
/* What a number question takes, as messages state it: "a number from 0
 * to 100", "a whole number of at least 1", "a number"; into BUF of SIZE
 * bytes. */
const char *eng_question_number_text(const eng_question *q, char *buf, size_t size);
const char *eng_question_path(const eng_question *q);
int eng_question_line(const eng_question *q);

/* 1 if Q's ask_if conditions hold in working memory now (always 1 without
 * ask_if lines). */
int eng_question_askable(const eng_engine *e, const eng_question *q);

/* The most values one answer may have (a `many` answer's options, each
 * counted once): answers files and [test] scenarios take this many, and so
 * does a caller of eng_answer_parse that passes it as MAX. */
#define ENG_MAX_VALUES 256

/* An ERR of this many bytes holds every message of eng_answer_parse whole
 * (a long list of options is shortened, never the answer found). */
#define ENG_ANSWER_ERR_SIZE 1024

/* Checks TEXT as an answer to Q and converts it into values (several for a
 * `many` answer, comma-separated).  Options and yes/no are matched without
 * regard to case and surrounding blanks.  On ENG_EINVAL, ERR receives what
 * was expected (see ENG_ANSWER_ERR_SIZE).  *N receives the number of values
 * (at most MAX). */
int eng_answer_parse(eng_engine *e, const eng_question *q, const char *text,
                     eng_value *vals, size_t max, size_t *n, char *err,
                     size_t errsize);

/* ---------------------------------------------------------- answers files */

/* Reads an answers file ([answers NAME] sections, keys are question IDs).
 * Problems become diagnostics; a respondent with any error is marked
 * invalid, the others stay usable.  The respondents' problems are
 * reported up to 50 errors in a file; those after them are counted in one
 * note, and still make their respondents invalid (see eng_answers_hidden).
 * Problems of the file itself (lines outside a respondent's section, bad
 * headers, duplicate names) make it give up after 50; a file that is no
 * text file (a NUL byte) has that one error and no respondents.  NULL
 * when the file cannot be read or changed while it was read (a
 * diagnostic says why; errno EIO), or on out of memory (errno ENOMEM).
 * Free with eng_answers_free.
 *
 * The file is streamed: it is checked in one pass, and only an index of
 * its respondents is kept (name, where its section is, a hash of its
 * lines, and its answers as they were checked in a record of about a byte
 * an answer: question and option numbers, numbers, where a text is in
 * the file), never the file's text; the file stays open until
 * eng_answers_free, and eng_answers_assert reads the respondent's section
 * again.  Limits: lines of eng_config.max_line bytes, answers of
 * 1 MiB, 4 MiB of answers for one respondent (each an error that makes
 * the respondent invalid). */
eng_answers *eng_answers_read(eng_engine *e, const char *path);
/* The same for a file already open as FD (a regular file: it is read
 * again by offset), named NAME in messages ("<stdin>" for a copy of
 * standard input).  FD is the answers' from then on: closed by
 * eng_answers_free, or before returning NULL. */
eng_answers *eng_answers_read_fd(eng_engine *e, int fd, const char *name);
void eng_answers_free(eng_answers *a);      /* closes the file; NULL ok */
size_t eng_answers_count(const eng_answers *a);
/* Respondent I's name (file order), valid until eng_answers_free; NULL
 * when I is out of range. */
const char *eng_answers_name(const eng_answers *a, size_t i);
int eng_answers_valid(const eng_answers *a, size_t i);
/* The line of respondent I's [answers NAME] header, and in *COL (when
 * not NULL) the column of NAME in it (1 when it cannot be read again); 0
 * when I is out of range. */
int eng_answers_where(const eng_answers *a, size_t i, int *col);
/* 1 when some of respondent I's problems were not reported (they came
 * after the first 50 errors of the file): eng_answers_report reports
 * them. */
int eng_answers_hidden(const eng_answers *a, size_t i);
/* The line of the note the reading gave when it left errors unreported
 * ("at least N more errors from here on are not shown"; a note with no
 * column), or 0 when it left none out; *FILE_ERRORS (when not NULL), how
 * many of those were errors of the file itself, not of a respondent's
 * section.  With respondents named and each reported, a note with no
 * errors of the file in it has nothing left to say. */
int eng_answers_note(const eng_answers *a, size_t *file_errors);
/* Reports what eng_answers_read left out of respondent I's problems,
 * reading its section again: its diagnostics (the first 50 errors, then
 * a note).  ENG_OK, also when nothing was left out; ENG_EINVAL when there
 * is no respondent I; ENG_EIO, with a diagnostic, when the file changed;
 * ENG_ENOMEM. */
int eng_answers_report(eng_engine *e, const eng_answers *a, size_t i);
/* The respondent whose section holds line LINE of the file (a second
 * section with the same name counts as the first's), or -1 for a line of
 * no respondent: before the first section, or in a section of another
 * kind or with a bad header.  A command about some respondents shows the
 * problems of their lines and of the file's own, not of the others'. */
long eng_answers_owner(const eng_answers *a, int line);

/* Asserts `answer ID VALUE` for each answer of respondent I (after the
 * caller's eng_reset), reading its section from the file again: when its
 * lines are as they were, the answers are those of the record made when
 * they were checked; otherwise the section is read and checked again in
 * full.  ENG_EINVAL if the respondent is invalid; ENG_EIO, with a diagnostic the
 * first time, when the file changed since eng_answers_read (its size,
 * modification time or the respondent's lines differ) or cannot be read:
 * nothing more is read from it then, and every later call gives ENG_EIO;
 * ENG_ENOMEM; or the status of eng_assert. */
int eng_answers_assert(eng_engine *e, const eng_answers *a, size_t i);

/* ------------------------------------------------------------------- tests */

size_t eng_test_count(const eng_engine *e);
const eng_test *eng_test_at(const eng_engine *e, size_t i);
const char *eng_test_name(const eng_test *t);
const char *eng_test_path(const eng_test *t);
int eng_test_line(const eng_test *t);
/* The expect (and, with *NEGATE 1, expect_not) patterns of T as written. */
size_t eng_test_expect_count(const eng_test *t);
const char *eng_test_expect(const eng_test *t, size_t i, int *negate);
/* The line of expectation I of T (0 when there is no such expectation). */
int eng_test_expect_line(const eng_test *t, size_t i);

/* Resets, asserts T's answers, runs, and checks its expectations.  FN (may
 * be NULL) is called for each failed expectation with a message saying
 * what was expected and what was found.  Returns 1 if T passed, 0 if it
 * failed, or a negative -eng_status on error. */
int eng_test_run(eng_engine *e, const eng_test *t,
                 void (*fn)(void *ud, const eng_test *t, int line,
                            const char *message),
                 void *ud);

#endif
