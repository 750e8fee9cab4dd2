/* reader.c - what the frame says, copied into one flat ss_segment
 *
 * synsight primes only the protocol items of IP, IPv6, TCP, UDP, ICMP and ICMPv6
 * (which the dissectors create anyway) and reads header bytes from the tvb at
 * their offsets: one field per layer instead of one per header field, which
 * keeps the per-frame cost of the post-dissector low.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "reader.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

enum { LAYER_IP, LAYER_IPV6, LAYER_TCP, LAYER_UDP, LAYER_ICMP, LAYER_ICMPV6, LAYER_COUNT };

static const char *const layer_names[LAYER_COUNT] = { "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6" };
static int layer_hf[LAYER_COUNT];

/* Largest headers worth copying: IPv6 with a few extension headers, TCP
 * with options, and an ICMP error quoting both. */
#define IP_COPY_MAX   256
#define TCP_COPY_MAX  60
#define ICMP_COPY_MAX (8 + IP_COPY_MAX + TCP_COPY_MAX)

GArray *ss_reader_wanted_hfids(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int i = 0; i < LAYER_COUNT; i++) {
        layer_hf[i] = proto_get_id_by_filter_name(layer_names[i]);
        if (layer_hf[i] > 0)
            g_array_append_val(wanted, layer_hf[i]);
    }
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

/* The IP or IPv6 header that carries the layer at (tvb, start): the last
 * one before it in the same data source (the innermost, for tunnels). */
static field_info *carrier_ip(proto_tree *tree, tvbuff_t *tvb, int start)
{
    field_info *best = NULL;
    for (int layer = LAYER_IP; layer <= LAYER_IPV6; layer++) {
        GPtrArray *items = items_of(tree, layer);
        for (guint i = 0; items && i < items->len; i++) {
            field_info *fi = items->pdata[i];
            if (fi->ds_tvb == tvb && fi->start < start && (!best || fi->start > best->start))
                best = fi;
        }
    }
    return best;
}

/* A TCP or UDP header and the IP header that carries it. */
static bool read_transport(proto_tree *tree, field_info *tcp_fi, bool udp, ss_segment *seg)
{
    tvbuff_t *tvb = tcp_fi->ds_tvb;
    field_info *ip_fi = carrier_ip(tree, tvb, tcp_fi->start);
    if (!ip_fi)
        return false;           /* e.g. TCP in a reassembled IP datagram: not a handshake packet */

    uint8_t ip[IP_COPY_MAX];
    size_t ip_room = (size_t)(tcp_fi->start - ip_fi->start);
    size_t ip_len = copy_bytes(tvb, ip_fi->start, ip, ip_room < IP_COPY_MAX ? ip_room : IP_COPY_MAX);
    uint8_t proto;
    size_t ip_hlen;
    int ip_total = ss_parse_ip(ip, ip_len, &seg->tuple.src, &seg->tuple.dst, &proto, &ip_hlen);
    if (ip_total < 0)
        return false;

    /* Payload length comes from the IP length, not the frame: Ethernet pads
     * short frames. A zero IP length (TSO) falls back to the frame. */
    int after_tcp = ip_total > 0 ? ip_fi->start + ip_total - tcp_fi->start
                                 : tvb_reported_length_remaining(tvb, tcp_fi->start);
    if (after_tcp < 0)
        after_tcp = 0;

    uint8_t th[TCP_COPY_MAX];
    size_t th_len = copy_bytes(tvb, tcp_fi->start, th, sizeof th);
    return udp ? ss_parse_udp(th, th_len, seg) : ss_parse_tcp(th, th_len, (uint32_t)after_tcp, seg);
}

static bool read_icmp(proto_tree *tree, field_info *icmp_fi, bool v6, ss_segment *seg)
{
    tvbuff_t *tvb = icmp_fi->ds_tvb;
    uint8_t msg[ICMP_COPY_MAX];
    size_t len = copy_bytes(tvb, icmp_fi->start, msg, sizeof msg);
    if (!ss_parse_icmp_error(msg, len, v6, seg))
        return false;
    field_info *ip_fi = carrier_ip(tree, tvb, icmp_fi->start);
    if (ip_fi) {
        uint8_t ip[IP_COPY_MAX];
        size_t ip_len = copy_bytes(tvb, ip_fi->start, ip, sizeof ip);
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
    seg->time_ns = (int64_t)pinfo->abs_ts.secs * SS_NS_PER_SEC + pinfo->abs_ts.nsecs;
    if (!tree)
        return false;

    /* An ICMP error comes first: the TCP header inside it is a quote. */
    GPtrArray *icmp = items_of(tree, LAYER_ICMP);
    GPtrArray *icmpv6 = items_of(tree, LAYER_ICMPV6);
    if (icmp || icmpv6)
        return read_icmp(tree, (icmp ? icmp : icmpv6)->pdata[0], icmp == NULL, seg);

    GPtrArray *tcp = items_of(tree, LAYER_TCP);
    if (tcp)
        return read_transport(tree, tcp->pdata[0], false, seg);
    GPtrArray *udp = items_of(tree, LAYER_UDP);
    if (udp)
        return read_transport(tree, udp->pdata[0], true, seg);
    return false;
}
