/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated zram data that compresses about as much as asked: shared by
 * the zram steps (workload/step_zram.c) and `pagemig bench zram`
 * (bench/zram.c), so both write the same kind of pages.
 */
#ifndef _PAGEMIG_WORKLOAD_ZRAM_DATA_H
#define _PAGEMIG_WORKLOAD_ZRAM_DATA_H

#include <stdint.h>

uint64_t zram_data_mix(uint64_t x);
void zram_data_page(unsigned char *p, uint64_t seed, double psrc);

#endif /* _PAGEMIG_WORKLOAD_ZRAM_DATA_H */
