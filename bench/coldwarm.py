#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Scan benchmark, warm and cold cache, side by side in one run.

Usage: bench/coldwarm.py [--coredu [LABEL=]BINARY]... [--files N] [--dirs D] [--runs R]
                         [--trees 9000,4095] [--modes warm,cold] [--dir DIR] [--extra ARG]...

For each tree (N files in D directories, sizes 0..MAX bytes for each MAX of --trees, built by
bench/mktree.py, plus real cores planted under random names at sizes from a 4 KiB truncated
one to whole), and each mode, runs `find TREE -type f`, `du -s TREE`, `ncdu -0 -o /dev/null
TREE`, `gdu -npc TREE` (gdu --non-interactive) and `coredu json TREE` for every --coredu
binary, interleaved: round after round, each command once per round (warm: after one
untimed round).  Cold: the page cache is
dropped (`sync; echo 3 > /proc/sys/vm/drop_caches`) before every command; that needs root and
a writable /proc/sys, and the script says so and skips cold runs when it cannot.  Each
coredu run's JSON is checked: every planted core must be found (the acceptance check of the
detection rule, on a cold cache when cold).

N defaults to $COREDU_BENCH_FILES or 500000.  Prints a markdown table per tree and mode:
median, min and max wall time, the ratio of medians to ncdu and to gdu, and peak RSS.
The machine's load average is printed with each table: other jobs make absolute times drift.
"""
import argparse, json, os, random, resource, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CORES = ["abort-x86-64", "thread-segv-x86-64", "parent-kill-x86-64", "abort-aarch64", "abort-s390x"]
DROP = "/proc/sys/vm/drop_caches"


def can_drop():
    if os.geteuid() != 0:
        return "not root"
    try:
        with open(DROP, "w") as f:
            f.write("3\n")
        return None
    except OSError as e:
        return "cannot write %s: %s" % (DROP, e.strerror)


def drop_caches():
    os.sync()
    with open(DROP, "w") as f:
        f.write("3\n")


def fixtures(base):
    """The committed real cores, unpacked once."""
    fx = os.path.join(base, "fixtures")
    if not os.path.exists(os.path.join(fx, ".stamp")):
        shutil.rmtree(fx, ignore_errors=True)
        os.makedirs(fx)
        for c in CORES:
            with open(os.path.join(fx, c + ".core"), "wb") as out:
                subprocess.run(["xz", "-dc", os.path.join(TOP, "tests/fixtures", c + ".core.xz")],
                               stdout=out, check=True)
        open(os.path.join(fx, ".stamp"), "w").close()
    return fx


def plant(tree, fx, dirs):
    """Real cores under random names, deep in the tree: whole ones, and ones cut at sizes
    from 4 KiB (truncated, as a full disk leaves them) up.  Returns their paths."""
    rng = random.Random(16)
    sizes = [4096, 4097, 6000, 8192, 65536, 1 << 20, None, None, None, None]
    planted = []
    for i, size in enumerate(sizes):
        src = os.path.join(fx, CORES[i % len(CORES)] + ".core")
        d = rng.randrange(dirs)
        sub = os.path.join(tree, "d%03d" % (d // 32), "s%04d" % d, "deep", "er")
        os.makedirs(sub, exist_ok=True)
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10)) + ".bin"
        dst = os.path.join(sub, name)
        if size is None:
            subprocess.run(["cp", "--sparse=always", src, dst], check=True)
        else:
            with open(src, "rb") as f, open(dst, "wb") as o:
                o.write(f.read(size))
        planted.append(dst)
    return planted


def build(base, files, dirs, maxsize, fx):
    tree = os.path.join(base, "tree-%d-%d-%d" % (files, dirs, maxsize))
    stamp = os.path.join(tree, ".stamp")
    if os.path.exists(stamp):
        with open(stamp) as f:
            return tree, f.read().split("\n")[:-1]
    print("building %s ..." % tree, file=sys.stderr, flush=True)
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(HERE, "mktree.py"), tree, "--files", str(files),
                    "--dirs", str(dirs), "--max-size", str(maxsize)], check=True,
                   stdout=subprocess.DEVNULL)
    planted = plant(tree, fx, dirs)
    with open(stamp, "w") as f:
        f.write("".join(p + "\n" for p in planted))
    return tree, planted


def run_once(argv, out_path):
    """Wall seconds and peak RSS (KiB) of one run, stdout to out_path.  The RSS comes from
    GNU time: a child forked from Python starts with the interpreter's resident pages."""
    rss_path = out_path + ".rss"
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss_path] + argv,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t0
    if rc != 0:
        sys.exit("bench: %s exited %d" % (" ".join(argv), rc))
    with open(rss_path) as f:
        return t, int(f.read().split()[-1])


def check_found(json_path, planted, label):
    with open(json_path) as f:
        found = {d["path"] for d in json.load(f)["dumps"]}
    missing = [p for p in planted if p not in found]
    if missing:
        sys.exit("bench: %s missed planted cores: %s" % (label, ", ".join(missing)))


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(cmds, runs, cold, planted, scratch):
    times = {label: [] for label, _ in cmds}
    rss = {label: 0 for label, _ in cmds}
    if not cold:  # one untimed round: the tree may come from another run's dropped cache
        for label, argv in cmds:
            run_once(argv, os.path.join(scratch, "out"))
    for _ in range(runs):
        for label, argv in cmds:
            if cold:
                drop_caches()
            out = os.path.join(scratch, "out")
            t, kib = run_once(argv, out)
            times[label].append(t)
            rss[label] = max(rss[label], kib)
            if label.startswith("coredu"):
                check_found(out, planted, label)
    return times, rss


def table(title, cmds, times, rss):
    med = {label: statistics.median(times[label]) for label, _ in cmds}
    lines = ["### " + title, "",
             "| Command | median [s] | min | max | / ncdu | / gdu | peak RSS |",
             "|:---|---:|---:|---:|---:|---:|---:|"]
    for label, _ in cmds:
        lines.append("| `%s` | %.3f | %.3f | %.3f | %.2f | %.2f | %.1f MiB |" % (
            label, med[label], min(times[label]), max(times[label]), med[label] / med["ncdu"],
            med[label] / med["gdu"], rss[label] / 1024))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--coredu", action="append", default=[],
                    help="[LABEL=]BINARY, repeatable (default: the built ./coredu)")
    ap.add_argument("--files", type=int, default=int(os.environ.get("COREDU_BENCH_FILES", 500000)))
    ap.add_argument("--dirs", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--trees", default="9000,4095", help="the max file sizes, one tree each")
    ap.add_argument("--modes", default="warm,cold")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "coredu-bench"))
    ap.add_argument("--extra", action="append", default=[], help="an argument for every coredu")
    a = ap.parse_args()
    binaries = a.coredu or ["coredu=" + os.path.join(TOP, "coredu")]
    coredus = []
    for b in binaries:
        label, _, path = b.rpartition("=")
        coredus.append((label or "coredu", os.path.abspath(path)))
    for tool in ("find", "du", "ncdu", "gdu", "xz", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit("bench: %s is missing (apt-get install ncdu gdu xz-utils time)" % tool)
    modes = a.modes.split(",")
    if "cold" in modes:
        why = can_drop()
        if why:
            print("Cold runs skipped: the page cache cannot be dropped (%s)." % why, flush=True)
            modes.remove("cold")
    os.makedirs(a.dir, exist_ok=True)
    fx = fixtures(a.dir)
    scratch = tempfile.mkdtemp(prefix="coldwarm-", dir=a.dir)
    print("# coredu scan, warm and cold (%s)\n" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    print("%d CPUs, %s; %d files in %d directories; %d interleaved rounds; `%s`.\n"
          % (os.cpu_count(), os.uname().release, a.files, a.dirs, a.runs,
             " ".join(["coredu json"] + a.extra + ["TREE"])))
    for maxsize in (int(x) for x in a.trees.split(",")):
        tree, planted = build(a.dir, a.files, a.dirs, maxsize, fx)
        cmds = [("find", ["find", tree, "-type", "f"]), ("du -s", ["du", "-s", tree]),
                ("ncdu", ["ncdu", "-0", "-o", "/dev/null", tree]), ("gdu", ["gdu", "-npc", tree])]
        cmds += [(label, [path, "json"] + a.extra + [tree]) for label, path in coredus]
        for mode in modes:
            before = load()
            times, rss = measure(cmds, a.runs, mode == "cold", planted, scratch)
            title = "%s cache, sizes 0-%d B (load average %s before, %s after)" % (
                mode.capitalize(), maxsize, before, load())
            print(table(title, cmds, times, rss) + "\n", flush=True)
    print("Every run of coredu found all %d planted cores (4 KiB truncated to whole, random names)."
          % len(planted))
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
