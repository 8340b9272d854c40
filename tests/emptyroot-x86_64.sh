#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: the static x86_64 binary in an empty root (tests/emptyroot.sh), where configure
# found what building it needs; otherwise a skip that names what is missing.
if [ -n "${STATIC_SKIP_X86_64:-}" ]; then
	echo "SKIP: no static x86_64 binary: $STATIC_SKIP_X86_64"
	exit 77
fi
exec bash "$TESTS_SRCDIR/tests/emptyroot.sh" x86_64 "$STATIC_DIR/coredu-static-x86_64" "$COREDU"
