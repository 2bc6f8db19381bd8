#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mk/fuzz-campaign.sh [-n SCENARIOS] [-i IMPORTS] [-f FIRST] [-s SEEDS] [-S FIRSTSEED]
#                     [-t SECONDS] [-o DIR]
#
# The long adversarial campaign (issue 15's closing figures), run with
# the CLI built with ASan+UBSan (build/check-asan/pagemig) and TSan
# (build/check-tsan/pagemig) -- `make check` builds both:
#
#  1. SCENARIOS (default 10000) mutations of the built-ins' YAML, each
#     `pagemig run FILE --quiet`; mutations of the built-ins in
#     CAMPAIGN_PARALLEL (default "default offline", whose deterministic
#     schedules take 30 s to 6 minutes under ASan with the expensive
#     validators) run with --parallel, as mk/check-scenarios.sh shortens
#     offline;
#  2. IMPORTS (default 10000) mutations of tests/data/fuzz/import/ and
#     the shipped snapshot, each `pagemig import FILE --quiet`;
#  3. every built-in with SEEDS (default 10) seeds, under ASan+UBSan and
#     under TSan (mk/check-scenarios.sh).
#
# A run passes when it exits 0, 1 or 2 (2: bad input, refused), no
# sanitizer printed a report, it took at most LIMIT_S seconds (30) of CPU
# (user + system: a niced campaign beside other work waits for the CPU,
# and wall time would count the waiting; WALL_S, 10 times LIMIT_S, kills
# a run that hangs) and at most LIMIT_MB of resident memory (4096); the scenario runs of part 3
# must also exit 0 with "0 corrupted".  Failing inputs are kept in DIR
# (default build/fuzz-campaign/failed/) to add to tests/data/fuzz/.
# With -t, each part starts no new input (or seed) after SECONDS, and
# the counts say how many ran of how many were asked.
# -f starts the mutations at index FIRST (each index is a fixed mutation
# and --seed), and -S the built-in runs at seed FIRSTSEED, so that two
# campaigns with disjoint ranges can share the cores or the sessions.
# Prints the counts at the end; exits 1 if anything failed.
#
# Long: run it niced, e.g. nice -n 19 mk/fuzz-campaign.sh -n 1000 -i 1000.
set -u
nscen=10000 nimp=10000 seeds=10 first=0 firstseed=1 out=build/fuzz-campaign budget=
while getopts n:i:f:s:S:t:o: opt; do
	case $opt in
	n) nscen=$OPTARG ;;
	i) nimp=$OPTARG ;;
	f) first=$OPTARG ;;
	s) seeds=$OPTARG ;;
	S) firstseed=$OPTARG ;;
	t) budget=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '4,5p' "$0"; exit 2 ;;
	esac
done
asan=${ASAN_CLI:-build/check-asan/pagemig}
tsan=${TSAN_CLI:-build/check-tsan/pagemig}
limit_s=${LIMIT_S:-30}
wall_s=${WALL_S:-$((limit_s * 10))}
limit_mb=${LIMIT_MB:-4096}
parallel=${CAMPAIGN_PARALLEL-default offline}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
for b in "$asan" "$tsan"; do
	[ -x "$b" ] || { echo "$b: not built (make check builds it)"; exit 2; }
done
mkdir -p "$out/failed" "$out/work"

# One mutated copy of $1 into $2: seeded byte flips, inserts, deletes.
mutate() {
	python3 - "$1" "$2" "$3" <<'PY'
import random, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = random.Random(seed)
b = bytearray(open(src, 'rb').read())
tokens = b'{}[]:,-\n "\'&*!|>#0123456789MGTK\t\x00\x1b'
for _ in range(1 + r.randrange(8)):
    n = len(b)
    p = r.randrange(n) if n else 0
    k = r.randrange(6)
    if k == 0 and n:
        b[p] ^= 1 << r.randrange(8)
    elif k == 1:
        b[p:p] = bytes([r.choice(tokens)])
    elif k == 2:
        del b[p:p + r.randrange(16)]
    elif k == 3:
        b[p:p] = b[p:p + r.randrange(64)]
    elif k == 4 and n:
        b[p] = r.randrange(256)
    else:
        b[p:p] = r.choice([b'10T', b'-1', b'0x', b'999999999999999999999', b'1G', b'[' * 80])
open(dst, 'wb').write(b)
PY
}

pass=0 fail=0
# over: has this part (started at $start) used its -t budget?
over() {
	[ -n "$budget" ] && [ $(($(date +%s) - start)) -ge "$budget" ]
}

# check CMD...: run it, classify, keep the input ($input) if it fails.
check() {
	log=$out/work/log
	/usr/bin/time -f '%U %S %M' -o "$out/work/time" timeout -s KILL "$wall_s" "$@" \
		> "$log" 2>&1
	rc=$?
	set -- $(tail -n 1 "$out/work/time" 2>/dev/null) 0 0 0
	cpu=$(awk -v u="$1" -v s="$2" 'BEGIN { print u + s }') kb=$3
	why=
	case $rc in 0|1|2) ;; 137) why="hung: over ${wall_s} s wall" ;; *) why="exit $rc" ;; esac
	awk -v c="$cpu" -v l="$limit_s" 'BEGIN { exit !(c > l) }' &&
		why="${why:+$why, }${cpu} s of CPU"
	grep -qE 'ERROR: AddressSanitizer|runtime error|WARNING: ThreadSanitizer|LeakSanitizer' "$log" &&
		why="${why:+$why, }sanitizer report"
	[ "$kb" -gt $((limit_mb * 1024)) ] && why="${why:+$why, }${kb} kB resident"
	if [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		n=$(ls "$out/failed" | wc -l)
		cp "$input" "$out/failed/$n-$(basename "$input")"
		cp "$log" "$out/failed/$n-$(basename "$input").log"
		echo "FAIL ($why): $out/failed/$n-$(basename "$input")"
	fi
}

# mutations N VERB SUFFIX SOURCE...: N mutated copies of the sources,
# round robin, each through `pagemig VERB FILE`.
mutations() {
	count=$1 verb=$2 suffix=$3
	shift 3
	pass=0 fail=0 i=$first start=$(date +%s)
	while [ $i -lt $((first + count)) ] && ! over; do
		eval "src=\${$((i % $# + 1))}"
		input=$out/work/$i.$suffix
		mutate "$src" "$input" "$i"
		par=
		case " $parallel " in *" $(basename "$src" .yaml) "*) par=--parallel ;; esac
		check "$asan" "$verb" "$input" --seed "$i" $par --quiet
		rm -f "$input"
		i=$((i + 1))
		[ $(((i - first) % 500)) -eq 0 ] &&
			echo "$verb: $((i - first)) of $count run, $fail failed ($(date +%H:%M))"
	done
}

# 1. Scenario mutations.
mutations "$nscen" run yaml scenarios/*.yaml tests/data/fuzz/scenario/*
scen_pass=$pass scen_fail=$fail scen_run=$((i - first))

# 2. Importer mutations.
zstd -dc tests/data/kpageflags-host.zst 2>/dev/null | head -c 262144 > "$out/work/host-head"
mutations "$nimp" import kpf tests/data/fuzz/import/* "$out/work/host-head" \
	tests/data/kpageflags-host.zst
imp_pass=$pass imp_fail=$fail imp_run=$((i - first))

# 3. Every built-in, SEEDS seeds, ASan+UBSan and TSan.
runs_pass=0 runs_fail=0
s=$firstseed start=$(date +%s)
while [ $s -lt $((firstseed + seeds)) ] && ! over; do
	CHECK_SCENARIO_TIMEOUT=600 mk/check-scenarios.sh "$asan" "$tsan" "$s" > "$out/work/seed-$s.txt" 2>&1
	grep '^FAIL' -A3 "$out/work/seed-$s.txt"
	set -- $(tail -n 1 "$out/work/seed-$s.txt")
	runs_pass=$((runs_pass + $1)) runs_fail=$((runs_fail + $2))
	s=$((s + 1))
done

echo "scenario mutations: $scen_pass passed, $scen_fail failed (of $scen_run run from $first, $nscen asked)"
echo "importer inputs:    $imp_pass passed, $imp_fail failed (of $imp_run run from $first, $nimp asked)"
echo "built-in runs:      $runs_pass passed, $runs_fail failed ($((s - firstseed)) of $seeds seeds from $firstseed, ASan+UBSan and TSan)"
[ $((scen_fail + imp_fail + runs_fail)) -eq 0 ]
