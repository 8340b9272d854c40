#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch real dumps from public test suites, at fuzz time, to seed the harnesses: elfutils'
# tests/*.core.bz2 and lldb's postmortem cores and minidumps (in LLVM's source).  They come
# from Debian's source packages through apt (a deb-src entry in a private apt directory, so the
# system's configuration is untouched), checked against the signed Sources index.  Nothing
# fetched is ever committed: the files keep their projects' licences (GPL/LGPL, Apache-2.0
# with LLVM exception), copied next to them in OUT/licenses/.
#
#   tests/fuzz/fetch-seeds.sh OUT [SUITE]
#
# Writes OUT/elf/ (cores, first 1 MiB each: the harnesses' -max_len) and OUT/minidump/.
# Breakpad's own testdata is in no Debian source package small enough to fetch (only inside
# chromium's and firefox's); lldb's minidumps stand in for it.
set -euo pipefail
out=${1:?usage: tests/fuzz/fetch-seeds.sh OUT [SUITE]}
suite=${2:-bookworm}
mirror=${SEED_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d "${TMPDIR:-/tmp}/coredu-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/x" \
	"$out/elf" "$out/minidump" "$out/licenses"
echo "deb-src $mirror $suite main" >"$work/apt/sources.list"
apt=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$work/apt/lists" -o Dir::Cache="$work/apt/cache"
	-o APT::Sandbox::User=root)
apt-get "${apt[@]}" -qq update
# The newest llvm-toolchain-N of the suite.
llvm=$(for l in "$work"/apt/lists/*Sources*; do /usr/lib/apt/apt-helper cat-file "$l"; done |
	sed -n 's/^Package: \(llvm-toolchain-[0-9][0-9]*\)$/\1/p' | sort -t- -k3n | tail -1)
(cd "$work" && apt-get "${apt[@]}" -qq source --download-only elfutils ${llvm:+"$llvm"}) >/dev/null

keep() { # FILE DEST: the first 1 MiB, under a name that says where it came from
	head -c 1048576 "$1" >"$2"
}
n=0
for t in "$work"/elfutils_*.orig.tar.*; do
	[ -f "$t" ] || continue
	case $t in *.asc) continue ;; esac
	tar -xf "$t" -C "$work/x" --wildcards '*/tests/*.core.bz2' '*/COPYING' '*/COPYING-LGPLV3'
	for c in "$work"/x/elfutils-*/tests/*.core.bz2; do
		bzip2 -dc "$c" >"$work/core" && keep "$work/core" "$out/elf/elfutils-$(basename "$c" .bz2)"
		n=$((n + 1))
	done
	cp "$work"/x/elfutils-*/COPYING "$out/licenses/elfutils-COPYING"
done
m=0
for t in "$work"/llvm-toolchain-*.orig.tar.xz; do
	[ -f "$t" ] || continue
	tar -xJf "$t" -C "$work/x" --wildcards '*/lldb/test/*.core' '*/lldb/test/*.dmp' \
		'*/lldb/test/*minidump*.yaml' '*/lldb/unittests/Process/minidump/Inputs/*.dmp' \
		'*/lldb/LICENSE.TXT'
	while IFS= read -r -d '' c; do
		keep "$c" "$out/elf/lldb-$(echo "${c#*/lldb/}" | tr / _)"
		n=$((n + 1))
	done < <(find "$work/x" -path '*/lldb/*' -name '*.core' -print0)
	while IFS= read -r -d '' c; do
		keep "$c" "$out/minidump/lldb-$(echo "${c#*/lldb/}" | tr / _)"
		m=$((m + 1))
	done < <(find "$work/x" -path '*/lldb/*' -name '*.dmp' -print0)
	# lldb keeps most minidumps as YAML; yaml2obj (LLVM) makes them binary, if installed.
	y2o=$(command -v yaml2obj || ls /usr/lib/llvm-*/bin/yaml2obj 2>/dev/null | tail -1 || true)
	if [ -n "$y2o" ]; then
		while IFS= read -r -d '' c; do
			grep -q '^--- !minidump' "$c" || continue
			"$y2o" "$c" -o "$out/minidump/lldb-$(basename "$c" .yaml).dmp" 2>/dev/null &&
				m=$((m + 1)) || true
		done < <(find "$work/x" -path '*/lldb/*' -name '*.yaml' -print0)
	fi
	cp "$(find "$work/x" -path '*/lldb/LICENSE.TXT' | head -1)" "$out/licenses/lldb-LICENSE.TXT"
done
echo "fetch-seeds: $n cores, $m minidumps (elfutils${llvm:+, lldb from $llvm}) in $out"
