#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The soak test of `coredu watch` (tests/watch.sh runs it; bench/ runs it longer).

N small dumps (JVM hs_err reports, each with its own pid) are written into a tree that
`coredu watch --prune --older-than 1d` follows; once reported, some are renamed and some
deleted, so that a few hundred are present at any time.  Directories are removed with their
dumps and made again.  Once, the watcher is stopped (SIGSTOP) while far more events than
the kernel queues (fs.inotify.max_queued_events) happen, and dumps are written then too:
the queue overflows and watch must rescan.  At the end it checks that every dump written
had exactly one "new" event, every dump deleted exactly one "deleted" event, the only
"pruned" event is for the one old dump, nothing else was deleted, RSS stayed flat, and
SIGTERM ends watch with status 0 (stop_seconds is the time it took).  Prints the figures
as "key=value" lines; the exit status is the number of failed checks (at most 100)."""

import json
import os
import random
import signal
import subprocess
import sys
import time

coredu, template, tmp, total, deadline = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
fails = []
random.seed(18)
head = open(template, "rb").read()[:1500]
assert b"pid=6383" in head
root = os.path.join(tmp, "tree")
dirs = [os.path.join(root, "d%d" % i) for i in range(8)]
for d in dirs + [os.path.join(root, "keep"), os.path.join(root, "old")]:
    os.makedirs(d)
others = [os.path.join(root, "keep", n) for n in ("notes.txt", "data.bin", "core.txt")]
for p in others:
    with open(p, "w") as f:
        f.write("not a dump\n" * 50)
old = os.path.join(root, "old", "hs_err_pid9999999.log")
with open(old, "wb") as f:
    f.write(head.replace(b"pid=6383", b"pid=9999999"))
os.utime(old, (time.time() - 3 * 86400, time.time() - 3 * 86400))
os.symlink("/etc/passwd", os.path.join(root, "keep", "link"))
os.mkfifo(os.path.join(root, "keep", "fifo"))

events_path = os.path.join(tmp, "events")
err = open(os.path.join(tmp, "watch.err"), "w")
w = subprocess.Popen([coredu, "watch", "--events", events_path, "--prune", "--older-than", "1d",
                      "--settle", "2", "--rescan-interval", "5", "--metrics-interval", "2",
                      "--metrics", os.path.join(tmp, "coredu.prom"), root],
                     stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
start = time.monotonic()
# Ready once it says what it watches: dumps written before are the state, without events.
while "watching" not in open(os.path.join(tmp, "watch.err")).read() and time.monotonic() - start < 20:
    time.sleep(0.05)
ev = open(events_path, "a+")
ev.seek(0)
news, deleted, pruned, other, last = {}, {}, {}, [], {}
renamed = set()
reported = set()   # pids reported new and still present
where = {}         # pid -> current path
partial = ""


def read_events():
    global partial
    while True:
        chunk = ev.read()
        if not chunk:
            return
        partial += chunk
        *lines, partial = partial.split("\n")
        for line in lines:
            e = json.loads(line)
            pid, kind = e["pid"], e["event"]
            last[pid] = kind
            if kind == "new":
                news[pid] = news.get(pid, 0) + 1
                reported.add(pid)
            elif kind == "deleted":
                deleted[pid] = deleted.get(pid, 0) + 1
            elif kind == "pruned":
                pruned[pid] = pruned.get(pid, 0) + 1
            else:
                other.append(e)
            for k in ("hostname",):
                if not e["identity"].get(k):
                    fails.append("an event without identity.%s" % k)


def rss_kib():
    with open("/proc/%d/status" % w.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def write_dump(pid, d=None):
    path = os.path.join(d or random.choice(dirs), "hs_err_pid%d.log" % pid)
    with open(path, "wb") as f:
        f.write(head.replace(b"pid=6383", b"pid=%d" % pid))
    where[pid] = path


def catch_up(want, limit):
    """Until every pid in want is reported (or limit seconds)."""
    t = time.monotonic()
    while time.monotonic() - t < limit:
        read_events()
        if all(p in news for p in want):
            return True
        time.sleep(0.02)
    return False


ops = open(os.path.join(tmp, "ops"), "w", buffering=1)
gone = set()   # pids deleted by us
written = 0
rss_mid = None
overflowed = False
removed_dirs = 0
while written < total:
    if time.monotonic() - start > deadline:
        fails.append("the soak did not finish in %.0f s: %d of %d dumps written" % (deadline, written, total))
        break
    for _ in range(50):
        written += 1
        write_dump(written)
    read_events()
    # Keep a few hundred present: rename or delete reported ones.
    present = [p for p in reported if p not in gone]
    random.shuffle(present)
    for pid in present[:max(0, len(present) - 300)]:
        if random.random() < 0.3:
            dst = os.path.join(random.choice(dirs), "hs_err_pid%d.renamed.log" % pid)
            ops.write("rename %d %s %s\n" % (pid, where[pid], dst))
            os.rename(where[pid], dst)
            where[pid] = dst
            renamed.add(pid)
        else:
            os.unlink(where[pid])
            ops.write("unlink %d %s\n" % (pid, where[pid]))
            gone.add(pid)
            reported.discard(pid)
    # Now and then a directory goes, with its dumps, and comes back.
    if written % 2000 == 0:
        d = random.choice(dirs)
        catch_up([p for p in where if p not in gone and where[p].startswith(d + "/")], 20)
        for pid in [p for p in where if p not in gone and where[p].startswith(d + "/")]:
            gone.add(pid)
            reported.discard(pid)
        subprocess.run(["rm", "-rf", d], check=True)
        ops.write("rmdir %s at %d\n" % (d, written))
        os.makedirs(d)
        removed_dirs += 1
    # Once, half way: the kernel's queue overflows while watch is stopped.
    if not overflowed and written >= total // 2:
        overflowed = True
        w.send_signal(signal.SIGSTOP)
        ops.write("stop at %d\n" % written)
        limit = int(open("/proc/sys/fs/inotify/max_queued_events").read())
        # In keep/, never removed: a directory just made again may not be watched yet.
        junk = os.path.join(root, "keep", "junk")
        for _ in range(limit // 3 + 100):   # create, close, delete: three events each
            open(junk, "w").close()
            os.unlink(junk)
        for _ in range(50):
            written += 1
            write_dump(written)
        w.send_signal(signal.SIGCONT)
    if rss_mid is None and written >= total // 3:
        catch_up([p for p in where if p not in gone], 30)
        rss_mid = rss_kib()
    # Do not run far ahead of the watcher.
    if written - len(news) > 1000:
        catch_up(range(written - 500, written - 499), 30)

settle_t = time.monotonic()
ok = catch_up([p for p in where if p not in gone], 60)
if not ok:
    fails.append("not every dump was reported within 60 s of the last")
# Deletions and the prune are reported too: wait for them.
t = time.monotonic()
while time.monotonic() - t < 30:
    read_events()
    if all(p in deleted for p in gone) and 9999999 in pruned:
        break
    time.sleep(0.05)
rss_end = rss_kib()
t = time.monotonic()
w.send_signal(signal.SIGTERM)
try:
    rc = w.wait(5)
except subprocess.TimeoutExpired:
    w.kill()
    rc = w.wait()
stop_s = time.monotonic() - t
read_events()
elapsed = time.monotonic() - start
err.close()
errtext = open(os.path.join(tmp, "watch.err")).read()

# --- the checks ---------------------------------------------------------------------------
live = [p for p in where if p not in gone]
missing = [p for p in where if p not in news]
# A renamed dump reported "deleted" then "new" under its new name: none since the fixes in
# bench/README.md, but counted and allowed a few (races with the kernel's queue are never
# all ruled out); the last word must be right, and a dump never renamed is reported once.
repeats = [p for p, n in news.items() if n != 1 and p != 9999999]
twice = [p for p in repeats if p not in renamed]
strange = [p for p in news if p not in where]
if missing:
    fails.append("%d dumps without a new event, e.g. %s" % (len(missing), [where[p] for p in missing[:5]]))
if twice:
    fails.append("%d dumps never renamed with more than one new event, e.g. pids %s" % (len(twice), twice[:5]))
if len(repeats) > max(5, total // 1000):
    fails.append("%d renamed dumps reported new more than once" % len(repeats))
if strange:
    fails.append("new events for dumps never written: %s" % strange[:5])
bad_del = [p for p in gone if not deleted.get(p) or last.get(p) != "deleted"]
if bad_del:
    fails.append("%d deleted dumps whose last event is not deleted, e.g. %s" % (len(bad_del), bad_del[:5]))
extra_del = [p for p in live if last.get(p) != "new"]
if extra_del:
    fails.append("dumps still there whose last event is not new: %s" % extra_del[:5])
if pruned != {9999999: 1}:
    fails.append("pruned events %s, want only the old dump once" % dict(list(pruned.items())[:5]))
if other:
    fails.append("unexpected events: %s" % other[:3])
if os.path.exists(old):
    fails.append("the old dump was not pruned")
for p in others + [where[p] for p in live]:
    if not os.path.exists(p):
        fails.append("deleted by watch: %s" % p)
        break
if "overflowed" not in errtext:
    fails.append("no overflow was reported: %s" % errtext[:300])
# Under ASan, freed memory waits in its quarantine (256 MiB by default): RSS says nothing.
# Otherwise the end may exceed the third by the heap's high-water mark while watch lagged
# (+1.2 to +4.0 MiB seen in 10,000-dump runs, +1.2 MiB at 50,000: it does not grow with N);
# a leak of a few hundred bytes a dump would pass 4 MiB here, and valgrind.sh checks leaks.
if os.environ.get("SANITIZERS") == "yes":
    print("soak: RSS %d KiB -> %d KiB, not checked in the ASan build" % (rss_mid, rss_end))
elif rss_mid and rss_end > rss_mid * 1.25 + 4096:
    fails.append("RSS grew from %d KiB to %d KiB" % (rss_mid, rss_end))
if rc != 0:
    fails.append("watch exited %d after SIGTERM: %s" % (rc, errtext[-300:]))
# The 1 s goal for SIGTERM is measured in bench/ (stop_seconds below); no timing assertion
# here: watch that does not stop within 5 s is killed, and the status check above fails.
leftover = [n for n in os.listdir(tmp) if n.startswith(".")]
if leftover:
    fails.append("temporary files left: %s" % leftover)

print("dumps_written=%d new_events=%d deleted_events=%d pruned_events=%d dirs_removed=%d renamed=%d renamed_reported_twice=%d"
      % (written, sum(news.values()), sum(deleted.values()), sum(pruned.values()), removed_dirs, len(renamed), len(repeats)))
print("rss_mid_kib=%s rss_end_kib=%d stop_seconds=%.3f elapsed_seconds=%.1f catch_up_seconds=%.1f"
      % (rss_mid, rss_end, stop_s, elapsed, time.monotonic() - settle_t))
for f in fails:
    print("FAIL: soak: " + f)
sys.exit(min(len(fails), 100))
