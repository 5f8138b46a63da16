/*
 * respondent.c -- putting one respondent into working memory for the
 * commands that look at a single respondent (explain, and ask when it
 * resumes): from an answers file or from a saved session, always as a
 * fresh run (reset, the answers, run).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

int cli_load_answers(kb *k, const char *path, const char *name,
                     const char *skip, char *who, size_t whosize)
{
    eng_engine *e = kb_engine(k);
    size_t shown = eng_diag_count(e);
    eng_answers *ans = eng_answers_read(e, path);
    cli_diags(e, shown);
    shown = eng_diag_count(e);
    if (!ans)
        return EX_NOINPUT;
    int exitc = 0;
    size_t i = 0, n = eng_answers_count(ans);
    while (i < n && strcmp(eng_answers_name(ans, i), name))
        i++;
    if (i == n) {
        fprintf(stderr, "%s: error: no respondent '%s' in this file\n", path, name);
        exitc = EX_DATAERR;
    } else if (!eng_answers_valid(ans, i)) {
        fprintf(stderr, "%s: error: respondent '%s' has invalid answers (see above)\n", path, name);
        exitc = EX_DATAERR;
    } else {
        int rc = eng_reset(e);
        if (!rc)
            rc = eng_answers_assert(e, ans, i);
        if (!rc && skip) {
            /* leave out the question being asked about */
            const eng_fact *drop[64];
            size_t nd = 0;
            eng_value prefix[2];
            if (!eng_intern(e, "answer", 6, ENG_SYMBOL, &prefix[0]) &&
                !eng_intern(e, skip, strlen(skip), ENG_SYMBOL, &prefix[1]))
                nd = eng_fact_lookup(e, prefix, 2, drop, 64);
            for (size_t j = 0; j < nd && j < 64 && !rc; j++) {
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
        snprintf(who, whosize, "%s (from %s)", name, path);
    }
    eng_answers_free(ans);
    return exitc;
}
