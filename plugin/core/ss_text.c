/* ss_text.c - sentences built without printf
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ss_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void ss_text_mem(ss_text *t, const char *s, size_t n)
{
    size_t room = t->size - 1 - t->len;
    if (n > room)
        n = room;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void ss_text_str(ss_text *t, const char *s)
{
    ss_text_mem(t, s, strlen(s));
}

/* v in decimal, at least min_digits digits (zero-padded on the left). */
static void put_u64(ss_text *t, uint64_t v, int min_digits)
{
    char digits[24];
    int n = sizeof digits;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v || (int)sizeof digits - n < min_digits);
    ss_text_mem(t, digits + n, sizeof digits - (size_t)n);
}

void ss_text_uint(ss_text *t, uint32_t v)
{
    put_u64(t, v, 1);
}

static uint64_t int_scale(int decimals)
{
    static const uint64_t int_scales[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
    return int_scales[decimals];
}

void ss_text_fixed(ss_text *t, double v, int decimals)
{
    static const double scales[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
    if (decimals < 0 || decimals > 6 || !isfinite(v))
        goto library;
    double a = fabs(v), scale = scales[decimals];
    /* whole units of the last decimal, exact as a double */
    if (a * scale >= 0x1p52)
        goto library;
    double c = floor(a * scale);
    /* a * scale - c with one rounding: which side of c + 1/2 the exact
     * product lies on, though a * scale itself was rounded */
    double r = fma(a, scale, -c);
    while (r < 0) {
        c -= 1;
        r = fma(a, scale, -c);
    }
    while (r >= 1) {
        c += 1;
        r = fma(a, scale, -c);
    }
    /* at or near a tie, the library's own rounding decides */
    if (fabs(r - 0.5) < 1e-6)
        goto library;
    uint64_t n = (uint64_t)c + (r > 0.5);
    if (signbit(v))
        ss_text_mem(t, "-", 1);
    put_u64(t, n / int_scale(decimals), 1);
    if (decimals > 0) {
        ss_text_mem(t, ".", 1);
        put_u64(t, n % int_scale(decimals), decimals);
    }
    return;
library:;
    char buf[512];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    ss_text_str(t, buf);
}

void ss_text_seconds(ss_text *t, int64_t ns, int decimals)
{
    static const uint64_t units[] = { 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000 };
    /* Below 2^52 ns (52 days) the double ns / 1e9 lies within a
     * nanosecond's fraction of the exact quotient, which is either on a tie
     * or at least a nanosecond from it: off a tie, both round alike. */
    if (decimals < 0 || decimals > 6 || ns <= -(INT64_C(1) << 52) || ns >= (INT64_C(1) << 52)) {
        ss_text_fixed(t, (double)ns / 1e9, decimals);
        return;
    }
    uint64_t a = ns < 0 ? (uint64_t)-ns : (uint64_t)ns, unit = units[decimals];
    uint64_t n = a / unit, rem = a % unit;
    if (2 * rem == unit) {
        ss_text_fixed(t, (double)ns / 1e9, decimals);   /* a tie: the double decides */
        return;
    }
    n += 2 * rem > unit;
    if (ns < 0)
        ss_text_mem(t, "-", 1);
    put_u64(t, n / int_scale(decimals), 1);
    if (decimals > 0) {
        ss_text_mem(t, ".", 1);
        put_u64(t, n % int_scale(decimals), decimals);
    }
}
