#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package on a fresh machine: a minbase root of SUITE (mmdebstrap, plus man-db),
# then inside it `apt-get install ./coredu_*.deb` (apt fetches the libraries it depends on),
# `coredu --version`, `man coredu`, `dpkg --purge coredu` and `apt-get autoremove --purge`;
# afterwards the root must hold exactly the files it held before, and none of the package's.
#
#   tests/deb-install.sh DEB [SUITE]     (SUITE: bookworm by default, or trixie)
#
# Needs root, mmdebstrap and the network to reach the mirror; ROOT_TAR=FILE uses a root made
# earlier by `mmdebstrap --variant=minbase SUITE FILE` instead (man-db is added if missing).  Not part
# of make check (the package is built by dpkg-buildpackage, outside the build tree).
set -uo pipefail
deb=$(realpath "${1:?usage: deb-install.sh DEB [SUITE]}")
suite=${2:-bookworm}
die() { echo "deb-install: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (chroot, mount)"
[ -f "$deb" ] || die "$deb: no such file"
tmp=$(mktemp -d /var/tmp/coredu-deb-install-XXXXXX)
trap 'umount -R "$tmp/root/proc" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
ok() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

tar=${ROOT_TAR:-}
if [ -z "$tar" ]; then
	command -v mmdebstrap >/dev/null || die "needs mmdebstrap (apt-get install mmdebstrap)"
	tar=$tmp/root.tar
	mmdebstrap -q --variant=minbase --include=man-db "$suite" "$tar" ||
		die "mmdebstrap $suite failed"
fi
mkdir "$tmp/root" && tar -C "$tmp/root" -xf "$tar" || die "cannot unpack $tar"
cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
cp "$deb" "$tmp/root/tmp/"
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive \
	unshare -m --propagation private chroot "$tmp/root" "$@"; }
# files: every file of the root but those apt, dpkg and man-db keep as state, caches and logs.
files() { (cd "$tmp/root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/cache \
	-o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./dev \
	-o -path ./run \) -prune -o -print | sort); }

in_root apt-get update -qq || die "apt-get update failed in the root"
in_root sh -c 'command -v man >/dev/null || apt-get install -y -qq --no-install-recommends man-db' \
	>/dev/null 2>&1 || die "cannot install man-db in the root"
files >"$tmp/before"
name=$(basename "$deb")
in_root apt-get install -y -qq --no-install-recommends "./tmp/$name" >"$tmp/install.log" 2>&1 &&
	ok "apt-get install ./$name ($suite)" || { bad "apt-get install ./$name"; cat "$tmp/install.log"; }
in_root dpkg -L coredu >"$tmp/owned" 2>/dev/null
v=$(in_root coredu --version 2>&1 | head -1)
want=$(dpkg-deb -f "$deb" Version)
case $v in *"$want"*) ok "coredu --version: $v" ;; *) bad "coredu --version: '$v' (want $want)" ;; esac
in_root env MANPAGER=cat MANWIDTH=80 man coredu >"$tmp/man.txt" 2>"$tmp/man.err"
grep -q 'coredu doctor' "$tmp/man.txt" && ok "man coredu ($(wc -l <"$tmp/man.txt") lines)" ||
	bad "man coredu: $(head -c 300 "$tmp/man.err")"
in_root dpkg --purge coredu >/dev/null 2>&1 && ok "dpkg --purge coredu" || bad "dpkg --purge coredu"
in_root apt-get autoremove --purge -y -qq >/dev/null 2>&1
files >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "the root holds exactly what it held before ($(wc -l <"$tmp/after") files)"
else
	bad "files left or lost:"; diff "$tmp/before" "$tmp/after" | head -20
fi
left=$(while read -r f; do [ -e "$tmp/root$f" ] && [ ! -d "$tmp/root$f" ] && echo "$f"; done <"$tmp/owned")
[ -z "$left" ] && ok "none of the package's $(wc -l <"$tmp/owned") paths is left" || bad "left: $left"
[ $fails -eq 0 ] && echo "deb-install: all passed" || echo "deb-install: $fails failed"
[ $fails -eq 0 ]
