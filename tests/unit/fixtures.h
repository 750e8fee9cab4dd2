/* fixtures.h - segments and tuples for the unit tests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_FIXTURES_H
#define SYNSIGHT_FIXTURES_H

#include <string.h>

#include "segment.h"

/* 10.0.0.client:sport -> 10.0.0.server:dport */
static inline ss_tuple test_tuple(uint8_t client, uint16_t sport, uint8_t server, uint16_t dport)
{
    ss_tuple t;
    memset(&t, 0, sizeof t);
    t.src.family = t.dst.family = 4;
    t.src.bytes[0] = t.dst.bytes[0] = 10;
    t.src.bytes[3] = client;
    t.dst.bytes[3] = server;
    t.sport = sport;
    t.dport = dport;
    return t;
}

/* A TCP segment with no options and no payload. */
static inline ss_segment test_tcp(uint32_t frame, int64_t time_ns, ss_tuple t, uint8_t flags, uint32_t seq, uint32_t ack)
{
    ss_segment s;
    memset(&s, 0, sizeof s);
    s.kind = SS_SEG_TCP;
    s.frame = frame;
    s.time_ns = time_ns;
    s.tuple = t;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.wscale = -1;
    return s;
}

/* An ICMP (v6 false) or ICMPv6 destination unreachable from the server,
 * quoting (proto, quoted tuple, seq); quoted_bytes is how much of the
 * transport header the quote holds (8: ports and sequence number; 14: the
 * TCP flags too). Frame n is at n seconds. */
static inline ss_segment test_icmp(uint32_t frame, bool v6, uint8_t code, uint8_t proto, ss_tuple quoted,
                                   uint32_t seq, int quoted_bytes, uint8_t flags)
{
    ss_segment s;
    memset(&s, 0, sizeof s);
    s.kind = SS_SEG_ICMP_ERROR;
    s.frame = frame;
    s.time_ns = frame * SS_NS_PER_SEC;
    s.tuple = ss_tuple_reverse(&quoted);
    s.icmp.v6 = v6;
    s.icmp.type = v6 ? 1 : 3;
    s.icmp.code = code;
    s.icmp.proto = proto;
    s.icmp.tuple = quoted;
    s.icmp.has_ports = quoted_bytes >= 4;
    s.icmp.has_seq = proto == 6 && quoted_bytes >= 8;
    s.icmp.seq = seq;
    s.icmp.has_flags = proto == 6 && quoted_bytes >= 14;
    s.icmp.flags = flags;
    return s;
}

/* Runs test with a fresh analysis in the test file's own `an`. */
#define RUN_WITH_ANALYSIS(test)    \
    do {                           \
        an = ss_analysis_new();    \
        RUN(test);                 \
        ss_analysis_free(an);      \
    } while (0)

#endif
