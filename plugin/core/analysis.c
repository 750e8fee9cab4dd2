/* analysis.c - one segment in, one frame result out
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "analysis.h"

#include <glib.h>
#include <string.h>

#include "causes.h"
#include "copies.h"
#include "frame_bits.h"
#include "frame_log.h"
#include "window_marks.h"

struct ss_analysis {
    ss_conns *conns;                /* one record per 4-tuple: the attempts' and the windows' parts */
    ss_attempts *attempts;
    ss_refusals *refusals;
    ss_windows *windows;
    ss_announcements *announcements;
    /* The frames' attempt notes that fit in a mark: a later SYN's attempt
     * (4 bytes; which SYN it is, is read from the attempt), an outcome's
     * mark (8). A first SYN's note is found from its attempt, unstored. */
    ss_frame_log *syn_marks;
    ss_frame_log *outcome_marks;
    /* Later SYNs whose attempt is found again from their addresses: the
     * latest attempt of that side of the connection, or (once a new
     * attempt replaced it) the one in replaced_syns. */
    ss_frame_log *syns_found_by_tuple;
    GHashTable   *replaced_syns;    /* frame -> attempt id + 1, made when first needed */
    /* A SYN fed after its attempt's first but earlier in time opens it
     * instead (a file out of time order): both frames -> attempt id + 1,
     * made when first needed. */
    GHashTable   *moved_openers;
    ss_frame_log *first_syns_not_kept;  /* first SYNs whose note the caller keeps (no record bytes) */
    ss_window_marks *window_marks;  /* the frames' window notes that fit in four bytes */
    ss_frame_bits *noted;           /* the frames with a finding */
    ss_frame_bits *first_syns;      /* the frames that opened an attempt: the n-th is attempt n's */
    ss_frame_bits *conn_starts;     /* the frames that started a connection: the n-th is sides n's */
    bool      out_of_order;         /* a frame came before one fed earlier: the bits above do not tell
                                     * which frames have a finding nor number records: search */
    uint32_t frames;
    uint32_t tcp_frames;
    int64_t  end_ns;
    int64_t  handshake_end_ns;      /* the latest SYN, SYN/ACK, RST or ICMP error so far */
    uint32_t handshake_frames;
    ss_copies    *copies;           /* SYN/ACKs, RSTs and ICMP errors by digest (a SYN's copies: by its attempt) */
    ss_frame_log *copy_of;          /* copy frame -> ss_copy */
    ss_listeners *listeners;        /* each server endpoint's SYN/ACKs: was it answering others? */
    GHashTable   *reused_after;     /* first SYN of an attempt on a 4-tuple that had an answered attempt ->
                                     * that attempt's first SYN (a challenge ACK's older connection) */
    ss_capture_facts made;          /* what the frames fed so far say about how the capture was taken */
    uint32_t interfaces_max;        /* the highest interface (+ 1) a frame came from */
    uint32_t cooked_copies;
    /* the flood summaries, for the capture as fed so far */
    GPtrArray  *floods;
    GHashTable *flood_at;       /* first lone SYN frame -> ss_flood* */
    uint32_t floods_min_sources;
    uint32_t floods_frames;     /* frames fed when they were computed */
};

ss_analysis *ss_analysis_new(void)
{
    ss_analysis *an = g_new0(ss_analysis, 1);
    an->conns = ss_conns_new();
    an->attempts = ss_attempts_new_in(an->conns);
    an->refusals = ss_refusals_new();
    an->windows = ss_windows_new_in(an->conns);
    an->announcements = ss_announcements_new();
    an->syn_marks = ss_frame_log_new(sizeof(uint32_t));
    an->outcome_marks = ss_frame_log_new(sizeof(ss_attempt_mark));
    an->syns_found_by_tuple = ss_frame_log_new(0);
    an->first_syns_not_kept = ss_frame_log_new(0);
    an->noted = ss_frame_bits_new();
    an->first_syns = ss_frame_bits_new();
    an->conn_starts = ss_frame_bits_new();
    an->window_marks = ss_window_marks_new();
    an->copies = ss_copies_new();
    an->copy_of = ss_frame_log_new(sizeof(ss_copy));
    an->listeners = ss_listeners_new();
    return an;
}

void ss_analysis_free(ss_analysis *an)
{
    if (!an)
        return;
    ss_attempts_free(an->attempts);
    ss_refusals_free(an->refusals);
    ss_windows_free(an->windows);
    ss_conns_free(an->conns);
    ss_announcements_free(an->announcements);
    ss_frame_log_free(an->syn_marks);
    ss_frame_log_free(an->outcome_marks);
    ss_frame_log_free(an->syns_found_by_tuple);
    if (an->replaced_syns)
        g_hash_table_destroy(an->replaced_syns);
    if (an->moved_openers)
        g_hash_table_destroy(an->moved_openers);
    ss_frame_log_free(an->first_syns_not_kept);
    ss_frame_bits_free(an->noted);
    ss_frame_bits_free(an->first_syns);
    ss_frame_bits_free(an->conn_starts);
    ss_window_marks_free(an->window_marks);
    ss_copies_free(an->copies);
    ss_frame_log_free(an->copy_of);
    ss_listeners_free(an->listeners);
    if (an->reused_after)
        g_hash_table_destroy(an->reused_after);
    if (an->floods) {
        g_hash_table_destroy(an->flood_at);
        g_ptr_array_unref(an->floods);
    }
    g_free(an);
}

/* A new attempt took the place of a: its later SYNs found by their
 * addresses now need their attempt's number. */
static void remember_replaced_syns(ss_analysis *an, const ss_attempt *a, uint32_t id)
{
    for (uint32_t i = 1; i < a->syn_count; i++) {
        uint32_t frame = ss_attempt_syn(a, i).frame;
        if (!ss_frame_log_find(an->syns_found_by_tuple, frame))
            continue;
        if (!an->replaced_syns)
            an->replaced_syns = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_hash_table_insert(an->replaced_syns, GUINT_TO_POINTER(frame), GUINT_TO_POINTER(id + 1));
    }
}

/* Whether the analyses read seg's time: a SYN, SYN/ACK, RST or ICMP error. */
static bool handshake_frame(const ss_segment *seg)
{
    return (seg->kind == SS_SEG_TCP && (seg->flags & (SS_TCP_SYN | SS_TCP_RST))) || seg->kind == SS_SEG_ICMP_ERROR;
}

/* Handshake frames in the file after one later in time: the first is where
 * the capture's note goes. Other frames' order changes no verdict (a
 * single interface's own timestamps may step back a few microseconds). */
static void note_time_order(ss_analysis *an, const ss_segment *seg)
{
    if (!handshake_frame(seg))
        return;
    if (an->handshake_frames++ > 0 && seg->time_ns < an->handshake_end_ns) {
        if (an->made.late_frames++ == 0) {
            an->made.first_late_frame = seg->frame;
            an->made.first_late_by_ns = ss_time_diff(an->handshake_end_ns, seg->time_ns);
        }
        return;
    }
    an->handshake_end_ns = seg->time_ns;
}

/* Where a moved opener's attempt is found again (moved_openers). */
static void remember_moved_opener(ss_analysis *an, const ss_attempt_note *note)
{
    uint32_t id;
    if (!ss_attempts_latest_id(an->attempts, note->attempt, &id))
        return;
    if (!an->moved_openers)
        an->moved_openers = g_hash_table_new(g_direct_hash, g_direct_equal);
    /* the SYN it displaced is now a later SYN of the same attempt */
    for (uint32_t i = 0; i < note->attempt->syn_count; i++)
        g_hash_table_insert(an->moved_openers, GUINT_TO_POINTER(ss_attempt_syn(note->attempt, i).frame),
                            GUINT_TO_POINTER(id + 1));
}

/* The frame seg copies (copies.h), or 0. A SYN's copy is found among its
 * attempt's SYNs; the other frames that end or answer an attempt by their
 * digest. */
static uint32_t copied_frame(ss_analysis *an, const ss_conn *conn, int dir, const ss_segment *seg, int64_t *original_ns)
{
    if (seg->kind == SS_SEG_TCP && (seg->flags & (SS_TCP_SYN | SS_TCP_ACK | SS_TCP_RST | SS_TCP_FIN)) == SS_TCP_SYN)
        return ss_attempt_copied_syn(ss_attempts_latest(an->attempts, conn, dir), seg, original_ns);
    return seg->digest ? ss_copies_check(an->copies, seg->digest, seg->strong_identity, seg->frame, seg->time_ns,
                                         original_ns)
                       : 0;
}

/* Whether seg is a copy of a frame fed before: then out says so, and the
 * analyses do not see it. */
static bool is_copy(ss_analysis *an, const ss_conn *conn, int dir, const ss_segment *seg, ss_frame_result *out)
{
    int64_t original_ns = 0;
    uint32_t original = copied_frame(an, conn, dir, seg, &original_ns);
    if (!original)
        return false;
    out->copy.of = original;
    out->copy.apart_ns = (int32_t)ss_time_diff(seg->time_ns, original_ns);   /* within SS_COPY_STRONG_NS */
    ss_frame_log_add(an->copy_of, seg->frame, &out->copy);
    if (an->made.copies++ == 0)
        an->made.first_copy = seg->frame;
    an->cooked_copies += seg->cooked;
    int64_t apart = out->copy.apart_ns < 0 ? -(int64_t)out->copy.apart_ns : out->copy.apart_ns;
    if (apart > an->made.copy_apart_max_ns)
        an->made.copy_apart_max_ns = apart;
    return true;
}

bool ss_analysis_feed(ss_analysis *an, const ss_segment *seg, ss_frame_result *out)
{
    memset(out, 0, sizeof *out);
    note_time_order(an, seg);
    if (an->frames++ == 0 || seg->time_ns > an->end_ns)
        an->end_ns = seg->time_ns;
    if (seg->interface_id > an->interfaces_max)
        an->interfaces_max = seg->interface_id;
    if (seg->kind == SS_SEG_TCP)
        an->tcp_frames++;
    switch (seg->kind) {
    case SS_SEG_TCP: {
        /* one look-up for both analyses */
        int dir;
        uint32_t conn_ref;
        ss_conn *conn = ss_conns_get_ref(an->conns, &seg->tuple, &dir, &conn_ref);
        if (is_copy(an, conn, dir, seg, out))
            break;
        /* only a SYN opens an attempt, replacing this side's latest: its
         * number is read while it is the latest */
        const ss_attempt *latest = (seg->flags & SS_TCP_SYN) ? ss_attempts_latest(an->attempts, conn, dir) : NULL;
        uint32_t latest_id = 0;
        if (latest)
            ss_attempts_latest_id(an->attempts, latest, &latest_id);
        ss_attempts_add_tcp_in(an->attempts, conn, dir, seg, &out->attempt);
        if (out->attempt.opener_moved)
            remember_moved_opener(an, &out->attempt);
        else if (out->attempt.role == SS_ROLE_SYN && out->attempt.syn_index == 0) {
            if (latest)
                remember_replaced_syns(an, latest, latest_id);
            if (latest && latest->outcome == SS_OUTCOME_ANSWERED) {
                if (!an->reused_after)
                    an->reused_after = g_hash_table_new(g_direct_hash, g_direct_equal);
                g_hash_table_insert(an->reused_after, GUINT_TO_POINTER(seg->frame),
                                    GUINT_TO_POINTER(latest->first_syn.frame));
            }
            const ss_announcement *by = ss_announcements_find(an->announcements, &seg->tuple.dst, seg->tuple.dport);
            if (by)
                ss_attempt_set_announced(an->attempts, out->attempt.attempt, by);
        }
        if ((seg->flags & (SS_TCP_SYN | SS_TCP_ACK | SS_TCP_RST)) == (SS_TCP_SYN | SS_TCP_ACK))
            ss_listeners_add_synack(an->listeners, seg);
        if (seg->announced_count)
            ss_announcements_add(an->announcements, seg);
        ss_refusal_from_rst(seg, &out->attempt, &out->refusal);
        ss_windows_add_tcp_in(an->windows, conn, conn_ref, dir, seg, &out->window);
        break;
    }
    case SS_SEG_ICMP_ERROR:
        if (is_copy(an, NULL, 0, seg, out))
            break;
        ss_refusals_add_icmp(an->refusals, an->attempts, seg, &out->attempt, &out->refusal);
        if (ss_icmp_quote_cut(seg) && an->made.cut_quotes++ == 0) {
            an->made.first_cut_quote = seg->frame;
            an->made.snaplen = seg->captured_len;
        }
        break;
    case SS_SEG_UDP:
        ss_refusals_add_udp(an->refusals, seg);
        break;
    case SS_SEG_NONE:
        break;
    }
    bool noted = ss_attempt_note_present(&out->attempt) || out->refusal.present || out->refusal.cut_before_ports ||
                 ss_window_note_present(&out->window) || out->copy.of || ss_analysis_capture_note_at(an, seg->frame);
    if (noted && !ss_frame_bits_set(an->noted, seg->frame))
        an->out_of_order = true;
    /* records are numbered in the order of these frames (a capture fed out
     * of order is looked up by search instead) */
    if (out->attempt.role == SS_ROLE_SYN && out->attempt.syn_index == 0 && !out->attempt.opener_moved &&
        !ss_frame_bits_set(an->first_syns, seg->frame))
        an->out_of_order = true;
    if (out->window.sides && !ss_frame_bits_set(an->conn_starts, seg->frame))
        an->out_of_order = true;
    return noted;
}

bool ss_analysis_frame_noted(const ss_analysis *an, uint32_t frame)
{
    return an && (an->out_of_order || ss_frame_bits_test(an->noted, frame));
}

/* The attempt whose first SYN is frame, or NULL. */
static const ss_attempt *attempt_opened_at(const ss_analysis *an, uint32_t frame)
{
    if (ss_frame_bits_test(an->first_syns, frame)) {
        uint32_t id = ss_frame_bits_rank(an->first_syns, frame);
        if (id < ss_attempts_count(an->attempts)) {
            const ss_attempt *a = ss_attempts_get(an->attempts, id);
            if (a->first_syn.frame == frame)
                return a;
        }
    }
    return an->out_of_order ? ss_attempts_first_syn_at(an->attempts, frame) : NULL;
}

/* The sides of the connection whose first frame is frame, or NULL. */
static const ss_conn_sides *sides_starting_at(const ss_analysis *an, uint32_t frame)
{
    if (ss_frame_bits_test(an->conn_starts, frame)) {
        const ss_conn_sides *s = ss_windows_sides_at(an->windows, ss_frame_bits_rank(an->conn_starts, frame));
        if (s && s->first_frame == frame)
            return s;
    }
    return an->out_of_order ? ss_windows_sides_starting_at(an->windows, frame) : NULL;
}

ss_capture_facts ss_analysis_facts(const ss_analysis *an)
{
    ss_capture_facts f;
    f.only_tcp = an && an->frames > 0 && an->tcp_frames == an->frames;
    f.end_ns = an ? an->end_ns : 0;
    f.one_direction = an && ss_windows_one_direction_only(an->windows);
    if (an) {
        f.copies = an->made.copies;
        f.first_copy = an->made.first_copy;
        f.copy_apart_max_ns = an->made.copy_apart_max_ns;
        f.late_frames = an->made.late_frames;
        f.first_late_frame = an->made.first_late_frame;
        f.first_late_by_ns = an->made.first_late_by_ns;
        f.cut_quotes = an->made.cut_quotes;
        f.first_cut_quote = an->made.first_cut_quote;
        f.snaplen = an->made.snaplen;
        f.copy_cause = !f.copies                        ? SS_COPIES_NONE
                       : an->cooked_copies              ? SS_COPIES_ANY_INTERFACE
                       : an->interfaces_max > 1         ? SS_COPIES_INTERFACES
                       : f.copy_apart_max_ns > SS_NS_PER_SEC / 1000 ? SS_COPIES_MERGED
                                                        : SS_COPIES_MIRROR;
    } else {
        f.copies = f.first_copy = f.late_frames = f.first_late_frame = 0;
        f.cut_quotes = f.first_cut_quote = f.snaplen = 0;
        f.copy_cause = SS_COPIES_NONE;
        f.copy_apart_max_ns = f.first_late_by_ns = 0;
    }
    return f;
}

const char *ss_copy_cause_text(ss_copy_cause c)
{
    switch (c) {
    case SS_COPIES_ANY_INTERFACE:
        return "a Linux capture on any interface (-i any) of a host whose packets cross a bridge, veth or tunnel "
               "sees each on every interface it crosses";
    case SS_COPIES_INTERFACES:
        return "the file holds several interfaces (dumpcap -i A -i B, or captures of two points merged), each of "
               "which saw the same packets";
    case SS_COPIES_MERGED:
        return "captures of two points merged into one file (mergecap) hold each packet both saw";
    case SS_COPIES_MIRROR:
        return "a mirror (SPAN) port copying both ports of a link, or a capture on a bridge and its port, "
               "sees each packet twice";
    case SS_COPIES_NONE:
        break;
    }
    return "";
}

bool ss_analysis_capture_note_at(const ss_analysis *an, uint32_t frame)
{
    return an && frame && (frame == an->made.first_late_frame || frame == an->made.first_cut_quote);
}

ss_copy ss_analysis_copy_of(const ss_analysis *an, uint32_t frame)
{
    const void *found = an ? ss_frame_log_find(an->copy_of, frame) : NULL;
    ss_copy copy = { 0, 0 };
    if (found)
        memcpy(&copy, found, sizeof copy);
    return copy;
}

size_t ss_analysis_mapped_bytes(const ss_analysis *an) { return ss_attempts_mapped_bytes(an->attempts); }

bool ss_analysis_keep_attempt(ss_analysis *an, uint32_t frame, const ss_attempt_note *note, const ss_tuple *seen)
{
    ss_attempt_mark mark;
    if (!ss_attempt_note_to_mark(an->attempts, note, &mark)) {
        if (note->role == SS_ROLE_SYN && note->syn_index == 0)
            ss_frame_log_add(an->first_syns_not_kept, frame, NULL);
        return false;
    }
    if (note->role == SS_ROLE_OUTCOME)
        return ss_frame_log_add(an->outcome_marks, frame, &mark);
    if (note->syn_index == 0)
        return true;
    if (seen) {
        ss_tuple syn = ss_attempt_tuple(note->attempt);
        if (ss_tuple_equal(seen, &syn))
            return ss_frame_log_add(an->syns_found_by_tuple, frame, NULL);
    }
    return ss_frame_log_add(an->syn_marks, frame, &mark.attempt_id);
}

/* The attempt of a later SYN kept in syns_found_by_tuple, or NULL. */
static const ss_attempt *attempt_by_tuple(const ss_analysis *an, uint32_t frame, const ss_tuple *seen)
{
    gpointer id;
    if (an->replaced_syns && g_hash_table_lookup_extended(an->replaced_syns, GUINT_TO_POINTER(frame), NULL, &id))
        return ss_attempts_get(an->attempts, GPOINTER_TO_UINT(id) - 1);
    int dir;
    const ss_conn *conn = seen ? ss_conns_find(an->conns, seen, &dir) : NULL;
    return conn ? ss_attempts_latest(an->attempts, conn, dir) : NULL;
}

bool ss_analysis_kept_attempt(const ss_analysis *an, uint32_t frame, const ss_tuple *seen, ss_attempt_note *note)
{
    if (!an)
        return false;
    ss_attempt_mark mark;
    const void *found = ss_frame_log_find(an->outcome_marks, frame);
    if (found) {
        memcpy(&mark, found, sizeof mark);
        ss_attempts_note_from_mark(an->attempts, mark, note);
        return true;
    }
    const ss_attempt *a = NULL;
    gpointer moved;
    if (an->moved_openers && g_hash_table_lookup_extended(an->moved_openers, GUINT_TO_POINTER(frame), NULL, &moved)) {
        a = ss_attempts_get(an->attempts, GPOINTER_TO_UINT(moved) - 1);
    } else if ((found = ss_frame_log_find(an->syn_marks, frame)) != NULL) {
        memcpy(&mark.attempt_id, found, sizeof mark.attempt_id);
        a = ss_attempts_get(an->attempts, mark.attempt_id);
    } else if (ss_frame_log_find(an->syns_found_by_tuple, frame)) {
        if ((a = attempt_by_tuple(an, frame, seen)) == NULL)
            return false;
    } else if (ss_frame_log_find(an->first_syns_not_kept, frame) || (a = attempt_opened_at(an, frame)) == NULL) {
        return false;
    }
    uint32_t syn_index = ss_attempt_syn_index(a, frame);
    if (syn_index == UINT32_MAX)
        return false;           /* not given the tuple it was kept with */
    ss_attempt_note_of_syn((ss_attempt *)a, syn_index, note);
    return true;
}

/* A note that says no more than "this frame starts a connection" is found
 * again from the connection's sides, unstored. */
static bool only_starts_connection(const ss_window_note *n)
{
    return n->sides && !n->scale_unknown && !n->one_sided && !n->overrun && n->min_shift < 0;
}

bool ss_analysis_keep_window(ss_analysis *an, uint32_t frame, const ss_window_note *note)
{
    if (only_starts_connection(note))
        return true;
    return ss_window_note_fits_mark(note) && ss_window_marks_put(an->window_marks, frame, note);
}

bool ss_analysis_kept_window(const ss_analysis *an, uint32_t frame, ss_window_note *note)
{
    if (!an)
        return false;
    bool starts_conn;
    if (ss_window_marks_get(an->window_marks, frame, note, &starts_conn)) {
        note->sides = starts_conn ? sides_starting_at(an, frame) : NULL;
    } else {
        const ss_conn_sides *sides = sides_starting_at(an, frame);
        if (!sides)
            return false;
        memset(note, 0, sizeof *note);
        note->min_shift = -1;
        note->sides = sides;
    }
    note->conn = note->sides ? ss_conns_at(an->conns, note->sides->conn) : NULL;
    return true;
}

const ss_flood *ss_analysis_flood_at(ss_analysis *an, uint32_t frame, uint32_t min_sources)
{
    if (!an || min_sources == 0)
        return NULL;
    if (!an->floods || an->floods_min_sources != min_sources || an->floods_frames != an->frames) {
        if (an->floods) {
            g_hash_table_destroy(an->flood_at);
            g_ptr_array_unref(an->floods);
        }
        an->floods = ss_attempts_floods(an->attempts, an->end_ns, min_sources);
        an->flood_at = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (guint i = 0; i < an->floods->len; i++) {
            ss_flood *f = g_ptr_array_index(an->floods, i);
            g_hash_table_insert(an->flood_at, GUINT_TO_POINTER(f->first_frame), f);
        }
        an->floods_min_sources = min_sources;
        an->floods_frames = an->frames;
    }
    return g_hash_table_lookup(an->flood_at, GUINT_TO_POINTER(frame));
}

bool ss_attempt_waited(const ss_attempt *a, int64_t capture_end_ns)
{
    ss_outcome end = ss_attempt_final_outcome(a, capture_end_ns);
    return end == SS_OUTCOME_UNANSWERED || (end == SS_OUTCOME_ANSWERED && ss_attempt_syns_at_outcome(a) >= 2);
}

/* Attempts looked at around another for the same client's next try: a
 * bound, so that a scan or flood between costs nothing much. */
#define NEIGHBOURS_READ 256

/* Whether b goes from a's client host to a's server endpoint. */
static bool same_client_and_server(const ss_attempt *a, const ss_attempt *b)
{
    ss_tuple x = ss_attempt_tuple(a), y = ss_attempt_tuple(b);
    return x.dport == y.dport && memcmp(&x.src, &y.src, sizeof x.src) == 0 && memcmp(&x.dst, &y.dst, sizeof x.dst) == 0;
}

/* The same client's next attempt to the same server after a's last SYN. */
static const ss_attempt *next_attempt_of(const ss_analysis *an, uint32_t id, const ss_attempt *a, int64_t until_ns)
{
    int64_t last_ns = ss_attempt_syn(a, a->syn_count - 1).time_ns;
    uint32_t count = ss_attempts_count(an->attempts);
    for (uint32_t i = id + 1; i < count && i <= id + NEIGHBOURS_READ; i++) {
        const ss_attempt *b = ss_attempts_get(an->attempts, i);
        if (b->first_syn.time_ns > until_ns)
            break;
        if (b->first_syn.time_ns >= last_ns && same_client_and_server(a, b))
            return b;
    }
    return NULL;
}

static ss_give_up_reading read_give_up(const ss_analysis *an, const ss_attempt *a, const ss_stack_reading *stack)
{
    ss_give_up_reading none;
    memset(&none, 0, sizeof none);
    uint32_t id;
    /* only a train that stopped short of its stack's limit has a question */
    if (!stack->next_due_ns || stack->limit_raised || a->syn_count >= stack->max_syns ||
        !ss_attempts_latest_id(an->attempts, a, &id))
        return none;
    int64_t last_ns = ss_attempt_syn(a, a->syn_count - 1).time_ns;
    int64_t until_ns = ss_time_add(last_ns, stack->next_due_ns + stack->next_due_ns / 2);
    const ss_attempt *next = next_attempt_of(an, id, a, until_ns);
    ss_give_up_reading g = ss_attempt_gave_up(a, stack, an->end_ns, next ? next->first_syn.time_ns : 0,
                                              next ? next->first_syn.frame : 0);
    if (g.who == SS_GAVE_UP_KERNEL_LOWERED || g.next_attempt || ss_attempt_outcome_frame(a))
        return g;
    /* no next attempt to show it: an earlier attempt of the client's, as
     * long and followed by this one when its kernel gave up, does (the
     * same host's limit; this one's capture may end as it gives up) */
    for (uint32_t i = id; i-- > 0 && i + NEIGHBOURS_READ >= id;) {
        const ss_attempt *b = ss_attempts_get(an->attempts, i);
        if (b->syn_count != a->syn_count || !same_client_and_server(a, b) || ss_attempt_outcome_frame(b))
            continue;
        ss_stack_reading bs = ss_attempt_stack(b);
        if (bs.stack != stack->stack)
            continue;
        ss_give_up_reading bg = ss_attempt_gave_up(b, &bs, an->end_ns, a->first_syn.time_ns, a->first_syn.frame);
        if (bg.who == SS_GAVE_UP_KERNEL_LOWERED) {
            g.who = SS_GAVE_UP_KERNEL_LOWERED;
            g.lowered_retries = bg.lowered_retries;
            g.from_ns = ss_attempt_span_ns(a);
            g.by_ns = ss_time_add(g.from_ns, stack->next_due_ns);
            g.earlier_attempt = b->first_syn.frame;
        }
        break;
    }
    return g;
}

void ss_analysis_causes(const ss_analysis *an, const ss_attempt *a, int64_t time_ns, unsigned what,
                        ss_attempt_causes *out)
{
    memset(out, 0, sizeof *out);
    if (!an || !a)
        return;
    out->read = (what & SS_CAUSE_GAVE_UP) ? what | SS_CAUSE_STACK : what;
    if (what & (SS_CAUSE_STACK | SS_CAUSE_GAVE_UP))
        out->stack = ss_attempt_stack(a);
    if ((what & SS_CAUSE_GAVE_UP) && ss_attempt_final_outcome(a, an->end_ns) == SS_OUTCOME_UNANSWERED)
        out->gave_up = read_give_up(an, a, &out->stack);
    if ((what & SS_CAUSE_PORT) && ss_attempt_waited(a, an->end_ns)) {
        ss_tuple t = ss_attempt_tuple(a);
        int64_t from = ss_time_add(a->first_syn.time_ns, -SS_NS_PER_SEC);
        int64_t to = ss_attempt_outcome_frame(a) ? ss_attempt_outcome_time_ns(a)
                                                 : ss_time_add(ss_attempt_syn(a, a->syn_count - 1).time_ns, SS_NS_PER_SEC);
        out->port_answered = ss_listeners_answered_other(an->listeners, &t, from, to, time_ns);
    }
    if ((what & SS_CAUSE_OLDER) && ss_attempt_challenge_ack(a) && an->reused_after) {
        gpointer older;
        if (g_hash_table_lookup_extended(an->reused_after, GUINT_TO_POINTER(a->first_syn.frame), NULL, &older))
            out->earlier_connection = GPOINTER_TO_UINT(older);
    }
}

bool ss_analysis_synack_train(const ss_analysis *an, const ss_attempt_note *note, ss_synack_train *out)
{
    memset(out, 0, sizeof *out);
    return an && note->synack_conn && ss_attempts_synack_train(an->attempts, note->synack_conn, note->synack_dir, out);
}

bool ss_analysis_attempt_causes(const ss_analysis *an, uint32_t first_frame, ss_attempt_causes *out)
{
    const ss_attempt *a = an ? attempt_opened_at(an, first_frame) : NULL;
    if (!a)     /* an opener moved in time (a file out of time order) has no first_syns bit */
        a = an ? ss_attempts_first_syn_at(an->attempts, first_frame) : NULL;
    if (!a) {
        memset(out, 0, sizeof *out);
        return false;
    }
    ss_analysis_causes(an, a, a->first_syn.time_ns, SS_CAUSE_ALL, out);
    return true;
}
