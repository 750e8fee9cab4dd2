/* analysis.h - feeds each segment to the analyses and collects what they
 * say about the frame. Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ANALYSIS_H
#define SYNSIGHT_ANALYSIS_H

#include "attempts.h"
#include "causes.h"
#include "refusals.h"
#include "window.h"
#include "segment.h"

/* A frame that is a copy of a packet captured before (copies.h). */
typedef struct ss_copy {
    uint32_t of;                /* the frame it copies; 0: not a copy */
    int32_t  apart_ns;          /* this frame's time less that one's (less than SS_COPY_STRONG_NS either way) */
} ss_copy;

/* Everything synsight knows about one frame after the first pass. Pointers
 * lead into the trackers, whose objects keep growing until the capture
 * ends: a renderer reads them as "final" on later passes. */
typedef struct ss_frame_result {
    ss_attempt_note attempt;
    ss_refusal_note refusal;
    ss_window_note window;
    const ss_flood *flood;      /* final view, a first SYN: the flood summary it carries, or NULL */
    ss_copy  copy;              /* a copy of a packet captured before (copies.h); the analyses did not see
                                 * this one */
    const struct ss_attempt_causes *causes;     /* final view, a SYN or outcome frame of an attempt worth
                                                 * showing, and a challenge ACK: why it went as it did, or NULL */
    ss_synack_train synack_train;   /* final view, a retransmitted SYN/ACK: its train as the capture ends */
} ss_frame_result;

/* Why an attempt went as it did, as the whole capture shows it (final
 * view; ss_analysis_causes). */
typedef struct ss_attempt_causes {
    unsigned read;              /* the parts read (SS_CAUSE_*): the others are zero, not "none" */
    ss_stack_reading stack;     /* whose stack sent the SYNs, and when it gives up */
    ss_give_up_reading gave_up; /* an unanswered attempt whose SYNs stopped early: who ended it */
    uint32_t port_answered;     /* the server endpoint's SYN/ACK to another client nearest the frame asked
                                 * about, while the attempt waited; 0 none (or not asked: answered at once) */
    uint32_t earlier_connection;/* a challenge ACK's attempt: the first SYN of the connection the server
                                 * still held on the 4-tuple, if the capture has it; 0 none */
} ss_attempt_causes;

/* Why a capture holds copies of its packets, as far as it shows. */
typedef enum ss_copy_cause {
    SS_COPIES_NONE = 0,
    SS_COPIES_ANY_INTERFACE,    /* a Linux cooked capture (`-i any`): a packet crossing a bridge, veth or
                                 * tunnel is seen on each interface */
    SS_COPIES_INTERFACES,       /* the file holds several interfaces (dumpcap -i A -i B, or merged files) */
    SS_COPIES_MERGED,           /* copies far apart on one interface: captures of two points merged */
    SS_COPIES_MIRROR,           /* copies microseconds apart on one interface: a mirror port copying both
                                 * ports of a link, or a capture on a bridge and its port */
} ss_copy_cause;

/* What the capture as a whole says, for sentences in the final view. */
typedef struct ss_capture_facts {
    bool only_tcp;              /* every frame was TCP: a capture filter may have dropped ICMP */
    int64_t end_ns;             /* the latest time any frame carries: when the capture ended, as far as
                                 * synsight can know (0 before any frame) */
    bool one_direction;         /* the capture holds one direction of its connections: a missing reply
                                 * proves nothing */
    uint32_t copies;            /* frames that are copies of a packet captured before (copies.h) */
    uint32_t first_copy;        /* the first of them: where the capture's note goes */
    ss_copy_cause copy_cause;
    int64_t  copy_apart_max_ns; /* the farthest a copy is from its original */
    uint32_t late_frames;       /* frames earlier in time than a frame before them in the file */
    uint32_t first_late_frame;  /* the first of them: where the capture's note goes */
    int64_t  first_late_by_ns;  /* how much earlier than the latest frame before it */
    uint32_t cut_quotes;        /* ICMP errors whose quote the snaplen cut (ss_icmp_quote_cut) */
    uint32_t first_cut_quote;   /* the first of them: where the capture's note goes */
    uint32_t snaplen;           /* its captured bytes: the capture's snaplen */
} ss_capture_facts;

typedef struct ss_analysis ss_analysis;

/* Whether frame carries a note on how the capture was taken: the first frame
 * out of time order, the first ICMP quote the snaplen cut. */
bool ss_analysis_capture_note_at(const ss_analysis *an, uint32_t frame);

ss_analysis *ss_analysis_new(void);
void ss_analysis_free(ss_analysis *an);

/* Feeds every frame (in capture order; seg->kind is SS_SEG_NONE for a frame
 * with nothing to read); returns true when the frame has a finding, with
 * *out filled. */
bool ss_analysis_feed(ss_analysis *an, const ss_segment *seg, ss_frame_result *out);

ss_capture_facts ss_analysis_facts(const ss_analysis *an);

/* Why a capture holds copies, for sentences and the attempts table: "a
 * Linux capture on any interface (-i any) of a host ...". */
const char *ss_copy_cause_text(ss_copy_cause c);

/* What frame copies ({0} when it is not a copy). */
ss_copy ss_analysis_copy_of(const ss_analysis *an, uint32_t frame);

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

/* What ss_analysis_causes reads: each costs, so only what the frame shows. */
#define SS_CAUSE_STACK   0x1    /* the stack (reads the SYN train) */
#define SS_CAUSE_GAVE_UP 0x2    /* who gave up (with the stack; looks at the attempts around) */
#define SS_CAUSE_PORT    0x4    /* whether the port answered others */
#define SS_CAUSE_OLDER   0x8    /* a challenge ACK's older connection */
#define SS_CAUSE_ALL     0xf    /* everything: an attempt's row, its first SYN */

/* Once every frame has been fed: why attempt a went as it did, read for
 * the frame at time_ns (its SYN or outcome frame); what (SS_CAUSE_*) says
 * which parts are read, the others left zero. */
void ss_analysis_causes(const ss_analysis *an, const ss_attempt *a, int64_t time_ns, unsigned what,
                        ss_attempt_causes *out);

/* Once every frame has been fed: the SYN/ACK train a retransmitted
 * SYN/ACK's note names. */
bool ss_analysis_synack_train(const ss_analysis *an, const ss_attempt_note *note, ss_synack_train *out);

/* The same for the attempt whose first SYN is first_frame (the attempts
 * table); false when there is none. */
bool ss_analysis_attempt_causes(const ss_analysis *an, uint32_t first_frame, ss_attempt_causes *out);

/* Whether an attempt's SYNs look for a listener that answered others: it
 * went unanswered, or was answered only after retries. */
bool ss_attempt_waited(const ss_attempt *a, int64_t capture_end_ns);

/* Once every frame has been fed: the flood summary whose first lone SYN is
 * frame (see ss_attempts_floods; min_sources 0: none), or NULL. Computed
 * once per capture end and threshold. */
const ss_flood *ss_analysis_flood_at(ss_analysis *an, uint32_t frame, uint32_t min_sources);

#endif
