// SPDX-License-Identifier: GPL-2.0
/*
 * Page generator for zram: a page is a mix of chunks of random bytes and
 * chunks copied from a small per-page vocabulary, and the share of
 * random chunks sets how well it compresses.  Callers calibrate that
 * share against liblz4 themselves (workload/step_zram.c per ratio used,
 * bench/zram.c once per run); this file only makes the bytes, the same
 * for the same seed on every host.
 */
#include <stdint.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "zram_data.h"

#define PAGE	PAGEMIG_PAGE_SIZE

/**
 * zram_data_mix() - splitmix64's finaliser.
 * @x: the input.
 *
 * Return: 64 bits that look random and depend on every bit of @x.
 */
uint64_t zram_data_mix(uint64_t x)
{
	return pagemig_splitmix64(&x);
}

/**
 * zram_data_page() - Fill a page whose lz4 ratio depends on @psrc.
 * @p: the page, PAGEMIG_PAGE_SIZE bytes.
 * @seed: the page's seed: the same seed gives the same bytes.
 * @psrc: share of random chunks, 0..1 (1: incompressible).
 *
 * Chunks are 8..39 bytes, each either random (share @psrc) or a copy
 * from a 192-byte vocabulary drawn once per page.
 */
void zram_data_page(unsigned char *p, uint64_t seed, double psrc)
{
	unsigned char vocab[192];
	uint64_t x = zram_data_mix(seed);
	size_t pos, i;
	uint32_t cut = (uint32_t)(psrc * 4294967295.0);

	for (i = 0; i < sizeof(vocab); i += 8) {
		x = zram_data_mix(x);
		memcpy(vocab + i, &x, 8);
	}
	for (pos = 0; pos < PAGE;) {
		size_t n;

		x = zram_data_mix(x);
		n = 8 + (x & 31);
		if (n > PAGE - pos)
			n = PAGE - pos;
		if ((uint32_t)(x >> 32) < cut) {
			for (i = 0; i < n; i++) {
				if (!(i & 7))
					x = zram_data_mix(x);
				p[pos + i] = (unsigned char)(x >> (8 * (i & 7)));
			}
		} else {
			size_t off = (x >> 8) % (sizeof(vocab) - n + 1);

			memcpy(p + pos, vocab + off, n);
		}
		pos += n;
	}
}
