/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the facade's files share among themselves and nobody else uses:
 * the objects behind the facade's numbers, and the teardown and
 * validation hooks facade/machine.c calls.
 */
#ifndef _PAGEMIG_FACADE_INTERNAL_H
#define _PAGEMIG_FACADE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* facade/machine.c: true while a machine exists. */
extern bool machine_ready;

/* facade/sysctl.c */
void sysctl_boot_defaults(void);

/* facade/memory.c: page @i of a content pattern unique per @tag. */
void tag_fill(uint64_t *p, uint64_t tag, unsigned long i);
bool tag_check(const uint64_t *p, uint64_t tag, unsigned long i);

struct mm_struct;
struct file;
struct zram;

/* facade/process.c: the mm and file behind a process or file number. */
struct mm_struct *process_mm(int pid);
struct file *process_file(int fid);
int processes_init(void);
void processes_destroy_all(void);

/* facade/zram.c: the device behind a zram number (NULL: none). */
struct zram *zram_device(int id);
void zram_destroy_all(void);

/* facade/kpageflags.c: the last import's result goes with its machine. */
void import_forget(void);
void import_zram_gone(int id);

/* facade/balloon.c: balloon invariants, for the validator. */
unsigned long balloon_validate(FILE *f);

#endif /* _PAGEMIG_FACADE_INTERNAL_H */
