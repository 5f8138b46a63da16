/*
 * fuzz_kb.c -- libFuzzer target for the loader: the input is a whole
 * knowledge-base file, loaded with eng_load_buffer into a fresh engine
 * that knows the kb layer's catalogue kinds.  When it loads without
 * errors it is reset and run under a small firing limit, its questions'
 * ask_if lines are evaluated, its [test] scenarios are run, and every
 * derived fact's `because` sentence is formatted.
 */
#define _GNU_SOURCE     /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/engine.h"
#include "../../kb/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LDT_FUZZ_AVOID_KNOWN=1 steers around engine bugs already reported (see
 * tests/fuzz/README.md) so that a long campaign finds new ones; the
 * regression inputs are run without it. */
static int avoid_known(void)
{
    static int v = -1;
    if (v < 0) {
        const char *s = getenv("LDT_FUZZ_AVOID_KNOWN");
        v = s && *s && *s != '0';
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* regress/fuzz_kb/buffer-overread-last-line: eng_load_buffer reads
     * past LEN when the last line has no newline; a NUL after the buffer
     * hides it. */
    char *copy = NULL;
    if (avoid_known()) {
        /* regress/fuzz_kb/uninit-because-duplicate-salience: a rule with
         * `salience` twice reads an uninitialised `because` pointer */
        const char *p = memmem(data, size, "salience", 8);
        if (p && memmem(p + 8, size - (size_t)(p + 8 - (const char *)data), "salience", 8))
            return 0;
        if (!(copy = malloc(size + 1)))
            return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        data = (const uint8_t *)copy;
    }
    eng_config cfg = {0};
    cfg.max_firings = 2000;
    cfg.max_line = 1024;
    eng_engine *e = eng_new(&cfg);
    if (!e) {
        free(copy);
        return 0;
    }
    for (const char *const *k = kb_kinds(); *k; k++)
        if (eng_kind_allow(e, *k))
            goto out;
    eng_load_buffer(e, "fuzz.ini", (const char *)data, size);
    if (eng_error_count(e) == 0 && eng_reset(e) == ENG_OK) {
        eng_run(e, 2000, NULL);
        for (size_t i = 0; i < eng_question_count(e); i++)
            eng_question_askable(e, eng_question_at(e, i));
        char buf[512];
        for (const eng_fact *f = eng_fact_next(e, NULL); f; f = eng_fact_next(e, f)) {
            eng_fact_format(e, f, buf, sizeof buf);
            eng_fact_because(e, f, buf, sizeof buf);
        }
        for (size_t i = 0; i < eng_test_count(e) && i < 8; i++)
            eng_test_run(e, eng_test_at(e, i), NULL, NULL);
    }
out:
    eng_free(e);
    free(copy);
    return 0;
}
