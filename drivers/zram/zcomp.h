/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zram's compression front end: named backends (lz4, lz4hc, zstd,
 * deflate) from Debian's real libraries, and per-CPU streams each holding
 * a backend context and a scratch buffer.
 */
#ifndef _PAGEMIG_DRIVERS_ZCOMP_H
#define _PAGEMIG_DRIVERS_ZCOMP_H

#include <stddef.h>
#include <pagemig/spinlock.h>

struct zcomp_ops {
	const char *name;
	/* Context for one stream: NULL on failure. */
	void *(*create_ctx)(void);
	void (*destroy_ctx)(void *ctx);
	/* 0 and *dst_len set, or -EINVAL when it does not fit in dst_cap. */
	int (*compress)(void *ctx, const void *src, size_t src_len,
			void *dst, size_t dst_cap, size_t *dst_len);
	/* 0 when exactly dst_len bytes came out, -EINVAL otherwise. */
	int (*decompress)(void *ctx, const void *src, size_t src_len,
			  void *dst, size_t dst_len);
};

struct zcomp_strm {
	struct mutex lock;	/* one user at a time */
	void *ctx;
	void *buffer;		/* compressed output, 2 pages */
	void *local_copy;	/* for objects straddling two pages */
};

struct zcomp {
	const struct zcomp_ops *ops;
	unsigned int nr_streams;
	struct zcomp_strm *streams;
};

const struct zcomp_ops *zcomp_lookup(const char *name);
const char *zcomp_available(unsigned int i);
struct zcomp *zcomp_create(const char *name);
void zcomp_destroy(struct zcomp *comp);
struct zcomp_strm *zcomp_stream_get(struct zcomp *comp);
void zcomp_stream_put(struct zcomp_strm *zstrm);
int zcomp_compress(struct zcomp *comp, struct zcomp_strm *zstrm,
		   const void *src, size_t *dst_len);
int zcomp_decompress(struct zcomp *comp, struct zcomp_strm *zstrm,
		     const void *src, size_t src_len, void *dst);

#endif /* _PAGEMIG_DRIVERS_ZCOMP_H */
