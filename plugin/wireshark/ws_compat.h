/* ws_compat.h - every difference between the Wireshark versions synsight
 * builds against (4.0 to 4.6), in one place, keyed on the installed headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef SYNSIGHT_WS_COMPAT_H
#define SYNSIGHT_WS_COMPAT_H

#include <ws_symbol_export.h>
#include <ws_version.h>
#include <epan/proto.h>
/* 4.0 does not install wsutil/plugins.h; 4.2 and later do (and 4.6 defines
 * WIRESHARK_PLUGIN_REGISTER there). */
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif

#define SS_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

#if !SS_WS_AT_LEAST(4, 0)
#error "synsight needs Wireshark 4.0 or newer"
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

#endif
