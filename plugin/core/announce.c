/* announce.c - endpoints handed out by application protocols
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "announce.h"

#include <glib.h>
#include <string.h>

static const ss_announcer_info announcers[] = {
    [SS_ANNOUNCER_DCERPC_EPM] = { "dcerpc-epm", "DCE/RPC endpoint mapper", "endpoint mapper response",
                                  "dynamic RPC connection", false },
    [SS_ANNOUNCER_FTP_PASV] = { "ftp-pasv", "FTP", "227 Entering Passive Mode", "data connection", false },
    [SS_ANNOUNCER_FTP_EPSV] = { "ftp-epsv", "FTP", "229 Entering Extended Passive Mode", "data connection", false },
    [SS_ANNOUNCER_FTP_PORT] = { "ftp-port", "FTP", "PORT command, active mode", "data connection", true },
    [SS_ANNOUNCER_FTP_EPRT] = { "ftp-eprt", "FTP", "EPRT command, active mode", "data connection", true },
};

const ss_announcer_info *ss_announcer_about(ss_announcer by)
{
    if (by <= SS_ANNOUNCER_NONE || (size_t)by >= G_N_ELEMENTS(announcers))
        return NULL;
    return &announcers[by];
}

struct ss_announcements {
    GHashTable *by_endpoint;    /* ss_tuple with only dst, dport set -> ss_announcement* (latest) */
    GPtrArray *all;             /* every announcement, owned here */
};

ss_announcements *ss_announcements_new(void)
{
    ss_announcements *t = g_new0(ss_announcements, 1);
    t->by_endpoint = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, NULL);
    t->all = g_ptr_array_new_with_free_func(g_free);
    return t;
}

void ss_announcements_free(ss_announcements *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->by_endpoint);
    g_ptr_array_free(t->all, TRUE);
    g_free(t);
}

uint32_t ss_announcements_count(const ss_announcements *t) { return t->all->len; }

static ss_tuple endpoint_key(const ss_addr *addr, uint16_t port)
{
    ss_tuple key;
    memset(&key, 0, sizeof key);
    key.dst = *addr;
    key.dport = port;
    return key;
}

static bool addr_unspecified(const ss_addr *a)
{
    if (a->family != 4 && a->family != 6)
        return true;
    size_t len = a->family == 4 ? 4 : 16;
    for (size_t i = 0; i < len; i++)
        if (a->bytes[i])
            return false;
    return true;
}

static bool addr_equal(const ss_addr *a, const ss_addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

static void remember(ss_announcements *t, const ss_announcement *proto_ann)
{
    ss_announcement *ann = ss_memdup(proto_ann, sizeof *proto_ann);
    g_ptr_array_add(t->all, ann);
    ss_tuple key = endpoint_key(&ann->addr, ann->port);
    g_hash_table_replace(t->by_endpoint, ss_memdup(&key, sizeof key), ann);
}

void ss_announcements_add(ss_announcements *t, const ss_segment *seg)
{
    for (uint32_t i = 0; i < seg->announced_count; i++) {
        const ss_announced *a = &seg->announced[i];
        const ss_announcer_info *about = ss_announcer_about(a->by);
        if (!about || a->port == 0)
            continue;
        ss_announcement ann;
        memset(&ann, 0, sizeof ann);
        ann.frame = seg->frame;
        ann.by = a->by;
        ann.port = a->port;
        /* the service is the side of the conversation that is not the client */
        ann.service_addr = about->from_client ? seg->tuple.dst : seg->tuple.src;
        ann.service_port = about->from_client ? seg->tuple.dport : seg->tuple.sport;
        const ss_addr *sender = &seg->tuple.src;
        bool own = addr_unspecified(&a->addr);
        ann.addr = own ? *sender : a->addr;
        remember(t, &ann);
        if (!own && !addr_equal(&a->addr, sender) && sender->family) {
            ann.addr = *sender;
            remember(t, &ann);
        }
    }
}

const ss_announcement *ss_announcements_find(const ss_announcements *t, const ss_addr *addr, uint16_t port)
{
    if (!g_hash_table_size(t->by_endpoint))
        return NULL;
    ss_tuple key = endpoint_key(addr, port);
    return g_hash_table_lookup(t->by_endpoint, &key);
}
