// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: pagemig_config_check() compared dma32 + movable against
 * memory, and the sum wrapped for a huge movable size (a multiple of 2M
 * near 2^64, e.g. a scenario's "movable: 16E" or a negative number
 * parsed as unsigned).  The check passed, the Normal zone size wrapped
 * too, and mm_init_machine() was handed zones far larger than the
 * arena: a crash instead of -EINVAL.
 */
#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

TEST(huge_movable_is_rejected_not_wrapped)
{
	static const uint64_t movables[] = {
		0xffffffffffe00000ULL,		/* -2M */
		0xfffffffffe000000ULL,		/* wraps to below memory with 4M dma32 */
		1ULL << 63,
		16 * SZ_1M,			/* just more than memory */
	};
	struct pagemig_config cfg;
	char err[160];

	for (unsigned int i = 0; i < ARRAY_SIZE(movables); i++) {
		pagemig_config_default(&cfg);
		cfg.memory = 8 * SZ_1M;
		cfg.dma32 = 4 * SZ_1M;
		cfg.movable = movables[i];
		err[0] = 0;
		EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
		EXPECT_NOT_NULL(strstr(err, "movable"));
		EXPECT_EQ(-EINVAL, pagemig_machine_init(&cfg, err, sizeof(err)));
		EXPECT_FALSE(pagemig_machine_ready());
	}
	/* The largest valid movable still works. */
	cfg.movable = 4 * SZ_1M;
	EXPECT_EQ(0, pagemig_config_check(&cfg, err, sizeof(err)));
	cfg.movable = 6 * SZ_1M;
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "dma32 + movable"));
}
