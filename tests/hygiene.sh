#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Terminal hygiene over a corpus of hostile strings (tests/hygiene.py): OSC title changes,
# colours, cursor movement, bracketed paste, C1 CSI raw and as UTF-8, bidi overrides, DCS/APC,
# newlines, in file and directory names, core comm and command lines, mapped file names, and
# Apport and hs_err command lines.  No raw control byte from the corpus may reach the
# terminal (the browser, every screen) or a plain-text report (list, info, doctor, prune).
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-hygiene-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
hy="python3 $TESTS_SRCDIR/tests/hygiene.py"
corpus=$tmp/corpus

$hy make "$corpus" "$FIXTURE_DIR/abort-x86-64.core" "$FIXTURE_DIR/hs_err_pid6383.log" \
	"$TESTS_SRCDIR/tests/kinds/mkkinds.py" && pass || fail "building the corpus"
npay=$(python3 -c "import sys; sys.path.insert(0, '$TESTS_SRCDIR/tests'); import hygiene; print(len(hygiene.PAYLOADS))")

# check_text WHAT: $tmp/out and $tmp/err hold no control byte, invalid UTF-8, C1 or bidi
check_text() {
	$hy text "$1 (stdout)" "$tmp/out" && pass || fail "$1 stdout is not clean"
	$hy text "$1 (stderr)" "$tmp/err" && pass || fail "$1 stderr is not clean"
}

run 0 "$COREDU" list "$corpus"
check_text list
# one row per dump, whatever newlines the names hold: header, rows, totals
rows=$(wc -l <"$tmp/out")
[ "$rows" -eq $((3 * npay + 2)) ] && pass || fail "list: $rows lines for $((3 * npay)) dumps"
run 0 "$COREDU" list --sort=command "$corpus"
check_text "list --sort=command"

# info on every dump: the full command lines and mapped files are here
mapfile -d '' dumps < <(find "$corpus" -type f -print0)
run 0 "$COREDU" info "${dumps[@]}"
check_text info
contains "$tmp/out" '/usr/bin/app \x1b]2;PWNED1\x07 --serve' "info shows the OSC command line escaped"
contains "$tmp/out" '\x1b[200~rm -rf /\x1b[201~' "info shows bracketed paste escaped"
contains "$tmp/out" '\x9b31mCSI5' "info shows the raw C1 byte escaped"
contains "$tmp/out" '\u009b32mC1U6' "info shows UTF-8 C1 escaped"
contains "$tmp/out" '\u202eEVIL7' "info shows the bidi override escaped"
contains "$tmp/out" '\u061cALM10\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069' \
	"info shows every Bidi_Control character escaped, U+061C too"
contains "$tmp/out" 'line\nbreak\rBS\x08\x7fX8' "info shows newline, CR, BS, DEL escaped"
contains "$tmp/out" '/lib/\x1b]2;PWNED1\x07/libx.so' "info shows a hostile mapped file escaped"

run 4 "$COREDU" doctor --proc "$tmp/noproc" "$corpus"
check_text doctor
run 0 "$COREDU" prune --dry-run "$corpus"
check_text "prune --dry-run"

# JSON escapes every control byte and stays valid
run 0 "$COREDU" json "$corpus"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['dumps']) == int(sys.argv[2])" \
	"$tmp/out" $((3 * npay)) && pass || fail "json over the corpus is valid and complete"
$hy text "json" "$tmp/out" && pass || fail "json carries a raw control byte"

$hy browser "$COREDU" "$corpus" >"$tmp/browser.out" 2>&1 && pass ||
	fail "browser: $(cat "$tmp/browser.out")"

# The browser writes text to curses in one place, ui/draw.c (whose callers pass strings through
# the sanitiser, draw_safe); the only other call prints fixed text when the terminal is too small.
grep -nE '\b(mv)?w?(addn?str|printw|addch|add_wch|addn?wstr|waddch|wprintw)\(' \
	"$TESTS_SRCDIR"/ui/*.c "$TESTS_SRCDIR"/cli/*.c "$TESTS_SRCDIR"/src/*/*.c | grep -v '/ui/draw\.c:' |
	grep -v 'mvaddnstr(i, 0, msg\[i\], COLS)' >"$tmp/writers"
[ -s "$tmp/writers" ] && fail "curses text output outside ui/draw.c: $(cat "$tmp/writers")" || pass

# Deletion reasons are printed as they are (in prune's outcome, the browser's summary, the
# journal): every name in one is escaped when the reason is made.  No call that formats a
# reason may take a raw name (issue 14: a file named core.<ESC>]0;PWNED<BEL> with NAME.zst
# beside it retitled the terminal through "%s already exists").
python3 "$TESTS_SRCDIR/tests/hygiene.py" reasons "$TESTS_SRCDIR"/src/delete/*.c >"$tmp/reasons" && pass ||
	fail "a deletion reason formats a raw name: $(cat "$tmp/reasons")"

finish hygiene
