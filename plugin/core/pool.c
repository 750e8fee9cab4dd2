/* pool.c - records of one size, numbered from 0, that never move
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "pool.h"

#include <glib.h>
#include <string.h>

ss_pool *ss_pool_new(size_t record_size)
{
    ss_pool *p = g_new0(ss_pool, 1);
    p->record_size = record_size;
    return p;
}

void ss_pool_free(ss_pool *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < (p->count + SS_POOL_CHUNK_RECORDS - 1) / SS_POOL_CHUNK_RECORDS; i++)
        g_free(p->chunks[i]);
    g_free(p->chunks);
    g_free(p);
}

void *ss_pool_add(ss_pool *p, uint32_t *index)
{
    uint32_t i = p->count;
    if ((i & (SS_POOL_CHUNK_RECORDS - 1)) == 0) {
        uint32_t chunk = i >> SS_POOL_CHUNK_SHIFT;
        if (chunk == p->chunk_room) {
            p->chunk_room = p->chunk_room ? p->chunk_room * 2 : 8;
            p->chunks = g_renew(unsigned char *, p->chunks, p->chunk_room);
        }
        p->chunks[chunk] = g_malloc(SS_POOL_CHUNK_RECORDS * p->record_size);
    }
    p->count++;
    if (index)
        *index = i;
    void *r = ss_pool_at(p, i);
    memset(r, 0, p->record_size);
    return r;
}

size_t ss_pool_bytes(const ss_pool *p)
{
    uint32_t chunks = (p->count + SS_POOL_CHUNK_RECORDS - 1) / SS_POOL_CHUNK_RECORDS;
    return chunks * (SS_POOL_CHUNK_RECORDS * p->record_size) + p->chunk_room * sizeof *p->chunks;
}
