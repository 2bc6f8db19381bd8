#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Report kernel-style deviations (per .clang-format) in the .c/.h files
# changed against a base (default: HEAD, i.e. uncommitted work), or in the
# files named on the command line.  Advisory, like checkpatch: it prints
# what clang-format would change and always exits 0.
#
# usage: scripts/checkstyle.sh [--base REV] [FILE...]
set -uo pipefail
cd "$(dirname "$0")/.."

base=HEAD
if [ "${1:-}" = --base ]; then
	base=$2
	shift 2
fi

if ! command -v clang-format >/dev/null; then
	echo "checkstyle: clang-format not installed (apt-get install clang-format); skipping"
	exit 0
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <({ git diff --name-only --diff-filter=ACMR "$base" -- '*.c' '*.h';
			       git ls-files --others --exclude-standard -- '*.c' '*.h'; } | sort -u)
fi

n=0
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	out=$(clang-format --dry-run "$f" 2>&1)
	if [ -n "$out" ]; then
		count=$(grep -c 'warning:' <<<"$out")
		echo "$f: $count place(s) differ from .clang-format"
		grep -m 5 'warning:' <<<"$out" | sed 's/^/    /'
		n=$((n + 1))
	fi
done
echo "checkstyle: ${#files[@]} file(s) checked, $n with differences (advisory)"
exit 0
