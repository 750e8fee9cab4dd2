/* frame_bits.c - one bit per frame, and how many frames before one are set
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frame_bits.h"

#include <glib.h>
#include <string.h>

#define WORDS_PER_BLOCK 8       /* 512 frames */

struct ss_frame_bits {
    uint64_t *words;
    uint32_t *before;           /* per block: bits set in the blocks before it */
    uint32_t  blocks;           /* allocated */
    uint32_t  filled;           /* blocks up to the last set bit's: their counts are valid */
    uint32_t  total;            /* bits set */
    uint32_t  last;             /* the last frame set */
};

ss_frame_bits *ss_frame_bits_new(void) { return g_new0(ss_frame_bits, 1); }

void ss_frame_bits_free(ss_frame_bits *b)
{
    if (!b)
        return;
    g_free(b->words);
    g_free(b->before);
    g_free(b);
}

bool ss_frame_bits_set(ss_frame_bits *b, uint32_t frame)
{
    if (b->total && frame <= b->last)
        return false;
    uint32_t block = frame / 64 / WORDS_PER_BLOCK;
    if (block >= b->blocks) {
        uint32_t blocks = b->blocks ? b->blocks : 16;
        while (block >= blocks)
            blocks *= 2;
        b->words = g_renew(uint64_t, b->words, (size_t)blocks * WORDS_PER_BLOCK);
        b->before = g_renew(uint32_t, b->before, blocks);
        memset(b->words + (size_t)b->blocks * WORDS_PER_BLOCK, 0,
               (size_t)(blocks - b->blocks) * WORDS_PER_BLOCK * sizeof *b->words);
        b->blocks = blocks;
    }
    /* every bit set so far is before frame's block, and the blocks in between */
    for (; b->filled <= block; b->filled++)
        b->before[b->filled] = b->total;
    b->words[frame / 64] |= UINT64_C(1) << (frame % 64);
    b->total++;
    b->last = frame;
    return true;
}

bool ss_frame_bits_test(const ss_frame_bits *b, uint32_t frame)
{
    return frame / 64 / WORDS_PER_BLOCK < b->filled && (b->words[frame / 64] >> (frame % 64) & 1);
}

uint32_t ss_frame_bits_rank(const ss_frame_bits *b, uint32_t frame)
{
    uint32_t block = frame / 64 / WORDS_PER_BLOCK;
    if (block >= b->filled)
        return b->total;
    uint32_t n = b->before[block];
    for (uint32_t w = block * WORDS_PER_BLOCK; w < frame / 64; w++)
        n += (uint32_t)__builtin_popcountll(b->words[w]);
    return n + (uint32_t)__builtin_popcountll(b->words[frame / 64] & ((UINT64_C(1) << (frame % 64)) - 1));
}

size_t ss_frame_bits_bytes(const ss_frame_bits *b)
{
    return (size_t)b->blocks * (WORDS_PER_BLOCK * sizeof *b->words + sizeof *b->before);
}
