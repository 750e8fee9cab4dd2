/* test_attempts.c - attempt tracking, schedule classification, outcome rules
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>

#include "attempts.h"
#include "window.h"

#include "check.h"
#include "fixtures.h"

#define MS (SS_NS_PER_SEC / 1000)

static ss_segment tcp(uint32_t frame, int64_t ms, ss_tuple t, uint8_t flags, uint32_t seq, uint32_t ack)
{
    return test_tcp(frame, ms * MS, t, flags, seq, ack);
}

static ss_segment with_ts(ss_segment s, uint32_t tsval, uint32_t tsecr)
{
    s.has_ts = true;
    s.tsval = tsval;
    s.tsecr = tsecr;
    return s;
}

/* The tracker under test: fresh for every test that feeds segments. */
static ss_attempts *t;

#define RUN_WITH_TRACKER(test)     \
    do {                           \
        t = ss_attempts_new();     \
        RUN(test);                 \
        ss_attempts_free(t);       \
    } while (0)

static ss_attempt_note feed(ss_attempts *tracker, ss_segment s)
{
    ss_attempt_note n;
    ss_attempts_add_tcp(tracker, &s, &n);
    return n;
}

static ss_schedule classify_ms(const double *gaps_s, size_t n)
{
    int64_t g[32];
    for (size_t i = 0; i < n; i++)
        g[i] = (int64_t)(gaps_s[i] * 1e9);
    return ss_classify_schedule(g, n);
}

static void test_schedule_jitter_cases(void)
{
    const double exp_jitter[] = { 1.02, 2.03, 4.06 };
    CHECK_EQ_INT(classify_ms(exp_jitter, 3), SS_SCHEDULE_EXPONENTIAL);
    const double lin_exp[] = { 1.01, 1.02, 1.02, 1.03, 2.04 };
    CHECK_EQ_INT(classify_ms(lin_exp, 5), SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL);
    const double classic[] = { 1, 2, 4, 8, 16, 32 };
    CHECK_EQ_INT(classify_ms(classic, 6), SS_SCHEDULE_EXPONENTIAL);
    const double windows[] = { 3, 6 };
    CHECK_EQ_INT(classify_ms(windows, 2), SS_SCHEDULE_EXPONENTIAL);
    const double kernel_default[] = { 1.01, 1.02, 1.02, 1.02, 1.02, 2.02, 4.10, 8.13, 16.19, 34.05 };
    CHECK_EQ_INT(classify_ms(kernel_default, 10), SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL);
}

static void test_schedule_edge_cases(void)
{
    const double one[] = { 1.0 };
    CHECK_EQ_INT(classify_ms(one, 1), SS_SCHEDULE_NONE);            /* one retry: nothing to classify */
    const double equal[] = { 1.0, 1.0 };
    CHECK_EQ_INT(classify_ms(equal, 2), SS_SCHEDULE_LINEAR);
    const double halves[] = { 2.0, 1.0 };
    CHECK_EQ_INT(classify_ms(halves, 2), SS_SCHEDULE_IRREGULAR);
    const double triples[] = { 1.0, 3.0, 9.0 };
    CHECK_EQ_INT(classify_ms(triples, 3), SS_SCHEDULE_IRREGULAR);
    const double exp_then_equal[] = { 1.0, 2.0, 2.0 };                 /* not a cap: far below TCP_RTO_MAX */
    CHECK_EQ_INT(classify_ms(exp_then_equal, 3), SS_SCHEDULE_IRREGULAR);
    const double capped[] = { 16, 32, 64, 120, 120 };                  /* TCP_RTO_MAX reached */
    CHECK_EQ_INT(classify_ms(capped, 5), SS_SCHEDULE_EXPONENTIAL);
    const double zero[] = { 1.0, 0.0 };
    CHECK_EQ_INT(classify_ms(zero, 2), SS_SCHEDULE_IRREGULAR);
    const double outside_tolerance[] = { 1.0, 1.3 };
    CHECK_EQ_INT(classify_ms(outside_tolerance, 2), SS_SCHEDULE_IRREGULAR);
    CHECK_EQ_STR(ss_schedule_name(SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL), "linear-then-exponential");
    CHECK(ss_schedule_name(SS_SCHEDULE_NONE) == NULL);
}

/* A 127 s classic train is one attempt, never split by a timeout. */
static void test_long_train_is_one_attempt(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80);
    const int64_t at_ms[] = { 0, 1000, 3000, 7000, 15000, 31000, 63000 };
    ss_attempt_note n;
    for (uint32_t i = 0; i < 7; i++) {
        n = feed(t, tcp(10 + i, at_ms[i], c2s, SS_TCP_SYN, 777, 0));
        CHECK_EQ_INT(n.role, SS_ROLE_SYN);
        CHECK_EQ_INT(n.syn_index, i);
    }
    CHECK_EQ_INT(ss_attempts_count(t), 1);
    const ss_attempt *a = n.attempt;
    CHECK_EQ_INT(a->syn_count, 7);
    CHECK_EQ_INT(ss_attempt_gap_ns(a, 6), 32000 * MS);
    CHECK_NEAR(ss_attempt_backoff(a, 6), 2.0, 1e-9);
    ss_schedule_clock clock;
    CHECK_EQ_INT(ss_attempt_schedule(a, 7, &clock), SS_SCHEDULE_EXPONENTIAL);
    CHECK_EQ_INT(clock, SS_CLOCK_CAPTURE);                  /* no TCP timestamps */
    CHECK_EQ_INT(ss_attempt_schedule(a, 2, NULL), SS_SCHEDULE_NONE);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    CHECK(ss_outcome_name(a->outcome) == NULL);
    CHECK_EQ_STR(ss_outcome_name(ss_attempt_final_outcome(a, 200000 * MS)), "unanswered");
    CHECK(ss_attempt_is_notable(a));
}

/* The sizes docs/performance.md accounts for (x86-64). */
static void test_record_sizes(void)
{
    CHECK_EQ_INT(sizeof(ss_syn_packed), 8);
    CHECK_EQ_INT(sizeof(ss_syn_us), 12);
    CHECK_EQ_INT(sizeof(ss_syn), 16);
    if (sizeof(void *) == 8)
        CHECK_EQ_INT(sizeof(ss_attempt), 40);
    CHECK_EQ_INT(sizeof(ss_conn_sides), 12);
    CHECK_EQ_INT(offsetof(ss_conn, key) + 12, 41);      /* IPv4 key: a record of 44 bytes */
}

/* One SYN of a train fed to check_syns. */
typedef struct fed_syn {
    uint32_t frame;
    int64_t  time_ns;
    bool     has_ts;
    uint32_t tsval;
} fed_syn;

/* Every SYN reads back exactly as it was fed, in time order (a SYN fed
 * after a later one moves back; equal times keep the order fed), in the
 * narrowest form that holds them all (ss_syn_form): 8 bytes of offsets
 * from the first SYN, 12 with the time in microseconds after it, 16
 * otherwise. */
static void check_syns(const fed_syn *fed, uint32_t n, ss_syn_form form)
{
    ss_attempts *tracker = ss_attempts_new();
    ss_tuple c2s = test_tuple(1, 50000, 2, 80);
    ss_attempt_note note;
    for (uint32_t i = 0; i < n; i++) {
        ss_segment seg = test_tcp(fed[i].frame, fed[i].time_ns, c2s, SS_TCP_SYN, 777, 0);
        note = feed(tracker, fed[i].has_ts ? with_ts(seg, fed[i].tsval, 0) : seg);
    }
    fed_syn by_time[32];
    bool unordered = false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t at = i;
        while (at > 0 && by_time[at - 1].time_ns > fed[i].time_ns) {
            by_time[at] = by_time[at - 1];
            at--;
            unordered = true;
        }
        by_time[at] = fed[i];
    }
    const ss_attempt *a = note.attempt;
    CHECK_EQ_INT(ss_attempts_count(tracker), 1);
    CHECK_EQ_INT(a->syn_count, n);
    CHECK_EQ_INT(a->syn_form, form);
    CHECK_EQ_INT(a->syns_unordered, unordered);
    for (uint32_t i = 0; i < n; i++) {
        ss_syn s = ss_attempt_syn(a, i);
        CHECK_EQ_INT(s.time_ns, by_time[i].time_ns);
        CHECK_EQ_INT(s.frame, by_time[i].frame);
        CHECK_EQ_INT(s.has_ts, by_time[i].has_ts);
        CHECK_EQ_INT(s.tsval, by_time[i].has_ts ? by_time[i].tsval : 0);
        CHECK_EQ_INT(ss_attempt_syn_index(a, by_time[i].frame), i);
        if (i > 0)
            CHECK(ss_attempt_gap_ns(a, i) >= 0);
    }
    ss_attempts_free(tracker);
}

/* A train at the given times, frames 100, 107, ...; TSvals from a 1 kHz
 * clock (clocked) wrapping past 2^32, or 3 apart whatever the time. */
static void check_train(const int64_t *at_ns, uint32_t n, bool clocked, ss_syn_form form)
{
    fed_syn fed[32];
    for (uint32_t i = 0; i < n; i++) {
        uint64_t after_ms = ((uint64_t)at_ns[i] - (uint64_t)at_ns[0]) / 1000000;
        fed[i] = (fed_syn){ 100 + 7 * i, at_ns[i], true,
                            0xfffffff0u + (clocked ? (uint32_t)after_ms : 3 * i) };
    }
    check_syns(fed, n, form);
}

static void test_later_syn_times_exact(void)
{
    const int64_t us = 1000, s = SS_NS_PER_SEC;
    const int64_t base = INT64_C(1795000000) * s + 123456789;      /* the first SYN's ns do not matter */
    int64_t linux_train[7] = { base, base + s, base + 3 * s, base + 7 * s, base + 15 * s, base + 31 * s, base + 63 * s };
    check_train(linux_train, 7, true, SS_SYN_FORM_PACKED);
    check_train(linux_train, 7, false, SS_SYN_FORM_US);             /* TSvals of no 1 kHz clock */
    /* the largest offsets that fit each form, and one microsecond more */
    int64_t far[3] = { base, base + us, base + ((INT64_C(1) << 28) - 1) * us };
    check_train(far, 3, true, SS_SYN_FORM_PACKED);
    far[2] += us;
    check_train(far, 3, true, SS_SYN_FORM_US);
    far[2] = base + (int64_t)UINT32_MAX * us;
    check_train(far, 3, true, SS_SYN_FORM_US);
    far[2] += us;
    check_train(far, 3, true, SS_SYN_FORM_NS);
    /* a nanosecond capture: the third SYN turns the train into ss_syn */
    int64_t ns_train[5] = { base, base + s, base + 3 * s + 1, base + 7 * s, base + 15 * s };
    check_train(ns_train, 5, true, SS_SYN_FORM_NS);
    /* a file out of time order: the SYN fed last opens the train, whose
     * frames then fall (no packed form), or a SYN fed late moves back among
     * the later ones (packed still); and times at the ends of the range */
    int64_t back[3] = { base, base + s, base - s };
    check_train(back, 3, true, SS_SYN_FORM_US);
    int64_t back_in_middle[4] = { base, base + 3 * s, base + s, base + 7 * s };
    check_train(back_in_middle, 4, true, SS_SYN_FORM_PACKED);
    int64_t ends[3] = { INT64_MIN, INT64_MAX, 0 };
    check_train(ends, 3, false, SS_SYN_FORM_NS);
    int64_t top[2] = { INT64_MAX - 2000, INT64_MAX - 1000 + 1 };
    check_train(top, 2, true, SS_SYN_FORM_NS);
    top[1] = INT64_MAX - 807;                                        /* a whole microsecond after */
    top[0] = top[1] - 1000;
    check_train(top, 2, true, SS_SYN_FORM_PACKED);
    /* a train longer than the exact room (8 later SYNs), each form */
    int64_t longer[20], longer_ns[20];
    for (int i = 0; i < 20; i++) {
        longer[i] = base + i * s;
        longer_ns[i] = base + i * s + (i == 12);
    }
    check_train(longer, 20, true, SS_SYN_FORM_PACKED);
    check_train(longer, 20, false, SS_SYN_FORM_US);
    check_train(longer_ns, 20, true, SS_SYN_FORM_NS);
}

/* The packed form's limits on frames and TSvals, each side of them; and a
 * train widened twice, packed to microseconds to nanoseconds. */
static void test_later_syn_packed_limits(void)
{
    const int64_t s = SS_NS_PER_SEC, base = 5 * s;
    const uint32_t frames_limit = UINT32_C(1) << 24;
    fed_syn frames[3] = { { 1, base, true, 500 }, { 2, base + s, true, 1500 }, { frames_limit, base + 2 * s, true, 2500 } };
    check_syns(frames, 3, SS_SYN_FORM_PACKED);                      /* 2^24 - 1 frames after */
    frames[2].frame++;
    check_syns(frames, 3, SS_SYN_FORM_US);
    /* the TSval's skew from the first SYN's plus the milliseconds between */
    fed_syn skew[3] = { { 1, base, true, 0xfffffe00u }, { 2, base + s, true, 0xfffffe00u + 1000 + 1023 },
                        { 3, base + 2 * s, true, 0xfffffe00u + 2000 - 1024 } };
    check_syns(skew, 3, SS_SYN_FORM_PACKED);
    skew[1].tsval++;
    check_syns(skew, 3, SS_SYN_FORM_US);
    skew[1].tsval--;
    skew[2].tsval--;
    check_syns(skew, 3, SS_SYN_FORM_US);
    /* without timestamps; a first SYN without and a later one with */
    fed_syn bare[3] = { { 1, base, false, 0 }, { 2, base + s, false, 0 }, { 3, base + 3 * s, false, 0 } };
    check_syns(bare, 3, SS_SYN_FORM_PACKED);
    bare[2].has_ts = true;
    bare[2].tsval = 1023;                                           /* against 0: fits */
    check_syns(bare, 3, SS_SYN_FORM_PACKED);
    bare[2].tsval = 3000;
    check_syns(bare, 3, SS_SYN_FORM_US);
    /* widened twice: a TSval off the clock, then a time in nanoseconds */
    fed_syn twice[4] = { { 10, base, true, 70 }, { 20, base + s, true, 1070 }, { 30, base + 2 * s, true, 9 },
                         { 40, base + 3 * s + 1, true, 3070 } };
    check_syns(twice, 2, SS_SYN_FORM_PACKED);
    check_syns(twice, 3, SS_SYN_FORM_US);
    check_syns(twice, 4, SS_SYN_FORM_NS);
}

/* The rare part (superseded by, crossed by) arrives after later SYNs and
 * leaves them as they were. */
static void test_rare_part_after_later_syns(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    for (uint32_t i = 0; i < 3; i++)
        feed(t, tcp(1 + i, 1000 * i, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note server = feed(t, tcp(4, 2500, s2c, SS_TCP_SYN, 900, 0));   /* crosses SYN 3 */
    const ss_attempt *a = ss_attempts_get(t, 0);
    CHECK_EQ_INT(ss_attempt_crossed_by(a), 4);
    CHECK_EQ_INT(ss_attempt_crossed_by(server.attempt), 3);
    ss_attempt_note renewed = feed(t, tcp(5, 5000, c2s, SS_TCP_SYN, 200, 0));
    a = ss_attempts_get(t, 0);
    CHECK(renewed.supersedes == a);
    CHECK_EQ_INT(ss_attempt_superseded_by(a), 5);
    CHECK_EQ_INT(ss_attempt_crossed_by(a), 4);
    CHECK(ss_attempt_announced(a) == NULL);
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_EQ_INT(ss_attempt_syn(a, i).frame, 1 + i);
        CHECK_EQ_INT(ss_attempt_syn(a, i).time_ns, 1000 * i * MS);
    }
    CHECK_EQ_INT(ss_attempt_superseded_by(renewed.attempt), 0);
    CHECK_EQ_INT(ss_attempt_crossed_by(renewed.attempt), 4);       /* the server's SYN is still open */
}

/* The end arrives after the later SYNs and the rare part, and moves
 * neither; an attempt without one reads as frame 0. */
static void test_end_after_rare_part_and_later_syns(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    const int64_t at_ns[] = { 0, SS_NS_PER_SEC, 3 * SS_NS_PER_SEC + 7 };    /* the third in nanoseconds */
    for (uint32_t i = 0; i < 3; i++)
        feed(t, with_ts(test_tcp(1 + i, at_ns[i], c2s, SS_TCP_SYN, 100, 0), 50 + i, 0));
    const ss_attempt *a = ss_attempts_get(t, 0);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 0);
    CHECK_EQ_INT(ss_attempt_outcome_time_ns(a), 0);
    feed(t, tcp(4, 3500, s2c, SS_TCP_SYN, 900, 0));                        /* crosses SYN 3 */
    ss_attempt_note end = feed(t, tcp(5, 4000, s2c, SS_TCP_RST | SS_TCP_ACK, 0, 101));
    CHECK_EQ_INT(end.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(end.answers, 3);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_REFUSED_RST);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 5);
    CHECK_EQ_INT(ss_attempt_outcome_time_ns(a), 4000 * MS);
    CHECK_EQ_INT(ss_attempt_crossed_by(a), 4);
    CHECK_EQ_INT(ss_attempt_syns_at_outcome(a), 3);
    CHECK_EQ_INT(a->syn_form, SS_SYN_FORM_NS);
    for (uint32_t i = 0; i < 3; i++) {
        ss_syn syn = ss_attempt_syn(a, i);
        CHECK_EQ_INT(syn.frame, 1 + i);
        CHECK_EQ_INT(syn.time_ns, at_ns[i]);
        CHECK_EQ_INT(syn.tsval, 50 + i);
    }
    /* and a fourth SYN after it all: the client ignored the RST */
    feed(t, with_ts(test_tcp(6, 7 * SS_NS_PER_SEC, c2s, SS_TCP_SYN, 100, 0), 60, 0));
    CHECK_EQ_INT(a->syn_count, 4);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    CHECK_EQ_INT(ss_attempt_syn(a, 3).time_ns, 7 * SS_NS_PER_SEC);
    CHECK_EQ_INT(ss_attempt_syn(a, 2).time_ns, at_ns[2]);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 5);
    CHECK_EQ_INT(ss_attempt_crossed_by(a), 4);
}

static void test_synack_matches_echoed_tsval(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, with_ts(tcp(1, 0, c2s, SS_TCP_SYN, 100, 0), 1000, 0));
    feed(t, with_ts(tcp(2, 1000, c2s, SS_TCP_SYN, 100, 0), 2000, 0));
    feed(t, with_ts(tcp(3, 2000, c2s, SS_TCP_SYN, 100, 0), 3000, 0));
    /* the SYN/ACK echoes the second SYN's TSval, though the third was sent later */
    ss_attempt_note n = feed(t, with_ts(tcp(4, 2001, s2c, SS_TCP_SYN | SS_TCP_ACK, 9000, 101), 55, 2000));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.answers, 2);
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(ss_attempt_outcome_frame(n.attempt), 4);
    CHECK_EQ_INT(ss_attempt_syns_at_outcome(n.attempt), 3);
    /* without timestamps: the latest SYN before it */
    ss_tuple c2 = test_tuple(1, 50001, 2, 80);
    feed(t, tcp(5, 0, c2, SS_TCP_SYN, 200, 0));
    feed(t, tcp(6, 1000, c2, SS_TCP_SYN, 200, 0));
    ss_tuple r2 = ss_tuple_reverse(&c2);
    n = feed(t, tcp(7, 1001, r2, SS_TCP_SYN | SS_TCP_ACK, 5, 201));
    CHECK_EQ_INT(n.answers, 6);
    /* a SYN/ACK acknowledging another ISN answers nothing */
    ss_tuple c3 = test_tuple(1, 50002, 2, 80), r3 = ss_tuple_reverse(&c3);
    feed(t, tcp(8, 0, c3, SS_TCP_SYN, 300, 0));
    n = feed(t, tcp(9, 1, r3, SS_TCP_SYN | SS_TCP_ACK, 5, 999));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
}

static void test_ordinary_handshake_is_not_notable(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note n = feed(t, tcp(2, 1, s2c, SS_TCP_SYN | SS_TCP_ACK, 9, 101));
    CHECK(!ss_attempt_is_notable(n.attempt));
    n = feed(t, tcp(3, 2, c2s, SS_TCP_ACK, 101, 10));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
    CHECK(n.attempt == NULL);
}

/* TCP Fast Open (RFC 7413): a SYN with 17 bytes of data is answered by a
 * SYN/ACK acknowledging ISN + 18 (data taken) or ISN + 1 (data ignored);
 * an uncaptured answer is proved by seq or ack = ISN + 18; an RST for a SYN
 * with data acknowledges it too. */
static ss_segment with_data(ss_segment seg, uint32_t len)
{
    seg.payload_len = len;
    return seg;
}

static void test_syn_data(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, with_data(tcp(1, 0, c2s, SS_TCP_SYN, 100, 0), 17));
    ss_attempt_note n = feed(t, tcp(2, 1, s2c, SS_TCP_SYN | SS_TCP_ACK, 900, 118));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(ss_attempt_syn_data_len(n.attempt), 17);
    CHECK(!ss_attempt_syn_data_ignored(n.attempt));
    CHECK(!ss_attempt_is_notable(n.attempt));
    /* a SYN/ACK acknowledging neither refuses and answers nothing */
    ss_tuple c2 = test_tuple(1, 50001, 2, 80), s2 = ss_tuple_reverse(&c2);
    feed(t, with_data(tcp(3, 10, c2, SS_TCP_SYN, 200, 0), 17));
    n = feed(t, tcp(4, 11, s2, SS_TCP_SYN | SS_TCP_ACK, 900, 210));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
    /* ISN + 1: the server ignored the data */
    n = feed(t, tcp(5, 12, s2, SS_TCP_SYN | SS_TCP_ACK, 900, 201));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK(ss_attempt_syn_data_ignored(n.attempt));
    CHECK(ss_attempt_is_notable(n.attempt));
    /* the client's own capture, without the SYN/ACK: its ACK at ISN + 18 proves the answer */
    ss_tuple c3 = test_tuple(1, 50002, 2, 80);
    feed(t, with_data(tcp(6, 20, c3, SS_TCP_SYN, 300, 0), 17));
    n = feed(t, tcp(7, 21, c3, SS_TCP_ACK, 318, 5000));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.attempt->evidence, SS_EVIDENCE_CLIENT_ACK);
    /* the server's, without the SYN/ACK: its ACK of ISN + 18 */
    ss_tuple c4 = test_tuple(1, 50003, 2, 80), s4 = ss_tuple_reverse(&c4);
    feed(t, with_data(tcp(8, 30, c4, SS_TCP_SYN, 400, 0), 17));
    n = feed(t, tcp(9, 31, s4, SS_TCP_ACK, 5000, 418));
    CHECK_EQ_INT(n.attempt->evidence, SS_EVIDENCE_SERVER_ACK);
    /* a closed port's RST acknowledges the SYN and its data */
    ss_tuple c5 = test_tuple(1, 50004, 2, 81), s5 = ss_tuple_reverse(&c5);
    feed(t, with_data(tcp(10, 40, c5, SS_TCP_SYN, 500, 0), 17));
    n = feed(t, tcp(11, 41, s5, SS_TCP_RST | SS_TCP_ACK, 0, 518));
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_REFUSED_RST);
    /* a SYN retransmitted without its data (Linux), answered at ISN + 1: not "ignored" */
    ss_tuple c6 = test_tuple(1, 50005, 2, 80), s6 = ss_tuple_reverse(&c6);
    feed(t, with_data(tcp(12, 50, c6, SS_TCP_SYN, 600, 0), 17));
    feed(t, tcp(13, 51, c6, SS_TCP_SYN, 600, 0));
    n = feed(t, tcp(14, 52, s6, SS_TCP_SYN | SS_TCP_ACK, 900, 601));
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK(!ss_attempt_syn_data_ignored(n.attempt));
}

static void test_rst_refusal_rules(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    /* an RST that does not acknowledge the ISN refuses nothing */
    ss_attempt_note n = feed(t, tcp(2, 1, s2c, SS_TCP_RST | SS_TCP_ACK, 0, 555));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
    n = feed(t, tcp(3, 2, s2c, SS_TCP_RST, 0, 0));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
    n = feed(t, tcp(4, 3, s2c, SS_TCP_RST | SS_TCP_ACK, 0, 101));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_REFUSED_RST);
    CHECK_EQ_INT(n.answers, 1);
    CHECK(ss_attempt_is_notable(n.attempt));
    /* an RST for an unknown connection is ignored, and creates no state */
    ss_tuple other = test_tuple(7, 1, 8, 2);
    n = feed(t, tcp(5, 4, other, SS_TCP_RST | SS_TCP_ACK, 0, 1));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
}

static void test_new_isn_supersedes(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_attempt_note first = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    feed(t, tcp(2, 1000, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note second = feed(t, tcp(3, 2500, c2s, SS_TCP_SYN, 5000, 0));
    CHECK(first.attempt != second.attempt);
    CHECK_EQ_INT(second.syn_index, 0);
    CHECK_EQ_INT(first.attempt->outcome, SS_OUTCOME_SUPERSEDED);
    CHECK_EQ_INT(ss_attempt_superseded_by(first.attempt), 3);
    CHECK_EQ_STR(ss_outcome_name(first.attempt->outcome), "superseded");
    ss_attempt_note n = feed(t, tcp(4, 2600, s2c, SS_TCP_SYN | SS_TCP_ACK, 1, 5001));
    CHECK(n.attempt == second.attempt);
    CHECK_EQ_INT(second.attempt->outcome, SS_OUTCOME_ANSWERED);
    /* port reuse after an answered attempt is a new attempt, nothing superseded */
    ss_attempt_note third = feed(t, tcp(5, 90000, c2s, SS_TCP_SYN, 99999, 0));
    CHECK(third.attempt != second.attempt);
    CHECK_EQ_INT(second.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(ss_attempts_count(t), 3);
}

static void test_synack_retransmissions(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note n = feed(t, tcp(2, 1, s2c, SS_TCP_SYN | SS_TCP_ACK, 9, 101));
    CHECK_EQ_INT(n.synack_retry, 0);
    n = feed(t, tcp(3, 1001, s2c, SS_TCP_SYN | SS_TCP_ACK, 9, 101));
    CHECK_EQ_INT(n.synack_retry, 1);
    CHECK_EQ_INT(n.synack_gap_ns, 1000 * MS);
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);                 /* the attempt ended with frame 2 */
    n = feed(t, tcp(4, 3001, s2c, SS_TCP_SYN | SS_TCP_ACK, 9, 101));
    CHECK_EQ_INT(n.synack_retry, 2);
    CHECK_EQ_INT(n.synack_gap_ns, 2000 * MS);
    /* a SYN/ACK train with no SYN in the capture is still counted */
    ss_tuple late = test_tuple(3, 1234, 4, 443);
    feed(t, tcp(5, 0, late, SS_TCP_SYN | SS_TCP_ACK, 42, 7));
    n = feed(t, tcp(6, 1000, late, SS_TCP_SYN | SS_TCP_ACK, 42, 7));
    CHECK_EQ_INT(n.synack_retry, 1);
}

static void test_simultaneous_open(void)
{
    ss_tuple a2b = test_tuple(1, 5000, 2, 6000), b2a = ss_tuple_reverse(&a2b);
    ss_attempt_note n = feed(t, tcp(1, 0, a2b, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(n.crosses, 0);
    n = feed(t, tcp(2, 1, b2a, SS_TCP_SYN, 900, 0));
    CHECK_EQ_INT(n.crosses, 1);
    n = feed(t, tcp(3, 2, b2a, SS_TCP_SYN | SS_TCP_ACK, 900, 101));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_ANSWERED);
    n = feed(t, tcp(4, 3, a2b, SS_TCP_SYN | SS_TCP_ACK, 100, 901));
    CHECK_EQ_INT(n.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(n.answers, 2);
}

static void test_icmp_refusal_and_ignored_refusal(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80);
    ss_tuple other = test_tuple(1, 50001, 2, 80);
    feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    ss_segment icmp = test_icmp(2, false, 3, 6, c2s, 555, 8, 0);    /* not the ISN: Linux ignores it, so do we */
    icmp.time_ns = 1 * MS;
    ss_attempt_note n;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_OTHER_ISN);
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
    ss_segment stray = test_icmp(2, false, 3, 6, other, 100, 8, 0);
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &stray, &n), SS_ICMP_NO_ATTEMPT);
    icmp.icmp.seq = 100;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_ENDS_ATTEMPT);
    const ss_attempt *a = n.attempt;
    CHECK(a != NULL);
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_REFUSED_ICMP);
    /* the client sent the SYN again: that ICMP did not end the attempt */
    feed(t, tcp(3, 1000, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    icmp.frame = 4;
    icmp.time_ns = 1001 * MS;
    ss_attempts_refuse_icmp(t, &icmp, &n);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_REFUSED_ICMP);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 4);
    CHECK_EQ_INT(n.answers, 3);
    /* a quote without the sequence number: the open attempt on its ports,
     * unchecked (refusals.c asks only for a quote the snaplen cut); without
     * the ports, none */
    icmp.icmp.has_seq = false;
    icmp.icmp.seq = 12345;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_ENDS_ATTEMPT);
    icmp.icmp.has_ports = false;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_NO_ATTEMPT);
    icmp.icmp.has_ports = true;
    icmp.icmp.seq = 100;
    /* answered: a late ICMP refuses nothing */
    icmp.icmp.has_seq = true;
    feed(t, tcp(5, 1002, ss_tuple_reverse(&c2s), SS_TCP_SYN | SS_TCP_ACK, 900, 101));
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    icmp.frame = 6;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_TOO_LATE);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 5);
}


/* --- evidence of an answer besides a captured SYN/ACK ------------------- */

static void test_client_ack_proves_an_answer(void)
{
    ss_tuple c2s = test_tuple(1, 41000, 2, 80);
    ss_attempt_note syn = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    /* the client's ACK with seq = ISN + 1: it got a SYN/ACK the capture lacks */
    ss_attempt_note n = feed(t, tcp(2, 5, c2s, SS_TCP_ACK, 101, 9001));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK(n.attempt == syn.attempt);
    CHECK_EQ_INT(n.answers, 1);
    const ss_attempt *a = syn.attempt;
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(a->evidence, SS_EVIDENCE_CLIENT_ACK);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 2);
    CHECK(ss_attempt_answer_not_captured(a));
    CHECK(!ss_attempt_answered_through_crossing(a));
    CHECK(ss_attempt_is_notable(a));            /* an answer the capture did not hold */
    CHECK_EQ_STR(ss_evidence_name(a->evidence), "client-ack");
    /* later segments of the connection play no part */
    n = feed(t, tcp(3, 6, c2s, SS_TCP_ACK | SS_TCP_PSH, 101, 9001));
    CHECK_EQ_INT(n.role, SS_ROLE_NONE);
}

static void test_client_segments_that_prove_nothing(void)
{
    ss_tuple c2s = test_tuple(1, 41001, 2, 80);
    ss_attempt_note syn = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(feed(t, tcp(2, 5, c2s, SS_TCP_ACK, 102, 9001)).role, SS_ROLE_NONE);     /* seq is not ISN + 1 */
    CHECK_EQ_INT(feed(t, tcp(3, 6, c2s, SS_TCP_ACK, 100, 9001)).role, SS_ROLE_NONE);     /* seq = ISN */
    CHECK_EQ_INT(feed(t, tcp(4, 7, c2s, SS_TCP_PSH, 101, 0)).role, SS_ROLE_NONE);        /* no ACK flag */
    /* the same seq on another 4-tuple is another connection */
    ss_tuple other = test_tuple(1, 41002, 2, 80);
    CHECK_EQ_INT(feed(t, tcp(5, 8, other, SS_TCP_ACK, 101, 9001)).role, SS_ROLE_NONE);
    /* seq = ISN + 1 from the server side is not the client's ACK */
    CHECK_EQ_INT(feed(t, tcp(6, 9, ss_tuple_reverse(&c2s), SS_TCP_ACK, 101, 5)).role, SS_ROLE_NONE);
    CHECK_EQ_INT(syn.attempt->outcome, SS_OUTCOME_OPEN);
}

static void test_server_ack_proves_an_answer(void)
{
    ss_tuple c2s = test_tuple(1, 42000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_attempt_note syn = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(feed(t, tcp(2, 4, s2c, SS_TCP_ACK, 9001, 100)).role, SS_ROLE_NONE);     /* acks the ISN itself */
    CHECK_EQ_INT(feed(t, tcp(3, 5, s2c, SS_TCP_ACK, 9001, 150)).role, SS_ROLE_NONE);     /* acks data never sent */
    CHECK_EQ_INT(syn.attempt->outcome, SS_OUTCOME_OPEN);
    ss_attempt_note n = feed(t, tcp(4, 6, s2c, SS_TCP_ACK | SS_TCP_PSH, 9001, 101));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(syn.attempt->evidence, SS_EVIDENCE_SERVER_ACK);
    CHECK(ss_attempt_answer_not_captured(syn.attempt));
}

static void test_client_rst_proves_the_synack_arrived(void)
{
    /* a raw-socket scanner: its kernel resets the SYN/ACK it did not ask for */
    ss_tuple c2s = test_tuple(1, 43000, 2, 22);
    ss_attempt_note syn = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 7000, 0));
    CHECK_EQ_INT(feed(t, tcp(2, 1, c2s, SS_TCP_RST, 7005, 0)).role, SS_ROLE_NONE);       /* seq is not ISN + 1 */
    ss_attempt_note n = feed(t, tcp(3, 2, c2s, SS_TCP_RST, 7001, 0));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(syn.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(syn.attempt->evidence, SS_EVIDENCE_CLIENT_RST);
    /* with the SYN/ACK captured, the client's RST says nothing new */
    ss_tuple seen = test_tuple(1, 43001, 2, 22);
    ss_attempt_note syn2 = feed(t, tcp(4, 3, seen, SS_TCP_SYN, 8000, 0));
    feed(t, tcp(5, 4, ss_tuple_reverse(&seen), SS_TCP_SYN | SS_TCP_ACK, 300, 8001));
    CHECK_EQ_INT(feed(t, tcp(6, 5, seen, SS_TCP_RST, 8001, 0)).role, SS_ROLE_NONE);
    CHECK_EQ_INT(syn2.attempt->evidence, SS_EVIDENCE_SYNACK);
    CHECK(!ss_attempt_is_notable(syn2.attempt));
}

static void test_evidence_after_retries_is_a_late_answer(void)
{
    ss_tuple c2s = test_tuple(1, 44000, 2, 80);
    ss_attempt_note syn = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    feed(t, tcp(2, 1000, c2s, SS_TCP_SYN, 100, 0));
    feed(t, tcp(3, 3000, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note n = feed(t, tcp(4, 3001, c2s, SS_TCP_ACK, 101, 55));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(n.answers, 3);
    const ss_attempt *a = syn.attempt;
    CHECK_EQ_INT(ss_attempt_syns_at_outcome(a), 3);
    CHECK_EQ_INT(a->syn_count, 3);
    CHECK_EQ_INT(ss_attempt_schedule(a, 3, NULL), SS_SCHEDULE_EXPONENTIAL);
    CHECK(ss_attempt_answer_not_captured(a));
}

static void test_older_connection_never_answers_a_new_attempt(void)
{
    ss_tuple c2s = test_tuple(1, 45000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    feed(t, tcp(2, 1, s2c, SS_TCP_SYN | SS_TCP_ACK, 9000, 101));
    feed(t, tcp(3, 2, c2s, SS_TCP_ACK, 101, 9001));
    /* the port is reused: a new attempt, and stray segments of the old connection */
    ss_attempt_note syn = feed(t, tcp(4, 60000, c2s, SS_TCP_SYN, 5000, 0));
    CHECK_EQ_INT(feed(t, tcp(5, 60001, c2s, SS_TCP_ACK, 101, 9001)).role, SS_ROLE_NONE);
    CHECK_EQ_INT(feed(t, tcp(6, 60002, s2c, SS_TCP_ACK, 9001, 101)).role, SS_ROLE_NONE);
    CHECK_EQ_INT(feed(t, tcp(7, 60003, c2s, SS_TCP_RST, 101, 0)).role, SS_ROLE_NONE);
    CHECK_EQ_INT(syn.attempt->outcome, SS_OUTCOME_OPEN);
    CHECK_EQ_INT(ss_attempt_final_outcome(syn.attempt, 61000 * MS), SS_OUTCOME_UNANSWERED);
}

static void test_split_handshake_is_answered_through_the_crossing(void)
{
    /* the server answers the SYN with a SYN of its own; the client sends the SYN/ACK */
    ss_tuple c2s = test_tuple(1, 46000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_attempt_note client = feed(t, tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note server = feed(t, tcp(2, 1, s2c, SS_TCP_SYN, 9000, 0));
    CHECK_EQ_INT(server.crosses, 1);
    ss_attempt_note n = feed(t, tcp(3, 2, c2s, SS_TCP_SYN | SS_TCP_ACK, 100, 9001));
    CHECK_EQ_INT(server.attempt->outcome, SS_OUTCOME_ANSWERED);       /* the client's SYN/ACK answers the server */
    CHECK_EQ_INT(client.attempt->outcome, SS_OUTCOME_OPEN);
    n = feed(t, tcp(4, 3, s2c, SS_TCP_ACK, 9001, 101));
    CHECK_EQ_INT(n.role, SS_ROLE_OUTCOME);
    CHECK(n.attempt == client.attempt);
    CHECK_EQ_INT(client.attempt->outcome, SS_OUTCOME_ANSWERED);
    CHECK(ss_attempt_answered_through_crossing(client.attempt));
    CHECK(!ss_attempt_answer_not_captured(client.attempt));          /* nothing is missing from the capture */
    CHECK_EQ_INT(ss_attempt_crossed_by(client.attempt), 2);
    CHECK(ss_attempt_is_notable(client.attempt));
}

static void test_pending_until_the_smallest_rto(void)
{
    ss_tuple c2s = test_tuple(1, 47000, 2, 80);
    const ss_attempt *a = feed(t, tcp(1, 10000, c2s, SS_TCP_SYN, 100, 0)).attempt;
    CHECK_EQ_INT(ss_attempt_final_outcome(a, 10300 * MS), SS_OUTCOME_PENDING);
    CHECK_EQ_STR(ss_outcome_name(SS_OUTCOME_PENDING), "pending");
    CHECK_EQ_INT(ss_attempt_final_outcome(a, 10999 * MS), SS_OUTCOME_PENDING);
    CHECK_EQ_INT(ss_attempt_final_outcome(a, 11000 * MS), SS_OUTCOME_UNANSWERED);
    CHECK_EQ_INT(ss_attempt_final_outcome(a, 0), SS_OUTCOME_UNANSWERED);      /* end not known */
    /* a retransmission: the sender's own timer fired, so it is unanswered however soon the capture ends */
    feed(t, tcp(2, 10400, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(ss_attempt_final_outcome(a, 10500 * MS), SS_OUTCOME_UNANSWERED);
}

/* --- schedules on the sender's clock ------------------------------------ */

static void test_schedule_on_the_senders_clock(void)
{
    /* Linux's 1 kHz TSval: gaps 1, 2, 4, 8 s; the capture point saw the third
     * retransmission 1.5 s late, which on its clock reads 1, 2, 5.5, 6.5 */
    ss_tuple c2s = test_tuple(1, 48000, 2, 80);
    static const int64_t seen_ms[] = { 0, 1000, 3000, 8500, 15000 };
    static const uint32_t tsval[] = { 50000, 51000, 53000, 57000, 65000 };
    const ss_attempt *a = NULL;
    for (int i = 0; i < 5; i++)
        a = feed(t, with_ts(tcp((uint32_t)i + 1, seen_ms[i], c2s, SS_TCP_SYN, 100, 0), tsval[i], 0)).attempt;
    ss_schedule_clock clock;
    CHECK_EQ_INT(ss_attempt_schedule(a, 5, &clock), SS_SCHEDULE_EXPONENTIAL);
    CHECK_EQ_INT(clock, SS_CLOCK_SENDER);
    CHECK_EQ_STR(ss_schedule_clock_name(clock), "sender");
    CHECK_EQ_INT(ss_attempt_gap_ns(a, 3), 5500 * MS);              /* gaps stay on the capture's clock */

    /* the same SYNs without timestamps: irregular on the capture's clock */
    ss_tuple bare = test_tuple(1, 48001, 2, 80);
    for (int i = 0; i < 5; i++)
        a = feed(t, tcp((uint32_t)i + 10, seen_ms[i], bare, SS_TCP_SYN, 200, 0)).attempt;
    CHECK_EQ_INT(ss_attempt_schedule(a, 5, &clock), SS_SCHEDULE_IRREGULAR);
    CHECK_EQ_INT(clock, SS_CLOCK_CAPTURE);

    /* a 100 Hz clock (some Android kernels) */
    ss_tuple android = test_tuple(1, 48002, 2, 80);
    static const uint32_t ticks100[] = { 700, 800, 900, 1000, 1100, 1200, 1400 };
    for (int i = 0; i < 7; i++)
        a = feed(t, with_ts(tcp((uint32_t)i + 20, 30000 + (ticks100[i] - 700) * 10, android, SS_TCP_SYN, 300, 0),
                            ticks100[i], 0)).attempt;
    CHECK_EQ_INT(ss_attempt_schedule(a, 7, &clock), SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL);
    CHECK_EQ_INT(clock, SS_CLOCK_SENDER);

    /* TSvals that do not tick at any known rate, or run backwards: not trusted */
    ss_tuple odd = test_tuple(1, 48003, 2, 80);
    static const uint32_t odd_ts[] = { 10, 17, 3, 40, 41 };
    for (int i = 0; i < 5; i++)
        a = feed(t, with_ts(tcp((uint32_t)i + 30, seen_ms[i], odd, SS_TCP_SYN, 400, 0), odd_ts[i], 0)).attempt;
    ss_attempt_schedule(a, 5, &clock);
    CHECK_EQ_INT(clock, SS_CLOCK_CAPTURE);
}

static void test_floods_count_lone_unanswered_syns_by_source(void)
{
    int64_t s = SS_NS_PER_SEC;
    /* to 10.0.0.2:80: three lone SYNs from two sources, one retried attempt, one answered */
    feed(t, test_tcp(1, 0, test_tuple(1, 1001, 2, 80), SS_TCP_SYN, 100, 0));
    feed(t, test_tcp(2, s / 10, test_tuple(1, 1002, 2, 80), SS_TCP_SYN, 200, 0));
    feed(t, test_tcp(3, s / 5, test_tuple(3, 1003, 2, 80), SS_TCP_SYN, 300, 0));
    feed(t, test_tcp(4, s / 4, test_tuple(4, 1004, 2, 80), SS_TCP_SYN, 400, 0));
    feed(t, test_tcp(5, s + s / 4, test_tuple(4, 1004, 2, 80), SS_TCP_SYN, 400, 0));
    feed(t, test_tcp(6, s / 2, test_tuple(5, 1005, 2, 80), SS_TCP_SYN, 500, 0));
    feed(t, test_tcp(7, s / 2, test_tuple(2, 80, 5, 1005), SS_TCP_SYN | SS_TCP_ACK, 900, 501));
    int64_t end = 10 * s;
    GPtrArray *f = ss_attempts_floods(t, end, 2);
    CHECK_EQ_INT(f->len, 1);
    const ss_flood *fl = f->len ? g_ptr_array_index(f, 0) : NULL;
    CHECK(fl && fl->attempts == 3 && fl->sources == 2 && fl->port == 80 && fl->first_frame == 1);
    CHECK(fl && fl->first_ns == 0 && fl->last_ns == s / 5);
    g_ptr_array_unref(f);
    f = ss_attempts_floods(t, end, 3);      /* three attempts, but two sources */
    CHECK_EQ_INT(f->len, 0);
    g_ptr_array_unref(f);
    f = ss_attempts_floods(t, end, 0);      /* off */
    CHECK_EQ_INT(f->len, 0);
    g_ptr_array_unref(f);
    /* the capture ends 1.15 s in: the SYN at 0.2 s is pending, not unanswered */
    f = ss_attempts_floods(t, s + 3 * s / 20, 1);
    CHECK_EQ_INT(f->len, 1);
    fl = f->len ? g_ptr_array_index(f, 0) : NULL;
    CHECK(fl && fl->attempts == 2 && fl->sources == 1);
    g_ptr_array_unref(f);
}

/* IPv6 sources are counted as IPv4 ones are, each destination apart:
 * 2001::1 once and 2001::2 twice to [2001::ff]:443 are three attempts from
 * two sources; 10.0.0.1 to 10.0.0.2:443 is one from one. */
static void test_floods_count_ipv6_sources(void)
{
    ss_tuple v6 = test_tuple(1, 2000, 9, 443);
    v6.src.family = v6.dst.family = 6;
    memset(v6.src.bytes, 0, 16);
    memset(v6.dst.bytes, 0, 16);
    v6.src.bytes[0] = v6.dst.bytes[0] = 0x20;
    v6.src.bytes[1] = v6.dst.bytes[1] = 0x01;
    v6.dst.bytes[15] = 0xff;
    uint8_t sources[] = { 1, 2, 2 };
    for (uint32_t i = 0; i < 3; i++) {
        ss_tuple u = v6;
        u.src.bytes[15] = sources[i];
        u.sport = (uint16_t)(2000 + i);
        feed(t, test_tcp(i + 1, (int64_t)i, u, SS_TCP_SYN, 100 + i, 0));
    }
    feed(t, test_tcp(4, 3, test_tuple(1, 3000, 2, 443), SS_TCP_SYN, 900, 0));
    GPtrArray *f = ss_attempts_floods(t, 10 * SS_NS_PER_SEC, 2);
    CHECK_EQ_INT(f->len, 1);
    const ss_flood *fl = f->len ? g_ptr_array_index(f, 0) : NULL;
    CHECK(fl && fl->attempts == 3 && fl->sources == 2 && fl->port == 443 && fl->addr.family == 6 && fl->first_frame == 1);
    g_ptr_array_unref(f);
    f = ss_attempts_floods(t, 10 * SS_NS_PER_SEC, 1);
    CHECK_EQ_INT(f->len, 2);
    fl = f->len == 2 ? g_ptr_array_index(f, 1) : NULL;
    CHECK(fl && fl->attempts == 1 && fl->sources == 1 && fl->addr.family == 4 && fl->first_frame == 4);
    g_ptr_array_unref(f);
}

/* An attempt's number is read from its side's latest attempt: a mark is
 * made for the attempt a frame just fed, never for one replaced since. */
static void test_marks_name_the_latest_attempt(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80), other = test_tuple(3, 50000, 2, 80);
    ss_attempt_mark mark;
    feed(t, tcp(1, 0, other, SS_TCP_SYN, 5, 0));
    ss_attempt_note first = feed(t, tcp(2, 0, c2s, SS_TCP_SYN, 100, 0));
    ss_attempt_note retry = feed(t, tcp(3, 1000, c2s, SS_TCP_SYN, 100, 0));
    CHECK(ss_attempt_note_to_mark(t, &retry, &mark));
    CHECK_EQ_INT(mark.attempt_id, 1);
    CHECK_EQ_INT(mark.role_and_index, 1);
    ss_attempt_note renewed = feed(t, tcp(4, 2000, c2s, SS_TCP_SYN, 200, 0));
    CHECK(renewed.supersedes == first.attempt);
    CHECK(!ss_attempt_note_to_mark(t, &retry, &mark));          /* attempt 1 was replaced */
    uint32_t id;
    CHECK(!ss_attempts_latest_id(t, first.attempt, &id));
    CHECK(ss_attempts_latest_id(t, renewed.attempt, &id) && id == 2);
}

/* An attempt holds SS_ATTEMPT_MAX_SYNS SYNs: the next, with the same ISN,
 * opens a new attempt rather than wrap the count. */
static void test_syns_past_the_most_an_attempt_holds(void)
{
    ss_tuple c2s = test_tuple(1, 50000, 2, 80);
    ss_attempt_note n;
    for (uint32_t i = 0; i < SS_ATTEMPT_MAX_SYNS; i++)
        n = feed(t, test_tcp(1 + i, (int64_t)i * 1000, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(ss_attempts_count(t), 1);
    const ss_attempt *a = n.attempt;
    CHECK_EQ_INT(a->syn_count, SS_ATTEMPT_MAX_SYNS);
    CHECK_EQ_INT(n.syn_index, SS_ATTEMPT_MAX_SYNS - 1);
    CHECK_EQ_INT(ss_attempt_syn(a, SS_ATTEMPT_MAX_SYNS - 1).frame, SS_ATTEMPT_MAX_SYNS);
    n = feed(t, test_tcp(SS_ATTEMPT_MAX_SYNS + 1, (int64_t)SS_ATTEMPT_MAX_SYNS * 1000, c2s, SS_TCP_SYN, 100, 0));
    CHECK_EQ_INT(ss_attempts_count(t), 2);
    CHECK(n.supersedes == a);
    CHECK_EQ_INT(n.syn_index, 0);
    CHECK_EQ_INT(a->syn_count, SS_ATTEMPT_MAX_SYNS);
}

int main(void)
{
    RUN(test_schedule_jitter_cases);
    RUN(test_schedule_edge_cases);
    RUN_WITH_TRACKER(test_long_train_is_one_attempt);
    RUN(test_record_sizes);
    RUN(test_later_syn_times_exact);
    RUN(test_later_syn_packed_limits);
    RUN_WITH_TRACKER(test_rare_part_after_later_syns);
    RUN_WITH_TRACKER(test_end_after_rare_part_and_later_syns);
    RUN_WITH_TRACKER(test_synack_matches_echoed_tsval);
    RUN_WITH_TRACKER(test_ordinary_handshake_is_not_notable);
    RUN_WITH_TRACKER(test_rst_refusal_rules);
    RUN_WITH_TRACKER(test_syn_data);
    RUN_WITH_TRACKER(test_new_isn_supersedes);
    RUN_WITH_TRACKER(test_synack_retransmissions);
    RUN_WITH_TRACKER(test_simultaneous_open);
    RUN_WITH_TRACKER(test_icmp_refusal_and_ignored_refusal);
    RUN_WITH_TRACKER(test_client_ack_proves_an_answer);
    RUN_WITH_TRACKER(test_client_segments_that_prove_nothing);
    RUN_WITH_TRACKER(test_server_ack_proves_an_answer);
    RUN_WITH_TRACKER(test_client_rst_proves_the_synack_arrived);
    RUN_WITH_TRACKER(test_evidence_after_retries_is_a_late_answer);
    RUN_WITH_TRACKER(test_older_connection_never_answers_a_new_attempt);
    RUN_WITH_TRACKER(test_split_handshake_is_answered_through_the_crossing);
    RUN_WITH_TRACKER(test_pending_until_the_smallest_rto);
    RUN_WITH_TRACKER(test_schedule_on_the_senders_clock);
    RUN_WITH_TRACKER(test_floods_count_lone_unanswered_syns_by_source);
    RUN_WITH_TRACKER(test_floods_count_ipv6_sources);
    RUN_WITH_TRACKER(test_marks_name_the_latest_attempt);
    RUN_WITH_TRACKER(test_syns_past_the_most_an_attempt_holds);
    return check_report();
}
