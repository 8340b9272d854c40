#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Replay every fuzz harness, built without libFuzzer, over its regression inputs (each an input
# that once crashed it, minimised: tests/fuzz/regress/NAME/) and the fixtures, so a parser
# change cannot bring a found crash back.  Under ./configure --enable-sanitizers the replays run
# with ASan and UBSan.
set -u
: "${FIXTURE_DIR:?run through make check}" "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-replay-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
bin=$(dirname "$COREDU")/tests/fuzz
# The render oracle's inputs carry a hostile file name before the dump (render-seeds.py).
python3 "$TESTS_SRCDIR/tests/fuzz/render-seeds.py" "$tmp/render" "$FIXTURE_DIR"/*.core \
	"$FIXTURE_DIR"/hs_err_* "$FIXTURE_DIR"/vmcore-qemu*
# The import harness's are real `coredu json` documents.
"$TESTS_SRCDIR/tests/fuzz/import-seeds.sh" "$COREDU" "$tmp/import" "$FIXTURE_DIR"
for h in elfcore detect decomp dump apport hserr hprof kdump minidump sdcore stack stackwire render import; do
	inputs=("$FIXTURE_DIR"/*.core "$FIXTURE_DIR"/hs_err_* "$FIXTURE_DIR"/vmcore-qemu*)
	[ "$h" = render ] && inputs=("$tmp/render")
	[ "$h" = import ] && inputs=("$tmp/import")
	[ -d "$TESTS_SRCDIR/tests/fuzz/regress/$h" ] && inputs+=("$TESTS_SRCDIR/tests/fuzz/regress/$h")
	if "$bin/replay_$h" "${inputs[@]}" >"$tmp/out" 2>&1; then
		pass
	else
		fail "replay_$h: $(tail -c 600 "$tmp/out")"
	fi
	grep -q "inputs replayed" "$tmp/out" && pass || fail "replay_$h replayed nothing"
done
finish fuzz-replay.sh
