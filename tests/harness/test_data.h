/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the test data (tests/data/) from a test binary, wherever the
 * build put it, and reading a facade's rendering into a string.
 */
#ifndef _PAGEMIG_TEST_DATA_H
#define _PAGEMIG_TEST_DATA_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * tests/data/@name: under $PAGEMIG_TEST_DATA_DIR if set, else beside this
 * header's directory (__FILE__ is tests/harness/test_data.h from the top
 * of the tree, where make runs the tests).  The result lives until the
 * next call.
 */
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
