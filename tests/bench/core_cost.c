/* core_cost.c - heap bytes the analyses hold per attempt, connection or
 * segment, without tshark
 *
 *     core_cost flood|midstream|trains|long [N]
 *
 * Feeds the benchmark's scenarios (tests/bench/make_bench_capture.py) as
 * segments straight into ss_analysis, keeping each frame's result as the
 * plugin does, and prints the heap growth per unit, deterministic and in a
 * second: the figure to watch while changing a record. run_bench.py gives
 * the same scenarios' figures inside tshark (peak resident memory).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib.h>
#include "analysis.h"

static uint32_t rnd_state = 20261124;
static uint32_t rnd(void) { rnd_state = rnd_state * 1664525u + 1013904223u; return rnd_state; }

static ss_analysis *an;
static uint32_t frame_no;
static ss_tuple *tuples;        /* each frame's, to recall its note as the plugin does (allocated before measuring) */
static size_t extra_notes;

static void set4(ss_addr *a, uint32_t v) { memset(a, 0, sizeof *a); a->family = 4; a->bytes[0] = v >> 24; a->bytes[1] = v >> 16; a->bytes[2] = v >> 8; a->bytes[3] = v; }

static void feed(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t win, uint32_t len, int64_t t, int8_t wscale, bool ts, uint32_t tsval)
{
    ss_segment s;
    memset(&s, 0, sizeof s);
    s.kind = SS_SEG_TCP;
    s.frame = ++frame_no;
    s.time_ns = t;
    set4(&s.tuple.src, src); set4(&s.tuple.dst, dst);
    s.tuple.sport = sport; s.tuple.dport = dport;
    s.seq = seq; s.ack = ack; s.flags = flags; s.window = win; s.payload_len = len; s.wscale = wscale;
    s.has_ts = ts; s.tsval = tsval;
    ss_frame_result r;
    tuples[s.frame] = s.tuple;
    if (!ss_analysis_feed(an, &s, &r))
        return;
    if (ss_attempt_note_present(&r.attempt) && !ss_analysis_keep_attempt(an, s.frame, &r.attempt, &s.tuple))
        extra_notes++;
    if (ss_window_note_present(&r.window) && !ss_analysis_keep_window(an, s.frame, &r.window))
        extra_notes++;
}

/* Heap bytes in use (glibc 2.33 and later), to which the analyses' mapped
 * pages are added; before, the process's resident size, which holds them. */
static double heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 m = mallinfo2();
    return (double)m.uordblks + (double)m.hblkhd + (an ? (double)ss_analysis_mapped_bytes(an) : 0);
#else
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * 4096;
#endif
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "flood";
    uint32_t n = argc > 2 ? (uint32_t)atoi(argv[2]) : 0;
    if (!n)
        n = !strcmp(which, "flood") ? 1000000 : !strcmp(which, "long") ? 400000 : 200000;
    if (strcmp(which, "flood") && strcmp(which, "midstream") && strcmp(which, "trains") && strcmp(which, "long")) {
        fprintf(stderr, "usage: core_cost flood|midstream|trains|long [N]\n");
        return 2;
    }
    uint32_t frames = !strcmp(which, "trains") ? 7 * n : !strcmp(which, "midstream") ? 2 * n : n;
    tuples = malloc((frames + 1) * sizeof *tuples);
    double before = heap_bytes();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    an = ss_analysis_new();
    int64_t t = 1795000000LL * 1000000000LL;
    uint32_t server = 0x0afa0001;
    uint32_t units = n;
    if (!strcmp(which, "flood")) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t client = (10u << 24) | ((1 + (i >> 16) % 250) << 16) | (((i >> 8) % 256) << 8) | (i % 256);
            feed(client, 1024 + i % 60000, server, 80, rnd(), 0, SS_TCP_SYN, 64240, 0, t + (int64_t)i * 10000, 7, true, i);
        }
    } else if (!strcmp(which, "midstream")) {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t client = (10u << 24) | ((1 + (i >> 16) % 250) << 16) | (((i >> 8) % 256) << 8) | (i % 256);
            uint32_t c = rnd(), sq = rnd();
            t += 10000;
            feed(client, 1024 + i % 60000, server, 6379, c, sq, SS_TCP_ACK | SS_TCP_PSH, 300, 300, t, -1, false, 0);
            feed(server, 6379, client, 1024 + i % 60000, sq, c + 300, SS_TCP_ACK, 127, 0, t + 5000, -1, false, 0);
        }
    } else if (!strcmp(which, "trains")) {
        uint32_t *isn = malloc(n * sizeof *isn);
        for (uint32_t i = 0; i < n; i++) isn[i] = rnd();
        /* 7 SYNs 1 s apart, attempts 1 us apart: SYN k of every attempt in order */
        for (int k = 0; k < 7; k++)
            for (uint32_t i = 0; i < n; i++) {
                uint32_t client = (10u << 24) | ((1 + (i >> 16) % 250) << 16) | (((i >> 8) % 256) << 8) | (i % 256);
                int64_t when = t + (int64_t)i * 1000 + (int64_t)k * 1000000000LL;
                feed(client, 1024 + i % 60000, server, 80, isn[i], 0, SS_TCP_SYN, 64240, 0, when, 7, true, (uint32_t)(when / 1000000));
            }
        free(isn);
    } else if (!strcmp(which, "long")) {
        uint32_t client = 0x0a010001, c = rnd(), sq = rnd();
        for (uint32_t i = 0; i < n / 2; i++) {
            t += 100000;
            feed(client, 40000, server, 33333, c, sq, SS_TCP_ACK, 300, 1448, t, -1, false, 0);
            c += 1448;
            feed(server, 33333, client, 40000, sq, c, SS_TCP_ACK, 127, 0, t + 50000, -1, false, 0);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double bytes = heap_bytes() - before;
    struct timespec t2, t3;
    clock_gettime(CLOCK_MONOTONIC, &t2);
    uint32_t found = 0;
    for (uint32_t f = 1; f <= frame_no; f++) {
        ss_attempt_note an_; ss_window_note wn;
        found += ss_analysis_kept_attempt(an, f, &tuples[f], &an_);
        found += ss_analysis_kept_window(an, f, &wn);
    }
    const ss_flood *fl = ss_analysis_flood_at(an, 1, 1000);
    clock_gettime(CLOCK_MONOTONIC, &t3);

    if (bytes <= 0)
        fprintf(stderr, "core_cost: the heap did not grow: a sanitizer's allocator hides it; use a plain build\n");
    const char *unit = !strcmp(which, "long") ? "segment" : !strcmp(which, "midstream") ? "connection" : "attempt";
    printf("%-10s %8u %ss: %7.1f bytes per %s (%zu notes kept whole); first pass %.3f s, every frame recalled %.3f s "
           "(%u notes%s)\n", which, units, unit, bytes / units, unit, extra_notes,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           (double)(t3.tv_sec - t2.tv_sec) + (double)(t3.tv_nsec - t2.tv_nsec) / 1e9, found, fl ? ", a flood" : "");
    ss_analysis_free(an);
    free(tuples);
    return 0;
}
