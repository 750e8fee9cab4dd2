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
    GPtrArray *connections;     /* const ss_conn_sides*, not owned: the analysis keeps them */
    GHashTable *by_frame;       /* first SYN frame -> ss_attempt_row* */
    GPtrArray *destinations;    /* ss_destination_row*, counted as rows change */
    GHashTable *by_server;      /* server endpoint (a tuple with only dst, dport) -> ss_destination_row* */
    ss_capture_facts capture;   /* zero until ss_attempt_table_set_capture */
};

void ss_attempt_table_set_capture(ss_attempt_table *t, const ss_capture_facts *facts) { t->capture = *facts; }

ss_attempt_table *ss_attempt_table_new(void)
{
    ss_attempt_table *t = g_new0(ss_attempt_table, 1);
    t->rows = g_ptr_array_new_with_free_func(g_free);
    t->connections = g_ptr_array_new();
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
    g_ptr_array_unref(t->connections);
    g_hash_table_destroy(t->by_server);
    g_ptr_array_unref(t->destinations);
    g_free(t);
}

void ss_attempt_table_reset(ss_attempt_table *t)
{
    g_hash_table_remove_all(t->by_frame);
    g_ptr_array_set_size(t->rows, 0);
    g_ptr_array_set_size(t->connections, 0);
    g_hash_table_remove_all(t->by_server);
    g_ptr_array_set_size(t->destinations, 0);
    memset(&t->capture, 0, sizeof t->capture);
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
        g_hash_table_insert(t->by_server, ss_memdup(&key, sizeof key), d);
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
    case SS_OUTCOME_PENDING: return &d->pending;
    case SS_OUTCOME_UNANSWERED:
    case SS_OUTCOME_OPEN: break;
    }
    return &d->unanswered;
}

/* The row's outcome as at capture_end_ns, counted in its destination. */
static void set_row_outcome(ss_attempt_table *t, ss_attempt_row *r, ss_outcome o, bool counted)
{
    ss_destination_row *d = destination(t, &r->tuple);
    if (counted)
        (*outcome_counter(d, r->outcome))--;
    r->outcome = o;
    (*outcome_counter(d, r->outcome))++;
}

const ss_attempt_row *ss_attempt_table_update(ss_attempt_table *t, const ss_attempt *a, int64_t capture_start_ns,
                                              int64_t capture_end_ns)
{
    if (!a || a->syn_count == 0)
        return NULL;
    gpointer key = GUINT_TO_POINTER(a->first_syn.frame);
    ss_attempt_row *r = g_hash_table_lookup(t->by_frame, key);
    bool counted = r != NULL;
    if (!r) {
        r = g_new0(ss_attempt_row, 1);
        g_ptr_array_add(t->rows, r);
        g_hash_table_insert(t->by_frame, key, r);
    }
    r->tuple = ss_attempt_tuple(a);
    if (!counted)
        destination(t, &r->tuple)->attempts++;
    r->first_frame = a->first_syn.frame;
    r->first_syn_ns = a->first_syn.time_ns;
    r->first_syn_s = ss_time_seconds(ss_time_diff(a->first_syn.time_ns, capture_start_ns));
    r->syn_count = a->syn_count;
    r->schedule = ss_attempt_schedule(a, a->syn_count, NULL);
    r->open = a->outcome == SS_OUTCOME_OPEN;
    r->outcome_frame = 0;
    r->to_outcome_s = -1.0;
    r->evidence = a->outcome == SS_OUTCOME_ANSWERED ? a->evidence : SS_EVIDENCE_NONE;
    r->through_crossing = ss_attempt_answered_through_crossing(a);
    const ss_announcement *ann = ss_attempt_announced(a);
    if (ann) {
        r->announced_in = ann->frame;
        r->announced_by = ann->by;
        r->service_addr = ann->service_addr;
        r->service_port = ann->service_port;
    }
    switch (a->outcome) {
    case SS_OUTCOME_ANSWERED:
    case SS_OUTCOME_REFUSED_RST:
    case SS_OUTCOME_REFUSED_ICMP:
        r->outcome_frame = ss_attempt_outcome_frame(a);
        r->to_outcome_s = ss_time_seconds(ss_attempt_elapsed_ns(a, ss_attempt_outcome_time_ns(a)));
        break;
    case SS_OUTCOME_SUPERSEDED:
        r->outcome_frame = ss_attempt_superseded_by(a);
        break;
    case SS_OUTCOME_OPEN:
    case SS_OUTCOME_UNANSWERED:
    case SS_OUTCOME_PENDING:
        break;
    }
    set_row_outcome(t, r, ss_attempt_final_outcome(a, capture_end_ns), counted);
    return r;
}

/* Counted in its destination's listener_up: failed or late while the port answered others. */
static bool row_listener_up(const ss_attempt_row *r)
{
    ss_attempt_class c = ss_attempt_row_class(r);
    return r->port_answered && (c == SS_CLASS_FAILED || c == SS_CLASS_ANSWERED_LATE);
}

void ss_attempt_table_set_causes(ss_attempt_table *t, uint32_t first_frame, const ss_attempt_causes *c)
{
    ss_attempt_row *r = g_hash_table_lookup(t->by_frame, GUINT_TO_POINTER(first_frame));
    if (!r)
        return;
    ss_destination_row *d = destination(t, &r->tuple);
    if (r->causes_set && row_listener_up(r))
        d->listener_up--;
    r->causes_set = true;
    r->stack = c->stack.stack;
    r->gives_up_s = c->stack.stack != SS_STACK_UNKNOWN && c->stack.gives_up_ns ? ss_time_seconds(c->stack.gives_up_ns)
                                                                               : -1.0;
    r->gave_up = c->gave_up.who;
    r->port_answered = c->port_answered;
    if (row_listener_up(r))
        d->listener_up++;
}

void ss_attempt_table_fill_causes(ss_attempt_table *t, bool (*causes_of)(uint32_t first_frame, ss_attempt_causes *c))
{
    for (guint i = 0; causes_of && i < t->rows->len; i++) {
        const ss_attempt_row *r = g_ptr_array_index(t->rows, i);
        ss_attempt_causes c;
        if (causes_of(r->first_frame, &c))
            ss_attempt_table_set_causes(t, r->first_frame, &c);
    }
}

void ss_attempt_table_settle(ss_attempt_table *t, int64_t capture_end_ns)
{
    for (guint i = 0; i < t->rows->len; i++) {
        ss_attempt_row *r = g_ptr_array_index(t->rows, i);
        if (!r->open)
            continue;
        bool pending = ss_too_early_to_tell(r->syn_count, r->first_syn_ns, capture_end_ns);
        set_row_outcome(t, r, pending ? SS_OUTCOME_PENDING : SS_OUTCOME_UNANSWERED, true);
    }
}

/* The capture holds one direction: no connection was seen both ways. */
static bool one_direction_only(const ss_attempt_table *t)
{
    for (guint i = 0; i < t->connections->len; i++) {
        const ss_conn_sides *c = g_ptr_array_index(t->connections, i);
        if (ss_conn_both_directions(c))
            return false;
    }
    return true;
}

void ss_attempt_table_add_connection(ss_attempt_table *t, const ss_conn_sides *sides)
{
    g_ptr_array_add(t->connections, (gpointer)sides);
}

ss_attempt_class ss_attempt_row_class(const ss_attempt_row *r)
{
    if (ss_outcome_failed(r->outcome))
        return SS_CLASS_FAILED;
    if (r->outcome == SS_OUTCOME_SUPERSEDED)
        return SS_CLASS_SUPERSEDED;
    if (r->outcome == SS_OUTCOME_PENDING)
        return SS_CLASS_PENDING;
    return r->syn_count > 1 ? SS_CLASS_ANSWERED_LATE : SS_CLASS_ANSWERED;
}

const char *ss_attempt_class_verdict(ss_attempt_class c)
{
    switch (c) {
    case SS_CLASS_FAILED: return "failed";
    case SS_CLASS_SUPERSEDED: return "given up";
    case SS_CLASS_ANSWERED_LATE: return "late";
    case SS_CLASS_ANSWERED: return "ok";
    case SS_CLASS_PENDING: return "pending";
    }
    return "?";
}

const ss_attempt_row *ss_attempt_table_find(const ss_attempt_table *t, uint32_t first_frame)
{
    return g_hash_table_lookup(t->by_frame, GUINT_TO_POINTER(first_frame));
}

const char *ss_attempt_row_outcome(const ss_attempt_row *r) { return ss_outcome_name(r->outcome); }

const char *ss_attempt_row_answer(const ss_attempt_row *r)
{
    return r->through_crossing ? "crossing" : ss_evidence_name(r->evidence);
}

/* Answered, and the capture does not hold the SYN/ACK. */
static bool row_answer_inferred(const ss_attempt_row *r)
{
    return r->outcome == SS_OUTCOME_ANSWERED && !r->through_crossing && r->evidence != SS_EVIDENCE_SYNACK;
}

guint ss_attempt_table_size(const ss_attempt_table *t) { return t->rows->len; }

const char *ss_attempt_row_announced_by(const ss_attempt_row *r)
{
    const ss_announcer_info *about = ss_announcer_about(r->announced_by);
    return about ? about->name : "-";
}

GPtrArray *ss_attempt_table_services(const ss_attempt_table *t)
{
    GPtrArray *services = g_ptr_array_new_with_free_func(g_free);
    /* rows in order of first sight: the services come out in that order */
    for (guint i = 0; i < t->rows->len; i++) {
        const ss_attempt_row *r = g_ptr_array_index(t->rows, i);
        const ss_announcer_info *about = ss_announcer_about(r->announced_by);
        if (!about)
            continue;
        ss_service_row *s = NULL;
        for (guint j = 0; j < services->len && !s; j++) {
            ss_service_row *c = g_ptr_array_index(services, j);
            if (strcmp(c->service, about->service) == 0 && c->port == r->service_port &&
                memcmp(&c->addr, &r->service_addr, sizeof c->addr) == 0)
                s = c;
        }
        if (!s) {
            s = g_new0(ss_service_row, 1);
            s->service = about->service;
            s->connections = about->connections;
            s->addr = r->service_addr;
            s->port = r->service_port;
            g_ptr_array_add(services, s);
        }
        s->announced++;
        s->blocked += ss_attempt_row_class(r) == SS_CLASS_FAILED;
    }
    return services;
}

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
                                                   "Schedule", "Outcome", "Answer", "Outcome frame", "First SYN frame",
                                                   "Announced in", "Announced by", "Stack", "Gives up (s)",
                                                   "Gave up", "Port answered" };
    static const gboolean attempt_right[] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE, TRUE, TRUE,
                                              TRUE, FALSE, FALSE, TRUE, FALSE, TRUE };
    static const char *const dest_headers[] = { "Destination", "Attempts", "Answered", "Refused", "Unanswered",
                                                "Superseded", "Pending", "Listener up" };
    static const gboolean dest_right[] = { FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE };
    static const char rule[] = "=============================================================================="
                               "==================\n";
    char client[80], server[80];

    g_string_append(out, "\n");
    g_string_append(out, rule);
    g_string_append(out, "SYN Sight: connection attempts (failures first)\n");
    g_string_append_printf(out, "Filter: %s\n", filter && *filter ? filter : "none");
    g_string_append_printf(out, "Attempts: %u\n", t->rows->len);
    guint inferred = 0, one_direction = 0;
    for (guint i = 0; i < t->rows->len; i++)
        inferred += row_answer_inferred(g_ptr_array_index(t->rows, i));
    for (guint i = 0; i < t->connections->len; i++)
        one_direction += ss_conn_one_direction(g_ptr_array_index(t->connections, i));
    const ss_capture_facts *f = &t->capture;
    if (f->copies)
        g_string_append_printf(out, "Copies: %u frame%s of packets captured before, counted once: %s\n", f->copies,
                               f->copies == 1 ? "" : "s", ss_copy_cause_text(f->copy_cause));
    if (f->late_frames)
        g_string_append_printf(out, "Time order: %u handshake frame%s earlier than a frame before them in the file "
                               "(first: frame %u); SYNs are read in time order\n", f->late_frames,
                               f->late_frames == 1 ? "" : "s", f->first_late_frame);
    if (f->cut_quotes)
        g_string_append_printf(out, "Snaplen: %u bytes cut the quotes of %u ICMP error%s (first: frame %u)\n",
                               f->snaplen, f->cut_quotes, f->cut_quotes == 1 ? "" : "s", f->first_cut_quote);
    if (inferred)
        g_string_append_printf(out, "Answers inferred (SYN/ACK not in the capture): %u\n", inferred);
    if (one_direction)
        g_string_append_printf(out, "Connections seen in one direction only: %u of %u: the capture holds one "
                               "direction of them\n", one_direction, t->connections->len);
    if (one_direction && one_direction_only(t))
        g_string_append(out, "Every connection here was seen in one direction only: \"unanswered\" means no reply "
                             "was captured, not that none was sent\n");
    g_string_append(out, "\n");

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
        text_cell(&tt, "%s", ss_attempt_row_answer(r));
        if (r->outcome_frame)
            text_cell(&tt, "%u", r->outcome_frame);
        else
            text_cell(&tt, "-");
        text_cell(&tt, "%u", r->first_frame);
        if (r->announced_in)
            text_cell(&tt, "%u", r->announced_in);
        else
            text_cell(&tt, "-");
        text_cell(&tt, "%s", ss_attempt_row_announced_by(r));
        text_cell(&tt, "%s", r->causes_set && r->syn_count >= 2 ? ss_stack_name(r->stack) : "-");
        if (r->causes_set && r->gives_up_s >= 0)
            text_cell(&tt, "%.0f", r->gives_up_s);
        else
            text_cell(&tt, "-");
        text_cell(&tt, "%s", ss_gave_up_name(r->gave_up));
        if (r->port_answered)
            text_cell(&tt, "%u", r->port_answered);
        else
            text_cell(&tt, "-");
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
        text_cell(&dt, "%u", d->pending);
        text_cell(&dt, "%u", d->listener_up);
    }
    g_ptr_array_unref(dest);
    text_table_print(&dt, out);
    g_ptr_array_unref(dt.cells);

    GPtrArray *services = ss_attempt_table_services(t);
    if (services->len) {
        g_string_append(out, "\nBy announcing service (connections to endpoints another protocol handed out)\n");
        for (guint i = 0; i < services->len; i++) {
            const ss_service_row *s = g_ptr_array_index(services, i);
            ss_format_endpoint(&s->addr, s->port, server, sizeof server);
            g_string_append_printf(out, "%s %s: %u %s%s announced, %u blocked\n", s->service, server, s->announced,
                                   s->connections, s->announced == 1 ? "" : "s", s->blocked);
        }
    }
    g_ptr_array_unref(services);
    g_string_append(out, rule);
}

/* --- CSV and JSON lines ------------------------------------------------- */

ss_table_form ss_table_form_named(const char *name)
{
    if (name && strcmp(name, "csv") == 0)
        return SS_FORM_CSV;
    if (name && strcmp(name, "json") == 0)
        return SS_FORM_JSON;
    return SS_FORM_TEXT;
}

typedef enum cell_kind { CELL_STRING, CELL_UINT, CELL_SECONDS, CELL_NONE } cell_kind;

typedef struct machine_cell {
    cell_kind kind;
    const char *s;
    uint32_t u;
    double seconds;
} machine_cell;

/* The machine forms' columns: one list, so that CSV and JSON cannot differ. */
enum {
    MC_VERDICT, MC_CLIENT_ADDR, MC_CLIENT_PORT, MC_SERVER_ADDR, MC_SERVER_PORT, MC_SYNS, MC_FIRST_SYN_S,
    MC_TO_OUTCOME_S, MC_SCHEDULE, MC_OUTCOME, MC_ANSWER, MC_OUTCOME_FRAME, MC_FIRST_SYN_FRAME, MC_ANNOUNCED_IN,
    MC_ANNOUNCED_BY, MC_STACK, MC_GIVES_UP_S, MC_GAVE_UP, MC_PORT_ANSWERED, MC_COUNT
};
static const char *const machine_names[MC_COUNT] = {
    "verdict", "client_addr", "client_port", "server_addr", "server_port", "syns", "first_syn_s", "to_outcome_s",
    "schedule", "outcome", "answer", "outcome_frame", "first_syn_frame", "announced_in", "announced_by",
    "stack", "gives_up_s", "gave_up", "port_answered",
};

static machine_cell cell_string(const char *s) { return (machine_cell){ s ? CELL_STRING : CELL_NONE, s, 0, 0 }; }
static machine_cell cell_uint(uint32_t u) { return (machine_cell){ CELL_UINT, NULL, u, 0 }; }
static machine_cell cell_frame(uint32_t f) { return f ? cell_uint(f) : (machine_cell){ CELL_NONE, NULL, 0, 0 }; }

static void machine_cells(const ss_attempt_row *r, char *client, char *server, size_t size, machine_cell *c)
{
    const ss_announcer_info *about = ss_announcer_about(r->announced_by);
    ss_format_addr(&r->tuple.src, client, size);
    ss_format_addr(&r->tuple.dst, server, size);
    c[MC_VERDICT] = cell_string(ss_attempt_class_verdict(ss_attempt_row_class(r)));
    c[MC_CLIENT_ADDR] = cell_string(client);
    c[MC_CLIENT_PORT] = cell_uint(r->tuple.sport);
    c[MC_SERVER_ADDR] = cell_string(server);
    c[MC_SERVER_PORT] = cell_uint(r->tuple.dport);
    c[MC_SYNS] = cell_uint(r->syn_count);
    c[MC_FIRST_SYN_S] = (machine_cell){ CELL_SECONDS, NULL, 0, r->first_syn_s };
    c[MC_TO_OUTCOME_S] = r->to_outcome_s >= 0 ? (machine_cell){ CELL_SECONDS, NULL, 0, r->to_outcome_s }
                                              : (machine_cell){ CELL_NONE, NULL, 0, 0 };
    c[MC_SCHEDULE] = cell_string(r->schedule == SS_SCHEDULE_NONE ? NULL : ss_schedule_name(r->schedule));
    c[MC_OUTCOME] = cell_string(ss_attempt_row_outcome(r));
    bool answered = r->outcome == SS_OUTCOME_ANSWERED;
    c[MC_ANSWER] = cell_string(answered ? ss_attempt_row_answer(r) : NULL);
    c[MC_OUTCOME_FRAME] = cell_frame(r->outcome_frame);
    c[MC_FIRST_SYN_FRAME] = cell_uint(r->first_frame);
    c[MC_ANNOUNCED_IN] = cell_frame(r->announced_in);
    c[MC_ANNOUNCED_BY] = cell_string(about ? about->name : NULL);
    c[MC_STACK] = cell_string(r->causes_set && r->syn_count >= 2 ? ss_stack_name(r->stack) : NULL);
    c[MC_GIVES_UP_S] = r->causes_set && r->gives_up_s >= 0 ? (machine_cell){ CELL_SECONDS, NULL, 0, r->gives_up_s }
                                                           : (machine_cell){ CELL_NONE, NULL, 0, 0 };
    c[MC_GAVE_UP] = cell_string(r->gave_up != SS_GAVE_UP_NOT_KNOWN ? ss_gave_up_name(r->gave_up) : NULL);
    c[MC_PORT_ANSWERED] = cell_frame(r->port_answered);
}

/* A CSV field: quoted only when it must be (none of synsight's words need it). */
static void csv_string(GString *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

static void json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
}

void ss_attempt_table_format_machine(const ss_attempt_table *t, ss_table_form form, GString *out)
{
    char client[64], server[64];
    machine_cell cells[MC_COUNT];
    if (form == SS_FORM_CSV) {
        for (int c = 0; c < MC_COUNT; c++)
            g_string_append_printf(out, "%s%s", c ? "," : "", machine_names[c]);
        g_string_append(out, "\r\n");
    }
    GPtrArray *sorted = ss_attempt_table_sorted(t);
    for (guint i = 0; i < sorted->len; i++) {
        machine_cells(g_ptr_array_index(sorted, i), client, server, sizeof client, cells);
        if (form == SS_FORM_JSON)
            g_string_append_c(out, '{');
        for (int c = 0; c < MC_COUNT; c++) {
            if (c)
                g_string_append_c(out, ',');
            if (form == SS_FORM_JSON) {
                json_string(out, machine_names[c]);
                g_string_append_c(out, ':');
            }
            switch (cells[c].kind) {
            case CELL_STRING:
                if (form == SS_FORM_JSON)
                    json_string(out, cells[c].s);
                else
                    csv_string(out, cells[c].s);
                break;
            case CELL_UINT:
                g_string_append_printf(out, "%u", cells[c].u);
                break;
            case CELL_SECONDS: {
                char num[G_ASCII_DTOSTR_BUF_SIZE];      /* a point, whatever the locale */
                g_string_append(out, g_ascii_formatd(num, sizeof num, "%.6f", cells[c].seconds));
                break;
            }
            case CELL_NONE:
                if (form == SS_FORM_JSON)
                    g_string_append(out, "null");
                break;
            }
        }
        g_string_append(out, form == SS_FORM_JSON ? "}\n" : "\r\n");
    }
    g_ptr_array_unref(sorted);
}
