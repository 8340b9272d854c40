#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-static.sh ARCH SRCDIR OUT: build OUT, one fully static and stripped coredu for ARCH
# (x86_64 or aarch64), from SRCDIR (a pristine source tree: make static passes `make distdir`'s)
# in a build directory beside OUT, with glibc and every library from Debian's static archives
# (doc/design.md).  aarch64 uses gcc-aarch64-linux-gnu and the arm64 archives of multiarch.
# It fails on any compiler or linker warning, and unless OUT has no interpreter, no dynamic
# section and none of NSS's functions.  `./quickstart --deps static` installs what it needs.
#
#   build-static.sh --missing ARCH: print what the build of ARCH lacks (nothing: status 0), for
#   configure, which then leaves the static binary out of make check and says why.
set -euo pipefail
only_check=false
[ "${1:-}" = --missing ] && { only_check=true; shift; }
arch=${1:?usage: build-static.sh [--missing] x86_64|aarch64 SRCDIR OUT}
die() { echo "build-static: $*" >&2; exit 1; }

case $arch in
x86_64) host=x86_64-linux-gnu debarch=amd64 cc=gcc hostopt=() ldextra= ;;
aarch64)
	host=aarch64-linux-gnu debarch=arm64 cc=aarch64-linux-gnu-gcc hostopt=(--host=$host)
	# The cross compiler's own libc (libc6-dev-arm64-cross) lags bookworm's security
	# updates; multiarch's libc6-dev:arm64 has them: its start files and libc.a first.
	ldextra="-B/usr/lib/$host/ -L/usr/lib/$host"
	;;
*) die "unknown ARCH '$arch' (x86_64, aarch64)" ;;
esac
libdir=/usr/lib/$host
missing=()
command -v "$cc" >/dev/null || missing+=("$cc")
[ -r /usr/lib/locale/C.utf8/LC_CTYPE ] || missing+=(C.utf8/LC_CTYPE)
for a in libc.a libelf.a libdw.a libz.a libmagic.a liblzma.a libbz2.a libzstd.a liblz4.a \
	liburing.a libncursesw.a libtinfo.a; do
	[ -f "$libdir/$a" ] || missing+=("$a")
done
if $only_check; then
	[ ${#missing[@]} -eq 0 ] || { echo "${missing[*]} (./quickstart --deps static)"; exit 1; }
	exit 0
fi
[ ${#missing[@]} -eq 0 ] ||
	die "missing for $arch (in $libdir): ${missing[*]}: ./quickstart --deps static"
src=$(cd "${2:?usage: build-static.sh ARCH SRCDIR OUT}" && pwd)
out=$(realpath -m "${3:?usage: build-static.sh ARCH SRCDIR OUT}")

build=$(dirname "$out")/build-static-$arch/build
rm -rf "$build" && mkdir -p "$build"
cd "$build"
t0=$SECONDS
# PKG_CONFIG_LIBDIR: the target's .pc files; configure adds --static to every query.
"$src/configure" -q "${hostopt[@]}" --enable-werror --enable-static-binary CC="$cc" \
	PKG_CONFIG=pkg-config PKG_CONFIG_LIBDIR="$libdir/pkgconfig:/usr/share/pkgconfig" \
	CFLAGS="-O2" LDFLAGS="$ldextra" >configure.out || { cat configure.out config.log; exit 1; }
t1=$SECONDS
# A build of its own, not a part of the caller's make -jN (whose jobserver it would reset).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j"${JOBS:-2}" >make.out 2>&1 ||
	{ cat make.out; die "make failed"; }
# A static glibc link warns when something would load code or NSS modules at run time.
if grep -i 'warning' make.out | grep -v '^make'; then die "warnings in the build (above)"; fi

"$host-strip" -o "$out" coredu
if LC_ALL=C "$host-readelf" -lW "$out" | grep -qE 'INTERP|DYNAMIC'; then
	die "$out has an interpreter or a dynamic section: not static"
fi
nss=$("$host-nm" coredu | awk '$3 ~ /^(getpw|getgr(gid|nam|ent)|initgroups|getspnam|getaddrinfo|gethostby|getservby|_?_nss_)/ {print $3}')
[ -z "$nss" ] || die "$out links NSS functions: $nss"
libc=$(realpath "$($cc $ldextra -print-file-name=libc.a)")
echo "build-static: $out: $(stat -c %s "$out") bytes stripped ($(stat -c %s coredu) unstripped);" \
	"$arch, glibc $(dpkg-query -W -f '${Version}' "libc6-dev:$debarch") ($libc);" \
	"configure $((t1 - t0)) s, make $((SECONDS - t1)) s"
