// SPDX-License-Identifier: GPL-2.0
/*
 * Processes, the workload threads that use their memory, and the steps
 * that drive them (process.h says what a process is made of; the keys are
 * in Documentation/scenarios.md): spawn creates a process and starts its
 * workers, which read and write its memory through its page tables while
 * other steps go on, until a stop or workers step or the end of the run;
 * touch faults in and rewrites a share of its pages from the scenario
 * thread; free of a process is MADV_DONTNEED on a share of its pages;
 * pin long-term pins pages, which never migrate; exit ends it.
 *
 * Process names live in the parser's name list as "proc:NAME", so steps
 * naming a process nobody spawned fail at parse time with a suggestion.
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
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define WL_MAX_THREADS	16
#define WL_MAX_CPUS	PAGEMIG_MAX_CPUS
#define PAGE		PAGEMIG_PAGE_SIZE
#define WORDS		(PAGE / sizeof(uint64_t))
#define THP_PAGES	PAGEMIG_PAGEBLOCK_PAGES
#define WORKER_SECONDS_MAX	3600

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
	unsigned int verified;	/* the wl_procs.verifies that last checked it */
	int fid;
	const char *owner_name;	/* the spawn step's, as long as the run */
	struct wl_page *pages;
};

struct wl_map {
	struct wl_region *r;
	unsigned long addr;	/* in this process */
};

/* Checked accesses: what a process's workers and steps count, together. */
enum { C_READS, C_WRITES, C_ERRORS, C_CORRUPTED, NR_COUNTS };

struct wl_worker {
	pthread_t thread;
	struct scenario_run *run;
	struct wl_proc *p;
	unsigned int index;
	int cpu;
	uint64_t seed;
};

/* What a spawn step asks for: its args. */
struct wl_spawn {
	char *name;
	uint64_t anon;		/* bytes, 0: none */
	uint64_t file;		/* bytes, 0: the file's size (file_path) */
	char *file_path;	/* a real file, or NULL: generated */
	char *file_from;	/* map this process's file, shared */
	bool shared, thp;
	bool ksm;		/* anon: madvise(MADV_MERGEABLE) */
	unsigned int duplicates;	/* anon: contents repeat every N pages; 0: unique */
	unsigned int threads;
	int pattern;
	double writes;		/* share of worker accesses that write */
	int oom_score_adj;	/* -1000 (never OOM-killed) .. 1000 */
	unsigned int nr_cpus;	/* 0: spread over the machine's CPUs */
	int cpus[WL_MAX_CPUS];
	uint64_t seed;
};

struct wl_proc {
	int pid;
	bool exited;
	bool killed;			/* by the OOM killer; exited since */
	struct wl_map maps[2];		/* anon, file: either may be unused */
	unsigned long nr_pages;		/* over both maps */
	struct wl_spawn sp;		/* its spawn step's args: name, threads, ... */
	atomic_bool stop;
	unsigned int epoch;		/* worker seeds differ per start */
	struct wl_worker *workers;
	atomic_ulong c[NR_COUNTS];	/* its workers' accesses and steps' */
	struct pagemig_process_stats last;
};

struct wl_procs {
	struct wl_proc **procs;
	unsigned int nr;
	unsigned int verifies;		/* wl_verify() calls: marks regions seen */
	pthread_mutex_t first_lock;
	char first[256];		/* the first corruption, described */
};

static const struct step_state wl_state_ops;

/* The process steps' state in a run: the run's slot of spawn. */
static struct wl_procs *procs_of(const struct scenario_run *run)
{
	return run_state(run, &wl_state_ops);
}

enum { WL_SEQUENTIAL, WL_RANDOM, WL_HOT_COLD };

static const char *const wl_pattern_names[] = {
	"sequential", "random", "hot-cold", NULL
};

/* Processes: spawn declares them, the other steps name them. */
const struct yp_names proc_names = {
	.prefix = "proc:",
	.what = "a process name",
	.ref = "the name of a spawned process",
	.verb = "spawns a process",
	.again = "a process \"%s\" was already spawned",
};

#define PROC_KEY(type, flags)						\
	{ "process", YP_NAME, flags, YP_FIELD(type, process),		\
	  .names = &proc_names }

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
	static const uint64_t zero[WORDS];
	struct wl_page *pg = &r->pages[i];
	uint64_t want[WORDS];

	if (pg->gen) {
		fill(want, r, i, pg->gen);
		return !memcmp(w, want, PAGE);
	}
	if (!r->file)
		return !memcmp(w, zero, PAGE);
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
		pagemig_yield();
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
			 p->sp.name, p->pid, r->base + i * PAGE, r->owner_name,
			 r->file ? "file" : "anon",
			 pg->gen ? "generation " : "its original contents, generation ",
			 pg->gen, (unsigned long long)w[0]);
	pthread_mutex_unlock(&ps->first_lock);
}

static void count(atomic_ulong *c, int i)
{
	atomic_fetch_add_explicit(&c[i], 1, memory_order_relaxed);
}

/*
 * One checked access to page @i of map @m, the page lock held: read and
 * check, then (for a write) write the next generation.
 * Return: 0, 1 if the page was corrupted, or pagemig_access()'s error.
 */
static int access_locked(struct scenario_run *run, struct wl_proc *p,
			 const struct wl_map *m, unsigned long i, bool write,
			 uint64_t *buf, atomic_ulong *c)
{
	struct wl_region *r = m->r;
	struct wl_page *pg = &r->pages[i];
	unsigned long addr = m->addr + i * PAGE;
	uint8_t gen = next_gen(pg->gen);
	int ret, bad;

	ret = pagemig_access(p->pid, addr, buf, PAGE, false);
	if (ret)
		goto err;
	count(c, C_READS);
	bad = !page_ok(r, i, buf);
	if (bad && !(pg->flags & PG_BAD)) {
		pg->flags |= PG_BAD;
		count(c, C_CORRUPTED);
		note_corruption(run, p, r, i, buf);
	}
	if (!write)
		return bad;
	fill(buf, r, i, gen);
	ret = pagemig_access(p->pid, addr, buf, PAGE, true);
	if (ret)
		goto err;
	pg->gen = gen;
	pg->flags = (pg->flags & ~PG_BAD) | PG_DATA;
	count(c, C_WRITES);
	return bad;
err:
	if (ret != -EINTR)	/* OOM-killed: its pages are gone, not bad */
		count(c, C_ERRORS);
	return ret;
}

/* Page @n of the process (anon pages first, then file pages). */
static const struct wl_map *page_map(const struct wl_proc *p, unsigned long n,
				     unsigned long *i)
{
	unsigned long anon = p->maps[0].r ? p->maps[0].r->nr_pages : 0;

	*i = n < anon ? n : n - anon;
	return &p->maps[n >= anon];
}

/* ---- workers ---- */

static unsigned long pick(const struct wl_proc *p, struct pagemig_rng *rng,
			  unsigned long *cursor)
{
	unsigned long n = p->nr_pages, hot;

	switch (p->sp.pattern) {
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
	struct wl_page *pg;
	struct pagemig_rng rng;
	unsigned long cursor, i, idle = 0;
	uint64_t wthresh;
	bool locked;
	int ret;

	pagemig_thread_set_cpu(w->cpu);
	pagemig_rng_seed(&rng, w->seed);
	cursor = (unsigned long)((double)p->nr_pages * w->index / p->sp.threads);
	wthresh = (uint64_t)(p->sp.writes * 1000000);
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		m = page_map(p, pick(p, &rng, &cursor), &i);
		pg = &m->r->pages[i];
		locked = page_trylock(pg);
		/* A page the process freed is not in use until touched. */
		ret = 0;
		if (locked && !(pg->flags & PG_FREED)) {
			idle = 0;
			ret = access_locked(run, p, m, i,
					    pagemig_rng_below(&rng, 1000000) < wthresh,
					    buf, p->c);
		} else {
			idle++;
		}
		if (locked)
			page_unlock(pg);
		if (ret == -EINTR)
			break;	/* OOM-killed: this CPU stops */
		/* Everything freed or busy: do not spin a CPU away. */
		if (idle && !(idle & 1023))
			pagemig_yield();
	}
	return NULL;
}

/*
 * Start the worker threads of @p, unless it has exited or has them.
 * Worker k runs as CPU cpus[k % nr_cpus], or (no cpus: given) as CPU
 * (pid + k) % the machine's CPUs.  0, -EINVAL (a CPU the machine does
 * not have), or -errno from pagemig_thread_create().
 */
static int workers_start(struct scenario_run *run, struct wl_proc *p)
{
	struct wl_worker *w;
	unsigned int k;
	int ret;

	if (p->exited || p->workers || !p->sp.threads || !p->nr_pages)
		return 0;
	for (k = 0; k < p->sp.nr_cpus; k++)
		if (p->sp.cpus[k] >= (int)run->cfg.nr_cpus)
			return -EINVAL;
	w = calloc(p->sp.threads, sizeof(*w));
	if (!w)
		return -ENOMEM;
	p->workers = w;
	atomic_store(&p->stop, false);
	p->epoch++;
	for (k = 0; k < p->sp.threads; k++) {
		uint64_t x = p->sp.seed ^ ((uint64_t)p->epoch << 32) ^ k;

		w[k].run = run;
		w[k].p = p;
		w[k].index = k;
		w[k].cpu = p->sp.nr_cpus ? p->sp.cpus[k % p->sp.nr_cpus] :
			   (int)((p->pid + k) % run->cfg.nr_cpus);
		w[k].seed = pagemig_splitmix64(&x);
		ret = pagemig_thread_create(&w[k].thread, p->sp.name,
					    worker_main, &w[k]);
		if (ret) {
			atomic_store(&p->stop, true);
			while (k--)
				pagemig_thread_join(w[k].thread, NULL);
			free(w);
			p->workers = NULL;
			return -ret;
		}
	}
	return 0;
}

/* Stop and join the workers of @p, if it has any. */
static void workers_stop(struct scenario_run *run, struct wl_proc *p)
{
	unsigned int k;

	if (!p->workers)
		return;
	atomic_store(&p->stop, true);
	for (k = 0; k < p->sp.threads; k++)
		pagemig_thread_join(p->workers[k].thread, NULL);
	free(p->workers);
	p->workers = NULL;
}

/* Checked accesses so far, reads and writes, over every process. */
static unsigned long accesses(struct scenario_run *run)
{
	struct wl_procs *ps = procs_of(run);
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; ps && i < ps->nr; i++)
		sum += atomic_load(&ps->procs[i]->c[C_READS]) +
		       atomic_load(&ps->procs[i]->c[C_WRITES]);
	return sum;
}

/* ---- processes ---- */

/* A new region of @pages at @addr, as map @mi (0 anon, 1 file) of @owner. */
static struct wl_region *region_new(struct wl_proc *owner, unsigned int mi,
				    unsigned long addr, unsigned long pages)
{
	struct wl_region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->pages = calloc(pages, sizeof(*r->pages));
	if (!r->pages) {
		free(r);
		return NULL;
	}
	r->owner_name = owner->sp.name;
	r->refs = 1;
	r->owner_pid = owner->pid;
	r->base = addr;
	r->nr_pages = pages;
	r->file = mi;
	r->fid = -1;
	owner->maps[mi] = (struct wl_map){ r, addr };
	return r;
}

static void region_put(struct wl_region *r)
{
	if (!r || --r->refs)
		return;
	free(r->pages);
	free(r);
}

static void proc_free(struct wl_proc *p)
{
	region_put(p->maps[0].r);
	region_put(p->maps[1].r);
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
		if (!strcmp(ps->procs[i]->sp.name, name))
			return ps->procs[i];
	return NULL;
}

static int proc_exit(struct scenario_run *run, struct wl_proc *p);

/* If the OOM killer killed @p, exit it now; true if it was killed. */
static bool proc_reap_killed(struct scenario_run *run, struct wl_proc *p)
{
	if (!p->exited && pagemig_process_oom_killed(p->pid) == 1) {
		proc_exit(run, p);
		p->killed = true;
	}
	return p->killed;
}

/* The live process @name, or NULL with the step failed, saying why. */
static struct wl_proc *live_proc(struct scenario_run *run, const char *name,
				 struct step_result *res)
{
	struct wl_proc *p = wl_find(run, name);

	if (!p)
		step_fail(res, "process \"%s\" was not spawned (its spawn step failed)",
			  name);
	else if (proc_reap_killed(run, p))
		step_fail(res, "process \"%s\" was killed by the OOM killer", name);
	else if (p->exited)
		step_fail(res, "process \"%s\" has exited", name);
	return p && !p->exited ? p : NULL;
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

/* Fail the spawn step: "spawn NAME: WHAT: strerror(-@ret)"; return @ret. */
static int spawn_fail(struct step_result *res, const struct wl_spawn *sp,
		      int ret, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	step_fail(res, "spawn %s: %s: %s", sp->name, what, strerror(-ret));
	return ret;
}

/* Map @sp's file: a new one, or file_from's, shared. */
static int spawn_file(struct scenario_run *run, struct wl_proc *p,
		      const struct wl_spawn *sp, struct step_result *res)
{
	unsigned int flags = PAGEMIG_MAP_WRITE |
			     (sp->shared ? PAGEMIG_MAP_SHARED : 0);
	struct wl_proc *from = sp->file_from ? wl_find(run, sp->file_from) : NULL;
	struct wl_region *r = NULL;
	unsigned long addr;
	uint64_t size = sp->file;
	struct stat st;
	int fid, ret;

	if (sp->file_from) {
		if (!from || from->exited || !from->maps[1].r ||
		    !from->maps[1].r->shared) {
			step_fail(res, "spawn %s: file_from: process \"%s\" %s",
				  sp->name, sp->file_from,
				  !from ? "does not exist" :
				  from->exited ? "has exited" :
				  "has no shared file mapping");
			return -EINVAL;
		}
		r = from->maps[1].r;
		fid = r->fid;
		size = r->nr_pages * PAGE;
	} else {
		if (sp->file_path && !size) {
			if (stat(sp->file_path, &st))
				return spawn_fail(res, sp, -errno, "file_path: %s",
						  sp->file_path);
			size = (uint64_t)st.st_size;
		}
		fid = pagemig_file_create(sp->name, size, sp->seed, sp->file_path);
		if (fid < 0)
			return spawn_fail(res, sp, fid, "pagemig_file_create(%s)",
					  sp->file_path ? sp->file_path : sp->name);
		size = (size + PAGE - 1) / PAGE * PAGE;
	}
	ret = pagemig_mmap_file(p->pid, fid, size, 0, flags, &addr);
	if (ret && r)
		return spawn_fail(res, sp, ret, "pagemig_mmap_file(%s's file)",
				  sp->file_from);
	if (ret)
		return spawn_fail(res, sp, ret, "pagemig_mmap_file(%llu bytes)",
				  (unsigned long long)size);
	if (r) {
		r->refs++;
		p->maps[1] = (struct wl_map){ r, addr };
		return 0;
	}
	r = region_new(p, 1, addr, size / PAGE);
	if (!r)
		return -ENOMEM;
	r->fid = fid;
	r->shared = sp->shared;
	return 0;
}

/* ---- spawn ---- */

static const struct yp_key cpu_key = {
	"", YP_INT, YP_CPU, .size = sizeof(int), .max = PAGEMIG_MAX_CPUS - 1,
	.what = "a CPU the machine has (below machine.cpus)"
};

#define SPAWN_PAGES(key, member)					\
	{ key, YP_SIZE, YP_NONZERO | YP_ONE_OF,				\
	  YP_FIELD(struct wl_spawn, member), .align = PAGE,		\
	  .what = "a non-zero size in whole 4 KiB pages" }

/* Which memory: anon, a file, or another process's file (shared). */
static int spawn_check(struct yparse *p, yaml_node_t *map, const char *path,
		       void *args)
{
	struct wl_spawn *sp = args;
	uint64_t mem = p->machine ? p->machine->memory : ~0ULL >> 5;
	uint64_t big = sp->anon > sp->file ? sp->anon : sp->file;
	bool shared = yp_get(p, map, "shared", NULL);
	bool has_file = sp->file || sp->file_path;

	if (sp->file_from && has_file)
		return yp_key_error(p, map, path, "file_from",
				    "give either file/file_path or file_from, not both");
	if (shared && !has_file && !sp->file_from)
		return yp_key_error(p, map, path, "shared",
				    "only applies with file or file_path");
	if (shared && sp->file_from && !sp->shared)
		return yp_key_error(p, map, path, "shared",
				    "file_from maps another process's file shared");
	if (sp->file_from)
		sp->shared = true;
	/* At most 16 times the machine per mapping (kernel: OVERCOMMIT_GUESS). */
	if (big > 16 * mem)
		return yp_key_error(p, map, path, sp->anon == big ? "anon" : "file",
				    "expected at most 16 times machine.memory (%llu MiB), got %llu MiB",
				    (unsigned long long)(mem >> 20), (unsigned long long)(big >> 20));
	return 0;
}

static const struct yp_key spawn_keys[] = {
	{ "name", YP_NAME, YP_REQUIRED | YP_DECLARE,
	  YP_FIELD(struct wl_spawn, name), .names = &proc_names },
	SPAWN_PAGES("anon", anon),
	SPAWN_PAGES("file", file),
	{ "file_path", YP_PATH, YP_ONE_OF | YP_READABLE, YP_FIELD(struct wl_spawn, file_path),
	  .what = "a path to a regular file" },
	{ "file_from", YP_NAME, YP_ONE_OF, YP_FIELD(struct wl_spawn, file_from),
	  .names = &proc_names },
	{ "shared", YP_BOOL, 0, YP_FIELD(struct wl_spawn, shared) },
	{ "thp", YP_BOOL, 0, YP_FIELD(struct wl_spawn, thp),
	  .only_with = "anon" },
	{ "threads", YP_INT, 0, YP_FIELD(struct wl_spawn, threads),
	  .max = WL_MAX_THREADS, .def = 1 },
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct wl_spawn, pattern),
	  .choices = wl_pattern_names, .def = WL_RANDOM },
	{ "cpus", YP_LIST, 0, YP_FIELD(struct wl_spawn, cpus), .sub = &cpu_key,
	  .off2 = offsetof(struct wl_spawn, nr_cpus), .max = WL_MAX_CPUS,
	  .what = "a list of CPU numbers such as [0, 1]" },
	{ "writes", YP_FRACTION, 0, YP_FIELD(struct wl_spawn, writes),
	  .def_real = 0.5 },
	{ "ksm", YP_BOOL, 0, YP_FIELD(struct wl_spawn, ksm),
	  .only_with = "anon" },
	{ "duplicates", YP_INT, 0, YP_FIELD(struct wl_spawn, duplicates),
	  .min = 1, .max = 1 << 30, .only_with = "anon" },
	{ "oom_score_adj", YP_INT, 0, YP_FIELD(struct wl_spawn, oom_score_adj), .min = -1000, .max = 1000 },
	YP_END_CHECK(struct wl_spawn, spawn_check)
};

/*
 * Create a process with its mappings and start its workers.  A failure
 * the step can name fails it; -ENOMEM with the step not failed is the
 * host's.
 */
static int spawn(struct scenario_run *run, const struct wl_spawn *sp,
		 struct step_result *res)
{
	struct wl_procs *ps = procs_of(run);
	struct wl_proc *p, **more;
	unsigned long addr;
	int ret;

	more = realloc(ps->procs, (ps->nr + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	ps->procs = more;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->sp = *sp;
	p->pid = pagemig_process_create();
	if (p->pid < 0) {
		ret = spawn_fail(res, sp, p->pid, "pagemig_process_create()");
		proc_free(p);
		return ret;
	}
	ps->procs[ps->nr++] = p;
	pagemig_process_set_comm(p->pid, sp->name);	/* -ESRCH at most: not here */
	pagemig_process_set_oom_score_adj(p->pid, sp->oom_score_adj);

	if (sp->anon) {
		ret = pagemig_mmap_anon(p->pid, sp->anon, PAGEMIG_MAP_WRITE |
					(sp->thp ? PAGEMIG_MAP_THP : 0), &addr);
		if (ret)
			return spawn_fail(res, sp, ret, "pagemig_mmap_anon(%llu bytes)",
					  (unsigned long long)sp->anon);
		if (!region_new(p, 0, addr, sp->anon / PAGE))
			return -ENOMEM;
		p->maps[0].r->thp = sp->thp;
		p->maps[0].r->dup = sp->duplicates;
		ret = sp->ksm ? pagemig_madvise_mergeable(p->pid, addr) : 0;
		if (ret)
			return spawn_fail(res, sp, ret, "pagemig_madvise_mergeable()");
	}
	if (sp->file || sp->file_path || sp->file_from) {
		ret = spawn_file(run, p, sp, res);
		if (ret)
			return ret;
	}
	p->nr_pages = (p->maps[0].r ? p->maps[0].r->nr_pages : 0) +
		      (p->maps[1].r ? p->maps[1].r->nr_pages : 0);
	ret = workers_start(run, p);
	if (ret == -EINVAL)
		step_fail(res, "spawn %s: cpus: the machine has CPUs 0..%u",
			  sp->name, run->cfg.nr_cpus - 1);
	else if (ret)
		spawn_fail(res, sp, ret, "starting workers");
	return ret;
}

static int spawn_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	struct wl_spawn *sp = step->args;
	struct pagemig_rng rng;

	step_rng(run, step, &rng);
	sp->seed = pagemig_rng_next(&rng);
	if (spawn(run, sp, res) == -ENOMEM && !res->failed)
		return -ENOMEM;
	step_figure(res, "anon_pages", sp->anon / PAGE);
	step_figure(res, "threads", sp->threads);
	return 0;
}

DEFINE_STEP_TYPE(step_spawn, "spawn", spawn_keys, spawn_run,
		 "create a process with anon and/or file memory and start its worker threads",
		 .state = &wl_state_ops);

/* What a touch or free step did. */
struct op_stats {
	unsigned long pages;	/* touched, or dropped */
	unsigned long calls;	/* madvise calls */
	unsigned long errors;
	unsigned long corrupted;
	int first_error;
};

static void op_result(struct op_stats *st, int ret)
{
	if (ret == 1)
		st->corrupted++;
	else if (ret < 0 && !st->errors++)
		st->first_error = ret;
}

/* ---- touch ---- */

enum { TOUCH_SEQUENTIAL, TOUCH_RANDOM, TOUCH_EVERY_OTHER };

static const char *const touch_patterns[] = {
	"sequential", "random", "every-other", NULL
};

struct touch_args {
	char *process;
	int pattern;
	double fraction;
	bool write;
};

static const struct yp_key touch_keys[] = {
	PROC_KEY(struct touch_args, YP_REQUIRED),
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct touch_args, pattern),
	  .choices = touch_patterns },
	{ "fraction", YP_FRACTION, 0, YP_FIELD(struct touch_args, fraction),
	  .def_real = 1.0 },
	{ "write", YP_BOOL, 0, YP_FIELD(struct touch_args, write), .def = true },
	YP_END(struct touch_args)
};

/* A share of a process's pages, accessed now from this thread. */
static int touch_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	const struct touch_args *a = step->args;
	struct wl_proc *p = live_proc(run, a->process, res);
	unsigned long n, want, k, i, j;
	struct op_stats st = { 0 };
	const struct wl_map *m;
	struct pagemig_rng rng;
	uint64_t buf[WORDS];
	int ret;

	if (!p)
		return 0;
	n = p->nr_pages;
	want = (unsigned long)(a->fraction *
			       (a->pattern == TOUCH_EVERY_OTHER ? (n + 1) / 2 : n) + 0.5);
	/* The pages' stream: the step's first draw seeds it. */
	step_rng(run, step, &rng);
	pagemig_rng_seed(&rng, pagemig_rng_next(&rng));
	for (k = 0; k < want; k++) {
		if (a->pattern == TOUCH_SEQUENTIAL)
			j = k;
		else if (a->pattern == TOUCH_EVERY_OTHER)
			j = 2 * k;
		else
			j = pagemig_rng_below(&rng, n);
		m = page_map(p, j, &i);
		page_lock(&m->r->pages[i]);
		ret = access_locked(run, p, m, i, a->write, buf, p->c);
		m->r->pages[i].flags &= ~PG_FREED;
		page_unlock(&m->r->pages[i]);
		if (ret == -EINTR)
			break;	/* the OOM killer killed it: it touches no more */
		op_result(&st, ret);
		if (!((k + 1) & 4095))
			step_progress(run, step, k + 1, want);
	}
	step_figure(res, "pages", k);
	step_figure(res, "errors", st.errors);
	step_figure(res, "corrupted", st.corrupted);
	if (proc_reap_killed(run, p))
		step_figure(res, "oom_killed", 1);
	if (st.errors)
		step_fail(res, "%lu of %lu accesses failed; first: %s",
			  st.errors, want, strerror(-st.first_error));
	return 0;
}

DEFINE_STEP_TYPE(step_touch, "touch", touch_keys, touch_run,
		 "read or write a share of a process's pages now, faulting them in");

/* ---- free: {process: ...} ---- */

enum { FREE_EVERY_OTHER, FREE_RANDOM, FREE_RANGE };

static const char *const free_patterns[] = {
	"every-other", "random", "range", NULL
};
/* Indexed like wl_proc.maps[], and then "all". */
static const char *const free_mappings[] = { "anon", "file", "all", NULL };

struct proc_free_args {
	char *process;
	int pattern;
	unsigned int mapping;
	double fraction, from;
};

static const struct yp_key proc_free_keys[] = {
	PROC_KEY(struct proc_free_args, YP_REQUIRED),
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct proc_free_args, pattern),
	  .choices = free_patterns },
	{ "fraction", YP_FRACTION, 0, YP_FIELD(struct proc_free_args, fraction),
	  .def_real = 0.5, .only_with = "pattern",
	  .only_if = 1 << FREE_RANDOM | 1 << FREE_RANGE },
	{ "from", YP_FRACTION, 0, YP_FIELD(struct proc_free_args, from),
	  .only_with = "pattern", .only_if = 1 << FREE_RANGE },
	{ "mapping", YP_CHOICE, 0, YP_FIELD(struct proc_free_args, mapping),
	  .choices = free_mappings },
	YP_END(struct proc_free_args)
};

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

/*
 * MADV_DONTNEED the share of mapping @m the step's keys select.  The
 * unit is a page, or in a THP mapping a 2 MiB block: MADV_DONTNEED drops
 * a THP that the range only partly covers whole, and whether a block got
 * a THP depends on free memory at fault time, so only whole blocks have
 * a content the workload can know afterwards.
 */
static void free_map(struct wl_proc *p, const struct wl_map *m,
		     const struct proc_free_args *a, struct pagemig_rng *rng,
		     struct op_stats *st)
{
	unsigned long unit = m->r->thp ? THP_PAGES : 1;
	unsigned long units = (m->r->nr_pages + unit - 1) / unit;
	unsigned long k, lo = 0, hi = units, nr;
	int ret;

	if (a->pattern == FREE_RANGE) {
		lo = (unsigned long)(a->from * units);
		hi = lo + (unsigned long)(a->fraction * units + 0.5);
		if (hi > units)
			hi = units;
	}
	for (k = lo; k < hi; k++) {
		if (a->pattern == FREE_EVERY_OTHER && !(k & 1))
			continue;
		if (a->pattern == FREE_RANDOM &&
		    pagemig_rng_below(rng, 1000000) >=
		    (uint64_t)(a->fraction * 1000000))
			continue;
		nr = unit;
		if ((k + 1) * unit > m->r->nr_pages)
			nr = m->r->nr_pages - k * unit;
		ret = drop_unit(p, m, k * unit, nr);
		st->calls++;
		op_result(st, ret);
		if (!ret)
			st->pages += nr;
	}
}

/*
 * free: {process: P, ...}: MADV_DONTNEED over the share of the process's
 * mappings the keys select; failed calls fail the step.  A process that
 * is not live fails it too.
 */
static int proc_free_run(struct scenario_run *run, const struct step *step,
			 struct step_result *res)
{
	const struct proc_free_args *a = step->args;
	struct wl_proc *p = live_proc(run, a->process, res);
	struct op_stats st = { 0 };
	struct pagemig_rng rng;
	unsigned int mi;

	if (!p)
		return 0;
	step_rng(run, step, &rng);
	pagemig_rng_seed(&rng, pagemig_rng_next(&rng));
	for (mi = 0; mi < 2; mi++)
		if (p->maps[mi].r && (a->mapping == mi || a->mapping == 2))
			free_map(p, &p->maps[mi], a, &rng, &st);
	step_figure(res, "madvised", st.calls);
	step_figure(res, "pages", st.pages);
	if (st.errors)
		step_fail(res, "%lu of %lu pagemig_madvise_dontneed() calls failed; first: %s",
			  st.errors, st.calls, strerror(-st.first_error));
	return 0;
}

/* The process form of free: steps.c's free turns into it (alt_key). */
DEFINE_STEP_TYPE(step_free_process, "free", proc_free_keys, proc_free_run,
		 "free (MADV_DONTNEED) every other, a random share or a range of a process's pages");

/* ---- pin ---- */

struct pin_args {
	char *process;
	unsigned long pages;
};

static const struct yp_key pin_keys[] = {
	PROC_KEY(struct pin_args, YP_REQUIRED),
	{ "pages", YP_INT, YP_REQUIRED, YP_FIELD(struct pin_args, pages),
	  .min = 1, .max = 1 << 24 },
	YP_END(struct pin_args)
};

/* Pin pages spread evenly over the first mapping; the first error stops. */
static int pin_run(struct scenario_run *run, const struct step *step,
		   struct step_result *res)
{
	const struct pin_args *a = step->args;
	struct wl_proc *p = live_proc(run, a->process, res);
	unsigned long k, i, pages, pinned = 0;
	const struct wl_map *m;
	int ret = 0;

	if (!p)
		return 0;
	m = p->maps[0].r ? &p->maps[0] : &p->maps[1];
	pages = m->r && a->pages > m->r->nr_pages ? m->r->nr_pages : a->pages;
	for (k = 0; m->r && k < pages; k++) {
		i = k * (m->r->nr_pages / pages);
		page_lock(&m->r->pages[i]);
		ret = pagemig_pin(p->pid, m->addr + i * PAGE, 1, true);
		page_unlock(&m->r->pages[i]);
		if (ret)
			break;
		pinned++;
	}
	step_figure(res, "pinned", pinned);
	if (ret)
		step_fail(res, "pagemig_pin() failed after %lu pages: %s",
			  pinned, strerror(-ret));
	return 0;
}

DEFINE_STEP_TYPE(step_pin, "pin", pin_keys, pin_run,
		 "long-term pin N pages spread over a process's memory (they never migrate)");

/* ---- exit ---- */

/*
 * Stop a process's workers and exit it.  Its figures are kept for the
 * report; a shared file region lives on while another process maps it.
 */
static int proc_exit(struct scenario_run *run, struct wl_proc *p)
{
	int ret;

	if (p->exited)
		return 0;
	workers_stop(run, p);
	pagemig_process_stats(p->pid, &p->last);
	ret = pagemig_process_exit(p->pid);
	p->exited = true;
	return ret;
}

static const struct yp_key exit_keys[] = {
	PROC_KEY(struct touch_args, YP_REQUIRED),
	YP_END(struct touch_args)
};

static int exit_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct touch_args *a = step->args;
	unsigned long before = pagemig_free_pages_count();
	struct wl_proc *p = live_proc(run, a->process, res);
	int ret;

	if (!p)
		return 0;
	ret = proc_exit(run, p);
	step_figure(res, "pages_freed", pagemig_free_pages_count() - before);
	if (ret)
		step_fail(res, "pagemig_process_exit(): %s", strerror(-ret));
	return 0;
}

DEFINE_STEP_TYPE(step_exit, "exit", exit_keys, exit_run,
		 "stop a process's workers and exit it: its memory is freed");

/* ---- workers and stop ---- */

struct workers_args {
	char *process;		/* NULL: every process */
	bool run;
	double seconds;
};

static const struct yp_key workers_keys[] = {
	{ "run", YP_BOOL, YP_REQUIRED, YP_FIELD(struct workers_args, run) },
	PROC_KEY(struct workers_args, 0),
	{ "seconds", YP_REAL, 0, YP_FIELD(struct workers_args, seconds),
	  .max = WORKER_SECONDS_MAX, .what = "a number of seconds 0..3600",
	  .only_with = "run", .only_if = 1 << true },
	YP_END(struct workers_args)
};

static const struct yp_key stop_keys[] = {
	PROC_KEY(struct workers_args, 0),
	YP_END(struct workers_args)
};

static int workers_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res)
{
	const struct workers_args *a = step->args;
	unsigned long a0 = accesses(run), running = 0;
	struct wl_procs *ps = procs_of(run);
	struct wl_proc *p = NULL;
	unsigned int i;
	double t0, t;
	int ret = 0;

	if (a->process && !(p = live_proc(run, a->process, res)))
		return 0;
	/* One process, or each in turn: the first that fails stops it. */
	for (i = 0; !ret && i < (p ? 1 : ps->nr); i++) {
		if (a->run)
			ret = workers_start(run, p ? p : ps->procs[i]);
		else
			workers_stop(run, p ? p : ps->procs[i]);
	}
	if (ret)
		step_fail(res, "starting workers: %s", ret == -EINVAL ?
			  "a cpus: entry names a CPU the machine does not have" :
			  strerror(-ret));
	/* The machine's clock: simulated under the deterministic scheduler. */
	t0 = pagemig_clock_ns() / 1e9;
	while (!ret && (t = pagemig_clock_ns() / 1e9 - t0) < a->seconds) {
		step_progress(run, step, (unsigned long)(t * 1000),
			      (unsigned long)(a->seconds * 1000));
		pagemig_msleep(20);
	}
	for (i = 0; i < ps->nr; i++)
		running |= !!ps->procs[i]->workers;
	step_figure(res, "accesses", accesses(run) - a0);
	step_figure(res, "running", running);
	return 0;
}

DEFINE_STEP_TYPE(step_workers, "workers", workers_keys, workers_run,
		 "start (run: true, optionally for some seconds) or stop process worker threads");

DEFINE_STEP_TYPE(step_stop, "stop", stop_keys, workers_run,
		 "stop the worker threads of every process (or of one)");

/* ---- verification ---- */

/**
 * wl_verify() - Check every page that holds data, in every live region.
 * @run: the run.
 * @checked: pages checked are added here.
 * @corrupted: pages found corrupted now, and those workers found before,
 *             are added here.
 * @gone: pages OOM-killed processes mapped (gone, not corrupted); or NULL.
 * @what: the first corruption, described; may be NULL.
 * @len: size of @what.
 *
 * Workers may keep running: each page is checked under its lock.
 */
void wl_verify(struct scenario_run *run, unsigned long *checked, unsigned long *corrupted,
	       unsigned long *gone, char *what, size_t len)
{
	struct wl_procs *ps = procs_of(run);
	unsigned long i;
	const struct wl_map *m;
	atomic_ulong c[NR_COUNTS] = { 0 };
	struct wl_region *r;
	struct wl_proc *p;
	uint64_t buf[WORDS];
	unsigned int k, mi;
	int ret;

	if (!ps)
		return;
	ps->verifies++;
	for (k = 0; k < ps->nr; k++) {
		p = ps->procs[k];
		*corrupted += atomic_load(&p->c[C_CORRUPTED]);
		if (proc_reap_killed(run, p) && gone)
			*gone += p->nr_pages;
		for (mi = 0; mi < 2 && !p->exited; mi++) {
			m = &p->maps[mi];
			r = m->r;
			/* Each region once: through its first live mapper. */
			if (!r || r->verified == ps->verifies)
				continue;
			r->verified = ps->verifies;
			for (i = 0; i < r->nr_pages; i++) {
				struct wl_page *pg = &r->pages[i];

				page_lock(pg);
				if (pg->flags & (PG_DATA | PG_SEEN)) {
					ret = access_locked(run, p, m, i, false,
							    buf, c);
					if (ret >= 0)
						(*checked)++;
				}
				page_unlock(pg);
			}
		}
	}
	/* Corruptions found now that no worker had seen: counted in c. */
	*corrupted += atomic_load(&c[C_CORRUPTED]);
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
	struct wl_procs *ps = state;
	unsigned int i;

	for (i = 0; i < ps->nr; i++)
		workers_stop(run, ps->procs[i]);
}

static void wl_state_verify(struct scenario_run *run, void *state,
			    unsigned long *checked, unsigned long *corrupted)
{
	wl_verify(run, checked, corrupted, NULL, NULL, 0);
}

/* Stop every worker, exit every process, free it all. */
static void wl_state_destroy(struct scenario_run *run, void *state)
{
	struct wl_procs *ps = state;
	unsigned int i;

	for (i = 0; i < ps->nr; i++) {
		proc_exit(run, ps->procs[i]);	/* its workers stopped first */
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
	struct wl_procs *ps = state;
	struct report_process *rp;
	struct wl_proc *p;
	unsigned int i;

	if (!ps->nr)
		return 0;
	m->procs = calloc(ps->nr, sizeof(*m->procs));
	if (!m->procs)
		return -ENOMEM;
	for (i = 0; i < ps->nr; i++) {
		p = ps->procs[i];
		rp = &m->procs[i];
		rp->name = strdup(p->sp.name);
		if (!rp->name)
			return -ENOMEM;	/* the rows before this one stay */
		m->nr_procs++;
		rp->pattern = wl_pattern_names[p->sp.pattern];
		rp->pid = p->pid;
		rp->exited = p->exited;
		rp->oom_killed = p->killed;
		rp->threads = p->sp.threads;
		rp->anon_pages = p->maps[0].r ? p->maps[0].r->nr_pages : 0;
		rp->file_pages = p->maps[1].r ? p->maps[1].r->nr_pages : 0;
		if (p->exited)
			rp->st = p->last;
		else
			pagemig_process_stats(p->pid, &rp->st);
		rp->reads = atomic_load(&p->c[C_READS]);
		rp->writes = atomic_load(&p->c[C_WRITES]);
		rp->errors = atomic_load(&p->c[C_ERRORS]);
		rp->corrupted = atomic_load(&p->c[C_CORRUPTED]);
	}
	return 0;
}

static const struct step_state wl_state_ops = {
	.create = wl_state_create,
	.stop = wl_state_stop,
	.verify = wl_state_verify,
	.report = wl_state_report,
	.destroy = wl_state_destroy,
};
