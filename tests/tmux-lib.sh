# SPDX-License-Identifier: GPL-2.0-or-later
# tests/tmux-lib.sh: what the tests of the browser in tmux share.  Set NAME (and, to run
# something at exit before $tmp goes, CLEANUP), then source it: it skips the test without
# tmux, makes $tmp, gives T (tmux on a server of the test's own), sources lib.sh, and defines
# screen, keys and expect on the tmux session $sess ("t" unless set), and a fail that shows
# the screen.
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
: "${NAME:?set NAME before sourcing tests/tmux-lib.sh}"
if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (apt-get install tmux)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-$NAME-XXXXXX")
sock=coredu-$NAME-$$
sess=${sess:-t}
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; eval "${CLEANUP:-}"; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; echo "--- screen:"; screen; echo "---"; }
screen() { T capture-pane -p -t "$sess"; }
keys() { T send-keys -t "$sess" "$@"; sleep 0.15; }
expect() { # TEXT DESCRIPTION
	if wait_screen "$1" 5; then pass; else fail "$2: '$1' not on screen"; fi
}
