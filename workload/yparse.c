// SPDX-License-Identifier: GPL-2.0
/*
 * Typed, path-aware accessors over a libyaml document tree, and the
 * walker that reads a mapping against a key table.
 *
 * Step types and the machine: block never look at a yaml_node_t key by
 * key: their tables say "order: an integer 0..10, at this offset", and
 * yp_walk() either fills the struct or returns -EINVAL with the one
 * error message already written.  Keeping every message in this file
 * keeps their wording uniform, which matters because tests (and users'
 * scripts) match on it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "yparse.h"

/* Values longer than this are cut in messages: a message is one line. */
#define YP_SHOW_MAX	40
#define FRACTION_WHAT	"a fraction 0..1 (or 0%..100%)"

/**
 * yp_node() - Look up a node of the parser's document by id.
 * @p: the parser.
 * @id: a node id taken from a pair or sequence item.
 *
 * Return: the node, or NULL for id 0 (libyaml's "no node").
 */
yaml_node_t *yp_node(const struct yparse *p, int id)
{
	return id ? yaml_document_get_node(p->doc, id) : NULL;
}

/**
 * yp_line() - The 1-based line a node starts on.
 * @node: the node, or NULL.
 *
 * Return: the line, or 1 when there is no node to point at.
 */
int yp_line(const yaml_node_t *node)
{
	return node ? (int)node->start_mark.line + 1 : 1;
}

/**
 * yp_is_null() - Whether a node is YAML's null: absent, empty, "~", "null".
 * @node: the node, or NULL.
 *
 * The document loader does not resolve tags, so null is recognised here
 * by the plain-scalar spellings of YAML 1.1.
 *
 * Return: true for null.
 */
bool yp_is_null(const yaml_node_t *node)
{
	const char *v;

	if (!node)
		return true;
	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

/*
 * What a node is, for the "got ..." of a message: quoted scalars (cut
 * after YP_SHOW_MAX characters: a message is one line), or its kind.
 */
static const char *describe(const yaml_node_t *node, char *buf, size_t len)
{
	const char *v;

	if (yp_is_null(node))
		return "nothing";
	if (node->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (node->type == YAML_SEQUENCE_NODE)
		return "a list";
	v = (const char *)node->data.scalar.value;
	if (strlen(v) > YP_SHOW_MAX)
		snprintf(buf, len, "\"%.*s...\"", YP_SHOW_MAX, v);
	else
		snprintf(buf, len, "\"%s\"", v);
	return buf;
}

/* The message, unless one is written already; its length, or errlen. */
static size_t verror(struct yparse *p, const yaml_node_t *at,
		     const char *path, const char *fmt, va_list ap)
{
	int n;

	if (!p->errlen || p->err[0])
		return p->errlen;
	if (!at)
		at = p->here;
	if (path && *path)
		n = snprintf(p->err, p->errlen, "%s:%d: %s: ", p->file,
			     yp_line(at), path);
	else
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->file,
			     yp_line(at));
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	return strlen(p->err);
}

/**
 * yp_error() - Write the parse error message: FILE:LINE: PATH: text.
 * @p: the parser.
 * @at: the node the message points at (its line is used); NULL points
 *	at @p->here.
 * @path: the key path, or "" for the top of the document.
 * @fmt: printf format for the text.
 *
 * Only the first error is kept: once a message is written, later calls
 * (from callers unwinding) leave it alone.
 *
 * Return: -EINVAL, so callers can write "return yp_error(...)".
 */
int yp_error(struct yparse *p, const yaml_node_t *at, const char *path,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(p, at, path, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * yp_error_hint() - yp_error(), and the choice the user probably meant.
 * @p: the parser.
 * @at: the node the message points at.
 * @path: the key path.
 * @word: what the user wrote, or NULL.
 * @choices: NULL-terminated candidates for yp_suggest().
 * @fmt: printf format for the text before the hint.
 *
 * The message ends with ' (did you mean "CHOICE"?)' when a choice is
 * close to @word.
 *
 * Return: -EINVAL.
 */
int yp_error_hint(struct yparse *p, const yaml_node_t *at, const char *path,
		  const char *word, const char *const *choices,
		  const char *fmt, ...)
{
	const char *hint = word ? yp_suggest(word, choices) : NULL;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	n = verror(p, at, path, fmt, ap);
	va_end(ap);
	if (hint && n < p->errlen)
		snprintf(p->err + n, p->errlen - n, " (did you mean \"%s\"?)",
			 hint);
	return -EINVAL;
}

/**
 * yp_expected() - The common "expected WHAT, got VALUE" error.
 * @p: the parser.
 * @node: the offending value.
 * @path: its key path.
 * @what: what would have been accepted ("an integer 0..10").
 *
 * Return: -EINVAL.
 */
int yp_expected(struct yparse *p, const yaml_node_t *node, const char *path,
		const char *what)
{
	char got[YP_SHOW_MAX + 8];

	return yp_error(p, node, path, "expected %s, got %s", what,
			describe(node, got, sizeof(got)));
}

/* "PATH.KEY", or "KEY" at the top. */
static void path_key(char *buf, size_t len, const char *path, const char *key)
{
	if (path && *path)
		snprintf(buf, len, "%s.%s", path, key);
	else
		snprintf(buf, len, "%s", key);
}

/**
 * yp_key_error() - yp_error() at a key of a mapping: PATH.KEY, its value.
 * @p: the parser.
 * @map: the mapping, or NULL.
 * @path: the mapping's path.
 * @key: the key the message is about.
 * @fmt: printf format for the text.
 *
 * For the rules across keys that YP_END_CHECK() functions apply: the
 * message points at @key's value (at @map when it is absent).
 *
 * Return: -EINVAL.
 */
int yp_key_error(struct yparse *p, yaml_node_t *map, const char *path,
		 const char *key, const char *fmt, ...)
{
	yaml_node_t *v = yp_get(p, map, key, NULL);
	char sub[YP_PATH_MAX];
	va_list ap;

	path_key(sub, sizeof(sub), path, key);
	va_start(ap, fmt);
	verror(p, v ? v : map, sub, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[64], prev, tmp, best;

	if (la >= 64 || lb >= 64)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/**
 * yp_suggest() - Find the choice the user probably meant.
 * @word: what the user wrote.
 * @choices: NULL-terminated candidates.
 *
 * A candidate qualifies when it is a few edits away (a third of its
 * length, at least one) or when one word starts with the other
 * ("allocate" for "alloc").
 *
 * Return: the closest candidate, or NULL if none is close.
 */
const char *yp_suggest(const char *word, const char *const *choices)
{
	const char *best = NULL;
	unsigned int best_d = UINT_MAX, d, limit;
	size_t lw = strlen(word), lc;

	for (; choices && *choices; choices++) {
		lc = strlen(*choices);
		limit = lc / 3 ? lc / 3 : 1;
		d = edit_distance(word, *choices);
		if (d > limit && lw >= 3 && lc >= 3 &&
		    (!strncasecmp(word, *choices, lc) ||
		     !strncasecmp(word, *choices, lw)))
			d = limit;
		if (d <= limit && d < best_d) {
			best = *choices;
			best_d = d;
		}
	}
	return best;
}

/**
 * yp_join() - Write choices as "a, b, c".
 * @buf: where to write.
 * @len: size of @buf.
 * @choices: NULL-terminated list.
 */
void yp_join(char *buf, size_t len, const char *const *choices)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (; *choices && used < len; choices++) {
		n = snprintf(buf + used, len - used, "%s%s",
			     used ? ", " : "", *choices);
		if (n < 0)
			break;
		used += n;
	}
}

/* A mapping, or null for "no keys given" (*@map is then NULL). */
static int as_mapping(struct yparse *p, yaml_node_t *node, const char *path,
	       yaml_node_t **map)
{
	*map = NULL;
	if (yp_is_null(node))
		return 0;	/* "verify:" and "verify: {}" mean the same */
	if (node->type != YAML_MAPPING_NODE)
		return yp_expected(p, node, path, "a mapping of key: value");
	*map = node;
	return 0;
}

/*
 * The name of @pair's key, with "PATH.NAME" in @sub (YP_PATH_MAX bytes);
 * NULL, the message written, if the key is not a scalar.
 */
static const char *key_name(struct yparse *p, const yaml_node_pair_t *pair,
			    const char *path, const char *what, char *sub,
			    yaml_node_t **key)
{
	yaml_node_t *k = yp_node(p, pair->key);
	const char *name;

	*key = k;
	if (!k || k->type != YAML_SCALAR_NODE) {
		yp_expected(p, k, path, what);
		return NULL;
	}
	name = (const char *)k->data.scalar.value;
	path_key(sub, YP_PATH_MAX, path, name);
	return name;
}

/*
 * Reject unknown and repeated keys before reading any, so a misspelt
 * optional key is an error instead of a silently applied default.
 */
static int check_keys(struct yparse *p, yaml_node_t *map, const char *path,
		      const char *const *keys)
{
	yaml_node_pair_t *pair;
	char sub[YP_PATH_MAX], list[256];
	yaml_node_t *k, *first;
	const char *name;
	const char *const *kp;

	if (!map)
		return 0;
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		name = key_name(p, pair, path, "a key name", sub, &k);
		if (!name)
			return -EINVAL;
		for (kp = keys; *kp; kp++)
			if (!strcmp(*kp, name))
				break;
		if (!*kp) {
			yp_join(list, sizeof(list), keys);
			return yp_error_hint(p, k, sub, name, keys, "unknown key, expected one of %s",
					     list);
		}
		/* yp_get() finds a key's first pair: this one, unless repeated. */
		yp_get(p, map, name, &first);
		if (first != k)
			return yp_error(p, k, sub, "duplicate key, first given on line %d",
					yp_line(first));
	}
	return 0;
}

/**
 * yp_get() - Find a key's value in a mapping.
 * @p: the parser.
 * @map: the mapping; NULL or any other node has no keys.
 * @key: the key.
 * @keynode: if not NULL, set to the key's node (or NULL if absent).
 *
 * Return: the value node, or NULL if the key is absent.  A key given with
 * no value returns its null scalar, so "present but empty" can be told
 * from "absent" through @keynode.
 */
yaml_node_t *yp_get(const struct yparse *p, const yaml_node_t *map,
		    const char *key, yaml_node_t **keynode)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;

	if (keynode)
		*keynode = NULL;
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		k = yp_node(p, pair->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key)) {
			if (keynode)
				*keynode = k;
			return yp_node(p, pair->value);
		}
	}
	return NULL;
}

static const char *scalar(const yaml_node_t *node)
{
	if (yp_is_null(node) || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

static void int_what(char *buf, size_t len, long long min,
		     unsigned long long max)
{
	if (max == LLONG_MAX)
		snprintf(buf, len, "an integer >= %lld", min);
	else
		snprintf(buf, len, "an integer %lld..%llu", min, max);
}

/* Decimal, or hex with 0x; no octal surprises from a leading zero. */
static int parse_ull(const char *s, unsigned long long *out)
{
	int base = 10;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
	}
	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno)
		return -ERANGE;
	while (isspace((unsigned char)*end))
		end++;
	return *end ? -EINVAL : 0;
}

/*
 * An integer in [@k->min, @k->max], LLONG_MAX for "no limit"; YP_U64
 * takes any unsigned 64-bit one (seeds).
 */
static int read_int(struct yparse *p, const struct yp_key *k,
		    yaml_node_t *node, const char *path, uint64_t *out)
{
	unsigned long long v, max = k->kind == YP_U64 ? ULLONG_MAX :
				 (unsigned long long)k->max;
	const char *s = scalar(node);
	bool neg = s && k->min < 0 && *s == '-';	/* only if allowed */
	char what[64];

	if (!s || parse_ull(s + neg, &v) || (neg && v > (unsigned long long)-k->min) ||
	    (!neg && (v > max || (long long)v < k->min))) {
		int_what(what, sizeof(what), k->min, max);
		return yp_expected(p, node, path, what);
	}
	*out = neg ? -v : v;
	return 0;
}

/*
 * A size in bytes: "268435456", "256M", "1 GiB".  K, M, G and T are
 * binary, as sizes of memory are; "KiB" and "KB" mean the same.
 */
static int read_size(struct yparse *p, yaml_node_t *node, const char *path,
		     uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *s = scalar(node), *u;
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	while (*end == ' ')
		end++;
	if (*end) {
		/* A unit letter, then nothing, "iB" or "B". */
		u = strchr(units, toupper((unsigned char)*end++));
		if (!u || (*end && strcasecmp(end, "iB") && strcasecmp(end, "B")))
			goto bad;
		shift = 10 * (unsigned int)(u - units + 1);
		if (v > (UINT64_MAX >> shift))
			return yp_expected(p, node, path,
					   "a size below 16 EiB");
	}
	*out = (uint64_t)v << shift;
	return 0;
bad:
	return yp_expected(p, node, path,
			   "a size in bytes or with a K, M, G or T suffix");
}

/*
 * A page count ("16384", "0x4000"), or a size with a unit ("64M") that
 * is whole pages: the number of pages either way.
 */
static int read_pages(struct yparse *p, const struct yp_key *k,
		      yaml_node_t *node, const char *path, uint64_t *out)
{
	const char *s = scalar(node);
	struct yparse quiet = *p;
	unsigned long long v;

	/* Parse without a message of their own: ours names both forms. */
	quiet.errlen = 0;
	if (s && (!s[strspn(s, "0123456789")] || !strncasecmp(s, "0x", 2))) {
		if (parse_ull(s, &v) || v > LLONG_MAX)
			return yp_expected(p, node, path, k->what);
		*out = v;
		return 0;
	}
	if (!s || read_size(&quiet, node, path, out))
		return yp_expected(p, node, path, k->what);
	if (*out % PAGEMIG_PAGE_SIZE)
		return yp_expected(p, node, path, "a size in whole 4 KiB pages");
	*out /= PAGEMIG_PAGE_SIZE;
	return 0;
}

/* true/false, and yes/no and on/off as YAML 1.1 has them. */
static int read_bool(struct yparse *p, yaml_node_t *node, const char *path, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	const char *s = scalar(node);
	int i;

	for (i = 0; s && yes[i]; i++) {
		if (!strcasecmp(s, yes[i]) || !strcasecmp(s, no[i])) {
			*out = !strcasecmp(s, yes[i]);
			return 0;
		}
	}
	return yp_expected(p, node, path, "true or false");
}

/* A non-empty scalar, copied: what it names (@what) is for the message. */
static int read_string(struct yparse *p, yaml_node_t *node,
		       const char *path, const char *what, char **out)
{
	const char *s = scalar(node);

	if (!s || !*s)
		return yp_expected(p, node, path, what);
	*out = strdup(s);
	if (!*out)
		return yp_error(p, node, path, "out of memory");
	return 0;
}

/* One of @choices: its index; the message lists them. */
static int read_choice(struct yparse *p, yaml_node_t *node,
		       const char *path, const char *const *choices, int *out)
{
	const char *s = scalar(node);
	char list[256], got[YP_SHOW_MAX + 8];
	int i;

	for (i = 0; s && choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*out = i;
			return 0;
		}
	}
	yp_join(list, sizeof(list), choices);
	return yp_error_hint(p, node, path, s, choices, "expected one of %s, got %s",
			     list, describe(node, got, sizeof(got)));
}

/*
 * Names offered as "did you mean" for a misspelt gfp flag.  Only those the
 * library's pagemig_parse_gfp() accepts are ever suggested, so this list
 * may safely be a superset of what the library models.
 */
static const char *const gfp_names[] = {
	"GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT", "GFP_NOIO", "GFP_NOFS",
	"GFP_USER", "GFP_DMA32", "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE",
	"GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "__GFP_DMA32",
	"__GFP_HIGHMEM", "__GFP_MOVABLE", "__GFP_RECLAIMABLE", "__GFP_HIGH",
	"__GFP_IO", "__GFP_FS", "__GFP_ZERO", "__GFP_DIRECT_RECLAIM",
	"__GFP_KSWAPD_RECLAIM", "__GFP_RECLAIM", "__GFP_WRITE",
	"__GFP_NOWARN", "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL",
	"__GFP_NORETRY", "__GFP_MEMALLOC", "__GFP_COMP", "__GFP_NOMEMALLOC",
	"__GFP_HARDWALL", "__GFP_THISNODE", "__GFP_ACCOUNT", NULL
};

static int unknown_gfp(struct yparse *p, yaml_node_t *node, const char *path,
		       const char *flag)
{
	const char *known[sizeof(gfp_names) / sizeof(gfp_names[0])];
	unsigned int i, n = 0, gfp;

	for (i = 0; gfp_names[i]; i++)
		if (!pagemig_parse_gfp(gfp_names[i], &gfp))
			known[n++] = gfp_names[i];
	known[n] = NULL;
	return yp_error_hint(p, node, path, flag, known, "unknown gfp flag \"%s\", expected GFP_* and __GFP_* names joined by |",
			     flag);
}

/*
 * A gfp mask: "GFP_KERNEL | __GFP_RECLAIMABLE", and in @spec (if not
 * NULL) the library's spelling of it, spaces removed, for reports.
 * pagemig_parse_gfp() says only that a mask is bad, so each flag is
 * tried on its own first, to name the one that is wrong.
 */
static int read_gfp(struct yparse *p, yaml_node_t *node, const char *path,
		    unsigned int *gfp, char **spec)
{
	const char *s = scalar(node);
	char *norm, *tok, *bar;
	unsigned int one;
	size_t i, j;
	int ret = 0;

	if (!s)
		return yp_expected(p, node, path,
				   "gfp flags such as \"GFP_KERNEL|__GFP_RECLAIMABLE\"");
	norm = malloc(strlen(s) + 1);
	if (!norm)
		return yp_error(p, node, path, "out of memory");
	for (i = j = 0; s[i]; i++)
		if (!isspace((unsigned char)s[i]))
			norm[j++] = s[i];
	norm[j] = '\0';
	for (tok = norm; !ret; tok = bar + 1) {
		bar = strchr(tok, '|');
		if (bar)
			*bar = '\0';
		if (*tok && pagemig_parse_gfp(tok, &one))
			ret = unknown_gfp(p, node, path, tok);
		if (!bar)
			break;
		*bar = '|';
	}
	if (!ret && (!*norm || strstr(norm, "||") || norm[0] == '|' ||
		     norm[j - 1] == '|' || pagemig_parse_gfp(norm, gfp)))
		ret = yp_expected(p, node, path,
				  "GFP_* and __GFP_* names joined by |, at most one of __GFP_MOVABLE and __GFP_RECLAIMABLE");
	if (!ret && spec) {
		*spec = norm;
		return 0;
	}
	free(norm);
	return ret;
}

/*
 * A path as the scenario names it, relative to the scenario file's
 * directory, as its reader expects (not to where pagemig was started).
 * Built-ins and files named without a directory keep the current
 * directory.  NULL without memory.
 */
static char *resolve_path(const struct yparse *p, const char *path)
{
	const char *slash = p->file ? strrchr(p->file, '/') : NULL;
	char *out;

	if (path[0] == '/' || !slash)
		return strdup(path);
	if (asprintf(&out, "%.*s/%s", (int)(slash - p->file), p->file, path) < 0)
		return NULL;
	return out;
}

/* ---- key tables ---- */

/* Most keys one mapping takes: room for the list of their names. */
#define YP_MAX_KEYS	24

/* Where a key's value goes in the struct its table fills. */
static void *field(const struct yp_key *k, void *args)
{
	return (char *)args + k->off;
}

/* Integers go into fields of any width: the table gives the width. */
static void store(void *f, size_t size, unsigned long long v)
{
	if (size == 1)
		*(uint8_t *)f = (uint8_t)v;
	else if (size == 2)
		*(uint16_t *)f = (uint16_t)v;
	else if (size == 4)
		*(uint32_t *)f = (uint32_t)v;
	else
		*(uint64_t *)f = v;
}

static unsigned long long load(const void *f, size_t size)
{
	if (size == 1)
		return *(const uint8_t *)f;
	if (size == 2)
		return *(const uint16_t *)f;
	return size == 4 ? *(const uint32_t *)f : *(const uint64_t *)f;
}

static const char *const bool_words[] = { "false", "true", NULL };

/* What a key's value should be, for "missing required key" messages. */
static const char *key_what(const struct yp_key *k, char *buf, size_t len)
{
	char list[256];

	if (k->what)
		return k->what;
	switch (k->kind) {
	case YP_INT:
		int_what(buf, len, k->min, k->max);
		return buf;
	case YP_BOOL:
		return "true or false";
	case YP_CHOICE:
		yp_join(list, sizeof(list), k->choices);
		snprintf(buf, len, "one of %s", list);
		return buf;
	case YP_NAME:
		if ((k->flags & YP_DECLARE) || !k->names->ref)
			return k->names->what;
		return k->names->ref;
	case YP_FRACTION:
		return FRACTION_WHAT;
	default:
		return "a value";
	}
}

/* Remember @name (with its kind's prefix) for later steps. */
static int declare(struct yparse *p, const yaml_node_t *at, const char *path,
		   const struct yp_names *names, const char *name)
{
	char **more;
	unsigned int i;

	for (i = 0; i < p->nr_names; i++)
		if (!strncmp(p->names[i], names->prefix, strlen(names->prefix)) &&
		    !strcmp(p->names[i] + strlen(names->prefix), name))
			return names->again ?
			       yp_error(p, at, path, names->again, name) : 0;
	/* Keep a NULL after the last name, so the list feeds yp_suggest(). */
	more = realloc(p->names, (p->nr_names + 2) * sizeof(*more));
	if (!more)
		return yp_error(p, at, path, "out of memory");
	p->names = more;
	if (asprintf(&more[p->nr_names], "%s%s", names->prefix, name) < 0)
		return yp_error(p, at, path, "out of memory");
	more[++p->nr_names] = NULL;
	return 0;
}

/* @name must have been declared by an earlier step, with a suggestion. */
static int look_up(struct yparse *p, const yaml_node_t *at, const char *path,
		   const struct yp_names *names, const char *name)
{
	const char *known[64];
	size_t len = strlen(names->prefix);
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_names; i++) {
		if (strncmp(p->names[i], names->prefix, len))
			continue;
		if (!strcmp(p->names[i] + len, name))
			return 0;
		if (n < 63)
			known[n++] = p->names[i] + len;
	}
	known[n] = NULL;
	return yp_error_hint(p, at, path, name, known, "no earlier step %s \"%s\"",
			     names->verb, name);
}

/* A string read (or defaulted) for a YP_STRING, YP_PATH or YP_NAME key. */
static int check_string(struct yparse *p, const struct yp_key *k,
			const yaml_node_t *v, const char *path, char **s)
{
	struct stat st;
	char *resolved;

	switch (k->kind) {
	case YP_STRING:
		if ((k->flags & YP_ONE_LINE) && strchr(*s, '\n'))
			return yp_expected(p, v, path, k->what);
		return 0;
	case YP_PATH:
		resolved = resolve_path(p, *s);
		if (!resolved)
			return yp_error(p, v, path, "out of memory");
		free(*s);
		*s = resolved;
		if (!(k->flags & YP_READABLE))
			return 0;
		if (access(*s, R_OK) || stat(*s, &st))
			return yp_error(p, v, path, "cannot read \"%s\": %s", *s, strerror(errno));
		return S_ISREG(st.st_mode) ? 0 : yp_expected(p, v, path, "a regular file");
	default:
		if (k->flags & YP_DECLARE)
			return declare(p, v, path, k->names, *s);
		return look_up(p, v, path, k->names, *s);
	}
}

/* A decimal number in [k->min, k->max]; a fraction: 0..1, or "25%". */
static int real(struct yparse *p, const struct yp_key *k, yaml_node_t *v,
		const char *path, double *out)
{
	bool frac = k->kind == YP_FRACTION;
	double min = frac ? 0 : k->min, max = frac ? 1 : k->max;
	const char *s = scalar(v);
	char *end;
	double d;

	d = s ? strtod(s, &end) : 0;
	if (s && frac && *end == '%') {
		d /= 100;
		end++;
	}
	if (!s || end == s || *end || !(d >= min && d <= max) ||
	    (frac && !isdigit((unsigned char)*s) && *s != '.'))
		return yp_expected(p, v, path, frac ? FRACTION_WHAT : k->what);
	*out = d;
	return 0;
}

/*
 * The value of an integer-valued key (YP_INT, YP_U64, YP_SIZE, YP_PAGES,
 * YP_BOOL, YP_CHOICE), in range and aligned, as its field stores it.
 */
static int read_number(struct yparse *p, const struct yp_key *k,
		       yaml_node_t *v, const char *path, uint64_t *out)
{
	char what[300];
	uint64_t u = 0;
	bool b = false;
	int i = 0, ret;

	switch (k->kind) {
	case YP_INT:
	case YP_U64:
		ret = read_int(p, k, v, path, &u);
		break;
	case YP_SIZE:
		ret = read_size(p, v, path, &u);
		break;
	case YP_PAGES:
		ret = read_pages(p, k, v, path, &u);
		break;
	case YP_BOOL:
		ret = read_bool(p, v, path, &b);
		u = b;
		break;
	default:
		ret = read_choice(p, v, path, k->choices, &i);
		u = k->flags & YP_NOT ? !i : i;
		break;
	}
	if (!ret && (((k->flags & YP_NONZERO) && !u) ||
		     (k->align && u % k->align) ||
		     ((k->flags & YP_CPU) && p->machine && u >= p->machine->nr_cpus) ||
		     (k->max && k->min >= 0 && u > (uint64_t)k->max)))
		return yp_expected(p, v, path, key_what(k, what, sizeof(what)));
	*out = k->scale ? u / k->scale : u;
	return ret;
}

/* YP_LIST: each item as @k->sub says, into the next slot of the array. */
static int read_list(struct yparse *p, const struct yp_key *k,
		     yaml_node_t *v, const char *path, void *args)
{
	unsigned int *nr = (unsigned int *)((char *)args + k->off2);
	yaml_node_item_t *item, *start = v->data.sequence.items.start;
	char sub[YP_PATH_MAX];
	int ret = 0;

	if (v->type == YAML_SCALAR_NODE)
		return yp_value(p, v, path, k->sub, (char *)field(k, args) +
				k->sub->size * (*nr)++);
	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top == start)
		return yp_expected(p, v, path, k->what);
	for (item = start; !ret && item < v->data.sequence.items.top; item++) {
		snprintf(sub, sizeof(sub), "%s[%u]", path, (unsigned int)(item - start));
		if (*nr == k->max)
			return yp_error(p, yp_node(p, *item), sub,
					"expected at most %lld items", k->max);
		ret = yp_value(p, yp_node(p, *item), sub, k->sub,
			       (char *)field(k, args) + k->sub->size * (*nr)++);
	}
	return ret;
}

/**
 * yp_value() - Read one value as a key of a table would be read.
 * @p: the parser.
 * @v: the value.
 * @path: its key path.
 * @k: what it takes (kind, bounds, what) and where it goes.
 * @args: the struct @k's offsets point into.
 *
 * For values a YP_CUSTOM key finds inside lists and mappings of its own
 * (a list of CPUs, a mix of orders), so they are read, checked and
 * described like every other value.
 *
 * Return: 0, or -EINVAL with the message written.
 */
int yp_value(struct yparse *p, yaml_node_t *v, const char *path,
	     const struct yp_key *k, void *args)
{
	void *f = field(k, args);
	char what[64];
	uint64_t u = 0;
	int ret;

	switch (k->kind) {
	case YP_REAL:
	case YP_FRACTION:
		return real(p, k, v, path, f);
	case YP_GFP:
		return read_gfp(p, v, path, f, (char **)((char *)args + k->off2));
	case YP_MAP:
		return yp_walk(p, v, path, k->sub, args);
	case YP_LIST:
		return read_list(p, k, v, path, args);
	case YP_CUSTOM:
		return k->parse(p, v, path, k, args);
	case YP_STRING:
	case YP_PATH:
	case YP_NAME:
		ret = read_string(p, v, path, key_what(k, what, sizeof(what)), f);
		return ret ? ret : check_string(p, k, v, path, f);
	default:
		ret = read_number(p, k, v, path, &u);
		if (!ret)
			store(f, k->size, u);
		return ret;
	}
}

/* Key @k is absent: its default, if it has one (0 leaves the field be). */
static int set_default(struct yparse *p, const struct yp_key *k,
		       const char *path, void *args)
{
	void *f = field(k, args);

	switch (k->kind) {
	case YP_REAL:
	case YP_FRACTION:
		if (k->def_real)
			*(double *)f = k->def_real;
		return 0;
	case YP_CHOICE:
		store(f, k->size, k->flags & YP_NOT ? !k->def : k->def);
		return 0;
	case YP_GFP:
		if (pagemig_parse_gfp("GFP_KERNEL", f) ||
		    !(*(char **)((char *)args + k->off2) = strdup("GFP_KERNEL")))
			return yp_error(p, NULL, path, "the library does not know GFP_KERNEL");
		return 0;
	case YP_MAP:
		return yp_walk(p, NULL, path, k->sub, args);
	case YP_STRING:
	case YP_PATH:
	case YP_NAME:
		if (!k->def_str)
			return 0;
		*(char **)f = strdup(k->def_str);
		if (!*(char **)f)
			return yp_error(p, NULL, path, "out of memory");
		return check_string(p, k, NULL, path, f);
	default:
		if (k->def && k->size)
			store(f, k->size, k->def);
		return 0;
	}
}

static const struct yp_key *find_key(const struct yp_key *keys,
				     const char *name)
{
	for (; keys->name; keys++)
		if (!strcmp(keys->name, name))
			return keys;
	return NULL;
}

/*
 * Whether @k may be given: its only_with key is given, or holds one of
 * the values in @k->only_if.  "only applies with pattern: random" in
 * @why when it may not.
 */
static bool applies(const struct yparse *p, const struct yp_key *keys,
		    const struct yp_key *k, const yaml_node_t *map,
		    void *args, char *why, size_t len)
{
	const struct yp_key *c = find_key(keys, k->only_with);
	const char *const *words = c->choices ? c->choices : bool_words;
	unsigned long long v;
	const char *sep = ": ";
	size_t n;
	int i;

	n = snprintf(why, len, "only applies with %s", k->only_with);
	if (!k->only_if)
		return yp_get(p, map, k->only_with, NULL);
	for (i = 0; words[i] && n < len; i++) {
		if (!(k->only_if & (1U << i)))
			continue;
		n += snprintf(why + n, len - n, "%s%s", sep, words[i]);
		sep = " or ";
	}
	v = load(field(c, args), c->size);
	return v < 32 && (k->only_if & (1U << v));
}

/* The key that may stand in for a required @k (it excludes @k). */
static const struct yp_key *alternative(const struct yp_key *keys,
					const struct yp_key *k)
{
	for (; keys->name; keys++)
		if (keys->excludes && !strcmp(keys->excludes, k->name))
			return keys;
	return NULL;
}

static int walk_key(struct yparse *p, const struct yp_key *keys,
		    const struct yp_key *k, yaml_node_t *map,
		    const char *path, void *args)
{
	const yaml_node_t *here = p->here;
	yaml_node_t *key, *v = yp_get(p, map, k->name, &key);
	const struct yp_key *alt;
	char sub[YP_PATH_MAX], buf[300];
	int ret;

	if ((k->flags & YP_NULL_ABSENT) && yp_is_null(v))
		v = NULL;
	path_key(sub, sizeof(sub), path, k->name);
	if (k->only_with && !applies(p, keys, k, map, args, buf, sizeof(buf)))
		return v ? yp_error(p, v, sub, "%s", buf) : 0;
	if (v && k->excludes && yp_get(p, map, k->excludes, NULL))
		return yp_error(p, v, sub, "give either %s or %s, not both",
				k->excludes, k->name);
	if (!v) {
		if (!(k->flags & YP_REQUIRED))
			return set_default(p, k, sub, args);
		alt = alternative(keys, k);
		if (!alt)
			return yp_error(p, map, path, "missing required key \"%s\" (%s)",
					k->name, key_what(k, buf, sizeof(buf)));
		if (yp_get(p, map, alt->name, NULL))
			return 0;
		return yp_error(p, map, path, "missing required key \"%s\" (%s) or \"%s\"",
				k->name, key_what(k, buf, sizeof(buf)), alt->name);
	}
	/* Messages with no node of their own point at the key. */
	p->here = key;
	ret = yp_value(p, v, sub, k, args);
	p->here = here;
	return ret;
}

/* At least one of the keys flagged YP_ONE_OF, when any is. */
static int need_one(struct yparse *p, const struct yp_key *keys,
		    yaml_node_t *map, const char *path)
{
	const char *names[YP_MAX_KEYS + 1];
	char list[256];
	unsigned int n = 0;

	for (; keys->name && n < YP_MAX_KEYS; keys++) {
		if (!(keys->flags & YP_ONE_OF))
			continue;
		if (yp_get(p, map, keys->name, NULL))
			return 0;
		names[n++] = keys->name;
	}
	if (!n)
		return 0;
	names[n] = NULL;
	yp_join(list, sizeof(list), names);
	return yp_error(p, map, path, "expected at least one of %s", list);
}

/**
 * yp_walk() - Read a mapping into a struct, as its key table says.
 * @p: the parser.
 * @node: the mapping; NULL or null means no keys were given.  For a
 *	table that reads the value itself (one key named ""), any value.
 * @path: its key path.
 * @keys: the table; NULL for a mapping that takes no keys.
 * @args: the struct the table's offsets point into.
 *
 * Every key is checked first (unknown and repeated keys are errors),
 * then each key of the table is read in order: its value if given, else
 * its default; required keys must be given.  Strings the walk stores
 * belong to @args from then on, even on error: yp_release() frees them.
 *
 * Return: 0, or -EINVAL with the message written.
 */
int yp_walk(struct yparse *p, yaml_node_t *node, const char *path,
	    const struct yp_key *keys, void *args)
{
	static const struct yp_key none[] = { { NULL } };
	const char *names[YP_MAX_KEYS + 1];
	const struct yp_key *k;
	yaml_node_t *map;
	unsigned int n = 0;
	int ret;

	if (!keys)
		keys = none;
	if (keys->name && !keys->name[0])
		return yp_value(p, node, path, keys, args);
	for (k = keys; k->name && n < YP_MAX_KEYS; k++)
		names[n++] = k->name;
	names[n] = NULL;
	ret = as_mapping(p, node, path, &map);
	if (!ret)
		ret = check_keys(p, map, path, names);
	for (k = keys; !ret && k->name; k++)
		ret = walk_key(p, keys, k, map, path, args);
	if (!ret)
		ret = need_one(p, keys, map, path);
	if (!ret && k->check)
		ret = k->check(p, map, path, args);
	return ret;
}

/**
 * yp_struct_size() - The size of the struct a key table fills.
 * @keys: the table, or NULL.
 *
 * Return: what its YP_END() says, 0 for no table.
 */
size_t yp_struct_size(const struct yp_key *keys)
{
	while (keys && keys->name)
		keys++;
	return keys ? keys->size : 0;
}

/**
 * yp_each() - Call @fn for every item of a list or pair of a mapping.
 * @p: the parser.
 * @node: the list or mapping.
 * @path: its key path.
 * @what: what a mapping's keys should be ("a /proc/vmstat name").
 * @fn: called with the item's path, PATH[I] or PATH.KEY.
 * @args: for @fn.
 *
 * A mapping's keys must be scalars.  Anything else in @node is the
 * caller's to refuse before calling here.
 *
 * Return: 0, or the first error of @fn (or of a key).
 */
int yp_each(struct yparse *p, yaml_node_t *node, const char *path,
	    const char *what, yp_item_fn *fn, void *args)
{
	yaml_node_item_t *item;
	yaml_node_pair_t *pair;
	char sub[YP_PATH_MAX];
	yaml_node_t *k;
	int ret = 0;

	if (node->type == YAML_SEQUENCE_NODE) {
		for (item = node->data.sequence.items.start;
		     !ret && item < node->data.sequence.items.top; item++) {
			snprintf(sub, sizeof(sub), "%s[%u]", path,
				 (unsigned int)(item - node->data.sequence.items.start));
			ret = fn(p, NULL, yp_node(p, *item), sub, args);
		}
		return ret;
	}
	for (pair = node->data.mapping.pairs.start;
	     !ret && pair < node->data.mapping.pairs.top; pair++) {
		if (!key_name(p, pair, path, what, sub, &k))
			return -EINVAL;
		ret = fn(p, k, yp_node(p, pair->value), sub, args);
	}
	return ret;
}

/**
 * yp_release() - Free what yp_walk() stored in a struct.
 * @keys: the table it was read with.
 * @args: the struct, or NULL; itself not freed.
 */
void yp_release(const struct yp_key *keys, void *args)
{
	const struct yp_key *k;

	if (!args || !keys)
		return;
	for (k = keys; k->name; k++) {
		switch (k->kind) {
		case YP_STRING:
		case YP_PATH:
		case YP_NAME:
			free(*(char **)field(k, args));
			break;
		case YP_GFP:
			free(*(char **)((char *)args + k->off2));
			break;
		case YP_MAP:
			yp_release(k->sub, args);
			break;
		case YP_CUSTOM:
			if (k->release)
				k->release(k, args);
			break;
		default:
			break;
		}
	}
}
