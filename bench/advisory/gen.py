#!/usr/bin/env python3
"""gen.py -- generate the advisory benchmark workload for ldt-advisor and CLIPS.

    python3 bench/advisory/gen.py --out DIR [--rules 100 1000 10000]
                                  [--questionnaires 1 100 10000] [--seed 20240601]
    python3 bench/advisory/gen.py --stats [--rules ...]     sizes, as in ADVISORY.md

The workload is the one of ../shared/bench-data/ADVISORY.md: Q = 100
questions, R rules over 5 chained levels deriving flags, scores and advice,
N questionnaires that each answer every question.  Everything is a function
of the seed and the sizes, drawn with Python's random.Random from separate
streams (one for the questions, one per rule count, one per questionnaire),
so questionnaire i is the same whatever N is and the answers do not depend
on R.  For each R and N it writes into DIR:

    kb_rR/advisory.ini     ldt-advisor KB: [question qNNNN] sections + rules
    answers_nN.ini         ldt-advisor answers: [answers rNNNNNN] sections
    advisory_rR.clp        CLIPS: deftemplates, add-score, print-results, rules
    answers_nN.txt         CLIPS: one line per questionnaire,
                           `rNNNNNN q0001 V1 q0002 V2 ... end`
    run_rR_nN.bat          CLIPS driver: loads the .clp and calls
                           (run-all "answers_nN.txt"), which for each line
                           does (reset), asserts the answers, (run) and
                           (print-results rNNNNNN)

Why a reader and not a .bat of (assert ...) commands: CLIPS reads batch
commands through its command loop, which rescans the pending command for
completeness at every character, so one (assert) of 100 facts costs ~23 ms
to *parse* (R = 100: 2.4 s for 100 questionnaires, nearly all of it
parsing); one (assert) per line costs ~1.7 ms per questionnaire; one
load-facts file per questionnaire ~1.1 ms; `read` in a deffunction loop
~0.65 ms, the cheapest found.  The benchmark measures the engines, so CLIPS
gets its cheapest input path (ldt-advisor parses and checks its INI answers
file, which is in its time too).

Both engines print one line per derived fact and questionnaire:
`rNNNNNN flag F`, `rNNNNNN advice A`, `rNNNNNN score S V` (ldt-advisor
prints the answers too, and spells advice `advise`: see INI_ADVICE).

--stats prints the static sizes (rules, conditions, flags, advice, scores)
and, from a reference evaluation in Python over the first 100
questionnaires, the rules that fire and the flags/advice derived per
questionnaire, to compare with the table of ADVISORY.md.
"""
import argparse
import os
import random
import sys

SEED = 20240601
Q = 100
LEVEL_SHARE = [0.35, 0.25, 0.18, 0.12, 0.10]      # of R, levels 1..5
PRODUCERS_PER_FLAG = {1: 3, 2: 4, 3: 5, 4: 6}       # rules asserting one level-L flag
PRODUCERS_PER_ADVICE = 2
NUM_OPS = [">=", "<=", ">", "<"]
# The relation of the advice facts in the INI KB.  ADVISORY.md calls it
# `advice`, but ldt-advisor's kb layer reads `advice NAME` as the LDT
# conclusion and requires an [advice NAME] catalogue entry for every name a
# rule asserts (kb/check.c), so the INI side spells it `advise`; run.py maps
# it back before comparing with CLIPS, whose template keeps the name advice.
INI_ADVICE = "advise"


# ---------------------------------------------------------------- questions

def make_questions(seed):
    """[(id, type, k)] for q0001..q0100; k = number of options of a `one`."""
    rng = random.Random(f"{seed}/questions")
    qs = []
    for i in range(1, Q + 1):
        u = rng.random()
        if u < 0.30:
            qs.append((f"q{i:04d}", "yesno", 0))
        elif u < 0.70:
            qs.append((f"q{i:04d}", "one", rng.randint(3, 5)))
        else:
            qs.append((f"q{i:04d}", "number", 0))
    return qs


def make_answers(seed, questions, i):
    """The answers of questionnaire i (1-based): [(qid, value)], value str or int."""
    rng = random.Random(f"{seed}/answers/{i}")
    out = []
    for qid, qtype, k in questions:
        if qtype == "yesno":
            out.append((qid, rng.choice(("yes", "no"))))
        elif qtype == "one":
            out.append((qid, f"o{rng.randint(1, k)}"))
        else:
            out.append((qid, rng.randint(0, 100)))
    return out


# ---------------------------------------------------------------- rules

class Rule:
    """A generated rule: name, level, conditions, one action.

    conds: ("eq", q, v) | ("ne", q, v) | ("num", q, op, t) | ("flag", f) | ("score", s, t)
    action: ("flag", f) | ("advice", a) | ("score", s, points)
    """
    def __init__(self, idx, level):
        self.name = f"r{level}_{idx:05d}"
        self.level = level
        self.conds = []
        self.action = None


def level_counts(R):
    counts = [int(round(R * s)) for s in LEVEL_SHARE]
    counts[-1] += R - sum(counts)
    return counts


def spread_names(rng, producers, names):
    """Give every name one producer, the remaining producers a random name."""
    rng.shuffle(producers)
    return {p: names[j] if j < len(names) else rng.choice(names)
            for j, p in enumerate(producers)}


def make_rules(seed, R, questions):
    rng = random.Random(f"{seed}/rules/{R}")
    rules, idx = [], 0
    for level, n in enumerate(level_counts(R), 1):
        for _ in range(n):
            idx += 1
            rules.append(Rule(idx, level))

    # Action kinds first, then names, so conditions can refer to any name.
    kinds = {}
    for r in rules:
        u = rng.random()
        if r.level <= 2:
            kinds[r.name] = "flag" if u < 0.70 else "score"
        elif r.level <= 4:
            kinds[r.name] = "flag" if u < 0.85 else "advice"
        else:
            kinds[r.name] = "advice"
    flags = {}                                       # level -> [flag names]
    for level in range(1, 5):
        prod = [r.name for r in rules if r.level == level and kinds[r.name] == "flag"]
        nf = max(1, int(round(len(prod) / PRODUCERS_PER_FLAG[level])))
        flags[level] = [f"f{level}_{j:04d}" for j in range(1, nf + 1)]
        for name, f in spread_names(rng, prod, flags[level]).items():
            kinds[name] = ("flag", f)
    prod = [r.name for r in rules if kinds[r.name] == "advice"]
    advice = [f"a{j:04d}" for j in range(1, max(1, int(round(len(prod) / PRODUCERS_PER_ADVICE))) + 1)]
    for name, a in spread_names(rng, prod, advice).items():
        kinds[name] = ("advice", a)
    prod = [r.name for r in rules if kinds[r.name] == "score"]
    scores = [f"s{j:03d}" for j in range(1, min(len(prod), max(2, R // 40)) + 1)]
    points = {s: 0 for s in scores}
    for name, s in spread_names(rng, prod, scores).items():
        p = rng.randint(1, 5)
        kinds[name] = ("score", s, p)
        points[s] += p
    for r in rules:
        r.action = kinds[r.name]

    for r in rules:
        ncond = rng.randint(1, 4)
        used_q, used_f, used_s = set(), set(), set()
        if r.level >= 2:
            f = rng.choice(flags[r.level - 1])
            r.conds.append(("flag", f))
            used_f.add(f)
        lower = [f for lv in range(1, r.level) for f in flags[lv]]
        while len(r.conds) < ncond:
            u = rng.random()
            if r.level == 1:
                kind = "answer"
            elif r.level == 2:
                kind = "answer" if u < 0.55 / 0.80 else "flag"
            else:
                kind = "answer" if u < 0.55 else "flag" if u < 0.80 else "score"
            if kind == "flag" and len(used_f) < len(lower):
                f = rng.choice([f for f in lower if f not in used_f])
                used_f.add(f)
                r.conds.append(("flag", f))
            elif kind == "score" and len(used_s) < len(scores):
                s = rng.choice([s for s in scores if s not in used_s])
                used_s.add(s)
                r.conds.append(("score", s, rng.randint(1, max(1, int(0.4 * points[s])))))
            else:
                qid, qtype, k = rng.choice([q for q in questions if q[0] not in used_q])
                used_q.add(qid)
                if qtype == "yesno":
                    r.conds.append(("eq", qid, rng.choice(("yes", "no"))))
                elif qtype == "one":
                    op = "ne" if rng.random() < 0.25 else "eq"
                    r.conds.append((op, qid, f"o{rng.randint(1, k)}"))
                else:
                    r.conds.append(("num", qid, rng.choice(NUM_OPS), rng.randint(10, 90)))
    return rules, flags, advice, scores


# ---------------------------------------------------------------- writers

def ini_kb(seed, R, questions, rules):
    out = [f"; generated by bench/advisory/gen.py (seed {seed}, R = {R}): do not edit",
           "; the advisory benchmark workload of bench-data/ADVISORY.md", ""]
    for qid, qtype, k in questions:
        out += [f"[question {qid}]", f"text = Question {qid}", f"type = {qtype}"]
        if qtype == "one":
            out += [f"option = o{j} : Option {j}" for j in range(1, k + 1)]
        elif qtype == "number":
            out += ["min = 0", "max = 100"]
        out.append("")
    for r in rules:
        out.append(f"[rule {r.name}]")
        for n, c in enumerate(r.conds, 1):
            if c[0] == "eq":
                out.append(f"when = answer {c[1]} {c[2]}")
            elif c[0] == "ne":
                out += [f"when = answer {c[1]} ?v{n}", f"when = ?v{n} != {c[2]}"]
            elif c[0] == "num":
                out += [f"when = answer {c[1]} ?v{n}", f"when = ?v{n} {c[2]} {c[3]}"]
            elif c[0] == "flag":
                out.append(f"when = flag {c[1]}")
            else:
                out += [f"when = score {c[1]} ?s{n}", f"when = ?s{n} >= {c[2]}"]
        a = r.action
        if a[0] == "score":
            out.append(f"then = add score {a[1]} {a[2]}")
        elif a[0] == "advice":
            out.append(f"then = assert {INI_ADVICE} {a[1]}")
        else:
            out.append(f"then = assert flag {a[1]}")
        out.append("")
    return "\n".join(out)


CLP_HEAD = """\
;;; generated by bench/advisory/gen.py (seed {seed}, R = {R}): do not edit
;;; the advisory benchmark workload of bench-data/ADVISORY.md

(deftemplate answer (slot question) (slot value))
(deftemplate flag (slot name))
(deftemplate score (slot name) (slot value))
(deftemplate advice (slot name))

;;; ldt-advisor's `add score S P`: add P to the score S fact (a modify, i.e.
;;; retract and assert), or assert it with P when there is none.
(deffunction add-score (?name ?points)
   (bind ?found (find-fact ((?s score)) (eq ?s:name ?name)))
   (if (= (length$ ?found) 0)
      then (assert (score (name ?name) (value ?points)))
      else (bind ?f (nth$ 1 ?found))
           (modify ?f (value (+ (fact-slot-value ?f value) ?points)))))

;;; One line per derived fact, as `ldt-advisor facts` prints them.
(deffunction print-results (?r)
   (do-for-all-facts ((?f flag)) TRUE (printout t ?r " flag " ?f:name crlf))
   (do-for-all-facts ((?f advice)) TRUE (printout t ?r " advice " ?f:name crlf))
   (do-for-all-facts ((?f score)) TRUE (printout t ?r " score " ?f:name " " ?f:value crlf)))

;;; The driver: for each line `rNNNNNN Q1 V1 Q2 V2 ... end` of FILE, reset,
;;; assert the answers, run, print the derived facts.
(deffunction run-all (?file)
   (open ?file answers "r")
   (bind ?r (read answers))
   (while (neq ?r EOF)
      (reset)
      (bind ?q (read answers))
      (while (neq ?q end)
         (assert (answer (question ?q) (value (read answers))))
         (bind ?q (read answers)))
      (run)
      (print-results ?r)
      (bind ?r (read answers)))
   (close answers))
"""


def clips_kb(seed, R, rules):
    out = [CLP_HEAD.format(seed=seed, R=R)]
    for r in rules:
        out.append(f"(defrule {r.name}")
        for n, c in enumerate(r.conds, 1):
            if c[0] == "eq":
                out.append(f"   (answer (question {c[1]}) (value {c[2]}))")
            elif c[0] == "ne":
                out.append(f"   (answer (question {c[1]}) (value ~{c[2]}))")
            elif c[0] == "num":
                out.append(f"   (answer (question {c[1]}) (value ?v{n}&:({c[2]} ?v{n} {c[3]})))")
            elif c[0] == "flag":
                out.append(f"   (flag (name {c[1]}))")
            else:
                out.append(f"   (score (name {c[1]}) (value ?s{n}&:(>= ?s{n} {c[2]})))")
        out.append("   =>")
        a = r.action
        if a[0] == "score":
            out.append(f"   (add-score {a[1]} {a[2]}))")
        else:
            out.append(f"   (assert ({a[0]} (name {a[1]}))))")
        out.append("")
    return "\n".join(out)


def ini_answers(seed, questions, N):
    out = [f"; generated by bench/advisory/gen.py (seed {seed}, N = {N}): do not edit", ""]
    for i in range(1, N + 1):
        out.append(f"[answers r{i:06d}]")
        out += [f"{q} = {v}" for q, v in make_answers(seed, questions, i)]
        out.append("")
    return "\n".join(out)


def clips_answers(seed, questions, N):
    """The token file read by run-all (no comment: CLIPS's read has none)."""
    out = []
    for i in range(1, N + 1):
        pairs = " ".join(f"{q} {v}" for q, v in make_answers(seed, questions, i))
        out.append(f"r{i:06d} {pairs} end")
    return "\n".join(out) + "\n"


def write(path, text):
    """Write TEXT to PATH unless it holds exactly that already (keeps mtimes)."""
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- reference evaluation

def evaluate(rules, answers):
    """Final facts of one questionnaire, and the rules that fired.

    Levels only read lower levels (and scores, made at levels 1-2, are only
    tested from level 3), so one pass in level order reaches the fixpoint.
    """
    ans = dict(answers)
    flags, advice, scores, fired = set(), set(), {}, []
    ok = {
        "eq": lambda c: ans[c[1]] == c[2],
        "ne": lambda c: ans[c[1]] != c[2],
        "num": lambda c: {">=": ans[c[1]] >= c[3], "<=": ans[c[1]] <= c[3],
                          ">": ans[c[1]] > c[3], "<": ans[c[1]] < c[3]}[c[2]],
        "flag": lambda c: c[1] in flags,
        "score": lambda c: scores.get(c[1], -1) >= c[2],
    }
    for r in rules:                                  # rules are in level order
        if all(ok[c[0]](c) for c in r.conds):
            fired.append(r)
            a = r.action
            if a[0] == "flag":
                flags.add(a[1])
            elif a[0] == "advice":
                advice.add(a[1])
            else:
                scores[a[1]] = scores.get(a[1], 0) + a[2]
    return flags, advice, scores, fired


def stats(seed, Rs):
    questions = make_questions(seed)
    types = [t for _, t, _ in questions]
    print(f"seed {seed}, Q = {Q}: {types.count('yesno')} yesno, {types.count('one')} one, "
          f"{types.count('number')} number")
    print("| R | conditions | flags | advice | scores | rules fired per questionnaire "
          "(levels 1..5) | flags / advice per questionnaire |")
    print("| ---: | ---: | ---: | ---: | ---: | --- | --- |")
    answers = [make_answers(seed, questions, i) for i in range(1, 101)]
    for R in Rs:
        rules, flags, advice, scores = make_rules(seed, R, questions)
        nconds = sum(len(r.conds) for r in rules)
        per_level, nf, na = [0] * 5, 0, 0
        for a in answers:
            f, adv, _, fired = evaluate(rules, a)
            nf, na = nf + len(f), na + len(adv)
            for r in fired:
                per_level[r.level - 1] += 1
        lv = ", ".join(f"{x / 100:.1f}" for x in per_level)
        print(f"| {R:,} | {nconds:,} | {sum(len(v) for v in flags.values()):,} | {len(advice):,} | "
              f"{len(scores):,} | {sum(per_level) / 100:.1f} ({lv}) | {nf / 100:.1f} / {na / 100:.1f} |")


def main():
    ap = argparse.ArgumentParser(description="Generate the advisory benchmark workload (ADVISORY.md).")
    ap.add_argument("--out", help="directory to write into (created if needed)")
    ap.add_argument("--rules", type=int, nargs="+", default=[100, 1000, 10000], metavar="R")
    ap.add_argument("--questionnaires", type=int, nargs="+", default=[1, 100, 10000], metavar="N")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--stats", action="store_true", help="print the sizes instead of writing files")
    args = ap.parse_args()
    if any(r < 1 for r in args.rules) or any(n < 1 for n in args.questionnaires):
        ap.error("R and N must be positive")
    if args.stats:
        stats(args.seed, args.rules)
        return
    if not args.out:
        ap.error("give --out DIR (or --stats)")
    os.makedirs(args.out, exist_ok=True)
    questions = make_questions(args.seed)
    for N in args.questionnaires:
        write(os.path.join(args.out, f"answers_n{N}.ini"), ini_answers(args.seed, questions, N))
        write(os.path.join(args.out, f"answers_n{N}.txt"), clips_answers(args.seed, questions, N))
    for R in args.rules:
        rules = make_rules(args.seed, R, questions)[0]
        os.makedirs(os.path.join(args.out, f"kb_r{R}"), exist_ok=True)
        write(os.path.join(args.out, f"kb_r{R}", "advisory.ini"), ini_kb(args.seed, R, questions, rules))
        write(os.path.join(args.out, f"advisory_r{R}.clp"), clips_kb(args.seed, R, rules))
        for N in args.questionnaires:
            write(os.path.join(args.out, f"run_r{R}_n{N}.bat"),
                  f'(load* "advisory_r{R}.clp")\n(run-all "answers_n{N}.txt")\n(exit)\n')


if __name__ == "__main__":
    sys.exit(main())
