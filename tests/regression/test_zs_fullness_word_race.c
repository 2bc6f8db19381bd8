// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: zspage->fullness shared a bitfield word with huge, class
 * and magic.  fix_fullness_group() (under class->lock) stores fullness
 * with a read-modify-write of that whole word, while zs_obj_read_begin()
 * and zs_free() read class and magic with no class lock -- a data race
 * TSan reported from tests/stress/test_zsmalloc_races.c (readers against
 * zram discards).  Now fullness has a word of its own: a fullness change
 * must leave the word of the lock-free bits untouched.
 */
#include "../../mm/zsmalloc.c"
#include "harness/mm_fixture.h"

MM_FIXTURE_MOPS(zsfw, 16 * SZ_1M, UINT64_MAX, 0, 1)

TEST_F(zsfw, fullness_changes_leave_the_lookup_bits_alone)
{
	struct zs_pool *pool = zs_create_pool("fw");
	unsigned long handles[128];
	unsigned int before, after, i;
	struct zspage *zspage;
	struct size_class *class;

	ASSERT_NOT_NULL(pool);
	for (i = 0; i < 128; i++) {
		handles[i] = zs_malloc(pool, 24, GFP_NOIO | __GFP_MOVABLE, 0);
		ASSERT_FALSE(zs_handle_error(handles[i]));
	}
	zspage = get_zspage(pfn_zpdesc(handle_to_obj(handles[0]) >> OBJ_INDEX_BITS));
	class = zspage_class(pool, zspage);
	memcpy(&before, zspage, sizeof(before));	/* huge, class, magic */
	EXPECT_EQ(ZS_INUSE_RATIO_100, (unsigned int)zspage->fullness);
	/* Walk the zspage down through every group; the word never changes. */
	for (i = 127; i > 0; i--) {
		zs_free(pool, handles[i]);
		memcpy(&after, zspage, sizeof(after));
		EXPECT_EQ(before, after);
		ASSERT_EQ(0, _metadata->failed);
	}
	EXPECT_EQ(ZS_INUSE_RATIO_10, (unsigned int)zspage->fullness);
	EXPECT_EQ(class->index, (unsigned int)zspage->class);
	EXPECT_EQ(ZSPAGE_MAGIC, (unsigned int)zspage->magic);
	zs_free(pool, handles[0]);
	zs_flush_deferred(pool);
	zs_destroy_pool(pool);
}
