#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Side-by-side benchmarks of coredu against the tools an operator would otherwise use.
#
#   bench/run.sh [--quick] [--stacks] [--runs N] [--dir DIR]
#
# Part 1, scan: a reproducible tree of 500,000 small files in 1,000 directories plus real
#   cores; warm cache; `find -type f`, `du -s`, `ncdu -0 -o /dev/null`, `gdu -npc` and
#   `coredu json`, timed by hyperfine in one run; peak RSS by GNU time.
# Part 2, metadata: 1,000 sparse copies of real cores in one directory; `file -b`,
#   `eu-readelf -n` and `coredu json`.

# Part 3, backtraces: every thread of those cores unwound, `eu-stack -m --core` for each
#   against `coredu json --backtrace`; warm cache, and cold when root (--stacks: only this).
#
# Absolute times drift on shared machines: read the ratios.  Results go to stdout and to
# bench/out/results.md.  --quick uses 50,000 files and 200 cores (a smoke run).
# Run from a built tree (./configure && make); needs hyperfine, ncdu, gdu, file, elfutils,
# python3, GNU time:  apt-get install hyperfine ncdu gdu file elfutils python3 time
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
files=500000 dirs=1000 cores=1000 runs=7
dir=${TMPDIR:-/tmp}/coredu-bench
only_stacks=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) files=50000 dirs=100 cores=200 runs=3 ;;
	--stacks) only_stacks=1 ;;
	--runs) runs=$2; shift ;;
	--dir) dir=$2; shift ;;
	*) echo "usage: $0 [--quick] [--stacks] [--runs N] [--dir DIR]" >&2; exit 2 ;;
	esac
	shift
done

coredu=$top/coredu
[ -x "$coredu" ] || { echo "bench: build coredu first (./configure && make)" >&2; exit 2; }
missing=()
for t in hyperfine ncdu gdu file eu-readelf eu-stack python3 /usr/bin/time xz; do
	command -v "$t" >/dev/null || missing+=("$t")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: missing ${missing[*]}; apt-get install hyperfine ncdu gdu file elfutils python3 time xz-utils" >&2
	exit 2
fi

out=$here/out
mkdir -p "$out" "$dir"
results=$out/results.md

# Real cores: the committed fixtures (real crashes), unpacked sparse as the kernel wrote them.
fixtures=$dir/fixtures
if [ ! -f "$fixtures/.stamp" ]; then
	rm -rf "$fixtures" && mkdir -p "$fixtures"
	cp "$top"/tests/fixtures/*.core.xz "$fixtures/"
	xz -d "$fixtures"/*.xz
	touch "$fixtures/.stamp"
fi
core_set=(abort-x86-64 thread-segv-x86-64 parent-kill-x86-64 abort-aarch64 abort-s390x)

tree=$dir/tree-$files-$dirs
if [ -z "$only_stacks" ] && [ ! -f "$tree/.stamp" ]; then
	echo "building $tree ..."
	rm -rf "$tree"
	python3 "$here/mktree.py" "$tree" --files "$files" --dirs "$dirs"
	# Five real cores hidden among the files, as in an application directory.
	for i in 0 1 2 3 4; do
		d=$((i * 97 % dirs))
		sub=$(printf '%s/d%03d/s%04d' "$tree" $((d / 32)) "$d")
		cp --sparse=always "$fixtures/${core_set[$i]}.core" "$sub/core.$((1058 + i))"
	done
	touch "$tree/.stamp"
fi

pile=$dir/cores-$cores
if [ ! -f "$pile/.stamp" ]; then
	rm -rf "$pile" && mkdir -p "$pile"
	for i in $(seq 0 $((cores - 1))); do
		cp --sparse=always "$fixtures/${core_set[$((i % 5))]}.core" "$pile/core.$((20000 + i))"
	done
	touch "$pile/.stamp"
fi

machine="$(nproc) CPUs, $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
versions="ncdu $(ncdu -v | awk '{print $2}'), gdu $(gdu --version | awk '/Version/{print $2}'), $(file --version | head -1), eu-readelf $(eu-readelf --version | awk 'NR==1{print $NF}'), $("$coredu" --version)"

{
	echo "# coredu benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Machine: $machine. Tools: $versions. Warm cache, hyperfine --warmup 2 --runs $runs."
	echo
} >"$results"
mean() { # COMMAND-PREFIX: mean seconds of that row in hyperfine's markdown
	awk -F'|' -v c="$1" 'index($2, c) { gsub(/[ `]/, "", $3); split($3, a, "±"); print a[1] }' "$2"
}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
if [ -z "$only_stacks" ]; then
{
	echo "## Scan: $files files in $dirs directories, 5 of them cores"
	echo
} >>"$results"

hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$out/scan.md" \
	"find $tree -type f" "du -s $tree" "ncdu -0 -o /dev/null $tree" "gdu -npc $tree" \
	"$coredu json $tree" >/dev/null 2>"$out/hyperfine.log"
cat "$out/scan.md" >>"$results"

t_coredu=$(mean "coredu json" "$out/scan.md")
t_ncdu=$(mean "ncdu" "$out/scan.md")
t_gdu=$(mean "gdu" "$out/scan.md")

{
	echo
	echo "coredu/ncdu = **$(ratio "$t_coredu" "$t_ncdu")** (target <= 1.0), coredu/gdu = **$(ratio "$t_coredu" "$t_gdu")** (stretch target <= 0.8)."
	echo
	echo "Peak RSS (GNU time, one run each):"
	echo
	echo "| Command | Peak RSS |"
	echo "|:---|---:|"
} >>"$results"
for c in "$coredu json $tree" "$coredu json -j1 $tree" "ncdu -0 -o /dev/null $tree" "gdu -npc $tree"; do
	kib=$(/usr/bin/time -f %M $c 2>&1 >/dev/null | tail -1)
	echo "| \`${c/$top\//}\` | $((kib / 1024)) MiB ($kib KiB) |" >>"$results"
done

{
	echo
	echo "## Metadata: $cores sparse copies of real cores in one directory"
	echo
} >>"$results"
hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$out/meta.md" \
	"sh -c 'file -b $pile/* >/dev/null'" "sh -c 'eu-readelf -n $pile/* >/dev/null'" \
	"$coredu json $pile" >/dev/null 2>>"$out/hyperfine.log"
cat "$out/meta.md" >>"$results"
t_coredu=$(mean "coredu json" "$out/meta.md")
t_file=$(mean "file -b" "$out/meta.md")
t_eu=$(mean "eu-readelf" "$out/meta.md")
{
	echo
	echo "coredu/eu-readelf = **$(ratio "$t_coredu" "$t_eu")** (target <= 0.25), coredu/file = **$(ratio "$t_coredu" "$t_file")** (target <= 0.05)."
} >>"$results"
# What coredu reads a core, counted by strace (one worker, so the calls are the parse's).
# Where strace is missing or ptrace is refused (a container), say so rather than stop here.
if command -v strace >/dev/null &&
	strace -f -e trace=pread64 -o "$out/meta.strace" "$coredu" json -j1 "$pile" >/dev/null 2>&1; then
	awk -v cores="$cores" '/pread64\(/ { n++; sub(/.*= /, ""); b += $1 }
		END { printf "\nReads per core (strace -e pread64, json -j1): %.2f preads, %d bytes.\n",
		      n / cores, b / cores }' "$out/meta.strace" >>"$results"
else
	echo "(strace is not installed or cannot trace here: no reads per core)" >>"$results"
fi
fi

# Part 3, backtraces: every thread of every core of the pile unwound, coredu (libdwfl fed
# from its bounded reader, in a killable child per core) against eu-stack, which is
# libdwfl's default mode, the one systemd-coredump and coredumpctl use. Warm cache, and
# cold (caches dropped before each run) when root.
{
	echo
	echo "## Backtraces: every thread of the $cores cores"
	echo
} >>"$results"
bt_runs=3
stack_cmds=("sh -c 'for c in $pile/*; do eu-stack -m --core=\$c; done >/dev/null 2>&1'"
	"$coredu json --backtrace $pile")
hyperfine -N -i --warmup 1 --runs "$bt_runs" --export-markdown "$out/stack-warm.md" \
	"${stack_cmds[@]}" >/dev/null 2>>"$out/hyperfine.log"
echo "Warm cache, $bt_runs runs:" >>"$results"
echo >>"$results"
cat "$out/stack-warm.md" >>"$results"
t_coredu=$(mean "coredu json" "$out/stack-warm.md")
t_eu=$(mean "eu-stack" "$out/stack-warm.md")
per() { python3 -c "print('%.1f' % ($1 * 1000 / $cores))"; }
{
	echo
	echo "Per core: coredu **$(per "$t_coredu") ms**, eu-stack $(per "$t_eu") ms;" \
		"coredu/eu-stack = **$(ratio "$t_coredu" "$t_eu")** (target <= 1.0)."
} >>"$results"
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
	hyperfine -N -i --runs "$bt_runs" --prepare "sh -c 'sync; echo 3 >/proc/sys/vm/drop_caches'" \
		--export-markdown "$out/stack-cold.md" "${stack_cmds[@]}" >/dev/null 2>>"$out/hyperfine.log"
	t_coredu=$(mean "coredu json" "$out/stack-cold.md")
	t_eu=$(mean "eu-stack" "$out/stack-cold.md")
	{
		echo
		echo "Cold cache (caches dropped before each run), $bt_runs runs:"
		echo
		cat "$out/stack-cold.md"
		echo
		echo "Per core: coredu **$(per "$t_coredu") ms**, eu-stack $(per "$t_eu") ms;" \
			"coredu/eu-stack = **$(ratio "$t_coredu" "$t_eu")**."
	} >>"$results"
else
	echo -e "\nCold cache: not measured (dropping caches needs root)." >>"$results"
fi

sed "s|$top/||g; s|$dir|\$DIR|g" "$results" >"$results.tmp" && mv "$results.tmp" "$results"
cat "$results"
