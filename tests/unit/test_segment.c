/* test_segment.c - header bytes -> ss_segment
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "segment.h"

#include <arpa/inet.h>

#include "check.h"

/* A real SYN from captures/ordinary-connection.pcapng: 10.0.0.1:59488 -> 10.0.0.2:80
 * MSS 1460, SACK_PERM, TSval 2588078937, WS 10 (x1024). */
static const uint8_t syn_ip[] = {
    0x45, 0x00, 0x00, 0x3c, 0x8e, 0x9e, 0x40, 0x00, 0x40, 0x06, 0x98, 0x1b,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
};
static const uint8_t syn_tcp[] = {
    0xe8, 0x60, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x9a, 0x42, 0xf3, 0x59,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

static void test_ipv4_syn(void)
{
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    uint8_t proto;
    size_t hlen;
    int total = ss_parse_ip(syn_ip, sizeof syn_ip, &seg.tuple.src, &seg.tuple.dst, &proto, &hlen);
    CHECK_EQ_INT(total, 60);
    CHECK_EQ_INT(hlen, 20);
    CHECK_EQ_INT(proto, 6);
    CHECK(ss_parse_tcp(syn_tcp, sizeof syn_tcp, (uint32_t)(total - hlen), &seg));
    CHECK_EQ_INT(seg.kind, SS_SEG_TCP);
    CHECK_EQ_INT(seg.tuple.sport, 59488);
    CHECK_EQ_INT(seg.tuple.dport, 80);
    CHECK_EQ_INT(seg.seq, 0x12345678u);
    CHECK_EQ_INT(seg.flags, SS_TCP_SYN);
    CHECK_EQ_INT(seg.window, 64240);
    CHECK_EQ_INT(seg.payload_len, 0);
    CHECK_EQ_INT(seg.wscale, 10);
    CHECK(seg.has_ts);
    CHECK_EQ_INT(seg.tsval, 2588078937u);
    CHECK_EQ_INT(seg.tsecr, 0);
    char buf[64];
    ss_format_endpoint(&seg.tuple.dst, seg.tuple.dport, buf, sizeof buf);
    CHECK_EQ_STR(buf, "10.0.0.2:80");
}

static void test_tcp_truncated_and_bad_options(void)
{
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    CHECK(!ss_parse_tcp(syn_tcp, 19, 40, &seg));            /* shorter than a TCP header */
    uint8_t bad[40];
    memcpy(bad, syn_tcp, sizeof bad);
    bad[21] = 0xff;                                         /* MSS option claims 255 bytes */
    CHECK(ss_parse_tcp(bad, sizeof bad, 40, &seg));
    CHECK(!seg.has_ts);                                     /* nothing after a bad length is trusted */
    CHECK_EQ_INT(seg.wscale, -1);
    uint8_t tiny_hlen[20];
    memcpy(tiny_hlen, syn_tcp, 20);
    tiny_hlen[12] = 0x40;                                   /* data offset 4 words: invalid */
    CHECK(!ss_parse_tcp(tiny_hlen, 20, 20, &seg));
    /* options cut by the snap length: only what was captured is parsed */
    CHECK(ss_parse_tcp(syn_tcp, 30, 40, &seg));
    CHECK(!seg.has_ts);
}

static void test_payload_from_ip_length(void)
{
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    uint8_t th[20];
    memcpy(th, syn_tcp, 20);
    th[12] = 0x50;
    CHECK(ss_parse_tcp(th, 20, 20 + 308, &seg));
    CHECK_EQ_INT(seg.payload_len, 308);
    CHECK(ss_parse_tcp(th, 20, 6, &seg));                   /* IP length shorter than the header */
    CHECK_EQ_INT(seg.payload_len, 0);
}

static void test_ipv6_with_extension(void)
{
    uint8_t ip[48] = { 0x60, 0, 0, 0, 0x00, 0x30, 0 /* hop-by-hop */, 64 };
    ip[8] = 0xfd;
    ip[23] = 1;
    ip[24] = 0xfd;
    ip[39] = 2;
    ip[40] = 6;                                             /* next header: TCP */
    ip[41] = 0;                                             /* 8 bytes */
    ss_addr src, dst;
    uint8_t proto;
    size_t hlen;
    CHECK_EQ_INT(ss_parse_ip(ip, sizeof ip, &src, &dst, &proto, &hlen), 40 + 48);
    CHECK_EQ_INT(proto, 6);
    CHECK_EQ_INT(hlen, 48);
    char buf[64];
    ss_format_endpoint(&dst, 80, buf, sizeof buf);
    CHECK_EQ_STR(buf, "[fd00::2]:80");
    CHECK_EQ_INT(ss_parse_ip(ip, 44, &src, &dst, &proto, &hlen), -1); /* extension cut off */
    uint8_t junk[20] = { 0x35 };
    CHECK_EQ_INT(ss_parse_ip(junk, sizeof junk, &src, &dst, &proto, &hlen), -1);
}

static void test_icmp_quote_of_8_bytes(void)
{
    /* ICMP port unreachable quoting the IPv4 header and exactly 8 TCP bytes */
    uint8_t msg[8 + 20 + 8] = { 3, 3 };
    memcpy(msg + 8, syn_ip, 20);
    memcpy(msg + 28, syn_tcp, 8);
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    CHECK(ss_parse_icmp_error(msg, sizeof msg, false, &seg));
    CHECK_EQ_INT(seg.kind, SS_SEG_ICMP_ERROR);
    CHECK_EQ_INT(seg.icmp.code, 3);
    CHECK_EQ_INT(seg.icmp.proto, 6);
    CHECK(seg.icmp.has_ports && seg.icmp.has_seq && !seg.icmp.has_flags);
    CHECK_EQ_INT(seg.icmp.tuple.sport, 59488);
    CHECK_EQ_INT(seg.icmp.seq, 0x12345678u);
    /* a quote cut inside the sequence number */
    memset(&seg, 0, sizeof seg);
    CHECK(ss_parse_icmp_error(msg, sizeof msg - 2, false, &seg));
    CHECK(seg.icmp.has_ports && !seg.icmp.has_seq);
    /* not a destination unreachable, or too short to hold an IP header */
    msg[0] = 11;
    CHECK(!ss_parse_icmp_error(msg, sizeof msg, false, &seg));
    msg[0] = 3;
    CHECK(!ss_parse_icmp_error(msg, 20, false, &seg));
    /* ... unless the snaplen cut it (tcpdump -s 60): an error about a packet
     * that cannot be told, its protocol still read; junk stays junk */
    memset(&seg, 0, sizeof seg);
    seg.snaplen_cut = true;
    CHECK(ss_parse_icmp_error(msg, 8 + 18, false, &seg));
    CHECK_EQ_INT(seg.kind, SS_SEG_ICMP_ERROR);
    CHECK(!seg.icmp.has_addrs && !seg.icmp.has_ports);
    CHECK_EQ_INT(seg.icmp.proto, 6);
    CHECK(ss_icmp_quote_cut(&seg));
    /* -s 68: ports, no sequence number */
    memset(&seg, 0, sizeof seg);
    seg.snaplen_cut = true;
    CHECK(ss_parse_icmp_error(msg, 8 + 20 + 6, false, &seg));
    CHECK(seg.icmp.has_addrs && seg.icmp.has_ports && !seg.icmp.has_seq);
    CHECK(ss_icmp_quote_cut(&seg));
    /* the whole 8 bytes: not cut, whatever the frame lost after them */
    memset(&seg, 0, sizeof seg);
    seg.snaplen_cut = true;
    CHECK(ss_parse_icmp_error(msg, sizeof msg, false, &seg));
    CHECK(!ss_icmp_quote_cut(&seg));
    msg[8] = 0x35;
    memset(&seg, 0, sizeof seg);
    seg.snaplen_cut = true;
    CHECK(!ss_parse_icmp_error(msg, 8 + 18, false, &seg));
    msg[8] = syn_ip[0];
    /* ICMPv6 may not quote IPv4 */
    msg[0] = 1;
    CHECK(!ss_parse_icmp_error(msg, sizeof msg, true, &seg));
}

static void test_conn_key_is_direction_free(void)
{
    ss_segment seg;
    memset(&seg, 0, sizeof seg);
    uint8_t proto;
    size_t hlen;
    ss_parse_ip(syn_ip, sizeof syn_ip, &seg.tuple.src, &seg.tuple.dst, &proto, &hlen);
    seg.tuple.sport = 40000;
    seg.tuple.dport = 80;
    ss_tuple rev = ss_tuple_reverse(&seg.tuple);
    int d1, d2;
    ss_tuple k1 = ss_conn_key(&seg.tuple, &d1), k2 = ss_conn_key(&rev, &d2);
    CHECK(ss_tuple_equal(&k1, &k2));
    CHECK_EQ_INT(ss_tuple_hash(&k1), ss_tuple_hash(&k2));
    CHECK(d1 != d2);
}

/* The core formats addresses itself (no POSIX headers); the test holds it
 * to what the C library's inet_ntop writes. */
static void test_address_text_matches_inet_ntop(void)
{
    static const char *const v6[] = {
        "::", "::1", "fd00::2", "fd00::", "fe80::c00e:85ff:fed0:bf95", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:0:1",
        "1:0:2:0:3:0:4:0", "::ffff:10.0.0.1", "::10.0.0.1", "1:2:3:4:5:6:7:8", "0:1::", "::1:0:0:0",
    };
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        ss_addr a = { .family = 6 };
        CHECK(inet_pton(AF_INET6, v6[i], a.bytes) == 1);
        char want[64], got[64];
        inet_ntop(AF_INET6, a.bytes, want, sizeof want);
        ss_format_addr(&a, got, sizeof got);
        CHECK_EQ_STR(got, want);
    }
    ss_addr v4 = { .family = 4, .bytes = { 192, 0, 2, 255 } };
    char buf[64];
    ss_format_endpoint(&v4, 65535, buf, sizeof buf);
    CHECK_EQ_STR(buf, "192.0.2.255:65535");
    ss_addr none = { 0 };
    ss_format_addr(&none, buf, sizeof buf);
    CHECK_EQ_STR(buf, "?");
}

int main(void)
{
    RUN(test_ipv4_syn);
    RUN(test_tcp_truncated_and_bad_options);
    RUN(test_payload_from_ip_length);
    RUN(test_ipv6_with_extension);
    RUN(test_icmp_quote_of_8_bytes);
    RUN(test_conn_key_is_direction_free);
    RUN(test_address_text_matches_inet_ntop);
    return check_report();
}
