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
    "Run '" PROG " COMMAND --help' (or '" PROG " help COMMAND') for a command's\n"
    "options.  They go after the command, '--opt VALUE' or '--opt=VALUE'; '--'\n"
    "ends them.\n"
    "  -h, --help      show this help\n"
    "  -V, --version   show the version\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"ask", cmd_ask},       {"sessions", cmd_sessions}, {"advise", cmd_advise},
    {"test", cmd_test},     {"explain", cmd_explain},   {"lint", cmd_lint},
    {"graph", cmd_graph},   {"facts", cmd_facts},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static int command_at(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return (int)i;
    return -1;
}

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
    if (!strcmp(cmd, "help") && argc > 2) {
        /* `help COMMAND` is `COMMAND --help` */
        int k = command_at(argv[2]);
        if (argc > 3) {
            cli_usage("help: one command at a time (help COMMAND)");
            return EX_USAGE;
        }
        if (k < 0) {
            cli_usage("help: no command '%s' (ask, sessions, advise, test, explain, lint, "
                      "graph or facts)", argv[2]);
            return EX_USAGE;
        }
        static char help_opt[] = "--help";
        char *args[] = {argv[2], help_opt, NULL};
        return commands[k].run(2, args);
    }
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return cli_flush_stdout();
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf(PROG " %s (engine %s)\n", KB_VERSION, ENG_VERSION);
        return cli_flush_stdout();
    }
    int k = command_at(cmd);
    if (k >= 0)
        return commands[k].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        cli_usage("unknown option '%s' (a command's options go after it: " PROG
                  " COMMAND [OPTIONS] [ARGS])", cmd);
    else
        cli_usage("unknown command '%s'", cmd);
    return EX_USAGE;
}
