/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files the tests read from tests/data/: $PAGEMIG_TEST_DATA_DIR/NAME when
 * that is set, else tests/data/NAME next to this header (the tests run
 * from the top of the tree, as `make check` runs them), and a facade
 * rendering read into a string.
 */
#ifndef _PAGEMIG_TEST_DATA_H
#define _PAGEMIG_TEST_DATA_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path of tests/data/@name, in a static buffer. */
static inline const char *test_data_path(const char *name)
{
	static char path[PATH_MAX];
	const char *env = getenv("PAGEMIG_TEST_DATA_DIR");
	char dir[PATH_MAX / 2];
	char *slash;

	if (env) {
		snprintf(path, sizeof(path), "%s/%s", env, name);
		return path;
	}
	/* __FILE__ is tests/harness/data.h from the top. */
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/../data/%s", dir, name);
	return path;
}

/* What @show prints (pagemig_show_buddyinfo() and the like), malloc()ed. */
static inline char *test_render(int (*show)(FILE *f), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (show(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

#endif /* _PAGEMIG_TEST_DATA_H */
