/* ss_time.c - saturating time arithmetic
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ss_time.h"

static int64_t saturate(int64_t toward_sign) { return toward_sign < 0 ? INT64_MIN : INT64_MAX; }

static int64_t add(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? saturate(b) : r;
}

int64_t ss_time_from_parts(int64_t secs, int64_t nsecs)
{
    int64_t ns;
    if (__builtin_mul_overflow(secs, SS_NS_PER_SEC, &ns))
        return saturate(secs);
    return add(ns, nsecs);
}

int64_t ss_time_add(int64_t t, int64_t d) { return add(t, d); }

int64_t ss_time_diff(int64_t later, int64_t earlier)
{
    int64_t r;
    if (__builtin_sub_overflow(later, earlier, &r))
        return earlier < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

void ss_time_to_parts(int64_t ns, int64_t *secs, int32_t *nsecs)
{
    *secs = ns / SS_NS_PER_SEC;
    *nsecs = (int32_t)(ns % SS_NS_PER_SEC);
}

double ss_time_seconds(int64_t ns) { return (double)ns / (double)SS_NS_PER_SEC; }
