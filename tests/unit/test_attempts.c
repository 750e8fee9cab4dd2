/* test_attempts.c - attempt tracking, schedule classification, outcome rules
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "attempts.h"

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
    CHECK_EQ_INT(ss_attempt_schedule(a, 7), SS_SCHEDULE_EXPONENTIAL);
    CHECK_EQ_INT(ss_attempt_schedule(a, 2), SS_SCHEDULE_NONE);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    CHECK_EQ_STR(ss_outcome_name(a->outcome, true), "unanswered");
    CHECK(ss_outcome_name(a->outcome, false) == NULL);
    CHECK(ss_attempt_is_notable(a));
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
    CHECK_EQ_INT(n.attempt->outcome_frame, 4);
    CHECK_EQ_INT(n.attempt->syns_at_outcome, 3);
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
    CHECK_EQ_INT(first.attempt->superseded_by, 3);
    CHECK_EQ_STR(ss_outcome_name(first.attempt->outcome, true), "superseded");
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
    CHECK_EQ_INT(a->outcome_frame, 4);
    CHECK_EQ_INT(n.answers, 3);
    /* a quote without the sequence number proves nothing */
    icmp.icmp.has_seq = false;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_NO_ATTEMPT);
    /* answered: a late ICMP refuses nothing */
    icmp.icmp.has_seq = true;
    feed(t, tcp(5, 1002, ss_tuple_reverse(&c2s), SS_TCP_SYN | SS_TCP_ACK, 900, 101));
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    icmp.frame = 6;
    CHECK_EQ_INT(ss_attempts_refuse_icmp(t, &icmp, &n), SS_ICMP_TOO_LATE);
    CHECK_EQ_INT(a->outcome_frame, 5);
}

int main(void)
{
    RUN(test_schedule_jitter_cases);
    RUN(test_schedule_edge_cases);
    RUN_WITH_TRACKER(test_long_train_is_one_attempt);
    RUN_WITH_TRACKER(test_synack_matches_echoed_tsval);
    RUN_WITH_TRACKER(test_ordinary_handshake_is_not_notable);
    RUN_WITH_TRACKER(test_rst_refusal_rules);
    RUN_WITH_TRACKER(test_new_isn_supersedes);
    RUN_WITH_TRACKER(test_synack_retransmissions);
    RUN_WITH_TRACKER(test_simultaneous_open);
    RUN_WITH_TRACKER(test_icmp_refusal_and_ignored_refusal);
    return check_report();
}
