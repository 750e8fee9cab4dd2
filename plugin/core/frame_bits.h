/* frame_bits.h - one bit per frame, and how many frames before one are set
 *
 * Bits are set in increasing frame order (the first pass), so each block
 * of 512 frames can carry the count of the bits before it: "the
 * how-manieth marked frame is this" takes a block look-up and at most
 * eight popcounts. That turns a frame into the number of the record made
 * at it (attempts and connections are numbered in the order their first
 * frame came) for an eighth of a byte a frame, with no search.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_FRAME_BITS_H
#define SYNSIGHT_FRAME_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ss_frame_bits ss_frame_bits;

ss_frame_bits *ss_frame_bits_new(void);
void ss_frame_bits_free(ss_frame_bits *bits);

/* Sets frame's bit; false (nothing set) unless frame is after every frame
 * set so far. */
bool ss_frame_bits_set(ss_frame_bits *bits, uint32_t frame);

bool ss_frame_bits_test(const ss_frame_bits *bits, uint32_t frame);

/* How many frames before frame have their bit set. */
uint32_t ss_frame_bits_rank(const ss_frame_bits *bits, uint32_t frame);

/* Bytes allocated for bits and counts (the unit tests check it). */
size_t ss_frame_bits_bytes(const ss_frame_bits *bits);

#endif
