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

#include "conns.h"
#include "segment.h"

#define SS_MAX_WSCALE 14        /* RFC 7323 §2.3 */

/* Which sides of one connection (one use of a 4-tuple) the capture holds:
 * sides are indexed as ss_conn_key's direction. 12 bytes. */
typedef struct ss_conn_sides {
    uint32_t conn;              /* the connection record (ss_conns_at) */
    uint32_t first_frame;
    uint8_t  first_dir;         /* the first frame's direction */
    uint8_t  seen;              /* bit (1 << side): a segment from that side */
    uint8_t  beyond_syn;        /* bit (1 << side): a segment from that side that is not a bare SYN */
} ss_conn_sides;

/* The first frame's sender -> receiver, conn being the sides' record. */
ss_tuple ss_conn_sides_tuple(const ss_conn *conn, const ss_conn_sides *sides);

/* A segment from each side. */
bool ss_conn_both_directions(const ss_conn_sides *sides);

/* Every captured frame of the connection comes from one side, and that side
 * sent more than SYNs: the capture holds one direction (a capture filter on
 * one host, asymmetric routing, a mirror port carrying one direction). A
 * train of unanswered SYNs alone is an unanswered attempt, not this. */
bool ss_conn_one_direction(const ss_conn_sides *sides);

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
    const ss_conn_sides *sides; /* the connection's first frame: its sides (final once the capture ended) */
    const ss_conn *conn;        /* with sides: their connection record */
} ss_window_note;

/* Whether a note carries anything: a segment of a connection without
 * handshake, a one-sided window-scale offer, or a connection's first frame
 * (whose sides the final view reads). */
bool ss_window_note_present(const ss_window_note *n);

typedef struct ss_windows ss_windows;

/* The sides of the n-th connection (in order of first frame), or NULL. */
const ss_conn_sides *ss_windows_sides_at(const ss_windows *w, uint32_t n);

/* The sides of the connection whose first frame is frame, or NULL. */
const ss_conn_sides *ss_windows_sides_starting_at(const ss_windows *w, uint32_t frame);

/* An analysis with connection records of its own (the unit tests), or
 * kept in conns, shared with the other analyses (not owned). */
ss_windows *ss_windows_new(void);
ss_windows *ss_windows_new_in(ss_conns *conns);
void ss_windows_free(ss_windows *w);

/* Feeds one TCP segment in capture order. Claims nothing that needs the
 * peer's ACKs when the capture holds one direction: no overrun and no bound
 * without them. */
void ss_windows_add_tcp(ss_windows *w, const ss_segment *seg, ss_window_note *note);
/* The same, with the segment's connection record already found (conn, its
 * number conn_ref and the segment's direction dir, from the analysis'
 * conns: ss_conns_get_ref). */
void ss_windows_add_tcp_in(ss_windows *w, ss_conn *conn, uint32_t conn_ref, int dir, const ss_segment *seg,
                           ss_window_note *note);

/* Every connection seen so far that went beyond SYNs was seen one direction
 * only, and none in both: the capture as a whole holds one direction. */
bool ss_windows_one_direction_only(const ss_windows *w);

/* The smallest shift k with in_flight <= raw << k (0 when raw covers it,
 * SS_MAX_WSCALE + 1 when no shift does). */
int ss_window_shift_needed(uint32_t in_flight, uint16_t raw);

#endif
