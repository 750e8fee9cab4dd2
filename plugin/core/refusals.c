/* refusals.c - ICMP errors and RSTs that refuse what they answer
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "refusals.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

/* The hints: what usually sends this answer, and where to look. */
#define HINT_REJECT_V4 "an iptables REJECT rule answers this way by default"
#define HINT_REJECT_V6 "an ip6tables REJECT rule answers this way by default"

/* Linux's icmp_err_convert[] (net/ipv4/icmp.c): the errno per code. In
 * SYN_SENT, tcp_v4_err() aborts connect() on every code but 4 (fragmentation
 * needed, which only lowers the path MTU); codes above 15 are ignored. */
static const ss_icmp_code_info icmp_codes[] = {
    { "net-unreachable", "ENETUNREACH", "net unreachable", true, false, NULL },
    { "host-unreachable", "EHOSTUNREACH", "host unreachable", true, false, NULL },
    { "protocol-unreachable", "ENOPROTOOPT", "protocol unreachable", true, false, NULL },
    { "port-unreachable", "ECONNREFUSED", "port unreachable", true, true, HINT_REJECT_V4 },
    { "frag-needed", "EMSGSIZE", "fragmentation needed", false, false, NULL },
    { "source-route-failed", "EOPNOTSUPP", "source route failed", true, false, NULL },
    { "net-unknown", "ENETUNREACH", "net unknown", true, false, NULL },
    { "host-unknown", "EHOSTDOWN", "host unknown", true, false, NULL },
    { "host-isolated", "ENONET", "source host isolated", true, false, NULL },
    { "net-prohibited", "ENETUNREACH", "net prohibited", true, false, NULL },
    { "host-prohibited", "EHOSTUNREACH", "host prohibited", true, false, NULL },
    { "net-tos-unreachable", "ENETUNREACH", "net unreachable for TOS", true, false, NULL },
    { "host-tos-unreachable", "EHOSTUNREACH", "host unreachable for TOS", true, false, NULL },
    { "admin-prohibited", "EHOSTUNREACH", "admin prohibited", true, false,
      "a firewall rule forbids it (iptables REJECT --reject-with icmp-admin-prohibited)" },
    { "precedence-violation", "EHOSTUNREACH", "host precedence violation", true, false, NULL },
    { "precedence-cutoff", "EHOSTUNREACH", "precedence cutoff in effect", true, false, NULL },
};

/* Linux's tab_unreach[] (net/ipv6/icmp.c, icmpv6_err_convert). tcp_v6_err()
 * aborts connect() in SYN_SENT on every destination-unreachable code; codes
 * beyond the table report EPROTO. */
static const ss_icmp_code_info icmpv6_codes[] = {
    { "no-route", "ENETUNREACH", "no route", true, false, NULL },
    { "admin-prohibited", "EACCES", "admin prohibited", true, false,
      "a firewall rule forbids it (ip6tables REJECT --reject-with icmp6-adm-prohibited)" },
    { "beyond-scope", "EHOSTUNREACH", "beyond scope", true, false, NULL },
    { "addr-unreachable", "EHOSTUNREACH", "address unreachable", true, false, NULL },
    { "port-unreachable", "ECONNREFUSED", "port unreachable", true, true, HINT_REJECT_V6 },
    { "policy-fail", "EACCES", "source address policy failure", true, false, NULL },
    { "reject-route", "EACCES", "reject route", true, false, NULL },
};
static const ss_icmp_code_info icmpv6_unknown = { "unreachable", "EPROTO", "destination unreachable", true, false, NULL };

/* An RST that acknowledges the SYN: connect() fails as for ICMP port unreachable. */
static const ss_icmp_code_info rst_info = { "rst", "ECONNREFUSED", "reset", true, true,
                                            "nothing listens on that port, or a firewall rejects with tcp-reset" };

const ss_icmp_code_info *ss_icmp_code_lookup(bool v6, uint8_t code)
{
    if (v6)
        return code < G_N_ELEMENTS(icmpv6_codes) ? &icmpv6_codes[code] : &icmpv6_unknown;
    return code < G_N_ELEMENTS(icmp_codes) ? &icmp_codes[code] : NULL;
}

void ss_refusal_name(const ss_refusal_note *note, char *buf, size_t size)
{
    static const char *const prefix[] = { "tcp", "icmp", "icmpv6" };
    snprintf(buf, size, "%s-%s", prefix[note->by], note->code->kind);
}

struct ss_refusals {
    GHashTable *datagrams;      /* ss_tuple (sender -> receiver) -> uint32_t: last UDP datagram's frame */
};

ss_refusals *ss_refusals_new(void)
{
    ss_refusals *r = g_new0(ss_refusals, 1);
    r->datagrams = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, g_free);
    return r;
}

void ss_refusals_free(ss_refusals *r)
{
    if (!r)
        return;
    g_hash_table_destroy(r->datagrams);
    g_free(r);
}

void ss_refusals_add_udp(ss_refusals *r, const ss_segment *seg)
{
    uint32_t *last = g_hash_table_lookup(r->datagrams, &seg->tuple);
    if (!last) {
        last = g_new(uint32_t, 1);
        g_hash_table_insert(r->datagrams, ss_memdup(&seg->tuple, sizeof seg->tuple), last);
    }
    *last = seg->frame;
}

static void fill(ss_refusal_note *note, const ss_segment *seg, ss_refuser by, const ss_icmp_code_info *code,
                 const ss_tuple *refused, uint32_t refuses)
{
    note->present = true;
    note->by = by;
    note->code = code;
    note->refused = *refused;
    note->refuses = refuses;
    note->from = seg->tuple.src;
}

static void fill_icmp(ss_refusal_note *note, const ss_segment *seg, const ss_icmp_code_info *info, uint32_t refuses)
{
    fill(note, seg, seg->icmp.v6 ? SS_REFUSED_BY_ICMPV6 : SS_REFUSED_BY_ICMP, info, &seg->icmp.tuple, refuses);
}

static bool quote_is_pure_syn(const ss_icmp_quote *q)
{
    return (q->flags & SS_TCP_SYN) && !(q->flags & (SS_TCP_ACK | SS_TCP_RST | SS_TCP_FIN));
}

static void refuse_tcp(ss_attempts *attempts, const ss_segment *seg, const ss_icmp_code_info *info,
                       ss_attempt_note *attempt_note, ss_refusal_note *note)
{
    const ss_icmp_quote *q = &seg->icmp;
    /* Ports and sequence number are in the first 8 bytes of the TCP header,
     * all an ICMP error is sure to quote; the flags may be cut off. */
    if (!info->aborts_connect || !(q->has_seq || (q->has_ports && ss_icmp_quote_cut(seg))))
        return;
    if (q->has_flags && !quote_is_pure_syn(q))
        return;                 /* quotes a data segment, an ACK, a SYN/ACK: no connection refused */
    switch (ss_attempts_refuse_icmp(attempts, seg, attempt_note)) {
    case SS_ICMP_ENDS_ATTEMPT:
        fill_icmp(note, seg, info, attempt_note->answers);
        note->unverified = !q->has_seq;
        note->snaplen = seg->captured_len;
        break;
    case SS_ICMP_NO_ATTEMPT:
        /* A SYN that is not in the capture (it started later, or saw one
         * direction): still a refusal if the quote shows a SYN. */
        if (q->has_flags)
            fill_icmp(note, seg, info, 0);
        break;
    case SS_ICMP_OTHER_ISN:     /* Linux ignores a quote of another sequence number */
    case SS_ICMP_TOO_LATE:      /* an attempt already answered is not refused by a late ICMP */
        break;
    }
}

static void refuse_udp(ss_refusals *r, const ss_segment *seg, const ss_icmp_code_info *info, ss_refusal_note *note)
{
    if (!seg->icmp.has_ports)
        return;
    const uint32_t *datagram = g_hash_table_lookup(r->datagrams, &seg->icmp.tuple);
    fill_icmp(note, seg, info, datagram && *datagram < seg->frame ? *datagram : 0);
    note->udp = true;
}

void ss_refusals_add_icmp(ss_refusals *r, ss_attempts *attempts, const ss_segment *seg,
                          ss_attempt_note *attempt_note, ss_refusal_note *note)
{
    memset(note, 0, sizeof *note);
    memset(attempt_note, 0, sizeof *attempt_note);
    const ss_icmp_code_info *info = ss_icmp_code_lookup(seg->icmp.v6, seg->icmp.code);
    if (!info)
        return;
    if (!seg->icmp.has_ports && ss_icmp_quote_cut(seg)) {
        /* the snaplen left no ports: no connection can be named */
        note->code = info;
        note->by = seg->icmp.v6 ? SS_REFUSED_BY_ICMPV6 : SS_REFUSED_BY_ICMP;
        note->from = seg->tuple.src;
        note->refused = seg->icmp.tuple;
        if (!seg->icmp.has_addrs)
            note->refused.src = seg->tuple.dst;     /* an error goes back to the packet's sender */
        note->cut_before_ports = true;
        note->snaplen = seg->captured_len;
        return;
    }
    if (seg->icmp.proto == IP_PROTO_TCP)
        refuse_tcp(attempts, seg, info, attempt_note, note);
    else if (seg->icmp.proto == IP_PROTO_UDP)
        refuse_udp(r, seg, info, note);
}

void ss_refusal_from_rst(const ss_segment *seg, const ss_attempt_note *attempt_note, ss_refusal_note *note)
{
    memset(note, 0, sizeof *note);
    /* the outcome frame of a refusal, not a client's RST that proves a SYN/ACK arrived */
    if (attempt_note->role != SS_ROLE_OUTCOME || !(seg->flags & SS_TCP_RST) ||
        attempt_note->attempt->outcome != SS_OUTCOME_REFUSED_RST)
        return;
    ss_tuple refused = ss_attempt_tuple(attempt_note->attempt);
    fill(note, seg, SS_REFUSED_BY_RST, &rst_info, &refused, attempt_note->answers);
}
