// SPDX-License-Identifier: GPL-2.0
/*
 * The three balloon drivers (virtio_balloon, vmw_balloon, pseries cmm)
 * and their hypervisor model: inflate/deflate to targets through the
 * facade, managed pages and nr_balloon_pages, RSS dropping as inflated
 * frames go back to the host and deflated frames coming back zeroed;
 * each driver's migratepage() through the core -- success, virtio's
 * -EAGAIN while vb->balloon_lock is held by another thread, vmw's failed
 * inflate of the new page (-ENOENT: the balloon core frees both pages and
 * leaves nr_balloon_pages one high, as the 2026 balloon series does),
 * vmw's refused deflate of the old page and cmm's refused loan (-EBUSY,
 * the page goes back into the balloon).
 *
 * The validator after each test checks the balloon invariants: every
 * listed page is an un-isolated balloon page the host holds, every
 * isolated one still points at its balloon and isolated_pages counts
 * them, listed + isolated = size = host-owned, the sizes (plus pages an
 * -ENOENT migration left counted) add up to nr_balloon_pages.
 */
#include <pthread.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "../../drivers/virtio_balloon.c"
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

#define TIMEOUT_MS	10000

static struct balloon_dev_info *bdev(int drv)
{
	return balloon_hosts[drv]->b_dev_info;
}

static unsigned long bsize(int drv)
{
	struct pagemig_balloon_stats st;

	if (pagemig_balloon_stats(drv, &st))
		abort();
	return st.size;
}

/* The first listed page of balloon @drv, isolated onto @list. */
static struct page *isolate_first(struct __test_metadata *_metadata, int drv,
				  struct mig_set *list)
{
	struct balloon_dev_info *b = bdev(drv);
	struct page *page;

	spin_lock(&balloon_pages_lock);
	page = list_first_entry_or_null(&b->pages, struct page, lru);
	spin_unlock(&balloon_pages_lock);
	ASSERT_NOT_NULL(page);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(list, page);
	return page;
}

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

/* A destination page we keep track of (to check its fate). */
static struct page *last_dst;
static struct folio *alloc_dst_track(struct folio *src, unsigned long private)
{
	last_dst = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
	return (struct folio *)last_dst;
}

static int migrate_list(struct mig_set *list, enum migrate_mode mode,
			unsigned int *succ)
{
	return mig_migrate(list, alloc_dst_track, NULL, 0, mode,
			   MR_COMPACTION, succ);
}

static bool frame_is_zero(unsigned long pfn)
{
	const unsigned char *p = page_address(pfn_to_page(pfn));

	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- targets, per driver --------------------------------------------------- */

/* Every driver in both movable_ops cores. */
FIXTURE_VARIANT(drv) { int drv; bool managed; enum pagemig_movable_ops core; };
FIXTURE(drv) { int unused; };
MM_MOPS_VARIANTS(drv, virtio_, .drv = BALLOON_VIRTIO, .managed = true);
MM_MOPS_VARIANTS(drv, vmw_, .drv = BALLOON_VMW, .managed = false);
MM_MOPS_VARIANTS(drv, cmm_, .drv = BALLOON_CMM, .managed = true);
FIXTURE_SETUP(drv)
{
	mm_movable_ops = variant->core;
	mm_machine_up(32 * SZ_1M, 2 * SZ_1M, 0, 2);
}
FIXTURE_TEARDOWN(drv)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	mm_check_invariants(true);
	pagemig_machine_exit();
}

TEST_F(drv, inflate_deflate_to_targets)
{
	struct pagemig_balloon_stats st;
	unsigned long managed0 = mm_managed_pages(), free0;
	unsigned long inf0 = pagemig_vmstat("balloon_inflate");
	unsigned long def0 = pagemig_vmstat("balloon_deflate");
	struct page *page;
	int d = variant->drv;

	drain_all_pages(NULL);
	free0 = pagemig_free_pages_count();
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 700, TIMEOUT_MS));
	ASSERT_EQ(0, pagemig_balloon_stats(d, &st));
	EXPECT_EQ(700, st.size);
	EXPECT_EQ(700, st.target);
	EXPECT_EQ(700, st.host_owned);
	EXPECT_EQ(0, st.isolated);
	EXPECT_EQ(700, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(inf0 + 700, pagemig_vmstat("balloon_inflate"));
	/* The free count is the buddy lists': the per-CPU lists' refills take more. */
	drain_all_pages(NULL);
	EXPECT_EQ(free0 - 700, pagemig_free_pages_count());
	EXPECT_EQ(variant->managed ? managed0 - 700 : managed0, mm_managed_pages());
	/* Every inflated frame went back to the host: it reads zero. */
	list_for_each_entry(page, &bdev(d)->pages, lru) {
		EXPECT_TRUE(balloon_host_owns(balloon_hosts[d], page_to_pfn(page)));
		EXPECT_TRUE(frame_is_zero(page_to_pfn(page)));
	}
	mm_check_invariants(false);

	ASSERT_EQ(0, pagemig_balloon_set_target(d, 200, TIMEOUT_MS));
	EXPECT_EQ(200, bsize(d));
	EXPECT_EQ(200, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(def0 + 500, pagemig_vmstat("balloon_deflate"));
	EXPECT_EQ(variant->managed ? managed0 - 200 : managed0, mm_managed_pages());

	ASSERT_EQ(0, pagemig_balloon_set_target(d, 0, TIMEOUT_MS));
	ASSERT_EQ(0, pagemig_balloon_stats(d, &st));
	EXPECT_EQ(0, st.size);
	EXPECT_EQ(0, st.host_owned);
	EXPECT_EQ(700, st.inflated);
	EXPECT_EQ(700, st.deflated);
	EXPECT_EQ(0, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(managed0, mm_managed_pages());
	EXPECT_EQ(inf0 + 700, pagemig_vmstat("balloon_inflate"));
	EXPECT_EQ(def0 + 700, pagemig_vmstat("balloon_deflate"));
}

/* Each driver's migratepage(): the host holds the new frame, not the old. */
TEST_F(drv, migrate_success)
{
	int d = variant->drv;
	unsigned long m0 = pagemig_vmstat("balloon_migrate"), managed0;
	unsigned long old_pfn;
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(d, 64, TIMEOUT_MS));
	managed0 = mm_managed_pages();
	page = isolate_first(_metadata, d, &list);
	old_pfn = page_to_pfn(page);
	EXPECT_EQ(1, bdev(d)->isolated_pages);
	EXPECT_EQ(0, migrate_list(&list, MIGRATE_SYNC_LIGHT, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(0, bdev(d)->isolated_pages);
	EXPECT_FALSE(balloon_host_owns(balloon_hosts[d], old_pfn));
	ASSERT_NOT_NULL(last_dst);
	EXPECT_TRUE(balloon_host_owns(balloon_hosts[d], page_to_pfn(last_dst)));
	EXPECT_EQ((unsigned long)bdev(d), page_private(last_dst));
	EXPECT_EQ(1, page_ref_count(last_dst));
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_FALSE(page_has_movable_ops(page));
	EXPECT_EQ(64, bsize(d));
	EXPECT_EQ(64, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(managed0, mm_managed_pages());
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 0, TIMEOUT_MS));
}

/*
 * The validator finds isolated balloon pages in the memmap: one that lost
 * its device pointer, and a device whose isolated_pages disagrees.
 */
TEST_F(drv, validator_checks_isolated_pages)
{
	int d = variant->drv;
	struct balloon_dev_info *b;
	struct page *page;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(d, 16, TIMEOUT_MS));
	b = bdev(d);
	page = isolate_first(_metadata, d, &list);
	EXPECT_EQ(0, pagemig_validate(NULL));
	set_page_private(page, 0);
	EXPECT_LT(0, pagemig_validate(NULL));
	set_page_private(page, (unsigned long)b);
	spin_lock(&balloon_pages_lock);
	b->isolated_pages++;
	spin_unlock(&balloon_pages_lock);
	EXPECT_LT(0, pagemig_validate(NULL));
	spin_lock(&balloon_pages_lock);
	b->isolated_pages--;
	spin_unlock(&balloon_pages_lock);
	EXPECT_EQ(0, pagemig_validate(NULL));
	mig_putback(&list);
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 0, TIMEOUT_MS));
}

/* ---- single-machine tests -------------------------------------------------- */

MM_FIXTURE_MOPS(bd, 64 * SZ_1M, 4 * SZ_1M, 0, 2)

/* Inflating over touched memory gives the frames back to the host OS. */
TEST_F(bd, rss_drops_when_inflating)
{
	enum { NR = 4096 };	/* 16 MiB */
	static unsigned long pfns[64 * 256];
	unsigned long n = 0, i, rss0, rss1, rss2, pfn;

	/* Touch (nearly) every frame: allocate, fill, free. */
	while (n < ARRAY_SIZE(pfns) &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, &pfn)) {
		pagemig_fill_tag(pfn, 1, pfn);
		pfns[n++] = pfn;
	}
	ASSERT_GT(n, NR * 2);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	rss0 = pagemig_resident_pages();
	ASSERT_GT(rss0, NR * 2);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, NR, TIMEOUT_MS));
	rss1 = pagemig_resident_pages();
	TH_LOG("rss %lu -> %lu after inflating %d", rss0, rss1, NR);
	EXPECT_LE(rss1, rss0 - NR * 85 / 100);
	EXPECT_GE(rss1 + NR + NR / 20, rss0);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
	rss2 = pagemig_resident_pages();
	TH_LOG("rss %lu after deflating", rss2);
	EXPECT_GE(rss2, rss1);
}

/* The host hands frames back zeroed, discarded or still queued. */
TEST_F(bd, host_returns_zeroed_frames)
{
	struct balloon_host *host = balloon_hosts[BALLOON_VIRTIO];
	struct page *a = alloc_page(GFP_HIGHUSER_MOVABLE), *b = alloc_page(GFP_HIGHUSER_MOVABLE);
	unsigned long pa, pb;

	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	pa = page_to_pfn(a);
	pb = page_to_pfn(b);
	pagemig_fill_tag(pa, 1, 1);
	pagemig_fill_tag(pb, 1, 2);
	/* a: inflate, discard (flush), deflate.  b: deflate before the discard. */
	ASSERT_EQ(0, balloon_host_inflate(host, &pa, 1, false));
	balloon_host_flush(host);
	EXPECT_TRUE(frame_is_zero(pa));
	ASSERT_EQ(0, balloon_host_inflate(host, &pb, 1, false));
	EXPECT_FALSE(frame_is_zero(pb));	/* queued, not discarded yet */
	ASSERT_EQ(0, balloon_host_deflate(host, &pb, 1, false));
	EXPECT_TRUE(frame_is_zero(pb));
	ASSERT_EQ(0, balloon_host_deflate(host, &pa, 1, false));
	EXPECT_TRUE(frame_is_zero(pa));
	balloon_host_flush(host);	/* the stale queue entry must not discard b */
	pagemig_fill_tag(pb, 1, 3);
	balloon_host_flush(host);
	EXPECT_EQ(0, pagemig_check_tag(pb, 1, 3));
	EXPECT_FALSE(balloon_host_owns(host, pa));
	EXPECT_FALSE(balloon_host_owns(host, pb));
	/* A fallible call refused: nothing changes. */
	ASSERT_EQ(0, pagemig_fault_arm("balloon_host", 1, 1));
	EXPECT_EQ(-EIO, balloon_host_inflate(host, &pa, 1, true));
	EXPECT_FALSE(balloon_host_owns(host, pa));
	__free_page(a);
	__free_page(b);
}

/* Deflated pages come back zeroed to the guest, whatever was there. */
TEST_F(bd, deflated_frames_read_back_zeroed)
{
	struct balloon_dev_info *b = bdev(BALLOON_CMM);
	static unsigned long pfns[128];
	struct page *page;
	unsigned long n = 0, i;

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 128, TIMEOUT_MS));
	list_for_each_entry(page, &b->pages, lru)
		pfns[n++] = page_to_pfn(page);
	ASSERT_EQ(128, n);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(frame_is_zero(pfns[i]));
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
	for (i = 0; i < n; i++)
		EXPECT_FALSE(balloon_host_owns(balloon_hosts[BALLOON_CMM], pfns[i]));
}

/* ---- virtio: the mutex held by an inflation ------------------------------ */

struct holder {
	struct mutex *lock;
	int held, release;
};

static void *hold_mutex(void *arg)
{
	struct holder *h = arg;

	set_cpu_id(1);
	mutex_lock(h->lock);
	__atomic_store_n(&h->held, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&h->release, __ATOMIC_ACQUIRE))
		test_usleep(100);
	mutex_unlock(h->lock);
	return NULL;
}

TEST_F(bd, virtio_migrate_eagain_while_mutex_held)
{
	struct holder h = { .lock = &vb_dev->balloon_lock };
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail"), m0 = pagemig_vmstat("balloon_migrate");
	unsigned int succ = 7;
	struct page *page;
	pthread_t th;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 16, TIMEOUT_MS));
	page = isolate_first(_metadata, BALLOON_VIRTIO, &list);
	ASSERT_EQ(0, pagemig_thread_create(&th, "hold-mutex", hold_mutex, &h));
	while (!__atomic_load_n(&h.held, __ATOMIC_ACQUIRE))
		test_usleep(100);
	/* -EAGAIN on every pass: the page fails, stays isolated. */
	EXPECT_EQ(1, migrate_list(&list, MIGRATE_SYNC, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(f0 + 1, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_TRUE(PageMovableOpsIsolated(page));
	EXPECT_EQ(1, bdev(BALLOON_VIRTIO)->isolated_pages);
	EXPECT_TRUE(balloon_host_owns(&vb_dev->host, page_to_pfn(page)));
	__atomic_store_n(&h.release, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);

	/* A later pass succeeds. */
	EXPECT_EQ(0, migrate_list(&list, MIGRATE_SYNC, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(0, bdev(BALLOON_VIRTIO)->isolated_pages);
	EXPECT_EQ(16, bsize(BALLOON_VIRTIO));
	EXPECT_FALSE(page_has_movable_ops(page));
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

/* ---- vmw: the hypervisor refuses ------------------------------------------ */

/*
 * Inflating the new page fails after the old one was deflated: the
 * balloon shrank by one.  The driver says -ENOENT, the core reports
 * success and frees both pages.  kernel 2026 balloon series: a deflate is
 * counted but NR_BALLOON_PAGES is not lowered (neither did 6.17).
 */
TEST_F(bd, vmw_inflate_new_fails_enoent)
{
	unsigned long def0, m0, nrb0, s0;
	unsigned long old_pfn;
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VMW, 32, TIMEOUT_MS));
	def0 = pagemig_vmstat("balloon_deflate");
	m0 = pagemig_vmstat("balloon_migrate");
	nrb0 = pagemig_vmstat("nr_balloon_pages");
	s0 = pagemig_vmstat("pgmigrate_success");
	page = isolate_first(_metadata, BALLOON_VMW, &list);
	old_pfn = page_to_pfn(page);
	/* Host call 1: deflate the old page; call 2: inflate the new one. */
	ASSERT_EQ(0, pagemig_fault_arm("balloon_host", 2, 1));
	EXPECT_EQ(0, migrate_list(&list, MIGRATE_SYNC, &succ));
	EXPECT_EQ(1, pagemig_fault_hits("balloon_host"));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(31, bsize(BALLOON_VMW));
	EXPECT_EQ(def0 + 1, pagemig_vmstat("balloon_deflate"));
	EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(nrb0, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(1, atomic_long_read(&balloon_nr_stale_pages));
	EXPECT_EQ(0, bdev(BALLOON_VMW)->isolated_pages);
	/* Both freed: the old page and the unused new one. */
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_FALSE(page_has_movable_ops(page));
	ASSERT_NOT_NULL(last_dst);
	EXPECT_EQ(0, page_ref_count(last_dst));
	EXPECT_FALSE(page_has_movable_ops(last_dst));
	EXPECT_FALSE(balloon_host_owns(balloon_hosts[BALLOON_VMW], old_pfn));
	EXPECT_FALSE(balloon_host_owns(balloon_hosts[BALLOON_VMW], page_to_pfn(last_dst)));
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VMW, 0, TIMEOUT_MS));
}

/* The hypervisor refuses to deflate the old page: -EBUSY, back in the balloon. */
TEST_F(bd, vmw_deflate_old_refused)
{
	unsigned int succ = 7;
	struct page *page;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VMW, 32, TIMEOUT_MS));
	page = isolate_first(_metadata, BALLOON_VMW, &list);
	ASSERT_EQ(0, pagemig_fault_arm("balloon_host", 1, 100));
	EXPECT_EQ(1, migrate_list(&list, MIGRATE_SYNC, &succ));
	/* ASYNC pass then the one-by-one pass: two refusals. */
	EXPECT_EQ(2, pagemig_fault_hits("balloon_host"));
	pagemig_fault_disarm_all();
	EXPECT_TRUE(PageMovableOpsIsolated(page));
	EXPECT_EQ((unsigned long)bdev(BALLOON_VMW), page_private(page));
	EXPECT_EQ(1, bdev(BALLOON_VMW)->isolated_pages);
	mig_putback(&list);
	EXPECT_EQ(0, bdev(BALLOON_VMW)->isolated_pages);
	EXPECT_FALSE(PageMovableOpsIsolated(page));
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_TRUE(balloon_host_owns(balloon_hosts[BALLOON_VMW], page_to_pfn(page)));
	EXPECT_EQ(32, bsize(BALLOON_VMW));
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VMW, 0, TIMEOUT_MS));
}

TEST_F(bd, cmm_loan_refused)
{
	unsigned int succ = 7;
	unsigned long managed0;
	struct page *page;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 32, TIMEOUT_MS));
	managed0 = mm_managed_pages();
	page = isolate_first(_metadata, BALLOON_CMM, &list);
	ASSERT_EQ(0, pagemig_fault_arm("balloon_host", 1, 1));
	EXPECT_EQ(1, migrate_list(&list, MIGRATE_ASYNC, &succ));
	EXPECT_EQ(0, succ);
	ASSERT_NOT_NULL(last_dst);
	EXPECT_FALSE(balloon_host_owns(balloon_hosts[BALLOON_CMM], page_to_pfn(last_dst)));
	EXPECT_TRUE(PageMovableOpsIsolated(page));
	mig_putback(&list);
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ((unsigned long)bdev(BALLOON_CMM), page_private(page));
	EXPECT_TRUE(balloon_host_owns(balloon_hosts[BALLOON_CMM], page_to_pfn(page)));
	EXPECT_EQ(32, bsize(BALLOON_CMM));
	EXPECT_EQ(managed0, mm_managed_pages());
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
	(void)alloc_dst;
}

/* Inflation refused by the hypervisor (vmw, cmm): no progress, no leak. */
TEST_F(bd, inflate_refused)
{
	ASSERT_EQ(0, pagemig_fault_arm("balloon_host", 1, 1000000));
	EXPECT_EQ(-ENOMEM, pagemig_balloon_set_target(BALLOON_VMW, 16, TIMEOUT_MS));
	EXPECT_EQ(0, bsize(BALLOON_VMW));
	EXPECT_EQ(-ENOMEM, pagemig_balloon_set_target(BALLOON_CMM, 16, TIMEOUT_MS));
	EXPECT_EQ(0, bsize(BALLOON_CMM));
	pagemig_fault_disarm_all();
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VMW, 0, TIMEOUT_MS));
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
}
