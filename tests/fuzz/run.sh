#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libFuzzer harnesses with clang (-fsanitize=fuzzer,address,undefined) and run each
# for a while, seeded with the real fixture dumps, dumps built from their specifications,
# compressed copies, and every input that ever crashed a harness (tests/fuzz/regress/).
#
#   tests/fuzz/run.sh [--seconds N] [--jobs J] [--only NAME[,NAME...]] [--keep DIR]
#                     [--fetch-seeds] [--out DIR]
#
# Run from a configured build tree (make fuzz-smoke does: 60 s each).  --fetch-seeds adds real
# dumps from public test suites (tests/fuzz/fetch-seeds.sh: elfutils, lldb), fetched now and
# never committed.  --out puts the binaries, logs and crashes elsewhere than tests/fuzz/out, so
# two campaigns can run from one tree.  A crash fails the run;
# its input is left in OUT/crashes/NAME/ to be minimised and committed to
# tests/fuzz/regress/NAME/.  --keep DIR keeps the grown corpora there (long runs resume).
set -euo pipefail
seconds=60 jobs=2 only= keep= fetch= out=
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--fetch-seeds) fetch=1; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: tests/fuzz/run.sh [--seconds N] [--jobs J] [--only NAME[,NAME...]] [--keep DIR] [--fetch-seeds] [--out DIR]" >&2; exit 2 ;;
	esac
done
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)
[ -f "$build/config.h" ] || { echo "fuzz: run from a configured build tree (./configure)" >&2; exit 2; }
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
make -s tests/fixtures-unpacked/.stamp coredu

harnesses=(elfcore detect decomp dump apport hserr hprof kdump minidump sdcore stack stackwire render import)
[ -n "$only" ] && IFS=, read -r -a harnesses <<<"$only"
out=${out:-$build/tests/fuzz/out}
rm -rf "$out/crashes"
mkdir -p "$out/obj" "$out/bin" "$out/crashes"

# ---- build: the parsers once, then each harness --------------------------------------------
cflags=(-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
	-I"$build" -I"$src/src" $(pkg-config --cflags libelf libdw libzstd liblzma liblz4))
libs=($(pkg-config --libs libelf libdw libzstd liblzma liblz4) -lpthread -lm)
# The sources the harnesses reach, by their path below src/.
parsers=(kinds/abrt kinds/apport kinds/bsrc kinds/decomp kinds/dump kinds/elfcore kinds/hprof
	kinds/hserr kinds/kdump kinds/lines kinds/minidump kinds/procargs kinds/program kinds/prstatus
	kinds/reader kinds/sdcore kinds/cause scan/detect base/sanitize base/sig base/utf8 base/util
	stack/modfile stack/pystack stack/stackwire stack/unwind)
make -s src/kinds/program-data.c # generated: the program rules, in the build tree
objs=()
for p in "${parsers[@]}" "$build/src/kinds/program-data"; do
	o=$out/obj/$(basename "$p").o
	case $p in /*) c=$p.c ;; *) c=$src/src/$p.c ;; esac
	clang "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$c" -o "$o"
	objs+=("$o")
done
# The render and import oracles also run the writers of info, list and json, and libmagic.
rsrc=("$build/src/kinds/magic-data.c")
for p in base/fmt base/fsusage base/identity base/idset base/json base/jsonr base/procfs base/thread \
	base/when \
	kinds/mdesc model/index output/report_info output/report_list output/report_json \
	output/report_crashes output/report_stack scan/scan scan/safeopen scan/sniffring scan/jobpool \
	scan/import; do
	rsrc+=("$src/src/$p.c")
done
robjs=()
for c in "${rsrc[@]}"; do
	o=$out/obj/render-$(basename "$c" .c).o
	clang "${cflags[@]}" $(pkg-config --cflags libmagic 2>/dev/null) -fsanitize=fuzzer-no-link \
		$(pkg-config --cflags liburing) -c "$c" -o "$o"
	robjs+=("$o")
done
for h in "${harnesses[@]}"; do
	extra=()
	case $h in render | import) extra=("${robjs[@]}" -lmagic $(pkg-config --libs liburing)) ;; esac
	clang "${cflags[@]}" -fsanitize=fuzzer "$src/tests/fuzz/fuzz_$h.c" "${objs[@]}" "${extra[@]}" \
		"${libs[@]}" -o "$out/bin/fuzz_$h"
done
echo "fuzz: built ${#harnesses[@]} harnesses in $out/bin"

# ---- seeds ------------------------------------------------------------------------------------
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{all,names}
fx=$build/tests/fixtures-unpacked
for f in "$fx"/*; do
	[ -f "$f" ] || continue
	case $f in *MANIFEST*) continue ;; esac
	# Big fixtures are seeded by their first 64 KiB: the parsers read the start.
	head -c 65536 "$f" >"$seeds/all/$(basename "$f")"
done
mk="python3 $src/tests/kinds/mkkinds.py"
core=$fx/abort-x86-64.core
$mk minidump "$seeds/all/m.dmp" --pid 4242 --comm c --signal 11 --code 1 --addr 0x10 --cmdline "a b" --time 1795514400
$mk apport "$seeds/all/a.crash" --core "$core" --exe /bin/a --cmdline "a b" --pid 1 --uid 0 --signal 6 --date "Tue Nov 24 10:00:00 2026"
$mk vmcoreinfo "$seeds/all/vmcore" --release 6.1 --crashtime 1795514400
$mk kdump-flat "$fx/vmcore-qemu-raw.kdump" "$seeds/all/flat"
head -c 65536 "$seeds/all/flat" >"$seeds/all/flat.head" && rm "$seeds/all/flat"
for c in abort-x86-64 parent-kill-x86-64 abort-s390x; do
	zstd -q -c "$fx/$c.core" >"$seeds/all/$c.zst"
	xz -c "$fx/$c.core" >"$seeds/all/$c.xz"
	lz4 -q -c "$fx/$c.core" >"$seeds/all/$c.lz4"
done
printf '%s\n' "core.crash_abort.1000.0123456789abcdef0123456789abcdef.4242.1795514400123456.zst" \
	"core.a\\x2eb.0.0123456789abcdef0123456789abcdef.7.1795514400000000" \
	".#core.x.0.0123456789abcdef0123456789abcdef.7.17955144000000000123456789abcdef" |
	while IFS= read -r n; do printf '%s' "$n" >"$seeds/names/$(printf '%s' "$n" | md5sum | cut -c1-8)"; done
if [ -n "$fetch" ]; then
	"$src/tests/fuzz/fetch-seeds.sh" "$seeds/fetched"
	cp "$seeds"/fetched/elf/* "$seeds"/fetched/minidump/* "$seeds/all/"
fi
# import: real `coredu json` documents (tests/fuzz/import-seeds.sh)
"$src/tests/fuzz/import-seeds.sh" "$build/coredu" "$seeds/import" "$fx"
# render's inputs start with a hostile file name
python3 "$src/tests/fuzz/render-seeds.py" "$seeds/render" "$seeds"/all/*
# decomp's first byte picks the format: 0 zstd, 1 xz, 2 lz4
mkdir -p "$seeds/decomp"
for c in abort-x86-64; do
	{ printf '\x00'; cat "$seeds/all/$c.zst"; } >"$seeds/decomp/$c.zst"
	{ printf '\x01'; cat "$seeds/all/$c.xz"; } >"$seeds/decomp/$c.xz"
	{ printf '\x02'; cat "$seeds/all/$c.lz4"; } >"$seeds/decomp/$c.lz4"
done
# stack: the fixtures whole (the readers need the dumped memory), and a python3 core killed
# inside known code when this machine writes cores here; stackwire: the streams the stack
# harness makes of them.
mkdir -p "$seeds/stack" "$seeds/wire"
cp "$fx"/*.core "$seeds/stack/"
if [ -x /usr/bin/python3 ] && [ "$(cat /proc/sys/kernel/core_pattern)" = core ] && ulimit -c unlimited 2>/dev/null; then
	mkdir -p "$out/pycore" && cp "$src/tests/stacks/aio.py" "$out/pycore/"
	c=$(python3 "$src/tests/stacks/crash.py" "$out/pycore/c" --sleeping -- /usr/bin/python3 "$out/pycore/aio.py") &&
		mv "$c" "$seeds/stack/python-aio.core" || echo "fuzz: no python3 core for the stack seeds"
	rm -rf "$out/pycore"
fi
COREDU_FUZZ_WIRE_SEEDS=$seeds/wire "$out/bin/fuzz_stack" -runs=0 "$seeds/stack" >/dev/null 2>&1 || true

# ---- run ---------------------------------------------------------------------------------------
run_one() {
	local h=$1 corpus seeddir=$seeds/all
	[ "$h" = sdcore ] && seeddir=$seeds/names
	[ "$h" = decomp ] && seeddir=$seeds/decomp
	[ "$h" = stack ] && seeddir=$seeds/stack
	[ "$h" = stackwire ] && seeddir=$seeds/wire
	[ "$h" = render ] && seeddir=$seeds/render
	[ "$h" = import ] && seeddir=$seeds/import
	corpus=${keep:+$keep/$h}
	corpus=${corpus:-$out/corpus/$h}
	mkdir -p "$corpus" "$out/crashes/$h"
	local regress=$src/tests/fuzz/regress/$h
	[ -d "$regress" ] || regress=
	# CPU seconds next to wall seconds: long campaigns share the cores.
	local TIMEFORMAT='%0U %0S'
	{ time "$out/bin/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=$([ "$h" = stack ] && echo 16777216 || echo 1048576) -artifact_prefix="$out/crashes/$h/" -print_final_stats=1 \
		"$corpus" "$seeddir" ${regress:+"$regress"} >"$out/$h.log" 2>&1; } 2>"$out/$h.cpu"
}
export -f run_one
export out seeds seconds keep src
status=0
printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {} || echo "fuzz: {} FAILED"' | tee "$out/failures" || true
for h in "${harnesses[@]}"; do
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$out/$h.log" | tail -1)
	crashes=$(find "$out/crashes/$h" -type f | wc -l)
	cpu=$(awk '{print $1 + $2}' "$out/$h.cpu" 2>/dev/null)
	printf 'fuzz: %-9s %10s runs, %-10s %6s s cpu, %s crash input(s)\n' "$h" "${execs:-?}" \
		"${cov:-cov: ?}" "${cpu:-?}" "$crashes"
	[ "$crashes" -eq 0 ] || status=1
done
[ -s "$out/failures" ] && status=1
exit $status
