# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh: what the shell test scripts share: counting checks, running coredu, and
# looking for text in what it wrote.  Source it once $tmp (a scratch directory) is set.

fails=0 checks=0
# The suite's locale is UTF-8 whatever the caller's (a container image often sets none): the
# checks compare UTF-8 output.  A check that needs another locale sets it on its own command.
unset LC_ALL LC_CTYPE LC_COLLATE LC_MESSAGES LC_NUMERIC LC_TIME LANGUAGE
export LANG=C.UTF-8
# Under ./configure --enable-sanitizers, ASan and UBSan write their reports to files that
# finish() turns into failures: a report from the browser inside tmux would otherwise be lost.
if [ "${SANITIZERS:-no}" = yes ]; then
	export ASAN_OPTIONS="log_path=$tmp/sanitizer:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="log_path=$tmp/sanitizer:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi
pass() { checks=$((checks + 1)); }
# why_not_strace: empty when strace can inject delays here, else why not, naming the package.
why_not_strace() {
	if ! command -v strace >/dev/null; then
		echo "strace is not installed (apt-get install strace)"
	elif ! strace -f -o /dev/null -e inject=getdents64:delay_enter=1 true 2>/dev/null; then
		echo "strace cannot trace here (ptrace is refused, or the kernel lacks fault injection)"
	fi
}
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
# uring_here: whether this kernel and its policy let coredu use io_uring (io_uring_setup, 425
# on x86_64 and aarch64, gives a ring whose features include IORING_FEAT_LINKED_FILE).
uring_here() {
	python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
p = ctypes.create_string_buffer(120)
fd = libc.syscall(425, 1, p)
if fd < 0:
    sys.exit(1)
os.close(fd)
sys.exit(0 if int.from_bytes(p.raw[20:24], "little") & (1 << 12) else 1)'
}

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

# wait_screen TEXT [SECONDS]: until the terminal test's screen (its own `screen` function,
# a tmux capture) shows TEXT; 1 after SECONDS (10).
wait_screen() {
	# Counted in steps, not by $SECONDS: "1 s" from the end of a second was no wait at all.
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
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
