/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Line and token helpers shared by the capture reader (capture*.c) and the
 * kernel trace parser (ktrace.c).  Private to twin/ and its tests.
 *
 * One rule for every message: "NAME:LINE: what was wrong", written into
 * the caller's error buffer, and -EINVAL returned.
 */
#ifndef _PAGEMIG_WORKLOAD_CAPTURE_LINES_H
#define _PAGEMIG_WORKLOAD_CAPTURE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* Longest line we read; /proc lines are far shorter, cmdline <= 4096. */
#define CAPTURE_LINE_MAX	8192

struct cap_lines {
	const char *p, *end;		/* what is left of the text */
	const char *name;		/* the file, for messages */
	unsigned int lineno;		/* of the line last returned */
	char *err;
	size_t errlen;
	char buf[CAPTURE_LINE_MAX];	/* the line, for the parser to cut up */
	char line[CAPTURE_LINE_MAX];	/* the line as read, for messages */
};

/* What cap_parse_text() skips besides blank lines. */
#define CAP_EMPTY_OK	(1U << 0)	/* an empty text is no error */
#define CAP_COMMENTS	(1U << 1)	/* lines starting with '#' */

/* Parse one line (cut up at will); 0 or -errno with a message written. */
typedef int (*cap_line_fn)(struct cap_lines *l, char *line, void *ctx);

void cap_lines_init(struct cap_lines *l, const char *text, size_t len,
		    const char *name, char *err, size_t errlen);
int cap_lines_next(struct cap_lines *l, char **line);
int cap_lines_error(struct cap_lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cap_lines_expected(struct cap_lines *l, const char *what);
int cap_parse_text(struct cap_lines *l, const char *text, size_t len,
		   const char *name, char *err, size_t errlen,
		   unsigned int flags, cap_line_fn fn, void *ctx);

char *cap_skip_space(const char *s);
void cap_rstrip(char *s);
bool cap_is_blank(const char *s);
bool cap_is_blank_text(const char *text, size_t len);
char *cap_next_token(char **s);
bool cap_parse_u64(const char *s, int base, uint64_t *v);
bool cap_parse_s64(const char *s, int64_t *v);
bool cap_parse_counter(const char *s, int64_t *v);
bool cap_set_name(char *dst, size_t len, const char *s);
int cap_check_empty(const char *text, size_t len, const char *name,
		    char *err, size_t errlen);
int cap_kv_add(struct capture_kvlist *kv, const char *name, int64_t value);
char *cap_parse_node_zone(char *s, int *nid, char *zone, size_t zlen);

#endif /* _PAGEMIG_WORKLOAD_CAPTURE_LINES_H */
