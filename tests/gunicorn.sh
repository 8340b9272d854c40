#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The incident, reproduced: a FastAPI app under gunicorn with uvicorn workers and
# --max-requests, a burst of requests with a slow one in flight while the worker recycles,
# the arbiter's SIGABRT on WORKER TIMEOUT, a core in the working directory; then
# `coredu doctor` on that directory must attribute it to the worker timeout and print the
# remedy.  Then the incident end to end in the browser, in tmux at 80x24 with ECS's
# variables: three worker cores, an unrelated python3 script's core and a native one in the
# same directory; at most six keys from launch must show the cause and the ECS snippet and
# delete exactly the worker cores.  Everything listens on 127.0.0.1 only, every request and wait is bounded, and
# everything started here is stopped on exit.  Skips (77) when the Debian packages
# gunicorn, python3-fastapi and uvicorn are missing or the kernel cannot write the core here.
set -u
: "${COREDU:?run through make check}" "${TESTS_SRCDIR:?run through make check}"

PY=/usr/bin/python3
GUNICORN=/usr/bin/gunicorn
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$GUNICORN" ] && [ -x "$PY" ] || skip "gunicorn is not installed (apt-get install gunicorn python3-fastapi uvicorn)"
"$PY" -c 'import fastapi, uvicorn.workers, gunicorn' 2>/dev/null ||
	skip "python3-fastapi or uvicorn is not installed (apt-get install gunicorn python3-fastapi uvicorn)"
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|?')
case "$pattern" in
'|'* | '@'* | /* | '') skip "core_pattern '$pattern' does not write cores into the working directory" ;;
esac
ulimit -c unlimited 2>/dev/null || skip "the hard core limit does not allow core dumps here"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-gunicorn-XXXXXX")
app=$tmp/app
mkdir "$app"
gpid=
sock=coredu-incident-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
# The arbiter leads its own session: stop it and its workers, whatever state they are in.
stop_gunicorn() {
	if [ -n "$gpid" ]; then
		kill -TERM -- "-$gpid" 2>/dev/null
		for _ in $(seq 50); do kill -0 -- "-$gpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$gpid" 2>/dev/null
		for _ in $(seq 50); do kill -0 -- "-$gpid" 2>/dev/null || break; sleep 0.1; done
	fi
	gpid=
}
cleanup() {
	T kill-server 2>/dev/null
	stop_gunicorn
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$TESTS_SRCDIR/tests/lib.sh"

cat >"$app/app.py" <<'EOF'
import asyncio
from fastapi import FastAPI

app = FastAPI()

@app.get("/fast")
async def fast():
    return {"ok": True}

@app.get("/slow")
async def slow():
    await asyncio.sleep(30)
    return {"ok": True}
EOF

port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# One worker that recycles after 3 requests; the arbiter kills a worker silent for 3 s.
setsid "$GUNICORN" --chdir "$app" --workers 1 --worker-class uvicorn.workers.UvicornWorker \
	--max-requests 3 --timeout 3 --graceful-timeout 3 --bind "127.0.0.1:$port" \
	app:app >"$tmp/gunicorn.log" 2>&1 </dev/null &
gpid=$!

# Wait (at most 15 s) for the worker to answer.
up=
for _ in $(seq 150); do
	"$PY" -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $port, timeout=1); c.request('GET', '/fast'); c.getresponse().read()" 2>/dev/null && { up=1; break; }
	sleep 0.1
done
[ -n "$up" ] || { cat "$tmp/gunicorn.log"; fail "gunicorn did not start"; exit 1; }

# The burst: a slow request in flight, then fast ones that cross --max-requests.  Every
# request has a timeout; the slow one is abandoned when the burst ends.
burst() {
	timeout 20 "$PY" - "$port" <<'EOF'
import http.client, sys, threading, time
port = int(sys.argv[1])
def get(path, timeout):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", path)
        c.getresponse().read()
        c.close()
    except Exception:
        pass
threading.Thread(target=get, args=("/slow", 15), daemon=True).start()
time.sleep(0.3)
for _ in range(5):
    get("/fast", 2)
EOF
}

# new_core PID-IF-UNNAMED: wait (at most 30 s) for a core not seen yet that coredu
# recognises and whose size has settled; a core named plain "core" (core_uses_pid=0 and no
# %p) is renamed core.PID, so that the next one does not replace it.  Sets $core to its path.
seen=" "
new_core() {
	local c s1 s2
	for _ in $(seq 200); do
		for c in "$app"/core*; do
			[ -f "$c" ] && [ "${seen#* $c }" = "$seen" ] || continue
			s1=$(stat -c %s "$c"); sleep 0.5; s2=$(stat -c %s "$c")
			[ "$s1" = "$s2" ] && "$COREDU" list --no-legend "$c" >/dev/null 2>&1 || continue
			if [ "$c" = "$app/core" ]; then mv "$c" "$app/core.$1"; c=$app/core.$1; fi
			seen="$seen$c "
			core=$c
			return 0
		done
		sleep 0.1
	done
	return 1
}
# The pid of the worker the arbiter killed last, from its log.
timed_out() { grep -o 'WORKER TIMEOUT (pid:[0-9]*)' "$tmp/gunicorn.log" | tail -1 | tr -dc 0-9; }

burst
# The arbiter notices the silent worker within --timeout and a bit.
for _ in $(seq 100); do grep -q "WORKER TIMEOUT" "$tmp/gunicorn.log" && break; sleep 0.1; done
found=
new_core "$(timed_out)" && found=$core
grep -q "WORKER TIMEOUT" "$tmp/gunicorn.log" && pass || fail "gunicorn logged no WORKER TIMEOUT: $(cat "$tmp/gunicorn.log")"
[ -n "$found" ] && pass || { fail "no core appeared in $app: $(ls -la "$app"; cat "$tmp/gunicorn.log")"; exit 1; }
kill -0 "$gpid" 2>/dev/null && pass || fail "the arbiter should still be running"

# --- doctor, text --------------------------------------------------------------------------
env -u ECS_CONTAINER_METADATA_URI_V4 -u ECS_CONTAINER_METADATA_URI -u KUBERNETES_SERVICE_HOST \
	"$COREDU" doctor "$app" >"$tmp/doctor" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" -eq 4 ] && pass || fail "doctor exited $rc, want 4 (something to fix): $(cat "$tmp/err")"
contains "$tmp/doctor" "gunicorn  SIGABRT  parent" "the group: program, signal, cause"
says "$tmp/doctor" "why: gunicorn's arbiter killed this worker with SIGABRT after WORKER TIMEOUT" "the hint"
says "$tmp/doctor" "recycles a worker with a slow request in flight" "the mechanism"
says "$tmp/doctor" "Add --max-requests-jitter" "a program remedy"
says "$tmp/doctor" "set --graceful-timeout" "a program remedy"
says "$tmp/doctor" "sender pid $gpid is still running: /usr/bin/python3 /usr/bin/gunicorn" "the parent's command line"
says "$tmp/doctor" "> The fix (" "the remedy for this environment, in the summary"
contains "$tmp/doctor" "prlimit --core=0:0 --pid $gpid" "the immediate remedy names the arbiter"
if grep -q "likely: the sender is gone" "$tmp/doctor"; then fail "the arbiter is alive: the hint must be confirmed"; else pass; fi

# --- the worker's stacks: the slow request's endpoint, where the worker was ------------------------
# The line is the app's own, found here by its text.
slow_line=$(grep -n "await asyncio.sleep(30)" "$app/app.py" | cut -d: -f1)
says "$tmp/doctor" "it was in: $app/app.py:$slow_line slow (awaiting, in a suspended coroutine" "the doctor names the endpoint"
core=$(ls "$app"/core* | head -n 1)
"$COREDU" json --backtrace "$core" >"$tmp/stacks.json" 2>"$tmp/err" </dev/null
"$PY" - "$tmp/stacks.json" "$app/app.py" "$slow_line" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "the worker's Python stack: $(cat "$tmp/py")"
import json, sys
d = json.load(open(sys.argv[1]))["dumps"][0]
py, app, line = d["python_stack"], sys.argv[2], int(sys.argv[3])
assert py["status"] == "ok", py
# The slow request: its endpoint suspended in a coroutine stack, awaiting asyncio.sleep.
hits = [(c, i) for c in py["coroutines"] for i, f in enumerate(c["frames"])
        if f["file"] == app and f["function"] == "slow"]
assert len(hits) == 1, [c["frames"][:3] for c in py["coroutines"]]
c, i = hits[0]
assert c["frames"][i]["line"] == line, c["frames"][i]
assert i > 0 and c["frames"][i - 1]["function"] == "sleep", c["frames"][:i + 1]
# The worker's thread: in its event loop, run by gunicorn's worker.
fr = py["threads"][0]["frames"]
assert any(f["function"] == "UvicornWorker.run" for f in fr), fr
assert py["threads"][0]["tid"] == d["tid"], (py["threads"][0]["tid"], d["tid"])
# Its native stack: the thread that took SIGABRT, unwound.
assert d["backtrace"]["threads"][0]["tid"] == d["tid"] and d["backtrace"]["threads"][0]["frames"], d["backtrace"]
EOF

# --- doctor, JSON ----------------------------------------------------------------------------
"$COREDU" doctor --json "$app" >"$tmp/doctor.json" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" -eq 4 ] && pass || fail "doctor --json exited $rc, want 4"
"$PY" - "$tmp/doctor.json" "$gpid" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "doctor JSON: $(cat "$tmp/py")"
import json, sys
d = json.load(open(sys.argv[1]))
arbiter = int(sys.argv[2])
g = d["groups"][0]
assert d["attention"] is True, d["attention"]
assert g["program"] == "gunicorn", g["program"]
assert g["signal"] == "SIGABRT", g["signal"]
assert g["cause"] == "parent", g["cause"]
assert g["hint"]["id"] == "gunicorn-worker-timeout", g["hint"]
assert g["hint"]["confirmed"] is True, g["hint"]
assert g["stack_frame"]["function"] == "slow" and g["stack_frame"]["file"].endswith("/app/app.py"), g["stack_frame"]
assert g["stack_frame"]["coroutine"] is True and g["stack_problem"] is None, g
assert g["sender"]["pid"] == arbiter and g["sender"]["running"], g["sender"]
assert "gunicorn" in g["sender"]["cmdline"], g["sender"]
assert arbiter in g["running"], g["running"]
procs = {p["pid"]: p for p in d["processes"]["list"]}
assert procs[arbiter]["core_limit"]["soft"] == "unlimited", procs[arbiter]
assert procs[arbiter]["can_dump"] is True, procs[arbiter]
assert procs[arbiter]["cwd"] == sys.argv[1].rsplit("/", 1)[0] + "/app", procs[arbiter]["cwd"]
assert any(r["id"] == "prlimit" and ("--pid %d" % arbiter) in r["snippet"] for r in d["remedies"])
EOF

# --- the remedy for each environment, from its markers ------------------------------------
clean_env=(env -u ECS_CONTAINER_METADATA_URI_V4 -u ECS_CONTAINER_METADATA_URI -u KUBERNETES_SERVICE_HOST -u AWS_EXECUTION_ENV)
"${clean_env[@]}" ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/abc AWS_EXECUTION_ENV=AWS_ECS_FARGATE \
	"$COREDU" doctor "$app" >"$tmp/ecs" 2>&1 </dev/null
contains "$tmp/ecs" '"ulimits":[{"name":"core","softLimit":0,"hardLimit":0}]' "the ECS task definition snippet"
contains "$tmp/ecs" "AWS ECS on Fargate" "Fargate is named"
"${clean_env[@]}" KUBERNETES_SERVICE_HOST=10.0.0.1 "$COREDU" doctor "$app" >"$tmp/k8s" 2>&1 </dev/null
contains "$tmp/k8s" 'ulimit -c 0 && exec' "the Kubernetes entrypoint snippet"

cp "$tmp/doctor" "${GUNICORN_REPORT:-/dev/null}" 2>/dev/null
echo "gunicorn.sh: the core: $found, $(stat -c %s "$found") bytes"

# --- the incident in the browser: six keys -------------------------------------------------
if ! command -v tmux >/dev/null; then
	echo "SKIP (part): tmux is not installed (apt-get install tmux): no browser test"
	finish gunicorn.sh
	exit
fi
workers=("$found")
for _ in 1 2; do
	n=$(grep -c "WORKER TIMEOUT" "$tmp/gunicorn.log")
	burst
	for _ in $(seq 100); do [ "$(grep -c "WORKER TIMEOUT" "$tmp/gunicorn.log")" -gt "$n" ] && break; sleep 0.1; done
	new_core "$(timed_out)" || { fail "no further worker core: $(tail -5 "$tmp/gunicorn.log")"; break; }
	workers+=("$core")
done
# The arbiter goes (as in the trial: the hint is then confirmed by --max-requests in the
# worker's own argv).  A kill it made while the last burst drained is a worker core too.
stop_gunicorn
n=$(grep -c "WORKER TIMEOUT" "$tmp/gunicorn.log")
if [ "$n" -gt "${#workers[@]}" ] && new_core "$(timed_out)"; then workers+=("$core"); fi
# Unrelated, in the same directory: a python3 script that aborts, and a native program
# killed by SIGQUIT.
mkdir "$app/scripts"
printf 'import os\nos.abort()\n' >"$app/scripts/migrate.py"
(cd "$app" && exec "$PY" scripts/migrate.py) 2>/dev/null &
mpid=$! migrate=/nonexistent native=/nonexistent
{ wait "$mpid"; } 2>/dev/null
new_core "$mpid" && migrate=$core || fail "no core from migrate.py"
# SIGQUIT at its default whatever this shell inherited (a background job of a script, or a
# session that ignores it, would ignore it too), sent once sleep runs: no race with the exec.
(cd "$app" && exec env --default-signal=QUIT sleep 60) &
spid=$!
for _ in $(seq 100); do [ "$(cat "/proc/$spid/comm" 2>/dev/null)" = sleep ] && break; sleep 0.05; done
kill -QUIT "$spid"
{ wait "$spid"; } 2>/dev/null
new_core "$spid" && native=$core || fail "no core from sleep"
[ "${#workers[@]}" -ge 3 ] && pass || fail "want 3 worker cores, have ${#workers[@]}"

screen() { T capture-pane -p -t t; }
expect() { wait_screen "$1" 10 && pass || { fail "$2: '$1' not on screen"; screen; }; }
used=()
key() { used+=("$1"); T send-keys -t t "$1"; sleep 0.2; }
T new-session -d -s t -x 80 -y 24 \
	"env -u KUBERNETES_SERVICE_HOST ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/abc \
	AWS_EXECUTION_ENV=AWS_ECS_FARGATE TERM=xterm-256color LANG=C.UTF-8 '$COREDU' '$app'; \
	echo COREDU-EXITED; sleep 60"
expect "? help" "the browser starts"
key g
expect "| cause" "g: the view by cause"
screen | grep -m1 -E ", (SIGABRT|SIGQUIT), " | grep -qF "gunicorn, SIGABRT, parent" && pass ||
	{ fail "the gunicorn workers' group is the first (largest)"; screen; }
key w
expect "why: gunicorn's arbiter killed this worker with SIGABRT after WORKER TIMEOUT" "the cause, on the first screen"
screen | grep -qF "WORKER TIMEOUT (likely)" && fail "the arbiter is gone, but --max-requests in the cores confirms the hint" || pass
expect '    "ulimits":[{"name":"core","softLimit":0,"hardLimit":0}]' "the ECS snippet, whole, on the first screen"
expect "> The fix (AWS ECS on Fargate), in the task definition's container:" "the fix, named"
echo "gunicorn.sh: the screen after g w:"
screen | sed 's/^/  | /'
key d
expect "Delete ${#workers[@]} dumps?" "d in the pane deletes the dumps it explains"
key y
if wait_screen "modified in the last minute" 3; then
	key y # fresh cores: the second confirmation
fi
expect "Deleted ${#workers[@]} dumps, freed" "the summary"
for c in "${workers[@]}"; do
	[ -e "$c" ] && fail "a worker core stays: $c" || pass
done
[ -e "$migrate" ] && pass || fail "the unrelated python3 core was deleted: $migrate"
[ -e "$native" ] && pass || fail "the unrelated native core was deleted: $native"
[ "$(find "$app" -maxdepth 1 -name 'core*' | wc -l)" -eq 2 ] && pass ||
	fail "exactly the two unrelated cores stay: $(ls "$app")"
[ "${#used[@]}" -le 6 ] && pass || fail "${#used[@]} keys, want at most 6: ${used[*]}"
echo "gunicorn.sh: the incident at 80x24: ${#workers[@]} worker cores deleted, 2 unrelated kept, in ${#used[@]} keys: ${used[*]}"
T kill-server 2>/dev/null
finish gunicorn.sh
