/* test_causes.c - why an attempt went as it did: the listener that answered
 * others, challenge ACKs, options dropped from late retries, ECN fallback,
 * a SYN/ACK sent again after the client's ACK, whose stack and who gave up
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>

#include "analysis.h"
#include "causes.h"

#include "check.h"
#include "fixtures.h"

#define MS (SS_NS_PER_SEC / 1000)
#define S SS_NS_PER_SEC

/* Linux's SYN options: MSS, SACK-permitted, timestamps, NOP, window scale */
#define LINUX_KINDS 0x31842u
/* macOS: MSS, NOP, WS, NOP, NOP, timestamps, SACK-permitted, EOL */
#define APPLE_KINDS 0x4811312u
/* Windows: MSS, NOP, WS, NOP, NOP, SACK-permitted */
#define WINDOWS_KINDS 0x411312u

static ss_analysis *an;

static ss_frame_result feed(ss_segment s)
{
    ss_frame_result r;
    ss_analysis_feed(an, &s, &r);
    return r;
}

/* A SYN as a stack sends it: options in kinds' layout. */
static ss_segment syn_of(uint32_t frame, int64_t t, ss_tuple c2s, uint32_t isn, uint32_t kinds, bool ts, bool ws,
                         bool sack)
{
    ss_segment s = test_tcp(frame, t, c2s, SS_TCP_SYN, isn, 0);
    s.option_kinds = kinds;
    s.has_ts = ts;
    s.tsval = ts ? 1000 + (uint32_t)(t / MS) : 0;
    s.wscale = ws ? 7 : -1;
    s.sack_perm = sack;
    return s;
}

static ss_segment linux_syn(uint32_t frame, int64_t t, ss_tuple c2s, uint32_t isn)
{
    return syn_of(frame, t, c2s, isn, LINUX_KINDS, true, true, true);
}

static ss_segment synack(uint32_t frame, int64_t t, ss_tuple c2s, uint32_t isn, uint32_t server_isn)
{
    return test_tcp(frame, t, ss_tuple_reverse(&c2s), SS_TCP_SYN | SS_TCP_ACK, server_isn, isn + 1);
}

/* A frame that only tells the capture went on (a ping). */
static void capture_goes_on(uint32_t frame, int64_t t)
{
    ss_segment s;
    memset(&s, 0, sizeof s);
    s.frame = frame;
    s.time_ns = t;
    feed(s);
}

static ss_attempt_causes causes_of(uint32_t first_frame)
{
    ss_attempt_causes c;
    CHECK(ss_analysis_attempt_causes(an, first_frame, &c));
    return c;
}

/* SYNs of one attempt at the given times (train below). */
static ss_attempt *train(uint32_t first_frame, ss_tuple c2s, const double *at_s, size_t n, uint32_t kinds, bool ts);

/* --- the listener is up ----------------------------------------------- */

/* Client 1's four SYNs go unanswered while the port answers client 3: its
 * SYNs carry that SYN/ACK; a SYN/ACK to the same client does not count. */
static void test_port_answered(void)
{
    ss_tuple a = test_tuple(1, 40000, 2, 80), b = test_tuple(3, 40001, 2, 80);
    feed(linux_syn(1, 0, a, 100));
    feed(linux_syn(2, 1010 * MS, a, 100));
    feed(linux_syn(3, 1500 * MS, b, 500));
    feed(synack(4, 1501 * MS, b, 500, 9000));
    feed(linux_syn(5, 3030 * MS, a, 100));
    feed(linux_syn(6, 7060 * MS, a, 100));
    capture_goes_on(7, 20 * S);
    ss_attempt_causes c = causes_of(1);
    CHECK_EQ_INT(c.port_answered, 4);
    /* client 3, answered at once, did not wait: nothing to ask */
    CHECK_EQ_INT(causes_of(3).port_answered, 0);
}

/* A server that answers nobody: not "the listener is up". */
static void test_port_answered_nobody(void)
{
    ss_tuple a = test_tuple(1, 40000, 2, 80), b = test_tuple(3, 40001, 2, 80), other = test_tuple(3, 40002, 2, 443);
    feed(linux_syn(1, 0, a, 100));
    feed(linux_syn(2, 1010 * MS, a, 100));
    feed(linux_syn(3, 1100 * MS, b, 500));      /* unanswered too */
    feed(linux_syn(4, 1200 * MS, other, 700));
    feed(synack(5, 1201 * MS, other, 700, 9000));   /* another port answered: not this listener */
    feed(linux_syn(6, 3030 * MS, a, 100));
    capture_goes_on(7, 20 * S);
    CHECK_EQ_INT(causes_of(1).port_answered, 0);
}

/* A SYN/ACK long before the attempt (more than a second) says nothing of it. */
static void test_port_answered_out_of_window(void)
{
    ss_tuple a = test_tuple(1, 40000, 2, 80), b = test_tuple(3, 40001, 2, 80);
    feed(linux_syn(1, 0, b, 500));
    feed(synack(2, 1 * MS, b, 500, 9000));
    feed(linux_syn(3, 5 * S, a, 100));
    feed(linux_syn(4, 6 * S, a, 100));
    feed(linux_syn(5, 8 * S, a, 100));
    capture_goes_on(6, 30 * S);
    CHECK_EQ_INT(causes_of(3).port_answered, 0);
}

/* --- challenge ACKs ----------------------------------------------------- */

static void test_challenge_ack(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    /* an older connection on the 4-tuple, answered */
    feed(linux_syn(1, 0, c2s, 100));
    feed(synack(2, 1 * MS, c2s, 100, 9000));
    feed(test_tcp(3, 2 * MS, c2s, SS_TCP_ACK, 101, 9001));
    /* the client's new SYN; the server answers with the older connection's ACK */
    ss_frame_result r = feed(linux_syn(4, 2 * S, c2s, 5000));
    ss_attempt *a = r.attempt.attempt;
    r = feed(test_tcp(5, 2 * S + 1 * MS, s2c, SS_TCP_ACK, 9001, 101));
    CHECK_EQ_INT(r.attempt.challenge_of, 4);
    CHECK_EQ_INT(r.attempt.attempt, a);
    CHECK_EQ_INT(r.attempt.role, SS_ROLE_NONE);
    CHECK_EQ_INT(ss_attempt_challenge_ack(a), 5);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    feed(test_tcp(6, 2 * S + 2 * MS, c2s, SS_TCP_RST, 101, 0));
    CHECK_EQ_INT(ss_attempt_rare_part(a)->challenge_rst, 6);
    feed(linux_syn(7, 2 * S + 11 * MS, c2s, 5000));
    r = feed(synack(8, 2 * S + 12 * MS, c2s, 5000, 70000));
    CHECK_EQ_INT(r.attempt.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(causes_of(4).earlier_connection, 1);
    CHECK(ss_attempt_syn_resent_after_challenge(a, 1));     /* SYN 7, after frame 4's challenge */
    CHECK(!ss_attempt_syn_resent_after_challenge(a, 0));
}

/* Windows' retry of a refused connect(): the same SYN 0.5 s after each
 * RST; Linux's SYN timer never fires that soon. */
static void test_refused_and_sent_again(void)
{
    ss_tuple c2s = test_tuple(1, 51000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_attempt *a = NULL;
    for (uint32_t i = 0; i < 3; i++) {
        a = feed(syn_of(1 + 2 * i, (int64_t)i * 500 * MS, c2s, 100, WINDOWS_KINDS, false, true, true)).attempt.attempt;
        feed(test_tcp(2 + 2 * i, (int64_t)i * 500 * MS + 1 * MS, s2c, SS_TCP_RST | SS_TCP_ACK, 0, 101));
    }
    CHECK(ss_attempt_resent_at_once(a));
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_REFUSED_RST);
    CHECK_EQ_INT(ss_attempt_outcome_frame(a), 6);
    CHECK_EQ_INT(ss_attempt_next_syn_after_ns(a, 1 * MS), 499 * MS);
    CHECK_EQ_INT(ss_attempt_next_syn_after_ns(a, 1001 * MS), 0);
    CHECK(ss_refused_retry_is_windows(499 * MS));
    CHECK(!ss_refused_retry_is_windows(1010 * MS));
    /* a Linux train, 1 s apart: not at once */
    const double linux_train[] = { 0, 1.01, 3.03 };
    CHECK(!ss_attempt_resent_at_once(train(11, test_tuple(1, 40000, 2, 81), linux_train, 3, LINUX_KINDS, true)));
}

/* A server ACK with ack = ISN + 1 answers the SYN (its SYN/ACK not
 * captured): not a challenge ACK. */
static void test_ack_of_isn_is_an_answer(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_frame_result r = feed(linux_syn(1, 0, c2s, 100));
    ss_attempt *a = r.attempt.attempt;
    r = feed(test_tcp(2, 1 * MS, s2c, SS_TCP_ACK, 9001, 101));
    CHECK_EQ_INT(r.attempt.challenge_of, 0);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(a->evidence, SS_EVIDENCE_SERVER_ACK);
    CHECK_EQ_INT(ss_attempt_challenge_ack(a), 0);
}

/* An old connection's data a second after the SYN, or with a payload, is
 * no reply to the SYN. */
static void test_late_or_data_is_no_challenge(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_frame_result r = feed(linux_syn(1, 0, c2s, 100));
    ss_attempt *a = r.attempt.attempt;
    ss_segment data = test_tcp(2, 1 * MS, s2c, SS_TCP_ACK, 9001, 50);
    data.payload_len = 100;
    CHECK_EQ_INT(feed(data).attempt.challenge_of, 0);
    CHECK_EQ_INT(feed(test_tcp(3, 1500 * MS, s2c, SS_TCP_ACK, 9101, 50)).attempt.challenge_of, 0);
    CHECK_EQ_INT(ss_attempt_challenge_ack(a), 0);
}

/* --- options dropped from late retries; ECN fallback ----------------- */

static void test_options_dropped(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_frame_result r = feed(syn_of(1, 0, c2s, 100, APPLE_KINDS, true, true, true));
    ss_attempt *a = r.attempt.attempt;
    CHECK_EQ_INT(feed(syn_of(2, 1 * S, c2s, 100, APPLE_KINDS, true, true, true)).attempt.options_dropped, 0);
    CHECK_EQ_INT(feed(syn_of(3, 2 * S, c2s, 100, APPLE_KINDS, true, true, true)).attempt.options_dropped, 0);
    r = feed(syn_of(4, 3 * S, c2s, 100, 0x4112, false, false, true));
    CHECK_EQ_INT(r.attempt.options_dropped, SS_SYN_WS | SS_SYN_TS);
    CHECK_EQ_INT(r.attempt.syn_index, 3);
    ss_attempt_mark mark;
    CHECK(!ss_attempt_note_to_mark(NULL, &r.attempt, &mark));     /* kept whole: the mark would lose it */
    feed(synack(5, 3 * S + 1 * MS, c2s, 100, 9000));
    CHECK_EQ_INT(ss_attempt_answered_lost(a), SS_SYN_WS | SS_SYN_TS);
    CHECK(!ss_attempt_ecn_fallback(a));
    ss_stack_reading st = ss_attempt_stack(a);
    CHECK_EQ_INT(st.stack, SS_STACK_APPLE_BSD);
    CHECK_EQ_INT(st.gives_up_ns, 75 * S);
}

/* The window analysis reads the SYN that was answered: without window
 * scale, scaling is off both ways, so a SYN/ACK without the option is no
 * one-sided offer, and one with it is (RFC 7323 section 2.2). */
static void test_options_dropped_windows(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), other = test_tuple(1, 40001, 2, 80);
    feed(syn_of(1, 0, c2s, 100, APPLE_KINDS, true, true, true));
    feed(syn_of(2, 1 * S, c2s, 100, APPLE_KINDS, true, true, true));
    feed(syn_of(3, 2 * S, c2s, 100, APPLE_KINDS, true, true, true));
    feed(syn_of(4, 3 * S, c2s, 100, 0x4112, false, false, true));
    ss_frame_result r = feed(synack(5, 3 * S + 1 * MS, c2s, 100, 9000));
    CHECK(!r.window.one_sided);
    feed(syn_of(11, 10 * S, other, 500, APPLE_KINDS, true, true, true));
    feed(syn_of(12, 11 * S, other, 500, APPLE_KINDS, true, true, true));
    feed(syn_of(13, 12 * S, other, 500, APPLE_KINDS, true, true, true));
    feed(syn_of(14, 13 * S, other, 500, 0x4112, false, false, true));
    ss_segment echo = synack(15, 13 * S + 1 * MS, other, 500, 7000);
    echo.wscale = 7;            /* a server that echoes a scale the answered SYN did not offer */
    r = feed(echo);
    CHECK(r.window.one_sided);
}

/* The answered SYN kept its options: the connection has them. */
static void test_options_kept(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_frame_result r = feed(linux_syn(1, 0, c2s, 100));
    ss_attempt *a = r.attempt.attempt;
    CHECK_EQ_INT(feed(linux_syn(2, 1 * S, c2s, 100)).attempt.options_dropped, 0);
    feed(synack(3, 1 * S + 1 * MS, c2s, 100, 9000));
    CHECK_EQ_INT(ss_attempt_answered_lost(a), 0);
    CHECK(!a->has_rare);
}

static void test_ecn_fallback(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_segment ecn = linux_syn(1, 0, c2s, 100);
    ecn.flags |= SS_TCP_ECE | SS_TCP_CWR;
    ss_frame_result r = feed(ecn);
    ss_attempt *a = r.attempt.attempt;
    r = feed(linux_syn(2, 1 * S, c2s, 100));
    CHECK_EQ_INT(r.attempt.options_dropped, SS_SYN_ECN);
    feed(synack(3, 1 * S + 1 * MS, c2s, 100, 9000));
    CHECK(ss_attempt_ecn_fallback(a));

    /* an ECN-setup SYN answered at once: no fallback */
    ss_tuple other = test_tuple(1, 40001, 2, 80);
    ecn = linux_syn(4, 2 * S, other, 700);
    ecn.flags |= SS_TCP_ECE | SS_TCP_CWR;
    r = feed(ecn);
    feed(synack(5, 2 * S + 1 * MS, other, 700, 9000));
    CHECK(!ss_attempt_ecn_fallback(r.attempt.attempt));
}

/* --- a SYN/ACK sent again after the client's ACK ------------------------ */

static void test_synack_after_ack(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    feed(linux_syn(1, 0, c2s, 100));
    feed(synack(2, 1 * MS, c2s, 100, 9000));
    feed(test_tcp(3, 2 * MS, c2s, SS_TCP_ACK, 101, 9001));
    ss_frame_result r = feed(synack(4, 1 * S, c2s, 100, 9000));
    CHECK_EQ_INT(r.attempt.synack_retry, 1);
    CHECK_EQ_INT(r.attempt.synack_acked_by, 3);
    ss_segment data = test_tcp(5, 4 * S, c2s, SS_TCP_ACK | SS_TCP_PSH, 101, 9001);
    data.payload_len = 18;
    feed(data);
    feed(test_tcp(6, 4 * S + 1 * MS, s2c, SS_TCP_ACK, 9001, 119));
    ss_synack_train train;
    CHECK(ss_analysis_synack_train(an, &r.attempt, &train));
    CHECK_EQ_INT(train.retries, 1);
    CHECK_EQ_INT(train.acked_by, 3);
    CHECK_EQ_INT(train.data_by, 5);
    CHECK(train.last_ns <= train.data_ns);
}

/* Without the client's ACK in the capture, the retry says so. */
static void test_synack_retry_without_ack(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    feed(linux_syn(1, 0, c2s, 100));
    feed(synack(2, 1 * MS, c2s, 100, 9000));
    ss_frame_result r = feed(synack(3, 1 * S, c2s, 100, 9000));
    CHECK_EQ_INT(r.attempt.synack_retry, 1);
    CHECK_EQ_INT(r.attempt.synack_acked_by, 0);
}

/* --- whose stack ------------------------------------------------------ */

static ss_attempt *train(uint32_t first_frame, ss_tuple c2s, const double *at_s, size_t n, uint32_t kinds, bool ts)
{
    ss_attempt *a = NULL;
    for (size_t i = 0; i < n; i++) {
        ss_frame_result r = feed(syn_of(first_frame + (uint32_t)i, (int64_t)(at_s[i] * 1e9), c2s, 100, kinds, ts,
                                        true, true));
        a = r.attempt.attempt;
    }
    return a;
}

static void test_stacks(void)
{
    const double doubling[] = { 0, 1.01, 3.03, 7.06 };
    ss_stack_reading r = ss_attempt_stack(train(1, test_tuple(1, 40000, 2, 80), doubling, 4, LINUX_KINDS, true));
    CHECK_EQ_INT(r.stack, SS_STACK_LINUX);
    CHECK_EQ_INT(r.gives_up_ns, 127 * S);
    CHECK_EQ_INT(r.max_syns, 7);
    CHECK_EQ_INT(r.next_due_ns, 8 * S);
    CHECK_EQ_STR(r.setting, "tcp_syn_retries=6");

    const double linear[] = { 0, 1.01, 2.02, 3.03 };
    r = ss_attempt_stack(train(11, test_tuple(1, 40001, 2, 80), linear, 4, LINUX_KINDS, true));
    CHECK_EQ_INT(r.stack, SS_STACK_LINUX_LINEAR);
    CHECK_EQ_INT(r.gives_up_ns, 131 * S);
    CHECK_EQ_INT(r.max_syns, 11);

    /* the linear part seen to end: tcp_syn_linear_timeouts=2 */
    const double linear2[] = { 0, 1.01, 2.02, 3.03, 5.05 };
    r = ss_attempt_stack(train(21, test_tuple(1, 40002, 2, 80), linear2, 5, LINUX_KINDS, true));
    CHECK_EQ_INT(r.stack, SS_STACK_LINUX_LINEAR);
    CHECK_EQ_INT(r.max_syns, 9);
    CHECK_EQ_INT(r.gives_up_ns, ss_linux_gives_up_ns(S, 2, 6));

    const double windows[] = { 0, 3.0, 9.0 };
    r = ss_attempt_stack(train(31, test_tuple(1, 40003, 2, 80), windows, 3, WINDOWS_KINDS, false));
    CHECK_EQ_INT(r.stack, SS_STACK_WINDOWS);
    CHECK_EQ_INT(r.gives_up_ns, 21 * S);
    CHECK_EQ_INT(r.max_syns, 3);
}

/* The BSDs' trace (window scale and timestamps gone at the 3rd
 * retransmission, 1 s steps) names them whatever the options' order; a
 * Windows 3 s schedule of three SYNs without timestamps needs no layout,
 * its 1 s schedule does. */
static void test_stacks_by_trace(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_attempt *a = NULL;
    for (uint32_t i = 0; i < 4; i++) {
        bool full = i < 3;
        a = feed(syn_of(1 + i, (int64_t)i * S, c2s, 100, full ? LINUX_KINDS : 0x42u, full, full, true)).attempt.attempt;
    }
    CHECK_EQ_INT(ss_attempt_stack(a).stack, SS_STACK_APPLE_BSD);
    const double three_s[] = { 0, 3.0, 9.0 };
    CHECK_EQ_INT(ss_attempt_stack(train(11, test_tuple(1, 40001, 2, 80), three_s, 3, 0x2u, false)).stack,
                 SS_STACK_WINDOWS);
    const double one_s[] = { 0, 1.0, 3.0 };
    CHECK_EQ_INT(ss_attempt_stack(train(21, test_tuple(1, 40002, 2, 80), one_s, 3, 0x2u, false)).stack,
                 SS_STACK_UNKNOWN);
}

/* Thin evidence: unknown. */
static void test_stacks_unknown(void)
{
    const double two[] = { 0, 1.01 };   /* one gap: too short to classify */
    CHECK_EQ_INT(ss_attempt_stack(train(1, test_tuple(1, 40000, 2, 80), two, 2, LINUX_KINDS, true)).stack,
                 SS_STACK_UNKNOWN);
    const double doubling[] = { 0, 1.01, 3.03, 7.06 };  /* a Linux schedule, options of no known layout */
    CHECK_EQ_INT(ss_attempt_stack(train(11, test_tuple(1, 40001, 2, 80), doubling, 4, 0x3142u, true)).stack,
                 SS_STACK_UNKNOWN);
    const double three_s[] = { 0, 3.0, 9.0 };   /* Linux's layout, a 3 s initial RTO: not Linux's default */
    CHECK_EQ_INT(ss_attempt_stack(train(21, test_tuple(1, 40002, 2, 80), three_s, 3, LINUX_KINDS, true)).stack,
                 SS_STACK_UNKNOWN);
    const double irregular[] = { 0, 1.0, 1.5, 4.0 };
    CHECK_EQ_INT(ss_attempt_stack(train(31, test_tuple(1, 40003, 2, 80), irregular, 4, LINUX_KINDS, true)).stack,
                 SS_STACK_UNKNOWN);
    /* Windows' layout with timestamps on, or a third retransmission: not its default */
    const double windows4[] = { 0, 3.0, 9.0, 21.0 };
    CHECK_EQ_INT(ss_attempt_stack(train(41, test_tuple(1, 40004, 2, 80), windows4, 4, WINDOWS_KINDS, false)).stack,
                 SS_STACK_UNKNOWN);
}

/* More SYNs than the default limit: the limit was raised, no time to give. */
static void test_limit_raised(void)
{
    const double eight[] = { 0, 1, 3, 7, 15, 31, 63, 127 };
    ss_stack_reading r = ss_attempt_stack(train(1, test_tuple(1, 40000, 2, 80), eight, 8, LINUX_KINDS, true));
    CHECK_EQ_INT(r.stack, SS_STACK_LINUX);
    CHECK(r.limit_raised);
    CHECK_EQ_INT(r.gives_up_ns, 0);
}

/* --- who gave up ------------------------------------------------------ */

static const double three_syns[] = { 0, 1.01, 3.03 };

/* The SYNs stopped at 3 of Linux's 7 while the capture went on: the
 * application's timeout, between the last SYN and the next one due. */
static void test_app_gave_up(void)
{
    train(1, test_tuple(1, 40000, 2, 80), three_syns, 3, LINUX_KINDS, true);
    capture_goes_on(10, 12 * S);
    ss_attempt_causes c = causes_of(1);
    CHECK_EQ_INT(c.gave_up.who, SS_GAVE_UP_APP);
    CHECK_NEAR(ss_time_seconds(c.gave_up.from_ns), 3.03, 0.001);
    CHECK_NEAR(ss_time_seconds(c.gave_up.by_ns), 7.03, 0.001);
}

/* The capture ends as the next SYN was due: it cannot tell. */
static void test_gave_up_capture_too_short(void)
{
    train(1, test_tuple(1, 40000, 2, 80), three_syns, 3, LINUX_KINDS, true);
    capture_goes_on(10, 7500 * MS);
    CHECK_EQ_INT(causes_of(1).gave_up.who, SS_GAVE_UP_NOT_KNOWN);
}

/* The client tried again exactly when its kernel would have given up at
 * tcp_syn_retries=2: the kernel, at a lowered limit; its next attempt, as
 * long, is read the same way. */
static void test_kernel_lowered(void)
{
    train(1, test_tuple(1, 40000, 2, 80), three_syns, 3, LINUX_KINDS, true);
    const double next[] = { 7.05, 8.06, 10.08 };
    train(11, test_tuple(1, 40001, 2, 80), next, 3, LINUX_KINDS, true);
    capture_goes_on(20, 14 * S);
    ss_attempt_causes c = causes_of(1);
    CHECK_EQ_INT(c.gave_up.who, SS_GAVE_UP_KERNEL_LOWERED);
    CHECK_EQ_INT(c.gave_up.lowered_retries, 2);
    CHECK_EQ_INT(c.gave_up.next_attempt, 11);
    c = causes_of(11);
    CHECK_EQ_INT(c.gave_up.who, SS_GAVE_UP_KERNEL_LOWERED);
    CHECK_EQ_INT(c.gave_up.earlier_attempt, 1);
}

/* A next attempt before the next SYN was due: the application, by then. */
static void test_app_retried_early(void)
{
    train(1, test_tuple(1, 40000, 2, 80), three_syns, 3, LINUX_KINDS, true);
    const double next[] = { 5.0 };
    train(11, test_tuple(1, 40001, 2, 80), next, 1, LINUX_KINDS, true);
    capture_goes_on(20, 6 * S);
    ss_attempt_causes c = causes_of(1);
    CHECK_EQ_INT(c.gave_up.who, SS_GAVE_UP_APP);
    CHECK_EQ_INT(c.gave_up.next_attempt, 11);
    CHECK_NEAR(ss_time_seconds(c.gave_up.by_ns), 5.0, 0.001);
}

/* The stack's own limit reached (Windows' three SYNs): nobody gave up early. */
static void test_stack_limit_reached(void)
{
    const double windows[] = { 0, 3.0, 9.0 };
    train(1, test_tuple(1, 40000, 2, 80), windows, 3, WINDOWS_KINDS, false);
    capture_goes_on(10, 30 * S);
    ss_attempt_causes c = causes_of(1);
    CHECK_EQ_INT(c.stack.stack, SS_STACK_WINDOWS);
    CHECK_EQ_INT(c.gave_up.who, SS_GAVE_UP_NOT_KNOWN);
}

/* --- option layouts from the wire ------------------------------------- */

static void test_layouts(void)
{
    static const uint8_t linux_syn_header[40] = {
        0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 100, 0, 0, 0, 0, 0xa0, 0x02, 0xfa, 0xf0, 0, 0, 0, 0,
        2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
    };
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    CHECK(ss_parse_tcp(linux_syn_header, sizeof linux_syn_header, 40, &seg));
    CHECK_EQ_INT(seg.option_kinds, LINUX_KINDS);
    CHECK_EQ_INT(ss_syn_layout_of(seg.option_kinds), SS_LAYOUT_LINUX);
    CHECK(seg.sack_perm);
    CHECK_EQ_INT(seg.wscale, 7);
    static const uint8_t apple_syn_header[44] = {
        0xc7, 0x38, 0x00, 0x50, 0, 0, 0, 100, 0, 0, 0, 0, 0xb0, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        2, 4, 0x05, 0xb4, 1, 3, 3, 6, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 4, 2, 0, 0,
    };
    memset(&seg, 0, sizeof seg);
    CHECK(ss_parse_tcp(apple_syn_header, sizeof apple_syn_header, 44, &seg));
    CHECK_EQ_INT(ss_syn_layout_of(seg.option_kinds), SS_LAYOUT_APPLE);
    CHECK_EQ_INT(ss_syn_layout_of(WINDOWS_KINDS), SS_LAYOUT_WINDOWS);
    CHECK_EQ_INT(ss_syn_layout_of(0x84312), SS_LAYOUT_FREEBSD);
    CHECK_EQ_INT(ss_syn_layout_of(0x2), SS_LAYOUT_OTHER);       /* MSS alone: a scanner, an embedded stack */
}

int main(void)
{
    RUN_WITH_ANALYSIS(test_port_answered);
    RUN_WITH_ANALYSIS(test_port_answered_nobody);
    RUN_WITH_ANALYSIS(test_port_answered_out_of_window);
    RUN_WITH_ANALYSIS(test_challenge_ack);
    RUN_WITH_ANALYSIS(test_refused_and_sent_again);
    RUN_WITH_ANALYSIS(test_ack_of_isn_is_an_answer);
    RUN_WITH_ANALYSIS(test_late_or_data_is_no_challenge);
    RUN_WITH_ANALYSIS(test_options_dropped);
    RUN_WITH_ANALYSIS(test_options_dropped_windows);
    RUN_WITH_ANALYSIS(test_options_kept);
    RUN_WITH_ANALYSIS(test_ecn_fallback);
    RUN_WITH_ANALYSIS(test_synack_after_ack);
    RUN_WITH_ANALYSIS(test_synack_retry_without_ack);
    RUN_WITH_ANALYSIS(test_stacks);
    RUN_WITH_ANALYSIS(test_stacks_unknown);
    RUN_WITH_ANALYSIS(test_stacks_by_trace);
    RUN_WITH_ANALYSIS(test_limit_raised);
    RUN_WITH_ANALYSIS(test_app_gave_up);
    RUN_WITH_ANALYSIS(test_gave_up_capture_too_short);
    RUN_WITH_ANALYSIS(test_kernel_lowered);
    RUN_WITH_ANALYSIS(test_app_retried_early);
    RUN_WITH_ANALYSIS(test_stack_limit_reached);
    RUN(test_layouts);
    return check_report();
}
