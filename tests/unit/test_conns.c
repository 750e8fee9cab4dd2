/* test_conns.c - the connection registry and the pool under it
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "blocks.h"
#include "conns.h"

#include "check.h"
#include "fixtures.h"
#include "pool.h"

static ss_tuple v6_tuple(uint16_t n)
{
    ss_tuple t;
    memset(&t, 0, sizeof t);
    t.src.family = t.dst.family = 6;
    t.src.bytes[0] = t.dst.bytes[0] = 0xfd;
    t.src.bytes[15] = 1;
    t.dst.bytes[15] = 2;
    t.src.bytes[14] = (uint8_t)(n >> 8);
    t.dst.bytes[13] = (uint8_t)n;
    t.sport = (uint16_t)(40000 + n);
    t.dport = 443;
    return t;
}

static bool same_tuple(ss_tuple a, ss_tuple b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Records never move, are numbered in order and come zeroed. */
static void test_pool(void)
{
    ss_pool *p = ss_pool_new(20);
    uint32_t *first = ss_pool_add(p, NULL);
    *first = 7;
    for (uint32_t i = 1; i < 5000; i++) {
        uint32_t index;
        uint32_t *r = ss_pool_add(p, &index);
        CHECK_EQ_INT(index, i);
        CHECK_EQ_INT(r[0], 0);
        CHECK_EQ_INT(r[4], 0);
        r[0] = i;
    }
    CHECK_EQ_INT(ss_pool_count(p), 5000);
    CHECK(ss_pool_at(p, 0) == first && *first == 7);
    CHECK_EQ_INT(*(uint32_t *)ss_pool_at(p, 4321), 4321);
    /* five chunks of 1,024 records of 20 bytes, and their pointers */
    CHECK(ss_pool_bytes(p) >= 5 * 1024 * 20 && ss_pool_bytes(p) < 5 * 1024 * 20 + 1024);
    ss_pool_free(p);
}

/* Both directions find one record; IPv4 and IPv6 keys come back whole;
 * records keep their parts and addresses while the table grows. */
static void test_registry(void)
{
    ss_conns *c = ss_conns_new();
    ss_conn *recs[6000];
    for (uint16_t i = 0; i < 3000; i++) {
        ss_tuple t4 = test_tuple((uint8_t)(1 + i % 200), (uint16_t)(1024 + i), 2, 80), t6 = v6_tuple(i);
        int dir;
        CHECK(ss_conns_find(c, &t4, &dir) == NULL);
        recs[2 * i] = ss_conns_get(c, &t4, &dir);
        CHECK(recs[2 * i]->ipv4);
        recs[2 * i]->attempts.attempt[dir] = i + 1u;
        recs[2 * i + 1] = ss_conns_get(c, &t6, &dir);
        CHECK(!recs[2 * i + 1]->ipv4);
        recs[2 * i + 1]->windows.syn_isn[0] = i;
    }
    CHECK_EQ_INT(ss_conns_count(c), 6000);
    for (uint16_t i = 0; i < 3000; i++) {
        ss_tuple t4 = test_tuple((uint8_t)(1 + i % 200), (uint16_t)(1024 + i), 2, 80), t6 = v6_tuple(i);
        ss_tuple back4 = ss_tuple_reverse(&t4), back6 = ss_tuple_reverse(&t6);
        int dir, back_dir;
        ss_conn *r = ss_conns_find(c, &t4, &dir);
        CHECK(r == recs[2 * i]);
        CHECK(ss_conns_find(c, &back4, &back_dir) == r && back_dir == !dir);
        CHECK_EQ_INT(r->attempts.attempt[dir], i + 1u);
        int kd;
        ss_tuple key4 = ss_conn_key(&t4, &kd), key6 = ss_conn_key(&t6, &kd);
        CHECK(same_tuple(ss_conn_tuple(r), key4));
        r = ss_conns_get(c, &back6, &dir);
        CHECK(r == recs[2 * i + 1]);
        CHECK_EQ_INT(r->windows.syn_isn[0], i);
        CHECK(same_tuple(ss_conn_tuple(r), key6));
    }
    CHECK_EQ_INT(ss_conns_count(c), 6000);
    /* 3,000 IPv4 records of 48 bytes, as many of 72, 4 bytes a slot */
    CHECK(ss_conns_bytes(c) < 3 * 1024 * 48 + 3 * 1024 * 72 + 16384 * 4 + 4096);
    ss_conns_free(c);
}

/* Blocks keep their bytes through a resize; a block's size is rounded to
 * 8 bytes, not to malloc's 16 plus a header; a page whose blocks are all
 * given back is freed, so the sizes a burst of attempts grew out of keep
 * nothing; large blocks come from malloc. */
static void test_blocks(void)
{
    ss_blocks *b = ss_blocks_new();
    enum { N = 20000 };
    static uint64_t *blocks[N];
    for (uint32_t i = 0; i < N; i++) {
        blocks[i] = ss_blocks_alloc(b, 8);
        CHECK(((uintptr_t)blocks[i] & 7) == 0);
        blocks[i][0] = i;
    }
    size_t eight = ss_blocks_bytes(b);
    CHECK(eight >= N * 8 && eight < N * 8 + 2 * 65536);
    /* all of them grow, one word at a time, as a burst of SYN retries does */
    for (size_t words = 2; words <= 6; words++)
        for (uint32_t i = 0; i < N; i++) {
            blocks[i] = ss_blocks_resize(b, blocks[i], (words - 1) * 8, words * 8);
            blocks[i][words - 1] = i * 10 + words;
        }
    size_t held = ss_blocks_bytes(b);
    CHECK(held >= N * 48 && held < N * 48 + 3 * 65536);              /* the smaller sizes' pages are gone */
    for (uint32_t i = 0; i < N; i++) {
        CHECK_EQ_INT(blocks[i][0], i);
        for (size_t w = 1; w < 6; w++)
            CHECK_EQ_INT(blocks[i][w], i * 10 + w + 1);
    }
    /* a size within the same 8 bytes stays put; a large block moves to malloc and back */
    CHECK(ss_blocks_resize(b, blocks[0], 48, 44) == blocks[0]);
    blocks[1] = ss_blocks_resize(b, blocks[1], 48, 1000);
    CHECK_EQ_INT(blocks[1][0], 1);
    CHECK_EQ_INT(blocks[1][5], 16);
    CHECK_EQ_INT(ss_blocks_bytes(b), held + 1000);
    blocks[1] = ss_blocks_resize(b, blocks[1], 1000, 2000);
    CHECK_EQ_INT(blocks[1][5], 16);
    blocks[1] = ss_blocks_resize(b, blocks[1], 2000, 16);
    CHECK_EQ_INT(blocks[1][1], 12);
    ss_blocks_release(b, blocks[1], 16);
    /* released blocks are used again before a page is cut further */
    ss_blocks_release(b, blocks[2], 48);
    CHECK(ss_blocks_alloc(b, 41) == (void *)blocks[2]);
    for (uint32_t i = 0; i < N; i++)
        if (i != 1)
            ss_blocks_release(b, blocks[i], 48);
    CHECK_EQ_INT(ss_blocks_bytes(b), 0);
    ss_blocks_free(b);
}

int main(void)
{
    RUN(test_pool);
    RUN(test_blocks);
    RUN(test_registry);
    return check_report();
}
