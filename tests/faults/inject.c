/*
 * inject.c -- allocation-failure injection for the ldt-advisor command.
 * Linked only into the test program BUILD/tests/ldt-advisor-faults, never
 * into ldt-advisor itself: the command's own objects are linked with
 * -Wl,--wrap for every allocating function they call, so each allocation
 * of cli/, kb/ and the engine (PCRE2 allocates through the engine's
 * allocator) comes here, and SQLite is given the same counting allocator
 * with SQLITE_CONFIG_MALLOC before it starts.  Allocation number N (from
 * 1, in the order the program makes them) can be made to fail.
 *
 * Not counted: allocations the C library and inih make for themselves
 * (stdio buffers, fopen, opendir, inih's line buffer).
 *
 * Environment (read once, at start):
 *   LDT_FAULT_AT=N        allocation N fails (returns NULL, errno ENOMEM);
 *                         unset or 0: none fails
 *   LDT_FAULT_STICKY=1    every allocation from N on fails too
 *   LDT_FAULT_LOG=FILE    at exit, write "allocations A failed F" (F: how
 *                         many were made to fail) to FILE
 *   LDT_FAULT_SITES=FILE  at exit, write one line "FIRST LATER HASH" for
 *                         each allocation site: the allocation numbers of
 *                         its first allocation and of its 2^k-th, the
 *                         largest k (at least half-way through them, so
 *                         in other data: a list that is not empty).
 *                         Failing those N hits every site.  A site is
 *                         the call stack in the program's own code (6
 *                         frames, as offsets, so the same in every run);
 *                         frames in SQLite, PCRE2 and the C library are
 *                         left out, so an allocation inside SQLite counts
 *                         as the place in kb/store.c that called it
 */
#define _GNU_SOURCE             /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <sqlite3.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
ssize_t __real_getline(char **line, size_t *cap, FILE *fp);
FILE *__real_open_memstream(char **buf, size_t *size);
char *__real_realpath(const char *path, char *resolved);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
ssize_t __wrap_getline(char **line, size_t *cap, FILE *fp);
FILE *__wrap_open_memstream(char **buf, size_t *size);
char *__wrap_realpath(const char *path, char *resolved);

static long fi_calls;           /* allocations so far */
static long fi_at;              /* the one that fails; 0: none */
static int fi_sticky;           /* and every one after it */
static long fi_failed;          /* allocations made to fail */
static const char *fi_log;      /* LDT_FAULT_LOG */

/* sites: open addressing on the hash of a call stack */
#define SITES_MAX 65536
#define SITE_FRAMES 6           /* frames of the program's own code */
static uint64_t *fi_site;       /* hashes seen (0: free slot) */
static long *fi_first;          /* the allocation number that first met it */
static long *fi_count;          /* how often it allocated */
static long *fi_later;          /* the allocation number of its 2^k-th time,
                                   the largest k: at least half-way */
static size_t fi_nsites;
static const char *fi_sites_path;
static int fi_in_site;          /* backtrace may allocate: no recursion */

/* Never inlined, and fi_fail always is: frames[0] is this function and
 * frames[1] the wrapper at every optimisation level. */
__attribute__((noinline)) static void site_note(long n)
{
    void *frames[48];
    Dl_info self;
    if (fi_in_site || !fi_site || !dladdr((void *)site_note, &self))
        return;
    fi_in_site = 1;
    int got = backtrace(frames, 48);
    fi_in_site = 0;
    /* frames[0] is site_note, frames[1] the wrapper: hash the callers
     * that are the program's own code, as offsets in it (the same in every
     * run); a call into SQLite or PCRE2 is the place in our code that
     * made it */
    uint64_t h = 0xcbf29ce484222325ULL;
    int used = 0;
    for (int i = 2; i < got && used < SITE_FRAMES; i++) {
        Dl_info di;
        if (!dladdr(frames[i], &di) || di.dli_fbase != self.dli_fbase)
            continue;
        uintptr_t a = (uintptr_t)frames[i] - (uintptr_t)di.dli_fbase;
        for (size_t b = 0; b < sizeof a; b++) {
            h ^= (a >> (8 * b)) & 0xff;
            h *= 0x100000001b3ULL;
        }
        used++;
    }
    if (!h)
        h = 1;
    size_t i = (size_t)(h % SITES_MAX);
    while (fi_site[i] && fi_site[i] != h)
        i = (i + 1) % SITES_MAX;
    if (fi_site[i]) {
        long c = ++fi_count[i];
        if (!(c & (c - 1)))
            fi_later[i] = n;
        return;
    }
    if (fi_nsites >= SITES_MAX - 1)
        return;
    fi_site[i] = h;
    fi_first[i] = fi_later[i] = n;
    fi_count[i] = 1;
    fi_nsites++;
}

/* Counts one allocation; 1 when it is to fail. */
__attribute__((always_inline)) static inline int fi_fail(void)
{
    long n = ++fi_calls;
    if (fi_sites_path)
        site_note(n);
    if (fi_at && (n == fi_at || (fi_sticky && n > fi_at))) {
        fi_failed++;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    return fi_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fi_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (!n)                     /* a free, not an allocation */
        return __real_realloc(p, n);
    return fi_fail() ? NULL : __real_realloc(p, n);
}

void __wrap_free(void *p)
{
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    return fi_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fi_fail() ? NULL : __real_strndup(s, n);
}

/* getline allocates (or grows) the line: a failure is its ENOMEM */
ssize_t __wrap_getline(char **line, size_t *cap, FILE *fp)
{
    return fi_fail() ? -1 : __real_getline(line, cap, fp);
}

FILE *__wrap_open_memstream(char **buf, size_t *size)
{
    return fi_fail() ? NULL : __real_open_memstream(buf, size);
}

/* realpath with no buffer allocates the result */
char *__wrap_realpath(const char *path, char *resolved)
{
    if (!resolved && fi_fail())
        return NULL;
    return __real_realpath(path, resolved);
}

/* ------------------------------------------------------------ SQLite */

/* SQLite asks for the size of a block: keep it in an 8-byte header. */
static void *sq_malloc(int n)
{
    if (n <= 0 || fi_fail())
        return NULL;
    int64_t *p = __real_malloc((size_t)n + 8);
    if (!p)
        return NULL;
    p[0] = n;
    return p + 1;
}

static void sq_free(void *p)
{
    if (p)
        __real_free((int64_t *)p - 1);
}

static void *sq_realloc(void *p, int n)
{
    if (n <= 0 || fi_fail())
        return NULL;
    int64_t *q = __real_realloc(p ? (int64_t *)p - 1 : NULL, (size_t)n + 8);
    if (!q)
        return NULL;
    q[0] = n;
    return q + 1;
}

static int sq_size(void *p)
{
    return p ? (int)((int64_t *)p)[-1] : 0;
}

static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sq_init(void *ud)
{
    (void)ud;
    return SQLITE_OK;
}

static void sq_shutdown(void *ud)
{
    (void)ud;
}

/* ------------------------------------------------------------ start, end */

static void fi_end(void)
{
    if (fi_log) {
        FILE *fp = fopen(fi_log, "w");
        if (fp) {
            fprintf(fp, "allocations %ld failed %ld\n", fi_calls, fi_failed);
            fclose(fp);
        }
    }
    if (fi_sites_path && fi_site) {
        FILE *fp = fopen(fi_sites_path, "w");
        if (fp) {
            for (size_t i = 0; i < SITES_MAX; i++)
                if (fi_site[i])
                    fprintf(fp, "%ld %ld %016llx\n", fi_first[i], fi_later[i],
                            (unsigned long long)fi_site[i]);
            fclose(fp);
        }
    }
    __real_free(fi_site);
    __real_free(fi_first);
    __real_free(fi_count);
    __real_free(fi_later);
    fi_site = NULL;
}

__attribute__((constructor)) static void fi_start(void)
{
    static const sqlite3_mem_methods mem = {
        sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup, sq_init, sq_shutdown, NULL};
    const char *at = getenv("LDT_FAULT_AT");
    const char *sticky = getenv("LDT_FAULT_STICKY");
    fi_at = at ? strtol(at, NULL, 10) : 0;
    fi_sticky = sticky && *sticky == '1';
    fi_log = getenv("LDT_FAULT_LOG");
    fi_sites_path = getenv("LDT_FAULT_SITES");
    if (fi_sites_path) {
        fi_site = __real_calloc(SITES_MAX, sizeof *fi_site);
        fi_first = __real_calloc(SITES_MAX, sizeof *fi_first);
        fi_count = __real_calloc(SITES_MAX, sizeof *fi_count);
        fi_later = __real_calloc(SITES_MAX, sizeof *fi_later);
        if (!fi_site || !fi_first || !fi_count || !fi_later)
            abort();
        void *warm[2];
        backtrace(warm, 2);     /* loads the unwinder before counting starts */
    }
    /* the no-op lookaside keeps every SQLite allocation visible here */
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK) {
        fputs("inject.c: cannot give SQLite the counting allocator\n", stderr);
        abort();
    }
    atexit(fi_end);
}
