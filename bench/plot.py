#!/usr/bin/env python3
"""plot.py -- draw the advisory benchmark: time per questionnaire against R.

    python3 bench/plot.py [--json bench/results.json] [--out bench/advisory.svg] [--cpu]

Reads the results that bench/run.py saved (its per_questionnaire list: for
each rule count R, (time at the largest N - time at N = 1) / (N - 1) for
CLIPS and for ldt-advisor; wall time, or CPU time with --cpu) and writes a
hand-made SVG: both axes on a log scale, one line per engine, each point
labelled with its value.  No dependencies beyond the standard library.
"""
import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 680, 440
LEFT, RIGHT, TOP, BOTTOM = 78, 30, 64, 62
SERIES = [("clips", "CLIPS 6.30", "#c0392b", "6 4"), ("ldt", "ldt-advisor", "#1f6fb2", "")]


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_ms(v):
    return f"{v:.3f} ms" if v < 1 else f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms"


def decades(lo, hi):
    """Decade exponents covering [lo, hi] (both > 0), at least one decade wide."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return a, max(b, a + 1)


def plot(data, cpu):
    field = "per_q_cpu_ms" if cpu else "per_q_ms"
    pts = {key: [] for key, *_ in SERIES}
    for e in data.get("per_questionnaire", []):
        for key, *_ in SERIES:
            v = e.get(key)
            if v and v.get(field) and v[field] > 0:
                pts[key].append((e["R"], v[field]))
    allv = [p for ps in pts.values() for p in ps]
    if not allv:
        raise SystemExit("plot.py: no advisory per-questionnaire times in the results "
                         "(run bench/run.py with the advisory rows first)")
    # x: a margin of 0.2 decade each side, so that end points and labels fit.
    rlo, rhi = math.log10(min(r for r, _ in allv)) - 0.2, math.log10(max(r for r, _ in allv)) + 0.2
    x0, x1 = math.ceil(rlo), math.floor(rhi)
    y0, y1 = decades(min(v for _, v in allv), max(v for _, v in allv))
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def X(r):
        return LEFT + (math.log10(r) - rlo) / (rhi - rlo) * pw

    def Y(v):
        return TOP + ph - (math.log10(v) - y0) / (y1 - y0) * ph

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
         'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">'
         'Advisory workload: time per questionnaire against the number of rules</text>']
    m = data.get("machine", {})
    n = max(e["N"] for e in data["per_questionnaire"])
    sub = f"{m.get('cpu', '')}, {m.get('nproc', '?')} CPUs; {data.get('date', '')}; " \
          f"({'CPU' if cpu else 'wall'} time at N = {n:,} − at N = 1) / {n - 1:,}"
    o.append(f'<text x="{W / 2}" y="44" text-anchor="middle" fill="#555">{esc(sub)}</text>')
    # Grid: decades (solid) and 2, 5 within them (faint).
    for e in range(y0, y1 + 1):
        for k in (1, 2, 5):
            v = k * 10 ** e
            if v > 10 ** y1:
                break
            y = Y(v)
            o.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" '
                     f'stroke="{"#ccc" if k == 1 else "#eee"}"/>')
            if k == 1 or y1 - y0 <= 2:
                label = f"{v:g}"
                o.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for e in range(x0, x1 + 1):
        for k in (1, 2, 5):
            r = k * 10 ** e
            if r > 10 ** x1:
                break
            x = X(r)
            o.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + ph}" '
                     f'stroke="{"#ccc" if k == 1 else "#eee"}"/>')
            if k == 1:
                o.append(f'<text x="{x:.1f}" y="{TOP + ph + 18}" text-anchor="middle">{r:,}</text>')
    o.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    o.append(f'<text x="{LEFT + pw / 2}" y="{H - 18}" text-anchor="middle">rules R (log scale)</text>')
    o.append(f'<text transform="translate(20 {TOP + ph / 2}) rotate(-90)" text-anchor="middle">'
             f'ms per questionnaire, {"CPU" if cpu else "wall"} time (log scale)</text>')
    for i, (key, name, color, dash) in enumerate(SERIES):
        ps = sorted(pts[key])
        if not ps:
            continue
        d = " ".join(f"{'M' if j == 0 else 'L'}{X(r):.1f},{Y(v):.1f}" for j, (r, v) in enumerate(ps))
        dasharray = f' stroke-dasharray="{dash}"' if dash else ""
        o.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2.5"{dasharray}/>')
        for r, v in ps:
            # Put the label above the higher of the two engines' points, below the lower.
            other = dict(pts[SERIES[1 - i][0]]).get(r)
            above = other is None or v >= other
            ly = Y(v) - 9 if above else Y(v) + 18
            o.append(f'<circle cx="{X(r):.1f}" cy="{Y(v):.1f}" r="4" fill="{color}"/>')
            o.append(f'<text x="{X(r):.1f}" y="{ly:.1f}" text-anchor="middle" fill="{color}">'
                     f'{esc(fmt_ms(v))}</text>')
        lx, ly = LEFT + 16, TOP + 20 + 20 * i
        o.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 28}" y2="{ly - 4}" stroke="{color}" '
                 f'stroke-width="2.5"{dasharray}/>')
        o.append(f'<text x="{lx + 36}" y="{ly}">{esc(name)}</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description="SVG of the advisory time per questionnaire against R.")
    ap.add_argument("--json", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--out", default=os.path.join(HERE, "advisory.svg"))
    ap.add_argument("--cpu", action="store_true", help="plot CPU time instead of wall time")
    args = ap.parse_args()
    try:
        with open(args.json) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"plot.py: cannot read {args.json}: {e}", file=sys.stderr)
        return 66
    svg = plot(data, args.cpu)
    with open(args.out, "w") as f:
        f.write(svg)
    print(f"wrote {os.path.relpath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
