/*
 * sessions.c -- `ldt-advisor sessions`: list, show, export, compare and
 * delete the questionnaire sessions saved in the SQLite database (kb.h,
 * "sessions").  Reading commands never create the database.
 *
 * Exit status: 0; 64 usage; 65 an answer that an answers file cannot hold
 * (export); 66 no such session (none at all for 'latest'), or the
 * database is missing or cannot be opened (not ours, damaged, newer); 71
 * out of memory; 73 the output
 * file (-o) cannot be created, or is the database; 74 the database failed
 * while in use, or the output could not be written.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"

static const char sessions_help[] =
    "Usage: " PROG " sessions [--db PATH] COMMAND [ARGS]\n"
    "\n"
    "The questionnaire sessions saved by '" PROG " ask'.\n"
    "\n"
    "Commands:\n"
    "  list                  every session, the most recently updated first\n"
    "                        (ANSWERS: the questions answered, not skipped)\n"
    "  show ID [--format F [--kb DIR] [-o FILE]]\n"
    "                        without --format: the answers and the conclusions\n"
    "                        saved with their derivations; with --format text,\n"
    "                        markdown, html or json: the advice as a report\n"
    "  export ID [-o FILE]   the answers as an answers file that '" PROG " advise'\n"
    "                        reads (skipped questions are left out)\n"
    "  compare ID1 ID2       how the answers and the conclusions of two sessions\n"
    "                        differ, and whether their knowledge bases do\n"
    "  delete ID             delete a session with its answers and conclusions\n"
    "\n"
    "ID is a number from 'sessions list', or 'latest' (the most recently updated).\n"
    "\n"
    "Options:\n"
    "  --db PATH             the database (default: $LDT_ADVISOR_DB, else\n"
    "                        $XDG_DATA_HOME/ldt-advisor/ldt-advisor.db, else\n"
    "                        ~/.local/share/ldt-advisor/ldt-advisor.db)\n"
    "  --format F            show: the advice as a report in text, markdown, html\n"
    "                        or json\n"
    "  -o, --output FILE     export, show --format: write FILE (replaced in one\n"
    "                        step; through a link to the file it names) instead\n"
    "                        of standard output\n"
    "  --kb DIR              show --format: the knowledge base the answers are run\n"
    "                        under (default as for advise)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 an answer that an answers file cannot\n"
    "hold; 66 no such session (for 'latest': no sessions at all), or the\n"
    "database is missing or unusable; 71 out of memory; 73 the output file\n"
    "cannot be created (or is the database); 74 the database failed, or the\n"
    "output could not be written.\n";

/* ------------------------------------------------------------ printing */

/* Writes S with control characters, and bytes that are not UTF-8, shown
 * as escapes, so that nothing stored can drive the terminal or garble it;
 * newlines too unless KEEP_NL. */
static void put_safe(FILE *fp, const char *s, int keep_nl)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        size_t u;
        if (*c == '\n' && keep_nl)
            fputc('\n', fp);
        else if (*c == '\n')
            fputs("\\n", fp);
        else if (*c == '\t')
            fputs(keep_nl ? "\t" : "\\t", fp);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(fp, "\\x%02x", *c);
        else if (c[0] == 0xc2 && (c[1] & 0xe0) == 0x80)
            fprintf(fp, "\\x%02x\\x%02x", c[0], c[1]), c++;   /* a C1 control */
        else if (*c < 0x80)
            fputc(*c, fp);
        else if ((u = cli_utf8_char((const char *)c))) {
            fwrite(c, 1, u, fp);
            c += u - 1;
        } else {
            fprintf(fp, "\\x%02x", *c);
        }
    }
}

/* The width put_safe(S, 0) takes, in characters (each taking one column). */
static size_t safe_len(const char *s)
{
    size_t n = 0, u;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '\n' || *c == '\t')
            n += 2;
        else if (*c < 0x20 || *c == 0x7f)
            n += 4;
        else if (c[0] == 0xc2 && (c[1] & 0xe0) == 0x80)
            n += 8, c++;
        else if (*c >= 0x80 && (u = cli_utf8_char((const char *)c))) {
            n++;
            c += u - 1;
        } else {
            n += *c < 0x80 ? 1 : 4;
        }
    }
    return n;
}

static void put_padded(FILE *fp, const char *s, size_t width)
{
    put_safe(fp, s, 0);
    for (size_t n = safe_len(s); n < width; n++)
        fputc(' ', fp);
}

/* Each line of TEXT, indented by INDENT spaces.  0, or -1 when out of
 * memory. */
static int put_indented(FILE *fp, const char *text, int indent)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        if (!line)
            return -1;
        fprintf(fp, "%*s", indent, "");
        put_safe(fp, line, 0);
        fputc('\n', fp);
        free(line);
        p += len + (nl != NULL);
    }
    return 0;
}

/* ------------------------------------------------------------ the store */

typedef struct ctx {
    const char *path;
    kb_store *st;
    char err[1024];
} ctx;

/* The exit status for a failed store call, after printing its message. */
static int store_fail(ctx *c, int rc)
{
    switch (rc) {
    case ENG_EINVAL:
        /* the session is gone (deleted by another process meanwhile) */
        cli_errorf(PROG ": %s (see '" PROG " sessions list')", c->err);
        return EX_NOINPUT;
    case ENG_ENOMEM:
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    default:
        cli_errorf(PROG ": %s", c->err);
        return EX_IOERR;
    }
}

/* Opens the database; a missing one is not created, nor an empty file
 * written.  0, or an exit status after saying why (MISSING_OK: *C->st
 * stays NULL and 0 is returned when there is no database yet). */
static int open_store(ctx *c, int missing_ok)
{
    return cli_store_open_existing(c->path, missing_ok, &c->st);
}

/* Parses a session ID: a positive number, or "latest" (0). */
static int parse_id(const char *s, long long *id)
{
    if (cli_session_id(s, id)) {
        cli_usage("sessions: '%s' is not a session ID (a number from '" PROG
                  " sessions list', or 'latest')", s);
        return EX_USAGE;
    }
    return 0;
}

/* The session ID (0: latest) into SI. */
static int get_session(ctx *c, long long id, kb_session_info *si)
{
    int rc = kb_store_session_get(c->st, id, si, c->err, sizeof c->err);
    if (rc == ENG_EINVAL) {
        cli_no_session(c->path, id);
        return EX_NOINPUT;
    }
    return rc ? store_fail(c, rc) : 0;
}

/* ------------------------------------------------------------ list */

static int do_list(ctx *c)
{
    int x = open_store(c, 1);
    if (x)
        return x;
    kb_session_info *v = NULL;
    size_t n = 0;
    if (c->st) {
        int rc = kb_store_sessions(c->st, &v, &n, c->err, sizeof c->err);
        if (rc)
            return store_fail(c, rc);
    }
    if (!n) {
        /* no sessions is no error, but a path with no file at all may be a
         * mistyped --db: it is named as such */
        struct stat sb;
        if (!c->st && stat(c->path, &sb) && errno == ENOENT)
            cli_printf("no sessions: there is no database at %s yet ('" PROG
                       " ask' saves sessions there)", c->path);
        else
            cli_printf("no sessions in %s", c->path);
        kb_sessions_free(v, n);
        return cli_flush_stdout();
    }
    size_t wid = 2, wresp = 10, wupd = 7;
    char num[32];
    for (size_t i = 0; i < n; i++) {
        size_t l = (size_t)snprintf(num, sizeof num, "%lld", v[i].id);
        if (l > wid)
            wid = l;
        l = safe_len(v[i].respondent[0] ? v[i].respondent : "-");
        if (l > wresp)
            wresp = l;
        if (strlen(v[i].updated) > wupd)
            wupd = strlen(v[i].updated);
    }
    if (wresp > 40)
        wresp = 40;     /* longer ones push their row only */
    printf("%*s  %-*s  %-*s  %7s  %-8s  %s\n", (int)wid, "ID", (int)wresp, "RESPONDENT",
           (int)wupd, "UPDATED", "ANSWERS", "FINISHED", "KB");
    for (size_t i = 0; i < n; i++) {
        printf("%*lld  ", (int)wid, v[i].id);
        put_padded(stdout, v[i].respondent[0] ? v[i].respondent : "-", wresp);
        printf("  %-*s  %7ld  %-8s  %.8s\n", (int)wupd, v[i].updated, v[i].answers,
               v[i].finished ? "yes" : "no", v[i].fingerprint[0] ? v[i].fingerprint : "-");
    }
    kb_sessions_free(v, n);
    return cli_flush_stdout();
}

/* ------------------------------------------------------------ show */

static int do_show(ctx *c, long long id)
{
    int x = open_store(c, 0);
    if (x)
        return x;
    kb_session_info si;
    if ((x = get_session(c, id, &si)))
        return x;
    kb_answer *a = NULL;
    kb_conclusion *cc = NULL;
    size_t na = 0, nc = 0;
    int rc = kb_store_answers(c->st, si.id, &a, &na, c->err, sizeof c->err);
    if (!rc)
        rc = kb_store_conclusions(c->st, si.id, &cc, &nc, c->err, sizeof c->err);
    if (rc) {
        kb_session_info_clear(&si);
        kb_answers_free(a, na);
        return store_fail(c, rc);
    }
    printf("Session %lld", si.id);
    if (si.respondent[0]) {
        fputs(": ", stdout);
        put_safe(stdout, si.respondent, 0);
    }
    printf("\n  created %s, updated %s, %s\n", si.created, si.updated,
           si.finished ? "finished" : "not finished");
    fputs("  knowledge base: ", stdout);
    put_safe(stdout, si.kb_path[0] ? si.kb_path : "(unknown)", 0);
    if (si.fingerprint[0]) {
        fputs(", fingerprint ", stdout);
        put_safe(stdout, si.fingerprint, 0);
        char now[17];
        int frc = si.kb_path[0] ? kb_fingerprint(si.kb_path, now, sizeof now) : ENG_EIO;
        if (frc == ENG_OK)
            printf(strcmp(now, si.fingerprint) ? " (it has changed since: now %s)"
                                               : " (unchanged since)", now);
        else if (frc != ENG_ENOMEM)
            fputs(" (it cannot be read now)", stdout);
        if (frc == ENG_ENOMEM) {
            fputc('\n', stdout);
            fflush(stdout);
            kb_session_info_clear(&si);
            kb_answers_free(a, na);
            kb_conclusions_free(cc, nc);
            return cli_exit(frc);
        }
    }
    printf("\n\nAnswers (%zu):\n", na);
    size_t w = 0;
    for (size_t i = 0; i < na; i++)
        if (safe_len(a[i].question) > w)
            w = safe_len(a[i].question);
    if (w > 40)
        w = 40;
    for (size_t i = 0; i < na; i++) {
        fputs("  ", stdout);
        put_padded(stdout, a[i].question, w);
        fputs("  ", stdout);
        if (a[i].value)
            put_safe(stdout, a[i].value, 0);
        else
            fputs("(skipped)", stdout);
        fputc('\n', stdout);
    }
    if (!na)
        puts("  (none)");
    printf("\nConclusions (%zu):\n", nc);
    int oom = 0;
    for (size_t i = 0; i < nc && !oom; i++) {
        fputs("  ", stdout);
        put_safe(stdout, cc[i].fact, 0);
        fputc('\n', stdout);
        oom = put_indented(stdout, cc[i].derivation, 4) != 0;
    }
    if (!nc)
        puts(si.finished ? "  (none)" : "  (none yet: the questionnaire is not finished)");
    kb_session_info_clear(&si);
    kb_answers_free(a, na);
    kb_conclusions_free(cc, nc);
    if (oom) {
        fflush(stdout);
        return cli_exit(ENG_ENOMEM);
    }
    return cli_flush_stdout();
}

/* ------------------------------------------------------------ export */

/* The longest line the engine reads (engine default). */
#define MAX_LINE 4096

/* A key the reader takes: a letter or '_', then letters, digits, '_', '.'. */
static int is_key(const char *s)
{
    const unsigned char *c = (const unsigned char *)s;
    if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
        return 0;
    for (c++; *c; c++)
        if (!(*c == '_' || *c == '.' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9')))
            return 0;
    return 1;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* Where a continuation line may start at offset I of V: after a single
 * space between two non-blanks, not with a character that would make the
 * line a comment or a header. */
static int can_break(const char *v, size_t i)
{
    return i > 0 && v[i] == ' ' && !is_blank((unsigned char)v[i - 1]) && v[i + 1] &&
           !is_blank((unsigned char)v[i + 1]) && v[i + 1] != ';' && v[i + 1] != '#' &&
           v[i + 1] != '[';
}

/* Why value V (of the question Q) cannot be written into an answers file
 * so that it reads back the same, or NULL. */
static const char *unwritable(const char *q, const char *v)
{
    if (!is_key(q))
        return "its question ID is not a key an answers file can hold";
    if (strchr(v, '\n') || strchr(v, '\r'))
        return "the answer contains a line break, which an answers file cannot hold";
    if (*v && (is_blank((unsigned char)v[0]) || is_blank((unsigned char)v[strlen(v) - 1])))
        return "the answer begins or ends with blanks, which an answers file does not keep";
    if (!cli_utf8_ok(v))
        return "the answer is not valid UTF-8 text, which an answers file must be";
    return NULL;
}

/* Writes `Q = V`, continuing a value too long for one line on indented
 * lines (the reader joins them with one space).  0, or -1 when V has no
 * place to break it. */
static int write_answer(FILE *fp, const char *q, const char *v, int dry)
{
    size_t room = MAX_LINE - strlen(q) - 3, len = strlen(v), pos = 0;
    int first = 1;
    while (len - pos > room) {
        /* the last break that fits, else the first break at all */
        size_t brk = 0;
        for (size_t i = pos + 1; i < len && i - pos <= room; i++)
            if (can_break(v, i))
                brk = i;
        if (!brk)
            return -1;
        if (!dry) {
            if (first)
                fprintf(fp, "%s = ", q);
            else
                fputs("    ", fp);
            fwrite(v + pos, 1, brk - pos, fp);
            fputc('\n', fp);
        }
        first = 0;
        pos = brk + 1;
        room = MAX_LINE - 4;
    }
    if (!dry) {
        if (first)
            fprintf(fp, "%s =%s", q, len ? " " : "");
        else
            fputs("    ", fp);
        fwrite(v + pos, 1, len - pos, fp);
        fputc('\n', fp);
    }
    return 0;
}

static void write_export(FILE *fp, const kb_session_info *si, const char *label,
                         const kb_answer *a, size_t n)
{
    fprintf(fp, "; ldt-advisor session %lld", si->id);
    if (si->fingerprint[0] &&
        strspn(si->fingerprint, "0123456789abcdef") == strlen(si->fingerprint))
        fprintf(fp, ", knowledge base fingerprint %s", si->fingerprint);
    fprintf(fp, "\n[answers %s]\n", label);
    for (size_t i = 0; i < n; i++)
        if (a[i].value)
            write_answer(fp, a[i].question, a[i].value, 0);
}

static int do_export(ctx *c, long long id, const char *out)
{
    int x = open_store(c, 0);
    if (x)
        return x;
    kb_session_info si;
    if ((x = get_session(c, id, &si)))
        return x;
    kb_answer *a = NULL;
    size_t n = 0;
    int rc = kb_store_answers(c->st, si.id, &a, &n, c->err, sizeof c->err);
    if (rc) {
        kb_session_info_clear(&si);
        return store_fail(c, rc);
    }
    /* everything is checked before anything is written */
    for (size_t i = 0; i < n; i++) {
        if (!a[i].value)
            continue;
        const char *why = unwritable(a[i].question, a[i].value);
        if (!why && write_answer(NULL, a[i].question, a[i].value, 1))
            why = "the answer is too long for one line and has no single space to "
                  "continue it at";
        if (why) {
            fprintf(stderr, PROG ": session %lld, question '", si.id);
            put_safe(stderr, a[i].question, 0);
            fprintf(stderr, "': %s; nothing was written\n", why);
            x = EX_DATAERR;
        }
    }
    if (!x) {
        char label[512];
        const char *name = cli_session_name(si.id, si.respondent, label, sizeof label);
        if (strcmp(name, si.respondent)) {
            if (si.respondent[0]) {
                fprintf(stderr, PROG ": note: the respondent '");
                put_safe(stderr, si.respondent, 0);
                fprintf(stderr, "' is not a name an answers file can hold; the section is "
                                "[answers %s]\n", label);
            }
        }
        /* a file is replaced in one step (the old one or the whole new
         * one), written through a link, never put in place of a device */
        cli_output o;
        x = cli_output_open(&o, out);
        if (!x) {
            write_export(o.fp, &si, name, a, n);
            x = cli_output_close(&o, 1);
        }
    }
    kb_session_info_clear(&si);
    kb_answers_free(a, n);
    return x;
}

/* ------------------------------------------------------------ compare */

static int cmp_answer(const void *x, const void *y)
{
    return strcmp(((const kb_answer *)x)->question, ((const kb_answer *)y)->question);
}

static int cmp_conclusion(const void *x, const void *y)
{
    return strcmp(((const kb_conclusion *)x)->fact, ((const kb_conclusion *)y)->fact);
}

static void put_value(const char *v)
{
    if (v)
        put_safe(stdout, v, 0);
    else
        fputs("(skipped)", stdout);
}

static int same_value(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

static void describe(const kb_session_info *si)
{
    printf("session %lld", si->id);
    if (si->respondent[0]) {
        fputs(" (", stdout);
        put_safe(stdout, si->respondent, 0);
        fputs(")", stdout);
    }
    printf(", updated %s", si->updated);
}

static int do_compare(ctx *c, long long id1, long long id2)
{
    int x = open_store(c, 0);
    if (x)
        return x;
    kb_session_info s1, s2;
    if ((x = get_session(c, id1, &s1)))
        return x;
    if ((x = get_session(c, id2, &s2))) {
        kb_session_info_clear(&s1);
        return x;
    }
    kb_answer *a1 = NULL, *a2 = NULL;
    kb_conclusion *c1 = NULL, *c2 = NULL;
    size_t na1 = 0, na2 = 0, nc1 = 0, nc2 = 0;
    int rc = kb_store_answers(c->st, s1.id, &a1, &na1, c->err, sizeof c->err);
    if (!rc)
        rc = kb_store_answers(c->st, s2.id, &a2, &na2, c->err, sizeof c->err);
    if (!rc)
        rc = kb_store_conclusions(c->st, s1.id, &c1, &nc1, c->err, sizeof c->err);
    if (!rc)
        rc = kb_store_conclusions(c->st, s2.id, &c2, &nc2, c->err, sizeof c->err);
    if (rc) {
        x = store_fail(c, rc);
        goto done;
    }
    if (na1) qsort(a1, na1, sizeof *a1, cmp_answer);
    if (na2) qsort(a2, na2, sizeof *a2, cmp_answer);
    if (nc1) qsort(c1, nc1, sizeof *c1, cmp_conclusion);
    if (nc2) qsort(c2, nc2, sizeof *c2, cmp_conclusion);

    fputs("Comparing ", stdout);
    describe(&s1);
    fputs("\n     with ", stdout);
    describe(&s2);
    fputs("\n\nKnowledge base: ", stdout);
    if (!strcmp(s1.fingerprint, s2.fingerprint)) {
        fputs("the same (fingerprint ", stdout);
        put_safe(stdout, s1.fingerprint[0] ? s1.fingerprint : "unknown", 0);
        fputs(")\n", stdout);
    } else {
        fputs("different (fingerprint ", stdout);
        put_safe(stdout, s1.fingerprint[0] ? s1.fingerprint : "unknown", 0);
        fputs(" -> ", stdout);
        put_safe(stdout, s2.fingerprint[0] ? s2.fingerprint : "unknown", 0);
        fputs(")\n", stdout);
    }

    /* answers: a merge of the two sorted lists */
    puts("\nAnswers:");
    size_t i = 0, j = 0, diffs = 0;
    while (i < na1 || j < na2) {
        int d = i == na1 ? 1 : j == na2 ? -1 : strcmp(a1[i].question, a2[j].question);
        if (d < 0) {
            fputs("  removed  ", stdout);
            put_safe(stdout, a1[i].question, 0);
            fputs(": ", stdout);
            put_value(a1[i].value);
            fputc('\n', stdout);
            i++;
            diffs++;
        } else if (d > 0) {
            fputs("  added    ", stdout);
            put_safe(stdout, a2[j].question, 0);
            fputs(": ", stdout);
            put_value(a2[j].value);
            fputc('\n', stdout);
            j++;
            diffs++;
        } else {
            if (!same_value(a1[i].value, a2[j].value)) {
                fputs("  changed  ", stdout);
                put_safe(stdout, a1[i].question, 0);
                fputs(": ", stdout);
                put_value(a1[i].value);
                fputs(" -> ", stdout);
                put_value(a2[j].value);
                fputc('\n', stdout);
                diffs++;
            }
            i++;
            j++;
        }
    }
    if (!diffs)
        printf("  the same (%zu)\n", na1);

    puts("\nConclusions:");
    i = j = 0;
    diffs = 0;
    while (i < nc1 || j < nc2) {
        int d = i == nc1 ? 1 : j == nc2 ? -1 : strcmp(c1[i].fact, c2[j].fact);
        if (d < 0) {
            printf("  only in %lld: ", s1.id);
            put_safe(stdout, c1[i++].fact, 0);
            fputc('\n', stdout);
            diffs++;
        } else if (d > 0) {
            printf("  only in %lld: ", s2.id);
            put_safe(stdout, c2[j++].fact, 0);
            fputc('\n', stdout);
            diffs++;
        } else {
            i++;
            j++;
        }
    }
    if (!diffs)
        printf("  the same (%zu)\n", nc1);
    x = cli_flush_stdout();

done:
    kb_session_info_clear(&s1);
    kb_session_info_clear(&s2);
    kb_answers_free(a1, na1);
    kb_answers_free(a2, na2);
    kb_conclusions_free(c1, nc1);
    kb_conclusions_free(c2, nc2);
    return x;
}

/* ------------------------------------------------------------ delete */

static int do_delete(ctx *c, long long id)
{
    int x = open_store(c, 0);
    if (x)
        return x;
    kb_session_info si;
    if ((x = get_session(c, id, &si)))
        return x;
    int rc = kb_store_session_delete(c->st, si.id, c->err, sizeof c->err);
    if (rc) {
        kb_session_info_clear(&si);
        return store_fail(c, rc);
    }
    printf("deleted session %lld", si.id);
    if (si.respondent[0]) {
        fputs(" (", stdout);
        put_safe(stdout, si.respondent, 0);
        fputs(")", stdout);
    }
    cli_printf(" from %s", c->path);
    kb_session_info_clear(&si);
    return cli_flush_stdout();
}

/* The directory of PATH (".", or "/") into DIR, and where its last part
 * starts. */
static const char *split_path(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
    return slash ? slash + 1 : path;
}

/* 1 when writing FILE would write over the database DB or one of the
 * files SQLite keeps beside it, DB-wal (the write-ahead log: answers not
 * yet copied into the database), DB-shm and DB-journal, also before they
 * exist: the same file, also through a link, or the same name in the same
 * directory. */
static int is_database(const char *file, const char *db)
{
    static const char *const companion[] = {"", "-wal", "-shm", "-journal"};
    struct stat sf, sd;
    /* a longer name is none the system opens (ENAMETOOLONG) */
    char name[PATH_MAX + 16], fdir[PATH_MAX], ddir[PATH_MAX];
    int exists = !stat(file, &sf);
    const char *fbase = split_path(file, fdir, sizeof fdir);
    const char *dbase = split_path(db, ddir, sizeof ddir);
    struct stat sfd, sdd;
    int same_dir = !stat(fdir, &sfd) && !stat(ddir, &sdd) && sfd.st_dev == sdd.st_dev &&
                   sfd.st_ino == sdd.st_ino;
    for (size_t i = 0; i < sizeof companion / sizeof *companion; i++) {
        snprintf(name, sizeof name, "%s%s", db, companion[i]);
        if (exists && !stat(name, &sd) && sd.st_dev == sf.st_dev && sd.st_ino == sf.st_ino)
            return 1;
        size_t bl = strlen(dbase);
        if (same_dir && !strncmp(fbase, dbase, bl) && !strcmp(fbase + bl, companion[i]))
            return 1;
    }
    return 0;
}

/* `show --format`: the session's advice as a report, replayed from its
 * answers under the knowledge base (as a fresh run). */
static int show_report(const char *db, const char *id, const char *kbdir,
                       int fmt, const char *out)
{
    int status, exitc;
    kb *k = kb_open(cli_kb_path(kbdir), &cli_advice_config, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    cli_diags(kb_engine(k), 0);
    if (status) {
        exitc = cli_exit(status);
        kb_close(k);
        return exitc;
    }
    char who[512], name[512];
    exitc = cli_load_session_named(k, cli_kb_path(kbdir), db, id, NULL, "advised", who,
                                   sizeof who, name, sizeof name);
    kb_report *rep = NULL;
    int rc;
    /* the respondent as `sessions export` names it, so that the report of
     * the export through advise and this one agree */
    if (!exitc && (rc = kb_report_build(k, name, &rep)))
        exitc = cli_exit(rc);
    if (!exitc) {
        cli_output o;
        exitc = cli_output_open(&o, out);
        if (!exitc) {
            const kb_report *one = rep;
            switch (fmt) {
            case CLI_FMT_MARKDOWN: cli_report_markdown(o.fp, rep); break;
            case CLI_FMT_HTML: cli_report_html(o.fp, &one, 1, who); break;
            case CLI_FMT_JSON:
                fputs("{\"respondents\":[", o.fp);
                cli_report_json(o.fp, rep);
                fputs("]}\n", o.fp);
                break;
            default: cli_report_text(o.fp, rep, !out && cli_colour(stdout)); break;
            }
            exitc = cli_output_close(&o, 1);
        }
    }
    kb_report_free(rep);
    kb_close(k);
    return exitc;
}

/* ------------------------------------------------------------ command */

int cmd_sessions(int argc, char **argv)
{
    static const char *const with_value[] = {"--db", "-o|--output", "--format", "--kb", NULL};
    static const char *const flags[] = {"-h|--help", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "sessions", .with_value = with_value,
                  .flags = flags};
    const char *db = NULL, *out = NULL, *opt, *val, *pos[4], *kbdir = NULL;
    long long ids[2] = {0, 0};
    int fmt = -1;
    size_t npos = 0;
    int r;
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG) {
            if (npos == 4) {
                cli_usage("sessions: too many arguments");
                return EX_USAGE;
            }
            pos[npos++] = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(sessions_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "--db")) {
            if (!*val) {
                cli_usage("sessions: --db needs a file name");
                return EX_USAGE;
            }
            db = val;
        } else if (!strcmp(opt, "-o") || !strcmp(opt, "--output")) {
            if (!*val) {
                cli_usage("sessions: %s needs a file name", opt);
                return EX_USAGE;
            }
            out = val;
        } else if (!strcmp(opt, "--format")) {
            if ((fmt = cli_format(val)) < 0) {
                cli_usage("sessions: --format takes text, markdown, html or json, not '%s'", val);
                return EX_USAGE;
            }
        } else if (!strcmp(opt, "--kb")) {
            if (cli_name_given("sessions", opt, CLI_NAME_KB, val))
                return EX_USAGE;
            kbdir = val;
        } else if (isdigit((unsigned char)opt[1])) {
            /* "-1": a session ID gone wrong, not an option */
            parse_id(a.argv[a.i], &ids[0]);
            return EX_USAGE;
        } else {
            cli_usage("sessions: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    if (!npos) {
        cli_usage("sessions: missing the command (list, show, export, compare or delete)");
        return EX_USAGE;
    }
    const char *sub = pos[0];
    size_t want;
    if (!strcmp(sub, "list"))
        want = 0;
    else if (!strcmp(sub, "show") || !strcmp(sub, "export") || !strcmp(sub, "delete"))
        want = 1;
    else if (!strcmp(sub, "compare"))
        want = 2;
    else {
        cli_usage("sessions: unknown command '%s' (list, show, export, compare or delete)", sub);
        return EX_USAGE;
    }
    if (npos - 1 < want) {
        if (want == 2 && npos == 2)
            cli_usage("sessions compare: give two session IDs (only '%s' was given), "
                      "e.g. 'sessions compare %s latest'", pos[1], pos[1]);
        else
            cli_usage("sessions %s: missing the session ID%s (a number, or latest)", sub,
                      want > 1 ? "s" : "");
        return EX_USAGE;
    }
    if (npos - 1 > want) {
        cli_usage("sessions %s: too many arguments: it takes %s (not '%s')", sub,
                  want == 0 ? "none" : want == 1 ? "one session ID" : "two session IDs",
                  pos[want + 1]);
        return EX_USAGE;
    }
    if (out && strcmp(sub, "export") && !(fmt >= 0 && !strcmp(sub, "show"))) {
        cli_usage("sessions %s: -o is for export, and for show with --format", sub);
        return EX_USAGE;
    }
    if (fmt >= 0 && strcmp(sub, "show")) {
        cli_usage("sessions %s: --format is for show", sub);
        return EX_USAGE;
    }
    if (kbdir && fmt < 0) {
        /* show without --format prints what was saved, and compare the
         * fingerprints saved: no knowledge base is loaded */
        cli_usage("sessions %s: --kb is for show with --format%s", sub,
                  strcmp(sub, "show") ? "" : "; without it the session is shown as saved");
        return EX_USAGE;
    }
    for (size_t i = 0; i < want; i++)
        if (parse_id(pos[1 + i], &ids[i]))
            return EX_USAGE;

    ctx c;
    memset(&c, 0, sizeof c);
    char buf[4096];
    c.path = db ? db : kb_store_default_path(buf, sizeof buf);
    if (!c.path) {
        fprintf(stderr, PROG ": no home directory to keep the sessions database in; "
                        "give one with --db PATH or $LDT_ADVISOR_DB\n");
        return EX_USAGE;
    }
    if (out && strcmp(out, "-") && is_database(out, c.path)) {
        cli_errorf(PROG ": cannot write '%s': it would replace the sessions database "
                "%s (or a file SQLite keeps beside it); choose another file with -o", out,
                c.path);
        return EX_CANTCREAT;
    }
    int x;
    if (!strcmp(sub, "list"))
        x = do_list(&c);
    else if (!strcmp(sub, "show") && fmt >= 0)
        x = show_report(c.path, pos[1], kbdir, fmt, out);
    else if (!strcmp(sub, "show"))
        x = do_show(&c, ids[0]);
    else if (!strcmp(sub, "export"))
        x = do_export(&c, ids[0], out);
    else if (!strcmp(sub, "compare"))
        x = do_compare(&c, ids[0], ids[1]);
    else
        x = do_delete(&c, ids[0]);
    kb_store_close(c.st);
    return x;
}
