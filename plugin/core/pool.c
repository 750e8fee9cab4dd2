/* pool.c - records of one size, numbered from 0, that never move
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "pool.h"

#include <glib.h>
#include <string.h>

/* 1,024 records a chunk: a capture with a few connections holds one chunk
 * (tens of kilobytes), a million connections a thousand. */
#define CHUNK_SHIFT 10
#define CHUNK_RECORDS (1u << CHUNK_SHIFT)

struct ss_pool {
    size_t     record_size;
    uint32_t   count;
    GPtrArray *chunks;
};

ss_pool *ss_pool_new(size_t record_size)
{
    ss_pool *p = g_new0(ss_pool, 1);
    p->record_size = record_size;
    p->chunks = g_ptr_array_new_with_free_func(g_free);
    return p;
}

void ss_pool_free(ss_pool *p)
{
    if (!p)
        return;
    g_ptr_array_free(p->chunks, TRUE);
    g_free(p);
}

void *ss_pool_add(ss_pool *p, uint32_t *index)
{
    uint32_t i = p->count;
    if ((i & (CHUNK_RECORDS - 1)) == 0)
        g_ptr_array_add(p->chunks, g_malloc(CHUNK_RECORDS * p->record_size));
    p->count++;
    if (index)
        *index = i;
    void *r = ss_pool_at(p, i);
    memset(r, 0, p->record_size);
    return r;
}

void *ss_pool_at(const ss_pool *p, uint32_t i)
{
    unsigned char *chunk = g_ptr_array_index(p->chunks, i >> CHUNK_SHIFT);
    return chunk + (size_t)(i & (CHUNK_RECORDS - 1)) * p->record_size;
}

uint32_t ss_pool_count(const ss_pool *p) { return p->count; }

size_t ss_pool_bytes(const ss_pool *p)
{
    return p->chunks->len * (CHUNK_RECORDS * p->record_size + sizeof(gpointer));
}
