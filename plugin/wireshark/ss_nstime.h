/* ss_nstime.h - Wireshark's nstime_t to and from the core's nanoseconds
 * (ss_time.h), saturating for any time a damaged capture may claim.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_SS_NSTIME_H
#define SYNSIGHT_SS_NSTIME_H

#include <wsutil/nstime.h>

#include "ss_time.h"

static inline int64_t ss_time_of(const nstime_t *t) { return ss_time_from_parts((int64_t)t->secs, t->nsecs); }

static inline nstime_t ss_nstime_of(int64_t ns)
{
    int64_t secs;
    int32_t nsecs;
    ss_time_to_parts(ns, &secs, &nsecs);
    nstime_t t = { (time_t)secs, nsecs };
    return t;
}

#endif
