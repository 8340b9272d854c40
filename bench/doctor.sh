#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# coredu doctor against the shell an operator would otherwise type, side by side in one run.
#
#   bench/doctor.sh [--procs N] [--runs N]
#
# N (default 300) `sleep` processes with an unlimited core size, in a directory holding
# real cores, stand in for a busy host.  The manual way reads each process's core limit,
# anonymous memory and the free space where its core would go (grep, df), the kernel's
# settings, and the cores' notes (eu-readelf -n); coredu doctor --json does all of it, plus
# the grouping, hints and remedies.  hyperfine times both; read the ratio: absolute times
# drift on shared machines.  Run from a built tree; needs hyperfine and elfutils.
set -euo pipefail
cd "$(dirname "$0")/.."
procs=300 runs=10
while [ $# -gt 0 ]; do
	case $1 in
	--procs) procs=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "usage: bench/doctor.sh [--procs N] [--runs N]" >&2; exit 2 ;;
	esac
done
[ -x ./coredu ] || { echo "bench/doctor.sh: build first (./configure && make)" >&2; exit 2; }
make -s tests/fixtures-unpacked/.stamp

dir=$(mktemp -d "${TMPDIR:-/tmp}/coredu-bench-doctor-XXXXXX")
pids=()
cleanup() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
for f in abort-x86-64 parent-kill-x86-64 thread-segv-x86-64; do
	for i in 1 2 3; do cp --sparse=always "tests/fixtures-unpacked/$f.core" "$dir/core.$f.$i"; done
done
(cd "$dir" && ulimit -c unlimited && for _ in $(seq "$procs"); do sleep 600 & echo $! >>"$dir/pids"; done)
mapfile -t pids <"$dir/pids"
rm "$dir/pids"

cat >"$dir/manual.sh" <<EOS
cat /proc/sys/kernel/core_pattern /proc/sys/kernel/core_uses_pid /proc/sys/fs/suid_dumpable
for p in /proc/[0-9]*; do
	grep -h 'Max core file size' \$p/limits
	grep -h '^Anonymous' \$p/smaps_rollup
	df -P \$p/cwd | tail -n 1
done
eu-readelf -n $dir/core.* | grep -E 'pid|sig|psargs|fname'
EOS

echo "coredu doctor vs the manual way: $(ls /proc | grep -c '^[0-9]') processes, $(ls "$dir" | grep -c '^core') cores"
hyperfine -N --warmup 2 --runs "$runs" -i \
	"sh -c '. $dir/manual.sh >/dev/null 2>&1'" "./coredu doctor --json $dir" \
	--export-markdown "$dir/out.md" >/dev/null 2>&1
sed "s|$dir|\$DIR|g" "$dir/out.md"
python3 - "$dir/out.md" <<'EOP'
import re, sys
rows = [l for l in open(sys.argv[1]) if l.startswith("| `")]
mean = {("coredu" if "doctor --json" in r else "manual"): float(re.split(r"\s*\|\s*", r)[2].split()[0]) for r in rows}
print("\ncoredu doctor / manual = %.3f" % (mean["coredu"] / mean["manual"]))
EOP
