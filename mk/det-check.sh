#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Same seed, same run: `pagemig run NAME --seed N --no-timings` must print
# the same bytes every time, for every built-in scenario, in text and in
# JSON, and another seed must give another schedule digest.
#
# usage: mk/det-check.sh [--quick] PAGEMIG [SEED]
#   full:    every scenario 3 times in text and 3 times in --json, and
#            once with SEED + 1 (a different digest)
#   --quick: every scenario twice in text; the first scenario also twice
#            in --json and once with SEED + 1 (what make check runs)
# exit: 0 all identical and the digests differ; 1 otherwise
set -u

quick=
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
pagemig=$1
seed=${2:-1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

# run NAME TAG ARGS...: one run's output in $dir/NAME.TAG; 0 if it exited 0.
run() {
	local name=$1 tag=$2
	shift 2
	if ! "$pagemig" run "$name" --no-timings "$@" > "$dir/$name.$tag" 2> "$dir/$name.$tag.err"; then
		echo "FAIL $name ($*): exit status $?; stderr:"
		sed 's/^/    /' "$dir/$name.$tag.err" | tail -n 20
		fail=1
		return 1
	fi
}

digest() {
	sed -n -e 's/^schedule: .*digest \([0-9a-f]*\)$/\1/p' \
	       -e 's/.*"digest": *"\([0-9a-f]*\)".*/\1/p' "$1" | head -n 1
}

# same NAME TAG N ARGS...: N runs (two at a time), all identical to the first.
same() {
	local name=$1 tag=$2 n=$3 i pid
	shift 3
	for ((i = 1; i <= n; i += 2)); do
		run "$name" "$tag.$i" "$@" &
		pid=$!
		if ((i + 1 <= n)); then
			run "$name" "$tag.$((i + 1))" "$@" || { wait $pid; fail=1; return 1; }
		fi
		wait $pid || { fail=1; return 1; }
	done
	for ((i = 2; i <= n; i++)); do
		if ! cmp -s "$dir/$name.$tag.1" "$dir/$name.$tag.$i"; then
			echo "FAIL $name ($*): run $i differs from run 1:"
			diff "$dir/$name.$tag.1" "$dir/$name.$tag.$i" | head -n 10 | sed 's/^/    /'
			fail=1
			return 1
		fi
	done
	echo "ok   $name $* --no-timings: $n runs identical, digest $(digest "$dir/$name.$tag.1")"
}

names=$("$pagemig" scenarios | awk '{ print $1 }')
first=$(echo "$names" | head -n 1)
start=$(date +%s)
for name in $names; do
	if [ -n "$quick" ]; then
		same "$name" text 2 --seed "$seed"
		[ "$name" = "$first" ] || continue
		same "$name" json 2 --seed "$seed" --json
	else
		same "$name" text 3 --seed "$seed"
		same "$name" json 3 --seed "$seed" --json
	fi
	run "$name" other --seed $((seed + 1)) || continue
	a=$(digest "$dir/$name.text.1")
	b=$(digest "$dir/$name.other")
	if [ -z "$a" ] || [ "$a" = "$b" ]; then
		echo "FAIL $name: seeds $seed and $((seed + 1)) give the same digest '$a'"
		fail=1
	else
		echo "ok   $name: seed $((seed + 1)) gives another digest, $b"
	fi
done
echo "determinism check: $(($(date +%s) - start)) s"
exit $fail
