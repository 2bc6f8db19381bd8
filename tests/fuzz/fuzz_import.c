// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the kpageflags import parser: load (plain, gzip,
 * zstd), check, infer and check the plan's invariants.  The first byte
 * picks whether the rest is split into a kpageflags and a kpagecount
 * half.  A plan that breaks an invariant aborts, which libFuzzer reports
 * as a crash; so does any memory error under -fsanitize=address.
 *
 * make fuzz-import FUZZ_SECONDS=60 (mk/fuzz.local.mk); crashing inputs
 * go to tests/data/fuzz-import-*.bin and become regression tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facade/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pagemig_snapshot s = { 0 };
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN];
	unsigned long nr_counts = 0;
	size_t half;

	if (!size)
		return 0;
	half = data[0] & 1 ? (size - 1) / 2 : size - 1;
	if (kpf_load_buffer(data + 1, half, "fuzz", &s.flags, &s.nr, err,
			    sizeof(err)))
		return 0;
	if (half < size - 1 &&
	    kpf_load_buffer(data + 1 + half, size - 1 - half, "fuzz-count",
			    &s.counts, &nr_counts, err, sizeof(err)) == 0 &&
	    nr_counts != s.nr) {
		pagemig_snapshot_free(&s);
		return 0;
	}
	if (!kpf_check(&s, err, sizeof(err)) &&
	    !kpf_infer(&s, (s.nr + 511) & ~511UL, &inf, err, sizeof(err))) {
		if (kpf_check_plan(&inf, err, sizeof(err)))
			abort();
		kpf_inference_free(&inf);
	}
	pagemig_snapshot_free(&s);
	return 0;
}
