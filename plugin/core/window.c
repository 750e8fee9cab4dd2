/* window.c - a sound lower bound on the window scale of connections whose
 * handshake is not in the capture
 *
 * Soundness: the bound must never exceed the true shift. A sender may use
 * any window its peer advertised, not only the latest (a receiver may shrink
 * its window, a sender does not take back what it was offered), so for each
 * candidate shift k we keep the farthest right edge the peer ever offered,
 * max(ack + raw << k), and the bound is the smallest k whose edge covers
 * every byte of new data. Evidence is not taken from retransmissions or
 * window probes (not new data), and a connection stops raising its bounds
 * once the capture shows it missed packets (a sequence gap, an ACK of data
 * never seen, or data beyond even the largest shift) or runs backwards in
 * time: when in doubt, the bound stays lower.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "window.h"

#include <glib.h>
#include <string.h>

#include "pool.h"

/* Sequence-space comparisons that survive wrap-around (RFC 1982). */
static bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

#define SHIFTS (SS_MAX_WSCALE + 1)

/* The farthest right edge a side offered, per candidate shift k, is
 * ack + (window << k) of one of its ACKs: each shift's edge comes from one
 * ACK, kept as a point (ack, window). A steady window gives one point for
 * all shifts; a window that shrank while the ACKs went on can give several
 * (never more than SHIFTS). One point is kept in the side itself, more in
 * a block of their own. */
typedef struct edge_block {
    uint32_t ack[SHIFTS];
    uint16_t win[SHIFTS];
} edge_block;

#define SIDE_SEEN    0x01
#define SIDE_HAS_ACK 0x02
#define SIDE_BLOCK   0x04       /* the points are in an edge_block: point_ack is its index */

/* What one side has sent and advertised: 32 bytes. */
typedef struct side {
    uint32_t snd_max;                   /* end of the farthest data this side sent */
    uint32_t last_ack;
    uint32_t last_ack_frame;
    uint32_t which[2];                  /* 4 bits per shift k: the point that gives shift k's edge */
    uint32_t point_ack;                 /* the one point, or (SIDE_BLOCK) the edge_block's index */
    uint16_t point_win;
    uint16_t last_win;                  /* raw window of this side's latest ACK */
    uint8_t  flags;                     /* SIDE_* */
    uint8_t  bound;                     /* proven minimum shift of this side's window */
} side;

/* Only connections seen mid-stream need the per-side state: 72 bytes. */
typedef struct midstream {
    int64_t last_time_ns;
    side    side[2];
} midstream;

struct ss_windows {
    ss_conns   *conns;              /* connection records: the windows' part in each */
    bool        owns_conns;
    ss_pool    *sides;              /* ss_conn_sides of every connection, in order of first frame */
    ss_pool    *mids;               /* midstream of the connections seen without their handshake */
    ss_pool    *edge_blocks;        /* edge_block of the sides whose edges come from several ACKs */
    uint32_t    one_way;            /* connections seen one direction only, so far */
    uint32_t    two_way;            /* connections seen in both directions */
};

static ss_windows *windows_new(ss_conns *conns, bool owns)
{
    ss_windows *w = g_new0(ss_windows, 1);
    w->conns = conns;
    w->owns_conns = owns;
    w->sides = ss_pool_new(sizeof(ss_conn_sides));
    w->mids = ss_pool_new(sizeof(midstream));
    w->edge_blocks = ss_pool_new(sizeof(edge_block));
    return w;
}

ss_windows *ss_windows_new(void) { return windows_new(ss_conns_new(), true); }

ss_windows *ss_windows_new_in(ss_conns *conns) { return windows_new(conns, false); }

void ss_windows_free(ss_windows *w)
{
    if (!w)
        return;
    ss_pool_free(w->sides);
    ss_pool_free(w->mids);
    ss_pool_free(w->edge_blocks);
    if (w->owns_conns)
        ss_conns_free(w->conns);
    g_free(w);
}

const ss_conn_sides *ss_windows_sides_at(const ss_windows *w, uint32_t n)
{
    return n < ss_pool_count(w->sides) ? ss_pool_at(w->sides, n) : NULL;
}

const ss_conn_sides *ss_windows_sides_starting_at(const ss_windows *w, uint32_t frame)
{
    /* in order of first frame: connections start as frames are fed */
    uint32_t lo = 0, hi = ss_pool_count(w->sides);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const ss_conn_sides *s = ss_pool_at(w->sides, mid);
        if (s->first_frame == frame)
            return s;
        if (s->first_frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool ss_windows_one_direction_only(const ss_windows *w) { return w->one_way > 0 && w->two_way == 0; }

ss_tuple ss_conn_sides_tuple(const ss_conn *conn, const ss_conn_sides *s)
{
    ss_tuple key = ss_conn_tuple(conn);
    return s->first_dir ? ss_tuple_reverse(&key) : key;
}

bool ss_conn_both_directions(const ss_conn_sides *s) { return s->seen == 3; }

bool ss_conn_one_direction(const ss_conn_sides *s) { return (s->seen == 1 || s->seen == 2) && s->beyond_syn; }

bool ss_window_note_present(const ss_window_note *n) { return n->scale_unknown || n->one_sided || n->sides; }

int ss_window_shift_needed(uint32_t in_flight, uint16_t raw)
{
    for (int k = 0; k <= SS_MAX_WSCALE; k++)
        if ((uint64_t)in_flight <= ((uint64_t)raw << k))
            return k;
    return SS_MAX_WSCALE + 1;
}

static void handshake_segment(ss_conn_windows *c, int dir, const ss_segment *seg, ss_window_note *note)
{
    if (!(seg->flags & SS_TCP_SYN))
        return;
    if (!(seg->flags & SS_TCP_ACK)) {
        c->syn_seen |= (uint8_t)(1u << dir);
        c->syn_wscale[dir] = seg->wscale;
        c->syn_isn[dir] = seg->seq;
        return;
    }
    /* Scaling is on only if both SYNs carry the option (RFC 7323 §2.2). */
    if ((c->syn_seen & (1u << !dir)) && !(c->state & SS_CONN_ONE_SIDED_MARKED) &&
        (c->syn_wscale[!dir] >= 0) != (seg->wscale >= 0)) {
        note->one_sided = true;
        c->state |= SS_CONN_ONE_SIDED_MARKED;
    }
}

static unsigned point_of(const side *s, int k) { return (s->which[k / 8] >> (4 * (k % 8))) & 0xf; }

/* Shift k's farthest right edge. */
static uint32_t edge_at(const ss_windows *w, const side *s, int k)
{
    if (!(s->flags & SIDE_BLOCK))
        return s->point_ack + ((uint32_t)s->point_win << k);
    const edge_block *b = ss_pool_at(w->edge_blocks, s->point_ack);
    unsigned i = point_of(s, k);
    return b->ack[i] + ((uint32_t)b->win[i] << k);
}

/* This ACK's edge replaces a shift's edge when it lies farther (ties keep
 * the older). The points no shift uses any more are dropped. */
static void offer_edges(ss_windows *w, side *s, uint32_t ack, uint16_t win)
{
    /* most ACKs repeat the one point, or move it forward at every shift */
    if ((s->flags & SIDE_HAS_ACK) && !(s->flags & SIDE_BLOCK) && ack == s->point_ack && win == s->point_win)
        return;
    uint32_t farther = 0;       /* bit k: the new edge is farther at shift k */
    for (int k = 0; k < SHIFTS; k++)
        if (!(s->flags & SIDE_HAS_ACK) || seq_after(ack + ((uint32_t)win << k), edge_at(w, s, k)))
            farther |= 1u << k;
    if (!farther)
        return;
    if (farther == (1u << SHIFTS) - 1 && !(s->flags & SIDE_BLOCK)) {
        s->point_ack = ack;     /* farther at every shift: the one point */
        s->point_win = win;
        s->which[0] = s->which[1] = 0;
        return;
    }
    uint32_t acks[SHIFTS];
    uint16_t wins[SHIFTS];
    unsigned points = 0, which[SHIFTS], renumbered[SHIFTS + 1];
    const edge_block *old = (s->flags & SIDE_BLOCK) ? ss_pool_at(w->edge_blocks, s->point_ack) : NULL;
    for (unsigned i = 0; i <= SHIFTS; i++)
        renumbered[i] = UINT32_MAX;
    for (int k = 0; k < SHIFTS; k++) {
        unsigned from = (farther >> k & 1) ? SHIFTS : point_of(s, k);   /* SHIFTS: the new point */
        if (renumbered[from] == UINT32_MAX) {
            renumbered[from] = points;
            acks[points] = from == SHIFTS ? ack : old ? old->ack[from] : s->point_ack;
            wins[points] = from == SHIFTS ? win : old ? old->win[from] : s->point_win;
            points++;
        }
        which[k] = renumbered[from];
    }
    if (points > 1 && !old) {
        uint32_t index;
        ss_pool_add(w->edge_blocks, &index);
        s->flags |= SIDE_BLOCK;
        s->point_ack = index;
    }
    if (s->flags & SIDE_BLOCK) {
        edge_block *b = ss_pool_at(w->edge_blocks, s->point_ack);
        memcpy(b->ack, acks, points * sizeof *acks);
        memcpy(b->win, wins, points * sizeof *wins);
    } else {
        s->point_ack = acks[0];
        s->point_win = wins[0];
    }
    s->which[0] = s->which[1] = 0;
    for (int k = 0; k < SHIFTS; k++)
        s->which[k / 8] |= which[k] << (4 * (k % 8));
}

/* The sender's data against the peer's offered edges. */
static void check_data(const ss_windows *w, ss_conn_windows *c, const side *s, side *peer, const ss_segment *seg,
                       ss_window_note *note)
{
    uint32_t end = seg->seq + seg->payload_len;
    bool seen = s->flags & SIDE_SEEN;
    if (seen && seq_after(seg->seq, s->snd_max))
        c->state |= SS_CONN_DOUBTFUL;   /* a segment before this one was not captured */
    bool new_data = !seen || seq_after(end, s->snd_max);
    if (!new_data || !(peer->flags & SIDE_HAS_ACK))
        return;                         /* a retransmission or a probe proves nothing */

    uint32_t in_flight = end - peer->last_ack;
    if ((int32_t)in_flight > 0 && in_flight > peer->last_win) {
        note->overrun = true;
        note->in_flight = in_flight;
        note->peer_raw = peer->last_win;
        note->peer_window_frame = peer->last_ack_frame;
    }
    if (!(c->state & SS_CONN_DOUBTFUL)) {
        int k = peer->bound;
        while (k <= SS_MAX_WSCALE && seq_after(end, edge_at(w, peer, k)))
            k++;
        if (k > SS_MAX_WSCALE)
            c->state |= SS_CONN_DOUBTFUL;   /* no shift explains it: the capture missed the peer's ACKs */
        else
            peer->bound = (uint8_t)k;
    }
    note->peer_min_shift = (int8_t)peer->bound;
}

static void take_ack(ss_windows *w, ss_conn_windows *c, side *s, const side *peer, const ss_segment *seg)
{
    if ((peer->flags & SIDE_SEEN) && seq_after(seg->ack, peer->snd_max))
        c->state |= SS_CONN_DOUBTFUL;   /* acknowledges data the capture never saw */
    if (!(s->flags & SIDE_HAS_ACK) || seq_after(seg->ack, s->last_ack))
        s->last_ack = seg->ack;
    s->last_win = seg->window;
    s->last_ack_frame = seg->frame;
    offer_edges(w, s, seg->ack, seg->window);
    s->flags |= SIDE_HAS_ACK;
}

void ss_windows_add_tcp(ss_windows *w, const ss_segment *seg, ss_window_note *note)
{
    int dir;
    uint32_t ref;
    ss_conn *c = ss_conns_get_ref(w->conns, &seg->tuple, &dir, &ref);
    ss_windows_add_tcp_in(w, c, ref, dir, seg, note);
}

void ss_windows_add_tcp_in(ss_windows *w, ss_conn *conn, uint32_t conn_ref, int dir, const ss_segment *seg,
                           ss_window_note *note)
{
    memset(note, 0, sizeof *note);
    note->min_shift = -1;
    ss_conn_windows *c = &conn->windows;
    bool syn_only = (seg->flags & SS_TCP_SYN) && !(seg->flags & SS_TCP_ACK);
    if (!c->sides ||
        (syn_only && ((c->state & SS_CONN_MIDSTREAM) ||
                      ((c->syn_seen & (1u << dir)) && c->syn_isn[dir] != seg->seq)))) {
        /* a new connection, or a new one reusing the addresses and ports (a
         * mid-stream state left behind stays unused in its pool) */
        memset(c, 0, sizeof *c);
        c->syn_wscale[0] = c->syn_wscale[1] = -1;
        if (!(seg->flags & SS_TCP_SYN)) {
            uint32_t index;
            ss_pool_add(w->mids, &index);
            c->mid = index + 1;
            c->state |= SS_CONN_MIDSTREAM;
        }
        uint32_t index;
        ss_conn_sides *sides = ss_pool_add(w->sides, &index);
        sides->conn = conn_ref;
        sides->first_frame = seg->frame;
        sides->first_dir = (uint8_t)dir;
        c->sides = index + 1;
        note->sides = sides;
        note->conn = conn;
    }
    ss_conn_sides *sides = ss_pool_at(w->sides, c->sides - 1);
    bool one_way = ss_conn_one_direction(sides), two_way = ss_conn_both_directions(sides);
    sides->seen |= (uint8_t)(1u << dir);
    if (!syn_only)
        sides->beyond_syn |= (uint8_t)(1u << dir);
    w->one_way += (uint32_t)ss_conn_one_direction(sides) - (uint32_t)one_way;
    w->two_way += (uint32_t)ss_conn_both_directions(sides) - (uint32_t)two_way;
    if (!(c->state & SS_CONN_MIDSTREAM)) {
        handshake_segment(c, dir, seg, note);
        return;
    }

    midstream *m = ss_pool_at(w->mids, c->mid - 1);
    side *s = &m->side[dir], *peer = &m->side[!dir];
    note->scale_unknown = true;
    note->first_in_direction = !(s->flags & SIDE_SEEN);
    note->raw = seg->window;
    if (seg->time_ns < m->last_time_ns)
        c->state |= SS_CONN_DOUBTFUL;   /* the capture runs backwards: merged or reordered */
    m->last_time_ns = seg->time_ns;

    if (seg->payload_len > 0 && !(seg->flags & SS_TCP_RST))
        check_data(w, c, s, peer, seg, note);
    if (seg->flags & SS_TCP_ACK)
        take_ack(w, c, s, peer, seg);

    /* a FIN takes a sequence number too: the peer's ACK of it is not "unseen" */
    uint32_t end = seg->seq + seg->payload_len + ((seg->flags & SS_TCP_FIN) ? 1 : 0);
    if (!(s->flags & SIDE_SEEN) || seq_after(end, s->snd_max))
        s->snd_max = end;
    s->flags |= SIDE_SEEN;
    if (s->bound > 0)
        note->min_shift = (int8_t)s->bound;
}
