/* conns.c - one record per 4-tuple, shared by the analyses
 *
 * An open-addressing table of record numbers + 1 (0: empty; the top bit
 * says which pool), probed linearly and kept at most 70 % full. It grows by
 * half, not double, so it is 47 to 70 % full once it has grown, 5.7 to 8.5
 * bytes a record (doubling: 5.7 to 11.4); its size is no power of two, so
 * a hash picks its first slot by multiplication. Nothing is ever removed,
 * so no slot needs a tombstone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "conns.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "pool.h"

#define MIN_SLOTS 1024u
#define SLOT_WIDE (UINT32_C(1) << 31)   /* the record is in the pool of full keys */
#define V4_KEY_BYTES 12
#define WIDE_KEY_BYTES sizeof(ss_tuple)
/* records follow each other in a pool: each starts aligned */
#define RECORD_SIZE(key_bytes) \
    ((offsetof(ss_conn, key) + (key_bytes) + _Alignof(ss_conn) - 1) / _Alignof(ss_conn) * _Alignof(ss_conn))

struct ss_conns {
    ss_pool  *v4;               /* ss_conn with a 12-byte key */
    ss_pool  *wide;             /* ss_conn with an ss_tuple key */
    uint32_t *slots;
    uint32_t  size;             /* slots */
};

/* A key packed as the record holds it. */
typedef struct packed_key {
    bool ipv4;
    size_t len;
    unsigned char bytes[WIDE_KEY_BYTES];
} packed_key;

/* The key of tuple's connection, packed, and tuple's direction: as
 * ss_conn_key, which orders endpoints by address then port. Two IPv4
 * addresses (the rest of their bytes zero, as tuples are built) compare as
 * their four bytes, so they are ordered and packed without building the
 * key tuple first. */
static void make_key(const ss_tuple *t, packed_key *k, int *dir)
{
    k->ipv4 = t->src.family == 4 && t->dst.family == 4;
    if (!k->ipv4) {
        ss_tuple key = ss_conn_key(t, dir);
        memcpy(k->bytes, &key, WIDE_KEY_BYTES);  /* tuples are built zeroed */
        k->len = WIDE_KEY_BYTES;
        return;
    }
    int c = memcmp(t->src.bytes, t->dst.bytes, 4);
    *dir = (c ? c : (int)t->sport - (int)t->dport) > 0;
    const ss_addr *lo = *dir ? &t->dst : &t->src, *hi = *dir ? &t->src : &t->dst;
    uint16_t lo_port = *dir ? t->dport : t->sport, hi_port = *dir ? t->sport : t->dport;
    memcpy(k->bytes, lo->bytes, 4);
    memcpy(k->bytes + 4, hi->bytes, 4);
    memcpy(k->bytes + 8, &lo_port, 2);
    memcpy(k->bytes + 10, &hi_port, 2);
    k->len = V4_KEY_BYTES;
}

ss_tuple ss_conn_tuple(const ss_conn *c)
{
    ss_tuple t;
    if (!c->ipv4) {
        memcpy(&t, c->key, WIDE_KEY_BYTES);
        return t;
    }
    memset(&t, 0, sizeof t);
    t.src.family = t.dst.family = 4;
    memcpy(t.src.bytes, c->key, 4);
    memcpy(t.dst.bytes, c->key + 4, 4);
    memcpy(&t.sport, c->key + 8, 2);
    memcpy(&t.dport, c->key + 10, 2);
    return t;
}

/* A 64-bit mix of the key's words: several times faster than a byte-wise
 * hash, and every TCP segment pays for one. */
static inline uint32_t key_hash(const unsigned char *p, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ len, w;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p + i, len - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    h ^= h >> 29;
    return (uint32_t)h;
}

ss_conns *ss_conns_new(void)
{
    ss_conns *c = g_new0(ss_conns, 1);
    c->v4 = ss_pool_new(RECORD_SIZE(V4_KEY_BYTES));
    c->wide = ss_pool_new(RECORD_SIZE(WIDE_KEY_BYTES));
    c->slots = g_new0(uint32_t, MIN_SLOTS);
    c->size = MIN_SLOTS;
    return c;
}

void ss_conns_free(ss_conns *c)
{
    if (!c)
        return;
    ss_pool_free(c->v4);
    ss_pool_free(c->wide);
    g_free(c->slots);
    g_free(c);
}

uint32_t ss_conns_count(const ss_conns *c) { return ss_pool_count(c->v4) + ss_pool_count(c->wide); }

size_t ss_conns_bytes(const ss_conns *c)
{
    return sizeof *c + ss_pool_bytes(c->v4) + ss_pool_bytes(c->wide) + (size_t)c->size * sizeof *c->slots;
}

static inline ss_conn *record_of(const ss_conns *c, uint32_t slot)
{
    return (slot & SLOT_WIDE) ? ss_pool_at(c->wide, (slot & ~SLOT_WIDE) - 1) : ss_pool_at(c->v4, slot - 1);
}

/* The slot that holds key, or the empty slot where it belongs. */
static uint32_t *slot_of(const ss_conns *c, const unsigned char *key, size_t len, uint32_t hash)
{
    /* the hash's high bits pick the slot: hash * size / 2^32 */
    for (uint32_t i = (uint32_t)(((uint64_t)hash * c->size) >> 32);; i = i + 1 == c->size ? 0 : i + 1) {
        uint32_t *s = &c->slots[i];
        if (!*s)
            return s;
        const ss_conn *r = record_of(c, *s);
        if ((r->ipv4 == (len == V4_KEY_BYTES)) && memcmp(r->key, key, len) == 0)
            return s;
    }
}

ss_conn *ss_conns_find(const ss_conns *c, const ss_tuple *tuple, int *dir)
{
    packed_key k;
    make_key(tuple, &k, dir);
    uint32_t *s = slot_of(c, k.bytes, k.len, key_hash(k.bytes, k.len));
    return *s ? record_of(c, *s) : NULL;
}

static void grow(ss_conns *c)
{
    uint32_t old_size = c->size;
    uint32_t *old = c->slots;
    c->size = old_size + old_size / 2;
    c->slots = g_new0(uint32_t, c->size);
    for (uint32_t i = 0; i < old_size; i++) {
        if (!old[i])
            continue;
        const ss_conn *r = record_of(c, old[i]);
        size_t len = r->ipv4 ? V4_KEY_BYTES : WIDE_KEY_BYTES;
        *slot_of(c, r->key, len, key_hash(r->key, len)) = old[i];
    }
    g_free(old);
}

const ss_conn *ss_conns_at(const ss_conns *c, uint32_t ref) { return record_of(c, ref); }

ss_conn *ss_conns_get(ss_conns *c, const ss_tuple *tuple, int *dir)
{
    uint32_t ref;
    return ss_conns_get_ref(c, tuple, dir, &ref);
}

/* A record's number is its slot's content: index + 1, SLOT_WIDE for the pool of full keys. */
ss_conn *ss_conns_get_ref(ss_conns *c, const ss_tuple *tuple, int *dir, uint32_t *ref)
{
    packed_key k;
    make_key(tuple, &k, dir);
    uint32_t hash = key_hash(k.bytes, k.len);
    uint32_t *s = slot_of(c, k.bytes, k.len, hash);
    if (*s) {
        *ref = *s;
        return record_of(c, *s);
    }
    if ((uint64_t)(ss_conns_count(c) + 1) * 10 > (uint64_t)c->size * 7) {
        grow(c);
        s = slot_of(c, k.bytes, k.len, hash);
    }
    uint32_t index;
    ss_conn *r = ss_pool_add(k.ipv4 ? c->v4 : c->wide, &index);
    r->ipv4 = k.ipv4;
    memcpy(r->key, k.bytes, k.len);
    *s = (index + 1) | (k.ipv4 ? 0 : SLOT_WIDE);
    *ref = *s;
    return r;
}
