/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the benchmarks share: the build line every benchmark prints,
 * building a machine, and the 4 KiB memcpy baseline.
 */
#ifndef _PAGEMIG_BENCH_COMMON_H
#define _PAGEMIG_BENCH_COMMON_H

#include <stdint.h>

#include "tools/pagemig/bench.h"

void bench_config(const struct bench_ctx *ctx, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int bench_machine(const struct bench_ctx *ctx, uint64_t memory,
		  unsigned int cpus);
double bench_memcpy_4k_rate(void);

#endif /* _PAGEMIG_BENCH_COMMON_H */
