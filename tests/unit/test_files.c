// SPDX-License-Identifier: GPL-2.0
/*
 * facade/files.c, the library's whole jobs: a scenario file run to its
 * reports, a kpageflags snapshot imported to JSON, and the JSON report of
 * a machine a program drives itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "harness/data.h"
#include "harness/test.h"

/* A stream into memory, read back with text(). */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static const char *text(struct mem *m)
{
	fflush(m->f);
	return m->buf ? m->buf : "";
}

static void mem_close(struct mem *m)
{
	fclose(m->f);
	free(m->buf);
}

static void write_yaml(char *path, size_t len, const char *yaml)
{
	FILE *f;

	snprintf(path, len, "/tmp/test_files.%d.yaml", (int)getpid());
	f = fopen(path, "w");
	if (f) {
		fputs(yaml, f);
		fclose(f);
	}
}

TEST(scenario_run_file_writes_both_reports)
{
	struct mem json = { 0 }, txt = { 0 };
	struct pagemig_run_opts o = { .seed = 3, .seed_given = true };
	char path[64], err[256] = "";

	write_yaml(path, sizeof(path),
		   "machine: { memory: 32M, extfrag_threshold: 900 }\n"
		   "steps:\n"
		   "  - alloc: { count: 100, order: 1, tag: a }\n"
		   "  - verify\n");
	json.f = open_memstream(&json.buf, &json.len);
	txt.f = open_memstream(&txt.buf, &txt.len);
	o.json = json.f;
	o.text = txt.f;
	ASSERT_EQ(0, pagemig_scenario_run_file(path, &o, err, sizeof(err)));
	EXPECT_FALSE(pagemig_machine_ready());
	EXPECT_NOT_NULL(strstr(text(&json), "\"status\": \"ok\""));
	EXPECT_NOT_NULL(strstr(text(&json), "\"seed\": 3,"));
	EXPECT_NOT_NULL(strstr(text(&json), "\"extfrag_index\": ["));
	EXPECT_NOT_NULL(strstr(text(&txt), "verify: 200 pages checked, 0 corrupted\n"));
	mem_close(&json);
	mem_close(&txt);

	/* A bad scenario: one message naming file, line and key. */
	write_yaml(path, sizeof(path), "machine: { cpus: 0 }\nsteps: []\n");
	EXPECT_EQ(-EINVAL, pagemig_scenario_run_file(path, NULL, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, ":1: machine.cpus: expected an integer 1..64"));
	unlink(path);
}

TEST(import_file_writes_the_json_report)
{
	struct mem json = { 0 };
	char flags[4096], count[4096], err[256] = "";

	snprintf(flags, sizeof(flags), "%s", test_data_path("kpageflags-host.zst"));
	snprintf(count, sizeof(count), "%s", test_data_path("kpagecount-host.zst"));
	json.f = open_memstream(&json.buf, &json.len);
	ASSERT_EQ(0, pagemig_import_file(flags, count, true, json.f, err,
					 sizeof(err)));
	EXPECT_FALSE(pagemig_machine_ready());
	EXPECT_NOT_NULL(strstr(text(&json), "{\"inferred\": {\"file_pages\": 65536,"));
	EXPECT_NOT_NULL(strstr(text(&json), "\"compaction\": {\"free_in_2m_mib\": "));
	mem_close(&json);

	EXPECT_GT(0, pagemig_import_file("/nonexistent", NULL, false, NULL,
					 err, sizeof(err)));
	EXPECT_NE('\0', err[0]);
}

TEST(report_json_of_a_machine_driven_by_hand)
{
	struct mem json = { 0 };
	struct pagemig_config cfg;
	char err[256];
	unsigned long pfn;

	json.f = open_memstream(&json.buf, &json.len);
	EXPECT_EQ(-ENODEV, pagemig_report_json(json.f));
	pagemig_config_default(&cfg);
	cfg.memory = 32 << 20;
	ASSERT_EQ(0, pagemig_machine_init(&cfg, err, sizeof(err)));
	ASSERT_EQ(0, pagemig_alloc_pages(0, 3, &pfn));
	ASSERT_EQ(0, pagemig_report_json(json.f));
	EXPECT_NOT_NULL(strstr(text(&json), "\"name\": \"machine\""));
	EXPECT_NOT_NULL(strstr(text(&json), "\"pgalloc_normal\": "));
	EXPECT_NOT_NULL(strstr(text(&json), "\"fragmentation_score\": "));
	EXPECT_EQ(0, pagemig_free_pages(pfn, 3));
	pagemig_machine_exit();
	mem_close(&json);
}
