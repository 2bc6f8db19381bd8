// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures of physical memory (libpng).
 *
 * The map: up to 512K pages (2 GiB) one pixel per page, rows of one
 * pageblock (machines up to 1 GiB) or two, at most 512 rows; above, each
 * pageblock one s x s square, 1024 pixels a row, s the largest power of
 * two up to 16 that keeps the map below 1M pixels (so below 1024 rows
 * of pixels), so that a pageblock is at least one pixel up to 1 TiB
 * (524288 pageblocks, 1024 x 512) and a 24 GiB machine reads at 8 x 8.
 * A square shows its block's most common unmovable kind if it has one
 * -- that is what decides whether it can ever be free -- else its most
 * common kind.
 *
 * Around the map: PFN labels on the left, the offset in MiB (labels
 * under 256 MiB apart) or GiB on the right, a band above each zone's first row with a line and the
 * zone's name, a title and a legend of the colours, all drawn with a
 * built-in 5x7 font so that no font library is needed.
 *
 * The difference image draws two snapshots of the same machine (before
 * and after a compaction) in the same layout, a colour per change: a
 * page freed, a page freed whose pageblock became wholly free, a page
 * filled, a page of another kind, and unchanged pages in greys.
 *
 * A run draws stepN-before.png, stepN-after.png, stepN.png (both) and
 * stepN-diff.png around each compact step when its options name a
 * directory (`--picture DIR`, step_picture() in
 * workload/step_compact.c); pagemig import draws before.png, after.png,
 * before-after.png and diff.png.  The machine is read through the
 * public facade (pagemig.h) only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include <pagemig/pagemig.h>

#include "picture.h"

#define BLOCK		PAGEMIG_PAGEBLOCK_PAGES
#define PER_PAGE_MAX	(1UL << 19)	/* pages: above, a square per block */
#define MAP_PIXELS	(1UL << 20)	/* the block scale keeps the map below */
#define BLOCK_MAP_W	1024		/* pixels of a row of squares */
#define SCALE_MAX	16
#define MARGIN		4
#define TEXT_H		10		/* 7 rows of glyph + spacing */
#define GLYPH_W		6
#define AXIS_L		(11 * GLYPH_W + 10)	/* "0x10000000" and a tick */
#define AXIS_R		(10 * GLYPH_W + 10)	/* "23.75 GiB" and a tick */
#define ZONE_BAND	11		/* name above, line at the bottom */
#define TICK_MIN_PX	16

static const uint8_t black[3] = { 0, 0, 0 };

/* Ten kinds, ten hues that stay apart (the Tableau 10 palette). */
static const uint8_t kind_rgb[PAGEMIG_NR_KINDS][3] = {
	[PAGEMIG_KIND_FREE]		= { 0xf0, 0xf0, 0xf0 },
	[PAGEMIG_KIND_ANON]		= { 0x1f, 0x77, 0xb4 },
	[PAGEMIG_KIND_FILE]		= { 0x2c, 0xa0, 0x2c },
	[PAGEMIG_KIND_BALLOON]		= { 0xff, 0x7f, 0x0e },
	[PAGEMIG_KIND_ZSMALLOC]		= { 0x94, 0x67, 0xbd },
	[PAGEMIG_KIND_PGTABLE]		= { 0xe3, 0x77, 0xc2 },
	[PAGEMIG_KIND_SLAB]		= { 0x8c, 0x56, 0x4b },
	[PAGEMIG_KIND_UNMOVABLE]	= { 0xd6, 0x27, 0x28 },
	[PAGEMIG_KIND_ISOLATED]		= { 0xf2, 0xd0, 0x00 },
	[PAGEMIG_KIND_RESERVED]		= { 0x30, 0x30, 0x30 },
};

static const uint8_t diff_rgb[PICTURE_NR_DIFF][3] = {
	[PICTURE_SAME_FREE]	= { 0xf0, 0xf0, 0xf0 },
	[PICTURE_SAME_USED]	= { 0xbb, 0xbb, 0xbb },
	[PICTURE_FREED]		= { 0xe6, 0x55, 0x0d },
	[PICTURE_BLOCK_FREED]	= { 0x31, 0xa3, 0x54 },
	[PICTURE_FILLED]	= { 0x31, 0x82, 0xbd },
	[PICTURE_CHANGED]	= { 0x75, 0x6b, 0xb1 },
};

static const char *const diff_name[PICTURE_NR_DIFF] = {
	[PICTURE_SAME_FREE]	= "free before and after",
	[PICTURE_SAME_USED]	= "used, unchanged",
	[PICTURE_FREED]		= "freed (moved away)",
	[PICTURE_BLOCK_FREED]	= "freed, its 2 MiB block now free",
	[PICTURE_FILLED]	= "filled (moved here)",
	[PICTURE_CHANGED]	= "another kind",
};

/*
 * 5x7 glyphs, one byte per row, low 5 bits, bit 4 leftmost: upper and
 * lower case, digits and the punctuation of titles, axes and legends.
 */
static const struct glyph {
	char c;
	uint8_t rows[7];
} font[] = {
	{ 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'B', { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e } },
	{ 'C', { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e } },
	{ 'D', { 0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c } },
	{ 'E', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f } },
	{ 'F', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10 } },
	{ 'G', { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f } },
	{ 'H', { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'I', { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ 'J', { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c } },
	{ 'K', { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 } },
	{ 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f } },
	{ 'M', { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11 } },
	{ 'N', { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 } },
	{ 'O', { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
	{ 'P', { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10 } },
	{ 'Q', { 0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d } },
	{ 'R', { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11 } },
	{ 'S', { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e } },
	{ 'T', { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
	{ 'U', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
	{ 'V', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04 } },
	{ 'W', { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a } },
	{ 'X', { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11 } },
	{ 'Y', { 0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04 } },
	{ 'Z', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f } },
	{ '+', { 0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00 } },
	{ '>', { 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08 } },
	{ '<', { 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02 } },
	{ '_', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f } },
	{ 'a', { 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f } },
	{ 'b', { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e } },
	{ 'c', { 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e } },
	{ 'd', { 0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f } },
	{ 'e', { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e } },
	{ 'f', { 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08 } },
	{ 'g', { 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e } },
	{ 'h', { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11 } },
	{ 'i', { 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e } },
	{ 'j', { 0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c } },
	{ 'k', { 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12 } },
	{ 'l', { 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ 'm', { 0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11 } },
	{ 'n', { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 } },
	{ 'o', { 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e } },
	{ 'p', { 0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10 } },
	{ 'q', { 0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01 } },
	{ 'r', { 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10 } },
	{ 's', { 0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e } },
	{ 't', { 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06 } },
	{ 'u', { 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d } },
	{ 'v', { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04 } },
	{ 'w', { 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a } },
	{ 'x', { 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11 } },
	{ 'y', { 0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e } },
	{ 'z', { 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f } },
	{ '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
	{ '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
	{ '3', { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e } },
	{ '4', { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 } },
	{ '5', { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e } },
	{ '6', { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e } },
	{ '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
	{ '8', { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e } },
	{ '9', { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c } },
	{ '-', { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00 } },
	{ ':', { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00 } },
	{ '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c } },
	{ ',', { 0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08 } },
	{ '/', { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 } },
	{ '(', { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 } },
	{ ')', { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 } },
	{ '%', { 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03 } },
	{ '=', { 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00 } },
};

struct canvas {
	unsigned int w, h;
	uint8_t *rgb;
};

static void put(struct canvas *c, unsigned int x, unsigned int y,
		const uint8_t *rgb)
{
	if (x < c->w && y < c->h)
		memcpy(&c->rgb[((size_t)y * c->w + x) * 3], rgb, 3);
}

static void fill(struct canvas *c, unsigned int x, unsigned int y,
		 unsigned int w, unsigned int h, const uint8_t *rgb)
{
	unsigned int i, j;

	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			put(c, x + i, y + j, rgb);
}

/* Draw @s at (x, y) (NULL @c: only measure); returns the x after it. */
static unsigned int text(struct canvas *c, unsigned int x, unsigned int y,
			 const char *s)
{
	size_t g;
	int r, b;

	for (; *s; s++, x += GLYPH_W) {
		if (!c)
			continue;
		for (g = 0; g < sizeof(font) / sizeof(font[0]); g++)
			if (font[g].c == *s)
				break;
		if (g == sizeof(font) / sizeof(font[0]))
			continue;	/* space and anything unknown */
		for (r = 0; r < 7; r++)
			for (b = 0; b < 5; b++)
				if (font[g].rows[r] & (0x10 >> b))
					put(c, x + (unsigned int)b,
					    y + (unsigned int)r, black);
	}
	return x;
}

/* A size as the kernel writes one: "24 GiB", "16 MiB", "4 KiB". */
static void size_str(char *buf, size_t len, unsigned long long bytes)
{
	if (bytes && !(bytes % (1ULL << 30)))
		snprintf(buf, len, "%llu GiB", bytes >> 30);
	else if (bytes && !(bytes % (1ULL << 20)))
		snprintf(buf, len, "%llu MiB", bytes >> 20);
	else
		snprintf(buf, len, "%llu KiB", bytes >> 10);
}

/*
 * An axis label: MiB while the labels are under 256 MiB apart, else GiB
 * with the decimals a quarter GiB needs ("23.75 GiB").
 */
static void offset_str(char *buf, size_t len, unsigned long long bytes,
		       unsigned long long step)
{
	unsigned long long quarters = bytes >> 28;

	if (step < (256ULL << 20))
		snprintf(buf, len, "%llu MiB", bytes >> 20);
	else if (quarters % 4 == 0)
		snprintf(buf, len, "%llu GiB", quarters / 4);
	else
		snprintf(buf, len, quarters % 2 ? "%llu.%02llu GiB" : "%llu.%llu GiB",
			 quarters / 4, quarters % 2 ? quarters % 4 * 25 : 5);
}

static int write_png(const char *path, const struct canvas *c)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = c->w;
	img.height = c->h;
	img.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&img, path, 0, c->rgb, 0, NULL))
		return -EIO;
	return 0;
}

/* The kind a pageblock shows when drawn as one square. */
static int block_kind(const uint8_t *kinds, unsigned long n)
{
	unsigned long per[PAGEMIG_NR_KINDS] = { 0 }, i;
	int k, best = PAGEMIG_KIND_FREE, worst = -1;

	for (i = 0; i < n; i++)
		per[kinds[i] < PAGEMIG_NR_KINDS ? kinds[i] : PAGEMIG_KIND_RESERVED]++;
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		if (pagemig_kind_unmovable(k) && per[k] &&
		    (worst < 0 || per[k] > per[worst]))
			worst = k;
	if (worst >= 0)
		return worst;
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		if (per[k] > per[best])
			best = k;
	return best;
}

/**
 * picture_kind_rgb() - The colour a page kind is drawn in.
 * @kind: PAGEMIG_KIND_*.
 *
 * Return: three bytes (red, green, blue); the reserved colour out of range.
 */
const uint8_t *picture_kind_rgb(int kind)
{
	if (kind < 0 || kind >= PAGEMIG_NR_KINDS)
		kind = PAGEMIG_KIND_RESERVED;
	return kind_rgb[kind];
}

/**
 * picture_diff_rgb() - The colour a class of the difference image has.
 * @d: PICTURE_SAME_FREE ... PICTURE_CHANGED.
 *
 * Return: three bytes (red, green, blue); NULL out of range.
 */
const uint8_t *picture_diff_rgb(enum picture_diff d)
{
	return d < PICTURE_NR_DIFF ? diff_rgb[d] : NULL;
}

/**
 * picture_snap_take() - The page kinds and zones of the live machine.
 * @s: filled; picture_snap_free() releases it.
 *
 * Return: 0, -ENODEV without a machine, -ENOMEM.
 */
int picture_snap_take(struct picture_snap *s)
{
	struct pagemig_zone_stats zs;
	int z, ret;

	memset(s, 0, sizeof(*s));
	if (!pagemig_machine_ready())
		return -ENODEV;
	s->nr_pages = pagemig_total_pages();
	s->kinds = malloc(s->nr_pages);
	if (!s->kinds)
		return -ENOMEM;
	ret = pagemig_page_kinds(0, s->nr_pages, s->kinds);
	if (ret) {
		picture_snap_free(s);
		return ret;
	}
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.spanned ||
		    zs.start_pfn >= s->nr_pages)
			continue;
		s->zones[s->nr_zones].name = zs.name;
		s->zones[s->nr_zones++].start_pfn = zs.start_pfn;
	}
	return 0;
}

/**
 * picture_snap_free() - Release what picture_snap_take() allocated.
 * @s: the snapshot; emptied, and safe to free again.
 */
void picture_snap_free(struct picture_snap *s)
{
	free(s->kinds);
	memset(s, 0, sizeof(*s));
}

/* Legend swatches and names from (x0, y), wrapping at @w; its height. */
static unsigned int legend(struct canvas *c, unsigned int y, unsigned int w,
			   const uint8_t (*rgb)[3], const char *const *names,
			   int n)
{
	unsigned int x = MARGIN, y0 = y;
	int i;

	for (i = 0; i < n; i++) {
		unsigned int wid = 10 + GLYPH_W * (unsigned int)strlen(names[i]) + 10;

		if (x + wid > w && x > MARGIN) {
			x = MARGIN;
			y += TEXT_H;
		}
		if (c) {
			fill(c, x, y, 7, 7, black);
			fill(c, x + 1, y + 1, 5, 5, rgb[i]);
			text(c, x + 10, y, names[i]);
		}
		x += wid;
	}
	return y + TEXT_H - y0;
}

static void name_kinds(const char **names)
{
	int k;

	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		names[k] = pagemig_kind_name(k);
}

/**
 * picture_layout() - Where the map, axes, zone bands and legend of a
 * snapshot's picture go.
 * @l: filled.
 * @s: the snapshot; only its page count and zone starts are read, so a
 *     snapshot with no kinds lays out a machine of any size.
 *
 * Return: 0, or -EINVAL for an empty machine or zones out of PFN order.
 */
int picture_layout(struct picture_layout *l, const struct picture_snap *s)
{
	unsigned long nr = s->nr_pages, blocks = (nr + BLOCK - 1) / BLOCK;
	const char *kind_names[PAGEMIG_NR_KINDS];
	unsigned int row_px, i, lh;

	memset(l, 0, sizeof(*l));
	if (!nr || s->nr_zones > PAGEMIG_NR_ZONES)
		return -EINVAL;
	l->nr_pages = nr;
	l->per_page = nr <= PER_PAGE_MAX;
	if (l->per_page) {
		l->scale = 1;
		l->row_pages = blocks <= 512 ? BLOCK : 2 * BLOCK;
		l->map_w = (unsigned int)l->row_pages;
		row_px = 1;
	} else {
		l->scale = SCALE_MAX;
		while (l->scale > 1 &&
		       blocks * l->scale * l->scale >= MAP_PIXELS)
			l->scale >>= 1;
		l->row_pages = BLOCK_MAP_W / l->scale * BLOCK;
		l->map_w = BLOCK_MAP_W;
		row_px = l->scale;
	}
	l->rows = (nr + l->row_pages - 1) / l->row_pages;
	for (l->tick_rows = 1; l->tick_rows * row_px < TICK_MIN_PX;)
		l->tick_rows *= 2;
	l->nr_zones = s->nr_zones;
	for (i = 0; i < s->nr_zones; i++) {
		if (i && s->zones[i].start_pfn < s->zones[i - 1].start_pfn)
			return -EINVAL;
		l->zone_row[i] = s->zones[i].start_pfn / l->row_pages;
	}
	l->map_x = MARGIN + AXIS_L;
	l->map_y = MARGIN + 2 * TEXT_H + 4;
	l->map_h = (unsigned int)l->rows * row_px + l->nr_zones * ZONE_BAND;
	l->w = l->map_x + l->map_w + AXIS_R + MARGIN;
	l->legend_y = l->map_y + l->map_h + 8;
	name_kinds(kind_names);
	lh = legend(NULL, 0, l->w, kind_rgb, kind_names, PAGEMIG_NR_KINDS);
	i = legend(NULL, 0, l->w, diff_rgb, diff_name, PICTURE_NR_DIFF);
	l->h = l->legend_y + (lh > i ? lh : i) + MARGIN;
	return 0;
}

/**
 * picture_pfn_xy() - Where a page is drawn.
 * @l: the layout.
 * @pfn: the page.
 * @x: its pixel's column (the left of its block's square, drawn by block).
 * @y: its row (the top of the square).
 *
 * Return: true, or false for a PFN beyond the machine.
 */
bool picture_pfn_xy(const struct picture_layout *l, unsigned long pfn,
		    unsigned int *x, unsigned int *y)
{
	unsigned long row = pfn / l->row_pages, col = pfn % l->row_pages;
	unsigned int bands = 0, i;

	if (pfn >= l->nr_pages)
		return false;
	for (i = 0; i < l->nr_zones; i++)
		if (l->zone_row[i] <= row)
			bands++;
	*y = l->map_y + (unsigned int)row * (l->per_page ? 1 : l->scale) +
	     bands * ZONE_BAND;
	*x = l->map_x + (unsigned int)(l->per_page ? col :
				       col / BLOCK * l->scale);
	return true;
}

/* Title, scale line, axes and zone bands: everything but the map. */
static void frame(struct canvas *c, const struct picture_layout *l,
		  const struct picture_snap *s, const char *title)
{
	char line[256], size[32], row[32];
	unsigned long r;
	unsigned int x, y, i;

	size_str(size, sizeof(size), (unsigned long long)l->nr_pages * PAGEMIG_PAGE_SIZE);
	snprintf(line, sizeof(line), "%s: %s, %lu pages, PFN 0x0-0x%lx",
		 title ? title : "", size, l->nr_pages, l->nr_pages - 1);
	text(c, MARGIN, MARGIN, line);
	size_str(row, sizeof(row), (unsigned long long)l->row_pages * PAGEMIG_PAGE_SIZE);
	if (l->per_page)
		snprintf(line, sizeof(line), "1 px = a 4 KiB page, row = %s (%lu pageblock%s); left: PFN, right: offset",
			 row, l->row_pages / BLOCK, l->row_pages > BLOCK ? "s" : "");
	else
		snprintf(line, sizeof(line), "%ux%u px = a 2 MiB pageblock, row = %s; left: PFN, right: offset",
			 l->scale, l->scale, row);
	text(c, MARGIN, MARGIN + TEXT_H, line);

	for (r = 0; r < l->rows; r += l->tick_rows) {
		unsigned long pfn = r * l->row_pages;
		unsigned long long bytes = (unsigned long long)pfn * PAGEMIG_PAGE_SIZE;
		unsigned long long step = (unsigned long long)l->tick_rows *
					  l->row_pages * PAGEMIG_PAGE_SIZE;

		picture_pfn_xy(l, pfn, &x, &y);
		fill(c, l->map_x - 4, y, 3, 1, black);
		fill(c, l->map_x + l->map_w + 1, y, 3, 1, black);
		snprintf(line, sizeof(line), "0x%lx", pfn);
		text(c, l->map_x - 8 - text(NULL, 0, 0, line), y > 3 ? y - 3 : 0, line);
		offset_str(line, sizeof(line), bytes, step);
		text(c, l->map_x + l->map_w + 8, y > 3 ? y - 3 : 0, line);
	}
	for (i = 0; i < s->nr_zones; i++) {
		unsigned int top = l->map_y + (unsigned int)l->zone_row[i] *
				   (l->per_page ? 1 : l->scale) + i * ZONE_BAND;

		fill(c, l->map_x - 4, top + ZONE_BAND - 2, l->map_w + 8, 1, black);
		snprintf(line, sizeof(line), "%s from PFN 0x%lx",
			 s->zones[i].name, s->zones[i].start_pfn);
		text(c, l->map_x + 2, top + 1, line);
	}
}

/* @s's layout, and a canvas of its size with the frame drawn. */
static int canvas_init(struct canvas *c, struct picture_layout *l,
		       const struct picture_snap *s, const char *title)
{
	int ret = picture_layout(l, s);

	if (ret)
		return ret;
	c->w = l->w;
	c->h = l->h;
	c->rgb = malloc((size_t)c->w * c->h * 3);
	if (!c->rgb)
		return -ENOMEM;
	memset(c->rgb, 0xff, (size_t)c->w * c->h * 3);
	frame(c, l, s, title);
	return 0;
}

/* Page @pfn (its block's square by block) in @rgb. */
static void plot(struct canvas *c, const struct picture_layout *l,
		 unsigned long pfn, const uint8_t *rgb)
{
	unsigned int x, y;

	if (!picture_pfn_xy(l, pfn, &x, &y))
		return;
	if (l->per_page)
		put(c, x, y, rgb);
	else
		fill(c, x, y, l->scale, l->scale, rgb);
}

/**
 * picture_draw() - Write a PNG of a snapshot.
 * @path: the file.
 * @title: the start of the title line.
 * @s: the snapshot.
 *
 * Return: 0, -EINVAL (see picture_layout()), -ENOMEM, -EIO.
 */
int picture_draw(const char *path, const char *title,
		 const struct picture_snap *s)
{
	const char *kind_names[PAGEMIG_NR_KINDS];
	struct picture_layout l;
	struct canvas c;
	unsigned long i;
	int ret;

	ret = canvas_init(&c, &l, s, title);
	if (ret)
		return ret;
	for (i = 0; i < s->nr_pages; i += l.per_page ? 1 : BLOCK) {
		unsigned long n = s->nr_pages - i < BLOCK ? s->nr_pages - i : BLOCK;

		plot(&c, &l, i, kind_rgb[l.per_page ? s->kinds[i] % PAGEMIG_NR_KINDS :
					 block_kind(s->kinds + i, n)]);
	}
	name_kinds(kind_names);
	legend(&c, l.legend_y, l.w, kind_rgb, kind_names, PAGEMIG_NR_KINDS);
	ret = write_png(path, &c);
	free(c.rgb);
	return ret;
}

static bool all_free(const uint8_t *kinds, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (kinds[i] != PAGEMIG_KIND_FREE)
			return false;
	return true;
}

/* What happened to one page; @block_freed: its block became wholly free. */
static enum picture_diff page_diff(uint8_t b, uint8_t a, bool block_freed)
{
	if (b == PAGEMIG_KIND_FREE)
		return a == PAGEMIG_KIND_FREE ? PICTURE_SAME_FREE : PICTURE_FILLED;
	if (a == PAGEMIG_KIND_FREE)
		return block_freed ? PICTURE_BLOCK_FREED : PICTURE_FREED;
	return a == b ? PICTURE_SAME_USED : PICTURE_CHANGED;
}

/*
 * A block as one square: wholly free now and not before says so first;
 * else the most common change; else used if anything is.
 */
static enum picture_diff block_diff(const uint8_t *b, const uint8_t *a,
				    unsigned long n)
{
	unsigned long per[PICTURE_NR_DIFF] = { 0 }, i;
	enum picture_diff d, best = PICTURE_FREED;

	if (all_free(a, n) && !all_free(b, n))
		return PICTURE_BLOCK_FREED;
	for (i = 0; i < n; i++)
		per[page_diff(b[i], a[i], false)]++;
	for (d = PICTURE_FREED; d < PICTURE_NR_DIFF; d++)
		if (per[d] > per[best])
			best = d;
	if (per[best])
		return best;
	return per[PICTURE_SAME_USED] ? PICTURE_SAME_USED : PICTURE_SAME_FREE;
}

/**
 * picture_draw_diff() - Write a PNG of what changed between two
 * snapshots of one machine.
 * @path: the file.
 * @title: the start of the title line.
 * @before: the first snapshot.
 * @after: the second, of the same machine (same size and zones).
 *
 * One pixel per page (a square per pageblock above 2 GiB) in the layout
 * picture_draw() uses, coloured by enum picture_diff.
 *
 * Return: 0, -EINVAL (machines of different sizes; see also
 * picture_layout()), -ENOMEM, -EIO.
 */
int picture_draw_diff(const char *path, const char *title,
		      const struct picture_snap *before,
		      const struct picture_snap *after)
{
	struct picture_layout l;
	struct canvas c;
	unsigned long i, j;
	int ret;

	if (before->nr_pages != after->nr_pages)
		return -EINVAL;
	ret = canvas_init(&c, &l, after, title);
	if (ret)
		return ret;
	for (i = 0; i < after->nr_pages; i += BLOCK) {
		unsigned long n = after->nr_pages - i < BLOCK ? after->nr_pages - i : BLOCK;
		const uint8_t *b = before->kinds + i, *a = after->kinds + i;
		bool freed;

		if (!l.per_page) {
			plot(&c, &l, i, diff_rgb[block_diff(b, a, n)]);
			continue;
		}
		freed = all_free(a, n) && !all_free(b, n);
		for (j = 0; j < n; j++)
			plot(&c, &l, i + j, diff_rgb[page_diff(b[j], a[j], freed)]);
	}
	legend(&c, l.legend_y, l.w, diff_rgb, diff_name, PICTURE_NR_DIFF);
	ret = write_png(path, &c);
	free(c.rgb);
	return ret;
}

/**
 * picture_write() - Write a PNG of the live machine's memory.
 * @path: the file.
 * @title: the start of the title line.
 * @keep: NULL, or where the snapshot drawn is kept for a later
 *        picture_write_diff() (the caller frees it with
 *        picture_snap_free(); emptied on failure).
 *
 * Return: 0, -ENODEV without a machine, -ENOMEM, -EIO.
 */
int picture_write(const char *path, const char *title,
		  struct picture_snap *keep)
{
	struct picture_snap s;
	int ret;

	ret = picture_snap_take(&s);
	if (ret)
		return ret;
	ret = picture_draw(path, title, &s);
	if (keep && !ret)
		*keep = s;
	else
		picture_snap_free(&s);
	return ret;
}

/**
 * picture_write_step() - The pictures of one compaction step.
 * @dir: the directory (it must exist).
 * @n: the step's number, from 1.
 * @snap: empty before the compaction, then what the first call kept.
 *
 * Call it before the compaction (DIR/stepN-before.png; the snapshot is kept
 * in @snap) and after it (DIR/stepN-after.png, the two side by side as
 * DIR/stepN.png, and what changed as DIR/stepN-diff.png).  The caller
 * frees @snap with picture_snap_free().
 *
 * Return: 0, or -errno of the first picture that could not be written.
 */
int picture_write_step(const char *dir, unsigned int n,
		       struct picture_snap *snap)
{
	const char *when = snap->kinds ? "after" : "before";
	char path[4096], left[4096], both[4096], title[64];
	int ret;

	snprintf(path, sizeof(path), "%s/step%u-%s.png", dir, n, when);
	snprintf(title, sizeof(title), "Step %u, %s compaction", n, when);
	ret = picture_write(path, title, snap->kinds ? NULL : snap);
	if (ret || !strcmp(when, "before"))
		return ret;
	snprintf(left, sizeof(left), "%s/step%u-before.png", dir, n);
	snprintf(both, sizeof(both), "%s/step%u.png", dir, n);
	ret = picture_side_by_side(both, left, path);
	snprintf(path, sizeof(path), "%s/step%u-diff.png", dir, n);
	snprintf(title, sizeof(title), "Step %u, what compaction changed", n);
	return ret ? ret : picture_write_diff(path, title, snap);
}

/**
 * picture_write_diff() - Write the difference between a snapshot and the
 * live machine.
 * @path: the file.
 * @title: the start of the title line.
 * @before: a snapshot kept by picture_write().
 *
 * Return: 0, -ENODEV (no machine, or no snapshot), -EINVAL, -ENOMEM, -EIO.
 */
int picture_write_diff(const char *path, const char *title,
		       const struct picture_snap *before)
{
	struct picture_snap s;
	int ret;

	if (!before->kinds)
		return -ENODEV;
	ret = picture_snap_take(&s);
	if (ret)
		return ret;
	ret = picture_draw_diff(path, title, before, &s);
	picture_snap_free(&s);
	return ret;
}

/**
 * picture_read() - Read a PNG back as 8-bit RGB.
 * @path: the file.
 * @w: its width.
 * @h: its height.
 * @rgb: @w * @h * 3 bytes, row by row, malloc()ed; the caller frees them.
 *
 * Return: 0, -EIO (not a readable PNG), -ENOMEM.
 */
int picture_read(const char *path, unsigned int *w, unsigned int *h,
		 uint8_t **rgb)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return -EIO;
	img.format = PNG_FORMAT_RGB;
	*w = img.width;
	*h = img.height;
	*rgb = malloc(PNG_IMAGE_SIZE(img));
	if (!*rgb) {
		png_image_free(&img);
		return -ENOMEM;
	}
	if (!png_image_finish_read(&img, NULL, *rgb, 0, NULL)) {
		free(*rgb);
		return -EIO;
	}
	return 0;
}

static int read_png(const char *path, struct canvas *c)
{
	return picture_read(path, &c->w, &c->h, &c->rgb);
}

/**
 * picture_side_by_side() - Two PNGs next to each other.
 * @path: the result.
 * @left: the first picture (before).
 * @right: the second (after).
 *
 * Return: 0, -EIO (a file unreadable or unwritable), -ENOMEM.
 */
int picture_side_by_side(const char *path, const char *left,
				 const char *right)
{
	struct canvas l, r, c;
	unsigned int y;
	int ret;

	ret = read_png(left, &l);
	if (ret)
		return ret;
	ret = read_png(right, &r);
	if (ret) {
		free(l.rgb);
		return ret;
	}
	c.w = l.w + 16 + r.w;
	c.h = l.h > r.h ? l.h : r.h;
	c.rgb = malloc((size_t)c.w * c.h * 3);
	if (!c.rgb) {
		ret = -ENOMEM;
		goto out;
	}
	memset(c.rgb, 0xff, (size_t)c.w * c.h * 3);
	for (y = 0; y < l.h; y++)
		memcpy(&c.rgb[(size_t)y * c.w * 3], &l.rgb[(size_t)y * l.w * 3],
		       (size_t)l.w * 3);
	for (y = 0; y < r.h; y++)
		memcpy(&c.rgb[((size_t)y * c.w + l.w + 16) * 3],
		       &r.rgb[(size_t)y * r.w * 3], (size_t)r.w * 3);
	ret = write_png(path, &c);
	free(c.rgb);
out:
	free(l.rgb);
	free(r.rgb);
	return ret;
}
