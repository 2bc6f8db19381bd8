// SPDX-License-Identifier: GPL-2.0
/*
 * Explained migrations (<pagemig/explain.h>): what each migrate_pages()
 * call did to each page, in words, for people learning the subsystem.
 *
 * A call starts a table of its pages, in the order of its list, each
 * with its PFN and kind noted before anything moved (a page's kind is
 * gone once it has migrated and been freed).  The hooks in mm/migrate.c
 * update a page's entry as it fails an attempt (the errno, the cause,
 * how many tries so far), moves (the new PFN), is freed while isolated,
 * or is split.  At the end of the call __explain_migrate_end() prints
 * the table: one line for the call, then one per page, and writes the
 * block at once through sim/explain.c.  Nothing here runs unless the
 * explain stream is open: every hook is an inline test in the header.
 *
 * The table lives on the calling thread (explain_ctx), so concurrent
 * migrate_pages() calls keep theirs apart; a call that starts while the
 * stream was closed, or that the stream closes under, prints nothing.
 * Pages are found by PFN in a small open-addressing hash; the pieces of
 * a split folio get entries of their own after the list's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/explain.h>
#include <pagemig/fault-inject.h>
#include <pagemig/migrate.h>
#include "../sim/explain.h"
#include "internal.h"

enum explain_state {
	EXPLAIN_UNTRIED,	/* still on the list, never attempted */
	EXPLAIN_FAILED,
	EXPLAIN_MOVED,
	EXPLAIN_RELEASED,	/* freed while isolated */
	EXPLAIN_SPLIT,
};

/* One page of the call. */
struct explain_page {
	unsigned long pfn, new_pfn;
	char kind[40];
	enum explain_state state;
	enum explain_cause cause;
	int rc;
	unsigned int tries;		/* failed attempts */
	long a, b;			/* the cause's figures */
	const char *owner_says;		/* why the owner refused */
};

struct explain_ctx {
	struct explain_page *pages;
	unsigned int nr, cap;
	unsigned int nr_listed;		/* entries from the list itself */
	unsigned int *hash;		/* index + 1; 0 empty */
	unsigned int hash_size;		/* a power of two > 2 * cap */
	int mode, reason;
	const char *owner_says;		/* the owner's last word, not yet taken */
	struct explain_ctx *outer;
};

static __thread struct explain_ctx *explain_ctx;

static const char *const fault_names[] = {
#define __PM_FAULT_NAME(e, s, d) [e] = s,
	PAGEMIG_FAULT_POINTS(__PM_FAULT_NAME)
#undef __PM_FAULT_NAME
};

static const char *const mode_names[] = {
	[MIGRATE_ASYNC]		= "MIGRATE_ASYNC",
	[MIGRATE_SYNC_LIGHT]	= "MIGRATE_SYNC_LIGHT",
	[MIGRATE_SYNC]		= "MIGRATE_SYNC",
};

/* What a page is, in the words a learner meets in the docs. */
static void page_kind(const struct folio *folio, char *buf, size_t len)
{
	struct page *page = (struct page *)&folio->page;
	unsigned int order = folio_order(folio);
	const char *what;

	if (page_has_movable_ops(page)) {
		snprintf(buf, len, "%s", PageOffline(page) ? "balloon" : "zsmalloc");
		return;
	}
	if (folio_test_ksm(folio))
		what = "KSM";
	else if (folio_test_anon(folio))
		what = "anon";
	else if (folio->mapping)
		what = "file";
	else
		what = "unmapped";
	if (order)
		snprintf(buf, len, "%s THP order %u", what, order);
	else
		snprintf(buf, len, "%s", what);
}

static unsigned int pfn_hash(unsigned long pfn, unsigned int size)
{
	return (unsigned int)((pfn * 0x9e3779b97f4a7c15UL) >> 40) & (size - 1);
}

/* Rebuild the hash at twice @ctx->cap's need; false if out of memory. */
static bool rehash(struct explain_ctx *ctx)
{
	unsigned int size = 16, i, h;
	unsigned int *hash;

	while (size <= 2 * ctx->cap)
		size <<= 1;
	hash = calloc(size, sizeof(*hash));
	if (!hash)
		return false;
	for (i = 0; i < ctx->nr; i++) {
		if (ctx->pages[i].state == EXPLAIN_SPLIT)
			continue;
		for (h = pfn_hash(ctx->pages[i].pfn, size); hash[h];
		     h = (h + 1) & (size - 1))
			;
		hash[h] = i + 1;
	}
	free(ctx->hash);
	ctx->hash = hash;
	ctx->hash_size = size;
	return true;
}

/* The entry of @pfn; a split folio's entry no longer answers for it. */
static struct explain_page *lookup(struct explain_ctx *ctx, unsigned long pfn)
{
	unsigned int h, i;

	for (h = pfn_hash(pfn, ctx->hash_size); (i = ctx->hash[h]);
	     h = (h + 1) & (ctx->hash_size - 1)) {
		struct explain_page *ep = &ctx->pages[i - 1];

		if (ep->pfn == pfn && ep->state != EXPLAIN_SPLIT)
			return ep;
	}
	return NULL;
}

/* A new entry for @folio (kind read now); NULL if out of memory. */
static struct explain_page *add(struct explain_ctx *ctx,
				const struct folio *folio)
{
	struct explain_page *ep;
	unsigned int h;

	if (ctx->nr == ctx->cap) {
		unsigned int cap = ctx->cap ? 2 * ctx->cap : 16;

		ep = realloc(ctx->pages, cap * sizeof(*ep));
		if (!ep)
			return NULL;
		ctx->pages = ep;
		ctx->cap = cap;
		if (!rehash(ctx))
			return NULL;
	}
	ep = &ctx->pages[ctx->nr];
	memset(ep, 0, sizeof(*ep));
	ep->pfn = folio_pfn(folio);
	page_kind(folio, ep->kind, sizeof(ep->kind));
	for (h = pfn_hash(ep->pfn, ctx->hash_size); ctx->hash[h];
	     h = (h + 1) & (ctx->hash_size - 1))
		;
	ctx->hash[h] = ++ctx->nr;
	return ep;
}

static struct explain_page *find_or_add(const struct folio *folio)
{
	struct explain_ctx *ctx = explain_ctx;
	struct explain_page *ep;

	if (!ctx)
		return NULL;
	ep = lookup(ctx, folio_pfn(folio));
	return ep ? ep : add(ctx, folio);
}

/**
 * __explain_migrate_start - a migrate_pages() call begins
 * @from: its list of isolated pages
 * @pages: its batch of isolated movable_ops pages (decoupled core), or NULL
 * @nr: how many @pages
 * @mode: its migrate_mode
 * @reason: its migrate_reason
 *
 * Notes every page on @from, in order, then those of @pages, with its
 * PFN and kind.  Out of memory, the call goes unexplained.
 */
void __explain_migrate_start(struct list_head *from, struct page **pages,
			     unsigned int nr, int mode, int reason)
{
	struct explain_ctx *ctx = calloc(1, sizeof(*ctx));
	struct folio *folio;

	if (!ctx)
		return;
	ctx->mode = mode;
	ctx->reason = reason;
	ctx->outer = explain_ctx;
	if (!rehash(ctx)) {
		free(ctx);
		return;
	}
	explain_ctx = ctx;
	list_for_each_entry(folio, from, lru)
		add(ctx, folio);
	for (unsigned int i = 0; i < nr; i++)
		add(ctx, page_folio(pages[i]));
	ctx->nr_listed = ctx->nr;
}

/**
 * __explain_fail - a page failed an attempt
 * @folio: the page (the head of a large folio), still isolated
 * @rc: the -errno of the attempt
 * @cause: what the step that failed found
 * @a: for EXPLAIN_EXTRA_REFS the references held, for EXPLAIN_INJECTED
 *	the fault point; else 0
 * @b: for EXPLAIN_EXTRA_REFS the references expected; else 0
 *
 * The last attempt's cause is the one printed; a GUP pin is told apart
 * from other extra references here, while the folio is still held.
 */
void __explain_fail(const struct folio *folio, int rc,
		    enum explain_cause cause, long a, long b)
{
	struct explain_page *ep = find_or_add(folio);

	if (!ep)
		return;
	ep->state = EXPLAIN_FAILED;
	ep->rc = rc;
	ep->cause = cause;
	ep->a = a;
	ep->b = b;
	ep->tries++;
	ep->owner_says = NULL;
	if (cause == EXPLAIN_EXTRA_REFS && folio_maybe_dma_pinned(folio))
		ep->owner_says = "a GUP pin";
	if (cause == EXPLAIN_OWNER_REFUSED)
		ep->owner_says = explain_ctx->owner_says;
	explain_ctx->owner_says = NULL;
}

/**
 * __explain_moved - a page moved
 * @src: where it was; may be freed already
 * @dst: where it is now
 *
 * An owner that reported success without moving anything (it let the
 * page go while it was isolated) said so through explain_owner_says().
 */
void __explain_moved(const struct folio *src, const struct folio *dst)
{
	struct explain_ctx *ctx = explain_ctx;
	struct explain_page *ep;

	if (!ctx)
		return;
	ep = lookup(ctx, folio_pfn(src));
	/* A split piece that moved: its kind is its destination's now. */
	if (!ep) {
		ep = add(ctx, dst);
		if (!ep)
			return;
		ep->pfn = folio_pfn(src);
	}
	ep->state = EXPLAIN_MOVED;
	ep->new_pfn = folio_pfn(dst);
	ep->owner_says = ctx->owner_says;
	ctx->owner_says = NULL;
}

/**
 * __explain_released - a page was freed while isolated
 * @folio: the page, about to be dropped
 */
void __explain_released(const struct folio *folio)
{
	struct explain_page *ep = find_or_add(folio);

	if (ep)
		ep->state = EXPLAIN_RELEASED;
}

/**
 * __explain_split - a large folio with no target was split
 * @folio: the folio, before the split
 *
 * Its entry stays as "split"; its pieces get entries of their own when
 * they move or fail.
 */
void __explain_split(const struct folio *folio)
{
	struct explain_page *ep = find_or_add(folio);

	if (ep)
		ep->state = EXPLAIN_SPLIT;
}

/**
 * __explain_owner_says - an owner's migrate_page() tells why
 * @why: a string constant
 */
void __explain_owner_says(const char *why)
{
	if (explain_ctx)
		explain_ctx->owner_says = why;
}

static const char *errno_name(int rc)
{
	switch (rc) {
	case -EAGAIN:	return "-EAGAIN";
	case -EBUSY:	return "-EBUSY";
	case -ENOMEM:	return "-ENOMEM";
	case -EINVAL:	return "-EINVAL";
	case -ENOENT:	return "-ENOENT";
	case -ENOSPC:	return "-ENOSPC";
	case -EIO:	return "-EIO";
	default:	return NULL;
	}
}

/* The failure's reason: "-EAGAIN, extra references (3, expected 2)". */
static void failure_text(FILE *f, const struct explain_page *ep)
{
	const char *name = errno_name(ep->rc);

	if (name)
		fprintf(f, "%s, ", name);
	else
		fprintf(f, "%d, ", ep->rc);
	switch (ep->cause) {
	case EXPLAIN_NO_TARGET:
		fputs("no target page: the allocator had none", f);
		break;
	case EXPLAIN_SRC_LOCKED:
		fputs("page locked by another thread", f);
		break;
	case EXPLAIN_DST_LOCKED:
		fputs("target page locked by a PFN scanner", f);
		break;
	case EXPLAIN_STILL_MAPPED:
		fputs("still mapped: try_to_migrate() left a mapping", f);
		break;
	case EXPLAIN_EXTRA_REFS:
		fprintf(f, "extra references (%ld, expected %ld)", ep->a, ep->b);
		break;
	case EXPLAIN_BUFFERS_HELD:
		fputs("buffers held: the file system keeps a reference on them", f);
		break;
	case EXPLAIN_CACHE_GONE:
		fputs("isolation lost: the page left its page cache slot", f);
		break;
	case EXPLAIN_OWNER_GONE:
		fputs("no owner: no movable_ops registered for its type", f);
		break;
	case EXPLAIN_OWNER_REFUSED:
		fputs("owner refused", f);
		break;
	case EXPLAIN_INJECTED:
		fprintf(f, "fault injected at %s",
			ep->a >= 0 && ep->a < NR_FAULT_POINTS ?
			fault_names[ep->a] : "?");
		break;
	default:
		fputs("unknown", f);
		break;
	}
	if (ep->owner_says)
		fprintf(f, ": %s", ep->owner_says);
	if (ep->tries > 1)
		fprintf(f, "; %u tries", ep->tries);
}

static void page_line(FILE *f, const struct explain_page *ep)
{
	switch (ep->state) {
	case EXPLAIN_MOVED:
		fprintf(f, "  moved   pfn 0x%lx %s -> 0x%lx", ep->pfn, ep->kind,
			ep->new_pfn);
		if (ep->owner_says)
			fprintf(f, " (%s)", ep->owner_says);
		if (ep->tries)
			fprintf(f, " after %u failed tr%s", ep->tries,
				ep->tries == 1 ? "y" : "ies");
		break;
	case EXPLAIN_RELEASED:
		fprintf(f, "  freed   pfn 0x%lx %s: released while isolated, nothing to copy",
			ep->pfn, ep->kind);
		break;
	case EXPLAIN_SPLIT:
		fprintf(f, "  split   pfn 0x%lx %s: no target page of its size; its pages go on their own",
			ep->pfn, ep->kind);
		break;
	case EXPLAIN_FAILED:
		fprintf(f, "  failed  pfn 0x%lx %s: ", ep->pfn, ep->kind);
		failure_text(f, ep);
		break;
	default:
		fprintf(f, "  skipped pfn 0x%lx %s: not tried, the call stopped at its -ENOMEM",
			ep->pfn, ep->kind);
		break;
	}
	fputc('\n', f);
}

/**
 * __explain_migrate_end - a migrate_pages() call is done: print it
 * @succeeded: pages it migrated (its nr_succeeded)
 * @failed: pages it failed (its nr_failed_pages)
 *
 * One line for the call, then one per page in list order, then the
 * pieces of split folios; the figures are the call's own, as its
 * mm_migrate_pages trace event and pgmigrate_* counters have them.
 */
void __explain_migrate_end(unsigned long succeeded, unsigned long failed)
{
	struct explain_ctx *ctx = explain_ctx;
	unsigned int i;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!ctx)
		return;
	explain_ctx = ctx->outer;
	f = open_memstream(&buf, &len);
	if (f) {
		fprintf(f, "migrate_pages #%lu by %s (%s, %s): %u on the list, %lu page%s moved, %lu failed\n",
			explain_next_id(), current_comm(),
			ctx->reason >= 0 && ctx->reason < MR_TYPES ?
			migrate_reason_names[ctx->reason] : "?",
			ctx->mode >= 0 && ctx->mode < (int)ARRAY_SIZE(mode_names) ?
			mode_names[ctx->mode] : "?",
			ctx->nr_listed, succeeded, succeeded == 1 ? "" : "s",
			failed);
		for (i = 0; i < ctx->nr; i++)
			page_line(f, &ctx->pages[i]);
		if (!fclose(f))
			explain_write(buf, len);
	}
	free(buf);
	free(ctx->pages);
	free(ctx->hash);
	free(ctx);
}
