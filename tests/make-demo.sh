#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Make a demo directory of real dumps, made now: the incident's pile of core.<pid> files
# from workers killed by their parent with SIGABRT, plus the other crashes coredu tells
# apart, a truncated core, a renamed one, foreign-architecture cores and decoys.
#
#   tests/make-demo.sh DEST CRASHER_DIR FIXTURE_DIR
# Where this kernel cannot write cores (core_pattern is a pipe), the committed fixture
# cores stand in, and the script says so.
set -euo pipefail
dest=$1 crashers=$2 fixtures=$3

rm -rf "$dest"
mkdir -p "$dest/app" "$dest/collected" "$dest/var-crash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ulimit -c unlimited 2>/dev/null || true

# crash NAME ARGS...: run a crasher in its own directory; print the core it left, if any.
crash() {
	local name=$1; shift
	local d=$work/$name.$RANDOM
	mkdir -p "$d"
	cp "$crashers/$name" "$d/"
	# "|| true" keeps the subshell alive to report the signal to /dev/null, not to us.
	(cd "$d" && "./$name" "$@" >"$d/out" || true) 2>/dev/null
	find "$d" -maxdepth 1 -type f -name 'core*' | head -n 1
}

pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '?')
live=yes
case $pattern in '|'* | /*) live=no ;; esac
if [ $live = yes ] && [ -z "$(crash crash_abort demo)" ]; then live=no; fi

if [ $live = yes ]; then
	# Five workers killed by their parent, as gunicorn's arbiter does on WORKER TIMEOUT.
	for _ in 1 2 3 4 5; do
		c=$(crash crash_parent_kill)
		pid=$(sed -n 's/.*child=\([0-9]*\).*/\1/p' "$(dirname "$c")/out")
		mv "$c" "$dest/app/core.$pid"
		sleep 0.2
	done
	c=$(crash crash_abort --workers 4 --max-requests 500)
	mv "$c" "$dest/app/core.$(sed -n 's/pid=\([0-9]*\).*/\1/p' "$(dirname "$c")/out")"
	c=$(crash crash_thread_segv)
	mv "$c" "$dest/app/core.$(sed -n 's/pid=\([0-9]*\).*/\1/p' "$(dirname "$c")/out")"
	if [ -x /usr/bin/python3 ]; then
		(cd "$work" && /usr/bin/python3 -c 'import os; os.abort()' || true) 2>/dev/null
		[ -f "$work/core" ] && mv "$work/core" "$dest/app/core.python"
	fi
	src=$(ls "$dest"/app/core.* | head -n 1)
	echo "demo: made $(ls "$dest/app" | wc -l) real cores in $dest/app (core_pattern '$pattern')"
else
	echo "demo: this kernel does not write cores here (core_pattern '$pattern');"
	echo "demo: using the committed fixture cores (real crashes recorded earlier) instead"
	for f in abort thread-segv parent-kill; do
		cp --sparse=always "$fixtures/$f-x86-64.core" "$dest/app/core.$f"
	done
	src=$dest/app/core.abort
fi

# A core cut short (RLIMIT_CORE, a full disk or SIGKILL mid-dump), and one renamed.
head -c 200000 "$src" >"$dest/app/core.truncated"
cp --sparse=always "$src" "$dest/collected/evidence.bin"
# Cores from other architectures, as qemu-user wrote them.
for a in i386 aarch64 s390x ppc; do
	cp --sparse=always "$fixtures/abort-$a.core" "$dest/var-crash/core.$a"
done
# The other stores that fill disks, from a fresh core where one was made: systemd-coredump's
# (compressed by the real zstd, xz and lz4 where installed, and an interrupted run's
# temporary), ABRT's copy of the same crash, an Apport report, a Breakpad minidump (the
# last three built from their formats by tests/kinds/mkkinds.py: Debian has no producer),
# and a JVM's hs_err log and heap dump and qemu's kernel dumps (committed real fixtures).
srcdir=$(cd "$(dirname "$0")/.." && pwd)
store=$dest/var/lib/systemd/coredump
mkdir -p "$store" "$dest/var/spool/abrt" "$dest/var/crash" "$dest/java"
coredu=$(cd "$crashers/../.." && pwd)/coredu
spid=$("$coredu" list --no-legend "$src" 2>/dev/null | awk '{ print $3 }')
spid=${spid:-4242}
usec=$(($(date +%s) * 1000000 + 123456))
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null | tr -d '-' || echo 0123456789abcdef0123456789abcdef)
name=core.crash_abort.0.$boot.$spid.$usec
command -v zstd >/dev/null && zstd -q "$src" -o "$store/$name.zst"
command -v xz >/dev/null && xz -c "$src" >"$store/core.crash_abort.0.$boot.$spid.$((usec - 60000000)).xz"
command -v lz4 >/dev/null && lz4 -q "$src" "$store/core.crash_abort.0.$boot.$spid.$((usec - 120000000)).lz4"
cp --sparse=always "$src" "$store/.#$name$(printf '%016x' $RANDOM)"
if command -v python3 >/dev/null; then
	mk="python3 $srcdir/tests/kinds/mkkinds.py"
	$mk abrt "$dest/var/spool/abrt/ccpp-$(date +%Y-%m-%d-%H:%M:%S).123456-$spid" --core "$src" \
		--exe /usr/bin/crash_abort --cmdline "/usr/bin/crash_abort demo" --pid "$spid" --uid 0 \
		--time $((usec / 1000000)) --count 2 --reason "crash_abort killed by SIGABRT" --compress none
	$mk apport "$dest/var/crash/_usr_bin_crash_abort.0.crash" --core "$src" \
		--exe /usr/bin/crash_abort --cmdline "/usr/bin/crash_abort demo" --pid 4343 --uid 0 \
		--signal 6 --date "$(LC_ALL=C date '+%a %b %e %H:%M:%S %Y')"
	$mk minidump "$dest/var/crash/renderer.dmp" --pid 4444 --comm renderer --signal 11 --code 1 \
		--addr 0x10 --cmdline "/opt/browser/renderer --type=renderer" --time "$(date +%s)"
fi
for f in hs_err_pid6383.log java_pid6435.hprof; do cp "$fixtures/$f" "$dest/java/"; done
cp "$fixtures/vmcore-qemu-raw.kdump" "$dest/var/crash/vmcore.kdump"

# Decoys: named like cores, but not dumps.
printf 'core\n' >"$dest/app/core"
cp "$crashers/crash_abort" "$dest/app/core.1"
: >"$dest/app/core.2"
echo "demo: ready: $dest"
