/* blocks.h - small blocks that grow a little at a time, without malloc's
 * header and rounding
 *
 * An attempt's later SYNs grow by 8 bytes a SYN. malloc gives a 48-byte
 * block 64 bytes (its 8-byte header, rounded to 16); here a block takes
 * its size rounded up to 8, cut from 64-KiB pages mapped from the system
 * (so not in malloc's figures: ss_blocks_bytes), one size a page. Blocks above SS_BLOCKS_LARGEST come from malloc. Every block
 * is freed with the allocator: the caller gives a block's size back when
 * it resizes or releases it, so none is stored.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_BLOCKS_H
#define SYNSIGHT_BLOCKS_H

#include <stddef.h>

#define SS_BLOCKS_LARGEST 256   /* bytes: larger blocks come from malloc */

typedef struct ss_blocks ss_blocks;

ss_blocks *ss_blocks_new(void);
/* Frees the allocator, once the caller has released every block (each
 * page went as its last block did). */
void ss_blocks_free(ss_blocks *blocks);

/* A block of size bytes (> 0), 8-aligned, its contents undefined. */
void *ss_blocks_alloc(ss_blocks *blocks, size_t size);

/* Block (of size bytes; NULL with size 0) as one of new_size bytes (> 0):
 * its first bytes kept, as realloc. */
void *ss_blocks_resize(ss_blocks *blocks, void *block, size_t size, size_t new_size);

/* Gives block (of size bytes; NULL with size 0) back. */
void ss_blocks_release(ss_blocks *blocks, void *block, size_t size);

/* Bytes held: pages and large blocks (the unit tests check it). */
size_t ss_blocks_bytes(const ss_blocks *blocks);

/* Bytes of the pages alone: mapped from the system, not from malloc. */
size_t ss_blocks_mapped_bytes(const ss_blocks *blocks);

#endif
