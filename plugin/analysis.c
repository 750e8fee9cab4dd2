/* analysis.c - one segment in, one frame result out
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "analysis.h"

#include <glib.h>
#include <string.h>

#define IP_PROTO_TCP 6

struct ss_analysis {
    ss_attempts *attempts;
};

ss_analysis *ss_analysis_new(void)
{
    ss_analysis *an = g_new0(ss_analysis, 1);
    an->attempts = ss_attempts_new();
    return an;
}

void ss_analysis_free(ss_analysis *an)
{
    if (!an)
        return;
    ss_attempts_free(an->attempts);
    g_free(an);
}

/* Kept even when not shown yet: a first SYN matters once the attempt is
 * retried or fails, which only later frames tell. */
static bool note_says_something(const ss_attempt_note *n)
{
    return n->role != SS_ROLE_NONE || n->synack_retry || n->crosses;
}

bool ss_analysis_feed(ss_analysis *an, const ss_segment *seg, ss_frame_result *out)
{
    memset(out, 0, sizeof *out);
    switch (seg->kind) {
    case SS_SEG_TCP:
        ss_attempts_add_tcp(an->attempts, seg, &out->attempt);
        break;
    case SS_SEG_ICMP_ERROR:
        if (seg->icmp.proto == IP_PROTO_TCP)
            ss_attempts_refuse_icmp(an->attempts, seg, &out->attempt);
        break;
    case SS_SEG_NONE:
        break;
    }
    return note_says_something(&out->attempt);
}
