#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The layering rule of doc/hacking.md, checked over the sources and the built objects.

    python3 tests/layers.py [--src DIR] [--build DIR]

Folders are ranked below (lowest first); folders on one line are peers.  A file may use its
own folder and lower ranks only: not a peer, not a higher rank.  "Use" is read twice:

  includes  every #include "..." of src/*/, ui/ and cli/, resolved as the compiler does
            (the including file's folder, then -I src, then -I .);
  calls     the symbols each object file of the build needs (nm: U) and the one that
            defines them (T, D, R, B): calls, and data or functions taken by address.

Neither graph may have a loop between two files, nor between two folders.  And the library
(src/) never references stdout, stderr or printf-style stdio output of its own, nor curses;
and what a file exports starts with the file's name (the module prefix), but for the listed
exceptions; and no function is longer than 100 lines without a comment that says why.
With no --build, or no objects there, only the includes are checked.  Exit status 1 lists
every violation; 0 prints one line of counts.
"""
import argparse
import os
import re
import subprocess
import sys

LAYERS = [
    ["src/base"],
    ["src/kinds"],
    ["src/stack"],
    ["src/scan"],
    ["src/model"],
    ["src/delete", "src/doctor"],
    ["src/output"],
    ["src/watch"],
    ["ui"],
    ["cli"],
]
RANK = {folder: rank for rank, line in enumerate(LAYERS) for folder in line}
# The module-prefix rule: what a file exports starts with its name (fmt.c: fmt_size).  The
# exceptions, each with its reason in doc/hacking.md.
PREFIX_EXCEPTIONS = [
    (r"src/base/util$", r"x[a-z]+|sbuf_\w+"),       # GNU's xmalloc family; the sbuf type
    (r"ui/browser$", r"ui_browse"),                  # the folder's front header, ui.h
    (r"cli/[a-z_]+$", r"cli_\w+"),                   # the folder's header, cli.h
    (r"cli/main$", r"main"),
    (r"src/doctor/hints-data$", r"hints_text"),      # generated from doc/hints.txt
    (r"src/kinds/magic-data$", r"mdesc_magic_text"), # generated from coredu.magic
    (r"src/kinds/program-data$", r"program_text"),   # generated from doc/programs.txt
]
# What the library must never reference (nm) or include.
LIBRARY_NEVER = {"stdout", "stderr", "printf", "puts", "putchar", "vprintf", "perror"}
CURSES = re.compile(r'#\s*include\s*[<"](n?curses|ncursesw/curses|term|panel)\.h[>"]')
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
# A function longer than this needs a comment above it that says why ("Long: ...").
MAX_FUNCTION_LINES = 100


def folder_of(rel):
    d = os.path.dirname(rel)
    return d if d in RANK else None


def sources(src):
    out = []
    for folder in RANK:
        path = os.path.join(src, folder)
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith((".c", ".h")):
                    out.append(os.path.join(folder, name))
    return out


def resolve(src, rel, name):
    for base in (os.path.dirname(rel), "src", ""):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(src, cand)):
            return cand
    return None  # config.h, generated files: outside the rule


def include_edges(src, files, problems):
    edges = []
    for rel in files:
        with open(os.path.join(src, rel), errors="replace") as f:
            for n, line in enumerate(f, 1):
                if rel.startswith("src/") and CURSES.search(line):
                    problems.append("%s:%d: the library includes curses" % (rel, n))
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve(src, rel, m.group(1))
                if target and target != rel and folder_of(target):
                    edges.append((rel, target, "%s:%d" % (rel, n)))
    return edges


def object_source(build, path):
    """src/base/libbase_a-util.o -> src/base/util; ui/coredu-browser.o -> ui/browser."""
    rel = os.path.relpath(path, build)
    base = re.sub(r"^[A-Za-z0-9_]+-", "", os.path.basename(rel))[:-2]
    return os.path.join(os.path.dirname(rel), base)


def call_edges(src, build, problems):
    objs = []
    for folder in RANK:
        path = os.path.join(build, folder)
        if os.path.isdir(path):
            objs += [os.path.join(path, n) for n in sorted(os.listdir(path)) if n.endswith(".o")]
    # Only objects of sources that exist (generated ones live in the build tree): a stale
    # object of a removed or renamed file is not part of the program.
    objs = [o for o in objs if any(os.path.exists(os.path.join(d, object_source(build, o) + ".c"))
                                   for d in (src, build))]
    defined, needed = {}, {}
    for o in objs:
        unit = object_source(build, o)
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBGS":
                defined[p[2]] = unit
            elif len(p) == 2 and p[0] == "U":
                needed.setdefault(unit, set()).add(p[1])
    for sym, unit in sorted(defined.items()):
        base = os.path.basename(unit)
        if sym.startswith("__") or sym == base or sym.startswith(base + "_"):
            continue
        if not any(re.match(u, unit) and re.fullmatch(p, sym) for u, p in PREFIX_EXCEPTIONS):
            problems.append("prefix: %s exports %s, not %s_..." % (unit, sym, base))
    edges = []
    for unit, syms in sorted(needed.items()):
        if unit.startswith("src/"):
            for s in sorted(syms & LIBRARY_NEVER):
                problems.append("%s: the library uses %s: it never prints on its own" % (unit, s))
        for s in sorted(syms):
            if s in defined and defined[s] != unit:
                edges.append((unit, defined[s], "%s calls %s" % (unit, s)))
    return edges, len(objs)


def check_lengths(src, files, problems):
    """Function definitions: a line "{" at column 0 to the next "}" at column 0."""
    for rel in files:
        if not rel.endswith(".c"):
            continue
        with open(os.path.join(src, rel), errors="replace") as f:
            lines = f.read().split("\n")
        start = None
        for n, line in enumerate(lines):
            if line == "{":
                start = n
            elif line == "}" and start is not None:
                head = n - start + 1
                sig = start - 1
                while sig > 0 and lines[sig - 1][:1] in (" ", "\t") and lines[sig - 1].strip():
                    sig -= 1
                above = "\n".join(lines[max(0, sig - 6):sig])
                if head > MAX_FUNCTION_LINES and "Long:" not in above:
                    problems.append("length: %s:%d: %d lines, over %d without a 'Long:' comment "
                                    "saying why" % (rel, sig + 1, head, MAX_FUNCTION_LINES))
                start = None


def check_layers(edges, what, problems):
    for a, b, where in edges:
        fa, fb = folder_of(a), folder_of(b)
        if fa == fb:
            continue
        if RANK[fb] == RANK[fa]:
            problems.append("%s: %s uses its peer %s (%s)" % (what, fa, fb, where))
        elif RANK[fb] > RANK[fa]:
            problems.append("%s: %s uses the higher layer %s (%s)" % (what, fa, fb, where))


def loops(nodes_edges):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    graph = {}
    for a, b in nodes_edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, on, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


def check_loops(edges, what, problems):
    files = {(a, b) for a, b, _ in edges}
    folders = {(folder_of(a), folder_of(b)) for a, b, _ in edges if folder_of(a) != folder_of(b)}
    for comp in loops(files):
        problems.append("%s: a loop between files: %s" % (what, " <-> ".join(comp)))
    for comp in loops(folders):
        problems.append("%s: a loop between folders: %s" % (what, " <-> ".join(comp)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--build", default=None)
    args = ap.parse_args()
    src = os.path.abspath(args.src)
    problems = []
    files = sources(src)
    inc = include_edges(src, files, problems)
    check_lengths(src, files, problems)
    check_layers(inc, "include", problems)
    check_loops(inc, "include", problems)
    calls, nobj = [], 0
    if args.build:
        calls, nobj = call_edges(src, os.path.abspath(args.build), problems)
        check_layers(calls, "call", problems)
        check_loops(calls, "call", problems)
    for p in problems:
        print("layers: " + p)
    if problems:
        print("layers: %d violation(s); the rule: doc/hacking.md" % len(problems))
        return 1
    print("layers: %d files, %d includes, %d objects, %d cross-file references: "
          "every use goes down, no loop, prefixes and lengths kept" % (len(files), len(inc), nobj, len(calls)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
