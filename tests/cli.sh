#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line as a user meets it: verbs, options, exit codes, errors, hostile names,
# pipelines, and the process hygiene coredu promises (no core of its own, not dumpable).
set -u

: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-cli-XXXXXX")
chmod 755 "$tmp"
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

. "$TESTS_SRCDIR/tests/lib.sh"
# expect_rc WANT CMD...: run CMD, compare the exit status
expect_rc() {
	local want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then pass; else fail "'$*' exited $rc, want $want; stderr: $(head -c 300 "$tmp/err")"; fi
}

core=$FIXTURE_DIR/abort-x86-64.core
mkdir -p "$tmp/tree/app" "$tmp/empty"
cp "$core" "$tmp/tree/app/core.1058"
cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$tmp/tree/app/core.2001"
cp "$FIXTURE_DIR/abort-s390x.core" "$tmp/tree/evidence.bin"
printf 'hello\n' >"$tmp/tree/core"

# --- help, version, usage errors -----------------------------------------------------------
expect_rc 0 "$COREDU" --help
for opt in --one-file-system --exclude --since --until --sort --reverse --no-legend --si \
	--threads --help --version list json info; do
	contains "$tmp/out" "$opt" "--help mentions $opt"
done
expect_rc 0 "$COREDU" --version
contains "$tmp/out" "coredu " "--version"
expect_rc 2 "$COREDU" --bogus
contains "$tmp/err" "Try 'coredu --help'" "bad option hint"
expect_rc 2 "$COREDU" list --sort=nonsense "$tmp/tree"
expect_rc 2 "$COREDU" list --since=yesterdayish "$tmp/tree"
contains "$tmp/err" "yesterdayish" "bad time is named"
expect_rc 2 "$COREDU" list -j 0 "$tmp/tree"
expect_rc 2 "$COREDU" info
# One table drives the options: each error names the option and the verbs it goes with, and
# the manual documents every option --help lists.
expect_rc 2 "$COREDU" list --older-than=1d "$tmp/tree"
contains "$tmp/err" "--older-than goes with prune" "a prune option elsewhere is named"
expect_rc 2 "$COREDU" prune --per=program --dry-run "$tmp/tree"
contains "$tmp/err" "--per goes with --keep-newest" "--per needs --keep-newest"
"$COREDU" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$tmp/help-options"
missing=$(grep -o '\\-\\-[a-z][a-z\\-]*' "$TESTS_SRCDIR/doc/coredu.1" | tr -d '\\' | sort -u |
	comm -23 "$tmp/help-options" -)
[ -z "$missing" ] && pass || fail "--help lists options the manual lacks: $missing"

# --- exit status: 0 found, 1 none, 2 error ----------------------------------------------------
expect_rc 0 "$COREDU" list "$tmp/tree"
expect_rc 1 "$COREDU" list "$tmp/empty"
contains "$tmp/out" "0 dumps" "totals line when nothing is found"
expect_rc 2 "$COREDU" list "$tmp/does-not-exist"
contains "$tmp/err" "$tmp/does-not-exist" "the missing path is named"
expect_rc 2 "$COREDU" list "$tmp/tree" "$tmp/does-not-exist"
contains "$tmp/out" "3 dumps" "other operands are still scanned"
expect_rc 2 "$COREDU" list /proc
# Files there are refused as operands too, never read (issue 14): info /proc/kcore would
# otherwise parse kernel memory as an ELF core, /proc/PID/status a process's state.
for f in /proc/self/status /sys/kernel/notes /proc/kcore; do
	[ -e "$f" ] || continue
	expect_rc 2 "$COREDU" info "$f"
	contains "$tmp/err" "on a kernel pseudo-filesystem, not read" "info $f is refused"
	[ -s "$tmp/out" ] && fail "info $f printed: $(head -c 200 "$tmp/out")" || pass
done
expect_rc 1 "$COREDU" json "$tmp/empty"
(cd "$tmp/tree" && "$COREDU" >"$tmp/out" 2>&1)
[ $? -eq 0 ] && pass || fail "the default PATH is ."
contains "$tmp/out" "./app/core.1058" "paths are shown as reached from the operand"

# --- the list table -------------------------------------------------------------------------
expect_rc 0 "$COREDU" list "$tmp/tree"
for col in TIME PID UID SIG DISK SIZE KIND PROGRAM PATH; do
	contains "$tmp/out" "$col" "list header has $col"
done
contains "$tmp/out" "3 dumps" "totals line"
contains "$tmp/out" "SIGSEGV" "signal names"
lacks "$tmp/out" "$tmp/tree/core " "a text file named core is not a dump"
first=$(sed -n 2p "$tmp/out" | awk '{print $NF}')
[ "$first" = "$tmp/tree/app/core.2001" ] && pass || fail "default sort is disk size, largest first (got $first)"
"$COREDU" list --sort=pid --no-legend "$tmp/tree" | awk '{print $3}' >"$tmp/pids"
sort -n "$tmp/pids" | cmp -s - "$tmp/pids" && pass || fail "--sort=pid"
[ "$(wc -l <"$tmp/pids")" -eq 3 ] && pass || fail "--no-legend prints rows only"
"$COREDU" list --sort=pid --reverse --no-legend "$tmp/tree" | awk '{print $3}' >"$tmp/rpids"
sort -rn "$tmp/pids" | cmp -s - "$tmp/rpids" && pass || fail "--reverse"
expect_rc 0 "$COREDU" list --si "$tmp/tree"
contains "$tmp/out" " kB" "--si uses powers of 1000"
expect_rc 0 "$COREDU" list --exclude='*.bin' "$tmp/tree"
contains "$tmp/out" "2 dumps" "--exclude"

# --- time window -----------------------------------------------------------------------------
touch -d '2020-01-01 00:00' "$tmp/tree/app/core.1058"
touch -d '3 hours ago' "$tmp/tree/app/core.2001"
expect_rc 0 "$COREDU" list --since=2h "$tmp/tree"
contains "$tmp/out" "1 dump," "--since=2h keeps only the newest"
expect_rc 0 "$COREDU" list --until=2021-01-01 "$tmp/tree"
contains "$tmp/out" "1 dump," "--until with a date"
expect_rc 0 "$COREDU" list --since=2019-12-31 --until=2h "$tmp/tree"
contains "$tmp/out" "2 dumps" "--since and --until together"
expect_rc 1 "$COREDU" list --since=@4102444800 "$tmp/tree"

# --- json -------------------------------------------------------------------------------------
expect_rc 0 "$COREDU" json "$tmp/tree"
python3 "$TESTS_SRCDIR/tests/jsonfields.py" <"$tmp/out" >"$tmp/fields" && pass || fail "json is valid and has every contract key"
contains "$tmp/fields" "core.2001	fault_addr=0x0" "json fault address"
contains "$tmp/fields" "evidence.bin	machine=s390x" "json machine of a big-endian core"
contains "$tmp/fields" "evidence.bin	endian=big" "json endian"
python3 - "$tmp/out" "$tmp/tree" <<'EOF' && pass || fail "json scan totals and filesystem"
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d["scanned"] == [os.path.realpath(sys.argv[2])], d["scanned"]
assert d["scan"]["files"] == 4 and d["scan"]["dirs"] == 2, d["scan"]
assert d["filesystem"]["size"] > 0 and d["filesystem"]["avail"] <= d["filesystem"]["free"]
assert d["errors"] == []
assert all(x["size_disk"] % 512 == 0 for x in d["dumps"])
EOF
# the rest of the disk: a log directory bigger than the dumps, its own files only, dumps not counted
mkdir -p "$tmp/rest/var/log/app" "$tmp/rest/crash"
head -c 300000 /dev/zero | tr '\0' x >"$tmp/rest/var/log/app/big.log"
head -c 1000 /dev/zero | tr '\0' y >"$tmp/rest/var/small"
cp "$tmp/tree/app/core.2001" "$tmp/rest/crash/core.1"
cp "$tmp/tree/app/core.2001" "$tmp/rest/var/log/app/core.2"
expect_rc 0 "$COREDU" json "$tmp/rest"
python3 - "$tmp/out" "$tmp/rest" <<'EOF' && pass || fail "json scan.largest_dirs: own non-dump files, largest first"
import json, os, sys
d = json.load(open(sys.argv[1]))
root = os.path.realpath(sys.argv[2])
disk = lambda p: os.stat(p).st_blocks * 512
want = [{"path": root + "/var/log/app", "disk": disk(root + "/var/log/app/big.log"),
         "apparent": 300000, "files": 1},
        {"path": root + "/var", "disk": disk(root + "/var/small"), "apparent": 1000, "files": 1}]
assert d["scan"]["largest_dirs"] == want, d["scan"]["largest_dirs"]
assert len(d["dumps"]) == 2
EOF

# without the system's magic database: still works, says so once, and describes the dumps
# with coredu's own magic
MAGIC=/nonexistent "$COREDU" json "$tmp/tree" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && pass || fail "json without a magic database"
[ "$(grep -c 'libmagic' "$tmp/err")" -eq 1 ] && pass || fail "the missing database is reported once: $(cat "$tmp/err")"
[ "$(grep -c '"magic": "ELF core file, [LM]SB, 64-bit, ' "$tmp/out")" -eq 3 ] && pass ||
	fail "coredu's own magic describes the cores: $(grep '"magic"' "$tmp/out")"
grep -q '"magic": "ELF 64-bit' <("$COREDU" json "$tmp/tree") && pass || fail "magic with the system database"

# --- the locale: only LC_CTYPE comes from the environment ----------------------------------------
# Under a German locale, a JSON number must keep its '.' and a size its '.', while a UTF-8 name
# stays UTF-8; a UTF-8 locale that is not installed still means UTF-8 (C.UTF-8).
cp "$core" "$tmp/tree/core.café"
mkdir -p "$tmp/loc"
if command -v localedef >/dev/null && [ -f /usr/share/i18n/locales/de_DE ] &&
	localedef -i de_DE -f UTF-8 "$tmp/loc/de_DE.UTF-8" 2>/dev/null &&
	[ "$(LOCPATH=$tmp/loc LC_ALL=de_DE.UTF-8 /usr/bin/printf '%.1f' 1.5)" = "1,5" ]; then
	de=(env LOCPATH="$tmp/loc" LANG=de_DE.UTF-8)
	expect_rc 0 "${de[@]}" "$COREDU" json "$tmp/tree"
	python3 - "$tmp/out" <<'PY' && pass || fail "json under LANG=de_DE.UTF-8 is valid, numbers with '.'"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(text)
assert isinstance(d["scan"]["seconds"], float), d["scan"]
assert any(x["path"].endswith("/core.café") for x in d["dumps"])
PY
	expect_rc 0 "${de[@]}" "$COREDU" list "$tmp/tree"
	grep -qE '[0-9]\.[0-9] KiB' "$tmp/out" && ! grep -qE '[0-9],[0-9] KiB' "$tmp/out" && pass ||
		fail "list under de_DE.UTF-8 writes sizes with '.': $(head -3 "$tmp/out")"
	contains "$tmp/out" "core.café" "a UTF-8 name under de_DE.UTF-8 is UTF-8"
else
	echo "SKIP: JSON under a German locale: localedef cannot make de_DE.UTF-8 (apt-get install locales)"
fi
mkdir -p "$tmp/noloc"
expect_rc 0 env LOCPATH="$tmp/noloc" LANG=en_US.UTF-8 "$COREDU" list "$tmp/tree"
contains "$tmp/out" "core.café" "a UTF-8 locale that is not installed: UTF-8 still"
expect_rc 0 env LANG=C "$COREDU" list "$tmp/tree"
contains "$tmp/out" 'core.caf\xc3\xa9' "LANG=C: the name escaped"
rm "$tmp/tree/core.café"

# --- info -------------------------------------------------------------------------------------
expect_rc 0 "$COREDU" info "$tmp/tree/app/core.2001"
for f in "PID:" "TID:" "Signal: 11 (SIGSEGV)" "SEGV_MAPERR" "Fault address: 0x0" \
	"Cause: invalid memory access at 0x0 (address not mapped)" "Command Line:" \
	"Executable: ./crash_thread_segv" "Threads: 4" "Build ID:" "Crash module:" \
	"Mapped files:" "libc.so.6" "State: complete"; do
	contains "$tmp/out" "$f" "info field $f"
done
# coredumpctl debug's hand-off: the gdb command, with the executable from NT_FILE, when gdb
# is installed; without it on PATH, no Debug line.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\n' >"$tmp/bin/gdb"
chmod +x "$tmp/bin/gdb"
mapped=$(sed -n 's/^ *Mapped exe: //p' "$tmp/out")
expect_rc 0 env PATH="$tmp/bin:$PATH" "$COREDU" info "$tmp/tree/app/core.2001"
contains "$tmp/out" "Debug: gdb $mapped $tmp/tree/app/core.2001" "info gives the gdb command"
expect_rc 0 env PATH=/nonexistent "$COREDU" info "$tmp/tree/app/core.2001"
lacks "$tmp/out" "Debug:" "no gdb, no Debug line"
expect_rc 1 "$COREDU" info "$tmp/tree/core"
contains "$tmp/err" "not a recognised dump" "info on a non-dump says so"
expect_rc 2 "$COREDU" info "$tmp/nope"

# --- hostile names never reach the terminal raw --------------------------------------------------
mkdir -p "$tmp/hostile"
for n in $'osc\e]0;pwned\a' $'color\e[31m' $'move\e[2J\e[H' $'paste\e[200~' $'csi\x9b31m' \
	$'new\nline' $'bad\xff\xfe'; do
	cp "$core" "$tmp/hostile/$n"
done
expect_rc 0 "$COREDU" list "$tmp/hostile"
python3 - "$tmp/out" <<'EOF' && pass || fail "list output carries no raw control bytes"
import sys
data = open(sys.argv[1], "rb").read()
bad = [b for b in data if (b < 0x20 and b != 0x0a) or b in (0x7f, 0x9b)]
assert not bad, bad[:10]
assert data.count(b"\n") == 7 + 2, data.count(b"\n")  # header, 7 rows, totals
EOF
expect_rc 0 "$COREDU" json "$tmp/hostile"
python3 - "$tmp/out" "$tmp/hostile" <<'EOF' && pass || fail "json paths round-trip byte-exactly"
import json, os, sys
d = json.load(open(sys.argv[1]))
got = sorted(x["path"].encode("utf-8", "surrogateescape") for x in d["dumps"])
want = sorted(os.path.join(os.fsencode(os.path.realpath(sys.argv[2])), n) for n in os.listdir(os.fsencode(sys.argv[2])))
assert got == want, (got, want)
EOF
"$COREDU" list "$tmp/hostile" 2>&1 >/dev/null | grep -q . && fail "no stderr for a clean scan" || pass

# --- pipelines ---------------------------------------------------------------------------------
"$COREDU" list "$tmp/tree" 2>"$tmp/err" | head -1 >/dev/null
[ ! -s "$tmp/err" ] && pass || fail "list | head -1 is quiet: $(cat "$tmp/err")"

# --- permissions: run as an unprivileged user ------------------------------------------------------
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	mkdir -p "$tmp/perm/locked" "$tmp/perm/open" "$tmp/lockedroot"
	cp "$core" "$tmp/perm/open/core"
	cp "$core" "$tmp/perm/locked/core"
	chmod 755 "$tmp/perm" "$tmp/perm/open"
	chmod 644 "$tmp/perm/open/core"
	chmod 000 "$tmp/perm/locked" "$tmp/lockedroot"
	expect_rc 0 "${as_user[@]}" "$COREDU" list "$tmp/perm"
	contains "$tmp/err" "$tmp/perm/locked" "an unreadable directory is named on stderr"
	contains "$tmp/err" "Permission denied" "with its reason"
	contains "$tmp/out" "1 error" "and counted in the totals"
	expect_rc 2 "${as_user[@]}" "$COREDU" list "$tmp/lockedroot"
	contains "$tmp/err" "$tmp/lockedroot" "an unreadable root is named"
	contains "$tmp/err" "Permission denied" "with its reason"
	# json: the dump, and the error counted and listed with its path
	expect_rc 0 "${as_user[@]}" "$COREDU" json "$tmp/perm"
	contains "$tmp/err" "cannot open directory '$tmp/perm/locked': Permission denied" "json: the unreadable directory on stderr"
	python3 - "$tmp/out" "$tmp/perm" <<'EOF2' && pass || fail "json as nobody: the dump found, the error counted"
import json, sys
d = json.load(open(sys.argv[1]))
assert [x["path"] for x in d["dumps"]] == [sys.argv[2] + "/open/core"], d["dumps"]
assert d["scan"]["errors"] == 1, d["scan"]
assert d["errors"] == [{"path": sys.argv[2] + "/locked", "error": "cannot open directory: Permission denied"}], d["errors"]
EOF2
	# doctor: the dump found (status 4: something to fix), the directory named on stderr
	expect_rc 4 "${as_user[@]}" "$COREDU" doctor "$tmp/perm"
	contains "$tmp/err" "cannot open directory '$tmp/perm/locked': Permission denied" "doctor: the unreadable directory on stderr"
	contains "$tmp/out" "1 dump," "doctor as nobody finds the readable dump"
	expect_rc 4 "${as_user[@]}" "$COREDU" doctor --json "$tmp/perm"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out" && pass || fail "doctor --json as nobody is JSON"
	# info on a file it cannot read: the path and the reason, no "not a recognised dump", status 2
	cp "$core" "$tmp/secret.core"
	chmod 000 "$tmp/secret.core"
	expect_rc 2 "${as_user[@]}" "$COREDU" info "$tmp/secret.core"
	contains "$tmp/err" "cannot open '$tmp/secret.core': Permission denied" "info: an unreadable file is named with the reason"
	lacks "$tmp/err" "not a recognised dump" "info: an unreadable file is not called a non-dump"
	expect_rc 2 "${as_user[@]}" "$COREDU" info "$tmp/perm/open/core" "$tmp/secret.core"
	contains "$tmp/out" "crash_abort" "info: the readable one is still reported"
	expect_rc 2 "${as_user[@]}" "$COREDU" info "$tmp/perm/locked/core"
	contains "$tmp/err" "$tmp/perm/locked/core" "info: a file below an unreadable directory is named"
	chmod 755 "$tmp/perm/locked" "$tmp/lockedroot"
else
	echo "SKIP: permission checks: as root they need setpriv (apt-get install util-linux)"
fi

# --- process hygiene: RLIMIT_CORE 0 and not dumpable, seen from outside -------------------------
mkdir -p "$tmp/many"
for i in $(seq 1 90); do cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tmp/many/core.$i"; done
chmod -R a+rX "$tmp/many"
mkfifo "$tmp/pipe"
"${as_user[@]}" "$COREDU" json "$tmp/many" >"$tmp/pipe" 2>/dev/null &
pid=$!
exec 3<"$tmp/pipe"
# coredu fills the pipe (90 dumps > 64 KiB of JSON) and blocks writing: inspect it then.
for _ in $(seq 1 100); do
	[ "$(awk '/^State:/{print $2}' /proc/$pid/status 2>/dev/null)" = S ] && break
	sleep 0.05
done
grep -E '^Max core file size +0 +0 ' /proc/$pid/limits >/dev/null && pass || fail "RLIMIT_CORE is 0: $(grep core /proc/$pid/limits)"
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	# Non-dumpable processes have their /proc files owned by root.
	[ "$(stat -c %u /proc/$pid/status)" = 0 ] && pass || fail "coredu is not dumpable"
fi
cat <&3 >/dev/null
exec 3<&-
wait $pid && pass || fail "blocked json run finished"

finish cli.sh
