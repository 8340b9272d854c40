#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the reproducible benchmark tree: N small files spread over D directories.

Usage: mktree.py DEST [--files 500000] [--dirs 1000] [--max-size 4095]

Directories form a two-level hierarchy (D/32 top dirs of ~32 subdirs each), file sizes cycle
through 0..MAX bytes (4095 by default; bench/coldwarm.py also builds a 0..9000 tree, where
about half the files reach the 4 KiB that coredu checks by content) with text-like content so
that nothing in the tree is a dump.  The output is byte-for-byte identical for the same
arguments.
"""
import argparse, os

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--files", type=int, default=500000)
    ap.add_argument("--dirs", type=int, default=1000)
    ap.add_argument("--max-size", type=int, default=4095)
    a = ap.parse_args()
    os.makedirs(a.dest, exist_ok=True)
    line = b"The quick brown fox jumps over the lazy dog 0123456789\n"
    blob = line * ((a.max_size + 1) // len(line) + 1)
    per_dir = a.files // a.dirs
    extra = a.files - per_dir * a.dirs
    n = 0
    for d in range(a.dirs):
        top = os.path.join(a.dest, "d%03d" % (d // 32))
        sub = os.path.join(top, "s%04d" % d)
        os.makedirs(sub, exist_ok=True)
        count = per_dir + (1 if d < extra else 0)
        for i in range(count):
            size = (n * 2654435761) % (a.max_size + 1)
            with open(os.path.join(sub, "f%06d.txt" % i), "wb") as f:
                f.write(blob[:size])
            n += 1
    print(n, "files in", a.dirs, "directories under", a.dest)

if __name__ == "__main__":
    main()
