/* ws_compat.h - every difference between the Wireshark versions synsight
 * builds against (3.4 to 4.6), in one place, keyed on the installed headers.
 *
 * Where a difference has a name of its own in the headers (a header file, a
 * macro that came with the change), it is tested by that name: right for
 * any version by construction. Otherwise the test is a version range that
 * starts at the development series that made the change (odd minors: 4.1
 * became 4.2), so 3.6 and 4.2, which are not tested here, fall on the side
 * their headers are on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_WS_COMPAT_H
#define SYNSIGHT_WS_COMPAT_H

#include <ws_symbol_export.h>
/* The version: ws_version.h from 3.6 on; 3.4 has it only in its installed
 * config.h. */
#if __has_include(<ws_version.h>)
#include <ws_version.h>
#else
#include <config.h>
#define WIRESHARK_VERSION_MAJOR VERSION_MAJOR
#define WIRESHARK_VERSION_MINOR VERSION_MINOR
#endif
#include <epan/proto.h>
#include <epan/tap.h>
/* 4.0 does not install wsutil/plugins.h; 4.2 and later do (and 4.6 defines
 * WIRESHARK_PLUGIN_REGISTER there). */
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif

#define SS_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

#if !SS_WS_AT_LEAST(3, 4)
#error "synsight needs Wireshark 3.4 or newer"
#endif

/* Warnings in synsight's log domain: wsutil/wslog.h from 3.6 on (the caller
 * defines WS_LOG_DOMAIN first); GLib's log before. */
#if __has_include(<wsutil/wslog.h>)
#include <wsutil/wslog.h>
#define ss_warning ws_warning
#else
#define ss_warning(...) g_log("synsight", G_LOG_LEVEL_WARNING, __VA_ARGS__)
#endif

/* A tap listener's packet callback gained a flags argument (tap_flags_t) in
 * the same change that defined TL_IGNORE_DISPLAY_FILTER (3.5, so 3.6 on). */
#ifdef TL_IGNORE_DISPLAY_FILTER
#define SS_TAP_FLAGS_PARAM , tap_flags_t flags _U_
#else
#define SS_TAP_FLAGS_PARAM
#endif

/* The Statistics menu's group: REGISTER_STAT_GROUP_UNSORTED became
 * REGISTER_PACKET_STAT_GROUP_UNSORTED when the log groups came (for
 * Logray); an enum, so a version test. 3.7 is inferred (4.0 has the new
 * name, 3.4 the old): were 3.6 to have the new name already, its build
 * would fail to compile, naming REGISTER_STAT_GROUP_UNSORTED. */
#if SS_WS_AT_LEAST(3, 7)
#define SS_STAT_GROUP_UNSORTED REGISTER_PACKET_STAT_GROUP_UNSORTED
#else
#define SS_STAT_GROUP_UNSORTED REGISTER_STAT_GROUP_UNSORTED
#endif

/* A -z handler (stat_tap_ui.tap_init_cb) returns bool from 4.6 on (false:
 * the argument was refused, and tshark exits with an error), nothing
 * before: there a refused argument is reported and the table left out, as
 * a plugin cannot make tshark fail. */
#if SS_WS_AT_LEAST(4, 5)
typedef bool ss_stat_init_result;
#define SS_STAT_INIT_SUCCEEDED return true
#define SS_STAT_INIT_FAILED return false
#else
typedef void ss_stat_init_result;
#define SS_STAT_INIT_SUCCEEDED return
#define SS_STAT_INIT_FAILED return
#endif

/* A boolean (and an unsigned) preference's storage: gboolean (guint) up to
 * 4.2, bool (unsigned) from 4.4 on (the development series 4.3 moved the
 * preference API to C99 types). */
#if SS_WS_AT_LEAST(4, 3)
typedef bool ss_pref_bool;
typedef unsigned ss_pref_uint;
#else
typedef gboolean ss_pref_bool;
typedef guint ss_pref_uint;
#endif

/* A field's value: embedded in field_info up to 4.0, a pointer from 4.2 on
 * (the development series 4.1 made it one). */
#if SS_WS_AT_LEAST(4, 1)
#define SS_FIELD_VALUE(fi) ((fi)->value)
#else
#define SS_FIELD_VALUE(fi) (&(fi)->value)
#endif

/* Plugin entry points. 4.0-4.4: exported plugin_version/plugin_want_*
 * symbols and plugin_register() (4.2 added plugin_describe()). 4.6: one
 * module description handed over by WIRESHARK_PLUGIN_REGISTER_EPAN. */
#ifdef WIRESHARK_PLUGIN_REGISTER
#define SS_DECLARE_PLUGIN(version_, blurb_, register_fn_)                   \
    static struct ws_module ss_module = {                                    \
        .flags = WS_PLUGIN_DESC_DISSECTOR,                                   \
        .version = version_,                                                 \
        .spdx_id = "GPL-2.0-or-later",                                       \
        .home_url = "",                                                      \
        .blurb = blurb_,                                                     \
        .register_cb = &register_fn_,                                        \
    };                                                                       \
    WIRESHARK_PLUGIN_REGISTER_EPAN(&ss_module, 0)
#else
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define SS_DESCRIBE_FN \
    WS_DLL_PUBLIC uint32_t plugin_describe(void); \
    uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#else
#define SS_DESCRIBE_FN
#endif
#define SS_DECLARE_PLUGIN(version_, blurb_, register_fn_)                   \
    WS_DLL_PUBLIC_DEF const char plugin_version[] = version_;               \
    WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR; \
    WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR; \
    WS_DLL_PUBLIC void plugin_register(void);                                \
    void plugin_register(void) { register_fn_(); }                           \
    SS_DESCRIBE_FN
#endif

/* The frame's pcapng interface, + 1; 0 when the file names none. The
 * record's header has kept these names from 3.4 to 4.6. */
#include <wiretap/wtap.h>
#define SS_REC_INTERFACE_ID(pinfo)                                                    \
    ((pinfo)->rec && ((pinfo)->rec->presence_flags & WTAP_HAS_INTERFACE_ID)           \
         ? (uint32_t)(pinfo)->rec->rec_header.packet_header.interface_id + 1 : 0u)

#endif
