/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the facade's files share among themselves and nobody else uses:
 * the objects behind the facade's numbers, and the teardown and
 * validation hooks facade/machine.c calls.
 */
#ifndef _PAGEMIG_FACADE_INTERNAL_H
#define _PAGEMIG_FACADE_INTERNAL_H

#include <stdio.h>

struct mm_struct;
struct file;
struct zram;

/* facade/process.c: the mm and file behind a process or file number. */
struct mm_struct *process_mm(int pid);
struct file *process_file(int fid);
void processes_destroy_all(void);

/* facade/zram.c: the device behind a zram number (NULL: none). */
struct zram *zram_device(int id);
void zram_destroy_all(void);

/* facade/kpageflags.c: the last import's result goes with its machine. */
void import_forget(void);
void import_zram_gone(int id);

/* facade/balloon.c: spec 12.2's balloon invariants, for the validator. */
unsigned long balloon_validate(FILE *f);

#endif /* _PAGEMIG_FACADE_INTERNAL_H */
