#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The layering rule of doc/hacking.md: every #include and every call between two files goes
# to the same folder or to a lower layer, no two files or folders use each other, and the
# library (src/) never prints on its own, exports carry their module prefix and functions
# stay under 100 lines.  tests/layers.py holds the layers as data; run it
# by hand from a built tree as: python3 tests/layers.py --build .
set -eu
command -v nm >/dev/null || { echo "layers: nm (binutils) is needed" >&2; exit 2; }
exec python3 "${TESTS_SRCDIR:-.}/tests/layers.py" --src "${TESTS_SRCDIR:-.}" --build .
