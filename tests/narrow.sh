#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Text that fits the terminal: w's pane, inspect and the help, captured page by page in tmux
# at 80x24, 120x40 and 40x12, are checked by narrow.py against the same panes at 200x60:
# no word wrapped inside, no line meant to be copied broken or cut without an ellipsis.
# The list at each size shows the title and, at 80 columns, the directory of the selected
# dump in the footer.
set -u
NAME=narrow sess=none
. "${TESTS_SRCDIR:?run through make check}/tests/tmux-lib.sh"

# A long directory: the prune one-liner and the paths are wider than 80 columns.
app=$tmp/srv/a-rather-long-directory-name/of-the-application/app
mkdir -p "$app"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$app/core.101"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$app/core.102"
cp "$FIXTURE_DIR/abort-x86-64.core" "$app/core.200"
touch -d '1 hour ago' "$app/core.101"

wait_for() { wait_screen "$1" 10; }
# pages FILE: every page of the pane shown, from the top to the footer's "N-N of N".
pages() {
	: >"$1"
	keys Home
	for _ in $(seq 60); do
		{ echo "=== SCREEN"; screen; } >>"$1"
		screen | tail -1 | grep -qE ' ([0-9]+)-([0-9]+) of \2 ' && break
		keys NPage
	done
}
# w's pane names the running processes of each dump's program, and other tests run the same
# crashers at any moment: the browser reads a /proc of its own, the kernel's core settings
# copied, no process in it, so that every capture holds the same text.
# Under ASan the stack reader, a child forked from the threaded browser, now and then hangs
# to its time limit (GCC 12's libasan does not make its allocator safe across fork; glibc's
# malloc is): there the panes are compared without stacks (a time limit of 0 reads none).
bt=30
[ "${SANITIZERS:-no}" = yes ] && bt=0
mkdir -p "$tmp/proc/sys/kernel" "$tmp/proc/sys/fs"
for f in sys/kernel/core_pattern sys/kernel/core_uses_pid sys/kernel/core_pipe_limit \
	sys/fs/suid_dumpable; do
	cat "/proc/$f" >"$tmp/proc/$f" 2>/dev/null || rm -f "$tmp/proc/$f"
done
# panes SIZE: start the browser at SIZE (COLSxLINES), capture w, inspect and the help.
panes() {
	# One server, a session per size (a server stopped and started again at once can race):
	# the old session goes once the new one is there, or its end would stop the server as
	# new-session reaches it ("server exited unexpectedly", seen in CI).
	local old=$sess
	sess=s$1
	T new-session -d -s "$sess" -x "${1%x*}" -y "${1#*x}" \
		"env -u KUBERNETES_SERVICE_HOST ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/x \
		AWS_EXECUTION_ENV=AWS_ECS_FARGATE TERM=xterm-256color LANG=C.UTF-8 '$COREDU' \
		--proc '$tmp/proc' --backtrace-timeout $bt '$tmp/srv'; sleep 60"
	[ "$old" = none ] || T kill-session -t "$old" 2>/dev/null
	wait_for " rows |" || fail "$1: the browser did not start: $(screen)"
	{ echo "=== SCREEN"; screen; } >"$tmp/list-$1"
	keys w; wait_for "Why: " || fail "$1: w opened nothing: $(screen)"
	pages "$tmp/w-$1"
	keys q i; wait_for "Dump " || fail "$1: i opened nothing: $(screen)"
	# The stacks are read in the background: capture once the pane shows them, or the
	# reference and the capture hold different text.  Their time limit is 30 s, not 2: under
	# ASan on a loaded machine one capture said "stopped at the 2.0 s time limit".
	for _ in $(seq 160); do
		pages "$tmp/i-$1"
		grep -q "background" "$tmp/i-$1" || break
		sleep 0.25
	done
	grep -q "background" "$tmp/i-$1" && fail "$1: the stacks were not read in 40 s: $(cat "$tmp/i-$1")"
	keys q '?'; wait_for "keys" || fail "$1: ? opened nothing: $(screen)"
	pages "$tmp/help-$1"
	keys q
}

panes 200x60
for size in 80x24 120x40 40x12; do
	panes "$size"
	for p in w i help; do
		python3 "$TESTS_SRCDIR/tests/narrow.py" $([ $p = w ] && echo --copy) "$tmp/$p-200x60" \
			"$tmp/$p-$size" >"$tmp/py" 2>&1 &&
			pass || fail "$p at $size: $(head -c 1500 "$tmp/py")"
	done
done
# At 80 columns the path column is short: the footer names the selected dump's directory.
grep -qF "/of-the-application/app/ |" "$tmp/list-80x24" && pass ||
	fail "the footer shows the directory: $(cat "$tmp/list-80x24")"
grep -qF "? help" "$tmp/list-40x12" && pass || fail "the title at 40x12: $(cat "$tmp/list-40x12")"
# Narrower terminals drop the list's columns in the order doc/coredu.1 states (other size,
# PID, bar, program, age, signal; the size and the path stay), never wrapping a row.
columns() { grep -m1 -E '^ +DISK ' "$1" | tr -d '[]' | tr -s ' ' | sed 's/^ //; s/ $//'; }
for want in "80x24:DISK APPARENT AGE SIGNAL PID PROGRAM PATH" "40x12:DISK SIGNAL PATH"; do
	got=$(columns "$tmp/list-${want%%:*}")
	[ "$got" = "${want#*:}" ] && pass || fail "the columns at ${want%%:*}: '$got', not '${want#*:}'"
done
T kill-server 2>/dev/null
finish narrow.sh
