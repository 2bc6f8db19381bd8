/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pictures of physical memory (report/picture.c): a PNG of the live
 * machine, and two PNGs side by side.  A run draws them around its
 * compact steps when its options name a directory (step_picture()).
 */
#ifndef _PAGEMIG_REPORT_PICTURE_H
#define _PAGEMIG_REPORT_PICTURE_H

int picture_write(const char *path, const char *title);
int picture_side_by_side(const char *path, const char *left,
			 const char *right);

#endif /* _PAGEMIG_REPORT_PICTURE_H */
