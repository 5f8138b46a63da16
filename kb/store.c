/*
 * store.c -- saved questionnaire sessions in one SQLite database, and the
 * fingerprint of a knowledge base (kb.h, "sessions").
 *
 * The database:
 *
 *   PRAGMA application_id = 0x4C445441 ("LDTA"): a file with another id,
 *   or without one but with tables, belongs to another program and is
 *   refused before anything is written to it.  PRAGMA user_version is the
 *   schema version (STORE_SCHEMA); an older schema is migrated forward in
 *   one transaction, a newer one is refused.
 *
 *   sessions    (id, respondent, kb_path, fingerprint, created, updated,
 *                finished, touched)   touched: a counter over the whole
 *                database bumped by every write to the session, so that
 *                "most recently updated" is exact at any clock resolution
 *   answers     (session_id -> sessions ON DELETE CASCADE, question,
 *                value NULL = skipped, at, seq)  UNIQUE(session_id, question);
 *                seq grows with every answer given, so a replaced answer
 *                moves to the end
 *   conclusions (id, session_id -> sessions ON DELETE CASCADE, fact,
 *                derivation)   in the order stored
 *
 * Times are ISO 8601 UTC with seconds ("2024-05-01T12:00:00Z").
 *
 * Every write is one BEGIN IMMEDIATE .. COMMIT transaction; the journal is
 * WAL with synchronous=FULL, so a committed answer survives the process
 * being killed (and a power cut).  Waiting for another writer is bounded by
 * the busy timeout: 5000 ms, or $LDT_ADVISOR_BUSY_MS.  Only bound
 * parameters carry data into SQL; the text of every statement is constant.
 */
#define _GNU_SOURCE     /* F_OFD_SETLK: a lock that is not the process's */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "kb.h"

#define STORE_APP_ID        0x4C445441      /* "LDTA" */
#define STORE_APP_ID_TEXT   "1279546433"    /* the same, for the PRAGMA */
#define STORE_SCHEMA        1
#define STORE_BUSY_MS       5000
#define FP_MAX_DEPTH        32              /* as the engine's loader */

struct kb_store {
    sqlite3 *db;
    char *path;
    int busy_ms;
    char msg[256];          /* sqlite3_errmsg of the first failure, copied at once */
    int msg_rc;             /* and its result code (valid while msg[0]) */
    int existing;           /* kb_store_open_existing: make nothing */
    int nothing;            /* ... and there was no database there */
    int unusable;           /* a file is there, but no database of ours
                               that can be used (errno EINVAL) */
    int claimfd;            /* the database file opened again, holding the
                               claim on a session (kb_store_session_claim),
                               or -1 */
};

/* ------------------------------------------------------------ messages */

static void say(char *err, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void say(char *err, size_t size, const char *fmt, ...)
{
    if (!err || !size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

/* Copies the message of a failed call at once (a later call, even a
 * ROLLBACK, replaces it), with its code: the first failure is the cause
 * of what follows (a ROLLBACK that ran out of memory leaves a transaction
 * open, and the next statement fails for that).  Returns RC. */
static int note(kb_store *s, int rc)
{
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE && !s->msg[0] && s->db) {
        snprintf(s->msg, sizeof s->msg, "%s", sqlite3_errmsg(s->db));
        s->msg_rc = rc;
    }
    return rc;
}

/* The likely reason for an I/O error that SQLite reports without the
 * system's (sqlite3_system_errno reads errno after the failed write, when
 * it may be gone): the errno of a database or journal file that cannot be
 * written now (EROFS, EACCES, EPERM: read-only, or made immutable), EFBIG
 * when one is within 64 KiB of the limit on file size, ENOSPC when less
 * than 64 KiB is free beside it, else 0. */
static int io_cause(const kb_store *s)
{
    static const char *const suffix[] = {"", "-wal", "-journal"};
    char file[PATH_MAX];
    struct stat st;
    struct rlimit rl;
    for (size_t i = 0; i < 3; i++)
        if ((size_t)snprintf(file, sizeof file, "%s%s", s->path, suffix[i]) < sizeof file &&
            !stat(file, &st) && access(file, W_OK) &&
            (errno == EROFS || errno == EACCES || errno == EPERM))
            return errno;
    if (!getrlimit(RLIMIT_FSIZE, &rl) && rl.rlim_cur != RLIM_INFINITY)
        for (size_t i = 0; i < 3; i++)
            if ((size_t)snprintf(file, sizeof file, "%s%s", s->path, suffix[i]) < sizeof file &&
                !stat(file, &st) && (unsigned long long)st.st_size + 65536 > rl.rlim_cur)
                return EFBIG;
    snprintf(file, sizeof file, "%s", s->path);
    char *slash = strrchr(file, '/');
    if (!slash)
        snprintf(file, sizeof file, ".");
    else
        slash[slash == file] = '\0';
    struct statvfs vs;
    if (!statvfs(file, &vs)) {
        /* root may use the blocks kept back for it */
        unsigned long long blocks = geteuid() ? vs.f_bavail : vs.f_bfree;
        if (blocks * vs.f_frsize < 65536)
            return ENOSPC;
    }
    return 0;
}

/* Reports the failure RC of DOING on S's database into ERR (the message
 * of sqlite3_errmsg is copied at once, before anything else runs) and
 * returns the eng_status for it. */
static int fail(kb_store *s, int rc, const char *doing, char *err, size_t size)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s",
             s->msg[0] ? s->msg : s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    if (s->msg[0])
        rc = s->msg_rc;
    s->msg[0] = '\0';
    int sys = s->db ? sqlite3_system_errno(s->db) : 0;
    if (!sys && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL))
        sys = io_cause(s);
    if ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT))
        rc = SQLITE_FULL;
    /* a file that became read-only while open (a file system remounted
     * read-only, an immutable file): SQLite only says "disk I/O error" */
    if ((rc & 0xff) == SQLITE_IOERR && (sys == EROFS || sys == EPERM || sys == EACCES)) {
        rc = SQLITE_READONLY;
        snprintf(msg, sizeof msg, "%s", strerror(sys));
    }
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        say(err, size, "%s: cannot %s: out of memory", s->path, doing);
        return ENG_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        say(err, size,
            "%s: cannot %s: the database is locked by another process (waited %d ms); "
            "nothing was changed: try again when the other program has finished",
            s->path, doing, s->busy_ms);
        break;
    case SQLITE_READONLY:
        say(err, size,
            "%s: cannot %s: %s (the file or its directory is read-only: check their "
            "permissions, or choose another file with --db); nothing was changed",
            s->path, doing, msg);
        break;
    case SQLITE_FULL:
        if (sys == EFBIG)
            say(err, size,
                "%s: cannot %s: the file would grow past the limit on file size (%s); "
                "nothing was changed", s->path, doing, strerror(sys));
        else
            say(err, size,
                "%s: cannot %s: the disk is full; nothing was changed: free some space and "
                "try again", s->path, doing);
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        say(err, size,
            "%s: cannot %s: %s (the database is damaged; it was left as it is: move it away "
            "or choose another file with --db)", s->path, doing, msg);
        break;
    case SQLITE_IOERR:
        say(err, size,
            "%s: cannot %s: %s (is the disk full, or failing?); nothing was changed",
            s->path, doing, msg);
        break;
    default:
        say(err, size, "%s: cannot %s: %s", s->path, doing, msg);
        break;
    }
    return ENG_EIO;
}

static int is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static int no_session(kb_store *s, long long id, char *err, size_t size)
{
    if (id)
        say(err, size, "no session %lld in %s", id, s->path);
    else
        say(err, size, "no sessions in %s", s->path);
    return ENG_EINVAL;
}

static int oom(kb_store *s, char *err, size_t size)
{
    say(err, size, "%s: out of memory", s ? s->path : "ldt-advisor");
    return ENG_ENOMEM;
}

/* ------------------------------------------------------------ fingerprint */

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t x = *h;
    for (size_t i = 0; i < n; i++) {
        x ^= c[i];
        x *= FNV_PRIME;
    }
    *h = x;
}

/* What kb_fingerprint hashes is what can change the advice: the lines of
 * each file that the loader reads when it advises.  It leaves out
 *   - the lines of [test NAME] sections (scenario tests), from the header
 *     up to the next one: every command that advises or replays a session
 *     (advise, ask, explain, sessions) loads the knowledge base with
 *     eng_config.skip_tests, which passes over them unread;
 *   - blank lines and comments, which the loader skips (a blank line
 *     before an added test, or a comment saying what it checks, would
 *     otherwise count);
 *   - a file with no line left, path and all: a file of scenarios, or an
 *     empty one, counts for nothing.
 * The lines left are hashed as they are in the file, line ends included;
 * the fingerprint does not cover line numbers (in explanations), which
 * left-out lines shift.
 *
 * Lines are told apart as the engine's reader does (engine/load.c, reader
 * and sect_start): a line ends at '\n' (a '\r' before it is not part of
 * it), and the file's first line loses a UTF-8 byte-order mark.  A line
 * that is empty or holds only blanks (' ', '\t'), or whose first
 * non-blank is ';' or '#', is skipped.  A line whose first non-blank is
 * '[' is a section header, indented or not, even after a `key = value`
 * line where inih alone would take it for the value's continuation: the
 * reader decides so before it looks for continuations.  The header is a
 * test's when the first word inside the brackets (after blanks, up to a
 * blank or ']') is "test", case and all, as the loader compares kinds. */

enum { FP_OTHER, FP_QUIET, FP_HEADER, FP_TEST };   /* kinds of line */

/* The kind of the line that starts with the N bytes S (the whole line, or
 * its first FP_BUF bytes); FIRST: it is the file's first line. */
static int fp_line_kind(const unsigned char *s, size_t n, int first)
{
    if (first && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
        s += 3;
        n -= 3;
    }
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n || s[i] == ';' || s[i] == '#')
        return FP_QUIET;
    if (s[i] != '[')
        return FP_OTHER;
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t w = i;
    while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != ']')
        i++;
    return i - w == 4 && !memcmp(s + w, "test", 4) ? FP_TEST : FP_HEADER;
}

/* A line is read in pieces of at most FP_BUF bytes, its kind told from
 * the first: a longer line is over the loader's limit (eng_config.max_line,
 * 4096 bytes unless raised), an error whatever it is taken for here, and
 * memory stays bounded however long the lines of a stray file are. */
#define FP_BUF 16384

typedef struct fp_reader {
    FILE *fp;
    size_t pos, len;            /* buf[pos..len): read, not yet given out */
    int err;                    /* a read failed */
    unsigned char buf[FP_BUF];
} fp_reader;

/* The next piece of R's file in *P: up to and with the next '\n' (the
 * file's last line may have none), or FP_BUF bytes of a line without one
 * in as much.  A piece that has no '\n' in the buffer starts the buffer,
 * so that a line's first piece is as long as the buffer allows.  Its
 * length, or 0 at the end of the file or on a read error (R->err). */
static size_t fp_piece(fp_reader *r, const unsigned char **p)
{
    unsigned char *nl = r->pos < r->len ? memchr(r->buf + r->pos, '\n', r->len - r->pos) : NULL;
    if (!nl) {
        r->len -= r->pos;
        memmove(r->buf, r->buf + r->pos, r->len);
        r->pos = 0;
        while (r->len < FP_BUF) {
            size_t got = fread(r->buf + r->len, 1, FP_BUF - r->len, r->fp);
            if (!got) {
                r->err = ferror(r->fp) != 0;
                break;
            }
            nl = memchr(r->buf + r->len, '\n', got);
            r->len += got;
            if (nl)
                break;
        }
    }
    size_t end = nl ? (size_t)(nl - r->buf) + 1 : r->len;
    size_t n = end - r->pos;
    *p = r->buf + r->pos;
    r->pos = end;
    return n;
}

/* Hashes what is left of the file FULL (see above), if anything: REL and
 * a NUL (just before the first line left, so that a file with none adds
 * nothing), the lines left, and their length in bytes (8 bytes,
 * little-endian). */
static int fp_file(uint64_t *h, const char *full, const char *rel)
{
    /* a FIFO or a device named *.ini is no file the loader reads (it
     * refuses them): opening one without O_NONBLOCK would wait forever */
    int fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ENG_EIO;
    struct stat st;
    FILE *fp = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !(fp = fdopen(fd, "rb"))) {
        close(fd);
        return ENG_EIO;
    }
    fp_reader r;
    r.fp = fp;
    r.pos = r.len = 0;
    r.err = 0;
    const unsigned char *p;
    size_t n;
    uint64_t total = 0;
    int first = 1, start = 1, intest = 0, keep = 0, any = 0;
    while ((n = fp_piece(&r, &p)) > 0) {
        if (start) {
            int kind = fp_line_kind(p, n, first);
            if (kind == FP_TEST)
                intest = 1;
            else if (kind == FP_HEADER)
                intest = 0;
            keep = !intest && kind != FP_QUIET;
            if (keep && !any) {
                fnv(h, rel, strlen(rel) + 1);
                any = 1;
            }
        }
        if (keep) {
            fnv(h, p, n);
            total += n;
        }
        first = 0;
        start = p[n - 1] == '\n';
    }
    int bad = r.err;
    fclose(fp);
    if (bad)
        return ENG_EIO;
    if (any) {
        unsigned char len[8];
        for (int i = 0; i < 8; i++)
            len[i] = (unsigned char)(total >> (8 * i));
        fnv(h, len, sizeof len);
    }
    return ENG_OK;
}

/* An entry of a directory, as the engine's loader sorts it: by name, a
 * directory's name as if it ended in '/', so that the files of the whole
 * tree come in the sorted order of their paths (a-b.ini, a.ini, a/x.ini). */
typedef struct fp_entry {
    char *name;
    int dir;
} fp_entry;

static int cmp_entry(const void *a, const void *b)
{
    const fp_entry *x = a, *y = b;
    size_t i = 0;
    while (x->name[i] && x->name[i] == y->name[i])
        i++;
    int cx = x->name[i] ? (unsigned char)x->name[i] : x->dir ? '/' : 0;
    int cy = y->name[i] ? (unsigned char)y->name[i] : y->dir ? '/' : 0;
    return cx - cy;
}

/* The directories being walked, as the loader keeps them: a link back to
 * one of them is a loop, which the loader refuses. */
typedef struct fp_chain {
    dev_t dev;
    ino_t ino;
    const struct fp_chain *up;
} fp_chain;

/* Walks DIR as the engine's loader does: entries not starting with '.',
 * in the order of cmp_entry, directories entered where they sort, files
 * whose name ends in ".ini" hashed.  REL is DIR relative to the root (""
 * for the root itself); UP, the directories above it. */
static int fp_dir(uint64_t *h, const char *dir, const char *rel, const fp_chain *up,
                  int depth)
{
    if (depth > FP_MAX_DEPTH)
        return ENG_EIO;
    DIR *d = opendir(dir);
    struct stat dst;
    if (!d || fstat(dirfd(d), &dst)) {
        if (d)
            closedir(d);
        return ENG_EIO;
    }
    for (const fp_chain *c = up; c; c = c->up)
        if (c->dev == dst.st_dev && c->ino == dst.st_ino) {
            closedir(d);
            return ENG_EIO;
        }
    fp_chain here = {dst.st_dev, dst.st_ino, up};
    fp_entry *ents = NULL;
    size_t n = 0, cap = 0, dl = strlen(dir), rl = strlen(rel);
    int rc = ENG_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 32;
            fp_entry *nv = realloc(ents, nc * sizeof *nv);
            if (!nv) {
                rc = ENG_ENOMEM;
                break;
            }
            ents = nv;
            cap = nc;
        }
        size_t nl = strlen(de->d_name);
        char *full = malloc(dl + nl + 2);
        if (!full || !(ents[n].name = strdup(de->d_name))) {
            free(full);
            rc = ENG_ENOMEM;
            break;
        }
        snprintf(full, dl + nl + 2, "%s%s%s", dir,
                 dl && dir[dl - 1] == '/' ? "" : "/", de->d_name);
        struct stat st;
        ents[n].dir = !stat(full, &st) && S_ISDIR(st.st_mode);
        free(full);
        n++;
    }
    closedir(d);
    if (n)
        qsort(ents, n, sizeof *ents, cmp_entry);
    for (size_t i = 0; i < n && rc == ENG_OK; i++) {
        size_t nl = strlen(ents[i].name);
        char *full = malloc(dl + nl + 2), *r2 = malloc(rl + nl + 2);
        if (!full || !r2) {
            free(full);
            free(r2);
            rc = ENG_ENOMEM;
            break;
        }
        snprintf(full, dl + nl + 2, "%s%s%s", dir,
                 dl && dir[dl - 1] == '/' ? "" : "/", ents[i].name);
        snprintf(r2, rl + nl + 2, "%s%s%s", rel, rl ? "/" : "", ents[i].name);
        struct stat st;
        if (stat(full, &st))
            rc = ENG_EIO;
        else if (S_ISDIR(st.st_mode))
            rc = fp_dir(h, full, r2, &here, depth + 1);
        else if (nl > 4 && !strcmp(ents[i].name + nl - 4, ".ini"))
            rc = fp_file(h, full, r2);
        free(full);
        free(r2);
    }
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    return rc;
}

int kb_fingerprint(const char *path, char *buf, size_t size)
{
    if (!path || !buf || size < 17)
        return ENG_EINVAL;
    buf[0] = '\0';
    struct stat st;
    if (stat(path, &st))
        return ENG_EIO;
    uint64_t h = FNV_BASIS;
    int rc;
    if (S_ISDIR(st.st_mode)) {
        rc = fp_dir(&h, path, "", NULL, 0);
    } else {
        const char *base = strrchr(path, '/');
        rc = fp_file(&h, path, base ? base + 1 : path);
    }
    if (rc)
        return rc;
    snprintf(buf, size, "%016llx", (unsigned long long)h);
    return ENG_OK;
}

/* ------------------------------------------------------------ where */

const char *kb_store_default_path(char *buf, size_t size)
{
    const char *env = getenv("LDT_ADVISOR_DB");
    int n;
    if (!buf || !size)
        return NULL;
    if (env && *env) {
        n = snprintf(buf, size, "%s", env);
    } else {
        const char *xdg = getenv("XDG_DATA_HOME");
        if (xdg && xdg[0] == '/') {     /* relative ones are to be ignored */
            n = snprintf(buf, size, "%s/ldt-advisor/ldt-advisor.db", xdg);
        } else {
            const char *home = getenv("HOME");
            if (!home || !*home)
                return NULL;
            n = snprintf(buf, size, "%s/.local/share/ldt-advisor/ldt-advisor.db", home);
        }
    }
    if (n < 0 || (size_t)n >= size)
        return NULL;
    return buf;
}

/* ------------------------------------------------------------ helpers */

static char *dupcol(sqlite3_stmt *st, int col, int *nomem)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    const unsigned char *t = sqlite3_column_text(st, col);
    int len = sqlite3_column_bytes(st, col);
    if (!t) {
        *nomem = 1;
        return NULL;
    }
    char *p = malloc((size_t)len + 1);
    if (!p) {
        *nomem = 1;
        return NULL;
    }
    memcpy(p, t, (size_t)len);
    p[len] = '\0';
    return p;
}

/* Like dupcol, but "" for NULL. */
static char *dupcol0(sqlite3_stmt *st, int col, int *nomem)
{
    char *p = dupcol(st, col, nomem);
    if (!p && !*nomem && !(p = strdup("")))
        *nomem = 1;
    return p;
}

static int bind_text(kb_store *s, sqlite3_stmt *st, int i, const char *t)
{
    if (!t)
        return note(s, sqlite3_bind_null(st, i));
    size_t n = strlen(t);
    if (n > INT_MAX)
        return note(s, SQLITE_TOOBIG);
    return note(s, sqlite3_bind_text(st, i, t, (int)n, SQLITE_TRANSIENT));
}

/* sqlite3_step, noting a failure. */
static int step(kb_store *s, sqlite3_stmt *st)
{
    return note(s, sqlite3_step(st));
}

/* Runs a statement that returns no rows: SQLITE_OK once it is done. */
static int step_done(kb_store *s, sqlite3_stmt *st)
{
    int rc = step(s, st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs constant SQL (no data in it). */
static int exec(kb_store *s, const char *sql)
{
    return note(s, sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

/* Ends a transaction that failed (or only read).  ROLLBACK itself can
 * run out of memory (it is a statement to prepare), which leaves the
 * transaction open: it is tried once more.  Returns the SQLite status. */
static int rollback(kb_store *s)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < 2 && !sqlite3_get_autocommit(s->db); i++)
        rc = exec(s, "ROLLBACK");
    return sqlite3_get_autocommit(s->db) ? SQLITE_OK : rc;
}

/* Ends a write transaction: COMMIT when RC says that all went well;
 * otherwise, or when COMMIT fails, the error for DOING, then ROLLBACK.
 * Returns ENG_OK or fail()'s status. */
static int commit(kb_store *s, int rc, const char *doing, char *err, size_t size)
{
    if (rc == SQLITE_OK)
        rc = exec(s, "COMMIT");
    if (rc == SQLITE_OK)
        return ENG_OK;
    int r = fail(s, rc, doing, err, size);
    rollback(s);
    return r;
}

/* Prepares SQL (constant text) into *ST, noting a failure. */
static int prep(kb_store *s, const char *sql, sqlite3_stmt **st)
{
    return note(s, sqlite3_prepare_v2(s->db, sql, -1, st, NULL));
}

/* One integer from a constant query (a PRAGMA), into *OUT. */
static int query_int(kb_store *s, const char *sql, long long *out)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s, sql, &st);
    if (rc == SQLITE_OK) {
        rc = step(s, st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *out = 0;
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* 1 if session ID exists, else 0; *RC receives the SQLite status. */
static int session_exists(kb_store *s, long long id, int *rc)
{
    sqlite3_stmt *st = NULL;
    *rc = prep(s, "SELECT 1 FROM sessions WHERE id = ?1", &st);
    int found = 0;
    if (*rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        *rc = step(s, st);
        if (*rc == SQLITE_ROW) {
            found = 1;
            *rc = SQLITE_OK;
        } else if (*rc == SQLITE_DONE) {
            *rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return found;
}

/* Marks session ID as just updated.  Inside a write transaction. */
static int touch(kb_store *s, long long id, int *changed)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
        "UPDATE sessions SET updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
        "touched = (SELECT coalesce(max(touched), 0) + 1 FROM sessions) "
        "WHERE id = ?1", &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    sqlite3_finalize(st);
    *changed = rc == SQLITE_OK && sqlite3_changes(s->db) > 0;
    return rc;
}

/* ------------------------------------------------------------ schema */

/* Migrations: migrate_sql[V] takes the schema from version V to V + 1.  Add
 * a step for each new version and raise STORE_SCHEMA; never edit a step
 * that has shipped. */
static const char *const migrate_sql[STORE_SCHEMA] = {
    /* 0 -> 1: the first schema */
    "PRAGMA application_id = " STORE_APP_ID_TEXT ";"
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  respondent TEXT NOT NULL DEFAULT '',"
    "  kb_path TEXT NOT NULL DEFAULT '',"
    "  fingerprint TEXT NOT NULL DEFAULT '',"
    "  created TEXT NOT NULL,"
    "  updated TEXT NOT NULL,"
    "  finished INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),"
    "  touched INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX sessions_touched ON sessions (touched);"
    "CREATE TABLE answers ("
    "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
    "  question TEXT NOT NULL,"
    "  value TEXT,"
    "  at TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  UNIQUE (session_id, question)"
    ");"
    "CREATE INDEX answers_seq ON answers (session_id, seq);"
    "CREATE TABLE conclusions ("
    "  id INTEGER PRIMARY KEY,"
    "  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
    "  fact TEXT NOT NULL,"
    "  derivation TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX conclusions_session ON conclusions (session_id, id);",
};

/* The PRAGMA that records each version (constant text, no data). */
static const char *const version_sql[STORE_SCHEMA + 1] = {
    "PRAGMA user_version = 0",
    "PRAGMA user_version = 1",
};

/* What the file holds, read without writing anything. */
typedef struct probe {
    long long app_id, version, objects;
} probe;

static int read_probe(kb_store *s, probe *p)
{
    int rc = query_int(s, "PRAGMA application_id", &p->app_id);
    if (rc == SQLITE_OK)
        rc = query_int(s, "PRAGMA user_version", &p->version);
    if (rc == SQLITE_OK)
        rc = query_int(s, "SELECT count(*) FROM sqlite_schema", &p->objects);
    return rc;
}

/* Refuses a database that is not ours.  ENG_OK when it is ours or empty
 * (*FRESH then 1), else ENG_EIO with a message. */
static int check_ours(kb_store *s, const probe *p, int *fresh, char *err,
                      size_t size)
{
    *fresh = 0;
    if (p->app_id == 0 && p->objects == 0 && p->version == 0) {
        *fresh = 1;
        return ENG_OK;
    }
    if (p->app_id != STORE_APP_ID) {
        say(err, size,
            "not an ldt-advisor database: %s (it belongs to another program); "
            "choose another file with --db", s->path);
        return ENG_EIO;
    }
    if (p->version > STORE_SCHEMA) {
        say(err, size,
            "%s was written by a newer ldt-advisor (schema version %lld; this one knows "
            "versions up to %d): upgrade ldt-advisor, or choose another file with --db",
            s->path, p->version, STORE_SCHEMA);
        return ENG_EIO;
    }
    if (p->version < 0) {
        say(err, size, "%s: unknown schema version %lld; it was left as it is",
            s->path, p->version);
        return ENG_EIO;
    }
    return ENG_OK;
}

/* Brings the schema to STORE_SCHEMA in one transaction, checking again
 * inside it that the file is still empty or ours (another process may
 * have got there first). */
static int migrate(kb_store *s, char *err, size_t size, int *again)
{
    int rc = exec(s, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        *again = is_busy(rc);
        return fail(s, rc, "prepare the database", err, size);
    }
    probe p = {0, 0, 0};
    int fresh;
    rc = read_probe(s, &p);
    if (rc != SQLITE_OK) {
        int r = fail(s, rc, "prepare the database", err, size);
        rollback(s);
        return r;
    }
    int st = check_ours(s, &p, &fresh, err, size);
    if (st) {
        rollback(s);
        return st;
    }
    for (long long v = p.version; v < STORE_SCHEMA && rc == SQLITE_OK; v++) {
        rc = exec(s, migrate_sql[v]);
        if (rc == SQLITE_OK)
            rc = exec(s, version_sql[v + 1]);
    }
    return commit(s, rc, "update the database's schema", err, size);
}

/* ------------------------------------------------------------ open */

static int busy_ms(void)
{
    const char *e = getenv("LDT_ADVISOR_BUSY_MS");
    if (e && *e) {
        char *end;
        errno = 0;
        long v = strtol(e, &end, 10);
        if (!errno && !*end && v >= 0 && v <= INT_MAX)
            return (int)v;
    }
    return STORE_BUSY_MS;
}

/* mkdir -p of the directory part of PATH (mode 0700, as XDG asks). */
static int make_parents(const char *path, char *err, size_t size)
{
    char *dir = strdup(path);
    if (!dir)
        return ENG_ENOMEM;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return ENG_OK;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0700) && errno != EEXIST) {
                say(err, size, "%s: cannot create the directory %s: %s", path, dir,
                    strerror(errno));
                free(dir);
                return ENG_EIO;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        say(err, size, "%s: %s is not a directory", path, dir);
        free(dir);
        return ENG_EIO;
    }
    free(dir);
    return ENG_OK;
}

/* Reopens S's database read-only as an immutable file (no locks, no -wal
 * or -shm).  ENG_OK, ENG_EIO or ENG_ENOMEM. */
static int open_immutable(kb_store *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s->path);
    char *uri = malloc(3 * n + 32);
    if (!uri)
        return ENG_ENOMEM;
    char *o = uri + sprintf(uri, "file:");
    for (const unsigned char *c = (const unsigned char *)s->path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
            (*c >= '0' && *c <= '9') || strchr("/._~-", *c)) {
            *o++ = (char)*c;
        } else {
            *o++ = '%';
            *o++ = hex[*c >> 4];
            *o++ = hex[*c & 15];
        }
    }
    strcpy(o, "?immutable=1");
    sqlite3_close(s->db);
    s->db = NULL;
    int rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK)
        return rc == SQLITE_NOMEM ? ENG_ENOMEM : ENG_EIO;
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, s->busy_ms);
    return ENG_OK;
}

/* The text of a constant query's first column (a PRAGMA) into BUF. */
static int query_text(kb_store *s, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    int rc = prep(s, sql, &st);
    if (rc == SQLITE_OK) {
        rc = step(s, st);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            snprintf(buf, size, "%s", t ? (const char *)t : "");
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Reads what the file holds, in one read transaction so that the three
 * values belong together even while another process initialises it. */
static int probe_once(kb_store *s, probe *p)
{
    int rc = exec(s, "BEGIN");
    if (rc == SQLITE_OK)
        rc = read_probe(s, p);
    int r2 = rollback(s);
    return rc == SQLITE_OK ? r2 : rc;
}

/* One attempt at opening S->path.  ENG_OK, or an error in ERR; *AGAIN is
 * set when another process was in the way (worth another attempt). */
static int open_once(kb_store *s, int existed, char *err, size_t errsize, int *again)
{
    const char *path = s->path;
    *again = 0;
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        if ((rc & 0xff) == SQLITE_NOMEM)
            return oom(s, err, errsize);
        if ((rc & 0xff) == SQLITE_CANTOPEN)
            say(err, errsize, "cannot %s %s: %s (is its directory writable?)",
                existed ? "open" : "create the database", path, msg);
        else
            say(err, errsize, "cannot open %s: %s", path, msg);
        return ENG_EIO;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, s->busy_ms);

    /* look before writing anything */
    probe p = {0, 0, 0};
    rc = probe_once(s, &p);
    if (((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN) && existed) {
        /* a WAL database whose -wal and -shm files cannot be made (a
         * read-only directory): it can still be read, as an immutable file */
        int r2 = open_immutable(s);
        if (r2 == ENG_ENOMEM)
            return oom(s, err, errsize);
        if (r2 == ENG_OK) {
            s->msg[0] = '\0';
            rc = probe_once(s, &p);
        }
    }
    if (rc != SQLITE_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", s->msg[0] ? s->msg : sqlite3_errstr(rc));
        int code = rc & 0xff;
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
            say(err, errsize,
                "%s: %s: it is not an ldt-advisor database, or it is damaged; it was left "
                "as it is: choose another file with --db", path, msg);
            s->unusable = 1;
            return ENG_EIO;
        }
        if (code == SQLITE_CANTOPEN) {
            say(err, errsize, "cannot %s %s: %s (is its directory writable?)",
                existed ? "open" : "create the database", path, msg);
            return ENG_EIO;
        }
        *again = is_busy(rc);
        return fail(s, rc, "open the database", err, errsize);
    }
    int fresh;
    if (check_ours(s, &p, &fresh, err, errsize)) {
        s->unusable = 1;
        return ENG_EIO;
    }
    if (fresh && s->existing) {
        /* an SQLite file with nothing in it yet: a reader leaves it so */
        say(err, errsize, "no sessions database at %s: it is an empty SQLite database "
            "('ldt-advisor ask' saves sessions there); choose another with --db", path);
        s->nothing = 1;
        return ENG_EIO;
    }
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        /* a read-only file: readable as it is; writes will say why not */
        if (fresh) {
            say(err, errsize, "cannot create the database %s: the file is read-only", path);
            return ENG_EIO;
        }
        if (p.version < STORE_SCHEMA) {
            say(err, errsize,
                "%s: the database needs its schema updated, but the file is read-only", path);
            return ENG_EIO;
        }
        exec(s, "PRAGMA foreign_keys = ON");
        return ENG_OK;
    }

    /* ours (or empty): now it may be written */
    char mode[16];
    rc = query_text(s, "PRAGMA journal_mode", mode, sizeof mode);
    if (rc == SQLITE_OK && strcmp(mode, "wal"))
        rc = query_text(s, "PRAGMA journal_mode = WAL", mode, sizeof mode);
    /* a file system without WAL support keeps the rollback journal: as
     * safe, only less concurrent */
    if (rc == SQLITE_OK)
        rc = exec(s, "PRAGMA synchronous = FULL");
    if (rc == SQLITE_OK)
        rc = exec(s, "PRAGMA foreign_keys = ON");
    if (rc != SQLITE_OK) {
        *again = is_busy(rc);
        return fail(s, rc, "open the database", err, errsize);
    }
    if (p.version < STORE_SCHEMA) {
        int r = migrate(s, err, errsize, again);
        if (r)
            return r;
    }
    return ENG_OK;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static kb_store *store_open(const char *path, int existing, char *err, size_t errsize);

kb_store *kb_store_open(const char *path, char *err, size_t errsize)
{
    return store_open(path, 0, err, errsize);
}

kb_store *kb_store_open_existing(const char *path, char *err, size_t errsize)
{
    return store_open(path, 1, err, errsize);
}

static kb_store *store_open(const char *path, int existing, char *err, size_t errsize)
{
    if (errsize)
        err[0] = '\0';
    if (!path || !*path) {
        say(err, errsize, "no database file given (use --db PATH or set LDT_ADVISOR_DB)");
        return NULL;
    }
    kb_store *s = calloc(1, sizeof *s);
    int rc = ENG_EIO;
    if (!s || !(s->path = strdup(path))) {
        free(s);
        say(err, errsize, "%s: out of memory", path);
        errno = ENOMEM;
        return NULL;
    }
    s->busy_ms = busy_ms();
    s->existing = existing;
    s->claimfd = -1;
    struct stat st;
    int existed = 0;
    if (stat(path, &st) == 0) {
        existed = 1;
        if (S_ISDIR(st.st_mode)) {
            say(err, errsize, "%s is a directory: the database is a file (choose one with --db)",
                path);
            s->unusable = 1;
            goto fail;
        }
        if (!S_ISREG(st.st_mode)) {
            /* SQLite would wait on a pipe, or say "disk I/O error" */
            say(err, errsize, "%s is not a regular file (a device, a pipe or a socket): the "
                "database is a file (choose one with --db)", path);
            s->unusable = 1;
            goto fail;
        }
        if (access(path, R_OK)) {
            say(err, errsize, "cannot open %s: %s", path, strerror(errno));
            s->unusable = 1;
            goto fail;
        }
    } else if (errno == ENOENT && existing) {
        say(err, errsize, "no sessions database at %s ('ldt-advisor ask' saves sessions "
            "there); choose another with --db", path);
        s->nothing = 1;
        goto fail;
    } else if (errno == ENOENT) {
        rc = make_parents(path, err, errsize);
        if (rc == ENG_ENOMEM)
            say(err, errsize, "%s: out of memory", path);
        if (rc)
            goto fail;
    } else {
        say(err, errsize, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }

    /* Processes opening a new database at the same moment can meet while
     * it changes from a rollback journal to WAL, where SQLite answers
     * "busy" at once rather than wait: try again until the busy timeout. */
    long long deadline = now_ms() + s->busy_ms;
    for (;;) {
        int again = 0;
        if ((rc = open_once(s, existed, err, errsize, &again)) == ENG_OK)
            return s;
        if (!again || now_ms() >= deadline)
            break;
        sqlite3_close(s->db);
        s->db = NULL;
        s->msg[0] = '\0';
        if (errsize)
            err[0] = '\0';
        struct timespec pause = {0, 20 * 1000000L};
        nanosleep(&pause, NULL);
    }

fail:
    if (errsize && !err[0])
        say(err, errsize, "cannot open %s", path);
    int nothing = s->nothing, unusable = s->unusable;
    kb_store_close(s);
    errno = rc == ENG_ENOMEM ? ENOMEM : nothing ? ENOENT : unusable ? EINVAL : EIO;
    return NULL;
}

void kb_store_close(kb_store *s)
{
    if (!s)
        return;
    if (s->db)
        sqlite3_close(s->db);
    /* after SQLite's connection: closing a descriptor of the file would
     * drop the locks SQLite's own hold on it (they belong to the process) */
    if (s->claimfd >= 0)
        close(s->claimfd);
    free(s->path);
    free(s);
}

/* Where a session's claim is locked: a byte far past the locks SQLite
 * takes on the database file (from 1 GiB, a few hundred bytes), past any
 * size it will have; the file does not grow for it. */
#define CLAIM_BASE (1LL << 40)

int kb_store_session_claim(kb_store *s, long long id, char *err, size_t errsize)
{
    if (s->claimfd < 0) {
        s->claimfd = open(s->path, O_RDWR | O_CLOEXEC);
        if (s->claimfd < 0) {
            say(err, errsize, "cannot open %s to claim session %lld: %s", s->path, id,
                strerror(errno));
            return ENG_EIO;
        }
    }
    /* an open file description's lock: unlike a process's, closing
     * SQLite's descriptors leaves it, and a process that dies drops it */
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = CLAIM_BASE + (id & (CLAIM_BASE - 1));
    fl.l_len = 1;
    if (fcntl(s->claimfd, F_OFD_SETLK, &fl) == 0)
        return ENG_OK;
    if (errno == EAGAIN || errno == EACCES) {
        say(err, errsize, "session %lld is being answered right now by another 'ldt-advisor ask' "
            "(with %s): finish or quit it there, then resume it", id, s->path);
        return ENG_ESTATE;
    }
    if (errno == EINVAL || errno == ENOLCK || errno == EOPNOTSUPP)
        return ENG_OK;      /* a file system without such locks: no claim */
    say(err, errsize, "cannot claim session %lld in %s: %s", id, s->path, strerror(errno));
    return ENG_EIO;
}

int kb_store_readonly(const kb_store *s)
{
    return sqlite3_db_readonly(s->db, "main") == 1;
}

/* ------------------------------------------------------------ writing */

int kb_store_session_new(kb_store *s, const char *respondent,
                         const char *kb_path, const char *fingerprint,
                         long long *id, char *err, size_t errsize)
{
    s->msg[0] = '\0';
    static const char doing[] = "create a session";
    sqlite3_stmt *st = NULL;
    int rc = exec(s, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = prep(s,
            "INSERT INTO sessions (respondent, kb_path, fingerprint, created, updated, "
            "finished, touched) VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
            "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0, "
            "(SELECT coalesce(max(touched), 0) + 1 FROM sessions))", &st);
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 1, respondent ? respondent : "");
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 2, kb_path ? kb_path : "");
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 3, fingerprint ? fingerprint : "");
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    long long newid = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    rc = commit(s, rc, doing, err, errsize);
    if (rc == ENG_OK && id)
        *id = newid;
    return rc;
}

/* One statement on session ID's answers in a transaction that also marks
 * the session as touched: ?1 is the session, ?2 QUESTION, ?3 VALUE when
 * when SQL has a third parameter.  A missing session is an error and
 * changes nothing. */
static int answer_write(kb_store *s, long long id, const char *doing,
                        const char *sql, const char *question,
                        const char *value, char *err, size_t errsize)
{
    sqlite3_stmt *st = NULL;
    int changed = 0;
    int rc = exec(s, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = touch(s, id, &changed);
    if (rc == SQLITE_OK && !changed) {
        rollback(s);
        return no_session(s, id, err, errsize);
    }
    if (rc == SQLITE_OK)
        rc = prep(s, sql, &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 2, question);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 3)
        rc = bind_text(s, st, 3, value);
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    sqlite3_finalize(st);
    return commit(s, rc, doing, err, errsize);
}

int kb_store_answer_put(kb_store *s, long long id, const char *question,
                        const char *value, char *err, size_t errsize)
{
    s->msg[0] = '\0';
    if (!question || !*question) {
        say(err, errsize, "%s: cannot save an answer without a question", s->path);
        return ENG_EINVAL;
    }
    return answer_write(s, id, "save the answer",
        "INSERT INTO answers (session_id, question, value, at, seq) "
        "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
        "(SELECT coalesce(max(seq), 0) + 1 FROM answers WHERE session_id = ?1)) "
        "ON CONFLICT (session_id, question) DO UPDATE SET "
        "value = excluded.value, at = excluded.at, seq = excluded.seq",
        question, value, err, errsize);
}

int kb_store_answer_delete(kb_store *s, long long id, const char *question,
                           char *err, size_t errsize)
{
    s->msg[0] = '\0';
    return answer_write(s, id, "forget the answer",
        "DELETE FROM answers WHERE session_id = ?1 AND question = ?2",
        question ? question : "", NULL, err, errsize);
}

int kb_store_conclusions_put(kb_store *s, long long id,
                             const kb_conclusion *c, size_t n, int finished,
                             const char *kb_path, const char *fingerprint,
                             char *err, size_t errsize)
{
    s->msg[0] = '\0';
    static const char doing[] = "save the conclusions";
    sqlite3_stmt *st = NULL;
    int changed = 0;
    for (size_t i = 0; i < n; i++)
        if (!c[i].fact) {
            say(err, errsize, "%s: cannot save a conclusion without its fact", s->path);
            return ENG_EINVAL;
        }
    int rc = exec(s, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = touch(s, id, &changed);
    if (rc == SQLITE_OK && !changed) {
        rollback(s);
        return no_session(s, id, err, errsize);
    }
    if (rc == SQLITE_OK)
        rc = prep(s,
            "UPDATE sessions SET finished = ?2, fingerprint = coalesce(?3, fingerprint), "
            "kb_path = coalesce(?4, kb_path) WHERE id = ?1", &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(st, 2, finished ? 1 : 0);
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 3, fingerprint);
    if (rc == SQLITE_OK)
        rc = bind_text(s, st, 4, kb_path);
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = prep(s, "DELETE FROM conclusions WHERE session_id = ?1", &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = prep(s,
            "INSERT INTO conclusions (session_id, fact, derivation) VALUES (?1, ?2, ?3)", &st);
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        rc = sqlite3_bind_int64(st, 1, id);
        if (rc == SQLITE_OK)
            rc = bind_text(s, st, 2, c[i].fact);
        if (rc == SQLITE_OK)
            rc = bind_text(s, st, 3, c[i].derivation ? c[i].derivation : "");
        if (rc == SQLITE_OK)
            rc = step_done(s, st);
    }
    sqlite3_finalize(st);
    return commit(s, rc, doing, err, errsize);
}

int kb_store_session_delete(kb_store *s, long long id, char *err,
                            size_t errsize)
{
    s->msg[0] = '\0';
    static const char doing[] = "delete the session";
    sqlite3_stmt *st = NULL;
    int rc = exec(s, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = prep(s, "DELETE FROM sessions WHERE id = ?1", &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = step_done(s, st);
    int gone = rc == SQLITE_OK ? sqlite3_changes(s->db) : 0;
    sqlite3_finalize(st);
    if (rc == SQLITE_OK && !gone) {
        rollback(s);
        return no_session(s, id, err, errsize);
    }
    return commit(s, rc, doing, err, errsize);
}

/* ------------------------------------------------------------ reading */

#define SESSION_COLS \
    "SELECT s.id, s.respondent, s.kb_path, s.fingerprint, s.created, s.updated, " \
    "s.finished, (SELECT count(a.value) FROM answers a WHERE a.session_id = s.id) FROM sessions s "

static int read_session(sqlite3_stmt *st, kb_session_info *si)
{
    int nomem = 0;
    memset(si, 0, sizeof *si);
    si->id = sqlite3_column_int64(st, 0);
    si->respondent = dupcol0(st, 1, &nomem);
    si->kb_path = dupcol0(st, 2, &nomem);
    si->fingerprint = dupcol0(st, 3, &nomem);
    si->created = dupcol0(st, 4, &nomem);
    si->updated = dupcol0(st, 5, &nomem);
    si->finished = sqlite3_column_int(st, 6) != 0;
    si->answers = (long)sqlite3_column_int64(st, 7);
    if (nomem) {
        kb_session_info_clear(si);
        return ENG_ENOMEM;
    }
    return ENG_OK;
}

int kb_store_session_get(kb_store *s, long long id, kb_session_info *out,
                         char *err, size_t errsize)
{
    s->msg[0] = '\0';
    static const char doing[] = "read the session";
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    int rc = id ? prep(s, SESSION_COLS "WHERE s.id = ?1", &st)
                : prep(s, SESSION_COLS "ORDER BY s.touched DESC, s.id DESC LIMIT 1", &st);
    if (rc == SQLITE_OK && id)
        rc = sqlite3_bind_int64(st, 1, id);
    int found = 0, r = ENG_OK;
    if (rc == SQLITE_OK) {
        rc = step(s, st);
        if (rc == SQLITE_ROW) {
            found = 1;
            r = read_session(st, out);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        r = fail(s, rc, doing, err, errsize);
        sqlite3_finalize(st);
        return r;
    }
    sqlite3_finalize(st);
    if (r == ENG_ENOMEM)
        return oom(s, err, errsize);
    if (!found)
        return no_session(s, id, err, errsize);
    return ENG_OK;
}

int kb_store_sessions(kb_store *s, kb_session_info **out, size_t *n,
                      char *err, size_t errsize)
{
    s->msg[0] = '\0';
    static const char doing[] = "read the sessions";
    sqlite3_stmt *st = NULL;
    kb_session_info *v = NULL;
    size_t len = 0, cap = 0;
    int r = ENG_OK;
    *out = NULL;
    *n = 0;
    int rc = prep(s, SESSION_COLS "ORDER BY s.touched DESC, s.id DESC", &st);
    while (rc == SQLITE_OK && (rc = step(s, st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 16;
            kb_session_info *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                r = ENG_ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        if ((r = read_session(st, &v[len])))
            break;
        len++;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rc != SQLITE_OK && r == ENG_OK)
        r = fail(s, rc, doing, err, errsize);
    sqlite3_finalize(st);
    if (r) {
        kb_sessions_free(v, len);
        if (r == ENG_ENOMEM)
            oom(s, err, errsize);
        return r;
    }
    *out = v;
    *n = len;
    return ENG_OK;
}

/* Fills item I of a result from the current row; sets *NOMEM on failure. */
typedef void (*row_fill)(sqlite3_stmt *st, void *item, size_t i, int *nomem);
typedef void (*rows_free)(void *items, size_t n);

/* The rows of SQL (its ?1 bound to session ID) as an array of ELEM-byte
 * items filled by FILL, read in one transaction so that the session and its
 * rows are those of one moment.  ENG_OK with *OUT and *N, ENG_EINVAL (no
 * such session), ENG_EIO or ENG_ENOMEM (ERR says what). */
static int read_rows(kb_store *s, long long id, const char *sql,
                     const char *doing, size_t elem, row_fill fill,
                     rows_free release, void **out, size_t *n, char *err,
                     size_t errsize)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    size_t len = 0, cap = 0;
    int r = ENG_OK, found;
    s->msg[0] = '\0';
    *out = NULL;
    *n = 0;
    int rc = exec(s, "BEGIN");
    if (rc == SQLITE_OK) {
        found = session_exists(s, id, &rc);
        if (rc == SQLITE_OK && !found) {
            rollback(s);
            return no_session(s, id, err, errsize);
        }
    }
    if (rc == SQLITE_OK)
        rc = prep(s, sql, &st);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    while (rc == SQLITE_OK && (rc = step(s, st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 32;
            char *nv = realloc(v, nc * elem);
            if (!nv) {
                r = ENG_ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        int nomem = 0;
        fill(st, v + len * elem, len, &nomem);
        len++;
        if (nomem) {
            r = ENG_ENOMEM;
            break;
        }
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rc != SQLITE_OK && r == ENG_OK)
        r = fail(s, rc, doing, err, errsize);
    sqlite3_finalize(st);
    rc = rollback(s);   /* ends the read transaction */
    if (rc != SQLITE_OK && r == ENG_OK)
        r = fail(s, rc, doing, err, errsize);
    if (r) {
        release(v, len);
        if (r == ENG_ENOMEM)
            oom(s, err, errsize);
        return r;
    }
    *out = v;
    *n = len;
    return ENG_OK;
}

static void fill_answer(sqlite3_stmt *st, void *item, size_t i, int *nomem)
{
    kb_answer *a = item;
    a->question = dupcol0(st, 0, nomem);
    a->value = dupcol(st, 1, nomem);
    a->at = dupcol0(st, 2, nomem);
    a->seq = (long)i + 1;
}

static void free_answers(void *items, size_t n)
{
    kb_answers_free(items, n);
}

int kb_store_answers(kb_store *s, long long id, kb_answer **out, size_t *n,
                     char *err, size_t errsize)
{
    void *v;
    int r = read_rows(s, id,
                      "SELECT question, value, at FROM answers WHERE session_id = ?1 ORDER BY seq",
                      "read the answers", sizeof(kb_answer), fill_answer, free_answers,
                      &v, n, err, errsize);
    *out = r ? NULL : v;
    return r;
}

static void fill_conclusion(sqlite3_stmt *st, void *item, size_t i, int *nomem)
{
    kb_conclusion *c = item;
    (void)i;
    c->fact = dupcol0(st, 0, nomem);
    c->derivation = dupcol0(st, 1, nomem);
}

static void free_conclusions(void *items, size_t n)
{
    kb_conclusions_free(items, n);
}

int kb_store_conclusions(kb_store *s, long long id, kb_conclusion **out,
                         size_t *n, char *err, size_t errsize)
{
    void *v;
    int r = read_rows(s, id,
                      "SELECT fact, derivation FROM conclusions WHERE session_id = ?1 ORDER BY id",
                      "read the conclusions", sizeof(kb_conclusion), fill_conclusion,
                      free_conclusions, &v, n, err, errsize);
    *out = r ? NULL : v;
    return r;
}

/* ------------------------------------------------------------ freeing */

void kb_session_info_clear(kb_session_info *si)
{
    if (!si)
        return;
    free(si->respondent);
    free(si->kb_path);
    free(si->fingerprint);
    free(si->created);
    free(si->updated);
    memset(si, 0, sizeof *si);
}

void kb_sessions_free(kb_session_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        kb_session_info_clear(&v[i]);
    free(v);
}

void kb_answers_free(kb_answer *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].question);
        free(v[i].value);
        free(v[i].at);
    }
    free(v);
}

void kb_conclusions_free(kb_conclusion *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].fact);
        free(v[i].derivation);
    }
    free(v);
}
