// SPDX-License-Identifier: GPL-2.0
/*
 * The capture reader's parsers for what a capture takes from sysfs and
 * the rest of /proc: memory block states, /proc/iomem, zram devices and
 * the compaction sysctls.  `pagemig capture` writes these files; a shell
 * (`grep -r . /sys/...`) writes forms that read as well.  The forms are
 * listed in Documentation/twin.md.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "capture_lines.h"

/* ------------------------------------------------------------------ */
/* memory_blocks */

/* Attributes every block must mention, "-" or not (capture_memblock.seen). */
#define MB_SEEN_PHYS_INDEX	(1U << 0)
#define MB_SEEN_STATE		(1U << 1)
#define MB_SEEN_ALL		(MB_SEEN_PHYS_INDEX | MB_SEEN_STATE)

static struct capture_memblock *mb_block(struct capture_memory_blocks *mb,
					 unsigned long id)
{
	struct capture_memblock *b;
	unsigned int i;

	/* lines of one block come together; look from the end */
	for (i = mb->nr_blocks; i-- > 0;)
		if (mb->blocks[i].id == id)
			return &mb->blocks[i];
	b = realloc(mb->blocks, (mb->nr_blocks + 1) * sizeof(*b));
	if (!b)
		return NULL;
	mb->blocks = b;
	b = &mb->blocks[mb->nr_blocks++];
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->nid = -1;
	return b;
}

/* One attribute of memoryN; @val may hold spaces (valid_zones). */
static int mb_attr(struct cap_lines *l, struct capture_memory_blocks *mb,
		   unsigned long id, const char *attr, char *val)
{
	struct capture_memblock *b = mb_block(mb, id);
	bool absent;
	uint64_t v;

	if (!b)
		return -ENOMEM;
	val = cap_skip_space(val);
	cap_rstrip(val);
	/* "-": the kernel has no such attribute */
	absent = !strcmp(val, "-");
	if (!strcmp(attr, "phys_index")) {
		b->seen |= MB_SEEN_PHYS_INDEX;
		if (absent)
			return 0;
		if (!cap_parse_u64(val, 16, &v))
			return cap_lines_expected(l, "a hexadecimal phys_index");
		b->phys_index = v;
		b->has_phys_index = true;
	} else if (!strcmp(attr, "state")) {
		b->seen |= MB_SEEN_STATE;
		if (absent)
			return 0;
		if (!*val || strchr(val, ' ') || !cap_set_name(b->state, sizeof(b->state), val))
			return cap_lines_expected(l, "a state word (online, offline)");
	} else if (!strcmp(attr, "valid_zones")) {
		if (absent)
			return 0;
		if (!*val || !cap_set_name(b->valid_zones, sizeof(b->valid_zones), val))
			return cap_lines_expected(l, "valid_zones (\"none\" or zone names)");
	} else if (!strcmp(attr, "node")) {
		if (absent)
			return 0;
		if (!cap_parse_u64(val, 10, &v) || v > 1024)
			return cap_lines_expected(l, "a node number");
		b->nid = (int)v;
	}
	/* online, removable, phys_device: well-formed, not used */
	return 0;
}

/*
 * "memory12 0000000c 0 online DMA32 Normal": pagemig capture's columns,
 * phys_index node state valid_zones (the rest of the line).
 */
static int mb_columns(struct cap_lines *l, struct capture_memory_blocks *mb,
		      unsigned long id, char *s)
{
	static const char *const cols[] = { "phys_index", "node", "state" };
	unsigned int i;
	char *t;
	int ret;

	for (i = 0; i < 3; i++) {
		t = cap_next_token(&s);
		if (!t)
			return cap_lines_expected(l, "\"memoryN PHYS_INDEX NODE STATE VALID_ZONES\"");
		ret = mb_attr(l, mb, id, cols[i], t);
		if (ret)
			return ret;
	}
	if (cap_is_blank(s))
		return cap_lines_expected(l, "\"memoryN PHYS_INDEX NODE STATE VALID_ZONES\"");
	return mb_attr(l, mb, id, "valid_zones", s);
}

/*
 * The path of an attribute: ".../memory/memory12/state", "memory12/state"
 * or ".../block_size_bytes".  Returns the attribute name and sets @id
 * (ULONG_MAX for a directory-wide file); NULL if the path is not one.
 */
static const char *mb_path(char *path, unsigned long *id)
{
	char *slash = strrchr(path, '/'), *dir;
	unsigned long n;
	char *end;

	if (!slash) {
		*id = ULONG_MAX;
		return path;
	}
	*slash = '\0';
	dir = strrchr(path, '/');
	dir = dir ? dir + 1 : path;
	if (strncmp(dir, "memory", 6) || !isdigit((unsigned char)dir[6])) {
		*id = ULONG_MAX;
		return slash + 1;
	}
	n = strtoul(dir + 6, &end, 10);
	if (*end)
		return NULL;
	*id = n;
	return slash + 1;
}

static int mb_global(struct cap_lines *l, struct capture_memory_blocks *mb,
		     const char *attr, char *val)
{
	uint64_t v;

	val = cap_skip_space(val);
	cap_rstrip(val);
	if (!strcmp(val, "-"))
		return 0;
	if (!strcmp(attr, "block_size_bytes")) {
		if (!cap_parse_u64(val, 16, &v) || !v)
			return cap_lines_expected(l, "\"block_size_bytes HEX\"");
		mb->block_size_bytes = v;
		return 0;
	}
	if (!strcmp(attr, "auto_online_blocks")) {
		if (!cap_set_name(mb->auto_online_blocks,
				  sizeof(mb->auto_online_blocks), val))
			return cap_lines_expected(l, "\"auto_online_blocks WORD\"");
		return 0;
	}
	return cap_lines_expected(l, "block_size_bytes, auto_online_blocks or a memoryN line");
}

/* "memory12 phys_index=0000000c state=online valid_zones=DMA32 Normal" */
static int mb_keyvals(struct cap_lines *l, struct capture_memory_blocks *mb,
		      unsigned long id, char *s)
{
	char *key = NULL, *val = NULL, *t, *eq;
	char joined[CAPTURE_LINE_MAX];
	int ret;

	joined[0] = '\0';
	while ((t = cap_next_token(&s))) {
		eq = strchr(t, '=');
		if (!eq) {
			/* a word of the previous value: "valid_zones=DMA32 Normal" */
			if (!key)
				return cap_lines_expected(l, "\"memoryN key=value ...\"");
			strncat(joined, " ", sizeof(joined) - strlen(joined) - 1);
			strncat(joined, t, sizeof(joined) - strlen(joined) - 1);
			continue;
		}
		if (key) {
			ret = mb_attr(l, mb, id, key, joined);
			if (ret)
				return ret;
		}
		*eq = '\0';
		key = t;
		val = eq + 1;
		snprintf(joined, sizeof(joined), "%s", val);
	}
	if (!key)
		return cap_lines_expected(l, "\"memoryN key=value ...\"");
	return mb_attr(l, mb, id, key, joined);
}

static int mb_line(struct cap_lines *l, char *line, void *ctx)
{
	struct capture_memory_blocks *mb = ctx;
	char *s, *first, *colon;
	const char *attr;
	unsigned long id;

	s = cap_skip_space(line);
	/* grep -r form: "/sys/devices/system/memory/memory0/state:online" */
	colon = strchr(s, ':');
	if (colon && (!strchr(s, ' ') || strchr(s, ' ') > colon) &&
	    strchr(s, '/') && strchr(s, '/') < colon) {
		*colon = '\0';
		attr = mb_path(s, &id);
		if (!attr)
			return cap_lines_expected(l, "a memory block path");
		if (id == ULONG_MAX)
			return mb_global(l, mb, attr, colon + 1);
		return mb_attr(l, mb, id, attr, colon + 1);
	}
	first = cap_next_token(&s);
	attr = mb_path(first, &id);
	if (!attr)
		return cap_lines_expected(l, "a memory block path");
	if (id == ULONG_MAX) {
		/* "memory12 ..." is a block, not a global attribute */
		if (!strncmp(attr, "memory", 6) && isdigit((unsigned char)attr[6])) {
			char *end;

			id = strtoul(attr + 6, &end, 10);
			if (*end)
				return cap_lines_expected(l, "\"memoryN ...\"");
			if (strchr(s, '='))
				return mb_keyvals(l, mb, id, s);
			return mb_columns(l, mb, id, s);
		}
		return mb_global(l, mb, attr, s);
	}
	/* "memory12/state online" */
	return mb_attr(l, mb, id, attr, s);
}

/**
 * capture_memory_blocks_free() - Free what its parser allocated.
 * @mb: parsed memory blocks; empty on return.
 */
void capture_memory_blocks_free(struct capture_memory_blocks *mb)
{
	free(mb->blocks);
	memset(mb, 0, sizeof(*mb));
}

/**
 * capture_parse_memory_blocks() - Read the memory block states of a capture.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @mb: filled: block size and, per memoryN, phys_index, state and
 *	valid_zones.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Lines are "block_size_bytes HEX" and either "memoryN key=value ..."
 * (a value may run on over blanks, as valid_zones does), "memoryN/attr
 * value" or grep's "/sys/.../memoryN/attr:value".
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_memory_blocks(const char *text, size_t len,
				const char *name,
				struct capture_memory_blocks *mb, char *err,
				size_t errlen)
{
	struct cap_lines l;
	unsigned int i;
	int ret;

	memset(mb, 0, sizeof(*mb));
	ret = cap_parse_text(&l, text, len, name, err, errlen, CAP_COMMENTS,
			     mb_line, mb);
	for (i = 0; !ret && i < mb->nr_blocks; i++)
		if ((mb->blocks[i].seen & MB_SEEN_ALL) != MB_SEEN_ALL)
			ret = cap_lines_error(&l, "truncated: memory%lu has no %s",
					      mb->blocks[i].id,
					      mb->blocks[i].seen & MB_SEEN_STATE ?
					      "phys_index" : "state");
	if (ret)
		capture_memory_blocks_free(mb);
	return ret;
}

/* ------------------------------------------------------------------ */
/* iomem */

/**
 * capture_iomem_free() - Free what its parser allocated.
 * @io: a parsed iomem; empty on return.
 */
void capture_iomem_free(struct capture_iomem *io)
{
	unsigned int i;

	for (i = 0; i < io->nr_ranges; i++)
		free(io->ranges[i].name);
	free(io->ranges);
	memset(io, 0, sizeof(*io));
}

static int iomem_line(struct cap_lines *l, char *line, void *ctx)
{
	struct capture_iomem *io = ctx;
	char *s, *dash, *sep;
	struct capture_iomem_range *r;
	uint64_t start, end;
	unsigned int indent;

	s = cap_skip_space(line);
	indent = s - line;
	dash = strchr(s, '-');
	sep = strstr(s, " : ");
	if (!dash || !sep || dash > sep)
		return cap_lines_expected(l, "\"START-END : NAME\"");
	*dash = '\0';
	*sep = '\0';
	cap_rstrip(dash + 1);
	if (!cap_parse_u64(s, 16, &start) || !cap_parse_u64(dash + 1, 16, &end) ||
	    end < start || indent % 2)
		return cap_lines_expected(l, "\"START-END : NAME\"");
	r = realloc(io->ranges, (io->nr_ranges + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	io->ranges = r;
	r = &io->ranges[io->nr_ranges];
	r->start = start;
	r->end = end;
	r->depth = indent / 2;
	s = cap_skip_space(sep + 3);
	cap_rstrip(s);
	r->name = strdup(s);
	if (!r->name)
		return -ENOMEM;
	io->nr_ranges++;
	return 0;
}

/**
 * capture_parse_iomem() - Read /proc/iomem.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @io: filled with every range, in order, with its nesting depth.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * A file read without root shows every address as 0; that is refused,
 * since no range could be placed.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_iomem(const char *text, size_t len, const char *name,
			struct capture_iomem *io, char *err, size_t errlen)
{
	struct cap_lines l;
	unsigned int i;
	bool all_zero = true;
	int ret;

	memset(io, 0, sizeof(*io));
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0, iomem_line,
			     io);
	for (i = 0; !ret && i < io->nr_ranges; i++)
		if (io->ranges[i].end)
			all_zero = false;
	if (!ret && all_zero) {
		snprintf(err, errlen, "%s: every address is 0: read without root, the ranges are unknown",
			 name);
		ret = -EINVAL;
	}
	if (ret)
		capture_iomem_free(io);
	return ret;
}

/**
 * capture_iomem_ram_bytes() - Bytes of top-level "System RAM" ranges.
 * @io: a parsed iomem.
 *
 * Return: the sum of their sizes.
 */
uint64_t capture_iomem_ram_bytes(const struct capture_iomem *io)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < io->nr_ranges; i++)
		if (!io->ranges[i].depth &&
		    !strcmp(io->ranges[i].name, "System RAM"))
			sum += io->ranges[i].end - io->ranges[i].start + 1;
	return sum;
}

/* ------------------------------------------------------------------ */
/* zram */

static struct capture_zram *zram_dev(struct capture_zram_list *zl, int id)
{
	struct capture_zram *d;
	unsigned int i;

	for (i = 0; i < zl->nr_dev; i++)
		if (zl->dev[i].id == id)
			return &zl->dev[i];
	d = realloc(zl->dev, (zl->nr_dev + 1) * sizeof(*d));
	if (!d)
		return NULL;
	zl->dev = d;
	d = &zl->dev[zl->nr_dev++];
	memset(d, 0, sizeof(*d));
	d->id = id;
	return d;
}

/* mm_stat: 7 to 9 numbers, depending on the kernel. */
static int zram_mm_stat(struct capture_zram *d, char *s)
{
	uint64_t *f[] = {
		&d->orig_data_size, &d->compr_data_size, &d->mem_used_total,
		&d->mem_limit, &d->mem_used_max, &d->same_pages,
		&d->pages_compacted, &d->huge_pages, &d->huge_pages_since,
	};
	unsigned int n = 0;
	char *t;

	while ((t = cap_next_token(&s))) {
		if (n >= sizeof(f) / sizeof(f[0]) || !cap_parse_u64(t, 10, f[n]))
			return -EINVAL;
		n++;
	}
	if (n < 7)
		return -EINVAL;
	d->has_mm_stat = true;
	return 0;
}

/*
 * "zram0 mm_stat N N ...", "zram0 disksize N", "zram0/mm_stat N ...", or
 * grep's "/sys/block/zram0/mm_stat:N N ...".
 */
static int zram_line(struct cap_lines *l, char *line, void *ctx)
{
	struct capture_zram_list *zl = ctx;
	char *s, *dev, *attr, *colon, *slash;
	struct capture_zram *d;
	uint64_t v;
	char *end;
	long id;

	s = cap_skip_space(line);
	colon = strchr(s, ':');
	if (colon && strchr(s, '/') && strchr(s, '/') < colon &&
	    (!strchr(s, ' ') || strchr(s, ' ') > colon)) {
		*colon = ' ';
	}
	dev = cap_next_token(&s);
	slash = strrchr(dev, '/');
	if (slash) {
		*slash = '\0';
		attr = slash + 1;
		slash = strrchr(dev, '/');
		dev = slash ? slash + 1 : dev;
	} else {
		attr = cap_next_token(&s);
	}
	if (!attr || strncmp(dev, "zram", 4) || !isdigit((unsigned char)dev[4]))
		return cap_lines_expected(l, "\"zramN mm_stat N ...\" or \"zramN disksize N\"");
	id = strtol(dev + 4, &end, 10);
	if (*end || id > 1 << 20)
		return cap_lines_expected(l, "\"zramN ...\"");
	d = zram_dev(zl, (int)id);
	if (!d)
		return -ENOMEM;
	if (!strcmp(cap_skip_space(s), "-"))
		return 0;		/* the kernel has no such attribute */
	if (!strcmp(attr, "mm_stat")) {
		if (zram_mm_stat(d, s))
			return cap_lines_expected(l, "mm_stat's 7 to 9 numbers");
	} else if (!strcmp(attr, "disksize")) {
		char *t = cap_next_token(&s);

		if (!t || !cap_parse_u64(t, 10, &v) || cap_next_token(&s))
			return cap_lines_expected(l, "\"disksize N\"");
		d->disksize = v;
		d->has_disksize = true;
	}
	/* other attributes (comp_algorithm, io_stat): well-formed, not used */
	return 0;
}

/**
 * capture_zram_free() - Free what its parser allocated.
 * @zl: parsed zram devices; empty on return.
 */
void capture_zram_free(struct capture_zram_list *zl)
{
	free(zl->dev);
	memset(zl, 0, sizeof(*zl));
}

/**
 * capture_parse_zram() - Read the zram devices' disksize and mm_stat.
 * @text: the file's bytes (may be empty: no zram device).
 * @len: how many.
 * @name: for messages.
 * @zl: filled with one entry per device named.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_zram(const char *text, size_t len, const char *name,
		       struct capture_zram_list *zl, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(zl, 0, sizeof(*zl));
	ret = cap_parse_text(&l, text, len, name, err, errlen,
			     CAP_EMPTY_OK | CAP_COMMENTS, zram_line, zl);
	if (ret)
		capture_zram_free(zl);
	return ret;
}

/* ------------------------------------------------------------------ */
/* sysctl */

/* "always [madvise] never" -> "madvise"; a bare word stays itself. */
static bool thp_word(char *val, char *out, size_t len)
{
	char *open = strchr(val, '['), *close;

	if (open) {
		close = strchr(open, ']');
		if (!close)
			return false;
		*close = '\0';
		val = open + 1;
	} else if (strchr(val, ' ')) {
		return false;
	}
	return *val && cap_set_name(out, len, val);
}

static int sysctl_set(struct cap_lines *l, struct capture_sysctl *sc,
		      char *key, char *val)
{
	struct {
		const char *name;
		long *field;
	} known[] = {
		{ "extfrag_threshold", &sc->extfrag_threshold },
		{ "compaction_proactiveness", &sc->compaction_proactiveness },
		{ "watermark_scale_factor", &sc->watermark_scale_factor },
		{ "min_free_kbytes", &sc->min_free_kbytes },
	};
	char *base;
	int64_t v;
	size_t i;

	val = cap_skip_space(val);
	cap_rstrip(val);
	if (!strcmp(val, "-"))
		return 0;		/* the kernel has no such tunable */
	/* "transparent_hugepage/enabled", "thp_enabled", "/sys/.../enabled" */
	if (strstr(key, "transparent_hugepage") || !strncmp(key, "thp", 3)) {
		char *out = strstr(key, "defrag") ? sc->thp_defrag :
			    strstr(key, "enabled") ? sc->thp_enabled : NULL;

		if (!out)
			return 0;
		if (!thp_word(val, out, CAPTURE_NAME_LEN))
			return cap_lines_expected(l, "a THP mode (\"always [madvise] never\" or \"madvise\")");
		return 0;
	}
	/* "vm.min_free_kbytes", "/proc/sys/vm/min_free_kbytes", "min_free_kbytes" */
	base = strrchr(key, '/');
	base = base ? base + 1 : key;
	if (strrchr(base, '.'))
		base = strrchr(base, '.') + 1;
	if (!cap_parse_s64(val, &v))
		return cap_lines_expected(l, "\"name = N\"");
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(base, known[i].name)) {
			*known[i].field = v;
			return 0;
		}
	}
	return cap_kv_add(&sc->other, base, v);
}

/**
 * capture_sysctl_free() - Free what its parser allocated.
 * @sc: parsed sysctls; the list of other tunables is freed.
 */
void capture_sysctl_free(struct capture_sysctl *sc)
{
	capture_kvlist_free(&sc->other);
}

/**
 * capture_sysctl_init() - Set every sysctl to "not recorded".
 * @sc: the struct: numbers -1, THP words "".
 */
void capture_sysctl_init(struct capture_sysctl *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->extfrag_threshold = -1;
	sc->compaction_proactiveness = -1;
	sc->watermark_scale_factor = -1;
	sc->min_free_kbytes = -1;
}

/* "KEY = VALUE", "KEY VALUE", "KEY=VALUE" or "KEY:VALUE" */
static int sysctl_line(struct cap_lines *l, char *line, void *ctx)
{
	char *s = cap_skip_space(line), *sep, *key;

	sep = strpbrk(s, "=: \t");
	if (!sep || sep == s)
		return cap_lines_expected(l, "\"name = value\"");
	key = s;
	s = cap_skip_space(sep);
	if (*s == '=' || *s == ':')
		s++;
	*sep = '\0';
	return sysctl_set(l, ctx, key, s);
}

/**
 * capture_parse_sysctl() - Read the compaction sysctls and THP mode.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @sc: filled; fields not in the file stay -1 (or "").
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Lines are "vm.NAME = N" (sysctl's form), "NAME N", "NAME=N" or grep's
 * "/proc/sys/vm/NAME:N"; THP as "transparent_hugepage/enabled = always
 * [madvise] never" or with the bare word.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_sysctl(const char *text, size_t len, const char *name,
			 struct capture_sysctl *sc, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	capture_sysctl_init(sc);
	ret = cap_parse_text(&l, text, len, name, err, errlen, CAP_COMMENTS,
			     sysctl_line, sc);
	if (ret) {
		capture_sysctl_free(sc);
		capture_sysctl_init(sc);
	}
	return ret;
}

