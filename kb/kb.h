/*
 * kb.h -- the knowledge-base layer of ldt-advisor: its whole public
 * contract.  Sits between the command line (cli/) and the inference engine
 * (engine/): it loads a knowledge-base directory, knows the catalogue
 * kinds of the LDT domain (units, personas, advice, ...) and turns their
 * entries into facts, and checks what the engine alone cannot (that every
 * catalogue reference resolves).
 *
 * Ownership: a kb owns its engine; pointers it returns stay valid until
 * kb_close.
 */
#ifndef LDT_KB_H
#define LDT_KB_H

#include "../engine/engine.h"

#define KB_VERSION "0.1.0"

typedef struct kb kb;

/* Opens the knowledge base at PATH (a directory of .ini files, or one
 * file) with engine configuration CFG (NULL: defaults).  Always returns a
 * kb unless out of memory (NULL), so that its diagnostics can be read;
 * *STATUS receives ENG_OK, or the eng_status of the first failure
 * (ENG_EINVAL: see the diagnostics; ENG_EIO: PATH could not be read).
 * Close with kb_close. */
kb *kb_open(const char *path, const eng_config *cfg, int *status);

/* Frees the kb and its engine.  Accepts NULL. */
void kb_close(kb *k);

/* The engine holding the loaded knowledge base (owned by the kb). */
eng_engine *kb_engine(kb *k);

/* The catalogue section kinds this layer understands, NULL-terminated. */
const char *const *kb_kinds(void);

#endif
