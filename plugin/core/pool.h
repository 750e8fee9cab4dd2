/* pool.h - records of one size, numbered from 0, that never move
 *
 * A pool holds many small records (one per connection or attempt) without a
 * heap allocation each: malloc's own 8 to 16 bytes a record, and a pointer
 * array to find them, are most of a 60-byte record's cost again. Records
 * are kept in chunks, so their addresses stay valid while the pool grows;
 * they are freed all at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_POOL_H
#define SYNSIGHT_POOL_H

#include <stddef.h>
#include <stdint.h>

/* 1,024 records a chunk: a capture with a few connections holds one chunk
 * (tens of kilobytes), a million connections a thousand. */
#define SS_POOL_CHUNK_SHIFT 10
#define SS_POOL_CHUNK_RECORDS (1u << SS_POOL_CHUNK_SHIFT)

/* Read its members through the functions below (the struct is here so that
 * finding a record, on every segment, is inlined). */
typedef struct ss_pool {
    size_t          record_size;
    uint32_t        count;
    uint32_t        chunk_room;     /* room in chunks[] */
    unsigned char **chunks;
} ss_pool;

/* Records of record_size bytes. */
ss_pool *ss_pool_new(size_t record_size);
void ss_pool_free(ss_pool *pool);

/* A new zeroed record; *index (may be NULL) is its number. */
void *ss_pool_add(ss_pool *pool, uint32_t *index);

/* Record index (< ss_pool_count). */
static inline void *ss_pool_at(const ss_pool *pool, uint32_t index)
{
    return pool->chunks[index >> SS_POOL_CHUNK_SHIFT] +
           (size_t)(index & (SS_POOL_CHUNK_RECORDS - 1)) * pool->record_size;
}

static inline uint32_t ss_pool_count(const ss_pool *pool) { return pool->count; }

/* Bytes allocated for records (the unit tests check it). */
size_t ss_pool_bytes(const ss_pool *pool);

#endif
