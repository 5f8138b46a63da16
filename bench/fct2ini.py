#!/usr/bin/env python3
"""fct2ini.py -- convert a CLIPS facts file (.fct) into an INI [facts] section.

    python3 bench/fct2ini.py TEMPLATES.clp DATA.fct [--name NAME] > out.ini

Each fact `(REL (slot value) ...)` of DATA.fct becomes a line
`fact = REL value ...`, its slots in the order of the `(deftemplate REL ...)`
form found in TEMPLATES.clp (the rest of that file is skipped).  A slot the
fact leaves out takes the template's constant `(default X)`, else `nil`, as
in CLIPS.  Facts keep their order; several may share a line; `;` comments
are skipped.  Values may be symbols, integers, floats and strings; anything
else (variables, function calls, multislots, a symbol the INI language cannot
spell) is an error.  NAME (default: DATA's file name without extension) names
the section.

Errors are reported as `PATH:LINE:COL: error: MESSAGE` on stderr; malformed
input exits 65 (EX_DATAERR), an unreadable file 66 (EX_NOINPUT).
Used for the Miss Manners and Waltz benchmarks (bench/).
"""
import argparse
import os
import re
import sys

INI_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*\Z")
INTEGER = re.compile(r"[+-]?[0-9]+\Z")
FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
DELIMS = set(' \t\r\n\f\v();"')


class InputError(Exception):
    def __init__(self, path, line, col, msg):
        super().__init__(f"{path}:{line}:{col}: error: {msg}")


class Atom:
    """A token that is not a parenthesis: text, position, is_string."""
    def __init__(self, text, line, col, is_string=False):
        self.text, self.line, self.col, self.is_string = text, line, col, is_string


class List(list):
    """A parenthesised form; .line/.col is where its '(' stands."""


def read_forms(path):
    """Parse a whole file into a list of top-level Atom/List items."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        print(f"{path}: error: {e.strerror}", file=sys.stderr)
        sys.exit(66)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(path, line, col, "file is not valid UTF-8")
    top = List()
    stack = [top]
    i, line, col, n = 0, 1, 1, len(text)

    def advance(k):
        nonlocal i, line, col
        for ch in text[i:i + k]:
            if ch == "\n":
                line, col = line + 1, 1
            else:
                col += 1
        i += k

    while i < n:
        ch = text[i]
        if ch in " \t\r\n\f\v":
            advance(1)
        elif ch == ";":                      # comment to end of line
            j = text.find("\n", i)
            advance((n if j < 0 else j) - i)
        elif ch == "(":
            form = List()
            form.line, form.col = line, col
            stack[-1].append(form)
            stack.append(form)
            advance(1)
        elif ch == ")":
            if len(stack) == 1:
                raise InputError(path, line, col, "unexpected ')'")
            stack.pop()
            advance(1)
        elif ch == '"':                      # string: backslash escapes the next char
            sline, scol, j, buf = line, col, i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise InputError(path, sline, scol, "unterminated string")
            stack[-1].append(Atom("".join(buf), sline, scol, True))
            advance(j + 1 - i)
        else:
            j = i
            while j < n and text[j] not in DELIMS:
                j += 1
            stack[-1].append(Atom(text[i:j], line, col))
            advance(j - i)
    if len(stack) > 1:
        f = stack[-1]
        raise InputError(path, f.line, f.col, "'(' is never closed")
    return top


def is_symbol(x, word=None):
    return isinstance(x, Atom) and not x.is_string and (word is None or x.text == word)


def read_templates(path):
    """Map template name -> list of (slot, default Atom or None) from a .clp."""
    templates = {}
    for form in read_forms(path):
        if not (isinstance(form, List) and form and is_symbol(form[0], "deftemplate")):
            continue
        if len(form) < 2 or not is_symbol(form[1]):
            raise InputError(path, form.line, form.col, "deftemplate without a name")
        name = form[1].text.split("::")[-1]          # drop a MODULE:: prefix
        slots = []
        for item in form[2:]:
            if isinstance(item, Atom) and item.is_string:
                continue                             # the template's comment
            if not (isinstance(item, List) and len(item) >= 2 and is_symbol(item[1])):
                raise InputError(path, getattr(item, "line", form.line), getattr(item, "col", form.col),
                                 f"expected (slot NAME ...) in deftemplate {name}")
            kind = item[0].text if is_symbol(item[0]) else ""
            if kind == "multislot":
                slots.append((item[1].text, "multislot"))
                continue
            if kind not in ("slot", "field"):
                raise InputError(path, item.line, item.col, f"expected slot or multislot, got '{kind}'")
            default = None
            for attr in item[2:]:
                if isinstance(attr, List) and len(attr) == 2 and is_symbol(attr[0], "default") \
                        and isinstance(attr[1], Atom) and not attr[1].text.startswith("?"):
                    default = attr[1]
            slots.append((item[1].text, default))
        templates[name] = slots
    return templates


def ini_value(path, atom):
    """The INI spelling of a CLIPS constant, or InputError."""
    t = atom.text
    if atom.is_string:
        if "\n" in t or "\r" in t:
            raise InputError(path, atom.line, atom.col, "a string with a line break cannot go on one INI line")
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if INTEGER.match(t):
        return str(int(t))
    if FLOAT.match(t):
        v = float(t)
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError(path, atom.line, atom.col, f"number '{t}' is out of range")
        s = repr(v)
        if "e" in s:                                  # INI numbers have no exponent
            s = f"{v:.17f}".rstrip("0")
            s = s + "0" if s.endswith(".") else s
        return s
    if t.startswith("?") or t.startswith("$?"):
        raise InputError(path, atom.line, atom.col, f"expected a constant, got variable '{t}'")
    if not INI_SYMBOL.match(t):
        raise InputError(path, atom.line, atom.col,
                         f"symbol '{t}' is not a valid INI symbol (a letter or _, then letters, digits, _ . : -)")
    return t


def convert(path, templates):
    """Yield the INI tuple text of each fact in the .fct file."""
    for form in read_forms(path):
        if not isinstance(form, List):
            raise InputError(path, form.line, form.col, f"expected '(' to start a fact, got '{form.text}'")
        if not form or not is_symbol(form[0]):
            raise InputError(path, form.line, form.col, "expected a template name after '('")
        rel = form[0]
        if rel.text not in templates:
            raise InputError(path, rel.line, rel.col, f"unknown deftemplate '{rel.text}'")
        slots = templates[rel.text]
        names = [s for s, _ in slots]
        values = {}
        for item in form[1:]:
            if not isinstance(item, List):
                raise InputError(path, item.line, item.col, f"expected (SLOT VALUE), got '{item.text}'")
            if not item or not is_symbol(item[0]):
                raise InputError(path, item.line, item.col, "expected a slot name after '('")
            slot = item[0]
            if slot.text not in names:
                raise InputError(path, slot.line, slot.col,
                                 f"template '{rel.text}' has no slot '{slot.text}' (slots: {' '.join(names)})")
            if slot.text in values:
                raise InputError(path, slot.line, slot.col, f"slot '{slot.text}' given twice")
            if dict(slots)[slot.text] == "multislot":
                raise InputError(path, slot.line, slot.col, f"multislot '{slot.text}' has no INI equivalent")
            if len(item) != 2 or not isinstance(item[1], Atom):
                where = item[2] if len(item) > 2 else item[1] if len(item) == 2 else item
                raise InputError(path, where.line, where.col, f"slot '{slot.text}' needs exactly one constant value")
            values[slot.text] = ini_value(path, item[1])
        out = [rel.text]
        for s, default in slots:
            if s in values:
                out.append(values[s])
            elif default == "multislot":
                raise InputError(path, form.line, form.col, f"multislot '{s}' has no INI equivalent")
            else:
                out.append(ini_value(path, default) if default is not None else "nil")
        yield " ".join(out)


def main():
    ap = argparse.ArgumentParser(description="Convert a CLIPS .fct file into an INI [facts] section.")
    ap.add_argument("templates", help=".clp file with the (deftemplate ...) forms")
    ap.add_argument("data", help=".fct file of deftemplate facts")
    ap.add_argument("--name", help="section name (default: the .fct file name without extension)")
    args = ap.parse_args()
    name = args.name or os.path.splitext(os.path.basename(args.data))[0]
    if not INI_SYMBOL.match(name):
        ap.error(f"section name '{name}' is not a symbol; give one with --name")
    try:
        facts = list(convert(args.data, read_templates(args.templates)))
    except InputError as e:
        print(e, file=sys.stderr)
        sys.exit(65)
    out = [f"; generated by bench/fct2ini.py from {os.path.basename(args.data)}"
           f" (slot order from {os.path.basename(args.templates)})",
           f"[facts {name}]"]
    out += [f"fact = {f}" for f in facts]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
