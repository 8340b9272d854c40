#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# dist-static.sh VERSION SRCDIR BINARY...: for each coredu-static-ARCH binary, the release
# tarball coredu-VERSION-ARCH-linux.tar.gz: the binary as coredu, the man page, README.md,
# COPYING, licenses/ (the copyright files of the libraries linked), and SOURCES (the Debian
# packages whose code is linked in, with their source packages and versions, for the
# licences' source offer); then SHA256SUMS over the tarballs.
# The tarballs are reproducible: sorted names, owner 0, times from SOURCE_DATE_EPOCH (else
# the last commit, else 0), gzip without a name or time.
set -euo pipefail
version=${1:?usage: dist-static.sh VERSION SRCDIR BINARY...}
src=${2:?usage: dist-static.sh VERSION SRCDIR BINARY...}
shift 2
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)}
sums=()
for bin in "$@"; do
	arch=${bin##*coredu-static-}
	case $arch in x86_64) da=amd64 ;; aarch64) da=arm64 ;; *) echo "dist-static: $bin: which architecture?" >&2; exit 2 ;; esac
	name=coredu-$version-$arch-linux
	work=$(mktemp -d)
	mkdir "$work/$name"
	cp "$bin" "$work/$name/coredu"
	cp "$src/doc/coredu.1" "$src/README.md" "$src/COPYING" "$work/$name/"
	{
		echo "coredu $version for $arch Linux: one static binary.  It links the code of these"
		echo "Debian packages; their sources: apt-get source PACKAGE=VERSION, or"
		echo "https://snapshot.debian.org/package/PACKAGE/VERSION/ (SOURCE: the source package)."
		echo "The built-in terminal descriptions come from ncurses-base, the built-in C.UTF-8 from"
		echo "libc-bin (amd64: the arm64 C.UTF-8 data is the same)."
		for p in libc6-dev libelf-dev libmagic-dev libncurses-dev libzstd-dev liblzma-dev \
			liblz4-dev liburing-dev zlib1g-dev libbz2-dev; do
			dpkg-query -W -f '${binary:Package} ${Version} (source ${source:Package} ${source:Version})\n' "$p:$da"
		done
		dpkg-query -W -f '${binary:Package} ${Version} (source ${source:Package} ${source:Version})\n' ncurses-base libc-bin
	} >"$work/$name/SOURCES"
	# The BSD, X11 and zlib licences ask for their notices in binary copies too.
	mkdir "$work/$name/licenses"
	for p in libc6 libelf1 libmagic1 libncursesw6 libtinfo6 libzstd1 liblzma5 liblz4-1 liburing2 \
		zlib1g libbz2-1.0; do
		cp "/usr/share/doc/$p/copyright" "$work/$name/licenses/$p" || exit 1
	done
	chmod 755 "$work/$name/coredu"
	chmod 644 "$work/$name"/{coredu.1,README.md,COPYING,SOURCES} "$work/$name"/licenses/*
	tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@"$epoch" \
		--format=gnu -cf - "$name" | gzip -9n >"$name.tar.gz"
	rm -rf "$work"
	sums+=("$name.tar.gz")
done
sha256sum "${sums[@]}" >SHA256SUMS
cat SHA256SUMS
ls -l "${sums[@]}"
