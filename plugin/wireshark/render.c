/* render.c - the output layer: fields, subtree and expert items
 *
 * The analyses say what is true; this file decides how a user sees it. In a
 * single pass (live capture, tshark without -2) a frame shows only what the
 * frames up to it prove; the fields that need later frames ("final-only" in
 * fields.md) appear on the second pass, which the GUI always runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <epan/column-utils.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include "ss_nstime.h"
#include "ss_text.h"
#include "ws_compat.h"

static int hf_attempt = -1;
static int hf_syn_retry = -1;
static int hf_syn_gap = -1;
static int hf_syn_elapsed = -1;
static int hf_syn_backoff = -1;
static int hf_syn_count = -1;
static int hf_syn_schedule = -1;
static int hf_syn_initial_rto = -1;
static int hf_outcome = -1;
static int hf_outcome_in = -1;
static int hf_answers = -1;
static int hf_superseded_by = -1;
static int hf_synack_retry = -1;
static int hf_synack_gap = -1;
static int hf_simultaneous_open = -1;
static int hf_refusal = -1;
static int hf_refusal_errno = -1;
static int hf_refusal_refuses = -1;
static int hf_refusal_proto = -1;
static int hf_window_scale_unknown = -1;
static int hf_window_raw = -1;
static int hf_window_min_shift = -1;
static int hf_window_min_size = -1;
static int hf_window_overrun = -1;
static int hf_window_in_flight = -1;
static int hf_window_one_sided = -1;
static int hf_answer_not_captured = -1;
static int hf_answered_through_crossing = -1;
static int hf_one_direction = -1;
static int hf_syn_schedule_clock = -1;
static int hf_summary = -1;
static int hf_announced_in = -1;
static int hf_announced_by = -1;
static int hf_copy_of = -1;
static int hf_refusal_unverified = -1;
static int hf_port_answered = -1;
static int hf_challenge_ack = -1;
static int hf_options_dropped = -1;
static int hf_ecn_fallback = -1;
static int hf_syn_stack = -1;
static int hf_syn_gives_up = -1;
static int hf_app_gave_up = -1;
static int hf_kernel_gave_up = -1;
static int hf_synack_acked_in = -1;

static int ett_synsight = -1;

/* The fields asked on every SYN whether anything wants them (referenced):
 * their registrar entries, found once they are registered. */
static const header_field_info *hfi_syn_stack, *hfi_syn_gives_up, *hfi_port_answered, *hfi_syn_schedule,
    *hfi_syn_schedule_clock;

static expert_field ei_syn_retry = EI_INIT;
static expert_field ei_unanswered = EI_INIT;
static expert_field ei_superseded = EI_INIT;
static expert_field ei_answered_late = EI_INIT;
static expert_field ei_synack_retry = EI_INIT;
static expert_field ei_simultaneous_open = EI_INIT;
static expert_field ei_refused_rst = EI_INIT;
static expert_field ei_refused_icmp = EI_INIT;
static expert_field ei_udp_unreachable = EI_INIT;
static expert_field ei_scale_unknown = EI_INIT;
static expert_field ei_window_misread = EI_INIT;
static expert_field ei_synack_not_captured = EI_INIT;
static expert_field ei_answered_through_crossing = EI_INIT;
static expert_field ei_pending = EI_INIT;
static expert_field ei_one_direction = EI_INIT;
static expert_field ei_unanswered_unproven = EI_INIT;
static expert_field ei_syn_flood = EI_INIT;
static expert_field ei_copy = EI_INIT;
static expert_field ei_copies = EI_INIT;
static expert_field ei_time_order = EI_INIT;
static expert_field ei_syn_data_ignored = EI_INIT;
static expert_field ei_quote_cut = EI_INIT;
static expert_field ei_snaplen = EI_INIT;
static expert_field ei_challenge_ack = EI_INIT;
static expert_field ei_options_dropped = EI_INIT;
static expert_field ei_ecn_fallback = EI_INIT;
static expert_field ei_app_gave_up = EI_INIT;
static expert_field ei_kernel_gave_up = EI_INIT;

static int proto_synsight = -1;

/* Preference synsight.info_column: the bracketed tag in the Info column. */
static ss_pref_bool info_column_on = true;
/* Preference synsight.flood_sources (see render.h). */
static ss_pref_uint flood_min_sources = 1000;

unsigned ss_render_flood_min_sources(void) { return flood_min_sources; }

/* Our expert items as registered: their severity as it stands (the Expert
 * Info Severity Level preference may change it), for expert_read. */
static const ei_register_info *ei_registered;
static size_t ei_registered_count;
/* Set by ss_render_init, once every protocol and tap is registered. */
static int expert_tap = -1;
static const header_field_info *hfi_expert;

void ss_render_init(void)
{
    expert_tap = find_tap_id("expert");
    int proto_expert = proto_get_id_by_filter_name("_ws.expert");
    hfi_expert = proto_expert >= 0 ? proto_registrar_get_nth((guint)proto_expert) : NULL;
}

static int severity_of(const expert_field *ei)
{
    for (size_t i = 0; i < ei_registered_count; i++)
        if (ei_registered[i].ids == ei)
            return ei_registered[i].eiinfo.severity;
    return PI_ERROR;    /* not ours: as if it mattered */
}

/* proto_field_is_referenced for a field of ours, asked on every SYN of a
 * train: the same test (a visible tree, or a filter or column that wants
 * the field) without the registrar's look-up each time. */
static bool referenced(proto_tree *tree, const header_field_info *hfi)
{
    if (!tree)
        return false;
    if (PTREE_DATA(tree)->visible)
        return true;
    return hfi->ref_type != HF_REF_TYPE_NONE;
}

/* Whether an expert item of this kind on this frame reaches anyone: a
 * visible tree; a filter, column, field extractor or colouring rule that
 * wants it or any _ws.expert field; the Expert Info column; a listener of
 * the expert tap (Wireshark's Expert Information, tshark -z expert); or
 * the capture's highest severity (the GUI's status bar), which an item
 * more severe than any before it raises. Nothing else reads an expert
 * item, and formatting one costs more than the rest of a retransmitted
 * SYN's rendering: tshark that only filters on other fields skips it. */
static bool expert_read(packet_info *pinfo, proto_item *item, const expert_field *ei)
{
    if (proto_field_is_referenced(item, ei->hf) || (hfi_expert && referenced(item, hfi_expert)))
        return true;
    if (expert_tap >= 0 && have_tap_listener(expert_tap))
        return true;
    if (pinfo->cinfo && col_get_text(pinfo->cinfo, COL_EXPERT))
        return true;
    return severity_of(ei) > expert_get_highest_severity();
}

/* expert_add_info_format, when the item reaches anyone (expert_read) */
#define SAY_FORMAT(pinfo, item, ei, ...)                                  \
    do {                                                                  \
        if (expert_read((pinfo), (item), (ei)))                           \
            expert_add_info_format((pinfo), (item), (ei), __VA_ARGS__);   \
    } while (0)

unsigned ss_render_wants_causes(proto_tree *tree, const ss_attempt_note *n)
{
    if (n->role == SS_ROLE_OUTCOME)
        return SS_CAUSE_PORT;
    if (n->role != SS_ROLE_SYN)
        return 0;
    if (n->syn_index == 0)
        return SS_CAUSE_ALL;
    /* every later SYN of a long train would read the train again */
    if (!tree)
        return 0;
    return (referenced(tree, hfi_syn_stack) || referenced(tree, hfi_syn_gives_up) ? SS_CAUSE_STACK : 0) |
           (referenced(tree, hfi_port_answered) ? SS_CAUSE_PORT : 0);
}

void ss_render_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_attempt, { "Connection attempt (first SYN)", "synsight.attempt", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The first SYN of the connection attempt this frame belongs to", HFILL } },
        { &hf_syn_retry, { "SYN retransmission", "synsight.syn.retry", FT_UINT32, BASE_DEC, NULL, 0x0,
            "1 for the first retransmission of the attempt's SYN, 2 for the second, ...", HFILL } },
        { &hf_syn_gap, { "Time since previous SYN", "synsight.syn.gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the previous SYN of the attempt", HFILL } },
        { &hf_syn_elapsed, { "Time since first SYN", "synsight.syn.elapsed", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the attempt's first SYN", HFILL } },
        { &hf_syn_backoff, { "Backoff factor", "synsight.syn.backoff", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "This gap divided by the previous gap", HFILL } },
        { &hf_syn_count, { "SYNs in the attempt", "synsight.syn.count", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Number of SYNs the attempt sent", HFILL } },
        { &hf_syn_schedule, { "Retransmission schedule", "synsight.syn.schedule", FT_STRING, BASE_NONE, NULL, 0x0,
            "exponential, linear-then-exponential, linear or irregular", HFILL } },
        { &hf_syn_initial_rto, { "Initial retransmission timeout", "synsight.syn.initial_rto", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "The first gap of the SYN train: the sender's initial RTO", HFILL } },
        { &hf_outcome, { "Outcome of the attempt", "synsight.outcome", FT_STRING, BASE_NONE, NULL, 0x0,
            "answered, refused-rst, refused-icmp, unanswered or superseded", HFILL } },
        { &hf_outcome_in, { "Outcome in frame", "synsight.outcome_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The frame that ended the attempt", HFILL } },
        { &hf_answers, { "Answers SYN in frame", "synsight.answers", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The SYN this frame answers or refuses", HFILL } },
        { &hf_superseded_by, { "Superseded by attempt in frame", "synsight.superseded_by", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The first SYN of the attempt (same addresses and ports, new ISN) that replaced this unanswered one", HFILL } },
        { &hf_synack_retry, { "SYN/ACK retransmission", "synsight.synack.retry", FT_UINT32, BASE_DEC, NULL, 0x0,
            "1 for the first retransmitted SYN/ACK, 2 for the second, ...", HFILL } },
        { &hf_synack_gap, { "Time since previous SYN/ACK", "synsight.synack.gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_simultaneous_open, { "Simultaneous open: crosses SYN in frame", "synsight.simultaneous_open", FT_FRAMENUM,
            BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "This SYN crosses a SYN from the other end (valid TCP, RFC 9293 section 3.5)", HFILL } },
        { &hf_refusal, { "Refusal", "synsight.refusal", FT_STRING, BASE_NONE, NULL, 0x0,
            "tcp-rst, or icmp-/icmpv6- and the kind: port-unreachable, host-unreachable, admin-prohibited, ...", HFILL } },
        { &hf_refusal_errno, { "Error the client sees", "synsight.refusal.errno", FT_STRING, BASE_NONE, NULL, 0x0,
            "What a Linux client's connect() (TCP) or next socket call (UDP) returns", HFILL } },
        { &hf_refusal_refuses, { "Refuses frame", "synsight.refusal.refuses", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The SYN or UDP datagram refused", HFILL } },
        { &hf_refusal_proto, { "Refused protocol", "synsight.refusal.proto", FT_STRING, BASE_NONE, NULL, 0x0,
            "tcp or udp", HFILL } },
        { &hf_refusal_unverified, { "Refusal unverified: the snaplen cut the quoted sequence number",
            "synsight.refusal.unverified", FT_NONE, BASE_NONE, NULL, 0x0, "The ICMP error's quote holds the addresses "
            "and ports but not the sequence number: it is matched to the one attempt open on them, unchecked "
            "against its ISN", HFILL } },
        { &hf_window_scale_unknown, { "Window scale unknown (handshake not in capture)", "synsight.window.scale_unknown",
            FT_NONE, BASE_NONE, NULL, 0x0, "This segment's window cannot be read as bytes", HFILL } },
        { &hf_window_raw, { "Raw window (unscaled)", "synsight.window.raw", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The window field as sent", HFILL } },
        { &hf_window_min_shift, { "Window scale shift at least", "synsight.window.min_shift", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The smallest window-scale shift of this segment's sender consistent with the data its peer has sent so far",
            HFILL } },
        { &hf_window_min_size, { "Advertised window at least (bytes)", "synsight.window.min_size", FT_UINT32, BASE_DEC, NULL,
            0x0, "raw window x 2^min_shift", HFILL } },
        { &hf_window_overrun, { "Apparent window overrun (proof of scaling)", "synsight.window.overrun", FT_NONE, BASE_NONE,
            NULL, 0x0, "Data beyond the peer's last ACK + raw window: the peer's window is scaled", HFILL } },
        { &hf_window_in_flight, { "Bytes in flight", "synsight.window.in_flight", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes from the peer's last ACK to this segment's end", HFILL } },
        { &hf_window_one_sided, { "Window scaling offered by one side only: scaling is off", "synsight.window.one_sided",
            FT_NONE, BASE_NONE, NULL, 0x0, "Only one SYN carried the window-scale option: no scaling in either direction "
            "(RFC 7323 section 2.2)", HFILL } },
        { &hf_answer_not_captured, { "Answered: the SYN/ACK is not in the capture", "synsight.answer_not_captured",
            FT_NONE, BASE_NONE, NULL, 0x0, "A later segment proves the attempt was answered: the client's ACK or RST "
            "with seq = ISN + 1, or a server segment acknowledging ISN + 1", HFILL } },
        { &hf_answered_through_crossing, { "Answered through the crossing SYN in frame", "synsight.answered_through_crossing",
            FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "The other end sent a SYN of its own (a split handshake or simultaneous open), then the two ends "
            "exchanged ACKs", HFILL } },
        { &hf_one_direction, { "Connection seen in one direction only", "synsight.one_direction", FT_NONE, BASE_NONE,
            NULL, 0x0, "Every captured frame of this connection comes from one side: the capture holds one direction",
            HFILL } },
        { &hf_summary, { "Finding", "synsight.summary", FT_STRING, BASE_NONE, NULL, 0x0,
            "The frame's finding in a few words, as its Info-column tag says it: a column for the packet list", HFILL } },
        { &hf_announced_in, { "Endpoint announced in frame", "synsight.announced_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0, "The message of another protocol that handed out this attempt's "
            "server address and port: a DCE/RPC endpoint mapper response, an FTP 227/229 reply or PORT/EPRT command",
            HFILL } },
        { &hf_announced_by, { "Endpoint announced by", "synsight.announced_by", FT_STRING, BASE_NONE, NULL, 0x0,
            "dcerpc-epm, ftp-pasv, ftp-epsv, ftp-port or ftp-eprt", HFILL } },
        { &hf_syn_schedule_clock, { "Schedule read on", "synsight.syn.schedule_clock", FT_STRING, BASE_NONE, NULL, 0x0,
            "sender (the SYNs' TCP timestamps) or capture (the capture point's timestamps)", HFILL } },
        { &hf_copy_of, { "Copy of frame", "synsight.copy_of", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE),
            0x0, "This frame is the packet of that frame captured again (the same bytes, moments apart: two "
            "interfaces, -i any on a bridged host, a mirror port, merged captures), not a retransmission: synsight "
            "counts the packet once", HFILL } },
        { &hf_port_answered, { "Same port answered another client in frame", "synsight.port_answered", FT_FRAMENUM,
            BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0, "While this attempt went unanswered, the server address "
            "and port sent a SYN/ACK to another client (the nearest such frame): the listener is up", HFILL } },
        { &hf_challenge_ack, { "ACK for an older connection, answering the SYN in frame", "synsight.challenge_ack",
            FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "A challenge ACK (RFC 5961 section 4): "
            "the server still holds a connection on this 4-tuple and answered the SYN with that connection's ACK",
            HFILL } },
        { &hf_options_dropped, { "Options dropped from this SYN", "synsight.syn.options_dropped", FT_STRING, BASE_NONE,
            NULL, 0x0, "Options the attempt's first SYN carried and this one lacks: ws, ts, sack (comma-separated)",
            HFILL } },
        { &hf_ecn_fallback, { "ECN fallback: the answered SYN did not ask for ECN", "synsight.ecn_fallback", FT_NONE,
            BASE_NONE, NULL, 0x0, "The attempt's first SYN was an ECN-setup SYN (ECE and CWR), the SYN answered was "
            "not: the path drops ECN-setup SYNs", HFILL } },
        { &hf_syn_stack, { "Sender's stack (from the SYN train)", "synsight.syn.stack", FT_STRING, BASE_NONE, NULL, 0x0,
            "linux, linux-linear, apple-bsd, windows or unknown: named only where the schedule and the options agree",
            HFILL } },
        { &hf_syn_gives_up, { "connect() gives up after", "synsight.syn.gives_up", FT_RELATIVE_TIME, BASE_NONE, NULL,
            0x0, "Time from the first SYN at which that stack's connect() fails with ETIMEDOUT at its default limit",
            HFILL } },
        { &hf_app_gave_up, { "The application gave up, not the kernel", "synsight.app_gave_up", FT_NONE, BASE_NONE,
            NULL, 0x0, "The SYNs stopped before the stack's limit while the capture went on: the application's own "
            "connect timeout ended the attempt", HFILL } },
        { &hf_kernel_gave_up, { "The kernel gave up at a lowered limit", "synsight.kernel_gave_up", FT_UINT32,
            BASE_DEC, NULL, 0x0, "The SYNs stopped early and the client tried again exactly when its kernel would "
            "have sent the next: tcp_syn_retries was lowered to this", HFILL } },
        { &hf_synack_acked_in, { "The client's ACK of this SYN/ACK is in frame", "synsight.synack.acked_in",
            FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0, "The server sent its SYN/ACK again although "
            "the capture holds the client's ACK: it was lost after the capture point, or the listener did not take "
            "it (TCP_DEFER_ACCEPT, a full accept queue)", HFILL } },
    };
    static int *ett[] = { &ett_synsight };
    static ei_register_info ei[] = {
        { &ei_syn_retry, { "synsight.expert.syn_retry", PI_SEQUENCE, PI_WARN, "SYN retransmission", EXPFILL } },
        { &ei_unanswered, { "synsight.expert.unanswered", PI_SEQUENCE, PI_WARN, "Connection attempt never answered", EXPFILL } },
        { &ei_superseded, { "synsight.expert.superseded", PI_SEQUENCE, PI_NOTE,
            "Connection attempt abandoned for a new one on the same addresses and ports", EXPFILL } },
        { &ei_answered_late, { "synsight.expert.answered_late", PI_SEQUENCE, PI_NOTE, "Connection attempt answered after SYN retries", EXPFILL } },
        { &ei_synack_retry, { "synsight.expert.synack_retry", PI_SEQUENCE, PI_WARN, "SYN/ACK retransmission", EXPFILL } },
        { &ei_simultaneous_open, { "synsight.expert.simultaneous_open", PI_SEQUENCE, PI_CHAT, "Simultaneous open", EXPFILL } },
        { &ei_refused_rst, { "synsight.expert.refused_rst", PI_RESPONSE_CODE, PI_NOTE, "RST refuses a connection attempt", EXPFILL } },
        { &ei_refused_icmp, { "synsight.expert.refused_icmp", PI_RESPONSE_CODE, PI_WARN, "ICMP error refuses a connection attempt", EXPFILL } },
        { &ei_udp_unreachable, { "synsight.expert.udp_unreachable", PI_RESPONSE_CODE, PI_NOTE, "ICMP error answers a UDP datagram", EXPFILL } },
        { &ei_scale_unknown, { "synsight.expert.scale_unknown", PI_SEQUENCE, PI_NOTE,
            "Window scale unknown: the handshake is not in the capture", EXPFILL } },
        { &ei_window_misread, { "synsight.expert.window_misread", PI_SEQUENCE, PI_WARN,
            "Apparent window overrun: the window is scaled", EXPFILL } },
        { &ei_synack_not_captured, { "synsight.expert.synack_not_captured", PI_SEQUENCE, PI_NOTE,
            "Connection attempt answered: the SYN/ACK is not in the capture", EXPFILL } },
        { &ei_answered_through_crossing, { "synsight.expert.answered_through_crossing", PI_SEQUENCE, PI_CHAT,
            "Connection attempt answered through a crossing SYN", EXPFILL } },
        { &ei_pending, { "synsight.expert.pending", PI_SEQUENCE, PI_NOTE,
            "Too early to tell: the capture ended before a SYN retransmission was due", EXPFILL } },
        { &ei_one_direction, { "synsight.expert.one_direction", PI_SEQUENCE, PI_NOTE,
            "Connection seen in one direction only", EXPFILL } },
        { &ei_unanswered_unproven, { "synsight.expert.unanswered_unproven", PI_SEQUENCE, PI_NOTE,
            "No reply in the capture, but no proof of a drop either", EXPFILL } },
        { &ei_syn_flood, { "synsight.expert.syn_flood", PI_SEQUENCE, PI_WARN,
            "Many unanswered one-SYN attempts to one destination: a SYN flood or a scan", EXPFILL } },
        { &ei_copy, { "synsight.expert.copy", PI_SEQUENCE, PI_CHAT,
            "The same packet captured again: not a retransmission", EXPFILL } },
        { &ei_copies, { "synsight.expert.copies", PI_SEQUENCE, PI_NOTE,
            "The capture holds packets more than once", EXPFILL } },
        { &ei_time_order, { "synsight.expert.time_order", PI_SEQUENCE, PI_NOTE,
            "The capture's frames are not in time order", EXPFILL } },
        { &ei_syn_data_ignored, { "synsight.expert.syn_data_ignored", PI_SEQUENCE, PI_NOTE,
            "The server ignored the data in the SYN (TCP Fast Open)", EXPFILL } },
        { &ei_quote_cut, { "synsight.expert.quote_cut", PI_SEQUENCE, PI_NOTE,
            "The snaplen cut this ICMP error's quote before its ports: it names no connection", EXPFILL } },
        { &ei_snaplen, { "synsight.expert.snaplen", PI_SEQUENCE, PI_NOTE,
            "The capture's snaplen cuts ICMP quotes", EXPFILL } },
        { &ei_challenge_ack, { "synsight.expert.challenge_ack", PI_SEQUENCE, PI_NOTE,
            "The server answered a SYN with the ACK of an older connection (challenge ACK)", EXPFILL } },
        { &ei_options_dropped, { "synsight.expert.options_dropped", PI_SEQUENCE, PI_WARN,
            "A late SYN retransmission dropped options the first SYN carried", EXPFILL } },
        { &ei_ecn_fallback, { "synsight.expert.ecn_fallback", PI_SEQUENCE, PI_NOTE,
            "ECN fallback: the ECN-setup SYN went unanswered, the SYN without ECN was answered", EXPFILL } },
        { &ei_app_gave_up, { "synsight.expert.app_gave_up", PI_SEQUENCE, PI_NOTE,
            "The application's own connect timeout ended the attempt", EXPFILL } },
        { &ei_kernel_gave_up, { "synsight.expert.kernel_gave_up", PI_SEQUENCE, PI_NOTE,
            "The kernel gave up at a lowered SYN retry limit", EXPFILL } },
    };

    proto_synsight = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    hfi_syn_stack = proto_registrar_get_nth((guint)hf_syn_stack);
    hfi_syn_gives_up = proto_registrar_get_nth((guint)hf_syn_gives_up);
    hfi_port_answered = proto_registrar_get_nth((guint)hf_port_answered);
    hfi_syn_schedule = proto_registrar_get_nth((guint)hf_syn_schedule);
    hfi_syn_schedule_clock = proto_registrar_get_nth((guint)hf_syn_schedule_clock);
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto);
    expert_register_field_array(expert, ei, array_length(ei));
    ei_registered = ei;
    ei_registered_count = array_length(ei);

    module_t *prefs = prefs_register_protocol(proto, NULL);
    prefs_register_bool_preference(prefs, "info_column", "Show findings in the Info column",
        "Append a short bracketed tag, such as [SYN retry 3 of #6] or [refuses #5: ECONNREFUSED], to the Info "
        "column of every frame synsight has something to say about", &info_column_on);
    prefs_register_uint_preference(prefs, "flood_sources", "SYN flood summary from this many sources",
        "One expert item sums up a destination whose unanswered one-SYN attempts came from at least this many "
        "distinct sources (a SYN flood or a scan), on the first of them, so that Expert Information stays usable; "
        "0 turns it off. The attempts keep their own items. Needs every frame read (Wireshark, tshark -2)",
        10, &flood_min_sources);
}

/* Expert sentences live in Wireshark's 240-byte item labels: a sentence is a
 * core that always fits plus clauses added only where they fit, so nothing
 * is cut off mid-word. */
#define SENTENCE_MAX (ITEM_LABEL_LENGTH - 1)

typedef struct sentence {
    char text[SENTENCE_MAX + 1];
} sentence;

/* Adds a clause if it fits; returns whether it did. */
static bool sentence_add_str(sentence *s, const char *clause)
{
    size_t used = strlen(s->text), len = strlen(clause);
    if (used + len > SENTENCE_MAX)
        return false;
    memcpy(s->text + used, clause, len + 1);
    return true;
}

/* The same, formatted. */
static bool sentence_add(sentence *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool sentence_add(sentence *s, const char *fmt, ...)
{
    char clause[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(clause, sizeof clause, fmt, ap);
    va_end(ap);
    return sentence_add_str(s, clause);
}

static void say(packet_info *pinfo, proto_item *item, expert_field *ei, const sentence *s)
{
    SAY_FORMAT(pinfo, item, ei, "%s", s->text);
}

/* "N SYN" or "N SYNs" */
static void text_syns(ss_text *t, uint32_t n)
{
    ss_text_uint(t, n);
    if (n == 1)
        SS_TEXT_LIT(t, " SYN");
    else
        SS_TEXT_LIT(t, " SYNs");
}

/* FT_UINT32 and FT_FRAMENUM fields alike */
static proto_item *add_uint(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t v)
{
    proto_item *it = proto_tree_add_uint(tree, hf, tvb, 0, 0, v);
    proto_item_set_generated(it);
    return it;
}

/* Shown as a person reads a gap, "1.024 s"; the field keeps nanoseconds. */
static proto_item *add_time(proto_tree *tree, int hf, tvbuff_t *tvb, int64_t ns)
{
    nstime_t t = ss_nstime_of(ns);
    proto_item *it = proto_tree_add_time_format_value(tree, hf, tvb, 0, 0, &t, "%.3f s", ss_time_seconds(ns));
    proto_item_set_generated(it);
    return it;
}

static proto_item *add_string(proto_tree *tree, int hf, tvbuff_t *tvb, const char *s)
{
    proto_item *it = proto_tree_add_string(tree, hf, tvb, 0, 0, s);
    proto_item_set_generated(it);
    return it;
}

static proto_item *add_presence(proto_tree *tree, int hf, tvbuff_t *tvb)
{
    proto_item *it = proto_tree_add_item(tree, hf, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(it);
    return it;
}

static void server_endpoint(const ss_attempt *a, char *buf, size_t size)
{
    ss_tuple tuple = ss_attempt_tuple(a);
    ss_format_endpoint(&tuple.dst, tuple.dport, buf, size);
}

/* The trap in the user's terms: which message handed out the port the
 * failed attempt went to, and what blocks exactly such connections; a
 * shorter form when the long one does not fit. */
static void announced_sentence(sentence *s, const ss_attempt *a, bool refused)
{
    const ss_announcement *ann = ss_attempt_announced(a);
    const ss_announcer_info *about = ss_announcer_about(ann->by);
    if (!about)
        return;
    uint16_t server_port = ss_attempt_tuple(a).dport;
    if (ann->by == SS_ANNOUNCER_DCERPC_EPM) {
        if (!sentence_add(s, ". Port %u was handed out by the DCE/RPC endpoint mapper in frame %u: a firewall that "
                          "allows %u but not the dynamic RPC range %s exactly this", server_port, ann->frame,
                          ann->service_port, refused ? "refuses" : "drops"))
            sentence_add(s, ". The endpoint mapper handed out port %u in frame %u: %u is allowed, the dynamic RPC "
                         "range is not", server_port, ann->frame, ann->service_port);
    } else {
        /* FTP: the longest form that fits */
        const char *lead = about->from_client ? "The FTP client asked the server to connect to this port"
                                              : "The FTP server offered this data port";
        if (!sentence_add(s, ". %s in frame %u (%s): the control connection works, the data connection is blocked",
                          lead, ann->frame, about->message) &&
            !sentence_add(s, ". %s in frame %u (%s): the data connection is blocked", lead, ann->frame,
                          about->message))
            sentence_add(s, ". %s in frame %u: the data connection is blocked", lead, ann->frame);
    }
}

static void render_announced(proto_tree *tree, tvbuff_t *tvb, const ss_attempt *a)
{
    const ss_announcement *ann = ss_attempt_announced(a);
    add_uint(tree, hf_announced_in, tvb, ann->frame);
    add_string(tree, hf_announced_by, tvb, ss_announcer_about(ann->by)->name);
}

/* "1,000,000" */
static void thousands(uint32_t n, char *buf, size_t size)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%u", n);
    size_t len = strlen(digits), out = 0;
    for (size_t i = 0; i < len && out + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[out++] = ',';
        buf[out++] = digits[i];
    }
    buf[out] = '\0';
}

static void render_flood(packet_info *pinfo, proto_item *item, const ss_flood *f)
{
    char dest[80], attempts[16], sources[16];
    ss_format_endpoint(&f->addr, f->port, dest, sizeof dest);
    thousands(f->attempts, attempts, sizeof attempts);
    thousands(f->sources, sources, sizeof sources);
    SAY_FORMAT(pinfo, item, &ei_syn_flood,
        "%s received %s unanswered SYN%s from %s source%s in %.1f s: a SYN flood or a scan, not a firewall drop",
        dest, attempts, f->attempts == 1 ? "" : "s", sources, f->sources == 1 ? "" : "s",
        ss_time_seconds(ss_time_diff(f->last_ns, f->first_ns)));
}

/* " (exponential backoff)" or "" */
static void schedule_phrase(ss_schedule s, char *buf, size_t size)
{
    const char *name = ss_schedule_name(s);
    if (name && s != SS_SCHEDULE_IRREGULAR)
        snprintf(buf, size, " (%s backoff)", name);
    else if (name)
        snprintf(buf, size, " (irregular gaps)");
    else
        buf[0] = '\0';
}

static void render_crossing(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, uint32_t crosses)
{
    proto_item *it = add_uint(tree, hf_simultaneous_open, tvb, crosses);
    SAY_FORMAT(pinfo, it, &ei_simultaneous_open,
        "Simultaneous open: this SYN crosses the SYN in frame %u from the other end; valid TCP "
        "(RFC 9293 \xc2\xa7" "3.5), not a failure, though Wireshark marks the SYN/ACKs that follow as retransmissions",
        crosses);
}

/* "SYN retransmission I of the attempt in frame F, G s after the previous
 * one (backoff xB)", or "... after the first SYN" for the first retry:
 * written on every retransmitted SYN, so without printf (ss_text). */
static void say_syn_retry(packet_info *pinfo, proto_item *retry, uint32_t i, uint32_t first, int64_t gap,
                          double backoff)
{
    if (!expert_read(pinfo, retry, &ei_syn_retry))
        return;
    char buf[SENTENCE_MAX + 1];
    ss_text t = ss_text_in(buf, sizeof buf);
    SS_TEXT_LIT(&t, "SYN retransmission ");
    ss_text_uint(&t, i);
    SS_TEXT_LIT(&t, " of the attempt in frame ");
    ss_text_uint(&t, first);
    SS_TEXT_LIT(&t, ", ");
    ss_text_seconds(&t, gap, 2);
    if (i >= 2) {
        SS_TEXT_LIT(&t, " s after the previous one (backoff \xc3\x97");
        ss_text_fixed(&t, backoff, 1);
        SS_TEXT_LIT(&t, ")");
    } else {
        SS_TEXT_LIT(&t, " s after the first SYN");
    }
    expert_add_info_format(pinfo, retry, &ei_syn_retry, "%s", buf);
}

/* The options a SYN may lose, in the order they are named: the field's
 * short name and what the connection runs without. */
static const struct {
    unsigned bit;
    const char *name, *meaning;
} syn_options[] = {
    { SS_SYN_WS, "ws", "window scaling (windows capped at 64 KiB, both ways: RFC 7323 \xc2\xa7" "2.2)" },
    { SS_SYN_TS, "ts", "timestamps" },
    { SS_SYN_SACK, "sack", "SACK" },
};

/* "ws,ts,sack" (names) or "window scaling (...), timestamps and SACK" */
static void options_list(unsigned lost, bool names, char *buf, size_t size)
{
    ss_text t = ss_text_in(buf, size);
    unsigned left = lost & SS_SYN_OPTIONS;
    for (size_t i = 0; i < G_N_ELEMENTS(syn_options); i++) {
        if (!(left & syn_options[i].bit))
            continue;
        if (t.len)
            ss_text_str(&t, names ? "," : (left & ~syn_options[i].bit) ? ", " : " and ");
        ss_text_str(&t, names ? syn_options[i].name : syn_options[i].meaning);
        left &= ~syn_options[i].bit;
    }
}

static void render_options_dropped(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt_note *n)
{
    unsigned lost = n->options_dropped & SS_SYN_OPTIONS;
    if (!lost)
        return;
    char names[24];
    options_list(lost, true, names, sizeof names);
    proto_item *it = add_string(tree, hf_options_dropped, tvb, names);
    sentence say_this = { "" };
    sentence_add(&say_this, "SYN retransmission %u carries no %s option%s, which the first SYN (frame %u) had",
                 n->syn_index, names, strchr(names, ',') ? "s" : "", n->attempt->first_syn.frame);
    sentence_add_str(&say_this, ": macOS, iOS and FreeBSD drop them from the 3rd retransmission on");
    sentence_add_str(&say_this, "; answered now, the connection runs without them for its whole life");
    say(pinfo, it, &ei_options_dropped, &say_this);
}

/* Whose stack, and when it gives up: on every SYN of an attempt shown. */
static void render_stack(proto_tree *tree, tvbuff_t *tvb, const ss_attempt *a, const ss_attempt_causes *c)
{
    if (a->syn_count < 2 || !(c->read & SS_CAUSE_STACK))
        return;
    add_string(tree, hf_syn_stack, tvb, ss_stack_name(c->stack.stack));
    if (c->stack.stack != SS_STACK_UNKNOWN && c->stack.gives_up_ns)
        add_time(tree, hf_syn_gives_up, tvb, c->stack.gives_up_ns);
}

/* Who gave up on an attempt whose SYNs stopped early: on its first SYN. */
static void render_gave_up(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt *a,
                           const ss_attempt_causes *c)
{
    const ss_give_up_reading *g = &c->gave_up;
    sentence say_this = { "" };
    if (g->who == SS_GAVE_UP_APP) {
        proto_item *it = add_presence(tree, hf_app_gave_up, tvb);
        sentence_add(&say_this, "The client's stack (%s) sends %u SYNs over %.0f s before connect() fails (%s); these "
                     "stopped after %u", ss_stack_name(c->stack.stack), c->stack.max_syns,
                     ss_time_seconds(c->stack.gives_up_ns), c->stack.setting, a->syn_count);
        sentence_add(&say_this, ": the application's own connect timeout ended it after %.1f to %.1f s, not the kernel",
                     ss_time_seconds(g->from_ns), ss_time_seconds(g->by_ns));
        if (g->next_attempt)
            sentence_add(&say_this, " (next try: frame %u)", g->next_attempt);
        sentence_add_str(&say_this, "; raising tcp_syn_retries changes nothing");
        say(pinfo, it, &ei_app_gave_up, &say_this);
    } else if (g->who == SS_GAVE_UP_KERNEL_LOWERED) {
        proto_item *it = add_uint(tree, hf_kernel_gave_up, tvb, g->lowered_retries);
        sentence_add(&say_this, "connect() failed at the kernel's own limit, lowered: ");
        if (g->earlier_attempt)
            sentence_add(&say_this, "as for the client's attempt in frame %u, whose next try came when its next SYN "
                         "was due", g->earlier_attempt);
        else
            sentence_add(&say_this, "the client's next try (frame %u) came %.1f s after the first SYN, just when the "
                         "next SYN was due", g->next_attempt, ss_time_seconds(g->by_ns));
        sentence_add(&say_this, ": tcp_syn_retries=%u (the default, 6, gives up after 127 s)", g->lowered_retries);
        say(pinfo, it, &ei_kernel_gave_up, &say_this);
    }
}

static void render_syn(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt_note *n, bool final,
                       bool attempt_shows, const ss_capture_facts *facts, const ss_flood *flood,
                       const ss_attempt_causes *causes)
{
    const ss_attempt *a = n->attempt;
    uint32_t i = n->syn_index;
    /* single pass: the attempt holds exactly the SYNs up to this one */
    uint32_t known = final ? a->syn_count : i + 1;

    if (n->crosses)
        render_crossing(tree, pinfo, tvb, n->crosses);
    if (!attempt_shows)
        return;
    add_uint(tree, hf_attempt, tvb, a->first_syn.frame);
    if (i > 0) {
        int64_t gap = ss_attempt_gap_ns(a, i);
        proto_item *retry = add_uint(tree, hf_syn_retry, tvb, i);
        add_time(tree, hf_syn_gap, tvb, gap);
        add_time(tree, hf_syn_elapsed, tvb, ss_attempt_elapsed_ns(a, ss_attempt_syn(a, i).time_ns));
        double backoff = i >= 2 ? ss_attempt_backoff(a, i) : 0;
        if (i >= 2) {
            /* a ratio to two decimals: "2.00", not 1.99895720435 */
            proto_item *it = proto_tree_add_double_format_value(tree, hf_syn_backoff, tvb, 0, 0, backoff, "%.2f", backoff);
            proto_item_set_generated(it);
        }
        const ss_attempt_rare *rare = ss_attempt_rare_part(a);
        if (ss_attempt_syn_resent_after_challenge(a, i)) {
            /* not lost: sent again at once after the challenge ACK */
            sentence say_this = { "" };
            sentence_add(&say_this, "SYN sent again %.3f s after the SYN in frame %u, not for want of an answer: the "
                         "server answered that one with an ACK for an older connection (frame %u)",
                         ss_time_seconds(gap), rare->challenged_syn, rare->challenge_ack);
            if (rare->challenge_rst)
                sentence_add(&say_this, ", the client reset it (frame %u)", rare->challenge_rst);
            sentence_add_str(&say_this, "; not a lost SYN, whatever Wireshark calls it");
            say(pinfo, retry, &ei_syn_retry, &say_this);
        } else {
            say_syn_retry(pinfo, retry, i, a->first_syn.frame, gap, backoff);
        }
        render_options_dropped(tree, pinfo, tvb, n);
    }
    if (final)
        add_uint(tree, hf_syn_count, tvb, a->syn_count);
    /* the schedule is read again at every SYN: only when a field wants it */
    if (known >= 3 && (referenced(tree, hfi_syn_schedule) || referenced(tree, hfi_syn_schedule_clock))) {
        ss_schedule_clock clock;
        add_string(tree, hf_syn_schedule, tvb, ss_schedule_name(ss_attempt_schedule(a, known, &clock)));
        add_string(tree, hf_syn_schedule_clock, tvb, ss_schedule_clock_name(clock));
    }
    if (known >= 3)
        add_time(tree, hf_syn_initial_rto, tvb, ss_attempt_gap_ns(a, 1));
    if (!final)
        return;

    ss_outcome end = ss_attempt_final_outcome(a, facts->end_ns);
    proto_item *outcome = add_string(tree, hf_outcome, tvb, ss_outcome_name(end));
    if (flood)
        render_flood(pinfo, outcome, flood);
    if (ss_attempt_outcome_frame(a))
        add_uint(tree, hf_outcome_in, tvb, ss_attempt_outcome_frame(a));
    if (ss_attempt_answer_not_captured(a))
        add_presence(tree, hf_answer_not_captured, tvb);
    if (causes) {
        if (causes->port_answered)
            add_uint(tree, hf_port_answered, tvb, causes->port_answered);
        render_stack(tree, tvb, a, causes);
    }
    if (i != 0)
        return;
    if (causes)
        render_gave_up(tree, pinfo, tvb, a, causes);
    ss_no_reply no_reply = ss_attempt_no_reply(a, facts->end_ns);
    char server[80];
    server_endpoint(a, server, sizeof server);
    int64_t span = ss_attempt_span_ns(a);
    sentence say_this = { "" };
    if (end == SS_OUTCOME_PENDING) {
        /* the filter hint before the RTO's reason: it is the likelier cause of a lone SYN */
        sentence_add(&say_this, "Too early to tell: the capture ends %.2f s after the only SYN of this connection "
                     "attempt to %s, before a retry was due", ss_time_seconds(ss_attempt_elapsed_ns(a, facts->end_ns)),
                     server);
        if (facts->only_tcp)
            sentence_add_str(&say_this, ". Every packet here is TCP: a capture filter may have hidden an ICMP refusal");
        sentence_add_str(&say_this, " (the smallest initial RTO is 1 s)");
        say(pinfo, outcome, &ei_pending, &say_this);
    } else if (end == SS_OUTCOME_UNANSWERED && no_reply != SS_NO_REPLY_PERSISTENT) {
        /* one or two SYNs and silence: no proof of a drop (every lone SYN of
         * a flood: the sentence only when it reaches anyone) */
        if (!expert_read(pinfo, outcome, &ei_unanswered_unproven))
            return;
        int64_t after = ss_time_diff(facts->end_ns, ss_attempt_syn(a, a->syn_count - 1).time_ns);
        if (no_reply == SS_NO_REPLY_STOPPED) {
            /* every lone SYN of a flood: without printf */
            char clause[512];     /* as sentence_add: a clause too long is left out whole */
            ss_text t = ss_text_in(clause, sizeof clause);
            SS_TEXT_LIT(&t, "Connection attempt to ");
            ss_text_str(&t, server);
            SS_TEXT_LIT(&t, ": no reply, but the client stopped after ");
            text_syns(&t, a->syn_count);
            SS_TEXT_LIT(&t, " though the capture went on ");
            ss_text_seconds(&t, after, 1);
            SS_TEXT_LIT(&t, " s: it got an answer the capture lacks, or gave up");
            sentence_add_str(&say_this, clause);
        } else {
            sentence_add(&say_this, "Connection attempt to %s: %u SYN%s, no reply; the capture ends %.2f s after the "
                         "last, too soon for a retry to be sure: too early to call it a drop",
                         server, a->syn_count, a->syn_count == 1 ? "" : "s", ss_time_seconds(after));
        }
        if (ss_attempt_announced(a))
            announced_sentence(&say_this, a, false);
        if (facts->one_direction)
            sentence_add_str(&say_this, ". The capture holds one direction only");
        else if (facts->only_tcp)
            sentence_add_str(&say_this, ". Every packet here is TCP: a capture filter may have hidden an ICMP refusal");
        say(pinfo, outcome, &ei_unanswered_unproven, &say_this);
    } else if (end == SS_OUTCOME_UNANSWERED) {
        /* the schedule is read again from the train: only for a sentence that reaches anyone */
        if (!expert_read(pinfo, outcome, &ei_unanswered))
            return;
        if (ss_attempt_announced(a)) {
            /* the announcement says more than the schedule: room for it first */
            sentence_add(&say_this, "Connection attempt to %s never answered: %u SYNs over %.1f s", server,
                         a->syn_count, ss_time_seconds(span));
            announced_sentence(&say_this, a, false);
        } else if (causes && causes->port_answered) {
            /* the same port answered others meanwhile: not a firewall in front of the whole service */
            sentence_add(&say_this, "Connection attempt to %s never answered: %u SYNs over %.1f s, while the port "
                         "answered others (frame %u)", server, a->syn_count, ss_time_seconds(span),
                         causes->port_answered);
            sentence_add_str(&say_this, ": the listener is up; suspect a full accept queue (ss -ltn Recv-Q, nstat "
                             "ListenOverflows)");
            sentence_add_str(&say_this, ", a per-source rule or a rate limit");
        } else {
            char sched[48];
            schedule_phrase(ss_attempt_schedule(a, a->syn_count, NULL), sched, sizeof sched);
            sentence_add(&say_this, "Connection attempt to %s never answered: %u SYNs over %.1f s%s, likely a silent "
                         "drop (firewall DROP or lost SYN/ACK)", server, a->syn_count, ss_time_seconds(span), sched);
        }
        /* the client's own retransmissions show no SYN/ACK reached it; a
         * refusal from the other side would not show in this capture */
        if (facts->one_direction)
            sentence_add_str(&say_this, ". The capture holds one direction only: a refusal would not show");
        /* Wireshark 4.0 does not let a dissector read the capture filter the
         * file records; a capture of nothing but TCP is the evidence we have. */
        if (facts->only_tcp)
            sentence_add_str(&say_this, ". Every packet here is TCP: a capture filter may have hidden an ICMP refusal");
        say(pinfo, outcome, &ei_unanswered, &say_this);
    } else if (a->outcome == SS_OUTCOME_SUPERSEDED) {
        add_uint(tree, hf_superseded_by, tvb, ss_attempt_superseded_by(a));
        sentence_add(&say_this, "Connection attempt to %s abandoned after %u SYN%s over %.1f s: the application "
                     "retried from the same port with a new ISN in frame %u",
                     server, a->syn_count, a->syn_count == 1 ? "" : "s", ss_time_seconds(span), ss_attempt_superseded_by(a));
        say(pinfo, outcome, &ei_superseded, &say_this);
    }
}

/* What the SYN that was answered lacked: the connection runs without it. */
static void render_answered_without(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt *a,
                                    proto_item *outcome)
{
    unsigned lost = ss_attempt_answered_lost(a);
    if (lost & SS_SYN_OPTIONS) {
        char meaning[160];
        options_list(lost, false, meaning, sizeof meaning);
        sentence say_this = { "" };
        sentence_add(&say_this, "The SYN this answers lacked options the first SYN (frame %u) carried: the "
                     "connection runs without %s for its whole life", a->first_syn.frame, meaning);
        say(pinfo, outcome, &ei_options_dropped, &say_this);
    }
    if (ss_attempt_ecn_fallback(a)) {
        proto_item *it = add_presence(tree, hf_ecn_fallback, tvb);
        sentence say_this = { "" };
        sentence_add(&say_this, "ECN fallback: the ECN-setup SYN (frame %u) went unanswered, the SYN without ECN was "
                     "answered: a middlebox drops ECN-setup SYNs", a->first_syn.frame);
        sentence_add(&say_this, "; every new connection through it pays the first RTO (%.1f s here)",
                     ss_time_seconds(ss_attempt_gap_ns(a, 1)));
        say(pinfo, it, &ei_ecn_fallback, &say_this);
    }
}

static void render_outcome(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt_note *n, bool final,
                           const ss_attempt_causes *causes)
{
    const ss_attempt *a = n->attempt;
    add_uint(tree, hf_attempt, tvb, a->first_syn.frame);
    add_uint(tree, hf_answers, tvb, n->answers);
    add_time(tree, hf_syn_elapsed, tvb, ss_attempt_elapsed_ns(a, ss_time_of(&pinfo->abs_ts)));
    add_uint(tree, hf_syn_count, tvb, final ? a->syn_count : ss_attempt_syns_at_outcome(a));
    /* A refusal the client ignored (it sent the SYN again) did not end the attempt. */
    bool ended_here = ss_attempt_outcome_frame(a) == pinfo->num;
    if (!ended_here)
        return;
    proto_item *outcome = add_string(tree, hf_outcome, tvb, ss_outcome_name(a->outcome));
    if (a->outcome != SS_OUTCOME_ANSWERED)
        return;
    char server[80];
    server_endpoint(a, server, sizeof server);
    double took = ss_time_seconds(ss_attempt_elapsed_ns(a, ss_attempt_outcome_time_ns(a)));
    if (causes && causes->port_answered)
        add_uint(tree, hf_port_answered, tvb, causes->port_answered);
    if (ss_attempt_syns_at_outcome(a) >= 2 && a->evidence == SS_EVIDENCE_SYNACK) {
        sentence say_this = { "" };
        sentence_add(&say_this, "SYN/ACK from %s answers the connection attempt in frame %u only after %u SYNs: "
                     "connect() took %.2f s", server, a->first_syn.frame, ss_attempt_syns_at_outcome(a), took);
        if (ss_attempt_challenge_ack(a))
            sentence_add(&say_this, ". The server had answered the first with a challenge ACK (frame %u): an older "
                         "connection on these ports", ss_attempt_challenge_ack(a));
        else if (causes && causes->port_answered)
            sentence_add(&say_this, ". Meanwhile the port answered others (frame %u): a full accept queue or SYN "
                         "backlog dropped the first SYNs, not a firewall", causes->port_answered);
        say(pinfo, outcome, &ei_answered_late, &say_this);
    } else if (ss_attempt_syns_at_outcome(a) >= 2)
        SAY_FORMAT(pinfo, outcome, &ei_answered_late,
            "The connection attempt to %s in frame %u was answered only after %u SYNs: this frame, %.2f s after the "
            "first SYN, is the first that shows it", server, a->first_syn.frame, ss_attempt_syns_at_outcome(a), took);
    render_answered_without(tree, pinfo, tvb, a, outcome);
    if (ss_attempt_syn_data_ignored(a))
        SAY_FORMAT(pinfo, outcome, &ei_syn_data_ignored,
            "This SYN/ACK acknowledges ISN + 1 only: %s ignored the %u bytes of data in the SYN (TCP Fast Open "
            "without a valid cookie, or TFO off on the server); the client sends them again after the handshake, "
            "one round trip later", server, ss_attempt_syn_data_len(a));
    if (ss_attempt_answered_through_crossing(a)) {
        proto_item *it = add_uint(tree, hf_answered_through_crossing, tvb, ss_attempt_crossed_by(a));
        SAY_FORMAT(pinfo, it, &ei_answered_through_crossing,
            "The connection attempt in frame %u was answered through the crossing SYN in frame %u: the two ends "
            "exchanged SYNs (a split handshake or simultaneous open), then ACKs; valid TCP, not a failure",
            a->first_syn.frame, ss_attempt_crossed_by(a));
    } else if (ss_attempt_answer_not_captured(a)) {
        static const char *const proof[] = {
            [SS_EVIDENCE_CLIENT_ACK] = "the client's segment with seq = ISN + 1, which it sends only after a SYN/ACK",
            [SS_EVIDENCE_CLIENT_RST] = "the client's RST with seq = ISN + 1: its kernel reset a SYN/ACK it did not "
                                       "expect, as in a port scan",
            [SS_EVIDENCE_SERVER_ACK] = "the server's segment acknowledging ISN + 1",
        };
        proto_item *it = add_presence(tree, hf_answer_not_captured, tvb);
        sentence say_this = { "" };
        sentence_add(&say_this, "The SYN/ACK from %s answering the attempt in frame %u is not in the capture: this "
                     "frame proves the handshake went through (%s)", server, a->first_syn.frame, proof[a->evidence]);
        if (ss_attempt_syn_data_len(a))
            sentence_add(&say_this, ". ISN + 1 counts the %u bytes of data the SYN carried, if the server took "
                         "them (TCP Fast Open)", ss_attempt_syn_data_len(a));
        sentence_add_str(&say_this, ". The capture holds one direction only, or lost packets");
        say(pinfo, it, &ei_synack_not_captured, &say_this);
    }
}

static void render_synack_retry(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt_note *n,
                                bool final, const ss_synack_train *train)
{
    proto_item *retry = add_uint(tree, hf_synack_retry, tvb, n->synack_retry);
    add_time(tree, hf_synack_gap, tvb, n->synack_gap_ns);
    if (!n->synack_acked_by) {
        SAY_FORMAT(pinfo, retry, &ei_synack_retry,
            "SYN/ACK retransmission %u, %.2f s after the previous SYN/ACK: the client's ACK is not in the capture "
            "(its SYN/ACK or the ACK was lost, or the client sent its SYN again)",
            n->synack_retry, ss_time_seconds(n->synack_gap_ns));
        return;
    }
    add_uint(tree, hf_synack_acked_in, tvb, n->synack_acked_by);
    sentence say_this = { "" };
    sentence_add(&say_this, "SYN/ACK retransmission %u, %.2f s after the previous, though the client's ACK is in the "
                 "capture (frame %u)", n->synack_retry, ss_time_seconds(n->synack_gap_ns), n->synack_acked_by);
    if (final && train && train->data_by && train->last_ns <= train->data_ns)
        sentence_add(&say_this, ": the listener waits for data, as with TCP_DEFER_ACCEPT; the client's first data "
                     "(frame %u) ended the retransmissions", train->data_by);
    else if (sentence_add_str(&say_this, ": lost after the capture point, or the listener did not take it"))
        sentence_add_str(&say_this, " (full accept queue, tcp_abort_on_overflow=0; TCP_DEFER_ACCEPT)");
    say(pinfo, retry, &ei_synack_retry, &say_this);
}

/* A server's ACK for an older connection, answering a SYN (RFC 5961 section 4). */
static void render_challenge_ack(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_attempt_note *n,
                                 const ss_attempt_causes *causes)
{
    const ss_attempt *a = n->attempt;
    const ss_attempt_rare *rare = ss_attempt_rare_part(a);
    proto_item *it = add_uint(tree, hf_challenge_ack, tvb, n->challenge_of);
    add_uint(tree, hf_attempt, tvb, a->first_syn.frame);
    sentence say_this = { "" };
    sentence_add(&say_this, "Not an answer to the SYN in frame %u: a challenge ACK (RFC 5961 \xc2\xa7" "4); the server "
                 "still holds an older connection on these ports", n->challenge_of);
    if (causes && causes->earlier_connection)
        sentence_add(&say_this, " (from frame %u)", causes->earlier_connection);
    if (rare && rare->challenge_rst)
        sentence_add(&say_this, "; the client's RST (frame %u) clears it and the SYN is sent again at once",
                     rare->challenge_rst);
    else
        sentence_add_str(&say_this, "; the client's RST clears it and the SYN is sent again at once");
    sentence_add_str(&say_this, " (its RST was lost, or the server sits in CLOSE_WAIT)");
    say(pinfo, it, &ei_challenge_ack, &say_this);
}

/* "ICMP port unreachable from 10.0.0.2", "TCP RST from 10.0.0.2:80" */
static void refusal_source(const ss_refusal_note *r, char *buf, size_t size)
{
    char from[80];
    if (r->by == SS_REFUSED_BY_RST) {
        ss_format_endpoint(&r->refused.dst, r->refused.dport, from, sizeof from);
        snprintf(buf, size, "TCP RST from %s", from);
    } else {
        ss_format_addr(&r->from, from, sizeof from);
        snprintf(buf, size, "%s %s from %s", r->by == SS_REFUSED_BY_ICMPV6 ? "ICMPv6" : "ICMP", r->code->meaning, from);
    }
}

static void render_refusal(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_frame_result *res, bool final)
{
    const ss_refusal_note *r = &res->refusal;
    char name[48];
    ss_refusal_name(r, name, sizeof name);
    proto_item *top = add_string(tree, hf_refusal, tvb, name);
    add_string(tree, hf_refusal_errno, tvb, r->code->errno_name);
    if (r->refuses)
        add_uint(tree, hf_refusal_refuses, tvb, r->refuses);
    add_string(tree, hf_refusal_proto, tvb, r->udp ? "udp" : "tcp");
    if (r->unverified)
        add_presence(tree, hf_refusal_unverified, tvb);

    char source[120], client[80], server[80];
    refusal_source(r, source, sizeof source);
    ss_format_endpoint(&r->refused.src, r->refused.sport, client, sizeof client);
    ss_format_endpoint(&r->refused.dst, r->refused.dport, server, sizeof server);
    bool refused_conn = r->code->closed_port;
    sentence say_this = { "" };

    if (r->udp) {
        if (r->refuses)
            sentence_add(&say_this, "%s answers the UDP datagram in frame %u", source, r->refuses);
        else
            sentence_add(&say_this, "%s answers a UDP datagram that is not in the capture", source);
        sentence_add(&say_this, " (%s \xe2\x86\x92 %s)", client, server);
        if (refused_conn) {
            sentence_add_str(&say_this, ": the port is closed (ECONNREFUSED on a connected socket)");
            sentence_add_str(&say_this, "; no such answer would not have proven it open");
        } else {
            sentence_add(&say_this, ": %s on a connected socket", r->code->errno_name);
        }
        say(pinfo, top, &ei_udp_unreachable, &say_this);
        return;
    }

    const ss_attempt *a = res->attempt.attempt;
    expert_field *ei = r->by == SS_REFUSED_BY_RST ? &ei_refused_rst : &ei_refused_icmp;
    if (a && final && ss_attempt_outcome_frame(a) != pinfo->num && r->by == SS_REFUSED_BY_RST) {
        /* Linux fails connect() at the first valid RST: a stack that sends
         * the SYN again retries refused connects (Windows: twice, 0.5 s apart) */
        int64_t again = ss_attempt_next_syn_after_ns(a, ss_time_of(&pinfo->abs_ts));
        sentence_add(&say_this, "%s refuses the SYN in frame %u, yet the client sent the same SYN again %.2f s later",
                     source, r->refuses, ss_time_seconds(again));
        if (ss_refused_retry_is_windows(again))
            sentence_add_str(&say_this, ": as Windows does, retrying a refused connect() twice, 0.5 s apart, before "
                             "WSAECONNREFUSED");
        else
            sentence_add_str(&say_this, ": its stack retries a refused connect() (Linux's fails at once)");
        if (ss_attempt_outcome_frame(a))
            sentence_add(&say_this, "; frame %u ended the attempt", ss_attempt_outcome_frame(a));
        say(pinfo, top, ei, &say_this);
        return;
    }
    if (a && final && ss_attempt_outcome_frame(a) != pinfo->num) {
        /* The client sent its SYN again: this error did not end connect(). */
        sentence_add(&say_this, "%s quotes the SYN in frame %u but did not end connect(): the SYN was sent again "
                     "(Linux ignores an error that arrives while the socket is busy)", source, r->refuses);
        if (ss_attempt_outcome_frame(a))
            sentence_add(&say_this, "; frame %u ended the attempt", ss_attempt_outcome_frame(a));
        say(pinfo, top, ei, &say_this);
        return;
    }
    if (a)
        sentence_add(&say_this, "%s refuses the connection attempt in frame %u", source, a->first_syn.frame);
    else
        sentence_add(&say_this, "%s refuses a connection attempt whose SYN is not in the capture", source);
    if (a && ss_attempt_announced(a)) {
        /* the announcement names the port: it goes before the addresses */
        sentence_add(&say_this, ": connect() fails with %s", r->code->errno_name);
        announced_sentence(&say_this, a, true);
        say(pinfo, top, ei, &say_this);
        return;
    }
    sentence_add(&say_this, " (%s \xe2\x86\x92 %s)", client, server);
    sentence_add(&say_this, ": connect() fails with %s", r->code->errno_name);
    if (r->unverified)  /* before the rest: the doubt matters more than the usual sender */
        sentence_add(&say_this, ". Unverified: a %u-byte snaplen cut the quoted seq; the one attempt open on "
                     "these ports", r->snaplen);
    if (refused_conn && ei == &ei_refused_icmp)
        sentence_add_str(&say_this, ", as for a TCP RST");
    if (a && r->by == SS_REFUSED_BY_RST && ss_attempt_resent_at_once(a))
        sentence_add(&say_this, " after %u SYNs, each refused (a stack that retries refused connects: Windows "
                     "does twice, 0.5 s apart)", a->syn_count);
    if (r->code->hint)
        sentence_add(&say_this, "; %s", r->code->hint);
    say(pinfo, top, ei, &say_this);
}

/* An ICMP error whose quote the snaplen cut before the ports: the host it
 * concerns, and no link. */
static void render_cut_quote(packet_info *pinfo, proto_item *top, const ss_refusal_note *r)
{
    char from[64], sender[64], to[64];
    ss_format_addr(&r->from, from, sizeof from);
    ss_format_addr(&r->refused.src, sender, sizeof sender);
    sentence say_this = { "" };
    sentence_add(&say_this, "%s %s from %s about a packet %s sent", r->by == SS_REFUSED_BY_ICMPV6 ? "ICMPv6" : "ICMP",
                 r->code->meaning, from, sender);
    if (r->refused.dst.family) {
        ss_format_addr(&r->refused.dst, to, sizeof to);
        sentence_add(&say_this, " to %s", to);
    }
    sentence_add(&say_this, ": the snaplen (%u bytes) cut the quote before its ports, so which connection it "
                 "concerns cannot be told; synsight links it to none", r->snaplen);
    say(pinfo, top, &ei_quote_cut, &say_this);
}

/* The first ICMP error whose quote the snaplen cut: the capture's note. */
static void render_snaplen(packet_info *pinfo, proto_item *top, bool final, const ss_capture_facts *facts)
{
    sentence say_this = { "" };
    sentence_add(&say_this, "The capture's snaplen (%u bytes) cuts ICMP quotes", facts->snaplen);
    if (final)
        sentence_add(&say_this, " (%u error%s here)", facts->cut_quotes, facts->cut_quotes == 1 ? "" : "s");
    sentence_add_str(&say_this, ": a refusal is matched without its quoted sequence number "
                     "(synsight.refusal.unverified), or not at all");
    sentence_add_str(&say_this, ". Capture whole packets (tcpdump -s 0) to keep them");
    say(pinfo, top, &ei_snaplen, &say_this);
}

static void render_window(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_window_note *w)
{
    if (w->one_sided)
        add_presence(tree, hf_window_one_sided, tvb);
    if (!w->scale_unknown)
        return;
    proto_item *unknown = add_presence(tree, hf_window_scale_unknown, tvb);
    add_uint(tree, hf_window_raw, tvb, w->raw);
    if (w->min_shift >= 0) {
        add_uint(tree, hf_window_min_shift, tvb, (uint32_t)w->min_shift);
        add_uint(tree, hf_window_min_size, tvb, (uint32_t)w->raw << w->min_shift);
    }
    if (w->first_in_direction) {
        sentence say_this = { "" };
        sentence_add_str(&say_this, "Window scale unknown: this connection's handshake is not in the capture, so the "
                         "windows this side advertises are raw values, not bytes");
        sentence_add_str(&say_this, "; synsight.window.min_shift gives a proven lower bound on the scale");
        say(pinfo, unknown, &ei_scale_unknown, &say_this);
    }
    if (!w->overrun)
        return;
    proto_item *overrun = add_presence(tree, hf_window_overrun, tvb);
    add_uint(tree, hf_window_in_flight, tvb, w->in_flight);
    if (w->peer_min_shift < 1)
        return;                 /* an earlier, larger window of the peer covers it */
    /* on every apparent overrun of a mid-stream connection: without printf,
     * and only when it reaches anyone */
    if (!expert_read(pinfo, overrun, &ei_window_misread))
        return;
    sentence say_this = { "" };
    char clause[512];     /* as sentence_add: a clause too long is left out whole */
    ss_text t = ss_text_in(clause, sizeof clause);
    SS_TEXT_LIT(&t, "Not a window violation: ");
    ss_text_uint(&t, w->in_flight);
    SS_TEXT_LIT(&t, " bytes in flight exceed the peer's raw window ");
    ss_text_uint(&t, w->peer_raw);
    SS_TEXT_LIT(&t, " (frame ");
    ss_text_uint(&t, w->peer_window_frame);
    SS_TEXT_LIT(&t, "): its scale is at least 2^");
    ss_text_uint(&t, (uint32_t)w->peer_min_shift);
    sentence_add_str(&say_this, clause);
    t = ss_text_in(clause, sizeof clause);
    SS_TEXT_LIT(&t, "; set TCP preference \"Scaling factor to use when not available from capture\" "
                "(tcp.default_window_scaling) to ");
    ss_text_uint(&t, (uint32_t)w->peer_min_shift);
    sentence_add_str(&say_this, clause);
    sentence_add_str(&say_this, " (no handshake in the capture)");
    say(pinfo, overrun, &ei_window_misread, &say_this);
}

/* Whether the frame's attempt role is worth a subtree. In a single pass a
 * first SYN proves nothing yet; later SYNs and the outcome frame do. */
static bool attempt_role_shows(const ss_attempt_note *n, bool final)
{
    switch (n->role) {
    case SS_ROLE_SYN:
        return final ? ss_attempt_is_notable(n->attempt) : n->syn_index > 0;
    case SS_ROLE_OUTCOME:
        return ss_attempt_is_notable(n->attempt);
    case SS_ROLE_NONE:
        break;
    }
    return false;
}

/* "63 s", "1.9 s": a duration for a short tag */
static void short_duration(int64_t ns, char *buf, size_t size)
{
    ss_text t = ss_text_in(buf, size);
    ss_text_seconds(&t, ns, ss_time_seconds(ns) >= 9.95 ? 0 : 1);
    SS_TEXT_LIT(&t, " s");
}


/* 2^shift, as the multiplier the tag shows */
static uint32_t scale_factor(int8_t shift) { return (uint32_t)1 << shift; }

/* The connection's first frame, on the final view, when the capture holds
 * one direction of it. */
static bool one_direction_shows(const ss_window_note *w, bool final)
{
    return final && w->sides && ss_conn_one_direction(w->sides);
}

static void render_one_direction(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_window_note *w)
{
    char from[80], to[80];
    ss_tuple tuple = ss_conn_sides_tuple(w->conn, w->sides);
    ss_format_endpoint(&tuple.src, tuple.sport, from, sizeof from);
    ss_format_endpoint(&tuple.dst, tuple.dport, to, sizeof to);
    proto_item *it = add_presence(tree, hf_one_direction, tvb);
    sentence say_this = { "" };
    sentence_add(&say_this, "Connection %s \xe2\x86\x92 %s seen in one direction only: every captured frame comes "
                 "from %s (a one-host capture filter, asymmetric routing, a mirror port)", from, to, from);
    sentence_add_str(&say_this, "; synsight infers answers from its segments");
    say(pinfo, it, &ei_one_direction, &say_this);
}

/* ", SYN/ACK not captured" or "" */
static const char *inferred_suffix(const ss_attempt *a)
{
    return ss_attempt_answer_not_captured(a) ? ", SYN/ACK not captured" : "";
}

/* "; port from #12" for a failed attempt whose port another message handed out */
static void announced_suffix(const ss_attempt *a, char *buf, size_t size)
{
    size_t len = strlen(buf);
    if (!a || !ss_attempt_announced(a) || len < 2 || len + 1 >= size)
        return;
    buf[len - 1] = '\0';
    snprintf(buf + len - 1, size - (len - 1), "; port from #%u]", ss_attempt_announced(a)->frame);
}

/* The first SYN's tag on the final view: how the attempt ended. */
static void first_syn_tag(const ss_attempt *a, const ss_capture_facts *facts, char *buf, size_t size)
{
    char span[24];
    ss_outcome end = ss_attempt_final_outcome(a, facts->end_ns);
    switch (end) {
    case SS_OUTCOME_UNANSWERED:
        switch (ss_attempt_no_reply(a, facts->end_ns)) {
        case SS_NO_REPLY_PERSISTENT:
            short_duration(ss_attempt_span_ns(a), span, sizeof span);
            snprintf(buf, size, "[unanswered: %u SYNs, %s]", a->syn_count, span);
            break;
        case SS_NO_REPLY_STOPPED: {
            /* every lone SYN of a flood: without printf */
            ss_text t = ss_text_in(buf, size);
            SS_TEXT_LIT(&t, "[no reply captured; client stopped after ");
            text_syns(&t, a->syn_count);
            SS_TEXT_LIT(&t, "]");
            break;
        }
        case SS_NO_REPLY_CUT:
            if (a->syn_count == 1) {
                snprintf(buf, size, "[no reply captured yet: 1 SYN]");
            } else {
                short_duration(ss_attempt_span_ns(a), span, sizeof span);
                snprintf(buf, size, "[no reply captured yet: %u SYNs, %s]", a->syn_count, span);
            }
            break;
        }
        break;
    case SS_OUTCOME_PENDING:
        short_duration(ss_attempt_elapsed_ns(a, facts->end_ns), span, sizeof span);
        snprintf(buf, size, "[too early to tell: capture ends %s after the SYN]", span);
        break;
    case SS_OUTCOME_SUPERSEDED:
        snprintf(buf, size, "[abandoned after %u SYN%s: new attempt #%u]", a->syn_count,
                 a->syn_count == 1 ? "" : "s", ss_attempt_superseded_by(a));
        break;
    case SS_OUTCOME_ANSWERED:
        if (ss_attempt_answered_through_crossing(a))
            snprintf(buf, size, "[answered in #%u through crossing SYN #%u]", ss_attempt_outcome_frame(a), ss_attempt_crossed_by(a));
        else if (ss_attempt_syns_at_outcome(a) >= 2)
            snprintf(buf, size, "[answered after %u SYNs in #%u%s]", ss_attempt_syns_at_outcome(a), ss_attempt_outcome_frame(a),
                     inferred_suffix(a));
        else
            snprintf(buf, size, "[answered in #%u%s]", ss_attempt_outcome_frame(a), inferred_suffix(a));
        break;
    case SS_OUTCOME_REFUSED_RST:
    case SS_OUTCOME_REFUSED_ICMP:
        snprintf(buf, size, "[refused by %s in #%u]", a->outcome == SS_OUTCOME_REFUSED_RST ? "RST" : "ICMP",
                 ss_attempt_outcome_frame(a));
        break;
    case SS_OUTCOME_OPEN:
        break;
    }
}

/* "[SYN retry N of #F]": the tag of every retransmitted SYN, without
 * printf (ss_text). */
static void syn_retry_tag(uint32_t index, uint32_t first, char *buf, size_t size)
{
    ss_text t = ss_text_in(buf, size);
    SS_TEXT_LIT(&t, "[SYN retry ");
    ss_text_uint(&t, index);
    SS_TEXT_LIT(&t, " of #");
    ss_text_uint(&t, first);
    SS_TEXT_LIT(&t, "]");
}

/* The outcome frame's tag, for an attempt answered. */
static void answer_tag(const ss_attempt *a, char *buf, size_t size)
{
    if (ss_attempt_answered_through_crossing(a))
        snprintf(buf, size, "[answered through crossing SYN #%u]", ss_attempt_crossed_by(a));
    else if (ss_attempt_syns_at_outcome(a) >= 2)
        snprintf(buf, size, "[answered after %u SYNs%s]", ss_attempt_syns_at_outcome(a), inferred_suffix(a));
    else
        snprintf(buf, size, "[answered%s]", inferred_suffix(a));
}

/* "12 µs", "0.30 s": how far a copy is from its original */
static void apart_text(int32_t apart_ns, char *buf, size_t size)
{
    int64_t ns = apart_ns < 0 ? -(int64_t)apart_ns : apart_ns;
    if (ns < 1000000)
        snprintf(buf, size, "%" PRId64 " \xc2\xb5s %s", ns / 1000, apart_ns < 0 ? "before" : "after");
    else if (ns < SS_NS_PER_SEC / 10)
        snprintf(buf, size, "%.1f ms %s", (double)ns / 1e6, apart_ns < 0 ? "before" : "after");
    else
        snprintf(buf, size, "%.2f s %s", ss_time_seconds(ns), apart_ns < 0 ? "before" : "after");
}

/* Every copy: what it is; the first copy: the capture's note. */
static void render_copy(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_copy *copy, bool final,
                        const ss_capture_facts *facts)
{
    proto_item *it = add_uint(tree, hf_copy_of, tvb, copy->of);
    char apart[40];
    apart_text(copy->apart_ns, apart, sizeof apart);
    SAY_FORMAT(pinfo, it, &ei_copy,
        "The packet of frame %u captured again, %s it (the same bytes): one packet, not a retransmission; "
        "synsight counts it once", copy->of, apart);
    if (pinfo->num != facts->first_copy)
        return;
    sentence say_this = { "" };
    if (final)
        sentence_add(&say_this, "%u frame%s of this capture %s copies of packets captured before it", facts->copies,
                     facts->copies == 1 ? "" : "s", facts->copies == 1 ? "is a copy" : "are");
    else
        sentence_add_str(&say_this, "This capture holds packets more than once");
    sentence_add(&say_this, ": %s", ss_copy_cause_text(facts->copy_cause));
    sentence_add_str(&say_this, ". synsight counts each packet once (synsight.copy_of marks the copies; "
                     "Wireshark may call them retransmissions)");
    say(pinfo, it, &ei_copies, &say_this);
}

/* The first frame earlier in time than one before it: the capture's note. */
static void render_time_order(packet_info *pinfo, proto_item *top, bool final, const ss_capture_facts *facts)
{
    sentence say_this = { "" };
    sentence_add(&say_this, "This frame is %.6f s earlier than one before it in the file",
                 ss_time_seconds(facts->first_late_by_ns));
    if (final && facts->late_frames > 1)
        sentence_add(&say_this, " (%u such frames)", facts->late_frames);
    sentence_add_str(&say_this, ": the file is not in time order (interfaces written in batches, mergecap -a, "
                     "merged clocks); synsight reads each attempt's SYNs in time order");
    say(pinfo, top, &ei_time_order, &say_this);
}

/* The Info column's tag: the frame's most important finding in a few words,
 * in brackets, so that the packet list and tshark's one-line output say what
 * the details pane says. */
static void info_tag(const ss_frame_result *res, bool final, bool attempt_shows, const ss_capture_facts *facts,
                     uint32_t frame, char *buf, size_t size)
{
    const ss_attempt_note *n = &res->attempt;
    const ss_attempt *a = n->attempt;
    const ss_refusal_note *r = &res->refusal;
    const ss_window_note *w = &res->window;
    buf[0] = '\0';
    if (res->copy.of) {
        ss_text t = ss_text_in(buf, size);
        SS_TEXT_LIT(&t, "[copy of #");
        ss_text_uint(&t, res->copy.of);
        SS_TEXT_LIT(&t, "]");
    } else if (r->cut_before_ports) {
        snprintf(buf, size, "[quote cut by the snaplen: no connection named]");
    } else if (r->present) {
        if (!r->udp && a && final && ss_attempt_outcome_frame(a) != frame)
            snprintf(buf, size, "[refusal ignored: SYN #%u sent again]", r->refuses);
        else if (r->refuses) {
            snprintf(buf, size, "[refuses #%u%s: %s]", r->refuses, r->unverified ? ", unverified" : "",
                     r->code->errno_name);
            if (!r->udp)
                announced_suffix(a, buf, size);
        }
        else
            snprintf(buf, size, "[refuses a %s not captured: %s]", r->udp ? "datagram" : "SYN", r->code->errno_name);
    } else if (attempt_shows && n->role == SS_ROLE_SYN && n->syn_index > 0 && ss_attempt_syn_resent_after_challenge(a, n->syn_index)) {
        snprintf(buf, size, "[SYN sent again after challenge ACK #%u: not a lost SYN]", ss_attempt_challenge_ack(a));
    } else if (attempt_shows && n->role == SS_ROLE_SYN && n->syn_index > 0) {
        syn_retry_tag(n->syn_index, a->first_syn.frame, buf, size);
    } else if (attempt_shows && n->role == SS_ROLE_SYN) {
        first_syn_tag(a, facts, buf, size);
        if (ss_outcome_failed(ss_attempt_final_outcome(a, facts->end_ns)))
            announced_suffix(a, buf, size);
    } else if (attempt_shows && n->role == SS_ROLE_OUTCOME && ss_attempt_outcome_frame(a) == frame) {
        answer_tag(a, buf, size);
    } else if (n->challenge_of) {
        snprintf(buf, size, "[challenge ACK: server holds an older connection; answers #%u]", n->challenge_of);
    } else if (n->synack_retry) {
        snprintf(buf, size, n->synack_acked_by ? "[SYN/ACK retry %u, client's ACK in #%u]" : "[SYN/ACK retry %u]",
                 n->synack_retry, n->synack_acked_by);
    } else if (n->crosses) {
        snprintf(buf, size, "[simultaneous open with #%u]", n->crosses);
    } else if (w->overrun && w->peer_min_shift >= 1) {
        /* on most frames of a connection seen mid-stream: without printf */
        ss_text t = ss_text_in(buf, size);
        SS_TEXT_LIT(&t, "[not a window violation: peer's scale \xe2\x89\xa5 \xc3\x97");
        ss_text_uint(&t, scale_factor(w->peer_min_shift));
        SS_TEXT_LIT(&t, "]");
    } else if (w->scale_unknown && w->min_shift >= 0) {
        ss_text t = ss_text_in(buf, size);
        SS_TEXT_LIT(&t, "[window scale unknown, \xe2\x89\xa5 \xc3\x97");
        ss_text_uint(&t, scale_factor(w->min_shift));
        SS_TEXT_LIT(&t, "]");
    } else if (w->scale_unknown) {
        snprintf(buf, size, "[window scale unknown]");
    } else if (w->one_sided) {
        snprintf(buf, size, "[window scaling off: offered by one side]");
    } else if (one_direction_shows(w, final)) {
        snprintf(buf, size, "[one direction only]");
    }
}

bool ss_render_frame(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_frame_result *res, bool final,
                     const ss_capture_facts *facts)
{
    const ss_attempt_note *n = &res->attempt;
    bool attempt_shows = attempt_role_shows(n, final);
    const ss_window_note *w = &res->window;
    bool one_direction = one_direction_shows(w, final);
    bool late_note = facts->first_late_frame == pinfo->num;
    bool snaplen_note = facts->first_cut_quote == pinfo->num;
    if (!attempt_shows && !n->synack_retry && !n->crosses && !n->challenge_of && !res->refusal.present && !w->scale_unknown &&
        !w->one_sided && !one_direction && !res->copy.of && !late_note && !snaplen_note &&
        !res->refusal.cut_before_ports)
        return false;

    proto_item *top = proto_tree_add_item(tree, proto_synsight, tvb, 0, 0, ENC_NA);
    proto_tree *st = proto_item_add_subtree(top, ett_synsight);
    /* the tag only when a column or a filter will read it */
    char spaced[97] = " ", *tag = spaced + 1;     /* the tag, after a space */
    bool to_column = info_column_on && pinfo->cinfo;
    if (to_column || proto_field_is_referenced(tree, hf_summary))
        info_tag(res, final, attempt_shows, facts, pinfo->num, tag, sizeof spaced - 1);
    if (tag[0]) {
        /* first in the subtree, without the brackets: what the frame is about, for a column */
        size_t len = strlen(tag);
        tag[len - 1] = '\0';
        add_string(st, hf_summary, tvb, tag + 1);
        tag[len - 1] = ']';
        if (to_column) {
            /* what col_append_sep_str(" ") writes, in one append, not two:
             * each append walks the whole Info text */
            const char *info = col_get_text(pinfo->cinfo, COL_INFO);
            /* An ICMP error whose quote the snaplen cut leaves the columns
             * unwritable: its dissector locks them for the quoted packet and
             * the exception the cut raises skips the unlock. */
            gboolean writable = col_get_writable(pinfo->cinfo, -1);
            if (!writable)
                col_set_writable(pinfo->cinfo, -1, TRUE);
            col_append_str(pinfo->cinfo, COL_INFO, info && info[0] ? spaced : tag);
            if (!writable)
                col_set_writable(pinfo->cinfo, -1, FALSE);
        }
    }
    if (res->copy.of)
        render_copy(st, pinfo, tvb, &res->copy, final, facts);
    if (late_note)
        render_time_order(pinfo, top, final, facts);
    if (snaplen_note)
        render_snaplen(pinfo, top, final, facts);
    if (res->refusal.cut_before_ports)
        render_cut_quote(pinfo, top, &res->refusal);
    /* a notable attempt's SYNs and outcome frame, and a refusal of it */
    if (n->attempt && ss_attempt_announced(n->attempt) && (attempt_shows || (res->refusal.present && !res->refusal.udp)))
        render_announced(st, tvb, n->attempt);
    if (res->refusal.present)
        render_refusal(st, pinfo, tvb, res, final);
    const ss_attempt_causes *causes = final ? res->causes : NULL;
    if (n->role == SS_ROLE_SYN)
        render_syn(st, pinfo, tvb, n, final, attempt_shows, facts, res->flood, causes);
    else if (attempt_shows)
        render_outcome(st, pinfo, tvb, n, final, causes);
    if (n->challenge_of)
        render_challenge_ack(st, pinfo, tvb, n, res->causes);
    if (n->synack_retry)
        render_synack_retry(st, pinfo, tvb, n, final, final && res->synack_train.retries ? &res->synack_train : NULL);
    render_window(st, pinfo, tvb, w);
    if (one_direction)
        render_one_direction(st, pinfo, tvb, w);

    return true;
}
