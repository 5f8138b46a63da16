/*
 * report_md.c -- the advice for one respondent as Markdown, for a wiki, a
 * repository or an issue: CommonMark with GitHub's tables (GitHub, GitLab,
 * Gitea and Bitbucket render it alike).  The last stage of the pipeline,
 * like the text and JSON renderers in advise.c.
 *
 * Escaping: every text that comes from the answers or the knowledge base
 * goes through md_text, which backslash-escapes the characters that could
 * start markup anywhere in a line (emphasis, code, links, raw HTML,
 * entities, table cells) and those that start a block at the beginning of
 * its text (headings, lists, quotes), and turns line breaks into spaces so
 * that a text never leaves its paragraph, list item or table cell.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Writes S escaped for Markdown; see the top of the file. */
/* Is C one of the characters Markdown gives a meaning, which a backslash
 * escapes (the backslash itself, ` * _ [ ] < > | ~ & #)? */
static int md_special(unsigned char c)
{
    switch (c) {
    case '\\': case '`': case '*': case '_': case '[': case ']': case '<':
    case '>': case '|': case '~': case '&': case '#':
        return 1;
    default:
        return 0;
    }
}

static void md_text(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;                    /* leading blanks would make a code block */
    /* at the start: a heading, list item, quote or setext underline */
    if (*p == '-' || *p == '+' || *p == '=' || *p == '#' || *p == '>') {
        fputc('\\', fp);
        fputc(*p++, fp);
    } else if (*p >= '0' && *p <= '9') {
        /* "1." or "1)" would start an ordered list */
        const unsigned char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '.' || *q == ')') {
            fwrite(p, 1, (size_t)(q - p), fp);
            fputc('\\', fp);
            fputc(*q, fp);
            p = q + 1;
        }
    }
    /* the characters that need nothing go out a run at a time */
    for (; *p; p++) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != 0x7f && !md_special(*p))
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), fp);
        if (!*p)
            break;
        if (*p < 0x20 || *p == 0x7f) {
            fputc(' ', fp);     /* stay on the line: cells, items, headings */
            continue;
        }
        fputc('\\', fp);
        fputc(*p, fp);
    }
}

/* "- reason" lines, then a blank line. */
static void md_reasons(FILE *fp, const kb_strs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        fputs("- ", fp);
        md_text(fp, r->v[i]);
        fputc('\n', fp);
    }
    if (r->more) {
        fputs("- ", fp);
        md_text(fp, cli_more_reasons);
        fputc('\n', fp);
    }
    if (r->n)
        fputc('\n', fp);
}

/* R as a list nested under the item before it. */
static void md_sublist(FILE *fp, const kb_strs *r)
{
    for (size_t j = 0; j < r->n; j++) {
        fputs("  - ", fp);
        md_text(fp, r->v[j]);
        fputc('\n', fp);
    }
    if (r->more) {
        fputs("  - ", fp);
        md_text(fp, cli_more_reasons);
        fputc('\n', fp);
    }
}

/* A bold label on its own paragraph, then the reasons as a list. */
static void md_why(FILE *fp, const char *label, const kb_strs *r)
{
    if (!r->n)
        return;
    fprintf(fp, "%s\n\n", label);
    md_reasons(fp, r);
}

static void md_minutes(FILE *fp, long minutes)
{
    fprintf(fp, "%ld h %02ld min", minutes / 60, minutes % 60);
}

static const char *priority_name(long p)
{
    return p <= 1 ? "do this first" : p == 2 ? "next" : "when there is room";
}

static void md_summary(FILE *fp, const kb_report *r)
{
    fputs("- **Situation:** ", fp);
    if (r->situation.id) {
        md_text(fp, r->situation.title);
        fprintf(fp, " (evidence score %g)", r->situation.number);
        if (r->secondary.id) {
            fputs(", close second: ", fp);
            md_text(fp, r->secondary.title);
        }
    } else {
        fputs("not determined", fp);
    }
    fputs("\n- **Maturity:** ", fp);
    if (r->band.id) {
        md_text(fp, r->band.title);
        if (r->weakest_first)
            fputs(" (work on the weakest dimensions first)", fp);
    } else {
        fputs("not determined", fp);
    }
    fputs("\n- **Governance model:** ", fp);
    if (r->model.id)
        md_text(fp, r->model.title);
    else
        fputs("not determined", fp);
    fputs("\n- **Roles to fill:** ", fp);
    for (size_t i = 0; i < r->roles.n; i++) {
        if (i)
            fputs("; ", fp);
        md_text(fp, r->roles.v[i].title);
    }
    if (!r->roles.n)
        fputs("none", fp);
    fprintf(fp, "\n- **Learning journey:** %zu unit%s, ", r->journey.n,
            r->journey.n == 1 ? "" : "s");
    md_minutes(fp, r->journey_minutes);
    fputs("\n\n", fp);
    if (!r->advice.n)
        return;
    size_t top = r->advice.n < 3 ? r->advice.n : 3;
    fprintf(fp, "**Start with %s**\n\n", top == 1 ? "this step" : "these steps");
    for (size_t i = 0; i < top; i++) {
        fprintf(fp, "%zu. ", i + 1);
        md_text(fp, r->advice.v[i].title);
        fputc('\n', fp);
    }
    fputc('\n', fp);
}

/* A paragraph of catalogue text after LABEL (markup, or NULL); nothing
 * when TEXT is empty. */
static void md_para(FILE *fp, const char *label, const char *text)
{
    if (!text || !text[0])
        return;
    if (label)
        fputs(label, fp);
    md_text(fp, text);
    fputs("\n\n", fp);
}

static void md_situation(FILE *fp, const kb_report *r)
{
    if (!r->situation.id)
        return;
    fputs("## Situation: ", fp);
    md_text(fp, r->situation.title);
    fputs("\n\n", fp);
    md_para(fp, NULL, r->situation.summary);
    md_para(fp, "**Challenges:** ", r->situation.challenges);
    md_para(fp, "**Pitfalls:** ", r->situation.pitfalls);
    if (r->secondary.id) {
        fputs("Close second: ", fp);
        md_text(fp, r->secondary.title);
        fprintf(fp, " (score %g): the twin has traits of both.\n\n", r->secondary.number);
    }
    if (r->transition.id) {
        fputs("Tied with ", fp);
        md_text(fp, r->transition.title);
        fputs(": the twin is in transition.\n\n", fp);
    }
    if (r->scores.n) {
        fputs("| Situation | Evidence score |\n| --- | ---: |\n", fp);
        for (size_t i = 0; i < r->scores.n; i++) {
            const kb_item *it = &r->scores.v[i];
            int top = !strcmp(it->id, r->situation.id);
            fputs(top ? "| **" : "| ", fp);
            md_text(fp, it->title);
            fprintf(fp, top ? "** | **%g** |\n" : " | %g |\n", it->number);
        }
        fputc('\n', fp);
    }
    const kb_item *it;
    for (size_t i = 0; (it = cli_score_at(r, i)); i++) {
        if (!it->reasons.n)
            continue;
        fputs("**Evidence for ", fp);
        md_text(fp, it->title);
        fputs("**\n\n", fp);
        md_reasons(fp, &it->reasons);
    }
    md_why(fp, "**Decision**", &r->situation.reasons);
}

static void md_maturity(FILE *fp, const kb_report *r)
{
    if (!r->band.id && !r->dimensions.n)
        return;
    fputs("## Maturity", fp);
    if (r->band.id) {
        fputs(": ", fp);
        md_text(fp, r->band.title);
    }
    fputs("\n\n", fp);
    md_para(fp, NULL, r->band.summary);
    double lo = cli_dims_lowest(&r->dimensions);
    if (r->weakest_first)
        fputs("The weakest dimensions are two or more levels behind the strongest: "
              "work on them first (marked *weakest* below).\n\n", fp);
    if (r->dimensions.n) {
        fputs("| Dimension | Level (0-4) | Shown as |\n| --- | ---: | --- |\n", fp);
        for (size_t i = 0; i < r->dimensions.n; i++) {
            const kb_item *d = &r->dimensions.v[i];
            fputs("| ", fp);
            md_text(fp, d->title);
            if (r->weakest_first && d->number == lo)
                fputs(" (*weakest*)", fp);
            fprintf(fp, " | %g | ", d->number);
            for (int l = 1; l <= 4; l++)
                fputs(l <= d->number ? "\u25A0" : "\u25A1", fp);
            fputs(" |\n", fp);
        }
        fputc('\n', fp);
    }
    md_why(fp, "**Why this band**", &r->band.reasons);
}

/* The chosen model, or "not determined" with the scores when the rules
 * scored models but chose none (as the text report does). */
static void md_model(FILE *fp, const kb_report *r)
{
    if (!r->model.id && !r->models.n)
        return;
    fputs("## Governance model: ", fp);
    md_text(fp, r->model.id ? r->model.title : "not determined");
    fputs("\n\n", fp);
    md_para(fp, NULL, r->model.summary);
    md_para(fp, "**Fits:** ", r->model.text);
    if (r->models.n) {
        fputs("| Model | Score |\n| --- | ---: |\n", fp);
        for (size_t i = 0; i < r->models.n; i++) {
            const kb_item *it = &r->models.v[i];
            fputs(it->rank ? "| " : "| **", fp);
            md_text(fp, it->title);
            fprintf(fp, it->rank ? " | %g |\n" : "** | **%g** |\n", it->number);
        }
        fputc('\n', fp);
    }
    md_why(fp, "**Signals**", &r->model.reasons);
    const kb_item *it;
    for (size_t i = 0; (it = cli_other_model_at(r, i)); i++) {
        fputs("**Signals for ", fp);
        md_text(fp, it->title);
        fprintf(fp, " (%g)**\n\n", it->number);
        md_reasons(fp, &it->reasons);
    }
}

/* Roles and financing: a heading per item, its text, its reasons. */
static void md_items(FILE *fp, const char *heading, const char *none,
                     const char *textlabel, const kb_list *l)
{
    fprintf(fp, "## %s\n\n", heading);
    if (!l->n) {
        fprintf(fp, "%s\n\n", none);
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        const kb_item *it = &l->v[i];
        fputs("### ", fp);
        md_text(fp, it->title);
        fputs("\n\n", fp);
        if (it->text && it->text[0]) {
            if (textlabel)
                fprintf(fp, "**%s** ", textlabel);
            md_text(fp, it->text);
            fputs("\n\n", fp);
        }
        md_why(fp, "**Why**", &it->reasons);
    }
}

/* A next step's units, "ID Title" each, and where the journey has
 * them. */
static void md_learn(FILE *fp, const kb_report *r, const kb_item *it)
{
    if (!it->units.n)
        return;
    fputs("- **Learn:** ", fp);
    for (size_t j = 0; j < it->units.n; j++) {
        long at = cli_journey_position(r, it->units.v[j]);
        if (j)
            fputs("; ", fp);
        md_text(fp, it->units.v[j]);
        fputc(' ', fp);
        md_text(fp, it->unit_titles.v[j]);
        if (at)
            fprintf(fp, " (unit %ld of your journey)", at);
    }
    fputc('\n', fp);
}

/* "label: a, b, c" as a list item, or nothing. */
/* SEP between the items: "; " for role titles, which may hold commas
 * themselves ("Director, CDO or CIO"). */
static void md_strs(FILE *fp, const char *label, const kb_strs *s,
                    const char *sep)
{
    if (!s->n)
        return;
    fprintf(fp, "- **%s:** ", label);
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            fputs(sep, fp);
        md_text(fp, s->v[i]);
    }
    fputc('\n', fp);
}

static void md_advice(FILE *fp, const kb_report *r)
{
    fputs("## Next steps, most urgent first\n\n", fp);
    if (!r->advice.n) {
        fputs("No further steps.\n\n", fp);
        return;
    }
    for (size_t i = 0; i < r->advice.n; i++) {
        const kb_item *it = &r->advice.v[i];
        fprintf(fp, "### %zu\\. ", i + 1);
        md_text(fp, it->title);
        fputs("\n\n", fp);
        if (it->text && it->text[0]) {
            md_text(fp, it->text);
            fputs("\n\n", fp);
        }
        fprintf(fp, "- **Priority:** %ld (%s)\n", it->rank, priority_name(it->rank));
        md_strs(fp, "Who", &it->who, "; ");
        md_learn(fp, r, it);
        if (it->reasons.n == 1 && !it->reasons.more) {
            fputs("- **Because:** ", fp);
            md_text(fp, it->reasons.v[0]);
            fputc('\n', fp);
        } else if (it->reasons.n) {
            fputs("- **Because:**\n", fp);
            md_sublist(fp, &it->reasons);
        }
        fputc('\n', fp);
    }
}

static void md_journey(FILE *fp, const kb_report *r)
{
    fprintf(fp, "## Learning journey: %zu unit%s, ", r->journey.n,
            r->journey.n == 1 ? "" : "s");
    md_minutes(fp, r->journey_minutes);
    fputs("\n\n", fp);
    md_why(fp, "**Why this journey**", &r->journey_reasons);
    if (!r->journey.n) {
        fputs("No units were chosen.\n\n", fp);
        return;
    }
    fputs("| # | Unit | Title | Module | Minutes | EQF |\n"
          "| ---: | --- | --- | --- | ---: | ---: |\n", fp);
    for (size_t i = 0; i < r->journey.n; i++) {
        const kb_item *it = &r->journey.v[i];
        fprintf(fp, "| %ld | ", it->rank);
        md_text(fp, it->id);
        fputs(" | ", fp);
        md_text(fp, it->title);
        fputs(" | ", fp);
        md_text(fp, it->module);
        fprintf(fp, " | %g | %ld |\n", it->number, it->eqf);
    }
    fprintf(fp, "| | | **Total** | | **%ld** | |\n\n", r->journey_minutes);
    /* why each unit: a list of units, each with its reasons nested */
    if (!cli_list_has_reasons(&r->journey))
        return;
    fputs("**Why these units**\n\n", fp);
    for (size_t i = 0; i < r->journey.n; i++) {
        const kb_item *it = &r->journey.v[i];
        fputs("- **", fp);
        md_text(fp, it->id);
        fputs("** ", fp);
        md_text(fp, it->title);
        fputc('\n', fp);
        md_sublist(fp, &it->reasons);
    }
    fputc('\n', fp);
}

void cli_report_markdown(FILE *fp, const kb_report *r)
{
    fputs("# ", fp);
    md_text(fp, r->respondent && r->respondent[0] ? r->respondent : "Advice");
    fputs("\n\n", fp);
    md_summary(fp, r);
    md_situation(fp, r);
    md_maturity(fp, r);
    md_model(fp, r);
    md_items(fp, "Roles the twin needs that you lack", "None: every role the twin needs is there.",
             NULL, &r->roles);
    md_items(fp, "Financing and procurement", "No route found.", "First step:",
             &r->finance);
    md_advice(fp, r);
    md_journey(fp, r);
}
