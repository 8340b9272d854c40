#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Inputs for the render harness (fuzz_render.c): a hostile file name, then a dump.

    render-seeds.py OUT FILE...

Each FILE becomes one input in OUT: a byte with the name's length, the name, the first
1 MiB of the file (the harnesses' -max_len).  The names rotate through terminal attacks:
an OSC title change, a right-to-left override, U+061C, a C1 CSI, invalid UTF-8."""
import os
import sys

NAMES = [
    b"core.\x1b]0;PWNED\x07",
    b"core.\xe2\x80\xaegpj.1",
    b"core.\xd8\x9c1058",
    b"core.\xc2\x9b31m.\x9b2J",
    b"core.\xff\xfe\xed\x7f\x08",
]


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    for i, path in enumerate(files):
        name = NAMES[i % len(NAMES)]
        with open(path, "rb") as f:
            body = f.read(1 << 20)
        with open(os.path.join(out, "render-%d-%s" % (i, os.path.basename(path))), "wb") as f:
            f.write(bytes([len(name)]) + name + body)


if __name__ == "__main__":
    main()
