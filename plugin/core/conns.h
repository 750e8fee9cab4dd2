/* conns.h - one record per 4-tuple, shared by the analyses
 *
 * Every TCP segment's addresses and ports are looked up once, in one table,
 * and each analysis keeps its part of the connection in the same record:
 * one key and one table entry a connection, not one per analysis. The
 * records sit in two pools, IPv4 and the rest (no allocation each), and the
 * table holds their numbers (4 bytes a slot). Records live until the
 * registry is freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_CONNS_H
#define SYNSIGHT_CONNS_H

#include "segment.h"

/* The attempts tracker's part (attempts.c). */
typedef struct ss_conn_attempts {
    uint32_t attempt[2];        /* latest attempt opened by each side: its id + 1, 0 none */
    uint32_t synack : 31;       /* SYN/ACK trains of both sides: index + 1, 0 before the first SYN/ACK */
    uint32_t synack_settled : 1;    /* the handshake after the latest SYN/ACK is over (the client sent data
                                     * on it, or the server went on past the client's ACK): no segment
                                     * needs the trains until the next SYN/ACK */
} ss_conn_attempts;

/* The window analysis' part (window.c): the current use of the 4-tuple.
 * A use starts mid-stream or with its handshake, never both: the
 * mid-stream state's number and the SYNs' sequence numbers share their
 * bytes, and SS_CONN_MIDSTREAM says which they hold. */
typedef struct ss_conn_windows {
    uint32_t sides;             /* this use's sides: index + 1 */
    union {
        uint32_t mid;           /* SS_CONN_MIDSTREAM: the mid-stream state, index + 1 */
        uint32_t syn_isn[2];    /* otherwise: each side's SYN's sequence number */
    };
    int8_t   syn_wscale[2];     /* handshake: each side's SYN's window-scale option, -1 none */
    uint8_t  syn_seen;          /* handshake: bit (1 << side): that side's SYN was seen */
    uint8_t  state;             /* SS_CONN_ONE_SIDED_MARKED, SS_CONN_DOUBTFUL, SS_CONN_MIDSTREAM */
} ss_conn_windows;

#define SS_CONN_ONE_SIDED_MARKED 0x01   /* a one-sided window-scale offer was reported */
#define SS_CONN_DOUBTFUL         0x02   /* mid-stream: the capture missed packets, bounds stop rising */
#define SS_CONN_MIDSTREAM        0x04   /* the use started without its handshake: mid is set */

/* Sides are indexed as ss_conn_key's direction. The key (ss_conn_key of
 * the segments' tuples) is kept packed after the parts: 12 bytes for IPv4
 * (a record of 44 bytes), the whole ss_tuple otherwise (68); read it with
 * ss_conn_tuple. */
typedef struct ss_conn {
    ss_conn_attempts attempts;
    ss_conn_windows windows;
    bool     ipv4;              /* the key is two IPv4 addresses and two ports, packed */
    unsigned char key[];
} ss_conn;

/* The connection's key, unpacked. */
ss_tuple ss_conn_tuple(const ss_conn *conn);

typedef struct ss_conns ss_conns;

ss_conns *ss_conns_new(void);
void ss_conns_free(ss_conns *conns);

/* The record of tuple's connection, or NULL; *dir is tuple's direction
 * relative to the key (as ss_conn_key). */
ss_conn *ss_conns_find(const ss_conns *conns, const ss_tuple *tuple, int *dir);

/* The same, made (zeroed but for its key) when absent. */
ss_conn *ss_conns_get(ss_conns *conns, const ss_tuple *tuple, int *dir);

/* The same, and *ref: the record's number, 4 bytes where a pointer takes
 * 8, for records that name a connection (ss_conns_at). */
ss_conn *ss_conns_get_ref(ss_conns *conns, const ss_tuple *tuple, int *dir, uint32_t *ref);

/* The record ref (from ss_conns_get_ref) names. */
const ss_conn *ss_conns_at(const ss_conns *conns, uint32_t ref);

uint32_t ss_conns_count(const ss_conns *conns);

/* Bytes held: records and table (the unit tests check it). */
size_t ss_conns_bytes(const ss_conns *conns);

#endif
