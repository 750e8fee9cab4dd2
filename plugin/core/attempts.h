/* attempts.h - connection attempts, SYN retries and how each attempt ended
 *
 * An attempt is the SYNs from one endpoint to another with the same ISN.
 * Segments must be fed in capture order; the tracker keeps every attempt
 * until ss_attempts_free() so that per-frame notes can point at them and a
 * second pass can read the final picture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ATTEMPTS_H
#define SYNSIGHT_ATTEMPTS_H

#include "segment.h"

typedef enum ss_outcome {
    SS_OUTCOME_OPEN = 0,        /* nothing yet; at the end of the capture: unanswered */
    SS_OUTCOME_ANSWERED,
    SS_OUTCOME_REFUSED_RST,
    SS_OUTCOME_REFUSED_ICMP,
    SS_OUTCOME_SUPERSEDED,
} ss_outcome;

typedef enum ss_schedule {
    SS_SCHEDULE_NONE = 0,       /* fewer than two gaps: nothing to classify */
    SS_SCHEDULE_EXPONENTIAL,
    SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL,
    SS_SCHEDULE_LINEAR,
    SS_SCHEDULE_IRREGULAR,
} ss_schedule;

typedef struct ss_syn {
    uint32_t frame;
    int64_t  time_ns;
    bool     has_ts;
    uint32_t tsval;
} ss_syn;

typedef struct ss_attempt {
    ss_tuple tuple;             /* client -> server */
    uint32_t isn;
    ss_syn  *syns;
    uint32_t syn_count;
    uint32_t syn_capacity;
    ss_outcome outcome;
    uint32_t outcome_frame;     /* SYN/ACK, RST or ICMP error that ended it */
    int64_t  outcome_time_ns;
    uint32_t answered_syn;      /* frame of the SYN the outcome frame answers */
    uint32_t syns_at_outcome;   /* SYNs sent before the outcome frame */
    uint32_t superseded_by;     /* first SYN of the attempt that replaced this one */
} ss_attempt;

typedef enum ss_attempt_role {
    SS_ROLE_NONE = 0,
    SS_ROLE_SYN,                /* a SYN of the attempt (index syn_index) */
    SS_ROLE_OUTCOME,            /* the frame that ended the attempt */
} ss_attempt_role;

/* What one frame is in the attempt picture. */
typedef struct ss_attempt_note {
    ss_attempt_role role;
    ss_attempt *attempt;
    uint32_t syn_index;         /* SS_ROLE_SYN: 0 for the original SYN */
    uint32_t answers;           /* SS_ROLE_OUTCOME: the SYN this frame answers or refuses */
    uint32_t crosses;           /* SYN crossing the other end's SYN (simultaneous open): that frame */
    ss_attempt *supersedes;     /* first SYN of a new attempt: the open attempt it ended, or NULL */
    uint32_t synack_retry;      /* retransmitted SYN/ACK: 1, 2, ... */
    int64_t  synack_gap_ns;     /* time since the previous SYN/ACK */
} ss_attempt_note;

/* Whether a note carries anything (a role, a SYN/ACK retry, a crossing
 * SYN). A first SYN counts: whether it is shown is decided later. */
bool ss_attempt_note_present(const ss_attempt_note *n);

typedef struct ss_attempts ss_attempts;

ss_attempts *ss_attempts_new(void);
void ss_attempts_free(ss_attempts *tracker);

/* Feeds one TCP segment; fills *note (zeroed when the frame plays no part). */
void ss_attempts_add_tcp(ss_attempts *tracker, const ss_segment *seg, ss_attempt_note *note);

/* What an ICMP error quoting a TCP segment does to the attempts. */
typedef enum ss_icmp_match {
    SS_ICMP_NO_ATTEMPT = 0,     /* no attempt in the capture with the quoted addresses and ports */
    SS_ICMP_OTHER_ISN,          /* the quoted sequence number is not the latest attempt's ISN */
    SS_ICMP_ENDS_ATTEMPT,       /* it refuses the attempt: *note is its outcome frame */
    SS_ICMP_TOO_LATE,           /* the attempt was answered or superseded before it */
} ss_icmp_match;

/* An ICMP error that quotes a SYN of an attempt (tuple client -> server,
 * quoted sequence number = ISN, as Linux checks) refuses it. */
ss_icmp_match ss_attempts_refuse_icmp(ss_attempts *tracker, const ss_segment *seg, ss_attempt_note *note);

/* Number of attempts tracked (for statistics and memory reports). */
uint32_t ss_attempts_count(const ss_attempts *tracker);

/* --- reading an attempt ------------------------------------------------- */

/* Worth showing: retried, or not simply answered. An attempt answered at
 * its first SYN is an ordinary handshake and says nothing. */
bool ss_attempt_is_notable(const ss_attempt *a);

/* Time from the attempt's first SYN to time_ns. */
int64_t ss_attempt_elapsed_ns(const ss_attempt *a, int64_t time_ns);
/* Time from the first SYN to the last. */
int64_t ss_attempt_span_ns(const ss_attempt *a);
/* Time between SYN i-1 and SYN i (i >= 1). */
int64_t ss_attempt_gap_ns(const ss_attempt *a, uint32_t i);
/* SYN i's gap divided by SYN i-1's gap (i >= 2); 0 when undefined. */
double ss_attempt_backoff(const ss_attempt *a, uint32_t i);
/* Schedule of the first n SYNs (n <= syn_count). */
ss_schedule ss_attempt_schedule(const ss_attempt *a, uint32_t n);

/* Classifies retransmission gaps (n >= 2) allowing for timer jitter. */
ss_schedule ss_classify_schedule(const int64_t *gaps_ns, size_t n);

const char *ss_schedule_name(ss_schedule s);
/* Outcome name; final selects "unanswered" for an attempt still open. */
const char *ss_outcome_name(ss_outcome o, bool final);

#endif
