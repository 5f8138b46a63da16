/*
 * advise.c -- `ldt-advisor advise`: answers file in, advice out.  For each
 * respondent: reset, assert the answers, run, read the report (kb layer)
 * and render it as text for people, JSON for programs, or Markdown or HTML
 * (report_md.c, report_html.c) to publish.  Also here: where a report goes
 * (standard output, or a file replaced only when it was written whole),
 * which `sessions show` shares.
 *
 * The JSON is an interface (documented in README.md): fields are only ever
 * added, never renamed or removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"

static const char advise_help[] =
    "Usage: " PROG " advise [OPTIONS] ANSWERS_FILE... [RESPONDENT...]\n"
    "\n"
    "Turns each respondent's answers into advice: a summary, the governance\n"
    "situation (what it is, its challenges and pitfalls, the scores and the\n"
    "evidence), maturity per dimension and band, the governance model (what\n"
    "it is, when it fits, why; every model's score and what speaks for the\n"
    "others), the roles the twin needs that are missing, financing routes,\n"
    "concrete next steps (by priority; within one, the situation's own\n"
    "steps, then the weakest dimension's) and a learning journey.\n"
    "The first argument is an answers file; a later one is an answers file\n"
    "too when a file of that name exists, and otherwise the name of a\n"
    "respondent to advise (or use -r).  '-' is standard input, and a pipe\n"
    "is read too.  Without respondents named, every respondent of the\n"
    "files is advised, in the order of the files; a name is given once in\n"
    "all of them.  The knowledge base's [test] scenarios are not read\n"
    "('test' and 'lint' do).\n"
    "\n"
    "Options:\n"
    "  --kb DIR              the knowledge base (default: $LDT_ADVISOR_KB, the\n"
    "                        source tree's rules/ when run from it, or the\n"
    "                        installed one)\n"
    "  --format FORMAT       text for people (default), markdown or html to\n"
    "                        publish (one page for all respondents), or json\n"
    "                        for programs\n"
    "  -o, --output FILE     write the advice to FILE (default: standard output);\n"
    "                        FILE is replaced only once it is written whole\n"
    "  -r, --respondent NAME advise respondent NAME (the NAME of [answers NAME]),\n"
    "                        also when a file is called so; more than once for\n"
    "                        several\n"
    "  --max-firings N       stop a respondent's run after N firings (default\n"
    "                        100000)\n"
    "  --stats               print respondents a second and peak memory (after\n"
    "                        the first 1,000 respondents and at the end) to stderr\n"
    "  --watch LIST          trace facts, rules, activations, questions (comma-\n"
    "                        separated, or all) to stderr\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success, 64 usage, 65 errors in the knowledge base or\n"
    "answers (other respondents are still advised), 66 a file that cannot\n"
    "be read or a RESPONDENT that no file has (the other files and\n"
    "respondents are still advised), 70 a run that did not finish, 71 out of memory, 73 the\n"
    "output file cannot be created, 74 it cannot be written.\n";

/* ------------------------------------------------------------ text */

/* The text of a report is put together in a buffer and written a block at
 * a time: it has hundreds of short pieces, and a call into stdio for each
 * (with its lock, and printf parsing a format) costs more than the copy. */
typedef struct out {
    FILE *fp;
    int colour;
    size_t n;               /* bytes waiting in buf */
    char buf[8192];
} out;

static void flush(out *o)
{
    if (o->n)
        fwrite(o->buf, 1, o->n, o->fp);
    o->n = 0;
}

/* put() when the buffer has no room for LEN bytes. */
static void put_full(out *o, const char *s, size_t len)
{
    flush(o);
    if (len > sizeof o->buf)
        fwrite(s, 1, len, o->fp);
    else {
        memcpy(o->buf, s, len);
        o->n = len;
    }
}

/* Inline, so that a piece of a known length is copied without a call. */
static inline void put(out *o, const char *s, size_t len)
{
    if (len > sizeof o->buf - o->n) {
        put_full(o, s, len);
        return;
    }
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

/* The string literal LIT, its length known when compiled. */
#define put_lit(o, lit) put((o), "" lit, sizeof(lit) - 1)

static void put_str(out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_char(out *o, char c)
{
    if (o->n == sizeof o->buf)
        flush(o);
    o->buf[o->n++] = c;
}

static void put_spaces(out *o, size_t k)
{
    static const char spaces[] = "                                ";
    while (k) {
        size_t c = k < sizeof spaces - 1 ? k : sizeof spaces - 1;
        put(o, spaces, c);
        k -= c;
    }
}

/* S padded with spaces to WIDTH columns, as %-*s. */
static void put_padded(out *o, const char *s, size_t width)
{
    size_t len = strlen(s);
    put(o, s, len);
    if (len < width)
        put_spaces(o, width - len);
}

/* V right-aligned in WIDTH columns, as %*ld. */
static void put_long(out *o, long v, size_t width)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    if (len < width)
        put_spaces(o, width - len);
    put(o, p, len);
}

static void vputf(out *o, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

static void vputf(out *o, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    size_t room = sizeof o->buf - o->n;
    int len = vsnprintf(o->buf + o->n, room, fmt, ap);
    if (len >= 0 && (size_t)len < room) {
        o->n += (size_t)len;
    } else if (len >= 0) {              /* no room left: flush and again */
        flush(o);
        if ((size_t)len < sizeof o->buf)
            o->n = (size_t)vsnprintf(o->buf, sizeof o->buf, fmt, again);
        else
            vfprintf(o->fp, fmt, again);
    }
    va_end(again);
}

static void putf(out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void putf(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vputf(o, fmt, ap);
    va_end(ap);
}

/* D as %g prints it.  Scores, levels and minutes are whole numbers, which
 * %g prints as integers up to six digits (not -0). */
static void put_num(out *o, double d)
{
    if (d > -1e6 && d < 1e6 && d == (double)(long)d && (d != 0 || !signbit(d)))
        put_long(o, (long)d, 0);
    else
        putf(o, "%g", d);
}

/* A heading is in bold on a terminal: heading_begin, its pieces, then
 * heading_end, which ends the line. */
static void heading_begin(out *o)
{
    if (o->colour)
        put(o, "\033[1m", 4);
}

static void heading_end(out *o)
{
    if (o->colour)
        put(o, "\033[0m", 4);
    put_char(o, '\n');
}

/* The heading A followed by B. */
static void heading(out *o, const char *a, const char *b)
{
    heading_begin(o);
    put_str(o, a);
    put_str(o, b);
    heading_end(o);
}

#define WRAP_AT 76          /* the columns text is wrapped at */

/* A line break and K spaces of indent. */
static void put_break(out *o, size_t k)
{
    static const char nl[] = "\n                                ";
    if (k < sizeof nl - 1) {
        put(o, nl, 1 + k);
    } else {
        put_char(o, '\n');
        put_spaces(o, k);
    }
}

/* wrap() for a text with runs of spaces, which count as one: a word at a
 * time. */
static void wrap_words(out *o, const char *p, int indent, int first)
{
    int col = first, started = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *word = p;
        p += strcspn(p, " ");
        size_t w = (size_t)(p - word);
        if (!w)
            break;
        if (started && col + 1 + (int)w > WRAP_AT) {
            put_break(o, (size_t)indent);
            col = indent;
        } else if (started) {
            put_char(o, ' ');
            col++;
        }
        started = 1;
        put(o, word, w);
        col += (int)w;
    }
    put_char(o, '\n');
}

/* Writes TEXT wrapped at WRAP_AT columns, continuation lines indented by
 * INDENT, the first line starting at column FIRST.  Words are split at
 * spaces only; a word longer than a line has one of its own.  Texts of
 * single spaces between words (all the catalogue's and the rules') go a
 * line at a time: a line is the text up to the last space within the
 * width, found by looking back from the width over one word, and goes
 * out in one copy. */
static void wrap(out *o, const char *text, int indent, int first)
{
    if (strstr(text, "  ")) {
        wrap_words(o, text, indent, first);
        return;
    }
    const char *p = text, *end = text + strlen(text);
    while (p < end && *p == ' ')
        p++;
    if (end > p && end[-1] == ' ')
        end--;
    /* from here every space is one, between two words */
    int col = first;
    while (p < end) {
        size_t rest = (size_t)(end - p);
        size_t room = col < WRAP_AT ? (size_t)(WRAP_AT - col) : 0;
        size_t len = rest;          /* of this line */
        if (rest > room) {
            /* the last space at or before the width ends the line */
            const char *s = p + room;
            while (s > p && *s != ' ')
                s--;
            if (s == p) {           /* the first word is longer: alone */
                s = memchr(p + room, ' ', rest - room);
                len = s ? (size_t)(s - p) : rest;
            } else {
                len = (size_t)(s - p);
            }
        }
        put(o, p, len);
        p += len + 1;               /* the space the line ends at */
        if (p < end) {
            put_break(o, (size_t)indent);
            col = indent;
        }
    }
    put_char(o, '\n');
}

/* "- TEXT" at INDENT, wrapped under itself. */
static void bullet(out *o, const char *text, int indent)
{
    static const char dash[] = "        - ";       /* the deepest indent, 8 */
    if (indent <= 8) {
        put(o, dash + 8 - indent, (size_t)indent + 2);
    } else {
        put_spaces(o, (size_t)indent);
        put_lit(o, "- ");
    }
    wrap(o, text, indent + 2, indent + 2);
}

static void reasons(out *o, const kb_strs *r, int indent)
{
    for (size_t i = 0; i < r->n; i++)
        bullet(o, r->v[i], indent);
    if (r->more)
        bullet(o, cli_more_reasons, indent);
}

/* Text that flows along a line wrapped at WRAP_AT, piece by piece: COL is
 * the column reached, INDENT that of the lines it continues on, FRESH
 * whether nothing of it is on the line yet. */
typedef struct flow {
    out *o;
    int col, indent, fresh;
    int gap;                /* the last piece ended with a space */
} flow;

static flow flow_at(out *o, int col, int indent)
{
    return (flow){.o = o, .col = col, .indent = indent, .fresh = 1};
}

/* Appends the W bytes at P as one word, after a space when GAP (on the
 * next line when the word would pass WRAP_AT). */
static void flow_word(flow *f, const char *p, size_t w, int gap)
{
    if (gap && !f->fresh) {
        if (f->col + 1 + (int)w > WRAP_AT) {
            put_break(f->o, (size_t)f->indent);
            f->col = f->indent;
        } else {
            put_char(f->o, ' ');
            f->col++;
        }
    }
    put(f->o, p, w);
    f->col += (int)w;
    f->fresh = 0;
}

/* Appends TEXT a word at a time: a word after a space goes on the next
 * line when it would pass WRAP_AT; a word TEXT starts with, without a
 * space, joins the last one (a ';' after an item). */
static void flow_put(flow *f, const char *text)
{
    const char *p = text;
    for (;;) {
        int gap = f->gap;
        f->gap = 0;
        for (; *p == ' '; p++)
            gap = 1;
        size_t w = strcspn(p, " ");
        if (!w) {
            f->gap = gap;       /* a space TEXT ends with goes before the next */
            break;
        }
        flow_word(f, p, w, gap);
        p += w;
    }
}

/* Appends TEXT as one word, never broken, after a space when the piece
 * before ended with one. */
static void flow_keep(flow *f, const char *text)
{
    int gap = f->gap;
    f->gap = 0;
    flow_word(f, text, strlen(text), gap);
}

/* Appends TAIL whole, after the line's text or at the start of the next
 * line when it does not fit (without its leading spaces there), and ends
 * the line. */
static void flow_end(flow *f, const char *tail)
{
    size_t len = strlen(tail);
    if (len && !f->fresh && f->col + (int)len > WRAP_AT) {
        put_break(f->o, (size_t)f->indent);
        tail += strspn(tail, " ");
        len = strlen(tail);
    }
    put(f->o, tail, len);
    put_char(f->o, '\n');
}

/* The items of S after LABEL, separated by SEP ("; " for role titles,
 * which may hold commas themselves: "Director, CDO or CIO"), wrapped
 * under the first item. */
static void put_list(out *o, const char *label, const kb_strs *s, const char *sep)
{
    size_t len = strlen(label);
    put(o, label, len);
    flow f = flow_at(o, (int)len, (int)len);
    for (size_t j = 0; j < s->n; j++) {
        if (j)
            flow_put(&f, sep);
        flow_put(&f, s->v[j]);
    }
    flow_end(&f, "");
}

/* A catalogue text under a heading, indented by two, after LABEL (NULL:
 * none) and wrapped under its own start; nothing when TEXT is empty. */
static void labelled(out *o, const char *label, const char *text)
{
    if (!text || !text[0])
        return;
    put_lit(o, "  ");
    if (label)
        put_str(o, label);
    wrap(o, text, label ? 4 : 2, 2 + (label ? (int)strlen(label) : 0));
}

static const char *bar(double level)
{
    static const char *bars[] = {"[....]", "[#...]", "[##..]", "[###.]", "[####]"};
    int i = (int)level;
    return bars[i < 0 ? 0 : i > 4 ? 4 : i];
}

/* The line of a next step's J-th unit: its id and title, under "Learn:"
 * for the first, and where the respondent's journey has it. */
static void learn_unit(out *o, const kb_report *r, const kb_item *it, size_t j)
{
    const char *id = it->units.v[j];
    long at = cli_journey_position(r, id);
    if (j)
        put_spaces(o, 13);
    else
        put_lit(o, "      Learn: ");
    put_padded(o, id, 8);
    put_char(o, ' ');
    size_t len = strlen(id);
    flow f = flow_at(o, 14 + (int)(len > 8 ? len : 8), 22);
    flow_put(&f, it->unit_titles.v[j]);
    if (at) {
        char mark[64];
        snprintf(mark, sizeof mark, " (unit %ld of your journey)", at);
        flow_put(&f, mark);
    }
    flow_end(&f, "");
}

/* A line of the summary: LABEL in a column of its own, then the pieces
 * of VALUE (NULL-terminated) flowing under the value's start. */
#define SUMMARY_COL 20
static void summary_line_label(out *o, const char *label)
{
    put_lit(o, "  ");
    put_padded(o, label, SUMMARY_COL - 2);
}

static void summary_line(out *o, const char *label, ...)
{
    summary_line_label(o, label);
    flow f = flow_at(o, SUMMARY_COL, SUMMARY_COL);
    va_list ap;
    va_start(ap, label);
    for (const char *p; (p = va_arg(ap, const char *));)
        flow_put(&f, p);
    va_end(ap);
    flow_end(&f, "");
}

/* The report in a few lines, for the reader who reads no further: the
 * conclusions by name, the roles to fill, the journey's size and the
 * first three next steps, numbered as in their list below. */
static void render_summary(out *o, const kb_report *r)
{
    heading(o, "Summary", "");
    const kb_item *sit = &r->situation;
    summary_line(o, "Situation", sit->id ? sit->title : "not determined",
                 r->secondary.id ? "; close second: " : "",
                 r->secondary.id ? r->secondary.title : "",
                 r->transition.id ? "; in transition to " : "",
                 r->transition.id ? r->transition.title : "", (char *)NULL);
    summary_line(o, "Maturity", r->band.id ? r->band.title : "not determined",
                 r->weakest_first ? "; work on the weakest dimensions first" : "",
                 (char *)NULL);
    summary_line(o, "Governance model", r->model.id ? r->model.title : "not determined",
                 (char *)NULL);
    summary_line_label(o, "Roles to fill");
    flow f = flow_at(o, SUMMARY_COL, SUMMARY_COL);
    for (size_t i = 0; i < r->roles.n; i++) {
        if (i)
            flow_put(&f, "; ");     /* a title may hold commas */
        flow_put(&f, r->roles.v[i].title);
    }
    flow_end(&f, r->roles.n ? "" : "none");
    char journey[96];
    long mins = r->journey_minutes % 60;
    snprintf(journey, sizeof journey, "%zu unit%s, %ld h %s%ld min", r->journey.n,
             r->journey.n == 1 ? "" : "s", r->journey_minutes / 60,
             mins >= 0 && mins < 10 ? "0" : "", mins);
    summary_line(o, "Learning journey", journey, (char *)NULL);
    for (size_t i = 0; i < r->advice.n && i < 3; i++) {
        if (i)
            put_spaces(o, SUMMARY_COL);
        else
            summary_line_label(o, "Start with");
        put_long(o, (long)(i + 1), 0);
        put_lit(o, ". ");
        f = flow_at(o, SUMMARY_COL + 3, SUMMARY_COL + 3);
        flow_put(&f, r->advice.v[i].title);
        flow_end(&f, "");
    }
    put_char(o, '\n');
}

/* LABEL, IT's title and score, and its reasons under them. */
static void scored_reasons(out *o, const char *label, const kb_item *it)
{
    put_str(o, label);
    put_str(o, it->title);
    put_lit(o, " (");
    put_num(o, it->number);
    put_lit(o, "):\n");
    reasons(o, &it->reasons, 4);
}

/* Every model's score, the chosen one first, wrapped. */
static void model_scores(out *o, const kb_report *r)
{
    if (!r->models.n)
        return;
    put_lit(o, "  Scores: ");
    flow f = flow_at(o, 10, 4);
    for (size_t i = 0; i < r->models.n; i++) {
        char num[32];       /* as put_num writes it, then the comma */
        snprintf(num, sizeof num, "%g%s", r->models.v[i].number,
                 i + 1 < r->models.n ? "," : "");
        /* the title's last word and the score stay on one line */
        const char *title = r->models.v[i].title, *last = strrchr(title, ' ');
        char head[256], tail[256];
        last = last ? last + 1 : title;
        size_t hn = (size_t)(last - title);
        if (hn < sizeof head && strlen(last) + strlen(num) + 2 < sizeof tail) {
            memcpy(head, title, hn);
            head[hn] = '\0';
            flow_put(&f, head);
            snprintf(tail, sizeof tail, "%s %s", last, num);
            flow_keep(&f, tail);
        } else {
            flow_put(&f, title);
            flow_keep(&f, num);
        }
        flow_put(&f, " ");
    }
    flow_end(&f, "");
}

static void render_text(out *o, const kb_report *r)
{
    heading_begin(o);
    put_lit(o, "== ");
    put_str(o, r->respondent);
    put_lit(o, " ==");
    heading_end(o);
    put_char(o, '\n');
    render_summary(o, r);
    if (r->situation.id) {
        heading_begin(o);
        put_lit(o, "Situation: ");
        put_str(o, r->situation.title);
        put_lit(o, " (evidence score ");
        put_num(o, r->situation.number);
        put_char(o, ')');
        heading_end(o);
        /* what the situation is and what to watch for: a respondent who
         * does not know the four situations reads it here */
        labelled(o, NULL, r->situation.summary);
        labelled(o, "Challenges: ", r->situation.challenges);
        labelled(o, "Pitfalls: ", r->situation.pitfalls);
        if (r->secondary.id) {
            put_lit(o, "  Close second: ");
            put_str(o, r->secondary.title);
            put_lit(o, " (score ");
            put_num(o, r->secondary.number);
            put_lit(o, "): the twin has traits of both.\n");
        }
        if (r->transition.id) {
            put_lit(o, "  Tied with ");
            put_str(o, r->transition.title);
            put_lit(o, ": the twin is in transition.\n");
        }
        put_lit(o, "  Scores:");
        for (size_t i = 0; i < r->scores.n; i++) {
            if (i)
                put_char(o, ',');
            put_char(o, ' ');
            put_str(o, r->scores.v[i].title);
            put_char(o, ' ');
            put_num(o, r->scores.v[i].number);
        }
        put_char(o, '\n');
        /* each situation's evidence under its name, the primary's first:
         * one list would mix the signs of a Lab into an Arena's case */
        const kb_item *it;
        for (size_t i = 0; (it = cli_score_at(r, i)); i++)
            if (it->reasons.n)
                scored_reasons(o, "  Evidence for ", it);
        put_lit(o, "  Decision:\n");
        reasons(o, &r->situation.reasons, 4);
        put_char(o, '\n');
    } else {
        /* a knowledge base or answers that decide nothing say so, as the
         * other formats do */
        heading(o, "Situation: ", "not determined");
        put_char(o, '\n');
    }
    if (r->band.id || r->dimensions.n) {
        heading_begin(o);
        put_lit(o, "Maturity: ");
        put_str(o, r->band.id ? r->band.title : "not determined");
        if (r->weakest_first)
            put_lit(o, " -- work on the weakest dimensions first");
        heading_end(o);
        labelled(o, NULL, r->band.summary);
        for (size_t i = 0; i < r->dimensions.n; i++) {
            const kb_item *d = &r->dimensions.v[i];
            put_lit(o, "  ");
            put_padded(o, d->title, 36);
            put_char(o, ' ');
            put_str(o, bar(d->number));
            put_char(o, ' ');
            put_num(o, d->number);
            put_lit(o, "/4\n");
        }
        if (r->band.id) {
            put_lit(o, "  Why:\n");
            reasons(o, &r->band.reasons, 4);
        }
        put_char(o, '\n');
    }
    if (r->model.id) {
        heading(o, "Governance model: ", r->model.title);
        labelled(o, NULL, r->model.summary);
        labelled(o, "Fits: ", r->model.text);
        model_scores(o, r);
        put_lit(o, "  Signals:\n");
        reasons(o, &r->model.reasons, 4);
    } else {
        heading(o, "Governance model: ", "not determined");
        model_scores(o, r);
    }
    /* the signals of the models not chosen: what a close runner-up has
     * for it, which the chosen model's signals do not say */
    const kb_item *other;
    for (size_t i = 0; (other = cli_other_model_at(r, i)); i++)
        scored_reasons(o, "  Signals for ", other);
    put_char(o, '\n');
    heading(o, "Roles the twin needs that you lack", r->roles.n ? "" : " (none)");
    for (size_t i = 0; i < r->roles.n; i++) {
        const kb_item *it = &r->roles.v[i];
        put_lit(o, "  * ");
        put_str(o, it->title);
        put_char(o, '\n');
        if (it->text[0]) {
            put_lit(o, "    ");
            wrap(o, it->text, 4, 4);
        }
        reasons(o, &it->reasons, 4);
    }
    put_char(o, '\n');
    heading(o, "Financing and procurement", r->finance.n ? "" : " (none found)");
    for (size_t i = 0; i < r->finance.n; i++) {
        const kb_item *it = &r->finance.v[i];
        put_lit(o, "  * ");
        put_str(o, it->title);
        put_char(o, '\n');
        if (it->text[0]) {
            put_lit(o, "    First step: ");
            wrap(o, it->text, 6, 16);
        }
        reasons(o, &it->reasons, 4);
    }
    put_char(o, '\n');
    heading(o, "Next steps, most urgent first", r->advice.n ? "" : " (none)");
    for (size_t i = 0; i < r->advice.n; i++) {
        const kb_item *it = &r->advice.v[i];
        put_lit(o, "  ");
        put_long(o, (long)(i + 1), 2);
        put_lit(o, ". ");
        flow f = flow_at(o, 6, 6);
        flow_put(&f, it->title);
        flow_end(&f, it->rank <= 1 ? "  [do first]" : it->rank == 2 ? "  [next]"
                                                                    : "  [when there is room]");
        put_lit(o, "      ");
        wrap(o, it->text, 6, 6);
        if (it->who.n)
            put_list(o, "      Who: ", &it->who, "; ");
        for (size_t j = 0; j < it->units.n; j++)
            learn_unit(o, r, it, j);
        if (it->reasons.n) {
            put_lit(o, "      Because:\n");
            reasons(o, &it->reasons, 8);
        }
    }
    put_char(o, '\n');
    /* "%zu unit%s, %ld h %02ld min in all" */
    long mins = r->journey_minutes % 60;
    heading_begin(o);
    put_lit(o, "Learning journey: ");
    put_long(o, (long)r->journey.n, 0);
    put_str(o, r->journey.n == 1 ? " unit, " : " units, ");
    put_long(o, r->journey_minutes / 60, 0);
    put_str(o, mins >= 0 && mins < 10 ? " h 0" : " h ");
    put_long(o, mins, 0);
    put_lit(o, " min in all");
    heading_end(o);
    if (r->journey_reasons.n) {
        put_lit(o, "  Why:\n");        /* where it starts and stops, its size */
        reasons(o, &r->journey_reasons, 4);
    }
    for (size_t i = 0; i < r->journey.n; i++) {
        const kb_item *it = &r->journey.v[i];
        put_lit(o, "  ");
        put_long(o, it->rank, 2);
        put_lit(o, ". ");
        put_padded(o, it->id, 8);
        put_char(o, ' ');
        size_t len = strlen(it->id);
        flow f = flow_at(o, 7 + (int)(len > 8 ? len : 8), 15);
        flow_put(&f, it->title);
        char tail[80];      /* the minutes as put_num writes them */
        snprintf(tail, sizeof tail, " (%g min, EQF %ld)", it->number, it->eqf);
        flow_put(&f, tail);
        flow_end(&f, "");
        reasons(o, &it->reasons, 8);   /* why this unit, for this respondent */
    }
    put_char(o, '\n');
}

void cli_report_text(FILE *fp, const kb_report *r, int colour)
{
    out o;
    o.fp = fp;
    o.colour = colour;
    o.n = 0;
    render_text(&o, r);
    flush(&o);
}

/* ------------------------------------------------------------ JSON */

/* S as a JSON string.  The characters that need no escape go out a run
 * at a time: a call into stdio per character costs more than the rest. */
static void jstr(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', fp);
    for (;; p++) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), fp);
        if (!*p)
            break;
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default: fprintf(fp, "\\u%04x", *p);
        }
    }
    fputc('"', fp);
}

static void jstrs(FILE *fp, const kb_strs *s)
{
    fputc('[', fp);
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            fputc(',', fp);
        jstr(fp, s->v[i]);
    }
    fputc(']', fp);
}

static void jnum(FILE *fp, double d)
{
    if (d == (long long)d)
        fprintf(fp, "%lld", (long long)d);
    else
        fprintf(fp, "%.17g", d);
}

/* ,"reasons":[...], and ,"more_reasons":true when the list has more. */
static void jreasons(FILE *fp, const kb_strs *r)
{
    fputs(",\"reasons\":", fp);
    jstrs(fp, r);
    if (r->more)
        fputs(",\"more_reasons\":true", fp);
}

/* ,"NAME":"TEXT" when TEXT is not empty. */
static void jtext(FILE *fp, const char *name, const char *text)
{
    if (!text || !text[0])
        return;
    fprintf(fp, ",\"%s\":", name);
    jstr(fp, text);
}

/* "id", "title", "reasons" and the fields of this item's section; with
 * ABOUT, what the catalogue says of the item too (a situation's
 * "summary", "challenges" and "pitfalls", a band's or a model's
 * "summary"). */
static void jitem(FILE *fp, const kb_item *it, const char *numname,
                  const char *textname, int about)
{
    if (!it->id) {
        fputs("null", fp);
        return;
    }
    fputs("{\"id\":", fp);
    jstr(fp, it->id);
    fputs(",\"title\":", fp);
    jstr(fp, it->title);
    if (numname) {
        fprintf(fp, ",\"%s\":", numname);
        jnum(fp, it->number);
    }
    if (textname) {
        fprintf(fp, ",\"%s\":", textname);
        jstr(fp, it->text);
    }
    if (about) {
        jtext(fp, "summary", it->summary);
        jtext(fp, "challenges", it->challenges);
        jtext(fp, "pitfalls", it->pitfalls);
    }
    jreasons(fp, &it->reasons);
    fputc('}', fp);
}

static void jlist(FILE *fp, const kb_list *l, const char *numname,
                  const char *textname)
{
    fputc('[', fp);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            fputc(',', fp);
        jitem(fp, &l->v[i], numname, textname, 0);
    }
    fputc(']', fp);
}

void cli_report_json(FILE *fp, const kb_report *r)
{
    fputs("{\"respondent\":", fp);
    jstr(fp, r->respondent);
    fputs(",\"situation\":{\"primary\":", fp);
    jitem(fp, &r->situation, "score", NULL, 1);
    fputs(",\"secondary\":", fp);
    jitem(fp, &r->secondary, "score", NULL, 1);
    fputs(",\"transition\":", fp);
    jitem(fp, &r->transition, NULL, NULL, 1);
    fputs(",\"scores\":", fp);
    jlist(fp, &r->scores, "score", NULL);
    fputs("},\"maturity\":{\"band\":", fp);
    jitem(fp, &r->band, NULL, NULL, 1);
    fprintf(fp, ",\"weakest_first\":%s,\"dimensions\":", r->weakest_first ? "true" : "false");
    jlist(fp, &r->dimensions, "level", NULL);
    fputs("},\"model\":", fp);
    jitem(fp, &r->model, NULL, "fits", 1);
    fputs(",\"model_scores\":", fp);
    jlist(fp, &r->models, "score", NULL);
    fputs(",\"roles\":", fp);
    jlist(fp, &r->roles, NULL, "does");
    fputs(",\"finance\":", fp);
    jlist(fp, &r->finance, NULL, "first_step");
    fputs(",\"advice\":[", fp);
    for (size_t i = 0; i < r->advice.n; i++) {
        const kb_item *it = &r->advice.v[i];
        fputs(i ? ",{\"id\":" : "{\"id\":", fp);
        jstr(fp, it->id);
        fputs(",\"title\":", fp);
        jstr(fp, it->title);
        fputs(",\"text\":", fp);
        jstr(fp, it->text);
        fprintf(fp, ",\"priority\":%ld,\"dimension\":", it->rank);
        if (it->dimension)
            jstr(fp, it->dimension);
        else
            fputs("null", fp);
        fputs(",\"situation_step\":", fp);
        fputs(it->own_situation ? "true" : "false", fp);
        fputs(",\"who\":", fp);
        jstrs(fp, &it->who);
        fputs(",\"units\":", fp);
        jstrs(fp, &it->units);
        fputs(",\"learn\":[", fp);
        for (size_t j = 0; j < it->units.n; j++) {
            long at = cli_journey_position(r, it->units.v[j]);
            fputs(j ? ",{\"id\":" : "{\"id\":", fp);
            jstr(fp, it->units.v[j]);
            fputs(",\"title\":", fp);
            jstr(fp, it->unit_titles.v[j]);
            if (at)
                fprintf(fp, ",\"journey_position\":%ld}", at);
            else
                fputs(",\"journey_position\":null}", fp);
        }
        fputc(']', fp);
        jreasons(fp, &it->reasons);
        fputc('}', fp);
    }
    fprintf(fp, "],\"journey\":{\"total_minutes\":%ld", r->journey_minutes);
    jreasons(fp, &r->journey_reasons);
    fputs(",\"units\":[", fp);
    for (size_t i = 0; i < r->journey.n; i++) {
        const kb_item *it = &r->journey.v[i];
        fprintf(fp, "%s{\"position\":%ld,\"id\":", i ? "," : "", it->rank);
        jstr(fp, it->id);
        fputs(",\"title\":", fp);
        jstr(fp, it->title);
        fputs(",\"module\":", fp);
        jstr(fp, it->module);
        fputs(",\"minutes\":", fp);
        jnum(fp, it->number);
        fprintf(fp, ",\"eqf\":%ld,\"summary\":", it->eqf);
        jstr(fp, it->text);
        jreasons(fp, &it->reasons);
        fputc('}', fp);
    }
    fputs("]}}", fp);
}

/* ------------------------------------------------------------ output */

int cli_format(const char *name)
{
    if (!strcmp(name, "text")) return CLI_FMT_TEXT;
    if (!strcmp(name, "markdown") || !strcmp(name, "md")) return CLI_FMT_MARKDOWN;
    if (!strcmp(name, "html")) return CLI_FMT_HTML;
    if (!strcmp(name, "json")) return CLI_FMT_JSON;
    return -1;
}

/* The temporary file to remove when a signal ends the program before the
 * output is finished (one output at a time), and the handlers it replaced. */
static const char *volatile sig_tmp;
static const int sig_nums[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction sig_old[3];

static void on_signal(int sig)
{
    const char *t = sig_tmp;
    if (t)
        unlink(t);
    raise(sig);                 /* SA_RESETHAND: now the default action */
}

static void signals_catch(const char *tmp)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sig_tmp = tmp;
    for (size_t i = 0; i < 3; i++)
        sigaction(sig_nums[i], &sa, &sig_old[i]);
}

static void signals_restore(void)
{
    for (size_t i = 0; i < 3; i++)
        sigaction(sig_nums[i], &sig_old[i], NULL);
    sig_tmp = NULL;
}

/* Why a file could not be created in DIR, from ERRNO. */
static void cannot_create(const char *path, const char *dir, int err)
{
    switch (err) {
    case ENOENT:
        cli_errorf(PROG ": cannot create '%s': the directory '%s' does not exist",
                path, dir);
        break;
    case EACCES: case EPERM:
        cli_errorf(PROG ": cannot create '%s': no permission to write in the "
                "directory '%s'", path, dir);
        break;
    case EROFS:
        cli_errorf(PROG ": cannot create '%s': the directory '%s' is on a read-only "
                "file system", path, dir);
        break;
    case ENOTDIR:
        cli_errorf(PROG ": cannot create '%s': '%s' is not a directory", path, dir);
        break;
    default:
        cli_errorf(PROG ": cannot create '%s': %s", path, strerror(err));
    }
}

/* 1 when the regular file PATH starts as every SQLite database does. */
static int is_sqlite(const char *path)
{
    static const char magic[16] = "SQLite format 3";    /* and its NUL */
    char head[16];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return n == sizeof head && !memcmp(head, magic, sizeof head);
}

/* Whether PATH is a file SQLite keeps beside a database (its write-ahead
 * log, shared memory or journal), whose loss can lose what was saved. */
static int is_sqlite_side(const char *path)
{
    static const char *const sides[] = {"-wal", "-shm", "-journal"};
    size_t len = strlen(path);
    for (size_t i = 0; i < 3; i++) {
        size_t sl = strlen(sides[i]);
        if (len > sl && len - sl < PATH_MAX && !strcmp(path + len - sl, sides[i])) {
            char db[PATH_MAX];
            snprintf(db, sizeof db, "%.*s", (int)(len - sl), path);
            if (is_sqlite(db))
                return 1;
        }
    }
    return 0;
}

/* Where the chain of symbolic links from PATH ends: a path that is no
 * link, and need not exist (a link to a file not made yet).  NULL with
 * errno ELOOP for a loop (40 links), or ENOMEM. */
static char *link_end(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        char to[PATH_MAX];
        ssize_t n;
        if (lstat(cur, &st) || !S_ISLNK(st.st_mode) ||
            (n = readlink(cur, to, sizeof to - 1)) < 0)
            return cur;
        to[n] = '\0';
        /* a relative link is relative to the directory holding it */
        const char *slash = strrchr(cur, '/');
        size_t dl = to[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dl + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dl);
            memcpy(next + dl, to, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    if (cur) {
        free(cur);
        errno = ELOOP;
    } else {
        errno = ENOMEM;
    }
    return NULL;
}

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->fp = stdout;
    if (!path || !strcmp(path, "-"))
        return 0;
    struct stat st;
    char *target = NULL;
    /* a pipe, a socket or a device reached through links (/dev/stdout is
     * a link to /proc/self/fd/1, itself a link to "pipe:[N]", which names
     * no file): written to as it is */
    if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        if (access(path, W_OK) || !(o->fp = fopen(path, "w"))) {
            cli_errorf(PROG ": cannot write '%s': %s", path, strerror(errno));
            memset(o, 0, sizeof *o);
            return EX_CANTCREAT;
        }
        o->path = strdup(path);     /* for messages: "the output" without */
        return 0;
    }
    /* write through a symbolic link to the file it names, also one that
     * does not exist yet (never over the link itself) */
    if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
        target = realpath(path, NULL);
        if (!target && !(target = link_end(path)) && errno == ELOOP) {
            cli_errorf(PROG ": cannot write '%s': %s", path, strerror(ELOOP));
            memset(o, 0, sizeof *o);
            return EX_CANTCREAT;
        }
    } else {
        target = strdup(path);
    }
    o->path = strdup(path);
    if (!target || !o->path) {
        free(target);
        free(o->path);
        o->path = NULL;
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = 0666 & ~mask;
    if (!stat(target, &st)) {
        if (S_ISDIR(st.st_mode)) {
            cli_errorf(PROG ": cannot create '%s': it is a directory", path);
            goto fail;
        }
        if (access(target, W_OK)) {
            cli_errorf(PROG ": cannot write '%s': %s", path, strerror(errno));
            goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
            /* a device or a pipe (/dev/null, /dev/stdout): write to it as
             * it is, never rename over it */
            o->fp = fopen(target, "w");
            if (!o->fp) {
                cli_errorf(PROG ": cannot write '%s': %s", path, strerror(errno));
                goto fail;
            }
            free(target);
            return 0;
        }
        if (is_sqlite(target) || is_sqlite_side(target)) {
            /* a sessions database (this one or another): a report or an
             * export written over it would lose every session in it */
            cli_errorf(PROG ": cannot write '%s': it is an SQLite database, such as "
                    "saved sessions are kept in; choose another file with -o", path);
            goto fail;
        }
        mode = st.st_mode & 07777;
    } else if (is_sqlite_side(target)) {
        /* the name of a database's journal or log that is not there yet:
         * SQLite would take the report for one when it next opens the
         * database, and delete it or roll the database back with it */
        cli_errorf(PROG ": cannot write '%s': it is the name of a file SQLite keeps beside "
                "a database (its journal or write-ahead log); choose another file with -o",
                path);
        goto fail;
    }
    /* the temporary file: DIR/.BASE.XXXXXX, in the same file system */
    size_t len = strlen(target);
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t dirlen = slash ? (size_t)(slash - target) : 0;
    char dir[PATH_MAX];
    if (!slash)
        strcpy(dir, ".");
    else if (dirlen == 0)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)dirlen, target);
    if (!*base) {
        cli_errorf(PROG ": cannot create '%s': it names a directory, not a file", path);
        goto fail;
    }
    o->tmp = malloc(len + 10);
    if (!o->tmp) {
        free(target);
        free(o->path);
        memset(o, 0, sizeof *o);
        return cli_exit(ENG_ENOMEM);
    }
    snprintf(o->tmp, len + 10, "%.*s.%s.XXXXXX", (int)(base - target), target, base);
    /* no signal between making the temporary file and catching signals
     * to remove it: block them for that moment */
    sigset_t block, oldmask;
    sigemptyset(&block);
    for (size_t i = 0; i < 3; i++)
        sigaddset(&block, sig_nums[i]);
    sigprocmask(SIG_BLOCK, &block, &oldmask);
    int fd = mkstemp(o->tmp);
    int mkerr = errno;
    if (fd >= 0)
        signals_catch(o->tmp);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    if (fd < 0) {
        cannot_create(path, dir, mkerr);
        goto fail;
    }
    (void)fchmod(fd, mode);     /* mkstemp makes it 0600 */
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        cli_errorf(PROG ": cannot write '%s': %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        signals_restore();
        goto fail;
    }
    free(o->path);
    o->path = target;           /* rename onto the file a link names */
    return 0;
fail:
    free(target);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return EX_CANTCREAT;
}

int cli_output_close(cli_output *o, int commit)
{
    int rc = 0;
    if (!o->fp)
        return 0;
    if (o->fp == stdout) {
        errno = 0;
        if (fflush(stdout) || ferror(stdout)) {
            fprintf(stderr, PROG ": cannot write to standard output: %s\n",
                    strerror(o->werr ? o->werr : errno ? errno : EIO));
            rc = EX_IOERR;
        }
        o->fp = NULL;
        return rc;
    }
    const char *path = o->path ? o->path : "the output";
    int err = 0;
    errno = 0;
    if (fflush(o->fp) || ferror(o->fp))
        err = o->werr ? o->werr : errno ? errno : EIO;
    else if (o->tmp && commit && fsync(fileno(o->fp)) && errno != EINVAL)
        err = errno;
    if (fclose(o->fp) && !err)
        err = errno ? errno : EIO;
    o->fp = NULL;
    if (err && (commit || !o->tmp)) {
        cli_errorf(PROG ": cannot write '%s': %s", path, strerror(err));
        rc = EX_IOERR;
    }
    if (o->tmp) {
        if (commit && !rc && rename(o->tmp, o->path)) {
            cli_errorf(PROG ": cannot replace '%s': %s", path, strerror(errno));
            rc = EX_CANTCREAT;
        }
        if (!commit || rc) {
            unlink(o->tmp);
            if (commit)
                cli_errorf(PROG ": '%s' is unchanged", path);
        }
        signals_restore();
    }
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return rc;
}

/* ------------------------------------------------------------ command */

/* The title of an HTML page of the N reports R from NFILES answers files,
 * the first PATH. */
static void html_title(char *buf, size_t size, kb_report *const *r, size_t n,
                       const char *path, size_t nfiles)
{
    const char *base = strrchr(path, '/');
    if (n == 1)
        snprintf(buf, size, "Local Digital Twin advice for %s", r[0]->respondent);
    else if (nfiles == 1)
        snprintf(buf, size, "Local Digital Twin advice for %s", base ? base + 1 : path);
    else
        snprintf(buf, size, "Local Digital Twin advice for %zu respondents", n);
}

/* The process's peak resident memory in KiB (VmHWM), or -1. */
static long peak_kib(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, "VmHWM:", 6))
            kib = strtol(line + 6, NULL, 10);
    fclose(fp);
    return kib;
}

static void print_stats(const char *when, size_t n, const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
    cli_errorf("stats: %s: %zu respondents in %.3f s (%.0f a second), peak memory %ld KiB",
            when, n, s, s > 0 ? (double)n / s : 0.0, peak_kib());
}

/* --watch questions: for each question, whether it was answered and, if
 * not, whether the questionnaire would still ask it. */
static void watch_questions(kb *k)
{
    eng_engine *e = kb_engine(k);
    const eng_question *next = kb_next_question(k);
    for (size_t i = 0; i < eng_question_count(e); i++) {
        const eng_question *q = eng_question_at(e, i);
        const char *state = kb_answered(k, q) ? "answered"
                          : !eng_question_askable(e, q) ? "not asked: its ask_if does not hold"
                          : q == next ? "unanswered: the next question to ask"
                          : "unanswered";
        fprintf(stderr, "QUESTION %s: %s\n", eng_question_id(q), state);
    }
}

/* The names of the respondents of the answers files read so far, for a
 * name that comes again in a later file: an open-addressing table, at
 * most half full. */
typedef struct seen_name {
    char *name;             /* NULL: an empty slot */
    size_t file;            /* index of the file it was first in */
    int line;               /* of its header there */
} seen_name;

typedef struct seen_set {
    seen_name *slot;
    size_t n, cap;
} seen_set;

static size_t seen_hash(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static seen_name *seen_find(const seen_set *t, const char *name)
{
    if (!t->cap)
        return NULL;
    for (size_t i = seen_hash(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1))
        if (!t->slot[i].name || !strcmp(t->slot[i].name, name))
            return &t->slot[i];
}

/* Adds NAME, first in file FILE at LINE, unless it is there; 0 or -1 when
 * memory ran out. */
static int seen_add(seen_set *t, const char *name, size_t file, int line)
{
    if (2 * (t->n + 1) > t->cap) {
        seen_set g = {calloc(t->cap ? 2 * t->cap : 64, sizeof *g.slot), t->n,
                      t->cap ? 2 * t->cap : 64};
        if (!g.slot)
            return -1;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i].name)
                *seen_find(&g, t->slot[i].name) = t->slot[i];
        free(t->slot);
        *t = g;
    }
    seen_name *s = seen_find(t, name);
    if (s->name)
        return 0;
    if (!(s->name = strdup(name)))
        return -1;
    s->file = file;
    s->line = line;
    t->n++;
    return 0;
}

static void seen_free(seen_set *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->slot[i].name);
    free(t->slot);
}

/* One `advise`: its settings, and what it has done so far over its
 * answers files. */
typedef struct advise_run {
    kb *k;
    eng_engine *e;
    FILE *fp;
    int format, colour, stats;
    unsigned watch;
    long maxf;
    struct timespec t0;
    const char **files;         /* the answers files, in the order given */
    size_t nfiles;
    const char **who;           /* the respondents named (none: all) */
    unsigned char *given;       /*   1: named as an argument, not with -r */
    unsigned char *found;       /*   1: some file has it */
    size_t nwho;
    seen_set seen;              /* with several files: the names so far */
    kb_report **reps;           /* HTML: every report, for one page */
    size_t nreps, capreps;
    size_t shown;               /* diagnostics printed so far */
    size_t advised;
    int opened;                 /* a file was read: the output has begun */
    int first;                  /* no report written yet (JSON's commas) */
    int exitc;
    int werr;                   /* the first failed write's errno */
    int stop;                   /* out of memory, or the output failed */
} advise_run;

/* Records exit status CODE: running out of memory outweighs everything,
 * then something named that is not there (66), then the first other. */
static void advise_fail(advise_run *a, int code)
{
    if (code == EX_OSERR || a->exitc == EX_OSERR)
        a->exitc = EX_OSERR;
    else if (code == EX_NOINPUT || a->exitc == EX_NOINPUT)
        a->exitc = EX_NOINPUT;
    else if (!a->exitc)
        a->exitc = code;
}

static void advise_oom(advise_run *a)
{
    fprintf(stderr, PROG ": out of memory\n");
    advise_fail(a, EX_OSERR);
    a->stop = 1;
}

/* Advises respondent I of ANS, from file PATH. */
static void advise_one(advise_run *a, const eng_answers *ans, const char *path, size_t i)
{
    eng_engine *e = a->e;
    const char *name = eng_answers_name(ans, i);
    cli_watch w;
    if (a->watch) {
        fprintf(stderr, "== respondent %s\n", name);
        cli_watch_start(&w, e, a->watch);
    }
    int rc = eng_reset(e);
    if (!rc)
        rc = eng_answers_assert(e, ans, i);
    if (!rc)
        rc = eng_run(e, a->maxf, NULL);
    if (a->watch & CLI_WATCH_QUESTIONS) {
        int r2 = kb_questions_index(a->k);
        if (r2 && !rc)
            rc = r2;
        else if (!r2)
            watch_questions(a->k);
    }
    eng_set_listener(e, NULL, NULL);
    cli_diags(e, a->shown);
    a->shown = eng_diag_count(e);
    kb_report *rep = NULL;
    if (!rc)
        rc = kb_report_build(a->k, name, &rep);
    if (rc) {
        advise_fail(a, cli_exit(rc));
        if (rc == ENG_ENOMEM) {
            a->stop = 1;
            return;
        }
        /* the error printed above names a rule, not the respondent */
        cli_errorf("%s: note: respondent '%s' is not advised because of the error above",
                path, name);
        return;
    }
    switch (a->format) {
    case CLI_FMT_JSON:
        if (!a->first)
            fputc(',', a->fp);
        cli_report_json(a->fp, rep);
        break;
    case CLI_FMT_MARKDOWN:
        cli_report_markdown(a->fp, rep);
        break;
    case CLI_FMT_HTML:
        /* rendered at the end, all on one page */
        if (a->nreps == a->capreps) {
            size_t cap = a->capreps ? 2 * a->capreps : 16;
            kb_report **g = realloc(a->reps, cap * sizeof *g);
            if (!g) {
                kb_report_free(rep);
                advise_oom(a);
                return;
            }
            a->reps = g;
            a->capreps = cap;
        }
        a->reps[a->nreps++] = rep;
        rep = NULL;
        break;
    default:
        cli_report_text(a->fp, rep, a->colour);
    }
    a->first = 0;
    kb_report_free(rep);
    if (ferror(a->fp)) {
        /* a full disk: said once, at the end, with its own reason */
        a->werr = errno ? errno : EIO;
        a->stop = 1;
        return;
    }
    if (++a->advised == 1000 && a->stats)
        print_stats("after the first 1000", a->advised, &a->t0);
}

/* Advises the respondents of answers file FI (those named, or all). */
static void advise_file(advise_run *a, size_t fi)
{
    eng_engine *e = a->e;
    const char *path = cli_answers_name(a->files[fi]);
    unsigned char *pick = NULL;
    eng_answers *ans = cli_answers_read(e, a->files[fi]);
    if (!ans) {
        int oom = errno == ENOMEM;
        cli_diags(e, a->shown);
        a->shown = eng_diag_count(e);
        if (oom) {
            advise_fail(a, cli_exit(ENG_ENOMEM));
            a->stop = 1;
        } else {
            advise_fail(a, EX_NOINPUT);
        }
        return;
    }
    if (!a->opened && a->format == CLI_FMT_JSON)
        fputs("{\"respondents\":[", a->fp);
    a->opened = 1;
    size_t n = eng_answers_count(ans);
    if (!(pick = calloc(n + 1, 1))) {
        advise_oom(a);
        goto done;
    }
    if (!a->nwho)
        memset(pick, 1, n);
    for (size_t w = 0; w < a->nwho; w++)
        for (size_t j = 0; j < n; j++)
            if (!strcmp(eng_answers_name(ans, j), a->who[w])) {
                pick[j] = 1;
                a->found[w] = 1;
                break;
            }
    /* a respondent named has all of its problems shown, also those past
     * the file's first errors */
    for (size_t i = 0; a->nwho && i < n; i++)
        if (pick[i] && eng_answers_report(e, ans, i) == ENG_ENOMEM) {
            cli_diags(e, a->shown);
            a->shown = eng_diag_count(e);
            advise_fail(a, cli_exit(ENG_ENOMEM));
            a->stop = 1;
            goto done;
        }
    /* errors of the file itself (a key before any section, a duplicate
     * respondent) belong to no respondent: they too make the exit status
     * 65, after the valid respondents are done.  With respondents named,
     * the problems of the others' sections are not this command's. */
    size_t file_errors = a->nwho ? cli_diags_picked(e, a->shown, ans, path, (char *)pick)
                                 : cli_diags(e, a->shown);
    a->shown = eng_diag_count(e);
    if (file_errors)
        advise_fail(a, EX_DATAERR);
    /* a name that an earlier file had: the first is the respondent, as
     * for a name given twice in one file */
    for (size_t i = 0; a->nfiles > 1 && i < n; i++) {
        if (!pick[i])
            continue;
        const char *name = eng_answers_name(ans, i);
        int col, line = eng_answers_where(ans, i, NULL);
        seen_name *s = seen_find(&a->seen, name);
        if (s && s->name) {
            eng_answers_where(ans, i, &col);
            if (eng_diag_add(e, ENG_ERROR, path, line, col,
                             "duplicate respondent '%s' (first in %s at line %d): a "
                             "respondent's name is given once in all the answers files",
                             name, cli_answers_name(a->files[s->file]), s->line)) {
                advise_oom(a);
                goto done;
            }
            pick[i] = 2;
        } else if (seen_add(&a->seen, name, fi, line)) {
            advise_oom(a);
            goto done;
        }
    }
    if (cli_diags(e, a->shown))
        advise_fail(a, EX_DATAERR);
    a->shown = eng_diag_count(e);
    for (size_t i = 0; i < n && !a->stop; i++) {
        if (pick[i] != 1)
            continue;
        if (!eng_answers_valid(ans, i)) {
            cli_errorf("%s: note: respondent '%s' is not advised because of %s", path,
                    eng_answers_name(ans, i),
                    eng_answers_hidden(ans, i) && !a->nwho ? "errors in its answers (not all shown)"
                                                           : "the errors above");
            advise_fail(a, EX_DATAERR);
            continue;
        }
        advise_one(a, ans, path, i);
    }
done:
    free(pick);
    eng_answers_free(ans);
}

int cmd_advise(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", "--format", "--max-firings",
                                             "-o|--output", "-r|--respondent", "--watch", NULL};
    static const char *const flags[] = {"-h|--help", "--stats", NULL};
    cli_args args = {.argc = argc, .argv = argv, .cmd = "advise", .with_value = with_value,
                     .flags = flags};
    advise_run a = {.format = CLI_FMT_TEXT, .first = 1};
    clock_gettime(CLOCK_MONOTONIC, &a.t0);
    const char *kbdir = NULL, *outpath = NULL, *opt, *val;
    int r, status, written = 0;
    cli_output dest = {0};
    a.files = calloc((size_t)argc + 1, sizeof *a.files);
    a.who = calloc((size_t)argc + 1, sizeof *a.who);
    a.given = calloc((size_t)argc + 1, 1);
    a.found = calloc((size_t)argc + 1, 1);
    if (!a.files || !a.who || !a.given || !a.found) {
        fprintf(stderr, PROG ": out of memory\n");
        a.exitc = EX_OSERR;
        goto out;
    }
    while ((r = cli_next(&args, &opt, &val)) != CLI_END) {
        struct stat st;
        a.exitc = EX_USAGE;
        if (r == CLI_ERR)
            goto out;
        if (r == CLI_ARG) {
            /* the first argument is an answers file; a later one is one
             * too when there is such a file, else a respondent's name */
            if (!a.nfiles && cli_name_given("advise", NULL, CLI_NAME_ANSWERS, val))
                goto out;
            if (!a.nfiles || !strcmp(val, "-") || (*val && !stat(val, &st))) {
                for (size_t f = 0; f < a.nfiles; f++)
                    if (!strcmp(val, "-") && !strcmp(a.files[f], "-")) {
                        cli_usage("advise: '-' (standard input) is given twice");
                        goto out;
                    }
                a.files[a.nfiles++] = val;
            } else {
                a.given[a.nwho] = 1;
                a.who[a.nwho++] = val;
            }
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(advise_help, stdout);
            a.exitc = cli_flush_stdout();
            goto out;
        } else if (!strcmp(opt, "--kb")) {
            if (cli_name_given("advise", opt, CLI_NAME_KB, val))
                goto out;
            kbdir = val;
        } else if (!strcmp(opt, "-o") || !strcmp(opt, "--output")) {
            if (!*val) {
                cli_usage("advise: %s takes a file name", opt);
                goto out;
            }
            outpath = val;
        } else if (!strcmp(opt, "-r") || !strcmp(opt, "--respondent")) {
            if (!*val) {
                cli_usage("advise: %s takes a respondent's name (the NAME of [answers NAME])",
                          opt);
                goto out;
            }
            a.who[a.nwho++] = val;
        } else if (!strcmp(opt, "--format")) {
            a.format = cli_format(val);
            if (a.format < 0) {
                cli_usage("advise: --format takes text, markdown, html or json, not '%s'", val);
                goto out;
            }
        } else if (!strcmp(opt, "--stats")) {
            a.stats = 1;
        } else if (!strcmp(opt, "--watch")) {
            if (cli_watch_parse("advise", val, CLI_WATCH_ALL, &a.watch))
                goto out;
        } else if (!strcmp(opt, "--max-firings")) {
            char *end;
            errno = 0;
            a.maxf = strtol(val, &end, 10);
            if (errno || *end || end == val || a.maxf <= 0) {
                cli_usage("advise: --max-firings takes a positive whole number, not '%s'", val);
                goto out;
            }
        } else {
            cli_usage("advise: unknown option '%s'", opt);
            goto out;
        }
        a.exitc = 0;
    }
    if (!a.nfiles) {
        cli_usage("advise: missing the answers file (an INI file of [answers NAME] sections)");
        a.exitc = EX_USAGE;
        goto out;
    }
    /* the same file twice would give every respondent twice; the output
     * must not replace an answers file */
    struct stat so, sf, sg;
    int have_out = outpath && !stat(outpath, &so);
    for (size_t f = 0; f < a.nfiles; f++) {
        if (stat(a.files[f], &sf))
            continue;           /* said when it is read */
        if (have_out && so.st_dev == sf.st_dev && so.st_ino == sf.st_ino) {
            cli_usage("advise: '%s' is %s answers file; write the advice elsewhere", outpath,
                      a.nfiles == 1 ? "the" : "an");
            a.exitc = EX_USAGE;
            goto out;
        }
        for (size_t g = 0; g < f; g++)
            if (!stat(a.files[g], &sg) && sg.st_dev == sf.st_dev && sg.st_ino == sf.st_ino) {
                cli_usage("advise: '%s' and '%s' are the same answers file: give it once",
                          a.files[g], a.files[f]);
                a.exitc = EX_USAGE;
                goto out;
            }
    }
    /* the output first: a path that cannot be written fails before the work */
    if ((a.exitc = cli_output_open(&dest, outpath)))
        goto out;
    a.fp = dest.fp;
    a.k = kb_open(cli_kb_path(kbdir), &cli_advice_config, &status);
    if (!a.k) {
        fprintf(stderr, PROG ": out of memory\n");
        a.exitc = EX_OSERR;
        goto done;
    }
    a.e = kb_engine(a.k);
    cli_diags(a.e, 0);
    a.shown = eng_diag_count(a.e);
    if (status) {
        a.exitc = cli_exit(status);
        goto done;
    }
    /* colour only for text on a terminal */
    a.colour = a.format == CLI_FMT_TEXT && a.fp == stdout && cli_colour(stdout);
    for (size_t f = 0; f < a.nfiles && !a.stop; f++)
        advise_file(&a, f);
    if (a.werr)
        dest.werr = a.werr;
    if (a.stats)
        print_stats("at the end", a.advised, &a.t0);
    /* a respondent named that no file has is what was asked for and is
     * not there (66): that status stays, whatever else is wrong (but for
     * running out of memory); the others named are still advised */
    for (size_t w = 0; w < a.nwho && a.exitc != EX_OSERR; w++) {
        if (a.found[w])
            continue;
        const char *nofile = a.given[w] ? ", and there is no file of that name" : "";
        if (a.nfiles == 1)
            cli_errorf("%s: error: no respondent '%s' in this file%s", a.files[0],
                    a.who[w], nofile);
        else
            cli_errorf(PROG ": error: no respondent '%s' in the %zu answers files%s",
                    a.who[w], a.nfiles, nofile);
        advise_fail(&a, EX_NOINPUT);
    }
    if (a.exitc == EX_OSERR || !a.opened)
        goto done;              /* said so already; or no file could be read */
    if (a.format == CLI_FMT_JSON)
        fputs("]}\n", a.fp);
    if (a.format == CLI_FMT_HTML) {
        char title[512];
        html_title(title, sizeof title, a.reps, a.nreps, a.files[0], a.nfiles);
        cli_report_html(a.fp, (const kb_report *const *)a.reps, a.nreps, title);
    }
    /* a file named with -o is left as it was when nobody could be advised */
    written = a.advised > 0 || !a.exitc;
    if (!written && dest.tmp)
        cli_errorf(PROG ": nobody was advised, so '%s' is unchanged", dest.path);
done:
    /* the file is put in place only when the advice was written: not after
     * a knowledge base or answers file that could not be read */
    r = cli_output_close(&dest, written);
    if (r)
        a.exitc = r;
out:
    for (size_t i = 0; i < a.nreps; i++)
        kb_report_free(a.reps[i]);
    free(a.reps);
    seen_free(&a.seen);
    kb_close(a.k);
    free(a.files);
    free(a.who);
    free(a.given);
    free(a.found);
    return a.exitc;
}
