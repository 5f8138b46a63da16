#!/usr/bin/env python3
"""sweep.py -- allocation failure across advise, ask, sessions and explain.

    python3 tests/faults/sweep.py FAULT_BIN BIN [--full [--from N] [--to N]] [--sticky]
                                                [--jobs N] [--only SCENARIO]

FAULT_BIN is BUILD/tests/ldt-advisor-faults (the command with the
counting allocator of tests/faults/inject.c), BIN the ordinary command.
Each scenario below is run once without a failure, which gives its
allocation count K, its allocation sites and the reference results; then
again with allocation N failing, for:

  every N from 1 to K                                   with --full
  for each allocation site no earlier scenario met: its by default
  first allocation alone, and one at least half-way
  through its others with every allocation after it
  ("on"); N = 1..5; every (K/24)-th, alone and "on" in
  turn; the last 5 "on"
  K/3, 2K/3 and K, each run under $VALGRIND             with VALGRIND set

(--sticky: every run "on", allocation N and all after it fail.)  The
error paths must not need memory either.  A run must not
crash (no signal, no sanitizer report, no valgrind error or leak) and
must either fail cleanly (exit 71 with "out of memory" on stderr, no
report file or temporary file left behind) or, when the failure was
absorbed, give exactly the output of the run without failure.

For the questionnaire, after every run: the database passes PRAGMA
integrity_check, and the answers in it are a prefix of the reference
answers, at least as many as the run had shown committed.  After every
8th run also: `sessions show` reads them, and the next run (the ordinary
command, no failure) resumes the session (or starts one when none was
made) and ends with exactly the reference answers and conclusions.

Prints one line per scenario, then the failures; exits 1 on any.
"""
import concurrent.futures
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KB = os.path.join(ROOT, "rules")
ANSWERS = os.path.join(ROOT, "examples", "answers.ini")
STRIDE = 24             # default mode: about this many evenly spread N
DEEP = 8                # every DEEP-th run is checked in full (slower)
TIMEOUT = 120

# The questionnaire's input: `back` (a deleted answer), an invalid answer
# asked again, help, why, a number, several options, skipped questions,
# then the first option of every question left.
ASK_SCRIPT = ["municipality", "back", "municipality", "-5", "30000", "?", "why",
              "2", "1,3", "skip", "1", "skip"] + ["1"] * 40


def sanitizer_report(err):
    return re.search(r"Sanitizer|runtime error:|Assertion|valgrind: |Invalid (read|write)",
                     err)


def read_db(path):
    """(integrity, answers, conclusions, finished) of session 1, read-only."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema")}
        if "answers" not in tables:
            return ok, None, None, None
        row = con.execute("SELECT finished FROM sessions WHERE id = 1").fetchone()
        if not row:
            return ok, None, None, None
        ans = con.execute("SELECT question, value FROM answers WHERE session_id = 1 "
                          "ORDER BY seq").fetchall()
        con_ = con.execute("SELECT fact, derivation FROM conclusions WHERE session_id = 1 "
                           "ORDER BY id").fetchall()
        return ok, ans, con_, row[0]
    finally:
        con.close()


class Run:
    def __init__(self, status, out, err, allocs, failed, files):
        self.status, self.out, self.err = status, out, err
        self.allocs, self.failed, self.files = allocs, failed, files


class Sweep:
    def __init__(self, fault_bin, bin_, tmp, full, jobs, wrap):
        self.fault_bin, self.bin, self.tmp = fault_bin, bin_, tmp
        self.full, self.jobs, self.wrap = full, jobs, wrap
        self.sticky = False
        self.start, self.end = 1, 1 << 62
        self.seen_sites = set()
        self.failures = []
        self.ref_answers = None     # the questionnaire's answers, in order
        self.ref_conclusions = None

    # ---------------------------------------------------------- running
    def run(self, argv, cwd, stdin=b"", fault=0, sites=None, wrap=True, env=None,
            sticky=False):
        e = dict(os.environ)
        e.pop("LDT_FAULT_AT", None)
        e["LDT_FAULT_LOG"] = os.path.join(cwd, "fault.log")
        e["NO_COLOR"] = "1"
        if fault:
            e["LDT_FAULT_AT"] = str(fault)
            if sticky:
                e["LDT_FAULT_STICKY"] = "1"
        if sites:
            e["LDT_FAULT_SITES"] = sites
        if env:
            e.update(env)
        cmd = (self.wrap if wrap else []) + argv
        p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, env=e,
                           timeout=TIMEOUT)
        allocs = failed = 0
        try:
            with open(e["LDT_FAULT_LOG"]) as fp:
                m = re.match(r"allocations (\d+) failed (\d+)", fp.read())
                allocs, failed = int(m.group(1)), int(m.group(2))
            os.unlink(e["LDT_FAULT_LOG"])
        except (OSError, AttributeError):
            pass
        return Run(p.returncode, p.stdout.decode(errors="replace"),
                   p.stderr.decode(errors="replace"), allocs, failed,
                   sorted(os.listdir(cwd)))

    def plain(self, argv, cwd, stdin=b""):
        p = subprocess.run([self.bin] + argv, cwd=cwd, input=stdin, capture_output=True,
                           env=dict(os.environ, NO_COLOR="1"), timeout=TIMEOUT)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    # ---------------------------------------------------------- choosing N
    def choose(self, k, sites):
        """The runs: (N, sticky) pairs."""
        if self.full:
            return [(n, self.sticky) for n in range(self.start, min(k, self.end) + 1)]
        if self.wrap:       # valgrind: three, the last one included
            return [(n, self.sticky) for n in sorted({max(1, k // 3), max(1, 2 * k // 3), k})]
        new = [(first, later) for first, later, h in sites if h not in self.seen_sites]
        self.seen_sites.update(h for _, _, h in sites)
        # a site's first allocation fails alone, the later one for good
        # (every allocation after it fails too: the error paths must not
        # need memory); the spread alternates
        step = max(1, k // STRIDE)
        pick = {(first, self.sticky) for first, _ in new} | {(later, True) for _, later in new}
        pick |= {(n, self.sticky) for n in range(1, 6)}
        pick |= {(n, self.sticky or (n // step) % 2 == 1) for n in range(step, k + 1, step)}
        pick |= {(n, True) for n in range(max(1, k - 4), k + 1)}
        return sorted((n, st) for n, st in pick if 1 <= n <= k)

    def sweep(self, sc):
        ref_dir = tempfile.mkdtemp(dir=self.tmp, prefix=sc.name + "-ref-")
        sc.setup(self, ref_dir)
        # under valgrind too when the runs are (the count must be the same
        # as theirs), and then without the slow search for sites
        sites_path = None if self.wrap else os.path.join(ref_dir, "sites")
        ref = self.run(sc.argv(ref_dir), ref_dir, sc.stdin(), sites=sites_path)
        sites = []
        if sites_path:
            with open(sites_path) as fp:
                sites = [(int(a), int(b), h) for a, b, h in (line.split() for line in fp)]
            os.unlink(sites_path)
        ref.files = sorted(os.listdir(ref_dir))
        if ref.status != 0 or ref.failed:
            self.failures.append("%s: the run without a failure exited %d:\n%s"
                                 % (sc.name, ref.status, ref.err))
            return
        sc.reference(self, ref, ref_dir)
        ns = self.choose(ref.allocs, sites)
        t0 = time.time()

        def one(i_run):
            i, (n, sticky) = i_run
            d = tempfile.mkdtemp(dir=self.tmp, prefix="%s-%d-" % (sc.name, n))
            try:
                sc.setup(self, d)
                r = self.run(sc.argv(d), d, sc.stdin(), fault=n, sticky=sticky)
                why = self.common(sc, r, ref, d)
                if not why:
                    # the slower checks (more runs of the command) for
                    # every DEEP-th run
                    why = sc.check(self, r, ref, d, i % DEEP == 0)
                # keep only what a report needs: a full sweep has many runs
                return "%d%s" % (n, " and every one after it" if sticky else ""), why, \
                    (r.status, r.err[-3000:] if why else "")
            finally:
                shutil.rmtree(d, ignore_errors=True)

        bad = 0
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            for n, why, (status, err) in pool.map(one, enumerate(ns)):
                if why and self.full:   # long: say it at once
                    print("%s, allocation %s: %s (exit %d)" % (sc.name, n, why, status),
                          flush=True)
                if why:
                    bad += 1
                    if bad <= 10:
                        self.failures.append(
                            "%s, allocation %s (of %d): %s\n  exit %d, stderr:\n%s"
                            % (sc.name, n, ref.allocs, why, status,
                               "".join("    " + l + "\n" for l in err.splitlines()[-15:])))
        shutil.rmtree(ref_dir, ignore_errors=True)
        print("%-16s %6d allocations, %4d sites, %4d runs, %d bad, %.1f s"
              % (sc.name, ref.allocs, len(sites), len(ns), bad, time.time() - t0), flush=True)

    def common(self, sc, r, ref, d):
        if r.status < 0:
            return "killed by signal %d" % -r.status
        if sanitizer_report(r.err):
            return "sanitizer or valgrind report"
        if self.wrap and r.status == 99:
            return "valgrind found an error or a leak"
        if r.failed == 0:
            return "the failure was never reached" if r.allocs < ref.allocs else None
        if r.status == 0:
            if r.out != ref.out:
                return "exit 0 after a failed allocation, but another output"
            return None
        if r.status != 71:
            return "exit %d, expected 71 (out of memory) or 0" % r.status
        if "out of memory" not in r.err:
            return "exit 71 without 'out of memory' on stderr"
        return None


# -------------------------------------------------------------- scenarios

class Advise:
    """advise FORMAT [-o FILE]: the report, or no file at all."""

    def __init__(self, fmt, outfile=None):
        self.fmt, self.outfile = fmt, outfile
        self.name = "advise-" + fmt + ("-o" if outfile else "")

    def setup(self, sw, d):
        pass

    def argv(self, d):
        a = [self.sw_bin, "advise", "--kb", KB, "--format", self.fmt]
        if self.outfile:
            a += ["-o", os.path.join(d, self.outfile)]
        return a + [ANSWERS]

    def stdin(self):
        return b""

    def reference(self, sw, ref, d):
        self.ref_file = None
        if self.outfile:
            with open(os.path.join(d, self.outfile), "rb") as fp:
                self.ref_file = fp.read()

    def check(self, sw, r, ref, d, deep):
        if not self.outfile:
            return None
        path = os.path.join(d, self.outfile)
        if r.status == 0:
            with open(path, "rb") as fp:
                return None if fp.read() == self.ref_file else "another report file"
        left = [f for f in os.listdir(d) if f != "fault.log"]
        if left:
            return "files left after the failure: %s" % left
        return None


class AdviseNamed(Advise):
    """advise of one named respondent, from a file where another
    respondent is invalid and a third has a second section: their errors
    are left out (exit 0), found through the file's index of sections."""

    def __init__(self):
        Advise.__init__(self, "json")
        self.name = "advise-named"

    def setup(self, sw, d):
        with open(ANSWERS) as fp:
            text = fp.read()
        with open(os.path.join(d, "mixed.ini"), "w") as fp:
            fp.write(text + "\n[answers broken]\nme.role = wizard\n"
                     "\n[answers big-city-platform]\nme.role = director\n")

    def argv(self, d):
        return [self.sw_bin, "advise", "--kb", KB, "--format", "json",
                os.path.join(d, "mixed.ini"), "small-town-exploring"]


class Ask:
    """ask --script: a new session (RESUME 0) or session 1 resumed after
    RESUME answers, to the end of the questionnaire."""

    def __init__(self, resume=0):
        self.resume = resume
        self.name = "ask-resume" if resume else "ask-new"

    def setup(self, sw, d):
        if self.resume:
            shutil.copy(sw.partial_db, os.path.join(d, "s.db"))

    def argv(self, d):
        a = [self.sw_bin, "ask", "--kb", KB, "--db", os.path.join(d, "s.db"), "--script"]
        return a + (["--resume", "1"] if self.resume else ["--respondent", "Fault"])

    def stdin(self):
        if self.resume:
            return script_for(self.sw.ref_answers[self.resume:])
        return ("\n".join(ASK_SCRIPT) + "\n").encode()

    def reference(self, sw, ref, d):
        db = read_db(os.path.join(d, "s.db"))
        if not self.resume:
            sw.ref_answers, sw.ref_conclusions = db[1], db[2]
        assert db[1] == sw.ref_answers and db[2] == sw.ref_conclusions and db[3] == 1

    def check(self, sw, r, ref, d, deep):
        path = os.path.join(d, "s.db")
        db = read_db(path)
        if r.status == 0 and r.failed:
            if not db or db[1] != sw.ref_answers or db[2] != sw.ref_conclusions or db[3] != 1:
                return "exit 0, but the session saved differs from the reference"
            return None
        if db is None:
            if self.resume:
                return "the database is gone"
            return self.next_run(sw, d, None) if deep else None
        if db[0] != "ok":
            return "integrity_check: %s" % db[0]
        ans = db[1]
        if ans is None:
            if self.resume:
                return "session 1 is gone"
            return self.next_run(sw, d, None) if deep else None
        if ans != sw.ref_answers[:len(ans)]:
            return "the answers saved are not those given: %s" % ans
        # the answers the run had shown as committed: the last
        # "[K answered" line, less one for a `back` after it
        shown = self.resume
        for m in re.finditer(r"^\[(\d+) answered|Back to '", r.out, re.M):
            shown = int(m.group(1)) if m.group(1) else shown - 1
        if len(ans) < shown:
            return "%d answers saved, but %d were shown as committed" % (len(ans), shown)
        if not deep:
            return None
        st, out, err = sw.plain(["sessions", "--db", path, "show", "1"], d)
        if st != 0 or ("Answers (%d):" % len(ans)) not in out:
            return "sessions show after the failure: exit %d: %s" % (st, err)
        return self.next_run(sw, d, ans)

    def next_run(self, sw, d, ans):
        """The next run, without a failure, resumes (or starts) and ends
        with the reference answers and conclusions."""
        path = os.path.join(d, "s.db")
        argv = ["ask", "--kb", KB, "--db", path, "--script"]
        if ans is None:         # no session was made: start one
            argv += ["--respondent", "Fault"]
            stdin = script_for(sw.ref_answers)
        else:
            argv += ["--resume", "1"]
            stdin = script_for(sw.ref_answers[len(ans):])
        st, out, err = sw.plain(argv, d, stdin)
        if st != 0:
            return "the next run exited %d: %s" % (st, err)
        db = read_db(path)
        if not db or db[0] != "ok" or db[1] != sw.ref_answers or db[2] != sw.ref_conclusions:
            return "the next run did not end with the reference session"
        return None


class Show:
    """sessions show 1 [--format FMT]: reading a finished session."""

    def __init__(self, fmt=None):
        self.fmt = fmt
        self.name = "show-" + (fmt or "plain")

    def setup(self, sw, d):
        shutil.copy(sw.full_db, os.path.join(d, "s.db"))

    def argv(self, d):
        a = [self.sw_bin, "sessions", "--db", os.path.join(d, "s.db"), "show", "1"]
        # --kb is for show --format (the run of the answers): a plain show
        # prints what was saved and refuses it
        return a + (["--kb", KB, "--format", self.fmt] if self.fmt else [])

    def stdin(self):
        return b""

    def reference(self, sw, ref, d):
        pass

    def check(self, sw, r, ref, d, deep):
        db = read_db(os.path.join(d, "s.db"))
        if not db or db[0] != "ok" or db[1] != sw.ref_answers or db[2] != sw.ref_conclusions:
            return "the session changed"
        return None


class Explain:
    """explain of one respondent: the how-tree of its journey (WHAT a
    conclusion pattern) or why a question matters (--why QUESTION)."""

    def __init__(self, what=None, why=None):
        self.what, self.why = what, why
        self.name = "explain-why" if why else "explain-how"

    def setup(self, sw, d):
        pass

    def argv(self, d):
        a = [self.sw_bin, "explain", "--kb", KB, ANSWERS, "small-town-exploring"]
        return a + (["--why", self.why] if self.why else [self.what])

    def stdin(self):
        return b""

    def reference(self, sw, ref, d):
        pass

    def check(self, sw, r, ref, d, deep):
        return None     # the output is compared by common()


def script_for(answers):
    return ("\n".join(v if v is not None else "skip" for _, v in answers) + "\n").encode()


def main():
    args = sys.argv[1:]
    full = "--full" in args
    jobs = 2
    only = None
    if "--jobs" in args:
        jobs = int(args[args.index("--jobs") + 1])
    if "--only" in args:
        only = args[args.index("--only") + 1]
    pos = [a for i, a in enumerate(args)
           if not a.startswith("--") and (i == 0 or args[i - 1] not in ("--jobs", "--only", "--from", "--to"))]
    fault_bin, bin_ = (os.path.abspath(p) for p in pos[:2])
    wrap = shlex.split(os.environ.get("VALGRIND", ""))
    # in memory where there is a tmpfs: every answer is committed with an
    # fsync, which on a disk makes the thousand runs wait on the disk
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    tmp = tempfile.mkdtemp(prefix="ldt-faults-", dir=shm)
    sw = Sweep(fault_bin, bin_, tmp, full, 1 if wrap else jobs, wrap)
    sw.sticky = "--sticky" in args
    if "--from" in args:
        sw.start = int(args[args.index("--from") + 1])
    if "--to" in args:
        sw.end = int(args[args.index("--to") + 1])
    try:
        # the sessions the questionnaire scenarios start from
        ask = Ask()
        ask.sw = sw
        ask.sw_bin = fault_bin
        ref_dir = tempfile.mkdtemp(dir=tmp)
        r = sw.run(ask.argv(ref_dir), ref_dir, ask.stdin(), wrap=False)
        db = read_db(os.path.join(ref_dir, "s.db"))
        if r.status != 0 or not db or db[3] != 1:
            print("the questionnaire without failures did not finish: exit %d\n%s"
                  % (r.status, r.err))
            return 1
        sw.ref_answers, sw.ref_conclusions = db[1], db[2]
        sw.full_db = os.path.join(ref_dir, "s.db")
        part = tempfile.mkdtemp(dir=tmp)
        sw.partial_db = os.path.join(part, "s.db")
        st, out, err = sw.plain(["ask", "--kb", KB, "--db", sw.partial_db, "--script",
                                 "--respondent", "Fault"], part,
                                script_for(sw.ref_answers[:3]) + b"quit\n")
        assert st == 0, err
        scenarios = [Advise("text"), Advise("json"), Advise("markdown", "r.md"),
                     Advise("html", "r.html"), AdviseNamed(), Ask(), Ask(resume=3), Show(), Show("json"),
                     Explain(what="journey unit ? ?"), Explain(why="org.ldt_staff")]
        if wrap:    # valgrind: the slowest are left to ASan
            scenarios = [sc for sc in scenarios
                         if sc.name in ("advise-text", "advise-html-o", "ask-new",
                                        "ask-resume", "show-json")]
        for sc in scenarios:
            if only and only != sc.name:
                continue
            sc.sw = sw
            sc.sw_bin = fault_bin
            sw.sweep(sc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in sw.failures:
        print("FAIL " + f)
    return 1 if sw.failures else 0


if __name__ == "__main__":
    sys.exit(main())
