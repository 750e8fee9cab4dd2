/* causes.c - whose stack, who gave up, whether the listener was up
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "causes.h"

#include <glib.h>
#include <string.h>

#define MS (SS_NS_PER_SEC / 1000)

const char *ss_stack_name(ss_stack s)
{
    switch (s) {
    case SS_STACK_LINUX:
        return "linux";
    case SS_STACK_LINUX_LINEAR:
        return "linux-linear";
    case SS_STACK_APPLE_BSD:
        return "apple-bsd";
    case SS_STACK_WINDOWS:
        return "windows";
    case SS_STACK_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *ss_gave_up_name(ss_gave_up g)
{
    switch (g) {
    case SS_GAVE_UP_APP:
        return "app";
    case SS_GAVE_UP_KERNEL_LOWERED:
        return "kernel";
    case SS_GAVE_UP_NOT_KNOWN:
        break;
    }
    return "-";
}

/* A gap a timer of want set: timers fire late, not early (jiffies, a
 * loaded host), and a capture point adds its own delay. */
static bool gap_is(int64_t gap, int64_t want)
{
    if (want <= 0 || want > 1000 * SS_NS_PER_SEC)
        return false;           /* no SYN timer runs that long (a damaged capture's times) */
    return gap >= want - want * 15 / 100 && gap <= want + want * 25 / 100 + 20 * MS;
}

/* Whether gap is twice prev (which may be any time a capture claims). */
static bool gap_doubles(int64_t gap, int64_t prev)
{
    return prev > 0 && prev <= 1000 * SS_NS_PER_SEC && gap_is(gap, 2 * prev);
}

/* Linux (tcp_retransmit_timer): the RTO stays at its initial value for the
 * first `linear` retransmissions (tcp_syn_linear_timeouts), then doubles;
 * tcp_write_timeout gives up after tcp_syn_retries + linear of them, one
 * RTO after the last. gap k (k >= 1) precedes SYN k; gap retries+linear+1
 * is the wait that ends in ETIMEDOUT. */
static int64_t linux_gap_ns(int64_t initial_rto_ns, uint32_t linear, uint32_t k)
{
    if (k <= linear + 1)
        return initial_rto_ns;
    uint32_t doublings = k - linear - 1;
    int64_t gap = initial_rto_ns << (doublings > 20 ? 20 : doublings);
    return gap > 120 * SS_NS_PER_SEC ? 120 * SS_NS_PER_SEC : gap;  /* TCP_RTO_MAX */
}

int64_t ss_linux_gives_up_ns(int64_t initial_rto_ns, uint32_t linear, uint32_t retries)
{
    int64_t total = 0;
    for (uint32_t k = 1; k <= retries + linear + 1; k++)
        total += linux_gap_ns(initial_rto_ns, linear, k);
    return total;
}

/* FreeBSD's and XNU's tcp_syn_backoff[]: multiples of the 1 s initial RTO;
 * connect() gives up after tcp_keepinit (75 s). */
static const int apple_bsd_backoff[] = { 1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64, 64, 64 };
#define APPLE_BSD_KEEPINIT_NS (75 * SS_NS_PER_SEC)

#define LINUX_SYN_RETRIES 6u
#define LINUX_LINEAR_DEFAULT 4u

/* Gaps of the first n SYNs on the capture's clock: gaps[i] precedes SYN i + 1
 * (each SYN read once: the gaps as ss_attempt_gap_ns gives them). */
static uint32_t read_gaps(const ss_attempt *a, int64_t *gaps)
{
    uint32_t n = a->syn_count < SS_STACK_SYNS_READ ? a->syn_count : SS_STACK_SYNS_READ;
    int64_t before = a->first_syn.time_ns;
    for (uint32_t i = 1; i < n; i++) {
        int64_t t = ss_attempt_syn(a, i).time_ns;
        gaps[i - 1] = ss_time_diff(t, before);
        before = t;
    }
    return n ? n - 1 : 0;
}

/* Whether the gaps after the first `ones` (which equal the first) double. */
static bool doubles_after(const int64_t *gaps, uint32_t n, uint32_t ones)
{
    for (uint32_t i = ones; i < n; i++)
        if (!gap_doubles(gaps[i], gaps[i - 1]))
            return false;
    return true;
}

static void read_linux(ss_stack_reading *r, const ss_attempt *a, const int64_t *gaps, uint32_t n)
{
    uint32_t ones = 1;
    while (ones < n && gap_is(gaps[ones], gaps[0]))
        ones++;
    if (!doubles_after(gaps, n, ones) || ones > LINUX_LINEAR_DEFAULT + 1)
        return;
    /* the linear part ended where a doubled gap follows; else the default */
    uint32_t linear = ones == 1 ? 0 : ones < n ? ones - 1 : LINUX_LINEAR_DEFAULT;
    r->stack = linear ? SS_STACK_LINUX_LINEAR : SS_STACK_LINUX;
    r->max_syns = 1 + LINUX_SYN_RETRIES + linear;
    r->gives_up_ns = ss_linux_gives_up_ns(SS_NS_PER_SEC, linear, LINUX_SYN_RETRIES);
    r->setting = linear == 0 ? "tcp_syn_retries=6"
                 : linear == LINUX_LINEAR_DEFAULT ? "tcp_syn_retries=6, tcp_syn_linear_timeouts=4"
                 : linear == 1 ? "tcp_syn_retries=6, tcp_syn_linear_timeouts=1"
                 : linear == 2 ? "tcp_syn_retries=6, tcp_syn_linear_timeouts=2"
                               : "tcp_syn_retries=6, tcp_syn_linear_timeouts=3";
    r->next_due_ns = linux_gap_ns(SS_NS_PER_SEC, linear, a->syn_count);
}

static void read_apple_bsd(ss_stack_reading *r, const ss_attempt *a, const int64_t *gaps, uint32_t n)
{
    int64_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t want = (int64_t)apple_bsd_backoff[i < G_N_ELEMENTS(apple_bsd_backoff) ? i : G_N_ELEMENTS(apple_bsd_backoff) - 1] *
                       SS_NS_PER_SEC;
        if (!gap_is(gaps[i], want))
            return;
    }
    r->stack = SS_STACK_APPLE_BSD;
    r->gives_up_ns = APPLE_BSD_KEEPINIT_NS;
    r->setting = "net.inet.tcp.keepinit=75000";
    /* the SYNs sent before keepinit runs out, and the next one's due time */
    uint32_t syns = 1;
    for (uint32_t i = 0;; i++) {
        int64_t gap = (int64_t)apple_bsd_backoff[i < G_N_ELEMENTS(apple_bsd_backoff) ? i : G_N_ELEMENTS(apple_bsd_backoff) - 1] *
                      SS_NS_PER_SEC;
        if (syns == a->syn_count)
            r->next_due_ns = at + gap < APPLE_BSD_KEEPINIT_NS ? gap : APPLE_BSD_KEEPINIT_NS - at;
        if (at + gap >= APPLE_BSD_KEEPINIT_NS)
            break;
        at += gap;
        syns++;
    }
    r->max_syns = syns;
}

static void read_windows(ss_stack_reading *r, const ss_attempt *a, const int64_t *gaps, uint32_t n)
{
    if (n != 2 || a->first_syn.has_ts)
        return;
    int64_t rto = gap_is(gaps[0], SS_NS_PER_SEC) ? SS_NS_PER_SEC : gap_is(gaps[0], 3 * SS_NS_PER_SEC) ? 3 * SS_NS_PER_SEC : 0;
    if (!rto || !gap_is(gaps[1], 2 * rto))
        return;
    r->stack = SS_STACK_WINDOWS;
    r->max_syns = 3;
    r->gives_up_ns = 7 * rto;
    r->setting = "MaxSynRetransmissions=2";
    r->next_due_ns = 4 * rto;
}

ss_stack_reading ss_attempt_stack(const ss_attempt *a)
{
    ss_stack_reading r;
    memset(&r, 0, sizeof r);
    if (a->syn_count < 3)
        return r;               /* one gap says nothing of a schedule */
    const ss_attempt_rare *rare = ss_attempt_rare_part(a);
    int64_t gaps[SS_STACK_SYNS_READ];
    uint32_t n = read_gaps(a, gaps);
    unsigned lost = 0;
    uint32_t lost_from = 0;
    if (rare && rare->lost_from) {
        lost_from = rare->lost_from;
        lost = rare->latest_lost & SS_SYN_OPTIONS;
    }
    bool dropped_at_third = lost_from == 3 && (lost & (SS_SYN_WS | SS_SYN_TS));
    if (dropped_at_third && (ss_syn_layout)a->first_layout != SS_LAYOUT_WINDOWS) {
        /* no Linux or Windows drops options from a retry: the BSDs' own
         * trace, whatever order the options came in */
        read_apple_bsd(&r, a, gaps, n);
        goto done;
    }
    switch ((ss_syn_layout)a->first_layout) {
    case SS_LAYOUT_LINUX:
        if (!lost && gap_is(gaps[0], SS_NS_PER_SEC))
            read_linux(&r, a, gaps, n);
        break;
    case SS_LAYOUT_APPLE:
    case SS_LAYOUT_FREEBSD:
        if (!lost || dropped_at_third)
            read_apple_bsd(&r, a, gaps, n);
        break;
    case SS_LAYOUT_WINDOWS:
        if (!lost)
            read_windows(&r, a, gaps, n);
        break;
    case SS_LAYOUT_OTHER:
        /* no layout to go by: only Windows' 3 s schedule of three SYNs, which
         * no other default gives (Linux's initial RTO is 1 s since 3.1) */
        if (!lost && gap_is(gaps[0], 3 * SS_NS_PER_SEC))
            read_windows(&r, a, gaps, n);
        break;
    }
done:
    if (r.stack != SS_STACK_UNKNOWN && a->syn_count > r.max_syns) {
        r.limit_raised = true;
        r.gives_up_ns = 0;
        r.next_due_ns = 0;
    }
    return r;
}

ss_give_up_reading ss_attempt_gave_up(const ss_attempt *a, const ss_stack_reading *stack, int64_t capture_end_ns,
                                      int64_t next_attempt_ns, uint32_t next_attempt)
{
    ss_give_up_reading g;
    memset(&g, 0, sizeof g);
    if (stack->stack == SS_STACK_UNKNOWN || stack->limit_raised || !stack->next_due_ns ||
        a->syn_count >= stack->max_syns || ss_attempt_outcome_frame(a))
        return g;
    int64_t last_ns = ss_attempt_syn(a, a->syn_count - 1).time_ns;
    int64_t due_ns = stack->next_due_ns;
    int64_t watched = ss_time_diff(capture_end_ns, last_ns);
    bool next_within = next_attempt_ns && next_attempt_ns >= last_ns &&
                       ss_time_diff(next_attempt_ns, last_ns) <= due_ns + due_ns * 25 / 100 + 20 * MS;
    /* a capture that ends as the kernel gives up (the client's own, stopped
     * when its process exits) cannot tell a lowered limit from a timeout: it
     * must go on a second past the next SYN's due time */
    if (watched < due_ns + SS_NS_PER_SEC && !next_within)
        return g;
    g.from_ns = ss_attempt_span_ns(a);
    g.by_ns = ss_time_add(g.from_ns, due_ns);
    if (next_within) {
        int64_t after = ss_time_diff(next_attempt_ns, last_ns);
        g.next_attempt = next_attempt;
        if (gap_is(after, due_ns) && (stack->stack == SS_STACK_LINUX || stack->stack == SS_STACK_LINUX_LINEAR)) {
            /* connect() failed exactly when the kernel would have sent the next SYN */
            uint32_t linear = stack->stack == SS_STACK_LINUX ? 0 : stack->max_syns - 1 - LINUX_SYN_RETRIES;
            g.who = SS_GAVE_UP_KERNEL_LOWERED;
            uint32_t retries = (uint32_t)a->syn_count - 1;
            g.lowered_retries = retries > linear ? retries - linear : 0;
            g.by_ns = ss_time_add(g.from_ns, after);
            return g;
        }
        if (after < due_ns)
            g.by_ns = ss_time_add(g.from_ns, after);
    }
    g.who = SS_GAVE_UP_APP;
    return g;
}

/* --- listeners --------------------------------------------------------- */

typedef struct answer {
    int64_t  time_ns;
    uint32_t frame;
    uint32_t client_hash;       /* the client's address and port, hashed: "another client" */
} answer;

struct ss_listeners {
    GHashTable *by_endpoint;    /* server endpoint (a tuple with only dst, dport) -> GArray of answer, in time order */
};

static void array_free(gpointer p) { g_array_free(p, TRUE); }

/* A tuple with only addr and port, as its destination: the key of an endpoint. */
static ss_tuple endpoint_key(const ss_addr *addr, uint16_t port)
{
    ss_tuple k;
    memset(&k, 0, sizeof k);
    k.dst = *addr;
    k.dport = port;
    return k;
}

ss_listeners *ss_listeners_new(void)
{
    ss_listeners *l = g_new0(ss_listeners, 1);
    l->by_endpoint = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, array_free);
    return l;
}

void ss_listeners_free(ss_listeners *l)
{
    if (!l)
        return;
    g_hash_table_destroy(l->by_endpoint);
    g_free(l);
}

void ss_listeners_add_synack(ss_listeners *l, const ss_segment *synack)
{
    ss_tuple k = endpoint_key(&synack->tuple.src, synack->tuple.sport);
    GArray *answers = g_hash_table_lookup(l->by_endpoint, &k);
    if (!answers) {
        answers = g_array_new(FALSE, FALSE, sizeof(answer));
        g_hash_table_insert(l->by_endpoint, ss_memdup(&k, sizeof k), answers);
    }
    ss_tuple client = endpoint_key(&synack->tuple.dst, synack->tuple.dport);
    answer a = { synack->time_ns, synack->frame, ss_tuple_hash(&client) };
    /* in time order: a file out of time order puts a few in place */
    guint at = answers->len;
    while (at > 0 && g_array_index(answers, answer, at - 1).time_ns > a.time_ns)
        at--;
    g_array_insert_val(answers, at, a);
}

/* The first answer at or after t. */
static guint first_from(const GArray *answers, int64_t t)
{
    guint lo = 0, hi = answers->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(answers, answer, mid).time_ns < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t ss_listeners_answered_other(const ss_listeners *l, const ss_tuple *tuple, int64_t from_ns, int64_t to_ns,
                                     int64_t near_ns)
{
    if (!l)
        return 0;
    ss_tuple k = endpoint_key(&tuple->dst, tuple->dport), client = endpoint_key(&tuple->src, tuple->sport);
    const GArray *answers = g_hash_table_lookup(l->by_endpoint, &k);
    if (!answers)
        return 0;
    uint32_t mine = ss_tuple_hash(&client);
    /* outward from near_ns: the first answer to another client either side */
    guint at = first_from(answers, near_ns);
    const answer *before = NULL, *after = NULL;
    for (guint i = at; i < answers->len; i++) {
        const answer *x = &g_array_index(answers, answer, i);
        if (x->time_ns > to_ns)
            break;
        if (x->client_hash != mine) {
            after = x;
            break;
        }
    }
    for (guint i = at; i-- > 0;) {
        const answer *x = &g_array_index(answers, answer, i);
        if (x->time_ns < from_ns)
            break;
        if (x->client_hash != mine) {
            before = x;
            break;
        }
    }
    if (before && after)
        return ss_time_diff(near_ns, before->time_ns) <= ss_time_diff(after->time_ns, near_ns) ? before->frame
                                                                                               : after->frame;
    return before ? before->frame : after ? after->frame : 0;
}
