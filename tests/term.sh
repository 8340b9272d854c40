#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The browser in a real terminal: tmux runs a shell, the shell runs coredu, and each step is
# checked on the captured screen (send-keys, capture-pane).
set -u

NAME=term CLEANUP='chattr -R -i "$tmp" 2>/dev/null'
. "${TESTS_SRCDIR:?run through make check}/tests/tmux-lib.sh"
# wait_for TEXT [SECONDS]: until the screen shows TEXT
wait_for() { wait_screen "$@"; }
expect_not() {
	sleep 0.3
	if screen | grep -qF -- "$1"; then fail "$2: '$1' on screen"; else pass; fi
}
# run CMD in the pane's shell and wait for the browser's first frame
browse() {
	T send-keys -t t "clear; $1" Enter
	wait_for "? help" 10 || fail "the browser did not start: $1"
}
quit_to_shell() {
	keys q
	if wait_for "SHELL-READY" 5; then pass; else fail "q did not return to the shell"; fi
}

# --- the tree: real cores, a hostile name, a core whose command line is hostile ---------------
tree=$tmp/tree
mkdir -p "$tree/app" "$tree/crash" "$tree/deep"
cp "$FIXTURE_DIR/abort-x86-64.core" "$tree/app/core.1058"
cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$tree/app/core.2001"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tree/app/core.3003"
cp "$FIXTURE_DIR/abort-s390x.core" "$tree/crash/core.s390x"
cp "$FIXTURE_DIR/gcore-x86-64.core" "$tree/crash/snapshot.core"
head -c 100000 "$FIXTURE_DIR/abort-x86-64.core" >"$tree/crash/core.cut"
cp "$FIXTURE_DIR/abort-x86-64.core" "$tree/deep/"$'osc\e]2;PWNED-NAME\a'
# The same real core with its NT_PRPSINFO command line replaced by escape sequences.
python3 - "$FIXTURE_DIR/abort-x86-64.core" "$tree/deep/hostile-cmdline.core" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
old = b"./crash_abort first second arg third"
new = b"\x1b]2;PWNED-CMD\x07\x1b[31mRED\x1b[2J\x9b" + b"31mX"
new = new + b" " * (len(old) - len(new))
i = data.index(old)
data[i:i + len(old)] = new[:len(old)]
open(sys.argv[2], "wb").write(data)
EOF

T new-session -d -x 80 -y 24 -s t "env -i PATH=$PATH HOME=$tmp TERM=tmux-256color LANG=C.UTF-8 PS1='SHELL-READY\$ ' bash --norc --noprofile"
T set-option -g -t t set-titles off 2>/dev/null
wait_for "SHELL-READY" 5 || { echo "FAIL: no shell in tmux"; exit 1; }
title_before=$(T display -p -t t '#{pane_title}')

# --- 1. start-up, live progress, a filled list --------------------------------------------------
no_strace=$(why_not_strace)
if [ -z "$no_strace" ]; then
	# Slow every directory read down so the scan can be watched, in a tree of 200 directories
	# so that it outlasts these checks however busy the machine is (make -j16 check): about
	# a minute unless Ctrl-C or q stops it, as they do here.
	slow=$tmp/slow
	mkdir -p "$slow"/d{001..200}
	cp "$FIXTURE_DIR/abort-x86-64.core" "$slow/core.1058"
	browse "strace -f -o /dev/null -e inject=getdents64:delay_enter=300000 $COREDU $slow"
	expect "Scanning:" "live progress while scanning"
	expect "q: stop" "the stop hint while scanning"
	T resize-window -t t -x 19 -y 5
	expect "Terminal too small" "a resize during the scan is followed"
	T resize-window -t t -x 80 -y 24
	expect "Scanning:" "and the progress comes back"
	keys C-c
	expect "Scan stopped" "Ctrl-C during the scan stops it"
	quit_to_shell
	browse "strace -f -o /dev/null -e inject=getdents64:delay_enter=300000 $COREDU $slow"
	expect "Scanning:" "live progress while scanning"
	keys q
	expect "Scan stopped" "q during the scan stops it"
	expect "partial" "a stopped scan says its results are partial"
	if wait_for "SHELL-READY" 1; then fail "q during the scan quit instead of stopping"; else pass; fi
	quit_to_shell
else
	echo "SKIP: live progress: $no_strace"
fi
# The stacks' time limit is 30 s, not the default 2: in the sanitizer suite on a busy machine
# the reader of a 4-thread core took longer than 2 s, and inspect showed no stack (CI).
browse "$COREDU --backtrace-timeout 30 $tree"
expect "8 dumps" "header counts the dumps"
expect "core.2001" "rows fill in"
expect "fs " "the filesystem line"
expect "of scanned" "dump share of the scanned bytes"
expect "DISK" "column names"
expect "8 rows" "footer"
expect " T " "a truncated dump is flagged"

# --- 2. sort and view keys ------------------------------------------------------------------------
keys s; expect "by size▲" "s again reverses the size order"
keys n; expect "by name▼" "n sorts by name"
keys M; expect "by time▼" "M sorts by time"
keys a; keys s; expect "by apparent size▼" "a makes sizes apparent"
keys a
keys g; expect "| cause" "g: by cause (program, signal, cause: the doctor's groups)"
expect "crash_abort, SIGABRT, self" "cause groups"
keys g; expect "| program" "g: by program"
expect "crash_abort" "program groups"
keys C; expect "by count▼" "C sorts groups by count"
keys g; expect "| signal" "g: by signal"
expect "SIGSEGV" "signal groups"
keys Enter; expect "| signal SIG" "Enter opens a group"
keys Left; expect "SIGSEGV" "Left goes back to the groups"
keys g; expect "| directory" "g: by directory"
expect "$tree/app" "directory groups"
keys g; expect "| kind" "g: by kind"
expect "elf-core" "kind groups"
keys g; expect "| flat" "g: back to flat"
keys C; expect "press g for a grouped view" "C in the flat view explains itself"

# --- 3. inspect, filter, marks, help, deletion notice ---------------------------------------------
keys / c o r e . 2 0 0 1 Enter
expect "/core.2001" "the filter shows in the header"
expect "1 rows" "the filter leaves one row"
keys G
if command -v gdb >/dev/null; then
	# Wider than 80 columns (the fixture's executable path alone is 49): a pane, an
	# argument a line, joined by backslashes for the shell.
	expect "G: debug with gdb" "G gives the gdb command for the core"
	expect "/native/segv/crash_thread_segv \\" "the executable, then a continuation"
	expect "  $tree/app/core.2001" "and the core's path"
	keys q
else
	expect "gdb is not installed" "G without gdb says so"
fi
keys i
expect "Cause: invalid memory access at 0x0 (address not mapped)" "inspect shows the cause in words"
keys End; expect "libc.so.6" "inspect lists the mapped files (the pane scrolls)"
keys PageUp; expect "Mapped files:" "PgUp scrolls back"
keys q; expect "1 rows" "q closes the pane"
keys i; expect "Why: a bug: the process made an invalid memory access" "inspect starts with a one-line why"
keys w; expect "Why: crash_thread_segv, SIGSEGV, fault" "w from inspect opens the analysis of the dump's group"
expect "! crash_thread_segv: 1 dump, " "the summary first: what"
expect "  why: a bug: the process made an invalid memory access" "why"
expect "> The fix (" "and the fix for this environment, on the first screen"
expect "cause: invalid memory access at 0x0" "the group's cause"
keys NPage; expect "Kernel core dump settings" "the kernel's settings (PgDn)"
keys End; expect "Stop the dumps in" "the remedies for this environment (the pane scrolls)"
keys w; expect "1 rows" "w again closes it"
# The stacks are read in the background when inspect opens; it shows the crashing thread's,
# after the environment's names: page down to it once the read is done.
keys i; wait_for "Why: " 5
for _ in $(seq 400); do screen | grep -qF "reading the stacks in the background" || break; sleep 0.1; done
# Page by page from the top, each looked at once the footer shows it: on a loaded machine
# a redraw can take longer than a fixed wait, and a second PageDown skipped a page.
footer() { screen | tail -n 1 | grep -o '[0-9]*-[0-9]* of [0-9]*'; }
keys Home
for _ in $(seq 10); do
	wait_for "Stack trace of thread" 1 && break
	page=$(footer) shown=${page%% of *} total=${page##* of }
	[ "${shown#*-}" = "$total" ] && break # the last page
	keys PageDown
	for _ in $(seq 200); do [ "$(footer)" != "$page" ] && break; sleep 0.05; done
done
expect "Stack trace of thread" "inspect shows a stack trace"
expect "(the one that took the signal)" "the thread that took the signal"
expect "(crash_thread_segv + 0x" "its frame: module + offset"
expect "3 more threads: coredu info shows them" "only that thread, the others counted"
keys q; expect "1 rows" "q closes it"
keys / Enter; expect "8 rows" "an empty filter clears it"
keys g g; expect "| program" "by program (after by cause)"
keys / p a r e n t Enter; expect "1 rows" "one program group"
keys w; expect "Why: crash_parent_kill, SIGABRT, parent" "w on a group row"
expect "the parent process killed this one with SIGABRT" "the hint for a supervisor's kill"
expect "sender pid 7576" "the sender pid"
keys q; keys / Enter; keys g g g g; expect "| flat" "back to the flat view"
expect "8 rows" "all rows again"
keys Home Space; expect "1 marked" "space marks"
keys r; expect "1 marked" "marks of unchanged files survive a rescan (r)"
keys A; expect "8 marked" "A marks every visible row"
keys U; expect "8 rows" "U unmarks all"
keys d; expect "Delete 1 dump?" "d asks before deleting"
keys n; expect "Nothing was deleted" "and n answers no"
keys '?'; expect "keys" "? opens the help"
expect "sort by time" "help lists the keys"
keys q; expect "8 rows" "q closes the help"

# --- 4. resize to 20x5 and back ---------------------------------------------------------------------
T resize-window -t t -x 19 -y 5
expect "Terminal too small" "a tiny terminal says so"
T resize-window -t t -x 80 -y 24
expect "8 rows" "the list comes back after the resize"
expect "8 dumps" "the header comes back after the resize"

# --- 5. hostile name and command line: title and colours unchanged ---------------------------------
T resize-window -t t -x 160 -y 40
keys / d e e p Enter
expect "2 rows" "the hostile dumps are listed"
expect '\x1b]2;PWNED-NAME\x07' "a hostile name is shown escaped"
keys Home
screen | grep -q "hostile-cmdline" || keys Down
keys i
expect '\x1b]2;PWNED-CMD\x07\x1b[31mRED\x1b[2J\x9b31mX' "a hostile command line is shown escaped"
[ "$(T display -p -t t '#{pane_title}')" = "$title_before" ] && pass || fail "the pane title changed"
if T capture-pane -e -p -t t | grep -q $'\e\\[31m\\|\e\\[[0-9;]*;31m'; then
	fail "red appears on the screen"
else
	pass
fi
keys q
T resize-window -t t -x 80 -y 24
quit_to_shell

# --- 6. terminal restored ------------------------------------------------------------------------------
T send-keys -t t "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo|isig)\$' | tr '\\n' ' '; echo" Enter
if wait_for "icanon echo isig" 3 || wait_for "isig icanon echo" 1 || wait_for "icanon isig echo" 1; then pass; else fail "the tty modes were not restored"; fi
screen | grep -qE -- '-icanon|-echo |-isig' && fail "a tty mode is still off" || pass

# --- 7. TERM unset, bogus, dumb; LANG=C; NO_COLOR --------------------------------------------------------
browse "env -u TERM $COREDU $tree"; expect "8 dumps" "TERM unset falls back"; quit_to_shell
browse "TERM=bogus $COREDU $tree"; expect "8 dumps" "TERM=bogus falls back"; quit_to_shell
browse "TERM=dumb $COREDU $tree"; expect "8 dumps" "TERM=dumb falls back"; quit_to_shell
browse "$COREDU --term=nonexistent-term $tree"; expect "8 dumps" "--term with an unknown name falls back"; quit_to_shell
browse "LANG=C LC_ALL=C $COREDU $tree"
expect "[##" "ASCII bars under LANG=C"
expect_not "█" "no UTF-8 block under LANG=C"
quit_to_shell
browse "NO_COLOR=1 $COREDU $tree"
sleep 0.3
if T capture-pane -e -p -t t | grep -q $'\e\\[[0-9;]*3[0-7]m'; then fail "NO_COLOR still draws colours"; else pass; fi
quit_to_shell
browse "$COREDU --no-color $tree"
sleep 0.3
if T capture-pane -e -p -t t | grep -q $'\e\\[[0-9;]*3[0-7]m'; then fail "--no-color still draws colours"; else pass; fi
keys j
T capture-pane -e -p -t t | grep -q $'\e\\[7m' && pass || fail "the selection is visible without colour"
quit_to_shell

# --- 8. not a terminal, or --batch: the list report, never curses --------------------------------------
T send-keys -t t "clear; $COREDU --batch $tree; echo batch-done" Enter
expect "batch-done" "--batch returns"
expect "8 dumps, " "--batch prints the list report on a terminal"
expect_not "? help" "--batch never opens the browser"
T send-keys -t t "clear; $COREDU $tree | cat; echo pipe-done" Enter
expect "pipe-done" "a pipe on stdout returns"
expect "8 dumps, " "stdout not a terminal: the list report"
T send-keys -t t "clear; $COREDU $tree </dev/null; echo stdin-done" Enter
expect "stdin-done" "stdin not a terminal returns"
expect "8 dumps, " "stdin not a terminal: the list report"

# --- 9. no terminfo at all (a bare image): the built-in descriptions ------------------------------------
colours() { T capture-pane -e -p -t t | grep -q $'\e\\[[0-9;]*4[0-7]m'; }
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	# Hide every terminfo directory in a private mount namespace.
	hide='for d in /etc/terminfo /lib/terminfo /usr/share/terminfo /usr/lib/terminfo; do [ -d $d ] && mount -t tmpfs none $d; done'
	unshare -m bash -c "$hide; infocmp tmux-256color" >/dev/null 2>&1 &&
		fail "hiding the terminfo directories did not hide tmux-256color" || pass
	browse "unshare -m bash -c '$hide; exec $COREDU $tree'"
	expect "8 dumps" "without terminfo the browser opens with the built-in tmux-256color"
	expect "8 rows" "and draws the list"
	colours && pass || fail "the built-in tmux-256color has colours"
	quit_to_shell
	browse "TERM=bogus unshare -m bash -c '$hide; exec $COREDU $tree'"
	expect "8 dumps" "an unknown TERM and no terminfo: the built-in xterm-256color"
	quit_to_shell
else
	echo "SKIP: no terminfo at all: hiding it needs root and unshare -m (util-linux)"
fi
# The system's entry, when there is one, wins over the built-in one: a monochrome entry named
# tmux-256color in $TERMINFO draws no colour.
infocmp -x vt100 | sed '2s/^vt100|/tmux-256color|/' >"$tmp/mono.src"
if tic -x -o "$tmp/terminfo" "$tmp/mono.src" 2>/dev/null && [ -n "$(find "$tmp/terminfo" -type f)" ]; then
	browse "TERMINFO=$tmp/terminfo $COREDU $tree"
	expect "8 dumps" "a monochrome tmux-256color of the system's"
	sleep 0.3
	colours && fail "the built-in entry was used although the system has one" || pass
	quit_to_shell
else
	fail "tic could not compile a test entry"
fi

# --- 10. signals restore the terminal -------------------------------------------------------------------------
for sig in TERM HUP INT; do
	browse "$COREDU $tree"
	pkill -"$sig" -x -P "$(T display -p -t t '#{pane_pid}')" coredu # only ours: tests run in parallel
	if wait_for "SHELL-READY" 5; then pass; else fail "SIG$sig did not end the browser"; fi
	T send-keys -t t "st=\$?; clear; stty -a | grep -o -- '-icanon' ; echo checked-$sig-status-\$st" Enter
	wait_for "checked-$sig" 3
	screen | grep -q -- "-icanon" && fail "SIG$sig left the terminal raw" || pass
	# then it dies of the signal, as GNU tools do: 128+N
	want=$((128 + $(kill -l "$sig")))
	wait_for "checked-$sig-status-$want" 3 && pass || fail "SIG$sig: the browser's status is not $want: $(screen | grep status)"
done

# --- 11. deletion: mark by filter, confirm, summary, files gone ----------------------------------------------
del=$tmp/del
mkdir -p "$del/app" "$del/keep"
for i in 1 2 3; do cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$del/app/core.10$i"; done
cp "$FIXTURE_DIR/abort-x86-64.core" "$del/keep/core.900"
echo notes >"$del/app/notes.txt"
browse "$COREDU -r $del"
keys d; expect "Read-only mode" "-r refuses to delete"
quit_to_shell
browse "$COREDU --log $tmp/journal $del"
expect "4 dumps" "the scan is done before marking"
keys / a p p / Enter A
expect "3 marked" "marked by filter"
keys d; expect "Delete 3 dumps?" "d asks first"
expect "y: yes    any other key: no" "No is the default"
keys n; expect "Nothing was deleted" "any other key than y cancels"
[ -e "$del/app/core.101" ] && pass || fail "a cancelled deletion deleted"
keys d; expect "Delete 3 dumps?" "d asks again"
keys y; expect "modified in the last minute" "dumps written a moment ago need a second yes"
keys y; expect "Deleted 3 dumps, freed" "the summary"
expect "free space" "the summary gives the free space"
keys q; expect "1 dump" "removed rows disappear"
for i in 1 2 3; do [ ! -e "$del/app/core.10$i" ] && pass || fail "core.10$i survived"; done
[ -e "$del/keep/core.900" ] && [ -e "$del/app/notes.txt" ] && pass || fail "unmarked files were touched"
keys / Enter z; expect "Compress 1 dump?" "z asks to compress"
keys y y; expect "Compressed 1 dump" "compression summary"
keys q; expect "core.900.zst" "the compressed dump is listed after the rescan"
[ -e "$del/keep/core.900.zst" ] && [ ! -e "$del/keep/core.900" ] && pass || fail "compress in the browser"
quit_to_shell
[ "$(grep -c $'\tdeleted\t' "$tmp/journal")" -eq 3 ] && pass || fail "the --log journal has the three deletions"

# A failure: an immutable dump (root only, on file systems with chattr +i) stays, marked.
for i in 1 2; do cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$del/app/core.50$i"; done
if ! command -v chattr >/dev/null; then
	echo "SKIP: the failure summary: chattr is not installed (apt-get install e2fsprogs)"
elif [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the failure summary: chattr +i needs root"
elif ! chattr +i "$del/app/core.502" 2>"$tmp/chattr.err"; then
	echo "SKIP: the failure summary: chattr +i failed on this file system: $(head -1 "$tmp/chattr.err")"
else
	browse "$COREDU $del/app"
	expect "2 rows" "the scan is done before marking"
	keys A d y y
	expect "Deleted 1 dump" "the summary counts what was deleted"
	expect "1 not deleted" "and what was not"
	expect "Operation not permitted" "with the reason"
	keys q; expect "1 marked" "the failed dump stays marked"
	expect "core.502" "and listed"
	quit_to_shell
	chattr -i "$del/app/core.502"
fi

# q stops a long deletion after the current file (strace slows every unlink down).
if [ -z "$no_strace" ]; then
	mkdir -p "$del/many"
	for i in $(seq 1 30); do cp "$FIXTURE_DIR/abort-aarch64.core" "$del/many/core.$i"; done
	browse "strace -f -o /dev/null -e inject=unlinkat:delay_enter=200000 $COREDU $del/many"
	expect "30 rows" "the scan is done before marking"
	keys A d y y
	expect "q: stop after this file" "progress while deleting"
	keys q
	expect "stopped before it was reached" "q stops the deletion"
	left=$(ls "$del/many" | wc -l)
	[ "$left" -gt 0 ] && [ "$left" -lt 30 ] && pass || fail "q stopped partway ($left of 30 left)"
	keys q; expect "marked" "q closes the summary; the rest stays marked"
	quit_to_shell
else
	echo "SKIP: q stopping a long deletion: $no_strace"
fi
# q and Ctrl-C stop a compression inside the one file in hand (issue 14, finding 2): the
# original stays as it was, no .zst and no temporary are left.  strace slows every read down
# so that the compression of one 24 MiB core lasts seconds; nothing here is timed: before the
# fix, q waited for the file, which was then compressed and its original deleted.
if [ -z "$no_strace" ]; then
	for stopkey in q C-c; do
		big=$del/big-$stopkey
		mkdir -p "$big"
		cp --sparse=never "$FIXTURE_DIR/thread-segv-x86-64.core" "$big/core.big"
		touch -d '2 days ago' "$big/core.big"
		browse "strace -f -o /dev/null -e inject=pread64:delay_enter=100000 $COREDU $big"
		expect "core.big" "the scan is done before compressing"
		keys z; expect "Compress 1 dump?" "z asks"
		keys y; expect "Compressing: 0 of 1" "compression in progress"
		keys "$stopkey"
		expect "stopped while it was compressed: left as it was" "$stopkey stops inside the file"
		cmp -s "$FIXTURE_DIR/thread-segv-x86-64.core" "$big/core.big" && pass ||
			fail "$stopkey: the original changed"
		[ "$(ls -A "$big")" = core.big ] && pass || fail "$stopkey: left behind: $(ls -A "$big")"
		keys q; quit_to_shell
	done
else
	echo "SKIP: q stopping a compression inside a file: $no_strace"
fi
grep -q $'\tcompressed\t' "$tmp/journal" && pass || fail "the journal has the compression"

finish term.sh
