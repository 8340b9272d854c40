#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The live-crash suite as it runs where the kernel cannot write cores: it must say so and
# check the committed fixtures instead.
out=$(COREDU_TEST_NO_LIVE=1 "$(dirname "$COREDU")/tests/unit/check_live" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || exit 1
grep -q "checking the committed fixture cores" <<<"$out" || { echo "FAIL: no fallback notice"; exit 1; }
