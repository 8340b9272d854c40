#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bytes the browser writes to the terminal per keystroke, measured on a real pty.

Usage: keybytes.py [--check MAX] [--size COLSxLINES] COREDU PATH

Starts COREDU PATH on a pseudo-terminal of the given size (default 80x24, TERM=xterm-256color,
UTF-8), waits for the first frame and for the scan to finish, then sends keys one at a time
and counts what comes back until the output has been quiet for a while.  Prints a table.
With --check MAX, exits 1 if moving the cursor one row ever cost more than MAX bytes, if
anything is written while idle, or if a raw control byte from outside the escape sequences
curses itself produces appears (the caller's tree holds hostile names).
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

QUIET = 0.4  # seconds without output that end a response

# File names that would retitle, recolour or move a terminal if written raw, with what the
# sanitiser turns them into.
HOSTILE = [
    (b"osc\x1b]0;pwned\x07", b"osc\\x1b]0;pwned\\x07"),
    (b"color\x1b[31mred", b"color\\x1b[31mred"),
    (b"move\x1b[2J\x1b[H", b"move\\x1b[2J\\x1b[H"),
    (b"paste\x1b[200~", b"paste\\x1b[200~"),
    (b"csi\x9b31m", b"csi\\x9b31m"),
    (b"bad\xff\xfeutf8", b"bad\\xff\\xfeutf8"),
    (b"new\nline", b"new\\nline"),
]


def read_until_quiet(fd, quiet=QUIET, limit=10.0):
    data = b""
    start = last = time.monotonic()
    first = None
    while True:
        now = time.monotonic()
        if now - last >= quiet and data or now - start >= limit:
            return data, first
        r, _, _ = select.select([fd], [], [], quiet / 5)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return data, first
            if not chunk:
                return data, first
            if first is None:
                first = time.monotonic() - start
            data += chunk
            last = time.monotonic()
        elif not data and now - start >= quiet * 4:
            return data, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", type=int, default=0)
    ap.add_argument("--size", default="80x24")
    ap.add_argument("--make-hostile", metavar="CORE",
                    help="first copy CORE into PATH under each hostile name, then check them")
    ap.add_argument("coredu")
    ap.add_argument("path")
    a = ap.parse_args()
    cols, lines = (int(x) for x in a.size.split("x"))
    if a.make_hostile:
        core = open(a.make_hostile, "rb").read()
        for raw, _ in HOSTILE:
            with open(os.path.join(os.fsencode(a.path), raw), "wb") as f:
                f.write(core)

    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(a.coredu, [a.coredu, a.path], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)

    first_frame, first_at = read_until_quiet(fd, quiet=1.0)
    rows = [("start-up (first frame + scan)", len(first_frame))]
    keys = [("j", "down"), ("j", "down"), ("k", "up"), ("\x1b[B", "Down arrow"),
            ("\x1b[A", "Up arrow"), ("\x1b[6~", "PgDn"), ("\x1b[5~", "PgUp"),
            (" ", "space (mark + down)"), ("s", "s (re-sort)"), ("g", "g (view)"),
            ("g", "g (view)"), ("g", "g (view)"), ("g", "g (view)"), ("g", "g (view)"),
            ("g", "g (flat)"),
            ("?", "? (help)"), ("q", "q (close help)")]
    moves = []
    for k, label in keys:
        os.write(fd, k.encode())
        out, _ = read_until_quiet(fd)
        rows.append((label, len(out)))
        if label in ("down", "up", "Down arrow", "Up arrow"):
            moves.append(len(out))
    late, _ = read_until_quiet(fd, quiet=1.0)  # a loaded machine may answer slowly
    rows[-1] = (rows[-1][0], rows[-1][1] + len(late))
    idle, _ = read_until_quiet(fd, quiet=1.5, limit=1.5)
    rows.append(("idle for 1.5 s", len(idle)))
    os.write(fd, b"q")
    tail, _ = read_until_quiet(fd)
    os.waitpid(pid, 0)
    os.close(fd)

    print("| Key (%dx%d) | Bytes written |" % (cols, lines))
    print("|:---|---:|")
    for label, n in rows:
        print("| %s | %d |" % (label, n))
    print("\nfirst output after %.1f ms; cursor moves: max %d bytes" % ((first_at or 0) * 1000, max(moves)))

    bad = []
    if a.check:
        if max(moves) > a.check:
            bad.append("a one-row move wrote %d bytes (budget %d)" % (max(moves), a.check))
        if idle:
            bad.append("%d bytes written while idle: %r" % (len(idle), idle[:120]))
        for raw, shown in HOSTILE if a.make_hostile else []:
            if raw in first_frame:
                bad.append("the raw name %r reached the terminal" % raw)
            if shown not in first_frame:
                bad.append("the escaped name %r is not on the screen" % shown)
        if b"\x9b" in first_frame:
            bad.append("a raw C1 CSI byte reached the terminal")
    for b in bad:
        print("FAIL:", b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
