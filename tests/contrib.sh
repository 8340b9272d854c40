#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The deployment examples in contrib/ (doc/fleet.md), checked as far as this machine allows:
# the systemd units with systemd-analyze verify (no warning either), the Kubernetes and
# compose YAML with yamllint, the ECS task definition with jq.  No Kubernetes OpenAPI
# validator is packaged in Debian: the manifests are not checked against the schema.
set -u
: "${COREDU:?run through make check}" "${TESTS_SRCDIR:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-contrib-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
c=$TESTS_SRCDIR/contrib
skipped=""

if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/man/man1"
	cp "$TESTS_SRCDIR/doc/coredu.1" "$tmp/man/man1/" # Documentation=man:coredu(1)
	for f in "$c"/systemd/*.service "$c"/systemd/*.timer; do
		sed "s|/usr/local/bin/coredu|$COREDU|" "$f" >"$tmp/${f##*/}"
	done
	# Documentation= is checked with man (man-db) where it is installed; a minimal machine
	# has no man at all, and the unit is no worse for it.
	manopt=() && command -v man >/dev/null || manopt=(--man=no)
	MANPATH=$tmp/man systemd-analyze verify "${manopt[@]}" "$tmp"/*.service "$tmp"/*.timer >"$tmp/verify" 2>&1 &&
		[ ! -s "$tmp/verify" ] && pass || fail "systemd-analyze verify: $(cat "$tmp/verify")"
	# The configuration the service names is one watch accepts.
	mkdir "$tmp/d"
	timeout 5 "$COREDU" watch --config "$c/systemd/watch.conf" "$tmp/d" >/dev/null 2>"$tmp/err" &
	sleep 1
	kill -TERM $! 2>/dev/null
	wait $!
	lacks "$tmp/err" "not changed" "contrib/systemd/watch.conf is accepted"
	lacks "$tmp/err" "unknown option" "contrib/systemd/watch.conf is accepted"
else
	skipped+=" systemd (apt-get install systemd)"
fi

if command -v yamllint >/dev/null; then
	yamllint -s -d '{extends: default, rules: {line-length: {max: 100}, document-start: disable}}' \
		"$c"/kubernetes/*.yaml "$c"/compose/compose.yaml >"$tmp/yl" 2>&1 && pass ||
		fail "yamllint: $(cat "$tmp/yl")"
else
	skipped+=" yamllint (apt-get install yamllint)"
fi

if command -v jq >/dev/null; then
	jq -e '
	  (.containerDefinitions | length == 2)
	  and (.containerDefinitions[] | select(.name == "coredu") | .command[0] == "watch"
	       and (.mountPoints[0].sourceVolume == "dumps")
	       and (.logConfiguration.logDriver == "awslogs"))
	  and (.containerDefinitions[] | select(.name == "app") | .ulimits[0].name == "core")
	  and (.volumes[0].name == "dumps")' "$c/ecs/task-definition.json" >/dev/null && pass ||
		fail "the ECS task definition: jq"
	# The sidecar's arguments are ones coredu takes.
	mapfile -t args < <(jq -r '.containerDefinitions[] | select(.name == "coredu") | .command[]' \
		"$c/ecs/task-definition.json")
	mkdir -p "$tmp/dumps"
	# SIGTERM once watch says it is watching (not after a fixed second): it exits 0.
	"$COREDU" "${args[@]/\/dumps/$tmp/dumps}" >/dev/null 2>"$tmp/err" &
	wpid=$!
	for _ in $(seq 200); do grep -q 'watch: watching' "$tmp/err" && break; sleep 0.05; done
	kill -TERM "$wpid" 2>/dev/null
	wait "$wpid"
	rc=$?
	[ $rc -eq 0 ] && pass || fail "the ECS sidecar's command: status $rc: $(cat "$tmp/err")"
else
	skipped+=" jq (apt-get install jq)"
fi

[ -z "$skipped" ] || echo "SKIPPED:$skipped"
finish contrib
