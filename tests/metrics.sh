#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `coredu metrics`: the Prometheus text checked by promtool, label hygiene against hostile
# directory names, the cardinality cap, the atomic --output, OpenMetrics, CloudWatch EMF
# checked against the EMF specification's rules (tests/emf.schema.json), and end to end: a
# real node_exporter reading the file with its textfile collector and a real Prometheus
# scraping it, both on 127.0.0.1, until the query API returns coredu_dumps.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-metrics-XXXXXX")
servers=()
cleanup() {
	local p
	for p in "${servers[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
skipped=""

# A tree: two cores in a plain directory, one in a directory with a hostile name.
t=$tmp/t
mkdir -p "$t/app"
cp "$FIXTURE_DIR/abort-x86-64.core" "$t/app/core.1"
cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$t/app/core.2"
evil=$t/$'we"ird\\dir\nwith\tcontrol\x1b[31m and \xff\xfe bad utf-8 '$(printf 'x%.0s' $(seq 200))
mkdir -p "$evil"
cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$evil/core.3"
# Written back before the first scan: a file's blocks may still change at writeback (ext4
# adds an extent block to a sparse copy), and --output's run below must see the same sizes.
sync

run 0 "$COREDU" metrics "$t"
cp "$tmp/out" "$tmp/m.prom"
contains "$tmp/m.prom" 'coredu_dumps{program="crash_abort",signal="SIGABRT",kind="elf-core",dir="'"$t"'/app"} 1' \
	"a series per program, signal, kind and dir"
for fam in coredu_dumps coredu_dump_bytes coredu_newest_dump_timestamp_seconds \
	coredu_filesystem_avail_bytes coredu_filesystem_full_eta_seconds \
	coredu_scan_duration_seconds coredu_scan_errors; do
	contains "$tmp/m.prom" "# TYPE $fam gauge" "the family $fam"
done
[ "$(grep -c '^coredu_dumps{' "$tmp/m.prom")" -eq 3 ] && pass ||
	fail "three coredu_dumps series: $(grep '^coredu_dumps' "$tmp/m.prom")"
# Hygiene: every line a comment or a sample, valid UTF-8, no label value over the cap.
iconv -f UTF-8 -t UTF-8 "$tmp/m.prom" >/dev/null 2>&1 && pass || fail "the metrics are valid UTF-8"
bad=$(grep -vE '^(# (HELP|TYPE) [a-z_]+ .*|[a-z_]+(\{.*\})? [-+0-9.eInf]+)$' "$tmp/m.prom")
[ -z "$bad" ] && pass || fail "lines that are neither comment nor sample: $bad"
long=$(grep -oE '="([^"\\]|\\.)*"' "$tmp/m.prom" | awk 'length($0) > 3 + 2 * 128' | head -1)
[ -z "$long" ] && pass || fail "a label value longer than the cap: $long"
contains "$tmp/m.prom" 'we\"ird\\' "quotes and backslashes escaped"

if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/m.prom" >"$tmp/promtool" 2>&1 && pass ||
		fail "promtool check metrics: $(cat "$tmp/promtool")"
else
	skipped+=" promtool (apt-get install prometheus)"
fi

# --- the cardinality cap: 130 directories, the 100 with most dumps keep their name ---------
c=$tmp/c
python3 -c '
import os, shutil, sys
for i in range(1, 131):
    os.makedirs("%s/d%d" % (sys.argv[2], i))
    shutil.copyfile(sys.argv[1], "%s/d%d/core" % (sys.argv[2], i))
shutil.copyfile(sys.argv[1], "%s/d7/core.b" % sys.argv[2])' "$FIXTURE_DIR/abort-x86-64.core" "$c"
run 0 "$COREDU" metrics "$c"
n=$(grep -c '^coredu_dumps{' "$tmp/out")
[ "$n" -eq 101 ] && pass || fail "100 directories and 'other': $n series"
contains "$tmp/out" 'dir="other"} 30' "the rest are counted as other"
contains "$tmp/out" "dir=\"$c/d7\"} 2" "the directory with most dumps keeps its name"

# --- --output: atomic, readable by the collector, nothing else left ----------------------------
mkdir "$tmp/tf"
run 0 "$COREDU" metrics -o "$tmp/tf/coredu.prom" "$t"
[ "$(ls -A "$tmp/tf")" = coredu.prom ] && pass || fail "only the file is left: $(ls -A "$tmp/tf")"
[ "$(stat -c %a "$tmp/tf/coredu.prom")" = 644 ] && pass || fail "the file is readable by all"
diff <(grep -v '_seconds\|avail_bytes{' "$tmp/m.prom") <(grep -v '_seconds\|avail_bytes{' "$tmp/tf/coredu.prom") \
	>"$tmp/diff" && pass || fail "--output writes what stdout gets: $(head -c 1500 "$tmp/diff")"
run 2 "$COREDU" metrics -o "$tmp/nodir/coredu.prom" "$t"
contains "$tmp/err" "cannot write" "an unwritable output is an error"

# --- OpenMetrics ---------------------------------------------------------------------------
run 0 "$COREDU" metrics --format=openmetrics "$t"
[ "$(tail -n 1 "$tmp/out")" = "# EOF" ] && pass || fail "OpenMetrics ends with # EOF"

# --- CloudWatch EMF, checked against the specification's rules ---------------------------------
run 0 "$COREDU" metrics --format=emf "$t"
cp "$tmp/out" "$tmp/emf"
[ "$(wc -l <"$tmp/emf")" -eq 3 ] && pass || fail "one EMF line per program and signal: $(cat "$tmp/emf")"
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$TESTS_SRCDIR/tests/emf.schema.json" "$tmp/emf" >"$tmp/emfcheck" 2>&1 <<'EOF' &&
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
for n, line in enumerate(open(sys.argv[2]), 1):
    doc = json.loads(line)
    jsonschema.validate(doc, schema)
    # What a schema cannot say: each dimension and metric names a member of the line.
    for d in doc["_aws"]["CloudWatchMetrics"]:
        assert d["Namespace"] == "coredu", line
        assert d["Dimensions"] == [["program", "signal"]], line
        for name in [k for ds in d["Dimensions"] for k in ds] + [m["Name"] for m in d["Metrics"]]:
            assert name in doc, "line %d: %s is not a member" % (n, name)
    assert isinstance(doc["Dumps"], int) and doc["Dumps"] >= 1
EOF
		pass || fail "EMF against tests/emf.schema.json: $(cat "$tmp/emfcheck")"
	# The schema must say no to a line that breaks the rules.
	echo '{"_aws":{"Timestamp":"now","CloudWatchMetrics":[{"Namespace":"","Dimensions":[],"Metrics":[]}]}}' >"$tmp/emfbad"
	python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$TESTS_SRCDIR/tests/emf.schema.json" "$tmp/emfbad" 2>/dev/null && fail "the schema accepts a bad line" || pass
else
	skipped+=" jsonschema (apt-get install python3-jsonschema)"
fi

# --- end to end: node_exporter's textfile collector, scraped by Prometheus ---------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_http URL SECONDS: until URL answers.
wait_http() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		curl -fs -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
if ! command -v prometheus-node-exporter >/dev/null || ! command -v prometheus >/dev/null; then
	skipped+=" end-to-end (apt-get install prometheus prometheus-node-exporter)"
elif ! command -v curl >/dev/null; then
	skipped+=" end-to-end (apt-get install curl)"
else
	mkdir -p "$tmp/textfile" "$tmp/prom-data"
	run 0 "$COREDU" metrics -o "$tmp/textfile/coredu.prom" "$t"
	np=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$np" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$tmp/textfile" \
		>"$tmp/node.log" 2>&1 &
	servers+=($!)
	pp=$(free_port)
	cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$np']
EOF
	prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prom-data" \
		--web.listen-address="127.0.0.1:$pp" >"$tmp/prom.log" 2>&1 &
	servers+=($!)
	if wait_http "http://127.0.0.1:$np/metrics" 20; then
		pass
		curl -fs "http://127.0.0.1:$np/metrics" >"$tmp/node-metrics"
		contains "$tmp/node-metrics" 'coredu_dumps{dir="'"$t"'/app",kind="elf-core",program="crash_abort",signal="SIGABRT"} 1' \
			"node_exporter serves the file"
		grep -qx 'node_textfile_scrape_error 0' "$tmp/node-metrics" && pass ||
			fail "node_exporter read the file: $(grep textfile "$tmp/node-metrics")"
	else
		fail "node_exporter did not answer: $(tail -5 "$tmp/node.log")"
	fi
	got=""
	for ((i = 0; i < 300; i++)); do # 30 s at most
		got=$(curl -fs "http://127.0.0.1:$pp/api/v1/query" --data-urlencode 'query=sum(coredu_dumps)' |
			python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
		[ -n "$got" ] && break
		sleep 0.1
	done
	[ "$got" = 3 ] && pass || fail "Prometheus: sum(coredu_dumps) is '$got', want 3: $(tail -5 "$tmp/prom.log")"
	got=$(curl -fs "http://127.0.0.1:$pp/api/v1/query" \
		--data-urlencode 'query=coredu_dumps{program="crash_abort"}' |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
	[ "$got" = 1 ] && pass || fail "Prometheus: coredu_dumps{program=crash_abort} is '$got', want 1"
	for p in "${servers[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	servers=()
fi

[ -z "$skipped" ] || echo "SKIPPED:$skipped"
finish metrics
