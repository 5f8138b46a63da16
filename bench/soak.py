#!/usr/bin/env python3
"""soak.py -- the soak benchmark: 100,000 respondents through `advise` in
one process, with flat memory.

    python3 bench/soak.py [--respondents 100000] [--bin build/ldt-advisor]
                          [--format json] [--no-write]
    make soak                     (the same; `make bench` runs it last)

Generates build/bench/soak/answers_N.ini: the five respondents of
examples/answers.ini, replicated N / 5 times with numbered names (about
1.1 KB a respondent: 114 MB for 100,000), then runs, in one process,

    ldt-advisor advise --kb rules --format json --stats FILE > /dev/null

and reads its --stats lines: the respondents a second and the process's
peak memory (VmHWM, which counts only this process) after the first 1,000
respondents and at the end.  Memory is flat, and the soak passes, when the
peak at the end is within 10 % of the peak after the first 1,000 (the
hardening issue's bound); every respondent must be advised.

Prints the figures and writes them to bench/soak.json and to the soak
section of bench/RESULTS.md (bench/run.py keeps that section when it
rewrites the file).  Exits 1 when advise fails or memory is not flat.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
WORK = os.path.join(ROOT, "build", "bench", "soak")
BIN = os.path.join(ROOT, "build", "ldt-advisor")
FLAT = 0.10                  # the peak at the end may exceed the first by this
FIRST = 1000                 # advise --stats reports after this many
START, END = "<!-- soak -->", "<!-- /soak -->"


def generate(n, path):
    """examples/answers.ini's respondents, in order, until there are N."""
    with open(os.path.join(ROOT, "examples", "answers.ini")) as f:
        lines = f.read().splitlines()
    sections, cur = [], None
    for line in lines:
        m = re.match(r"\[answers ([^\]]+)\]", line.strip())
        if m:
            cur = [m.group(1), []]
            sections.append(cur)
        elif cur is not None:
            cur[1].append(line)
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.write(f"; examples/answers.ini replicated to {n} respondents (bench/soak.py)\n")
        for i in range(n):
            name, body = sections[i % len(sections)]
            out.write(f"[answers {name}-{i // len(sections) + 1:06d}]\n")
            out.write("\n".join(body) + "\n")
    os.replace(tmp, path)


def stats(text, when):
    """(respondents, seconds, peak KiB) of advise's `stats: WHEN:` line."""
    m = re.search(rf"^stats: {when}: (\d+) respondents in ([\d.]+) s \(\d+ a second\), "
                  r"peak memory (-?\d+) KiB$", text, re.M)
    return (int(m.group(1)), float(m.group(2)), int(m.group(3))) if m else None


def section(d):
    """The soak section of bench/RESULTS.md, from soak.json's data."""
    f, e = d["first"], d["end"]
    return "\n".join([
        START,
        "## Soak: respondents through `advise` in one process",
        "",
        f"- command: `{d['command']}` (generates `{d['file']}`, {d['mb']:.0f} MB, "
        f"then runs `{d['advise']}`)",
        f"- date: {d['date']}; {d['machine']}",
        "",
        "| respondents | seconds | respondents a second | peak memory |",
        "| ---: | ---: | ---: | ---: |",
        f"| {f[0]:,} (the first) | {f[1]:.1f} | {f[0] / f[1]:,.0f} | {f[2]:,} KiB |",
        f"| {e[0]:,} (all) | {e[1]:.1f} | {e[0] / e[1]:,.0f} | {e[2]:,} KiB |",
        "",
        "Seconds are wall time from the start of the process: the first 1,000 include",
        "loading the knowledge base and checking the whole answers file.",
        "",
        f"Peak at the end / after the first {FIRST:,}: {d['ratio']:.3f} "
        f"({'flat: within' if d['ratio'] <= 1 + FLAT else 'NOT flat: over'} {FLAT:.0%}); "
        f"after the first {FIRST:,}: {d['steady']:,.0f} respondents a second.  "
        f"The whole process took {d['cpu']:.1f} CPU seconds, {e[0] / d['cpu']:,.0f} respondents "
        "a CPU second (wall time also counts waiting for a CPU other jobs hold).",
        END,
    ]) + "\n"


def write_results(d):
    path = os.path.join(BENCH, "RESULTS.md")
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        text = "# Benchmark results\n"
    sec = section(d)
    if START in text and END in text:
        text = text[:text.index(START)] + sec + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + sec
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description="100,000 respondents through advise in one process.")
    ap.add_argument("--respondents", type=int, default=100000)
    ap.add_argument("--bin", default=BIN, help="the ldt-advisor binary (default build/ldt-advisor)")
    ap.add_argument("--format", default="json", help="advise --format (default json)")
    ap.add_argument("--no-write", action="store_true", help="do not write soak.json / RESULTS.md")
    args = ap.parse_args()
    if args.respondents <= FIRST:
        ap.error(f"--respondents must be over {FIRST}")
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        print(f"soak.py: {binary} not found: build it with `make`", file=sys.stderr)
        return 66
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"answers_{args.respondents}.ini")
    t = time.perf_counter()
    generate(args.respondents, path)
    mb = os.path.getsize(path) / 1e6
    print(f"soak: {path}: {args.respondents:,} respondents, {mb:.0f} MB "
          f"(generated in {time.perf_counter() - t:.1f} s)", flush=True)

    cmd = [binary, "advise", "--kb", os.path.join(ROOT, "rules"), "--format", args.format,
           "--stats", path]
    err = os.path.join(WORK, "advise.err")
    t = time.perf_counter()
    with open(err, "w") as e:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=e)
        _, st, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    status = os.waitstatus_to_exitcode(st)
    cpu = usage.ru_utime + usage.ru_stime     # unlike wall time, not waiting for a CPU
    with open(err, errors="replace") as f:
        text = f.read()
    first, end = stats(text, f"after the first {FIRST}"), stats(text, "at the end")
    if status != 0 or not first or not end or end[0] != args.respondents:
        print(f"soak: advise exited with {status}; {end[0] if end else 0:,} of "
              f"{args.respondents:,} respondents advised; see {err}:", file=sys.stderr)
        sys.stderr.write("".join(text.splitlines(True)[:10]))
        return 1
    ratio = end[2] / first[2]
    steady = (end[0] - first[0]) / (end[1] - first[1]) if end[1] > first[1] else 0.0
    print(f"soak: after the first {first[0]:,}: {first[1]:.1f} s, {first[0] / first[1]:,.0f} a second, "
          f"peak {first[2]:,} KiB")
    print(f"soak: at the end, {end[0]:,}: {end[1]:.1f} s, {end[0] / end[1]:,.0f} a second "
          f"({steady:,.0f} after the first {first[0]:,}), peak {end[2]:,} KiB")
    flat = ratio <= 1 + FLAT
    print(f"soak: peak at the end / after the first {first[0]:,} = {ratio:.3f}: "
          f"{'flat' if flat else 'NOT FLAT'} (bound {1 + FLAT:.2f}); whole run {wall:.1f} s, "
          f"CPU {cpu:.1f} s ({end[0] / cpu:,.0f} respondents a CPU second)")
    if not args.no_write:
        uname = os.uname()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        d = {
            "command": "make soak" if args.respondents == 100000 and args.format == "json"
                       else " ".join(["python3", "bench/soak.py"] + sys.argv[1:]),
            "advise": f"ldt-advisor advise --kb rules --format {args.format} --stats FILE > /dev/null",
            "file": os.path.relpath(path, ROOT), "mb": mb, "respondents": args.respondents,
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": f"{os.cpu_count()} CPUs, Linux {uname.release}, load average {load} at the end",
            "first": list(first), "end": list(end), "ratio": ratio, "steady": steady,
            "wall": wall, "cpu": cpu, "flat": flat,
        }
        with open(os.path.join(BENCH, "soak.json"), "w") as f:
            json.dump(d, f, indent=1)
            f.write("\n")
        write_results(d)
        print("soak: wrote bench/soak.json and the soak section of bench/RESULTS.md")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
