/*
 * lint.c -- `ldt-advisor lint`: everything loading reports about a
 * knowledge base, plus the rule-authoring checks of kb_lint (kb/lint.c
 * defines them), printed as PATH:LINE:COL: error|warning: message with the
 * source line and a caret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

static const char lint_help[] =
    "Usage: " PROG " lint [OPTIONS] [KB]\n"
    "\n"
    "Checks the knowledge base KB (a directory of .ini files, or one file;\n"
    "default as for advise): everything loading reports, and then\n"
    "  - relations read but never asserted (with \"did you mean\"), and so\n"
    "    rules that can never fire and questions that can never be asked;\n"
    "  - 'not' conditions on a relation nothing asserts (always true);\n"
    "  - questions that no rule and no ask_if reads;\n"
    "  - catalogue entries that nothing refers to;\n"
    "  - rules that can retrigger each other without end;\n"
    "  - rules of the same salience that conclude different values of\n"
    "    'situation primary', 'maturity band' or 'model primary'.\n"
    "Each finding is printed to standard error as\n"
    "PATH:LINE:COL: error|warning: message, with the source line and a caret.\n"
    "The checks after loading run once the knowledge base loads without\n"
    "errors.\n"
    "\n"
    "Options:\n"
    "  --kb DIR      the knowledge base (the same as the KB argument)\n"
    "  --strict      exit 1 when there are warnings\n"
    "  -h, --help    show this help\n"
    "\n"
    "Exit status: 0 clean (or warnings only, without --strict), 1 warnings\n"
    "with --strict, 64 usage, 65 errors in the knowledge base, 66 a file\n"
    "that cannot be read, 71 out of memory.\n";

/* Source lines of files, read once, for diagnostics that came without
 * their line. */
typedef struct srcfile {
    char *path;
    char *buf;
    size_t len;
} srcfile;

typedef struct sources {
    srcfile *v;
    size_t n;
} sources;

static const srcfile *source_get(sources *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].path, path))
            return &s->v[i];
    srcfile *v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    s->v = v;
    srcfile *f = &v[s->n];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path)))
        return NULL;
    s->n++;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return f;
    size_t cap = 0, got;
    do {
        if (f->len + 4097 > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(f->buf, ncap);
            if (!nb)
                break;
            f->buf = nb;
            cap = ncap;
        }
        got = fread(f->buf + f->len, 1, cap - f->len - 1, fp);
        f->len += got;
    } while (got > 0);
    fclose(fp);
    if (f->buf)
        f->buf[f->len] = '\0';
    return f;
}

static void sources_free(sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].buf);
    }
    free(s->v);
}

/* Line LINE of PATH into BUF (without its newline), or NULL. */
static const char *source_line(sources *s, const char *path, int line, char *buf,
                               size_t size)
{
    const srcfile *f = source_get(s, path);
    if (!f || !f->buf || line < 1)
        return NULL;
    const char *p = f->buf, *end = f->buf + f->len;
    for (int l = 1; l < line; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return NULL;
        p++;
    }
    size_t n = strcspn(p, "\r\n");
    if (n > 1000)
        n = 1000;       /* as the engine: a caret under a huge line helps nobody */
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static int wordch(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '-' || c == '?' ||
           (unsigned char)c >= 0x80;
}

/* The length of what starts at S: a [section header], a "string", or a
 * word (a name, a variable); else 1. */
static int span_at(const char *s)
{
    const char *t = s;
    if (*t == '[') {
        const char *close = strchr(t, ']');
        return close ? (int)(close - t) + 1 : 1;
    }
    if (*t == '"') {
        for (t++; *t && *t != '"'; t++)
            if (*t == '\\' && t[1])
                t++;
        return (int)(t - s) + (*t == '"');
    }
    while (wordch(*t))
        t++;
    return t > s ? (int)(t - s) : 1;
}

/* As cli_diags, and for a diagnostic without its source line (those the
 * kb layer adds), reads the line from the file and puts the caret under
 * the word at the column. */
static void lint_diags(eng_engine *e, size_t from)
{
    int colour = cli_colour(stderr);
    sources src = {NULL, 0};
    char linebuf[1024];
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
        const char *source = d->source;
        int span = d->span;
        if (!source && d->path[0] && d->line > 0 && d->col > 0) {
            source = source_line(&src, d->path, d->line, linebuf, sizeof linebuf);
            if (source && (size_t)d->col <= strlen(source))
                span = span_at(source + d->col - 1);
        }
        if (source && d->col > 0 && (size_t)d->col <= strlen(source) + 1) {
            fprintf(stderr, "    %s\n    ", source);
            for (int c = 1; c < d->col; c++)
                fputc(source[c - 1] == '\t' ? '\t' : ' ', stderr);
            int room = (int)strlen(source) - d->col + 1;
            if (span > room)
                span = room > 1 ? room : 1;
            if (span < 1)
                span = 1;
            for (int c = 0; c < span; c++)
                fputc('^', stderr);
            fputc('\n', stderr);
        }
    }
    sources_free(&src);
}

int cmd_lint(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", NULL};
    cli_args a = {argc, argv, 0, 0, "lint", with_value};
    const char *kbdir = NULL, *opt, *val;
    int strict = 0, r;
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG) {
            if (kbdir) {
                cli_usage("lint: too many arguments: one knowledge base at a time");
                return EX_USAGE;
            }
            kbdir = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(lint_help, stdout);
            return 0;
        } else if (!strcmp(opt, "--kb")) {
            if (kbdir) {
                cli_usage("lint: too many arguments: one knowledge base at a time");
                return EX_USAGE;
            }
            kbdir = val;
        } else if (!strcmp(opt, "--strict")) {
            strict = 1;
        } else {
            cli_usage("lint: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    int status;
    kb *k = kb_open(cli_kb_path(kbdir), NULL, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    eng_engine *e = kb_engine(k);
    int exitc = 0;
    if (status == ENG_EIO || status == ENG_ENOMEM) {
        exitc = cli_exit(status);
    } else if (eng_error_count(e) || status) {
        eng_diag_add(e, ENG_NOTE, "", 0, 0,
                     "the other lint checks run once the knowledge base loads without errors");
        exitc = EX_DATAERR;
    } else if (kb_lint(k, NULL) == ENG_ENOMEM) {
        exitc = EX_OSERR;
    }
    lint_diags(e, 0);
    if (exitc == EX_OSERR)
        fprintf(stderr, PROG ": out of memory\n");
    if (!exitc && strict) {
        for (size_t i = 0; i < eng_diag_count(e); i++)
            if (eng_diag_at(e, i)->severity == ENG_WARNING)
                exitc = 1;
    }
    kb_close(k);
    return exitc;
}
