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

/* Sequence-space comparisons that survive wrap-around (RFC 1982). */
static bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* What one side has sent and advertised. */
typedef struct side {
    bool     seen;
    bool     has_ack;
    uint8_t  bound;                     /* proven minimum shift of this side's window */
    uint16_t last_win;                  /* raw window of this side's latest ACK */
    uint32_t snd_max;                   /* end of the farthest data this side sent */
    uint32_t last_ack;
    uint32_t last_ack_frame;
    uint32_t edge[SS_MAX_WSCALE + 1];   /* farthest right edge offered, per candidate shift */
} side;

/* Only connections seen mid-stream need the per-side state. */
typedef struct midstream {
    bool    doubtful;                   /* the capture missed packets: bounds stop rising */
    int64_t last_time_ns;
    side    side[2];
} midstream;

typedef struct conn {
    ss_tuple key;                       /* first: the record is its own hash-table key */
    midstream *mid;                     /* NULL: the first segment seen was a SYN or SYN/ACK */
    ss_conn_sides *sides;               /* owned by ss_windows.sides: notes point at it */
    bool    one_sided_marked;
    int8_t  syn_wscale[2];              /* handshake: the SYN's window-scale option, -1 none */
    bool    syn_seen[2];
    uint32_t syn_isn[2];                /* the SYN's sequence number */
} conn;

static void conn_free(gpointer p)
{
    conn *c = p;
    g_free(c->mid);
    g_free(c);
}

struct ss_windows {
    GHashTable *conns;                  /* ss_tuple key -> conn */
    GPtrArray  *sides;                  /* every connection's ss_conn_sides, kept for the final view */
    uint32_t    one_way;                /* connections seen one direction only, so far */
    uint32_t    two_way;                /* connections seen in both directions */
};

ss_windows *ss_windows_new(void)
{
    ss_windows *w = g_new0(ss_windows, 1);
    /* a set of records keyed by their first member: no separate keys or values */
    w->conns = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, NULL, conn_free);
    w->sides = g_ptr_array_new_with_free_func(g_free);
    return w;
}

void ss_windows_free(ss_windows *w)
{
    if (!w)
        return;
    g_hash_table_destroy(w->conns);
    g_ptr_array_free(w->sides, TRUE);
    g_free(w);
}

const ss_conn_sides *ss_windows_sides_starting_at(const ss_windows *w, uint32_t frame)
{
    /* in order of first frame: connections start as frames are fed */
    guint lo = 0, hi = w->sides->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const ss_conn_sides *s = g_ptr_array_index(w->sides, mid);
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

bool ss_conn_one_direction(const ss_conn_sides *s)
{
    return s->seen[0] != s->seen[1] && (s->beyond_syn[0] || s->beyond_syn[1]);
}

bool ss_window_note_present(const ss_window_note *n) { return n->scale_unknown || n->one_sided || n->sides; }

int ss_window_shift_needed(uint32_t in_flight, uint16_t raw)
{
    for (int k = 0; k <= SS_MAX_WSCALE; k++)
        if ((uint64_t)in_flight <= ((uint64_t)raw << k))
            return k;
    return SS_MAX_WSCALE + 1;
}

static void handshake_segment(conn *c, int dir, const ss_segment *seg, ss_window_note *note)
{
    if (!(seg->flags & SS_TCP_SYN))
        return;
    if (!(seg->flags & SS_TCP_ACK)) {
        c->syn_seen[dir] = true;
        c->syn_wscale[dir] = seg->wscale;
        c->syn_isn[dir] = seg->seq;
        return;
    }
    /* Scaling is on only if both SYNs carry the option (RFC 7323 §2.2). */
    if (c->syn_seen[!dir] && !c->one_sided_marked && (c->syn_wscale[!dir] >= 0) != (seg->wscale >= 0)) {
        note->one_sided = true;
        c->one_sided_marked = true;
    }
}

/* The sender's data against the peer's offered edges. */
static void check_data(midstream *m, side *s, side *peer, const ss_segment *seg, ss_window_note *note)
{
    uint32_t end = seg->seq + seg->payload_len;
    if (s->seen && seq_after(seg->seq, s->snd_max))
        m->doubtful = true;             /* a segment before this one was not captured */
    bool new_data = !s->seen || seq_after(end, s->snd_max);
    if (!new_data || !peer->has_ack)
        return;                         /* a retransmission or a probe proves nothing */

    uint32_t in_flight = end - peer->last_ack;
    if ((int32_t)in_flight > 0 && in_flight > peer->last_win) {
        note->overrun = true;
        note->in_flight = in_flight;
        note->peer_raw = peer->last_win;
        note->peer_window_frame = peer->last_ack_frame;
    }
    if (!m->doubtful) {
        int k = peer->bound;
        while (k <= SS_MAX_WSCALE && seq_after(end, peer->edge[k]))
            k++;
        if (k > SS_MAX_WSCALE)
            m->doubtful = true;         /* no shift explains it: the capture missed the peer's ACKs */
        else
            peer->bound = (uint8_t)k;
    }
    note->peer_min_shift = (int8_t)peer->bound;
}

static void take_ack(midstream *m, side *s, const side *peer, const ss_segment *seg)
{
    if (peer->seen && seq_after(seg->ack, peer->snd_max))
        m->doubtful = true;             /* acknowledges data the capture never saw */
    if (!s->has_ack || seq_after(seg->ack, s->last_ack))
        s->last_ack = seg->ack;
    s->last_win = seg->window;
    s->last_ack_frame = seg->frame;
    for (int k = 0; k <= SS_MAX_WSCALE; k++) {
        uint32_t edge = seg->ack + ((uint32_t)seg->window << k);
        if (!s->has_ack || seq_after(edge, s->edge[k]))
            s->edge[k] = edge;
    }
    s->has_ack = true;
}

void ss_windows_add_tcp(ss_windows *w, const ss_segment *seg, ss_window_note *note)
{
    memset(note, 0, sizeof *note);
    note->min_shift = -1;
    int dir;
    ss_tuple key = ss_conn_key(&seg->tuple, &dir);
    conn *c = g_hash_table_lookup(w->conns, &key);
    bool syn_only = (seg->flags & SS_TCP_SYN) && !(seg->flags & SS_TCP_ACK);
    if (!c || (syn_only && (c->mid || (c->syn_seen[dir] && c->syn_isn[dir] != seg->seq)))) {
        /* a new connection, or a new one reusing the addresses and ports */
        if (!c) {
            c = g_new(conn, 1);
            c->key = key;
            g_hash_table_add(w->conns, c);
        } else {
            g_free(c->mid);
        }
        memset(c, 0, sizeof *c);
        c->key = key;                   /* the same key: the table stays as it was */
        c->syn_wscale[0] = c->syn_wscale[1] = -1;
        if (!(seg->flags & SS_TCP_SYN))
            c->mid = g_new0(midstream, 1);
        c->sides = g_new0(ss_conn_sides, 1);
        c->sides->tuple = seg->tuple;
        c->sides->first_frame = seg->frame;
        g_ptr_array_add(w->sides, c->sides);
        note->sides = c->sides;
    }
    bool one_way = ss_conn_one_direction(c->sides), two_way = c->sides->seen[0] && c->sides->seen[1];
    c->sides->seen[dir] = true;
    if (!syn_only)
        c->sides->beyond_syn[dir] = true;
    w->one_way += (uint32_t)ss_conn_one_direction(c->sides) - (uint32_t)one_way;
    w->two_way += (uint32_t)(c->sides->seen[0] && c->sides->seen[1]) - (uint32_t)two_way;
    if (!c->mid) {
        handshake_segment(c, dir, seg, note);
        return;
    }

    midstream *m = c->mid;
    side *s = &m->side[dir], *peer = &m->side[!dir];
    note->scale_unknown = true;
    note->first_in_direction = !s->seen;
    note->raw = seg->window;
    if (seg->time_ns < m->last_time_ns)
        m->doubtful = true;             /* the capture runs backwards: merged or reordered */
    m->last_time_ns = seg->time_ns;

    if (seg->payload_len > 0 && !(seg->flags & SS_TCP_RST))
        check_data(m, s, peer, seg, note);
    if (seg->flags & SS_TCP_ACK)
        take_ack(m, s, peer, seg);

    /* a FIN takes a sequence number too: the peer's ACK of it is not "unseen" */
    uint32_t end = seg->seq + seg->payload_len + ((seg->flags & SS_TCP_FIN) ? 1 : 0);
    if (!s->seen || seq_after(end, s->snd_max))
        s->snd_max = end;
    s->seen = true;
    if (s->bound > 0)
        note->min_shift = (int8_t)s->bound;
}
