/* copies.h - one packet captured more than once
 *
 * `-i any` on a host whose packets cross a bridge or a veth, a capture on
 * two interfaces, a mirror port that copies both ports of a link, and
 * captures of two points merged into one file all hold the same packet
 * more than once, microseconds (or, merged with clock skew, a fraction of a
 * second) apart. A copy carries the same bytes; a packet sent again does
 * not come that soon, and where its bytes hold a value a sender changes on
 * every packet (a TCP timestamp, an IPv4 ID) they differ too.
 *
 * The rule (ss_is_copy), for a frame with the same identity as a frame fed
 * earlier:
 *   - less than SS_COPY_NEAR_NS apart: a copy. No SYN is resent sooner
 *     than its initial RTO (1 s, RFC 6298 §2; Linux's, Windows', the BSDs'),
 *     a SYN/ACK neither, and an RST or ICMP error answers one packet;
 *   - less than SS_COPY_STRONG_NS apart, and the identity holds a TSval or
 *     a nonzero IPv4 ID: a copy. A SYN resent after its 1 s RTO carries a
 *     new TSval (a timestamp clock ticks at 100 Hz to 1 kHz) and, from
 *     Linux, Windows and macOS, a new IPv4 ID: only copies share them. Two
 *     capture points merged with up to a second of skew are recognised so.
 * Identity: for a SYN, its attempt (addresses, ports, ISN) and its TSval;
 * for a SYN/ACK, an RST or an ICMP error, a digest of the bytes both
 * copies share (addresses, IPv4 ID, the transport header less its
 * checksum, the payload's length and first bytes; for ICMP the whole
 * message as captured), read by the reader (ss_segment.digest).
 *
 * Plain C: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_COPIES_H
#define SYNSIGHT_COPIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ss_time.h"

#define SS_COPY_NEAR_NS   (SS_NS_PER_SEC / 10)
#define SS_COPY_STRONG_NS SS_NS_PER_SEC

/* Whether a frame at time_ns, whose identity equals that of a frame at
 * original_ns, is a copy of it (strong: the identity holds a TSval or a
 * nonzero IPv4 ID). Either may come first in the file. */
bool ss_is_copy(int64_t original_ns, int64_t time_ns, bool strong);

/* FNV-1a over bytes, continuing from h (SS_DIGEST_START to begin): the
 * digest behind ss_segment.digest. Never 0 (0 means "not read"). */
#define SS_DIGEST_START UINT64_C(0xcbf29ce484222325)
uint64_t ss_digest(uint64_t h, const void *bytes, size_t n);
uint64_t ss_digest_end(uint64_t h);

/* The frames other than SYNs whose copies the analyses must not count
 * again: SYN/ACKs, RSTs, ICMP errors, by digest. */
typedef struct ss_copies ss_copies;

ss_copies *ss_copies_new(void);
void ss_copies_free(ss_copies *c);

/* The frame that frame (at time_ns, with digest) copies, or 0: then it is
 * remembered as an original. Of several earlier originals with the digest,
 * the nearest in time that passes ss_is_copy; *original_ns is its time. */
uint32_t ss_copies_check(ss_copies *c, uint64_t digest, bool strong, uint32_t frame, int64_t time_ns,
                         int64_t *original_ns);

/* Bytes held (memory reports). */
size_t ss_copies_bytes(const ss_copies *c);

#endif
