// SPDX-License-Identifier: GPL-2.0
/*
 * A libFuzzer stand-in for builds without clang's fuzzer runtime: feeds
 * each file named on the command line (or each file of a directory) to
 * LLVMFuzzerTestOneInput(), then -m N seeded mutations of it (bytes
 * flipped, inserted, deleted, ranges duplicated; -s SEED).  `make check`
 * links the fuzz targets with it in the ASan+UBSan build, so every input
 * that ever failed (tests/data/fuzz/) is replayed on every run, without
 * clang.  -t SECONDS stops the mutations once that much time has gone;
 * -o FILE holds each input while it runs, so the one that crashed is
 * left there to keep as a regression input.
 *
 * Prints "N inputs, M mutations" and exits 0; a target that finds a bug
 * aborts (or the sanitizer stops the process) with the input's name on
 * stderr first.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN	(1 << 20)

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One random edit of @buf (of *@len bytes, room for MAX_LEN). */
static void mutate(uint8_t *buf, size_t *len)
{
	static const char tokens[] = "{}[]:,-\n \"'&*!|>#0123456789MGTK";
	size_t n = *len, pos = n ? rng() % n : 0, k;

	switch (rng() % 5) {
	case 0:		/* flip a byte */
		if (n)
			buf[pos] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 1:		/* insert a YAML-ish byte */
		if (n < MAX_LEN) {
			memmove(buf + pos + 1, buf + pos, n - pos);
			buf[pos] = (uint8_t)tokens[rng() % (sizeof(tokens) - 1)];
			(*len)++;
		}
		break;
	case 2:		/* delete a few bytes */
		k = n - pos < 8 ? n - pos : rng() % 8;
		memmove(buf + pos, buf + pos + k, n - pos - k);
		*len -= k;
		break;
	case 3:		/* duplicate a range */
		k = rng() % 64;
		if (k > n - pos)
			k = n - pos;
		if (n + k <= MAX_LEN) {
			memmove(buf + pos + k, buf + pos, n - pos);
			(*len) += k;
		}
		break;
	default:	/* a random byte */
		if (n)
			buf[pos] = (uint8_t)rng();
		break;
	}
}

static int read_input(const char *path, uint8_t *buf, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, MAX_LEN, f);
	fclose(f);
	return 0;
}

static unsigned long nr_inputs, nr_mutations;
static FILE *current;	/* -o: the input running now */

static void run(const uint8_t *buf, size_t len)
{
	if (current) {
		rewind(current);
		if (ftruncate(fileno(current), 0) == 0)
			fwrite(buf, 1, len, current);
		fflush(current);
	}
	LLVMFuzzerTestOneInput(buf, len);
}

static int one(const char *path, unsigned long mutations, double deadline)
{
	static uint8_t orig[MAX_LEN], buf[MAX_LEN];
	size_t olen, len;
	unsigned long i;

	if (read_input(path, orig, &olen))
		return -1;
	fprintf(stderr, "replay: %s\n", path);
	memcpy(buf, orig, olen);
	run(buf, olen);
	nr_inputs++;
	for (i = 0; i < mutations && now() < deadline; i++) {
		unsigned int edits = 1 + rng() % 4;

		len = olen;
		memcpy(buf, orig, olen);
		while (edits--)
			mutate(buf, &len);
		run(buf, len);
		nr_mutations++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mutations = 0;
	double deadline = 1e300;
	int opt, i, ret = 0;

	rng_state = 1;
	while ((opt = getopt(argc, argv, "m:o:s:t:")) != -1) {
		switch (opt) {
		case 'm':
			mutations = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			current = fopen(optarg, "wb");
			if (!current) {
				fprintf(stderr, "replay: %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 0);
			break;
		case 't':
			deadline = now() + strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: %s [-m MUTATIONS] [-o FILE] [-s SEED] [-t SECONDS] FILE|DIR...\n",
				argv[0]);
			return 2;
		}
	}
	for (i = optind; i < argc; i++) {
		struct dirent **list;
		struct stat st;
		char path[4096];
		int n, k;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			ret |= one(argv[i], mutations, deadline) ? 1 : 0;
			continue;
		}
		/* Sorted: the same mutations whatever order the host lists. */
		n = scandir(argv[i], &list, NULL, alphasort);
		for (k = 0; k < n; k++) {
			if (list[k]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 list[k]->d_name);
				ret |= one(path, mutations, deadline) ? 1 : 0;
			}
			free(list[k]);
		}
		if (n >= 0)
			free(list);
	}
	printf("%lu inputs, %lu mutations\n", nr_inputs, nr_mutations);
	if (current)
		fclose(current);
	return ret;
}
