/*
 * fuzz_answers.c -- libFuzzer target for answers files and their
 * validation against the questions.  A small knowledge base (a question of
 * every type, with options, bounds, a pattern and ask_if lines, and a few
 * rules reading them) is loaded once; each input is written to a file of
 * this process in /dev/shm (there is no buffer API for answers files; the
 * file stays open: each input is a pwrite and an ftruncate, not a create,
 * write and close), read with eng_answers_read, and every valid respondent
 * is reset, asserted and run under a small firing limit.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../engine/engine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char kbtext[] =
    "[question q.kind]\n"
    "group = G\n"
    "text = Which kind?\n"
    "type = one\n"
    "option = municipality : Municipality\n"
    "option = region : Region\n"
    "option = 2_to_8 : Two to eight\n"
    "\n"
    "[question q.topics]\n"
    "text = Which topics?\n"
    "type = many\n"
    "option = climate : Climate\n"
    "option = energy : Energy\n"
    "option = mobility : Mobility\n"
    "ask_if = answer q.kind ?k\n"
    "\n"
    "[question q.pop]\n"
    "text = How many?\n"
    "type = number\n"
    "min = 0\n"
    "max = 50000000\n"
    "\n"
    "[question q.ratio]\n"
    "text = Ratio?\n"
    "type = number\n"
    "min = -1.5\n"
    "max = 1.5\n"
    "\n"
    "[question q.ok]\n"
    "text = OK?\n"
    "type = yesno\n"
    "ask_if = not answer q.kind region\n"
    "\n"
    "[question q.name]\n"
    "text = Name?\n"
    "type = text\n"
    "pattern = ^[A-Za-z][A-Za-z0-9 _-]{0,30}$\n"
    "\n"
    "[question q.free]\n"
    "text = Anything?\n"
    "type = text\n"
    "\n"
    "[rule r.kind]\n"
    "when = answer q.kind ?k\n"
    "then = assert kind ?k\n"
    "because = kind {?k}\n"
    "\n"
    "[rule r.topics]\n"
    "when = answer q.topics ?t\n"
    "then = add score ?t 1\n"
    "\n"
    "[rule r.big]\n"
    "when = answer q.pop ?n\n"
    "when = ?n > 100000\n"
    "then = assert big ?n (?n / 1000)\n"
    "\n"
    "[rule r.ratio]\n"
    "when = answer q.ratio ?r\n"
    "when = answer q.pop ?n\n"
    "then = assert product (?r * ?n)\n"
    "\n"
    "[rule r.yes]\n"
    "when = answer q.ok yes\n"
    "when = not answer q.kind region\n"
    "then = assert ok\n"
    "\n"
    "[rule r.name]\n"
    "when = answer q.name ?s\n"
    "when = ?s ~ /^[A-Z]/\n"
    "then = assert named ?s\n"
    "\n"
    "[rule r.count]\n"
    "when = score ?t ?n\n"
    "when = ?n < 5\n"
    "then = add score ?t 1\n";

static eng_engine *eng;
static char path[64];
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/dev/shm/ldt-fuzz-answers-%ld.ini", (long)getpid());
    if (access("/dev/shm", W_OK) != 0)
        snprintf(path, sizeof path, "/tmp/ldt-fuzz-answers-%ld.ini", (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(path);
        abort();
    }
    eng_config cfg = {0};
    cfg.max_firings = 2000;
    eng = eng_new(&cfg);
    if (!eng || eng_load_buffer(eng, "fuzz-kb.ini", kbtext, sizeof kbtext - 1) != ENG_OK
        || eng_error_count(eng)) {
        fprintf(stderr, "fuzz_answers: the fixed knowledge base does not load\n");
        for (size_t i = 0; eng && i < eng_diag_count(eng); i++)
            fprintf(stderr, "  %d: %s\n", eng_diag_at(eng, i)->line,
                    eng_diag_at(eng, i)->message);
        abort();
    }
    return 0;
}

static void cleanup(void)
{
    if (fd >= 0)
        close(fd);
    if (path[0])
        unlink(path);
    eng_free(eng);
    eng = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int registered;
    if (!registered) {
        registered = 1;
        atexit(cleanup);
    }
    if ((size && pwrite(fd, data, size, 0) != (ssize_t)size) || ftruncate(fd, (off_t)size))
        return 0;
    eng_answers *a = eng_answers_read(eng, path);
    if (a) {
        size_t n = eng_answers_count(a);
        /* every line belongs to one of the respondents or to none */
        for (size_t d = 0; d < eng_diag_count(eng); d++) {
            long owner = eng_answers_owner(a, eng_diag_at(eng, d)->line);
            if (owner < -1 || owner >= (long)n)
                abort();
        }
        for (size_t i = 0; i < n; i++) {
            (void)eng_answers_name(a, i);
            if (!eng_answers_valid(a, i)) {
                /* the problems the reading left out, on request: some,
                 * and all on the respondent's own lines */
                size_t d0 = eng_diag_count(eng);
                int hidden = eng_answers_hidden(a, i);
                if (eng_answers_report(eng, a, i) == ENG_OK && hidden && d0 < 400) {
                    if (eng_diag_count(eng) == d0)
                        abort();
                    for (size_t d = d0; d < eng_diag_count(eng); d++)
                        if (eng_answers_owner(a, eng_diag_at(eng, d)->line) != (long)i)
                            abort();
                }
                continue;
            }
            if (eng_reset(eng) != ENG_OK)
                break;
            if (eng_answers_assert(eng, a, i) == ENG_OK)
                eng_run(eng, 2000, NULL);
        }
        eng_answers_free(a);
    }
    eng_diag_clear(eng);
    return 0;
}
