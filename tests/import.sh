#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --import: coredu json documents from several hosts listed together, stdin, and the errors
# that name the file and the byte offset (truncated, wrong version, a huge file of junk).
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-import-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"

mkdir -p "$tmp/t"
cp "$FIXTURE_DIR/abort-x86-64.core" "$FIXTURE_DIR/thread-segv-x86-64.core" "$tmp/t/"
"$COREDU" json "$tmp/t" >"$tmp/a.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["identity"]["hostname"] = "web-2"
json.dump(d, open(sys.argv[2], "w"))' "$tmp/a.json" "$tmp/b.json"
run 0 "$COREDU" list --import "$tmp/a.json" "$tmp/b.json"
contains "$tmp/out" "4 dumps" "two hosts' dumps together"
contains "$tmp/out" "imported from 2 hosts" "the hosts counted"
contains "$tmp/out" "web-2:$tmp/t/" "paths carry their host"
"$COREDU" list --import - <"$tmp/a.json" >"$tmp/out" 2>"$tmp/err" && pass || fail "stdin: $(cat "$tmp/err")"
contains "$tmp/out" "2 dumps" "- reads standard input"

head -c 700 "$tmp/a.json" >"$tmp/trunc.json"
run 2 "$COREDU" list --import "$tmp/trunc.json"
contains "$tmp/err" "'$tmp/trunc.json': byte 700: unexpected end of input" "truncated: file and offset"
sed 's/"version": *1/"version":2/' "$tmp/a.json" >"$tmp/v2.json"
run 2 "$COREDU" list --import "$tmp/v2.json"
contains "$tmp/err" "version 2 is not supported" "a wrong version"
truncate -s 3G "$tmp/big.json"
run 2 "$COREDU" list --import "$tmp/big.json"
contains "$tmp/err" "'$tmp/big.json': byte 0:" "a 3 GiB file of junk: an error at once"
run 2 "$COREDU" prune --import --yes "$tmp/a.json"
finish import
