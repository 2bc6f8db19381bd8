// SPDX-License-Identifier: GPL-2.0
/*
 * drivers/zram through the facade: write, read and discard with every
 * compressor; same-filled pages (no object, same_pages); incompressible
 * pages (huge_pages, stored whole); mem_limit refusals and compressor
 * errors (fault point zcomp_compress) that corrupt nothing; the mm_stat line column by column against an independent
 * computation (lz4 sizes recomputed with liblz4 itself); every byte
 * written reads back identical, also after zs_compact() and a full
 * compaction that migrates zsmalloc pages; bad indices and devices.
 *
 * facade/zram.c is included so a test can look at a device's slots and
 * its huge-class threshold.
 */
#include <math.h>

#include <lz4.h>

#include "../../facade/zram.c"
#include "harness/mm_fixture.h"

/* ---- page contents ---------------------------------------------------------- */

enum kind { K_TEXT, K_SAME, K_ZERO, K_RANDOM, NR_KINDS };

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Page @i of generation @gen, of kind @k: a pure function of its inputs. */
static void gen_page(unsigned char *p, unsigned long i, unsigned int gen, enum kind k)
{
	static const char *const words[] = {
		"page ", "migration ", "zsmalloc ", "compaction ", "zram ",
		"isolate ", "movable ", "the ", "of ", "and ",
	};
	uint64_t x = mix(i * 131 + gen);
	size_t pos = 0;

	switch (k) {
	case K_SAME:
		for (pos = 0; pos < PAGE_SIZE; pos += 8)
			memcpy(p + pos, &x, 8);
		return;
	case K_ZERO:
		memset(p, 0, PAGE_SIZE);
		return;
	case K_RANDOM:
		for (pos = 0; pos < PAGE_SIZE; pos += 8) {
			x = mix(x);
			memcpy(p + pos, &x, 8);
		}
		return;
	default:
		while (pos < PAGE_SIZE) {
			const char *w;
			size_t n;

			x = mix(x);
			if (x % 5 == 0) {	/* a random byte now and then */
				p[pos++] = (unsigned char)(x >> 8);
				continue;
			}
			w = words[(x >> 8) % 10];
			n = strlen(w);
			if (n > PAGE_SIZE - pos)
				n = PAGE_SIZE - pos;
			memcpy(p + pos, w, n);
			pos += n;
		}
	}
}

static unsigned char page[PAGE_SIZE], back[PAGE_SIZE], cbuf[2 * PAGE_SIZE];

static struct zram *dev(int id)
{
	return zram_devices[id];
}

/* ---- the fixture: a 64 MiB machine per test --------------------------------- */

/* Every test in both movable_ops cores. */
FIXTURE_VARIANT(zr) { enum pagemig_movable_ops core; };
FIXTURE(zr) {
	int id;
};
MM_MOPS_VARIANTS(zr, );

FIXTURE_SETUP(zr)
{
	mm_movable_ops = variant->core;
	mm_machine_up(64 * SZ_1M, UINT64_MAX, 0, 2);
	self->id = -1;
}

FIXTURE_TEARDOWN(zr)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	for (int id = 0; id < PAGEMIG_MAX_ZRAM; id++)
		pagemig_zram_destroy(id);
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* The kinds in a fixed mix: 60% text, 15% same, 10% zero, 15% random. */
static enum kind kind_of(unsigned long i)
{
	unsigned int r = (unsigned int)(mix(i ^ 0x5a5a) % 100);

	return r < 60 ? K_TEXT : r < 75 ? K_SAME : r < 85 ? K_ZERO : K_RANDOM;
}

/* ---- every compressor ------------------------------------------------------- */

FIXTURE_VARIANT(zr_comp) { const char *comp; enum pagemig_movable_ops core; };
FIXTURE(zr_comp) { int id; };
MM_MOPS_VARIANTS(zr_comp, lz4_, .comp = "lz4");
MM_MOPS_VARIANTS(zr_comp, lz4hc_, .comp = "lz4hc");
MM_MOPS_VARIANTS(zr_comp, zstd_, .comp = "zstd");
MM_MOPS_VARIANTS(zr_comp, deflate_, .comp = "deflate");

FIXTURE_SETUP(zr_comp)
{
	mm_movable_ops = variant->core;
	mm_machine_up(64 * SZ_1M, UINT64_MAX, 0, 2);
	self->id = pagemig_zram_create(variant->comp, 16 * SZ_1M, 0);
	ASSERT_LE(0, self->id);
}

FIXTURE_TEARDOWN(zr_comp)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	EXPECT_EQ(0, pagemig_zram_destroy(self->id));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	mm_check_invariants(true);
	pagemig_machine_exit();
}

TEST_F(zr_comp, write_read_discard_every_byte)
{
	enum { N = 4096 };	/* the whole 16 MiB disk */
	struct pagemig_zram_stats st;
	unsigned long i, same = 0, huge = 0, stored = 0, compr = 0;
	struct zram *z = dev(self->id);

	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_STREQ(variant->comp, st.compressor);
	EXPECT_EQ(16 * SZ_1M, st.disksize);
	for (i = 0; i < N; i++) {
		gen_page(page, i, 1, kind_of(i));
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	for (i = 0; i < N; i++) {
		enum kind k = kind_of(i);

		gen_page(page, i, 1, k);
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
		stored++;
		if (k == K_SAME || k == K_ZERO) {
			same++;
			EXPECT_EQ(0, z->table[i].flags & ((1UL << ZRAM_FLAG_SHIFT) - 1));
		} else {
			size_t sz = z->table[i].flags & ((1UL << ZRAM_FLAG_SHIFT) - 1);

			EXPECT_LT(0, sz);
			compr += sz;
			if (k == K_RANDOM) {
				EXPECT_EQ(PAGE_SIZE, sz);
				huge++;
			} else {
				EXPECT_GT(z->huge_class_size, sz);
			}
		}
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(stored * PAGE_SIZE, st.orig_data_size);
	EXPECT_EQ(same, st.same_pages);
	EXPECT_EQ(huge, st.huge_pages);
	EXPECT_EQ(huge, st.huge_pages_since);
	EXPECT_EQ(compr, st.compr_data_size);
	EXPECT_EQ(pagemig_vmstat("nr_zspages") * PAGE_SIZE, st.mem_used_total);
	EXPECT_LE(st.compr_data_size, st.mem_used_total);
	EXPECT_LE(st.mem_used_total, st.mem_used_max);
	TH_LOG("%s: orig %llu compr %llu used %llu", variant->comp,
	       (unsigned long long)st.orig_data_size,
	       (unsigned long long)st.compr_data_size,
	       (unsigned long long)st.mem_used_total);
	/* Text compresses at least 1.5:1 with every backend. */
	EXPECT_LT(compr - huge * PAGE_SIZE,
		  (stored - same - huge) * PAGE_SIZE * 2 / 3);

	/* Discard every other sector: those read as zeroes, the rest intact. */
	for (i = 0; i < N; i += 2)
		ASSERT_EQ(0, pagemig_zram_discard(self->id, i, 1));
	for (i = 0; i < N; i++) {
		if (i % 2 == 0)
			memset(page, 0, PAGE_SIZE);
		else
			gen_page(page, i, 1, kind_of(i));
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(huge, st.huge_pages_since);	/* a running total */
	EXPECT_GT(huge, st.huge_pages);

	/* Overwrite the rest with a new generation, of a different kind. */
	for (i = 1; i < N; i += 2) {
		gen_page(page, i, 2, kind_of(i + 1));
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	pagemig_zram_compact(self->id);
	for (i = 1; i < N; i += 2) {
		gen_page(page, i, 2, kind_of(i + 1));
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	ASSERT_EQ(0, pagemig_zram_discard(self->id, 0, N));
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(0, st.orig_data_size);
	EXPECT_EQ(0, st.compr_data_size);
	EXPECT_EQ(0, st.same_pages);
	EXPECT_EQ(0, st.huge_pages);
	EXPECT_EQ(0, st.failed_reads);
	EXPECT_EQ(0, st.failed_writes);
}

/*
 * Issue 15 row 7: a 1 TiB device on a small machine took gigabytes of
 * host memory for its table.  As in the kernel, the table must fit in
 * the machine: -ENOMEM at once.  One that fits is still made.
 */
TEST_F(zr, table_larger_than_the_machine_is_enomem)
{
	EXPECT_EQ(-ENOMEM, pagemig_zram_create("lz4", 1ULL << 40, 0));
	EXPECT_EQ(-ENOMEM, pagemig_zram_create("lz4", 64ULL << 30, 0));
	self->id = pagemig_zram_create("lz4", 1ULL << 30, 0);
	EXPECT_LE(0, self->id);
}

/* ---- same-filled and huge pages ---------------------------------------------- */

TEST_F(zr, same_filled_pages_take_no_memory)
{
	struct pagemig_zram_stats st;
	unsigned long i;

	self->id = pagemig_zram_create("lz4", 4 * SZ_1M, 0);
	ASSERT_LE(0, self->id);
	for (i = 0; i < 1024; i++) {
		gen_page(page, i, 3, i % 2 ? K_SAME : K_ZERO);
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(1024, st.same_pages);
	EXPECT_EQ(1024 * PAGE_SIZE, st.orig_data_size);
	EXPECT_EQ(0, st.compr_data_size);
	EXPECT_EQ(0, st.mem_used_total);
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	for (i = 0; i < 1024; i++) {
		gen_page(page, i, 3, i % 2 ? K_SAME : K_ZERO);
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	/* Almost same-filled (last word differs) is a real object. */
	gen_page(page, 7, 3, K_SAME);
	page[PAGE_SIZE - 1] ^= 1;
	ASSERT_EQ(0, pagemig_zram_write(self->id, 7, page));
	ASSERT_EQ(0, pagemig_zram_read(self->id, 7, back));
	EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(1023, st.same_pages);
	EXPECT_LT(0, st.compr_data_size);
	/* An unwritten sector reads as zeroes. */
	ASSERT_EQ(0, pagemig_zram_discard(self->id, 9, 1));
	memset(page, 0xff, PAGE_SIZE);
	ASSERT_EQ(0, pagemig_zram_read(self->id, 9, page));
	memset(back, 0, PAGE_SIZE);
	EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));
}

TEST_F(zr, incompressible_pages_are_stored_whole)
{
	struct pagemig_zram_stats st;
	unsigned long i;

	self->id = pagemig_zram_create(NULL, 4 * SZ_1M, 0);
	ASSERT_LE(0, self->id);
	for (i = 0; i < 100; i++) {
		gen_page(page, i, 4, K_RANDOM);
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_STREQ("lz4", st.compressor);
	EXPECT_EQ(100, st.huge_pages);
	EXPECT_EQ(100 * PAGE_SIZE, st.compr_data_size);
	EXPECT_EQ(100 * PAGE_SIZE, st.mem_used_total);	/* one page each */
	for (i = 0; i < 100; i++) {
		gen_page(page, i, 4, K_RANDOM);
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
}

/* ---- mm_stat against an independent computation ---------------------------- */

TEST_F(zr, mm_stat_columns)
{
	unsigned long long col[9];
	unsigned long i, same = 0, huge = 0, stored = 0, compr = 0, freed;
	struct pagemig_zram_stats st;
	char line[256], extra;
	size_t hcs;
	int n;

	self->id = pagemig_zram_create("lz4", 8 * SZ_1M, 4 * SZ_1M);
	ASSERT_LE(0, self->id);
	hcs = dev(self->id)->huge_class_size;
	for (i = 0; i < 1500; i++) {
		enum kind k = kind_of(i);
		int c;

		gen_page(page, i, 5, k);
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
		stored++;
		if (k == K_SAME || k == K_ZERO) {
			same++;
			continue;
		}
		/* What liblz4 makes of it, as zram decides huge. */
		c = LZ4_compress_default((const char *)page, (char *)cbuf, PAGE_SIZE,
					 (int)sizeof(cbuf));
		ASSERT_LT(0, c);
		if ((size_t)c >= hcs) {
			huge++;
			compr += PAGE_SIZE;
		} else {
			compr += (unsigned long)c;
		}
	}
	/* Fragment and compact, for pages_compacted. */
	for (i = 0; i < 1500; i += 2) {
		enum kind k = kind_of(i);

		pagemig_zram_discard(self->id, i, 1);
		stored--;
		if (k == K_SAME || k == K_ZERO) {
			same--;
			continue;
		}
		gen_page(page, i, 5, k);
		n = LZ4_compress_default((const char *)page, (char *)cbuf, PAGE_SIZE,
					 (int)sizeof(cbuf));
		if ((size_t)n >= hcs) {
			huge--;
			compr -= PAGE_SIZE;
		} else {
			compr -= (unsigned long)n;
		}
	}
	freed = (unsigned long)pagemig_zram_compact(self->id);
	EXPECT_LT(0, freed);

	n = pagemig_zram_mm_stat(self->id, line, sizeof(line));
	ASSERT_LT(0, n);
	EXPECT_EQ(strlen(line), n);
	EXPECT_EQ('\n', line[n - 1]);
	TH_LOG("mm_stat: %s", line);
	ASSERT_EQ(9, sscanf(line, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %c",
			    &col[0], &col[1], &col[2], &col[3], &col[4], &col[5],
			    &col[6], &col[7], &col[8], &extra));
	EXPECT_EQ(stored * PAGE_SIZE, col[0]);		/* orig_data_size */
	EXPECT_EQ(compr, col[1]);			/* compr_data_size */
	EXPECT_EQ(pagemig_vmstat("nr_zspages") * PAGE_SIZE, col[2]);	/* mem_used_total */
	EXPECT_EQ(4 * SZ_1M, col[3]);			/* mem_limit */
	EXPECT_LE(col[2], col[4]);			/* mem_used_max */
	EXPECT_EQ(same, col[5]);			/* same_pages */
	EXPECT_EQ(freed, col[6]);			/* pages_compacted */
	EXPECT_EQ(huge, col[7]);			/* huge_pages */
	EXPECT_LE(huge, col[8]);			/* huge_pages_since */
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(col[0], st.orig_data_size);
	EXPECT_EQ(col[4], st.mem_used_max);
	EXPECT_EQ(col[8], st.huge_pages_since);
	/* Fixed-width columns, as the kernel prints them. */
	{
		char want[256];

		snprintf(want, sizeof(want), "%8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu\n",
			 col[0], col[1], col[2], col[3], col[4], col[5], col[6], col[7], col[8]);
		EXPECT_STREQ(want, line);
	}
}

/* ---- mem_limit ---------------------------------------------------------------- */

TEST_F(zr, mem_limit_refuses_writes_and_corrupts_nothing)
{
	enum { N = 2048 };
	unsigned long i, ok = 0, refused = 0;
	struct pagemig_zram_stats st;
	static bool stored[N];

	self->id = pagemig_zram_create("lz4", N * PAGE_SIZE, 64 * PAGE_SIZE);
	ASSERT_LE(0, self->id);
	for (i = 0; i < N; i++) {
		int ret;

		gen_page(page, i, 6, i % 3 ? K_TEXT : K_RANDOM);
		ret = pagemig_zram_write(self->id, i, page);
		if (ret) {
			EXPECT_EQ(-ENOMEM, ret);
			refused++;
			continue;
		}
		stored[i] = true;
		ok++;
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	TH_LOG("%lu stored, %lu refused, used %llu of %llu", ok, refused,
	       (unsigned long long)st.mem_used_total, (unsigned long long)st.mem_limit);
	EXPECT_LT(0, ok);
	EXPECT_LT(0, refused);
	EXPECT_EQ(refused, st.failed_writes);
	EXPECT_GE(64 * PAGE_SIZE, st.mem_used_total);
	EXPECT_EQ(64 * PAGE_SIZE, st.mem_limit);
	EXPECT_EQ(ok * PAGE_SIZE, st.orig_data_size);

	/* Nothing stored was touched; nothing refused was stored. */
	for (i = 0; i < N; i++) {
		if (stored[i])
			gen_page(page, i, 6, i % 3 ? K_TEXT : K_RANDOM);
		else
			memset(page, 0, PAGE_SIZE);
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	EXPECT_EQ(0, pagemig_validate(stderr));
}

/* A simpler, exact version: one refused overwrite, old data intact. */
TEST_F(zr, refused_overwrite_keeps_the_old_page)
{
	struct pagemig_zram_stats st;
	unsigned long i;

	self->id = pagemig_zram_create("lz4", 1024 * PAGE_SIZE, 16 * PAGE_SIZE);
	ASSERT_LE(0, self->id);
	/* 16 huge pages fill the limit exactly. */
	for (i = 0; i < 16; i++) {
		gen_page(page, i, 8, K_RANDOM);
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	gen_page(page, 99, 8, K_RANDOM);
	EXPECT_EQ(-ENOMEM, pagemig_zram_write(self->id, 3, page));
	EXPECT_EQ(-ENOMEM, pagemig_zram_write(self->id, 16, page));
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(2, st.failed_writes);
	EXPECT_EQ(16 * PAGE_SIZE, st.mem_used_total);
	/* As in the kernel, the peak counts the refused write's page. */
	EXPECT_EQ(17 * PAGE_SIZE, st.mem_used_max);
	for (i = 0; i < 16; i++) {
		gen_page(page, i, 8, K_RANDOM);
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	/* Same-filled pages need no memory: still accepted. */
	gen_page(page, 16, 8, K_SAME);
	EXPECT_EQ(0, pagemig_zram_write(self->id, 16, page));
}

/*
 * A compressor error fails the write (6.17: the error is returned and
 * counted in failed_writes); it is not an incompressible page, so nothing
 * is stored huge and the sector keeps what it had.
 */
TEST_F(zr, compression_error_fails_the_write)
{
	struct pagemig_zram_stats st;
	unsigned long used;

	self->id = pagemig_zram_create("lz4", 64 * PAGE_SIZE, 0);
	ASSERT_LE(0, self->id);
	gen_page(page, 1, 9, K_TEXT);
	ASSERT_EQ(0, pagemig_zram_write(self->id, 1, page));
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	used = st.mem_used_total;

	/* An overwrite and a write to an empty sector, both refused. */
	ASSERT_EQ(0, pagemig_fault_arm("zcomp_compress", 1, 2));
	gen_page(back, 2, 9, K_TEXT);
	EXPECT_EQ(-EINVAL, pagemig_zram_write(self->id, 1, back));
	EXPECT_EQ(-EINVAL, pagemig_zram_write(self->id, 2, back));
	EXPECT_EQ(2, pagemig_fault_hits("zcomp_compress"));
	pagemig_fault_disarm_all();
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(2, st.failed_writes);
	EXPECT_EQ(0, st.huge_pages);
	EXPECT_EQ(0, st.huge_pages_since);
	EXPECT_EQ(PAGE_SIZE, st.orig_data_size);
	EXPECT_EQ(used, st.mem_used_total);
	ASSERT_EQ(0, pagemig_zram_read(self->id, 1, back));
	EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));
	memset(page, 0, PAGE_SIZE);
	ASSERT_EQ(0, pagemig_zram_read(self->id, 2, back));
	EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));

	/* Same-filled pages never reach the compressor. */
	ASSERT_EQ(0, pagemig_fault_arm("zcomp_compress", 1, 1));
	gen_page(page, 3, 9, K_SAME);
	EXPECT_EQ(0, pagemig_zram_write(self->id, 3, page));
	EXPECT_EQ(0, pagemig_fault_hits("zcomp_compress"));
	pagemig_fault_disarm_all();

	/* The next write compresses as usual. */
	gen_page(page, 2, 9, K_TEXT);
	EXPECT_EQ(0, pagemig_zram_write(self->id, 2, page));
	ASSERT_EQ(0, pagemig_zram_read(self->id, 2, back));
	EXPECT_EQ(0, memcmp(page, back, PAGE_SIZE));
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(2, st.failed_writes);
	EXPECT_EQ(0, st.huge_pages);
}

/* ---- errors ------------------------------------------------------------------ */

TEST_F(zr, bad_arguments)
{
	long c;

	EXPECT_EQ(-EINVAL, pagemig_zram_create("lzo-rle", SZ_1M, 0));
	EXPECT_EQ(-EINVAL, pagemig_zram_create("lz4", 0, 0));
	EXPECT_EQ(-EINVAL, pagemig_zram_create("lz4", 4095, 0));
	self->id = pagemig_zram_create("zstd", 16 * PAGE_SIZE, 0);
	ASSERT_LE(0, self->id);
	gen_page(page, 0, 1, K_TEXT);
	EXPECT_EQ(-EINVAL, pagemig_zram_write(self->id, 16, page));
	EXPECT_EQ(-EINVAL, pagemig_zram_write(self->id, -1UL, page));
	EXPECT_EQ(-EINVAL, pagemig_zram_read(self->id, 16, back));
	EXPECT_EQ(-EINVAL, pagemig_zram_discard(self->id, 15, 2));
	EXPECT_EQ(-EINVAL, pagemig_zram_discard(self->id, 17, 0));
	EXPECT_EQ(0, pagemig_zram_discard(self->id, 16, 0));
	EXPECT_EQ(0, pagemig_zram_write(self->id, 15, page));
	EXPECT_EQ(-ENODEV, pagemig_zram_write(self->id + 1, 0, page));
	EXPECT_EQ(-ENODEV, pagemig_zram_read(-1, 0, back));
	EXPECT_EQ(-ENODEV, pagemig_zram_discard(PAGEMIG_MAX_ZRAM, 0, 1));
	EXPECT_EQ(-ENODEV, pagemig_zram_compact(7));
	EXPECT_EQ(-ENODEV, pagemig_zram_mm_stat(7, (char *)back, 64));
	EXPECT_EQ(-ENODEV, pagemig_zram_destroy(7));
	c = pagemig_zram_compact(self->id);
	EXPECT_EQ(0, c);
	/* Devices are numbered from 0, reusing holes; at most 8. */
	for (int i = 1; i < PAGEMIG_MAX_ZRAM; i++)
		EXPECT_EQ(i, pagemig_zram_create(NULL, PAGE_SIZE, 0));
	EXPECT_EQ(-ENOSPC, pagemig_zram_create(NULL, PAGE_SIZE, 0));
	EXPECT_EQ(0, pagemig_zram_destroy(3));
	EXPECT_EQ(3, pagemig_zram_create(NULL, PAGE_SIZE, 0));
	EXPECT_STREQ("lz4", pagemig_zram_compressor(0));
	EXPECT_NULL(pagemig_zram_compressor(4));
}

/* ---- data survives zs_compact() and migration of zsmalloc pages -------------- */

TEST_F(zr, data_survives_compaction_and_migration)
{
	enum { N = 6000 };
	unsigned long i, s0, freed, before;
	struct pagemig_zram_stats st;

	self->id = pagemig_zram_create("lz4", N * PAGE_SIZE, 0);
	ASSERT_LE(0, self->id);
	for (i = 0; i < N; i++) {
		gen_page(page, i, 9, kind_of(i) == K_RANDOM ? K_TEXT : kind_of(i));
		ASSERT_EQ(0, pagemig_zram_write(self->id, i, page));
	}
	for (i = 0; i < N; i += 2)
		ASSERT_EQ(0, pagemig_zram_discard(self->id, i, 1));
	before = pagemig_vmstat("nr_zspages");
	freed = (unsigned long)pagemig_zram_compact(self->id);
	zs_flush_deferred(dev(self->id)->mem_pool);
	TH_LOG("zs_compact: %lu -> %lu pages (%lu freed)", before,
	       pagemig_vmstat("nr_zspages"), freed);
	EXPECT_LT(before / 4, freed);
	EXPECT_EQ(before - freed, pagemig_vmstat("nr_zspages"));
	s0 = pagemig_vmstat("pgmigrate_success");
	EXPECT_EQ(0, pagemig_compact(-1));
	TH_LOG("full compaction: pgmigrate_success +%lu", pagemig_vmstat("pgmigrate_success") - s0);
	for (i = 1; i < N; i += 2) {
		gen_page(page, i, 9, kind_of(i) == K_RANDOM ? K_TEXT : kind_of(i));
		ASSERT_EQ(0, pagemig_zram_read(self->id, i, back));
		ASSERT_EQ(0, memcmp(page, back, PAGE_SIZE));
	}
	ASSERT_EQ(0, pagemig_zram_stats(self->id, &st));
	EXPECT_EQ(freed, st.pages_compacted);
	EXPECT_EQ(pagemig_vmstat("nr_zspages") * PAGE_SIZE, st.mem_used_total);
}

/*
 * The generated data does what it promises: the share found for a ratio
 * gives pages that liblz4 compresses by about that ratio (within 5 %,
 * measured on pages of other seeds than the calibration's), a higher ratio
 * needs fewer random chunks, and a seed always gives the same bytes.
 */
TEST(generated_data_compresses_as_asked)
{
	static const double ratios[] = { 1.5, 2.0, 2.7 };
	static unsigned char a[PAGE_SIZE], b[PAGE_SIZE];
	static char out[LZ4_COMPRESSBOUND(PAGE_SIZE)];
	double last = 1.0;
	unsigned int r, i;

	for (r = 0; r < 3; r++) {
		double psrc = pagemig_zram_data_share(ratios[r]);
		unsigned long total = 0;

		EXPECT_TRUE(psrc < last);
		last = psrc;
		for (i = 0; i < 256; i++) {
			pagemig_zram_data_page(a, 1000 + i, psrc);
			total += (unsigned long)LZ4_compress_default((const char *)a, out,
								     PAGE_SIZE, sizeof(out));
		}
		TH_LOG("ratio %.1f: share %.3f, measured %.2f", ratios[r], psrc,
		       256.0 * PAGE_SIZE / total);
		EXPECT_TRUE(fabs(256.0 * PAGE_SIZE / total / ratios[r] - 1) < 0.05);
	}
	pagemig_zram_data_page(a, 42, 0.3);
	pagemig_zram_data_page(b, 42, 0.3);
	EXPECT_EQ(0, memcmp(a, b, PAGE_SIZE));
	pagemig_zram_data_page(b, 43, 0.3);
	EXPECT_NE(0, memcmp(a, b, PAGE_SIZE));
}
