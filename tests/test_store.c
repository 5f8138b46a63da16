/*
 * test_store.c -- saved sessions in SQLite (kb.h, "sessions"): creating,
 * reopening and migrating the database; answers in order, replaced,
 * forgotten and skipped; values stored byte for byte; conclusions;
 * deleting; refusing databases that are not ours, corrupt or newer
 * without touching them; read-only files and directories; a full disk;
 * two writers at once; a lock held too long; answers surviving SIGKILL;
 * and the fingerprint of a knowledge base, which leaves its scenario
 * tests out.
 *
 * Code that runs in a forked child never calls cmocka (a failed assertion
 * would carry on with the other tests in the child): it reports through
 * its exit status, checked by the parent, and ends through exec (see
 * child_exit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "../kb/kb.h"

static char dir[64];
static char err[1024];

/* ------------------------------------------------------------ helpers */

static const char *at(const char *name)
{
    static char paths[4][512];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void put_text(const char *path, const char *text)
{
    put_file(path, text, strlen(text));
}

/* The whole file, malloc'd; *LEN its length. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(fp);
    *len = n;
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* One integer (or -1) from SQL run on PATH by a connection of our own. */
static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The text of the first column of SQL on PATH, into a static buffer. */
static const char *raw_text(const char *path, const char *sql)
{
    static char buf[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                     NULL), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "raw_exec: %s\n", msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static kb_store *open_ok(const char *path)
{
    kb_store *s = kb_store_open(path, err, sizeof err);
    if (!s)
        fprintf(stderr, "kb_store_open: %s\n", err);
    assert_non_null(s);
    return s;
}

static long long new_session(kb_store *s, const char *who)
{
    long long id = 0;
    int rc = kb_store_session_new(s, who, "rules", "0123456789abcdef", &id, err, sizeof err);
    if (rc)
        fprintf(stderr, "session_new: %s\n", err);
    assert_int_equal(rc, ENG_OK);
    assert_true(id > 0);
    return id;
}

static void put_ok(kb_store *s, long long id, const char *q, const char *v)
{
    int rc = kb_store_answer_put(s, id, q, v, err, sizeof err);
    if (rc)
        fprintf(stderr, "answer_put: %s\n", err);
    assert_int_equal(rc, ENG_OK);
}

static kb_answer *answers_ok(kb_store *s, long long id, size_t *n)
{
    kb_answer *a = NULL;
    int rc = kb_store_answers(s, id, &a, n, err, sizeof err);
    if (rc)
        fprintf(stderr, "answers: %s\n", err);
    assert_int_equal(rc, ENG_OK);
    return a;
}

static const kb_answer *find_answer(const kb_answer *a, size_t n, const char *q)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(a[i].question, q))
            return &a[i];
    return NULL;
}

/* Ends a forked child.  Through exec, so that no leak check runs in it:
 * valgrind would count the memory the child inherited from the test
 * program (cmocka's, the parent's) as its own. */
static void child_exit(int code)
{
    char cmd[32];
    fflush(stderr);
    snprintf(cmd, sizeof cmd, "exit %d", code);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(code);
}

/* In a child: report a failed check and exit. */
#define CHILD_CHECK(cond)                                                       \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: child check failed: %s (%s)\n", __FILE__,   \
                    __LINE__, #cond, err);                                      \
            child_exit(1);                                                      \
        }                                                                       \
    } while (0)

static void wait_child(pid_t pid)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "child status %d\n", status);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Root ignores file permissions: a child that must meet them drops to
 * the unprivileged user first. */
static void child_unprivileged(void)
{
    if (geteuid() == 0) {
        CHILD_CHECK(setgid(65534) == 0);
        CHILD_CHECK(setuid(65534) == 0);
    }
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/ldt-store-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    chmod(dir, 0755);
    unsetenv("LDT_ADVISOR_BUSY_MS");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ tests */

/* A reader's open makes nothing: no file where there is none, no tables
 * in an SQLite file that has none (errno ENOENT for both); it opens a
 * database of ours as kb_store_open does. */
static void test_open_existing(void **state)
{
    (void)state;
    const char *missing = at("existing-missing.db");
    errno = 0;
    assert_null(kb_store_open_existing(missing, err, sizeof err));
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(err, "no sessions database at"));
    assert_int_equal(access(missing, F_OK), -1);

    const char *bare = at("existing-bare.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(bare, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 0; VACUUM", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    errno = 0;
    assert_null(kb_store_open_existing(bare, err, sizeof err));
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(err, "it is an empty SQLite database"));
    assert_int_equal(raw_int(bare, "SELECT count(*) FROM sqlite_schema"), 0);

    const char *ours = at("existing-ours.db");
    kb_store *s = open_ok(ours);
    new_session(s, "dora");
    kb_store_close(s);
    s = kb_store_open_existing(ours, err, sizeof err);
    assert_non_null(s);
    kb_session_info si;
    assert_int_equal(kb_store_session_get(s, 0, &si, err, sizeof err), ENG_OK);
    assert_string_equal(si.respondent, "dora");
    kb_session_info_clear(&si);
    kb_store_close(s);
}

static void test_create_reopen(void **state)
{
    (void)state;
    const char *path = at("new/sub/dir/sessions.db");
    kb_store *s = open_ok(path);
    assert_true(exists(path));
    long long id = new_session(s, "alice");
    put_ok(s, id, "org.type", "municipality");
    kb_store_close(s);

    assert_int_equal(raw_int(path, "PRAGMA application_id"), 0x4C445441);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
    assert_string_equal(raw_text(path, "PRAGMA journal_mode"), "wal");

    s = open_ok(path);
    kb_session_info si;
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.id, id);
    assert_string_equal(si.respondent, "alice");
    assert_string_equal(si.kb_path, "rules");
    assert_string_equal(si.fingerprint, "0123456789abcdef");
    assert_int_equal(si.finished, 0);
    assert_int_equal(si.answers, 1);
    assert_int_equal(strlen(si.created), 20);   /* 2024-05-01T12:00:00Z */
    assert_int_equal(si.created[10], 'T');
    assert_int_equal(si.created[19], 'Z');
    kb_session_info_clear(&si);
    assert_null(si.respondent);
    /* NULL respondent, path and fingerprint are stored as "" */
    long long id2 = 0;
    assert_int_equal(kb_store_session_new(s, NULL, NULL, NULL, &id2, err, sizeof err), ENG_OK);
    assert_true(id2 > id);
    assert_int_equal(kb_store_session_get(s, id2, &si, err, sizeof err), ENG_OK);
    assert_string_equal(si.respondent, "");
    assert_string_equal(si.fingerprint, "");
    kb_session_info_clear(&si);
    kb_store_close(s);
    kb_store_close(NULL);

    /* an empty file is a new database */
    put_text(at("empty.db"), "");
    s = open_ok(at("empty.db"));
    kb_store_close(s);
    assert_int_equal(raw_int(at("empty.db"), "PRAGMA user_version"), 1);
}

static void test_answers(void **state)
{
    (void)state;
    kb_store *s = open_ok(at("answers.db"));
    long long id = new_session(s, "bob");
    put_ok(s, id, "q1", "one");
    put_ok(s, id, "q2", NULL);          /* skipped */
    put_ok(s, id, "q3", "three");
    put_ok(s, id, "q4", "four");
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, 4);
    const char *order[] = {"q1", "q2", "q3", "q4"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(a[i].question, order[i]);
        assert_int_equal(a[i].seq, (long)i + 1);
        assert_int_equal(strlen(a[i].at), 20);
    }
    assert_null(a[1].value);
    assert_string_equal(a[0].value, "one");
    kb_answers_free(a, n);

    /* replacing moves the answer to the end: the order the answers now
     * standing were given in */
    put_ok(s, id, "q1", "uno");
    put_ok(s, id, "q2", "two");         /* a skipped one answered after all */
    assert_int_equal(kb_store_answer_delete(s, id, "q3", err, sizeof err), ENG_OK);
    assert_int_equal(kb_store_answer_delete(s, id, "never-answered", err, sizeof err), ENG_OK);
    a = answers_ok(s, id, &n);
    assert_int_equal(n, 3);
    assert_string_equal(a[0].question, "q4");
    assert_string_equal(a[0].value, "four");
    assert_string_equal(a[1].question, "q1");
    assert_string_equal(a[1].value, "uno");
    assert_string_equal(a[2].question, "q2");
    assert_string_equal(a[2].value, "two");
    assert_int_equal(a[2].seq, 3);
    kb_answers_free(a, n);
    put_ok(s, id, "q4", NULL);          /* an answer withdrawn into a skip */
    a = answers_ok(s, id, &n);
    assert_int_equal(n, 3);
    assert_string_equal(a[2].question, "q4");
    assert_null(a[2].value);
    kb_answers_free(a, n);

    kb_session_info si;
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.answers, 2);    /* q4, skipped now, is not counted */
    kb_session_info_clear(&si);

    /* an empty session has no answers */
    long long id2 = new_session(s, "empty");
    a = answers_ok(s, id2, &n);
    assert_int_equal(n, 0);
    kb_answers_free(a, n);
    /* a question is needed */
    assert_int_equal(kb_store_answer_put(s, id, NULL, "x", err, sizeof err), ENG_EINVAL);
    assert_int_equal(kb_store_answer_put(s, id, "", "x", err, sizeof err), ENG_EINVAL);
    kb_store_close(s);
}

static void test_values_unchanged(void **state)
{
    (void)state;
    const char *path = at("values.db");
    kb_store *s = open_ok(path);
    long long id = new_session(s, "x'); DROP TABLE sessions; --");
    char ctl[32], high[129];
    for (int i = 0; i < 31; i++)
        ctl[i] = (char)(i + 1);         /* 0x01 .. 0x1f */
    ctl[31] = '\0';
    for (int i = 0; i < 128; i++)
        high[i] = (char)(0x80 + i);     /* 0x80 .. 0xff: not UTF-8 */
    high[128] = '\0';
    size_t bign = 100 * 1024;
    char *big = malloc(bign + 1);
    assert_non_null(big);
    static const char pat[] = "ab'\";\\%_ \t\n\x01\xff\xc3\xa9";
    for (size_t i = 0; i < bign; i++)
        big[i] = pat[i % (sizeof pat - 1)];
    big[bign] = '\0';
    const char *vals[] = {
        "it's \"quoted\"", "a; b; c", "'); DROP TABLE answers; --",
        "\"; DELETE FROM sessions; --", ctl, high, big, "", " padded ", "100%_ \\",
    };
    size_t nv = sizeof vals / sizeof *vals;
    assert_int_equal(strlen(big), bign);
    char q[32];
    for (size_t i = 0; i < nv; i++) {
        snprintf(q, sizeof q, "q%zu", i);
        put_ok(s, id, q, vals[i]);
    }
    put_ok(s, id, "'); DROP TABLE answers; --", "question ids are data too");
    kb_store_close(s);

    s = open_ok(path);
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, nv + 1);
    for (size_t i = 0; i < nv; i++) {
        snprintf(q, sizeof q, "q%zu", i);
        assert_string_equal(a[i].question, q);
        assert_non_null(a[i].value);
        assert_int_equal(strlen(a[i].value), strlen(vals[i]));
        assert_memory_equal(a[i].value, vals[i], strlen(vals[i]));
    }
    assert_string_equal(a[nv].question, "'); DROP TABLE answers; --");
    kb_answers_free(a, n);
    kb_session_info si;
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_string_equal(si.respondent, "x'); DROP TABLE sessions; --");
    kb_session_info_clear(&si);

    /* conclusions too */
    kb_conclusion c[2] = {{high, big}, {"situation arena", ctl}};
    assert_int_equal(kb_store_conclusions_put(s, id, c, 2, 1, NULL, NULL, err, sizeof err), ENG_OK);
    kb_conclusion *got = NULL;
    assert_int_equal(kb_store_conclusions(s, id, &got, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].fact, high);
    assert_int_equal(strlen(got[0].derivation), bign);
    assert_memory_equal(got[0].derivation, big, bign);
    assert_string_equal(got[1].derivation, ctl);
    kb_conclusions_free(got, n);
    kb_store_close(s);
    free(big);
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
}

static void test_conclusions(void **state)
{
    (void)state;
    kb_store *s = open_ok(at("conclusions.db"));
    long long id = new_session(s, "carol");
    kb_conclusion c3[3] = {
        {"situation arena", "situation arena\n  because answer twin.stage operational"},
        {"model federated", "model federated\n  because ..."},
        {"need role data_steward", ""},
    };
    assert_int_equal(kb_store_conclusions_put(s, id, c3, 3, 0, NULL, "aaaaaaaaaaaaaaaa", err,
                                              sizeof err), ENG_OK);
    kb_conclusion *got = NULL;
    size_t n;
    assert_int_equal(kb_store_conclusions(s, id, &got, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(got[i].fact, c3[i].fact);
        assert_string_equal(got[i].derivation, c3[i].derivation);
    }
    kb_conclusions_free(got, n);
    kb_session_info si;
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.finished, 0);
    assert_string_equal(si.fingerprint, "aaaaaaaaaaaaaaaa");
    kb_session_info_clear(&si);

    /* replaced, not added to; a NULL fingerprint keeps the one recorded */
    kb_conclusion c1[1] = {{"situation agora", NULL}};
    assert_int_equal(kb_store_conclusions_put(s, id, c1, 1, 1, NULL, NULL, err, sizeof err), ENG_OK);
    assert_int_equal(kb_store_conclusions(s, id, &got, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].fact, "situation agora");
    assert_string_equal(got[0].derivation, "");
    kb_conclusions_free(got, n);
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.finished, 1);
    assert_string_equal(si.fingerprint, "aaaaaaaaaaaaaaaa");
    kb_session_info_clear(&si);
    assert_int_equal(kb_store_conclusions_put(s, id, NULL, 0, 1, NULL, "bbbbbbbbbbbbbbbb", err,
                                              sizeof err), ENG_OK);
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_string_equal(si.kb_path, "rules");
    kb_session_info_clear(&si);
    /* resumed under another knowledge base: its path and fingerprint */
    assert_int_equal(kb_store_conclusions_put(s, id, NULL, 0, 1, "/srv/other-kb",
                                              "bbbbbbbbbbbbbbbb", err, sizeof err), ENG_OK);
    assert_int_equal(kb_store_conclusions(s, id, &got, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 0);
    kb_conclusions_free(got, n);
    assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_OK);
    assert_string_equal(si.fingerprint, "bbbbbbbbbbbbbbbb");
    assert_string_equal(si.kb_path, "/srv/other-kb");
    kb_session_info_clear(&si);
    /* a conclusion needs its fact */
    kb_conclusion bad[1] = {{NULL, "x"}};
    assert_int_equal(kb_store_conclusions_put(s, id, bad, 1, 1, NULL, NULL, err, sizeof err),
                     ENG_EINVAL);
    kb_store_close(s);
}

static void test_sessions_order(void **state)
{
    (void)state;
    kb_store *s = open_ok(at("order.db"));
    kb_session_info *v = NULL;
    size_t n = 99;
    kb_session_info si;
    assert_int_equal(kb_store_sessions(s, &v, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 0);
    kb_sessions_free(v, n);
    assert_int_equal(kb_store_session_get(s, 0, &si, err, sizeof err), ENG_EINVAL);
    assert_non_null(strstr(err, "no sessions in"));

    long long a = new_session(s, "a"), b = new_session(s, "b"), c = new_session(s, "c");
    assert_int_equal(kb_store_sessions(s, &v, &n, err, sizeof err), ENG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].id, c);
    assert_int_equal(v[1].id, b);
    assert_int_equal(v[2].id, a);
    kb_sessions_free(v, n);
    assert_int_equal(kb_store_session_get(s, 0, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.id, c);
    kb_session_info_clear(&si);

    /* an answer makes a session the most recently updated, however
     * coarse the clock */
    put_ok(s, a, "q", "v");
    put_ok(s, a, "r", "w");
    assert_int_equal(kb_store_sessions(s, &v, &n, err, sizeof err), ENG_OK);
    assert_int_equal(v[0].id, a);
    assert_int_equal(v[0].answers, 2);
    assert_int_equal(v[1].id, c);
    assert_int_equal(v[2].id, b);
    assert_string_equal(v[2].respondent, "b");
    kb_sessions_free(v, n);
    assert_int_equal(kb_store_session_get(s, 0, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.id, a);
    kb_session_info_clear(&si);
    kb_conclusion c1[1] = {{"x", "y"}};
    assert_int_equal(kb_store_conclusions_put(s, b, c1, 1, 1, NULL, NULL, err, sizeof err), ENG_OK);
    assert_int_equal(kb_store_session_get(s, 0, &si, err, sizeof err), ENG_OK);
    assert_int_equal(si.id, b);
    kb_session_info_clear(&si);
    kb_store_close(s);
}

static void test_delete_and_unknown(void **state)
{
    (void)state;
    const char *path = at("delete.db");
    kb_store *s = open_ok(path);
    long long keep = new_session(s, "keep"), gone = new_session(s, "gone");
    put_ok(s, keep, "q", "1");
    put_ok(s, gone, "q", "1");
    put_ok(s, gone, "r", "2");
    kb_conclusion c[1] = {{"f", "d"}};
    assert_int_equal(kb_store_conclusions_put(s, gone, c, 1, 1, NULL, NULL, err, sizeof err), ENG_OK);
    assert_int_equal(kb_store_session_delete(s, gone, err, sizeof err), ENG_OK);
    kb_store_close(s);
    /* cascaded */
    assert_int_equal(raw_int(path, "SELECT count(*) FROM answers"), 1);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM conclusions"), 0);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions"), 1);

    s = open_ok(path);
    kb_session_info si;
    kb_answer *a;
    kb_conclusion *cc;
    size_t n;
    long long ids[] = {gone, 4242, -1};
    for (size_t i = 0; i < 3; i++) {
        long long id = ids[i];
        char want[128];
        snprintf(want, sizeof want, "no session %lld in %s", id, path);
        err[0] = '\0';
        assert_int_equal(kb_store_session_get(s, id, &si, err, sizeof err), ENG_EINVAL);
        assert_string_equal(err, want);
        assert_int_equal(kb_store_answer_put(s, id, "q", "v", err, sizeof err), ENG_EINVAL);
        assert_string_equal(err, want);
        assert_int_equal(kb_store_answer_delete(s, id, "q", err, sizeof err), ENG_EINVAL);
        assert_int_equal(kb_store_conclusions_put(s, id, c, 1, 0, NULL, NULL, err, sizeof err),
                         ENG_EINVAL);
        assert_int_equal(kb_store_answers(s, id, &a, &n, err, sizeof err), ENG_EINVAL);
        assert_null(a);
        assert_int_equal(kb_store_conclusions(s, id, &cc, &n, err, sizeof err), ENG_EINVAL);
        assert_int_equal(kb_store_session_delete(s, id, err, sizeof err), ENG_EINVAL);
        assert_string_equal(err, want);
    }
    /* nothing was written for the unknown sessions */
    a = answers_ok(s, keep, &n);
    assert_int_equal(n, 1);
    kb_answers_free(a, n);
    kb_store_close(s);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM answers"), 1);
    assert_int_equal(raw_int(path, "PRAGMA foreign_key_check"), -1);   /* no rows */

    /* ids are not reused after a delete */
    s = open_ok(path);
    long long next = new_session(s, "next");
    assert_true(next > gone);
    kb_store_close(s);
}

/* Opening PATH must fail with a message containing WANT, leaving the
 * file byte for byte as it was and no journal beside it. */
/* A session claimed through one kb_store cannot be claimed through
 * another, in this process too, until the first is closed; other
 * sessions are free, and the claim leaves SQLite's own locks alone. */
static void test_session_claim(void **state)
{
    (void)state;
    const char *path = at("claim.db");
    kb_store *a = open_ok(path);
    long long one = new_session(a, "one"), two = new_session(a, "two");
    assert_int_equal(kb_store_session_claim(a, one, err, sizeof err), ENG_OK);
    /* claiming again what it holds is no conflict */
    assert_int_equal(kb_store_session_claim(a, one, err, sizeof err), ENG_OK);
    kb_store *b = open_ok(path);
    err[0] = '\0';
    assert_int_equal(kb_store_session_claim(b, one, err, sizeof err), ENG_ESTATE);
    assert_non_null(strstr(err, "is being answered right now"));
    assert_non_null(strstr(err, path));
    assert_int_equal(kb_store_session_claim(b, two, err, sizeof err), ENG_OK);
    /* both still write, each to its own session */
    put_ok(a, one, "q", "1");
    put_ok(b, two, "q", "2");
    kb_store_close(a);
    assert_int_equal(kb_store_session_claim(b, one, err, sizeof err), ENG_OK);
    put_ok(b, one, "r", "3");
    kb_store_close(b);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM answers"), 3);
}

static void refused_unchanged(const char *path, const char *want)
{
    size_t n0, n1;
    char *before = slurp(path, &n0);
    struct stat st0, st1;
    assert_int_equal(stat(path, &st0), 0);
    err[0] = '\0';
    kb_store *s = kb_store_open(path, err, sizeof err);
    if (s || !strstr(err, want) || !strstr(err, path))
        fprintf(stderr, "opening %s: %s\n", path, err);
    assert_null(s);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, path));
    /* and again, in case a first attempt left something behind */
    assert_null(kb_store_open(path, err, sizeof err));
    char *after = slurp(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal(st0.st_mtime, st1.st_mtime);
    char side[600];
    snprintf(side, sizeof side, "%s-wal", path);
    assert_false(exists(side));
    snprintf(side, sizeof side, "%s-journal", path);
    assert_false(exists(side));
    free(before);
    free(after);
}

static void test_foreign_database(void **state)
{
    (void)state;
    const char *path = at("foreign.db");
    raw_exec(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
                   "INSERT INTO invoices (total) VALUES (12.5), (99);");
    refused_unchanged(path, "not an ldt-advisor database: ");
    assert_non_null(strstr(err, "(it belongs to another program); choose another file with --db"));
    assert_int_equal(raw_int(path, "SELECT count(*) FROM invoices"), 2);

    /* another program's application_id on an empty database */
    const char *p2 = at("foreign-id.db");
    raw_exec(p2, "PRAGMA application_id = 1234");
    refused_unchanged(p2, "not an ldt-advisor database");
    /* a user_version but no application id */
    const char *p3 = at("foreign-version.db");
    raw_exec(p3, "PRAGMA user_version = 7");
    refused_unchanged(p3, "not an ldt-advisor database");
}

static void test_corrupt_file(void **state)
{
    (void)state;
    const char *path = at("random.db");
    unsigned char junk[8192];
    srand(42);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)rand();
    put_file(path, junk, sizeof junk);
    refused_unchanged(path, "file is not a database");
    assert_non_null(strstr(err, "choose another file with --db"));

    const char *p2 = at("text.db");
    put_text(p2, "this is a text file, not a database\n");
    refused_unchanged(p2, "file is not a database");

    /* ours, with a damaged page: refused, never rewritten */
    const char *p3 = at("damaged.db");
    kb_store *s = open_ok(p3);
    long long id = new_session(s, "d");
    for (int i = 0; i < 200; i++) {
        char q[16];
        snprintf(q, sizeof q, "q%d", i);
        put_ok(s, id, q, "a value long enough to fill a few pages of the database");
    }
    kb_store_close(s);
    size_t n;
    char *bytes = slurp(p3, &n);
    assert_true(n > 8192);
    memset(bytes + 100, 0xA5, 200);     /* page 1's b-tree header: the schema */
    put_file(p3, bytes, n);
    free(bytes);
    refused_unchanged(p3, p3);
    assert_non_null(strstr(err, "malformed"));

    /* a directory */
    assert_null(kb_store_open(dir, err, sizeof err));
    assert_non_null(strstr(err, "is a directory"));

    /* a pipe (SQLite would wait on it) and a device: said at once */
    const char *fifo = at("pipe.db");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_null(kb_store_open(fifo, err, sizeof err));
    assert_non_null(strstr(err, "is not a regular file"));
    assert_null(kb_store_open("/dev/null", err, sizeof err));
    assert_string_equal(err, "/dev/null is not a regular file (a device, a pipe or a socket): "
                             "the database is a file (choose one with --db)");
}

static void test_newer_version(void **state)
{
    (void)state;
    const char *path = at("newer.db");
    kb_store *s = open_ok(path);
    new_session(s, "future");
    kb_store_close(s);
    raw_exec(path, "PRAGMA user_version = 99");
    refused_unchanged(path, "written by a newer ldt-advisor (schema version 99");
    assert_int_equal(raw_int(path, "PRAGMA user_version"), 99);
}

static void test_migrate_from_empty_version(void **state)
{
    (void)state;
    /* a database of ours at version 0 (its first transaction had not
     * run): migrated forward */
    const char *path = at("v0.db");
    raw_exec(path, "PRAGMA application_id = 1279546433");
    kb_store *s = open_ok(path);
    new_session(s, "migrated");
    kb_store_close(s);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
}

static void test_readonly_file(void **state)
{
    (void)state;
    const char *path = at("ro/ro.db");
    kb_store *s = open_ok(path);
    long long id = new_session(s, "frozen");
    put_ok(s, id, "q1", "kept");
    put_ok(s, id, "q2", NULL);
    kb_store_close(s);
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(chmod(at("ro"), 0777), 0);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        child_unprivileged();
        kb_store *c = kb_store_open(path, err, sizeof err);
        CHILD_CHECK(c != NULL);
        CHILD_CHECK(kb_store_readonly(c));
        size_t n = 0;
        kb_answer *a = NULL;
        CHILD_CHECK(kb_store_answers(c, id, &a, &n, err, sizeof err) == ENG_OK);
        CHILD_CHECK(n == 2 && !strcmp(a[0].value, "kept") && !a[1].value);
        kb_answers_free(a, n);
        err[0] = '\0';
        CHILD_CHECK(kb_store_answer_put(c, id, "q3", "lost?", err, sizeof err) == ENG_EIO);
        CHILD_CHECK(strstr(err, path) && strstr(err, "read-only"));
        fprintf(stderr, "    (message: %s)\n", err);
        long long id2;
        CHILD_CHECK(kb_store_session_new(c, "x", "", "", &id2, err, sizeof err) == ENG_EIO);
        kb_store_close(c);
        child_exit(0);
    }
    wait_child(pid);
    assert_int_equal(chmod(path, 0644), 0);
    s = open_ok(path);
    assert_false(kb_store_readonly(s));
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, 2);
    kb_answers_free(a, n);
    kb_store_close(s);
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
}

static void test_readonly_directory(void **state)
{
    (void)state;
    assert_int_equal(mkdir(at("rodir"), 0555), 0);
    assert_int_equal(chmod(at("rodir"), 0555), 0);
    const char *path = at("rodir/new.db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        child_unprivileged();
        err[0] = '\0';
        kb_store *c = kb_store_open(path, err, sizeof err);
        CHILD_CHECK(c == NULL);
        CHILD_CHECK(strstr(err, path) != NULL);
        fprintf(stderr, "    (message: %s)\n", err);
        /* nor can the directory of a new one be made there */
        err[0] = '\0';
        char deeper[600];
        snprintf(deeper, sizeof deeper, "%s/rodir/a/b.db", dir);
        CHILD_CHECK(kb_store_open(deeper, err, sizeof err) == NULL);
        CHILD_CHECK(strstr(err, "cannot create the directory") != NULL);
        fprintf(stderr, "    (message: %s)\n", err);
        child_exit(0);
    }
    wait_child(pid);
    assert_false(exists(path));

    /* a database in a directory that became read-only (its -wal and -shm
     * files cannot be made): still readable, writes refused clearly */
    const char *old = at("rodir2/old.db");
    kb_store *s = open_ok(old);
    long long id = new_session(s, "old");
    put_ok(s, id, "q1", "kept");
    kb_store_close(s);
    if (geteuid() == 0)
        assert_int_equal(chown(old, 65534, 65534), 0);  /* the file stays writable */
    assert_int_equal(chmod(at("rodir2"), 0555), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        child_unprivileged();
        kb_store *c = kb_store_open(old, err, sizeof err);
        CHILD_CHECK(c != NULL);
        CHILD_CHECK(kb_store_readonly(c));
        size_t n = 0;
        kb_answer *a = NULL;
        CHILD_CHECK(kb_store_answers(c, id, &a, &n, err, sizeof err) == ENG_OK);
        CHILD_CHECK(n == 1 && !strcmp(a[0].value, "kept"));
        kb_answers_free(a, n);
        err[0] = '\0';
        CHILD_CHECK(kb_store_answer_put(c, id, "q2", "v", err, sizeof err) == ENG_EIO);
        CHILD_CHECK(strstr(err, old) && strstr(err, "read-only"));
        kb_store_close(c);
        child_exit(0);
    }
    wait_child(pid);
    assert_int_equal(chmod(at("rodir2"), 0755), 0);
    assert_string_equal(raw_text(old, "PRAGMA integrity_check"), "ok");
    assert_int_equal(raw_int(old, "SELECT count(*) FROM answers"), 1);
}

static void test_disk_full(void **state)
{
    (void)state;
    const char *path = at("full.db");
    kb_store *s = open_ok(path);
    long long id = new_session(s, "full");
    put_ok(s, id, "q1", "before");
    kb_store_close(s);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* files may not grow past 256 KB: a full disk, as far as this
         * process can tell */
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {256 * 1024, 256 * 1024};
        CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
        kb_store *c = kb_store_open(path, err, sizeof err);
        CHILD_CHECK(c != NULL);
        CHILD_CHECK(kb_store_answer_put(c, id, "q2", "small", err, sizeof err) == ENG_OK);
        size_t bign = 1024 * 1024;
        char *big = malloc(bign + 1);
        CHILD_CHECK(big != NULL);
        memset(big, 'x', bign);
        big[bign] = '\0';
        err[0] = '\0';
        CHILD_CHECK(kb_store_answer_put(c, id, "q3", big, err, sizeof err) == ENG_EIO);
        CHILD_CHECK(strstr(err, path) != NULL);
        fprintf(stderr, "    (message: %s)\n", err);
        free(big);
        /* the store is still usable and still holds the rest */
        size_t n = 0;
        kb_answer *a = NULL;
        CHILD_CHECK(kb_store_answers(c, id, &a, &n, err, sizeof err) == ENG_OK);
        CHILD_CHECK(n == 2);
        kb_answers_free(a, n);
        CHILD_CHECK(kb_store_answer_put(c, id, "q4", "after", err, sizeof err) == ENG_OK);
        kb_store_close(c);
        child_exit(0);
    }
    wait_child(pid);
    s = open_ok(path);
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, 3);
    assert_string_equal(a[0].value, "before");
    assert_string_equal(a[1].value, "small");
    assert_string_equal(a[2].value, "after");
    kb_answers_free(a, n);
    kb_store_close(s);
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
}

static void write_many(const char *path, long long id, const char *prefix, int count,
                       int start_fd)
{
    char go;
    /* wait for the starting signal, so that both writers run at once */
    if (start_fd >= 0)
        CHILD_CHECK(read(start_fd, &go, 1) == 1);
    kb_store *c = kb_store_open(path, err, sizeof err);
    CHILD_CHECK(c != NULL);
    for (int i = 0; i < count; i++) {
        char q[32], v[32];
        snprintf(q, sizeof q, "%s%03d", prefix, i);
        snprintf(v, sizeof v, "value %d", i);
        CHILD_CHECK(kb_store_answer_put(c, id, q, v, err, sizeof err) == ENG_OK);
    }
    kb_store_close(c);
}

static void test_two_writers(void **state)
{
    (void)state;
    const char *path = at("two.db");
    kb_store *s = open_ok(path);
    long long id = new_session(s, "both");
    kb_store_close(s);
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid[2];
    for (int k = 0; k < 2; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            close(go[1]);
            write_many(path, id, k ? "child" : "parent", 200, go[0]);
            child_exit(0);
        }
    }
    close(go[0]);
    assert_int_equal(write(go[1], "gg", 2), 2);
    close(go[1]);
    wait_child(pid[0]);
    wait_child(pid[1]);
    s = open_ok(path);
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, 400);
    assert_non_null(find_answer(a, n, "child199"));
    assert_non_null(find_answer(a, n, "parent199"));
    assert_string_equal(find_answer(a, n, "child123")->value, "value 123");
    kb_answers_free(a, n);
    kb_store_close(s);
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
    assert_int_equal(raw_int(path, "SELECT count(DISTINCT seq) FROM answers"), 400);
}

static void test_new_database_race(void **state)
{
    (void)state;
    /* processes creating the same new database at one moment meet while
     * it turns from a rollback journal to WAL: every one must get in */
    for (int round = 0; round < 5; round++) {
        char name[32];
        snprintf(name, sizeof name, "race%d.db", round);
        const char *path = at(name);
        int go[2];
        assert_int_equal(pipe(go), 0);
        pid_t pid[6];
        for (int k = 0; k < 6; k++) {
            pid[k] = fork();
            assert_true(pid[k] >= 0);
            if (pid[k] == 0) {
                char c;
                close(go[1]);
                CHILD_CHECK(read(go[0], &c, 1) == 1);
                kb_store *st = kb_store_open(path, err, sizeof err);
                CHILD_CHECK(st != NULL);
                long long id = 0;
                CHILD_CHECK(kb_store_session_new(st, "racer", "", "", &id, err,
                                                 sizeof err) == ENG_OK);
                CHILD_CHECK(kb_store_answer_put(st, id, "q", "v", err, sizeof err) == ENG_OK);
                kb_store_close(st);
                child_exit(0);
            }
        }
        close(go[0]);
        assert_int_equal(write(go[1], "gggggg", 6), 6);
        close(go[1]);
        for (int k = 0; k < 6; k++)
            wait_child(pid[k]);
        assert_int_equal(raw_int(path, "SELECT count(*) FROM sessions"), 6);
        assert_int_equal(raw_int(path, "SELECT count(*) FROM answers"), 6);
        assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
        assert_string_equal(raw_text(path, "PRAGMA journal_mode"), "wal");
    }
}

static void test_locked_too_long(void **state)
{
    (void)state;
    const char *path = at("locked.db");
    setenv("LDT_ADVISOR_BUSY_MS", "100", 1);
    kb_store *s = open_ok(path);
    long long id = new_session(s, "waiting");
    put_ok(s, id, "q1", "first");

    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE; UPDATE sessions SET respondent = "
                                         "respondent", NULL, NULL, NULL), SQLITE_OK);
    /* opening still works (reads do not wait in WAL mode) */
    kb_store *s2 = open_ok(path);
    kb_store_close(s2);
    err[0] = '\0';
    assert_int_equal(kb_store_answer_put(s, id, "q2", "second", err, sizeof err), ENG_EIO);
    assert_non_null(strstr(err, "locked"));
    assert_non_null(strstr(err, "100 ms"));
    assert_non_null(strstr(err, path));
    long long id2 = 0;
    assert_int_equal(kb_store_session_new(s, "x", "", "", &id2, err, sizeof err), ENG_EIO);
    assert_non_null(strstr(err, "locked"));
    assert_int_equal(kb_store_session_delete(s, id, err, sizeof err), ENG_EIO);
    /* reading is fine meanwhile */
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_int_equal(n, 1);
    kb_answers_free(a, n);

    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(other), SQLITE_OK);
    put_ok(s, id, "q2", "second");
    a = answers_ok(s, id, &n);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].value, "first");
    assert_string_equal(a[1].value, "second");
    kb_answers_free(a, n);
    kb_store_close(s);
    unsetenv("LDT_ADVISOR_BUSY_MS");
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
}

static void test_sigkill(void **state)
{
    (void)state;
    const char *path = at("killed.db");
    kb_store *s = open_ok(path);
    long long id = new_session(s, "killed");
    kb_store_close(s);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        kb_store *c = kb_store_open(path, err, sizeof err);
        CHILD_CHECK(c != NULL);
        for (int i = 0; i < 100000; i++) {
            char q[32];
            snprintf(q, sizeof q, "q%05d", i);
            CHILD_CHECK(kb_store_answer_put(c, id, q, q, err, sizeof err) == ENG_OK);
            int32_t mark = i;
            CHILD_CHECK(write(p[1], &mark, sizeof mark) == sizeof mark);
        }
        child_exit(2);       /* never reached: killed first */
    }
    close(p[1]);
    int32_t mark, last = -1;
    while (last < 60 && read(p[0], &mark, sizeof mark) == sizeof mark)
        last = mark;
    assert_int_equal(kill(pid, SIGKILL), 0);
    /* the child may have reported more before it died */
    while (read(p[0], &mark, sizeof mark) == sizeof mark)
        last = mark;
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    assert_true(last >= 60);

    s = open_ok(path);
    size_t n;
    kb_answer *a = answers_ok(s, id, &n);
    assert_true(n >= (size_t)last + 1);
    assert_true(n <= (size_t)last + 2);     /* at most one committed, unreported */
    for (int32_t i = 0; i <= last; i++) {
        char q[32];
        snprintf(q, sizeof q, "q%05d", (int)i);
        assert_string_equal(a[i].question, q);
        assert_string_equal(a[i].value, q);
    }
    kb_answers_free(a, n);
    /* and the session carries on */
    put_ok(s, id, "after", "kill");
    kb_store_close(s);
    assert_string_equal(raw_text(path, "PRAGMA integrity_check"), "ok");
}

static void test_fingerprint(void **state)
{
    (void)state;
    char kbd[600], sub[700], f[800];
    snprintf(kbd, sizeof kbd, "%s/kb", dir);
    snprintf(sub, sizeof sub, "%s/sub", kbd);
    assert_int_equal(mkdir(kbd, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(f, sizeof f, "%s/a.ini", kbd);
    put_text(f, "[rule a]\nthen = halt\n");
    snprintf(f, sizeof f, "%s/b.ini", sub);
    put_text(f, "[rule b]\nthen = halt\n");
    snprintf(f, sizeof f, "%s/notes.txt", kbd);
    put_text(f, "not part of the KB");
    snprintf(f, sizeof f, "%s/.swap.ini", kbd);
    put_text(f, "hidden");

    char fp0[17], fp1[17], fp2[17];
    assert_int_equal(kb_fingerprint(kbd, fp0, sizeof fp0), ENG_OK);
    assert_int_equal(strlen(fp0), 16);
    assert_int_equal(strspn(fp0, "0123456789abcdef"), 16);
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);

    /* what the engine does not load does not count */
    snprintf(f, sizeof f, "%s/notes.txt", kbd);
    put_text(f, "changed");
    snprintf(f, sizeof f, "%s/.swap.ini", kbd);
    put_text(f, "changed too");
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);

    /* a changed rule file does, and changing it back restores it */
    snprintf(f, sizeof f, "%s/b.ini", sub);
    put_text(f, "[rule b]\nthen = halt \n");
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_not_equal(fp0, fp1);
    put_text(f, "[rule b]\nthen = halt\n");
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);

    /* so does a renamed file, a new one, and the root path does not */
    char g[800];
    snprintf(g, sizeof g, "%s/c.ini", sub);
    assert_int_equal(rename(f, g), 0);
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_not_equal(fp0, fp1);
    assert_int_equal(rename(g, f), 0);
    snprintf(g, sizeof g, "%s/z.ini", kbd);
    put_text(g, "[rule z]\n");
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_not_equal(fp0, fp1);
    /* an empty one has nothing that could change the advice */
    put_text(g, "");
    assert_int_equal(kb_fingerprint(kbd, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);
    unlink(g);
    char moved[700];
    snprintf(moved, sizeof moved, "%s/kb-moved", dir);
    assert_int_equal(rename(kbd, moved), 0);
    assert_int_equal(kb_fingerprint(moved, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);
    strcat(moved, "/");
    assert_int_equal(kb_fingerprint(moved, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);

    /* one file */
    snprintf(f, sizeof f, "%s/kb-moved/a.ini", dir);
    assert_int_equal(kb_fingerprint(f, fp1, sizeof fp1), ENG_OK);
    assert_int_equal(kb_fingerprint(f, fp2, sizeof fp2), ENG_OK);
    assert_string_equal(fp1, fp2);
    assert_string_not_equal(fp0, fp1);

    /* errors: two links back up were 2^33 directories to walk */
    char l1[800], l2[800];
    snprintf(l1, sizeof l1, "%s/kb-moved/sub/up", dir);
    snprintf(l2, sizeof l2, "%s/kb-moved/sub/up2", dir);
    assert_int_equal(symlink("..", l1), 0);
    assert_int_equal(symlink("..", l2), 0);
    snprintf(g, sizeof g, "%s/kb-moved", dir);
    assert_int_equal(kb_fingerprint(g, fp1, sizeof fp1), ENG_EIO);
    unlink(l1);
    unlink(l2);
    assert_int_equal(kb_fingerprint(g, fp1, sizeof fp1), ENG_OK);
    assert_string_equal(fp0, fp1);
    assert_int_equal(kb_fingerprint(at("nowhere"), fp1, sizeof fp1), ENG_EIO);
    assert_int_equal(kb_fingerprint(f, fp1, 16), ENG_EINVAL);

    /* the shipped knowledge base has one */
    assert_int_equal(kb_fingerprint("rules", fp1, sizeof fp1), ENG_OK);
}

/* FNV-1a 64 of one file as kb_fingerprint hashes it: its relative path, a
 * NUL, its lines (TEXT: those left, without tests, blank lines and
 * comments) and their length (8 bytes, little-endian). */
static void fnv_file(uint64_t *h, const char *rel, const char *text)
{
    unsigned char len[8];
    uint64_t n = strlen(text);
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    const unsigned char *parts[3] = {(const unsigned char *)rel,
                                     (const unsigned char *)text, len};
    size_t sizes[3] = {strlen(rel) + 1, strlen(text), 8};
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; i < sizes[p]; i++) {
            *h ^= parts[p][i];
            *h *= 0x100000001b3ULL;
        }
}

/* The files are hashed in the engine's load order, the sorted order of
 * their whole paths: a-b.ini, a.ini, then a/x.ini (a directory sorts as
 * its name and '/'), not a/x.ini first as the names alone would sort. */
static void test_fingerprint_order(void **state)
{
    (void)state;
    char kbd[600], f[800];
    snprintf(kbd, sizeof kbd, "%s/kb-order", dir);
    assert_int_equal(mkdir(kbd, 0755), 0);
    snprintf(f, sizeof f, "%s/a", kbd);
    assert_int_equal(mkdir(f, 0755), 0);
    snprintf(f, sizeof f, "%s/a/x.ini", kbd);
    put_text(f, "[rule x]\nthen = halt\n");
    snprintf(f, sizeof f, "%s/a-b.ini", kbd);
    put_text(f, "[rule ab]\nthen = halt\n");
    snprintf(f, sizeof f, "%s/a.ini", kbd);
    put_text(f, "[rule a]\nthen = halt\n");

    uint64_t h = 0xcbf29ce484222325ULL;
    fnv_file(&h, "a-b.ini", "[rule ab]\nthen = halt\n");
    fnv_file(&h, "a.ini", "[rule a]\nthen = halt\n");
    fnv_file(&h, "a/x.ini", "[rule x]\nthen = halt\n");
    char want[17], got[17];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
    assert_int_equal(kb_fingerprint(kbd, got, sizeof got), ENG_OK);
    assert_string_equal(got, want);
}

/* A small knowledge base: facts, a question and a rule in rules.ini, a
 * catalogue entry in catalogue.ini. */
#define FP_FACTS "; What every run starts from.\n[facts base]\nfact = session start\n\n"
#define FP_QUESTION "[question q]\ntext = Is it?\ntype = yesno\n\n"
#define FP_RULE "[rule r1]\nwhen = answer q yes\nthen = assert done\nbecause = It is.\n"
#define FP_BASE FP_FACTS FP_QUESTION FP_RULE
#define FP_TEST "[test t1]\nanswer.q = yes\nexpect = done\n"
#define FP_ENTRY "[band a]\ntitle = A\nsummary = Start.\n"

/* Writes TEXT to the file NAME of the knowledge base KBD; its fingerprint
 * then, in BUF (17 bytes). */
static char *fp_with(const char *kbd, const char *name, const char *text, char *buf)
{
    char f[800];
    snprintf(f, sizeof f, "%s/%s", kbd, name);
    put_text(f, text);
    assert_int_equal(kb_fingerprint(kbd, buf, 17), ENG_OK);
    return buf;
}

/* Loads KBD as the commands that advise do (SKIP: the tests passed over)
 * or as `test` does; its status, and in *NTESTS the tests it holds. */
static int fp_load(const char *kbd, int skip, size_t *ntests)
{
    eng_config cfg = {.skip_tests = skip};
    int status;
    kb *k = kb_open(kbd, &cfg, &status);
    assert_non_null(k);
    *ntests = eng_test_count(kb_engine(k));
    kb_close(k);
    return status;
}

/* [test NAME] sections never change the advice: the commands that advise
 * pass over them unread.  The fingerprint leaves them out, and files of
 * nothing else, wherever they are; it still counts every other section,
 * wherever that is, sections being told apart as the loader does (which
 * fp_load checks where it matters). */
static void test_fingerprint_tests(void **state)
{
    (void)state;
    char kbd[600], f[700], fp0[17], a[17], b[17];
    snprintf(kbd, sizeof kbd, "%s/kb-tests", dir);
    assert_int_equal(mkdir(kbd, 0755), 0);
    snprintf(f, sizeof f, "%s/tests", kbd);
    assert_int_equal(mkdir(f, 0755), 0);
    fp_with(kbd, "catalogue.ini", FP_ENTRY, fp0);
    fp_with(kbd, "rules.ini", FP_BASE, fp0);
    size_t nt;
    assert_int_equal(fp_load(kbd, 0, &nt), ENG_OK);
    assert_int_equal(nt, 0);

    /* (a) test sections added to a rule file, edited, anywhere in it:
     * the fingerprint is the same; the loader does take each for tests */
    static const struct { const char *what, *text; size_t ntests; } same[] = {
        {"a test at the end", FP_BASE "\n" FP_TEST, 1},
        {"the test edited", FP_BASE "\n[test t1]\nanswer.q = no\nexpect_not = done\n", 1},
        {"two, with comments and blank lines",
         FP_BASE "\n" FP_TEST "\n[test t2]\n; why\n\nanswer.q = yes\nexpect = done\n\n", 2},
        {"a test between the question and the rule", FP_FACTS FP_QUESTION FP_TEST FP_RULE, 1},
        {"a test between the facts and the question", FP_FACTS FP_TEST FP_QUESTION FP_RULE, 1},
        {"a test first in the file", FP_TEST FP_BASE, 1},
        {"an indented header", FP_BASE "  [test t1]\nanswer.q = yes\nexpect = done\n", 1},
        {"blanks inside the brackets", FP_BASE "[ test\tt1 ]\nexpect = done\n", 1},
        {"CRLF line ends", FP_BASE "[test t1]\r\nexpect = done\r\n", 1},
        {"no newline at the end", FP_BASE "[test t1]\nexpect = done", 1},
        {"comments and blank lines around a test, as files have them",
         FP_BASE "\n; t1: the rule fires\n" FP_TEST "\n; t2: it does not\n"
         "[test t2]\nanswer.q = no\nexpect_not = done\n\n", 2},
        {"comments and blank lines of the rules edited",
         "# What every run starts from, edited.\n\n[facts base]\n\n  \nfact = session start\n"
         FP_QUESTION "\n\t; why\n" FP_RULE "\r\n", 0},
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        if (strcmp(fp_with(kbd, "rules.ini", same[i].text, a), fp0))
            fail_msg("(a) %s: the fingerprint changed", same[i].what);
        if (fp_load(kbd, 0, &nt) != ENG_OK || nt != same[i].ntests)
            fail_msg("(a) %s: the loader does not see %zu tests", same[i].what, same[i].ntests);
    }
    fp_with(kbd, "rules.ini", FP_BASE "\n" FP_TEST, a);

    /* (a) files of scenarios alone, added or edited; a file left with
     * only comments and blank lines counts for nothing, path and all */
    static const struct { const char *what, *name, *text; } files[] = {
        {"a file of tests", "tests/s.ini", "; Scenarios.\n\n[test s1]\nanswer.q = yes\nexpect = done\n"},
        {"the file edited", "tests/s.ini", "; Scenarios!\n\n[test s1]\nanswer.q = no\nexpect_not = done\n"},
        {"a byte-order mark and CRLF", "tests/t.ini", "\xEF\xBB\xBF[test s2]\r\nexpect = done\r\n"},
        {"an empty file", "tests/u.ini", ""},
        {"comments and blank lines", "tests/v.ini", "; nothing yet\n\n# still nothing\n  \n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (strcmp(fp_with(kbd, files[i].name, files[i].text, a), fp0))
            fail_msg("(a) %s: the fingerprint changed", files[i].what);
    assert_int_equal(fp_load(kbd, 0, &nt), ENG_OK);
    assert_int_equal(nt, 3);

    /* (b) every other section counts, also right after a test section,
     * also with an indented header (which the loader accepts); (c) text
     * that looks like a test header but is not one hides nothing; (d)
     * nor do sections whose kind only starts with "test" (the loader
     * calls them unknown kinds: not passed over, the KB fails to load).
     * Each pair differs in a line of the section in question. */
    static const struct { const char *what, *name, *before, *after; int loads; } differ[] = {
        {"(b) a rule", "rules.ini", FP_BASE, FP_FACTS FP_QUESTION
         "[rule r1]\nwhen = answer q yes\nthen = assert done2\nbecause = It is.\n", 1},
        {"(b) a question", "rules.ini", FP_BASE, FP_FACTS
         "[question q]\ntext = Is it really?\ntype = yesno\n\n" FP_RULE, 1},
        {"(b) the facts", "rules.ini", FP_BASE,
         "; What every run starts from.\n[facts base]\nfact = session begun\n\n" FP_QUESTION FP_RULE, 1},
        {"(b) a catalogue entry", "catalogue.ini", FP_ENTRY, "[band a]\ntitle = B\nsummary = Start.\n", 1},
        {"(b) a rule right after a test",
         "rules.ini", FP_BASE FP_TEST "[rule r2]\nwhen = answer q no\nthen = assert other\n",
         FP_BASE FP_TEST "[rule r2]\nwhen = answer q no\nthen = assert another\n", 1},
        {"(b) a rule after a test and a blank line",
         "rules.ini", FP_BASE FP_TEST "\n[rule r2]\nwhen = answer q no\nthen = assert other\n",
         FP_BASE FP_TEST "\n[rule r2]\nwhen = answer q no\nthen = assert another\n", 1},
        {"(b) an indented rule header after a test",
         "rules.ini", FP_BASE FP_TEST "  [rule r2]\nwhen = answer q no\nthen = assert other\n",
         FP_BASE FP_TEST "  [rule r2]\nwhen = answer q no\nthen = assert another\n", 1},
        {"(b) indented facts after a test, CRLF",
         "rules.ini", FP_BASE "[test t1]\r\nexpect = done\r\n\t[facts more]\r\nfact = x\r\n",
         FP_BASE "[test t1]\r\nexpect = done\r\n\t[facts more]\r\nfact = y\r\n", 1},
        {"(b) a catalogue entry after a test",
         "catalogue.ini", FP_TEST FP_ENTRY, FP_TEST "[band a]\ntitle = B\nsummary = Start.\n", 1},
        {"(b) a rule in a file of tests",
         "tests/s.ini", "[test s1]\nexpect = done\n[rule s]\nwhen = answer q no\nthen = assert s\n",
         "[test s1]\nexpect = done\n[rule s]\nwhen = answer q no\nthen = assert t\n", 1},
        {"(c) '[test' inside a value",
         "rules.ini", FP_FACTS FP_QUESTION "[rule r1]\nbecause = See [test t1] first,\n"
         "  and [test t2] too.\nwhen = answer q yes\nthen = assert done\n",
         FP_FACTS FP_QUESTION "[rule r1]\nbecause = See [test t1] first,\n"
         "  and [test t2] too.\nwhen = answer q yes\nthen = assert done2\n", 1},
        {"(c) '[test' in comments",
         "rules.ini", FP_FACTS FP_QUESTION "[rule r1]\n; [test t1]\n  #[test t2]\n"
         "when = answer q yes\nthen = assert done\n",
         FP_FACTS FP_QUESTION "[rule r1]\n; [test t1]\n  #[test t2]\n"
         "when = answer q yes\nthen = assert done2\n", 1},
        {"(c) the section after an indented '[test' line in a value",
         "rules.ini", FP_BASE "  [test t9]\n  expect = done\n[rule r2]\nwhen = answer q no\nthen = assert other\n",
         FP_BASE "  [test t9]\n  expect = done\n[rule r2]\nwhen = answer q no\nthen = assert another\n", 1},
        {"(d) [testing x]", "rules.ini", FP_BASE "[testing x]\nkey = 1\n", FP_BASE "[testing x]\nkey = 2\n", 0},
        {"(d) [tests]", "rules.ini", FP_BASE "[tests]\nkey = 1\n", FP_BASE "[tests]\nkey = 2\n", 0},
        {"(d) [tests x]", "rules.ini", FP_BASE "[tests x]\nkey = 1\n", FP_BASE "[tests x]\nkey = 2\n", 0},
        {"(d) [Test x]", "rules.ini", FP_BASE "[Test x]\nkey = 1\n", FP_BASE "[Test x]\nkey = 2\n", 0},
        {"(d) [TEST x]", "rules.ini", FP_BASE "[TEST x]\nkey = 1\n", FP_BASE "[TEST x]\nkey = 2\n", 0},
        {"(d) [test-x y]", "rules.ini", FP_BASE "[test-x y]\nkey = 1\n", FP_BASE "[test-x y]\nkey = 2\n", 0},
        {"(d) [test.x y]", "rules.ini", FP_BASE "[test.x y]\nkey = 1\n", FP_BASE "[test.x y]\nkey = 2\n", 0},
        {"(d) [testx]", "rules.ini", FP_BASE "[testx]\nkey = 1\n", FP_BASE "[testx]\nkey = 2\n", 0},
    };
    for (size_t i = 0; i < sizeof differ / sizeof *differ; i++) {
        fp_with(kbd, differ[i].name, differ[i].before, a);
        if ((fp_load(kbd, 1, &nt) == ENG_OK) != differ[i].loads)
            fail_msg("%s: the loader %s it", differ[i].what,
                     differ[i].loads ? "refuses" : "accepts");
        if (!strcmp(fp_with(kbd, differ[i].name, differ[i].after, b), a))
            fail_msg("%s: the fingerprint did not change", differ[i].what);
        if (!strcmp(a, fp0) && strcmp(differ[i].before, FP_BASE) && strcmp(differ[i].before, FP_ENTRY))
            fail_msg("%s: the section added did not change the fingerprint", differ[i].what);
    }
    fp_with(kbd, "catalogue.ini", FP_ENTRY, a);
    fp_with(kbd, "tests/s.ini", "[test s1]\nexpect = done\n", a);

    /* (c) an indented line starting with '[' is a header to the loader,
     * even in a value: an indented [test] there starts a test, left out
     * of the fingerprint up to the next header and no further (above).
     * A line after it that is no `key = value` is an error whether the
     * tests are passed over or not. */
    fp_with(kbd, "rules.ini", FP_BASE "  [test t9]\n  more text\n", a);
    assert_string_equal(a, fp0);
    fp_with(kbd, "rules.ini", FP_BASE "  [test t9]\n  other words\n", a);
    assert_string_equal(a, fp0);
    assert_int_equal(fp_load(kbd, 1, &nt), ENG_EINVAL);
    assert_int_equal(fp_load(kbd, 0, &nt), ENG_EINVAL);

    /* the rules as they were, the two files of tests kept */
    fp_with(kbd, "rules.ini", FP_BASE, a);
    assert_string_equal(a, fp0);
    assert_int_equal(fp_load(kbd, 0, &nt), ENG_OK);
    assert_int_equal(nt, 2);
}

/* The lines left of a file are hashed byte for byte, line ends and all,
 * its path first: a file with test sections, comments and blank lines
 * hashes as the same file without them; a file with nothing else not at
 * all. */
/* A FIFO named like a rule file is no file the loader reads: the
 * fingerprint says it cannot be made, at once, instead of waiting for a
 * writer that never comes (a saved session's `sessions show` would hang). */
static void test_fingerprint_fifo(void **state)
{
    (void)state;
    char kbd[600], f[800], fp0[17];
    snprintf(kbd, sizeof kbd, "%s/kbfifo", dir);
    assert_int_equal(mkdir(kbd, 0755), 0);
    snprintf(f, sizeof f, "%s/a.ini", kbd);
    put_text(f, "[rule a]\nthen = halt\n");
    assert_int_equal(kb_fingerprint(kbd, fp0, sizeof fp0), ENG_OK);
    snprintf(f, sizeof f, "%s/b.ini", kbd);
    assert_int_equal(mkfifo(f, 0644), 0);
    assert_int_equal(kb_fingerprint(kbd, fp0, sizeof fp0), ENG_EIO);
    assert_int_equal(kb_fingerprint(f, fp0, sizeof fp0), ENG_EIO);
    unlink(f);
}

static void test_fingerprint_tests_hash(void **state)
{
    (void)state;
    char kbd[600], f[800];
    snprintf(kbd, sizeof kbd, "%s/kb-tests-hash", dir);
    assert_int_equal(mkdir(kbd, 0755), 0);
    snprintf(f, sizeof f, "%s/a.ini", kbd);
    put_text(f, "; rules\n[rule a]\n\nthen = halt\n[test t]\nexpect = x\n  [rule b]\n  ; b\nthen = halt\n");
    snprintf(f, sizeof f, "%s/b.ini", kbd);
    put_text(f, "; tests\n\n[test u]\nexpect = x\n");
    snprintf(f, sizeof f, "%s/c.ini", kbd);
    put_text(f, "\xEF\xBB\xBF[test v]\nexpect = x\n[rule c]\r\nthen = halt");

    uint64_t h = 0xcbf29ce484222325ULL;
    fnv_file(&h, "a.ini", "[rule a]\nthen = halt\n  [rule b]\nthen = halt\n");
    fnv_file(&h, "c.ini", "[rule c]\r\nthen = halt");
    char want[17], got[17];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
    assert_int_equal(kb_fingerprint(kbd, got, sizeof got), ENG_OK);
    assert_string_equal(got, want);

    /* a line longer than the reader's buffer, in a test and out of one */
    size_t n = 100000;
    char *big = malloc(n + 64);
    assert_non_null(big);
    strcpy(big, "[test w]\nexpect = ");
    size_t at0 = strlen(big);
    memset(big + at0, 'x', n);
    strcpy(big + at0 + n, "\n[rule d]\nthen = halt\n");
    snprintf(f, sizeof f, "%s/d.ini", kbd);
    put_text(f, big);
    fnv_file(&h, "d.ini", "[rule d]\nthen = halt\n");
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
    assert_int_equal(kb_fingerprint(kbd, got, sizeof got), ENG_OK);
    assert_string_equal(got, want);
    memcpy(big, "[rule w]", 8);     /* the same length: now all of it */
    put_text(f, big);
    h = 0xcbf29ce484222325ULL;
    fnv_file(&h, "a.ini", "[rule a]\nthen = halt\n  [rule b]\nthen = halt\n");
    fnv_file(&h, "c.ini", "[rule c]\r\nthen = halt");
    fnv_file(&h, "d.ini", big);
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);
    assert_int_equal(kb_fingerprint(kbd, got, sizeof got), ENG_OK);
    assert_string_equal(got, want);
    free(big);
}

static void test_default_path(void **state)
{
    (void)state;
    char buf[512];
    char *old_db = getenv("LDT_ADVISOR_DB") ? strdup(getenv("LDT_ADVISOR_DB")) : NULL;
    char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

    setenv("LDT_ADVISOR_DB", "/x/y.db", 1);
    assert_string_equal(kb_store_default_path(buf, sizeof buf), "/x/y.db");
    setenv("LDT_ADVISOR_DB", "", 1);
    setenv("XDG_DATA_HOME", "/data", 1);
    setenv("HOME", "/home/u", 1);
    assert_string_equal(kb_store_default_path(buf, sizeof buf),
                        "/data/ldt-advisor/ldt-advisor.db");
    unsetenv("LDT_ADVISOR_DB");
    setenv("XDG_DATA_HOME", "", 1);
    assert_string_equal(kb_store_default_path(buf, sizeof buf),
                        "/home/u/.local/share/ldt-advisor/ldt-advisor.db");
    setenv("XDG_DATA_HOME", "relative/ignored", 1);
    assert_string_equal(kb_store_default_path(buf, sizeof buf),
                        "/home/u/.local/share/ldt-advisor/ldt-advisor.db");
    assert_null(kb_store_default_path(buf, 10));     /* does not fit */
    setenv("HOME", "", 1);                          /* nowhere to keep it */
    assert_null(kb_store_default_path(buf, sizeof buf));
    unsetenv("HOME");
    assert_null(kb_store_default_path(buf, sizeof buf));
    setenv("XDG_DATA_HOME", "/data", 1);            /* XDG alone will do */
    assert_string_equal(kb_store_default_path(buf, sizeof buf),
                        "/data/ldt-advisor/ldt-advisor.db");

    if (old_db) setenv("LDT_ADVISOR_DB", old_db, 1); else unsetenv("LDT_ADVISOR_DB");
    if (old_xdg) setenv("XDG_DATA_HOME", old_xdg, 1); else unsetenv("XDG_DATA_HOME");
    if (old_home) setenv("HOME", old_home, 1); else unsetenv("HOME");
    free(old_db);
    free(old_xdg);
    free(old_home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_reopen),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_session_claim),
        cmocka_unit_test(test_values_unchanged),
        cmocka_unit_test(test_conclusions),
        cmocka_unit_test(test_sessions_order),
        cmocka_unit_test(test_delete_and_unknown),
        cmocka_unit_test(test_foreign_database),
        cmocka_unit_test(test_corrupt_file),
        cmocka_unit_test(test_newer_version),
        cmocka_unit_test(test_migrate_from_empty_version),
        cmocka_unit_test(test_readonly_file),
        cmocka_unit_test(test_readonly_directory),
        cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_new_database_race),
        cmocka_unit_test(test_locked_too_long),
        cmocka_unit_test(test_sigkill),
        cmocka_unit_test(test_open_existing),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_fingerprint_order),
        cmocka_unit_test(test_fingerprint_tests),
        cmocka_unit_test(test_fingerprint_tests_hash),
        cmocka_unit_test(test_fingerprint_fifo),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
