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

#include <pagemig/prandom.h>

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

/* The whole file at @path, NUL-terminated and malloc()ed; NULL if unread. */
static inline char *test_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n < 0 ? NULL : calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
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

/*
 * A mutated copy of @text (@len bytes and its NUL) for parser fuzzing,
 * malloc()ed, or NULL: odd @n cut short at a random length, even @n with
 * 1..@max_flips random bytes overwritten by characters of @alphabet
 * (@alphabet_len of them).  *@mlen gets the length to parse.
 */
static inline char *test_mutate(const char *text, size_t len, unsigned int n,
				unsigned int max_flips, const char *alphabet,
				size_t alphabet_len, struct pagemig_rng *rng,
				size_t *mlen)
{
	char *m = malloc(len + 1);
	unsigned int k;

	*mlen = 0;
	if (!m)
		return NULL;
	memcpy(m, text, len + 1);
	*mlen = len;
	if (n & 1) {
		*mlen = pagemig_rng_below(rng, len + 1);
	} else {
		for (k = 0; k < 1 + pagemig_rng_below(rng, max_flips); k++)
			m[pagemig_rng_below(rng, len)] =
				alphabet[pagemig_rng_below(rng, alphabet_len)];
	}
	return m;
}

#endif /* _PAGEMIG_TEST_DATA_H */
