#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The stacks inside real cores (src/stack/): native backtraces of crashes made here with known
# stacks, the committed foreign-architecture fixtures, Python stacks of python3 killed inside
# known code, hostile cores, the time limit.  What needs more than this machine has (a Debian
# 13 root for python3.13, arm64 roots and qemu-user, a cross compiler, elfutils' test cores)
# runs when it is there, and each part that cannot says exactly what is missing.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${CRASHERS:?run through make check}" "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-stacks-XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
S=$TESTS_SRCDIR/tests/stacks
PY=/usr/bin/python3
skip() { echo "SKIP: $*"; }

# The live parts need the kernel to write "core*" into the crashing process's directory.
live=yes
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|?')
case "$pattern" in
'|'* | '@'* | /* | '') live="core_pattern '$pattern' does not write cores into the working directory" ;;
esac
ulimit -c unlimited 2>/dev/null || live="the hard core limit does not allow core dumps here"

# json CORE [OPTION...]: coredu json --backtrace on one core into $tmp/j.json
json() {
	local core=$1; shift
	"$COREDU" json --backtrace "$@" "$core" >"$tmp/j.json" 2>"$tmp/err" </dev/null ||
		fail "json --backtrace $core: exit $?: $(head -c 400 "$tmp/err")"
}
# pycheck WHAT PYTHON-ASSERTIONS: run them with d = the only dump of $tmp/j.json, t = its
# crashed thread's native frames' function names
pycheck() {
	"$PY" - "$tmp/j.json" "$2" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "$1: $(head -c 1500 "$tmp/py")"
import json, sys
d = json.load(open(sys.argv[1]))["dumps"][0]
bt = d["backtrace"]
t = [f["function"] for f in bt["threads"][0]["frames"]] if bt and bt["threads"] else []
def subsequence(want, got):
    it = iter(got)
    return all(any(w == g for g in it) for w in want)
exec(sys.argv[2])
EOF
}
# core_in DIR: the core the kernel wrote there
core_in() { find "$1" -maxdepth 1 -type f -name 'core*' | head -n 1; }

# --- native: abort() in main, with glibc's frame names ----------------------------------------
if [ "$live" = yes ]; then
	mkdir "$tmp/abort"
	out=$(cd "$tmp/abort" && { "$CRASHERS/crash_abort" one two 2>/dev/null || true; })
	pid=${out#pid=}; pid=${pid%% *}
	core=$(core_in "$tmp/abort")
	if [ -n "$core" ]; then
		json "$core"
		pycheck "abort: the crashing thread" "
assert bt['threads'][0]['tid'] == $pid and bt['threads'][0]['crashed'], bt['threads'][0]
assert subsequence(['raise', 'abort', 'main'], t), t
assert bt['complete'] and bt['modules_build_id_differs'] == 0, bt
f = bt['threads'][0]['frames'][t.index('main')]
assert f['module'].endswith('/crash_abort') and f['note'] is None, f
assert int(f['offset'], 16) < int(f['pc'], 16) and f['function_offset'] is not None, f"
		run 0 "$COREDU" info "$core"
		contains "$tmp/out" "Stack trace of thread $pid (the one that took the signal):" "info: coredumpctl's heading"
		grep -qE '^ +#[0-9]+ +0x[0-9a-f]{16} abort \(libc\.so\.6 \+ 0x[0-9a-f]+\)$' "$tmp/out" && pass ||
			fail "info: a frame as coredumpctl prints it: $(grep -n '#' "$tmp/out" | head -5)"
	else
		fail "crash_abort left no core in $tmp/abort"
	fi

	# --- native: SIGSEGV in a thread function named in the test (boom) ------------------------
	mkdir "$tmp/segv"
	out=$(cd "$tmp/segv" && { "$CRASHERS/crash_thread_segv" 2>/dev/null || true; })
	read -r p t _ n <<<"$out"
	tid=${t#tid=}
	core=$(core_in "$tmp/segv")
	json "$core"
	pycheck "thread SIGSEGV" "
assert bt['threads'][0]['tid'] == $tid, bt['threads'][0]['tid']
assert t[0] == 'boom', t
assert len(bt['threads']) == ${n#threads=}, len(bt['threads'])
assert all(th['frames'] for th in bt['threads']), bt['threads']"
	run 0 "$COREDU" info "$core"
	contains "$tmp/out" "Stack trace of thread $tid (the one that took the signal):" "info: the crashing thread first"
	[ "$(grep -c 'Stack trace of thread' "$tmp/out")" = "${n#threads=}" ] && pass ||
		fail "info: every thread: $(grep 'Stack trace' "$tmp/out")"
	run 0 "$COREDU" info --backtrace-timeout=0 "$core"
	lacks "$tmp/out" "Stack trace" "--backtrace-timeout=0 reads no stack"

	# --- a module whose file on this machine is another build: no names from it ----------------
	mkdir -p "$tmp/fake/usr/lib/x86_64-linux-gnu" "$tmp/fake/lib"
	libc=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]))["dumps"][0]; print([f["module"] for t in d["backtrace"]["threads"] for f in t["frames"] if f["module"] and "/libc.so" in f["module"]][0])' "$tmp/j.json")
	mkdir -p "$tmp/fake$(dirname "$libc")"
	cp /bin/true "$tmp/fake$libc"
	exe=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["dumps"][0]["exe_mapped"])' "$tmp/j.json")
	mkdir -p "$tmp/fake$(dirname "$exe")" && cp "$CRASHERS/crash_thread_segv" "$tmp/fake$exe"
	json "$core" --sysroot "$tmp/fake"
	pycheck "build-id differs" "
fr = [f for th in bt['threads'] for f in th['frames'] if f['module'] == '$libc']
assert fr and all(f['note'] == 'build-id differs' and f['function'] is None for f in fr), fr
assert bt['modules_build_id_differs'] >= 1, bt
assert t[0] == 'boom', t  # the executable under the sysroot is the same build
"
else
	skip "live native crashes: $live"
fi

# --- a foreign architecture from the fixtures: module and offset from the core alone ------------
core=$FIXTURE_DIR/abort-aarch64.core
json "$core"
eu-readelf -l -n "$core" >"$tmp/readelf" 2>&1 || fail "eu-readelf on $core (apt-get install elfutils)"
pycheck "aarch64 fixture: module + offset" "
import re
text = open('$tmp/readelf').read()
phdr = int(re.search(r'PHDR: (0x[0-9a-f]+)', text).group(1), 16)
loads = [(int(v, 16), int(m, 16)) for v, m in re.findall(r'LOAD +0x[0-9a-f]+ (0x[0-9a-f]+) 0x[0-9a-f]+ 0x[0-9a-f]+ (0x[0-9a-f]+)', text)]
start = [v for v, m in loads if v <= phdr < v + m][0]
f = bt['threads'][0]['frames'][0]
assert f['module'] == d['exe'] == './crash_abort', (f, d['exe'])
assert int(f['pc'], 16) == int(d['pc'], 16), (f, d['pc'])
assert int(f['offset'], 16) == int(d['pc'], 16) - start, (f, hex(start))
assert f['note'] == 'no file' and f['function'] is None, f"
for arch in i386 arm s390x ppc mips m68k; do
	json "$FIXTURE_DIR/abort-$arch.core"
	pycheck "$arch fixture: the pc's module" "
f = bt['threads'][0]['frames'][0]
assert f['module'] == './crash_abort' and int(f['pc'], 16) == int(d['pc'], 16), f"
done

# --- a foreign architecture built and run here: names from the cross-built binary --------------
if [ "$live" != yes ]; then
	skip "aarch64 names: $live"
elif ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	skip "aarch64 names: no cross compiler (apt-get install gcc-aarch64-linux-gnu)"
elif ! command -v qemu-aarch64-static >/dev/null; then
	skip "aarch64 names: no qemu-aarch64-static (apt-get install qemu-user-static)"
else
	# Built as Debian builds its packages, and again with return addresses signed by pointer
	# authentication (as Debian 13's arm64 glibc is: qemu's cores carry no NT_ARM_PAC_MASK).
	for pac in no pac-ret; do
		dir=$tmp/a64-$pac
		mkdir "$dir"
		aarch64-linux-gnu-gcc -static -O1 -g -mbranch-protection=${pac/no/none} \
			-o "$dir/crash_abort" "$TESTS_SRCDIR/tests/crashers/crash_abort.c"
		(cd "$dir" && qemu-aarch64-static "$dir/crash_abort" >/dev/null 2>&1; true) 2>/dev/null
		rm -f "$dir/core"* # qemu itself dies of the signal: the emulator's own core
		core=$(ls "$dir"/qemu_crash_abort_*.core 2>/dev/null | head -n 1)
		if [ -z "$core" ]; then
			fail "qemu-aarch64-static wrote no core in $dir"
			continue
		fi
		json "$core"
		pycheck "aarch64 live ($pac): names" "
assert subsequence(['raise', 'abort', 'main', '__libc_start_call_main'], t), t
fr = bt['threads'][0]['frames']
assert all(f['note'] == 'build-id not checked' for f in fr), fr"
	done
fi

# --- hostile: an NT_FILE name that is a FIFO is never opened (libdwfl's own reporting blocks) ----
if [ "$live" = yes ] && [ -n "${libc:-}" ]; then
	fifo=$tmp/f; while [ ${#fifo} -lt ${#libc} ]; do fifo=${fifo}x; done
	if [ ${#fifo} = ${#libc} ]; then
		mkfifo "$fifo"
		"$PY" -c 'import sys; d=open(sys.argv[1],"rb").read(); o=sys.argv[3].encode()+b"\0"; assert d.count(o) >= 1; open(sys.argv[2],"wb").write(d.replace(o, sys.argv[4].encode()+b"\0"))' \
			"$(core_in "$tmp/segv")" "$tmp/fifo.core" "$libc" "$fifo"
		# A hang guard, not a timing assertion: it must end, whatever the time.
		timeout 60 "$COREDU" json --backtrace "$tmp/fifo.core" >"$tmp/j.json" 2>"$tmp/err" </dev/null
		rc=$?
		[ $rc = 0 ] && pass || fail "a core naming a FIFO: exit $rc $(head -c 300 "$tmp/err")"
		pycheck "a FIFO named in NT_FILE" "
fr = [f for th in bt['threads'] for f in th['frames'] if f['module'] == '$fifo']
assert fr and all(f['note'] == 'no file' for f in fr), fr
assert t[0] == 'boom', t"
	else
		skip "the FIFO core: no FIFO path of the length of $libc under $tmp"
	fi
fi

# --- symbols of a stripped program: MiniDebugInfo, and a debug file found by build-id ----------
# crash_static aborts in a static function, named in .symtab only.  Each copy is stripped
# (strip keeps the build-id note) and given the name back one way, and crashed as it is.
# static_crash DIR: run DIR/crash_static there; $core is the core it left, or empty
static_crash() {
	(cd "$1" && { ./crash_static >/dev/null 2>&1 || true; }) 2>/dev/null
	core=$(core_in "$1")
	[ -n "$core" ] || fail "$1/crash_static left no core"
}
# static_root ROOT: the files the core in $tmp/j.json maps (crash_static itself and the
# libraries, whose CFI the unwinder needs to get back to it), copied under ROOT
static_root() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))["dumps"][0]
print("\n".join(sorted({f["module"] for t in d["backtrace"]["threads"] for f in t["frames"] if (f["module"] or "").startswith("/")})))' \
		"$tmp/j.json" | while IFS= read -r f; do
		mkdir -p "$1$(dirname "$f")" && cp "$f" "$1$f"
	done
}
# static_frame WHAT ASSERTIONS: d, bt, t as in pycheck; f = the crashing thread's frame in
# crash_static that called abort (the static function's)
static_frame() {
	pycheck "$1" "
fr = bt['threads'][0]['frames']
i = [k for k, g in enumerate(fr) if g['function'] == 'abort'][0]
f = fr[i + 1]
assert f['module'].endswith('/crash_static'), (f, t)
$2"
}
if [ "$live" != yes ]; then
	skip "symbols of stripped programs (MiniDebugInfo, debug files by build-id): $live"
elif ! command -v objcopy >/dev/null || ! command -v xz >/dev/null; then
	skip "symbols of stripped programs: objcopy (binutils) or xz (xz-utils) is not installed"
else
	# MiniDebugInfo made as Fedora makes it (the gdb manual's recipe): the function symbols
	# that .dynsym lacks, xz-compressed into .gnu_debugdata of a program stripped of all else.
	m=$tmp/mdi; mkdir "$m"
	cp "$CRASHERS/crash_static" "$m/crash_static"
	(
		cd "$m" && export LC_ALL=C &&
		nm -D crash_static --format=posix --defined-only | awk '{ print $1 }' | sort >dynsyms &&
		nm crash_static --format=posix --defined-only |
		awk '{ if ($2 == "T" || $2 == "t" || $2 == "D") print $1 }' | sort >funcsyms &&
		comm -13 dynsyms funcsyms >keep_symbols &&
		objcopy --only-keep-debug crash_static debug &&
		objcopy -S --remove-section .gdb_index --remove-section .comment \
			--keep-symbols=keep_symbols debug mini_debuginfo &&
		strip --strip-all -R .comment crash_static &&
		xz mini_debuginfo &&
		objcopy --add-section .gnu_debugdata=mini_debuginfo.xz crash_static
	) >"$tmp/mdi.log" 2>&1 || fail "making MiniDebugInfo: $(head -c 600 "$tmp/mdi.log")"
	grep -qx stuck_in_static_helper "$m/keep_symbols" && pass ||
		fail "MiniDebugInfo: the static function is not among the kept symbols"
	LC_ALL=C nm "$m/crash_static" 2>&1 | grep -q 'no symbols' && pass ||
		fail "MiniDebugInfo: crash_static still has a .symtab: $(LC_ALL=C nm "$m/crash_static" 2>&1 | head -3)"
	static_crash "$m"
	if [ -n "$core" ]; then
		json "$core"
		static_frame "MiniDebugInfo: the static function named from .gnu_debugdata" "
assert f['function'] == 'stuck_in_static_helper' and f['note'] is None, f
assert subsequence(['abort', 'stuck_in_static_helper', 'main'], t), t"
		# Without .gnu_debugdata the same build has no name for it: the name came from there.
		static_root "$tmp/mdi-root"
		objcopy --remove-section .gnu_debugdata "$m/crash_static" "$tmp/mdi-root$m/crash_static"
		json "$core" --sysroot "$tmp/mdi-root"
		static_frame "MiniDebugInfo removed: no name" "
assert f['function'] is None and f['note'] == 'no symbol', f"
	fi

	# A separate debug file, installed by build-id under the sysroot as a -dbgsym package
	# puts it: DIR/usr/lib/debug/.build-id/xx/rest.debug.
	b=$tmp/dbg; mkdir "$b"
	cp "$CRASHERS/crash_static" "$b/crash_static"
	objcopy --only-keep-debug "$b/crash_static" "$tmp/crash_static.debug" &&
		strip --strip-all "$b/crash_static" || fail "objcopy --only-keep-debug or strip failed"
	id=$(LC_ALL=C readelf -n "$b/crash_static" | awk '/Build ID:/ { print $3 }')
	[[ $id =~ ^[0-9a-f]{4,}$ ]] && pass || fail "crash_static has no build-id note: '$id'"
	static_crash "$b"
	if [ -n "$core" ] && [ -n "$id" ]; then
		json "$core"
		static_frame "a stripped program, no debug file: no name" "
assert f['function'] is None and f['note'] == 'no symbol', f"
		r=$tmp/dbg-root
		static_root "$r" # crash_static among them, stripped
		deb=$r/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
		mkdir -p "$(dirname "$deb")" && cp "$tmp/crash_static.debug" "$deb"
		json "$core" --sysroot "$r"
		static_frame "the debug file found by build-id under --sysroot" "
assert f['function'] == 'stuck_in_static_helper' and f['note'] is None, f
assert subsequence(['abort', 'stuck_in_static_helper', 'main'], t), t"
		# Fedora's layout: the build-id's name a link to the file under /usr/lib/debug, which
		# is the sysroot's (the link resolved inside it), not this machine's.
		dfile=$r/usr/lib/debug$b/crash_static.debug
		mkdir -p "$(dirname "$dfile")" && mv "$deb" "$dfile"
		ln -s "/usr/lib/debug$b/crash_static.debug" "$deb"
		json "$core" --sysroot "$r"
		static_frame "the debug file through an absolute link inside --sysroot" "
assert f['function'] == 'stuck_in_static_helper' and f['note'] is None, f"
		# The same debug file with one byte of its build-id changed: another build's, not used.
		"$PY" -c 'import sys
d = open(sys.argv[1], "rb").read(); i = bytes.fromhex(sys.argv[2])
assert d.count(i) == 1, d.count(i)
open(sys.argv[1], "wb").write(d.replace(i, bytes([i[0] ^ 0xff]) + i[1:]))' "$dfile" "$id" ||
			fail "could not change the debug file's build-id"
		json "$core" --sysroot "$r"
		static_frame "a debug file of another build at the build-id's path: not used" "
assert f['function'] is None and f['note'] == 'no symbol', f"
	fi
fi

# --- Python: python3 killed by its parent inside known code ----------------------------------
# pycase CASE [--root R --sysroot R]: crash tests/stacks/CASE.py, check its stacks
pycase() {
	local case=$1 root=${2:-} python=${3:-/usr/bin/python3} core args=() sleeping=--sleeping dir=/t
	[ "$case" = threads ] && sleeping=
	if [ -n "$root" ]; then
		mkdir -p "$root$dir" && cp "$S/$case.py" "$root$dir/"
		args=(--root "$root")
	else
		dir=$tmp/py-$case; mkdir -p "$dir"; cp "$S/$case.py" "$dir/"
	fi
	if ! core=$("$PY" "$S/crash.py" "$dir/c-$case" "${args[@]}" $sleeping -- "$python" "$dir/$case.py" 2>"$tmp/crash-err"); then
		fail "python $case${root:+ in $root}: $(cat "$tmp/crash-err")"
		return
	fi
	json "$core" ${root:+--sysroot "$root"}
	"$PY" "$S/check.py" "$case" "$tmp/j.json" "$S" >"$tmp/py" 2>&1 && pass ||
		fail "python $case${root:+ in $root}: $(head -c 1500 "$tmp/py")"
	cat "$tmp/py"
	[ -n "$root" ] && rm -f "$core"
	[ -z "$root" ] && [ "$case" = app ] && cp "$core" "$tmp/app.core"
}
if [ "$live" != yes ]; then
	skip "Python stacks of live cores: $live"
elif [ ! -x "$PY" ]; then
	skip "Python stacks: no /usr/bin/python3 (apt-get install python3)"
else
	for c in app threads aio; do pycase "$c"; done
	# The doctor's frame, and the time limit, on the app core.
	if [ -f "$tmp/app.core" ]; then
		run 0 "$COREDU" json --backtrace --backtrace-timeout=0.001 "$tmp/app.core"
		cp "$tmp/out" "$tmp/j.json"
		pycheck "the time limit" "
assert bt['complete'] is False and 'time limit' in bt['problem'], bt"
		# A python3 that is another build: refused, not guessed.
		mkdir -p "$tmp/other/usr/bin"
		exe=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["dumps"][0]["exe_mapped"])' "$tmp/j.json")
		mkdir -p "$tmp/other$(dirname "$exe")" && cp /bin/true "$tmp/other$exe"
		json "$tmp/app.core" --sysroot "$tmp/other"
		pycheck "python: another build" "
p = d['python_stack']
assert p['status'] == 'mismatch' and 'build-id differs' in p['problem'] and not p['threads'], p"
	fi
fi

# --- python3.13 (Debian 13) and aarch64, in roots made with mmdebstrap -------------------------
# tests/stacks/make-roots.sh makes them; COREDU_TEST_ROOTS names the directory that holds them.
roots=${COREDU_TEST_ROOTS:-}
for spec in trixie-amd64:3.13 bookworm-arm64:3.11 trixie-arm64:3.13; do
	name=${spec%:*} v=${spec#*:} r=$roots/${spec%:*}
	if [ -z "$roots" ]; then
		skip "python$v ($name): COREDU_TEST_ROOTS is not set (tests/stacks/make-roots.sh makes the roots)"
	elif [ ! -x "$r/usr/bin/python$v" ]; then
		skip "python$v ($name): no $r/usr/bin/python$v (tests/stacks/make-roots.sh $roots)"
	elif [ "$(id -u)" != 0 ]; then
		skip "python$v ($name): chroot needs root"
	elif [ "$live" != yes ]; then
		skip "python$v ($name): $live"
	elif [ "${name#*-}" = arm64 ] && ! grep -qs '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
		skip "python$v ($name): qemu-aarch64 is not registered with binfmt_misc (apt-get install qemu-user-static binfmt-support)"
	else
		for c in app threads aio; do pycase "$c" "$r" "/usr/bin/python$v"; done
	fi
done

# --- elfutils' test cores: x32 and m68k (fetched by tests/stacks/fetch-thirdparty.sh) ---------
tp=${COREDU_THIRDPARTY:-}
if [ -z "$tp" ] || [ ! -f "$tp/backtrace.x32.core" ]; then
	skip "elfutils' x32 and m68k cores: COREDU_THIRDPARTY is not set (tests/stacks/fetch-thirdparty.sh DIR fetches them)"
else
	mkdir -p "$tmp/x32/export/gnu/import/git/elfutils/tests"
	cp "$tp/backtrace.x32.exec" "$tmp/x32/export/gnu/import/git/elfutils/tests/backtrace.x32.exe"
	json "$tp/backtrace.x32.core" --sysroot "$tmp/x32"
	# elfutils' own run-backtrace-core-x32.sh expects main, backtracegen, and no gsignal.
	pycheck "x32: elfutils' backtrace core" "
names = [f['function'] for th in bt['threads'] for f in th['frames']]
assert d['machine'] == 'x32' and d['pc'] == '0x40b2a2' and d['crash_module'].endswith('backtrace.x32.exe'), d
assert 'main' in names and 'backtracegen' in names and 'gsignal' not in names, names"
	json "$tp/testfile-m68k-core"
	# run-readelf-mixed-corenote.sh: pid 1963, pc 0x800003fe, fault address 0x12345678.
	pycheck "m68k: elfutils' core" "
assert (d['pid'], d['tid'], d['pc'], d['fault_addr']) == (1963, 1963, '0x800003fe', '0x12345678'), d
assert d['crash_module'] == '/tmp/a.out' and d['crash_offset'] == '0x3fe', d
assert bt['threads'][0]['frames'][0]['module'] == '/tmp/a.out', bt"
fi

finish stacks.sh
