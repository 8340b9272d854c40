#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `coredu --import` in a real terminal (tmux): two `coredu json` documents made on two hosts
# are browsed together.  g offers "by host", a group by program spans the hosts, and the
# browser is read-only: d and z say why and change nothing, although the documents' paths
# name real files on this machine (the documents were made here).
set -u
NAME=import-tui
. "${TESTS_SRCDIR:?run through make check}/tests/tmux-lib.sh"

# Two hosts' scans: web-1 holds a crash_abort and a crash_thread_segv core, web-2 another
# crash_abort core and a crash_parent_kill one.  Each document is made by `coredu json` under
# its own host name: in a UTS namespace where unprivileged user namespaces are allowed, else
# by setting the documented identity.hostname of this host's document (doc/json.md).
mkdir -p "$tmp/h1" "$tmp/h2"
cp "$FIXTURE_DIR/abort-x86-64.core" "$tmp/h1/core.1058"
cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$tmp/h1/core.2001"
cp "$FIXTURE_DIR/abort-x86-64.core" "$tmp/h2/core.1058"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tmp/h2/core.3003"
scan_as() { # HOST DIR OUT
	if unshare -Uru true 2>/dev/null; then
		unshare -Uru sh -c 'hostname "$1" && exec "$2" json "$3"' sh "$1" "$COREDU" "$2" >"$3"
	else
		"$COREDU" json "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d["identity"]["hostname"] = sys.argv[1]
json.dump(d, sys.stdout)' "$1" >"$3"
	fi
}
scan_as web-1 "$tmp/h1" "$tmp/web-1.json" && pass || fail "coredu json as web-1"
scan_as web-2 "$tmp/h2" "$tmp/web-2.json" && pass || fail "coredu json as web-2"
contains "$tmp/web-2.json" '"hostname": "web-2"' "the second document names its host"
# What is on disk before: names, sizes, times, inodes and contents.
state() { (cd "$tmp" && find h1 h2 -printf '%p %s %T@ %i\n' | sort && sha256sum h1/* h2/*); }
state >"$tmp/before"

T new-session -d -x 160 -y 24 -s t "env -i PATH=$PATH HOME=$tmp TERM=tmux-256color LANG=C.UTF-8 PS1='SHELL-READY\$ ' bash --norc --noprofile"
wait_screen "SHELL-READY" 5 || { echo "FAIL: no shell in tmux"; exit 1; }
T send-keys -t t "clear; $COREDU --import $tmp/web-1.json $tmp/web-2.json" Enter
wait_screen "? help" 10 || fail "the browser did not start"
expect "read-only: 2 hosts" "the status line: read-only, two hosts"
expect "web-2:$tmp/h2/core.3003" "a dump's path carries its host"
expect "4 rows" "the four dumps of both hosts"

# Read-only: d and z say why, and open no confirmation.
keys d
expect "Read-only: imported scans of other hosts" "d refuses, saying why"
keys z
expect "Read-only: imported scans of other hosts" "z refuses, saying why"
keys A
keys d
expect "Read-only: imported scans of other hosts" "d over every marked dump refuses too"
keys U

# g: the views, by host among them since two hosts are loaded.
keys g; expect "| cause" "g: by cause"
keys g; expect "| program" "g: by program"
expect "crash_abort  (on 2 hosts)" "the crash_abort group spans both hosts"
screen | grep -F "crash_abort  (on 2 hosts)" | grep -qE '(^|[^0-9])2 +[0-9]' && pass ||
	fail "crash_abort: 2 dumps on 2 hosts"
expect "crash_thread_segv  (on 1 host)" "a group on one host says so"
keys d
expect "Read-only: imported scans of other hosts" "d on a group refuses"
keys g; expect "| signal" "g: by signal"
keys g; expect "| directory" "g: by directory"
keys g; expect "| kind" "g: by kind"
keys g; expect "| host" "g offers by host"
expect "web-1" "the host web-1 is a group"
expect "web-2" "the host web-2 is a group"
expect "2 rows" "two hosts, two groups"
keys Enter; expect "| host web-" "Enter opens a host"
expect "2 rows" "each host holds two dumps"
keys Left
keys g; expect "| flat" "g: back to flat"
keys q
wait_screen "SHELL-READY" 5 && pass || fail "q did not return to the shell"

# One host only: no by-host view.
T send-keys -t t "clear; $COREDU --import $tmp/web-1.json" Enter
wait_screen "? help" 10 || fail "the browser did not start over one document"
keys g g g g g g
expect "| flat" "with one host, g goes from kind back to flat"
keys q
wait_screen "SHELL-READY" 5 && pass || fail "q did not return to the shell"

state >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && pass ||
	fail "the files the documents name changed: $(diff "$tmp/before" "$tmp/after" | head -20)"
finish import-tui.sh
