/* stats.h - the output layer's statistics: the "synsight" tap, tshark's
 * -z synsight,attempts and the Statistics menu tables
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_STATS_H
#define SYNSIGHT_STATS_H

#include <epan/packet.h>

#include "analysis.h"

/* Registers the tap and the statistics (from the protocol registration).
 * capture_facts tells, when a table is drawn, what the capture as a whole
 * says so far (when it ended, for attempts still open). */
void ss_stats_register(ss_capture_facts (*capture_facts)(void),
                       bool (*attempt_causes)(uint32_t first_frame, ss_attempt_causes *out));

/* Frees what the Statistics-menu tables keep between retaps (from the
 * dissector's cleanup routine: a dialog re-initialises its table before
 * every retap). */
void ss_stats_cleanup(void);

/* Hands a frame's attempt picture (and a connection's first frame) to the
 * tap listeners, if there are any. */
void ss_stats_tap(packet_info *pinfo, const ss_frame_result *res, const ss_capture_facts *facts);

#endif
