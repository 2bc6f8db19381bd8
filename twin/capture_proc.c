// SPDX-License-Identifier: GPL-2.0
/*
 * The capture reader's /proc/{zoneinfo,buddyinfo,pagetypeinfo} parsers:
 * zones with their watermarks, reserves, counters and pagesets; free
 * blocks per order; free blocks per migratetype and pageblocks per
 * migratetype.  Shapes as Linux 6.18's mm/vmstat.c prints them; older
 * kernels' spacing and missing fields read too.  pagemig's own renderings
 * (pagemig_show_zoneinfo() and friends) have the same shapes.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "capture_lines.h"

/* ------------------------------------------------------------------ */
/* "Node N, zone NAME" headers of zoneinfo, buddyinfo and pagetypeinfo */

/**
 * cap_parse_node_zone() - Read a "Node N, zone NAME" header.
 * @s: the line; cut in place.
 * @nid: set to N.
 * @zone: set to NAME.
 * @zlen: @zone's size.
 *
 * The spacing varies between zoneinfo, buddyinfo and pagetypeinfo;
 * pagetypeinfo's free rows go on with ", type NAME".
 *
 * Return: what follows the zone name, or NULL if @s is no such header.
 */
char *cap_parse_node_zone(char *s, int *nid, char *zone, size_t zlen)
{
	char *t, *comma;
	uint64_t n;

	s = cap_skip_space(s);
	if (strncmp(s, "Node", 4) || (s[4] != ' ' && s[4] != '\t'))
		return NULL;
	s = cap_skip_space(s + 4);
	comma = strchr(s, ',');
	if (!comma)
		return NULL;
	*comma = '\0';
	cap_rstrip(s);
	if (!cap_parse_u64(s, 10, &n) || n > 1024)
		return NULL;
	*nid = (int)n;
	s = cap_skip_space(comma + 1);
	if (strncmp(s, "zone", 4) || (s[4] != ' ' && s[4] != '\t'))
		return NULL;
	s = cap_skip_space(s + 4);
	t = s;
	while (*s && *s != ' ' && *s != '\t' && *s != ',')
		s++;
	if (s == t || (size_t)(s - t) >= zlen)
		return NULL;
	memcpy(zone, t, s - t);
	zone[s - t] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* zoneinfo */

/*
 * Where in a zone section the parser is.  The order is the order
 * zoneinfo_show_print() prints in; a zone that stops before ZI_PROTECTION
 * (any zone) or ZI_TAIL (a populated one) was cut short.
 */
enum zi_state {
	ZI_NONE,		/* before the first header */
	ZI_HEADER,		/* "Node N, zone NAME" seen */
	ZI_NODE_STATS,		/* "per-node stats" */
	ZI_WATERMARKS,		/* "pages free" seen */
	ZI_PROTECTION,		/* "protection: (...)" seen: zone stats follow */
	ZI_PAGESETS,		/* "pagesets" */
	ZI_TAIL,		/* "node_unreclaimable:" seen */
};

struct zi_parser {
	struct cap_lines l;
	struct capture_zoneinfo *zi;
	enum zi_state state;
	struct capture_zone *z;		/* the current zone */
	struct capture_node *node;	/* the current node's stats */
};

static int zi_new_node(struct zi_parser *p, int nid)
{
	struct capture_zoneinfo *zi = p->zi;
	struct capture_node *n;

	n = realloc(zi->nodes, (zi->nr_nodes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	zi->nodes = n;
	n = &zi->nodes[zi->nr_nodes++];
	memset(n, 0, sizeof(*n));
	n->nid = nid;
	p->node = n;
	return 0;
}

/* Check the zone just finished: no field group may be missing. */
static int zi_close_zone(struct zi_parser *p)
{
	struct capture_zone *z = p->z;

	if (!z)
		return 0;
	if (p->state < ZI_PROTECTION)
		return cap_lines_error(&p->l, "truncated: zone %s of node %d (line %u) stops before its \"protection:\" line",
				       z->name, z->nid, z->line);
	if (z->present && p->state < ZI_TAIL)
		return cap_lines_error(&p->l, "truncated: populated zone %s of node %d (line %u) stops before \"start_pfn:\"",
				       z->name, z->nid, z->line);
	if (z->present && !z->has_start_pfn)
		return cap_lines_error(&p->l, "zone %s of node %d (line %u) has no \"start_pfn:\" line",
				       z->name, z->nid, z->line);
	p->z = NULL;
	return 0;
}

static int zi_header(struct zi_parser *p, int nid, const char *name)
{
	struct capture_zoneinfo *zi = p->zi;
	struct capture_zone *z;
	unsigned int i;
	int ret;

	ret = zi_close_zone(p);
	if (ret)
		return ret;
	for (i = 0; i < zi->nr_zones; i++)
		if (zi->zones[i].nid == nid && !strcmp(zi->zones[i].name, name))
			return cap_lines_error(&p->l, "zone %s of node %d appears twice (first at line %u)",
					       name, nid, zi->zones[i].line);
	z = realloc(zi->zones, (zi->nr_zones + 1) * sizeof(*z));
	if (!z)
		return -ENOMEM;
	zi->zones = z;
	z = &zi->zones[zi->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->nid = nid;
	strcpy(z->name, name);
	z->line = p->l.lineno;
	p->z = z;
	p->state = ZI_HEADER;
	if (!p->node || p->node->nid != nid)
		p->node = NULL;
	return 0;
}

/* "protection: (0, 3018, 5322, 5322, 5322)" */
static int zi_protection(struct zi_parser *p, char *s)
{
	struct capture_zone *z = p->z;
	char *e, *t;
	int64_t v;

	s = cap_skip_space(s);
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (*s != '(' || e == s || e[-1] != ')')
		return cap_lines_expected(&p->l, "\"protection: (N, N, ...)\"");
	e[-1] = '\0';
	s++;
	z->nr_lowmem_reserve = 0;
	for (t = strtok(s, ","); t; t = strtok(NULL, ",")) {
		char *v0 = cap_skip_space(t);

		cap_rstrip(v0);
		if (!cap_parse_s64(v0, &v) || z->nr_lowmem_reserve >= CAPTURE_MAX_ZONES)
			return cap_lines_expected(&p->l, "\"protection: (N, N, ...)\" with at most 8 numbers");
		z->lowmem_reserve[z->nr_lowmem_reserve++] = v;
	}
	if (!z->nr_lowmem_reserve)
		return cap_lines_expected(&p->l, "\"protection: (N, N, ...)\"");
	p->state = ZI_PROTECTION;
	return 0;
}

/* A watermark-block line: "min 47" and the like. */
static int zi_watermark(struct zi_parser *p, const char *key, uint64_t v)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "boost", offsetof(struct capture_zone, boost) },
		{ "min", offsetof(struct capture_zone, min) },
		{ "low", offsetof(struct capture_zone, low) },
		{ "high", offsetof(struct capture_zone, high) },
		{ "promo", offsetof(struct capture_zone, promo) },
		{ "spanned", offsetof(struct capture_zone, spanned) },
		{ "present", offsetof(struct capture_zone, present) },
		{ "managed", offsetof(struct capture_zone, managed) },
		{ "cma", offsetof(struct capture_zone, cma) },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!strcmp(key, fields[i].key)) {
			*(unsigned long *)((char *)p->z + fields[i].off) = v;
			if (!strcmp(key, "promo"))
				p->z->has_promo = true;
			return 0;
		}
	}
	/* an older kernel's "scanned" and the like: well-formed, not used */
	return 0;
}

static int zi_new_pcp(struct zi_parser *p, uint64_t cpu)
{
	struct capture_zone *z = p->z;
	struct capture_pcp *pcp;

	pcp = realloc(z->pcp, (z->nr_pcp + 1) * sizeof(*pcp));
	if (!pcp)
		return -ENOMEM;
	z->pcp = pcp;
	pcp = &z->pcp[z->nr_pcp++];
	memset(pcp, 0, sizeof(*pcp));
	pcp->cpu = (int)cpu;
	pcp->high_min = pcp->high_max = -1;
	return 0;
}

/* "count: 0", "high: 5971", "vm stats threshold: 24" in a pageset. */
static int zi_pcp_field(struct zi_parser *p, const char *key, int64_t v)
{
	struct capture_pcp *pcp;

	if (!p->z->nr_pcp)
		return cap_lines_expected(&p->l, "\"cpu: N\" before the pageset's fields");
	pcp = &p->z->pcp[p->z->nr_pcp - 1];
	if (!strcmp(key, "count"))
		pcp->count = v;
	else if (!strcmp(key, "high"))
		pcp->high = v;
	else if (!strcmp(key, "batch"))
		pcp->batch = v;
	else if (!strcmp(key, "high_min"))
		pcp->high_min = v;
	else if (!strcmp(key, "high_max"))
		pcp->high_max = v;
	else if (!strcmp(key, "vm stats threshold"))
		pcp->stat_threshold = (int)v;
	return 0;
}

static int zi_tail(struct zi_parser *p, const char *key, uint64_t v)
{
	struct capture_zone *z = p->z;

	if (!strcmp(key, "node_unreclaimable")) {
		z->node_unreclaimable = (unsigned int)v;
	} else if (!strcmp(key, "start_pfn")) {
		z->start_pfn = v;
		z->has_start_pfn = true;
	} else if (!strcmp(key, "reserved_highatomic")) {
		z->reserved_highatomic = v;
	} else if (!strcmp(key, "free_highatomic")) {
		z->free_highatomic = v;
	}
	p->state = ZI_TAIL;
	return 0;
}

/*
 * Split "key words: 123" or "key 123" into key and number.  The key may
 * hold spaces ("pages free", "vm stats threshold"); @colon says whether it
 * ended in ':'.  False when the line has no number at its end.
 */
static bool zi_split(char *line, char **key, int64_t *v, bool *colon)
{
	char *s = cap_skip_space(line), *last;
	size_t n;

	cap_rstrip(s);
	last = strrchr(s, ' ');
	if (!last || !cap_parse_counter(last + 1, v))
		return false;
	*last = '\0';
	cap_rstrip(s);
	n = strlen(s);
	*colon = n && s[n - 1] == ':';
	if (*colon)
		s[--n] = '\0';
	if (!n)
		return false;
	*key = s;
	return true;
}

static int zi_line(struct cap_lines *l, char *line, void *ctx)
{
	struct zi_parser *p = ctx;
	char hdr[CAPTURE_LINE_MAX];
	char zone[CAPTURE_NAME_LEN], *key, *s;
	bool colon;
	int64_t v;
	int nid;

	snprintf(hdr, sizeof(hdr), "%s", line);
	s = cap_parse_node_zone(hdr, &nid, zone, sizeof(zone));
	if (s) {
		/* nothing may follow the zone name */
		if (!cap_is_blank(s))
			return cap_lines_expected(&p->l, "\"Node N, zone NAME\"");
		return zi_header(p, nid, zone);
	}
	if (p->state == ZI_NONE)
		return cap_lines_expected(&p->l, "\"Node N, zone NAME\"");
	s = cap_skip_space(line);
	cap_rstrip(s);
	if (!strcmp(s, "per-node stats")) {
		if (p->state != ZI_HEADER)
			return cap_lines_expected(&p->l, "\"per-node stats\" right after the zone header");
		p->state = ZI_NODE_STATS;
		return zi_new_node(p, p->z->nid);
	}
	if (!strcmp(s, "pagesets")) {
		if (p->state != ZI_PROTECTION)
			return cap_lines_expected(&p->l, "\"pagesets\" after the zone's counters");
		p->state = ZI_PAGESETS;
		return 0;
	}
	if (!strncmp(s, "protection:", 11)) {
		if (p->state != ZI_WATERMARKS)
			return cap_lines_expected(&p->l, "\"protection:\" after the watermarks");
		return zi_protection(p, s + 11);
	}
	if (!zi_split(s, &key, &v, &colon))
		return cap_lines_expected(&p->l, "\"name value\" or \"name: value\"");
	if (!strcmp(key, "pages free") && !colon) {
		if (p->state != ZI_HEADER && p->state != ZI_NODE_STATS)
			return cap_lines_expected(&p->l, "\"pages free\" once, after the zone header");
		if (v < 0)
			return cap_lines_expected(&p->l, "a free page count");
		p->z->free = v;
		p->state = ZI_WATERMARKS;
		return 0;
	}
	if (strchr(key, ' ') && !colon)
		return cap_lines_expected(&p->l, "\"name value\"");
	switch (p->state) {
	case ZI_HEADER:
		return cap_lines_expected(&p->l, "\"per-node stats\" or \"pages free N\"");
	case ZI_NODE_STATS:
		if (colon)
			return cap_lines_expected(&p->l, "a per-node counter \"name value\"");
		return cap_kv_add(&p->node->stats, key, v);
	case ZI_WATERMARKS:
		if (colon || v < 0)
			return cap_lines_expected(&p->l, "a watermark or size \"name N\"");
		return zi_watermark(p, key, v);
	case ZI_PROTECTION:
		if (colon)
			return cap_lines_expected(&p->l, "a zone counter \"name value\"");
		return cap_kv_add(&p->z->stats, key, v);
	case ZI_PAGESETS:
		if (!colon)
			return cap_lines_expected(&p->l, "a pageset field \"name: N\"");
		if (!strcmp(key, "cpu")) {
			if (v < 0)
				return cap_lines_expected(&p->l, "\"cpu: N\"");
			return zi_new_pcp(p, v);
		}
		if (!strcmp(key, "node_unreclaimable"))
			return zi_tail(p, key, v);
		return zi_pcp_field(p, key, v);
	case ZI_TAIL:
		if (!colon || v < 0)
			return cap_lines_expected(&p->l, "\"name: N\" after the pagesets");
		return zi_tail(p, key, v);
	default:
		return cap_lines_expected(&p->l, "\"Node N, zone NAME\"");
	}
}

/**
 * capture_zoneinfo_free() - Free what its parser allocated.
 * @zi: a parsed zoneinfo; empty on return.
 */
void capture_zoneinfo_free(struct capture_zoneinfo *zi)
{
	unsigned int i;

	for (i = 0; i < zi->nr_zones; i++) {
		capture_kvlist_free(&zi->zones[i].stats);
		free(zi->zones[i].pcp);
	}
	for (i = 0; i < zi->nr_nodes; i++)
		capture_kvlist_free(&zi->nodes[i].stats);
	free(zi->zones);
	free(zi->nodes);
	memset(zi, 0, sizeof(*zi));
}

/**
 * capture_parse_zoneinfo() - Read /proc/zoneinfo.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @zi: filled with every zone, populated or not, in file order, and the
 *	per-node counters.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (a malformed line, a zone cut short, no zone at all;
 * message in @err) or -ENOMEM.  On failure @zi is empty.
 */
int capture_parse_zoneinfo(const char *text, size_t len, const char *name,
			   struct capture_zoneinfo *zi, char *err,
			   size_t errlen)
{
	struct zi_parser p;
	int ret;

	memset(zi, 0, sizeof(*zi));
	memset(&p, 0, sizeof(p));
	p.zi = zi;
	ret = cap_parse_text(&p.l, text, len, name, err, errlen, 0, zi_line,
			     &p);
	if (!ret)
		ret = zi_close_zone(&p);
	if (!ret && !zi->nr_zones)
		ret = cap_lines_error(&p.l, "no \"Node N, zone NAME\" section");
	if (ret)
		capture_zoneinfo_free(zi);
	return ret;
}

/**
 * capture_zone_at() - The populated zone whose span holds @pfn.
 * @zi: a parsed zoneinfo.
 * @pfn: a page frame number.
 *
 * Return: the zone, or NULL.  A zone starting exactly at @pfn wins over
 * one whose span merely covers it (spans of zones may interleave).
 */
const struct capture_zone *capture_zone_at(const struct capture_zoneinfo *zi,
					   unsigned long pfn)
{
	const struct capture_zone *z, *cover = NULL;
	unsigned int i;

	for (i = 0; i < zi->nr_zones; i++) {
		z = &zi->zones[i];
		if (!z->has_start_pfn || !z->spanned)
			continue;
		if (z->start_pfn == pfn)
			return z;
		if (!cover && pfn > z->start_pfn &&
		    pfn - z->start_pfn < z->spanned)
			cover = z;
	}
	return cover;
}

/**
 * capture_zone_find() - A zone by node and name.
 * @zi: a parsed zoneinfo.
 * @nid: its node.
 * @name: "DMA32".
 *
 * Return: the zone, or NULL.
 */
const struct capture_zone *capture_zone_find(const struct capture_zoneinfo *zi,
					     int nid, const char *name)
{
	unsigned int i;

	for (i = 0; i < zi->nr_zones; i++)
		if (zi->zones[i].nid == nid && !strcmp(zi->zones[i].name, name))
			return &zi->zones[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* buddyinfo */

/* Count columns: numbers after the zone name, into @out (at most @max). */
static int parse_counts(char *s, unsigned long *out, unsigned int max,
			unsigned int *nr)
{
	char *t;
	uint64_t v;

	*nr = 0;
	while ((t = cap_next_token(&s))) {
		if (*nr >= max || !cap_parse_u64(t, 10, &v))
			return -EINVAL;
		out[(*nr)++] = v;
	}
	return 0;
}

/**
 * capture_buddyinfo_free() - Free what its parser allocated.
 * @bi: a parsed buddyinfo; empty on return.
 */
void capture_buddyinfo_free(struct capture_buddyinfo *bi)
{
	free(bi->zones);
	memset(bi, 0, sizeof(*bi));
}

static int buddy_line(struct cap_lines *l, char *line, void *ctx)
{
	char zone[CAPTURE_NAME_LEN], *rest;
	struct capture_buddyinfo *bi = ctx;
	struct capture_buddyzone *z;
	unsigned int nr;
	int nid;

	rest = cap_parse_node_zone(line, &nid, zone, sizeof(zone));
	if (!rest)
		return cap_lines_expected(l, "\"Node N, zone NAME count...\"");
	z = realloc(bi->zones, (bi->nr_zones + 1) * sizeof(*z));
	if (!z)
		return -ENOMEM;
	bi->zones = z;
	z = &bi->zones[bi->nr_zones];
	memset(z, 0, sizeof(*z));
	z->nid = nid;
	strcpy(z->zone, zone);
	if (parse_counts(rest, z->nr_free, CAPTURE_MAX_ORDERS, &nr) || !nr)
		return cap_lines_expected(l, "a free block count per order");
	if (bi->nr_zones && nr != bi->nr_orders)
		return cap_lines_error(l, "%u orders where the first row has %u: truncated or mixed rows",
				       nr, bi->nr_orders);
	bi->nr_orders = nr;
	bi->nr_zones++;
	return 0;
}

/**
 * capture_parse_buddyinfo() - Read /proc/buddyinfo (or pagemig's rendering).
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @bi: filled with one row per populated zone: free blocks per order.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Every row must have as many orders as the first.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_buddyinfo(const char *text, size_t len, const char *name,
			    struct capture_buddyinfo *bi, char *err,
			    size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0, buddy_line,
			     bi);
	if (!ret && !bi->nr_zones)
		ret = cap_lines_error(&l, "no \"Node N, zone NAME\" row");
	if (ret)
		capture_buddyinfo_free(bi);
	return ret;
}

/* ------------------------------------------------------------------ */
/* pagetypeinfo */

enum pti_section {
	PTI_HEAD,		/* "Page block order" and "Pages per block" */
	PTI_FREE,		/* "Free pages count per migrate type ..." */
	PTI_BLOCKS,		/* "Number of blocks type ..." */
	PTI_MIXED,		/* "Number of mixed blocks ..." (page_owner) */
};

static struct capture_pti_zone *pti_zone(struct capture_pagetypeinfo *pti,
					 int nid, const char *zone)
{
	struct capture_pti_zone *z;
	unsigned int i;

	for (i = 0; i < pti->nr_zones; i++)
		if (pti->zones[i].nid == nid && !strcmp(pti->zones[i].zone, zone))
			return &pti->zones[i];
	z = realloc(pti->zones, (pti->nr_zones + 1) * sizeof(*z));
	if (!z)
		return NULL;
	pti->zones = z;
	z = &pti->zones[pti->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->nid = nid;
	strcpy(z->zone, zone);
	return z;
}

/* The column index of migratetype @type, added if new; -1 if full. */
static int pti_type(struct capture_pagetypeinfo *pti, const char *type)
{
	unsigned int i;

	for (i = 0; i < pti->nr_types; i++)
		if (!strcmp(pti->types[i], type))
			return i;
	if (pti->nr_types >= CAPTURE_MAX_TYPES ||
	    strlen(type) >= CAPTURE_NAME_LEN)
		return -1;
	strcpy(pti->types[pti->nr_types], type);
	return pti->nr_types++;
}

/* "Node    0, zone      DMA, type    Unmovable      0 ... >100000 ..." */
static int pti_free_row(struct cap_lines *l, struct capture_pagetypeinfo *pti,
			char *line)
{
	char zone[CAPTURE_NAME_LEN], *s, *t;
	struct capture_pti_zone *z;
	unsigned int order = 0;
	int nid, type;
	uint64_t v;

	s = cap_parse_node_zone(line, &nid, zone, sizeof(zone));
	if (!s || *s != ',')
		return cap_lines_expected(l, "\"Node N, zone NAME, type TYPE count...\"");
	s = cap_skip_space(s + 1);
	if (strncmp(s, "type", 4))
		return cap_lines_expected(l, "\"Node N, zone NAME, type TYPE count...\"");
	s += 4;
	t = cap_next_token(&s);
	if (!t)
		return cap_lines_expected(l, "a migratetype name");
	type = pti_type(pti, t);
	z = pti_zone(pti, nid, zone);
	if (type < 0 || !z)
		return type < 0 ? cap_lines_error(l, "more than %d migratetypes", CAPTURE_MAX_TYPES) :
				  -ENOMEM;
	while ((t = cap_next_token(&s))) {
		bool capped = *t == '>';

		if (order >= pti->nr_orders || !cap_parse_u64(t + capped, 10, &v))
			return cap_lines_expected(l, "one free count per order of the header");
		z->free[type][order] = v;
		z->free_capped[type][order] = capped;
		order++;
	}
	if (order != pti->nr_orders)
		return cap_lines_error(l, "%u counts where the header has %u orders: truncated row",
				       order, pti->nr_orders);
	z->has_free = true;
	return 0;
}

/* "Node 0, zone      DMA            1            7 ..." under a type header */
static int pti_block_row(struct cap_lines *l, struct capture_pagetypeinfo *pti,
			 char *line, int *cols,
			 unsigned int nr_cols, bool mixed)
{
	unsigned long v[CAPTURE_MAX_TYPES];
	char zone[CAPTURE_NAME_LEN], *s;
	struct capture_pti_zone *z;
	unsigned int i, nr;
	int nid;

	s = cap_parse_node_zone(line, &nid, zone, sizeof(zone));
	if (!s || parse_counts(s, v, CAPTURE_MAX_TYPES, &nr))
		return cap_lines_expected(l, "\"Node N, zone NAME count...\"");
	if (nr != nr_cols)
		return cap_lines_error(l, "%u counts where the header names %u migratetypes: truncated row",
				       nr, nr_cols);
	z = pti_zone(pti, nid, zone);
	if (!z)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (mixed)
			z->mixed[cols[i]] = v[i];
		else
			z->blocks[cols[i]] = v[i];
	}
	if (mixed)
		z->has_mixed = true;
	else
		z->has_blocks = true;
	return 0;
}

/* The header line of a blocks table: the migratetype names. */
static int pti_type_header(struct cap_lines *l, struct capture_pagetypeinfo *pti,
			   char *s, int *cols,
			   unsigned int *nr_cols)
{
	char *t;
	int c;

	*nr_cols = 0;
	while ((t = cap_next_token(&s))) {
		c = pti_type(pti, t);
		if (c < 0)
			return cap_lines_error(l, "more than %d migratetypes", CAPTURE_MAX_TYPES);
		cols[(*nr_cols)++] = c;
	}
	if (!*nr_cols)
		return cap_lines_expected(l, "migratetype names after \"Number of blocks type\"");
	return 0;
}

static int pti_order_header(struct cap_lines *l, struct capture_pagetypeinfo *pti,
			    char *s)
{
	unsigned long orders[CAPTURE_MAX_ORDERS];
	unsigned int i, nr;

	if (parse_counts(s, orders, CAPTURE_MAX_ORDERS, &nr) || !nr)
		return cap_lines_expected(l, "the orders 0 1 2 ... after \"at order\"");
	for (i = 0; i < nr; i++)
		if (orders[i] != i)
			return cap_lines_expected(l, "the orders 0 1 2 ... after \"at order\"");
	pti->nr_orders = nr;
	return 0;
}

/**
 * capture_pagetypeinfo_free() - Free what its parser allocated.
 * @pti: a parsed pagetypeinfo; empty on return.
 */
void capture_pagetypeinfo_free(struct capture_pagetypeinfo *pti)
{
	free(pti->zones);
	memset(pti, 0, sizeof(*pti));
}

static int pti_check_complete(struct cap_lines *l, struct capture_pagetypeinfo *pti)
{
	unsigned int i;

	if (!pti->block_order || !pti->block_pages)
		return cap_lines_error(l, "truncated: no \"Page block order:\" or \"Pages per block:\" line");
	if (!pti->nr_zones)
		return cap_lines_error(l, "truncated: no free-count rows");
	for (i = 0; i < pti->nr_zones; i++) {
		if (!pti->zones[i].has_blocks)
			return cap_lines_error(l, "truncated: zone %s of node %d has no \"Number of blocks type\" row",
					       pti->zones[i].zone, pti->zones[i].nid);
		if (!pti->zones[i].has_free)
			return cap_lines_error(l, "zone %s of node %d has block counts but no free-count rows",
					       pti->zones[i].zone, pti->zones[i].nid);
	}
	return 0;
}

struct pti_parser {
	struct capture_pagetypeinfo *pti;
	enum pti_section sec;
	int cols[CAPTURE_MAX_TYPES];	/* the current table's columns */
	unsigned int nr_cols;
};

static int pti_line(struct cap_lines *l, char *line, void *ctx)
{
	struct pti_parser *p = ctx;
	struct capture_pagetypeinfo *pti = p->pti;
	enum pti_section *sec = &p->sec;
	unsigned int *nr_cols = &p->nr_cols;
	int *cols = p->cols;
	char *s;
	uint64_t v;

	s = cap_skip_space(line);
	if (!strncmp(s, "Page block order:", 17)) {
		if (!cap_parse_u64(cap_skip_space(s + 17), 10, &v) || !v || v > 20)
			return cap_lines_expected(l, "\"Page block order: N\"");
		pti->block_order = v;
		return 0;
	}
	if (!strncmp(s, "Pages per block:", 16)) {
		if (!cap_parse_u64(cap_skip_space(s + 16), 10, &v) || !v)
			return cap_lines_expected(l, "\"Pages per block: N\"");
		pti->block_pages = v;
		return 0;
	}
	if (!strncmp(s, "Free pages count per migrate type at order", 42)) {
		*sec = PTI_FREE;
		return pti_order_header(l, pti, s + 42);
	}
	if (!strncmp(s, "Number of blocks type", 21)) {
		*sec = PTI_BLOCKS;
		return pti_type_header(l, pti, s + 21, cols, nr_cols);
	}
	if (!strncmp(s, "Number of mixed blocks", 22)) {
		*sec = PTI_MIXED;
		return pti_type_header(l, pti, s + 22, cols, nr_cols);
	}
	switch (*sec) {
	case PTI_FREE:
		return pti_free_row(l, pti, line);
	case PTI_BLOCKS:
	case PTI_MIXED:
		return pti_block_row(l, pti, line, cols, *nr_cols,
				     *sec == PTI_MIXED);
	default:
		return cap_lines_expected(l, "\"Page block order: N\"");
	}
}

/**
 * capture_parse_pagetypeinfo() - Read /proc/pagetypeinfo.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @pti: filled: pageblock order, free blocks per zone, migratetype and
 *	order (">100000" read as 100000 and marked capped), pageblocks per
 *	zone and migratetype, and the mixed-block counts when printed.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_pagetypeinfo(const char *text, size_t len, const char *name,
			       struct capture_pagetypeinfo *pti, char *err,
			       size_t errlen)
{
	struct pti_parser p = { .pti = pti, .sec = PTI_HEAD };
	struct cap_lines l;
	int ret;

	memset(pti, 0, sizeof(*pti));
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0, pti_line,
			     &p);
	if (!ret)
		ret = pti_check_complete(&l, pti);
	if (ret)
		capture_pagetypeinfo_free(pti);
	return ret;
}

