#!/usr/bin/env python3
"""phases.py -- where a respondent's time goes in the shipped knowledge
base, phase by phase of the learning journey.

    python3 bench/phases.py [--copies 1000] [--rounds 11] [--bin build/ldt-advisor]

Builds, under build/bench/phases/, copies of rules/ that each leave out
one more phase of rules/journey.ini, from the last phase back (the picks
and the order, then the candidates' keys, the prerequisites, the scoring,
and last the whole journey), and an answers file of examples/answers.ini
replicated COPIES times.  Runs `advise --kb DIR ANSWERS` on every copy in
turn, ROUNDS times (the order reversed every other round, so that a slow
spell of the host falls on all of them), and prints the median user CPU
time of each and, by difference, what each phase costs a respondent.

Leaving a phase out also leaves out what the report does with it (a
journey with no picks has no units to write), so a phase's cost here is
its rules' and its report's.  Every copy must still load and advise each
respondent (exit 0); what they advise is not compared.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "bench", "phases")

# Each step leaves out these rules too (rules/journey.ini), last phase first.
PHASES = [
    ("picks and order", ["journey.pick", "journey.pick-prerequisite", "journey.skip",
                         "journey.prerequisite-done", "journey.order-self",
                         "journey.order-before", "journey.position"]),
    ("candidates' keys", ["journey.candidate"]),
    ("prerequisites", ["journey.prerequisite", "journey.prerequisite-chain",
                       "journey.prerequisite-count"]),
    ("scoring", ["journey.score-role", "journey.score-situation",
                 "journey.score-secondary", "journey.score-weakest",
                 "journey.score-focus", "journey.score-core"]),
    ("settings and eligibility", None),     # None: the whole file
]


def drop_rules(path, names):
    """Removes the [rule NAME] sections of NAMES from the file PATH; every
    one must be there (a renamed rule would silently measure nothing)."""
    with open(path) as f:
        parts = re.split(r"(?m)^(?=\[)", f.read())
    kept, seen = [], set()
    for p in parts:
        m = re.match(r"\[rule ([^\]]+)\]", p)
        if m and m.group(1) in names:
            seen.add(m.group(1))
        else:
            kept.append(p)
    missing = set(names) - seen
    if missing:
        sys.exit(f"phases.py: {path}: no rule {', '.join(sorted(missing))}")
    with open(path, "w") as f:
        f.write("".join(kept))


def make_copies():
    """The knowledge-base directories, full first."""
    dirs = [("all of it", os.path.join(ROOT, "rules"))]
    names = []
    for i, (phase, rules) in enumerate(PHASES):
        d = os.path.join(WORK, f"kb{i + 1}")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "rules"), d)
        journey = os.path.join(d, "journey.ini")
        if rules is None:
            os.remove(journey)
        else:
            names += rules
            drop_rules(journey, names)
        dirs.append((f"without {phase}" if i == 0 else f"... and {phase}", d))
    return dirs


def make_answers(copies):
    with open(os.path.join(ROOT, "examples", "answers.ini")) as f:
        lines = f.read().splitlines()
    out = [f"; examples/answers.ini, every respondent {copies} times (bench/phases.py)"]
    n = 0
    for c in range(1, copies + 1):
        for line in lines:
            m = re.match(r"\[answers ([^\]]+)\]", line.strip())
            if m:
                n += 1
            out.append(f"[answers {m.group(1)}-{c:05d}]" if m else line)
    path = os.path.join(WORK, f"answers_x{copies}.ini")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path, n


def user_cpu(cmd):
    """The user CPU seconds of CMD; exits with its message when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as e:
        sys.exit(f"phases.py: {cmd[0]}: {e.strerror}")
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()[-3:]
        sys.exit(f"phases.py: {' '.join(cmd)} exited {p.returncode}" +
                 "".join("\n  " + line for line in err))
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=1000,
                    help="copies of examples/answers.ini (default 1000: 5,000 respondents)")
    ap.add_argument("--rounds", type=int, default=11, help="runs of each copy (default 11)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ldt-advisor"))
    a = ap.parse_args()
    if a.copies < 1 or a.rounds < 1:
        ap.error("--copies and --rounds take a positive number")
    os.makedirs(WORK, exist_ok=True)
    dirs = make_copies()
    answers, n = make_answers(a.copies)
    times = {d: [] for _, d in dirs}
    for r in range(a.rounds):
        for _, d in (dirs if r % 2 == 0 else dirs[::-1]):
            times[d].append(user_cpu([a.bin, "advise", "--kb", d, answers]))
    med = [(label, statistics.median(times[d])) for label, d in dirs]
    print(f"{n:,} respondents through one advise; user CPU, median of {a.rounds} runs")
    for label, t in med:
        print(f"  {label:<36} {t:7.3f} s {t / n * 1e6:7.1f} µs a respondent")
    print("what each phase adds to a respondent:")
    for i, (phase, _) in enumerate(PHASES):
        print(f"  {phase:<36} {(med[i][1] - med[i + 1][1]) / n * 1e6:7.1f} µs")
    rest = med[-1][1] / n * 1e6
    rate = f" ({1e6 / rest:,.0f} a second)" if rest > 0 else ""
    print(f"  {'the rest (no journey)':<36} {rest:7.1f} µs{rate}")

if __name__ == "__main__":
    main()
