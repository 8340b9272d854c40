#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Another container's files through /proc/PID/root, as `kubectl debug --target` shows them
# (doc/containers.md): a process chrooted into a root that holds two dumps, mounted in its
# own mount namespace only; coredu outside lists them by that path (and by /proc/PID/root
# itself), and prune deletes exactly the one chosen, in the process's root.  Needs root
# (chroot, unshare, mount) and busybox-static for the process.
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-procroot-XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, unshare)"
[ "$(dpkg-query -W -f '${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] ||
	skip "busybox-static is not installed (./quickstart --deps static)"
command -v unshare >/dev/null || skip "unshare is missing (util-linux)"

root=$tmp/root
mkdir -p "$root"
# The process's root is a tmpfs mounted in its own mount namespace only, as a container's is:
# from here, /proc/PID/root reaches it and nothing else does (its link reads "$root", which
# here is an empty directory).
cat >"$tmp/start.sh" <<EOF
mount -t tmpfs tmpfs "$root" && mkdir -p "$root/bin" "$root/app/dumps" &&
cp /bin/busybox "$root/bin/" &&
cp --sparse=always "$FIXTURE_DIR/abort-x86-64.core" "$root/app/dumps/core.900" &&
cp --sparse=always "$FIXTURE_DIR/parent-kill-x86-64.core" "$root/app/dumps/core.101" &&
exec chroot "$root" /bin/busybox sleep 60
EOF
# unshare, sh and chroot exec in turn: $! is the process in the root.
PATH=$PATH:/usr/sbin unshare -m --propagation private sh "$tmp/start.sh" &
pid=$!
for _ in $(seq 100); do [ -e "/proc/$pid/root/app/dumps/core.101" ] && break; sleep 0.1; done
p=/proc/$pid/root/app/dumps
[ -e "$p/core.101" ] && [ -e "$p/core.900" ] && pass || fail "pid $pid: no dumps in its root"
[ ! -e "$root/app" ] && pass || fail "the process's root is visible here: not another namespace"

run 0 "$COREDU" list "$p"
contains "$tmp/out" "$p/core.900" "list through /proc/PID/root"
contains "$tmp/out" "$p/core.101" "list through /proc/PID/root"
contains "$tmp/out" "2 dumps" "list through /proc/PID/root"
run 0 "$COREDU" list "/proc/$pid/root"
contains "$tmp/out" "2 dumps" "list of /proc/PID/root itself"
run 0 "$COREDU" json "$p"
python3 - "$tmp/out" "$p" <<'PY' && pass || fail "json through /proc/PID/root: $(head -c 400 "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(x["path"] for x in d["dumps"]) == [sys.argv[2] + "/core.101", sys.argv[2] + "/core.900"]
PY
run 0 "$COREDU" prune -y --match=crash_parent --log="$tmp/journal" "$p"
contains "$tmp/out" "Deleted 1 dump" "prune through /proc/PID/root"
[ ! -e "$p/core.101" ] && [ -e "$p/core.900" ] && pass ||
	fail "prune through /proc/PID/root removed the wrong files: $(ls "$p")"
contains "$tmp/journal" "deleted" "the journal records the deletion"
finish procroot.sh
