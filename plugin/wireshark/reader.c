/* reader.c - what the frame says, copied into one flat ss_segment
 *
 * synsight primes only the protocol items of TCP, UDP, ICMP and ICMPv6 and
 * reads header bytes from the tvb at their offsets: one field per frame
 * instead of one per header field. The IP header that carries them is found
 * from those offsets too (see carrier_ip), so IP's own item is not primed:
 * every primed item costs Wireshark work on every frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "synsight"
#include "reader.h"

#include "ss_nstime.h"

#include <string.h>

#include <epan/address.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <wsutil/wslog.h>

enum { LAYER_TCP, LAYER_UDP, LAYER_ICMP, LAYER_ICMPV6, LAYER_COUNT };

static const char *const layer_names[LAYER_COUNT] = { "tcp", "udp", "icmp", "icmpv6" };
static int layer_hf[LAYER_COUNT];

/* Largest headers worth copying: IPv6 with a few extension headers, TCP
 * with options, and an ICMP error quoting both. */
#define IP_COPY_MAX   (40 + 256)
#define TCP_COPY_MAX  60
#define ICMP_COPY_MAX (8 + IP_COPY_MAX + TCP_COPY_MAX)

void ss_reader_resolve(void)
{
    for (int i = 0; i < LAYER_COUNT; i++) {
        layer_hf[i] = proto_get_id_by_filter_name(layer_names[i]);
        if (layer_hf[i] <= 0)
            ws_warning("protocol \"%s\" is not registered: synsight cannot analyse its packets", layer_names[i]);
    }
}

GArray *ss_reader_wanted_hfids(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int i = 0; i < LAYER_COUNT; i++)
        if (layer_hf[i] > 0)
            g_array_append_val(wanted, layer_hf[i]);
    return wanted;
}

static GPtrArray *items_of(proto_tree *tree, int layer)
{
    if (layer_hf[layer] <= 0)
        return NULL;
    GPtrArray *items = proto_get_finfo_ptr_array(tree, layer_hf[layer]);
    return items && items->len ? items : NULL;
}

/* Copies up to max bytes of ds_tvb from offset; returns how many. */
static size_t copy_bytes(tvbuff_t *tvb, int offset, uint8_t *buf, size_t max)
{
    int avail = tvb_captured_length_remaining(tvb, offset);
    if (avail <= 0)
        return 0;
    size_t n = (size_t)avail < max ? (size_t)avail : max;
    tvb_memcpy(tvb, buf, offset, n);
    return n;
}

/* Whether the IP source address at ip (v4: offset 12, v6: offset 8) is the
 * one the innermost IP dissector put in pinfo->net_src; no expectation
 * (an ICMP error, whose quote may have replaced it) accepts any. */
static bool source_matches(const uint8_t *ip, bool v6, const address *expect)
{
    if (!expect || expect->type == AT_NONE)
        return true;
    if (v6)
        return expect->type == AT_IPv6 && expect->len == 16 && memcmp(expect->data, ip + 8, 16) == 0;
    return expect->type == AT_IPv4 && expect->len == 4 && memcmp(expect->data, ip + 12, 4) == 0;
}

/* The IP header that carries a transport header at (tvb, start): an IPv4
 * header of 20 to 60 bytes, or an IPv6 header with its extension headers,
 * ending exactly there, whose version, length and protocol agree and whose
 * source address is the one Wireshark's IP dissector saw. Returns its
 * offset, or -1: the frame is then skipped. */
#define CARRIER_BACK_MAX IP_COPY_MAX
static int carrier_ip(tvbuff_t *tvb, int start, uint8_t proto, const address *expect_src)
{
    uint8_t b[CARRIER_BACK_MAX];
    int back = start < CARRIER_BACK_MAX ? start : CARRIER_BACK_MAX;
    if (back < 20)
        return -1;
    tvb_memcpy(tvb, b, start - back, (size_t)back);
    const uint8_t *end = b + back;
    for (int ihl = 5; ihl <= 15 && ihl * 4 <= back; ihl++) {
        const uint8_t *ip = end - ihl * 4;
        if (ip[0] == (0x40 | ihl) && ip[9] == proto && source_matches(ip, false, expect_src))
            return start - ihl * 4;
    }
    uint8_t v6_proto = proto == 1 ? 58 : proto;
    for (int len = 40; len <= back; len += 8) {
        const uint8_t *ip = end - len;
        if ((ip[0] >> 4) != 6 || !source_matches(ip, true, expect_src))
            continue;
        ss_addr src, dst;
        uint8_t found;
        size_t hlen;
        if (ss_parse_ip(ip, (size_t)len, &src, &dst, &found, &hlen) >= 0 && hlen == (size_t)len && found == v6_proto)
            return start - len;
    }
    return -1;
}

/* A TCP or UDP header and the IP header that carries it. */
static bool read_transport(packet_info *pinfo, field_info *tcp_fi, bool udp, ss_segment *seg)
{
    tvbuff_t *tvb = tcp_fi->ds_tvb;
    int ip_start = carrier_ip(tvb, tcp_fi->start, udp ? 17 : 6, &pinfo->net_src);
    if (ip_start < 0)
        return false;           /* e.g. TCP in a reassembled IP datagram: not a handshake packet */

    uint8_t ip[IP_COPY_MAX];
    size_t ip_room = (size_t)(tcp_fi->start - ip_start);   /* at most CARRIER_BACK_MAX */
    size_t ip_len = copy_bytes(tvb, ip_start, ip, ip_room < IP_COPY_MAX ? ip_room : IP_COPY_MAX);
    uint8_t proto;
    size_t ip_hlen;
    int ip_total = ss_parse_ip(ip, ip_len, &seg->tuple.src, &seg->tuple.dst, &proto, &ip_hlen);
    if (ip_total < 0)
        return false;

    /* Payload length comes from the IP length, not the frame: Ethernet pads
     * short frames. A zero IP length (TSO) falls back to the frame. */
    int after_tcp = ip_total > 0 ? ip_start + ip_total - tcp_fi->start
                                 : tvb_reported_length_remaining(tvb, tcp_fi->start);
    if (after_tcp < 0)
        after_tcp = 0;

    uint8_t th[TCP_COPY_MAX];
    size_t th_len = copy_bytes(tvb, tcp_fi->start, th, sizeof th);
    return udp ? ss_parse_udp(th, th_len, seg) : ss_parse_tcp(th, th_len, (uint32_t)after_tcp, seg);
}

static bool read_icmp(field_info *icmp_fi, bool v6, ss_segment *seg)
{
    tvbuff_t *tvb = icmp_fi->ds_tvb;
    uint8_t msg[ICMP_COPY_MAX];
    size_t len = copy_bytes(tvb, icmp_fi->start, msg, sizeof msg);
    if (!ss_parse_icmp_error(msg, len, v6, seg))
        return false;
    int ip_start = carrier_ip(tvb, icmp_fi->start, 1, NULL);
    if (ip_start >= 0) {
        uint8_t ip[IP_COPY_MAX];
        size_t ip_len = copy_bytes(tvb, ip_start, ip, (size_t)(icmp_fi->start - ip_start));
        uint8_t proto;
        size_t hlen;
        ss_parse_ip(ip, ip_len, &seg->tuple.src, &seg->tuple.dst, &proto, &hlen);
    }
    return true;
}

bool ss_read_segment(proto_tree *tree, packet_info *pinfo, ss_segment *seg)
{
    memset(seg, 0, sizeof *seg);
    seg->frame = pinfo->num;
    seg->time_ns = ss_time_of(&pinfo->abs_ts);
    if (!tree)
        return false;

    /* An ICMP error comes first: the TCP header inside it is a quote. */
    GPtrArray *icmp = items_of(tree, LAYER_ICMP);
    GPtrArray *icmpv6 = items_of(tree, LAYER_ICMPV6);
    if (icmp || icmpv6)
        return read_icmp((icmp ? icmp : icmpv6)->pdata[0], icmp == NULL, seg);

    GPtrArray *tcp = items_of(tree, LAYER_TCP);
    if (tcp)
        return read_transport(pinfo, tcp->pdata[0], false, seg);
    GPtrArray *udp = items_of(tree, LAYER_UDP);
    if (udp)
        return read_transport(pinfo, udp->pdata[0], true, seg);
    return false;
}
