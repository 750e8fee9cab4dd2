/* test_refusals.c - ICMP code table, quote matcher, RST and UDP refusals
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "refusals.h"

#include "check.h"
#include "fixtures.h"

static ss_segment syn(uint32_t frame, ss_tuple t, uint32_t isn)
{
    return test_tcp(frame, frame * SS_NS_PER_SEC, t, SS_TCP_SYN, isn, 0);
}

/* Every test but the code table's gets fresh trackers. */
static ss_attempts *at;
static ss_refusals *r;

#define RUN_WITH_TRACKERS(test)       \
    do {                              \
        at = ss_attempts_new();       \
        r = ss_refusals_new();        \
        RUN(test);                    \
        ss_refusals_free(r);          \
        ss_attempts_free(at);         \
    } while (0)

static ss_segment icmp(uint32_t frame, bool v6, uint8_t code, uint8_t proto, ss_tuple quoted, uint32_t seq,
                       int quoted_bytes, uint8_t flags)
{
    return test_icmp(frame, v6, code, proto, quoted, seq, quoted_bytes, flags);
}

static const char *refusal_name(const ss_refusal_note *n)
{
    static char buf[48];
    ss_refusal_name(n, buf, sizeof buf);
    return buf;
}

static void test_code_table(void)
{
    /* checked against Linux's icmp_err_convert[] and tab_unreach[], and
     * against what the clients in captures/ saw */
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 3)->errno_name, "ECONNREFUSED");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 3)->kind, "port-unreachable");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 1)->errno_name, "EHOSTUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 0)->errno_name, "ENETUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 13)->kind, "admin-prohibited");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 13)->errno_name, "EHOSTUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 10)->errno_name, "EHOSTUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(false, 2)->errno_name, "ENOPROTOOPT");
    CHECK(!ss_icmp_code_lookup(false, 4)->aborts_connect);       /* fragmentation needed */
    CHECK(ss_icmp_code_lookup(false, 16) == NULL);               /* Linux ignores unknown codes */
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 4)->errno_name, "ECONNREFUSED");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 1)->errno_name, "EACCES");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 1)->kind, "admin-prohibited");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 0)->errno_name, "ENETUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 3)->errno_name, "EHOSTUNREACH");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 6)->errno_name, "EACCES");
    CHECK_EQ_STR(ss_icmp_code_lookup(true, 9)->errno_name, "EPROTO");
}

static void test_quote_of_8_bytes_matches_attempt(void)
{
    ss_tuple c2s = test_tuple(1, 52796, 2, 80);
    ss_attempt_note an;
    ss_segment s = syn(7, c2s, 1000);
    ss_attempts_add_tcp(at, &s, &an);
    ss_refusal_note note;
    ss_segment e = icmp(8, false, 3, 6, c2s, 1000, 8, 0);
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(note.present);
    CHECK(!note.udp);
    CHECK_EQ_STR(refusal_name(&note), "icmp-port-unreachable");
    CHECK_EQ_STR(note.code->errno_name, "ECONNREFUSED");
    CHECK_EQ_INT(note.refuses, 7);
    CHECK_EQ_INT(an.role, SS_ROLE_OUTCOME);
    CHECK_EQ_INT(an.attempt->outcome, SS_OUTCOME_REFUSED_ICMP);
    CHECK_EQ_INT(ss_attempt_outcome_frame(an.attempt), 8);
}

static void test_quotes_that_refuse_nothing(void)
{
    ss_tuple c2s = test_tuple(1, 52796, 2, 80);
    ss_attempt_note an;
    ss_segment s = syn(7, c2s, 1000);
    ss_attempts_add_tcp(at, &s, &an);
    const ss_attempt *a = an.attempt;
    ss_refusal_note note;

    ss_segment e = icmp(8, false, 3, 6, c2s, 999, 8, 0);            /* sequence number is not the ISN */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    e = icmp(9, false, 3, 6, c2s, 1000, 6, 0);                      /* truncated: no sequence number */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    e = icmp(10, false, 3, 6, c2s, 1000, 20, SS_TCP_ACK | SS_TCP_PSH); /* quotes a data segment */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    e = icmp(11, false, 4, 6, c2s, 1000, 20, SS_TCP_SYN);           /* fragmentation needed */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    e = icmp(12, false, 99, 6, c2s, 1000, 20, SS_TCP_SYN);          /* unknown code */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    /* 8 bytes quoting a connection synsight never saw: it cannot be shown to be a SYN */
    ss_tuple unknown = test_tuple(1, 40000, 3, 443);
    e = icmp(13, false, 3, 6, unknown, 5, 8, 0);
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
}

static void test_syn_not_in_capture(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 3, 443);
    ss_attempt_note an;
    ss_refusal_note note;
    ss_segment e = icmp(2, true, 1, 6, c2s, 5, 20, SS_TCP_SYN);     /* the quote shows a SYN */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(note.present);
    CHECK_EQ_STR(refusal_name(&note), "icmpv6-admin-prohibited");
    CHECK_EQ_STR(note.code->errno_name, "EACCES");
    CHECK_EQ_INT(note.refuses, 0);
    CHECK(an.attempt == NULL);
}

static void test_answered_attempt_is_not_refused_later(void)
{
    ss_tuple c2s = test_tuple(1, 52796, 2, 80), s2c = ss_tuple_reverse(&c2s);
    ss_attempt_note an;
    ss_segment s = syn(1, c2s, 1000);
    ss_attempts_add_tcp(at, &s, &an);
    const ss_attempt *a = an.attempt;
    ss_segment sa = syn(2, s2c, 77);
    sa.flags = SS_TCP_SYN | SS_TCP_ACK;
    sa.ack = 1001;
    ss_attempts_add_tcp(at, &sa, &an);
    ss_refusal_note note;
    ss_segment e = icmp(3, false, 3, 6, c2s, 1000, 8, 0);
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_ANSWERED);
}

static void test_rst_refusal(void)
{
    ss_tuple c2s = test_tuple(1, 52796, 2, 81), s2c = ss_tuple_reverse(&c2s);
    ss_attempt_note an;
    ss_refusal_note note;
    ss_segment s = syn(5, c2s, 1000);
    ss_attempts_add_tcp(at, &s, &an);
    ss_segment rst = syn(6, s2c, 0);
    rst.flags = SS_TCP_RST | SS_TCP_ACK;
    rst.ack = 1234;                                                 /* does not acknowledge the SYN */
    ss_attempts_add_tcp(at, &rst, &an);
    ss_refusal_from_rst(&rst, &an, &note);
    CHECK(!note.present);
    rst.ack = 1001;
    ss_attempts_add_tcp(at, &rst, &an);
    ss_refusal_from_rst(&rst, &an, &note);
    CHECK(note.present);
    CHECK_EQ_STR(refusal_name(&note), "tcp-rst");
    CHECK_EQ_STR(note.code->errno_name, "ECONNREFUSED");
    CHECK_EQ_INT(note.refuses, 5);
}

static void test_udp_port_unreachable(void)
{
    ss_tuple c2s = test_tuple(1, 50658, 2, 5353);
    ss_segment d;
    memset(&d, 0, sizeof d);
    d.kind = SS_SEG_UDP;
    d.frame = 4;
    d.tuple = c2s;
    ss_refusals_add_udp(r, &d);
    d.frame = 6;
    ss_refusals_add_udp(r, &d);
    ss_attempt_note an;
    ss_refusal_note note;
    ss_segment e = icmp(7, false, 3, 17, c2s, 0, 8, 0);
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(note.present);
    CHECK(note.udp);
    CHECK_EQ_STR(refusal_name(&note), "icmp-port-unreachable");
    CHECK_EQ_INT(note.refuses, 6);                                  /* the latest datagram before it */
    ss_tuple other = test_tuple(1, 1, 2, 53);
    e = icmp(8, false, 3, 17, other, 0, 8, 0);                      /* datagram not in the capture */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(note.present);
    CHECK_EQ_INT(note.refuses, 0);
    e = icmp(9, false, 3, 17, other, 0, 2, 0);                      /* not even the ports quoted */
    ss_refusals_add_icmp(r, at, &e, &an, &note);
    CHECK(!note.present);
}

/* tcpdump -s 68 keeps the quoted ports, not the sequence number: the one
 * attempt open on them is refused, unverified; -s 60 keeps no ports: the
 * error names no connection. An uncut quote without the sequence number
 * (no stack sends one) refuses nothing. */
static void test_quote_cut_by_snaplen(void)
{
    ss_tuple c2s = test_tuple(1, 40000, 2, 80);
    ss_attempt_note an;
    ss_refusal_note n;
    ss_segment s1 = syn(1, c2s, 100);
    ss_attempts_add_tcp(at, &s1, &an);
    const ss_attempt *a = an.attempt;
    ss_segment e = icmp(2, false, 3, 6, c2s, 0, 6, 0);
    ss_refusals_add_icmp(r, at, &e, &an, &n);
    CHECK(!n.present);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_OPEN);
    e.snaplen_cut = true;
    e.captured_len = 68;
    ss_refusals_add_icmp(r, at, &e, &an, &n);
    CHECK(n.present);
    CHECK(n.unverified);
    CHECK_EQ_INT(n.snaplen, 68);
    CHECK_EQ_INT(n.refuses, 1);
    CHECK_EQ_INT(a->outcome, SS_OUTCOME_REFUSED_ICMP);
    CHECK_EQ_STR(refusal_name(&n), "icmp-port-unreachable");
    /* no attempt on the quoted ports: nothing */
    ss_segment other = icmp(3, false, 3, 6, test_tuple(1, 40001, 2, 80), 0, 6, 0);
    other.snaplen_cut = true;
    ss_refusals_add_icmp(r, at, &other, &an, &n);
    CHECK(!n.present && !n.cut_before_ports);
    /* cut before the ports */
    ss_segment cut = icmp(4, false, 3, 6, c2s, 0, 0, 0);
    cut.snaplen_cut = true;
    cut.captured_len = 60;
    cut.icmp.has_addrs = false;
    memset(&cut.icmp.tuple, 0, sizeof cut.icmp.tuple);
    ss_refusals_add_icmp(r, at, &cut, &an, &n);
    CHECK(!n.present);
    CHECK(n.cut_before_ports);
    CHECK_EQ_INT(n.snaplen, 60);
    CHECK_EQ_INT(n.refused.src.bytes[3], 1);       /* the error's receiver sent the packet */
    CHECK_EQ_INT(n.refused.dst.family, 0);
    CHECK_EQ_INT(n.from.bytes[3], 2);
    CHECK_EQ_INT(an.role, SS_ROLE_NONE);
}

int main(void)
{
    RUN(test_code_table);
    RUN_WITH_TRACKERS(test_quote_of_8_bytes_matches_attempt);
    RUN_WITH_TRACKERS(test_quotes_that_refuse_nothing);
    RUN_WITH_TRACKERS(test_syn_not_in_capture);
    RUN_WITH_TRACKERS(test_answered_attempt_is_not_refused_later);
    RUN_WITH_TRACKERS(test_rst_refusal);
    RUN_WITH_TRACKERS(test_udp_port_unreachable);
    RUN_WITH_TRACKERS(test_quote_cut_by_snaplen);
    return check_report();
}
