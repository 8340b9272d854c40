#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# embed-bin.sh NAME FILE: print FILE's bytes as a C array `static const unsigned char NAME[]`,
# a header for the one file that uses it (the compiled magic, the static build's C.UTF-8).
set -e
name=$1
file=$2
printf '/* Generated from %s by src/embed-bin.sh: not to be edited. */\n' "$(basename "$file")"
printf 'static const unsigned char %s[] = {\n' "$name"
od -An -v -tx1 "$file" | sed -e 's/ *$//' -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
printf '};\n'
