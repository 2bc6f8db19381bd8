/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated processes of a scenario run, and the worker threads that use
 * their memory.  Private to workload/ (and report/, which prints them).
 *
 * A process has up to two mappings: anonymous memory (optionally THP)
 * and a file mapping (private, shared, or another process's shared
 * file).  Each mapping's pages are described by a region: one byte of
 * generation and a few flags per page, plus a per-page lock byte, so any
 * thread (a worker, a touch or free step, the verifier) can access a page
 * and know what it must contain.  A shared file's region is shared by
 * every process that maps it.
 *
 * Every data page holds a tag derived from (the region's owner process,
 * the page's address in the owner, its generation).  A writer bumps the
 * generation and writes the whole page; every read, and every write
 * (which reads first), checks the page against the generation it
 * should hold.  Pages never written hold zeroes (anonymous memory) or
 * the file's contents (a file: its hash is learnt on first read).
 * Pages a free step dropped are no longer in use: workers leave them
 * alone (they would fault them straight back in) until a touch step
 * uses them again.
 *
 * All of it goes through the public facade: pagemig_access() reads and
 * writes through the page tables as the calling thread's CPU, faulting
 * and waiting on migration as a real process would.
 */
#ifndef _PAGEMIG_WORKLOAD_PROCESS_H
#define _PAGEMIG_WORKLOAD_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"

#define WL_MAX_THREADS	16
#define WL_MAX_CPUS	PAGEMIG_MAX_CPUS

enum wl_pattern { WL_SEQUENTIAL, WL_RANDOM, WL_HOT_COLD, WL_NR_PATTERNS };

extern const char *const wl_pattern_names[];

/* What a spawn step asks for. */
struct wl_spawn {
	const char *name;
	uint64_t anon;		/* bytes, 0: none */
	uint64_t file;		/* bytes, 0: the file's size (file_path) */
	const char *file_path;	/* a real file, or NULL: generated */
	const char *file_from;	/* map this process's file, shared */
	bool has_file;		/* file: or file_path: given */
	bool shared, thp;
	bool ksm;		/* anon: madvise(MADV_MERGEABLE) */
	unsigned int duplicates;	/* anon: contents repeat every N pages; 0: unique */
	unsigned int threads;
	int pattern;
	double writes;		/* share of worker accesses that write */
	unsigned int nr_cpus;	/* 0: spread over the machine's CPUs */
	int cpus[WL_MAX_CPUS];
	uint64_t seed;
};

/* A process as the report prints it. */
struct wl_proc_report {
	const char *name;
	int pid;
	bool exited;
	unsigned int threads;
	const char *pattern;
	unsigned long anon_pages, file_pages;	/* mapped */
	struct pagemig_process_stats st;	/* live, or at exit */
	unsigned long reads, writes;		/* checked accesses */
	unsigned long errors;			/* pagemig_access() failures */
	unsigned long corrupted;		/* pages found wrong */
};

struct wl_proc;
struct step_state;

int wl_spawn(struct scenario_run *run, const struct wl_spawn *sp,
	     char *err, size_t errlen);
struct wl_proc *wl_find(struct scenario_run *run, const char *name);
bool wl_first_map(const struct wl_proc *p, int *pid, unsigned long *addr,
		  unsigned long *pages);

/* Start or stop the workers of @p, or of every process when @p is NULL. */
int wl_workers_start(struct scenario_run *run, struct wl_proc *p);
void wl_workers_stop(struct scenario_run *run, struct wl_proc *p);
bool wl_workers_running(struct scenario_run *run);
unsigned long wl_accesses(struct scenario_run *run);

enum wl_touch { WL_TOUCH_SEQUENTIAL, WL_TOUCH_RANDOM, WL_TOUCH_EVERY_OTHER };
enum wl_free { WL_FREE_EVERY_OTHER, WL_FREE_RANDOM, WL_FREE_RANGE };
enum wl_which { WL_ANON, WL_FILE, WL_ALL };

struct wl_op_stats {
	unsigned long pages;	/* touched, or dropped */
	unsigned long calls;	/* madvise calls */
	unsigned long errors;
	unsigned long corrupted;
	int first_error;
};

void wl_touch(struct scenario_run *run, struct wl_proc *p, int pattern,
	      double fraction, bool write, uint64_t seed,
	      struct wl_op_stats *st,
	      void (*progress)(void *, unsigned long, unsigned long),
	      void *data);
void wl_free(struct scenario_run *run, struct wl_proc *p, int which,
	     int pattern, double fraction, double from, uint64_t seed,
	     struct wl_op_stats *st);
int wl_pin(struct scenario_run *run, struct wl_proc *p, unsigned long pages,
	   unsigned long *pinned);
int wl_exit(struct scenario_run *run, struct wl_proc *p);

/*
 * Check every page that holds data in every live region: @checked and
 * @corrupted are added to, as are the corruptions workers found.  The
 * first corruption is described in @what (may be NULL).
 */
void wl_verify(struct scenario_run *run, unsigned long *checked,
	       unsigned long *corrupted, char *what, size_t len);

/* The processes of a run: the state spawn owns, for the run loop. */
extern const struct step_state wl_state_ops;

unsigned int wl_nr_procs(const struct scenario_run *run);
void wl_proc_report(const struct scenario_run *run, unsigned int i,
		    struct wl_proc_report *out);

#endif /* _PAGEMIG_WORKLOAD_PROCESS_H */
