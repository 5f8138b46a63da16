/*
 * load.c -- reading knowledge-base and answers files: the first stage of
 * the pipeline, plus the engine's life cycle (eng_new / eng_free).
 *
 * inih splits lines into sections and key/value pairs; a reader of our own
 * feeds it the file line by line, so that every value is known with its
 * line and column, and so that what inih would silently do wrong is caught
 * first: over-long lines (Debian's inih cuts them at ini_max_line), bytes
 * that are not UTF-8, lines that are neither a header nor `key = value`,
 * indented `key = value` lines that inih joins to the previous value, and
 * duplicate or empty sections (which inih merges or never reports).  The
 * values of one section are collected, then the section is compiled as a
 * whole; every problem becomes a diagnostic and reading goes on.
 *
 * Knowledge-base files are read whole (they are small and their text is
 * kept for the diagnostics of later stages).  Answers files are streamed:
 * eng_answers_read reads the file once, a line at a time, checking every
 * respondent and keeping only an index (name, where its section is, a hash
 * of its lines, valid or not, and a compact record of its answers as they
 * were checked); eng_answers_assert reads that one section again and,
 * when its lines are as they were, asserts the answers of the record
 * without parsing them again.  The text of the file is never held, and a
 * file changed in between is noticed, not trusted: a section that is not
 * as it was is read and checked again in full.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eng_int.h"

#define MAX_FILE_ERRORS 50      /* per file, before giving up on it */
#define MAX_NAMED_ERRORS 1000   /* of a respondent named (eng_answers_report) */
#define MAX_DIR_DEPTH 32

/* ------------------------------------------------------------ sections */

typedef struct kv {
    const char *key;            /* arena (KB files), or malloc'd (answers) */
    int ownkey;                 /* key is malloc'd: freed with the section */
    ebuf val;                   /* joined value */
    seg *segs; size_t nsegs, capsegs;
    char *owntext;              /* streamed: copy of the key's line (segs[0]) */
    char *owntext2;             /* and of segs[1], where the value starts
                                   when the key's line has none */
    int line, col;
    int kid;                    /* knowledge bases: KEY_* (see key_id) */
    int over;                   /* answers: over a limit, already reported */
    size_t piece0, npieces;     /* answers: its value's pieces (rdr.pieces) */
} kv;

/* The strings of the sections of an answers file, given back together
 * when a section ends rather than one by one: blocks, each starting with
 * the address of the one before, of which the newest (and largest) is
 * kept for the next section.  Freed when the file has been read. */
typedef struct spool {
    char *blk;                  /* the newest block, or NULL */
    size_t used, size;          /* bytes of it */
} spool;

typedef struct sect {
    char *kind, *name;          /* malloc'd */
    int bkind;                  /* KIND_*: a built-in kind, or another */
    int line, col, namecol;
    const char *text;           /* header line */
    char *owntext;              /* streamed: TEXT is this copy */
    int valid;
    int over;                   /* answers: over the respondent's limit */
    int dropped;                /* answers: the last key was not kept */
    int nofast;                 /* answers: a value is not where its line
                                   puts it: read again in full to assert */
    int hidden;                 /* answers: a problem of it was not reported
                                   (see rerr) */
    uint32_t shown;             /* answers: its problems reported before */
    int lineerr;                /* a line of it is in error (answers: not
                                   key = value, not UTF-8, too long...; a
                                   knowledge base: not UTF-8, too long, a
                                   control character) */
    size_t bytes;               /* answers: bytes of all its values */
    spool *pool;                /* its strings (kind, name; an answers
                                   file's keys and copies of lines) are
                                   in this pool (NULL: a kept [test]) */
    kv *kvs; size_t nkvs, capkvs;
    size_t nkept;               /* kvs[0, nkept) hold buffers kept from an
                                   earlier section (see sect_reuse) */
} sect;

/* MODE_ANSWERS checks a whole answers file; MODE_REPLAY reads one section
 * of it again for eng_answers_assert, quietly, or for eng_answers_report,
 * reporting its problems. */
enum { MODE_KB, MODE_ANSWERS, MODE_REPLAY };

typedef struct resp resp;

/* Where a piece of an answer's value is in the file: an answer continued
 * on indented lines has one per line, joined with a blank. */
typedef struct piece {
    size_t line;                /* of the section's lines given to inih */
    size_t off, len;            /* bytes in that line */
} piece;

typedef struct rdr {
    eng_engine *e;
    const char *path;           /* interned */
    const char *buf;            /* the whole text (KB files) */
    size_t len, pos;
    int fd;                     /* >= 0: lines are read from this file */
    char *chunk;                /* fd: what read() gave, [cpos, clen) unused */
    size_t cpos, clen, chunkcap;
    char *lbuf;                 /* fd: the current line, raw (with any CR),
                                   its first lcap - 1 bytes, NUL-terminated */
    size_t lcap, lraw;          /* lraw: bytes of it in lbuf */
    uint64_t lineoff;           /* file offset of the current line */
    uint64_t nextoff;           /* offset just past it (and its newline) */
    uint64_t fpos;              /* fd: offset of the byte after chunk[clen] */
    uint64_t stop;              /* MODE_REPLAY: read nothing from here on */
    int ioerr;                  /* fd: errno of a failed read, or -1 when a
                                   NUL byte appeared (the file changed) */
    int line;
    const char *cur;            /* raw current line */
    size_t curlen;
    int cont;                   /* current line continues the last key */
    size_t eqoff;               /* current key line: where its '=' (or ':') is */
    int haskey;                 /* the current section has had a key */
    int errors;                 /* in this file */
    int gaveup;
    /* An answers file with a respondent reports its first MAX_FILE_ERRORS
     * errors and counts the others: a respondent's problems make it
     * invalid, and a stray line or section is no respondent's, so the file
     * is read to the end.  Before the first respondent, MAX_FILE_ERRORS
     * errors make the reading give up: it is no answers file. */
    int rshown;                 /* respondents' errors reported */
    size_t rhidden;             /*   and not reported */
    size_t rhidden_file;        /*   of those, not of a respondent's own */
    int rhidden_line;           /*   the first of those */
    int checking;               /* a respondent's answers are being checked */
    int report;                 /* MODE_REPLAY: report the section's problems */
    int mode;
    sect s;
    int insect;
    int utf8_ok;                /* the whole text is valid UTF-8 (and, a
                                   knowledge base's, holds no control
                                   character: see text_bad) */
    int passover;               /* the current section is passed over
                                   unread: a [test] under cfg.skip_tests,
                                   or a file of scenarios refused */
    uint64_t soff, send;        /* the current section: from its header to
                                   the end of the last line given to inih */
    int rhead;                  /* MODE_REPLAY, reporting: the section's
                                   header was read; the next header ends it */
    uint64_t shash;             /* line_hash of the lines given to inih */
    char *str;                  /* inih's line buffer (see piece_add) */
    const char *key;            /* the current line's key, when inih was */
    size_t keylen;              /*   given "k" for it (see key_aside), */
    size_t shift;               /*   and how much shorter STR is than the
                                   line before the '=' */
    struct {                    /* MODE_KB: keys interned lately (see */
        const char *key;        /*   handler), by their first and last */
        size_t len;             /*   bytes and length, with their KEY_* */
        int kid;
    } keys[32];
    char pk[41];                /* the key inih's last key is "k" for, */
    int pkset;                  /*   when it is */
    size_t sgiven;              /* MODE_ANSWERS: lines given to inih in the
                                   section so far (its header is line 0) */
    int sskip, sskip_send;      /*   a line of it was skipped as an error,
                                   so far and before send */
    piece *pieces;              /*   the section's values, as the handler */
    size_t npieces, cappieces;  /*   met them */
    spool pool;                 /* the strings of the current section */
    uint32_t *seen;             /* check_answers: questions answered in */
    size_t nseen;               /*   the section (see there) */
    uint32_t stamp;
    ebuf rec;                   /*   its record (see rec_answer), */
    struct bitw *recw;          /*   written through this */
    size_t recq;                /*   the question of its last answer */
    eng_answers *ans;           /* MODE_ANSWERS */
    const eng_answers *from;    /* MODE_REPLAY: the file's index */
    const resp *want;           /*   the section being read again */
    int replayed;               /*   it was found and read */
    int bad;                    /*   it is not as it was */
    int status;                 /*   of asserting its answers */
} rdr;

/* A respondent of an answers file: what eng_answers_assert needs to find
 * and check its section again, and its answers as they were checked, in
 * a compact record (see rec_answer) after its name in eng_answers.names:
 * question and option numbers, numbers, and where a text is in the file.
 * The text of the answers is not kept. */
struct resp {
    uint64_t off;               /* file offset of its [answers NAME] line */
    uint64_t end;               /* just past the last line given to inih */
    uint64_t hash;              /* line_hash of those given to inih */
    size_t name;                /* offset of its name in names */
    int line;                   /* of the header */
    uint8_t valid;              /* no errors: it may be asserted */
    uint8_t hidden;             /* some of its errors were not reported */
    uint8_t shown;              /*   after the first SHOWN of them (at most
                                   255: past that, reporting them again
                                   repeats some, never leaves one out) */
    uint8_t rec;                /* its record follows its name: when its
                                   lines are as they were, its answers are
                                   asserted from it */
};
/* an answers file's index holds one a respondent: keep it small */
_Static_assert(sizeof(struct resp) <= 40, "a respondent's index entry takes 40 bytes");

/* The open answers file.  eng_answers_assert receives a const eng_answers
 * but reads the file and may find it changed: that state lives here. */
typedef struct ans_io {
    int fd;                     /* open from eng_answers_read to _free */
    struct stat st;             /* as it was read: size and mtime are
                                   compared before each section is read */
    int stale;                  /* the file changed: nothing more is read */
    char *chunk, *lbuf;         /* rdr's buffers for reading a section again, */
    size_t lcap;                /*   made by the first eng_answers_assert */
    ebuf text;                  /* a text answer of several lines, joined */
    uint32_t *lines;            /* where the lines of a section given to */
    size_t nlines;              /*   inih start, and room for how many */
} ans_io;

struct eng_answers {
    eng_engine *e;
    char *path;
    resp *resp; size_t n, cap;  /* respondents in file order */
    char *names;                /* their names, NUL-terminated, one after */
    size_t nnames, capnames;    /*   the other, each followed by its record */
    uint32_t *slots;            /* open addressing on names: index + 1 into */
    size_t nslots;              /*   resp, 0 empty; at most half full */
    unsigned qbits;             /* bits of a question's number in a record */
    ans_io *io;
    /* the sections that are not a respondent's own (a second section of a
     * respondent, one of another kind or with a bad header), in file
     * order: where a respondent's lines end, for eng_answers_owner */
    struct ans_break { int line; uint32_t owner; } *brk;  /* owner: index + 1, or 0 */
    size_t nbrk, capbrk;
    int note_line;              /* the "not shown" note's line, or 0 */
    size_t note_file;           /*   errors of the file itself it counts */
};

#define CHUNK_SIZE 65536        /* bytes per read() of an answers file */

static void rerr(rdr *r, eng_severity sev, int line, int col, int span,
                 const char *src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* A streamed file's raw line LINE (with any CR), if it is at hand: the
 * current line, or a line of the current section.  *N receives its
 * length. */
static const char *stream_line(const rdr *r, int line, size_t *n)
{
    const char *t = NULL;
    if (line == r->line && r->lbuf) {
        *n = r->lraw;
        return r->lbuf;
    }
    if (r->insect && r->s.line == line)
        t = r->s.owntext;
    for (size_t i = 0; !t && i < r->s.nkvs; i++) {
        const kv *k = &r->s.kvs[i];
        for (size_t j = 0; !t && j < k->nsegs; j++)
            if (k->segs[j].line == line)
                t = k->segs[j].text;
    }
    if (t)
        *n = strlen(t);
    return t;
}

/* What fill_sources does for a text read whole, for a streamed one: the
 * diagnostics made from FIRST on without a source line get the line from
 * the file (as it is, up to the newline and at most 1000 bytes), now,
 * while it is still at hand. */
static void stream_sources(rdr *r, size_t first)
{
    eng_engine *e = r->e;
    for (size_t i = first; r->fd >= 0 && i < e->ndiags; i++) {
        eng_diag *d = &e->diags[i];
        size_t n;
        const char *t;
        if (d->source || d->line <= 0 || !(t = stream_line(r, d->line, &n)))
            continue;
        d->source = eng_strndup(e, t, n > 1000 ? 1000 : n);
    }
}

static void rerr(rdr *r, eng_severity sev, int line, int col, int span,
                 const char *src, const char *fmt, ...)
{
    if (r->gaveup)
        return;
    if (r->mode == MODE_REPLAY && !r->report)
        return;     /* reported when the file was first read */
    size_t first = r->e->ndiags;
    int own = r->mode != MODE_KB && (r->insect || r->checking) && r->s.valid;
    if (own && sev == ENG_ERROR)
        r->s.lineerr = 1;
    if (own && r->mode == MODE_REPLAY && r->s.shown < r->want->shown) {
        r->s.shown++;   /* reported when the file was first read: the
                           replay meets the section's problems in order */
        return;
    }
    if (own || (r->ans && r->ans->n)) {
        /* past the first MAX_FILE_ERRORS, counted and not reported */
        if (r->rshown >= (r->mode == MODE_REPLAY ? MAX_NAMED_ERRORS : MAX_FILE_ERRORS)) {
            if (own)
                r->s.hidden = 1;
            if (sev == ENG_ERROR && !r->rhidden++)
                r->rhidden_line = line;
            if (sev == ENG_ERROR && !own)
                r->rhidden_file++;
            return;
        }
        r->rshown += sev == ENG_ERROR;
    } else if (sev == ENG_ERROR && ++r->errors > MAX_FILE_ERRORS) {
        r->gaveup = 1;
        eng_diagf(r->e, ENG_ERROR, r->path, line, 1, 1, NULL,
                  "too many errors in this file (more than %d); is it %s?",
                  MAX_FILE_ERRORS, r->mode == MODE_KB ? "a knowledge-base INI file"
                                                      : "an answers file");
        stream_sources(r, first);
        return;
    }
    if (own && !r->s.hidden)
        r->s.shown++;
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(r->e, sev, r->path, line, col, span, src, fmt, ap);
    va_end(ap);
    stream_sources(r, first);
}

static const char *kv_text(const kv *k, int line)
{
    for (size_t i = 0; i < k->nsegs; i++)
        if (k->segs[i].line == line)
            return k->segs[i].text;
    return k->nsegs ? k->segs[0].text : NULL;
}

static void kv_err(rdr *r, const kv *k, size_t off, int span, const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void kv_err(rdr *r, const kv *k, size_t off, int span, const char *fmt,
                   ...)
{
    srcmap m = {r->path, k->segs, k->nsegs};
    int line, col;
    const char *text;
    eng_srcmap_pos(&m, off, &line, &col, &text);
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rerr(r, ENG_ERROR, line, col, span, text, "%s", msg);
}

#define SPOOL_MIN 4096

static char *spool_str(eng_engine *e, spool *p, const char *t, size_t n)
{
    if (!p->blk || p->size - p->used < n + 1) {
        size_t size = p->size ? p->size * 2 : SPOOL_MIN;
        while (size - sizeof p->blk < n + 1)
            size *= 2;
        char *b = eng_malloc(e, size);
        if (!b)
            return NULL;
        memcpy(b, &p->blk, sizeof p->blk);
        p->blk = b;
        p->size = size;
        p->used = sizeof p->blk;
    }
    char *c = p->blk + p->used;
    memcpy(c, t, n);
    c[n] = '\0';
    p->used += n + 1;
    return c;
}

/* Empties P, keeping its newest block, or with ALL none. */
static void spool_reset(eng_engine *e, spool *p, int all)
{
    if (!p->blk)
        return;
    char *b, *next;
    memcpy(&b, p->blk, sizeof b);
    for (; b; b = next) {
        memcpy(&next, b, sizeof next);
        eng_release(e, b);
    }
    b = NULL;
    memcpy(p->blk, &b, sizeof b);    /* the kept block is now the only one */
    p->used = sizeof b;
    if (all) {
        eng_release(e, p->blk);
        memset(p, 0, sizeof *p);
    }
}

/* A copy of T (N bytes) for section S alone, NUL-terminated; NULL out of
 * memory (e->oom is set). */
static char *sect_strdup(eng_engine *e, const sect *s, const char *t, size_t n)
{
    return s->pool ? spool_str(e, s->pool, t, n) : eng_strndup(e, t, n);
}

/* Frees what a key owns for its section alone (a knowledge base's keys
 * own nothing: no call for them). */
static void kv_drop(eng_engine *e, kv *k)
{
    if (k->ownkey)
        eng_release(e, (void *)k->key);
    if (k->owntext)
        eng_release(e, k->owntext);
    if (k->owntext2)
        eng_release(e, k->owntext2);
}

static void sect_reuse(eng_engine *e, sect *s);

/* Frees the section and every buffer its key slots kept. */
static void sect_clear(eng_engine *e, sect *s)
{
    sect_reuse(e, s);
    for (size_t i = 0; i < s->nkept; i++) {
        ebuf_free(e, &s->kvs[i].val);
        eng_release(e, s->kvs[i].segs);
    }
    eng_release(e, s->kvs);
    memset(s, 0, sizeof *s);
}

/* Empties S for the next section of the file but keeps its key slots with
 * their value and segment buffers: sections have much the same keys, and
 * a directory would otherwise allocate and free each value once. */
static void sect_reuse(eng_engine *e, sect *s)
{
    kv *kvs = s->kvs;
    size_t cap = s->capkvs, kept = s->nkvs > s->nkept ? s->nkvs : s->nkept;
    if (s->pool) {
        spool_reset(e, s->pool, 0);
    } else {
        for (size_t i = 0; i < s->nkvs; i++)
            kv_drop(e, &kvs[i]);
        eng_release(e, s->kind);
        eng_release(e, s->name);
        eng_release(e, s->owntext);
    }
    memset(s, 0, sizeof *s);
    s->kvs = kvs;
    s->capkvs = cap;
    s->nkept = kept;
}

/* The next key slot of S, empty, with the buffers it kept if any. */
static kv *kv_next(sect *s)
{
    kv *k = &s->kvs[s->nkvs];
    if (s->nkvs < s->nkept) {
        ebuf val = k->val;
        seg *segs = k->segs;
        size_t capsegs = k->capsegs;
        memset(k, 0, sizeof *k);
        k->val.p = val.p;
        k->val.cap = val.cap;
        k->segs = segs;
        k->capsegs = capsegs;
    } else {
        memset(k, 0, sizeof *k);
        s->nkept = s->nkvs + 1;
    }
    return k;
}

/* Byte-wise masks of a word of eight ASCII bytes (no high bit set): the
 * high bit of each byte that is a control character (below 0x20, or DEL),
 * and of each equal to X.  No carry crosses bytes, so each is exact. */
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
#define ASCII_CONTROL(w)  ((~((w) + 0x60 * ONES) | ((w) + ONES)) & HIGH)
#define ASCII_EQ(w, x)    (~(((w) ^ (x) * ONES) + 0x7f * ONES) & HIGH)
#define ASCII_TAB_CR(w)   (ASCII_EQ(w, '\t') | ASCII_EQ(w, '\r'))

/* The offset of the first byte of a knowledge base's text S (N bytes)
 * that is no UTF-8 or is a control character but tab, LF and CR (the line
 * reader's): a C0 control, DEL, or a C1 control U+0080..U+009F.  -1 when
 * there is none.  Sixteen bytes at a time while they are ASCII: a line's
 * end costs a few masks, not a byte-wise look. */
static long text_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (n - i >= 16) {
            uint64_t w[2];
            memcpy(w, s + i, 16);
            if (!((w[0] | w[1]) & HIGH)) {
                /* most blocks hold nothing, most others a line's end */
                uint64_t c0 = ASCII_CONTROL(w[0]), c1 = ASCII_CONTROL(w[1]);
                if (c0 | c1) {
                    c0 &= ~ASCII_EQ(w[0], '\n');
                    c1 &= ~ASCII_EQ(w[1], '\n');
                }
                if (!(c0 | c1) ||
                    !((c0 & ~ASCII_TAB_CR(w[0])) | (c1 & ~ASCII_TAB_CR(w[1])))) {
                    i += 16;
                    continue;
                }
            }
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return (long)i;
            i++;
            continue;
        }
        long bad = eng_utf8_bad(s + i, n - i < 4 ? n - i : 4);
        if (bad == 0 || (c == 0xc2 && s[i + 1] < 0xa0))
            return (long)i;     /* no UTF-8, or a C1 control */
        i += c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    }
    return -1;
}

#undef ASCII_TAB_CR
#undef ASCII_EQ
#undef ASCII_CONTROL
#undef HIGH
#undef ONES

/* Whether S (N bytes) is a symbol: a letter or '_' first, then letters,
 * digits, _ . : - (bytes from 0x80 count as letters, but for a C1
 * control); or a digit first, when the word is not a number (the
 * extension that makes option values such as 2_to_8 symbols). */
static int is_symbol(const char *s, size_t n)
{
    if (n && s[0] >= '0' && s[0] <= '9') {
        eng_value num;
        if (!eng_parse_number(s, n, &num))
            return 0;
        for (size_t i = 1; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (c >= 0x80 && !eng_c1_at((const unsigned char *)s, i, n)) ||
                  (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-'))
                return 0;
        }
        return 1;
    }
    /* the lexer's classes of bytes, by table */
    return n && eng_symbol_len(s, n) == n;
}

/* ------------------------------------------------------------ kinds */

static const char *const builtin_kinds[] = {"rule", "question", "facts", "test"};

/* A section's kind, by number: one of builtin_kinds (its index + 1), or
 * KIND_OTHER (a catalogue kind, or not a kind at all). */
enum { KIND_OTHER, KIND_RULE, KIND_QUESTION, KIND_FACTS, KIND_TEST };

static int kind_id(const char *kind)
{
    for (int i = 0; i < 4; i++)
        if (kind[0] == builtin_kinds[i][0] && !strcmp(kind, builtin_kinds[i]))
            return i + 1;
    return KIND_OTHER;
}

/* The keys of rule, question and facts sections, by number: a knowledge
 * base's key gets its number once, when it is interned (see handler),
 * and the sections compare numbers, where they compared names a few
 * hundred thousand times loading a big knowledge base. */
enum {
    KEY_OTHER, KEY_WHEN, KEY_THEN, KEY_SALIENCE, KEY_BECAUSE, KEY_GROUP,
    KEY_TEXT, KEY_HELP, KEY_TYPE, KEY_OPTION, KEY_PATTERN, KEY_MIN, KEY_MAX,
    KEY_ASK_IF, KEY_FACT, KEY_INTEGER
};
static const char *const key_names[] = {
    "", "when", "then", "salience", "because", "group",
    "text", "help", "type", "option", "pattern", "min", "max",
    "ask_if", "fact", "integer"
};
#define KEYBIT(id) (1u << (id))

static int key_id(const char *name, size_t n)
{
    for (int i = 1; i < (int)(sizeof key_names / sizeof *key_names); i++)
        if (key_names[i][0] == name[0] && !strncmp(key_names[i], name, n) &&
            !key_names[i][n])
            return i;
    return KEY_OTHER;
}

static void unknown_key(rdr *r, const kv *k, const char *kind,
                        const char *const *keys, size_t n)
{
    const char *dym = eng_did_you_mean(k->key, keys, n);
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, i ? (i + 1 == n ? " or " : ", ") : "", sizeof list - strlen(list) - 1);
        strncat(list, keys[i], sizeof list - strlen(list) - 1);
    }
    int col = k->col;
    const char *text = kv_text(k, k->line);
    /* point at the key, which starts the line */
    if (text) {
        col = 1;
        while (text[col - 1] == ' ' || text[col - 1] == '\t')
            col++;
    }
    if (dym)
        rerr(r, ENG_ERROR, k->line, col, (int)strlen(k->key), text,
             "unknown key '%s' in a %s section (did you mean '%s'?)", k->key,
             kind, dym);
    else
        rerr(r, ENG_ERROR, k->line, col, (int)strlen(k->key), text,
             "unknown key '%s' in a %s section (expected %s)", k->key, kind, list);
}

/* The key KID of S when it is given once (*OUT, or NULL when it is not
 * given): 0; -1 after reporting it given twice. */
static int single(rdr *r, sect *s, int kid, kv **out)
{
    const char *key = key_names[kid];
    *out = NULL;
    for (size_t i = 0; i < s->nkvs; i++)
        if (s->kvs[i].kid == kid) {
            if (*out) {
                rerr(r, ENG_ERROR, s->kvs[i].line, 1, (int)strlen(key),
                     kv_text(&s->kvs[i], s->kvs[i].line),
                     "'%s' is given twice (first at line %d); continue a long value on an indented line",
                     key, (*out)->line);
                return -1;
            }
            *out = &s->kvs[i];
        }
    return 0;
}

/* Where a name was first defined, for "first defined at PATH:LINE" (the
 * path is the engine's copy, shared by the file's sections). */
typedef struct where {
    const char *path;
    int line;
} where;

static where *where_at(eng_engine *e, const char *path, int line)
{
    where *w = eng_arena(e, sizeof *w);
    if (w) {
        w->path = path;
        w->line = line;
    }
    return w;
}

static int dup_name(rdr *r, smap *names, sect *s, const char *what)
{
    const where *prev = smap_get(names, s->name, strlen(s->name));
    if (prev) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "duplicate %s '%s' (first defined at %s:%d)", what, s->name, prev->path,
             prev->line);
        return 1;
    }
    where *w = where_at(r->e, r->path, s->line);
    if (!w || smap_put(r->e, names, s->name, strlen(s->name), w))
        return -1;
    return 0;
}

static level *level_get(eng_engine *e, int sal)
{
    size_t i = 0;
    for (; i < e->levels.n; i++) {
        level *lv = e->levels.v[i];
        if (lv->salience == sal)
            return lv;
        if (lv->salience < sal)
            break;
    }
    level *lv = eng_arena(e, sizeof *lv);
    if (!lv || pvec_push(e, &e->levels, NULL))
        return NULL;
    memmove(&e->levels.v[i + 1], &e->levels.v[i],
            (e->levels.n - 1 - i) * sizeof *e->levels.v);
    lv->salience = sal;
    e->levels.v[i] = lv;
    for (; i < e->levels.n; i++)
        ((level *)e->levels.v[i])->idx = (uint32_t)i;
    return lv;
}

static void do_rule(rdr *r, sect *s)
{
    static const char *const keys[] = {"when", "then", "salience", "because"};
    eng_engine *e = r->e;
    eng_rule *rule = eng_arena_line(e, sizeof *rule);
    if (!rule)
        return;
    rule->name = eng_arena_str(e, s->name, strlen(s->name));
    rule->path = r->path;
    rule->line = s->line;
    rule->col = s->namecol;
    int dup = dup_name(r, &e->rule_names, s, "rule");
    if (dup < 0)
        return;
    size_t nwhen = 0, nthen = 0;
    int bad = 0;
    const unsigned known = KEYBIT(KEY_WHEN) | KEYBIT(KEY_THEN) | KEYBIT(KEY_SALIENCE) |
                           KEYBIT(KEY_BECAUSE);
    for (size_t i = 0; i < s->nkvs; i++) {
        if (!(KEYBIT(s->kvs[i].kid) & known)) {
            unknown_key(r, &s->kvs[i], "rule", keys, 4);
            bad = 1;
        }
        nwhen += s->kvs[i].kid == KEY_WHEN;
        nthen += s->kvs[i].kid == KEY_THEN;
    }
    kv *sal, *bec;
    /* both are looked up (not ||): each sets its pointer, errors or not */
    if (single(r, s, KEY_SALIENCE, &sal) | single(r, s, KEY_BECAUSE, &bec))
        bad = 1;
    if (sal) {
        eng_value v;
        const char *t = sal->val.p ? sal->val.p : "";
        if (eng_parse_number(t, strlen(t), &v) || v.type != ENG_INT) {
            kv_err(r, sal, 0, (int)sal->val.len,
                   "salience must be a whole number from %d to %d, found '%s'",
                   -ENG_MAX_SALIENCE, ENG_MAX_SALIENCE, t);
            bad = 1;
        } else if (v.u.i < -ENG_MAX_SALIENCE || v.u.i > ENG_MAX_SALIENCE) {
            kv_err(r, sal, 0, (int)sal->val.len,
                   "salience %lld is out of range (expected %d to %d)",
                   (long long)v.u.i, -ENG_MAX_SALIENCE, ENG_MAX_SALIENCE);
            bad = 1;
        } else {
            rule->salience = (int)v.u.i;
        }
    }
    if (!nthen) {
        /* (not said when the then line was lost to an error of its own) */
        if (!s->lineerr)
            rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
                 "rule '%s' has no 'then' line: what should it do when it fires?",
                 s->name);
        bad = 1;
    }
    pce **ces = eng_calloc(e, (nwhen + 1) * sizeof *ces);
    pact **acts = eng_calloc(e, (nthen + 1) * sizeof *acts);
    size_t nc = 0, na = 0;
    int cebad = 0;
    if (!ces || !acts)
        goto done;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        srcmap m = {r->path, k->segs, k->nsegs};
        const char *t = k->val.p ? k->val.p : "";
        if (k->kid == KEY_WHEN) {
            pce *c = eng_parse_ce(e, &m, t, k->val.len);
            if (c) ces[nc++] = c; else bad = cebad = 1;
        } else if (k->kid == KEY_THEN) {
            pact *a = eng_parse_action(e, &m, t, k->val.len);
            if (a) acts[na++] = a; else bad = 1;
        }
    }
    if (cebad)
        goto done;
    /* with other errors, still check variables to report all in one pass,
     * but build nothing */
    int check_only = bad || dup;
    if (!check_only && !(rule->lvl = level_get(e, rule->salience)))
        goto done;
    srcmap bm = {r->path, bec ? bec->segs : NULL, bec ? bec->nsegs : 0};
    int rc = eng_compile_rule(e, rule, ces, nc, &bm,
                              bec ? (bec->val.p ? bec->val.p : "") : NULL,
                              bec ? bec->val.len : 0, acts, na, check_only);
    if (rc == ENG_OK && !check_only) {
        rule->index = e->rules.n;
        pvec_push(e, &e->rules, rule);
    }
done:
    eng_release(e, ces);
    eng_release(e, acts);
}

static const char *const qtypes[] = {"one", "many", "number", "yesno", "text"};

static regex *compile_pattern(rdr *r, kv *k)
{
    eng_engine *e = r->e;
    int err;
    PCRE2_SIZE eoff;
    const char *t = k->val.p ? k->val.p : "";
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)t, k->val.len, 0, &err, &eoff,
                                     e->cctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (err == PCRE2_ERROR_HEAP_FAILED) {
            e->oom = 1;
            return NULL;
        }
        pcre2_get_error_message(err, msg, sizeof msg);
        kv_err(r, k, eoff, 1, "invalid regular expression: %s", (char *)msg);
        return NULL;
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    regex *re = eng_arena(e, sizeof *re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, e->gctx);
    if (!re || !md || pvec_push(e, &e->regexes, re)) {
        pcre2_code_free(code);
        pcre2_match_data_free(md);
        e->oom = 1;
        return NULL;
    }
    re->code = code;
    re->md = md;
    re->src = eng_arena_str(e, t, k->val.len);
    re->path = r->path;
    re->line = k->line;
    re->col = k->col;
    return re;
}

static void do_question(rdr *r, sect *s)
{
    static const char *const keys[] = {"group", "text", "help", "type", "option",
                                       "pattern", "min", "max", "integer", "ask_if"};
    eng_engine *e = r->e;
    eng_question *q = eng_arena(e, sizeof *q);
    if (!q)
        return;
    int dup = dup_name(r, &e->question_names, s, "question");
    if (dup < 0)
        return;
    int bad = dup;
    q->id = eng_arena_str(e, s->name, strlen(s->name));
    q->path = r->path;
    q->line = s->line;
    q->group = q->help = "";
    if (!q->id || eng_intern_sym(e, q->id, &q->idv))
        return;
    size_t nopts = 0, nask = 0;
    const unsigned known = KEYBIT(KEY_GROUP) | KEYBIT(KEY_TEXT) | KEYBIT(KEY_HELP) |
                           KEYBIT(KEY_TYPE) | KEYBIT(KEY_OPTION) | KEYBIT(KEY_PATTERN) |
                           KEYBIT(KEY_MIN) | KEYBIT(KEY_MAX) | KEYBIT(KEY_INTEGER) |
                           KEYBIT(KEY_ASK_IF);
    for (size_t i = 0; i < s->nkvs; i++) {
        if (!(KEYBIT(s->kvs[i].kid) & known)) {
            unknown_key(r, &s->kvs[i], "question", keys, 10);
            bad = 1;
        }
        nopts += s->kvs[i].kid == KEY_OPTION;
        nask += s->kvs[i].kid == KEY_ASK_IF;
    }
    kv *group, *text, *help, *type, *pattern, *min, *max, *integer;
    if (single(r, s, KEY_GROUP, &group) | single(r, s, KEY_TEXT, &text) |
        single(r, s, KEY_HELP, &help) | single(r, s, KEY_TYPE, &type) |
        single(r, s, KEY_PATTERN, &pattern) | single(r, s, KEY_MIN, &min) |
        single(r, s, KEY_MAX, &max) | single(r, s, KEY_INTEGER, &integer))
        bad = 1;
    if (group) q->group = eng_arena_str(e, group->val.p ? group->val.p : "", group->val.len);
    if (help) q->help = eng_arena_str(e, help->val.p ? help->val.p : "", help->val.len);
    if (text) {
        q->text = eng_arena_str(e, text->val.p ? text->val.p : "", text->val.len);
    } else {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' has no 'text': what should the respondent be asked?",
             s->name);
        bad = 1;
    }
    int qt = -1;
    if (!type) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' has no 'type' (expected one, many, number, yesno or text)",
             s->name);
        bad = 1;
    } else {
        for (int i = 0; i < 5; i++)
            if (type->val.p && !strcmp(type->val.p, qtypes[i]))
                qt = i;
        if (qt < 0) {
            const char *dym = eng_did_you_mean(type->val.p ? type->val.p : "", qtypes, 5);
            kv_err(r, type, 0, (int)type->val.len,
                   "unknown question type '%s' (%s%s%s)", type->val.p ? type->val.p : "",
                   dym ? "did you mean '" : "expected one, many, number, yesno or text",
                   dym ? dym : "", dym ? "'?" : "");
            bad = 1;
        }
    }
    q->type = qt < 0 ? ENG_Q_TEXT : (eng_qtype)qt;
    q->opts = eng_arena(e, (nopts + 1) * sizeof *q->opts);
    if (!q->opts)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (k->kid != KEY_OPTION)
            continue;
        if (qt >= 0 && qt != ENG_Q_ONE && qt != ENG_Q_MANY) {
            kv_err(r, k, 0, (int)k->val.len,
                   "'option' belongs to questions of type one or many, not %s",
                   qtypes[qt]);
            bad = 1;
            continue;
        }
        const char *t = k->val.p ? k->val.p : "";
        /* the ':' before the label is the first one with a blank beside
         * it or at the end: symbols may hold ':', so `iso:27001` is a
         * value without a label and `iso:27001 : ISO 27001` one with */
        const char *colon = t;
        while ((colon = strchr(colon, ':')) &&
               !(colon > t && (colon[-1] == ' ' || colon[-1] == '\t')) &&
               colon[1] != ' ' && colon[1] != '\t' && colon[1])
            colon++;
        size_t vl = colon ? (size_t)(colon - t) : strlen(t);
        while (vl && (t[vl - 1] == ' ' || t[vl - 1] == '\t'))
            vl--;
        char *val = eng_arena_str(e, t, vl);
        if (!val)
            return;
        if (!vl || !is_symbol(val, vl)) {
            kv_err(r, k, 0, (int)(vl ? vl : 1),
                   "expected 'VALUE : Label' with VALUE a symbol (a letter or '_', then letters, digits, _ . : -), found '%s'",
                   val);
            bad = 1;
            continue;
        }
        for (size_t j = 0; j < q->nopts; j++)
            if (!strcmp(q->opts[j].value, val)) {
                kv_err(r, k, 0, (int)vl, "option '%s' is listed twice", val);
                bad = 1;
            }
        const char *label = colon ? colon + 1 : val;
        while (*label == ' ' || *label == '\t')
            label++;
        q->opts[q->nopts].value = val;
        q->opts[q->nopts].len = vl;
        q->opts[q->nopts++].label = eng_arena_str(e, *label ? label : val,
                                                  strlen(*label ? label : val));
    }
    if ((qt == ENG_Q_ONE || qt == ENG_Q_MANY) && !q->nopts) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "question '%s' of type %s needs at least one 'option = VALUE : Label'",
             s->name, qtypes[qt]);
        bad = 1;
    }
    kv *bounds[2] = {min, max};
    for (int i = 0; i < 2; i++) {
        kv *k = bounds[i];
        if (!k)
            continue;
        eng_value v;
        const char *t = k->val.p ? k->val.p : "";
        if (qt >= 0 && qt != ENG_Q_NUMBER) {
            kv_err(r, k, 0, (int)k->val.len,
                   "'%s' belongs to questions of type number, not %s", k->key, qtypes[qt]);
            bad = 1;
        } else if (eng_parse_number(t, strlen(t), &v)) {
            kv_err(r, k, 0, (int)k->val.len, "'%s' must be a number, found '%s'",
                   k->key, t);
            bad = 1;
        } else if (i == 0) {
            q->has_min = 1;
            q->min = eng_num_d(v);
        } else {
            q->has_max = 1;
            q->max = eng_num_d(v);
        }
    }
    if (q->has_min && q->has_max && q->min > q->max) {
        kv_err(r, max, 0, (int)max->val.len, "'max' is below 'min' (%g > %g)",
               q->min, q->max);
        bad = 1;
    }
    if (integer) {
        const char *t = integer->val.p ? integer->val.p : "";
        if (qt >= 0 && qt != ENG_Q_NUMBER) {
            kv_err(r, integer, 0, (int)integer->val.len,
                   "'integer' belongs to questions of type number, not %s", qtypes[qt]);
            bad = 1;
        } else if (!strcmp(t, "yes") || !strcmp(t, "no")) {
            q->integer = t[0] == 'y';
        } else {
            kv_err(r, integer, 0, (int)(integer->val.len ? integer->val.len : 1),
                   "'integer' takes yes (whole numbers only) or no, found '%s'", t);
            bad = 1;
        }
    }
    if (pattern) {
        if (qt >= 0 && qt != ENG_Q_TEXT) {
            kv_err(r, pattern, 0, (int)pattern->val.len,
                   "'pattern' belongs to questions of type text, not %s", qtypes[qt]);
            bad = 1;
        } else if (!(q->pattern = compile_pattern(r, pattern))) {
            bad = 1;
        }
    }
    pce **ces = eng_calloc(e, (nask + 1) * sizeof *ces);
    size_t nc = 0;
    if (!ces)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (k->kid != KEY_ASK_IF)
            continue;
        srcmap m = {r->path, k->segs, k->nsegs};
        pce *c = eng_parse_ce(e, &m, k->val.p ? k->val.p : "", k->val.len);
        if (c) ces[nc++] = c; else bad = 1;
    }
    if (!bad && nc && eng_compile_query(e, q, ces, nc) != ENG_OK)
        bad = 1;
    eng_release(e, ces);
    if (!bad) {
        q->index = e->questions.n;
        if (pvec_push(e, &e->questions, q) ||
            smap_put(e, &e->question_ids, q->id, strlen(q->id), q))
            e->oom = 1;
    }
}

static void do_facts(rdr *r, sect *s)
{
    static const char *const keys[] = {"fact"};
    eng_engine *e = r->e;
    if (dup_name(r, &e->fact_names, s, "facts section"))
        return;
    eng_value vals[ENG_MAX_ARITY];
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        if (k->kid != KEY_FACT) {
            unknown_key(r, k, "facts", keys, 1);
            continue;
        }
        srcmap m = {r->path, k->segs, k->nsegs};
        long n = eng_parse_fact(e, &m, k->val.p ? k->val.p : "", k->val.len, vals,
                                ENG_MAX_ARITY);
        if (n < 1) {
            if (n == 0)
                kv_err(r, k, 0, 1, "empty fact: expected a relation name and its values");
            continue;
        }
        rfact *rf = eng_arena(e, sizeof *rf);
        if (!rf || !(rf->v = eng_arena(e, (size_t)n * sizeof *vals)))
            return;
        memcpy(rf->v, vals, (size_t)n * sizeof *vals);
        rf->n = (size_t)n;
        rf->path = r->path;
        rf->line = k->line;
        pvec_push(e, &e->rfacts, rf);
    }
}

/* A test's answers are checked once all questions are known: kept raw. */
typedef struct rawtest {
    eng_test *t;
    sect s;
} rawtest;

static void do_test(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    if (dup_name(r, &e->test_names, s, "test"))
        return;
    eng_test *t = eng_arena(e, sizeof *t);
    rawtest *rt = eng_calloc(e, sizeof *rt);
    if (!t || !rt) {
        eng_release(e, rt);
        return;
    }
    t->name = eng_arena_str(e, s->name, strlen(s->name));
    t->path = r->path;
    t->line = s->line;
    rt->t = t;
    rt->s = *s;             /* takes over the section's memory */
    memset(s, 0, sizeof *s);
    /* but for the strings in the reader's pool, which the next section
     * reuses: check_tests needs its keys (interned) and values, not its
     * kind and name */
    rt->s.pool = NULL;
    rt->s.kind = rt->s.name = NULL;
    /* its answers are checked after the whole directory is read, when the
     * file's text is gone: keep copies of the lines for the diagnostics */
    for (size_t i = 0; i < rt->s.nkvs; i++)
        for (size_t j = 0; j < rt->s.kvs[i].nsegs; j++) {
            seg *sg = &rt->s.kvs[i].segs[j];
            if (sg->text)
                sg->text = eng_arena_str(e, sg->text, strcspn(sg->text, "\r\n"));
        }
    if (pvec_push(e, &e->pending_tests, rt)) {
        sect_clear(e, &rt->s);
        eng_release(e, rt);
    }
}

static void do_entry(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    char buf[300];
    size_t kl = strlen(s->kind), nl = strlen(s->name);
    /* a long name's key goes in the scratch arena (rewound with the
     * section) */
    char *key = kl + 1 + nl < sizeof buf ? buf : eng_scratch_alloc(e, kl + nl + 2);
    if (!key)
        return;
    memcpy(key, s->kind, kl);
    key[kl] = ' ';
    memcpy(key + kl + 1, s->name, nl + 1);
    const where *prev = smap_get(&e->entry_names, key, kl + 1 + nl);
    if (prev) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "duplicate %s '%s' (first defined at %s:%d)", s->kind, s->name, prev->path,
             prev->line);
        return;
    }
    where *w = where_at(e, r->path, s->line);
    eng_entry *en = eng_arena(e, sizeof *en);
    if (!w || !en || smap_put(e, &e->entry_names, key, kl + 1 + nl, w))
        return;
    en->kind = eng_arena_str(e, s->kind, strlen(s->kind));
    en->name = eng_arena_str(e, s->name, strlen(s->name));
    en->path = r->path;
    en->line = s->line;
    eng_field *f = eng_arena(e, (s->nkvs + 1) * sizeof *f);
    if (!f)
        return;
    for (size_t i = 0; i < s->nkvs; i++) {
        f[i].key = s->kvs[i].key;
        f[i].value = eng_arena_str(e, s->kvs[i].val.p ? s->kvs[i].val.p : "",
                                   s->kvs[i].val.len);
        f[i].line = s->kvs[i].line;
        f[i].col = s->kvs[i].col;
        /* the value's lines, for placing a part of it */
        const kv *k = &s->kvs[i];
        eng_span *sp = k->nsegs ? eng_arena(e, k->nsegs * sizeof *sp) : NULL;
        size_t n = 0;
        for (size_t j = 0; sp && j < k->nsegs; j++) {
            if (n && sp[n - 1].off == k->segs[j].off)
                n--;        /* a line that added nothing: the key's own */
            sp[n].off = k->segs[j].off;
            sp[n].line = k->segs[j].line;
            sp[n].col = k->segs[j].col;
            n++;
        }
        f[i].spans = sp;
        f[i].nspans = n;
    }
    en->fields = f;
    en->nfields = s->nkvs;
    pvec_push(e, &e->entries, en);
}

void eng_field_where(const eng_field *f, size_t off, int *line, int *col)
{
    *line = f->line;
    *col = f->col;
    for (size_t i = 0; i < f->nspans && f->spans[i].off <= off; i++) {
        *line = f->spans[i].line;
        *col = f->spans[i].col + (int)(off - f->spans[i].off);
    }
}

static void do_answers(rdr *r, sect *s);
static void do_replay(rdr *r, sect *s);
static void ans_break(rdr *r, int line, uint32_t owner);

static void sect_finish(rdr *r)
{
    sect *s = &r->s;
    if (!r->insect)
        return;
    r->insect = 0;
    /* an empty [answers] section is a respondent who knows no answer */
    if (s->valid && !s->nkvs && !s->lineerr && s->bkind != KIND_RULE &&
        s->bkind != KIND_QUESTION && r->mode == MODE_KB)
        rerr(r, ENG_WARNING, s->line, 1, 1, s->text,
             "empty section [%s %s]: it has no keys, so it does nothing",
             s->kind, s->name);
    /* a section the reading gave up in lost the lines after that: it is
     * no respondent's */
    if (r->mode == MODE_ANSWERS && r->gaveup)
        s->valid = 0;
    if (r->mode == MODE_ANSWERS && !s->valid)
        ans_break(r, s->line, 0);
    if (s->valid && !r->e->oom) {
        /* the section's parse trees are compiled by the time it is done */
        eng_scratch_mark mark = eng_scratch_get(r->e);
        if (r->mode == MODE_ANSWERS) {
            do_answers(r, s);
        } else if (r->mode == MODE_REPLAY) {
            do_replay(r, s);
        } else if (s->bkind == KIND_RULE) {
            do_rule(r, s);
        } else if (s->bkind == KIND_QUESTION) {
            do_question(r, s);
        } else if (s->bkind == KIND_FACTS) {
            do_facts(r, s);
        } else if (s->bkind == KIND_TEST) {
            do_test(r, s);
        } else {
            do_entry(r, s);
        }
        eng_scratch_rewind(r->e, mark);
    }
    sect_reuse(r->e, s);
}

/* Starts a section from a header line; returns 0 if it is valid. */
static void sect_start(rdr *r, const char *line, size_t len, size_t lead)
{
    eng_engine *e = r->e;
    sect_finish(r);
    sect *s = &r->s;
    sect_reuse(e, s);
    r->insect = 1;
    r->passover = 0;
    r->haskey = 0;
    /* sections come and go, one at a time: their strings are given back
     * together (a [test] section that is kept takes copies, see do_test) */
    s->pool = &r->pool;
    s->line = r->line;
    s->text = line;
    if (r->mode == MODE_REPLAY && !r->report) {
        s->text = "";   /* read again quietly: no diagnostic shows it */
    } else if (r->fd >= 0) {
        /* the line buffer is reused: the section keeps a copy */
        s->owntext = sect_strdup(e, s, line, r->lraw);
        s->text = s->owntext ? s->owntext : "";
        if (!s->owntext)
            e->oom = 1;
    }
    s->col = (int)lead + 1;
    const char *close = memchr(line, ']', len);
    if (!close) {
        rerr(r, ENG_ERROR, r->line, (int)len + 1, 1, line,
             "expected ']' to close the section header");
        return;
    }
    for (const char *p = close + 1; p < line + len; p++)
        if (*p != ' ' && *p != '\t') {
            rerr(r, ENG_ERROR, r->line, (int)(p - line) + 1, 1, line,
                 "unexpected text after ']' (comments go on lines of their own)");
            return;
        }
    /* words inside the brackets */
    const char *p = line + lead + 1;
    const char *w[3];
    size_t wl[3];
    int nw = 0;
    while (p < close) {
        while (p < close && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= close)
            break;
        const char *st = p;
        while (p < close && *p != ' ' && *p != '\t')
            p++;
        if (nw < 3) {
            w[nw] = st;
            wl[nw] = (size_t)(p - st);
        }
        nw++;
    }
    if (nw == 0) {
        rerr(r, ENG_ERROR, r->line, s->col, 2, line,
             "empty section header: expected '[KIND NAME]', e.g. '[rule arena.many-partners]'");
        return;
    }
    s->kind = sect_strdup(e, s, w[0], wl[0]);
    if (!s->kind)
        return;
    int kcol = (int)(w[0] - line) + 1;
    if (nw == 1) {
        rerr(r, ENG_ERROR, r->line, (int)(close - line) + 1, 1, line,
             "expected a name after '%s' in the section header, e.g. '[%s NAME]'",
             s->kind, s->kind);
        return;
    }
    if (nw > 2) {
        rerr(r, ENG_ERROR, r->line, (int)(w[2] - line) + 1, (int)wl[2], line,
             "expected '[KIND NAME]'; a name cannot contain blanks");
        return;
    }
    s->name = sect_strdup(e, s, w[1], wl[1]);
    if (!s->name)
        return;
    s->namecol = (int)(w[1] - line) + 1;
    if (!is_symbol(s->kind, wl[0])) {
        rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
             "invalid section kind '%s': expected a word such as rule, question, facts or test",
             s->kind);
        return;
    }
    if (!is_symbol(s->name, wl[1])) {
        rerr(r, ENG_ERROR, r->line, s->namecol, (int)wl[1], line,
             "invalid name '%s': a name starts with a letter or '_', then letters, digits, _ . : -",
             s->name);
        return;
    }
    if (r->mode != MODE_KB) {
        if (strcmp(s->kind, "answers")) {
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' in an answers file (expected '[answers NAME]')",
                 s->kind);
            return;
        }
    } else if ((s->bkind = kind_id(s->kind)) == KIND_OTHER &&
               !smap_get(&e->kinds, s->kind, strlen(s->kind))) {
        const char *cands[64];
        size_t nc = 0;
        for (int i = 0; i < 4; i++)
            cands[nc++] = builtin_kinds[i];
        char list[512] = "rule, question, facts, test";
        for (size_t i = 0; i < e->kindlist.n && nc < 64; i++) {
            cands[nc++] = e->kindlist.v[i];
            strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, e->kindlist.v[i], sizeof list - strlen(list) - 1);
        }
        const char *dym = eng_did_you_mean(s->kind, cands, nc);
        if (!strcmp(s->kind, "answers"))
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "[answers ...] sections belong in an answers file, not in the knowledge base");
        else if (dym)
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' (did you mean '%s'?)", s->kind, dym);
        else
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "unknown section kind '%s' (expected %s)", s->kind, list);
        return;
    }
    if (r->mode == MODE_KB && e->cfg.skip_tests && s->bkind == KIND_TEST) {
        r->passover = 1;        /* not valid: its keys go nowhere */
        return;
    }
    if (r->mode == MODE_KB && e->tests_only && (s->bkind != KIND_TEST || e->tests_only == 2)) {
        /* a copy of a whole knowledge base, say: reported once, and read
         * no further, rather than a duplicate at each of its sections */
        if (e->tests_only == 1)
            rerr(r, ENG_ERROR, r->line, kcol, (int)wl[0], line,
                 "[%s %s] is not a scenario: a file or directory of scenarios adds only "
                 "[test] sections to the knowledge base, so the rest of '%s' is not read",
                 s->kind, s->name, e->tests_path);
        e->tests_only = 2;
        r->passover = 1;
        return;
    }
    s->valid = 1;
}

static int looks_like_key(const char *s, size_t n)
{
    size_t i = 0;
    if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
        return 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.'))
        i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < n && s[i] == '=' && (i + 1 >= n || s[i + 1] != '=');
}

/* A header line that cannot be read still ends the section before it, so
 * that the keys after it are not blamed on the wrong section. */
static void skip_header(rdr *r, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] == '[') {
        sect_finish(r);
        sect_reuse(r->e, &r->s);
        r->insect = 1;
        r->haskey = 0;
    }
}

static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

/* The hash H of the lines so far, with line S of N bytes after them, for
 * noticing a file that changed: eight bytes at a time, every step a
 * bijection of the state, so that two lines of the same length that
 * differ never give the same hash.  TAG is mixed in with the length. */
static uint64_t line_hash(uint64_t h, const char *s, size_t n, unsigned tag)
{
    h = hash_step(h, ((uint64_t)n << 1) | tag);
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = hash_step(h, w);
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = hash_step(h, w);
    }
    return h;
}
#define HASH_INIT 0xcbf29ce484222325ull

/* The next line of a streamed file into r->lbuf (its first lcap - 1 raw
 * bytes; the rest of a longer line is counted, not kept).  1 and *LEN
 * (without newline and CR: the whole length, even where lbuf holds less),
 * or 0 at the end of the file (in MODE_REPLAY: at r->stop) or on a read
 * error (r->ioerr). */
static int stream_next(rdr *r, size_t *len)
{
    size_t raw = 0, kept = 0;
    char last = 0;
    int any = 0, nl = 0;
    while (!nl) {
        if (r->cpos == r->clen) {
            size_t want = r->chunkcap;
            if (r->mode == MODE_REPLAY) {
                /* no further than the section: a section is often much
                 * shorter than a chunk */
                uint64_t left = r->stop > r->fpos ? r->stop - r->fpos : 0;
                if (left < want)
                    want = (size_t)left;
            }
            ssize_t got = 0;
            if (want) {
                do
                    got = pread(r->fd, r->chunk, want, (off_t)r->fpos);
                while (got < 0 && errno == EINTR);
            }
            if (got < 0) {
                r->ioerr = errno ? errno : EIO;
                return 0;
            }
            if (got == 0)
                break;
            r->fpos += (uint64_t)got;
            r->cpos = 0;
            r->clen = (size_t)got;
        }
        any = 1;
        const char *p = r->chunk + r->cpos;
        size_t avail = r->clen - r->cpos;
        const char *eol = memchr(p, '\n', avail);
        size_t n = eol ? (size_t)(eol - p) : avail;
        if (kept + 1 < r->lcap) {
            size_t k = n < r->lcap - 1 - kept ? n : r->lcap - 1 - kept;
            memcpy(r->lbuf + kept, p, k);
            kept += k;
        }
        if (n)
            last = p[n - 1];
        raw += n;
        r->cpos += n + (eol != NULL);
        nl = eol != NULL;
    }
    if (!any)
        return 0;
    r->lineoff = r->nextoff;
    r->nextoff += raw + (uint64_t)nl;
    r->lbuf[kept] = '\0';
    r->lraw = kept;
    /* the NUL check ran on the whole file before: one now means it changed */
    if (memchr(r->lbuf, '\0', kept)) {
        r->ioerr = -1;
        return 0;
    }
    *len = raw - (raw && last == '\r');
    return 1;
}

/* The next line: 1 and *LINE (raw: not NUL-terminated in a whole text;
 * for a streamed one, only its first r->lraw bytes are there), *LEN
 * without newline and CR; 0 at the end. */
static int next_line(rdr *r, const char **line, size_t *len)
{
    if (r->fd < 0) {
        if (r->pos >= r->len)
            return 0;
        const char *l = r->buf + r->pos;
        const char *nl = memchr(l, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - l) : r->len - r->pos;
        r->lineoff = r->pos;
        r->pos += n + (nl != NULL);
        r->nextoff = r->pos;
        if (n && l[n - 1] == '\r')
            n--;
        *line = l;
        *len = n;
        return 1;
    }
    if (r->line == INT_MAX) {
        rerr(r, ENG_ERROR, r->line, 0, 1, NULL,
             "the file has more than %d lines: split it into smaller files", INT_MAX);
        return 0;
    }
    if (!stream_next(r, len))
        return 0;
    *line = r->lbuf;
    return 1;
}

/* Notes a line given to inih as part of the current section (see soff). */
static void sect_line(rdr *r, const char *line, size_t len)
{
    if (r->fd < 0)
        return;
    r->shash = line_hash(r->shash, line, len, 0);
    r->send = r->nextoff;
    r->sgiven++;
    r->sskip_send = r->sskip;
}

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');     /* isspace in C */
}

/* Whether the key line LINE, split at EQOFF, goes to inih as it is: when
 * its key holds ';' or '#' (an inline comment, were they allowed), or it
 * starts with a blank that is not one for the reader (a vertical tab, a
 * form feed), which inih takes as the start of a continuation. */
static int key_as_is(const char *line, size_t eqoff)
{
    return (is_space(line[0]) && line[0] != ' ' && line[0] != '\t') ||
           memchr(line, ';', eqoff) || memchr(line, '#', eqoff);
}

/* A key line (LINE, its '=' or ':' at r->eqoff) whose key inih is given
 * as "k", so that it does not scan it and splits the line where the
 * reader did (inih would split at the first '=' or ':', and keys may hold
 * ':'): 1 and r->key, r->keylen and r->shift set, or 0 for a line that
 * goes as it is (see key_as_is).  inih calls the handler with the key
 * stripped of blanks (as isspace sees them), and the value from the same
 * bytes of the line.  It keeps "k" as the name of the lines it takes as
 * continuations (see handler); r->pk says which key that is, for keys of
 * up to sizeof r->pk - 1 bytes; a longer one's continuations just extend
 * its value. */
static int key_aside(rdr *r, const char *line)
{
    size_t lead = 0, n = r->eqoff;
    if (key_as_is(line, n))
        return 0;
    while (lead < n && is_space(line[lead]))
        lead++;
    while (n > lead && is_space(line[n - 1]))
        n--;
    if (n == lead)
        return 0;
    r->key = line + lead;
    r->keylen = n - lead;
    r->shift = r->eqoff - 1;    /* "k" stands for the eqoff bytes before '=' */
    /* a longer key needs no name for inih's "k": its continuations
     * extend its value (see handler) */
    r->pkset = n - lead < sizeof r->pk;
    if (r->pkset) {
        memcpy(r->pk, line + lead, n - lead);
        r->pk[n - lead] = '\0';
    }
    return 1;
}

/* inih's reader: hands it one checked line at a time. */
static char *reader(char *str, int num, void *stream)
{
    rdr *r = stream;
    (void)num;
    r->str = str;
    r->keylen = 0;
    r->shift = 0;
    for (;;) {
        const char *line;
        size_t len;
        if (!next_line(r, &line, &len))
            return NULL;
        r->line++;
        /* in a streamed file, only this much of the line is at hand (all
         * of it unless the line is over the limit) */
        size_t avail = r->fd >= 0 && r->lraw < len ? r->lraw : len;
        /* a byte-order mark that some editors and spreadsheets write at
         * the start of a UTF-8 file: columns count from after it */
        if (r->lineoff == 0 && avail >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
            line += 3;
            len -= 3;
            avail -= 3;
        }
        if (r->mode == MODE_REPLAY && r->report) {
            size_t lead = 0;
            while (lead < avail && (line[lead] == ' ' || line[lead] == '\t'))
                lead++;
            if (lead < avail && line[lead] == '[' && r->rhead++)
                return NULL;
        }
        r->cur = line;
        r->curlen = len;
        r->cont = 0;
        if (r->gaveup)
            continue;
        /* a CR that ends no line: the file ends its lines with CR alone
         * (as old Mac files do), so that what looks like many lines here
         * is one; said before the length, which would be its symptom */
        const char *cr = memchr(line, '\r', avail);
        if (cr) {
            skip_header(r, line, (size_t)(cr - line));
            rerr(r, ENG_ERROR, r->line, (int)(cr - line) + 1, 1, NULL,
                 "a carriage return (CR) inside the line: expected lines ended by LF or CR LF "
                 "(a file whose lines end with CR alone must be converted)");
            r->s.lineerr = 1;
            r->sskip = 1;
            continue;
        }
        if (len > r->e->cfg.max_line) {
            /* a header ends the section before: its error is not the
             * section's (see rerr) */
            skip_header(r, line, avail);
            rerr(r, ENG_ERROR, r->line, (int)r->e->cfg.max_line + 1, 1, NULL,
                 "line is %zu bytes long; the limit is %zu (continue a long value on indented lines)",
                 len, r->e->cfg.max_line);
            r->s.lineerr = 1;   /* a key lost: the section is not empty */
            r->sskip = 1;
            continue;
        }
        /* a byte that is not UTF-8, or in a knowledge base a control
         * character; an answers file has its own, narrower check for the
         * latter (a text answer holds none; no name or option value can) */
        long bad = r->utf8_ok ? -1
                 : r->mode == MODE_KB ? text_bad((const unsigned char *)line, len)
                 : eng_utf8_bad((const unsigned char *)line, len);
        unsigned char c = bad >= 0 ? (unsigned char)line[bad] : 0;
        if (bad >= 0 && (c < 0x80 ||
                         eng_c1_at((const unsigned char *)line, (size_t)bad, len))) {
            /* a raw escape sequence in a sentence or a title would reach
             * the terminal through every report; a string that means to
             * hold one says so with \xHH */
            skip_header(r, line, len);
            if (c == 0xc2)
                rerr(r, ENG_ERROR, r->line, (int)bad + 1, 2, NULL,
                     "control character U+%04X: a knowledge base's text holds none but "
                     "tabs (in a string, write \\x%02x\\x%02x)",
                     (unsigned char)line[bad + 1], c, (unsigned char)line[bad + 1]);
            else
                rerr(r, ENG_ERROR, r->line, (int)bad + 1, 1, NULL,
                     "control character 0x%02x: a knowledge base's text holds none but "
                     "tabs (in a string, write \\x%02x)", c, c);
            r->s.lineerr = 1;
            r->sskip = 1;
            continue;
        }
        if (bad >= 0) {
            skip_header(r, line, len);
            rerr(r, ENG_ERROR, r->line, (int)bad + 1, 1, NULL,
                 "invalid UTF-8 byte 0x%02x: files must be UTF-8 text",
                 (unsigned char)line[bad]);
            r->s.lineerr = 1;
            r->sskip = 1;
            continue;
        }
        size_t lead = 0;
        while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == len || line[lead] == ';' || line[lead] == '#')
            continue;       /* blank or comment: inih would skip it too */
        if (line[lead] == '[') {
            if (lead > 0 && r->haskey) {
                /* the header's warning, not the section's above: reading
                 * that section again stops before this line, so it must
                 * not count among the section's reported problems */
                int insect = r->insect;
                r->insect = 0;
                rerr(r, ENG_WARNING, r->line, (int)lead + 1, 1, line,
                     "this indented line is a section header, not part of the value above; "
                     "to continue the value, do not start the line with '['");
                r->insect = insect;
            }
            sect_start(r, line, len, lead);
            r->soff = r->lineoff;
            r->shash = HASH_INIT;
            r->pkset = 0;       /* inih forgets its last key */
            r->sgiven = 0;
            r->sskip = 0;
            r->npieces = 0;
            sect_line(r, line, len);
            memcpy(str, "[s]\n", 5);    /* inih resets its last key */
            return str;
        }
        if (lead > 0 && r->haskey) {
            if (r->passover)
                continue;   /* a [test] passed over: not even inih sees it */
            /* inih joins an indented line to the previous key */
            r->cont = 1;
            if (looks_like_key(line + lead, len - lead) && r->insect && r->s.valid) {
                size_t kl = 0;
                while (lead + kl < len && line[lead + kl] != ' ' && line[lead + kl] != '=' &&
                       line[lead + kl] != '\t')
                    kl++;
                rerr(r, ENG_WARNING, r->line, (int)lead + 1, (int)kl, line,
                     "this indented line continues the previous value; if '%.*s' is meant as a new key, remove the indentation",
                     (int)kl, line + lead);
            }
            sect_line(r, line, len);
            memcpy(str, line, len);
            str[len] = '\n';
            str[len + 1] = '\0';
            return str;
        }
        /* The key ends at the first '=', or at a ':' (inih's other
         * separator) before it that a blank or the end of the line
         * follows: keys such as question IDs are symbols, which may hold
         * ':' (`iso:27001 = yes`).  With neither, at the first ':'. */
        const char *eq = memchr(line + lead, '=', len - lead);
        const char *first = memchr(line + lead, ':', (size_t)((eq ? eq : line + len) - line) - lead);
        const char *colon = first;
        while (colon && colon + 1 < line + len && !is_space(colon[1]))
            colon = memchr(colon + 1, ':', (size_t)((eq ? eq : line + len) - colon) - 1);
        if (colon || !eq)
            eq = colon ? colon : first;
        /* a line that goes to inih as it is (see key_aside) is split
         * where inih splits it, at the first '=' or ':' */
        if (first && eq != first && key_as_is(line, (size_t)(eq - line)))
            eq = first;
        if (!eq) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, (int)(len - lead), line,
                 "expected 'key = value' or a '[section]' header");
            r->sskip = 1;
            continue;
        }
        if (eq == line + lead) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, 1, line,
                 "missing key before '%c'", *eq);
            r->sskip = 1;
            continue;
        }
        if (!r->insect) {
            rerr(r, ENG_ERROR, r->line, (int)lead + 1, 1, line,
                 "'key = value' before any [section] header");
            continue;
        }
        r->haskey = 1;
        if (r->passover)
            continue;       /* checked as a line, as in every command */
        r->eqoff = (size_t)(eq - line);
        sect_line(r, line, len);
        if (key_aside(r, line)) {
            /* inih is given the key as "k" (see key_aside) */
            size_t n = len - r->eqoff;
            str[0] = 'k';
            memcpy(str + 1, eq, n);
            str[n + 1] = '\n';
            str[n + 2] = '\0';
            return str;
        }
        memcpy(str, line, len);
        str[len] = '\n';
        str[len + 1] = '\0';
        return str;
    }
}

static int add_seg(rdr *r, kv *k, int line, int col)
{
    if (r->fd >= 0 && k->nsegs && k->val.len) {
        /* answers are reported at the start of their value (its first
         * segment, or the next when the key's line has no value): a
         * streamed file keeps no place (and no copy) of later lines */
        return 0;
    }
    if (k->nsegs == k->capsegs) {
        size_t cap = k->capsegs ? k->capsegs * 2 : 2;
        seg *s = eng_mem(r->e, k->segs, cap * sizeof *s);
        if (!s) {
            r->e->oom = 1;
            return -1;
        }
        k->segs = s;
        k->capsegs = cap;
    }
    seg *s = &k->segs[k->nsegs++];
    s->off = k->val.len;
    s->line = line;
    s->col = col;
    s->text = r->cur;
    if (r->mode == MODE_REPLAY && !r->report) {
        s->text = NULL;     /* read again quietly: no diagnostic shows it */
    } else if (r->fd >= 0) {
        char **own = k->nsegs == 1 ? &k->owntext : &k->owntext2;
        if (!(*own = sect_strdup(r->e, &r->s, r->cur, r->lraw))) {
            r->e->oom = 1;
            return -1;
        }
        s->text = *own;
    }
    return 0;
}

/* An answers file's value grows by N bytes on the current line (at COL):
 * 0 if that stays within the limits, else -1 after reporting the limit
 * reached, once, and marking K (and for the respondent's limit, every
 * later value of the section) as over it. */
static int answer_grows(rdr *r, kv *k, size_t n, int col)
{
    sect *s = &r->s;
    if (k->over || s->over) {
        k->over = 1;
        return -1;
    }
    if (k->val.len + n > ENG_MAX_ANSWER) {
        rerr(r, ENG_ERROR, r->line, col, 1, r->cur,
             "respondent '%s', question '%s': the answer is longer than %d MiB, the limit for one answer",
             s->name, k->key, (int)(ENG_MAX_ANSWER >> 20));
        k->over = 1;
    } else if (s->bytes + n > ENG_MAX_RESPONDENT) {
        rerr(r, ENG_ERROR, r->line, col, 1, r->cur,
             "respondent '%s': the answers are longer than %d MiB in all, the limit for one respondent",
             s->name, (int)(ENG_MAX_RESPONDENT >> 20));
        s->over = k->over = 1;
    } else {
        s->bytes += n;
        return 0;
    }
    /* what was collected is of no more use */
    ebuf_free(r->e, &k->val);
    return -1;
}

/* Notes where VALUE (N bytes, N > 0), which inih found in the current
 * line, is in the file: as a piece of K's value.  inih gives pointers into
 * the line the reader handed it, a copy of the line in the file; when
 * VALUE is not there as it is, the section is marked to be read again in
 * full when it is asserted. */
static void piece_add(rdr *r, kv *k, const char *value, size_t n)
{
    sect *s = &r->s;
    uintptr_t v = (uintptr_t)value, b = (uintptr_t)r->str;
    if (r->mode != MODE_ANSWERS || s->nofast)
        return;
    size_t at = (size_t)(v - b) + r->shift;     /* in the line */
    if (!r->str || v < b || at + n > r->lraw || memcmp(r->cur + at, value, n) ||
        (k->npieces && k->piece0 + k->npieces != r->npieces)) {
        s->nofast = 1;
        return;
    }
    if (r->npieces == r->cappieces) {
        size_t cap = r->cappieces ? r->cappieces * 2 : 64;
        piece *p = eng_mem(r->e, r->pieces, cap * sizeof *p);
        if (!p) {
            r->e->oom = 1;
            return;
        }
        r->pieces = p;
        r->cappieces = cap;
    }
    if (!k->npieces)
        k->piece0 = r->npieces;
    k->npieces++;
    piece *p = &r->pieces[r->npieces++];
    p->line = r->sgiven - 1;    /* the line the reader gave last */
    p->off = at;
    p->len = n;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    rdr *r = user;
    sect *s = &r->s;
    (void)section;
    if (!r->insect || !s->valid || !name)
        return 1;
    if (r->keylen) {
        name = r->key;          /* given to inih as "k" (see key_aside) */
    } else if (r->pkset) {
        uintptr_t n = (uintptr_t)name, b = (uintptr_t)r->str;
        if (n >= b && n <= b + r->curlen)
            r->pkset = 0;       /* a key of the line: inih's last key now */
        else
            name = r->pk;       /* inih's last key, "k" standing for it */
    }
    /* column of the value in the raw line */
    const char *line = r->cur;
    size_t len = r->curlen, i = 0;
    if (!r->cont)
        i = r->eqoff + 1;       /* the reader found the '=' */
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    int col = (int)i + 1;
    size_t vlen = strlen(value);
    kv *k;
    /* a continuation extends the last value, except for `fact`, whose
     * indented lines are facts of their own */
    if (r->cont && s->dropped)
        return 1;       /* continues a key that was not kept (below) */
    if (r->cont && s->nkvs &&
        (r->mode == MODE_KB ? s->kvs[s->nkvs - 1].kid != KEY_FACT
                            : strcmp(s->kvs[s->nkvs - 1].key, "fact"))) {
        k = &s->kvs[s->nkvs - 1];
        if (vlen) {
            if (r->mode != MODE_KB &&
                answer_grows(r, k, vlen + (k->val.len > 0), col))
                return 1;
            if (k->val.len)
                ebuf_add(r->e, &k->val, " ", 1);
            if (add_seg(r, k, r->line, col))
                return 1;
            ebuf_add(r->e, &k->val, value, vlen);
            piece_add(r, k, value, vlen);
        }
        return 1;
    }
    /* Answers: a respondent cannot answer more questions than there are,
     * so of more keys than the questions and MAX_FILE_ERRORS, more than
     * MAX_FILE_ERRORS are errors (unknown or answered twice), and reading
     * gives up before it would report on the rest: they need no memory. */
    s->dropped = r->mode != MODE_KB && s->nkvs > r->e->questions.n + MAX_FILE_ERRORS;
    if (s->dropped)
        return 1;
    if (s->nkvs == s->capkvs) {
        size_t cap = s->capkvs ? s->capkvs * 2 : 8;
        kv *v = eng_mem(r->e, s->kvs, cap * sizeof *v);
        if (!v) {
            r->e->oom = 1;
            return 1;
        }
        s->kvs = v;
        s->capkvs = cap;
    }
    k = kv_next(s);
    size_t namelen = r->keylen ? r->keylen : strlen(name);
    /* an answers file's keys live only as long as their section: the
     * arena (freed with the engine) would grow with every file read */
    if (r->mode != MODE_KB) {
        k->key = sect_strdup(r->e, s, name, namelen);
        k->ownkey = !s->pool;
    } else {
        /* a knowledge base's keys are few and repeat (when, then...):
         * interned, they are kept once; and remembered, the same key
         * as one of the last few is found again without hashing it */
        size_t h = namelen ? ((unsigned char)name[0] * 31u + (unsigned char)name[namelen - 1] +
                              namelen) % (sizeof r->keys / sizeof *r->keys) : 0;
        if (!r->keys[h].key || r->keys[h].len != namelen ||
            memcmp(r->keys[h].key, name, namelen)) {
            eng_value v;
            r->keys[h].key = eng_intern(r->e, name, namelen, ENG_STRING, &v)
                                 ? NULL : eng_atom(r->e, v.u.atom, NULL);
            r->keys[h].len = namelen;
            r->keys[h].kid = namelen ? key_id(name, namelen) : KEY_OTHER;
        }
        k->key = r->keys[h].key;
        k->kid = r->keys[h].kid;
    }
    if (!k->key)
        return 1;
    s->nkvs++;
    k->line = r->line;
    k->col = col;
    if (add_seg(r, k, r->line, col))
        return 1;
    if (r->mode != MODE_KB && answer_grows(r, k, vlen, col))
        return 1;
    ebuf_add(r->e, &k->val, value, vlen);
    if (!k->val.p)
        ebuf_add(r->e, &k->val, "", 0);
    if (vlen)
        piece_add(r, k, value, vlen);
    return 1;
}

/* Gives diagnostics made without their source line (by the compiler,
 * which sees parse trees, not text) the line from the file. */
static void fill_sources(eng_engine *e, size_t first, const char *path,
                         const char *buf, size_t len)
{
    for (size_t i = first; i < e->ndiags; i++) {
        eng_diag *d = &e->diags[i];
        if (d->source || d->line <= 0 || d->path != path)
            continue;
        const char *p = buf, *end = buf + len;
        for (int ln = 1; ln < d->line && p < end; ln++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        if (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (n > 1000)
                n = 1000;
            d->source = eng_strndup(e, p, n);
        }
    }
}

/* Diagnostics of one file in line and column order (insertion sort keeps
 * it stable; the lists are short). */
static void sort_diags(eng_engine *e, size_t first)
{
    for (size_t i = first + 1; i < e->ndiags; i++) {
        eng_diag d = e->diags[i];
        size_t j = i;
        while (j > first && (e->diags[j - 1].line > d.line ||
                             (e->diags[j - 1].line == d.line &&
                              e->diags[j - 1].col > d.col))) {
            e->diags[j] = e->diags[j - 1];
            j--;
        }
        e->diags[j] = d;
    }
}

static int parse_text_nul(eng_engine *e, const char *path, const char *buf,
                          size_t len);

/* The reader and the diagnostics treat a line as a C string: work on a
 * NUL-terminated copy (a caller's buffer need not end in one). */
static int parse_text(eng_engine *e, const char *path, const char *buf,
                      size_t len)
{
    char *copy = eng_malloc(e, len + 1);
    if (!copy)
        return ENG_ENOMEM;
    memcpy(copy, buf, len);
    copy[len] = '\0';
    int rc = parse_text_nul(e, path, copy, len);
    eng_release(e, copy);
    return rc;
}

/* Runs inih over R's lines, sections compiled as they end; the
 * diagnostics of the file come out in line order.  ENG_OK, ENG_EINVAL
 * (errors), ENG_ENOMEM. */
static int run_inih(rdr *r)
{
    eng_engine *e = r->e;
    size_t nerr = e->nerrors;
    /* Debian's inih reads these at run time: lines up to our own limit
     * (which the reader enforces with a diagnostic), no inline comments
     * (a ';' may be part of a regex or a sentence), multi-line values on. */
    ini_max_line = (int)e->cfg.max_line + 8;
    ini_allow_inline_comments = 0;
    ini_allow_multiline = 1;
    ini_stop_on_first_error = 0;
    size_t first = e->ndiags;
    ini_parse_stream(reader, r, handler, r);
    sect_finish(r);
    sect_clear(e, &r->s);
    if (r->fd < 0)
        fill_sources(e, first, r->path, r->buf, r->len);
    sort_diags(e, first);
    if (e->oom)
        return ENG_ENOMEM;
    return e->nerrors > nerr ? ENG_EINVAL : ENG_OK;
}

static int parse_text_nul(eng_engine *e, const char *path, const char *buf,
                          size_t len)
{
    rdr r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.path = eng_path_intern(e, path);
    r.buf = buf;
    r.len = len;
    r.fd = -1;
    r.mode = MODE_KB;
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        int line = 1;
        const char *ls = buf;
        for (const char *p = buf; p < nul; p++)
            if (*p == '\n') {
                line++;
                ls = p + 1;
            }
        eng_diagf(e, ENG_ERROR, r.path, line, (int)(nul - ls) + 1, 1, NULL,
                  "the file contains a NUL byte: it is not a text file");
        return ENG_EINVAL;
    }
    /* valid as a whole, valid line by line (a newline cannot be part of
     * a multibyte sequence): one pass instead of one a line */
    r.utf8_ok = text_bad((const unsigned char *)buf, len) < 0;
    int rc = run_inih(&r);
    spool_reset(e, &r.pool, 1);
    return rc;
}

/* ------------------------------------------------------------ tests */

static void check_tests(eng_engine *e)
{
    for (size_t i = 0; i < e->pending_tests.n; i++) {
        eng_scratch_mark mark = eng_scratch_get(e);
        rawtest *rt = e->pending_tests.v[i];
        eng_test *t = rt->t;
        sect *s = &rt->s;
        rdr r;
        memset(&r, 0, sizeof r);
        r.e = e;
        r.fd = -1;
        r.path = t->path;
        int bad = 0;
        t->ans = eng_arena(e, (s->nkvs + 1) * sizeof *t->ans);
        t->exp = eng_arena(e, (s->nkvs + 1) * sizeof *t->exp);
        if (!t->ans || !t->exp) {
            /* out of memory: this test is dropped with its section (a
             * break here leaked the tests still pending) */
            e->oom = 1;
            sect_clear(e, s);
            eng_release(e, rt);
            continue;
        }
        for (size_t j = 0; j < s->nkvs; j++) {
            kv *k = &s->kvs[j];
            const char *v = k->val.p ? k->val.p : "";
            if (!strncmp(k->key, "answer.", 7)) {
                const eng_question *q = eng_question_find(e, k->key + 7);
                if (!q) {
                    /* a question whose section had errors is known: those
                     * errors say what is wrong */
                    if (!eng_question_declared(e, k->key + 7)) {
                        const char *dym = eng_question_suggest(e, k->key + 7);
                        rerr(&r, ENG_ERROR, k->line, 1, (int)strlen(k->key), kv_text(k, k->line),
                             "test '%s' answers unknown question '%s'%s%s%s", t->name,
                             k->key + 7, dym ? " (did you mean 'answer." : "",
                             dym ? dym : "", dym ? "'?)" : "");
                    }
                    bad = 1;
                    continue;
                }
                /* as many values as an answers file or `ask` takes, with
                 * the same error beyond them */
                eng_value vals[ENG_MAX_VALUES];
                size_t n;
                char err[ENG_ANSWER_ERR_SIZE];
                int rc = eng_answer_parse(e, q, v, vals, ENG_MAX_VALUES, &n, err,
                                          sizeof err);
                if (rc == ENG_ENOMEM) {
                    e->oom = 1;
                    bad = 1;
                    break;
                }
                if (rc) {
                    kv_err(&r, k, 0, (int)k->val.len, "question '%s': %s", q->id, err);
                    bad = 1;
                    continue;
                }
                /* a respondent gives one answer to a question: a second
                 * line adds its values (a many answer may be split so),
                 * which for any other type is a scenario no one can give */
                for (size_t p = 0; p < t->nans; p++)
                    if (t->ans[p].q == q && q->type != ENG_Q_MANY) {
                        rerr(&r, ENG_WARNING, k->line, 1, (int)strlen(k->key),
                             kv_text(k, k->line),
                             "test '%s' answers %s question '%s' twice (first at line %d), which no respondent can: both answers are asserted",
                             t->name, qtypes[q->type], q->id, t->ans[p].line);
                        break;
                    }
                tanswer *a = &t->ans[t->nans++];
                a->q = q;
                a->line = k->line;
                a->vals = eng_arena(e, (n + 1) * sizeof *vals);
                if (!a->vals) {
                    e->oom = 1;     /* not a test with an answer left out */
                    bad = 1;
                    break;
                }
                memcpy(a->vals, vals, n * sizeof *vals);
                a->nvals = n;
            } else if (!strcmp(k->key, "expect") || !strcmp(k->key, "expect_not")) {
                srcmap m = {t->path, k->segs, k->nsegs};
                pce *c = eng_parse_ce(e, &m, v, k->val.len);
                if (!c) {
                    bad = 1;
                    continue;
                }
                if (c->kind != CE_PATTERN || c->factvar || c->ncons) {
                    kv_err(&r, k, 0, (int)k->val.len,
                           "'%s' takes a plain pattern such as 'situation primary lab' (variables and ? allowed)",
                           k->key);
                    bad = 1;
                    continue;
                }
                texpect *x = &t->exp[t->nexp++];
                x->negate = k->key[6] == '_';
                x->text = eng_arena_str(e, v, k->val.len);
                x->line = k->line;
            } else if (strcmp(k->key, "description")) {
                static const char *const keys[] = {"answer.ID", "expect", "expect_not",
                                                   "description"};
                unknown_key(&r, k, "test", keys, 4);
                bad = 1;
            }
        }
        /* (an empty section has had its warning: one is enough) */
        if (!bad && !t->nexp && s->nkvs) {
            eng_diagf(e, ENG_WARNING, t->path, t->line, 1, 1, NULL,
                      "test '%s' has no 'expect' or 'expect_not': it cannot fail", t->name);
        }
        if (!bad)
            pvec_push(e, &e->tests, t);
        sect_clear(e, s);
        eng_release(e, rt);
        eng_scratch_rewind(e, mark);
    }
    e->pending_tests.n = 0;
}

/* ------------------------------------------------------------ files */

/* 1 if the file of ST was read before by this engine, else 0 (and it is
 * remembered); -1 out of memory.  A file is known by its device and inode,
 * not by its name: "rules/tests/x.ini", "./rules/tests/x.ini", an absolute
 * path, a symbolic or hard link are the same file. */
static int file_seen(eng_engine *e, const struct stat *st)
{
    char key[sizeof st->st_dev + sizeof st->st_ino];
    memcpy(key, &st->st_dev, sizeof st->st_dev);
    memcpy(key + sizeof st->st_dev, &st->st_ino, sizeof st->st_ino);
    if (smap_get(&e->files, key, sizeof key))
        return 1;
    return smap_put(e, &e->files, key, sizeof key, e) ? -1 : 0;
}

/* Reads PATH whole, NUL-terminated; files larger than LIMIT bytes are
 * refused, so that a huge input cannot exhaust memory.  One fstat sizes
 * the buffer; a file that grows while it is read is still read whole.
 * A file this engine has read before is not read again: ENG_OK with *BUF
 * NULL. */
/* Says why PATH could not be opened, ERR being errno: a link that leads
 * nowhere is named as such, since the link itself is there to be seen. */
static void open_error(eng_engine *e, const char *path, int err)
{
    struct stat ls;
    char to[256];
    ssize_t n;
    if (err == ENOENT && !lstat(path, &ls) && S_ISLNK(ls.st_mode) &&
        (n = readlink(path, to, sizeof to - 1)) > 0) {
        to[n] = '\0';
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "cannot open: it is a symbolic link to '%s', which does not exist", to);
    } else if (err == ELOOP) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "cannot open: its symbolic links lead round in a loop");
    } else {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot open: %s", strerror(err));
    }
}

static int read_file(eng_engine *e, const char *path, char **buf, size_t *len,
                     size_t limit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        open_error(e, path, errno);
        return ENG_EIO;
    }
    if (fstat(fd, &st)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot read: %s",
                  strerror(errno));
        close(fd);
        return ENG_EIO;
    }
    *buf = NULL;
    *len = 0;
    int seen = file_seen(e, &st);
    if (seen) {
        close(fd);
        return seen < 0 ? ENG_ENOMEM : ENG_OK;
    }
    if ((unsigned long long)st.st_size > limit) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "the file is %llu bytes; the limit is %zu MiB: split it into smaller files",
                  (unsigned long long)st.st_size, limit >> 20);
        close(fd);
        return ENG_EIO;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *p = eng_malloc(e, cap + 1);
    int err = 0;
    while (p) {
        ssize_t k = read(fd, p + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            err = errno;
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        /* as long as fstat said, where a byte more was asked for: the
         * end, without a read that finds nothing more */
        if (n == (size_t)st.st_size && n < cap)
            break;
        if (n > limit) {
            eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                      "the file grew past the limit of %zu MiB while it was read",
                      limit >> 20);
            eng_release(e, p);
            close(fd);
            return ENG_EIO;
        }
        if (n == cap) {         /* it grew since fstat: make room */
            char *q = eng_mem(e, p, 2 * cap + 1);
            if (!q) {
                eng_release(e, p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    close(fd);
    if (!p)
        return ENG_ENOMEM;
    if (err) {
        eng_release(e, p);
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot read: %s",
                  strerror(err));
        return ENG_EIO;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return ENG_OK;
}

static int load_file(eng_engine *e, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = read_file(e, path, &buf, &len, ENG_MAX_KB_FILE);
    if (rc)
        return rc;
    /* loaded already (the KB directory holds the file given on the command
     * line, or it was given twice): its sections would all be duplicates
     * of themselves */
    if (!buf)
        return ENG_OK;
    /* read_file's buffer ends in a NUL: parsed in place, not copied */
    rc = parse_text_nul(e, path, buf, len);
    eng_release(e, buf);
    return rc;
}

/* Orders the directory's entries by path (after their type byte), a
 * directory's name as if it ended in '/', so that the files of the whole
 * tree are read in the sorted order of their paths (RULES.md): a.ini,
 * then a/x.ini; a-b.ini before both. */
static int cmp_path(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    size_t i = 1;
    while (x[i] && x[i] == y[i])
        i++;
    int cx = x[i] ? (unsigned char)x[i] : x[0] == 'd' ? '/' : 0;
    int cy = y[i] ? (unsigned char)y[i] : y[0] == 'd' ? '/' : 0;
    return cx - cy;
}

/* The directories being read, from the one being read up to the root of
 * the knowledge base: a symbolic link back to one of them is a loop. */
typedef struct dir_chain {
    dev_t dev;
    ino_t ino;
    const char *path;
    const struct dir_chain *up;
} dir_chain;

static int load_dir(eng_engine *e, const char *dir, const dir_chain *up, int depth,
                    size_t *nfiles)
{
    if (depth > MAX_DIR_DEPTH) {
        eng_diagf(e, ENG_ERROR, dir, 0, 0, 1, NULL,
                  "directories nested more than %d deep", MAX_DIR_DEPTH);
        return ENG_EINVAL;
    }
    DIR *d = opendir(dir);
    struct stat dst;
    if (!d || fstat(dirfd(d), &dst)) {
        eng_diagf(e, ENG_ERROR, dir, 0, 0, 1, NULL, "cannot open directory: %s",
                  strerror(errno));
        if (d)
            closedir(d);
        return ENG_EIO;
    }
    for (const dir_chain *c = up; c; c = c->up)
        if (c->dev == dst.st_dev && c->ino == dst.st_ino) {
            closedir(d);
            eng_diagf(e, ENG_ERROR, dir, 0, 0, 1, NULL,
                      "a symbolic link loop: this is the directory %s again, "
                      "which is being read", c->path);
            return ENG_EINVAL;
        }
    dir_chain here = {dst.st_dev, dst.st_ino, dir, up};
    pvec names = {0};
    struct dirent *de;
    int rc = ENG_OK;
    /* each name is kept after a byte with its type from the directory, so
     * that only entries of unknown type (or links) need a stat */
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;       /* ., .., and hidden files such as editor swaps */
        size_t len = strlen(dir) + strlen(de->d_name) + 3;
        char *p = eng_malloc(e, len);
        if (!p || pvec_push(e, &names, p)) {
            eng_release(e, p);
            rc = ENG_ENOMEM;
            break;
        }
        p[0] = (char)(de->d_type == DT_DIR ? 'd' : de->d_type == DT_REG ? 'f' : '?');
        snprintf(p + 1, len - 1, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
        /* a directory sorts by its name and '/': know which are, even
         * behind a link (one that cannot be read is reported below) */
        struct stat st;
        if (p[0] == '?' && !stat(p + 1, &st) && S_ISDIR(st.st_mode))
            p[0] = 'd';
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_path);
    /* (a file of scenarios refused ends the reading: see sect_start) */
    for (size_t i = 0; i < names.n && rc != ENG_ENOMEM && e->tests_only != 2; i++) {
        const char *p = (const char *)names.v[i] + 1;
        char type = *(const char *)names.v[i];
        size_t plen = strlen(p);
        int ini = plen > 4 && !strcmp(p + plen - 4, ".ini");
        struct stat st;
        int r2 = ENG_OK;
        if (type == '?') {      /* unknown from the directory, or a link */
            if (stat(p, &st)) {
                eng_diagf(e, ENG_ERROR, p, 0, 0, 1, NULL, "cannot read: %s",
                          strerror(errno));
                r2 = ENG_EIO;
            }
            type = r2 ? 'x' : S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : 'o';
        }
        if (type == 'd') {
            r2 = load_dir(e, p, &here, depth + 1, nfiles);
        } else if (ini && type == 'o') {
            /* a FIFO or device would block or never end */
            eng_diagf(e, ENG_ERROR, p, 0, 0, 1, NULL,
                      "not a regular file: a knowledge base holds plain .ini files");
            r2 = ENG_EIO;
        } else if (ini && type == 'f') {
            (*nfiles)++;
            r2 = load_file(e, p);
        }
        if (r2 == ENG_ENOMEM || r2 == ENG_EIO || (r2 && rc == ENG_OK))
            rc = rc == ENG_OK || r2 == ENG_ENOMEM ? r2 : rc;
    }
    for (size_t i = 0; i < names.n; i++)
        eng_release(e, names.v[i]);
    pvec_free(e, &names);
    return rc;
}

int eng_load_path(eng_engine *e, const char *path)
{
    if (e->ready)
        return ENG_ESTATE;
    if (!*path) {
        /* a diagnostic without a file name says nothing of which file */
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "the knowledge base's name is empty: give a directory or an .ini file");
        return ENG_EIO;
    }
    struct stat st;
    if (stat(path, &st)) {
        open_error(e, path, errno);
        return ENG_EIO;
    }
    int rc;
    if (S_ISDIR(st.st_mode)) {
        size_t nfiles = 0;
        rc = load_dir(e, path, NULL, 0, &nfiles);
        if (rc == ENG_OK && !nfiles) {
            eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                      "no .ini files in this directory: it is not a knowledge base");
            rc = ENG_EINVAL;
        }
    } else if (!S_ISREG(st.st_mode)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "not a regular file or directory: give a directory of .ini files or one .ini file");
        rc = ENG_EIO;
    } else {
        rc = load_file(e, path);
    }
    check_tests(e);
    if (e->oom)
        return ENG_ENOMEM;
    if (rc == ENG_OK && e->nerrors)
        rc = ENG_EINVAL;
    return rc;
}

int eng_load_tests(eng_engine *e, const char *path)
{
    e->tests_only = 1;
    e->tests_path = path;
    int rc = eng_load_path(e, path);
    e->tests_only = 0;
    e->tests_path = NULL;
    return rc;
}

int eng_load_buffer(eng_engine *e, const char *path, const char *text,
                    size_t len)
{
    if (e->ready)
        return ENG_ESTATE;
    size_t nerr = e->nerrors;
    int rc = parse_text(e, path, text, len);
    check_tests(e);
    if (e->oom)
        return ENG_ENOMEM;
    if (rc == ENG_OK && e->nerrors > nerr)
        rc = ENG_EINVAL;
    return rc;
}

int eng_kind_allow(eng_engine *e, const char *kind)
{
    if (smap_get(&e->kinds, kind, strlen(kind)))
        return ENG_OK;
    char *k = eng_arena_str(e, kind, strlen(kind));
    if (!k || smap_put(e, &e->kinds, kind, strlen(kind), k) ||
        pvec_push(e, &e->kindlist, k))
        return ENG_ENOMEM;
    return ENG_OK;
}

size_t eng_entry_count(const eng_engine *e) { return e->entries.n; }

const eng_entry *eng_entry_at(const eng_engine *e, size_t i)
{
    return i < e->entries.n ? e->entries.v[i] : NULL;
}

int eng_facts_add(eng_engine *e, const eng_value *vals, size_t n,
                  const char *path, int line)
{
    if (e->ready)
        return ENG_ESTATE;
    if (n < 1 || n > ENG_MAX_ARITY || vals[0].type != ENG_SYMBOL)
        return ENG_EINVAL;
    rfact *rf = eng_arena(e, sizeof *rf);
    if (!rf || !(rf->v = eng_arena(e, n * sizeof *vals)))
        return ENG_ENOMEM;
    memcpy(rf->v, vals, n * sizeof *vals);
    rf->n = n;
    rf->path = path ? eng_path_intern(e, path) : NULL;
    rf->line = line;
    return pvec_push(e, &e->rfacts, rf) ? ENG_ENOMEM : ENG_OK;
}

/* ------------------------------------------------------------ questions */

size_t eng_question_count(const eng_engine *e) { return e->questions.n; }

const eng_question *eng_question_at(const eng_engine *e, size_t i)
{
    return i < e->questions.n ? e->questions.v[i] : NULL;
}

const eng_question *eng_question_find(const eng_engine *e, const char *id)
{
    return smap_get(&e->question_ids, id, strlen(id));
}

int eng_question_declared(const eng_engine *e, const char *id)
{
    return smap_get(&e->question_names, id, strlen(id)) != NULL;
}

const char *eng_question_suggest(eng_engine *e, const char *id)
{
    size_t n = e->questions.n;
    const char **cands = eng_malloc(e, (n + 1) * sizeof *cands);
    if (!cands)
        return NULL;        /* a message without its hint */
    for (size_t i = 0; i < n; i++)
        cands[i] = ((const eng_question *)e->questions.v[i])->id;
    const char *dym = eng_did_you_mean(id, cands, n);
    eng_release(e, cands);
    return dym;
}

size_t eng_question_index(const eng_question *q) { return q->index; }

const char *eng_question_id(const eng_question *q) { return q->id; }
const char *eng_question_group(const eng_question *q) { return q->group; }
const char *eng_question_text(const eng_question *q) { return q->text; }
const char *eng_question_help(const eng_question *q) { return q->help; }
eng_qtype eng_question_type(const eng_question *q) { return q->type; }
size_t eng_question_option_count(const eng_question *q) { return q->nopts; }
const char *eng_question_path(const eng_question *q) { return q->path; }

int eng_question_range(const eng_question *q, double *min, double *max)
{
    *min = q->min;
    *max = q->max;
    return (q->has_min ? 1 : 0) | (q->has_max ? 2 : 0);
}
int eng_question_line(const eng_question *q) { return q->line; }

const char *eng_question_option(const eng_question *q, size_t i,
                                const char **label)
{
    if (i >= q->nopts)
        return NULL;
    if (label)
        *label = q->opts[i].label;
    return q->opts[i].value;
}

int eng_question_askable(const eng_engine *e, const eng_question *q)
{
    (void)e;
    if (q->never)
        return 0;
    return !q->query || q->matches > 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
                  (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
        (*n)--;
}

/* 1 if the N bytes at A and B are equal but for the case of ASCII
 * letters. */
static int ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

static int ieq(const char *a, size_t an, const char *b)
{
    return an == strlen(b) && ieq_n(a, b, an);
}

/* A bound as people write it: 10000000, not 1e+07. */
static const char *num_text(double d, char *buf, size_t size)
{
    eng_value v = eng_num_real(d);
    if (v.type == ENG_INT)
        snprintf(buf, size, "%lld", (long long)v.u.i);
    else
        snprintf(buf, size, "%.15g", d);
    return buf;
}

int eng_question_integer(const eng_question *q) { return q->integer; }

const char *eng_question_number_text(const eng_question *q, char *buf, size_t size)
{
    char range[120];
    eng_question_range_text(q, range, sizeof range);
    snprintf(buf, size, "%s%s%s", q->integer ? "a whole number" : "a number",
             *range ? " " : "", range);
    return buf;
}

const char *eng_question_range_text(const eng_question *q, char *buf, size_t size)
{
    char lo[48], hi[48];
    if (q->has_min && q->has_max)
        snprintf(buf, size, "from %s to %s", num_text(q->min, lo, sizeof lo),
                 num_text(q->max, hi, sizeof hi));
    else if (q->has_min)
        snprintf(buf, size, "of at least %s", num_text(q->min, lo, sizeof lo));
    else if (q->has_max)
        snprintf(buf, size, "of at most %s", num_text(q->max, hi, sizeof hi));
    else if (size)
        buf[0] = '\0';
    return buf;
}

/* Q's options, comma-separated, into BUF of SIZE bytes (at least 32).  A
 * list too long for it ends after the last option that fits whole, with
 * "... (N more)": never with an option cut short, which would read as
 * another option. */
static void options_list(const eng_question *q, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < q->nopts; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(q->opts[i].value);
        /* room for the option, and after it (unless it is the last) for
         * the note of the options left out */
        if (o + need + (i + 1 < q->nopts ? 24 : 0) >= size) {
            snprintf(buf + o, size - o, "%s... (%zu more)", sep, q->nopts - i);
            return;
        }
        memcpy(buf + o, sep, strlen(sep));
        memcpy(buf + o + strlen(sep), q->opts[i].value, need - strlen(sep));
        o += need;
        buf[o] = '\0';
    }
}

/* Option K of Q as a symbol in E: interned the first time it is needed
 * (so that atoms are made in the same order as without this), then kept
 * with the option.  ENG_OK or ENG_ENOMEM. */
static int option_sym(eng_engine *e, const eng_question *q, size_t k,
                      eng_value *out)
{
    qopt *o = &q->opts[k];
    if (o->sym_e != e) {
        if (eng_intern_sym(e, o->value, out))
            return ENG_ENOMEM;
        o->sym_e = e;
        o->sym = out->u.atom;
        return ENG_OK;
    }
    out->type = ENG_SYMBOL;
    out->u.atom = o->sym;
    return ENG_OK;
}

/* An answer as quoted in a message: at most ANSWER_ECHO bytes, cut at
 * a character's start (a typed answer is UTF-8 by then) and ending in
 * "..." when cut, so that a message never shows half a character nor
 * passes a shortened answer off as the whole of it. */
#define ANSWER_ECHO 80
static const char *answer_echo(const char *s, size_t len, char buf[ANSWER_ECHO + 4])
{
    size_t n = len;
    if (n > ANSWER_ECHO) {
        n = ANSWER_ECHO;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(buf, s, n);
    strcpy(buf + n, n < len ? "..." : "");
    return buf;
}

/* eng_answer_parse; without INTERN, a text answer is checked but not
 * interned (its value is then a placeholder), so that checking a whole
 * answers file does not grow the engine's atoms.  IDX (may be NULL)
 * receives, for each value, the number of its option (yes: 1, no: 0). */
static int answer_parse(eng_engine *e, const eng_question *q, const char *text,
                        eng_value *vals, size_t max, size_t *n, char *err,
                        size_t errsize, int intern, uint32_t *idx)
{
    const char *s = text;
    size_t len = strlen(text);
    /* the longest message is "expected a comma-separated list of: " with
     * these options and "; found '...'" with 80 bytes of the answer: well
     * within ENG_ANSWER_ERR_SIZE */
    char opts[600], shown[ANSWER_ECHO + 4];
    *n = 0;
    if (errsize)
        err[0] = '\0';
    trim(&s, &len);
    if (!len) {
        snprintf(err, errsize, "the answer is empty; leave the question out when the answer is not known");
        return ENG_EINVAL;
    }
    /* an answers file's lines are checked as they are read; a typed
     * answer is not, and its bytes would reach a string fact, the
     * sessions database and the messages below */
    if (eng_utf8_bad((const unsigned char *)s, len) >= 0) {
        snprintf(err, errsize, "the answer is not UTF-8 text");
        return ENG_EINVAL;
    }
    switch (q->type) {
    case ENG_Q_YESNO:
        if (ieq(s, len, "yes") || ieq(s, len, "no")) {
            int yes = ieq(s, len, "yes");
            if (eng_intern_sym(e, yes ? "yes" : "no", &vals[0]))
                return ENG_ENOMEM;
            if (idx)
                idx[0] = (uint32_t)yes;
            *n = 1;
            return ENG_OK;
        }
        snprintf(err, errsize, "expected yes or no, found '%s'", answer_echo(s, len, shown));
        return ENG_EINVAL;
    case ENG_Q_NUMBER: {
        eng_value v;
        char what[160];
        eng_question_number_text(q, what, sizeof what);
        if (eng_parse_number(s, len, &v)) {
            snprintf(err, errsize, "expected %s, found '%s'", what, answer_echo(s, len, shown));
            return ENG_EINVAL;
        }
        double d = eng_num_d(v);
        if ((q->has_min && d < q->min) || (q->has_max && d > q->max) ||
            (q->integer && v.type != ENG_INT)) {
            snprintf(err, errsize, "expected %s, found %s", what, answer_echo(s, len, shown));
            return ENG_EINVAL;
        }
        vals[0] = v;
        *n = 1;
        return ENG_OK;
    }
    case ENG_Q_TEXT:
        /* a line break joins the lines of a long answer, and a tab is
         * text; other control characters (an escape sequence) would reach
         * a terminal through every report and explanation */
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                snprintf(err, errsize, "a text answer may not hold control character 0x%02x "
                         "(at byte %zu of the answer)", c, i + 1);
                return ENG_EINVAL;
            }
            /* nor a C1 control, U+0080 to U+009F (0xc2 0x80..0x9f) */
            if (eng_c1_at((const unsigned char *)s, i, len)) {
                snprintf(err, errsize, "a text answer may not hold control character "
                         "U+%04X (at byte %zu of the answer)", (unsigned char)s[i + 1], i + 1);
                return ENG_EINVAL;
            }
        }
        if (q->pattern) {
            int rc = pcre2_match(q->pattern->code, (PCRE2_SPTR)s, len, 0, 0,
                                 q->pattern->md, e->mctx);
            if (rc < 0) {
                snprintf(err, errsize, "expected text matching /%s/, found '%s'",
                         q->pattern->src, answer_echo(s, len, shown));
                return ENG_EINVAL;
            }
        }
        if (!intern) {
            vals[0].type = ENG_STRING;
            vals[0].u.atom = 0;
        } else if (eng_intern(e, s, len, ENG_STRING, &vals[0])) {
            return ENG_ENOMEM;
        }
        *n = 1;
        return ENG_OK;
    case ENG_Q_ONE:
    case ENG_Q_MANY: {
        const char *p = s, *end = s + len;
        size_t given = 0;           /* items, a repeated one too */
        while (p <= end) {
            const char *c = q->type == ENG_Q_MANY ? memchr(p, ',', (size_t)(end - p)) : NULL;
            const char *ie = c ? c : end;
            const char *is = p;
            size_t il = (size_t)(ie - is);
            trim(&is, &il);
            size_t k = 0;
            for (; k < q->nopts; k++)
                if (q->opts[k].len == il && ieq_n(is, q->opts[k].value, il))
                    break;
            if (k == q->nopts) {
                options_list(q, opts, sizeof opts);
                if (!il)
                    snprintf(err, errsize, "an empty item in the list (expected %s of: %s)",
                             q->type == ENG_Q_MANY ? "any" : "one", opts);
                else
                    snprintf(err, errsize, "expected %s: %s; found '%s'",
                             q->type == ENG_Q_MANY ? "a comma-separated list of" : "one of",
                             opts, answer_echo(is, il, shown));
                return ENG_EINVAL;
            }
            size_t j = 0;
            eng_value v;
            if (++given > max) {
                snprintf(err, errsize, "too many values (at most %zu)", max);
                return ENG_EINVAL;
            }
            if (option_sym(e, q, k, &v))
                return ENG_ENOMEM;
            for (; j < *n; j++)
                if (eng_value_equal(vals[j], v))
                    break;
            if (j == *n) {
                if (idx)
                    idx[*n] = (uint32_t)k;
                vals[(*n)++] = v;
            }
            if (!c)
                break;
            p = c + 1;
        }
        return ENG_OK;
    }
    }
    return ENG_EINVAL;
}

int eng_answer_parse(eng_engine *e, const eng_question *q, const char *text,
                     eng_value *vals, size_t max, size_t *n, char *err,
                     size_t errsize)
{
    return answer_parse(e, q, text, vals, max, n, err, errsize, 1, NULL);
}

/* ------------------------------------------------------------ answers */

/* The index of the respondent named NAME (hash H), or where it would go:
 * a slot of a->slots. */
static size_t name_slot(const eng_answers *a, const char *name, uint32_t h)
{
    size_t mask = a->nslots - 1, i = h & mask;
    while (a->slots[i] && strcmp(a->names + a->resp[a->slots[i] - 1].name, name))
        i = (i + 1) & mask;
    return i;
}

/* Appends LEN bytes at S to A's names.  0, or -1 out of memory. */
static int names_add(eng_engine *e, eng_answers *a, const void *s, size_t len)
{
    if (a->nnames + len > a->capnames) {
        size_t cap = a->capnames ? a->capnames * 2 : 1024;
        while (cap < a->nnames + len)
            cap *= 2;
        char *v = eng_mem(e, a->names, cap);
        if (!v)
            return -1;
        a->names = v;
        a->capnames = cap;
    }
    memcpy(a->names + a->nnames, s, len);
    a->nnames += len;
    return 0;
}

/* Adds respondent NAME to A's index (not yet to its hash table).  0, or -1
 * out of memory. */
static int resp_add(eng_engine *e, eng_answers *a, const char *name)
{
    size_t len = strlen(name) + 1;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        resp *v = eng_mem(e, a->resp, cap * sizeof *v);
        if (!v)
            return -1;
        a->resp = v;
        a->cap = cap;
    }
    if (2 * (a->n + 1) > a->nslots) {
        size_t ns = a->nslots ? a->nslots * 2 : 128;
        uint32_t *old = a->slots;
        size_t nold = a->nslots;
        a->slots = eng_calloc(e, ns * sizeof *a->slots);
        if (!a->slots) {
            a->slots = old;
            return -1;
        }
        a->nslots = ns;
        for (size_t i = 0; i < nold; i++)
            if (old[i]) {
                const char *n = a->names + a->resp[old[i] - 1].name;
                a->slots[name_slot(a, n, eng_hash_bytes(n, strlen(n)))] = old[i];
            }
        eng_release(e, old);
    }
    size_t at = a->nnames;
    if (names_add(e, a, name, len))
        return -1;
    memset(&a->resp[a->n], 0, sizeof a->resp[a->n]);
    a->resp[a->n].name = at;
    a->n++;
    return 0;
}

/* ------------------------------------------------ records of answers */

/* A respondent's record: its answers as they were checked, packed in bits
 * (each byte's low bits first).  The number of answers, then each answer
 * in file order:
 *
 *     question   1 when it is the one after the previous answer's (the
 *                first question, for the first answer), else 0 and its
 *                number in eng_answers.qbits bits
 *     one        the option's number, in as few bits as the options need
 *     yesno      1 for yes, 0 for no
 *     many       1 and a bit per option, set for the values, when they
 *                are in the options' order and that is shorter; else 0,
 *                the number of values, then their options' numbers
 *     number     0 and the integer zigzagged, or 1 and a double's 64 bits
 *     text       the number of pieces, then each piece's line (of the
 *                section's lines given to inih), its offset in the line
 *                and its length: the text is the pieces joined with blanks
 *
 * Counts and integers are varints (groups of seven bits, each with a bit
 * saying whether another follows).  Most answers take 2 to 12 bits: the
 * examples' respondents, 27 to 34 bytes for some 33 answers each.
 * A respondent has a record when no line of its section was skipped for
 * an error and the section can be read again at once (CHUNK_SIZE). */
typedef struct bitw {
    eng_engine *e;
    ebuf *b;                    /* the bytes written */
    uint64_t acc;               /* bits not yet written, the first lowest */
    unsigned n;                 /* how many */
} bitw;

/* Writes the N low bits of X (N <= 32). */
static void bits_put(bitw *w, uint64_t x, unsigned n)
{
    w->acc |= x << w->n;
    w->n += n;
    if (w->n >= 32) {
        char c[4] = {(char)w->acc, (char)(w->acc >> 8), (char)(w->acc >> 16),
                     (char)(w->acc >> 24)};
        ebuf_add(w->e, w->b, c, 4);
        w->acc >>= 32;
        w->n -= 32;
    }
}

static void bits_flush(bitw *w)
{
    while (w->n) {
        char c = (char)w->acc;
        ebuf_add(w->e, w->b, &c, 1);
        w->acc >>= 8;
        w->n = w->n > 8 ? w->n - 8 : 0;
    }
}

static void bits_uv(bitw *w, uint64_t x)
{
    do {
        bits_put(w, (x & 0x7f) | (x > 0x7f ? 0x80 : 0), 8);
        x >>= 7;
    } while (x);
}

typedef struct bitr {
    const unsigned char *p;     /* the next byte */
    uint64_t acc;               /* bits read and not yet used */
    unsigned n;
} bitr;

/* Reads N bits (N <= 32). */
static uint64_t bits_get(bitr *r, unsigned n)
{
    while (r->n < n) {
        r->acc |= (uint64_t)*r->p++ << r->n;
        r->n += 8;
    }
    uint64_t x = r->acc & (((uint64_t)1 << n) - 1);
    r->acc >>= n;
    r->n -= n;
    return x;
}

static uint64_t bits_get_uv(bitr *r)
{
    uint64_t x = 0, g;
    unsigned shift = 0;
    do {
        g = bits_get(r, 8);
        if (shift < 64)
            x |= (g & 0x7f) << shift;
        shift += 7;
    } while (g & 0x80);
    return x;
}

/* Bits for the numbers 0 .. X. */
static unsigned bit_width(size_t x)
{
    unsigned n = 0;
    for (; x; x >>= 1)
        n++;
    return n;
}

/* Appends K's answer to question Q, checked into values VALS[0..N-1]
 * (options IDX), to R's record.  0, or -1 when a text answer is not the
 * pieces the handler saw (the respondent then has no record). */
static int rec_answer(rdr *r, const kv *k, const eng_question *q,
                      const eng_value *vals, const uint32_t *idx, size_t n)
{
    bitw *w = r->recw;
    unsigned ob = bit_width(q->nopts ? q->nopts - 1 : 0);
    if (q->index == r->recq + 1) {
        bits_put(w, 1, 1);
    } else {
        bits_put(w, 0, 1);
        bits_put(w, q->index, r->ans->qbits);
    }
    r->recq = q->index;
    switch (q->type) {
    case ENG_Q_ONE:
        bits_put(w, idx[0], ob);
        break;
    case ENG_Q_YESNO:
        bits_put(w, idx[0], 1);
        break;
    case ENG_Q_MANY: {
        size_t up = 1, list = 8 * ((bit_width(n) + 6) / 7) + n * ob;
        for (size_t i = 1; i < n; i++)
            up &= idx[i] > idx[i - 1];
        if (up && q->nopts <= list) {
            bits_put(w, 1, 1);
            for (size_t o = 0, i = 0; o < q->nopts; o += 32) {
                uint64_t m = 0;
                for (; i < n && idx[i] < o + 32; i++)
                    m |= (uint64_t)1 << (idx[i] - o);
                bits_put(w, m, q->nopts - o < 32 ? (unsigned)(q->nopts - o) : 32);
            }
        } else {
            bits_put(w, 0, 1);
            bits_uv(w, n);
            for (size_t i = 0; i < n; i++)
                bits_put(w, idx[i], ob);
        }
        break;
    }
    case ENG_Q_NUMBER:
        if (vals[0].type == ENG_INT) {
            uint64_t u = (uint64_t)vals[0].u.i;
            bits_put(w, 0, 1);
            bits_uv(w, (u << 1) ^ (vals[0].u.i < 0 ? ~(uint64_t)0 : 0));
        } else {
            uint64_t u;
            memcpy(&u, &vals[0].u.r, sizeof u);
            bits_put(w, 1, 1);
            bits_put(w, u & 0xffffffffu, 32);
            bits_put(w, u >> 32, 32);
        }
        break;
    case ENG_Q_TEXT: {
        /* answer_parse trims the value, which inih gives without blanks
         * at either end: the pieces joined are the text */
        size_t len = k->val.len, total = k->npieces - 1;
        const char *t = k->val.p;
        for (size_t i = 0; i < k->npieces; i++)
            total += r->pieces[k->piece0 + i].len;
        if (!k->npieces || total != len || strchr(" \t\r\n", t[0]) ||
            strchr(" \t\r\n", t[len - 1]))
            return -1;
        bits_uv(w, k->npieces);
        for (size_t i = 0; i < k->npieces; i++) {
            const piece *p = &r->pieces[k->piece0 + i];
            bits_uv(w, p->line);
            bits_uv(w, p->off);
            bits_uv(w, p->len);
        }
        break;
    }
    }
    return 0;
}

/* Checks the answers of section S: unknown questions, questions answered
 * twice, values that do not fit their question, limits.  With ASSERT_THEM,
 * asserts each answer as `answer ID VALUE` as it goes (text values are
 * interned only then: a first reading keeps nothing of them).  With
 * RECORD, appends each answer to r->rec (see rec_answer), or sets
 * s->nofast when one cannot be.  Returns the number of problems, or -1
 * when out of memory or an assertion failed (*STATUS says which). */
static long check_answers(rdr *r, sect *s, int assert_them, int record,
                          int *status)
{
    eng_engine *e = r->e;
    long bad = 0;
    /* the questions answered so far in this section, to find one answered
     * twice without comparing every pair of keys: seen[Q's index] is the
     * section's stamp (made for the reading, not for each section) */
    if (!r->seen || r->nseen < e->questions.n || ++r->stamp == 0) {
        eng_release(e, r->seen);
        r->nseen = e->questions.n;
        r->stamp = 1;
        if (!(r->seen = eng_calloc(e, (r->nseen + 1) * sizeof *r->seen))) {
            r->nseen = 0;
            *status = ENG_ENOMEM;
            return -1;
        }
    }
    for (size_t i = 0; i < s->nkvs; i++) {
        kv *k = &s->kvs[i];
        const eng_question *q = eng_question_find(e, k->key);
        const char *line = kv_text(k, k->line);
        if (!q) {
            const char *dym = eng_question_suggest(e, k->key);
            rerr(r, ENG_ERROR, k->line, 1, (int)strlen(k->key), line,
                 "respondent '%s': unknown question '%s'%s%s%s", s->name, k->key,
                 dym ? " (did you mean '" : "", dym ? dym : "", dym ? "'?)" : "");
            bad++;
            continue;
        }
        for (size_t j = 0; r->seen[q->index] == r->stamp && j < i; j++)
            if (!strcmp(s->kvs[j].key, k->key)) {
                rerr(r, ENG_ERROR, k->line, 1, (int)strlen(k->key), line,
                     "respondent '%s': question '%s' is answered twice (first at line %d)",
                     s->name, k->key, s->kvs[j].line);
                bad++;
                break;      /* one error a repeat, naming the first */
            }
        r->seen[q->index] = r->stamp;
        if (k->over) {      /* over a limit: reported while reading */
            bad++;
            continue;
        }
        eng_value vals[ENG_MAX_VALUES];
        uint32_t idx[ENG_MAX_VALUES];
        size_t n;
        char err[ENG_ANSWER_ERR_SIZE];
        int rc = answer_parse(e, q, k->val.p ? k->val.p : "", vals, ENG_MAX_VALUES, &n,
                              err, sizeof err, assert_them, idx);
        if (rc == ENG_ENOMEM) {
            e->oom = 1;
            *status = ENG_ENOMEM;
            bad = -1;
            break;
        }
        if (rc) {
            kv_err(r, k, 0, (int)(k->val.len ? k->val.len : 1),
                   "respondent '%s', question '%s': %s", s->name, k->key, err);
            bad++;
            continue;
        }
        if (record && !bad && !s->nofast && rec_answer(r, k, q, vals, idx, n))
            s->nofast = 1;
        for (size_t j = 0; assert_them && !bad && j < n; j++) {
            eng_value f[3] = {e->sym_answer, q->idv, vals[j]};
            if ((rc = eng_assert(e, f, 3, NULL))) {
                *status = rc;
                bad = -1;
                break;
            }
        }
        if (bad < 0)
            break;
    }
    return bad;
}

/* A section at LINE that is not a respondent's own: OWNER (index + 1)
 * when it repeats a respondent's name, else 0. */
static void ans_break(rdr *r, int line, uint32_t owner)
{
    eng_answers *a = r->ans;
    if (!a)
        return;
    if (a->nbrk == a->capbrk) {
        size_t cap = a->capbrk ? a->capbrk * 2 : 8;
        struct ans_break *v = eng_mem(r->e, a->brk, cap * sizeof *v);
        if (!v) {
            r->e->oom = 1;
            return;
        }
        a->brk = v;
        a->capbrk = cap;
    }
    a->brk[a->nbrk].line = line;
    a->brk[a->nbrk++].owner = owner;
}

/* A section of the first reading: a respondent, checked and indexed. */
static void do_answers(rdr *r, sect *s)
{
    eng_engine *e = r->e;
    eng_answers *a = r->ans;
    uint32_t h = eng_hash_bytes(s->name, strlen(s->name));
    if (a->nslots) {
        size_t slot = name_slot(a, s->name, h);
        if (a->slots[slot]) {
            rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
                 "duplicate respondent '%s' (first at line %d)", s->name,
                 a->resp[a->slots[slot] - 1].line);
            ans_break(r, s->line, a->slots[slot]);
            return;
        }
    }
    if (a->n >= UINT32_MAX - 1) {
        rerr(r, ENG_ERROR, s->line, s->namecol, (int)strlen(s->name), s->text,
             "more than %lu respondents in one file: split it", (unsigned long)(UINT32_MAX - 2));
        ans_break(r, s->line, 0);
        return;
    }
    if (resp_add(e, a, s->name)) {
        e->oom = 1;
        return;
    }
    size_t idx = a->n - 1;
    a->slots[name_slot(a, s->name, h)] = (uint32_t)(idx + 1);
    resp *p = &a->resp[idx];
    p->off = r->soff;
    p->end = r->send;
    p->hash = r->shash;
    p->line = s->line;
    p->valid = !s->over && !s->lineerr;
    /* a record, for a section that can be read again at once and whose
     * lines are all either given to inih or blank or comments */
    int record = !s->nofast && !r->sskip_send && r->send - r->soff <= CHUNK_SIZE;
    int status = ENG_OK;
    bitw w = {e, &r->rec, 0, 0};
    r->rec.len = 0;
    r->recw = &w;
    r->recq = (size_t)-1;
    if (record)
        bits_uv(&w, s->nkvs);
    r->checking = 1;
    long bad = check_answers(r, s, 0, record, &status);
    r->checking = 0;
    a->resp[idx].hidden = (uint8_t)s->hidden;
    a->resp[idx].shown = (uint8_t)(s->shown < 255 ? s->shown : 255);
    if (bad) {
        a->resp[idx].valid = 0;
    } else if (record && !s->nofast) {
        bits_flush(&w);
        if (!r->rec.oom && names_add(e, a, r->rec.p, r->rec.len))
            e->oom = 1;
        else if (!r->rec.oom)
            a->resp[idx].rec = 1;
    }
    r->recw = NULL;
}

/* The section read again by eng_answers_assert: it must be the one that
 * was checked, line for line; then its answers are asserted. */
static void do_replay(rdr *r, sect *s)
{
    const resp *p = r->want;
    r->replayed = 1;
    if (strcmp(s->name, r->from->names + p->name) || r->send != p->end ||
        r->shash != p->hash || (s->over && !r->report)) {
        r->bad = 1;
        return;
    }
    if (r->report) {
        r->checking = 1;
        (void)check_answers(r, s, 0, 0, &r->status);  /* out of memory: status */
        r->checking = 0;
    } else if (check_answers(r, s, 1, 0, &r->status) > 0) {
        r->bad = 1;
    }
}

/* The length of S (N bytes) up to a CR or LF. */
static size_t strcspn_n(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] != '\r' && s[i] != '\n')
        i++;
    return i;
}

/* Looks for a NUL byte in the file: 1 and a diagnostic at the first, 0
 * when there is none, -1 on a read error (errno). */
static int find_nul(eng_engine *e, const char *path, int fd, char *chunk,
                    size_t size)
{
    uint64_t off = 0, at = 0;
    ssize_t got;
    int found = 0;
    while (!found) {
        do
            got = pread(fd, chunk, size, (off_t)off);
        while (got < 0 && errno == EINTR);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        const char *z = memchr(chunk, '\0', (size_t)got);
        if (z) {
            at = off + (uint64_t)(z - chunk);
            found = 1;
        }
        off += (uint64_t)got;
    }
    /* rare: read up to it again for its line and column */
    uint64_t line = 1, ls = 0;
    for (off = 0; off < at; off += (uint64_t)got) {
        size_t want = at - off < size ? (size_t)(at - off) : size;
        do
            got = pread(fd, chunk, want, (off_t)off);
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            return -1;
        for (const char *p = chunk; (p = memchr(p, '\n', (size_t)(chunk + got - p))); p++) {
            line++;
            ls = off + (uint64_t)(p - chunk) + 1;
        }
    }
    uint64_t col = at - ls + 1;
    size_t first = e->ndiags;
    eng_diagf(e, ENG_ERROR, path, line > INT_MAX ? INT_MAX : (int)line,
              col > INT_MAX ? INT_MAX : (int)col, 1, NULL,
              "the file contains a NUL byte: it is not a text file");
    /* its line up to the NUL byte as the source, the part a program that
     * shows the line can show: else it would read the whole file for it */
    if (e->ndiags > first) {
        size_t n = at - ls < 1000 ? (size_t)(at - ls) : 1000;
        do
            got = pread(fd, chunk, n, (off_t)ls);
        while (got < 0 && errno == EINTR);
        if (got >= 0)
            e->diags[first].source = eng_strndup(e, chunk, strcspn_n(chunk, (size_t)got));
    }
    return 1;
}

/* Room for a line of a streamed file in E: see rdr.lbuf. */
static size_t line_cap(const eng_engine *e)
{
    return (e->cfg.max_line > 1000 ? e->cfg.max_line : 1000) + 2;
}

/* Reads (MODE_ANSWERS) or reads again (MODE_REPLAY) a streamed answers
 * file through the same reader as knowledge-base files.  R is set up, its
 * buffers too or else made here. */
static int parse_stream(rdr *r)
{
    eng_engine *e = r->e;
    int own = !r->chunk;
    if (own) {
        r->chunkcap = CHUNK_SIZE;
        r->lcap = line_cap(e);
        r->chunk = eng_malloc(e, r->chunkcap);
        r->lbuf = eng_malloc(e, r->lcap);
    }
    int rc = r->chunk && r->lbuf ? run_inih(r) : ENG_ENOMEM;
    if (own) {
        eng_release(e, r->chunk);
        eng_release(e, r->lbuf);
        r->chunk = r->lbuf = NULL;
    }
    spool_reset(e, &r->pool, 1);
    eng_release(e, r->seen);
    eng_release(e, r->pieces);
    ebuf_free(e, &r->rec);
    return rc;
}

/* The diagnostic for a file that is no longer what was read. */
static void answers_changed(eng_engine *e, const char *path, int line,
                            const char *name)
{
    if (name)
        eng_diagf(e, ENG_ERROR, path, line, 0, 1, NULL,
                  "the file changed after it was read: respondent '%s' and the ones after it are not read again (run again on the finished file)",
                  name);
    else
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "the file changed while it was being read: read it again once it is complete");
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ino == b->st_ino &&
           a->st_dev == b->st_dev;
}

static eng_answers *answers_read(eng_engine *e, const char *path, int given);

eng_answers *eng_answers_read(eng_engine *e, const char *path)
{
    return answers_read(e, path, -1);
}

eng_answers *eng_answers_read_fd(eng_engine *e, int fd, const char *name)
{
    return answers_read(e, name, fd);
}

/* Reads answers file PATH; or, with FD >= 0, the file open as FD (PATH
 * names it in messages), which is closed with the answers, or at once
 * when they cannot be read. */
static eng_answers *answers_read(eng_engine *e, const char *path, int given)
{
    eng_answers *a = eng_calloc(e, sizeof *a);
    if (!a) {
        if (given >= 0)
            close(given);
        errno = ENOMEM;
        return NULL;
    }
    a->e = e;
    a->io = eng_calloc(e, sizeof *a->io);
    a->path = eng_strndup(e, path, strlen(path));
    if (a->io)
        a->io->fd = given;      /* not 0 from calloc: that is stdin */
    if (!a->io || !a->path) {
        if (!a->io && given >= 0)
            close(given);
        eng_answers_free(a);
        errno = ENOMEM;
        return NULL;
    }
    a->qbits = bit_width(e->questions.n ? e->questions.n - 1 : 0);
    if (given < 0 && !*path) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "the answers file's name is empty: give an answers file");
        eng_answers_free(a);
        errno = EIO;
        return NULL;
    }
    struct stat st;
    if (given < 0 && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "not a regular file: an answers file is a plain INI file");
        eng_answers_free(a);
        errno = EIO;
        return NULL;
    }
    int fd = given >= 0 ? given : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        open_error(e, path, errno);
        eng_answers_free(a);
        errno = EIO;
        return NULL;
    }
    a->io->fd = fd;
    if (fstat(fd, &a->io->st) || !S_ISREG(a->io->st.st_mode)) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL,
                  "not a regular file: an answers file is a plain INI file");
        eng_answers_free(a);
        errno = EIO;
        return NULL;
    }
    rdr r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.path = eng_path_intern(e, path);
    r.fd = fd;
    r.mode = MODE_ANSWERS;
    r.ans = a;
    int rc = ENG_ENOMEM, nul = 0;
    char *chunk = eng_malloc(e, CHUNK_SIZE);
    if (chunk && r.path) {
        /* a NUL byte anywhere makes the file no text file at all: looked
         * for first, so that nothing else is reported then; the file is
         * read as one without respondents, its error counted (a file that
         * is there but wrong, as a knowledge base's) */
        nul = find_nul(e, r.path, fd, chunk, CHUNK_SIZE);
        rc = nul < 0 ? ENG_EIO : ENG_OK;
        if (nul < 0)
            r.ioerr = errno ? errno : EIO;
    }
    eng_release(e, chunk);
    if (rc == ENG_OK && !nul)
        rc = parse_stream(&r);
    if (nul > 0) {
        /* reported by find_nul */
    } else if (rc != ENG_ENOMEM && r.ioerr > 0) {
        eng_diagf(e, ENG_ERROR, path, 0, 0, 1, NULL, "cannot read: %s",
                  strerror(r.ioerr));
        rc = ENG_EIO;
    } else if (rc != ENG_ENOMEM &&
               (r.ioerr < 0 || fstat(fd, &st) || !same_file(&st, &a->io->st))) {
        answers_changed(e, path, 0, NULL);
        rc = ENG_EIO;
    }
    if (rc == ENG_ENOMEM || rc == ENG_EIO) {
        eng_answers_free(a);
        errno = rc == ENG_ENOMEM ? ENOMEM : EIO;
        return NULL;
    }
    if (r.rhidden) {
        eng_diagf(e, ENG_NOTE, path, r.rhidden_line, 0, 1, NULL,
                  "at least %zu more errors from here on are not shown "
                  "(a respondent with any is not advised; name one to see all of its own)",
                  r.rhidden);
        a->note_line = r.rhidden_line;
        a->note_file = r.rhidden_file;
    }
    if (!a->n && rc == ENG_OK && !nul)
        eng_diagf(e, ENG_WARNING, path, 0, 0, 1, NULL,
                  "no [answers NAME] sections: there is nobody to advise");
    /* the index is final: give back what growing it left over */
    if (a->n < a->cap) {
        resp *v = eng_mem(e, a->resp, (a->n ? a->n : 1) * sizeof *v);
        if (v) {
            a->resp = v;
            a->cap = a->n ? a->n : 1;
        }
    }
    if (a->nnames < a->capnames) {
        char *v = eng_mem(e, a->names, a->nnames ? a->nnames : 1);
        if (v) {
            a->names = v;
            a->capnames = a->nnames ? a->nnames : 1;
        }
    }
    return a;
}

void eng_answers_free(eng_answers *a)
{
    if (!a)
        return;
    eng_engine *e = a->e;
    if (a->io) {
        if (a->io->fd >= 0)
            close(a->io->fd);
        eng_release(e, a->io->chunk);
        eng_release(e, a->io->lbuf);
        ebuf_free(e, &a->io->text);
        eng_release(e, a->io->lines);
    }
    eng_release(e, a->io);
    eng_release(e, a->resp);
    eng_release(e, a->names);
    eng_release(e, a->slots);
    eng_release(e, a->brk);
    eng_release(e, a->path);
    eng_release(e, a);
}

size_t eng_answers_count(const eng_answers *a) { return a->n; }

/* How many of the N elements at BASE (SIZE bytes each, an int line
 * number at OFF, ascending) start at or before LINE. */
static size_t lines_upto(const void *base, size_t n, size_t size, size_t off,
                         int line)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int at;
        memcpy(&at, (const char *)base + mid * size + off, sizeof at);
        if (at <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long eng_answers_owner(const eng_answers *a, int line)
{
    /* the last respondent whose header is at or before LINE ... */
    size_t r = lines_upto(a->resp, a->n, sizeof *a->resp, offsetof(resp, line), line);
    long owner = r ? (long)r - 1 : -1;
    int from = r ? a->resp[r - 1].line : 0;
    /* ... unless a section that is not its own comes after it */
    size_t b = lines_upto(a->brk, a->nbrk, sizeof *a->brk,
                          offsetof(struct ans_break, line), line);
    if (b && a->brk[b - 1].line > from)
        owner = (long)a->brk[b - 1].owner - 1;
    return owner;
}

const char *eng_answers_name(const eng_answers *a, size_t i)
{
    return i < a->n ? a->names + a->resp[i].name : NULL;
}

int eng_answers_where(const eng_answers *a, size_t i, int *col)
{
    if (col)
        *col = 1;
    if (i >= a->n)
        return 0;
    const resp *p = &a->resp[i];
    if (col && a->io->fd >= 0) {
        /* the header is read again for the name's column: the index keeps
         * the line only */
        char head[256];
        ssize_t got = pread(a->io->fd, head, sizeof head, (off_t)p->off);
        const char *name = a->names + p->name;
        size_t nlen = strlen(name);
        ssize_t c = 0;
        while (c < got && head[c] != '[')       /* past blanks, a BOM */
            c++;
        for (c++; c < got && (head[c] == ' ' || head[c] == '\t'); c++)
            ;
        while (c < got && head[c] != ' ' && head[c] != '\t' && head[c] != ']')
            c++;                                /* the section's kind */
        while (c < got && (head[c] == ' ' || head[c] == '\t'))
            c++;
        if (c + (ssize_t)nlen <= got && !memcmp(head + c, name, nlen))
            *col = (int)c + 1;
    }
    return p->line;
}

int eng_answers_valid(const eng_answers *a, size_t i)
{
    return i < a->n && a->resp[i].valid;
}

/* Asserts the answers of respondent P from its record, when the lines of
 * its section are as they were when it was read.  Its section had no
 * line that the reader skips for an error: its lines that are not blank
 * or comments are those the reader gives inih, and when they hash the
 * same and the last ends where it did, reading the section again in full
 * would give inih the same lines, and the same answers (it reads no
 * further than P->end either).  Returns a status as eng_answers_assert
 * does, or -1 when the section is not as it was or cannot be read at
 * once: it is then read again in full, which tells what changed. */
static int assert_record(eng_engine *e, const eng_answers *a, const resp *p)
{
    ans_io *io = a->io;
    size_t len = (size_t)(p->end - p->off), got = 0, given = 0, last = 0;
    char *sec = io->chunk;
    while (got < len) {
        ssize_t k = pread(io->fd, sec + got, len - got, (off_t)(p->off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    uint64_t h = HASH_INIT;
    for (size_t at = 0, next; at < len; at = next) {
        const char *nl = memchr(sec + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (sec + at)) : len - at, lead = 0;
        next = at + n + (nl != NULL);
        if (n && sec[at + n - 1] == '\r')
            n--;
        while (lead < n && (sec[at + lead] == ' ' || sec[at + lead] == '\t'))
            lead++;
        if (lead == n || sec[at + lead] == ';' || sec[at + lead] == '#')
            continue;
        h = line_hash(h, sec + at, n, 0);
        if (given == io->nlines) {
            size_t cap = io->nlines ? io->nlines * 2 : 64;
            uint32_t *v = eng_mem(a->e, io->lines, cap * sizeof *v);
            if (!v) {
                e->oom = 1;
                return ENG_ENOMEM;
            }
            io->lines = v;
            io->nlines = cap;
        }
        io->lines[given++] = (uint32_t)at;
        last = next;
    }
    if (h != p->hash || last != len)
        return -1;
    bitr b = {(const unsigned char *)a->names + p->name, 0, 0};
    b.p += strlen((const char *)b.p) + 1;
    uint64_t nans = bits_get_uv(&b);
    size_t qi = (size_t)-1;
    int status = ENG_OK;
    for (uint64_t i = 0; i < nans && status == ENG_OK; i++) {
        qi = bits_get(&b, 1) ? qi + 1 : (size_t)bits_get(&b, a->qbits);
        const eng_question *q = e->questions.v[qi];
        unsigned ob = bit_width(q->nopts ? q->nopts - 1 : 0);
        size_t n = 1, mask = 0, o = 0;
        if (q->type == ENG_Q_MANY && !(mask = (size_t)bits_get(&b, 1)))
            n = (size_t)bits_get_uv(&b);
        for (size_t j = 0; j < n && status == ENG_OK; j++) {
            eng_value v;
            switch (q->type) {
            case ENG_Q_ONE:
                status = option_sym(e, q, (size_t)bits_get(&b, ob), &v);
                break;
            case ENG_Q_MANY:
                if (mask) {
                    /* the options whose bits are set, in order */
                    while (o < q->nopts && !bits_get(&b, 1))
                        o++;
                    if (o == q->nopts)
                        continue;
                    n++;
                    status = option_sym(e, q, o++, &v);
                } else {
                    status = option_sym(e, q, (size_t)bits_get(&b, ob), &v);
                }
                break;
            case ENG_Q_YESNO:
                status = eng_intern_sym(e, bits_get(&b, 1) ? "yes" : "no", &v);
                break;
            case ENG_Q_NUMBER:
                if (!bits_get(&b, 1)) {
                    uint64_t z = bits_get_uv(&b);
                    v = eng_num_int((int64_t)((z >> 1) ^ (~(z & 1) + 1)));
                } else {
                    uint64_t u = bits_get(&b, 32);
                    u |= bits_get(&b, 32) << 32;
                    v.type = ENG_REAL;
                    memcpy(&v.u.r, &u, sizeof u);
                }
                break;
            case ENG_Q_TEXT: {
                size_t np = (size_t)bits_get_uv(&b);
                const char *t = NULL;
                size_t tl = 0;
                io->text.len = 0;
                for (size_t k = 0; k < np; k++) {
                    size_t line = (size_t)bits_get_uv(&b);
                    size_t off = (size_t)bits_get_uv(&b);
                    tl = (size_t)bits_get_uv(&b);
                    t = sec + io->lines[line] + off;
                    if (np > 1) {
                        if (k)
                            ebuf_add(e, &io->text, " ", 1);
                        ebuf_add(e, &io->text, t, tl);
                    }
                }
                if (np > 1) {
                    if (io->text.oom) {
                        ebuf_free(e, &io->text);
                        return ENG_ENOMEM;
                    }
                    t = io->text.p;
                    tl = io->text.len;
                }
                status = eng_intern(e, t, tl, ENG_STRING, &v);
                break;
            }
            }
            if (status == ENG_ENOMEM) {
                e->oom = 1;
                break;
            }
            eng_value f[3] = {e->sym_answer, q->idv, v};
            status = eng_assert(e, f, 3, NULL);
        }
    }
    return e->oom ? ENG_ENOMEM : status;
}

/* Reads respondent P's section again (see eng_answers_assert): asserting
 * its answers, or with REPORT, reporting its problems. */
static int replay(eng_engine *e, const eng_answers *a, const resp *p, int report)
{
    ans_io *io = a->io;
    const char *name = a->names + p->name;
    struct stat st;
    if (io->stale)
        return ENG_EIO;     /* reported when it was found */
    if (fstat(io->fd, &st) || !same_file(&st, &io->st)) {
        io->stale = 1;
        answers_changed(e, a->path, p->line, name);
        return ENG_EIO;
    }
    /* the buffers belong to A (made with its engine's allocator) */
    if (!io->chunk || io->lcap < line_cap(e)) {
        eng_release(a->e, io->chunk);
        eng_release(a->e, io->lbuf);
        io->lcap = line_cap(e);
        io->chunk = eng_malloc(a->e, CHUNK_SIZE);
        io->lbuf = eng_malloc(a->e, io->lcap);
        if (!io->chunk || !io->lbuf) {
            eng_release(a->e, io->chunk);
            eng_release(a->e, io->lbuf);
            io->chunk = io->lbuf = NULL;
            return ENG_ENOMEM;
        }
    }
    /* the answers as they were checked, when the section is unchanged and
     * this is the engine that checked them */
    if (!report && p->rec && e == a->e && !e->oom) {
        int rc = assert_record(e, a, p);
        if (rc >= 0)
            return rc;
    }
    rdr r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.path = eng_path_intern(e, a->path);
    if (!r.path)
        return ENG_ENOMEM;
    r.chunk = io->chunk;
    r.chunkcap = CHUNK_SIZE;
    r.lbuf = io->lbuf;
    r.lcap = io->lcap;
    r.fd = io->fd;
    r.mode = MODE_REPLAY;
    r.report = report;
    r.from = a;
    r.want = p;
    r.fpos = r.nextoff = p->off;
    /* reporting, the section is read to the next header: its lines after
     * the last one given to inih (errors) are its own too */
    r.stop = report ? UINT64_MAX : p->end;
    r.line = p->line - 1;
    int rc = parse_stream(&r);
    if (rc == ENG_ENOMEM || r.status == ENG_ENOMEM)
        return ENG_ENOMEM;
    if (r.ioerr > 0) {
        io->stale = 1;
        eng_diagf(e, ENG_ERROR, a->path, p->line, 0, 1, NULL, "cannot read: %s",
                  strerror(r.ioerr));
        return ENG_EIO;
    }
    if (r.ioerr < 0 || r.bad || !r.replayed) {
        io->stale = 1;
        answers_changed(e, a->path, p->line, name);
        return ENG_EIO;
    }
    if (r.rhidden)
        eng_diagf(e, ENG_NOTE, a->path, r.rhidden_line, 0, 1, NULL,
                  "respondent '%s': at least %zu more errors from here on are not shown",
                  name, r.rhidden);
    return r.status;
}

int eng_answers_assert(eng_engine *e, const eng_answers *a, size_t i)
{
    if (i >= a->n || !a->resp[i].valid)
        return ENG_EINVAL;
    return replay(e, a, &a->resp[i], 0);
}

int eng_answers_note(const eng_answers *a, size_t *file_errors)
{
    if (file_errors)
        *file_errors = a->note_file;
    return a->note_line;
}

int eng_answers_hidden(const eng_answers *a, size_t i)
{
    return i < a->n && a->resp[i].hidden;
}

int eng_answers_report(eng_engine *e, const eng_answers *a, size_t i)
{
    if (i >= a->n)
        return ENG_EINVAL;
    if (!a->resp[i].hidden)
        return ENG_OK;
    return replay(e, a, &a->resp[i], 1);
}

/* ------------------------------------------------------------ tests */

size_t eng_test_count(const eng_engine *e) { return e->tests.n; }

const eng_test *eng_test_at(const eng_engine *e, size_t i)
{
    return i < e->tests.n ? e->tests.v[i] : NULL;
}

const char *eng_test_name(const eng_test *t) { return t->name; }
const char *eng_test_path(const eng_test *t) { return t->path; }
int eng_test_line(const eng_test *t) { return t->line; }
size_t eng_test_expect_count(const eng_test *t) { return t->nexp; }

const char *eng_test_expect(const eng_test *t, size_t i, int *negate)
{
    if (i >= t->nexp)
        return NULL;
    if (negate)
        *negate = t->exp[i].negate;
    return t->exp[i].text;
}

int eng_test_expect_line(const eng_test *t, size_t i)
{
    return i < t->nexp ? t->exp[i].line : 0;
}

/* The facts a failed expectation shows: the first three of those found,
 * each whole however long, then how many more there are. */
typedef struct tfound {
    eng_engine *e;
    ebuf buf;
    int n;
} tfound;

static int collect(void *ud, const eng_fact *f)
{
    tfound *tf = ud;
    if (tf->n < 3) {
        char tmp[256], *p = tmp;
        size_t len = eng_fact_format(tf->e, f, tmp, sizeof tmp);
        if (len >= sizeof tmp && (p = eng_malloc(tf->e, len + 1)))
            eng_fact_format(tf->e, f, p, len + 1);
        if (!p) {
            tf->buf.oom = 1;
            return 1;
        }
        if (tf->n)
            ebuf_puts(tf->e, &tf->buf, "; ");
        ebuf_add(tf->e, &tf->buf, p, len);
        if (p != tmp)
            eng_release(tf->e, p);
    }
    tf->n++;
    return 0;
}

/* Ends TF's list with the number of facts it left out. */
static void found_end(tfound *tf)
{
    if (tf->n > 3)
        ebuf_printf(tf->e, &tf->buf, "; and %d more", tf->n - 3);
}

/* Into NEAR, the live facts of PATTERN's relation, to help see why it
 * matched none: those of the pattern's size if there are any, else those
 * of the smallest size there is.  The relation is taken whole and facts of
 * any size are looked at. */
static void near_facts(eng_engine *e, const char *pattern, tfound *near)
{
    size_t rl = strcspn(pattern, " \t"), size = 0, best = 0, tl;
    eng_value rel;
    int closed;
    for (const char *p = pattern; eng_pattern_term(&p, &tl, &closed);)
        size++;                             /* terms, as eng_query counts them */
    /* the relation was interned when the pattern was read at load */
    if (eng_intern(e, pattern, rl, ENG_SYMBOL, &rel)) {
        near->buf.oom = 1;
        return;
    }
    for (const eng_fact *f = e->lhead; f && best != size; f = f->lnext)
        if (eng_val_eq(f->v[0], rel) && (!best || f->n == size || f->n < best))
            best = f->n;
    for (const eng_fact *f = e->lhead; f && !near->buf.oom; f = f->lnext)
        if (f->n == best && eng_val_eq(f->v[0], rel))
            collect(near, f);
    found_end(near);
}

int eng_test_run(eng_engine *e, const eng_test *t,
                 void (*fn)(void *ud, const eng_test *t, int line,
                            const char *message),
                 void *ud)
{
    int rc = eng_reset(e);
    if (rc)
        return -rc;
    for (size_t i = 0; i < t->nans; i++)
        for (size_t j = 0; j < t->ans[i].nvals; j++) {
            eng_value f[3] = {e->sym_answer, t->ans[i].q->idv, t->ans[i].vals[j]};
            if ((rc = eng_assert(e, f, 3, NULL)))
                return -rc;
        }
    rc = eng_run(e, 0, NULL);
    if (rc)
        return -rc;
    int pass = 1;
    /* the messages hold the pattern and the facts whole, however long */
    ebuf msg = {0};
    for (size_t i = 0; i < t->nexp && pass >= 0; i++) {
        const texpect *x = &t->exp[i];
        tfound tf = {e, {0}, 0};
        /* the facts found are shown only for an expect_not */
        long n = eng_query(e, x->text, x->negate ? collect : NULL, &tf);
        found_end(&tf);
        msg.len = 0;
        if (!x->negate && n <= 0) {
            tfound near = {e, {0}, 0};
            near_facts(e, x->text, &near);
            if (near.buf.oom)
                msg.oom = 1;
            ebuf_printf(e, &msg, "expected a fact matching '%s', found none", x->text);
            if (near.n) {
                ebuf_puts(e, &msg, "; facts of that relation: ");
                ebuf_add(e, &msg, near.buf.p, near.buf.len);
            } else {
                ebuf_puts(e, &msg, " of that relation");
            }
            ebuf_free(e, &near.buf);
            pass = 0;
        } else if (x->negate && n > 0) {
            if (tf.buf.oom)
                msg.oom = 1;
            ebuf_printf(e, &msg, "expected no fact matching '%s', found ", x->text);
            ebuf_add(e, &msg, tf.buf.p, tf.buf.len);
            pass = 0;
        }
        if (tf.buf.oom)
            msg.oom = 1;
        ebuf_free(e, &tf.buf);
        if (msg.oom)
            pass = -ENG_ENOMEM;     /* no verdict: the message is lost */
        else if (msg.len && fn)
            fn(ud, t, x->line, msg.p);
    }
    ebuf_free(e, &msg);
    return pass;
}

/* ------------------------------------------------------------ life cycle */

static void *pcre_alloc(size_t n, void *ud)
{
    return eng_mem(ud, NULL, n);
}

static void pcre_free(void *p, void *ud)
{
    if (p)
        eng_mem(ud, p, 0);
}

eng_engine *eng_new(const eng_config *cfg)
{
    eng_config c;
    memset(&c, 0, sizeof c);
    if (cfg)
        c = *cfg;
    if (c.max_firings <= 0)
        c.max_firings = ENG_DEFAULT_FIRINGS;
    if (!c.regex_match_limit)
        c.regex_match_limit = 100000;
    if (!c.regex_depth_limit)
        c.regex_depth_limit = 1000;
    if (!c.max_line)
        c.max_line = 4096;
    eng_engine *e = c.alloc ? c.alloc(c.alloc_ud, NULL, sizeof *e)
                            : malloc(sizeof *e);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->cfg = c;
    /* maps that live as long as the engine take their entries from its
     * arena (the signature maps are freed at the first reset instead) */
    smap *forever[] = {&e->rule_names, &e->question_names, &e->question_ids,
                       &e->test_names, &e->fact_names, &e->entry_names, &e->kinds,
                       &e->paths, &e->files};
    for (size_t i = 0; i < sizeof forever / sizeof *forever; i++)
        forever[i]->arena = 1;
    e->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, e);
    if (!e->gctx)
        goto fail;
    e->cctx = pcre2_compile_context_create(e->gctx);
    e->mctx = pcre2_match_context_create(e->gctx);
    if (!e->cctx || !e->mctx)
        goto fail;
    pcre2_set_match_limit(e->mctx, c.regex_match_limit);
    pcre2_set_depth_limit(e->mctx, c.regex_depth_limit);
    e->top = eng_arena(e, sizeof *e->top);
    if (!e->top || pvec_push(e, &e->allnodes, e->top))
        goto fail;
    e->top->type = N_TOP;
    if (eng_intern_sym(e, "answer", &e->sym_answer))
        goto fail;
    return e;
fail:
    eng_free(e);
    return NULL;
}

void eng_free(eng_engine *e)
{
    if (!e)
        return;
    e->listener = NULL;     /* no events from the teardown */
    eng_wm_free(e);
    pvec_free(e, &e->allnodes);     /* nodes and memories are in the arena */
    pvec_free(e, &e->allamems);
    for (size_t i = 0; i < e->ndisp; i++)
        for (reldisp *d = e->disp[i]; d; d = d->next)
            eng_release(e, d->byval);
    eng_release(e, e->disp);
    for (size_t i = 0; i < e->regexes.n; i++) {
        regex *re = e->regexes.v[i];
        pcre2_code_free(re->code);
        pcre2_match_data_free(re->md);
    }
    pvec_free(e, &e->regexes);
    for (size_t i = 0; i < e->pending_tests.n; i++) {
        rawtest *rt = e->pending_tests.v[i];
        sect_clear(e, &rt->s);
        eng_release(e, rt);
    }
    pvec_free(e, &e->pending_tests);
    pvec *vecs[] = {&e->rules, &e->questions, &e->tests, &e->entries,
                    &e->rfacts, &e->levels, &e->run_rules, &e->kindlist,
                    &e->inputs};
    for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++)
        pvec_free(e, vecs[i]);
    smap *maps[] = {&e->rule_names, &e->question_names, &e->question_ids, &e->test_names,
                    &e->fact_names, &e->entry_names, &e->kinds, &e->amems,
                    &e->nodes, &e->paths, &e->files};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        smap_free(e, maps[i]);
    ebuf_free(e, &e->sig);
    eng_diag_clear(e);
    eng_release(e, e->diags);
    eng_scratch_free(e);
    eng_release(e, e->atoms);     /* the atoms themselves are in the arena */
    eng_release(e, e->abuckets);
    void *c = e->arena_chunks;
    while (c) {
        void *next = *(void **)c;
        eng_release(e, c);
        c = next;
    }
    pcre2_match_context_free(e->mctx);
    pcre2_compile_context_free(e->cctx);
    pcre2_general_context_free(e->gctx);
    if (e->cfg.alloc)
        e->cfg.alloc(e->cfg.alloc_ud, e, 0);
    else
        free(e);
}
