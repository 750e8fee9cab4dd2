/* attempts.c - connection attempts, SYN retries and how each attempt ended
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "attempts.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A SYN/ACK train: the server's SYN/ACKs with one ISN. */
typedef struct synack_train {
    bool     valid;
    uint32_t seq;
    uint32_t count;             /* retransmissions so far */
    int64_t  last_ns;
} synack_train;

/* Both directions of one connection; index = direction of the sender
 * relative to the connection key (see ss_conn_key). */
typedef struct conn_state {
    ss_attempt  *attempt[2];    /* latest attempt opened by that side */
    synack_train synack[2];     /* SYN/ACKs sent by that side */
} conn_state;

struct ss_attempts {
    GHashTable *conns;          /* ss_tuple key -> conn_state */
    GPtrArray  *all;            /* every attempt, owned here */
};

static void attempt_free(gpointer p)
{
    ss_attempt *a = p;
    g_free(a->syns);
    g_free(a);
}

ss_attempts *ss_attempts_new(void)
{
    ss_attempts *t = g_new0(ss_attempts, 1);
    t->conns = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, g_free);
    t->all = g_ptr_array_new_with_free_func(attempt_free);
    return t;
}

void ss_attempts_free(ss_attempts *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->conns);
    g_ptr_array_free(t->all, TRUE);
    g_free(t);
}

uint32_t ss_attempts_count(const ss_attempts *t) { return t->all->len; }

/* Kept even when not shown yet: a first SYN matters once the attempt is
 * retried or fails, which only later frames tell. */
bool ss_attempt_note_present(const ss_attempt_note *n)
{
    return n->role != SS_ROLE_NONE || n->synack_retry || n->crosses;
}

static conn_state *conn_lookup(ss_attempts *t, const ss_tuple *tuple, int *dir, bool create)
{
    ss_tuple key = ss_conn_key(tuple, dir);
    conn_state *c = g_hash_table_lookup(t->conns, &key);
    if (!c && create) {
        c = g_new0(conn_state, 1);
        g_hash_table_insert(t->conns, g_memdup2(&key, sizeof key), c);
    }
    return c;
}

static void append_syn(ss_attempt *a, const ss_segment *seg)
{
    if (a->syn_count == a->syn_capacity) {
        a->syn_capacity = a->syn_capacity ? a->syn_capacity * 2 : 2;
        a->syns = g_renew(ss_syn, a->syns, a->syn_capacity);
    }
    ss_syn *s = &a->syns[a->syn_count++];
    s->frame = seg->frame;
    s->time_ns = seg->time_ns;
    s->has_ts = seg->has_ts;
    s->tsval = seg->tsval;
}

static ss_attempt *attempt_new(ss_attempts *t, const ss_segment *seg)
{
    ss_attempt *a = g_new0(ss_attempt, 1);
    a->tuple = seg->tuple;
    a->isn = seg->seq;
    g_ptr_array_add(t->all, a);
    return a;
}

/* Still waiting for its end: open, or refused by a message the client ignored. */
static bool attempt_can_end(const ss_attempt *a)
{
    return a->outcome != SS_OUTCOME_ANSWERED && a->outcome != SS_OUTCOME_SUPERSEDED;
}

static void end_attempt(ss_attempt *a, ss_outcome outcome, const ss_segment *seg, uint32_t answered_syn,
                        ss_attempt_note *note)
{
    a->outcome = outcome;
    a->outcome_frame = seg->frame;
    a->outcome_time_ns = seg->time_ns;
    a->answered_syn = answered_syn;
    a->syns_at_outcome = a->syn_count;
    note->role = SS_ROLE_OUTCOME;
    note->attempt = a;
    note->answers = answered_syn;
}

static uint32_t latest_syn(const ss_attempt *a) { return a->syns[a->syn_count - 1].frame; }

/* The SYN a SYN/ACK answers: the one whose TSval it echoes, else the latest. */
static uint32_t syn_answered_by(const ss_attempt *a, const ss_segment *synack)
{
    if (synack->has_ts) {
        for (uint32_t i = a->syn_count; i-- > 0;)
            if (a->syns[i].has_ts && a->syns[i].tsval == synack->tsecr)
                return a->syns[i].frame;
    }
    return latest_syn(a);
}

static void add_syn(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    int dir;
    conn_state *c = conn_lookup(t, &seg->tuple, &dir, true);
    ss_attempt *a = c->attempt[dir];
    if (a && a->isn == seg->seq) {
        /* The client sent the SYN again, so a refusal seen before did not end
         * the attempt (Linux ignores an ICMP error that arrives while the
         * socket is busy, and one whose quote does not match). */
        if (a->outcome == SS_OUTCOME_REFUSED_ICMP || a->outcome == SS_OUTCOME_REFUSED_RST)
            a->outcome = SS_OUTCOME_OPEN;
    } else {
        if (a && a->outcome == SS_OUTCOME_OPEN) {
            a->outcome = SS_OUTCOME_SUPERSEDED;
            a->superseded_by = seg->frame;
            note->supersedes = a;
        }
        a = attempt_new(t, seg);
        c->attempt[dir] = a;
    }
    append_syn(a, seg);
    note->role = SS_ROLE_SYN;
    note->attempt = a;
    note->syn_index = a->syn_count - 1;

    const ss_attempt *other = c->attempt[!dir];
    if (other && other->outcome == SS_OUTCOME_OPEN && other->syn_count)
        note->crosses = latest_syn(other);
}

static void add_synack(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    int dir;
    conn_state *c = conn_lookup(t, &seg->tuple, &dir, true);
    synack_train *train = &c->synack[dir];
    if (train->valid && train->seq == seg->seq) {
        note->synack_retry = ++train->count;
        note->synack_gap_ns = ss_time_diff(seg->time_ns, train->last_ns);
    } else {
        train->valid = true;
        train->seq = seg->seq;
        train->count = 0;
    }
    train->last_ns = seg->time_ns;

    ss_attempt *a = c->attempt[!dir];
    if (a && seg->ack == a->isn + 1 && attempt_can_end(a))
        end_attempt(a, SS_OUTCOME_ANSWERED, seg, syn_answered_by(a, seg), note);
}

static void add_rst(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    int dir;
    conn_state *c = conn_lookup(t, &seg->tuple, &dir, false);
    if (!c)
        return;
    ss_attempt *a = c->attempt[!dir];
    /* Only an RST that acknowledges the SYN refuses it (RFC 9293 §3.10.7.3). */
    if (a && (seg->flags & SS_TCP_ACK) && seg->ack == a->isn + 1 && attempt_can_end(a))
        end_attempt(a, SS_OUTCOME_REFUSED_RST, seg, latest_syn(a), note);
}

void ss_attempts_add_tcp(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    memset(note, 0, sizeof *note);
    uint8_t f = seg->flags;
    /* SYN+FIN and SYN+RST are scanner probes, not connection attempts:
     * Linux discards them in LISTEN and no stack sends them to connect. */
    if ((f & SS_TCP_SYN) && (f & (SS_TCP_FIN | SS_TCP_RST)))
        return;
    if (f & SS_TCP_RST)
        add_rst(t, seg, note);
    else if ((f & SS_TCP_SYN) && (f & SS_TCP_ACK))
        add_synack(t, seg, note);
    else if (f & SS_TCP_SYN)
        add_syn(t, seg, note);
    /* every other segment plays no part: no lookup at all */
}

ss_icmp_match ss_attempts_refuse_icmp(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    memset(note, 0, sizeof *note);
    const ss_icmp_quote *q = &seg->icmp;
    int dir;
    conn_state *c = q->has_seq ? conn_lookup(t, &q->tuple, &dir, false) : NULL;
    ss_attempt *a = c ? c->attempt[dir] : NULL;
    if (!a)
        return SS_ICMP_NO_ATTEMPT;
    if (a->isn != q->seq)
        return SS_ICMP_OTHER_ISN;
    if (!attempt_can_end(a))
        return SS_ICMP_TOO_LATE;
    end_attempt(a, SS_OUTCOME_REFUSED_ICMP, seg, latest_syn(a), note);
    return SS_ICMP_ENDS_ATTEMPT;
}

/* --- reading an attempt ------------------------------------------------- */

int64_t ss_attempt_elapsed_ns(const ss_attempt *a, int64_t time_ns) { return ss_time_diff(time_ns, a->syns[0].time_ns); }

int64_t ss_attempt_span_ns(const ss_attempt *a) { return ss_attempt_elapsed_ns(a, a->syns[a->syn_count - 1].time_ns); }

bool ss_attempt_is_notable(const ss_attempt *a)
{
    return a->syn_count >= 2 || a->outcome != SS_OUTCOME_ANSWERED;
}

int64_t ss_attempt_gap_ns(const ss_attempt *a, uint32_t i)
{
    if (i == 0 || i >= a->syn_count)
        return 0;
    return ss_time_diff(a->syns[i].time_ns, a->syns[i - 1].time_ns);
}

double ss_attempt_backoff(const ss_attempt *a, uint32_t i)
{
    if (i < 2 || i >= a->syn_count)
        return 0;
    int64_t prev = ss_attempt_gap_ns(a, i - 1);
    return prev > 0 ? (double)ss_attempt_gap_ns(a, i) / (double)prev : 0;
}

ss_schedule ss_attempt_schedule(const ss_attempt *a, uint32_t n)
{
    if (n > a->syn_count)
        n = a->syn_count;
    if (n < 3)
        return SS_SCHEDULE_NONE;
    int64_t stack[16];
    int64_t *gaps = n - 1 <= 16 ? stack : g_new(int64_t, n - 1);
    for (uint32_t i = 1; i < n; i++)
        gaps[i - 1] = ss_attempt_gap_ns(a, i);
    ss_schedule s = ss_classify_schedule(gaps, n - 1);
    if (gaps != stack)
        g_free(gaps);
    return s;
}

typedef enum step { STEP_EQUAL, STEP_DOUBLE, STEP_OTHER } step;

/* Timer slack stretches gaps by a few ms, and load by more; a ratio within
 * a quarter of a doubling of 1 or 2 is taken as "equal" or "doubled". */
#define STEP_TOLERANCE 0.25
/* Linux caps the retransmission timeout at TCP_RTO_MAX (120 s): a doubling
 * train that reaches it goes on with equal gaps and is still exponential.
 * Equal gaps of 60 s or more after a doubling are taken as that cap: the
 * last doubling before it starts from 64 s, and a sender with a lower cap
 * is still well above every initial RTO in use. */
#define RTO_CAP_NS (60 * SS_NS_PER_SEC)

static step classify_step(int64_t prev, int64_t cur)
{
    if (prev <= 0 || cur <= 0)
        return STEP_OTHER;
    double l = log2((double)cur / (double)prev);
    if (fabs(l) <= STEP_TOLERANCE)
        return STEP_EQUAL;
    if (fabs(l - 1.0) <= STEP_TOLERANCE)
        return STEP_DOUBLE;
    return STEP_OTHER;
}

ss_schedule ss_classify_schedule(const int64_t *gaps, size_t n)
{
    if (n < 2)
        return SS_SCHEDULE_NONE;
    size_t equal_prefix = 0, doubles = 0, i;
    for (i = 1; i < n; i++) {
        step s = classify_step(gaps[i - 1], gaps[i]);
        if (s == STEP_EQUAL && doubles == 0) {
            equal_prefix++;
        } else if (s == STEP_DOUBLE) {
            doubles++;
        } else if (s == STEP_EQUAL && gaps[i] >= RTO_CAP_NS) {
            continue;           /* capped at TCP_RTO_MAX after doubling */
        } else {
            return SS_SCHEDULE_IRREGULAR;
        }
    }
    if (doubles == 0)
        return SS_SCHEDULE_LINEAR;
    /* a doubling after an equal step is linear-then-exponential only if the
     * equal steps all came first (checked above: equal after doubling fails) */
    return equal_prefix ? SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL : SS_SCHEDULE_EXPONENTIAL;
}

const char *ss_schedule_name(ss_schedule s)
{
    switch (s) {
    case SS_SCHEDULE_EXPONENTIAL: return "exponential";
    case SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL: return "linear-then-exponential";
    case SS_SCHEDULE_LINEAR: return "linear";
    case SS_SCHEDULE_IRREGULAR: return "irregular";
    case SS_SCHEDULE_NONE: break;
    }
    return NULL;
}

const char *ss_outcome_name(ss_outcome o, bool final)
{
    switch (o) {
    case SS_OUTCOME_ANSWERED: return "answered";
    case SS_OUTCOME_REFUSED_RST: return "refused-rst";
    case SS_OUTCOME_REFUSED_ICMP: return "refused-icmp";
    case SS_OUTCOME_SUPERSEDED: return "superseded";
    case SS_OUTCOME_OPEN: break;
    }
    return final ? "unanswered" : NULL;
}
