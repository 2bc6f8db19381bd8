// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: pagemig_free_pages() promised -EINVAL "if the order does
 * not fit" but checked the order only for compound blocks, and
 * pagemig_alloc_pages() handed out plain (non-compound) blocks.  Freeing
 * an order-0 page as order 1, or an order-3 block as order 4, was
 * accepted and freed the neighbours too -- pages that were free already
 * (a double free the validator then found inside a buddy block) or
 * belonged to someone else.  Freeing it with a smaller order leaked the
 * rest.  Facade blocks of order > 0 are now compound and the order is
 * checked both ways.
 */
#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

MM_FIXTURE(machine, 16 * SZ_1M, 4 * SZ_1M, 0, 1)

TEST_F(machine, wrong_order_is_refused_and_changes_nothing)
{
	unsigned long a, b, free, used;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &a));
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 3, &b));
	free = pagemig_free_pages_count();
	used = nr_used_pages();

	if (IS_ALIGNED(a, 2))
		EXPECT_EQ(-EINVAL, pagemig_free_pages(a, 1));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(a & ~1023UL, 10));
	if (IS_ALIGNED(b, 16))
		EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 4));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 2));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 0));
	EXPECT_EQ(free, pagemig_free_pages_count());
	EXPECT_EQ(used, nr_used_pages());
	EXPECT_EQ(0, pagemig_validate(stderr));

	EXPECT_EQ(0, pagemig_free_pages(a, 0));
	EXPECT_EQ(0, pagemig_free_pages(b, 3));
}
