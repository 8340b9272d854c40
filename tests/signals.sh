#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Signals.  SIGTERM, SIGHUP and SIGINT in the middle of `coredu prune`, deleting or compressing
# real cores, leave no temporary (.coredu-delete-*, .NAME.zst.coredu-*) and nothing half-done:
# each dump is intact, or deleted (and journaled), or compressed to a NAME.zst that tests
# whole; coredu then dies of the signal itself (status 128+N).  strace holds coredu still
# right after a rename, an fsync or a read, so the signal lands while a temporary exists.
# And a reader that leaves early (| head) ends coredu silently by SIGPIPE, as GNU tools.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-signals-XXXXXX")
chmod 755 "$tmp"
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"

small=$FIXTURE_DIR/parent-kill-x86-64.core # 316 KiB, 128 KiB on disk
big=$FIXTURE_DIR/abort-aarch64.core        # 8.2 MiB, sparse: 9 chunks to compress
t=$tmp/t

# make_tree N CORE: app/ holds N copies of CORE (the policy, --match /app/, picks them),
# keep/ two that it never picks; ref/ what each should still be if left alone.
make_tree() {
	rm -rf "$t" "$tmp/ref"
	mkdir -p "$t/app" "$t/keep" "$tmp/ref"
	for i in $(seq 1 "$1"); do
		cp --sparse=always "$2" "$t/app/core.$i"
		ln -s "$2" "$tmp/ref/core.$i"
	done
	cp --sparse=always "$2" "$t/keep/core.1"
	cp --sparse=always "$2" "$t/keep/core.2"
	src=$2
}

# make_abrt_tree N: app/ holds N ABRT problem directories (renamed first, deleted whole).
make_abrt_tree() {
	rm -rf "$t" "$tmp/ref" "$tmp/proto"
	mkdir -p "$t/app" "$t/keep" "$tmp/ref"
	python3 "$TESTS_SRCDIR/tests/kinds/mkkinds.py" abrt "$tmp/proto" --core "$small" \
		--exe /usr/bin/crash_parent_kill --cmdline crash_parent_kill --pid 4242 --uid 0 \
		--time 1795514400 --count 1 --reason "crash_parent_kill killed by SIGABRT" --compress none
	for i in $(seq 1 "$1"); do
		cp -a "$tmp/proto" "$t/app/ccpp-2026-11-24-10:00:0$i.000000-$((4240 + i))"
		cp -a "$tmp/proto" "$tmp/ref/ccpp-2026-11-24-10:00:0$i.000000-$((4240 + i))"
	done
	cp --sparse=always "$small" "$t/keep/core.1"
	cp --sparse=always "$small" "$t/keep/core.2"
	src=$small
}

# wait_until WHY CMD...: poll CMD for up to 60 s.
wait_until() {
	local why=$1; shift
	for _ in $(seq 1 3000); do
		"$@" && return 0
		sleep 0.02
	done
	fail "timed out waiting: $why"
	return 1
}
has() { compgen -G "$1" >/dev/null; }
left() { ls "$t/app" | grep -c "$1"; }
# A temporary of the item in hand exists, and earlier items are done.
deleting_midway() { has "$t/app/.coredu-delete-*" && [ "$(left '^core\.[0-9]*$')" -le $(($1 - 2)) ]; }
abrt_midway() { has "$t/app/.coredu-delete-*-d*" && [ "$(left '^ccpp-')" -le $(($1 - 2)) ]; }
# A copy in hand (its temporary there, its .zst not yet: linkat names the .zst before the
# temporary goes) after one finished.
compressing_midway() {
	local tmpf
	for tmpf in "$t"/app/.core.*.zst.coredu-*; do
		[ -e "$tmpf" ] || continue
		tmpf=${tmpf##*/.}
		[ ! -e "$t/app/${tmpf%.coredu-*}" ] && has "$t/app/core.*.zst" && return 0
	done
	return 1
}

# start_prune [STRACE-ARGS...] -- PRUNE-ARGS...: coredu prune in the background, under strace
# when given its arguments; coredu's pid in $cpid, the job's in $job.  A script's background
# jobs ignore SIGINT: env gives coredu the defaults a terminal's foreground job has.
start_prune() {
	local -a st=()
	while [ "$1" != -- ]; do st+=("$1"); shift; done
	shift
	rm -f "$tmp/pid" "$tmp/trace" "$tmp/journal"
	[ ${#st[@]} -gt 0 ] && st=(strace -f -o "$tmp/trace" "${st[@]}")
	env --default-signal=INT,TERM,HUP "${st[@]}" sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/pid" \
		"$COREDU" prune --yes --log "$tmp/journal" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null &
	job=$!
	wait_until "coredu to start" test -s "$tmp/pid"
	cpid=$(cat "$tmp/pid")
}

# finish_prune SIG: the status is 128+N and, under strace, coredu died of the signal itself
# (re-raised with the default action, not exit(128+N)).
finish_prune() {
	local sig=$1 num
	num=$(kill -l "$sig")
	wait "$job" 2>/dev/null # no "Hangup" job notice
	rc=$?
	[ "$rc" -eq $((128 + num)) ] && pass ||
		fail "SIG$sig: exit status $rc, want $((128 + num)): $(head -c 400 "$tmp/err")"
	if [ -s "$tmp/trace" ]; then
		grep -Eq "^$cpid +[+]{3} killed by SIG$sig " "$tmp/trace" && pass ||
			fail "SIG$sig: coredu did not die of the signal: $(grep -E "^$cpid +[+]{3}" "$tmp/trace")"
	fi
	contains "$tmp/err" "stopped by SIG$sig" "SIG$sig: says why it stopped"
}

# no_temporaries WHY: nothing coredu makes for itself is left anywhere in the tree.
no_temporaries() {
	local found
	found=$(find "$t" \( -name '.coredu-delete-*' -o -name '*.zst.coredu-*' \) -printf '%P ')
	[ -z "$found" ] && pass || fail "$1: temporaries left: $found"
}

# others_intact WHY: the dumps the policy did not pick are untouched, and no stray file.
others_intact() {
	cmp -s "$t/keep/core.1" "$src" && cmp -s "$t/keep/core.2" "$src" && pass ||
		fail "$1: keep/ changed"
	[ "$(ls -A "$t/keep" | wc -l)" -eq 2 ] && pass || fail "$1: keep/ holds $(ls -A "$t/keep")"
}

# journaled ACTION PATH: the journal has a line for PATH with that action.
journaled() {
	awk -F'\t' -v a="$1" -v p="path=$2" '$2 == a { for (i = 3; i <= NF; i++) if ($i == p) f = 1 }
		END { exit !f }' "$tmp/journal" 2>/dev/null
}

# same NAME: app/NAME is what ref/NAME says it was (a file, or an ABRT directory).
same() {
	if [ -d "$tmp/ref/$1" ]; then diff -r "$tmp/ref/$1" "$t/app/$1" >/dev/null 2>&1
	else cmp -s "$tmp/ref/$1" "$t/app/$1"; fi
}

# check_deleted WHY N: each picked dump is intact, or gone and journaled as deleted; some went
# and not all (the signal stopped the run); nothing else in app/.
check_deleted() {
	local why=$1 n=$2 gone=0 bad="" name
	for name in $(ls "$tmp/ref"); do
		if [ -e "$t/app/$name" ]; then
			same "$name" || bad="$bad $name(changed)"
		else
			gone=$((gone + 1))
			journaled deleted "$t/app/$name" || bad="$bad $name(gone, not journaled)"
		fi
	done
	[ -z "$bad" ] && pass || fail "$why: half-done:$bad"
	[ "$gone" -ge 1 ] && [ "$gone" -lt "$n" ] && pass || fail "$why: $gone of $n deleted: not stopped midway"
	[ "$(grep -c $'\tdeleted\t' "$tmp/journal")" -eq "$gone" ] && pass ||
		fail "$why: the journal has $(grep -c $'\tdeleted\t' "$tmp/journal") deletions, $gone are gone"
	[ "$(ls -A "$t/app" | wc -l)" -eq $((n - gone)) ] && pass || fail "$why: app/ holds $(ls -A "$t/app")"
	contains "$tmp/out" "skipped (stopped before it was reached)" "$why: the rest is reported as skipped"
	no_temporaries "$why"
	others_intact "$why"
}

# check_compressed WHY N: each picked dump is intact with no NAME.zst, or gone with a NAME.zst
# that tests whole and holds its bytes, journaled as compressed; never both, never neither.
check_compressed() {
	local why=$1 n=$2 done=0 bad="" name
	for name in $(ls "$tmp/ref"); do
		local orig=$t/app/$name z=$t/app/$name.zst
		if [ -e "$orig" ] && [ ! -e "$z" ]; then
			same "$name" || bad="$bad $name(changed)"
		elif [ ! -e "$orig" ] && [ -e "$z" ]; then
			done=$((done + 1))
			zstd -q -t "$z" 2>/dev/null || bad="$bad $name.zst(fails zstd -t)"
			zstd -q -dc "$z" 2>/dev/null | cmp -s - "$tmp/ref/$name" || bad="$bad $name.zst(other bytes)"
			journaled compressed "$orig" || bad="$bad $name(not journaled)"
		else
			bad="$bad $name(original $([ -e "$orig" ] && echo kept || echo gone), $([ -e "$z" ] && echo with || echo without) .zst)"
		fi
	done
	[ -z "$bad" ] && pass || fail "$why: half-done:$bad"
	[ "$done" -ge 1 ] && [ "$done" -lt "$n" ] && pass || fail "$why: $done of $n compressed: not stopped midway"
	[ "$(ls -A "$t/app" | wc -l)" -eq "$n" ] && pass || fail "$why: app/ holds $(ls -A "$t/app")"
	no_temporaries "$why"
	others_intact "$why"
}

# --- slowed with strace: the signal lands while a temporary exists ------------------------------
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
	# Deleting: each rename to .coredu-delete-PID-N is held 0.3 s before its unlink.
	for sig in TERM HUP INT; do
		make_tree 12 "$small"
		start_prune -e trace=renameat2 -e inject=renameat2:delay_exit=300000 -- --match /app/ "$t"
		wait_until "SIG$sig: a deletion in hand" deleting_midway 12 && kill -s "$sig" "$cpid"
		finish_prune "$sig"
		check_deleted "deleting, SIG$sig" 12
	done

	# ABRT problem directories: renamed to .coredu-delete-PID-dN, emptied, removed.
	make_abrt_tree 6
	start_prune -e trace=renameat2 -e inject=renameat2:delay_exit=300000 -- --match /app/ "$t"
	wait_until "an ABRT directory in hand" abrt_midway 6 && kill -s TERM "$cpid"
	finish_prune TERM
	check_deleted "ABRT directories, SIGTERM" 6

	# Compressing to the named temporary (access("/proc/self/fd") fails: no O_TMPFILE), held
	# 2 s after each fsync (the copy written, not yet checked: the signal must land there, and
	# a loaded machine can take a while between seeing the temporary and sending it), or 0.1 s
	# after each read of the original (inside the compression loop).
	make_tree 5 "$big"
	start_prune -e trace=access,fsync -e inject=access:error=ENOENT \
		-e inject=fsync:delay_exit=2000000 -- --compress --match /app/ "$t"
	wait_until "SIGTERM: a compression in hand" compressing_midway && kill -s TERM "$cpid"
	finish_prune TERM
	check_compressed "compressing, SIGTERM after the fsync" 5
	contains "$tmp/out" "stopped while it was compressed: left as it was" "the copy in hand is abandoned"

	make_tree 5 "$big"
	start_prune -e trace=access,pread64 -e inject=access:error=ENOENT \
		-e inject=pread64:delay_exit=100000 -- --compress --match /app/ "$t"
	wait_until "SIGHUP: a compression in hand" compressing_midway && kill -s HUP "$cpid"
	finish_prune HUP
	check_compressed "compressing, SIGHUP in the read loop" 5
	contains "$tmp/out" "stopped while it was compressed: left as it was" "the copy in hand is abandoned"
else
	echo "SKIP: the slowed runs need strace and ptrace"
fi

# --- at full speed (O_TMPFILE): SIGINT once the first dumps are compressed ------------------------
make_tree 40 "$big"
start_prune -- --compress --match /app/ "$t"
wait_until "the first compressed copy" has "$t/app/core.*.zst"
kill -s INT "$cpid" 2>/dev/null
wait "$job" 2>/dev/null
rc=$?
if [ "$rc" -eq 130 ]; then
	pass
	contains "$tmp/err" "stopped by SIGINT" "full speed: says why it stopped"
	check_compressed "full speed, SIGINT" 40
elif [ "$rc" -eq 0 ]; then
	echo "NOTE: the full-speed run ended before SIGINT arrived"
	no_temporaries "full speed, done"
else
	fail "full speed, SIGINT: exit status $rc: $(head -c 400 "$tmp/err")"
fi

# --- SIGPIPE: | head ends coredu silently, as GNU tools (status 141 in PIPESTATUS) ---------------
# Lines longer than 300 bytes times 300 dumps: far more than a pipe holds.
long=$tmp/pipe/$(printf 'd%.0s' $(seq 1 200))
mkdir -p "$long"
for i in $(seq 1 300); do cp --sparse=always "$small" "$long/core.$i"; done
env --default-signal=PIPE "$COREDU" list "$tmp/pipe" 2>"$tmp/err" | head -1 >"$tmp/out"
st=("${PIPESTATUS[@]}")
[ "${st[0]}" -eq 141 ] && pass || fail "list | head -1: status ${st[0]}, want 141 (SIGPIPE)"
[ ! -s "$tmp/err" ] && pass || fail "list | head -1 is quiet: $(head -c 300 "$tmp/err")"
contains "$tmp/out" "PROGRAM" "head got the header"
env --default-signal=PIPE "$COREDU" json "$tmp/pipe" 2>"$tmp/err" | head -c 10 >"$tmp/out"
st=("${PIPESTATUS[@]}")
[ "${st[0]}" -eq 141 ] && pass || fail "json | head -c 10: status ${st[0]}, want 141 (SIGPIPE)"
[ ! -s "$tmp/err" ] && pass || fail "json | head -c 10 is quiet: $(head -c 300 "$tmp/err")"
[ "$(head -c 1 "$tmp/out")" = "{" ] && pass || fail "head got the start of the JSON"
# With SIGPIPE ignored (as some supervisors start programs), EPIPE: still quiet, status 2.
env --ignore-signal=PIPE "$COREDU" json "$tmp/pipe" 2>"$tmp/err" | head -c 10 >/dev/null
st=("${PIPESTATUS[@]}")
[ "${st[0]}" -eq 2 ] && pass || fail "json | head, SIGPIPE ignored: status ${st[0]}, want 2"
[ ! -s "$tmp/err" ] && pass || fail "json | head, SIGPIPE ignored, is quiet: $(head -c 300 "$tmp/err")"

finish signals.sh
