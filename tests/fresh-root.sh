#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's two Quick start commands, each on its own, on fresh Debian machines: for each
# suite, mmdebstrap makes one minbase root (plus git, ca-certificates and sudo, as a new
# machine or a container image has); every run unpacks a fresh copy of it, clones this
# repository's HEAD into it and runs one of the two commands there, as root or as a user with
# passwordless sudo, with a clean environment (PATH, HOME, USER; no LANG, as in a container
# image), stdin from /dev/null, in its own mount and PID namespaces.  It prints each run's time
# and exit status, the suite's PASS/FAIL/SKIP counts and every skip's reason.
#
#   tests/fresh-root.sh [--suite NAME]... [--as root|user]... [--command N]...
#                       [--mirror URL] [--workdir DIR] [--keep]
#
#   --suite    bookworm (Debian 12) and trixie (Debian 13) by default
#   --as       both by default
#   --command  1 (build and open the demo), 2 (the whole suite); both by default
#   --workdir  where the roots and logs go (/var/tmp/coredu-fresh-root)
#   --keep     keep each root after its run (they take about 2 GB each)
#
# Needs root, mmdebstrap, unshare (util-linux) and the network to reach the mirror.  The
# commands are read from README.md, so what is tested is what the README says.  Exit status:
# 0 when every run passed, 1 otherwise, 2 on a usage or set-up error.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
suites=() whos=() commands=() mirror=http://deb.debian.org/debian keep=false
workdir=/var/tmp/coredu-fresh-root
usage() { sed -n '10,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suites+=("$2"); shift ;;
	--as) whos+=("$2"); shift ;;
	--command) commands+=("$2"); shift ;;
	--mirror) mirror=$2; shift ;;
	--workdir) workdir=$2; shift ;;
	--keep) keep=true ;;
	*) usage ;;
	esac
	shift
done
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
[ ${#whos[@]} -gt 0 ] || whos=(root user)
[ ${#commands[@]} -gt 0 ] || commands=(1 2)
die() { echo "fresh-root: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (to unpack roots, chroot and mount)"
command -v mmdebstrap >/dev/null || die "needs mmdebstrap (apt-get install mmdebstrap)"
command -v unshare >/dev/null || die "needs unshare (apt-get install util-linux)"

# The two commands, from the README's Quick start block, comments dropped.
mapfile -t readme_cmds < <(awk '/^## Quick start/ {q = 1} q && /^```/ {if (b) exit; b = 1; next}
	b {sub(/[ \t]*#.*/, ""); if ($0 != "") print}' "$src/README.md")
[ ${#readme_cmds[@]} -eq 2 ] || die "README.md's Quick start should hold two commands, not ${#readme_cmds[@]}"
rev=$(git -C "$src" rev-parse --short HEAD) || die "$src is not a git checkout"
[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] ||
	echo "fresh-root: note: uncommitted changes are not tested; a clone holds HEAD ($rev) only"

mkdir -p "$workdir/logs" || die "cannot make $workdir"
summary=$workdir/summary.txt
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }

# base SUITE: the suite's minbase root as a tarball, made afresh from the mirror.
base() {
	local tar=$workdir/$1.tar
	echo "fresh-root: mmdebstrap $1 (minbase + git ca-certificates sudo)" >&2
	mmdebstrap --quiet --variant=minbase --include=git,ca-certificates,sudo \
		"$1" "$tar" "$mirror" >"$workdir/logs/$1-mmdebstrap.log" 2>&1 ||
		die "mmdebstrap $1 failed: see $workdir/logs/$1-mmdebstrap.log"
	echo "$tar"
}

# unpack TAR ROOT WHO: a fresh root with a clone of HEAD in the home of WHO.
unpack() {
	local tar=$1 root=$2 who=$3 home
	mkdir -p "$root" && tar -xf "$tar" -C "$root" || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	echo "127.0.0.1 localhost $(hostname)" >"$root/etc/hosts"
	if [ "$who" = user ]; then
		chroot "$root" useradd -m -u 1000 -s /bin/bash dev || return 1
		echo 'dev ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/dev"
		chmod 0440 "$root/etc/sudoers.d/dev"
		home=/home/dev
	else
		home=/root
	fi
	git clone -q "$src" "$root$home/coredu" || return 1
	[ "$who" = user ] && chroot "$root" chown -R dev:dev "$home/coredu"
	echo "$home"
}

# inside ROOT WHO HOME CMD: run CMD in HOME/coredu inside ROOT with a clean environment.  The
# root becomes / with pivot_root, not chroot: in a chroot / is no mount point, and tests that
# make mount namespaces (unshare -m) would fail where a real machine lets them.
inside() {
	local root=$1 who=$2 home=$3 cmd=$4 user=root
	[ "$who" = user ] && user=dev
	# shellcheck disable=SC2016
	unshare --mount --pid --fork --kill-child -- bash -c '
		set -e
		root=$1 user=$2 home=$3 cmd=$4
		mount --make-rprivate /
		mount --bind "$root" "$root"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		cd "$root"
		mkdir -p .oldroot
		pivot_root . .oldroot
		umount -l /.oldroot
		rmdir /.oldroot
		cd /
		exec /usr/sbin/runuser -u "$user" -- /usr/bin/env -i \
			PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$user" LOGNAME="$user" \
			/bin/bash -c "cd ~/coredu && $cmd"' inside "$root" "$user" "$home" "$cmd" </dev/null
}

# report LOGDIR CHECKOUT: the suite's counts and skip reasons, from the test logs.
report() {
	local co=$1 pass fail skip
	pass=$(grep -rh '^:test-result: PASS' --include='*.trs' "$co/tests" | wc -l)
	fail=$(grep -rhE '^:test-result: (FAIL|ERROR|XPASS)' --include='*.trs' "$co/tests" | wc -l)
	skip=$(grep -rh '^:test-result: SKIP' --include='*.trs' "$co/tests" | wc -l)
	say "    tests: $pass PASS, $fail FAIL, $skip SKIP"
	grep -rE '^FAIL|:F:|:E:' --include='*.log' "$co/tests" | head -20 | sed 's/^/    fail: /' | tee -a "$summary"
	# A skip is a whole test (exit 77) or a part of one: both say "SKIP: why".
	grep -rhE 'SKIP: ' --include='*.log' "$co/tests" | sort | uniq -c |
		sed 's/^/    skipped: /' | tee -a "$summary"
}

status=0
say "fresh-root: $rev, $(date -u '+%Y-%m-%d %H:%M UTC'), commands: 1 = '${readme_cmds[0]}', 2 = '${readme_cmds[1]}'"
for suite in "${suites[@]}"; do
	tar=$(base "$suite") || exit 2
	for who in "${whos[@]}"; do
		for n in "${commands[@]}"; do
			cmd=${readme_cmds[$((n - 1))]}
			root=$workdir/$suite-$who-$n log=$workdir/logs/$suite-$who-$n.log
			rm -rf "$root"
			home=$(unpack "$tar" "$root" "$who") || { say "$suite $who: unpacking failed"; status=1; continue; }
			start=$(date +%s)
			inside "$root" "$who" "$home" "$cmd" >"$log" 2>&1
			rc=$?
			secs=$(($(date +%s) - start))
			verdict=ok
			if [ $rc -ne 0 ]; then
				verdict=FAILED
			elif [ "$n" = 1 ] && ! grep -qE '^[0-9]+ dumps?, ' "$log"; then
				verdict="FAILED (no dumps listed)" rc=1
			fi
			[ $rc -eq 0 ] || status=1
			say "$suite, as $who: '$cmd': $verdict, exit $rc, ${secs} s (log: $log)"
			[ "$n" = 1 ] && grep -E '^[0-9]+ dumps?, ' "$log" | sed 's/^/    /' | tee -a "$summary"
			[ "$n" = 2 ] && report "$root$home/coredu"
			if grep -q " $root[/ ]" /proc/self/mountinfo; then
				say "    $root is still mounted: left in place"
			elif [ "$keep" = false ]; then
				rm -rf "$root"
			fi
		done
	done
done
say "fresh-root: $([ $status -eq 0 ] && echo 'all passed' || echo 'FAILURES'); summary in $summary"
exit $status
