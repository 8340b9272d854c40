#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Terminal hygiene: a corpus of dumps whose names and contents carry terminal escapes, and
the checks that none of those bytes reaches a terminal or a plain-text report raw.

  hygiene.py make DIR CORE HSERR MKKINDS   build the corpus in DIR
  hygiene.py text WHAT FILE                check a plain-text report (list, info, doctor, prune)
  hygiene.py browser COREDU DIR            drive the browser on a pty over DIR and check it
  hygiene.py reasons FILE...               no formatted deletion reason takes a raw name

Each payload in the corpus goes into a file name, a core's comm and command line (the
NT_PRPSINFO note), a mapped file name (NT_FILE), an Apport report's command line and an
hs_err log's command line.  A text report must hold no control byte at all.  The browser's
output holds curses' own escape sequences, so there the check looks for the payloads'
signatures, sequences curses never writes, and for any raw or UTF-8-encoded C1 byte.
"""
import os
import pty
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import time
import fcntl
import termios

PAYLOADS = [
    b"\x1b]2;PWNED1\x07",                          # OSC: retitle the terminal
    b"\x1b[38;2;255;0;0;48;5;196mRED2",            # colours with unusual parameters
    b"\x1b[99;99HMOVE3\x1b[2J",                    # cursor movement and clear
    b"\x1b[200~rm -rf /\x1b[201~",                 # bracketed paste
    b"\x9b31mCSI5",                                # C1 CSI as the raw byte 0x9b
    b"\xc2\x9b32mC1U6",                            # C1 CSI as UTF-8 (U+009B)
    "\u202eEVIL7".encode(),                        # right-to-left override
    b"line\nbreak\rBS\x08\x7fX8",                  # newline, CR, backspace, DEL
    b"\x1bP+q544e\x1b\\\x1b_APC9\x1b\\",           # DCS (terminfo query) and APC
    # every Bidi_Control character: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI
    "\u061cALM10\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069".encode(),
]

# Sequences curses never writes for xterm-256color: finding one in the browser's output means
# a payload got through.
SIGNATURES = [b"\x1b]", b"\x1b[38;2;", b"\x1b[99;99H", b"\x1b[200~", b"\x1b[201~",
              b"\x1bP", b"\x1b_", b"PWNED1\x07"]


# What must never reach a terminal raw: C1 controls, line and paragraph separators, every
# Unicode Bidi_Control character (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), BOM.
UNSAFE = "[\u0080-\u009f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"


def notes(buf):
    """(offset of desc, type, descsz) of every note in every PT_NOTE of an ELF64 LE core."""
    phoff, = struct.unpack_from("<Q", buf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", buf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", buf, phoff + i * phentsize)
        if p_type != 4:
            continue
        off, end = p_offset, p_offset + p_filesz
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", buf, off)
            desc = off + 12 + (namesz + 3 & ~3)
            yield desc, ntype, descsz
            off = desc + (descsz + 3 & ~3)


def hostile_core(core, payload, tag):
    """A copy of a real x86-64 core whose comm, command line and first mapped file carry payload."""
    buf = bytearray(core)
    for desc, ntype, descsz in notes(buf):
        if ntype == 3 and descsz >= 136:            # NT_PRPSINFO: pr_fname at 40, pr_psargs at 56
            buf[desc + 40:desc + 56] = (tag + payload)[:15].ljust(16, b"\0")
            buf[desc + 56:desc + 136] = (b"/usr/bin/app " + payload + b" --serve")[:79].ljust(80, b"\0")
        elif ntype == 0x46494C45:                   # NT_FILE: count, page size, ranges, names
            count, = struct.unpack_from("<Q", buf, desc)
            name = desc + 16 + count * 24
            end = buf.index(b"\0", name)
            repl = (b"/lib/" + payload + b"/libx.so").replace(b"\0", b"")
            buf[name:end] = repl[:end - name].ljust(end - name, b"_")
    return bytes(buf)


def make(out, core_path, hserr_path, mkkinds):
    core = open(core_path, "rb").read()
    hserr = open(hserr_path, "rb").read()
    os.makedirs(out, exist_ok=True)
    for i, p in enumerate(PAYLOADS):
        tag = b"h%d" % i
        d = os.path.join(os.fsencode(out), b"dir-" + p.replace(b"/", b"_"))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, b"core." + tag + p.replace(b"/", b"_")), "wb") as f:
            f.write(hostile_core(core, p, tag))
        text = hserr.replace(b"Command Line: -Xmx32m Crash first second",
                             b"Command Line: -Xmx32m " + p.replace(b"\n", b" "))
        with open(os.path.join(d, b"hs_err_pid%d.log" % (6000 + i)), "wb") as f:
            f.write(text)
        # Apport's format is text: its command line cannot hold a newline or NUL
        cmd = "/usr/bin/app " + shlex.quote(os.fsdecode(p.replace(b"\n", b" ")))
        subprocess.run([sys.executable, mkkinds, "apport", os.fsdecode(os.path.join(d, b"_usr_bin_app.0.crash")),
                        "--core", core_path, "--exe", "/usr/bin/app", "--cmdline", cmd,
                        "--pid", str(100 + i), "--uid", "0", "--signal", "6",
                        "--date", "Tue Nov 24 10:00:00 2026"], check=True)


def bad_text(data):
    """Why a plain-text report is unsafe, or None: control bytes, invalid UTF-8, C1, bidi."""
    m = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", data)
    if m:
        return "control byte %r at %d: %r" % (m.group(), m.start(), data[max(0, m.start() - 40):m.start() + 20])
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8 at %d: %r" % (e.start, data[max(0, e.start - 40):e.start + 20])
    m = re.search(UNSAFE, s)
    if m:
        return "C1 or bidi control U+%04X at %d" % (ord(m.group()), m.start())
    return None


def text(what, path):
    data = open(path, "rb").read()
    why = bad_text(data)
    if why:
        print("FAIL: %s: %s" % (what, why))
        return 1
    return 0


def read_quiet(fd, quiet=0.5, limit=15.0):
    data, start, last = b"", time.monotonic(), time.monotonic()
    while True:
        now = time.monotonic()
        if data and now - last >= quiet or now - start >= limit:
            return data
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return data
            if not chunk:
                return data
            data += chunk
            last = time.monotonic()
        elif not data and now - start >= max(quiet * 4, 0.6):
            return data                             # the key changed nothing on screen


def browser(coredu, path):
    """Every screen that shows dump strings: the list in each view, inspect on every row, the
    why screen, help.  Returns the failures."""
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(coredu, [coredu, path], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    out = read_quiet(fd, quiet=1.5)
    keys = []
    for _ in range(3 * len(PAYLOADS) + 2):           # inspect each row, scroll its pane
        keys += [b"i", b"\x1b[6~", b"q", b"j"]
    keys += [b"g", b"g", b"g", b"g", b"g", b"w", b"\x1b[6~", b"q", b"?", b"q", b"q"]
    for k in keys:
        os.write(fd, k)
        out += read_quiet(fd, quiet=0.15, limit=5.0)
    out += read_quiet(fd, quiet=0.5, limit=3.0)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)

    bad = []
    for sig in SIGNATURES:
        if sig in out:
            i = out.index(sig)
            bad.append("payload signature %r reached the terminal: %r" % (sig, out[max(0, i - 40):i + 40]))
    s = out.decode("utf-8", "surrogateescape")
    m = re.search("[\udc80-\udcff]", s)
    if m:
        bad.append("a raw non-UTF-8 byte 0x%02x reached the terminal" % (ord(m.group()) - 0xdc00))
    m = re.search(UNSAFE, s)
    if m:
        bad.append("C1 or bidi control U+%04X reached the terminal" % ord(m.group()))
    # The strings were on screen, escaped: the test saw the fields it claims to check.
    for shown in (rb"\x1b]2;PWNED1\x07", rb"\x9b31mCSI5", rb"\u009b32mC1U6", rb"\u202eEVIL7",
                  rb"\u061cALM10"):
        if shown not in out:
            bad.append("the escaped form %r never appeared" % shown)
    return bad


# The functions that format a deletion's reason (src/delete/): (name, index of the format).
REASON_FORMATTERS = {"set_reason": 2, "fail": 1, "add_reason": 2, "snprintf": 2}
# A %s argument may be text coredu wrote itself, or an escaped name: a call that escapes or
# names a fixed string, a variable named *esc*, held_by (escaped when it is made), or a
# conditional whose every branch is one of those.
SAFE_ARG = re.compile(r'^\s*("|strerror\(|esc\(|sanitize_str\(|fmt_\w+\(|decomp_name\('
                      r'|delete_status_name\(|ZSTD_getErrorName\(|per_words\[|[\w>.-]*held_by\s*$'
                      r'|\w*esc\w*\s*$)')


def top_level(s):
    """(index, character) of s outside quotes and brackets."""
    depth, q = 0, None
    for i, c in enumerate(s):
        if q:
            if c == q and s[i - 1] != "\\":
                q = None
        elif c in "\"'":
            q = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:
            yield i, c


def safe_arg(arg):
    """Whether a %s argument is known to be safe; a ?: is safe if both branches are."""
    for i, c in top_level(arg):
        if c == "?":
            branches = split_colon(arg[i + 1:])
            return branches is not None and all(safe_arg(b) for b in branches)
    return bool(SAFE_ARG.match(arg))


def split_colon(s):
    """The two branches of 'a : b' at the top level (the ?: nests to the right)."""
    nested = 0
    for i, c in top_level(s):
        if c == "?":
            nested += 1
        elif c == ":":
            if nested == 0:
                return [s[:i], s[i + 1:]]
            nested -= 1
    return None


CONVERSION = re.compile(r"%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?([a-zA-Z%])")


def call_args(src, start):
    """The top-level arguments of the call whose '(' is at start, and where it ends."""
    depth, args, cur, i, quote = 0, [], "", start, None
    while i < len(src):
        c = src[i]
        if quote:
            cur += c
            if c == "\\":
                cur += src[i + 1]
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            cur += c
        elif c == "(":
            depth += 1
            if depth > 1:
                cur += c
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, i
            cur += c
        elif c == "," and depth == 1:
            args.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    return args, i


def raw_reasons(path):
    """Calls in path that format a reason from a %s argument that is not known to be safe.
    A line may vouch for its arguments with a comment: /* esc: why */."""
    src = open(path, encoding="utf-8").read()
    bad = []
    for m in re.finditer(r"\b(%s)\(" % "|".join(REASON_FORMATTERS), src):
        args, end = call_args(src, m.end() - 1)
        name = m.group(1)
        if name == "snprintf" and not re.search(r"reason|held_by|who\b|err\b", args[0]):
            continue
        k = REASON_FORMATTERS[name]
        if len(args) <= k:
            continue
        lines = src[m.start():src.find("\n", end) + 1]
        if "/* esc:" in lines:
            continue
        fmt = re.sub(r'"\s*PRI\w+\s*"', "d", args[k])
        fmt = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', fmt))
        rest, n = args[k + 1:], 0
        for c in CONVERSION.finditer(fmt):
            for star in (c.group(1), c.group(3)):
                if star == "*":
                    n += 1
            if c.group(5) == "%":
                continue
            if c.group(5) == "s" and n < len(rest) and not safe_arg(rest[n]):
                line = src.count("\n", 0, m.start()) + 1
                bad.append("%s:%d: %s(...) formats %s raw" % (path, line, name, rest[n].strip()))
            n += 1
    return bad


def main():
    cmd = sys.argv[1]
    if cmd == "reasons":
        bad = [b for f in sys.argv[2:] for b in raw_reasons(f)]
        for b in bad:
            print("FAIL:", b)
        sys.exit(1 if bad else 0)
    if cmd == "make":
        make(*sys.argv[2:6])
    elif cmd == "text":
        sys.exit(text(sys.argv[2], sys.argv[3]))
    elif cmd == "browser":
        bad = browser(sys.argv[2], sys.argv[3])
        for b in bad:
            print("FAIL: browser:", b)
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
