/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for reading a libyaml document tree with one rule: the first
 * problem found becomes exactly one message of the form
 *
 *	FILE:LINE: PATH: expected WHAT, got "VALUE"
 *
 * where PATH is the dotted key path from the top of the document
 * (steps[2].alloc.order).  Every helper returns 0 or -EINVAL, and on
 * -EINVAL has written that message to the parser's error buffer; callers
 * just pass the -EINVAL up.  Private to workload/ (and its tests).
 *
 * Mappings are not read key by key: a table of struct yp_key says what
 * each key takes and where it goes, and yp_walk() reads and checks the
 * mapping against it (the machine: block, every step's keys).
 */
#ifndef _PAGEMIG_WORKLOAD_YPARSE_H
#define _PAGEMIG_WORKLOAD_YPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

struct pagemig_config;

/* Longest key path we print; deeper paths are truncated, never overrun. */
#define YP_PATH_MAX	160

struct yparse {
	const char *file;	/* as the user named it, for messages */
	yaml_document_t *doc;
	char *err;		/* the one message, NUL-terminated */
	size_t errlen;
	/*
	 * Names declared by earlier steps (allocation tags, processes, zram
	 * devices; each kind under its yp_names prefix), so that a later
	 * step naming one nobody declared is caught at parse time, with a
	 * suggestion, instead of silently doing nothing.
	 */
	char **names;
	unsigned int nr_names;
	/*
	 * The node messages point at when the offending value does not exist
	 * (a required key missing from "- verify" or "alloc:" with no
	 * mapping): the key of the step being parsed.
	 */
	const yaml_node_t *here;
	const struct pagemig_config *machine;	/* machine: is read before steps: */
};

yaml_node_t *yp_node(const struct yparse *p, int id);
int yp_line(const yaml_node_t *node);
bool yp_is_null(const yaml_node_t *node);

int yp_error(struct yparse *p, const yaml_node_t *at, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int yp_error_hint(struct yparse *p, const yaml_node_t *at, const char *path,
		  const char *word, const char *const *choices,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int yp_key_error(struct yparse *p, yaml_node_t *map, const char *path,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int yp_expected(struct yparse *p, const yaml_node_t *node, const char *path,
		const char *what);

const char *yp_suggest(const char *word, const char *const *choices);
void yp_join(char *buf, size_t len, const char *const *choices);
yaml_node_t *yp_get(const struct yparse *p, const yaml_node_t *map,
		    const char *key, yaml_node_t **keynode);

/* ---- key tables: a mapping's keys declared once, read by yp_walk() ---- */

/* How a key's value is read, and what the field it is stored in holds. */
enum yp_kind {
	YP_INT,		/* an integer in [min, max]: any unsigned field */
	YP_U64,		/* any 64-bit unsigned integer (seeds): uint64_t */
	YP_SIZE,	/* bytes ("64M"), stored divided by @scale */
	YP_PAGES,	/* a page count, or a size in whole pages: pages */
	YP_REAL,	/* a decimal number in [min, max]: double */
	YP_FRACTION,	/* 0..1 or 0%..100%: double */
	YP_BOOL,	/* bool, or an int (a default of -1: not given) */
	YP_CHOICE,	/* one of @choices: its index */
	YP_GFP,		/* unsigned int mask, and its spelling at @off2 */
	YP_STRING,	/* a non-empty scalar: char * */
	YP_PATH,	/* a file, relative to the scenario's directory */
	YP_NAME,	/* a name of @names, declared or looked up: char * */
	YP_MAP,		/* a mapping of its own: @sub, over the same struct */
	YP_LIST,	/* [@sub values] (or one alone): an array of at most
			 * @max, its count an unsigned int at @off2 */
	YP_CUSTOM,	/* read by @parse */
};

/* yp_key.flags */
#define YP_REQUIRED	0x01	/* must be given (when @only_with holds) */
#define YP_NONZERO	0x02	/* YP_SIZE: 0 is refused with @what */
#define YP_DECLARE	0x08	/* YP_NAME: declare it, for later steps */
#define YP_NOT		0x10	/* YP_CHOICE: store !index (the first is true) */
#define YP_ONE_LINE	0x20	/* YP_STRING: no newline in it */
#define YP_READABLE	0x40	/* YP_PATH: a regular file, readable now */
#define YP_ONE_OF	0x80	/* at least one key so flagged must be given */
#define YP_NULL_ABSENT	0x100	/* a null value means the key is not given */
#define YP_CPU		0x200	/* YP_INT: below the machine's machine.cpus */

/*
 * A kind of name steps declare and later steps refer to (allocation
 * tags, processes, zram devices).  Each kind has its own namespace.
 */
struct yp_names {
	const char *prefix;	/* keeps the kinds apart in yparse.names */
	const char *what;	/* a name being declared: "a process name" */
	const char *ref;	/* one referred to, if not @what: "the name of ..." */
	const char *verb;	/* "no earlier step VERB \"NAME\"" */
	const char *again;	/* declaring it twice: a format with one %s, or NULL */
};

struct yp_key;

typedef int yp_parse_fn(struct yparse *p, yaml_node_t *v, const char *path,
			const struct yp_key *k, void *args);
/* Rules across the keys of a mapping; @map is NULL when none was given. */
typedef int yp_check_fn(struct yparse *p, yaml_node_t *map, const char *path,
			void *args);

/*
 * One key of a mapping, and where its value goes in the args struct.
 * A table ends with YP_END(): the struct it fills, and a check of the
 * rules across keys that the entries cannot say.  A table whose only
 * key is named "" reads the value itself (a step such as "- note: x").
 * Keys are read in table order, so @only_with names an earlier key.
 */
struct yp_key {
	const char *name;
	enum yp_kind kind;
	unsigned int flags;
	size_t off, size;	/* the field: YP_FIELD() */
	size_t off2;		/* YP_GFP: the char * keeping its spelling;
				 * YP_LIST: the count */
	long long min, max;	/* YP_INT, YP_REAL bounds; YP_SIZE: max bytes */
	long long align;	/* YP_INT, YP_SIZE: a multiple of this */
	long long scale;	/* YP_SIZE: stored as bytes / scale */
	long long def;		/* when absent: integers, bool, choice index */
	double def_real;	/* when absent: YP_REAL, YP_FRACTION */
	const char *def_str;	/* when absent: strings and names */
	const char *what;	/* what the value should be, for messages */
	const char *const *choices;	/* YP_CHOICE */
	const struct yp_names *names;	/* YP_NAME */
	const struct yp_key *sub;	/* YP_MAP; YP_LIST: one item */
	const char *only_with;	/* given only with this key ... */
	unsigned int only_if;	/* ... holding one of these indexes (bits) */
	const char *excludes;	/* never with this (earlier) key */
	yp_parse_fn *parse;	/* YP_CUSTOM */
	void (*release)(const struct yp_key *k, void *args);	/* YP_CUSTOM */
	yp_check_fn *check;	/* YP_END: after every key is read */
};

#define YP_FIELD(type, member)					\
	.off = offsetof(type, member), .size = sizeof(((type *)0)->member)
/* The end of a table: the struct it fills, and what checks it after. */
#define YP_END(type)			{ .size = sizeof(type) }
#define YP_END_CHECK(type, fn)		{ .size = sizeof(type), .check = (fn) }

int yp_walk(struct yparse *p, yaml_node_t *node, const char *path,
	    const struct yp_key *keys, void *args);
void yp_release(const struct yp_key *keys, void *args);
size_t yp_struct_size(const struct yp_key *keys);
int yp_value(struct yparse *p, yaml_node_t *v, const char *path,
	     const struct yp_key *k, void *args);

/* One item of a list (@key NULL) or one pair of a mapping, for yp_each(). */
typedef int yp_item_fn(struct yparse *p, yaml_node_t *key, yaml_node_t *v,
		       const char *path, void *args);
int yp_each(struct yparse *p, yaml_node_t *node, const char *path,
	    const char *what, yp_item_fn *fn, void *args);

#endif /* _PAGEMIG_WORKLOAD_YPARSE_H */
