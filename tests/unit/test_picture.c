// SPDX-License-Identifier: GPL-2.0
/*
 * report/picture.c: a small machine drawn and read back pixel by pixel
 * (zone lines, a known page's colour where picture_pfn_xy() puts it, the
 * legend's colours), the difference image of two snapshots marking a
 * page that moved, a block-scale picture, and the layouts of machines up
 * to 1 TiB keeping every pageblock at least one pixel in a bounded image.
 */
#include <unistd.h>

#include <png.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"
#include "report/picture.h"

MM_FIXTURE(picture, 16 * SZ_1M, 4 * SZ_1M, 0, 1)

struct image {
	unsigned int w, h;
	uint8_t *rgb;
};

/* A file name for a picture: the file exists, empty. */
static bool tmp_png(char *path)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The picture at @path, read and removed. */
static int read_back(const char *path, struct image *im)
{
	int ret = picture_read(path, &im->w, &im->h, &im->rgb);

	unlink(path);
	return ret;
}

static bool is(const struct image *im, unsigned int x, unsigned int y,
	       const uint8_t *rgb)
{
	return x < im->w && y < im->h &&
	       !memcmp(&im->rgb[((size_t)y * im->w + x) * 3], rgb, 3);
}

/* Is @rgb anywhere in rows [y0, y1)? */
static bool has_colour(const struct image *im, unsigned int y0,
		       unsigned int y1, const uint8_t *rgb)
{
	unsigned int x, y;

	for (y = y0; y < y1 && y < im->h; y++)
		for (x = 0; x < im->w; x++)
			if (is(im, x, y, rgb))
				return true;
	return false;
}

static const uint8_t black[3] = { 0, 0, 0 };

TEST_F(picture, small_machine_pixels_zones_and_legend)
{
	char path[] = "/tmp/pagemig-picture-XXXXXX";
	struct picture_layout l;
	struct picture_snap s;
	struct image im;
	unsigned long pfn, free_pfn;
	unsigned int x, y, i;
	int k;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &pfn));
	ASSERT_EQ(0, picture_snap_take(&s));
	ASSERT_EQ(self->nr_pages, s.nr_pages);
	ASSERT_EQ(2, s.nr_zones);
	EXPECT_STREQ("DMA32", s.zones[0].name);
	EXPECT_STREQ("Normal", s.zones[1].name);
	EXPECT_EQ(1024, s.zones[1].start_pfn);
	ASSERT_TRUE(s.kinds[pfn] != PAGEMIG_KIND_FREE);
	for (free_pfn = s.nr_pages - 1; s.kinds[free_pfn] != PAGEMIG_KIND_FREE;)
		free_pfn--;

	ASSERT_TRUE(tmp_png(path));
	ASSERT_EQ(0, picture_draw(path, "Test", &s));
	ASSERT_EQ(0, read_back(path, &im));
	ASSERT_EQ(0, picture_layout(&l, &s));
	EXPECT_TRUE(l.per_page);
	EXPECT_EQ(l.w, im.w);
	EXPECT_EQ(l.h, im.h);

	/* The page, and a free one, where the layout says. */
	ASSERT_TRUE(picture_pfn_xy(&l, pfn, &x, &y));
	EXPECT_TRUE(is(&im, x, y, picture_kind_rgb(s.kinds[pfn])));
	ASSERT_TRUE(picture_pfn_xy(&l, free_pfn, &x, &y));
	EXPECT_TRUE(is(&im, x, y, picture_kind_rgb(PAGEMIG_KIND_FREE)));
	EXPECT_FALSE(picture_pfn_xy(&l, s.nr_pages, &x, &y));

	/* Each zone's line runs across the map just above its first row. */
	for (i = 0; i < s.nr_zones; i++) {
		ASSERT_TRUE(picture_pfn_xy(&l, s.zones[i].start_pfn, &x, &y));
		EXPECT_EQ(l.map_x, x);
		for (x = l.map_x; x < l.map_x + l.map_w; x++)
			if (!is(&im, x, y - 2, black))
				break;
		EXPECT_EQ(l.map_x + l.map_w, x);
	}

	/* Ten kinds, ten different colours, all in the legend. */
	for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
		for (i = 0; i < (unsigned int)k; i++)
			EXPECT_NE(0, memcmp(picture_kind_rgb(k),
					    picture_kind_rgb((int)i), 3));
		EXPECT_TRUE(has_colour(&im, l.legend_y, im.h, picture_kind_rgb(k)));
	}
	free(im.rgb);
	picture_snap_free(&s);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 0));
}

/* Two hand-made snapshots of 8 MiB: one page moved, one freed. */
TEST(diff_marks_a_page_that_moved)
{
	char path[] = "/tmp/pagemig-picture-XXXXXX";
	struct picture_snap b = { .nr_pages = 2048, .nr_zones = 1 };
	struct picture_snap a;
	struct picture_layout l;
	struct image im;
	unsigned int x, y;

	b.zones[0].name = "Normal";
	b.kinds = calloc(b.nr_pages, 1);
	ASSERT_NOT_NULL(b.kinds);
	a = b;
	a.kinds = calloc(a.nr_pages, 1);
	ASSERT_NOT_NULL(a.kinds);
	/* Block 1's only page moves to block 3: block 1 is free now. */
	b.kinds[600] = PAGEMIG_KIND_ANON;
	a.kinds[1800] = PAGEMIG_KIND_ANON;
	/* Block 2 keeps its slab page, loses a file page. */
	b.kinds[1100] = a.kinds[1100] = PAGEMIG_KIND_SLAB;
	b.kinds[1101] = PAGEMIG_KIND_FILE;
	/* Block 3 keeps an anon page, another turns into a balloon page. */
	b.kinds[1801] = a.kinds[1801] = PAGEMIG_KIND_ANON;
	b.kinds[1802] = PAGEMIG_KIND_ANON;
	a.kinds[1802] = PAGEMIG_KIND_BALLOON;

	ASSERT_TRUE(tmp_png(path));
	ASSERT_EQ(0, picture_draw_diff(path, "Diff", &b, &a));
	ASSERT_EQ(0, read_back(path, &im));
	ASSERT_EQ(0, picture_layout(&l, &a));

#define EXPECT_DIFF(pfn, d) do {					\
	ASSERT_TRUE(picture_pfn_xy(&l, pfn, &x, &y));			\
	EXPECT_TRUE(is(&im, x, y, picture_diff_rgb(d)));		\
} while (0)
	EXPECT_DIFF(600, PICTURE_BLOCK_FREED);
	EXPECT_DIFF(601, PICTURE_SAME_FREE);
	EXPECT_DIFF(1800, PICTURE_FILLED);
	EXPECT_DIFF(1100, PICTURE_SAME_USED);
	EXPECT_DIFF(1101, PICTURE_FREED);
	EXPECT_DIFF(1801, PICTURE_SAME_USED);
	EXPECT_DIFF(1802, PICTURE_CHANGED);
#undef EXPECT_DIFF
	EXPECT_TRUE(has_colour(&im, l.legend_y, im.h,
			       picture_diff_rgb(PICTURE_BLOCK_FREED)));

	a.nr_pages--;
	EXPECT_EQ(-EINVAL, picture_draw_diff(path, "Diff", &b, &a));
	free(im.rgb);
	picture_snap_free(&a);
	picture_snap_free(&b);
}

/*
 * 8 GiB, drawn a square per pageblock: one unmovable page colours its
 * block unmovable though the rest is anon.
 */
TEST(block_scale_square_shows_the_unmovable_kind)
{
	char path[] = "/tmp/pagemig-picture-XXXXXX";
	struct picture_snap s = { .nr_pages = 2UL << 20, .nr_zones = 2 };
	struct picture_layout l;
	struct image im;
	unsigned long blk = 3000 * PAGEMIG_PAGEBLOCK_PAGES;
	unsigned int x, y, dx, dy;

	s.zones[0].name = "DMA32";
	s.zones[1].name = "Normal";
	s.zones[1].start_pfn = 1UL << 20;
	s.kinds = calloc(s.nr_pages, 1);
	ASSERT_NOT_NULL(s.kinds);
	memset(s.kinds + blk, PAGEMIG_KIND_ANON, PAGEMIG_PAGEBLOCK_PAGES);
	s.kinds[blk + 7] = PAGEMIG_KIND_UNMOVABLE;
	memset(s.kinds + blk + PAGEMIG_PAGEBLOCK_PAGES, PAGEMIG_KIND_ANON,
	       PAGEMIG_PAGEBLOCK_PAGES);

	ASSERT_TRUE(tmp_png(path));
	ASSERT_EQ(0, picture_draw(path, "Blocks", &s));
	ASSERT_EQ(0, read_back(path, &im));
	ASSERT_EQ(0, picture_layout(&l, &s));
	EXPECT_FALSE(l.per_page);
	EXPECT_EQ(8, l.scale);		/* 4096 blocks x 64 px: 256K pixels */
	EXPECT_EQ(32, l.rows);
	ASSERT_TRUE(picture_pfn_xy(&l, blk + 7, &x, &y));
	for (dy = 0; dy < l.scale; dy++)
		for (dx = 0; dx < l.scale; dx++)
			EXPECT_TRUE(is(&im, x + dx, y + dy,
				       picture_kind_rgb(PAGEMIG_KIND_UNMOVABLE)));
	ASSERT_TRUE(picture_pfn_xy(&l, blk + PAGEMIG_PAGEBLOCK_PAGES, &x, &y));
	EXPECT_TRUE(is(&im, x, y, picture_kind_rgb(PAGEMIG_KIND_ANON)));
	free(im.rgb);
	picture_snap_free(&s);
}

/*
 * Machines from 2 MiB to 1 TiB: every pageblock gets its own square of
 * at least one pixel (the last block's square inside the map, two
 * neighbours apart), and the image stays within 1200 x 1100.
 */
TEST(layout_keeps_a_pageblock_a_pixel_up_to_1tib)
{
	struct picture_snap s = { .nr_zones = 3 };
	struct picture_layout l;
	unsigned long long bytes;
	unsigned int x0, y0, x1, y1;

	s.zones[0].name = "DMA";
	s.zones[0].start_pfn = 1;
	s.zones[1].name = "DMA32";
	s.zones[1].start_pfn = 4096;
	s.zones[2].name = "Normal";
	s.zones[2].start_pfn = 1UL << 20;
	for (bytes = 2ULL << 20; bytes <= 1ULL << 40; bytes *= 2) {
		unsigned long nr = bytes / PAGEMIG_PAGE_SIZE;
		unsigned long last = nr - PAGEMIG_PAGEBLOCK_PAGES;

		s.nr_pages = nr;
		s.nr_zones = nr > (1UL << 20) ? 3 : nr > 4096 ? 2 : 1;
		ASSERT_EQ(0, picture_layout(&l, &s));
		EXPECT_LE(1, l.scale);
		EXPECT_LE(l.w, 1200);
		EXPECT_LE(l.h, 1100);
		EXPECT_LE(nr, l.rows * l.row_pages);
		ASSERT_TRUE(picture_pfn_xy(&l, nr - 1, &x1, &y1));
		EXPECT_LE(x1 + l.scale, l.map_x + l.map_w);
		EXPECT_LE(y1 + (l.per_page ? 1 : l.scale), l.map_y + l.map_h);
		if (nr < 2 * PAGEMIG_PAGEBLOCK_PAGES)
			continue;
		ASSERT_TRUE(picture_pfn_xy(&l, last - 1, &x0, &y0));
		ASSERT_TRUE(picture_pfn_xy(&l, last, &x1, &y1));
		EXPECT_TRUE(x0 != x1 || y0 != y1);
	}
	/* 1 TiB: a pixel a pageblock, 1024 x 512 of map. */
	EXPECT_EQ(1, l.scale);
	EXPECT_EQ(1024, l.map_w);
	EXPECT_EQ(512, l.rows);
}
