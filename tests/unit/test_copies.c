/* test_copies.c - one packet captured more than once, and files out of time
 * order: the rule on both sides of it, and what the analyses then count
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "analysis.h"
#include "copies.h"

#include "check.h"
#include "fixtures.h"

static ss_analysis *an;
static ss_frame_result res;

static const int64_t ms = SS_NS_PER_SEC / 1000, us = SS_NS_PER_SEC / 1000000, s = SS_NS_PER_SEC;

static bool feed(ss_segment seg) { return ss_analysis_feed(an, &seg, &res); }

/* Fed, and its note kept as the plugin keeps it. */
static bool feed_kept(ss_segment seg)
{
    bool noted = feed(seg);
    if (noted && res.attempt.role != SS_ROLE_NONE)
        ss_analysis_keep_attempt(an, seg.frame, &res.attempt, &seg.tuple);
    return noted;
}

static ss_segment with_ts(ss_segment seg, uint32_t tsval)
{
    seg.has_ts = true;
    seg.tsval = tsval;
    return seg;
}

/* A SYN/ACK, RST or ICMP error as the reader gives it: its digest. */
static ss_segment with_digest(ss_segment seg, uint64_t digest, bool strong)
{
    seg.digest = digest;
    seg.strong_identity = strong;
    return seg;
}

static ss_tuple v6_tuple(void)
{
    ss_tuple t = test_tuple(1, 41000, 2, 80);
    t.src.family = t.dst.family = 6;
    return t;
}

static void test_rule(void)
{
    /* near: a copy whatever the bytes; either order in the file */
    CHECK(ss_is_copy(10 * s, 10 * s + 10 * us, false));
    CHECK(ss_is_copy(10 * s + 10 * us, 10 * s, false));
    CHECK(ss_is_copy(10 * s, 10 * s + SS_COPY_NEAR_NS - 1, false));
    CHECK(!ss_is_copy(10 * s, 10 * s + SS_COPY_NEAR_NS, false));
    /* the fastest real retransmission (200 ms: Linux's minimum RTO) is not */
    CHECK(!ss_is_copy(10 * s, 10 * s + 200 * ms, false));
    /* strong identity: up to a second of skew between merged captures */
    CHECK(ss_is_copy(10 * s, 10 * s + 300 * ms, true));
    CHECK(ss_is_copy(10 * s + 300 * ms, 10 * s, true));
    CHECK(!ss_is_copy(10 * s, 11 * s, true));
    CHECK(!ss_is_copy(INT64_MIN, INT64_MAX, true));
    /* a digest is never 0 (0: not read) */
    CHECK(ss_digest_end(0) != 0);
    CHECK(ss_digest(SS_DIGEST_START, "a", 1) != ss_digest(SS_DIGEST_START, "b", 1));
}

static void test_table(void)
{
    ss_copies *c = ss_copies_new();
    int64_t at = 0;
    CHECK_EQ_INT(ss_copies_check(c, 77, false, 1, 5 * s, &at), 0);
    CHECK_EQ_INT(ss_copies_check(c, 78, false, 2, 5 * s, &at), 0);
    CHECK_EQ_INT(ss_copies_check(c, 77, false, 3, 5 * s + 20 * us, &at), 1);
    CHECK_EQ_INT(at, 5 * s);
    /* the same bytes a second later: sent again, and itself an original */
    CHECK_EQ_INT(ss_copies_check(c, 77, true, 4, 6 * s + 20 * us, &at), 0);
    CHECK_EQ_INT(ss_copies_check(c, 77, true, 5, 6 * s + 40 * us, &at), 4);
    /* many digests: the table grows and keeps them all */
    for (uint32_t i = 0; i < 5000; i++)
        CHECK_EQ_INT(ss_copies_check(c, 1000 + i, false, 10 + i, 7 * s, &at), 0);
    for (uint32_t i = 0; i < 5000; i += 997)
        CHECK_EQ_INT(ss_copies_check(c, 1000 + i, false, 20000 + i, 7 * s + us, &at), 10 + i);
    CHECK(ss_copies_bytes(c) > 0);
    ss_copies_free(c);
}

/* Each SYN of a retried attempt twice, 10 us apart (`-i any` on a bridge):
 * the copies are no retries, the attempt has its own SYNs only. */
static void test_copied_syns_are_no_retries(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    uint32_t frame = 1;
    for (int i = 0; i < 4; i++) {
        int64_t t = (int64_t)((1u << i) - 1) * s;
        ss_segment syn = with_ts(test_tcp(frame++, t, c2s, SS_TCP_SYN, 100, 0), 5000 + 1000 * ((1u << i) - 1));
        CHECK(feed(syn));
        CHECK_EQ_INT(res.copy.of, 0);
        CHECK_EQ_INT(res.attempt.syn_index, i);
        syn.frame = frame++;
        syn.time_ns += 10 * us;
        CHECK(feed(syn));
        CHECK_EQ_INT(res.copy.of, syn.frame - 1);
        CHECK_EQ_INT(res.copy.apart_ns, 10 * us);
        CHECK_EQ_INT(res.attempt.role, SS_ROLE_NONE);
    }
    ss_segment synack = with_digest(test_tcp(frame++, 7 * s + ms, s2c, SS_TCP_SYN | SS_TCP_ACK, 900, 101), 4242, true);
    CHECK(feed(synack));
    CHECK_EQ_INT(res.attempt.role, SS_ROLE_OUTCOME);
    const ss_attempt *a = res.attempt.attempt;
    synack.frame = frame++;
    synack.time_ns += 10 * us;
    CHECK(feed(synack));
    CHECK_EQ_INT(res.copy.of, synack.frame - 1);
    CHECK_EQ_INT(res.attempt.synack_retry, 0);
    CHECK_EQ_INT(a->syn_count, 4);
    CHECK_EQ_INT(ss_attempt_syns_at_outcome(a), 4);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    ss_capture_facts f = ss_analysis_facts(an);
    CHECK_EQ_INT(f.copies, 5);
    CHECK_EQ_INT(f.first_copy, 2);
    CHECK_EQ_INT(f.copy_cause, SS_COPIES_MIRROR);
    CHECK_EQ_INT(f.late_frames, 0);
    CHECK_EQ_INT(ss_analysis_copy_of(an, 4).of, 3);
    CHECK_EQ_INT(ss_analysis_copy_of(an, 3).of, 0);
    CHECK(ss_analysis_frame_noted(an, 4));
}

/* A SYN sent again without timestamps, over IPv6 (no IPv4 ID): the same
 * bytes, but a second later: a retry, never a copy. */
static void test_identical_retransmission_is_a_retry(void)
{
    ss_tuple c2s = v6_tuple();
    CHECK(feed(test_tcp(1, 0, c2s, SS_TCP_SYN, 100, 0)));
    CHECK(feed(test_tcp(2, s, c2s, SS_TCP_SYN, 100, 0)));
    CHECK_EQ_INT(res.copy.of, 0);
    CHECK_EQ_INT(res.attempt.syn_index, 1);
    CHECK(feed(test_tcp(3, 3 * s, c2s, SS_TCP_SYN, 100, 0)));
    CHECK_EQ_INT(res.attempt.syn_index, 2);
    /* with timestamps a resent SYN carries a new TSval: a retry even 300 ms on */
    ss_tuple other = test_tuple(1, 40001, 2, 80);
    CHECK(feed(with_ts(test_tcp(4, 4 * s, other, SS_TCP_SYN, 7, 0), 1000)));
    CHECK(feed(with_ts(test_tcp(5, 4 * s + 300 * ms, other, SS_TCP_SYN, 7, 0), 1300)));
    CHECK_EQ_INT(res.copy.of, 0);
    CHECK_EQ_INT(res.attempt.syn_index, 1);
    /* ... and the same TSval 300 ms on is a copy from a skewed capture point */
    CHECK(feed(with_ts(test_tcp(6, 4 * s + 600 * ms, other, SS_TCP_SYN, 7, 0), 1300)));
    CHECK_EQ_INT(res.copy.of, 5);
    CHECK_EQ_INT(ss_analysis_facts(an).copies, 1);
    CHECK_EQ_INT(ss_analysis_facts(an).copy_cause, SS_COPIES_MERGED);
}

/* A copy of the RST or ICMP error that refused a SYN refuses nothing again. */
static void test_copied_refusals_refuse_once(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    CHECK(feed(test_tcp(1, 1 * s, c2s, SS_TCP_SYN, 100, 0)));
    ss_segment rst = with_digest(test_tcp(2, 1 * s + ms, s2c, SS_TCP_RST | SS_TCP_ACK, 0, 101), 99, false);
    CHECK(feed(rst));
    CHECK_EQ_INT(res.attempt.role, SS_ROLE_OUTCOME);
    CHECK(res.refusal.present);
    rst.frame = 3;
    rst.time_ns += 5 * us;
    CHECK(feed(rst));
    CHECK_EQ_INT(res.copy.of, 2);
    CHECK(!res.refusal.present);
    CHECK_EQ_INT(res.attempt.role, SS_ROLE_NONE);

    ss_tuple udp = test_tuple(1, 5353, 2, 53);
    ss_segment dgram = { .kind = SS_SEG_UDP, .frame = 4, .time_ns = 4 * s - ms, .tuple = udp };
    CHECK(!feed(dgram));
    ss_segment icmp = with_digest(test_icmp(5, false, 3, 17, udp, 0, 8, 0), 1234, true);
    CHECK(feed(icmp));
    CHECK(res.refusal.present);
    icmp.frame = 6;
    icmp.time_ns += 3 * us;
    CHECK(feed(icmp));
    CHECK_EQ_INT(res.copy.of, 5);
    CHECK(!res.refusal.present);
    ss_capture_facts f = ss_analysis_facts(an);
    CHECK_EQ_INT(f.copies, 2);
    CHECK_EQ_INT(f.first_copy, 3);
}

/* Interfaces tell the cause: two of them, or a cooked (`-i any`) capture. */
static void test_cause(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_segment syn = with_ts(test_tcp(1, s, c2s, SS_TCP_SYN, 100, 0), 10);
    syn.interface_id = 1;
    CHECK(feed(syn));
    syn.frame = 2;
    syn.interface_id = 2;
    CHECK(feed(syn));
    CHECK_EQ_INT(res.copy.of, 1);
    CHECK_EQ_INT(res.copy.apart_ns, 0);
    CHECK_EQ_INT(ss_analysis_facts(an).copy_cause, SS_COPIES_INTERFACES);
    syn.frame = 3;
    syn.cooked = true;
    CHECK(feed(syn));
    CHECK_EQ_INT(ss_analysis_facts(an).copy_cause, SS_COPIES_ANY_INTERFACE);
}

/* Two files of one client concatenated in the wrong order (mergecap -a):
 * the attempt's SYNs read in time order, no gap negative, the first in
 * time opens it, and the count agrees with the SYNs before the answer. */
static void test_time_order(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    /* the second file: SYNs 3 and 4, the SYN/ACK */
    CHECK(feed_kept(with_ts(test_tcp(1, 3 * s, c2s, SS_TCP_SYN, 100, 0), 4000)));
    CHECK(feed_kept(with_ts(test_tcp(2, 7 * s, c2s, SS_TCP_SYN, 100, 0), 8000)));
    ss_segment synack = test_tcp(3, 7 * s + ms, s2c, SS_TCP_SYN | SS_TCP_ACK, 900, 101);
    synack.has_ts = true;
    synack.tsval = 1;
    synack.tsecr = 8000;
    CHECK(feed_kept(synack));
    const ss_attempt *a = res.attempt.attempt;
    CHECK_EQ_INT(ss_analysis_facts(an).late_frames, 0);
    /* the first file: SYNs 1 and 2 */
    CHECK(feed_kept(with_ts(test_tcp(4, 0, c2s, SS_TCP_SYN, 100, 0), 1000)));
    CHECK_EQ_INT(res.attempt.syn_index, 0);
    CHECK(res.attempt.opener_moved);
    CHECK(feed_kept(with_ts(test_tcp(5, 1 * s, c2s, SS_TCP_SYN, 100, 0), 2000)));
    CHECK_EQ_INT(res.attempt.syn_index, 1);
    CHECK(!res.attempt.opener_moved);
    CHECK_EQ_INT(a->syn_count, 4);
    CHECK(a->syns_unordered);
    CHECK_EQ_INT(a->first_syn.frame, 4);
    static const uint32_t frames[4] = { 4, 5, 1, 2 };
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_EQ_INT(ss_attempt_syn(a, i).frame, frames[i]);
        CHECK_EQ_INT(ss_attempt_syn_index(a, frames[i]), i);
        CHECK(ss_attempt_gap_ns(a, i) >= 0);
    }
    CHECK_EQ_INT(ss_attempt_gap_ns(a, 3), 4 * s);
    CHECK_EQ_INT(ss_attempt_syns_at_outcome(a), 4);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
    ss_capture_facts f = ss_analysis_facts(an);
    CHECK_EQ_INT(f.late_frames, 2);
    CHECK_EQ_INT(f.first_late_frame, 4);
    CHECK_EQ_INT(f.first_late_by_ns, 7 * s + ms);
    /* every SYN's note is found again after the first pass */
    ss_attempt_note note;
    for (uint32_t i = 0; i < 4; i++) {
        CHECK(ss_analysis_kept_attempt(an, frames[i], &c2s, &note));
        CHECK_EQ_INT(note.attempt, a);
        CHECK_EQ_INT(note.syn_index, i);
    }
}

/* Frames that are no handshake's (an ACK, a datagram) may step back a few
 * microseconds on one interface: no note. */
static void test_time_order_of_other_frames(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    CHECK(feed(test_tcp(1, s, c2s, SS_TCP_SYN, 100, 0)));
    CHECK(feed(test_tcp(2, s + ms, s2c, SS_TCP_SYN | SS_TCP_ACK, 900, 101)));
    feed(test_tcp(3, s + 2 * ms, c2s, SS_TCP_ACK, 101, 901));
    feed(test_tcp(4, s + 2 * ms - 27 * us, s2c, SS_TCP_ACK, 901, 101));
    CHECK_EQ_INT(ss_analysis_facts(an).late_frames, 0);
}

int main(void)
{
    RUN(test_rule);
    RUN(test_table);
    RUN_WITH_ANALYSIS(test_copied_syns_are_no_retries);
    RUN_WITH_ANALYSIS(test_identical_retransmission_is_a_retry);
    RUN_WITH_ANALYSIS(test_copied_refusals_refuse_once);
    RUN_WITH_ANALYSIS(test_cause);
    RUN_WITH_ANALYSIS(test_time_order);
    RUN_WITH_ANALYSIS(test_time_order_of_other_frames);
    return check_report();
}
