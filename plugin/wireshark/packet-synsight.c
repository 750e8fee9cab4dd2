/* packet-synsight.c - synsight post-dissector: registration and glue
 *
 * Data flow: reader.c (frame -> ss_segment) -> analysis.c (attempts, ...)
 * -> ss_frame_result stored per frame -> render.c (tree, expert) and
 * stats.c (the "synsight" tap: attempts tables).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto_data.h>

#include "analysis.h"
#include "reader.h"
#include "render.h"
#include "ss_nstime.h"
#include "stats.h"
#include "ws_compat.h"

#ifndef SYNSIGHT_VERSION
#define SYNSIGHT_VERSION "0.0.0"
#endif

static int proto_synsight = -1;
static dissector_handle_t synsight_handle;

/* All cross-frame state; created by the init routine and freed by the
 * cleanup routine, so that every (re)load of a file starts afresh. */
static ss_analysis *analysis;
/* Whether the fields of announcing messages are primed: from the first frame
 * of FTP or DCE/RPC on (reader.c). Reset by the init routine. */
static bool announcing_primed;

/* As Wireshark's transum does: a disabled synsight asks for no fields, so
 * that it costs nothing in any frame. */
static ss_capture_facts capture_facts(void) { return ss_analysis_facts(analysis); }

static bool attempt_causes(uint32_t first_frame, ss_attempt_causes *out)
{
    return ss_analysis_attempt_causes(analysis, first_frame, out);
}

static void synsight_init(void)
{
    analysis = ss_analysis_new();
    announcing_primed = false;
    ss_render_init();
    if (proto_is_protocol_enabled(find_protocol_by_id(proto_synsight)))
        set_postdissector_wanted_hfids(synsight_handle, ss_reader_wanted_hfids(false));
}

/* The first frame of a protocol that may announce endpoints asks for the
 * announcing fields from the next frame on. Until then no frame pays for
 * them; that first frame is a greeting (FTP's 220) or a Bind, unless the
 * capture starts in the middle of the conversation. */
static void prime_announcing_fields_if_seen(packet_info *pinfo, const ss_segment *seg)
{
    if (announcing_primed || !ss_reader_frame_may_announce(pinfo, seg))
        return;
    set_postdissector_wanted_hfids(synsight_handle, ss_reader_wanted_hfids(true));
    announcing_primed = true;
}

static void synsight_cleanup(void)
{
    ss_analysis_free(analysis);
    analysis = NULL;
    set_postdissector_wanted_hfids(synsight_handle, NULL);
    ss_stats_cleanup();
}

/* Per-frame results are kept per analysis and only when present, so that a
 * large capture of mid-stream connections stores a few bytes per frame: a
 * window note in four bytes and an attempt note in eight or fewer when they
 * fit (ss_analysis_keep_window, ss_analysis_keep_attempt). */
enum { KEY_ATTEMPT, KEY_REFUSAL, KEY_WINDOW };

static void keep(packet_info *pinfo, int key, const void *part, size_t size)
{
    p_add_proto_data(wmem_file_scope(), pinfo, proto_synsight, key, wmem_memdup(wmem_file_scope(), part, size));
}

/* The frame's addresses and ports as the dissectors below left them in
 * pinfo, the same in every pass: a retransmitted SYN whose segment has
 * these is found again from them and keeps no bytes (the reader takes its
 * segment from the headers whose source is pinfo's: nearly always). */
static const ss_tuple *seen_tuple(const packet_info *pinfo, ss_tuple *t)
{
    memset(t, 0, sizeof *t);
    if (pinfo->ptype != PT_TCP || pinfo->net_src.type != pinfo->net_dst.type)
        return NULL;
    uint8_t family = pinfo->net_src.type == AT_IPv4 ? 4 : pinfo->net_src.type == AT_IPv6 ? 6 : 0;
    int len = family == 4 ? 4 : 16;
    if (!family || pinfo->net_src.len != len || pinfo->net_dst.len != len)
        return NULL;
    t->src.family = t->dst.family = family;
    memcpy(t->src.bytes, pinfo->net_src.data, (size_t)len);
    memcpy(t->dst.bytes, pinfo->net_dst.data, (size_t)len);
    t->sport = (uint16_t)pinfo->srcport;
    t->dport = (uint16_t)pinfo->destport;
    return t;
}

static void store(packet_info *pinfo, const ss_frame_result *res)
{
    ss_tuple seen;
    if (ss_attempt_note_present(&res->attempt) &&
        !ss_analysis_keep_attempt(analysis, pinfo->num, &res->attempt, seen_tuple(pinfo, &seen)))
        keep(pinfo, KEY_ATTEMPT, &res->attempt, sizeof res->attempt);
    if (res->refusal.present || res->refusal.cut_before_ports)
        keep(pinfo, KEY_REFUSAL, &res->refusal, sizeof res->refusal);
    if (ss_window_note_present(&res->window) && !ss_analysis_keep_window(analysis, pinfo->num, &res->window))
        keep(pinfo, KEY_WINDOW, &res->window, sizeof res->window);
}

static bool recall(packet_info *pinfo, ss_frame_result *res)
{
    memset(res, 0, sizeof *res);
    if (!ss_analysis_frame_noted(analysis, pinfo->num))
        return false;           /* nearly every frame: no finding, nothing kept */
    const ss_attempt_note *a = p_get_proto_data(wmem_file_scope(), pinfo, proto_synsight, KEY_ATTEMPT);
    const ss_refusal_note *r = p_get_proto_data(wmem_file_scope(), pinfo, proto_synsight, KEY_REFUSAL);
    const ss_window_note *w = p_get_proto_data(wmem_file_scope(), pinfo, proto_synsight, KEY_WINDOW);
    if (a)
        res->attempt = *a;
    ss_tuple seen;
    bool attempt_marked = !a && ss_analysis_kept_attempt(analysis, pinfo->num, seen_tuple(pinfo, &seen), &res->attempt);
    if (r)
        res->refusal = *r;
    if (w)
        res->window = *w;
    bool window_marked = !w && ss_analysis_kept_window(analysis, pinfo->num, &res->window);
    res->copy = ss_analysis_copy_of(analysis, pinfo->num);
    return a || r || w || attempt_marked || window_marked || res->copy.of ||
           ss_analysis_capture_note_at(analysis, pinfo->num);
}

static int dissect_synsight(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    ss_frame_result now;
    const ss_frame_result *res = &now;
    if (!PINFO_FD_VISITED(pinfo)) {
        /* First pass: frames arrive in order; analyse once and keep the result. */
        ss_segment seg;
        ss_announced announced[SS_ANNOUNCED_PER_FRAME];
        if (!analysis)
            return 0;
        uint32_t room = announcing_primed ? SS_ANNOUNCED_PER_FRAME : 0;
        if (!ss_read_segment(tvb, tree, pinfo, &seg, announced, room))
            seg.kind = SS_SEG_NONE;     /* still counted: the capture's make-up matters */
        prime_announcing_fields_if_seen(pinfo, &seg);
        if (!ss_analysis_feed(analysis, &seg, &now))
            return 0;
        store(pinfo, &now);
    } else if (!recall(pinfo, &now)) {
        return 0;
    } else if (now.attempt.role == SS_ROLE_SYN && now.attempt.syn_index == 0) {
        /* every frame has been read: a flood's first SYN carries its summary */
        now.flood = ss_analysis_flood_at(analysis, pinfo->num, ss_render_flood_min_sources());
    }
    /* why a notable attempt went as it did: from the whole capture, on the
     * final view (a challenge ACK's older connection is known at once) */
    ss_attempt_causes causes;
    const ss_attempt *attempt = now.attempt.attempt;
    unsigned what = 0;
    if (now.attempt.challenge_of)
        what = SS_CAUSE_OLDER;
    else if (attempt && PINFO_FD_VISITED(pinfo) && ss_attempt_is_notable(attempt))
        what = ss_render_wants_causes(tree, &now.attempt);
    if (what) {
        ss_analysis_causes(analysis, attempt, ss_time_of(&pinfo->abs_ts), what, &causes);
        now.causes = &causes;
    }
    if (PINFO_FD_VISITED(pinfo) && now.attempt.synack_retry)
        ss_analysis_synack_train(analysis, &now.attempt, &now.synack_train);
    /* Render even without a tree: expert items still reach the expert tap
     * (tshark -2 -z expert runs its second pass without one). */
    ss_capture_facts facts = ss_analysis_facts(analysis);
    /* An ICMP error whose quote the snaplen cut leaves pinfo marked as inside
     * the quoted packet (its dissector's exception skips the reset), and taps
     * skip what such a packet queues: synsight speaks of the frame itself. */
    gboolean in_error_pkt = pinfo->flags.in_error_pkt;
    pinfo->flags.in_error_pkt = FALSE;
    ss_stats_tap(pinfo, res, &facts);
    bool shown = ss_render_frame(tree, pinfo, tvb, res, PINFO_FD_VISITED(pinfo), &facts);
    pinfo->flags.in_error_pkt = in_error_pkt;
    return shown ? tvb_captured_length(tvb) : 0;
}

static void proto_register_synsight(void)
{
    proto_synsight = proto_register_protocol("SYN Sight (TCP handshake diagnostics)", "SYNSIGHT", "synsight");
    ss_render_register(proto_synsight);
    ss_stats_register(capture_facts, attempt_causes);
    register_init_routine(synsight_init);
    register_cleanup_routine(synsight_cleanup);
    synsight_handle = create_dissector_handle(dissect_synsight, proto_synsight);
    register_postdissector(synsight_handle);
}

static void proto_reg_handoff_synsight(void)
{
    /* The protocols whose items the reader needs exist only after every
     * dissector registered. */
    ss_reader_resolve();
}

static void synsight_register_plugin(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = proto_register_synsight;
    plugin.register_handoff = proto_reg_handoff_synsight;
    proto_register_plugin(&plugin);
}

SS_DECLARE_PLUGIN(SYNSIGHT_VERSION, "SYN Sight: TCP handshake diagnostics (SYN retries, refusals, window scale)",
                  synsight_register_plugin)
