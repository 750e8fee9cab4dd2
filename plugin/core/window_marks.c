/* window_marks.c - window notes kept in four bytes a frame
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "window_marks.h"

#include <glib.h>
#include <string.h>

#include "frame_log.h"

/* A mark: bits 0-15 the raw window, 16-19 the shift bound + 1 (0: none),
 * then one bit each. 0 is "no mark". */
#define MARK_KEPT          (1u << 31)
#define MARK_UNKNOWN       (1u << 30)
#define MARK_FIRST_IN_DIR  (1u << 29)
#define MARK_STARTS_CONN   (1u << 28)
#define MARK_OVERRUN       (1u << 27)   /* its figures are in the overrun log */
#define MARK_SHIFT_SHIFT   16

/* 256 frames a block: 1 KiB, so that scattered mid-stream segments in a
 * mixed capture cost little more than their own marks. */
#define BLOCK_BITS 8
#define BLOCK_FRAMES (1u << BLOCK_BITS)

typedef struct overrun_figures {
    uint32_t in_flight;
    uint32_t peer_window_frame;
    uint16_t peer_raw;
    int8_t   peer_min_shift;
} overrun_figures;

struct ss_window_marks {
    GPtrArray *blocks;          /* block i: the marks of frames i * BLOCK_FRAMES ... ; NULL when none */
    size_t     allocated;       /* blocks allocated */
    ss_frame_log *overruns;     /* frame -> overrun_figures */
};

bool ss_window_note_fits_mark(const ss_window_note *n)
{
    return !n->one_sided && n->min_shift >= -1 && n->min_shift <= SS_MAX_WSCALE;
}

ss_window_marks *ss_window_marks_new(void)
{
    ss_window_marks *m = g_new0(ss_window_marks, 1);
    m->blocks = g_ptr_array_new_with_free_func(g_free);
    m->overruns = ss_frame_log_new(sizeof(overrun_figures));
    return m;
}

void ss_window_marks_free(ss_window_marks *m)
{
    if (!m)
        return;
    g_ptr_array_free(m->blocks, TRUE);
    ss_frame_log_free(m->overruns);
    g_free(m);
}

bool ss_window_marks_put(ss_window_marks *m, uint32_t frame, const ss_window_note *n)
{
    if (n->overrun) {
        overrun_figures o = { n->in_flight, n->peer_window_frame, n->peer_raw, n->peer_min_shift };
        if (!ss_frame_log_add(m->overruns, frame, &o))
            return false;
    }
    guint block = frame >> BLOCK_BITS;
    if (block >= m->blocks->len)
        g_ptr_array_set_size(m->blocks, (gint)block + 1);
    uint32_t *marks = g_ptr_array_index(m->blocks, block);
    if (!marks) {
        marks = g_new0(uint32_t, BLOCK_FRAMES);
        m->blocks->pdata[block] = marks;
        m->allocated++;
    }
    marks[frame & (BLOCK_FRAMES - 1)] = MARK_KEPT | (n->overrun ? MARK_OVERRUN : 0) | (n->scale_unknown ? MARK_UNKNOWN : 0) |
                                        (n->first_in_direction ? MARK_FIRST_IN_DIR : 0) |
                                        (n->sides ? MARK_STARTS_CONN : 0) |
                                        ((uint32_t)(n->min_shift + 1) << MARK_SHIFT_SHIFT) | n->raw;
    return true;
}

bool ss_window_marks_get(const ss_window_marks *m, uint32_t frame, ss_window_note *n, bool *starts_conn)
{
    guint block = frame >> BLOCK_BITS;
    const uint32_t *marks = block < m->blocks->len ? g_ptr_array_index(m->blocks, block) : NULL;
    uint32_t mark = marks ? marks[frame & (BLOCK_FRAMES - 1)] : 0;
    if (!(mark & MARK_KEPT))
        return false;
    memset(n, 0, sizeof *n);
    n->scale_unknown = (mark & MARK_UNKNOWN) != 0;
    n->first_in_direction = (mark & MARK_FIRST_IN_DIR) != 0;
    n->raw = (uint16_t)(mark & 0xffff);
    n->min_shift = (int8_t)(((mark >> MARK_SHIFT_SHIFT) & 0xf) - 1);
    *starts_conn = (mark & MARK_STARTS_CONN) != 0;
    if (mark & MARK_OVERRUN) {
        overrun_figures o;
        memcpy(&o, ss_frame_log_find(m->overruns, frame), sizeof o);
        n->overrun = true;
        n->in_flight = o.in_flight;
        n->peer_window_frame = o.peer_window_frame;
        n->peer_raw = o.peer_raw;
        n->peer_min_shift = o.peer_min_shift;
    }
    return true;
}

size_t ss_window_marks_bytes(const ss_window_marks *m)
{
    return m->allocated * BLOCK_FRAMES * sizeof(uint32_t) + m->blocks->len * sizeof(gpointer) +
           ss_frame_log_bytes(m->overruns);
}
