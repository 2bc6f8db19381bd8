// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a capture directory: the /proc and /sys text files a real
 * machine was photographed with, before and after one compact_memory.
 *
 * The parsers here are strict about shape and lenient about names.  A
 * line that does not have the shape its file prints (a count that is not
 * a number, a zone header with no zone) is an error naming the file and
 * line, and so is a file cut short (no newline at the end, a zone that
 * stops before its last field).  A counter this file has never heard of is
 * kept: kernels add vmstat and zoneinfo counters every release.
 *
 * The /proc formats are those of Linux 6.18 (mm/vmstat.c prints zoneinfo,
 * pagetypeinfo and buddyinfo; fs/proc/meminfo.c meminfo); older layouts
 * that differ only in spacing or in a missing field (no promo watermark,
 * no pcp high_min/high_max) read too.  The sysfs-derived files
 * (memory_blocks, zram, sysctl) are written by `pagemig capture`; their
 * accepted forms are in Documentation/twin.md.
 *
 * This file holds the line helpers, the counter files (vmstat, meminfo),
 * cmdline, result, and the loader; capture_proc.c parses zoneinfo,
 * buddyinfo and pagetypeinfo, capture_sys.c the sysfs-derived files.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zstd.h>

#include "capture.h"
#include "capture_lines.h"

/* ------------------------------------------------------------------ */
/* Lines, tokens, numbers */

/**
 * cap_lines_init() - Start reading a text line by line.
 * @l: the iterator.
 * @text: the text; need not be NUL-terminated.
 * @len: its length.
 * @name: the file, for messages.
 * @err: where messages go.
 * @errlen: its size.
 */
void cap_lines_init(struct cap_lines *l, const char *text, size_t len,
		    const char *name, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->p = text;
	l->end = text + len;
	l->name = name;
	l->err = err;
	l->errlen = errlen;
}

/**
 * cap_lines_next() - The next line of a text, NUL-terminated, without newline.
 * @l: the iterator.
 * @line: set to the line (in @l's buffer, valid until the next call).
 *
 * Return: 1 for a line, 0 at the end, -EINVAL (message written) for a
 * last line without its newline (a file cut short), a NUL byte or a line
 * longer than CAPTURE_LINE_MAX.
 */
int cap_lines_next(struct cap_lines *l, char **line)
{
	const char *nl;
	size_t n;

	if (l->p >= l->end)
		return 0;
	l->lineno++;
	nl = memchr(l->p, '\n', l->end - l->p);
	if (!nl)
		return cap_lines_error(l, "truncated: the last line has no newline");
	n = nl - l->p;
	if (n >= sizeof(l->buf))
		return cap_lines_error(l, "line longer than %zu characters",
				       sizeof(l->buf) - 1);
	if (memchr(l->p, '\0', n))
		return cap_lines_error(l, "a NUL byte: not a text file");
	/* "\r\n" from a file that went through another system */
	if (n && l->p[n - 1] == '\r')
		n--;
	memcpy(l->buf, l->p, n);
	l->buf[n] = '\0';
	memcpy(l->line, l->buf, n + 1);
	l->p = nl + 1;
	*line = l->buf;
	return 1;
}

/**
 * cap_lines_error() - Write "NAME:LINE: message" for the current line.
 * @l: the iterator.
 * @fmt: printf format of the message.
 *
 * Return: -EINVAL, for the caller to pass up.
 */
int cap_lines_error(struct cap_lines *l, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(l->err, l->errlen, "%s:%u: ", l->name, l->lineno);
	if (n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/**
 * cap_lines_expected() - "NAME:LINE: expected WHAT, got "LINE"".
 * @l: the iterator; the current line is quoted as read (100 characters
 *	at most, leading blanks cut).
 * @what: what the line should have been.
 *
 * Return: -EINVAL.
 */
int cap_lines_expected(struct cap_lines *l, const char *what)
{
	char got[104];

	snprintf(got, sizeof(got), "%.100s", cap_skip_space(l->line));
	cap_rstrip(got);
	return cap_lines_error(l, "expected %s, got \"%s\"", what, got);
}

/**
 * cap_parse_text() - Call a parser on every line of a text.
 * @l: the iterator, set up here; after the call its line number is that
 *	of the last line read, for a closing check's message.
 * @text: the text.
 * @len: its length.
 * @name: the file, for messages.
 * @err: where the message goes.
 * @errlen: its size.
 * @flags: CAP_EMPTY_OK (no "empty file" error), CAP_COMMENTS (skip lines
 *	starting with '#').
 * @fn: the line parser; blank lines never reach it.
 * @ctx: for @fn.
 *
 * Return: 0, or the first error of reading (a truncated last line) or of
 * @fn, its message in @err.
 */
int cap_parse_text(struct cap_lines *l, const char *text, size_t len,
		   const char *name, char *err, size_t errlen,
		   unsigned int flags, cap_line_fn fn, void *ctx)
{
	char *line;
	int ret;

	cap_lines_init(l, text, len, name, err, errlen);
	if (!(flags & CAP_EMPTY_OK)) {
		ret = cap_check_empty(text, len, name, err, errlen);
		if (ret)
			return ret;
	}
	while ((ret = cap_lines_next(l, &line)) > 0) {
		if (cap_is_blank(line))
			continue;
		if ((flags & CAP_COMMENTS) && *cap_skip_space(line) == '#')
			continue;
		ret = fn(l, line, ctx);
		if (ret)
			return ret;
	}
	return ret;
}

/**
 * cap_skip_space() - Skip blanks and tabs.
 * @s: a string.
 *
 * Return: the first other character of @s.
 */
char *cap_skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (char *)s;
}

/**
 * cap_rstrip() - Cut trailing white space, in place.
 * @s: a string.
 */
void cap_rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/**
 * cap_is_blank() - Is a line only blanks?
 * @s: the line.
 *
 * Return: true if it is.
 */
bool cap_is_blank(const char *s)
{
	return !*cap_skip_space(s);
}

/**
 * cap_is_blank_text() - Is a text only white space?
 * @text: the text.
 * @len: its length.
 *
 * Return: true if it is (or is empty).
 */
bool cap_is_blank_text(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)text[i]))
			return false;
	return true;
}

/**
 * cap_next_token() - The next blank-separated word, cut out in place.
 * @s: the rest of a line; advanced past the word.
 *
 * Return: the word, NUL-terminated, or NULL at the end of the line.
 */
char *cap_next_token(char **s)
{
	char *t = cap_skip_space(*s), *e;

	if (!*t) {
		*s = t;
		return NULL;
	}
	e = t;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return t;
}

/**
 * cap_parse_u64() - A whole word as an unsigned number.
 * @s: the word.
 * @base: 10, 16, or 0 for C's rules (0x for hex).
 * @v: set on success.
 *
 * Return: true if all of @s is one number that fits.
 */
bool cap_parse_u64(const char *s, int base, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

/**
 * cap_parse_s64() - A whole word as a signed number (C's rules for 0x).
 * @s: the word.
 * @v: set on success.
 *
 * Return: true if all of @s is one number that fits.
 */
bool cap_parse_s64(const char *s, int64_t *v)
{
	long long x;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

/**
 * cap_parse_counter() - A counter as /proc prints it.
 * @s: the word: decimal, printed %lu (or %ld).
 * @v: set on success; a %lu value past INT64_MAX wraps below 0, which is
 *	what a per-CPU counter summed below zero was.
 *
 * Return: true if all of @s is one number.
 */
bool cap_parse_counter(const char *s, int64_t *v)
{
	uint64_t x;

	if (cap_parse_u64(s, 10, &x)) {
		*v = (int64_t)x;
		return true;
	}
	return *s == '-' && cap_parse_s64(s, v);
}

/**
 * cap_set_name() - Copy a word into a fixed-size name field.
 * @dst: the field.
 * @len: its size.
 * @s: the word.
 *
 * Return: false (and @dst unchanged) if @s does not fit.
 */
bool cap_set_name(char *dst, size_t len, const char *s)
{
	if (strlen(s) >= len)
		return false;
	strcpy(dst, s);
	return true;
}

/**
 * cap_check_empty() - Refuse an empty (or all blank) file.
 * @text: the text.
 * @len: its length.
 * @name: the file, for the message.
 * @err: where the message goes.
 * @errlen: its size.
 *
 * An empty text is a file that was never written, not one cut short, so
 * it gets its own message.
 *
 * Return: 0, or -EINVAL with "NAME: empty file".
 */
int cap_check_empty(const char *text, size_t len, const char *name,
		    char *err, size_t errlen)
{
	if (len && !cap_is_blank_text(text, len))
		return 0;
	snprintf(err, errlen, "%s: empty file", name);
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* name -> value lists */

/**
 * cap_kv_add() - Append a counter to a list.
 * @kv: the list.
 * @name: its name (copied).
 * @value: its value.
 *
 * Return: 0 or -ENOMEM.
 */
int cap_kv_add(struct capture_kvlist *kv, const char *name, int64_t value)
{
	struct capture_kv *v;

	if (kv->nr == kv->cap) {
		size_t cap = kv->cap ? kv->cap * 2 : 64;

		v = realloc(kv->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		kv->v = v;
		kv->cap = cap;
	}
	v = &kv->v[kv->nr];
	v->name = strdup(name);
	if (!v->name)
		return -ENOMEM;
	v->value = value;
	kv->nr++;
	return 0;
}

/**
 * capture_kv_get() - Look a counter up by name.
 * @kv: the list.
 * @name: e.g. "pgmigrate_success".
 * @value: set when found.
 *
 * Return: true if @kv has @name (the first one, if twice).
 */
bool capture_kv_get(const struct capture_kvlist *kv, const char *name,
		    int64_t *value)
{
	size_t i;

	for (i = 0; i < kv->nr; i++) {
		if (!strcmp(kv->v[i].name, name)) {
			*value = kv->v[i].value;
			return true;
		}
	}
	return false;
}

/**
 * capture_kvlist_free() - Free a counter list.
 * @kv: the list; empty on return.
 */
void capture_kvlist_free(struct capture_kvlist *kv)
{
	size_t i;

	for (i = 0; i < kv->nr; i++)
		free(kv->v[i].name);
	free(kv->v);
	memset(kv, 0, sizeof(*kv));
}

/* ------------------------------------------------------------------ */
/* vmstat and meminfo */

static int vmstat_line(struct cap_lines *l, char *line, void *ctx)
{
	char *key = cap_next_token(&line), *val = cap_next_token(&line);
	int64_t v;

	if (!val || cap_next_token(&line) || !cap_parse_counter(val, &v))
		return cap_lines_expected(l, "\"name value\"");
	return cap_kv_add(ctx, key, v);
}

/**
 * capture_parse_vmstat() - Read /proc/vmstat: "name value" per line.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @kv: filled with every line, in order; names need not be known.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (a line of another shape, a truncated file; message
 * in @err) or -ENOMEM.  On failure @kv is empty.
 */
int capture_parse_vmstat(const char *text, size_t len, const char *name,
			 struct capture_kvlist *kv, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(kv, 0, sizeof(*kv));
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0, vmstat_line,
			     kv);
	if (ret)
		capture_kvlist_free(kv);
	return ret;
}

static int meminfo_line(struct cap_lines *l, char *line, void *ctx)
{
	char *key = cap_next_token(&line), *val = cap_next_token(&line);
	char *unit = cap_next_token(&line);
	size_t n = strlen(key);
	int64_t v;

	if (n < 2 || key[n - 1] != ':' || !val || !cap_parse_counter(val, &v) ||
	    (unit && strcmp(unit, "kB")) || cap_next_token(&line))
		return cap_lines_expected(l, "\"Name: value [kB]\"");
	key[n - 1] = '\0';
	return cap_kv_add(ctx, key, v);
}

/**
 * capture_parse_meminfo() - Read /proc/meminfo: "Name:   value [kB]".
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @kv: filled with every line, names without the colon, values as printed
 *	(kB for those with a unit, pages for HugePages_*).
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (message in @err) or -ENOMEM.
 */
int capture_parse_meminfo(const char *text, size_t len, const char *name,
			  struct capture_kvlist *kv, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(kv, 0, sizeof(*kv));
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0,
			     meminfo_line, kv);
	if (ret)
		capture_kvlist_free(kv);
	return ret;
}

/* ------------------------------------------------------------------ */
/* cmdline */

/**
 * capture_cmdline_free() - Free a parsed command line.
 * @cl: it; empty on return.
 */
void capture_cmdline_free(struct capture_cmdline *cl)
{
	unsigned int i;

	for (i = 0; i < cl->nr; i++) {
		free(cl->key[i]);
		free(cl->val[i]);
	}
	free(cl->key);
	free(cl->val);
	free(cl->text);
	memset(cl, 0, sizeof(*cl));
}

static int cmdline_add(struct capture_cmdline *cl, const char *tok)
{
	const char *eq = strchr(tok, '=');
	char **k, **v;

	k = realloc(cl->key, (cl->nr + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	cl->key = k;
	v = realloc(cl->val, (cl->nr + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	cl->val = v;
	cl->key[cl->nr] = eq ? strndup(tok, eq - tok) : strdup(tok);
	cl->val[cl->nr] = eq ? strdup(eq + 1) : NULL;
	if (!cl->key[cl->nr] || (eq && !cl->val[cl->nr])) {
		free(cl->key[cl->nr]);
		free(cl->val[cl->nr]);
		return -ENOMEM;
	}
	cl->nr++;
	return 0;
}

/**
 * capture_parse_cmdline() - Read /proc/cmdline into parameters.
 * @text: the file's bytes: one line.
 * @len: how many.
 * @name: for messages.
 * @cl: filled: the line and each "key[=value]" up to "--" (what follows
 *	belongs to init).  Quoted values with blanks are not split apart.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (more than one line, truncated; message in @err) or
 * -ENOMEM.
 */
int capture_parse_cmdline(const char *text, size_t len, const char *name,
			  struct capture_cmdline *cl, char *err,
			  size_t errlen)
{
	char *line, *s, *t, *q;
	struct cap_lines l;
	int ret;

	memset(cl, 0, sizeof(*cl));
	cap_lines_init(&l, text, len, name, err, errlen);
	ret = cap_lines_next(&l, &line);
	if (ret <= 0) {
		if (!ret)
			snprintf(err, errlen, "%s: empty file", name);
		return -EINVAL;
	}
	if (l.p < l.end && !cap_is_blank_text(l.p, l.end - l.p)) {
		l.lineno++;
		return cap_lines_error(&l, "a second line: /proc/cmdline has one");
	}
	cl->text = strdup(cap_skip_space(line));
	if (!cl->text)
		return -ENOMEM;
	cap_rstrip(cl->text);
	s = line;
	while ((t = cap_next_token(&s))) {
		if (!strcmp(t, "--"))
			break;
		/* key="a b": glue the quoted words back together */
		q = strchr(t, '"');
		if (q && !strchr(q + 1, '"') && *s) {
			t[strlen(t)] = ' ';
			q = strchr(s, '"');
			s = q ? q + 1 : s + strlen(s);
			if (*s)
				*s++ = '\0';
		}
		ret = cmdline_add(cl, t);
		if (ret) {
			capture_cmdline_free(cl);
			return ret;
		}
	}
	return 0;
}

/**
 * capture_cmdline_get() - Look a kernel parameter up.
 * @cl: a parsed command line.
 * @key: "deferred_init".
 * @val: set to its value, or NULL for a bare flag.
 *
 * Return: true if the parameter is on the command line (the last one
 * wins, as the kernel's parser does).
 */
bool capture_cmdline_get(const struct capture_cmdline *cl, const char *key,
			 const char **val)
{
	unsigned int i;

	for (i = cl->nr; i-- > 0;) {
		if (!strcmp(cl->key[i], key)) {
			*val = cl->val[i];
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* result */

/**
 * capture_result_free() - Free a parsed result file.
 * @res: it; empty on return (compact_memory_seconds -1).
 */
void capture_result_free(struct capture_result *res)
{
	capture_kvlist_free(&res->deltas);
	free(res->other);
	memset(res, 0, sizeof(*res));
	res->compact_memory_seconds = -1;
}

static int result_other(struct capture_result *res, const char *line)
{
	size_t have = res->other ? strlen(res->other) : 0;
	char *o = realloc(res->other, have + strlen(line) + 2);

	if (!o)
		return -ENOMEM;
	res->other = o;
	strcpy(o + have, line);
	strcat(o + have, "\n");
	return 0;
}

static int result_line(struct cap_lines *l, char *line, void *ctx)
{
	char *key = cap_next_token(&line), *val = cap_next_token(&line), *end;
	struct capture_result *res = ctx;
	double d;
	int64_t v;

	if (!strcmp(key, "compact_memory_seconds")) {
		errno = 0;
		d = val ? strtod(val, &end) : -1;
		if (!val || errno || *end || d < 0 || cap_next_token(&line))
			return cap_lines_expected(l, "\"compact_memory_seconds SECONDS\"");
		res->compact_memory_seconds = d;
		return 0;
	}
	/* "pgmigrate_success 128": a counter; any other line is the workload's */
	if (val && !cap_next_token(&line) && cap_parse_s64(val, &v) &&
	    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(key))
		return cap_kv_add(&res->deltas, key, v);
	return result_other(res, l->line);
}

/**
 * capture_parse_result() - Read a capture's result file.
 * @text: the file's bytes.
 * @len: how many.
 * @name: for messages.
 * @res: filled: "compact_memory_seconds X", the "name N" counter deltas
 *	that follow, and every other line (the workload's) as text.
 * @err: the message on failure.
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (no or a bad compact_memory_seconds line, a
 * truncated file; message in @err) or -ENOMEM.
 */
int capture_parse_result(const char *text, size_t len, const char *name,
			 struct capture_result *res, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(res, 0, sizeof(*res));
	res->compact_memory_seconds = -1;
	ret = cap_parse_text(&l, text, len, name, err, errlen, 0, result_line,
			     res);
	if (!ret && res->compact_memory_seconds < 0)
		ret = cap_lines_error(&l, "no \"compact_memory_seconds\" line");
	if (ret)
		capture_result_free(res);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Reading files */

/* Largest text we take: a trace of a long compaction is ~100 MB. */
#define CAPTURE_TEXT_MAX	(2UL << 30)

static int slurp(FILE *f, char **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0, r;
	char *b = malloc(cap), *nb;

	if (!b)
		return -ENOMEM;
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		if (cap >= CAPTURE_TEXT_MAX) {
			free(b);
			return -EFBIG;
		}
		nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			return -ENOMEM;
		}
		b = nb;
		cap *= 2;
	}
	if (ferror(f)) {
		free(b);
		return -EIO;
	}
	*buf = b;
	*len = n;
	return 0;
}

static int unzstd(const char *src, size_t srclen, char **buf, size_t *len)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	ZSTD_inBuffer in = { src, srclen, 0 };
	size_t cap = srclen * 4 + 4096, r = 1;
	char *b = malloc(cap), *nb;
	ZSTD_outBuffer out;
	int ret = 0;

	if (!dctx || !b) {
		ret = -ENOMEM;
		goto out;
	}
	out = (ZSTD_outBuffer){ b, cap, 0 };
	while (in.pos < in.size || r) {
		if (out.pos == out.size) {
			if (cap >= CAPTURE_TEXT_MAX) {
				ret = -EFBIG;
				goto out;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			b = nb;
			cap *= 2;
			out.dst = b;
			out.size = cap;
		}
		r = ZSTD_decompressStream(dctx, &out, &in);
		if (ZSTD_isError(r)) {
			ret = -EINVAL;
			goto out;
		}
		/* input used up but the frame wants more: the file is cut short */
		if (in.pos == in.size && r && out.pos < out.size) {
			ret = -EINVAL;
			goto out;
		}
	}
	*buf = b;
	*len = out.pos;
	b = NULL;
out:
	free(b);
	ZSTD_freeDCtx(dctx);
	return ret;
}

/**
 * capture_read_text() - Read a whole file, decompressing zstd.
 * @path: the file; zstd is recognised by its magic, not its name.
 * @text: set to a malloc()ed buffer (NUL-terminated, not counted in @len).
 * @len: its length.
 * @err: the message on failure, naming @path.
 * @errlen: its size.
 *
 * Return: 0, -ENOENT (no such file, message written too), -EINVAL (a
 * zstd stream that does not decompress or is cut short), -EFBIG (over
 * 2 GiB), -ENOMEM or another -errno of the read.
 */
int capture_read_text(const char *path, char **text, size_t *len,
		      char *err, size_t errlen)
{
	char *raw = NULL, *plain = NULL;
	size_t rawlen = 0, plainlen;
	FILE *f;
	int ret;

	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = slurp(f, &raw, &rawlen);
	fclose(f);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (rawlen >= 4 && !memcmp(raw, "\x28\xb5\x2f\xfd", 4)) {
		ret = unzstd(raw, rawlen, &plain, &plainlen);
		free(raw);
		if (ret) {
			snprintf(err, errlen, ret == -EINVAL ?
				 "%s: a zstd file that does not decompress (truncated?)" :
				 "%s: %s", path, strerror(-ret));
			return ret;
		}
		raw = plain;
		rawlen = plainlen;
	}
	plain = realloc(raw, rawlen + 1);
	if (!plain) {
		free(raw);
		return -ENOMEM;
	}
	plain[rawlen] = '\0';
	*text = plain;
	*len = rawlen;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The directory */

static const char *const snap_base[CAPTURE_NR_SNAP_FILES] = {
	[CAPTURE_ZONEINFO] = "zoneinfo",
	[CAPTURE_PAGETYPEINFO] = "pagetypeinfo",
	[CAPTURE_BUDDYINFO] = "buddyinfo",
	[CAPTURE_VMSTAT] = "vmstat",
	[CAPTURE_MEMINFO] = "meminfo",
	[CAPTURE_MEMORY_BLOCKS] = "memory_blocks",
	[CAPTURE_ZRAM] = "zram",
	[CAPTURE_SYSCTL] = "sysctl",
	[CAPTURE_KPAGEFLAGS] = "kpageflags",
	[CAPTURE_KPAGECOUNT] = "kpagecount",
};

static const char *const once_name[CAPTURE_NR_ONCE_FILES] = {
	[CAPTURE_IOMEM] = "iomem",
	[CAPTURE_UNAME] = "uname",
	[CAPTURE_CMDLINE] = "cmdline",
	[CAPTURE_RESULT] = "result",
	[CAPTURE_WORKLOAD_OUT] = "workload.out",
	[CAPTURE_TRACE] = "trace.zst",
};

static const char *const when_suffix[CAPTURE_NR_WHEN] = {
	[CAPTURE_BEFORE] = "before",
	[CAPTURE_AFTER] = "after",
};

/**
 * capture_file_name() - The file name of a per-snapshot file.
 * @f: which file.
 * @w: before or after.
 * @buf: where to write "zoneinfo.before" or "kpageflags.after.zst".
 * @len: its size.
 *
 * Return: @buf.
 */
const char *capture_file_name(enum capture_snap_file f, enum capture_when w,
			      char *buf, size_t len)
{
	bool zst = f == CAPTURE_KPAGEFLAGS || f == CAPTURE_KPAGECOUNT;

	snprintf(buf, len, "%s.%s%s", snap_base[f], when_suffix[w],
		 zst ? ".zst" : "");
	return buf;
}

/**
 * capture_once_name() - The file name of a once-per-capture file.
 * @f: which file.
 *
 * Return: "iomem", "trace.zst", ...
 */
const char *capture_once_name(enum capture_once_file f)
{
	return once_name[f];
}

static int parse_snap_file(enum capture_snap_file f, const char *text,
			   size_t len, const char *name,
			   struct capture_snapshot *s, char *err,
			   size_t errlen)
{
	switch (f) {
	case CAPTURE_ZONEINFO:
		return capture_parse_zoneinfo(text, len, name, &s->zoneinfo,
					      err, errlen);
	case CAPTURE_PAGETYPEINFO:
		return capture_parse_pagetypeinfo(text, len, name,
						  &s->pagetypeinfo, err, errlen);
	case CAPTURE_BUDDYINFO:
		return capture_parse_buddyinfo(text, len, name, &s->buddyinfo,
					       err, errlen);
	case CAPTURE_VMSTAT:
		return capture_parse_vmstat(text, len, name, &s->vmstat, err,
					    errlen);
	case CAPTURE_MEMINFO:
		return capture_parse_meminfo(text, len, name, &s->meminfo, err,
					     errlen);
	case CAPTURE_MEMORY_BLOCKS:
		return capture_parse_memory_blocks(text, len, name,
						   &s->memory_blocks, err,
						   errlen);
	case CAPTURE_ZRAM:
		return capture_parse_zram(text, len, name, &s->zram, err,
					  errlen);
	case CAPTURE_SYSCTL:
		return capture_parse_sysctl(text, len, name, &s->sysctl, err,
					    errlen);
	default:
		return 0;
	}
}

/* "Linux vm 6.18.44-fc #1 SMP ..." (uname -a) or "6.18.44-fc" (uname -r) */
static int parse_uname(struct capture *cap, const char *text, size_t len,
		       const char *name, char *err, size_t errlen)
{
	char *line, *s, *t;
	struct cap_lines l;
	int ret;

	cap_lines_init(&l, text, len, name, err, errlen);
	ret = cap_lines_next(&l, &line);
	if (ret <= 0 || cap_is_blank(line)) {
		if (!ret || (ret > 0 && cap_is_blank(line)))
			snprintf(err, errlen, "%s: empty file", name);
		return -EINVAL;
	}
	cap->uname = strdup(cap_skip_space(line));
	if (!cap->uname)
		return -ENOMEM;
	cap_rstrip(cap->uname);
	s = line;
	t = cap_next_token(&s);
	if (t && !strcmp(t, "Linux")) {
		cap_next_token(&s);		/* the host name */
		t = cap_next_token(&s);
	}
	if (!t || !isdigit((unsigned char)*t) ||
	    !cap_set_name(cap->release, sizeof(cap->release), t))
		return cap_lines_expected(&l, "\"uname -a\" or \"uname -r\" output");
	return 0;
}

static int parse_once_file(struct capture *cap, enum capture_once_file f,
			   const char *text, size_t len, const char *name,
			   char *err, size_t errlen)
{
	switch (f) {
	case CAPTURE_IOMEM:
		return capture_parse_iomem(text, len, name, &cap->iomem, err,
					   errlen);
	case CAPTURE_UNAME:
		return parse_uname(cap, text, len, name, err, errlen);
	case CAPTURE_CMDLINE:
		return capture_parse_cmdline(text, len, name, &cap->cmdline,
					     err, errlen);
	case CAPTURE_RESULT:
		return capture_parse_result(text, len, name, &cap->result, err,
					    errlen);
	case CAPTURE_WORKLOAD_OUT:
		cap->workload_out = strndup(text, len);
		return cap->workload_out ? 0 : -ENOMEM;
	default:
		return 0;
	}
}

/*
 * Read and parse one file of the directory.  *@have gets @bit if it exists;
 * a file that is absent is no error, every other problem is.  Files we
 * only note (kpageflags, trace) are not read.
 */
static int load_one(const char *dir, const char *file, bool read_it,
		    unsigned int *have, unsigned int bit,
		    int (*parse)(void *ctx, int which, const char *text,
				 size_t len, const char *name, char *err,
				 size_t errlen),
		    void *ctx, int which, char *err, size_t errlen)
{
	char path[4096], *text;
	struct stat st;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	*have |= 1U << bit;
	if (!read_it)
		return 0;
	ret = capture_read_text(path, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = parse(ctx, which, text, len, path, err, errlen);
	free(text);
	return ret;
}

struct snap_ctx {
	struct capture_snapshot *snap;
};

static int parse_snap_cb(void *ctx, int which, const char *text, size_t len,
			 const char *name, char *err, size_t errlen)
{
	struct snap_ctx *c = ctx;

	return parse_snap_file(which, text, len, name, c->snap, err, errlen);
}

static int parse_once_cb(void *ctx, int which, const char *text, size_t len,
			 const char *name, char *err, size_t errlen)
{
	return parse_once_file(ctx, which, text, len, name, err, errlen);
}

static void snapshot_free(struct capture_snapshot *s)
{
	capture_zoneinfo_free(&s->zoneinfo);
	capture_pagetypeinfo_free(&s->pagetypeinfo);
	capture_buddyinfo_free(&s->buddyinfo);
	capture_kvlist_free(&s->vmstat);
	capture_kvlist_free(&s->meminfo);
	capture_memory_blocks_free(&s->memory_blocks);
	capture_zram_free(&s->zram);
	capture_sysctl_free(&s->sysctl);
	memset(s, 0, sizeof(*s));
}

/**
 * capture_free() - Free everything capture_load() allocated.
 * @cap: the capture; zeroed on return.
 */
void capture_free(struct capture *cap)
{
	int w;

	for (w = 0; w < CAPTURE_NR_WHEN; w++)
		snapshot_free(&cap->snap[w]);
	capture_iomem_free(&cap->iomem);
	capture_cmdline_free(&cap->cmdline);
	capture_result_free(&cap->result);
	free(cap->uname);
	free(cap->workload_out);
	free(cap->dir);
	memset(cap, 0, sizeof(*cap));
}

/**
 * capture_load() - Read every text file of a capture directory.
 * @dir: the directory `pagemig capture` wrote.
 * @cap: filled; capture_has() and capture_has_once() say which files were
 *	there.  kpageflags, kpagecount and trace.zst are only noted: the
 *	importer and ktrace_load() read them.
 * @err: the message on failure, naming the file and line.
 * @errlen: its size.
 *
 * A missing file is not an error (older captures lack some; see
 * capture_missing()), but a directory with none of them is.
 *
 * Return: 0, -EINVAL (a malformed or truncated file, not a capture),
 * -ENOENT/-ENOTDIR (no such directory) or -ENOMEM.  On failure @cap is
 * empty.
 */
int capture_load(const char *dir, struct capture *cap, char *err,
		 size_t errlen)
{
	struct snap_ctx sc;
	struct stat st;
	char name[64];
	int w, f, ret = 0;

	memset(cap, 0, sizeof(*cap));
	cap->result.compact_memory_seconds = -1;
	if (stat(dir, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	cap->dir = strdup(dir);
	if (!cap->dir)
		return -ENOMEM;
	for (w = 0; !ret && w < CAPTURE_NR_WHEN; w++) {
		struct capture_snapshot *s = &cap->snap[w];

		capture_sysctl_init(&s->sysctl);
		sc.snap = s;
		for (f = 0; !ret && f < CAPTURE_NR_SNAP_FILES; f++)
			ret = load_one(dir, capture_file_name(f, w, name, sizeof(name)),
				       f != CAPTURE_KPAGEFLAGS && f != CAPTURE_KPAGECOUNT,
				       &s->have, f, parse_snap_cb, &sc, f, err,
				       errlen);
	}
	for (f = 0; !ret && f < CAPTURE_NR_ONCE_FILES; f++)
		ret = load_one(dir, once_name[f], f != CAPTURE_TRACE, &cap->have,
			       f, parse_once_cb, cap, f, err, errlen);
	if (!ret && !cap->have && !cap->snap[0].have && !cap->snap[1].have) {
		snprintf(err, errlen, "%s: not a capture directory: no zoneinfo.before, kpageflags.before.zst, trace.zst or any other capture file",
			 dir);
		ret = -EINVAL;
	}
	if (ret)
		capture_free(cap);
	return ret;
}

/**
 * capture_is_compact() - Was the capture made with --compact?
 * @cap: a loaded capture.
 *
 * Return: true if it has a trace, a result or any .after file.
 */
bool capture_is_compact(const struct capture *cap)
{
	return capture_has_once(cap, CAPTURE_TRACE) ||
	       capture_has_once(cap, CAPTURE_RESULT) ||
	       cap->snap[CAPTURE_AFTER].have;
}

static void append_name(char *buf, size_t len, size_t *used, const char *s)
{
	int n;

	if (*used >= len)
		return;
	n = snprintf(buf + *used, len - *used, "%s%s", *used ? " " : "", s);
	if (n > 0)
		*used += n;
}

/**
 * capture_missing() - Which files a capture should have and lacks.
 * @cap: a loaded capture.
 * @buf: set to their names, blank-separated ("" if none).
 * @len: its size.
 *
 * Expected are every .before file, iomem, uname and cmdline; with
 * --compact (capture_is_compact()) also trace.zst, result and every
 * .after file.  workload.out exists only for a capture with a workload.
 *
 * Return: how many are missing.
 */
size_t capture_missing(const struct capture *cap, char *buf, size_t len)
{
	bool compact = capture_is_compact(cap);
	size_t used = 0, nr = 0;
	char name[64];
	int w, f;

	if (len)
		buf[0] = '\0';
	for (w = 0; w < CAPTURE_NR_WHEN; w++) {
		if (w == CAPTURE_AFTER && !compact)
			break;
		for (f = 0; f < CAPTURE_NR_SNAP_FILES; f++) {
			if (capture_has(cap, w, f))
				continue;
			append_name(buf, len, &used,
				    capture_file_name(f, w, name, sizeof(name)));
			nr++;
		}
	}
	for (f = 0; f < CAPTURE_NR_ONCE_FILES; f++) {
		if (capture_has_once(cap, f) || f == CAPTURE_WORKLOAD_OUT)
			continue;
		if (!compact && (f == CAPTURE_TRACE || f == CAPTURE_RESULT))
			continue;
		append_name(buf, len, &used, once_name[f]);
		nr++;
	}
	return nr;
}
