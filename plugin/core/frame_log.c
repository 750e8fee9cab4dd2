/* frame_log.c - fixed-size records for some frames, found by frame number
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frame_log.h"

#include <glib.h>
#include <string.h>

#include "frame_bits.h"
#include "pool.h"

struct ss_frame_log {
    size_t         record_size;
    ss_frame_bits *frames;      /* the frames that have a record */
    ss_pool       *records;     /* record n: the n-th frame with one (NULL for records of 0 bytes) */
};

ss_frame_log *ss_frame_log_new(size_t record_size)
{
    ss_frame_log *log = g_new0(ss_frame_log, 1);
    log->record_size = record_size;
    log->frames = ss_frame_bits_new();
    if (record_size)
        log->records = ss_pool_new(record_size);
    return log;
}

void ss_frame_log_free(ss_frame_log *log)
{
    if (!log)
        return;
    ss_frame_bits_free(log->frames);
    ss_pool_free(log->records);
    g_free(log);
}

bool ss_frame_log_add(ss_frame_log *log, uint32_t frame, const void *record)
{
    if (!ss_frame_bits_set(log->frames, frame))
        return false;
    if (log->records)
        memcpy(ss_pool_add(log->records, NULL), record, log->record_size);
    return true;
}

const void *ss_frame_log_find(const ss_frame_log *log, uint32_t frame)
{
    if (!ss_frame_bits_test(log->frames, frame))
        return NULL;
    if (!log->records)
        return log;             /* any pointer but NULL: the frame is in the set */
    return ss_pool_at(log->records, ss_frame_bits_rank(log->frames, frame));
}

size_t ss_frame_log_bytes(const ss_frame_log *log)
{
    return ss_frame_bits_bytes(log->frames) + (log->records ? ss_pool_bytes(log->records) : 0);
}
