/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports of a scenario run: text in the kernel's /proc formats, or the
 * same content as one JSON object.  Both read the live machine, so call
 * them after scenario_run_steps() and before scenario_run_finish().
 */
#ifndef _PAGEMIG_REPORT_REPORT_H
#define _PAGEMIG_REPORT_REPORT_H

#include <stdio.h>

#include "workload/scenario.h"

void report_text_header(FILE *f, const struct scenario_run *run);
int report_text(FILE *f, const struct scenario_run *run);
void report_text_verify(FILE *f, const struct scenario_run *run);
int report_json(FILE *f, const struct scenario_run *run);

/* vmstat lines the text report shows; JSON has them all. */
bool report_vmstat_selected(const char *name, unsigned long value);

/* "256 MiB", "1.5 GiB" */
void report_format_size(char *buf, size_t len, uint64_t bytes);
double report_mib(unsigned long pages);

#endif /* _PAGEMIG_REPORT_REPORT_H */
