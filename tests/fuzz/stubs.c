// SPDX-License-Identifier: GPL-2.0
/*
 * What workload/kpageflags.c needs from the library besides the parser,
 * for the fuzz binary: the parser never builds a machine there, so the
 * machine calls only have to link.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>

static const char *const names[PAGEMIG_NR_KINDS] = {
	"free", "anon", "file", "balloon", "zsmalloc", "pgtable", "slab",
	"unmovable", "isolated", "reserved",
};

const char *pagemig_kind_name(int kind)
{
	return kind >= 0 && kind < PAGEMIG_NR_KINDS ? names[kind] : NULL;
}

void pagemig_config_default(struct pagemig_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

int pagemig_config_check(const struct pagemig_config *cfg, char *err, size_t errlen)
{
	return -EINVAL;
}

int pagemig_machine_init(const struct pagemig_config *cfg, char *err, size_t errlen)
{
	return -EINVAL;
}

void pagemig_machine_exit(void)
{
}

int pagemig_import_apply(const struct pagemig_import_page *plan,
			 unsigned long nr, char *err, size_t errlen)
{
	return -EINVAL;
}

int pagemig_compaction_proactiveness_set(int value)
{
	return -ENODEV;
}
