#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/watch.py COREDU FIXTURES [--dumps N] [--idle S] [--reactions N]

`coredu watch`'s figures (bench/README.md): over a tree of N small dumps in 100 directories
(default 5,000), its RSS and CPU while idle for S seconds (default 60), then its reaction
time, from the close of a core written by this script to its event line, N times (default
30; a real x86-64 core from the fixtures, 448 KiB, written with one write).  Prints
"key=value" lines."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("coredu")
ap.add_argument("fixtures")
ap.add_argument("--dumps", type=int, default=5000)
ap.add_argument("--idle", type=float, default=60)
ap.add_argument("--reactions", type=int, default=30)
a = ap.parse_args()

tmp = tempfile.mkdtemp(prefix="coredu-bench-watch-")
try:
    head = open(os.path.join(a.fixtures, "hs_err_pid6383.log"), "rb").read()[:1500]
    core = open(os.path.join(a.fixtures, "abort-x86-64.core"), "rb").read()
    root = os.path.join(tmp, "tree")
    for i in range(a.dumps):
        d = os.path.join(root, "d%d" % (i % 100))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "hs_err_pid%d.log" % i), "wb") as f:
            f.write(head.replace(b"pid=6383", b"pid=%d" % i))
    ev_path = os.path.join(tmp, "events")
    err = open(os.path.join(tmp, "err"), "w")
    w = subprocess.Popen([a.coredu, "watch", "--events", ev_path, "--metrics",
                          os.path.join(tmp, "coredu.prom"), root], stderr=err,
                         stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    t0 = time.monotonic()
    while "watching" not in open(os.path.join(tmp, "err")).read():
        time.sleep(0.01)
    start_s = time.monotonic() - t0
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_s():
        f = open("/proc/%d/stat" % w.pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick

    def rss_kib():
        for line in open("/proc/%d/status" % w.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

    time.sleep(2)
    c0, i0 = cpu_s(), time.monotonic()
    time.sleep(a.idle)
    idle_pct = 100 * (cpu_s() - c0) / (time.monotonic() - i0)
    rss_idle = rss_kib()
    ev = open(ev_path)
    ev.seek(0, 2)
    times = []
    for i in range(a.reactions):
        path = os.path.join(root, "d%d" % (i % 100), "core.%d" % i)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, core)
        os.close(fd)
        closed = time.monotonic()
        line = ""
        while True:
            line += ev.readline()
            if line.endswith("\n"):
                if json.loads(line)["path"] == path:
                    break
                line = ""
            else:
                time.sleep(0.0005)
        times.append((time.monotonic() - closed) * 1000)
        time.sleep(0.2)
    rss_end = rss_kib()
    w.terminate()
    w.wait(5)
    times.sort()
    print("dumps=%d startup_seconds=%.2f" % (a.dumps, start_s))
    print("idle_seconds=%.0f idle_cpu_percent=%.3f rss_idle_kib=%d rss_end_kib=%d"
          % (a.idle, idle_pct, rss_idle, rss_end))
    print("reaction_ms_median=%.1f reaction_ms_p90=%.1f reaction_ms_max=%.1f (n=%d)"
          % (statistics.median(times), times[int(len(times) * 0.9) - 1], times[-1], len(times)))
finally:
    shutil.rmtree(tmp)
