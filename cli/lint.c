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
    "  - labels a 'because' shows ({?var|REL}) that nothing provides;\n"
    "  - answers a 'because' shows by their option's value ({?var} where\n"
    "    {?var|QUESTION} shows the option's label);\n"
    "  - rules without a 'because' that conclude what the advice shows;\n"
    "  - rules whose tests on a number answer allow no number of the\n"
    "    question's range;\n"
    "  - variables of a 'not' or 'exists' that are its own although a\n"
    "    later pattern binds the same name;\n"
    "  - questions that no rule and no ask_if reads;\n"
    "  - test expectations on a relation nothing asserts (an expect that\n"
    "    can never hold, an expect_not that always holds);\n"
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
    "that cannot be read, 71 out of memory, 74 standard output could not be\n"
    "written.\n";

/* Source lines of files, read once, for diagnostics that came without
 * their line. */
int cmd_lint(int argc, char **argv)
{
    static const char *const with_value[] = {"--kb", NULL};
    static const char *const flags[] = {"-h|--help", "--strict", NULL};
    cli_args a = {.argc = argc, .argv = argv, .cmd = "lint", .with_value = with_value,
                  .flags = flags};
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
            if (cli_name_given("lint", opt, CLI_NAME_KB, val))
                return EX_USAGE;
            kbdir = val;
        } else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
            fputs(lint_help, stdout);
            return cli_flush_stdout();
        } else if (!strcmp(opt, "--kb")) {
            if (kbdir) {
                cli_usage("lint: too many arguments: one knowledge base at a time");
                return EX_USAGE;
            }
            if (cli_name_given("lint", opt, CLI_NAME_KB, val))
                return EX_USAGE;
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
    cli_diags(e, 0);
    if (exitc == EX_OSERR)
        fprintf(stderr, PROG ": out of memory\n");
    if (!exitc && strict) {
        for (size_t i = 0; i < eng_diag_count(e); i++)
            if (eng_diag_at(e, i)->severity == ENG_WARNING)
                exitc = 1;
    }
    kb_close(k);
    if (cli_flush_stdout())
        exitc = EX_IOERR;
    return exitc;
}
