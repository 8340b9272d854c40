#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The base64 paste of doc/containers.md, timed at ECS Exec's rate.

    bench/paste.py BINARY [--rate BYTES_PER_S] [--echo]

Runs BusyBox's shell on a pty, as the SSM agent does, and types into it what an operator
pastes: `stty -echo; cat > /tmp/...b64` (unless --echo), the gzip'd binary in base64 in
1024-byte reads (the agent's), no faster than --rate (default 600000 B/s, ECS Exec's measured
0.6 MB/s), then ^D and the decode line of the doc.  Prints the bytes sent, the time, and
whether the decoded file's sha256 is the binary's.  Needs busybox (busybox-static).
"""
import argparse, base64, gzip, hashlib, os, pty, select, subprocess, sys, tempfile, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--rate", type=int, default=600000)
    ap.add_argument("--echo", action="store_true", help="leave the tty's echo on")
    a = ap.parse_args()
    raw = open(a.binary, "rb").read()
    want = hashlib.sha256(raw).hexdigest()
    b64 = base64.encodebytes(gzip.compress(raw, 9, mtime=0))
    work = tempfile.mkdtemp(prefix="coredu-paste-")
    out = os.path.join(work, "coredu")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/busybox", ["sh"], {"PS1": "$ ", "TERM": "xterm-256color"})
    got = bytearray()

    def drain(wait=0.0):
        while select.select([fd], [], [], wait)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            got.extend(chunk)
            wait = 0.0

    def until(text, limit=120):
        end = time.time() + limit
        while text.encode() not in got and time.time() < end:
            drain(0.05)
        return text.encode() in got

    until("$ ", 10)
    echo = "" if a.echo else "stty -echo; "
    os.write(fd, f"{echo}cat > {work}/c.b64\n".encode())
    time.sleep(0.2)
    t0 = time.time()
    sent = 0
    for i in range(0, len(b64), 1024):
        chunk = b64[i:i + 1024]
        os.write(fd, chunk)
        sent += len(chunk)
        drain()
        ahead = t0 + sent / a.rate - time.time()
        time.sleep(max(ahead, 0.001))  # the agent sleeps 1 ms per read
    os.write(fd, b"\x04")
    os.write(fd, f"stty echo; base64 -d {work}/c.b64 | gunzip > {out} && chmod +x {out}; "
             f"echo DONE\n".encode())
    ok = until("DONE\r\n" if a.echo else "DONE")
    t1 = time.time()
    os.write(fd, b"exit\n")
    drain(0.2)
    os.waitpid(pid, 0)
    have = hashlib.sha256(open(out, "rb").read()).hexdigest() if os.path.exists(out) else "none"
    print(f"paste: {len(raw)} bytes binary, {len(b64)} bytes base64 (gzip -9), "
          f"{'echo on' if a.echo else 'stty -echo'}, rate {a.rate} B/s: "
          f"{t1 - t0:.1f} s; sha256 {'matches' if have == want else 'DIFFERS'}")
    subprocess.run(["rm", "-rf", work])
    return 0 if ok and have == want else 1


if __name__ == "__main__":
    sys.exit(main())
