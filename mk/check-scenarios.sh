#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mk/check-scenarios.sh ASAN_CLI TSAN_CLI SEED [NAME...]
#
# Every built-in scenario (or the NAMEs) once with the ASan+UBSan CLI,
# deterministic (--seed SEED --no-timings), and once with the TSan CLI
# on real threads (--parallel), two runs at a time.  A run passes when
# it exits 0, prints "0 corrupted" as its verify line and the sanitizer
# reported nothing (ASan, UBSan and TSan all stop the process, with a
# status of their own, on their first report).  Each run is bounded by
# CHECK_SCENARIO_TIMEOUT seconds (default 240).  Shortened: the ASan runs
# of CHECK_SCENARIOS_ASAN_PARALLEL (default "offline", whose deterministic
# schedule takes six minutes under ASan with the expensive validators,
# two seconds on real threads) use --parallel too.  Prints one ok/FAIL line
# per run, the command that replays a failure, and last "P F" on a line
# of its own.
set -u
asan=$1 tsan=$2 seed=$3
shift 3
timeout=${CHECK_SCENARIO_TIMEOUT:-240}
asan_parallel=${CHECK_SCENARIOS_ASAN_PARALLEL-offline}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

names=${*:-$("$asan" scenarios 2>/dev/null | awk '$1 != "" { print $1 }')}
# TSan needs a fixed address layout on some kernels; setarch may be denied.
norand=
setarch "$(uname -m)" -R true 2>/dev/null && norand="setarch $(uname -m) -R"

[ -n "$names" ] || { echo "FAIL no built-in scenarios listed by $asan scenarios"; echo "0 1"; exit 1; }

# One run: SAN NAME -> $dir/SAN-NAME.{out,rc,secs}
run_one() {
	san=$1 name=$2
	if [ "$san" = asan ]; then
		par=
		case " $asan_parallel " in *" $name "*) par=--parallel ;; esac
		set -- "$asan" run "$name" --seed "$seed" $par --no-timings --quiet
	else
		set -- $norand "$tsan" run "$name" --seed "$seed" \
			--parallel --no-timings --quiet
	fi
	start=$(date +%s)
	timeout "$timeout" "$@" > "$dir/$san-$name.out" 2>&1
	echo $? > "$dir/$san-$name.rc"
	echo $(( $(date +%s) - start )) > "$dir/$san-$name.secs"
	echo "$*" > "$dir/$san-$name.cmd"
}

for name in $names; do
	echo "asan $name"
	echo "tsan $name"
done | {
	n=0
	while read -r san name; do
		run_one "$san" "$name" &
		n=$((n + 1))
		[ $((n % 2)) -eq 0 ] && wait
	done
	wait
}

p=0 f=0
for name in $names; do
	for san in asan tsan; do
		rc=$(cat "$dir/$san-$name.rc") secs=$(cat "$dir/$san-$name.secs")
		if [ "$rc" = 0 ] && grep -q '^verify: .* 0 corrupted' "$dir/$san-$name.out"; then
			echo "ok   $name under $san (${secs} s)"
			p=$((p + 1))
		else
			echo "FAIL $name under $san: exit $rc after ${secs} s"
			grep -E 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer|runtime error|SUMMARY|corrupted|^error|FAIL' \
				"$dir/$san-$name.out" | head -n 8 | sed 's/^/    /'
			echo "    (rerun: $(cat "$dir/$san-$name.cmd"))"
			f=$((f + 1))
		fi
	done
done
echo "$p $f"
