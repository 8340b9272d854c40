#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `coredu prune` on real cores with controlled mtimes: each policy as a dry run and for real,
# the JSON plan and outcome, the journal, compression, refusals and exit codes.
set -u
: "${COREDU:?run through make check}" "${FIXTURE_DIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coredu-prune-XXXXXX")
chmod 755 "$tmp"
trap 'umount "$tmp/ov/merged" "$tmp/ov/rw" 2>/dev/null; chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$TESTS_SRCDIR/tests/lib.sh"
exists() { [ -e "$1" ] && pass || fail "$2: $1 is gone"; }
gone() { [ ! -e "$1" ] && pass || fail "$2: $1 is still there"; }

# app/: three workers killed by their parent (one program), an abort, a segfault; ages set.
make_tree() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t/app" "$tmp/t/other"
	cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tmp/t/app/core.101"
	cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tmp/t/app/core.102"
	cp "$FIXTURE_DIR/parent-kill-x86-64.core" "$tmp/t/app/core.103"
	cp "$FIXTURE_DIR/abort-x86-64.core" "$tmp/t/app/core.200"
	cp "$FIXTURE_DIR/thread-segv-x86-64.core" "$tmp/t/other/core.300"
	echo "not a dump" >"$tmp/t/app/notes.txt"
	touch -d '10 days ago' "$tmp/t/app/core.101"
	touch -d '5 days ago' "$tmp/t/app/core.102"
	touch -d '2 days ago' "$tmp/t/app/core.103"
	touch -d '1 day ago' "$tmp/t/app/core.200"
	touch -d '3 hours ago' "$tmp/t/other/core.300"
}
t=$tmp/t

# --- --older-than: dry run, then for real --------------------------------------------------
make_tree
run 0 "$COREDU" prune --older-than 3d --dry-run "$t"
contains "$tmp/out" "Would delete 2 dumps" "dry run plan"
contains "$tmp/out" "app/core.101" "dry run lists the oldest"
contains "$tmp/out" "older than the limit" "each with its reason"
contains "$tmp/out" "Dry run: nothing was changed." "dry run says so"
exists "$t/app/core.101" "a dry run deletes nothing"
run 0 "$COREDU" prune --older-than 3d --yes "$t"
gone "$t/app/core.101" "--older-than"
gone "$t/app/core.102" "--older-than"
exists "$t/app/core.103" "younger dumps stay"
exists "$t/app/notes.txt" "other files stay"
contains "$tmp/out" "Deleted 2 dumps, freed" "summary"
contains "$tmp/out" "free space" "summary with the free space"
[ "$(grep -c $'\tdeleted\t' "$tmp/err")" -eq 2 ] && pass || fail "the journal on stderr has two deletions: $(cat "$tmp/err")"
contains "$tmp/err" "path=$t/app/core.101" "the journal names the path"
contains "$tmp/err" "command=crash_parent_ki" "the journal names the command"

# --- --keep-newest --per program ----------------------------------------------------------------
make_tree
run 0 "$COREDU" prune --keep-newest 1 --per program --yes "$t"
gone "$t/app/core.101" "keep-newest per program"
gone "$t/app/core.102" "keep-newest per program"
exists "$t/app/core.103" "the newest of crash_parent_ki stays"
exists "$t/app/core.200" "the only crash_abort stays"
exists "$t/other/core.300" "the only crash_thread_se stays"
make_tree
run 0 "$COREDU" prune --keep-newest 2 --dry-run "$t"
contains "$tmp/out" "Would delete 3 dumps" "keep-newest over everything"
contains "$tmp/out" "not among the 2 newest" "its reason"

# --- --max-total ------------------------------------------------------------------------------------
make_tree
keep=$(( $(stat -c %b "$t/other/core.300") * 512 + $(stat -c %b "$t/app/core.200") * 512 ))
run 0 "$COREDU" prune --max-total "$keep" --yes "$t"
exists "$t/other/core.300" "max-total keeps the newest"
exists "$t/app/core.200" "max-total keeps the newest that fit"
gone "$t/app/core.103" "max-total removes the older"
gone "$t/app/core.101" "max-total removes the oldest"

# --- --match, --min-size, nothing matched ------------------------------------------------------------
make_tree
run 0 "$COREDU" prune --match crash_abort --yes "$t"
gone "$t/app/core.200" "--match"
exists "$t/app/core.101" "--match leaves the rest"
run 1 "$COREDU" prune --match no-such-program --yes "$t"
contains "$tmp/out" "Nothing to delete." "nothing matched"
run 1 "$COREDU" prune --min-size 10G --yes "$t"

# --- refusals and errors ---------------------------------------------------------------------------------
make_tree
run 2 "$COREDU" prune --older-than 3d "$t"
contains "$tmp/err" "add --yes" "not on a terminal without --yes"
exists "$t/app/core.101" "nothing deleted without --yes"
run 2 "$COREDU" prune -r --older-than 3d --yes "$t"
contains "$tmp/err" "read-only" "read-only refuses"
exists "$t/app/core.101" "nothing deleted in read-only mode"
run 0 "$COREDU" prune -r --older-than 3d --dry-run "$t"
run 2 "$COREDU" prune --older-than soon --yes "$t"
run 2 "$COREDU" prune --max-total lots --yes "$t"
run 2 "$COREDU" prune --per program --yes "$t"
run 2 "$COREDU" prune --older-than 3d
contains "$tmp/err" "needs at least one PATH" "prune needs a PATH"
run 2 "$COREDU" list --older-than 3d "$t"

# --- JSON --------------------------------------------------------------------------------------------------
make_tree
run 0 "$COREDU" prune --older-than 3d --dry-run --json "$t"
python3 - "$tmp/out" <<'EOF' && pass || fail "dry-run JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["dry_run"] is True and d["outcome"] is None
assert sorted(p["path"].rsplit("/", 1)[1] for p in d["plan"]) == ["core.101", "core.102"]
assert all(p["reason"] and p["size_disk"] > 0 for p in d["plan"])
EOF
run 0 "$COREDU" prune --older-than 3d --yes --json --log "$tmp/journal" "$t"
python3 - "$tmp/out" <<'EOF' && pass || fail "JSON outcome"
import json, sys
d = json.load(open(sys.argv[1]))
o = d["outcome"]
assert o["done"] == 2 and o["failed"] == 0 and o["refused"] == 0, o
# free_after is not compared with free_before: other writers on the same file system (a
# parallel build) move it too.
assert o["freed"] > 0 and all(isinstance(o[k], int) for k in ("free_before", "free_after"))
assert all(p["status"] == "deleted" and p["freed"] > 0 for p in d["plan"])
EOF
[ "$(grep -c $'\tdeleted\t' "$tmp/journal")" -eq 2 ] && pass || fail "--log writes the journal to a file"
[ ! -s "$tmp/err" ] && pass || fail "with --log, nothing on stderr: $(cat "$tmp/err")"

# --- --compress -------------------------------------------------------------------------------------------------
make_tree
pid=$("$COREDU" json "$t/app/core.200" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dumps"][0]["pid"])')
run 0 "$COREDU" prune --compress --match crash_abort --yes "$t"
gone "$t/app/core.200" "--compress removes the original"
exists "$t/app/core.200.zst" "--compress writes NAME.zst"
contains "$tmp/out" "Compressed 1 dump" "compression summary"
"$COREDU" json "$t/app" >"$tmp/json"
python3 - "$tmp/json" "$pid" <<'EOF' && pass || fail "the .zst is still a dump with its metadata"
import json, sys
d = [x for x in json.load(open(sys.argv[1]))["dumps"] if x["path"].endswith(".zst")][0]
assert d["compression"] == "zstd" and d["pid"] == int(sys.argv[2]) and d["signal_name"] == "SIGABRT"
assert d["size_original"] > d["size_apparent"]
EOF

# --- already compressed dumps are not compressed again (issue 14, finding 5) ------------------------
# systemd's core.*.zst became core.*.zst.zst, and a core.xz became core.xz.zst: no longer a dump
# to coredu (a compressed file's content is only looked at one level deep), lost to retention.
make_tree
zstd -q --rm "$t/app/core.200" -o "$t/app/core.200.zst"
xz "$t/app/core.103"
touch -d '2 days ago' "$t/app/core.200.zst" "$t/app/core.103.xz"
run 0 "$COREDU" prune --compress --older-than 1h --yes "$t"
gone "$t/app/core.200.zst.zst" "a .zst is not compressed again"
gone "$t/app/core.103.xz.zst" "an .xz is not compressed again"
exists "$t/app/core.200.zst" "the .zst stays as it was"
exists "$t/app/core.103.xz" "the .xz stays as it was"
exists "$t/app/core.101.zst" "the plain cores are compressed"
contains "$tmp/out" "2 already compressed" "the plan says why two were left out"
run 1 "$COREDU" prune --compress --older-than 1h --dry-run --json "$t"
python3 - "$tmp/out" <<'EOF' && pass || fail "JSON: already compressed dumps are left out, and counted"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["plan"] == [] or all(not p["path"].endswith((".zst", ".xz")) for p in d["plan"]), d["plan"]
assert d["already_compressed"] == 5, d.get("already_compressed")
EOF
run 0 "$COREDU" list "$t"
contains "$tmp/out" "5 dumps" "every dump is still listed"

# --- --per dir: the whole directory path is the key (issue 14, finding 6) -----------------------------
# Two directories whose paths share 4,500 bytes were one group: --keep-newest 1 --per dir
# planned to delete one directory's only core.
python3 - "$tmp/long" "$FIXTURE_DIR/abort-x86-64.core" <<'EOF'
import os, sys
root, src = sys.argv[1], sys.argv[2]
os.mkdir(root)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
for i in range(45):  # 45 components of 99 bytes: 4,500 bytes shared
    name = "%02d" % i + "p" * 97
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
data = open(src, "rb").read()
for sub, t in (("a", 1000000000), ("b", 1000000100)):
    os.mkdir(sub, dir_fd=fd)
    d = os.open(sub, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    out = os.open("core", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=d)
    os.write(out, data)
    os.utime(out, (t, t))
    os.close(out)
    os.close(d)
EOF
run 1 "$COREDU" prune --keep-newest 1 --per dir --dry-run "$tmp/long"
contains "$tmp/out" "Nothing to delete." "two directories with a 4,500-byte common prefix are two groups"
run 0 "$COREDU" prune --keep-newest 1 --dry-run "$tmp/long"
contains "$tmp/out" "Would delete 1 dump" "without --per they are one group"

# --- failure reasons are escaped (issue 14, finding 7) ---------------------------------------------------
# A name that retitles the terminal, with NAME.zst already there: the reason names the file.
make_tree
bad=$'core.\e]0;PWNED\a'
cp "$FIXTURE_DIR/abort-x86-64.core" "$t/other/$bad"
echo "in the way" >"$t/other/$bad.zst"
run 3 "$COREDU" prune --compress --match PWNED --yes "$t"
if grep -q $'\e' "$tmp/out" "$tmp/err"; then
	fail "prune --compress wrote a raw ESC: $(grep -a PWNED "$tmp/out" "$tmp/err" | cat -v | head -c 400)"
else
	pass
fi
contains "$tmp/out" '\x1b]0;PWNED\x07.zst already exists' "the reason names the file, escaped"
exists "$t/other/$bad" "the dump stays"

# --- --log: never through a symbolic link; journal fields quoted for a shell -------------------------
# (issue 14) A link planted where the log goes would make root append to any file; and a
# journal line pasted into a shell must not run a name's `$(...)` or `;`.
make_tree
echo "precious" >"$tmp/precious"
ln -s "$tmp/precious" "$tmp/log.link"
run 2 "$COREDU" prune --older-than 3d --yes --log "$tmp/log.link" "$t"
contains "$tmp/err" "cannot open the log" "--log refuses a symbolic link"
[ "$(cat "$tmp/precious")" = precious ] && pass || fail "--log wrote through a link: $(cat "$tmp/precious")"
exists "$t/app/core.101" "nothing deleted without a journal"
shellish='core.$(touch PWNED);echo `id`'
quoted="core.it's"
for n in "$shellish" "$quoted"; do
	cp "$FIXTURE_DIR/abort-x86-64.core" "$t/other/$n"
	touch -d '4 days ago' "$t/other/$n"
done
run 0 "$COREDU" prune --older-than 3d --yes --log "$tmp/journal2" "$t"
gone "$t/other/$shellish" "the shell-looking dump was deleted"
for n in "$shellish" "$quoted"; do
	line=$(grep -F "${n:0:7}" "$tmp/journal2") # core.$( or core.it
	field=$(printf '%s\n' "$line" | tr '\t' '\n' | sed -n 's/^path=//p')
	got=$(cd "$tmp" && eval "printf '%s' $field" 2>&1)
	[ "$got" = "$t/other/$n" ] && pass || fail "the journal's path, read by a shell, is not the path: '$got' from $field"
done
[ ! -e "$tmp/PWNED" ] && pass || fail "a journal line pasted into a shell ran a command"

# --- --yes alone leaves dumps held open; --force-open deletes them too (issue 14) ---------------
# A core still being written, or open in a debugger: anything written after the unlink is lost.
make_tree
sleep 300 3<"$t/app/core.101" &
holder=$!
for _ in $(seq 100); do [ -e "/proc/$holder/fd/3" ] && break; sleep 0.05; done
run 3 "$COREDU" prune --older-than 3d --yes "$t"
exists "$t/app/core.101" "--yes alone leaves a dump held open"
gone "$t/app/core.102" "the others go"
contains "$tmp/out" "held open by pid $holder" "the holder is named"
contains "$tmp/out" "--force-open" "and the way to delete it anyway"
run 0 "$COREDU" prune --older-than 3d --yes --force-open "$t"
gone "$t/app/core.101" "--force-open deletes it"
kill "$holder"
wait "$holder" 2>/dev/null

# --- compression: extended attributes kept, freed counted honestly (issue 14) ---------------------
# systemd-coredump keeps the hostname and executable in user.coredump.*; and a copy that takes
# more space than the dump frees nothing (freed used to be the dump's size whatever the copy).
make_tree
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.coredump.hostname", b"web-7")' \
	"$t/app/core.101" 2>"$tmp/xerr"
{ head -c 64 "$FIXTURE_DIR/abort-x86-64.core"; head -c 4032 /dev/urandom; } >"$t/other/core.9"
touch -d '4 days ago' "$t/other/core.9"
before=$(stat -c %b "$t/app/core.101")
run 0 "$COREDU" prune --compress --older-than 3d --yes --json "$t"
if [ -s "$tmp/xerr" ]; then
	echo "SKIP: extended attributes kept: $tmp has no user xattrs"
else
	got=$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.coredump.hostname").decode())' \
		"$t/app/core.101.zst" 2>&1)
	[ "$got" = web-7 ] && pass || fail "user.coredump.hostname lost in the copy: $got"
fi
python3 - "$tmp/out" "$t" "$before" <<'EOF' && pass || fail "freed is what the disk got back"
import json, os, sys
d, t, before = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
plan = {p["path"]: p for p in d["plan"]}
big, small = plan[t + "/app/core.101"], plan[t + "/other/core.9"]
copy = os.stat(t + "/app/core.101.zst").st_blocks * 512
assert big["freed"] == before * 512 - copy, (big["freed"], before * 512, copy)
copy = os.stat(t + "/other/core.9.zst").st_blocks * 512
assert copy > 4096, copy  # random bytes: the copy is larger
assert small["freed"] == 0 and "nothing freed" in small["status_reason"], small
EOF

# --- overlayfs: a core of the lower layer (issue 14) -----------------------------------------------
# The rename before the unlink copied a lower-layer core up whole: with little room in the upper
# layer, deleting failed with ENOSPC where rm works; and "freed" was claimed for a whiteout.
# Root with mount(2) only (a container without CAP_SYS_ADMIN skips it).
ov=$tmp/ov
mkdir -p "$ov/lower" "$ov/rw" "$ov/merged"
cp --sparse=never "$FIXTURE_DIR/thread-segv-x86-64.core" "$ov/lower/core.1" # 25 MiB of data
touch -d '4 days ago' "$ov/lower/core.1"
if mount -t tmpfs -o size=2m tmpfs "$ov/rw" 2>/dev/null &&
	mkdir "$ov/rw/upper" "$ov/rw/work" &&
	mount -t overlay overlay -o "lowerdir=$ov/lower,upperdir=$ov/rw/upper,workdir=$ov/rw/work" \
		"$ov/merged" 2>/dev/null; then
	run 0 "$COREDU" prune --older-than 3d --yes --json "$ov/merged"
	gone "$ov/merged/core.1" "a lower-layer core is deleted on a full upper layer"
	exists "$ov/lower/core.1" "the image's layer is untouched"
	python3 - "$tmp/out" <<'EOF' && pass || fail "overlayfs: nothing claimed freed, and said why"
import json, sys
p = json.load(open(sys.argv[1]))["plan"][0]
assert p["status"] == "deleted" and p["freed"] == 0, p
assert "overlayfs" in p["status_reason"] and "lower layer" in p["status_reason"], p
EOF
else
	echo "SKIP: overlayfs deletion: cannot mount tmpfs and overlay here (needs root with CAP_SYS_ADMIN)"
fi
umount "$ov/merged" 2>/dev/null
umount "$ov/rw" 2>/dev/null

# --- a partial failure: exit 3 (a directory without write permission; root ignores modes, so
# as root the prune runs as nobody) -----------------------------------------------------------------
as_user=()
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	make_tree
	[ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$t"
	chmod 555 "$t/other"
	run 3 "${as_user[@]}" "$COREDU" prune --yes "$t"
	contains "$tmp/out" "not deleted" "the summary lists what failed"
	contains "$tmp/out" "Permission denied" "with the reason"
	exists "$t/other/core.300" "the protected dump stays"
	gone "$t/app/core.101" "the others went"
	chmod 755 "$t/other"
else
	echo "SKIP: the partial-failure check: as root it needs setpriv (apt-get install util-linux)"
fi

finish prune.sh
