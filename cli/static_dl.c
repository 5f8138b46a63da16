/*
 * static_dl.c -- dlopen for the static build (LINK=static).
 *
 * A static program has no dynamic loader to load a library into.  The one
 * caller of dlopen is SQLite's loadable-extension support, which stays off
 * unless a program turns it on with sqlite3_enable_load_extension, and this
 * one never does.  The static link renames SQLite's call (ld --wrap=dlopen)
 * to the function below, which loads nothing, so that the binary never
 * depends on the shared C library of the very version it was linked with
 * (and the linker has nothing to warn about).
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *__wrap_dlopen(const char *file, int mode)
{
    (void)file;
    (void)mode;
    return NULL;
}
