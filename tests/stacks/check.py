# SPDX-License-Identifier: GPL-2.0-or-later
"""check.py CASE JSON SCRIPTDIR [PID]: assert what `coredu json --backtrace` says of the real
core of tests/stacks/CASE.py.  The expected lines are found by their text in the script, never
written here; PID, when given, is the crashed process's (from the test, not from coredu)."""
import json, sys

case, path, scripts = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(path))
assert len(doc["dumps"]) == 1, [d["path"] for d in doc["dumps"]]
dump = doc["dumps"][0]
py = dump["python_stack"]
assert py and py["status"] == "ok", py
src = "%s/%s.py" % (scripts, case)


def line_of(text):
    lines = open(src).read().split("\n")
    hits = [i + 1 for i, l in enumerate(lines) if l.strip() == text]
    assert len(hits) == 1, (src, text, hits)
    return hits[0]


def frame(f, name, text, suffix=None):
    want = suffix or "/%s.py" % case
    assert f["file"].endswith(want), (f, want)
    assert f["function"] == name, (f, name)
    if text is not None:
        assert f["line"] == line_of(text), (f, text, line_of(text))


native = {t["tid"]: t for t in dump["backtrace"]["threads"]}
threads = py["threads"]
for t in threads:
    assert t["tid"] in native, (t["tid"], list(native))  # every Python thread is a core thread
if len(sys.argv) > 4:
    assert dump["pid"] == int(sys.argv[4]), (dump["pid"], sys.argv[4])

if case == "app":
    assert len(threads) == 1, threads
    fr = threads[0]["frames"]
    assert len(fr) == 3, fr
    frame(fr[0], "slow_handler", "time.sleep(30)")
    frame(fr[1], "main", "slow_handler()")
    frame(fr[2], "<module>", "main()")
elif case == "threads":
    assert len(threads) == 2, threads
    sl = [t for t in threads if t["frames"] and t["frames"][0]["function"] == "sleeper"]
    sp = [t for t in threads if t["frames"] and t["frames"][0]["function"] == "spin"]
    assert len(sl) == 1 and len(sp) == 1, threads
    frame(sl[0]["frames"][0], "sleeper", "time.sleep(30)")
    frame(sl[0]["frames"][1], "Thread.run", None, "/threading.py")
    assert sl[0]["frames"][-1]["function"] == "Thread._bootstrap", sl
    f = sp[0]["frames"][0]
    loop = [line_of(t) for t in ("while True:", "n += 1", "n %= 1000003")]
    assert f["line"] in loop, (f, loop)  # it was running: any line of the loop
    frame(sp[0]["frames"][1], "<module>", "spin()")
    # The sleeping thread's native stack: in libc's sleep, called from C code.  (qemu-user's
    # cores name no mapped files, so there libc is not known.)
    if dump["mapped_files"]:
        names = [x["function"] or "" for x in native[sl[0]["tid"]]["frames"]]
        assert any(n.startswith("clock_nanosleep") for n in names[:3]), names
elif case == "aio":
    coros = [c["frames"] for c in py["coroutines"]]
    chain = [c for c in coros if any(f["function"] == "slow_endpoint" for f in c)]
    assert len(chain) == 1, coros
    fr = chain[0]
    assert fr[0]["function"] == "sleep" and fr[0]["file"].endswith("/asyncio/tasks.py"), fr
    frame(fr[1], "slow_endpoint", "await asyncio.sleep(30)")
    frame(fr[2], "middleware", "return await call()")
else:
    sys.exit("check.py: unknown case " + case)
print("%s: python %s, %d thread(s), %d coroutine stack(s): ok" % (
    case, py["version"], len(threads), len(py["coroutines"])))
