/* attempt_table.h - the connection-attempts table: one row per attempt,
 * failures first, and a summary by destination
 *
 * Fed from the tap (one call per frame that belongs to an attempt), read by
 * the statistics layer (stats.c) for tshark's -z output and the GUI dialog.
 * Plain C and GLib: no epan types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_ATTEMPT_TABLE_H
#define SYNSIGHT_ATTEMPT_TABLE_H

#include <glib.h>

#include "analysis.h"
#include "attempts.h"
#include "window.h"

/* Where a row sorts: failures first, then what merely looks odd. */
typedef enum ss_attempt_class {
    SS_CLASS_FAILED = 0,        /* refused, or never answered */
    SS_CLASS_SUPERSEDED,        /* the client gave up and started a new attempt */
    SS_CLASS_ANSWERED_LATE,     /* answered after SYN retransmissions */
    SS_CLASS_ANSWERED,          /* answered at the first SYN */
    SS_CLASS_PENDING,           /* one SYN, and the capture ended too soon after it to tell */
} ss_attempt_class;

/* One attempt as the table shows it: a copy, refreshed from the attempt on
 * every frame of it the tap delivers. */
typedef struct ss_attempt_row {
    ss_tuple tuple;             /* client -> server */
    uint32_t first_frame;       /* the attempt's first SYN: the row's identity */
    double   first_syn_s;       /* seconds since the first frame of the capture */
    uint32_t syn_count;
    ss_schedule schedule;
    ss_outcome outcome;         /* as at the end of the capture: never SS_OUTCOME_OPEN */
    bool     open;              /* no outcome frame yet: unanswered or pending, by the capture's end */
    int64_t  first_syn_ns;
    uint32_t outcome_frame;     /* 0: none (unanswered) */
    double   to_outcome_s;      /* first SYN to outcome frame; < 0 when not known */
    ss_answer_evidence evidence;/* answered: what proves it */
    bool     through_crossing;  /* answered through a crossing SYN */
    uint32_t announced_in;      /* the message that handed out the server's endpoint, 0 if none */
    ss_announcer announced_by;
    ss_addr  service_addr;      /* the service whose message that was (FTP control server, mapper) */
    uint16_t service_port;
    /* why (ss_attempt_table_set_causes): zero until set */
    bool     causes_set;
    ss_stack stack;
    double   gives_up_s;        /* that stack's connect() timeout from the first SYN; < 0 when not known */
    ss_gave_up gave_up;
    uint32_t port_answered;     /* failed or late: the server endpoint's SYN/ACK to another client, 0 none */
} ss_attempt_row;

typedef struct ss_destination_row {
    ss_addr  addr;
    uint16_t port;
    uint32_t attempts;
    uint32_t answered;
    uint32_t refused;
    uint32_t unanswered;
    uint32_t superseded;
    uint32_t pending;
    uint32_t listener_up;       /* failed or late attempts while the endpoint answered other clients */
} ss_destination_row;

typedef struct ss_attempt_table ss_attempt_table;

ss_attempt_table *ss_attempt_table_new(void);
void ss_attempt_table_free(ss_attempt_table *t);
void ss_attempt_table_reset(ss_attempt_table *t);

/* Adds or refreshes the row of attempt a. capture_start_ns is the time of
 * the capture's first frame, capture_end_ns the latest time seen so far (0:
 * not known). Returns the row (stable until reset). */
const ss_attempt_row *ss_attempt_table_update(ss_attempt_table *t, const ss_attempt *a, int64_t capture_start_ns,
                                              int64_t capture_end_ns);

/* Once the capture has ended at capture_end_ns: rows still open become
 * unanswered or pending for good. */
void ss_attempt_table_settle(ss_attempt_table *t, int64_t capture_end_ns);

/* Why the attempt whose first SYN is first_frame went as it did, into its
 * row (and its destination's listener_up). */
void ss_attempt_table_set_causes(ss_attempt_table *t, uint32_t first_frame, const ss_attempt_causes *c);

/* The same for every row, from causes_of (false: nothing known). */
void ss_attempt_table_fill_causes(ss_attempt_table *t, bool (*causes_of)(uint32_t first_frame, ss_attempt_causes *c));

/* Counts a connection (its first frame's sides, read when the table is
 * formatted) for the summary of connections seen in one direction. */
void ss_attempt_table_add_connection(ss_attempt_table *t, const ss_conn_sides *sides);

ss_attempt_class ss_attempt_row_class(const ss_attempt_row *r);

/* One word per class, chosen to sort in class order as plain strings (the
 * GUI sorts its first column that way): failed, given up, late, ok, pending. */
const char *ss_attempt_class_verdict(ss_attempt_class c);

/* The row of the attempt whose first SYN is first_frame, or NULL. */
const ss_attempt_row *ss_attempt_table_find(const ss_attempt_table *t, uint32_t first_frame);

/* Outcome as the table words it. */
const char *ss_attempt_row_outcome(const ss_attempt_row *r);

/* What showed the answer: "synack", "client-ack", "client-rst",
 * "server-ack" (the last three inferred: the SYN/ACK is not in the
 * capture), "crossing"; "-" when not answered. */
const char *ss_attempt_row_answer(const ss_attempt_row *r);

/* The rows in table order: class, then first SYN frame. The array (not the
 * rows) belongs to the caller: g_ptr_array_unref(). */
GPtrArray *ss_attempt_table_sorted(const ss_attempt_table *t);

/* One row per server address and port, those with the most failures
 * first; the counts follow the rows as they are refreshed. The array (not
 * the rows) belongs to the caller: g_ptr_array_unref(). */
GPtrArray *ss_attempt_table_destinations(const ss_attempt_table *t);

/* The summary row of r's server (stable until reset). */
const ss_destination_row *ss_attempt_table_destination_of(ss_attempt_table *t, const ss_attempt_row *r);

/* "ftp-pasv", ... (synsight.announced_by), or "-" when no message announced
 * the row's server endpoint. */
const char *ss_attempt_row_announced_by(const ss_attempt_row *r);

/* One row per announcing service (e.g. FTP at 10.0.0.2:21), in order of
 * first sight: the connections its messages announced, and how many of
 * them failed. */
typedef struct ss_service_row {
    const char *service;        /* ss_announcer_info.service */
    const char *connections;    /* what they are: "data connection", ... */
    ss_addr  addr;
    uint16_t port;
    uint32_t announced;         /* attempts to endpoints it handed out */
    uint32_t blocked;           /* of those, refused or never answered */
} ss_service_row;

/* The rows, counted now (the caller frees the array and its rows:
 * g_ptr_array_unref()). */
GPtrArray *ss_attempt_table_services(const ss_attempt_table *t);

/* How many rows. */
guint ss_attempt_table_size(const ss_attempt_table *t);

/* The table as text, for tshark -z synsight,attempts. filter may be NULL. */
void ss_attempt_table_format(const ss_attempt_table *t, const char *filter, GString *out);

/* What the capture says about how it was taken (copies, time order, cut
 * quotes): lines of the text table's header. */
void ss_attempt_table_set_capture(ss_attempt_table *t, const ss_capture_facts *facts);

/* The forms for scripts: one attempt per line, in table order, with the
 * columns verdict, client_addr, client_port, server_addr, server_port, syns,
 * first_syn_s, to_outcome_s, schedule, outcome, answer, outcome_frame,
 * first_syn_frame, announced_in, announced_by (CSV: a header line first). */
typedef enum ss_table_form {
    SS_FORM_TEXT = 0,
    SS_FORM_CSV,                /* RFC 4180: a header line, then one row per attempt; empty: none */
    SS_FORM_JSON,               /* JSON lines: one object per attempt; numbers as numbers, null: none */
} ss_table_form;

/* "csv", "json" -> the form; SS_FORM_TEXT for anything else. */
ss_table_form ss_table_form_named(const char *name);

void ss_attempt_table_format_machine(const ss_attempt_table *t, ss_table_form form, GString *out);

#endif
