// SPDX-License-Identifier: GPL-2.0
/*
 * Processes and workload threads for scenarios.  See process.h.
 *
 * Locking: each page of a region has a lock byte.  Whoever reads or
 * writes a page's data or its generation holds it: a worker takes it
 * with a trylock and picks another page if it is busy, steps (touch,
 * free, verify) spin on it.  A worker holds one page lock at a time and
 * never waits for one, so steps holding many cannot deadlock with it.
 * The region's owner, base and size never change once workers exist.
 *
 * Process lifetime: only the scenario thread creates and exits
 * processes, and it stops a process's workers before pagemig_process_exit()
 * (the facade does not keep a process alive for a thread in
 * pagemig_access()).  A region outlives its owner while another process
 * maps it (a shared file).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"

#define PAGE		PAGEMIG_PAGE_SIZE
#define WORDS		(PAGE / sizeof(uint64_t))
#define THP_PAGES	PAGEMIG_PAGEBLOCK_PAGES

/* wl_page.flags */
#define PG_DATA		0x01	/* written by us: holds a tag */
#define PG_SEEN		0x02	/* file page at gen 0: sum is its hash */
#define PG_BAD		0x04	/* found corrupted; counted once until rewritten */
#define PG_FREED	0x08	/* dropped by a free step: workers leave it be */

struct wl_page {
	atomic_uchar lock;
	uint8_t gen;		/* 0: never written since it was (re)created */
	uint8_t flags;
	uint8_t pad;
	uint32_t sum;		/* PG_SEEN: hash of the file's contents */
};

struct wl_region {
	int refs;
	int owner_pid;		/* in the tag */
	unsigned long base;	/* the owner's address: in the tag */
	unsigned long nr_pages;
	bool file, shared, thp;
	unsigned int dup;	/* contents repeat every dup pages, in any process */
	int fid;
	char *owner_name;
	struct wl_page *pages;
};

struct wl_map {
	struct wl_region *r;
	unsigned long addr;	/* in this process */
};

struct wl_counters {
	atomic_ulong reads, writes, errors, corrupted;
};

struct wl_worker {
	pthread_t thread;
	struct scenario_run *run;
	struct wl_proc *p;
	unsigned int index;
	int cpu;
	uint64_t seed;
	struct wl_counters c;
};

struct wl_proc {
	char *name;
	int pid;
	bool exited;
	struct wl_map maps[2];		/* anon, file: either may be unused */
	unsigned long nr_pages;		/* over both maps */
	unsigned int threads;
	int pattern;
	double writes;
	unsigned int nr_cpus;
	int cpus[WL_MAX_CPUS];
	uint64_t seed;
	atomic_bool stop;
	bool running;
	unsigned int epoch;		/* worker seeds differ per start */
	struct wl_worker *workers;
	struct wl_counters c;		/* steps' accesses, and stopped workers' */
	struct pagemig_process_stats last;
};

struct wl_procs {
	struct wl_proc **procs;
	unsigned int nr;
	pthread_mutex_t first_lock;
	char first[256];		/* the first corruption, described */
};

/* The process steps' state in a run: the run's slot of spawn. */
static struct wl_procs *procs_of(const struct scenario_run *run)
{
	return run_state(run, &wl_state_ops);
}

const char *const wl_pattern_names[] = {
	"sequential", "random", "hot-cold", NULL
};

/* ---- tags ---- */

static uint64_t page_seed(const struct wl_region *r, unsigned long i,
			  uint8_t gen)
{
	uint64_t x = ((uint64_t)r->owner_pid << 56) ^ ((uint64_t)gen << 48) ^
		     (r->base + i * PAGE);

	/*
	 * duplicates: N -- the tag is (page index mod N, generation) only,
	 * so equal pages repeat within the region and across processes
	 * (what KSM merges) until a write moves one to a new generation.
	 */
	if (r->dup)
		x = 0x6b736d0000000000ULL ^ ((uint64_t)gen << 48) ^ (i % r->dup);

	return pagemig_splitmix64(&x) | 1;
}

static void fill(uint64_t *w, const struct wl_region *r, unsigned long i,
		 uint8_t gen)
{
	uint64_t s = page_seed(r, i, gen);
	unsigned int k;

	for (k = 0; k < WORDS; k++)
		w[k] = s ^ (k * 0x9e3779b97f4a7c15ULL);
}

static bool tag_ok(const uint64_t *w, const struct wl_region *r,
		   unsigned long i, uint8_t gen)
{
	uint64_t s = page_seed(r, i, gen);
	unsigned int k;

	for (k = 0; k < WORDS; k++)
		if (w[k] != (s ^ (k * 0x9e3779b97f4a7c15ULL)))
			return false;
	return true;
}

static bool zero_ok(const uint64_t *w)
{
	unsigned int k;

	for (k = 0; k < WORDS; k++)
		if (w[k])
			return false;
	return true;
}

static uint32_t hash32(const uint64_t *w)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int k;

	for (k = 0; k < WORDS; k++)
		h = (h ^ w[k]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

static uint8_t next_gen(uint8_t gen)
{
	return gen == 255 ? 1 : gen + 1;
}

/*
 * Is @w what page @i of @r must hold?  A file page at generation 0 is
 * learnt the first time: its hash is kept for later reads.
 */
static bool page_ok(struct wl_region *r, unsigned long i, const uint64_t *w)
{
	struct wl_page *pg = &r->pages[i];

	if (pg->gen)
		return tag_ok(w, r, i, pg->gen);
	if (!r->file)
		return zero_ok(w);
	if (!(pg->flags & PG_SEEN)) {
		pg->sum = hash32(w);
		pg->flags |= PG_SEEN;
		return true;
	}
	return pg->sum == hash32(w);
}

static bool page_trylock(struct wl_page *pg)
{
	unsigned char z = 0;

	return atomic_compare_exchange_strong_explicit(&pg->lock, &z, 1,
			memory_order_acquire, memory_order_relaxed);
}

static void page_lock(struct wl_page *pg)
{
	while (!page_trylock(pg))
		sched_yield();
}

static void page_unlock(struct wl_page *pg)
{
	atomic_store_explicit(&pg->lock, 0, memory_order_release);
}

static void note_corruption(struct scenario_run *run, const struct wl_proc *p,
			    const struct wl_region *r, unsigned long i,
			    const uint64_t *w)
{
	struct wl_procs *ps = procs_of(run);
	const struct wl_page *pg = &r->pages[i];

	pthread_mutex_lock(&ps->first_lock);
	if (!ps->first[0])
		snprintf(ps->first, sizeof(ps->first),
			 "process \"%s\" (pid %d) page 0x%lx of %s's %s mapping: expected %s%u, first word 0x%016llx",
			 p->name, p->pid, r->base + i * PAGE, r->owner_name,
			 r->file ? "file" : "anon",
			 pg->gen ? "generation " : "its original contents, generation ",
			 pg->gen, (unsigned long long)w[0]);
	pthread_mutex_unlock(&ps->first_lock);
}

/*
 * One checked access to page @i of map @m, the page lock held: read and
 * check, then (for a write) write the next generation.
 * Return: 0, 1 if the page was corrupted, or pagemig_access()'s error.
 */
static int access_locked(struct scenario_run *run, struct wl_proc *p,
			 const struct wl_map *m, unsigned long i, bool write,
			 uint64_t *buf, struct wl_counters *c)
{
	struct wl_region *r = m->r;
	struct wl_page *pg = &r->pages[i];
	unsigned long addr = m->addr + i * PAGE;
	int ret, bad = 0;
	uint8_t gen;

	ret = pagemig_access(p->pid, addr, buf, PAGE, false);
	if (ret) {
		atomic_fetch_add_explicit(&c->errors, 1, memory_order_relaxed);
		return ret;
	}
	atomic_fetch_add_explicit(&c->reads, 1, memory_order_relaxed);
	if (!page_ok(r, i, buf)) {
		bad = 1;
		if (!(pg->flags & PG_BAD)) {
			pg->flags |= PG_BAD;
			atomic_fetch_add_explicit(&c->corrupted, 1,
						  memory_order_relaxed);
			note_corruption(run, p, r, i, buf);
		}
	}
	if (!write)
		return bad;
	gen = next_gen(pg->gen);
	fill(buf, r, i, gen);
	ret = pagemig_access(p->pid, addr, buf, PAGE, true);
	if (ret) {
		atomic_fetch_add_explicit(&c->errors, 1, memory_order_relaxed);
		return ret;
	}
	pg->gen = gen;
	pg->flags = (pg->flags & ~PG_BAD) | PG_DATA;
	atomic_fetch_add_explicit(&c->writes, 1, memory_order_relaxed);
	return bad;
}

/* Page @n of the process (anon pages first, then file pages). */
static const struct wl_map *page_map(const struct wl_proc *p, unsigned long n,
				     unsigned long *i)
{
	const struct wl_map *m = &p->maps[0];

	if (m->r && n >= m->r->nr_pages) {
		n -= m->r->nr_pages;
		m = &p->maps[1];
	} else if (!m->r) {
		m = &p->maps[1];
	}
	*i = n;
	return m;
}

/* ---- workers ---- */

static unsigned long pick(const struct wl_proc *p, struct wl_worker *w,
			  struct pagemig_rng *rng, unsigned long *cursor)
{
	unsigned long n = p->nr_pages, hot;

	switch (p->pattern) {
	case WL_SEQUENTIAL:
		if (++*cursor >= n)
			*cursor = 0;
		return *cursor;
	case WL_HOT_COLD:
		/* 80% of accesses go to the first 20% of pages. */
		hot = n / 5 ? n / 5 : 1;
		if (pagemig_rng_below(rng, 10) < 8 || hot == n)
			return pagemig_rng_below(rng, hot);
		return hot + pagemig_rng_below(rng, n - hot);
	default:
		return pagemig_rng_below(rng, n);
	}
}

static void *worker_main(void *data)
{
	struct wl_worker *w = data;
	struct wl_proc *p = w->p;
	struct scenario_run *run = w->run;
	uint64_t buf[WORDS];
	const struct wl_map *m;
	struct pagemig_rng rng;
	unsigned long cursor, n, i, idle = 0;
	uint64_t wthresh;

	pagemig_thread_set_cpu(w->cpu);
	pagemig_rng_seed(&rng, w->seed);
	cursor = (unsigned long)((double)p->nr_pages * w->index / p->threads);
	wthresh = (uint64_t)(p->writes * 1000000);
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		n = pick(p, w, &rng, &cursor);
		m = page_map(p, n, &i);
		if (!page_trylock(&m->r->pages[i]))
			goto idle;
		/* A page the process freed is not in use until touched. */
		if (m->r->pages[i].flags & PG_FREED) {
			page_unlock(&m->r->pages[i]);
			goto idle;
		}
		idle = 0;
		access_locked(run, p, m, i,
			      pagemig_rng_below(&rng, 1000000) < wthresh,
			      buf, &w->c);
		page_unlock(&m->r->pages[i]);
		continue;
idle:
		/* Everything freed or busy: do not spin a CPU away. */
		if (!(++idle & 1023))
			sched_yield();
	}
	return NULL;
}

/**
 * wl_workers_start() - Start the worker threads of one or every process.
 * @run: the run.
 * @p: the process, or NULL for every live one.
 *
 * Worker k runs as CPU cpus[k % nr_cpus], or (no cpus: given) as CPU
 * (pid + k) % the machine's CPUs.
 *
 * Return: 0, -EINVAL (a CPU the machine does not have), or -errno from
 * pthread_create().
 */
int wl_workers_start(struct scenario_run *run, struct wl_proc *p)
{
	struct wl_procs *ps = procs_of(run);
	struct wl_worker *w;
	unsigned int k, i;
	int ret;

	if (!p) {
		for (i = 0; ps && i < ps->nr; i++) {
			ret = wl_workers_start(run, ps->procs[i]);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (p->exited || p->running || !p->threads || !p->nr_pages)
		return 0;
	for (k = 0; k < p->nr_cpus; k++)
		if (p->cpus[k] >= (int)run->cfg.nr_cpus)
			return -EINVAL;
	w = calloc(p->threads, sizeof(*w));
	if (!w)
		return -ENOMEM;
	p->workers = w;
	atomic_store(&p->stop, false);
	p->epoch++;
	for (k = 0; k < p->threads; k++) {
		uint64_t x = p->seed ^ ((uint64_t)p->epoch << 32) ^ k;

		w[k].run = run;
		w[k].p = p;
		w[k].index = k;
		w[k].cpu = p->nr_cpus ? p->cpus[k % p->nr_cpus] :
			   (int)((p->pid + k) % run->cfg.nr_cpus);
		w[k].seed = pagemig_splitmix64(&x);
		ret = pthread_create(&w[k].thread, NULL, worker_main, &w[k]);
		if (ret) {
			atomic_store(&p->stop, true);
			while (k--)
				pthread_join(w[k].thread, NULL);
			free(w);
			p->workers = NULL;
			return -ret;
		}
	}
	p->running = true;
	return 0;
}

static void add_counters(struct wl_counters *to, struct wl_counters *from)
{
	atomic_fetch_add(&to->reads, atomic_load(&from->reads));
	atomic_fetch_add(&to->writes, atomic_load(&from->writes));
	atomic_fetch_add(&to->errors, atomic_load(&from->errors));
	atomic_fetch_add(&to->corrupted, atomic_load(&from->corrupted));
}

/**
 * wl_workers_stop() - Stop and join the workers of one or every process.
 * @run: the run.
 * @p: the process, or NULL for every one.
 */
void wl_workers_stop(struct scenario_run *run, struct wl_proc *p)
{
	struct wl_procs *ps = procs_of(run);
	unsigned int k;

	if (!p) {
		for (k = 0; ps && k < ps->nr; k++)
			wl_workers_stop(run, ps->procs[k]);
		return;
	}
	if (!p->running)
		return;
	atomic_store(&p->stop, true);
	for (k = 0; k < p->threads; k++) {
		pthread_join(p->workers[k].thread, NULL);
		add_counters(&p->c, &p->workers[k].c);
	}
	free(p->workers);
	p->workers = NULL;
	p->running = false;
}

/**
 * wl_workers_running() - Are any process's worker threads running?
 * @run: the run.
 *
 * Return: true if at least one spawned process has running workers.
 */
bool wl_workers_running(struct scenario_run *run)
{
	struct wl_procs *ps = procs_of(run);
	unsigned int i;

	for (i = 0; ps && i < ps->nr; i++)
		if (ps->procs[i]->running)
			return true;
	return false;
}

static void proc_counts(const struct wl_proc *p, unsigned long *reads,
			unsigned long *writes, unsigned long *errors,
			unsigned long *corrupted)
{
	struct wl_counters *c = (struct wl_counters *)&p->c;
	unsigned int k;

	*reads = atomic_load(&c->reads);
	*writes = atomic_load(&c->writes);
	*errors = atomic_load(&c->errors);
	*corrupted = atomic_load(&c->corrupted);
	if (!p->running)
		return;
	for (k = 0; k < p->threads; k++) {
		c = &p->workers[k].c;
		*reads += atomic_load(&c->reads);
		*writes += atomic_load(&c->writes);
		*errors += atomic_load(&c->errors);
		*corrupted += atomic_load(&c->corrupted);
	}
}

/**
 * wl_accesses() - Checked accesses so far, over every process.
 * @run: the run.
 *
 * Return: reads plus writes.
 */
unsigned long wl_accesses(struct scenario_run *run)
{
	struct wl_procs *ps = procs_of(run);
	unsigned long r, w, e, c, sum = 0;
	unsigned int i;

	for (i = 0; ps && i < ps->nr; i++) {
		proc_counts(ps->procs[i], &r, &w, &e, &c);
		sum += r + w;
	}
	return sum;
}

/* ---- processes ---- */

static struct wl_region *region_new(const struct wl_proc *owner,
				    unsigned long addr, unsigned long pages,
				    bool file)
{
	struct wl_region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->pages = calloc(pages, sizeof(*r->pages));
	r->owner_name = strdup(owner->name);
	if (!r->pages || !r->owner_name) {
		free(r->pages);
		free(r->owner_name);
		free(r);
		return NULL;
	}
	r->refs = 1;
	r->owner_pid = owner->pid;
	r->base = addr;
	r->nr_pages = pages;
	r->file = file;
	r->fid = -1;
	return r;
}

static void region_put(struct wl_region *r)
{
	if (!r || --r->refs)
		return;
	free(r->pages);
	free(r->owner_name);
	free(r);
}

static void proc_free(struct wl_proc *p)
{
	region_put(p->maps[0].r);
	region_put(p->maps[1].r);
	free(p->name);
	free(p);
}

/**
 * wl_find() - A process by its scenario name.
 * @run: the run.
 * @name: the name spawn gave it.
 *
 * Return: the process (perhaps exited), or NULL.
 */
struct wl_proc *wl_find(struct scenario_run *run, const char *name)
{
	struct wl_procs *ps = procs_of(run);
	unsigned int i;

	for (i = 0; ps && i < ps->nr; i++)
		if (!strcmp(ps->procs[i]->name, name))
			return ps->procs[i];
	return NULL;
}

/**
 * wl_first_map() - Where a process's first mapping is: its anonymous
 * memory, or its file mapping when it has no anonymous memory.
 * @p: the process.
 * @pid: set to its pid in the facade.
 * @addr: set to the mapping's address.
 * @pages: set to the mapping's size in pages.
 *
 * Return: false if the process has exited (nothing is mapped).
 */
bool wl_first_map(const struct wl_proc *p, int *pid, unsigned long *addr,
		  unsigned long *pages)
{
	const struct wl_map *m = p->maps[0].r ? &p->maps[0] : &p->maps[1];

	if (p->exited || !m->r)
		return false;
	*pid = p->pid;
	*addr = m->addr;
	*pages = m->r->nr_pages;
	return true;
}

static int spawn_file(struct scenario_run *run, struct wl_proc *p,
		      const struct wl_spawn *sp, char *err, size_t errlen)
{
	unsigned int flags = PAGEMIG_MAP_WRITE;
	struct wl_region *r;
	struct wl_proc *from = NULL;
	unsigned long addr;
	uint64_t size = sp->file;
	struct stat st;
	int fid, ret;

	if (sp->file_from) {
		from = wl_find(run, sp->file_from);
		if (!from || from->exited || !from->maps[1].r ||
		    !from->maps[1].r->shared) {
			snprintf(err, errlen, "file_from: process \"%s\" %s",
				 sp->file_from, !from ? "does not exist" :
				 from->exited ? "has exited" :
				 "has no shared file mapping");
			return -EINVAL;
		}
		r = from->maps[1].r;
		ret = pagemig_mmap_file(p->pid, r->fid, r->nr_pages * PAGE, 0,
					PAGEMIG_MAP_WRITE | PAGEMIG_MAP_SHARED,
					&addr);
		if (ret) {
			snprintf(err, errlen, "pagemig_mmap_file(%s's file): %s",
				 sp->file_from, strerror(-ret));
			return ret;
		}
		r->refs++;
		p->maps[1] = (struct wl_map){ r, addr };
		return 0;
	}
	if (sp->file_path && !size) {
		if (stat(sp->file_path, &st)) {
			snprintf(err, errlen, "file_path: %s: %s", sp->file_path,
				 strerror(errno));
			return -errno;
		}
		size = (uint64_t)st.st_size;
	}
	fid = pagemig_file_create(sp->name, size, sp->seed, sp->file_path);
	if (fid < 0) {
		snprintf(err, errlen, "pagemig_file_create(%s): %s",
			 sp->file_path ? sp->file_path : sp->name,
			 strerror(-fid));
		return fid;
	}
	size = (size + PAGE - 1) / PAGE * PAGE;
	if (sp->shared)
		flags |= PAGEMIG_MAP_SHARED;
	ret = pagemig_mmap_file(p->pid, fid, size, 0, flags, &addr);
	if (ret) {
		snprintf(err, errlen, "pagemig_mmap_file(%llu bytes): %s",
			 (unsigned long long)size, strerror(-ret));
		return ret;
	}
	r = region_new(p, addr, size / PAGE, true);
	if (!r)
		return -ENOMEM;
	r->fid = fid;
	r->shared = sp->shared;
	p->maps[1] = (struct wl_map){ r, addr };
	return 0;
}

/**
 * wl_spawn() - Create a process with its mappings, and start its workers.
 * @run: the run.
 * @sp: what to create.
 * @err: why it failed, for the step's message.
 * @errlen: size of @err.
 *
 * Return: 0; -ENOMEM (the host); or the facade's error, said in @err.
 */
int wl_spawn(struct scenario_run *run, const struct wl_spawn *sp,
	     char *err, size_t errlen)
{
	struct wl_procs *ps;
	struct wl_proc *p, **more;
	unsigned long addr;
	int ret;

	ps = procs_of(run);
	p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(sp->name))) {
		free(p);
		return -ENOMEM;
	}
	more = realloc(ps->procs, (ps->nr + 1) * sizeof(*more));
	if (!more) {
		proc_free(p);
		return -ENOMEM;
	}
	ps->procs = more;
	p->threads = sp->threads;
	p->pattern = sp->pattern;
	p->writes = sp->writes;
	p->nr_cpus = sp->nr_cpus;
	memcpy(p->cpus, sp->cpus, sizeof(p->cpus));
	p->seed = sp->seed;
	p->pid = pagemig_process_create();
	if (p->pid < 0) {
		snprintf(err, errlen, "pagemig_process_create(): %s",
			 strerror(-p->pid));
		ret = p->pid;
		proc_free(p);
		return ret;
	}
	ps->procs[ps->nr++] = p;

	if (sp->anon) {
		ret = pagemig_mmap_anon(p->pid, sp->anon, PAGEMIG_MAP_WRITE |
					(sp->thp ? PAGEMIG_MAP_THP : 0), &addr);
		if (ret) {
			snprintf(err, errlen, "pagemig_mmap_anon(%llu bytes): %s",
				 (unsigned long long)sp->anon, strerror(-ret));
			return ret;
		}
		p->maps[0].r = region_new(p, addr, sp->anon / PAGE, false);
		if (!p->maps[0].r)
			return -ENOMEM;
		p->maps[0].r->thp = sp->thp;
		p->maps[0].r->dup = sp->duplicates;
		p->maps[0].addr = addr;
		if (sp->ksm) {
			ret = pagemig_madvise_mergeable(p->pid, addr);
			if (ret) {
				snprintf(err, errlen, "pagemig_madvise_mergeable(): %s",
					 strerror(-ret));
				return ret;
			}
		}
	}
	if (sp->has_file || sp->file_from) {
		ret = spawn_file(run, p, sp, err, errlen);
		if (ret)
			return ret;
	}
	p->nr_pages = (p->maps[0].r ? p->maps[0].r->nr_pages : 0) +
		      (p->maps[1].r ? p->maps[1].r->nr_pages : 0);
	ret = wl_workers_start(run, p);
	if (ret == -EINVAL)
		snprintf(err, errlen, "cpus: the machine has CPUs 0..%u",
			 run->cfg.nr_cpus - 1);
	else if (ret)
		snprintf(err, errlen, "starting workers: %s", strerror(-ret));
	return ret;
}

/* ---- touch, free, pin, exit ---- */

/**
 * wl_touch() - Access a share of a process's pages from this thread.
 * @run: the run.
 * @p: the process.
 * @pattern: WL_TOUCH_*.
 * @fraction: share of the pages.
 * @write: write a new generation (else read and check only).
 * @seed: for the random pattern.
 * @st: what was done.
 * @progress: called now and then with (data, done, total); may be NULL.
 * @data: for @progress.
 */
void wl_touch(struct scenario_run *run, struct wl_proc *p, int pattern,
	      double fraction, bool write, uint64_t seed,
	      struct wl_op_stats *st,
	      void (*progress)(void *, unsigned long, unsigned long),
	      void *data)
{
	unsigned long n = p->nr_pages, want, k, i, j, done = 0;
	const struct wl_map *m;
	struct pagemig_rng rng;
	uint64_t buf[WORDS];
	int ret;

	memset(st, 0, sizeof(*st));
	want = (unsigned long)(fraction * n + 0.5);
	if (pattern == WL_TOUCH_EVERY_OTHER)
		want = (unsigned long)(fraction * ((n + 1) / 2) + 0.5);
	pagemig_rng_seed(&rng, seed);
	for (k = 0; k < want; k++) {
		if (pattern == WL_TOUCH_SEQUENTIAL)
			j = k;
		else if (pattern == WL_TOUCH_EVERY_OTHER)
			j = 2 * k;
		else
			j = pagemig_rng_below(&rng, n);
		m = page_map(p, j, &i);
		page_lock(&m->r->pages[i]);
		ret = access_locked(run, p, m, i, write, buf, &p->c);
		m->r->pages[i].flags &= ~PG_FREED;
		page_unlock(&m->r->pages[i]);
		if (ret == 1)
			st->corrupted++;
		else if (ret < 0 && !st->errors++)
			st->first_error = ret;
		done++;
		if (progress && !(done & 4095))
			progress(data, done, want);
	}
	st->pages = done;
}

/* Forget page @i's data after MADV_DONTNEED dropped it. */
static void page_dropped(struct wl_region *r, unsigned long i)
{
	struct wl_page *pg = &r->pages[i];

	pg->flags |= PG_FREED;
	if (r->shared)
		return;		/* the page cache keeps a shared file's data */
	pg->gen = 0;
	/* A private file page reverts to the file. */
	pg->flags &= PG_SEEN | PG_FREED;
}

static int drop_unit(struct wl_proc *p, const struct wl_map *m,
		     unsigned long first, unsigned long nr)
{
	struct wl_region *r = m->r;
	unsigned long i;
	int ret;

	for (i = first; i < first + nr; i++)
		page_lock(&r->pages[i]);
	ret = pagemig_madvise_dontneed(p->pid, m->addr + first * PAGE,
				       nr * PAGE);
	for (i = first; i < first + nr; i++) {
		if (!ret)
			page_dropped(r, i);
		page_unlock(&r->pages[i]);
	}
	return ret;
}

/**
 * wl_free() - MADV_DONTNEED a share of a process's pages.
 * @run: the run.
 * @p: the process.
 * @which: WL_ANON, WL_FILE or WL_ALL mappings.
 * @pattern: WL_FREE_*.
 * @fraction: share of the units (random, range).
 * @from: where a range starts, as a share of the mapping.
 * @seed: for the random pattern.
 * @st: what was done.
 *
 * The unit is a page, or in a THP mapping a 2 MiB block: MADV_DONTNEED
 * drops a THP that the range only partly covers whole, and whether a
 * block got a THP depends on free memory at fault time, so only whole
 * blocks have a content the workload can know afterwards.
 */
void wl_free(struct scenario_run *run, struct wl_proc *p, int which,
	     int pattern, double fraction, double from, uint64_t seed,
	     struct wl_op_stats *st)
{
	unsigned long unit, units, k, lo, hi, nr;
	struct pagemig_rng rng;
	const struct wl_map *m;
	unsigned int mi;
	int ret;

	memset(st, 0, sizeof(*st));
	pagemig_rng_seed(&rng, seed);
	for (mi = 0; mi < 2; mi++) {
		m = &p->maps[mi];
		if (!m->r || (which == WL_ANON && mi) ||
		    (which == WL_FILE && !mi))
			continue;
		unit = m->r->thp ? THP_PAGES : 1;
		units = (m->r->nr_pages + unit - 1) / unit;
		lo = 0;
		hi = units;
		if (pattern == WL_FREE_RANGE) {
			lo = (unsigned long)(from * units);
			hi = lo + (unsigned long)(fraction * units + 0.5);
			if (hi > units)
				hi = units;
		}
		for (k = lo; k < hi; k++) {
			if (pattern == WL_FREE_EVERY_OTHER && !(k & 1))
				continue;
			if (pattern == WL_FREE_RANDOM &&
			    pagemig_rng_below(&rng, 1000000) >=
			    (uint64_t)(fraction * 1000000))
				continue;
			nr = unit;
			if ((k + 1) * unit > m->r->nr_pages)
				nr = m->r->nr_pages - k * unit;
			ret = drop_unit(p, m, k * unit, nr);
			st->calls++;
			if (ret && !st->errors++)
				st->first_error = ret;
			else if (!ret)
				st->pages += nr;
		}
	}
}

/**
 * wl_pin() - Pin @pages pages spread evenly over the anon mapping.
 * @run: the run.
 * @p: the process.
 * @pages: how many.
 * @pinned: how many were pinned.
 *
 * Return: 0, or the first error of pagemig_pin().
 */
int wl_pin(struct scenario_run *run, struct wl_proc *p, unsigned long pages,
	   unsigned long *pinned)
{
	const struct wl_map *m = &p->maps[0];
	unsigned long k, i, stride;
	int ret = 0;

	*pinned = 0;
	if (!m->r)
		m = &p->maps[1];
	if (!m->r || !pages)
		return 0;
	if (pages > m->r->nr_pages)
		pages = m->r->nr_pages;
	stride = m->r->nr_pages / pages;
	for (k = 0; k < pages; k++) {
		i = k * stride;
		page_lock(&m->r->pages[i]);
		ret = pagemig_pin(p->pid, m->addr + i * PAGE, 1, true);
		page_unlock(&m->r->pages[i]);
		if (ret)
			break;
		(*pinned)++;
	}
	return ret;
}

/**
 * wl_exit() - Stop a process's workers and exit it.
 * @run: the run.
 * @p: the process.
 *
 * Its figures are kept for the report; a shared file region lives on
 * while another process maps it.
 *
 * Return: 0, or what pagemig_process_exit() returned.
 */
int wl_exit(struct scenario_run *run, struct wl_proc *p)
{
	int ret;

	if (p->exited)
		return 0;
	wl_workers_stop(run, p);
	pagemig_process_stats(p->pid, &p->last);
	ret = pagemig_process_exit(p->pid);
	p->exited = true;
	return ret;
}

/* ---- verification ---- */

/* A live process that maps @r, and its mapping; NULL if none. */
static struct wl_proc *live_mapper(struct wl_procs *ps, struct wl_region *r,
				   const struct wl_map **map)
{
	unsigned int i, mi;

	for (i = 0; i < ps->nr; i++) {
		if (ps->procs[i]->exited)
			continue;
		for (mi = 0; mi < 2; mi++) {
			if (ps->procs[i]->maps[mi].r == r) {
				*map = &ps->procs[i]->maps[mi];
				return ps->procs[i];
			}
		}
	}
	return NULL;
}

/**
 * wl_verify() - Check every page that holds data, in every live region.
 * @run: the run.
 * @checked: pages checked are added here.
 * @corrupted: pages found corrupted now, and those workers found before,
 *             are added here.
 * @what: the first corruption, described; may be NULL.
 * @len: size of @what.
 *
 * Workers may keep running: each page is checked under its lock.
 */
void wl_verify(struct scenario_run *run, unsigned long *checked,
	       unsigned long *corrupted, char *what, size_t len)
{
	struct wl_procs *ps = procs_of(run);
	unsigned long i, rd, wr, er, co;
	const struct wl_map *m;
	struct wl_counters c = { 0 };
	struct wl_region *r;
	struct wl_proc *p, *owner;
	uint64_t buf[WORDS];
	unsigned int k, mi;
	int ret;

	if (!ps)
		return;
	for (k = 0; k < ps->nr; k++) {
		owner = ps->procs[k];
		for (mi = 0; mi < 2; mi++) {
			r = owner->maps[mi].r;
			/* Each region once: through its first live mapper. */
			if (!r || !(p = live_mapper(ps, r, &m)) ||
			    r->owner_pid != owner->pid)
				continue;
			for (i = 0; i < r->nr_pages; i++) {
				struct wl_page *pg = &r->pages[i];

				page_lock(pg);
				if (pg->flags & (PG_DATA | PG_SEEN)) {
					ret = access_locked(run, p, m, i, false,
							    buf, &c);
					if (ret >= 0)
						(*checked)++;
				}
				page_unlock(pg);
			}
		}
	}
	for (k = 0; k < ps->nr; k++) {
		proc_counts(ps->procs[k], &rd, &wr, &er, &co);
		*corrupted += co;
	}
	/* Corruptions found now that no worker had seen: counted in c. */
	*corrupted += atomic_load(&c.corrupted);
	if (what && len && ps->first[0]) {
		pthread_mutex_lock(&ps->first_lock);
		snprintf(what, len, "%s", ps->first);
		pthread_mutex_unlock(&ps->first_lock);
	}
}

/* ---- the run's processes ---- */

static void *wl_state_create(struct scenario_run *run)
{
	struct wl_procs *ps = calloc(1, sizeof(*ps));

	if (ps)
		pthread_mutex_init(&ps->first_lock, NULL);
	return ps;
}

/* Before the final verify: no worker runs, so every page holds still. */
static void wl_state_stop(struct scenario_run *run, void *state)
{
	wl_workers_stop(run, NULL);
}

static void wl_state_verify(struct scenario_run *run, void *state,
			    unsigned long *checked, unsigned long *corrupted)
{
	wl_verify(run, checked, corrupted, NULL, 0);
}

/* Stop every worker, exit every process, free it all. */
static void wl_state_destroy(struct scenario_run *run, void *state)
{
	struct wl_procs *ps = state;
	unsigned int i;

	wl_workers_stop(run, NULL);
	for (i = 0; i < ps->nr; i++) {
		wl_exit(run, ps->procs[i]);
		proc_free(ps->procs[i]);
	}
	free(ps->procs);
	pthread_mutex_destroy(&ps->first_lock);
	free(ps);
}

/* The report's processes section: every process, exited ones too. */
static int wl_state_report(struct scenario_run *run, void *state,
			   struct report *r)
{
	struct report_machine *m = &r->end;
	unsigned int i, n = wl_nr_procs(run);
	struct report_process *p;
	struct wl_proc_report w;

	if (!n)
		return 0;
	m->procs = calloc(n, sizeof(*m->procs));
	if (!m->procs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		wl_proc_report(run, i, &w);
		p = &m->procs[i];
		p->name = strdup(w.name);
		if (!p->name)
			return -ENOMEM;	/* the rows before this one stay */
		m->nr_procs++;
		p->pattern = w.pattern;
		p->pid = w.pid;
		p->exited = w.exited;
		p->threads = w.threads;
		p->anon_pages = w.anon_pages;
		p->file_pages = w.file_pages;
		p->st = w.st;
		p->reads = w.reads;
		p->writes = w.writes;
		p->errors = w.errors;
		p->corrupted = w.corrupted;
	}
	return 0;
}

const struct step_state wl_state_ops = {
	.create = wl_state_create,
	.stop = wl_state_stop,
	.verify = wl_state_verify,
	.report = wl_state_report,
	.destroy = wl_state_destroy,
};

/* ---- report ---- */

/**
 * wl_nr_procs() - How many processes the run has spawned.
 * @run: the run.
 *
 * Exited processes count too: reports list them with their last figures.
 *
 * Return: the number, 0 before the first spawn step.
 */
unsigned int wl_nr_procs(const struct scenario_run *run)
{
	const struct wl_procs *ps = procs_of(run);

	return ps ? ps->nr : 0;
}

/**
 * wl_proc_report() - The figures of the @i-th process spawned.
 * @run: the run.
 * @i: below wl_nr_procs().
 * @out: filled in.
 */
void wl_proc_report(const struct scenario_run *run, unsigned int i,
		    struct wl_proc_report *out)
{
	const struct wl_proc *p = procs_of(run)->procs[i];

	memset(out, 0, sizeof(*out));
	out->name = p->name;
	out->pid = p->pid;
	out->exited = p->exited;
	out->threads = p->threads;
	out->pattern = wl_pattern_names[p->pattern];
	out->anon_pages = p->maps[0].r ? p->maps[0].r->nr_pages : 0;
	out->file_pages = p->maps[1].r ? p->maps[1].r->nr_pages : 0;
	if (p->exited)
		out->st = p->last;
	else
		pagemig_process_stats(p->pid, &out->st);
	proc_counts(p, &out->reads, &out->writes, &out->errors,
		    &out->corrupted);
}
