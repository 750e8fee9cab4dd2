/* window_marks.h - window notes kept in four bytes a frame
 *
 * Nearly every window note says no more than: scale unknown or not, the
 * raw window, the proven shift bound, whether this is the sender's first
 * such segment, and whether this frame starts its connection (whose sides
 * the final view reads). That fits in 32 bits. Kept per frame in blocks of
 * consecutive frames, allocated only where such notes are, a long
 * connection seen mid-stream costs four bytes a segment, not a stored
 * note's ~90. An overrun's figures take 6 more bytes, in a log of their
 * own: the bytes in flight, and how many frames back the peer advertised
 * its window (whose own mark holds the window); the peer's bound goes in
 * the mark. A note with a one-sided offer (once per connection) does not
 * fit: its frame keeps the whole note (the caller's job).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_WINDOW_MARKS_H
#define SYNSIGHT_WINDOW_MARKS_H

#include "window.h"

/* Whether the note fits in a mark: no one-sided offer, bounds in range.
 * (The peer's bound is kept with an overrun only: nothing reads it
 * without one.) */
bool ss_window_note_fits_mark(const ss_window_note *note);

typedef struct ss_window_marks ss_window_marks;

ss_window_marks *ss_window_marks_new(void);
void ss_window_marks_free(ss_window_marks *marks);

/* Keeps a note that fits (ss_window_note_fits_mark) for frame (>= 1), in
 * frame order; false (nothing kept) for a frame before the last one kept
 * with an overrun. */
bool ss_window_marks_put(ss_window_marks *marks, uint32_t frame, const ss_window_note *note);

/* The note kept for frame, without its sides: *starts_conn says that the
 * frame started its connection (the caller finds the sides). False when
 * none was kept. */
bool ss_window_marks_get(const ss_window_marks *marks, uint32_t frame, ss_window_note *note, bool *starts_conn);

/* Bytes held (the unit tests check that blocks exist only where marks are). */
size_t ss_window_marks_bytes(const ss_window_marks *marks);

#endif
