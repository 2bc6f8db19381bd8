/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KPF_* bits of /proc/kpageflags, as Documentation/admin-guide/mm/pagemap.rst
 * (Linux 6.17) numbers them: the stable bits 0-26 and the kernel-hacking
 * bits 32-42.  kernel: include/uapi/linux/kernel-page-flags.h and
 * include/linux/kernel-page-flags.h.  fs/proc/page.c sets them; the facade
 * publishes the same numbers as PAGEMIG_KPF_* in pagemig.h.
 */
#ifndef _PAGEMIG_KERNEL_PAGE_FLAGS_H
#define _PAGEMIG_KERNEL_PAGE_FLAGS_H

#define KPF_LOCKED		0
#define KPF_ERROR		1
#define KPF_REFERENCED		2
#define KPF_UPTODATE		3
#define KPF_DIRTY		4
#define KPF_LRU			5
#define KPF_ACTIVE		6
#define KPF_SLAB		7
#define KPF_WRITEBACK		8
#define KPF_RECLAIM		9
#define KPF_BUDDY		10
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPCACHE		13
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_UNEVICTABLE		18
#define KPF_HWPOISON		19
#define KPF_NOPAGE		20
#define KPF_KSM			21
#define KPF_THP			22
#define KPF_OFFLINE		23
#define KPF_ZERO_PAGE		24
#define KPF_IDLE		25
#define KPF_PGTABLE		26

#define KPF_RESERVED		32
#define KPF_MLOCKED		33
#define KPF_OWNER_2		34
#define KPF_PRIVATE		35
#define KPF_PRIVATE_2		36
#define KPF_OWNER_PRIVATE	37
#define KPF_ARCH		38
#define KPF_UNCACHED		39
#define KPF_SOFTDIRTY		40
#define KPF_ARCH_2		41
#define KPF_ARCH_3		42

#endif /* _PAGEMIG_KERNEL_PAGE_FLAGS_H */
