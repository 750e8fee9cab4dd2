/* test_attempt_table.c - the connection-attempts table: rows refreshed in
 * place, failures first, destination summary, text layout
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "attempt_table.h"

#include <stdlib.h>

#include "check.h"
#include "fixtures.h"

#define MS (SS_NS_PER_SEC / 1000)
#define START (INT64_C(1700000000) * SS_NS_PER_SEC)

typedef struct feeder {
    ss_attempts *attempts;
    ss_attempt_table *table;
} feeder;

/* Feeds a segment and, like the tap, refreshes the table from its note. */
static void feed(feeder *f, uint32_t frame, int64_t ms, ss_tuple t, uint8_t flags, uint32_t seq, uint32_t ack)
{
    ss_segment s = test_tcp(frame, START + ms * MS, t, flags, seq, ack);
    ss_attempt_note n;
    ss_attempts_add_tcp(f->attempts, &s, &n);
    /* the capture has been read up to this segment */
    if (n.attempt)
        ss_attempt_table_update(f->table, n.attempt, START, s.time_ns);
    if (n.supersedes)
        ss_attempt_table_update(f->table, n.supersedes, START, s.time_ns);
}

static void test_rows_follow_the_attempts(void)
{
    feeder f = { ss_attempts_new(), ss_attempt_table_new() };
    ss_tuple ok = test_tuple(1, 1000, 2, 80), blocked = test_tuple(1, 1001, 2, 49667);
    ss_tuple refused = test_tuple(1, 1002, 3, 25), reused = test_tuple(1, 1003, 2, 80);

    feed(&f, 1, 0, ok, SS_TCP_SYN, 100, 0);
    feed(&f, 2, 1, ss_tuple_reverse(&ok), SS_TCP_SYN | SS_TCP_ACK, 900, 101);
    feed(&f, 3, 10, blocked, SS_TCP_SYN, 200, 0);
    feed(&f, 4, 1010, blocked, SS_TCP_SYN, 200, 0);
    feed(&f, 5, 1020, refused, SS_TCP_SYN, 300, 0);
    feed(&f, 6, 1021, ss_tuple_reverse(&refused), SS_TCP_RST | SS_TCP_ACK, 0, 301);
    feed(&f, 7, 2000, reused, SS_TCP_SYN, 400, 0);
    feed(&f, 8, 3000, reused, SS_TCP_SYN, 400, 0);
    feed(&f, 9, 4000, reused, SS_TCP_SYN, 500, 0);      /* new ISN: the first attempt is superseded */
    feed(&f, 10, 5000, reused, SS_TCP_SYN, 500, 0);
    feed(&f, 11, 5001, ss_tuple_reverse(&reused), SS_TCP_SYN | SS_TCP_ACK, 901, 501);
    /* the SYN/ACK is not in the capture: the client's ACK shows it came */
    ss_tuple inferred = test_tuple(1, 1004, 2, 443), young = test_tuple(1, 1005, 2, 8080);
    feed(&f, 12, 5100, inferred, SS_TCP_SYN, 600, 0);
    feed(&f, 13, 5101, inferred, SS_TCP_ACK, 601, 7001);
    /* one SYN 0.3 s before the capture ends: too early to tell */
    feed(&f, 14, 5500, young, SS_TCP_SYN, 700, 0);
    ss_attempt_table_settle(f.table, START + 5800 * MS);

    CHECK_EQ_INT(ss_attempt_table_size(f.table), 7);
    const ss_attempt_row *r = ss_attempt_table_find(f.table, 3);
    CHECK(r != NULL);
    CHECK_EQ_INT(r->syn_count, 2);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_UNANSWERED);
    CHECK_EQ_STR(ss_attempt_row_outcome(r), "unanswered");
    CHECK_EQ_STR(ss_attempt_row_answer(r), "-");
    CHECK_EQ_INT(r->outcome_frame, 0);
    CHECK(r->to_outcome_s < 0);
    CHECK(fabs(r->first_syn_s - 0.010) < 1e-9);

    r = ss_attempt_table_find(f.table, 7);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_SUPERSEDED);
    CHECK_EQ_INT(r->outcome_frame, 9);
    CHECK_EQ_INT(ss_attempt_row_class(r), SS_CLASS_SUPERSEDED);

    r = ss_attempt_table_find(f.table, 9);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(r->outcome_frame, 11);
    CHECK(fabs(r->to_outcome_s - 1.001) < 1e-9);
    CHECK_EQ_INT(ss_attempt_row_class(r), SS_CLASS_ANSWERED_LATE);

    r = ss_attempt_table_find(f.table, 5);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_REFUSED_RST);
    CHECK_EQ_INT(r->outcome_frame, 6);

    r = ss_attempt_table_find(f.table, 12);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_ANSWERED);
    CHECK_EQ_INT(r->outcome_frame, 13);
    CHECK_EQ_STR(ss_attempt_row_answer(r), "client-ack");
    CHECK_EQ_INT(ss_attempt_row_class(r), SS_CLASS_ANSWERED);

    r = ss_attempt_table_find(f.table, 14);
    CHECK_EQ_INT(r->outcome, SS_OUTCOME_PENDING);
    CHECK_EQ_STR(ss_attempt_row_outcome(r), "pending");
    CHECK_EQ_INT(ss_attempt_row_class(r), SS_CLASS_PENDING);

    /* failures first (by first SYN), then given up, late, ok, pending */
    GPtrArray *sorted = ss_attempt_table_sorted(f.table);
    uint32_t order[7] = { 0 };
    for (guint i = 0; i < sorted->len && i < 7; i++)
        order[i] = ((const ss_attempt_row *)g_ptr_array_index(sorted, i))->first_frame;
    CHECK_EQ_INT(sorted->len, 7);
    CHECK_EQ_INT(order[0], 3);
    CHECK_EQ_INT(order[1], 5);
    CHECK_EQ_INT(order[2], 7);
    CHECK_EQ_INT(order[3], 9);
    CHECK_EQ_INT(order[4], 1);
    CHECK_EQ_INT(order[5], 12);
    CHECK_EQ_INT(order[6], 14);
    g_ptr_array_unref(sorted);

    /* by destination: the one with a failure first */
    GPtrArray *dest = ss_attempt_table_destinations(f.table);
    CHECK_EQ_INT(dest->len, 5);
    const ss_destination_row *d = g_ptr_array_index(dest, 0);
    CHECK_EQ_INT(d->port, 49667);       /* one failure each: 10.0.0.2 before 10.0.0.3 */
    CHECK_EQ_INT(d->unanswered, 1);
    d = g_ptr_array_index(dest, 1);
    CHECK_EQ_INT(d->port, 25);
    CHECK_EQ_INT(d->refused, 1);
    d = g_ptr_array_index(dest, 2);
    CHECK_EQ_INT(d->port, 80);
    CHECK_EQ_INT(d->attempts, 3);
    CHECK_EQ_INT(d->answered, 2);
    CHECK_EQ_INT(d->superseded, 1);
    CHECK(ss_attempt_table_destination_of(f.table, ss_attempt_table_find(f.table, 9)) == d);
    g_ptr_array_unref(dest);

    GString *text = g_string_new(NULL);
    ss_attempt_table_format(f.table, "tcp", text);
    if (getenv("SHOW_TABLE"))
        fputs(text->str, stderr);
    CHECK(strstr(text->str, "Filter: tcp\nAttempts: 7\nAnswers inferred (SYN/ACK not in the capture): 1\n\n") != NULL);
    CHECK(strstr(text->str,
                 "Verdict   Client         Server          SYNs  First SYN (s)  To outcome (s)  Schedule  Outcome      "
                 "Answer      Outcome frame  First SYN frame  Announced in  Announced by  Stack  Gives up (s)  Gave up  "
                 "Port answered\n"
                 "failed    10.0.0.1:1001  10.0.0.2:49667     2       0.010000               -  -         unanswered   "
                 "-                       -                3             -  -             -                 -  -        "
                 "            -\n"
                 "failed    10.0.0.1:1002  10.0.0.3:25        1       1.020000        0.001000  -         refused-rst  "
                 "-                       6                5             -  -             -                 -  -        "
                 "            -\n"
                 "given up  10.0.0.1:1003  10.0.0.2:80        2       2.000000               -  -         superseded   "
                 "-                       9                7             -  -             -                 -  -        "
                 "            -\n") != NULL);
    CHECK(strstr(text->str,
                 "ok        10.0.0.1:1004  10.0.0.2:443       1       5.100000        0.001000  -         answered     "
                 "client-ack             13               12             -  -             -                 -  -        "
                 "            -\n"
                 "pending   10.0.0.1:1005  10.0.0.2:8080      1       5.500000               -  -         pending      "
                 "-                       -               14             -  -             -                 -  -        "
                 "            -\n") != NULL);
    CHECK(strstr(text->str, "Destination     Attempts  Answered  Refused  Unanswered  Superseded  Pending  Listener up\n"
                            "10.0.0.2:49667         1         0        0           1           0        0            0\n"
                            "10.0.0.3:25            1         0        1           0           0        0            0\n"
                            "10.0.0.2:80            3         2        0           0           1        0            0\n"
                            "10.0.0.2:443           1         1        0           0           0        0            0\n"
                            "10.0.0.2:8080          1         0        0           0           0        1            0\n") != NULL);
    g_string_free(text, TRUE);

    /* a reset empties the table (a file reloaded) */
    ss_attempt_table_reset(f.table);
    CHECK_EQ_INT(ss_attempt_table_size(f.table), 0);
    CHECK(ss_attempt_table_find(f.table, 3) == NULL);

    ss_attempt_table_free(f.table);
    ss_attempts_free(f.attempts);
}

/* Why: the causes fill the row's columns; a failed or late attempt whose
 * port answered others counts in its destination's Listener up, once
 * however often its causes are set; an ordinary one does not. */
static void test_causes_columns(void)
{
    feeder f = { ss_attempts_new(), ss_attempt_table_new() };
    ss_tuple blocked = test_tuple(1, 1001, 2, 80), other = test_tuple(3, 1002, 2, 80);
    feed(&f, 1, 0, blocked, SS_TCP_SYN, 200, 0);
    feed(&f, 2, 1000, blocked, SS_TCP_SYN, 200, 0);
    feed(&f, 3, 1500, other, SS_TCP_SYN, 300, 0);
    feed(&f, 4, 1501, ss_tuple_reverse(&other), SS_TCP_SYN | SS_TCP_ACK, 900, 301);
    feed(&f, 5, 3000, blocked, SS_TCP_SYN, 200, 0);
    ss_attempt_table_settle(f.table, START + 20000 * MS);
    ss_attempt_causes c;
    memset(&c, 0, sizeof c);
    c.stack.stack = SS_STACK_LINUX;
    c.stack.gives_up_ns = 127 * SS_NS_PER_SEC;
    c.gave_up.who = SS_GAVE_UP_APP;
    c.port_answered = 4;
    ss_attempt_table_set_causes(f.table, 1, &c);
    ss_attempt_table_set_causes(f.table, 1, &c);
    ss_attempt_causes ordinary;
    memset(&ordinary, 0, sizeof ordinary);
    ordinary.port_answered = 99;        /* not asked of an ordinary attempt: never counted */
    ss_attempt_table_set_causes(f.table, 3, &ordinary);
    GString *text = g_string_new(NULL);
    ss_attempt_table_format(f.table, NULL, text);
    if (getenv("SHOW_TABLE"))
        fputs(text->str, stderr);
    CHECK(strstr(text->str, "unanswered  -                   -                1             -  -             linux"
                            "           127  app                  4\n") != NULL);
    CHECK(strstr(text->str, "10.0.0.2:80         2         1        0           1           0        0            1\n")
          != NULL);
    g_string_truncate(text, 0);
    ss_attempt_table_format_machine(f.table, SS_FORM_CSV, text);
    CHECK(strstr(text->str, ",linux,127.000000,app,4\r\n") != NULL);
    g_string_free(text, TRUE);
    ss_attempt_table_free(f.table);
    ss_attempts_free(f.attempts);
}

static void test_verdict_words_sort_in_class_order(void)
{
    for (int c = SS_CLASS_FAILED; c < SS_CLASS_PENDING; c++)
        CHECK(strcmp(ss_attempt_class_verdict(c), ss_attempt_class_verdict(c + 1)) < 0);
}

int main(void)
{
    RUN(test_rows_follow_the_attempts);
    RUN(test_causes_columns);
    RUN(test_verdict_words_sort_in_class_order);
    return check_report();
}
