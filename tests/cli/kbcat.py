"""kbcat.py -- the catalogue of a knowledge base as the CLI tests read it,
independently of the program: python3 heredocs in tests/cli/*.sh import it
(sys.path gets tests/cli) to check reports against the catalogue's texts."""
import os
import re


def catalogue(folder):
    """[KIND NAME] -> {key: value} for every .ini file of FOLDER in name
    order, entries in the order of the files; continuation lines are
    joined by a blank."""
    entries = {}
    for name in sorted(os.listdir(folder)):
        cur, key = None, None
        for line in open(os.path.join(folder, name), encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith(";"):
                key = None
                continue
            m = re.match(r"^\[(\S+) (\S+)\]\s*$", line)
            if m:
                cur, key = entries.setdefault(m.groups(), {}), None
            elif line[0] in " \t" and key:
                cur[key] += " " + line.strip()
            elif cur is not None and "=" in line:
                key, value = (s.strip() for s in line.split("=", 1))
                cur[key] = value
    return entries


def flat(s):
    """S with every run of white space made one blank."""
    return " ".join(s.split())
