/*
 * main.c -- the ldt-advisor command: parses the command line, dispatches
 * to a subcommand, prints diagnostics the way editors expect them.  The
 * only part of the program that talks to a person; it uses the kb layer
 * (kb/kb.h) and, through it, the engine's public header.
 *
 * Exit codes follow sysexits.h: 0 success, 64 usage, 65 bad knowledge
 * base or answers, 66 input not found or unreadable, 70 a run that did not
 * finish (firing limit, runtime error in a rule), 71 out of memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../kb/kb.h"

#define PROG "ldt-advisor"

static int use_colour(FILE *fp)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    return isatty(fileno(fp));
}

/* Prints every diagnostic as PATH:LINE:COL: severity: message, with the
 * source line and a caret under the culprit where known. */
static void print_diag_list(eng_engine *e, size_t from)
{
    int colour = use_colour(stderr);
    for (size_t i = from; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        const char *sev = d->severity == ENG_ERROR ? "error"
                        : d->severity == ENG_WARNING ? "warning" : "note";
        const char *on = !colour ? ""
                       : d->severity == ENG_ERROR ? "\033[1;31m"
                       : d->severity == ENG_WARNING ? "\033[1;35m" : "\033[1;36m";
        const char *off = colour ? "\033[0m" : "";
        char loc[64] = "";
        if (d->line > 0 && d->col > 0)
            snprintf(loc, sizeof loc, ":%d:%d", d->line, d->col);
        else if (d->line > 0)
            snprintf(loc, sizeof loc, ":%d", d->line);
        if (d->path[0])
            fprintf(stderr, "%s%s: ", d->path, loc);
        fprintf(stderr, "%s%s:%s %s\n", on, sev, off, d->message);
        if (d->source && d->col > 0 && (size_t)d->col <= strlen(d->source) + 1) {
            fprintf(stderr, "    %s\n    ", d->source);
            for (int c = 1; c < d->col; c++)
                fputc(d->source[c - 1] == '\t' ? '\t' : ' ', stderr);
            int span = d->span;
            int room = (int)strlen(d->source) - d->col + 1;
            if (span > room)
                span = room > 1 ? room : 1;
            for (int c = 0; c < span; c++)
                fputc('^', stderr);
            fputc('\n', stderr);
        }
    }
}

static int exit_for(int status)
{
    switch (status) {
    case ENG_OK: return 0;
    case ENG_ENOMEM: return EX_OSERR;
    case ENG_EIO: return EX_NOINPUT;
    case ENG_ELIMIT: case ENG_ERUNTIME: return EX_SOFTWARE;
    default: return EX_DATAERR;
    }
}

static void usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
}

/* ------------------------------------------------------------ facts */

static const char facts_help[] =
    "Usage: " PROG " facts [OPTIONS] KB [ANSWERS_FILE [RESPONDENT]]\n"
    "\n"
    "Loads the knowledge base KB (a directory of .ini files, or one file),\n"
    "asserts the answers of ANSWERS_FILE if given, runs the rules to\n"
    "quiescence and prints every fact in working memory, one per line,\n"
    "sorted bytewise.  With an answers file and no RESPONDENT, every\n"
    "respondent runs in turn from a reset and each line starts with the\n"
    "respondent's name.\n"
    "\n"
    "Options:\n"
    "  --strategy depth|breadth  order of activations of equal salience\n"
    "                            (default depth)\n"
    "  --max-firings N           stop a run after N firings (default 100000)\n"
    "  --watch                   print each firing to stderr\n"
    "  -h, --help                show this help\n"
    "\n"
    "Exit status: 0 success, 64 usage, 65 errors in the knowledge base or\n"
    "answers, 66 a file that cannot be read, 70 firing limit or runtime\n"
    "error, 71 out of memory.\n";

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

typedef struct watch {
    eng_engine *e;
    long n;
} watch;

static void on_event(void *ud, const eng_event *ev)
{
    watch *w = ud;
    if (ev->kind != ENG_EV_FIRE)
        return;
    fprintf(stderr, "FIRE %5ld %s:", ++w->n, eng_rule_name(ev->rule));
    for (size_t i = 0; i < ev->nfacts; i++) {
        char buf[512];
        eng_fact_format(w->e, ev->facts[i], buf, sizeof buf);
        fprintf(stderr, "%s f-%llu (%s)", i ? "," : "",
                (unsigned long long)eng_fact_id(ev->facts[i]), buf);
    }
    fputc('\n', stderr);
}

static int collect_facts(eng_engine *e, lines *out, const char *prefix)
{
    char stackbuf[1024];
    for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
        size_t need = eng_fact_format(e, f, stackbuf, sizeof stackbuf);
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

static int cmd_facts(int argc, char **argv)
{
    const char *pos[3] = {NULL, NULL, NULL};
    int npos = 0, watching = 0, only_pos = 0;
    long maxf = 0;
    eng_strategy strat = ENG_DEPTH;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = 1;
        } else if (!only_pos && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            fputs(facts_help, stdout);
            return 0;
        } else if (!only_pos && !strcmp(a, "--watch")) {
            watching = 1;
        } else if (!only_pos && (!strncmp(a, "--strategy", 10) ||
                                 !strncmp(a, "--max-firings", 13))) {
            const char *val = strchr(a, '=');
            int isstrat = !strncmp(a, "--strategy", 10);
            size_t optlen = isstrat ? 10 : 13;
            if (a[optlen] != '\0' && a[optlen] != '=') {
                usage_error("facts: unknown option '%s'", a);
                return EX_USAGE;
            }
            if (val) {
                val++;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                usage_error("facts: option '%s' needs a value", a);
                return EX_USAGE;
            }
            if (isstrat) {
                if (!strcmp(val, "depth")) strat = ENG_DEPTH;
                else if (!strcmp(val, "breadth")) strat = ENG_BREADTH;
                else {
                    usage_error("facts: --strategy takes depth or breadth, not '%s'", val);
                    return EX_USAGE;
                }
            } else {
                char *end;
                errno = 0;
                maxf = strtol(val, &end, 10);
                if (errno || *end || end == val || maxf <= 0) {
                    usage_error("facts: --max-firings takes a positive whole number, not '%s'",
                                val);
                    return EX_USAGE;
                }
            }
        } else if (!only_pos && a[0] == '-' && a[1]) {
            usage_error("facts: unknown option '%s'", a);
            return EX_USAGE;
        } else {
            if (npos == 3) {
                usage_error("facts: too many arguments (starting at '%s')", a);
                return EX_USAGE;
            }
            pos[npos++] = a;
        }
    }
    if (!npos) {
        usage_error("facts: %s", "missing the knowledge base (a directory or .ini file)");
        return EX_USAGE;
    }
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
    print_diag_list(e, 0);
    if (status) {
        exitc = exit_for(status);
        goto done;
    }
    eng_set_strategy(e, strat);
    watch w = {e, 0};
    if (watching)
        eng_set_listener(e, on_event, &w);
    if (pos[1]) {
        ans = eng_answers_read(e, pos[1]);
        print_diag_list(e, shown);
        shown = eng_diag_count(e);
        if (!ans) {
            exitc = EX_NOINPUT;
            goto done;
        }
        size_t from = 0, to = eng_answers_count(ans);
        if (pos[2]) {
            for (from = 0; from < to; from++)
                if (!strcmp(eng_answers_name(ans, from), pos[2]))
                    break;
            if (from == to) {
                fprintf(stderr, "%s: error: no respondent '%s' in this file (it has %zu)\n",
                        pos[1], pos[2], to);
                exitc = EX_DATAERR;
                goto done;
            }
            to = from + 1;
        }
        for (size_t i = from; i < to; i++) {
            if (!eng_answers_valid(ans, i)) {
                exitc = EX_DATAERR;
                continue;
            }
            rc = run_one(e, ans, i, maxf);
            print_diag_list(e, shown);
            shown = eng_diag_count(e);
            if (rc) {
                if (rc == ENG_ENOMEM) {
                    exitc = EX_OSERR;
                    goto done;
                }
                if (!exitc)
                    exitc = exit_for(rc);
                continue;
            }
            if (collect_facts(e, &out, pos[2] ? NULL : eng_answers_name(ans, i))) {
                exitc = EX_OSERR;
                goto done;
            }
        }
    } else {
        rc = run_one(e, NULL, 0, maxf);
        print_diag_list(e, shown);
        if (rc) {
            exitc = exit_for(rc);
            goto done;
        }
        if (collect_facts(e, &out, NULL)) {
            exitc = EX_OSERR;
            goto done;
        }
    }
    qsort(out.v, out.n, sizeof *out.v, cmp_line);
    for (size_t i = 0; i < out.n; i++)
        puts(out.v[i]);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno));
        exitc = EX_IOERR;
    }
done:
    lines_free(&out);
    eng_answers_free(ans);
    kb_close(k);
    return exitc;
}

/* ------------------------------------------------------------ main */

static const char main_help[] =
    "Usage: " PROG " COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A starter kit for Local Digital Twins: turns a questionnaire's answers\n"
    "into advice with a forward-chaining rule engine.\n"
    "\n"
    "Commands:\n"
    "  facts KB [ANSWERS [RESPONDENT]]   run the rules, print working memory\n"
    "\n"
    "Run '" PROG " COMMAND --help' for a command's options.\n"
    "  -h, --help      show this help\n"
    "  -V, --version   show the version\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf(PROG " %s (engine %s)\n", KB_VERSION, ENG_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "facts"))
        return cmd_facts(argc - 1, argv + 1);
    usage_error("unknown command '%s'", cmd);
    return EX_USAGE;
}
