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
 */
#ifndef _PAGEMIG_WORKLOAD_YPARSE_H
#define _PAGEMIG_WORKLOAD_YPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

/* Longest key path we print; deeper paths are truncated, never overrun. */
#define YP_PATH_MAX	160

struct yparse {
	const char *file;	/* as the user named it, for messages */
	yaml_document_t *doc;
	char *err;		/* the one message, NUL-terminated */
	size_t errlen;
	/*
	 * Names declared by earlier steps (allocation tags), so that a later
	 * step naming a group nobody allocates into is caught at parse time,
	 * with a suggestion, instead of silently freeing nothing.
	 */
	char **names;
	unsigned int nr_names;
	/*
	 * The node messages point at when the offending value does not exist
	 * (a required key missing from "- verify" or "alloc:" with no
	 * mapping): the key of the step being parsed.
	 */
	const yaml_node_t *here;
};

yaml_node_t *yp_node(const struct yparse *p, int id);
int yp_line(const yaml_node_t *node);
bool yp_is_null(const yaml_node_t *node);
bool yp_is_mapping(const yaml_node_t *node);
const char *yp_describe(const yaml_node_t *node, char *buf, size_t len);

int yp_error(struct yparse *p, const yaml_node_t *at, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int yp_expected(struct yparse *p, const yaml_node_t *node, const char *path,
		const char *what);

void yp_path_key(char *buf, size_t len, const char *path, const char *key);
void yp_path_index(char *buf, size_t len, const char *path, unsigned int i);

const char *yp_suggest(const char *word, const char *const *choices);
void yp_join(char *buf, size_t len, const char *const *choices);

int yp_mapping(struct yparse *p, yaml_node_t *node, const char *path,
	       yaml_node_t **map);
int yp_check_keys(struct yparse *p, yaml_node_t *map, const char *path,
		  const char *const *keys);
yaml_node_t *yp_get(const struct yparse *p, const yaml_node_t *map,
		    const char *key, yaml_node_t **keynode);
int yp_require(struct yparse *p, yaml_node_t *map, const char *path,
	       const char *key, const char *what, yaml_node_t **value);

int yp_int(struct yparse *p, yaml_node_t *node, const char *path,
	   long long min, long long max, long long *out);
int yp_u64(struct yparse *p, yaml_node_t *node, const char *path,
	   uint64_t *out);
int yp_size(struct yparse *p, yaml_node_t *node, const char *path,
	    uint64_t *out);
int yp_bool(struct yparse *p, yaml_node_t *node, const char *path, bool *out);
int yp_fraction(struct yparse *p, yaml_node_t *node, const char *path,
		double *out);
int yp_string(struct yparse *p, yaml_node_t *node, const char *path,
	      const char *what, char **out);
int yp_choice(struct yparse *p, yaml_node_t *node, const char *path,
	      const char *const *choices, int *out);
int yp_gfp(struct yparse *p, yaml_node_t *node, const char *path,
	   unsigned int *gfp, char **spec);

/*
 * Optional keys of a mapping: 0 with *out untouched when @key is absent,
 * else the typed helper's result for the value at "PATH.KEY".
 */
int yp_key_int(struct yparse *p, yaml_node_t *map, const char *path,
	       const char *key, long long min, long long max, long long *out);
int yp_key_ulong(struct yparse *p, yaml_node_t *map, const char *path,
		 const char *key, long long min, long long max,
		 unsigned long *out);
int yp_key_size(struct yparse *p, yaml_node_t *map, const char *path,
		const char *key, uint64_t *out);
int yp_key_bool(struct yparse *p, yaml_node_t *map, const char *path,
		const char *key, bool *out);
int yp_key_fraction(struct yparse *p, yaml_node_t *map, const char *path,
		    const char *key, double *out);
int yp_key_string(struct yparse *p, yaml_node_t *map, const char *path,
		  const char *key, const char *what, char **out);
int yp_key_choice(struct yparse *p, yaml_node_t *map, const char *path,
		  const char *key, const char *const *choices, int *out);

char *yp_resolve_path(const struct yparse *p, const char *path);
int yp_declare(struct yparse *p, const char *name);
int yp_check_declared(struct yparse *p, yaml_node_t *node, const char *path,
		      const char *name, const char *what);

#endif /* _PAGEMIG_WORKLOAD_YPARSE_H */
