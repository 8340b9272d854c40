#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real root tree, side by side: `du -sx /`, `ncdu -x -0 -o /dev/null /`, `gdu -npcx /` (when
# installed) and `coredu list -x /` (one or more coredu binaries), warm and cold, interleaved
# round after round.  --root /usr measures the issue's other real tree.
#
#   bench/root.sh [--runs N] [--root DIR] [--modes warm,cold] [[LABEL=]COREDU]...
#
# Cold drops the page cache before every command (root only; it says so and skips the cold
# runs otherwise).  Prints a markdown table per mode: the median and range of wall time, the
# ratio of medians to ncdu and to gdu, peak RSS (GNU time), and the machine's load average.
set -euo pipefail
runs=3 root=/ modes=warm,cold bins=()
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--root) root=$2; shift 2 ;;
	--modes) modes=$2; shift 2 ;;
	-*) echo "usage: bench/root.sh [--runs N] [--root DIR] [--modes warm,cold] [[LABEL=]COREDU]..." >&2; exit 2 ;;
	*) bins+=("$1"); shift ;;
	esac
done
[ ${#bins[@]} -gt 0 ] || bins=("coredu=$(cd "$(dirname "$0")/.." && pwd)/coredu")
for t in ncdu /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t is needed (apt-get install ncdu time)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

labels=(du ncdu) cmds=("du -sx $root" "ncdu -x -0 -o /dev/null $root")
gdu_at=
if command -v gdu >/dev/null; then
	gdu_at=${#cmds[@]}
	labels+=(gdu) cmds+=("gdu -npcx $root")
fi
for b in "${bins[@]}"; do
	label=${b%%=*}; path=${b#*=}; [ "$label" = "$b" ] && label=coredu
	labels+=("$label"); cmds+=("$path list -x $root")
done

drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
why_no_drop=
[ "$(id -u)" -eq 0 ] || why_no_drop="not root"
[ -z "$why_no_drop" ] && ! drop 2>/dev/null && why_no_drop="cannot write /proc/sys/vm/drop_caches"

# one MODE I: run command I once, appending "seconds rss_kib" to its file.
one() {
	[ "$1" = cold ] && drop
	local s e
	s=$(date +%s%N)
	/usr/bin/time -f %M -o "$out/rss" ${cmds[$2]} >/dev/null 2>&1 || true
	e=$(date +%s%N)
	echo "$(((e - s) / 1000000)) $(tail -1 "$out/rss")" >>"$out/$1.$2"
}

echo "root: $root ($(df -h --output=used "$root" | tail -1 | tr -d ' ') used, $(df --output=iused "$root" | tail -1 | tr -d ' ') inodes)"
for mode in ${modes//,/ }; do
	if [ "$mode" = cold ] && [ -n "$why_no_drop" ]; then
		echo "cold runs skipped: $why_no_drop"
		continue
	fi
	if [ "$mode" = warm ]; then # one untimed round fills the cache
		for i in "${!cmds[@]}"; do ${cmds[$i]} >/dev/null 2>&1 || true; done
	fi
	for _ in $(seq "$runs"); do
		for i in "${!cmds[@]}"; do one "$mode" "$i"; done
	done
	echo
	echo "$mode cache, $runs rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| command | median | range | / ncdu | / gdu | peak RSS |"
	echo "|---|---:|---:|---:|---:|---:|"
	median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
	ncdu_med=$(median "$out/$mode.1")
	gdu_med=${gdu_at:+$(median "$out/$mode.$gdu_at")}
	for i in "${!cmds[@]}"; do
		sort -n "$out/$mode.$i" | awk -v l="${labels[$i]}" -v c="${cmds[$i]}" -v n="$ncdu_med" \
			-v g="${gdu_med:-0}" '
			{ t[NR] = $1; if ($2 > r) r = $2 }
			END { m = t[int((NR + 1) / 2)];
			      printf "| %s: `%s` | %.2f s | %.2f-%.2f s | %.2f | %s | %.1f MiB |\n",
				l, c, m / 1000, t[1] / 1000, t[NR] / 1000, m / n,
				(g > 0 ? sprintf("%.2f", m / g) : "-"), r / 1024 }'
	done
done
