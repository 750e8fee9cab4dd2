/* reader.h - epan frame -> ss_segment
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_READER_H
#define SYNSIGHT_READER_H

#include <epan/packet.h>

#include "segment.h"

/* Looks up the protocols the reader needs (at handoff, once every dissector
 * registered); warns about any that is missing. */
void ss_reader_resolve(void);

/* The fields the post-dissector must be handed, with or without the fields
 * of the messages that announce endpoints: a new array each call. */
GArray *ss_reader_wanted_hfids(bool with_announcing);

/* Whether the frame, read into seg, carries TCP payload of a protocol whose
 * messages may announce endpoints (FTP, DCE/RPC). */
bool ss_reader_frame_may_announce(const packet_info *pinfo, const ss_segment *seg);

/* Fills seg from the frame's TCP segment or ICMP error; false when the
 * frame holds neither (seg->frame and seg->time_ns are set regardless).
 * The endpoints an application message in a TCP segment hands out go into
 * room (up to room_len of them; 0: not looked for), which seg->announced
 * then points at. */
bool ss_read_segment(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo, ss_segment *seg, ss_announced *room, uint32_t room_len);

/* Endpoints one frame can hand out and synsight remembers (an endpoint
 * mapper's Lookup response lists up to a few hundred towers). */
#define SS_ANNOUNCED_PER_FRAME 512

#endif
