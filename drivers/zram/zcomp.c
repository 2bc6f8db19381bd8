// SPDX-License-Identifier: GPL-2.0
/*
 * Compression backends for zram, on the real libraries: liblz4 (lz4 and
 * lz4hc), libzstd and zlib (raw deflate).  Settings follow the kernel's
 * backends: lz4 acceleration 1, lz4hc level 9, zstd level 3, deflate
 * default level with an 11-bit window.
 *
 * Streams: one per CPU, each with its own context and buffers, taken by
 * the current CPU id; a mutex covers threads that share a CPU id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>
#include <zlib.h>

#include <pagemig/fault-inject.h>
#include <pagemig/mm.h>
#include <pagemig/smp.h>
#include "zcomp.h"

/* ---- lz4 ---- */

static void *lz4_create(void)
{
	return calloc(1, (size_t)LZ4_sizeofState());
}

static void lz4_destroy(void *ctx)
{
	free(ctx);
}

static int lz4_compress(void *ctx, const void *src, size_t src_len,
			void *dst, size_t dst_cap, size_t *dst_len)
{
	int n = LZ4_compress_fast_extState(ctx, src, dst, (int)src_len, (int)dst_cap, 1);

	if (n <= 0)
		return -EINVAL;
	*dst_len = (size_t)n;
	return 0;
}

static int lz4_decompress(void *ctx, const void *src, size_t src_len,
			  void *dst, size_t dst_len)
{
	int n = LZ4_decompress_safe(src, dst, (int)src_len, (int)dst_len);

	return n == (int)dst_len ? 0 : -EINVAL;
}

/* ---- lz4hc ---- */

static void *lz4hc_create(void)
{
	return calloc(1, (size_t)LZ4_sizeofStateHC());
}

static int lz4hc_compress(void *ctx, const void *src, size_t src_len,
			  void *dst, size_t dst_cap, size_t *dst_len)
{
	int n = LZ4_compress_HC_extStateHC(ctx, src, dst, (int)src_len, (int)dst_cap,
					   LZ4HC_CLEVEL_DEFAULT);

	if (n <= 0)
		return -EINVAL;
	*dst_len = (size_t)n;
	return 0;
}

/* ---- zstd ---- */

struct zstd_ctx {
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
};

static void zstd_destroy(void *ctx)
{
	struct zstd_ctx *z = ctx;

	if (!z)
		return;
	ZSTD_freeCCtx(z->cctx);
	ZSTD_freeDCtx(z->dctx);
	free(z);
}

static void *zstd_create(void)
{
	struct zstd_ctx *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	z->cctx = ZSTD_createCCtx();
	z->dctx = ZSTD_createDCtx();
	if (!z->cctx || !z->dctx) {
		zstd_destroy(z);
		return NULL;
	}
	return z;
}

static int zstd_compress(void *ctx, const void *src, size_t src_len,
			 void *dst, size_t dst_cap, size_t *dst_len)
{
	struct zstd_ctx *z = ctx;
	size_t n = ZSTD_compressCCtx(z->cctx, dst, dst_cap, src, src_len, 3);

	if (ZSTD_isError(n))
		return -EINVAL;
	*dst_len = n;
	return 0;
}

static int zstd_decompress(void *ctx, const void *src, size_t src_len,
			   void *dst, size_t dst_len)
{
	struct zstd_ctx *z = ctx;
	size_t n = ZSTD_decompressDCtx(z->dctx, dst, dst_len, src, src_len);

	return !ZSTD_isError(n) && n == dst_len ? 0 : -EINVAL;
}

/* ---- deflate (raw, as the kernel's crypto deflate) ---- */

#define DEFLATE_WINBITS	11

struct deflate_ctx {
	z_stream def, inf;
};

static void deflate_destroy(void *ctx)
{
	struct deflate_ctx *d = ctx;

	if (!d)
		return;
	deflateEnd(&d->def);
	inflateEnd(&d->inf);
	free(d);
}

static void *deflate_create(void)
{
	struct deflate_ctx *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (deflateInit2(&d->def, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -DEFLATE_WINBITS,
			 MAX_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(d);
		return NULL;
	}
	if (inflateInit2(&d->inf, -DEFLATE_WINBITS) != Z_OK) {
		deflateEnd(&d->def);
		free(d);
		return NULL;
	}
	return d;
}

static int deflate_compress(void *ctx, const void *src, size_t src_len,
			    void *dst, size_t dst_cap, size_t *dst_len)
{
	struct deflate_ctx *d = ctx;

	deflateReset(&d->def);
	d->def.next_in = (Bytef *)src;
	d->def.avail_in = (uInt)src_len;
	d->def.next_out = dst;
	d->def.avail_out = (uInt)dst_cap;
	if (deflate(&d->def, Z_FINISH) != Z_STREAM_END)
		return -EINVAL;
	*dst_len = d->def.total_out;
	return 0;
}

static int deflate_decompress(void *ctx, const void *src, size_t src_len,
			      void *dst, size_t dst_len)
{
	struct deflate_ctx *d = ctx;
	int ret;

	inflateReset(&d->inf);
	d->inf.next_in = (Bytef *)src;
	d->inf.avail_in = (uInt)src_len;
	d->inf.next_out = dst;
	d->inf.avail_out = (uInt)dst_len;
	ret = inflate(&d->inf, Z_FINISH);
	return ret == Z_STREAM_END && d->inf.total_out == dst_len ? 0 : -EINVAL;
}

static const struct zcomp_ops backends[] = {
	{ "lz4", lz4_create, lz4_destroy, lz4_compress, lz4_decompress },
	{ "lz4hc", lz4hc_create, lz4_destroy, lz4hc_compress, lz4_decompress },
	{ "zstd", zstd_create, zstd_destroy, zstd_compress, zstd_decompress },
	{ "deflate", deflate_create, deflate_destroy, deflate_compress, deflate_decompress },
};

/**
 * zcomp_lookup - a backend by name
 * @name: "lz4", "lz4hc", "zstd" or "deflate"
 *
 * Return: its ops, or NULL.
 */
const struct zcomp_ops *zcomp_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i].name, name))
			return &backends[i];
	return NULL;
}

/**
 * zcomp_available - the i-th backend's name
 * @i: index from 0
 *
 * Return: the name, or NULL past the end.
 */
const char *zcomp_available(unsigned int i)
{
	return i < ARRAY_SIZE(backends) ? backends[i].name : NULL;
}

static void zcomp_strm_free(const struct zcomp_ops *ops, struct zcomp_strm *zstrm)
{
	if (zstrm->ctx)
		ops->destroy_ctx(zstrm->ctx);
	free(zstrm->buffer);
	free(zstrm->local_copy);
	mutex_destroy(&zstrm->lock);
}

/**
 * zcomp_create - a compressor with one stream per CPU
 * @name: backend name
 *
 * Return: the compressor, or NULL (unknown name or no memory).
 */
struct zcomp *zcomp_create(const char *name)
{
	const struct zcomp_ops *ops = zcomp_lookup(name);
	struct zcomp *comp;
	unsigned int i;

	if (!ops)
		return NULL;
	comp = calloc(1, sizeof(*comp));
	if (!comp)
		return NULL;
	comp->ops = ops;
	comp->nr_streams = nr_cpu_ids;
	comp->streams = calloc(comp->nr_streams, sizeof(*comp->streams));
	if (!comp->streams)
		goto err;
	for (i = 0; i < comp->nr_streams; i++) {
		struct zcomp_strm *zstrm = &comp->streams[i];

		mutex_init_named(&zstrm->lock, "zcomp_strm->lock", LOCK_RANK_DRIVER);
		zstrm->ctx = ops->create_ctx();
		zstrm->buffer = malloc(2 * PAGE_SIZE);
		zstrm->local_copy = malloc(PAGE_SIZE);
		if (!zstrm->ctx || !zstrm->buffer || !zstrm->local_copy) {
			zcomp_strm_free(ops, zstrm);
			while (i--)
				zcomp_strm_free(ops, &comp->streams[i]);
			goto err;
		}
	}
	return comp;
err:
	free(comp->streams);
	free(comp);
	return NULL;
}

/**
 * zcomp_destroy - free a compressor; no stream may be in use
 * @comp: the compressor
 */
void zcomp_destroy(struct zcomp *comp)
{
	unsigned int i;

	for (i = 0; i < comp->nr_streams; i++)
		zcomp_strm_free(comp->ops, &comp->streams[i]);
	free(comp->streams);
	free(comp);
}

/**
 * zcomp_stream_get - this CPU's stream, locked
 * @comp: the compressor
 *
 * Return: the stream; release it with zcomp_stream_put().
 */
struct zcomp_strm *zcomp_stream_get(struct zcomp *comp)
{
	struct zcomp_strm *zstrm =
		&comp->streams[(unsigned int)smp_processor_id() % comp->nr_streams];

	mutex_lock(&zstrm->lock);
	return zstrm;
}

/**
 * zcomp_stream_put - release a stream
 * @zstrm: from zcomp_stream_get()
 */
void zcomp_stream_put(struct zcomp_strm *zstrm)
{
	mutex_unlock(&zstrm->lock);
}

/**
 * zcomp_compress - compress one page into the stream's buffer
 * @comp: the compressor
 * @zstrm: a stream held by the caller
 * @src: PAGE_SIZE bytes
 * @dst_len: the compressed length
 *
 * Return: 0 or -EINVAL (the backend failed; the buffer holds nothing
 * useful).
 */
int zcomp_compress(struct zcomp *comp, struct zcomp_strm *zstrm,
		   const void *src, size_t *dst_len)
{
	if (should_fail(FAULT_ZCOMP_COMPRESS))
		return -EINVAL;
	return comp->ops->compress(zstrm->ctx, src, PAGE_SIZE, zstrm->buffer,
				   2 * PAGE_SIZE, dst_len);
}

/**
 * zcomp_decompress - decompress into exactly one page
 * @comp: the compressor
 * @zstrm: a stream held by the caller
 * @src: the compressed bytes
 * @src_len: their length
 * @dst: PAGE_SIZE bytes
 *
 * Return: 0, or -EINVAL for corrupt input.
 */
int zcomp_decompress(struct zcomp *comp, struct zcomp_strm *zstrm,
		     const void *src, size_t src_len, void *dst)
{
	return comp->ops->decompress(zstrm->ctx, src, src_len, dst, PAGE_SIZE);
}
