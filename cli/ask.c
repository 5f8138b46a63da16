/*
 * ask.c -- `ldt-advisor ask`: the interactive questionnaire.  One question
 * at a time, under its group heading, with numbered options and progress;
 * only questions that can still change the advice are asked (the kb
 * layer's next-question logic).  Every answer is committed to the
 * sessions database before the next question is shown, and after every
 * answer the respondent is replayed from a reset, so that the conclusions
 * (and `back`) always equal those of a fresh run with the same answers.
 *
 * At the prompt: a number or value answers (several, comma-separated, for
 * questions with several answers); `?` shows the help text, `why` why the
 * question is asked, `back` asks the previous question again (its answer
 * stays saved until another is given), `skip` leaves it unanswered
 * ("don't know"), `quit` (or Ctrl-D) saves and leaves, Ctrl-C
 * leaves with every answer given so far saved.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"

static const char ask_help[] =
    "Usage: " PROG " ask [OPTIONS]\n"
    "\n"
    "Asks the questionnaire at the terminal, one question at a time, and\n"
    "then shows the advice.  Only questions that can still change the\n"
    "advice are asked.  Each answer is saved at once in the sessions\n"
    "database, so a questionnaire can be left and resumed later.\n"
    "\n"
    "At the prompt: a number or value answers (several, comma-separated,\n"
    "where several answers are allowed); ?  help text;  why  why this\n"
    "question is asked;  back  ask the previous question again (its answer\n"
    "stays saved until you give another);  skip  leave it\n"
    "unanswered;  quit  save and leave (so does Ctrl-D).\n"
    "\n"
    "Options:\n"
    "  --kb DIR            the knowledge base (default as for advise)\n"
    "  --db PATH           the sessions database (default $LDT_ADVISOR_DB, else\n"
    "                      $XDG_DATA_HOME/ldt-advisor/ldt-advisor.db, else\n"
    "                      ~/.local/share/ldt-advisor/ldt-advisor.db)\n"
    "  --resume [ID]       continue session ID (a number from 'sessions list';\n"
    "                      also --resume=ID), or without ID (or with 'latest')\n"
    "                      the latest one\n"
    "  --respondent NAME   a label for a new session (e.g. the city's name;\n"
    "                      printable UTF-8 text; a resumed one keeps its own)\n"
    "  --script            read the answers from standard input even when it\n"
    "                      is not a terminal (for scripts and tests)\n"
    "  --watch LIST        trace facts, rules, activations, questions (comma-\n"
    "                      separated, or all) to stderr\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 finished or saved, 64 usage (e.g. no terminal), 65 errors\n"
    "in the knowledge base, 66 no session to resume (no such session, no\n"
    "sessions at all for the latest, or no database), a --db file that is\n"
    "no database of ours (a directory, another program's, damaged, newer)\n"
    "or the answers cannot be read (standard input closed), 70 the rules\n"
    "stopped on an error (a division by zero), 71 out of memory, 74 the\n"
    "database failed (a full disk, a read-only file) or the questions\n"
    "could not be written, 75 another ask is filling the session right\n"
    "now, 130 interrupted.  Every answer given before a failure is saved:\n"
    "continue with --resume.\n";

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct ans {
    char *qid;
    char *value;            /* NULL: skipped */
} ans;

typedef struct asker {
    kb *k;
    eng_engine *e;
    kb_store *st;
    long long id;
    char fingerprint[32];
    const char *kbpath;
    char kbsaved[4096];     /* kbpath made absolute, as the session keeps it */
    ans *v;                 /* answers in the order given */
    size_t n, cap;
    /* answers `back` went past, the latest first: still saved, and kept
     * until the question is answered again (or put back on leaving) */
    ans *pend;
    size_t npend, cappend;
    int colour;
    unsigned watch;         /* CLI_WATCH_* */
    char err[1024];
} asker;

static void ans_list_free(ans *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].qid);
        free(v[i].value);
    }
    free(v);
}

static void ans_free(asker *a)
{
    ans_list_free(a->v, a->n);
    a->v = NULL;
    a->n = a->cap = 0;
    ans_list_free(a->pend, a->npend);
    a->pend = NULL;
    a->npend = a->cappend = 0;
}

/* The exit status for a failed kb_store_* call. */
static int store_exit(int rc)
{
    return rc == ENG_ENOMEM ? EX_OSERR : EX_IOERR;
}

/* Saving WHAT failed with RC (a->err says why): the way on, and the exit
 * status.  SAFE says what the database still holds; but a session
 * deleted while it was being answered (`sessions delete` in another
 * terminal) holds nothing to resume. */
static int save_failed(asker *a, int rc, const char *what, const char *safe)
{
    kb_session_info si;
    memset(&si, 0, sizeof si);
    char err2[256];
    int gone = rc == ENG_EINVAL &&
               kb_store_session_get(a->st, a->id, &si, err2, sizeof err2) == ENG_EINVAL;
    kb_session_info_clear(&si);
    if (gone) {
        fprintf(stderr, PROG ": %s could not be saved: session %lld was deleted while "
                "it was being answered,\nwith every answer in it; start again with\n"
                "  " PROG " ask\n", what, a->id);
        return EX_NOINPUT;
    }
    cli_errorf(PROG ": %s could not be saved: %s", what, a->err);
    fprintf(stderr, "%s; fix the problem and continue with\n"
            "  " PROG " ask --resume %lld\n", safe, a->id);
    return store_exit(rc);
}

/* Out of memory while the questionnaire runs: every answer committed so
 * far is in the database.  Returns EX_OSERR. */
static int out_of_memory(const asker *a)
{
    fprintf(stderr, PROG ": out of memory; the answers given so far are saved: continue "
            "with\n  " PROG " ask --resume %lld\n", a->id);
    return EX_OSERR;
}

static long ans_find(const asker *a, const char *qid)
{
    for (size_t i = 0; i < a->n; i++)
        if (!strcmp(a->v[i].qid, qid))
            return (long)i;
    return -1;
}

/* Sets (appends, or replaces in place) the answer to QID. */
static int ans_set(asker *a, const char *qid, const char *value)
{
    long i = ans_find(a, qid);
    char *val = value ? strdup(value) : NULL;
    if (value && !val)
        return -1;
    if (i >= 0) {
        /* a changed answer moves to the end: it is the latest given */
        ans x = a->v[i];
        free(x.value);
        x.value = val;
        memmove(&a->v[i], &a->v[i + 1], (a->n - (size_t)i - 1) * sizeof *a->v);
        a->v[a->n - 1] = x;
        return 0;
    }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        ans *v = realloc(a->v, cap * sizeof *v);
        if (!v) {
            free(val);
            return -1;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n].qid = strdup(qid);
    a->v[a->n].value = val;
    if (!a->v[a->n].qid) {
        free(val);
        return -1;
    }
    a->n++;
    return 0;
}

/* Reset, every valid answer, run: the state a fresh run would reach. */
static int replay(asker *a)
{
    eng_engine *e = a->e;
    int rc = eng_reset(e);
    kb_skip_clear(a->k);
    for (size_t i = 0; i < a->n && !rc; i++) {
        const eng_question *q = eng_question_find(e, a->v[i].qid);
        if (!q)
            continue;
        if (!a->v[i].value) {
            kb_skip(a->k, q, 1);
            continue;
        }
        eng_value vals[ENG_MAX_VALUES];
        size_t nv;
        char err[ENG_ANSWER_ERR_SIZE];
        eng_value ids[3];
        int prc = eng_answer_parse(e, q, a->v[i].value, vals, ENG_MAX_VALUES, &nv, err,
                                   sizeof err);
        if (prc == ENG_ENOMEM)
            return prc;
        if (prc)
            continue;       /* checked when loaded; never asserted if invalid */
        if (eng_intern(e, "answer", 6, ENG_SYMBOL, &ids[0]) ||
            eng_intern(e, eng_question_id(q), strlen(eng_question_id(q)), ENG_SYMBOL, &ids[1]))
            return ENG_ENOMEM;
        for (size_t j = 0; j < nv && !rc; j++) {
            ids[2] = vals[j];
            rc = eng_assert(e, ids, 3, NULL);
        }
    }
    if (!rc)
        rc = eng_run(e, 0, NULL);
    return rc;
}

/* `back` past the latest answer: it leaves the answers the next question
 * is chosen from, but stays saved (the database is not touched) until its
 * question is answered again, so that leaving before then loses nothing.
 * 0, or -1 when out of memory. */
static int pend_push(asker *a)
{
    if (a->npend == a->cappend) {
        size_t cap = a->cappend ? a->cappend * 2 : 8;
        ans *v = realloc(a->pend, cap * sizeof *v);
        if (!v)
            return -1;
        a->pend = v;
        a->cappend = cap;
    }
    a->pend[a->npend++] = a->v[--a->n];
    return 0;
}

/* QID was answered (or skipped) again: its old answer is not pending. */
static void pend_drop(asker *a, const char *qid)
{
    for (size_t i = 0; i < a->npend; i++)
        if (!strcmp(a->pend[i].qid, qid)) {
            free(a->pend[i].qid);
            free(a->pend[i].value);
            memmove(&a->pend[i], &a->pend[i + 1], (a->npend - i - 1) * sizeof *a->pend);
            a->npend--;
            return;
        }
}

/* Puts the answers `back` went past and that were not given again back
 * among the answers, in the order they were given, as the database still
 * holds them.  0, or -1 when out of memory. */
static int pend_restore(asker *a)
{
    while (a->npend) {
        ans *x = &a->pend[a->npend - 1];
        if (ans_set(a, x->qid, x->value))
            return -1;
        free(x->qid);
        free(x->value);
        a->npend--;
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return !*a && !*b;
}

/* A string that grows as it is written: what is typed and what is stored
 * is as long as it is, never cut at the size of a buffer. */
typedef struct text {
    char *p;                /* NUL-terminated once anything is reserved */
    size_t len;             /* bytes written, without the NUL */
    size_t cap;             /* bytes allocated */
} text;

/* Makes room for N more bytes and the NUL.  0, or -1 when out of memory
 * (T is then unchanged). */
static int text_reserve(text *t, size_t n)
{
    if (n > SIZE_MAX / 2 - t->len - 1)
        return -1;
    size_t need = t->len + n + 1;
    if (need <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(t->p, cap);
    if (!p)
        return -1;
    if (!t->p)
        p[0] = '\0';
    t->p = p;
    t->cap = cap;
    return 0;
}

/* Appends N bytes of S.  0, or -1 when out of memory. */
static int text_add(text *t, const char *s, size_t n)
{
    if (text_reserve(t, n))
        return -1;
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
    return 0;
}

/* Whether the comma-separated list IN has an empty item ("1,,2", "1,"). */
static int has_empty_item(const char *in)
{
    if (!strchr(in, ','))
        return 0;
    for (const char *p = in;; p++) {
        size_t n = strcspn(p, ",");
        if (strspn(p, " \t") >= n)
            return 1;
        p += n;
        if (!*p)
            return 0;
    }
}

/* The value of the item ST (LEN bytes, trimmed) copied into ITEM: an
 * option's value for its number, else the item itself.  *NOOPT is set
 * when the item is a number no option has.  NULL when out of memory. */
static const char *item_value(const eng_question *q, text *item, const char *st,
                              size_t len, int *noopt)
{
    item->len = 0;
    if (text_add(item, st, len))
        return NULL;
    char *end;
    long k = strtol(item->p, &end, 10);
    if (*item->p && !*end && k >= 1 && (size_t)k <= eng_question_option_count(q))
        return eng_question_option(q, (size_t)k - 1, NULL);
    if (*item->p && strspn(item->p, "0123456789") == item->len)
        *noopt = 1;
    return item->p;
}

/* Turns option numbers into option values ("1, 3" -> "grant, partnership");
 * every other item is kept whole, whatever its length, for
 * eng_answer_parse to accept or reject.  *NOOPT receives 1 when an item
 * is a number no option has (an option's value is never a number, so the
 * answer is refused).  An empty item ("1,,2", "1,") is kept, for
 * eng_answer_parse to refuse as it does in an answers file.  NULL when
 * out of memory. */
static char *numbers_to_values(const eng_question *q, const char *in, int *noopt)
{
    *noopt = 0;
    eng_qtype t = eng_question_type(q);
    if (t != ENG_Q_ONE && t != ENG_Q_MANY)
        return strdup(in);
    text out = {0}, item = {0};
    int fail = text_reserve(&out, strlen(in));
    int empties = has_empty_item(in);
    const char *p = in;
    while (*p && !fail) {
        if (empties) {
            /* item by item between the commas, empty ones included */
            size_t n = strcspn(p, ",");
            const char *st = p;
            size_t len = n;
            while (len && (*st == ' ' || *st == '\t'))
                st++, len--;
            while (len && (st[len - 1] == ' ' || st[len - 1] == '\t'))
                len--;
            const char *val = item_value(q, &item, st, len, noopt);
            fail = !val || text_add(&out, val, strlen(val));
            p += n;
            if (*p && !fail) {
                p++;
                fail = text_add(&out, *p ? ", " : ",", *p ? 2 : 1);
            }
            continue;
        }
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *st = p;
        while (*p && *p != ',' && (t == ENG_Q_ONE || (*p != ' ' || !isdigit((unsigned char)*st))))
            p++;
        size_t len = (size_t)(p - st);
        while (len && (st[len - 1] == ' ' || st[len - 1] == '\t'))
            len--;
        const char *val = item_value(q, &item, st, len, noopt);
        fail = !val || (out.len && text_add(&out, ", ", 2)) || text_add(&out, val, strlen(val));
    }
    free(item.p);
    if (fail) {
        free(out.p);
        return NULL;
    }
    return out.p;
}

/* The answer in the form it is stored, into *OUT: option values as
 * written in the knowledge base, numbers and text as typed (trimmed).
 * ENG_OK, ENG_EINVAL (not an answer to Q: ERR says what was expected) or
 * ENG_ENOMEM. */
static int normalise(eng_engine *e, const eng_question *q, const char *typed,
                     char **out, char *err, size_t errsize)
{
    int noopt;
    char *in = numbers_to_values(q, typed, &noopt);
    eng_value vals[ENG_MAX_VALUES];
    size_t n;
    *out = NULL;
    if (!in)
        return ENG_ENOMEM;
    int rc = eng_answer_parse(e, q, in, vals, ENG_MAX_VALUES, &n, err, errsize);
    if (rc) {
        free(in);
        if (rc == ENG_EINVAL && noopt) {
            /* a number past the options: say how they are numbered */
            char *why = strdup(err);
            if (why)
                snprintf(err, errsize, "the options are numbered 1 to %zu; %s",
                         eng_question_option_count(q), why);
            free(why);
        }
        return rc == ENG_ENOMEM ? rc : ENG_EINVAL;
    }
    eng_qtype t = eng_question_type(q);
    if (t == ENG_Q_NUMBER || t == ENG_Q_TEXT) {
        *out = strdup(trim(in));
        free(in);
        return *out ? ENG_OK : ENG_ENOMEM;
    }
    free(in);
    /* each value written at the length it needs */
    text s = {0};
    int fail = text_reserve(&s, 0);
    for (size_t i = 0; i < n && !fail; i++) {
        size_t need = eng_value_format(e, vals[i], NULL, 0);
        fail = (i && text_add(&s, ", ", 2)) || text_reserve(&s, need);
        if (!fail)
            s.len += eng_value_format(e, vals[i], s.p + s.len, need + 1);
    }
    if (fail) {
        free(s.p);
        return ENG_ENOMEM;
    }
    *out = s.p;
    return ENG_OK;
}

/* How many of the session's questions were skipped (no value). */
static size_t skipped_count(const asker *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        k += !a->v[i].value;
    return k;
}

static void show_question(asker *a, const eng_question *q, const char **group)
{
    FILE *fp = stdout;
    const char *g = eng_question_group(q);
    if (g[0] && (!*group || strcmp(*group, g))) {
        fprintf(fp, "\n%s== %s ==%s\n", a->colour ? "\033[1m" : "", g,
                a->colour ? "\033[0m" : "");
        *group = g;
    }
    size_t skipped = skipped_count(a);
    size_t left = kb_questions_left(a->k);
    fprintf(fp, "\n[%zu answered, ", a->n - skipped);
    if (skipped)
        fprintf(fp, "%zu skipped, ", skipped);
    fprintf(fp, "about %zu to go]\n", left);
    fprintf(fp, "%s%s%s\n", a->colour ? "\033[1m" : "", eng_question_text(q),
            a->colour ? "\033[0m" : "");
    eng_qtype t = eng_question_type(q);
    for (size_t i = 0; i < eng_question_option_count(q); i++) {
        const char *label;
        const char *v = eng_question_option(q, i, &label);
        fprintf(fp, "  %2zu) %s%s%s%s\n", i + 1, label, strcmp(label, v) ? " [" : "",
                strcmp(label, v) ? v : "", strcmp(label, v) ? "]" : "");
    }
    switch (t) {
    case ENG_Q_ONE: fputs("(one number or value", fp); break;
    case ENG_Q_MANY: fputs("(one or more numbers or values, e.g. 1,3", fp); break;
    case ENG_Q_YESNO: fputs("(yes or no", fp); break;
    case ENG_Q_NUMBER: {
        char what[160];
        fprintf(fp, "(%s", eng_question_number_text(q, what, sizeof what));
        break;
    }
    default: fputs("(text", fp); break;
    }
    fputs("; ? help, why, back, skip, quit)\n", fp);
}

static void show_help(const eng_question *q)
{
    const char *h = eng_question_help(q);
    printf("%s\n", h[0] ? h : "There is no help text for this question.");
}

/* Saves the conclusions with their derivations; FINISHED marks the end.
 * ENG_OK, or a kb_store status with A->err saying what failed. */
static int save_conclusions(asker *a, int finished)
{
    static const char *const rels[] = {"situation", "maturity", "model", "need",
                                       "finance", "advice", "journey"};
    kb_conclusion *c = NULL;
    size_t n = 0, cap = 0;
    int rc = ENG_OK;
    for (const eng_fact *f = eng_fact_next(a->e, NULL); f; f = eng_fact_next(a->e, f)) {
        const char *rel = eng_value_text(a->e, eng_fact_value(f, 0), NULL);
        int keep = 0;
        for (size_t i = 0; i < sizeof rels / sizeof *rels; i++)
            keep |= !strcmp(rel, rels[i]);
        if (!keep)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            kb_conclusion *v = realloc(c, cap * sizeof *v);
            if (!v) {
                rc = ENG_ENOMEM;
                break;
            }
            c = v;
        }
        size_t flen = eng_fact_format(a->e, f, NULL, 0);
        char *fact = malloc(flen + 1);
        if (!fact) {
            rc = ENG_ENOMEM;
            break;
        }
        eng_fact_format(a->e, f, fact, flen + 1);
        char *tree = NULL;
        size_t tlen = 0;
        FILE *mem = open_memstream(&tree, &tlen);
        if (!mem) {
            free(fact);
            rc = ENG_ENOMEM;
            break;
        }
        int hrc = cli_how(mem, a->e, f);
        /* the stream grows its buffer as it is written: a failed write is
         * memory that ran out */
        if (ferror(mem))
            hrc = ENG_ENOMEM;
        if (fclose(mem))
            hrc = ENG_ENOMEM;
        c[n].fact = fact;
        c[n].derivation = tree;
        n++;
        if (hrc || !tree) {
            rc = ENG_ENOMEM;
            break;
        }
    }
    if (rc == ENG_OK)
        rc = kb_store_conclusions_put(a->st, a->id, c, n, finished, a->kbsaved,
                                      a->fingerprint, a->err, sizeof a->err);
    else
        snprintf(a->err, sizeof a->err, "out of memory");
    for (size_t i = 0; i < n; i++) {
        free(c[i].fact);
        free(c[i].derivation);
    }
    free(c);
    return rc;
}

static void how_to_return(const asker *a, int finished)
{
    if (finished)
        printf("\nThis advice is saved as session %lld.  To see it again:\n"
               "  " PROG " sessions show %lld\n"
               "  " PROG " explain --session %lld 'situation primary ?'   (how it was reached)\n"
               "  " PROG " sessions export %lld -o answers.ini   (the answers, for advise)\n",
               a->id, a->id, a->id, a->id);
    else {
        size_t skipped = skipped_count(a), n = a->n - skipped;
        char also[48] = "";
        if (skipped)
            snprintf(also, sizeof also, ", %zu skipped", skipped);
        printf("\nSaved as session %lld (%zu answer%s%s).  Continue with:\n"
               "  " PROG " ask --resume %lld\n", a->id, n, n == 1 ? "" : "s", also, a->id);
    }
}

/* Loads the session's answers; an answer that no longer fits the
 * knowledge base stays in the database but is asked again. */
static int load_answers(asker *a)
{
    kb_answer *v = NULL;
    size_t n = 0;
    int rc = kb_store_answers(a->st, a->id, &v, &n, a->err, sizeof a->err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && rc == ENG_OK; i++) {
        const eng_question *q = eng_question_find(a->e, v[i].question);
        if (!q) {
            cli_printf("note: the answer to '%s' is kept, but the knowledge base no longer has that question",
                       v[i].question);
            continue;
        }
        if (v[i].value) {
            eng_value vals[ENG_MAX_VALUES];
            size_t nv;
            char err[ENG_ANSWER_ERR_SIZE];
            int prc = eng_answer_parse(a->e, q, v[i].value, vals, ENG_MAX_VALUES, &nv, err,
                                       sizeof err);
            if (prc == ENG_ENOMEM) {
                rc = prc;
                break;
            }
            if (prc) {
                cli_printf("note: the saved answer to '%s' no longer fits (%s): it will be asked again",
                           v[i].question, err);
                continue;
            }
        }
        if (ans_set(a, v[i].question, v[i].value))
            rc = ENG_ENOMEM;
    }
    kb_answers_free(v, n);
    return rc;
}

/* Claims session a->id for this process (see kb_store_session_claim):
 * 0, or the exit status after saying why not, 75 when another `ask` is
 * filling it. */
static int claim(asker *a)
{
    int rc = kb_store_session_claim(a->st, a->id, a->err, sizeof a->err);
    if (!rc)
        return 0;
    cli_errorf(PROG ": %s", a->err);
    return rc == ENG_ESTATE ? EX_TEMPFAIL : EX_IOERR;
}

/* Resumes session ID (0: the latest) when RESUME, else starts one. */
static int resume_or_start(asker *a, const char *dbpath, int resume, long long id,
                           const char *respondent)
{
    if (resume) {
        kb_session_info si;
        memset(&si, 0, sizeof si);
        int rc = kb_store_session_get(a->st, id, &si, a->err, sizeof a->err);
        if (rc == ENG_EINVAL) {
            if (id)
                cli_no_session(dbpath, id);
            else
                cli_errorf(PROG ": there are no sessions in %s, so none to resume ('" PROG
                        " ask' without --resume starts one)", dbpath);
            return EX_NOINPUT;
        }
        if (rc) {
            cli_errorf(PROG ": %s", a->err);
            return store_exit(rc);
        }
        a->id = si.id;
        if ((rc = claim(a)) != 0) {
            kb_session_info_clear(&si);
            return rc;
        }
        printf("Resuming session %lld%s%s%s.\n", si.id, si.respondent[0] ? " (" : "",
               si.respondent, si.respondent[0] ? ")" : "");
        if (strcmp(si.fingerprint, a->fingerprint))
            printf("The knowledge base has changed since this session was saved (%s, now %s):\n"
                   "its answers are run again under the new knowledge base.\n",
                   si.fingerprint, a->fingerprint);
        kb_session_info_clear(&si);
        rc = load_answers(a);
        if (rc) {
            /* ENG_EINVAL: deleted by another process since it was found */
            cli_errorf(PROG ": %s", rc == ENG_ENOMEM ? "out of memory" : a->err);
            return rc == ENG_ENOMEM ? EX_OSERR : rc == ENG_EINVAL ? EX_NOINPUT : EX_IOERR;
        }
        return 0;
    }
    int rc = kb_store_session_new(a->st, respondent ? respondent : "", a->kbsaved,
                                  a->fingerprint, &a->id, a->err, sizeof a->err);
    if (rc) {
        cli_errorf(PROG ": %s", a->err);
        return store_exit(rc);
    }
    if ((rc = claim(a)) != 0)
        return rc;
    printf("Session %lld started; every answer is saved as you go.\n", a->id);
    return 0;
}

/* Leaving before the end (quit, end of input, Ctrl-C): the conclusions
 * so far are saved too.  Returns EXITC, or the status of a failure. */
static int leave(asker *a, int exitc)
{
    if (a->npend) {
        /* answers `back` went past are still saved: the conclusions
         * saved with them must be theirs */
        if (pend_restore(a))
            return out_of_memory(a);
        int rrc = replay(a);
        if (rrc) {
            cli_diags(a->e, 0);
            return rrc == ENG_ENOMEM ? out_of_memory(a) : cli_exit(rrc);
        }
    }
    int rc = save_conclusions(a, 0);
    if (rc)
        return save_failed(a, rc, "the conclusions so far", "The answers given are saved");
    how_to_return(a, 0);
    return exitc;
}

static int loop(asker *a)
{
    char *line = NULL;
    size_t cap = 0;
    const char *group = NULL;
    const eng_question *force = NULL;
    int exitc = 0;
    for (;;) {
        int rc = replay(a);
        if (rc) {
            /* off the prompt's line, which a script's answer did not end */
            putchar('\n');
            fflush(stdout);
            cli_diags(a->e, 0);
            if (rc == ENG_ENOMEM) {
                exitc = out_of_memory(a);
            } else {
                exitc = cli_exit(rc);
                fprintf(stderr, PROG ": the rules stopped on the answers (the error above is "
                        "in the knowledge base); the answers given so far are saved in session "
                        "%lld: once the knowledge base is fixed, continue with\n  " PROG
                        " ask --resume %lld\n", a->id, a->id);
            }
            break;
        }
        const eng_question *q = force ? force : kb_next_question(a->k);
        if (a->watch & CLI_WATCH_QUESTIONS) {
            if (q)
                fprintf(stderr, "QUESTION %s: %s\n", eng_question_id(q),
                        force ? "asked again (back)"
                              : "the first unanswered question whose ask_if holds and that a rule still able to fire reads");
            else
                fprintf(stderr, "QUESTION none: no unanswered question can change the advice\n");
        }
        force = NULL;
        if (!q && a->npend) {
            /* nothing more to ask without the answers `back` went past
             * and that were not given again: they are still saved, so
             * they count (and may make more questions matter) */
            if (pend_restore(a)) {
                exitc = out_of_memory(a);
                break;
            }
            continue;
        }
        if (!q) {
            kb_report *rep = NULL;
            char label[64];
            snprintf(label, sizeof label, "session %lld", a->id);
            if ((rc = kb_report_build(a->k, label, &rep))) {
                exitc = out_of_memory(a);
                break;
            }
            printf("\nThat was the last question that can change the advice.\n\n");
            cli_report_text(stdout, rep, a->colour);
            kb_report_free(rep);
            if ((rc = save_conclusions(a, 1))) {
                exitc = save_failed(a, rc, "the advice",
                                    "The answers are saved, and resuming saves the advice");
                break;
            }
            how_to_return(a, 1);
            break;
        }
        show_question(a, q, &group);
    prompt:
        fputs("> ", stdout);
        if (fflush(stdout) == EOF || ferror(stdout)) {
            /* nobody sees the questions: answers read now would answer
             * questions that were never shown */
            int err = errno;
            fprintf(stderr, PROG ": ask: cannot write to standard output: %s; the answers "
                    "given so far are saved: continue with\n  " PROG " ask --resume %lld\n",
                    strerror(err), a->id);
            exitc = leave(a, EX_IOERR);
            break;
        }
        /* a Ctrl-C that came while the question was being prepared: the
         * read below would not see it and wait for input (only a signal
         * during the read itself interrupts it) */
        ssize_t got = -1;
        errno = EINTR;
        if (!interrupted) {
            errno = 0;
            got = getline(&line, &cap, stdin);
        }
        if (got < 0) {
            if (errno == ENOMEM) {
                exitc = out_of_memory(a);
            } else if (interrupted || errno == EINTR) {
                printf("\nInterrupted.");
                exitc = leave(a, 130);
            } else if (ferror(stdin)) {
                /* not the end of the answers: they could not be read */
                int err = errno;
                putchar('\n');
                fprintf(stderr, PROG ": ask: cannot read standard input: %s\n", strerror(err));
                exitc = leave(a, EX_NOINPUT);
            } else {
                putchar('\n');
                exitc = leave(a, 0);
            }
            break;
        }
        /* the line is read as a string: a NUL byte would cut it short */
        if (memchr(line, '\0', (size_t)got)) {
            printf("Not an answer to this question: the line holds a NUL byte.  Try again "
                   "(or ? for help).\n");
            goto prompt;
        }
        char *in = trim(line);
        if (!*in)
            goto prompt;
        if (!strcmp(in, "?") || ieq(in, "help")) {
            show_help(q);
            goto prompt;
        }
        if (ieq(in, "why")) {
            if (cli_why(stdout, a->k, q)) {
                exitc = out_of_memory(a);
                break;
            }
            goto prompt;
        }
        if (ieq(in, "quit") || ieq(in, "exit")) {
            exitc = leave(a, 0);
            break;
        }
        if (ieq(in, "back")) {
            if (!a->n) {
                printf("There is no earlier answer to go back to.\n");
                goto prompt;
            }
            if (pend_push(a)) {
                exitc = out_of_memory(a);
                break;
            }
            const ans *last = &a->pend[a->npend - 1];
            cli_printf("Back to '%s' (it was: %s; that answer stays saved until you give another).",
                       last->qid, last->value ? last->value : "skipped");
            force = eng_question_find(a->e, last->qid);
            continue;
        }
        const char *value = NULL;
        char *norm = NULL;
        if (ieq(in, "skip")) {
            value = NULL;
        } else {
            char err[ENG_ANSWER_ERR_SIZE];
            rc = normalise(a->e, q, in, &norm, err, sizeof err);
            if (rc == ENG_ENOMEM) {
                exitc = out_of_memory(a);
                break;
            }
            if (rc) {
                fputs("Not an answer to this question: ", stdout);
                cli_put_visible(stdout, err);
                fputs(".  Try again (or ? for help).\n", stdout);
                goto prompt;
            }
            value = norm;
        }
        /* saved before anything else happens, and before the next question */
        rc = kb_store_answer_put(a->st, a->id, eng_question_id(q), value, a->err, sizeof a->err);
        if (rc) {
            free(norm);
            exitc = save_failed(a, rc, "the answer", "The answers given before it are safe");
            break;
        }
        pend_drop(a, eng_question_id(q));
        rc = ans_set(a, eng_question_id(q), value);
        free(norm);
        if (rc) {
            exitc = out_of_memory(a);   /* the answer itself is saved */
            break;
        }
    }
    free(line);
    return exitc;
}

int cmd_ask(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", "--db", "--respondent", "--watch", NULL};
    /* --resume [ID]: --resume=ID, or the ID as the next argument below */
    static const char *const opt_value[] = {"--resume", NULL};
    static const char *const flags[] = {"-h|--help", "--script", NULL};
    cli_args args = {.argc = argc, .argv = argv, .cmd = "ask", .with_value = with_value,
                     .opt_value = opt_value, .flags = flags};
    const char *kbdir = NULL, *db = NULL, *respondent = NULL, *resume_id = NULL, *opt, *val;
    int resume = 0, script = 0, r;
    int resume_at = 0;      /* where a --resume without '=' is: an ID may follow */
    unsigned watch = 0;
    while ((r = cli_next(&args, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG) {
            if (resume_at && args.i == resume_at + 1) {
                resume_id = val;
                continue;
            }
            cli_usage("ask: unexpected argument '%s'", val);
            return EX_USAGE;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(ask_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "--kb")) {
            if (cli_name_given("ask", opt, CLI_NAME_KB, val))
                return EX_USAGE;
            kbdir = val;
        } else if (!strcmp(opt, "--db")) {
            if (!*val) {
                cli_usage("ask: --db needs a file name");
                return EX_USAGE;
            }
            db = val;
        } else if (!strcmp(opt, "--respondent")) {
            if (!*val) {
                cli_usage("ask: --respondent needs a name (leave it out for a session "
                          "without one)");
                return EX_USAGE;
            }
            /* the label reaches reports, JSON and the terminal as it is */
            if (!cli_printable(val)) {
                cli_usage("ask: --respondent takes a name as printable text (UTF-8, "
                          "without control characters such as line breaks)");
                return EX_USAGE;
            }
            respondent = val;
        } else if (!strcmp(opt, "--resume")) {
            resume = 1;
            resume_id = val;        /* NULL: the latest, or the next argument */
            if (!val)
                resume_at = args.i;
        } else if (!strcmp(opt, "--script")) {
            script = 1;
        } else if (!strcmp(opt, "--watch")) {
            if (cli_watch_parse("ask", val, CLI_WATCH_ALL, &watch))
                return EX_USAGE;
        } else if (resume_at && args.i == resume_at + 1 && isdigit((unsigned char)opt[1])) {
            /* "--resume -1": a session number gone wrong, not an option */
            cli_usage("ask: --resume takes a session number or 'latest', not '%s'", argv[args.i]);
            return EX_USAGE;
        } else {
            cli_usage("ask: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    long long resume_from = 0;      /* 0: the latest session */
    if (resume_id && cli_session_id(resume_id, &resume_from)) {
        cli_usage("ask: --resume takes a session number or 'latest', not '%s'", resume_id);
        return EX_USAGE;
    }
    if (respondent && resume) {
        cli_usage("ask: --respondent is for a new session; a resumed session keeps its own "
                  "label");
        return EX_USAGE;
    }
    if (cli_std_closed & 1u) {
        fprintf(stderr, PROG ": ask: cannot read the answers: standard input is closed\n");
        return EX_NOINPUT;
    }
    if (!script && !isatty(STDIN_FILENO)) {
        fprintf(stderr, PROG ": ask: standard input is not a terminal, so nobody can answer.\n"
                "Run it in a terminal; for answers in a file use '" PROG " advise FILE';\n"
                "to type answers through a pipe anyway, add --script.\n");
        return EX_USAGE;
    }
    asker a;
    memset(&a, 0, sizeof a);
    a.kbpath = cli_kb_path(kbdir);
    a.colour = cli_colour(stdout);
    int status, exitc = 0;
    a.k = kb_open(a.kbpath, &cli_advice_config, &status);
    if (!a.k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    a.e = kb_engine(a.k);
    cli_diags(a.e, 0);
    if (status || (status = kb_questions_index(a.k))) {
        exitc = cli_exit(status);
        goto done;
    }
    if ((status = kb_fingerprint(a.kbpath, a.fingerprint, sizeof a.fingerprint))) {
        if (status == ENG_ENOMEM) {
            exitc = cli_exit(status);
            goto done;
        }
        cli_errorf(PROG ": cannot read the knowledge base %s to fingerprint it", a.kbpath);
        exitc = EX_NOINPUT;
        goto done;
    }
    /* absolute, so that `sessions show` finds it again from anywhere */
    char *abs = realpath(a.kbpath, NULL);
    snprintf(a.kbsaved, sizeof a.kbsaved, "%s",
             abs && strlen(abs) < sizeof a.kbsaved ? abs : a.kbpath);
    free(abs);
    char dbbuf[4096];
    const char *dbpath = db ? db : kb_store_default_path(dbbuf, sizeof dbbuf);
    if (!dbpath) {
        fprintf(stderr, PROG ": no home directory to keep sessions in; give one with --db PATH\n");
        exitc = EX_USAGE;
        goto done;
    }
    struct stat sb;
    if (resume && stat(dbpath, &sb) && errno == ENOENT) {
        /* nothing to resume: the database is not made for that */
        cli_errorf(PROG ": no sessions database at %s, so no session to resume ('" PROG
                " ask' without --resume starts one there)", dbpath);
        exitc = EX_NOINPUT;
        goto done;
    }
    a.st = kb_store_open(dbpath, a.err, sizeof a.err);
    if (!a.st) {
        /* a file there that is no usable database is 66, as for every
         * command that reads one; one that cannot be made or written 74 */
        exitc = errno == ENOMEM ? EX_OSERR : errno == EINVAL ? EX_NOINPUT : EX_IOERR;
        cli_errorf(PROG ": %s", a.err);
        goto done;
    }
    if (kb_store_readonly(a.st)) {
        /* a questionnaire whose answers cannot be kept is not started */
        cli_errorf(PROG ": %s is read-only (the file, its directory or its file "
                "system): no answer could be saved.  Its sessions can still be read "
                "('" PROG " sessions --db %s list'); make it writable, or choose another "
                "file with --db", dbpath, dbpath);
        exitc = EX_IOERR;
        goto done;
    }
    exitc = resume_or_start(&a, dbpath, resume, resume_from, respondent);
    if (exitc)
        goto done;
    cli_watch w;
    cli_watch_start(&w, a.e, watch);
    a.watch = watch;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;        /* no SA_RESTART: the prompt's read returns */
    sigaction(SIGINT, &sa, NULL);
    exitc = loop(&a);
    signal(SIGINT, SIG_DFL);
done:
    ans_free(&a);
    kb_store_close(a.st);
    kb_close(a.k);
    return exitc;
}
