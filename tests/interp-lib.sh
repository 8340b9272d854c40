# SPDX-License-Identifier: GPL-2.0-or-later
# tests/interp-lib.sh: crash each interpreter Debian has (python3, node, perl, ruby, bash,
# java) running a script, with a command line longer than the kernel's 80 bytes and
# --max-requests past them, an argument with a space and one in UTF-8.  Sourced by
# tests/interp.sh (live crashes) and tests/fixtures/make-interp-fixtures.sh (the committed
# fixtures for machines whose core_pattern is a pipe).

INTERPS=(python3 node perl ruby bash java)
# The arguments every script gets: the kernel's pr_psargs ends before --max-requests.
INTERP_ARGS=(--workers 4 --bind 127.0.0.1:8000 --name "two words" --café --max-requests 500)
# In every crashing process's environment: one name whose value is secret, one whose value
# the allow-list shows.
INTERP_ENV=(COREDU_TEST_SECRET=hunter2-not-shown "GUNICORN_CMD_ARGS=--max-requests 7 --timeout 3")

# interp_path NAME: the interpreter's path, empty when it is not installed (java needs javac
# for the crashing class too).
interp_path() {
	case $1 in
	python3) [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 ;;
	java) command -v javac >/dev/null && command -v java ;;
	*) command -v "$1" ;;
	esac
}

# interp_crash NAME DIR: write NAME's script into DIR (a fresh directory) and run it there
# with an unlimited core size, so that it dies of SIGABRT (the JVM: SIGSEGV, then abort).
# Sets INTERP_ARGV (the argv it was given) and INTERP_PROGRAM (the program coredu must
# name).  Returns non-zero if the interpreter is missing.
interp_crash() {
	local name=$1 dir=$2 path
	path=$(interp_path "$name") || return 1
	[ -n "$path" ] || return 1
	case $name in
	python3)
		printf 'import os\nos.abort()\n' >"$dir/worker.py"
		INTERP_ARGV=("$path" "$dir/worker.py") INTERP_PROGRAM=worker.py ;;
	node)
		printf 'process.abort();\n' >"$dir/server.js"
		INTERP_ARGV=("$path" "$dir/server.js") INTERP_PROGRAM=server.js ;;
	perl)
		printf 'use POSIX ();\nPOSIX::abort();\n' >"$dir/script.pl"
		INTERP_ARGV=("$path" "$dir/script.pl") INTERP_PROGRAM=script.pl ;;
	ruby)
		printf 'Process.kill(:ABRT, Process.pid)\nsleep 10\n' >"$dir/app.rb"
		INTERP_ARGV=("$path" "$dir/app.rb") INTERP_PROGRAM=app.rb ;;
	bash)
		printf 'kill -ABRT $$\nsleep 10\n' >"$dir/job.sh"
		INTERP_ARGV=("$path" "$dir/job.sh") INTERP_PROGRAM=job.sh ;;
	java)
		javac -nowarn -d "$dir" "$TESTS_SRCDIR/tests/crashers/JvmCrash.java" 2>/dev/null || return 1
		INTERP_ARGV=("$path" -Xmx16m -XX:+UseSerialGC -Xshare:off -cp "$dir" JvmCrash)
		INTERP_PROGRAM=JvmCrash ;;
	*) return 1 ;;
	esac
	INTERP_ARGV+=("${INTERP_ARGS[@]}")
	# (the braces keep this shell's "Aborted" notice quiet)
	{ (cd "$dir" && ulimit -c unlimited && exec env "${INTERP_ENV[@]}" timeout 60 "${INTERP_ARGV[@]}") \
		>/dev/null 2>&1 </dev/null; } 2>/dev/null
	return 0
}
