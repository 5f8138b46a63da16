/*
 * test.c -- `ldt-advisor test`: runs the knowledge base's [test]
 * scenarios, each from a reset, and reports every failed expectation with
 * what was expected and what was found, then which rules no scenario ever
 * fired (they are untested).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli.h"

static const char test_help[] =
    "Usage: " PROG " test [OPTIONS] [TEST_OR_FILE...]\n"
    "\n"
    "Runs the [test] scenarios of the knowledge base: each resets, asserts\n"
    "its answers, runs, and checks its expect / expect_not patterns.  An\n"
    "argument that is a file or directory adds the [test] sections in it to\n"
    "the knowledge base (a file of the knowledge base, or one given twice,\n"
    "is read once; for another knowledge base, use --kb); any other\n"
    "argument picks a scenario by name.  Ends with the line\n"
    "'N passed, N failed' and lists the rules that no scenario fired.\n"
    "\n"
    "Options:\n"
    "  --kb DIR      the knowledge base (default as for advise)\n"
    "  --coverage    list every rule with the number of scenarios that fired it\n"
    "  -q, --quiet   print failures and the summary only (not the scenarios\n"
    "                that passed, nor the list of untested rules)\n"
    "  -h, --help    show this help\n"
    "\n"
    "Exit status: 0 all passed, 1 a scenario failed, 64 usage, 65 errors in\n"
    "the knowledge base or the scenarios, 66 a file that cannot be read, or\n"
    "a TEST that is neither a scenario nor a file (the others still run), 71\n"
    "out of memory, 74 the output could not be written.\n";

typedef struct failctx {
    int printed;
} failctx;

static void on_fail(void *ud, const eng_test *t, int line, const char *message)
{
    failctx *fc = ud;
    if (!fc->printed)
        printf("FAIL %s (%s:%d)\n", eng_test_name(t), eng_test_path(t), eng_test_line(t));
    fc->printed = 1;
    printf("     %s:%d: %s\n", eng_test_path(t), line, message);
}

int cmd_test(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", NULL};
    static const char *const flags[] = {"-h|--help", "--coverage", "-q|--quiet", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "test", .with_value = with_value,
                  .flags = flags};
    const char *kbdir = NULL, *opt, *val;
    const char **names = calloc((size_t)argc + 1, sizeof *names);
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t nnames = 0, nfiles = 0;
    int coverage = 0, quiet = 0, r, exitc = 0;
    long *fired = NULL;
    if (!names || !files) {
        free(names);
        free(files);
        fprintf(stderr, PROG ": out of memory\n");
        return EX_OSERR;
    }
    while ((r = cli_next(&a, &opt, &val)) != CLI_END) {
        if (r == CLI_ERR) {
            exitc = EX_USAGE;
            goto out;
        }
        if (r == CLI_ARG) {
            struct stat st;
            if (stat(val, &st) == 0)
                files[nfiles++] = val;
            else
                names[nnames++] = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(test_help, stdout);
            goto out;
        } else if (!strcmp(opt, "--kb")) {
            if (cli_name_given("test", opt, CLI_NAME_KB, val)) {
                exitc = EX_USAGE;
                goto out;
            }
            kbdir = val;
        } else if (!strcmp(opt, "--coverage")) {
            coverage = 1;
        } else if (!strcmp(opt, "-q") || !strcmp(opt, "--quiet")) {
            quiet = 1;
        } else {
            cli_usage("test: unknown option '%s'", opt);
            exitc = EX_USAGE;
            goto out;
        }
    }
    int status;
    kb *k = kb_open_paths(cli_kb_path(kbdir), files, nfiles, NULL, &status);
    if (!k) {
        fprintf(stderr, PROG ": out of memory\n");
        exitc = EX_OSERR;
        goto out;
    }
    eng_engine *e = kb_engine(k);
    cli_diags(e, 0);
    size_t shown = eng_diag_count(e);
    for (size_t i = 0; status && nfiles && i < shown; i++)
        if (strstr(eng_diag_at(e, i)->message, "] is not a scenario: ")) {
            /* `lint DIR` checks DIR: `test DIR` reads like it, but adds */
            fprintf(stderr, "note: to run the scenarios of another knowledge base, "
                            "give it with --kb DIR\n");
            break;
        }
    if (status) {
        exitc = cli_exit(status);
        goto done;
    }
    size_t nrules = eng_rule_count(e), ntests = eng_test_count(e);
    fired = calloc(nrules + 1, sizeof *fired);
    long *before = calloc(nrules + 1, sizeof *before);
    if (!fired || !before) {
        free(before);
        exitc = cli_exit(ENG_ENOMEM);
        goto done;
    }
    int pass = 0, fail = 0;
    for (size_t i = 0; i < nnames; i++) {
        size_t j = 0;
        while (j < ntests && strcmp(eng_test_name(eng_test_at(e, j)), names[i]))
            j++;
        if (j == ntests) {
            /* what was asked for is not there, as a file that is not
             * (the argument names no file either) */
            cli_errorf(PROG ": test: no scenario named '%s', nor a file or directory",
                    names[i]);
            exitc = EX_NOINPUT;
        }
    }
    for (size_t i = 0; i < ntests; i++) {
        const eng_test *t = eng_test_at(e, i);
        if (nnames) {
            size_t j = 0;
            while (j < nnames && strcmp(names[j], eng_test_name(t)))
                j++;
            if (j == nnames)
                continue;
        }
        for (size_t j = 0; j < nrules; j++)
            before[j] = eng_rule_fired(eng_rule_at(e, j));
        failctx fc = {0};
        int rc = eng_test_run(e, t, on_fail, &fc);
        cli_diags(e, shown);
        shown = eng_diag_count(e);
        if (rc == -ENG_ENOMEM) {
            /* not a failed scenario: no verdict can be given */
            free(before);
            exitc = cli_exit(ENG_ENOMEM);
            goto done;
        }
        for (size_t j = 0; j < nrules; j++)
            if (eng_rule_fired(eng_rule_at(e, j)) > before[j])
                fired[j]++;
        if (rc == 1) {
            pass++;
            if (!quiet)
                printf("ok   %s\n", eng_test_name(t));
        } else {
            fail++;
            if (rc < 0)
                printf("FAIL %s (%s:%d): the run failed: %s\n", eng_test_name(t),
                       eng_test_path(t), eng_test_line(t), eng_status_text(-rc));
        }
    }
    free(before);
    size_t unfired = 0;
    for (size_t j = 0; j < nrules; j++)
        unfired += !fired[j];
    if (coverage) {
        printf("\nCoverage (scenarios that fired each rule):\n");
        for (size_t j = 0; j < nrules; j++) {
            const eng_rule *rl = eng_rule_at(e, j);
            printf("  %4ld  %s  (%s:%d)\n", fired[j], eng_rule_name(rl),
                   eng_rule_path(rl), eng_rule_line(rl));
        }
    } else if (unfired && !nnames && !quiet) {
        printf("\n%zu of %zu rules were fired by no scenario (untested):\n", unfired, nrules);
        for (size_t j = 0; j < nrules; j++)
            if (!fired[j]) {
                const eng_rule *rl = eng_rule_at(e, j);
                printf("  %s:%d: %s\n", eng_rule_path(rl), eng_rule_line(rl), eng_rule_name(rl));
            }
    }
    if (!nnames)
        printf("\nrule coverage: %zu of %zu rules fired by at least one scenario\n",
               nrules - unfired, nrules);
    printf("%d passed, %d failed\n", pass, fail);
    if (fail && !exitc)
        exitc = 1;
done:
    kb_close(k);
out:
    /* the verdicts are the output: lost ones are a failure */
    if (cli_flush_stdout())
        exitc = EX_IOERR;
    free(fired);
    free(names);
    free(files);
    return exitc;
}
