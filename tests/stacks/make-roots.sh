#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Make the Debian roots tests/stacks.sh runs Python in, besides this machine's python3:
#   DIR/trixie-amd64    Debian 13, python3.13
#   DIR/bookworm-arm64  Debian 12 for arm64, python3.11 (runs under qemu-user)
#   DIR/trixie-arm64    Debian 13 for arm64, python3.13
# Needs root, mmdebstrap, and for arm64 qemu-user-static with binfmt-support; about 1.5 GB
# and a few minutes.  Then: COREDU_TEST_ROOTS=DIR make check TESTS=tests/stacks.sh
#
#   tests/stacks/make-roots.sh DIR [NAME...]
set -euo pipefail
dir=${1:?usage: make-roots.sh DIR [trixie-amd64|bookworm-arm64|trixie-arm64]...}
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(trixie-amd64 bookworm-arm64 trixie-arm64)
mkdir -p "$dir"
for n in "${names[@]}"; do
	suite=${n%-*} arch=${n#*-}
	[ -x "$dir/$n/usr/bin/python3" ] && { echo "make-roots: $dir/$n is there"; continue; }
	mmdebstrap --variant=minbase --architectures="$arch" --include=python3 "$suite" "$dir/$n"
done
