#!/bin/bash
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
# Decoys: named like cores, but not dumps.
printf 'core\n' >"$dest/app/core"
cp "$crashers/crash_abort" "$dest/app/core.1"
: >"$dest/app/core.2"
echo "demo: ready: $dest"
