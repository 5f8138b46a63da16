#!/usr/bin/env python3
"""run.py -- the benchmark suite: ldt-advisor against CLIPS 6.30.

    python3 bench/run.py [--runs 5] [--budget 120] [--only NAME[,NAME...]]
    python3 bench/run.py --quick            (what `make check` runs)

Workloads (rows of the table):
  manners N    Miss Manners, N = 16, 32, 64, 128 (bench/manners/)
  waltz N      Waltz, N = 12, 25, 37, 50 (bench/waltz/)
  advisory R/N the synthetic advisory workload of bench-data/ADVISORY.md,
               R = 100, 1,000, 10,000 rules x N = 1, 100, 10,000
               questionnaires in one process (bench/advisory/gen.py)
  ldt-kb       the shipped knowledge base rules/ through `advise` (text
               report): one respondent of examples/answers.ini (a whole
               questionnaire: load, answers, conclusions, report), then
               examples/answers.ini replicated to 1,000 respondents
               (ldt-advisor only: there is no CLIPS version of it)

Every row first runs a check, untimed: both engines once with their output
on, the results compared (Manners: both seatings valid; Waltz: the same edge
labels; advisory: the same derived facts for each of the first 100
questionnaires, and the same as gen.py's own evaluation; ldt-kb: every copy
of a respondent gets the same facts), and the rule firings counted
(ldt-advisor: FIRE lines of --watch; CLIPS: its "N rules fired"
statistics).  Then the timed runs, output to /dev/null: the two engines
alternate (CLIPS first in odd rounds, ldt-advisor first in even ones),
--runs rounds, fewer when a round is slow (at most --budget seconds per row,
at least one round), --short-runs when that many rounds fit in 10 s (a
process of a few milliseconds varies from run to run more than a long one,
and its runs cost little).  A time is the wall time of the whole process (load
included) from its fork to its end, next to its CPU time (user + system:
unlike wall time, it does not count waiting for a CPU that other jobs
hold); peak memory is its maximum resident set; all three come from wait4
in bench/runstat.c (--runstat; built by make), so that starting Python's
child costs neither engine anything.  The table shows medians.

Prints the table and writes bench/RESULTS.md and bench/results.json (the
machine, the exact command, every run), which bench/plot.py draws from.
--quick runs the smallest size of each workload, checks only, and writes
nothing; without CLIPS it checks ldt-advisor alone where it can.  Exits 1
when a check fails, 69 when CLIPS is needed and missing.
"""
import argparse
import collections
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
DATA = os.environ.get("BENCH_DATA") or os.path.normpath(os.path.join(ROOT, "..", "shared", "bench-data"))
WORK = os.path.join(ROOT, "build", "bench")

sys.path.insert(0, os.path.join(BENCH, "advisory"))
import gen  # noqa: E402  (bench/advisory/gen.py)

MANNERS = [16, 32, 64, 128]
WALTZ = [12, 25, 37, 50]
ADV_R = [100, 1000, 10000]
ADV_N = [1, 100, 10000]
ADV_CHECKED = 100            # questionnaires compared per advisory row
KB_COPIES = 200              # examples/answers.ini x 200 = 1,000 respondents

BIN = os.path.join(ROOT, "build", "ldt-advisor")
CLIPS = "clips"


class CheckFailed(Exception):
    pass


# ---------------------------------------------------------------- processes

TIME = "/usr/bin/time"         # GNU time: peak memory when runstat is missing
RUNSTAT = os.path.join(ROOT, "build", "bench", "runstat")   # bench/runstat.c
OUTPUTS = ["RESULTS.md", "results.json", "advisory.svg", "soak.json"]   # what make bench writes


def run(cmd, cwd=None, stdout=None, stderr=None, env=None):
    """Run CMD to its end; (wall s, CPU s, peak RSS in KiB, exit status).

    STDOUT/STDERR: a path to write to, or None for /dev/null.  The command
    runs under bench/runstat (built by make), which forks it, waits for it
    and writes its wall time, CPU time (user + system) and peak resident
    set from wait4: no starting of Python's child is counted, which a run
    of a few milliseconds would feel.  Without runstat: wall time around
    Python's spawning, and the peak RSS from GNU time's %M (a process
    started straight from Python would report Python's own RSS as a floor:
    Linux keeps the high-water mark across exec)."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL
    statfile = os.path.join(WORK, "runstat.txt")
    if os.access(RUNSTAT, os.X_OK):
        wrap = [RUNSTAT, statfile]
    elif os.access(TIME, os.X_OK):
        wrap = [TIME, "-q", "-f", "%M", "-o", statfile]
    else:
        wrap = []
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(wrap + cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for f in (out, err):
            if f is not subprocess.DEVNULL:
                f.close()
    rss, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if wrap:
        with open(statfile) as f:
            fields = f.read().split()
        if wrap[0] == RUNSTAT and len(fields) == 3:
            wall, cpu, rss = float(fields[0]), float(fields[1]), int(fields[2])
        elif wrap[0] == TIME:
            rss = int(fields[-1]) if fields and fields[-1].isdigit() else None
    return wall, cpu, rss, p.returncode


def run_ok(what, cmd, cwd=None, stdout=None, stderr=None, env=None):
    """run(), raising CheckFailed with the first lines of stderr on failure."""
    errfile = stderr or os.path.join(WORK, "last-stderr.txt")
    wall, cpu, rss, status = run(cmd, cwd, stdout, errfile, env)
    if status != 0:
        with open(errfile, errors="replace") as f:
            head = "".join(f.readlines()[:5])
        raise CheckFailed(f"{what} exited with status {status}: {' '.join(cmd)}\n{head}")
    return wall, cpu, rss


def count_lines(path, prefix=b"FIRE "):
    """Lines of PATH starting with PREFIX (read in blocks: files can be large)."""
    n, first = 0, True
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            n += block.count(b"\n" + prefix) + (1 if first and block.startswith(prefix) else 0)
            first = False
    return n


def clips_fired(path):
    """The sum of CLIPS's "N rules fired" statistics lines in PATH."""
    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"(\d+) rules fired", line)
            if m:
                total += int(m.group(1))
    return total


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


def copy_into(src, dst_dir):
    dst = os.path.join(dst_dir, os.path.basename(src))
    if not os.path.exists(dst) or open(src, "rb").read() != open(dst, "rb").read():
        shutil.copyfile(src, dst)


# ---------------------------------------------------------------- workloads

class Workload:
    """One row: how to prepare its inputs, run each engine, check results."""
    group = ""
    has_clips = True

    def prepare(self):
        pass

    def ldt_cmd(self):
        raise NotImplementedError

    def clips_cmd(self):
        raise NotImplementedError

    def check(self, clips):
        """Compare the results; returns (clips firings, ldt firings, note)."""
        raise NotImplementedError


class Manners(Workload):
    group = "manners"

    def __init__(self, n):
        self.n, self.name = n, f"manners {n}"
        self.dir = os.path.join(WORK, "manners", str(n))
        self.kb, self.cdir = os.path.join(self.dir, "kb"), os.path.join(self.dir, "clips")

    def prepare(self):
        os.makedirs(self.kb, exist_ok=True)
        os.makedirs(self.cdir, exist_ok=True)
        src = os.path.join(DATA, "manners")
        copy_into(os.path.join(BENCH, "manners", "manners.ini"), self.kb)
        data = os.path.join(self.kb, f"manners{self.n}.ini")
        if not os.path.exists(data):
            run_ok("fct2ini.py", [sys.executable, os.path.join(BENCH, "fct2ini.py"),
                                  os.path.join(src, "manners.clp"),
                                  os.path.join(src, f"manners{self.n}.fct")], stdout=data)
        for f in ("manners.clp", f"manners{self.n}.fct"):
            copy_into(os.path.join(src, f), self.cdir)
        # The original driver, then (exit).
        with open(os.path.join(src, f"manners{self.n}.bat")) as f:
            write_if_changed(os.path.join(self.cdir, "run.bat"), f.read().rstrip("\n") + "\n(exit)\n")

    def ldt_cmd(self):
        return [BIN, "facts", self.kb], None

    def clips_cmd(self):
        return [CLIPS, "-f2", "run.bat"], self.cdir

    def check(self, clips):
        out, err = os.path.join(self.dir, "ldt.out"), os.path.join(self.dir, "ldt.err")
        run_ok("ldt-advisor", [BIN, "facts", "--watch", self.kb], stdout=out, stderr=err)
        seating(out, "ldt-advisor")
        lf = count_lines(err)
        if not clips:
            return None, lf, "seating valid (ldt-advisor; no CLIPS)"
        cout = os.path.join(self.dir, "clips.out")
        run_ok("clips", [CLIPS, "-f2", "run.bat"], cwd=self.cdir, stdout=cout)
        # CLIPS's own seating, output turned on, by bench/manners/clips.sh.
        sout = os.path.join(self.dir, "clips-seating.out")
        env = dict(os.environ, MANNERS_DATA=os.path.join(DATA, "manners"), CLIPS=CLIPS)
        run_ok("clips.sh --seating", ["sh", os.path.join(BENCH, "manners", "clips.sh"), "--seating",
                                      str(self.n)], stdout=sout, env=env)
        seating(sout, "CLIPS")
        return clips_fired(cout), lf, "both seatings valid"


def seating(path, who):
    chk = subprocess.run([sys.executable, os.path.join(BENCH, "manners", "check_seating.py"), path],
                         capture_output=True, text=True)
    if chk.returncode != 0:
        raise CheckFailed(f"{who}'s seating: {(chk.stderr or chk.stdout).strip()}")


class Waltz(Workload):
    group = "waltz"
    LABELS = {'"+"': "+", '"-"': "-"}    # the port's strings -> CLIPS's symbols

    def __init__(self, n):
        self.n, self.name = n, f"waltz {n}"
        self.dir = os.path.join(WORK, "waltz", str(n))
        self.kb, self.cdir = os.path.join(self.dir, "kb"), os.path.join(self.dir, "clips")

    def prepare(self):
        os.makedirs(self.kb, exist_ok=True)
        os.makedirs(self.cdir, exist_ok=True)
        src = os.path.join(DATA, "waltz")
        copy_into(os.path.join(BENCH, "waltz", "waltz.ini"), self.kb)
        data = os.path.join(self.kb, f"waltz{self.n}.ini")
        if not os.path.exists(data):
            run_ok("convert.py", [sys.executable, os.path.join(BENCH, "waltz", "convert.py"),
                                  os.path.join(src, "waltz.clp"),
                                  os.path.join(src, f"waltz{self.n}.fct")], stdout=data)
        for f in ("waltz.clp", f"waltz{self.n}.fct"):
            copy_into(os.path.join(src, f), self.cdir)
        with open(os.path.join(src, f"waltz{self.n}.bat")) as f:
            bat = f.read().rstrip("\n") + "\n"
        write_if_changed(os.path.join(self.cdir, "run.bat"), bat + "(exit)\n")
        write_if_changed(os.path.join(self.cdir, "check.bat"), bat +
                         '(do-for-all-facts ((?e edge)) TRUE\n'
                         '   (printout t "edge " ?e:p1 " " ?e:p2 " " ?e:label crlf))\n(exit)\n')

    def ldt_cmd(self):
        return [BIN, "facts", self.kb], None

    def clips_cmd(self):
        return [CLIPS, "-f2", "run.bat"], self.cdir

    def check(self, clips):
        out, err = os.path.join(self.dir, "ldt.out"), os.path.join(self.dir, "ldt.err")
        run_ok("ldt-advisor", [BIN, "facts", "--watch", self.kb], stdout=out, stderr=err)
        ours = {}
        with open(out) as f:
            for line in f:
                t = line.split()
                if t[0] == "edge":                   # edge P1 P2 JOINED LABEL PLOTTED
                    ours[(int(t[1]), int(t[2]))] = self.LABELS.get(t[4], t[4])
                elif t[0] == "stage" and t[1] != "done":
                    raise CheckFailed(f"ldt-advisor stopped at stage {t[1]}")
        lf = count_lines(err)
        if not ours:
            raise CheckFailed("ldt-advisor: no edge facts")
        if not clips:
            return None, lf, f"{len(ours)} edges (ldt-advisor alone; no CLIPS to compare)"
        cout = os.path.join(self.dir, "clips.out")
        run_ok("clips", [CLIPS, "-f2", "check.bat"], cwd=self.cdir, stdout=cout)
        theirs = {}
        with open(cout) as f:
            for line in f:
                t = line.split()
                if t and t[0] == "edge":
                    theirs[(int(t[1]), int(t[2]))] = t[3]
        if ours != theirs:
            diff = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
            k = diff[0]
            raise CheckFailed(f"labels differ on {len(diff)} edges, e.g. {k[0]}->{k[1]}: "
                              f"CLIPS {theirs.get(k)}, ldt-advisor {ours.get(k)}")
        return clips_fired(cout), lf, f"same labels on {len(ours)} edges"


class Advisory(Workload):
    group = "advisory"

    def __init__(self, r, n):
        self.r, self.n, self.name = r, n, f"advisory R={r} N={n}"
        self.dir = os.path.join(WORK, "advisory")
        self.checked = min(n, ADV_CHECKED)

    def ldt_cmd(self):
        # in time-tag order, as CLIPS prints its facts: the check run
        # (untimed) compares them as sets
        return [BIN, "facts", "--unsorted", f"kb_r{self.r}", f"answers_n{self.n}.ini"], self.dir

    def clips_cmd(self):
        return [CLIPS, "-f2", f"run_r{self.r}_n{self.n}.bat"], self.dir

    _done = {}                                   # (R, checked N) -> result of check

    def check(self, clips):
        key = (self.r, self.checked, clips)
        if key not in Advisory._done:
            Advisory._done[key] = self._check(clips)
        return Advisory._done[key]

    def _check(self, clips):
        r, n = self.r, self.checked
        if not os.path.exists(os.path.join(self.dir, f"answers_n{n}.ini")):
            generate_advisory([r], [n])
        out, err = os.path.join(self.dir, f"ldt-r{r}-n{n}.out"), os.path.join(self.dir, f"ldt-r{r}-n{n}.err")
        run_ok("ldt-advisor", [BIN, "facts", "--watch", f"kb_r{r}", f"answers_n{n}.ini"],
               cwd=self.dir, stdout=out, stderr=err)
        ours = derived(out, {gen.INI_ADVICE: "advice"})
        lf = count_lines(err)
        # gen.py's own evaluation of the rules (one pass in level order).
        questions = gen.make_questions(gen.SEED)
        rules = gen.make_rules(gen.SEED, r, questions)[0]
        ref = {}
        for i in range(1, n + 1):
            flags, advice, scores, _ = gen.evaluate(rules, gen.make_answers(gen.SEED, questions, i))
            ref[f"r{i:06d}"] = ({f"flag {f}" for f in flags} | {f"advice {a}" for a in advice} |
                                {f"score {s} {v}" for s, v in scores.items()})
        compare(ref, ours, "gen.py's evaluation", "ldt-advisor", n)
        facts = sum(len(v) for v in ours.values())
        if not clips:
            return None, lf / n, f"{n} questionnaires as gen.py ({facts / n:.0f} facts each; no CLIPS)"
        bat = os.path.join(self.dir, f"check_r{r}_n{n}.bat")
        with open(os.path.join(self.dir, f"run_r{r}_n{n}.bat")) as f:
            write_if_changed(bat, "(watch statistics)\n" + f.read())
        cout = os.path.join(self.dir, f"clips-r{r}-n{n}.out")
        run_ok("clips", [CLIPS, "-f2", os.path.basename(bat)], cwd=self.dir, stdout=cout)
        compare(derived(cout, {}), ours, "CLIPS", "ldt-advisor", n)
        return clips_fired(cout) / n, lf / n, f"first {n}: same {facts / n:.0f} facts each"


def derived(path, rename):
    """{questionnaire: set of "flag F" / "advice A" / "score S V"} from PATH."""
    out = collections.defaultdict(set)
    keep = {"flag", "advice", "score"}
    with open(path) as f:
        for line in f:
            t = line.split()
            if len(t) < 3:
                continue
            rel = rename.get(t[1], t[1])
            if rel in keep and re.fullmatch(r"r\d{6}", t[0]):
                out[t[0]].add(" ".join([rel] + t[2:]))
    return out


def compare(a, b, an, bn, n):
    for i in range(1, n + 1):
        q = f"r{i:06d}"
        if a.get(q, set()) != b.get(q, set()):
            only_a = sorted(a.get(q, set()) - b.get(q, set()))[:3]
            only_b = sorted(b.get(q, set()) - a.get(q, set()))[:3]
            raise CheckFailed(f"questionnaire {q}: only {an}: {only_a}; only {bn}: {only_b}")


def generate_advisory(rs, ns):
    run_ok("gen.py", [sys.executable, os.path.join(BENCH, "advisory", "gen.py"), "--out",
                      os.path.join(WORK, "advisory"), "--rules"] + [str(r) for r in rs] +
           ["--questionnaires"] + [str(n) for n in ns])


class LdtKb(Workload):
    """The shipped KB through `advise`: COPIES x examples/answers.ini, or
    (COPIES = 0) its first respondent alone."""
    group = "ldt-kb"
    has_clips = False
    FIRST = "big-city-platform"

    def __init__(self, copies):
        self.copies = copies
        self.dir = os.path.join(WORK, "ldt-kb")
        self.answers = (os.path.join(self.dir, f"answers_x{copies}.ini") if copies
                        else os.path.join(ROOT, "examples", "answers.ini"))
        self.name = "ldt-kb 1 respondent" if not copies else f"ldt-kb {5 * copies} respondents"
        self.respondents = 5 * copies if copies else 1

    def prepare(self):
        os.makedirs(self.dir, exist_ok=True)
        if not self.copies:
            return
        with open(os.path.join(ROOT, "examples", "answers.ini")) as f:
            lines = f.read().splitlines()
        out = [f"; examples/answers.ini, every respondent {self.copies} times (bench/run.py)"]
        for c in range(1, self.copies + 1):
            for line in lines:
                m = re.match(r"\[answers ([^\]]+)\]", line.strip())
                out.append(f"[answers {m.group(1)}-{c:04d}]" if m else line)
        write_if_changed(self.answers, "\n".join(out) + "\n")

    def who(self):
        return [] if self.copies else [self.FIRST]

    def ldt_cmd(self):
        kb = os.path.join(ROOT, "rules")
        return [BIN, "advise", "--kb", kb, self.answers] + self.who(), None

    def check(self, clips):
        out, err = os.path.join(self.dir, f"x{self.copies}.out"), os.path.join(self.dir, f"x{self.copies}.err")
        kb = os.path.join(ROOT, "rules")
        run_ok("ldt-advisor", [BIN, "facts", "--watch", kb, self.answers] + self.who(),
               stdout=out, stderr=err)
        lf = count_lines(err)
        facts = collections.defaultdict(set)     # respondent -> its facts
        with open(out) as f:
            for line in f:
                who, _, fact = line.rstrip("\n").partition(" ")
                facts[who].add(fact)
        if not self.copies:
            # one respondent: the facts are printed without its name
            if "situation" not in facts or "journey" not in facts:
                raise CheckFailed(f"no situation or journey concluded for {self.FIRST}")
            run_ok("ldt-advisor", self.ldt_cmd()[0], stdout=out)
            with open(out) as f:
                if self.FIRST not in f.read():
                    raise CheckFailed(f"the report does not name {self.FIRST}")
            return None, lf, "situation and journey concluded, report written"
        first = {}
        for who, fs in facts.items():
            base = who.rsplit("-", 1)[0]
            if first.setdefault(base, fs) != fs:
                raise CheckFailed(f"{who} does not get the facts of {base}-0001")
        if len(facts) != 5 * self.copies:
            raise CheckFailed(f"{len(facts)} respondents in the output, expected {5 * self.copies}")
        return None, lf / len(facts), f"{len(facts)} respondents, copies identical"


def workloads(quick):
    if quick:
        return [Manners(MANNERS[0]), Waltz(WALTZ[0]), Advisory(ADV_R[0], ADV_CHECKED),
                LdtKb(0), LdtKb(1)]
    return ([Manners(n) for n in MANNERS] + [Waltz(n) for n in WALTZ] +
            [Advisory(r, n) for r in ADV_R for n in ADV_N] + [LdtKb(0), LdtKb(KB_COPIES)])


# ---------------------------------------------------------------- timing

SHORT_RUNS = 21         # rounds for a row whose round is short ...
SHORT_BUDGET = 10.0     # ... enough for them all to fit in this many seconds


def time_row(w, runs, budget, clips, short_runs=SHORT_RUNS):
    """Alternating timed runs; {engine: [(wall, cpu, rss), ...]}.  A row
    whose first round is short gets SHORT_RUNS rounds: a millisecond
    process on a shared host varies from one run to the next far more than
    a long one, and its runs cost little."""
    res = {"clips": [], "ldt": []}
    engines = ["clips", "ldt"] if clips and w.has_clips else ["ldt"]
    rounds, i = runs, 0
    while i < rounds:
        order = engines if i % 2 == 0 else engines[::-1]
        t_round = 0.0
        for eng in order:
            cmd, cwd = w.clips_cmd() if eng == "clips" else w.ldt_cmd()
            err = os.path.join(WORK, f"timed-{eng}.err")
            wall, cpu, rss = run_ok(eng, cmd, cwd=cwd, stderr=err)
            res[eng].append((wall, cpu, rss))
            t_round += wall
        i += 1
        if i == 1 and t_round * runs > budget:      # slow row: fewer rounds
            rounds = max(1, min(runs, int(budget // t_round)))
        elif i == 1 and short_runs > runs and t_round * short_runs <= SHORT_BUDGET:
            rounds = short_runs                     # short row: more rounds
    return res


def median(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- report

def machine():
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
        except OSError:
            return ""
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            mem = f"{kb / 1048576:.1f} GiB"
    except (OSError, AttributeError):
        pass
    model = sh("lscpu | sed -n 's/^Model name: *//p' | head -n 1")
    osname = sh(". /etc/os-release 2>/dev/null && echo \"$PRETTY_NAME\"")
    return {
        "nproc": sh("nproc"), "cpu": model, "memory": mem,
        "os": f"{osname}, Linux {platform.release()}",
        "clips": "CLIPS " + (sh("dpkg-query -W -f '${Version}' clips 2>/dev/null") or "?") + " (Debian package clips)",
        "ldt": sh(f"'{BIN}' --version") + ", git " + (sh(f"git -C '{ROOT}' rev-parse --short HEAD") or "?") +
               (" + uncommitted changes" if sh(f"git -C '{ROOT}' status --porcelain -uno -- . "
                                             + " ".join(f"':(exclude)bench/{o}'" for o in OUTPUTS)) else ""),
        "python": platform.python_version(),
    }


def fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.1f}"


def fmt_fired(x, per_q):
    if x is None:
        return "—"
    return f"{x:,.1f}/q" if per_q else f"{int(x):,}"


def ratio(a, b, floor=0.0):
    """b / a formatted, or — when either is missing or below FLOOR."""
    return f"{b / a:.2f}" if a and b and a > floor and b > floor else "—"


def table(rows):
    head = ["workload", "runs", "CLIPS s (CPU)", "ldt-advisor s (CPU)", "ratio ldt/CLIPS (CPU)",
            "CLIPS peak MiB", "ldt peak MiB", "CLIPS firings", "ldt firings", "check"]
    lines = ["| " + " | ".join(head) + " |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        c, l = r["clips"], r["ldt"]
        per_q = r["group"] in ("advisory", "ldt-kb") and r["name"] != "ldt-kb 1 respondent"

        def t(e):
            return "—" if e["median"] is None else f"{fmt_s(e['median'])} ({fmt_s(e['cpu'])})"
        # CPU times under 10 ms are mostly process start-up: no CPU ratio.
        rat = ratio(c["median"], l["median"])
        if rat != "—":
            rat += f" ({ratio(c['cpu'], l['cpu'], 0.01)})"
        lines.append("| " + " | ".join([
            r["name"], str(r["runs"]), t(c), t(l), rat,
            fmt_mb(c["rss"]), fmt_mb(l["rss"]), fmt_fired(c["fired"], per_q),
            fmt_fired(l["fired"], per_q), r["check"]]) + " |")
    return "\n".join(lines)


def per_questionnaire(rows):
    """Advisory: load time (N = 1) and time per questionnaire, from N = 1 and the largest N."""
    by = {(r["r"], r["n"]): r for r in rows if r["group"] == "advisory"}
    out = []
    for R in sorted({k[0] for k in by}):
        ns = sorted(n for (r, n) in by if r == R)
        if len(ns) < 2 or ns[0] != 1:
            continue
        lo, hi = by[(R, 1)], by[(R, ns[-1])]
        e = {"R": R, "N": ns[-1]}
        for eng in ("clips", "ldt"):
            a, b = lo[eng]["median"], hi[eng]["median"]
            ac, bc = lo[eng]["cpu"], hi[eng]["cpu"]
            e[eng] = None if a is None or b is None else {
                "load_s": a, "per_q_ms": (b - a) / (ns[-1] - 1) * 1000,
                "load_cpu_s": ac, "per_q_cpu_ms": (bc - ac) / (ns[-1] - 1) * 1000}
        out.append(e)
    return out


def kb_rate(rows):
    """One respondent's whole questionnaire, and respondents a second in a
    batch: (N - 1) / (time of N - time of one)."""
    by = {r["name"]: r for r in rows if r["group"] == "ldt-kb"}
    one = by.get("ldt-kb 1 respondent")
    many = [r for r in by.values() if r is not one]
    if not one or not many or one["ldt"]["median"] is None:
        return None
    m = many[0]
    n = m["respondents"]
    dt = m["ldt"]["median"] - one["ldt"]["median"]
    dc = m["ldt"]["cpu"] - one["ldt"]["cpu"]
    return {"one_s": one["ldt"]["median"], "one_cpu_s": one["ldt"]["cpu"], "respondents": n,
            "per_s": (n - 1) / dt if dt > 0 else None,
            "per_cpu_s": (n - 1) / dc if dc > 0 else None}


def markdown(rows, info, command, started, runs, budget, short_runs=SHORT_RUNS):
    md = ["# Benchmark results", "",
          "The latest run of `bench/run.py` (see its header for what each workload is and",
          "how it is measured).  Times are medians of whole-process wall times (load",
          "included), in seconds, with the median CPU time (user + system) in",
          "parentheses; ratio = ldt-advisor time / CLIPS time (below 1: ldt-advisor is",
          "faster), wall (CPU).  When other jobs share the machine the wall times",
          "include waiting for a CPU and vary from run to run; the CPU times do not.",
          "Peak memory is the maximum resident set.  Firings come from the untimed check",
          "run; where a row runs many questionnaires or respondents they are the mean",
          "per questionnaire (/q) over the checked ones (advisory: the first 100).",
          "Advisory firings may differ between the engines (a score test refires after",
          "each `add`, in an order that depends on the engine); the final facts may not.", "",
          f"- command: `{command}`",
          f"- date: {started}",
          f"- machine: {info['cpu']}, {info['nproc']} CPUs (`nproc`), {info['memory']} memory; {info['os']}",
          f"- engines: {info['clips']}; {info['ldt']}",
          f"- {info['load']} (the run itself keeps about one CPU busy)",
          f"- rounds: {runs} per row, each engine once per round, alternating;"
          f" fewer when a round is slow (budget {budget:.0f} s per row)"
          + (f", {short_runs} when {short_runs} rounds take at most {SHORT_BUDGET:.0f} s"
             if short_runs > runs else ""), "",
          table(rows), ""]
    pq = per_questionnaire(rows)
    if pq:
        md += ["## Advisory: load and time per questionnaire", "",
               "Load = the N = 1 row; per questionnaire = (time at the largest N − time at",
               "N = 1) / (N − 1).  Plotted in `bench/advisory.svg` (`python3 bench/plot.py`).", "",
               "Wall time, CPU time in parentheses.", "",
               "| R | CLIPS load s | ldt-advisor load s | CLIPS ms/questionnaire | ldt-advisor ms/questionnaire | ratio |",
               "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        for e in pq:
            c, l = e["clips"], e["ldt"]
            if not (c and l):
                md.append(f"| {e['R']:,} | — | — | — | — | — |")
                continue
            md.append(f"| {e['R']:,} | {fmt_s(c['load_s'])} ({fmt_s(c['load_cpu_s'])}) | "
                      f"{fmt_s(l['load_s'])} ({fmt_s(l['load_cpu_s'])}) | "
                      f"{c['per_q_ms']:.3f} ({c['per_q_cpu_ms']:.3f}) | "
                      f"{l['per_q_ms']:.3f} ({l['per_q_cpu_ms']:.3f}) | "
                      f"{ratio(c['per_q_ms'], l['per_q_ms'])} ({ratio(c['per_q_cpu_ms'], l['per_q_cpu_ms'])}) |")
        md.append("")
    kr = kb_rate(rows)
    if kr:
        md += ["## The shipped knowledge base", "",
               f"A whole questionnaire (`advise` of one respondent: load `rules/`, assert the",
               f"answers, run, build and print the report) takes {kr['one_s'] * 1e3:.1f} ms"
               f" ({kr['one_cpu_s'] * 1e3:.1f} ms CPU); with examples/answers.ini replicated to"
               f" {kr['respondents']:,} respondents in one `advise`, ldt-advisor advises"
               f" {kr['per_s'] or 0:,.0f} respondents a second ({kr['per_cpu_s'] or 0:,.0f} a CPU second):"
               f" (respondents − 1) / (time − the one-respondent time).", ""]
    soak_json = os.path.join(BENCH, "soak.json")
    if os.path.exists(soak_json):       # the soak's latest figures (bench/soak.py) stay
        import soak
        with open(soak_json) as f:
            md.append(soak.section(json.load(f)))
    return "\n".join(md)


# ---------------------------------------------------------------- main

def main():
    global BIN, CLIPS, RUNSTAT
    ap = argparse.ArgumentParser(description="Benchmark ldt-advisor against CLIPS 6.30.")
    ap.add_argument("--quick", action="store_true",
                    help="smallest size of each workload, checks only, nothing written")
    ap.add_argument("--only", help="comma-separated workloads: a group (manners, waltz, advisory, "
                    "ldt-kb), a row ('manners 16') or its leading words ('advisory R=1000')")
    ap.add_argument("--runs", type=int, default=5, help="timed rounds per row (default 5)")
    ap.add_argument("--short-runs", type=int, default=SHORT_RUNS,
                    help=f"rounds for a row whose rounds all fit in {SHORT_BUDGET:.0f} s"
                    f" (default {SHORT_RUNS}; 0: --runs for every row)")
    ap.add_argument("--budget", type=float, default=120,
                    help="seconds of timed runs per row before rounds are cut (default 120)")
    ap.add_argument("--bin", default=BIN, help="the ldt-advisor binary (default build/ldt-advisor)")
    ap.add_argument("--runstat", default=RUNSTAT,
                    help="the bench/runstat.c helper that measures each run (default build/bench/runstat)")
    ap.add_argument("--clips", default=CLIPS, help="the CLIPS 6.30 binary (default clips)")
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md / results.json")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite bench/RESULTS.md from bench/results.json, run nothing")
    args = ap.parse_args()
    BIN, CLIPS, RUNSTAT = os.path.abspath(args.bin), args.clips, os.path.abspath(args.runstat)
    if args.report_only:
        with open(os.path.join(BENCH, "results.json")) as f:
            d = json.load(f)
        with open(os.path.join(BENCH, "RESULTS.md"), "w") as f:
            f.write(markdown(d["rows"], d["machine"], d["command"], d["date"],
                             d.get("runs", 5), d.get("budget", 120), d.get("short_runs", 0)))
        print("wrote bench/RESULTS.md")
        return 0
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.access(BIN, os.X_OK):
        print(f"run.py: {BIN} not found: build it with `make`", file=sys.stderr)
        return 66
    have_clips = shutil.which(CLIPS) is not None
    if not have_clips and not args.quick:
        print(f"run.py: CLIPS ('{CLIPS}') not found: `make bench` installs it "
              "(Debian package clips)", file=sys.stderr)
        return 69
    if not have_clips:
        print("run.py: CLIPS not installed: checking ldt-advisor alone", file=sys.stderr)

    ws = workloads(args.quick)
    if args.only:
        keys = [k.strip() for k in args.only.split(",") if k.strip()]
        ws = [w for w in ws if any(w.name == k or w.group == k or w.name.startswith(k + " ")
                                   for k in keys)]
        if not ws:
            ap.error(f"--only {args.only}: no such workload")
    os.makedirs(WORK, exist_ok=True)
    adv = [w for w in ws if isinstance(w, Advisory)]
    if adv:
        generate_advisory(sorted({w.r for w in adv}),
                          sorted({w.n for w in adv} | {w.checked for w in adv}))

    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load_before = os.getloadavg()
    rows, failed = [], 0
    for w in ws:
        row = {"name": w.name, "group": w.group, "runs": 0, "check": "",
               "clips": {"times": [], "rss": None, "median": None, "cpu": None, "fired": None},
               "ldt": {"times": [], "rss": None, "median": None, "cpu": None, "fired": None}}
        if isinstance(w, Advisory):
            row.update(r=w.r, n=w.n)
        if isinstance(w, LdtKb):
            row["respondents"] = w.respondents
        try:
            w.prepare()
            cf, lf, note = w.check(have_clips and w.has_clips)
            row["clips"]["fired"], row["ldt"]["fired"], row["check"] = cf, lf, "ok: " + note
            print(f"ok   {w.name}: {note}", flush=True)
        except CheckFailed as e:
            failed += 1
            row["check"] = "FAIL: " + str(e).splitlines()[0]
            print(f"FAIL {w.name}: {e}", flush=True)
            rows.append(row)
            continue
        if not args.quick:
            try:
                res = time_row(w, args.runs, args.budget, have_clips, args.short_runs)
            except CheckFailed as e:
                failed += 1
                row["check"] = "FAIL: " + str(e).splitlines()[0]
                print(f"FAIL {w.name}: {e}", flush=True)
                rows.append(row)
                continue
            row["runs"] = len(res["ldt"])
            for eng in ("clips", "ldt"):
                if res[eng]:
                    row[eng]["times"] = [t for t, _, _ in res[eng]]
                    row[eng]["cpu_times"] = [c for _, c, _ in res[eng]]
                    row[eng]["median"] = median(row[eng]["times"])
                    row[eng]["cpu"] = median(row[eng]["cpu_times"])
                    row[eng]["rss"] = median([m for _, _, m in res[eng]])
            c, l = row["clips"]["median"], row["ldt"]["median"]
            print(f"     {w.name}: CLIPS {fmt_s(c)}, ldt-advisor {fmt_s(l)} s"
                  f"{f', ratio {l / c:.2f}' if c else ''} ({row['runs']} runs)", flush=True)
        rows.append(row)

    if args.quick:
        print(f"bench --quick: {len(rows) - failed} passed, {failed} failed")
        return 1 if failed else 0
    print()
    print(table(rows))
    if not args.no_write:
        info = machine()
        # Other jobs on the machine disturb the times: say how busy it was.
        info["load"] = "load average (1, 5, 15 min) %.2f %.2f %.2f before, %.2f %.2f %.2f after" % (
            load_before + os.getloadavg())
        command = "python3 bench/run.py" + "".join(f" {a!r}" if " " in a else f" {a}" for a in sys.argv[1:])
        if os.environ.get("MAKELEVEL"):
            command = f"make bench  # {command}"
        with open(os.path.join(BENCH, "RESULTS.md"), "w") as f:
            f.write(markdown(rows, info, command, started, args.runs, args.budget,
                             args.short_runs))
        with open(os.path.join(BENCH, "results.json"), "w") as f:
            json.dump({"command": command, "date": started, "machine": info,
                       "runs": args.runs, "budget": args.budget,
                       "short_runs": args.short_runs, "rows": rows,
                       "per_questionnaire": per_questionnaire(rows), "ldt_kb": kb_rate(rows)},
                      f, indent=1)
            f.write("\n")
        print("\nwrote bench/RESULTS.md and bench/results.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
