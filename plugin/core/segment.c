/* segment.c - header bytes -> ss_segment, with every length checked
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "segment.h"
#include "ss_text.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define IPPROTO_NUM_TCP 6
#define IPV6_FIXED_HEADER 40

static uint16_t get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void set_addr(ss_addr *a, uint8_t family, const uint8_t *bytes)
{
    memset(a, 0, sizeof *a);
    a->family = family;
    memcpy(a->bytes, bytes, family == 4 ? 4 : 16);
}

/* IPv6 extension headers that may stand between the fixed header and TCP/UDP. */
static bool is_ipv6_extension(uint8_t nh) { return nh == 0 || nh == 43 || nh == 44 || nh == 60; }

int ss_parse_ip(const uint8_t *ip, size_t len, ss_addr *src, ss_addr *dst, uint8_t *proto,
                size_t *header_len)
{
    if (len < 1)
        return -1;
    uint8_t version = ip[0] >> 4;
    if (version == 4) {
        size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
        if (ihl < 20 || len < 20 || len < ihl)
            return -1;
        set_addr(src, 4, ip + 12);
        set_addr(dst, 4, ip + 16);
        *proto = ip[9];
        *header_len = ihl;
        return get16(ip + 2);
    }
    if (version == 6) {
        if (len < IPV6_FIXED_HEADER)
            return -1;
        set_addr(src, 6, ip + 8);
        set_addr(dst, 6, ip + 24);
        uint8_t nh = ip[6];
        size_t off = IPV6_FIXED_HEADER;
        while (is_ipv6_extension(nh)) {
            if (off + 8 > len)
                return -1;
            size_t ext_len = nh == 44 ? 8 : ((size_t)ip[off + 1] + 1) * 8;
            nh = ip[off];
            off += ext_len;
        }
        if (off > len)
            return -1;
        *proto = nh;
        *header_len = off;
        uint16_t payload = get16(ip + 4);
        return payload ? IPV6_FIXED_HEADER + payload : 0;
    }
    return -1;
}

/* Appends kind to the layout (eight kinds at most). */
static void note_kind(ss_segment *seg, unsigned *n, uint8_t kind)
{
    if (*n < 8)
        seg->option_kinds |= (uint32_t)(kind > 14 ? 15 : kind) << (4 * (*n)++);
}

static void parse_tcp_options(const uint8_t *opt, size_t len, ss_segment *seg)
{
    size_t i = 0;
    /* only a SYN's layout is read (ss_syn_layout_of): the rest skip it */
    unsigned kinds = (seg->flags & SS_TCP_SYN) ? 0 : 8;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == 0)          /* end of option list */
            break;
        if (kind == 1) {        /* no-operation */
            note_kind(seg, &kinds, 1);
            i++;
            continue;
        }
        note_kind(seg, &kinds, kind);
        if (i + 1 >= len)
            break;
        uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            break;              /* a bad length ends parsing: trust nothing after it */
        if (kind == 3 && olen == 3) {
            seg->wscale = (int8_t)(opt[i + 2] > 14 ? 14 : opt[i + 2]); /* RFC 7323 §2.3 clamps to 14 */
        } else if (kind == 4 && olen == 2) {
            seg->sack_perm = true;
        } else if (kind == 8 && olen == 10) {
            seg->has_ts = true;
            seg->tsval = get32(opt + i + 2);
            seg->tsecr = get32(opt + i + 6);
        }
        i += olen;
    }
}

bool ss_parse_tcp(const uint8_t *tcp, size_t len, uint32_t ip_bytes_after_tcp, ss_segment *seg)
{
    if (len < 20)
        return false;
    size_t hlen = (size_t)(tcp[12] >> 4) * 4;
    if (hlen < 20)
        return false;
    seg->kind = SS_SEG_TCP;
    seg->tuple.sport = get16(tcp);
    seg->tuple.dport = get16(tcp + 2);
    seg->seq = get32(tcp + 4);
    seg->ack = get32(tcp + 8);
    seg->flags = tcp[13];
    seg->window = get16(tcp + 14);
    seg->payload_len = ip_bytes_after_tcp > hlen ? ip_bytes_after_tcp - (uint32_t)hlen : 0;
    seg->wscale = -1;
    seg->has_ts = false;
    seg->sack_perm = false;
    seg->option_kinds = 0;
    parse_tcp_options(tcp + 20, (hlen < len ? hlen : len) - 20, seg);
    return true;
}

/* Layouts as nibbles, the first option lowest: 0x31842 is MSS(2), SACK(4),
 * TS(8), NOP(1), WS(3). Linux writes the NOP-padded forms when timestamps
 * or SACK are off (tcp_options_write); a TFO cookie or MD5 option may follow. */
ss_syn_layout ss_syn_layout_of(uint32_t k)
{
    if ((k & 0xfffff) == 0x31842 || (k & 0xffffff) == 0x314112 || (k & 0xffffff) == 0x318112 ||
        k == 0x842 || k == 0x4112)
        return SS_LAYOUT_LINUX;
    if (k == 0x4811312 || k == 0x811312)
        return SS_LAYOUT_APPLE;
    if (k == 0x84312)
        return SS_LAYOUT_FREEBSD;
    if (k == 0x411312)
        return SS_LAYOUT_WINDOWS;
    return SS_LAYOUT_OTHER;
}

bool ss_parse_udp(const uint8_t *udp, size_t len, ss_segment *seg)
{
    if (len < 8)
        return false;
    seg->kind = SS_SEG_UDP;
    seg->tuple.sport = get16(udp);
    seg->tuple.dport = get16(udp + 2);
    return true;
}

bool ss_parse_icmp_error(const uint8_t *icmp, size_t len, bool v6, ss_segment *seg)
{
    /* type, code, checksum, 4 bytes unused/MTU, then the offending datagram */
    if (len < 8)
        return false;
    uint8_t type = icmp[0];
    if (type != (v6 ? 1 : 3))
        return false;
    ss_icmp_quote *q = &seg->icmp;
    memset(q, 0, sizeof *q);
    q->v6 = v6;
    q->type = type;
    q->code = icmp[1];
    const uint8_t *ip = icmp + 8;
    size_t ip_len = len - 8;
    size_t hlen;
    if (ss_parse_ip(ip, ip_len, &q->tuple.src, &q->tuple.dst, &q->proto, &hlen) < 0) {
        /* a quoted IP header the snaplen cut: an error still, about a packet
         * that cannot be told (its protocol, where quoted) */
        uint8_t version = ip_len ? ip[0] >> 4 : 0;
        if (!seg->snaplen_cut || (version != 4 && version != 6) || (version == 6) != v6)
            return false;
        memset(&q->tuple, 0, sizeof q->tuple);
        if (version == 4 && ip_len > 9)
            q->proto = ip[9];
        else if (version == 6 && ip_len > 6)
            q->proto = ip[6];
        seg->kind = SS_SEG_ICMP_ERROR;
        return true;
    }
    q->has_addrs = true;
    if ((q->tuple.src.family == 6) != v6)
        return false;           /* ICMP quoting IPv6, or ICMPv6 quoting IPv4: not a real error */
    seg->kind = SS_SEG_ICMP_ERROR;
    const uint8_t *th = ip + hlen;
    size_t th_len = ip_len - hlen;
    if (th_len >= 4) {
        q->has_ports = true;
        q->tuple.sport = get16(th);
        q->tuple.dport = get16(th + 2);
    }
    if (q->proto == IPPROTO_NUM_TCP && th_len >= 8) {
        q->has_seq = true;
        q->seq = get32(th + 4);
    }
    if (q->proto == IPPROTO_NUM_TCP && th_len >= 14) {
        q->has_flags = true;
        q->flags = th[13];
    }
    return true;
}

bool ss_icmp_quote_cut(const ss_segment *seg)
{
    const ss_icmp_quote *q = &seg->icmp;
    return seg->kind == SS_SEG_ICMP_ERROR && seg->snaplen_cut &&
           (!q->has_ports || (q->proto == IPPROTO_NUM_TCP && !q->has_seq));
}

/* IPv6 text as RFC 5952 and glibc's inet_ntop write it: lower-case hex, the
 * longest run of two or more zero groups (the first of equal runs) as "::",
 * and the last 32 bits as IPv4 for IPv4-compatible and -mapped addresses. */
static void format_ipv6(const uint8_t *b, char *buf, size_t size)
{
    uint16_t w[8];
    for (int i = 0; i < 8; i++)
        w[i] = get16(b + 2 * i);
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    bool v4_tail = best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff));
    char out[64];
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            out[n++] = ':';
            if (i + best_len == 8)
                out[n++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i)
            out[n++] = ':';
        if (i == 6 && v4_tail) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
            break;
        }
        n += (size_t)snprintf(out + n, sizeof out - n, "%x", w[i]);
    }
    out[n] = '\0';
    snprintf(buf, size, "%s", out);
}

/* An IPv4 address without printf: a flood's final view names one per frame. */
static void text_ipv4(ss_text *t, const uint8_t *b)
{
    for (int i = 0; i < 4; i++) {
        if (i)
            SS_TEXT_LIT(t, ".");
        ss_text_uint(t, b[i]);
    }
}

void ss_format_addr(const ss_addr *addr, char *buf, size_t size)
{
    ss_text t = ss_text_in(buf, size);
    if (addr->family == 4)
        text_ipv4(&t, addr->bytes);
    else if (addr->family == 6)
        format_ipv6(addr->bytes, buf, size);
    else
        SS_TEXT_LIT(&t, "?");
}

void ss_format_endpoint(const ss_addr *addr, uint16_t port, char *buf, size_t size)
{
    char a[64];
    ss_format_addr(addr, a, sizeof a);
    ss_text t = ss_text_in(buf, size);
    if (addr->family == 6)
        SS_TEXT_LIT(&t, "[");
    ss_text_str(&t, a);
    if (addr->family == 6)
        SS_TEXT_LIT(&t, "]");
    SS_TEXT_LIT(&t, ":");
    ss_text_uint(&t, port);
}

ss_tuple ss_tuple_reverse(const ss_tuple *t)
{
    ss_tuple r;
    memset(&r, 0, sizeof r);
    r.src = t->dst;
    r.dst = t->src;
    r.sport = t->dport;
    r.dport = t->sport;
    return r;
}

static int endpoint_cmp(const ss_addr *a, uint16_t ap, const ss_addr *b, uint16_t bp)
{
    int c = memcmp(a, b, sizeof *a);
    if (c)
        return c;
    return (int)ap - (int)bp;
}

ss_tuple ss_conn_key(const ss_tuple *t, int *dir)
{
    *dir = endpoint_cmp(&t->src, t->sport, &t->dst, t->dport) > 0;
    return *dir ? ss_tuple_reverse(t) : *t;
}

unsigned ss_tuple_hash(const void *tuple)
{
    /* FNV-1a over the whole struct; tuples are always built zeroed */
    const uint8_t *p = tuple;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof(ss_tuple); i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

int ss_tuple_equal(const void *a, const void *b) { return memcmp(a, b, sizeof(ss_tuple)) == 0; }

void *ss_memdup(const void *mem, size_t size)
{
    void *copy = g_malloc(size);
    memcpy(copy, mem, size);
    return copy;
}
