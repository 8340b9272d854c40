#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch the third-party test cores tests/stacks.sh checks when COREDU_THIRDPARTY names their
# directory: elfutils' x32 backtrace core and its executable, and its m68k core, from
# elfutils 0.188's test suite (GPL-3.0-or-later; not committed here).  Each file is checked
# against its SHA-256 before it is unpacked.
#
#   tests/stacks/fetch-thirdparty.sh DIR               from sourceware.org (curl or wget)
#   tests/stacks/fetch-thirdparty.sh DIR --git CLONE   from a local clone of elfutils
#   COREDU_THIRDPARTY=DIR make check TESTS=tests/stacks.sh
set -euo pipefail
dir=${1:?usage: fetch-thirdparty.sh DIR [--git CLONE]}
git_clone=
[ "${2:-}" = --git ] && git_clone=${3:?--git needs a clone of elfutils}
tag=elfutils-0.188
declare -A sha=(
	[backtrace.x32.core]=11074ae8b4f9e9ab6dd6bd828d37abbaa75b65b01f1178a817c124e4521897ca
	[backtrace.x32.exec]=64c641e6748b71fcccc94c6b3acb318e2be402f8ed7d57c3fbb692842c699627
	[testfile-m68k-core]=45249571d04659dcdc63f9a2761eabc7dab0321fab4c0b827d67635aa7942f1b
)
mkdir -p "$dir"
for f in "${!sha[@]}"; do
	bz=$dir/$f.bz2
	if [ -n "$git_clone" ]; then
		git -C "$git_clone" show "$tag:tests/$f.bz2" >"$bz"
	else
		url="https://sourceware.org/git/?p=elfutils.git;a=blob_plain;f=tests/$f.bz2;hb=$tag"
		if command -v curl >/dev/null; then
			curl -fsSL -o "$bz" "$url"
		else
			wget -q -O "$bz" "$url"
		fi
	fi
	echo "${sha[$f]}  $bz" | sha256sum -c --quiet - || { rm -f "$bz"; echo "fetch: $f: checksum differs" >&2; exit 1; }
	bunzip2 -f "$bz"
done
echo "fetch-thirdparty: ${#sha[@]} files in $dir"
