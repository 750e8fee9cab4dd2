/* frame_log.c - fixed-size records for some frames, found by frame number
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "frame_log.h"

#include <glib.h>
#include <string.h>

#define CHUNK_RECORDS 4096

typedef struct chunk {
    uint32_t frames[CHUNK_RECORDS];
    uint32_t count;
    /* then CHUNK_RECORDS records */
} chunk;

struct ss_frame_log {
    size_t     record_size;
    GPtrArray *chunks;          /* in frame order; all full but the last */
    uint32_t   last_frame;
};

static unsigned char *records_of(chunk *c) { return (unsigned char *)(c + 1); }

ss_frame_log *ss_frame_log_new(size_t record_size)
{
    ss_frame_log *log = g_new0(ss_frame_log, 1);
    log->record_size = record_size;
    log->chunks = g_ptr_array_new_with_free_func(g_free);
    return log;
}

void ss_frame_log_free(ss_frame_log *log)
{
    if (!log)
        return;
    g_ptr_array_free(log->chunks, TRUE);
    g_free(log);
}

bool ss_frame_log_add(ss_frame_log *log, uint32_t frame, const void *record)
{
    if (log->chunks->len && frame <= log->last_frame)
        return false;
    chunk *c = log->chunks->len ? g_ptr_array_index(log->chunks, log->chunks->len - 1) : NULL;
    if (!c || c->count == CHUNK_RECORDS) {
        c = g_malloc(sizeof *c + CHUNK_RECORDS * log->record_size);
        c->count = 0;
        g_ptr_array_add(log->chunks, c);
    }
    c->frames[c->count] = frame;
    if (log->record_size)       /* a log of frames alone has no records */
        memcpy(records_of(c) + (size_t)c->count * log->record_size, record, log->record_size);
    c->count++;
    log->last_frame = frame;
    return true;
}

const void *ss_frame_log_find(const ss_frame_log *log, uint32_t frame)
{
    /* the last chunk whose first frame is <= frame */
    guint lo = 0, hi = log->chunks->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const chunk *c = g_ptr_array_index(log->chunks, mid);
        if (c->frames[0] <= frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    chunk *c = g_ptr_array_index(log->chunks, lo - 1);
    uint32_t l = 0, h = c->count;
    while (l < h) {
        uint32_t mid = l + (h - l) / 2;
        if (c->frames[mid] < frame)
            l = mid + 1;
        else
            h = mid;
    }
    if (l == c->count || c->frames[l] != frame)
        return NULL;
    return records_of(c) + (size_t)l * log->record_size;
}

size_t ss_frame_log_bytes(const ss_frame_log *log)
{
    return log->chunks->len * (sizeof(chunk) + CHUNK_RECORDS * log->record_size + sizeof(gpointer));
}
