/*
 * report_html.c -- the advice of one run as one self-contained HTML page:
 * a report a city can read on a phone, send round or print.  The last
 * stage of the pipeline, beside the text, JSON and Markdown renderers.
 *
 * The page needs nothing else: the CSS is inline, the charts are inline
 * SVG drawn here, there are no scripts, fonts or images to fetch, and a
 * Content-Security-Policy says so to the browser.  For each respondent it
 * shows a summary first (situation, maturity band, governance model,
 * roles to fill, the journey's size, the first three next steps), the two
 * charts (situation scores as
 * bars, the eight maturity dimensions as a radar), then every section with
 * its reasons, and the learning journey as a table with the total time.
 *
 * Every text from the answers and the knowledge base goes through esc().
 * Element ids are made from the respondent's position, never from its
 * name.  The chart elements carry classes (bar, axis, ring, level-area,
 * axis-label) and data attributes that tests count.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------ escaping */

/* Writes S escaped for HTML text and attribute values; control characters
 * other than tab and newline become spaces. */
static void esc(FILE *fp, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        /* the characters that need nothing go out a run at a time */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != 0x7f && *p != '&' && *p != '<' && *p != '>' &&
               *p != '"' && *p != '\'')
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), fp);
        if (!*p)
            break;
        switch (*p) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        case '\t': case '\n': fputc(*p, fp); break;
        default:
            fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, fp);
        }
    }
}

/* The number of characters (UTF-8 code points) of S. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Writes S escaped, cut to MAX characters with an ellipsis when longer (a
 * label in a chart, whose full text is in a title or table nearby). */
static void esc_cut(FILE *fp, const char *s, size_t max)
{
    if (chars(s) <= max) {
        esc(fp, s);
        return;
    }
    char buf[1024];
    size_t n = 0, c = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof buf - 1; p++) {
        if ((*p & 0xC0) != 0x80 && c++ == max - 1)
            break;
        buf[n++] = (char)*p;
    }
    while (n && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    esc(fp, buf);
    fputs("\u2026", fp);
}

/* A number as the other renderers print it (%g), for text and attributes. */
static void num(FILE *fp, double d)
{
    fprintf(fp, "%g", d);
}

/* A coordinate in SVG: two decimals are plenty. */
static void coord(FILE *fp, double d)
{
    if (fabs(d) < 0.005)
        d = 0;
    fprintf(fp, "%.2f", d);
}

static void minutes(FILE *fp, long m)
{
    fprintf(fp, "%ld h %02ld min", m / 60, m % 60);
}

static const char *title_of(const kb_item *it)
{
    return it->title && it->title[0] ? it->title : it->id ? it->id : "";
}

/* ------------------------------------------------------------ style */

static const char css[] =
    ":root{--ink:#1f2933;--muted:#52606d;--faint:#7b8794;--line:#d9e2ec;"
    "--soft:#f4f7fa;--accent:#1f4e79;--accent-2:#5b7fa6;--accent-3:#b6c7d9;"
    "--accent-soft:#e8eef5;--warn:#a86412;color-scheme:light}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:#fff;color:var(--ink);"
    "font:1rem/1.55 \"Segoe UI\",-apple-system,BlinkMacSystemFont,Roboto,"
    "\"Helvetica Neue\",Arial,\"Liberation Sans\",\"Nimbus Sans\",sans-serif;"
    "font-variant-numeric:tabular-nums}\n"
    "main{max-width:58rem;margin:0 auto;padding:2.5rem 1.25rem 3rem}\n"
    "h1,h2,h3,h4{line-height:1.25;color:var(--ink);margin:0}\n"
    "h1{font-size:2rem;font-weight:700;letter-spacing:-.01em;color:var(--accent)}\n"
    "h2{font-size:1.6rem;font-weight:700;letter-spacing:-.01em}\n"
    "h3{font-size:1.2rem;font-weight:650;margin:2.25rem 0 .9rem;padding-bottom:.35rem;"
    "border-bottom:1px solid var(--line)}\n"
    "h4{font-size:1rem;font-weight:650}\n"
    "p{margin:.5rem 0}\n"
    "a{color:var(--accent)}\n"
    ".kicker{margin:0 0 .35rem;font-size:.75rem;font-weight:600;letter-spacing:.09em;"
    "text-transform:uppercase;color:var(--faint)}\n"
    ".doc-head{border-bottom:3px solid var(--accent);padding-bottom:1.1rem;margin-bottom:2rem}\n"
    ".doc-head .lead{color:var(--muted);max-width:44rem;margin-top:.6rem}\n"
    ".toc{margin:0 0 2.5rem}\n"
    ".toc h2{font-size:1.1rem;margin-bottom:.6rem}\n"
    ".toc ol{margin:0;padding-left:1.6rem}\n"
    ".toc li{margin:.3rem 0}\n"
    ".toc a{font-weight:600;text-decoration:none}\n"
    ".toc a:hover{text-decoration:underline}\n"
    ".toc-meta{color:var(--muted);font-size:.9rem}\n"
    ".respondent{padding-top:.5rem}\n"
    ".respondent+.respondent{margin-top:3.5rem;padding-top:2.5rem;border-top:1px solid var(--line)}\n"
    ".respondent-head{margin-bottom:1.25rem}\n"
    ".summary{background:var(--soft);border:1px solid var(--line);"
    "border-left:5px solid var(--accent);border-radius:4px;padding:1.25rem 1.5rem 1.1rem}\n"
    ".summary h3{margin:0 0 .9rem;padding:0;border:0;font-size:.8rem;letter-spacing:.09em;"
    "text-transform:uppercase;color:var(--muted)}\n"
    ".facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));"
    "gap:1rem 1.5rem;margin:0}\n"
    ".facts div{min-width:0}\n"
    ".facts dt{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}\n"
    ".facts dd{margin:.15rem 0 0}\n"
    ".facts strong{display:block;font-size:1.15rem;color:var(--accent);line-height:1.3}\n"
    ".facts .note{display:block;font-size:.88rem;color:var(--muted)}\n"
    ".summary h4{margin:1.3rem 0 .5rem;font-size:.95rem}\n"
    ".top-steps{margin:0;padding-left:1.4rem}\n"
    ".top-steps li{margin:.35rem 0;padding-left:.2rem}\n"
    ".top-steps .who{display:block;font-size:.88rem;color:var(--muted)}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));"
    "gap:1.25rem;margin:1.75rem 0 0}\n"
    ".chart-box{margin:0;border:1px solid var(--line);border-radius:4px;padding:1rem 1rem .75rem;"
    "display:flex;flex-direction:column}\n"
    ".chart-box figcaption{font-weight:650;font-size:.95rem;margin-bottom:.6rem}\n"
    ".chart-box figcaption span{display:block;font-weight:400;font-size:.85rem;color:var(--muted)}\n"
    ".chart{display:block;width:100%;height:auto;margin:auto 0}\n"
    ".chart text{font-family:inherit;fill:var(--ink)}\n"
    ".bar-label{font-size:13px}\n"
    ".bar-value{font-size:13px;font-weight:600}\n"
    ".bar{fill:var(--accent-3)}\n"
    ".bar.secondary{fill:var(--accent-2)}\n"
    ".bar.primary{fill:var(--accent)}\n"
    ".grid{stroke:var(--line);stroke-width:1}\n"
    ".baseline{stroke:var(--faint);stroke-width:1}\n"
    ".chart .tick,.chart .ring-label{font-size:11px;fill:var(--faint)}\n"
    ".ring{fill:none;stroke:var(--line);stroke-width:1}\n"
    ".ring.outer{stroke:#bcccdc}\n"
    ".axis{stroke:#bcccdc;stroke-width:1}\n"
    ".level-area{fill:rgba(31,78,121,.16);stroke:var(--accent);stroke-width:2;stroke-linejoin:round}\n"
    ".point{fill:var(--accent);stroke:#fff;stroke-width:1.5}\n"
    ".point.weak{fill:var(--warn)}\n"
    ".chart .axis-label{font-size:12.5px}\n"
    ".chart .axis-label.weak{fill:var(--warn);font-weight:600}\n"
    ".reasons{margin:.4rem 0 .8rem;padding-left:1.2rem;color:var(--muted);font-size:.92rem}\n"
    ".reasons li{margin:.2rem 0}\n"
    ".why{margin:.8rem 0 .2rem;font-size:.8rem;font-weight:600;letter-spacing:.06em;"
    "text-transform:uppercase;color:var(--faint)}\n"
    ".lede{font-size:1.02rem}\n"
    ".evidence{columns:2 17rem;column-gap:2rem}\n"
    ".evidence>div{break-inside:avoid;page-break-inside:avoid}\n"
    ".evidence h4{font-size:.95rem;padding-top:.5rem}\n"
    ".evidence h4 .score{color:var(--muted);font-weight:400}\n"
    ".table-wrap{overflow-x:auto;margin:.5rem 0 .75rem}\n"
    "table{border-collapse:collapse;width:100%;font-size:.94rem}\n"
    "th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}\n"
    "thead th{font-size:.78rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);"
    "font-weight:600;border-bottom:2px solid var(--ink)}\n"
    "td.n,th.n{text-align:right;white-space:nowrap}\n"
    "td.id{white-space:nowrap;font-weight:600}\n"
    "tfoot td{font-weight:700;border-top:2px solid var(--ink);border-bottom:0}\n"
    "tr.weak td:first-child{color:var(--warn);font-weight:600}\n"
    ".pips{letter-spacing:.15em;color:var(--accent);white-space:nowrap}\n"
    ".pips .off{color:var(--accent-3)}\n"
    ".tag{display:inline-block;font-size:.72rem;font-weight:600;letter-spacing:.05em;"
    "text-transform:uppercase;padding:.05rem .45rem;border-radius:3px;vertical-align:.1em;"
    "border:1px solid currentColor;margin-left:.4rem;white-space:nowrap}\n"
    ".tag.weak{color:var(--warn)}\n"
    ".tag.p1{color:var(--accent)}\n"
    ".tag.p2{color:var(--accent-2)}\n"
    ".tag.p3{color:var(--faint)}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}\n"
    ".card{border:1px solid var(--line);border-radius:4px;padding:.9rem 1.1rem}\n"
    ".card h4{color:var(--accent)}\n"
    ".card p{font-size:.95rem}\n"
    ".steps{list-style:none;margin:0;padding:0;counter-reset:step}\n"
    ".steps>li{counter-increment:step;position:relative;padding:.9rem 0 .6rem 2.6rem;"
    "border-bottom:1px solid var(--line)}\n"
    ".steps>li:last-child{border-bottom:0}\n"
    ".steps>li::before{content:counter(step);position:absolute;left:0;top:.85rem;width:1.8rem;"
    "height:1.8rem;border-radius:50%;background:var(--accent-soft);color:var(--accent);"
    "font-weight:700;font-size:.9rem;text-align:center;line-height:1.8rem}\n"
    ".meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.5rem 0 0;"
    "font-size:.9rem}\n"
    ".meta dt{color:var(--muted);font-weight:600}\n"
    ".meta dd{margin:0}\n"
    ".none{color:var(--muted);font-style:italic}\n"
    ".doc-foot{margin-top:3rem;padding-top:1rem;border-top:1px solid var(--line);"
    "font-size:.85rem;color:var(--faint)}\n"
    ".sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap;border:0}\n"
    "@media (max-width:40rem){main{padding:1.5rem 1rem 2rem}h1{font-size:1.6rem}"
    "h2{font-size:1.35rem}.summary{padding:1rem}.facts{grid-template-columns:1fr 1fr}"
    "th,td{padding:.4rem .35rem}.journey .mod{display:none}"
    ".chart-box{padding:.75rem .6rem .5rem}.steps>li{padding-left:2.3rem}}\n"
    "@media print{\n"
    "@page{size:A4;margin:16mm 15mm 18mm}\n"
    "body{font-size:10pt;line-height:1.45;color:#000}\n"
    "main{max-width:none;padding:0}\n"
    "a{color:inherit;text-decoration:none}\n"
    ".toc{break-after:page;page-break-after:always}\n"
    ".respondent+.respondent{break-before:page;page-break-before:always;margin-top:0;"
    "padding-top:0;border-top:0}\n"
    ".summary{background:none;border:1px solid #999;border-left:4pt solid var(--accent)}\n"
    ".summary,.chart-box,.card,.steps>li,tr,.evidence>div,.reasons li{break-inside:avoid;"
    "page-break-inside:avoid}\n"
    "h3,h4,.why{break-after:avoid;page-break-after:avoid}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:6mm;justify-content:space-between}\n"
    ".chart-box{flex:0 0 auto;width:85mm;padding:3mm 4mm}\n"
    ".chart.bars{width:76mm;height:auto}\n"
    ".chart.radar{width:70mm;height:auto}\n"
    ".charts{margin-top:6mm}\n"
    "h1{font-size:19pt}h2{font-size:15pt}h3{font-size:12.5pt;margin-top:7mm}\n"
    ".doc-head{margin-bottom:6mm}\n"
    ".facts{grid-template-columns:repeat(4,1fr)}\n"
    ".table-wrap{overflow:visible}\n"
    "table.maturity{break-inside:avoid;page-break-inside:avoid}\n"
    ".steps>li::before{background:none;border:1px solid var(--accent)}\n"
    ".doc-foot{break-before:avoid}\n"
    "}\n";

/* ------------------------------------------------------------ pieces */

/* <p class="why">LABEL</p><ul class="reasons">...</ul>, or nothing. */
static void reasons(FILE *fp, const char *label, const kb_strs *r)
{
    if (!r->n)
        return;
    if (label)
        fprintf(fp, "<p class=\"why\">%s</p>\n", label);
    fputs("<ul class=\"reasons\">\n", fp);
    for (size_t i = 0; i < r->n; i++) {
        fputs("<li>", fp);
        esc(fp, r->v[i]);
        fputs("</li>\n", fp);
    }
    if (r->more) {
        fputs("<li class=\"more\">", fp);
        esc(fp, cli_more_reasons);
        fputs("</li>\n", fp);
    }
    fputs("</ul>\n", fp);
}

/* TEXT as a paragraph, after LABEL in bold when not NULL; nothing when
 * TEXT is empty. */
static void text_para(FILE *fp, const char *label, const char *text)
{
    if (!text || !text[0])
        return;
    fputs("<p>", fp);
    if (label)
        fprintf(fp, "<strong>%s</strong> ", label);
    esc(fp, text);
    fputs("</p>\n", fp);
}

static const char *priority_name(long p)
{
    return p <= 1 ? "Do first" : p == 2 ? "Next" : "When there is room";
}

/* Is dimension D among the weakest that the report says to work on? */
static int is_weak(const kb_report *r, const kb_item *d, double lo)
{
    return r->weakest_first && d->number == lo;
}

/* SEP between the items: "; " for role titles, which may hold commas
 * themselves ("Director, CDO or CIO"). */
static void strs(FILE *fp, const kb_strs *s, const char *sep)
{
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            fputs(sep, fp);
        esc(fp, s->v[i]);
    }
}

/* ------------------------------------------------------------ bar chart */

/* A step of 1, 2 or 5 times a power of ten giving at most five ticks. */
static double tick_step(double max)
{
    double step = 1;
    while (max / step > 5) {
        if (max / (step * 2) <= 5)
            return step * 2;
        if (max / (step * 5) <= 5)
            return step * 5;
        step *= 10;
    }
    return step;
}

/* The four situation scores as horizontal bars, the primary one dark. */
static void bar_chart(FILE *fp, const kb_report *r, size_t k)
{
    const kb_list *s = &r->scores;
    double max = 0;
    size_t longest = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].number > max)
            max = s->v[i].number;
        if (chars(title_of(&s->v[i])) > longest)
            longest = chars(title_of(&s->v[i]));
    }
    double step = tick_step(max > 0 ? max : 1);
    double top = ceil((max > 0 ? max : 1) / step) * step;
    /* the label column fits the longest title, within reason: longer
     * titles are cut (about 7.2 units a character at 13 px) */
    const size_t maxchars = 26;
    if (longest > maxchars)
        longest = maxchars;
    double lw = 7.2 * (double)longest + 10;
    lw = lw < 60 ? 60 : lw;
    const double bw = 300, rowh = 36, barh = 22, pad = 6;
    double x0 = lw + 8, width = x0 + bw + 44;
    double axis = pad + rowh * (double)s->n + 2, height = axis + 22;

    fputs("<figure class=\"chart-box\">\n<figcaption>Situation: evidence scores"
          "<span>Points of evidence for each governance situation; the highest decides."
          "</span></figcaption>\n", fp);
    fputs("<svg class=\"chart bars\" viewBox=\"0 0 ", fp);
    coord(fp, width);
    fputc(' ', fp);
    coord(fp, height);
    fprintf(fp, "\" width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"r%zu-bars-t r%zu-bars-d\""
            " xmlns=\"http://www.w3.org/2000/svg\">\n", (int)width, (int)height, k, k);
    fprintf(fp, "<title id=\"r%zu-bars-t\">Situation evidence scores</title>\n", k);
    fprintf(fp, "<desc id=\"r%zu-bars-d\">", k);
    for (size_t i = 0; i < s->n; i++) {
        esc(fp, i ? "; " : "");
        esc(fp, title_of(&s->v[i]));
        fputs(": ", fp);
        num(fp, s->v[i].number);
    }
    if (r->situation.id) {
        fputs(". Primary situation: ", fp);
        esc(fp, title_of(&r->situation));
    }
    fputs(".</desc>\n", fp);
    /* grid and ticks */
    for (double t = 0; t <= top + step / 2; t += step) {
        double x = x0 + bw * t / top;
        fprintf(fp, "<line class=\"%s\" x1=\"", t == 0 ? "baseline" : "grid");
        coord(fp, x);
        fputs("\" y1=\"2\" x2=\"", fp);
        coord(fp, x);
        fputs("\" y2=\"", fp);
        coord(fp, axis);
        fputs("\"/><text class=\"tick\" x=\"", fp);
        coord(fp, x);
        fputs("\" y=\"", fp);
        coord(fp, axis + 15);
        fputs("\" text-anchor=\"middle\">", fp);
        num(fp, t);
        fputs("</text>\n", fp);
    }
    for (size_t i = 0; i < s->n; i++) {
        const kb_item *it = &s->v[i];
        double y = pad + rowh * (double)i + (rowh - barh) / 2;
        double w = it->number > 0 ? bw * it->number / top : 0;
        const char *cls = r->situation.id && !strcmp(it->id, r->situation.id) ? "bar primary"
                        : r->secondary.id && !strcmp(it->id, r->secondary.id) ? "bar secondary"
                        : "bar";
        fputs("<g class=\"bar-row\"><text class=\"bar-label\" x=\"", fp);
        coord(fp, lw);
        fputs("\" y=\"", fp);
        coord(fp, y + barh / 2 + 4.5);
        fputs("\" text-anchor=\"end\">", fp);
        esc_cut(fp, title_of(it), maxchars);
        fprintf(fp, "</text>\n<rect class=\"%s\" data-id=\"", cls);
        esc(fp, it->id);
        fputs("\" data-value=\"", fp);
        num(fp, it->number);
        fputs("\" x=\"", fp);
        coord(fp, x0);
        fputs("\" y=\"", fp);
        coord(fp, y);
        fputs("\" width=\"", fp);
        coord(fp, w);
        fputs("\" height=\"", fp);
        coord(fp, barh);
        fputs("\" rx=\"2\"><title>", fp);
        esc(fp, title_of(it));
        fputs(": ", fp);
        num(fp, it->number);
        fputs("</title></rect>\n<text class=\"bar-value\" x=\"", fp);
        coord(fp, x0 + w + 6);
        fputs("\" y=\"", fp);
        coord(fp, y + barh / 2 + 4.5);
        fputs("\">", fp);
        num(fp, it->number);
        fputs("</text></g>\n", fp);
    }
    fputs("</svg>\n", fp);
    /* the values for those who cannot see the chart */
    fputs("<div class=\"sr-only\"><table><caption>Situation evidence scores</caption>\n"
          "<thead><tr><th scope=\"col\">Situation</th><th scope=\"col\">Score</th></tr></thead>\n"
          "<tbody>\n", fp);
    for (size_t i = 0; i < s->n; i++) {
        fputs("<tr><th scope=\"row\">", fp);
        esc(fp, title_of(&s->v[i]));
        fputs("</th><td>", fp);
        num(fp, s->v[i].number);
        fputs("</td></tr>\n", fp);
    }
    fputs("</tbody></table></div>\n</figure>\n", fp);
}

/* ------------------------------------------------------------ radar */

#define RADAR_W 460.0
#define RADAR_H 292.0
#define RADAR_CX 230.0
#define RADAR_CY 150.0
#define RADAR_R 105.0
#define LABEL_MAX 16            /* characters on a line of an axis label */

static void radar_point(size_t i, size_t n, double radius, double *x, double *y)
{
    double a = -M_PI / 2 + 2 * M_PI * (double)i / (double)n;
    *x = RADAR_CX + radius * cos(a);
    *y = RADAR_CY + radius * sin(a);
}

/* Splits TEXT into lines of at most about LABEL_MAX characters at blanks; writes
 * up to 3 (start, length) pairs; returns the count. */
static int label_lines(const char *text, size_t start[3], size_t len[3])
{
    size_t n = strlen(text), pos = 0;
    int lines = 0;
    while (pos < n && lines < 3) {
        while (pos < n && text[pos] == ' ')
            pos++;
        if (pos >= n)
            break;
        size_t end = pos, brk = 0;
        while (end < n && (end - pos < LABEL_MAX || !brk)) {
            if (text[end] == ' ')
                brk = end;
            end++;
            if (end - pos >= LABEL_MAX && brk)
                break;
        }
        if (end < n && brk && lines < 2)
            end = brk;
        else if (lines == 2)
            end = n;            /* the last line takes the rest */
        start[lines] = pos;
        len[lines] = end - pos;
        lines++;
        pos = end;
    }
    return lines;
}

static void radar_chart(FILE *fp, const kb_report *r, size_t k)
{
    const kb_list *d = &r->dimensions;
    size_t n = d->n;
    double lo = cli_dims_lowest(d);
    fputs("<figure class=\"chart-box\">\n<figcaption>Maturity by dimension"
          "<span>Level 0 (centre) to 4 (outer ring) on each of the eight dimensions.</span>"
          "</figcaption>\n", fp);
    fprintf(fp, "<svg class=\"chart radar\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
            " role=\"img\" aria-label=\"Maturity by dimension, level 0 to 4: ",
            (int)RADAR_W, (int)RADAR_H, (int)RADAR_W, (int)RADAR_H);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "; " : "", fp);
        esc(fp, title_of(&d->v[i]));
        fputc(' ', fp);
        num(fp, d->v[i].number);
    }
    fputs("\" xmlns=\"http://www.w3.org/2000/svg\">\n", fp);
    fprintf(fp, "<title id=\"r%zu-radar-t\">Maturity by dimension</title>\n", k);
    /* rings for levels 1-4 */
    for (int level = 1; level <= 4; level++) {
        fprintf(fp, "<polygon class=\"ring%s\" data-level=\"%d\" points=\"",
                level == 4 ? " outer" : "", level);
        for (size_t i = 0; i < n; i++) {
            double x, y;
            radar_point(i, n, RADAR_R * level / 4, &x, &y);
            fputs(i ? " " : "", fp);
            coord(fp, x);
            fputc(',', fp);
            coord(fp, y);
        }
        fputs("\"/>\n", fp);
    }
    /* an axis per dimension */
    for (size_t i = 0; i < n; i++) {
        double x, y;
        radar_point(i, n, RADAR_R, &x, &y);
        fputs("<line class=\"axis\" data-id=\"", fp);
        esc(fp, d->v[i].id);
        fprintf(fp, "\" x1=\"%d\" y1=\"%d\" x2=\"", (int)RADAR_CX, (int)RADAR_CY);
        coord(fp, x);
        fputs("\" y2=\"", fp);
        coord(fp, y);
        fputs("\"/>\n", fp);
    }
    /* level numbers on each ring, between the first two axes, where no
     * point of the respondent's polygon can hide them */
    for (int level = 1; level <= 4; level++) {
        double a = -M_PI / 2 + M_PI / (double)n;
        double rr = RADAR_R * level / 4 * cos(M_PI / (double)n) - 7;
        fputs("<text class=\"ring-label\" x=\"", fp);
        coord(fp, RADAR_CX + rr * cos(a));
        fputs("\" y=\"", fp);
        coord(fp, RADAR_CY + rr * sin(a) + 4);
        fprintf(fp, "\" text-anchor=\"middle\">%d</text>\n", level);
    }
    /* the respondent's levels */
    fputs("<polygon class=\"level-area\" points=\"", fp);
    for (size_t i = 0; i < n; i++) {
        double v = d->v[i].number, x, y;
        v = v < 0 ? 0 : v > 4 ? 4 : v;
        radar_point(i, n, RADAR_R * v / 4, &x, &y);
        fputs(i ? " " : "", fp);
        coord(fp, x);
        fputc(',', fp);
        coord(fp, y);
    }
    fputs("\"/>\n", fp);
    for (size_t i = 0; i < n; i++) {
        double v = d->v[i].number, x, y;
        v = v < 0 ? 0 : v > 4 ? 4 : v;
        radar_point(i, n, RADAR_R * v / 4, &x, &y);
        fprintf(fp, "<circle class=\"point%s\" data-id=\"", is_weak(r, &d->v[i], lo) ? " weak" : "");
        esc(fp, d->v[i].id);
        fputs("\" data-value=\"", fp);
        num(fp, d->v[i].number);
        fputs("\" cx=\"", fp);
        coord(fp, x);
        fputs("\" cy=\"", fp);
        coord(fp, y);
        fputs("\" r=\"4\"><title>", fp);
        esc(fp, title_of(&d->v[i]));
        fputs(": ", fp);
        num(fp, d->v[i].number);
        fputs(" of 4</title></circle>\n", fp);
    }
    /* axis labels, outside the outer ring, wrapped */
    for (size_t i = 0; i < n; i++) {
        double x, y;
        radar_point(i, n, RADAR_R + 14, &x, &y);
        double dx = x - RADAR_CX, dy = y - RADAR_CY;
        const char *anchor = fabs(dx) < 0.3 * RADAR_R ? "middle" : dx > 0 ? "start" : "end";
        const char *label = title_of(&d->v[i]);
        size_t st[3], ln[3];
        int lines = label_lines(label, st, ln);
        const double lh = 14.5;
        double y0 = dy < -0.3 * RADAR_R ? y - lh * (lines - 1)          /* above */
                  : dy > 0.3 * RADAR_R ? y + 10                         /* below */
                  : y + 4.5 - lh * (lines - 1) / 2;                      /* beside */
        fprintf(fp, "<text class=\"axis-label%s\" data-id=\"",
                is_weak(r, &d->v[i], lo) ? " weak" : "");
        esc(fp, d->v[i].id);
        fprintf(fp, "\" text-anchor=\"%s\">", anchor);
        for (int l = 0; l < lines; l++) {
            char part[256];
            size_t m = ln[l] < sizeof part - 1 ? ln[l] : sizeof part - 1;
            memcpy(part, label + st[l], m);
            part[m] = '\0';
            fputs("<tspan x=\"", fp);
            coord(fp, x);
            fputs("\" y=\"", fp);
            coord(fp, y0 + lh * l);
            fputs("\">", fp);
            esc_cut(fp, part, LABEL_MAX + 3);
            fputs("</tspan>", fp);
        }
        fputs("</text>\n", fp);
    }
    fputs("</svg>\n</figure>\n", fp);
}

/* ------------------------------------------------------------ sections */

static void summary(FILE *fp, const kb_report *r, size_t k)
{
    fprintf(fp, "<section class=\"summary\" aria-labelledby=\"r%zu-summary\">\n"
            "<h3 id=\"r%zu-summary\">Summary</h3>\n<dl class=\"facts\">\n", k, k);
    fputs("<div><dt>Situation</dt><dd>", fp);
    if (r->situation.id) {
        fputs("<strong>", fp);
        esc(fp, title_of(&r->situation));
        fputs("</strong><span class=\"note\">evidence score ", fp);
        num(fp, r->situation.number);
        if (r->secondary.id) {
            fputs("; close second: ", fp);
            esc(fp, title_of(&r->secondary));
        }
        if (r->transition.id) {
            fputs("; in transition to ", fp);
            esc(fp, title_of(&r->transition));
        }
        fputs("</span>", fp);
    } else {
        fputs("<strong>Not determined</strong>", fp);
    }
    fputs("</dd></div>\n<div><dt>Maturity band</dt><dd>", fp);
    if (r->band.id) {
        fputs("<strong>", fp);
        esc(fp, title_of(&r->band));
        fputs("</strong>", fp);
        if (r->weakest_first)
            fputs("<span class=\"note\">work on the weakest dimensions first</span>", fp);
    } else {
        fputs("<strong>Not determined</strong>", fp);
    }
    fputs("</dd></div>\n<div><dt>Governance model</dt><dd><strong>", fp);
    esc(fp, r->model.id ? title_of(&r->model) : "Not determined");
    /* as many as the journey's units, the titles under the count */
    fprintf(fp, "</strong></dd></div>\n<div><dt>Roles to fill</dt><dd><strong>");
    if (r->roles.n) {
        fprintf(fp, "%zu role%s</strong><span class=\"note\">", r->roles.n,
                r->roles.n == 1 ? "" : "s");
        for (size_t i = 0; i < r->roles.n; i++) {
            fputs(i ? "; " : "", fp);
            esc(fp, title_of(&r->roles.v[i]));
        }
        fputs("</span>", fp);
    } else {
        fputs("None</strong>", fp);
    }
    fprintf(fp, "</dd></div>\n<div><dt>Learning journey</dt><dd><strong>%zu unit%s"
            "</strong><span class=\"note\">", r->journey.n, r->journey.n == 1 ? "" : "s");
    minutes(fp, r->journey_minutes);
    fputs(" in all</span></dd></div>\n</dl>\n", fp);
    size_t top = r->advice.n < 3 ? r->advice.n : 3;
    if (top) {
        fprintf(fp, "<h4>Start with %s</h4>\n<ol class=\"top-steps\">\n",
                top == 1 ? "this step" : "these steps");
        for (size_t i = 0; i < top; i++) {
            const kb_item *it = &r->advice.v[i];
            fputs("<li><strong>", fp);
            esc(fp, title_of(it));
            fputs("</strong>", fp);
            if (it->who.n) {
                fputs("<span class=\"who\">Who: ", fp);
                strs(fp, &it->who, "; ");
                fputs("</span>", fp);
            }
            fputs("</li>\n", fp);
        }
        fputs("</ol>\n", fp);
    }
    fputs("</section>\n", fp);
}

/* A report section's opening and its heading's start: the heading's
 * text and "</h3>" follow. */
static void section_open(FILE *fp, size_t k, const char *id)
{
    fprintf(fp, "<section aria-labelledby=\"r%zu-%s\">\n<h3 id=\"r%zu-%s\">", k, id, k, id);
}

/* What an empty section says (constant text), and its end. */
static void section_none(FILE *fp, const char *text)
{
    fprintf(fp, "<p class=\"none\">%s</p>\n</section>\n", text);
}

static int has(const char *text)
{
    return text && text[0];
}

/* A term of a <dl class="meta"> and its catalogue TEXT, when there is
 * one. */
static void about(FILE *fp, const char *term, const char *text)
{
    if (!has(text))
        return;
    fprintf(fp, "<dt>%s</dt><dd>", term);
    esc(fp, text);
    fputs("</dd>\n", fp);
}

/* A box of an evidence grid: IT's title and score, then its reasons. */
static void evidence_box(FILE *fp, const kb_item *it)
{
    fputs("<div><h4>", fp);
    esc(fp, title_of(it));
    fputs(" <span class=\"score\">&middot; ", fp);
    num(fp, it->number);
    fputs("</span></h4>\n", fp);
    reasons(fp, NULL, &it->reasons);
    fputs("</div>\n", fp);
}

static void situation(FILE *fp, const kb_report *r, size_t k)
{
    if (!r->situation.id)
        return;
    section_open(fp, k, "situation");
    fputs("Situation: ", fp);
    esc(fp, title_of(&r->situation));
    fputs("</h3>\n<p class=\"lede\">The evidence points most strongly to a <strong>", fp);
    esc(fp, title_of(&r->situation));
    fputs("</strong> (score ", fp);
    num(fp, r->situation.number);
    fputs(").", fp);
    if (r->secondary.id) {
        fputs(" A close second is <strong>", fp);
        esc(fp, title_of(&r->secondary));
        fputs("</strong> (score ", fp);
        num(fp, r->secondary.number);
        fputs("): the twin has traits of both.", fp);
    }
    if (r->transition.id) {
        fputs(" It is tied with <strong>", fp);
        esc(fp, title_of(&r->transition));
        fputs("</strong>: the twin is in transition.", fp);
    }
    fputs("</p>\n", fp);
    if (has(r->situation.summary) || has(r->situation.challenges) ||
        has(r->situation.pitfalls)) {
        fputs("<dl class=\"meta\">\n", fp);
        about(fp, "What it is", r->situation.summary);
        about(fp, "Challenges", r->situation.challenges);
        about(fp, "Pitfalls", r->situation.pitfalls);
        fputs("</dl>\n", fp);
    }
    if (cli_list_has_reasons(&r->scores)) {
        fputs("<p class=\"why\">Evidence</p>\n<div class=\"evidence\">\n", fp);
        const kb_item *it;
        for (size_t i = 0; (it = cli_score_at(r, i)); i++)
            if (it->reasons.n)
                evidence_box(fp, it);
        fputs("</div>\n", fp);
    }
    reasons(fp, "Decision", &r->situation.reasons);
    fputs("</section>\n", fp);
}

static void maturity(FILE *fp, const kb_report *r, size_t k)
{
    if (!r->band.id && !r->dimensions.n)
        return;
    double lo = cli_dims_lowest(&r->dimensions);
    section_open(fp, k, "maturity");
    fputs("Maturity", fp);
    if (r->band.id) {
        fputs(": ", fp);
        esc(fp, title_of(&r->band));
    }
    fputs("</h3>\n", fp);
    if (has(r->band.summary)) {
        fputs("<p class=\"lede\">", fp);
        esc(fp, r->band.summary);
        fputs("</p>\n", fp);
    }
    if (r->weakest_first)
        fputs("<p class=\"lede\">The weakest dimensions are two or more levels behind the "
              "strongest: work on them first, because they limit what the strong ones can "
              "deliver.</p>\n", fp);
    if (r->dimensions.n) {
        fputs("<div class=\"table-wrap\"><table class=\"maturity\">\n<thead><tr>"
              "<th scope=\"col\">Dimension</th><th scope=\"col\" class=\"n\">Level</th>"
              "<th scope=\"col\"><span class=\"sr-only\">Level shown as</span></th>"
              "</tr></thead>\n<tbody>\n", fp);
        for (size_t i = 0; i < r->dimensions.n; i++) {
            const kb_item *d = &r->dimensions.v[i];
            int weak = is_weak(r, d, lo);
            fprintf(fp, "<tr%s data-id=\"", weak ? " class=\"weak\"" : "");
            esc(fp, d->id);
            fputs("\"><td>", fp);
            esc(fp, title_of(d));
            if (weak)
                fputs("<span class=\"tag weak\">weakest</span>", fp);
            fputs("</td><td class=\"n\">", fp);
            num(fp, d->number);
            fputs(" of 4</td><td><span class=\"pips\" aria-hidden=\"true\">", fp);
            for (int l = 1; l <= 4; l++)
                fputs(l <= d->number ? "\u25CF" : "<span class=\"off\">\u25CB</span>", fp);
            fputs("</span></td></tr>\n", fp);
        }
        fputs("</tbody>\n</table></div>\n", fp);
    }
    reasons(fp, "Why this band", &r->band.reasons);
    fputs("</section>\n", fp);
}

/* The chosen model, or "not determined" with the scores when the rules
 * scored models but chose none (as the text report does). */
static void model(FILE *fp, const kb_report *r, size_t k)
{
    if (!r->model.id && !r->models.n)
        return;
    section_open(fp, k, "model");
    fputs("Governance model: ", fp);
    esc(fp, r->model.id ? title_of(&r->model) : "not determined");
    fputs("</h3>\n", fp);
    if (has(r->model.summary)) {
        fputs("<p class=\"lede\">", fp);
        esc(fp, r->model.summary);
        fputs("</p>\n", fp);
    }
    if (has(r->model.text) || r->models.n)
        fputs("<dl class=\"meta\">\n", fp);
    about(fp, "Fits", r->model.text);
    if (r->models.n) {
        fputs("<dt>Scores</dt><dd>", fp);
        for (size_t i = 0; i < r->models.n; i++) {
            const kb_item *it = &r->models.v[i];
            fputs(i ? ", " : "", fp);
            fputs(it->rank ? "" : "<strong>", fp);
            esc(fp, title_of(it));
            fputc(' ', fp);
            num(fp, it->number);
            fputs(it->rank ? "" : "</strong>", fp);
        }
        fputs("</dd>\n", fp);
    }
    if (has(r->model.text) || r->models.n)
        fputs("</dl>\n", fp);
    reasons(fp, "Signals", &r->model.reasons);
    /* what the models not chosen have for them, as a situation's
     * evidence */
    const kb_item *it;
    for (size_t i = 0; (it = cli_other_model_at(r, i)); i++) {
        if (!i)
            fprintf(fp, "<p class=\"why\">Signals for %s</p>\n<div class=\"evidence\">\n",
                    r->model.id ? "the other models" : "each model");
        evidence_box(fp, it);
    }
    if (cli_other_model_at(r, 0))
        fputs("</div>\n", fp);
    fputs("</section>\n", fp);
}

/* Roles and financing routes as cards. */
static void cards(FILE *fp, size_t k, const char *id, const char *heading,
                  const char *none, const char *textlabel, const kb_list *l)
{
    section_open(fp, k, id);
    fprintf(fp, "%s</h3>\n", heading);
    if (!l->n) {
        section_none(fp, none);
        return;
    }
    fputs("<div class=\"cards\">\n", fp);
    for (size_t i = 0; i < l->n; i++) {
        const kb_item *it = &l->v[i];
        fputs("<div class=\"card\"><h4>", fp);
        esc(fp, title_of(it));
        fputs("</h4>\n", fp);
        text_para(fp, textlabel, it->text);
        reasons(fp, "Why", &it->reasons);
        fputs("</div>\n", fp);
    }
    fputs("</div>\n</section>\n", fp);
}

/* A next step's units, "ID Title" each; one that the journey holds links
 * to its row there. */
static void learn(FILE *fp, const kb_report *r, const kb_item *it, size_t k)
{
    for (size_t j = 0; j < it->units.n; j++) {
        long at = cli_journey_position(r, it->units.v[j]);
        size_t row = 0;         /* the row's anchor: rows, not positions, are unique */
        while (at && row < r->journey.n && strcmp(r->journey.v[row].id, it->units.v[j]))
            row++;
        if (j)
            fputs("; ", fp);
        if (at)
            fprintf(fp, "<a href=\"#r%zu-unit-%zu\">", k, row + 1);
        esc(fp, it->units.v[j]);
        fputc(' ', fp);
        esc(fp, it->unit_titles.v[j]);
        if (at)
            fprintf(fp, "</a> (unit %ld of your journey)", at);
    }
}

static void advice(FILE *fp, const kb_report *r, size_t k)
{
    section_open(fp, k, "steps");
    fputs("Next steps, most urgent first</h3>\n", fp);
    if (!r->advice.n) {
        section_none(fp, "No further steps.");
        return;
    }
    fputs("<ol class=\"steps\">\n", fp);
    for (size_t i = 0; i < r->advice.n; i++) {
        const kb_item *it = &r->advice.v[i];
        long p = it->rank < 1 ? 1 : it->rank > 3 ? 3 : it->rank;
        fputs("<li><h4>", fp);
        esc(fp, title_of(it));
        fprintf(fp, "<span class=\"tag p%ld\">%s</span></h4>\n", p, priority_name(it->rank));
        text_para(fp, NULL, it->text);
        if (it->who.n || it->units.n) {
            fputs("<dl class=\"meta\">", fp);
            if (it->who.n) {
                fputs("<dt>Who</dt><dd>", fp);
                strs(fp, &it->who, "; ");
                fputs("</dd>", fp);
            }
            if (it->units.n) {
                fputs("<dt>Learn</dt><dd>", fp);
                learn(fp, r, it, k);
                fputs("</dd>", fp);
            }
            fputs("</dl>\n", fp);
        }
        reasons(fp, "Because", &it->reasons);
        fputs("</li>\n", fp);
    }
    fputs("</ol>\n</section>\n", fp);
}

static void journey(FILE *fp, const kb_report *r, size_t k)
{
    section_open(fp, k, "journey");
    fputs("Learning journey</h3>\n", fp);
    if (!r->journey.n) {
        reasons(fp, "Why this journey", &r->journey_reasons);
        section_none(fp, "No units were chosen.");
        return;
    }
    fprintf(fp, "<p class=\"lede\">%zu micro-learning unit%s, ", r->journey.n,
            r->journey.n == 1 ? "" : "s");
    minutes(fp, r->journey_minutes);
    fputs(" in all, in the order to take them.</p>\n", fp);
    reasons(fp, "Why this journey", &r->journey_reasons);
    fputs("<div class=\"table-wrap\"><table class=\"journey\">\n<thead><tr>"
          "<th scope=\"col\" class=\"n\">#</th><th scope=\"col\">Unit</th>"
          "<th scope=\"col\">Title</th><th scope=\"col\" class=\"mod\">Module</th>"
          "<th scope=\"col\" class=\"n\">Minutes</th><th scope=\"col\" class=\"n\">EQF</th>"
          "</tr></thead>\n<tbody>\n", fp);
    for (size_t i = 0; i < r->journey.n; i++) {
        const kb_item *it = &r->journey.v[i];
        fprintf(fp, "<tr id=\"r%zu-unit-%zu\"><td class=\"n\">%ld</td><td class=\"id\">", k,
                i + 1, it->rank);
        esc(fp, it->id);
        fputs("</td><td>", fp);
        esc(fp, title_of(it));
        fputs("</td><td class=\"mod\">", fp);
        esc(fp, it->module);
        fputs("</td><td class=\"n\">", fp);
        num(fp, it->number);
        fprintf(fp, "</td><td class=\"n\">%ld</td></tr>\n", it->eqf);
    }
    fputs("</tbody>\n<tfoot><tr><td></td><td colspan=\"2\">Total time (", fp);
    minutes(fp, r->journey_minutes);
    fprintf(fp, ")</td><td class=\"mod\"></td><td class=\"n\">%ld</td><td class=\"n\"></td>"
            "</tr></tfoot>\n"
            "</table></div>\n", r->journey_minutes);
    if (cli_list_has_reasons(&r->journey)) {
        fputs("<p class=\"why\">Why these units</p>\n<div class=\"evidence\">\n", fp);
        for (size_t i = 0; i < r->journey.n; i++) {
            const kb_item *it = &r->journey.v[i];
            fputs("<div><h4>", fp);
            esc(fp, it->id);
            fputs(" <span class=\"score\">&middot; ", fp);
            esc(fp, title_of(it));
            fputs("</span></h4>\n", fp);
            reasons(fp, NULL, &it->reasons);
            fputs("</div>\n", fp);
        }
        fputs("</div>\n", fp);
    }
    fputs("</section>\n", fp);
}

static void respondent(FILE *fp, const kb_report *r, size_t k, size_t n)
{
    fprintf(fp, "<article class=\"respondent\" id=\"r%zu\" aria-labelledby=\"r%zu-name\">\n"
            "<header class=\"respondent-head\">", k, k);
    if (n > 1)
        fprintf(fp, "<p class=\"kicker\">Respondent %zu of %zu</p>", k, n);
    else
        fputs("<p class=\"kicker\">Respondent</p>", fp);
    fprintf(fp, "<h2 id=\"r%zu-name\">", k);
    esc(fp, r->respondent && r->respondent[0] ? r->respondent : "(unnamed)");
    fputs("</h2></header>\n", fp);
    summary(fp, r, k);
    if (r->scores.n || r->dimensions.n >= 3) {
        fputs("<div class=\"charts\">\n", fp);
        if (r->scores.n)
            bar_chart(fp, r, k);
        if (r->dimensions.n >= 3)
            radar_chart(fp, r, k);
        fputs("</div>\n", fp);
    }
    situation(fp, r, k);
    maturity(fp, r, k);
    model(fp, r, k);
    cards(fp, k, "roles", "Roles the twin needs that you lack",
          "None: every role the twin needs is there.", NULL, &r->roles);
    cards(fp, k, "finance", "Financing and procurement", "No route found.",
          "First step:", &r->finance);
    advice(fp, r, k);
    journey(fp, r, k);
    fputs("</article>\n", fp);
}

/* ------------------------------------------------------------ page */

void cli_report_html(FILE *fp, const kb_report *const *r, size_t n,
                     const char *title)
{
    if (!title || !title[0])
        title = "Local Digital Twin advice";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"generator\" content=\"" PROG " " KB_VERSION "\">\n<title>", fp);
    esc(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
    fputs("<header class=\"doc-head\">\n<p class=\"kicker\">Local Digital Twin starter kit"
          " &middot; advisory report</p>\n<h1>", fp);
    esc(fp, title);
    fprintf(fp, "</h1>\n<p class=\"lead\">Advice for %zu respondent%s, reasoned from the "
            "questionnaire's answers. Each conclusion lists the reasons behind it, "
            "evidence first.</p>\n</header>\n", n, n == 1 ? "" : "s");
    if (n > 1) {
        fputs("<nav class=\"toc\" aria-labelledby=\"toc-h\">\n<h2 id=\"toc-h\">Contents</h2>\n"
              "<ol>\n", fp);
        for (size_t i = 0; i < n; i++) {
            fprintf(fp, "<li><a href=\"#r%zu\">", i + 1);
            esc(fp, r[i]->respondent && r[i]->respondent[0] ? r[i]->respondent : "(unnamed)");
            fputs("</a>", fp);
            const char *parts[3] = {
                r[i]->situation.id ? title_of(&r[i]->situation) : NULL,
                r[i]->band.id ? title_of(&r[i]->band) : NULL,
                r[i]->model.id ? title_of(&r[i]->model) : NULL,
            };
            int first = 1;
            for (int j = 0; j < 3; j++) {
                if (!parts[j])
                    continue;
                fputs(first ? " <span class=\"toc-meta\">&mdash; " : " &middot; ", fp);
                esc(fp, parts[j]);
                first = 0;
            }
            fputs(first ? "</li>\n" : "</span></li>\n", fp);
        }
        fputs("</ol>\n</nav>\n", fp);
    }
    if (!n)
        fputs("<p class=\"none\">No respondent was advised.</p>\n", fp);
    for (size_t i = 0; i < n; i++)
        respondent(fp, r[i], i + 1, n);
    fputs("<footer class=\"doc-foot\">Made by " PROG " " KB_VERSION ", a rule-based "
          "advisor for Local Digital Twins. The reasons are the knowledge base's own "
          "explanations of each rule that fired.</footer>\n</main>\n</body>\n</html>\n", fp);
}
