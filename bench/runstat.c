/*
 * runstat.c -- runs a command and writes what it cost, for bench/run.py.
 *
 *     runstat OUTFILE COMMAND [ARG...]
 *
 * Writes one line to OUTFILE: the wall time from fork to the end of the
 * command, its user + system CPU time (both in seconds) and its peak
 * resident set in KiB, all read from wait4, so that no starting of Python
 * or of a wrapper is counted in them.  The command inherits the standard
 * streams.  Exits with the command's status (128 + N when signal N ended
 * it, 127 when it could not be started).
 *
 * Why not Python alone: a process started straight from Python reports
 * Python's own resident set as a floor (Linux keeps the high-water mark
 * across exec), and Python's spawning takes milliseconds that a 3 ms run
 * should not be charged.  This process is small and forks plainly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: runstat OUTFILE COMMAND [ARG...]\n", stderr);
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(out, "%.6f %.6f %ld\n", wall, seconds(ru.ru_utime) + seconds(ru.ru_stime),
            ru.ru_maxrss);
    if (fclose(out) != 0) {
        fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
