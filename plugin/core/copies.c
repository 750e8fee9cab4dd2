/* copies.c - one packet captured more than once
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "copies.h"

#include <glib.h>
#include <string.h>

bool ss_is_copy(int64_t original_ns, int64_t time_ns, bool strong)
{
    int64_t apart = ss_time_diff(time_ns, original_ns);
    if (apart < 0)
        apart = apart == INT64_MIN ? INT64_MAX : -apart;
    return apart < SS_COPY_NEAR_NS || (strong && apart < SS_COPY_STRONG_NS);
}

uint64_t ss_digest(uint64_t h, const void *bytes, size_t n)
{
    const uint8_t *p = bytes;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t ss_digest_end(uint64_t h) { return h ? h : 1; }

/* An original: newest first in a chain per digest. */
typedef struct original {
    uint64_t digest;
    int64_t  time_ns;
    uint32_t frame;
    uint32_t older;             /* index + 1 of the previous original with this digest, 0 if none */
} original;

/* How many originals of one digest are tried: the newest few (a digest
 * shared by many frames is a hostile capture's). */
#define CHAIN_TRIES 16

struct ss_copies {
    GArray   *originals;        /* original */
    uint32_t *slots;            /* open addressing: index + 1 of the newest original of a digest */
    uint32_t  slot_count;       /* a power of two */
    uint32_t  used;
};

ss_copies *ss_copies_new(void) { return g_new0(ss_copies, 1); }

void ss_copies_free(ss_copies *c)
{
    if (!c)
        return;
    if (c->originals)
        g_array_free(c->originals, TRUE);
    g_free(c->slots);
    g_free(c);
}

static uint32_t slot_of(const ss_copies *c, uint64_t digest)
{
    uint32_t mask = c->slot_count - 1;
    uint32_t i = (uint32_t)(digest ^ (digest >> 32)) & mask;
    while (c->slots[i]) {
        const original *o = &g_array_index(c->originals, original, c->slots[i] - 1);
        if (o->digest == digest)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static void grow(ss_copies *c)
{
    uint32_t old_count = c->slot_count;
    uint32_t *old = c->slots;
    c->slot_count = old_count ? old_count * 2 : 64;
    c->slots = g_new0(uint32_t, c->slot_count);
    for (uint32_t i = 0; i < old_count; i++)
        if (old[i]) {
            const original *o = &g_array_index(c->originals, original, old[i] - 1);
            c->slots[slot_of(c, o->digest)] = old[i];
        }
    g_free(old);
}

uint32_t ss_copies_check(ss_copies *c, uint64_t digest, bool strong, uint32_t frame, int64_t time_ns,
                         int64_t *original_ns)
{
    if (!c->originals)
        c->originals = g_array_new(FALSE, FALSE, sizeof(original));
    if (2 * (c->used + 1) > c->slot_count)
        grow(c);
    uint32_t slot = slot_of(c, digest);
    uint32_t best = 0;
    int64_t best_apart = INT64_MAX;
    uint32_t tries = 0;
    for (uint32_t at = c->slots[slot]; at && tries < CHAIN_TRIES; tries++) {
        const original *o = &g_array_index(c->originals, original, at - 1);
        if (ss_is_copy(o->time_ns, time_ns, strong)) {
            int64_t apart = ss_time_diff(time_ns, o->time_ns);
            apart = apart < 0 ? -apart : apart;
            if (apart < best_apart) {
                best_apart = apart;
                best = o->frame;
                *original_ns = o->time_ns;
            }
        }
        at = o->older;
    }
    if (best)
        return best;
    original o = { digest, time_ns, frame, c->slots[slot] };
    g_array_append_val(c->originals, o);
    if (!c->slots[slot])
        c->used++;
    c->slots[slot] = c->originals->len;
    return 0;
}

size_t ss_copies_bytes(const ss_copies *c)
{
    return (c->originals ? c->originals->len * sizeof(original) : 0) + c->slot_count * sizeof(uint32_t);
}
