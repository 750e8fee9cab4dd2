/* test_text.c - the printf-free sentence pieces write what snprintf writes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ss_text.h"

#include <float.h>
#include <stdint.h>

#include "check.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static int mismatches;

static void expect_fixed(double v, int decimals)
{
    char want[512], got[512];
    snprintf(want, sizeof want, "%.*f", decimals, v);
    ss_text t = ss_text_in(got, sizeof got);
    ss_text_fixed(&t, v, decimals);
    if (strcmp(want, got) != 0 || t.len != strlen(want)) {
        if (mismatches++ < 10)
            fprintf(stderr, "%%.%df of %.17g: \"%s\", snprintf \"%s\"\n", decimals, v, got, want);
        CHECK(false);
    } else {
        CHECK(true);
    }
}

/* The values the sentences print: gaps of nanoseconds in seconds, and
 * ratios of gaps; ties and their neighbours, where rounding is decided. */
static void test_fixed_matches_snprintf(void)
{
    static const double fixed[] = {
        0.0, -0.0, 0.125, 0.25, 0.375, 2.5, 1.005, 1.015, 0.045, 1e-9, -1e-9, 0.005, 0.0049999, 9.995, 9.9949999,
        99.995, 1.0, 2.0, 1.9999999, 123456789.125, 4503599627370495.0, 4503599627370497.0, 1e15, 1e300, -1e300,
        DBL_MIN, DBL_MAX, -DBL_MAX, 0.05, 0.15, 0.35, 0.95, 1.05, 1.25, -2.5, -0.125,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        for (int d = 0; d <= 6; d++)
            expect_fixed(fixed[i], d);
    expect_fixed(INFINITY, 2);
    expect_fixed(-INFINITY, 1);
    expect_fixed(NAN, 2);

    for (int i = 0; i < 200000; i++) {
        uint64_t r = next_random();
        /* a gap: up to about 300 s, often on whole microseconds or milliseconds */
        int64_t ns = (int64_t)(r % 300000000000u);
        if (i % 3 == 1)
            ns -= ns % 1000;
        if (i % 3 == 2)
            ns -= ns % 1000000;
        if (i % 7 == 0)     /* a tie at the second decimal, or a nanosecond off it */
            ns = (ns / 10000000) * 10000000 + 5000000 + (int64_t)(r >> 60) % 3 - 1;
        double seconds = (double)ns / 1e9;
        if (r >> 63)
            seconds = -seconds;
        expect_fixed(seconds, 2);
        expect_fixed(seconds, 3);
        /* a backoff: one gap over another */
        uint64_t a = (r >> 20) % 100000000000u + 1, b = (r >> 7) % 100000000000u + 1;
        if (i % 5 == 0)
            b = a / 2 + (r & 1);
        expect_fixed((double)a / (double)b, 1);
        expect_fixed((double)a / (double)b, 2);
        /* any double */
        double any;
        uint64_t bits = next_random();
        memcpy(&any, &bits, sizeof any);
        expect_fixed(any, (int)(r % 7));
    }
}

static void expect_seconds(int64_t ns, int decimals)
{
    char want[512], got[512];
    snprintf(want, sizeof want, "%.*f", decimals, (double)ns / 1e9);
    ss_text t = ss_text_in(got, sizeof got);
    ss_text_seconds(&t, ns, decimals);
    if (strcmp(want, got) != 0) {
        if (mismatches++ < 10)
            fprintf(stderr, "%%.%df of %lld ns: \"%s\", snprintf \"%s\"\n", decimals, (long long)ns, got, want);
        CHECK(false);
    } else {
        CHECK(true);
    }
}

/* Seconds from integer nanoseconds print as the double ns / 1e9 does. */
static void test_seconds_match_snprintf(void)
{
    static const int64_t fixed[] = { 0, 1, -1, 5000000, 4999999, 5000001, -5000000, 1005000000, 1015000000,
                                     999999999, 1000000000, 125000000, 250000000, INT64_MAX, INT64_MIN,
                                     (INT64_C(1) << 52) - 1, (INT64_C(1) << 52), -(INT64_C(1) << 52) };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        for (int d = 0; d <= 6; d++)
            expect_seconds(fixed[i], d);
    for (int i = 0; i < 300000; i++) {
        uint64_t r = next_random();
        int64_t ns = (int64_t)(r % (i % 2 ? 400000000000u : UINT64_C(9000000000000000)));
        if (i % 4 == 1)
            ns -= ns % 1000;
        if (i % 5 == 0)     /* on a tie of some decimal, or a nanosecond off it */
            ns = ns / 1000000 * 1000000 + 500000 + (int64_t)(r >> 61) % 3 - 1;
        if (r >> 63)
            ns = -ns;
        expect_seconds(ns, (int)(r >> 40) % 7);
        expect_seconds(ns, 2);
    }
}

static void test_uint_and_cutting(void)
{
    static const uint32_t values[] = { 0, 1, 9, 10, 99, 100, 65535, 1000000, 4294967295u };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char want[16], got[16];
        snprintf(want, sizeof want, "%u", values[i]);
        ss_text t = ss_text_in(got, sizeof got);
        ss_text_uint(&t, values[i]);
        CHECK_EQ_STR(got, want);
    }
    /* what does not fit is cut off, as snprintf cuts it */
    for (size_t size = 1; size < 24; size++) {
        char want[24], got[24];
        snprintf(want, size, "frame %u, %.2f s", 123456u, 1.5);
        ss_text t = ss_text_in(got, size);
        ss_text_str(&t, "frame ");
        ss_text_uint(&t, 123456u);
        ss_text_str(&t, ", ");
        ss_text_fixed(&t, 1.5, 2);
        SS_TEXT_LIT(&t, " s");
        CHECK_EQ_STR(got, want);
        CHECK_EQ_INT(t.len, strlen(want));
    }
}

int main(void)
{
    RUN(test_fixed_matches_snprintf);
    RUN(test_seconds_match_snprintf);
    RUN(test_uint_and_cutting);
    return check_report();
}
