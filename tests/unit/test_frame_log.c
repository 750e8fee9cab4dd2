/* test_frame_log.c - records found by frame; attempt notes kept as marks
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frame_log.h"

#include "frame_bits.h"

#include "analysis.h"
#include "check.h"
#include "fixtures.h"

static void test_log(void)
{
    ss_frame_log *log = ss_frame_log_new(sizeof(uint64_t));
    CHECK(ss_frame_log_find(log, 1) == NULL);
    CHECK_EQ_INT(ss_frame_log_bytes(log), 0);
    /* more than one chunk of 4096, with gaps */
    for (uint32_t f = 3; f <= 30000; f += 3) {
        uint64_t v = (uint64_t)f * 1000003u;
        CHECK(ss_frame_log_add(log, f, &v));
    }
    uint64_t v = 7;
    CHECK(!ss_frame_log_add(log, 30000, &v));   /* not after the last: refused */
    CHECK(!ss_frame_log_add(log, 12, &v));
    int found = 0, wrong = 0;
    for (uint32_t f = 0; f <= 30003; f++) {
        const void *r = ss_frame_log_find(log, f);
        if (f % 3 == 0 && f >= 3 && f <= 30000) {
            uint64_t got = 0;
            if (r)
                memcpy(&got, r, sizeof got);
            found += r != NULL;
            wrong += got != (uint64_t)f * 1000003u;
        } else {
            wrong += r != NULL;
        }
    }
    CHECK_EQ_INT(found, 10000);
    CHECK_EQ_INT(wrong, 0);
    ss_frame_log_free(log);
}

/* A retried, then answered attempt: its SYNs and its SYN/ACK come back
 * from their marks as they were; a crossing SYN's note does not fit. */
static void test_attempt_marks(void)
{
    ss_analysis *an = ss_analysis_new();
    ss_tuple t = test_tuple(1, 40000, 2, 80), back = ss_tuple_reverse(&t);
    ss_segment segs[] = {
        test_tcp(1, 1 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),
        test_tcp(2, 2 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),
        test_tcp(3, 3 * SS_NS_PER_SEC, back, SS_TCP_SYN | SS_TCP_ACK, 900, 101),
    };
    ss_frame_result want[3];
    for (int i = 0; i < 3; i++) {
        ss_analysis_feed(an, &segs[i], &want[i]);
        CHECK(ss_analysis_keep_attempt(an, segs[i].frame, &want[i].attempt, NULL));
    }
    for (int i = 0; i < 3; i++) {
        ss_attempt_note got;
        CHECK(ss_analysis_kept_attempt(an, segs[i].frame, NULL, &got));
        CHECK_EQ_INT(got.role, want[i].attempt.role);
        CHECK(got.attempt == want[i].attempt.attempt);
        CHECK_EQ_INT(got.syn_index, want[i].attempt.syn_index);
        CHECK_EQ_INT(got.answers, want[i].attempt.answers);
        CHECK(!got.crosses && !got.supersedes && !got.synack_retry);
    }
    CHECK_EQ_INT(want[1].attempt.syn_index, 1);
    CHECK_EQ_INT(want[2].attempt.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(want[2].attempt.answers, 2);

    /* simultaneous open: the other end's SYN crosses: kept by the caller */
    ss_tuple u = test_tuple(3, 5000, 4, 6000), ub = ss_tuple_reverse(&u);
    ss_segment a = test_tcp(4, 4 * SS_NS_PER_SEC, u, SS_TCP_SYN, 1, 0);
    ss_segment b = test_tcp(5, 5 * SS_NS_PER_SEC, ub, SS_TCP_SYN, 2, 0);
    ss_frame_result ra, rb;
    ss_analysis_feed(an, &a, &ra);
    ss_analysis_feed(an, &b, &rb);
    CHECK(rb.attempt.crosses == 4);
    CHECK(!ss_analysis_keep_attempt(an, 5, &rb.attempt, &b.tuple));
    ss_attempt_note got;
    CHECK(!ss_analysis_kept_attempt(an, 5, &b.tuple, &got));
    ss_analysis_free(an);
}

/* Retransmitted SYNs given their addresses keep no bytes and come back
 * from them: the latest attempt of their side, or the attempt a new ISN
 * replaced; a SYN whose given addresses are not its segment's keeps its
 * mark. */
static void test_later_syns_found_by_tuple(void)
{
    ss_analysis *an = ss_analysis_new();
    ss_tuple t = test_tuple(1, 40000, 2, 80), back = ss_tuple_reverse(&t), other = test_tuple(9, 9, 9, 9);
    ss_segment segs[] = {
        test_tcp(1, 1 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),
        test_tcp(2, 2 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),
        test_tcp(3, 4 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),      /* seen with other addresses */
        test_tcp(4, 8 * SS_NS_PER_SEC, t, SS_TCP_SYN, 100, 0),
        test_tcp(5, 20 * SS_NS_PER_SEC, t, SS_TCP_SYN, 555, 0),     /* a new ISN: a new attempt */
        test_tcp(6, 21 * SS_NS_PER_SEC, t, SS_TCP_SYN, 555, 0),
        test_tcp(7, 22 * SS_NS_PER_SEC, back, SS_TCP_SYN | SS_TCP_ACK, 900, 556),
    };
    const ss_tuple *seen[] = { &t, &t, &other, &t, &t, &t, &back };
    ss_frame_result want[7];
    for (int i = 0; i < 7; i++) {
        ss_analysis_feed(an, &segs[i], &want[i]);
        /* the new attempt's first SYN names the one it superseded: kept by the caller */
        CHECK_EQ_INT(ss_analysis_keep_attempt(an, segs[i].frame, &want[i].attempt, seen[i]), i != 4);
    }
    CHECK(want[4].attempt.supersedes == want[0].attempt.attempt);
    for (int i = 0; i < 7; i++) {
        if (i == 4)
            continue;
        ss_attempt_note got;
        CHECK(ss_analysis_kept_attempt(an, segs[i].frame, seen[i], &got));
        CHECK_EQ_INT(got.role, want[i].attempt.role);
        CHECK(got.attempt == want[i].attempt.attempt);
        CHECK_EQ_INT(got.syn_index, want[i].attempt.syn_index);
        CHECK_EQ_INT(got.answers, want[i].attempt.answers);
    }
    CHECK_EQ_INT(want[3].attempt.syn_index, 3);
    CHECK_EQ_INT(want[5].attempt.syn_index, 1);
    /* a replaced attempt's SYN needs no addresses any more */
    ss_attempt_note got;
    CHECK(ss_analysis_kept_attempt(an, 2, NULL, &got) && got.attempt == want[0].attempt.attempt && got.syn_index == 1);
    /* not given the addresses it was kept with: nothing, rather than another attempt's SYN */
    CHECK(!ss_analysis_kept_attempt(an, 6, NULL, &got));
    CHECK(!ss_analysis_kept_attempt(an, 6, &back, &got));
    CHECK(!ss_analysis_kept_attempt(an, 6, &other, &got));
    ss_analysis_free(an);
}

/* Ranks over sparse and dense stretches, block edges and a far frame, against a count. */
static void test_bits_rank(void)
{
    ss_frame_bits *b = ss_frame_bits_new();
    CHECK(!ss_frame_bits_test(b, 0));
    CHECK_EQ_INT(ss_frame_bits_rank(b, 12345), 0);
    CHECK_EQ_INT(ss_frame_bits_bytes(b), 0);
    static bool set[300000];
    uint32_t state = 1;
    for (uint32_t f = 1; f < 300000; f++) {
        state = state * 1664525u + 1013904223u;
        /* dense up to 5,000, every frame from 100,000 to 101,000, sparse elsewhere */
        bool on = f < 5000 ? (state >> 16) % 2 : (f >= 100000 && f <= 101000) || (state >> 16) % 997 == 0;
        if (on) {
            CHECK(ss_frame_bits_set(b, f));
            set[f] = true;
        }
    }
    CHECK(!ss_frame_bits_set(b, 20));           /* not after the last: refused */
    uint32_t count = 0, wrong = 0;
    for (uint32_t f = 0; f < 300000; f++) {
        wrong += ss_frame_bits_rank(b, f) != count;
        wrong += ss_frame_bits_test(b, f) != set[f];
        count += set[f];
    }
    CHECK_EQ_INT(wrong, 0);
    CHECK_EQ_INT(ss_frame_bits_rank(b, 4000000), count);
    CHECK(!ss_frame_bits_test(b, 4000000));
    CHECK(ss_frame_bits_set(b, 4000000));
    CHECK(ss_frame_bits_test(b, 4000000) && ss_frame_bits_rank(b, 4000000) == count);
    CHECK_EQ_INT(ss_frame_bits_rank(b, 4000001), count + 1);
    ss_frame_bits_free(b);
}

/* Frames fed out of order (no first pass does this, a unit test may): the
 * notes that could not be kept stay the caller's, the first SYNs are found
 * by search, and no frame is taken for one without a finding. */
static void test_out_of_order_feeding(void)
{
    ss_analysis *an = ss_analysis_new();
    ss_segment late = test_tcp(9, 9 * SS_NS_PER_SEC, test_tuple(1, 1000, 2, 80), SS_TCP_SYN, 10, 0);
    ss_segment early = test_tcp(4, 4 * SS_NS_PER_SEC, test_tuple(3, 3000, 2, 80), SS_TCP_SYN, 30, 0);
    ss_frame_result r9, r4;
    ss_analysis_feed(an, &late, &r9);
    CHECK(ss_analysis_keep_attempt(an, 9, &r9.attempt, NULL));
    ss_analysis_feed(an, &early, &r4);
    ss_analysis_keep_attempt(an, 4, &r4.attempt, NULL);
    ss_attempt_note got;
    CHECK(ss_analysis_kept_attempt(an, 9, NULL, &got) && got.attempt == r9.attempt.attempt && got.syn_index == 0);
    CHECK(ss_analysis_kept_attempt(an, 4, NULL, &got) && got.attempt == r4.attempt.attempt && got.syn_index == 0);
    CHECK(!ss_analysis_kept_attempt(an, 5, NULL, &got));
    ss_window_note w;
    CHECK(ss_analysis_kept_window(an, 4, &w) && w.sides && w.sides->first_frame == 4);
    ss_tuple first = ss_conn_sides_tuple(w.conn, w.sides);
    CHECK(ss_tuple_equal(&first, &early.tuple));
    CHECK(!ss_analysis_kept_window(an, 5, &w));
    ss_analysis_free(an);
}

int main(void)
{
    RUN(test_log);
    RUN(test_bits_rank);
    RUN(test_attempt_marks);
    RUN(test_later_syns_found_by_tuple);
    RUN(test_out_of_order_feeding);
    return check_report();
}
