/* window_marks.c - window notes kept in four bytes a frame
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "window_marks.h"

#include <glib.h>
#include <string.h>

#include "frame_log.h"

/* A mark: bits 0-15 the raw window, 16-19 the shift bound + 1 (0: none),
 * 20-23 an overrun's peer bound, then one bit each. 0 is "no mark". */
#define MARK_KEPT          (1u << 31)
#define MARK_UNKNOWN       (1u << 30)
#define MARK_FIRST_IN_DIR  (1u << 29)
#define MARK_STARTS_CONN   (1u << 28)
#define MARK_OVERRUN       (1u << 27)   /* its figures are in the overrun log */
#define MARK_SHIFT_SHIFT   16
#define MARK_PEER_SHIFT_SHIFT 20

/* 1,024 frames a block: 4 KiB. Smaller blocks save little where marks are
 * scattered, and in a long connection, interleaved with Wireshark's own
 * allocations, they cost more resident memory than they hold (two passes
 * over 400,000 segments: 10.7 bytes a segment with 256-frame blocks, 7.9
 * with 1,024). */
#define BLOCK_BITS 10
#define BLOCK_FRAMES (1u << BLOCK_BITS)

/* An overrun's figures in 6 bytes: the bytes in flight, and how many
 * frames back the peer advertised its window; that frame's own mark holds
 * the window. A frame further back than 65,534, or one whose mark does not
 * hold that window, keeps the figures in full instead. */
typedef struct overrun_figures {
    uint16_t in_flight[2];      /* low, high */
    uint16_t peer_frames_back;  /* FRAMES_BACK_FULL: see the full figures */
} overrun_figures;

#define FRAMES_BACK_FULL 0xffff

typedef struct overrun_full {
    uint32_t peer_window_frame;
    uint16_t peer_raw;
} overrun_full;

struct ss_window_marks {
    GPtrArray *blocks;          /* block i: the marks of frames i * BLOCK_FRAMES ... ; NULL when none */
    size_t     allocated;       /* blocks allocated */
    ss_frame_log *overruns;     /* frame -> overrun_figures */
    ss_frame_log *overruns_full;/* frame -> overrun_full, for the figures that need it */
};

static uint32_t mark_of(const ss_window_marks *m, uint32_t frame)
{
    guint block = frame >> BLOCK_BITS;
    const uint32_t *marks = block < m->blocks->len ? g_ptr_array_index(m->blocks, block) : NULL;
    return marks ? marks[frame & (BLOCK_FRAMES - 1)] : 0;
}

bool ss_window_note_fits_mark(const ss_window_note *n)
{
    return !n->one_sided && n->min_shift >= -1 && n->min_shift <= SS_MAX_WSCALE &&
           (!n->overrun || (n->peer_min_shift >= 0 && n->peer_min_shift <= SS_MAX_WSCALE));
}

ss_window_marks *ss_window_marks_new(void)
{
    ss_window_marks *m = g_new0(ss_window_marks, 1);
    m->blocks = g_ptr_array_new_with_free_func(g_free);
    m->overruns = ss_frame_log_new(sizeof(overrun_figures));
    m->overruns_full = ss_frame_log_new(sizeof(overrun_full));
    return m;
}

void ss_window_marks_free(ss_window_marks *m)
{
    if (!m)
        return;
    g_ptr_array_free(m->blocks, TRUE);
    ss_frame_log_free(m->overruns);
    ss_frame_log_free(m->overruns_full);
    g_free(m);
}

bool ss_window_marks_put(ss_window_marks *m, uint32_t frame, const ss_window_note *n)
{
    if (n->overrun) {
        uint32_t back = frame - n->peer_window_frame;
        uint32_t peer_mark = n->peer_window_frame < frame ? mark_of(m, n->peer_window_frame) : 0;
        bool full = back >= FRAMES_BACK_FULL || !(peer_mark & MARK_KEPT) || (peer_mark & 0xffff) != n->peer_raw;
        overrun_figures o = { { (uint16_t)n->in_flight, (uint16_t)(n->in_flight >> 16) },
                              (uint16_t)(full ? FRAMES_BACK_FULL : back) };
        if (!ss_frame_log_add(m->overruns, frame, &o))
            return false;
        if (full) {
            overrun_full f = { n->peer_window_frame, n->peer_raw };
            ss_frame_log_add(m->overruns_full, frame, &f);
        }
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
                                        ((uint32_t)(n->min_shift + 1) << MARK_SHIFT_SHIFT) |
                                        (n->overrun ? (uint32_t)n->peer_min_shift << MARK_PEER_SHIFT_SHIFT : 0) | n->raw;
    return true;
}

bool ss_window_marks_get(const ss_window_marks *m, uint32_t frame, ss_window_note *n, bool *starts_conn)
{
    uint32_t mark = mark_of(m, frame);
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
        n->in_flight = o.in_flight[0] | (uint32_t)o.in_flight[1] << 16;
        n->peer_min_shift = (int8_t)((mark >> MARK_PEER_SHIFT_SHIFT) & 0xf);
        if (o.peer_frames_back == FRAMES_BACK_FULL) {
            overrun_full f;
            memcpy(&f, ss_frame_log_find(m->overruns_full, frame), sizeof f);
            n->peer_window_frame = f.peer_window_frame;
            n->peer_raw = f.peer_raw;
        } else {
            n->peer_window_frame = frame - o.peer_frames_back;
            n->peer_raw = (uint16_t)(mark_of(m, n->peer_window_frame) & 0xffff);
        }
    }
    return true;
}

size_t ss_window_marks_bytes(const ss_window_marks *m)
{
    return m->allocated * BLOCK_FRAMES * sizeof(uint32_t) + m->blocks->len * sizeof(gpointer) +
           ss_frame_log_bytes(m->overruns) + ss_frame_log_bytes(m->overruns_full);
}
