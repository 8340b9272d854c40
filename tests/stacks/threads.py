# SPDX-License-Identifier: GPL-2.0-or-later
# One thread in a C call (time.sleep), the main thread running Python code.
import sys, threading, time

def sleeper(ev):
    ev.set()
    time.sleep(30)

def spin():
    n = 0
    while True:
        n += 1
        n %= 1000003

ev = threading.Event()
t = threading.Thread(target=sleeper, args=(ev,), name="sleeper")
t.start()
ev.wait()
sys.stdout.write("ready\n"); sys.stdout.flush()
spin()
