/*
 * cli.h -- declarations shared by the files of the ldt-advisor command.
 * Private to cli/: the command's subcommands and its helpers.
 */
#ifndef LDT_CLI_H
#define LDT_CLI_H

#include <stdio.h>

#include "../kb/kb.h"

#define PROG "ldt-advisor"

/* 1 when FP is a terminal and NO_COLOR is not set. */
int cli_colour(FILE *fp);
/* Prints the engine's diagnostics from index FROM on to stderr, as
 * PATH:LINE:COL: severity: message, with the source line and a caret.
 * Returns how many of them are errors. */
size_t cli_diags(eng_engine *e, size_t from);
/* The same without those of the respondents of ANS (read from PATH) whose
 * PICK flag is 0: a command about some respondents shows their problems
 * and the file's own. */
size_t cli_diags_picked(eng_engine *e, size_t from, const eng_answers *ans,
                        const char *path, const char *pick);
/* The same for respondent I alone (none when I is out of range). */
size_t cli_diags_one(eng_engine *e, size_t from, const eng_answers *ans,
                     const char *path, size_t i);
/* The sysexits.h code for an eng_status; for ENG_ENOMEM (which no
 * diagnostic explains) also prints "ldt-advisor: out of memory". */
int cli_exit(int status);
/* Flushes standard output and checks it for a write error (a full disk, a
 * closed pipe).  0, or EX_IOERR after saying so on stderr. */
int cli_flush_stdout(void);
/* At start: each of standard input, output and error that is closed gets
 * /dev/null opened the wrong way round in its place, so that reading or
 * writing it fails as on a closed descriptor (EBADF) while no file the
 * program opens takes its number (a temporary file read back as standard
 * input, a report written into one).  Returns the closed ones as bits
 * (1 << fd). */
unsigned cli_std_guard(void);
extern unsigned cli_std_closed;
/* Opens the existing sessions database PATH for a command that only reads
 * it: a missing database is not created, nor an empty file made one.  0
 * with *ST set, or an exit status after saying why (with *ST NULL):
 * EX_NOINPUT when the database is missing or empty or cannot be opened
 * (not ours, damaged, newer, not a regular file), EX_OSERR when memory ran
 * out.  The caller closes *ST with kb_store_close.  MISSING_OK: no
 * database there (no file, an empty one, an SQLite file with nothing in
 * it) is 0 with *ST NULL, said by nobody. */
int cli_store_open_existing(const char *path, int missing_ok, kb_store **st);
/* 1 when there is no sessions database at PATH to read: no file, or an
 * empty one (which kb_store_open would make into a database). */
int cli_store_empty(const char *path);
/* Parses a session ID as every command takes it: "latest" (*ID = 0) or
 * a positive decimal number, digits only (no sign, blanks or hexadecimal;
 * one too big for a long long is no ID either).  0, or -1 when S is
 * neither (the caller says so). */
int cli_session_id(const char *s, long long *id);
/* Says on stderr that the database PATH has no session ID, or, for ID 0
 * ("latest"), that it has no sessions at all. */
void cli_no_session(const char *path, long long id);
/* Prints "ldt-advisor: MESSAGE" and a pointer to --help on stderr. */
void cli_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Prints MESSAGE and a newline on stderr (cli_errorf) or stdout
 * (cli_printf), its control characters shown as \xHH: for messages that
 * quote a path, a name or a value someone typed.  One line: a newline in
 * MESSAGE is shown too. */
void cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void cli_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A scanner for COMMAND [OPTIONS] [ARGS], the same for every command:
 * options may come anywhere; `--` ends them (what follows is an argument
 * even when it starts with '-'); a lone "-" is an argument.  Each list is
 * NULL-terminated, an entry one option or two spellings of it ("-o|--output").
 *   WITH_VALUE  `--opt VALUE` or `--opt=VALUE`; the value is missing at the
 *               end of the line, and when the next argument starts with
 *               "--" (`--kb --format json`; `--kb=--x` gives such a value)
 *   OPT_VALUE   an optional value, only as `--opt=VALUE` (*VAL NULL without)
 *   FLAGS       no value: `--flag=x` is an error
 * An option of WITH_VALUE or OPT_VALUE given twice is an error; a flag
 * may repeat.  An option in no list is returned for the caller to call
 * unknown (with *VAL NULL). */
typedef struct cli_args {
    int argc;
    char **argv;
    const char *cmd;                    /* for messages */
    const char *const *with_value;      /* options that take a value */
    const char *const *opt_value;       /* options whose value is optional */
    const char *const *flags;           /* options that take none */
    int i;                              /* index of the argument last read */
    int only_pos;                       /* after `--`: arguments only */
    unsigned long long seen;            /* met: WITH_VALUE[k] bit k, OPT_VALUE[k] bit 32 + k */
} cli_args;

enum { CLI_END, CLI_ARG, CLI_OPT, CLI_ERR };

/* Returns CLI_ARG (*VAL = the argument), CLI_OPT (*OPT = "--name" as
 * typed, without "=VALUE"; *VAL = its value or NULL), CLI_END, or CLI_ERR
 * after printing why (the caller exits EX_USAGE).  *OPT points into static
 * storage, valid until the next call. */
int cli_next(cli_args *a, const char **opt, const char **val);

/* The knowledge base to use: DIR if given, else $LDT_ADVISOR_KB, else the
 * source tree's rules/ when the program runs from a build directory in it,
 * else the installed one.  Returns a pointer into static storage. */
const char *cli_kb_path(const char *dir);

/* 0 when NAME is not empty; else a usage error for COMMAND (the caller
 * exits EX_USAGE) and -1: an empty name names no file, so it is not a
 * file that is missing.  OPT is the option NAME is the value of, or NULL
 * for an argument; WHAT is CLI_NAME_KB or CLI_NAME_ANSWERS. */
enum { CLI_NAME_KB, CLI_NAME_ANSWERS };
int cli_name_given(const char *command, const char *opt, int what, const char *name);

/* The engine configuration of the commands that advise (advise, ask,
 * explain, sessions): the knowledge base's [test] sections are passed over,
 * since nothing there runs them; `test` and `lint` read and check them. */
extern const eng_config cli_advice_config;

/* Reads answers file PATH as eng_answers_read does.  "-" is standard
 * input, and it or a pipe (bash's <(...), a FIFO) is first copied into an
 * unlinked temporary file in $TMPDIR, since a respondent's section is read
 * again when it is asserted.  NULL after saying why, with errno ENOMEM
 * when memory ran out; diagnostics of the reading are left in the
 * engine's list for the caller to print. */
eng_answers *cli_answers_read(eng_engine *e, const char *path);
/* How messages name answers file PATH: "<stdin>" for "-". */
const char *cli_answers_name(const char *path);

/* Puts respondent NAME of the answers file PATH into the engine's working
 * memory (reset, answers, run), leaving out the answers to question SKIP
 * when it is not NULL.  A label for the respondent goes into WHO.  Prints
 * the problems of the respondent's own lines and of the file's, and
 * counts their errors in *ERRORS: a second section with NAME is one, and
 * the first section still runs.  When the run fails (a runtime error, the
 * firing limit), a note after the error names the respondent: "... is not
 * VERB because of the error above" (VERB: "explained", "advised").
 * Returns 0 or an exit code. */
int cli_load_answers(kb *k, const char *path, const char *name,
                     const char *skip, const char *verb, char *who, size_t whosize,
                     size_t *errors);
/* The same for the saved session ID (a number, or "latest") of the
 * database DB (NULL: the default one), run under K loaded from KBPATH: a
 * note says when that is not the knowledge base the session was saved
 * under (another fingerprint), and which saved answers are left out (a
 * question K lacks, a value that no longer fits). */
int cli_load_session(kb *k, const char *kbpath, const char *db, const char *id,
                     const char *skip,
                     const char *verb, char *who, size_t whosize);
/* The same, also putting into NAME (NAMESIZE bytes) the respondent's name
 * as `sessions export` writes it (cli_session_name). */
int cli_load_session_named(kb *k, const char *kbpath, const char *db, const char *id,
                           const char *skip, const char *verb, char *who, size_t whosize,
                           char *name, size_t namesize);
/* Into BUF: the name session ID's respondent has in an answers file, the
 * label RESPONDENT given at `ask --respondent` when it is a name an
 * answers file can hold (and BUF can), else "session-ID".  Returns BUF. */
const char *cli_session_name(long long id, const char *respondent, char *buf, size_t size);

/* Writes the advice of report R as text for people. */
void cli_report_text(FILE *fp, const kb_report *r, int colour);
/* Writes how fact F was reached, as a tree down to the answers.  ENG_OK,
 * or ENG_ENOMEM when the tree was cut short. */
int cli_how(FILE *fp, eng_engine *e, const eng_fact *f);
/* Writes why question Q matters now: the rules that read it, whether they
 * can still fire, and the conclusions they can change.  ENG_OK, or
 * ENG_ENOMEM when it was cut short. */
int cli_why(FILE *fp, kb *k, const eng_question *q);

/* --watch: traces to stderr, as CLIPS's watch does. */
enum {
    CLI_WATCH_FACTS = 1,        /* ==> f-N fact / <== f-N fact */
    CLI_WATCH_RULES = 2,        /* FIRE N rule: f-1 (...), f-2 (...) */
    CLI_WATCH_ACTIVATIONS = 4,  /* ==> Activation rule: ... / <== ... */
    CLI_WATCH_QUESTIONS = 8,    /* QUESTION id: why it is asked or not */
    CLI_WATCH_ALL = 15
};

typedef struct cli_watch {
    eng_engine *e;
    unsigned mask;
    long fired;
} cli_watch;

/* Parses "facts,rules,activations,questions" (or "all": every one in
 * ALLOWED) into *MASK; a name outside ALLOWED (what COMMAND cannot trace)
 * is an error.  Returns 0, or -1 after printing a usage error for COMMAND. */
int cli_watch_parse(const char *command, const char *spec, unsigned allowed,
                    unsigned *mask);
/* Starts tracing the engine's events selected by W->mask. */
void cli_watch_start(cli_watch *w, eng_engine *e, unsigned mask);

int cmd_facts(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_advise(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_sessions(int argc, char **argv);

/* ------------------------------------------------------------ reports */

/* The formats of a report (`--format`). */
enum { CLI_FMT_TEXT, CLI_FMT_MARKDOWN, CLI_FMT_HTML, CLI_FMT_JSON };

/* The format named NAME ("text", "markdown" or "md", "html", "json"), or
 * -1. */
int cli_format(const char *name);

/* Where a report goes: standard output, or a file written through a
 * temporary file in the same directory, so that the file is either the
 * whole new report or left as it was. */
typedef struct cli_output {
    FILE *fp;               /* where to write; stdout when no file */
    char *path;             /* the file to replace, NULL for stdout */
    char *tmp;              /* the temporary file, NULL for stdout */
    int werr;               /* errno of the first write that failed, or 0 */
} cli_output;

/* Opens PATH for a report (NULL or "-": standard output).  On failure
 * prints why, naming PATH, and returns EX_CANTCREAT; else 0.  The output
 * is not in place before cli_output_close. */
int cli_output_open(cli_output *o, const char *path);
/* Finishes O.  With COMMIT, flushes and syncs the file and renames it over
 * its path; without it (or when any of that fails) removes the temporary
 * file, leaving PATH as it was.  Prints what failed; returns 0, EX_IOERR
 * (writing failed) or EX_CANTCREAT (the file could not be put in place).
 * Accepts an output that failed to open or was closed. */
int cli_output_close(cli_output *o, int commit);

/* Writes report R as JSON: one object of the "respondents" array that
 * README.md documents. */
void cli_report_json(FILE *fp, const kb_report *r);
/* Writes report R as Markdown (CommonMark with GitHub's tables): a heading
 * for the respondent, a summary, a section per conclusion with its reasons.
 * Every text from the answers and the KB is escaped. */
void cli_report_markdown(FILE *fp, const kb_report *r);
/* Writes the N reports R as one self-contained HTML page titled TITLE
 * (NULL: a default): inline CSS, no scripts, no network; a table of
 * contents when N > 1; per respondent a summary, SVG charts of the
 * situation scores and the maturity levels with text alternatives, each
 * section with its reasons and the learning journey as a table.  Every
 * text is escaped. */
void cli_report_html(FILE *fp, const kb_report *const *r, size_t n,
                     const char *title);
/* The lowest level among the maturity dimensions D (the ones a report marks
 * "weakest" when it says to work on them first), or -1 when D is empty. */
double cli_dims_lowest(const kb_list *d);
/* Whether any item of L has reasons (a "why" part is worth writing). */
int cli_list_has_reasons(const kb_list *l);
/* The I-th situation score of R in the order its evidence is shown: the
 * primary situation first, then the others by score, highest first (on a
 * tie, as R lists them); NULL past the last. */
const kb_item *cli_score_at(const kb_report *r, size_t i);
/* The I-th model not chosen whose signals the report shows (a score
 * above 0 and reasons), in R's order of models; NULL past the last. */
const kb_item *cli_other_model_at(const kb_report *r, size_t i);
/* The position of UNIT in R's learning journey, or 0 when it is not in
 * it: a next step's units that the journey holds are marked so. */
long cli_journey_position(const kb_report *r, const char *unit);
/* The length in bytes of the UTF-8 character TEXT starts with, or 0 when
 * it starts with none (an overlong form, a surrogate, a code point past
 * U+10FFFF, a stray or missing continuation byte, or the end). */
size_t cli_utf8_char(const char *text);
/* Whether TEXT is valid UTF-8 throughout. */
int cli_utf8_ok(const char *text);
/* ... and without control characters, C1 (U+0080..U+009F) included (a
 * label fit for any output). */
int cli_printable(const char *text);
/* Writes TEXT to FP with its control characters (but tabs) as \xHH, so
 * that what a user typed or a file held cannot drive the terminal. */
void cli_put_visible(FILE *fp, const char *text);
/* The line that ends a list of reasons that has more (kb_strs.more). */
extern const char cli_more_reasons[];

/* ------------------------------------------------------------ lint, graph */

/* `lint [KB]`: loading's diagnostics and kb_lint's checks (cli/lint.c). */
int cmd_lint(int argc, char **argv);
/* `graph [KB]`: the rule dependency graph in Graphviz dot (cli/graph.c). */
int cmd_graph(int argc, char **argv);

#endif
