/* frame_log.h - fixed-size records for some frames, found by frame number
 *
 * Frames are added in increasing order (the first pass), so the log is a
 * sorted array: a record costs its own bytes and its frame number, with no
 * per-record allocation, and is found by binary search. Kept in chunks, so
 * that growing never copies the log nor leaves half of it unused.
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

/* Bytes held (the unit tests check what a log allocates). */
size_t ss_frame_log_bytes(const ss_frame_log *log);

#endif
