# tests/lib.sh: what the shell test scripts share: counting checks, running coredu, and
# looking for text in what it wrote.  Source it once $tmp (a scratch directory) is set.

fails=0 checks=0
# Under ./configure --enable-sanitizers, ASan and UBSan write their reports to files that
# finish() turns into failures: a report from the browser inside tmux would otherwise be lost.
if [ "${SANITIZERS:-no}" = yes ]; then
	export ASAN_OPTIONS="log_path=$tmp/sanitizer:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="log_path=$tmp/sanitizer:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }

# run WANT-RC CMD...: run CMD without stdin, its output in $tmp/out and $tmp/err.
run() {
	local want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local rc=$?
	[ "$rc" -eq "$want" ] && pass || fail "'$*' exited $rc, want $want: $(head -c 400 "$tmp/err")"
}

# contains FILE TEXT WHY, lacks FILE TEXT WHY
contains() { grep -qF -- "$2" "$1" && pass || fail "$3: '$2' not in $1: $(head -c 600 "$1")"; }
lacks() { grep -qF -- "$2" "$1" && fail "$3: '$2' is there" || pass; }
# says FILE TEXT WHY: TEXT in FILE with its lines joined (the text reports wrap paragraphs).
says() {
	tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2" && pass ||
		fail "$3: '$2' not in $1: $(head -c 800 "$1")"
}

# finish NAME: the summary line, and the script's exit status.
finish() {
	local report
	for report in "$tmp"/sanitizer.*; do
		[ -e "$report" ] && fail "sanitizer report $report: $(head -c 3000 "$report")"
	done
	echo "$1: $checks checks, $fails failed"
	[ "$fails" -eq 0 ]
}
