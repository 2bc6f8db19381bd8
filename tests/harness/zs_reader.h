/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A zsmalloc reader on a thread of its own that holds one object's
 * zspage (zs_obj_read_begin()) until told to let go: while it holds it,
 * zs_page_migrate() and zs_compact() cannot take the zspage.  For tests
 * that include mm/zsmalloc.c.
 *
 *	struct zs_reader r = { .pool = pool, .handle = handle };
 *	pagemig_thread_create(&th, "reader", zs_reader_fn, &r);
 *	zs_reader_wait(&r);		now it holds the zspage
 *	...
 *	zs_reader_release(&r, th);	done, and joined
 */
#ifndef _PAGEMIG_TEST_ZS_READER_H
#define _PAGEMIG_TEST_ZS_READER_H

struct zs_reader {
	struct zs_pool *pool;
	unsigned long handle;
	int state;	/* 0 start, 1 holding, 2 release, 3 done */
	char local[2 * PAGE_SIZE];
};

static inline void *zs_reader_fn(void *arg)
{
	struct zs_reader *r = arg;
	void *p;

	set_cpu_id(1);
	p = zs_obj_read_begin(r->pool, r->handle, r->local);
	__atomic_store_n(&r->state, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 2)
		test_usleep(100);
	zs_obj_read_end(r->pool, r->handle, p);
	__atomic_store_n(&r->state, 3, __ATOMIC_RELEASE);
	return NULL;
}

/* Until the reader holds the zspage. */
static inline void zs_reader_wait(struct zs_reader *r)
{
	while (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1)
		test_usleep(100);
}

/* Let go, and join the thread. */
static inline void zs_reader_release(struct zs_reader *r, pthread_t th)
{
	__atomic_store_n(&r->state, 2, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
}

#endif /* _PAGEMIG_TEST_ZS_READER_H */
