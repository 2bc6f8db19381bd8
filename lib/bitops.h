/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit operations on unsigned long words, kernel API.  set_bit() and friends
 * are atomic; the __set_bit() family is non-atomic: a concurrent update of
 * another bit in the same word can be lost, exactly the hazard the kernel's
 * non-atomic page-flag helpers carry.  They are written as relaxed load +
 * relaxed store (not an RMW) so the lost update stays possible while
 * ThreadSanitizer does not mistake a documented race for a bug.
 */
#ifndef _PAGEMIG_LIB_BITOPS_H
#define _PAGEMIG_LIB_BITOPS_H

#include <stdbool.h>
#include "compiler.h"

#define BITS_PER_LONG	64
#define BIT(nr)		(1UL << (nr))
#define BIT_MASK(nr)	(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)	((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(n) DIV_ROUND_UP(n, BITS_PER_LONG)

static inline bool test_bit(long nr, const unsigned long *addr)
{
	return (__atomic_load_n(addr + BIT_WORD(nr), __ATOMIC_RELAXED) >>
		(nr % BITS_PER_LONG)) & 1;
}

static inline void set_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, unsigned long *addr)
{
	__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_and_set_bit(long nr, unsigned long *addr)
{
	return __atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr),
				 __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(long nr, unsigned long *addr)
{
	return __atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr),
				  __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

/* Acquire semantics on success: the bit is a lock. */
static inline bool test_and_set_bit_lock(long nr, unsigned long *addr)
{
	return __atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr),
				 __ATOMIC_ACQUIRE) & BIT_MASK(nr);
}

/* Release semantics: everything before is visible to the next locker. */
static inline void clear_bit_unlock(long nr, unsigned long *addr)
{
	__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELEASE);
}

static inline void __set_bit(long nr, unsigned long *addr)
{
	unsigned long *p = addr + BIT_WORD(nr);

	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) | BIT_MASK(nr),
			 __ATOMIC_RELAXED);
}

static inline void __clear_bit(long nr, unsigned long *addr)
{
	unsigned long *p = addr + BIT_WORD(nr);

	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) & ~BIT_MASK(nr),
			 __ATOMIC_RELAXED);
}

static inline unsigned int ilog2(unsigned long v)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(v);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << ilog2(n);
}

static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long offset)
{
	while (offset < size) {
		unsigned long w = __atomic_load_n(addr + BIT_WORD(offset),
						  __ATOMIC_RELAXED);

		w &= ~0UL << (offset % BITS_PER_LONG);
		if (w)
			return min(size, ALIGN_DOWN(offset, BITS_PER_LONG) +
					 __builtin_ctzl(w));
		offset = ALIGN_DOWN(offset, BITS_PER_LONG) + BITS_PER_LONG;
	}
	return size;
}

#endif /* _PAGEMIG_LIB_BITOPS_H */
