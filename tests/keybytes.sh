#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The browser's output on a real pty: at 80x24 a one-row move writes at most 200 bytes (ECS
# Exec forwards about 0.6 MB/s) and nothing is written while idle; on a wide terminal, hostile
# file names are shown escaped and never reach the terminal raw.
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-keys-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
deep=$tmp/long/a-rather-long-directory-name/another-long-directory-name
mkdir -p "$deep" "$tmp/hostile"
i=0
for f in "$FIXTURE_DIR"/*.core; do
	cp --sparse=always "$f" "$deep/core.with.a.long.name.$i"
	i=$((i + 1))
done
python3 "$TESTS_SRCDIR/tests/keybytes.py" --check 200 "$COREDU" "$tmp/long" || exit 1
python3 "$TESTS_SRCDIR/tests/keybytes.py" --check 400 --size 160x40 \
	--make-hostile "$FIXTURE_DIR/parent-kill-x86-64.core" "$COREDU" "$tmp/hostile"
