/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A capture directory as the machine pagemig_import() builds: what
 * `pagemig import DIR` and `pagemig twin DIR` read from the capture
 * (twin/capture.h) and hand to the library, and how they print the
 * kernel's zones, holes and pageblocks beside the machine built.
 */
#ifndef _PAGEMIG_CLI_REAL_MACHINE_H
#define _PAGEMIG_CLI_REAL_MACHINE_H

#include <stdio.h>

#include <pagemig/pagemig.h>

#include "twin/capture.h"

/* A pagemig_real_machine and the arrays it points into. */
struct real_machine {
	struct pagemig_real_machine m;
	struct pagemig_pfn_range *ram, *offline;
	char flags_path[4096], count_path[4096];
	bool has_counts;
};

int real_machine_from_capture(const struct capture *cap,
			      struct real_machine *rm, char *err,
			      size_t errlen);
void real_machine_free(struct real_machine *rm);
bool is_capture_dir(const char *path);

unsigned int real_layout_print(FILE *f, const struct capture *cap,
			       const struct pagemig_import_report *rep);
unsigned int real_buddy_print(FILE *f, const struct capture *cap,
			      const struct pagemig_import_report *rep);
struct json_object;
struct json_object *real_layout_json(const struct capture *cap,
				     const struct pagemig_import_report *rep);

#endif /* _PAGEMIG_CLI_REAL_MACHINE_H */
