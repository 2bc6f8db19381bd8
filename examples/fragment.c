// SPDX-License-Identifier: GPL-2.0
/* A process fragments memory; compaction mends it; print the JSON report. */
#include <stdio.h>
#include <pagemig/pagemig.h>

#define PAGES	16384UL				/* 64 MiB of anonymous memory */

int main(void)
{
	struct pagemig_config cfg;
	unsigned long addr, i;
	char err[256];
	int pid;

	pagemig_config_default(&cfg);		/* 256 MiB, 2 CPUs, seed 1 */
	if (pagemig_machine_init(&cfg, err, sizeof(err))) {
		fprintf(stderr, "fragment: %s\n", err);
		return 1;
	}
	pid = pagemig_process_create();
	pagemig_mmap_anon(pid, PAGES * PAGEMIG_PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr);
	for (i = 0; i < PAGES; i++)		/* fault every page in */
		pagemig_access(pid, addr + i * PAGEMIG_PAGE_SIZE, &i, sizeof(i), true);
	for (i = 0; i < PAGES; i += 2)		/* then drop every other one */
		pagemig_madvise_dontneed(pid, addr + i * PAGEMIG_PAGE_SIZE, PAGEMIG_PAGE_SIZE);
	pagemig_sysctl_set("extfrag_threshold", 100);
	fprintf(stderr, "libpagemig %s: fragmentation score %d, ", pagemig_version(),
		pagemig_fragmentation_score(-1));
	pagemig_compact(-1);
	fprintf(stderr, "%d after compaction\n", pagemig_fragmentation_score(-1));
	pagemig_report_json(stdout);
	pagemig_process_exit(pid);
	pagemig_machine_exit();
	return 0;
}
