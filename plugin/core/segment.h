/* segment.h - the flat per-segment record that every synsight analysis reads
 *
 * The epan side (reader.c) copies header bytes out of the frame; everything
 * here is plain C so the analyses can be unit-tested without Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_SEGMENT_H
#define SYNSIGHT_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

#define SS_TCP_FIN 0x01
#define SS_TCP_SYN 0x02
#define SS_TCP_RST 0x04
#define SS_TCP_PSH 0x08
#define SS_TCP_ACK 0x10
#define SS_TCP_ECE 0x40
#define SS_TCP_CWR 0x80

typedef struct ss_addr {
    uint8_t family;     /* 4 or 6; 0 when unset */
    uint8_t bytes[16];  /* IPv4 uses the first 4 */
} ss_addr;

/* Addresses and ports in the direction a packet travels: src -> dst. */
typedef struct ss_tuple {
    ss_addr  src;
    ss_addr  dst;
    uint16_t sport;
    uint16_t dport;
} ss_tuple;

typedef enum ss_segment_kind {
    SS_SEG_NONE = 0,
    SS_SEG_TCP,          /* a TCP segment */
    SS_SEG_ICMP_ERROR,   /* an ICMP/ICMPv6 destination unreachable */
    SS_SEG_UDP,          /* a UDP datagram (only its addresses and ports) */
} ss_segment_kind;

/* What an ICMP error says about the packet it quotes. */
typedef struct ss_icmp_quote {
    bool     v6;            /* ICMPv6 (type 1) rather than ICMP (type 3) */
    uint8_t  type;
    uint8_t  code;
    uint8_t  proto;         /* quoted IP protocol: 6 TCP, 17 UDP, ... */
    ss_tuple tuple;         /* quoted packet's addresses and ports, as the original sender sent it */
    bool     has_addrs;     /* the quoted IP header is whole (a snaplen may cut it: then only proto, if quoted) */
    bool     has_ports;     /* at least 4 bytes of the transport header quoted */
    bool     has_seq;       /* at least 8 bytes of TCP header quoted */
    uint32_t seq;           /* quoted TCP sequence number */
    bool     has_flags;     /* the TCP flags byte was quoted (beyond the guaranteed 8 bytes) */
    uint8_t  flags;
} ss_icmp_quote;

/* Who announced an endpoint that a later connection goes to: the message of
 * another protocol that handed out the address and port. */
typedef enum ss_announcer {
    SS_ANNOUNCER_NONE = 0,
    SS_ANNOUNCER_DCERPC_EPM,    /* a DCE/RPC endpoint mapper's Map or Lookup response (a tower) */
    SS_ANNOUNCER_FTP_PASV,      /* an FTP server's 227 reply to PASV */
    SS_ANNOUNCER_FTP_EPSV,      /* an FTP server's 229 reply to EPSV */
    SS_ANNOUNCER_FTP_PORT,      /* an FTP client's PORT command: the server connects to the client */
    SS_ANNOUNCER_FTP_EPRT,      /* an FTP client's EPRT command: likewise */
} ss_announcer;

/* One endpoint a frame announces. */
typedef struct ss_announced {
    ss_announcer by;
    ss_addr  addr;
    uint16_t port;
} ss_announced;

typedef struct ss_segment {
    ss_segment_kind kind;
    uint32_t frame;         /* frame number, from 1 */
    int64_t  time_ns;       /* capture time, nanoseconds */
    ss_tuple tuple;         /* outer addresses (for ICMP: the error's sender -> receiver) */

    /* SS_SEG_TCP */
    uint32_t seq;
    uint32_t ack;
    uint8_t  flags;         /* SS_TCP_* */
    uint16_t window;        /* as sent: unscaled */
    uint32_t payload_len;   /* TCP payload bytes */
    int8_t   wscale;        /* window-scale option shift, -1 when the option is absent */
    bool     has_ts;
    uint32_t tsval;
    uint32_t tsecr;
    bool     sack_perm;     /* the SACK-permitted option (SYNs) */
    uint32_t option_kinds;  /* the first eight options' kinds in order, four bits each (the first in
                             * the lowest; NOP 1, a kind above 14 as 15), ending at EOL or a bad length:
                             * a SYN's layout tells its stack (ss_syn_layout_of) */

    /* SS_SEG_ICMP_ERROR */
    ss_icmp_quote icmp;

    /* SS_SEG_TCP: the endpoints an application message in this frame hands
     * out (announced_count of them; storage owned by the caller) */
    const ss_announced *announced;
    uint32_t announced_count;

    /* How the frame was captured, and what tells a copy of a packet from a
     * packet sent again (copies.h). digest is read for SYN/ACKs, RSTs and
     * ICMP errors only: 0 otherwise. */
    uint64_t digest;            /* the bytes every copy of the packet shares */
    bool     strong_identity;   /* they hold a nonzero IPv4 ID or a TCP timestamp */
    bool     cooked;            /* a Linux cooked capture (`-i any`) */
    uint32_t interface_id;      /* the capture's interface (pcapng), + 1; 0 when unknown (or not read:
                                 * cooked and interface_id are read where digest is, and for SYNs) */
    uint32_t captured_len;      /* SS_SEG_ICMP_ERROR: bytes of the frame captured (a snaplen cuts it) */
    bool     snaplen_cut;       /* SS_SEG_ICMP_ERROR: fewer bytes captured than the frame had */
} ss_segment;

/* Parses an IPv4 or IPv6 header: fills the addresses and returns the byte
 * length the header claims for the whole datagram (0 when unknown), or -1
 * when the bytes are not an IP header. */
int ss_parse_ip(const uint8_t *ip, size_t len, ss_addr *src, ss_addr *dst, uint8_t *proto,
                size_t *header_len);

/* Parses a TCP header (and options) into seg. payload_len is derived from
 * ip_bytes_after_tcp, the bytes the IP header says follow the TCP header's
 * start. Returns false when the header is truncated or malformed. */
bool ss_parse_tcp(const uint8_t *tcp, size_t len, uint32_t ip_bytes_after_tcp, ss_segment *seg);

/* Whose TCP stack lays out a SYN's options as this one's (p0f's
 * signatures): each family writes its options in an order of its own. */
typedef enum ss_syn_layout {
    SS_LAYOUT_OTHER = 0,
    SS_LAYOUT_LINUX,            /* MSS, SACK-permitted, timestamps, NOP, window scale (or the NOP-padded
                                 * forms without timestamps or SACK) */
    SS_LAYOUT_APPLE,            /* macOS, iOS: MSS, NOP, WS, NOP, NOP, timestamps, SACK-permitted, EOL */
    SS_LAYOUT_FREEBSD,          /* MSS, NOP, WS, SACK-permitted, timestamps */
    SS_LAYOUT_WINDOWS,          /* MSS, NOP, WS, NOP, NOP, SACK-permitted (no timestamps) */
} ss_syn_layout;

ss_syn_layout ss_syn_layout_of(uint32_t option_kinds);

/* Parses a UDP header's ports into seg. */
bool ss_parse_udp(const uint8_t *udp, size_t len, ss_segment *seg);

/* Parses an ICMP (v6 false) or ICMPv6 message starting at its type byte.
 * Returns true for a destination unreachable whose quote holds an IP header,
 * or (seg->snaplen_cut set) the start of one the snaplen cut; fills
 * seg->icmp. */
bool ss_parse_icmp_error(const uint8_t *icmp, size_t len, bool v6, ss_segment *seg);

/* Whether the snaplen cut an ICMP error's quote short of what tells the
 * packet it answers: the ports, or a TCP quote's sequence number. */
bool ss_icmp_quote_cut(const ss_segment *seg);

/* "10.0.0.2:80" or "[fd00::2]:80" */
void ss_format_endpoint(const ss_addr *addr, uint16_t port, char *buf, size_t size);
void ss_format_addr(const ss_addr *addr, char *buf, size_t size);

/* The reverse direction of a tuple. */
ss_tuple ss_tuple_reverse(const ss_tuple *t);

/* A key that is the same for both directions of a connection; *dir is 0 when
 * t runs in the key's direction, 1 when it runs against it. */
ss_tuple ss_conn_key(const ss_tuple *t, int *dir);

unsigned ss_tuple_hash(const void *tuple);
int ss_tuple_equal(const void *a, const void *b);

/* A heap copy of SIZE bytes (a hash table's key or value), freed with
 * g_free. GLib's g_memdup2 needs 2.68; Debian 11 has 2.66. */
void *ss_memdup(const void *mem, size_t size);

#endif
