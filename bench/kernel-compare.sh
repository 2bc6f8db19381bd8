#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Compare pagemig's full compaction with the host kernel's, on the same
# workload: one process maps N GiB of 4 KiB anonymous pages, writes them,
# frees every other page with madvise(MADV_DONTNEED), then a full
# compaction (on the host: echo 1 > /proc/sys/vm/compact_memory).  Prints
# both migration rates and their ratio.
#
#   bench/kernel-compare.sh [GIB] [RUNS]     (defaults: 2 GiB, 5 runs)
#
# The host side needs root, Linux and a writable compact_memory; without
# them the script says which is missing and exits 0 without running
# anything (77 with --strict, the automake "skipped" status).  The host
# figure covers the whole machine's compaction (other processes' pages
# migrate too), as a user sees it; pgmigrate_success / elapsed is the rate.
#
# Uses build/bench/pagemig (made with `make bench` flags if missing) and
# cc for bench/host/compact_host.c.
set -eu

strict=0
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi
GIB=${1:-2}
RUNS=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)

refuse() {
	echo "kernel-compare: $1; not comparing (pagemig alone: PAGEMIG_BENCH_GIB=$GIB pagemig bench compaction)" >&2
	[ "$strict" = 1 ] && exit 77
	exit 0
}

[ "$(uname -s)" = Linux ] || refuse "this is $(uname -s), not Linux"
[ "$(id -u)" = 0 ] || refuse "not root (writing /proc/sys/vm/compact_memory needs root)"
[ -w /proc/sys/vm/compact_memory ] || refuse "/proc/sys/vm/compact_memory is missing or not writable (CONFIG_COMPACTION off, or a read-only /proc)"
command -v cc >/dev/null 2>&1 || refuse "no C compiler (cc) for the host helper"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cc -O2 -o "$tmp/compact_host" "$top/bench/host/compact_host.c"

pm="$top/build/bench/pagemig"
if [ ! -x "$pm" ]; then
	make -C "$top" --no-print-directory O=build/bench DEBUG_VM=0 \
		DEBUG_VM_EXPENSIVE=0 SAN= YIELD=0 all >/dev/null
fi

echo "# kernel-compare: $GIB GiB of 4 KiB anon pages, every other page freed, full compaction; $RUNS runs each"
echo "# host: $(uname -sr), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"

rates=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$tmp/compact_host" "$GIB" > "$tmp/host.$i"
	r=$(awk '$1 == "host.migrate_rate" {print $2}' "$tmp/host.$i")
	m=$(awk '$1 == "host.pgmigrate_success" {print $2}' "$tmp/host.$i")
	s=$(awk '$1 == "host.compact_seconds" {print $2}' "$tmp/host.$i")
	e=$(awk '$1 == "host.content_errors" {print $2}' "$tmp/host.$i")
	echo "# host run $((i + 1)): pgmigrate_success +$m in $s s = $r pages/s; content errors $e"
	rates="$rates $r"
	i=$((i + 1))
done
host=$(echo $rates | tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
hmin=$(echo $rates | tr ' ' '\n' | sort -n | head -1)
hmax=$(echo $rates | tr ' ' '\n' | sort -n | tail -1)
echo "# last host run's /proc/vmstat deltas:"
sed 's/^/#   /' "$tmp/host.$((RUNS - 1))"

PAGEMIG_BENCH_GIB=$GIB "$pm" bench compaction --runs "$RUNS" > "$tmp/pagemig"
sed 's/^/# /' "$tmp/pagemig"
pmrate=$(awk '$1 == "compaction.migrate_rate" {printf "%.0f", $2 * 1e6}' "$tmp/pagemig")

awk -v h="$host" -v hmin="$hmin" -v hmax="$hmax" -v p="$pmrate" -v n="$RUNS" 'BEGIN {
	printf "kernel.migrate_rate %.3f Mpages/s (%d runs, spread %.1f%%)\n", h / 1e6, n, h ? 100 * (hmax - hmin) / h : 0
	printf "pagemig.migrate_rate %.3f Mpages/s (median of %d runs)\n", p / 1e6, n
	printf "pagemig_vs_kernel %.2f x\n", h ? p / h : 0
}'
