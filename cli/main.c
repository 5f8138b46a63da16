/*
 * main.c -- the ldt-advisor command: dispatches to a subcommand.  cli/ is
 * the only part of the program that talks to a person; it uses the kb
 * layer (kb/kb.h) and, through it, the engine's public header.
 *
 * Exit codes follow sysexits.h: 0 success, 64 usage, 65 bad knowledge
 * base or answers (data that is there, but wrong), 66 input not found or
 * unreadable: a file, a sessions database, and anything named on the
 * command line that is not there (a session ID, 'latest' without
 * sessions, a respondent, a question, a scenario), 70 a run that did not
 * finish (firing limit, runtime error in a rule), 71 out of memory, 73 an
 * output file cannot be created, 74 output could not be written; `test`
 * exits 1 when a scenario fails, `explain` when nothing matches.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

/* ------------------------------------------------------------ main */

static const char main_help[] =
    "Usage: " PROG " COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A starter kit for Local Digital Twins: turns a questionnaire's answers\n"
    "into advice with a forward-chaining rule engine.\n"
    "\n"
    "Commands:\n"
    "  ask                               the questionnaire at the terminal (resumable)\n"
    "  sessions list|show|export|compare|delete   saved sessions\n"
    "  advise ANSWERS [RESPONDENT...]    advice for each respondent (text, markdown, HTML, JSON)\n"
    "  test [TEST...]                    run the knowledge base's scenario tests\n"
    "  explain SOURCE CONCLUSION         how a conclusion was reached (--why, --why-not)\n"
    "  lint [KB]                         check a knowledge base\n"
    "  graph [KB]                        the rule dependency graph (Graphviz dot)\n"
    "  facts KB [ANSWERS [RESPONDENT]]   run the rules, print working memory\n"
    "\n"
    "Run '" PROG " COMMAND --help' for a command's options.  They go after the\n"
    "command, '--opt VALUE' or '--opt=VALUE'; '--' ends them.\n"
    "  -h, --help      show this help\n"
    "  -V, --version   show the version\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(main_help, stderr);
        return EX_USAGE;
    }
    /* A file that would grow past the limit on file size (ulimit -f) is a
     * write that fails with EFBIG, reported with the file's name like a
     * full disk, not a signal that kills the program in mid-write. */
    signal(SIGXFSZ, SIG_IGN);
    cli_std_guard();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return cli_flush_stdout();
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf(PROG " %s (engine %s)\n", KB_VERSION, ENG_VERSION);
        return cli_flush_stdout();
    }
    if (!strcmp(cmd, "facts"))
        return cmd_facts(argc - 1, argv + 1);
    if (!strcmp(cmd, "advise"))
        return cmd_advise(argc - 1, argv + 1);
    if (!strcmp(cmd, "test"))
        return cmd_test(argc - 1, argv + 1);
    if (!strcmp(cmd, "explain"))
        return cmd_explain(argc - 1, argv + 1);
    if (!strcmp(cmd, "ask"))
        return cmd_ask(argc - 1, argv + 1);
    if (!strcmp(cmd, "sessions"))
        return cmd_sessions(argc - 1, argv + 1);
    if (!strcmp(cmd, "lint"))
        return cmd_lint(argc - 1, argv + 1);
    if (!strcmp(cmd, "graph"))
        return cmd_graph(argc - 1, argv + 1);
    if (cmd[0] == '-')
        cli_usage("unknown option '%s' (a command's options go after it: " PROG
                  " COMMAND [OPTIONS] [ARGS])", cmd);
    else
        cli_usage("unknown command '%s'", cmd);
    return EX_USAGE;
}
