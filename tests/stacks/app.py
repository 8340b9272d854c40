# SPDX-License-Identifier: GPL-2.0-or-later
# A request handler asleep when its parent sends SIGABRT: gunicorn's WORKER TIMEOUT.
import sys, time

def slow_handler():
    sys.stdout.write("ready\n"); sys.stdout.flush()
    time.sleep(30)

def main():
    slow_handler()

main()
