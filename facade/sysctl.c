// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/sys/vm knobs a user turns, by their sysctl names, for the
 * scenario keys and `pagemig run --set`.  Each write goes where the
 * kernel's handler sends it:
 *
 *	extfrag_threshold		compaction_suitable(): a fragindex at or
 *					below it means "reclaim, not compaction"
 *	compaction_proactiveness	kcompactd's fragmentation-score targets
 *	min_free_kbytes			the min watermark, and from it low, high,
 *	watermark_scale_factor		the gap between them; then each zone's
 *	percpu_pagelist_high_fraction	per-CPU list high (zone_highsize())
 *	watermark_boost_factor		how far a fallback boosts the watermarks
 *					(boost_watermark()), kswapd's cue
 *
 * Every machine boots with the kernel's defaults (min_free_kbytes as
 * calculate_min_free_kbytes() derives it from memory).
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/compaction.h>
#include "../mm/facade.h"
#include "internal.h"

struct vm_sysctl {
	const char *name;
	long min, max;
	int *knob;		/* NULL: compaction_proactiveness */
	bool wmark;		/* watermarks and pcp lists follow */
};

/* The kernel's ranges (kernel/sysctl.c, mm/page_alloc.c, mm/compaction.c). */
static const struct vm_sysctl vm_sysctls[] = {
	{ "compaction_proactiveness", 0, 100, NULL, false },
	{ "extfrag_threshold", 0, 1000, &sysctl_extfrag_threshold, false },
	{ "min_free_kbytes", 0, INT32_MAX, &min_free_kbytes, true },
	{ "percpu_pagelist_high_fraction", 0, INT32_MAX,
	  &percpu_pagelist_high_fraction, true },
	{ "watermark_boost_factor", 0, INT32_MAX, &watermark_boost_factor, false },
	{ "watermark_scale_factor", 1, 3000, &watermark_scale_factor, true },
};

/* kernel: MIN_PERCPU_PAGELIST_HIGH_FRACTION; 1..7 are refused. */
#define MIN_PCP_HIGH_FRACTION	8

static const struct vm_sysctl *vm_sysctl_find(const char *name)
{
	size_t i;

	if (!strncmp(name, "vm.", 3))
		name += 3;
	for (i = 0; i < sizeof(vm_sysctls) / sizeof(vm_sysctls[0]); i++)
		if (!strcmp(vm_sysctls[i].name, name))
			return &vm_sysctls[i];
	return NULL;
}

const char *pagemig_sysctl_name(unsigned int i)
{
	return i < sizeof(vm_sysctls) / sizeof(vm_sysctls[0]) ?
	       vm_sysctls[i].name : NULL;
}

int pagemig_sysctl_check(const char *name, long value, char *err,
			 size_t errlen)
{
	const struct vm_sysctl *s = vm_sysctl_find(name);

	if (!s) {
		snprintf(err, errlen, "no sysctl vm.%s here", name);
		return -ENOENT;
	}
	if (value < s->min || value > s->max ||
	    (s->knob == &percpu_pagelist_high_fraction && value &&
	     value < MIN_PCP_HIGH_FRACTION)) {
		if (s->knob == &percpu_pagelist_high_fraction)
			snprintf(err, errlen, "vm.%s: expected 0 or 8..%ld, got %ld",
				 s->name, s->max, value);
		else
			snprintf(err, errlen, "vm.%s: expected %ld..%ld, got %ld",
				 s->name, s->min, s->max, value);
		return -EINVAL;
	}
	return 0;
}

int pagemig_sysctl_set(const char *name, long value)
{
	const struct vm_sysctl *s = vm_sysctl_find(name);
	char why[128];
	int ret;

	if (!machine_ready)
		return -ENODEV;
	ret = pagemig_sysctl_check(name, value, why, sizeof(why));
	if (ret)
		return ret;
	if (!s->knob)
		return compaction_proactiveness_set((unsigned int)value);
	if (s->wmark)
		vm_wmark_sysctl_set(s->knob, (int)value);
	else
		WRITE_ONCE(*s->knob, (int)value);
	return 0;
}

int pagemig_sysctl_get(const char *name, long *value)
{
	const struct vm_sysctl *s = vm_sysctl_find(name);

	if (!s)
		return -ENOENT;
	if (!s->knob)
		*value = (long)READ_ONCE(sysctl_compaction_proactiveness);
	else
		*value = READ_ONCE(*s->knob);
	return 0;
}

/**
 * sysctl_boot_defaults() - The knobs as a freshly booted kernel has them.
 *
 * Called by pagemig_machine_init() before mm builds the machine, so that
 * what one machine set does not leak into the next built in the process
 * (min_free_kbytes and proactiveness mm sets again itself).
 */
void sysctl_boot_defaults(void)
{
	WRITE_ONCE(sysctl_extfrag_threshold, 500);
	WRITE_ONCE(watermark_scale_factor, 10);
	WRITE_ONCE(watermark_boost_factor, 15000);
	WRITE_ONCE(percpu_pagelist_high_fraction, 0);
}
