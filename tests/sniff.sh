#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The detection rule (README, "What is checked"): every regular file of at least 4 KiB is
# checked by content; a smaller one only when its name or place follows a dump convention;
# --sniff-all checks every file.  Both sides, with a real core cut short.
set -u

: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-sniff-XXXXXX")
tmp=$(cd "$tmp" && pwd -P) # the paths coredu reports are canonical
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"

core=$FIXTURE_DIR/abort-x86-64.core
[ -f "$core" ] || { echo "FAIL: no fixture $core"; exit 1; }

# cut SIZE PATH: the first SIZE bytes of the real core at PATH (a truncated core, as a full
# disk leaves it), under a name that says nothing.
cut_core() { mkdir -p "$(dirname "$2")" && head -c "$1" "$core" >"$2"; }

t=$tmp/tree
cut_core 4096 "$t/a/evidence.bin"           # 4 KiB: checked by content whatever its name
cut_core 65536 "$t/a/b/c/blob"              # larger, deep
cut_core 4095 "$t/a/just-under.bin"         # one byte short of the threshold
cut_core 3072 "$t/a/evidence3k.bin"         # 3 KiB, renamed: only with --sniff-all
cut_core 3072 "$t/a/score"                  # "core" inside another word is no convention
cut_core 3072 "$t/small/core"               # the names below 4 KiB is checked by
cut_core 3072 "$t/small/core.123"
cut_core 3072 "$t/small/app.core"
cut_core 3072 "$t/small/vmcore-1"
cut_core 3072 "$t/small/app.dmp"
cut_core 3072 "$t/small/.#core.x.1.zst"
cut_core 3072 "$t/root1/var/crash/sub/blob" # and the places, at any depth below them
cut_core 3072 "$t/root2/var/lib/systemd/coredump/blob"
cut_core 3072 "$t/root3/var/spool/abrt/blob"
cut_core 3072 "$t/root4/var/crashes/blob"   # a component must match whole
printf 'not a dump\n' >"$t/small/core.txt"   # checked (named), and not a dump
: >"$t/a/empty"

always="a/evidence.bin a/b/c/blob small/core small/core.123 small/app.core small/vmcore-1
	small/app.dmp small/.#core.x.1.zst root1/var/crash/sub/blob
	root2/var/lib/systemd/coredump/blob root3/var/spool/abrt/blob"
only_all="a/just-under.bin a/evidence3k.bin a/score root4/var/crashes/blob"

# found FILE REL WHY / not_found FILE REL WHY: whether the dump at $t/REL is in the list.
found() { grep -qxF -- "$t/$2" "$1" && pass || fail "$3: $2 not found: $(head -c 600 "$1")"; }
not_found() { grep -qxF -- "$t/$2" "$1" && fail "$3: $2 found" || pass; }
paths() { "$COREDU" json "$@" </dev/null 2>"$tmp/err" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["dumps"]:
    print(d["path"])'; }

paths "$t" >"$tmp/default"
for f in $always; do found "$tmp/default" "$f" "default rule"; done
for f in $only_all; do not_found "$tmp/default" "$f" "default rule, a small unnamed file"; done
lacks "$tmp/default" "core.txt" "a named small file that is not a dump"

paths --sniff-all "$t" >"$tmp/all"
for f in $always $only_all; do found "$tmp/all" "$f" "--sniff-all"; done

# Every file is counted, checked or not.
"$COREDU" json "$t" </dev/null 2>/dev/null >"$tmp/json"
contains "$tmp/json" '"files": 17' "every file counted"

# A file given as an operand is what the user asks about: checked whatever its size.
paths "$t/a/evidence3k.bin" >"$tmp/operand"
found "$tmp/operand" a/evidence3k.bin "a small file operand"

# list and the browser's batch report take the option too.
run 0 "$COREDU" list --sniff-all "$t/a"
contains "$tmp/out" "$t/a/evidence3k.bin" "list --sniff-all"
run 0 "$COREDU" list "$t/a"
lacks "$tmp/out" "$t/a/evidence3k.bin" "list without --sniff-all"
contains "$tmp/out" "$t/a/evidence.bin" "list, a renamed 4 KiB core"

# watch follows the same rule for the files it sees closed: a 3 KiB truncated core named as
# a dump is reported once settled, the same bytes under another name never (unless
# --sniff-all).  Both files are closed before watch starts watching them, so both are
# checked in the same pass: the named one's event means the other was decided too.
# watch_events OPT...: start watch on a fresh directory, write the two files, wait for
# core.77's event (10 s at most), stop watch; the events in $tmp/events.
watch_events() {
	rm -rf "$tmp/w" && mkdir "$tmp/w" && : >"$tmp/events"
	"$COREDU" watch --settle 1 --events "$tmp/events" "$@" "$tmp/w" 2>"$tmp/werr" </dev/null &
	local wpid=$! i
	for i in $(seq 100); do grep -q "watching" "$tmp/werr" && break; sleep 0.1; done
	cut_core 3072 "$tmp/w/blob.bin"
	cut_core 3072 "$tmp/w/core.77"
	for i in $(seq 100); do grep -q '"core.77\|/core.77"' "$tmp/events" && break; sleep 0.1; done
	kill -TERM "$wpid"; wait "$wpid"
}
watch_events
contains "$tmp/events" "$tmp/w/core.77" "watch: a small core named as a dump"
lacks "$tmp/events" "$tmp/w/blob.bin" "watch: a small unnamed file"
watch_events --sniff-all
contains "$tmp/events" "$tmp/w/blob.bin" "watch --sniff-all: a small unnamed file"

finish sniff
