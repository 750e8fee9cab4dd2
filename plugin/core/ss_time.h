/* ss_time.h - capture times as signed 64-bit nanoseconds
 *
 * A damaged capture may claim any time (the year 200,000, or before 1970):
 * every conversion and difference here saturates at the int64 range
 * instead of overflowing, so gaps, backoffs and elapsed times stay defined
 * for any input. Plain C.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_SS_TIME_H
#define SYNSIGHT_SS_TIME_H

#include <stdint.h>

#define SS_NS_PER_SEC INT64_C(1000000000)

/* secs + nsecs / 1e9, as nanoseconds (nsecs may be any value). */
int64_t ss_time_from_parts(int64_t secs, int64_t nsecs);

/* later - earlier. */
int64_t ss_time_diff(int64_t later, int64_t earlier);

/* t + d, saturating (a damaged capture's times reach the ends of int64). */
int64_t ss_time_add(int64_t t, int64_t d);

/* Whole seconds and the nanoseconds beyond them (0 <= *nsecs < 1e9 for a
 * time >= 0, -1e9 < *nsecs <= 0 below). */
void ss_time_to_parts(int64_t ns, int64_t *secs, int32_t *nsecs);

double ss_time_seconds(int64_t ns);

#endif
