#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: the static aarch64 binary in an empty root (tests/emptyroot.sh), where configure
# found what building it needs; otherwise a skip that names what is missing.
if [ -n "${STATIC_SKIP_AARCH64:-}" ]; then
	echo "SKIP: no static aarch64 binary: $STATIC_SKIP_AARCH64"
	exit 77
fi
exec bash "$TESTS_SRCDIR/tests/emptyroot.sh" aarch64 "$STATIC_DIR/coredu-static-aarch64" "$COREDU"
