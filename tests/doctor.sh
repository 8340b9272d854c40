#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `coredu doctor` from the command line, against fixture /proc trees (--proc): exit codes,
# the sections of the text report, the JSON document, the environment found from PID 1's
# environment, option errors, and hostile strings from /proc that must reach the terminal
# escaped.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-doctor-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
# Commands run with no environment markers of their own (the fixture's PID 1 has some).
clean_env=(env -u ECS_CONTAINER_METADATA_URI_V4 -u ECS_CONTAINER_METADATA_URI -u KUBERNETES_SERVICE_HOST
	-u AWS_EXECUTION_ENV)

# A fixture /proc: kernel settings and processes, as the kernel lays them out.
proc=$tmp/proc
app=$tmp/app
mkdir -p "$proc/sys/kernel" "$proc/sys/fs" "$app" "$tmp/empty"
printf 'core\n' >"$proc/sys/kernel/core_pattern"
printf '1\n' >"$proc/sys/kernel/core_uses_pid"
printf '0\n' >"$proc/sys/kernel/core_pipe_limit"
printf '0\n' >"$proc/sys/fs/suid_dumpable"
printf '1000.0 10.0\n' >"$proc/uptime"
avail_kb=$(df -Pk "$app" | awk 'NR == 2 { print $4 }')
# put_proc PID COMM CORE-LIMIT ANON-KB CWD CMDLINE...
put_proc() {
	local pid=$1 comm=$2 limit=$3 anon=$4 cwd=$5
	shift 5
	mkdir -p "$proc/$pid"
	printf '%s (%s) S 1 %s %s 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 50 0 0\n' "$pid" "$comm" "$pid" "$pid" >"$proc/$pid/stat"
	printf '%s\n' "$comm" >"$proc/$pid/comm"
	printf 'Limit  Soft  Hard  Units\nMax core file size        %s bytes\n' "$limit" >"$proc/$pid/limits"
	printf '00000033\n' >"$proc/$pid/coredump_filter"
	printf 'Rss: 1 kB\nAnonymous:   %s kB\n' "$anon" >"$proc/$pid/smaps_rollup"
	ln -s "$cwd" "$proc/$pid/cwd"
	printf '%s\0' "$@" >"$proc/$pid/cmdline"
}
put_proc 1 init "0 unlimited" 100 / /sbin/init

# --- nothing to fix: exit 0 ----------------------------------------------------------------
run 0 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$tmp/empty"
says "$tmp/out" "Nothing needs attention" "a calm report says so"
says "$tmp/out" "Dumps: none found" "no dumps"
says "$tmp/out" "core_pattern core" "the pattern"
says "$tmp/out" "core_uses_pid=1 and no %p" "what core_uses_pid=1 implies"
says "$tmp/out" "cores accumulate without bound" "unbounded accumulation"
says "$tmp/out" "Processes that can dump core: 0 of 1" "the process count"

# --- a process whose cores would fill the disk: exit 4 -------------------------------------
# Its command line and comm carry escape sequences: they must come out escaped.  Its next core
# is 2/7 of the free space: 3 fit and the fourth fills it, and that stays so while other tests
# change the free space by less than a tenth.
put_proc 500 $'evil\e[31m' "unlimited unlimited" $((avail_kb * 2 / 7)) "$app" \
	/usr/bin/app $'\e]2;PWNED\a' --serve
run 4 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$tmp/empty"
says "$tmp/out" "running process would fill the file system" "the summary flags the process"
says "$tmp/out" "! 500 core limit unlimited" "the process is flagged in the table"
says "$tmp/out" "pid 500: 4 more cores of about" "how many cores fill it"
says "$tmp/out" '/usr/bin/app \x1b]2;PWNED\x07 --serve' "the command line, escaped"
if grep -q $'\e' "$tmp/out"; then fail "a raw escape reached the output"; else pass; fi
says "$tmp/out" "prlimit --core=0:0 --pid 500" "the immediate remedy for it"

# --crashes moves the threshold: 3 cores fit and the fourth fills it, so it is at risk
# within 4 crashes and not within 3.
run 4 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" --crashes=4 "$tmp/empty"
run 0 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" --crashes=3 "$tmp/empty"

# --- the environment from PID 1's environment (an ECS Exec shell lacks the variables) -----
printf 'PATH=/bin\0ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/x\0AWS_EXECUTION_ENV=AWS_ECS_FARGATE\0' >"$proc/1/environ"
run 4 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$tmp/empty"
says "$tmp/out" "Stop the dumps in AWS ECS on Fargate (seen: " "ECS from PID 1"
says "$tmp/out" "ECS_CONTAINER_METADATA_URI_V4, AWS_EXECUTION_ENV=AWS_ECS_FARGATE)" "the markers seen"
grep -qF '"ulimits":[{"name":"core","softLimit":0,"hardLimit":0}]' "$tmp/out" && pass || fail "the task definition snippet, verbatim"
says "$tmp/out" "> The fix (AWS ECS on Fargate), in the task definition's container:" "the summary names the fix"
sed -n '3,8p' "$tmp/out" | grep -qxF '    "ulimits":[{"name":"core","softLimit":0,"hardLimit":0}]' && pass ||
	fail "the summary's snippet, on its own line within the first lines: $(head -8 "$tmp/out")"
rm "$proc/1/environ"

# --- dumps: groups, JSON ---------------------------------------------------------------------
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$app/core.101"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$app/core.102"
cp "$FIXTURE_DIR/abort-x86-64.core" "$app/core.200"
touch -d '2 hours ago' "$app/core.101"
touch -d '1 hour ago' "$app/core.102"
run 4 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$app"
says "$tmp/out" "! crash_parent_kill: 2 dumps, " "the summary: the largest group's program"
says "$tmp/out" "(SIGABRT, parent); 3 in all, " "the summary counts the dumps"
says "$tmp/out" "pace: 2 dumps in 60.0 min: " "the pace over the true window"
says "$tmp/out" "[1] crash_parent_kill SIGABRT parent: 2 dumps" "the largest group first"
says "$tmp/out" "one every 60 min (median interval)" "the cadence"
says "$tmp/out" "last 24 h: 2 dumps" "the window"
says "$tmp/out" "why: the parent process killed this one with SIGABRT" "the hint"
says "$tmp/out" "[2] crash_abort SIGABRT self: 1 dump" "the second group"
run 4 "${clean_env[@]}" "$COREDU" doctor --json --proc "$proc" "$app"
python3 - "$tmp/out" "$app" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "doctor JSON: $(cat "$tmp/py")"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["version", "tool", "scanned", "time", "attention", "kernel", "processes", "groups",
          "filesystems", "environment", "remedies"]:
    assert k in d, k
assert d["scanned"] == [sys.argv[2]], d["scanned"]
k = d["kernel"]
assert k["core_pattern"] == "core" and k["pattern_kind"] == "relative", k
assert k["accumulation"] == "unbounded" and k["pid_appended"] is True, k
assert k["core_sort_vma"] is None and k["core_modes"] is None, k
g = d["groups"][0]
assert (g["program"], g["signal"], g["cause"], g["count"]) == ("crash_parent_kill", "SIGABRT", "parent", 2), g
assert 3590 <= g["window_seconds"] <= 3610, g["window_seconds"]
assert 3590 <= g["cadence_seconds"] <= 3610, g["cadence_seconds"]
assert g["rate_bytes_per_hour"] > 0 and g["hours_to_full"] > 0, g
assert g["hint"]["id"] == "supervisor-abort", g["hint"]
assert len(g["dumps"]) == 2 and all(p.startswith(sys.argv[2] + "/") for p in g["dumps"]), g["dumps"]
p = {x["pid"]: x for x in d["processes"]["list"]}
assert 500 in p and p[500]["at_risk"] is True and p[500]["core_limit"]["soft"] == "unlimited", p
assert p[500]["cmdline"] == "/usr/bin/app \x1b]2;PWNED\x07 --serve", p[500]["cmdline"]
assert 1 not in p, "a process that cannot dump and no group points at is left out"
assert d["processes"]["seen"] == 2 and d["processes"]["can_dump"] == 1, d["processes"]
assert d["environment"]["kind"] in ("host", "systemd", "docker", "podman", "container", "kubernetes", "ecs")
assert any(r["kind"] == "stop" for r in d["remedies"]), d["remedies"]
EOF

# --- the ten largest, or --all ---------------------------------------------------------------
for i in $(seq 600 611); do put_proc "$i" "w$i" "unlimited unlimited" 10 "$app" "worker-$i"; done
run 4 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$tmp/empty"
says "$tmp/out" "Processes that can dump core: 13 of 14" "all are counted"
says "$tmp/out" "... and 3 more (doctor --all lists them)" "ten shown, plus the one at risk"
run 4 "${clean_env[@]}" "$COREDU" doctor --all --proc "$proc" "$tmp/empty"
lacks "$tmp/out" "more (doctor --all" "--all lists every one"
says "$tmp/out" "worker-611" "--all shows the last"

# --- hostile kernel settings are escaped too --------------------------------------------------
# (a pipe: cores go to the host, so no process here is at risk)
printf '|/opt/h\e[2J %%p\n' >"$proc/sys/kernel/core_pattern"
run 0 "${clean_env[@]}" "$COREDU" doctor --proc "$proc" "$tmp/empty"
says "$tmp/out" 'core_pattern |/opt/h\x1b[2J %p' "a hostile pattern, escaped"
says "$tmp/out" "Pipe to the handler /opt/h\x1b[2J, run by the kernel as root on the host" "pipe to an unknown handler"
if grep -q $'\e' "$tmp/out"; then fail "a raw escape reached the output"; else pass; fi

# --- errors ------------------------------------------------------------------------------------
run 2 "${clean_env[@]}" "$COREDU" doctor "$tmp/missing"
says "$tmp/err" "$tmp/missing" "a missing path is named"
run 2 "${clean_env[@]}" "$COREDU" doctor --crashes=0 "$tmp/empty"
run 2 "${clean_env[@]}" "$COREDU" doctor --crashes=lots "$tmp/empty"
run 2 "${clean_env[@]}" "$COREDU" list --crashes=3 "$tmp/empty"
says "$tmp/err" "--crashes goes with doctor" "doctor-only options are refused elsewhere"
run 2 "${clean_env[@]}" "$COREDU" list --json "$tmp/empty"
says "$tmp/err" "--json goes with prune or doctor" "--json outside prune and doctor"
run 0 "${clean_env[@]}" "$COREDU" --help
says "$tmp/out" "doctor: 0 nothing needs attention, 4 it found" "--help documents the exit status"

finish doctor.sh
