/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pictures of physical memory (report/picture.c): a PNG of the machine
 * with PFN and GiB axes, zone lines and a legend, a difference image of
 * two snapshots (what compaction moved, what became free), and two PNGs
 * side by side.  A run draws them around its compact steps when its
 * options name a directory (step_picture() in workload/step_compact.c).
 */
#ifndef _PAGEMIG_REPORT_PICTURE_H
#define _PAGEMIG_REPORT_PICTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <pagemig/pagemig.h>

/* The page kinds of a whole machine, and where its zones start. */
struct picture_snap {
	unsigned long nr_pages;
	uint8_t *kinds;			/* PAGEMIG_KIND_* per PFN, malloc()ed */
	unsigned int nr_zones;		/* populated zones, in PFN order */
	struct {
		const char *name;	/* "DMA32", "Normal": static strings */
		unsigned long start_pfn;
	} zones[PAGEMIG_NR_ZONES];
};

/*
 * Where everything goes.  Up to 512K pages (2 GiB) one pixel per page,
 * a row of one or two pageblocks; above, each pageblock an s x s square,
 * s a power of two from 16 down to 1 so that the map stays below 1M
 * pixels, 1024 pixels wide.  A zone starts below a band of ZONE_BAND
 * pixels holding its line and name.
 */
struct picture_layout {
	unsigned long nr_pages;
	bool per_page;			/* one pixel per page */
	unsigned int scale;		/* pixels per side of a pageblock */
	unsigned long row_pages;	/* pages per row of the map */
	unsigned long rows;
	unsigned int tick_rows;		/* rows between axis labels */
	unsigned int map_x, map_y, map_w, map_h;
	unsigned int legend_y;
	unsigned int w, h;		/* the whole image */
	unsigned int nr_zones;
	unsigned long zone_row[PAGEMIG_NR_ZONES];	/* row a zone starts in */
};

/* The difference image's classes of page (or pageblock). */
enum picture_diff {
	PICTURE_SAME_FREE,	/* free before and after */
	PICTURE_SAME_USED,	/* used before and after, same kind */
	PICTURE_FREED,		/* used before, free after */
	PICTURE_BLOCK_FREED,	/* freed, and its whole pageblock is free now */
	PICTURE_FILLED,		/* free before, used after */
	PICTURE_CHANGED,	/* used before and after, another kind */
	PICTURE_NR_DIFF
};

int picture_snap_take(struct picture_snap *s);
void picture_snap_free(struct picture_snap *s);
int picture_layout(struct picture_layout *l, const struct picture_snap *s);
bool picture_pfn_xy(const struct picture_layout *l, unsigned long pfn,
		    unsigned int *x, unsigned int *y);
const uint8_t *picture_kind_rgb(int kind);
const uint8_t *picture_diff_rgb(enum picture_diff d);
int picture_draw(const char *path, const char *title,
		 const struct picture_snap *s);
int picture_draw_diff(const char *path, const char *title,
		      const struct picture_snap *before,
		      const struct picture_snap *after);
int picture_write(const char *path, const char *title,
		  struct picture_snap *keep);
int picture_write_diff(const char *path, const char *title,
		       const struct picture_snap *before);
int picture_write_step(const char *dir, unsigned int n,
		       struct picture_snap *snap);
int picture_read(const char *path, unsigned int *w, unsigned int *h,
		 uint8_t **rgb);
int picture_side_by_side(const char *path, const char *left,
			 const char *right);

#endif /* _PAGEMIG_REPORT_PICTURE_H */
