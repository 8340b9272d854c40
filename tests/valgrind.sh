#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Valgrind over the fixtures: every verb over every kind of dump (real cores of seven
# architectures, gcore, hs_err, hprof, vmcore, kdump, systemd-coredump's zstd/xz/lz4 copies,
# Apport, ABRT, minidump) and the hostile corpus, with no invalid access, no use of
# uninitialised memory and no leak.  Skipped under --enable-sanitizers (ASan and Valgrind
# do not mix) and where valgrind is not installed.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
if [ "${SANITIZERS:-no}" = yes ]; then echo "SKIP: ASan build"; exit 77; fi
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed (apt-get install valgrind)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-valgrind-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
mk="python3 $TESTS_SRCDIR/tests/kinds/mkkinds.py"

tree=$tmp/tree
mkdir -p "$tree/fixtures" "$tree/sd" "$tree/abrt"
cp --sparse=always "$FIXTURE_DIR"/*.core "$FIXTURE_DIR"/*.log "$FIXTURE_DIR"/*.hprof \
	"$FIXTURE_DIR"/*.kdump "$FIXTURE_DIR"/*.elf "$tree/fixtures/"
core=$FIXTURE_DIR/abort-x86-64.core
id=core.abort.0.0123456789abcdef0123456789abcdef.4242.1795514400000000
zstd -q -c "$core" >"$tree/sd/$id.zst"
xz -c "$core" >"$tree/sd/$id.xz"
lz4 -q -c "$core" >"$tree/sd/$id.lz4"
$mk apport "$tree/_usr_bin_a.0.crash" --core "$core" --exe /usr/bin/a --cmdline "a b" \
	--pid 7 --uid 0 --signal 6 --date "Tue Nov 24 10:00:00 2026" >/dev/null
$mk abrt "$tree/abrt/ccpp-2026-11-24-10:00:00.4242-1" --core "$core" --exe /usr/bin/a \
	--cmdline "a b" --pid 4242 --uid 0 --time 1795514400 --count 1 --reason "a killed by SIGABRT" >/dev/null
$mk minidump "$tree/crash.dmp" --pid 4242 --comm c --signal 11 --code 1 --addr 0x10 \
	--cmdline "a b" --time 1795514400 >/dev/null
python3 "$TESTS_SRCDIR/tests/hygiene.py" make "$tree/hostile" "$core" \
	"$FIXTURE_DIR/hs_err_pid6383.log" "$TESTS_SRCDIR/tests/kinds/mkkinds.py"

# vg WANT-RC NAME ARGS...: coredu ARGS under memcheck; its report in $tmp/NAME.vg
vg() {
	local want=$1 name=$2; shift 2
	valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --track-origins=yes --child-silent-after-fork=yes \
		--log-file="$tmp/$name.vg" "$COREDU" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	# Valgrind 3.19 does not know openat2 (437): it answers ENOSYS, coredu falls back to
	# openat with O_NOFOLLOW, and Valgrind says so in five lines that are not errors.
	sed -i '/unhandled amd64-linux syscall: 437/,+4d' "$tmp/$name.vg"
	if [ "$rc" -eq "$want" ] && [ ! -s "$tmp/$name.vg" ]; then
		pass
	else
		fail "valgrind coredu $* exited $rc (want $want): $(head -c 3000 "$tmp/$name.vg") $(head -c 300 "$tmp/err")"
	fi
}

vg 0 list list "$tree"
vg 0 json json "$tree"
mapfile -d '' files < <(find "$tree" -type f ! -path '*/abrt/*' -print0)
vg 0 info info "${files[@]}" "$tree/abrt/ccpp-2026-11-24-10:00:00.4242-1"
vg 4 doctor doctor "$tree"
vg 0 prune-plan prune --dry-run --keep-newest=1 --per=program "$tree"
mkdir "$tmp/work"
cp -r "$tree/sd" "$tmp/work/"
cp --sparse=always "$core" "$tmp/work/core.1058"
vg 0 prune-compress prune --yes --compress --log="$tmp/journal" "$tmp/work"
vg 0 prune-delete prune --yes --log="$tmp/journal" "$tmp/work"
vg 2 missing list "$tmp/does-not-exist"

finish valgrind
