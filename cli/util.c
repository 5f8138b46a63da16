/*
 * util.c -- what every subcommand shares: diagnostics printed the way
 * editors expect them, exit codes, colour, the option scanner, and finding
 * the knowledge base.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/types.h>

#include "cli.h"

int cli_colour(FILE *fp)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    return isatty(fileno(fp));
}

/* Prints every diagnostic as PATH:LINE:COL: severity: message, with the
 * source line and a caret under the culprit where known. */
void cli_diags(eng_engine *e, size_t from)
{
    int colour = cli_colour(stderr);
    for (size_t i = from; i < eng_diag_count(e); i++) {
        const eng_diag *d = eng_diag_at(e, i);
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
        if (d->path[0])
            fprintf(stderr, "%s%s: ", d->path, loc);
        fprintf(stderr, "%s%s:%s %s\n", on, sev, off, d->message);
        if (d->source && d->col > 0 && (size_t)d->col <= strlen(d->source) + 1) {
            fprintf(stderr, "    %s\n    ", d->source);
            for (int c = 1; c < d->col; c++)
                fputc(d->source[c - 1] == '\t' ? '\t' : ' ', stderr);
            int span = d->span;
            int room = (int)strlen(d->source) - d->col + 1;
            if (span > room)
                span = room > 1 ? room : 1;
            for (int c = 0; c < span; c++)
                fputc('^', stderr);
            fputc('\n', stderr);
        }
    }
}

int cli_exit(int status)
{
    switch (status) {
    case ENG_OK: return 0;
    case ENG_ENOMEM: return EX_OSERR;
    case ENG_EIO: return EX_NOINPUT;
    case ENG_ELIMIT: case ENG_ERUNTIME: return EX_SOFTWARE;
    default: return EX_DATAERR;
    }
}

void cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
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
    int takes = 0;
    for (const char *const *w = a->with_value; w && *w; w++)
        if (!strcmp(*w, name))
            takes = 1;
    if (!takes) {
        if (eq) {
            cli_usage("%s: option '%s' takes no value", a->cmd, name);
            return CLI_ERR;
        }
        return CLI_OPT;
    }
    if (eq) {
        *val = eq + 1;
    } else if (a->i + 1 < a->argc) {
        *val = a->argv[++a->i];
    } else {
        cli_usage("%s: option '%s' needs a value", a->cmd, name);
        return CLI_ERR;
    }
    return CLI_OPT;
}

#ifndef LDT_DATADIR
#define LDT_DATADIR "/usr/local/share/ldt-advisor"
#endif

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

int cli_watch_parse(const char *command, const char *spec, unsigned *mask)
{
    static const char *const names[] = {"facts", "rules", "activations", "questions"};
    *mask = 0;
    const char *p = spec;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        if (n == 3 && !strncmp(p, "all", 3)) {
            *mask = 15;
            found = 1;
        }
        for (int i = 0; i < 4 && !found; i++)
            if (strlen(names[i]) == n && !strncmp(p, names[i], n)) {
                *mask |= 1u << i;
                found = 1;
            }
        if (!found) {
            cli_usage("%s: --watch takes a comma-separated list of facts, rules, "
                      "activations, questions (or all), not '%.*s'", command, (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*mask) {
        cli_usage("%s: --watch needs facts, rules, activations, questions or all", command);
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
