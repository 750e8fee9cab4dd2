/* causes.h - why an attempt went as it did, from what else the capture
 * shows: whose stack sent its SYNs and when that stack gives up, whether
 * the application gave up first, and whether the server's listener was up
 * (it answered other clients meanwhile). Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_CAUSES_H
#define SYNSIGHT_CAUSES_H

#include "attempts.h"
#include "segment.h"

/* A SYN sender's stack family, named only where the schedule and the
 * options agree (docs/syn-retries.md, "Whose stack"). */
typedef enum ss_stack {
    SS_STACK_UNKNOWN = 0,
    SS_STACK_LINUX,             /* initial RTO 1 s, doubling; Linux's option layout */
    SS_STACK_LINUX_LINEAR,      /* 1 s gaps first (Linux >= 6.5 tcp_syn_linear_timeouts), then doubling */
    SS_STACK_APPLE_BSD,         /* 1 s steps then doubling (tcp_syn_backoff); macOS, iOS and FreeBSD drop
                                 * window scale and timestamps from the 3rd retransmission */
    SS_STACK_WINDOWS,           /* initial RTO 1 s or 3 s, two retransmissions (MaxSynRetransmissions=2) */
} ss_stack;

/* synsight.syn.stack's value: "linux", "linux-linear", "apple-bsd", "windows", "unknown". */
const char *ss_stack_name(ss_stack s);

/* What an attempt's SYN train says about its sender's stack. */
typedef struct ss_stack_reading {
    ss_stack stack;
    uint32_t max_syns;          /* SYNs that stack sends with its default limit; 0 when not known */
    int64_t  gives_up_ns;       /* from the first SYN: when its connect() fails with ETIMEDOUT there */
    const char *setting;        /* the default limit: "tcp_syn_retries=6", ... */
    int64_t  next_due_ns;       /* after the last SYN: when the stack would send the next, or give up */
    bool     limit_raised;      /* more SYNs than the default: the limit was raised, gives_up_ns unknown */
} ss_stack_reading;

/* At most this many SYNs are read to name a stack. */
#define SS_STACK_SYNS_READ 16

ss_stack_reading ss_attempt_stack(const ss_attempt *a);

/* Who ended an attempt that stopped sending SYNs unanswered. */
typedef enum ss_gave_up {
    SS_GAVE_UP_NOT_KNOWN = 0,   /* not stopped early, or the stack is unknown, or the capture ended too soon */
    SS_GAVE_UP_APP,             /* it stopped before the stack's default limit while the capture went on */
    SS_GAVE_UP_KERNEL_LOWERED,  /* ... and the client's next attempt came exactly when its kernel would
                                 * have given up at a lowered limit */
} ss_gave_up;

/* synsight's reading of who gave up: "app", "kernel" (a lowered limit), "-". */
const char *ss_gave_up_name(ss_gave_up g);

typedef struct ss_give_up_reading {
    ss_gave_up who;
    int64_t  from_ns;           /* from the first SYN: no earlier than this (the last SYN) */
    int64_t  by_ns;             /* and no later than this (the next SYN due, or the next attempt) */
    uint32_t next_attempt;      /* the client's next attempt to the server that shows it, 0 none */
    uint32_t lowered_retries;   /* SS_GAVE_UP_KERNEL_LOWERED: the limit that explains it */
    uint32_t earlier_attempt;   /* ... shown by the client's earlier attempt of as many SYNs, whose next
                                 * attempt (this one) came when its kernel gave up; 0: by this one's */
} ss_give_up_reading;

/* The SYNs the client's stack sends at a limit of `retries` retransmissions
 * and when it then gives up, for the Linux schedule with `linear` 1 s gaps
 * first: the reading for a lowered tcp_syn_retries. */
int64_t ss_linux_gives_up_ns(int64_t initial_rto_ns, uint32_t linear, uint32_t retries);

/* Who gave up on attempt a (final outcome unanswered, last SYN at
 * last_ns), with the capture ending at capture_end_ns; next_attempt_ns is
 * when the same client next tried the same server (0: not in the capture)
 * and next_attempt its frame. */
ss_give_up_reading ss_attempt_gave_up(const ss_attempt *a, const ss_stack_reading *stack, int64_t capture_end_ns,
                                      int64_t next_attempt_ns, uint32_t next_attempt);

/* --- listeners: the SYN/ACKs each server endpoint sent ----------------- */

typedef struct ss_listeners ss_listeners;

ss_listeners *ss_listeners_new(void);
void ss_listeners_free(ss_listeners *l);

/* Records a SYN/ACK (its source is the server endpoint). */
void ss_listeners_add_synack(ss_listeners *l, const ss_segment *synack);

/* The SYN/ACK nearest near_ns, within [from_ns, to_ns], that the server
 * endpoint of tuple (client -> server) sent to another client endpoint;
 * 0 if none. */
uint32_t ss_listeners_answered_other(const ss_listeners *l, const ss_tuple *tuple, int64_t from_ns, int64_t to_ns,
                                     int64_t near_ns);

#endif
