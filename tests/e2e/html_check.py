#!/usr/bin/env python3
"""html_check.py -- the checks of tests/e2e/html.sh on what headless
Chromium produced: screenshots, DOMs dumped after the page ran (--dump-dom),
and PDFs.  Standard library only.

    html_check.py prepare SRC DST MODE   a test copy of a report: MODE
                                         "desktop" (no CSP, a measuring
                                         script), "phone" (the same in a
                                         frame 375 px wide), "print" (in a
                                         frame as wide as A4 paper less its
                                         margins, with the print stylesheet
                                         applied on screen) or "inject" (CSP
                                         kept, a script that must not run)
    html_check.py png FILE               a screenshot that shows a page
    html_check.py dom DOM JSON           the charts and the journey table
    html_check.py many DOM N             N respondents on one page
    html_check.py layout DOM MODE        MODE desktop, phone or print
    html_check.py csp DOM                the injected script did not run
    html_check.py odd DOM                the report of tests/e2e/odd-kb: its
                                         texts shown as written, no element
                                         made from them
    html_check.py md DOM                 Markdown rendered by cmark-gfm
    html_check.py pdf FILE               a printed PDF with pages

Exits 0 when the check passes, else prints why and exits 1.
"""
import html
import json
import re
import struct
import sys
import zlib
from html.parser import HTMLParser

# ------------------------------------------------------------ test copies

MEASURE = r"""<script>
(function () {
  var de = document.documentElement, r = {};
  r.scrollWidth = de.scrollWidth;
  r.clientWidth = de.clientWidth;
  function cls(e) { return e.getAttribute('class') || ''; }
  r.svgs = [].map.call(document.querySelectorAll('svg.chart'), function (s) {
    var vb = s.viewBox.baseVal, b = s.getBoundingClientRect(), out = [];
    [].forEach.call(s.querySelectorAll('text'), function (t) {
      var bb = t.getBBox();
      if (bb.x < -0.5 || bb.y < -0.5 || bb.x + bb.width > vb.width + 0.5 ||
          bb.y + bb.height > vb.height + 0.5)
        out.push(t.textContent);
    });
    var fig = s.closest('figure').getBoundingClientRect();
    return {cls: cls(s), width: b.width, height: b.height, left: b.left, right: b.right,
            top: fig.top, figRight: fig.right, outside: out};
  });
  r.bars = [].map.call(document.querySelectorAll('rect.bar'), function (b) {
    return {id: b.getAttribute('data-id'), value: +b.getAttribute('data-value'),
            width: b.getBBox().width};
  });
  r.wide = [];
  [].forEach.call(document.querySelectorAll('body *'), function (e) {
    var b = e.getBoundingClientRect();
    if (b.right > de.clientWidth + 1 && !e.closest('.sr-only'))
      r.wide.push(e.tagName + '.' + cls(e));
  });
  r.mm = (function () {
    var d = document.createElement('div');
    d.style.width = '100mm';
    document.body.appendChild(d);
    var w = d.getBoundingClientRect().width / 100;
    d.remove();
    return w;
  })();
  /* in a frame, the result goes to the page that --dump-dom prints */
  window.parent.document.body.setAttribute('data-layout', JSON.stringify(r));
})();
</script>
"""

INJECT = "<script>document.body.setAttribute('data-pwned', 'yes');</script>\n"


# Headless Chromium's window is at least 500 px wide: narrower pages are
# measured in a frame of that width (srcdoc: same origin, so the frame's
# script can write its result into the page).
FRAME_WIDTH = {"phone": 375, "print": 680}     # A4: 210 mm - 2 x 15 mm at 96 dpi


def prepare(src, dst, mode):
    page = open(src, encoding="utf-8").read()
    if mode in ("desktop", "phone", "print"):
        page, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
        assert n == 1, "no Content-Security-Policy in the report"
        if mode == "print":
            page, n = re.subn(r"@media print\s*\{", "@media all{", page)
            assert n == 1, "no print stylesheet"
        page = page.replace("</body>", MEASURE + "</body>")
        if mode in FRAME_WIDTH:
            page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>frame</title>'
                    '<style>body{margin:0}iframe{border:0;display:block}</style></head><body>'
                    '<iframe width="%d" height="2400" srcdoc="%s"></iframe></body></html>\n'
                    % (FRAME_WIDTH[mode], html.escape(page, quote=True)))
    elif mode == "inject":
        page = page.replace("</body>", INJECT + "</body>")
    else:
        raise SystemExit("unknown mode " + mode)
    open(dst, "w", encoding="utf-8").write(page)


# ------------------------------------------------------------ DOM

class Dom(HTMLParser):
    """Every element with its attributes, classes, ancestors and text."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "col", "wbr", "source"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.els = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        el = {"tag": tag, "attrs": a, "cls": set((a.get("class") or "").split()),
              "up": list(self.stack), "text": ""}
        self.els.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data

    def all(self, tag=None, cls=None, under=None):
        """Elements of TAG with class CLS inside an element with class UNDER
        (or of tag UNDER)."""
        return [e for e in self.els
                if (tag is None or e["tag"] == tag) and (cls is None or cls in e["cls"])
                and (under is None or any(under in u["cls"] or u["tag"] == under
                                          for u in e["up"]))]


def load_dom(path):
    return Dom(open(path, encoding="utf-8", errors="replace").read())


def check_dom(dom_path, json_path):
    d = load_dom(dom_path)
    rep = json.load(open(json_path))["respondents"][0]
    problems = []

    def want(cond, msg):
        if not cond:
            problems.append(msg)

    want(not d.all("script"), "the page has a script element")
    want(len(d.all("article", "respondent")) == 1, "not one respondent article")
    summary = d.all("section", "summary")
    want(len(summary) == 1, "no summary box")
    svgs = d.all("svg")
    want(len(svgs) == 2, "%d svg elements, expected 2" % len(svgs))
    if summary and svgs:
        want(d.els.index(summary[0]) < d.els.index(svgs[0]), "the summary is not first")
        for t in (rep["situation"]["primary"]["title"], rep["maturity"]["band"]["title"],
                  rep["model"]["title"]):
            want(t in summary[0]["text"], "the summary lacks " + t)
        want(len(d.all("li", under="top-steps")) == min(3, len(rep["advice"])),
             "not three next steps in the summary")
    # bar chart: four bars inside the svg, each labelled and titled
    bars = d.all("rect", "bar", under="svg")
    want(len(bars) == 4, "%d bars, expected 4" % len(bars))
    scores = {s["id"]: s["score"] for s in rep["situation"]["scores"]}
    for b in bars:
        want(float(b["attrs"].get("data-value", "nan")) == scores.get(b["attrs"].get("data-id")),
             "bar %s has the wrong value" % b["attrs"])
        want(b["text"].strip(), "a bar without a title")
    want(len(d.all("text", "bar-label", under="svg")) == 4, "not 4 bar labels")
    want(any(s["attrs"].get("role") == "img" and s["attrs"].get("aria-labelledby")
             for s in svgs if "bars" in s["cls"]), "the bar chart has no text alternative")
    want(len(d.all("desc", under="svg")) == 1, "the bar chart has no description")
    want(len(d.all("tr", under="sr-only")) == 5, "no table of the scores for screen readers")
    # radar: 8 axes, 4 rings, the levels, 8 labels; aria-label with values
    want(len(d.all("line", "axis", under="svg")) == 8, "not 8 radar axes")
    want(len(d.all("polygon", "ring", under="svg")) == 4, "not 4 radar rings")
    want(len(d.all("polygon", "level-area", under="svg")) == 1, "no level polygon")
    want(len(d.all("text", "axis-label", under="svg")) == 8, "not 8 axis labels")
    radar = [s for s in svgs if "radar" in s["cls"]]
    label = radar[0]["attrs"].get("aria-label", "") if radar else ""
    want(radar and radar[0]["attrs"].get("role") == "img", "the radar has no role=img")
    for dim in rep["maturity"]["dimensions"]:
        want("%s %d" % (dim["title"], dim["level"]) in label,
             "the radar's aria-label lacks %s %d" % (dim["title"], dim["level"]))
    # the journey table
    tables = d.all("table", "journey")
    want(len(tables) == 1, "no journey table")
    rows = [e for e in d.all("tr", under="journey") if any(u["tag"] == "tbody" for u in e["up"])]
    units = rep["journey"]["units"]
    want(len(rows) == len(units), "%d journey rows, %d units" % (len(rows), len(units)))
    for row, u in zip(rows, units):
        cells = [c["text"].strip() for c in d.all("td") if row in c["up"]]
        want(cells[:5] == [str(u["position"]), u["id"], u["title"], u["module"],
                           "%g" % u["minutes"]] and cells[5] == str(u["eqf"]),
             "journey row %s != %s" % (cells, u))
    foot = [e for e in d.all("tr", under="journey") if any(u["tag"] == "tfoot" for u in e["up"])]
    want(len(foot) == 1 and str(rep["journey"]["total_minutes"]) in foot[0]["text"],
         "no total time in the journey table")
    return problems


def check_many(dom_path, n):
    d = load_dom(dom_path)
    problems = []
    arts = d.all("article", "respondent")
    if len(arts) != n:
        problems.append("%d respondent articles, expected %d" % (len(arts), n))
    links = [a["attrs"].get("href") for a in d.all("a", under="toc")]
    if links != ["#" + a["attrs"].get("id", "") for a in arts]:
        problems.append("the table of contents does not link each respondent: %s" % links)
    if len(d.all("rect", "bar")) != 4 * n or len(d.all("line", "axis")) != 8 * n:
        problems.append("not 4 bars and 8 axes per respondent")
    return problems


def check_layout(dom_path, mode):
    d = load_dom(dom_path)
    body = d.all("body")
    raw = body[0]["attrs"].get("data-layout") if body else None
    if not raw:
        return ["the measuring script did not run"]
    r = json.loads(raw)
    problems = []
    if len(r["svgs"]) != 2:
        problems.append("%d charts measured" % len(r["svgs"]))
    for s in r["svgs"]:
        if s["outside"]:
            problems.append("%s: text outside the chart: %s" % (s["cls"], s["outside"]))
        if s["width"] < 200 or s["height"] < 60:
            problems.append("%s is %dx%d px" % (s["cls"], s["width"], s["height"]))
        if s["right"] > r["clientWidth"] + 1 or s["right"] > s["figRight"] + 1:
            problems.append("%s is cut at the right (%d > %d)" % (s["cls"], s["right"],
                                                                 r["clientWidth"]))
    bars = r["bars"]
    per = [b["width"] / b["value"] for b in bars if b["value"] > 0]
    if any(b["value"] <= 0 and b["width"] > 0 for b in bars) or not per or \
            max(per) - min(per) > 0.01 * max(per):
        problems.append("bar widths are not proportional to the scores: %s" % bars)
    if mode in ("phone", "print"):
        if r["scrollWidth"] > r["clientWidth"]:
            problems.append("the page scrolls sideways (%d > %d px)" % (r["scrollWidth"],
                                                                        r["clientWidth"]))
        if r["wide"]:
            problems.append("wider than the page: %s" % r["wide"][:5])
    if mode == "print":
        # fixed sizes in millimetres, side by side
        mm = r["mm"]
        widths = sorted(round(s["width"] / mm) for s in r["svgs"])
        if widths != [70, 76]:
            problems.append("printed charts are %s mm wide, expected 70 and 76" % widths)
        if len(r["svgs"]) == 2 and abs(r["svgs"][0]["top"] - r["svgs"][1]["top"]) > 1:
            problems.append("printed charts are not side by side")
    return problems


def check_csp(dom_path):
    d = load_dom(dom_path)
    body = d.all("body")
    if not body:
        return ["no body"]
    if body[0]["attrs"].get("data-pwned"):
        return ["an injected script ran despite the Content-Security-Policy"]
    return []


ALLOWED = set("""html head meta title style body main header footer nav article section
p h1 h2 h3 h4 ol ul li a dl dt dd div strong span figure figcaption table caption
thead tbody tfoot tr th td svg desc g line rect text tspan polygon circle""".split())


def check_odd(dom_path):
    d = load_dom(dom_path)
    problems = []
    extra = {e["tag"] for e in d.els} - ALLOWED
    if extra:
        problems.append("elements made from the KB's texts: %s" % sorted(extra))
    text = d.all("body")[0]["text"] if d.all("body") else ""
    for want in ('Lab <script>alert("lab")</script> & co', "# Agora &amp; 1. list",
                 "Grant </td></tr> | ok", "Unit <script>u()</script> | _t_ `c` * & done",
                 'Because <script>alert("why")</script> | * _ ` & [x](y) #hash'):
        if want not in text:
            problems.append("not shown as written: " + want)
    return problems


def check_md(dom_path):
    d = load_dom(dom_path)
    problems = []
    tables = d.all("table")
    if len(tables) != 4:      # situation scores, maturity, model scores, journey
        problems.append("%d tables, expected 4" % len(tables))
    for t in tables:
        rows = [e for e in d.all("tr") if t in e["up"]]
        n = {len([c for c in d.els if c["tag"] in ("td", "th") and r in c["up"]]) for r in rows}
        if len(n) != 1:
            problems.append("a table with rows of different lengths: %s" % n)
    heads = [h["text"] for h in d.all("h2")]
    for h in ("Situation:", "Maturity:", "Governance model:", "Learning journey:"):
        if not any(x.startswith(h) for x in heads):
            problems.append("no heading " + h)
    if d.all("script") or d.all("img"):
        problems.append("markup in the rendered Markdown")
    return problems


# ------------------------------------------------------------ PNG

def png_rows(path):
    """The rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unexpected PNG format")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    lo = int.from_bytes(b"\x7f" * stride, "big")
    hi = int.from_bytes(b"\x80" * stride, "big")
    prev = bytes(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 2:      # Up: bytewise addition without carries, all at once
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            line = (((a & lo) + (b & lo)) ^ ((a ^ b) & hi)).to_bytes(stride, "big")
        elif f:
            cur = bytearray(line)
            for x in range(stride):
                left = cur[x - bpp] if x >= bpp else 0
                up = prev[x]
                if f == 1:
                    cur[x] = (cur[x] + left) & 255
                elif f == 3:
                    cur[x] = (cur[x] + ((left + up) >> 1)) & 255
                else:
                    ul = prev[x - bpp] if x >= bpp else 0
                    p = left + up - ul
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                    cur[x] = (cur[x] + (left if pa <= pb and pa <= pc else
                                        up if pb <= pc else ul)) & 255
            line = bytes(cur)
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = png_rows(path)
    problems = []
    if (w, h) != (1200, 3000):
        problems.append("screenshot is %dx%d, expected 1200x3000" % (w, h))
    total = sum(len(r) for r in rows)
    background = sum(r.count(255) for r in rows)
    inked = 1 - background / total
    if inked < 0.03:
        problems.append("the screenshot is nearly blank (%.1f %% not white)" % (100 * inked))
    colours = set()
    for r in rows[::15]:
        for x in range(0, len(r) - bpp + 1, bpp * 9):
            colours.add(r[x:x + 3])
    if len(colours) < 20:
        problems.append("only %d colours in the screenshot" % len(colours))
    # the accent colour (#1f4e79) of the headings and of the primary bar
    accent = sum(r.count(b"\x1f\x4e\x79") for r in rows)
    if accent < 2000:
        problems.append("the accent colour covers only %d pixels" % accent)
    return problems


def check_pdf(path):
    data = open(path, "rb").read()
    if not data.startswith(b"%PDF-"):
        return ["not a PDF"]
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    if not 2 <= pages <= 30:
        return ["%d pages" % pages]
    return []


def main(argv):
    cmd = argv[1]
    if cmd == "prepare":
        prepare(argv[2], argv[3], argv[4])
        return 0
    problems = {
        "png": lambda: check_png(argv[2]),
        "dom": lambda: check_dom(argv[2], argv[3]),
        "many": lambda: check_many(argv[2], int(argv[3])),
        "layout": lambda: check_layout(argv[2], argv[3]),
        "csp": lambda: check_csp(argv[2]),
        "md": lambda: check_md(argv[2]),
        "odd": lambda: check_odd(argv[2]),
        "pdf": lambda: check_pdf(argv[2]),
    }[cmd]()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
