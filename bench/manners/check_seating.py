#!/usr/bin/env python3
"""check_seating.py -- check the seating that the Miss Manners port produced.

    ldt-advisor facts KB | python3 bench/manners/check_seating.py
    python3 bench/manners/check_seating.py FACTS.txt

Reads the output of `ldt-advisor facts` (one fact a line: symbols bare,
strings in double quotes, numbers) and uses three relations:
    guest NAME SEX HOBBY     one fact per hobby of a guest
    last_seat L              the number of seats
    seated SEAT NAME         asserted by the port's print_results rule
The seating is valid when seats 1..L are each taken exactly once, by
distinct known guests, and every two neighbours (seats i and i+1; the table
is a row, seat L does not touch seat 1) have opposite sexes and share at
least one hobby.  Prints `ok: L seats` and exits 0, or prints the first
violation found and exits 1 (2 when the input cannot be read).
"""
import re
import sys

TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"]+')


def fail(msg, status=1):
    print(f"check_seating: {msg}", file=sys.stderr)
    sys.exit(status)


def as_int(tok):
    """An integer written as 3 (or 3.0), else None."""
    try:
        v = float(tok)
    except ValueError:
        return None
    return int(v) if v == int(v) else None


def main():
    if len(sys.argv) > 2:
        fail("usage: check_seating.py [FACTS-FILE]  (default: stdin)", 2)
    try:
        src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) == 2 else sys.stdin
        lines = src.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        fail(f"cannot read input: {e}", 2)

    sexes, hobbies, last, seats = {}, {}, [], {}
    for no, line in enumerate(lines, 1):
        t = TOKEN.findall(line)
        if not t:
            continue
        where = f"line {no}: '{line.strip()}'"
        if t[0] == "guest":
            if len(t) != 4:
                fail(f"{where}: a guest fact has 3 values (name sex hobby)")
            name, sex, hobby = t[1:]
            if sexes.setdefault(name, sex) != sex:
                fail(f"{where}: guest {name} has two sexes ({sexes[name]} and {sex})")
            hobbies.setdefault(name, set()).add(hobby)
        elif t[0] == "last_seat":
            if len(t) != 2 or as_int(t[1]) is None:
                fail(f"{where}: expected last_seat INTEGER")
            last.append(as_int(t[1]))
        elif t[0] == "seated":
            if len(t) != 3 or as_int(t[1]) is None:
                fail(f"{where}: expected seated SEAT NAME")
            seat, name = as_int(t[1]), t[2]
            if seat in seats:
                fail(f"{where}: seat {seat} is taken twice ({seats[seat]} and {name})")
            seats[seat] = name

    if len(last) != 1:
        fail(f"expected exactly one last_seat fact, found {len(last)}")
    L = last[0]
    if not sexes:
        fail("no guest facts")
    if not seats:
        fail("no seated facts: print_results never fired (did all_done halt first?)")
    for s in sorted(seats):
        if not 1 <= s <= L:
            fail(f"seat {s} ({seats[s]}) is outside 1..{L}")
    seen = {}
    for s in range(1, L + 1):
        if s not in seats:
            fail(f"seat {s} is empty")
        g = seats[s]
        if g not in sexes:
            fail(f"seat {s}: {g} is not a guest")
        if g in seen:
            fail(f"seat {s}: {g} is already on seat {seen[g]}")
        seen[g] = s
        if s > 1:
            p = seats[s - 1]
            if sexes[p] == sexes[g]:
                fail(f"seats {s - 1} and {s}: {p} and {g} are both {sexes[g]}")
            if not hobbies[p] & hobbies[g]:
                fail(f"seats {s - 1} and {s}: {p} ({' '.join(sorted(hobbies[p]))}) and "
                     f"{g} ({' '.join(sorted(hobbies[g]))}) share no hobby")
    print(f"ok: {L} seats")


if __name__ == "__main__":
    main()
