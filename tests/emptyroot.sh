#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The static binary where it will run: a root holding only busybox (Debian's busybox-static of
# the binary's architecture, with its applet links, as in an Alpine image), the binary, an
# empty /tmp and the dumps; no /lib, /etc, /dev, terminfo, magic database or locale files.
# An aarch64 root also holds qemu-aarch64-static where binfmt_misc looks for it, in place of
# the CPU.  It runs under chroot, and checks:
#   - list, json and info on real dumps: the same as the dynamic build's (modulo the paths,
#     times and free space), with the compiled-in magic, opening no file outside the dumps;
#   - doctor, with /proc mounted (a private mount namespace);
#   - the browser in tmux, from busybox's shell in the root, with each TERM given (- is unset):
#     the list, inspect, mark, delete with both confirmations (exactly the marked file goes),
#     quit with status 0, the tty's modes and the normal screen restored;
#   - the locale: UTF-8 with no locale files where a directory is writable (/tmp), clean
#     ASCII where none is; nothing left behind;
#   - the built-in terminfo only where the root has no entry: its own (monochrome) one wins.
#
#   tests/emptyroot.sh ARCH STATIC DYNAMIC [TERM...]    (make check-static, check-static-aarch64)
#
# ARCH is x86_64 or aarch64; DYNAMIC the dynamic build of the same sources, to compare with.
# TERMs: xterm-256color screen tmux-256color linux vt100 and unset by default (aarch64:
# xterm-256color, under qemu).  Needs root (chroot, unshare, mount), tmux, strace, python3;
# for aarch64 qemu-user-static and busybox-static:arm64, which it downloads with apt-get
# into $STATIC_CACHE (default: static-cache in the current directory).  Exit status 77
# (skip) when one of these is missing.
set -u
arch=${1:?usage: emptyroot.sh ARCH STATIC DYNAMIC [TERM...]}
bin=$(realpath "${2:?usage: emptyroot.sh ARCH STATIC DYNAMIC [TERM...]}")
dyn=$(realpath "${3:?usage: emptyroot.sh ARCH STATIC DYNAMIC [TERM...]}")
shift 3
: "${FIXTURE_DIR:?run through make check-static}" "${CRASHERS:?run through make check-static}"
: "${TESTS_SRCDIR:?run through make check-static}"
case $arch in
x86_64) debarch=amd64 terms=(xterm-256color screen tmux-256color linux vt100 -) ;;
aarch64) debarch=arm64 terms=(xterm-256color) ;;
*) echo "emptyroot: unknown ARCH $arch (x86_64, aarch64)" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && terms=("$@")
PATH=$PATH:/usr/sbin:/sbin
chroot=$(command -v chroot) strace=$(command -v strace)
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "the empty root needs root (chroot, mount)"
for t in tmux strace python3 unshare chroot; do
	command -v $t >/dev/null || skip "$t is missing (./quickstart --deps static)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-emptyroot-XXXXXX")
root=$tmp/root
sock=coredu-emptyroot-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
pass() { checks=$((checks + 1)); [ -z "${1:-}" ] || echo "ok: $1"; }
screen() { T capture-pane -p -t t; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
failscreen() { fail "$@"; screen | sed 's/^/  | /'; }

# ---- the root --------------------------------------------------------------------------------
cache=${STATIC_CACHE:-$PWD/static-cache}
busybox=/bin/busybox
if [ $arch = aarch64 ]; then
	qemu=$(command -v qemu-aarch64-static) || skip "qemu-aarch64-static is missing (./quickstart --deps static)"
	[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || skip "binfmt_misc has no qemu-aarch64 entry"
	interp=$(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/qemu-aarch64)
	busybox=$cache/busybox-arm64/bin/busybox
	if [ ! -x "$busybox" ]; then
		# Downloaded, not installed: busybox-static is not Multi-Arch: same, and installing
		# the arm64 one would remove the host's.
		mkdir -p "$cache" && (cd "$cache" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1) &&
			dpkg-deb -x "$cache"/busybox-static_*_arm64.deb "$cache/busybox-arm64" ||
			skip "cannot download busybox-static:arm64 (dpkg --add-architecture arm64; apt-get update)"
	fi
elif [ "$(dpkg-query -W -f '${Status}' busybox-static 2>/dev/null)" != "install ok installed" ]; then
	skip "busybox-static is not installed (./quickstart --deps static)"
fi
mkdir -p "$root/bin" "$root/proc" "$root/tmp" "$root/dumps"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$bin" "$root/coredu"
if [ $arch = aarch64 ]; then
	mkdir -p "$root$(dirname "$interp")"
	cp "$qemu" "$root$interp"
fi
inroot() { env -i "$@"; } # nothing of our environment leaks in
inroot "$chroot" "$root" /bin/busybox --install -s /bin 2>/dev/null
echo "emptyroot: $arch, $(stat -c %s "$bin") bytes; the root holds:"
(cd "$root" && find . ! -type l | sort | sed 's/^/  /')
if ! LC_ALL=C readelf -lW "$bin" | grep -qE 'INTERP|DYNAMIC'; then pass "the binary is static"; else fail "the binary is not static"; fi
inroot "$chroot" "$root" /bin/sh -c 'echo shell-ok' 2>&1 | grep -q shell-ok &&
	pass "busybox's shell runs in the root" || { fail "busybox's shell does not run in the root"; finish emptyroot.sh; exit; }

# ---- real dumps --------------------------------------------------------------------------------
bash "$TESTS_SRCDIR/tests/make-demo.sh" "$root/dumps/demo" "$CRASHERS" "$FIXTURE_DIR" | sed 's/^/  /'
cp --sparse=always "$FIXTURE_DIR/abort-x86-64.core" "$root/dumps/demo/core.café" # a UTF-8 name
# Written back before the two builds stat them: a file's block count can change at writeback.
sync -f "$root/dumps/demo/core.café"

# ---- list, json, info: the same as the dynamic build -----------------------------------------
# norm FILE: the output without the root's prefix and without what moves between two runs:
# the scan's duration, free space, the report's time (summary.time), ages.
norm() {
	python3 - "$1" "$root" <<'EOF'
import json, re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape").replace(sys.argv[2], "")
try:
    doc = json.loads(text)
except ValueError:
    text = re.sub(r"\(\d+(s|min|h|d) ago", "(AGO", text)
    sys.stdout.write(re.sub(r"in \d+\.\d+ s", "in N s", text))
    sys.exit(0)
def strip(o):
    if isinstance(o, dict):
        for k in ("seconds", "free", "avail", "time_report"):
            o.pop(k, None)
        for v in o.values():
            strip(v)
    elif isinstance(o, list):
        for v in o:
            strip(v)
strip(doc)
doc.get("summary", {}).pop("time", None)  # when the report was made
json.dump(doc, sys.stdout, indent=1, sort_keys=True)
EOF
}
# compare NAME ARG...: the static binary in the root against the dynamic one outside (with
# no magic database either: the compiled-in magic on both sides), on the same files.
compare() {
	local name=$1 a hostargs=() rs rd
	shift
	for a in "$@"; do case $a in /dumps*) hostargs+=("$root$a") ;; *) hostargs+=("$a") ;; esac; done
	# info's stacks name what the mapped files say; the root has none of them, so the
	# dynamic build looks for them in the root too.
	[ "$name" = info ] && hostargs=(info --sysroot "$root" "${hostargs[@]:1}")
	inroot LANG=C.UTF-8 "$chroot" "$root" /coredu "$@" >"$tmp/$name.static" 2>"$tmp/$name.static.err"
	rs=$?
	env -i LANG=C.UTF-8 MAGIC=/nonexistent "$dyn" "${hostargs[@]}" >"$tmp/$name.dyn" 2>/dev/null
	rd=$?
	norm "$tmp/$name.static" >"$tmp/$name.static.n"
	norm "$tmp/$name.dyn" >"$tmp/$name.dyn.n"
	if [ $rs -eq $rd ] && [ -s "$tmp/$name.static.n" ] && cmp -s "$tmp/$name.static.n" "$tmp/$name.dyn.n"; then
		pass "$name: the same as the dynamic build ($(wc -l <"$tmp/$name.static") lines, status $rs)"
	else
		fail "$name: not the same as the dynamic build (status $rs, dynamic $rd):"
		diff "$tmp/$name.dyn.n" "$tmp/$name.static.n" | head -20
	fi
	[ ! -s "$tmp/$name.static.err" ] && pass "$name: nothing on stderr" ||
		fail "$name: stderr in the root: $(head -c 300 "$tmp/$name.static.err")"
}
compare list list /dumps/demo
compare json json /dumps/demo
# info on every dump file that json found (not the decoys, nor ABRT's directories)
mapfile -t dumps < <(python3 -c 'import json, os, sys
root = sys.argv[2]
for x in json.load(open(sys.argv[1]))["dumps"]:
    if os.path.isfile(root + x["path"]):
        print(x["path"])' "$tmp/json.static" "$root")
[ ${#dumps[@]} -gt 20 ] && pass "json found the dumps (${#dumps[@]} files)" || fail "json found ${#dumps[@]} dump files"
compare info info "${dumps[@]}"
grep -q 'core\.café' "$tmp/list.static" && pass "list: a UTF-8 name as UTF-8 (C.UTF-8 with no locale files)" ||
	fail "list: the UTF-8 name is not UTF-8: $(grep -a 'core.caf' "$tmp/list.static")"
python3 - "$tmp/json.static" <<'EOF' && pass "json: every dump described by the compiled-in magic, with no database and no /proc" || fail "json: a dump without its magic description"
import json, sys
d = json.load(open(sys.argv[1]))
missing = [x["path"] for x in d["dumps"] if x["kind"] in ("elf-core", "gcore", "systemd-core", "vmcore") and not x.get("magic")]
assert d["dumps"] and not missing, missing
EOF
[ -z "$(ls -A "$root/tmp")" ] && pass "nothing left in /tmp" || fail "left in /tmp: $(ls -A "$root/tmp")"

# Every file the binary opens, from its execve on: the dumps, and the private locale it
# writes; nothing of the host's (/etc, /usr, /lib) nor of the root's, and no shared object.
# Successful calls only (-z): with threads, a failed call can be split over two lines.
if [ $arch = x86_64 ]; then
	inroot LANG=C.UTF-8 "$strace" -f -qq -z -e trace=%file -o "$tmp/strace" "$chroot" "$root" /coredu json /dumps/demo >/dev/null 2>&1
	awk '/execve\("\/coredu"/ {on = 1} on' "$tmp/strace" | grep -vE '= -1 E[A-Z]+' |
		grep -oE '(open|openat|openat2|execve|access|stat|statx|newfstatat|readlink)[^"]*"[^"]*"' |
		sed 's/.*"\(.*\)"/\1/' | grep '^/' | grep -vE '^(/dumps(/|$)|/tmp/coredu-locale-|/coredu$)' |
		sort -u >"$tmp/opened"
	[ ! -s "$tmp/opened" ] && pass "json opens nothing but the dumps and its own locale" ||
		fail "json opened: $(tr '\n' ' ' <"$tmp/opened")"
	grep -q 'coredu-locale-' "$tmp/strace" && pass "the built-in C.UTF-8 was installed in /tmp" ||
		fail "the built-in C.UTF-8 was not used"
fi

# ---- doctor, with /proc ------------------------------------------------------------------------
doctor() { unshare -m --propagation private bash -c 'mount -t proc proc "$0/proc" && exec "$@"' \
	"$root" env -i LANG=C.UTF-8 "$chroot" "$root" /coredu doctor "$@"; }
doctor /dumps/demo >"$tmp/doctor.out" 2>"$tmp/doctor.err"
rc=$?
[ $rc -eq 4 ] && pass "doctor in the root: status 4, dumps to act on" || fail "doctor in the root: status $rc: $(head -c 300 "$tmp/doctor.err")"
contains "$tmp/doctor.out" "core_pattern" "doctor reads the kernel's settings through /proc"
says "$tmp/doctor.out" "crash_parent_ki" "doctor names the program of the dumps"
doctor --json /dumps/demo >"$tmp/doctor.json" 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d' "$tmp/doctor.json" &&
	pass "doctor --json in the root is valid JSON" || fail "doctor --json in the root"
grep -q ' on .*/root/proc ' /proc/mounts && fail "/proc of the root is still mounted" || pass "the root's /proc is gone with its namespace"

# ---- the browser, in tmux ------------------------------------------------------------------------
wait_for() { # TEXT [SECONDS]
	local end=$((SECONDS + ${2:-$slow}))
	while [ $SECONDS -lt "$end" ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
expect() { if wait_for "$1"; then pass "$2"; else failscreen "$2: '$1' not on screen"; fi; }
keys() { T send-keys -t t "$@"; sleep 0.2; }
slow=15
[ $arch = aarch64 ] && slow=60 # qemu, on a busy machine: waits are bounded, never retried
colours() { T capture-pane -e -p -t t | grep -q $'\e\\[[0-9;]*4[0-7]m'; }

# shell TERM: busybox's shell in the root in a new tmux session, as an ECS Exec shell: only
# TERM (none for -) and LANG; returns once it prompts.
shell() {
	local envterm=TERM=$1
	[ "$1" = - ] && envterm=
	# The new session first, then the old one killed and the new one named t: a new-session
	# right after kill-server can reach the exiting server ("server exited unexpectedly",
	# seen in narrow.sh in CI).
	T new-session -d -x 100 -y 30 -s next \
		"env -i $envterm LANG=C.UTF-8 PS1='READY\$ ' $chroot '$root' /bin/sh"
	T kill-session -t t 2>/dev/null
	T rename-session -t next t
	wait_for 'READY$' || failscreen "TERM=$1: no shell in the root"
}

# walk TERM: one browser session on three dumps: list, inspect, mark, delete, quit.
walk() {
	local term=$1 label="TERM=$1" d=$root/dumps/walk
	[ "$term" = - ] && label="TERM unset"
	rm -rf "$d" && mkdir -p "$d/keep" "$d/del"
	cp --sparse=always "$FIXTURE_DIR/abort-x86-64.core" "$d/keep/core.900"
	cp --sparse=always "$FIXTURE_DIR/thread-segv-x86-64.core" "$d/keep/core.2001"
	cp --sparse=always "$FIXTURE_DIR/parent-kill-x86-64.core" "$d/del/core.101"
	shell "$term"
	T send-keys -t t "stty -g >/tmp/stty.before; clear; /coredu /dumps/walk; echo EXIT=\$?; stty -g >/tmp/stty.after" Enter
	expect "3 dumps" "$label: the browser starts: 3 dumps"
	expect "crash_thread_se" "$label: the rows"
	screen >"$tmp/screen-$term"
	colours && echo colours >>"$tmp/screen-$term"
	grep -q '█' "$tmp/screen-$term" && pass "$label: UTF-8 bars with no locale files" ||
		failscreen "$label: no UTF-8 bars"
	keys / c o r e . 2 0 0 1 Enter
	expect "1 rows" "$label: a filter"
	keys i
	expect "Cause: invalid memory access at 0x0" "$label: inspect"
	keys q
	keys / d e l Enter
	expect "1 rows" "$label: filtered to the dump to delete"
	keys Space
	expect "1 marked" "$label: space marks"
	keys d
	expect "Delete 1 dump?" "$label: d asks"
	keys y
	expect "modified in the last minute" "$label: a fresh dump asks again"
	keys y
	expect "Deleted 1 dump" "$label: the summary"
	[ ! -e "$d/del/core.101" ] && [ -e "$d/keep/core.900" ] && [ -e "$d/keep/core.2001" ] &&
		pass "$label: exactly the marked dump is gone" || fail "$label: the wrong files went"
	keys q
	keys q
	expect "EXIT=0" "$label: q quits, status 0"
	wait_for 'READY$' 5
	[ "$(T display -p -t t '#{alternate_on}')" = 0 ] && pass "$label: the normal screen is back" ||
		fail "$label: still on the alternate screen"
	cmp -s "$root/tmp/stty.before" "$root/tmp/stty.after" && pass "$label: the tty's modes are restored" ||
		fail "$label: the tty's modes changed"
	rm -f "$root/tmp/stty.before" "$root/tmp/stty.after"
	[ -z "$(ls -A "$root/tmp")" ] && pass "$label: nothing left in /tmp" || fail "$label: left in /tmp: $(ls -A "$root/tmp")"
	T kill-server 2>/dev/null
}
for term in "${terms[@]}"; do walk "$term"; done

# With no writable directory at all (no /tmp), no UTF-8 to be had: clean ASCII.
mv "$root/tmp" "$tmp/roottmp"
shell xterm-256color
T send-keys -t t "clear; /coredu /dumps/demo/collected /dumps/demo/app; echo EXIT=\$?" Enter
expect "? help" "no writable directory: the browser starts"
expect "[##" "no writable directory: ASCII bars"
screen | grep -q '█' && failscreen "no writable directory: a UTF-8 block drawn" || pass "no writable directory: no UTF-8"
keys q
expect "EXIT=0" "no writable directory: q quits"
inroot LANG=C.UTF-8 "$chroot" "$root" /coredu list /dumps/demo >"$tmp/list.ascii" 2>&1
contains "$tmp/list.ascii" 'core.caf\xc3\xa9' "no writable directory: a UTF-8 name escaped"
T kill-server 2>/dev/null
mv "$tmp/roottmp" "$root/tmp"

# The built-in entry only where the root has none: give the root a monochrome xterm-256color.
if grep -q colours "$tmp/screen-xterm-256color" 2>/dev/null; then
	pass "TERM=xterm-256color with no terminfo: the built-in entry, in colour"
	infocmp -x vt100 | sed '2s/^vt100|/xterm-256color|/' >"$tmp/mono.src"
	mkdir -p "$root/usr/share/terminfo" && tic -x -o "$root/usr/share/terminfo" "$tmp/mono.src"
	shell xterm-256color
	T send-keys -t t "clear; /coredu /dumps/walk; echo EXIT=\$?" Enter
	expect "2 dumps" "the root's own xterm-256color: the browser starts"
	sleep 0.5
	colours && failscreen "the built-in entry was used although the root has one" ||
		pass "the root's own (monochrome) xterm-256color wins over the built-in one"
	keys q
	expect "EXIT=0" "and quits"
	T kill-server 2>/dev/null
	rm -rf "$root/usr"
fi
finish emptyroot.sh
