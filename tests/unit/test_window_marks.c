/* test_window_marks.c - window notes kept in four bytes give back the note
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "window_marks.h"

#include "analysis.h"
#include "check.h"
#include "fixtures.h"

/* The fields the output layer reads of a note (the overrun's figures and
 * the peer's bound only with an overrun). */
static void check_same_note(const ss_window_note *got, const ss_window_note *want)
{
    CHECK(got->scale_unknown == want->scale_unknown);
    CHECK(got->first_in_direction == want->first_in_direction);
    CHECK_EQ_INT(got->raw, want->raw);
    CHECK_EQ_INT(got->min_shift, want->min_shift);
    CHECK(got->overrun == want->overrun);
    if (want->overrun) {
        CHECK_EQ_INT(got->in_flight, want->in_flight);
        CHECK_EQ_INT(got->peer_raw, want->peer_raw);
        CHECK_EQ_INT(got->peer_window_frame, want->peer_window_frame);
        CHECK_EQ_INT(got->peer_min_shift, want->peer_min_shift);
    }
    CHECK(got->one_sided == want->one_sided);
    CHECK(got->sides == want->sides);
}

static void test_fits(void)
{
    ss_window_note n;
    memset(&n, 0, sizeof n);
    n.min_shift = -1;
    CHECK(ss_window_note_fits_mark(&n));
    n.min_shift = SS_MAX_WSCALE;
    CHECK(ss_window_note_fits_mark(&n));
    n.overrun = true;
    CHECK(ss_window_note_fits_mark(&n));
    n.overrun = false;
    n.one_sided = true;
    CHECK(!ss_window_note_fits_mark(&n));
}

static void test_round_trip_and_blocks(void)
{
    ss_window_marks *m = ss_window_marks_new();
    ss_window_note n, got;
    bool starts;
    CHECK(!ss_window_marks_get(m, 1, &got, &starts));
    CHECK_EQ_INT(ss_window_marks_bytes(m), 0);
    uint16_t raws[] = { 0, 1, 190, 65535 };
    int8_t shifts[] = { -1, 0, 7, SS_MAX_WSCALE };
    uint32_t frames[] = { 1, 1023, 1024, 1000000 };    /* block edges and a far block */
    for (int i = 0; i < 4; i++) {
        memset(&n, 0, sizeof n);
        n.scale_unknown = i != 0;
        n.first_in_direction = i == 1;
        n.raw = raws[i];
        n.min_shift = shifts[i];
        ss_window_marks_put(m, frames[i], &n);
    }
    for (int i = 0; i < 4; i++) {
        CHECK(ss_window_marks_get(m, frames[i], &got, &starts));
        CHECK(!starts);
        CHECK(got.scale_unknown == (i != 0));
        CHECK(got.first_in_direction == (i == 1));
        CHECK_EQ_INT(got.raw, raws[i]);
        CHECK_EQ_INT(got.min_shift, shifts[i]);
    }
    CHECK(!ss_window_marks_get(m, 2, &got, &starts));
    CHECK(!ss_window_marks_get(m, 999999, &got, &starts));
    CHECK(!ss_window_marks_get(m, 2000000, &got, &starts));
    /* three blocks of 1,024 marks, and the table of blocks up to frame 1000000 */
    CHECK_EQ_INT(ss_window_marks_bytes(m), 3 * 1024 * 4 + (1000000 / 1024 + 1) * sizeof(void *));
    ss_window_marks_free(m);
}

/* Through the analysis: every note of a mid-stream connection and of a
 * handshake comes back the same, overruns and the sides of each
 * connection's first frame included. */
static void test_analysis_keeps_what_fits(void)
{
    ss_analysis *an = ss_analysis_new();
    ss_tuple t = test_tuple(1, 50000, 2, 6379), back = ss_tuple_reverse(&t);
    struct { ss_tuple tuple; uint8_t flags; uint32_t seq, ack; uint16_t win; uint32_t len; } feed[] = {
        { back, SS_TCP_ACK, 9000, 1000, 190, 0 },           /* server, first, raw 190 */
        { t, SS_TCP_ACK, 1000, 9000, 500, 308 },            /* client: 308 bytes beyond 190: an overrun */
        { t, SS_TCP_ACK, 1308, 9000, 500, 100 },           /* still beyond the server's ACK + 190 */
        { back, SS_TCP_ACK, 9000, 1408, 190, 0 },
    };
    ss_tuple h = test_tuple(3, 40000, 2, 80);
    int overruns = 0, kept = 0;
    bool one_sided_left = false;
    for (uint32_t i = 0; i < 6; i++) {
        ss_segment s;
        if (i < 4) {
            s = test_tcp(i + 1, (int64_t)(i + 1) * 1000, feed[i].tuple, feed[i].flags, feed[i].seq, feed[i].ack);
            s.window = feed[i].win;
            s.payload_len = feed[i].len;
        } else {
            /* a handshake's SYN: a note with its sides only; the second has
             * another ISN, so it starts another connection */
            s = test_tcp(i + 1, (int64_t)(i + 1) * 1000, h, SS_TCP_SYN, 5000 + i, 0);
            s.wscale = 7;
        }
        ss_frame_result r;
        ss_analysis_feed(an, &s, &r);
        if (!ss_window_note_present(&r.window))
            continue;
        CHECK(ss_analysis_keep_window(an, s.frame, &r.window));
        overruns += r.window.overrun;
        kept++;
        ss_window_note got;
        CHECK(ss_analysis_kept_window(an, s.frame, &got));
        check_same_note(&got, &r.window);
    }
    CHECK_EQ_INT(overruns, 2);
    CHECK_EQ_INT(kept, 6);
    ss_window_note got;
    CHECK(ss_analysis_kept_window(an, 2, &got) && got.overrun && got.in_flight == 308 && got.peer_raw == 190 &&
          got.peer_window_frame == 1);
    /* a one-sided offer does not fit */
    ss_window_note one_sided;
    memset(&one_sided, 0, sizeof one_sided);
    one_sided.one_sided = true;
    one_sided_left = !ss_analysis_keep_window(an, 7, &one_sided);
    CHECK(one_sided_left);
    CHECK(!ss_analysis_kept_window(an, 7, &got));
    CHECK(ss_analysis_kept_window(an, 6, &got) && got.sides && got.sides->first_frame == 6);
    ss_analysis_free(an);
}

/* An overrun's figures point back at the peer's window frame, whose mark
 * holds the window; a peer frame too far back, or one without a mark
 * holding that window, keeps the figures whole. */
static void test_overrun_figures(void)
{
    ss_window_marks *m = ss_window_marks_new();
    ss_window_note peer, n, got;
    bool starts;
    memset(&peer, 0, sizeof peer);
    peer.scale_unknown = true;
    peer.raw = 127;
    peer.min_shift = -1;
    CHECK(ss_window_marks_put(m, 10, &peer));
    uint32_t frames[] = { 11, 70000, 70001, 70002 };
    uint32_t peer_frames[] = { 10, 10, 69990, 70001 };  /* near; 69,990 back; no mark; a mark with another window */
    uint16_t peer_raws[] = { 127, 127, 300, 9 };
    for (int i = 0; i < 4; i++) {
        memset(&n, 0, sizeof n);
        n.scale_unknown = true;
        n.raw = 500;
        n.min_shift = 3;
        n.overrun = true;
        n.in_flight = 0x7fff0000u + (uint32_t)i;
        n.peer_raw = peer_raws[i];
        n.peer_window_frame = peer_frames[i];
        n.peer_min_shift = (int8_t)(4 + i);
        CHECK(ss_window_marks_put(m, frames[i], &n));
    }
    for (int i = 0; i < 4; i++) {
        CHECK(ss_window_marks_get(m, frames[i], &got, &starts));
        CHECK(got.overrun);
        CHECK_EQ_INT(got.in_flight, 0x7fff0000u + (uint32_t)i);
        CHECK_EQ_INT(got.peer_raw, peer_raws[i]);
        CHECK_EQ_INT(got.peer_window_frame, peer_frames[i]);
        CHECK_EQ_INT(got.peer_min_shift, 4 + i);
        CHECK_EQ_INT(got.min_shift, 3);
        CHECK_EQ_INT(got.raw, 500);
    }
    ss_window_marks_free(m);
}

int main(void)
{
    RUN(test_overrun_figures);
    RUN(test_fits);
    RUN(test_round_trip_and_blocks);
    RUN(test_analysis_keeps_what_fits);
    return check_report();
}
