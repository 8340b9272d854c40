#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The scan's sniffs in batches through io_uring (src/scan/sniffring.c), and the synchronous
# calls that take their place where io_uring is refused: a seccomp filter like Docker's
# default profile (tests/helpers/no_io_uring), a ring that fails on its first wait, a kernel
# without what the chains need.  Every way must give the same answer on the same tree: the
# same dumps, counts and sizes, the same errors.
set -u

: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}" "${HELPERS:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-uring-XXXXXX")
tmp=$(cd "$tmp" && pwd -P)
trap 'chmod -R u+rwX "$tmp"; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"

core=$FIXTURE_DIR/abort-x86-64.core
[ -f "$core" ] || { echo "FAIL: no fixture $core"; exit 1; }

# The tree: one directory of 3,000 files of 4 KiB and more (two getdents buffers, 47
# batches), truncated cores under names that say nothing among them (the first, in the middle,
# the last queued), a compressed one (its head says "look further"), one that cannot be
# opened, small files and subdirectories.
t=$tmp/tree
mkdir -p "$t/big" "$t/sub/deeper"
python3 - "$t/big" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(3000):
    with open(os.path.join(d, "file-%05d.bin" % i), "wb") as f:
        f.write(bytes([i % 251]) * (4096 + (i * 37) % 20000))
PY
head -c 4096 "$core" >"$t/big/file-00000.bin"
head -c 65536 "$core" >"$t/big/file-01500.bin"
head -c 20000 "$core" >"$t/big/file-02999.bin"
head -c 200000 "$core" | xz -c >"$t/big/file-00777.bin"
head -c 8192 "$core" >"$t/sub/deeper/blob"
printf 'small\n' >"$t/sub/small"
head -c 5000 /dev/zero >"$t/big/locked.bin"
chmod 000 "$t/big/locked.bin"

# As root every file opens: the unreadable one is tried as nobody, with the tree readable,
# and the programs copied where nobody can run them (the build tree may be below a private
# directory, as CI's clone is).
as_user=() coredu=$COREDU no_io_uring=$HELPERS/no_io_uring
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		mkdir "$tmp/bin"
		cp "$COREDU" "$tmp/bin/coredu" && cp "$HELPERS/no_io_uring" "$tmp/bin/no_io_uring"
		coredu=$tmp/bin/coredu no_io_uring=$tmp/bin/no_io_uring
		chmod -R a+rX "$tmp"
		chmod 000 "$t/big/locked.bin"
	else
		rm "$t/big/locked.bin" # no way to be refused; the rest still holds
	fi
fi

# answer NAME RUNNER...: coredu json of the tree, reduced to what must not depend on how the
# files were read, in $tmp/NAME.
answer() {
	local name=$1; shift
	"$@" "$coredu" json "$t" </dev/null >"$tmp/$name.json" 2>"$tmp/$name.err"
	python3 - "$tmp/$name.json" >"$tmp/$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]; s.pop("time", None)
print("summary", json.dumps(s, sort_keys=True))
print("scan", {k: d["scan"][k] for k in sorted(d["scan"]) if k in ("files", "dirs", "bytes_apparent", "bytes_disk", "errors")})
for x in sorted(d["dumps"], key=lambda x: x["path"]):
    print("dump", x["path"], x["kind"], x.get("compression"), x["size_apparent"], x["size_disk"])
for e in sorted(d["errors"], key=lambda e: e["path"]):
    print("error", e["path"], json.dumps(e, sort_keys=True))
PY
}

answer ring "${as_user[@]}"
answer refused "${as_user[@]}" "$no_io_uring"

# What the tree holds, whichever way it was read.
for f in big/file-00000.bin big/file-01500.bin big/file-02999.bin big/file-00777.bin sub/deeper/blob; do
	contains "$tmp/ring" "dump $t/$f " "batched sniffs"
	contains "$tmp/refused" "dump $t/$f " "io_uring refused"
done
[ "$(grep -c '^dump ' "$tmp/ring")" = 5 ] && pass || fail "5 dumps wanted: $(cat "$tmp/ring")"
contains "$tmp/ring" "dump $t/big/file-00777.bin elf-core xz" "the compressed core, by the synchronous look"
if [ -e "$t/big/locked.bin" ]; then
	contains "$tmp/ring" "error $t/big/locked.bin" "a file the ring could not open is reported"
fi
cmp -s "$tmp/ring" "$tmp/refused" && pass ||
	fail "the answer differs where io_uring is refused: $(diff "$tmp/ring" "$tmp/refused" | head -20)"

# Which way each run read the files: the ring opens them without a system call each.
if why=$(why_not_strace) && [ -z "$why" ]; then
	opens() { grep -c 'openat(.*file-0' "$1"; }
	# setup_results TRACE: what each io_uring_setup returned, also when strace split the
	# call (another thread's call between "<unfinished ...>" and "<... resumed>").
	setup_results() {
		grep -E 'io_uring_setup\(|io_uring_setup resumed>' "$1" | grep -v 'unfinished \.\.\.>$' |
			sed 's/.* = //'
	}
	strace -f -qq -o "$tmp/trace.ring" -e trace=io_uring_setup,openat \
		"${as_user[@]}" "$coredu" json "$t" </dev/null >/dev/null 2>&1
	strace -f -qq -o "$tmp/trace.refused" -e trace=io_uring_setup,openat \
		"${as_user[@]}" "$no_io_uring" "$coredu" json "$t" </dev/null >/dev/null 2>&1
	setup_results "$tmp/trace.refused" >"$tmp/setup.refused"
	[ -s "$tmp/setup.refused" ] && ! grep -qv '^-1 EPERM' "$tmp/setup.refused" && pass ||
		fail "no_io_uring: io_uring_setup was not refused: $(head -3 "$tmp/setup.refused")"
	[ "$(opens "$tmp/trace.refused")" -ge 3000 ] && pass ||
		fail "refused: $(opens "$tmp/trace.refused") file opens, want one for each of 3,000 files"
	ring_ran=false
	setup_results "$tmp/trace.ring" | grep -q '^[0-9]' && ring_ran=true
	if $ring_ran; then
		# The dumps and the compressed one are opened again by the synchronous path.
		[ "$(opens "$tmp/trace.ring")" -le 40 ] && pass ||
			fail "ring: $(opens "$tmp/trace.ring") file opens by system call, want the dumps' only"
	else
		echo "note: io_uring is refused on this machine ($(setup_results "$tmp/trace.ring" | head -1)): the batched half is not tested here"
	fi
	# A ring that fails on its first wait, and a kernel that refuses to register the fixed
	# files (older than the chains need): the same answer, by the synchronous path.
	answer enter_fails strace -f -qq -o "$tmp/trace.enter" -e trace=io_uring_enter \
		-e inject=io_uring_enter:error=EIO:when=1 "${as_user[@]}"
	if $ring_ran; then
		contains "$tmp/trace.enter" "EIO (Input/output error) (INJECTED)" "strace failed io_uring_enter"
	fi
	cmp -s "$tmp/ring" "$tmp/enter_fails" && pass ||
		fail "a failing io_uring_enter changed the answer: $(diff "$tmp/ring" "$tmp/enter_fails" | head -20)"
	answer register_fails strace -f -qq -o "$tmp/trace.register" -e trace=io_uring_register \
		-e inject=io_uring_register:error=EINVAL "${as_user[@]}"
	if $ring_ran; then
		contains "$tmp/trace.register" "EINVAL (Invalid argument) (INJECTED)" "strace refused io_uring_register"
	fi
	cmp -s "$tmp/ring" "$tmp/register_fails" && pass ||
		fail "a refused io_uring_register changed the answer: $(diff "$tmp/ring" "$tmp/register_fails" | head -20)"
else
	echo "note: $why: which way the files were read is not checked"
fi

finish uring
