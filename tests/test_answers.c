/*
 * test_answers.c -- answers files read as a stream (engine/load.c):
 * eng_answers_read checks every respondent in one pass and keeps only an
 * index (with a compact record of each respondent's checked answers);
 * eng_answers_assert reads the respondent's section again.
 *
 * Memory is measured exactly, not by the process's resident size: the
 * engine runs on an allocator that counts the bytes it holds and the most
 * it ever held.  The old reader, which read the whole file into one block
 * and kept every parsed answer, fails the bounds below by a wide margin.
 *
 * Bad input: a file changed, truncated or replaced between the first
 * reading and the second, binary junk, over-long lines and values, a
 * respondent over its limit, a section with no name, duplicate
 * respondents, and more keys in one section than can be right.
 *
 * Files live in a fresh temporary directory per test.
 */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

/* ------------------------------------------------------------ allocator */

/* Counts the bytes the engine holds (each block carries its size in a
 * header) and the most it held since the last mem_mark. */
typedef struct mem {
    size_t live, peak;
} mem;

typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *counting_alloc(void *ud, void *ptr, size_t n)
{
    mem *m = ud;
    hdr *h = ptr ? (hdr *)ptr - 1 : NULL;
    size_t old = h ? h->size : 0;
    if (n == 0) {
        m->live -= old;
        free(h);
        return NULL;
    }
    hdr *nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->size = n;
    m->live = m->live - old + n;
    if (m->live > m->peak)
        m->peak = m->live;
    return nh + 1;
}

/* Starts measuring a peak from what is held now. */
static void mem_mark(mem *m)
{
    m->peak = m->live;
}

/* ------------------------------------------------------------ fixture */

typedef struct fx {
    mem m;
    eng_engine *e;
    char dir[64];           /* a temporary directory */
    char path[128];         /* the answers file of the test */
} fx;

static const char *const KB =
    "[question kind]\n"
    "text = Which kind?\n"
    "type = one\n"
    "option = city : City\n"
    "option = region : Region\n"
    "option = island : Island\n"
    "\n"
    "[question size]\n"
    "text = How many?\n"
    "type = number\n"
    "min = 0\n"
    "max = 1000000\n"
    "\n"
    "[question name]\n"
    "text = Name?\n"
    "type = text\n"
    "\n"
    "[question t2]\n"
    "text = More?\n"
    "type = text\n"
    "\n"
    "[question t3]\n"
    "text = More?\n"
    "type = text\n"
    "\n"
    "[question t4]\n"
    "text = More?\n"
    "type = text\n"
    "\n"
    "[question t5]\n"
    "text = More?\n"
    "type = text\n";

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    eng_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.alloc = counting_alloc;
    cfg.alloc_ud = &f->m;
    f->e = eng_new(&cfg);
    strcpy(f->dir, "/tmp/ldt-test-answers-XXXXXX");
    if (!f->e || !mkdtemp(f->dir)) {
        eng_free(f->e);
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/answers.ini", f->dir);
    if (eng_load_buffer(f->e, "kb.ini", KB, strlen(KB)) != ENG_OK) {
        tu_dump_diags(f->e);
        eng_free(f->e);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fx *f = *state;
    eng_free(f->e);
    /* everything the engine allocated came back */
    assert_int_equal(f->m.live, 0);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

#define FX(state) ((fx *)*(state))

static void write_bytes(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Rewrites the file PATH, which was TEXT with the times in *ST, in place
 * with the same size and times, the byte at WHAT + AT changed to C. */
static void rewrite_in_place(const char *path, const char *text,
                             const struct stat *st, const char *what,
                             size_t at, char c)
{
    char changed[512];
    assert_true(strlen(text) < sizeof changed);
    strcpy(changed, text);
    char *p = strstr(changed, what);
    assert_non_null(p);
    p[at] = c;
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, changed, strlen(changed), 0), (ssize_t)strlen(changed));
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    assert_int_equal(futimens(fd, times), 0);
    assert_int_equal(close(fd), 0);
}

/* The facts of relation `answer` as "answer Q V" lines, sorted, in BUF. */
static const char *answers_now(eng_engine *e, char *buf, size_t size)
{
    char lines[16][256];
    size_t n = 0;
    for (const eng_fact *f = eng_fact_next(e, NULL); f && n < 16; f = eng_fact_next(e, f))
        eng_fact_format(e, f, lines[n++], sizeof lines[0]);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char t[256];
            strcpy(t, lines[j]);
            strcpy(lines[j], lines[j - 1]);
            strcpy(lines[j - 1], t);
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(buf, i ? "; " : "", size - strlen(buf) - 1);
        strncat(buf, lines[i], size - strlen(buf) - 1);
    }
    return buf;
}

/* Asserts respondent I after a reset; returns the status. */
static int assert_one(eng_engine *e, const eng_answers *a, size_t i)
{
    assert_int_equal(eng_reset(e), ENG_OK);
    return eng_answers_assert(e, a, i);
}

static const char *const THREE =
    "[answers r0]\n"            /* 1 */
    "kind = city\n"
    "size = 10\n"
    "\n"
    "[answers r1]\n"            /* 5 */
    "kind = region\n"
    "size = 20\n"
    "\n"
    "[answers r2]\n"            /* 9 */
    "kind = island\n"
    "size = 30\n";

/* ------------------------------------------------------------ memory */

/* A file of 5,000 respondents, each after a 700-byte comment (about
 * 4 MB): reading it holds the index, not the file; asserting them one
 * after the other holds no more at the end than after the first. */
static void large_file_in_bounded_memory(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    enum { N = 5000 };
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    char comment[701];
    memset(comment, 'c', 700);
    comment[0] = ';';
    comment[700] = '\0';
    static const char *const kinds[] = {"city", "Region", " island "};
    for (int i = 0; i < N; i++)
        fprintf(fp, "%s\n[answers resp-%05d]\nkind = %s\nsize = %d\nname = the same text\n\n",
                comment, i, kinds[i % 3], i);
    assert_int_equal(fclose(fp), 0);
    size_t fsize = (size_t)file_size(f->path);
    assert_true(fsize > 3500000);

    mem_mark(&f->m);
    size_t before = f->m.live;
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    size_t read_peak = f->m.peak - before, index = f->m.live - before;
    assert_int_equal(eng_error_count(e), 0);
    assert_int_equal(eng_answers_count(a), N);
    assert_string_equal(eng_answers_name(a, 4321), "resp-04321");
    /* The old reader held the whole file (one block of its size) and
     * every parsed answer; this one holds an index of about 100 bytes a
     * respondent (name, place, hash; growing it doubles it for a moment)
     * and two buffers of 64 and 4 KiB. */
    assert_true(read_peak < fsize / 4);
    assert_true(read_peak < (size_t)N * 200 + (128 << 10));
    assert_true(index < (size_t)N * 100);

    char buf[512];
    size_t after_first = 0, most = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(eng_answers_valid(a, i));
        assert_int_equal(eng_reset(e), ENG_OK);
        size_t held = f->m.live;
        mem_mark(&f->m);
        assert_int_equal(eng_answers_assert(e, a, i), ENG_OK);
        if (f->m.peak - held > most)
            most = f->m.peak - held;
        /* the engine saves its reset state at the second reset: from
         * there on nothing may grow */
        if (i == 1)
            after_first = f->m.live;
        if (i % 1000 == 999) {
            char want[256];
            snprintf(want, sizeof want,
                     "answer kind %s; answer name \"the same text\"; answer size %zu",
                     i % 3 == 0 ? "city" : i % 3 == 1 ? "region" : "island", i);
            assert_string_equal(answers_now(e, buf, sizeof buf), want);
        }
    }
    /* one section at a time: the reading buffers, the section, its facts */
    assert_true(most < (160 << 10));
    assert_int_equal(eng_reset(e), ENG_OK);
    assert_int_equal(eng_answers_assert(e, a, N - 1), ENG_OK);
    assert_true(f->m.live <= after_first + 64);
    eng_answers_free(a);
}

/* Checking a text answer keeps nothing of it: it is interned only when
 * the respondent is asserted. */
static void text_answers_kept_only_when_asserted(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char text[3100];
    memset(text, 'x', 3000);
    snprintf(text + 3000, 100, "\n");
    char file[3200];
    snprintf(file, sizeof file, "[answers big]\nname = %.3000s\n", text);
    write_text(f->path, file);
    size_t before = f->m.live;
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_true(eng_answers_valid(a, 0));
    assert_true(f->m.live - before < 3000);
    assert_int_equal(eng_reset(e), ENG_OK);
    size_t reset = f->m.live;
    assert_int_equal(eng_answers_assert(e, a, 0), ENG_OK);
    assert_true(f->m.live - reset > 3000);
    assert_int_equal(eng_fact_count(e), 1);
    eng_answers_free(a);
}

/* A section of 100,000 unknown keys: only the first questions + 51 are
 * kept (more than 50 of those are errors), so memory stays small; the
 * first 50 errors are reported and one note counts the others.  A
 * respondent's errors do not make the file unreadable: the section after
 * it is read in full. */
static void many_keys_in_one_section(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("[answers many]\n", fp);
    for (int i = 0; i < 100000; i++)
        fprintf(fp, "key%06d = some value\n", i);
    fputs("[answers after]\nkind = city\n", fp);
    assert_int_equal(fclose(fp), 0);
    size_t before = f->m.live;
    mem_mark(&f->m);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_true(f->m.peak - before < (256 << 10));
    assert_int_equal(eng_answers_count(a), 2);
    assert_false(eng_answers_valid(a, 0));
    assert_true(eng_answers_hidden(a, 0));
    assert_string_equal(eng_answers_name(a, 1), "after");
    assert_true(eng_answers_valid(a, 1));
    assert_false(eng_answers_hidden(a, 1));
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    /* 50 errors, then a note of the 8 more of the 58 keys kept */
    assert_int_equal(eng_diag_count(e), 51);
    assert_int_equal(eng_error_count(e), 50);
    assert_diag(e, ENG_ERROR, 2, 1, "unknown question 'key000000'");
    const eng_diag *d = eng_diag_at(e, 49);
    assert_int_equal(d->line, 51);
    assert_non_null(strstr(d->message, "unknown question 'key000049'"));
    d = eng_diag_at(e, 50);
    assert_int_equal(d->severity, ENG_NOTE);
    assert_int_equal(d->line, 52);
    assert_non_null(strstr(d->message, "at least 8 more errors"));
    assert_null(tu_find_diag(e, "too many errors"));
    eng_answers_free(a);
}

/* Past the first 50 errors, respondents are still checked one by one:
 * those with errors are invalid (their problems counted, reported on
 * request), the valid ones after them are advised. */
static void errors_past_the_first_50(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 60; i++)        /* lines 3i + 1, 3i + 2, 3i + 3 */
        fprintf(fp, "[answers r%02d]\nsize = 12\nkind = town%d\n", i, i);
    fputs("[answers ok1]\nkind = city\n[answers ok2]\nsize = 7\n", fp);
    assert_int_equal(fclose(fp), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 62);
    for (size_t i = 0; i < 60; i++) {
        assert_false(eng_answers_valid(a, i));
        assert_int_equal(eng_answers_hidden(a, i), i >= 50);
    }
    assert_true(eng_answers_valid(a, 60));
    assert_true(eng_answers_valid(a, 61));
    assert_int_equal(assert_one(e, a, 61), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    assert_int_equal(eng_error_count(e), 50);
    const eng_diag *d = eng_diag_at(e, 49);
    assert_non_null(strstr(d->message, "respondent 'r49', question 'kind'"));
    d = eng_diag_at(e, 50);
    assert_int_equal(d->severity, ENG_NOTE);
    assert_int_equal(d->line, 3 * 50 + 3);
    assert_non_null(strstr(d->message, "at least 10 more errors"));
    assert_int_equal(eng_diag_count(e), 51);

    /* reported on request: r55's error where it is; r03's were reported */
    assert_int_equal(eng_answers_report(e, a, 3), ENG_OK);
    assert_int_equal(eng_diag_count(e), 51);
    assert_int_equal(eng_answers_report(e, a, 55), ENG_OK);
    assert_int_equal(eng_diag_count(e), 52);
    assert_diag(e, ENG_ERROR, 3 * 55 + 3, 8, "respondent 'r55', question 'kind': expected one of");
    assert_int_equal(eng_answers_report(e, a, 62), ENG_EINVAL);
    /* the respondents are as they were */
    assert_false(eng_answers_valid(a, 55));
    assert_int_equal(assert_one(e, a, 60), ENG_OK);
    eng_answers_free(a);
}

/* Problems of the file's own (a name given twice, a section of another
 * kind) after a respondent are counted past the first 50 like the
 * respondents' and do not stop the reading; before any respondent, 50 of
 * them make it give up (it is no answers file), and the section whose
 * header came as it gave up is not taken for a respondent. */
static void file_errors_and_giving_up(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 55; i++)
        fputs("[answers twin]\nkind = city\n[survey x]\n", fp);
    fputs("[answers last]\nkind = region\n", fp);
    assert_int_equal(fclose(fp), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 2);
    assert_string_equal(eng_answers_name(a, 1), "last");
    assert_true(eng_answers_valid(a, 1));
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    assert_int_equal(eng_error_count(e), 50);
    assert_null(tu_find_diag(e, "too many errors"));
    /* 109 errors: 54 names given twice and 55 sections of another kind */
    assert_non_null(tu_find_diag(e, "at least 59 more errors from here on"));
    eng_answers_free(a);

    eng_diag_clear(e);
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 51; i++)
        fputs("[survey x]\n", fp);
    fputs("[answers last]\nkind = region\n", fp);
    assert_int_equal(fclose(fp), 0);
    a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 0);
    const eng_diag *d = tu_find_diag(e, "too many errors in this file");
    assert_non_null(d);
    assert_non_null(strstr(d->message, "is it an answers file?"));
    /* PATH:LINE:COLUMN, as every diagnostic about a line: the line it
     * gave up at */
    assert_int_equal(d->line, 51);
    assert_int_equal(d->col, 1);
    eng_answers_free(a);
}

/* A byte-order mark before the first section (as spreadsheets write
 * them) is passed over, in the first reading and when the section is read
 * again to assert its answers. */
static void byte_order_mark(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_bytes(f->path, "\xEF\xBB\xBF[answers a]\nkind = city\nname = x\n", 36);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_diag_count(e), 0);
    assert_int_equal(eng_answers_count(a), 1);
    assert_string_equal(eng_answers_name(a, 0), "a");
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_int_equal(eng_fact_count(e), 2);
    eng_answers_free(a);
}

/* A line of a respondent's section that is no answer (no '=', not UTF-8,
 * too long) makes the respondent invalid: its answers are not guessed
 * without it. */
static void bad_lines_make_the_respondent_invalid(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char longline[5000];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("[answers noeq]\nkind = city\nsize 4800\n"
          "[answers utf8]\nname = caf\xe9\nkind = city\n", fp);
    fprintf(fp, "[answers long]\nkind = city\nname = %s\n", longline);
    fputs("[answers fine]\nkind = city\n", fp);
    assert_int_equal(fclose(fp), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 4);
    assert_false(eng_answers_valid(a, 0));
    assert_false(eng_answers_valid(a, 1));
    assert_false(eng_answers_valid(a, 2));
    assert_true(eng_answers_valid(a, 3));
    assert_int_equal(eng_error_count(e), 3);
    assert_diag(e, ENG_ERROR, 3, 1, "expected");
    eng_answers_free(a);
}

/* ------------------------------------------------------------ changes */

/* The file grows after it was read: the next respondent is refused with
 * a message naming it, and so is every one after it, without more
 * messages. */
static void file_changed_between_readings(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    write_text(f->path, THREE);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind city; answer size 10");
    FILE *fp = fopen(f->path, "ab");
    assert_non_null(fp);
    fputs("[answers r3]\nkind = city\n", fp);
    assert_int_equal(fclose(fp), 0);
    size_t nd = eng_diag_count(e);
    assert_int_equal(assert_one(e, a, 1), ENG_EIO);
    assert_int_equal(eng_diag_count(e), nd + 1);
    const eng_diag *d = eng_diag_at(e, nd);
    assert_int_equal(d->severity, ENG_ERROR);
    assert_string_equal(d->path, f->path);
    assert_int_equal(d->line, 5);
    assert_non_null(strstr(d->message, "the file changed after it was read: respondent 'r1'"));
    assert_int_equal(eng_fact_count(e), 0);
    assert_int_equal(assert_one(e, a, 2), ENG_EIO);
    assert_int_equal(assert_one(e, a, 0), ENG_EIO);
    assert_int_equal(eng_diag_count(e), nd + 1);
    eng_answers_free(a);
}

/* Rewritten in place with the same size and its modification time put
 * back: the section no longer hashes the same, which is noticed before
 * anything is asserted. */
static void file_changed_same_size_and_time(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path, THREE);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    rewrite_in_place(f->path, THREE, &st, "size = 20", 7, '9');    /* size = 90 */
    assert_int_equal(assert_one(e, a, 1), ENG_EIO);
    assert_int_equal(eng_fact_count(e), 0);
    assert_non_null(tu_find_diag(e, "respondent 'r1' and the ones after it are not read again"));
    eng_answers_free(a);
}

/* Rewritten in place with the same size and time, with only a comment in
 * the section changed: the section is read again in full, which finds
 * the same answers, and they are asserted. */
static void comment_changed_same_size_and_time(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    static const char *const text =
        "[answers a]\n"
        "kind = city\n"
        "; a comment\n"
        "name = first\n"
        "   and second\n";
    write_text(f->path, text);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    rewrite_in_place(f->path, text, &st, "a comment", 2, 'C');     /* ; a Comment */
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf),
                        "answer kind city; answer name \"first and second\"");
    assert_int_equal(eng_error_count(e), 0);
    eng_answers_free(a);
}

/* A section longer than what is read again at once (64 KiB: an answer
 * continued on 3,000 lines) is read again in full; a text of several
 * lines and one of one line after it read the same. */
static void long_section_read_again_in_full(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fputs("[answers long]\nname = start\n", fp);
    for (int i = 0; i < 3000; i++)
        fprintf(fp, "    line %04d of a long text\n", i);
    fputs("kind = Region\n[answers short]\nname = one\n   two\nt2 =  three \n", fp);
    assert_int_equal(fclose(fp), 0);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_error_count(e), 0);
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_int_equal(eng_fact_count(e), 2);
    const eng_fact *t = NULL;
    for (const eng_fact *x = eng_fact_next(e, NULL); x; x = eng_fact_next(e, x))
        if (eng_fact_value(x, 2).type == ENG_STRING)
            t = x;
    assert_non_null(t);
    size_t len;
    const char *s = eng_value_text(e, eng_fact_value(t, 2), &len);
    assert_int_equal(len, 5 + 3000 * 25);
    assert_memory_equal(s + len - 24, "line 2999 of a long text", 24);
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf),
                        "answer name \"one two\"; answer t2 \"three\"");
    eng_answers_free(a);
}

/* Cut short after it was read: the respondents past the cut are gone. */
static void file_truncated_between_readings(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path, THREE);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(truncate(f->path, 30), 0);
    assert_int_equal(assert_one(e, a, 2), ENG_EIO);
    assert_non_null(tu_find_diag(e, "the file changed after it was read: respondent 'r2'"));
    eng_answers_free(a);
}

/* Replaced by another file (renamed over it): the file that was read is
 * still open, so its answers are what is asserted. */
static void file_replaced_keeps_what_was_read(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512], other[160];
    write_text(f->path, THREE);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    snprintf(other, sizeof other, "%s/other.ini", f->dir);
    write_text(other, "[answers x]\nkind = city\n");
    assert_int_equal(rename(other, f->path), 0);
    assert_int_equal(assert_one(e, a, 2), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind island; answer size 30");
    assert_int_equal(eng_error_count(e), 0);
    eng_answers_free(a);
}

/* ------------------------------------------------------------ bad input */

/* A file cut in the middle of a line and of a UTF-8 character: the cut
 * line is an error with its position, and makes its respondent invalid
 * (its answers are not guessed without it); the others are read. */
static void truncated_file(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    write_text(f->path, "[answers a]\nkind = city\n[answers b]\nsize = 5\nname = caf\xc3");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 2);
    assert_diag(e, ENG_ERROR, 5, 11, "invalid UTF-8 byte 0xc3");
    assert_int_equal(eng_error_count(e), 1);
    assert_false(eng_answers_valid(a, 1));
    assert_true(eng_answers_valid(a, 0));
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind city");
    eng_answers_free(a);

    eng_diag_clear(e);
    write_text(f->path, "[answers a]\nkind = cit");
    a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, 2, 8, "respondent 'a', question 'kind': expected one of: city, region, island; found 'cit'");
    assert_false(eng_answers_valid(a, 0));
    eng_answers_free(a);
}

/* Random bytes: errors, the file given up after 50, nothing crashes;
 * with a NUL byte the file has no respondents and one error, at the NUL. */
static void binary_junk(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char junk[65536];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(1 + (x >> 16) % 255);      /* no NUL */
    }
    write_bytes(f->path, junk, sizeof junk);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_true(eng_error_count(e) > 50);
    assert_non_null(tu_find_diag(e, "too many errors in this file"));
    for (size_t i = 0; i < eng_answers_count(a); i++)
        if (eng_answers_valid(a, i))
            assert_int_equal(assert_one(e, a, i), ENG_OK);
    eng_answers_free(a);

    eng_diag_clear(e);
    junk[40000] = '\0';
    write_bytes(f->path, junk, sizeof junk);
    a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 0);
    eng_answers_free(a);
    assert_int_equal(eng_diag_count(e), 1);
    const eng_diag *d = eng_diag_at(e, 0);
    assert_non_null(strstr(d->message, "the file contains a NUL byte"));
    int line = 1, col = 1;
    for (size_t i = 0; i < 40000; i++) {
        col++;
        if (junk[i] == '\n') {
            line++;
            col = 1;
        }
    }
    assert_int_equal(d->line, line);
    assert_int_equal(d->col, col);
}

/* A 100,000-byte line: an error at the limit, the line skipped without
 * being held, the section's other answers read and checked, and the
 * respondent invalid; the next respondent fine. */
static void over_long_line(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    static char text[100100];
    int n = snprintf(text, sizeof text, "[answers a]\nkind = city\nname = ");
    memset(text + n, 'y', 100000);
    snprintf(text + n + 100000, sizeof text - (size_t)n - 100000,
             "\nsize = 3\n[answers b]\nsize = 4\n");
    write_text(f->path, text);
    size_t before = f->m.live;
    mem_mark(&f->m);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_true(f->m.peak - before < 100000);
    assert_diag(e, ENG_ERROR, 3, 4097, "line is 100007 bytes long; the limit is 4096");
    assert_int_equal(eng_error_count(e), 1);
    /* the source line shown is the start of the line, as for KB files */
    const eng_diag *d = tu_find_diag(e, "line is 100007 bytes long");
    assert_non_null(d->source);
    assert_int_equal(strlen(d->source), 1000);
    assert_false(eng_answers_valid(a, 0));
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    eng_answers_free(a);
}

/* An answer continued past 1 MiB: an error at the line that crosses the
 * limit, the respondent invalid, the next one fine. */
static void over_long_value(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char line[4001];
    memset(line, 'y', 4000);
    line[4000] = '\0';
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fprintf(fp, "[answers long]\nname = %s\n", line);       /* lines 1, 2 */
    for (int i = 0; i < 300; i++)
        fprintf(fp, "    %s\n", line);                     /* 3 .. 302 */
    fprintf(fp, "[answers next]\nkind = city\n");           /* 303 */
    assert_int_equal(fclose(fp), 0);
    size_t before = f->m.live;
    mem_mark(&f->m);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    /* 4000 + 262 * 4001 bytes pass 1 MiB at the 262nd continuation */
    assert_diag(e, ENG_ERROR, 2 + 262, 5,
                "respondent 'long', question 'name': the answer is longer than 1 MiB, the limit for one answer");
    assert_int_equal(eng_error_count(e), 1);
    assert_true(f->m.peak - before < (1 << 20) + (256 << 10));
    assert_int_equal(eng_answers_count(a), 2);
    assert_false(eng_answers_valid(a, 0));
    assert_int_equal(assert_one(e, a, 0), ENG_EINVAL);
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_int_equal(eng_fact_count(e), 1);
    eng_answers_free(a);
}

/* Five answers of 900 KiB each: over the 4 MiB of one respondent at the
 * fifth; its value and the later ones are not kept, and what one section
 * can hold is bounded. */
static void respondent_over_its_limit(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    static const char *const keys[] = {"name", "t2", "t3", "t4", "t5"};
    char line[4001];
    memset(line, 'z', 4000);
    line[4000] = '\0';
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fprintf(fp, "[answers huge]\n");
    int lineno = 1, crossing = 0;
    size_t total = 0;
    for (int k = 0; k < 5; k++) {
        fprintf(fp, "%s = %s\n", keys[k], line);
        lineno++;
        total += 4000;
        for (int i = 0; i < 230; i++) {         /* 4000 + 230 * 4001 < 1 MiB */
            fprintf(fp, "  %s\n", line);
            lineno++;
            total += 4001;
            if (!crossing && total > ((size_t)4 << 20))
                crossing = lineno;
        }
    }
    fprintf(fp, "kind = island\n");
    assert_int_equal(fclose(fp), 0);
    assert_true(crossing > 0);
    size_t before = f->m.live;
    mem_mark(&f->m);
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, crossing, 3,
                "respondent 'huge': the answers are longer than 4 MiB in all, the limit for one respondent");
    assert_int_equal(eng_error_count(e), 1);
    /* the values' buffers grow by doubling: at most twice the limit */
    assert_true(f->m.peak - before < ((size_t)8 << 20) + (512 << 10));
    assert_false(eng_answers_valid(a, 0));
    eng_answers_free(a);
}

/* [answers] without a name: an error, and its keys belong to nobody. */
static void section_without_name(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    write_text(f->path,
               "[answers]\n"
               "kind = city\n"
               "bogus = 1\n"
               "[answers named]\n"
               "kind = region\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, 1, 9, "expected a name after 'answers' in the section header");
    assert_int_equal(eng_error_count(e), 1);
    assert_int_equal(eng_answers_count(a), 1);
    assert_string_equal(eng_answers_name(a, 0), "named");
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind region");
    eng_answers_free(a);
}

/* A name given twice: an error at the second, which is left out; the
 * first keeps its own answers. */
static void duplicate_respondents(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    write_text(f->path,
               "[answers a]\n"
               "kind = city\n"
               "[answers b]\n"
               "kind = region\n"
               "[answers a]\n"
               "kind = island\n"
               "size = 4\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, 5, 10, "duplicate respondent 'a' (first at line 1)");
    assert_int_equal(eng_error_count(e), 1);
    assert_int_equal(eng_answers_count(a), 2);
    assert_true(eng_answers_valid(a, 0));
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind city");
    eng_answers_free(a);
}

/* Where a respondent's header is: its line, and its name's column however
 * the header is spaced; out of range, 0. */
static void where_a_respondent_is(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path,
               "; a comment\n"
               "[answers a]\n"            /* 2: name at 10 */
               "kind = city\n"
               "\n"
               "[ answers\t  bee ]\n"     /* 5: name at 13 */
               "kind = region\n"
               "[answers answers]\n"      /* 7: a name like the kind */
               "size = 1\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 3);
    int col = 0;
    assert_int_equal(eng_answers_where(a, 0, &col), 2);
    assert_int_equal(col, 10);
    assert_string_equal(eng_answers_name(a, 1), "bee");
    assert_int_equal(eng_answers_where(a, 1, &col), 5);
    assert_int_equal(col, 13);
    assert_int_equal(eng_answers_where(a, 2, &col), 7);
    assert_int_equal(col, 10);
    assert_int_equal(eng_answers_where(a, 2, NULL), 7);
    col = 0;
    assert_int_equal(eng_answers_where(a, 3, &col), 0);
    assert_int_equal(col, 1);
    eng_answers_free(a);
}

/* An answers file already open (a copy of standard input): read as by
 * its path, its messages naming it as given, the descriptor the answers'
 * own (closed with them). */
static void read_from_a_descriptor(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path,
               "[answers a]\n"
               "kind = city\n"
               "[answers b]\n"
               "size = lots\n");
    int fd = open(f->path, O_RDONLY);
    assert_true(fd >= 0);
    eng_answers *a = eng_answers_read_fd(e, fd, "<stdin>");
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 2);
    assert_true(eng_answers_valid(a, 0));
    assert_false(eng_answers_valid(a, 1));
    assert_diag(e, ENG_ERROR, 4, 8, "respondent 'b', question 'size'");
    assert_string_equal(eng_diag_at(e, 0)->path, "<stdin>");
    char buf[256];
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf), "answer kind city");
    eng_answers_free(a);
    assert_int_equal(fcntl(fd, F_GETFD), -1);   /* closed with the answers */
}

/* Which respondent a line belongs to: from its header to the next
 * section's; a second section of a name belongs to the first; lines before
 * any section and in a section with a bad header or of another kind to
 * none. */
static void lines_belong_to_their_respondent(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path,
               "kind = city\n"             /* 1: before any section */
               "[answers a]\n"             /* 2 */
               "kind = city\n"
               "\n"
               "[answers b]\n"             /* 5 */
               "kind = region\n"
               "[answers a]\n"             /* 7: a second 'a' */
               "kind = island\n"
               "[answers]\n"               /* 9: no name */
               "kind = city\n"
               "[other c]\n"               /* 11: another kind */
               "kind = city\n"
               "[answers c]\n"             /* 13 */
               "kind = region\n"
               "size = 4\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_answers_count(a), 3);
    static const long want[] = {-1, -1, 0, 0, 0, 1, 1, 0, 0, -1, -1, -1, -1, 2, 2, 2, 2};
    for (int line = 0; line <= 16; line++)
        assert_int_equal(eng_answers_owner(a, line), want[line]);
    eng_answers_free(a);
}

/* A line that starts with a vertical tab or form feed is not indented for
 * the reader, but inih takes it as a continuation of the key before, and
 * calls it by that key's name: here, an answer to 'kind' given twice. */
static void odd_blank_continues_the_key_before(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path,
               "[answers a]\n"
               "kind = city\n"
               "\vsize = 5\n"
               "[answers b]\n"
               "\fsize = 7\n"
               "name = x\n"
               "\fkind = island\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_diag(e, ENG_ERROR, 3, 1, "respondent 'a': question 'kind' is answered twice (first at line 2)");
    assert_diag(e, ENG_ERROR, 7, 1, "respondent 'b': question 'name' is answered twice (first at line 6)");
    assert_false(eng_answers_valid(a, 0));
    assert_false(eng_answers_valid(a, 1));
    eng_answers_free(a);
}

/* A question answered three times: one error for each repeat, each naming
 * the first answer, not one for every earlier pair. */
static void each_repeat_is_one_error_naming_the_first(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    write_text(f->path,
               "[answers a]\n"
               "kind = city\n"
               "kind = city\n"
               "kind = island\n");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_diag_count(e), 2);
    for (size_t i = 0; i < 2; i++) {
        const eng_diag *d = eng_diag_at(e, i);
        assert_int_equal(d->severity, ENG_ERROR);
        assert_int_equal(d->line, (int)i + 3);
        assert_string_equal(d->message,
                            "respondent 'a': question 'kind' is answered twice (first at line 2)");
    }
    assert_false(eng_answers_valid(a, 0));
    eng_answers_free(a);
}

/* CRLF line ends, comments, continuation lines and blank lines between
 * respondents read the same the second time. */
static void second_reading_sees_the_first(void **state)
{
    fx *f = FX(state);
    eng_engine *e = f->e;
    char buf[512];
    write_text(f->path,
               "; a comment\r\n"
               "[answers a]\r\n"
               "name = first part\r\n"
               "   second part\r\n"
               "\r\n"
               "; between\r\n"
               "kind = Island \r\n"
               "[answers b]\r\n"
               "name =\r\n"
               "    only on the next line\r\n"
               "size = 7");
    eng_answers *a = eng_answers_read(e, f->path);
    assert_non_null(a);
    assert_int_equal(eng_error_count(e), 0);
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf),
                        "answer kind island; answer name \"first part second part\"");
    assert_int_equal(assert_one(e, a, 1), ENG_OK);
    assert_string_equal(answers_now(e, buf, sizeof buf),
                        "answer name \"only on the next line\"; answer size 7");
    /* again, in another order */
    assert_int_equal(assert_one(e, a, 0), ENG_OK);
    assert_int_equal(eng_fact_count(e), 2);
    eng_answers_free(a);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(large_file_in_bounded_memory),
        T(text_answers_kept_only_when_asserted),
        T(many_keys_in_one_section),
        T(errors_past_the_first_50),
        T(file_errors_and_giving_up),
        T(bad_lines_make_the_respondent_invalid),
        T(byte_order_mark),
        T(file_changed_between_readings),
        T(file_changed_same_size_and_time),
        T(comment_changed_same_size_and_time),
        T(long_section_read_again_in_full),
        T(file_truncated_between_readings),
        T(file_replaced_keeps_what_was_read),
        T(truncated_file),
        T(binary_junk),
        T(over_long_line),
        T(over_long_value),
        T(respondent_over_its_limit),
        T(section_without_name),
        T(duplicate_respondents),
        T(where_a_respondent_is),
        T(read_from_a_descriptor),
        T(lines_belong_to_their_respondent),
        T(second_reading_sees_the_first),
        T(odd_blank_continues_the_key_before),
        T(each_repeat_is_one_error_naming_the_first),
    };
#undef T
    return cmocka_run_group_tests_name("answers", tests, NULL, NULL);
}
