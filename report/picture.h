/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pictures of physical memory (report/picture.c): a PNG of the live
 * machine, two PNGs side by side, and the hook the compact step calls
 * around each compaction, which draws only once a directory is set.
 */
#ifndef _PAGEMIG_REPORT_PICTURE_H
#define _PAGEMIG_REPORT_PICTURE_H

int picture_write(const char *path, const char *title);
int picture_side_by_side(const char *path, const char *left,
			 const char *right);
void picture_set_dir(const char *dir);
const char *picture_dir(void);
int picture_hook(const char *when, unsigned int step);

#endif /* _PAGEMIG_REPORT_PICTURE_H */
