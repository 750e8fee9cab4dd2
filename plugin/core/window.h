/* window.h - window values misread because the handshake is missing
 *
 * A capture that starts after the SYN and SYN/ACK cannot know the window
 * scale: every window is raw. Data that a sender puts beyond the peer's
 * last ACK + raw window proves the window is scaled, and bounds the shift:
 * shift >= ceil(log2(in flight / raw window)). Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_WINDOW_H
#define SYNSIGHT_WINDOW_H

#include "segment.h"

#define SS_MAX_WSCALE 14        /* RFC 7323 §2.3 */

typedef struct ss_window_note {
    bool     scale_unknown;     /* a segment of a connection whose handshake is not in the capture */
    bool     first_in_direction;/* the first such segment from this sender */
    uint16_t raw;               /* this segment's window field, unscaled */
    int8_t   min_shift;         /* proven lower bound on the sender's shift; -1 before any evidence */
    bool     overrun;           /* data beyond the peer's last ACK + raw window */
    uint32_t in_flight;         /* overrun: bytes from the peer's last ACK to this segment's end */
    uint16_t peer_raw;          /* overrun: the peer's raw window */
    uint32_t peer_window_frame; /* overrun: the frame that advertised it */
    int8_t   peer_min_shift;    /* overrun: the peer's bound after this segment */
    bool     one_sided;         /* a SYN/ACK completing a handshake where only one side offered scaling */
} ss_window_note;

/* Whether a note carries anything: a segment of a connection without
 * handshake, or a one-sided window-scale offer. */
bool ss_window_note_present(const ss_window_note *n);

typedef struct ss_windows ss_windows;

ss_windows *ss_windows_new(void);
void ss_windows_free(ss_windows *w);

/* Feeds one TCP segment in capture order. */
void ss_windows_add_tcp(ss_windows *w, const ss_segment *seg, ss_window_note *note);

/* The smallest shift k with in_flight <= raw << k (0 when raw covers it,
 * SS_MAX_WSCALE + 1 when no shift does). */
int ss_window_shift_needed(uint32_t in_flight, uint16_t raw);

#endif
