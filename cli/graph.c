/*
 * graph.c -- `ldt-advisor graph`: the rule dependency graph of a
 * knowledge base in Graphviz dot, for authors to look at: which rules feed
 * which, through which relations.
 *
 *   - a rule is a box, in a cluster per file (with the file's questions);
 *   - a question is a rounded yellow box: an input, with an edge to each
 *     rule that reads `answer ID ...`; rules that read `answer ?q ...`
 *     get an edge from the node "any answer";
 *   - a relation asserted by [facts] lines or catalogue entries and read
 *     by rules is a grey note: an input;
 *   - an edge from rule A to rule B, labelled with a relation, says that A
 *     asserts (or adds to) facts that B reads; a dashed edge, labelled
 *     "not REL", that B reads them under `not`.  When a relation has many
 *     writers and many readers (more edges than writers plus readers), the
 *     edges meet at an ellipse with the relation's name instead;
 *   - a relation that no rule reads (but under `not`, as a guard) or
 *     that a [test] expects is a conclusion: a double-bordered box with an edge from each writer;
 *   - a dotted edge labelled "ask_if" goes to a question from what its
 *     ask_if lines read (another question, rules, an input).
 *
 * A relation is labelled with its name, or with its shape (`situation ? ?`)
 * when the name is used with several sizes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

static const char graph_help[] =
    "Usage: " PROG " graph [OPTIONS] [KB]\n"
    "\n"
    "Writes the rule dependency graph of the knowledge base KB (default as\n"
    "for advise) in Graphviz dot: rules grouped by file, an edge from a rule\n"
    "to each rule that reads what it asserts, labelled with the relation\n"
    "(dashed: read under 'not'); questions, [facts] and catalogue relations\n"
    "as inputs; relations no rule reads (but under 'not'), or that a [test]\n"
    "expects, as conclusions; dotted edges to a question from what its\n"
    "ask_if lines read.  Render it with e.g. 'dot -Tsvg kb.dot -o kb.svg'.\n"
    "\n"
    "Options:\n"
    "  --kb DIR            the knowledge base (the same as the KB argument)\n"
    "  -o, --output FILE   write to FILE instead of standard output\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 success, 64 usage, 65 errors in the knowledge base, 66 a\n"
    "file that cannot be read, 71 out of memory, 73 or 74 the output cannot\n"
    "be written.\n";

/* Writes S as the inside of a dot string. */
static void esc(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', fp);
        if (*s == '\n')
            fputs("\\n", fp);
        else
            fputc(*s, fp);
    }
}

typedef struct nameidx {
    const char *name;
    size_t i;
} nameidx;

static int cmp_nameidx(const void *a, const void *b)
{
    return strcmp(((const nameidx *)a)->name, ((const nameidx *)b)->name);
}

typedef struct gctx {
    FILE *fp;
    eng_engine *e;
    const kb_deps *d;
    char *ambiguous;            /* per relation: its name has several sizes */
    nameidx *qids;              /* question ids, sorted, for lookup */
} gctx;

static void label(gctx *g, size_t ri, int negated)
{
    const kb_dep_rel *r = kb_deps_at(g->d, ri);
    fputs(negated ? "not " : "", g->fp);
    esc(g->fp, r->name);
    if (g->ambiguous[ri])
        for (size_t i = 1; i < r->size; i++)
            fputs(" ?", g->fp);
}

/* The distinct owners of USES (in order), into OUT; returns how many. */
static size_t owners(const kb_dep_use *uses, size_t n, size_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t o = uses[i].owner, j = 0;
        if (m && out[m - 1] == o)
            continue;
        while (j < m && out[j] != o)
            j++;
        if (j == m)
            out[m++] = o;
    }
    return m;
}

typedef struct item {
    const char *path;
    size_t idx;                 /* question, then rule indexes after nq */
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

typedef struct qref {
    size_t q;                   /* question index, or SIZE_MAX: any */
    size_t rule;
    int negated;
} qref;

static int cmp_qref(const void *a, const void *b)
{
    const qref *x = a, *y = b;
    if (x->q != y->q)
        return x->q < y->q ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return x->negated - y->negated;
}

static int write_graph(gctx *g, const char *kbpath)
{
    FILE *fp = g->fp;
    eng_engine *e = g->e;
    const kb_deps *d = g->d;
    size_t nr = eng_rule_count(e), nq = eng_question_count(e), nrel = kb_deps_count(d);
    int rc = ENG_ENOMEM;
    item *items = malloc((nr + nq + 1) * sizeof *items);
    size_t *w = malloc((nr + 1) * sizeof *w), *rd = malloc((nr + 1) * sizeof *rd);
    size_t *ng = malloc((nr + 1) * sizeof *ng), *ask = malloc((nq + 1) * sizeof *ask);
    nameidx *names = malloc((nrel + 1) * sizeof *names);
    qref *qr = NULL;
    g->ambiguous = calloc(nrel + 1, 1);
    g->qids = malloc((nq + 1) * sizeof *g->qids);
    if (!items || !w || !rd || !ng || !ask || !names || !g->ambiguous || !g->qids)
        goto out;
    for (size_t i = 0; i < nrel; i++) {
        names[i].name = kb_deps_at(d, i)->name;
        names[i].i = i;
    }
    qsort(names, nrel, sizeof *names, cmp_nameidx);
    for (size_t i = 0; i < nrel;) {
        size_t j = i;
        while (j < nrel && !strcmp(names[j].name, names[i].name))
            j++;
        for (size_t x = i; j - i > 1 && x < j; x++)
            g->ambiguous[names[x].i] = 1;
        i = j;
    }
    for (size_t i = 0; i < nq; i++) {
        g->qids[i].name = eng_question_id(eng_question_at(e, i));
        g->qids[i].i = i;
    }
    qsort(g->qids, nq, sizeof *g->qids, cmp_nameidx);

    fputs("digraph kb {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, "
          "labelloc=t, label=\"", fp);
    esc(fp, kbpath);
    fputs("\"];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9];\n", fp);

    /* rules and questions, by file */
    size_t ni = 0;
    for (size_t i = 0; i < nq; i++)
        items[ni++] = (item){eng_question_path(eng_question_at(e, i)), i};
    for (size_t i = 0; i < nr; i++)
        items[ni++] = (item){eng_rule_path(eng_rule_at(e, i)), nq + i};
    qsort(items, ni, sizeof *items, cmp_item);
    size_t cluster = 0;
    for (size_t i = 0; i < ni; i++) {
        if (!i || strcmp(items[i].path, items[i - 1].path)) {
            if (i)
                fputs("  }\n", fp);
            fprintf(fp, "  subgraph cluster_%zu {\n    label=\"", cluster++);
            esc(fp, items[i].path);
            fputs("\";\n", fp);
        }
        if (items[i].idx < nq) {
            fprintf(fp, "    q%zu [label=\"", items[i].idx);
            esc(fp, eng_question_id(eng_question_at(e, items[i].idx)));
            fputs("\", shape=box, style=\"rounded,filled\", fillcolor=lightyellow];\n", fp);
        } else {
            const eng_rule *rl = eng_rule_at(e, items[i].idx - nq);
            fprintf(fp, "    r%zu [label=\"", items[i].idx - nq);
            esc(fp, eng_rule_name(rl));
            fprintf(fp, "\", shape=box];\n");
        }
    }
    if (ni)
        fputs("  }\n", fp);

    /* relations */
    int anyanswer = 0;
    for (size_t ri = 0; ri < nrel; ri++) {
        const kb_dep_rel *r = kb_deps_at(d, ri);
        size_t nw = owners(r->writers, r->nwriters, w);
        size_t nrd = owners(r->readers, r->nreaders, rd);
        size_t nng = owners(r->negated, r->nnegated, ng);
        if ((r->inputs & KB_IN_ANSWERS) && (r->nreaders || r->nnegated)) {
            /* questions -> the rules reading their answers */
            size_t n = r->nreaders + r->nnegated, m = 0;
            qr = malloc((n + 1) * sizeof *qr);
            if (!qr)
                goto out;
            for (size_t pass = 0; pass < 2; pass++) {
                const kb_dep_use *u = pass ? r->negated : r->readers;
                size_t un = pass ? r->nnegated : r->nreaders;
                for (size_t i = 0; i < un; i++) {
                    eng_value q;
                    nameidx key = {NULL, 0}, *hit = NULL;
                    if (eng_rule_cond_const(eng_rule_at(e, u[i].owner), u[i].item, 1, &q) &&
                        q.type == ENG_SYMBOL && (key.name = eng_value_text(e, q, NULL)))
                        hit = bsearch(&key, g->qids, nq, sizeof *g->qids, cmp_nameidx);
                    size_t qi = SIZE_MAX;
                    if (hit)
                        qi = hit->i;
                    else if (key.name)
                        continue;       /* an unknown question: loading said so */
                    qr[m++] = (qref){qi, u[i].owner, (int)pass};
                }
            }
            qsort(qr, m, sizeof *qr, cmp_qref);
            for (size_t i = 0; i < m; i++) {
                if (i && !cmp_qref(&qr[i], &qr[i - 1]))
                    continue;
                if (qr[i].q == SIZE_MAX) {
                    if (!anyanswer++)
                        fputs("  anyanswer [label=\"any answer\", shape=box, "
                              "style=\"rounded,filled\", fillcolor=lightyellow];\n", fp);
                    fprintf(fp, "  anyanswer -> r%zu", qr[i].rule);
                } else {
                    fprintf(fp, "  q%zu -> r%zu", qr[i].q, qr[i].rule);
                }
                fputs(qr[i].negated ? " [style=dashed, label=\"not\"];\n" : ";\n", fp);
            }
            free(qr);
            qr = NULL;
        }
        size_t nask = owners(r->askers, r->naskers, ask);
        if ((r->inputs & (KB_IN_FACTS | KB_IN_CATALOGUE)) && (nrd || nng || nask)) {
            fprintf(fp, "  i%zu [label=\"", ri);
            label(g, ri, 0);
            fprintf(fp, "\\n(%s)\", shape=note, style=filled, fillcolor=lightgrey];\n",
                    (r->inputs & KB_IN_CATALOGUE) ? "catalogue" : "facts");
            for (size_t i = 0; i < nrd; i++)
                fprintf(fp, "  i%zu -> r%zu;\n", ri, rd[i]);
            for (size_t i = 0; i < nng; i++)
                fprintf(fp, "  i%zu -> r%zu [style=dashed, label=\"not\"];\n", ri, ng[i]);
            for (size_t i = 0; i < nask; i++)
                fprintf(fp, "  i%zu -> q%zu [style=dotted, label=\"ask_if\"];\n", ri, ask[i]);
        }
        /* ask_if lines: from the question they read, or the rules that
         * assert what they read */
        for (size_t i = 0; i < r->naskers; i++) {
            const kb_dep_use *u = &r->askers[i];
            if (i && u->owner == r->askers[i - 1].owner)
                continue;
            if (r->inputs & KB_IN_ANSWERS) {
                eng_value q;
                nameidx key = {NULL, 0}, *hit = NULL;
                if (eng_question_cond_const(eng_question_at(e, u->owner), u->item, 1, &q) &&
                    q.type == ENG_SYMBOL && (key.name = eng_value_text(e, q, NULL)))
                    hit = bsearch(&key, g->qids, nq, sizeof *g->qids, cmp_nameidx);
                if (hit)
                    fprintf(fp, "  q%zu -> q%zu [style=dotted, label=\"ask_if\"];\n", hit->i,
                            u->owner);
            }
        }
        for (size_t i = 0; i < nw; i++)
            for (size_t j = 0; j < nask; j++) {
                fprintf(fp, "  r%zu -> q%zu [style=dotted, label=\"ask_if: ", w[i], ask[j]);
                label(g, ri, 0);
                fputs("\"];\n", fp);
            }
        if (nw && (nrd || nng)) {
            if (nw * (nrd + nng) > nw + nrd + nng) {
                fprintf(fp, "  h%zu [label=\"", ri);
                label(g, ri, 0);
                fputs("\", shape=ellipse];\n", fp);
                for (size_t i = 0; i < nw; i++)
                    fprintf(fp, "  r%zu -> h%zu;\n", w[i], ri);
                for (size_t i = 0; i < nrd; i++)
                    fprintf(fp, "  h%zu -> r%zu;\n", ri, rd[i]);
                for (size_t i = 0; i < nng; i++)
                    fprintf(fp, "  h%zu -> r%zu [style=dashed, label=\"not\"];\n", ri, ng[i]);
            } else {
                for (size_t i = 0; i < nw; i++) {
                    for (size_t j = 0; j < nrd; j++) {
                        fprintf(fp, "  r%zu -> r%zu [label=\"", w[i], rd[j]);
                        label(g, ri, 0);
                        fputs("\"];\n", fp);
                    }
                    for (size_t j = 0; j < nng; j++) {
                        fprintf(fp, "  r%zu -> r%zu [style=dashed, label=\"", w[i], ng[j]);
                        label(g, ri, 1);
                        fputs("\"];\n", fp);
                    }
                }
            }
        }
        if (nw && (r->expected || (!r->nreaders && !r->naskers))) {
            fprintf(fp, "  o%zu [label=\"", ri);
            label(g, ri, 0);
            fputs("\", shape=box, style=bold, peripheries=2];\n", fp);
            for (size_t i = 0; i < nw; i++)
                fprintf(fp, "  r%zu -> o%zu;\n", w[i], ri);
        }
    }
    fputs("}\n", fp);
    rc = ENG_OK;
out:
    free(items);
    free(w);
    free(rd);
    free(ng);
    free(ask);
    free(names);
    free(qr);
    free(g->ambiguous);
    free(g->qids);
    return rc;
}

int cmd_graph(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", "-o|--output", NULL};
    static const char *const flags[] = {"-h|--help", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "graph", .with_value = with_value,
                  .flags = flags};
    const char *kbdir = NULL, *outpath = NULL, *opt, *val;
    int r;
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR)
            return EX_USAGE;
        if (r == CLI_ARG || !strcmp(opt, "--kb")) {
            if (kbdir) {
                cli_usage("graph: too many arguments: one knowledge base at a time");
                return EX_USAGE;
            }
            if (cli_name_given("graph", opt, CLI_NAME_KB, val))
                return EX_USAGE;
            kbdir = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(graph_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "-o") || !strcmp(opt, "--output")) {
            if (!*val) {
                cli_usage("graph: %s needs a file name", opt);
                return EX_USAGE;
            }
            outpath = val;
        } else {
            cli_usage("graph: unknown option '%s'", opt);
            return EX_USAGE;
        }
    }
    int status;
    const char *path = cli_kb_path(kbdir);
    kb *k = kb_open(path, NULL, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    eng_engine *e = kb_engine(k);
    cli_diags(e, 0);
    int exitc = 0;
    if (status || eng_error_count(e)) {
        exitc = status ? cli_exit(status) : EX_DATAERR;
        kb_close(k);
        return exitc;
    }
    kb_deps *d = NULL;
    if (kb_deps_build(k, &d)) {
        fprintf(stderr, PROG ": out of memory\n");
        kb_close(k);
        return EX_OSERR;
    }
    cli_output out;
    if ((exitc = cli_output_open(&out, outpath))) {
        kb_deps_free(d);
        kb_close(k);
        return exitc;
    }
    gctx g;
    memset(&g, 0, sizeof g);
    g.fp = out.fp;
    g.e = e;
    g.d = d;
    int rc = write_graph(&g, path);
    if (rc) {
        fprintf(stderr, PROG ": out of memory\n");
        cli_output_close(&out, 0);
        exitc = EX_OSERR;
    } else {
        exitc = cli_output_close(&out, 1);
    }
    kb_deps_free(d);
    kb_close(k);
    return exitc;
}
