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

/* Linux's icmp_err_convert[] (net/ipv4/icmp.c): the errno per code. In
 * SYN_SENT, tcp_v4_err() aborts connect() on every code but 4 (fragmentation
 * needed, which only lowers the path MTU); codes above 15 are ignored. */
static const ss_icmp_code_info icmp_codes[] = {
    { "net-unreachable", "ENETUNREACH", "net unreachable", true },
    { "host-unreachable", "EHOSTUNREACH", "host unreachable", true },
    { "protocol-unreachable", "ENOPROTOOPT", "protocol unreachable", true },
    { "port-unreachable", "ECONNREFUSED", "port unreachable", true },
    { "frag-needed", "EMSGSIZE", "fragmentation needed", false },
    { "source-route-failed", "EOPNOTSUPP", "source route failed", true },
    { "net-unknown", "ENETUNREACH", "net unknown", true },
    { "host-unknown", "EHOSTDOWN", "host unknown", true },
    { "host-isolated", "ENONET", "source host isolated", true },
    { "net-prohibited", "ENETUNREACH", "net prohibited", true },
    { "host-prohibited", "EHOSTUNREACH", "host prohibited", true },
    { "net-tos-unreachable", "ENETUNREACH", "net unreachable for TOS", true },
    { "host-tos-unreachable", "EHOSTUNREACH", "host unreachable for TOS", true },
    { "admin-prohibited", "EHOSTUNREACH", "admin prohibited", true },
    { "precedence-violation", "EHOSTUNREACH", "host precedence violation", true },
    { "precedence-cutoff", "EHOSTUNREACH", "precedence cutoff in effect", true },
};

/* Linux's tab_unreach[] (net/ipv6/icmp.c, icmpv6_err_convert). tcp_v6_err()
 * aborts connect() in SYN_SENT on every destination-unreachable code; codes
 * beyond the table report EPROTO. */
static const ss_icmp_code_info icmpv6_codes[] = {
    { "no-route", "ENETUNREACH", "no route", true },
    { "admin-prohibited", "EACCES", "admin prohibited", true },
    { "beyond-scope", "EHOSTUNREACH", "beyond scope", true },
    { "addr-unreachable", "EHOSTUNREACH", "address unreachable", true },
    { "port-unreachable", "ECONNREFUSED", "port unreachable", true },
    { "policy-fail", "EACCES", "source address policy failure", true },
    { "reject-route", "EACCES", "reject route", true },
};
static const ss_icmp_code_info icmpv6_unknown = { "unreachable", "EPROTO", "destination unreachable", true };

const ss_icmp_code_info *ss_icmp_code_lookup(bool v6, uint8_t code)
{
    if (v6)
        return code < G_N_ELEMENTS(icmpv6_codes) ? &icmpv6_codes[code] : &icmpv6_unknown;
    return code < G_N_ELEMENTS(icmp_codes) ? &icmp_codes[code] : NULL;
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
        g_hash_table_insert(r->datagrams, g_memdup2(&seg->tuple, sizeof seg->tuple), last);
    }
    *last = seg->frame;
}

static void fill(ss_refusal_note *note, const ss_segment *seg, const char *name, const char *errno_name,
                 const char *meaning, const ss_tuple *refused, uint32_t refuses)
{
    note->present = true;
    snprintf(note->name, sizeof note->name, "%s", name);
    note->errno_name = errno_name;
    note->meaning = meaning;
    note->refused = *refused;
    note->refuses = refuses;
    note->from = seg->tuple.src;
}

static void fill_icmp(ss_refusal_note *note, const ss_segment *seg, const ss_icmp_code_info *info, uint32_t refuses)
{
    char name[40];
    snprintf(name, sizeof name, "%s-%s", seg->icmp.v6 ? "icmpv6" : "icmp", info->kind);
    fill(note, seg, name, info->errno_name, info->meaning, &seg->icmp.tuple, refuses);
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
    if (!info->aborts_connect || !q->has_seq)
        return;
    if (q->has_flags && !quote_is_pure_syn(q))
        return;                 /* quotes a data segment, an ACK, a SYN/ACK: no connection refused */
    const ss_attempt *current = ss_attempts_current(attempts, &q->tuple);
    if (current && current->isn == q->seq) {
        ss_attempts_refuse_icmp(attempts, seg, attempt_note);
        if (attempt_note->role == SS_ROLE_OUTCOME)
            fill_icmp(note, seg, info, attempt_note->answers);
        return;                 /* an attempt already answered is not refused by a late ICMP */
    }
    /* A SYN that is not in the capture (it started later, or saw one
     * direction): still a refusal if the quote shows a SYN. A quoted
     * sequence number other than the known attempt's is ignored by Linux. */
    if (!current && q->has_flags)
        fill_icmp(note, seg, info, 0);
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
    if (seg->icmp.proto == IP_PROTO_TCP)
        refuse_tcp(attempts, seg, info, attempt_note, note);
    else if (seg->icmp.proto == IP_PROTO_UDP)
        refuse_udp(r, seg, info, note);
}

void ss_refusal_from_rst(const ss_segment *seg, const ss_attempt_note *attempt_note, ss_refusal_note *note)
{
    memset(note, 0, sizeof *note);
    if (attempt_note->role != SS_ROLE_OUTCOME || !(seg->flags & SS_TCP_RST))
        return;
    fill(note, seg, "tcp-rst", "ECONNREFUSED", "reset", &attempt_note->attempt->tuple, attempt_note->answers);
}
