// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures of physical memory (libpng).
 *
 * One pixel per page, a pageblock (2 MiB) per row, while the machine has
 * at most 4M pages; above that one 2x2 square per pageblock, 256
 * pageblocks (512 MiB) per row, coloured by the pageblock's most common
 * kind -- except that a block holding any unmovable page shows the
 * unmovable kind, since that is what decides whether it can ever be
 * free.  A title line and a legend of colour swatches are drawn with a
 * tiny built-in 5x7 font, so no font library is needed.
 *
 * A run draws stepN-before.png and stepN-after.png around each compact
 * step when its options name a directory (`--picture DIR`; step_picture()
 * in workload/run.c).
 * Everything here draws through the public facade (pagemig.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include <pagemig/pagemig.h>

#include "picture.h"

#define PER_PAGE_MAX	(4UL << 20)	/* pages: above, one square per block */
#define BLOCK		PAGEMIG_PAGEBLOCK_PAGES
#define BLOCKS_PER_ROW	256
#define MARGIN		4
#define TEXT_H		10		/* 7 rows of glyph + spacing */

static const uint8_t kind_rgb[PAGEMIG_NR_KINDS][3] = {
	[PAGEMIG_KIND_FREE]		= { 0xf4, 0xf4, 0xf4 },
	[PAGEMIG_KIND_ANON]		= { 0x3c, 0x8d, 0xd9 },
	[PAGEMIG_KIND_FILE]		= { 0x4c, 0xb0, 0x50 },
	[PAGEMIG_KIND_BALLOON]		= { 0xff, 0xa0, 0x1c },
	[PAGEMIG_KIND_ZSMALLOC]		= { 0xa0, 0x5c, 0xd6 },
	[PAGEMIG_KIND_PGTABLE]		= { 0xe9, 0x1e, 0x63 },
	[PAGEMIG_KIND_SLAB]		= { 0xb0, 0x20, 0x20 },
	[PAGEMIG_KIND_UNMOVABLE]	= { 0x50, 0x10, 0x10 },
	[PAGEMIG_KIND_ISOLATED]		= { 0xff, 0xeb, 0x3b },
	[PAGEMIG_KIND_RESERVED]		= { 0x20, 0x20, 0x20 },
};

/*
 * 5x7 glyphs, one byte per row, low 5 bits, bit 4 leftmost.  Lower case,
 * digits and a little punctuation: every title and label is lower case.
 */
static const struct glyph {
	char c;
	uint8_t rows[7];
} font[] = {
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

/* Draw @s at (x, y); returns the x after it. */
static unsigned int text(struct canvas *c, unsigned int x, unsigned int y,
			 const char *s)
{
	static const uint8_t ink[3] = { 0, 0, 0 };
	size_t g;
	int r, b;

	for (; *s; s++, x += 6) {
		char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		for (g = 0; g < sizeof(font) / sizeof(font[0]); g++)
			if (font[g].c == ch)
				break;
		if (g == sizeof(font) / sizeof(font[0]))
			continue;	/* space and anything unknown */
		for (r = 0; r < 7; r++)
			for (b = 0; b < 5; b++)
				if (font[g].rows[r] & (0x10 >> b))
					put(c, x + (unsigned int)b, y + (unsigned int)r, ink);
	}
	return x;
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
	static const int unmovable[] = {
		PAGEMIG_KIND_UNMOVABLE, PAGEMIG_KIND_SLAB,
		PAGEMIG_KIND_PGTABLE, PAGEMIG_KIND_RESERVED,
	};
	int k, best = PAGEMIG_KIND_FREE, worst = -1;

	for (i = 0; i < n; i++)
		per[kinds[i]]++;
	for (k = 0; k < 4; k++)
		if (per[unmovable[k]] && (worst < 0 || per[unmovable[k]] > per[worst]))
			worst = unmovable[k];
	if (worst >= 0)
		return worst;
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		if (per[k] > per[best])
			best = k;
	return best;
}

/**
 * picture_write() - Write a PNG of the live machine's memory.
 * @path: the file.
 * @title: a line above the picture (lower case reads best).
 *
 * Return: 0, -ENODEV without a machine, -ENOMEM, -EIO.
 */
int picture_write(const char *path, const char *title)
{
	unsigned long nr = pagemig_total_pages(), i, rows;
	unsigned int map_w, map_h, legend_y, x, y, scale;
	bool per_page = nr <= PER_PAGE_MAX;
	struct canvas c;
	uint8_t *kinds;
	char line[160];
	int k, ret;

	if (!pagemig_machine_ready())
		return -ENODEV;
	kinds = malloc(nr);
	if (!kinds)
		return -ENOMEM;
	ret = pagemig_page_kinds(0, nr, kinds);
	if (ret)
		goto out_kinds;
	if (per_page) {
		map_w = BLOCK;
		rows = (nr + BLOCK - 1) / BLOCK;
		scale = 1;
	} else {
		map_w = BLOCKS_PER_ROW * 2;
		rows = (nr / BLOCK + BLOCKS_PER_ROW - 1) / BLOCKS_PER_ROW;
		scale = 2;
	}
	map_h = (unsigned int)rows * scale;
	c.w = map_w + 2 * MARGIN;
	legend_y = MARGIN + TEXT_H + map_h + MARGIN;
	c.h = legend_y + 3 * TEXT_H + MARGIN;
	c.rgb = malloc((size_t)c.w * c.h * 3);
	if (!c.rgb) {
		ret = -ENOMEM;
		goto out_kinds;
	}
	memset(c.rgb, 0xff, (size_t)c.w * c.h * 3);

	snprintf(line, sizeof(line), "%s: %lu mib, %s", title ? title : "",
		 nr >> 8, per_page ? "1 px = 4 kib, row = 2 mib" :
				     "2x2 px = 2 mib, row = 512 mib");
	text(&c, MARGIN, MARGIN, line);
	if (per_page) {
		for (i = 0; i < nr; i++)
			put(&c, MARGIN + (unsigned int)(i % BLOCK),
			    MARGIN + TEXT_H + (unsigned int)(i / BLOCK),
			    kind_rgb[kinds[i]]);
	} else {
		for (i = 0; i + BLOCK <= nr; i += BLOCK) {
			unsigned long b = i / BLOCK;

			fill(&c, MARGIN + (unsigned int)(b % BLOCKS_PER_ROW) * 2,
			     MARGIN + TEXT_H + (unsigned int)(b / BLOCKS_PER_ROW) * 2,
			     2, 2, kind_rgb[block_kind(kinds + i, BLOCK)]);
		}
	}
	/* Legend: a swatch and a name per kind, as many per line as fit. */
	x = MARGIN;
	y = legend_y;
	for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
		const char *name = pagemig_kind_name(k);
		unsigned int wid = 10 + 6 * (unsigned int)strlen(name) + 8;

		if (x + wid > c.w && x > MARGIN) {
			x = MARGIN;
			y += TEXT_H;
		}
		fill(&c, x, y, 7, 7, (const uint8_t[3]){ 0, 0, 0 });
		fill(&c, x + 1, y + 1, 5, 5, kind_rgb[k]);
		text(&c, x + 10, y, name);
		x += wid;
	}
	ret = write_png(path, &c);
	free(c.rgb);
out_kinds:
	free(kinds);
	return ret;
}

static int read_png(const char *path, struct canvas *c)
{
	png_image img;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return -EIO;
	img.format = PNG_FORMAT_RGB;
	c->w = img.width;
	c->h = img.height;
	c->rgb = malloc(PNG_IMAGE_SIZE(img));
	if (!c->rgb) {
		png_image_free(&img);
		return -ENOMEM;
	}
	if (!png_image_finish_read(&img, NULL, c->rgb, 0, NULL)) {
		free(c->rgb);
		return -EIO;
	}
	return 0;
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
