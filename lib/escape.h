/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printable line out of text a user wrote: a value, key, name or
 * file name may hold newlines, tabs or terminal escape codes, which
 * echoed raw would split a one-line message or a report header.
 */
#ifndef _PAGEMIG_LIB_ESCAPE_H
#define _PAGEMIG_LIB_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Copy @src to @dst (@len bytes, NUL-terminated) with each control
 * character as a C escape: \n, \t, \r or \xNN.  What does not fit is cut.
 */
static inline void escape_controls(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; len && *src && n + 5 < len; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c != 0x7f)
			dst[n++] = (char)c;
		else if (c == '\n' || c == '\t' || c == '\r')
			n += (size_t)snprintf(dst + n, 3, "\\%c",
					      c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		else
			n += (size_t)snprintf(dst + n, 5, "\\x%02x", c);
	}
	if (len)
		dst[n] = '\0';
}

/* The same, in place: @s is a message in a buffer of @len bytes. */
static inline void escape_controls_in_place(char *s, size_t len)
{
	char out[4096];

	escape_controls(out, sizeof(out), s);
	if (len)
		snprintf(s, len, "%s", out);
}

#endif /* _PAGEMIG_LIB_ESCAPE_H */
