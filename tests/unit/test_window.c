/* test_window.c - the window-scale lower bound on hand-made sequences
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "window.h"

#include "check.h"
#include "fixtures.h"

static ss_tuple c2s_tuple(void) { return test_tuple(1, 50000, 2, 6379); }

static uint32_t frame_no;
/* The tracker under test: fresh for every test that feeds segments, from frame 1. */
static ss_windows *w;

#define RUN_WITH_TRACKER(test)     \
    do {                           \
        frame_no = 0;              \
        w = ss_windows_new();      \
        RUN(test);                 \
        ss_windows_free(w);        \
    } while (0)

static ss_window_note seg(ss_windows *tracker, bool from_client, uint8_t flags, uint32_t seq, uint32_t ack,
                          uint16_t win, uint32_t len)
{
    ss_tuple t = c2s_tuple();
    ++frame_no;
    ss_segment s = test_tcp(frame_no, (int64_t)frame_no * 1000, from_client ? t : ss_tuple_reverse(&t), flags, seq, ack);
    s.window = win;
    s.payload_len = len;
    ss_window_note n;
    ss_windows_add_tcp(tracker, &s, &n);
    return n;
}

#define ACK SS_TCP_ACK
#define CLIENT true
#define SERVER false

static void test_shift_needed(void)
{
    CHECK_EQ_INT(ss_window_shift_needed(308, 190), 1);
    CHECK_EQ_INT(ss_window_shift_needed(308, 127), 2);
    CHECK_EQ_INT(ss_window_shift_needed(190, 190), 0);
    CHECK_EQ_INT(ss_window_shift_needed(65024, 127), 9);
    CHECK_EQ_INT(ss_window_shift_needed(1, 0), SS_MAX_WSCALE + 1);
    CHECK_EQ_INT(ss_window_shift_needed(UINT32_MAX, 1), SS_MAX_WSCALE + 1);
}

/* The Redis case: the server advertises 190, the client sends 308 bytes. */
static void test_redis_case(void)
{
    ss_window_note n = seg(w, SERVER, ACK, 9000, 1000, 190, 0);
    CHECK(n.scale_unknown && n.first_in_direction);
    CHECK_EQ_INT(n.raw, 190);
    CHECK_EQ_INT(n.min_shift, -1);
    n = seg(w, CLIENT, ACK, 1000, 9000, 500, 308);
    CHECK(n.first_in_direction);
    CHECK(n.overrun);
    CHECK_EQ_INT(n.in_flight, 308);
    CHECK_EQ_INT(n.peer_raw, 190);
    CHECK_EQ_INT(n.peer_window_frame, 1);
    CHECK_EQ_INT(n.peer_min_shift, 1);
    n = seg(w, SERVER, ACK, 9000, 1308, 190, 0);
    CHECK(!n.first_in_direction);
    CHECK_EQ_INT(n.min_shift, 1);           /* the server's own window, bounded by the client's data */
    n = seg(w, CLIENT, ACK, 1308, 9000, 500, 100);
    CHECK(!n.overrun);                      /* 100 bytes fit in 190 */
}

/* A receiver may shrink its window: data sent under the earlier, larger
 * offer proves nothing about the scale. */
static void test_shrinking_window(void)
{
    seg(w, SERVER, ACK, 9000, 1000, 1000, 0);      /* edge 2000 at shift 0 */
    seg(w, SERVER, ACK, 9000, 1000, 10, 0);        /* shrinks to 10 */
    ss_window_note n = seg(w, CLIENT, ACK, 1000, 9000, 500, 900);
    CHECK(n.overrun);                               /* beyond ack + raw 10, as the contract defines */
    CHECK_EQ_INT(n.peer_min_shift, 0);              /* but the earlier offer covers it: no proof */
    n = seg(w, SERVER, ACK, 9000, 1900, 10, 0);
    CHECK_EQ_INT(n.min_shift, -1);
}

static void test_retransmission_and_probe(void)
{
    seg(w, SERVER, ACK, 9000, 1000, 100, 0);
    seg(w, CLIENT, ACK, 1000, 9000, 500, 100);      /* fills the window exactly */
    seg(w, SERVER, ACK, 9000, 1100, 0, 0);          /* zero window */
    /* a window probe carries one old byte: not new data */
    ss_window_note n = seg(w, CLIENT, ACK, 1099, 9000, 500, 1);
    CHECK(!n.overrun);
    CHECK_EQ_INT(n.peer_min_shift, 0);
    /* a retransmission of old data after the window closed proves nothing */
    n = seg(w, CLIENT, ACK, 1000, 9000, 500, 100);
    CHECK_EQ_INT(n.peer_min_shift, 0);
    n = seg(w, SERVER, ACK, 9000, 1100, 0, 0);
    CHECK_EQ_INT(n.min_shift, -1);
}

/* Data beyond any shift's edge means the capture missed the peer's ACKs:
 * the connection stops raising its bounds. */
static void test_missed_ack(void)
{
    seg(w, SERVER, ACK, 9000, 1000, 2, 0);
    ss_window_note n = seg(w, CLIENT, ACK, 1000, 9000, 500, 600);   /* needs shift 9: fine */
    CHECK_EQ_INT(n.peer_min_shift, 9);
    n = seg(w, CLIENT, ACK, 1600, 9000, 500, 1000000);              /* beyond 2 << 14: impossible */
    CHECK_EQ_INT(n.peer_min_shift, 9);
    n = seg(w, SERVER, ACK, 9000, 1000, 200, 0);
    n = seg(w, CLIENT, ACK, 1001600, 9000, 500, 200000);            /* would need more, but in doubt */
    CHECK_EQ_INT(n.peer_min_shift, 9);
}

static void test_gap_and_unseen_ack_stop_the_bound(void)
{
    seg(w, SERVER, ACK, 9000, 1000, 10, 0);
    seg(w, CLIENT, ACK, 1000, 9000, 500, 10);
    seg(w, CLIENT, ACK, 5000, 9000, 500, 10);                       /* 1010..5000 not captured */
    ss_window_note n = seg(w, CLIENT, ACK, 5010, 9000, 500, 5000);  /* would prove shift 10 */
    CHECK_EQ_INT(n.peer_min_shift, 0);

    ss_windows_free(w);                                             /* a second connection, afresh */
    frame_no = 0;
    w = ss_windows_new();
    seg(w, CLIENT, ACK, 1000, 9000, 500, 10);
    seg(w, SERVER, ACK, 9000, 7777, 10, 0);                         /* acks data never seen */
    n = seg(w, CLIENT, ACK, 1010, 9000, 500, 5000);
    CHECK_EQ_INT(n.peer_min_shift, 0);
}

static void test_wraparound(void)
{
    uint32_t ack = UINT32_MAX - 100;
    seg(w, SERVER, ACK, 9000, ack, 64, 0);
    ss_window_note n = seg(w, CLIENT, ACK, ack, 9000, 500, 1000);  /* ends past 2^32 */
    CHECK(n.overrun);
    CHECK_EQ_INT(n.in_flight, 1000);
    CHECK_EQ_INT(n.peer_min_shift, 4);                              /* 1000 <= 64 << 4 */
    n = seg(w, CLIENT, ACK, ack + 1000, 9000, 500, 10);
    CHECK_EQ_INT(n.peer_min_shift, 4);                              /* 1010 still fits 1024 */
}

static void test_out_of_order_capture(void)
{
    frame_no = 10;
    seg(w, SERVER, ACK, 9000, 1000, 10, 0);
    frame_no = 2;                                                   /* time runs backwards */
    ss_window_note n = seg(w, CLIENT, ACK, 1000, 9000, 500, 5000);
    CHECK_EQ_INT(n.peer_min_shift, 0);
}

static void test_handshake_present_and_one_sided(void)
{
    ss_segment s = test_tcp(1, 0, c2s_tuple(), SS_TCP_SYN, 1000, 0);
    s.wscale = 7;
    ss_window_note n;
    ss_windows_add_tcp(w, &s, &n);
    CHECK(!n.scale_unknown);
    s.frame = 2;
    s.tuple = ss_tuple_reverse(&s.tuple);
    s.flags = SS_TCP_SYN | SS_TCP_ACK;
    s.seq = 9000;
    s.ack = 1001;
    s.wscale = -1;                          /* the server does not offer scaling */
    ss_windows_add_tcp(w, &s, &n);
    CHECK(n.one_sided);
    CHECK(!n.scale_unknown);
    n = seg(w, CLIENT, ACK, 1001, 9001, 10, 5000);
    CHECK(!n.scale_unknown);                /* no flags on a connection with its handshake */
    CHECK(!n.overrun);
}

/* Which sides of a connection the capture holds, and what the window
 * analysis claims when it holds one. */
static void test_one_direction(void)
{
    /* the client's SYN, ACK and data, nothing from the server */
    ss_segment syn = test_tcp(1, 0, c2s_tuple(), SS_TCP_SYN, 1000, 0);
    ss_window_note n;
    ss_windows_add_tcp(w, &syn, &n);
    const ss_conn_sides *sides = n.sides;
    CHECK(sides != NULL);
    CHECK_EQ_INT(sides->first_frame, 1);
    ss_tuple client = c2s_tuple(), first = ss_conn_sides_tuple(n.conn, sides);
    CHECK(ss_tuple_equal(&first, &client));         /* the first frame's sender -> receiver */
    CHECK(!ss_conn_one_direction(sides));           /* a SYN alone: an attempt, not a capture artefact */
    frame_no = 1;
    n = seg(w, CLIENT, ACK, 1001, 9001, 502, 0);
    CHECK(n.sides == NULL);                         /* only the first frame carries them */
    n = seg(w, CLIENT, ACK, 1001, 9001, 502, 300);
    CHECK(!n.scale_unknown && !n.overrun);
    CHECK(ss_conn_one_direction(sides));

    /* a SYN flood: one SYN each from many sources is never "one direction" */
    for (uint16_t port = 1; port <= 50; port++) {
        ss_segment s = test_tcp(100 + port, 0, test_tuple(9, port, 2, 80), SS_TCP_SYN, port, 0);
        ss_windows_add_tcp(w, &s, &n);
        CHECK(!ss_conn_one_direction(n.sides));
    }

    /* mid-stream, the server's data only: no ACKs of the peer, so no bound and no overrun */
    ss_tuple mid = test_tuple(5, 40000, 6, 443);
    ss_segment d = test_tcp(200, 0, ss_tuple_reverse(&mid), SS_TCP_ACK, 70000, 3000);
    d.payload_len = 60000;
    d.window = 3;
    ss_windows_add_tcp(w, &d, &n);
    sides = n.sides;
    first = ss_conn_sides_tuple(n.conn, sides);
    ss_tuple server = ss_tuple_reverse(&mid);
    CHECK(ss_tuple_equal(&first, &server));         /* its key runs the other way */
    CHECK(n.scale_unknown);
    d.frame = 201;
    d.seq += 60000;
    ss_windows_add_tcp(w, &d, &n);
    CHECK(!n.overrun);
    CHECK_EQ_INT(n.min_shift, -1);
    CHECK(ss_conn_one_direction(sides));

    /* both sides seen: not one direction */
    ss_segment back = test_tcp(202, 0, mid, SS_TCP_ACK, 3000, 130000);
    ss_windows_add_tcp(w, &back, &n);
    CHECK(!ss_conn_one_direction(sides));
}

/* --- the edges kept as points, against one edge per shift --------------- */

/* The analysis as it was first written: the farthest right edge kept for
 * every candidate shift. The points the analysis keeps instead must give
 * the same bounds, overruns and doubts on any sequence. */
typedef struct ref_side {
    bool seen, has_ack;
    uint8_t bound;
    uint16_t last_win;
    uint32_t snd_max, last_ack, last_ack_frame;
    uint32_t edge[SS_MAX_WSCALE + 1];
} ref_side;

typedef struct ref_conn {
    bool doubtful;
    ref_side side[2];
} ref_conn;

static bool ref_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static void ref_feed(ref_conn *m, int dir, const ss_segment *seg, ss_window_note *note)
{
    memset(note, 0, sizeof *note);
    note->min_shift = -1;
    ref_side *s = &m->side[dir], *peer = &m->side[!dir];
    if (seg->payload_len > 0) {
        uint32_t end = seg->seq + seg->payload_len;
        if (s->seen && ref_after(seg->seq, s->snd_max))
            m->doubtful = true;
        if ((!s->seen || ref_after(end, s->snd_max)) && peer->has_ack) {
            uint32_t in_flight = end - peer->last_ack;
            if ((int32_t)in_flight > 0 && in_flight > peer->last_win) {
                note->overrun = true;
                note->in_flight = in_flight;
                note->peer_raw = peer->last_win;
                note->peer_window_frame = peer->last_ack_frame;
            }
            if (!m->doubtful) {
                int k = peer->bound;
                while (k <= SS_MAX_WSCALE && ref_after(end, peer->edge[k]))
                    k++;
                if (k > SS_MAX_WSCALE)
                    m->doubtful = true;
                else
                    peer->bound = (uint8_t)k;
            }
            note->peer_min_shift = (int8_t)peer->bound;
        }
    }
    if (seg->flags & SS_TCP_ACK) {
        if (peer->seen && ref_after(seg->ack, peer->snd_max))
            m->doubtful = true;
        if (!s->has_ack || ref_after(seg->ack, s->last_ack))
            s->last_ack = seg->ack;
        s->last_win = seg->window;
        s->last_ack_frame = seg->frame;
        for (int k = 0; k <= SS_MAX_WSCALE; k++) {
            uint32_t edge = seg->ack + ((uint32_t)seg->window << k);
            if (!s->has_ack || ref_after(edge, s->edge[k]))
                s->edge[k] = edge;
        }
        s->has_ack = true;
    }
    uint32_t end = seg->seq + seg->payload_len;
    if (!s->seen || ref_after(end, s->snd_max))
        s->snd_max = end;
    s->seen = true;
    if (s->bound > 0)
        note->min_shift = (int8_t)s->bound;
}

static uint32_t rnd_state;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1664525u + 1013904223u;
    return (rnd_state >> 8) % n;
}

/* Windows that grow, shrink and jump, ACKs that lag, data beyond the raw
 * window, retransmissions: many points per side. */
static void test_edge_points_match_reference(void)
{
    for (uint32_t trial = 0; trial < 200; trial++) {
        rnd_state = trial;
        ss_windows *tracker = ss_windows_new();
        ref_conn ref;
        memset(&ref, 0, sizeof ref);
        ss_tuple t = c2s_tuple(), back = ss_tuple_reverse(&t);
        uint32_t next[2] = { 1000 + rnd(1u << 20), 0xfff00000u + rnd(1u << 20) };  /* the second wraps */
        uint32_t acked[2] = { next[1], next[0] };   /* what each side has acknowledged of the other */
        uint16_t win[2] = { (uint16_t)(1 + rnd(65535)), (uint16_t)(1 + rnd(65535)) };
        for (uint32_t f = 1; f <= 400; f++) {
            int dir = (int)rnd(2);
            ss_segment seg = test_tcp(f, (int64_t)f * 1000, dir == 0 ? t : back, SS_TCP_ACK, next[dir], acked[dir]);
            switch (rnd(4)) {
            case 0: win[dir] = (uint16_t)(win[dir] > 64 ? win[dir] - rnd(win[dir] / 2u) : win[dir] + 64u); break;
            case 1: win[dir] = (uint16_t)(1 + rnd(65535)); break;
            default: break;
            }
            seg.window = win[dir];
            if (rnd(3)) {
                seg.payload_len = 1 + rnd(rnd(2) ? 2000 : 400000);
                if (rnd(8) == 0 && seg.seq - seg.payload_len != 0)
                    seg.seq -= seg.payload_len;     /* a retransmission */
                else
                    next[dir] += seg.payload_len;
            }
            /* the ACK sent acknowledges some of what the other side sent */
            if (rnd(2))
                acked[dir] += (next[!dir] - acked[dir]) / (1 + rnd(4));
            ss_window_note got, want;
            ss_windows_add_tcp(tracker, &seg, &got);
            ref_feed(&ref, dir == 0 ? 0 : 1, &seg, &want);
            CHECK_EQ_INT(got.min_shift, want.min_shift);
            CHECK_EQ_INT(got.overrun, want.overrun);
            CHECK_EQ_INT(got.in_flight, want.in_flight);
            CHECK_EQ_INT(got.peer_raw, want.peer_raw);
            CHECK_EQ_INT(got.peer_window_frame, want.peer_window_frame);
            CHECK_EQ_INT(got.peer_min_shift, want.peer_min_shift);
        }
        ss_windows_free(tracker);
    }
}

int main(void)
{
    RUN(test_shift_needed);
    RUN_WITH_TRACKER(test_redis_case);
    RUN_WITH_TRACKER(test_shrinking_window);
    RUN_WITH_TRACKER(test_retransmission_and_probe);
    RUN_WITH_TRACKER(test_missed_ack);
    RUN_WITH_TRACKER(test_gap_and_unseen_ack_stop_the_bound);
    RUN_WITH_TRACKER(test_wraparound);
    RUN_WITH_TRACKER(test_out_of_order_capture);
    RUN_WITH_TRACKER(test_handshake_present_and_one_sided);
    RUN_WITH_TRACKER(test_one_direction);
    RUN(test_edge_points_match_reference);
    return check_report();
}
