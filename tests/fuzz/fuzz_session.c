/*
 * fuzz_session.c -- libFuzzer target for a questionnaire session: a
 * knowledge base is opened once with kb_open -- by default the compact one
 * of tests/fuzz/session-kb/ (a question of each type, ask_if lines, a
 * catalogue, rules with not / exists / test / regex conditions reading the
 * answers, every conclusion the report reads), or $LDT_FUZZ_KB (the
 * shipped rules/, for instance: the same session, about 50 times slower
 * since its reset asserts about 1,150 catalogue facts).  Each input is a
 * sequence of answers separated by newlines.  For
 * each, the next question is asked (kb_next_question); the answer is
 * parsed against it (eng_answer_parse) and, when valid, asserted as
 * `answer ID VALUE` facts and the rules run; when not, the same question
 * takes the next line, as at the terminal.  "skip" skips the question.
 * At the end the report is built and freed.  No SQLite store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/engine.h"
#include "../../kb/kb.h"

#ifndef FUZZ_SESSION_KB
#define FUZZ_SESSION_KB "tests/fuzz/session-kb"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kb *kbase;

static void cleanup(void)
{
    kb_close(kbase);
    kbase = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("LDT_FUZZ_KB");
    if (!dir || !*dir)
        dir = FUZZ_SESSION_KB;
    eng_config cfg = {0};
    cfg.max_firings = 5000;
    int st = ENG_OK;
    kbase = kb_open(dir, &cfg, &st);
    if (!kbase || st != ENG_OK) {
        fprintf(stderr, "fuzz_session: cannot open the knowledge base %s (%d); "
                "set LDT_FUZZ_KB\n", dir, st);
        abort();
    }
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!kbase)
        LLVMFuzzerInitialize(NULL, NULL);
    eng_engine *e = kb_engine(kbase);
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    kb_skip_clear(kbase);
    if (eng_reset(e) != ENG_OK)
        goto out;
    eng_run(e, 5000, NULL);

    eng_value answer;
    if (eng_intern(e, "answer", 6, ENG_SYMBOL, &answer))
        goto out;
    /* Lines end at '\n'; a NUL ends the whole input as it would at a
     * terminal (the answer text is a C string). */
    char *line = text, *end = text + strlen(text);
    const eng_question *q = NULL;
    while (line <= end) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        /* As `ldt-advisor ask` does: the next question is looked for after
         * an answer or a skip; a rejected answer asks the same again. */
        if (!q) {
            q = kb_next_question(kbase);
            if (!q)
                break;
            (void)kb_questions_left(kbase);
        }
        if (!strcmp(line, "skip")) {
            kb_skip(kbase, q, 1);
            q = NULL;
        } else {
            eng_value vals[64], f[3];
            size_t n = 0;
            char err[512];
            if (eng_answer_parse(e, q, line, vals, 64, &n, err, sizeof err) == ENG_OK) {
                const char *id = eng_question_id(q);
                f[0] = answer;
                if (eng_intern(e, id, strlen(id), ENG_SYMBOL, &f[1]))
                    break;
                for (size_t i = 0; i < n && i < 64; i++) {
                    f[2] = vals[i];
                    eng_assert(e, f, 3, NULL);
                }
                eng_run(e, 5000, NULL);
                q = NULL;
            }
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    kb_report *r = NULL;
    if (kb_report_build(kbase, "fuzz", &r) == ENG_OK)
        kb_report_free(r);
out:
    eng_diag_clear(e);
    free(text);
    return 0;
}
