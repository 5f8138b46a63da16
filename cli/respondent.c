/*
 * respondent.c -- putting one respondent into working memory for the
 * commands that look at a single respondent (explain, and ask when it
 * resumes): from an answers file or from a saved session, always as a
 * fresh run (reset, the answers, run).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

int cli_load_answers(kb *k, const char *path, const char *name,
                     const char *skip, const char *verb, char *who, size_t whosize,
                     size_t *errors)
{
    eng_engine *e = kb_engine(k);
    size_t shown = eng_diag_count(e);
    eng_answers *ans = cli_answers_read(e, path);
    path = cli_answers_name(path);
    int oom = !ans && errno == ENOMEM;
    *errors = 0;
    if (!ans) {
        cli_diags(e, shown);
        return oom ? cli_exit(ENG_ENOMEM) : EX_NOINPUT;
    }
    int exitc = 0;
    size_t i = 0, n = eng_answers_count(ans);
    while (i < n && strcmp(eng_answers_name(ans, i), name))
        i++;
    /* the problems of this respondent's lines (all of them) and of the
     * file's own, not those of the other respondents */
    if (i < n && eng_answers_report(e, ans, i) == ENG_ENOMEM) {
        cli_diags(e, shown);
        eng_answers_free(ans);
        return cli_exit(ENG_ENOMEM);
    }
    *errors = cli_diags_one(e, shown, ans, path, i);
    shown = eng_diag_count(e);
    if (i == n) {
        cli_errorf("%s: error: no respondent '%s' in this file", path, name);
        exitc = EX_NOINPUT;     /* what was asked for is not there */
    } else if (!eng_answers_valid(ans, i)) {
        cli_errorf("%s: error: respondent '%s' has invalid answers (see above)", path, name);
        exitc = EX_DATAERR;
    } else {
        int rc = eng_reset(e);
        if (!rc)
            rc = eng_answers_assert(e, ans, i);
        if (!rc && skip) {
            /* leave out the question being asked about: every value of
             * its answer (a `many` answer has one fact a value) */
            size_t nd = 0;
            eng_value prefix[2];
            if (eng_intern(e, "answer", 6, ENG_SYMBOL, &prefix[0]) ||
                eng_intern(e, skip, strlen(skip), ENG_SYMBOL, &prefix[1]))
                rc = ENG_ENOMEM;
            else
                nd = eng_fact_lookup(e, prefix, 2, NULL, 0);
            for (size_t j = 0; j < nd && !rc; j++) {
                /* each input retraction rebuilds working memory: look up
                 * the next one again */
                const eng_fact *f = NULL;
                if (eng_fact_lookup(e, prefix, 2, &f, 1))
                    rc = eng_input_retract(e, f);
            }
        }
        if (!rc)
            rc = eng_run(e, 0, NULL);
        cli_diags(e, shown);
        if (rc)
            exitc = cli_exit(rc);
        /* the error printed above names a rule, not the respondent */
        if (rc && rc != ENG_ENOMEM)
            cli_errorf("%s: note: respondent '%s' is not %s because of the error above",
                    path, name, verb);
        snprintf(who, whosize, "%s (from %s)", name, path);
    }
    eng_answers_free(ans);
    return exitc;
}

/* A section name the answers-file reader takes: a letter, '_' or a
 * non-ASCII byte first, then those, digits, '.', ':' and '-'. */
static int is_name(const char *s)
{
    const unsigned char *c = (const unsigned char *)s;
    if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c >= 0x80))
        return 0;
    for (c++; *c; c++)
        if (!(*c == '_' || *c == '.' || *c == ':' || *c == '-' || *c >= 0x80 ||
              (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return 0;
    return 1;
}

const char *cli_session_name(long long id, const char *respondent, char *buf, size_t size)
{
    if (is_name(respondent) && cli_utf8_ok(respondent) && strlen(respondent) < size)
        snprintf(buf, size, "%s", respondent);
    else
        snprintf(buf, size, "session-%lld", id);
    return buf;
}

int cli_load_session(kb *k, const char *kbpath, const char *db, const char *id,
                     const char *skip, const char *verb, char *who, size_t whosize)
{
    return cli_load_session_named(k, kbpath, db, id, skip, verb, who, whosize, NULL, 0);
}

int cli_load_session_named(kb *k, const char *kbpath, const char *db, const char *id,
                           const char *skip, const char *verb, char *who, size_t whosize,
                           char *name, size_t namesize)
{
    eng_engine *e = kb_engine(k);
    char dbbuf[4096], err[1024];
    long long sid = 0;
    if (cli_session_id(id, &sid)) {
        cli_usage("--session takes a session number or 'latest', not '%s'", id);
        return EX_USAGE;
    }
    const char *path = db ? db : kb_store_default_path(dbbuf, sizeof dbbuf);
    if (!path) {
        fprintf(stderr, PROG ": no home directory for the sessions database; give --db PATH\n");
        return EX_USAGE;
    }
    /* reading a session never creates the database */
    kb_store *st;
    int x = cli_store_open_existing(path, 0, &st);
    if (x)
        return x;
    kb_session_info si;
    memset(&si, 0, sizeof si);
    kb_answer *v = NULL;
    size_t n = 0;
    int exitc = 0;
    int rc = kb_store_session_get(st, sid, &si, err, sizeof err);
    if (rc == ENG_EINVAL) {
        cli_no_session(path, sid);
        exitc = EX_NOINPUT;
        goto done;
    }
    if (rc || (rc = kb_store_answers(st, si.id, &v, &n, err, sizeof err))) {
        /* ENG_EINVAL: deleted by another process since it was found */
        cli_errorf(PROG ": %s", err);
        exitc = rc == ENG_ENOMEM ? EX_OSERR : rc == ENG_EINVAL ? EX_NOINPUT : EX_IOERR;
        goto done;
    }
    char now[17];
    if (si.fingerprint[0] && kb_fingerprint(kbpath, now, sizeof now) == ENG_OK &&
        strcmp(now, si.fingerprint))
        fprintf(stderr, PROG ": note: session %lld was saved under another knowledge base "
                "(fingerprint %s, now %s): its answers are run under this one\n",
                si.id, si.fingerprint, now);
    rc = eng_reset(e);
    eng_value f[3];
    if (!rc && eng_intern(e, "answer", 6, ENG_SYMBOL, &f[0]))
        rc = ENG_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        const eng_question *q = eng_question_find(e, v[i].question);
        if (!q && v[i].value)
            cli_errorf(PROG ": note: session %lld's answer to '%s' is left out: the "
                    "knowledge base has no such question", si.id, v[i].question);
        if (!q || !v[i].value || (skip && !strcmp(skip, v[i].question)))
            continue;
        eng_value vals[ENG_MAX_VALUES];
        size_t nv;
        char perr[ENG_ANSWER_ERR_SIZE];
        int prc = eng_answer_parse(e, q, v[i].value, vals, ENG_MAX_VALUES, &nv, perr, sizeof perr);
        if (prc == ENG_ENOMEM) {
            rc = prc;
            break;
        }
        if (prc) {
            cli_errorf(PROG ": note: session %lld's answer to '%s' no longer fits the knowledge base (%s); left out",
                    si.id, v[i].question, perr);
            continue;
        }
        if (eng_intern(e, v[i].question, strlen(v[i].question), ENG_SYMBOL, &f[1])) {
            rc = ENG_ENOMEM;
            break;
        }
        for (size_t j = 0; j < nv && !rc; j++) {
            f[2] = vals[j];
            rc = eng_assert(e, f, 3, NULL);
        }
    }
    if (!rc)
        rc = eng_run(e, 0, NULL);
    cli_diags(e, 0);
    if (rc)
        exitc = cli_exit(rc);
    /* a label saved before ask refused control characters and bytes
     * that are not UTF-8 would reach the terminal and JSON as it is */
    int shown = si.respondent[0] && cli_printable(si.respondent);
    snprintf(who, whosize, "session %lld%s%s%s", si.id, shown ? " (" : "",
             shown ? si.respondent : "", shown ? ")" : "");
    if (name)
        cli_session_name(si.id, si.respondent, name, namesize);
    if (rc && rc != ENG_ENOMEM)
        cli_errorf(PROG ": note: %s is not %s because of the error above", who, verb);
done:
    kb_answers_free(v, n);
    kb_session_info_clear(&si);
    kb_store_close(st);
    return exitc;
}
