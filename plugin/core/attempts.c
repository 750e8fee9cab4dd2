/* attempts.c - connection attempts, SYN retries and how each attempt ended
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "attempts.h"

#include "blocks.h"
#include "copies.h"
#include "pool.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A SYN/ACK train: the server's SYN/ACKs with one ISN. */
typedef struct synack_train {
    int64_t  last_ns;
    uint32_t seq;
    uint32_t count : 31;        /* retransmissions so far */
    uint32_t valid : 1;
    uint32_t acked_by;          /* the client's first segment acknowledging it, 0 none */
    uint32_t data_by;           /* the client's first with data, 0 none */
    int64_t  data_ns;
} synack_train;

/* a million attempts: 48 MB (the layout in docs/performance.md) */
G_STATIC_ASSERT(sizeof(ss_attempt) <= 48);

struct ss_attempts {
    ss_conns *conns;            /* connection records: attempts' part in each */
    bool      owns_conns;
    ss_pool  *all;              /* every attempt (ss_attempt), numbered by id */
    ss_pool  *synacks;          /* synack_train[2] for each connection that sent a SYN/ACK */
    ss_blocks *blocks;          /* the attempts' blocks (ss_attempt's more) */
};

static size_t block_bytes(const ss_attempt *a);

static ss_attempts *tracker_new(ss_conns *conns, bool owns)
{
    ss_attempts *t = g_new0(ss_attempts, 1);
    t->conns = conns;
    t->owns_conns = owns;
    t->all = ss_pool_new(sizeof(ss_attempt));
    t->synacks = ss_pool_new(2 * sizeof(synack_train));
    t->blocks = ss_blocks_new();
    return t;
}

ss_attempts *ss_attempts_new(void) { return tracker_new(ss_conns_new(), true); }

ss_attempts *ss_attempts_new_in(ss_conns *conns) { return tracker_new(conns, false); }

void ss_attempts_free(ss_attempts *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < ss_pool_count(t->all); i++) {
        ss_attempt *a = ss_pool_at(t->all, i);
        if (a->more)            /* a flood's attempts have none */
            ss_blocks_release(t->blocks, a->more, block_bytes(a));
    }
    ss_blocks_free(t->blocks);
    ss_pool_free(t->all);
    ss_pool_free(t->synacks);
    if (t->owns_conns)
        ss_conns_free(t->conns);
    g_free(t);
}

uint32_t ss_attempts_count(const ss_attempts *t) { return ss_pool_count(t->all); }

size_t ss_attempts_mapped_bytes(const ss_attempts *t) { return ss_blocks_mapped_bytes(t->blocks); }

ss_attempt *ss_attempts_get(const ss_attempts *t, uint32_t id) { return ss_pool_at(t->all, id); }

ss_attempt *ss_attempts_first_syn_at(const ss_attempts *t, uint32_t frame)
{
    uint32_t lo = 0, hi = ss_pool_count(t->all);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        ss_attempt *a = ss_pool_at(t->all, mid);
        if (a->first_syn.frame == frame)
            return a;
        if (a->first_syn.frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* How many of the attempt's SYNs came before frame in the file. SYN frames
 * rise unless a file out of time order made the attempt's SYNs unordered. */
static uint32_t syns_before(const ss_attempt *a, uint32_t frame)
{
    if (a->syns_unordered) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < a->syn_count; i++)
            n += ss_attempt_syn(a, i).frame < frame;
        return n;
    }
    uint32_t lo = 0, hi = a->syn_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ss_attempt_syn(a, mid).frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t ss_attempt_syns_at_outcome(const ss_attempt *a)
{
    uint32_t frame = ss_attempt_outcome_frame(a);
    if (!frame)
        return 0;
    if (a->syns_unordered) {
        /* the SYNs sent before the answer, by time: the file's order is not theirs */
        int64_t end_ns = ss_attempt_end_part(a)->time_ns;
        uint32_t n = 0;
        while (n < a->syn_count && ss_attempt_syn(a, n).time_ns <= end_ns)
            n++;
        return n;
    }
    return syns_before(a, frame);
}

uint32_t ss_attempt_syn_index(const ss_attempt *a, uint32_t frame)
{
    if (a->syns_unordered) {
        for (uint32_t i = 0; i < a->syn_count; i++)
            if (ss_attempt_syn(a, i).frame == frame)
                return i;
        return UINT32_MAX;
    }
    uint32_t i = syns_before(a, frame);
    return i < a->syn_count && ss_attempt_syn(a, i).frame == frame ? i : UINT32_MAX;
}

ss_tuple ss_attempt_tuple(const ss_attempt *a)
{
    ss_tuple key = ss_conn_tuple(a->conn);
    return a->reversed ? ss_tuple_reverse(&key) : key;
}

/* Kept even when not shown yet: a first SYN matters once the attempt is
 * retried or fails, which only later frames tell. */
bool ss_attempt_note_present(const ss_attempt_note *n)
{
    return n->role != SS_ROLE_NONE || n->synack_retry || n->crosses || n->challenge_of;
}

#define MARK_OUTCOME (UINT32_C(1) << 31)

bool ss_attempt_note_to_mark(const ss_attempts *t, const ss_attempt_note *n, ss_attempt_mark *mark)
{
    uint32_t index = n->role == SS_ROLE_SYN ? n->syn_index : n->answers;
    if (n->role == SS_ROLE_NONE || n->crosses || n->supersedes || n->synack_retry || n->synack_gap_ns ||
        n->options_dropped || n->challenge_of ||
        (index & MARK_OUTCOME) || !ss_attempts_latest_id(t, n->attempt, &mark->attempt_id))
        return false;
    mark->role_and_index = index | (n->role == SS_ROLE_OUTCOME ? MARK_OUTCOME : 0);
    return true;
}

void ss_attempt_note_of_syn(ss_attempt *a, uint32_t syn_index, ss_attempt_note *n)
{
    memset(n, 0, sizeof *n);
    n->role = SS_ROLE_SYN;
    n->attempt = a;
    n->syn_index = syn_index;
}

void ss_attempts_note_from_mark(const ss_attempts *t, ss_attempt_mark mark, ss_attempt_note *n)
{
    ss_attempt *a = ss_attempts_get(t, mark.attempt_id);
    uint32_t index = mark.role_and_index & ~MARK_OUTCOME;
    if (!(mark.role_and_index & MARK_OUTCOME)) {
        ss_attempt_note_of_syn(a, index, n);
        return;
    }
    memset(n, 0, sizeof *n);
    n->role = SS_ROLE_OUTCOME;
    n->attempt = a;
    n->answers = index;
}

ss_attempt *ss_attempts_latest(const ss_attempts *t, const ss_conn *c, int side)
{
    uint32_t id = c->attempts.attempt[side];
    return id ? ss_pool_at(t->all, id - 1) : NULL;
}

bool ss_attempts_latest_id(const ss_attempts *t, const ss_attempt *a, uint32_t *id)
{
    uint32_t latest = a->conn->attempts.attempt[a->reversed];
    if (!latest || ss_pool_at(t->all, latest - 1) != a)
        return false;
    *id = latest - 1;
    return true;
}

/* Room for n later SYNs: exact up to 8 (most trains are shorter), then
 * doubling. */
static uint32_t later_capacity(uint32_t n)
{
    if (n <= 8)
        return n;
    uint32_t c = 8;
    while (c < n)
        c *= 2;
    return c;
}

/* The block `more` (ss_attempt): its parts, then room for later SYNs. */
static size_t syn_bytes(ss_syn_form form)
{
    return form == SS_SYN_FORM_PACKED ? sizeof(ss_syn_packed) : form == SS_SYN_FORM_US ? sizeof(ss_syn_us)
                                                                                       : sizeof(ss_syn);
}

static size_t more_bytes(const ss_attempt *a, uint32_t later_room)
{
    return ss_attempt_parts_bytes(a) + later_room * syn_bytes(a->syn_form);
}

/* The block's size now. */
static size_t block_bytes(const ss_attempt *a)
{
    return more_bytes(a, later_capacity(a->syn_count ? a->syn_count - 1 : 0));
}

static void *later_syns(ss_attempt *a) { return (unsigned char *)a->more + ss_attempt_parts_bytes(a); }

/* Makes room for a part of size bytes at offset in the block, zeroed: what
 * follows moves up. */
static void *insert_part(ss_attempts *t, ss_attempt *a, size_t offset, size_t size)
{
    size_t old = block_bytes(a);
    a->more = ss_blocks_resize(t->blocks, a->more, old, old + size);
    unsigned char *part = (unsigned char *)a->more + offset;
    memmove(part + size, part, old - offset);
    memset(part, 0, size);
    return part;
}

/* The attempt's rare part, made (zeroed) if it has none. */
static ss_attempt_rare *rare_part(ss_attempts *t, ss_attempt *a)
{
    if (!a->has_rare) {
        insert_part(t, a, 0, sizeof(ss_attempt_rare));
        a->has_rare = true;
    }
    return a->more;
}

/* The attempt's end, made (zeroed) if it has none. */
static ss_attempt_end *end_part(ss_attempts *t, ss_attempt *a)
{
    if (!a->has_end) {
        insert_part(t, a, a->has_rare ? sizeof(ss_attempt_rare) : 0, sizeof(ss_attempt_end));
        a->has_end = true;
    }
    return (ss_attempt_end *)ss_attempt_end_part(a);
}

void ss_attempt_set_announced(ss_attempts *t, ss_attempt *a, const ss_announcement *announced)
{
    rare_part(t, a)->announced = announced;
}

#define PACKED_AFTER_US_LIMIT (UINT32_C(1) << 28)
#define PACKED_FRAMES_LIMIT   (UINT32_C(1) << 24)
#define PACKED_SKEW_MIN       (-1024)
#define PACKED_SKEW_MAX       1023

/* Stores later SYN s in slot in form, if that form holds it exactly: the
 * same test for every form, so a SYN is never kept where it would read
 * back otherwise. Unsigned arithmetic: a time before the first SYN's does
 * not fit the offsets. ss_syn holds anything. */
static bool store_syn(const ss_attempt *a, ss_syn_form form, const ss_syn *s, void *slot)
{
    if (form == SS_SYN_FORM_NS) {
        *(ss_syn *)slot = *s;
        return true;
    }
    uint64_t after_ns = (uint64_t)s->time_ns - (uint64_t)a->first_syn.time_ns;
    if (after_ns % 1000 != 0 || after_ns / 1000 > UINT32_MAX)
        return false;
    uint32_t after_us = (uint32_t)(after_ns / 1000);
    if (form == SS_SYN_FORM_US) {
        ss_syn_us *u = slot;
        u->after_us = after_us;
        u->frame = s->frame;
        u->has_ts = s->has_ts;
        u->tsval = s->tsval;
        return true;
    }
    uint32_t frames_after = s->frame - a->first_syn.frame;
    int32_t skew = (int32_t)(s->tsval - ss_syn_packed_tsval_base(a, after_us, s->has_ts));
    if (after_us >= PACKED_AFTER_US_LIMIT || frames_after >= PACKED_FRAMES_LIMIT || skew < PACKED_SKEW_MIN ||
        skew > PACKED_SKEW_MAX)
        return false;
    ss_syn_packed *p = slot;
    p->after_us = after_us;
    p->frames_after = frames_after;
    p->has_ts = s->has_ts;
    p->tsval_skew = (uint32_t)skew & 0x7ffu;
    return true;
}

/* The attempt's later SYNs turned into form (wider than theirs), in room
 * for later_room of them. */
static void widen_later_syns(ss_attempts *t, ss_attempt *a, ss_syn_form form, uint32_t later_room)
{
    unsigned char *more = ss_blocks_alloc(t->blocks, ss_attempt_parts_bytes(a) + later_room * syn_bytes(form));
    if (a->more)                /* NULL: no parts and one SYN so far */
        memcpy(more, a->more, ss_attempt_parts_bytes(a));
    unsigned char *wide = more + ss_attempt_parts_bytes(a);
    for (uint32_t i = 1; i < a->syn_count; i++) {
        ss_syn s = ss_attempt_syn(a, i);
        store_syn(a, form, &s, wide + (i - 1) * syn_bytes(form));  /* a wider form holds what a narrower did */
    }
    ss_blocks_release(t->blocks, a->more, block_bytes(a));
    a->more = more;
    a->syn_form = form;
}

static ss_syn syn_of(const ss_segment *seg)
{
    ss_syn s;
    s.frame = seg->frame;
    s.time_ns = seg->time_ns;
    s.has_ts = seg->has_ts;
    s.tsval = seg->tsval;
    return s;
}

static void append_syn(ss_attempts *t, ss_attempt *a, const ss_syn *s)
{
    uint32_t later = a->syn_count;      /* later SYNs once this one is in */
    if (later == 0) {
        a->first_syn = *s;
    } else {
        ss_syn_form form = a->syn_form;
        union { ss_syn_packed packed; ss_syn_us us; ss_syn ns; } probe;
        while (!store_syn(a, form, s, &probe))
            form++;
        if (form != a->syn_form)
            widen_later_syns(t, a, form, later_capacity(later));
        else if (later_capacity(later) != later_capacity(later - 1))
            a->more = ss_blocks_resize(t->blocks, a->more, more_bytes(a, later_capacity(later - 1)),
                                       more_bytes(a, later_capacity(later)));
        memcpy((unsigned char *)later_syns(a) + (later - 1) * syn_bytes(form), &probe, syn_bytes(form));
    }
    a->syn_count++;
}

/* A SYN earlier than one fed before it (a file out of time order): the
 * attempt's SYNs are built again in time order, in the narrowest form that
 * holds them all (rare: no file written in time order gets here). Returns
 * the new SYN's index. */
static uint32_t insert_syn_in_time(ss_attempts *t, ss_attempt *a, const ss_syn *s, uint32_t at)
{
    uint32_t n = a->syn_count;
    ss_syn *all = g_new(ss_syn, n + 1);
    for (uint32_t i = 0, j = 0; i <= n; i++)
        all[i] = i == at ? *s : ss_attempt_syn(a, j++);
    size_t old_bytes = block_bytes(a);
    unsigned char *parts = NULL;
    if (ss_attempt_parts_bytes(a)) {
        parts = g_malloc(ss_attempt_parts_bytes(a));
        memcpy(parts, a->more, ss_attempt_parts_bytes(a));
    }
    ss_blocks_release(t->blocks, a->more, old_bytes);
    a->more = NULL;
    a->syn_count = 0;
    a->syn_form = SS_SYN_FORM_PACKED;
    if (parts) {
        /* the parts first, as attempt_new's block would hold them */
        a->more = ss_blocks_alloc(t->blocks, more_bytes(a, 0));
        memcpy(a->more, parts, ss_attempt_parts_bytes(a));
        g_free(parts);
    }
    a->first_syn = all[0];
    a->syn_count = 1;
    for (uint32_t i = 1; i <= n; i++)
        append_syn(t, a, &all[i]);
    g_free(all);
    a->syns_unordered = 1;
    return at;
}

/* Puts seg's SYN into the attempt in time order; returns its index. */
static uint32_t add_syn_in_time(ss_attempts *t, ss_attempt *a, const ss_segment *seg)
{
    ss_syn s = syn_of(seg);
    uint32_t at = a->syn_count;
    while (at > 0 && ss_attempt_syn(a, at - 1).time_ns > s.time_ns)
        at--;
    if (at == a->syn_count) {
        append_syn(t, a, &s);
        return at;
    }
    return insert_syn_in_time(t, a, &s, at);
}

/* Still waiting for its end: open, or refused by a message the client ignored. */
static bool attempt_can_end(const ss_attempt *a)
{
    return a->outcome != SS_OUTCOME_ANSWERED && a->outcome != SS_OUTCOME_SUPERSEDED;
}

static ss_attempt *attempt_new(ss_attempts *t, ss_conn *c, int dir, const ss_segment *seg)
{
    uint32_t id;
    ss_attempt *a = ss_pool_add(t->all, &id);
    a->conn = c;
    a->reversed = dir != 0;
    a->isn = seg->seq;
    c->attempts.attempt[dir] = id + 1;
    return a;
}

static void set_outcome(ss_attempt *a, ss_outcome outcome) { a->outcome = outcome; }

static void end_attempt(ss_attempts *t, ss_attempt *a, ss_outcome outcome, const ss_segment *seg, uint32_t answered_syn,
                        ss_attempt_note *note)
{
    set_outcome(a, outcome);
    ss_attempt_end *end = end_part(t, a);
    end->frame = seg->frame;
    end->time_ns = seg->time_ns;
    note->role = SS_ROLE_OUTCOME;
    note->attempt = a;
    note->answers = answered_syn;
}

static uint32_t latest_syn(const ss_attempt *a) { return ss_attempt_syn(a, a->syn_count - 1).frame; }

/* The SYN a SYN/ACK answers: the one whose TSval it echoes, else the latest. */
static uint32_t syn_answered_by(const ss_attempt *a, const ss_segment *synack)
{
    if (synack->has_ts) {
        for (uint32_t i = a->syn_count; i-- > 0;) {
            ss_syn s = ss_attempt_syn(a, i);
            if (s.has_ts && s.tsval == synack->tsecr)
                return s.frame;
        }
    }
    return latest_syn(a);
}

static void set_first_carries(ss_attempt *a, const ss_segment *seg)
{
    a->first_carries = ss_syn_carries(seg) & ~SS_SYN_TS;
    a->first_layout = ss_syn_layout_of(seg->option_kinds) & 0x7;
}

/* What a later SYN lacks of the first's: kept where the attempt has it
 * (few do: a stack that drops options from late retries, ECN fallback). */
static void compare_with_first(ss_attempts *t, ss_attempt *a, const ss_segment *seg, ss_attempt_note *note)
{
    unsigned lost = ss_attempt_first_carries(a) & ~ss_syn_carries(seg);
    if (!lost && !(a->has_rare && ss_attempt_rare_part(a)->latest_lost))
        return;
    ss_attempt_rare *rare = rare_part(t, a);
    rare->latest_lost = (uint8_t)lost;
    if (lost && (!rare->lost_from || note->syn_index < rare->lost_from))
        rare->lost_from = (uint16_t)note->syn_index;
    note->options_dropped = (uint8_t)lost;
}

static void add_syn(ss_attempts *t, ss_conn *c, int dir, const ss_segment *seg, ss_attempt_note *note)
{
    ss_attempt *a = ss_attempts_latest(t, c, dir);
    if (a && a->isn == seg->seq && a->syn_count < SS_ATTEMPT_MAX_SYNS) {
        /* The client sent the SYN again, so a refusal seen before did not end
         * the attempt (Linux ignores an ICMP error that arrives while the
         * socket is busy, and one whose quote does not match). */
        if (a->outcome == SS_OUTCOME_REFUSED_ICMP || a->outcome == SS_OUTCOME_REFUSED_RST)
            set_outcome(a, SS_OUTCOME_OPEN);
    } else {
        if (a && a->outcome == SS_OUTCOME_OPEN) {
            set_outcome(a, SS_OUTCOME_SUPERSEDED);
            rare_part(t, a)->superseded_by = seg->frame;
            note->supersedes = a;
        }
        a = attempt_new(t, c, dir, seg);
    }
    if (seg->payload_len) {
        ss_attempt_rare *rare = rare_part(t, a);
        rare->syn_data_frame = seg->frame;
        rare->syn_data_len = seg->payload_len & 0x7fffffffu;
    }
    uint32_t first_frame = a->syn_count ? a->first_syn.frame : seg->frame;
    note->role = SS_ROLE_SYN;
    note->attempt = a;
    note->syn_index = add_syn_in_time(t, a, seg);
    note->opener_moved = note->syn_index == 0 && first_frame != seg->frame;
    if (note->syn_index == 0)
        set_first_carries(a, seg);
    else
        compare_with_first(t, a, seg, note);

    ss_attempt *other = ss_attempts_latest(t, c, !dir);
    if (other && other->outcome == SS_OUTCOME_OPEN && other->syn_count) {
        note->crosses = latest_syn(other);
        /* each SYN crosses the other: either may be answered through it */
        if (!ss_attempt_crossed_by(a))
            rare_part(t, a)->crossed_by = note->crosses;
        if (!ss_attempt_crossed_by(other))
            rare_part(t, other)->crossed_by = seg->frame;
    }
}

static void add_synack(ss_attempts *t, ss_conn *c, int dir, const ss_segment *seg, ss_attempt_note *note)
{
    if (!c->attempts.synack) {
        uint32_t index;
        ss_pool_add(t->synacks, &index);
        c->attempts.synack = index + 1;
    }
    synack_train *train = (synack_train *)ss_pool_at(t->synacks, c->attempts.synack - 1) + dir;
    if (train->valid && train->seq == seg->seq) {
        note->synack_retry = ++train->count;
        note->synack_gap_ns = ss_time_diff(seg->time_ns, train->last_ns);
        note->synack_acked_by = train->acked_by;
        note->synack_conn = c;
        note->synack_dir = (uint8_t)dir;
    } else {
        memset(train, 0, sizeof *train);
        train->valid = true;
        train->seq = seg->seq;
        c->attempts.synack_settled = 0;
    }
    train->last_ns = seg->time_ns;

    ss_attempt *a = ss_attempts_latest(t, c, !dir);
    if (a && ss_attempt_acks_syn(a, seg->ack) && attempt_can_end(a)) {
        uint32_t answered = syn_answered_by(a, seg);
        end_attempt(t, a, SS_OUTCOME_ANSWERED, seg, answered, note);
        a->evidence = SS_EVIDENCE_SYNACK;
        if (a->has_rare && ss_attempt_rare_part(a)->lost_from) {
            ss_attempt_rare *rare = rare_part(t, a);
            uint32_t index = ss_attempt_syn_index(a, answered);
            rare->answered_lost = index != UINT32_MAX && index >= rare->lost_from ? rare->latest_lost : 0;
        }
        if (ss_attempt_syn_data_len(a) && answered == ss_attempt_rare_part(a)->syn_data_frame &&
            seg->ack == a->isn + 1)
            rare_part(t, a)->syn_data_ignored = 1;
    }
}

/* The client's ACK of a SYN/ACK, and its first data: a SYN/ACK sent again
 * after them was not for want of the ACK (a listener that did not take it:
 * TCP_DEFER_ACCEPT, a full accept queue). Read until the handshake is over. */
static void follow_handshake(ss_attempts *t, ss_conn *c, int dir, const ss_segment *seg)
{
    synack_train *trains = ss_pool_at(t->synacks, c->attempts.synack - 1);
    synack_train *theirs = trains + !dir, *mine = trains + dir;
    if (mine->valid && mine->acked_by) {
        c->attempts.synack_settled = 1;     /* the server goes on: it has the ACK */
        return;
    }
    if (!theirs->valid || !(seg->flags & SS_TCP_ACK) || seg->ack != theirs->seq + 1)
        return;
    if (!theirs->acked_by)
        theirs->acked_by = seg->frame;
    if (seg->payload_len && !theirs->data_by) {
        theirs->data_by = seg->frame;
        theirs->data_ns = seg->time_ns;
        c->attempts.synack_settled = 1;
    }
}

bool ss_attempts_synack_train(const ss_attempts *t, const ss_conn *c, int dir, ss_synack_train *out)
{
    memset(out, 0, sizeof *out);
    if (!c || !c->attempts.synack)
        return false;
    const synack_train *train = (const synack_train *)ss_pool_at(t->synacks, c->attempts.synack - 1) + dir;
    if (!train->valid)
        return false;
    out->retries = train->count;
    out->last_ns = train->last_ns;
    out->acked_by = train->acked_by;
    out->data_by = train->data_by;
    out->data_ns = train->data_ns;
    return true;
}

/* A server's pure ACK, within the smallest RTO of an open attempt's latest
 * SYN, whose ack is not the SYN's: the server holds an older connection on
 * the 4-tuple and answers the SYN with that connection's ACK (RFC 5961
 * section 4; RFC 9293 section 3.10.7.4). */
static bool add_challenge_ack(ss_attempts *t, ss_attempt *a, const ss_segment *seg, ss_attempt_note *note)
{
    if (a->outcome != SS_OUTCOME_OPEN || seg->payload_len || (seg->flags & (SS_TCP_FIN | SS_TCP_RST)) ||
        ss_attempt_acks_syn(a, seg->ack))
        return false;
    ss_syn latest = ss_attempt_syn(a, a->syn_count - 1);
    if (ss_time_diff(seg->time_ns, latest.time_ns) >= SS_MIN_RTO_NS || seg->time_ns < latest.time_ns ||
        ss_attempt_challenge_ack(a))
        return false;
    ss_attempt_rare *rare = rare_part(t, a);
    rare->challenge_ack = seg->frame;
    rare->challenged_syn = latest.frame;
    note->challenge_of = latest.frame;
    note->attempt = a;
    return true;
}

/* The client's RST for a challenge ACK (seq = that ACK's ack): the server
 * drops the older connection, and the SYN sent next is answered. */
static void add_challenge_rst(ss_attempts *t, ss_attempt *a, const ss_segment *seg)
{
    ss_attempt_rare *rare = rare_part(t, a);
    if (!rare->challenge_rst && seg->frame > rare->challenge_ack)
        rare->challenge_rst = seg->frame;
}

/* A segment that proves the SYN/ACK arrived although the capture may not
 * hold it: from the client, seq = ISN + 1 (its ACK, data, FIN, or the RST a
 * kernel or scanner sends for a SYN/ACK it did not ask for); from the
 * server, a non-SYN segment acknowledging ISN + 1. Ends the attempt as
 * answered, with this frame as its outcome frame. */
static bool add_evidence(ss_attempts *t, const ss_conn *c, int dir, const ss_segment *seg, ss_attempt_note *note)
{
    bool rst = seg->flags & SS_TCP_RST;
    ss_attempt *mine = ss_attempts_latest(t, c, dir), *theirs = ss_attempts_latest(t, c, !dir);
    ss_attempt *a = NULL;
    ss_answer_evidence evidence = SS_EVIDENCE_NONE;
    if (mine && ((seg->flags & SS_TCP_ACK) || rst) && ss_attempt_acks_syn(mine, seg->seq) && attempt_can_end(mine)) {
        a = mine;
        evidence = rst ? SS_EVIDENCE_CLIENT_RST : SS_EVIDENCE_CLIENT_ACK;
    } else if (theirs && !rst && (seg->flags & SS_TCP_ACK) && ss_attempt_acks_syn(theirs, seg->ack) &&
               attempt_can_end(theirs)) {
        a = theirs;
        evidence = SS_EVIDENCE_SERVER_ACK;
    }
    if (!a) {
        if (theirs && (seg->flags & (SS_TCP_ACK | SS_TCP_RST)) == SS_TCP_ACK && attempt_can_end(theirs))
            return add_challenge_ack(t, theirs, seg, note);
        if (mine && rst && ss_attempt_challenge_ack(mine) && attempt_can_end(mine))
            add_challenge_rst(t, mine, seg);
        return false;
    }
    end_attempt(t, a, SS_OUTCOME_ANSWERED, seg, latest_syn(a), note);
    a->evidence = evidence;
    return true;
}

static void add_rst(ss_attempts *t, const ss_conn *c, int dir, const ss_segment *seg, ss_attempt_note *note)
{
    ss_attempt *a = ss_attempts_latest(t, c, !dir);
    /* Only an RST that acknowledges the SYN refuses it (RFC 9293 §3.10.7.3). */
    if (a && (seg->flags & SS_TCP_ACK) && ss_attempt_acks_syn(a, seg->ack) && attempt_can_end(a))
        end_attempt(t, a, SS_OUTCOME_REFUSED_RST, seg, latest_syn(a), note);
}

void ss_attempts_add_tcp_in(ss_attempts *t, ss_conn *c, int dir, const ss_segment *seg, ss_attempt_note *note)
{
    memset(note, 0, sizeof *note);
    uint8_t f = seg->flags;
    /* SYN+FIN and SYN+RST are scanner probes, not connection attempts:
     * Linux discards them in LISTEN and no stack sends them to connect. */
    if ((f & SS_TCP_SYN) && (f & (SS_TCP_FIN | SS_TCP_RST)))
        return;
    if (f & SS_TCP_SYN) {
        if (f & SS_TCP_ACK)
            add_synack(t, c, dir, seg, note);
        else
            add_syn(t, c, dir, seg, note);
    } else {
        if (c->attempts.synack && !c->attempts.synack_settled)
            follow_handshake(t, c, dir, seg);
        if (!add_evidence(t, c, dir, seg, note) && (f & SS_TCP_RST))
            add_rst(t, c, dir, seg, note);
    }
}

void ss_attempts_add_tcp(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    int dir;
    ss_conn *c = ss_conns_get(t->conns, &seg->tuple, &dir);
    ss_attempts_add_tcp_in(t, c, dir, seg, note);
}

ss_icmp_match ss_attempts_refuse_icmp(ss_attempts *t, const ss_segment *seg, ss_attempt_note *note)
{
    memset(note, 0, sizeof *note);
    const ss_icmp_quote *q = &seg->icmp;
    int dir;
    const ss_conn *c = q->has_seq || q->has_ports ? ss_conns_find(t->conns, &q->tuple, &dir) : NULL;
    ss_attempt *a = c ? ss_attempts_latest(t, c, dir) : NULL;
    if (!a)
        return SS_ICMP_NO_ATTEMPT;
    /* without the sequence number (a snaplen cut it) the open attempt on the
     * quoted addresses and ports is the only one it can be */
    if (q->has_seq && a->isn != q->seq)
        return SS_ICMP_OTHER_ISN;
    if (!attempt_can_end(a))
        return SS_ICMP_TOO_LATE;
    end_attempt(t, a, SS_OUTCOME_REFUSED_ICMP, seg, latest_syn(a), note);
    return SS_ICMP_ENDS_ATTEMPT;
}

/* How many of an attempt's SYNs, the latest first, a copy is looked for
 * among at most (a hostile capture's train of SYNs a microsecond apart). */
#define COPY_TRIES 64

uint32_t ss_attempt_copied_syn(const ss_attempt *a, const ss_segment *seg, int64_t *original_ns)
{
    if (!a || a->isn != seg->seq)
        return 0;
    uint32_t tries = 0;
    /* The SYNs are in time order: those more than SS_COPY_STRONG_NS later
     * are skipped, and the first more than that earlier ends the search (a
     * retry is the SYN before it by a second or more: one look). */
    for (uint32_t i = a->syn_count; i-- > 0 && tries++ < COPY_TRIES;) {
        ss_syn s = ss_attempt_syn(a, i);
        int64_t after = ss_time_diff(seg->time_ns, s.time_ns);
        if (after >= SS_COPY_STRONG_NS)
            break;
        if (s.has_ts == seg->has_ts && (!s.has_ts || s.tsval == seg->tsval) &&
            ss_is_copy(s.time_ns, seg->time_ns, seg->has_ts)) {
            *original_ns = s.time_ns;
            return s.frame;
        }
    }
    return 0;
}

/* --- reading an attempt ------------------------------------------------- */

bool ss_attempt_syn_resent_after_challenge(const ss_attempt *a, uint32_t i)
{
    const ss_attempt_rare *rare = ss_attempt_rare_part(a);
    return rare && rare->challenge_ack && i > 0 && i < a->syn_count &&
           ss_attempt_syn(a, i - 1).frame == rare->challenged_syn;
}

int64_t ss_attempt_next_syn_after_ns(const ss_attempt *a, int64_t time_ns)
{
    for (uint32_t i = 0; i < a->syn_count; i++) {
        int64_t t = ss_attempt_syn(a, i).time_ns;
        if (t > time_ns)
            return ss_time_diff(t, time_ns);
    }
    return 0;
}

bool ss_attempt_resent_at_once(const ss_attempt *a)
{
    if (a->syn_count < 2)
        return false;
    for (uint32_t i = 1; i < a->syn_count; i++)
        if (ss_attempt_gap_ns(a, i) >= 900 * (SS_NS_PER_SEC / 1000))
            return false;
    return true;
}

bool ss_refused_retry_is_windows(int64_t again_ns)
{
    return again_ns >= 350 * (SS_NS_PER_SEC / 1000) && again_ns <= 800 * (SS_NS_PER_SEC / 1000);
}

int64_t ss_attempt_elapsed_ns(const ss_attempt *a, int64_t time_ns) { return ss_time_diff(time_ns, a->first_syn.time_ns); }

int64_t ss_attempt_span_ns(const ss_attempt *a) { return ss_attempt_elapsed_ns(a, ss_attempt_syn(a, a->syn_count - 1).time_ns); }

bool ss_attempt_is_notable(const ss_attempt *a)
{
    return a->syn_count >= 2 || a->outcome != SS_OUTCOME_ANSWERED || a->evidence != SS_EVIDENCE_SYNACK ||
           ss_attempt_syn_data_ignored(a);
}

bool ss_attempt_answered_through_crossing(const ss_attempt *a)
{
    return a->outcome == SS_OUTCOME_ANSWERED && a->evidence != SS_EVIDENCE_SYNACK && ss_attempt_crossed_by(a) != 0;
}

bool ss_attempt_answer_not_captured(const ss_attempt *a)
{
    return a->outcome == SS_OUTCOME_ANSWERED && a->evidence != SS_EVIDENCE_SYNACK && ss_attempt_crossed_by(a) == 0;
}

ss_no_reply ss_attempt_no_reply(const ss_attempt *a, int64_t capture_end_ns)
{
    uint32_t n = a->syn_count;
    if (n >= 3)
        return SS_NO_REPLY_PERSISTENT;
    int64_t after = capture_end_ns ? ss_time_diff(capture_end_ns, ss_attempt_syn(a, n - 1).time_ns) : INT64_MAX;
    /* the next retransmission: after the first RTO, or twice the last gap,
     * with a quarter of slack for timers and load */
    int64_t due = n == 1 ? SS_FIRST_RETRY_DUE_NS : 2 * ss_attempt_gap_ns(a, 1);
    return after > due + due / 4 ? SS_NO_REPLY_STOPPED : SS_NO_REPLY_CUT;
}

bool ss_too_early_to_tell(uint32_t syn_count, int64_t first_syn_ns, int64_t capture_end_ns)
{
    return syn_count == 1 && capture_end_ns && ss_time_diff(capture_end_ns, first_syn_ns) < SS_MIN_RTO_NS;
}

ss_outcome ss_attempt_final_outcome(const ss_attempt *a, int64_t capture_end_ns)
{
    if (a->outcome != SS_OUTCOME_OPEN)
        return a->outcome;
    return ss_too_early_to_tell(a->syn_count, a->first_syn.time_ns, capture_end_ns) ? SS_OUTCOME_PENDING
                                                                                    : SS_OUTCOME_UNANSWERED;
}

int64_t ss_attempt_gap_ns(const ss_attempt *a, uint32_t i)
{
    if (i == 0 || i >= a->syn_count)
        return 0;
    return ss_time_diff(ss_attempt_syn(a, i).time_ns, ss_attempt_syn(a, i - 1).time_ns);
}

double ss_attempt_backoff(const ss_attempt *a, uint32_t i)
{
    if (i < 2 || i >= a->syn_count)
        return 0;
    int64_t prev = ss_attempt_gap_ns(a, i - 1);
    return prev > 0 ? (double)ss_attempt_gap_ns(a, i) / (double)prev : 0;
}

/* TCP timestamp clocks in use: Linux 1 kHz (100 to 1000 Hz before 4.13,
 * its HZ), 100 Hz on some Android kernels, Windows and macOS 1 kHz. */
static const double ts_rates[] = { 100, 250, 300, 1000 };
/* A gap's tick rate within this of a clock's rate counts as that clock. */
#define TS_RATE_TOLERANCE 0.10

static int compare_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The first n SYNs' gaps on the sender's clock, in nanoseconds: every SYN
 * carries a TSval, TSvals rise, and at least half the gaps tick at one of
 * ts_rates (the median gap's rate picks which). False otherwise. */
static bool sender_gaps(const ss_attempt *a, uint32_t n, int64_t *gaps)
{
    double rates[64];
    uint32_t m = n - 1 < G_N_ELEMENTS(rates) ? n - 1 : G_N_ELEMENTS(rates);
    for (uint32_t i = 1; i < n; i++) {
        ss_syn p = ss_attempt_syn(a, i - 1), s = ss_attempt_syn(a, i);
        uint32_t ticks = s.tsval - p.tsval;
        int64_t capture_gap = ss_attempt_gap_ns(a, i);
        if (!p.has_ts || !s.has_ts || ticks == 0 || ticks >= UINT32_C(0x80000000) || capture_gap <= 0)
            return false;
        if (i - 1 < m)
            rates[i - 1] = (double)ticks / ss_time_seconds(capture_gap);
    }
    double sorted[64];
    memcpy(sorted, rates, m * sizeof *rates);
    qsort(sorted, m, sizeof *sorted, compare_double);
    double median = sorted[m / 2], rate = 0;
    for (size_t r = 0; r < G_N_ELEMENTS(ts_rates); r++)
        if (fabs(median / ts_rates[r] - 1.0) <= TS_RATE_TOLERANCE)
            rate = ts_rates[r];
    if (rate == 0)
        return false;
    uint32_t agree = 0;
    for (uint32_t i = 0; i < m; i++)
        agree += fabs(rates[i] / rate - 1.0) <= TS_RATE_TOLERANCE;
    if (2 * agree < m)
        return false;
    for (uint32_t i = 1; i < n; i++)
        gaps[i - 1] = (int64_t)((double)(ss_attempt_syn(a, i).tsval - ss_attempt_syn(a, i - 1).tsval) / rate *
                             (double)SS_NS_PER_SEC);
    return true;
}

ss_schedule ss_attempt_schedule(const ss_attempt *a, uint32_t n, ss_schedule_clock *clock)
{
    if (clock)
        *clock = SS_CLOCK_CAPTURE;
    if (n > a->syn_count)
        n = a->syn_count;
    if (n < 3)
        return SS_SCHEDULE_NONE;
    int64_t stack[16];
    int64_t *gaps = n - 1 <= 16 ? stack : g_new(int64_t, n - 1);
    bool on_sender = sender_gaps(a, n, gaps);
    if (!on_sender)
        for (uint32_t i = 1; i < n; i++)
            gaps[i - 1] = ss_attempt_gap_ns(a, i);
    if (clock && on_sender)
        *clock = SS_CLOCK_SENDER;
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

const char *ss_schedule_clock_name(ss_schedule_clock c) { return c == SS_CLOCK_SENDER ? "sender" : "capture"; }

const char *ss_outcome_name(ss_outcome o)
{
    switch (o) {
    case SS_OUTCOME_ANSWERED: return "answered";
    case SS_OUTCOME_REFUSED_RST: return "refused-rst";
    case SS_OUTCOME_REFUSED_ICMP: return "refused-icmp";
    case SS_OUTCOME_SUPERSEDED: return "superseded";
    case SS_OUTCOME_UNANSWERED: return "unanswered";
    case SS_OUTCOME_PENDING: return "pending";
    case SS_OUTCOME_OPEN: break;
    }
    return NULL;
}

const char *ss_evidence_name(ss_answer_evidence e)
{
    switch (e) {
    case SS_EVIDENCE_SYNACK: return "synack";
    case SS_EVIDENCE_CLIENT_ACK: return "client-ack";
    case SS_EVIDENCE_CLIENT_RST: return "client-rst";
    case SS_EVIDENCE_SERVER_ACK: return "server-ack";
    case SS_EVIDENCE_NONE: break;
    }
    return "-";
}

/* --- many one-SYN attempts to one destination ------------------------- */

bool ss_outcome_failed(ss_outcome o)
{
    return o == SS_OUTCOME_UNANSWERED || o == SS_OUTCOME_OPEN || o == SS_OUTCOME_REFUSED_RST ||
           o == SS_OUTCOME_REFUSED_ICMP;
}

bool ss_attempt_is_lone_unanswered_syn(const ss_attempt *a, int64_t capture_end_ns)
{
    return a->syn_count == 1 && ss_attempt_final_outcome(a, capture_end_ns) == SS_OUTCOME_UNANSWERED;
}

/* One destination's lone SYNs: counted first, then their sources in
 * arrays of exactly that size (an IPv4 source in 4 bytes), only for the
 * destinations with enough of them: a flood of a million SYNs needs 4 MB
 * here for a moment, not 17 bytes a source in growing arrays. */
typedef struct flood_sources {
    ss_flood  flood;
    uint32_t  v4_count, other_count;    /* lone SYNs from IPv4 sources, and from others */
    uint32_t *v4;                       /* their sources, once collected */
    ss_addr  *other;
    uint32_t  v4_len, other_len;
} flood_sources;

static void flood_sources_free(gpointer p)
{
    flood_sources *f = p;
    g_free(f->v4);
    g_free(f->other);
    g_free(f);
}

static int u32_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int addr_order(const void *a, const void *b) { return memcmp(a, b, sizeof(ss_addr)); }

/* The destination of a lone unanswered SYN's attempt, as a hash key. */
static ss_tuple flood_key(const ss_attempt *a, ss_tuple *tuple)
{
    *tuple = ss_attempt_tuple(a);
    ss_tuple key;
    memset(&key, 0, sizeof key);
    key.dst = tuple->dst;
    key.dport = tuple->dport;
    return key;
}

GPtrArray *ss_attempts_floods(const ss_attempts *t, int64_t capture_end_ns, uint32_t min_sources)
{
    GPtrArray *floods = g_ptr_array_new_with_free_func(g_free);
    if (min_sources == 0)
        return floods;
    /* per destination, how many lone SYNs (attempts are in order of first
     * SYN, so each destination's first is its first) */
    GHashTable *by_dest = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, NULL);
    GPtrArray *dests = g_ptr_array_new_with_free_func(flood_sources_free);
    for (uint32_t i = 0; i < ss_pool_count(t->all); i++) {
        const ss_attempt *a = ss_pool_at(t->all, i);
        if (!ss_attempt_is_lone_unanswered_syn(a, capture_end_ns))
            continue;
        ss_tuple tuple, key = flood_key(a, &tuple);
        flood_sources *f = g_hash_table_lookup(by_dest, &key);
        if (!f) {
            f = g_new0(flood_sources, 1);
            f->flood.addr = key.dst;
            f->flood.port = key.dport;
            f->flood.first_ns = a->first_syn.time_ns;
            f->flood.first_frame = a->first_syn.frame;
            g_ptr_array_add(dests, f);
            g_hash_table_insert(by_dest, ss_memdup(&key, sizeof key), f);
        }
        f->flood.attempts++;
        if (a->first_syn.time_ns > f->flood.last_ns)
            f->flood.last_ns = a->first_syn.time_ns;
        if (tuple.src.family == 4)
            f->v4_count++;
        else
            f->other_count++;
    }
    /* the sources, for the destinations with attempts enough to be a flood */
    bool any = false;
    for (guint i = 0; i < dests->len; i++) {
        flood_sources *f = g_ptr_array_index(dests, i);
        if (f->flood.attempts < min_sources)
            continue;           /* fewer attempts than sources required */
        f->v4 = g_new(uint32_t, f->v4_count ? f->v4_count : 1);
        f->other = g_new(ss_addr, f->other_count ? f->other_count : 1);
        any = true;
    }
    for (uint32_t i = 0; any && i < ss_pool_count(t->all); i++) {
        const ss_attempt *a = ss_pool_at(t->all, i);
        if (!ss_attempt_is_lone_unanswered_syn(a, capture_end_ns))
            continue;
        ss_tuple tuple, key = flood_key(a, &tuple);
        flood_sources *f = g_hash_table_lookup(by_dest, &key);
        if (!f->v4)
            continue;
        if (tuple.src.family == 4)
            memcpy(&f->v4[f->v4_len++], tuple.src.bytes, 4);
        else
            f->other[f->other_len++] = tuple.src;
    }
    for (guint i = 0; i < dests->len; i++) {
        flood_sources *f = g_ptr_array_index(dests, i);
        if (!f->v4)
            continue;
        qsort(f->v4, f->v4_len, sizeof *f->v4, u32_order);
        qsort(f->other, f->other_len, sizeof *f->other, addr_order);
        uint32_t distinct = 0;
        for (uint32_t j = 0; j < f->v4_len; j++)
            distinct += j == 0 || f->v4[j] != f->v4[j - 1];
        for (uint32_t j = 0; j < f->other_len; j++)
            distinct += j == 0 || memcmp(&f->other[j], &f->other[j - 1], sizeof *f->other) != 0;
        f->flood.sources = distinct;
        if (distinct >= min_sources)
            g_ptr_array_add(floods, ss_memdup(&f->flood, sizeof f->flood));
    }
    g_ptr_array_unref(dests);
    g_hash_table_destroy(by_dest);
    return floods;
}
