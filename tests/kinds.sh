#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every kind of dump, recognised by content and read, in list, json, info, prune and the
# same-crash links:
#   - real producers: a JVM's hs_err log and heap dump, qemu's ELF guest dump and its
#     flattened kdump, makedumpfile -R's plain kdump (committed fixtures, made by
#     tests/fixtures/make-kind-fixtures.sh), and systemd-coredump's store made here from a
#     real core with the real zstd, xz and lz4 tools; a live JVM crash when java is there;
#   - built from their specifications, since Debian has no producer (tests/kinds/mkkinds.py):
#     a Breakpad minidump, an Apport report, ABRT problem directories, a VMCOREINFO vmcore,
#     a flattened kdump.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

for tool in zstd xz lz4 python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (./quickstart --check installs it)"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-kinds-XXXXXX")
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
MK="python3 $TESTS_SRCDIR/tests/kinds/mkkinds.py"
core=$FIXTURE_DIR/abort-x86-64.core
# The facts of that core, from the fixture MANIFEST.
pid=$(grep '^file=abort-x86-64.core.xz' "$FIXTURE_DIR/MANIFEST" | tr '\t' '\n' | sed -n 's/^pid=//p')
# check PYTHON-ASSERTIONS: run them over `coredu json` of $tmp/out (d: the document,
# k: dumps by file name).
check() {
	python3 - "$tmp/out" >"$tmp/py" 2>&1 <<EOF && pass || fail "$1: $(cat "$tmp/py")"
import json, os, sys
d = json.load(open(sys.argv[1]))
k = {os.path.basename(x["path"]): x for x in d["dumps"]}
$2
EOF
}

# --- real producers: the committed fixtures ----------------------------------------------------
mkdir "$tmp/real"
for f in hs_err_pid6383.log java_pid6435.hprof vmcore-qemu.elf vmcore-qemu.kdump vmcore-qemu-raw.kdump; do
	cp "$FIXTURE_DIR/$f" "$tmp/real/"
done
cp "$FIXTURE_DIR/gcore-x86-64.core" "$tmp/real/core.snapshot"
run 0 "$COREDU" json "$tmp/real"
check "real fixtures" '
h = k["hs_err_pid6383.log"]
assert h["kind"] == "hs_err", h["kind"]
assert (h["pid"], h["tid"], h["signal_name"]) == (6383, 6384, "SIGSEGV"), h
assert h["cause"] == "fault" and h["fault_addr"] == "0x0", h
assert h["crash_module"] == "libjvm.so" and h["crash_offset"] == "0xed2f94", h
assert h["kind_info"]["title"] == "V  [libjvm.so+0xed2f94]  Unsafe_PutLong+0x124", h["kind_info"]
assert h["kind_info"]["release"].startswith("OpenJDK Runtime Environment (17.0.15+6)"), h["kind_info"]
assert h["cmdline"].endswith("Crash first second"), h["cmdline"]
assert h["crash_time"] > 1700000000, h["crash_time"]
p = k["java_pid6435.hprof"]
assert p["kind"] == "hprof" and p["pid"] == 6435, p
assert p["kind_info"]["format"] == "JAVA PROFILE 1.0.2" and p["kind_info"]["id_size"] == 8, p
assert p["crash_time"] == 1795504309448 // 1000, p["crash_time"]
v = k["vmcore-qemu.elf"]
assert v["kind"] == "vmcore" and v["comm"] is None, v
for name, flat in (("vmcore-qemu.kdump", True), ("vmcore-qemu-raw.kdump", False)):
    x = k[name]
    assert x["kind"] == "kdump", (name, x["kind"])
    assert x["kind_info"]["flattened"] is flat, (name, x["kind_info"])
    assert x["kind_info"]["format"].startswith("kdump-compressed v6, zlib"), x["kind_info"]
    assert x["kind_info"]["block_size"] == 4096 and x["kind_info"]["title"] == "x86_64", x["kind_info"]
g = k["core.snapshot"]
assert g["kind"] == "gcore" and g["signal"] == 0 and g["cause"] == "snapshot", g
'
run 0 "$COREDU" list "$tmp/real"
for kind in hs_err hprof vmcore kdump gcore; do contains "$tmp/out" " $kind " "list names the kind $kind"; done
contains "$tmp/out" "kernel" "kernel dumps are the kernel's"
run 0 "$COREDU" info "$tmp/real/hs_err_pid6383.log"
contains "$tmp/out" "Problem frame: V  [libjvm.so+0xed2f94]  Unsafe_PutLong+0x124" "info: the problematic frame"
contains "$tmp/out" "Cause: invalid memory access at 0x0 (address not mapped) in libjvm.so+0xed2f94" "info: the cause"
contains "$tmp/out" "Kind: hs_err (Java HotSpot fatal error log)" "info: the kind in words"
run 0 "$COREDU" info "$tmp/real/vmcore-qemu.kdump"
contains "$tmp/out" "Format: kdump-compressed v6, zlib, flattened" "info: a flattened kdump"

# --- built from the specifications --------------------------------------------------------------
s=$tmp/spec
mkdir "$s"
$MK minidump "$s/crash.dmp" --pid 4242 --comm crash_segv --signal 11 --code 1 --addr 0xdeadbeef \
	--cmdline "./crash_segv one 'two three'" --time 1795514400
# A HotSpot log from a Mac: its SIGBUS is 10 (Linux's SIGUSR1), as written, with its address.
$MK hserr "$s/hs_err_pid5151.log" --platform bsd-amd64 --signal SIGBUS --number 10 --code 2 \
	--code-name BUS_ADRERR --addr 0x10c123456 --pid 5151 --tid 8707 \
	--host '"MacBookPro16,1" x86_64 2400 MHz, 8 cores, 16G, Darwin 21.3.0, macOS 12.2.1 (21D62)'
# Breakpad's WriteMinidump() without a crash: exception code 0xFFFFFFFF, "dump requested".
$MK minidump "$s/requested.dmp" --pid 4243 --comm snap --signal 0xffffffff --code 0 --addr 0 \
	--cmdline "./snap" --time 1795514400
$MK apport "$s/_usr_bin_crash_abort.0.crash" --core "$core" --exe /usr/bin/crash_abort \
	--cmdline "/usr/bin/crash_abort first second arg third" --pid "$pid" --uid 0 --signal 6 \
	--date "Tue Nov 24 10:00:00 2026"
$MK vmcoreinfo "$s/vmcore" --release 6.1.0-test --crashtime 1795514400
$MK kdump-flat "$FIXTURE_DIR/vmcore-qemu-raw.kdump" "$s/vmcore.flat"
CORE=$core; export CORE
run 0 "$COREDU" json "$s"
check "spec-built kinds" '
m = k["crash.dmp"]
assert m["kind"] == "minidump", m["kind"]
assert (m["pid"], m["tid"], m["comm"], m["signal_name"]) == (4242, 4242, "crash_segv", "SIGSEGV"), m
assert m["fault_addr"] == "0xdeadbeef" and m["cause"] == "fault" and m["si_code"] == 1, m
assert m["cmdline"] == "./crash_segv one two three", m["cmdline"]
assert m["crash_time"] == 1795514400 and m["kind_info"]["streams"] == 5, m
assert m["machine"] == "x86-64", m["machine"]
h = k["hs_err_pid5151.log"]
assert (h["signal"], h["signal_name"], h["os"], h["si_code_name"]) == (10, "SIGBUS", "macos", "BUS_ADRERR"), h
assert h["fault_addr"] == "0x10c123456" and h["cause"] == "fault", h
r = k["requested.dmp"]
assert (r["signal"], r["signal_name"], r["cause"], r["requested"]) == (0, None, "snapshot", True), r
assert r["fault_addr"] is None and r["si_code"] is None and "requested" in r["cause_text"], r
a = k["_usr_bin_crash_abort.0.crash"]
assert a["kind"] == "apport" and a["signal_name"] == "SIGABRT", a
assert a["exe"] == "/usr/bin/crash_abort" and a["comm"] == "crash_abort", a
assert a["kind_info"]["embedded_original"] == os.path.getsize(os.environ["CORE"]), a["kind_info"]
assert 0 < a["kind_info"]["embedded_size"] < a["size_apparent"], a["kind_info"]
assert a["magic"] and "Apport" in a["magic"], a["magic"]
v = k["vmcore"]
assert v["kind"] == "vmcore" and v["kind_info"]["release"] == "6.1.0-test", v
assert v["crash_time"] == 1795514400, v["crash_time"]
f = k["vmcore.flat"]
assert f["kind"] == "kdump" and f["kind_info"]["flattened"] is True, f
'

# --- systemd-coredump's store and ABRT's copy of the same crash --------------------------------
sd=$tmp/sd
mkdir -p "$sd/var/lib/systemd/coredump" "$sd/var/spool/abrt"
st=$sd/var/lib/systemd/coredump
usec=1795514400123456
boot=0123456789abcdef0123456789abcdef
zstd -q "$core" -o "$st/core.crash_abort.0.$boot.$pid.$usec.zst"
xz -c "$core" >"$st/core.crash\\x2eabort.0.$boot.$pid.$usec.xz"
lz4 -q "$core" "$st/core.crash_abort.0.$boot.$pid.$usec.lz4"
cp "$core" "$st/.#core.crash_abort.0.$boot.$pid.${usec}0123456789abcdef"
$MK abrt "$sd/var/spool/abrt/ccpp-2026-11-24-10:00:00.123456-$pid" --core "$core" \
	--exe /usr/bin/crash_abort --cmdline "/usr/bin/crash_abort first second arg third" \
	--pid "$pid" --uid 0 --time $((usec / 1000000)) --count 3 --reason "crash_abort killed by SIGABRT" \
	--compress none
# The attributes systemd sets, where this file system takes user attributes.
xattrs=$(python3 -c '
import os, sys
try:
    os.setxattr(sys.argv[1], "user.coredump.pid", sys.argv[2].encode())
    os.setxattr(sys.argv[1], "user.coredump.hostname", b"testhost")
    print(1)
except OSError:
    print(0)' "$st/core.crash_abort.0.$boot.$pid.$usec.zst" "$pid")
run 0 "$COREDU" json "$sd"
check "systemd and ABRT" "
xattrs = $xattrs
zst = k['core.crash_abort.0.$boot.$pid.$usec.zst']
assert zst['kind'] == 'systemd-core' and zst['compression'] == 'zstd', zst
assert zst['size_original'] == os.path.getsize('$core'), zst['size_original']
assert (zst['pid'], zst['comm'], zst['signal_name']) == ($pid, 'crash_abort', 'SIGABRT'), zst
assert zst['crash_time'] == $usec // 1000000 and zst['kind_info']['boot_id'] == '$boot', zst
assert zst['kind_info']['xattrs'] is bool(xattrs), zst['kind_info']
if xattrs:
    assert zst['kind_info']['host'] == 'testhost', zst['kind_info']
xz = k['core.crash\\\\x2eabort.0.$boot.$pid.$usec.xz']
assert xz['kind'] == 'systemd-core' and xz['compression'] == 'xz', xz
assert xz['size_original'] == os.path.getsize('$core'), xz['size_original']
lz = k['core.crash_abort.0.$boot.$pid.$usec.lz4']
assert lz['kind'] == 'systemd-core' and lz['compression'] == 'lz4' and lz['signal_name'] == 'SIGABRT', lz
tmpf = [x for n, x in k.items() if n.startswith('.#core')][0]
assert tmpf['kind'] == 'core-temp', tmpf['kind']
ab = k['ccpp-2026-11-24-10:00:00.123456-$pid']
assert ab['kind'] == 'abrt' and ab['kind_info']['count'] == 3 and ab['kind_info']['files'] == 18, ab
assert ab['kind_info']['title'] == 'crash_abort killed by SIGABRT' and ab['kind_info']['linked'] == 'coredump', ab
assert ab['exe'] == '/usr/bin/crash_abort' and ab['signal_name'] == 'SIGABRT', ab
total = sum(os.path.getsize(os.path.join(ab['path'], f)) for f in os.listdir(ab['path']))
assert ab['size_apparent'] == total, (ab['size_apparent'], total)
assert os.path.basename(ab['path']) not in ('coredump',), 'the core inside is not listed on its own'
assert not any(n == 'coredump' for n in k), 'the core inside is not listed on its own'
ids = {x['same_crash'] for x in d['dumps']}
assert len(ids) == 1 and None not in ids, [(n, x['same_crash']) for n, x in k.items()]
assert len(ab['same_crash_as']) == 4, ab['same_crash_as']
"
run 0 "$COREDU" list "$sd"
contains "$tmp/out" "5 from 1 crash stored more than once" "the totals count one crash stored five times"
contains "$tmp/out" "[crash 1]" "each row says which crash"
contains "$tmp/out" "core-temp" "the temporary is listed"
run 0 "$COREDU" info "$sd"
contains "$tmp/out" "Same crash as: $st/core.crash_abort.0.$boot.$pid.$usec.zst (systemd-core)" "info names the other copies"

# --- the browser: the kind view and the inspect pane of the other kinds -------------------------
if command -v tmux >/dev/null; then
	cp "$tmp/real/hs_err_pid6383.log" "$tmp/real/vmcore-qemu.kdump" "$sd/"
	sock=coredu-kinds-$$
	T() { tmux -L "$sock" -f /dev/null "$@"; }
	screen_has() { # TEXT: wait up to 5 s for it
		for _ in $(seq 100); do T capture-pane -p -t k | grep -qF -- "$1" && return 0; sleep 0.05; done
		return 1
	}
	T new-session -d -x 120 -y 40 -s k "env TERM=tmux-256color LANG=C.UTF-8 $COREDU $sd"
	screen_has "? help" && pass || fail "the browser did not start"
	T send-keys -t k g g g g g # flat, cause, program, signal, directory, kind
	for kind in "systemd-core" "core-temp" "abrt" "hs_err" "kdump"; do
		screen_has " $kind" && pass || fail "the kind view lists $kind: $(T capture-pane -p -t k)"
	done
	T send-keys -t k / h s _ e r r Enter Enter i
	screen_has "Problem frame: V  [libjvm.so+0xed2f94]" && pass || fail "inspect an hs_err log: $(T capture-pane -p -t k)"
	T send-keys -t k q / Enter Left / c c p p Enter Enter i
	screen_has "Format: ABRT problem directory, type CCpp" && pass ||
		fail "inspect an ABRT directory: $(T capture-pane -p -t k)"
	T send-keys -t k NPage
	screen_has "Kind: abrt (ABRT problem directory: deleting it removes the whole directory)" && pass ||
		fail "inspect says what deleting it means: $(T capture-pane -p -t k)"
	screen_has "Same crash as:" && pass || fail "inspect lists the other copies of the crash"
	T kill-server 2>/dev/null
	rm "$sd/hs_err_pid6383.log" "$sd/vmcore-qemu.kdump"
else
	echo "SKIP: tmux is not installed (apt-get install tmux): the browser part is skipped"
fi

# --- deleting an ABRT problem directory removes it whole; compressing it is refused ------------
run 0 "$COREDU" prune --dry-run --match ccpp- "$sd"
lacks "$tmp/out" "hard links" "a problem directory's link count is not hard links"
run 3 "$COREDU" prune --compress --yes --match ccpp- "$sd"
contains "$tmp/out" "deleted whole, not compressed" "an ABRT directory is not compressed"
[ -d "$sd/var/spool/abrt/ccpp-2026-11-24-10:00:00.123456-$pid" ] && pass || fail "the refused directory is still there"
run 0 "$COREDU" prune --yes --match ccpp- "$sd"
[ ! -e "$sd/var/spool/abrt/ccpp-2026-11-24-10:00:00.123456-$pid" ] && pass || fail "the problem directory is gone"
[ -d "$sd/var/spool/abrt" ] && pass || fail "its parent stays"
[ "$(ls -A "$st" | wc -l)" -eq 4 ] && pass || fail "systemd's four files stay: $(ls -A "$st")"
grep -q $'\tdeleted\t' "$tmp/err" && pass || fail "the journal records the deletion"

# --- libmagic: coredu's own magic where the system has none ------------------------------------
run 0 env MAGIC=/nonexistent "$COREDU" json "$s"
check "bundled magic" '
assert k["_usr_bin_crash_abort.0.crash"]["magic"] == "Apport problem report, crash", k["_usr_bin_crash_abort.0.crash"]["magic"]
assert k["crash.dmp"]["magic"].startswith("Breakpad/Crashpad minidump, 5 streams"), k["crash.dmp"]["magic"]
assert k["vmcore"]["magic"] == "ELF core file, LSB, 64-bit, x86-64", k["vmcore"]["magic"]
'
contains "$tmp/err" "descriptions come from coredu's own magic" "the missing database is mentioned once"
printf '0\tstring\tProblemType:\tTEST-MAGIC apport\n' >"$tmp/test.magic"
run 0 "$COREDU" json --magic="$tmp/test.magic" "$s"
check "--magic" 'assert k["_usr_bin_crash_abort.0.crash"]["magic"] == "TEST-MAGIC apport", k["_usr_bin_crash_abort.0.crash"]["magic"]'

# --- a live JVM crash: its hs_err log and its core are one crash --------------------------------
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|')
if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
	echo "SKIP: java/javac not installed (apt-get install default-jdk-headless): the live JVM crash is skipped (the committed hs_err fixture is checked above)"
elif [ "${pattern#|}" != "$pattern" ] || [ "${pattern#/}" != "$pattern" ] || ! (ulimit -c 8192) 2>/dev/null; then
	echo "SKIP: this kernel does not write cores into the working directory ($pattern): the live JVM crash is skipped"
else
	j=$tmp/jvm
	mkdir "$j"
	javac -nowarn -d "$j" "$TESTS_SRCDIR/tests/crashers/JvmCrash.java" 2>"$tmp/javac.log" || fail "javac: $(cat "$tmp/javac.log")"
	# 8 MiB of core is plenty: the notes come first.
	# (through sh -c, so that this shell does not report the JVM's abort)
	sh -c 'cd "$1" && ulimit -c 8192 && timeout 60 java -Xmx16m -XX:+UseSerialGC -Xshare:off -cp "$1" JvmCrash one two' \
		sh "$j" >/dev/null 2>&1
	run 0 "$COREDU" json "$j"
	check "a live JVM crash" '
logs = [x for n, x in k.items() if n.startswith("hs_err_pid")]
cores = [x for x in d["dumps"] if x["kind"] == "elf-core"]
assert len(logs) == 1 and len(cores) == 1, list(k)
h, c = logs[0], cores[0]
assert h["pid"] == c["pid"] and c["signal_name"] == "SIGABRT" and h["signal_name"] == "SIGSEGV", (h["pid"], c["pid"])
assert h["same_crash"] is not None and h["same_crash"] == c["same_crash"], (h["same_crash"], c["same_crash"])
assert h["kind_info"]["linked"] == c["path"], (h["kind_info"]["linked"], c["path"])
assert c["comm"] == "java", c["comm"]
'
	run 4 "$COREDU" doctor "$j"
	tr '\n' ' ' <"$tmp/out" | tr -s ' ' | grep -qF "the JVM crashed in native or JIT-compiled code" && pass ||
		fail "doctor explains the JVM crash: $(head -c 800 "$tmp/out")"
fi

finish kinds.sh
