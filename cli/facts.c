/*
 * facts.c -- `ldt-advisor facts`: runs a knowledge base (and answers) and
 * prints working memory, sorted (or in time-tag order).  The engine's own command: no LDT domain
 * beyond the catalogue kinds the kb layer knows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

/* ------------------------------------------------------------ facts */

static const char facts_help[] =
    "Usage: " PROG " facts [OPTIONS] KB [ANSWERS_FILE [RESPONDENT]]\n"
    "\n"
    "Loads the knowledge base KB (a directory of .ini files, or one file),\n"
    "asserts the answers of ANSWERS_FILE if given, runs the rules to\n"
    "quiescence and prints every fact in working memory, one per line,\n"
    "sorted bytewise.  With an answers file and no RESPONDENT, every\n"
    "respondent runs in turn from a reset and each line starts with the\n"
    "respondent's name.  ANSWERS_FILE '-' is standard input, and a pipe\n"
    "is read too.\n"
    "\n"
    "Options:\n"
    "  --strategy depth|breadth  order of activations of equal salience\n"
    "                            (default depth)\n"
    "  --max-firings N           stop a run after N firings (default 100000)\n"
    "  --unsorted                print the facts in the order they were\n"
    "                            asserted (time tags) instead of sorted:\n"
    "                            faster on big outputs\n"
    "  --watch                   print each firing to stderr\n"
    "  --watch=LIST              trace facts, rules, activations (comma-separated,\n"
    "                            or all) to stderr\n"
    "  -h, --help                show this help\n"
    "\n"
    "Exit status: 0 success, 64 usage, 65 errors in the knowledge base or\n"
    "answers, 66 a file that cannot be read, or a RESPONDENT that the\n"
    "answers file does not have, 70 firing limit or runtime error, 71 out\n"
    "of memory, 74 the output could not be written.\n";

static int facts_sorted = 1;    /* --unsorted clears it */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static int lines_add(lines *l, const char *prefix, const char *text)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    size_t pl = prefix ? strlen(prefix) + 1 : 0, tl = strlen(text);
    char *s = malloc(pl + tl + 1);
    if (!s)
        return -1;
    if (prefix) {
        memcpy(s, prefix, pl - 1);
        s[pl - 1] = ' ';
    }
    memcpy(s + pl, text, tl + 1);
    l->v[l->n++] = s;
    return 0;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints the collected lines sorted, and forgets them. */
static void flush_lines(lines *l)
{
    if (l->n && facts_sorted)
        qsort(l->v, l->n, sizeof *l->v, cmp_line);
    for (size_t i = 0; i < l->n; i++) {
        puts(l->v[i]);
        free(l->v[i]);
    }
    l->n = 0;
}

static const eng_answers *sort_ans;     /* for cmp_name (qsort has no context) */

static int cmp_name(const void *a, const void *b)
{
    return strcmp(eng_answers_name(sort_ans, *(const size_t *)a),
                  eng_answers_name(sort_ans, *(const size_t *)b));
}

static int collect_facts(eng_engine *e, lines *out, const char *prefix)
{
    char stackbuf[1024];
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        size_t need = eng_fact_format(e, f, stackbuf, sizeof stackbuf);
        if (!facts_sorted && need < sizeof stackbuf) {
            if (prefix) {
                fputs(prefix, stdout);
                putchar(' ');
            }
            puts(stackbuf);
            continue;
        }
        if (need < sizeof stackbuf) {
            if (lines_add(out, prefix, stackbuf))
                return ENG_ENOMEM;
            continue;
        }
        char *big = malloc(need + 1);
        if (!big)
            return ENG_ENOMEM;
        eng_fact_format(e, f, big, need + 1);
        int rc = lines_add(out, prefix, big);
        free(big);
        if (rc)
            return ENG_ENOMEM;
    }
    return ENG_OK;
}

/* Resets, asserts respondent I (or nobody when A is NULL), runs. */
static int run_one(eng_engine *e, const eng_answers *a, size_t i, long maxf)
{
    int rc = eng_reset(e);
    if (!rc && a)
        rc = eng_answers_assert(e, a, i);
    if (!rc)
        rc = eng_run(e, maxf, NULL);
    return rc;
}

int cmd_facts(int argc, char **argv)
{
    static const char *const with_value[] = {"--strategy", "--max-firings", NULL};
    /* --watch alone traces the firings; --watch=LIST what LIST names (the
     * next argument is the knowledge base, never a LIST) */
    static const char *const opt_value[] = {"--watch", NULL};
    static const char *const flags[] = {"-h|--help", "--unsorted", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "facts", .with_value = with_value,
                  .opt_value = opt_value, .flags = flags};
    const char *pos[3] = {NULL, NULL, NULL}, *opt, *val;
    int npos = 0, watching = 0, r;
    long maxf = 0;
    eng_strategy strat = ENG_DEPTH;
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG) {
            if (npos == 3) {
                cli_usage("facts: too many arguments (starting at '%s')", val);
                return EX_USAGE;
            }
            pos[npos++] = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(facts_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "--watch")) {
            unsigned m = CLI_WATCH_RULES;
            if (val && cli_watch_parse("facts", val, CLI_WATCH_ALL & ~CLI_WATCH_QUESTIONS, &m))
                return EX_USAGE;
            watching = (int)m;
        } else if (!strcmp(opt, "--unsorted")) {
            facts_sorted = 0;
        } else if (!strcmp(opt, "--strategy")) {
            if (!strcmp(val, "depth")) {
                strat = ENG_DEPTH;
            } else if (!strcmp(val, "breadth")) {
                strat = ENG_BREADTH;
            } else {
                cli_usage("facts: --strategy takes depth or breadth, not '%s'", val);
                return EX_USAGE;
            }
        } else if (!strcmp(opt, "--max-firings")) {
            char *end;
            errno = 0;
            maxf = strtol(val, &end, 10);
            if (errno || *end || end == val || maxf <= 0) {
                cli_usage("facts: --max-firings takes a positive whole number, not '%s'", val);
                return EX_USAGE;
            }
        } else {
            cli_usage("facts: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    if (!npos) {
        cli_usage("facts: %s", "missing the knowledge base (a directory or .ini file)");
        return EX_USAGE;
    }
    if (cli_name_given("facts", NULL, CLI_NAME_KB, pos[0]) ||
        (pos[1] && cli_name_given("facts", NULL, CLI_NAME_ANSWERS, pos[1])))
        return EX_USAGE;
    int status;
    kb *k = kb_open(pos[0], NULL, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    eng_engine *e = kb_engine(k);
    eng_answers *ans = NULL;
    lines out = {0};
    int rc = status, exitc = 0;
    size_t shown = eng_diag_count(e);
    cli_diags(e, 0);
    if (status) {
        exitc = cli_exit(status);
        goto done;
    }
    eng_set_strategy(e, strat);
    cli_watch w;
    if (watching)
        cli_watch_start(&w, e, (unsigned)watching);
    if (pos[1]) {
        ans = cli_answers_read(e, pos[1]);
        pos[1] = cli_answers_name(pos[1]);
        int oom = !ans && errno == ENOMEM;
        if (!ans) {
            cli_diags(e, shown);
            exitc = oom ? cli_exit(ENG_ENOMEM) : EX_NOINPUT;
            goto done;
        }
        size_t from = 0, to = eng_answers_count(ans);
        if (pos[2])
            for (from = 0; from < to; from++)
                if (!strcmp(eng_answers_name(ans, from), pos[2]))
                    break;
        /* errors of the file itself (a key before any section, a duplicate
         * respondent) belong to no respondent: they too make the exit status 65,
         * after the valid respondents are done.  With a respondent named,
         * the problems of the others' sections are not this command's. */
        if (pos[2] && eng_answers_report(e, ans, from) == ENG_ENOMEM) {
            cli_diags(e, shown);
            exitc = cli_exit(ENG_ENOMEM);
            goto done;
        }
        size_t file_errors = pos[2] ? cli_diags_one(e, shown, ans, pos[1], from)
                                    : cli_diags(e, shown);
        shown = eng_diag_count(e);
        if (file_errors)
            exitc = EX_DATAERR;
        if (pos[2]) {
            if (from == to) {
                cli_errorf("%s: error: no respondent '%s' in this file (it has %zu)",
                        pos[1], pos[2], to);
                exitc = EX_NOINPUT;     /* what was asked for is not there */
                goto done;
            }
            to = from + 1;
        }
        /* Respondents run in name order and each one's facts are printed
         * as soon as it is done: the lines all start with the name, so this
         * is the bytewise order of all lines, with the memory of one
         * respondent (names are symbols: no byte below the blank). */
        size_t *order = malloc((to - from + 1) * sizeof *order);
        if (!order) {
            exitc = cli_exit(ENG_ENOMEM);
            goto done;
        }
        for (size_t i = from; i < to; i++)
            order[i - from] = i;
        sort_ans = ans;
        qsort(order, to - from, sizeof *order, cmp_name);
        for (size_t oi = 0; oi < to - from; oi++) {
            size_t i = order[oi];
            const char *name = eng_answers_name(ans, i);
            /* a respondent left out is named, as advise names it */
            if (!eng_answers_valid(ans, i)) {
                cli_errorf("%s: note: respondent '%s' is left out because of %s", pos[1],
                        name, eng_answers_hidden(ans, i) && !pos[2]
                                  ? "errors in its answers (not all shown)" : "the errors above");
                exitc = EX_DATAERR;
                continue;
            }
            rc = run_one(e, ans, i, maxf);
            cli_diags(e, shown);
            shown = eng_diag_count(e);
            if (rc) {
                if (rc == ENG_ENOMEM) {
                    free(order);
                    exitc = cli_exit(rc);
                    goto done;
                }
                if (!exitc)
                    exitc = cli_exit(rc);
                /* the error printed above names a rule, not the respondent */
                cli_errorf("%s: note: respondent '%s' is left out because of the error above",
                        pos[1], name);
                continue;
            }
            if (collect_facts(e, &out, pos[2] ? NULL : name)) {
                free(order);
                exitc = cli_exit(ENG_ENOMEM);
                goto done;
            }
            flush_lines(&out);
        }
        free(order);
    } else {
        rc = run_one(e, NULL, 0, maxf);
        cli_diags(e, shown);
        if (rc) {
            exitc = cli_exit(rc);
            goto done;
        }
        if (collect_facts(e, &out, NULL)) {
            exitc = cli_exit(ENG_ENOMEM);
            goto done;
        }
    }
    flush_lines(&out);
    if (cli_flush_stdout())
        exitc = EX_IOERR;
done:
    lines_free(&out);
    eng_answers_free(ans);
    kb_close(k);
    return exitc;
}

