/* refusals.h - ICMP errors and RSTs that refuse a connection attempt or a
 * UDP datagram, linked to what they refuse. Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_REFUSALS_H
#define SYNSIGHT_REFUSALS_H

#include "attempts.h"
#include "segment.h"

/* What Linux makes of one ICMP/ICMPv6 destination-unreachable code (or of
 * an RST answering a SYN). */
typedef struct ss_icmp_code_info {
    const char *kind;           /* "port-unreachable", "admin-prohibited", ... */
    const char *errno_name;     /* what connect() returns: "ECONNREFUSED", ... */
    const char *meaning;        /* for sentences: "port unreachable" */
    bool aborts_connect;        /* Linux aborts a connect() in SYN_SENT */
    bool closed_port;           /* says the port is closed (ECONNREFUSED, as an RST does) */
    const char *hint;           /* what usually sends it, for sentences; NULL when nothing typical */
} ss_icmp_code_info;

/* Who refused. */
typedef enum ss_refuser {
    SS_REFUSED_BY_RST = 0,
    SS_REFUSED_BY_ICMP,
    SS_REFUSED_BY_ICMPV6,
} ss_refuser;

/* NULL for a code Linux does not know (it then ignores the error). */
const ss_icmp_code_info *ss_icmp_code_lookup(bool v6, uint8_t code);

typedef struct ss_refusal_note {
    bool present;
    bool udp;                   /* refuses a UDP datagram rather than a TCP attempt */
    ss_refuser by;
    const ss_icmp_code_info *code;  /* the code's entry: errno, meaning, hint */
    uint32_t refuses;           /* the SYN or datagram refused; 0 when not in the capture */
    ss_tuple refused;           /* what was refused: client -> server, as the client sent it */
    ss_addr  from;              /* who sent the refusal */
    /* An ICMP quote the snaplen cut (ss_icmp_quote_cut): */
    bool unverified;            /* present: it holds the ports, not the sequence number; it refuses the one
                                 * attempt open on those addresses and ports, unchecked against its ISN */
    bool cut_before_ports;      /* not present: it names no connection; refused holds what it quotes of
                                 * the addresses (unset when the IP header is cut too), from its sender */
    uint32_t snaplen;           /* either: the bytes of the frame captured */
} ss_refusal_note;

typedef struct ss_refusals ss_refusals;

ss_refusals *ss_refusals_new(void);
void ss_refusals_free(ss_refusals *r);

/* Remembers a UDP datagram, so that an ICMP error can name it. */
void ss_refusals_add_udp(ss_refusals *r, const ss_segment *seg);

/* An ICMP/ICMPv6 destination unreachable. Refuses the attempt whose SYN it
 * quotes (or, a snaplen having cut the quote's sequence number, the attempt
 * open on the quoted addresses and ports) (updating its outcome through the attempts tracker, and filling
 * *attempt_note), or the UDP datagram it quotes. *note is not present when
 * the ICMP refuses nothing: a quote of a non-SYN segment, a sequence number
 * that is not the attempt's ISN, or "fragmentation needed". */
void ss_refusals_add_icmp(ss_refusals *r, ss_attempts *attempts, const ss_segment *seg,
                          ss_attempt_note *attempt_note, ss_refusal_note *note);

/* synsight.refusal's value: "tcp-rst", "icmp-port-unreachable", "icmpv6-admin-prohibited", ... */
void ss_refusal_name(const ss_refusal_note *note, char *buf, size_t size);

/* An RST that the attempts tracker found to end an attempt (ACK = ISN + 1). */
void ss_refusal_from_rst(const ss_segment *seg, const ss_attempt_note *attempt_note, ss_refusal_note *note);

#endif
