#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time to the first dump in the browser, warm and cold cache, measured in tmux.

Usage: bench/firstdump.py [--coredu [LABEL=]BINARY]... [--files N] [--dirs D] [--max-size M]
                          [--runs R] [--modes warm,cold] [--dir DIR]

The tree is bench/coldwarm.py's (N files of 0..M bytes in D directories, real cores planted
deep inside under random names; built once and kept in DIR).  Each run starts the browser on
it in a detached tmux pane of 250x50 (TERM=xterm-256color, as ECS Exec gives) and reads the
pane every 20 ms: the time until the largest planted core's name is on screen, and until the
scan is over (the "Scanning:" status line gone).  Cold: the page cache is dropped before each
run (root only; the script says so and skips cold runs otherwise).  Runs are interleaved
across binaries.  Prints a markdown table of medians (min-max).

N defaults to $COREDU_BENCH_FILES or 500000.  Needs tmux.
"""
import argparse, os, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import coldwarm  # noqa: E402  (the tree, the planted cores, dropping caches)

LIMIT = 300.0  # seconds: a run that never shows the dump fails the benchmark


def tmux(*args):
    return subprocess.run(["tmux", "-L", "coredu-firstdump"] + list(args), check=False,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout


def one_run(binary, tree, name):
    """Seconds to the dump on screen, and to the end of the scan."""
    tmux("kill-server")
    env = "env TERM=xterm-256color LANG=C.UTF-8"
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-x", "250", "-y", "50", "%s %s %s" % (env, binary, tree))
    shown = done = None
    while time.perf_counter() - t0 < LIMIT:
        pane = tmux("capture-pane", "-p")
        t = time.perf_counter() - t0
        if shown is None and name in pane:
            shown = t
        if shown is not None and pane.strip() and "Scanning:" not in pane:
            done = t
            break
        time.sleep(0.02)
    tmux("kill-server")
    if shown is None or done is None:
        sys.exit("bench: %s did not show %s within %.0f s" % (binary, name, LIMIT))
    return shown, done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--coredu", action="append", default=[])
    ap.add_argument("--files", type=int, default=int(os.environ.get("COREDU_BENCH_FILES", 500000)))
    ap.add_argument("--dirs", type=int, default=1000)
    ap.add_argument("--max-size", type=int, default=9000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--modes", default="warm,cold")
    ap.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "coredu-coldwarm"))
    a = ap.parse_args()
    if not shutil.which("tmux"):
        sys.exit("bench: tmux is needed (apt-get install tmux)")
    bins = []
    for spec in a.coredu or [os.path.join(os.path.dirname(HERE), "coredu")]:
        label, _, path = spec.rpartition("=")
        bins.append((label or "coredu", os.path.abspath(path)))
    os.makedirs(a.dir, exist_ok=True)
    fx = coldwarm.fixtures(a.dir)
    tree, planted = coldwarm.build(a.dir, a.files, a.dirs, a.max_size, fx)
    largest = max(planted, key=lambda p: os.stat(p).st_size)
    name = os.path.basename(largest)
    print("tree: %d files of 0-%d B in %d directories; the largest planted core: %s (%d B)"
          % (a.files, a.max_size, a.dirs, largest[len(tree) + 1:], os.stat(largest).st_size))
    why = coldwarm.can_drop()
    for mode in a.modes.split(","):
        cold = mode == "cold"
        if cold and why:
            print("cold runs skipped: %s" % why)
            continue
        res = {label: ([], []) for label, _ in bins}
        if not cold:
            for _, b in bins:
                one_run(b, tree, name)  # one untimed round fills the cache
        for _ in range(a.runs):
            for label, b in bins:
                if cold:
                    coldwarm.drop_caches()
                s, d = one_run(b, tree, name)
                res[label][0].append(s)
                res[label][1].append(d)
        print("\n%s cache, %d runs, load average %s\n" % (mode, a.runs, coldwarm.load()))
        print("| binary | largest dump on screen | scan over |")
        print("|---|---:|---:|")
        for label, (s, d) in res.items():
            print("| %s | %.2f s (%.2f-%.2f) | %.2f s (%.2f-%.2f) |"
                  % (label, statistics.median(s), min(s), max(s), statistics.median(d), min(d), max(d)))


if __name__ == "__main__":
    main()
