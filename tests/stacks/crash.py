# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a program until it is blocked where the test wants it, then SIGABRT it from here (its
parent: the gunicorn arbiter's move) and wait for its core.  Every wait is bounded.

usage: crash.py DIR [--root ROOT] [--sleeping] -- PROGRAM ARG...

DIR is where the core goes (inside ROOT, which the program is chrooted into, when given).
The program prints "ready" when it is in place; with --sleeping the parent also waits until
every thread is asleep in the kernel (so none is between two Python instructions).  Prints
the core's path: the kernel's "core*", or qemu-user's "qemu_*.core" (qemu then dies of the
signal itself and the kernel dumps the emulator as "core": that one is removed)."""
import glob, os, resource, select, signal, subprocess, sys, time

args = sys.argv[1:]
d = args.pop(0)
root, sleeping = None, False
while args[0] != "--":
    a = args.pop(0)
    if a == "--root":
        root = args.pop(0)
    elif a == "--sleeping":
        sleeping = True
args.pop(0)
cdir = os.path.join(root, d.lstrip("/")) if root else d
os.makedirs(cdir, exist_ok=True)
for old in glob.glob(os.path.join(cdir, "*core*")):
    os.unlink(old)


def pre():
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    if root:
        os.chroot(root)
    os.chdir(d)


env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
p = subprocess.Popen(args, stdout=subprocess.PIPE, preexec_fn=pre, env=env)
try:
    r, _, _ = select.select([p.stdout], [], [], 30)
    if not r or p.stdout.readline() != b"ready\n":
        sys.exit("crash.py: no ready line from %s" % args)
    deadline = time.time() + 10
    while sleeping and time.time() < deadline:
        states = []
        for t in os.listdir("/proc/%d/task" % p.pid):
            with open("/proc/%d/task/%s/stat" % (p.pid, t)) as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        if all(s == "S" for s in states):
            break
        time.sleep(0.01)
    else:
        time.sleep(0.2)
    p.send_signal(signal.SIGABRT)
    rc = p.wait(timeout=60)
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
cores = glob.glob(os.path.join(cdir, "qemu_*.core"))
if cores:
    for host in glob.glob(os.path.join(cdir, "core*")):
        os.unlink(host)
else:
    cores = glob.glob(os.path.join(cdir, "core*"))
if rc != -signal.SIGABRT or len(cores) != 1:
    sys.exit("crash.py: exit %s, cores %s" % (rc, cores))
print(cores[0])
