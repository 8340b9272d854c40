#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doc/prstatus.md's NT_PRSTATUS layouts (which src/kinds/prstatus.c holds; check_elfcore
# compares the two) against the compilers: for each one there is here (the host's gcc, with
# -m32 when its libc headers are installed, and Debian's cross compilers
# gcc-<triplet>), offsetof and sizeof of glibc's struct elf_prstatus, read from the
# assembly, so no foreign binary has to run.
set -u
: "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-prstatus-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
export LC_ALL=C
doc=$TESTS_SRCDIR/doc/prstatus.md

cat >"$tmp/p.c" <<'C'
#include <stddef.h>
#include <sys/procfs.h>
const unsigned int coredu_probe[] = {
	12345, offsetof(struct elf_prstatus, pr_pid), offsetof(struct elf_prstatus, pr_reg),
	sizeof(elf_greg_t), sizeof(elf_gregset_t) / sizeof(elf_greg_t), sizeof(struct elf_prstatus),
};
C

# row ABI: "pid reg gregsize ngreg size" from the doc's table
row() {
	awk -F'|' -v abi="$1" '{ a = $2; gsub(/^ +| +$/, "", a) }
		a == abi { print $5+0, $6+0, $7+0, $8+0, $11+0 }' "$doc"
}
# probe ABI CC [FLAG...]: compile, read the numbers after the 12345 marker, compare
checked=0
probe() {
	local abi=$1 cc=$2; shift 2
	command -v "$cc" >/dev/null || { echo "SKIP: $abi: no $cc"; return; }
	if ! "$cc" "$@" -S -O0 -o "$tmp/p.s" "$tmp/p.c" 2>"$tmp/err"; then
		echo "SKIP: $abi: $cc $* has no libc headers (apt-get install gcc-multilib): $(grep -m1 error "$tmp/err")"
		return
	fi
	local got want
	got=$(grep -oE '^\s*\.[a-z0-9]+\s+[0-9]+\s*$' "$tmp/p.s" | awk '{print $2}' |
		awk 'f { printf "%s%s", sep, $1; sep = " " } $1 == 12345 { f = 1 }')
	want=$(row "$abi")
	[ -n "$want" ] || { fail "$abi: no row in doc/prstatus.md"; return; }
	if [ "$got" = "$want" ]; then
		pass; checked=$((checked + 1))
	else
		fail "$abi ($cc $*): pr_pid pr_reg greg NGREG size: the compiler says '$got', doc/prstatus.md '$want'"
	fi
}

case $(uname -m) in
x86_64)
	probe x86-64 gcc
	# Not -mx32: glibc's x32 header has 64-bit timevals (pr_reg at 104), the kernel writes
	# the compat prstatus with 32-bit ones (72): stacks.sh checks elfutils' x32 core.
	probe i386 gcc -m32 ;;
aarch64) probe aarch64 gcc ;;
esac
probe x86-64 x86_64-linux-gnu-gcc
probe i386 i686-linux-gnu-gcc
probe aarch64 aarch64-linux-gnu-gcc
probe arm arm-linux-gnueabihf-gcc
probe s390x s390x-linux-gnu-gcc
probe ppc powerpc-linux-gnu-gcc
probe ppc64 powerpc64le-linux-gnu-gcc
probe "mips o32" mips-linux-gnu-gcc
probe mips64 mips64el-linux-gnuabi64-gcc
probe riscv64 riscv64-linux-gnu-gcc
probe m68k m68k-linux-gnu-gcc
probe sh sh4-linux-gnu-gcc
probe parisc hppa-linux-gnu-gcc
probe alpha alpha-linux-gnu-gcc
probe sparc64 sparc64-linux-gnu-gcc
probe loongarch64 loongarch64-linux-gnu-gcc
[ "$checked" -gt 0 ] && pass || fail "no compiler could check any row"
finish prstatus.sh
