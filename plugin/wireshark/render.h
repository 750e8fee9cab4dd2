/* render.h - the output layer: tree, expert items
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_RENDER_H
#define SYNSIGHT_RENDER_H

#include <epan/packet.h>

#include "analysis.h"

/* Registers every field, subtree and expert item under proto. */
void ss_render_register(int proto);

/* Looks up what expert items go to (the expert tap, _ws.expert): from the
 * init routine, once every protocol and tap is registered. */
void ss_render_init(void);

/* Adds the synsight subtree for one frame when it has something to show,
 * and says whether it did. final: every frame of the capture has been seen
 * (second pass), so final-only fields may show. */
bool ss_render_frame(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const ss_frame_result *res, bool final,
                     const ss_capture_facts *facts);

/* Preference synsight.flood_sources: how many distinct sources of lone
 * unanswered SYNs to one destination make a flood summary (0: never). */
unsigned ss_render_flood_min_sources(void);

/* What of ss_analysis_causes (SS_CAUSE_*) the final view of a frame with
 * this attempt note shows: a first SYN's and an outcome frame's sentences
 * always read theirs; a later SYN only what a tree or a filter wants of its
 * synsight.syn.stack, .gives_up and .port_answered. */
unsigned ss_render_wants_causes(proto_tree *tree, const ss_attempt_note *n);

#endif
