/*
 * parse.c -- lexer and parser for the text of `when`, `then`, `ask_if`,
 * `fact` and `expect` lines.  Produces parse trees (pce, pact, pexpr) with
 * byte offsets mapped back to file:line:col through a srcmap; compile.c
 * resolves variables and builds the match network from them.
 *
 * Grammar (one line each):
 *   ce      := [VAR '<-'] ['not'|'exists'] SYMBOL term* ('(' expr ')')*
 *            | ['test'] expr
 *   action  := 'assert' SYMBOL aterm* | 'add' SYMBOL aterm+ | 'retract' VAR+
 *            | 'halt'
 *   term    := SYMBOL | NUMBER | STRING | VAR | '?'
 *   aterm   := SYMBOL | NUMBER | STRING | VAR | '(' expr ')'
 *   expr    := and ('or' and)*          and := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := sum [('='|'!='|'<'|'<='|'>'|'>=') sum
 *                  | 'in' '{' sum (',' sum)* '}' | '~' REGEX]
 *   sum     := prod (('+'|'-') prod)*   prod := unary (('*'|'/') unary)*
 *   unary   := '-' unary | SYMBOL | NUMBER | STRING | VAR | '(' expr ')'
 * A '-' written directly before a digit after a blank, '(', '{' or ',' is
 * the sign of a number; so `?n - 1` subtracts while `?n -1` is an error
 * with a hint, and `?n-1` is a variable named n-1 (symbols may hold '-').
 */
#include <stdio.h>
#include <string.h>

#include "eng_int.h"

enum {
    K_END, K_SYM, K_NUM, K_STR, K_VAR, K_WILD, K_ARROW,
    K_EQ, K_NE, K_LT, K_LE, K_GT, K_GE,
    K_PLUS, K_MINUS, K_STAR, K_SLASH, K_TILDE, K_REGEX,
    K_LBRACE, K_RBRACE, K_COMMA, K_LPAREN, K_RPAREN, K_ERR
};

/* The words the grammar gives a meaning of its own; a symbol token says
 * which one it spells, found once by the lexer. */
enum { KW_NONE, KW_AND, KW_OR, KW_IN, KW_NOT, KW_EXISTS, KW_TEST };

typedef struct ltok {
    int k;
    int kw;                 /* K_SYM: KW_NONE or the keyword */
    size_t off, len;
    eng_value v;            /* K_SYM, K_NUM, K_STR */
    const char *name;       /* K_VAR (arena copy, without '?') */
    regex *re;              /* K_REGEX */
} ltok;

typedef struct parser {
    eng_engine *e;
    const srcmap *m;        /* NULL: report nothing */
    const char *s;
    size_t n, pos;
    ltok cur, next;         /* one token of lookahead */
    int failed;
    int depth;
    int prevk;
} parser;

void eng_srcmap_pos(const srcmap *m, size_t off, int *line, int *col,
                    const char **text)
{
    size_t i = 0;
    if (!m->nsegs) {
        *line = *col = 0;
        if (text)
            *text = NULL;
        return;
    }
    while (i + 1 < m->nsegs && m->segs[i + 1].off <= off)
        i++;
    const seg *sg = &m->segs[i];
    *line = sg->line;
    *col = sg->col + (int)(off - sg->off);
    if (text)
        *text = sg->text;
}

static void perr(parser *p, size_t off, size_t span, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void perr(parser *p, size_t off, size_t span, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (!p->m)
        return;
    int line, col;
    const char *text;
    eng_srcmap_pos(p->m, off, &line, &col, &text);
    va_list ap;
    va_start(ap, fmt);
    eng_diagv(p->e, ENG_ERROR, p->m->path, line, col, (int)(span ? span : 1),
              text, fmt, ap);
    va_end(ap);
}

/* Character classes by table: LETTER starts a symbol (any byte of a
 * UTF-8 sequence counts), SYMCH continues one. */
enum { C_LETTER = 1, C_SYMCH = 2 };
#define L_ C_LETTER | C_SYMCH
#define S_ C_SYMCH
#define ROW16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char cclass[256] = {
    ROW16(0), ROW16(0),
    /* ' ' to '/': '-' and '.' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, S_, S_, 0,
    /* '0' to '?': digits and ':' */
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, 0, 0, 0, 0, 0,
    /* '@' to '_': capitals and '_' */
    0, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, 0, 0, 0, 0, L_,
    /* '`' to DEL: small letters */
    0, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
    L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, 0, 0, 0, 0, 0,
    ROW16(L_), ROW16(L_), ROW16(L_), ROW16(L_),
    ROW16(L_), ROW16(L_), ROW16(L_), ROW16(L_),
};
#undef L_
#undef S_
#undef ROW16

static inline int is_letter(unsigned char c)
{
    return cclass[c] & C_LETTER;
}

static inline int is_symch(unsigned char c)
{
    return cclass[c] & C_SYMCH;
}

/* Bytes from 0x80 count as letters, but for a C1 control (eng_c1_at): a
 * symbol cannot hold one, as it cannot hold a C0 control.  S has N bytes;
 * the byte at I is in it. */
static inline int letter_at(const char *s, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    return is_letter(u[i]) && !eng_c1_at(u, i, n);
}

static inline int symch_at(const char *s, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    return is_symch(u[i]) && !eng_c1_at(u, i, n);
}

size_t eng_symbol_len(const char *s, size_t n)
{
    if (!n || !letter_at(s, 0, n))
        return 0;
    size_t i = 1;
    while (i < n && symch_at(s, i, n))
        i++;
    return i;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static const char *kname(int k)
{
    static const char *names[] = {
        "end of line", "symbol", "number", "string", "variable", "'?'",
        "'<-'", "'='", "'!='", "'<'", "'<='", "'>'", "'>='", "'+'", "'-'",
        "'*'", "'/'", "'~'", "regular expression", "'{'", "'}'", "','",
        "'('", "')'", "invalid text"
    };
    return names[k];
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void lex_regex(parser *p, ltok *t)
{
    const char *s = p->s;
    size_t i = p->pos;
    while (i < p->n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    t->off = i;
    if (i >= p->n || s[i] != '/') {
        perr(p, i, 1, "expected a regular expression /pattern/flags after '~'");
        t->k = K_ERR;
        return;
    }
    size_t start = ++i;
    while (i < p->n && s[i] != '/') {
        if (s[i] == '\\' && i + 1 < p->n)
            i++;
        i++;
    }
    if (i >= p->n) {
        perr(p, t->off, p->n - t->off,
             "unterminated regular expression: expected a closing '/'");
        t->k = K_ERR;
        return;
    }
    size_t end = i++;
    uint32_t opts = 0;
    while (i < p->n && is_letter((unsigned char)s[i])) {
        switch (s[i]) {
        case 'i': opts |= PCRE2_CASELESS; break;
        case 'x': opts |= PCRE2_EXTENDED; break;
        case 'u': opts |= PCRE2_UTF | PCRE2_UCP; break;
        default:
            perr(p, i, 1, "unknown regular expression flag '%c' (expected i, x or u)",
                 s[i]);
            t->k = K_ERR;
            return;
        }
        i++;
    }
    t->len = i - t->off;
    p->pos = i;
    t->k = K_REGEX;
    if (p->failed)
        return;
    int err;
    PCRE2_SIZE eoff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(s + start), end - start,
                                     opts, &err, &eoff, p->e->cctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (err == PCRE2_ERROR_HEAP_FAILED)
            p->e->oom = 1;
        pcre2_get_error_message(err, msg, sizeof msg);
        /* a '/' further on was likely meant inside: `/a[/]b/` ends at [ */
        int slash = memchr(s + i, '/', p->n - i) != NULL;
        perr(p, start + eoff, 1, "invalid regular expression: %s%s", (char *)msg,
             slash ? " (the first '/' ends the expression: write '\\/' for a slash inside it)"
                   : "");
        t->k = K_ERR;
        return;
    }
    /* JIT where available; the match limit still applies to it.  A
     * transient parse (an explanation) never matches: no JIT for it. */
    if (!p->e->transient)
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    /* a transient parse (an explanation) keeps nothing: see explain.c */
    regex *re = p->e->transient ? eng_scratch_alloc(p->e, sizeof *re)
                                : eng_arena(p->e, sizeof *re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code,
                                                                p->e->gctx);
    if (!re || !md) {
        pcre2_code_free(code);
        pcre2_match_data_free(md);
        p->e->oom = 1;
        perr(p, t->off, 1, "out of memory");
        t->k = K_ERR;
        return;
    }
    re->code = code;
    re->md = md;
    re->src = p->e->transient ? eng_scratch_str(p->e, s + t->off, t->len)
                              : eng_arena_str(p->e, s + t->off, t->len);
    if (p->m) {
        re->path = p->m->path;
        eng_srcmap_pos(p->m, t->off, &re->line, &re->col, NULL);
    }
    if (pvec_push(p->e, &p->e->regexes, re)) {
        pcre2_code_free(code);
        pcre2_match_data_free(md);
        p->e->oom = 1;
        perr(p, t->off, 1, "out of memory");
        t->k = K_ERR;
        return;
    }
    t->re = re;
}

static int keyword(const char *s, size_t n)
{
    switch (n) {
    case 2:
        return !memcmp(s, "or", 2) ? KW_OR : !memcmp(s, "in", 2) ? KW_IN : KW_NONE;
    case 3:
        return !memcmp(s, "and", 3) ? KW_AND : !memcmp(s, "not", 3) ? KW_NOT : KW_NONE;
    case 4:
        return !memcmp(s, "test", 4) ? KW_TEST : KW_NONE;
    case 6:
        return !memcmp(s, "exists", 6) ? KW_EXISTS : KW_NONE;
    default:
        return KW_NONE;
    }
}

static void check_glued(parser *p, ltok *t);

static void lex(parser *p, ltok *t)
{
    const char *s = p->s;
    memset(t, 0, sizeof *t);
    if (p->prevk == K_TILDE) {
        lex_regex(p, t);
        p->prevk = t->k;
        return;
    }
    size_t i = p->pos;
    while (i < p->n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    int after_blank = i > p->pos || i == 0;
    t->off = i;
    if (i >= p->n) {
        t->k = K_END;
        p->pos = i;
        p->prevk = t->k;
        return;
    }
    unsigned char c = (unsigned char)s[i];
    size_t st = i;
    /* a sign or a leading '.' starts a number (-2, +3, .5, -.5) where a
     * value can start: after a blank, '(', '{' or ',' */
    size_t d = i + (c == '-' || c == '+');
    d += d < p->n && s[d] == '.';
    if ((c == '-' || c == '+' || c == '.') && d > i && d < p->n &&
        is_digit((unsigned char)s[d]) &&
        (after_blank || p->prevk == K_LPAREN || p->prevk == K_LBRACE ||
         p->prevk == K_COMMA || p->prevk == K_END) &&
        !(p->prevk >= K_SYM && p->prevk <= K_WILD && !after_blank)) {
        c = '0';    /* fall into the number case below, sign included */
    }
    if (is_digit(c)) {
        i++;
        while (i < p->n && (is_digit((unsigned char)s[i]) || s[i] == '.' ||
                            s[i] == 'e' || s[i] == 'E' ||
                            ((s[i] == '+' || s[i] == '-') &&
                             (s[i - 1] == 'e' || s[i - 1] == 'E'))))
            i++;
        if (i < p->n && symch_at(s, i, p->n)) {
            while (i < p->n && symch_at(s, i, p->n))
                i++;
            if (is_digit((unsigned char)s[st])) {
                /* Extension: a word that starts with a digit but is not a
                 * number, such as the option value 2_to_8, is a symbol. */
                if (eng_intern(p->e, s + st, i - st, ENG_SYMBOL, &t->v)) {
                    perr(p, st, 1, "out of memory");
                    t->k = K_ERR;
                } else {
                    t->k = K_SYM;
                }
            } else {
                perr(p, st, i - st,
                     "'%.*s' is neither a number nor a symbol (symbols start with a letter or '_')",
                     (int)(i - st), s + st);
                t->k = K_ERR;
            }
        } else if (eng_parse_number(s + st, i - st, &t->v)) {
            perr(p, st, i - st,
                 "invalid number '%.*s' (expected digits with an optional sign, fraction and exponent, such as 3, -0.75 or 1e3; whole numbers up to 19 digits, others within the range of a double and not so small that they read as 0)",
                 (int)(i - st), s + st);
            t->k = K_ERR;
        } else {
            t->k = K_NUM;
        }
    } else if (letter_at(s, i, p->n)) {
        while (i < p->n && symch_at(s, i, p->n))
            i++;
        if (eng_intern(p->e, s + st, i - st, ENG_SYMBOL, &t->v)) {
            perr(p, st, 1, "out of memory");
            t->k = K_ERR;
        } else {
            t->k = K_SYM;
            t->kw = keyword(s + st, i - st);
        }
    } else if (c == '?') {
        i++;
        if (i < p->n && letter_at(s, i, p->n)) {
            size_t ns = i;
            while (i < p->n && symch_at(s, i, p->n))
                i++;
            t->name = eng_scratch_str(p->e, s + ns, i - ns);
            t->k = t->name ? K_VAR : K_ERR;
        } else if (i < p->n && symch_at(s, i, p->n)) {
            perr(p, st, 2, "a variable name must start with a letter or '_' after '?'");
            t->k = K_ERR;
        } else {
            t->k = K_WILD;
        }
    } else if (c == '"') {
        ebuf b = {0};
        i++;
        /* most strings have no escapes: interned straight from the text */
        size_t run = i;
        while (run < p->n && s[run] != '"' && s[run] != '\\')
            run++;
        if (run < p->n && s[run] == '"') {
            p->pos = run + 1;
            t->len = run + 1 - st;
            if (eng_intern(p->e, s + i, run - i, ENG_STRING, &t->v)) {
                perr(p, st, 1, "out of memory");
                t->k = K_ERR;
            } else {
                t->k = K_STR;
            }
            p->prevk = t->k;
            check_glued(p, t);
            return;
        }
        ebuf_add(p->e, &b, s + i, run - i);
        i = run;
        for (;;) {
            if (i >= p->n) {
                perr(p, st, i - st, "unterminated string: expected a closing '\"'");
                t->k = K_ERR;
                break;
            }
            char ch = s[i];
            if (ch == '"') {
                i++;
                t->k = K_STR;
                break;
            }
            if (ch == '\\') {
                char x = i + 1 < p->n ? s[i + 1] : '\0';
                char out;
                if (x == '"' || x == '\\') out = x;
                else if (x == 'n') out = '\n';
                else if (x == 't') out = '\t';
                else if (x == 'r') out = '\r';
                else if (x == 'x' && i + 3 < p->n && hexval(s[i + 2]) >= 0 &&
                         hexval(s[i + 3]) >= 0) {
                    out = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
                    ebuf_add(p->e, &b, &out, 1);
                    i += 4;
                    continue;
                } else {
                    perr(p, i, 2, "unknown escape '\\%c' in a string (expected \\\", \\\\, \\n, \\t, \\r or \\xHH)",
                         x ? x : ' ');
                    t->k = K_ERR;
                    break;
                }
                ebuf_add(p->e, &b, &out, 1);
                i += 2;
                continue;
            }
            ebuf_add(p->e, &b, &ch, 1);
            i++;
        }
        /* \xHH escapes are bytes: together they must still make UTF-8
         * text, as the files are, for every report to show them */
        if (t->k == K_STR && b.len &&
            (memchr(b.p, '\0', b.len) || eng_utf8_bad((const unsigned char *)b.p, b.len) >= 0)) {
            perr(p, st, i - st, "%s", memchr(b.p, '\0', b.len)
                 ? "a string cannot hold a NUL byte (\\x00)"
                 : "the string's \\xHH escapes do not make UTF-8 text (write the character itself)");
            t->k = K_ERR;
        }
        if (t->k == K_STR &&
            eng_intern(p->e, b.p ? b.p : "", b.len, ENG_STRING, &t->v)) {
            perr(p, st, 1, "out of memory");
            t->k = K_ERR;
        }
        ebuf_free(p->e, &b);
    } else {
        i++;
        switch (c) {
        case '<':
            if (i < p->n && s[i] == '-') { i++; t->k = K_ARROW; }
            else if (i < p->n && s[i] == '=') { i++; t->k = K_LE; }
            else t->k = K_LT;
            break;
        case '>':
            if (i < p->n && s[i] == '=') { i++; t->k = K_GE; }
            else t->k = K_GT;
            break;
        case '!':
            if (i < p->n && s[i] == '=') { i++; t->k = K_NE; }
            else {
                perr(p, st, 1, "unexpected '!' (did you mean '!=' or 'not'?)");
                t->k = K_ERR;
            }
            break;
        case '=':
            if (i < p->n && s[i] == '=') i++;   /* '==' reads as '=' */
            t->k = K_EQ;
            break;
        case '+': t->k = K_PLUS; break;
        case '-': t->k = K_MINUS; break;
        case '*': t->k = K_STAR; break;
        case '/': t->k = K_SLASH; break;
        case '~': t->k = K_TILDE; break;
        case '{': t->k = K_LBRACE; break;
        case '}': t->k = K_RBRACE; break;
        case ',': t->k = K_COMMA; break;
        case '(': t->k = K_LPAREN; break;
        case ')': t->k = K_RPAREN; break;
        case ';':
        case '#':
            /* only whole lines are comments (RULES.md, Files) */
            perr(p, st, 1, "unexpected '%c': comments go on lines of their own, starting with ';' or '#'",
                 c);
            t->k = K_ERR;
            break;
        default:
            if (eng_c1_at((const unsigned char *)s, st, p->n)) {
                i++;
                perr(p, st, 2, "unexpected control character U+%04X (expected a value, a "
                     "variable or an operator; in a string it is written \\x%02x\\x%02x)",
                     (unsigned char)s[st + 1], c, (unsigned char)s[st + 1]);
            } else if (c < 0x20 || c == 0x7f) {
                perr(p, st, 1, "unexpected control character 0x%02x (expected a value, a "
                     "variable or an operator)", c);
            } else {
                perr(p, st, 1, "unexpected character '%c' (expected a value, a variable or "
                     "an operator)", c);
            }
            t->k = K_ERR;
        }
    }
    t->len = i - st;
    p->pos = i;
    p->prevk = t->k;
    check_glued(p, t);
}

/* A term glued to what follows it without a blank, as in a?b, a"b",
 * "a"b or ??: an error naming both, rather than two terms read silently. */
static void check_glued(parser *p, ltok *t)
{
    if (t->k != K_SYM && t->k != K_NUM && t->k != K_VAR && t->k != K_WILD &&
        t->k != K_STR)
        return;
    size_t end = t->off + t->len;
    if (end >= p->n)
        return;
    unsigned char c = (unsigned char)p->s[end];
    if (c != '"' && c != '?' &&
        !((t->k == K_STR || t->k == K_WILD) && symch_at(p->s, end, p->n)))
        return;
    perr(p, t->off, t->len + 1,
         "expected a blank between '%.*s' and the '%c' glued to it (two terms are written apart)",
         (int)t->len, p->s + t->off, c);
    t->k = K_ERR;
    p->prevk = K_ERR;
}

static void advance(parser *p)
{
    p->cur = p->next;
    if (p->cur.k == K_END || p->cur.k == K_ERR) {
        p->next = p->cur;
        return;
    }
    lex(p, &p->next);
}

static void pinit(parser *p, eng_engine *e, const srcmap *m, const char *s,
                  size_t n)
{
    memset(p, 0, sizeof *p);
    p->e = e;
    p->m = m;
    p->s = s;
    p->n = n;
    p->prevk = K_END;
    lex(p, &p->cur);
    if (p->cur.k == K_END || p->cur.k == K_ERR)
        p->next = p->cur;
    else
        lex(p, &p->next);
}

static int is_kw(const ltok *t, int kw)
{
    return t->k == K_SYM && t->kw == kw;
}

/* ------------------------------------------------------------ expressions */

static pexpr *newx(parser *p, int op, const ltok *at)
{
    pexpr *x = eng_scratch_alloc(p->e, sizeof *x);
    if (!x) {
        perr(p, at->off, 1, "out of memory");
        return NULL;
    }
    x->op = (uint8_t)op;
    x->line = (int)at->off;     /* byte offsets until resolved below */
    x->span = (int)(at->len ? at->len : 1);
    int line, col;
    if (p->m) {
        eng_srcmap_pos(p->m, at->off, &line, &col, NULL);
        x->line = line;
        x->col = col;
    }
    return x;
}

static pexpr *p_expr(parser *p);

static pexpr *need_value(parser *p, pexpr *x, const ltok *at)
{
    if (x && x->isbool) {
        perr(p, at->off, at->len,
             "expected a value here, but this is a condition (true or false)");
        return NULL;
    }
    return x;
}

static pexpr *need_bool(parser *p, pexpr *x, const ltok *at)
{
    if (x && !x->isbool) {
        perr(p, at->off, at->len,
             "expected a condition (a comparison, 'in' or '~'), found a value");
        return NULL;
    }
    return x;
}

/* Where in the digit-led word W (N bytes) a '-' follows a number and
 * comes before a digit, as in 10-1 or 2.5-1; 0 when it does not.  Such a
 * word is one symbol by the extension that makes 2_to_8 one ('-' may be
 * part of a symbol, '+' may not), which inside an expression is a
 * subtraction written without blanks. */
static size_t glued_sum(const char *w, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit((unsigned char)w[i]))
        i++;
    if (i < n && w[i] == '.')
        for (i++; i < n && is_digit((unsigned char)w[i]); i++)
            ;
    if (i + 1 < n && w[i] == '-' &&
        (is_digit((unsigned char)w[i + 1]) || w[i + 1] == '.'))
        return i;
    return 0;
}

static pexpr *p_primary(parser *p)
{
    ltok t = p->cur;
    pexpr *x;
    switch (t.k) {
    case K_NUM: case K_SYM: case K_STR:
        /* 'and', 'or' and 'in' are values where nothing can follow them:
         * before ',', '}', ')' or the end, as in {and, or} */
        if (t.k == K_SYM && (is_kw(&t, KW_AND) || is_kw(&t, KW_OR) ||
                             is_kw(&t, KW_IN)) &&
            p->next.k != K_COMMA && p->next.k != K_RBRACE &&
            p->next.k != K_RPAREN && p->next.k != K_END) {
            perr(p, t.off, t.len, "expected a value before '%.*s'",
                 (int)t.len, p->s + t.off);
            return NULL;
        }
        if (t.k == K_SYM && is_digit((unsigned char)p->s[t.off])) {
            size_t op = glued_sum(p->s + t.off, t.len);
            if (op) {
                perr(p, t.off, t.len,
                     "'%.*s' reads as one symbol, not as arithmetic: expected blanks around '-' to subtract, or quotes for text (\"%.*s\")",
                     (int)t.len, p->s + t.off,
                     (int)t.len, p->s + t.off);
                return NULL;
            }
        }
        x = newx(p, X_CONST, &t);
        if (x)
            x->k = t.v;
        advance(p);
        return x;
    case K_VAR:
        x = newx(p, X_REF, &t);
        if (x)
            x->var = t.name;
        advance(p);
        return x;
    case K_WILD:
        perr(p, t.off, 1, "'?' matches anything in a pattern; in a test, name a variable");
        return NULL;
    case K_LPAREN: {
        advance(p);
        x = p_expr(p);
        if (!x)
            return NULL;
        if (p->cur.k != K_RPAREN) {
            int line = 0, col = (int)t.off + 1;
            if (p->m)
                eng_srcmap_pos(p->m, t.off, &line, &col, NULL);
            perr(p, p->cur.off, p->cur.len, "expected ')' to close the '(' at column %d, found %s",
                 col, kname(p->cur.k));
            return NULL;
        }
        advance(p);
        return x;
    }
    case K_ERR:
        return NULL;
    default:
        perr(p, t.off, t.len, "expected a value, a variable or '(', found %s",
             kname(t.k));
        return NULL;
    }
}

/* One level deeper into an expression, the token at OFF opening it: 0,
 * with an error, past ENG_MAX_DEPTH levels (the parser recurses per
 * level).  The caller undoes it with p->depth-- once the level is read. */
static int deeper(parser *p, size_t off)
{
    if (++p->depth <= ENG_MAX_DEPTH)
        return 1;
    perr(p, off, 1, "expression nested too deeply (more than %d levels)", ENG_MAX_DEPTH);
    return 0;
}

static pexpr *p_unary(parser *p)
{
    if (p->cur.k == K_MINUS) {
        ltok t = p->cur;
        advance(p);
        if (!deeper(p, t.off))
            return NULL;
        pexpr *a = need_value(p, p_unary(p), &t);
        p->depth--;
        if (!a)
            return NULL;
        pexpr *x = newx(p, X_NEG, &t);
        if (x)
            x->a = a;
        return x;
    }
    return p_primary(p);
}

static pexpr *p_binary(parser *p, int lvl);

static pexpr *p_prod(parser *p)
{
    return p_binary(p, 0);
}

/* level 0: * /   level 1: + - */
static pexpr *p_binary(parser *p, int lvl)
{
    pexpr *a = lvl == 0 ? p_unary(p) : p_prod(p);
    while (a) {
        int k = p->cur.k, op;
        if (lvl == 0 && k == K_STAR) op = X_MUL;
        else if (lvl == 0 && k == K_SLASH) op = X_DIV;
        else if (lvl == 1 && k == K_PLUS) op = X_ADD;
        else if (lvl == 1 && k == K_MINUS) op = X_SUB;
        else break;
        ltok t = p->cur;
        if (!need_value(p, a, &t))
            return NULL;
        advance(p);
        pexpr *b = need_value(p, lvl == 0 ? p_unary(p) : p_prod(p), &t);
        if (!b)
            return NULL;
        pexpr *x = newx(p, op, &t);
        if (!x)
            return NULL;
        x->a = a;
        x->b = b;
        a = x;
    }
    return a;
}

static pexpr *p_sum(parser *p)
{
    pexpr *a = p_binary(p, 1);
    if (a && p->cur.k == K_NUM && p->s[p->cur.off] == '-')
        perr(p, p->cur.off, p->cur.len,
             "expected an operator before '%.*s' (to subtract, write '- %.*s')",
             (int)p->cur.len, p->s + p->cur.off, (int)p->cur.len - 1,
             p->s + p->cur.off + 1);
    return a;
}

static pexpr *p_cmp(parser *p)
{
    pexpr *a = p_sum(p);
    if (!a)
        return NULL;
    ltok t = p->cur;
    int op = -1;
    switch (t.k) {
    case K_EQ: op = X_EQ; break;
    case K_NE: op = X_NE; break;
    case K_LT: op = X_LT; break;
    case K_LE: op = X_LE; break;
    case K_GT: op = X_GT; break;
    case K_GE: op = X_GE; break;
    case K_TILDE: op = X_MATCH; break;
    case K_ARROW:
        perr(p, t.off, t.len,
             "'<-' binds a fact to a variable at the start of a pattern; to compare with a negative number write '< -'");
        return NULL;
    default:
        if (is_kw(&t, KW_IN))
            op = X_IN;
    }
    if (op < 0)
        return a;
    if (!need_value(p, a, &t))
        return NULL;
    advance(p);
    pexpr *x = newx(p, op, &t);
    if (!x)
        return NULL;
    x->isbool = 1;
    x->a = a;
    if (op == X_MATCH) {
        if (p->cur.k != K_REGEX) {
            if (p->cur.k != K_ERR)
                perr(p, p->cur.off, p->cur.len,
                     "expected a regular expression /pattern/flags after '~'");
            return NULL;
        }
        x->re = p->cur.re;
        advance(p);
    } else if (op == X_IN) {
        if (p->cur.k != K_LBRACE) {
            perr(p, p->cur.off, p->cur.len, "expected '{' after 'in', found %s",
                 kname(p->cur.k));
            return NULL;
        }
        ltok lb = p->cur;
        advance(p);
        pvec items = {0};
        for (;;) {
            if (p->cur.k == K_RBRACE && !items.n) {
                perr(p, p->cur.off, 1, "empty set: list at least one value between '{' and '}'");
                break;
            }
            ltok it = p->cur;
            pexpr *m = need_value(p, p_sum(p), &it);
            if (!m)
                break;
            pvec_push_scratch(p->e, &items, m);
            if (p->cur.k == K_COMMA) {
                advance(p);
                continue;
            }
            if (p->cur.k == K_RBRACE) {
                advance(p);
                break;
            }
            perr(p, p->cur.off, p->cur.len,
                 "expected ',' or '}' in the set opened at column %d, found %s",
                 x->col ? x->col + (int)(lb.off - t.off) : (int)lb.off + 1,
                 kname(p->cur.k));
            break;
        }
        /* no items and no error: the first could not be kept (out of
         * memory, e->oom is set and the load fails) */
        if (!p->failed && items.n) {
            x->set = eng_scratch_alloc(p->e, items.n * sizeof *x->set);
            if (x->set) {
                memcpy(x->set, items.v, items.n * sizeof *x->set);
                x->nset = items.n;
            }
        }
        if (p->failed)
            return NULL;
    } else {
        ltok bt = p->cur;
        pexpr *b = need_value(p, p_sum(p), &bt);
        if (!b)
            return NULL;
        x->b = b;
    }
    switch (p->cur.k) {
    case K_EQ: case K_NE: case K_LT: case K_LE: case K_GT: case K_GE:
    case K_TILDE:
        perr(p, p->cur.off, p->cur.len,
             "comparisons do not chain: join them with 'and'");
        return NULL;
    default:
        break;
    }
    return x;
}

static pexpr *p_not(parser *p)
{
    if (is_kw(&p->cur, KW_NOT)) {
        ltok t = p->cur;
        advance(p);
        if (!deeper(p, t.off))
            return NULL;
        pexpr *a = need_bool(p, p_not(p), &t);
        p->depth--;
        if (!a)
            return NULL;
        pexpr *x = newx(p, X_NOT, &t);
        if (x) {
            x->a = a;
            x->isbool = 1;
        }
        return x;
    }
    return p_cmp(p);
}

static pexpr *p_logic(parser *p, int op, int kw)
{
    pexpr *a = op == X_AND ? p_not(p) : p_logic(p, X_AND, KW_AND);
    while (a && is_kw(&p->cur, kw)) {
        ltok t = p->cur;
        if (!need_bool(p, a, &t))
            return NULL;
        advance(p);
        pexpr *b = need_bool(p, op == X_AND ? p_not(p) : p_logic(p, X_AND, KW_AND),
                             &t);
        if (!b)
            return NULL;
        pexpr *x = newx(p, op, &t);
        if (!x)
            return NULL;
        x->a = a;
        x->b = b;
        x->isbool = 1;
        a = x;
    }
    return a;
}

static pexpr *p_expr(parser *p)
{
    if (!deeper(p, p->cur.off))
        return NULL;
    pexpr *x = p_logic(p, X_OR, KW_OR);
    p->depth--;
    return x;
}

/* ------------------------------------------------------------ CEs */

static int p_terms(parser *p, pterm **out, size_t *nout, int actions)
{
    pvec v = {0};
    int ok = 1;
    while (p->cur.k != K_END && !(p->cur.k == K_LPAREN && !actions)) {
        ltok t = p->cur;
        pterm *pt = eng_scratch_alloc(p->e, sizeof *pt);
        if (!pt) {
            perr(p, t.off, 1, "out of memory");
            ok = 0;
            break;
        }
        pt->span = (int)t.len;
        if (p->m)
            eng_srcmap_pos(p->m, t.off, &pt->line, &pt->col, NULL);
        if (t.k == K_SYM || t.k == K_NUM || t.k == K_STR) {
            pt->kind = TERM_CONST;
            pt->k = t.v;
            advance(p);
        } else if (t.k == K_VAR) {
            pt->kind = TERM_VAR;
            pt->var = t.name;
            advance(p);
        } else if (t.k == K_WILD && !actions) {
            pt->kind = TERM_WILD;
            advance(p);
        } else if (t.k == K_LPAREN && actions) {
            advance(p);
            ltok in = p->cur;
            pt->kind = TERM_EXPR;
            pt->x = need_value(p, p_expr(p), &in);
            if (!pt->x) {
                ok = 0;
                break;
            }
            if (p->cur.k != K_RPAREN) {
                perr(p, p->cur.off, p->cur.len, "expected ')' to close the expression, found %s",
                     kname(p->cur.k));
                ok = 0;
                break;
            }
            advance(p);
        } else {
            if (t.k != K_ERR) {
                if (actions && t.k == K_WILD)
                    perr(p, t.off, 1, "'?' cannot be asserted: name a bound variable or a value");
                else
                    perr(p, t.off, t.len,
                         actions ? "expected a value, a variable or '(expression)', found %s"
                                 : "expected a value, a variable or '?', found %s",
                         kname(t.k));
            }
            ok = 0;
            break;
        }
        pvec_push_scratch(p->e, &v, pt);
    }
    if (ok && !p->failed) {
        *out = eng_scratch_alloc(p->e, (v.n ? v.n : 1) * sizeof **out);
        if (*out) {
            for (size_t i = 0; i < v.n; i++)
                (*out)[i] = *(pterm *)v.v[i];
            *nout = v.n;
        } else {
            ok = 0;
        }
    }
    return ok && !p->failed;
}

/* Whether the token after a condition's first symbol makes the condition
 * a test with a constant on the left (an extension: `b = ?x`) rather than
 * a pattern.  Only operators count that no pattern term can be: the words
 * `and` and `or` are symbols of a pattern (`flow and ?x`), and so is `in`
 * unless a '{' follows it (`flow in ?n` is a pattern, `b in {a}` a test). */
static int starts_expr_op(const parser *p, const ltok *t)
{
    switch (t->k) {
    case K_EQ: case K_NE: case K_LT: case K_LE: case K_GT: case K_GE:
    case K_TILDE: case K_PLUS: case K_STAR: case K_SLASH: case K_MINUS:
        return 1;
    default:
        if (is_kw(t, KW_IN)) {
            size_t i = t->off + t->len;
            while (i < p->n && (p->s[i] == ' ' || p->s[i] == '\t'))
                i++;
            return i < p->n && p->s[i] == '{';
        }
        return 0;
    }
}

pce *eng_parse_ce(eng_engine *e, const srcmap *m, const char *s, size_t n)
{
    parser p;
    pinit(&p, e, m, s, n);
    pce *c = eng_scratch_alloc(e, sizeof *c);
    if (!c || !(c->text = eng_scratch_str(e, s, n)))
        return NULL;
    if (m)
        eng_srcmap_pos(m, p.cur.off, &c->line, &c->col, NULL);
    if (p.cur.k == K_END) {
        perr(&p, 0, 1, "empty condition: expected a pattern or a test");
        return NULL;
    }
    if (p.cur.k == K_VAR && p.next.k == K_ARROW) {
        c->factvar = p.cur.name;
        if (m)
            eng_srcmap_pos(m, p.cur.off, &c->fline, &c->fcol, NULL);
        advance(&p);
        advance(&p);
        if (is_kw(&p.cur, KW_NOT) || is_kw(&p.cur, KW_EXISTS)) {
            perr(&p, p.cur.off, p.cur.len,
                 "'<-' binds a fact that exists; it cannot bind a '%.*s' pattern",
                 (int)p.cur.len, s + p.cur.off);
            return NULL;
        }
        if (p.cur.k != K_SYM) {
            perr(&p, p.cur.off, p.cur.len,
                 "expected a relation name (a symbol) after '<-', found %s",
                 kname(p.cur.k));
            return NULL;
        }
        c->kind = CE_PATTERN;
    } else if ((is_kw(&p.cur, KW_EXISTS) && is_kw(&p.next, KW_NOT)) ||
               ((is_kw(&p.cur, KW_NOT) || is_kw(&p.cur, KW_EXISTS)) &&
                is_kw(&p.next, KW_EXISTS))) {
        /* (not not EXPR is a test, negated twice) */
        perr(&p, p.next.off, p.next.len,
             "expected a relation name after '%.*s', found '%.*s' (a pattern takes one of 'not' and 'exists')",
             (int)p.cur.len, s + p.cur.off, (int)p.next.len, s + p.next.off);
        return NULL;
    } else if ((is_kw(&p.cur, KW_NOT) || is_kw(&p.cur, KW_EXISTS)) &&
               p.next.k == K_SYM && !is_kw(&p.next, KW_NOT)) {
        c->kind = is_kw(&p.cur, KW_NOT) ? CE_NOT : CE_EXISTS;
        advance(&p);
    } else if (is_kw(&p.cur, KW_EXISTS) ||
               (is_kw(&p.cur, KW_NOT) && p.next.k == K_END)) {
        perr(&p, p.next.off, p.next.len,
             "expected %s after '%.*s', found %s",
             is_kw(&p.cur, KW_NOT) ? "a pattern (REL TERM ...) or a condition"
                                   : "a relation name (a symbol)",
             (int)p.cur.len, s + p.cur.off, kname(p.next.k));
        return NULL;
    } else if (p.cur.k == K_SYM && !is_kw(&p.cur, KW_TEST) &&
               !is_kw(&p.cur, KW_NOT) && !starts_expr_op(&p, &p.next)) {
        c->kind = CE_PATTERN;
    } else {
        c->kind = CE_TEST;
        if (is_kw(&p.cur, KW_TEST))
            advance(&p);
        ltok t = p.cur;
        pexpr *x = need_bool(&p, p_expr(&p), &t);
        if (!x)
            return NULL;
        if (p.cur.k != K_END) {
            perr(&p, p.cur.off, p.cur.len,
                 "expected the end of the condition, found %s (join conditions with 'and')",
                 kname(p.cur.k));
            return NULL;
        }
        c->cons = eng_scratch_alloc(e, sizeof *c->cons);
        if (!c->cons)
            return NULL;
        c->cons[0] = x;
        c->ncons = 1;
        return c;
    }
    /* a pattern: relation, terms, then (EXPR) constraints */
    c->rel = p.cur.v;
    if (m)
        eng_srcmap_pos(m, p.cur.off, &c->rline, &c->rcol, NULL);
    c->rspan = (int)p.cur.len;
    advance(&p);
    if (!p_terms(&p, &c->terms, &c->nterms, 0))
        return NULL;
    if (c->nterms + 1 > ENG_MAX_ARITY) {
        perr(&p, 0, 1, "pattern has more than %d values", ENG_MAX_ARITY);
        return NULL;
    }
    pvec cons = {0};
    while (p.cur.k == K_LPAREN) {
        advance(&p);
        ltok t = p.cur;
        pexpr *x = need_bool(&p, p_expr(&p), &t);
        if (!x)
            break;
        if (p.cur.k != K_RPAREN) {
            perr(&p, p.cur.off, p.cur.len, "expected ')' to close the constraint, found %s",
                 kname(p.cur.k));
            break;
        }
        advance(&p);
        pvec_push_scratch(e, &cons, x);
        if (p.cur.k != K_LPAREN && p.cur.k != K_END)
            perr(&p, p.cur.off, p.cur.len,
                 "expected '(' or the end of the pattern after a constraint, found %s",
                 kname(p.cur.k));
    }
    if (!p.failed && cons.n) {
        c->cons = eng_scratch_alloc(e, cons.n * sizeof *c->cons);
        if (c->cons) {
            memcpy(c->cons, cons.v, cons.n * sizeof *c->cons);
            c->ncons = cons.n;
        }
    }
    return p.failed ? NULL : c;
}

static const char *const action_names[] = {"assert", "retract", "add", "halt"};

pact *eng_parse_action(eng_engine *e, const srcmap *m, const char *s, size_t n)
{
    parser p;
    pinit(&p, e, m, s, n);
    pact *a = eng_scratch_alloc(e, sizeof *a);
    if (!a)
        return NULL;
    if (m)
        eng_srcmap_pos(m, p.cur.off, &a->line, &a->col, NULL);
    if (p.cur.k != K_SYM) {
        if (p.cur.k != K_ERR)
            perr(&p, p.cur.off, p.cur.len,
                 "expected an action (assert, retract, add or halt), found %s",
                 kname(p.cur.k));
        return NULL;
    }
    size_t len;
    const char *verb = eng_atom(e, p.cur.v.u.atom, &len);
    int kind = -1;
    for (int i = 0; i < 4; i++)
        if (strlen(action_names[i]) == len && !memcmp(action_names[i], verb, len))
            kind = i;
    if (kind < 0) {
        const char *dym = eng_did_you_mean(verb, action_names, 4);
        if (dym)
            perr(&p, p.cur.off, p.cur.len,
                 "unknown action '%s' (did you mean '%s'?)", verb, dym);
        else
            perr(&p, p.cur.off, p.cur.len,
                 "unknown action '%s' (expected assert, retract, add or halt)",
                 verb);
        return NULL;
    }
    a->kind = kind == 0 ? ACT_ASSERT : kind == 1 ? ACT_RETRACT
            : kind == 2 ? ACT_ADD : ACT_HALT;
    ltok vt = p.cur;
    advance(&p);
    switch (a->kind) {
    case ACT_HALT:
        if (p.cur.k != K_END) {
            perr(&p, p.cur.off, p.cur.len, "'halt' takes nothing after it, found %s",
                 kname(p.cur.k));
            return NULL;
        }
        return a;
    case ACT_RETRACT:
        if (p.cur.k == K_END) {
            perr(&p, vt.off + vt.len, 1,
                 "expected a fact variable after 'retract' (bind it with '?f <- pattern')");
            return NULL;
        }
        if (!p_terms(&p, &a->terms, &a->nterms, 1))
            return NULL;
        for (size_t i = 0; i < a->nterms; i++)
            if (a->terms[i].kind != TERM_VAR) {
                int line = a->terms[i].line, col = a->terms[i].col;
                if (m) {
                    const char *text = NULL;
                    for (size_t j = 0; j < m->nsegs; j++)
                        if (m->segs[j].line == line)
                            text = m->segs[j].text;
                    eng_diagf(e, ENG_ERROR, m->path, line, col,
                              a->terms[i].span, text,
                              "'retract' takes fact variables bound with '?f <- pattern'");
                }
                return NULL;
            }
        return a;
    default:
        if (p.cur.k != K_SYM) {
            perr(&p, p.cur.k == K_END ? vt.off + vt.len : p.cur.off, p.cur.len,
                 "expected a relation name (a symbol) after '%s', found %s",
                 verb, kname(p.cur.k));
            return NULL;
        }
        a->rel = p.cur.v;
        advance(&p);
        if (!p_terms(&p, &a->terms, &a->nterms, 1))
            return NULL;
        if (a->nterms + 1 > ENG_MAX_ARITY) {
            perr(&p, 0, 1, "fact has more than %d values", ENG_MAX_ARITY);
            return NULL;
        }
        if (a->kind == ACT_ADD) {
            if (a->nterms == 0) {
                perr(&p, p.cur.off, 1,
                     "'add' needs the number to add as its last value, e.g. 'add score arena 2'");
                return NULL;
            }
            pterm *last = &a->terms[a->nterms - 1];
            if (last->kind == TERM_CONST && !eng_is_num(last->k)) {
                if (m) {
                    const char *text = NULL;
                    for (size_t j = 0; j < m->nsegs; j++)
                        if (m->segs[j].line == last->line)
                            text = m->segs[j].text;
                    eng_diagf(e, ENG_ERROR, m->path, last->line, last->col,
                              last->span, text,
                              "'add' needs a number as its last value, found a %s",
                              last->k.type == ENG_STRING ? "string" : "symbol");
                }
                return NULL;
            }
        }
        return a;
    }
}

static long parse_fact(eng_engine *e, const srcmap *m, const char *s, size_t n,
                       eng_value *out, size_t max)
{
    parser p;
    pinit(&p, e, m, s, n);
    size_t k = 0;
    if (p.cur.k != K_SYM) {
        if (p.cur.k != K_ERR)
            perr(&p, p.cur.off, p.cur.len,
                 "expected a fact starting with a relation name (a symbol), found %s",
                 kname(p.cur.k));
        return -1;
    }
    while (p.cur.k == K_SYM || p.cur.k == K_NUM || p.cur.k == K_STR) {
        if (k == max) {
            perr(&p, p.cur.off, 1, "a fact has at most %zu values", max);
            return -1;
        }
        out[k++] = p.cur.v;
        advance(&p);
    }
    if (p.cur.k != K_END) {
        if (p.cur.k != K_ERR)
            perr(&p, p.cur.off, p.cur.len,
                 "expected a value (symbol, number or string) in the fact, found %s",
                 kname(p.cur.k));
        return -1;
    }
    return (long)k;
}

/* A fact's values are all it gives: its tokens go with the scratch. */
long eng_parse_fact(eng_engine *e, const srcmap *m, const char *s, size_t n,
                    eng_value *out, size_t max)
{
    eng_scratch_mark mark = eng_scratch_get(e);
    long k = parse_fact(e, m, s, n, out, max);
    eng_scratch_rewind(e, mark);
    return k;
}

static int value_parse(eng_engine *e, const char *text, eng_value *out)
{
    parser p;
    pinit(&p, e, NULL, text, strlen(text));
    if (p.cur.k != K_SYM && p.cur.k != K_NUM && p.cur.k != K_STR)
        return e->oom ? ENG_ENOMEM : ENG_EINVAL;
    *out = p.cur.v;
    advance(&p);
    return p.cur.k == K_END ? ENG_OK : ENG_EINVAL;
}

int eng_value_parse(eng_engine *e, const char *text, eng_value *out)
{
    /* a plain symbol (most catalogue values) is what the lexer would make
     * of it: interned without a parser */
    const unsigned char *u = (const unsigned char *)text;
    if (letter_at(text, 0, 2)) {
        size_t n = 1;
        /* (the text ends with a NUL: the byte after a 0xc2 can be read) */
        while (symch_at(text, n, n + 2))
            n++;
        if (!u[n])
            return eng_intern(e, text, n, ENG_SYMBOL, out) ? ENG_ENOMEM : ENG_OK;
    }
    /* and so is a plain whole number that eng_parse_number takes */
    size_t d = u[0] == '-';
    if (is_digit(u[d])) {
        while (is_digit(u[d]))
            d++;
        if (!u[d] && !eng_parse_number(text, d, out))
            return ENG_OK;
    }
    eng_scratch_mark mark = eng_scratch_get(e);
    int rc = value_parse(e, text, out);
    eng_scratch_rewind(e, mark);
    return rc;
}
