/* attempts.h - connection attempts, SYN retries and how each attempt ended
 *
 * An attempt is the SYNs from one endpoint to another with the same ISN.
 * Segments must be fed in capture order; the tracker keeps every attempt
 * until ss_attempts_free() so that per-frame notes can point at them and a
 * second pass can read the final picture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ATTEMPTS_H
#define SYNSIGHT_ATTEMPTS_H

#include <glib.h>

#include "announce.h"
#include "conns.h"
#include "segment.h"

typedef enum ss_outcome {
    SS_OUTCOME_OPEN = 0,        /* nothing yet; at the end of the capture: unanswered or pending */
    SS_OUTCOME_ANSWERED,
    SS_OUTCOME_REFUSED_RST,
    SS_OUTCOME_REFUSED_ICMP,
    SS_OUTCOME_SUPERSEDED,
    /* what an open attempt is once the capture has ended (ss_attempt_final_outcome) */
    SS_OUTCOME_UNANSWERED,      /* retried, or watched for at least the smallest RTO */
    SS_OUTCOME_PENDING,         /* one SYN, and the capture ended before any retry was due */
} ss_outcome;

/* What proves an attempt was answered. */
typedef enum ss_answer_evidence {
    SS_EVIDENCE_NONE = 0,
    SS_EVIDENCE_SYNACK,         /* the server's SYN/ACK (ack = ISN + 1) */
    SS_EVIDENCE_CLIENT_ACK,     /* the client's ACK, data or FIN with seq = ISN + 1: it got a SYN/ACK */
    SS_EVIDENCE_CLIENT_RST,     /* the client's RST with seq = ISN + 1: it rejected a SYN/ACK (a scanner) */
    SS_EVIDENCE_SERVER_ACK,     /* a later server segment acknowledging ISN + 1 */
} ss_answer_evidence;

/* The smallest initial retransmission timeout (RFC 6298 section 2): an
 * attempt watched for less than this after its only SYN is too young to
 * call unanswered. */
#define SS_MIN_RTO_NS SS_NS_PER_SEC

typedef enum ss_schedule {
    SS_SCHEDULE_NONE = 0,       /* fewer than two gaps: nothing to classify */
    SS_SCHEDULE_EXPONENTIAL,
    SS_SCHEDULE_LINEAR_THEN_EXPONENTIAL,
    SS_SCHEDULE_LINEAR,
    SS_SCHEDULE_IRREGULAR,
} ss_schedule;

/* One SYN of an attempt: 16 bytes (frame numbers below 2^31, far more
 * frames than Wireshark can hold). */
typedef struct ss_syn {
    int64_t  time_ns;
    uint32_t frame : 31;
    uint32_t has_ts : 1;
    uint32_t tsval;
} ss_syn;

/* A later SYN in 8 bytes, as nearly every train fits: offsets from the
 * first SYN. Its time in whole microseconds after the first SYN's (fewer
 * than 2^28: 4.4 minutes), its frame fewer than 2^24 frames after, and its
 * TSval within -1,024 .. 1,023 of the first SYN's plus the milliseconds
 * between them (a clock of 1 kHz, as Linux, the BSDs and macOS run theirs;
 * without timestamps, within that of 0). Read through ss_attempt_syn. */
typedef struct ss_syn_packed {
    uint64_t after_us : 28;
    uint64_t frames_after : 24;
    uint64_t has_ts : 1;
    uint64_t tsval_skew : 11;   /* two's complement: the TSval less ss_syn_packed_tsval_base */
} ss_syn_packed;

/* A later SYN in 12 bytes: its time as whole microseconds after the first
 * SYN's, less than 2^32 of them (71 minutes). Every capture with
 * microsecond timestamps (pcap, pcapng's default) gives such times. */
typedef struct ss_syn_us {
    uint32_t after_us;
    uint32_t frame : 31;
    uint32_t has_ts : 1;
    uint32_t tsval;
} ss_syn_us;

/* How an attempt keeps its later SYNs: the narrowest form that holds every
 * one of them exactly. The first SYN that does not fit turns them all into
 * the next form that holds it: ss_syn (16 bytes) holds anything. */
typedef enum ss_syn_form {
    SS_SYN_FORM_PACKED = 0,     /* ss_syn_packed */
    SS_SYN_FORM_US,             /* ss_syn_us */
    SS_SYN_FORM_NS,             /* ss_syn */
} ss_syn_form;

/* What few attempts have (a reused 4-tuple, a crossing SYN, an announced
 * port): kept in front of their later SYNs, not in every attempt. */
typedef struct ss_attempt_rare {
    const ss_announcement *announced;   /* the message that handed out the server's endpoint before the
                                         * first SYN, or NULL */
    uint32_t superseded_by;     /* first SYN of the attempt that replaced this one */
    uint32_t crossed_by;        /* the other end's SYN that crossed this attempt's SYN, 0 if none */
    /* TCP Fast Open (RFC 7413): data in a SYN */
    uint32_t syn_data_frame;    /* the latest SYN that carried data, 0 if none */
    uint32_t syn_data_len : 31; /* its payload bytes */
    uint32_t syn_data_ignored : 1;  /* the SYN/ACK answering it acknowledged ISN + 1 only */
    /* later SYNs without what the first carried (SS_SYN_*): options a stack
     * drops from its late retries, ECN dropped after a lost ECN-setup SYN */
    uint16_t lost_from;         /* the first SYN (index) that lacked any, 0 none */
    uint8_t  latest_lost;       /* what the latest SYN lacked */
    uint8_t  answered_lost;     /* what the SYN the SYN/ACK answered lacked: the connection runs without it */
    /* a server that still holds an older connection on the 4-tuple (RFC 5961 section 4) */
    uint32_t challenge_ack;     /* its ACK for the older connection, answering a SYN; 0 none */
    uint32_t challenged_syn;    /* that SYN */
    uint32_t challenge_rst;     /* the client's RST for the ACK, which clears the older connection; 0 none */
} ss_attempt_rare;

/* What a SYN carries, as one attempt's SYNs are compared (ss_syn_carries). */
#define SS_SYN_WS   0x01        /* window scale option */
#define SS_SYN_SACK 0x02        /* SACK-permitted option */
#define SS_SYN_ECN  0x04        /* an ECN-setup SYN: ECE and CWR set (RFC 3168 section 6.1.1) */
#define SS_SYN_TS   0x08        /* timestamps option (an attempt keeps it with each SYN: has_ts) */
#define SS_SYN_OPTIONS (SS_SYN_WS | SS_SYN_TS | SS_SYN_SACK)

static inline unsigned ss_syn_carries(const ss_segment *seg)
{
    return (seg->wscale >= 0 ? SS_SYN_WS : 0) | (seg->has_ts ? SS_SYN_TS : 0) | (seg->sack_perm ? SS_SYN_SACK : 0) |
           ((seg->flags & (SS_TCP_ECE | SS_TCP_CWR)) == (SS_TCP_ECE | SS_TCP_CWR) ? SS_SYN_ECN : 0);
}

/* The frame that ended an attempt: kept only once there is one, after the
 * rare part, so that the unanswered attempts of a flood or a scan do not
 * carry it. */
typedef struct ss_attempt_end {
    int64_t  time_ns;
    uint32_t frame;             /* SYN/ACK, RST or ICMP error that ended it, or the segment that proves an
                                 * answer */
} ss_attempt_end;

/* An attempt holds at most this many SYNs: a SYN past them, with the
 * same ISN still, opens a new attempt (sixteen thousand SYNs of one
 * endpoint to one server with one ISN: a replay loop, not a client). */
#define SS_ATTEMPT_MAX_SYNS ((UINT32_C(1) << 14) - 1)

/* One attempt, in 40 bytes: the first SYN inline; the rare part, the end
 * and the later SYNs (if any of them) in a block of their own; the
 * addresses and ports in the connection record. Its number is where the
 * tracker keeps it (ss_attempts_get), known to whoever found it, not kept
 * in it. */
typedef struct ss_attempt {
    const ss_conn *conn;        /* its connection record, whose key runs in ss_conn_key's direction */
    ss_syn   first_syn;         /* SYN 0; read every SYN with ss_attempt_syn */
    void    *more;              /* the rare part if has_rare, the end if has_end, then SYNs 1 .. syn_count - 1
                                 * (in syn_form); NULL for one SYN and neither part */
    uint32_t isn;
    uint32_t syn_count : 14;    /* at most SS_ATTEMPT_MAX_SYNS */
    uint32_t first_carries : 3; /* what the first SYN carried besides timestamps (SS_SYN_WS, SACK, ECN) */
    uint32_t first_layout : 3;  /* the first SYN's option layout (ss_syn_layout) */
    uint32_t syns_unordered : 1;    /* a SYN was fed after a later one (a file out of time order):
                                     * the SYNs stay in time order, their frames no longer rise */
    uint32_t outcome : 3;       /* ss_outcome */
    uint32_t evidence : 3;      /* ss_answer_evidence; ANSWERED: what proves it */
    uint32_t reversed : 1;      /* client -> server runs against the key */
    uint32_t syn_form : 2;      /* ss_syn_form of the later SYNs */
    uint32_t has_rare : 1;      /* more starts with an ss_attempt_rare */
    uint32_t has_end : 1;       /* an ss_attempt_end follows it */
} ss_attempt;

/* Bytes of the block before the later SYNs: the parts the attempt has. */
static inline size_t ss_attempt_parts_bytes(const ss_attempt *a)
{
    return (a->has_rare ? sizeof(ss_attempt_rare) : 0) + (a->has_end ? sizeof(ss_attempt_end) : 0);
}

static inline const ss_attempt_rare *ss_attempt_rare_part(const ss_attempt *a)
{
    return a->has_rare ? (const ss_attempt_rare *)a->more : NULL;
}

static inline const ss_attempt_end *ss_attempt_end_part(const ss_attempt *a)
{
    return a->has_end ? (const ss_attempt_end *)((const unsigned char *)a->more +
                                                 (a->has_rare ? sizeof(ss_attempt_rare) : 0))
                      : NULL;
}

/* The message that handed out the server's endpoint before the first SYN, or NULL. */
static inline const ss_announcement *ss_attempt_announced(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->announced : NULL;
}

/* First SYN of the attempt that replaced this one, 0 if none. */
static inline uint32_t ss_attempt_superseded_by(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->superseded_by : 0;
}

/* The other end's SYN that crossed this attempt's SYN, 0 if none. */
static inline uint32_t ss_attempt_crossed_by(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->crossed_by : 0;
}

/* Payload bytes of the latest SYN that carried data (TCP Fast Open), 0 if none. */
static inline uint32_t ss_attempt_syn_data_len(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->syn_data_len : 0;
}

/* Whether the SYN/ACK answered a SYN's data by acknowledging ISN + 1 only:
 * the server ignored it (no or a stale TFO cookie), and the client sends it
 * again after the handshake. */
static inline bool ss_attempt_syn_data_ignored(const ss_attempt *a)
{
    return a->has_rare && ss_attempt_rare_part(a)->syn_data_ignored;
}

/* What the attempt's first SYN carried (SS_SYN_*). */
static inline unsigned ss_attempt_first_carries(const ss_attempt *a)
{
    return a->first_carries | (a->first_syn.has_ts ? SS_SYN_TS : 0);
}

/* What the SYN the SYN/ACK answered lacked of the first SYN's (SS_SYN_*):
 * the connection runs without those options, or without ECN. */
static inline unsigned ss_attempt_answered_lost(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->answered_lost : 0;
}

/* Whether the attempt's first SYN asked for ECN and the SYN that was
 * answered did not: a path that drops ECN-setup SYNs, and a client that
 * fell back (Linux tcp_ecn_fallback, RFC 3168 section 6.1.1.1). */
static inline bool ss_attempt_ecn_fallback(const ss_attempt *a)
{
    return a->outcome == SS_OUTCOME_ANSWERED && (ss_attempt_answered_lost(a) & SS_SYN_ECN);
}

/* The server's ACK for an older connection that answered one of the
 * attempt's SYNs (a challenge ACK), 0 if none. */
static inline uint32_t ss_attempt_challenge_ack(const ss_attempt *a)
{
    return a->has_rare ? ss_attempt_rare_part(a)->challenge_ack : 0;
}

/* Whether ack acknowledges the attempt's SYN: ISN + 1, or ISN + 1 + its
 * data where a SYN carried data (RFC 7413 section 4.2). The one test of
 * every SYN/ACK, server ACK and RST; a client's own seq after the SYN is
 * read the same way. */
static inline bool ss_attempt_acks_syn(const ss_attempt *a, uint32_t ack)
{
    return ack == a->isn + 1 || (ss_attempt_syn_data_len(a) && ack == a->isn + 1 + ss_attempt_syn_data_len(a));
}

/* The frame that ended the attempt (a refusal the client then ignored
 * included), 0 if none; and its time. */
static inline uint32_t ss_attempt_outcome_frame(const ss_attempt *a)
{
    return a->has_end ? ss_attempt_end_part(a)->frame : 0;
}

static inline int64_t ss_attempt_outcome_time_ns(const ss_attempt *a)
{
    return a->has_end ? ss_attempt_end_part(a)->time_ns : 0;
}

/* What a packed later SYN's TSval is kept against: the first SYN's plus
 * the milliseconds between them, when both carry timestamps; else 0. */
static inline uint32_t ss_syn_packed_tsval_base(const ss_attempt *a, uint32_t after_us, bool has_ts)
{
    return has_ts && a->first_syn.has_ts ? a->first_syn.tsval + after_us / 1000 : 0;
}

/* SYN i (< syn_count) of the attempt. */
static inline ss_syn ss_attempt_syn(const ss_attempt *a, uint32_t i)
{
    if (i == 0)
        return a->first_syn;
    const void *later = (const unsigned char *)a->more + ss_attempt_parts_bytes(a);
    ss_syn s;
    switch (a->syn_form) {
    case SS_SYN_FORM_PACKED: {
        const ss_syn_packed *p = (const ss_syn_packed *)later + (i - 1);
        uint32_t after_us = (uint32_t)p->after_us;
        /* unsigned: exact, however far apart (ss_attempts' append_syn) */
        s.time_ns = (int64_t)((uint64_t)a->first_syn.time_ns + (uint64_t)after_us * 1000);
        s.frame = a->first_syn.frame + (uint32_t)p->frames_after;
        s.has_ts = p->has_ts;
        /* the 11-bit skew sign-extended, added modulo 2^32 */
        s.tsval = ss_syn_packed_tsval_base(a, after_us, p->has_ts) + ((uint32_t)p->tsval_skew ^ 0x400u) - 0x400u;
        return s;
    }
    case SS_SYN_FORM_US: {
        const ss_syn_us *u = (const ss_syn_us *)later + (i - 1);
        s.time_ns = (int64_t)((uint64_t)a->first_syn.time_ns + (uint64_t)u->after_us * 1000);
        s.frame = u->frame;
        s.has_ts = u->has_ts;
        s.tsval = u->tsval;
        return s;
    }
    default:
        return ((const ss_syn *)later)[i - 1];
    }
}

typedef struct ss_attempts ss_attempts;

/* Records the message that announced the server's endpoint (not NULL). */
void ss_attempt_set_announced(ss_attempts *tracker, ss_attempt *a, const ss_announcement *announced);

/* The attempt's addresses and ports, client -> server. */
ss_tuple ss_attempt_tuple(const ss_attempt *a);

typedef enum ss_attempt_role {
    SS_ROLE_NONE = 0,
    SS_ROLE_SYN,                /* a SYN of the attempt (index syn_index) */
    SS_ROLE_OUTCOME,            /* the frame that ended the attempt */
} ss_attempt_role;

/* What one frame is in the attempt picture. */
typedef struct ss_attempt_note {
    ss_attempt_role role;
    ss_attempt *attempt;
    uint32_t syn_index;         /* SS_ROLE_SYN: 0 for the original SYN */
    bool     opener_moved;      /* SS_ROLE_SYN: this SYN, fed after the attempt's first, is earlier
                                 * in time and now opens it (syn_index 0) */
    uint32_t answers;           /* SS_ROLE_OUTCOME: the SYN this frame answers or refuses */
    uint32_t crosses;           /* SYN crossing the other end's SYN (simultaneous open): that frame */
    ss_attempt *supersedes;     /* first SYN of a new attempt: the open attempt it ended, or NULL */
    uint32_t synack_retry;      /* retransmitted SYN/ACK: 1, 2, ... */
    int64_t  synack_gap_ns;     /* time since the previous SYN/ACK */
    uint32_t synack_acked_by;   /* retransmitted SYN/ACK: the client's ACK of it, captured before, 0 none */
    const ss_conn *synack_conn; /* retransmitted SYN/ACK: its connection, for ss_attempts_synack_train */
    uint8_t  synack_dir;        /* ... and its direction */
    uint8_t  options_dropped;   /* SS_ROLE_SYN: what the attempt's first SYN carried and this lacks (SS_SYN_*) */
    uint32_t challenge_of;      /* a server's ACK for an older connection, answering a SYN: that SYN; attempt
                                 * is the SYN's (role SS_ROLE_NONE) */
} ss_attempt_note;

/* Whether a note carries anything (a role, a SYN/ACK retry, a crossing
 * SYN). A first SYN counts: whether it is shown is decided later. */
bool ss_attempt_note_present(const ss_attempt_note *n);

/* A note that is only a role in one attempt (a SYN and its index, or the
 * outcome and the SYN it answers; no crossing SYN, no superseded attempt,
 * no SYN/ACK retry), as nearly every note is, in eight bytes. */
typedef struct ss_attempt_mark {
    uint32_t attempt_id;
    uint32_t role_and_index;    /* top bit: SS_ROLE_OUTCOME; the rest: syn_index or answers */
} ss_attempt_mark;

/* The mark of a note made by the frame just fed, if it fits in one (its
 * attempt's number is read as its side's latest, which it then is). */
bool ss_attempt_note_to_mark(const ss_attempts *tracker, const ss_attempt_note *note, ss_attempt_mark *mark);
/* The note a mark stands for. */
void ss_attempts_note_from_mark(const ss_attempts *tracker, ss_attempt_mark mark, ss_attempt_note *note);
/* The note of SYN syn_index of attempt a. */
void ss_attempt_note_of_syn(ss_attempt *a, uint32_t syn_index, ss_attempt_note *note);

/* A tracker with connection records of its own (the unit tests), or kept
 * in conns, shared with the other analyses (not owned). */
ss_attempts *ss_attempts_new(void);
ss_attempts *ss_attempts_new_in(ss_conns *conns);
void ss_attempts_free(ss_attempts *tracker);

/* Feeds one TCP segment; fills *note (zeroed when the frame plays no part). */
void ss_attempts_add_tcp(ss_attempts *tracker, const ss_segment *seg, ss_attempt_note *note);
/* The same, with the segment's connection record already found (conn, and
 * the segment's direction dir, from the tracker's conns). */
void ss_attempts_add_tcp_in(ss_attempts *tracker, ss_conn *conn, int dir, const ss_segment *seg,
                            ss_attempt_note *note);

/* A server's SYN/ACKs with one ISN, and what the client answered. */
typedef struct ss_synack_train {
    uint32_t retries;           /* retransmissions */
    int64_t  last_ns;
    uint32_t acked_by;          /* the client's first ACK of it (ack = its ISN + 1), 0 none */
    uint32_t data_by;           /* the client's first segment with data acknowledging it, 0 none */
    int64_t  data_ns;
} ss_synack_train;

/* The SYN/ACK train the server (direction dir of conn) sent last; false
 * when it sent none. */
bool ss_attempts_synack_train(const ss_attempts *tracker, const ss_conn *conn, int dir, ss_synack_train *out);

/* What an ICMP error quoting a TCP segment does to the attempts. */
typedef enum ss_icmp_match {
    SS_ICMP_NO_ATTEMPT = 0,     /* no attempt in the capture with the quoted addresses and ports */
    SS_ICMP_OTHER_ISN,          /* the quoted sequence number is not the latest attempt's ISN */
    SS_ICMP_ENDS_ATTEMPT,       /* it refuses the attempt: *note is its outcome frame */
    SS_ICMP_TOO_LATE,           /* the attempt was answered or superseded before it */
} ss_icmp_match;

/* An ICMP error that quotes a SYN of an attempt (tuple client -> server,
 * quoted sequence number = ISN, as Linux checks) refuses it; a quote
 * without the sequence number (the caller's to allow) refuses the latest
 * attempt on the tuple unchecked. */
ss_icmp_match ss_attempts_refuse_icmp(ss_attempts *tracker, const ss_segment *seg, ss_attempt_note *note);

/* The latest attempt that side (ss_conn_key's direction) of the connection
 * opened, or NULL. */
ss_attempt *ss_attempts_latest(const ss_attempts *tracker, const ss_conn *conn, int side);

/* The number of attempt a (ss_attempts_get), if it is still the latest its
 * side of the connection opened; false once another has replaced it. */
bool ss_attempts_latest_id(const ss_attempts *tracker, const ss_attempt *a, uint32_t *id);

/* Bytes of the attempts' blocks mapped from the system, outside malloc's
 * figures (memory reports). */
size_t ss_attempts_mapped_bytes(const ss_attempts *tracker);

/* Number of attempts tracked (for statistics and memory reports). */
uint32_t ss_attempts_count(const ss_attempts *tracker);

/* Attempt id (< ss_attempts_count). */
ss_attempt *ss_attempts_get(const ss_attempts *tracker, uint32_t id);

/* The attempt whose first SYN is frame, or NULL: attempts are numbered in
 * order of first SYN, so a first SYN's note needs no storage of its own. */
ss_attempt *ss_attempts_first_syn_at(const ss_attempts *tracker, uint32_t frame);

/* SYNs sent before the outcome frame (0 while there is none). */
uint32_t ss_attempt_syns_at_outcome(const ss_attempt *a);

/* Which of the attempt's SYNs frame is (0 for the first), or UINT32_MAX. */
uint32_t ss_attempt_syn_index(const ss_attempt *a, uint32_t frame);

/* The SYN of attempt a that seg, a SYN with a's addresses, ports and ISN,
 * is a copy of (copies.h: the same TSval, or none in both, and
 * ss_is_copy), or 0; *original_ns is its time. */
uint32_t ss_attempt_copied_syn(const ss_attempt *a, const ss_segment *seg, int64_t *original_ns);

/* --- reading an attempt ------------------------------------------------- */

/* Whether SYN i (> 0) went out because the one before it met a challenge
 * ACK (ss_attempt_challenge_ack), not for want of an answer. */
bool ss_attempt_syn_resent_after_challenge(const ss_attempt *a, uint32_t i);

/* Time from time_ns to the attempt's first SYN after it (0 if none): how
 * soon a refusal the client ignored was followed by the SYN again. */
int64_t ss_attempt_next_syn_after_ns(const ss_attempt *a, int64_t time_ns);

/* Whether every SYN of the attempt after the first went out sooner than
 * any SYN retransmission timer fires (1 s): each after a refusal, by a
 * stack that retries refused connects. */
bool ss_attempt_resent_at_once(const ss_attempt *a);

/* Whether a refused SYN sent again after again_ns is Windows' retry of a
 * refused connect() (twice, 0.5 s apart, before WSAECONNREFUSED): Linux
 * fails connect() at the first RST that acknowledges its SYN. */
bool ss_refused_retry_is_windows(int64_t again_ns);

/* Worth showing: retried, not simply answered, or answered in a way the
 * capture did not hold. An attempt answered at its first SYN by a captured
 * SYN/ACK is an ordinary handshake and says nothing. */
bool ss_attempt_is_notable(const ss_attempt *a);

/* Answered, and the SYN/ACK is not in the capture: a later segment proved it
 * (the capture holds one direction, or lost packets). */
bool ss_attempt_answer_not_captured(const ss_attempt *a);

/* Answered through a crossing SYN (a split handshake, or a simultaneous open
 * without SYN/ACKs): the two ends went on to exchange ACKs. */
bool ss_attempt_answered_through_crossing(const ss_attempt *a);

/* The outcome once the capture has ended at capture_end_ns (0: not known,
 * read as unanswered): an open attempt is pending when its only SYN came
 * less than SS_MIN_RTO_NS before the end, unanswered otherwise. */
ss_outcome ss_attempt_final_outcome(const ss_attempt *a, int64_t capture_end_ns);

/* What an unanswered attempt's SYN train says, besides "no reply in the
 * capture". A silent drop shows as a client that keeps retransmitting: a
 * train of one or two SYNs proves no such persistence. (A link is quiet
 * while a client waits for its next SYN, so the capture's last frame is
 * often that SYN: how long the capture went on after it cannot tell a
 * longer train from a drop.) */
typedef enum ss_no_reply {
    SS_NO_REPLY_PERSISTENT = 0, /* three or more SYNs: the client kept trying, a silent drop is likely */
    SS_NO_REPLY_STOPPED,        /* one or two SYNs, and the capture went on well past the next
                                 * retransmission: the client got an answer the capture lacks, or gave up */
    SS_NO_REPLY_CUT,            /* one or two SYNs, and the capture ends before the next retransmission
                                 * was sure: too early to call it a drop */
} ss_no_reply;

/* A kernel's next SYN retransmission after the first SYN is due within this
 * (Windows: 3 s; Linux and macOS: 1 s). */
#define SS_FIRST_RETRY_DUE_NS (3 * SS_NS_PER_SEC)

ss_no_reply ss_attempt_no_reply(const ss_attempt *a, int64_t capture_end_ns);

/* The one test behind "pending": an attempt with no outcome frame, one SYN
 * sent at first_syn_ns, and a capture that ended less than SS_MIN_RTO_NS
 * later. */
bool ss_too_early_to_tell(uint32_t syn_count, int64_t first_syn_ns, int64_t capture_end_ns);

/* --- many one-SYN attempts to one destination ------------------------- */

/* A destination that received many unanswered one-SYN attempts: a SYN
 * flood or a scan, not a firewall drop. */
typedef struct ss_flood {
    ss_addr  addr;              /* the destination */
    uint16_t port;
    uint32_t attempts;          /* its unanswered one-SYN attempts */
    uint32_t sources;           /* distinct source addresses among them */
    int64_t  first_ns;          /* the first and the last of their SYNs */
    int64_t  last_ns;
    uint32_t first_frame;       /* the first one's SYN: where the summary goes */
} ss_flood;

/* The one test behind a flood's count: one SYN, and unanswered once the
 * capture has ended at capture_end_ns. */
bool ss_attempt_is_lone_unanswered_syn(const ss_attempt *a, int64_t capture_end_ns);

/* The destinations whose lone unanswered SYNs came from at least
 * min_sources distinct source addresses, once the capture has ended:
 * ss_flood entries in order of first SYN (the caller frees the array with
 * g_ptr_array_unref). */
GPtrArray *ss_attempts_floods(const ss_attempts *tracker, int64_t capture_end_ns, uint32_t min_sources);

/* Time from the attempt's first SYN to time_ns. */
int64_t ss_attempt_elapsed_ns(const ss_attempt *a, int64_t time_ns);
/* Time from the first SYN to the last. */
int64_t ss_attempt_span_ns(const ss_attempt *a);
/* Time between SYN i-1 and SYN i (i >= 1). */
int64_t ss_attempt_gap_ns(const ss_attempt *a, uint32_t i);
/* SYN i's gap divided by SYN i-1's gap (i >= 2); 0 when undefined. */
double ss_attempt_backoff(const ss_attempt *a, uint32_t i);
/* Which clock a schedule was read on. */
typedef enum ss_schedule_clock {
    SS_CLOCK_CAPTURE = 0,       /* the capture point's timestamps */
    SS_CLOCK_SENDER,            /* the sender's TCP timestamps (TSval) */
} ss_schedule_clock;

/* Schedule of the first n SYNs (n <= syn_count): on the sender's own clock
 * when every one of them carries a TCP timestamp and the TSvals tick at a
 * consistent rate (a capture point that delivers one SYN late cannot then
 * bend the schedule), else on the capture's clock. *clock (may be NULL)
 * says which. */
ss_schedule ss_attempt_schedule(const ss_attempt *a, uint32_t n, ss_schedule_clock *clock);

/* Classifies retransmission gaps (n >= 2) allowing for timer jitter. */
ss_schedule ss_classify_schedule(const int64_t *gaps_ns, size_t n);

const char *ss_schedule_name(ss_schedule s);
const char *ss_schedule_clock_name(ss_schedule_clock c);
/* Whether an outcome (as ss_attempt_final_outcome gives it) is a failure:
 * refused, or never answered. */
bool ss_outcome_failed(ss_outcome o);

/* synsight.outcome's value; NULL for SS_OUTCOME_OPEN (not known yet). */
const char *ss_outcome_name(ss_outcome o);
/* The evidence's name, for the attempts table: "synack", "client-ack", ... ("-" for none). */
const char *ss_evidence_name(ss_answer_evidence e);

#endif
