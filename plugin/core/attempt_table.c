/* attempt_table.c - the connection-attempts table
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "attempt_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct ss_attempt_table {
    GPtrArray *rows;            /* ss_attempt_row*, in order of first sight */
    GHashTable *by_frame;       /* first SYN frame -> ss_attempt_row* */
    GPtrArray *destinations;    /* ss_destination_row*, counted as rows change */
    GHashTable *by_server;      /* server endpoint (a tuple with only dst, dport) -> ss_destination_row* */
};

ss_attempt_table *ss_attempt_table_new(void)
{
    ss_attempt_table *t = g_new0(ss_attempt_table, 1);
    t->rows = g_ptr_array_new_with_free_func(g_free);
    t->by_frame = g_hash_table_new(g_direct_hash, g_direct_equal);
    t->destinations = g_ptr_array_new_with_free_func(g_free);
    t->by_server = g_hash_table_new_full(ss_tuple_hash, ss_tuple_equal, g_free, NULL);
    return t;
}

void ss_attempt_table_free(ss_attempt_table *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->by_frame);
    g_ptr_array_unref(t->rows);
    g_hash_table_destroy(t->by_server);
    g_ptr_array_unref(t->destinations);
    g_free(t);
}

void ss_attempt_table_reset(ss_attempt_table *t)
{
    g_hash_table_remove_all(t->by_frame);
    g_ptr_array_set_size(t->rows, 0);
    g_hash_table_remove_all(t->by_server);
    g_ptr_array_set_size(t->destinations, 0);
}

static ss_destination_row *destination(ss_attempt_table *t, const ss_tuple *client_to_server)
{
    ss_tuple key;
    memset(&key, 0, sizeof key);
    key.dst = client_to_server->dst;
    key.dport = client_to_server->dport;
    ss_destination_row *d = g_hash_table_lookup(t->by_server, &key);
    if (!d) {
        d = g_new0(ss_destination_row, 1);
        d->addr = key.dst;
        d->port = key.dport;
        g_ptr_array_add(t->destinations, d);
        g_hash_table_insert(t->by_server, g_memdup2(&key, sizeof key), d);
    }
    return d;
}

static uint32_t *outcome_counter(ss_destination_row *d, ss_outcome o)
{
    switch (o) {
    case SS_OUTCOME_ANSWERED: return &d->answered;
    case SS_OUTCOME_REFUSED_RST:
    case SS_OUTCOME_REFUSED_ICMP: return &d->refused;
    case SS_OUTCOME_SUPERSEDED: return &d->superseded;
    case SS_OUTCOME_OPEN: break;
    }
    return &d->unanswered;
}


const ss_attempt_row *ss_attempt_table_update(ss_attempt_table *t, const ss_attempt *a, int64_t capture_start_ns)
{
    if (!a || a->syn_count == 0)
        return NULL;
    gpointer key = GUINT_TO_POINTER(a->syns[0].frame);
    ss_attempt_row *r = g_hash_table_lookup(t->by_frame, key);
    ss_destination_row *d = destination(t, &a->tuple);
    if (r) {
        (*outcome_counter(d, r->outcome))--;
    } else {
        r = g_new0(ss_attempt_row, 1);
        g_ptr_array_add(t->rows, r);
        g_hash_table_insert(t->by_frame, key, r);
        d->attempts++;
    }
    (*outcome_counter(d, a->outcome))++;
    r->tuple = a->tuple;
    r->first_frame = a->syns[0].frame;
    r->first_syn_s = ss_time_seconds(ss_time_diff(a->syns[0].time_ns, capture_start_ns));
    r->syn_count = a->syn_count;
    r->schedule = ss_attempt_schedule(a, a->syn_count);
    r->outcome = a->outcome;
    r->outcome_frame = 0;
    r->to_outcome_s = -1.0;
    switch (a->outcome) {
    case SS_OUTCOME_ANSWERED:
    case SS_OUTCOME_REFUSED_RST:
    case SS_OUTCOME_REFUSED_ICMP:
        r->outcome_frame = a->outcome_frame;
        r->to_outcome_s = ss_time_seconds(ss_attempt_elapsed_ns(a, a->outcome_time_ns));
        break;
    case SS_OUTCOME_SUPERSEDED:
        r->outcome_frame = a->superseded_by;
        break;
    case SS_OUTCOME_OPEN:
        break;
    }
    return r;
}

ss_attempt_class ss_attempt_row_class(const ss_attempt_row *r)
{
    switch (r->outcome) {
    case SS_OUTCOME_ANSWERED:
        return r->syn_count > 1 ? SS_CLASS_ANSWERED_LATE : SS_CLASS_ANSWERED;
    case SS_OUTCOME_SUPERSEDED:
        return SS_CLASS_SUPERSEDED;
    case SS_OUTCOME_OPEN:
    case SS_OUTCOME_REFUSED_RST:
    case SS_OUTCOME_REFUSED_ICMP:
        break;
    }
    return SS_CLASS_FAILED;
}

const char *ss_attempt_class_verdict(ss_attempt_class c)
{
    switch (c) {
    case SS_CLASS_FAILED: return "failed";
    case SS_CLASS_SUPERSEDED: return "given up";
    case SS_CLASS_ANSWERED_LATE: return "late";
    case SS_CLASS_ANSWERED: return "ok";
    }
    return "?";
}

const ss_attempt_row *ss_attempt_table_find(const ss_attempt_table *t, uint32_t first_frame)
{
    return g_hash_table_lookup(t->by_frame, GUINT_TO_POINTER(first_frame));
}

const char *ss_attempt_row_outcome(const ss_attempt_row *r) { return ss_outcome_name(r->outcome, true); }

guint ss_attempt_table_size(const ss_attempt_table *t) { return t->rows->len; }

static gint row_order(gconstpointer pa, gconstpointer pb)
{
    const ss_attempt_row *a = *(const ss_attempt_row *const *)pa;
    const ss_attempt_row *b = *(const ss_attempt_row *const *)pb;
    int ca = ss_attempt_row_class(a), cb = ss_attempt_row_class(b);
    if (ca != cb)
        return ca - cb;
    return a->first_frame < b->first_frame ? -1 : a->first_frame > b->first_frame;
}

/* A sorted copy of an array of pointers (the pointed-to rows are shared). */
static GPtrArray *sorted_copy(const GPtrArray *rows, GCompareFunc order)
{
    GPtrArray *sorted = g_ptr_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++)
        g_ptr_array_add(sorted, g_ptr_array_index(rows, i));
    g_ptr_array_sort(sorted, order);
    return sorted;
}

GPtrArray *ss_attempt_table_sorted(const ss_attempt_table *t) { return sorted_copy(t->rows, row_order); }

static gint destination_order(gconstpointer pa, gconstpointer pb)
{
    const ss_destination_row *a = *(const ss_destination_row *const *)pa;
    const ss_destination_row *b = *(const ss_destination_row *const *)pb;
    uint32_t fa = a->refused + a->unanswered, fb = b->refused + b->unanswered;
    if (fa != fb)
        return fa > fb ? -1 : 1;
    if (a->attempts != b->attempts)
        return a->attempts > b->attempts ? -1 : 1;
    int c = memcmp(&a->addr, &b->addr, sizeof a->addr);
    if (c)
        return c;
    return (int)a->port - (int)b->port;
}

const ss_destination_row *ss_attempt_table_destination_of(ss_attempt_table *t, const ss_attempt_row *r)
{
    return destination(t, &r->tuple);
}

GPtrArray *ss_attempt_table_destinations(const ss_attempt_table *t)
{
    return sorted_copy(t->destinations, destination_order);
}

/* --- text ------------------------------------------------------------- */

typedef struct text_table {
    guint ncols;
    const char *const *headers;
    const gboolean *right;      /* right-aligned (numbers) */
    GPtrArray *cells;           /* char*, row-major */
} text_table;

static void text_cell(text_table *tt, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void text_cell(text_table *tt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(tt->cells, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* Columns as wide as their widest cell, two spaces apart. */
static void text_table_print(const text_table *tt, GString *out)
{
    guint nrows = tt->cells->len / tt->ncols;
    gsize *width = g_new0(gsize, tt->ncols);
    for (guint c = 0; c < tt->ncols; c++) {
        width[c] = strlen(tt->headers[c]);
        for (guint r = 0; r < nrows; r++)
            width[c] = MAX(width[c], strlen(g_ptr_array_index(tt->cells, r * tt->ncols + c)));
    }
    for (guint r = 0; r <= nrows; r++) {
        GString *line = g_string_new(NULL);
        for (guint c = 0; c < tt->ncols; c++) {
            const char *s = r == 0 ? tt->headers[c] : g_ptr_array_index(tt->cells, (r - 1) * tt->ncols + c);
            int w = (int)width[c];
            if (c)
                g_string_append(line, "  ");
            g_string_append_printf(line, tt->right[c] ? "%*s" : "%-*s", w, s);
        }
        while (line->len && line->str[line->len - 1] == ' ')
            g_string_truncate(line, line->len - 1);
        g_string_append_printf(out, "%s\n", line->str);
        g_string_free(line, TRUE);
    }
    g_free(width);
}

void ss_attempt_table_format(const ss_attempt_table *t, const char *filter, GString *out)
{
    static const char *const attempt_headers[] = { "Verdict", "Client", "Server", "SYNs", "First SYN (s)", "To outcome (s)",
                                                   "Schedule", "Outcome", "Outcome frame", "First SYN frame" };
    static const gboolean attempt_right[] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE, TRUE, TRUE };
    static const char *const dest_headers[] = { "Destination", "Attempts", "Answered", "Refused", "Unanswered",
                                                "Superseded" };
    static const gboolean dest_right[] = { FALSE, TRUE, TRUE, TRUE, TRUE, TRUE };
    static const char rule[] = "=============================================================================="
                               "==================\n";
    char client[80], server[80];

    g_string_append(out, "\n");
    g_string_append(out, rule);
    g_string_append(out, "SYN Sight: connection attempts (failures first)\n");
    g_string_append_printf(out, "Filter: %s\n", filter && *filter ? filter : "none");
    g_string_append_printf(out, "Attempts: %u\n\n", t->rows->len);

    text_table tt = { G_N_ELEMENTS(attempt_headers), attempt_headers, attempt_right, g_ptr_array_new_with_free_func(g_free) };
    GPtrArray *sorted = ss_attempt_table_sorted(t);
    for (guint i = 0; i < sorted->len; i++) {
        const ss_attempt_row *r = g_ptr_array_index(sorted, i);
        ss_format_endpoint(&r->tuple.src, r->tuple.sport, client, sizeof client);
        ss_format_endpoint(&r->tuple.dst, r->tuple.dport, server, sizeof server);
        text_cell(&tt, "%s", ss_attempt_class_verdict(ss_attempt_row_class(r)));
        text_cell(&tt, "%s", client);
        text_cell(&tt, "%s", server);
        text_cell(&tt, "%u", r->syn_count);
        text_cell(&tt, "%.6f", r->first_syn_s);
        if (r->to_outcome_s >= 0)
            text_cell(&tt, "%.6f", r->to_outcome_s);
        else
            text_cell(&tt, "-");
        text_cell(&tt, "%s", r->schedule == SS_SCHEDULE_NONE ? "-" : ss_schedule_name(r->schedule));
        text_cell(&tt, "%s", ss_attempt_row_outcome(r));
        if (r->outcome_frame)
            text_cell(&tt, "%u", r->outcome_frame);
        else
            text_cell(&tt, "-");
        text_cell(&tt, "%u", r->first_frame);
    }
    g_ptr_array_unref(sorted);
    text_table_print(&tt, out);
    g_ptr_array_unref(tt.cells);

    g_string_append(out, "\nBy destination\n");
    text_table dt = { G_N_ELEMENTS(dest_headers), dest_headers, dest_right, g_ptr_array_new_with_free_func(g_free) };
    GPtrArray *dest = ss_attempt_table_destinations(t);
    for (guint i = 0; i < dest->len; i++) {
        const ss_destination_row *d = g_ptr_array_index(dest, i);
        ss_format_endpoint(&d->addr, d->port, server, sizeof server);
        text_cell(&dt, "%s", server);
        text_cell(&dt, "%u", d->attempts);
        text_cell(&dt, "%u", d->answered);
        text_cell(&dt, "%u", d->refused);
        text_cell(&dt, "%u", d->unanswered);
        text_cell(&dt, "%u", d->superseded);
    }
    g_ptr_array_unref(dest);
    text_table_print(&dt, out);
    g_ptr_array_unref(dt.cells);
    g_string_append(out, rule);
}
