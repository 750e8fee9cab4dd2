/* reader.c - what the frame says, copied into one flat ss_segment
 *
 * synsight primes only the protocol items of TCP, UDP, ICMP and ICMPv6 and
 * reads header bytes from the tvb at their offsets: one field per frame
 * instead of one per header field. The IP header that carries them is found
 * from those offsets too (see carrier_ip), so IP's own item is not primed:
 * every primed item costs Wireshark work on every frame.
 *
 * Endpoints that application messages hand out (FTP data ports, DCE/RPC
 * dynamic ports) are read from the fields Wireshark's own dissectors decode,
 * listed in one table (announcing_fields), and looked up only in frames
 * whose layers include that protocol.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "synsight"
#include "reader.h"

#include "ss_nstime.h"

#include <string.h>

#include <epan/address.h>
#include <epan/ftypes/ftypes.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <wsutil/inet_addr.h>

#include "copies.h"
#include "ws_compat.h"

enum { LAYER_TCP, LAYER_UDP, LAYER_ICMP, LAYER_ICMPV6, LAYER_COUNT };

static const char *const layer_names[LAYER_COUNT] = { "tcp", "udp", "icmp", "icmpv6" };
/* Linux cooked captures (`-i any`): not primed, only looked for in pinfo->layers */
static int proto_sll = -1;
static int layer_hf[LAYER_COUNT];

/* Largest headers worth copying: IPv6 with a few extension headers, TCP
 * with options, and an ICMP error quoting both. */
#define IP_COPY_MAX   (40 + 256)
#define TCP_COPY_MAX  60
#define ICMP_COPY_MAX (8 + IP_COPY_MAX + TCP_COPY_MAX)

/* The messages that hand out an endpoint, as Wireshark's dissectors decode
 * them: one row per kind of message. A message may hand out several (an
 * endpoint mapper's Lookup response lists many towers): each starts with
 * an item of the row's group field, and its port and address lie between
 * that item and the next. Without a group field a message hands out one. */
typedef struct announcing_fields {
    ss_announcer by;
    const char *protocol;       /* looked up only in frames with this layer */
    const char *port;           /* the port handed out */
    const char *ipv4, *ipv6;    /* its address; absent or unspecified: the sender's own */
    const char *group;          /* starts each endpoint of a message, or NULL */
    const char *kind;           /* a field every item of which must equal kind_value, or NULL */
    uint32_t kind_value;
} announcing_fields;

static const announcing_fields announcing[] = {
    /* responses only (dcerpc.pkt_type 2): a Map request carries a tower too.
     * The layer is dcerpc: it calls its interfaces (epm) without a handle. */
    { SS_ANNOUNCER_DCERPC_EPM, "dcerpc", "epm.proto.tcp_port", "epm.proto.ip", NULL, "epm.tower.num_floors",
      "dcerpc.pkt_type", 2 },
    { SS_ANNOUNCER_FTP_PASV, "ftp", "ftp.passive.port", "ftp.passive.ip", NULL, NULL, NULL, 0 },
    { SS_ANNOUNCER_FTP_EPSV, "ftp", "ftp.epsv.port", "ftp.epsv.ip", "ftp.epsv.ipv6", NULL, NULL, 0 },
    { SS_ANNOUNCER_FTP_PORT, "ftp", "ftp.active.port", "ftp.active.cip", NULL, NULL, NULL, 0 },
    { SS_ANNOUNCER_FTP_EPRT, "ftp", "ftp.eprt.port", "ftp.eprt.ip", "ftp.eprt.ipv6", NULL, NULL, 0 },
};
#define ANNOUNCING_ROWS G_N_ELEMENTS(announcing)
G_STATIC_ASSERT(ANNOUNCING_ROWS <= 32);   /* a bit per row in announcing_layers() */

/* The same fields, resolved at handoff. */
typedef struct announcing_ids {
    int protocol, port, ipv4, ipv6, group, kind;
} announcing_ids;
static announcing_ids announcing_id[ANNOUNCING_ROWS];

static int field_id(const char *name)
{
    if (!name)
        return -1;
    header_field_info *hfi = proto_registrar_get_byname(name);
    if (!hfi) {
        ss_warning("field \"%s\" is not registered: synsight cannot tell which connections it announces", name);
        return -1;
    }
    return hfi->id;
}

void ss_reader_resolve(void)
{
    proto_sll = proto_get_id_by_filter_name("sll");
    for (int i = 0; i < LAYER_COUNT; i++) {
        layer_hf[i] = proto_get_id_by_filter_name(layer_names[i]);
        if (layer_hf[i] <= 0)
            ss_warning("protocol \"%s\" is not registered: synsight cannot analyse its packets", layer_names[i]);
    }
    for (size_t i = 0; i < ANNOUNCING_ROWS; i++) {
        const announcing_fields *f = &announcing[i];
        announcing_ids *id = &announcing_id[i];
        id->protocol = proto_get_id_by_filter_name(f->protocol);
        id->port = field_id(f->port);
        id->ipv4 = field_id(f->ipv4);
        id->ipv6 = field_id(f->ipv6);
        id->group = field_id(f->group);
        id->kind = field_id(f->kind);
    }
}

static void want(GArray *wanted, int id)
{
    if (id <= 0)
        return;
    for (guint i = 0; i < wanted->len; i++)
        if (g_array_index(wanted, int, i) == id)
            return;
    g_array_append_val(wanted, id);
}

GArray *ss_reader_wanted_hfids(bool with_announcing)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int i = 0; i < LAYER_COUNT; i++)
        want(wanted, layer_hf[i]);
    /* Every primed field costs Wireshark work in every frame (about 30
     * instructions each, 14 fields here): the announcing fields are asked
     * for only once the capture has shown one of their protocols. */
    for (size_t i = 0; with_announcing && i < ANNOUNCING_ROWS; i++) {
        const announcing_ids *id = &announcing_id[i];
        if (id->protocol <= 0 || id->port <= 0)
            continue;
        want(wanted, id->port);
        want(wanted, id->ipv4);
        want(wanted, id->ipv6);
        want(wanted, id->group);
        want(wanted, id->kind);
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

/* The IPv4 ID (0 for IPv6, which has none outside a fragment header), and
 * whether it is one a sender changes on every packet. */
static uint16_t ipv4_id(const uint8_t *ip, size_t ip_len)
{
    return ip_len >= 20 && (ip[0] >> 4) == 4 ? (uint16_t)((ip[4] << 8) | ip[5]) : 0;
}

/* What every copy of the packet shares (copies.h): addresses, IPv4 ID, the
 * TCP header without its checksum (offloading leaves the sender's side
 * unfinished), the payload's length and first bytes. Not the TTL: a copy
 * taken past a router has another. */
#define PAYLOAD_DIGESTED 16
static void digest_tcp(tvbuff_t *tvb, const uint8_t *ip, size_t ip_len, int tcp_start, const uint8_t *th,
                       size_t th_len, ss_segment *seg)
{
    uint16_t id = ipv4_id(ip, ip_len);
    uint64_t h = ss_digest(SS_DIGEST_START, &seg->tuple, sizeof seg->tuple);
    h = ss_digest(h, &id, sizeof id);
    size_t hlen = (size_t)(th[12] >> 4) * 4;
    if (hlen > th_len)
        hlen = th_len;
    h = ss_digest(h, th, 16);
    h = ss_digest(h, th + 18, hlen - 18);
    h = ss_digest(h, &seg->payload_len, sizeof seg->payload_len);
    uint8_t payload[PAYLOAD_DIGESTED];
    size_t n = seg->payload_len ? copy_bytes(tvb, tcp_start + (int)hlen, payload,
                                             seg->payload_len < sizeof payload ? seg->payload_len : sizeof payload)
                                : 0;
    seg->digest = ss_digest_end(ss_digest(h, payload, n));
    seg->strong_identity = id != 0 || seg->has_ts;
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
    if (udp)
        return ss_parse_udp(th, th_len, seg);
    if (!ss_parse_tcp(th, th_len, (uint32_t)after_tcp, seg))
        return false;
    /* a SYN is told from its copies by its attempt and TSval (copies.h) */
    if ((seg->flags & SS_TCP_RST) || (seg->flags & (SS_TCP_SYN | SS_TCP_ACK)) == (SS_TCP_SYN | SS_TCP_ACK))
        digest_tcp(tvb, ip, ip_len, tcp_fi->start, th, th_len, seg);
    return true;
}

static bool read_icmp(field_info *icmp_fi, bool v6, ss_segment *seg)
{
    tvbuff_t *tvb = icmp_fi->ds_tvb;
    uint8_t msg[ICMP_COPY_MAX];
    size_t len = copy_bytes(tvb, icmp_fi->start, msg, sizeof msg);
    if (!ss_parse_icmp_error(msg, len, v6, seg))
        return false;
    uint16_t id = 0;
    int ip_start = carrier_ip(tvb, icmp_fi->start, 1, NULL);
    if (ip_start >= 0) {
        uint8_t ip[IP_COPY_MAX];
        size_t ip_len = copy_bytes(tvb, ip_start, ip, (size_t)(icmp_fi->start - ip_start));
        uint8_t proto;
        size_t hlen;
        ss_parse_ip(ip, ip_len, &seg->tuple.src, &seg->tuple.dst, &proto, &hlen);
        id = ipv4_id(ip, ip_len);
    }
    /* the whole message as captured: its quote is of the packet it answers */
    uint64_t h = ss_digest(SS_DIGEST_START, &seg->tuple, sizeof seg->tuple);
    h = ss_digest(h, &id, sizeof id);
    seg->digest = ss_digest_end(ss_digest(h, msg, len));
    seg->strong_identity = id != 0;
    return true;
}

/* --- announced endpoints ------------------------------------------------ */

/* The announcing protocols among the layers above the frame's last TCP
 * layer, as a bit per row of announcing[]: the list is walked back from its
 * tail (where the post-dissectors are) and stops at TCP, so a frame with
 * nothing above TCP costs a look or two. */
static uint32_t announcing_layers(const packet_info *pinfo)
{
    uint32_t rows = 0;
    if (!pinfo->layers)
        return 0;
    for (wmem_list_frame_t *f = wmem_list_tail(pinfo->layers); f; f = wmem_list_frame_prev(f)) {
        int layer = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (layer == layer_hf[LAYER_TCP])
            break;
        for (size_t r = 0; r < ANNOUNCING_ROWS; r++)
            if (announcing_id[r].protocol == layer)
                rows |= UINT32_C(1) << r;
    }
    return rows;
}

bool ss_reader_frame_may_announce(const packet_info *pinfo, const ss_segment *seg)
{
    /* every announcing message is TCP payload */
    return seg->kind == SS_SEG_TCP && seg->payload_len > 0 && announcing_layers(pinfo) != 0;
}

static GPtrArray *field_items(proto_tree *tree, int id)
{
    if (id <= 0)
        return NULL;
    GPtrArray *items = proto_get_finfo_ptr_array(tree, id);
    return items && items->len ? items : NULL;
}

/* Whether item b lies in [start, end) of the same data source. */
static bool item_within(const field_info *b, const tvbuff_t *tvb, int start, int end)
{
    return b->ds_tvb == tvb && b->start >= start && b->start < end;
}

/* The address field's value as an ss_addr (its text: 4.0 has no getter). */
static bool address_of(field_info *fi, bool v6, ss_addr *out)
{
    char *text = fvalue_to_string_repr(NULL, SS_FIELD_VALUE(fi), FTREPR_DISPLAY, BASE_NONE);
    bool ok = false;
    memset(out, 0, sizeof *out);
    if (text && v6) {
        ws_in6_addr a6;
        if ((ok = ws_inet_pton6(text, &a6))) {
            out->family = 6;
            memcpy(out->bytes, a6.bytes, 16);
        }
    } else if (text) {
        ws_in4_addr a4;
        if ((ok = ws_inet_pton4(text, &a4))) {
            out->family = 4;
            memcpy(out->bytes, &a4, 4);
        }
    }
    wmem_free(NULL, text);
    return ok;
}

/* The first item of ids (v4 then v6) within [start, end) of tvb, as an address
 * (a message's generated address, as EPSV's, sits at offset 0 of it). */
static bool address_within(proto_tree *tree, const announcing_ids *id, const tvbuff_t *tvb, int start, int end,
                           ss_addr *out)
{
    const int ids[2] = { id->ipv4, id->ipv6 };
    for (int v = 0; v < 2; v++) {
        GPtrArray *items = field_items(tree, ids[v]);
        for (guint i = 0; items && i < items->len; i++) {
            field_info *fi = items->pdata[i];
            if (item_within(fi, tvb, start, end) && address_of(fi, v == 1, out))
                return true;
        }
    }
    return false;
}

static bool kind_matches(proto_tree *tree, const announcing_fields *f, const announcing_ids *id)
{
    if (!f->kind)
        return true;
    GPtrArray *items = field_items(tree, id->kind);
    if (!items)
        return false;
    for (guint i = 0; i < items->len; i++)
        if (fvalue_get_uinteger(SS_FIELD_VALUE((field_info *)items->pdata[i])) != f->kind_value)
            return false;
    return true;
}

/* The start of the group (tower) that holds an item at (tvb, at): the last
 * group item at or before it, and where the next one begins. */
static void group_bounds(GPtrArray *groups, const field_info *port, int *start, int *end)
{
    *start = 0;
    *end = G_MAXINT;
    for (guint i = 0; groups && i < groups->len; i++) {
        const field_info *g = groups->pdata[i];
        if (g->ds_tvb != port->ds_tvb)
            continue;
        if (g->start <= port->start && g->start >= *start)
            *start = g->start;
        else if (g->start > port->start && g->start < *end)
            *end = g->start;
    }
}

static uint32_t read_announced(proto_tree *tree, packet_info *pinfo, ss_announced *room, uint32_t room_len)
{
    uint32_t n = 0;
    uint32_t rows = announcing_layers(pinfo);
    for (size_t r = 0; rows && r < ANNOUNCING_ROWS; r++) {
        const announcing_fields *f = &announcing[r];
        const announcing_ids *id = &announcing_id[r];
        if (!(rows & (UINT32_C(1) << r)))
            continue;
        GPtrArray *ports = field_items(tree, id->port);
        if (!ports || !kind_matches(tree, f, id))
            continue;
        GPtrArray *groups = field_items(tree, id->group);
        for (guint i = 0; i < ports->len && n < room_len; i++) {
            field_info *port = ports->pdata[i];
            int start, end;
            group_bounds(groups, port, &start, &end);
            ss_announced *a = &room[n];
            memset(a, 0, sizeof *a);
            a->by = f->by;
            a->port = (uint16_t)fvalue_get_uinteger(SS_FIELD_VALUE(port));
            /* no address: the sender's own (left unset for the analysis) */
            address_within(tree, id, port->ds_tvb, start, end, &a->addr);
            n++;
        }
    }
    return n;
}

/* Whether the frame's link layer is Linux cooked (SLL or SLL2): the second layer, after "frame". */
static bool cooked_capture(const packet_info *pinfo)
{
    wmem_list_frame_t *f = pinfo->layers ? wmem_list_head(pinfo->layers) : NULL;
    f = f ? wmem_list_frame_next(f) : NULL;
    return f && proto_sll > 0 && GPOINTER_TO_INT(wmem_list_frame_data(f)) == proto_sll;
}

bool ss_read_segment(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo, ss_segment *seg, ss_announced *room,
                     uint32_t room_len)
{
    memset(seg, 0, sizeof *seg);
    seg->frame = pinfo->num;
    seg->time_ns = ss_time_of(&pinfo->abs_ts);
    if (!tree)
        return false;

    /* An ICMP error comes first: the TCP header inside it is a quote. */
    GPtrArray *icmp = items_of(tree, LAYER_ICMP);
    GPtrArray *icmpv6 = items_of(tree, LAYER_ICMPV6);
    if (icmp || icmpv6) {
        seg->captured_len = tvb_captured_length(tvb);
        seg->snaplen_cut = seg->captured_len < tvb_reported_length(tvb);
        if (!read_icmp((icmp ? icmp : icmpv6)->pdata[0], icmp == NULL, seg))
            return false;
        seg->cooked = cooked_capture(pinfo);
        seg->interface_id = SS_REC_INTERFACE_ID(pinfo);
        return true;
    }

    GPtrArray *tcp = items_of(tree, LAYER_TCP);
    if (tcp) {
        if (!read_transport(pinfo, tcp->pdata[0], false, seg))
            return false;
        if (seg->digest || (seg->flags & SS_TCP_SYN)) {
            /* how the frame was captured: only where a copy is looked for */
            seg->cooked = cooked_capture(pinfo);
            seg->interface_id = SS_REC_INTERFACE_ID(pinfo);
        }
        seg->announced = room;
        seg->announced_count = room_len && seg->payload_len ? read_announced(tree, pinfo, room, room_len) : 0;
        return true;
    }
    GPtrArray *udp = items_of(tree, LAYER_UDP);
    if (udp)
        return read_transport(pinfo, udp->pdata[0], true, seg);
    return false;
}
