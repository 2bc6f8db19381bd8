// SPDX-License-Identifier: GPL-2.0
/*
 * lib/: lists, bit operations, atomics and the seeded PRNG.  These sit
 * under every mm/ data structure, so each helper is checked against a
 * plain reference computation rather than against itself.
 */
#include <stdint.h>
#include <stdlib.h>

#include <pagemig/prandom.h>
#include "../../lib/atomic.h"
#include "../../lib/bitops.h"
#include "../../lib/list.h"
#include "harness/test.h"

struct item {
	int val;
	struct list_head node;
};

static void fill(struct item *items, int n, struct list_head *head)
{
	for (int i = 0; i < n; i++) {
		items[i].val = i;
		list_add_tail(&items[i].node, head);
	}
}

/* The values on @head in order, as digits: "0123". */
static void list_string(struct list_head *head, char *buf, size_t len)
{
	struct item *it;
	size_t n = 0;

	list_for_each_entry(it, head, node)
		if (n + 1 < len)
			buf[n++] = '0' + it->val;
	buf[n] = '\0';
}

TEST(list_add_and_order)
{
	struct item items[4];
	LIST_HEAD(head);
	char s[16];

	ASSERT_TRUE(list_empty(&head));
	fill(items, 3, &head);
	list_string(&head, s, sizeof(s));
	EXPECT_STREQ("012", s);
	items[3].val = 3;
	list_add(&items[3].node, &head);
	list_string(&head, s, sizeof(s));
	EXPECT_STREQ("3012", s);
	EXPECT_EQ(4, list_count_nodes(&head));
	EXPECT_EQ(&items[3], list_first_entry(&head, struct item, node));
	EXPECT_EQ(&items[2], list_last_entry(&head, struct item, node));
	EXPECT_FALSE(list_is_singular(&head));
}

TEST(list_del_poisons_and_moves)
{
	struct item items[3];
	LIST_HEAD(head);
	LIST_HEAD(other);
	char s[16];

	fill(items, 3, &head);
	list_del(&items[1].node);
	EXPECT_EQ(LIST_POISON1, items[1].node.next);
	EXPECT_EQ(LIST_POISON2, items[1].node.prev);
	list_string(&head, s, sizeof(s));
	EXPECT_STREQ("02", s);

	list_move_tail(&items[0].node, &other);
	EXPECT_TRUE(list_is_singular(&other));
	list_string(&head, s, sizeof(s));
	EXPECT_STREQ("2", s);

	list_del_init(&items[2].node);
	EXPECT_TRUE(list_empty(&head));
	EXPECT_TRUE(list_empty(&items[2].node));
	EXPECT_NULL(list_first_entry_or_null(&head, struct item, node));
}

TEST(list_splice_keeps_order)
{
	struct item a[3], b[3];
	LIST_HEAD(ha);
	LIST_HEAD(hb);
	struct item *pos, *n;
	char s[16];
	int seen = 0;

	fill(a, 3, &ha);
	fill(b, 3, &hb);
	for (int i = 0; i < 3; i++)
		b[i].val += 3;
	list_splice_tail_init(&hb, &ha);
	EXPECT_TRUE(list_empty(&hb));
	list_string(&ha, s, sizeof(s));
	EXPECT_STREQ("012345", s);

	list_splice_init(&ha, &hb);
	EXPECT_TRUE(list_empty(&ha));
	list_string(&hb, s, sizeof(s));
	EXPECT_STREQ("012345", s);

	/* The _safe walk survives deleting the current entry. */
	list_for_each_entry_safe(pos, n, &hb, node) {
		if (pos->val % 2)
			list_del(&pos->node);
		seen++;
	}
	EXPECT_EQ(6, seen);
	list_string(&hb, s, sizeof(s));
	EXPECT_STREQ("024", s);
}

TEST(bitops_atomic_and_nonatomic)
{
	unsigned long w[2] = { 0, 0 };

	set_bit(3, w);
	set_bit(64 + 5, w);
	EXPECT_EQ(1UL << 3, w[0]);
	EXPECT_EQ(1UL << 5, w[1]);
	EXPECT_TRUE(test_bit(69, w));
	EXPECT_FALSE(test_bit(68, w));
	EXPECT_TRUE(test_and_set_bit(3, w));
	EXPECT_FALSE(test_and_set_bit(4, w));
	EXPECT_TRUE(test_and_clear_bit(4, w));
	EXPECT_FALSE(test_and_clear_bit(4, w));
	clear_bit(3, w);
	EXPECT_EQ(0, w[0]);

	EXPECT_FALSE(test_and_set_bit_lock(63, w));
	EXPECT_TRUE(test_and_set_bit_lock(63, w));
	clear_bit_unlock(63, w);
	EXPECT_FALSE(test_bit(63, w));

	__set_bit(0, w);
	__set_bit(127, w);
	EXPECT_EQ(1UL, w[0]);
	EXPECT_EQ((1UL << 5) | (1UL << 63), w[1]);
	__clear_bit(127, w);
	EXPECT_EQ(1UL << 5, w[1]);
}

TEST(find_next_bit_matches_naive_scan)
{
	enum { NBITS = 300 };
	unsigned long map[BITS_TO_LONGS(NBITS)] = { 0 };
	struct pagemig_rng *rng = test_rng();

	ASSERT_EQ(5, BITS_TO_LONGS(NBITS));
	EXPECT_EQ(NBITS, find_next_bit(map, NBITS, 0));

	for (int round = 0; round < 50; round++) {
		unsigned long off, naive;

		set_bit(pagemig_rng_below(rng, NBITS), map);
		if (round % 7 == 0)
			clear_bit(pagemig_rng_below(rng, NBITS), map);
		for (off = 0; off <= NBITS; off++) {
			for (naive = off; naive < NBITS && !test_bit(naive, map); naive++)
				;
			ASSERT_EQ(naive, find_next_bit(map, NBITS, off));
		}
	}

	/* Bits past @size must not be reported. */
	memset(map, 0, sizeof(map));
	set_bit(299, map);
	EXPECT_EQ(290, find_next_bit(map, 290, 10));
	EXPECT_EQ(299, find_next_bit(map, 300, 299));
}

TEST(ilog2_and_powers)
{
	EXPECT_EQ(0, ilog2(1));
	EXPECT_EQ(1, ilog2(2));
	EXPECT_EQ(1, ilog2(3));
	EXPECT_EQ(9, ilog2(512));
	EXPECT_EQ(9, ilog2(1023));
	EXPECT_EQ(63, ilog2(~0UL));
	for (unsigned int i = 0; i < 64; i++) {
		ASSERT_EQ(i, ilog2(1UL << i));
		ASSERT_TRUE(is_power_of_2(1UL << i));
		if (i > 1)
			ASSERT_FALSE(is_power_of_2((1UL << i) + 1));
		ASSERT_EQ(1UL << i, rounddown_pow_of_two((1UL << i) | ((1UL << i) - 1)));
	}
	EXPECT_FALSE(is_power_of_2(0));
	EXPECT_EQ(4096, ALIGN(4095, 4096));
	EXPECT_EQ(0, ALIGN_DOWN(4095, 4096));
	EXPECT_TRUE(IS_ALIGNED(8192UL, 4096));
	EXPECT_EQ(3, DIV_ROUND_UP(9, 4));
}

TEST(atomics_return_values)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic_long_t l = ATOMIC_INIT(0);
	int old;

	EXPECT_EQ(5, atomic_read(&a));
	EXPECT_EQ(6, atomic_inc_return(&a));
	EXPECT_EQ(6, atomic_fetch_add(2, &a));
	EXPECT_EQ(8, atomic_read(&a));
	EXPECT_FALSE(atomic_dec_and_test(&a));
	EXPECT_TRUE(atomic_sub_and_test(7, &a));

	EXPECT_EQ(0, atomic_cmpxchg(&a, 0, 10));
	EXPECT_EQ(10, atomic_cmpxchg(&a, 0, 20));	/* fails, returns current */
	EXPECT_EQ(10, atomic_read(&a));
	old = 3;
	EXPECT_FALSE(atomic_try_cmpxchg(&a, &old, 4));
	EXPECT_EQ(10, old);				/* updated to current */
	EXPECT_TRUE(atomic_try_cmpxchg(&a, &old, 4));
	EXPECT_EQ(4, atomic_read(&a));

	atomic_set(&a, 0);
	EXPECT_FALSE(atomic_inc_not_zero(&a));
	EXPECT_EQ(0, atomic_read(&a));
	atomic_set(&a, 1);
	EXPECT_TRUE(atomic_inc_not_zero(&a));
	EXPECT_EQ(2, atomic_read(&a));
	EXPECT_FALSE(atomic_add_unless(&a, 5, 2));

	atomic_long_add(1L << 40, &l);
	atomic_long_sub(1, &l);
	EXPECT_EQ((1L << 40) - 1, atomic_long_read(&l));
}

TEST(prandom_is_deterministic)
{
	struct pagemig_rng a, b, c;
	uint64_t x, hist[10] = { 0 };
	bool differ = false;
	int i;

	pagemig_rng_seed(&a, 42);
	pagemig_rng_seed(&b, 42);
	pagemig_rng_seed(&c, 43);
	for (i = 0; i < 1000; i++) {
		x = pagemig_rng_next(&a);
		ASSERT_EQ(x, pagemig_rng_next(&b));
		if (x != pagemig_rng_next(&c))
			differ = true;
	}
	EXPECT_TRUE(differ);

	/*
	 * Outputs for seed 0, computed by an independent implementation of
	 * splitmix64 + xoshiro256**: a saved seed must replay the same run
	 * in every later version.
	 */
	pagemig_rng_seed(&a, 0);
	EXPECT_EQ(0x99ec5f36cb75f2b4ULL, pagemig_rng_next(&a));
	EXPECT_EQ(0xbf6e1f784956452aULL, pagemig_rng_next(&a));

	/* below(): in range and roughly uniform over 10 buckets. */
	for (i = 0; i < 100000; i++) {
		uint64_t v = pagemig_rng_below(&a, 10);

		ASSERT_LT(v, 10);
		hist[v]++;
	}
	for (i = 0; i < 10; i++) {
		EXPECT_GT(hist[i], 9000);
		EXPECT_LT(hist[i], 11000);
	}
	EXPECT_EQ(0, pagemig_rng_below(&a, 1));
}
