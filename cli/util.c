/*
 * util.c -- what every subcommand shares: diagnostics printed the way
 * editors expect them, exit codes, colour, the option scanner, and finding
 * the knowledge base.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"

int cli_colour(FILE *fp)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if ((nc && *nc) || (term && !strcmp(term, "dumb")))
        return 0;
    return isatty(fileno(fp));
}

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

/* Prints the diagnostics from FROM on that KEEP accepts (all when KEEP is
 * NULL). */
static size_t cli_diags_of(eng_engine *e, size_t from,
                           int (*keep)(const eng_diag *, void *), void *ud);

struct picked {
    const eng_answers *ans;
    const char *path;
    const char *pick;           /* a flag a respondent, or NULL: ... */
    size_t one;                 /* ... this respondent alone */
};

static int picked_keep(const eng_diag *d, void *ud)
{
    const struct picked *p = ud;
    if (d->line <= 0 || strcmp(d->path, p->path))
        return 1;
    long owner = eng_answers_owner(p->ans, d->line);
    /* the note of the errors left unreported: those of the respondents
     * named are reported in full (eng_answers_report), the others' are not
     * the command's, so it stays only for errors of the file itself */
    size_t file_errors;
    if (d->severity == ENG_NOTE && d->col <= 0 &&
        d->line == eng_answers_note(p->ans, &file_errors) && !file_errors)
        return 0;
    return owner < 0 || (p->pick ? p->pick[owner] != 0 : (size_t)owner == p->one);
}

size_t cli_diags(eng_engine *e, size_t from)
{
    return cli_diags_of(e, from, NULL, NULL);
}

/* Diagnostics of the answers file PATH in the section of a respondent
 * that PICK (one flag a respondent) leaves out are not the command's. */
size_t cli_diags_picked(eng_engine *e, size_t from, const eng_answers *ans,
                        const char *path, const char *pick)
{
    struct picked p = {ans, path, pick, 0};
    return cli_diags_of(e, from, picked_keep, &p);
}

size_t cli_diags_one(eng_engine *e, size_t from, const eng_answers *ans,
                     const char *path, size_t i)
{
    struct picked p = {ans, path, NULL, i};
    return cli_diags_of(e, from, picked_keep, &p);
}

/* Writes TEXT to FP with its control characters (but tabs) made visible,
 * so that bytes of a file or an answer cannot drive the terminal: as
 * \xHH when ESCAPED, else as '?', which keeps the column of each later
 * character (for the caret under a source line). */
static void put_visible(FILE *fp, const char *text, int escaped)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        /* the C1 controls U+0080 to U+009F, in UTF-8, drive some terminals too */
        int c1 = c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f;
        if (c1 && escaped)
            fprintf(fp, "\\x%02x\\x%02x", c[0], c[1]);
        else if (c1)
            fputc('?', fp);
        else if ((*c >= 0x20 && *c != 0x7f) || *c == '\t')
            fputc(*c, fp);
        else if (escaped)
            fprintf(fp, "\\x%02x", *c);
        else
            fputc('?', fp);
        c += c1;
    }
}

void cli_put_visible(FILE *fp, const char *text)
{
    put_visible(fp, text, 1);
}

/* Prints each diagnostic KEEP accepts as PATH:LINE:COL: severity:
 * message, with the source line and a caret under the culprit.  For a
 * diagnostic made without its source line (those the kb layer adds,
 * runtime errors), the line is read from the file and the caret put under
 * the word at the column. */
static size_t cli_diags_of(eng_engine *e, size_t from,
                           int (*keep)(const eng_diag *, void *), void *ud)
{
    size_t errors = 0;
    int colour = cli_colour(stderr);
    sources src = {NULL, 0};
    char linebuf[1024];
    for (size_t i = from; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
        if (keep && !keep(d, ud))
            continue;
        errors += d->severity == ENG_ERROR;
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
        if (d->path[0]) {
            put_visible(stderr, d->path, 1);
            fprintf(stderr, "%s: ", loc);
        }
        fprintf(stderr, "%s%s:%s ", on, sev, off);
        put_visible(stderr, d->message, 1);
        fputc('\n', stderr);
        const char *source = d->source;
        int span = d->span;
        if (!source && d->path[0] && d->line > 0 && d->col > 0) {
            source = source_line(&src, d->path, d->line, linebuf, sizeof linebuf);
            if (source && (size_t)d->col <= strlen(source))
                span = span_at(source + d->col - 1);
        }
        if (source && d->col > 0 && (size_t)d->col <= strlen(source) + 1) {
            /* columns count bytes; the caret line counts characters, so
             * that it stays under the culprit after UTF-8 text: a UTF-8
             * continuation byte (10xxxxxx) takes no column of its own */
            fputs("    ", stderr);
            put_visible(stderr, source, 0);
            fputs("\n    ", stderr);
            for (int c = 1; c < d->col; c++) {
                unsigned char ch = (unsigned char)source[c - 1];
                if (ch == '\t')
                    fputc('\t', stderr);
                else if ((ch & 0xc0) != 0x80)
                    fputc(' ', stderr);
            }
            int room = (int)strlen(source) - d->col + 1;
            if (span > room)
                span = room > 1 ? room : 1;
            if (span < 1)
                span = 1;
            const unsigned char *at = (const unsigned char *)source + d->col - 1;
            int carets = 0;
            for (int c = 0; c < span; c++)
                carets += !at[c] || (at[c] & 0xc0) != 0x80;
            for (int c = 0; c < (carets ? carets : 1); c++)
                fputc('^', stderr);
            fputc('\n', stderr);
        }
    }
    sources_free(&src);
    return errors;
}

int cli_exit(int status)
{
    switch (status) {
    case ENG_OK: return 0;
    case ENG_ENOMEM:
        /* the one failure that comes without a diagnostic to print */
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    case ENG_EIO: return EX_NOINPUT;
    case ENG_ELIMIT: case ENG_ERUNTIME: return EX_SOFTWARE;
    default: return EX_DATAERR;
    }
}

int cli_flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno ? errno : EIO));
        return EX_IOERR;
    }
    return 0;
}

int cli_store_empty(const char *path)
{
    struct stat sb;
    if (stat(path, &sb))
        return errno == ENOENT;
    if (!S_ISREG(sb.st_mode) || sb.st_size)
        return 0;
    /* an empty file with a write-ahead log is a database whose sessions
     * are all in the log: SQLite reads them (PATH is shorter than
     * PATH_MAX, since stat took it) */
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return stat(wal, &sb) ? errno == ENOENT : sb.st_size == 0;
}

int cli_store_open_existing(const char *path, int missing_ok, kb_store **st)
{
    struct stat sb;
    char err[1024];
    *st = NULL;
    if (missing_ok && cli_store_empty(path))
        return 0;
    /* kb_store_open would make it (and its directories): a reading
     * command has nothing to put there */
    if (stat(path, &sb) && errno == ENOENT) {
        fprintf(stderr,
                PROG ": no sessions database at %s ('" PROG " ask' saves sessions there); "
                "choose another with --db\n", path);
        return EX_NOINPUT;
    }
    /* nor would it write a database into an empty file for a reader */
    if (cli_store_empty(path)) {
        fprintf(stderr,
                PROG ": no sessions database at %s: the file is empty ('" PROG " ask' saves "
                "sessions there); choose another with --db\n", path);
        return EX_NOINPUT;
    }
    *st = kb_store_open_existing(path, err, sizeof err);
    if (!*st && missing_ok && errno == ENOENT)
        return 0;               /* an SQLite file with nothing in it */
    if (!*st) {
        int oom = errno == ENOMEM;
        cli_errorf(PROG ": %s", err);
        return oom ? EX_OSERR : EX_NOINPUT;
    }
    return 0;
}

int cli_session_id(const char *s, long long *id)
{
    *id = 0;
    if (!strcmp(s, "latest"))
        return 0;
    /* digits only: no sign, no blanks, no hexadecimal, nothing after */
    if (!*s || strspn(s, "0123456789") != strlen(s))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

void cli_no_session(const char *path, long long id)
{
    if (id)
        cli_errorf(PROG ": no session %lld in %s (see '" PROG " sessions list')", id,
                path);
    else
        cli_errorf(PROG ": there are no sessions in %s, so none is the latest ('" PROG
                " ask' saves sessions there)", path);
}

/* Formats FMT into a message and writes it to FP, its control characters
 * shown (the message quotes what was typed or read), then a newline. */
static void put_message(FILE *fp, const char *fmt, va_list ap)
{
    char small[512], *msg = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)))
        vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg)
        msg = small;    /* out of memory: the message cut short */
    put_visible(fp, n >= 0 ? msg : fmt, 1);
    fputc('\n', fp);
    if (msg != small)
        free(msg);
}

void cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    put_message(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '" PROG " --help' for more information.\n");
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_message(stderr, fmt, ap);
    va_end(ap);
}

void cli_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_message(stdout, fmt, ap);
    va_end(ap);
}


/* 1 when NAME is one of the spellings of ENTRY ("--kb", "-o|--output"). */
static int opt_is(const char *entry, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = entry;;) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncmp(p, name, n))
            return 1;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* The index of NAME in LIST, or -1. */
static int opt_find(const char *const *list, const char *name)
{
    for (int k = 0; list && list[k]; k++)
        if (opt_is(list[k], name))
            return k;
    return -1;
}

/* "option '--kb'", or "option '-o' or '--output'" for two spellings. */
static void opt_said(char *buf, size_t size, const char *entry)
{
    size_t len = strcspn(entry, "|");
    if (entry[len])
        snprintf(buf, size, "option '%.*s' or '%s'", (int)len, entry, entry + len + 1);
    else
        snprintf(buf, size, "option '%s'", entry);
}

int cli_next(cli_args *a, const char **opt, const char **val)
{
    *opt = *val = NULL;
    if (++a->i >= a->argc)
        return CLI_END;
    const char *s = a->argv[a->i];
    if (a->only_pos || s[0] != '-' || !s[1]) {
        *val = s;
        return CLI_ARG;
    }
    if (!strcmp(s, "--")) {
        a->only_pos = 1;
        return cli_next(a, opt, val);
    }
    static char name[64];
    const char *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : strlen(s);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, s, n);
    name[n] = '\0';
    *opt = name;
    int k = opt_find(a->with_value, name), optional = 0;
    const char *entry = k >= 0 ? a->with_value[k] : NULL;
    if (k < 0 && (k = opt_find(a->opt_value, name)) >= 0) {
        entry = a->opt_value[k];
        optional = 1;
    }
    if (!entry) {
        if (eq && opt_find(a->flags, name) >= 0) {
            cli_usage("%s: option '%s' takes no value", a->cmd, name);
            return CLI_ERR;
        }
        return CLI_OPT;         /* a flag, or one the caller calls unknown */
    }
    char said[160];
    opt_said(said, sizeof said, entry);
    /* (a command has far fewer than 32 options of either kind) */
    unsigned long long bit = 1ULL << ((optional ? 32 : 0) + (k & 31));
    if (a->seen & bit) {
        /* which one counts would be a guess */
        cli_usage("%s: %s is given twice; give it once", a->cmd, said);
        return CLI_ERR;
    }
    a->seen |= bit;
    if (eq) {
        *val = eq + 1;
    } else if (optional) {
        *val = NULL;
    } else if (a->i + 1 < a->argc && strncmp(a->argv[a->i + 1], "--", 2)) {
        *val = a->argv[++a->i];
    } else if (a->i + 1 < a->argc) {
        /* `--kb --format json`: the value was forgotten, not "--format" */
        cli_usage("%s: option '%s' needs a value before '%s' (a value that starts "
                  "with '--' is written %s=VALUE)", a->cmd, name, a->argv[a->i + 1], name);
        return CLI_ERR;
    } else {
        cli_usage("%s: option '%s' needs a value", a->cmd, name);
        return CLI_ERR;
    }
    return CLI_OPT;
}

#ifndef LDT_DATADIR
#define LDT_DATADIR "/usr/local/share/ldt-advisor"
#endif

const eng_config cli_advice_config = {.skip_tests = 1};

int cli_name_given(const char *command, const char *opt, int what, const char *name)
{
    if (*name)
        return 0;
    if (opt)
        cli_usage("%s: %s needs %s", command, opt,
                  what == CLI_NAME_KB ? "a knowledge base (a directory or an .ini file)"
                                      : "a file name");
    else if (what == CLI_NAME_KB)
        cli_usage("%s: the knowledge base's name is empty: give a directory or an .ini file",
                  command);
    else
        cli_usage("%s: the answers file's name is empty: give an answers file", command);
    return -1;
}

const char *cli_kb_path(const char *dir)
{
    static char buf[4096];
    if (dir)
        return dir;
    const char *env = getenv("LDT_ADVISOR_KB");
    if (env && *env)
        return env;
    /* run from the source tree: TREE/build/ldt-advisor uses TREE/rules */
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 32);
    if (n > 0) {
        buf[n] = '\0';
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(buf, '/');
            if (!slash)
                break;
            *slash = '\0';
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/rules/questions.ini", buf);
            if (access(probe, R_OK) == 0) {
                strncat(buf, "/rules", sizeof buf - strlen(buf) - 1);
                /* shorter messages when it is below the current directory */
                char cwd[4096];
                size_t cl;
                if (getcwd(cwd, sizeof cwd) && (cl = strlen(cwd)) > 1 &&
                    !strncmp(buf, cwd, cl) && buf[cl] == '/')
                    return buf + cl + 1;
                return buf;
            }
        }
    }
    /* an installed program: PREFIX/bin/ldt-advisor uses PREFIX/share */
    n = readlink("/proc/self/exe", buf, sizeof buf - 64);
    if (n > 0) {
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (slash) {
            *slash = '\0';
            strncat(buf, "/../share/ldt-advisor/rules", sizeof buf - strlen(buf) - 1);
            char probe[4200];
            snprintf(probe, sizeof probe, "%s/questions.ini", buf);
            if (access(probe, R_OK) == 0)
                return buf;
        }
    }
    return LDT_DATADIR "/rules";
}

/* The names of --watch: bit I of a mask (CLI_WATCH_*) is watch_name[I]. */
static const char *const watch_name[] = {"facts", "rules", "activations", "questions"};

/* "facts, rules, activations, questions", the names ALLOWED has. */
static void watch_names(unsigned allowed, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4; i++)
        if (allowed & (1u << i))
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", watch_name[i]);
}

int cli_watch_parse(const char *command, const char *spec, unsigned allowed,
                    unsigned *mask)
{
    char list[64];
    watch_names(allowed, list, sizeof list);
    *mask = 0;
    const char *p = spec;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        if (n == 3 && !strncmp(p, "all", 3)) {
            *mask = allowed;
            found = 1;
        }
        for (int i = 0; i < 4 && !found; i++)
            if (strlen(watch_name[i]) == n && !strncmp(p, watch_name[i], n)) {
                if (!(allowed & (1u << i))) {
                    /* facts runs no questionnaire: nothing would be traced */
                    cli_usage("%s: --watch cannot trace %s here: it takes a comma-separated "
                              "list of %s (or all)", command, watch_name[i], list);
                    return -1;
                }
                *mask |= 1u << i;
                found = 1;
            }
        if (!found) {
            cli_usage("%s: --watch takes a comma-separated list of %s (or all), not '%.*s'",
                      command, list, (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*mask) {
        cli_usage("%s: --watch needs %s or all", command, list);
        return -1;
    }
    return 0;
}

static void watch_facts(cli_watch *w, const eng_fact *const *facts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char buf[512];
        eng_fact_format(w->e, facts[i], buf, sizeof buf);
        fprintf(stderr, "%s f-%llu (%s)", i ? "," : "",
                (unsigned long long)eng_fact_id(facts[i]), buf);
    }
    fputc('\n', stderr);
}

static void on_watch(void *ud, const eng_event *ev)
{
    cli_watch *w = ud;
    char buf[1024];
    switch (ev->kind) {
    case ENG_EV_ASSERT:
    case ENG_EV_RETRACT:
        if (!(w->mask & CLI_WATCH_FACTS))
            return;
        eng_fact_format(w->e, ev->fact, buf, sizeof buf);
        fprintf(stderr, "%s f-%-5llu %s\n", ev->kind == ENG_EV_ASSERT ? "==>" : "<==",
                (unsigned long long)eng_fact_id(ev->fact), buf);
        return;
    case ENG_EV_ACTIVATE:
    case ENG_EV_DEACTIVATE:
        if (!(w->mask & CLI_WATCH_ACTIVATIONS))
            return;
        fprintf(stderr, "%s Activation %d %s:", ev->kind == ENG_EV_ACTIVATE ? "==>" : "<==",
                eng_rule_salience(ev->rule), eng_rule_name(ev->rule));
        watch_facts(w, ev->facts, ev->nfacts);
        return;
    case ENG_EV_FIRE:
        if (!(w->mask & CLI_WATCH_RULES))
            return;
        fprintf(stderr, "FIRE %5ld %s:", ++w->fired, eng_rule_name(ev->rule));
        watch_facts(w, ev->facts, ev->nfacts);
        return;
    }
}

void cli_watch_start(cli_watch *w, eng_engine *e, unsigned mask)
{
    w->e = e;
    w->mask = mask;
    w->fired = 0;
    if (mask & (CLI_WATCH_FACTS | CLI_WATCH_RULES | CLI_WATCH_ACTIVATIONS))
        eng_set_listener(e, on_watch, w);
}

double cli_dims_lowest(const kb_list *d)
{
    double lo = -1;
    for (size_t i = 0; i < d->n; i++)
        if (lo < 0 || d->v[i].number < lo)
            lo = d->v[i].number;
    return lo;
}

const char cli_more_reasons[] =
    "... and more: 'ldt-advisor explain' shows every step";

int cli_list_has_reasons(const kb_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].reasons.n)
            return 1;
    return 0;
}

/* Whether score A comes before score B (A listed before B) in the order
 * of cli_score_at. */
static int score_before(const kb_report *r, const kb_item *a, const kb_item *b)
{
    int ta = r->situation.id && !strcmp(a->id, r->situation.id);
    int tb = r->situation.id && !strcmp(b->id, r->situation.id);
    if (ta != tb)
        return ta;
    return a->number > b->number || (a->number == b->number && a < b);
}

const kb_item *cli_score_at(const kb_report *r, size_t i)
{
    const kb_list *s = &r->scores;
    for (size_t j = 0; j < s->n; j++) {
        size_t rank = 0;
        for (size_t k = 0; k < s->n; k++)
            rank += k != j && score_before(r, &s->v[k], &s->v[j]);
        if (rank == i)
            return &s->v[j];
    }
    return NULL;
}

const kb_item *cli_other_model_at(const kb_report *r, size_t i)
{
    for (size_t j = 0; j < r->models.n; j++) {
        const kb_item *it = &r->models.v[j];
        if (it->rank && it->number > 0 && it->reasons.n && !i--)
            return it;
    }
    return NULL;
}

long cli_journey_position(const kb_report *r, const char *unit)
{
    for (size_t i = 0; i < r->journey.n; i++)
        if (!strcmp(r->journey.v[i].id, unit))
            return r->journey.v[i].rank;
    return 0;
}

size_t cli_utf8_char(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char c = *s;
    size_t need;
    unsigned cp;
    if (c && c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
    else return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need + 1;
}

int cli_utf8_ok(const char *text)
{
    size_t n;
    for (; *text; text += n)
        if (!(n = cli_utf8_char(text)))
            return 0;
    return 1;
}

int cli_printable(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c == 0x7f || (c[0] == 0xc2 && (c[1] & 0xe0) == 0x80))
            return 0;   /* a C0 or a C1 (U+0080..U+009F) control */
    return cli_utf8_ok(text);
}

unsigned cli_std_closed;

unsigned cli_std_guard(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* the lowest free number: this one, as the ones below are open */
        int x = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (x >= 0 && x != fd) {
            dup2(x, fd);
            close(x);
        }
        cli_std_closed |= 1u << fd;
    }
    return cli_std_closed;
}

/* Opens PATH, read once, for spool: standard input for "-", else a pipe.
 * A FIFO is opened without blocking, then waited on until a writer writes
 * or goes: on a terminal, a note after a second says what it waits for
 * (a FIFO nothing writes to would otherwise wait in silence), and a note
 * says how to end answers typed at the terminal.  -1 after saying why. */
static int open_input(const char *path, const char *name)
{
    if (!strcmp(path, "-")) {
        if (cli_std_closed & 1u) {
            cli_errorf("%s: error: cannot read: standard input is closed", name);
            return -1;
        }
        if (isatty(STDIN_FILENO))
            cli_errorf("%s: note: reading answers from the terminal; end them with Ctrl-D",
                    name);
        return STDIN_FILENO;
    }
    int in = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (in < 0) {
        cli_errorf("%s: error: cannot open: %s", name, strerror(errno));
        return -1;
    }
    struct pollfd p = {.fd = in, .events = POLLIN};
    int r;
    while ((r = poll(&p, 1, 1000)) < 0 && errno == EINTR)
        ;
    if (r == 0) {
        if (isatty(STDERR_FILENO))
            cli_errorf("%s: note: waiting for a program to write to this pipe", name);
        while ((r = poll(&p, 1, -1)) < 0 && errno == EINTR)
            ;
    }
    int fl = r < 0 ? -1 : fcntl(in, F_GETFL);
    if (fl < 0 || fcntl(in, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        cli_errorf("%s: error: cannot read: %s", name, strerror(errno));
        close(in);
        return -1;
    }
    return in;
}

/* An answers file that can be read only once ("-", standard input, or a
 * pipe such as bash's <(...)) is copied into an unlinked temporary file,
 * which the reader can read again by offset.  Returns its descriptor, or
 * -1 after saying why, naming the input NAME. */
static int spool(const char *path, const char *name)
{
    int in = open_input(path, name);
    if (in < 0)
        return -1;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/ldt-advisor-answers.XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_errorf("%s: error: cannot keep a copy of it in '%s': %s", name, dir,
                strerror(errno));
        if (in != STDIN_FILENO)
            close(in);
        return -1;
    }
    unlink(tmp);
    char buf[65536];
    ssize_t got;
    int err = 0, rerr = 0;
    while (!err && (got = read(in, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno != EINTR)
                err = rerr = errno;
            continue;
        }
        for (ssize_t put = 0; put < got && !err;) {
            ssize_t w = write(fd, buf + put, (size_t)(got - put));
            if (w < 0 && errno != EINTR)
                err = errno;
            else if (w > 0)
                put += w;
        }
    }
    if (in != STDIN_FILENO)
        close(in);
    if (!err && lseek(fd, 0, SEEK_SET) < 0)
        err = errno;
    if (err) {
        if (rerr)
            cli_errorf("%s: error: cannot read: %s", name, strerror(err));
        else
            cli_errorf("%s: error: cannot keep a copy of it in '%s': %s", name, dir,
                    strerror(err));
        close(fd);
        return -1;
    }
    return fd;
}

const char *cli_answers_name(const char *path)
{
    return strcmp(path, "-") ? path : "<stdin>";
}

/* 1 if answers file PATH can be read once only: "-" or a pipe. */
static int read_once(const char *path)
{
    struct stat st;
    return !strcmp(path, "-") || (!stat(path, &st) && S_ISFIFO(st.st_mode));
}

eng_answers *cli_answers_read(eng_engine *e, const char *path)
{
    const char *name = cli_answers_name(path);
    if (!read_once(path))
        return eng_answers_read(e, name);
    int fd = spool(path, name);
    if (fd < 0) {
        errno = EIO;            /* said why; not out of memory */
        return NULL;
    }
    return eng_answers_read_fd(e, fd, name);
}
