/* frame_log.h - fixed-size records for some frames, found by frame number
 *
 * Frames are added in increasing order (the first pass), so a frame's
 * record is the n-th, n being how many frames before it have one: a bit per
 * frame (ss_frame_bits) finds it without a search, and a record costs its
 * own bytes only, in a pool (no allocation each, nothing copied as the log
 * grows).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_FRAME_LOG_H
#define SYNSIGHT_FRAME_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ss_frame_log ss_frame_log;

/* Records of record_size bytes (0: a set of frames; record may be NULL). */
ss_frame_log *ss_frame_log_new(size_t record_size);
void ss_frame_log_free(ss_frame_log *log);

/* Adds frame's record; false (nothing added) unless frame is after every
 * frame already in the log. */
bool ss_frame_log_add(ss_frame_log *log, uint32_t frame, const void *record);

/* Frame's record, or NULL. */
const void *ss_frame_log_find(const ss_frame_log *log, uint32_t frame);

/* Bytes allocated (the unit tests check it). */
size_t ss_frame_log_bytes(const ss_frame_log *log);

#endif
