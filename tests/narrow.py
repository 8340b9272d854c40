#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check captured panes of the browser against a capture of the same panes on a wide
terminal (the reference, where nothing wraps).

    narrow.py [--copy] REFERENCE CAPTURE...   (--copy: the reference must hold a line to copy)

Each file holds screens separated by a line "=== SCREEN"; the first and last line of each
screen (the title and the footer) are not checked.  A capture fails when
- a word of it is in no line of the reference: prose was wrapped inside a word, or a path
  or command was broken (words holding digits are skipped: ages and times change between
  the two runs);
- a line meant to be copied (a snippet, a prlimit or prune command) appears other than
  whole or cut at its end with an ellipsis.
"""
import re
import sys

COPYABLE = re.compile(r'^\s*(prlimit --core|coredu prune|\*/10 \* \* \* \*|while sleep|"ulimits"|'
                      r'ulimit -c 0|docker run|podman run)')
ELLIPSIS = ("\u2026", "...")


def screens(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for s in text.split("=== SCREEN\n"):
        lines = s.rstrip("\n").split("\n")
        if len(lines) > 2:
            yield lines[1:-1]


def main():
    args = sys.argv[1:]
    must_copy = args[0] == "--copy"
    if must_copy:
        args = args[1:]
    ref_lines = [l for s in screens(args[0]) for l in s]
    words = set()
    for l in ref_lines:
        words.update(l.split())
    copyable = {l.strip() for l in ref_lines if COPYABLE.match(l)}
    if must_copy and not copyable:
        print(f"{args[0]}: the reference has no line to copy")
        return 1
    bad = 0
    for path in args[1:]:
        for lines in screens(path):
            for l in lines:
                s = l.strip()
                for w in s.split():
                    if w in words or any(c.isdigit() for c in w) or w.endswith(ELLIPSIS):
                        continue
                    print(f"{path}: '{w}' is in no line of the reference (wrapped inside a "
                          f"word?): {l!r}")
                    bad += 1
                for c in copyable:
                    if s == c or not s or c[:12] != s[:12]:
                        continue
                    cut = next((e for e in ELLIPSIS if s.endswith(e)), None)
                    if cut and c.startswith(s[:-len(cut)]):
                        continue
                    print(f"{path}: a line to copy is broken: {l!r}, want {c!r} or a visible cut")
                    bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
