// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a real machine's /proc/kpageflags (and /proc/kpagecount), and
 * inferring from it the plan pagemig_import_apply() builds: the READ and
 * INFER stages of the import pipeline (facade/import.c).
 *
 * A snapshot says, for each PFN, the KPF_* bits of stable_page_flags()
 * and the page's precise mapcount.  From those this file infers a plan:
 * for each PFN a kind (free, anon, file, balloon, zsmalloc, page table,
 * slab, unmovable, reserved) and, for the first page of a free block or a
 * compound page, the block's order.  The rules, and every guess they
 * involve, are in Documentation/kpageflags.md; each guess is counted in
 * pagemig_inference.amb[] so that the report can say what was resolved how.
 *
 * The input is untrusted: a truncated file, a file of random bytes, a
 * kpagecount of another machine.  kpf_check() rejects what is not a
 * snapshot with one exact message; kpf_infer() must never crash or
 * produce a plan pagemig_import_apply() would refuse, whatever the words
 * say (tests/fuzz/ holds it to that).
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>
#include <zstd.h>

#include <pagemig/pagemig.h>

#include "import.h"
#include "../sim/arena.h"

#define KPF(name)	(1ULL << PAGEMIG_KPF_##name)

/* Every bit some kernel up to 6.17 sets: 0-26 and the hacking bits 32-42. */
#define KPF_KNOWN	(((1ULL << 27) - 1) | (((1ULL << 11) - 1) << 32))

/* Bits that say "this page is in use by someone", never on a free page. */
#define KPF_IN_USE	(KPF(LOCKED) | KPF(DIRTY) | KPF(LRU) | KPF(ACTIVE) | \
			 KPF(SLAB) | KPF(WRITEBACK) | KPF(MMAP) | KPF(ANON) | \
			 KPF(SWAPCACHE) | KPF(SWAPBACKED) | KPF(COMPOUND_HEAD) | \
			 KPF(COMPOUND_TAIL) | KPF(HUGE) | KPF(KSM) | KPF(THP) | \
			 KPF(OFFLINE) | KPF(PGTABLE) | KPF(UNEVICTABLE))

#define MAX_ORDER_PAGES	(1UL << PAGEMIG_MAX_ORDER)
#define SZ_2M_PAGES	512UL

static inline unsigned long max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* Largest PFN count we take a file for: 16 TiB of memory. */
#define KPF_MAX_PFNS	(1UL << 32)

/**
 * kpf_max_pfns() - The most PFNs an import can take on this host.
 *
 * Each PFN costs the import KPF_HOST_BYTES_PER_PFN bytes of host memory
 * whatever the page holds: its struct page, its plan entry and its
 * kpageflags and kpagecount words.  Like a sparse machine's mem_map, that
 * may take at most half the host's RAM, and never more than 16 TiB of
 * memory.  A larger snapshot is refused before it is read, or as soon
 * as reading it passes this.
 *
 * Return: the limit, in PFNs.
 */
unsigned long kpf_max_pfns(void)
{
	unsigned long long host = host_ram_bytes();
	unsigned long long n = host ? host / 2 / KPF_HOST_BYTES_PER_PFN : KPF_MAX_PFNS;

	return n < KPF_MAX_PFNS ? (unsigned long)n : KPF_MAX_PFNS;
}

/* @name's @nr PFNs are more than kpf_max_pfns(): say why. */
static int too_many_pfns(const char *name, unsigned long long nr, bool at_least,
			 char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s%llu PFNs (%llu GiB of memory): an import needs %d bytes of this host's memory a PFN, and may take half its %llu MiB: at most %lu PFNs",
		 name, at_least ? "more than " : "", nr, nr >> 18,
		 KPF_HOST_BYTES_PER_PFN, host_ram_bytes() >> 20, kpf_max_pfns());
	return -EINVAL;
}

static const char *const amb_text[PAGEMIG_NR_AMBIGUITIES] = {
	[PAGEMIG_AMB_HOLE] = "KPF_NOPAGE holes (no struct page) -> reserved pages",
	[PAGEMIG_AMB_PADDING] = "PFNs past the end of the file (machine rounded up to 2 MiB) -> reserved holes",
	[PAGEMIG_AMB_EXTRA] = "PFNs added by --memory beyond the file -> free",
	[PAGEMIG_AMB_BUDDY_TAIL] = "flagless pages after a BUDDY head (head-only convention) -> free, in the largest aligned block that fits",
	[PAGEMIG_AMB_BUDDY_SPLIT] = "free pages whose block order is not recorded -> largest aligned blocks (<= order 10) covering the run",
	[PAGEMIG_AMB_ORPHAN_TAIL] = "COMPOUND_TAIL pages without a head before them -> single pages of their kind",
	[PAGEMIG_AMB_ODD_COMPOUND] = "compound pages that are not an aligned power of two of at most 4 MiB (e.g. 1 GiB hugetlb) -> split into aligned blocks",
	[PAGEMIG_AMB_HUGETLB] = "hugetlb pages (KPF_HUGE) -> unmovable (pagemig has no hugetlb pool)",
	[PAGEMIG_AMB_ZSMALLOC] = "pages with KPF_UPTODATE and nothing else, unmapped (6.17 movable_ops look) -> zsmalloc pages of a zram device (page cache off the LRU would look the same)",
	[PAGEMIG_AMB_OFFLINE] = "KPF_OFFLINE pages without KPF_UPTODATE (older kernel, or virtio-mem/offline memory) -> balloon",
	[PAGEMIG_AMB_ISOLATED] = "balloon pages isolated for migration at the time (OFFLINE|UPTODATE|RECLAIM) -> balloon, not isolated",
	[PAGEMIG_AMB_FLAGLESS] = "allocated pages with no flags at all (kernel allocations, or pages on per-CPU free lists) -> unmovable",
	[PAGEMIG_AMB_CONTRADICTION] = "words with contradicting flags (read while the page changed) -> unmovable",
	[PAGEMIG_AMB_SPLIT_KIND] = "compound balloon or reserved pages -> order-0 pages",
	[PAGEMIG_AMB_NOT_ZSMALLOC] = "pages with the zsmalloc look beyond what the zram devices hold (mm_stat mem_used_total) -> unmovable",
	[PAGEMIG_AMB_HELD_BUFFERS] = "buffer pages (LRU|PRIVATE without UPTODATE, unmapped) still IDLE: no lookup since the access sampler last looked -> buffers a file system holds, which do not migrate",
};

const char *pagemig_ambiguity_text(int amb)
{
	return amb >= 0 && amb < PAGEMIG_NR_AMBIGUITIES ? amb_text[amb] : NULL;
}

/* ------------------------------------------------------------------ */
/* Loading */

static int take_words(void *data, size_t size, const char *name,
		      uint64_t **words, unsigned long *nr, char *err,
		      size_t errlen)
{
	uint64_t *w = data;
	unsigned long i;

	if (!size) {
		snprintf(err, errlen, "%s: empty file; a kpageflags snapshot has 8 bytes per PFN", name);
		free(data);
		return -EINVAL;
	}
	if (size % 8) {
		snprintf(err, errlen, "%s: size %zu bytes is not a multiple of 8; a kpageflags snapshot has one 64-bit word per PFN",
			 name, size);
		free(data);
		return -EINVAL;
	}
	if (size / 8 > kpf_max_pfns()) {
		free(data);
		return too_many_pfns(name, size / 8, false, err, errlen);
	}
	for (i = 0; i < size / 8; i++)
		w[i] = le64toh(w[i]);
	*words = w;
	*nr = size / 8;
	return 0;
}

/*
 * Return: 0; -EINVAL for data that is not zstd; -EPIPE for a stream cut
 * short (a frame still wants input when the input ends).
 */
static int zstd_decompress(const void *src, size_t len, void **out,
			   size_t *outlen)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	size_t cap = len * 8 + (1 << 20), pos = 0, r;
	int ret = -EINVAL;
	ZSTD_inBuffer in = { src, len, 0 };
	char *buf = malloc(cap);

	if (!ds || !buf)
		goto fail;
	ZSTD_initDStream(ds);
	for (;;) {
		ZSTD_outBuffer ob;

		if (cap - pos < (1 << 20)) {
			char *b;

			if (cap > (size_t)kpf_max_pfns() * 8) {
				ret = -EFBIG;
				goto fail;
			}
			b = realloc(buf, cap * 2);
			if (!b)
				goto fail;
			buf = b;
			cap *= 2;
		}
		ob = (ZSTD_outBuffer){ buf + pos, cap - pos, 0 };
		r = ZSTD_decompressStream(ds, &ob, &in);
		if (ZSTD_isError(r))
			goto fail;
		pos += ob.pos;
		if (in.pos == in.size && ob.pos < ob.size)
			break;
	}
	/* r is 0 only where a frame ended: anything else is cut short. */
	if (r) {
		ret = -EPIPE;
		goto fail;
	}
	ZSTD_freeDStream(ds);
	*out = buf;
	*outlen = pos;
	return 0;
fail:
	ZSTD_freeDStream(ds);
	free(buf);
	return ret;
}

/*
 * Every member of a gzip file, one after the other, as gzip -d reads
 * them.  Return: 0; -EINVAL for data that is not gzip; -EPIPE for a
 * member cut short.
 */
static int gz_decompress(const void *src, size_t len, void **out,
			 size_t *outlen)
{
	size_t cap = len * 8 + (1 << 20);
	char *buf = malloc(cap);
	z_stream zs;
	int r;

	if (!buf)
		return -ENOMEM;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	for (;;) {
		if (cap - zs.total_out < (1 << 20)) {
			char *b;

			if (cap > (size_t)kpf_max_pfns() * 8) {
				inflateEnd(&zs);
				free(buf);
				return -EFBIG;
			}
			b = realloc(buf, cap * 2);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		zs.next_out = (Bytef *)buf + zs.total_out;
		zs.avail_out = (uInt)(cap - zs.total_out > UINT_MAX ? UINT_MAX :
				      cap - zs.total_out);
		r = inflate(&zs, Z_NO_FLUSH);
		if (r == Z_STREAM_END && !zs.avail_in) {
			*out = buf;
			*outlen = zs.total_out;
			inflateEnd(&zs);
			return 0;
		}
		if (r == Z_STREAM_END) {
			/* Another member follows: go on after this one. */
			uLong total = zs.total_out;

			if (inflateReset(&zs) != Z_OK)
				break;
			zs.total_out = total;
			continue;
		}
		if (r == Z_BUF_ERROR && !zs.avail_in) {
			inflateEnd(&zs);
			free(buf);
			return -EPIPE;
		}
		if (r != Z_OK)
			break;
	}
	inflateEnd(&zs);
	free(buf);
	return -EINVAL;
}

/**
 * kpf_load_buffer() - Take a snapshot from memory (plain, gzip or zstd).
 * @buf: the bytes.
 * @size: how many.
 * @name: for messages.
 * @words: a malloc()ed array of host-order words.
 * @nr: its length.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, or -EINVAL (message in @err) / -ENOMEM.
 */
int kpf_load_buffer(const void *buf, size_t size, const char *name,
		    uint64_t **words, unsigned long *nr, char *err, size_t errlen)
{
	const unsigned char *b = buf;
	void *data = NULL;
	size_t len = 0;
	int ret;

	if (size >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
		unsigned long long content = ZSTD_getFrameContentSize(buf, size);

		/* The frame may say its size: refuse before decompressing. */
		if (content != ZSTD_CONTENTSIZE_UNKNOWN &&
		    content != ZSTD_CONTENTSIZE_ERROR && content / 8 > kpf_max_pfns())
			return too_many_pfns(name, content / 8, false, err, errlen);
		ret = zstd_decompress(buf, size, &data, &len);
		if (ret == -EFBIG)
			return too_many_pfns(name, kpf_max_pfns(), true, err, errlen);
		if (ret) {
			snprintf(err, errlen, ret == -EPIPE ?
				 "%s: a zstd file cut short (its last frame ends early)" :
				 "%s: a zstd file that does not decompress", name);
			return -EINVAL;
		}
	} else if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		ret = gz_decompress(buf, size, &data, &len);
		if (ret == -EFBIG)
			return too_many_pfns(name, kpf_max_pfns(), true, err, errlen);
		if (ret) {
			snprintf(err, errlen, ret == -EPIPE ?
				 "%s: a gzip file cut short (its last member ends early)" :
				 "%s: a gzip file that does not decompress", name);
			return -EINVAL;
		}
	} else {
		data = malloc(size ? size : 1);
		if (!data)
			return -ENOMEM;
		memcpy(data, buf, size);
		len = size;
	}
	return take_words(data, len, name, words, nr, err, errlen);
}

/**
 * kpf_load_file() - Read a kpageflags or kpagecount file.
 * @path: the file (plain, .gz or .zst by content).
 * @words: a malloc()ed array of host-order words.
 * @nr: its length.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, or -errno with a message naming @path.
 */
int kpf_load_file(const char *path, uint64_t **words, unsigned long *nr,
		  char *err, size_t errlen)
{
	unsigned char magic[4] = { 0 };
	struct stat st;
	size_t got, n;
	void *buf;
	FILE *f;
	int ret;

	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		/* /proc/kpageflags itself: size 0, read until EOF. */
		st.st_size = 0;
	}
	n = fread(magic, 1, 4, f);
	rewind(f);
	if (S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size % 8 &&
	    !(n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) &&
	    !(n == 4 && magic[0] == 0x28 && magic[1] == 0xb5)) {
		fclose(f);
		snprintf(err, errlen, "%s: size %lld bytes is not a multiple of 8; a kpageflags snapshot has one 64-bit word per PFN",
			 path, (long long)st.st_size);
		return -EINVAL;
	}
	/* Plain and too large: refused by its size, before it is read. */
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size / 8 > kpf_max_pfns() &&
	    !(n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) &&
	    !(n == 4 && magic[0] == 0x28 && magic[1] == 0xb5)) {
		fclose(f);
		return too_many_pfns(path, (unsigned long long)st.st_size / 8, false,
				     err, errlen);
	}
	n = st.st_size > 0 ? (size_t)st.st_size : (64UL << 20);
	buf = malloc(n);
	got = 0;
	while (buf) {
		size_t r = fread((char *)buf + got, 1, n - got, f);

		got += r;
		if (got < n)
			break;
		/* A stream (a pipe, /dev/zero) stops at the limit. */
		if (got > (size_t)kpf_max_pfns() * 8) {
			free(buf);
			fclose(f);
			return too_many_pfns(path, kpf_max_pfns(), true, err, errlen);
		}
		{
			void *b2 = realloc(buf, n * 2);

			if (!b2) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b2;
			n *= 2;
		}
	}
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (ferror(f)) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		free(buf);
		fclose(f);
		return ret;
	}
	fclose(f);
	ret = kpf_load_buffer(buf, got, path, words, nr, err, errlen);
	free(buf);
	return ret;
}

void pagemig_snapshot_free(struct pagemig_snapshot *s)
{
	free(s->flags);
	free(s->counts);
	memset(s, 0, sizeof(*s));
}

int pagemig_snapshot_load(struct pagemig_snapshot *s, const char *flags_path,
			  const char *count_path, char *err, size_t errlen)
{
	char why[PAGEMIG_ERR_LEN];
	unsigned long nr_counts;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = kpf_load_file(flags_path, &s->flags, &s->nr, err, errlen);
	if (!ret && count_path) {
		ret = kpf_load_file(count_path, &s->counts, &nr_counts, err,
				    errlen);
		if (!ret && nr_counts != s->nr) {
			snprintf(err, errlen, "%s has %lu entries but %s has %lu; a kpagecount must come from the same snapshot",
				 count_path, nr_counts, flags_path, s->nr);
			ret = -EINVAL;
		}
	}
	if (!ret) {
		ret = kpf_check(s, why, sizeof(why));
		if (ret)
			snprintf(err, errlen, "%s: %s", flags_path, why);
	}
	if (ret)
		pagemig_snapshot_free(s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Is it a snapshot? */

/*
 * A contradiction: two bits no kernel reports together for one page.
 * Return: a description, or NULL.
 */
static const char *contradiction(uint64_t f)
{
	if ((f & KPF(BUDDY)) && (f & KPF_IN_USE))
		return "BUDDY (free) together with a flag of a page in use";
	if ((f & KPF(COMPOUND_HEAD)) && (f & KPF(COMPOUND_TAIL)))
		return "COMPOUND_HEAD and COMPOUND_TAIL";
	/*
	 * Not ANON: slab and page-table pages keep their own data where a
	 * folio's mapping is, and stable_page_flags() reads its low bit
	 * anyway, so real snapshots show SLAB|ANON.
	 */
	if ((f & KPF(SLAB)) && (f & (KPF(LRU) | KPF(MMAP) | KPF(PGTABLE) |
				     KPF(OFFLINE))))
		return "SLAB together with LRU, MMAP, PGTABLE or OFFLINE";
	if ((f & KPF(PGTABLE)) && (f & (KPF(LRU) | KPF(MMAP) | KPF(OFFLINE))))
		return "PGTABLE together with LRU, MMAP or OFFLINE";
	if ((f & KPF(OFFLINE)) && (f & (KPF(LRU) | KPF(MMAP))))
		return "OFFLINE together with LRU or MMAP";
	if ((f & KPF(KSM)) && !(f & KPF(ANON)))
		return "KSM without ANON";
	if ((f & KPF(THP)) && !(f & (KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL))))
		return "THP on a page that is not compound";
	if ((f & KPF(HUGE)) && (f & KPF(THP)))
		return "HUGE (hugetlb) and THP";
	if ((f & KPF(SWAPCACHE)) && !(f & KPF(SWAPBACKED)))
		return "SWAPCACHE without SWAPBACKED";
	return NULL;
}

/* Contradictions tolerated as a racy read: 0.01% of PFNs, at least 16. */
static unsigned long contradictions_allowed(unsigned long nr)
{
	return max_ul(16UL, nr / 10000);
}

static int bad_bit(uint64_t f)
{
	uint64_t bad = f & ~KPF_KNOWN;

	return bad ? __builtin_ctzll(bad) : -1;
}

/**
 * kpf_check() - Decide whether @s is a kpageflags snapshot at all.
 * @s: the snapshot.
 * @err: the reason when it is not.
 * @errlen: its size.
 *
 * Not a snapshot: a word with a bit no kernel up to 6.17 sets (27-31,
 * 43-63); KPF_NOPAGE with any other bit (the kernel reports exactly
 * 1 << KPF_NOPAGE for a hole); more contradicting words than a racy read
 * explains (see contradiction()); a kpagecount of another length, or
 * with a count no int mapcount can hold.
 *
 * Return: 0, or -EINVAL with the reason and the first offending PFN.
 */
int kpf_check(const struct pagemig_snapshot *s, char *err, size_t errlen)
{
	unsigned long i, nr_contra = 0, first = 0;
	const char *why = NULL;

	for (i = 0; i < s->nr; i++) {
		uint64_t f = s->flags[i];
		const char *c;
		int b = bad_bit(f);

		if (b >= 0) {
			snprintf(err, errlen, "not a kpageflags snapshot: PFN %#lx has bit %d set (word %#018llx), which no kernel up to 6.17 reports (KPF bits are 0-26 and 32-42)",
				 i, b, (unsigned long long)f);
			return -EINVAL;
		}
		if ((f & KPF(NOPAGE)) && f != KPF(NOPAGE)) {
			snprintf(err, errlen, "not a kpageflags snapshot: PFN %#lx is NOPAGE (a hole) with other flags too (word %#018llx)",
				 i, (unsigned long long)f);
			return -EINVAL;
		}
		/*
		 * Not checked: a count on a BUDDY page.  A free page's
		 * _mapcount can keep what its last folio left there, and
		 * kpagecount reports it (seen on 6.18).
		 */
		c = contradiction(f);
		if (c && !nr_contra++) {
			why = c;
			first = i;
		}
	}
	if (nr_contra > contradictions_allowed(s->nr)) {
		snprintf(err, errlen, "not a kpageflags snapshot: %lu of %lu PFNs have contradicting flags, more than a racy read explains (at most %lu); the first, PFN %#lx (word %#018llx): %s",
			 nr_contra, s->nr, contradictions_allowed(s->nr), first,
			 (unsigned long long)s->flags[first], why);
		return -EINVAL;
	}
	if (s->counts) {
		for (i = 0; i < s->nr; i++)
			if (s->counts[i] > INT_MAX) {
				snprintf(err, errlen, "not a kpagecount snapshot: PFN %#lx has count %llu, more than any mapcount",
					 i, (unsigned long long)s->counts[i]);
				return -EINVAL;
			}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Inference */

static void amb(struct pagemig_inference *inf, enum pagemig_ambiguity a,
		unsigned long pfn, unsigned long n)
{
	if (!inf->amb[a])
		inf->amb_pfn[a] = pfn;
	inf->amb[a] += n;
}

static void set_block(struct pagemig_inference *inf, unsigned long pfn,
		      unsigned int order, int kind, uint16_t flags,
		      const uint64_t *counts)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		struct pagemig_import_page *p = &inf->plan[pfn + i];

		p->kind = (uint8_t)kind;
		p->order = i ? PAGEMIG_IMPORT_TAIL : (uint8_t)order;
		p->flags = flags;
		p->mapcount = counts && (kind == PAGEMIG_KIND_ANON ||
					 kind == PAGEMIG_KIND_FILE) ?
			(uint32_t)counts[pfn + i] : 0;
	}
	inf->kinds[kind] += n;
	if (kind == PAGEMIG_KIND_FREE)
		inf->free_blocks[order]++;
	else if (order)
		inf->large_folios++;
	if (order && (flags & PAGEMIG_IMPORT_THP))
		inf->thps++;
}

/* The largest order <= @max_order of an aligned block at @pfn inside @end. */
static unsigned int fit_order(unsigned long pfn, unsigned long end,
			      unsigned int max_order)
{
	unsigned int order = max_order;

	while (order && (pfn & ((1UL << order) - 1) ||
			 pfn + (1UL << order) > end))
		order--;
	return order;
}

/*
 * Rule "held buffers": a file system reads the buffers it keeps for as
 * long as it is mounted -- ext4's superblock and group descriptors --
 * with sb_bread_unmovable(), keeps a reference on each, and reads and
 * writes them through that reference, never looking them up again.
 * Those references make buffer_migrate_folio_norefs() fail the
 * block-device folios every time, and nothing in kpageflags counts them.
 * What shows them is that they are never looked up: a buffer folio reads
 * LRU|PRIVATE without UPTODATE (a buffer read fills the buffer, not the
 * folio) and is never mapped, and a lookup (__find_get_block(),
 * touch_buffer()) marks it accessed, which clears PG_idle.  When an
 * access sampler runs (DAMON's physical-address monitor, or idle page
 * tracking), it sets PG_idle on every page it samples, so a buffer folio
 * still IDLE has not been looked up since: held metadata, or metadata so
 * cold that the sampler's own reclaim has not got to it yet.  Where no
 * sampler runs, no page is IDLE and the rule marks nothing.
 */
static bool held_buffers(uint64_t f, uint64_t count)
{
	return (f & (KPF(PRIVATE) | KPF(UPTODATE) | KPF(IDLE) | KPF(ANON) |
		     KPF(MMAP))) == (KPF(PRIVATE) | KPF(IDLE)) && !count;
}

static int classify(struct pagemig_inference *inf, unsigned long pfn, uint64_t f,
		    uint64_t count, uint16_t *flags)
{
	*flags = 0;
	if (f & KPF(DIRTY))
		*flags |= PAGEMIG_IMPORT_DIRTY;
	if (f & KPF(REFERENCED))
		*flags |= PAGEMIG_IMPORT_REF;
	if (f & KPF(THP))
		*flags |= PAGEMIG_IMPORT_THP;
	if (f & KPF(OFFLINE)) {
		if (!(f & KPF(UPTODATE)))
			amb(inf, PAGEMIG_AMB_OFFLINE, pfn, 1);
		else if (f & KPF(RECLAIM))
			amb(inf, PAGEMIG_AMB_ISOLATED, pfn, 1);
		return PAGEMIG_KIND_BALLOON;
	}
	if (f & KPF(SLAB))
		return PAGEMIG_KIND_SLAB;
	if (f & KPF(PGTABLE))
		return PAGEMIG_KIND_PGTABLE;
	if (f & KPF(HUGE)) {
		amb(inf, PAGEMIG_AMB_HUGETLB, pfn, 1);
		return PAGEMIG_KIND_UNMOVABLE;
	}
	/*
	 * A reserved page the kernel maps (the vDSO, the zero page) reads
	 * MMAP too, but is never on an LRU list and never migrates.
	 */
	if ((f & KPF(RESERVED)) && !(f & KPF(LRU)))
		return PAGEMIG_KIND_RESERVED;
	if (f & KPF(ANON)) {
		if (f & KPF(KSM))
			*flags |= PAGEMIG_IMPORT_KSM;
		if (f & KPF(UPTODATE))
			*flags |= PAGEMIG_IMPORT_UPTODATE;
		return PAGEMIG_KIND_ANON;
	}
	if (f & (KPF(LRU) | KPF(MMAP) | KPF(SWAPBACKED) | KPF(SWAPCACHE) |
		 KPF(THP) | KPF(UNEVICTABLE) | KPF(WRITEBACK) | KPF(DIRTY))) {
		if (f & KPF(UPTODATE))
			*flags |= PAGEMIG_IMPORT_UPTODATE;
		/* Buffer heads: they pin the folio and decide if it can split. */
		if (f & KPF(PRIVATE))
			*flags |= PAGEMIG_IMPORT_PRIVATE;
		if (held_buffers(f, count)) {
			*flags |= PAGEMIG_IMPORT_HELD;
			amb(inf, PAGEMIG_AMB_HELD_BUFFERS, pfn, 1);
		}
		return PAGEMIG_KIND_FILE;
	}
	if (f & (KPF(RESERVED) | KPF(ZERO_PAGE)))
		return PAGEMIG_KIND_RESERVED;
	if ((f & ~(KPF(UPTODATE) | KPF(RECLAIM) | KPF(LOCKED) | KPF(PRIVATE) |
		   KPF(IDLE) | KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL))) == 0 &&
	    (f & KPF(UPTODATE)) && !count) {
		amb(inf, PAGEMIG_AMB_ZSMALLOC, pfn, 1);
		return PAGEMIG_KIND_ZSMALLOC;
	}
	if (!(f & ~(KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL)))) {
		amb(inf, PAGEMIG_AMB_FLAGLESS, pfn, 1);
		if (!f && !count)
			*flags |= PAGEMIG_IMPORT_FLAGLESS;
	}
	return PAGEMIG_KIND_UNMOVABLE;
}

/*
 * Which convention marks free pages?  Since 6.x ("is_free_buddy_page()"
 * in stable_page_flags()) every page of a free block is BUDDY; before,
 * only the head was, and the rest read as flagless.  Count both shapes
 * and take the likelier.
 */
static bool buddy_all_pages(const struct pagemig_snapshot *s)
{
	unsigned long i, after_buddy = 0, flagless_after = 0;

	for (i = 1; i < s->nr; i++) {
		if (!(s->flags[i - 1] & KPF(BUDDY)))
			continue;
		if (s->flags[i] & KPF(BUDDY))
			after_buddy++;
		else if (!s->flags[i])
			flagless_after++;
	}
	return after_buddy >= flagless_after;
}

static bool is_flagless_free(const struct pagemig_snapshot *s, unsigned long i)
{
	return !s->flags[i] && (!s->counts || !s->counts[i]);
}


/* A run of free pages starting at @i; returns where it ends. */
static unsigned long infer_free(const struct pagemig_snapshot *s,
				struct pagemig_inference *inf, unsigned long i)
{
	unsigned long end = i + 1, pfn;
	unsigned int order;

	if (inf->buddy_all_pages) {
		while (end < s->nr && (s->flags[end] & KPF(BUDDY)) &&
		       !contradiction(s->flags[end]))
			end++;
		for (pfn = i; pfn < end; pfn += 1UL << order) {
			order = fit_order(pfn, end, PAGEMIG_MAX_ORDER);
			set_block(inf, pfn, order, PAGEMIG_KIND_FREE, 0, NULL);
		}
		/*
		 * A run that is not itself one aligned block is several
		 * blocks; adjacent free buddies always merge, so the aligned
		 * split is what the allocator holds (pcp and isolated
		 * boundaries aside).
		 */
		return end;
	}
	/* Head-only: the head, then flagless pages up to the next head. */
	while (end < s->nr && end - i < MAX_ORDER_PAGES &&
	       is_flagless_free(s, end))
		end++;
	order = fit_order(i, end, PAGEMIG_MAX_ORDER);
	set_block(inf, i, order, PAGEMIG_KIND_FREE, 0, NULL);
	if (order)
		amb(inf, PAGEMIG_AMB_BUDDY_TAIL, i + 1, (1UL << order) - 1);
	return i + (1UL << order);
}

/* A compound page whose head is at @i; returns where it ends. */
static unsigned long infer_compound(const struct pagemig_snapshot *s,
				    struct pagemig_inference *inf, unsigned long i)
{
	unsigned long end = i + 1, pfn, n;
	unsigned int order;
	uint16_t flags;
	int kind;

	while (end < s->nr && (s->flags[end] & KPF(COMPOUND_TAIL)) &&
	       !(s->flags[end] & (KPF(COMPOUND_HEAD) | KPF(BUDDY) | KPF(NOPAGE))) &&
	       !contradiction(s->flags[end]))
		end++;
	n = end - i;
	kind = classify(inf, i, s->flags[i], s->counts ? s->counts[i] : 0,
			&flags);
	if (kind == PAGEMIG_KIND_BALLOON || kind == PAGEMIG_KIND_RESERVED) {
		if (n > 1)
			amb(inf, PAGEMIG_AMB_SPLIT_KIND, i, n);
		for (pfn = i; pfn < end; pfn++)
			set_block(inf, pfn, 0, kind, flags, s->counts);
		return end;
	}
	if ((n & (n - 1)) || (i & (n - 1)) || n > MAX_ORDER_PAGES)
		amb(inf, PAGEMIG_AMB_ODD_COMPOUND, i, n);
	for (pfn = i; pfn < end; pfn += 1UL << order) {
		order = fit_order(pfn, end, PAGEMIG_MAX_ORDER);
		set_block(inf, pfn, order, kind, flags, s->counts);
	}
	return end;
}

/**
 * kpf_infer() - One plan entry per PFN of a machine of @machine_pages.
 * @s: a snapshot that passed kpf_check().
 * @machine_pages: the machine, at least s->nr, a multiple of 512.
 * @inf: the result; kpf_inference_free() it.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL for a machine too small, -ENOMEM.
 */
int kpf_infer(const struct pagemig_snapshot *s, unsigned long machine_pages,
	      struct pagemig_inference *inf, char *err, size_t errlen)
{
	unsigned long i, pfn;
	unsigned int order;

	memset(inf, 0, sizeof(*inf));
	if (machine_pages < s->nr || machine_pages % SZ_2M_PAGES) {
		snprintf(err, errlen, "a machine of %lu pages cannot hold a snapshot of %lu PFNs",
			 machine_pages, s->nr);
		return -EINVAL;
	}
	inf->plan = calloc(machine_pages, sizeof(*inf->plan));
	if (!inf->plan) {
		snprintf(err, errlen, "out of memory for a plan of %lu pages",
			 machine_pages);
		return -ENOMEM;
	}
	inf->machine_pages = machine_pages;
	inf->file_pages = s->nr;
	inf->buddy_all_pages = buddy_all_pages(s);

	i = 0;
	while (i < s->nr) {
		uint64_t f = s->flags[i];
		uint16_t flags;
		int kind;

		if (contradiction(f)) {
			amb(inf, PAGEMIG_AMB_CONTRADICTION, i, 1);
			set_block(inf, i++, 0, PAGEMIG_KIND_UNMOVABLE, 0, NULL);
		} else if (f & KPF(NOPAGE)) {
			amb(inf, PAGEMIG_AMB_HOLE, i, 1);
			set_block(inf, i, 0, PAGEMIG_KIND_RESERVED,
				  PAGEMIG_IMPORT_HOLE, NULL);
			i++;
		} else if (f & KPF(BUDDY)) {
			i = infer_free(s, inf, i);
		} else if (f & KPF(COMPOUND_HEAD)) {
			i = infer_compound(s, inf, i);
		} else {
			if (f & KPF(COMPOUND_TAIL))
				amb(inf, PAGEMIG_AMB_ORPHAN_TAIL, i, 1);
			kind = classify(inf, i, f, s->counts ? s->counts[i] : 0,
					&flags);
			set_block(inf, i, 0, kind, flags & ~PAGEMIG_IMPORT_THP,
				  s->counts);
			i++;
		}
	}
	/* Up to the next 2 MiB: holes.  Beyond (--memory): free memory. */
	pfn = s->nr;
	for (; pfn < machine_pages && pfn % SZ_2M_PAGES; pfn++) {
		amb(inf, PAGEMIG_AMB_PADDING, pfn, 1);
		set_block(inf, pfn, 0, PAGEMIG_KIND_RESERVED,
			  PAGEMIG_IMPORT_HOLE, NULL);
	}
	for (; pfn < machine_pages; pfn += 1UL << order) {
		order = fit_order(pfn, machine_pages, PAGEMIG_MAX_ORDER);
		amb(inf, PAGEMIG_AMB_EXTRA, pfn, 1UL << order);
		set_block(inf, pfn, order, PAGEMIG_KIND_FREE, 0, NULL);
	}
	return 0;
}

void kpf_inference_free(struct pagemig_inference *inf)
{
	free(inf->plan);
	memset(inf, 0, sizeof(*inf));
}

/**
 * kpf_check_plan() - The plan's own invariants, without a machine.
 * @inf: the plan.
 * @err: the first violation.
 * @errlen: its size.
 *
 * What pagemig_import_apply() checks, less the zone boundaries (blocks
 * are aligned, and zones are 4 GiB-aligned), plus the counts adding up.
 * Return: 0 or -EINVAL.
 */
int kpf_check_plan(const struct pagemig_inference *inf, char *err, size_t errlen)
{
	unsigned long pfn, i, n, sum = 0;
	int k;

	for (pfn = 0; pfn < inf->machine_pages; pfn += n) {
		const struct pagemig_import_page *p = &inf->plan[pfn];

		if (p->order > PAGEMIG_MAX_ORDER || p->kind >= PAGEMIG_NR_KINDS) {
			snprintf(err, errlen, "pfn %#lx: order %u kind %u", pfn,
				 p->order, p->kind);
			return -EINVAL;
		}
		n = 1UL << p->order;
		if (pfn & (n - 1) || pfn + n > inf->machine_pages) {
			snprintf(err, errlen, "pfn %#lx: misaligned order %u", pfn,
				 p->order);
			return -EINVAL;
		}
		for (i = 1; i < n; i++)
			if (inf->plan[pfn + i].order != PAGEMIG_IMPORT_TAIL ||
			    inf->plan[pfn + i].kind != p->kind) {
				snprintf(err, errlen, "pfn %#lx: bad tail", pfn + i);
				return -EINVAL;
			}
	}
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		sum += inf->kinds[k];
	if (sum != inf->machine_pages) {
		snprintf(err, errlen, "kinds add up to %lu, not %lu", sum,
			 inf->machine_pages);
		return -EINVAL;
	}
	return 0;
}
