#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run `pagemig twin` on capture pairs and hold each against the bounds of
# the kernel twin: pages migrated within x1.33 of the kernel's, and the
# share of free memory in free 2 MiB blocks after within 5 points.  Every
# run must exit 0 and print its four twin.* figures and a clean verify:
# line.  Prints one table row per pair (with twin's count of the
# pageblocks only one free scanner looked into), then "N of M pairs
# within bounds" and that count summed.  With --ratchet FILE, fails when
# N is below the number FILE records (its first line that is not a
# comment).
#
# usage: mk/twin-corpus.sh [--ratchet FILE] PAGEMIG DIR...
# exit:  0 all ran, well-formed, N >= the ratchet; 1 otherwise
set -u

ratchet=
if [ "${1:-}" = --ratchet ]; then
	ratchet=$2
	shift 2
fi
pagemig=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Seconds since @1 (date +%s%N), to a tenth.
since() {
	local ns=$(($(date +%s%N) - $1))
	printf '%d.%d' $((ns / 1000000000)) $((ns / 100000000 % 10))
}

bad=0 within=0 pairs=0 bdiff=0 bwalk=0 t0=$(date +%s%N)
printf '%-16s %10s %10s %7s %8s %8s %7s %6s %9s %11s\n' pair kernel pagemig ratio \
	"k.2M%" "p.2M%" bounds time "busy MiB" "blocks diff"
for dir in "$@"; do
	dir=${dir%/}
	[ -d "$dir" ] || continue
	pairs=$((pairs + 1))
	name=$(basename "$dir")
	s=$(date +%s%N)
	"$pagemig" twin "$dir" --quiet >"$out" 2>&1
	rc=$?
	secs=$(since "$s")
	row=$(awk -v rc="$rc" '
		$1 == "twin.kernel.pages_migrated" { km = $2 }
		$1 == "twin.pagemig.pages_migrated" { pm = $2 }
		$1 == "twin.kernel.free_2m_share_after" { ks = $2 }
		$1 == "twin.pagemig.free_2m_share_after" { ps = $2 }
		$1 == "twin.capture.allocated_meanwhile" { am = $2 }
		$1 == "twin.free_scanner_blocks_differ" { bd = $2 "/" $4 }
		/^verify: [0-9]+ pages checked, 0 corrupted$/ { clean = 1 }
		function num(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
		END {
			if (rc != 0 || !num(km) || !num(pm) || !num(ks) ||
			    !num(ps) || !clean) {
				printf "BAD %s %s %s %s", km, pm, ks, ps
				exit
			}
			ratio = km > 0 ? pm / km : (pm > 0 ? 1e9 : 1)
			in_ = ratio <= 1.33 && ratio >= 1 / 1.33 &&
			      (ks - ps <= 5 && ps - ks <= 5)
			printf "%s %d %d %.2f %.1f %.1f %s %s", in_ ? "y" : "n",
			       km, pm, ratio, ks, ps,
			       am ~ /^[0-9]+$/ ? int(am * 4 / 1024) : "-",
			       bd ~ /^[0-9]+\/[0-9]+$/ ? bd : "-"
		}' "$out")
	read -r verdict km pm ratio ks ps busy blocks <<<"$row"
	if [ "$verdict" = BAD ]; then
		bad=$((bad + 1))
		printf '%-16s %10s %10s %7s %8s %8s %7s %5ss  FAIL (exit %d or malformed output):\n' \
			"$name" "${km:--}" "${pm:--}" - "${ks:--}" "${ps:--}" - "$secs" "$rc"
		tail -n 5 "$out" | sed 's/^/    /'
		continue
	fi
	[ "$verdict" = y ] && within=$((within + 1))
	if [ "$blocks" != - ]; then
		bdiff=$((bdiff + ${blocks%/*}))
		bwalk=$((bwalk + ${blocks#*/}))
	fi
	printf '%-16s %10d %10d %7s %8s %8s %7s %5ss %9s %11s\n' "$name" "$km" "$pm" \
		"$ratio" "$ks" "$ps" "$verdict" "$secs" "$busy" "$blocks"
done
echo "$within of $pairs pairs within bounds (pages migrated within x1.33, free in 2 MiB blocks after within 5 points), $(since "$t0") s"
echo "free-scanner pageblocks only one side looked into: $bdiff of $bwalk"

[ "$bad" -eq 0 ] || exit 1
if [ -n "$ratchet" ]; then
	want=$(grep -v '^#' "$ratchet" | head -n 1 | tr -dc 0-9)
	if [ -z "$want" ]; then
		echo "$ratchet: expected a number of pairs"
		exit 1
	fi
	if [ "$within" -lt "$want" ]; then
		echo "FAIL: $within pairs within bounds, below the $want recorded in $ratchet"
		exit 1
	fi
	if [ "$within" -gt "$want" ]; then
		echo "note: $within pairs within bounds, above the $want recorded in $ratchet: raise it"
	fi
fi
exit 0
