/* stats.c - statistics over the attempts: the "synsight" tap, the text table
 * for tshark -z synsight,attempts[,filter], and two tables for Wireshark's
 * Statistics menu (connection attempts; attempts by destination)
 *
 * Every view is fed by the same tap and the same model (attempt_table.c):
 * the dissector queues, for each frame that belongs to an attempt, the
 * attempt (and the attempt its first SYN superseded); a listener copies
 * the attempt's current state into its rows. In a single pass the last
 * frame of an attempt leaves its final state; in the GUI every frame
 * already carries the final state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "stats.h"

#include <stdio.h>
#include <string.h>

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "attempt_table.h"
#include "ss_nstime.h"
#include "ws_compat.h"

static int synsight_tap = -1;
static ss_capture_facts (*facts_of_capture)(void);
static bool (*causes_of_attempt)(uint32_t first_frame, ss_attempt_causes *out);

typedef struct ss_tap_attempts {
    const ss_attempt *attempt;
    const ss_attempt *superseded;
    const ss_conn_sides *connection;    /* a connection's first frame */
    int64_t capture_end_ns;             /* as far as the capture has been read */
} ss_tap_attempts;

void ss_stats_tap(packet_info *pinfo, const ss_frame_result *res, const ss_capture_facts *facts)
{
    if (!have_tap_listener(synsight_tap) || !(res->attempt.attempt || res->window.sides))
        return;
    ss_tap_attempts *t = wmem_new0(pinfo->pool, ss_tap_attempts);
    t->attempt = res->attempt.attempt;
    t->superseded = res->attempt.supersedes;
    t->connection = res->window.sides;
    t->capture_end_ns = facts->end_ns;
    tap_queue_packet(synsight_tap, pinfo, t);
}

/* Times in the table count from the capture's first frame. */
static int64_t capture_start_ns(const packet_info *pinfo)
{
    return ss_time_diff(ss_time_of(&pinfo->abs_ts), ss_time_of(&pinfo->rel_ts));
}

/* Copies the attempts a tap record names into model; returns the rows
 * touched (row[1] may be NULL). */
static void model_update(ss_attempt_table *model, packet_info *pinfo, const ss_tap_attempts *t,
                         const ss_attempt_row *row[2])
{
    int64_t start = capture_start_ns(pinfo);
    if (t->connection)
        ss_attempt_table_add_connection(model, t->connection);
    row[0] = t->attempt ? ss_attempt_table_update(model, t->attempt, start, t->capture_end_ns) : NULL;
    row[1] = t->superseded ? ss_attempt_table_update(model, t->superseded, start, t->capture_end_ns) : NULL;
    /* the GUI's tables are fed on its second pass: every frame has been
     * read, so a row's causes are final the first time */
    if (!PINFO_FD_VISITED(pinfo) || !causes_of_attempt)
        return;
    for (int i = 0; i < 2; i++) {
        ss_attempt_causes c;
        if (row[i] && !row[i]->causes_set && causes_of_attempt(row[i]->first_frame, &c))
            ss_attempt_table_set_causes(model, row[i]->first_frame, &c);
    }
}

/* --- tshark: -z synsight,attempts[,filter] ------------------------------ */

#define ATTEMPTS_CLI "synsight,attempts"

typedef struct attempts_cli {
    ss_attempt_table *model;
    char *filter;
    ss_table_form form;
} attempts_cli;

static void attempts_cli_reset(void *data) { ss_attempt_table_reset(((attempts_cli *)data)->model); }

static tap_packet_status attempts_cli_packet(void *data, packet_info *pinfo, epan_dissect_t *edt _U_,
                                             const void *record SS_TAP_FLAGS_PARAM)
{
    const ss_attempt_row *rows[2];
    model_update(((attempts_cli *)data)->model, pinfo, record, rows);
    return TAP_PACKET_REDRAW;
}

static void attempts_cli_draw(void *data)
{
    attempts_cli *cli = data;
    /* frames after an attempt's last one still count: the capture's end
     * decides whether an attempt still open was unanswered or too young */
    ss_capture_facts facts = facts_of_capture();
    ss_attempt_table_settle(cli->model, facts.end_ns);
    ss_attempt_table_set_capture(cli->model, &facts);
    ss_attempt_table_fill_causes(cli->model, causes_of_attempt);
    GString *text = g_string_new(NULL);
    if (cli->form == SS_FORM_TEXT)
        ss_attempt_table_format(cli->model, cli->filter, text);
    else
        ss_attempt_table_format_machine(cli->model, cli->form, text);
    fputs(text->str, stdout);
    g_string_free(text, TRUE);
}

static void attempts_cli_finish(void *data)
{
    attempts_cli *cli = data;
    ss_attempt_table_free(cli->model);
    g_free(cli->filter);
    g_free(cli);
}

/* "csv" or "json" at the start of rest, alone or before ",filter": the
 * form, with *rest moved past it. */
static ss_table_form take_form(const char **rest)
{
    static const char *const names[] = { "csv", "json" };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        size_t len = strlen(names[i]);
        if (strncmp(*rest, names[i], len) == 0 && ((*rest)[len] == '\0' || (*rest)[len] == ',')) {
            *rest += (*rest)[len] ? len + 1 : len;
            return ss_table_form_named(names[i]);
        }
    }
    return SS_FORM_TEXT;
}

static ss_stat_init_result attempts_cli_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    ss_table_form form = SS_FORM_TEXT;
    if (strncmp(opt_arg, ATTEMPTS_CLI ",", strlen(ATTEMPTS_CLI ",")) == 0) {
        filter = opt_arg + strlen(ATTEMPTS_CLI ",");
        form = take_form(&filter);
    } else if (strcmp(opt_arg, ATTEMPTS_CLI) != 0) {
        /* tshark matches -z arguments by prefix */
        fprintf(stderr, "tshark: invalid -z argument \"%s\"; use -z " ATTEMPTS_CLI "[,csv|,json][,filter]\n",
                opt_arg);
        SS_STAT_INIT_FAILED;
    }
    attempts_cli *cli = g_new0(attempts_cli, 1);
    cli->model = ss_attempt_table_new();
    cli->filter = g_strdup(filter && *filter ? filter : NULL);
    cli->form = form;
    GString *err = register_tap_listener("synsight", cli, cli->filter, TL_REQUIRES_NOTHING, attempts_cli_reset,
                                         attempts_cli_packet, attempts_cli_draw, attempts_cli_finish);
    if (err) {
        /* Reached only from the command line, as tshark's own -z tables do. */
        fprintf(stderr, "tshark: -z " ATTEMPTS_CLI ": %s\n", err->str);
        g_string_free(err, TRUE);
        attempts_cli_finish(cli);
        SS_STAT_INIT_FAILED;
    }
    SS_STAT_INIT_SUCCEEDED;
}

/* --- the Statistics menu ------------------------------------------------ */

/* A GUI table keeps its model and, per key, the row it put in the table;
 * both are emptied whenever Wireshark resets or re-initialises the table. */
typedef struct gui_table {
    ss_attempt_table *model;
    GHashTable *row_of;         /* key -> row index + 1 */
} gui_table;

static gui_table attempts_gui, destinations_gui;

static void gui_table_clear(gui_table *g)
{
    if (!g->model) {
        g->model = ss_attempt_table_new();
        g->row_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    ss_attempt_table_reset(g->model);
    g_hash_table_remove_all(g->row_of);
}

static void gui_table_free(gui_table *g)
{
    ss_attempt_table_free(g->model);
    g->model = NULL;
    if (g->row_of)
        g_hash_table_destroy(g->row_of);
    g->row_of = NULL;
}

void ss_stats_cleanup(void)
{
    gui_table_free(&attempts_gui);
    gui_table_free(&destinations_gui);
}

static void free_cell(stat_tap_table *table _U_, guint row _U_, guint column _U_, stat_tap_table_item_type *cell)
{
    if (cell->type == TABLE_ITEM_STRING) {
        g_free((char *)cell->value.string_value);
        cell->value.string_value = NULL;
    }
}

/* Empties a table: its rows come and go with the capture. */
static void drop_rows(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint c = 0; c < table->num_fields; c++)
            free_cell(table, r, c, &table->elements[r][c]);
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

/* The table of that title made by an earlier retap. Wireshark's
 * stat_tap_find_table() does this in later versions; its tables array is
 * there in every version. */
static stat_tap_table *find_table(stat_tap_table_ui *ui, const char *title)
{
    for (guint i = 0; ui->tables && i < ui->tables->len; i++) {
        stat_tap_table *table = g_array_index(ui->tables, stat_tap_table *, i);
        if (strcmp(table->title, title) == 0)
            return table;
    }
    return NULL;
}

static stat_tap_table *gui_init_table(stat_tap_table_ui *ui, const char *title, gui_table *g)
{
    gui_table_clear(g);
    stat_tap_table *table = find_table(ui, title);
    if (table) {
        drop_rows(table);
        return table;
    }
    table = stat_tap_init_table(title, (int)ui->nfields, 0, NULL);
    stat_tap_add_table(ui, table);
    return table;
}

/* The row for key, created empty when new. */
static stat_tap_table_item_type *gui_row(gui_table *g, stat_tap_table *table, const char *key)
{
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(g->row_of, key));
    if (!at) {
        at = table->num_elements + 1;
        stat_tap_table_item_type *blank = g_new0(stat_tap_table_item_type, table->num_fields);
        stat_tap_init_table_row(table, at - 1, table->num_fields, blank);
        g_free(blank);
        g_hash_table_insert(g->row_of, g_strdup(key), GUINT_TO_POINTER(at));
    }
    return stat_tap_get_field_data(table, at - 1, 0);
}

static void set_string(stat_tap_table_item_type *cell, const char *s)
{
    if (cell->type == TABLE_ITEM_STRING)
        g_free((char *)cell->value.string_value);
    cell->type = TABLE_ITEM_STRING;
    cell->value.string_value = g_strdup(s);
}

static void set_uint(stat_tap_table_item_type *cell, guint v)
{
    free_cell(NULL, 0, 0, cell);
    cell->type = TABLE_ITEM_UINT;
    cell->value.uint_value = v;
}

static void set_float(stat_tap_table_item_type *cell, double v)
{
    free_cell(NULL, 0, 0, cell);
    cell->type = TABLE_ITEM_FLOAT;
    cell->value.float_value = v;
}

/* An unknown value: blank in the dialog. */
static void set_none(stat_tap_table_item_type *cell)
{
    free_cell(NULL, 0, 0, cell);
    cell->type = TABLE_ITEM_NONE;
}

static stat_tap_table *first_table(stat_tap_table_ui *ui)
{
    return ui->tables && ui->tables->len ? g_array_index(ui->tables, stat_tap_table *, 0) : NULL;
}

/* Connection attempts: the same columns as the text table. */
enum {
    COL_VERDICT, COL_CLIENT, COL_SERVER, COL_SYNS, COL_FIRST_SYN, COL_TO_OUTCOME, COL_SCHEDULE, COL_OUTCOME,
    COL_ANSWER, COL_OUTCOME_FRAME, COL_FIRST_FRAME, COL_ANNOUNCED_IN, COL_ANNOUNCED_BY, COL_STACK, COL_GIVES_UP,
    COL_GAVE_UP, COL_PORT_ANSWERED, ATTEMPT_COLS
};

static stat_tap_table_item attempt_columns[ATTEMPT_COLS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Verdict", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "SYNs", "%u" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "First SYN (s)", "%.6f" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "To outcome (s)", "%.6f" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Schedule", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Outcome", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Answer", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Outcome frame", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "First SYN frame", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Announced in", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Announced by", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Stack", "%s" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Gives up (s)", "%.0f" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Gave up", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Port answered", "%u" },
};

#define ATTEMPTS_TITLE "Connection attempts"

static void attempts_gui_init(stat_tap_table_ui *ui) { gui_init_table(ui, ATTEMPTS_TITLE, &attempts_gui); }

static void attempts_gui_reset(stat_tap_table *table)
{
    gui_table_clear(&attempts_gui);
    drop_rows(table);
}

static void attempts_gui_show(stat_tap_table *table, const ss_attempt_row *r)
{
    char key[16], client[80], server[80];
    snprintf(key, sizeof key, "%u", r->first_frame);
    stat_tap_table_item_type *cells = gui_row(&attempts_gui, table, key);
    ss_format_endpoint(&r->tuple.src, r->tuple.sport, client, sizeof client);
    ss_format_endpoint(&r->tuple.dst, r->tuple.dport, server, sizeof server);
    set_string(&cells[COL_VERDICT], ss_attempt_class_verdict(ss_attempt_row_class(r)));
    set_string(&cells[COL_CLIENT], client);
    set_string(&cells[COL_SERVER], server);
    set_uint(&cells[COL_SYNS], r->syn_count);
    set_float(&cells[COL_FIRST_SYN], r->first_syn_s);
    if (r->to_outcome_s >= 0)
        set_float(&cells[COL_TO_OUTCOME], r->to_outcome_s);
    else
        set_none(&cells[COL_TO_OUTCOME]);
    set_string(&cells[COL_SCHEDULE], r->schedule == SS_SCHEDULE_NONE ? "" : ss_schedule_name(r->schedule));
    set_string(&cells[COL_OUTCOME], ss_attempt_row_outcome(r));
    set_string(&cells[COL_ANSWER], ss_attempt_row_answer(r));
    if (r->outcome_frame)
        set_uint(&cells[COL_OUTCOME_FRAME], r->outcome_frame);
    else
        set_none(&cells[COL_OUTCOME_FRAME]);
    set_uint(&cells[COL_FIRST_FRAME], r->first_frame);
    if (r->announced_in)
        set_uint(&cells[COL_ANNOUNCED_IN], r->announced_in);
    else
        set_none(&cells[COL_ANNOUNCED_IN]);
    set_string(&cells[COL_ANNOUNCED_BY], r->announced_in ? ss_attempt_row_announced_by(r) : "");
    set_string(&cells[COL_STACK], r->causes_set && r->syn_count >= 2 ? ss_stack_name(r->stack) : "");
    if (r->causes_set && r->gives_up_s >= 0)
        set_float(&cells[COL_GIVES_UP], r->gives_up_s);
    else
        set_none(&cells[COL_GIVES_UP]);
    set_string(&cells[COL_GAVE_UP], r->gave_up != SS_GAVE_UP_NOT_KNOWN ? ss_gave_up_name(r->gave_up) : "");
    if (r->port_answered)
        set_uint(&cells[COL_PORT_ANSWERED], r->port_answered);
    else
        set_none(&cells[COL_PORT_ANSWERED]);
}

static tap_packet_status attempts_gui_packet(void *data, packet_info *pinfo, epan_dissect_t *edt _U_,
                                             const void *record SS_TAP_FLAGS_PARAM)
{
    stat_tap_table *table = first_table(((stat_data_t *)data)->stat_tap_data);
    if (!table || !attempts_gui.model)
        return TAP_PACKET_DONT_REDRAW;
    const ss_attempt_row *rows[2];
    model_update(attempts_gui.model, pinfo, record, rows);
    for (int i = 0; i < 2; i++)
        if (rows[i])
            attempts_gui_show(table, rows[i]);
    return TAP_PACKET_REDRAW;
}

/* Attempts by destination. */
enum {
    COL_DESTINATION, COL_ATTEMPTS, COL_ANSWERED, COL_REFUSED, COL_UNANSWERED, COL_SUPERSEDED, COL_PENDING,
    COL_LISTENER_UP, DEST_COLS
};

static stat_tap_table_item destination_columns[DEST_COLS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Destination", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Attempts", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Answered", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Refused", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Unanswered", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Superseded", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Pending", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Listener up", "%u" },
};

#define DESTINATIONS_TITLE "Attempts by destination"

static void destinations_gui_init(stat_tap_table_ui *ui) { gui_init_table(ui, DESTINATIONS_TITLE, &destinations_gui); }

static void destinations_gui_reset(stat_tap_table *table)
{
    gui_table_clear(&destinations_gui);
    drop_rows(table);
}

static void destinations_gui_show(stat_tap_table *table, const ss_attempt_row *r)
{
    if (!r)
        return;
    const ss_destination_row *d = ss_attempt_table_destination_of(destinations_gui.model, r);
    char server[80];
    ss_format_endpoint(&d->addr, d->port, server, sizeof server);
    stat_tap_table_item_type *cells = gui_row(&destinations_gui, table, server);
    set_string(&cells[COL_DESTINATION], server);
    set_uint(&cells[COL_ATTEMPTS], d->attempts);
    set_uint(&cells[COL_ANSWERED], d->answered);
    set_uint(&cells[COL_REFUSED], d->refused);
    set_uint(&cells[COL_UNANSWERED], d->unanswered);
    set_uint(&cells[COL_SUPERSEDED], d->superseded);
    set_uint(&cells[COL_PENDING], d->pending);
    set_uint(&cells[COL_LISTENER_UP], d->listener_up);
}

static tap_packet_status destinations_gui_packet(void *data, packet_info *pinfo, epan_dissect_t *edt _U_,
                                                 const void *record SS_TAP_FLAGS_PARAM)
{
    stat_tap_table *table = first_table(((stat_data_t *)data)->stat_tap_data);
    if (!table || !destinations_gui.model)
        return TAP_PACKET_DONT_REDRAW;
    const ss_attempt_row *rows[2];
    model_update(destinations_gui.model, pinfo, record, rows);
    for (int i = 0; i < 2; i++)
        destinations_gui_show(table, rows[i]);
    return TAP_PACKET_REDRAW;
}

void ss_stats_register(ss_capture_facts (*capture_facts)(void),
                       bool (*attempt_causes)(uint32_t first_frame, ss_attempt_causes *out))
{
    facts_of_capture = capture_facts;
    causes_of_attempt = attempt_causes;
    static tap_param filter_param[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };
    static stat_tap_ui attempts_text = {
        .group = SS_STAT_GROUP_UNSORTED,
        .title = "SYN Sight connection attempts",
        .cli_string = ATTEMPTS_CLI,
        .tap_init_cb = attempts_cli_init,
        .nparams = G_N_ELEMENTS(filter_param),
        .params = filter_param,
    };
    /* UNSORTED: the group Wireshark lists under the Statistics menu */
    static stat_tap_table_ui attempts_table = {
        .group = SS_STAT_GROUP_UNSORTED,
        .title = "SYN Sight Connection Attempts",
        .tap_name = "synsight",
        .cli_string = "synsight,attempt_table",
        .stat_tap_init_cb = attempts_gui_init,
        .packet_func = attempts_gui_packet,
        .stat_tap_reset_table_cb = attempts_gui_reset,
        .stat_tap_free_table_item_cb = free_cell,
        .nfields = G_N_ELEMENTS(attempt_columns),
        .fields = attempt_columns,
        .nparams = G_N_ELEMENTS(filter_param),
        .params = filter_param,
    };
    static stat_tap_table_ui destinations_table = {
        .group = SS_STAT_GROUP_UNSORTED,
        .title = "SYN Sight Attempts by Destination",
        .tap_name = "synsight",
        .cli_string = "synsight,destination_table",
        .stat_tap_init_cb = destinations_gui_init,
        .packet_func = destinations_gui_packet,
        .stat_tap_reset_table_cb = destinations_gui_reset,
        .stat_tap_free_table_item_cb = free_cell,
        .nfields = G_N_ELEMENTS(destination_columns),
        .fields = destination_columns,
        .nparams = G_N_ELEMENTS(filter_param),
        .params = filter_param,
    };

    synsight_tap = register_tap("synsight");
    register_stat_tap_ui(&attempts_text, NULL);
    register_stat_tap_table_ui(&attempts_table);
    register_stat_tap_table_ui(&destinations_table);
}
