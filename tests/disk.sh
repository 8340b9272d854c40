#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The disk around the dumps, in the real browser under tmux: t, where the dumps are (ncdu's
# directory view: down, up, back); o, the largest directories without dumps; and the
# header's totals after a deletion in the browser (re-read, not the scan's).
set -u

NAME=disk
. "${TESTS_SRCDIR:?run through make check}/tests/tmux-lib.sh"
# The line of the screen holding TEXT.
line_of() { screen | grep -F -- "$1" | head -1; }

tree=$(realpath "$tmp")/t
mkdir -p "$tree/app/sub" "$tree/crash" "$tree/var/log"
cp "$FIXTURE_DIR/abort-x86-64.core" "$tree/app/core.1"
cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$tree/app/sub/core.2"
cp "$FIXTURE_DIR/abort-s390x.core" "$tree/crash/core.3"
head -c 2000000 /dev/zero | tr '\0' x >"$tree/var/log/big.log"
touch -d '2 hours ago' "$tree"/app/core.1 "$tree"/app/sub/core.2 "$tree"/crash/core.3
disk() { echo $(($(stat -c %b "$1") * 512)); }
# coredu's sizes: IEC units, one decimal (fmt.c)
human() { python3 -c 'import sys
b = int(sys.argv[1]); u = ["B", "KiB", "MiB", "GiB"]; i = 0; v = float(b)
if b < 1024: print("%d B" % b); sys.exit()
while v >= 1024 and i < 3: v /= 1024; i += 1
if v >= 1024 - 0.05: v /= 1024; i += 1
print("%.1f %s" % (v, u[i]))' "$1"; }
# du's sum, every inode once (find, not du: see check_scan)
tree_disk() { find "$tree" -printf '%D:%i %b\n' | sort -u -k1,1 | awk '{d += $2 * 512} END {printf "%.0f\n", d}'; }

T new-session -d -x 80 -y 24 -s t "env -i PATH=$PATH HOME=$tmp HISTFILE=/dev/null TERM=tmux-256color LANG=C.UTF-8 PS1='SHELL-READY\$ ' bash --norc --noprofile"
wait_screen "SHELL-READY" 5 || { echo "FAIL: no shell in tmux"; exit 1; }
T send-keys -t t "clear; $COREDU $tree" Enter
expect "3 dumps" "the browser starts"
expect "in 4 files" "the header counts every file"

# --- t: where the dumps are --------------------------------------------------------------------
keys t; expect "where the dumps are" "t opens the directory view"
app=$(human $(($(disk "$tree/app/core.1") + $(disk "$tree/app/sub/core.2"))))
expect "--- $tree " "it starts at the directory that holds every dump"
first=$(screen | sed -n 3p)
case $first in *"$app"*"2 dumps app/"*) pass ;; *) fail "largest first: app/ with its 2 dumps, $app (got '$first')" ;; esac
expect "1 dump crash/" "crash/ with its dump"
if screen | grep -qF "var/"; then fail "var/ holds no dump and is not in the tree"; else pass; fi
keys Enter; expect "--- $tree/app " "Enter goes down"
expect "1 dump sub/" "a subdirectory leading to a dump"
expect "core.1" "the dump in it"
keys Right; expect "core.2" "Right goes down too"
keys Left; expect "1 dump sub/" "Left goes up"
keys BSpace; expect "1 dump crash/" "Backspace goes up, back to the top"
keys Left; expect "rows |" "Left at the top goes back to the list"
keys t; expect "where the dumps are" "t again"
keys q; expect "rows |" "q goes back to the list"

# --- o: the rest of the disk -----------------------------------------------------------------------
keys o; expect "o: the rest of the disk" "o opens the rest of the disk"
expect "$(human "$(disk "$tree/var/log/big.log")")" "the log directory's own size"
expect "$tree/var/log  (1 file)" "the log directory, named whole"
if screen | grep -qF "$tree/app "; then fail "a directory's dumps are not the rest of the disk"; else pass; fi
keys q; expect "rows |" "q closes it"
keys t o; expect "o: the rest of the disk" "o from the directory view"
keys q; expect "where the dumps are" "and q returns there"
keys q

# --- the header after a deletion in the browser ------------------------------------------------------
# The largest dump is on the first row (disk order).  Its deletion must take it off the scanned
# bytes and files and the dump count, as a fresh scan would count them.
before=$(line_of "scanned ")
keys Home d; expect "Delete 1 dump?" "d asks"
keys y; expect "Deleted 1 dump" "the summary"
[ -e "$tree/app/sub/core.2" ] && fail "the largest dump was not the one deleted" || pass
keys q
want="scanned $(human "$(tree_disk)") in 3 files"
expect "$want" "the header's scanned bytes and files are those of the tree now (was: $before)"
expect "2 dumps" "the header's dump count"
keys t; expect "1 dump app/" "the directory view follows the deletion"
keys q q
wait_screen "SHELL-READY" 5 && pass || fail "q quits"
finish disk.sh
