#!/usr/bin/env python3
"""Lists C++ functions longer than a limit (default 80 lines) and exits 1 when there are any.

    scripts/check-function-length.py [--max N] [--allow FILE] DIR_OR_FILE...

A function is a brace block at namespace or class level (not a type, not a namespace): from the line
that opens it to the line that closes it. A lambda or a local block counts toward its enclosing
function. Comments and string/char literals are blanked first so braces inside them do not count.
--allow names a file of path patterns (fnmatch, one a line, '#' comments) whose long functions are
known and tolerated for now; they are reported as "allowed" and do not fail the check.
"""
import argparse
import fnmatch
import os
import re
import sys

NAMESPACE = re.compile(r"\s*(namespace\b|extern\b)")
TYPE = re.compile(r"\s*(struct|class|enum|union)\b")
TYPE_TAIL = re.compile(r"\b(struct|class)\s+\w+[^;(]*$")


def strip_code(line):
    """The line without its // comment and with string and char literals emptied, read left to
    right, so that "https://..." in a string is not taken for a comment (and a quote in a comment
    does not open a literal)."""
    out, i, quote = [], 0, None
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                out.append(ch)
                quote = None
        elif line.startswith("//", i):
            break
        else:
            out.append(ch)
            if ch in "\"'":
                quote = ch
        i += 1
    return "".join(out)


def block_kind(line, stack):
    if NAMESPACE.match(line):
        return "namespace"
    if TYPE.match(line) or (TYPE_TAIL.search(line) and "(" not in line):
        return "type"
    if all(kind in ("namespace", "type") for kind, _ in stack):
        return "function"
    return "inner"


def functions(path):
    """(length in lines, first line number) of each function in the file."""
    with open(path, errors="replace") as f:
        lines = f.read().split("\n")
    stack, found = [], []
    for number, line in enumerate(lines):
        for ch in strip_code(line):
            if ch == "{":
                stack.append((block_kind(line, stack), number))
            elif ch == "}" and stack:
                kind, start = stack.pop()
                if kind == "function":
                    found.append((number - start + 1, start + 1))
    return found


def sources(roots):
    for root in roots:
        if os.path.isfile(root):
            yield root
            continue
        for folder, _, names in sorted(os.walk(root)):
            for name in sorted(names):
                if name.endswith((".cpp", ".h")):
                    yield os.path.join(folder, name)


def read_allow(path):
    if not path:
        return []
    with open(path) as f:
        return [l.split("#")[0].strip() for l in f if l.split("#")[0].strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--max", type=int, default=80)
    parser.add_argument("--allow", help="file of path patterns whose long functions are tolerated")
    args = parser.parse_args()
    allowed = read_allow(args.allow)
    long_ones = sorted(((n, path, line) for path in sources(args.roots)
                        for n, line in functions(path) if n > args.max), reverse=True)
    failing = 0
    for n, path, line in long_ones:
        tolerated = any(fnmatch.fnmatch(path, pattern) for pattern in allowed)
        failing += not tolerated
        print(f"{n} {path}:{line}{'  (allowed)' if tolerated else ''}")
    if failing:
        print(f"{failing} function(s) over {args.max} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
