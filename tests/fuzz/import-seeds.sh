#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The seeds of the import harness: real `coredu json` documents over the fixture dumps, as
# `coredu --import` meets them: one dump, every kind, a stream of two documents from two
# hosts, keys sorted (`jq -S`), compact and with the stacks (--backtrace).
#
#   tests/fuzz/import-seeds.sh COREDU OUTDIR FIXTURE_DIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: import-seeds.sh COREDU OUTDIR FIXTURE_DIR" >&2; exit 2; }
coredu=$1 out=$2 fx=$3
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-import-seeds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/one" "$tmp/all"
cp "$fx/abort-x86-64.core" "$tmp/one/"
for f in "$fx"/*; do
	# the documents, not the dumps, are the input: the small fixtures are enough
	[ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 4000000 ] && cp "$f" "$tmp/all/"
done
"$coredu" json "$tmp/one" >"$out/one.json"
"$coredu" json "$tmp/all" >"$out/all.json"
"$coredu" json --backtrace "$tmp/one" >"$out/backtrace.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
d = json.load(open(out + "/one.json"))
d["identity"]["hostname"] = "web-2"
with open(out + "/two-hosts.json", "w") as f:
    f.write(open(out + "/all.json").read())
    json.dump(d, f)
with open(out + "/sorted.json", "w") as f:
    json.dump(json.load(open(out + "/all.json")), f, sort_keys=True, separators=(",", ":"))
PY
