/* analysis.h - feeds each segment to the analyses and collects what they
 * say about the frame. Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ANALYSIS_H
#define SYNSIGHT_ANALYSIS_H

#include "attempts.h"
#include "refusals.h"
#include "window.h"
#include "segment.h"

/* Everything synsight knows about one frame after the first pass. Pointers
 * lead into the trackers, whose objects keep growing until the capture
 * ends: a renderer reads them as "final" on later passes. */
typedef struct ss_frame_result {
    ss_attempt_note attempt;
    ss_refusal_note refusal;
    ss_window_note window;
    const ss_flood *flood;      /* final view, a first SYN: the flood summary it carries, or NULL */
} ss_frame_result;

/* What the capture as a whole says, for sentences in the final view. */
typedef struct ss_capture_facts {
    bool only_tcp;              /* every frame was TCP: a capture filter may have dropped ICMP */
    int64_t end_ns;             /* the latest time any frame carries: when the capture ended, as far as
                                 * synsight can know (0 before any frame) */
    bool one_direction;         /* the capture holds one direction of its connections: a missing reply
                                 * proves nothing */
} ss_capture_facts;

typedef struct ss_analysis ss_analysis;

ss_analysis *ss_analysis_new(void);
void ss_analysis_free(ss_analysis *an);

/* Feeds every frame (in capture order; seg->kind is SS_SEG_NONE for a frame
 * with nothing to read); returns true when the frame has a finding, with
 * *out filled. */
bool ss_analysis_feed(ss_analysis *an, const ss_segment *seg, ss_frame_result *out);

ss_capture_facts ss_analysis_facts(const ss_analysis *an);

/* Bytes the analyses hold outside malloc (pages mapped from the system):
 * what a heap figure leaves out. */
size_t ss_analysis_mapped_bytes(const ss_analysis *an);

/* Whether ss_analysis_feed found anything in frame: the frames without
 * (nearly all) are told apart from the others with one bit each. (Frames
 * fed out of order make every frame "maybe": look it up.) */
bool ss_analysis_frame_noted(const ss_analysis *an, uint32_t frame);

/* Per-frame storage of a frame's attempt note: most notes are kept here in
 * no more than eight bytes (true); the caller keeps the others itself
 * (false). seen (or NULL) is the frame's addresses and ports as the caller
 * will give them again to ss_analysis_kept_attempt: a retransmitted SYN
 * whose seen is its segment's tuple keeps no bytes, its attempt is found
 * again from them. */
bool ss_analysis_keep_attempt(ss_analysis *an, uint32_t frame, const ss_attempt_note *note, const ss_tuple *seen);
/* The note ss_analysis_keep_attempt kept for frame, if any; seen (or
 * NULL) as it was given to it. */
bool ss_analysis_kept_attempt(const ss_analysis *an, uint32_t frame, const ss_tuple *seen, ss_attempt_note *note);

/* Per-frame storage of a frame's window note: most notes are kept here in
 * no more than four bytes (true); the caller keeps the others itself
 * (false). */
bool ss_analysis_keep_window(ss_analysis *an, uint32_t frame, const ss_window_note *note);
/* The note ss_analysis_keep_window kept for frame, with its sides, if any. */
bool ss_analysis_kept_window(const ss_analysis *an, uint32_t frame, ss_window_note *note);

/* Once every frame has been fed: the flood summary whose first lone SYN is
 * frame (see ss_attempts_floods; min_sources 0: none), or NULL. Computed
 * once per capture end and threshold. */
const ss_flood *ss_analysis_flood_at(ss_analysis *an, uint32_t frame, uint32_t min_sources);

#endif
