#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# embed-text.sh NAME FILE: print FILE as a C string constant called NAME.
# Used to compile doc/hints.txt into coredu, so the table stays a plain text file.
set -e
name=$1
file=$2
printf '/* Generated from %s by src/embed-text.sh: edit that file, not this one. */\n' \
	"$(basename "$file")"
printf 'extern const char %s[];\nconst char %s[] =\n' "$name" "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
printf '\t"";\n'
