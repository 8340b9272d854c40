#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile trees, through the command line: very deep and very wide trees, hostile names,
# files and directories that change under the walker, special files and links named like
# cores, bind-mount loops and kernel file systems.  Each must end normally, with bounded
# memory, the right dumps and the right error count.  (tests/unit/check_scan.c tests the
# same rules on the library with small trees.)
#
# Changes "during the scan" are made deterministic, not raced: strace stops coredu with
# SIGSTOP right after it has read the first bytes of a chosen file (its directory is
# listed by then), the test changes the tree, and SIGCONT lets it go on.
set -u

: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-trees-XXXXXX")
chmod 755 "$tmp"
tmp=$(cd "$tmp" && pwd -P) # the paths coredu reports are canonical
mounts=() shm="" main=$BASHPID
# Only the test's own shell cleans up: a background subshell killed by a signal would run
# the EXIT trap it inherited.
cleanup() {
	local m
	[ "$BASHPID" = "$main" ] || return 0
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null; done
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp" ${shm:+"$shm"}
}
trap cleanup EXIT

. "$TESTS_SRCDIR/tests/lib.sh"

core=$FIXTURE_DIR/abort-x86-64.core
[ -f "$core" ] || { echo "FAIL: no fixture $core"; exit 1; }
# what coredu reads from that core, for comparisons
"$COREDU" json "$core" >"$tmp/fixture.json"
sanitized=false
[ "${SANITIZERS:-no}" = yes ] && sanitized=true
skip() { echo "SKIP: $*"; }

# measure OUT CMD...: run CMD without stdin, stdout to OUT, stderr to $tmp/err; $rc its exit
# status, $rss its peak resident set in KiB.  GNU time's child is small before it runs CMD;
# Python's would start with the interpreter's resident pages, so it is the fallback.
measure() {
	local out=$1; shift
	if /usr/bin/time -f %M -o "$tmp/rss" true 2>/dev/null; then
		/usr/bin/time -f %M -o "$tmp/rss" "$@" >"$out" 2>"$tmp/err" </dev/null
		rc=$?
		rss=$(tail -1 "$tmp/rss")
		return
	fi
	python3 - "$out" "$tmp/err" "$tmp/rss" "$@" <<'EOF'
import resource, subprocess, sys
out, err, rssf, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(out, "wb") as o, open(err, "wb") as e:
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=o, stderr=e)
with open(rssf, "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc if rc >= 0 else 128 - rc)
EOF
	rc=$?
	rss=$(cat "$tmp/rss")
}

# jcheck FILE EXPR WHY [ARG]...: EXPR, a Python expression, holds for the JSON document in
# FILE.  Names: d (the document), S (d["scan"]), P (dump paths as bytes), E (errors as
# (path bytes, message)), A (the ARGs as bytes), f (the fixture core's entry), b, os.
jcheck() {
	local file=$1 expr=$2 why=$3 out; shift 3
	out=$(FIXTURE_JSON=$tmp/fixture.json python3 - "$file" "$expr" "$@" 2>&1 <<'EOF'
import json, os, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        d = json.load(f)
except Exception as e:
    sys.exit("not a JSON document: %s" % e)
b = lambda s: s.encode("utf-8", "surrogateescape")
S = d["scan"]
P = [b(x["path"]) for x in d["dumps"]]
E = [(b(x["path"]), x["error"]) for x in d["errors"]]
A = [os.fsencode(a) for a in sys.argv[3:]]
with open(os.environ["FIXTURE_JSON"], encoding="utf-8") as ff:
    f = json.load(ff)["dumps"][0] # the fixture core as coredu reads it
if not eval(sys.argv[2]):
    sys.exit("scan %s; %d dumps %s; errors %s" % (S, len(P), [p[-80:] for p in P][:8], E[:8]))
EOF
	) && pass || fail "$why: $expr: $out"
}

# ---- strace: stop coredu at a chosen point ---------------------------------------------------
# Under strace, LeakSanitizer cannot stop the world at exit.
traced_env=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
# The checks below name coredu's descriptors by their paths (strace -y, -P): strace must be
# there, ptrace allowed, and /proc/PID/fd readable, which for a non-dumpable process (coredu
# makes itself one) takes root.
have_strace=false strace_runs=false
mkdir "$tmp/probe"
if ! command -v strace >/dev/null; then
	why_no_strace="strace is not installed (apt-get install strace)"
elif ! strace -f -o /dev/null -e trace=none true 2>/dev/null; then
	why_no_strace="strace cannot trace here (ptrace not permitted)"
elif strace_runs=true; "${traced_env[@]}" strace -f -y -o "$tmp/trace" -e trace=getdents64 "$COREDU" json "$tmp/probe" \
	>/dev/null 2>&1 </dev/null; [ $? -gt 1 ]; then
	why_no_strace="coredu does not run under strace" strace_runs=false
elif ! grep -qF "<$tmp/probe>" "$tmp/trace"; then
	why_no_strace="strace cannot name a non-dumpable process's descriptors (needs root)"
else
	have_strace=true
fi

# pause_at OUT FILE... -- CMD...: start CMD under strace (stdout to OUT, stderr to
# $tmp/err), stopped by SIGSTOP on return from its first pread64 of one of the FILEs, that
# is when it is sniffing that file and has listed the file's directory.  Sets $paused_on
# to that file; returns 1 if CMD did not get there.  Then: resume.  A CMD that hangs is
# killed after a minute (timeout; exit status 124).
pause_at() {
	local out=$1 p=() i; shift
	while [ "$1" != -- ]; do p+=(-P "$1"); shift; done
	shift
	: >"$tmp/trace"
	"${traced_env[@]}" strace -f -y -o "$tmp/trace" "${p[@]}" -e trace=pread64 \
		-e inject=pread64:signal=SIGSTOP:when=1 timeout 60 "$@" >"$out" 2>"$tmp/err" </dev/null &
	tracer=$! stopped="" paused_on=""
	for i in $(seq 1 400); do
		stopped=$(sed -n 's/^\([0-9]*\) *pread64(.*/\1/p' "$tmp/trace" | head -1)
		[ -n "$stopped" ] && grep -q "^$stopped *--- stopped by SIGSTOP" "$tmp/trace" && break
		stopped=""
		kill -0 "$tracer" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$stopped" ]; then
		wait "$tracer"
		return 1
	fi
	paused_on=$(sed -n "s/^$stopped *pread64([0-9]*<\(.*\)>, .*/\1/p" "$tmp/trace" | head -1)
}
# resume: let it go on; $rc is its exit status.
resume() {
	kill -CONT "$stopped" # a thread of it: the signal goes to the whole process
	wait "$tracer"
	rc=$?
}

# ---- 1. 10,000 nested directories, a core at the bottom ----------------------------------------
# Far deeper than PATH_MAX allows to name (20,000 bytes): built with descriptors, on a tmpfs
# if there is one (where an ext4 with online discard takes 40 s to delete the chain).
fast=$tmp
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/tmpfs" && mount -t tmpfs -o size=64m tmpfs "$tmp/tmpfs" 2>/dev/null; then
	mounts+=("$tmp/tmpfs")
	fast=$tmp/tmpfs
elif [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && shm=$(mktemp -d /dev/shm/coredu-trees-XXXXXX); then
	fast=$(cd "$shm" && pwd -P)
fi
python3 - "$fast/deep" "$core" 10000 <<'EOF'
import os, sys
root, src, depth = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.mkdir(root)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
for _ in range(depth):
    os.mkdir("d", dir_fd=fd)
    nfd = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
with open(src, "rb") as f:
    data = f.read()
out = os.open("core", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(out, data)
os.close(out)
os.close(fd)
EOF
deep_core=$fast/deep$(printf '/d%.0s' $(seq 1 10000))/core
measure "$tmp/out" "$COREDU" json "$fast/deep"
[ "$rc" -eq 0 ] && pass || fail "10,000 deep: exit $rc: $(head -c 300 "$tmp/err")"
jcheck "$tmp/out" 'P == A' "10,000 deep: the core at the bottom, with its full path" "$deep_core"
jcheck "$tmp/out" 'S["dirs"] == 10001 and S["files"] == 1 and S["errors"] == 0' "10,000 deep: totals"
echo "trees: 10,000 deep, json: maxrss $rss KiB"
[ "$sanitized" = true ] || [ "$rss" -lt $((64 * 1024)) ] && pass || fail "10,000 deep: maxrss $rss KiB"
# One thread, and a descriptor limit far below the depth (ancestors evicted and reopened).
run 0 "$COREDU" json -j 1 "$fast/deep"
jcheck "$tmp/out" 'P == A and S["dirs"] == 10001' "10,000 deep, one thread" "$deep_core"
(ulimit -n 40 && exec "$COREDU" json -j 2 "$fast/deep") >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" -eq 0 ] && pass || fail "10,000 deep under ulimit -n 40: exit $rc: $(head -c 300 "$tmp/err")"
jcheck "$tmp/out" 'P == A and S["dirs"] == 10001 and S["errors"] == 0' "10,000 deep under ulimit -n 40" "$deep_core"
# Two threads take turns down a chain: each directory a thread steals it opens by its path
# from the root, which once made ~n²/2 = 9 million openat calls (3 to 14 s; here a timeout).
if [ "$strace_runs" = true ]; then
	"${traced_env[@]}" timeout 30 strace -f -c -o "$tmp/counts" -e trace=openat,openat2 \
		"$COREDU" json -j 2 "$fast/deep" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$? opens=$(awk '$NF == "total" {print $4}' "$tmp/counts" 2>/dev/null)
	[ "$rc" -eq 0 ] && [ "${opens:-0}" -gt 0 ] && [ "$opens" -lt 30000 ] && pass ||
		fail "10,000 deep, two threads: exit $rc, ${opens:-?} opens (want < 30,000)"
else
	skip "10,000 deep, counting opens: $why_no_strace"
fi
# The table shows the whole path too.
run 0 "$COREDU" list --no-legend "$fast/deep"
[ "$(awk 'NR == 1 {print $NF}' "$tmp/out")" = "$deep_core" ] && pass ||
	fail "10,000 deep: list shows the full path: $(head -c 200 "$tmp/out")..."
rm -rf "$fast/deep"
if [ "$fast" = "$tmp/tmpfs" ]; then
	umount "$fast" && mounts=()
fi

# ---- 2. 200,000 files in one directory: memory does not grow with them --------------------------
mkdir "$tmp/empty"
measure "$tmp/out" "$COREDU" json "$tmp/empty"
base_rss=$rss
python3 - "$tmp/wide" 200000 <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.mkdir(root)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
for i in range(n):
    os.close(os.open("file-%06d" % i, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
os.close(fd)
EOF
cp "$core" "$tmp/wide/file-100000.core"
head -c 4096 /dev/zero >"$tmp/wide/file-000007" # some are read, not only opened
measure "$tmp/out" "$COREDU" json "$tmp/wide"
[ "$rc" -eq 0 ] && pass || fail "200,000 files: exit $rc: $(head -c 300 "$tmp/err")"
jcheck "$tmp/out" 'P == A and S["files"] == 200001 and S["dirs"] == 1 and S["errors"] == 0' \
	"200,000 files: one dump, every file counted" "$tmp/wide/file-100000.core"
echo "trees: 200,000 files, json: maxrss $rss KiB (an empty directory: $base_rss KiB)"
if [ "$sanitized" = true ]; then
	skip "200,000 files: no memory bound under the sanitizers (they inflate RSS)"
else
	[ "$rss" -lt $((256 * 1024)) ] && pass || fail "200,000 files: maxrss $rss KiB >= 256 MiB"
	[ $((rss - base_rss)) -lt $((32 * 1024)) ] && pass ||
		fail "200,000 files: maxrss $rss KiB grows with the files (empty: $base_rss KiB)"
fi
rm -rf "$tmp/wide"

# ---- 2b. workers start as the work needs them ---------------------------------------------------
# A directory is listed by one worker, so a scan of one directory with a core starts one thread
# whatever -j allows; a tree starts more, never more than -j.  A directory of many cores is parsed
# by its worker and its parse helpers, one fewer than the CPUs (at most 8): on two CPUs or more at
# least one starts, from the second core (not where ulimit -n is 64 or less: they need spare
# descriptors).  Counted from clone calls.
if [ "$strace_runs" = true ]; then
	mkdir -p "$tmp/flat" "$tmp/forest"
	for i in $(seq 1 300); do : >"$tmp/flat/f$i"; done
	cp "$core" "$tmp/flat/core.1"
	for i in $(seq 1 40); do mkdir "$tmp/forest/d$i" && : >"$tmp/forest/d$i/f"; done
	cp "$core" "$tmp/forest/d7/core.7"
	threads() { # threads DIR J: how many threads coredu json -j J DIR starts
		"${traced_env[@]}" strace -f -qq -o "$tmp/trace" -e trace=clone,clone3 \
			"$COREDU" json -j "$2" "$1" >"$tmp/out" 2>"$tmp/err" </dev/null
		grep -cE '^[0-9]+ +clone3?\(' "$tmp/trace"
	}
	n=$(threads "$tmp/flat" 16)
	[ "$n" -eq 1 ] && pass || fail "one directory, -j 16: $n threads started, not 1"
	jcheck "$tmp/out" 'P == A and S["files"] == 301' "one directory: its core found" "$tmp/flat/core.1"
	n=$(threads "$tmp/forest" 4)
	[ "$n" -ge 1 ] && [ "$n" -le 4 ] && pass || fail "40 directories, -j 4: $n threads started"
	jcheck "$tmp/out" 'P == A and S["dirs"] == 41' "40 directories: the core found" "$tmp/forest/d7/core.7"
	for i in $(seq 2 12); do cp "$core" "$tmp/flat/core.$i"; done
	cpus=$(nproc)
	slots=$((cpus < 8 ? cpus : 8))
	n=$(threads "$tmp/flat" 16)
	nofile=$(ulimit -n)
	if [ "$cpus" -ge 2 ] && { [ "$nofile" = unlimited ] || [ "$nofile" -gt 64 ]; }; then
		[ "$n" -ge 2 ] && [ "$n" -le "$slots" ] && pass ||
			fail "12 cores in one directory, $cpus CPUs: $n threads started, not 2 to $slots"
	else
		[ "$n" -eq 1 ] && pass ||
			fail "12 cores in one directory, $cpus CPU(s), ulimit -n $nofile: $n threads started"
	fi
	jcheck "$tmp/out" 'len(P) == 12 and S["files"] == 312 and all(x["pid"] == f["pid"] for x in d["dumps"])' \
		"12 cores in one directory: each read"
	rm -rf "$tmp/flat" "$tmp/forest"
else
	skip "threads started: $why_no_strace"
fi

# ---- 3. hostile and 255-byte names -------------------------------------------------------------
# Each pair: a directory chain and a file name, all holding a core; NAME_MAX (255-byte)
# names, one chain of them deeper than PATH_MAX, invalid UTF-8, control characters.
python3 - "$tmp/names" "$core" "$tmp/names.want" <<'EOF'
import os, sys
root, src, want = os.fsencode(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
cores = [
    ([b"new\nline"], b"co\nre"),
    ([b"esc\x1b]0;pwned\x07"], b"core\x1b[31m.1"),
    ([b"bad\xff\xfe", b"\xc0\xaf"], b"core.\xed\xa0\x80"),    # overlong '/', a UTF-16 surrogate
    ([b"\xc3\xa9" * 127 + b"x"], b"\xff" * 255),             # 255 bytes each
    ([b"L" * 255] * 20, b"c" * 250 + b".core"),              # 5,376 bytes: > PATH_MAX
    ([b"\n"], b"-"),
]
os.mkdir(root)
paths = []
for dirs, name in cores:
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for d in dirs:
        try:
            os.mkdir(d, dir_fd=fd)
        except FileExistsError:
            pass
        nfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(out, data)
    os.close(out)
    os.close(fd)
    paths.append(b"/".join([root] + dirs + [name]))
# a 255-byte name that is not a dump
with open(os.path.join(root, b"t" * 255), "wb") as f:
    f.write(b"not a core\n" * 10)
with open(want, "w") as f:
    f.write("\n".join(p.hex() for p in paths) + "\n")
EOF
names_want='sorted(P) == sorted(bytes.fromhex(l) for l in open(A[0]).read().split())'
run 0 "$COREDU" json "$tmp/names"
jcheck "$tmp/out" "$names_want and S[\"errors\"] == 0 and S[\"files\"] == 7" \
	"hostile names: every core, byte-exact paths" "$tmp/names.want"
run 0 "$COREDU" list --no-legend "$tmp/names"
python3 - "$tmp/out" <<'EOF' && pass || fail "hostile names: list has one clean row per core"
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if (b < 0x20 and b != 0x0a) or b in (0x7f, 0x9b)]
assert not bad, bad[:10]
assert data.count(b"\n") == 6, data.count(b"\n")
EOF
rm -rf "$tmp/names"

# ---- 4. files and directories deleted, replaced or growing during the scan ----------------------
# coredu is stopped while sniffing one of eight cores in churn/ (the directory is listed by
# then); that core is truncated under it, and the others are deleted, replaced by text, by
# a FIFO, by a symbolic link to a core outside, grown, shrunk; directories are deleted,
# replaced by a link to a directory with a core, or by another directory.
if [ "$have_strace" = true ]; then
	c=$tmp/churn
	mkdir -p "$c/sd1" "$c/sd2" "$c/sd3" "$tmp/outside"
	for f in c1 c2 c3 c4 c5 c6 c7 c8; do cp "$core" "$c/$f.core"; done
	for f in sd1 sd2 sd3; do cp "$core" "$c/$f/core"; done
	cp "$core" "$tmp/outside/core"
	size=$(stat -c %s "$core")
	if pause_at "$tmp/out" "$c"/c?.core -- "$COREDU" json -j 1 "$c"; then
		pass
		others=()
		for f in "$c"/c?.core; do [ "$f" != "$paused_on" ] && others+=("$f"); done
		truncate -s 20000 "$paused_on"                          # shrinks while parsed
		rm "${others[0]}"                                       # deleted
		printf 'replaced\n' >"$tmp/text" && mv "$tmp/text" "${others[1]}"   # renamed over
		head -c 1048576 /dev/zero >>"${others[2]}"              # grows
		truncate -s 100 "${others[3]}"                          # shrinks to a stub
		rm "${others[4]}" && mkfifo "${others[4]}"              # becomes a FIFO
		rm "${others[5]}" && ln -s "$tmp/outside/core" "${others[5]}"  # a link
		rm -r "$c/sd1"                                          # directory deleted
		mv "$c/sd2" "$tmp/sd2.old" && ln -s "$tmp/outside" "$c/sd2"     # a link to a dir
		mv "$c/sd3" "$tmp/sd3.old" && mkdir "$c/sd3"            # another directory
		resume
		[ "$rc" -eq 0 ] && pass || fail "changing tree: exit $rc: $(head -c 300 "$tmp/err")"
		# Found: the grown core (with its new size) and the untouched one; maybe the two
		# shrunk ones; nothing else, and nothing outside the tree.
		jcheck "$tmp/out" 'set(A[:2]) <= set(P) <= set(A)' "changing tree: the dumps" \
			"${others[2]}" "${others[6]}" "$paused_on" "${others[3]}"
		jcheck "$tmp/out" \
			'[x["size_apparent"] for x in d["dumps"] if b(x["path"]) == A[0]] == [int(A[1])]' \
			"changing tree: a grown core has its new size" "${others[2]}" $((size + 1048576))
		jcheck "$tmp/out" 'all(x["truncated"] for x in d["dumps"] if b(x["path"]) == A[0])' \
			"changing tree: a core shrunk to a stub is truncated" "${others[3]}"
		# What could not be read is null, never made up (the core shrunk while parsed
		# keeps the size it had when opened, and what it still held).
		jcheck "$tmp/out" 'all(x[k] in (None, f[k]) for x in d["dumps"] for k in ("pid", "uid", "comm", "cmdline", "build_id")) and all(x["exe"] in (None, f["exe"], f["exe_mapped"]) for x in d["dumps"])' \
			"changing tree: no made-up process facts"
		# Errors: the link where sd2 was, the replaced sd3; a vanished entry is not one.
		jcheck "$tmp/out" 'sorted(p for p, _ in E) == sorted(A) and S["errors"] == 2' \
			"changing tree: errors" "$c/sd2" "$c/sd3"
		contains "$tmp/out" "directory replaced during scan" "changing tree: sd3 is refused"
	else
		fail "changing tree: coredu never stopped at a core: $(tail -c 300 "$tmp/trace")"
	fi
	rm -rf "$c" "$tmp/outside" "$tmp/sd2.old" "$tmp/sd3.old"
else
	skip "changing tree: $why_no_strace"
fi

# ---- 4b. a name swapped between its fstatat and its open ----------------------------------------
# A file of 4 KiB or more is stat'ed, then opened and sniffed with no second stat unless its
# head says dump.  Here a 20,000-byte text file becomes a core between the two calls: strace
# holds the worker's open of it and the test renames the core over it meanwhile.  The dump must
# carry the open file's own size, not the text file's, and the scan's bytes the core's.  Both
# ways a file is opened: by openat (its second, the first being the directory's) where io_uring
# is refused, and by the ring (its first io_uring_enter submits the open).
nr_openat=$(python3 -c 'import platform; print({"x86_64": 257, "aarch64": 56}.get(platform.machine(), ""))')
# held_at NR COMMAND: until a thread of COMMAND (started under strace, $tracer) is in a
# tracing stop at system call NR, not relative to AT_FDCWD; 1 if the tracer ends first.
held_at() {
	local i pid t sc a0 st
	for i in $(seq 1 1000); do
		pid=$(pgrep -x -f "$2" | head -1)
		for t in ${pid:+/proc/$pid/task/[0-9]*}; do
			read -r sc a0 _ <"$t/syscall" 2>/dev/null || continue
			read -r st <"$t/stat" 2>/dev/null || continue
			st=${st##*) }
			[ "$sc" = "$1" ] && [ "$a0" != 0xffffffffffffff9c ] && [ "${st%% *}" = t ] && return 0
		done
		kill -0 "$tracer" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}
# swap_test WHAT NR RUNNER...: hold coredu at its call to system call NR, WHAT it is called.
swap_test() {
	local what=$1 nr=$2; shift 2
	local c=$tmp/swap
	mkdir -p "$c/t"
	head -c 20000 /dev/zero | tr '\0' x >"$c/t/data.bin"
	cp "$core" "$c/core.new"
	size=$(stat -c %s "$core")
	# openat: the file's, after the directory's; io_uring_enter (not about a path): the first.
	local only=(-P "$c/t") when=2
	[ "$what" = openat ] || only=() when=1
	"${traced_env[@]}" strace -f "${only[@]}" -o "$tmp/trace" -e trace="$what" \
		-e inject="$what":delay_enter=5000000:when=$when \
		"$@" timeout 60 "$COREDU" json -j 1 "$c/t" >"$tmp/out" 2>"$tmp/err" </dev/null &
	tracer=$!
	if held_at "$nr" "$COREDU json -j 1 $c/t"; then
		mv "$c/core.new" "$c/t/data.bin"
		wait "$tracer"
		rc=$?
		[ "$rc" -eq 0 ] && pass || fail "swapped name ($what): exit $rc: $(head -c 300 "$tmp/err")"
		jcheck "$tmp/out" '[x["size_apparent"] for x in d["dumps"]] == [int(A[1])] and P == A[:1] and S["files"] == 1 and S["bytes_apparent"] >= int(A[1])' \
			"swapped name ($what): the core found with its own size" "$c/t/data.bin" "$size"
	else
		wait "$tracer"
		fail "swapped name ($what): coredu was never held at the open: $(tail -c 300 "$tmp/trace")"
	fi
	rm -rf "$c"
}
# ---- 4c. the ring's batch changed before it is submitted --------------------------------------
# Five plain-named files of 4 KiB and more are queued on the ring; held at its io_uring_enter,
# one becomes a FIFO that a writer holds open and never writes to (the read must not wait for
# data), one a link to a core outside the tree, one is deleted, one shrinks to 100 bytes, one
# becomes a core.
ring_churn() {
	local c=$tmp/ringchurn f
	mkdir -p "$c/t" "$tmp/outside"
	for f in fifo link gone shrunk incoming; do head -c 9000 /dev/zero | tr '\0' y >"$c/t/$f.bin"; done
	cp "$core" "$tmp/outside/core"
	cp "$core" "$c/core.new"
	"${traced_env[@]}" strace -f -o "$tmp/trace" -e trace=io_uring_enter \
		-e inject=io_uring_enter:delay_enter=5000000:when=1 \
		timeout 60 "$COREDU" json -j 1 "$c/t" >"$tmp/out" 2>"$tmp/err" </dev/null &
	tracer=$!
	if held_at 426 "$COREDU json -j 1 $c/t"; then
		rm "$c/t/fifo.bin" && mkfifo "$c/t/fifo.bin"
		sleep 300 3<>"$c/t/fifo.bin" & # read-write: opens at once, and is a writer
		local holder=$!
		rm "$c/t/link.bin" && ln -s "$tmp/outside/core" "$c/t/link.bin"
		rm "$c/t/gone.bin"
		truncate -s 100 "$c/t/shrunk.bin"
		mv "$c/core.new" "$c/t/incoming.bin"
		wait "$tracer"
		rc=$?
		kill "$holder"
		wait "$holder" 2>/dev/null
		[ "$rc" -eq 0 ] && pass || fail "ring churn: exit $rc (124: it waited on the FIFO): $(head -c 300 "$tmp/err")"
		jcheck "$tmp/out" 'P == A and S["errors"] == 0 and S["files"] == 4' \
			"ring churn: the core that came in, nothing through the link, no error" "$c/t/incoming.bin"
	else
		wait "$tracer"
		fail "ring churn: coredu was never held at io_uring_enter: $(tail -c 300 "$tmp/trace")"
	fi
	rm -rf "$c" "$tmp/outside"
}
if [ "$have_strace" = true ] && [ -n "$nr_openat" ]; then
	swap_test openat "$nr_openat" "$HELPERS/no_io_uring"
	# io_uring_enter is 426 on every architecture.
	if uring_here; then
		swap_test io_uring_enter 426
		ring_churn
	else
		skip "swapped name (io_uring): io_uring is refused here"
	fi
elif [ -z "$nr_openat" ]; then
	skip "swapped name: openat's number on $(uname -m) is not known here"
else
	skip "swapped name: $why_no_strace"
fi

# ---- 5. directories becoming unreadable during the scan -----------------------------------------
# As an unprivileged user (root ignores modes).  Stopped while sniffing the core of one of
# five directories; of the other four, one becomes mode 000, one 0444 (listable, nothing
# in it reachable), one keeps its mode but its core becomes 000; one is left alone.
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$have_strace" != true ]; then
	skip "unreadable mid-scan: $why_no_strace"
elif [ "$(id -u)" -eq 0 ] && [ ${#as_user[@]} -eq 0 ]; then
	skip "unreadable mid-scan: as root it needs setpriv (apt-get install util-linux)"
else
	u=$tmp/perm
	for dd in p1 p2 p3 p4 p5; do mkdir -p "$u/$dd" && cp "$core" "$u/$dd/core"; done
	chmod -R a+rX "$u"
	if pause_at "$tmp/out" "$u"/p?/core -- "${as_user[@]}" "$COREDU" json -j 1 "$u"; then
		pass
		cur=${paused_on%/core}
		others=()
		for dd in "$u"/p?; do [ "$dd" != "$cur" ] && others+=("$dd"); done
		chmod 000 "${others[0]}"
		chmod 0444 "${others[1]}"
		chmod 000 "${others[2]}/core"
		chmod 000 "$cur" # being read: its open descriptor still lists it
		resume
		[ "$rc" -eq 0 ] && pass || fail "unreadable mid-scan: exit $rc: $(head -c 300 "$tmp/err")"
		jcheck "$tmp/out" 'sorted(P) == sorted(A)' "unreadable mid-scan: the scan goes on" \
			"$cur/core" "${others[3]}/core"
		jcheck "$tmp/out" 'S["errors"] == 3 and sorted(E) == sorted(zip(A[0::2], (a.decode() for a in A[1::2])))' \
			"unreadable mid-scan: each unreadable thing is one error" \
			"${others[0]}" "cannot open directory: Permission denied" \
			"${others[1]}/core" "cannot stat: Permission denied" \
			"${others[2]}/core" "cannot open: Permission denied"
		contains "$tmp/err" "${others[0]}" "unreadable mid-scan: named on stderr"
	else
		fail "unreadable mid-scan: coredu never stopped at a core: $(tail -c 300 "$tmp/trace")"
	fi
	chmod -R u+rwx "$u"
	rm -rf "$u"
fi

# ---- 6. FIFOs, sockets and devices named like cores: counted, never opened -----------------------
s=$tmp/special
mkdir -p "$s"
cp "$core" "$s/real.core"
mkfifo "$s/core"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$s/core.sock"
nspecial=3
if mknod "$s/core.1" c 1 3 2>/dev/null; then nspecial=4; else skip "a device node: mknod needs root"; fi
# A writer blocks in open() until a reader opens the FIFO.
(exec 3>"$s/core"; touch "$tmp/fifo-opened") &
writer=$!
run 0 timeout 60 "$COREDU" json "$s"
jcheck "$tmp/out" 'P == A[:1] and S["files"] == int(A[1]) and S["errors"] == 0' \
	"special files: counted, not dumps" "$s/real.core" "$nspecial"
sleep 0.2
[ ! -e "$tmp/fifo-opened" ] && pass || fail "special files: the FIFO was opened"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

# ---- 7. symbolic link loops and links out of the tree: never followed ----------------------------
l=$tmp/links
mkdir -p "$l/sub" "$tmp/outside"
cp "$core" "$l/sub/core"
cp "$core" "$tmp/outside/core"
ln -s . "$l/self"
ln -s loop-b "$l/loop-a"
ln -s loop-a "$l/loop-b"
ln -s .. "$l/sub/up"
ln -s "$l" "$l/sub/root"
ln -s "$tmp/outside" "$l/out"
ln -s "$tmp/outside/core" "$l/core"
run 0 timeout 60 "$COREDU" json "$l"
jcheck "$tmp/out" 'P == A and S["dirs"] == 2 and S["files"] == 8 and S["errors"] == 0' \
	"links: not followed" "$l/sub/core"

# 6 and 7 seen from the system calls: none of those names is ever opened.
if [ "$have_strace" = true ]; then
	"${traced_env[@]}" strace -f -y -o "$tmp/trace" -e trace=open,openat,openat2 \
		timeout 60 "$COREDU" json "$s" "$l" >"$tmp/out" 2>"$tmp/err" </dev/null
	[ $? -eq 0 ] && pass || fail "special files and links under strace: $(head -c 300 "$tmp/err")"
	for n in core core.sock core.1; do lacks "$tmp/trace" "$s>, \"$n\"" "never opened: $n"; done
	for n in self loop-a loop-b out core; do lacks "$tmp/trace" "$l>, \"$n\"" "never opened: $n"; done
	for n in up root; do lacks "$tmp/trace" "$l/sub>, \"$n\"" "never opened: sub/$n"; done
	contains "$tmp/trace" "$s>, \"real.core\"" "the strace check sees the opens"
else
	skip "special files and links, system calls: $why_no_strace"
fi
rm -rf "$s" "$l" "$tmp/outside" "$tmp/fifo-opened"

# ---- 8. bind mounts: a loop, with and without -x, and one from the same file system ------------
# getdents shows a mount point with the inode of the directory it covers: neither may pass
# for a directory replaced during the scan.
b=$tmp/bind
mkdir -p "$b/sub/loop" "$b/mnt" "$tmp/bindsrc"
cp "$core" "$b/core"
cp "$core" "$tmp/bindsrc/core"
if mount --bind "$b" "$b/sub/loop" 2>"$tmp/err"; then
	mounts+=("$b/sub/loop")
	mount --bind "$tmp/bindsrc" "$b/mnt" && mounts+=("$b/mnt")
	for x in "" -x; do
		run 0 timeout 60 "$COREDU" json $x "$b"
		jcheck "$tmp/out" 'sorted(P) == A[:2] and S["dirs"] == 3 and [p for p, _ in E] == A[2:]' \
			"bind mounts ${x:-without -x}: the loop not followed, the other scanned" \
			"$b/core" "$b/mnt/core" "$b/sub/loop"
		contains "$tmp/out" "directory loop" "bind mounts ${x:-without -x}: the loop is named"
	done
	umount "$b/sub/loop" "$b/mnt" && mounts=()
else
	skip "bind mounts: mount --bind failed: $(head -1 "$tmp/err")"
fi
rm -rf "$b" "$tmp/bindsrc"

# ---- 10. sparse and huge files: holes are not read ---------------------------------------------
# A compressed core with a huge sparse tail (issue 14, finding 1): zeros after an xz stream
# are padding, and a zstd or lz4 skippable frame's content may be a hole; all of it used to be
# read (64 GiB: 107 s).  The work is counted as bytes coredu reads (strace), not timed.
sp=$tmp/sparse
mkdir "$sp"
head -c 458752 "$core" | xz -c >"$sp/core.1.xz"
truncate -s 64G "$sp/core.1.xz"
head -c 458752 "$core" | zstd -q -c >"$sp/core.2.zst" # from a pipe: no size in the frame
head -c 458752 "$core" | lz4 -q -c >"$sp/core.3.lz4"
python3 - "$sp/core.2.zst" "$sp/core.3.lz4" <<'EOF'
import os, struct, sys
for path in sys.argv[1:]: # three skippable frames of 4 GiB each, their content a hole
    with open(path, "r+b") as f:
        end = f.seek(0, os.SEEK_END)
        for i in range(3):
            f.seek(end)
            f.write(struct.pack("<II", 0x184D2A50 + i, 0xFFFFFFFF))
            end += 8 + 0xFFFFFFFF
        f.truncate(end)
EOF
cp "$core" "$sp/core.4"
truncate -s 1T "$sp/core.4" # a plain core with a 1 TiB hole after its data
for v in json list "info $sp/core.1.xz $sp/core.2.zst" "prune --compress --dry-run"; do
	set -- $v
	[ "$1" = info ] || set -- "$@" "$sp"
	timeout 120 "$COREDU" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[ "$rc" -eq 0 ] && pass || fail "sparse tails: coredu $1 exited $rc: $(head -c 300 "$tmp/err")"
done
"$COREDU" json "$sp" >"$tmp/out" 2>"$tmp/err" </dev/null
jcheck "$tmp/out" 'len(P) == 4 and all(x["kind"] == "elf-core" and x["pid"] == f["pid"] for x in d["dumps"])' \
	"sparse tails: four cores, each parsed from its head"
jcheck "$tmp/out" 'sorted(x["size_apparent"] for x in d["dumps"])[-1] == 1 << 40' \
	"sparse tails: the 1 TiB core's apparent size"
if [ "$have_strace" = true ]; then
	"${traced_env[@]}" strace -f -qq -o "$tmp/trace" -e trace=pread64,read -e signal=none \
		"$COREDU" json "$sp" >/dev/null 2>&1 </dev/null
	read_bytes=$(sed -n 's/^[0-9]* *\(pread64\|read\)(.* = \([0-9][0-9]*\)$/\2/p' "$tmp/trace" |
		awk '{ s += $1 } END { printf "%.0f\n", s }')
	# four files: at most DECOMP_INPUT_LIMIT (16 MiB) of each compressed one, the rest small
	[ "$read_bytes" -le $((64 << 20)) ] && pass ||
		fail "sparse tails: coredu json read $read_bytes bytes (holes of 12-64 GiB)"
else
	skip "sparse tails, bytes read: $why_no_strace"
fi
# Sizes near 2^63: tmpfs allows files of 2^63 - 1 bytes; three of them must not wrap the
# scan's byte total (it saturates, as every sum of sizes in coredu does).
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/huge" && mount -t tmpfs -o size=1m tmpfs "$tmp/huge" 2>/dev/null; then
	mounts+=("$tmp/huge")
	for i in 1 2 3; do truncate -s 9223372036854775807 "$tmp/huge/f$i"; done
	"$COREDU" json "$tmp/huge" >"$tmp/out" 2>"$tmp/err" </dev/null
	jcheck "$tmp/out" 'S["bytes_apparent"] == 2**64 - 1 and S["files"] == 3' \
		"three files of 2^63 - 1 bytes: bytes_apparent saturates"
	umount "$tmp/huge" && mounts=()
else
	skip "files of 2^63 - 1 bytes: cannot mount a tmpfs"
fi

# ---- 9. /proc and /sys are not scanned ----------------------------------------------------------
for k in /proc /sys; do
	[ -d "$k" ] || continue
	run 2 timeout 60 "$COREDU" json "$k"
	contains "$tmp/err" "kernel pseudo-filesystem" "$k as an operand is refused"
done
k=$tmp/kern
mkdir -p "$k/proc" "$k/sys"
cp "$core" "$k/core"
if mount -t proc proc "$k/proc" 2>"$tmp/err" && mounts+=("$k/proc") &&
	mount -t sysfs sysfs "$k/sys" 2>"$tmp/err" && mounts+=("$k/sys"); then
	run 0 timeout 60 "$COREDU" json "$k"
	jcheck "$tmp/out" 'P == A and S["dirs"] == 1 and S["errors"] == 0' \
		"proc and sysfs below a PATH are skipped (kcore too)" "$k/core"
	umount "$k/proc" "$k/sys" && mounts=()
else
	skip "proc and sysfs below a PATH: cannot mount them: $(head -1 "$tmp/err")"
fi
# The real ones, below /: only the top level is read (--exclude), and never /proc or /sys.
if [ "$have_strace" = true ]; then
	"${traced_env[@]}" strace -f -y -o "$tmp/trace" -e trace=getdents64 \
		"$COREDU" json --exclude='/*/*' / >"$tmp/out" 2>"$tmp/err" </dev/null
	[ $? -le 1 ] && pass || fail "scan of / exits 0 or 1: $(head -c 300 "$tmp/err")"
	contains "$tmp/trace" "</>," "the top level of / is read"
	lacks "$tmp/trace" "</proc>" "/proc is not read"
	lacks "$tmp/trace" "</sys>" "/sys is not read"
else
	skip "/ with strace: $why_no_strace"
fi

finish trees.sh
