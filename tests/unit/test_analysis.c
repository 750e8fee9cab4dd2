/* test_analysis.c - one segment in, one frame result out: which frames have
 * a finding, and what the capture as a whole says
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "analysis.h"

#include "check.h"
#include "fixtures.h"

static ss_analysis *an;
static ss_frame_result res;

static bool feed(ss_segment s) { return ss_analysis_feed(an, &s, &res); }

static void test_which_frames_have_findings(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80), s2c = ss_tuple_reverse(&c2s);
    /* a first SYN is kept: later frames may show it mattered */
    CHECK(feed(test_tcp(1, 0, c2s, SS_TCP_SYN, 100, 0)));
    CHECK_EQ_INT(res.attempt.role, SS_ROLE_SYN);
    CHECK(feed(test_tcp(2, SS_NS_PER_SEC, s2c, SS_TCP_SYN | SS_TCP_ACK, 500, 101)));
    CHECK_EQ_INT(res.attempt.role, SS_ROLE_OUTCOME);
    /* the handshake's ACK and data of a connection whose handshake was seen: nothing */
    CHECK(!feed(test_tcp(3, SS_NS_PER_SEC, c2s, SS_TCP_ACK, 101, 501)));
    CHECK(!ss_window_note_present(&res.window));
    /* a segment of a connection seen mid-stream: the window note */
    ss_tuple mid = test_tuple(1, 40001, 2, 6379);
    CHECK(feed(test_tcp(4, SS_NS_PER_SEC, mid, SS_TCP_ACK, 7000, 9000)));
    CHECK(res.window.scale_unknown);
    CHECK(res.window.first_in_direction);
    CHECK(!ss_attempt_note_present(&res.attempt));
    /* a frame with nothing to read, and a UDP datagram: nothing */
    ss_segment none = { .kind = SS_SEG_NONE, .frame = 5 };
    CHECK(!feed(none));
    ss_segment udp = { .kind = SS_SEG_UDP, .frame = 6, .tuple = test_tuple(1, 5353, 2, 53) };
    CHECK(!feed(udp));
    /* an ICMP port unreachable quoting the datagram: a refusal of it */
    CHECK(feed(test_icmp(7, false, 3, 17, udp.tuple, 0, 8, 0)));
    CHECK(res.refusal.present);
    CHECK(res.refusal.udp);
    CHECK_EQ_INT(res.refusal.refuses, 6);
}

static void test_only_tcp_fact(void)
{
    ss_capture_facts f = ss_analysis_facts(an);
    CHECK(!f.only_tcp);                             /* nothing seen: no claim */
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    feed(test_tcp(1, 0, c2s, SS_TCP_SYN, 100, 0));
    CHECK(ss_analysis_facts(an).only_tcp);          /* a capture filter may have hidden ICMP */
    ss_segment none = { .kind = SS_SEG_NONE, .frame = 2 };
    feed(none);
    CHECK(!ss_analysis_facts(an).only_tcp);         /* an ARP or DNS frame: the filter let more through */
    CHECK(!ss_analysis_facts(NULL).only_tcp);
}

int main(void)
{
    RUN_WITH_ANALYSIS(test_which_frames_have_findings);
    RUN_WITH_ANALYSIS(test_only_tcp_fact);
    return check_report();
}
