#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The incident, reproduced: a FastAPI app under gunicorn with uvicorn workers and
# --max-requests, a burst of requests with a slow one in flight while the worker recycles,
# the arbiter's SIGABRT on WORKER TIMEOUT, a core in the working directory; then
# `coredu doctor` on that directory must attribute it to the worker timeout and print the
# remedy.  Everything listens on 127.0.0.1 only, every request and wait is bounded, and
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
cleanup() {
	# The arbiter leads its own session: stop it and its workers, whatever state they are in.
	if [ -n "$gpid" ]; then
		kill -TERM -- "-$gpid" 2>/dev/null
		for _ in $(seq 50); do kill -0 -- "-$gpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$gpid" 2>/dev/null
	fi
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

# The arbiter notices the silent worker within --timeout and a bit: wait (at most 30 s)
# for a core that coredu recognises, and for its size to settle.
found=
for _ in $(seq 300); do
	if "$COREDU" list --no-legend "$app" >"$tmp/list" 2>/dev/null; then
		s1=$(stat -c %s "$app"/core* 2>/dev/null | tr '\n' ' ')
		sleep 0.5
		s2=$(stat -c %s "$app"/core* 2>/dev/null | tr '\n' ' ')
		[ -n "$s1" ] && [ "$s1" = "$s2" ] && { found=1; break; }
	fi
	sleep 0.1
done
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
says "$tmp/doctor" "The fix here (" "the remedy for this environment"
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
echo "gunicorn.sh: the core: $(ls "$app" | grep core | head -1), $(stat -c %s "$app"/core* | head -1) bytes"
finish gunicorn.sh
