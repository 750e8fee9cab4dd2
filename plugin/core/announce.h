/* announce.h - endpoints that application protocols hand out (a DCE/RPC
 * endpoint mapper's dynamic port, an FTP data port), remembered so that a
 * later connection attempt to one of them can name the message it came from
 *
 * Plain C and GLib: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ANNOUNCE_H
#define SYNSIGHT_ANNOUNCE_H

#include "segment.h"

/* One announcement: which message handed out the endpoint, and the service
 * whose conversation carried it (the FTP control connection's server, the
 * endpoint mapper). */
typedef struct ss_announcement {
    uint32_t frame;             /* the announcing message */
    ss_announcer by;
    ss_addr  addr;              /* the endpoint handed out */
    uint16_t port;
    ss_addr  service_addr;      /* e.g. 10.0.0.2:21, 10.0.0.2:135 */
    uint16_t service_port;
} ss_announcement;

/* What each announcer is, for the fields, the table and the sentences. */
typedef struct ss_announcer_info {
    const char *name;           /* synsight.announced_by: "dcerpc-epm", "ftp-pasv", ... */
    const char *service;        /* the service in the table's summary: "FTP", "DCE/RPC endpoint mapper" */
    const char *message;        /* the message in a sentence: "227 Entering Passive Mode", ... */
    const char *connections;    /* what the connections to its endpoints are: "data connection", ... */
    bool from_client;           /* sent by the client of the service (PORT, EPRT): the server connects back */
} ss_announcer_info;

/* NULL for SS_ANNOUNCER_NONE */
const ss_announcer_info *ss_announcer_about(ss_announcer by);

typedef struct ss_announcements ss_announcements;

ss_announcements *ss_announcements_new(void);
void ss_announcements_free(ss_announcements *t);

/* Remembers the endpoints seg announces (seg->announced). An endpoint
 * handed out as 0.0.0.0 or :: (or without an address) is the sender's own,
 * as an endpoint mapper means it; when the address handed out is not the
 * sender's (an FTP server behind NAT), the same port on the sender's
 * address counts too, as clients such as curl substitute it. */
void ss_announcements_add(ss_announcements *t, const ss_segment *seg);

/* The latest announcement of addr:port so far, or NULL. */
const ss_announcement *ss_announcements_find(const ss_announcements *t, const ss_addr *addr, uint16_t port);

uint32_t ss_announcements_count(const ss_announcements *t);

#endif
