/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small seeded PRNG (xoshiro256**, seeded through splitmix64) for tests,
 * workloads and scenario steps.  Never use bare rand(): every run prints
 * its seed and the same seed replays the same choices.
 */
#ifndef _PAGEMIG_PRANDOM_H
#define _PAGEMIG_PRANDOM_H

#include <stdint.h>

struct pagemig_rng {
	uint64_t s[4];
};

static inline uint64_t pagemig_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void pagemig_rng_seed(struct pagemig_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = pagemig_splitmix64(&seed);
}

static inline uint64_t pagemig_rng_next(struct pagemig_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5, res = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return res;
}

/* Uniform in [0, n); n > 0. */
static inline uint64_t pagemig_rng_below(struct pagemig_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)pagemig_rng_next(r) * n) >> 64);
}

#endif /* _PAGEMIG_PRANDOM_H */
