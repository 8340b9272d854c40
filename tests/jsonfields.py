#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate a coredu JSON document on stdin and flatten each dump for the C tests.

Prints one line per dump field: "<file name>\t<key>=<value>", where value is the JSON value
(strings raw, null as "null", booleans as true/false).  Exits non-zero on invalid JSON or a
missing contract key.
"""
import json
import sys

CONTRACT_TOP = ["version", "tool", "scanned", "scan", "filesystem", "dumps", "errors"]
CONTRACT_DUMP = [
    "path", "kind", "magic", "size_apparent", "size_disk", "mtime", "dev", "inode", "nlink",
    "class", "endian", "machine", "pid", "ppid", "tid", "threads", "uid", "gid", "comm",
    "cmdline", "exe", "platform", "signal", "signal_name", "si_code", "sender_pid",
    "fault_addr", "truncated", "expected_size", "build_id", "crash_module", "crash_offset",
]


def text(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def main():
    doc = json.load(sys.stdin)
    for k in CONTRACT_TOP:
        if k not in doc:
            sys.exit("missing top-level key %r" % k)
    if doc["version"] != 1 or doc["tool"]["name"] != "coredu":
        sys.exit("bad version or tool")
    for k in ("files", "dirs", "bytes_apparent", "bytes_disk", "errors", "seconds"):
        if k not in doc["scan"]:
            sys.exit("missing scan key %r" % k)
    for d in doc["dumps"]:
        for k in CONTRACT_DUMP:
            if k not in d:
                sys.exit("missing dump key %r" % k)
        name = d["path"].rsplit("/", 1)[-1]
        for k, v in d.items():
            print("%s\t%s=%s" % (name, k, text(v)))


if __name__ == "__main__":
    main()
