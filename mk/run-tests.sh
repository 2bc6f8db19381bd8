#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run harness test binaries, JOBS at a time, each with the same seed, and
# add up their "N passed, N failed, N skipped" lines.  Used by
# `make check` and `make stress`; prints one line per binary and, for a
# failing one, its "not ok" lines and diagnostics.
#
# usage: mk/run-tests.sh RESULT_FILE SEED JOBS BINARY...
# RESULT_FILE gets "passed failed skipped" for the caller to sum.
# $TEST_ARGS, if set, go to every binary after -s SEED (e.g. -d, -D 3).
set -u

result=$1 seed=$2 jobs=$3
shift 3
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# Under TSan, an address-space layout the runtime does not expect makes
# it die before main(); running without ASLR avoids that where allowed.
wrap=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
	wrap=(setarch "$(uname -m)" -R)
fi

run_one() {
	local bin=$1 log
	log=$logdir/$(echo "$bin" | tr / _).log
	"${wrap[@]}" "$bin" -s "$seed" ${TEST_ARGS:-} >"$log" 2>&1
	echo $? >"$log.rc"
}
export -f run_one
export logdir seed
export WRAP="${wrap[*]}"

printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c \
	'wrap=($WRAP); run_one "$1"' _ {}

p=0 f=0 s=0
for bin in "$@"; do
	log=$logdir/$(echo "$bin" | tr / _).log
	rc=$(cat "$log.rc" 2>/dev/null || echo 99)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n1)
	if [ -n "$line" ]; then
		read -r bp _ bf _ bs _ <<<"$line"
	else
		bp=0 bf=0 bs=0
	fi
	# A crash, a sanitizer report or a bad exit counts even if the
	# tally looked clean.
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$bf" = 0 ]; then
		bf=1
	fi
	p=$((p + bp)) f=$((f + bf)) s=$((s + bs))
	if [ "$bf" != 0 ]; then
		echo "FAIL $bin (exit $rc): $bp passed, $bf failed, $bs skipped"
		grep -E '^(not ok|# |Bail out)|ERROR|WARNING: ThreadSanitizer|runtime error|SUMMARY' "$log" |
			grep -vE '^# (seed|PASSED|Totals)' | head -n 60 | sed 's/^/    /'
		echo "    (rerun: $bin -s $seed${TEST_ARGS:+ $TEST_ARGS})"
	else
		echo "ok   $bin: $bp passed, $bs skipped"
	fi
done
echo "$p $f $s" >"$result"
