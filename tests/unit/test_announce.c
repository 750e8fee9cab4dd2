/* test_announce.c - endpoints handed out by application messages, and the
 * attempts that go to them
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "analysis.h"
#include "announce.h"
#include "attempt_table.h"

#include <stdlib.h>

#include "check.h"
#include "fixtures.h"

static ss_analysis *an;
static ss_frame_result res;

static void feed(ss_segment s) { ss_analysis_feed(an, &s, &res); }

static ss_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    ss_addr x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.bytes[0] = a, x.bytes[1] = b, x.bytes[2] = c, x.bytes[3] = d;
    return x;
}

/* A segment of tuple t that announces one endpoint. */
static ss_segment announcing(uint32_t frame, ss_tuple t, const ss_announced *a, uint32_t n)
{
    ss_segment s = test_tcp(frame, frame * SS_NS_PER_SEC / 100, t, SS_TCP_ACK | SS_TCP_PSH, 1000 + frame, 2000);
    s.announced = a;
    s.announced_count = n;
    return s;
}

static void test_the_rules_of_an_announcement(void)
{
    ss_announcements *t = ss_announcements_new();
    ss_tuple ctrl_s2c = test_tuple(2, 21, 1, 40000);     /* 10.0.0.2:21 -> 10.0.0.1:40000: a reply */
    ss_announced pasv[] = { { SS_ANNOUNCER_FTP_PASV, v4(10, 0, 0, 2), 60001 } };
    ss_segment s = announcing(5, ctrl_s2c, pasv, 1);
    ss_announcements_add(t, &s);
    const ss_announcement *got = ss_announcements_find(t, &ctrl_s2c.src, 60001);
    CHECK(got != NULL);
    CHECK_EQ_INT(got->frame, 5);
    CHECK_EQ_INT(got->service_port, 21);                /* a reply: the service is its sender */
    CHECK(memcmp(&got->service_addr, &ctrl_s2c.src, sizeof got->service_addr) == 0);
    CHECK(ss_announcements_find(t, &ctrl_s2c.src, 60002) == NULL);
    CHECK(ss_announcements_find(t, &ctrl_s2c.dst, 60001) == NULL);

    /* behind NAT: the address handed out is not the sender's; both count */
    ss_announced nat[] = { { SS_ANNOUNCER_FTP_PASV, v4(192, 168, 1, 9), 60002 } };
    s = announcing(6, ctrl_s2c, nat, 1);
    ss_announcements_add(t, &s);
    ss_addr private = v4(192, 168, 1, 9);
    CHECK(ss_announcements_find(t, &private, 60002) != NULL);
    CHECK(ss_announcements_find(t, &ctrl_s2c.src, 60002) != NULL);

    /* an endpoint mapper's 0.0.0.0 (or no address) is its own; port 0 is none */
    ss_tuple epm_s2c = test_tuple(2, 135, 1, 40001);
    ss_announced towers[] = { { SS_ANNOUNCER_DCERPC_EPM, v4(0, 0, 0, 0), 49153 },
                              { SS_ANNOUNCER_DCERPC_EPM, { 0 }, 49154 },
                              { SS_ANNOUNCER_DCERPC_EPM, v4(10, 0, 0, 2), 0 } };
    s = announcing(7, epm_s2c, towers, 3);
    ss_announcements_add(t, &s);
    CHECK_EQ_INT(ss_announcements_find(t, &epm_s2c.src, 49153)->frame, 7);
    CHECK_EQ_INT(ss_announcements_find(t, &epm_s2c.src, 49154)->by, SS_ANNOUNCER_DCERPC_EPM);
    CHECK(ss_announcements_find(t, &epm_s2c.src, 0) == NULL);
    ss_addr zero = v4(0, 0, 0, 0);
    CHECK(ss_announcements_find(t, &zero, 49153) == NULL);

    /* a PORT command: the client announces its own endpoint, the service is the server it talks to */
    ss_tuple ctrl_c2s = test_tuple(1, 40000, 2, 21);
    ss_announced port[] = { { SS_ANNOUNCER_FTP_PORT, v4(10, 0, 0, 1), 50001 } };
    s = announcing(8, ctrl_c2s, port, 1);
    ss_announcements_add(t, &s);
    got = ss_announcements_find(t, &ctrl_c2s.src, 50001);
    CHECK(got != NULL && got->service_port == 21);
    CHECK(got && memcmp(&got->service_addr, &ctrl_c2s.dst, sizeof got->service_addr) == 0);

    /* a later announcement of the same endpoint replaces the earlier */
    s = announcing(9, ctrl_s2c, pasv, 1);
    ss_announcements_add(t, &s);
    CHECK_EQ_INT(ss_announcements_find(t, &ctrl_s2c.src, 60001)->frame, 9);
    CHECK_EQ_INT(ss_announcements_count(t), 7);
    ss_announcements_free(t);

    CHECK_EQ_STR(ss_announcer_about(SS_ANNOUNCER_FTP_EPRT)->name, "ftp-eprt");
    CHECK(ss_announcer_about(SS_ANNOUNCER_NONE) == NULL);
}

static void test_attempts_name_their_announcement(void)
{
    ss_tuple ctrl_s2c = test_tuple(2, 21, 1, 40000);
    ss_tuple data = test_tuple(1, 45000, 2, 60003);
    /* an attempt to the port before it was announced names nothing */
    feed(test_tcp(1, 0, test_tuple(1, 44999, 2, 60003), SS_TCP_SYN, 10, 0));
    CHECK(ss_attempt_announced(res.attempt.attempt) == NULL);
    ss_announced pasv[] = { { SS_ANNOUNCER_FTP_PASV, v4(10, 0, 0, 2), 60003 } };
    feed(announcing(2, ctrl_s2c, pasv, 1));
    feed(test_tcp(3, SS_NS_PER_SEC, data, SS_TCP_SYN, 100, 0));
    const ss_attempt *a = res.attempt.attempt;
    CHECK(ss_attempt_announced(a) != NULL && ss_attempt_announced(a)->frame == 2);
    /* its retransmissions belong to the same attempt */
    feed(test_tcp(4, 2 * SS_NS_PER_SEC, data, SS_TCP_SYN, 100, 0));
    CHECK(res.attempt.attempt == a && res.attempt.syn_index == 1);
    /* another port of the same server is not announced */
    feed(test_tcp(5, 2 * SS_NS_PER_SEC, test_tuple(1, 45001, 2, 60004), SS_TCP_SYN, 200, 0));
    CHECK(ss_attempt_announced(res.attempt.attempt) == NULL);
    /* an ordinary answered data connection to an announced port */
    ss_announced pasv2[] = { { SS_ANNOUNCER_FTP_PASV, v4(10, 0, 0, 2), 60005 } };
    feed(announcing(6, ctrl_s2c, pasv2, 1));
    ss_tuple ok = test_tuple(1, 45002, 2, 60005);
    feed(test_tcp(7, 3 * SS_NS_PER_SEC, ok, SS_TCP_SYN, 300, 0));
    const ss_attempt *answered = res.attempt.attempt;
    feed(test_tcp(8, 3 * SS_NS_PER_SEC, ss_tuple_reverse(&ok), SS_TCP_SYN | SS_TCP_ACK, 900, 301));

    /* the table: every attempt names its announcement; the service counts them */
    ss_attempt_table *t = ss_attempt_table_new();
    const ss_attempt_row *r = ss_attempt_table_update(t, a, 0, 40 * SS_NS_PER_SEC);
    CHECK_EQ_INT(r->announced_in, 2);
    CHECK_EQ_STR(ss_attempt_row_announced_by(r), "ftp-pasv");
    r = ss_attempt_table_update(t, answered, 0, 40 * SS_NS_PER_SEC);
    CHECK_EQ_INT(r->announced_in, 6);
    CHECK_EQ_INT(ss_attempt_row_class(r), SS_CLASS_ANSWERED);
    GPtrArray *services = ss_attempt_table_services(t);
    CHECK_EQ_INT(services->len, 1);
    const ss_service_row *s = g_ptr_array_index(services, 0);
    CHECK_EQ_STR(s->service, "FTP");
    CHECK_EQ_INT(s->port, 21);
    CHECK_EQ_INT(s->announced, 2);
    CHECK_EQ_INT(s->blocked, 1);
    g_ptr_array_unref(services);
    GString *text = g_string_new(NULL);
    ss_attempt_table_format(t, NULL, text);
    CHECK(strstr(text->str, "FTP 10.0.0.2:21: 2 data connections announced, 1 blocked\n") != NULL);
    g_string_free(text, TRUE);

    /* the machine forms: the same rows, numbers as numbers, null for none */
    text = g_string_new(NULL);
    ss_attempt_table_format_machine(t, SS_FORM_CSV, text);
    if (getenv("SHOW_TABLE"))
        fputs(text->str, stderr);
    CHECK(g_str_has_prefix(text->str, "verdict,client_addr,client_port,server_addr,server_port,syns,first_syn_s,"
                                      "to_outcome_s,schedule,outcome,answer,outcome_frame,first_syn_frame,"
                                      "announced_in,announced_by,stack,gives_up_s,gave_up,port_answered\r\n"));
    CHECK(strstr(text->str, "\r\nfailed,10.0.0.1,45000,10.0.0.2,60003,2,1.000000,,,unanswered,,,3,2,ftp-pasv,,,,\r\n"));
    CHECK(strstr(text->str, "\r\nok,10.0.0.1,45002,10.0.0.2,60005,1,3.000000,0.000000,,answered,synack,8,7,6,"
                            "ftp-pasv,,,,\r\n"));
    g_string_truncate(text, 0);
    ss_attempt_table_format_machine(t, SS_FORM_JSON, text);
    CHECK(g_str_has_prefix(text->str, "{\"verdict\":\"failed\",\"client_addr\":\"10.0.0.1\",\"client_port\":45000,"
                                      "\"server_addr\":\"10.0.0.2\",\"server_port\":60003,\"syns\":2,"
                                      "\"first_syn_s\":1.000000,\"to_outcome_s\":null,\"schedule\":null,"
                                      "\"outcome\":\"unanswered\",\"answer\":null,\"outcome_frame\":null,"
                                      "\"first_syn_frame\":3,\"announced_in\":2,\"announced_by\":\"ftp-pasv\",\"stack\":null,"
                                      "\"gives_up_s\":null,\"gave_up\":null,\"port_answered\":null}\n"));
    CHECK_EQ_INT(ss_table_form_named("json"), SS_FORM_JSON);
    CHECK_EQ_INT(ss_table_form_named("xml"), SS_FORM_TEXT);
    g_string_free(text, TRUE);
    ss_attempt_table_free(t);
}

int main(void)
{
    RUN(test_the_rules_of_an_announcement);
    RUN_WITH_ANALYSIS(test_attempts_name_their_announcement);
    return check_report();
}
