#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Program identity and the whole command line on real cores of every interpreter Debian has
# (python3, node, perl, ruby, bash, java), crashed now under `ulimit -c unlimited` with a
# command line longer than the kernel's 80 bytes: coredu must name the script, not the
# interpreter, in JSON, the list, the filter and prune --match, group by it with
# --per=program, and give argv exactly, the environment's names but a secret's value never.
# A C program with 5,000 arguments (150 KB) checks the bounds.  Where the kernel cannot
# write cores here (core_pattern is a pipe...), the committed fixtures made by
# tests/fixtures/make-interp-fixtures.sh are checked instead, against their MANIFEST.
set -u
: "${COREDU:?run through make check}" "${TESTS_SRCDIR:?run through make check}"
: "${FIXTURE_DIR:?run through make check}" "${CRASHERS:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-interp-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
. "$TESTS_SRCDIR/tests/interp-lib.sh"
PY=$(interp_path python3)
[ -n "$PY" ] || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }

pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|?')
live=yes
case "$pattern" in '|'* | '@'* | /* | '') live="core_pattern is '$pattern'" ;; esac
[ "$live" = yes ] && ! (ulimit -c unlimited 2>/dev/null) && live="the hard core limit is 0"
[ -n "${COREDU_TEST_NO_LIVE:-}" ] && live="COREDU_TEST_NO_LIVE is set"

# check_core JSON PROGRAM COMM ARG...: the one process core in JSON is PROGRAM's, with
# exactly this argv (or, ARG "-": no argv asserted), comm COMM.
check_core() {
	"$PY" - "$@" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "$2: $(cat "$tmp/py")"
import json, sys
doc, program, comm, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cores = [d for d in json.load(open(doc))["dumps"] if d["kind"] == "elf-core"]
assert len(cores) == 1, [d["path"] for d in cores]
c = cores[0]
assert c["program"] == program, (c["program"], program)
assert c["comm"] == comm[:15], (c["comm"], comm)
assert c["argv"] == argv, (c["argv"], argv)
assert c["cmdline"] == " ".join(argv), c["cmdline"]
assert c["cmdline_truncated"] is False
assert "--max-requests 500" in c["cmdline"], c["cmdline"]
env = c["environ"]
assert env is not None and env["COREDU_TEST_SECRET"] is None, env   # a name, never its value
assert env["GUNICORN_CMD_ARGS"] == "--max-requests 7 --timeout 3", env
assert "hunter2" not in json.dumps(c)
EOF
}

# Every other view of one core: the list, info, the filter of prune --match.
check_views() { # DIR PROGRAM
	run 0 "$COREDU" list --no-legend "$1"
	grep -qF -- " $2 " "$tmp/out" && pass || fail "$2: the list names the program: $(cat "$tmp/out")"
	run 0 "$COREDU" info "$1"
	contains "$tmp/out" "Program: $2" "$2: info"
	contains "$tmp/out" "--max-requests 500" "$2: info shows the whole command line"
	lacks "$tmp/out" "hunter2" "$2: info never shows an environment value unasked"
	contains "$tmp/out" "GUNICORN_CMD_ARGS=--max-requests 7" "$2: info shows an allowed value"
	run 0 "$COREDU" info --env "$1"
	contains "$tmp/out" "COREDU_TEST_SECRET=hunter2-not-shown" "$2: info --env shows every value"
	contains "$tmp/err" "environment" "$2: info --env warns"
	run 0 "$COREDU" prune --match "$2" --dry-run "$1"
	contains "$tmp/out" "Would delete 1 dump" "$2: prune --match the program"
	run 0 "$COREDU" prune --match "max-requests 500" --dry-run "$1"
	contains "$tmp/out" "Would delete 1 dump" "$2: prune --match the command line"
}

if [ "$live" = yes ]; then
	for name in "${INTERPS[@]}"; do
		dir=$tmp/$name
		mkdir "$dir"
		if ! interp_crash "$name" "$dir"; then
			echo "SKIP: $name is not installed (./quickstart --deps installs it)"
			continue
		fi
		run 0 "$COREDU" json "$dir"
		cp "$tmp/out" "$dir.json"
		check_core "$dir.json" "$INTERP_PROGRAM" "$(basename "${INTERP_ARGV[0]}")" "${INTERP_ARGV[@]}"
		rm -f "$dir"/hs_err_pid*.log "$dir"/*.class # the JVM's log: the same program, rightly
		check_views "$dir" "$INTERP_PROGRAM"
	done
	# Two python3 scripts in one directory: two programs, so --per=program keeps both.
	mix=$tmp/mix
	mkdir "$mix" "$tmp/again"
	if [ -d "$tmp/python3" ]; then
		cp "$tmp/python3/core"* "$mix/core.1"
		printf 'import os\nos.abort()\n' >"$tmp/again/migrate.py"
		{ (cd "$tmp/again" && ulimit -c unlimited && exec "$PY" "$tmp/again/migrate.py") >/dev/null 2>&1; } 2>/dev/null
		cp "$tmp/again/core"* "$mix/core.2"
		run 1 "$COREDU" prune --keep-newest=1 --per=program --dry-run "$mix"
		contains "$tmp/out" "Nothing to delete" "--per=program: worker.py and migrate.py are two programs"
		run 0 "$COREDU" prune --match worker.py --dry-run "$mix"
		contains "$tmp/out" "Would delete 1 dump" "--match worker.py leaves migrate.py"
	fi
else
	echo "SKIP: live interpreter crashes ($live): checking the committed fixtures"
	while IFS=$'\t' read -r file program comm argv; do
		case $file in file=*) ;; *) continue ;; esac
		file=${file#file=} program=${program#program=} comm=${comm#comm=} argv=${argv#argv=}
		dir=$tmp/${file%.core}
		mkdir "$dir"
		cp "$FIXTURE_DIR/$file" "$dir/core"
		IFS='|' read -r -a args <<<"$argv"
		run 0 "$COREDU" json "$dir"
		cp "$tmp/out" "$dir.json"
		check_core "$dir.json" "$program" "$comm" "${args[@]}"
		check_views "$dir" "$program"
	done <"$FIXTURE_DIR/MANIFEST-interp"
fi

# --- the bounds: 5,000 arguments, 150 KB ----------------------------------------------------
big=$tmp/big
mkdir "$big"
if [ "$live" = yes ]; then
	cp "$CRASHERS/crash_abort" "$big/"
	mapfile -t many < <(for i in $(seq 1 5000); do printf 'argument-%05d-xxxxxxxxxxxxxxx\n' "$i"; done)
	{ (cd "$big" && ulimit -c unlimited && exec ./crash_abort "${many[@]}") >/dev/null 2>&1; } 2>/dev/null
	rm "$big/crash_abort"
else
	cp "$FIXTURE_DIR/abort-5000-args-x86-64.core" "$big/core"
fi
run 0 "$COREDU" json "$big"
"$PY" - "$tmp/out" >"$tmp/py" 2>&1 <<'EOF' && pass || fail "the bounds: $(cat "$tmp/py")"
import json, sys
c = [d for d in json.load(open(sys.argv[1]))["dumps"] if d["kind"] == "elf-core"][0]
assert c["cmdline_truncated"] is True
assert len(c["argv"]) == 4096, len(c["argv"])
assert c["argv"][0] == "./crash_abort", c["argv"][0]
assert c["argv"][4095] == "argument-04095-xxxxxxxxxxxxxxx", c["argv"][4095]
assert len(c["cmdline"].encode()) <= 128 * 1024
EOF
run 0 "$COREDU" info "$big"
grep -q "Command Line: ./crash_abort argument-00001.*…$" "$tmp/out" && pass ||
	fail "info marks a cut command line with …: $(grep 'Command Line' "$tmp/out" | cut -c1-100)"
LANG=C run 0 "$COREDU" info "$big"
grep -q "Command Line: ./crash_abort argument-00001.*\.\.\.$" "$tmp/out" && pass ||
	fail "... outside UTF-8: $(grep 'Command Line' "$tmp/out" | tail -c 100)"

finish interp.sh
