/* ss_text.h - sentences built without printf
 *
 * Some sentences are written for nearly every frame of a hostile capture (a
 * retransmitted SYN's expert item, its Info tag): printf's conversions cost
 * more there than everything else synsight does for the frame. These append
 * the same text snprintf would write ("%u", "%.2f"), at a fraction of the
 * cost. Plain C.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_SS_TEXT_H
#define SYNSIGHT_SS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A text in a caller's buffer, always NUL-terminated; what does not fit is
 * cut off, as snprintf cuts it. */
typedef struct ss_text {
    char  *buf;
    size_t size;                /* > 0 */
    size_t len;
} ss_text;

static inline ss_text ss_text_in(char *buf, size_t size)
{
    ss_text t = { buf, size, 0 };
    buf[0] = '\0';
    return t;
}

/* n bytes of s */
void ss_text_mem(ss_text *t, const char *s, size_t n);
void ss_text_str(ss_text *t, const char *s);
/* A string literal, its length known at compile time. */
#define SS_TEXT_LIT(t, lit) ss_text_mem((t), "" lit, sizeof(lit) - 1)
/* "%u" */
void ss_text_uint(ss_text *t, uint32_t v);
/* "%.<decimals>f" (decimals <= 6), exactly as the C library rounds. */
void ss_text_fixed(ss_text *t, double v, int decimals);
/* The same of ns / 1e9 (as ss_time_seconds gives it), from the integer:
 * no floating point unless ns lies on a tie (decimals <= 6). */
void ss_text_seconds(ss_text *t, int64_t ns, int decimals);

#endif
