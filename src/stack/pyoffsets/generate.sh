#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the CPython layout tables pystack.c includes, from the interpreter's own
# internal headers: the compiler computes every offset (offsetof, with Py_BUILD_CORE), none
# is written by hand.  One table per minor version; the aarch64 build of each must print the
# same bytes as the x86-64 one (LP64, same alignments), which this script checks.
#
#   src/stack/pyoffsets/generate.sh 3.11 INCLUDE-DIR [ARM64-INCLUDE-DIR]
#   src/stack/pyoffsets/generate.sh 3.13 INCLUDE-DIR [ARM64-INCLUDE-DIR]
#
# INCLUDE-DIR holds python3.X/ (Debian's python3.X-dev: /usr/include on the release that
# ships it, or a root made with mmdebstrap, e.g.
#   mmdebstrap --variant=minbase --include=python3.13-dev trixie ROOT
# then ROOT/usr/include).  ARM64-INCLUDE-DIR: the same from an arm64 root or from
# `apt-get download libpython3.X-dev:arm64` unpacked; it needs aarch64-linux-gnu-gcc and
# qemu-aarch64-static.  3.13 also writes debugpos-3.13.inc: where each field of
# _Py_DebugOffsets lies, since that structure itself changes between minor versions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ver=$1 inc=$2 arm=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen() { # gen NAME CC... : build gen-NAME.c and run it
	local name=$1; shift
	"$@" -o "$work/gen" "$here/gen-$name.c"
	case $1 in aarch64-*) qemu-aarch64-static "$work/gen" ;; *) "$work/gen" ;; esac
}
# -idirafter: the root's own C headers for what the host lacks, the host's first.
gen offsets cc -I"$inc/python$ver" -idirafter "$inc" >"$work/layout.inc"
[ "$ver" = 3.11 ] || gen debugpos cc -I"$inc/python$ver" -idirafter "$inc" >"$work/debugpos.inc"
if [ -n "$arm" ]; then
	gen offsets aarch64-linux-gnu-gcc -static -I"$arm/python$ver" -idirafter "$arm" >"$work/layout-arm64.inc"
	cmp "$work/layout.inc" "$work/layout-arm64.inc"
	if [ "$ver" != 3.11 ]; then
		gen debugpos aarch64-linux-gnu-gcc -static -I"$arm/python$ver" -idirafter "$arm" >"$work/debugpos-arm64.inc"
		cmp "$work/debugpos.inc" "$work/debugpos-arm64.inc"
	fi
	echo "aarch64 and x86-64 layouts of $ver are the same"
fi
cp "$work/layout.inc" "$here/layout-$ver.inc"
[ "$ver" = 3.11 ] || cp "$work/debugpos.inc" "$here/debugpos-$ver.inc"
echo "wrote $here/layout-$ver.inc"
