// SPDX-License-Identifier: GPL-2.0
/*
 * Data for zram that compresses about as much as asked, for scenarios,
 * benchmarks and library users who want zram to see realistic pages:
 * a page is a mix of chunks of random bytes and chunks copied from a
 * small per-page vocabulary, and the share of random chunks sets how
 * well it compresses.  pagemig_zram_data_share() finds, with liblz4
 * itself, the share that gives a ratio; pagemig_zram_data_page() makes
 * the bytes, the same for the same seed on every host.
 */
#include <stdint.h>
#include <string.h>

#include <lz4.h>

#include <pagemig/pagemig.h>

#define PAGE	PAGEMIG_PAGE_SIZE

static uint64_t mix(uint64_t x)
{
	return pagemig_splitmix64(&x);
}

/**
 * pagemig_zram_data_page() - Fill a page whose lz4 ratio depends on @psrc.
 * @p: the page, PAGEMIG_PAGE_SIZE bytes.
 * @seed: the page's seed: the same seed gives the same bytes.
 * @psrc: share of random chunks, 0..1 (1: incompressible).
 *
 * Chunks are 8..39 bytes, each either random (share @psrc) or a copy
 * from a 192-byte vocabulary drawn once per page.
 */
void pagemig_zram_data_page(unsigned char *p, uint64_t seed, double psrc)
{
	unsigned char vocab[192];
	uint64_t x = mix(seed);
	size_t pos, i;
	uint32_t cut = (uint32_t)(psrc * 4294967295.0);

	for (i = 0; i < sizeof(vocab); i += 8) {
		x = mix(x);
		memcpy(vocab + i, &x, 8);
	}
	for (pos = 0; pos < PAGE;) {
		size_t n;

		x = mix(x);
		n = 8 + (x & 31);
		if (n > PAGE - pos)
			n = PAGE - pos;
		if ((uint32_t)(x >> 32) < cut) {
			for (i = 0; i < n; i++) {
				if (!(i & 7))
					x = mix(x);
				p[pos + i] = (unsigned char)(x >> (8 * (i & 7)));
			}
		} else {
			size_t off = (x >> 8) % (sizeof(vocab) - n + 1);

			memcpy(p + pos, vocab + off, n);
		}
		pos += n;
	}
}

/* Mean lz4 ratio of 32 sample pages at @psrc. */
static double lz4_ratio(double psrc)
{
	unsigned char page[PAGE];
	char out[LZ4_COMPRESSBOUND(PAGE)];
	unsigned long total = 0;
	int i;

	for (i = 0; i < 32; i++) {
		pagemig_zram_data_page(page, 0xca11b7a7eULL + (uint64_t)i, psrc);
		total += (unsigned long)LZ4_compress_default((const char *)page, out,
							     (int)PAGE, (int)sizeof(out));
	}
	return 32.0 * PAGE / total;
}

/**
 * pagemig_zram_data_share() - The random-chunk share for an lz4 ratio.
 * @ratio: the mean lz4 compression ratio wanted, 1.0 or more.
 *
 * Bisects over sample pages, compressing them with liblz4: about 800
 * compressions of a page, a millisecond or two.  The vocabulary chunks
 * alone compress about 3.3:1; a higher @ratio gets those pages (0).
 *
 * Return: the @psrc to give pagemig_zram_data_page(), 0..1.
 */
double pagemig_zram_data_share(double ratio)
{
	double lo = 0, hi = 1;
	int i;

	for (i = 0; i < 24; i++) {
		double mid = (lo + hi) / 2;

		if (lz4_ratio(mid) > ratio)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}
